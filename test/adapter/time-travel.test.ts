// Time travel over DAP: Step Back on the scenario timeline thread, and what the user is told
// when history was cut to stay within its memory budget (historyMaxMemory / vpci.history.maxMemory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch as launchWith, LISTINGS, VMBUS_PCIB } from './harness';
import { hotPlugText, raisesText } from '../hot-plug-scenario';

const QUICKSTART = resolve('examples/quickstart.vpci');
const TIMELINE = 1_000_000;
/** What `msg` answers where the last step moved no VMBus packet. */
const NO_MESSAGE =
  'no current message: the last step sent or received no VMBus packet (stop on one with a function breakpoint on its name, e.g. PCI_BUS_RELATIONS, or step until the driver sends one)';
const h = adapterTests();
let dc = h.client();

async function launch(scenario: string, extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  dc = h.client();
  return launchWith(dc, scenario, extra);
}

async function until(req: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await req();
  return s;
}

/** The timeline thread's frame: the timeline event it stands before. */
async function timelineFrame(): Promise<{ line: number; name: string }> {
  const f = (await dc.stackTraceRequest({ threadId: TIMELINE })).body.stackFrames[0]!;
  return { line: f.line, name: f.name };
}

test('Step Back on the scenario timeline goes to before the previous timeline event, not to the start', async () => {
  await launch(QUICKSTART);
  const seen: { line: number; name: string }[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await until(() => dc.nextRequest({ threadId: TIMELINE }));
    assert.equal(s.body.reason, 'step');
    seen.push(await timelineFrame());
  }
  assert.equal(new Set(seen.map((f) => f.line)).size, seen.length, `each step stands before another timeline event: ${JSON.stringify(seen)}`);
  for (let i = seen.length - 2; i >= 0; i--) {
    const s = await until(() => dc.stepBackRequest({ threadId: TIMELINE }));
    assert.equal(s.body.reason, 'step', `back to ${seen[i]!.name}`);
    assert.equal(s.body.threadId, TIMELINE);
    assert.deepEqual(await timelineFrame(), seen[i]);
  }
});

/** A run of some 90k steps (its step log alone is over 1 MiB): buses offered, driven and rescinded one after the other. */
function longScenario(): string {
  const f = join(mkdtempSync(join(tmpdir(), 'vpci-tt-')), 'hot-plug.vpci');
  writeFileSync(f, hotPlugText(20));
  return f;
}

test('history cut to its budget: the user is told how far back they can go, and older targets are refused with that', async () => {
  const outputs: DebugProtocol.OutputEvent[] = [];
  dc = h.client();
  dc.on('output', (e) => outputs.push(e as DebugProtocol.OutputEvent));
  const end = await launchWith(dc, longScenario(), { stopOnEntry: false, historyMaxMemory: 1 });
  assert.equal(end.body.reason, 'end');
  const told = outputs.filter((o) => /history was cut/.test(o.body.output));
  assert.ok(told.length >= 1, 'an output event says history was cut');
  assert.equal(told[0]!.body.category, 'important');
  assert.match(told[0]!.body.output, /oldest step still held is step \d+ \(at [\d. ]+ [mµ]?s, trace event \d+\).*vpci\.history\.maxMemory \(1 MiB\)/);
  const start = Number(/step (\d+)/.exec(told[told.length - 1]!.body.output)![1]);

  // Reverse continue with no breakpoint runs back to where history starts, and says so.
  const back = await until(() => dc.reverseContinueRequest({ threadId: end.body.threadId! }));
  assert.equal(back.body.reason, 'entry');
  assert.equal(back.body.description, 'Paused on entry');
  assert.match(back.body.text!, /Reverse continue found no breakpoint in the history still held: the oldest step still held is step \d+/);

  // Debug at an event older than that: refused, with how far back one can go.
  const e = await dc.customRequest('vpci/gotoEvent', { index: 0 }).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  assert.ok(e, 'going to event 0 is refused');
  assert.match(e.message, /Trace event 0 happened before the oldest history still held: the oldest step still held is step \d+/);

  // Restart Frame of a frame entered before the start of history: refused with the same words.
  const threads = (await dc.threadsRequest()).body.threads;
  let refused = false;
  for (const t of threads) {
    if (t.id === TIMELINE) continue;
    // canRestart is left out where it is true (the default once supportsRestartFrame is on).
    const frames = (await dc.stackTraceRequest({ threadId: t.id })).body.stackFrames.filter((f) => f.canRestart !== false);
    const outer = frames[frames.length - 1];
    if (!outer) continue;
    const r = await dc.customRequest('restartFrame', { frameId: outer.id }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    if (r) {
      assert.match(r.message, /was entered before the oldest history still held/);
      refused = true;
      break;
    }
  }
  assert.ok(refused, 'a driver frame entered before the cut cannot be restarted');
  assert.ok(start > 0);
});

test('after history was cut, a host thread shows the packet it last handled, as it does with the whole history held', async () => {
  const outputs: DebugProtocol.OutputEvent[] = [];
  dc = h.client();
  dc.on('output', (e) => outputs.push(e as DebugProtocol.OutputEvent));
  /** Every host thread's Call Stack and the Variables of its top frame. */
  const hostFrames = async (): Promise<string[]> => {
    const shown: string[] = [];
    for (const t of (await dc.threadsRequest()).body.threads) {
      if (!/host VSP/.test(t.name)) continue;
      const frames = (await dc.stackTraceRequest({ threadId: t.id })).body.stackFrames;
      const scopes = (await dc.scopesRequest({ frameId: frames[0]!.id })).body.scopes;
      const first = scopes[0] ? (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables : [];
      shown.push(`${t.name}: ${frames.map((f) => f.name).join(' < ')}; ${scopes[0]?.name}: ${first.map((v) => `${v.name}=${v.value}`).join(', ')}`);
    }
    return shown;
  };
  const scenario = longScenario();
  assert.equal((await launchWith(dc, scenario, { stopOnEntry: false })).body.reason, 'end');
  const whole = await hostFrames();
  assert.ok(
    whole.some((l) => /vsp: handle PCI_/.test(l)),
    'some host frames show a handled packet',
  );
  assert.ok(!outputs.some((o) => /history was cut/.test(o.body.output)));
  // The same run again, with a budget that cuts its history.
  const again = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.restartRequest({ arguments: { scenario, listingsDir: LISTINGS, stopOnEntry: false, historyMaxMemory: 1 } } as DebugProtocol.RestartArguments);
  assert.equal((await again).body.reason, 'end');
  assert.ok(
    outputs.some((o) => /history was cut/.test(o.body.output)),
    'a 1 MiB budget cuts this run',
  );
  assert.deepEqual(await hostFrames(), whole);
});

test('at the oldest step still held after a cut on a step-log chunk boundary, msg reads what the step before it did, not an internal error', async () => {
  // Interrupts raised every 3 µs: some 53k steps; a 1 MiB budget cuts its history once, at step
  // 49152, a multiple of the step log's 4096-step chunks (adapter/step-log.ts).
  const f = join(mkdtempSync(join(tmpdir(), 'vpci-tt-')), 'raises.vpci');
  writeFileSync(f, raisesText(50_000));
  const outputs: DebugProtocol.OutputEvent[] = [];
  dc = h.client();
  dc.on('output', (e) => outputs.push(e as DebugProtocol.OutputEvent));
  assert.equal((await launchWith(dc, f, { stopOnEntry: false, historyMaxMemory: 1 })).body.reason, 'end');
  const cut = outputs.filter((o) => /history was cut/.test(o.body.output)).pop()?.body.output ?? '';
  assert.equal(Number(/step (\d+)/.exec(cut)?.[1]) % 4096, 0, `the cut is on a chunk boundary: ${cut}`);
  const msg = async (): Promise<string> =>
    dc.evaluateRequest({ expression: 'msg', context: 'watch' }).then(
      (r) => r.body.result,
      (e: unknown) => (e as Error).message,
    );
  assert.equal((await until(() => dc.reverseContinueRequest({ threadId: TIMELINE }))).body.reason, 'entry');
  // Step 49151 moved no VMBus packet (the same answer a run with the whole history held gives there).
  assert.equal(await msg(), NO_MESSAGE);
});

test('going back and forth within the history held cuts none of it, even where one checkpoint is more than the budget', async () => {
  // 110 buses, one after the other: a checkpoint of the machine is some 5 MB, more than the 1 MiB
  // budget, so history keeps only what lies since the latest one — some 20,000 steps here.
  const f = join(mkdtempSync(join(tmpdir(), 'vpci-tt-')), 'hot-plug-110.vpci');
  writeFileSync(f, hotPlugText(110));
  const outputs: DebugProtocol.OutputEvent[] = [];
  dc = h.client();
  dc.on('output', (e) => outputs.push(e as DebugProtocol.OutputEvent));
  assert.equal((await launchWith(dc, f, { stopOnEntry: false, historyMaxMemory: 1 })).body.reason, 'end');
  const cuts = () => outputs.filter((o) => /history was cut/.test(o.body.output)).map((o) => o.body.output);
  const told = cuts().length;
  const start = /oldest step still held is step (\d+)/.exec(cuts()[told - 1]!)![1];
  const held = ((await dc.customRequest('vpci/messages', { from: 0, count: 100_000 })).body as { items: { index: number; step: number }[] }).items.filter(
    (m) => m.step >= 0,
  );
  // How much lies since the latest checkpoint depends on where that checkpoint fell among the run's steps (some
  // 4,000 to 20,000 here as the guest model's step counts change); thousands of steps are a long replay either way.
  const stretch = held[held.length - 1]!.step - held[0]!.step;
  assert.ok(stretch > 2_000, `a long stretch of history is held: ${stretch} steps`);
  // To the newest message held (a long replay from the checkpoint at the start), the oldest, the newest again.
  for (const m of [held[held.length - 1]!, held[0]!, held[held.length - 1]!]) {
    const s = await until(() => dc.customRequest('vpci/gotoEvent', { index: m.index }));
    assert.equal(s.body.reason, 'goto');
  }
  assert.deepEqual(cuts().length, told, 'no more history was cut');
  const back = await until(() => dc.reverseContinueRequest({ threadId: TIMELINE }));
  assert.match(back.body.text!, new RegExp(`the oldest step still held is step ${start} `));
});

test('a history budget larger than the adapter can hold is cut to half of its heap, said once in the Debug Console, and the session works', async () => {
  const outputs: DebugProtocol.OutputEvent[] = [];
  dc = h.client();
  dc.on('output', (e) => outputs.push(e as DebugProtocol.OutputEvent));
  // The adapter runs in this process (harness.ts): its heap is this one's.
  const heapMiB = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  const stop = await launchWith(dc, QUICKSTART, { historyMaxMemory: 1e9 });
  const told = outputs.filter((o) => /historyMaxMemory/.test(o.body.output));
  assert.equal(told.length, 1, 'said once');
  assert.equal(told[0]!.body.category, 'stderr');
  assert.equal(
    told[0]!.body.output,
    `vPCI Lab: "historyMaxMemory" (vpci.history.maxMemory) is 1000000000 MiB, more than this debug adapter's JavaScript heap can spare (it holds ${heapMiB} MiB in all); using ${Math.floor(heapMiB / 2)} MiB, half of it\n`,
  );
  const next = await until(() => dc.nextRequest({ threadId: stop.body.threadId! }));
  const back = await until(() => dc.stepBackRequest({ threadId: next.body.threadId! }));
  assert.equal(back.body.reason, 'step');
  assert.equal(outputs.filter((o) => /historyMaxMemory/.test(o.body.output)).length, 1, 'not said again');
});

test('Step Back after each Next returns to the stop before it exactly: frames, virtual time and the buses, out of a function through its return too', async () => {
  const dc = h.client();
  const first = await launchWith(dc, resolve('examples/hot-plug.vpci'), { stopOnEntry: true });
  const tid = first.body.threadId!;
  /** What a stop shows: the stack, virtual time, and every bus scope's rows. */
  const shown = async (): Promise<string> => {
    const st = await dc.stackTraceRequest({ threadId: tid });
    const now = (await dc.evaluateRequest({ expression: 'now', context: 'watch' })).body.result;
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
    const buses: string[] = [];
    for (const s of scopes.body.scopes.filter((x) => x.name.startsWith('Bus ')))
      buses.push((await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables.map((v) => `${v.name}=${v.value}`).join(', '));
    return JSON.stringify({ frames: st.body.stackFrames.map((f) => `${f.name}:${f.line}`), now, buses });
  };
  const go = async (req: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> => {
    const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await req();
    return s;
  };
  let returns = 0;
  for (let i = 0; i < 36; i++) {
    const before = await shown();
    const s = await go(() => dc.nextRequest({ threadId: tid }));
    if (s.body.threadId !== tid || s.body.reason !== 'step') break;
    const depthBefore = (JSON.parse(before) as { frames: string[] }).frames.length;
    if ((await dc.stackTraceRequest({ threadId: tid })).body.stackFrames.length < depthBefore) returns++;
    await go(() => dc.stepBackRequest({ threadId: tid }));
    assert.equal(await shown(), before, `step ${i}`);
    await go(() => dc.nextRequest({ threadId: tid }));
  }
  assert.ok(returns > 0, 'some Next stepped out of a function through its return');
});

test('reverse continue stops where a breakpoint would going forward: its condition holds there, its hit count meets its hit condition', async () => {
  const dc = h.client();
  const first = await launchWith(dc, QUICKSTART, { stopOnEntry: true });
  const line =
    readFileSync(VMBUS_PCIB, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('hbus = malloc(sizeof(*hbus), M_DEVBUF, M_WAITOK | M_ZERO);')) + 1;
  const go = async (req: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> => {
    const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await req();
    return s;
  };
  const now = async () => (await dc.evaluateRequest({ expression: 'now', context: 'watch' })).body.result;
  // Going forward, the second pass over the line (the second bus's attach) is where '2' stops.
  const set = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line, hitCondition: '2' }] });
  // From the very start (the first stop comes after one bus's attach has passed the line): the count is from there both ways.
  const start = await go(() => dc.reverseContinueRequest({ threadId: first.body.threadId! }));
  assert.equal(start.body.reason, 'entry', 'going back to the start, the first pass is hit 1, which "2" passes over');
  const fwd = await go(() => dc.continueRequest({ threadId: start.body.threadId! }));
  assert.deepEqual(fwd.body.hitBreakpointIds, [set.body.breakpoints[0]!.id]);
  const at = await now();
  assert.equal((await go(() => dc.continueRequest({ threadId: fwd.body.threadId! }))).body.reason, 'end');
  const back = await go(() => dc.reverseContinueRequest({ threadId: 1 }));
  assert.deepEqual([back.body.reason, back.body.hitBreakpointIds, await now()], ['breakpoint', [set.body.breakpoints[0]!.id], at]);
  // A condition that never holds, a hit count never reached: back to the start without a stop on them.
  await dc.setBreakpointsRequest({
    source: { path: VMBUS_PCIB },
    breakpoints: [
      { line, condition: 'rid == 5' },
      { line: line + 1, hitCondition: '>100' },
    ],
  });
  assert.equal((await go(() => dc.continueRequest({ threadId: back.body.threadId! }))).body.reason, 'end');
  const none = await go(() => dc.reverseContinueRequest({ threadId: 1 }));
  assert.equal(none.body.reason, 'entry');
  assert.equal(none.body.hitBreakpointIds, undefined);
});

test('a hit count follows time travel: run forward again from an earlier step and the third hit is the third hit again', async () => {
  const first = await launch(QUICKSTART);
  const go = async (req: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> => {
    const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await req();
    return s;
  };
  const now = async () => (await dc.evaluateRequest({ expression: 'now', context: 'watch' })).body.result;
  const fn = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'vmbus_pcib_read_config', hitCondition: '3' }] });
  const id = fn.body.breakpoints[0]!.id;
  const third = await go(() => dc.continueRequest({ threadId: first.body.threadId! }));
  assert.deepEqual([third.body.reason, third.body.hitBreakpointIds], ['function breakpoint', [id]]);
  const at = await now();
  // Back to the start (hits 1 and 2 do not meet "3") and forward again: the same stop, not the end.
  assert.equal((await go(() => dc.reverseContinueRequest({ threadId: third.body.threadId! }))).body.reason, 'entry');
  const again = await go(() => dc.continueRequest({ threadId: third.body.threadId! }));
  assert.deepEqual([again.body.reason, again.body.hitBreakpointIds, await now()], ['function breakpoint', [id], at]);
  // A few steps back (to before the third hit) and forward: the third hit once more.
  for (let i = 0; i < 3; i++) await go(() => dc.stepBackRequest({ threadId: again.body.threadId! }));
  const once = await go(() => dc.continueRequest({ threadId: again.body.threadId! }));
  assert.deepEqual([once.body.reason, once.body.hitBreakpointIds, await now()], ['function breakpoint', [id], at]);
  // Going on, "3" is passed: the run ends (the hits counted again are not counted twice, nor lost).
  assert.equal((await go(() => dc.continueRequest({ threadId: once.body.threadId! }))).body.reason, 'end');

  // Data breakpoints count the same way: the second write of the Command register, twice over.
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  const start = await go(() => dc.reverseContinueRequest({ threadId: 1 }));
  assert.equal(start.body.reason, 'entry');
  const data = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'cfg:nic0:0:4:2', accessType: 'write', hitCondition: '2' }] });
  const did = data.body.breakpoints[0]!.id;
  const second = await go(() => dc.continueRequest({ threadId: start.body.threadId! }));
  assert.deepEqual([second.body.reason, second.body.hitBreakpointIds], ['data breakpoint', [did]]);
  const dat = await now();
  for (let i = 0; i < 2; i++) await go(() => dc.stepBackRequest({ threadId: second.body.threadId! }));
  const dataAgain = await go(() => dc.continueRequest({ threadId: second.body.threadId! }));
  assert.deepEqual([dataAgain.body.reason, dataAgain.body.hitBreakpointIds, await now()], ['data breakpoint', [did], dat]);
});

test('Step Back over a timeline step that stopped in a thread the boot made stops on a thread that exists there', async () => {
  // At the scenario's start only the timeline thread exists; a step into the boot stops in a
  // driver thread, and stepping that thread back returns to before the boot, where it is not yet.
  const first = await launch(QUICKSTART, { stopOnEntry: true });
  const start = await until(() => dc.reverseContinueRequest({ threadId: first.body.threadId! }));
  assert.equal(start.body.threadId, TIMELINE);
  const into = await until(() => dc.stepInRequest({ threadId: TIMELINE, granularity: 'instruction' }));
  assert.notEqual(into.body.threadId, TIMELINE, 'the step stopped in a driver thread');
  const back = await until(() => dc.stepBackRequest({ threadId: into.body.threadId! }));
  const threads = (await dc.threadsRequest()).body.threads.map((t) => t.id);
  assert.ok(threads.includes(back.body.threadId!), `stopped on thread ${back.body.threadId}, threads are ${threads.join(', ')}`);
  assert.deepEqual(await timelineFrame(), { line: 15, name: 'at 0 ns: boot' });
  await dc.stackTraceRequest({ threadId: back.body.threadId! });
});

test("Step Back with instruction granularity undoes the thread's last bus transaction, which an instruction step forward then makes again", async () => {
  const first = await launch(QUICKSTART);
  await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: 17 }] });
  await until(() => dc.continueRequest({ threadId: first.body.threadId! }));
  await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [] });
  const nic1 = (await dc.threadsRequest()).body.threads.find((t) => /^nic1: vmbus mgmt taskqueue/.test(t.name))!.id;
  const trace = async (): Promise<string[]> => (await dc.customRequest('vpci/trace', { from: 0, count: 100_000 })).body.lines as string[];
  const t0 = await trace();
  const back = await until(() => dc.stepBackRequest({ threadId: nic1, granularity: 'instruction' }));
  assert.equal(back.body.threadId, nic1);
  const t1 = await trace();
  // What was undone starts with nic1's config write (its thread's last transaction; it went back one
  // statement, which left that write done).
  assert.deepEqual(t1, t0.slice(0, t1.length));
  assert.match(t0[t1.length]!, /\bnic1 +cfg write /);
  const again = await until(() => dc.nextRequest({ threadId: nic1, granularity: 'instruction' }));
  assert.equal(again.body.threadId, nic1);
  assert.deepEqual(await trace(), t0.slice(0, t1.length + 1));
});

/** Every scope's rows at the timeline thread's top frame, one level deep: what Variables shows (but what history holds). */
async function scopeRows(): Promise<string[]> {
  const frame = (await dc.stackTraceRequest({ threadId: TIMELINE })).body.stackFrames[0]!;
  const rows: string[] = [`${frame.name} @${frame.line}`];
  for (const sc of (await dc.scopesRequest({ frameId: frame.id })).body.scopes)
    for (const v of (await dc.variablesRequest({ variablesReference: sc.variablesReference })).body.variables) rows.push(`${sc.name} / ${v.name} = ${v.value}`);
  // What history holds beyond the stop (the trace kept for stepping forward again) is no part of the state.
  return rows.filter((r) => !r.startsWith('Scenario / trace events held'));
}

test('Jump to Cursor on a timeline line moves the machine to before that event, back and forward, as a breakpoint there stops', async () => {
  const lines = readFileSync(QUICKSTART, 'utf8').split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.startsWith(text)) + 1;
  const msix = lineOf('at 2ms  driver nic0 msix 3');
  const eject = lineOf('at 5ms  eject nic1');
  // The state a breakpoint on each line stops in, running forward from the start.
  await launch(QUICKSTART);
  await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: msix }, { line: eject }] });
  let s = await until(() => dc.continueRequest({ threadId: TIMELINE }));
  assert.equal(s.body.reason, 'breakpoint');
  const beforeMsix = await scopeRows();
  s = await until(() => dc.continueRequest({ threadId: TIMELINE }));
  assert.equal(s.body.reason, 'breakpoint');
  const beforeEject = await scopeRows();
  // On to the end: the scenario has finished, and every event is in the history held.
  s = await until(() => dc.continueRequest({ threadId: TIMELINE }));
  assert.equal(s.body.reason, 'end');
  const targets = (await dc.gotoTargetsRequest({ source: { path: QUICKSTART }, line: msix })).body.targets;
  assert.deepEqual(
    targets.map((t) => [t.label, t.line]),
    [[`at 2 ms: driver nic0 msix 3, line ${msix}`, msix]],
  );
  s = await until(() => dc.gotoRequest({ threadId: TIMELINE, targetId: targets[0]!.id }));
  assert.equal(s.body.reason, 'goto');
  assert.equal(s.body.threadId, TIMELINE);
  assert.deepEqual(await scopeRows(), beforeMsix);
  // Forward over the logged future: the later event's line is a target too.
  const later = (await dc.gotoTargetsRequest({ source: { path: QUICKSTART }, line: eject })).body.targets;
  assert.equal(later.length, 1);
  s = await until(() => dc.gotoRequest({ threadId: TIMELINE, targetId: later[0]!.id }));
  assert.equal(s.body.reason, 'goto');
  assert.deepEqual(await scopeRows(), beforeEject);
  // A target listed before a value set by hand dropped the logged future is refused, saying why.
  const back = (await dc.gotoTargetsRequest({ source: { path: QUICKSTART }, line: msix })).body.targets;
  await until(() => dc.gotoRequest({ threadId: TIMELINE, targetId: back[0]!.id }));
  const ahead = (await dc.gotoTargetsRequest({ source: { path: QUICKSTART }, line: eject })).body.targets;
  await dc.customRequest('setExpression', { expression: 'nic0.COMMAND', value: '0x7' });
  await assert.rejects(
    dc.gotoRequest({ threadId: TIMELINE, targetId: ahead[0]!.id }),
    /at 5 ms: eject nic1 is no longer in the history: a value set by hand since dropped the steps after it/,
  );
  // A line with no timeline event (a bus declaration, a comment) is no target.
  assert.deepEqual((await dc.gotoTargetsRequest({ source: { path: QUICKSTART }, line: lineOf('bus nic0') })).body.targets, []);
  assert.deepEqual((await dc.gotoTargetsRequest({ source: { path: QUICKSTART }, line: 1 })).body.targets, []);
});

test('Jump to Cursor on a timeline event still to come runs on to it, past breakpoints, to the state a fresh run stops in there', async () => {
  const lines = readFileSync(QUICKSTART, 'utf8').split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.startsWith(text)) + 1;
  const msix = lineOf('at 2ms  driver nic0 msix 3');
  const eject = lineOf('at 5ms  eject nic1');
  await launch(QUICKSTART);
  // A breakpoint on the way is passed over, as a move in time passes them.
  await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: msix }] });
  // It was no target ("No executable code is associated at the current cursor position").
  const targets = (await dc.gotoTargetsRequest({ source: { path: QUICKSTART }, line: eject })).body.targets;
  assert.deepEqual(
    targets.map((t) => [t.label, t.line]),
    [[`at 5 ms: eject nic1, line ${eject}`, eject]],
  );
  const s = await until(() => dc.gotoRequest({ threadId: TIMELINE, targetId: targets[0]!.id }));
  assert.deepEqual([s.body.reason, s.body.threadId], ['goto', TIMELINE]);
  assert.equal((await timelineFrame()).line, eject);
  const jumped = await scopeRows();
  // A fresh run to a breakpoint on that line stops in the same state.
  const again = dc.waitForEvent('stopped');
  await dc.customRequest('restart', {});
  await again;
  await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: eject }] });
  const b = await until(() => dc.continueRequest({ threadId: TIMELINE }));
  assert.equal(b.body.reason, 'breakpoint');
  assert.deepEqual(await scopeRows(), jumped);
});
