// Host faults a scenario can inject: what the host does to the next matching
// guest message instead of (or on top of) its normal handling. Plain data, so
// faults survive snapshots and read the same in the trace and the scenario.
import { messageLabel, statusText } from '../protocol';
import { formatTime } from '../../format';

export type FaultAction =
  /** Complete the request with this NTSTATUS instead of handling it. */
  | { kind: 'status'; status: number }
  /** Swallow the request: no completion ever comes (the guest's wait times out or hangs). */
  | { kind: 'no-reply' }
  /** Handle it normally but send the reply `ns` of virtual time later. */
  | { kind: 'delay'; ns: number }
  /** Send the reply cut to `bytes` bytes of payload (a malformed completion). */
  | { kind: 'truncate'; bytes: number }
  /** XOR the reply's payload byte at `offset` with `xor` (a corrupted completion). */
  | { kind: 'flip'; offset: number; xor: number }
  /** The function disappears from the host (surprise removal) when this message arrives. */
  | { kind: 'vanish' };

export interface HostFault {
  /** vPCI message type the fault applies to (e.g. 0x42490014 PCI_CREATE_INTERRUPT_MESSAGE2). */
  message: number;
  action: FaultAction;
  /** How many matching messages it applies to; absent = every one from now on. */
  remaining?: number;
}

/** What a fault did to message `type`, in words (the trace, the Debug Console, the exception widget). */
export function faultText(type: number, a: FaultAction): string {
  const msg = messageLabel(type);
  switch (a.kind) {
    case 'status':
      return `${msg} answered with STATUS_${statusText(a.status)} instead of being handled`;
    case 'no-reply':
      return `${msg} swallowed: no completion is sent`;
    case 'delay':
      return `${msg} answered ${formatTime(a.ns)} late`;
    case 'truncate':
      return `${msg} answered with its payload cut to ${a.bytes} bytes`;
    case 'flip':
      return `${msg} answered with payload byte +${a.offset} XORed with 0x${a.xor.toString(16)}`;
    case 'vanish':
      return `${msg}: the function vanishes from the host (surprise removal)`;
  }
}
