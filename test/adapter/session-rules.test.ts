// Requests a demanding client sends out of the usual order, each checked over real DAP traffic: a
// second initialize, exceptionInfo while a Continue runs, dataBreakpointInfo on a reference the
// session never gave.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, cont, refused, rawDapClient, LISTINGS } from './harness';
import { hotPlugText } from '../hot-plug-scenario';

const QUICKSTART = resolve('examples/quickstart.vpci');
const SCENARIO_THREAD = 1_000_000;
const h = adapterTests();
let dir = '';
let FAULT_THEN_LONG = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vpci-session-rules-'));
  // A fault early, then 150 hot-plug cycles: a Continue from the fault's stop runs long.
  const fault = readFileSync(resolve('test/adapter/fixtures/fault.vpci'), 'utf8');
  const cycles = hotPlugText(150).split('\n').slice(8).join('\n');
  FAULT_THEN_LONG = join(dir, 'fault-long.vpci');
  writeFileSync(FAULT_THEN_LONG, `${fault}\n${cycles}`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a second initialize in a session is refused, and the numbering the first agreed stays', async () => {
  const dc = h.client();
  const s = await launch(dc, QUICKSTART);
  const line = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.line;
  const why = await refused(dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: false, columnsStartAt1: false }));
  assert.match(why, /^Initialize: the session is initialized already/);
  assert.equal((await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.line, line);
});

test("exceptionInfo while a Continue runs says the session is running, not the last stop's exception", async () => {
  const dc = h.client();
  await launch(dc, FAULT_THEN_LONG);
  await dc.setExceptionBreakpointsRequest({ filters: ['fault'] });
  const s = await cont(dc, SCENARIO_THREAD);
  assert.equal(s.body.reason, 'exception');
  assert.equal((await dc.exceptionInfoRequest({ threadId: s.body.threadId! })).body.exceptionId, 'Injected fault');
  const c = dc.continueRequest({ threadId: SCENARIO_THREAD });
  const why = await refused(dc.exceptionInfoRequest({ threadId: s.body.threadId! }));
  await c;
  const paused = dc.waitForEvent('stopped');
  await dc.pauseRequest({ threadId: SCENARIO_THREAD });
  await paused;
  assert.match(why, /^The session is running, not stopped on an exception$/);
});

test('dataBreakpointInfo on a variablesReference or frame the session never gave says so, not what a config-space register is', async () => {
  const dc = h.client();
  const s = await launch(dc, QUICKSTART);
  const unknown = await dc.dataBreakpointInfoRequest({ variablesReference: 987654, name: 'COMMAND' });
  assert.equal(unknown.body.dataId, null);
  assert.equal(unknown.body.description, 'Unknown variablesReference 987654');
  // A known container without that row: named as missing.
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const dev = scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const header = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables.find((v) => v.name === 'Header')!;
  const none = await dc.dataBreakpointInfoRequest({ variablesReference: header.variablesReference, name: 'NOPE' });
  assert.equal(none.body.dataId, null);
  assert.match(none.body.description, /^No variable NOPE in that container$/);
  const ok = await dc.dataBreakpointInfoRequest({ variablesReference: header.variablesReference, name: 'COMMAND' });
  assert.ok(ok.body.dataId, ok.body.description);
  // An expression in a frame this stop never gave out: the frame is unknown, as evaluate says.
  const frame = await dc.dataBreakpointInfoRequest({ name: 'nic0.COMMAND', frameId: 987654 });
  assert.equal(frame.body.dataId, null);
  assert.equal(frame.body.description, 'Unknown frame 987654 (frames are valid until the next step)');
  const inFrame = await dc.dataBreakpointInfoRequest({ name: 'nic0.COMMAND', frameId: st.body.stackFrames[0]!.id });
  assert.equal(inFrame.body.dataId, ok.body.dataId);
});

/** A copy of the quickstart the test may edit; launched, stopped at its entry. */
async function launchCopy(name: string): Promise<{ file: string; text: string }> {
  const file = join(dir, name);
  const text = readFileSync(QUICKSTART, 'utf8');
  writeFileSync(file, text);
  await launch(h.client(), file, { stopOnEntry: true });
  return { file, text };
}

test('a breakpoint in a scenario edited since the launch is unverified, saying so, not put on the event the loaded file had there', async () => {
  const dc = h.client();
  const { file, text } = await launchCopy('edited-top.vpci');
  const raise = text.split('\n').findIndex((l) => l.startsWith('at 3ms')) + 1;
  writeFileSync(file, `# one\n# two\n# three\n${text}`);
  const r = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: raise + 3 }, { line: raise }], sourceModified: true });
  for (const b of r.body.breakpoints) {
    assert.equal(b.verified, false);
    assert.equal(b.message, 'The scenario has changed since it was loaded (from line 1): restart to set breakpoints on its lines as they are now');
    assert.equal(typeof b.id, 'number');
  }
  assert.deepEqual(
    ((await dc.customRequest('breakpointLocations', { source: { path: file }, line: 1, endLine: 40 })) as DebugProtocol.BreakpointLocationsResponse).body
      .breakpoints,
    [],
  );
  // Unverified, it stops nowhere: the run goes to its end.
  assert.equal((await cont(dc, SCENARIO_THREAD)).body.reason, 'end');
});

test('after a restart the edited scenario is loaded again, and the breakpoint stands on the line as the file is now', async () => {
  const dc = h.client();
  const { file, text } = await launchCopy('edited-restart.vpci');
  const raise = text.split('\n').findIndex((l) => l.startsWith('at 3ms')) + 1;
  writeFileSync(file, `# one\n# two\n# three\n${text}`);
  const r = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: raise + 3 }] });
  const id = r.body.breakpoints[0]!.id!;
  const changed = dc.waitForEvent('breakpoint') as Promise<DebugProtocol.BreakpointEvent>;
  const entry = dc.waitForEvent('stopped');
  await dc.restartRequest({ arguments: { scenario: file, listingsDir: LISTINGS, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments });
  const e = (await changed).body.breakpoint;
  assert.equal(e.id, id);
  assert.equal(e.verified, true);
  assert.equal(e.line, raise + 3);
  await entry;
  const s = await cont(dc, SCENARIO_THREAD);
  assert.equal(s.body.reason, 'breakpoint');
  const top = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!;
  assert.equal(top.line, raise + 3);
});

test('an edit past the breakpoint, or only line ends changed (CRLF) or a BOM added, leaves the breakpoint verified where it was', async () => {
  const dc = h.client();
  const { file, text } = await launchCopy('edited-end.vpci');
  const raise = text.split('\n').findIndex((l) => l.startsWith('at 3ms')) + 1;
  writeFileSync(file, `${text}expect nic0 vector 1 delivered\n`);
  const r = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: raise }] });
  assert.deepEqual([r.body.breakpoints[0]!.verified, r.body.breakpoints[0]!.line], [true, raise]);
  writeFileSync(file, `\uFEFF${text.replace(/\n/g, '\r\n')}`);
  const crlf = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: raise }] });
  assert.deepEqual([crlf.body.breakpoints[0]!.verified, crlf.body.breakpoints[0]!.line], [true, raise]);
  // Edited before it: refused.
  writeFileSync(file, text.replace('at 2ms', 'at 1ms'));
  const before = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: raise }] });
  assert.equal(before.body.breakpoints[0]!.verified, false);
  assert.match(before.body.breakpoints[0]!.message!, /^The scenario has changed since it was loaded \(from line \d+\)/);
});

test('breakpoints sent while the launch loads (before `initialized`) are answered for the loaded scenario, with ids, and stop the run', async () => {
  const c = await rawDapClient();
  try {
    const text = readFileSync(QUICKSTART, 'utf8');
    const raise = text.split('\n').findIndex((l) => l.startsWith('at 3ms')) + 1;
    c.send({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'vpci', pathFormat: 'path' } });
    await c.responseTo(1);
    // launch, then at once (one write: the load has not settled) the breakpoints and configurationDone.
    c.sendAll([
      { seq: 2, type: 'request', command: 'launch', arguments: { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: false } },
      { seq: 3, type: 'request', command: 'setBreakpoints', arguments: { source: { path: QUICKSTART }, breakpoints: [{ line: raise }] } },
      { seq: 4, type: 'request', command: 'setFunctionBreakpoints', arguments: { breakpoints: [{ name: 'vmbus_pcib_attach' }] } },
      { seq: 5, type: 'request', command: 'configurationDone', arguments: {} },
    ]);
    const bps = (await c.responseTo(3)) as unknown as DebugProtocol.SetBreakpointsResponse;
    assert.equal(bps.success, true);
    const b = bps.body.breakpoints[0]!;
    assert.deepEqual([b.verified, b.line, typeof b.id], [true, raise, 'number'], JSON.stringify(b));
    const fn = ((await c.responseTo(4)) as unknown as DebugProtocol.SetFunctionBreakpointsResponse).body.breakpoints[0]!;
    assert.deepEqual([fn.verified, typeof fn.id], [true, 'number'], JSON.stringify(fn));
    await c.responseTo(5);
    // In order: the launch's answer, `initialized`, then the breakpoints' answers, then configurationDone's.
    const order = c.got.filter((m) => m.type === 'response' || m.event === 'initialized').map((m) => String(m.command ?? m.event));
    assert.deepEqual(order, ['initialize', 'launch', 'initialized', 'setBreakpoints', 'setFunctionBreakpoints', 'configurationDone']);
    await c.until(() => c.got.some((m) => m.event === 'stopped'));
    const stopped = c.got.find((m) => m.event === 'stopped') as unknown as DebugProtocol.StoppedEvent;
    assert.equal(stopped.body.reason, 'function breakpoint');
    assert.deepEqual(stopped.body.hitBreakpointIds, [fn.id]);
  } finally {
    c.close();
  }
});

test('a restart before any launch is refused, and the launch after it runs as a launch does', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const why = await refused(dc.restartRequest({ arguments: { scenario: QUICKSTART, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments }));
  assert.equal(why, 'Nothing to restart: launch a scenario first');
  const initialized = dc.waitForEvent('initialized');
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
  await initialized;
  await dc.configurationDoneRequest();
  assert.equal((await stopped).body.reason, 'entry');
});

test('exceptionInfo answers for the thread that stopped on the exception only', async () => {
  const dc = h.client();
  await launch(dc, resolve('test/adapter/fixtures/fault.vpci'));
  const s = await cont(dc);
  assert.equal(s.body.reason, 'exception');
  assert.equal((await dc.exceptionInfoRequest({ threadId: s.body.threadId! })).body.exceptionId, 'Injected fault');
  const other = (await dc.threadsRequest()).body.threads.find((t) => t.id !== s.body.threadId)!;
  const why = await refused(dc.exceptionInfoRequest({ threadId: other.id }));
  assert.equal(why, `Thread ${other.id} did not stop on an exception (thread ${s.body.threadId} did)`);
});

test('scopes with a frame id before any launch is refused, naming the id', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
  assert.equal(await refused(dc.scopesRequest({ frameId: 9999 })), 'Unknown frame 9999 (frames are valid until the next step)');
});

test('Continue, Reverse Continue and Pause run or stop the whole machine whatever thread they name (one from before a restart); a step names its thread, and an unknown one is refused', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const stale = 999;
  const end = await cont(dc, stale);
  assert.equal(end.body.allThreadsStopped, true);
  const back = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  assert.equal((await dc.customRequest('reverseContinue', { threadId: stale })).success, true);
  assert.equal((await back).body.reason, 'entry');
  assert.equal((await dc.pauseRequest({ threadId: stale })).success, true);
  for (const step of ['next', 'stepIn', 'stepOut', 'stepBack'])
    await assert.rejects(dc.customRequest(step, { threadId: stale }), { message: `Unknown thread ${stale}` });
});

test('a request before initialize is refused, naming it, with no event sent; after initialize the session goes on as usual', async () => {
  const c = await rawDapClient();
  try {
    c.sendAll([
      { seq: 1, type: 'request', command: 'threads' },
      { seq: 2, type: 'request', command: 'launch', arguments: { scenario: QUICKSTART } },
    ]);
    for (const [seq, command] of [
      [1, 'threads'],
      [2, 'launch'],
    ] as const) {
      const r = await c.responseTo(seq);
      assert.equal(r.success, false);
      assert.equal(r.message, `${command}: the session is not initialized yet (send initialize first)`);
    }
    // DAP: no event before the initialize response (the launch sent `initialized` and `terminated`).
    assert.deepEqual(
      c.got.filter((m) => m.type === 'event'),
      [],
    );
    c.send({ seq: 3, type: 'request', command: 'initialize', arguments: { adapterID: 'vpci' } });
    assert.equal((await c.responseTo(3)).success, true);
    c.send({ seq: 4, type: 'request', command: 'threads' });
    assert.equal((await c.responseTo(4)).success, true);
  } finally {
    c.close();
  }
});
