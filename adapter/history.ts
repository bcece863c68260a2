// Time travel over a deterministic machine. Every executed step is logged in
// typed arrays (which thread ran, at what depth, which line, where its trace
// events start), and a snapshot is kept every SNAP_EVERY steps. Going to any
// earlier position restores the nearest snapshot at or before it and replays
// forward; because the machine is deterministic the replayed trace is
// byte-identical to the original. Changing state by hand (setVariable,
// writeMemory) makes the logged future invalid, so it is dropped.
import type { Machine, MachineSnapshot, StepInfo } from '../emulator/machine/machine';

export const SNAP_EVERY = 1024;

/** Thread id used in the log for timeline events and timers (not a machine thread). */
export const TIMELINE_THREAD = 0;

export class History {
  private cap = 4096;
  /** Number of steps logged (the furthest position reached). */
  length = 0;
  thread = new Int32Array(this.cap);
  depth = new Int16Array(this.cap);
  fnIndex = new Int32Array(this.cap);
  line = new Int32Array(this.cap);
  traceFrom = new Int32Array(this.cap);
  traceTo = new Int32Array(this.cap);
  /** Timeline item index for timeline steps, else -1. */
  timeline = new Int32Array(this.cap);
  readonly fnNames: string[] = [];
  private fnIds = new Map<string, number>();
  private snaps = new Map<number, MachineSnapshot>();
  /**
   * Positions where the state was changed by hand (setVariable, writeMemory, Jump to Cursor…):
   * replaying forward onto one of them loads its snapshot, so the change is part of history and
   * not lost by stepping back over it and forward again.
   */
  private edits = new Set<number>();

  constructor(private readonly m: Machine) {
    this.snaps.set(0, m.snapshot());
  }

  /** The machine's position: how many steps it has executed. */
  get position(): number {
    return this.m.steps;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Int32Array | Int16Array>(a: T, C: new (n: number) => T): T => {
      const x = new C(cap);
      x.set(a);
      return x;
    };
    this.thread = g(this.thread, Int32Array);
    this.depth = g(this.depth, Int16Array);
    this.fnIndex = g(this.fnIndex, Int32Array);
    this.line = g(this.line, Int32Array);
    this.traceFrom = g(this.traceFrom, Int32Array);
    this.traceTo = g(this.traceTo, Int32Array);
    this.timeline = g(this.timeline, Int32Array);
    this.cap = cap;
  }

  private fnId(name: string | undefined): number {
    if (name === undefined) return -1;
    let id = this.fnIds.get(name);
    if (id === undefined) {
      id = this.fnNames.length;
      this.fnNames.push(name);
      this.fnIds.set(name, id);
    }
    return id;
  }

  /** Executes one step at the current position and logs it (or checks it against the log when replaying). */
  step(): StepInfo {
    const pos = this.m.steps;
    const timelineBefore = this.m.state.timelineIndex;
    const info = this.m.step();
    if (info.kind === 'idle') return info;
    if (pos >= this.length) {
      if (pos >= this.cap) this.grow();
      this.thread[pos] = info.thread ? info.thread.id : TIMELINE_THREAD;
      this.depth[pos] = info.depth ?? 0;
      this.fnIndex[pos] = this.fnId(info.fn);
      this.line[pos] = info.line ?? 0;
      this.traceFrom[pos] = info.traceFrom;
      this.traceTo[pos] = info.traceTo;
      this.timeline[pos] = info.kind === 'timeline' ? timelineBefore : -1;
      this.length = pos + 1;
    }
    if (this.edits.has(this.m.steps)) this.m.restore(this.snaps.get(this.m.steps)!);
    else if (this.m.steps % SNAP_EVERY === 0 && !this.snaps.has(this.m.steps)) this.snaps.set(this.m.steps, this.m.snapshot());
    return info;
  }

  /** Moves the machine to position `n` (0 = before the first step), within what has been logged. */
  goTo(n: number): void {
    const target = Math.max(0, Math.min(n, this.length));
    if (target === this.m.steps) return;
    let best = -1;
    for (const k of this.snaps.keys()) if (k <= target && k > best) best = k;
    if (target < this.m.steps || best > this.m.steps) this.m.restore(this.snaps.get(best)!);
    while (this.m.steps < target) {
      const i = this.step();
      if (i.kind === 'idle') break;
    }
  }

  /** Hand-made state changes invalidate the logged future. */
  truncateFuture(): void {
    const pos = this.m.steps;
    this.length = Math.min(this.length, pos);
    for (const k of [...this.snaps.keys()]) if (k > pos) this.snaps.delete(k);
    for (const k of [...this.edits]) if (k > pos) this.edits.delete(k);
    this.snaps.set(pos, this.m.snapshot());
    if (pos > 0) this.edits.add(pos);
  }

  /** The thread and line of logged step `i`. */
  at(i: number): { thread: number; depth: number; fn: string | undefined; line: number; traceFrom: number; traceTo: number; timeline: number } {
    const f = this.fnIndex[i]!;
    return {
      thread: this.thread[i]!,
      depth: this.depth[i]!,
      fn: f >= 0 ? this.fnNames[f] : undefined,
      line: this.line[i]!,
      traceFrom: this.traceFrom[i]!,
      traceTo: this.traceTo[i]!,
      timeline: this.timeline[i]!,
    };
  }

  /** The position at which trace event `ev` was recorded (the step that recorded it), or -1. */
  stepOfEvent(ev: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.traceTo[mid]! <= ev) lo = mid + 1;
      else if (this.traceFrom[mid]! > ev) hi = mid - 1;
      else return mid;
    }
    return -1;
  }
}
