// The PCI Express capability as lspci 3.9.0 prints it: pciutils v3.9.0 ls-caps.c cap_express,
// cap_express_dev, _link, _slot, _root, _dev2, _link2 and their tables (bit positions from
// lib/header.h PCI_EXP_*). Our code.

import { fl, gFloat, x } from './device';
import type { CapCtx } from './cap-ctx';
import { PCI } from './regs';

const T = PCI;

function powerLimit(value: number, scale: number): string {
  if (scale === 0 && value === 0xff) return '>600W';
  if (scale === 0 && value >= 0xf0 && value <= 0xfe) value = 250 + 25 * (value - 0xf0);
  return `${gFloat(value, [1.0, 0.1, 0.01, 0.001][scale]!)}W`;
}

const L0S = ['<64ns', '<128ns', '<256ns', '<512ns', '<1us', '<2us', '<4us', 'unlimited'];
const L1 = ['<1us', '<2us', '<4us', '<8us', '<16us', '<32us', '<64us', 'unlimited'];
const SPEED: Record<number, string> = { 1: '2.5GT/s', 2: '5GT/s', 3: '8GT/s', 4: '16GT/s', 5: '32GT/s', 6: '64GT/s' };
const speed = (s: number): string => SPEED[s] ?? 'unknown';
const ASPM_SUPPORT = ['not supported', 'L0s', 'L1', 'L0s L1'];
const ASPM_ENABLED = ['Disabled', 'L0s Enabled', 'L1 Enabled', 'L0s L1 Enabled'];
const INDICATOR = ['Unknown', 'On', 'Blink', 'Off'];

function compare(type: number, sta: number, cap: number): string {
  if (sta > cap) return ' (overdriven)';
  if (sta === cap) return '';
  if (type === T.EXP_TYPE_ROOT_PORT || type === T.EXP_TYPE_DOWNSTREAM || type === T.EXP_TYPE_PCIE_BRIDGE) return '';
  return ' (downgraded)';
}

const isEp = (t: number): boolean => t === T.EXP_TYPE_ENDPOINT || t === T.EXP_TYPE_LEG_END;

function dev(c: CapCtx, where: number, type: number): void {
  const { d, out } = c;
  const t = d.l(where + 4);
  let s = `\t\tDevCap:\tMaxPayload ${128 << (t & 7)} bytes, PhantFunc ${(1 << ((t & 0x18) >> 3)) - 1}`;
  if (isEp(type)) s += `, Latency L0s ${L0S[(t & 0x1c0) >> 6]}, L1 ${L1[(t & 0xe00) >> 9]}`;
  s += `\n\t\t\tExtTag${fl(t, 0x20)}`;
  if (isEp(type) || type === T.EXP_TYPE_UPSTREAM || type === T.EXP_TYPE_PCI_BRIDGE)
    s += ` AttnBtn${fl(t, 0x1000)} AttnInd${fl(t, 0x2000)} PwrInd${fl(t, 0x4000)}`;
  s += ` RBE${fl(t, 0x8000)}`;
  const flrType = isEp(type) || type === T.EXP_TYPE_ROOT_INT_EP;
  if (flrType) s += ` FLReset${fl(t, 0x10000000)}`;
  if (type === T.EXP_TYPE_ENDPOINT || type === T.EXP_TYPE_UPSTREAM || type === T.EXP_TYPE_PCI_BRIDGE) {
    s += ` SlotPowerLimit ${powerLimit((t & 0x3fc0000) >>> 18, (t & 0xc000000) >>> 26)}`;
  }
  out.p(s + '\n');
  let w = d.w(where + 8);
  out.p(`\t\tDevCtl:\tCorrErr${fl(w, 0x1)} NonFatalErr${fl(w, 0x2)} FatalErr${fl(w, 0x4)} UnsupReq${fl(w, 0x8)}\n`);
  s = `\t\t\tRlxdOrd${fl(w, 0x10)} ExtTag${fl(w, 0x100)} PhantFunc${fl(w, 0x200)} AuxPwr${fl(w, 0x400)} NoSnoop${fl(w, 0x800)}`;
  if (type === T.EXP_TYPE_PCI_BRIDGE) s += ` BrConfRtry${fl(w, 0x8000)}`;
  if (flrType && t & 0x10000000) s += ` FLReset${fl(w, 0x8000)}`;
  out.p(`${s}\n\t\t\tMaxPayload ${128 << ((w & 0xe0) >> 5)} bytes, MaxReadReq ${128 << ((w & 0x7000) >> 12)} bytes\n`);
  w = d.w(where + 0xa);
  out.p(
    `\t\tDevSta:\tCorrErr${fl(w, 0x1)} NonFatalErr${fl(w, 0x2)} FatalErr${fl(w, 0x4)} UnsupReq${fl(w, 0x8)} AuxPwr${fl(w, 0x10)} TransPend${fl(w, 0x20)}\n`,
  );
}

function link(c: CapCtx, where: number, type: number): void {
  const { d, out } = c;
  const t = d.l(where + 0xc);
  const aspm = (t & 0xc00) >> 10;
  const capSpeed = t & 0xf;
  const capWidth = (t & 0x3f0) >> 4;
  let s = `\t\tLnkCap:\tPort #${t >>> 24}, Speed ${speed(capSpeed)}, Width x${capWidth}, ASPM ${ASPM_SUPPORT[aspm]}`;
  if (aspm) {
    s += ', Exit Latency ';
    if (aspm & 1) s += `L0s ${L0S[(t & 0x7000) >> 12]}`;
    if (aspm & 2) s += `${aspm & 1 ? ', ' : ''}L1 ${L1[(t & 0x38000) >> 15]}`;
  }
  out.p(s + '\n');
  out.p(`\t\t\tClockPM${fl(t, 0x40000)} Surprise${fl(t, 0x80000)} LLActRep${fl(t, 0x100000)} BwNot${fl(t, 0x200000)} ASPMOptComp${fl(t, 0x400000)}\n`);
  let w = d.w(where + 0x10);
  s = `\t\tLnkCtl:\tASPM ${ASPM_ENABLED[w & 3]};`;
  if (type === T.EXP_TYPE_ROOT_PORT || isEp(type) || type === T.EXP_TYPE_PCI_BRIDGE) s += ` RCB ${w & 8 ? 128 : 64} bytes,`;
  out.p(
    `${s} Disabled${fl(w, 0x10)} CommClk${fl(w, 0x40)}\n\t\t\tExtSynch${fl(w, 0x80)} ClockPM${fl(w, 0x100)} AutWidDis${fl(w, 0x200)} ` +
      `BWInt${fl(w, 0x400)} AutBWInt${fl(w, 0x800)}\n`,
  );
  w = d.w(where + 0x12);
  const staSpeed = w & 0xf;
  const staWidth = (w & 0x3f0) >> 4;
  out.p(`\t\tLnkSta:\tSpeed ${speed(staSpeed)}${compare(type, staSpeed, capSpeed)}, Width x${staWidth}${compare(type, staWidth, capWidth)}\n`);
  out.p(`\t\t\tTrErr${fl(w, 0x400)} Train${fl(w, 0x800)} SlotClk${fl(w, 0x1000)} DLActive${fl(w, 0x2000)} BWMgmt${fl(w, 0x4000)} ABWMgmt${fl(w, 0x8000)}\n`);
}

function slot(c: CapCtx, where: number): void {
  const { d, out } = c;
  const t = d.l(where + 0x14);
  out.p(
    `\t\tSltCap:\tAttnBtn${fl(t, 0x1)} PwrCtrl${fl(t, 0x2)} MRL${fl(t, 0x4)} AttnInd${fl(t, 0x8)} PwrInd${fl(t, 0x10)} HotPlug${fl(t, 0x40)} Surprise${fl(t, 0x20)}\n`,
  );
  out.p(`\t\t\tSlot #${t >>> 19}, PowerLimit ${powerLimit((t & 0x7f80) >> 7, (t & 0x18000) >> 15)}; Interlock${fl(t, 0x20000)} NoCompl${fl(t, 0x40000)}\n`);
  let w = d.w(where + 0x18);
  out.p(
    `\t\tSltCtl:\tEnable: AttnBtn${fl(w, 0x1)} PwrFlt${fl(w, 0x2)} MRL${fl(w, 0x4)} PresDet${fl(w, 0x8)} CmdCplt${fl(w, 0x10)} HPIrq${fl(w, 0x20)} LinkChg${fl(w, 0x1000)}\n`,
  );
  out.p(`\t\t\tControl: AttnInd ${INDICATOR[(w & 0xc0) >> 6]}, PwrInd ${INDICATOR[(w & 0x300) >> 8]}, Power${fl(w, 0x400)} Interlock${fl(w, 0x800)}\n`);
  w = d.w(where + 0x1a);
  out.p(
    `\t\tSltSta:\tStatus: AttnBtn${fl(w, 0x1)} PowerFlt${fl(w, 0x2)} MRL${fl(w, 0x20)} CmdCplt${fl(w, 0x10)} PresDet${fl(w, 0x40)} Interlock${fl(w, 0x80)}\n`,
  );
  out.p(`\t\t\tChanged: MRL${fl(w, 0x4)} PresDet${fl(w, 0x8)} LinkState${fl(w, 0x100)}\n`);
}

function root(c: CapCtx, where: number): void {
  const { d, out } = c;
  let w = d.w(where + 0x1e);
  out.p(`\t\tRootCap: CRSVisible${fl(w, 0x1)}\n`);
  w = d.w(where + 0x1c);
  out.p(`\t\tRootCtl: ErrCorrectable${fl(w, 0x1)} ErrNon-Fatal${fl(w, 0x2)} ErrFatal${fl(w, 0x4)} PMEIntEna${fl(w, 0x8)} CRSVisible${fl(w, 0x10)}\n`);
  w = d.l(where + 0x20);
  out.p(`\t\tRootSta: PME ReqID ${x(w & 0xffff, 4)}, PMEStatus${fl(w, 0x10000)} PMEPending${fl(w, 0x20000)}\n`);
}

const TIMEOUT_RANGE: Record<number, string> = {
  0: 'Not Supported',
  1: 'Range A',
  2: 'Range B',
  3: 'Range AB',
  6: 'Range BC',
  7: 'Range ABC',
  14: 'Range BCD',
  15: 'Range ABCD',
};
const TIMEOUT_VALUE: Record<number, string> = {
  0: '50us to 50ms',
  1: '50us to 100us',
  2: '1ms to 10ms',
  5: '16ms to 55ms',
  6: '65ms to 210ms',
  9: '260ms to 900ms',
  10: '1s to 3.5s',
  13: '4s to 13s',
  14: '17s to 64s',
};
const CAP2_OBFF = ['Not Supported', 'Via message', 'Via WAKE#', 'Via message/WAKE#'];
const EPR = ['Not Supported', 'Dev Specific', 'Form Factor Dev Specific', 'Reserved'];
const LN_CLS = ['Not Supported', '64byte cachelines', '128byte cachelines', 'Reserved'];
const TPH_COMP = ['TPHComp- ExtTPHComp-', 'TPHComp+ ExtTPHComp-', '', 'TPHComp+ ExtTPHComp+'];
const CTL2_OBFF = ['Disabled', 'Via message A', 'Via message B', 'Via WAKE#'];

/** ls-caps.c device_has_memory_space_bar: a BAR with an address (or, live, a size) that is not I/O. */
function hasMemBar(c: CapCtx): boolean {
  for (let i = 0; i < 6; i++) {
    const base = c.baseAddr[i]!;
    const size = c.sizes?.find((b) => b.index === i)?.size ?? 0;
    if ((base || size) && !(base & 1n)) return true;
  }
  return false;
}

function dev2(c: CapCtx, where: number, type: number): void {
  const { d, out } = c;
  const memBar = hasMemBar(c);
  const l = d.l(where + 0x24);
  let s = `\t\tDevCap2: Completion Timeout: ${TIMEOUT_RANGE[l & 0xf] ?? 'Unknown'}, TimeoutDis${fl(l, 0x10)} NROPrPrP${fl(l, 0x400)} LTR${fl(l, 0x800)}`;
  s += `\n\t\t\t 10BitTagComp${fl(l, 0x10000)} 10BitTagReq${fl(l, 0x20000)} OBFF ${CAP2_OBFF[(l >>> 18) & 3]}, ExtFmt${fl(l, 0x100000)} EETLPPrefix${fl(l, 0x200000)}`;
  if (l & 0x200000) s += `, MaxEETLPPrefixes ${(l >>> 22) & 3 || 4}`;
  s += `\n\t\t\t EmergencyPowerReduction ${EPR[(l >>> 24) & 3]}, EmergencyPowerReductionInit${fl(l, 0x4000000)}`;
  s += `\n\t\t\t FRS${fl(l, 0x80000000)}`;
  const rp = type === T.EXP_TYPE_ROOT_PORT;
  const up = type === T.EXP_TYPE_UPSTREAM;
  const dn = type === T.EXP_TYPE_DOWNSTREAM;
  if (rp) s += ` LN System CLS ${LN_CLS[(l >>> 14) & 3]},`;
  if (rp || type === T.EXP_TYPE_ENDPOINT) s += ` ${TPH_COMP[(l >>> 12) & 3]}`;
  s += rp || dn ? ` ARIFwd${fl(l, 0x20)}\n` : '\n';
  if (rp || up || dn || memBar) {
    s += '\t\t\t AtomicOpsCap:';
    if (rp || up || dn) s += ` Routing${fl(l, 0x40)}`;
    if (rp || memBar) s += ` 32bit${fl(l, 0x80)} 64bit${fl(l, 0x100)} 128bitCAS${fl(l, 0x200)}`;
    s += '\n';
  }
  out.p(s);
  const w = d.w(where + 0x28);
  s = `\t\tDevCtl2: Completion Timeout: ${TIMEOUT_VALUE[w & 0xf] ?? 'Unknown'}, TimeoutDis${fl(w, 0x10)} LTR${fl(w, 0x400)} 10BitTagReq${fl(w, 0x1000)} OBFF ${CTL2_OBFF[(w >> 13) & 3]},`;
  s += rp || dn ? ` ARIFwd${fl(w, 0x20)}\n` : '\n';
  const req = rp || type === T.EXP_TYPE_ENDPOINT || type === T.EXP_TYPE_ROOT_INT_EP || type === T.EXP_TYPE_LEG_END;
  if (req || up || dn) {
    s += '\t\t\t AtomicOpsCtl:';
    if (req) s += ` ReqEn${fl(w, 0x40)}`;
    if (rp || up || dn) s += ` EgressBlck${fl(w, 0x80)}`;
    s += '\n';
  }
  out.p(s);
}

function speedCap(v: number): string {
  if (v & 0x60) return 'RsvdP';
  if (v & 0x10) return '2.5-32GT/s';
  if (v & 0x08) return '2.5-16GT/s';
  if (v & 0x04) return '2.5-8GT/s';
  if (v & 0x02) return '2.5-5GT/s';
  if (v & 0x01) return '2.5GT/s';
  return 'Unknown';
}
const TARGET_SPEED: Record<number, string> = { 0: '2.5GT/s', 1: '2.5GT/s', 2: '5GT/s', 3: '8GT/s', 4: '16GT/s', 5: '32GT/s', 6: '64GT/s' };
const DEEMPHASIS = ['-6dB', '-3.5dB'];
const PRESET = [
  '-6dB de-emphasis, 0dB preshoot',
  '-3.5dB de-emphasis, 0dB preshoot',
  '-4.4dB de-emphasis, 0dB preshoot',
  '-2.5dB de-emphasis, 0dB preshoot',
  '0dB de-emphasis, 0dB preshoot',
  '0dB de-emphasis, 1.9dB preshoot',
  '0dB de-emphasis, 2.5dB preshoot',
  '-6.0dB de-emphasis, 3.5dB preshoot',
  '-3.5dB de-emphasis, 3.5dB preshoot',
  '0dB de-emphasis, 3.5dB preshoot',
];
const MARGIN = [
  'Normal Operating Range',
  '800-1200mV(full-swing)/400-700mV(half-swing)',
  '200-400mV(full-swing)/100-200mV(half-swing)',
  '200-400mV(full-swing)/100-200mV(half-swing)',
  '200-400mV(full-swing)/100-200mV(half-swing)',
  '200-400mV(full-swing)/100-200mV(half-swing)',
  'Unknown',
  'Unknown',
];
const CROSSLINK = ['unsupported', 'Upstream Port', 'Downstream Port', 'incomplete'];
const COMPONENT: Record<number, string> = {
  0: 'Link Down - Not Determined',
  1: 'Link Down - Not Present',
  2: 'Link Down - Present',
  4: 'Link Up - Present',
  5: 'Link Up - Present and DRS Received',
};

function link2(c: CapCtx, where: number, type: number): void {
  const { d, out } = c;
  let l = 0;
  if (!(isEp(type) && (c.dev !== 0 || c.func !== 0))) {
    // Link Capabilities 2 was reserved before PCIe r3.0 (ls-caps.c): not read on functions other than 00.0.
    l = d.l(where + 0x2c);
    if (l) {
      out.p(
        `\t\tLnkCap2: Supported Link Speeds: ${speedCap((l >>> 1) & 0x7f)}, Crosslink${fl(l, 0x100)} Retimer${fl(l, 0x800000)} ` +
          `2Retimers${fl(l, 0x1000000)} DRS${fl(l, 0x80000000)}\n`,
      );
    }
    const w = d.w(where + 0x30);
    let s = `\t\tLnkCtl2: Target Link Speed: ${TARGET_SPEED[w & 0xf] ?? 'Unknown'}, EnterCompliance${fl(w, 0x10)} SpeedDis${fl(w, 0x20)}`;
    if (type === T.EXP_TYPE_DOWNSTREAM) s += `, Selectable De-emphasis: ${DEEMPHASIS[(w >> 6) & 1]}`;
    s +=
      `\n\t\t\t Transmit Margin: ${MARGIN[(w >> 7) & 7]}, EnterModifiedCompliance${fl(w, 0x400)} ComplianceSOS${fl(w, 0x800)}\n` +
      `\t\t\t Compliance Preset/De-emphasis: ${PRESET[(w >> 12) & 0xf] ?? 'Unknown'}\n`;
    out.p(s);
  }
  const w = d.w(where + 0x32);
  let s =
    `\t\tLnkSta2: Current De-emphasis Level: ${DEEMPHASIS[w & 1]}, EqualizationComplete${fl(w, 0x2)} EqualizationPhase1${fl(w, 0x4)}\n` +
    `\t\t\t EqualizationPhase2${fl(w, 0x8)} EqualizationPhase3${fl(w, 0x10)} LinkEqualizationRequest${fl(w, 0x20)}\n` +
    `\t\t\t Retimer${fl(w, 0x40)} 2Retimers${fl(w, 0x80)} CrosslinkRes: ${CROSSLINK[(w >> 8) & 3]}`;
  const downstream = type === T.EXP_TYPE_ROOT_PORT || type === T.EXP_TYPE_DOWNSTREAM || type === T.EXP_TYPE_PCIE_BRIDGE;
  if (downstream && l & 0x80000000) s += `, DRS${fl(w, 0x8000)}\n\t\t\t DownstreamComp: ${COMPONENT[(w >> 12) & 7] ?? 'Reserved'}\n`;
  else s += '\n';
  out.p(s);
}

const TYPE_NAMES: Record<number, string> = {
  0x0: 'Endpoint',
  0x1: 'Legacy Endpoint',
  0x5: 'Upstream Port',
  0x7: 'PCI-Express to PCI/PCI-X Bridge',
  0x9: 'Root Complex Integrated Endpoint',
  0xa: 'Root Complex Event Collector',
};

/** ls-caps.c cap_express; returns the Device/Port type, which the extended capabilities use. */
export function capExpress(c: CapCtx, where: number, cap: number): number {
  const { out } = c;
  const type = (cap & 0xf0) >> 4;
  let hasSlot = false;
  let hasLink = true;
  out.p('Express ');
  if (c.verbose >= 2) out.p(`(v${cap & 0xf}) `);
  switch (type) {
    case T.EXP_TYPE_ROOT_PORT:
    case T.EXP_TYPE_DOWNSTREAM:
    case T.EXP_TYPE_PCIE_BRIDGE: {
      hasSlot = (cap & 0x100) !== 0;
      const n = type === T.EXP_TYPE_ROOT_PORT ? 'Root Port' : type === T.EXP_TYPE_DOWNSTREAM ? 'Downstream Port' : 'PCI/PCI-X to PCI-Express Bridge';
      out.p(`${n} (Slot${fl(cap, 0x100)})`);
      break;
    }
    case T.EXP_TYPE_ROOT_INT_EP:
    case T.EXP_TYPE_ROOT_EC:
      hasLink = false;
      out.p(TYPE_NAMES[type]!);
      break;
    default:
      out.p(TYPE_NAMES[type] ?? `Unknown type ${type}`);
  }
  out.p(`, MSI ${x((cap & 0x3e00) >> 9, 2)}\n`);
  if (c.verbose < 2) return type;
  let size = hasSlot ? 24 : 16;
  const rootLike = type === T.EXP_TYPE_ROOT_PORT || type === T.EXP_TYPE_ROOT_EC;
  if (rootLike) size = 32;
  if (!c.d.fetch(where + 4, size)) return type;
  dev(c, where, type);
  if (hasLink) link(c, where, type);
  if (hasSlot) slot(c, where);
  if (rootLike) root(c, where);
  if ((cap & 0xf) < 2) return type;
  if (!c.d.fetch(where + 0x24, hasSlot ? 24 : 16)) return type;
  dev2(c, where, type);
  if (hasLink) link2(c, where, type);
  return type;
}
