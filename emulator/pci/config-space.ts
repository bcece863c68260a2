// A 4 KiB PCI configuration space whose write semantics are data, in the style of QEMU hw/pci/pci.c:
// per byte, `wmask` holds the bits software may write and `w1cmask` the bits a 1 clears.
// Everything else is read-only. Accesses are bytewise and never throw.

import { CONFIG_SPACE_SIZE } from './registers';

export interface ConfigWrite {
  offset: number;
  size: number;
  value: number;
  old: number;
  new: number;
}
export type ConfigWriteObserver = (w: ConfigWrite) => void;

function normSize(size: number): number {
  if (!Number.isFinite(size)) return 0;
  return Math.max(0, Math.min(4, Math.trunc(size)));
}

/** Value of byte i (0 = least significant) of a value treated as unsigned 32-bit. */
function byteOf(value: number, i: number): number {
  const v = Number.isFinite(value) ? value : 0;
  return (v >>> (8 * i)) & 0xff;
}

export class ConfigSpace {
  private readonly data: Uint8Array;
  /** Writable bits, one mask byte per config byte. */
  readonly wmask: Uint8Array;
  /** Write-1-to-clear bits, one mask byte per config byte. */
  readonly w1cmask: Uint8Array;
  private readonly observers: ConfigWriteObserver[] = [];
  /** Bumped by every change of contents or masks: lets derived views (decoded BARs) cache safely. */
  version = 0;

  constructor(initial?: Uint8Array) {
    this.data = new Uint8Array(CONFIG_SPACE_SIZE);
    this.wmask = new Uint8Array(CONFIG_SPACE_SIZE);
    this.w1cmask = new Uint8Array(CONFIG_SPACE_SIZE);
    if (initial) this.data.set(initial.subarray(0, CONFIG_SPACE_SIZE));
  }

  /** A copy of the current contents (4096 bytes); changing it does not change the space. */
  get bytes(): Uint8Array {
    return this.data.slice();
  }

  /** The live contents, without a copy, for hot read-only paths (decoders). Never write through it. */
  peek(): Readonly<Uint8Array> {
    return this.data;
  }

  /** Little-endian read of `size` (1..4) bytes. Bytes past 4095 read as 0xFF (no device answers). */
  read(off: number, size: number): number {
    const d = this.data;
    if (off >= 0 && (size === 4 || size === 2 || size === 1) && off + size <= CONFIG_SPACE_SIZE && Number.isInteger(off)) {
      if (size === 4) return (d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16) | (d[off + 3]! << 24)) >>> 0;
      if (size === 2) return d[off]! | (d[off + 1]! << 8);
      return d[off]!;
    }
    const n = normSize(size);
    const o = Math.trunc(Number.isFinite(off) ? off : -1);
    let v = 0;
    for (let i = 0; i < n; i++) {
      const a = o + i;
      const b = a >= 0 && a < CONFIG_SPACE_SIZE ? this.data[a]! : 0xff;
      v += b * 2 ** (8 * i);
    }
    return v;
  }

  /** Software write through the masks. Bytes outside the space are dropped. */
  write(off: number, size: number, value: number): { old: number; new: number } {
    this.version++;
    const n = normSize(size);
    const o = Math.trunc(Number.isFinite(off) ? off : -1);
    const old = this.read(o, n);
    for (let i = 0; i < n; i++) {
      const a = o + i;
      if (a < 0 || a >= CONFIG_SPACE_SIZE) continue;
      const vb = byteOf(value, i);
      const wm = this.wmask[a]!;
      const cm = this.w1cmask[a]!;
      const cur = this.data[a]!;
      this.data[a] = ((cur & ~wm) | (vb & wm)) & ~(vb & cm) & 0xff;
    }
    const now = this.read(o, n);
    if (this.observers.length) {
      const w: ConfigWrite = { offset: o, size: n, value: Number.isFinite(value) ? value >>> 0 : 0, old, new: now };
      // A copy (an observer may unsubscribe while called), walked by index: for…of allocates at each step in V8's baseline code.
      const obs = this.observers.slice();
      for (let i = 0; i < obs.length; i++) obs[i]!(w);
    }
    return { old, new: now };
  }

  /** Subscribe to software writes; returns the unsubscribe function. */
  onWrite(cb: ConfigWriteObserver): () => void {
    this.observers.push(cb);
    return () => {
      const i = this.observers.indexOf(cb);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** Device-side store that ignores the masks (hardware setting its own status bits). */
  setRaw(off: number, size: number, value: number): void {
    this.version++;
    const n = normSize(size);
    for (let i = 0; i < n; i++) {
      const a = off + i;
      if (a >= 0 && a < CONFIG_SPACE_SIZE) this.data[a] = byteOf(value, i);
    }
  }

  /** Replace all contents (masks unchanged). */
  load(bytes: Uint8Array): void {
    this.version++;
    this.data.fill(0);
    this.data.set(bytes.subarray(0, CONFIG_SPACE_SIZE));
  }

  /** Set writable / write-1-to-clear masks for `size` bytes at `off` (values little-endian). */
  setMasks(off: number, size: number, wmask: number, w1cmask = 0): void {
    this.version++;
    const n = normSize(size);
    for (let i = 0; i < n; i++) {
      const a = off + i;
      if (a < 0 || a >= CONFIG_SPACE_SIZE) continue;
      this.wmask[a] = byteOf(wmask, i);
      this.w1cmask[a] = byteOf(w1cmask, i);
    }
  }
}
