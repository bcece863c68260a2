// Sparse backing store for one memory BAR: 4 KiB pages allocated on first write, untouched memory
// reads 0, so a 32 GiB BAR costs nothing until it is written. Ranges can be made read-only to
// software (the MSI-X PBA); the device side writes them with `poke`.

import type { SnapshotReader, SnapshotWriter } from '../runtime/snapshot-tree';

export const PAGE_SIZE = 4096;

export interface BarMemorySnapshot {
  size: number;
  pages: [number, Uint8Array][];
}

export class BarMemory {
  readonly size: number;
  private pages = new Map<number, Uint8Array>();
  private readonly readOnly: [number, number][] = [];
  /** Bumped by every change of contents, so an unchanged BAR costs nothing in a snapshot. */
  private version = 0;

  constructor(size: number) {
    this.size = size;
  }

  /** Number of 4 KiB pages allocated so far. */
  get allocatedPages(): number {
    return this.pages.size;
  }

  /** Mark [offset, offset+length) as read-only to `write` (device-owned, e.g. the MSI-X PBA). */
  protect(offset: number, length: number): void {
    this.readOnly.push([offset, offset + length]);
  }

  private isReadOnly(a: number): boolean {
    // Indexed (once per byte written): for…of with destructuring allocates two iterators per range in V8's baseline code.
    const ro = this.readOnly;
    for (let i = 0; i < ro.length; i++) if (a >= ro[i]![0] && a < ro[i]![1]) return true;
    return false;
  }

  readByte(a: number): number {
    if (!(a >= 0 && a < this.size)) return 0xff;
    const p = this.pages.get(Math.floor(a / PAGE_SIZE));
    return p ? p[a % PAGE_SIZE]! : 0;
  }

  private storeByte(a: number, v: number): void {
    if (!(a >= 0 && a < this.size)) return;
    const pi = Math.floor(a / PAGE_SIZE);
    let p = this.pages.get(pi);
    this.version++;
    if (!p) {
      if (v === 0) return; // writing 0 into an untouched page changes nothing
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(pi, p);
    }
    p[a % PAGE_SIZE] = v & 0xff;
  }

  /** Little-endian read of 1..8 bytes (8-byte values above 2^53 lose precision). Outside the BAR reads all-ones. */
  read(offset: number, size: number): number {
    const inPage = offset % PAGE_SIZE;
    if ((size === 4 || size === 2 || size === 1) && offset >= 0 && offset + size <= this.size && inPage + size <= PAGE_SIZE && Number.isInteger(offset)) {
      const p = this.pages.get((offset - inPage) / PAGE_SIZE);
      if (!p) return 0;
      if (size === 4) return (p[inPage]! | (p[inPage + 1]! << 8) | (p[inPage + 2]! << 16) | (p[inPage + 3]! << 24)) >>> 0;
      if (size === 2) return p[inPage]! | (p[inPage + 1]! << 8);
      return p[inPage]!;
    }
    const n = Math.max(0, Math.min(8, Math.trunc(size)));
    let v = 0;
    for (let i = 0; i < n; i++) v += this.readByte(offset + i) * 2 ** (8 * i);
    return v;
  }

  /** Software write of 1..8 bytes; bytes outside the BAR or in a protected range are dropped. */
  write(offset: number, size: number, value: number): void {
    this.store(offset, size, value, true);
  }

  /** Device-side write that ignores protection. */
  poke(offset: number, size: number, value: number): void {
    this.store(offset, size, value, false);
  }

  private store(offset: number, size: number, value: number, honourProtect: boolean): void {
    const n = Math.max(0, Math.min(8, Math.trunc(size)));
    const v = Number.isFinite(value) ? Math.trunc(value) : 0;
    const lo = (v % 2 ** 32) >>> 0;
    const hi = Math.floor(v / 2 ** 32) >>> 0;
    for (let i = 0; i < n; i++) {
      const a = offset + i;
      if (honourProtect && this.isReadOnly(a)) continue;
      const b = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      this.storeByte(a, b);
    }
  }

  readBytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, length));
    for (let i = 0; i < out.length; i++) out[i] = this.readByte(offset + i);
    return out;
  }

  clear(): void {
    this.version++;
    this.pages.clear();
  }

  /** Incremental snapshot (emulator/runtime/snapshot-tree.ts): one leaf per allocated page. */
  freeze(w: SnapshotWriter, key: string): void {
    w.group(
      key,
      (g) => {
        for (const [i, p] of this.pages) g.bytes(String(i), p);
      },
      this,
      this.version,
    );
  }

  thaw(r: SnapshotReader, key: string): void {
    if (r.holds(key, this, this.version)) return;
    const g = r.group(key);
    this.version++;
    this.pages = new Map();
    if (g) for (const k of g.keys) this.pages.set(Number(k), g.bytes(k)!);
    r.loaded(key, this, this.version);
  }

  snapshot(): BarMemorySnapshot {
    return { size: this.size, pages: [...this.pages].map(([i, p]) => [i, p.slice()] as [number, Uint8Array]) };
  }

  restore(s: BarMemorySnapshot): void {
    this.version++;
    this.pages = new Map(s.pages.map(([i, p]) => [i, p.slice()] as [number, Uint8Array]));
  }
}
