// Every capability the tools know, one object each: the ones the emulator models in full
// (registers with masks, typed view, summary) and, for every other id lspci 3.9.0 decodes, an
// object with its lspci name whose summary and detail come from lspci's own lines. Names are
// lspci's (ls-caps.c / ls-ecaps.c); keys are pci_regs.h's PCI_CAP_ID_* / PCI_EXT_CAP_ID_* names
// (pciutils lib/header.h's where Linux has none).

import type { CapabilityDef, CfgBytes } from './types';
import { pmCap } from './pm';
import { msiCap } from './msi';
import { msixCap } from './msix';
import { vpdCap } from './vpd';
import { expressCap } from './express';
import { aerCap } from './aer';
import { dsnCap } from './dsn';
import { ariCap } from './ari';
import { sriovCap } from './sriov';
import { capabilityLinesOf, type OneCapOptions } from '../lspci/one-cap';

export type { CapabilityDef, RegisterDef, FieldDef, FieldAccess, CfgBytes } from './types';
export { accessOf, fieldMask, fieldValue } from './types';

const STD: Record<number, [string, string]> = {
  0x00: ['Null', 'null'],
  0x01: ['Power Management', 'pm'],
  0x02: ['AGP', 'agp'],
  0x03: ['Vital Product Data', 'vpd'],
  0x04: ['Slot ID', 'slotid'],
  0x05: ['MSI', 'msi'],
  0x06: ['CompactPCI hot-swap', 'chswp'],
  0x07: ['PCI-X', 'pcix'],
  0x08: ['HyperTransport', 'ht'],
  0x09: ['Vendor Specific Information', 'vndr'],
  0x0a: ['Debug port', 'dbg'],
  0x0b: ['CompactPCI central resource control', 'ccrc'],
  0x0c: ['Hot-plug capable', 'shpc'],
  0x0d: ['Subsystem', 'ssvid'],
  0x0e: ['AGP3', 'agp3'],
  0x0f: ['Secure device', 'secdev'],
  0x10: ['Express', 'exp'],
  0x11: ['MSI-X', 'msix'],
  0x12: ['SATA HBA', 'sata'],
  0x13: ['PCI Advanced Features', 'af'],
  0x14: ['Enhanced Allocation (EA)', 'ea'],
};

const EXT: Record<number, [string, string]> = {
  0x00: ['Null', 'null'],
  0x01: ['Advanced Error Reporting', 'err'],
  0x02: ['Virtual Channel', 'vc'],
  0x03: ['Device Serial Number', 'dsn'],
  0x04: ['Power Budgeting', 'pwr'],
  0x05: ['Root Complex Link', 'rcld'],
  0x06: ['Root Complex Internal Link', 'rcilc'],
  0x07: ['Root Complex Event Collector Endpoint Association', 'rcec'],
  0x08: ['Multi-Function Virtual Channel', 'mfvc'],
  0x09: ['Virtual Channel', 'vc9'],
  0x0a: ['Root Complex Register Block', 'rcrb'],
  0x0b: ['Vendor Specific Information', 'vndr'],
  0x0d: ['Access Control Services', 'acs'],
  0x0e: ['Alternative Routing-ID Interpretation (ARI)', 'ari'],
  0x0f: ['Address Translation Service (ATS)', 'ats'],
  0x10: ['Single Root I/O Virtualization (SR-IOV)', 'sriov'],
  0x11: ['Multi-Root I/O Virtualization', 'mriov'],
  0x12: ['Multicast', 'mcast'],
  0x13: ['Page Request Interface (PRI)', 'pri'],
  0x15: ['Physical Resizable BAR', 'rebar'],
  0x16: ['Dynamic Power Allocation', 'dpa'],
  0x17: ['Transaction Processing Hints', 'tph'],
  0x18: ['Latency Tolerance Reporting', 'ltr'],
  0x19: ['Secondary PCI Express', 'secpci'],
  0x1a: ['Protocol Multiplexing', 'pmux'],
  0x1b: ['Process Address Space ID (PASID)', 'pasid'],
  0x1c: ['LN Requester', 'lnr'],
  0x1d: ['Downstream Port Containment', 'dpc'],
  0x1e: ['L1 PM Substates', 'l1ss'],
  0x1f: ['Precision Time Measurement', 'ptm'],
  0x20: ['PCI Express over M_PHY', 'm_pcie'],
  0x21: ['FRS Queueing', 'frs'],
  0x22: ['Readiness Time Reporting', 'rtr'],
  0x23: ['Designated Vendor-Specific', 'dvsec'],
  0x24: ['Virtual Resizable BAR', 'vf_rebar'],
  0x25: ['Data Link Feature', 'dlf'],
  0x26: ['Physical Layer 16.0 GT/s', 'pl_16gt'],
  0x27: ['Lane Margining at the Receiver', 'lmr'],
  0x28: ['Hierarchy ID', 'hier_id'],
  0x29: ['Native PCIe Enclosure Management', 'npem'],
  0x2e: ['Data Object Exchange', 'doe'],
};

const MODELLED: CapabilityDef[] = [pmCap, msiCap, msixCap, vpdCap, expressCap, aerCap, dsnCap, ariCap, sriovCap];

/** One detail-free line from lspci's own output for a capability we do not model register by register. */
function lspciSummary(name: string, lines: string[]): string {
  const title = (lines[0] ?? '').replace(/^\tCapabilities: \[[^\]]*\] /, '');
  let rest = title.startsWith(name) ? title.slice(name.length) : title;
  rest = rest.replace(/^[:,]?\s*/, '').trim();
  if (rest && rest !== '<?>') return rest;
  const detail = lines[1]?.trim().replace(/\t/g, ' ');
  if (detail) return detail;
  return rest === '<?>' ? 'present (lspci does not decode its registers)' : 'present';
}

function generic(id: number, extended: boolean): CapabilityDef {
  const known = (extended ? EXT : STD)[id];
  const name = known?.[0] ?? (extended ? `Extended Capability ID 0x${id.toString(16)}` : `Capability ID 0x${id.toString(16)}`);
  return {
    id,
    extended,
    name,
    key: known?.[1] ?? `${extended ? 'ext_' : ''}id_${id.toString(16)}`,
    registers: () => [],
    summary: (cfg, at) => lspciSummary(name, lspciLines(cfg, at, extended)),
  };
}

const byKey = new Map<string, CapabilityDef>();
for (const d of MODELLED) byKey.set(`${d.extended ? 'x' : 's'}${d.id}`, d);

/** The object for a capability id (standard, or extended with `extended`). */
export function capabilityDef(id: number, extended: boolean): CapabilityDef {
  const k = `${extended ? 'x' : 's'}${id}`;
  let d = byKey.get(k);
  if (!d) byKey.set(k, (d = generic(id, extended)));
  return d;
}

/**
 * lspci -vvv's lines for the capability at `at`: "\tCapabilities: [xx] …" and its detail lines, as
 * lspci prints them for the function `opts` describes (its number, names and BAR sizes).
 */
export function lspciLines(cfg: CfgBytes, at: number, extended: boolean, opts: OneCapOptions = {}): string[] {
  return lspciLinesOf(cfg, opts)(at, extended);
}

/** lspciLines for any capability of one function's config space, which is decoded once, when first asked. */
export function lspciLinesOf(cfg: CfgBytes, opts: OneCapOptions = {}): (at: number, extended: boolean) => string[] {
  const bytes = cfg instanceof Uint8Array ? cfg : Uint8Array.from({ length: cfg.length }, (_, i) => cfg[i]!);
  return capabilityLinesOf(bytes, opts);
}
