// Shared pieces of the lspci-style decoder (lspci-decode*.ts): config bytes that read 0
// past the end of a dump, and lspci's "+"/"-" flags and zero-padded hex.

/** Config bytes, reading 0 past the end of the dump. */
export class Cfg {
  constructor(readonly bytes: Uint8Array) {}
  /** lspci's config_fetch: are bytes [off, off+n) part of the dump? */
  has(off: number, n: number): boolean {
    return off >= 0 && off + n <= this.bytes.length;
  }
  b(off: number): number {
    return off >= 0 && off < this.bytes.length ? this.bytes[off]! : 0;
  }
  w(off: number): number {
    return this.b(off) | (this.b(off + 1) << 8);
  }
  l(off: number): number {
    return (this.w(off) | (this.w(off + 2) << 16)) >>> 0;
  }
}

export function pm(x: number | boolean): string {
  return x ? '+' : '-';
}

export function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0');
}

/** "Name+ Name- …" for the given (bit mask, name) pairs. */
export function bitFlags(v: number, bits: [number, string][]): string {
  return bits.map(([mask, name]) => name + pm((v & mask) !== 0)).join(' ');
}

/** Bits [shift, shift+width) of v. */
export function bits(v: number, shift: number, width: number): number {
  return (v >>> shift) & ((1 << width) - 1);
}
