// `npm run fuzz [-- --seconds N] [--iterations N] [--seed S] [--strict] [target...]`
// Runs each fuzz target for N seconds (default 10) or a fixed iteration count,
// prints iterations/s and units/s (packets/s for the host), and exits 1 on the
// first failure with its seed and a command that replays it.
// Targets run in a child process watched for hangs: a batch with no progress for
// max(60 s, 3 × N s) (FUZZ_HANG_MS overrides the 60 s) is killed and reported.
// Targets: host (VSP packet parser), guest (completion parser, whole machines),
// wire (protocol codec), frames (the Content-Length reader DAP and LSP share),
// dap (request surface), scenario (language), lsp (language server). --strict
// also fails the DAP target on handlers that threw or answered twice (reported
// as findings otherwise).
import { spawn } from 'node:child_process';
import { fuzzHost } from './host';
import { fuzzGuest } from './guest';
import { fuzzDap } from './dap';
import { fuzzScenario } from './scenario';
import { fuzzWire } from './wire';
import { fuzzFrames } from './frames';
import type { FuzzRun } from './rng';

export interface Target {
  name: string;
  run: (seed: number, iterations: number) => Promise<FuzzRun>;
}

function errText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

export function targets(o: { strict?: boolean } = {}): Target[] {
  const out: Target[] = [
    { name: 'host', run: async (s, n) => fuzzHost(s, n) },
    { name: 'guest', run: async (s, n) => fuzzGuest(s, n) },
    {
      name: 'wire',
      run: async (seed, n) => {
        const r = fuzzWire(seed, n);
        return {
          iterations: n,
          units: n,
          unitName: 'messages',
          failures: r.failures.map((f) => ({ target: 'wire', seed, iteration: f.iteration, message: f.what, reproducer: f.input })),
        };
      },
    },
    { name: 'frames', run: async (s, n) => fuzzFrames(s, n) },
    { name: 'dap', run: (s, n) => fuzzDap(s, n, o) },
    { name: 'scenario', run: async (s, n) => fuzzScenario(s, n) },
    {
      name: 'lsp',
      run: async (seed, n) => {
        try {
          const { fuzzLsp } = await import('./lsp');
          const r = await fuzzLsp(seed, n);
          return { iterations: n, units: r.requests, unitName: 'requests', failures: [] };
        } catch (e) {
          return {
            iterations: n,
            units: 0,
            unitName: 'requests',
            failures: [{ target: 'lsp', seed, iteration: -1, message: errText(e), reproducer: '(in the message)' }],
          };
        }
      },
    },
  ];
  return out;
}

interface Args {
  child: boolean;
  seconds: number;
  iterations?: number;
  seed: number;
  strict: boolean;
  names: string[];
  help?: boolean;
}

/** A mistake in the command line: reported in one line with the usage, never as a stack. */
class UsageError extends Error {}

const USAGE = 'usage: npm run fuzz [-- --seconds N] [--iterations N] [--seed S] [--strict] [target...]';

function parseArgs(argv: string[]): Args {
  const a: Args = { child: false, seconds: 10, seed: (Date.now() ^ (process.pid << 16)) >>> 0, strict: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const val = (): number => {
      const [, inline] = x.split('=');
      const v = Number(inline ?? argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new UsageError(`${x}: expected a number of 0 or more`);
      return v;
    };
    if (x.startsWith('--seconds')) a.seconds = val();
    else if (x.startsWith('--iterations')) a.iterations = Math.floor(val());
    else if (x.startsWith('--seed')) a.seed = val() >>> 0;
    else if (x === '--strict') a.strict = true;
    else if (x === '--child') a.child = true;
    else if (x === '--help' || x === '-h') a.help = true;
    else if (x.startsWith('-')) throw new UsageError(`unknown option ${x}`);
    else a.names.push(x);
  }
  return a;
}

/** Seed of batch k: batches of a timed run explore different inputs, each replayable alone. */
const batchSeed = (seed: number, k: number): number => (k === 0 ? seed : (Math.imul(seed ^ (k * 0x85ebca6b), 0xc2b2ae35) ^ k) >>> 0);

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  const all = targets({ strict: a.strict });
  const unknown = a.names.filter((n) => !all.some((t) => t.name === n));
  if (unknown.length) {
    console.error(`unknown target(s) ${unknown.join(', ')} (known: ${all.map((t) => t.name).join(', ')})`);
    return 2;
  }
  const chosen = a.names.length ? all.filter((t) => a.names.includes(t.name)) : all;
  console.log(`fuzz seed ${a.seed}, ${a.iterations !== undefined ? `${a.iterations} iterations` : `${a.seconds} s`} per target`);
  for (const t of chosen) {
    const t0 = performance.now();
    const deadline = t0 + a.seconds * 1000;
    let iterations = 0;
    let units = 0;
    let unitName: string;
    const counts: Record<string, number> = {};
    let note: string | undefined;
    let batch = 1;
    for (let k = 0; ; k++) {
      const n = a.iterations !== undefined ? a.iterations : batch;
      const seed = batchSeed(a.seed, k);
      const b0 = performance.now();
      if (a.child) console.log(`${BATCH} ${t.name} ${seed} ${n}`);
      const r = await t.run(seed, n);
      iterations += r.iterations;
      units += r.units;
      unitName = r.unitName;
      for (const [key, v] of Object.entries(r.counts ?? {})) counts[key] = (counts[key] ?? 0) + v;
      note ??= r.note;
      const f = r.failures[0];
      if (f) {
        console.log(`\nFAIL ${t.name}: ${f.message}`);
        console.log(`  seed ${f.seed}, iteration ${f.iteration}`);
        console.log(
          `  replay: npm run fuzz -- --seed ${f.seed} --iterations ${f.iteration >= 0 ? f.iteration + 1 : n}${a.strict ? ' --strict' : ''} ${t.name}`,
        );
        console.log(`  reproducer:\n${f.reproducer.replace(/^/gm, '    ')}`);
        return 1;
      }
      if (a.iterations !== undefined) break;
      const now = performance.now();
      if (now >= deadline) break;
      // Grow the batch toward the time left (at most doubling), so a timed run ends close to N seconds.
      const per = (now - b0) / n;
      batch = Math.max(1, Math.min(batch * 2, Math.floor((deadline - now) / Math.max(per, 1e-3))));
    }
    const secs = (performance.now() - t0) / 1000;
    const extra = Object.keys(counts).length
      ? `  [${Object.entries(counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}]`
      : '';
    console.log(
      `${t.name.padEnd(9)} ${iterations} iterations in ${secs.toFixed(1)} s: ${(iterations / secs).toFixed(1)} iterations/s, ${(units / secs).toFixed(0)} ${unitName}/s${extra}`,
    );
    if (note) console.log(`          finding: ${note}`);
  }
  console.log('fuzz: no failures');
  return 0;
}

// ---- hang watchdog -----------------------------------------------------------------------------
// A synchronous hang blocks the process it happens in, so the targets run in a
// child (`--child`) that announces each batch; the parent relays its output and
// kills it when one batch runs far past its time, reporting that batch's seed.

const BATCH = '@fuzz-batch';

function watch(argv: string[], seconds: number): Promise<number> {
  const limitMs = Math.max(Number(process.env.FUZZ_HANG_MS) || 60_000, seconds * 3000);
  return new Promise((res) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, ...argv, '--child'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last: string[] | undefined;
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        const [, target, seed, n] = last ?? [];
        console.log(`\nFAIL ${target ?? '?'}: no progress for ${limitMs / 1000} s (a hang) in a batch of ${n} iteration(s)`);
        console.log(`  replay: npm run fuzz -- --seed ${seed} --iterations ${n} ${target ?? ''}`);
        child.kill('SIGKILL');
      }, limitMs);
    };
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith(BATCH)) {
          last = line.split(' ');
          arm();
        } else console.log(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (buf) console.log(buf);
      res(hung ? 1 : (code ?? 1));
    });
  });
}

const argv = process.argv.slice(2);
/** The run this command line asks for: the targets themselves (in the watched child), or the watcher of their child. */
function start(): Promise<number> {
  if (argv.includes('--child')) return main();
  const a = parseArgs(argv);
  if (a.help) {
    console.log(
      `${USAGE}\ntargets: ${targets()
        .map((t) => t.name)
        .join(', ')} (all when none is named)`,
    );
    return Promise.resolve(0);
  }
  return watch(argv, a.seconds);
}
Promise.resolve()
  .then(start)
  .then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof UsageError ? `fuzz: ${e.message}\n${USAGE}` : errText(e));
      process.exit(2);
    },
  );
