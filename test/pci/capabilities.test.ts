import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importLspciText } from '../../emulator/pci/lspci-import';
import { walkCapabilities, capabilityViews, type CapabilityView } from '../../emulator/pci/capabilities';
import { CAPABILITIES_PTR, STATUS, STATUS_CAP_LIST } from '../../emulator/pci/registers';
import { createFunction } from '../../emulator/pci/catalog';
import { lspciRun } from '../../emulator/pci/lspci/index';
import { lspciLines } from '../../emulator/pci/caps/index';

const DIR = join(import.meta.dirname, '../../data/devices');
const dumps = readdirSync(DIR)
  .filter((f) => f.endsWith('.lspci'))
  .sort();

function bytesOf(file: string): Uint8Array {
  const r = importLspciText(readFileSync(join(DIR, file), 'latin1'));
  assert.ok(r.ok, file);
  return r.devices[0]!.bytes;
}

/** The capability offsets the reference lspci printed: "[40]" and "[100 v1]". */
function referenceCaps(file: string): string[] {
  const t = readFileSync(join(DIR, file.replace(/\.lspci$/, '.lspci-vvv.txt')), 'latin1');
  return [...t.matchAll(/^\tCapabilities: \[([0-9a-f]+)(?: v(\d+))?\]/gm)].map((m) => (m[2] ? `${m[1]} v${m[2]}` : m[1]!));
}

test('every dump in data/devices: the walk finds exactly the capabilities the reference lspci printed', () => {
  assert.ok(dumps.length >= 10);
  for (const f of dumps) {
    const b = bytesOf(f);
    const w = walkCapabilities(b);
    const got = w.capabilities.map((c) => (c.extended ? `${c.offset.toString(16)} v${c.version}` : c.offset.toString(16)));
    assert.deepEqual(got, referenceCaps(f), f);
    if (b.length === 64) assert.match(w.problems.join(), /beyond the 64 bytes/, f);
    else assert.deepEqual(w.problems, [], f);
  }
});

function views(file: string): CapabilityView[] {
  return capabilityViews(bytesOf(file)).views;
}
function find<K extends CapabilityView['kind']>(v: CapabilityView[], kind: K): Extract<CapabilityView, { kind: K }> {
  const c = v.find((x) => x.kind === kind);
  assert.ok(c, kind);
  return c as Extract<CapabilityView, { kind: K }>;
}

test('82599 views match lspci: MSI 64-bit maskable 1/1, MSI-X 64 in BAR4 (PBA +0x2000), PCIe v2 x2 2.5GT/s, VPD', () => {
  const v = views('intel-82599-pf.lspci');
  const msi = find(v, 'msi');
  assert.deepEqual([msi.offset, msi.enabled, msi.is64Bit, msi.perVectorMasking, msi.vectorsCapable], [0x50, false, true, true, 1]);
  const x = find(v, 'msix');
  assert.deepEqual([x.offset, x.tableSize, x.tableBir, x.tableOffset, x.pbaBir, x.pbaOffset, x.enabled], [0x70, 64, 4, 0, 4, 0x2000, false]);
  const e = find(v, 'pcie');
  assert.deepEqual([e.offset, e.version, e.portType, e.linkSpeedMax, e.linkWidthMax, e.linkSpeed, e.linkWidth], [0xa0, 2, 0, 5, 8, 2.5, 2]);
  assert.equal(e.flr, true);
  assert.equal(find(v, 'vpd').readable, false);
  const pm = find(v, 'pm');
  assert.deepEqual([pm.offset, pm.version, pm.powerState], [0x40, 3, 0]);
});

test('82576 extended caps: AER, DSN, ARI, SR-IOV decoded as lspci shows them', () => {
  const v = views('intel-82576-pf-sriov.lspci');
  const ref = readFileSync(join(DIR, 'intel-82576-pf-sriov.lspci-vvv.txt'), 'latin1');
  const s = find(v, 'sriov');
  const m = /Initial VFs: (\d+), Total VFs: (\d+), Number of VFs: (\d+).*\n.*VF offset: (\d+), stride: (\d+), Device ID: ([0-9a-f]+)/.exec(ref)!;
  assert.deepEqual(
    [s.initialVFs, s.totalVFs, s.numVFs, s.vfOffset, s.vfStride, s.vfDeviceId],
    [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), parseInt(m[6]!, 16)],
  );
  const dsn = find(v, 'dsn');
  assert.ok(ref.includes(`Device Serial Number ${dsn.serial}`), dsn.serial);
  assert.equal(find(v, 'aer').offset, 0x100);
  assert.equal(find(v, 'ari').offset, 0x150);
  const x = find(v, 'msix');
  assert.deepEqual([x.tableSize, x.tableBir, x.pbaOffset], [10, 3, 0x2000]);
});

test('ConnectX-3 Pro: DSN formatted as lspci; MSI-X Count as lspci', () => {
  const v = views('mellanox-cx3pro-pf.lspci');
  const ref = readFileSync(join(DIR, 'mellanox-cx3pro-pf.lspci-vvv.txt'), 'latin1');
  assert.equal(`Device Serial Number ${find(v, 'dsn').serial}`, /Device Serial Number \S+/.exec(ref)![0]);
  // the stored dump has Count=256 (SOURCES.md's 128 comes from another board's live lspci)
  assert.equal(find(v, 'msix').tableSize, Number(/MSI-X: Enable\S Count=(\d+)/.exec(ref)![1]));
  assert.equal(find(v, 'msix').tableSize, 256);
  assert.equal(find(v, 'aer').version, 2);
});

function header(): Uint8Array {
  const b = new Uint8Array(4096);
  b[STATUS] = STATUS_CAP_LIST;
  b[CAPABILITIES_PTR] = 0x40;
  return b;
}

test("a CardBus bridge's list starts at its own pointer (0x14), an unknown header type has none: as Linux, FreeBSD and lspci read them", () => {
  // Header type 2: 0x34 is the CardBus memory base 0's high bytes, not a pointer. Here it points to a
  // PM capability that is no capability of the function; the list is an MSI capability at 0x80.
  const b = new Uint8Array(256);
  b[STATUS] = STATUS_CAP_LIST;
  b[0x0e] = 0x82; // CardBus, multi-function
  b.set([0x07, 0x06], 0x0a);
  b[0x14] = 0x80;
  b[CAPABILITIES_PTR] = 0x40;
  b.set([0x01, 0x00, 0x03, 0x00], 0x40);
  b.set([0x05, 0x00, 0x00, 0x00], 0x80);
  const w = walkCapabilities(b);
  assert.deepEqual(
    w.capabilities.map((c) => [c.offset, c.id]),
    [[0x80, 0x05]],
  );
  assert.deepEqual(w.problems, []);
  // The Variables view's lspci lines for it are lspci's, which reads the same pointer (show_htype2).
  const whole = lspciRun(b, { address: '00:00.0', verbose: 3 }).text;
  const lines = lspciLines(b, 0x80, false);
  assert.equal(lines[0], '\tCapabilities: [80] MSI: Enable- Count=1/1 Maskable- 64bit-');
  assert.ok(whole.includes(lines.join('\n') + '\n'), whole);
  assert.ok(!whole.includes('[40]'));

  // A PCI-X capability on it: lspci's cap_pcix prints nothing for a CardBus header, not even a line
  // end, so the next capability's line follows on its line; each row has its own part.
  b.set([0x07, 0x90], 0x80);
  b.set([0x05, 0x00, 0x00, 0x00], 0x90);
  const shared = lspciRun(b, { address: '00:00.0', verbose: 3 }).text;
  assert.ok(shared.includes('\tCapabilities: [80] \tCapabilities: [90] MSI: Enable- Count=1/1 Maskable- 64bit-\n'), shared);
  assert.deepEqual(lspciLines(b, 0x80, false), ['\tCapabilities: [80] ']);
  assert.deepEqual(lspciLines(b, 0x90, false), ['\tCapabilities: [90] MSI: Enable- Count=1/1 Maskable- 64bit-', '\t\tAddress: 00000000  Data: 0000']);

  // Header type 0x7f: lspci's show_htype_unknown prints no capabilities, and Linux's and FreeBSD's
  // capability searches find none; the walk says why instead of listing 0x34's.
  b[0x0e] = 0x7f;
  const u = walkCapabilities(b);
  assert.deepEqual(u.capabilities, []);
  assert.deepEqual(u.problems, ['header type 127 has no capability pointer; the standard list is not read']);
  assert.ok(!lspciRun(b, { address: '00:00.0', verbose: 3 }).text.includes('Capabilities'));
});

test('a looping standard list is cut at the loop and reported', () => {
  const b = header();
  b.set([0x01, 0x50], 0x40);
  b.set([0x05, 0x40], 0x50); // back to 0x40
  const w = walkCapabilities(b);
  assert.deepEqual(
    w.capabilities.map((c) => c.offset),
    [0x40, 0x50],
  );
  assert.match(w.problems[0]!, /loops/);
});

test('a pointer into the header ends the list with a problem', () => {
  const b = header();
  b.set([0x01, 0x10], 0x40);
  const w = walkCapabilities(b);
  assert.deepEqual(
    w.capabilities.map((c) => c.offset),
    [0x40],
  );
  assert.match(w.problems[0]!, /0x10, inside the header/);
  const b2 = header();
  b2[CAPABILITIES_PTR] = 0x3c;
  assert.equal(walkCapabilities(b2).capabilities.length, 0);
  assert.match(walkCapabilities(b2).problems[0]!, /inside the header/);
});

test('misaligned pointers are masked like Linux does; no CAP_LIST bit means no list', () => {
  const b = header();
  b[CAPABILITIES_PTR] = 0x43;
  b.set([0x11, 0x00], 0x40);
  const w = walkCapabilities(b);
  assert.deepEqual(
    w.capabilities.map((c) => [c.offset, c.id]),
    [[0x40, 0x11]],
  );
  assert.match(w.problems[0]!, /not dword-aligned/);
  b[STATUS] = 0;
  assert.deepEqual(walkCapabilities(b), { capabilities: [], problems: [] });
});

test('extended list: loops, pointers below 0x100 and past the end are reported', () => {
  const put32 = (b: Uint8Array, o: number, v: number): void => {
    new DataView(b.buffer).setUint32(o, v, true);
  };
  const b = header();
  put32(b, 0x100, (0x140 << 20) | (1 << 16) | 0x0001); // AER -> 0x140
  put32(b, 0x140, (0x100 << 20) | (1 << 16) | 0x0003); // DSN -> back to 0x100
  let w = walkCapabilities(b);
  assert.deepEqual(
    w.capabilities.filter((c) => c.extended).map((c) => c.offset),
    [0x100, 0x140],
  );
  assert.match(w.problems.join(), /loops/);
  put32(b, 0x140, (0x0c0 << 20) | (1 << 16) | 0x0003);
  w = walkCapabilities(b);
  assert.match(w.problems.join(), /below 0x100/);
  put32(b, 0x140, (0x200 << 20) | (1 << 16) | 0x0003);
  w = walkCapabilities(b.subarray(0, 0x180));
  assert.match(w.problems.join(), /beyond the 384 bytes/);
});

test('PciFunction from a 64-byte dump lists no capabilities and says why', async () => {
  const { PciFunction } = await import('../../emulator/pci/function');
  const r = importLspciText(readFileSync(join(DIR, 'mellanox-cx3-pf-header64.lspci'), 'latin1'));
  assert.ok(r.ok);
  const fn = PciFunction.fromDump(r.devices[0]!, [
    { index: 0, size: 1 << 20 },
    { index: 2, size: 8 << 20 },
    { index: 'rom', size: 1 << 20 },
  ]);
  assert.equal(fn.sourceLength, 64);
  assert.deepEqual(fn.capabilities(), []);
  assert.equal(fn.msix(), undefined);
  assert.match(fn.capabilityProblems().join(), /beyond the 64 bytes/);
  const full = PciFunction.fromDump({ address: '01:00.0', title: '82576', bytes: bytesOf('intel-82576-pf-sriov.lspci') }, [
    { index: 0, size: 128 << 10 },
    { index: 1, size: 4 << 20 },
    { index: 2, size: 32 },
    { index: 3, size: 16 << 10 },
    { index: 'rom', size: 4 << 20 },
  ]);
  assert.deepEqual(
    full.capabilities().map((c) => c.kind),
    ['pm', 'msi', 'msix', 'pcie', 'aer', 'dsn', 'ari', 'sriov'],
  );
  // power-on: the dump had MSI-X enabled (lspci: Enable+); fromDump clears it
  assert.equal(full.msix()!.enabled, false);
});

test('AER: a guest writing all ones to the error masks, severities and status registers changes only the bits that name an error (the rest are reserved)', () => {
  const fn = createFunction('intel-82576-pf');
  const at = find(capabilityViews(fn.config.bytes).views, 'aer').offset;
  // PCI_ERR_UNC_* bits 0, 4, 5, 12–31 and PCI_ERR_COR_* bits 0, 6–8, 12–15 (Linux pci_regs.h)
  const UNC = 0xfffff031;
  const COR = 0x0000f1c1;
  for (const [reg, named] of [
    [0x08, UNC],
    [0x0c, UNC],
    [0x14, COR],
  ] as const) {
    const before = fn.cfgRead(at + reg, 4);
    fn.cfgWrite(at + reg, 4, 0xffffffff);
    assert.equal(fn.cfgRead(at + reg, 4) >>> 0, (named | (before & ~named)) >>> 0, `+0x${reg.toString(16)}`);
    fn.cfgWrite(at + reg, 4, 0);
    assert.equal(fn.cfgRead(at + reg, 4) >>> 0, (before & ~named) >>> 0, `+0x${reg.toString(16)} cleared`);
  }
  // Status: a written 1 clears a named bit, and never sets a reserved one.
  for (const reg of [0x04, 0x10]) {
    fn.cfgWrite(at + reg, 4, 0xffffffff);
    assert.equal(fn.cfgRead(at + reg, 4), 0, `+0x${reg.toString(16)}`);
  }
});
