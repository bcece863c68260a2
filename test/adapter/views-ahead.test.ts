// A stop's first views (the stopped thread's Call Stack, its top frame's scopes, the first scope's
// variables) are made as soon as the stopped event has left, while the client reads it
// (adapter/session.ts, viewsAhead). Over real DAP traffic: what the requests then get is what
// they would have got, in any slice of the stack, and a request that changes what the views show
// (a number format, a value set) in between is seen in them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch } from './harness';

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

test('a number format chosen after the stop shows in the first scope (toggle, or a variables request with format)', async () => {
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
  // VS Code's "hex" in a variables request of another scope sets the session's format.
  const hex = await firstScopeValues(third.body.threadId!, async () => {
    const st = await dc.stackTraceRequest({ threadId: third.body.threadId! });
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
    const bus = scopes.body.scopes.find((x) => x.name.startsWith('Bus '));
    assert.ok(bus);
    await dc.variablesRequest({ variablesReference: bus.variablesReference, format: { hex: true } });
  });
  assert.equal(hex.get('pci_ring_size'), '0x4000');
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
