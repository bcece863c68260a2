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
 * The runnable threads ordered by (time, id): a binary heap with lazy deletion. The machine
 * pushes a thread whenever its status or times may have changed; an entry whose key no longer
 * matches its thread is stale and dropped when it reaches the top. It is derived data, rebuilt
 * from the threads after a restore, so snapshots stay plain. Picking is O(log n) instead of a
 * scan of every thread, which keeps many buses linear.
 */
export class ReadyQueue {
  private at: number[] = [];
  private ids: number[] = [];
  private th: ThreadState[] = [];

  clear(): void {
    this.at.length = this.ids.length = this.th.length = 0;
  }

  rebuild(threads: ThreadState[]): void {
    this.clear();
    for (const t of threads) this.push(t);
  }

  push(t: ThreadState): void {
    const at = runnableAt(t);
    if (at === Infinity) return;
    this.at.push(at);
    this.ids.push(t.id);
    this.th.push(t);
    this.up(this.at.length - 1);
  }

  /** The earliest runnable thread (ties: lowest id), dropping stale entries on the way. */
  top(): ThreadState | undefined {
    while (this.at.length) {
      const t = this.th[0]!;
      if (runnableAt(t) === this.at[0]) return t;
      this.pop();
    }
    return undefined;
  }

  private less(i: number, j: number): boolean {
    return this.at[i]! < this.at[j]! || (this.at[i] === this.at[j] && this.ids[i]! < this.ids[j]!);
  }

  private swap(i: number, j: number): void {
    const a = this.at[i]!, d = this.ids[i]!, t = this.th[i]!;
    this.at[i] = this.at[j]!;
    this.ids[i] = this.ids[j]!;
    this.th[i] = this.th[j]!;
    this.at[j] = a;
    this.ids[j] = d;
    this.th[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private pop(): void {
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.ids.pop();
    this.th.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.at.length && this.less(l, m)) m = l;
      if (r < this.at.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
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
