// Attach to a machine the adapter holds (`vpci-lab dap --port N --scenario F`):
// a client attaches and debugs, detaches, and the next client finds the machine
// where it was left; one client at a time; terminate starts it afresh; an
// adapter that holds nothing says so. Real DAP traffic over TCP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runTcp } from '../../adapter/server';
import { HeldMachine } from '../../adapter/session';
import { LISTINGS, VMBUS_PCIB, TestClient } from './harness';

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

/** Every client a test opened: closed at the end whatever happened, so a failure cannot hang the run. */
const clients = new Set<DebugClient>();
after(async () => {
  for (const c of clients) await c.stop().catch(() => {});
});

async function client(p = port): Promise<DebugClient> {
  const dc = new TestClient('node', 'unused', 'vpci');
  clients.add(dc);
  dc.defaultTimeout = 20_000;
  await dc.start(p);
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  return dc;
}

/** attach + configurationDone; resolves with the stop the client sees. */
async function attach(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.attachRequest({});
  await dc.configurationDoneRequest();
  return stopped;
}

/** The listing line holding `text`. */
function lineIn(file: string, text: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
}

/** Resolves on the first output event whose text matches. */
function outputMatching(dc: DebugClient, re: RegExp): Promise<DebugProtocol.OutputEvent> {
  return new Promise((res) => {
    const on = (e: DebugProtocol.OutputEvent) => {
      if (re.test(e.body.output)) {
        dc.removeListener('output', on);
        res(e);
      }
    };
    dc.on('output', on);
  });
}

/** disconnect (a detach: the machine stays) and close the connection. */
async function detach(dc: DebugClient): Promise<void> {
  await dc.disconnectRequest({});
  await dc.stop();
}

const top = async (dc: DebugClient, tid: number) => (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!;

test('attach adopts the held machine; a detach leaves it where it stands for the next client', { timeout: 30_000 }, async () => {
  const a = await client();
  const s = await attach(a);
  assert.match(s.body.text ?? '', /^Attached/);
  const tid = s.body.threadId!;
  const entry = await top(a, tid);
  assert.equal(entry.name, 'vmbus_pcib_attach');
  assert.equal(entry.source?.path, VMBUS_PCIB);
  // debug a little: into the negotiation; breakpoints further on stay unhit (one on the scenario's
  // `raise` line, a file the next client never sets breakpoints in)
  const raise = lineIn(CX3, 'raise nic0 vector 0');
  const allocated = lineIn(VMBUS_PCIB, 'ret = hv_send_resources_allocated(hbus);');
  await a.setBreakpointsRequest({ source: { path: CX3 }, breakpoints: [{ line: raise }] });
  await a.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_pci_protocol_negotiation' }, { name: 'hv_send_resources_allocated' }] });
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
  // the first client's breakpoints went with it (and so did its pause): only b's logpoint speaks, to b
  await b.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: allocated, logMessage: 'b logs: resources allocated' }] });
  const logged = outputMatching(b, /b logs: resources allocated/);
  const end = b.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await b.continueRequest({ threadId: tid });
  const e = await end;
  assert.equal(e.body.reason, 'end', JSON.stringify(e.body));
  await logged;
  // history came along too: step back works across clients
  const back = b.waitForEvent('stopped');
  await b.reverseContinueRequest({ threadId: tid });
  await back;
  await b.disconnectRequest({ terminateDebuggee: false });
  await b.stop();
});

test('one client at a time: a second attach is refused while the first is attached', { timeout: 30_000 }, async () => {
  const a = await client();
  await attach(a);
  const b = await client();
  await assert.rejects(b.attachRequest({}), /Another debug client is attached/);
  await b.stop();
  // The attached session cannot launch as well: it says so in its own words, not as a launched one.
  await assert.rejects(
    a.launchRequest({ scenario: 'x.vpci' } as DebugProtocol.LaunchRequestArguments),
    /^Error: This session is attached to a held machine: launch a scenario in a new session$/,
  );
  await detach(a);
  // once it is gone, the next one gets in
  const c = await client();
  await attach(c);
  await detach(c);
});

test('a client that detaches while the machine runs leaves it paused where the run got to', { timeout: 30_000 }, async () => {
  // A scenario long enough that `continue` is still running (in chunks) when the disconnect lands.
  const dir = mkdtempSync(join(tmpdir(), 'vpci-attach-'));
  const long = join(dir, 'long.vpci');
  writeFileSync(long, readFileSync(CX3, 'utf8') + Array.from({ length: 40_000 }, (_, i) => `at ${4000 + i}us raise nic0 vector ${i % 3}`).join('\n') + '\n');
  let p = 0;
  const srv = await runTcp(0, (x) => (p = x), {}, new HeldMachine({ scenario: long, listingsDir: LISTINGS }));
  try {
    const a = await client(p);
    const s = await attach(a);
    // continue and disconnect back to back: the session takes the disconnect between two chunks of the run
    const running = a.continueRequest({ threadId: s.body.threadId! });
    await a.disconnectRequest({});
    await running;
    await a.stop();
    const b = await client(p);
    const s2 = await attach(b);
    assert.equal(s2.body.reason, 'pause');
    assert.match(s2.body.text ?? '', /^Attached: Paused: the last client detached while it ran/);
    // the machine moved on from the attach entry, and it steps for the new client
    const tl = (await b.stackTraceRequest({ threadId: 1_000_000 })).body.stackFrames[0]!;
    assert.match(tl.name, /raise nic0 vector/);
    const stepped = b.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await b.nextRequest({ threadId: s2.body.threadId! });
    assert.equal((await stepped).body.reason, 'step');
    await detach(b);
  } finally {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a client whose connection drops without a disconnect lets go of the machine', { timeout: 30_000 }, async () => {
  // A raw connection (DebugClient.stop() would send a disconnect first): attach, then drop the socket.
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((res) => sock.once('connect', () => res()));
  let got = '';
  const stopped = new Promise<void>((res) =>
    sock.on('data', (d: Buffer) => {
      got += d.toString('utf8');
      if (got.includes('"event":"stopped"')) res();
    }),
  );
  let seq = 1;
  for (const [command, args] of [
    ['initialize', { adapterID: 'vpci' }],
    ['attach', {}],
    ['configurationDone', {}],
  ] as const) {
    const json = JSON.stringify({ seq: seq++, type: 'request', command, arguments: args });
    sock.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }
  await stopped;
  const closed = new Promise((res) => sock.once('close', res));
  sock.destroy();
  await closed;
  // the server sees the close on its side asynchronously: the next attach gets in once it has
  let b: DebugClient | undefined;
  for (let i = 0; i < 50 && !b; i++) {
    const c = await client();
    try {
      await attach(c);
      b = c;
    } catch {
      await c.stop();
      await new Promise((r) => setImmediate(r));
    }
  }
  assert.ok(b, 'a new client attaches after the old connection dropped');
  await detach(b);
});

test('disconnect with terminateDebuggee (Stop on an attach session) ends the held run', { timeout: 30_000 }, async () => {
  const a = await client();
  const s = await attach(a);
  const st = a.waitForEvent('stopped');
  await a.nextRequest({ threadId: s.body.threadId! });
  await st;
  await a.disconnectRequest({ terminateDebuggee: true });
  await a.stop();
  const b = await client();
  const s2 = await attach(b);
  assert.equal(s2.body.reason, 'entry', 'a fresh machine, at the attach entry');
  await detach(b);
});

test('terminate ends the held run: the next attach starts the scenario afresh at the attach entry', { timeout: 30_000 }, async () => {
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
  assert.equal(
    (await b.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result,
    await (async () => {
      // the same stop as a fresh launch reaches
      const fresh = new TestClient('node', 'unused', 'vpci');
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
    })(),
  );
  await detach(b);
});

test('attach to an adapter that holds no machine is an error that says how to get one', { timeout: 30_000 }, async () => {
  const a = await client(barePort);
  await assert.rejects(a.attachRequest({}), /Nothing to attach to.*vpci-lab dap --port N --scenario FILE/);
  await a.stop();
});

test('a session attaches once: a second attach after a terminate, or a launch then, is refused (configurationDone, done already, never started them)', async () => {
  const dc = await client();
  await attach(dc);
  const ended = dc.waitForEvent('terminated');
  await dc.terminateRequest();
  await ended;
  await assert.rejects(dc.attachRequest({}), /This session already has a machine: attach in a new session/);
  await assert.rejects(dc.launchRequest({ scenario: CX3, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments), /launched a scenario already/);
  await dc.stop();
  // The machine is free for the next client, from its start.
  const next = await client();
  assert.equal((await attach(next)).body.reason, 'entry');
  await detach(next);
});
