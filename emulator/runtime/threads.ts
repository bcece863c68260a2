// Threads of execution and the statement interpreter. A guest thread is a stack
// of frames over a compiled driver program; executing one statement is one
// step. Threads block on named wait keys (condition-variable style: a woken
// thread re-runs the statement that blocked it, which re-checks its
// condition), and may carry a timeout. Host threads have no frames: the
// machine runs one host handler per step.
import { runCond, runExec, type Action, type CompiledFn, type Instr, type Locals, type Program } from './program';

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

export interface StepOutcome {
  /** The line the step executed (for guest threads). */
  fn?: string;
  line?: number;
  /** Frame depth after the step. */
  depth: number;
  action: Action['kind'] | 'test' | 'end';
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
 * Executes one statement of a guest thread. `bindThread` tells the context
 * which thread is running (so statements can read `wokenBy` and spawn work).
 */
export function stepThread<C, V>(prog: Program<C, V>, ctx: C, t: ThreadState, now: number): StepOutcome {
  const f = t.frames[t.frames.length - 1];
  if (!f) {
    t.status = 'done';
    return { fn: undefined, line: undefined, depth: 0, action: 'exit' };
  }
  const cf = prog.fns.get(f.fn);
  if (!cf) throw new InterpreterError(`no function ${f.fn}`);
  // Free jumps first (their side effects belong to the line they show).
  let ins: Instr<C> | undefined = cf.code[f.pc];
  for (let guard = 0; ins && ins.op === 'jump'; guard++) {
    if (guard > 1024) throw new InterpreterError(`${f.fn}: jump loop`);
    if (ins.pre) runExec(ins.pre, ctx, f.locals);
    f.pc = ins.target;
    ins = cf.code[f.pc];
  }
  t.steps++;
  if (!ins || ins.op === 'end') {
    finishFrame(t, undefined);
    t.readyAt = now + NS_PER_COST;
    return { fn: cf.name, line: ins?.line ?? cf.endLine, depth: t.frames.length, action: 'end' };
  }
  if (ins.op === 'test') {
    const ok = runCond(ins.cond, ctx, f.locals);
    f.pc = ok ? f.pc + 1 : ins.target;
    t.readyAt = now + NS_PER_COST;
    return { fn: cf.name, line: ins.line, depth: t.frames.length, action: 'test' };
  }
  // exec
  const line = ins.line;
  const a = ins.exec ? runExec(ins.exec, ctx, f.locals) : undefined;
  t.readyAt = Math.max(t.readyAt, now) + ins.cost * NS_PER_COST;
  if (!a || a.kind === 'next') {
    f.pc++;
    return { fn: cf.name, line, depth: t.frames.length, action: 'next' };
  }
  switch (a.kind) {
    case 'call': {
      f.pc++;
      if (!prog.fns.has(a.fn)) throw new InterpreterError(`${cf.name}: call to unknown function ${a.fn}`);
      const nf: FrameState = { fn: a.fn, pc: 0, locals: { ...a.args } };
      if (a.into !== undefined) nf.into = a.into;
      t.frames.push(nf);
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
      t.frames.length = 0;
      t.status = 'done';
      break;
  }
  return { fn: cf.name, line, depth: t.frames.length, action: a.kind };
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
