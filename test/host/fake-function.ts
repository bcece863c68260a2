// A minimal PCI function for host tests: 4 KiB config space, IDs, COMMAND,
// and BARs that size like hardware (writes masked by the BAR size, type bits
// read-only). Independent of emulator/pci so the host tests pin the host alone.

export interface FakeBar {
  index: number;
  size: number;
  is64?: boolean;
  prefetch?: boolean;
  /** An I/O BAR: type bit 0 set, address bits from bit 2. */
  io?: boolean;
}

export class FakeFunction {
  readonly cfg = new Uint8Array(4096);
  private readonly v = new DataView(this.cfg.buffer);
  readonly writes: { off: number; size: number; value: number }[] = [];
  constructor(
    ids: { vendor: number; device: number; revision?: number; classCode?: number; subsystem?: number },
    readonly barDefs: FakeBar[] = [],
  ) {
    this.v.setUint16(0, ids.vendor, true);
    this.v.setUint16(2, ids.device, true);
    this.cfg[8] = ids.revision ?? 0;
    const cc = ids.classCode ?? 0;
    this.cfg[9] = cc & 0xff;
    this.cfg[10] = (cc >> 8) & 0xff;
    this.cfg[11] = (cc >> 16) & 0xff;
    this.v.setUint32(0x2c, ids.subsystem ?? 0, true);
    for (const b of barDefs) this.v.setUint32(0x10 + 4 * b.index, this.typeBits(b), true);
  }
  private typeBits(b: FakeBar): number {
    if (b.io) return 1;
    return (b.is64 ? 4 : 0) | (b.prefetch ? 8 : 0);
  }
  private barAtReg(reg: number): { def: FakeBar; high: boolean } | undefined {
    for (const d of this.barDefs) {
      if (d.index === reg) return { def: d, high: false };
      if (d.is64 && d.index + 1 === reg) return { def: d, high: true };
    }
    return undefined;
  }
  cfgRead(off: number, size: number): number {
    let x = 0;
    for (let i = 0; i < size; i++) x += (this.cfg[off + i] ?? 0xff) * 2 ** (8 * i);
    return x;
  }
  cfgWrite(off: number, size: number, value: number): void {
    this.writes.push({ off, size, value });
    for (let i = 0; i < size; i++) {
      const a = off + i;
      const byte = (value >>> (8 * i)) & 0xff;
      if (a < 4 || (a >= 8 && a < 0x10) || (a >= 0x2c && a < 0x30)) continue;
      if (a >= 0x10 && a < 0x28) {
        const reg = (a - 0x10) >> 2;
        const hit = this.barAtReg(reg);
        if (!hit) continue;
        const size64 = BigInt(hit.def.size);
        const mask64 = ~(size64 - 1n) & 0xffffffffffffffffn;
        const m = Number(hit.high ? mask64 >> 32n : mask64 & (hit.def.io ? 0xfffffffcn : 0xfffffff0n)) >>> 0;
        const lane = a & 3;
        const mb = (m >>> (8 * lane)) & 0xff;
        const keep = this.cfg[a]! & ~mb;
        this.cfg[a] = (keep | (byte & mb)) & 0xff;
        if (!hit.high && lane === 0) this.cfg[a] = (this.cfg[a] & (hit.def.io ? 0xfc : 0xf0)) | this.typeBits(hit.def);
        continue;
      }
      this.cfg[a] = byte;
    }
  }
  probedBarMasks(): number[] {
    const out: number[] = [];
    for (let r = 0; r < 6; r++) {
      const off = 0x10 + 4 * r;
      const save = this.cfgRead(off, 4);
      this.cfgWrite(off, 4, 0xffffffff);
      out.push(this.cfgRead(off, 4) >>> 0);
      this.cfgWrite(off, 4, save);
    }
    this.writes.length = 0;
    return out;
  }
  bars(): never[] {
    return [];
  }
  reset(): void {}
  snapshot(): number[] {
    return [...this.cfg];
  }
  restore(s: number[]): void {
    this.cfg.set(s);
  }
}
