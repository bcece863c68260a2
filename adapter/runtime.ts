// The debugger's runtime: a scenario's machine under time travel (History),
// with breakpoints and stepping. It knows nothing of DAP — the session turns
// its stops into DAP events — so it is tested and benchmarked on its own.
//
// Positions: the machine is always "between steps". A line or function
// breakpoint stops *before* the statement it names runs; a data, message or
// exception breakpoint stops *after* the step that touched the register, sent
// the packet or raised the error. Backwards, the same rules hold, so reverse
// continue lands exactly where forward continue would have.
import { Ev } from '../emulator/vpci/events';
import type { Machine, TimelineItem } from '../emulator/machine/machine';
import type { ThreadState } from '../emulator/runtime/threads';
import { nextLocation } from '../emulator/runtime/threads';
import { nearestExecutableLine } from '../emulator/runtime/program';
import { History, TIMELINE_THREAD, type HistoryOptions } from './history';
import { keptEvents } from './trace-keep';
import { clip, formatTime } from '../emulator/format';
import { conditionProblem, countHit, hitConditionMet, type DataBp, type FunctionBp, type LineBp, type ExceptionFilter } from './breakpoints';
import { evaluate, interpolate, type ExprEnv } from './expr';

/** DAP thread id of the scenario timeline (machine threads use their own ids, from 1). */
export const SCENARIO_THREAD = 1_000_000;

/** A Jump to Cursor target: instruction `pc` of driver function `fn`, or (`step`) a timeline event's step, `fn` its label. */
export interface GotoTarget {
  fn: string;
  pc: number;
  line: number;
  step?: number;
  /** A timeline event no step has run yet: its index in the timeline (goto runs on to it: runToTimelineItem). */
  ahead?: number;
}

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'goto' | 'restart' | 'end';

export interface StopInfo {
  reason: StopReason;
  threadId: number;
  hitBreakpointIds?: number[];
  /** What happened, in full (names, lower-case hex); the stopped event carries it as `text` (see stop-text.ts). */
  description?: string;
  /** A short form of it, used when there is no description. */
  text?: string;
  /**
   * Show `description` as the stop's label as it is: a stop at the cause of an expectation names
   * the expectation (it has no hex to be upper-cased out of shape), where other stops use a short
   * phrase (stop-text.ts).
   */
  verbatim?: boolean;
  /** Set for a message breakpoint (reason 'function breakpoint'): the message's name. */
  message?: string;
  exception?: { filter: ExceptionFilter; description: string; event: number };
}

export type StepMode =
  { kind: 'continue' } | { kind: 'in' | 'over' | 'out'; thread: number; depth: number } | { kind: 'instruction'; thread: number } | { kind: 'scenario' };

/** Resolves a file path to the program's listing name (or 'scenario'). */
export interface SourceMap {
  listingOf(path: string): string | undefined;
  isScenario(path: string): boolean;
  pathOfListing(file: string): string;
  /** The other guest model whose listing `path` is (not this run's), if it is one. */
  otherModelOf?(path: string): string | undefined;
  /** Another guest model with a driver function named `name` (none of this run's), if there is one. */
  otherModelWithFunction?(name: string): string | undefined;
  /**
   * The scenario file edited since it was loaded: the first line (1-based) where its text now
   * differs from the text the run was loaded from; undefined while it reads the same (or cannot be read now).
   */
  scenarioEditedFrom?(): number | undefined;
  /** How many lines the scenario had when it was loaded. */
  scenarioLines?(): number;
}

/** How many lines a text has, as an editor numbers them (a final line end starts no line of its own). */
export function lineCount(text: string): number {
  return text === '' ? 0 : text.replace(/\r?\n$/, '').split(/\r?\n/).length;
}

/** Why a breakpoint past a file's end stands nowhere: "Past the end of the scenario: it has 24 lines". */
function pastEnd(what: string, line: number, lines: number | undefined): string | undefined {
  return lines !== undefined && line > lines ? `Past the end of the ${what}: it has ${lines} line${lines === 1 ? '' : 's'}` : undefined;
}

export interface RuntimeHooks {
  /** A logpoint fired (text already interpolated). */
  log(text: string, where?: { path: string; line: number }): void;
  /** Builds the expression environment for a thread (its top frame's locals and the machine). */
  env(threadId: number | undefined, frameLocals?: Record<string, unknown>): ExprEnv;
  /** Describes a data-breakpoint hit (device, register, old → new) made by trace event `ev`. */
  describeDataHit(bp: DataBp, old: number | undefined, now: number | undefined, write: boolean, ev: number): string;
  /** Current value of a data-breakpoint target (for old/new), undefined if not present. */
  dataValue(bp: DataBp): number | undefined;
  /** Whether trace event i touches the target of bp with the given access. */
  dataTouches(bp: DataBp, event: number): 'read' | 'write' | undefined;
  /** History was cut to stay within its memory budget: `text` says how far back one can now go. */
  historyCut?(text: string): void;
  /**
   * The trace is about to drop the events before `before` (history was cut): what indexes them
   * counts them first, and names those to keep besides the runtime's own (the expectations').
   */
  traceDropping?(before: number): Iterable<number> | undefined;
}

const NONE: readonly LineBp[] = [];
const NO_FNS: readonly FunctionBp[] = [];

/** Breakpoints by where a forward run meets them (VpciRuntime.indexBps). */
interface BpIndex {
  /** Line breakpoints by "path:line" (the path as lineBps keys it). */
  lines: Map<string, LineBp[]>;
  /** Function breakpoints by function. */
  fns: Map<string, FunctionBp[]>;
  /** Message breakpoints by message type. */
  msgs: Map<number, FunctionBp[]>;
  data: DataBp[];
}
const NO_OLDS: (number | undefined)[] = [];
/** runSteps' stepping modes, as numbers (what a step compares at every step). */
const ANY = 0;
const IN = 1;
const OVER = 2;
const OUT = 3;
const INSTRUCTION = 4;

const BUS_TRANSACTION = new Set<number>([Ev.CfgRead, Ev.CfgWrite, Ev.MmioRead, Ev.MmioWrite, Ev.PacketToHost, Ev.PacketToGuest, Ev.BarAccess]);

/** A stop at a message breakpoint, going forward or back: named after its message and which way it went. */
function messageStop(threadId: number, ids: number[], name: string, kind: number): StopInfo {
  const way = kind === Ev.PacketToHost ? 'sent to the host' : 'sent to the guest';
  return { reason: 'function breakpoint', threadId, hitBreakpointIds: ids, description: `${name} ${way}`, text: name, message: name };
}

/** A stop at an exception (trace event `event`), going forward or back: its text names it (DAP StoppedEvent: "if reason is exception, text contains the exception name"). */
function exceptionStop(threadId: number, x: { filter: ExceptionFilter; description: string }, event: number): StopInfo {
  return { reason: 'exception', threadId, description: x.description, text: x.description, exception: { ...x, event } };
}

/** A stop at a function breakpoint, going forward or back: the function it entered. */
function functionStop(threadId: number, ids: number[], fn: string): StopInfo {
  return { reason: 'function breakpoint', threadId, hitBreakpointIds: ids, description: `Entered ${fn}` };
}

function int32At(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24) | 0;
}

/** How many forward steps Step Back can undo exactly (VpciRuntime.noteStep); older ones go by statements. */
const STEPS_KEPT = 10_000;

export class VpciRuntime {
  readonly h: History;
  lineBps = new Map<string, LineBp[]>();
  fnBps: FunctionBp[] = [];
  dataBps: DataBp[] = [];
  exceptionFilters = new Set<ExceptionFilter>(['protocol-error', 'fault', 'timeout', 'undeliverable']);
  private nextBpId = 1;
  /** Set by pause(); checked between steps. */
  private pauseRequested = false;

  constructor(
    readonly m: Machine,
    readonly scenarioFile: string,
    readonly sources: SourceMap,
    public hooks: RuntimeHooks,
    history: HistoryOptions = {},
  ) {
    this.h = new History(m, {
      keepEvents: (before, kept) => [...(this.hooks.traceDropping?.(before) ?? []), ...keptEvents(m.trace, before, kept)],
      ...history,
      onCut: (c) => {
        history.onCut?.(c);
        this.hooks.historyCut?.(this.historyStartText());
      },
    });
  }

  get position(): number {
    return this.m.steps;
  }

  // ---- breakpoints ---------------------------------------------------------------

  /** Replaces the line breakpoints of one file; returns them verified and moved to real lines. */
  setLineBreakpoints(path: string, bps: { line: number; condition?: string; hitCondition?: string; logMessage?: string; id?: number }[]): LineBp[] {
    const out: LineBp[] = [];
    const listing = this.sources.listingOf(path);
    const scenario = this.sources.isScenario(path);
    // Kept under the file's own path, as a step names it (…/freebsd/../freebsd/x.c and x.c are one file).
    const key = listing ? this.pathOf(listing) : scenario ? this.scenarioFile : path;
    const timelineLines = this.m.config.timeline.map((t) => t.loc.line);
    // The client numbers lines as the file reads now: past its first edit the loaded events' lines
    // are not the file's (3 lines added at the top put `at 3ms raise` on line 20, loaded on 17).
    const edited = scenario ? this.sources.scenarioEditedFrom?.() : undefined;
    for (const b of bps) {
      const bp: LineBp = { id: b.id ?? this.nextBpId++, path, line: b.line, verified: false, hits: 0 };
      if (b.condition) bp.condition = b.condition;
      if (b.hitCondition) bp.hitCondition = b.hitCondition;
      if (b.logMessage) bp.logMessage = b.logMessage;
      // Line 0 or less is no line of any file (it was moved to the first statement or event).
      if (b.line < 1) bp.message = 'Before the first line of the file';
      else if (listing) {
        const l = this.m.program.listings.get(listing);
        const at = l ? nearestExecutableLine(l, b.line) : undefined;
        if (at !== undefined) {
          bp.line = at;
          bp.verified = true;
        } else bp.message = (l && pastEnd('listing', b.line, lineCount(l.text))) ?? 'No statement at or after this line';
      } else if (scenario) {
        const at = timelineLines.filter((l) => l >= b.line).sort((x, y) => x - y)[0];
        if (edited !== undefined && (at ?? b.line) >= edited)
          bp.message = `The scenario has changed since it was loaded (from line ${edited}): restart to set breakpoints on its lines as they are now`;
        else if (at !== undefined) {
          bp.line = at;
          bp.verified = true;
        } else
          bp.message =
            pastEnd('scenario', b.line, this.sources.scenarioLines?.()) ??
            'Breakpoints in a scenario stand on timeline events (`at …` lines); there is none at or after this line';
      } else {
        const other = this.sources.otherModelOf?.(path);
        bp.message = other
          ? `A listing of the ${other} guest model: this run's guest is ${this.m.config.guest} (its listings are in the ${this.m.config.guest} folder)`
          : 'Not a vPCI driver listing or the running scenario';
      }
      const problem = conditionProblem(bp.condition, bp.hitCondition, bp.logMessage);
      if (problem) {
        bp.verified = false;
        bp.broken = true;
        bp.message = problem;
      }
      out.push(bp);
    }
    this.lineBps.set(key, out);
    return out;
  }

  setFunctionBreakpoints(
    bps: { name: string; condition?: string; hitCondition?: string; id?: number }[],
    resolveMessage: (name: string) => number | undefined,
  ): FunctionBp[] {
    this.fnBps = bps.map((b) => {
      const bp: FunctionBp = { id: b.id ?? this.nextBpId++, name: b.name.trim(), kind: 'function', hits: 0, verified: false };
      if (b.condition) bp.condition = b.condition;
      if (b.hitCondition) bp.hitCondition = b.hitCondition;
      const problem = conditionProblem(bp.condition, bp.hitCondition);
      if (problem) {
        bp.broken = true;
        bp.message = problem;
      } else if (this.m.program.fns.has(bp.name)) bp.verified = true;
      else {
        const t = resolveMessage(bp.name);
        if (t !== undefined) {
          bp.kind = 'message';
          bp.messageType = t;
          bp.verified = true;
        } else {
          const other = this.sources.otherModelWithFunction?.(bp.name);
          bp.message = other
            ? `'${clip(bp.name)}' is a function of the ${other} guest model: this run's guest is ${this.m.config.guest}`
            : `No driver function or protocol message named '${clip(bp.name)}'`;
        }
      }
      return bp;
    });
    return this.fnBps;
  }

  setDataBreakpoints(list: DataBp[]): void {
    this.dataBps = list;
  }

  newBreakpointId(): number {
    return this.nextBpId++;
  }

  /** New ids start at `from` or later (the ids below it are the client's already). */
  reserveBreakpointIds(from: number): void {
    this.nextBpId = Math.max(this.nextBpId, from);
  }

  /**
   * A restart's new run takes the old run's breakpoints with the ids the client knows, checked
   * again against the new machine (another guest has other listings and functions) and counting
   * hits afresh. Returns the ids whose verification or line changed.
   */
  adoptBreakpoints(old: VpciRuntime, resolveMessage: (name: string) => number | undefined): number[] {
    this.nextBpId = Math.max(this.nextBpId, old.nextBpId);
    const changed: number[] = [];
    for (const [path, list] of old.lineBps) {
      const now = this.setLineBreakpoints(
        path,
        list.map((b) => ({
          id: b.id,
          line: b.line,
          ...(b.condition ? { condition: b.condition } : {}),
          ...(b.hitCondition ? { hitCondition: b.hitCondition } : {}),
          ...(b.logMessage ? { logMessage: b.logMessage } : {}),
        })),
      );
      now.forEach((b, i) => {
        if (b.verified !== list[i]!.verified || b.line !== list[i]!.line) changed.push(b.id);
      });
    }
    const fns = this.setFunctionBreakpoints(
      old.fnBps.map((b) => ({
        id: b.id,
        name: b.name,
        ...(b.condition ? { condition: b.condition } : {}),
        ...(b.hitCondition ? { hitCondition: b.hitCondition } : {}),
      })),
      resolveMessage,
    );
    fns.forEach((b, i) => {
      if (b.verified !== old.fnBps[i]!.verified) changed.push(b.id);
    });
    this.dataBps = old.dataBps.map(({ hitAt: _, countedTo: __, ...b }) => ({ ...b, hits: 0 }));
    this.exceptionFilters = new Set(old.exceptionFilters);
    return changed;
  }

  /** Every breakpoint that counts hits: line, function and message, data. */
  private *allBreakpoints(): Iterable<LineBp | FunctionBp | DataBp> {
    for (const list of this.lineBps.values()) yield* list;
    yield* this.fnBps;
    yield* this.dataBps;
  }

  // ---- where things stand -----------------------------------------------------------

  /** The next step: which thread (or the timeline) and where. */
  upcoming(): { threadId: number; thread?: ThreadState; path?: string; line?: number; fn?: string; timeline?: TimelineItem } | undefined {
    const p = this.m.peek();
    if (p.kind === 'idle') return undefined;
    if (p.kind === 'timeline') {
      const it = this.m.config.timeline[this.m.state.timelineIndex]!;
      return { threadId: SCENARIO_THREAD, path: this.scenarioFile, line: it.loc.line, timeline: it };
    }
    if (p.kind === 'timer') return { threadId: SCENARIO_THREAD };
    const t = p.thread;
    const f = t.frames[t.frames.length - 1];
    if (!f) return { threadId: t.id, thread: t };
    const loc = nextLocation(this.m.program, f);
    if (!loc) return { threadId: t.id, thread: t };
    const u: { threadId: number; thread: ThreadState; path: string; line: number; fn?: string } = {
      threadId: t.id,
      thread: t,
      path: this.pathOf(loc.fn.file),
      line: loc.line,
    };
    // At the first statement of a function: function breakpoints stand here.
    if (f.pc === 0) u.fn = f.fn;
    return u;
  }

  pause(): void {
    this.pauseRequested = true;
  }

  /** Forgets a pause that came too late for the run it was meant for (the run stopped, or was abandoned). */
  clearPause(): void {
    this.pauseRequested = false;
  }

  /** Listing paths by listing file (the same string each time: it is a map key on every step). */
  private pathCache = new Map<string, string>();
  private pathOf(file: string): string {
    let p = this.pathCache.get(file);
    if (p === undefined) this.pathCache.set(file, (p = this.sources.pathOfListing(file)));
    return p;
  }

  // ---- forward ------------------------------------------------------------------------

  private lineHit(u: ReturnType<VpciRuntime['upcoming']>): readonly LineBp[] {
    if (!u || u.path === undefined || u.line === undefined) return NONE;
    const list = this.lineBps.get(u.path);
    if (!list) return NONE;
    let hit: LineBp[] | undefined;
    for (const b of list) if (b.verified && b.line === u.line) (hit ??= []).push(b);
    return hit ?? NONE;
  }

  /** Whether anything stands before a step (line or function breakpoints, or the timeline's own steps). */
  private checksBefore(mode: StepMode): boolean {
    if (mode.kind === 'scenario' || this.fnBps.length) return true;
    for (const list of this.lineBps.values()) if (list.length) return true;
    return false;
  }

  /**
   * Whether a breakpoint's condition holds here. One that cannot be evaluated here (an unknown
   * name, a division by zero) counts as holding, and says so in the Debug Console: a breakpoint
   * whose condition fails stops rather than being passed over without a word (as gdb does).
   */
  private conditionHolds(
    condition: string,
    threadId: number | undefined,
    locals: Record<string, unknown> | undefined,
    where?: { path: string; line: number },
    quiet = false,
  ): boolean {
    const r = evaluate(condition, this.hooks.env(threadId, locals));
    if (!r.ok) {
      if (!quiet) this.hooks.log(`Breakpoint condition "${clip(condition)}" could not be evaluated here (${r.error}): stopping.`, where);
      return true;
    }
    const v = r.value;
    return !!v && !(typeof v === 'object' && 'value' in (v as object) && !(v as { value: unknown }).value);
  }

  /** Evaluates conditions, hit counts and logpoints; returns the ids that stop. */
  private filterHits(
    bps: readonly { id: number; condition?: string; hitCondition?: string; hits: number; hitAt?: number[]; logMessage?: string; broken?: boolean }[],
    threadId: number | undefined,
    locals: Record<string, unknown> | undefined,
    where?: { path: string; line: number },
  ): number[] {
    const ids: number[] = [];
    for (const b of bps) {
      if (b.broken) continue;
      if (b.condition && !this.conditionHolds(b.condition, threadId, locals, where)) continue;
      if (!hitConditionMet(b.hitCondition, countHit(b, this.position, this.h.start))) continue;
      if (b.logMessage) {
        this.hooks.log(interpolate(b.logMessage, this.hooks.env(threadId, locals)), where);
        continue;
      }
      ids.push(b.id);
    }
    return ids;
  }

  /** Checks the trace events of a step for message (msgBps: the verified ones), data and exception breakpoints. */
  private eventHits(from: number, to: number, threadId: number, olds: (number | undefined)[], msgBps: readonly FunctionBp[]): StopInfo | undefined {
    const t = this.m.trace;
    // Data breakpoints.
    if (this.dataBps.length) {
      const ids: number[] = [];
      let text = '';
      for (let k = 0; k < this.dataBps.length; k++) {
        const bp = this.dataBps[k]!;
        const touch = this.firstTouch(bp, from, to);
        if (!touch) continue;
        if (bp.broken) continue;
        const now = this.hooks.dataValue(bp);
        if (bp.condition && !this.conditionHolds(bp.condition, threadId, undefined)) continue;
        if (!hitConditionMet(bp.hitCondition, countHit(bp, this.position, this.h.start))) continue;
        ids.push(bp.id);
        if (!text) text = this.hooks.describeDataHit(bp, olds[k], now, touch.access === 'write', touch.event);
      }
      if (ids.length) return { reason: 'data breakpoint', threadId, hitBreakpointIds: ids, description: text, text };
    }
    // Message breakpoints: each counts a hit once in a step, however many of its messages the step moved.
    if (msgBps.length) {
      let hit: FunctionBp[] | undefined;
      let at: number[] | undefined;
      for (let i = from; i < to; i++) {
        const k = t.kindAt(i);
        if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
        const pkt = t.get(i).blob as Uint8Array | undefined;
        if (pkt && pkt[0] !== 6) continue; // completions answer a message; they are not one
        for (const b of msgBps)
          if (b.messageType === t.aAt(i) && !hit?.includes(b)) {
            (hit ??= []).push(b);
            (at ??= []).push(i);
          }
      }
      const ids = hit ? this.filterHits(hit, threadId, undefined) : [];
      if (ids.length) {
        // Named after the first message that stops.
        const n = hit!.findIndex((b) => ids.includes(b.id));
        return messageStop(threadId, ids, hit![n]!.name, t.kindAt(at![n]!));
      }
    }
    // Exceptions.
    if (this.exceptionFilters.size) {
      for (let i = from; i < to; i++) {
        const x = this.exceptionOf(i);
        if (x && this.exceptionFilters.has(x.filter)) return exceptionStop(threadId, x, i);
      }
    }
    return undefined;
  }

  /** Which exception filter (if any) trace event i belongs to. */
  exceptionOf(i: number): { filter: ExceptionFilter; description: string } | undefined {
    const t = this.m.trace;
    const k = t.kindAt(i);
    if (k === Ev.Error) {
      const text = String(t.get(i).blob);
      return { filter: /time(d)? ?out/i.test(text) ? 'timeout' : 'protocol-error', description: text };
    }
    if (k === Ev.Fault) return { filter: 'fault', description: `Injected fault: ${String(t.get(i).blob)}` };
    if (k === Ev.IntUndeliverable) return { filter: 'undeliverable', description: `Undeliverable interrupt: ${String(t.get(i).blob)}` };
    if (k === Ev.State) {
      const b = t.get(i).blob as { what?: string; text?: string } | undefined;
      if (b && typeof b === 'object' && b.what === 'timeout') return { filter: 'timeout', description: `Timeout: ${b.text ?? ''}` };
      return undefined;
    }
    if (k === Ev.PacketToGuest) {
      const pkt = t.get(i).blob as Uint8Array | undefined;
      if (pkt && pkt[0] === 11 && pkt.length >= 20) {
        const st = int32At(pkt, 16);
        if (st < 0) return { filter: 'error-status', description: `The host completed a request with status 0x${(st >>> 0).toString(16).toUpperCase()}` };
      }
    }
    return undefined;
  }

  /**
   * Runs forward until a stop, for at most `budget` steps. Returns the stop, or
   * undefined when the budget ran out (the caller yields and calls again). `checkHere`: line and
   * function breakpoints before the first step stop too (a launch's run from the scenario's start,
   * which no stop stands at yet); a run resumed from a stop passes over the one it stands at.
   */
  runForward(mode: StepMode, budget: number, first: boolean, checkHere = false): StopInfo | undefined {
    // Hit counts are those of the history up to here, however it was reached (syncHits).
    if (first) this.syncHits();
    let s: StopInfo | undefined;
    try {
      s = this.runSteps(mode, budget, first && !checkHere);
      return s;
    } finally {
      this.h.stepped();
      // Every position before the stop was looked at whole; the stop's own may not have been (a
      // data breakpoint stops before the line breakpoint there is looked at): syncHits counts it.
      if (s) for (const b of this.allBreakpoints()) if (b.countedTo !== undefined) b.countedTo = this.position - 1;
    }
  }

  private runSteps(mode: StepMode, budget: number, first: boolean): StopInfo | undefined {
    // Without anything that stands before a step, where the next step is need not be worked out.
    const before = this.checksBefore(mode);
    // A step's round trip is the user waiting: checkpoints falling due during one wait for an idle moment.
    const h = this.h;
    h.deferUntilIdle = mode.kind !== 'continue';
    // What cannot change while this runs (no request is handled in between), read once: this loop
    // runs thousands of times for one `next`, mostly as V8's baseline code (adapter/boot.ts).
    const watchData = this.dataBps.length !== 0;
    const msgBps = this.fnBps.filter((b) => b.kind === 'message' && b.verified);
    const watchEvents = watchData || msgBps.length !== 0 || this.exceptionFilters.size !== 0;
    const kind = mode.kind === 'in' ? IN : mode.kind === 'over' ? OVER : mode.kind === 'out' ? OUT : mode.kind === 'instruction' ? INSTRUCTION : ANY;
    const depth = kind === OVER || kind === OUT ? (mode as { depth: number }).depth : 0;
    let thread = kind === IN || kind === OVER || kind === OUT || kind === INSTRUCTION ? (mode as { thread: number }).thread : SCENARIO_THREAD;
    // A pause request is handled between runs (this loop handles none): it stops before the first step.
    if (this.pauseRequested) {
      this.pauseRequested = false;
      const u = this.upcoming();
      // No text: the label says 'Paused', and a text repeating it was all the hover showed.
      return { reason: 'pause', threadId: u?.threadId ?? SCENARIO_THREAD };
    }
    for (let n = 0; n < budget; n++) {
      // Line and function breakpoints stand before the step (not on the one we are resuming from).
      if (before && !(first && n === 0)) {
        const u = this.upcoming();
        if (!u) return { reason: 'end', threadId: SCENARIO_THREAD, description: 'The scenario has finished: nothing is left to run', text: 'end of scenario' };
        const hit = this.lineHit(u);
        const locals = u.thread?.frames[u.thread.frames.length - 1]?.locals;
        if (hit.length) {
          const where = u.path !== undefined && u.line !== undefined ? { path: u.path, line: u.line } : undefined;
          const lineIds = this.filterHits(hit, u.threadId, locals, where);
          if (lineIds.length) return { reason: 'breakpoint', threadId: u.threadId, hitBreakpointIds: lineIds };
        }
        if (u.fn && this.fnBps.length) {
          const fb = this.fnBps.filter((b) => b.kind === 'function' && b.name === u.fn);
          const ids = fb.length ? this.filterHits(fb, u.threadId, locals) : [];
          if (ids.length) return functionStop(u.threadId, ids, u.fn);
        }
        if (mode.kind === 'scenario' && u.threadId === SCENARIO_THREAD && u.timeline) return { reason: 'step', threadId: SCENARIO_THREAD };
      }
      const olds = watchData ? this.dataBps.map((b) => this.hooks.dataValue(b)) : NO_OLDS;
      const info = h.step();
      if (info.kind === 'idle')
        return { reason: 'end', threadId: SCENARIO_THREAD, description: 'The scenario has finished: nothing is left to run', text: 'end of scenario' };
      const t = info.thread;
      const tid = t !== undefined ? t.id : SCENARIO_THREAD;
      if (watchEvents && info.traceTo > info.traceFrom) {
        const ev = this.eventHits(info.traceFrom, info.traceTo, tid, olds, msgBps);
        if (ev) return ev;
      }
      if (kind === ANY) continue;
      if (kind === INSTRUCTION) {
        // The stepped thread's next bus transaction (DAP: the step lets one instruction of the thread
        // named execute); the timeline thread, which drives the machine, stops on any thread's. A
        // thread that ends before making one stops there, as Step Over does. (Ours: a bus transaction is
        // what an instruction is here; README.)
        if (thread !== SCENARIO_THREAD && tid !== thread) continue;
        for (let i = info.traceFrom; i < info.traceTo; i++)
          if (BUS_TRANSACTION.has(this.m.trace.kindAt(i))) return { reason: 'step', threadId: tid, description: 'One bus transaction' };
        if (t !== undefined && t.id === thread && t.status === 'done') return { reason: 'step', threadId: tid };
        continue;
      }
      if (tid !== thread) continue;
      // A step of the thread being stepped.
      if (t === undefined) return { reason: 'step', threadId: tid };
      if (kind === OVER) {
        if (t.frames.length <= depth || t.status === 'done') return { reason: 'step', threadId: tid };
      } else if (kind === OUT) {
        if (t.frames.length < depth || t.status === 'done') return { reason: 'step', threadId: tid };
      } else {
        // In. Stepping into a VMBus send follows the packet: stop where the host handles it.
        const bus = t.bus;
        let sent = false;
        for (let i = info.traceFrom; i < info.traceTo; i++) if (this.m.trace.kindAt(i) === Ev.PacketToHost) sent = true;
        const host = bus >= 0 ? this.m.buses[bus]?.state.threads.host : undefined;
        if (sent && host !== undefined && host !== tid) {
          // The stepping follows the host thread from here (and a later chunk of this run too).
          (mode as { thread: number }).thread = thread = host;
          continue;
        }
        return { reason: 'step', threadId: tid, ...(t.role === 'host' ? { description: 'The host handled the packet' } : {}) };
      }
    }
    return undefined;
  }

  // ---- backward -----------------------------------------------------------------------

  /** The stop at the start of what history holds: the scenario's start, or where a cut left it. */
  private atStart(why?: string): StopInfo {
    this.h.goTo(this.h.start);
    const threadId = this.upcoming()?.threadId ?? SCENARIO_THREAD;
    if (this.h.start === 0) return { reason: 'entry', threadId, description: why ?? 'Start of the scenario' };
    return { reason: 'entry', threadId, description: `${why ? `${why}: ` : ''}${this.historyStartText()}` };
  }

  /** Where history starts after a cut, and why, in the words the user reads. */
  historyStartText(): string {
    return `the oldest step still held is step ${this.h.start} (at ${formatTime(this.h.startTime)}, trace event ${this.h.firstEvent}); older history was dropped to stay within vpci.history.maxMemory (${Math.round(this.h.maxMemory / 2 ** 20)} MiB)`;
  }

  /** Forward steps (next, step in, step out) as they ran: where each started and stopped, newest last (at most STEPS_KEPT). */
  private stepsRun: { from: number; to: number; threads: [number, number] }[] = [];

  /** Notes a forward step of thread `tid` from position `from` that stopped here, on thread `stoppedOn`. */
  noteStep(tid: number, stoppedOn: number, from: number): void {
    if (this.position <= from) return;
    this.stepsRun.push({ from, to: this.position, threads: [tid, stoppedOn] });
    if (this.stepsRun.length > STEPS_KEPT) this.stepsRun.splice(0, this.stepsRun.length - STEPS_KEPT);
  }

  /**
   * Reverse of `next` (or of `stepIn` when `into`). Right after a forward step of this thread,
   * back to exactly where that step started (Step Back undoes the step the user just took: out of
   * a function through its return, too, which the statement rule below would take back over the
   * whole call); else the previous statement of the thread.
   */
  stepBack(tid: number, instruction: boolean): StopInfo {
    const pos = this.position;
    const h = this.h;
    const last = this.stepsRun[this.stepsRun.length - 1];
    if (last && last.to === pos && last.threads.includes(tid) && last.from >= h.start) {
      this.stepsRun.pop();
      h.goTo(last.from);
      // The thread asked about may not exist yet where that step started (a step of the timeline
      // thread before boot that stopped in a thread the boot made): the stop is then the stepping
      // thread's, which did. A stop must name a thread `threads` lists there.
      const here = tid === SCENARIO_THREAD || this.m.threads.some((t) => t.id === tid);
      return { reason: 'step', threadId: here ? tid : last.threads[0] };
    }
    if (instruction) {
      // The forward instruction step backwards: to just before the thread's last bus transaction (any
      // thread's, for the timeline), where a forward one stops after it. It went back one statement.
      for (let p = pos - 1; p >= h.start; p--) {
        const by = h.threadAt(p);
        if (tid !== SCENARIO_THREAD && by !== tid) continue;
        let bus = false;
        for (let i = h.traceFromAt(p); i < h.traceToAt(p) && !bus; i++) bus = BUS_TRANSACTION.has(this.m.trace.kindAt(i));
        if (!bus) continue;
        h.goTo(p);
        return { reason: 'step', threadId: tid !== SCENARIO_THREAD ? tid : by === TIMELINE_THREAD ? SCENARIO_THREAD : by, description: 'One bus transaction' };
      }
      return this.atStart(h.start > 0 ? `No earlier bus transaction${tid !== SCENARIO_THREAD ? ` of thread ${tid}` : ''} is held` : undefined);
    }
    if (tid === SCENARIO_THREAD) {
      // The timeline's `next` stops before each timeline event; stepping back goes to before the previous one.
      for (let p = pos - 1; p >= h.start; p--) {
        if (h.threadAt(p) !== TIMELINE_THREAD || h.timelineAt(p) < 0) continue;
        h.goTo(p);
        return { reason: 'step', threadId: SCENARIO_THREAD };
      }
      return this.atStart(h.start > 0 ? 'No earlier timeline event is held' : undefined);
    }
    const t = this.m.threads.find((x) => x.id === tid);
    const depth = t ? t.frames.length : 0;
    for (let p = pos - 1; p >= h.start; p--) {
      if (h.threadAt(p) !== tid) continue;
      if (depth > 0 && h.depthBefore(tid, p) > depth) continue;
      // Step p began the statement being undone. A forward `next` (or step in) stops just after the
      // thread's own step, so the stop before this one was just after the thread's previous step:
      // other threads' steps and the time the thread waited since then are undone too. Before the
      // thread's first step (or the oldest held), just before step p.
      let q = p - 1;
      while (q >= h.start && h.threadAt(q) !== tid) q--;
      h.goTo(q >= h.start ? q + 1 : p);
      return { reason: 'step', threadId: tid };
    }
    return this.atStart(h.start > 0 ? `No earlier statement of thread ${tid} is held` : undefined);
  }

  /**
   * Restart Frame: back to the moment frame `index` (0 = outermost) of guest thread `tid` was
   * entered — just after the caller's call statement ran, or before the thread's first step for
   * its outermost frame — exactly, from the step log. The logged future stays (running forward
   * replays it) until the user changes something. Returns the stop, or why it cannot.
   *
   * This rests on how the machine grows stacks: a thread is spawned with one frame, a frame is
   * pushed only by a step that runs a call, and popped only by a step whose depth drops. A new
   * way of pushing frames (an interrupt frame, say) would need its own entry rule here.
   */
  restartFrame(tid: number, index: number): StopInfo | string {
    const t = this.m.threads.find((x) => x.id === tid);
    if (!t || t.role === 'host') return 'Only a guest driver frame can be restarted';
    if (!Number.isInteger(index) || index < 0 || index >= t.frames.length) return `Thread ${tid} has no frame ${index}`;
    const d = index + 1;
    const h = this.h;
    // Going back over this thread's steps: while its depth after a step stays >= d the frame (or
    // one it called) was live; the earliest such step is the call that entered it.
    let entry = -1;
    let called = false;
    let seen = 0;
    for (let p = this.position - 1; p >= h.start; p--) {
      if (h.threadAt(p) !== tid) continue;
      if (h.depthAt(p) < d) {
        called = true;
        break;
      }
      entry = p;
      seen++;
    }
    const fn = t.frames[index]!.fn;
    // The walk ran into the start of held history without finding the call, and the thread ran
    // steps before that start: the frame was entered in history that was cut.
    if (!called && seen < t.steps) return `${fn} was entered before the oldest history still held: ${this.historyStartText()}`;
    if (entry < 0) return `${fn} has not run a statement yet: there is nothing to restart`;
    // An inner frame starts just after the step that called it (when that was the thread's very
    // first step, the walk ran out instead of finding the caller); the thread's outermost frame
    // starts before the thread's first step.
    h.goTo(called || d > 1 ? entry + 1 : entry);
    return { reason: 'restart', threadId: tid, description: `Restarted ${fn}` };
  }

  /**
   * Jump to Cursor targets: the driver function in listing `path` whose body holds `line`, and
   * the first instruction at that line (a statement, a loop or `if` test, or the closing brace).
   * In the scenario, the timeline event on `line` where history holds the step that runs it
   * (`step`: before it, as a breakpoint there stops). Nothing when the line is neither.
   */
  gotoTarget(path: string, line: number): GotoTarget | undefined {
    if (this.sources.isScenario(path)) return this.timelineTarget(line);
    const listing = this.sources.listingOf(path);
    if (!listing) return undefined;
    for (const cf of this.m.program.fns.values()) {
      if (cf.file !== listing || line < cf.line || line > cf.endLine) continue;
      // The first instruction that is a step at that line: for a `for` header that is the loop's
      // entry (a jump that runs the initialiser), so jumping there starts the loop afresh; plain
      // jumps (the end of a then-branch, a loop's way out) are no steps and no targets.
      const pc = cf.code.findIndex((i) => i.line === line && (i.op !== 'jump' || i.pre !== undefined));
      if (pc < 0) return undefined;
      // Jump to Cursor moves a thread within its current function (goto): a line of a function no
      // guest thread is in now is no target (gotoTargets names no thread, so any thread counts).
      const inIt = this.m.threads.some((t) => t.role !== 'host' && t.status !== 'done' && t.frames[t.frames.length - 1]?.fn === cf.name);
      return inIt ? { fn: cf.name, pc, line } : undefined;
    }
    return undefined;
  }

  /**
   * Moves guest thread `tid` to instruction `pc` of its current function without running what
   * lies between (the statement there runs next). A hand-made change: the logged future goes.
   */
  goto(tid: number, target: GotoTarget): StopInfo | string {
    if (target.step !== undefined) {
      // A move in time, as Step Back and vpci/gotoEvent are: the logged future stays.
      if (target.step > this.h.length)
        return `${target.fn} is no longer in the history: a value set by hand since dropped the steps after it (run on to reach it again)`;
      if (!this.h.reachable(target.step)) return `${target.fn} happened before the oldest history still held: ${this.historyStartText()}`;
      this.h.goTo(target.step);
      return { reason: 'goto', threadId: SCENARIO_THREAD, description: `Jumped to line ${target.line}` };
    }
    const t = this.m.threads.find((x) => x.id === tid);
    if (!t || t.role === 'host') return 'Only a guest driver thread can jump';
    const top = t.frames[t.frames.length - 1];
    if (!top || t.status === 'done') return `${t.name} has finished`;
    if (t.status === 'blocked') return `${t.name} is waiting (${t.waitWhy ?? 'blocked'}): jump once it can run`;
    if (top.fn !== target.fn) return `${t.name} is in ${top.fn}: Jump to Cursor moves within the current function, not into ${target.fn}`;
    top.pc = target.pc;
    this.h.truncateFuture();
    return { reason: 'goto', threadId: tid, description: `Jumped to line ${target.line}` };
  }
  /**
   * The Jump to Cursor target on scenario line `line`: the timeline event there, at the step that
   * runs it, while history (past or the logged future) holds that step. Ours: DAP's goto moves the
   * program counter; on the timeline it moves the whole machine to just before the event.
   */
  private timelineTarget(line: number): GotoTarget | undefined {
    // The loaded lines are not the file's past its first edit since the launch (setLineBreakpoints).
    const edited = this.sources.scenarioEditedFrom?.();
    if (edited !== undefined && line >= edited) return undefined;
    const items = this.m.config.timeline;
    const h = this.h;
    for (let p = h.start; p < h.length; p++) {
      if (h.threadAt(p) !== TIMELINE_THREAD) continue;
      const it = items[h.timelineAt(p)];
      if (it?.loc.line === line) return { fn: `at ${formatTime(it.time)}: ${it.text}`, pc: -1, line, step: p };
    }
    // An event still to come (the timeline runs in order, and one between here and the end of the
    // logged history would have been found above): a target ahead, as a time-travel debugger's
    // "travel to position" runs the replay forward to it. It was no target at all, and VS Code said
    // "No executable code is associated at the current cursor position" on an event line.
    const i = items.findIndex((it, k) => k >= this.m.state.timelineIndex && it.loc.line === line);
    return i >= 0 ? { fn: `at ${formatTime(items[i]!.time)}: ${items[i]!.text}`, pc: -1, line, ahead: i } : undefined;
  }

  /**
   * Runs on from the end of the logged history, at most `budget` steps, until timeline event
   * `index` has run: the logged step that ran it; 'never' when the scenario settled or the
   * timeline went past it first; undefined when the budget ran out (call again to go on).
   */
  runToTimelineItem(index: number, budget: number): number | 'never' | undefined {
    const h = this.h;
    h.goTo(h.length);
    for (let n = 0; n < budget; n++) {
      const p = h.length;
      if (h.step().kind === 'idle') return 'never';
      if (h.length > p && h.threadAt(p) === TIMELINE_THREAD) {
        const at = h.timelineAt(p);
        if (at === index) return p;
        if (at > index) return 'never';
      }
    }
    return undefined;
  }

  // ---- breakpoints in the logged history ----------------------------------------------

  /**
   * The breakpoints among `bps` that can be hit (verified, well-formed; with `logpoints`, log
   * points too: they count hits, and never stop), indexed by where a forward run meets them.
   */
  private indexBps(bps: Iterable<LineBp | FunctionBp | DataBp>, logpoints: boolean): BpIndex {
    const ix: BpIndex = { lines: new Map(), fns: new Map(), msgs: new Map(), data: [] };
    const keyOf = new Map<LineBp, string>();
    for (const [path, list] of this.lineBps) for (const b of list) keyOf.set(b, `${path}:${b.line}`);
    const add = <K, B>(m: Map<K, B[]>, k: K, b: B) => {
      const l = m.get(k);
      if (l) l.push(b);
      else m.set(k, [b]);
    };
    for (const b of bps) {
      if (b.broken || (!logpoints && 'logMessage' in b && b.logMessage)) continue;
      if ('dataId' in b) ix.data.push(b);
      else if ('kind' in b) {
        if (!b.verified) continue;
        if (b.kind === 'message') add(ix.msgs, b.messageType!, b);
        else add(ix.fns, b.name, b);
      } else if (b.verified && keyOf.has(b)) add(ix.lines, keyOf.get(b)!, b);
    }
    return ix;
  }

  /** The line breakpoints standing before logged step q (the statement it runs, or the timeline event). */
  private lineBpsBefore(ix: BpIndex, q: number): readonly LineBp[] {
    if (!ix.lines.size) return NONE;
    const h = this.h;
    if (h.threadAt(q) === TIMELINE_THREAD) {
      const ti = h.timelineAt(q);
      const it = ti >= 0 ? this.m.config.timeline[ti] : undefined;
      return (it && ix.lines.get(`${this.scenarioFile}:${it.loc.line}`)) || NONE;
    }
    const fn = h.fnAt(q);
    const cf = fn !== undefined ? this.m.program.fns.get(fn) : undefined;
    return (cf && ix.lines.get(`${this.pathOf(cf.file)}:${h.lineAt(q)}`)) || NONE;
  }

  /** The function breakpoints standing before logged step q: it runs the first statement of a frame of theirs. */
  private fnBpsBefore(ix: BpIndex, q: number): readonly FunctionBp[] {
    if (!ix.fns.size) return NO_FNS;
    const fn = this.h.fnAt(q);
    const l = fn !== undefined ? ix.fns.get(fn) : undefined;
    return l && this.h.entersFrame(q) ? l : NO_FNS;
  }

  /** The data breakpoints the events of logged step q touch (with their access). */
  private dataBpsOf(ix: BpIndex, q: number): DataBp[] {
    const out: DataBp[] = [];
    const h = this.h;
    for (const b of ix.data) if (this.firstTouch(b, h.traceFromAt(q), h.traceToAt(q))) out.push(b);
    return out;
  }

  /** The first of trace events [from, to) that touches b's target with an access b watches, and that access. */
  private firstTouch(b: DataBp, from: number, to: number): { access: 'read' | 'write'; event: number } | undefined {
    for (let i = from; i < to; i++) {
      const a = this.hooks.dataTouches(b, i);
      if (a && (b.access === 'readWrite' || b.access === a)) return { access: a, event: i };
    }
    return undefined;
  }

  /** The message breakpoints the messages of logged step q hit (completions are none), each with its first message's event. */
  private msgBpsOf(ix: BpIndex, q: number): { bps: FunctionBp[]; events: number[] } {
    const bps: FunctionBp[] = [];
    const events: number[] = [];
    if (!ix.msgs.size) return { bps, events };
    const h = this.h;
    const t = this.m.trace;
    for (let i = h.traceFromAt(q); i < h.traceToAt(q); i++) {
      const k = t.kindAt(i);
      if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
      const pkt = t.get(i).blob as Uint8Array | undefined;
      if (pkt && pkt[0] !== 6) continue;
      for (const b of ix.msgs.get(t.aAt(i)) ?? [])
        if (!bps.includes(b)) {
          bps.push(b);
          events.push(i);
        }
    }
    return { bps, events };
  }

  /**
   * Whether b's condition holds at position `at` (a line or function breakpoint's with the top
   * frame's locals of the thread about to run, as a forward run evaluates it). `quiet`: a condition
   * that cannot be evaluated holds without a word (a hit counted again, not met anew).
   */
  private holdsAt(b: { condition?: string }, at: number, tid: number, withLocals: boolean, quiet = false): boolean {
    if (!b.condition) return true;
    this.h.goTo(at);
    const th = withLocals ? this.m.threads.find((x) => x.id === tid) : undefined;
    return this.conditionHolds(b.condition, tid, th?.frames[th.frames.length - 1]?.locals, undefined, quiet);
  }

  /**
   * Brings the hit counts of the breakpoints with a hit condition to those of the history up to
   * here: every pass (its condition holding) from the oldest step held up to this position, in
   * whatever way this position was reached — run over, stepped onto, gone back to, jumped over by
   * *Go to step*, before the breakpoint was set. Reverse Continue counts the same way, so it stops
   * where a run forward would. Only what lies beyond what was counted is looked at again.
   */
  private syncHits(): void {
    const h = this.h;
    const pos = this.position;
    const todo: (LineBp | FunctionBp | DataBp)[] = [];
    let from = pos + 1;
    for (const b of this.allBreakpoints()) {
      if (!b.hitCondition || b.broken || ('verified' in b && !b.verified)) continue;
      const at = (b.hitAt ??= []);
      // What was counted beyond here (or beyond what was looked at whole) is counted again; what lies before the oldest step held no longer counts.
      let upTo = Math.min(b.countedTo ?? -1, pos);
      while (at.length && at[at.length - 1]! > upTo) at.pop();
      let n = 0;
      while (n < at.length && at[n]! < h.start) n++;
      if (n) at.splice(0, n);
      if (upTo < h.start - 1) upTo = h.start - 1;
      b.countedTo = upTo;
      b.hits = at.length;
      if (upTo < pos) {
        todo.push(b);
        from = Math.min(from, upTo + 1);
      }
    }
    if (!todo.length) return;
    const ix = this.indexBps(todo, true);
    const count = (b: LineBp | FunctionBp | DataBp, x: number, tid: number, before: boolean) => {
      if (b.countedTo! < x && this.holdsAt(b, x, tid, before, true)) {
        b.hitAt!.push(x);
        b.hits++;
      }
    };
    for (let x = from; x <= pos; x++) {
      // Passes after step x - 1 (message and data breakpoints), then before step x (line and function).
      if (x - 1 >= h.start && (ix.data.length || ix.msgs.size)) {
        const tid = h.threadAt(x - 1) || SCENARIO_THREAD;
        for (const b of this.dataBpsOf(ix, x - 1)) count(b, x, tid, false);
        for (const b of this.msgBpsOf(ix, x - 1).bps) count(b, x, tid, false);
      }
      if (!ix.lines.size && !ix.fns.size) continue;
      if (x < h.length) {
        const tid = h.threadAt(x) || SCENARIO_THREAD;
        for (const b of this.lineBpsBefore(ix, x)) count(b, x, tid, true);
        for (const b of this.fnBpsBefore(ix, x)) count(b, x, tid, true);
      } else {
        // The next step has not run yet: where it stands, as a forward run sees it.
        h.goTo(x);
        const u = this.upcoming();
        if (!u) continue;
        for (const b of this.lineHit(u)) if (todo.includes(b)) count(b, x, u.threadId, true);
        if (u.fn) for (const b of ix.fns.get(u.fn) ?? NO_FNS) count(b, x, u.threadId, true);
      }
    }
    for (const b of todo) b.countedTo = pos;
    if (this.position !== pos) h.goTo(pos);
  }

  /** Whether b stops at position x, as it would going forward: its condition holds there, and its hits up to there meet its hit condition. */
  private stopsAt(b: LineBp | FunctionBp | DataBp, x: number, tid: number, before: boolean): boolean {
    if (!b.hitCondition) return this.holdsAt(b, x, tid, before);
    // syncHits counted its passes up to the present: x is one of them, and its hit count is their number up to x.
    const at = b.hitAt ?? [];
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && at[lo - 1] === x && hitConditionMet(b.hitCondition, lo);
  }

  /**
   * Runs backwards to the latest earlier position where a run forward would have stopped for a
   * breakpoint or an exception (or to the start): at each position, as runSteps looks, first what
   * the step before it did (data breakpoints, then message breakpoints, then exceptions), then
   * what stands before the next (line breakpoints, then function breakpoints). A breakpoint stops
   * where its condition holds and its hit count — the passes, condition holding, from the oldest
   * step held up to there — meets its hit condition; a log point or a malformed breakpoint never stops.
   */
  reverseContinue(): StopInfo {
    const h = this.h;
    this.syncHits();
    const pos = this.position;
    const ix = this.indexBps(this.allBreakpoints(), false);
    const stop = (x: number, s: StopInfo): StopInfo => {
      h.goTo(x);
      return { ...s, description: 'Reverse continue' };
    };
    for (let x = pos - 1; x >= h.start; x--) {
      if (x - 1 >= h.start) {
        const q = x - 1;
        const tid = h.threadAt(q) || SCENARIO_THREAD;
        if (ix.data.length) {
          const hit = this.dataBpsOf(ix, q).filter((b) => this.stopsAt(b, x, tid, false));
          if (hit.length) {
            // Told as going forward: the first breakpoint's target, its value before the step and after.
            const bp = hit[0]!;
            const touch = this.firstTouch(bp, h.traceFromAt(q), h.traceToAt(q));
            h.goTo(q);
            const old = this.hooks.dataValue(bp);
            h.goTo(x);
            const text = this.hooks.describeDataHit(bp, old, this.hooks.dataValue(bp), touch?.access === 'write', touch?.event ?? -1);
            return { reason: 'data breakpoint', threadId: tid, hitBreakpointIds: hit.map((b) => b.id), description: text, text };
          }
        }
        // A message or exception stop reads as the same stop does going forward (eventHits): its
        // text names the message and which way it went, or the exception (DAP StoppedEvent: "if
        // reason is exception, text contains the exception name"), not just "Reverse continue".
        if (ix.msgs.size) {
          const { bps, events } = this.msgBpsOf(ix, q);
          const ids = bps.filter((b) => this.stopsAt(b, x, tid, false)).map((b) => b.id);
          if (ids.length) {
            // Named after the first message that stops, as going forward.
            const n = bps.findIndex((b) => ids.includes(b.id));
            h.goTo(x);
            return messageStop(tid, ids, bps[n]!.name, this.m.trace.kindAt(events[n]!));
          }
        }
        if (this.exceptionFilters.size)
          for (let i = h.traceFromAt(q); i < h.traceToAt(q); i++) {
            const ev = this.exceptionOf(i);
            if (ev && this.exceptionFilters.has(ev.filter)) {
              h.goTo(x);
              return exceptionStop(tid, ev, i);
            }
          }
      }
      if (!ix.lines.size && !ix.fns.size) continue;
      const tid = h.threadAt(x) || SCENARIO_THREAD;
      const lines = this.lineBpsBefore(ix, x);
      const ids = lines.filter((b) => this.stopsAt(b, x, tid, true)).map((b) => b.id);
      if (ids.length) return stop(x, { reason: 'breakpoint', threadId: tid, hitBreakpointIds: ids });
      const fns = this.fnBpsBefore(ix, x);
      const fids = fns.filter((b) => this.stopsAt(b, x, tid, true)).map((b) => b.id);
      if (fids.length) {
        h.goTo(x);
        return functionStop(tid, fids, fns[0]!.name);
      }
    }
    return this.atStart(h.start > 0 ? 'Reverse continue found no breakpoint in the history still held' : undefined);
  }

  /**
   * Runs to the entry of the guest bridge driver's attach routine (vmbus_pcib_attach,
   * hv_pci_probe): the first stop of a session. Falls back to the start when no bus attaches.
   */
  runToAttachEntry(budget = 100_000): StopInfo {
    const attach = this.m.model.attachFn;
    for (let n = 0; n < budget; n++) {
      const u = this.upcoming();
      if (!u) break;
      const top = u.thread?.frames[u.thread.frames.length - 1];
      if (top && top.fn === attach && top.pc === 0) return { reason: 'entry', threadId: u.threadId, description: `Entry of ${attach}` };
      if (this.h.step().kind === 'idle') break;
    }
    this.h.goTo(this.h.start);
    return { reason: 'entry', threadId: this.upcoming()?.threadId ?? SCENARIO_THREAD, description: 'Before the first step of the scenario' };
  }

  /**
   * Moves to the step that recorded trace event `ev` (stopped just after it). Undefined when the
   * event has not happened; the reason when it happened before the oldest history still held.
   */
  gotoEvent(ev: number): StopInfo | string | undefined {
    if (ev < this.h.firstEvent) return `Trace event ${ev} happened before the oldest history still held: ${this.historyStartText()}`;
    const p = this.h.stepOfEvent(ev);
    if (p < 0) return undefined;
    this.h.goTo(p + 1);
    return { reason: 'goto', threadId: this.h.threadAt(p) || SCENARIO_THREAD, description: `Event ${ev}` };
  }
}
