// MSI-X (PCI_CAP_ID_MSIX, 0x11): PCI Local Bus spec 3.0 §6.8.2; names from Linux pci_regs.h
// PCI_MSIX_*. The table and PBA live in a BAR (function.ts models them).
import { f, reg, regm, u16, u32, type CapabilityDef } from './types';

export interface MsixCapView {
  kind: 'msix';
  offset: number;
  tableSize: number;
  enabled: boolean;
  functionMask: boolean;
  tableBir: number;
  tableOffset: number;
  pbaBir: number;
  pbaOffset: number;
}

export const msixCap: CapabilityDef = {
  id: 0x11,
  extended: false,
  name: 'MSI-X',
  key: 'msix',
  registers: () => [
    // Function Mask and MSI-X Enable are written by software; the table size is read-only.
    regm('FLAGS', 2, 2, 0xc000, 0, [f('QSIZE', 0, 10), f('MASKALL', 14), f('ENABLE', 15)]),
    reg('TABLE', 4, 4, 'ro', [f('BIR', 0, 2), f('OFFSET', 3, 31)]),
    reg('PBA', 8, 4, 'ro', [f('BIR', 0, 2), f('OFFSET', 3, 31)]),
  ],
  summary: (c, at) => {
    const fl = u16(c, at + 2);
    const t = u32(c, at + 4);
    const p = u32(c, at + 8);
    return `${fl & 0x8000 ? 'enabled' : 'disabled'}${fl & 0x4000 ? ', all masked' : ''}, ${(fl & 0x7ff) + 1} vectors, table BAR${t & 7}+0x${((t & ~7) >>> 0).toString(16)}, PBA BAR${p & 7}+0x${((p & ~7) >>> 0).toString(16)}`;
  },
  // Disabled and not masked.
  powerOnClear: [[2, 2, 0xc000]],
  view: (c, o): MsixCapView => {
    const ctl = u16(c, o + 2);
    const t = u32(c, o + 4);
    const p = u32(c, o + 8);
    return {
      kind: 'msix',
      offset: o,
      tableSize: (ctl & 0x7ff) + 1,
      functionMask: !!(ctl & 0x4000),
      enabled: !!(ctl & 0x8000),
      tableBir: t & 7,
      tableOffset: (t & ~7) >>> 0,
      pbaBir: p & 7,
      pbaOffset: (p & ~7) >>> 0,
    };
  },
};
