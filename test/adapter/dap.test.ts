// The debug adapter over real DAP traffic: an in-process TCP server on
// 127.0.0.1 and @vscode/debugadapter-testsupport's DebugClient. Each test is
// one feature, asserting what a user would see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, cont, launch, LISTINGS, VMBUS_PCIB } from './harness';

const SCENARIO = resolve('test/adapter/fixtures/cx3.vpci');
const h = adapterTests();
let dc = h.client();

async function launchStopped(extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  dc = h.client();
  return launch(dc, SCENARIO, { stopOnEntry: true, ...extra });
}

/** The listing line of the first statement of a driver function (from the written listing file). */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not in ${file}`);
  return i + 1;
}

test('launch stops at the entry of vmbus_pcib_attach, guest and host on separate threads', async () => {
  const s = await launchStopped();
  assert.equal(s.body.reason, 'entry');
  const th = await dc.threadsRequest();
  const names = th.body.threads.map((t) => t.name);
  assert.ok(names.includes('scenario timeline'));
  assert.ok(
    names.some((n) => /nic0: host VSP/.test(n)),
    names.join(', '),
  );
  assert.ok(
    names.some((n) => /nic0: vmbus mgmt taskqueue/.test(n)),
    names.join(', '),
  );
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  assert.equal(st.body.stackFrames[0]!.name, 'vmbus_pcib_attach');
  assert.equal(st.body.stackFrames[0]!.source?.path, VMBUS_PCIB);
  const lines = readFileSync(VMBUS_PCIB, 'utf8').split('\n');
  assert.ok(lines[st.body.stackFrames[0]!.line - 1]!.trim().length > 0, 'the frame stands on a statement');
  // The scenario timeline is its own thread, standing on the scenario's lines.
  const sc = await dc.stackTraceRequest({ threadId: 1_000_000 });
  assert.equal(sc.body.stackFrames[0]!.source?.path, SCENARIO);
});

test('stepping into a VMBus send shows the host handling it', async () => {
  await launchStopped();
  const line = lineOf(VMBUS_PCIB, 'ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, version_req');
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line }] });
  const s = await (async () => {
    const p = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.continueRequest({ threadId: 1 });
    return p;
  })();
  const stepped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.stepInRequest({ threadId: s.body.threadId! });
  const h = await stepped;
  assert.notEqual(h.body.threadId, s.body.threadId, 'the stop moved to the host thread');
  const st = await dc.stackTraceRequest({ threadId: h.body.threadId! });
  assert.match(st.body.stackFrames[0]!.name, /^vsp: handle PCI_QUERY_PROTOCOL_VERSION → REVISION_MISMATCH \(0xC0000059\)/);
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const locals = (await dc.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference })).body.variables;
  assert.deepEqual(
    locals.map((v) => v.name),
    ['request', 'reply'],
  );
  // The frame opens a generated page with the packet and the reply.
  const ref = st.body.stackFrames[0]!.source?.sourceReference ?? 0;
  assert.ok(ref > 0);
  const page = await dc.sourceRequest({ sourceReference: ref, source: { sourceReference: ref } });
  assert.match(page.body.content, /Request \(guest → host\):[\s\S]*Reply \(host → guest\):/);
});

test("an eject stepped through: the guest's eject work, then EJECTION_COMPLETE", async () => {
  dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
  let stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario: resolve('test/adapter/fixtures/eject.vpci'), listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  await stopped;
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_eject_device_work' }, { name: 'PCI_EJECTION_COMPLETE' }] });
  stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  const a = await stopped;
  assert.equal(a.body.reason, 'function breakpoint');
  assert.equal((await dc.stackTraceRequest({ threadId: a.body.threadId! })).body.stackFrames[0]!.name, 'hv_eject_device_work');
  stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: a.body.threadId! });
  const b = await stopped;
  assert.equal(b.body.reason, 'function breakpoint');
  assert.match(b.body.text ?? '', /PCI_EJECTION_COMPLETE sent to the host/);
});

test('a line breakpoint in the driver listing stops before that statement, in the named function', async () => {
  await launchStopped();
  const line = lineOf(VMBUS_PCIB, 'version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;');
  const set = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line }] });
  assert.equal(set.body.breakpoints[0]!.verified, true);
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  const s = await stopped;
  assert.equal(s.body.reason, 'breakpoint');
  assert.deepEqual(s.body.hitBreakpointIds, [set.body.breakpoints[0]!.id]);
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  assert.equal(st.body.stackFrames[0]!.name, 'hv_pci_protocol_negotiation');
  assert.equal(st.body.stackFrames[0]!.line, line);
  assert.equal(st.body.stackFrames[0]!.source?.path, VMBUS_PCIB);
  assert.ok(
    st.body.stackFrames.some((f) => f.name === 'vmbus_pcib_attach'),
    'the caller is on the stack',
  );
});

test('a breakpoint on a blank line moves to the next statement; one past the end is unverified with a reason', async () => {
  await launchStopped();
  const text = readFileSync(VMBUS_PCIB, 'utf8').split('\n');
  const blank = text.findIndex((l, i) => i > 20 && l.trim() === '') + 1;
  const r = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: blank }, { line: text.length + 50 }] });
  assert.equal(r.body.breakpoints[0]!.verified, true);
  assert.ok(r.body.breakpoints[0]!.line! > blank);
  assert.equal(r.body.breakpoints[1]!.verified, false);
  assert.ok(r.body.breakpoints[1]!.message);
});

test('a function breakpoint on a protocol message stops after the guest sends it', async () => {
  await launchStopped();
  const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_CREATE_INTERRUPT_MESSAGE' }, { name: 'no_such_thing' }] });
  assert.equal(r.body.breakpoints[0]!.verified, true);
  assert.equal(r.body.breakpoints[1]!.verified, false);
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  const s = await stopped;
  assert.equal(s.body.reason, 'function breakpoint');
  assert.match(s.body.text ?? '', /PCI_CREATE_INTERRUPT_MESSAGE sent to the host/);
});

test('data breakpoint on COMMAND: stops on the write with old and new value', async () => {
  await launchStopped();
  const info = await dc.dataBreakpointInfoRequest({ name: 'nic0.COMMAND' });
  assert.equal(info.body.dataId, 'cfg:nic0:0:4:2');
  assert.deepEqual(info.body.accessTypes, ['read', 'write', 'readWrite']);
  assert.equal(info.body.canPersist, true);
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
  assert.equal(set.body.breakpoints[0]!.verified, true);
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  const s = await stopped;
  assert.equal(s.body.reason, 'data breakpoint');
  assert.deepEqual(s.body.hitBreakpointIds, [set.body.breakpoints[0]!.id]);
  assert.match(s.body.text ?? '', /nic0\.COMMAND \(config 0x04, RW 0x0547\): 0x[0-9a-f]{4} → 0x[0-9a-f]{4}/);
});

test('Variables: the device scope decodes BARs and pages the MSI-X table', async () => {
  await launchStopped();
  // Run to the end so the driver has placed BARs and programmed MSI-X.
  const end = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  const s = await end;
  assert.equal(s.body.reason, 'end');
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const dev = scopes.body.scopes.find((x) => x.name.startsWith('Device nic0'));
  assert.ok(dev, scopes.body.scopes.map((x) => x.name).join(', '));
  const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
  const bars = top.find((v) => v.name === 'BARs')!;
  const barList = (await dc.variablesRequest({ variablesReference: bars.variablesReference })).body.variables;
  const bar2 = barList.find((v) => v.name === 'BAR2')!;
  assert.match(bar2.value, /^Memory at [0-9a-f]{8,} \(64-bit, prefetchable\) \[size=8M\]$/);
  assert.ok(bar2.memoryReference);
  const table = top.find((v) => v.name === 'MSI-X table')!;
  assert.ok(table.indexedVariables! >= 3);
  const page = (await dc.variablesRequest({ variablesReference: table.variablesReference, filter: 'indexed', start: 1, count: 2 })).body.variables;
  assert.deepEqual(
    page.map((v) => v.name),
    ['[1]', '[2]'],
  );
  assert.match(page[0]!.value, /^address 0xfee0[0-9a-f]{4} data 0x[0-9a-f]+$/);
});

test('setVariable honours RO/RW: VENDOR_ID is refused, COMMAND.MASTER is written', async () => {
  await launchStopped();
  const st = await dc.stackTraceRequest({ threadId: 1_000_000 });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const dev = scopes.body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
  const header = top.find((v) => v.name === 'Header')!;
  const regs = (await dc.variablesRequest({ variablesReference: header.variablesReference })).body.variables;
  await assert.rejects(dc.setVariableRequest({ variablesReference: header.variablesReference, name: 'VENDOR_ID', value: '0x1234' }), /read-only/);
  const cmd = regs.find((v) => v.name === 'COMMAND')!;
  const fields = await dc.variablesRequest({ variablesReference: cmd.variablesReference });
  assert.ok(fields.body.variables.some((v) => v.name === 'MASTER'));
  const r = await dc.setVariableRequest({ variablesReference: cmd.variablesReference, name: 'MASTER', value: '1' });
  assert.equal(r.body.value, '1');
  const ev = await dc.evaluateRequest({ expression: 'nic0.COMMAND.MASTER', context: 'watch' });
  assert.equal(ev.body.result, '1');
});

test('step back returns to the previous statement; reverse continue returns to the breakpoint', async () => {
  await launchStopped();
  const line = lineOf(VMBUS_PCIB, 'version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;');
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line }] });
  let stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  const s = await stopped;
  const tid = s.body.threadId!;
  for (let i = 0; i < 3; i++) {
    stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.nextRequest({ threadId: tid });
    await stopped;
  }
  const after3 = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!.line;
  assert.ok(after3 > line);
  stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.stepBackRequest({ threadId: tid });
  await stopped;
  const back1 = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!.line;
  assert.ok(back1 < after3 && back1 >= line, `stepped back to ${back1}`);
  stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.reverseContinueRequest({ threadId: tid });
  const r = await stopped;
  assert.equal(r.body.reason, 'breakpoint');
  assert.equal((await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!.line, line);
});

test('readMemory gives the config space bytes; the console runs lspci', async () => {
  await launchStopped();
  const mem = await dc.customRequest('readMemory', { memoryReference: 'cfg/nic0/0', offset: 0, count: 4 });
  const bytes = Buffer.from(mem.body!.data, 'base64');
  // Mellanox vendor 0x15b3, ConnectX-3 VF device 0x1004.
  assert.deepEqual([...bytes], [0xb3, 0x15, 0x04, 0x10]);
  const ev = await dc.evaluateRequest({ expression: 'lspci nic0', context: 'repl' });
  assert.match(ev.body.result, /Mellanox/);
  assert.match(ev.body.result, /MSI-X: Enable/);
});

test('bad requests get error responses and the session lives on', async () => {
  await launchStopped();
  await assert.rejects(dc.variablesRequest({ variablesReference: 987654 }), /stale|Unknown/);
  await assert.rejects(dc.evaluateRequest({ expression: '1 +', context: 'watch' }));
  await assert.rejects(dc.customRequest('vpci/nonsense'), /Unknown request/);
  await assert.rejects(dc.customRequest('evaluate', { expression: 42 }), /evaluate: argument 'expression' must be a string/);
  await assert.rejects(dc.customRequest('next', {}), /next: argument 'threadId' is required/);
  await assert.rejects(dc.customRequest('stepIn', { threadId: 424242 }), /Unknown thread 424242/);
  await assert.rejects(dc.customRequest('launch', null), /scenario/);
  const th = await dc.threadsRequest();
  assert.ok(th.body.threads.length >= 1);
});

/** A new session, initialized, and a scenario file `name` holding `text` in a new folder. */
async function badScenario(name: string, text: string): Promise<string> {
  dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
  const bad = join(mkdtempSync(join(tmpdir(), 'vpci-bad-')), name);
  writeFileSync(bad, text);
  return bad;
}

test('launch of a broken scenario fails with the error and its line', async () => {
  const bad = await badScenario('bad.vpci', 'vm {\n  host no-such-host\n}\nbus nic0 { function 0 no-such-device }\nat 0 boot\n');
  await assert.rejects(dc.launchRequest({ scenario: bad } as DebugProtocol.LaunchRequestArguments), /line 2|line 4/);
});

test('a broken scenario whose name holds a line break is named escaped, in the error and in the Debug Console', async () => {
  const bad = await badScenario('two\nlines.vpci', 'vm {\n  host no-such-host\n}\n');
  const said: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => said.push(e.body.output));
  await assert.rejects(dc.launchRequest({ scenario: bad } as DebugProtocol.LaunchRequestArguments), (e: Error) =>
    e.message.startsWith('two\\x0alines.vpci has 1 error: line 2'),
  );
  const diagnostics = said.filter((o) => o.includes('no-such-host'));
  assert.ok(diagnostics.length > 0, said.join(''));
  for (const o of diagnostics) assert.ok(o.startsWith(`${dirname(bad)}/two\\x0alines.vpci:2:`), o);
});

test('launch of a path the system cannot take says why in words: a NUL in the path, a folder', async () => {
  dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
  await assert.rejects(
    dc.launchRequest({ scenario: join(tmpdir(), 'a\u0000b.vpci') } as DebugProtocol.LaunchRequestArguments),
    (e: Error) => e.message === `Cannot load ${join(tmpdir(), 'a\\x00b.vpci')}: the path contains a NUL character`,
  );
  await assert.rejects(dc.launchRequest({ scenario: tmpdir() } as DebugProtocol.LaunchRequestArguments), /: is a folder, not a file$/);
});

test("a row's data breakpoint is its evaluateName's: Identity's revision (nic0.REVISION_ID) can be watched from the row, and nic0.bars[0] by name", async () => {
  const dc = h.client();
  await launch(dc, resolve('test/adapter/fixtures/two-functions.vpci'));
  await cont(dc);
  const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
  const rows: { v: DebugProtocol.Variable; parent: number }[] = [];
  const walk = async (ref: number, depth: number, paged = false): Promise<void> => {
    for (const v of (await dc.variablesRequest({ variablesReference: ref, ...(paged ? { start: 0, count: 3 } : {}) })).body.variables) {
      rows.push({ v, parent: ref });
      if (v.variablesReference && depth < 2) await walk(v.variablesReference, depth + 1, v.indexedVariables !== undefined);
    }
  };
  for (const s of (await dc.scopesRequest({ frameId: frame.id })).body.scopes) if (s.name.startsWith('Device ')) await walk(s.variablesReference, 0);
  const named = rows.filter((r) => r.v.evaluateName);
  assert.ok(named.some((r) => r.v.name === 'revision') && named.some((r) => r.v.evaluateName === 'nic0/01.2.bars[2]'));
  // "Break on Value Change" (the row, by its container) and a watch's (the expression) give one target: the row said
  // "'revision' is not a config-space register", the expression "'nic0.bars[0]' is not a config-space register".
  const differ: string[] = [];
  for (const { v, parent } of named) {
    const row = (await dc.dataBreakpointInfoRequest({ variablesReference: parent, name: v.name })).body;
    const byName = (await dc.dataBreakpointInfoRequest({ name: v.evaluateName!, frameId: frame.id })).body;
    if (row.dataId !== byName.dataId) differ.push(`${v.evaluateName}: row ${row.dataId ?? row.description}, expression ${byName.dataId ?? byName.description}`);
  }
  assert.deepEqual(differ, []);
  assert.equal((await dc.dataBreakpointInfoRequest({ name: 'nic0/1.2.bars[2]' })).body.dataId, 'cfg:nic0:65:24:8');
});
