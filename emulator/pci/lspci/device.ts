// What lspci 3.9.0 knows about a function read from a dump (`lspci -F file`), modelled on
// pciutils v3.9.0 (github.com/pciutils/pciutils, tag v3.9.0):
//  - lspci.c scan_device / config_fetch / get_conf_*: the first 64 bytes (128 for a CardBus
//    bridge) are fetched up front; every later range is fetched on demand, and a fetch succeeds
//    only when the whole range lies inside the dump (lib/dump.c dump_read: `pos + len > len`
//    fails). Reading a byte that was never fetched makes lspci die with "Internal bug"; the
//    output printed so far is all that appears, and so it is here (LspciDie).
//  - lib/access.c pci_read_*: the library's own reads (names, BAR fill, the capability scan
//    for a bridge's subsystem ids) go through the 64-byte cache or the dump and read 0xff past
//    its end instead.
//  - lib/generic.c pci_generic_fill_info: base_addr[], rom_base_addr, subsystem ids.
// Our code; the facts are pciutils'.

import { PCI } from './regs';

export class LspciDie extends Error {
  /**
   * The byte lies past lspci's buffer (lspci.c d->config_bufsize: 64, doubled as fetches need):
   * check_conf_range reads d->present out of bounds there, which is undefined behaviour in C —
   * real lspci then prints whatever the heap holds, or dies a few bytes later. We stop where a
   * bounds-checked lspci would, and say so; the comparison with real lspci skips such spaces.
   */
  constructor(
    message: string,
    readonly pastBuffer = false,
    /**
     * The message is ours, not lspci's: it says where lspci goes on into undefined behaviour
     * (indexing past a name table, whose neighbours it prints or crashes on) rather than dying.
     */
    readonly undefinedInC = false,
  ) {
    super(message);
  }
}

export class Dev {
  /** Dump length (lib/dump.c dd->len): bytes past it do not exist. */
  readonly len: number;
  private readonly cfg: Uint8Array;
  /** lspci.c d->present. */
  private readonly present = new Uint8Array(4096);
  /** lspci.c d->config_bufsize: 64, doubled until a fetch's end fits. */
  private bufsize = 64;
  /** lspci.c d->config_cached: 64, or 128 for a CardBus bridge whose dump has them; 0 without access. */
  readonly cached: number;
  /** lspci.c d->no_config_access: the dump is shorter than the 64-byte header. */
  readonly noConfigAccess: boolean;

  constructor(bytes: Uint8Array) {
    this.len = Math.min(bytes.length, 4096);
    this.cfg = new Uint8Array(4096).fill(0xff);
    this.cfg.set(bytes.subarray(0, this.len));
    this.noConfigAccess = this.len < 64;
    let cached = 0;
    if (!this.noConfigAccess) {
      this.present.fill(1, 0, 64);
      cached = 64;
      if ((this.cfg[PCI.HEADER_TYPE]! & 0x7f) === PCI.HEADER_TYPE_CARDBUS && this.fetch(64, 64)) cached = 128;
    }
    this.cached = cached;
  }

  /** lspci.c config_fetch: true when [pos, pos+len) is (now) present. */
  fetch(pos: number, len: number): boolean {
    const end = pos + len;
    while (pos < 4096 && len > 0 && this.present[pos]) {
      pos++;
      len--;
    }
    while (pos + len <= 4096 && len > 0 && this.present[pos + len - 1]) len--;
    if (len <= 0) return true;
    while (end > this.bufsize) this.bufsize *= 2;
    if (pos + len > this.len) return false;
    this.present.fill(1, pos, pos + len);
    return true;
  }

  private check(pos: number, n: number): void {
    for (let i = 0; i < n; i++) {
      if (pos + i >= 4096 || !this.present[pos + i]) {
        throw new LspciDie(`Internal bug: Accessing non-read configuration byte at position ${(pos + i).toString(16)}`, pos + i >= this.bufsize);
      }
    }
  }

  /** get_conf_byte / get_conf_word / get_conf_long. */
  b(pos: number): number {
    this.check(pos, 1);
    return this.cfg[pos]!;
  }
  w(pos: number): number {
    this.check(pos, 2);
    return this.cfg[pos]! | (this.cfg[pos + 1]! << 8);
  }
  l(pos: number): number {
    this.check(pos, 4);
    return (this.cfg[pos]! | (this.cfg[pos + 1]! << 8) | (this.cfg[pos + 2]! << 16) | (this.cfg[pos + 3]! << 24)) >>> 0;
  }

  /** The library's pci_read_data: the cache (first `cached` bytes), else the dump, else all-ones. */
  private libRead(pos: number, n: number): number {
    if (pos + n <= this.cached || pos + n <= this.len) {
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + this.cfg[pos + i]!;
      return v;
    }
    return n === 4 ? 0xffffffff : n === 2 ? 0xffff : 0xff;
  }
  rb(pos: number): number {
    return this.libRead(pos, 1);
  }
  rw(pos: number): number {
    return this.libRead(pos, 2);
  }
  rl(pos: number): number {
    return this.libRead(pos, 4);
  }

  /** lib/caps.c pci_scan_trad_caps, then pci_find_cap: the first capability with this id. */
  findCap(id: number): number | undefined {
    if (!(this.rw(PCI.STATUS) & PCI.STATUS_CAP_LIST)) return undefined;
    const seen = new Uint8Array(256);
    let where = this.rb(PCI.CAPABILITY_LIST) & ~3;
    while (where) {
      const cid = this.rb(where);
      const next = this.rb(where + 1) & ~3;
      if (seen[where]!++) break;
      if (cid === 0xff) break;
      if (cid === id) return where;
      where = next;
    }
    return undefined;
  }
}

/** Text as lspci's printf writes it. */
export class Out {
  s = '';
  p(text: string): void {
    this.s += text;
  }
}

/** printf("%0Nx") of an unsigned value (numbers as u32; bigints as u64). */
export function x(n: number | bigint, width = 0): string {
  const t = typeof n === 'bigint' ? BigInt.asUintN(64, n).toString(16) : (n >>> 0).toString(16);
  return t.padStart(width, '0');
}

/** lspci.h FLAG: '+' when any bit of mask is set in v. */
export function fl(v: number, mask: number): string {
  return (v & mask) !== 0 ? '+' : '-';
}

/** lspci.h BITS(x, at, width) on a u32. */
export function bits(v: number, at: number, width: number): number {
  return width >= 32 ? v >>> at : (v >>> at) & ((1 << width) - 1);
}

/** lspci.h TABLE: the entry, or "??N" past the end. */
export function table(tab: readonly string[], i: number): string {
  return i < tab.length ? tab[i]! : `??${i}`;
}

/** printf("%d") of a C int that holds `v` (wraps to 32-bit signed). */
export function d(v: number): string {
  return String(v | 0);
}

/**
 * printf("%g") of a C float product, as lspci's show_power_limit computes it (float operands,
 * single precision; %g gives 6 significant digits and drops trailing zeros).
 */
export function gFloat(value: number, scale: number): string {
  const f = Math.fround(Math.fround(value) * Math.fround(scale));
  if (f === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = f.toExponential(5).split('e');
    const mant = m!.replace(/\.?0+$/, '');
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  let t = f.toPrecision(6);
  if (t.includes('.')) t = t.replace(/\.?0+$/, '');
  return t;
}
