// The host's view of a function's BARs, read through config space: which BARs
// decode memory, where they are, how large they are. Sizes come from the probed
// masks (protocol.md §5.1; openvmm vm/devices/pci/vpci/src/device.rs sizes a BAR as
// (!mask | 0xF) + 1 on the 64-bit mask).
import type { PciFunction } from '../../pci/function';

/** The part of PciFunction the host uses. */
export type HostFunction = Pick<PciFunction, 'cfgRead' | 'cfgWrite' | 'probedBarMasks'>;

export const PCI_COMMAND = 0x04;
export const PCI_COMMAND_MEMORY = 0x2;
export const PCI_BAR0 = 0x10;
export const PCI_BAR_END = 0x28;

export interface MemoryBar {
  index: number;
  is64: boolean;
  prefetch: boolean;
  /** Size in bytes (a power of two). */
  size: number;
  /** Current base address programmed in the BAR register(s). */
  address: number;
  /** 64-bit mask (low | high << 32) as a bigint. */
  mask: bigint;
}

/** Memory BARs described by a set of probed masks (I/O BARs and absent BARs skipped; high halves folded into their low BAR). */
export function barLayout(masks: number[]): { index: number; is64: boolean; prefetch: boolean; mask: bigint; size: bigint }[] {
  const out: { index: number; is64: boolean; prefetch: boolean; mask: bigint; size: bigint }[] = [];
  for (let i = 0; i < 6; i++) {
    const lo = (masks[i] ?? 0) >>> 0;
    if (lo === 0 || (lo & 1) !== 0) continue;
    const is64 = ((lo >>> 1) & 3) === 2 && i < 5;
    const hi = is64 ? (masks[i + 1] ?? 0) >>> 0 : 0xffffffff;
    const mask = BigInt(lo) | (BigInt(hi) << 32n);
    const size = ((~mask & 0xffffffffffffffffn) | 0xfn) + 1n;
    out.push({ index: i, is64, prefetch: (lo & 8) !== 0, mask, size });
    if (is64) i++;
  }
  return out;
}

export function memoryBars(fn: HostFunction, masks: number[]): MemoryBar[] {
  return barLayout(masks).map((b) => {
    const lo = fn.cfgRead(PCI_BAR0 + 4 * b.index, 4) >>> 0;
    const hi = b.is64 ? fn.cfgRead(PCI_BAR0 + 4 * (b.index + 1), 4) >>> 0 : 0;
    return {
      index: b.index,
      is64: b.is64,
      prefetch: b.prefetch,
      size: Number(b.size),
      address: Number(BigInt((lo & ~0xf) >>> 0) | (BigInt(hi) << 32n)),
      mask: b.mask,
    };
  });
}

export function mseSet(fn: HostFunction): boolean {
  return (fn.cfgRead(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) !== 0;
}

export function setMse(fn: HostFunction, on: boolean): void {
  const cmd = fn.cfgRead(PCI_COMMAND, 2) & 0xffff;
  fn.cfgWrite(PCI_COMMAND, 2, on ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY);
}

/**
 * The BARs as OpenVMM's GET_RESOURCES reads them back (microsoft/openvmm vm/devices/pci/pci_core/src/bar_mapping.rs,
 * `BarMappings::parse`, @1488a37b): every BAR whose probed mask has address bits — a 64-bit one (mask bit 2)
 * with its high half, a 32-bit one with its mask sign-extended — at its register's address under the mask,
 * whatever it is (0 too), with the length the mask gives. An I/O BAR is read the same way (parse does not
 * look at bit 0).
 */
export function parsedBars(fn: HostFunction, masks: number[]): { index: number; address: bigint; len: bigint }[] {
  const out: { index: number; address: bigint; len: bigint }[] = [];
  const reg = (i: number) => BigInt(fn.cfgRead(PCI_BAR0 + 4 * i, 4) >>> 0);
  const all = 0xffffffffffffffffn;
  for (let i = 0; i < 6;) {
    const lo = (masks[i] ?? 0) >>> 0;
    const is64 = (lo & 4) !== 0 && i < 5;
    let mask = is64 ? (BigInt((masks[i + 1] ?? 0) >>> 0) << 32n) | BigInt(lo) : BigInt.asUintN(64, BigInt(lo | 0));
    const address = is64 ? (reg(i + 1) << 32n) | reg(i) : reg(i);
    mask &= ~0xfn & all;
    if (mask !== 0n) out.push({ index: i, address: address & mask, len: ((~mask & all) + 1n) & all });
    i += is64 ? 2 : 1;
  }
  return out;
}

/** Writes zero to all six BAR registers (OV: RESOURCES_RELEASED, channel close, empty RESOURCES_ASSIGNED). */
export function zeroBars(fn: HostFunction): void {
  for (let i = 0; i < 6; i++) fn.cfgWrite(PCI_BAR0 + 4 * i, 4, 0);
}

/**
 * OpenVMM's check and write of RESOURCES_ASSIGNED's ranges (microsoft/openvmm vm/devices/pci/vpci/src/device.rs
 * `VpciChannel::set_bars` @1488a37b), range i against BAR register i:
 * - a range of length 0 (or of a type other than memory) is skipped and ends a 64-bit pair;
 * - a range right after a listed 64-bit BAR is `ResourceHigh64`;
 * - the mask is the probed one widened with zeros (`as u64`); when its bit 2 is set (`BarEncodingBits::type_64_bit`,
 *   whatever bit 0 says) the next register's mask is its high half — there is no next one after BAR 5, and OpenVMM
 *   indexes past its array there (a panic, which aborts OpenVMM: returned as `panic`);
 * - `Unaligned` when the address has a bit outside the mask without its low four bits, so a 32-bit BAR's range
 *   must lie below 4 GiB;
 * - `TooLarge` when the length is above `(!mask | 0xF) + 1` in wrapping u64 arithmetic (a release build, OpenVMM's
 *   Cargo.toml sets no overflow checks for it): a 32-bit BAR's is 2^64 less its 4 GiB window, never exceeded by a
 *   32-bit length, and a mask without address bits gives 0;
 * - nothing checks that the BAR decodes memory: an I/O BAR takes an aligned range like any other.
 * Every register is written: the low half of each range's address, the high half into the next register for a
 * 64-bit BAR, 0 for the rest.
 */
export function openvmmSetBars(
  masks: number[],
  ranges: ({ start: bigint; length: bigint } | null)[],
): { regs: number[] } | { error: string } | { panic: string } {
  const all = 0xffffffffffffffffn;
  const regs = [0, 0, 0, 0, 0, 0];
  let high64 = false;
  for (let i = 0; i < 6; i++) {
    const r = ranges[i];
    if (!r || r.length === 0n) {
      high64 = false;
      continue;
    }
    if (high64) return { error: `InvalidBars::ResourceHigh64: resource ${i} is the high half of a 64-bit BAR` };
    let mask = BigInt((masks[i] ?? 0) >>> 0);
    if ((mask & 4n) !== 0n) {
      high64 = true;
      if (i === 5) return { panic: 'set_bars reads the mask of BAR 6 for a 64-bit BAR 5 (index out of bounds)' };
      mask |= BigInt((masks[i + 1] ?? 0) >>> 0) << 32n;
    }
    const start = BigInt.asUintN(64, r.start);
    if ((start & ~(mask & ~0xfn) & all) !== 0n)
      return { error: `InvalidBars::Unaligned: resource ${i} at 0x${start.toString(16)} unaligned to mask 0x${mask.toString(16)}` };
    const barLen = (((~mask & all) | 0xfn) + 1n) & all;
    if (r.length > barLen) return { error: `InvalidBars::TooLarge: resource ${i} sized 0x${r.length.toString(16)} too large for mask 0x${mask.toString(16)}` };
    regs[i] = Number(start & 0xffffffffn);
    if (high64) regs[i + 1] = Number((start >> 32n) & 0xffffffffn);
  }
  return { regs };
}
