// "Add Data Breakpoint at Address" as VS Code sends it (dataBreakpointInfo with asAddress, a
// 0x… address and a length; then setDataBreakpoints): guest-physical bytes, whatever is placed
// there when the guest touches them. On the quickstart (FreeBSD, Windows Server 2016) the
// transcript places nic0's config window at 0xf8000000 (FDO D0 entry) and its 82599 VF's BAR 3,
// which holds the MSI-X table at offset 0, at 0xf8008000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, cont, launch } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();

const MSIX_TABLE = 0xf8008000;
const NIC0_WINDOW = 0xf8000000;

async function watch(
  dc: ReturnType<typeof h.client>,
  address: string,
  bytes: number | undefined,
  accessType: DebugProtocol.DataBreakpointAccessType = 'write',
) {
  const info = await dc.dataBreakpointInfoRequest({ name: address, asAddress: true, ...(bytes !== undefined ? { bytes } : {}) });
  assert.ok(info.body.dataId, info.body.description);
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType }] });
  return { info: info.body, bp: set.body.breakpoints[0]! };
}

test('the adapter offers Add Data Breakpoint at Address', async () => {
  const init = await h.client().initializeRequest();
  assert.equal(init.body?.supportsDataBreakpointBytes, true);
});

test('a guest-physical watch on an MSI-X table entry fires when the driver programs it, and says where it is', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // At the first stop nothing is placed there yet: the watch waits for it.
  const { info, bp } = await watch(dc, `0x${MSIX_TABLE.toString(16)}`, 16);
  assert.equal(info.dataId, `gpa:${MSIX_TABLE}:16`);
  assert.equal(info.description, 'guest-physical 0xf8008000..0xf800800f');
  assert.deepEqual(info.accessTypes, ['read', 'write', 'readWrite']);
  assert.equal(info.canPersist, true);
  assert.equal(bp.verified, true);
  assert.match(bp.message!, /^guest-physical 0xf8008000\.\.0xf800800f: nothing is placed there now/);

  // FreeBSD's pci_alloc_msix_method first masks every entry: pci_mask_msix writes the vector control word even when
  // it is masked already (pci.c at 0010132dbd24).
  const mask = await cont(dc);
  assert.equal(mask.body.reason, 'data breakpoint');
  assert.deepEqual(mask.body.hitBreakpointIds, [bp.id]);
  assert.equal(mask.body.description, 'Paused on data breakpoint');
  assert.equal(mask.body.text, 'guest-physical 0xf8008000..0xf800800f: nic0 BAR 3 + 0xc (MSI-X table entry 0) written 0x00000001 (4 bytes at 0xf800800c)');
  // Then pci_enable_msix writes the entry's address low dword first (0xfee00000: the host's remapped address).
  const s = await cont(dc);
  assert.deepEqual(s.body.hitBreakpointIds, [bp.id]);
  assert.equal(s.body.text, 'guest-physical 0xf8008000..0xf800800f: nic0 BAR 3 + 0x0 (MSI-X table entry 0) written 0xfee00000 (4 bytes at 0xf8008000)');

  // Set again now: the message says what is there.
  const again = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
  assert.equal(again.body.breakpoints[0]!.message, 'guest-physical 0xf8008000..0xf800800f: now nic0 BAR 3 + 0x0: MSI-X table entry 0');
});

test('a guest-physical watch on a config window fires on any function’s config access through it', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // The COMMAND register's place in nic0's window: config page (+0x1000) + 0x04.
  const { bp } = await watch(dc, String(NIC0_WINDOW + 0x1004), 2, 'write');
  const s = await cont(dc);
  assert.equal(s.body.reason, 'data breakpoint');
  assert.deepEqual(s.body.hitBreakpointIds, [bp.id]);
  assert.match(
    s.body.text!,
    /^guest-physical 0xf8001004\.\.0xf8001005: nic0 config window \+ 0x1004 \(nic0\.COMMAND, config 0x04\) written 0x[0-9a-f]{4} \(2 bytes at 0xf8001004\)$/,
  );
  // The window is there now: the slot register and the config page are named.
  const info = await dc.dataBreakpointInfoRequest({ name: `0x${NIC0_WINDOW.toString(16)}`, asAddress: true, bytes: 0x1008 });
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
  assert.equal(
    set.body.breakpoints[0]!.message,
    'guest-physical 0xf8000000..0xf8001007: now nic0 config window + 0x0: the slot register (its writes select a function and are not traced); nic0 config window + 0x1000: config 0x0 of the function the slot register selects',
  );
});

test('Reverse Continue stops at the same guest-physical access going back', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // Run to the end first, then watch the table entry and go back to the driver's last write of it.
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  const { bp } = await watch(dc, `0x${MSIX_TABLE.toString(16)}`, 16, 'write');
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.reverseContinueRequest({ threadId: end.body.threadId! });
  const back = await stopped;
  assert.equal(back.body.reason, 'data breakpoint');
  assert.deepEqual(back.body.hitBreakpointIds, [bp.id]);
  // Told as going forward: where the write landed and what it wrote (the entry's last write: its vector control or data).
  assert.match(
    back.body.text!,
    /^guest-physical 0xf8008000\.\.0xf800800f: nic0 BAR 3 \+ 0x[0-9a-f]+ \(MSI-X table entry 0\) written 0x[0-9a-f]{8} \(4 bytes at 0xf800800[0-9a-f]\)$/,
  );
});

test('bad addresses and lengths get a reason, not a watch', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const no = async (name: string, bytes?: number) => {
    const r = await dc.dataBreakpointInfoRequest({ name, asAddress: true, ...(bytes !== undefined ? { bytes } : {}) });
    assert.equal(r.body.dataId, null, name);
    return r.body.description;
  };
  assert.equal(await no('0x10000000000000'), '0x10000000000000 is past the 52-bit guest-physical address space');
  assert.equal(await no('0xfffffffffffff', 2), '0xfffffffffffff + 2: 0xfffffffffffff..+2 is past the 52-bit guest-physical address space');
  assert.equal(await no('0xf8008000', 0), '0xf8008000 + 0: it watches no bytes');
  assert.equal(
    await no('nic0 window'),
    '"nic0 window" is not an address: write a guest-physical address (0xfe000000, as lspci shows a region), or BUS[/SLOT]:OFFSET in a function\'s config space (nic0:0x04)',
  );
  // One byte when no length is given, as VS Code's prompt offers.
  const one = await dc.dataBreakpointInfoRequest({ name: '0xf8008000', asAddress: true });
  assert.equal(one.body.dataId, `gpa:${MSIX_TABLE}:1`);
  assert.equal(one.body.description, 'guest-physical 0xf8008000');
  // An id no adapter gave out.
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: `gpa:${2 ** 52}:4` }] });
  assert.equal(set.body.breakpoints[0]!.verified, false);
  assert.match(set.body.breakpoints[0]!.message!, /past the 52-bit guest-physical address space/);
});

test('a data breakpoint on an MSI-X table entry (its Variables row) names the dword each access touched, and its value', async () => {
  const dc = h.client();
  const first = await launch(dc, QUICKSTART, { stopOnEntry: true });
  const frame = (await dc.stackTraceRequest({ threadId: first.body.threadId! })).body.stackFrames[0]!;
  const dev = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const table = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables.find((v) => v.name === 'MSI-X table')!;
  const info = await dc.dataBreakpointInfoRequest({ variablesReference: table.variablesReference, name: '[0]' });
  assert.equal(info.body.dataId, 'msix:nic0:0:0:16');
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: 'readWrite' }] });
  assert.equal(set.body.breakpoints[0]!.verified, true);
  const texts: string[] = [];
  for (;;) {
    const s = await cont(dc);
    if (s.body.reason !== 'data breakpoint') break;
    texts.push(s.body.text!);
  }
  // FreeBSD's pci_enable_msix programs the address (low dword first), then the data, then unmasks
  // (each a 4-byte write); the stops said 'written, data 0x00000000 → 0x00000000' for the address.
  const entry = (await dc.evaluateRequest({ expression: 'msix(nic0)[0]', context: 'watch' })).body.variablesReference;
  const rows = new Map((await dc.variablesRequest({ variablesReference: entry })).body.variables.map((v) => [v.name, v.value]));
  assert.ok(texts.includes(`nic0 MSI-X entry 0: LOWER_ADDR written ${rows.get('LOWER_ADDR')}`), texts.join('\n'));
  const data = rows.get('DATA');
  assert.ok(texts.includes(`nic0 MSI-X entry 0: DATA written, 0x00000000 → ${data}${data === '0x00000000' ? ' (unchanged)' : ''}`), texts.join('\n'));
  for (const t of texts) assert.match(t, /^nic0 MSI-X entry 0: (LOWER_ADDR|UPPER_ADDR|DATA|VECTOR_CTRL) (written|read \()/);
});

test("Break on Value Change on an MSI-X entry's dword row watches that dword alone: DATA stops at DATA's write, not the address's", async () => {
  const dc = h.client();
  const first = await launch(dc, QUICKSTART, { stopOnEntry: true });
  const frame = (await dc.stackTraceRequest({ threadId: first.body.threadId! })).body.stackFrames[0]!;
  const dev = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const table = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables.find((v) => v.name === 'MSI-X table')!;
  const entry = (await dc.variablesRequest({ variablesReference: table.variablesReference, start: 0, count: 1 })).body.variables[0]!;
  const fields = (await dc.variablesRequest({ variablesReference: entry.variablesReference })).body.variables;
  // Each dword watched the whole entry ('msix:nic0:0:0:16'): a watch on DATA stopped at LOWER_ADDR's write first.
  for (const [k, name] of ['LOWER_ADDR', 'UPPER_ADDR', 'DATA', 'VECTOR_CTRL'].entries()) {
    assert.ok(fields.some((v) => v.name === name));
    const info = await dc.dataBreakpointInfoRequest({ variablesReference: entry.variablesReference, name });
    assert.equal(info.body.dataId, `msix:nic0:0:0:4:${4 * k}`, name);
    assert.equal(info.body.description, `nic0 MSI-X entry 0 ${name}`);
    // The row's expression (a watch of it) gives the same watch.
    const evaluateName = fields.find((v) => v.name === name)!.evaluateName!;
    assert.deepEqual((await dc.dataBreakpointInfoRequest({ name: evaluateName })).body, info.body);
  }
  // The pending bit is in the PBA, not the entry: no watch there.
  assert.equal((await dc.dataBreakpointInfoRequest({ variablesReference: entry.variablesReference, name: 'PENDING' })).body.dataId, null);
  // A watch on DATA stops where DATA is written (FreeBSD's pci_enable_msix writes the address first, then the data),
  // and says its change as a register's; the stop's value is the one Variables and the console show there.
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'msix:nic0:0:0:4:8', accessType: 'write' }] });
  assert.deepEqual(
    set.body.breakpoints.map((b) => [b.verified, b.message]),
    [[true, 'nic0 MSI-X entry 0 DATA']],
  );
  const stop = await cont(dc);
  assert.equal(stop.body.reason, 'data breakpoint');
  const data = (await dc.evaluateRequest({ expression: 'msix(nic0)[0].data', context: 'watch' })).body.result;
  assert.equal(stop.body.text, `nic0 MSI-X entry 0 DATA: 0x00000000 → ${data}${data === '0x00000000' ? ' (written, unchanged)' : ''}`);
  // The address was written before this stop, not stopped at; nothing writes DATA again.
  assert.equal((await dc.evaluateRequest({ expression: 'msix(nic0)[0].address', context: 'watch' })).body.result, '0xfee00000');
  assert.equal((await cont(dc)).body.reason, 'end');
});

test("Break on Value Change on a 64-bit BAR's row or a Config space row names the access that hit it and its value, as the BARs row names the watch (it said '? → ?')", async () => {
  const dc = h.client();
  const first = await launch(dc, QUICKSTART, { stopOnEntry: true });
  const frame = (await dc.stackTraceRequest({ threadId: first.body.threadId! })).body.stackFrames[0]!;
  const dev = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
  const ref = (name: string) => top.find((v) => v.name === name)!.variablesReference;
  // A row of Config space watches its 16 bytes ("'0x010' is not a config-space register, field or MSI-X entry").
  await dc.variablesRequest({ variablesReference: ref('Config space'), start: 0, count: 4 });
  const row = await dc.dataBreakpointInfoRequest({ variablesReference: ref('Config space'), name: '0x010' });
  assert.deepEqual([row.body.dataId, row.body.description], ['cfg:nic0:0:16:16', 'nic0 config 0x010..0x01f']);
  // BAR0 of the 82599 VF is 64-bit: its row watches BASE_ADDRESS_0 and _1, and the watch is named so everywhere.
  const bar = await dc.dataBreakpointInfoRequest({ variablesReference: ref('BARs'), name: 'BAR0' });
  assert.deepEqual([bar.body.dataId, bar.body.description], ['cfg:nic0:0:16:8', 'nic0.BASE_ADDRESS_0 (config 0x10 and 0x14)']);
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: bar.body.dataId!, accessType: 'write' }] });
  assert.equal(set.body.breakpoints[0]!.message, bar.body.description);
  // The driver sizes the BAR: all ones into the low register, which reads back its size mask, as Variables then shows it.
  const stop = await cont(dc);
  const low = (await dc.evaluateRequest({ expression: 'cfg32(nic0, 0x10)', context: 'watch' })).body.result;
  assert.equal(stop.body.text, `nic0.BASE_ADDRESS_0 (config 0x10 and 0x14): BASE_ADDRESS_0 (config 0x10) written 0xffffffff, reads back ${low}`);
  const texts = [stop.body.text];
  for (let i = 0; i < 3; i++) texts.push((await cont(dc)).body.text!);
  assert.ok(
    texts.some((t) => t.includes(': BASE_ADDRESS_1 (config 0x14) written 0xffffffff')),
    texts.join('\n'),
  );
  for (const t of texts) assert.doesNotMatch(t, /\?/);
  // A row of config space watched, as the row offers it: the same access named.
  await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: row.body.dataId!, accessType: 'readWrite' }] });
  assert.match((await cont(dc)).body.text!, /^nic0 config 0x010\.\.0x01f: BASE_ADDRESS_[0-3] \(config 0x1[048c]\) (read|written) 0x[0-9a-f]{8}/);
});
