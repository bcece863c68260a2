// Capability lists: the standard list from CAPABILITIES_PTR (0x34) and the PCIe extended list at
// 0x100, walked defensively, plus one small decoded view per capability. Register layouts follow
// Linux include/uapi/linux/pci_regs.h (torvalds/linux): PCI_PM_*, PCI_MSI_*, PCI_MSIX_*, PCI_EXP_*,
// PCI_ERR_*, PCI_ARI_*, PCI_SRIOV_*. The walk's guards mirror Linux drivers/pci/pci.c
// __pci_find_next_cap_ttl (pointer & ~3, below 0x40 ends the list, at most 48 hops).

import { CAPABILITIES_PTR, CAP_ID, CAP_NAMES, EXT_CAP_ID, EXT_CAP_NAMES, EXT_CAP_START, STATUS, STATUS_CAP_LIST } from './registers';

export interface CapabilityEntry {
  id: number;
  offset: number;
  extended: boolean;
  /** Extended capabilities only: the version field (bits 19:16 of the header). */
  version?: number;
  name: string;
}

export interface CapabilityWalk {
  capabilities: CapabilityEntry[];
  problems: string[];
}

const hex = (n: number, w = 2): string => '0x' + n.toString(16).padStart(w, '0');
const u8 = (b: Uint8Array, o: number): number => (o >= 0 && o < b.length ? b[o]! : 0);
const u16 = (b: Uint8Array, o: number): number => u8(b, o) | (u8(b, o + 1) << 8);
const u32 = (b: Uint8Array, o: number): number => (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;

/** Linux PCI_FIND_CAP_TTL: the standard list cannot be longer than (256 - 64) / 4 entries. */
const STD_TTL = 48;
/** Linux pci_find_next_ext_capability: (4096 - 256) / 8 entries. */
const EXT_TTL = (4096 - 256) / 8;

export function walkCapabilities(cfg: Uint8Array): CapabilityWalk {
  const capabilities: CapabilityEntry[] = [];
  const problems: string[] = [];
  if (cfg.length < 0x40) {
    problems.push(`config space is ${cfg.length} bytes, shorter than the 64-byte header`);
    return { capabilities, problems };
  }
  if (u16(cfg, STATUS) & STATUS_CAP_LIST) {
    const seen = new Set<number>();
    let ptr = u8(cfg, CAPABILITIES_PTR);
    let hops = 0;
    let from = `CAPABILITIES_PTR (${hex(CAPABILITIES_PTR)})`;
    while (ptr !== 0) {
      if (ptr & 3) {
        problems.push(`${from} holds ${hex(ptr)}, not dword-aligned; using ${hex(ptr & ~3)}`);
        ptr &= ~3;
      }
      if (ptr < 0x40) {
        problems.push(`${from} points to ${hex(ptr)}, inside the header; list ends`);
        break;
      }
      if (ptr + 2 > cfg.length) {
        problems.push(`${from} points to ${hex(ptr)}, beyond the ${cfg.length} bytes available`);
        break;
      }
      if (seen.has(ptr)) {
        problems.push(`${from} points back to ${hex(ptr)}: the list loops`);
        break;
      }
      if (++hops > STD_TTL) {
        problems.push(`more than ${STD_TTL} capabilities: list abandoned`);
        break;
      }
      seen.add(ptr);
      const id = u8(cfg, ptr);
      if (id === 0xff) {
        problems.push(`capability at ${hex(ptr)} has ID 0xff (no device / bad read); list ends`);
        break;
      }
      capabilities.push({ id, offset: ptr, extended: false, name: CAP_NAMES[id] ?? `Capability ${hex(id)}` });
      from = `next pointer of capability at ${hex(ptr)}`;
      ptr = u8(cfg, ptr + 1);
    }
  }
  if (cfg.length >= EXT_CAP_START + 4) {
    const seen = new Set<number>();
    let off = EXT_CAP_START;
    let from = 'extended list start (0x100)';
    let hops = 0;
    while (true) {
      const header = u32(cfg, off);
      if (header === 0 || header === 0xffffffff) {
        if (off !== EXT_CAP_START) problems.push(`${from} points to ${hex(off, 3)}, which holds ${hex(header, 8)}`);
        break;
      }
      if (seen.has(off)) {
        problems.push(`${from} points back to ${hex(off, 3)}: the list loops`);
        break;
      }
      if (++hops > EXT_TTL) {
        problems.push(`more than ${EXT_TTL} extended capabilities: list abandoned`);
        break;
      }
      seen.add(off);
      const id = header & 0xffff;
      capabilities.push({
        id, offset: off, extended: true, version: (header >>> 16) & 0xf,
        name: EXT_CAP_NAMES[id] ?? `Extended capability ${hex(id, 4)}`,
      });
      const next = (header >>> 20) & 0xffc;
      if (next === 0) break;
      if (next < EXT_CAP_START) {
        problems.push(`next pointer of extended capability at ${hex(off, 3)} is ${hex(next, 3)}, below 0x100; list ends`);
        break;
      }
      if (next + 4 > cfg.length) {
        problems.push(`next pointer of extended capability at ${hex(off, 3)} is ${hex(next, 3)}, beyond the ${cfg.length} bytes available`);
        break;
      }
      from = `next pointer of extended capability at ${hex(off, 3)}`;
      off = next;
    }
  }
  return { capabilities, problems };
}

// ---- views --------------------------------------------------------------------------------

export interface PmView {
  kind: 'pm'; offset: number; version: number; d1: boolean; d2: boolean; pmeSupport: number;
  auxCurrent: number; powerState: number; noSoftReset: boolean; pmeEnable: boolean; pmeStatus: boolean;
}
export interface MsiCapView {
  kind: 'msi'; offset: number; enabled: boolean; is64Bit: boolean; perVectorMasking: boolean;
  vectorsCapable: number; vectorsEnabled: number; address: number; data: number;
  maskBits?: number; pendingBits?: number;
  /** Config offsets of the fields (for writers). */
  layout: { address: number; addressHi?: number; data: number; mask?: number; pending?: number };
}
export interface MsixCapView {
  kind: 'msix'; offset: number; tableSize: number; enabled: boolean; functionMask: boolean;
  tableBir: number; tableOffset: number; pbaBir: number; pbaOffset: number;
}
export interface PcieView {
  kind: 'pcie'; offset: number; version: number; portType: number;
  devCap: number; devCtl: number; devSta: number; linkCap: number; linkCtl: number; linkSta: number;
  devCap2?: number; devCtl2?: number; devSta2?: number; linkCap2?: number; linkCtl2?: number; linkSta2?: number;
  maxPayloadSupported: number; maxPayload: number; maxReadRequest: number; flr: boolean;
  linkSpeedMax: number; linkWidthMax: number; linkSpeed: number; linkWidth: number;
}
export interface VpdView { kind: 'vpd'; offset: number; readable: false }
export interface AerView {
  kind: 'aer'; offset: number; version: number; uncorrectableStatus: number; uncorrectableMask: number;
  uncorrectableSeverity: number; correctableStatus: number; correctableMask: number; capControl: number;
  firstErrorPointer: number; headerLog: number[];
}
export interface DsnView { kind: 'dsn'; offset: number; serial: string; low: number; high: number }
export interface AriView { kind: 'ari'; offset: number; mfvc: boolean; acs: boolean; nextFunction: number; control: number }
export interface SriovView {
  kind: 'sriov'; offset: number; capabilities: number; control: number; status: number;
  initialVFs: number; totalVFs: number; numVFs: number; functionDependencyLink: number;
  vfOffset: number; vfStride: number; vfDeviceId: number; supportedPageSizes: number; systemPageSize: number;
  vfBars: number[]; migrationState: number;
}
export interface OtherCapView { kind: 'other'; offset: number; id: number; extended: boolean; name: string }

export type CapabilityView =
  | PmView | MsiCapView | MsixCapView | PcieView | VpdView | AerView | DsnView | AriView | SriovView | OtherCapView;

export function decodeCapability(cfg: Uint8Array, e: CapabilityEntry): CapabilityView {
  const o = e.offset;
  if (!e.extended) {
    switch (e.id) {
      case CAP_ID.PM: {
        const pmc = u16(cfg, o + 2);
        const csr = u16(cfg, o + 4);
        return {
          kind: 'pm', offset: o, version: pmc & 7, auxCurrent: (pmc >> 6) & 7, d1: !!(pmc & 0x200), d2: !!(pmc & 0x400),
          pmeSupport: pmc >> 11, powerState: csr & 3, noSoftReset: !!(csr & 8), pmeEnable: !!(csr & 0x100), pmeStatus: !!(csr & 0x8000),
        };
      }
      case CAP_ID.MSI: return decodeMsi(cfg, o);
      case CAP_ID.MSIX: {
        const ctl = u16(cfg, o + 2);
        const t = u32(cfg, o + 4);
        const p = u32(cfg, o + 8);
        return {
          kind: 'msix', offset: o, tableSize: (ctl & 0x7ff) + 1, functionMask: !!(ctl & 0x4000), enabled: !!(ctl & 0x8000),
          tableBir: t & 7, tableOffset: (t & ~7) >>> 0, pbaBir: p & 7, pbaOffset: (p & ~7) >>> 0,
        };
      }
      case CAP_ID.EXP: return decodePcie(cfg, o);
      case CAP_ID.VPD: return { kind: 'vpd', offset: o, readable: false };
    }
  } else {
    switch (e.id) {
      case EXT_CAP_ID.ERR: {
        const cc = u32(cfg, o + 0x18);
        return {
          kind: 'aer', offset: o, version: e.version ?? 0, uncorrectableStatus: u32(cfg, o + 4), uncorrectableMask: u32(cfg, o + 8),
          uncorrectableSeverity: u32(cfg, o + 0xc), correctableStatus: u32(cfg, o + 0x10), correctableMask: u32(cfg, o + 0x14),
          capControl: cc, firstErrorPointer: cc & 0x1f, headerLog: [0, 1, 2, 3].map((i) => u32(cfg, o + 0x1c + 4 * i)),
        };
      }
      case EXT_CAP_ID.DSN: {
        const low = u32(cfg, o + 4);
        const high = u32(cfg, o + 8);
        const bytes: string[] = [];
        for (let i = 3; i >= 0; i--) bytes.push(((high >>> (8 * i)) & 0xff).toString(16).padStart(2, '0'));
        for (let i = 3; i >= 0; i--) bytes.push(((low >>> (8 * i)) & 0xff).toString(16).padStart(2, '0'));
        return { kind: 'dsn', offset: o, low, high, serial: bytes.join('-') };
      }
      case EXT_CAP_ID.ARI: {
        const cap = u16(cfg, o + 4);
        return { kind: 'ari', offset: o, mfvc: !!(cap & 1), acs: !!(cap & 2), nextFunction: cap >> 8, control: u16(cfg, o + 6) };
      }
      case EXT_CAP_ID.SRIOV:
        return {
          kind: 'sriov', offset: o, capabilities: u32(cfg, o + 4), control: u16(cfg, o + 8), status: u16(cfg, o + 0xa),
          initialVFs: u16(cfg, o + 0xc), totalVFs: u16(cfg, o + 0xe), numVFs: u16(cfg, o + 0x10),
          functionDependencyLink: u8(cfg, o + 0x12), vfOffset: u16(cfg, o + 0x14), vfStride: u16(cfg, o + 0x16),
          vfDeviceId: u16(cfg, o + 0x1a), supportedPageSizes: u32(cfg, o + 0x1c), systemPageSize: u32(cfg, o + 0x20),
          vfBars: [0, 1, 2, 3, 4, 5].map((i) => u32(cfg, o + 0x24 + 4 * i)), migrationState: u32(cfg, o + 0x3c),
        };
    }
  }
  return { kind: 'other', offset: o, id: e.id, extended: e.extended, name: e.name };
}

function decodeMsi(cfg: Uint8Array, o: number): MsiCapView {
  const ctl = u16(cfg, o + 2);
  const is64 = !!(ctl & 0x80);
  const pvm = !!(ctl & 0x100);
  const layout: MsiCapView['layout'] = is64
    ? { address: o + 4, addressHi: o + 8, data: o + 0xc, ...(pvm ? { mask: o + 0x10, pending: o + 0x14 } : {}) }
    : { address: o + 4, data: o + 8, ...(pvm ? { mask: o + 0xc, pending: o + 0x10 } : {}) };
  const address = u32(cfg, layout.address) + (layout.addressHi !== undefined ? u32(cfg, layout.addressHi) * 2 ** 32 : 0);
  return {
    kind: 'msi', offset: o, enabled: !!(ctl & 1), is64Bit: is64, perVectorMasking: pvm,
    vectorsCapable: 1 << ((ctl >> 1) & 7), vectorsEnabled: 1 << ((ctl >> 4) & 7),
    address, data: u16(cfg, layout.data), layout,
    ...(layout.mask !== undefined ? { maskBits: u32(cfg, layout.mask), pendingBits: u32(cfg, layout.pending!) } : {}),
  };
}

/** Link speed code (PCI_EXP_LNKCAP_SLS_*) in GT/s. */
export const LINK_SPEED_GTS: Record<number, number> = { 1: 2.5, 2: 5, 3: 8, 4: 16, 5: 32, 6: 64 };

function decodePcie(cfg: Uint8Array, o: number): PcieView {
  const flags = u16(cfg, o + 2);
  const version = flags & 0xf;
  const devCap = u32(cfg, o + 4);
  const devCtl = u16(cfg, o + 8);
  const linkCap = u32(cfg, o + 0xc);
  const linkSta = u16(cfg, o + 0x12);
  const v: PcieView = {
    kind: 'pcie', offset: o, version, portType: (flags >> 4) & 0xf,
    devCap, devCtl, devSta: u16(cfg, o + 0xa), linkCap, linkCtl: u16(cfg, o + 0x10), linkSta,
    maxPayloadSupported: 128 << (devCap & 7), maxPayload: 128 << ((devCtl >> 5) & 7),
    maxReadRequest: 128 << ((devCtl >> 12) & 7), flr: !!(devCap & (1 << 28)),
    linkSpeedMax: LINK_SPEED_GTS[linkCap & 0xf] ?? 0, linkWidthMax: (linkCap >> 4) & 0x3f,
    linkSpeed: LINK_SPEED_GTS[linkSta & 0xf] ?? 0, linkWidth: (linkSta >> 4) & 0x3f,
  };
  if (version >= 2) {
    v.devCap2 = u32(cfg, o + 0x24); v.devCtl2 = u16(cfg, o + 0x28); v.devSta2 = u16(cfg, o + 0x2a);
    v.linkCap2 = u32(cfg, o + 0x2c); v.linkCtl2 = u16(cfg, o + 0x30); v.linkSta2 = u16(cfg, o + 0x32);
  }
  return v;
}

/** Walk and decode in one go. */
export function capabilityViews(cfg: Uint8Array): { views: CapabilityView[]; problems: string[] } {
  const w = walkCapabilities(cfg);
  return { views: w.capabilities.map((e) => decodeCapability(cfg, e)), problems: w.problems };
}

/**
 * Writable / write-1-to-clear bits each known capability adds to config space (used to build the
 * masks of a function). Offsets are absolute. Bit meanings from pci_regs.h as above.
 */
export function capabilityMasks(cfg: Uint8Array, e: CapabilityEntry): { offset: number; size: 1 | 2 | 4; wmask: number; w1cmask?: number }[] {
  const o = e.offset;
  if (!e.extended) {
    switch (e.id) {
      case CAP_ID.PM: // PMCSR: PowerState 1:0, PME_En 8 (rw); PME_Status 15 (rw1c)
        return [{ offset: o + 4, size: 2, wmask: 0x0103, w1cmask: 0x8000 }];
      case CAP_ID.MSI: {
        const m = decodeMsi(cfg, o);
        const r: { offset: number; size: 1 | 2 | 4; wmask: number }[] = [
          { offset: o + 2, size: 2, wmask: 0x0071 }, // Enable 0, Multiple Message Enable 6:4
          { offset: m.layout.address, size: 4, wmask: 0xfffffffc },
          { offset: m.layout.data, size: 2, wmask: 0xffff },
        ];
        if (m.layout.addressHi !== undefined) r.push({ offset: m.layout.addressHi, size: 4, wmask: 0xffffffff });
        if (m.layout.mask !== undefined) r.push({ offset: m.layout.mask, size: 4, wmask: (2 ** Math.min(32, m.vectorsCapable) - 1) >>> 0 });
        return r;
      }
      case CAP_ID.MSIX: // Function Mask 14, Enable 15
        return [{ offset: o + 2, size: 2, wmask: 0xc000 }];
      case CAP_ID.EXP: {
        const version = u16(cfg, o + 2) & 0xf;
        const r: { offset: number; size: 1 | 2 | 4; wmask: number; w1cmask?: number }[] = [
          { offset: o + 8, size: 2, wmask: 0xffff }, // DevCtl (bit 15 is Initiate FLR on endpoints)
          { offset: o + 0xa, size: 2, wmask: 0, w1cmask: 0x000f }, // DevSta error bits
          { offset: o + 0x10, size: 2, wmask: 0x0ffb },
        ];
        if (version >= 2) r.push({ offset: o + 0x28, size: 2, wmask: 0xffff }, { offset: o + 0x30, size: 2, wmask: 0xffff });
        return r;
      }
      case CAP_ID.VPD:
        return [{ offset: o + 2, size: 2, wmask: 0xffff }, { offset: o + 4, size: 4, wmask: 0xffffffff }];
    }
    return [];
  }
  switch (e.id) {
    case EXT_CAP_ID.ERR:
      return [
        { offset: o + 4, size: 4, wmask: 0, w1cmask: 0xffffffff },
        { offset: o + 8, size: 4, wmask: 0xffffffff },
        { offset: o + 0xc, size: 4, wmask: 0xffffffff },
        { offset: o + 0x10, size: 4, wmask: 0, w1cmask: 0xffffffff },
        { offset: o + 0x14, size: 4, wmask: 0xffffffff },
        { offset: o + 0x18, size: 4, wmask: 0x00000140 }, // ECRC generation / check enable
      ];
    case EXT_CAP_ID.ARI:
      return [{ offset: o + 6, size: 2, wmask: 0x0073 }];
    case EXT_CAP_ID.SRIOV:
      return [
        { offset: o + 8, size: 2, wmask: 0x001f }, // VF Enable, Migration, IRQ, VF MSE, ARI Hierarchy
        { offset: o + 0x10, size: 2, wmask: 0xffff }, // NumVFs
        { offset: o + 0x20, size: 4, wmask: 0xffffffff }, // System Page Size
      ];
  }
  return [];
}
