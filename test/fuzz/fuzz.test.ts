// Short fixed-seed runs of every fuzz target (the long runs are `npm run fuzz`).
// Each asserts no failure and that the run reached what it aims at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { rng } from '../../fuzz/rng';
import { fuzzHost } from '../../fuzz/host';
import { fuzzGuest, guestScenario, GUESTS } from '../../fuzz/guest';
import { fuzzDap, mutateArgs } from '../../fuzz/dap';
import { loadScenarioFile } from '../../adapter/load';

const show = (r: { failures: { message: string; reproducer: string }[] }) => r.failures.map((f) => `${f.message}\n${f.reproducer}`).join('\n');

test('rng: same seed, same stream; different seeds differ', () => {
  const a = rng(42);
  const b = rng(42);
  const xs = Array.from({ length: 8 }, () => a.int(1000));
  assert.deepEqual(
    Array.from({ length: 8 }, () => b.int(1000)),
    xs,
  );
  assert.notDeepEqual(
    Array.from({ length: 8 }, () => rng(43).int(1000)),
    xs,
  );
});

test('host fuzz (seed 1, 120 sessions over every profile): no throw, invariants hold after each packet', () => {
  const r = fuzzHost(1, 120);
  assert.deepEqual(r.failures, [], show(r));
  assert.ok(r.units > 1000, `only ${r.units} packets`);
  // Most packets must reach a negotiated host (not a channel that already failed).
  assert.ok(r.counts!.inReady! > r.units / 2, `only ${r.counts!.inReady} of ${r.units} packets reached a ready host`);
});

test('guest fuzz scenarios load for every guest model, and faults fire', () => {
  const seen = new Set<string>();
  for (let s = 0; s < 40; s++) {
    const text = guestScenario(rng(s));
    seen.add(/guest (\S+)/.exec(text)![1]!);
    const l = loadScenarioFile(resolve('fuzz/x.vpci'), {}, text);
    assert.deepEqual(
      l.errors.map((e) => e.message),
      [],
      text,
    );
  }
  assert.deepEqual([...seen].sort(), [...GUESTS].sort());
  const r = fuzzGuest(7, 25);
  assert.deepEqual(r.failures, [], show(r));
  assert.ok(r.counts!.faults! > 0, 'no reply fault fired');
});

test('DAP fuzz (seed 3, 6 sessions, strict): every request answered, no handler exception, bad requests and broken frames refused', async () => {
  const r = await fuzzDap(3, 6, { strict: true });
  assert.deepEqual(r.failures, [], show(r));
  assert.ok(r.units > 60, `only ${r.units} requests`);
  assert.ok(r.counts!.errors! > 0, 'no request was refused');
  assert.equal(r.counts!.threw, 0, r.note);
  assert.ok(r.counts!.framesBroken! > 0, 'no broken frame was sent');
});

test('DAP fuzz argument mutation reaches nulls, fractions, negative and huge numbers, huge strings, inside arrays and objects', () => {
  const r = rng(11);
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const m = mutateArgs(r, { source: { path: '/x' }, breakpoints: [{ line: 1 }, { line: 2 }] });
    const s = JSON.stringify(m) ?? 'undefined';
    if (s.includes('null')) seen.add('null');
    if (/1\.5|-0\.5|0\.1/.test(s)) seen.add('fraction');
    if (/-1\b|-4096/.test(s)) seen.add('negative');
    if (/1e\+300|9007199254740994/.test(s)) seen.add('huge number');
    if (s.length > 50_000) seen.add('huge string');
    if (/"breakpoints":\[[^\]]*(null|"x")/.test(s)) seen.add('array item');
  }
  assert.deepEqual([...seen].sort(), ['array item', 'fraction', 'huge number', 'huge string', 'negative', 'null']);
});

test('npm run fuzz: a mistake in its command line is one line and the usage, exit 2; --help lists the targets', async () => {
  const { spawnSync } = await import('node:child_process');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', resolve('fuzz/index.ts'), ...args], { encoding: 'utf8' });
  for (const [args, said] of [
    [['--bogus'], 'fuzz: unknown option --bogus'],
    [['--seed=-1'], 'fuzz: --seed=-1: expected a number of 0 or more'],
  ] as const) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.equal(r.stderr.split('\n')[0], said);
    assert.match(r.stderr, /^usage: npm run fuzz /m);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack');
  }
  const help = run('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^usage: npm run fuzz .*\ntargets: host, guest, wire, frames, dap, scenario, lsp /);
});
