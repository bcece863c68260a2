import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importLspciText, importConfigBinary } from '../../emulator/pci/lspci-import';
import { PciFunction, type BarSizeSpec } from '../../emulator/pci/function';
import { sizeFromProbedMask, layoutBars, ROM_INDEX } from '../../emulator/pci/bars';
import { BAR_OFFSETS, COMMAND, COMMAND_MEMORY, EXPANSION_ROM } from '../../emulator/pci/registers';
import { createFunction } from '../../emulator/pci/catalog';

const DIR = join(import.meta.dirname, '../../data/devices');
const K = 1024;
const M = 1024 * K;

function loadDev(file: string) {
  const r = importLspciText(readFileSync(join(DIR, file), 'latin1'));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return r.devices[0]!;
}

/** Size a BAR the way a guest does: save, write all-ones, read back, restore. */
function sizeByProbe(fn: PciFunction, index: number): { mask: number; highMask?: number; size: number } {
  const off = BAR_OFFSETS[index]!;
  const saved = fn.cfgRead(off, 4);
  fn.cfgWrite(off, 4, 0xffffffff);
  const mask = fn.cfgRead(off, 4);
  fn.cfgWrite(off, 4, saved);
  assert.equal(fn.cfgRead(off, 4), saved, 'restore');
  if ((mask & 0x7) === 0x4) {
    const hs = fn.cfgRead(off + 4, 4);
    fn.cfgWrite(off + 4, 4, 0xffffffff);
    const highMask = fn.cfgRead(off + 4, 4);
    fn.cfgWrite(off + 4, 4, hs);
    return { mask, highMask, size: sizeFromProbedMask(mask, highMask) };
  }
  return { mask, size: sizeFromProbedMask(mask) };
}

/** BAR sizes from the kernel's `reg 0x..: [mem a-b ...]` lines in the 82599 dmesg (SOURCES.md). */
function dmesgSizes(): Map<number, number> {
  const text = readFileSync(join(DIR, 'intel-82599-pf.dmesg.txt'), 'latin1');
  const out = new Map<number, number>();
  for (const m of text.matchAll(/01:00\.0: reg 0x([0-9a-f]+): \[(?:mem|io) +0x([0-9a-f]+)-0x([0-9a-f]+)/g)) {
    out.set(parseInt(m[1]!, 16), parseInt(m[3]!, 16) - parseInt(m[2]!, 16) + 1);
  }
  return out;
}

test('82599 (Huawei LOM dump): every BAR sizes to what the kernel logged', () => {
  const sizes = dmesgSizes();
  assert.equal(sizes.get(0x10), 4 * M);
  const bars: BarSizeSpec[] = [
    { index: 0, size: sizes.get(0x10)! },
    { index: 2, size: sizes.get(0x18)! },
    { index: 4, size: sizes.get(0x20)! },
    { index: 'rom', size: sizes.get(0x30)! },
  ];
  const fn = PciFunction.fromDump(loadDev('intel-82599-pf.lspci'), bars);
  assert.deepEqual(
    fn.bars().map((b) => [b.index, b.kind, b.prefetchable, b.size]),
    [
      [0, 'mem64', true, 4 * M],
      [2, 'io', false, 32],
      [4, 'mem64', true, 16 * K],
      [ROM_INDEX, 'rom', false, 4 * M],
    ],
  );
  const p0 = sizeByProbe(fn, 0);
  assert.equal(p0.mask, 0xffc0000c);
  assert.equal(p0.highMask, 0xffffffff);
  assert.equal(p0.size, 4 * M);
  const p2 = sizeByProbe(fn, 2);
  assert.equal(p2.mask, 0xffffffe1);
  assert.equal(p2.size, 32);
  assert.equal(sizeByProbe(fn, 4).size, 16 * K);
  assert.deepEqual(fn.probedBarMasks(), [0xffc0000c, 0xffffffff, 0xffffffe1, 0, 0xffffc00c, 0xffffffff]);
  assert.equal(fn.barLayouts().find((b) => b.index === 2)!.usableThroughVpci, false);
  assert.equal(fn.barLayouts().find((b) => b.index === 0)!.usableThroughVpci, true);
});

test('82599 (DPDK sysfs config): BAR sizes agree with the sysfs resource file', () => {
  const r = importConfigBinary(new Uint8Array(readFileSync(join(DIR, 'intel-82599-pf-dpdk-sysfs.config'))));
  assert.ok(r.ok);
  const res = readFileSync(join(DIR, 'intel-82599-pf-dpdk-sysfs.resource'), 'latin1')
    .trim()
    .split('\n')
    .map((l) =>
      l
        .trim()
        .split(/\s+/)
        .map((x) => Number(BigInt(x))),
    );
  const size = (i: number): number => res[i]![1]! - res[i]![0]! + 1;
  const fn = PciFunction.fromDump(r.device, [
    { index: 0, size: size(0) },
    { index: 2, size: size(2) },
    { index: 4, size: size(4) },
  ]);
  assert.deepEqual(
    fn.bars().map((b) => [b.index, b.kind, b.prefetchable, b.size, b.address]),
    [
      [0, 'mem64', true, 512 * K, 0],
      [2, 'io', false, 32, 0],
      [4, 'mem64', true, 16 * K, 0],
    ],
  );
  for (const i of [0, 2, 4]) assert.equal(sizeByProbe(fn, i).size, size(i));
});

test('ConnectX-3 (64-byte dump): BAR0 1M, BAR2 8M prefetchable, ROM 1M; addresses cleared', () => {
  const dev = loadDev('mellanox-cx3-pf-header64.lspci');
  const fn = PciFunction.fromDump(dev, [
    { index: 0, size: 1 * M },
    { index: 2, size: 8 * M },
    { index: 'rom', size: 1 * M },
  ]);
  assert.deepEqual(
    fn.bars().map((b) => [b.index, b.kind, b.prefetchable, b.size, b.address, b.decoding]),
    [
      [0, 'mem64', false, 1 * M, 0, false],
      [2, 'mem64', true, 8 * M, 0, false],
      [ROM_INDEX, 'rom', false, 1 * M, 0, false],
    ],
  );
  assert.equal(fn.cfgRead(BAR_OFFSETS[0], 4), 0x4); // type bits kept, 0xc8800000 cleared
  assert.equal(fn.cfgRead(EXPANSION_ROM, 4), 0);
  assert.equal(sizeByProbe(fn, 0).size, 1 * M);
  assert.equal(sizeByProbe(fn, 2).size, 8 * M);
  assert.equal(fn.cfgRead(COMMAND, 2), 0);
});

test("82576: four BARs incl. 32-bit ones, sizes from the dump's [size=] lines", () => {
  const text = readFileSync(join(DIR, 'intel-82576-pf-sriov.lspci'), 'latin1');
  const want = [...text.matchAll(/^\tRegion (\d): .*\[size=(\d+)([KM]?)\]/gm)].map((m) => ({
    index: Number(m[1]),
    size: Number(m[2]) * (m[3] === 'K' ? K : m[3] === 'M' ? M : 1),
  }));
  assert.equal(want.length, 4);
  const fn = PciFunction.fromDump(loadDev('intel-82576-pf-sriov.lspci'), [...want, { index: 'rom', size: 4 * M }]);
  for (const w of want) assert.equal(sizeByProbe(fn, w.index).size, w.size, `BAR${w.index}`);
  assert.deepEqual(
    fn.bars().map((b) => b.kind),
    ['mem32', 'mem32', 'io', 'mem32', 'rom'],
  );
});

test('a BAR in the dump with no size given throws naming it', () => {
  const dev = loadDev('mellanox-cx3-pf-header64.lspci');
  assert.throws(
    () =>
      PciFunction.fromDump(dev, [
        { index: 0, size: M },
        { index: 'rom', size: M },
      ]),
    /BAR2/,
  );
  assert.throws(
    () =>
      PciFunction.fromDump(dev, [
        { index: 0, size: M },
        { index: 2, size: 8 * M },
      ]),
    /expansion ROM/,
  );
  assert.throws(
    () =>
      PciFunction.fromDump(dev, [
        { index: 0, size: M },
        { index: 1, size: M },
        { index: 2, size: 8 * M },
        { index: 'rom', size: M },
      ]),
    /BAR1.*upper half/,
  );
  assert.throws(
    () =>
      PciFunction.fromDump(dev, [
        { index: 0, size: 3 * M },
        { index: 2, size: 8 * M },
        { index: 'rom', size: M },
      ]),
    /BAR0.*power of two/,
  );
});

test("a size the address in the dump's BAR cannot have is refused: a BAR decodes a range aligned to its size", () => {
  // A type 0 header with: BAR0 32-bit memory at 0xe0800000, BAR2 I/O at 0x1020, BAR3/4 64-bit
  // prefetchable at 0x3_0000_0000 (upper half only), BAR5 unassigned, the ROM at 0xc7800000.
  const cfg = new Uint8Array(256);
  const put = (off: number, v: number) => new DataView(cfg.buffer).setUint32(off, v >>> 0, true);
  put(BAR_OFFSETS[0], 0xe0800000);
  put(BAR_OFFSETS[2], 0x1021);
  put(BAR_OFFSETS[3], 0x0000000c);
  put(BAR_OFFSETS[4], 0x3);
  put(EXPANSION_ROM, 0xc7800000);
  const G = 1024 * M;
  const fits = (specs: BarSizeSpec[]) => layoutBars(cfg, specs, true);
  // At the alignment of each address, and below it: laid out.
  for (const specs of [
    [{ index: 0, size: 8 * M }],
    [{ index: 0, size: 16 }],
    [{ index: 2, size: 32 }],
    [{ index: 3, size: 4 * G }],
    [{ index: 5, size: G }], // unassigned: any size its kind can have
    [{ index: 'rom' as const, size: 8 * M }],
  ] satisfies BarSizeSpec[][])
    assert.equal(fits(specs).ok, true, JSON.stringify(specs));
  // One step past it: refused, naming the BAR, the address and the most it can be.
  for (const [specs, message] of [
    [
      [{ index: 0, size: 16 * M }],
      'BAR0: size 16777216 (16M) cannot hold the address 0xe0800000 the dump gives it: a BAR decodes a range aligned to its size, so this one is at most 8388608 (8M)',
    ],
    [
      [{ index: 2, size: 64 }],
      'BAR2: size 64 (64) cannot hold the address 0x1020 the dump gives it: a BAR decodes a range aligned to its size, so this one is at most 32 (32)',
    ],
    [
      [{ index: 3, size: 8 * G }],
      'BAR3: size 8589934592 (8G) cannot hold the address 0x300000000 the dump gives it: a BAR decodes a range aligned to its size, so this one is at most 4294967296 (4G)',
    ],
    [
      [{ index: 'rom', size: 16 * M }],
      'expansion ROM: size 16777216 (16M) cannot hold the address 0xc7800000 the dump gives it: a BAR decodes a range aligned to its size, so this one is at most 8388608 (8M)',
    ],
  ] as [BarSizeSpec[], string][]) {
    const r = fits(specs);
    assert.equal(r.ok, false, JSON.stringify(specs));
    assert.equal(!r.ok && r.message, message);
  }
  // The same rule for a scenario's function from the dump (not partial).
  assert.throws(() => layoutBarsOrThrow(cfg, [{ index: 0, size: 16 * M }]), /BAR0: size 16777216 \(16M\) cannot hold the address 0xe0800000/);
});

function layoutBarsOrThrow(cfg: Uint8Array, specs: BarSizeSpec[]) {
  const r = layoutBars(
    cfg,
    specs.concat([
      { index: 2, size: 32 },
      { index: 3, size: 4 * 1024 * M },
      { index: 'rom', size: M },
    ]),
  );
  if (!r.ok) throw new Error(r.message);
  return r.bars;
}

test('32 GiB 64-bit BAR: masks, sizing and an address above 4 GiB without 32-bit overflow', () => {
  const cfg = new Uint8Array(256);
  cfg.set([0xde, 0x10, 0xb7, 0x20]);
  cfg[BAR_OFFSETS[1]] = 0x0c; // BAR1 mem64 prefetchable, like the A30's 32G BAR1
  const fn = PciFunction.fromConfig(cfg, [{ index: 1, size: 32 * 2 ** 30 }], { name: 'big' });
  const p = sizeByProbe(fn, 1);
  assert.equal(p.mask, 0x0000000c);
  assert.equal(p.highMask, 0xfffffff8);
  assert.equal(p.size, 2 ** 35);
  assert.deepEqual(fn.probedBarMasks(), [0, 0x0000000c, 0xfffffff8, 0, 0, 0]);
  // place it at 0x38_0000_0000 (aligned to 32 GiB) and at a misaligned address
  fn.cfgWrite(BAR_OFFSETS[1], 4, 0x1234500c);
  fn.cfgWrite(BAR_OFFSETS[2], 4, 0x3f);
  assert.equal(fn.bars()[0]!.address, 0x38 * 2 ** 32); // low address bits below 32 GiB read 0
  fn.cfgWrite(COMMAND, 2, COMMAND_MEMORY);
  assert.equal(fn.bars()[0]!.decoding, true);
});

test('BAR writes respect the size mask (bits below the size read 0)', () => {
  const fn = PciFunction.fromDump(loadDev('mellanox-cx3-pf-header64.lspci'), [
    { index: 0, size: 1 * M },
    { index: 2, size: 8 * M },
    { index: 'rom', size: 1 * M },
  ]);
  fn.cfgWrite(BAR_OFFSETS[0], 4, 0xc88fffff);
  assert.equal(fn.cfgRead(BAR_OFFSETS[0], 4), 0xc8800004);
  fn.cfgWrite(EXPANSION_ROM, 4, 0xfff00001);
  assert.equal(fn.cfgRead(EXPANSION_ROM, 4), 0xfff00001);
  assert.equal(fn.bars().find((b) => b.kind === 'rom')!.address, 0xfff00000);
  // unimplemented BAR registers stay 0
  fn.cfgWrite(BAR_OFFSETS[4], 4, 0xffffffff);
  assert.equal(fn.cfgRead(BAR_OFFSETS[4], 4), 0);
});

test("TU102 via fromConfig keeps the dumping machine's addresses, above 4 GiB too, as lspci printed them", () => {
  const dev = loadDev('nvidia-tu102-gpu.lspci');
  const fn = PciFunction.fromConfig(
    dev.bytes,
    [
      { index: 0, size: 16 * M },
      { index: 1, size: 256 * M },
      { index: 3, size: 32 * M },
      { index: 5, size: 128 },
      { index: 'rom', size: 512 * K },
    ],
    { name: 'tu102' },
  );
  const ref = readFileSync(join(DIR, 'nvidia-tu102-gpu.lspci-vvv.txt'), 'latin1');
  const refMem = new Map([...ref.matchAll(/^\tRegion (\d): Memory at ([0-9a-f]+)/gm)].map((m) => [Number(m[1]), parseInt(m[2]!, 16)]));
  const mem = fn.bars().filter((b) => b.kind === 'mem32' || b.kind === 'mem64');
  assert.deepEqual(
    mem.map((b) => [b.index, b.address]),
    [...refMem],
  );
  assert.equal(mem[1]!.address, 0x383fe0000000);
  assert.ok(mem.every((b) => b.decoding));
  const io = fn.bars().find((b) => b.kind === 'io')!;
  assert.equal(io.address, parseInt(/Region 5: I\/O ports at ([0-9a-f]+)/.exec(ref)![1]!, 16));
  const msi = fn.msi()!;
  assert.deepEqual([msi.enabled, msi.is64Bit, msi.perVectorMasking, msi.address, msi.data], [true, true, false, 0xfee00698, 0]);
  assert.deepEqual(msi.message(0), { address: 0xfee00698, data: 0, masked: false });
  fn.reset(); // power-on: addresses gone, MSI off
  assert.ok(fn.bars().every((b) => b.address === 0 && !b.decoding));
  assert.equal(fn.msi()!.enabled, false);
});

test('BAR state: unassigned, sizing (low half, then high half, and a ROM), assigned', () => {
  const fn = createFunction('intel-82599-pf');
  const bar0 = (): ReturnType<typeof fn.bars>[number] => fn.bars().find((b) => b.index === 0)!;
  assert.equal(bar0().state, 'unassigned');
  fn.cfgWrite(0x10, 4, 0xffffffff);
  assert.deepEqual([bar0().state, bar0().sizingHalf, bar0().register >>> 0], ['sizing', 'low', 0xffc0000c]);
  fn.cfgWrite(0x10, 4, 0);
  fn.cfgWrite(0x14, 4, 0xffffffff);
  assert.deepEqual([bar0().state, bar0().sizingHalf], ['sizing', 'high']);
  fn.cfgWrite(0x14, 4, 0);
  fn.cfgWrite(0x10, 4, 0xfe000000);
  assert.deepEqual([bar0().state, bar0().address], ['assigned', 0xfe000000]);
  const rom = (): ReturnType<typeof fn.bars>[number] => fn.bars().find((b) => b.kind === 'rom')!;
  fn.cfgWrite(0x30, 4, 0xfffffffe); // Linux sizes the ROM with its enable bit clear
  assert.equal(rom().state, 'sizing');
});
