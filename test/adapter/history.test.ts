// Time travel's memory (adapter/history.ts): going back and forward again gives the same trace,
// byte for byte, and the same machine state, whatever the budget — with checkpoints thinned,
// and with the oldest history cut (then the earlier positions are refused and the cut is told).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { History, budgetNeedsHeapLimit, historyBudget, FOCUS_BACK, FOCUS_REPLAY, MIN_INTERVAL, type HistoryCut } from '../../adapter/history';
import { rng } from '../../fuzz/rng';
import { treeBytes } from '../../emulator/runtime/snapshot-tree';
import type { Machine } from '../../emulator/machine/machine';
import { hotPlugText, raisesText } from '../hot-plug-scenario';
import { keptEvents } from '../../adapter/trace-keep';
import { checkExpectations, ExpectPast } from '../../emulator/machine/expect';
import { accessAddress } from '../../adapter/inspect-data';
import { Ev } from '../../emulator/vpci/events';

const dir = mkdtempSync(join(tmpdir(), 'vpci-history-'));

function scenario(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** A run of about 30k steps: interrupts raised every 3 µs on a bus with MSI-X. */
const LONG = scenario('long.vpci', raisesText(10_000));

/** Buses offered, driven and rescinded one after the other (a long hot-plug reproduction). */
function hotPlug(cycles: number): string {
  return scenario(`hot-plug-${cycles}.vpci`, hotPlugText(cycles));
}

function load(file: string): Machine {
  const l = loadScenarioFile(file);
  assert.ok(l.machine, l.errors.map((e) => e.message).join('; '));
  return l.machine;
}

/** Everything the trace holds up to its length: columns and blobs. */
function traceOf(m: Machine): unknown {
  const t = m.trace;
  const n = t.length;
  const blobs: unknown[] = [];
  for (let i = 0; i < n; i++) blobs.push(t.get(i).blob);
  const col = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
  return {
    time: col((i) => t.timeAt(i)),
    kind: col((i) => t.kindAt(i)),
    bus: col((i) => t.busAt(i)),
    a: col((i) => t.aAt(i)),
    b: col((i) => t.bAt(i)),
    c: col((i) => t.cAt(i)),
    blobs,
  };
}

/** Runs to the end; returns the number of steps, the trace and the state there. */
function runToEnd(h: History, m: Machine): { steps: number; trace: unknown; state: unknown } {
  while (h.step().kind !== 'idle');
  return { steps: m.steps, trace: traceOf(m), state: structuredClone(m.state) };
}

/** Goes to seeded random positions (back and forward) and checks each against a fresh run; ends at the end. */
function checkExact(file: string, h: History, m: Machine, end: { steps: number; trace: unknown; state: unknown }, seed: number, rounds = 6): void {
  const r = rng(seed);
  const ref = load(file);
  const refTraceAt = new Map<number, number>();
  for (let p = 0; p < end.steps; p++) {
    refTraceAt.set(p, ref.trace.length);
    ref.step();
  }
  for (let i = 0; i < rounds; i++) {
    const target = h.start + r.int(end.steps - h.start);
    h.goTo(target);
    assert.equal(m.steps, target);
    assert.equal(m.trace.length, refTraceAt.get(target), `trace length at step ${target}`);
  }
  h.goTo(end.steps);
  assert.deepEqual(traceOf(m), end.trace, 'the trace after going back and forward is the same, byte for byte');
  assert.deepEqual(structuredClone(m.state), end.state, 'and so is the machine state');
}

for (const [name, seed] of [
  ['examples/quickstart.vpci', 1],
  ['examples/linux-2022.vpci', 2],
  ['examples/hot-plug.vpci', 3],
  ['examples/relations-update.vpci', 4],
  ['examples/bring-your-own-device.vpci', 5],
] as const) {
  test(`${name}: going back and forward again gives the same trace and state, byte for byte`, () => {
    const m = load(name);
    const h = new History(m);
    const end = runToEnd(h, m);
    checkExact(name, h, m, end, seed);
  });
}

test('over a small budget checkpoints are thinned, not lost: every position is still reachable, exactly', () => {
  const m0 = load(LONG);
  const h0 = new History(m0);
  runToEnd(h0, m0);
  const full = h0.memory;
  assert.ok(full.count > 8, `${full.count} checkpoints unbounded`);
  const budget = full.log + full.checkpoints * 0.6;
  const m = load(LONG);
  const cuts: HistoryCut[] = [];
  const h = new History(m, { maxMemory: budget, onCut: (c) => cuts.push(c) });
  const end = runToEnd(h, m);
  assert.ok(h.memory.total <= budget, `${h.memory.total} ≤ ${budget}`);
  assert.ok(h.memory.count < full.count, `thinned: ${h.memory.count} of ${full.count} kept`);
  assert.deepEqual(cuts, []);
  assert.equal(h.start, 0);
  checkExact(LONG, h, m, end, 7);
  h.goTo(0);
  assert.equal(m.steps, 0, 'the very start is still there');
});

test('beyond what thinning saves the oldest history is cut: the user is told, earlier positions are refused, later ones stay exact', () => {
  const m0 = load(LONG);
  const h0 = new History(m0);
  runToEnd(h0, m0);
  const budget = (h0.memory.log * 3) / 4;
  const m = load(LONG);
  const cuts: HistoryCut[] = [];
  const h = new History(m, { maxMemory: budget, onCut: (c) => cuts.push(c) });
  const end = runToEnd(h, m);
  assert.ok(cuts.length > 0, 'told of the cut');
  const last = cuts[cuts.length - 1]!;
  assert.equal(last.start, h.start);
  assert.ok(h.start > 0 && h.start < end.steps);
  assert.equal(last.maxMemory, budget);
  assert.ok(last.time > 0 && last.firstEvent > 0);
  assert.ok(h.memory.total <= budget, `${h.memory.total} ≤ ${budget}`);
  assert.equal(h.reachable(h.start - 1), false);
  assert.equal(h.reachable(h.start), true);
  assert.equal(h.stepOfEvent(last.firstEvent - 1), -1, 'an event before the start has no step');
  assert.ok(h.stepOfEvent(last.firstEvent) >= h.start);
  h.goTo(0);
  assert.equal(m.steps, h.start, 'going to the very start lands where history starts now');
  checkExact(LONG, h, m, end, 8);
});

test('a cut drops the trace events history can no longer reach: those held are the full run’s, byte for byte, and the trace stays bounded', () => {
  const ref = load(LONG);
  const h0 = new History(ref);
  runToEnd(h0, ref);
  const budget = (h0.memory.log * 3) / 4;
  const m = load(LONG);
  const cuts: HistoryCut[] = [];
  const h = new History(m, { maxMemory: budget, onCut: (c) => cuts.push(c) });
  runToEnd(h, m);
  const t = m.trace;
  assert.ok(cuts.length > 0);
  assert.equal(t.length, ref.trace.length, 'indices are those of the full run');
  assert.ok(t.base > 0 && t.base <= h.firstEvent, `dropped before ${t.base}, history reaches event ${h.firstEvent}`);
  assert.ok(t.held < t.length / 2, `${t.held} of ${t.length} events held`);
  for (let i = t.base; i < t.length; i++) assert.deepEqual(t.get(i), ref.trace.get(i));
  for (const i of t.retained) assert.deepEqual(t.get(i), ref.trace.get(i));
  assert.equal(t.holds(t.base - 1) && !t.retained.includes(t.base - 1), false);
  // Going back within history replays onto the held events exactly (checkExact compares the trace).
  const end = { steps: m.steps, trace: traceOf(m), state: structuredClone(m.state) };
  checkExact(LONG, h, m, end, 10);
});

test('a config access after a cut still lands at its guest-physical address: the bus’s config-window move before the cut is kept', () => {
  // nic0 maps its config window at boot; 6,000 interrupts later (some 30,000 steps) it is ejected,
  // and its driver's last config accesses go through that window.
  const file = scenario('eject-late.vpci', `${raisesText(6000)}at 40ms eject nic0\n`);
  const ref = load(file);
  const h0 = new History(ref);
  runToEnd(h0, ref);
  const m = load(file);
  const h = new History(m, { maxMemory: (h0.memory.log * 3) / 4, keepEvents: (before, kept) => keptEvents(m.trace, before, kept) });
  runToEnd(h, m);
  const t = m.trace;
  const cfg = [...t.events(t.base)].filter((e) => e.kind === Ev.CfgRead || e.kind === Ev.CfgWrite);
  assert.ok(h.start > 0 && cfg.length > 0, `${cfg.length} config accesses held after a cut at step ${h.start}`);
  for (const e of cfg) {
    const at = accessAddress(m, e.index);
    assert.ok(at, `config access ${e.index} has an address`);
    assert.deepEqual(at, accessAddress(ref, e.index));
  }
  assert.ok(
    t.retained.some((i) => (t.blobAt(i) as { what?: string } | undefined)?.what === 'config window'),
    'the window move before the cut is kept',
  );
});

test('after a cut the expectations are judged as on the whole run (counts, first and last events, causes), from what was kept of the events dropped', () => {
  // 40 hot-plug cycles, a two-function bus whose function 1 is ejected early (two protocol errors
  // then), faults, and expectations of every kind, most decided by events long dropped.
  const boot = 'bus dual {\n  function 0 intel-82599-vf serial 7\n  function 1 mellanox-cx3-vf serial 8\n}\nat 0 boot\nat 3ms eject dual/1';
  const text = `${hotPlugText(40).replace('at 0 boot', boot)}at 6ms fault hp0 query-resource-requirements truncate 8
at 11ms fault hp1 create-interrupt3 status STATUS_BAD_DATA times 1
expect no errors
expect nic0 attached
expect nic0 attached before 10us
expect nic0 version 1.4
expect nic0 version 1.1
expect nic0 msix 3
expect hp0 vector 0 delivered
expect hp2 vector 0 delivered cpu 1
expect hp39 vector 0 delivered
expect hp2 rescinded
expect hp2 ejected before 65s
expect message PCI_QUERY_PROTOCOL_VERSION count 41
expect message PCI_QUERY_PROTOCOL_VERSION count 5
expect message PCI_QUERY_PROTOCOL_VERSION on hp2 count 1
expect message PCI_QUERY_PROTOCOL_VERSION before 30ms count 3
expect no message PCI_QUERY_BUS_RELATIONS
expect message PCI_EJECT on hp2
`;
  const file = scenario('judged-after-cut.vpci', text);
  const l0 = loadScenarioFile(file);
  const ref = l0.machine!;
  const h0 = new History(ref);
  runToEnd(h0, ref);
  const whole = checkExpectations(ref, l0.scenario.expectations, text);
  assert.ok(whole.some((r) => r.what === 'no protocol errors' && /^2 errors/.test(r.detail)));
  const l = loadScenarioFile(file);
  const m = l.machine!;
  // As the debug session wires it (adapter/session.ts traceDropping, adapter/runtime.ts).
  const past = new ExpectPast(l.scenario.expectations);
  const h = new History(m, { maxMemory: h0.memory.log / 3, keepEvents: (before, kept) => [...past.fold(m, before), ...keptEvents(m.trace, before, kept)] });
  runToEnd(h, m);
  assert.ok(m.trace.base > m.trace.length / 2, `dropped before ${m.trace.base} of ${m.trace.length}`);
  assert.ok(m.trace.retained.length < 1000, `${m.trace.retained.length} kept`);
  assert.deepEqual(checkExpectations(m, l.scenario.expectations, text, past), whole);
  // Without what was kept for them, they are judged on the events held, and say so.
  for (const r of checkExpectations(m, l.scenario.expectations, text))
    assert.match(r.detail, /; judged on the events since .+ only: older ones were dropped with the oldest step-back history$/);
});

test('a run that offers and rescinds 40 buses holds each gone bus once, not once per checkpoint', () => {
  const file = hotPlug(40);
  const m = load(file);
  const h = new History(m);
  const end = runToEnd(h, m);
  const count = h.memory.count;
  assert.ok(count > 10, `${count} checkpoints`);
  const whole = treeBytes(m.snapshot().root);
  // Each checkpoint past the first adds what changed since the one before: a gone bus held again by
  // each would add some half a snapshot each (40 buses gone one by one); a tenth is ample.
  const added = (h.memory.checkpoints - whole) / (count - 1);
  assert.ok(added < whole / 10, `each of ${count} checkpoints adds ${Math.round(added)} bytes on average, less than a tenth of a whole snapshot (${whole})`);
  checkExact(file, h, m, end, 9, 4);
});

test('Step Back after Step Back deep in a long run replays a few steps each, not the whole way from a distant checkpoint', () => {
  const file = hotPlug(40);
  const m = load(file);
  const h = new History(m);
  const end = runToEnd(h, m);
  // Stepping back from just before the checkpoint that ends the widest gap between two (each is
  // taken at an interval that grows with what a checkpoint costs).
  const at = h.checkpointPositions;
  const wide = at.reduce((w, p, i) => (i && p - at[i - 1]! > at[w]! - at[w - 1]! ? i : w), 1);
  assert.ok(at[wide]! - at[wide - 1]! > FOCUS_REPLAY + 64, `checkpoints stand far apart in a long run (${at[wide]! - at[wide - 1]!} steps)`);
  const top = at[wide]! - 1;
  // Count the steps each move back executes.
  let executed = 0;
  const step = m.step.bind(m);
  m.step = () => (executed++, step());
  h.goTo(top);
  const replays: number[] = [];
  for (let i = 1; i <= 63; i++) {
    executed = 0;
    h.goTo(top - i);
    assert.equal(m.steps, top - i);
    replays.push(executed);
  }
  assert.ok(
    replays.every((n) => n <= FOCUS_BACK),
    `each Step Back replays at most ${FOCUS_BACK} steps: ${replays.join(' ')}`,
  );
  m.step = step;
  checkExact(file, h, m, end, 5, 2);
});

test('a hand-made change survives going back over it and forward again', () => {
  const m = load(LONG);
  const h = new History(m);
  for (let i = 0; i < 20_000; i++) h.step();
  // The driver's softc changes by hand (as setVariable would), then the run goes on.
  (m.state.buses[0]!.sc as unknown as Record<string, unknown>)['hand_made'] = 42;
  h.truncateFuture();
  const edit = m.steps;
  const end = runToEnd(h, m);
  h.goTo(edit - 500);
  assert.equal((m.state.buses[0]!.sc as unknown as Record<string, unknown>)['hand_made'], undefined, 'before the change it was not there');
  h.goTo(edit + 10);
  assert.equal((m.state.buses[0]!.sc as unknown as Record<string, unknown>)['hand_made'], 42, 'replayed onto the change, it is there again');
  h.goTo(end.steps);
  assert.deepEqual(traceOf(m), end.trace);
  assert.deepEqual(structuredClone(m.state), end.state);
});

test('the budget setting: MiB, default 256, and a clear word about a value that cannot be used', () => {
  assert.deepEqual(historyBudget(undefined), { maxMemory: 256 * 2 ** 20 });
  assert.deepEqual(historyBudget(64), { maxMemory: 64 * 2 ** 20 });
  for (const bad of ['256', 0.5, -1, Number.NaN, {}]) {
    const b = historyBudget(bad);
    assert.equal(b.maxMemory, 256 * 2 ** 20);
    assert.match(b.problem ?? '', /"historyMaxMemory" \(vpci\.history\.maxMemory\) must be a number of MiB, at least 1; got .*, using the default 256 MiB/);
  }
});

test("a budget the adapter's heap cannot spare is cut to half of the heap, and the user is told why", () => {
  const MiB = 2 ** 20;
  const heap = 4144 * MiB; // Node 20's heap_size_limit on a 24 GB machine
  assert.deepEqual(historyBudget(1024, heap), { maxMemory: 1024 * MiB });
  assert.deepEqual(historyBudget(2072, heap), { maxMemory: 2072 * MiB }, 'exactly half is allowed');
  for (const [asked, limit, got] of [
    [2073, heap, 2072],
    [1e9, heap, 2072],
    [512, 300 * MiB, 150], // node --max-old-space-size=300
    [64, 1.5 * MiB, 1], // never below the smallest budget
  ] as const) {
    const b = historyBudget(asked, limit);
    assert.equal(b.maxMemory, got * MiB, `${asked} MiB in a heap of ${limit / MiB} MiB`);
    assert.equal(
      b.problem,
      `"historyMaxMemory" (vpci.history.maxMemory) is ${asked} MiB, more than this debug adapter's JavaScript heap can spare (it holds ${Math.floor(limit / MiB)} MiB in all); using ${got} MiB, half of it`,
    );
  }
  // Where the host cannot tell its heap (VS Code for the Web), the setting is taken as it is.
  for (const unknown of [undefined, Number.NaN, 0, -1]) assert.deepEqual(historyBudget(1e6, unknown), { maxMemory: 1e6 * MiB });
  // The heap is asked about only for a budget above the default.
  assert.equal(budgetNeedsHeapLimit(undefined), false);
  assert.equal(budgetNeedsHeapLimit(256), false);
  assert.equal(budgetNeedsHeapLimit(256.5), true);
  assert.equal(budgetNeedsHeapLimit(1e9), true);
  assert.equal(budgetNeedsHeapLimit('4096'), false);
  assert.equal(budgetNeedsHeapLimit(Infinity), false);
});

test('while the user steps, a checkpoint that falls due waits for an idle moment; stepping on without one still gets them', async () => {
  const m = load(LONG);
  const h = new History(m);
  h.deferUntilIdle = true;
  for (let i = 0; i < MIN_INTERVAL + 500; i++) h.step();
  assert.deepEqual(h.checkpointPositions, [0], 'nothing taken on the step path');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(h.checkpointPositions, [0, m.steps], 'taken where the machine stood once it was idle');
  const from = m.steps;
  for (let i = 0; i < 12 * MIN_INTERVAL; i++) h.step();
  assert.ok(
    h.checkpointPositions.some((p) => p > from),
    'a gap of many intervals is not left open',
  );
  h.settle();
});
