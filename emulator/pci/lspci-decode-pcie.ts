// The detail lines lspci -vvv prints under "Capabilities: [xx] Express (vN) …": DevCap,
// DevCtl, DevSta, LnkCap/Ctl/Sta, SltCap/Ctl/Sta, RootCap/Ctl/Sta and the "2" registers.
// Wording, order and the per-port-type conditions follow pciutils 3.9.0 ls-caps.c
// (cap_express, cap_express_dev, cap_express_link, cap_express_slot, cap_express_root,
// cap_express_dev2, cap_express_link2 in github.com/pciutils/pciutils); register layouts
// follow Linux include/uapi/linux/pci_regs.h (PCI_EXP_*). The code is ours; the tests
// compare it with the installed lspci 3.9.0 on real dumps and on random register values.

import { bitFlags, bits, Cfg, pm } from './lspci-decode-util';

// PCI_EXP_FLAGS_TYPE values (pci_regs.h).
export const EXP_TYPE = {
  ENDPOINT: 0x0,
  LEG_END: 0x1,
  ROOT_PORT: 0x4,
  UPSTREAM: 0x5,
  DOWNSTREAM: 0x6,
  PCI_BRIDGE: 0x7,
  PCIE_BRIDGE: 0x8,
  ROOT_INT_EP: 0x9,
  ROOT_EC: 0xa,
} as const;
const T = EXP_TYPE;

// Register offsets from the capability start (pci_regs.h PCI_EXP_*).
const DEVCAP = 0x04, DEVCTL = 0x08, DEVSTA = 0x0a, LNKCAP = 0x0c, LNKCTL = 0x10, LNKSTA = 0x12;
const SLTCAP = 0x14, SLTCTL = 0x18, SLTSTA = 0x1a, RTCTL = 0x1c, RTCAP = 0x1e, RTSTA = 0x20;
const DEVCAP2 = 0x24, DEVCTL2 = 0x28, LNKCAP2 = 0x2c, LNKCTL2 = 0x30, LNKSTA2 = 0x32;

export interface ExpressContext {
  /** pciutils device_has_memory_space_bar: some BAR register decodes as a memory BAR. */
  hasMemBar: boolean;
  /** Device and function number are both 0 (LnkCap2/LnkCtl2 are shown for other endpoints' functions only then). */
  isDev0Fn0: boolean;
}

/** The type field of the Express capability's flags word. */
export function expressType(flags: number): number {
  return (flags >> 4) & 0xf;
}

export function expressHeader(flags: number): string {
  const type = expressType(flags);
  const slot = `(Slot${pm(flags & 0x100)})`;
  const names: Record<number, string> = {
    [T.ENDPOINT]: 'Endpoint',
    [T.LEG_END]: 'Legacy Endpoint',
    [T.ROOT_PORT]: `Root Port ${slot}`,
    [T.UPSTREAM]: 'Upstream Port',
    [T.DOWNSTREAM]: `Downstream Port ${slot}`,
    [T.PCI_BRIDGE]: 'PCI-Express to PCI/PCI-X Bridge',
    [T.PCIE_BRIDGE]: `PCI/PCI-X to PCI-Express Bridge ${slot}`,
    [T.ROOT_INT_EP]: 'Root Complex Integrated Endpoint',
    [T.ROOT_EC]: 'Root Complex Event Collector',
  };
  return `Express (v${flags & 0xf}) ${names[type] ?? `Unknown type ${type}`}, MSI ${((flags >> 9) & 0x1f).toString(16).padStart(2, '0')}`;
}

/** Detail lines under the Express header (-vvv). */
export function expressDetails(c: Cfg, where: number, flags: number, ctx: ExpressContext): string[] {
  const type = expressType(flags);
  const slot = (type === T.ROOT_PORT || type === T.DOWNSTREAM || type === T.PCIE_BRIDGE) && (flags & 0x100) !== 0;
  const link = type !== T.ROOT_INT_EP && type !== T.ROOT_EC;
  const root = type === T.ROOT_PORT || type === T.ROOT_EC;
  let text = '';
  let size = slot ? 24 : 16;
  if (root) size = 32;
  if (!c.has(where + DEVCAP, size)) return [];
  text += dev(c, where, type);
  if (link) text += lnk(c, where, type);
  if (slot) text += slt(c, where);
  if (root) text += rootRegs(c, where);
  if ((flags & 0xf) >= 2 && c.has(where + DEVCAP2, slot ? 24 : 16)) {
    text += dev2(c, where, type, ctx.hasMemBar);
    if (link) text += lnk2(c, where, type, ctx.isDev0Fn0);
  }
  return text.split('\n').filter((l) => l !== '');
}

const isEp = (t: number): boolean => t === T.ENDPOINT || t === T.LEG_END;
const downstreamPort = (t: number): boolean => t === T.ROOT_PORT || t === T.DOWNSTREAM || t === T.PCIE_BRIDGE;

const L0S = ['<64ns', '<128ns', '<256ns', '<512ns', '<1us', '<2us', '<4us', 'unlimited'];
const L1 = ['<1us', '<2us', '<4us', '<8us', '<16us', '<32us', '<64us', 'unlimited'];

/** pciutils show_power_limit: value × scale watts, with the 250 W…>600 W encodings of scale 0. */
function powerLimit(value: number, scale: number): string {
  if (scale === 0 && value === 0xff) return '>600W';
  if (scale === 0 && value >= 0xf0 && value <= 0xfe) value = 250 + 25 * (value - 0xf0);
  // C's "%g" of a float: 6 significant digits, trailing zeros dropped.
  const w = Math.fround(value * Math.fround([1, 0.1, 0.01, 0.001][scale]!));
  return `${Number(w.toPrecision(6))}W`;
}

function dev(c: Cfg, where: number, type: number): string {
  const t = c.l(where + DEVCAP);
  let s = `\t\tDevCap:\tMaxPayload ${128 << (t & 7)} bytes, PhantFunc ${(1 << ((t >> 3) & 3)) - 1}`;
  if (isEp(type)) s += `, Latency L0s ${L0S[(t >> 6) & 7]}, L1 ${L1[(t >> 9) & 7]}`;
  s += `\n\t\t\tExtTag${pm(t & 0x20)}`;
  if (isEp(type) || type === T.UPSTREAM || type === T.PCI_BRIDGE)
    s += ` AttnBtn${pm(t & 0x1000)} AttnInd${pm(t & 0x2000)} PwrInd${pm(t & 0x4000)}`;
  s += ` RBE${pm(t & 0x8000)}`;
  const flrEp = isEp(type) || type === T.ROOT_INT_EP;
  if (flrEp) s += ` FLReset${pm(t & 0x10000000)}`;
  if (type === T.ENDPOINT || type === T.UPSTREAM || type === T.PCI_BRIDGE)
    s += ` SlotPowerLimit ${powerLimit(bits(t, 18, 8), bits(t, 26, 2))}`;
  s += '\n';

  let w = c.w(where + DEVCTL);
  s += `\t\tDevCtl:\t${bitFlags(w, [[1, 'CorrErr'], [2, 'NonFatalErr'], [4, 'FatalErr'], [8, 'UnsupReq']])}\n`;
  s += `\t\t\t${bitFlags(w, [[0x10, 'RlxdOrd'], [0x100, 'ExtTag'], [0x200, 'PhantFunc'], [0x400, 'AuxPwr'], [0x800, 'NoSnoop']])}`;
  if (type === T.PCI_BRIDGE) s += ` BrConfRtry${pm(w & 0x8000)}`;
  if (flrEp && t & 0x10000000) s += ` FLReset${pm(w & 0x8000)}`;
  s += `\n\t\t\tMaxPayload ${128 << ((w >> 5) & 7)} bytes, MaxReadReq ${128 << ((w >> 12) & 7)} bytes\n`;

  w = c.w(where + DEVSTA);
  s += `\t\tDevSta:\t${bitFlags(w, [[1, 'CorrErr'], [2, 'NonFatalErr'], [4, 'FatalErr'], [8, 'UnsupReq'], [0x10, 'AuxPwr'], [0x20, 'TransPend']])}\n`;
  return s;
}

const SPEED: Record<number, string> = { 1: '2.5GT/s', 2: '5GT/s', 3: '8GT/s', 4: '16GT/s', 5: '32GT/s', 6: '64GT/s' };
const linkSpeed = (n: number): string => SPEED[n] ?? 'unknown';

function linkCompare(type: number, sta: number, cap: number): string {
  if (sta > cap) return ' (overdriven)';
  if (sta === cap || downstreamPort(type)) return '';
  return ' (downgraded)';
}

function lnk(c: Cfg, where: number, type: number): string {
  const t = c.l(where + LNKCAP);
  const aspm = (t >> 10) & 3;
  const capSpeed = t & 0xf;
  const capWidth = (t >> 4) & 0x3f;
  let s = `\t\tLnkCap:\tPort #${t >>> 24}, Speed ${linkSpeed(capSpeed)}, Width x${capWidth}, ASPM ${['not supported', 'L0s', 'L1', 'L0s L1'][aspm]}`;
  if (aspm) {
    s += ', Exit Latency ';
    if (aspm & 1) s += `L0s ${L0S[(t >> 12) & 7]}`;
    if (aspm & 2) s += `${aspm & 1 ? ', ' : ''}L1 ${L1[(t >> 15) & 7]}`;
  }
  s += `\n\t\t\t${bitFlags(t, [[0x40000, 'ClockPM'], [0x80000, 'Surprise'], [0x100000, 'LLActRep'], [0x200000, 'BwNot'], [0x400000, 'ASPMOptComp']])}\n`;

  let w = c.w(where + LNKCTL);
  s += `\t\tLnkCtl:\tASPM ${['Disabled', 'L0s Enabled', 'L1 Enabled', 'L0s L1 Enabled'][w & 3]};`;
  if (type === T.ROOT_PORT || isEp(type) || type === T.PCI_BRIDGE) s += ` RCB ${w & 8 ? 128 : 64} bytes,`;
  s += ` Disabled${pm(w & 0x10)} CommClk${pm(w & 0x40)}\n`;
  s += `\t\t\t${bitFlags(w, [[0x80, 'ExtSynch'], [0x100, 'ClockPM'], [0x200, 'AutWidDis'], [0x400, 'BWInt'], [0x800, 'AutBWInt']])}\n`;

  w = c.w(where + LNKSTA);
  const staSpeed = w & 0xf;
  const staWidth = (w >> 4) & 0x3f;
  s += `\t\tLnkSta:\tSpeed ${linkSpeed(staSpeed)}${linkCompare(type, staSpeed, capSpeed)}, Width x${staWidth}${linkCompare(type, staWidth, capWidth)}\n`;
  s += `\t\t\t${bitFlags(w, [[0x400, 'TrErr'], [0x800, 'Train'], [0x1000, 'SlotClk'], [0x2000, 'DLActive'], [0x4000, 'BWMgmt'], [0x8000, 'ABWMgmt']])}\n`;
  return s;
}

const INDICATOR = ['Unknown', 'On', 'Blink', 'Off'];

function slt(c: Cfg, where: number): string {
  const t = c.l(where + SLTCAP);
  let s = `\t\tSltCap:\t${bitFlags(t, [[1, 'AttnBtn'], [2, 'PwrCtrl'], [4, 'MRL'], [8, 'AttnInd'], [0x10, 'PwrInd'], [0x40, 'HotPlug'], [0x20, 'Surprise']])}\n`;
  s += `\t\t\tSlot #${t >>> 19}, PowerLimit ${powerLimit(bits(t, 7, 8), bits(t, 15, 2))}; Interlock${pm(t & 0x20000)} NoCompl${pm(t & 0x40000)}\n`;
  let w = c.w(where + SLTCTL);
  s += `\t\tSltCtl:\tEnable: ${bitFlags(w, [[1, 'AttnBtn'], [2, 'PwrFlt'], [4, 'MRL'], [8, 'PresDet'], [0x10, 'CmdCplt'], [0x20, 'HPIrq'], [0x1000, 'LinkChg']])}\n`;
  s += `\t\t\tControl: AttnInd ${INDICATOR[(w >> 6) & 3]}, PwrInd ${INDICATOR[(w >> 8) & 3]}, Power${pm(w & 0x400)} Interlock${pm(w & 0x800)}\n`;
  w = c.w(where + SLTSTA);
  s += `\t\tSltSta:\tStatus: ${bitFlags(w, [[1, 'AttnBtn'], [2, 'PowerFlt'], [0x20, 'MRL'], [0x10, 'CmdCplt'], [0x40, 'PresDet'], [0x80, 'Interlock']])}\n`;
  s += `\t\t\tChanged: ${bitFlags(w, [[4, 'MRL'], [8, 'PresDet'], [0x100, 'LinkState']])}\n`;
  return s;
}

function rootRegs(c: Cfg, where: number): string {
  let s = `\t\tRootCap: CRSVisible${pm(c.w(where + RTCAP) & 1)}\n`;
  const w = c.w(where + RTCTL);
  s += `\t\tRootCtl: ${bitFlags(w, [[1, 'ErrCorrectable'], [2, 'ErrNon-Fatal'], [4, 'ErrFatal'], [8, 'PMEIntEna'], [0x10, 'CRSVisible']])}\n`;
  const l = c.l(where + RTSTA);
  s += `\t\tRootSta: PME ReqID ${(l & 0xffff).toString(16).padStart(4, '0')}, PMEStatus${pm(l & 0x10000)} PMEPending${pm(l & 0x20000)}\n`;
  return s;
}

const TIMEOUT_RANGE: Record<number, string> = { 0: 'Not Supported', 1: 'Range A', 2: 'Range B', 3: 'Range AB', 6: 'Range BC', 7: 'Range ABC', 14: 'Range BCD', 15: 'Range ABCD' };
const TIMEOUT_VALUE: Record<number, string> = {
  0: '50us to 50ms', 1: '50us to 100us', 2: '1ms to 10ms', 5: '16ms to 55ms', 6: '65ms to 210ms',
  9: '260ms to 900ms', 10: '1s to 3.5s', 13: '4s to 13s', 14: '17s to 64s',
};
const OBFF_CAP = ['Not Supported', 'Via message', 'Via WAKE#', 'Via message/WAKE#'];
const EPR = ['Not Supported', 'Dev Specific', 'Form Factor Dev Specific', 'Reserved'];
const LN_CLS = ['Not Supported', '64byte cachelines', '128byte cachelines', 'Reserved'];
const TPH = ['TPHComp- ExtTPHComp-', 'TPHComp+ ExtTPHComp-', '', 'TPHComp+ ExtTPHComp+'];
const OBFF_CTL = ['Disabled', 'Via message A', 'Via message B', 'Via WAKE#'];

function dev2(c: Cfg, where: number, type: number, hasMemBar: boolean): string {
  const l = c.l(where + DEVCAP2);
  const rp = type === T.ROOT_PORT;
  const switchPort = rp || type === T.UPSTREAM || type === T.DOWNSTREAM;
  let s = `\t\tDevCap2: Completion Timeout: ${TIMEOUT_RANGE[l & 0xf] ?? 'Unknown'}, TimeoutDis${pm(l & 0x10)} NROPrPrP${pm(l & 0x400)} LTR${pm(l & 0x800)}`;
  s += `\n\t\t\t 10BitTagComp${pm(l & 0x10000)} 10BitTagReq${pm(l & 0x20000)} OBFF ${OBFF_CAP[bits(l, 18, 2)]}, ExtFmt${pm(l & 0x100000)} EETLPPrefix${pm(l & 0x200000)}`;
  if (l & 0x200000) s += `, MaxEETLPPrefixes ${bits(l, 22, 2) || 4}`;
  s += `\n\t\t\t EmergencyPowerReduction ${EPR[bits(l, 24, 2)]}, EmergencyPowerReductionInit${pm(l & 0x4000000)}`;
  s += `\n\t\t\t FRS${pm(l & 0x80000000)}`;
  if (rp) s += ` LN System CLS ${LN_CLS[bits(l, 14, 2)]},`;
  if (rp || type === T.ENDPOINT) s += ` ${TPH[bits(l, 12, 2)]}`;
  s += rp || type === T.DOWNSTREAM ? ` ARIFwd${pm(l & 0x20)}\n` : '\n';
  if (switchPort || hasMemBar) {
    s += '\t\t\t AtomicOpsCap:';
    if (switchPort) s += ` Routing${pm(l & 0x40)}`;
    if (rp || hasMemBar) s += ` 32bit${pm(l & 0x80)} 64bit${pm(l & 0x100)} 128bitCAS${pm(l & 0x200)}`;
    s += '\n';
  }

  const w = c.w(where + DEVCTL2);
  s += `\t\tDevCtl2: Completion Timeout: ${TIMEOUT_VALUE[w & 0xf] ?? 'Unknown'}, TimeoutDis${pm(w & 0x10)} LTR${pm(w & 0x400)} 10BitTagReq${pm(w & 0x1000)} OBFF ${OBFF_CTL[bits(w, 13, 2)]},`;
  s += rp || type === T.DOWNSTREAM ? ` ARIFwd${pm(w & 0x20)}\n` : '\n';
  const requester = rp || type === T.ENDPOINT || type === T.ROOT_INT_EP || type === T.LEG_END;
  if (switchPort || requester) {
    s += '\t\t\t AtomicOpsCtl:';
    if (requester) s += ` ReqEn${pm(w & 0x40)}`;
    if (switchPort) s += ` EgressBlck${pm(w & 0x80)}`;
    s += '\n';
  }
  return s;
}

/** Supported Link Speeds Vector: PCIe requires every rate from 2.5 GT/s up to the highest. */
function speedVector(v: number): string {
  if (v & 0x60) return 'RsvdP';
  if (v & 0x10) return '2.5-32GT/s';
  if (v & 0x08) return '2.5-16GT/s';
  if (v & 0x04) return '2.5-8GT/s';
  if (v & 0x02) return '2.5-5GT/s';
  if (v & 0x01) return '2.5GT/s';
  return 'Unknown';
}

const TARGET_SPEED: Record<number, string> = { 0: '2.5GT/s', ...SPEED };
const DEEMPH = (n: number): string => (n === 0 ? '-6dB' : n === 1 ? '-3.5dB' : 'Unknown');
const PRESET = [
  '-6dB de-emphasis, 0dB preshoot', '-3.5dB de-emphasis, 0dB preshoot', '-4.4dB de-emphasis, 0dB preshoot',
  '-2.5dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 1.9dB preshoot',
  '0dB de-emphasis, 2.5dB preshoot', '-6.0dB de-emphasis, 3.5dB preshoot', '-3.5dB de-emphasis, 3.5dB preshoot',
  '0dB de-emphasis, 3.5dB preshoot',
];
const MARGIN = (n: number): string =>
  n === 0 ? 'Normal Operating Range' : n === 1 ? '800-1200mV(full-swing)/400-700mV(half-swing)' : n <= 5 ? '200-400mV(full-swing)/100-200mV(half-swing)' : 'Unknown';
const CROSSLINK = ['unsupported', 'Upstream Port', 'Downstream Port', 'incomplete'];
const COMPONENT: Record<number, string> = {
  0: 'Link Down - Not Determined', 1: 'Link Down - Not Present', 2: 'Link Down - Present',
  4: 'Link Up - Present', 5: 'Link Up - Present and DRS Received',
};

function lnk2(c: Cfg, where: number, type: number, isDev0Fn0: boolean): string {
  let s = '';
  let l = 0;
  if (!(isEp(type) && !isDev0Fn0)) {
    // Link Capabilities 2 was reserved before PCIe r3.0: nothing is printed for 0.
    l = c.l(where + LNKCAP2);
    if (l) {
      s += `\t\tLnkCap2: Supported Link Speeds: ${speedVector(bits(l, 1, 7))}, Crosslink${pm(l & 0x100)} Retimer${pm(l & 0x800000)} 2Retimers${pm(l & 0x1000000)} DRS${pm(l & 0x80000000)}\n`;
    }
    const w = c.w(where + LNKCTL2);
    s += `\t\tLnkCtl2: Target Link Speed: ${TARGET_SPEED[w & 0xf] ?? 'Unknown'}, EnterCompliance${pm(w & 0x10)} SpeedDis${pm(w & 0x20)}`;
    if (type === T.DOWNSTREAM) s += `, Selectable De-emphasis: ${DEEMPH((w >> 6) & 1)}`;
    s += `\n\t\t\t Transmit Margin: ${MARGIN((w >> 7) & 7)}, EnterModifiedCompliance${pm(w & 0x400)} ComplianceSOS${pm(w & 0x800)}`;
    s += `\n\t\t\t Compliance Preset/De-emphasis: ${PRESET[(w >> 12) & 0xf] ?? 'Unknown'}\n`;
  }
  const w = c.w(where + LNKSTA2);
  s += `\t\tLnkSta2: Current De-emphasis Level: ${DEEMPH(w & 1)}, EqualizationComplete${pm(w & 2)} EqualizationPhase1${pm(w & 4)}`;
  s += `\n\t\t\t EqualizationPhase2${pm(w & 8)} EqualizationPhase3${pm(w & 0x10)} LinkEqualizationRequest${pm(w & 0x20)}`;
  s += `\n\t\t\t Retimer${pm(w & 0x40)} 2Retimers${pm(w & 0x80)} CrosslinkRes: ${CROSSLINK[(w >> 8) & 3]}`;
  if (downstreamPort(type) && l & 0x80000000) {
    s += `, DRS${pm(w & 0x8000)}\n\t\t\t DownstreamComp: ${COMPONENT[(w >> 12) & 7] ?? 'Reserved'}\n`;
  } else s += '\n';
  return s;
}
