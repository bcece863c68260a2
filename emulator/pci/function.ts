// One PCI function: config space with hardware write semantics, BARs sized as on hardware,
// sparse BAR memory, and live MSI / MSI-X views over the same bytes the guest reads.

import { ConfigSpace } from './config-space';
import {
  BAR_OFFSETS,
  CACHE_LINE_SIZE,
  CAP_ID,
  COMMAND,
  COMMAND_WRITABLE_BITS,
  CONFIG_SPACE_SIZE,
  INTERRUPT_LINE,
  LATENCY_TIMER,
  STATUS,
  STATUS_W1C_BITS,
} from './registers';
import { barWriteMasks, decodeBars, layoutBars, type BarInfo, type BarLayout, type BarSizeSpec } from './bars';
import { BarMemory, type BarMemorySnapshot } from './bar-memory';
import { capabilityDef } from './caps/index';
import type { SnapshotReader, SnapshotWriter } from '../runtime/snapshot-tree';
import {
  capabilityMasks,
  decodeCapability,
  walkCapabilities,
  type CapabilityEntry,
  type CapabilityView,
  type MsiCapView,
  type MsixCapView,
} from './capabilities';

export type { BarInfo, BarSizeSpec } from './bars';
export type { CapabilityView } from './capabilities';

export interface DumpDevice {
  address: string /* "0000:01:00.0" or "01:00.0" */;
  title: string;
  bytes: Uint8Array; /* 64, 256 or 4096 */
}

export interface MsixEntry {
  addressLo: number;
  addressHi: number;
  address: number;
  data: number;
  masked: boolean;
}

export interface MsixView extends Readonly<MsixCapView> {
  entry(i: number): MsixEntry | undefined;
  setEntry(i: number, e: Partial<MsixEntry>): void;
  pending(i: number): boolean;
  setPending(i: number, on: boolean): void;
}

export interface MsiView extends Readonly<MsiCapView> {
  /** Message for vector i (data low bits carry the vector number when several are enabled). */
  message(i: number): { address: number; data: number; masked: boolean } | undefined;
  masked(i: number): boolean;
  pending(i: number): boolean;
  setPending(i: number, on: boolean): void;
}

export interface PciFunctionSnapshot {
  config: Uint8Array;
  memories: [number, BarMemorySnapshot][];
}

/** MSI-X table entry layout (PCI_MSIX_ENTRY_* in Linux pci_regs.h): 16 bytes, vector control bit 0 = mask. */
const MSIX_ENTRY_SIZE = 16;

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

export class PciFunction {
  readonly name: string;
  readonly config: ConfigSpace;
  private readonly layouts: BarLayout[];
  private readonly memories = new Map<number, BarMemory>();
  private readonly powerOn: Uint8Array;
  /** The capability lists are read-only (no pointer byte is writable), so they are walked once. */
  private capEntries: CapabilityEntry[] = [];
  private capProblems: string[] = [];

  /** How many bytes of config space the source (dump) really held: 64, 256 or 4096. */
  readonly sourceLength: number;

  private constructor(name: string, initial: Uint8Array, layouts: BarLayout[], clearBars: boolean, sourceLength: number) {
    this.name = name;
    this.sourceLength = sourceLength;
    this.layouts = layouts;
    this.config = new ConfigSpace(initial);
    // Walk only what the source held: a 64-byte dump's capability pointer leads past its end.
    const walk = walkCapabilities((this.config.peek() as Uint8Array).subarray(0, sourceLength));
    this.capEntries = walk.capabilities;
    this.capProblems = walk.problems;
    this.buildMasks();
    this.maskBarRegisters(clearBars);
    this.powerOn = this.config.bytes;
    PciFunction.clearToPowerOn(this.powerOn, layouts, this.capEntries);
    for (const b of layouts) if (b.kind !== 'io') this.memories.set(b.index, new BarMemory(b.size));
    this.initMsixTable();
    this.watchFunctionLevelReset();
  }

  /**
   * PCIe Device Control bit 15 "Initiate Function Level Reset" (PCI_EXP_DEVCTL_BCR_FLR in Linux
   * pci_regs.h), honoured when Device Capabilities bit 28 (PCI_EXP_DEVCAP_FLR) says so: the function
   * returns to its power-on state, and the bit itself always reads 0.
   */
  private watchFunctionLevelReset(): void {
    const exp = this.capEntries.find((e) => !e.extended && e.id === CAP_ID.EXP);
    if (!exp) return;
    const devCtlHi = exp.offset + 9;
    const flrCapable = (this.config.read(exp.offset + 4, 4) & (1 << 28)) !== 0;
    this.config.onWrite((w) => {
      if (devCtlHi < w.offset || devCtlHi >= w.offset + w.size) return;
      if ((this.config.read(devCtlHi, 1) & 0x80) === 0) return;
      if (flrCapable) this.reset();
      else this.config.setRaw(devCtlHi, 1, this.config.read(devCtlHi, 1) & 0x7f);
    });
  }

  static fromConfig(bytes: Uint8Array, bars: BarSizeSpec[], opts?: { name?: string }): PciFunction {
    const full = new Uint8Array(CONFIG_SPACE_SIZE);
    full.set(bytes.subarray(0, CONFIG_SPACE_SIZE));
    const l = layoutBars(full, bars);
    if (!l.ok) throw new Error(`${opts?.name ?? 'PCI function'}: ${l.message}`);
    return new PciFunction(opts?.name ?? 'PCI function', full, l.bars, false, Math.min(bytes.length, CONFIG_SPACE_SIZE));
  }

  /** The dump's BAR registers keep their type bits; addresses are cleared (power-on state). */
  static fromDump(dev: DumpDevice, bars: BarSizeSpec[]): PciFunction {
    const full = new Uint8Array(CONFIG_SPACE_SIZE);
    full.set(dev.bytes.subarray(0, CONFIG_SPACE_SIZE));
    const name = dev.title || dev.address;
    const l = layoutBars(full, bars);
    if (!l.ok) throw new Error(`${dev.address}: ${l.message}`);
    const fn = new PciFunction(name, full, l.bars, true, Math.min(dev.bytes.length, CONFIG_SPACE_SIZE));
    fn.config.load(fn.powerOn);
    return fn;
  }

  private buildMasks(): void {
    const c = this.config;
    c.setMasks(COMMAND, 2, COMMAND_WRITABLE_BITS);
    c.setMasks(STATUS, 2, 0, STATUS_W1C_BITS);
    c.setMasks(CACHE_LINE_SIZE, 1, 0xff);
    c.setMasks(LATENCY_TIMER, 1, 0xff);
    c.setMasks(INTERRUPT_LINE, 1, 0xff);
    for (const b of this.layouts) {
      const m = barWriteMasks(b.kind, b.size);
      c.setMasks(b.offset, 4, m.low);
      if (b.kind === 'mem64') c.setMasks(b.offset + 4, 4, m.high);
    }
    const cfg = c.bytes;
    for (const e of this.capEntries) {
      for (const m of capabilityMasks(cfg, e)) c.setMasks(m.offset, m.size, m.wmask, m.w1cmask ?? 0);
    }
  }

  /** Unimplemented BAR registers read 0; implemented ones keep type bits and the address bits their size allows. */
  private maskBarRegisters(clear: boolean): void {
    const c = this.config;
    for (let i = 0; i < 6; i++)
      if (!this.layouts.some((b) => b.offset === BAR_OFFSETS[i] || (b.kind === 'mem64' && b.offset + 4 === BAR_OFFSETS[i]))) c.setRaw(BAR_OFFSETS[i]!, 4, 0);
    for (const b of this.layouts) {
      const m = barWriteMasks(b.kind, b.size);
      const low = clear ? 0 : c.read(b.offset, 4);
      c.setRaw(b.offset, 4, ((low & m.low) | b.typeBits) >>> 0);
      if (b.kind === 'mem64') c.setRaw(b.offset + 4, 4, clear ? 0 : (c.read(b.offset + 4, 4) & m.high) >>> 0);
    }
  }

  private static clearToPowerOn(cfg: Uint8Array, layouts: BarLayout[], caps: CapabilityEntry[]): void {
    const put16 = (o: number, v: number): void => {
      cfg[o] = v & 0xff;
      cfg[o + 1] = (v >> 8) & 0xff;
    };
    const get16 = (o: number): number => cfg[o]! | (cfg[o + 1]! << 8);
    const put32 = (o: number, v: number): void => {
      put16(o, v & 0xffff);
      put16(o + 2, v >>> 16);
    };
    put16(COMMAND, 0);
    put16(STATUS, get16(STATUS) & ~STATUS_W1C_BITS);
    for (const b of layouts) {
      put32(b.offset, b.typeBits);
      if (b.kind === 'mem64') put32(b.offset + 4, 0);
    }
    // Each capability says which of its bits come out of reset cleared (caps/*.ts powerOnClear).
    for (const e of caps) {
      for (const [off, size, clear] of capabilityDef(e.id, e.extended).powerOnClear ?? []) {
        if (size === 2) put16(e.offset + off, get16(e.offset + off) & ~clear);
        else put32(e.offset + off, (get16(e.offset + off) | (get16(e.offset + off + 2) << 16)) & ~clear);
      }
    }
  }

  /** MSI-X vectors come out of reset masked (PCIe base spec, MSI-X Vector Control); the PBA is read-only to software. */
  private initMsixTable(): void {
    const cap = this.msixCap();
    if (!cap) return;
    const table = this.memories.get(cap.tableBir);
    if (table) for (let i = 0; i < cap.tableSize; i++) table.poke(cap.tableOffset + i * MSIX_ENTRY_SIZE + 12, 4, 1);
    const pba = this.memories.get(cap.pbaBir);
    if (pba) pba.protect(cap.pbaOffset, Math.ceil(cap.tableSize / 64) * 8);
  }

  cfgRead(off: number, size: 1 | 2 | 4): number {
    return this.config.read(off, size);
  }

  cfgWrite(off: number, size: 1 | 2 | 4, value: number): void {
    this.config.write(off, size, value);
  }

  /** What a read returns after writing all-ones at `off` (computed from the masks, nothing is written). */
  private probe32(off: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const a = off + i;
      const cur = this.config.read(a, 1);
      const wm = this.config.wmask[a] ?? 0;
      const cm = this.config.w1cmask[a] ?? 0;
      v += (((cur & ~wm) | wm) & ~cm & 0xff) * 2 ** (8 * i);
    }
    return v;
  }

  private barsCache: { version: number; bars: BarInfo[] } | undefined;

  /** Decoded BARs; cached until the config space changes (the MMIO decode asks on every access). */
  bars(): BarInfo[] {
    const v = this.config.version;
    if (this.barsCache?.version === v) return this.barsCache.bars;
    const bars = decodeBars(
      this.layouts,
      (o) => this.config.read(o, 4),
      (o) => this.probe32(o),
    );
    this.barsCache = { version: this.config.version, bars };
    return bars;
  }

  /** Implemented BARs as laid out at construction, including the I/O flag `usableThroughVpci`. */
  barLayouts(): readonly BarLayout[] {
    return this.layouts;
  }

  probedBarMasks(): number[] {
    return BAR_OFFSETS.map((o) => this.probe32(o));
  }

  /** Sparse memory of a memory BAR (index 0..5, or 6 for the expansion ROM). Throws for I/O or absent BARs. */
  barMemory(index: number): BarMemory {
    const m = this.memories.get(index);
    if (!m) throw new Error(`${this.name}: BAR${index} is not a memory BAR of this function`);
    return m;
  }

  hasBarMemory(index: number): boolean {
    return this.memories.has(index);
  }

  capabilities(): CapabilityView[] {
    const cfg = this.config.peek() as Uint8Array;
    return this.capEntries.map((e) => decodeCapability(cfg, e));
  }

  /** What the capability walk found wrong (loops, bad pointers, short dumps). */
  capabilityProblems(): string[] {
    return [...this.capProblems];
  }

  private decodeFirst(id: number): CapabilityView | undefined {
    const e = this.capEntries.find((c) => !c.extended && c.id === id);
    return e ? decodeCapability(this.config.peek(), e) : undefined;
  }

  private msixCap(): MsixCapView | undefined {
    const v = this.decodeFirst(CAP_ID.MSIX);
    return v?.kind === 'msix' ? v : undefined;
  }

  private msixView: MsixView | null | undefined;
  private msiView: MsiView | null | undefined;

  /** Live MSI-X view (one object per function; fields read the current registers). */
  msix(): MsixView | undefined {
    if (this.msixView === undefined) {
      const cap = this.msixCap();
      this.msixView = cap ? new LiveMsix(this.config, cap, this.memories) : null;
    }
    return this.msixView ?? undefined;
  }

  /** Live MSI view (one object per function; fields read the current registers). */
  msi(): MsiView | undefined {
    if (this.msiView === undefined) {
      const v = this.decodeFirst(CAP_ID.MSI);
      this.msiView = v?.kind === 'msi' ? new LiveMsi(this.config, v) : null;
    }
    return this.msiView ?? undefined;
  }

  reset(): void {
    this.config.load(this.powerOn);
    for (const m of this.memories.values()) m.clear();
    this.initMsixTable();
  }

  snapshot(): PciFunctionSnapshot {
    return { config: this.config.bytes, memories: [...this.memories].map(([i, m]) => [i, m.snapshot()]) };
  }

  restore(s: unknown): void {
    const snap = s as PciFunctionSnapshot | undefined;
    if (!snap || !(snap.config instanceof Uint8Array) || !Array.isArray(snap.memories)) {
      throw new Error(`${this.name}: not a PciFunction snapshot`);
    }
    this.config.load(snap.config);
    for (const m of this.memories.values()) m.clear();
    for (const [i, ms] of snap.memories) this.memories.get(i)?.restore(ms);
  }

  /** Incremental snapshot (emulator/runtime/snapshot-tree.ts): config space and BAR memory, unchanged pages shared. */
  freeze(w: SnapshotWriter, key: string): void {
    w.group(key, (g) => {
      g.bytes('cfg', this.config.peek(), this.config, this.config.version);
      for (const [i, m] of this.memories) m.freeze(g, `bar${i}`);
    });
  }

  thaw(r: SnapshotReader, key: string): void {
    const g = r.group(key);
    if (!g) throw new Error(`${this.name}: not in this snapshot`);
    const cfg = g.bytes('cfg', this.config, this.config.version);
    if (cfg) {
      this.config.load(cfg);
      g.loaded('cfg', this.config, this.config.version);
    }
    for (const [i, m] of this.memories) m.thaw(g, `bar${i}`);
  }

  /** Raw dword helper for views that work on the byte image. */
  static dword(bytes: Uint8Array, off: number): number {
    return u32(bytes, off);
  }
}

/**
 * MSI-X over config space and BAR memory. Table Size, BIRs and offsets are read-only in hardware,
 * so they are fixed here; Enable and Function Mask are read live.
 */
class LiveMsix implements MsixView {
  readonly kind = 'msix' as const;
  readonly offset: number;
  readonly tableSize: number;
  readonly tableBir: number;
  readonly tableOffset: number;
  readonly pbaBir: number;
  readonly pbaOffset: number;

  constructor(
    private readonly cfg: ConfigSpace,
    cap: MsixCapView,
    private readonly memories: Map<number, BarMemory>,
  ) {
    this.offset = cap.offset;
    this.tableSize = cap.tableSize;
    this.tableBir = cap.tableBir;
    this.tableOffset = cap.tableOffset;
    this.pbaBir = cap.pbaBir;
    this.pbaOffset = cap.pbaOffset;
  }

  get enabled(): boolean {
    return (this.cfg.read(this.offset + 2, 2) & 0x8000) !== 0;
  }

  get functionMask(): boolean {
    return (this.cfg.read(this.offset + 2, 2) & 0x4000) !== 0;
  }

  private inRange(i: number): boolean {
    return Number.isInteger(i) && i >= 0 && i < this.tableSize;
  }

  entry(i: number): MsixEntry | undefined {
    const table = this.memories.get(this.tableBir);
    if (!this.inRange(i) || !table) return undefined;
    const b = this.tableOffset + i * MSIX_ENTRY_SIZE;
    const addressLo = table.read(b, 4);
    const addressHi = table.read(b + 4, 4);
    return { addressLo, addressHi, address: addressHi * 2 ** 32 + addressLo, data: table.read(b + 8, 4), masked: (table.read(b + 12, 4) & 1) === 1 };
  }

  setEntry(i: number, e: Partial<MsixEntry>): void {
    const table = this.memories.get(this.tableBir);
    if (!this.inRange(i) || !table) return;
    const b = this.tableOffset + i * MSIX_ENTRY_SIZE;
    let lo = e.addressLo;
    let hi = e.addressHi;
    if (e.address !== undefined) {
      lo = e.address % 2 ** 32;
      hi = Math.floor(e.address / 2 ** 32);
    }
    if (lo !== undefined) table.write(b, 4, lo);
    if (hi !== undefined) table.write(b + 4, 4, hi);
    if (e.data !== undefined) table.write(b + 8, 4, e.data);
    if (e.masked !== undefined) table.write(b + 12, 4, (table.read(b + 12, 4) & ~1) | (e.masked ? 1 : 0));
  }

  pending(i: number): boolean {
    const pba = this.memories.get(this.pbaBir);
    return this.inRange(i) && !!pba && ((pba.read(this.pbaOffset + (i >> 3), 1) >> (i & 7)) & 1) === 1;
  }

  setPending(i: number, on: boolean): void {
    const pba = this.memories.get(this.pbaBir);
    if (!this.inRange(i) || !pba) return;
    const a = this.pbaOffset + (i >> 3);
    const cur = pba.read(a, 1);
    pba.poke(a, 1, on ? cur | (1 << (i & 7)) : cur & ~(1 << (i & 7)));
  }
}

/** MSI over config space. 64-bit and per-vector-masking are read-only, so the layout is fixed. */
class LiveMsi implements MsiView {
  readonly kind = 'msi' as const;
  readonly offset: number;
  readonly is64Bit: boolean;
  readonly perVectorMasking: boolean;
  readonly vectorsCapable: number;
  readonly layout: MsiCapView['layout'];

  constructor(
    private readonly cfg: ConfigSpace,
    cap: MsiCapView,
  ) {
    this.offset = cap.offset;
    this.is64Bit = cap.is64Bit;
    this.perVectorMasking = cap.perVectorMasking;
    this.vectorsCapable = cap.vectorsCapable;
    this.layout = cap.layout;
  }

  private get control(): number {
    return this.cfg.read(this.offset + 2, 2);
  }
  get enabled(): boolean {
    return (this.control & 1) !== 0;
  }
  get vectorsEnabled(): number {
    return 1 << ((this.control >> 4) & 7);
  }
  get address(): number {
    const hi = this.layout.addressHi !== undefined ? this.cfg.read(this.layout.addressHi, 4) : 0;
    return hi * 2 ** 32 + this.cfg.read(this.layout.address, 4);
  }
  get data(): number {
    return this.cfg.read(this.layout.data, 2);
  }
  get maskBits(): number | undefined {
    return this.layout.mask !== undefined ? this.cfg.read(this.layout.mask, 4) : undefined;
  }
  get pendingBits(): number | undefined {
    return this.layout.pending !== undefined ? this.cfg.read(this.layout.pending, 4) : undefined;
  }

  private inRange(i: number): boolean {
    return Number.isInteger(i) && i >= 0 && i < this.vectorsEnabled;
  }

  masked(i: number): boolean {
    const m = this.maskBits;
    return this.inRange(i) && m !== undefined && ((m >>> i) & 1) === 1;
  }

  message(i: number): { address: number; data: number; masked: boolean } | undefined {
    if (!this.inRange(i)) return undefined;
    const n = this.vectorsEnabled;
    return { address: this.address, data: (this.data & ~(n - 1)) | i, masked: this.masked(i) };
  }

  pending(i: number): boolean {
    const p = this.pendingBits;
    return this.inRange(i) && p !== undefined && ((p >>> i) & 1) === 1;
  }

  setPending(i: number, on: boolean): void {
    if (!this.inRange(i) || this.layout.pending === undefined) return;
    const cur = this.cfg.read(this.layout.pending, 4);
    this.cfg.setRaw(this.layout.pending, 4, on ? (cur | (1 << i)) >>> 0 : (cur & ~(1 << i)) >>> 0);
  }
}
