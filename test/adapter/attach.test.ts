// Attach to a machine the adapter holds (`vpci-lab dap --port N --scenario F`):
// a client attaches and debugs, detaches, and the next client finds the machine
// where it was left; one client at a time; terminate starts it afresh; an
// adapter that holds nothing says so. Real DAP traffic over TCP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runTcp } from '../../adapter/server';
import { HeldMachine } from '../../adapter/session';
import { LISTINGS, VMBUS_PCIB } from './harness';

const CX3 = resolve('test/adapter/fixtures/cx3.vpci');
let server: Server;
let bare: Server;
let port = 0;
let barePort = 0;
before(async () => {
  server = await runTcp(0, (p) => (port = p), {}, new HeldMachine({ scenario: CX3, listingsDir: LISTINGS }));
  bare = await runTcp(0, (p) => (barePort = p));
});
after(() => {
  server.close();
  bare.close();
});

async function client(p = port): Promise<DebugClient> {
  const dc = new DebugClient('node', 'unused', 'vpci');
  dc.defaultTimeout = 20_000;
  await dc.start(p);
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  return dc;
}

/** attach + configurationDone; resolves with the stop the client sees. */
async function attach(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.attachRequest({} as DebugProtocol.AttachRequestArguments);
  await dc.configurationDoneRequest();
  return stopped;
}

/** disconnect (a detach: the machine stays) and close the connection. */
async function detach(dc: DebugClient): Promise<void> {
  await dc.disconnectRequest({});
  await dc.stop();
}

const top = async (dc: DebugClient, tid: number) => (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!;

test('attach adopts the held machine; a detach leaves it where it stands for the next client', async () => {
  const a = await client();
  const s = await attach(a);
  assert.match(s.body.description ?? '', /^Attached/);
  const tid = s.body.threadId!;
  const entry = await top(a, tid);
  assert.equal(entry.name, 'vmbus_pcib_attach');
  assert.equal(entry.source?.path, VMBUS_PCIB);
  // debug a little: into the negotiation
  await a.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_pci_protocol_negotiation' }] });
  const hit = a.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await a.continueRequest({ threadId: tid });
  assert.equal((await hit).body.reason, 'function breakpoint');
  for (let i = 0; i < 3; i++) {
    const st = a.waitForEvent('stopped');
    await a.nextRequest({ threadId: tid });
    await st;
  }
  const left = await top(a, tid);
  const leftTrace = (await a.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result;
  await a.disconnectRequest({ terminateDebuggee: false });
  await a.stop();

  const b = await client();
  const s2 = await attach(b);
  assert.equal(s2.body.threadId, tid);
  const found = await top(b, tid);
  assert.deepEqual([found.name, found.line], [left.name, left.line]);
  assert.equal((await b.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result, leftTrace);
  // the first client's breakpoints went with it: continue runs to the end, not to a breakpoint
  const end = b.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await b.continueRequest({ threadId: tid });
  assert.notEqual((await end).body.reason, 'function breakpoint');
  // history came along too: step back works across clients
  const back = b.waitForEvent('stopped');
  await b.reverseContinueRequest({ threadId: tid });
  await back;
  await b.disconnectRequest({ terminateDebuggee: false });
  await b.stop();
});

test('one client at a time: a second attach is refused while the first is attached', async () => {
  const a = await client();
  await attach(a);
  const b = await client();
  await assert.rejects(b.attachRequest({} as DebugProtocol.AttachRequestArguments), /Another debug client is attached/);
  await b.stop();
  await detach(a);
  // once it is gone, the next one gets in
  const c = await client();
  await attach(c);
  await detach(c);
});

test('a client whose connection drops without a disconnect lets go of the machine', async () => {
  const a = await client();
  await attach(a);
  await a.stop(); // closes the socket, no disconnect request
  const b = await client();
  await attach(b);
  await detach(b);
});

test('terminate ends the held run: the next attach starts the scenario afresh at the attach entry', async () => {
  const a = await client();
  const s = await attach(a);
  const tid = s.body.threadId!;
  const st = a.waitForEvent('stopped');
  await a.nextRequest({ threadId: tid });
  await st;
  const terminated = a.waitForEvent('terminated');
  await a.terminateRequest({});
  await terminated;
  await a.stop();
  const b = await client();
  const s2 = await attach(b);
  assert.equal((await top(b, s2.body.threadId!)).name, 'vmbus_pcib_attach');
  assert.equal((await b.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result, (await (async () => {
    // the same stop as a fresh launch reaches
    const fresh = new DebugClient('node', 'unused', 'vpci');
    fresh.defaultTimeout = 20_000;
    await fresh.start(barePort);
    await fresh.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
    const f = fresh.waitForEvent('stopped');
    await fresh.launchRequest({ scenario: CX3, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments);
    await fresh.configurationDoneRequest();
    await f;
    const r = (await fresh.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result;
    await fresh.stop();
    return r;
  })()));
  await detach(b);
});

test('attach to an adapter that holds no machine is an error that says how to get one', async () => {
  const a = await client(barePort);
  await assert.rejects(a.attachRequest({} as DebugProtocol.AttachRequestArguments), /Nothing to attach to.*vpci-lab dap --port N --scenario FILE/);
  await a.stop();
});
