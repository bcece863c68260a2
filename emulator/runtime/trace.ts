// The trace: every event a machine produces, with its virtual time. Event kinds
// are numbers defined by the layer that records them (emulator/vpci/events.ts).
// It is columnar (typed arrays grown by doubling) so that recording an event on a
// hot path — a config access through the para-virtual window — costs a few array
// stores and no allocation. Events that carry bytes or text keep them in a side
// table referenced by index.
//
// Event indices are global and never change: event i is the i-th event the run recorded. A
// debugging session whose step-back history is cut drops the events older than what history can
// reach (`dropBefore`), so that a long session does not grow without limit: the trace then holds
// the events [base, length), plus a few older ones it was asked to keep (`retained`: what a later
// position still reads, such as the last step a thread ran before the start of history). Reading
// an event that is not held answers "nothing": kind 0 (no event kind), zeros and no blob; callers
// that take an index from outside ask `holds(i)` first. A run that is never cut (the CLI, tests)
// has base 0 and reads exactly as before.

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
  private readonly initial: number;
  /** Events held in the columns: global indices [base, base + n). */
  private n = 0;
  private first = 0;
  /** Bumped by truncate(): between bumps the trace only grows, so (epoch, length) names its contents. */
  epoch = 0;
  // The columns hold event `base + j` at j: read them through the accessors, which take global indices.
  private time: Float64Array;
  private kind: Uint8Array;
  private bus: Uint16Array;
  private a: Uint32Array;
  private b: Uint32Array;
  private c: Uint32Array;
  private ref: Int32Array;
  private blobs: unknown[] = [];
  /** Blobs in use (the array may hold more: those of the kept future, see truncate). */
  private nBlobs = 0;
  /**
   * Events [length, future) are the ones recorded before the last truncate, kept: a deterministic
   * replay records them again identically, and `resume` takes them back without one (a restore
   * further on). Dropped by `dropFuture` when the run can no longer be trusted to repeat them.
   * A global index (0: none).
   */
  private future = 0;
  /** Events before `base` kept by `dropBefore` (ascending indices, and the events). */
  private keptAt: number[] = [];
  private kept = new Map<number, TraceEvent>();
  /** When false, record() is a no-op (for measuring the cost of tracing). */
  enabled = true;

  constructor(initial = 4096) {
    this.cap = initial;
    this.initial = initial;
    this.time = new Float64Array(initial);
    this.kind = new Uint8Array(initial);
    this.bus = new Uint16Array(initial);
    this.a = new Uint32Array(initial);
    this.b = new Uint32Array(initial);
    this.c = new Uint32Array(initial);
    this.ref = new Int32Array(initial);
  }

  /**
   * Events recorded so far (the next event's index), held or not: base + the events in the columns.
   * Written only by this class (read it, never set it): a field, not a getter, because the machine
   * reads it twice at every step, as V8's baseline code, where a getter is a call.
   */
  length = 0;

  /** The first index of the events held in order: those before it were dropped (0 until a drop). */
  get base(): number {
    return this.first;
  }

  /** Events the trace holds (in order, kept older ones, and a kept future): what its memory grows with. */
  get held(): number {
    return Math.max(this.n, this.future - this.first) + this.keptAt.length;
  }

  /** Heap bytes the trace holds, roughly: its columns and its blobs (a packet's bytes, a text, a small object). */
  get bytes(): number {
    let n = this.cap * (8 + 1 + 2 + 4 * 4);
    const blob = (b: unknown): number => 8 + (b instanceof Uint8Array ? 96 + b.length : typeof b === 'string' ? 16 + b.length : 120);
    for (const b of this.blobs) n += blob(b);
    for (const e of this.kept.values()) n += 100 + blob(e.blob);
    return n;
  }

  /** The events before `base` that a drop kept, ascending. */
  get retained(): readonly number[] {
    return this.keptAt;
  }

  /** Whether event i is held (recorded, and not dropped). */
  holds(i: number): boolean {
    return Number.isInteger(i) && i < this.length && (i >= this.first ? i >= 0 : this.kept.has(i));
  }

  private resize(cap: number, used: number): void {
    const g = <T extends Float64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array>(old: T, ctor: new (n: number) => T): T => {
      const x = new ctor(cap);
      x.set(old.subarray(0, used));
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

  private grow(): void {
    this.resize(this.cap * 2, this.cap);
  }

  /** Records one event; returns its index (or -1 when tracing is off). */
  record(time: number, kind: number, bus: number, a: number, b: number, c: number, blob?: unknown): number {
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
      const r = this.nBlobs++;
      this.ref[i] = r;
      this.blobs[r] = blob;
    }
    this.n = i + 1;
    this.length = this.first + this.n;
    return this.first + i;
  }

  // ---- reading (global indices; an event not held reads as kind 0, zeros, no blob) -------------

  timeAt(i: number): number {
    const j = i - this.first;
    return j >= 0 ? (j < this.n ? this.time[j]! : 0) : (this.kept.get(i)?.time ?? 0);
  }
  kindAt(i: number): number {
    const j = i - this.first;
    return j >= 0 ? (j < this.n ? this.kind[j]! : 0) : (this.kept.get(i)?.kind ?? 0);
  }
  busAt(i: number): number {
    const j = i - this.first;
    return j >= 0 ? (j < this.n ? this.bus[j]! : 0) : (this.kept.get(i)?.bus ?? 0);
  }
  aAt(i: number): number {
    const j = i - this.first;
    return j >= 0 ? (j < this.n ? this.a[j]! : 0) : (this.kept.get(i)?.a ?? 0);
  }
  bAt(i: number): number {
    const j = i - this.first;
    return j >= 0 ? (j < this.n ? this.b[j]! : 0) : (this.kept.get(i)?.b ?? 0);
  }
  cAt(i: number): number {
    const j = i - this.first;
    return j >= 0 ? (j < this.n ? this.c[j]! : 0) : (this.kept.get(i)?.c ?? 0);
  }
  blobAt(i: number): unknown {
    const j = i - this.first;
    if (j < 0) return this.kept.get(i)?.blob;
    if (j >= this.n) return undefined;
    const r = this.ref[j]!;
    return r === NO_BLOB ? undefined : this.blobs[r];
  }

  get(i: number): TraceEvent {
    if (i < this.first) return this.kept.get(i) ?? { index: i, time: 0, kind: 0, bus: 0, a: 0, b: 0, c: 0, blob: undefined };
    return {
      index: i,
      time: this.timeAt(i),
      kind: this.kindAt(i),
      bus: this.busAt(i),
      a: this.aAt(i),
      b: this.bAt(i),
      c: this.cAt(i),
      blob: this.blobAt(i),
    };
  }

  /**
   * Drops every event before index `n` but those `keep` names (what a later position still reads:
   * a summary of the past, not the past). Indices do not change. Events before the base stay
   * dropped: a drop is never undone, and restoring a state from before it is refused (canResume).
   */
  dropBefore(n: number, keep: Iterable<number> = []): void {
    const to = Math.min(n, this.length);
    if (to <= this.first) return;
    const d = to - this.first;
    // What is kept: the events named, from those still held before `to` (older kept ones included).
    const want = new Set<number>();
    for (const i of keep) if (i < to && this.holds(i)) want.add(i);
    const kept = new Map<number, TraceEvent>();
    for (const i of [...want].sort((x, y) => x - y)) kept.set(i, this.get(i));
    this.kept = kept;
    this.keptAt = [...kept.keys()];
    // The columns (with the kept future) move down by d; blobs are numbered in event order.
    const end = Math.max(this.n, this.future - this.first);
    let firstBlob = this.blobs.length;
    for (let j = d; j < end; j++)
      if (this.ref[j] !== NO_BLOB) {
        firstBlob = this.ref[j]!;
        break;
      }
    for (const col of [this.time, this.kind, this.bus, this.a, this.b, this.c, this.ref]) col.copyWithin(0, d, end);
    const left = end - d;
    if (firstBlob > 0) for (let j = 0; j < left; j++) if (this.ref[j] !== NO_BLOB) this.ref[j]! -= firstBlob;
    this.blobs = this.blobs.slice(firstBlob);
    this.nBlobs = Math.max(0, this.nBlobs - firstBlob);
    this.first = to;
    this.n -= d;
    this.length = this.first + this.n;
    // Memory follows what is held: a much smaller trace takes smaller columns.
    if (left * 4 <= this.cap && this.cap > this.initial) {
      let cap = this.initial;
      while (cap < left * 2) cap *= 2;
      if (cap < this.cap) this.resize(cap, left);
    }
  }

  /**
   * Drops every event from index `n` on (used when a snapshot is restored). They are kept aside
   * as the logged future until `dropFuture`: `resume` can take them back.
   */
  truncate(n: number): void {
    if (n >= this.length) return;
    if (n < this.first) throw new Error(`trace: events before ${this.first} were dropped; cannot go back to ${n}`);
    this.epoch++;
    this.future = Math.max(this.future, this.length);
    const m = n - this.first;
    // Blobs are numbered in event order, so the first dropped event with a blob tells how many are in use.
    for (let j = m; j < this.n; j++) {
      if (this.ref[j]! !== NO_BLOB) {
        this.nBlobs = this.ref[j]!;
        break;
      }
    }
    this.n = m;
    this.length = this.first + this.n;
  }

  /** Whether the trace can be set to length `n`: shorter (not before what was dropped), or within the kept future. */
  canResume(n: number): boolean {
    return n >= this.first && (n <= this.length || n <= this.future);
  }

  /** Sets the length to `n`: truncates, or takes back kept future events. False if they are not held. */
  resume(n: number): boolean {
    if (n < this.first) return false;
    if (n <= this.length) {
      this.truncate(n);
      return true;
    }
    if (n > this.future) return false;
    this.n = n - this.first;
    this.length = this.first + this.n;
    let j = this.n - 1;
    while (j >= 0 && this.ref[j] === NO_BLOB) j--;
    this.nBlobs = j >= 0 ? this.ref[j]! + 1 : 0;
    return true;
  }

  /** Forgets the kept future (the run has changed: replaying would not record those events again). */
  dropFuture(): void {
    this.future = 0;
    this.blobs.length = this.nBlobs;
  }

  /** The events held in [from, to), in order: kept older ones, then those from the base on. */
  *events(from = 0, to = this.length): IterableIterator<TraceEvent> {
    const end = Math.min(to, this.length);
    if (from < this.first) for (const i of this.keptAt) if (i >= from && i < end) yield this.kept.get(i)!;
    for (let i = Math.max(from, this.first); i < end; i++) yield this.get(i);
  }

  /** The indices of the events held at or before `i`, latest first (for scans back to an event's cause). */
  *back(i: number): IterableIterator<number> {
    for (let j = Math.min(i, this.length - 1); j >= this.first; j--) yield j;
    for (let k = this.keptAt.length - 1; k >= 0; k--) if (this.keptAt[k]! <= i) yield this.keptAt[k]!;
  }
}
