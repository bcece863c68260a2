// The machine's trace: every event the emulator produces, with its virtual time.
// It is columnar (typed arrays grown by doubling) so that recording an event on a
// hot path — a config access through the para-virtual window — costs a few array
// stores and no allocation. Events that carry bytes or text keep them in a side
// table referenced by index.

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
  /** BAR memory access by a guest driver (not config space). a = wslot, b = BAR index, c = offset; blob = { size, value, write }. */
  BarAccess: 17,
  /** A driver log line (printf/device_printf/dev_info). blob = text. */
  Log: 18,
  /** Channel lifecycle: offer/open/close/rescind. a = state code; blob = text. */
  Channel: 19,
  /** An expectation checked by the scenario runner. a = 1 pass / 0 fail; blob = text. */
  Expect: 20,
} as const;
export type EvKind = (typeof Ev)[keyof typeof Ev];

export const evName: Record<number, string> = Object.fromEntries(
  Object.entries(Ev).map(([k, v]) => [v, k]),
);

export interface TraceEvent {
  index: number;
  time: number;
  kind: EvKind;
  /** Bus index within the machine (0xFFFF = machine-wide). */
  bus: number;
  a: number;
  b: number;
  c: number;
  blob: unknown;
}

const NO_BLOB = -1;

export class Trace {
  private cap: number;
  private n = 0;
  /** Bumped by truncate(): between bumps the trace only grows, so (epoch, length) names its contents. */
  epoch = 0;
  time: Float64Array;
  kind: Uint8Array;
  bus: Uint16Array;
  a: Uint32Array;
  b: Uint32Array;
  c: Uint32Array;
  ref: Int32Array;
  blobs: unknown[] = [];
  /** When false, record() is a no-op (for measuring the cost of tracing). */
  enabled = true;

  constructor(initial = 4096) {
    this.cap = initial;
    this.time = new Float64Array(initial);
    this.kind = new Uint8Array(initial);
    this.bus = new Uint16Array(initial);
    this.a = new Uint32Array(initial);
    this.b = new Uint32Array(initial);
    this.c = new Uint32Array(initial);
    this.ref = new Int32Array(initial);
  }

  get length(): number {
    return this.n;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Float64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array>(old: T, ctor: new (n: number) => T): T => {
      const x = new ctor(cap);
      x.set(old);
      return x;
    };
    this.time = g(this.time, Float64Array);
    this.kind = g(this.kind, Uint8Array);
    this.bus = g(this.bus, Uint16Array);
    this.a = g(this.a, Uint32Array);
    this.b = g(this.b, Uint32Array);
    this.c = g(this.c, Uint32Array);
    this.ref = g(this.ref, Int32Array);
    this.cap = cap;
  }

  /** Records one event; returns its index (or -1 when tracing is off). */
  record(time: number, kind: EvKind, bus: number, a: number, b: number, c: number, blob?: unknown): number {
    if (!this.enabled) return -1;
    const i = this.n;
    if (i === this.cap) this.grow();
    this.time[i] = time;
    this.kind[i] = kind;
    this.bus[i] = bus;
    this.a[i] = a >>> 0;
    this.b[i] = b >>> 0;
    this.c[i] = c >>> 0;
    if (blob === undefined) this.ref[i] = NO_BLOB;
    else {
      this.ref[i] = this.blobs.length;
      this.blobs.push(blob);
    }
    this.n = i + 1;
    return i;
  }

  get(i: number): TraceEvent {
    const r = this.ref[i]!;
    return {
      index: i,
      time: this.time[i]!,
      kind: this.kind[i] as EvKind,
      bus: this.bus[i]!,
      a: this.a[i]!,
      b: this.b[i]!,
      c: this.c[i]!,
      blob: r === NO_BLOB ? undefined : this.blobs[r],
    };
  }

  /** Drops every event from index `n` on (used when a snapshot is restored). */
  truncate(n: number): void {
    if (n >= this.n) return;
    this.epoch++;
    // Blobs are appended in event order, so the first dropped event with a blob
    // tells how many blobs to keep.
    let keepBlobs = this.blobs.length;
    for (let i = n; i < this.n; i++) {
      if (this.ref[i]! !== NO_BLOB) {
        keepBlobs = this.ref[i]!;
        break;
      }
    }
    this.blobs.length = keepBlobs;
    this.n = n;
  }

  *events(from = 0, to = this.n): IterableIterator<TraceEvent> {
    for (let i = from; i < Math.min(to, this.n); i++) yield this.get(i);
  }
}
