// Vital Product Data (PCI_CAP_ID_VPD, 0x03): names from Linux pci_regs.h PCI_VPD_*.
import { f, reg, type CapabilityDef } from './types';

export interface VpdView {
  kind: 'vpd';
  offset: number;
  readable: false;
}

export const vpdCap: CapabilityDef = {
  id: 0x03,
  extended: false,
  name: 'Vital Product Data',
  key: 'vpd',
  registers: () => [reg('ADDR', 2, 2, 'rw', [f('ADDR', 0, 14), f('F', 15)]), reg('DATA', 4, 4, 'rw')],
  // Ours: the model keeps the registers but no VPD contents behind them (lspci on a dump says "Not readable").
  summary: () => 'registers only, no VPD contents modelled',
  view: (_c, o): VpdView => ({ kind: 'vpd', offset: o, readable: false }),
};
