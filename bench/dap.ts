// DAP figures (docs/architecture.md, Budgets; issues 6 and 14) on the shipped examples (quickstart,
// bring-your-own-device), through the shipped adapter (node dist/adapter.js, with its V8 code
// cache) and through `vpci-lab dap` (node dist/cli.js dap), each next to a bare stdio echo
// adapter (bench/echo-adapter.mjs) measured in the same run, rounds interleaved, best of each side:
//  - launch → first stop: spawn, initialize, launch (stopOnEntry), configurationDone, until the
//    first `stopped`; budget ≤ 1.2 × echo;
//  - the step round trip, as VS Code makes it: next → stopped → threads, stackTrace, scopes,
//    variables, from the first stop to the end of the scenario and again from a fresh launch;
//    budgets: median ≤ 1.5 × echo (aim 1.3 ×), slowest ≤ 5 × the echo's slowest (no snapshot or
//    GC pauses on the step path);
//  - the adapter's resident memory at the first stop, after VS Code's first views; budget
//    ≤ 1.25 × the echo's.
// This machine is shared: noise is expected. Interleaving and best-of-rounds give both sides
// the same chance of a quiet round.
import { asyncFigure, sampleFigure, median, type SampleResult } from './harness';
import { StdioClient, ADAPTER, CLI_DAP, ECHO, EXAMPLES } from './dap-client';

const ROUNDS = 5;
/** Step round trips per round and side. */
const STEPS = 60;

const adapters: [string, string[]][] = [['dist/adapter.js', ADAPTER]];
if (CLI_DAP) adapters.push(['vpci-lab dap', CLI_DAP]);

// ---- launch → first stop -------------------------------------------------------------------------

async function launches(args: string[], scenario: string, n: number, env?: NodeJS.ProcessEnv): Promise<number> {
  for (let i = 0; i < n; i++) {
    const c = new StdioClient(args, env);
    await c.launch(scenario);
    await c.close();
  }
  return n;
}

for (const [adapterName, args] of adapters) {
  for (const [example, file] of Object.entries(EXAMPLES)) {
    asyncFigure({
      name: `DAP launch → first stop, ${example}, ${adapterName} (spawn, initialize, launch, configurationDone, stopped)`,
      floorName: 'the same exchange with a bare stdio echo adapter',
      unit: 'launches',
      kind: 'latency',
      run: (n) => launches(args, file, n),
      floor: (n) => launches(ECHO, file, n),
      budget: { text: '≤ 1.2 × the echo adapter’s startup', ok: (r) => r.ratio <= 1.2 },
    });
  }
}

// The same without the adapter's V8 code cache (adapter/boot.ts): what the very first launch after
// installing or updating the extension costs, before the cache exists. Shown, not budgeted.
asyncFigure({
  name: 'DAP launch → first stop, quickstart, dist/adapter.js cold (no code cache: the first launch of a new build)',
  floorName: 'the same exchange with a bare stdio echo adapter',
  unit: 'launches',
  kind: 'latency',
  run: (n) => launches(ADAPTER, EXAMPLES.quickstart, n, { ...process.env, VPCI_LAB_NO_CODE_CACHE: '1' }),
  floor: (n) => launches(ECHO, EXAMPLES.quickstart, n),
});

// ---- the first views ------------------------------------------------------------------------------

/** Milliseconds of VS Code's first views (threads, stack, scopes, Variables) right after a fresh launch's first stop. */
async function firstViews(args: string[], scenario: string): Promise<number> {
  const c = new StdioClient(args);
  try {
    const s = await c.launch(scenario);
    const t0 = performance.now();
    await c.views(s.body?.threadId ?? 1);
    return performance.now() - t0;
  } finally {
    await c.close();
  }
}

// What the user waits for after the editor has shown the first stop: the Variables view's first
// fill (names from pci.ids, the device tree). Outside both the launch and the step figures, so
// shown on its own; not budgeted.
for (const [example, file] of Object.entries(EXAMPLES)) {
  sampleFigure({
    name: `DAP first views at the first stop, ${example}, dist/adapter.js (threads, stackTrace, scopes, variables right after a fresh launch's stopped event; median of ${2 * ROUNDS})`,
    floorName: 'the same requests to a bare stdio echo adapter',
    measure: async () => {
      const ours: number[] = [];
      const echo: number[] = [];
      for (let r = 0; r < 2 * ROUNDS; r++) {
        echo.push(await firstViews(ECHO, file));
        ours.push(await firstViews(ADAPTER, file));
      }
      return [{ label: 'views', value: median(ours), floor: median(echo), unit: 'ms' }];
    },
  });
}

// ---- the step round trip -------------------------------------------------------------------------

/**
 * `count` step round trips from fresh launches, a new one every `session` steps (or when the
 * scenario ends); each one's milliseconds. Both sides relaunch at the same pace: a fresh process
 * runs colder code than one that has answered hundreds of requests.
 */
async function stepTimes(args: string[], scenario: string, count: number, session: number, faults?: number[]): Promise<number[]> {
  const out: number[] = [];
  let c: StdioClient | undefined;
  let tid = 0;
  let n = 0;
  try {
    while (out.length < count) {
      if (!c) {
        c = new StdioClient(args);
        tid = (await c.launch(scenario)).body?.threadId ?? 1;
        await c.views(tid); // what VS Code asks at the first stop, before the user steps
        n = 0;
      }
      const f0 = faults && c.faults();
      const t0 = performance.now();
      const s = await c.stepRoundTrip(tid);
      out.push(performance.now() - t0);
      if (faults && f0 !== undefined) {
        const f1 = c.faults();
        if (f1 !== undefined) faults.push(f1 - f0);
      }
      tid = s.body?.threadId ?? tid;
      if (s.body?.reason === 'end' || c.terminated || ++n >= session) {
        await c.close();
        c = undefined;
      }
    }
  } finally {
    await c?.close();
  }
  return out;
}

/** How many `next`s take the scenario from its first stop to its end. */
async function stepsToEnd(args: string[], scenario: string): Promise<number> {
  const c = new StdioClient(args);
  try {
    let tid = (await c.launch(scenario)).body?.threadId ?? 1;
    for (let n = 1; n < 10_000; n++) {
      const s = await c.stepRoundTrip(tid);
      if (s.body?.reason === 'end') return n;
      tid = s.body?.threadId ?? tid;
    }
    return 10_000;
  } finally {
    await c.close();
  }
}

for (const [adapterName, args] of adapters) {
  for (const [example, file] of Object.entries(EXAMPLES)) {
    sampleFigure({
      name: `DAP step round trip, ${example}, ${adapterName} (next → stopped → threads, stackTrace, scopes, variables; ${STEPS} per round, from the first stop to the end of the scenario and again from a fresh launch, ${ROUNDS} rounds)`,
      floorName: 'the same requests to a bare stdio echo adapter, relaunched as often',
      measure: async () => {
        const session = await stepsToEnd(args, file);
        let med = Infinity;
        let max = Infinity;
        let fMed = Infinity;
        let fMax = Infinity;
        // The adapter process's page faults per round trip (Linux): each first touch of a page of
        // memory, costly on a virtual machine (adapter/boot.ts, touchYoungGeneration).
        const faults: number[] = [];
        const fFaults: number[] = [];
        for (let r = 0; r < ROUNDS; r++) {
          const f = await stepTimes(ECHO, file, STEPS, session, fFaults);
          fMed = Math.min(fMed, median(f));
          fMax = Math.min(fMax, Math.max(...f));
          const o = await stepTimes(args, file, STEPS, session, faults);
          med = Math.min(med, median(o));
          max = Math.min(max, Math.max(...o));
        }
        return [
          {
            label: 'median',
            value: med,
            floor: fMed,
            unit: 'ms',
            note: `a session is ${session} steps`,
            budget: { text: '≤ 1.5 × the echo adapter (aim 1.3 ×)', ok: med / fMed <= 1.5 },
          },
          {
            label: 'slowest',
            value: max,
            floor: fMax,
            unit: 'ms',
            budget: { text: '≤ 5 × the echo adapter’s slowest (no pauses on the step path)', ok: max / fMax <= 5 },
          },
          ...(faults.length && fFaults.length
            ? [
                {
                  label: 'page faults',
                  value: median(faults),
                  floor: median(fFaults),
                  unit: 'per round trip',
                  note: 'median over all rounds; shown, not budgeted',
                },
              ]
            : []),
        ];
      },
    });
  }
}

// ---- resident memory at the first stop -----------------------------------------------------------

/** RSS after the first stop and VS Code's first views, settled for a moment. */
async function rssAtFirstStop(args: string[], scenario: string): Promise<number> {
  const c = new StdioClient(args);
  try {
    const s = await c.launch(scenario);
    await c.views(s.body?.threadId ?? 1);
    await new Promise((r) => setTimeout(r, 150));
    return c.memory().rss;
  } finally {
    await c.close();
  }
}

for (const [adapterName, args] of adapters) {
  for (const [example, file] of Object.entries(EXAMPLES)) {
    sampleFigure({
      name: `adapter memory at the first stop, ${example}, ${adapterName} (resident set after the first stop and its views, best of ${ROUNDS})`,
      floorName: 'the bare stdio echo adapter at the same point',
      measure: async () => {
        let ours = Infinity;
        let echo = Infinity;
        for (let r = 0; r < ROUNDS; r++) {
          echo = Math.min(echo, await rssAtFirstStop(ECHO, file));
          ours = Math.min(ours, await rssAtFirstStop(args, file));
        }
        const mib = (b: number) => b / 2 ** 20;
        const res: SampleResult = {
          label: 'RSS',
          value: mib(ours),
          floor: mib(echo),
          unit: 'MiB',
          budget: { text: '≤ 1.25 × the echo adapter’s', ok: ours / echo <= 1.25 },
        };
        return [res];
      },
    });
  }
}
