// The verdict in a debug session: a noDebug launch runs to the end without a stop, prints the
// summary and every expectation with file:line and the count, and terminates; a session run to
// its end prints the same; vpci/goToCause (and a launch with "cause") travels to the moment that
// decided an expectation, stopped on the guest statement that made the deciding send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch as launchWith, cont, LISTINGS } from './harness';
import { loadScenarioFile } from '../../adapter/load';
import { runToVerdict } from '../../adapter/headless';

const LINUX = resolve('test/adapter/fixtures/verdict-linux.vpci');
const CX3 = resolve('test/adapter/fixtures/cx3.vpci');
const h = adapterTests();

/** What the headless run (the CLI's) says about the scenario: the reference the session must match. */
async function headless(file: string) {
  const l = loadScenarioFile(file);
  return (await runToVerdict({ ...l, machine: l.machine! })).results;
}

function collectOutput(dc: ReturnType<typeof h.client>): DebugProtocol.OutputEvent[] {
  const out: DebugProtocol.OutputEvent[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e));
  return out;
}

test('noDebug: runs to the end with no stop, prints the summary and the verdict with file:line, terminates', async () => {
  const dc = h.client();
  const out = collectOutput(dc);
  let stops = 0;
  dc.on('stopped', () => stops++);
  const verdict = dc.waitForEvent('vpci/verdict');
  const order: string[] = [];
  dc.on('exited', (e: DebugProtocol.ExitedEvent) => order.push(`exited ${e.body.exitCode}`));
  dc.on('terminated', () => order.push('terminated'));
  const terminated = dc.waitForEvent('terminated');
  await dc.initializeRequest({ adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await dc.launchRequest({ scenario: LINUX, listingsDir: LISTINGS, noDebug: true } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  await terminated;
  assert.equal(stops, 0);
  // The run exits as `vpci-lab run` would: 1, an expectation failed; then the session ends.
  assert.deepEqual(order, ['exited 1', 'terminated']);
  const text = out.map((e) => e.body.output).join('');
  const ref = await headless(LINUX);
  assert.equal(ref.length, 4);
  assert.match(text, /vPCI Lab: ran verdict-linux\.vpci to the end — host hyperv-2019, guest linux/);
  assert.match(text, /nic0: attached, channel \w+, protocol 1\.\d, \d+ VMBus messages?/);
  for (const r of ref) {
    // The file by its base name (the whole path, in the text, wrapped every line); the event's source has the path.
    const line = out.find((e) => e.body.output.includes(`  verdict-linux.vpci:${r.line}:${r.col}  `));
    assert.ok(line, `expectation on line ${r.line} printed`);
    assert.match(line.body.output, new RegExp(`^  ${r.ok ? 'ok  ' : 'FAIL'}  `));
    assert.ok(line.body.output.includes(r.detail));
    // The line is a link to the expectation.
    assert.equal(line.body.source?.path, LINUX);
    assert.equal(line.body.line, r.line);
    assert.equal(line.body.category, r.ok ? 'stdout' : 'stderr');
  }
  assert.ok(!text.includes(`${LINUX}:`), 'no line carries the whole path');
  // The outcome in a word, with the first failure, in the error colour and linked to it.
  const last = out.filter((e) => /expectations? held/.test(e.body.output));
  assert.equal(last.length, 1);
  assert.match(last[0]!.body.output, /^FAIL: 3 of 4 expectations held; first failure at line 13: nic0 negotiates version 1\.1 — negotiated 1\.\d/);
  assert.equal(last[0]!.body.category, 'stderr');
  assert.equal(last[0]!.body.line, 13);
  const v = (await verdict).body as {
    scenario: string;
    held: number;
    total: number;
    results: { line: number; ok: boolean; expected?: string; actual?: string }[];
  };
  assert.equal(v.scenario, LINUX);
  assert.deepEqual([v.held, v.total], [3, 4]);
  const version = v.results.find((x) => !x.ok)!;
  assert.equal(version.line, 13);
  assert.equal(version.expected, '1.1');
  assert.equal(version.actual, ref.find((x) => !x.ok)!.actual);
});

test('a debug session continued to its end prints the same verdict and sends vpci/verdict', async () => {
  const dc = h.client();
  const out = collectOutput(dc);
  await launchWith(dc, CX3);
  const verdict = dc.waitForEvent('vpci/verdict');
  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  // The stop comes first; the verdict after the stop's requests have been answered (none here).
  const held = ((await verdict).body as { held: number }).held;
  const text = out.map((e) => e.body.output).join('');
  for (const line of [11, 12, 13]) assert.match(text, new RegExp(`  ok    ${basename(CX3).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:1  `));
  assert.match(text, /^PASS: 3 of 3 expectations held$/m);
  const pass = out.find((e) => e.body.output.startsWith('PASS: '))!;
  assert.equal(pass.body.category, 'stdout');
  assert.equal(held, 3);
  // Continue past the end: the run exits 0 (every expectation held) and the session ends.
  const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
  const terminated = dc.waitForEvent('terminated');
  await dc.continueRequest({ threadId: end.body.threadId! });
  assert.equal((await exited).body.exitCode, 0);
  await terminated;
});

test('at the end of a run the stopped event comes first and the verdict after it, judged where the run ended even when a step back follows at once', async () => {
  const dc = h.client();
  await launchWith(dc, CX3);
  const order: string[] = [];
  dc.on('stopped', (e: DebugProtocol.StoppedEvent) => order.push(`stopped ${e.body.reason}`));
  dc.on('vpci/verdict', (e: DebugProtocol.Event) => order.push(`verdict ${(e.body as { held: number }).held}`));
  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  // A step back sent right away: the verdict is reported before it moves the machine.
  const back = dc.waitForEvent('stopped');
  await dc.stepBackRequest({ threadId: end.body.threadId! });
  await back;
  assert.deepEqual(order.slice(-3), ['stopped end', 'verdict 3', 'stopped step']);
});

test("a client that keeps asking for the stop's views still gets the verdict: it waits for a quiet moment, but not for ever", async () => {
  const dc = h.client();
  await launchWith(dc, CX3);
  let verdict = false;
  dc.on('vpci/verdict', () => (verdict = true));
  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  // Back-to-back Call Stack requests leave no quiet moment; the verdict comes anyway (half a second
  // after the stop). The loop gives up long after that.
  const until = Date.now() + 5000;
  let asked = 0;
  while (!verdict && Date.now() < until) {
    await dc.stackTraceRequest({ threadId: end.body.threadId! });
    asked++;
  }
  assert.ok(verdict, `no verdict after ${asked} stackTrace requests`);
});

test('Debug at Cause on an expectation that held goes there without an exception: exceptionInfo says it is not stopped on one', async () => {
  const dc = h.client();
  await launchWith(dc, LINUX);
  const held = (await headless(LINUX)).find((r) => r.ok);
  assert.ok(held, 'the fixture has an expectation that holds');
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.customRequest('vpci/goToCause', { line: held.line });
  const s = await stopped;
  assert.equal(s.body.reason, 'goto');
  await assert.rejects(dc.exceptionInfoRequest({ threadId: s.body.threadId! }), /The session is not stopped on an exception/);
  await assert.rejects(dc.exceptionInfoRequest({ threadId: 12345 }), /Unknown thread 12345/);
});

test('vpci/goToCause: stops before the guest statement that sent the accepted version, the stop naming the expectation', async () => {
  const dc = h.client();
  const first = await launchWith(dc, LINUX);
  assert.equal(first.body.reason, 'entry');
  const ref = (await headless(LINUX)).find((r) => r.line === 13)!;
  assert.equal(ref.ok, false);
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  const r = await dc.customRequest('vpci/goToCause', { line: 13 });
  const want = `expect nic0 version 1.1: negotiated ${ref.actual} here`;
  assert.equal(r.body.description, want);
  const s = await stopped;
  assert.equal(s.body.reason, 'exception');
  assert.equal(s.body.description, want);
  const info = await dc.exceptionInfoRequest({ threadId: s.body.threadId! });
  assert.equal(info.body.description, want);
  // The guest driver's frame stands on the statement that sends the version request the host accepted.
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const top = st.body.stackFrames[0]!;
  assert.ok(top.source?.path?.endsWith('.c'), top.source?.path);
  const lineText = readFileSync(top.source!.path!, 'utf8').split('\n')[top.line - 1]!;
  assert.match(lineText, /vmbus_sendpacket|vmbus_chan_send/);
  assert.match(top.name, /hv_pci_protocol_negotiation/);
  // Its locals say which version it is about to send.
  const scopes = await dc.scopesRequest({ frameId: top.id });
  const locals = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference });
  assert.ok(locals.body.variables.length > 0);
  // From there, time travel works as usual: stepping over sends it, Step Back returns.
  const next = dc.waitForEvent('stopped');
  await dc.nextRequest({ threadId: s.body.threadId! });
  await next;
  const back = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.stepBackRequest({ threadId: s.body.threadId! });
  assert.equal((await back).body.reason, 'step');
  const again = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  assert.equal(again.body.stackFrames[0]!.line, top.line);
  // Restart Frame on the negotiation: back to its entry, its first statement next.
  const restarted = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.restartFrameRequest({ frameId: again.body.stackFrames[0]!.id });
  assert.equal((await restarted).body.reason, 'restart');
  const entry = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  assert.equal(entry.body.stackFrames[0]!.name, top.name);
  assert.ok(entry.body.stackFrames[0]!.line < top.line);
});

test('a launch with "cause" stops at the cause first; a line with no expectation is refused with a reason', async () => {
  const dc = h.client();
  const s = await launchWith(dc, LINUX, { cause: 15 });
  // expect no errors held: no error was ever recorded, so nothing decided it — it says so.
  assert.equal(s.body.reason, 'entry');
  assert.match(s.body.description!, /expect no errors: no event in the run decided it/);
  await assert.rejects(dc.customRequest('vpci/goToCause', { line: 3 }), /No expectation on line 3 of verdict-linux\.vpci/);
  await assert.rejects(dc.customRequest('vpci/goToCause', { line: -1 }), /argument 'line' must be a whole number/);
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  const r = await dc.customRequest('vpci/goToCause', { line: 14 });
  assert.match(r.body.description, /^expect nic0 vector 0 delivered: vector 0 delivered to cpu \d+ here$/);
  const st = await stopped;
  assert.equal(st.body.reason, 'goto');
});

test('noDebug stopped by the step limit says so: the summary, the PASS line and the verdict event, not "to the end"', async () => {
  // Linux waits for a CREATE_INTERRUPT2 answer that never comes: the run never settles.
  const file = resolve('test/adapter/fixtures/never-settles.vpci');
  const dc = h.client();
  const out = collectOutput(dc);
  const verdict = dc.waitForEvent('vpci/verdict');
  const terminated = dc.waitForEvent('terminated');
  await dc.initializeRequest({ adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await dc.launchRequest({ scenario: file, listingsDir: LISTINGS, noDebug: true } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  await terminated;
  const text = out.map((e) => e.body.output).join('');
  assert.match(text, /vPCI Lab: ran never-settles\.vpci up to the step limit \(5,000,000 steps\): it had not finished — host hyperv-2016, guest linux/);
  assert.ok(!text.includes('to the end'), text);
  assert.match(text, /^PASS \(judged where the step limit of 5,000,000 steps stopped the run, not at its end\): 1 of 1 expectation held$/m);
  assert.equal(((await verdict).body as { stoppedAtMaxSteps?: number }).stoppedAtMaxSteps, 5_000_000);
});
