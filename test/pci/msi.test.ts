import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PciFunction } from '../../emulator/pci/function';
import { interruptMessage, setPending } from '../../emulator/machine/device-view';
import { CAPABILITIES_PTR, STATUS, STATUS_CAP_LIST } from '../../emulator/pci/registers';

/** A 32-bit MSI capability at 0x50, 8 vectors capable, per-vector masking (layout per pci_regs.h). */
function msiFunction(): PciFunction {
  const cfg = new Uint8Array(256);
  cfg.set([0x34, 0x12, 0x78, 0x56]);
  cfg[STATUS] = STATUS_CAP_LIST;
  cfg[CAPABILITIES_PTR] = 0x50;
  cfg.set([0x05, 0x00, 0x06, 0x01], 0x50); // MSI, next 0, control: MMC=3 (8 vectors), 32-bit, maskable
  return PciFunction.fromConfig(cfg, []);
}

test('32-bit MSI with multiple messages: data low bits carry the vector; masks and pending', () => {
  const fn = msiFunction();
  const msi = fn.msi()!;
  assert.deepEqual([msi.is64Bit, msi.perVectorMasking, msi.vectorsCapable, msi.vectorsEnabled], [false, true, 8, 1]);
  assert.deepEqual(msi.layout, { address: 0x54, data: 0x58, mask: 0x5c, pending: 0x60 });
  fn.cfgWrite(0x54, 4, 0xfee00003); // address bits 1:0 are not writable
  fn.cfgWrite(0x58, 2, 0x4020);
  fn.cfgWrite(0x52, 2, 0x0021); // enable, MME = 2 (4 vectors)
  assert.equal(fn.cfgRead(0x54, 4), 0xfee00000);
  assert.deepEqual(interruptMessage(fn, 3), { ok: true, address: 0xfee00000, data: 0x4023, masked: false });
  assert.equal(interruptMessage(fn, 4).ok, false);
  fn.cfgWrite(0x5c, 4, 0xffffffff); // only 8 mask bits exist
  assert.equal(fn.cfgRead(0x5c, 4), 0xff);
  assert.equal(fn.msi()!.masked(2), true);
  setPending(fn, 2, true);
  assert.equal(fn.cfgRead(0x60, 4), 0x4);
  fn.cfgWrite(0x60, 4, 0); // pending bits are read-only to software
  assert.equal(fn.msi()!.pending(2), true);
  assert.equal(fn.msix(), undefined);
});

test('no MSI or MSI-X: interruptMessage explains', () => {
  const fn = PciFunction.fromConfig(new Uint8Array(64), []);
  assert.deepEqual(interruptMessage(fn, 0), { ok: false, reason: 'function has neither MSI nor MSI-X' });
  assert.deepEqual(fn.bars(), []);
  assert.deepEqual(fn.probedBarMasks(), [0, 0, 0, 0, 0, 0]);
});

test('MSI and MSI-X views are live: a view taken before enabling sees the enable', () => {
  const fn = msiFunction();
  const msi = fn.msi()!;
  assert.equal(msi.enabled, false);
  fn.cfgWrite(0x52, 2, 0x0001);
  assert.equal(msi.enabled, true);
  assert.equal(fn.msi(), msi); // one view per function
  fn.reset();
  assert.equal(msi.enabled, false);
});
