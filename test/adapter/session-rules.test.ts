// Requests a demanding client sends out of the usual order, each checked over real DAP traffic: a
// second initialize, exceptionInfo while a Continue runs, dataBreakpointInfo on a reference the
// session never gave.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { adapterTests, launch, cont, refused } from './harness';
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

test('dataBreakpointInfo on a variablesReference the session never gave says so, not what a config-space register is', async () => {
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
});
