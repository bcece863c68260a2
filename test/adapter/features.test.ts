// More DAP features, one test each: exceptions with exceptionInfo, MSI-X entry
// data breakpoints, logpoints, conditions and hit counts, instruction
// stepping, the hex toggle with `invalidated`, the views' custom requests and
// time travel to an event, restart, and completions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch as launchWith, cont as contWith, LISTINGS, VMBUS_PCIB } from './harness';

const CX3 = resolve('test/adapter/fixtures/cx3.vpci');
const FAULT = resolve('test/adapter/fixtures/fault.vpci');
const h = adapterTests();
let dc = h.client();

async function launch(scenario: string, extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  dc = h.client();
  return launchWith(dc, scenario, extra);
}

function cont(threadId = 1): Promise<DebugProtocol.StoppedEvent> {
  return contWith(dc, threadId);
}

function lineOf(text: string): number {
  return (
    readFileSync(VMBUS_PCIB, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

test('an injected fault stops as an exception, with exceptionInfo', async () => {
  await launch(FAULT);
  await dc.setExceptionBreakpointsRequest({ filters: ['fault'] });
  const s = await cont();
  assert.equal(s.body.reason, 'exception');
  const info = await dc.exceptionInfoRequest({ threadId: s.body.threadId! });
  // Named as the widget shows it ("Exception has occurred: Injected fault"), not by the filter's id.
  assert.equal(info.body.exceptionId, 'Injected fault');
  assert.equal(info.body.details?.typeName, 'Injected fault');
  assert.equal(info.body.breakMode, 'always');
  assert.match(info.body.description!, /Injected fault/);
  // Every name it gives can be evaluated (none is given for a trace event: no expression names one).
  const name = info.body.details?.evaluateName;
  if (name !== undefined) assert.ok((await dc.evaluateRequest({ expression: name, context: 'watch' })).body.result);
});

test('an exception filter given a condition is not set (no filter takes one): its answer says so, and the run does not stop there', async () => {
  await launch(FAULT);
  const r = await dc.setExceptionBreakpointsRequest({
    filters: [],
    filterOptions: [{ filterId: 'fault', condition: 'nic0.COMMAND == 0' }, { filterId: 'nope' }],
  });
  assert.deepEqual(r.body?.breakpoints, [
    { verified: false, message: 'The fault filter takes no condition: not set' },
    { verified: false, message: 'Unknown exception filter nope' },
  ]);
  assert.notEqual((await cont()).body.reason, 'exception');
  // The same filter without a condition (an empty one is none) is set.
  const ok = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'fault', condition: ' ' }] });
  assert.deepEqual(ok.body?.breakpoints, [{ verified: true }]);
});

test('host error statuses stop as exceptions: the refused version first, then the injected BAD_DATA', async () => {
  await launch(FAULT);
  await dc.setExceptionBreakpointsRequest({ filters: ['error-status'] });
  const s1 = await cont();
  assert.equal(s1.body.reason, 'exception');
  assert.match((await dc.exceptionInfoRequest({ threadId: s1.body.threadId! })).body.description!, /0xC0000059/);
  const s2 = await cont(s1.body.threadId);
  assert.equal(s2.body.reason, 'exception');
  const info = await dc.exceptionInfoRequest({ threadId: s2.body.threadId! });
  assert.equal(info.body.exceptionId, 'Host error status');
  assert.match(info.body.description!, /0xC000090B/);
});

test('data breakpoint on an MSI-X entry stops when the driver programs it', async () => {
  await launch(CX3);
  const info = await dc.dataBreakpointInfoRequest({ name: 'msix(nic0)[1]' });
  assert.equal(info.body.dataId, 'msix:nic0:0:1:16');
  await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
  const s = await cont();
  assert.equal(s.body.reason, 'data breakpoint');
  assert.match(s.body.text ?? '', /nic0 MSI-X entry 1/);
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  assert.ok(
    st.body.stackFrames.some((f) => /msix|mlx4|pci_/.test(f.name)),
    st.body.stackFrames.map((f) => f.name).join(' < '),
  );
});

test('logpoints print without stopping; conditions and hit counts pick the stop', async () => {
  await launch(CX3);
  const line = lineOf('version_req->protocol_version = version[i];');
  const out: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
  const set = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line, logMessage: 'negotiating at {now}, step {steps}' }] });
  assert.equal(set.body.breakpoints[0]!.verified, true);
  // A hit-count breakpoint on the same loop: the second attempt (1.1 after 1.4 was refused).
  const next = lineOf('ret = vmbus_chan_send(hbus->sc->chan');
  await dc.setBreakpointsRequest({
    source: { path: VMBUS_PCIB },
    breakpoints: [
      { line, logMessage: 'negotiating at {now}, step {steps}' },
      { line: next, hitCondition: '2' },
    ],
  });
  const s = await cont();
  assert.equal(s.body.reason, 'breakpoint');
  // `{now}` is virtual time as everywhere (5.007 100 ms); other numbers keep the hex toggle.
  assert.equal(out.filter((o) => /^negotiating at \d+(\.\d{3}( \d{3})*)? (ns|µs|ms|s), step 0x[0-9a-f]+$/m.test(o)).length, 2, out.join(''));
});

test('instruction granularity steps one bus transaction at a time', async () => {
  const e = await launch(CX3);
  const before = (await dc.customRequest('vpci/trace', { from: 0, count: 1000 })).body.total as number;
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.nextRequest({ threadId: e.body.threadId!, granularity: 'instruction' });
  await s;
  const t = (await dc.customRequest('vpci/trace', { from: 0, count: 1000 })).body.lines as string[];
  assert.ok(t.length > before);
  assert.match(t.join('\n'), /guest -> host .*QUERY_PROTOCOL_VERSION|vmbus: open/);
});

test("instruction granularity steps the thread it names: that thread's next bus transaction, not the first of any thread", async () => {
  // Two buses: the stop is on nic0's attach; nic1's management thread is stepped instead.
  const e = await launch(resolve('examples/quickstart.vpci'));
  const threads = (await dc.threadsRequest()).body.threads;
  const nic1 = threads.find((t) => /^nic1: vmbus mgmt taskqueue/.test(t.name))!.id;
  assert.notEqual(nic1, e.body.threadId);
  const before = (await dc.customRequest('vpci/trace', { from: 0, count: 1 })).body.total as number;
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.nextRequest({ threadId: nic1, granularity: 'instruction' });
  const stop = await s;
  assert.equal(stop.body.threadId, nic1);
  // The step's last trace line is nic1's transaction (nic0 attached first: it goes one thread at a time).
  const lines = (await dc.customRequest('vpci/trace', { from: before, count: 10_000 })).body.lines as string[];
  assert.match(lines[lines.length - 1]!, /\bnic1 +guest -> host .*QUERY_PROTOCOL_VERSION/);
});

test('hex toggle flips values to decimal and sends invalidated', async () => {
  const e = await launch(CX3);
  const inv = dc.waitForEvent('invalidated');
  const r = await dc.customRequest('vpci/toggleHex');
  assert.equal(r.body.hex, false);
  await inv;
  const st = await dc.stackTraceRequest({ threadId: e.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const dev = scopes.body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
  const header = top.find((v) => v.name === 'Header')!;
  const regs = (await dc.variablesRequest({ variablesReference: header.variablesReference })).body.variables;
  assert.equal(regs.find((v) => v.name === 'VENDOR_ID')!.value, String(0x15b3));
  assert.equal(regs.find((v) => v.name === 'VENDOR_ID')!.evaluateName, 'nic0.VENDOR_ID');
});

test('views: topology, the message list with details, and time travel to a message', async () => {
  await launch(CX3);
  const end = await cont();
  assert.equal(end.body.reason, 'end');
  const topo = (await dc.customRequest('vpci/topology')).body;
  assert.equal(topo.buses[0].name, 'nic0');
  assert.equal(topo.buses[0].version, '1.1');
  assert.equal(topo.buses[0].functions[0].interrupts.length, 3);
  const msgs = (await dc.customRequest('vpci/messages', { from: 0, count: 5 })).body;
  assert.ok(msgs.total > 10);
  assert.equal(msgs.items.length, 5);
  assert.match(msgs.items[0].name, /PCI_QUERY_PROTOCOL_VERSION/);
  assert.match(msgs.items[1].name, /PCI_QUERY_PROTOCOL_VERSION \(completion\)/);
  assert.match(msgs.items[1].status, /REVISION_MISMATCH \(0xC0000059\)/);
  // Config-window traffic between packets is summarised on the packet that follows it.
  const every = (await dc.customRequest('vpci/messages', { from: 0, count: msgs.total })).body;
  const withCfg = every.items.filter((x: { cfgBefore?: { count: number; reads: number } }) => x.cfgBefore);
  assert.ok(
    withCfg.length > 0 &&
      withCfg.every(
        (x: { cfgBefore: { count: number; reads: number; writes: number } }) =>
          x.cfgBefore.count === x.cfgBefore.reads + x.cfgBefore.writes && x.cfgBefore.count > 0,
      ),
  );
  const d = (await dc.customRequest('vpci/messageDetail', { index: msgs.items[0].index })).body;
  assert.equal(d.bytes.slice(0, 4), '0600');
  // The fields sit at their offsets in the bytes shown (the whole packet): the VMBus descriptor's
  // first, then the payload's after it (the Message Sequence view prints them beside its hex dump).
  const at = (name: string): number | undefined => d.fields.find((f: { name: string }) => f.name === name)?.offset;
  assert.equal(at('header_length'), 2);
  assert.equal(at('transaction_id'), 8);
  assert.equal(at('protocol_version'), d.descriptorLength + 4);
  assert.equal(
    parseInt(d.bytes.slice(2 * (d.descriptorLength + 4), 2 * (d.descriptorLength + 8)), 16),
    parseInt('04000100', 16),
    'protocol_version 1.4 at its offset in the bytes',
  );
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.customRequest('vpci/gotoEvent', { index: msgs.items[0].index });
  const g = await stopped;
  assert.equal(g.body.reason, 'goto');
  const after = (await dc.customRequest('vpci/topology')).body;
  assert.equal(after.buses[0].version, null, 'back before the version was agreed');
});

test('restart runs the scenario again from the start and keeps breakpoints', async () => {
  await launch(CX3);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_pci_enter_d0' }] });
  const s1 = await cont();
  assert.equal(s1.body.reason, 'function breakpoint');
  const entry = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  const order: string[] = [];
  for (const k of ['continued', 'invalidated', 'stopped'])
    dc.on(k, (e: DebugProtocol.Event) => order.push(k === 'continued' ? `continued all=${(e as DebugProtocol.ContinuedEvent).body.allThreadsContinued}` : k));
  await dc.restartRequest({ arguments: { scenario: CX3, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments });
  assert.equal((await entry).body.reason, 'entry');
  // Every thread ran, said first: VS Code answers invalidated by handling its last stop again, and
  // keeps a thread's old stop reason until it hears so ("Paused on end" at the new run's entry).
  assert.deepEqual(order, ['continued all=true', 'invalidated', 'stopped']);
  const s2 = await cont();
  assert.equal(s2.body.reason, 'function breakpoint');
  const st = await dc.stackTraceRequest({ threadId: s2.body.threadId! });
  assert.equal(st.body.stackFrames[0]!.name, 'hv_pci_enter_d0');
});

test('debug console completions offer buses, registers and commands', async () => {
  const e = await launch(CX3);
  const st = await dc.stackTraceRequest({ threadId: e.body.threadId! });
  const top = await dc.completionsRequest({ text: 'ni', column: 3, frameId: st.body.stackFrames[0]!.id });
  assert.ok(top.body.targets.some((t) => t.label === 'nic0'));
  assert.ok(top.body.targets.some((t) => t.label === 'lspci'));
  const regs = await dc.completionsRequest({ text: 'nic0.', column: 6 });
  assert.ok(regs.body.targets.some((t) => t.label === 'COMMAND'));
  const fields = await dc.completionsRequest({ text: 'nic0.COMMAND.', column: 14 });
  assert.ok(fields.body.targets.some((t) => t.label === 'MEMORY'));
  // After any other path and a dot: the fields of what it evaluates to.
  const labels = async (text: string) =>
    (await dc.completionsRequest({ text, column: text.length + 1, frameId: st.body.stackFrames[0]!.id })).body.targets.map((t) => t.label);
  assert.deepEqual(await labels('nic0.caps.'), ['exp', 'msix', 'pm']);
  assert.deepEqual(await labels('nic0.caps.msix.'), ['FLAGS', 'TABLE', 'PBA']);
  assert.deepEqual(await labels('msix(nic0)[0].'), ['address', 'data', 'masked']);
  assert.deepEqual(await labels('nic0.caps.nope.'), []);
});

test('the console offers a new bus (hot add) and the guest attaches it; pending transactions show in VMBus', async () => {
  const e = await launch(CX3);
  const r = await dc.evaluateRequest({ expression: 'offer nic9 mellanox-cx3-vf', context: 'repl' });
  assert.match(r.body.result, /offered nic9/);
  await assert.rejects(dc.evaluateRequest({ expression: 'offer nic9 mellanox-cx3-vf', context: 'repl' }), /exists already/);
  await assert.rejects(dc.evaluateRequest({ expression: 'offer nic8 no-such-device', context: 'repl' }));
  // Stop while the negotiation request is outstanding: it is listed as pending.
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_QUERY_PROTOCOL_VERSION' }] });
  const s = await cont(e.body.threadId);
  assert.equal(s.body.reason, 'function breakpoint');
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const vmbus = scopes.body.scopes.find((x) => x.name === 'VMBus')!;
  const buses = (await dc.variablesRequest({ variablesReference: vmbus.variablesReference })).body.variables;
  const pendingOf = async (bus: string) => {
    const b = buses.find((v) => v.name === bus)!;
    const kids = (await dc.variablesRequest({ variablesReference: b.variablesReference })).body.variables;
    return kids.find((v) => v.name === 'pending transactions')!.value;
  };
  const pending = [await pendingOf('nic0'), await pendingOf('nic9')].join(' | ');
  assert.match(pending, /PCI_QUERY_PROTOCOL_VERSION \(txid 0x[0-9a-f]+\)/);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  const end = await cont(s.body.threadId);
  assert.equal(end.body.reason, 'end');
  const topo = (await dc.customRequest('vpci/topology')).body;
  assert.deepEqual(
    topo.buses.map((b: { name: string; state: string }) => `${b.name}:${b.state}`),
    ['nic0:attached', 'nic9:attached'],
  );
});

test('a client without memory references, paging or memory events gets none of them', async () => {
  dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  let memoryEvents = 0;
  dc.on('memory', () => memoryEvents++);
  await dc.launchRequest({ scenario: CX3, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  const e = await stopped;
  const st = await dc.stackTraceRequest({ threadId: e.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const dev = scopes.body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
  assert.ok(top.every((v) => v.memoryReference === undefined));
  const cfg = top.find((v) => v.name === 'Config space')!;
  assert.equal(cfg.indexedVariables, 256);
  const rows = (await dc.variablesRequest({ variablesReference: cfg.variablesReference })).body.variables;
  assert.equal(rows.length, 256, 'a table under the cap comes whole');
  assert.equal(memoryEvents, 0);
});

test('a reference from before the last stop expands to nothing, never to another object', async () => {
  const e = await launch(CX3);
  const st = await dc.stackTraceRequest({ threadId: e.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const old = scopes.body.scopes.find((x) => x.name.startsWith('Device nic0'))!.variablesReference;
  assert.ok((await dc.variablesRequest({ variablesReference: old })).body.variables.length > 0);
  const stopped = dc.waitForEvent('stopped');
  await dc.nextRequest({ threadId: e.body.threadId! });
  await stopped;
  assert.deepEqual((await dc.variablesRequest({ variablesReference: old })).body.variables, []);
  await assert.rejects(dc.variablesRequest({ variablesReference: 99_999_999 }), /Unknown variablesReference/);
});

/** Locals of the top frame of `tid`, as name=value lines. */
async function topLocals(tid: number): Promise<string[]> {
  const st = await dc.stackTraceRequest({ threadId: tid });
  const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const locals = sc.body.scopes.find((s) => s.name.startsWith('Locals'))!;
  const v = await dc.variablesRequest({ variablesReference: locals.variablesReference });
  return v.body.variables.map((x) => `${x.name}=${x.value}`);
}

test('restart frame rewinds to the entry of a driver function, exactly; only guest frames can restart', async () => {
  const first = await launch(CX3);
  const launched = (await dc.stackTraceRequest({ threadId: first.body.threadId! })).body.stackFrames;
  const launchedAt = launched[0]!;
  assert.equal(launchedAt.name, 'vmbus_pcib_attach');
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_pci_protocol_negotiation' }] });
  const hit = await cont();
  const tid = hit.body.threadId!;
  const entry = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
  assert.equal(entry[0]!.name, 'hv_pci_protocol_negotiation');
  assert.equal(entry[1]!.name, 'vmbus_pcib_attach');
  assert.notEqual(entry[0]!.canRestart, false);
  const entryLocals = await topLocals(tid);
  const entryTrace = (await dc.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result;

  // run into the negotiation: the version request goes out and the host answers
  for (let i = 0; i < 6; i++) {
    const s = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: tid });
    await s;
  }
  const moved = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!;
  assert.equal(moved.name, 'hv_pci_protocol_negotiation');
  assert.notEqual(moved.line, entry[0]!.line);
  assert.notEqual((await dc.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result, entryTrace);

  const frames = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
  const restarted = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.restartFrameRequest({ frameId: frames[0]!.id });
  const r = await restarted;
  assert.equal(r.body.reason, 'restart');
  assert.equal(r.body.threadId, tid);
  const now = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
  assert.deepEqual(
    now.map((f) => [f.name, f.line]),
    entry.map((f) => [f.name, f.line]),
  );
  assert.deepEqual(await topLocals(tid), entryLocals);
  assert.equal((await dc.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result, entryTrace, 'the machine is where it was at the entry');

  // restarting vmbus_pcib_attach lands on its entry, where the launch stopped
  const attach = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames.find((f) => f.name === 'vmbus_pcib_attach')!;
  const again = dc.waitForEvent('stopped');
  await dc.restartFrameRequest({ frameId: attach.id });
  await again;
  const top = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
  assert.equal(top[0]!.name, 'vmbus_pcib_attach');
  assert.equal(top[0]!.line, launchedAt.line);
  assert.equal(top.length, launched.length);

  // the thread's outermost frame restarts before the thread's first step: the taskqueue loop's `while` test
  const loop = top.at(-1)!;
  assert.equal(loop.name, 'vmbus_mgmt_taskqueue_loop');
  const third = dc.waitForEvent('stopped');
  await dc.restartFrameRequest({ frameId: loop.id });
  await third;
  const root = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
  assert.deepEqual(
    root.map((f) => f.name),
    ['vmbus_mgmt_taskqueue_loop'],
  );
  const tq = readFileSync(root[0]!.source!.path!, 'utf8').split('\n');
  assert.match(tq[root[0]!.line - 1]!, /while \(\(tq->tq_flags & TQ_FLAGS_ACTIVE\) != 0\)/);

  // the scenario timeline and the host are not driver frames
  const sc = (await dc.stackTraceRequest({ threadId: 1_000_000 })).body.stackFrames[0]!;
  assert.equal(sc.canRestart, false);
  await assert.rejects(dc.restartFrameRequest({ frameId: sc.id }), /Only a guest driver frame can be restarted/);
  await assert.rejects(dc.restartFrameRequest({ frameId: 987_654 }), /Unknown frame 987654/);
  const threads = (await dc.threadsRequest()).body.threads;
  const host = threads.find((t) => /host VSP/.test(t.name))!;
  assert.equal((await dc.stackTraceRequest({ threadId: host.id })).body.stackFrames[0]!.canRestart, false);
});

test('Jump to Cursor moves the thread within its function without running what lies between', async () => {
  await launch(CX3);
  const from = lineOf('version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;');
  const to = lineOf('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, version_req');
  assert.ok(to > from);
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: from }] });
  const hit = await cont();
  const tid = hit.body.threadId!;
  const before = (await dc.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result;

  const targets = (await dc.gotoTargetsRequest({ source: { path: VMBUS_PCIB }, line: to })).body.targets;
  assert.equal(targets.length, 1);
  assert.equal(targets[0]!.line, to);
  assert.match(targets[0]!.label, /hv_pci_protocol_negotiation, line \d+/);
  const jumped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.gotoRequest({ threadId: tid, targetId: targets[0]!.id });
  const s = await jumped;
  assert.equal(s.body.reason, 'goto');
  const top = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!;
  assert.deepEqual([top.name, top.line], ['hv_pci_protocol_negotiation', to]);
  assert.equal((await dc.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result, before, 'nothing ran');

  // the jump is history: step over the send, back twice (over the jump), and forward again — the
  // replay arrives on the jumped path, not on the line the breakpoint stopped at
  const step = async (req: () => Promise<unknown>) => {
    const st = dc.waitForEvent('stopped');
    await req();
    await st;
    return (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!.line;
  };
  const afterSend = await step(() => dc.nextRequest({ threadId: tid }));
  assert.ok(afterSend > to, `the send ran (now at ${afterSend})`);
  assert.notEqual((await dc.evaluateRequest({ expression: 'trace 1', context: 'repl' })).body.result, before, 'the send put a packet in the trace');
  assert.equal(await step(() => dc.stepBackRequest({ threadId: tid })), to);
  const beforeJump = await step(() => dc.stepBackRequest({ threadId: tid }));
  assert.ok(beforeJump < from, `back before the jump (${beforeJump})`);
  assert.equal(await step(() => dc.nextRequest({ threadId: tid })), to, 'forward again lands where the jump put the thread');

  // a blank line has no target; nor has a line of a function no thread is in (vmbus_pcib_attach is
  // only the caller here): goto moves a thread within its current function, so it is not offered
  const lines = readFileSync(VMBUS_PCIB, 'utf8').split('\n');
  const blank = lines.findIndex((l, i) => i > lineOf('hv_pci_protocol_negotiation(struct hv_pcibus') && l.trim() === '') + 1;
  assert.ok(blank > 0 && blank < from, 'a blank line inside the function');
  assert.deepEqual((await dc.gotoTargetsRequest({ source: { path: VMBUS_PCIB }, line: blank })).body.targets, []);
  assert.deepEqual((await dc.gotoTargetsRequest({ source: { path: VMBUS_PCIB }, line: lineOf('hbus->cfg_res = bus_alloc_resource(') })).body.targets, []);
  await assert.rejects(dc.gotoRequest({ threadId: tid, targetId: 4242 }), /Unknown jump target 4242/);
});

test('Jump to Cursor onto a for header starts the loop afresh: its initialiser runs', async () => {
  await launch(CX3);
  const from = lineOf('version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;');
  const header = lineOf('for (i = 0; i < num_version; i++) {');
  const body = lineOf('version_req->protocol_version = version[i];');
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: from }] });
  const tid = (await cont()).body.threadId!;
  const [t] = (await dc.gotoTargetsRequest({ source: { path: VMBUS_PCIB }, line: header })).body.targets;
  assert.ok(t);
  const jumped = dc.waitForEvent('stopped');
  await dc.gotoRequest({ threadId: tid, targetId: t.id });
  await jumped;
  const top = async () => (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!.line;
  assert.equal(await top(), header);
  // step until the thread leaves the header: it enters the body with i = 0 (the loop was not skipped)
  for (let n = 0; n < 3 && (await top()) === header; n++) {
    const st = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: tid });
    await st;
  }
  assert.equal(await top(), body);
  const frame = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!;
  assert.match((await dc.evaluateRequest({ expression: 'i', frameId: frame.id, context: 'watch' })).body.result, /^(0x)?0$/);
});
