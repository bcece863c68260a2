// A scenario run headless to its end and judged: what `vpci-lab run` and
// `vpci-lab diff` print, what the Test Explorer's Run profile and Compare Runs
// show in the editor (in the extension host, with no debugger and no adapter
// process), and what a `noDebug` launch reports. The run goes in chunks, so
// a caller in an event loop can yield between them and cancel.
import type { Loaded } from './load';
import { checkExpectations, type ExpectResult } from '../emulator/machine/expect';
import { runSteps, StepLog } from '../emulator/machine/transcript';
import type { Machine } from '../emulator/machine/machine';
import { counted } from '../emulator/format';

export const DEFAULT_MAX_STEPS = 5_000_000;
const CHUNK = 50_000;

export interface HeadlessOptions {
  /** Stop after this many steps (default 5,000,000). */
  maxSteps?: number;
  /** Called between chunks of steps; a caller in an event loop yields here. */
  between?: () => Promise<void> | void;
  /** Checked between chunks: true ends the run where it stands. */
  cancelled?: () => boolean;
}

export interface Verdict {
  machine: Machine;
  /** Which driver step made each config access (for the folded transcript). */
  log: StepLog;
  steps: number;
  /** The run stopped at maxSteps with work left. */
  hitMaxSteps: boolean;
  cancelled: boolean;
  results: ExpectResult[];
}

/** Runs a loaded scenario's machine to its end (or maxSteps) and checks its expectations. */
export async function runToVerdict(loaded: Loaded & { machine: Machine }, o: HeadlessOptions = {}): Promise<Verdict> {
  const m = loaded.machine;
  const log = new StepLog();
  const max = o.maxSteps ?? DEFAULT_MAX_STEPS;
  let steps = 0;
  let idle = false;
  let cancelled = false;
  while (!idle && steps < max) {
    if (o.cancelled?.()) {
      cancelled = true;
      break;
    }
    const r = runSteps(m, Math.min(CHUNK, max - steps), log);
    steps += r.steps;
    idle = r.idle;
    if (!idle && o.between) await o.between();
  }
  return {
    machine: m,
    log,
    steps,
    hitMaxSteps: !idle && !cancelled && steps >= max,
    cancelled,
    results: checkExpectations(m, loaded.scenario.expectations, loaded.text),
  };
}

/** `file:line:col  ok|FAIL  what — detail`, one line per expectation, as the CLI and the Debug Console print them. */
export function verdictLines(file: string, results: ExpectResult[]): string[] {
  return results.map((r) => `  ${r.ok ? 'ok  ' : 'FAIL'}  ${file}:${r.line}:${r.col}  ${r.what} — ${r.detail}`);
}

/** "6 of 7 expectations held" ("1 of 1 expectation held"), or that the scenario states none. */
export function verdictSummary(results: readonly { ok: boolean }[]): string {
  if (!results.length) return 'the scenario states no expectations';
  return `${results.filter((r) => r.ok).length} of ${counted(results.length, 'expectation')} held`;
}
