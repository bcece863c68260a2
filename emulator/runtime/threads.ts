// Threads of execution and the statement interpreter. A guest thread is a stack
// of frames over a compiled driver program; executing one statement is one
// step. Threads block on named wait keys (condition-variable style: a woken
// thread re-runs the statement that blocked it, which re-checks its
// condition), and may carry a timeout. Host threads have no frames: the
// machine runs one host handler per step.
import { type Action, type CompiledFn, type Instr, type Locals, type Program } from './program';

export interface FrameState {
  fn: string;
  pc: number;
  locals: Locals;
  /** Caller local that receives this frame's return value. */
  into?: string;
}

export type ThreadStatus = 'ready' | 'blocked' | 'done';

export interface ThreadState {
  id: number;
  name: string;
  /** Bus index, or -1 for machine-wide threads. */
  bus: number;
  role: 'attach' | 'taskq' | 'callback' | 'driver' | 'host' | 'timeline' | 'mgmt';
  frames: FrameState[];
  status: ThreadStatus;
  /** Virtual time (ns) at which the thread may run next. */
  readyAt: number;
  waitKeys?: string[];
  waitWhy?: string;
  timeoutAt?: number;
  /** Why the thread last woke: a wait key, or "timeout". */
  wokenBy?: string;
  /** Number of steps this thread has executed. */
  steps: number;
}

/** Nanoseconds of virtual time one statement cost unit takes. */
export const NS_PER_COST = 100;

/** What a guest thread's step did. */
export interface StepOutcome {
  /** The function and line the step executed; undefined when the thread had no frame. */
  fn?: string | undefined;
  line?: number | undefined;
  /** Frame depth after the step. */
  depth?: number | undefined;
  action?: Action['kind'] | 'test' | 'end' | undefined;
}

/** The listing location a thread will execute next, looking through free jumps. */
export function nextLocation<C, V>(prog: Program<C, V>, f: FrameState): { fn: CompiledFn<C, V>; line: number } | undefined {
  const cf = prog.fns.get(f.fn);
  if (!cf) return undefined;
  let pc = f.pc;
  for (let guard = 0; guard < 64; guard++) {
    const ins = cf.code[pc];
    if (!ins) return { fn: cf, line: cf.endLine };
    if (ins.op === 'jump') {
      if (ins.pre) return { fn: cf, line: ins.line };
      pc = ins.target;
      continue;
    }
    return { fn: cf, line: ins.line };
  }
  return { fn: cf, line: cf.line };
}

export class InterpreterError extends Error {}

/**
 * Executes one statement of a guest thread and says what it did in `out` (returned; a new one when
 * none is given: the machine passes the one it refills at every step).
 *
 * The machine runs this at every step of a guest thread, mostly as V8's baseline code in a process
 * that has just started (adapter/boot.ts), where every call costs: the statement's closures are
 * called directly and `out` is written in place.
 */
export function stepThread<C, V>(prog: Program<C, V>, ctx: C, t: ThreadState, now: number, out: StepOutcome = {}): StepOutcome {
  const frames = t.frames;
  const f = frames[frames.length - 1];
  if (!f) {
    t.status = 'done';
    out.fn = undefined;
    out.line = undefined;
    out.depth = 0;
    out.action = 'exit';
    return out;
  }
  const cf = prog.fns.get(f.fn);
  if (!cf) throw new InterpreterError(`no function ${f.fn}`);
  const code = cf.code;
  // The frame's plain locals, as the statements' closures see them (the one place the runtime meets the typed view).
  const locals = f.locals as never;
  // Free jumps first (their side effects belong to the line they show).
  let ins: Instr<C> | undefined = code[f.pc];
  for (let guard = 0; ins && ins.op === 'jump'; guard++) {
    if (guard > 1024) throw new InterpreterError(`${f.fn}: jump loop`);
    if (ins.pre) ins.pre(ctx, locals);
    f.pc = ins.target;
    ins = code[f.pc];
  }
  t.steps++;
  out.fn = cf.name;
  if (!ins || ins.op === 'end') {
    finishFrame(t, undefined);
    t.readyAt = now + NS_PER_COST;
    out.line = ins ? ins.line : cf.endLine;
    out.depth = frames.length;
    out.action = 'end';
    return out;
  }
  if (ins.op === 'test') {
    f.pc = ins.cond(ctx, locals) ? f.pc + 1 : ins.target;
    t.readyAt = now + NS_PER_COST;
    out.line = ins.line;
    out.depth = frames.length;
    out.action = 'test';
    return out;
  }
  // exec
  out.line = ins.line;
  const a = ins.exec ? ins.exec(ctx, locals) : undefined;
  t.readyAt = (t.readyAt > now ? t.readyAt : now) + ins.cost * NS_PER_COST;
  if (!a || a.kind === 'next') {
    f.pc++;
    out.depth = frames.length;
    out.action = 'next';
    return out;
  }
  switch (a.kind) {
    case 'call': {
      f.pc++;
      if (!prog.fns.has(a.fn)) throw new InterpreterError(`${cf.name}: call to unknown function ${a.fn}`);
      const nf: FrameState = { fn: a.fn, pc: 0, locals: { ...a.args } };
      if (a.into !== undefined) nf.into = a.into;
      frames.push(nf);
      break;
    }
    case 'return':
      finishFrame(t, a.value);
      break;
    case 'wait':
      // pc stays: the statement runs again when the thread wakes.
      t.status = 'blocked';
      t.waitKeys = a.keys;
      t.waitWhy = a.why;
      if (a.timeoutAt !== undefined) t.timeoutAt = a.timeoutAt;
      else t.timeoutAt = undefined;
      break;
    case 'goto': {
      const target = cf.labels[a.label];
      if (target === undefined) throw new InterpreterError(`${cf.name}: no label ${a.label}`);
      f.pc = target;
      break;
    }
    case 'exit':
      frames.length = 0;
      t.status = 'done';
      break;
  }
  out.depth = frames.length;
  out.action = a.kind;
  return out;
}

function finishFrame(t: ThreadState, value: unknown): void {
  const done = t.frames.pop()!;
  const caller = t.frames[t.frames.length - 1];
  if (caller && done.into !== undefined) caller.locals[done.into] = value;
  if (!caller) t.status = 'done';
}

/** Wakes a blocked thread if it waits on `key`. Returns true when it woke. */
export function wakeThread(t: ThreadState, key: string, now: number): boolean {
  if (t.status !== 'blocked' || !t.waitKeys || !t.waitKeys.includes(key)) return false;
  t.status = 'ready';
  t.wokenBy = key;
  t.readyAt = Math.max(t.readyAt, now);
  t.waitKeys = undefined;
  t.timeoutAt = undefined;
  return true;
}
