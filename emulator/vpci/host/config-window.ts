// The para-virtual config window (protocol.md §4.1, §4.3): 0x2000 bytes at the MMIO
// base the guest gives in PCI_BUS_D0ENTRY. Page 0 holds the write-only slot
// register at offset 0; page 1 (0x1000) is the 4 KiB config space of the
// selected function. Decode rules follow openvmm vm/devices/pci/vpci/src/bus.rs
// (`mmio_read`/`mmio_write`): no page straddling (InvalidAccessSize), page 0
// only a 4-byte write at 0 (reads InvalidRegister), page 1 accesses of 1 byte
// anywhere, 2 bytes at lane 0/2, 4 bytes at lane 0 (UnalignedAccess otherwise),
// an empty slot reads all-ones and drops writes, nothing before D0 entry or
// after D0 exit.
// Host BAR emulation (protocol.md §5.2): BAR writes are dropped while COMMAND.MEMORY is
// set (linux pci-hyperv.c `prepopulate_bars` comment; openvmm device.rs
// `verify_mmio`) and MSE toggles map/unmap the BARs.
import { type Trace } from '../../runtime/trace';
import { Ev } from '../events';
import type { HostProfile } from './profiles';
import { PCI_BAR0, PCI_BAR_END, PCI_COMMAND, PCI_COMMAND_MEMORY, memoryBars, type HostFunction } from './bars';

export const PCI_CONFIG_MMIO_LENGTH = 0x2000;
export const CFG_PAGE_OFFSET = 0x1000;
export const CFG_PAGE_SIZE = 0x1000;
export const MMIO_PAGE_SLOT_NUMBER = 0;

export type WindowError = 'NotMapped' | 'InvalidAccessSize' | 'InvalidRegister' | 'UnalignedAccess';

export interface WindowOptions {
  trace: Trace;
  bus: number;
  now: () => number;
  profile: HostProfile;
  /** The function at a slot-register value, or undefined when nothing answers there (empty or vanished). */
  lookup: (wslot: number) => HostFunction | undefined;
  /** Probed BAR masks of the function at wslot (cached by the host). */
  masks: (wslot: number) => number[];
}

const ONES = [0, 0xff, 0xffff, 0xffffff, 0xffffffff];

export class ConfigWindow {
  /** True between D0 entry and D0 exit / channel close. */
  mapped = false;
  /** Last value written to the slot register. */
  slot = 0;

  constructor(private readonly o: WindowOptions) {}

  private reject(offset: number, size: number, write: boolean, err: WindowError, value = 0): { ok: false; error: WindowError } {
    this.o.trace.record(
      this.o.now(),
      Ev.Error,
      this.o.bus,
      offset >>> 0,
      size >>> 0,
      value >>> 0,
      `config window ${write ? 'write' : 'read'} of ${size} byte(s) at 0x${(offset >>> 0).toString(16)}: ${err}`,
    );
    return { ok: false, error: err };
  }

  /** Shared checks; returns the config offset for page-1 accesses, -1 for the slot register, or an error. */
  private decode(offset: number, size: number, write: boolean, value: number): number | { ok: false; error: WindowError } {
    if (!this.mapped) return this.reject(offset, size, write, 'NotMapped', value);
    if (!Number.isInteger(offset) || offset < 0 || offset >= PCI_CONFIG_MMIO_LENGTH) return this.reject(offset, size, write, 'InvalidRegister', value);
    if (!Number.isInteger(size) || size <= 0 || (offset & 0xfff) + size > 0x1000) return this.reject(offset, size, write, 'InvalidAccessSize', value);
    if (offset < CFG_PAGE_OFFSET) {
      if (offset !== MMIO_PAGE_SLOT_NUMBER || !write) return this.reject(offset, size, write, 'InvalidRegister', value);
      if (size !== 4) return this.reject(offset, size, write, 'InvalidAccessSize', value);
      return -1;
    }
    const where = offset - CFG_PAGE_OFFSET;
    if (size === 1) return where;
    if (size === 2) return (where & 1) === 0 ? where : this.reject(offset, size, write, 'UnalignedAccess', value);
    if (size === 4) return (where & 3) === 0 ? where : this.reject(offset, size, write, 'UnalignedAccess', value);
    return this.reject(offset, size, write, 'InvalidAccessSize', value);
  }

  read(offset: number, size: number): { ok: boolean; value: number; error?: WindowError } {
    const d = this.decode(offset, size, false, 0);
    if (typeof d !== 'number') return { ok: false, value: 0, error: d.error };
    const fn = this.o.lookup(this.slot);
    const value = fn ? fn.cfgRead(d, size as 1 | 2 | 4) >>> 0 : ONES[size]!;
    this.o.trace.record(this.o.now(), Ev.CfgRead, this.o.bus, this.slot, d | (size << 16), value);
    return { ok: true, value };
  }

  write(offset: number, size: number, value: number): { ok: boolean; error?: WindowError } {
    const d = this.decode(offset, size, true, value);
    if (typeof d !== 'number') return { ok: false, error: d.error };
    const v = (value >>> 0) & ONES[size]!;
    if (d === -1) {
      this.slot = value >>> 0;
      return { ok: true };
    }
    const wslot = this.slot;
    const t = this.o.trace;
    t.record(this.o.now(), Ev.CfgWrite, this.o.bus, wslot, d | (size << 16), v);
    const fn = this.o.lookup(wslot);
    if (!fn) return { ok: true }; // empty slot: dropped
    const mseBefore = (fn.cfgRead(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) !== 0;
    if (d < PCI_BAR_END && d + size > PCI_BAR0 && mseBefore && this.o.profile.ignoreBarWritesWhileMse) {
      t.record(this.o.now(), Ev.BarWriteIgnored, this.o.bus, wslot, d, v);
      return { ok: true };
    }
    fn.cfgWrite(d, size as 1 | 2 | 4, v);
    if (d < PCI_COMMAND + 2 && d + size > PCI_COMMAND) {
      const mseAfter = (fn.cfgRead(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) !== 0;
      if (mseAfter !== mseBefore) recordBarMapping(t, this.o.now(), this.o.bus, wslot, fn, this.o.masks(wslot), mseAfter);
    }
    return { ok: true };
  }
}

/** Ev.BarMap / Ev.BarUnmap for every memory BAR of a function (MSE toggled). */
export function recordBarMapping(t: Trace, now: number, bus: number, wslot: number, fn: HostFunction, masks: number[], on: boolean): void {
  for (const b of memoryBars(fn, masks))
    t.record(now, on ? Ev.BarMap : Ev.BarUnmap, bus, wslot, b.index, b.address % 0x100000000, {
      address: b.address,
      size: b.size,
      is64: b.is64,
      prefetch: b.prefetch,
    });
}
