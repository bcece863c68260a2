// What the Variables view shows of a PCI function, over real DAP traffic: register and field
// names as Linux pci_regs.h spells them, hex by default with a working toggle, group rows that
// are not drawn as disabled, a one-line summary on every capability (from its capability
// object), device menu items only on device rows, write access read from the config space's
// own masks, and a BAR shown as sizing / unassigned / at its address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, cont, launch, refused } from './harness';
import { functionTarget, rowReference } from '../../extension/topology-model';

const SCENARIO = resolve('test/adapter/fixtures/vars.vpci');
const h = adapterTests();

type Var = DebugProtocol.Variable & { __vscodeVariableMenuContext?: string };

async function children(ref: number): Promise<Var[]> {
  return (await h.client().variablesRequest({ variablesReference: ref })).body.variables;
}
function byName(vs: Var[], name: string): Var {
  const v = vs.find((x) => x.name === name);
  assert.ok(v, `${name} not in ${vs.map((x) => x.name).join(', ')}`);
  return v;
}

async function deviceScope(threadId: number, bus: string): Promise<Var[]> {
  const dc = h.client();
  const st = await dc.stackTraceRequest({ threadId });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const dev = scopes.body.scopes.find((x) => x.name.startsWith(`Device ${bus}`));
  assert.ok(dev, scopes.body.scopes.map((x) => x.name).join(', '));
  return children(dev.variablesReference);
}

async function runToEnd(): Promise<number> {
  const dc = h.client();
  await launch(dc, SCENARIO, { stopOnEntry: true });
  const s = await cont(dc);
  assert.equal(s.body.reason, 'end');
  return s.body.threadId!;
}

test('registers and fields carry pci_regs.h names; numbers are hex; group rows are not greyed out', async () => {
  const tid = await runToEnd();
  const top = await deviceScope(tid, 'nic0');
  assert.deepEqual(
    top.map((v) => v.name),
    ['Identity', 'Header', 'BARs', 'Capabilities', 'MSI-X table', 'MSI-X PBA', 'Config space'],
  );
  // presentationHint.kind 'virtual' draws a row dimmed in VS Code: no group row uses it.
  for (const v of top) assert.notEqual(v.presentationHint?.kind, 'virtual', v.name);
  const header = await children(byName(top, 'Header').variablesReference);
  assert.deepEqual(header.map((v) => v.name).slice(0, 12), [
    'VENDOR_ID',
    'DEVICE_ID',
    'COMMAND',
    'STATUS',
    'REVISION_ID',
    'CLASS_PROG',
    'CLASS_DEVICE',
    'CACHE_LINE_SIZE',
    'LATENCY_TIMER',
    'HEADER_TYPE',
    'BIST',
    'BASE_ADDRESS_0',
  ]);
  for (const n of ['ROM_ADDRESS', 'CAPABILITY_LIST', 'INTERRUPT_PIN']) byName(header, n);
  const command = byName(header, 'COMMAND');
  assert.match(command.value, /^0x[0-9a-f]{4}$/);
  assert.equal(command.evaluateName, 'nic0.COMMAND');
  const cmdFields = await children(command.variablesReference);
  assert.deepEqual(
    cmdFields.map((v) => v.name),
    ['IO', 'MEMORY', 'MASTER', 'SPECIAL', 'INVALIDATE', 'VGA_PALETTE', 'PARITY', 'WAIT', 'SERR', 'FAST_BACK', 'INTX_DISABLE'],
  );
  assert.equal(byName(cmdFields, 'MEMORY').type, 'bit 1, RW');
  assert.equal(byName(cmdFields, 'SPECIAL').type, 'bit 3, RO');
  const status = await children(byName(header, 'STATUS').variablesReference);
  assert.equal(byName(status, 'REC_MASTER_ABORT').type, 'bit 13, RW1C');
  assert.equal(byName(status, 'CAP_LIST').presentationHint?.attributes?.[0], 'readOnly');
  // The toggle: decimal, then hex again.
  await h.client().customRequest('vpci/toggleHex', { hex: false });
  const dec = await children(byName(await deviceScope(tid, 'nic0'), 'Header').variablesReference);
  assert.match(byName(dec, 'VENDOR_ID').value, /^32902$/);
  await h.client().customRequest('vpci/toggleHex', { hex: true });
  const hex = await children(byName(await deviceScope(tid, 'nic0'), 'Header').variablesReference);
  assert.equal(byName(hex, 'VENDOR_ID').value, '0x8086');
});

test('every capability row has a summary; registers and lspci lines underneath', async () => {
  const tid = await runToEnd();
  const caps = await children(byName(await deviceScope(tid, 'nic0'), 'Capabilities').variablesReference);
  assert.deepEqual(
    caps.map((v) => v.name),
    ['[0x70] MSI-X', '[0xa0] Express', '[0x100] Advanced Error Reporting', '[0x150] Alternative Routing-ID Interpretation (ARI)'],
  );
  assert.equal(byName(caps, '[0x100] Advanced Error Reporting').value, 'UE 0 CE 0, first error —');
  assert.match(byName(caps, '[0x150] Alternative Routing-ID Interpretation (ARI)').value, /^next function \d+$/);
  assert.match(byName(caps, '[0x70] MSI-X').value, /^enabled, 3 vectors, table BAR3\+0x0, PBA BAR3\+0x2000$/);
  const msix = await children(byName(caps, '[0x70] MSI-X').variablesReference);
  assert.deepEqual(
    msix.map((v) => v.name),
    ['FLAGS', 'TABLE', 'PBA', 'lspci -vvv'],
  );
  assert.equal(byName(msix, 'FLAGS').evaluateName, 'nic0.caps.msix.FLAGS');
  const lspci = byName(msix, 'lspci -vvv');
  assert.equal(lspci.value, '[70] MSI-X: Enable+ Count=3 Masked-');
  assert.deepEqual(
    (await children(lspci.variablesReference)).map((v) => v.value),
    ['Vector table: BAR=3 offset=00000000', 'PBA: BAR=3 offset=00002000'],
  );
  // The NVMe's capabilities the emulator does not model register by register still say something.
  const nvme = await children(byName(await deviceScope(tid, 'nvme0'), 'Capabilities').variablesReference);
  for (const c of nvme) assert.ok(c.value.trim().length > 0, `${c.name} has a summary`);
  assert.match(byName(nvme, '[0x178] Secondary PCI Express').value, /LnkCtl3:/);
  assert.equal(byName(nvme, '[0x1d4] Extended Capability ID 0x2a').value, 'present');
});

test('device commands are offered on device rows only (menu context), not on locals', async () => {
  const dc = h.client();
  const s = await launch(dc, SCENARIO, { stopOnEntry: true });
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const locals = await children(scopes[0]!.variablesReference);
  for (const v of locals) assert.equal(v.__vscodeVariableMenuContext, undefined, v.name);
  const dev = scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const top = await children(dev.variablesReference);
  for (const v of top) assert.equal(v.__vscodeVariableMenuContext, 'vpciDevice', v.name);
  const header = await children(byName(top, 'Header').variablesReference);
  assert.equal(byName(header, 'COMMAND').__vscodeVariableMenuContext, 'vpciDevice');
});

test('every row under a function finds that function for the context menu: by its own names, else vpci/functionOf of its container', async () => {
  // Two functions on one bus (00.0 and 01.2), so a row found under the wrong one shows.
  const file = resolve('test/adapter/fixtures/two-functions.vpci');
  const dc = h.client();
  await launch(dc, file, { stopOnEntry: true });
  const s = await cont(dc);
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes.filter((x) => x.name.startsWith('Device '));
  assert.equal(scopes.length, 2);
  let byAdapter = 0;
  for (const scope of scopes) {
    const want = { bus: 'nic0', wslot: scope.name.startsWith('Device nic0/01.2') ? 0x41 : 0 };
    // As VS Code passes them: the row and its container (a Variable, or the Scope), each toDebugProtocolObject's fields.
    type Row = { name: string; variablesReference: number; evaluateName?: string; memoryReference?: string; indexedVariables?: number };
    const walk = async (container: Row, depth: number) => {
      // (a table's first rows: the config space has 256)
      const window = container.indexedVariables ? { start: 0, count: 4 } : {};
      const rows = (await dc.variablesRequest({ variablesReference: container.variablesReference, ...window })).body.variables as Var[];
      for (const v of rows) {
        if (v.__vscodeVariableMenuContext !== 'vpciDevice') continue;
        const arg = {
          container,
          variable: {
            name: v.name,
            value: v.value,
            variablesReference: v.variablesReference,
            evaluateName: v.evaluateName,
            memoryReference: v.memoryReference,
          },
        };
        let got = functionTarget(arg);
        if (!got) {
          byAdapter++;
          got = (await dc.customRequest('vpci/functionOf', { variablesReference: rowReference(arg) })).body as typeof got;
        }
        assert.deepEqual(got, want, `${scope.name} … ${container.name} › ${v.name}`);
        if (v.variablesReference && depth < 3) await walk(v, depth + 1);
      }
    };
    await walk(scope, 0);
  }
  // Identity's rows (vendor … driver), each capability's lspci lines and the PBA's words found no function.
  assert.ok(byAdapter >= 20, String(byAdapter));
  // A reference that is no function's row, or is from an earlier stop, is said.
  const locals = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes.find((x) => x.name === 'Scenario')!;
  assert.equal(
    await refused(dc.customRequest('vpci/functionOf', { variablesReference: locals.variablesReference })),
    `Variables reference ${locals.variablesReference} is not a row of a PCI function`,
  );
  await dc.stepBackRequest({ threadId: s.body.threadId! });
  assert.equal(
    await refused(dc.customRequest('vpci/functionOf', { variablesReference: scopes[0]!.variablesReference })),
    `Variables reference ${scopes[0]!.variablesReference} is from before the last stop`,
  );
});

test('capability registers: expressions, setVariable through the masks, data breakpoints; old register names still work', async () => {
  const tid = await runToEnd();
  const dc = h.client();
  const ev = async (e: string): Promise<string> => (await dc.evaluateRequest({ expression: e, context: 'watch' })).body.result;
  assert.equal(await ev('nic0.caps.msix.FLAGS.ENABLE'), '1');
  assert.equal(await ev('nic0.caps.msix.FLAGS.QSIZE'), '0x2');
  assert.equal(await ev('nic0.BAR0'), await ev('nic0.BASE_ADDRESS_0'));
  assert.equal(await ev('nic0.EXPANSION_ROM'), await ev('nic0.ROM_ADDRESS'));
  assert.equal(await ev('nic0.BAR0.SPACE_IO'), await ev('nic0.BASE_ADDRESS_0.SPACE'));
  const caps = await children(byName(await deviceScope(tid, 'nic0'), 'Capabilities').variablesReference);
  const flags = byName(await children(byName(caps, '[0x70] MSI-X').variablesReference), 'FLAGS');
  assert.equal(flags.type, 'u16 @ 0x72, RW 0xc000');
  const fields = await children(flags.variablesReference);
  assert.equal(byName(fields, 'MASKALL').type, 'bit 14, RW');
  const set = await dc.setVariableRequest({ variablesReference: flags.variablesReference, name: 'MASKALL', value: '1' });
  assert.equal(set.body.value, '1');
  assert.equal(await ev('nic0.caps.msix.FLAGS.MASKALL'), '1');
  await assert.rejects(dc.setVariableRequest({ variablesReference: flags.variablesReference, name: 'QSIZE', value: '5' }));
  const info = await dc.dataBreakpointInfoRequest({ name: 'nic0.caps.msix.FLAGS.ENABLE' });
  assert.equal(info.body.dataId, 'cfg:nic0:0:115:1');
  const reg = await dc.dataBreakpointInfoRequest({ name: 'nic0.STATUS' });
  assert.equal(reg.body.dataId, 'cfg:nic0:0:6:2');
  assert.match(reg.body.description, /^nic0\.STATUS \(config 0x06, RW1C 0xf900\)$/);
  // The data breakpoint id of a register is the same under its old name.
  assert.equal(
    (await dc.dataBreakpointInfoRequest({ name: 'nic0.BAR0' })).body.dataId,
    (await dc.dataBreakpointInfoRequest({ name: 'nic0.BASE_ADDRESS_0' })).body.dataId,
  );
});

test('a BAR being sized shows the mask it reads back, not an address: unassigned, sizing, then placed', async () => {
  const dc = h.client();
  const s0 = await launch(dc, SCENARIO, { stopOnEntry: true });
  const bar0 = async (tid: number): Promise<string> => byName(await children(byName(await deviceScope(tid, 'nic0'), 'BARs').variablesReference), 'BAR0').value;
  const seen = [await bar0(s0.body.threadId!)];
  const info = await dc.dataBreakpointInfoRequest({ name: 'nic0.BASE_ADDRESS_0' });
  await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
  let sizingTopology: unknown;
  for (let i = 0; i < 12; i++) {
    const s = await cont(dc);
    if (s.body.reason !== 'data breakpoint') break;
    const v = await bar0(s.body.threadId!);
    if (/sizing/.test(v) && !sizingTopology) sizingTopology = await dc.customRequest('vpci/topology');
    if (seen[seen.length - 1] !== v) seen.push(v);
    if (/^Memory at [0-9a-f]/.test(v)) break;
  }
  // In lspci's words (Region lines of lspci -v), and the mask while sizing is not shown as an address.
  assert.equal(seen[0], 'Memory at <unassigned> (64-bit, prefetchable) [disabled] [size=16K]');
  assert.ok(seen.includes('Memory (64-bit, prefetchable), sizing (reads back mask 0xffffc00c) [disabled] [size=16K]'), seen.join(' | '));
  const placed = seen[seen.length - 1]!;
  assert.match(placed, /^Memory at [0-9a-f]{8,} \(64-bit, prefetchable\)( \[disabled\])? \[size=16K\]$/);
  assert.ok(!seen.some((v) => /at ffffc000/.test(v)), seen.join(' | '));
  // The same words as the function's lspci text says of BAR0 there.
  const lspci = (await dc.customRequest('vpci/lspci', { bus: 'nic0', wslot: 0 })).body as { text: string };
  const region0 = /^\tRegion 0: (.*)$/m.exec(lspci.text)?.[1];
  assert.equal(placed, region0, lspci.text);
  const body = (sizingTopology as { body: { buses: { name: string; functions: { bars: { index: number; state: string; readback: number }[] }[] }[] } }).body;
  const b0 = body.buses.find((b) => b.name === 'nic0')!.functions[0]!.bars.find((b) => b.index === 0)!;
  assert.deepEqual([b0.state, b0.readback], ['sizing', 0xffffc00c]);
});

test("the Scenario scope lists the guest model's quirks and which are in effect, not a bare {}", async () => {
  const dc = h.client();
  const s = await launch(dc, SCENARIO, { stopOnEntry: true, quirks: { 'short-packet-drop': false } });
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const scenario = scopes.body.scopes.find((x) => x.name === 'Scenario');
  assert.ok(scenario, scopes.body.scopes.map((x) => x.name).join(', '));
  const quirks = byName(await children(scenario.variablesReference), 'quirks');
  // FreeBSD's current driver has seven (emulator/vpci/guest/quirks.ts); the launch switched one off.
  assert.equal(quirks.value, '6 of 7 on, 1 switched by the scenario or launch');
  const rows = await children(quirks.variablesReference);
  assert.equal(rows.length, 7);
  assert.match(byName(rows, 'short-packet-drop').value, /^off \(switched\): packets of 20 raw bytes or less are silently dropped$/);
  assert.match(byName(rows, 'descriptor-stride').value, /^on: relations descriptors are copied with the wrong stride$/);
});

test("Break on Value Change names the watch in hex whatever Variables shows, as Breakpoints names it once set: Show Decimal made it 'config 4, RW 1351'", async () => {
  const dc = h.client();
  const tid = await runToEnd();
  await dc.customRequest('vpci/toggleHex', { hex: false });
  const top = await deviceScope(tid, 'nic0');
  for (const [group, name, description] of [
    ['Header', 'COMMAND', 'nic0.COMMAND (config 0x04, RW 0x0547)'],
    ['BARs', 'BAR0', 'nic0.BASE_ADDRESS_0 (config 0x10 and 0x14)'],
  ] as const) {
    const ref = byName(top, group).variablesReference;
    await children(ref);
    const info = await dc.dataBreakpointInfoRequest({ variablesReference: ref, name });
    assert.equal(info.body.description, description);
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
    assert.equal(set.body.breakpoints[0]!.message, description);
  }
  // Variables itself stays decimal.
  assert.equal(byName(await children(byName(top, 'Header').variablesReference), 'VENDOR_ID').value, '32902');
});

test('nic0.bars[n] is BAR n, as its row names it: after a 64-bit BAR0 BAR3 was bars[1] and bars[3] out of range', async () => {
  const dc = h.client();
  const tid = await runToEnd();
  const top = await deviceScope(tid, 'nic0');
  const bars = await children(byName(top, 'BARs').variablesReference);
  assert.deepEqual(
    bars.map((v) => [v.name, v.evaluateName]),
    [
      ['BAR0', 'nic0.bars[0]'],
      ['BAR3', 'nic0.bars[3]'],
    ],
  );
  const watch = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
  assert.equal(await watch('nic0.bars[3]'), byName(bars, 'BAR3').value);
  assert.equal(await watch('nic0.bars[3].index'), '0x3');
  // BAR1 is BAR0's upper half: no BAR of its own.
  await assert.rejects(watch('nic0.bars[1]'), /^Error: no element \[1\] \(there are \[0\], \[3\]\)$/);
  // A watch of the expression and "Break on Value Change" on the row watch BAR3's two registers (0x1c and 0x20).
  const byName3 = (await dc.dataBreakpointInfoRequest({ name: 'nic0.bars[3]' })).body;
  const byRow3 = (await dc.dataBreakpointInfoRequest({ variablesReference: byName(top, 'BARs').variablesReference, name: 'BAR3' })).body;
  assert.equal(byName3.dataId, 'cfg:nic0:0:28:8');
  assert.equal(byRow3.dataId, byName3.dataId);
});

test("Identity's vendor, device, subsystem and class rows can be watched: Break on Value Change said \"'vendor' is not a config-space register\"", async () => {
  const dc = h.client();
  const tid = await runToEnd();
  const top = await deviceScope(tid, 'nvme0');
  const ref = byName(top, 'Identity').variablesReference;
  const info = async (name: string) => (await dc.dataBreakpointInfoRequest({ variablesReference: ref, name })).body;
  const byAddress = async (name: string, bytes: number) => (await dc.dataBreakpointInfoRequest({ name, asAddress: true, bytes })).body;
  // The same target, with the same description, as the bytes named by address.
  for (const [row, at, bytes] of [
    ['vendor', 'nvme0:0x00', 2],
    ['device', 'nvme0:0x02', 2],
    ['subsystem', 'nvme0:0x2c', 4],
    ['class', 'nvme0:0x09', 3],
  ] as const) {
    const got = await info(row);
    const want = await byAddress(at, bytes);
    assert.ok(want.dataId, `${at}: ${want.description}`);
    assert.deepEqual([got.dataId, got.description], [want.dataId, want.description], row);
  }
  assert.equal((await info('vendor')).description, 'nvme0.VENDOR_ID (config 0x00, RO)');
  // Set, it is verified and named so in Breakpoints.
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: (await info('class')).dataId!, accessType: 'write' }] });
  assert.equal(set.body.breakpoints[0]!.verified, true);
  // slot and driver are no bytes of the config space.
  assert.equal((await info('driver')).dataId, null);
});

test('a register or field has one name however it is spelt: in Watch, its children and its data breakpoint, as its Variables row', async () => {
  const dc = h.client();
  const tid = await runToEnd();
  const top = await deviceScope(tid, 'nic0');
  const header = await children(byName(top, 'Header').variablesReference);
  const command = byName(header, 'COMMAND');
  const memory = byName(await children(command.variablesReference), 'MEMORY');
  const row = (await dc.dataBreakpointInfoRequest({ variablesReference: command.variablesReference, name: 'MEMORY' })).body;
  assert.equal(row.description, 'nic0.COMMAND.MEMORY (config 0x04, RW)');
  // By expression (a watch's Break on Value Change): it was "nic0 config 0x004..0x004 (RW 0x47)".
  for (const name of ['nic0.COMMAND.MEMORY', 'nic0.command.memory', 'nic0/0.Command.Memory']) {
    const got = (await dc.dataBreakpointInfoRequest({ name })).body;
    assert.deepEqual([got.dataId, got.description], [row.dataId, row.description], name);
  }
  // A capability's key in another case: refused ("is not a config-space register") and shown as 0x1 where the row shows 1.
  const canonical = (await dc.dataBreakpointInfoRequest({ name: 'nic0.caps.msix.FLAGS.ENABLE' })).body;
  const other = (await dc.dataBreakpointInfoRequest({ name: 'nic0.caps.MSIX.flags.enable' })).body;
  assert.deepEqual([other.dataId, other.description], [canonical.dataId, canonical.description]);
  const watch = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body;
  assert.equal((await watch('nic0.caps.MSIX.flags.enable')).result, (await watch('nic0.caps.msix.FLAGS.ENABLE')).result);
  // A watch of a register in another spelling names its fields as the row does (Add to Watch, Copy as Expression).
  const w = await watch('nic0/0.command');
  assert.equal(w.result, command.value);
  const fields = (await dc.variablesRequest({ variablesReference: w.variablesReference })).body.variables;
  assert.equal(byName(fields, 'MEMORY').evaluateName, memory.evaluateName);
});
