// A session used for long must not grow with what the client asks at one stop. VS Code asks again
// and again while the user stays at a stop: every `invalidated` (a value set, memory written, the
// number format toggled) makes it read the scopes, each expanded row and each watch anew, and a
// hover evaluates each time it is held. Each answer took new variable references and frame ids,
// and the adapter kept every one until the next stop: 1,000 setVariable at one stop, with the
// views read again as VS Code does, held some 25 MB more (5,000 ≈ 130 MB). A row, a scope, a
// frame, a watch or a Jump to Cursor target asked for again at the same stop now keeps what it
// was given; references are numbered upwards (vars.ts), so the largest one given out says how
// many the adapter holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { adapterTests, cont, launch, LISTINGS } from './harness';
import { hotPlugText, raisesText } from '../hot-plug-scenario';
import { Trace } from '../../emulator/runtime/trace';
import { VarTable, type VarNode } from '../../adapter/vars';
import type { MessagesResponse, TraceResponse, VerdictBody } from '../../adapter/protocol';

const QUICKSTART = resolve('examples/quickstart.vpci');
/** A Linux guest waits for a reply that never comes: the run never settles. */
const NEVER_SETTLES = resolve('test/adapter/fixtures/never-settles.vpci');
const h = adapterTests();

test('at one stop, the Call Stack, scopes, rows, watches and jump targets asked again keep their ids: the adapter holds no more after 200 edits than after one', async () => {
  const dc = h.client();
  const stop = await launch(dc, QUICKSTART, { stopOnEntry: true });
  const threadId = stop.body.threadId!;
  let largest = 0;
  const seen = (ref: number): number => ((largest = Math.max(largest, ref)), ref);
  /** What VS Code reads again after an `invalidated`: the stack, the top frame's scopes, the expanded rows, a watch, a jump target. */
  const views = async () => {
    const frames = (await dc.stackTraceRequest({ threadId })).body.stackFrames;
    const top = frames[0]!;
    const scopes = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
    const device = scopes.find((s) => s.name.startsWith('Device nic0'))!;
    const rows = (await dc.variablesRequest({ variablesReference: seen(device.variablesReference) })).body.variables;
    const header = rows.find((r) => r.name === 'Header')!;
    for (const r of rows) seen(r.variablesReference);
    const fields = (await dc.variablesRequest({ variablesReference: header.variablesReference })).body.variables;
    for (const r of fields) seen(r.variablesReference);
    const watch = (await dc.evaluateRequest({ expression: 'nic0', context: 'watch', frameId: top.id })).body.variablesReference;
    const target = (await dc.gotoTargetsRequest({ source: { path: top.source!.path! }, line: top.line })).body.targets[0]!.id;
    return {
      frames: frames.map((f) => f.id),
      scopes: scopes.map((s) => seen(s.variablesReference)),
      header: header.variablesReference,
      watch: seen(watch),
      target,
    };
  };
  const first = await views();
  const held = largest;
  assert.ok(held > 0 && first.watch > 0);
  for (let i = 0; i < 200; i++) {
    const set = await dc.setVariableRequest({ variablesReference: first.header, name: 'CACHE_LINE_SIZE', value: String(i % 2 ? 8 : 16) });
    assert.equal(set.body.value, i % 2 ? '0x08' : '0x10');
    assert.deepEqual(await views(), first, `after ${i + 1} edits`);
  }
  assert.equal(largest, held);
  // A step is a new stop: what the last one gave out is stale (and answers nothing), new ids follow.
  const stepped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.nextRequest({ threadId });
  await stepped;
  assert.deepEqual((await dc.variablesRequest({ variablesReference: first.header })).body.variables, []);
  const after = await views();
  assert.ok(Math.min(...after.scopes) > held, 'references are not reused across stops');
  assert.ok(Math.min(...after.frames) > Math.max(...first.frames), 'frame ids are not reused across stops');
});

test('rows of one name in a container keep references of their own, asked again or not', () => {
  const t = new VarTable();
  const row = (value: string): VarNode => ({ name: 'x', value, children: () => [{ name: 'is', value }] });
  const root = t.add({ name: 'root', value: '', children: () => [row('first'), row('second')] });
  const refs = () => t.expand(root)!.map((v) => v.variablesReference);
  const [a, b] = refs();
  assert.notEqual(a, b);
  assert.deepEqual(refs(), [a, b]);
  assert.deepEqual(
    [a!, b!].map((r) => t.expand(r)![0]!.value),
    ['first', 'second'],
  );
});

test('a Continue that never reaches a stop pauses by itself after 5,000,000 steps, and says why: the run cannot grow until memory runs out', async () => {
  const dc = h.client();
  const entry = await launch(dc, NEVER_SETTLES, { stopOnEntry: true });
  // Nothing stops it on the way (the injected fault would, by default).
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  const steps = async () => Number((await dc.evaluateRequest({ expression: 'steps', context: 'repl', format: { hex: false } })).body.result);
  const from = await steps();
  const said = dc.waitForEvent('output') as Promise<DebugProtocol.OutputEvent>;
  const stop = (await Promise.all([dc.waitForEvent('stopped'), dc.continueRequest({ threadId: entry.body.threadId! })]))[0] as DebugProtocol.StoppedEvent;
  assert.equal(stop.body.reason, 'pause');
  assert.equal(
    stop.body.text,
    'Paused after 5,000,000 steps without a stop: the scenario has not finished (it may never settle); Continue runs 5,000,000 more',
  );
  assert.equal(await steps(), from + 5_000_000);
  assert.match(
    (await said).body.output,
    /^vPCI Lab: paused after 5,000,000 steps of this run without a stop, at .+ of virtual time \(step \d+, \d+ events\)\. The scenario has not finished and may never settle/,
  );
});

test('Continue after Continue on a scenario that never settles: the trace held stops growing once step-back history is cut (events older than history reaches are dropped)', async () => {
  const dc = h.client();
  const entry = await launch(dc, NEVER_SETTLES, { stopOnEntry: true, historyMaxMemory: 1 });
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  /** The Scenario scope's trace rows: events recorded, and events held. */
  const trace = async (threadId: number): Promise<{ total: number; held: number; text: string }> => {
    const frame = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!;
    const scope = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Scenario')!;
    const rows = (await dc.variablesRequest({ variablesReference: scope.variablesReference, format: { hex: false } })).body.variables;
    const held = rows.find((r) => r.name === 'trace events held')?.value ?? '';
    return { total: Number(rows.find((r) => r.name === 'trace events')?.value), held: Number(/^\d+/.exec(held)?.[0]), text: held };
  };
  const seen: { total: number; held: number; text: string }[] = [];
  let tid = entry.body.threadId!;
  for (let i = 0; i < 6; i++) {
    const stop = await cont(dc, tid);
    assert.equal(stop.body.reason, 'pause');
    tid = stop.body.threadId ?? tid;
    seen.push(await trace(tid));
  }
  // Each Continue records some 330,000 events (5,000,000 steps); the held ones stay within what
  // the first pause held (a 1 MiB history reaches back some 50,000 steps: a few thousand events).
  assert.ok(seen[5]!.total - seen[0]!.total > 1_000_000, JSON.stringify(seen));
  assert.ok(seen[5]!.held <= 2 * seen[0]!.held, `no growth from the first pause on: ${JSON.stringify(seen)}`);
  for (const s of seen) {
    assert.ok(Number.isInteger(s.held) && s.held < 50_000, JSON.stringify(seen));
    assert.match(s.text, /^\d+: events \d+ on, and \d+ older ones? still read; the rest were dropped with the oldest step-back history$/);
  }
  // What is held is still there: Step Back goes back into it, and the transcript's last events read.
  const back = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.stepBackRequest({ threadId: tid });
  assert.equal((await back).body.reason, 'step');
  const last = (await dc.evaluateRequest({ expression: 'trace 5', context: 'repl' })).body.result;
  assert.ok(last.length > 0 && !/no events/.test(last), last);
});

test('after the trace dropped its oldest events, requests that name one say so; the message sequence and the transcript keep their numbers', async () => {
  const dc = h.client();
  // 60 buses offered, driven and rescinded one after the other: some 260,000 steps, packets all along.
  const file = join(mkdtempSync(join(tmpdir(), 'vpci-long-session-')), 'hot-plug.vpci');
  writeFileSync(file, `${hotPlugText(60)}expect no errors\n`);
  const verdict = (): Promise<string> => dc.waitForEvent('vpci/verdict').then((e) => (e.body as VerdictBody).results[0]!.detail);
  // To the end with the whole history, then again with a 1 MiB budget: its history has long been cut, and the trace with it.
  let judged = verdict();
  assert.equal((await launch(dc, file, { stopOnEntry: false })).body.reason, 'end');
  assert.equal(await judged, 'none');
  const whole = (await dc.customRequest('vpci/messages', { from: 0, count: 1_000_000 })).body as MessagesResponse;
  const again = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  judged = verdict();
  await dc.restartRequest({ arguments: { scenario: file, listingsDir: LISTINGS, stopOnEntry: false, historyMaxMemory: 1 } } as DebugProtocol.RestartArguments);
  assert.equal((await again).body.reason, 'end');
  // The expectations are judged as with the whole history: what they need of the events dropped was kept.
  assert.equal(await judged, 'none');
  const after = (await dc.customRequest('vpci/messages', { from: 0, count: 3 })).body as MessagesResponse;
  assert.ok(after.first !== undefined && after.first > 0 && after.total > after.first, JSON.stringify(after));
  /** A packet of the middle of what was dropped (the few kept are the first and last of a kind, open requests…). */
  const packet = whole.items[Math.floor(after.first / 2)]!.index;
  const refused = (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'answered',
      (e: unknown) => (e as Error).message,
    );
  assert.match(
    await refused(dc.customRequest('vpci/gotoEvent', { index: packet })),
    /^Trace event \d+ happened before the oldest history still held: the oldest step still held is step \d+/,
  );
  assert.match(
    await refused(dc.customRequest('vpci/messageDetail', { index: packet })),
    /^Trace event \d+ was dropped with the oldest step-back history: the oldest step still held/,
  );
  const mem = await refused(dc.customRequest('readMemory', { memoryReference: `pkt/${packet}`, offset: 0, count: 16 }));
  assert.match(mem, /^Trace event \d+ was dropped with the oldest step-back history \(events \d+ on are held\)/);
  // The sequence numbers its rows as before: rows before `first` answer nothing, the rest go on from there.
  assert.deepEqual(after.items, []);
  const tail = (await dc.customRequest('vpci/messages', { from: after.first, count: 2 })).body as MessagesResponse;
  assert.equal(tail.items[0]!.seq, after.first);
  assert.ok(tail.items[0]!.index > packet);
  // The rows held are those of the same run with its whole history, numbered alike.
  assert.equal(after.total, whole.total);
  const held = ((await dc.customRequest('vpci/messages', { from: after.first, count: 1_000_000 })).body as MessagesResponse).items;
  assert.equal(held.length, whole.total - after.first);
  assert.deepEqual(held, whole.items.slice(after.first));
  const detail = (await dc.customRequest('vpci/messageDetail', { index: tail.items[0]!.index })).body as { index: number };
  assert.equal(detail.index, tail.items[0]!.index);
  const trace = (await dc.customRequest('vpci/trace', { from: 0, count: 10 })).body as TraceResponse;
  assert.deepEqual(trace.lines, []);
  assert.ok(trace.first !== undefined && trace.first > 0 && trace.first < trace.total);
  assert.ok(((await dc.customRequest('vpci/trace', { from: trace.first, count: 10 })).body as typeof trace).lines.length > 0);
});

test('Debug at Cause after the history was cut: a cause still held is travelled to, one before the oldest history says so', async () => {
  const dc = h.client();
  const file = join(mkdtempSync(join(tmpdir(), 'vpci-long-session-')), 'causes.vpci');
  // nic0 attached: decided at boot (long dropped); hp59 rescinded: by the last bus's rescind, at the end.
  const text = `${hotPlugText(60)}expect nic0 attached\nexpect hp59 rescinded\n`;
  writeFileSync(file, text);
  const lines = text.split('\n');
  const early = lines.indexOf('expect nic0 attached') + 1;
  const late = lines.indexOf('expect hp59 rescinded') + 1;
  await launch(dc, file, { stopOnEntry: true, historyMaxMemory: 1 });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  const r = await dc.customRequest('vpci/goToCause', { line: late });
  assert.equal(r.body.description, 'expect hp59 rescinded: hp59 became rescinded here');
  assert.equal((await stopped).body.reason, 'goto');
  const refused = await dc.customRequest('vpci/goToCause', { line: early }).then(
    () => 'answered',
    (e: unknown) => (e as Error).message,
  );
  assert.match(refused, /^expect nic0 attached: the moment that decided it \(.+\) is further back than the step-back history reaches$/);
});

test("the Interrupts scope's delivered list, read at stop after stop deep in a run, reads the trace events added since the last stop, not the whole trace again", async () => {
  const dc = h.client();
  // 3,000 raises after boot, each delivered; a breakpoint on the 2,000th and the 2,010th (line 9 is the first raise).
  const file = join(mkdtempSync(join(tmpdir(), 'vpci-long-session-')), 'raises.vpci');
  writeFileSync(file, raisesText(3000));
  const entry = await launch(dc, file, { stopOnEntry: true });
  await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 9 + 2000 }, { line: 9 + 2010 }] });
  /** The Interrupts scope's delivered row (its count) and its last five entries. */
  const delivered = async (threadId: number): Promise<{ count: number; last: string[] }> => {
    const frame = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!;
    const scope = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Interrupts')!;
    const row = (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables.find((r) => r.name === 'delivered')!;
    const count = row.indexedVariables!;
    assert.equal(row.value, String(count));
    const page = await dc.variablesRequest({ variablesReference: row.variablesReference, filter: 'indexed', start: count - 5, count: 5 });
    return { count, last: page.body.variables.map((v) => `${v.name} ${v.value}`) };
  };
  let stop = await cont(dc, entry.body.threadId);
  const first = await delivered(stop.body.threadId!);
  assert.ok(first.count > 1900, `${first.count} delivered`);
  /** The Scenario scope's count of trace events recorded. */
  const events = async (threadId: number): Promise<number> => {
    const frame = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!;
    const scope = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Scenario')!;
    const rows = (await dc.variablesRequest({ variablesReference: scope.variablesReference, format: { hex: false } })).body.variables;
    return Number(rows.find((r) => r.name === 'trace events')?.value);
  };
  const before = await events(stop.body.threadId!);
  stop = await cont(dc, stop.body.threadId);
  // Every read of an event's kind while the scope and its list are listed again.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was; called with its trace
  const kindAt = Trace.prototype.kindAt;
  let reads = 0;
  Trace.prototype.kindAt = function (this: Trace, i: number) {
    reads++;
    return kindAt.call(this, i);
  };
  let second: Awaited<ReturnType<typeof delivered>>;
  try {
    second = await delivered(stop.body.threadId!);
  } finally {
    Trace.prototype.kindAt = kindAt;
  }
  const added = (await events(stop.body.threadId!)) - before;
  assert.ok(second.count > first.count && second.count <= first.count + 20, `${first.count} then ${second.count}`);
  assert.ok(added > 0 && before > 4000, `${before} events, ${added} added`);
  assert.ok(reads <= added + 100, `${reads} event kinds read for ${added} events added since the last stop (${before} before)`);
  assert.equal(second.last.length, 5);
  for (const row of second.last) assert.match(row, /^\[\d+\] nic0\/00\.0 vector [0-2] → cpu \d+ IDT 0x[0-9a-f]+ at \d/);
});

test('at each stop of a hot-plug session, memory views are told of the config spaces that changed, not of every function of every bus ever offered', async () => {
  const dc = h.client();
  const file = join(mkdtempSync(join(tmpdir(), 'vpci-long-session-')), 'hot-plug.vpci');
  writeFileSync(file, hotPlugText(30));
  const entry = await launch(dc, file, { stopOnEntry: true });
  // The raise on the 20th bus offered, then on the 21st (the lines of cycle i start at line 9 + 4i).
  await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 11 + 4 * 20 }, { line: 11 + 4 * 21 }] });
  const stop = await cont(dc, entry.body.threadId);
  const told: string[] = [];
  const listen = (e: DebugProtocol.Event): void => void told.push((e as DebugProtocol.MemoryEvent).body.memoryReference);
  dc.on('memory', listen);
  try {
    await cont(dc, stop.body.threadId);
  } finally {
    dc.removeListener('memory', listen);
  }
  // Since the last stop the 20th bus was rescinded (its driver let go of the function, writing its
  // config space) and the 21st offered and driven: those two changed; the 19 buses rescinded before
  // them and nic0, idle, did not (every one was told at every stop: 22 events).
  assert.deepEqual(told, ['cfg/hp20/0', 'cfg/hp21/0']);
});
