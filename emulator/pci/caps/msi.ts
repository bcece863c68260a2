// MSI (PCI_CAP_ID_MSI, 0x05): PCI Local Bus spec 3.0 §6.8.1; names from Linux pci_regs.h
// PCI_MSI_*. The layout depends on the capability's own 64-bit and per-vector-masking bits.
import { f, reg, regm, u16, u32, type CapabilityDef, type CfgBytes, type RegisterDef } from './types';
import { counted } from '../../format';

export interface MsiLayout {
  address: number;
  addressHi?: number;
  data: number;
  mask?: number;
  pending?: number;
}

/** Config offsets (absolute) of an MSI capability's registers. */
export function msiLayout(c: CfgBytes, at: number): MsiLayout {
  const flags = u16(c, at + 2);
  const is64 = (flags & 0x80) !== 0;
  const pvm = (flags & 0x100) !== 0;
  return is64
    ? { address: at + 4, addressHi: at + 8, data: at + 0xc, ...(pvm ? { mask: at + 0x10, pending: at + 0x14 } : {}) }
    : { address: at + 4, data: at + 8, ...(pvm ? { mask: at + 0xc, pending: at + 0x10 } : {}) };
}

export interface MsiCapView {
  kind: 'msi';
  offset: number;
  enabled: boolean;
  is64Bit: boolean;
  perVectorMasking: boolean;
  vectorsCapable: number;
  vectorsEnabled: number;
  address: number;
  data: number;
  maskBits?: number;
  pendingBits?: number;
  /** Config offsets of the fields (for writers). */
  layout: MsiLayout;
}

export const msiCap: CapabilityDef = {
  id: 0x05,
  extended: false,
  name: 'MSI',
  key: 'msi',
  registers: (c, at) => {
    const l = msiLayout(c, at);
    const capable = 1 << ((u16(c, at + 2) >> 1) & 7);
    const r: RegisterDef[] = [
      // Enable and Multiple Message Enable are written by software.
      regm('FLAGS', 2, 2, 0x0071, 0, [f('ENABLE', 0), f('QMASK', 1, 3), f('QSIZE', 4, 6), f('64BIT', 7), f('MASKBIT', 8)]),
      regm('ADDRESS_LO', 4, 4, 0xfffffffc, 0, [f('ADDRESS', 2, 31)]),
    ];
    if (l.addressHi !== undefined) r.push(reg('ADDRESS_HI', 8, 4, 'rw'));
    r.push(reg(l.addressHi !== undefined ? 'DATA_64' : 'DATA_32', l.data - at, 2, 'rw'));
    if (l.mask !== undefined) {
      // One mask bit per vector the function can request.
      r.push(regm(l.addressHi !== undefined ? 'MASK_64' : 'MASK_32', l.mask - at, 4, (2 ** Math.min(32, capable) - 1) >>> 0, 0, []));
      r.push(reg(l.addressHi !== undefined ? 'PENDING_64' : 'PENDING_32', l.pending! - at, 4));
    }
    return r;
  },
  summary: (c, at) => {
    const fl = u16(c, at + 2);
    const l = msiLayout(c, at);
    const capable = 1 << ((fl >> 1) & 7);
    const enabled = 1 << ((fl >> 4) & 7);
    const addr = (l.addressHi !== undefined ? u32(c, l.addressHi).toString(16).padStart(8, '0') : '') + u32(c, l.address).toString(16).padStart(8, '0');
    return `${fl & 1 ? `enabled, ${enabled}/${capable} ${capable === 1 ? 'vector' : 'vectors'}, address 0x${addr.replace(/^0+(?=.)/, '')} data 0x${u16(c, l.data).toString(16).padStart(4, '0')}` : `disabled, ${counted(capable, 'vector')} capable`}${fl & 0x80 ? ', 64-bit' : ''}${fl & 0x100 ? ', per-vector masking' : ''}`;
  },
  // Disabled, one vector enabled.
  powerOnClear: [[2, 2, 0x0071]],
  view: (c, o): MsiCapView => {
    const ctl = u16(c, o + 2);
    const layout = msiLayout(c, o);
    const address = u32(c, layout.address) + (layout.addressHi !== undefined ? u32(c, layout.addressHi) * 2 ** 32 : 0);
    return {
      kind: 'msi',
      offset: o,
      enabled: !!(ctl & 1),
      is64Bit: !!(ctl & 0x80),
      perVectorMasking: !!(ctl & 0x100),
      vectorsCapable: 1 << ((ctl >> 1) & 7),
      vectorsEnabled: 1 << ((ctl >> 4) & 7),
      address,
      data: u16(c, layout.data),
      layout,
      ...(layout.mask !== undefined ? { maskBits: u32(c, layout.mask), pendingBits: u32(c, layout.pending!) } : {}),
    };
  },
};
