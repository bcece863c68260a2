// Capability lists: the standard list from CAPABILITY_LIST (0x34; a CardBus bridge's at 0x14) and
// the PCIe extended list at 0x100, walked defensively; each capability found is described by its
// object in caps/ (name, registers with masks, typed view, summary). The walk's guards mirror Linux
// drivers/pci/pci.c __pci_find_next_cap_ttl (pointer & ~3, below 0x40 ends the list, at most 48
// hops), and where the list starts __pci_bus_find_cap_start (torvalds/linux v6.6): 0x34 for header
// types 0 and 1, PCI_CB_CAPABILITY_LIST for type 2, none for another; FreeBSD sys/dev/pci/pci.c
// pci_find_cap_method (releng/14.0) and lspci 3.9.0 (lspci.c show_htype0/1/2, show_htype_unknown:
// no list) read it the same way.

import { CAPABILITIES_PTR, CB_CAPABILITIES_PTR, EXT_CAP_START, HEADER_TYPE, STATUS, STATUS_CAP_LIST } from './registers';
import { capabilityDef } from './caps/index';
import type { PmView } from './caps/pm';
import type { MsiCapView } from './caps/msi';
import type { MsixCapView } from './caps/msix';
import type { VpdView } from './caps/vpd';
import type { PcieView } from './caps/express';
import type { AerView } from './caps/aer';
import type { DsnView } from './caps/dsn';
import type { AriView } from './caps/ari';
import type { SriovView } from './caps/sriov';

export type { PmView, MsiCapView, MsixCapView, VpdView, PcieView, AerView, DsnView, AriView, SriovView };
export { LINK_SPEED_GTS } from './caps/express';

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
  const layout = u8(cfg, HEADER_TYPE) & 0x7f;
  const ptrReg = layout === 2 ? CB_CAPABILITIES_PTR : CAPABILITIES_PTR;
  if (u16(cfg, STATUS) & STATUS_CAP_LIST && layout > 2) problems.push(`header type ${layout} has no capability pointer; the standard list is not read`);
  else if (u16(cfg, STATUS) & STATUS_CAP_LIST) {
    const seen = new Set<number>();
    let ptr = u8(cfg, ptrReg);
    let hops = 0;
    let from = layout === 2 ? `the CardBus capability pointer (${hex(ptrReg)})` : `CAPABILITIES_PTR (${hex(ptrReg)})`;
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
      capabilities.push({ id, offset: ptr, extended: false, name: capabilityDef(id, false).name });
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
        id,
        offset: off,
        extended: true,
        version: (header >>> 16) & 0xf,
        name: capabilityDef(id, true).name,
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

export interface OtherCapView {
  kind: 'other';
  offset: number;
  id: number;
  extended: boolean;
  name: string;
}

export type CapabilityView = PmView | MsiCapView | MsixCapView | PcieView | VpdView | AerView | DsnView | AriView | SriovView | OtherCapView;

/** The typed view of a capability the emulator models; 'other' for the rest. */
export function decodeCapability(cfg: Uint8Array, e: CapabilityEntry): CapabilityView {
  const def = capabilityDef(e.id, e.extended);
  const v = def.view?.(cfg, e.offset);
  return (v as CapabilityView | undefined) ?? { kind: 'other', offset: e.offset, id: e.id, extended: e.extended, name: e.name };
}

/** Walk and decode in one go. */
export function capabilityViews(cfg: Uint8Array): { views: CapabilityView[]; problems: string[] } {
  const w = walkCapabilities(cfg);
  return { views: w.capabilities.map((e) => decodeCapability(cfg, e)), problems: w.problems };
}

/**
 * Writable / write-1-to-clear bits a capability adds to config space (used to build the masks of
 * a function): its registers' masks, at absolute offsets.
 */
export function capabilityMasks(cfg: Uint8Array, e: CapabilityEntry): { offset: number; size: 1 | 2 | 4; wmask: number; w1cmask?: number }[] {
  return capabilityDef(e.id, e.extended)
    .registers(cfg, e.offset)
    .filter((r) => r.wmask || r.w1cmask)
    .map((r) => ({ offset: e.offset + r.offset, size: r.size, wmask: r.wmask, ...(r.w1cmask ? { w1cmask: r.w1cmask } : {}) }));
}
