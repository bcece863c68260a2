// Time travel over a deterministic machine. Every executed step is logged (which thread ran,
// at what depth, which line, where its trace events start), and the machine is checkpointed
// now and then. Going to any earlier position restores the nearest checkpoint at or before it
// and replays forward; because the machine is deterministic the replayed trace is
// byte-identical to the original.
//
// Memory is bounded (`maxMemory`, default 256 MiB, the `vpci.history.maxMemory` setting):
// - checkpoints are incremental (emulator/runtime/snapshot-tree.ts): each holds only what
//   changed since the one before, so a bus that is gone is held once, not once per checkpoint;
// - they are taken at intervals that grow with what a checkpoint costs to take, so taking them
//   stays a small share of running; while the user steps, one that falls due waits for an idle
//   moment, so it is never a pause on a step's round trip;
// - beyond the budget they are thinned, densest and oldest first (runtime/checkpoints.ts):
//   every logged position stays reachable, by a longer replay;
// - when even that is not enough (the step log itself grows with the run), the oldest part of
//   history is cut: `start` moves forward, `onCut` says how far back one can now go, and
//   positions before `start` are refused with that explanation; the machine's trace then drops
//   the events recorded before what history can still reach (keeping the few that positions held
//   still read: see cutTrace), so the trace does not grow without limit either.
//
// Changing state by hand (setVariable, writeMemory, Jump to Cursor…) makes the logged future
// invalid, so it is dropped; the changed state is pinned as a checkpoint of its own.
import type { Machine, StepInfo } from '../emulator/machine/machine';
import { CheckpointStore } from '../emulator/runtime/checkpoints';
import { StepLog, TIMELINE_THREAD } from './step-log';

/**
 * Milliseconds on a monotonic clock, for the idle moment a deferred checkpoint waits for. In Node,
 * process.hrtime: the first touch of the `performance` global loads Node's perf_hooks internals
 * (1.7–2.4 ms here), and that first touch came in the middle of the first long `next` of a
 * session. A browser (VS Code for the Web) has no process.hrtime and a native performance.now().
 */
export const clock: () => number =
  typeof process !== 'undefined' && typeof process.hrtime === 'function'
    ? () => {
        const [s, ns] = process.hrtime();
        return s * 1e3 + ns * 1e-6;
      }
    : () => performance.now();

export { TIMELINE_THREAD } from './step-log';

const MIB = 1024 * 1024;
/** Default memory budget of a session's history (checkpoints and step log). */
export const DEFAULT_MAX_MEMORY = 256 * MIB;
/** The smallest budget a user may set (the setting's minimum, in bytes). */
export const MIN_MAX_MEMORY = 1024 * 1024;

/**
 * The budget from the `vpci.history.maxMemory` setting (launch attribute `historyMaxMemory`, in
 * MiB): the default when absent, and why a value cannot be used.
 *
 * `heapLimit` (bytes) is how much the JavaScript heap the adapter runs in can hold, where the host
 * can tell (V8's heap_size_limit in Node; the session asks only for a budget above the default).
 * History may have at most half of it: the machine, its trace and the views need the rest, and a
 * budget the heap cannot hold would end the session in an out-of-memory abort long before history
 * is thinned. That half is our choice, not a V8 figure.
 */
export function historyBudget(mib: unknown, heapLimit?: number): { maxMemory: number; problem?: string } {
  if (mib === undefined || mib === null) return { maxMemory: DEFAULT_MAX_MEMORY };
  if (typeof mib !== 'number' || !Number.isFinite(mib) || mib * MIB < MIN_MAX_MEMORY) {
    return {
      maxMemory: DEFAULT_MAX_MEMORY,
      problem: `"historyMaxMemory" (vpci.history.maxMemory) must be a number of MiB, at least ${MIN_MAX_MEMORY / MIB}; got ${JSON.stringify(mib)}, using the default ${DEFAULT_MAX_MEMORY / MIB} MiB`,
    };
  }
  if (heapLimit !== undefined && Number.isFinite(heapLimit) && heapLimit > 0) {
    const most = Math.max(MIN_MAX_MEMORY, Math.floor(heapLimit / 2 / MIB) * MIB);
    if (mib * MIB > most) {
      return {
        maxMemory: most,
        problem: `"historyMaxMemory" (vpci.history.maxMemory) is ${mib} MiB, more than this debug adapter's JavaScript heap can spare (it holds ${Math.floor(heapLimit / MIB)} MiB in all); using ${most / MIB} MiB, half of it`,
      };
    }
  }
  return { maxMemory: mib * MIB };
}

/** Whether historyBudget needs the heap's size to judge `mib`: only a budget above the default may not fit. */
export function budgetNeedsHeapLimit(mib: unknown): boolean {
  return typeof mib === 'number' && Number.isFinite(mib) && mib * MIB > DEFAULT_MAX_MEMORY;
}

/** Fewest steps between two checkpoints taken while running. */
export const MIN_INTERVAL = 1024;
/**
 * Steps between checkpoints per unit of checkpoint work (values visited): a checkpoint that
 * visits W values is followed by at least W × WORK_INTERVAL steps, so checkpointing stays a
 * fixed share of running however large the machine grows (measured on the 200-hot-plug run:
 * about a quarter of the machine's own stepping time, a small part of a Continue in the adapter).
 */
export const WORK_INTERVAL = 1;
/** A checkpoint deferred to an idle moment is taken after this long without a step (ms). */
const IDLE_MS = 40;

/**
 * Runs, once, what arming the idle timer first runs: in Node the first setTimeout loads the timer
 * machinery (0.4–0.9 ms on the bench machine) and the first process.hrtime() its own (~50 µs).
 * Without this, that landed in the first step long enough for a checkpoint to fall due (the
 * slowest step of a session). The session calls it after its first stop has been sent.
 */
export function prepareIdleTimer(): void {
  clock();
  clearTimeout(setTimeout(() => undefined, IDLE_MS));
}
/** …unless stepping without a pause has gone this many intervals past the last checkpoint. */
const DEFER_LIMIT = 8;
/** A replay longer than this leaves a checkpoint where it ended (the user is likely to step around there). */
export const FOCUS_REPLAY = 8 * MIN_INTERVAL;
/** How far short of a long replay's target the checkpoint it leaves stands. */
export const FOCUS_BACK = 2 * MIN_INTERVAL;

export interface HistoryOptions {
  /** Budget in bytes for checkpoints and the step log together (default DEFAULT_MAX_MEMORY). */
  maxMemory?: number;
  /** Told each time the oldest history is cut to stay within the budget. */
  onCut?: (cut: HistoryCut) => void;
  /**
   * When history is cut, the machine's trace drops the events before what history can still reach;
   * this names those of them that positions still held read, to be kept (adapter/trace-keep.ts),
   * besides `kept`: those history keeps itself (each thread's last step before the start).
   */
  keepEvents?: (before: number, kept: readonly number[]) => Iterable<number>;
}

/** Where history starts after a cut. */
export interface HistoryCut {
  /** The earliest position one can still go back to. */
  start: number;
  /** Virtual time (ns) at that position. */
  time: number;
  /** The first trace event recorded after it. */
  firstEvent: number;
  /** The budget that forced the cut, in bytes. */
  maxMemory: number;
}

/** Where a checkpoint stands: virtual time, and the trace length (events recorded before it). */
interface Mark {
  time: number;
  events: number;
}

export interface HistoryMemory {
  /** Bytes held by checkpoints (shared state counted once). */
  checkpoints: number;
  /** Bytes of the step log. */
  log: number;
  total: number;
  /** Checkpoints kept. */
  count: number;
}

export class History {
  /** Number of steps logged (the furthest position reached). */
  length = 0;
  /** The earliest position history can go back to (0 until the budget forces a cut). */
  start = 0;
  readonly maxMemory: number;
  private readonly onCut: ((cut: HistoryCut) => void) | undefined;
  private readonly keepEvents: ((before: number, kept: readonly number[]) => Iterable<number>) | undefined;
  /** What each step did (positions before `start` are freed by a cut). */
  private readonly log = new StepLog();
  private readonly store = new CheckpointStore();
  /**
   * Positions where the state was changed by hand (setVariable, writeMemory, Jump to Cursor…):
   * replaying forward onto one of them loads its checkpoint, so the change is part of history
   * and not lost by stepping back over it and forward again.
   */
  private edits = new Set<number>();
  /** The position at which the next checkpoint is due while running at the frontier. */
  private nextAt = 0;
  /**
   * Per thread, its latest step before `start` (cut away): the trace events [from, to) it recorded,
   * the thread's frame depth after it, and whether it entered a function (a call: the depth grew).
   * What a thread last did, and where its next step stands, stay readable for every position still
   * held (a host frame shows the packet its last step handled), however long ago that step ran.
   */
  private readonly beforeStart = new Map<number, { from: number; to: number; depth: number; called: boolean }>();

  constructor(
    private readonly m: Machine,
    opts: HistoryOptions = {},
  ) {
    const max = opts.maxMemory;
    this.maxMemory = max !== undefined && Number.isFinite(max) && max > 0 ? max : DEFAULT_MAX_MEMORY;
    this.onCut = opts.onCut;
    this.keepEvents = opts.keepEvents;
    this.start = m.steps;
    this.length = m.steps;
    this.checkpoint(m.steps, true);
  }

  /** The machine's position: how many steps it has executed. */
  get position(): number {
    return this.m.steps;
  }

  /** What history holds now. */
  get memory(): HistoryMemory {
    const log = this.logBytes();
    return { checkpoints: this.store.held, log, total: this.store.held + log, count: this.store.size };
  }

  /** The first trace event recorded at or after `start` (earlier events cannot be revisited). */
  get firstEvent(): number {
    return (this.store.first?.meta as Mark | undefined)?.events ?? 0;
  }

  /** Virtual time (ns) at `start`. */
  get startTime(): number {
    return (this.store.first?.meta as Mark | undefined)?.time ?? 0;
  }

  private logBytes(): number {
    return this.log.bytes;
  }

  // ---- the step log (adapter/step-log.ts) -------------------------------------------------------

  threadAt(p: number): number {
    return this.log.threadAt(p);
  }
  depthAt(p: number): number {
    return this.log.depthAt(p);
  }
  fnAt(p: number): string | undefined {
    return this.log.fnAt(p);
  }
  lineAt(p: number): number {
    return this.log.lineAt(p);
  }
  traceFromAt(p: number): number {
    return this.log.traceFromAt(p);
  }
  traceToAt(p: number): number {
    return this.log.traceToAt(p);
  }
  timelineAt(p: number): number {
    return this.log.timelineAt(p);
  }

  /**
   * The trace events [from, to) recorded by thread `tid`'s latest step before position `pos` (a
   * position held), or undefined when it ran none. Found in the step log, or, when that step lies
   * before the start of history, in what the cut kept of it.
   */
  lastStepEvents(tid: number, pos: number): { from: number; to: number } | undefined {
    const l = this.log;
    const p = this.stepBefore(tid, Math.min(pos, this.length));
    if (p >= 0) return { from: l.traceFromAt(p), to: l.traceToAt(p) };
    const b = this.beforeStart.get(tid);
    return b && { from: b.from, to: b.to };
  }

  /** The latest logged step of thread `tid` before position `p` (at or after `start`), or -1. */
  stepBefore(tid: number, p: number): number {
    const l = this.log;
    for (let q = p - 1; q >= this.start; q--) if (l.threadAt(q) === tid) return q;
    return -1;
  }

  /** Frame depth of thread `tid` just before logged step `p` (1 before its first step: a thread starts with one frame). */
  depthBefore(tid: number, p: number): number {
    const q = this.stepBefore(tid, p);
    return q >= 0 ? this.log.depthAt(q) : (this.beforeStart.get(tid)?.depth ?? 1);
  }

  /**
   * Whether logged step `p` of a guest thread ran the first statement of its frame: the thread's
   * first step, or the one after a call (a frame is pushed only by a call, and a thread starts
   * with one) — where a function breakpoint stands.
   */
  entersFrame(p: number): boolean {
    const tid = this.log.threadAt(p);
    const q = this.stepBefore(tid, p);
    if (q >= 0) return this.log.depthAt(q) > this.depthBefore(tid, q);
    return this.beforeStart.get(tid)?.called ?? true;
  }

  /** The thread and line of logged step `i`. */
  at(i: number): { thread: number; depth: number; fn: string | undefined; line: number; traceFrom: number; traceTo: number; timeline: number } {
    const l = this.log;
    return {
      thread: l.threadAt(i),
      depth: l.depthAt(i),
      fn: l.fnAt(i),
      line: l.lineAt(i),
      traceFrom: l.traceFromAt(i),
      traceTo: l.traceToAt(i),
      timeline: l.timelineAt(i),
    };
  }

  // ---- moving -----------------------------------------------------------------------------------

  /** Executes one step at the current position and logs it (or checks it against the log when replaying). */
  step(): StepInfo {
    const m = this.m;
    const st = m.state;
    const pos = st.sched.steps;
    const timelineBefore = st.timelineIndex;
    const info = m.step();
    if (info.kind === 'idle') return info;
    // A step that ran counts one.
    const now = pos + 1;
    if (pos >= this.length) {
      // At the frontier: log the step (no hand-made change lies beyond the logged steps).
      const grew = this.log.append(pos, info, timelineBefore);
      this.length = now;
      if (grew) this.keepBudget();
      if (now >= this.nextAt && !(this.deferUntilIdle && now < this.waitingUntil)) this.checkpointDue(now);
    } else if (this.edits.size !== 0 && this.edits.has(now)) m.restore(this.store.get(now)!);
    return info;
  }

  /** A checkpoint has fallen due at the frontier (position `now`). */
  private checkpointDue(now: number): void {
    // While the user steps, a checkpoint that falls due waits for a pause in the requests (it is
    // taken then, where the machine stands), so it never adds to a step's round trip; unless
    // the stepping has gone on for so long without a pause that the gap would grow too wide.
    // At the frontier the newest checkpoint is the one at or before `now`: read it without a search.
    const ps = this.store.positions;
    const newest = ps.length ? ps[ps.length - 1]! : undefined;
    const last = newest !== undefined && newest <= now ? newest : (this.store.atOrBefore(now)?.pos ?? this.start);
    if (this.deferUntilIdle && now - last < DEFER_LIMIT * this.interval) {
      this.checkpointWhenIdle();
      // Until the gap would grow too wide, the steps that follow (thousands, in one long `next`)
      // need not look again: one comparison each.
      this.waitingUntil = last + DEFER_LIMIT * this.interval;
    } else this.checkpoint(now, false);
  }

  /**
   * When true (the runtime sets it for stepping requests, not for Continue), checkpoints that
   * fall due are taken in the next idle moment instead of on the step path.
   */
  deferUntilIdle = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Steps between checkpoints taken while running (from the cost of the last one). */
  private interval = MIN_INTERVAL;

  /** While a checkpoint waits for an idle moment: the position until which the steps need not look (step()); 0 when none waits. */
  private waitingUntil = 0;

  private checkpointWhenIdle(): void {
    // The clock is read when the timer is armed and when the stepping ends (stepped(), once per request).
    if (this.idleTimer) return;
    this.lastActivity = clock();
    const fire = (): void => {
      const quiet = clock() - this.lastActivity;
      if (quiet < IDLE_MS) {
        this.idleTimer = setTimeout(fire, IDLE_MS - quiet);
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- typed as Node's Timeout, but a browser's timer (VS Code for the Web) is a number
        this.idleTimer.unref?.();
        return;
      }
      this.idleTimer = undefined;
      this.waitingUntil = 0;
      if (!this.store.get(this.m.steps)) this.checkpoint(this.m.steps, false, this.m.steps < this.length);
    };
    this.idleTimer = setTimeout(fire, IDLE_MS);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above: no unref() in a browser
    this.idleTimer.unref?.();
  }
  private lastActivity = 0;

  /** A run of steps has just ended (the runtime calls this once per request): a waiting checkpoint counts its quiet from now. */
  stepped(): void {
    if (this.idleTimer) this.lastActivity = clock();
  }

  /** Takes a checkpoint now if one is waiting for an idle moment (tests; the end of a session). */
  settle(): void {
    if (!this.idleTimer) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.waitingUntil = 0;
    if (!this.store.get(this.m.steps)) this.checkpoint(this.m.steps, false, this.m.steps < this.length);
  }

  /**
   * Takes a checkpoint at the current position (`pos`) and keeps the budget. `optional`: one that
   * only shortens replays within what history holds (going back and forth in it), taken where the
   * user is: when the budget cannot hold it, it is let go, and no history is cut for it — history
   * is cut only for what running on adds.
   */
  private checkpoint(pos: number, pinned: boolean, optional = false): void {
    const s = this.m.snapshot();
    const mark: Mark = { time: this.m.now, events: this.m.trace.length };
    this.store.add(pos, s.root, pinned, mark);
    if (optional) {
      if (this.store.held + this.logBytes() > this.maxMemory) {
        this.waitingUntil = 0;
        this.store.thin(0.9 * (this.maxMemory - this.logBytes()), this.m.steps);
        if (this.store.held + this.logBytes() > this.maxMemory) this.store.drop(pos);
      }
      return;
    }
    this.interval = Math.max(MIN_INTERVAL, Math.ceil(s.work * WORK_INTERVAL));
    this.nextAt = pos + this.interval;
    this.waitingUntil = 0;
    this.keepBudget();
  }

  /**
   * Moves the machine to position `n`, within what has been logged and is still held: a
   * position before `start` goes to `start` (callers that care check `reachable` first).
   */
  goTo(n: number): void {
    const target = Math.max(this.start, Math.min(n, this.length));
    if (target === this.m.steps) return;
    const c = this.store.atOrBefore(target)!;
    let from = this.m.steps;
    // A checkpoint further on is worth restoring only with its trace events still held (kept by the trace since going back).
    if (target < from || (c.pos > from && this.m.trace.canResume((c.meta as Mark).events))) {
      this.m.restore(c);
      from = c.pos;
    }
    // A long replay leaves a checkpoint behind, FOCUS_BACK steps short of the target: stepping
    // around there again (Step Back after Step Back, most of all) restores it and replays a few
    // steps, where one at the target itself would serve no position before it.
    const focus = target - from > FOCUS_REPLAY ? Math.max(from, target - FOCUS_BACK) : -1;
    while (this.m.steps < target) {
      if (this.m.steps === focus && !this.store.get(focus)) this.checkpoint(focus, false, true);
      const i = this.step();
      if (i.kind === 'idle') break;
    }
  }

  /** Whether position `n` can still be reached (it is not before the start of history). */
  reachable(n: number): boolean {
    return n >= this.start && n <= this.length;
  }

  /** Hand-made state changes invalidate the logged future. */
  truncateFuture(): void {
    const pos = this.m.steps;
    this.m.trace.dropFuture();
    this.length = Math.min(this.length, pos);
    this.log.dropAfter(pos);
    this.store.dropAfter(pos);
    for (const k of [...this.edits]) if (k > pos) this.edits.delete(k);
    if (pos > this.start) this.edits.add(pos);
    this.checkpoint(pos, true);
  }

  // ---- the budget -------------------------------------------------------------------------------

  private keepBudget(): void {
    const max = this.maxMemory;
    if (this.store.held + this.logBytes() <= max) return;
    // Thinning may drop the checkpoint a waiting one measures its gap from: the next step looks again.
    this.waitingUntil = 0;
    // Thin to below what the step log leaves, with room to spare so the next checkpoints do not thin again at once.
    this.store.thin(0.9 * (max - this.logBytes()), this.m.steps);
    if (this.store.held + this.logBytes() > max) this.cut();
  }

  /**
   * Cuts the oldest history: `start` moves to a later checkpoint, with everything before it
   * (checkpoints, hand-made changes, step log chunks). Each round drops at least a quarter of
   * the held positions, so a long run cuts rarely.
   */
  private cut(): void {
    const max = this.maxMemory;
    let cut = false;
    while (this.store.held + this.logBytes() > 0.8 * max) {
      const span = this.length - this.start;
      const next = this.store.after(this.start + Math.max(1, Math.floor(span / 4)) - 1);
      if (!next || next.pos > this.m.steps) break; // never cut away the present
      // Each thread's latest step in what goes, and whether it was a call (later rounds cut later steps).
      const l = this.log;
      for (let p = this.start; p < next.pos; p++) {
        const tid = l.threadAt(p);
        if (tid === TIMELINE_THREAD) continue;
        const depth = l.depthAt(p);
        const b = this.beforeStart.get(tid);
        if (b) {
          b.called = depth > b.depth;
          b.from = l.traceFromAt(p);
          b.to = l.traceToAt(p);
          b.depth = depth;
        } else this.beforeStart.set(tid, { from: l.traceFromAt(p), to: l.traceToAt(p), depth, called: depth > 1 });
      }
      this.start = next.pos;
      this.store.cutBefore(this.start);
      for (const k of [...this.edits]) if (k <= this.start) this.edits.delete(k);
      this.log.dropBefore(this.start);
      cut = true;
    }
    if (!cut) return;
    this.cutTrace();
    this.onCut?.({ start: this.start, time: this.startTime, firstEvent: this.firstEvent, maxMemory: max });
  }

  /**
   * Drops the trace events no position held can reach any more: those before the first event of
   * step `start - 1` (what the machine at `start` last did: the log keeps that step too). Kept: the
   * events of each thread's last step before the start (what a host frame shows it last handled,
   * lastStepEvents), and what `keepEvents` names. Event indices do not change.
   */
  private cutTrace(): void {
    const t = this.m.trace;
    const before = Math.min(this.firstEvent, this.start > 0 && this.log.has(this.start - 1) ? this.log.traceFromAt(this.start - 1) : 0);
    if (before <= t.base) return;
    const keep: number[] = [];
    for (const b of this.beforeStart.values()) for (let i = b.from; i < b.to && i < before; i++) keep.push(i);
    if (this.keepEvents) for (const i of [...this.keepEvents(before, keep)]) keep.push(i);
    t.dropBefore(before, keep);
  }

  // ---- looking things up ------------------------------------------------------------------------

  /** The position at which trace event `ev` was recorded (the step that recorded it), or -1. */
  stepOfEvent(ev: number): number {
    return this.log.stepOfEvent(ev, this.start, this.length);
  }

  /** Checks that step p is held (for callers that index the log with outside input). */
  holds(p: number): boolean {
    return Number.isInteger(p) && p >= this.start && p < this.length && this.log.has(p);
  }

  /** @internal for tests: positions of the checkpoints kept. */
  get checkpointPositions(): readonly number[] {
    return this.store.positions;
  }
}
