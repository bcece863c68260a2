// The step log of time travel (adapter/history.ts): for every executed step, which thread ran,
// its frame depth and function after the step, the line it ran (or the timeline item), and the
// trace events it recorded. Reverse continue, Step Back, Restart Frame and "go to the step of
// this event" read it backwards, so it is kept in chunks of typed arrays (20 bytes a step),
// indexed by absolute position; when history is cut, the chunks before its start are freed.
import type { StepInfo } from '../emulator/machine/machine';

/** Thread id used in the log for timeline events and timers (not a machine thread: those count from 1). */
export const TIMELINE_THREAD = 0;

/** Steps per chunk. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
/**
 * Int32 fields per step: thread, depth | fn << 16, line (for a thread's step) or timeline item
 * (for the timeline's: -1 for a timer), traceFrom, traceTo.
 */
const FIELDS = 5;

export class StepLog {
  readonly fnNames: string[] = [];
  private fnIds = new Map<string, number>();
  private chunks: (Int32Array | undefined)[] = [];
  /** The last function looked up (consecutive steps are mostly in one function). */
  private lastFn: string | undefined;
  private lastFnId = -1;

  /** Bytes the log holds. */
  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n += c.byteLength;
    return n;
  }

  private fnId(name: string | undefined): number {
    if (name === undefined) return -1;
    if (name === this.lastFn) return this.lastFnId;
    let id = this.fnIds.get(name);
    if (id === undefined) {
      id = this.fnNames.length;
      this.fnNames.push(name);
      this.fnIds.set(name, id);
    }
    this.lastFn = name;
    this.lastFnId = id;
    return id;
  }

  /** Logs step `pos`; returns true when that took a new chunk (the log grew). */
  append(pos: number, info: StepInfo, timelineBefore: number): boolean {
    const k = pos >>> CHUNK_BITS;
    // Not read past the end: that would send V8's optimized code of the step loop back to the interpreter.
    let c = k < this.chunks.length ? this.chunks[k] : undefined;
    const grew = !c;
    if (!c) this.chunks[k] = c = new Int32Array(CHUNK * FIELDS);
    const o = (pos & MASK) * FIELDS;
    const thread = info.thread ? info.thread.id : TIMELINE_THREAD;
    c[o] = thread;
    const fn = info.fn;
    c[o + 1] = ((info.depth ?? 0) & 0xffff) | (((fn === this.lastFn ? this.lastFnId : this.fnId(fn)) + 1) << 16);
    c[o + 2] = thread !== TIMELINE_THREAD ? (info.line ?? 0) : info.kind === 'timeline' ? timelineBefore : -1;
    c[o + 3] = info.traceFrom;
    c[o + 4] = info.traceTo;
    return grew;
  }

  /**
   * Frees the chunks that hold only steps before `pos - 1`: step `pos - 1` stays, as what the
   * machine at `pos` last did (the packet `msg` reads there) is read from it.
   */
  dropBefore(pos: number): void {
    for (let k = 0; k < (pos - 1) >>> CHUNK_BITS && pos > 0; k++) this.chunks[k] = undefined;
  }

  /** Frees the chunks that hold only steps after `pos`. */
  dropAfter(pos: number): void {
    for (let k = (pos >>> CHUNK_BITS) + 1; k < this.chunks.length; k++) this.chunks[k] = undefined;
  }

  /** Whether step p's chunk is held. */
  has(p: number): boolean {
    return this.chunks[p >>> CHUNK_BITS] !== undefined;
  }

  /** Thread that ran step p (TIMELINE_THREAD for timeline events and timers). */
  threadAt(p: number): number {
    return this.chunks[p >>> CHUNK_BITS]![(p & MASK) * FIELDS]!;
  }
  /** Frame depth of that thread after step p. */
  depthAt(p: number): number {
    return (this.chunks[p >>> CHUNK_BITS]![(p & MASK) * FIELDS + 1]! << 16) >> 16;
  }
  fnAt(p: number): string | undefined {
    const f = (this.chunks[p >>> CHUNK_BITS]![(p & MASK) * FIELDS + 1]! >>> 16) - 1;
    return f >= 0 ? this.fnNames[f] : undefined;
  }
  lineAt(p: number): number {
    const c = this.chunks[p >>> CHUNK_BITS]!;
    const o = (p & MASK) * FIELDS;
    return c[o] === TIMELINE_THREAD ? 0 : c[o + 2]!;
  }
  /** Trace events recorded by step p: [traceFromAt(p), traceToAt(p)). */
  traceFromAt(p: number): number {
    return this.chunks[p >>> CHUNK_BITS]![(p & MASK) * FIELDS + 3]!;
  }
  traceToAt(p: number): number {
    return this.chunks[p >>> CHUNK_BITS]![(p & MASK) * FIELDS + 4]!;
  }
  /** Timeline item index for timeline steps, else -1. */
  timelineAt(p: number): number {
    const c = this.chunks[p >>> CHUNK_BITS]!;
    const o = (p & MASK) * FIELDS;
    return c[o] === TIMELINE_THREAD ? c[o + 2]! : -1;
  }

  /** The step in [from, to) that recorded trace event `ev`, or -1 (steps record events in order). */
  stepOfEvent(ev: number, from: number, to: number): number {
    let lo = from;
    let hi = to - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.traceToAt(mid) <= ev) lo = mid + 1;
      else if (this.traceFromAt(mid) > ev) hi = mid - 1;
      else return mid;
    }
    return -1;
  }
}
