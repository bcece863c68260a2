// The trace: every event a machine produces, with its virtual time. Event kinds
// are numbers defined by the layer that records them (emulator/vpci/events.ts).
// It is columnar (typed arrays grown by doubling) so that recording an event on a
// hot path — a config access through the para-virtual window — costs a few array
// stores and no allocation. Events that carry bytes or text keep them in a side
// table referenced by index.

export interface TraceEvent {
  index: number;
  time: number;
  kind: number;
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
  /**
   * Events recorded. Written only by this class (read it, never set it): a field, not a getter,
   * because the machine reads it twice at every step, as V8's baseline code, where a getter is a call.
   */
  length = 0;
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
  /** Blobs in use (the array may hold more: those of the kept future, see truncate). */
  private nBlobs = 0;
  /**
   * Events [length, future) are the ones recorded before the last truncate, kept: a deterministic
   * replay records them again identically, and `resume` takes them back without one (a restore
   * further on). Dropped by `dropFuture` when the run can no longer be trusted to repeat them.
   */
  private future = 0;
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
  record(time: number, kind: number, bus: number, a: number, b: number, c: number, blob?: unknown): number {
    if (!this.enabled) return -1;
    const i = this.length;
    if (i === this.cap) this.grow();
    this.time[i] = time;
    this.kind[i] = kind;
    this.bus[i] = bus;
    this.a[i] = a >>> 0;
    this.b[i] = b >>> 0;
    this.c[i] = c >>> 0;
    if (blob === undefined) this.ref[i] = NO_BLOB;
    else {
      const r = this.nBlobs++;
      this.ref[i] = r;
      this.blobs[r] = blob;
    }
    this.length = i + 1;
    return i;
  }

  get(i: number): TraceEvent {
    const r = this.ref[i]!;
    return {
      index: i,
      time: this.time[i]!,
      kind: this.kind[i]!,
      bus: this.bus[i]!,
      a: this.a[i]!,
      b: this.b[i]!,
      c: this.c[i]!,
      blob: r === NO_BLOB ? undefined : this.blobs[r],
    };
  }

  /**
   * Drops every event from index `n` on (used when a snapshot is restored). They are kept aside
   * as the logged future until `dropFuture`: `resume` can take them back.
   */
  truncate(n: number): void {
    if (n >= this.length) return;
    this.epoch++;
    this.future = Math.max(this.future, this.length);
    // Blobs are numbered in event order, so the first dropped event with a blob tells how many are in use.
    for (let i = n; i < this.length; i++) {
      if (this.ref[i]! !== NO_BLOB) {
        this.nBlobs = this.ref[i]!;
        break;
      }
    }
    this.length = n;
  }

  /** Whether the trace can be set to length `n`: shorter, or within the kept future. */
  canResume(n: number): boolean {
    return n <= this.length || n <= this.future;
  }

  /** Sets the length to `n`: truncates, or takes back kept future events. False if they are not held. */
  resume(n: number): boolean {
    if (n <= this.length) {
      this.truncate(n);
      return true;
    }
    if (n > this.future) return false;
    this.length = n;
    let i = n - 1;
    while (i >= 0 && this.ref[i] === NO_BLOB) i--;
    this.nBlobs = i >= 0 ? this.ref[i]! + 1 : 0;
    return true;
  }

  /** Forgets the kept future (the run has changed: replaying would not record those events again). */
  dropFuture(): void {
    this.future = 0;
    this.blobs.length = this.nBlobs;
  }

  *events(from = 0, to = this.length): IterableIterator<TraceEvent> {
    for (let i = from; i < Math.min(to, this.length); i++) yield this.get(i);
  }
}
