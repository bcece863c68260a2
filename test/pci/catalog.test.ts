import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { catalogAddress, catalogBytes, catalogEntry, catalogIds, createFunction } from '../../emulator/pci/catalog';
import { importLspciText } from '../../emulator/pci/lspci-import';

const DEV = 'data/devices';
const K = 1024;
const M = 1024 * K;

const REQUIRED = [
  'intel-82599-pf',
  'intel-82599-vf',
  'mellanox-cx3-pf',
  'mellanox-cx3-vf',
  'samsung-pm174x-nvme',
  'nvidia-tu102',
  'intel-x710-pf',
  'mellanox-cx5ex-pf',
];

/** Catalog id → dump file it must equal byte for byte. */
const DUMP_OF: Record<string, string> = {
  'intel-82599-pf': 'intel-82599-pf.lspci',
  'mellanox-cx3-pf': 'mellanox-cx3-pf-header64.lspci',
  'samsung-pm174x-nvme': 'samsung-pm174x-nvme.lspci',
  'nvidia-tu102': 'nvidia-tu102-gpu.lspci',
  'intel-x710-pf': 'intel-x710-pf.lspci',
  'mellanox-cx5ex-pf': 'mellanox-cx5ex-pf.lspci',
  'intel-82576-pf': 'intel-82576-pf-sriov.lspci',
  'mellanox-cx3pro-pf': 'mellanox-cx3pro-pf.lspci',
};

test('the catalog lists every required device and each one constructs', () => {
  const ids = catalogIds();
  for (const id of REQUIRED) assert.ok(ids.includes(id), id);
  for (const id of ids) {
    const fn = createFunction(id);
    const e = catalogEntry(id)!;
    assert.equal(e.id, id);
    assert.equal(fn.cfgRead(0, 2), e.vendorId, id);
    assert.equal(fn.cfgRead(2, 2), e.deviceId, id);
    assert.ok(e.source.length > 20, `${id} records its source`);
    assert.ok(e.interrupts.length > 0);
    assert.ok(catalogAddress(id));
  }
});

test('unknown ids throw from createFunction and are absent from catalogEntry', () => {
  assert.throws(() => createFunction('no-such-device'), /unknown catalog device/);
  assert.equal(catalogEntry('no-such-device'), undefined);
  assert.equal(catalogBytes('no-such-device'), undefined);
});

test('each dumped entry holds exactly the dump bytes (file parsed independently)', () => {
  for (const [id, file] of Object.entries(DUMP_OF)) {
    const r = importLspciText(readFileSync(`${DEV}/${file}`, 'utf8'));
    assert.ok(r.ok, `${file} imports`);
    if (!r.ok) continue;
    assert.equal(r.devices.length, 1);
    const want = r.devices[0]!.bytes;
    const got = catalogBytes(id)!;
    assert.equal(got.length, want.length, `${id} length`);
    assert.deepEqual(got, want, `${id} bytes`);
  }
  // The raw 64-byte sysfs config file, no text parsing at all.
  const raw = new Uint8Array(readFileSync(`${DEV}/intel-82599-pf-dpdk-sysfs.config`));
  assert.deepEqual(catalogBytes('intel-82599-pf-dpdk'), raw);
});

test('the function model reads back the dumped bytes outside the BAR registers', () => {
  for (const id of Object.keys(DUMP_OF)) {
    const bytes = catalogBytes(id)!;
    const fn = createFunction(id);
    for (let off = 0; off < 4096; off++) {
      if (off >= 0x10 && off < 0x28) continue; // BAR registers: masked to the BAR sizes
      if (off >= 0x30 && off < 0x34) continue; // expansion ROM
      const want = off < bytes.length ? bytes[off] : 0;
      assert.equal(fn.cfgRead(off, 1), want, `${id} @${off.toString(16)}`);
    }
  }
});

test('BAR sizes are those of SOURCES.md', () => {
  const expect: Record<string, [number | 'rom', number][]> = {
    'intel-82599-pf': [
      [0, 4 * M],
      [2, 32],
      [4, 16 * K],
      ['rom', 4 * M],
    ],
    'intel-82599-vf': [
      [0, 16 * K],
      [3, 16 * K],
    ],
    'mellanox-cx3-pf': [
      [0, 1 * M],
      [2, 8 * M],
      ['rom', 1 * M],
    ],
    'mellanox-cx3-vf': [[2, 8 * M]],
    'samsung-pm174x-nvme': [[0, 32 * K]],
    'nvidia-tu102': [
      [0, 16 * M],
      [1, 256 * M],
      [3, 32 * M],
      [5, 128],
      ['rom', 512 * K],
    ],
    'intel-82576-pf': [
      [0, 128 * K],
      [1, 4 * M],
      [2, 32],
      [3, 16 * K],
      ['rom', 4 * M],
    ],
  };
  for (const [id, bars] of Object.entries(expect)) {
    assert.deepEqual(
      catalogEntry(id)!.bars.map((b) => [b.index, b.size]),
      bars,
      id,
    );
    const fn = createFunction(id);
    for (const [index, size] of bars) {
      const i = index === 'rom' ? 6 : index;
      const info = fn.bars().find((b) => b.index === i);
      assert.ok(info, `${id} BAR ${index} modelled`);
      assert.equal(info.size, size, `${id} BAR ${index} size`);
    }
  }
});

test('BAR sizing through config writes gives the catalog sizes (write ones, read back)', () => {
  const fn = createFunction('nvidia-tu102');
  fn.cfgWrite(0x14, 4, 0xffffffff);
  fn.cfgWrite(0x18, 4, 0xffffffff);
  const lo = fn.cfgRead(0x14, 4) >>> 0;
  const hi = fn.cfgRead(0x18, 4) >>> 0;
  assert.equal(lo & 0xf, 0xc, 'mem64 prefetchable type bits');
  const mask = (BigInt(hi) << 32n) | BigInt(lo & (~0xf >>> 0));
  assert.equal(Number((~mask & 0xffffffffffffffffn) + 1n), 256 * M);
});

test('82599 VF: 8086:10ed, BAR0/BAR3 16K mem64 prefetchable, MSI-X 3 in BAR3, no PM/MSI, AER and ARI', () => {
  const e = catalogEntry('intel-82599-vf')!;
  assert.equal(e.vf, true);
  assert.equal(e.vendorId, 0x8086);
  assert.equal(e.deviceId, 0x10ed);
  assert.match(e.source, /built by vPCI Lab \(no public dump of this VF exists\)/); // constructed, and it says so
  const fn = createFunction('intel-82599-vf');
  const bars = fn.bars().filter((b) => b.size > 0);
  assert.deepEqual(
    bars.map((b) => [b.index, b.kind, b.prefetchable, b.size]),
    [
      [0, 'mem64', true, 16 * K],
      [3, 'mem64', true, 16 * K],
    ],
  );
  assert.equal(fn.cfgRead(0x30, 4), 0, 'no expansion ROM');
  assert.equal(fn.cfgRead(0x3d, 1), 0, 'no INTx pin');
  const x = fn.msix()!;
  assert.equal(x.tableSize, 3);
  assert.equal(x.tableBir, 3);
  assert.equal(x.tableOffset, 0);
  assert.equal(x.pbaBir, 3);
  assert.equal(x.pbaOffset, 0x2000);
  assert.equal(fn.msi(), undefined);
  const caps = fn.capabilities().map((c) => [c.offset, c.kind]);
  assert.deepEqual(caps, [
    [0x70, 'msix'],
    [0xa0, 'pcie'],
    [0x100, 'aer'],
    [0x150, 'ari'],
  ]);
});

test('ConnectX-3 VF: 15b3:1004, only BAR2 8M mem64 prefetchable, MSI-X 24 at BAR2+0x2000/0x3000', () => {
  const e = catalogEntry('mellanox-cx3-vf')!;
  assert.equal(e.vf, true);
  assert.equal(e.vendorId, 0x15b3);
  assert.equal(e.deviceId, 0x1004);
  const fn = createFunction('mellanox-cx3-vf');
  const bars = fn.bars().filter((b) => b.size > 0);
  assert.deepEqual(
    bars.map((b) => [b.index, b.kind, b.prefetchable, b.size]),
    [[2, 'mem64', true, 8 * M]],
  );
  const x = fn.msix()!;
  assert.equal(x.tableSize, 24);
  assert.equal(x.tableBir, 2);
  assert.equal(x.tableOffset, 0x2000);
  assert.equal(x.pbaBir, 2);
  assert.equal(x.pbaOffset, 0x3000);
  const caps = fn.capabilities().map((c) => [c.offset, c.kind]);
  assert.deepEqual(caps, [
    [0x60, 'pcie'],
    [0x9c, 'msix'],
    [0x40, 'pm'],
  ]);
});
