// The machine's narrow view of a PCI function: memory BARs, BAR accesses, interrupt messages and
// IDs. Never throws: accesses outside a BAR read all-ones and drop writes, as an unclaimed bus does.

import type { PciFunction } from '../pci/function';
import { CLASS_CODE, DEVICE_ID, REVISION_ID, SUBSYSTEM_ID, SUBSYSTEM_VENDOR_ID, VENDOR_ID } from '../pci/registers';

export function memoryBars(fn: PciFunction): { index: number; address: number; size: number; decoding: boolean }[] {
  return fn
    .bars()
    .filter((b) => b.kind === 'mem32' || b.kind === 'mem64')
    .map((b) => ({ index: b.index, address: b.address, size: b.size, decoding: b.decoding }));
}

function allOnes(size: number): number {
  const n = Math.max(0, Math.min(8, Math.trunc(size)));
  return 2 ** (8 * n) - 1;
}

export function barRead(fn: PciFunction, bar: number, offset: number, size: number): number {
  if (!fn.hasBarMemory(bar)) return allOnes(size);
  const m = fn.barMemory(bar);
  if (!(offset >= 0 && offset + size <= m.size)) return allOnes(size);
  return m.read(offset, size);
}

export function barWrite(fn: PciFunction, bar: number, offset: number, size: number, value: number): void {
  if (!fn.hasBarMemory(bar)) return;
  const m = fn.barMemory(bar);
  if (!(offset >= 0 && offset + size <= m.size)) return;
  m.write(offset, size, value);
}

/** MSI-X if enabled, else MSI if enabled, else a reason. */
export function interruptMessage(fn: PciFunction, index: number): { ok: true; address: number; data: number; masked: boolean } | { ok: false; reason: string } {
  const x = fn.msix();
  if (x?.enabled) {
    const e = x.entry(index);
    if (!e) return { ok: false, reason: `MSI-X vector ${index} out of range (table size ${x.tableSize})` };
    return { ok: true, address: e.address, data: e.data, masked: e.masked || x.functionMask };
  }
  const m = fn.msi();
  if (m?.enabled) {
    const msg = m.message(index);
    if (!msg) return { ok: false, reason: `MSI vector ${index} out of range (${m.vectorsEnabled} enabled)` };
    return { ok: true, ...msg };
  }
  if (!x && !m) return { ok: false, reason: 'function has neither MSI nor MSI-X' };
  return { ok: false, reason: `${x ? 'MSI-X' : 'MSI'} is not enabled` };
}

export function setPending(fn: PciFunction, index: number, on: boolean): void {
  const x = fn.msix();
  if (x?.enabled) {
    x.setPending(index, on);
    return;
  }
  const m = fn.msi();
  if (m) m.setPending(index, on);
  else x?.setPending(index, on);
}

export function functionIds(fn: PciFunction): {
  vendorId: number;
  deviceId: number;
  subsystemVendorId: number;
  subsystemId: number;
  revision: number;
  classCode: number;
} {
  return {
    vendorId: fn.cfgRead(VENDOR_ID, 2),
    deviceId: fn.cfgRead(DEVICE_ID, 2),
    subsystemVendorId: fn.cfgRead(SUBSYSTEM_VENDOR_ID, 2),
    subsystemId: fn.cfgRead(SUBSYSTEM_ID, 2),
    revision: fn.cfgRead(REVISION_ID, 1),
    classCode: fn.cfgRead(CLASS_CODE, 4) & 0xffffff,
  };
}

export function msixEntry(fn: PciFunction, index: number): { address: number; data: number; masked: boolean } | undefined {
  const e = fn.msix()?.entry(index);
  return e ? { address: e.address, data: e.data, masked: e.masked } : undefined;
}
