// A stop's first views (the stopped thread's Call Stack, its top frame's scopes, the first scope's
// variables) are made as soon as the stopped event has left, while the client reads it
// (adapter/session.ts, viewsAhead). Over real DAP traffic: what the requests then get is what
// they would have got, in any slice of the stack, and a request that changes what the views show
// (a number format, a value set) in between is seen in them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connect, type AddressInfo } from 'node:net';
import { adapterTests, launch, LISTINGS } from './harness';
import { runTcp } from '../../adapter/server';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();

/** Lets the adapter's turn after a stop run (the views are made then), as a client's reading of the stop does. */
const afterTheStop = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** The next stop after a `next` on `threadId`. */
async function next(threadId: number): Promise<DebugProtocol.StoppedEvent> {
  const dc = h.client();
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.nextRequest({ threadId });
  return s;
}

/** What a frame shows, without its id. */
const shown = (f: DebugProtocol.StackFrame) => ({ name: f.name, line: f.line, path: f.source?.path, hint: f.presentationHint });

async function firstScopeValues(threadId: number, between?: () => Promise<void>): Promise<Map<string, string>> {
  const dc = h.client();
  const st = await dc.stackTraceRequest({ threadId, startFrame: 0, levels: 20 });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  await between?.();
  const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference });
  return new Map(vars.body.variables.map((v) => [v.name, v.value]));
}

test('the Call Stack answers every slice of the stopped thread from one set of frames, as the whole stack reads', async () => {
  const dc = h.client();
  let s = await launch(dc, QUICKSTART, { stopOnEntry: true });
  for (let i = 0; i < 6; i++) {
    const threadId = s.body.threadId!;
    await afterTheStop();
    // VS Code asks the top frame first and the rest later (supportsDelayedStackTraceLoading).
    const top = await dc.stackTraceRequest({ threadId, startFrame: 0, levels: 1 });
    const rest = await dc.stackTraceRequest({ threadId, startFrame: 1, levels: 19 });
    const whole = await dc.stackTraceRequest({ threadId });
    assert.equal(top.body.stackFrames.length, 1);
    assert.equal(top.body.totalFrames, whole.body.totalFrames);
    assert.equal(rest.body.totalFrames, whole.body.totalFrames);
    assert.deepEqual([...top.body.stackFrames, ...rest.body.stackFrames].map(shown), whole.body.stackFrames.map(shown));
    // One stop, one frame id per frame: the top frame VS Code selected is the one it later lists.
    assert.equal(top.body.stackFrames[0]!.id, whole.body.stackFrames[0]!.id);
    const scopes = await dc.scopesRequest({ frameId: top.body.stackFrames[0]!.id });
    assert.match(scopes.body.scopes[0]!.name, /^Locals: /);
    s = await next(threadId);
  }
});

test('a number format chosen after the stop shows in the first scope (the toggle; a variables request with format gets its own)', async () => {
  const dc = h.client();
  const s = await launch(dc, QUICKSTART, { stopOnEntry: true });
  const threadId = s.body.threadId!;
  await afterTheStop();
  assert.equal((await firstScopeValues(threadId)).get('pci_ring_size'), '0x4000');
  const again = await next(threadId);
  await afterTheStop();
  const decimal = await firstScopeValues(again.body.threadId!, async () => {
    await dc.customRequest('vpci/toggleHex', { hex: false });
  });
  assert.equal(decimal.get('pci_ring_size'), '16384');
  const third = await next(again.body.threadId!);
  await afterTheStop();
  // A variables request's format (DAP: how that answer is formatted; Visual Studio sends it with
  // every request) answers it in hex, and leaves the session's decimal to the requests after it.
  const still = await firstScopeValues(third.body.threadId!, async () => {
    const st = await dc.stackTraceRequest({ threadId: third.body.threadId! });
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
    const first = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference, format: { hex: true } });
    assert.equal(first.body.variables.find((v) => v.name === 'pci_ring_size')?.value, '0x4000');
  });
  assert.equal(still.get('pci_ring_size'), '16384');
  // And the other way round: decimal for one answer, while the session shows hex.
  await dc.customRequest('vpci/toggleHex', { hex: true });
  const st = await dc.stackTraceRequest({ threadId: third.body.threadId! });
  const scope = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes[0]!.variablesReference;
  const once = await dc.variablesRequest({ variablesReference: scope, format: { hex: false } });
  assert.equal(once.body.variables.find((v) => v.name === 'pci_ring_size')?.value, '16384');
  const after = await dc.variablesRequest({ variablesReference: scope });
  assert.equal(after.body.variables.find((v) => v.name === 'pci_ring_size')?.value, '0x4000');
});

test('a value set after the stop, before the first scope is read, shows in it', async () => {
  const dc = h.client();
  let s = await launch(dc, QUICKSTART, { stopOnEntry: true });
  // attach's `ret` can be set once the driver has assigned it (a dozen statements in)
  for (let i = 0; i < 40; i++) {
    const threadId = s.body.threadId!;
    await afterTheStop();
    const st = await dc.stackTraceRequest({ threadId });
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
    const locals = scopes.body.scopes[0]!.variablesReference;
    const set = await dc.setVariableRequest({ variablesReference: locals, name: 'ret', value: '0x12' }).catch(() => undefined);
    if (set) {
      assert.equal(set.body.value, '0x12');
      const vars = await dc.variablesRequest({ variablesReference: locals });
      assert.equal(vars.body.variables.find((v) => v.name === 'ret')?.value, '0x12');
      return;
    }
    s = await next(threadId);
  }
  assert.fail('attach never assigned ret');
});

test('threads made ahead are what a threads request works out afresh at the same stop', async () => {
  const dc = h.client();
  let s = await launch(dc, QUICKSTART, { stopOnEntry: true });
  for (let i = 0; i < 12; i++) {
    await afterTheStop();
    const ahead = await dc.threadsRequest(); // made ahead
    const afresh = await dc.threadsRequest(); // the one made ahead is answered once
    assert.deepEqual(ahead.body, afresh.body);
    assert.ok(ahead.body.threads.some((t) => t.id === s.body.threadId));
    s = await next(s.body.threadId!);
  }
});

/** A raw DAP connection: what the adapter writes, frame by frame, checked as a strict client reads it. */
function rawClient(port: number) {
  const sock = connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let seq = 1;
  const messages: Record<string, unknown>[] = [];
  const waiting: { test: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  let broken: Error | undefined;
  sock.on('data', (d: Buffer) => {
    try {
      read(d);
    } catch (e) {
      // A frame a strict client cannot read fails whatever waits, at once.
      broken = e instanceof Error ? e : new Error(String(e));
      for (const w of waiting.splice(0)) w.reject(broken);
    }
  });
  const read = (d: Buffer): void => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const header = buf.subarray(0, h).toString('latin1');
      const m = /^Content-Length: (\d+)$/.exec(header);
      assert.ok(m, `a header that is not one Content-Length line: ${JSON.stringify(header)}`);
      const len = Number(m[1]);
      if (buf.length < h + 4 + len) return;
      const body = buf.subarray(h + 4, h + 4 + len).toString('utf8');
      buf = buf.subarray(h + 4 + len);
      // The Content-Length counts bytes: a body cut short or run long does not parse, or leaves junk before the next header.
      const msg = JSON.parse(body) as Record<string, unknown>;
      messages.push(msg);
      const i = waiting.findIndex((w) => w.test(msg));
      if (i >= 0) waiting.splice(i, 1)[0]!.resolve(msg);
    }
  };
  const wait = (test: (m: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => (broken ? reject(broken) : waiting.push({ test, resolve, reject })));
  const request = (command: string, args: unknown = {}) => {
    const s = seq++;
    const json = JSON.stringify({ seq: s, type: 'request', command, arguments: args });
    sock.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    return wait((m) => m.type === 'response' && m.request_seq === s) as Promise<{ success: boolean; body: never; request_seq: number }>;
  };
  return { sock, messages, wait, request };
}

test('views made ahead go out as every message does: numbered in one sequence with the rest, framed by their length in bytes (non-ASCII text included)', async () => {
  const server = await runTcp(0);
  const c = rawClient((server.address() as AddressInfo).port);
  try {
    await c.request('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    let stopped = c.wait((m) => m.event === 'stopped');
    await c.request('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true });
    await c.request('configurationDone');
    for (let i = 0; i < 8; i++) {
      const s = (await stopped) as { body: { threadId: number } };
      await afterTheStop();
      await c.request('threads');
      const st = await c.request('stackTrace', { threadId: s.body.threadId, startFrame: 0, levels: 1 });
      const frame = (st.body as { stackFrames: { id: number }[] }).stackFrames[0]!;
      const scopes = await c.request('scopes', { frameId: frame.id });
      await c.request('variables', { variablesReference: (scopes.body as { scopes: { variablesReference: number }[] }).scopes[0]!.variablesReference });
      await c.request('stackTrace', { threadId: s.body.threadId, startFrame: 1, levels: 19 });
      stopped = c.wait((m) => m.event === 'stopped');
      await c.request('next', { threadId: s.body.threadId });
    }
    await stopped;
    assert.deepEqual(
      c.messages.map((m) => m.seq),
      c.messages.map((_, i) => i + 1),
    );
    assert.ok(c.messages.every((m) => m.type !== 'response' || m.success === true));
    // The Locals of vmbus_pcib_attach show a softc cut short with '…': bytes and characters differ there.
    const variables = c.messages.filter((m) => m.command === 'variables');
    assert.ok(variables.some((m) => JSON.stringify(m).includes('…')));
  } finally {
    c.sock.destroy();
    server.close();
  }
});
