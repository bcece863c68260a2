// One deterministic scheduler with virtual time. It owns the threads (guest
// contexts, host handlers, the scenario timeline) and a list of named timers,
// and picks what runs next: the earliest of the next timeline event, the next
// due timer, and the earliest ready thread — ties broken by that order, then by
// thread id. Nothing here reads a clock or a random source, so the same inputs
// always give the same sequence of steps.
import type { ThreadState } from './threads';

export interface TimerState {
  at: number;
  /** Bus index the timer belongs to (-1 = machine). */
  bus: number;
  name: string;
  /** Sequence number: equal-time timers fire in the order they were armed. */
  seq: number;
}

export interface SchedulerState {
  now: number;
  steps: number;
  threads: ThreadState[];
  timers: TimerState[];
  nextThreadId: number;
  timerSeq: number;
}

export function newSchedulerState(): SchedulerState {
  return { now: 0, steps: 0, threads: [], timers: [], nextThreadId: 1, timerSeq: 0 };
}

export type Pick =
  { kind: 'timeline'; at: number } | { kind: 'timer'; timer: TimerState } | { kind: 'thread'; thread: ThreadState; timedOut: boolean } | { kind: 'idle' };

/** When a thread can next run (ready: readyAt; blocked with a timeout: when it times out), else Infinity. */
export function runnableAt(t: ThreadState): number {
  if (t.status === 'ready') return t.readyAt;
  if (t.status === 'blocked' && t.timeoutAt !== undefined) return Math.max(t.timeoutAt, t.readyAt);
  return Infinity;
}

/**
 * Up to this many runnable threads the ready queue keeps them in no order and top() scans them
 * (see ReadyQueue); from the first time it holds more, it keeps heap order until rebuilt.
 */
export const SCAN_MAX = 16;

/**
 * The runnable threads ordered by (time, id): an indexed binary heap holding each runnable
 * thread once. The machine calls `push(t)` whenever a thread's status or times may have
 * changed; the thread is re-keyed, inserted or removed. It is derived data, rebuilt from the
 * threads after a restore, so snapshots stay plain. Picking is O(1) and an update O(log n)
 * instead of a scan of every thread, which keeps many buses linear.
 *
 * A few threads (a scenario of one or two buses: up to SCAN_MAX) are kept unordered instead: an
 * update is one store and top() scans them. Each step re-keys the thread it ran, and in V8's
 * baseline code (the adapter while the user steps: adapter/boot.ts) keeping heap order for that
 * — read the children, move the hole, place the thread: every array access a call — cost more
 * than scanning a dozen keys (12 % of a quickstart step's instructions under callgrind, against
 * 4 % for the scan). The pick is the same either way: the least (time, id), ids being unique.
 */
export class ReadyQueue {
  // A 4-ary heap kept as three parallel arrays (thread, time key, id) so a comparison reads two
  // numbers and never a thread object; sifting moves a hole instead of swapping. With hundreds
  // of runnable threads (64 buses) a step re-keys the thread it ran, which mostly sinks: four
  // children per level halves the depth of a binary heap.
  private heap: ThreadState[] = [];
  private keys: number[] = [];
  private ids: number[] = [];
  /** Heap index by thread id (-1: not queued). Thread ids are small integers. */
  private pos: number[] = [];
  /** Whether the arrays are in heap order (the queue has held more than SCAN_MAX threads), else in no order. */
  private ordered = false;
  /** Where the last top() found its thread (unordered: topAt() reads its key). */
  private topIndex = 0;

  clear(): void {
    this.heap.length = 0;
    this.keys.length = 0;
    this.ids.length = 0;
    this.pos.length = 0;
    this.ordered = false;
  }

  rebuild(threads: ThreadState[]): void {
    this.clear();
    for (const t of threads) this.push(t);
  }

  /** Inserts, re-keys or removes `t` according to its current state. */
  push(t: ThreadState): void {
    // runnableAt(t), written out: this runs after every step of every thread.
    const st = t.status;
    const at = st === 'ready' ? t.readyAt : st === 'blocked' && t.timeoutAt !== undefined ? Math.max(t.timeoutAt, t.readyAt) : Infinity;
    const id = t.id;
    const pos = this.pos;
    // `pos` grows here, one slot per new thread id, so no read or write goes past its end.
    while (pos.length <= id) pos.push(-1);
    const i = pos[id]!;
    if (i < 0) {
      if (at === Infinity) return;
      this.heap.push(t);
      this.keys.push(at);
      this.ids.push(id);
      if (this.ordered) this.up(this.heap.length - 1, t, at);
      else {
        pos[id] = this.heap.length - 1;
        if (this.heap.length > SCAN_MAX) this.order();
      }
      return;
    }
    if (at === Infinity) {
      this.removeAt(i);
      return;
    }
    const keys = this.keys;
    if (!this.ordered) {
      keys[i] = at;
      return;
    }
    const old = keys[i]!;
    if (at === old) return;
    // Most often: the thread that just ran, at the root, later now; with no child (or none as
    // early) it stays where it is and only its key changes.
    if (at > old) {
      const c0 = 4 * i + 1;
      const n = keys.length;
      if (c0 >= n || this.noChildBefore(c0, n, at, id)) keys[i] = at;
      else this.down(i, t, at);
    } else if (i === 0) keys[0] = at;
    else this.up(i, t, at);
  }

  /** Whether none of the children c0 … c0 + 3 (below n) comes before key `at` with id `id`. */
  private noChildBefore(c0: number, n: number, at: number, id: number): boolean {
    const keys = this.keys;
    const ids = this.ids;
    const last = c0 + 3 < n ? c0 + 3 : n - 1;
    for (let c = c0; c <= last; c++) {
      const ck = keys[c]!;
      if (ck < at || (ck === at && ids[c]! < id)) return false;
    }
    return true;
  }

  /**
   * The earliest runnable thread (ties: lowest id). The machine pushes every thread it changes;
   * as a guard, a root whose key no longer matches is re-keyed before it is returned (a non-root
   * thread changed without a push would go unnoticed, so every change must push).
   */
  top(): ThreadState | undefined {
    if (!this.ordered) return this.scanTop();
    // The length is checked before reading: reading past an array's end sends V8's optimized
    // code of this hot path back to the interpreter.
    while (this.heap.length) {
      const t = this.heap[0]!;
      // runnableAt(t), written out: this runs at every step.
      const st = t.status;
      const at = st === 'ready' ? t.readyAt : st === 'blocked' && t.timeoutAt !== undefined ? Math.max(t.timeoutAt, t.readyAt) : Infinity;
      if (at === this.keys[0]) return t;
      this.push(t);
    }
    return undefined;
  }

  /** The key (runnable time) of the thread top() returned: read right after top(). */
  topAt(): number {
    if (!this.keys.length) return Infinity;
    return this.ordered ? this.keys[0]! : this.keys[this.topIndex]!;
  }

  /** top() of an unordered queue: the least (key, id), checked as top() checks the root. */
  private scanTop(): ThreadState | undefined {
    const keys = this.keys;
    const ids = this.ids;
    for (;;) {
      const n = keys.length;
      if (n === 0) return undefined;
      let b = 0;
      let bk = keys[0]!;
      for (let c = 1; c < n; c++) {
        const ck = keys[c]!;
        if (ck < bk || (ck === bk && ids[c]! < ids[b]!)) {
          b = c;
          bk = ck;
        }
      }
      const t = this.heap[b]!;
      const st = t.status;
      const at = st === 'ready' ? t.readyAt : st === 'blocked' && t.timeoutAt !== undefined ? Math.max(t.timeoutAt, t.readyAt) : Infinity;
      if (at === bk) {
        this.topIndex = b;
        return t;
      }
      this.push(t);
    }
  }

  /** Puts the queue in heap order, for good (it has grown past SCAN_MAX). */
  private order(): void {
    const heap = this.heap.slice();
    const keys = this.keys.slice();
    this.heap.length = 0;
    this.keys.length = 0;
    this.ids.length = 0;
    this.ordered = true;
    for (let k = 0; k < heap.length; k++) {
      this.heap.push(heap[k]!);
      this.keys.push(keys[k]!);
      this.ids.push(heap[k]!.id);
      this.up(k, heap[k]!, keys[k]!);
    }
  }

  /** Puts thread t (key at, its id) at i. */
  private place(i: number, t: ThreadState, at: number, id: number): void {
    this.heap[i] = t;
    this.keys[i] = at;
    this.ids[i] = id;
    this.pos[id] = i;
  }

  /** Moves t (key at) from hole i towards the root until its parent is earlier. */
  private up(i: number, t: ThreadState, at: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const ids = this.ids;
    const pos = this.pos;
    const id = t.id;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pk = keys[p]!;
      const pid = ids[p]!;
      if (pk < at || (pk === at && pid < id)) break;
      heap[i] = heap[p]!;
      keys[i] = pk;
      ids[i] = pid;
      pos[pid] = i;
      i = p;
    }
    this.place(i, t, at, id);
  }

  /** Moves t (key at) from hole i towards the leaves until no child is earlier. */
  private down(i: number, t: ThreadState, at: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const ids = this.ids;
    const pos = this.pos;
    const n = heap.length;
    const id = t.id;
    for (;;) {
      const c0 = 4 * i + 1;
      if (c0 >= n) break;
      let m = c0;
      let mk = keys[c0]!;
      let mi = ids[c0]!;
      const last = c0 + 3 < n ? c0 + 3 : n - 1;
      for (let c = c0 + 1; c <= last; c++) {
        const ck = keys[c]!;
        if (ck < mk || (ck === mk && ids[c]! < mi)) {
          m = c;
          mk = ck;
          mi = ids[c]!;
        }
      }
      if (at < mk || (at === mk && id < mi)) break;
      heap[i] = heap[m]!;
      keys[i] = mk;
      ids[i] = mi;
      pos[mi] = i;
      i = m;
    }
    this.place(i, t, at, id);
  }

  private removeAt(i: number): void {
    const id = this.ids[i]!;
    this.pos[id] = -1;
    const t = this.heap.pop()!;
    const at = this.keys.pop()!;
    const lastId = this.ids.pop()!;
    if (i === this.heap.length) return; // it was the last one
    if (!this.ordered) {
      // the last one fills the hole
      this.place(i, t, at, lastId);
      return;
    }
    // the last element fills the hole, then settles either way
    const parent = i > 0 ? (i - 1) >> 2 : -1;
    if (parent >= 0 && (at < this.keys[parent]! || (at === this.keys[parent]! && lastId < this.ids[parent]!))) this.up(i, t, at);
    else this.down(i, t, at);
  }
}

/**
 * Every pick is made here, with the same fields in the same order whatever its kind (the fields
 * its kind does not have are undefined): the machine reads a pick at every step, and objects of
 * one shape keep those reads monomorphic, where four shapes made V8 deoptimize the step loop
 * each time a new kind first came by.
 */
function pick(kind: Pick['kind'], at: number | undefined, timer: TimerState | undefined, thread: ThreadState | undefined, timedOut: boolean): Pick {
  return { kind, at, timer, thread, timedOut } as Pick;
}
const IDLE = pick('idle', undefined, undefined, undefined, false);

/**
 * Chooses the next thing to run. `nextTimelineAt` is the time of the next
 * scenario event (Infinity when none). Host threads are ordinary threads whose
 * readiness the machine manages.
 */
export function pickNext(s: SchedulerState, nextTimelineAt: number, ready?: ReadyQueue): Pick {
  let best: ThreadState | undefined;
  let bestAt = Infinity;
  let timedOut = false;
  if (ready) {
    best = ready.top();
    if (best) {
      bestAt = runnableAt(best);
      timedOut = best.status === 'blocked';
    }
  } else {
    for (const t of s.threads) {
      const at = runnableAt(t);
      if (at < bestAt || (at === bestAt && best && t.id < best.id)) {
        best = t;
        bestAt = at;
        timedOut = t.status === 'blocked';
      }
    }
  }
  let timer: TimerState | undefined;
  const timers = s.timers;
  for (let i = 0; i < timers.length; i++) {
    const tm = timers[i]!;
    if (!timer || tm.at < timer.at || (tm.at === timer.at && tm.seq < timer.seq)) timer = tm;
  }
  const timerAt = timer ? timer.at : Infinity;
  const m = Math.min(nextTimelineAt, timerAt, bestAt);
  if (m === Infinity) return IDLE;
  if (nextTimelineAt === m) return pick('timeline', m, undefined, undefined, false);
  if (timer && timerAt === m) return pick('timer', undefined, timer, undefined, false);
  return pick('thread', undefined, undefined, best, timedOut);
}

export function armTimer(s: SchedulerState, bus: number, name: string, at: number): void {
  cancelTimer(s, bus, name);
  s.timers.push({ at, bus, name, seq: s.timerSeq++ });
}

export function cancelTimer(s: SchedulerState, bus: number, name: string): void {
  const i = s.timers.findIndex((t) => t.bus === bus && t.name === name);
  if (i >= 0) s.timers.splice(i, 1);
}

export function takeTimer(s: SchedulerState, t: TimerState): void {
  const i = s.timers.indexOf(t);
  if (i >= 0) s.timers.splice(i, 1);
}
