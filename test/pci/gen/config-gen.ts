// A seeded generator of random but well-formed PCI config spaces, for comparing our lspci model
// with real lspci 3.9.0: type 0, type 1 (PCI-to-PCI bridge), type 2 (CardBus) and unknown
// header types; 64-, 256- and 4096-byte dumps; every standard and extended capability lspci
// 3.9.0 decodes (and ids it does not), in random order at random offsets, sometimes looped,
// broken or running off the dump; odd values in every field (random register contents, plus
// the boundary encodings each printer branches on). Names come from pci.ids (and hwdb when
// given): known devices, long names that lspci cuts, unknown vendors, unknown subclasses.
// Test support only (uses Math-free seeded randomness; nothing here runs in the product).

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** 0 ≤ n < max */
  int(max: number): number {
    return max <= 1 ? 0 : this.u32() % max;
  }
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  bits(n: number): number {
    return n >= 32 ? this.u32() : this.u32() & ((1 << n) - 1);
  }
}

export interface IdsCatalog {
  vendors: number[];
  devices: [number, number][];
  subsystems: [number, number, number, number][];
  classes: [number, number][];
  progIfs: [number, number, number][];
  bases: number[];
  /** Devices whose "vendor device" text is longer than lspci's 128-byte buffer. */
  longNames: [number, number][];
  /** Devices that only the hwdb knows (to exercise lspci's hwdb fallback). */
  hwdbOnly: [number, number][];
}

/** The ids of a pci.ids text (and optionally an udev hwdb text), by a plain reading of the format. */
export function idsCatalog(pciIds: string, hwdb?: string): IdsCatalog {
  const c: IdsCatalog = { vendors: [], devices: [], subsystems: [], classes: [], progIfs: [], bases: [], longNames: [], hwdbOnly: [] };
  const vendorNames = new Map<number, string>();
  const known = new Set<number>();
  let v = -1;
  let d = -1;
  let cls = -1;
  let sub = -1;
  for (const line of pciIds.split('\n')) {
    let m: RegExpExecArray | null;
    if (line.startsWith('#') || !line.trim()) continue;
    if ((m = /^([0-9a-f]{4}) {2}(.*)$/.exec(line))) {
      v = parseInt(m[1]!, 16);
      cls = -1;
      vendorNames.set(v, m[2]!);
      c.vendors.push(v);
    } else if ((m = /^C ([0-9a-f]{2}) {2}/.exec(line))) {
      cls = parseInt(m[1]!, 16);
      v = -1;
      c.bases.push(cls);
    } else if (/^[A-Z] /.test(line)) {
      v = -1;
      cls = -1;
    } else if (v >= 0 && (m = /^\t([0-9a-f]{4}) {2}(.*)$/.exec(line))) {
      d = parseInt(m[1]!, 16);
      c.devices.push([v, d]);
      known.add(v * 0x10000 + d);
      if (Buffer.byteLength(`${vendorNames.get(v)} ${m[2]}`) > 126) c.longNames.push([v, d]);
    } else if (v >= 0 && (m = /^\t\t([0-9a-f]{4}) ([0-9a-f]{4}) {2}/.exec(line))) {
      c.subsystems.push([v, d, parseInt(m[1]!, 16), parseInt(m[2]!, 16)]);
    } else if (cls >= 0 && (m = /^\t([0-9a-f]{2}) {2}/.exec(line))) {
      sub = parseInt(m[1]!, 16);
      c.classes.push([cls, sub]);
    } else if (cls >= 0 && (m = /^\t\t([0-9a-f]{2}) {2}/.exec(line))) {
      c.progIfs.push([cls, sub, parseInt(m[1]!, 16)]);
    }
  }
  if (hwdb) {
    const re = /^pci:v0000([0-9A-F]{4})d0000([0-9A-F]{4})\*$/gm;
    let m: RegExpExecArray | null;
    while ((m = re.exec(hwdb))) {
      const vv = parseInt(m[1]!, 16);
      const dd = parseInt(m[2]!, 16);
      if (!known.has(vv * 0x10000 + dd)) c.hwdbOnly.push([vv, dd]);
    }
  }
  return c;
}

/** A config space being built: little-endian stores that ignore what falls past its end. */
class Space {
  constructor(readonly b: Uint8Array) {}
  u8(o: number, v: number): void {
    if (o >= 0 && o < this.b.length) this.b[o] = v & 0xff;
  }
  u16(o: number, v: number): void {
    this.u8(o, v);
    this.u8(o + 1, v >>> 8);
  }
  u32(o: number, v: number): void {
    this.u16(o, v & 0xffff);
    this.u16(o + 2, v >>> 16);
  }
  g16(o: number): number {
    return (this.b[o] ?? 0) | ((this.b[o + 1] ?? 0) << 8);
  }
}

/** Standard capability ids lspci 3.9.0 decodes, plus ids it prints as unknown. */
const STD_IDS = [
  0x08, 0x10, 0x14, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
];
/** Extended capability ids lspci 3.9.0 knows (0x00–0x29, 0x2e), plus some it does not. */
const EXT_IDS = [
  ...Array.from({ length: 0x2a }, (_, i) => i).filter((i) => i !== 0x0c && i !== 0x14),
  0x2e,
  // The printers with the most branches, once more each (DVSEC/CXL three more times).
  0x01,
  0x02,
  0x05,
  0x07,
  0x10,
  0x12,
  0x15,
  0x1e,
  0x23,
  0x23,
  0x23,
  0x2e,
];
const EXT_UNKNOWN = [0x0c, 0x14, 0x2a, 0x2b, 0x2c, 0x2d, 0x2f, 0x30, 0x4b, 0xffff, 0x8000];

export interface GenSpace {
  bytes: Uint8Array;
  /** What was chosen, for a failure message. */
  note: string;
}

export interface GenOptions {
  /** Let DVSEC lengths be shorter than what lspci reads (lspci then dies with "Internal bug"). */
  allowDie?: boolean;
}

export function generateSpace(r: Rng, cat: IdsCatalog, opts: GenOptions = {}): GenSpace {
  // Header type: mostly 0 and 1; some CardBus, some unknown; the multi-function bit at random.
  const hr = r.int(100);
  const htype = hr < 55 ? 0 : hr < 88 ? 1 : hr < 94 ? 2 : 3 + r.int(0x7d);
  // Dump size: mostly 4 KiB, some 256 bytes, a few 64 or 128 (a CardBus header needs 128).
  const sizeRoll = r.int(100);
  const size = htype === 2 && sizeRoll < 30 ? 64 : sizeRoll < 78 ? 4096 : sizeRoll < 95 ? 256 : sizeRoll < 98 ? 64 : 128;
  const s = new Space(new Uint8Array(size));
  for (let o = 0; o < size; o += 4) s.u32(o, r.u32());
  const notes: string[] = [];
  s.u8(0x0e, htype | (r.chance(0.3) ? 0x80 : 0));
  notes.push(`htype ${htype}`);

  const subsys = identity(r, s, cat, htype, notes);
  s.u16(0x04, r.bits(16));
  s.u8(0x08, r.chance(0.2) ? 0 : r.bits(8));
  s.u8(0x0c, r.chance(0.3) ? 0 : r.bits(8));
  s.u8(0x0d, r.bits(8));
  s.u8(0x0f, r.chance(0.6) ? 0 : r.pick([0x80, 0xc0, 0x85, r.bits(8)]));
  s.u8(0x3c, r.chance(0.2) ? 0 : r.bits(8));
  s.u8(0x3d, r.pick([0, 1, 2, 3, 4, 0, 1, 5 + r.int(0x3a)]));
  if (htype === 0) {
    s.u8(0x3e, r.chance(0.5) ? 0 : r.bits(8));
    s.u8(0x3f, r.chance(0.5) ? 0 : r.bits(8));
  }
  if (htype === 0) bars(r, s, 6);
  else if (htype === 1) {
    bars(r, s, 2);
    bridge(r, s);
  } else if (htype === 2) bars(r, s, 1);
  if (htype === 0 || htype === 1) rom(r, s, htype === 0 ? 0x30 : 0x38);

  // Capabilities: most spaces have a list; some set the status bit with an empty pointer, some
  // have a pointer without the bit.
  const capRoll = r.int(100);
  let status = r.bits(16) & ~0x10;
  const ptrReg = htype === 2 ? 0x14 : 0x34;
  if (capRoll < 88 && size > 64) {
    status |= 0x10;
    const express = stdCaps(r, s, htype, ptrReg, subsys, opts.allowDie ?? false, notes);
    if (size === 4096 && (express || r.chance(0.1))) extCaps(r, s, opts, notes);
    else if (size === 4096 && r.chance(0.5)) s.u32(0x100, 0);
  } else if (capRoll < 94) {
    // The list bit with an empty pointer, or a pointer to random bytes holding a short capability.
    status |= 0x10;
    const at = r.chance(0.5) ? 0 : 0x40 + 4 * r.int(48);
    s.u8(ptrReg, at);
    if (at) {
      s.u8(at, r.pick([0x15 + r.int(0xea), 0x06, 0x0c, 0xff]));
      s.u8(at + 1, 0);
    }
  }
  s.u16(0x06, status);
  return { bytes: s.b, note: notes.join(', ') };
}

function identity(r: Rng, s: Space, cat: IdsCatalog, htype: number, notes: string[]): [number, number] {
  let v: number;
  let d: number;
  const roll = r.int(100);
  if (roll < 35) [v, d] = r.pick(cat.devices);
  else if (roll < 45 && cat.longNames.length) [v, d] = r.pick(cat.longNames);
  // Without a hwdb on this machine, a known device instead: the same draws either way, so a seed
  // makes the same config spaces on every machine (the fixed seed's coverage is asserted).
  else if (roll < 52) [v, d] = r.pick(cat.hwdbOnly.length ? cat.hwdbOnly : cat.devices);
  else if (roll < 65) [v, d] = [r.pick(cat.vendors), r.bits(16)];
  else if (roll < 71)
    [v, d] = [0x1af4, 0x1000 + r.int(0x80)]; // virtio: its vendor capability decodes
  else [v, d] = [r.bits(16), r.bits(16)];
  s.u16(0, v);
  s.u16(2, d);
  notes.push(`id ${v.toString(16)}:${d.toString(16)}`);

  // Class: known subclass (with or without a known prog-if), known class with unknown subclass,
  // unknown class; a bridge class for bridges most of the time; IDE with random prog-ifs.
  let base: number;
  let sub: number;
  let pi = r.bits(8);
  const cr = r.int(100);
  if ((htype === 1 || htype === 2) && cr < 70) {
    base = 0x06;
    sub = htype === 1 ? r.pick([0x04, 0x09, 0x04]) : 0x07;
    pi = r.pick([0, 1, pi]);
  } else if (cr < 40) {
    [base, sub] = r.pick(cat.classes);
    pi = r.chance(0.5) ? 0 : pi;
  } else if (cr < 55) {
    const p = r.pick(cat.progIfs);
    [base, sub, pi] = p;
  } else if (cr < 65) {
    base = r.pick(cat.bases);
    sub = 0x40 + r.int(0x30);
  } else if (cr < 72) {
    base = 0x01;
    sub = 0x01;
    pi = r.bits(8) & r.pick([0x8f, 0xff, 0x0f]);
  } else if (cr < 76) {
    base = 0x06;
    sub = 0x04; // a type-0 header with a bridge class: "!!! Invalid class"
  } else {
    base = r.bits(8);
    sub = r.bits(8);
  }
  s.u8(0x09, pi);
  s.u8(0x0a, sub);
  s.u8(0x0b, base);

  // Subsystem ids (type 0 at 0x2c, CardBus at 0x40; a bridge's come from its SSVID capability).
  const sr = r.int(100);
  let sv: number;
  let sd: number;
  const devSubs = cat.subsystems.filter((x) => x[0] === v && x[1] === d);
  if (sr < 15) [sv, sd] = [0, 0];
  else if (sr < 20) [sv, sd] = [0xffff, r.bits(16)];
  else if (sr < 30) [sv, sd] = [v, d];
  else if (sr < 45 && devSubs.length) [, , sv, sd] = r.pick(devSubs);
  else if (sr < 60) {
    const any = r.pick(cat.subsystems);
    [sv, sd] = [any[2], any[3]];
  } else if (sr < 80) [sv, sd] = [r.pick(cat.vendors), r.bits(16)];
  else [sv, sd] = [r.bits(16), r.bits(16)];
  if (htype === 0) {
    s.u16(0x2c, sv);
    s.u16(0x2e, sd);
  } else if (htype === 2) {
    s.u16(0x40, sv);
    s.u16(0x42, sd);
  }
  return [sv, sd];
}

function bars(r: Rng, s: Space, count: number): void {
  for (let i = 0; i < count; i++) {
    const o = 0x10 + 4 * i;
    const k = r.int(12);
    switch (k) {
      case 0:
      case 1:
        s.u32(o, 0);
        break;
      case 2:
        s.u32(o, (r.bits(16) & ~3) | 1 | (r.chance(0.2) ? r.bits(32) & 0xffff0000 : 0));
        break;
      case 3:
      case 4:
        s.u32(o, (r.u32() & ~0xf) | (r.chance(0.5) ? 8 : 0));
        break;
      case 5:
      case 6: {
        s.u32(o, (r.chance(0.2) ? 0 : r.u32() & ~0xf) | 4 | (r.chance(0.6) ? 8 : 0));
        if (i + 1 < count) s.u32(o + 4, r.chance(0.5) ? 0 : r.bits(r.pick([4, 8, 32])));
        i++;
        break;
      }
      case 7:
        s.u32(o, (r.u32() & ~0xf) | 2 | (r.chance(0.5) ? 8 : 0)); // below 1M (obsolete type)
        break;
      case 8:
        s.u32(o, (r.u32() & ~0xf) | 6);
        break;
      case 9:
        s.u32(o, 0xffffffff);
        break;
      default:
        s.u32(o, r.u32());
    }
  }
}

function rom(r: Rng, s: Space, o: number): void {
  s.u32(o, r.pick([0, 0, 0xffffffff, r.u32(), (r.u32() & ~0x7ff) | 1, r.u32() & 0x7fe, 1]));
}

function bridge(r: Rng, s: Space): void {
  s.u8(0x18, r.bits(8));
  s.u8(0x19, r.bits(8));
  s.u8(0x1a, r.bits(8));
  s.u8(0x1b, r.bits(8));
  const ioType = r.pick([0, 1, 0, 1, r.bits(4)]);
  s.u8(0x1c, (r.bits(4) << 4) | ioType);
  s.u8(0x1d, (r.bits(4) << 4) | (r.chance(0.9) ? ioType : r.bits(4)));
  if (r.chance(0.2)) {
    s.u8(0x1c, 0);
    s.u8(0x1d, 0);
  }
  const memType = r.chance(0.9) ? 0 : r.bits(4);
  s.u16(0x20, (r.bits(12) << 4) | memType);
  s.u16(0x22, (r.bits(12) << 4) | (r.chance(0.9) ? memType : r.bits(4)));
  const prefType = r.pick([0, 1, 1, r.bits(4)]);
  s.u16(0x24, (r.bits(12) << 4) | prefType);
  s.u16(0x26, (r.bits(12) << 4) | (r.chance(0.9) ? prefType : r.bits(4)));
  if (r.chance(0.3)) {
    s.u16(0x24, prefType);
    s.u16(0x26, prefType);
    s.u32(0x28, 0);
    s.u32(0x2c, 0);
  }
  s.u32(0x28, r.chance(0.5) ? 0 : r.u32());
  s.u32(0x2c, r.chance(0.5) ? 0 : r.u32());
  s.u16(0x30, r.chance(0.5) ? 0 : r.bits(16));
  s.u16(0x32, r.chance(0.5) ? 0 : r.bits(16));
}

/** Bytes each standard capability's lspci printer reads (EA: as its entries say). */
const STD_SIZE: Record<number, number> = {
  0x01: 8,
  0x02: 12,
  0x03: 8,
  0x05: 24,
  0x07: 16,
  0x08: 28,
  0x09: 20,
  0x0d: 8,
  0x10: 0x3c,
  0x11: 12,
  0x12: 8,
  0x13: 8,
};

interface EaPlan {
  entries: { es: number; baseHigh: boolean; maxHigh: boolean }[];
}

function eaPlan(r: Rng, allowDie: boolean): EaPlan {
  const entries: EaPlan['entries'] = [];
  for (let i = r.int(5); i > 0; i--) {
    // An entry holds its base and max offset (2 dwords) and each upper half it flags; a
    // shorter EntrySize makes lspci read past what it fetched (and die).
    const es = allowDie && r.chance(0.2) ? r.int(2) : r.pick([2, 3, 4, 2, 3, 5]);
    const baseHigh = es >= 3 && r.chance(0.5);
    const maxHigh = es >= (baseHigh ? 4 : 3) && r.chance(0.5);
    entries.push({ es, baseHigh, maxHigh });
  }
  return { entries };
}

/**
 * Fill the standard list (non-overlapping capabilities at random offsets, chained in random
 * order); returns whether it has an Express or PCI-X capability, so lspci reads an extended list.
 */
/** Fill the standard list; returns whether it has an Express (or PCI-X) capability, so an extended list is read. */
function stdCaps(r: Rng, s: Space, htype: number, ptrReg: number, subsys: [number, number], allowDie: boolean, notes: string[]): boolean {
  const n = 1 + r.int(7);
  const want: number[] = [];
  for (let i = 0; i < n; i++) want.push(r.chance(0.08) ? 0x15 + r.int(0xea) : r.pick(STD_IDS));
  if (r.chance(0.6) && !want.includes(0x10)) want[r.int(want.length)] = 0x10;
  if (htype === 1 && r.chance(0.6) && !want.includes(0x0d)) want.push(0x0d);
  if (s.g16(0) === 0x1af4 && r.chance(0.8)) want.push(0x09, 0x09);
  const taken: [number, number][] = [];
  const caps: { id: number; at: number; ea?: EaPlan }[] = [];
  for (const id of want) {
    const ea = id === 0x14 ? eaPlan(r, allowDie) : undefined;
    const size = ea ? 4 + (htype === 1 ? 4 : 0) + ea.entries.reduce((a, e) => a + 4 + 4 * e.es, 0) : (STD_SIZE[id] ?? 4);
    for (let tries = 0; tries < 30; tries++) {
      const at = 0x40 + 4 * r.int(48);
      // In a 256-byte dump a capability may run off the end (lspci then stops reading it); in a
      // 4 KiB one it must not run into the extended list written at 0x100.
      if (at + size <= 0x100 + (s.b.length === 256 && r.chance(0.1) ? 0x40 : 0) && taken.every(([a, b]) => at + size <= a || at >= b)) {
        taken.push([at, at + size]);
        caps.push({ id, at, ...(ea ? { ea } : {}) });
        break;
      }
    }
  }
  if (!caps.length) caps.push({ id: 0x01, at: 0x40 });
  s.u8(ptrReg, caps[0]!.at | (r.chance(0.1) ? r.int(4) : 0));
  let express = false;
  for (let i = 0; i < caps.length; i++) {
    const { id, at: o } = caps[i]!;
    let next = i + 1 < caps.length ? caps[i + 1]!.at : 0;
    const end = r.int(100);
    if (i + 1 === caps.length) {
      if (end < 6)
        next = caps[r.int(caps.length)]!.at; // loop back
      else if (end < 10) {
        // Somewhere with random contents: an unknown or short capability that ends the list.
        next = 0x40 + 4 * r.int(48);
        if (!taken.some(([a, b]) => next >= a && next < b)) {
          s.u8(next, r.pick([0x15 + r.int(0xea), 0x0c, 0xff, 0x00]));
          s.u8(next + 1, 0);
        }
      }
    }
    s.u8(o, id);
    s.u8(o + 1, next | (r.chance(0.1) ? r.int(4) : 0));
    if (id === 0x10 || id === 0x07) express = true;
    stdBody(r, s, id, o, htype, subsys, caps[i]!.ea);
  }
  if (r.chance(0.04) && caps.length > 1) s.u8(caps[caps.length - 1]!.at, 0xff); // chain broken
  notes.push(`caps ${caps.map((c) => `${c.id.toString(16)}@${c.at.toString(16)}`).join(',')}`);
  return express;
}

function stdBody(r: Rng, s: Space, id: number, o: number, htype: number, subsys: [number, number], ea: EaPlan | undefined): void {
  switch (id) {
    case 0x01: // PM: PMC random; PMCSR random; the bridge-support byte zero half the time
      if (r.chance(0.5)) s.u8(o + 6, 0);
      break;
    case 0x02: // AGP: versions 1–3 mostly, with AGP3 mode on and off
      s.u8(o + 2, (r.pick([1, 2, 3, 3, r.bits(4)]) << 4) | r.bits(4));
      break;
    case 0x05: // MSI: all flag combinations come from random flags
      break;
    case 0x08: {
      // HyperTransport: primary, secondary, and each other type
      const kind = r.int(4);
      if (kind === 0) s.u16(o + 2, r.bits(13));
      else if (kind === 1) s.u16(o + 2, 0x2000 | r.bits(13));
      else
        s.u16(
          o + 2,
          (r.pick([
            0x4000, 0x4800, 0x8000, 0x8800, 0x8800, 0x8800, 0x9000, 0x9800, 0xa000, 0xa800, 0xa800, 0xa800, 0xb000, 0xb800, 0xc000, 0xc800, 0xd000, 0xf800,
          ]) |
            r.bits(11)) &
            ~(r.chance(0.5) ? 2 : 0),
        );
      const rid = r.pick([0x10, 0x11, 0x12, 0x21, 0x22, 0x23, 0x60, r.bits(8)]);
      s.u8(o + (kind === 0 ? 12 : 8), rid);
      break;
    }
    case 0x09: // vendor specific: lengths around virtio's 16/20
      s.u8(o + 2, r.pick([0, 4, 16, 20, 24, r.bits(8)]));
      s.u8(o + 3, r.pick([1, 2, 3, 4, 5, 0]));
      break;
    case 0x0d: // bridge subsystem ids
      s.u16(o + 4, subsys[0]);
      s.u16(o + 6, subsys[1]);
      break;
    case 0x10: {
      // PCI Express: every port type and version, slot bit set or not
      const type = r.chance(0.85) ? r.pick([0, 1, 4, 4, 5, 6, 7, 8, 9, 0xa, 0xa]) : r.bits(4);
      const ver = r.pick([1, 2, 2, 2, 0, 3]);
      s.u16(o + 2, (r.bits(7) << 9) | (r.chance(0.5) ? 0x100 : 0) | (type << 4) | ver);
      if (r.chance(0.3)) s.u32(o + 0x2c, 0); // no Link Capabilities 2
      break;
    }
    case 0x12: // SATA: BAR location encodings
      s.u32(o + 4, (r.bits(20) << 4) | r.pick([4, 5, 9, 15, 0, 3, 10]));
      break;
    case 0x14: {
      // Enhanced Allocation: the planned entries
      const plan = ea ?? { entries: [] };
      s.u16(o + 2, plan.entries.length | (r.bits(10) << 6));
      let e = o + 4 + (htype === 1 ? 4 : 0);
      const props = [0, 1, 2, 3, 4, 5, 6, 7, 0xfd, 0xfe, 0xff, 0x33];
      for (const { es, baseHigh, maxHigh } of plan.entries) {
        s.u32(e, (r.chance(0.5) ? 0x80000000 : 0) | (r.chance(0.5) ? 0x40000000 : 0) | (r.pick(props) << 16) | (r.pick(props) << 8) | (r.bits(4) << 4) | es);
        s.u32(e + 4, (r.u32() & ~2) | (baseHigh ? 2 : 0));
        s.u32(e + 8, (r.u32() & ~2) | (maxHigh ? 2 : 0));
        e += 4 + 4 * es;
      }
      break;
    }
    default:
      break;
  }
}

/** Sizes (bytes) the extended capabilities' printers read, so capabilities do not overlap. */
function extSize(id: number): number {
  switch (id) {
    case 0x01:
      return 0x38;
    case 0x02:
    case 0x09:
      return 0x10 + 12 * 8;
    case 0x05:
      return 0x10 + 16 * 4;
    case 0x10:
      return 0x40;
    case 0x12:
      return 0x30;
    case 0x15:
    case 0x24:
      return 4 + 8 * 6;
    case 0x23:
      return 0x40;
    case 0x2e:
      return 0x18;
    default:
      return 0x10;
  }
}

function extCaps(r: Rng, s: Space, opts: GenOptions, notes: string[]): void {
  const n = 1 + r.int(10);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(r.chance(0.06) ? r.pick(EXT_UNKNOWN) : r.pick(EXT_IDS));
  // Non-overlapping places, the first at 0x100, the rest anywhere (so the chain runs back and
  // forth); now and then one near the end of the space so its registers run off it.
  const taken: [number, number][] = [];
  const places: number[] = [];
  for (const id of ids) {
    const len = extSize(id);
    for (let tries = 0; tries < 40; tries++) {
      const at = places.length === 0 ? 0x100 : r.chance(0.1) ? 0xffc - 4 * r.int(8) : 0x104 + 4 * r.int((0xffc - 0x104 - len) / 4);
      if (taken.every(([a, b]) => at + len <= a || at >= b)) {
        taken.push([at, at + len]);
        places.push(at);
        break;
      }
    }
  }
  const used = ids.slice(0, places.length);
  for (let i = 0; i < used.length; i++) {
    const o = places[i]!;
    let next = i + 1 < used.length ? places[i + 1]! : 0;
    if (i + 1 === used.length && r.chance(0.06)) next = places[r.int(places.length)]!;
    const ver = r.pick([1, 1, 2, 0, r.bits(4)]);
    s.u32(o, ((next | (r.chance(0.05) ? r.int(4) : 0)) << 20) | (ver << 16) | used[i]!);
    extBody(r, s, used[i]!, o, opts);
  }
  if (r.chance(0.05) && used.length > 1) s.u32(places[used.length - 1]!, r.pick([0, 0xffffffff]));
  notes.push(`ext ${used.map((i) => i.toString(16)).join(',')}`);
}

function extBody(r: Rng, s: Space, id: number, o: number, opts: GenOptions): void {
  switch (id) {
    case 0x02:
    case 0x09: // VC: up to 8 resources, arbitration table present or not
      s.u32(o + 4, (r.bits(20) << 12) | (r.bits(4) << 8) | (r.bits(4) << 4) | r.int(8));
      if (r.chance(0.5)) s.u8(o + 11, 0);
      break;
    case 0x05: // Root Complex Link: a few link entries
      s.u8(o + 5, r.int(5));
      break;
    case 0x07: // RCEC association: bitmaps with runs, bus numbers "none"
      s.u32(o + 4, r.pick([0, 0xffffffff, 0x80000001, 0x0000f00f, 0x7, r.u32()]));
      if (r.chance(0.4)) s.u32(o + 8, 0x0000ff00);
      break;
    case 0x0b:
      break;
    case 0x10: // SR-IOV: VF BARs of each type, some empty
      for (let i = 0; i < 6; i++) s.u32(o + 0x24 + 4 * i, r.pick([0, 0xffffffff, (r.u32() & ~0xf) | r.pick([0, 4, 8, 0xc, 2, 6])]));
      break;
    case 0x15:
    case 0x24: {
      // Resizable BAR: 0–7 BARs (1–6 valid), sizes up to the extended range
      const num = r.pick([1, 2, 3, 6, 0, 7, 4]);
      for (let i = 0; i < 6; i++) {
        s.u32(o + 4 + 8 * i, r.u32() & r.pick([0xfffffff0, 0x000003f0, 0]));
        s.u32(o + 8 + 8 * i, (r.chance(0.7) ? 0 : r.bits(16) << 16) | (r.bits(6) << 8) | ((i === 0 ? num : r.bits(3)) << 5) | r.bits(3));
      }
      break;
    }
    case 0x12: // Multicast: window and overlay sizes around their limits
      s.u16(o + 4, (r.chance(0.5) ? 0x8000 : 0) | (r.pick([0, 5, 12, 31, 32, 63]) << 8) | r.bits(6));
      s.u8(o + 0x28, (s.b[o + 0x28]! & 0xc0) | r.pick([0, 5, 6, 12, 31, 32, 63]));
      break;
    case 0x17: // TPH: each steering table location
      break;
    case 0x1e: // L1 PM Substates: scales at and past their limits
      break;
    case 0x23:
      dvsec(r, s, o, opts);
      break;
    default:
      break;
  }
}

function dvsec(r: Rng, s: Space, o: number, opts: GenOptions): void {
  const cxl = r.chance(0.7);
  const id = r.pick([0, 0, 0, 0, 2, 2, 3, 3, 4, 4, 5, 5, 7, 7, 8, 9, 1, 6, 10]);
  const rev = r.pick([0, 1, 2, 2, 3]);
  // What each CXL printer reads (lib/header.h PCI_CXL_*_LEN): shorter lengths make lspci die.
  const need = [0x38, 0x10, 0x2c, 0x28, 0x10, 0x10, 0x10, 0x20, 0x14, 0x10, 0x10][id] ?? 0x10;
  let len = need + 4 * r.int(6);
  if (opts.allowDie && r.chance(0.3)) len = 16 + 4 * r.int(4);
  if (!cxl && r.chance(0.3)) len = r.bits(12);
  s.u32(o + 4, (len << 20) | (rev << 16) | (cxl ? 0x1e98 : r.bits(16)));
  s.u16(o + 8, id);
  if (cxl && id === 0) {
    // Range size low words: Type, Class and Interleave within lspci's tables (C reads past them otherwise).
    for (const at of [0x1c, 0x2c]) s.u16(o + at, (r.bits(3) << 13) | (r.int(8) << 8) | (r.int(3) << 5) | (r.int(3) << 2) | r.bits(2));
    s.u16(o + 0x16, (r.bits(8) << 8) | r.pick([0, 1, 2, 3, 15]));
  }
  if (cxl && (id === 4 || id === 5)) {
    s.u16(o + 0x0a, (r.int(9) << 8) | r.bits(4));
    s.u16(o + 0x0c, (r.int(9) << 8) | r.bits(4));
    s.u16(o + 0x0e, (r.int(9) << 8) | r.bits(4));
  }
  if (cxl && id === 9) s.u16(o + 0x0a, r.pick([0, 1, 16, 17, r.bits(16)]));
}
