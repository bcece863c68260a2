// PCI Express (PCI_CAP_ID_EXP, 0x10): PCIe base spec §7.5.3; names from Linux pci_regs.h
// PCI_EXP_* (pciutils lib/header.h where Linux has none). Which registers exist depends on the
// capability's own version, port type and slot bit (as lspci's cap_express reads them).
import { f, reg, regm, u16, u32, type CapabilityDef, type RegisterDef } from './types';

export interface PcieView {
  kind: 'pcie';
  offset: number;
  version: number;
  portType: number;
  devCap: number;
  devCtl: number;
  devSta: number;
  linkCap: number;
  linkCtl: number;
  linkSta: number;
  devCap2?: number;
  devCtl2?: number;
  devSta2?: number;
  linkCap2?: number;
  linkCtl2?: number;
  linkSta2?: number;
  maxPayloadSupported: number;
  maxPayload: number;
  maxReadRequest: number;
  flr: boolean;
  linkSpeedMax: number;
  linkWidthMax: number;
  linkSpeed: number;
  linkWidth: number;
}

/** Link speed code (PCI_EXP_LNKCAP_SLS_*) in GT/s. */
export const LINK_SPEED_GTS: Record<number, number> = { 1: 2.5, 2: 5, 3: 8, 4: 16, 5: 32, 6: 64 };

export const EXP_TYPE_NAMES: Record<number, string> = {
  0x0: 'Endpoint',
  0x1: 'Legacy Endpoint',
  0x4: 'Root Port',
  0x5: 'Upstream Port',
  0x6: 'Downstream Port',
  0x7: 'PCI-Express to PCI/PCI-X Bridge',
  0x8: 'PCI/PCI-X to PCI-Express Bridge',
  0x9: 'Root Complex Integrated Endpoint',
  0xa: 'Root Complex Event Collector',
};

const SPEED: Record<number, string> = { 1: '2.5GT/s', 2: '5GT/s', 3: '8GT/s', 4: '16GT/s', 5: '32GT/s', 6: '64GT/s' };

export const expressCap: CapabilityDef = {
  id: 0x10,
  extended: false,
  name: 'Express',
  key: 'exp',
  registers: (c, at) => {
    const flags = u16(c, at + 2);
    const type = (flags >> 4) & 0xf;
    const slot = (flags & 0x100) !== 0 && (type === 4 || type === 6 || type === 8);
    const r: RegisterDef[] = [
      reg('FLAGS', 2, 2, 'ro', [f('VERS', 0, 3), f('TYPE', 4, 7), f('SLOT', 8), f('IRQ', 9, 13)]),
      reg('DEVCAP', 4, 4, 'ro', [
        f('PAYLOAD', 0, 2),
        f('PHANTOM', 3, 4),
        f('EXT_TAG', 5),
        f('L0S', 6, 8),
        f('L1', 9, 11),
        f('ATN_BUT', 12),
        f('ATN_IND', 13),
        f('PWR_IND', 14),
        f('RBER', 15),
        f('PWR_VAL', 18, 25),
        f('PWR_SCL', 26, 27),
        f('FLR', 28),
      ]),
      // Device Control is read-write (bit 15 is Initiate FLR on endpoints: function.ts acts on it).
      reg('DEVCTL', 8, 2, 'rw', [
        f('CERE', 0),
        f('NFERE', 1),
        f('FERE', 2),
        f('URRE', 3),
        f('RELAX_EN', 4),
        f('PAYLOAD', 5, 7),
        f('EXT_TAG', 8),
        f('PHANTOM', 9),
        f('AUX_PME', 10),
        f('NOSNOOP_EN', 11),
        f('READRQ', 12, 14),
        f('BCR_FLR', 15),
      ]),
      // The four error-detected bits are write-1-to-clear.
      regm('DEVSTA', 0xa, 2, 0, 0x000f, [f('CED', 0), f('NFED', 1), f('FED', 2), f('URD', 3), f('AUXPD', 4), f('TRPND', 5)]),
      reg('LNKCAP', 0xc, 4, 'ro', [
        f('SLS', 0, 3),
        f('MLW', 4, 9),
        f('ASPMS', 10, 11),
        f('L0SEL', 12, 14),
        f('L1EL', 15, 17),
        f('CLKPM', 18),
        f('SDERC', 19),
        f('DLLLARC', 20),
        f('LBNC', 21),
        f('PN', 24, 31),
      ]),
      // Link Control: all but the reserved bit 2 are read-write.
      regm('LNKCTL', 0x10, 2, 0x0ffb, 0, [
        f('ASPMC', 0, 1),
        f('RCB', 3),
        f('LD', 4),
        f('RL', 5),
        f('CCC', 6),
        f('ES', 7),
        f('CLKREQ_EN', 8),
        f('HAWD', 9),
        f('LBMIE', 10),
        f('LABIE', 11),
      ]),
      reg('LNKSTA', 0x12, 2, 'ro', [f('CLS', 0, 3), f('NLW', 4, 9), f('LT', 11), f('SLC', 12), f('DLLLA', 13), f('LBMS', 14), f('LABS', 15)]),
    ];
    if (slot) {
      r.push(
        reg('SLTCAP', 0x14, 4, 'ro', [
          f('ABP', 0),
          f('PCP', 1),
          f('MRLSP', 2),
          f('AIP', 3),
          f('PIP', 4),
          f('HPS', 5),
          f('HPC', 6),
          f('SPLV', 7, 14),
          f('SPLS', 15, 16),
          f('EIP', 17),
          f('NCCS', 18),
          f('PSN', 19, 31),
        ]),
        reg('SLTCTL', 0x18, 2, 'ro', [
          f('ABPE', 0),
          f('PFDE', 1),
          f('MRLSCE', 2),
          f('PDCE', 3),
          f('CCIE', 4),
          f('HPIE', 5),
          f('AIC', 6, 7),
          f('PIC', 8, 9),
          f('PCC', 10),
          f('EIC', 11),
          f('DLLSCE', 12),
        ]),
        reg('SLTSTA', 0x1a, 2, 'ro', [
          f('ABP', 0),
          f('PFD', 1),
          f('MRLSC', 2),
          f('PDC', 3),
          f('CC', 4),
          f('MRLSS', 5),
          f('PDS', 6),
          f('EIS', 7),
          f('DLLSC', 8),
        ]),
      );
    }
    if (type === 4 || type === 0xa) {
      r.push(
        reg('RTCTL', 0x1c, 2, 'ro', [f('SECEE', 0), f('SENFEE', 1), f('SEFEE', 2), f('PMEIE', 3), f('RRS_SVE', 4)]),
        reg('RTCAP', 0x1e, 2, 'ro', [f('RRS_SV', 0)]),
        reg('RTSTA', 0x20, 4, 'ro', [f('PME_RQ_ID', 0, 15), f('PME', 16), f('PENDING', 17)]),
      );
    }
    if ((flags & 0xf) >= 2) {
      r.push(
        reg('DEVCAP2', 0x24, 4, 'ro', [
          f('COMP_TMOUT_RANGES', 0, 3),
          f('COMP_TMOUT_DIS', 4),
          f('ARI', 5),
          f('ATOMIC_ROUTE', 6),
          f('ATOMIC_COMP32', 7),
          f('ATOMIC_COMP64', 8),
          f('ATOMIC_COMP128', 9),
          f('NROPRPRP', 10),
          f('LTR', 11),
          f('TPH_COMP', 12, 13),
          f('LN_CLS', 14, 15),
          f('10BIT_TAG_COMP', 16),
          f('10BIT_TAG_REQ', 17),
          f('OBFF', 18, 19),
          f('EXTFMT', 20),
          f('EE_PREFIX', 21),
          f('EE_PREFIX_MAX', 22, 23),
          f('EPR', 24, 25),
          f('EPR_INIT', 26),
          f('FRS', 31),
        ]),
        reg('DEVCTL2', 0x28, 2, 'rw', [
          f('COMP_TIMEOUT', 0, 3),
          f('COMP_TMOUT_DIS', 4),
          f('ARI', 5),
          f('ATOMIC_REQ', 6),
          f('ATOMIC_EGRESS_BLOCK', 7),
          f('IDO_REQ_EN', 8),
          f('IDO_CMP_EN', 9),
          f('LTR_EN', 10),
          f('EPR_REQ', 11),
          f('10BIT_TAG_REQ', 12),
          f('OBFF', 13, 14),
          f('EE_PREFIX_BLOCK', 15),
        ]),
        reg('DEVSTA2', 0x2a, 2),
        reg('LNKCAP2', 0x2c, 4, 'ro', [f('SLS', 1, 7), f('CROSSLINK', 8), f('RETIMER', 23), f('2RETIMERS', 24), f('DRS', 31)]),
        reg('LNKCTL2', 0x30, 2, 'rw', [
          f('TLS', 0, 3),
          f('ENTER_COMP', 4),
          f('HASD', 5),
          f('DEEMPHASIS', 6),
          f('TX_MARGIN', 7, 9),
          f('MOD_CMPLNC', 10),
          f('CMPLNC_SOS', 11),
          f('COM_DEEMPHASIS', 12, 15),
        ]),
        reg('LNKSTA2', 0x32, 2, 'ro', [
          f('DEEMPHASIS', 0),
          f('EQU_COMP', 1),
          f('EQU_PHASE1', 2),
          f('EQU_PHASE2', 3),
          f('EQU_PHASE3', 4),
          f('EQU_REQ', 5),
          f('RETIMER', 6),
          f('2RETIMERS', 7),
          f('CROSSLINK', 8, 9),
          f('COMPONENT', 12, 14),
          f('DRS_RCVD', 15),
        ]),
      );
    }
    return r;
  },
  summary: (c, at) => {
    const flags = u16(c, at + 2);
    const type = (flags >> 4) & 0xf;
    const devctl = u16(c, at + 8);
    const lnkcap = u32(c, at + 0xc);
    const lnksta = u16(c, at + 0x12);
    // Root Complex integrated endpoints and event collectors have no link; a VF's link registers read 0.
    const link =
      type === 9 || type === 0xa || !lnkcap
        ? ''
        : `, link x${(lnksta >> 4) & 0x3f} ${SPEED[lnksta & 0xf] ?? `speed ${lnksta & 0xf}`} (max x${(lnkcap >> 4) & 0x3f} ${SPEED[lnkcap & 0xf] ?? `speed ${lnkcap & 0xf}`})`;
    return `v${flags & 0xf} ${EXP_TYPE_NAMES[type] ?? `type ${type}`}, MaxPayload ${128 << ((devctl >> 5) & 7)}, MaxReadReq ${128 << ((devctl >> 12) & 7)}${link}`;
  },
  view: (c, o): PcieView => {
    const flags = u16(c, o + 2);
    const version = flags & 0xf;
    const devCap = u32(c, o + 4);
    const devCtl = u16(c, o + 8);
    const linkCap = u32(c, o + 0xc);
    const linkSta = u16(c, o + 0x12);
    const v: PcieView = {
      kind: 'pcie',
      offset: o,
      version,
      portType: (flags >> 4) & 0xf,
      devCap,
      devCtl,
      devSta: u16(c, o + 0xa),
      linkCap,
      linkCtl: u16(c, o + 0x10),
      linkSta,
      maxPayloadSupported: 128 << (devCap & 7),
      maxPayload: 128 << ((devCtl >> 5) & 7),
      maxReadRequest: 128 << ((devCtl >> 12) & 7),
      flr: !!(devCap & (1 << 28)),
      linkSpeedMax: LINK_SPEED_GTS[linkCap & 0xf] ?? 0,
      linkWidthMax: (linkCap >> 4) & 0x3f,
      linkSpeed: LINK_SPEED_GTS[linkSta & 0xf] ?? 0,
      linkWidth: (linkSta >> 4) & 0x3f,
    };
    if (version >= 2) {
      v.devCap2 = u32(c, o + 0x24);
      v.devCtl2 = u16(c, o + 0x28);
      v.devSta2 = u16(c, o + 0x2a);
      v.linkCap2 = u32(c, o + 0x2c);
      v.linkCtl2 = u16(c, o + 0x30);
      v.linkSta2 = u16(c, o + 0x32);
    }
    return v;
  },
};
