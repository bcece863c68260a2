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

/**
 * Chooses the next thing to run. `nextTimelineAt` is the time of the next
 * scenario event (Infinity when none). Host threads are ordinary threads whose
 * readiness the machine manages.
 */
export function pickNext(s: SchedulerState, nextTimelineAt: number): Pick {
  let best: ThreadState | undefined;
  let bestAt = Infinity;
  let timedOut = false;
  for (const t of s.threads) {
    let at: number;
    let to = false;
    if (t.status === 'ready') at = t.readyAt;
    else if (t.status === 'blocked' && t.timeoutAt !== undefined) {
      at = Math.max(t.timeoutAt, t.readyAt);
      to = true;
    } else continue;
    if (at < bestAt || (at === bestAt && best && t.id < best.id)) {
      best = t;
      bestAt = at;
      timedOut = to;
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
