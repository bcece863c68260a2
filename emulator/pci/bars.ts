// Base Address Registers: type decode, size masks, and what BAR sizing reads back.
// Encoding per PCI Local Bus spec 3.0 §6.2.5.1 (pci_regs.h PCI_BASE_ADDRESS_*). Sizing as the
// guests do it: Linux drivers/pci/probe.c __pci_read_base and drivers/pci/controller/pci-hyperv.c
// get_bar_size (torvalds/linux); OpenVMM vm/devices/pci/pci_core/src/chipset_device_ext.rs
// probe_bar_masks (microsoft/openvmm) — save, write all-ones, read back, restore.

import { sizeText } from '../format';
import {
  BAR_MEM_PREFETCH,
  BAR_MEM_TYPE_1M,
  BAR_MEM_TYPE_32,
  BAR_MEM_TYPE_64,
  BAR_MEM_TYPE_MASK,
  BAR_OFFSETS,
  BAR_SPACE_IO,
  COMMAND,
  COMMAND_IO,
  COMMAND_MEMORY,
  EXPANSION_ROM,
  HEADER_TYPE,
  ROM_ENABLE,
} from './registers';

export type BarKind = 'mem32' | 'mem64' | 'io' | 'rom';
/** BarInfo.index of the expansion ROM (Linux PCI_ROM_RESOURCE is 6 too). */
export const ROM_INDEX = 6;

export interface BarSizeSpec {
  index: number | 'rom';
  size: number;
}

/** One implemented BAR, fixed when the function is built. */
export interface BarLayout {
  index: number; // 0..5, or ROM_INDEX
  kind: BarKind;
  prefetchable: boolean;
  size: number;
  /** Config offset of the (low) register. */
  offset: number;
  /** Type bits kept in the low register (bits 3:0; 0 for ROM). */
  typeBits: number;
  /** vPCI guests cannot use I/O BARs (protocol.md §5.1): modelled, but flagged. */
  usableThroughVpci: boolean;
}

export interface BarInfo {
  index: number;
  kind: BarKind;
  prefetchable: boolean;
  size: number;
  /** The address the registers hold (while sizing, the mask they read back: see `state`). */
  address: number;
  decoding: boolean;
  probedMask: number;
  /**
   * Where the BAR stands: 'sizing' while its registers hold the all-ones pattern a driver writes
   * to size it (every writable address bit set, so it reads back its size mask), 'unassigned'
   * before software gives it an address, 'assigned' after.
   */
  state: 'sizing' | 'unassigned' | 'assigned';
  /** The low register as read (what the guest sees while sizing: the mask with the type bits). */
  register: number;
  /** A 64-bit BAR's upper register as read. */
  registerHigh?: number;
  /** While sizing: which half holds the all-ones pattern (drivers size the two halves of a 64-bit BAR in turn). */
  sizingHalf?: 'low' | 'high';
  /** Its decode is switched on: COMMAND's memory (I/O) bit, and a ROM's enable bit (lspci shows "[disabled]" otherwise). */
  enabled: boolean;
}

/** What barText needs of a BAR (BarInfo, or the Topology view's copy of it). */
export interface BarTextInput {
  kind: string;
  prefetchable: boolean;
  size: number;
  address: number;
  decoding: boolean;
  /** As BarInfo.enabled; `decoding` when not known (an address of 0 never decodes). */
  enabled?: boolean;
  state?: 'sizing' | 'unassigned' | 'assigned';
  sizingHalf?: 'low' | 'high';
  /** While sizing: the register as read back (the size mask with the type bits). */
  readback?: number;
}

/**
 * A BAR in lspci's words (lspci.c show_bases and show_rom, as `lspci -v` prints a region):
 * "Memory at 1000004000 (64-bit, prefetchable) [disabled] [size=16K]", "I/O ports at e000
 * [size=32]", "Expansion ROM at fff00000 [disabled] [size=64K]", "<unassigned>" for an address of
 * 0. While a driver sizes it the registers hold the size mask, not an address; lspci would print
 * the mask as one, so that is said instead (ours): "Memory (64-bit, prefetchable), sizing (reads
 * back mask 0xffffc00c) [size=16K]".
 */
export function barText(b: BarTextInput): string {
  const enabled = b.enabled ?? b.decoding;
  const size = ` [size=${sizeText(b.size)}]`;
  if (b.kind === 'io') {
    const at = b.state === 'sizing' ? '' : ` at ${b.address || enabled ? b.address.toString(16).padStart(4, '0') : '<unassigned>'}`;
    return `I/O ports${at}${sizing(b)}${enabled ? '' : ' [disabled]'}${size}`;
  }
  if (b.kind === 'rom') {
    const at = b.state === 'sizing' ? '' : ` at ${b.address ? b.address.toString(16).padStart(8, '0') : '<unassigned>'}`;
    return `Expansion ROM${at}${sizing(b)}${enabled ? '' : ' [disabled]'}${size}`;
  }
  const type = `(${b.kind === 'mem64' ? '64-bit' : '32-bit'}, ${b.prefetchable ? '' : 'non-'}prefetchable)`;
  if (b.state === 'sizing') return `Memory ${type}${sizing(b)}${enabled ? '' : ' [disabled]'}${size}`;
  return `Memory at ${b.address ? b.address.toString(16).padStart(8, '0') : '<unassigned>'} ${type}${enabled ? '' : ' [disabled]'}${size}`;
}

function sizing(b: BarTextInput): string {
  if (b.state !== 'sizing') return '';
  const mask = `0x${((b.readback ?? 0) >>> 0).toString(16).padStart(8, '0')}`;
  return `, sizing (${b.sizingHalf === 'high' ? 'upper half reads' : 'reads'} back mask ${mask})`;
}

export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n <= 0) return false;
  let v = n;
  while (v > 1) {
    if (v % 2 !== 0) return false;
    v /= 2;
  }
  return true;
}

/**
 * Why `size` cannot be a BAR's size — a BAR decodes a naturally aligned power-of-two range (PCI Local
 * Bus 3.0 §6.2.5.1) — in lspci's units (3M, not 3145728) with the next power of two up, the fix the
 * editor offers (language/code-actions.ts); undefined when it can be.
 */
export function powerOfTwoProblem(size: number): string | undefined {
  if (isPowerOfTwo(size)) return undefined;
  let up = 1;
  while (up < size) up *= 2;
  return `size ${sizeText(size)} is not a power of two${size > 0 ? `; round it up to ${sizeText(up)}` : ''}`;
}

const U32 = 2 ** 32;
const lo32 = (v: number): number => v % U32;
const hi32 = (v: number): number => Math.floor(v / U32) % U32;

/** Writable-bit masks of a BAR's registers: the address bits at and above its size. */
export function barWriteMasks(kind: BarKind, size: number): { low: number; high: number } {
  const addrMask = (minLowBits: number): { low: number; high: number } => {
    // ~(size - 1) over 64 bits, without 32-bit overflow.
    const sizeLo = lo32(size);
    const sizeHi = hi32(size);
    const lowMask = sizeLo === 0 ? 0 : (U32 - sizeLo) >>> 0; // two's complement of size in the low dword
    const highMask = sizeLo === 0 ? (sizeHi === 0 ? 0 : (U32 - sizeHi) >>> 0) : 0xffffffff;
    return { low: (lowMask & ~(2 ** minLowBits - 1)) >>> 0, high: highMask >>> 0 };
  };
  switch (kind) {
    case 'io':
      return { low: addrMask(2).low, high: 0 };
    case 'mem32':
      return { low: addrMask(4).low, high: 0 };
    case 'mem64':
      return addrMask(4);
    case 'rom':
      return { low: (addrMask(11).low | ROM_ENABLE) >>> 0, high: 0 };
  }
}

/** Size from a probed mask (low dword, and high dword for 64-bit), as Linux get_bar_size does. */
export function sizeFromProbedMask(low: number, high?: number): number {
  if (low === 0 && !high) return 0;
  if (low & BAR_SPACE_IO) {
    const m = (low & ~0x3) >>> 0;
    const inv = (~m >>> 0) & 0xffff; // I/O decodes at most 16 bits
    return inv + 1;
  }
  const l = (low & ~0xf) >>> 0;
  const is64 = (low & BAR_MEM_TYPE_MASK) === BAR_MEM_TYPE_64;
  const h = is64 ? (high ?? 0) >>> 0 : 0xffffffff;
  // size = ~mask + 1 over 64 bits.
  const invLo = ~l >>> 0;
  const invHi = ~h >>> 0;
  return invHi * U32 + invLo + 1;
}

export interface BarLayoutError {
  ok: false;
  message: string;
  /** The BAR (0–5) or 'rom' the message is about. */
  bar: number | 'rom';
}

const sizeLimit: Record<BarKind, [number, number]> = {
  io: [4, 2 ** 16],
  mem32: [16, 2 ** 31],
  mem64: [16, 2 ** 52],
  rom: [2048, 2 ** 31],
};

/**
 * Decide which BARs a function implements from its register values (a dump's, which keep the type
 * bits) and the sizes the caller knows. A register with a value but no size is an error naming the
 * BAR; a size for a register that reads 0 is a 32-bit non-prefetchable memory BAR.
 *
 * `partial`: only the BARs given a size are laid out, and a register with a value but no size is
 * left out rather than refused, as is one whose register could not be laid out (`vpci-lab lspci
 * --bar`, which sizes some BARs of a dump and prints the others as lspci -F does, without a size).
 * The sizes given are checked as always: a BAR register that exists in the header, not the upper
 * half of a 64-bit BAR, a size its kind can have. Every error names the BAR given a size.
 */
export function layoutBars(cfg: Uint8Array, specs: readonly BarSizeSpec[], partial = false): { ok: true; bars: BarLayout[] } | BarLayoutError {
  const rd = (o: number): number => (o + 3 < cfg.length ? (cfg[o]! | (cfg[o + 1]! << 8) | (cfg[o + 2]! << 16) | (cfg[o + 3]! << 24)) >>> 0 : 0);
  const headerLayout = (cfg[HEADER_TYPE] ?? 0) & 0x7f;
  const barCount = headerLayout === 0 ? 6 : headerLayout === 1 ? 2 : 0;
  const sizeOf = new Map<number | 'rom', number>();
  for (const s of specs) {
    if (s.index !== 'rom' && (!Number.isInteger(s.index) || s.index < 0 || s.index >= barCount)) {
      return { ok: false, bar: s.index, message: `BAR${String(s.index)}: no such BAR register in a header of type ${headerLayout}` };
    }
    if (sizeOf.has(s.index)) return { ok: false, bar: s.index, message: `${barName(s.index)}: size given twice` };
    sizeOf.set(s.index, s.size);
  }
  const bars: BarLayout[] = [];
  const used = new Set<number>();
  for (let i = 0; i < barCount; i++) {
    const low = rd(BAR_OFFSETS[i]!);
    const size = sizeOf.get(i);
    if (used.has(i)) {
      if (size !== undefined) return { ok: false, bar: i, message: `BAR${i}: is the upper half of 64-bit BAR${i - 1}; give the size on BAR${i - 1}` };
      continue;
    }
    if (low === 0 && size === undefined) continue;
    let kind: BarKind;
    let prefetchable = false;
    let typeBits: number;
    if (low & BAR_SPACE_IO) {
      kind = 'io';
      typeBits = BAR_SPACE_IO;
    } else {
      const t = low & BAR_MEM_TYPE_MASK;
      if (t === BAR_MEM_TYPE_64) {
        if (i === barCount - 1) {
          // A BAR not sized in a partial layout is not laid out, so its register cannot be wrong for it.
          if (partial && size === undefined) continue;
          return { ok: false, bar: i, message: `BAR${i}: 64-bit BAR in the last BAR register` };
        }
        kind = 'mem64';
        used.add(i + 1);
      } else if (t === BAR_MEM_TYPE_32 || t === BAR_MEM_TYPE_1M) {
        kind = 'mem32';
      } else {
        if (partial && size === undefined) continue;
        return { ok: false, bar: i, message: `BAR${i}: reserved memory type 0b11 in register value 0x${low.toString(16)}` };
      }
      prefetchable = (low & BAR_MEM_PREFETCH) !== 0;
      typeBits = low & 0xf;
    }
    if (size === undefined) {
      if (partial) continue;
      return { ok: false, bar: i, message: `BAR${i}: the dump implements it (${kind}, register 0x${low.toString(16).padStart(8, '0')}) but no size was given` };
    }
    const err = checkSize(`BAR${i}`, kind, size) ?? checkAligned(`BAR${i}`, kind, size, low, kind === 'mem64' ? rd(BAR_OFFSETS[i]! + 4) : 0);
    if (err) return { ok: false, bar: i, message: err };
    bars.push({ index: i, kind, prefetchable, size, offset: BAR_OFFSETS[i]!, typeBits, usableThroughVpci: kind !== 'io' });
  }
  const romOffset = headerLayout === 1 ? 0x38 : EXPANSION_ROM;
  const rom = rd(romOffset);
  const romSize = sizeOf.get('rom');
  if (rom !== 0 && romSize === undefined && !partial) {
    return { ok: false, bar: 'rom', message: `expansion ROM: the dump implements it (register 0x${rom.toString(16).padStart(8, '0')}) but no size was given` };
  }
  if (romSize !== undefined) {
    const err = checkSize('expansion ROM', 'rom', romSize) ?? checkAligned('expansion ROM', 'rom', romSize, rom, 0);
    if (err) return { ok: false, bar: 'rom', message: err };
    bars.push({ index: ROM_INDEX, kind: 'rom', prefetchable: false, size: romSize, offset: romOffset, typeBits: 0, usableThroughVpci: true });
  }
  return { ok: true, bars };
}

function barName(i: number | 'rom'): string {
  return i === 'rom' ? 'expansion ROM' : `BAR${i}`;
}

/** What a kind of BAR is called in a size error. */
const KIND_TEXT: Record<BarKind, string> = { io: 'an I/O BAR', mem32: 'a 32-bit memory BAR', mem64: 'a 64-bit memory BAR', rom: 'an expansion ROM' };

function checkSize(name: string, kind: BarKind, size: number): string | undefined {
  const [min, max] = sizeLimit[kind];
  const odd = powerOfTwoProblem(size);
  if (odd) return `${name}: ${odd}`;
  if (size < min || size > max) return `${name}: size ${sizeText(size)} outside ${sizeText(min)}..${sizeText(max)} for ${KIND_TEXT[kind]}`;
  return undefined;
}

/** The address bits of a BAR's (low) register, by kind: the rest are its type bits, or the ROM's enable bit and reserved bits. */
const ADDRESS_MASK: Record<BarKind, number> = { io: ~0x3, mem32: ~0xf, mem64: ~0xf, rom: ~0x7ff };

/**
 * A BAR decodes a naturally aligned range: the address bits below its size are read-only zeros
 * (PCI Local Bus spec 3.0 §6.2.5.1), so an address in a dump's BAR registers bounds the size that
 * BAR can have. `high` is a 64-bit BAR's upper register; an address of 0 (not assigned) bounds nothing.
 */
function checkAligned(name: string, kind: BarKind, size: number, low: number, high: number): string | undefined {
  const a = (low & ADDRESS_MASK[kind]) >>> 0;
  if (a === 0 && high === 0) return undefined;
  // The lowest address bit set: the largest size the address is a multiple of.
  const most = a !== 0 ? (a & -a) >>> 0 : ((high & -high) >>> 0) * U32;
  if (size <= most) return undefined;
  const address = high !== 0 ? `0x${high.toString(16)}${a.toString(16).padStart(8, '0')}` : `0x${a.toString(16)}`;
  return `${name}: size ${size} (${sizeText(size)}) cannot hold the address ${address} the dump gives it: a BAR decodes a range aligned to its size, so this one is at most ${most} (${sizeText(most)})`;
}

/** Current address held by a BAR's registers. */
export function barAddress(layout: BarLayout, read32: (off: number) => number): number {
  const base = (read32(layout.offset) & ADDRESS_MASK[layout.kind]) >>> 0;
  return layout.kind === 'mem64' ? read32(layout.offset + 4) * U32 + base : base;
}

/** Decode BARs from the current registers (read32 reads config dwords, probe32 gives all-ones read-back). */
export function decodeBars(layouts: BarLayout[], read32: (off: number) => number, probe32: (off: number) => number): BarInfo[] {
  const command = read32(COMMAND) & 0xffff;
  return layouts.map((b) => {
    const address = barAddress(b, read32);
    let on: boolean;
    if (b.kind === 'io') on = (command & COMMAND_IO) !== 0;
    else if (b.kind === 'rom') on = (command & COMMAND_MEMORY) !== 0 && (read32(b.offset) & ROM_ENABLE) !== 0;
    else on = (command & COMMAND_MEMORY) !== 0;
    // Sizing (Linux drivers/pci/probe.c __pci_read_base, FreeBSD pci_read_bar): the driver writes
    // all-ones to the low register, reads the mask back and restores it, then does the same with
    // a 64-bit BAR's upper register. While either holds the pattern the "address" is the mask.
    const low = read32(b.offset) >>> 0;
    const high = b.kind === 'mem64' ? read32(b.offset + 4) >>> 0 : undefined;
    const m = barWriteMasks(b.kind, b.size);
    const ones = (v: number, mask: number): boolean => mask !== 0 && (v & mask) >>> 0 === mask >>> 0;
    // (A ROM is sized with its enable bit clear: Linux writes ~PCI_ROM_ADDRESS_ENABLE.)
    const half = ones(low, b.kind === 'rom' ? m.low & ~ROM_ENABLE : m.low) ? 'low' : high !== undefined && ones(high, m.high) ? 'high' : undefined;
    const state = half ? 'sizing' : address === 0 ? 'unassigned' : 'assigned';
    return {
      index: b.index,
      kind: b.kind,
      prefetchable: b.prefetchable,
      size: b.size,
      address,
      decoding: on && address !== 0,
      enabled: on,
      probedMask: probe32(b.offset),
      state,
      register: low,
      ...(high !== undefined ? { registerHigh: high } : {}),
      ...(half ? { sizingHalf: half } : {}),
    } satisfies BarInfo;
  });
}
