// The kinds of event the vPCI machine records in its trace, with the meaning of
// each event's a/b/c columns and blob. The trace itself (emulator/runtime/trace.ts)
// stores numbers and knows none of these names.

/** The Ev.State record of an interrupt raised while its vector is masked: left pending (emulator/machine/bus.ts). */
export const PENDING_MASKED = 'interrupt pending (masked)';

/** Event kinds. Plain numbers (not a const enum) so per-file transpilers agree. */
export const Ev = {
  /** a = wslot, b = offset | size << 16, c = value. Guest config read through the window. */
  CfgRead: 1,
  /** a = wslot, b = offset | size << 16, c = value written. */
  CfgWrite: 2,
  /** Raw MMIO on the config window. a = window offset, b = size, c = value. */
  MmioRead: 3,
  MmioWrite: 4,
  /** VMBus packet guest→host. a = message type (0 if none/unknown), b = transaction id (low 32), c = packet length; blob = packet bytes. */
  PacketToHost: 5,
  /** VMBus packet host→guest. Same fields, except that for a completion a = the type of the request it completes (byte 0 of the blob, the descriptor type, tells a completion (11) from a message (6)). */
  PacketToGuest: 6,
  /** Host created an interrupt mapping. a = wslot, b = MSI data, c = MSI address (low 32); blob = detail object. */
  IntMap: 7,
  /** Host removed an interrupt mapping. a = wslot, b = data, c = address low. */
  IntUnmap: 8,
  /** Device raised an interrupt and it was delivered. a = wslot, b = vector, c = cpu; blob = detail. */
  IntDeliver: 9,
  /** Device raised an interrupt that could not be delivered. a = wslot, b = table index; blob = reason text. */
  IntUndeliverable: 10,
  /** Something changed state. blob = { what, from, to } text or object. */
  State: 11,
  /** An injected fault fired. blob = description. */
  Fault: 12,
  /** A protocol error (bad packet, fatal channel error, rejected access). blob = description. */
  Error: 13,
  /** BAR mapped/unmapped into guest physical space on MSE toggle. a = wslot, b = BAR index, c = address low; blob = detail. */
  BarMap: 14,
  BarUnmap: 15,
  /** A BAR write ignored because Memory Space Enable was set. a = wslot, b = offset, c = value. */
  BarWriteIgnored: 16,
  /** BAR memory access by a guest driver (not config space). a = wslot, b = BAR index, c = offset; blob = BarAccessDetail. */
  BarAccess: 17,
  /** A driver log line (printf/device_printf/dev_info). blob = text. */
  Log: 18,
  /** Channel lifecycle: offer/open/close/rescind. a = state code; blob = text. */
  Channel: 19,
  /** An expectation checked by the scenario runner. a = 1 pass / 0 fail; blob = text. */
  Expect: 20,
} as const;
/** The blob of an Ev.BarAccess event. */
export interface BarAccessDetail {
  /** Bytes accessed (1, 2, 4 or 8). */
  size: number;
  /** The value read or written. */
  value: number;
  write: boolean;
  /** The guest-physical address accessed (the BAR's address then, plus the offset): what a data breakpoint "at an address" watches. */
  address: number;
}

export type EvKind = (typeof Ev)[keyof typeof Ev];

export const evName: Record<number, string> = Object.fromEntries(Object.entries(Ev).map(([k, v]) => [v, k]));
