import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BarMemory } from '../../emulator/pci/bar-memory';
import { importLspciText } from '../../emulator/pci/lspci-import';
import { PciFunction } from '../../emulator/pci/function';
import { barRead, barWrite, interruptMessage, memoryBars, msixEntry, setPending } from '../../emulator/machine/device-view';
import { BAR_OFFSETS, COMMAND, COMMAND_MEMORY } from '../../emulator/pci/registers';

const DIR = join(import.meta.dirname, '../../data/devices');

function x82599(): PciFunction {
  const r = importLspciText(readFileSync(join(DIR, 'intel-82599-pf.lspci'), 'latin1'));
  assert.ok(r.ok);
  return PciFunction.fromDump(r.devices[0]!, [
    { index: 0, size: 4 << 20 },
    { index: 2, size: 32 },
    { index: 4, size: 16384 },
    { index: 'rom', size: 4 << 20 },
  ]);
}

test('sparse: a 32 GiB BAR allocates nothing until written, untouched memory reads 0', () => {
  const m = new BarMemory(2 ** 35);
  assert.equal(m.allocatedPages, 0);
  assert.equal(m.read(2 ** 35 - 4, 4), 0);
  m.write(2 ** 34 + 0x1234, 4, 0xcafef00d);
  assert.equal(m.allocatedPages, 1);
  assert.equal(m.read(2 ** 34 + 0x1234, 4), 0xcafef00d);
  assert.equal(m.read(2 ** 34 + 0x1235, 2), 0xfef0);
  m.write(0x10, 4, 0); // zeros into an untouched page allocate nothing
  assert.equal(m.allocatedPages, 1);
  // a write straddling a page boundary lands in two pages
  m.write(0xffe, 4, 0x44332211);
  assert.equal(m.allocatedPages, 3);
  assert.equal(m.read(0xffe, 4), 0x44332211);
  assert.equal(m.read(2 ** 35, 4), 0xffffffff); // past the end
});

test('MSI-X entry written through BAR memory is what the capability view reads (and back)', () => {
  const fn = x82599();
  const x = fn.msix()!;
  assert.equal(x.tableSize, 64);
  assert.deepEqual(x.entry(5), { addressLo: 0, addressHi: 0, address: 0, data: 0, masked: true }); // masked out of reset
  const bar4 = fn.barMemory(4);
  bar4.write(5 * 16 + 0, 4, 0xfee01000);
  bar4.write(5 * 16 + 4, 4, 0x1);
  bar4.write(5 * 16 + 8, 4, 0x4041);
  bar4.write(5 * 16 + 12, 4, 0);
  assert.deepEqual(fn.msix()!.entry(5), { addressLo: 0xfee01000, addressHi: 1, address: 0x1_fee0_1000, data: 0x4041, masked: false });
  fn.msix()!.setEntry(6, { address: 0xfee00000, data: 0x30, masked: false });
  assert.equal(bar4.read(6 * 16, 4), 0xfee00000);
  assert.equal(bar4.read(6 * 16 + 8, 4), 0x30);
  assert.equal(bar4.read(6 * 16 + 12, 4), 0);
  assert.equal(fn.msix()!.entry(64), undefined);
});

test('PBA is read-only to software; device sets pending bits', () => {
  const fn = x82599();
  const bar4 = fn.barMemory(4);
  bar4.write(0x2000, 4, 0xffffffff);
  assert.equal(bar4.read(0x2000, 4), 0);
  fn.msix()!.setPending(9, true);
  assert.equal(bar4.read(0x2001, 1), 0x02);
  assert.equal(fn.msix()!.pending(9), true);
  fn.msix()!.setPending(9, false);
  assert.equal(fn.msix()!.pending(9), false);
});

test('device view: BAR accesses, interrupt message selection and ids', () => {
  const fn = x82599();
  assert.deepEqual(memoryBars(fn), [
    { index: 0, address: 0, size: 4 << 20, decoding: false },
    { index: 4, address: 0, size: 16384, decoding: false },
  ]);
  fn.cfgWrite(BAR_OFFSETS[0], 4, 0xe0000000);
  fn.cfgWrite(COMMAND, 2, COMMAND_MEMORY);
  assert.deepEqual(memoryBars(fn)[0], { index: 0, address: 0xe0000000, size: 4 << 20, decoding: true });
  barWrite(fn, 0, 0x8, 4, 0x12345678);
  assert.equal(barRead(fn, 0, 0x8, 4), 0x12345678);
  assert.equal(barRead(fn, 0, 4 << 20, 4), 0xffffffff); // outside the BAR
  assert.equal(barRead(fn, 2, 0, 2), 0xffff); // I/O BAR has no memory
  assert.deepEqual(interruptMessage(fn, 0), { ok: false, reason: 'MSI-X is not enabled' });
  // MSI (64-bit, maskable at 0x50) enabled: message from the MSI registers
  fn.cfgWrite(0x54, 4, 0xfee00000);
  fn.cfgWrite(0x5c, 2, 0x41);
  fn.cfgWrite(0x52, 2, 1);
  assert.deepEqual(interruptMessage(fn, 0), { ok: true, address: 0xfee00000, data: 0x41, masked: false });
  fn.cfgWrite(0x60, 4, 1); // per-vector mask
  assert.deepEqual(interruptMessage(fn, 0), { ok: true, address: 0xfee00000, data: 0x41, masked: true });
  // MSI-X enabled wins
  barWrite(fn, 4, 0, 4, 0xfee02000);
  barWrite(fn, 4, 8, 4, 0x55);
  barWrite(fn, 4, 12, 4, 0);
  fn.cfgWrite(0x72, 2, 0x8000);
  assert.deepEqual(interruptMessage(fn, 0), { ok: true, address: 0xfee02000, data: 0x55, masked: false });
  assert.deepEqual(msixEntry(fn, 0), { address: 0xfee02000, data: 0x55, masked: false });
  fn.cfgWrite(0x72, 2, 0xc000); // function mask
  assert.equal((interruptMessage(fn, 0) as { masked: boolean }).masked, true);
  setPending(fn, 3, true);
  assert.equal(fn.msix()!.pending(3), true);
  assert.equal(interruptMessage(fn, 64).ok, false);
});

test('snapshot / restore round trip is exact and structuredClone-able; reset returns to power-on', () => {
  const fn = x82599();
  const s0 = structuredClone(fn.snapshot());
  fn.cfgWrite(BAR_OFFSETS[0], 4, 0xe0000000);
  fn.cfgWrite(COMMAND, 2, 0x6);
  fn.barMemory(0).write(0x3000, 4, 0xabcd);
  fn.msix()!.setEntry(1, { address: 0xfee00000, data: 7, masked: false });
  const s1 = structuredClone(fn.snapshot());
  const cfg1 = fn.config.bytes;
  fn.barMemory(0).write(0x3000, 4, 0);
  fn.barMemory(0).write(0x9000, 4, 1);
  fn.cfgWrite(COMMAND, 2, 0);
  fn.restore(s1);
  assert.deepEqual(fn.config.bytes, cfg1);
  assert.equal(fn.barMemory(0).read(0x3000, 4), 0xabcd);
  assert.equal(fn.barMemory(0).read(0x9000, 4), 0);
  assert.deepEqual(fn.msix()!.entry(1), { addressLo: 0xfee00000, addressHi: 0, address: 0xfee00000, data: 7, masked: false });
  assert.deepEqual(fn.snapshot(), s1);
  fn.reset();
  assert.deepEqual(fn.snapshot(), s0);
  assert.equal(fn.cfgRead(COMMAND, 2), 0);
  assert.equal(fn.cfgRead(BAR_OFFSETS[0], 4), 0x0c);
  assert.throws(() => fn.restore({}), /not a PciFunction snapshot/);
});

test('Function Level Reset through PCIe DevCtl bit 15 returns the function to power-on', () => {
  const fn = x82599(); // DevCap FLReset+ per the reference lspci
  const exp = fn.capabilities().find((c) => c.kind === 'pcie')!;
  fn.cfgWrite(BAR_OFFSETS[0], 4, 0xe0000000);
  fn.cfgWrite(COMMAND, 2, 0x6);
  fn.barMemory(0).write(0, 4, 0x1234);
  const devCtl = fn.cfgRead(exp.offset + 8, 2);
  fn.cfgWrite(exp.offset + 8, 2, devCtl | 0x8000);
  assert.equal(fn.cfgRead(COMMAND, 2), 0);
  assert.equal(fn.cfgRead(BAR_OFFSETS[0], 4), 0x0c);
  assert.equal(fn.barMemory(0).read(0, 4), 0);
  assert.equal(fn.cfgRead(exp.offset + 8, 2) & 0x8000, 0);
});

test('OpenVMM verify_mmio example: a 4 KiB 64-bit prefetchable BAR0 probes as 0xFFFFF00C / 0xFFFFFFFF', () => {
  const cfg = new Uint8Array(64);
  cfg[0x10] = 0x0c;
  const fn = PciFunction.fromConfig(cfg, [{ index: 0, size: 4096 }]);
  assert.deepEqual(fn.probedBarMasks().slice(0, 2), [0xfffff00c, 0xffffffff]);
});
