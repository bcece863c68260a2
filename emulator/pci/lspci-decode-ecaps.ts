// Detail lines lspci -vvv prints under extended capabilities: Advanced Error Reporting,
// Virtual Channel, Latency Tolerance Reporting, L1 PM Substates, Secondary PCI Express.
// Wording, order and conditions follow pciutils 3.9.0 ls-ecaps.c (cap_aer, cap_vc, cap_ltr,
// cap_l1pm, cap_sec in github.com/pciutils/pciutils); register layouts follow Linux
// include/uapi/linux/pci_regs.h (PCI_ERR_*, PCI_VC_*, PCI_LTR_*, PCI_L1SS_*, PCI_EXP_LNKCTL3).
// The code is ours; tests compare it with the installed lspci 3.9.0.

import { bitFlags, bits, Cfg, hex, pm } from './lspci-decode-util';
import { EXP_TYPE } from './lspci-decode-pcie';

// PCI_ERR_UNC_* (uncorrectable status/mask/severity bits) in lspci's order.
const UNC: [number, string][] = [
  [0x10, 'DLP'], [0x20, 'SDES'], [0x1000, 'TLP'], [0x2000, 'FCP'], [0x4000, 'CmpltTO'], [0x8000, 'CmpltAbrt'],
  [0x10000, 'UnxCmplt'], [0x20000, 'RxOF'], [0x40000, 'MalfTLP'], [0x80000, 'ECRC'], [0x100000, 'UnsupReq'], [0x200000, 'ACSViol'],
];
// PCI_ERR_COR_* (correctable status/mask bits).
const COR: [number, string][] = [[0x1, 'RxErr'], [0x40, 'BadTLP'], [0x80, 'BadDLLP'], [0x100, 'Rollover'], [0x1000, 'Timeout'], [0x2000, 'AdvNonFatalErr']];

/** Advanced Error Reporting; `type` is the Express port type (-1 without an Express capability). */
export function capAer(c: Cfg, where: number, type: number): string[] {
  if (!c.has(where + 4, 40)) return [];
  const out = [
    `\t\tUESta:\t${bitFlags(c.l(where + 0x04), UNC)}`,
    `\t\tUEMsk:\t${bitFlags(c.l(where + 0x08), UNC)}`,
    `\t\tUESvrt:\t${bitFlags(c.l(where + 0x0c), UNC)}`,
    `\t\tCESta:\t${bitFlags(c.l(where + 0x10), COR)}`,
    `\t\tCEMsk:\t${bitFlags(c.l(where + 0x14), COR)}`,
  ];
  const cap = c.l(where + 0x18);
  out.push(
    `\t\tAERCap:\tFirst Error Pointer: ${hex(cap & 0x1f, 2)}, ` +
      bitFlags(cap, [[0x20, 'ECRCGenCap'], [0x40, 'ECRCGenEn'], [0x80, 'ECRCChkCap'], [0x100, 'ECRCChkEn']]),
    `\t\t\t${bitFlags(cap, [[0x200, 'MultHdrRecCap'], [0x400, 'MultHdrRecEn'], [0x800, 'TLPPfxPres'], [0x1000, 'HdrLogCap']])}`,
    `\t\tHeaderLog: ${[0, 4, 8, 12].map((o) => hex(c.l(where + 0x1c + o), 8)).join(' ')}`,
  );
  if ((type === EXP_TYPE.ROOT_PORT || type === EXP_TYPE.ROOT_EC) && c.has(where + 0x2c, 12)) {
    const cmd = c.l(where + 0x2c);
    const sta = c.l(where + 0x30);
    out.push(
      `\t\tRootCmd: ${bitFlags(cmd, [[1, 'CERptEn'], [2, 'NFERptEn'], [4, 'FERptEn']])}`,
      `\t\tRootSta: ${bitFlags(sta, [[1, 'CERcvd'], [2, 'MultCERcvd'], [4, 'UERcvd'], [8, 'MultUERcvd']])}`,
      `\t\t\t ${bitFlags(sta, [[0x10, 'FirstFatal'], [0x20, 'NonFatalMsg'], [0x40, 'FatalMsg']])} IntMsg ${sta >>> 27}`,
      `\t\tErrorSrc: ERR_COR: ${hex(c.w(where + 0x34), 4)} ERR_FATAL/NONFATAL: ${hex(c.w(where + 0x36), 4)}`,
    );
  }
  return out;
}

/** lspci's TABLE(): the name, or "??N" past the end of the table. */
const table = (names: string[], i: number): string => names[i] ?? `??${i}`;
const PORT_ARB = ['Fixed', 'WRR32', 'WRR64', 'WRR128', '??4', '??5', '??6', '??7'];
const VC_ARB = ['Fixed', 'WRR32', 'WRR64', 'WRR128', 'TWRR128', 'WRR256', '??6', '??7'];

function arbList(v: number, names: string[]): string {
  let s = '';
  names.forEach((n, i) => {
    if (n[0] !== '?' || v & (1 << i)) s += `${i ? ' ' : '\t'}${n}${pm(v & (1 << i))}`;
  });
  return s;
}

/** Virtual Channel (ids 0x02 and 0x09). */
export function capVc(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 0x1c - 4)) return [];
  const cr1 = c.l(where + 4);
  const cr2 = c.l(where + 8);
  const ctrl = c.w(where + 0x0c);
  const status = c.w(where + 0x0e);
  const out = [
    `\t\tCaps:\tLPEVC=${bits(cr1, 4, 3)} RefClk=${table(['100ns'], bits(cr1, 8, 2))} PATEntryBits=${1 << bits(cr1, 10, 2)}`,
    `\t\tArb:${arbList(cr2, PORT_ARB)}`,
    `\t\tCtrl:\tArbSelect=${table(PORT_ARB, bits(ctrl, 1, 3))}`,
    `\t\tStatus:\tInProgress${pm(status & 1)}`,
  ];
  const pat = bits(cr2, 24, 8);
  if (pat) out.push(`\t\tPort Arbitration Table [${(where + 16 * pat).toString(16)}] <?>`);
  for (let i = 0; i <= bits(cr1, 0, 3); i++) {
    const pos = where + 0x10 + 12 * i;
    if (!c.has(pos, 12)) {
      out.push(`\t\tVC${i}:\t<unreadable>`);
      continue;
    }
    const rcap = c.l(pos);
    const rctrl = c.l(pos + 4);
    const rsta = c.w(pos + 10);
    const patPos = bits(rcap, 24, 8);
    out.push(
      `\t\tVC${i}:\tCaps:\tPATOffset=${hex(patPos, 2)} MaxTimeSlots=${bits(rcap, 16, 7) + 1} RejSnoopTrans${pm(rcap & 0x8000)}`,
      `\t\t\tArb:${arbList(rcap, VC_ARB)}`,
      `\t\t\tCtrl:\tEnable${pm(rctrl & 0x80000000)} ID=${bits(rctrl, 24, 3)} ArbSelect=${table(VC_ARB, bits(rctrl, 17, 3))} TC/VC=${hex(rctrl & 0xff, 2)}`,
      `\t\t\tStatus:\tNegoPending${pm(rsta & 2)} InProgress${pm(rsta & 1)}`,
    );
    if (patPos) out.push('\t\t\tPort Arbitration Table <?>');
  }
  return out;
}

/** LTR latency scale: 1, 32, 1024 … ns; C's 32-bit shift wraps past 31 like JS's. */
const ltrScale = (scale: number): number => (1 << ((scale * 5) & 31)) >>> 0;

/** Latency Tolerance Reporting. */
export function capLtr(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 4)) return [];
  const lat = (w: number): number => (w & 0x3ff) * ltrScale((w >> 10) & 7);
  return [`\t\tMax snoop latency: ${lat(c.w(where + 4))}ns`, `\t\tMax no snoop latency: ${lat(c.w(where + 6))}ns`];
}

/** L1 PM Substates: T_PowerOn in microseconds, or null for a reserved scale. */
function powerOn(scale: number, value: number): number | null {
  return scale === 0 ? 2 * value : scale === 1 ? 10 * value : scale === 2 ? 100 * value : null;
}

export function capL1pm(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 12)) return ['\t\t<unreadable>'];
  const cap = c.l(where + 4);
  const l12 = (cap & 1) !== 0 || (cap & 4) !== 0;
  const out = [`\t\tL1SubCap: ${bitFlags(cap, [[1, 'PCI-PM_L1.2'], [2, 'PCI-PM_L1.1'], [4, 'ASPM_L1.2'], [8, 'ASPM_L1.1'], [0x10, 'L1_PM_Substates']])}`];
  if (l12) {
    const t = powerOn(bits(cap, 16, 2), bits(cap, 19, 5));
    out.push(`\t\t\t  PortCommonModeRestoreTime=${bits(cap, 8, 8)}us PortTPowerOnTime=${t === null ? '<error>' : `${t}us`}`);
  }
  const ctl1 = c.l(where + 8);
  out.push(`\t\tL1SubCtl1: ${bitFlags(ctl1, [[1, 'PCI-PM_L1.2'], [2, 'PCI-PM_L1.1'], [4, 'ASPM_L1.2'], [8, 'ASPM_L1.1']])}`);
  if (l12) {
    let s = `\t\t\t   T_CommonMode=${bits(ctl1, 8, 8)}us`;
    if (cap & 4) {
      const scale = bits(ctl1, 29, 3);
      s += scale > 5 ? ' LTR1.2_Threshold=<error>' : ` LTR1.2_Threshold=${bits(ctl1, 16, 10) * ltrScale(scale)}ns`;
    }
    out.push(s);
  }
  const ctl2 = c.l(where + 0x0c);
  let s = '\t\tL1SubCtl2:';
  if (l12) {
    const t = powerOn(bits(ctl2, 0, 2), bits(ctl2, 3, 5));
    s += t === null ? ' T_PwrOn=<error>' : ` T_PwrOn=${t}us`;
  }
  out.push(s);
  return out;
}

/** Secondary PCI Express: Link Control 3 and the Lane Error Status bits. */
export function capSecondaryPcie(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 12)) return [];
  const ctl3 = c.w(where + 4);
  let errs = c.w(where + 8);
  let s = '\t\tLaneErrStat: ';
  if (errs) {
    s += 'LaneErr at lane:';
    for (let lane = 0; errs; errs >>= 1, lane++) if (errs & 1) s += ` ${lane}`;
  } else s += '0';
  return [`\t\tLnkCtl3: LnkEquIntrruptEn${pm(ctl3 & 2)} PerformEqu${pm(ctl3 & 1)}`, s];
}

/** Access Control Services: capability and control words, same bit order. */
export function capAcs(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 4)) return [];
  const names: [number, string][] = [
    [1, 'SrcValid'], [2, 'TransBlk'], [4, 'ReqRedir'], [8, 'CmpltRedir'], [0x10, 'UpstreamFwd'], [0x20, 'EgressCtrl'], [0x40, 'DirectTrans'],
  ];
  return [`\t\tACSCap:\t${bitFlags(c.w(where + 4), names)}`, `\t\tACSCtl:\t${bitFlags(c.w(where + 6), names)}`];
}

/** Address Translation Service. */
export function capAts(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 4)) return [];
  const cap = c.w(where + 4);
  const ctl = c.w(where + 6);
  return [`\t\tATSCap:\tInvalidate Queue Depth: ${hex(cap & 0x1f, 2)}`, `\t\tATSCtl:\tEnable${pm(ctl & 0x8000)}, Smallest Translation Unit: ${hex(ctl & 0x1f, 2)}`];
}

/** Page Request Interface. */
export function capPri(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 0xc)) return [];
  const ctl = c.w(where + 4);
  const sta = c.w(where + 6);
  return [
    `\t\tPRICtl: Enable${pm(ctl & 1)} Reset${pm(ctl & 2)}`,
    `\t\tPRISta: RF${pm(sta & 1)} UPRGI${pm(sta & 2)} Stopped${pm(sta & 0x100)}`,
    `\t\tPage Request Capacity: ${hex(c.l(where + 8), 8)}, Page Request Allocation: ${hex(c.l(where + 0xc), 8)}`,
  ];
}

/** Process Address Space ID. */
export function capPasid(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 4)) return [];
  const cap = c.w(where + 4);
  const ctl = c.w(where + 6);
  return [
    `\t\tPASIDCap: Exec${pm(cap & 2)} Priv${pm(cap & 4)}, Max PASID Width: ${hex((cap >> 8) & 0x1f, 2)}`,
    `\t\tPASIDCtl: Enable${pm(ctl & 1)} Exec${pm(ctl & 2)} Priv${pm(ctl & 4)}`,
  ];
}

/** Transaction Processing Hints requester capability. */
export function capTph(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 4)) return [];
  const cap = c.l(where + 4);
  const out: string[] = [];
  if (cap & 2) out.push('\t\tInterrupt vector mode supported');
  if (cap & 4) out.push('\t\tDevice specific mode supported');
  if (cap & 0x100) out.push('\t\tExtended requester support');
  out.push(
    [
      '\t\tNo steering table available',
      '\t\tSteering table in TPH capability structure',
      '\t\tSteering table in MSI-X table',
      '\t\tReserved steering table location',
    ][(cap >> 9) & 3]!,
  );
  return out;
}

/** Precision Time Measurement. */
export function capPtm(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 8)) return ['\t\t<unreadable>'];
  const cap = c.l(where + 4);
  const ctl = c.l(where + 8);
  const gran = (v: number, zero: string): string => (v === 0 ? zero : v === 0xff ? 'Greater than 254ns' : `${v}ns`);
  return [
    `\t\tPTMCap: Requester:${pm(cap & 1)} Responder:${pm(cap & 2)} Root:${pm(cap & 4)}`,
    `\t\tPTMClockGranularity: ${gran(bits(cap, 8, 8), 'Unimplemented')}`,
    `\t\tPTMControl: Enabled:${pm(ctl & 1)} RootSelected:${pm(ctl & 2)}`,
    `\t\tPTMEffectiveGranularity: ${gran(bits(ctl, 8, 8), 'Unknown')}`,
  ];
}

/** Downstream Port Containment. */
export function capDpc(c: Cfg, where: number): string[] {
  if (!c.has(where + 4, 8)) return [];
  const cap = c.w(where + 4);
  const ctl = c.w(where + 6);
  const sta = c.w(where + 8);
  return [
    `\t\tDpcCap:\tINT Msg #${cap & 0x1f}, RPExt${pm(cap & 0x20)} PoisonedTLP${pm(cap & 0x40)} SwTrigger${pm(cap & 0x80)} ` +
      `RP PIO Log ${bits(cap, 8, 4)}, DL_ActiveErr${pm(cap & 0x1000)}`,
    `\t\tDpcCtl:\tTrigger:${(ctl & 3).toString(16)} Cmpl${pm(ctl & 4)} INT${pm(ctl & 8)} ErrCor${pm(ctl & 0x10)} ` +
      `PoisonedTLP${pm(ctl & 0x20)} SwTrigger${pm(ctl & 0x40)} DL_ActiveErr${pm(ctl & 0x80)}`,
    `\t\tDpcSta:\tTrigger${pm(sta & 1)} Reason:${hex(bits(sta, 1, 2), 2)} INT${pm(sta & 8)} RPBusy${pm(sta & 0x10)} ` +
      `TriggerExt:${hex(bits(sta, 5, 2), 2)} RP PIO ErrPtr:${hex(bits(sta, 8, 5), 2)}`,
    `\t\tSource:\t${hex(c.w(where + 0x0a), 4)}`,
  ];
}
