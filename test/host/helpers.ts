// Test harness for the host VSP: a fake HostEnv that collects what the host
// sends, guest packets built from the guest's own request builders, and a few
// byte readers for asserting replies at their docs/protocol.md offsets.
import { Trace } from '../../emulator/runtime/trace';
import { Ev } from '../../emulator/vpci/events';
import { encodePacket } from '../../emulator/vmbus/packet';
import { InterruptRemapper } from '../../emulator/vpci/host/interrupts';
import { hostProfile } from '../../emulator/vpci/host/profiles';
import { VpciHost, type HostEnv } from '../../emulator/vpci/host/vsp';
import { FakeFunction } from './fake-function';

export const GUID = '5e1e2f3a-1b2c-4d5e-8f90-0123456789ab';

export interface Harness {
  host: VpciHost;
  sent: { pkt: Uint8Array; type: number }[];
  trace: Trace;
  timers: Map<string, number>;
  cancelled: string[];
  rescinds: number;
  fn: FakeFunction;
  remapper: InterruptRemapper;
  time: { now: number; free: number; capacity: number; open: boolean };
  /** Sends a guest packet (in-band; rc = completion requested) and returns what the host sent in answer. */
  send(payload: Uint8Array, o?: { rc?: boolean; txid?: bigint; type?: number }): { pkt: Uint8Array; type: number }[];
  errors(): string[];
}

export function defaultFunction(): FakeFunction {
  return new FakeFunction({ vendor: 0x15b3, device: 0x101e, revision: 0x01, classCode: 0x020000, subsystem: 0x0061_15b3 }, [
    { index: 0, size: 0x1000, is64: true, prefetch: true },
    { index: 2, size: 0x4000 },
  ]);
}

export function harness(
  profile: string,
  o: { functions?: { wslot: number; fn: FakeFunction; serial: number; numaNode?: number }[]; remapper?: InterruptRemapper; trace?: Trace } = {},
): Harness {
  const trace = o.trace ?? new Trace(256);
  const time = { now: 1000, free: 16384, capacity: 16384, open: true };
  const fn = defaultFunction();
  const functions = o.functions ?? [{ wslot: 0, fn, serial: 0x1234 }];
  const remapper = o.remapper ?? new InterruptRemapper({ trace, now: () => time.now });
  const h = {
    sent: [] as { pkt: Uint8Array; type: number }[],
    trace,
    timers: new Map<string, number>(),
    cancelled: [] as string[],
    rescinds: 0,
    fn: functions[0]?.fn ?? fn,
    remapper,
    time,
  } as Harness;
  const env: HostEnv = {
    now: () => time.now,
    send(packet, type) {
      if (packet.length > time.free) return false;
      h.sent.push({ pkt: packet, type });
      return true;
    },
    outboundFree: () => time.free,
    outboundCapacity: () => time.capacity,
    channelOpen: () => time.open,
    setTimer: (name, at) => void h.timers.set(name, at),
    cancelTimer: (name) => {
      h.timers.delete(name);
      h.cancelled.push(name);
    },
    trace,
    bus: 0,
    rescind: () => {
      h.rescinds++;
    },
  };
  h.host = new VpciHost({
    profile: hostProfile(profile)!,
    instanceGuid: GUID,
    functions: functions.map((f) => ({ ...f, fn: f.fn as never })),
    interrupts: remapper,
    env,
  });
  h.send = (payload, so = {}) => {
    const before = h.sent.length;
    h.host.handlePacket(encodePacket({ type: so.type ?? 6, flags: so.rc === false ? 0 : 1, transactionId: so.txid ?? 7n, payload }));
    return h.sent.slice(before);
  };
  h.errors = () => {
    const out: string[] = [];
    for (let i = 0; i < trace.length; i++) if (trace.get(i).kind === Ev.Error) out.push(String(trace.get(i).blob));
    return out;
  };
  return h;
}

export const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
export const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
export const u64 = (b: Uint8Array, o: number) => Number(new DataView(b.buffer, b.byteOffset).getBigUint64(o, true));
/** Descriptor fields of a sent packet. */
export const desc = (p: Uint8Array) => ({ type: u16(p, 0), hdr: u16(p, 2), total: u16(p, 4), flags: u16(p, 6), txid: u64(p, 8) });
/** Payload of a sent packet (after the 16-byte descriptor). */
export const payload = (p: Uint8Array) => p.subarray(16);
export const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
