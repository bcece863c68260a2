// Little-endian field reader/writer shared by every vPCI decoder and encoder.
// The reader optionally records a FieldDesc for each field it reads, so the
// describer (../describe.ts) names fields with the very code that decodes them.
// Reads past the end return 0 instead of throwing; decoders check lengths first.

import type { Decoded, FieldDesc, WireError, WireErrorCode } from './types';

export type Fmt = (v: number | bigint) => string;

export const hex =
  (digits: number): Fmt =>
  (v) =>
    `0x${v.toString(16).toUpperCase().padStart(digits, '0')}`;
export const dec: Fmt = (v) => v.toString(10);
export const hexDec =
  (digits: number): Fmt =>
  (v) =>
    `0x${v.toString(16).toUpperCase().padStart(digits, '0')} (${v.toString(10)})`;

export class Reader {
  readonly b: Uint8Array;
  private readonly v: DataView;
  private out: FieldDesc[] | null;
  private base = 0;

  constructor(b: Uint8Array, record: boolean) {
    this.b = b;
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.out = record ? [] : null;
  }

  get length(): number {
    return this.b.length;
  }

  get recording(): boolean {
    return this.out !== null;
  }

  /** Top-level fields recorded so far. */
  get fields(): FieldDesc[] {
    return this.out ?? [];
  }

  private fits(off: number, size: number): boolean {
    return this.base + off + size <= this.b.length && this.base + off >= 0;
  }

  private rec(name: string, off: number, size: number, value: number | bigint | string, text: string): void {
    this.out?.push({ name, offset: this.base + off, size, value, text });
  }

  u8(off: number, name: string, fmt: Fmt = hex(2)): number {
    const x = this.fits(off, 1) ? this.v.getUint8(this.base + off) : 0;
    if (this.out) this.rec(name, off, 1, x, fmt(x));
    return x;
  }

  u16(off: number, name: string, fmt: Fmt = hex(4)): number {
    const x = this.fits(off, 2) ? this.v.getUint16(this.base + off, true) : 0;
    if (this.out) this.rec(name, off, 2, x, fmt(x));
    return x;
  }

  u32(off: number, name: string, fmt: Fmt = hex(8)): number {
    const x = this.fits(off, 4) ? this.v.getUint32(this.base + off, true) : 0;
    if (this.out) this.rec(name, off, 4, x, fmt(x));
    return x;
  }

  u64(off: number, name: string, fmt: Fmt = hex(16)): bigint {
    const x = this.fits(off, 8) ? this.v.getBigUint64(this.base + off, true) : 0n;
    if (this.out) this.rec(name, off, 8, x, fmt(x));
    return x;
  }

  /** A copy of `len` bytes (clamped to what is there). */
  bytes(off: number, len: number, name: string): Uint8Array {
    const start = Math.min(this.b.length, this.base + off);
    const end = Math.min(this.b.length, start + Math.max(0, len));
    const x = this.b.slice(start, end);
    if (this.out) {
      const shown = [...x.subarray(0, 32)].map((c) => c.toString(16).padStart(2, '0')).join(' ');
      this.rec(name, off, x.length, `${x.length} bytes`, x.length > 32 ? `${shown} … (${x.length} bytes)` : shown || '(none)');
    }
    return x;
  }

  /** Reads a sub-structure at `off`; when recording, its fields become children of one entry. */
  group<T>(name: string, off: number, size: number, fn: () => T, text?: (t: T) => string): T {
    const saveBase = this.base;
    const parent = this.out;
    const kids: FieldDesc[] | null = parent ? [] : null;
    this.out = kids;
    this.base = saveBase + off;
    const t = fn();
    this.base = saveBase;
    this.out = parent;
    if (parent && kids) {
      const s = text ? text(t) : '';
      parent.push({ name, offset: saveBase + off, size, value: s, text: s, children: kids });
    }
    return t;
  }

  /** Adds a computed (not read) annotation, e.g. a derived length. */
  note(name: string, off: number, size: number, text: string): void {
    this.out?.push({ name, offset: this.base + off, size, value: text, text });
  }
}

export class Writer {
  readonly b: Uint8Array;
  private readonly v: DataView;
  constructor(size: number) {
    this.b = new Uint8Array(size);
    this.v = new DataView(this.b.buffer);
  }
  u8(off: number, x: number): this {
    if (off + 1 <= this.b.length) this.v.setUint8(off, x & 0xff);
    return this;
  }
  u16(off: number, x: number): this {
    if (off + 2 <= this.b.length) this.v.setUint16(off, x & 0xffff, true);
    return this;
  }
  u32(off: number, x: number): this {
    if (off + 4 <= this.b.length) this.v.setUint32(off, x >>> 0, true);
    return this;
  }
  u64(off: number, x: bigint | number): this {
    if (off + 8 <= this.b.length) this.v.setBigUint64(off, BigInt.asUintN(64, BigInt(x)), true);
    return this;
  }
  bytes(off: number, x: Uint8Array): this {
    this.b.set(x.subarray(0, Math.max(0, this.b.length - off)), off);
    return this;
  }
}

export function wireError(code: WireErrorCode, message: string, offset?: number): WireError {
  return offset === undefined ? { code, message } : { code, message, offset };
}

export function fail<T>(code: WireErrorCode, message: string, offset?: number): Decoded<T> {
  return { ok: false, error: wireError(code, message, offset) };
}

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

/** too-short error if fewer than `need` bytes are present. */
export function needBytes(r: Reader, need: number, what: string): WireError | undefined {
  return r.length < need ? wireError('too-short', `${what} needs ${need} bytes, got ${r.length}`, r.length) : undefined;
}

/** One message type's decoder (reads after the type word is recorded) and encoder. */
export interface MessageCodec<M> {
  decode(r: Reader): Decoded<M>;
  encode(m: M): Uint8Array;
}

/** Writer with the message type already at offset 0. */
export function messageWriter(type: number, size: number): Writer {
  return new Writer(size).u32(0, type);
}
