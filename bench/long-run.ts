// Long-run figures (docs/architecture.md, Budgets; issue 14): a debugger is used for hours on long reproductions.
//  - Continue over a 200-hot-plug scenario (200 buses offered, driven, interrupted and rescinded
//    one after the other: about 880k steps) in the debug adapter over stdio, from spawn to the
//    end of the run, next to `vpci-lab run` of the same file; budgets: ≤ 3 × the CLI's time,
//    peak resident memory ≤ 512 MiB;
//  - what step-back history holds after 1k, 10k, 100k and 1M steps of such a run, with the
//    default budget and with a small one (16 MiB): past its budget it must not grow (thinned,
//    then cut), and the trace's own share is shown next to it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sampleFigure, type SampleResult } from './harness';
import { StdioClient, ADAPTER, CLI_DAP, ROOT } from './dap-client';
import { loadScenarioFile } from '../adapter/load';
import { History, DEFAULT_MAX_MEMORY } from '../adapter/history';
import type { Trace } from '../emulator/runtime/trace';
import { hotPlugText } from '../test/hot-plug-scenario';

const dir = mkdtempSync(join(tmpdir(), 'vpci-bench-long-'));

/** `cycles` buses offered after boot, each driven with MSI-X, interrupted once and rescinded. */
export function hotPlugScenario(cycles: number): string {
  const header = [
    `# ${cycles} hot-plug cycles: a bus is offered, its driver loads with MSI-X, the device raises`,
    '# an interrupt, and the host rescinds the channel; then the next one.',
  ];
  const f = join(dir, `hot-plug-${cycles}.vpci`);
  writeFileSync(f, `${header.join('\n')}\n${hotPlugText(cycles)}expect no errors\n`);
  return f;
}

const HOT_PLUG_200 = hotPlugScenario(200);
const MiB = 2 ** 20;

// ---- Continue over 200 hot-plug cycles ------------------------------------------------------------

/** Spawn → launch without stopping on entry → the stop at the end of the run; and the adapter's peak RSS. */
async function continueInAdapter(args: string[]): Promise<{ ms: number; peak: number; reason: string }> {
  const t0 = performance.now();
  const c = new StdioClient(args);
  try {
    const s = await c.launch(HOT_PLUG_200, { stopOnEntry: false });
    return { ms: performance.now() - t0, peak: c.memory().peak, reason: String(s.body?.reason) };
  } finally {
    await c.close();
  }
}

/** Spawn → exit of `vpci-lab run` on the same file. */
function runInCli(): Promise<{ ms: number; peak: number }> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'run', HOT_PLUG_200], { stdio: ['ignore', 'ignore', 'ignore'] });
    let peak = 0;
    const poll = setInterval(() => {
      try {
        peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024);
      } catch {
        /* exited */
      }
    }, 20);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`vpci-lab run exited ${code}`));
      else resolveRun({ ms: performance.now() - t0, peak });
    });
  });
}

if (existsSync(join(ROOT, 'dist', 'cli.js'))) {
  const adapters: [string, string[]][] = [['dist/adapter.js', ADAPTER]];
  if (CLI_DAP) adapters.push(['vpci-lab dap', CLI_DAP]);
  for (const [name, args] of adapters) {
    sampleFigure({
      name: `Continue over 200 hot-plug cycles (~880k steps, 201 buses), ${name} over stdio, spawn to the end of the run (best of 5)`,
      floorName: '`vpci-lab run` of the same file, spawn to exit',
      measure: async () => {
        let ours = { ms: Infinity, peak: Infinity, reason: '' };
        let cli = { ms: Infinity, peak: Infinity };
        for (let r = 0; r < 5; r++) {
          const c = await runInCli();
          if (c.ms < cli.ms) cli = c;
          const o = await continueInAdapter(args);
          if (o.ms < ours.ms) ours = o;
        }
        const time: SampleResult = {
          label: 'time',
          value: ours.ms / 1000,
          floor: cli.ms / 1000,
          unit: 's',
          note: `stopped: ${ours.reason}`,
          budget: { text: '≤ 3 × the CLI’s time', ok: ours.ms <= 3 * cli.ms },
        };
        const mem: SampleResult = {
          label: 'peak RSS',
          value: ours.peak / MiB,
          floor: cli.peak / MiB,
          unit: 'MiB',
          budget: { text: '≤ 512 MiB', ok: ours.peak <= 512 * MiB },
        };
        return [time, mem];
      },
    });
  }
}

// ---- history memory over a long run -----------------------------------------------------------------

/** Heap bytes the trace holds: its columns and (roughly) its blobs. */
function traceBytes(t: Trace): number {
  return t.bytes;
}

const MARKS = [1_000, 10_000, 100_000, 1_000_000];

function historyGrowth(budget: number): SampleResult[] {
  // Enough cycles for a million steps.
  const file = hotPlugScenario(240);
  const l = loadScenarioFile(file);
  if (!l.machine) throw new Error(l.errors.map((e) => e.message).join('; '));
  const m = l.machine;
  let cuts = 0;
  const h = new History(m, { maxMemory: budget, onCut: () => cuts++ });
  const out: SampleResult[] = [];
  const at: number[] = [];
  let mark = 0;
  while (mark < MARKS.length) {
    if (h.step().kind === 'idle') break;
    if (m.steps >= MARKS[mark]!) {
      const mem = h.memory;
      at.push(mem.total);
      out.push({
        label: `${MARKS[mark]! / 1000}k steps`,
        value: mem.total / MiB,
        floor: budget / MiB,
        unit: 'MiB',
        note: `${mem.count} checkpoints ${(mem.checkpoints / MiB).toFixed(1)} MiB + step log ${(mem.log / MiB).toFixed(1)} MiB; history from step ${h.start}${cuts ? ` (${cuts} cuts)` : ''}; the trace holds ${(traceBytes(m.trace) / MiB).toFixed(1)} MiB more`,
      });
      mark++;
    }
  }
  const last = at[at.length - 1] ?? 0;
  const grew = at.length >= 2 ? last / at[at.length - 2]! : NaN;
  out.push({
    label: `growth ${MARKS[at.length - 2]! / 1000}k → ${MARKS[at.length - 1]! / 1000}k steps`,
    value: grew,
    floor: MARKS[at.length - 1]! / MARKS[at.length - 2]!,
    unit: '×',
    budget: {
      text: `within the budget (${budget / MiB} MiB), and sub-linear: less than the run's own growth`,
      ok: last <= budget && grew < MARKS[at.length - 1]! / MARKS[at.length - 2]!,
    },
  });
  return out;
}

for (const budget of [DEFAULT_MAX_MEMORY, 16 * MiB]) {
  sampleFigure({
    name: `step-back history over a long run (hot-plug cycles), budget ${budget / MiB} MiB: what it holds at 1k, 10k, 100k, 1M steps`,
    floorName: 'the budget',
    measure: async () => historyGrowth(budget),
  });
}
