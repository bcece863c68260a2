// Single Root I/O Virtualization (PCI_EXT_CAP_ID_SRIOV, 0x10): SR-IOV spec 1.1 §3.3; names
// from Linux pci_regs.h PCI_SRIOV_*.
import { f, reg, regm, u16, u32, u8, type CapabilityDef, type RegisterDef } from './types';

export interface SriovView {
  kind: 'sriov';
  offset: number;
  capabilities: number;
  control: number;
  status: number;
  initialVFs: number;
  totalVFs: number;
  numVFs: number;
  functionDependencyLink: number;
  vfOffset: number;
  vfStride: number;
  vfDeviceId: number;
  supportedPageSizes: number;
  systemPageSize: number;
  vfBars: number[];
  migrationState: number;
}

export const sriovCap: CapabilityDef = {
  id: 0x10,
  extended: true,
  name: 'Single Root I/O Virtualization (SR-IOV)',
  key: 'sriov',
  registers: () => {
    const r: RegisterDef[] = [
      reg('CAP', 0x04, 4, 'ro', [f('VFM', 0), f('VF_10BIT_TAG_REQ', 2), f('INTR', 21, 31)]),
      // VF Enable, VF Migration Enable and Interrupt, VF MSE, ARI Capable Hierarchy.
      regm('CTRL', 0x08, 2, 0x001f, 0, [f('VFE', 0), f('VFM', 1), f('INTR', 2), f('MSE', 3), f('ARI', 4)]),
      reg('STATUS', 0x0a, 2, 'ro', [f('VFM', 0)]),
      reg('INITIAL_VF', 0x0c, 2),
      reg('TOTAL_VF', 0x0e, 2),
      reg('NUM_VF', 0x10, 2, 'rw'),
      reg('FUNC_LINK', 0x12, 1),
      reg('VF_OFFSET', 0x14, 2),
      reg('VF_STRIDE', 0x16, 2),
      reg('VF_DID', 0x1a, 2),
      reg('SUP_PGSIZE', 0x1c, 4),
      reg('SYS_PGSIZE', 0x20, 4, 'rw'),
    ];
    for (let i = 0; i < 6; i++) r.push(reg(`BAR${i}`, 0x24 + 4 * i, 4));
    r.push(reg('VFM', 0x3c, 4, 'ro', [f('BIR', 0, 2), f('OFFSET', 3, 31)]));
    return r;
  },
  summary: (c, at) => {
    const ctl = u16(c, at + 8);
    return `${u16(c, at + 0xe)} VFs (device ${u16(c, at + 0x1a)
      .toString(16)
      .padStart(4, '0')}), ${ctl & 1 ? `${u16(c, at + 0x10)} enabled` : 'VFs disabled'}`;
  },
  view: (c, o): SriovView => ({
    kind: 'sriov',
    offset: o,
    capabilities: u32(c, o + 4),
    control: u16(c, o + 8),
    status: u16(c, o + 0xa),
    initialVFs: u16(c, o + 0xc),
    totalVFs: u16(c, o + 0xe),
    numVFs: u16(c, o + 0x10),
    functionDependencyLink: u8(c, o + 0x12),
    vfOffset: u16(c, o + 0x14),
    vfStride: u16(c, o + 0x16),
    vfDeviceId: u16(c, o + 0x1a),
    supportedPageSizes: u32(c, o + 0x1c),
    systemPageSize: u32(c, o + 0x20),
    vfBars: [0, 1, 2, 3, 4, 5].map((i) => u32(c, o + 0x24 + 4 * i)),
    migrationState: u32(c, o + 0x3c),
  }),
};
