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
  | { kind: 'timeline'; at: number }
  | { kind: 'timer'; timer: TimerState }
  | { kind: 'thread'; thread: ThreadState; timedOut: boolean }
  | { kind: 'idle' };

/** When a thread can next run (ready: readyAt; blocked with a timeout: when it times out), else Infinity. */
export function runnableAt(t: ThreadState): number {
  if (t.status === 'ready') return t.readyAt;
  if (t.status === 'blocked' && t.timeoutAt !== undefined) return Math.max(t.timeoutAt, t.readyAt);
  return Infinity;
}

/**
 * The runnable threads ordered by (time, id): an indexed binary heap holding each runnable
 * thread once. The machine calls `push(t)` whenever a thread's status or times may have
 * changed; the thread is re-keyed, inserted or removed. It is derived data, rebuilt from the
 * threads after a restore, so snapshots stay plain. Picking is O(1) and an update O(log n)
 * instead of a scan of every thread, which keeps many buses linear.
 */
export class ReadyQueue {
  private heap: ThreadState[] = [];
  private keys: number[] = [];
  /** Heap index by thread id (-1 or undefined: not queued). Thread ids are small integers. */
  private pos: number[] = [];

  clear(): void {
    this.heap.length = 0;
    this.keys.length = 0;
    this.pos.length = 0;
  }

  rebuild(threads: ThreadState[]): void {
    this.clear();
    for (const t of threads) this.push(t);
  }

  /** Inserts, re-keys or removes `t` according to its current state. */
  push(t: ThreadState): void {
    const at = runnableAt(t);
    const i = this.pos[t.id] ?? -1;
    if (i < 0) {
      if (at === Infinity) return;
      this.heap.push(t);
      this.keys.push(at);
      this.pos[t.id] = this.heap.length - 1;
      this.up(this.heap.length - 1);
      return;
    }
    if (at === Infinity) {
      this.removeAt(i);
      return;
    }
    const old = this.keys[i]!;
    this.keys[i] = at;
    if (at < old) this.up(i);
    else if (at > old) this.down(i);
  }

  /**
   * The earliest runnable thread (ties: lowest id). A thread changed behind the queue's back
   * (its key no longer matches) is re-keyed first, so the answer is always exact.
   */
  top(): ThreadState | undefined {
    for (;;) {
      const t = this.heap[0];
      if (!t || runnableAt(t) === this.keys[0]) return t;
      this.push(t);
    }
  }

  private less(i: number, j: number): boolean {
    const a = this.keys[i]!;
    const b = this.keys[j]!;
    return a < b || (a === b && this.heap[i]!.id < this.heap[j]!.id);
  }

  private swap(i: number, j: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const ti = heap[i]!;
    const tj = heap[j]!;
    const k = keys[i]!;
    heap[i] = tj;
    keys[i] = keys[j]!;
    heap[j] = ti;
    keys[j] = k;
    this.pos[tj.id] = i;
    this.pos[ti.id] = j;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private removeAt(i: number): void {
    const last = this.heap.length - 1;
    const id = this.heap[i]!.id;
    if (i !== last) this.swap(i, last);
    this.heap.pop();
    this.keys.pop();
    this.pos[id] = -1;
    if (i < this.heap.length) {
      this.up(i);
      this.down(i);
    }
  }
}

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
  for (const tm of s.timers) {
    if (!timer || tm.at < timer.at || (tm.at === timer.at && tm.seq < timer.seq)) timer = tm;
  }
  const timerAt = timer ? timer.at : Infinity;
  const m = Math.min(nextTimelineAt, timerAt, bestAt);
  if (m === Infinity) return { kind: 'idle' };
  if (nextTimelineAt === m) return { kind: 'timeline', at: m };
  if (timer && timerAt === m) return { kind: 'timer', timer };
  return { kind: 'thread', thread: best!, timedOut };
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
