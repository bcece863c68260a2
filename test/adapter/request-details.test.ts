// Optional request arguments as the DAP specification defines them, each as a client that sends
// it means it (debugProtocol.d.ts): what a count of 0 asks for, what a `format` asks of a
// response's value, and a container's rows named before the client listed them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, refused } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();

/** The rows of the scope or row named `name` among `rows`. */
function named(rows: { name: string; variablesReference: number }[], name: string): number {
  const r = rows.find((x) => x.name === name || x.name.startsWith(`${name} `));
  assert.ok(r, `${name} not in ${rows.map((x) => x.name).join(', ')}`);
  return r.variablesReference;
}

/** The device scope of nic0 at the first stop. */
async function nic0(dc: ReturnType<typeof h.client>, stop: DebugProtocol.StoppedEvent): Promise<number> {
  const st = await dc.stackTraceRequest({ threadId: stop.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  return named(scopes.body.scopes, 'Device nic0/00.0:');
}

test('variables with count 0 returns all of the rows, as without a count (DAP: "If count is missing or 0, all variables are returned")', async () => {
  const dc = h.client();
  const dev = await nic0(dc, await launch(dc, QUICKSTART));
  const top = (await dc.variablesRequest({ variablesReference: dev })).body.variables;
  const table = top.find((v) => v.name === 'MSI-X table')!;
  const all = (await dc.variablesRequest({ variablesReference: table.variablesReference })).body.variables.map((v) => v.name);
  assert.deepEqual(all, ['[0]', '[1]', '[2]']);
  assert.deepEqual(
    (await dc.variablesRequest({ variablesReference: table.variablesReference, start: 0, count: 0 })).body.variables.map((v) => v.name),
    all,
  );
  assert.deepEqual(
    (await dc.variablesRequest({ variablesReference: table.variablesReference, start: 1, count: 0 })).body.variables.map((v) => v.name),
    ['[1]', '[2]'],
  );
  const header = named(top, 'Header');
  const rows = (await dc.variablesRequest({ variablesReference: header })).body.variables.map((v) => v.name);
  assert.deepEqual(
    (await dc.variablesRequest({ variablesReference: header, count: 0 })).body.variables.map((v) => v.name),
    rows,
  );
});

test("setVariable and setExpression answer in the format they ask for (DAP: how to format the response value), and leave the session's as it was", async () => {
  const dc = h.client();
  const dev = await nic0(dc, await launch(dc, QUICKSTART));
  const header = named((await dc.variablesRequest({ variablesReference: dev })).body.variables, 'Header');
  await dc.variablesRequest({ variablesReference: header });
  const set = await dc.setVariableRequest({ variablesReference: header, name: 'COMMAND', value: '6', format: { hex: false } });
  assert.equal(set.body.value, '6');
  assert.equal((await dc.setVariableRequest({ variablesReference: header, name: 'COMMAND', value: '6' })).body.value, '0x0006');
  const expr = (await dc.customRequest('setExpression', {
    expression: 'nic0.COMMAND',
    value: '2',
    format: { hex: false },
  })) as DebugProtocol.SetExpressionResponse;
  assert.equal(expr.body.value, '2');
  assert.equal(
    ((await dc.customRequest('setExpression', { expression: 'nic0.COMMAND', value: '2' })) as DebugProtocol.SetExpressionResponse).body.value,
    '0x0002',
  );
  const rows = (await dc.variablesRequest({ variablesReference: header })).body.variables;
  assert.equal(rows.find((v) => v.name === 'COMMAND')?.value, '0x0002');
});

test('setVariable and dataBreakpointInfo find a row of a container the client has not listed at this stop', async () => {
  const dc = h.client();
  const dev = await nic0(dc, await launch(dc, QUICKSTART));
  const top = (await dc.variablesRequest({ variablesReference: dev })).body.variables;
  const header = named(top, 'Header');
  // Header listed, COMMAND's fields not: the client knows COMMAND's reference and its fields' names.
  const command = (await dc.variablesRequest({ variablesReference: header })).body.variables.find((v) => v.name === 'COMMAND')!;
  const info = await dc.dataBreakpointInfoRequest({ variablesReference: command.variablesReference, name: 'MEMORY' });
  assert.equal(info.body.dataId, 'cfg:nic0:0:4:1');
  assert.equal((await dc.setVariableRequest({ variablesReference: command.variablesReference, name: 'MEMORY', value: '1' })).body.value, '1');
  assert.equal((await dc.evaluateRequest({ expression: 'nic0.COMMAND.MEMORY', context: 'watch' })).body.result, '1');
  // A row of an indexed table that was never paged in.
  const table = named(top, 'MSI-X table');
  assert.equal((await dc.dataBreakpointInfoRequest({ variablesReference: table, name: '[2]' })).body.dataId, 'msix:nic0:0:2:16');
  assert.equal((await dc.dataBreakpointInfoRequest({ variablesReference: table, name: '[3]' })).body.dataId, null);
  // A name the container does not have is still refused.
  assert.match(await refused(dc.setVariableRequest({ variablesReference: command.variablesReference, name: 'NOPE', value: '1' })), /No variable NOPE/);
});

test('a stack frame without a source has line and column 0 (DAP StackFrame), for 1-based clients too', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // The host thread, stopped after it handled a packet: its second frame is a label with no source.
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  await s;
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const bare = frames.filter((f) => !f.source);
  assert.ok(bare.length > 0, JSON.stringify(frames));
  for (const f of bare) assert.deepEqual([f.line, f.column], [0, 0], f.name);
  for (const f of frames.filter((x) => x.source)) assert.ok(f.line >= 1 && f.column === 1, f.name);
});

test("stackTrace honours its format (DAP StackFrameFormat, part of supportsValueFormattingOptions): a driver frame's C parameters and its line", async () => {
  const dc = h.client();
  const stop = await launch(dc, QUICKSTART, { stopOnEntry: true });
  const names = async (format?: DebugProtocol.StackFrameFormat): Promise<string[]> =>
    (await dc.stackTraceRequest({ threadId: stop.body.threadId!, ...(format ? { format } : {}) })).body.stackFrames.map((f) => f.name);
  const plain = await names();
  assert.equal(plain[0], 'vmbus_pcib_attach');
  const top = (await dc.stackTraceRequest({ threadId: stop.body.threadId! })).body.stackFrames[0]!;
  const full = await names({ parameters: true, parameterTypes: true, parameterNames: true, parameterValues: true, line: true });
  assert.match(full[0]!, /^vmbus_pcib_attach\(device_t dev = nic0: Hyper-V PCI Express Pass Through …\) Line (\d+)$/);
  assert.equal(Number(/Line (\d+)$/.exec(full[0]!)![1]), top.line);
  assert.equal((await names({ parameters: true, parameterValues: false }))[0], 'vmbus_pcib_attach(dev)');
  assert.equal((await names({ parameters: true, parameterTypes: true, parameterValues: false }))[1], 'vmbus_mgmt_taskqueue_loop(void *arg)');
  assert.equal((await names({ line: true }))[0], `vmbus_pcib_attach Line ${top.line}`);
  // The timeline's frame takes the line; it has no parameters.
  const timeline = (await dc.stackTraceRequest({ threadId: 1_000_000, format: { parameters: true, line: true } })).body.stackFrames[0]!;
  assert.equal(timeline.name, `at 2 ms: driver nic0 msix 3 Line ${timeline.line}`);
  // Without a format, as before.
  assert.deepEqual(await names(), plain);
});

test('a read-only register is refused by setExpression and the Debug Console, as by setVariable: not answered "set" to the value it kept', async () => {
  const dc = h.client();
  const dev = await nic0(dc, await launch(dc, QUICKSTART));
  const header = named((await dc.variablesRequest({ variablesReference: dev })).body.variables, 'Header');
  await dc.variablesRequest({ variablesReference: header });
  assert.match(await refused(dc.setVariableRequest({ variablesReference: header, name: 'VENDOR_ID', value: '1' })), /VENDOR_ID is read-only/);
  assert.match(await refused(dc.customRequest('setExpression', { expression: 'nic0.VENDOR_ID', value: '1' })), /^nic0\.VENDOR_ID is read-only$/);
  assert.match(await refused(dc.evaluateRequest({ expression: 'nic0.caps.msix.TABLE = 0', context: 'repl' })), /^nic0\.caps\.msix\.TABLE is read-only$/);
  assert.equal((await dc.evaluateRequest({ expression: 'nic0.VENDOR_ID', context: 'watch' })).body.result, '0x8086');
  // A register with writable bits still takes a value.
  assert.equal(
    ((await dc.customRequest('setExpression', { expression: 'nic0.COMMAND', value: '2' })) as DebugProtocol.SetExpressionResponse).body.value,
    '0x0002',
  );
});

test("an MSI-X entry's register rows carry an evaluateName (Add to Watch, Copy as Expression) that reads their value", async () => {
  const dc = h.client();
  const first = await launch(dc, QUICKSTART);
  const end = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: first.body.threadId! });
  const dev = await nic0(dc, await end);
  const table = named((await dc.variablesRequest({ variablesReference: dev })).body.variables, 'MSI-X table');
  const entry = (await dc.variablesRequest({ variablesReference: table, start: 1, count: 1 })).body.variables[0]!;
  const rows = (await dc.variablesRequest({ variablesReference: entry.variablesReference })).body.variables;
  const asNumber = (text: string): bigint => BigInt(/^0x[0-9a-f]+|^\d+/.exec(text)![0]);
  for (const name of ['LOWER_ADDR', 'UPPER_ADDR', 'DATA', 'VECTOR_CTRL']) {
    const row = rows.find((r) => r.name === name)!;
    assert.ok(row.evaluateName, `${name} has an evaluateName`);
    const r = await dc.evaluateRequest({ expression: row.evaluateName, context: 'watch' });
    assert.equal(asNumber(r.body.result), asNumber(row.value), `${name}: ${row.evaluateName} = ${r.body.result}, the row reads ${row.value}`);
  }
  assert.equal(asNumber(rows.find((r) => r.name === 'LOWER_ADDR')!.value) >> 20n, 0xfeen, 'an address the host programmed');
});

test('setVariable on a container the session never gave names the container, not the row; a stale one says to expand again', async () => {
  const dc = h.client();
  const s = await launch(dc, QUICKSTART);
  assert.equal(await refused(dc.setVariableRequest({ variablesReference: 987654, name: 'COMMAND', value: '1' })), 'Unknown variablesReference 987654');
  const dev = await nic0(dc, s);
  const header = named((await dc.variablesRequest({ variablesReference: dev })).body.variables, 'Header');
  const stopped = dc.waitForEvent('stopped');
  await dc.nextRequest({ threadId: s.body.threadId! });
  await stopped;
  assert.equal(
    await refused(dc.setVariableRequest({ variablesReference: header, name: 'COMMAND', value: '1' })),
    `variablesReference ${header} is from before the last stop: expand the row again`,
  );
});

test('source takes the top-level sourceReference when the source it names has none (0), as older clients send it', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // A host frame's generated document: the host thread after it handled a packet.
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_QUERY_BUS_RELATIONS' }] });
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  await s;
  let ref = 0;
  for (const t of (await dc.threadsRequest()).body.threads)
    for (const f of (await dc.stackTraceRequest({ threadId: t.id })).body.stackFrames) ref ||= f.source?.sourceReference ?? 0;
  assert.ok(ref > 0, 'a generated source');
  const direct = (await dc.sourceRequest({ sourceReference: ref })).body.content;
  const old = (await dc.sourceRequest({ source: { name: 'vsp', sourceReference: 0 }, sourceReference: ref })).body.content;
  assert.equal(old, direct);
});
