// The adapter tells its host when a run goes long (AdapterHooks.longRun): past one chunk of
// emulator steps — Continue to a distant stop, a run without debugging, Debug at Cause — and never
// for a step or a Continue that stops within a chunk. The stdio adapter's loader turns V8's
// optimizing compiler on from then (adapter/boot.ts; test/adapter/stdio.test.ts checks that end).
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runTcp } from '../../adapter/server';
import { launch, cont, TestClient } from './harness';
import { hotPlugText } from '../hot-plug-scenario';

const QUICKSTART = resolve('examples/quickstart.vpci');
let dir = '';
let server: Server;
let port = 0;
let longRuns = 0;
let dc: DebugClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vpci-long-run-'));
  // 30 hot-plug cycles: well over one chunk (20,000 steps) of emulator steps to its end.
  writeFileSync(join(dir, 'long.vpci'), hotPlugText(30));
  writeFileSync(join(dir, 'expect.vpci'), `${hotPlugText(30)}expect nic0 attached\n`);
  server = await runTcp(0, (p) => (port = p), { longRun: () => longRuns++ });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  longRuns = 0;
  dc = new TestClient('node', 'unused', 'vpci');
  dc.defaultTimeout = 120_000;
  await dc.start(port);
});
afterEach(() => dc.stop());

async function steps(first: DebugProtocol.StoppedEvent, n: number): Promise<void> {
  let tid = first.body.threadId!;
  for (let i = 0; i < n; i++) {
    const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.nextRequest({ threadId: tid });
    const e = await s;
    tid = e.body.threadId ?? tid;
    if (e.body.reason === 'end') break;
  }
}

test('steps, and a Continue that stops within a chunk, are not long runs', async () => {
  const first = await launch(dc, QUICKSTART, { stopOnEntry: true });
  await steps(first, 40); // to the end of the quick start, through its heaviest steps (2,300 emulator steps)
  assert.equal(longRuns, 0);
  // A new session for another scenario (one launch per session).
  await dc.stop();
  dc = new TestClient('node', 'unused', 'vpci');
  dc.defaultTimeout = 120_000;
  await dc.start(port);
  const s = await launch(dc, join(dir, 'long.vpci'), { stopOnEntry: true });
  await steps(s, 5);
  assert.equal(longRuns, 0);
});

test('a Continue that runs past one chunk is a long run, said at each further chunk', async () => {
  await launch(dc, join(dir, 'long.vpci'), { stopOnEntry: true });
  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  assert.ok(longRuns >= 2, `${longRuns} calls`);
});

test('a run without debugging runs long too', async () => {
  const terminated = dc.waitForEvent('terminated');
  await dc.initializeRequest({ adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true });
  await dc.launchRequest({ scenario: join(dir, 'long.vpci'), noDebug: true } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  await terminated;
  assert.ok(longRuns >= 1, 'noDebug');
});

test('Debug at Cause, which runs to the end before it travels back, is a long run', async () => {
  const lines = hotPlugText(30).split('\n').length; // the expectation's line (1-based)
  await launch(dc, join(dir, 'expect.vpci'), { stopOnEntry: true });
  assert.equal(longRuns, 0);
  const stopped = dc.waitForEvent('stopped');
  const r = await dc.customRequest('vpci/goToCause', { line: lines });
  assert.equal(r.success, true);
  await stopped;
  assert.ok(longRuns >= 1);
});
