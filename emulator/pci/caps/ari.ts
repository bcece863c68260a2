// Alternative Routing-ID Interpretation (PCI_EXT_CAP_ID_ARI, 0x0e): PCIe base spec §7.8.7;
// names from Linux pci_regs.h PCI_ARI_*.
import { f, reg, regm, u16, type CapabilityDef } from './types';

export interface AriView {
  kind: 'ari';
  offset: number;
  mfvc: boolean;
  acs: boolean;
  nextFunction: number;
  control: number;
}

export const ariCap: CapabilityDef = {
  id: 0x0e,
  extended: true,
  name: 'Alternative Routing-ID Interpretation (ARI)',
  key: 'ari',
  registers: () => [
    reg('CAP', 4, 2, 'ro', [f('MFVC', 0), f('ACS', 1), f('NFN', 8, 15)]),
    // MFVC and ACS Function Groups Enable, Function Group.
    regm('CTRL', 6, 2, 0x0073, 0, [f('MFVC', 0), f('ACS', 1), f('FG', 4, 6)]),
  ],
  summary: (c, at) => {
    const cap = u16(c, at + 4);
    const ctl = u16(c, at + 6);
    return `next function ${cap >> 8}${(ctl >> 4) & 7 ? `, function group ${(ctl >> 4) & 7}` : ''}`;
  },
  view: (c, o): AriView => {
    const cap = u16(c, o + 4);
    return { kind: 'ari', offset: o, mfvc: !!(cap & 1), acs: !!(cap & 2), nextFunction: cap >> 8, control: u16(c, o + 6) };
  },
};
