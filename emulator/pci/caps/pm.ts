// Power Management (PCI_CAP_ID_PM, 0x01): PCI Bus Power Management Interface spec 1.2;
// register names from Linux pci_regs.h PCI_PM_*.
import { f, flags, reg, regm, u16, u8, type CapabilityDef } from './types';

export interface PmView {
  kind: 'pm';
  offset: number;
  version: number;
  d1: boolean;
  d2: boolean;
  pmeSupport: number;
  auxCurrent: number;
  powerState: number;
  noSoftReset: boolean;
  pmeEnable: boolean;
  pmeStatus: boolean;
}

export const pmCap: CapabilityDef = {
  id: 0x01,
  extended: false,
  name: 'Power Management',
  key: 'pm',
  registers: () => [
    reg('PMC', 2, 2, 'ro', [f('VER', 0, 2), f('PME_CLOCK', 3), f('DSI', 5), f('AUX_POWER', 6, 8), f('D1', 9), f('D2', 10), f('PME', 11, 15)]),
    // PowerState and PME_En are read-write, PME_Status is write-1-to-clear (as before this
    // table existed: QEMU's pci_pm_init gives the same masks).
    regm('CTRL', 4, 2, 0x0103, 0x8000, [
      f('STATE', 0, 1),
      f('NO_SOFT_RESET', 3),
      f('PME_ENABLE', 8),
      f('DATA_SEL', 9, 12),
      f('DATA_SCALE', 13, 14),
      f('PME_STATUS', 15),
    ]),
    reg('PPB_EXTENSIONS', 6, 1, 'ro', flags('', '', '', '', '', '', 'B2_B3', 'BPCC_ENABLE')),
    reg('DATA_REGISTER', 7, 1),
  ],
  summary: (c, at) => {
    const ctrl = u16(c, at + 4);
    const ppb = u8(c, at + 6);
    return `version ${u16(c, at + 2) & 7}, D${ctrl & 3}${ctrl & 0x100 ? ', PME enabled' : ''}${ctrl & 0x8000 ? ', PME asserted' : ''}${ppb ? `, bridge B${ppb & 0x40 ? 2 : 3} in D3hot` : ''}`;
  },
  // D0, PME_En off (PowerState and PME_En come out of reset cleared).
  powerOnClear: [[4, 2, 0x0103]],
  view: (c, o): PmView => {
    const pmc = u16(c, o + 2);
    const csr = u16(c, o + 4);
    return {
      kind: 'pm',
      offset: o,
      version: pmc & 7,
      auxCurrent: (pmc >> 6) & 7,
      d1: !!(pmc & 0x200),
      d2: !!(pmc & 0x400),
      pmeSupport: pmc >> 11,
      powerState: csr & 3,
      noSoftReset: !!(csr & 8),
      pmeEnable: !!(csr & 0x100),
      pmeStatus: !!(csr & 0x8000),
    };
  },
};
