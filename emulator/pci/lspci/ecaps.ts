// The PCI Express extended capability list as lspci 3.9.0 prints it: pciutils v3.9.0
// ls-ecaps.c show_ext_caps and its cap_* printers (bit positions from lib/header.h).
// Virtual Channel and the Root Complex ones are in ecaps-rc.ts, DVSEC/CXL in cxl.ts. Our code.

import { bits, fl, x } from './device';
import type { CapCtx } from './cap-ctx';
import { PCI } from './regs';
import { capRcec, capRclink, capVc } from './ecaps-rc';
import { capDvsec } from './cxl';

/** An extended capability's printer: writes from after "[xxx vN] " to the end of its lines. */
export type ExtCapPrinter = (c: CapCtx, where: number, type: number) => void;

/** ls-ecaps.c cap_ltr_scale: `1 << (scale * 5)` on a 32-bit int (the shift count wraps as on x86). */
export function ltrScale(scale: number): number {
  return (1 << ((scale * 5) & 31)) >>> 0;
}

function capTph(c: CapCtx, where: number): void {
  c.out.p('Transaction Processing Hints\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) return;
  const t = c.d.l(where + 4);
  if (t & 0x2) c.out.p('\t\tInterrupt vector mode supported\n');
  if (t & 0x4) c.out.p('\t\tDevice specific mode supported\n');
  if (t & 0x100) c.out.p('\t\tExtended requester support\n');
  const loc = t & 0x600;
  c.out.p(
    loc === 0
      ? '\t\tNo steering table available\n'
      : loc === 0x200
        ? '\t\tSteering table in TPH capability structure\n'
        : loc === 0x400
          ? '\t\tSteering table in MSI-X table\n'
          : '\t\tReserved steering table location\n',
  );
}

function capLtr(c: CapCtx, where: number): void {
  c.out.p('Latency Tolerance Reporting\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) return;
  const snoop = c.d.w(where + 4);
  c.out.p(`\t\tMax snoop latency: ${(snoop & 0x3ff) * ltrScale((snoop >> 10) & 7)}ns\n`);
  const nosnoop = c.d.w(where + 6);
  c.out.p(`\t\tMax no snoop latency: ${(nosnoop & 0x3ff) * ltrScale((nosnoop >> 10) & 7)}ns\n`);
}

function capSec(c: CapCtx, where: number): void {
  c.out.p('Secondary PCI Express\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 12)) return;
  const ctrl3 = c.d.w(where + 4);
  c.out.p(`\t\tLnkCtl3: LnkEquIntrruptEn${fl(ctrl3, 0x02)} PerformEqu${fl(ctrl3, 0x01)}\n`);
  let les = c.d.w(where + 8);
  let s = '\t\tLaneErrStat: ';
  if (les) {
    s += 'LaneErr at lane:';
    for (let lane = 0; les; les >>>= 1, lane = (lane + 1) & 0xff) if (les & 1) s += ` ${lane}`;
  } else s += '0';
  c.out.p(s + '\n');
}

function capDsn(c: CapCtx, where: number): void {
  if (!c.d.fetch(where + 4, 8)) return;
  const t1 = c.d.l(where + 4);
  const t2 = c.d.l(where + 8);
  const b = [t2 >>> 24, (t2 >>> 16) & 0xff, (t2 >>> 8) & 0xff, t2 & 0xff, t1 >>> 24, (t1 >>> 16) & 0xff, (t1 >>> 8) & 0xff, t1 & 0xff];
  c.out.p(`Device Serial Number ${b.map((v) => x(v, 2)).join('-')}\n`);
}

const uncorr = (l: number): string =>
  `DLP${fl(l, 0x10)} SDES${fl(l, 0x20)} TLP${fl(l, 0x1000)} FCP${fl(l, 0x2000)} CmpltTO${fl(l, 0x4000)} CmpltAbrt${fl(l, 0x8000)} ` +
  `UnxCmplt${fl(l, 0x10000)} RxOF${fl(l, 0x20000)} MalfTLP${fl(l, 0x40000)} ECRC${fl(l, 0x80000)} UnsupReq${fl(l, 0x100000)} ACSViol${fl(l, 0x200000)}`;
const corr = (l: number): string =>
  `RxErr${fl(l, 0x1)} BadTLP${fl(l, 0x40)} BadDLLP${fl(l, 0x80)} Rollover${fl(l, 0x100)} Timeout${fl(l, 0x1000)} AdvNonFatalErr${fl(l, 0x2000)}`;

function capAer(c: CapCtx, where: number, type: number): void {
  const { d, out } = c;
  out.p('Advanced Error Reporting\n');
  if (c.verbose < 2 || !d.fetch(where + 4, 40)) return;
  out.p(`\t\tUESta:\t${uncorr(d.l(where + 4))}\n`);
  out.p(`\t\tUEMsk:\t${uncorr(d.l(where + 8))}\n`);
  out.p(`\t\tUESvrt:\t${uncorr(d.l(where + 12))}\n`);
  out.p(`\t\tCESta:\t${corr(d.l(where + 16))}\n`);
  out.p(`\t\tCEMsk:\t${corr(d.l(where + 20))}\n`);
  const l = d.l(where + 24);
  out.p(
    `\t\tAERCap:\tFirst Error Pointer: ${x(l & 31, 2)}, ECRCGenCap${fl(l, 0x20)} ECRCGenEn${fl(l, 0x40)} ECRCChkCap${fl(l, 0x80)} ECRCChkEn${fl(l, 0x100)}\n` +
      `\t\t\tMultHdrRecCap${fl(l, 0x200)} MultHdrRecEn${fl(l, 0x400)} TLPPfxPres${fl(l, 0x800)} HdrLogCap${fl(l, 0x1000)}\n`,
  );
  out.p(`\t\tHeaderLog: ${[0, 4, 8, 12].map((o) => x(d.l(where + 28 + o), 8)).join(' ')}\n`);
  if (type === PCI.EXP_TYPE_ROOT_PORT || type === PCI.EXP_TYPE_ROOT_EC) {
    if (!d.fetch(where + 44, 12)) return;
    let r = d.l(where + 44);
    out.p(`\t\tRootCmd: CERptEn${fl(r, 0x1)} NFERptEn${fl(r, 0x2)} FERptEn${fl(r, 0x4)}\n`);
    r = d.l(where + 48);
    out.p(
      `\t\tRootSta: CERcvd${fl(r, 0x1)} MultCERcvd${fl(r, 0x2)} UERcvd${fl(r, 0x4)} MultUERcvd${fl(r, 0x8)}\n` +
        `\t\t\t FirstFatal${fl(r, 0x10)} NonFatalMsg${fl(r, 0x20)} FatalMsg${fl(r, 0x40)} IntMsg ${(r >>> 27) & 0x1f}\n`,
    );
    out.p(`\t\tErrorSrc: ERR_COR: ${x(d.w(where + 52), 4)} ERR_FATAL/NONFATAL: ${x(d.w(where + 54), 4)}\n`);
  }
}

function capDpc(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Downstream Port Containment\n');
  if (c.verbose < 2 || !d.fetch(where + 4, 8)) return;
  let l = d.w(where + 4);
  out.p(
    `\t\tDpcCap:\tINT Msg #${l & 0x1f}, RPExt${fl(l, 0x20)} PoisonedTLP${fl(l, 0x40)} SwTrigger${fl(l, 0x80)} ` +
      `RP PIO Log ${(l >> 8) & 0xf}, DL_ActiveErr${fl(l, 0x1000)}\n`,
  );
  l = d.w(where + 6);
  out.p(
    `\t\tDpcCtl:\tTrigger:${x(l & 0x3)} Cmpl${fl(l, 0x4)} INT${fl(l, 0x8)} ErrCor${fl(l, 0x10)} PoisonedTLP${fl(l, 0x20)} ` +
      `SwTrigger${fl(l, 0x40)} DL_ActiveErr${fl(l, 0x80)}\n`,
  );
  l = d.w(where + 8);
  out.p(
    `\t\tDpcSta:\tTrigger${fl(l, 0x1)} Reason:${x((l >> 1) & 0x3, 2)} INT${fl(l, 0x8)} RPBusy${fl(l, 0x10)} ` +
      `TriggerExt:${x((l >> 5) & 0x3, 2)} RP PIO ErrPtr:${x((l >> 8) & 0x1f, 2)}\n`,
  );
  out.p(`\t\tSource:\t${x(d.w(where + 10), 4)}\n`);
}

const acsBits = (w: number): string =>
  `SrcValid${fl(w, 0x1)} TransBlk${fl(w, 0x2)} ReqRedir${fl(w, 0x4)} CmpltRedir${fl(w, 0x8)} UpstreamFwd${fl(w, 0x10)} ` +
  `EgressCtrl${fl(w, 0x20)} DirectTrans${fl(w, 0x40)}`;

function capAcs(c: CapCtx, where: number): void {
  c.out.p('Access Control Services\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) return;
  c.out.p(`\t\tACSCap:\t${acsBits(c.d.w(where + 4))}\n`);
  c.out.p(`\t\tACSCtl:\t${acsBits(c.d.w(where + 6))}\n`);
}

function capAri(c: CapCtx, where: number): void {
  c.out.p('Alternative Routing-ID Interpretation (ARI)\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) return;
  let w = c.d.w(where + 4);
  c.out.p(`\t\tARICap:\tMFVC${fl(w, 0x1)} ACS${fl(w, 0x2)}, Next Function: ${(w >> 8) & 0xff}\n`);
  w = c.d.w(where + 6);
  c.out.p(`\t\tARICtl:\tMFVC${fl(w, 0x1)} ACS${fl(w, 0x2)}, Function Group: ${(w >> 4) & 7}\n`);
}

function capAts(c: CapCtx, where: number): void {
  c.out.p('Address Translation Service (ATS)\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) return;
  let w = c.d.w(where + 4);
  c.out.p(`\t\tATSCap:\tInvalidate Queue Depth: ${x(w & 0x1f, 2)}\n`);
  w = c.d.w(where + 6);
  c.out.p(`\t\tATSCtl:\tEnable${fl(w, 0x8000)}, Smallest Translation Unit: ${x(w & 0x1f, 2)}\n`);
}

function capPri(c: CapCtx, where: number): void {
  c.out.p('Page Request Interface (PRI)\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 0xc)) return;
  let w = c.d.w(where + 4);
  c.out.p(`\t\tPRICtl: Enable${fl(w, 0x1)} Reset${fl(w, 0x2)}\n`);
  w = c.d.w(where + 6);
  c.out.p(`\t\tPRISta: RF${fl(w, 0x1)} UPRGI${fl(w, 0x2)} Stopped${fl(w, 0x100)}\n`);
  c.out.p(`\t\tPage Request Capacity: ${x(c.d.l(where + 8), 8)}, Page Request Allocation: ${x(c.d.l(where + 12), 8)}\n`);
}

function capPasid(c: CapCtx, where: number): void {
  c.out.p('Process Address Space ID (PASID)\n');
  if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) return;
  let w = c.d.w(where + 4);
  c.out.p(`\t\tPASIDCap: Exec${fl(w, 0x2)} Priv${fl(w, 0x4)}, Max PASID Width: ${x((w >> 8) & 0x1f, 2)}\n`);
  w = c.d.w(where + 6);
  c.out.p(`\t\tPASIDCtl: Enable${fl(w, 0x1)} Exec${fl(w, 0x2)} Priv${fl(w, 0x4)}\n`);
}

function capSriov(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Single Root I/O Virtualization (SR-IOV)\n');
  if (c.verbose < 2 || !d.fetch(where + 4, 0x3c)) return;
  let l = d.l(where + 4);
  out.p(`\t\tIOVCap:\tMigration${fl(l, 0x1)} 10BitTagReq${fl(l, 0x4)} Interrupt Message Number: ${x(l >>> 21, 3)}\n`);
  let w = d.w(where + 8);
  out.p(
    `\t\tIOVCtl:\tEnable${fl(w, 0x1)} Migration${fl(w, 0x2)} Interrupt${fl(w, 0x4)} MSE${fl(w, 0x8)} ARIHierarchy${fl(w, 0x10)} ` +
      `10BitTagReq${fl(w, 0x20)}\n`,
  );
  w = d.w(where + 0xa);
  out.p(`\t\tIOVSta:\tMigration${fl(w, 0x1)}\n`);
  out.p(
    `\t\tInitial VFs: ${d.w(where + 0xc)}, Total VFs: ${d.w(where + 0xe)}, Number of VFs: ${d.w(where + 0x10)}, ` +
      `Function Dependency Link: ${x(d.b(where + 0x12), 2)}\n`,
  );
  out.p(`\t\tVF offset: ${d.w(where + 0x14)}, stride: ${d.w(where + 0x16)}, Device ID: ${x(d.w(where + 0x1a), 4)}\n`);
  out.p(`\t\tSupported Page Size: ${x(d.l(where + 0x1c), 8)}, System Page Size: ${x(d.l(where + 0x20), 8)}\n`);
  for (let i = 0; i < 6; i++) {
    l = d.l(where + 0x24 + 4 * i);
    if (l === 0xffffffff) l = 0;
    if (!l) continue;
    let s = `\t\tRegion ${i}: Memory at `;
    const addr = (l & ~0xf) >>> 0;
    const type = l & 6;
    if (type === 4) {
      i++;
      s += x(d.l(where + 0x24 + i * 4), 8);
    }
    out.p(`${s}${x(addr, 8)} (${type === 0 ? '32' : '64'}-bit, ${l & 8 ? '' : 'non-'}prefetchable)\n`);
  }
  l = d.l(where + 0x3c);
  out.p(`\t\tVF Migration: offset: ${x(l & 0xfffffff8, 8)}, BIR: ${x(l & 7)}\n`);
}

function capMulticast(c: CapCtx, where: number, type: number): void {
  const { d, out } = c;
  out.p('Multicast\n');
  if (c.verbose < 2 || !d.fetch(where + 4, 0x30)) return;
  const ep = type === PCI.EXP_TYPE_ENDPOINT || type === PCI.EXP_TYPE_ROOT_INT_EP;
  let w = d.w(where + 4);
  let s = `\t\tMcastCap: MaxGroups ${(w & 0x3f) + 1}`;
  const win = (w >> 8) & 0x3f;
  if (ep) s += `, WindowSz ${win} (${1 << win} bytes)`;
  // Without a newline unless the port prints ECRCRegen: the next line then follows on the same one.
  if (type === PCI.EXP_TYPE_ROOT_PORT || type === PCI.EXP_TYPE_UPSTREAM || type === PCI.EXP_TYPE_DOWNSTREAM) s += `, ECRCRegen${fl(w, 0x8000)}\n`;
  out.p(s);
  w = d.w(where + 6);
  out.p(`\t\tMcastCtl: NumGroups ${(w & 0x3f) + 1}, Enable${fl(w, 0x8000)}\n`);
  const q = (o: number): bigint => BigInt(d.l(where + o)) | (BigInt(d.l(where + o + 4)) << 32n);
  let bar = q(0x08);
  out.p(`\t\tMcastBAR: IndexPos ${Number(bar & 0x3fn)}, BaseAddr ${x(bar & ~0xfffn, 16)}\n`);
  out.p(`\t\tMcastReceiveVec:      ${x(q(0x10), 16)}\n`);
  out.p(`\t\tMcastBlockAllVec:     ${x(q(0x18), 16)}\n`);
  out.p(`\t\tMcastBlockUntransVec: ${x(q(0x20), 16)}\n`);
  if (ep) return;
  bar = q(0x28);
  const size = Number(bar & 0x3fn);
  out.p(`\t\tMcastOverlayBAR: OverlaySize ${size} ${size >= 6 ? `(${1 << size} bytes)` : '(disabled)'}, BaseAddr ${x(bar & ~0x3fn, 16)}\n`);
}

function capEvendor(c: CapCtx, where: number): void {
  c.out.p('Vendor Specific Information: ');
  if (!c.d.fetch(where + 4, 4)) {
    c.out.p('<unreadable>\n');
    return;
  }
  const h = c.d.l(where + 4);
  c.out.p(`ID=${x(bits(h, 0, 16), 4)} Rev=${bits(h, 16, 4)} Len=${x(bits(h, 20, 12), 3)} <?>\n`);
}

function l1pmPowerOn(scale: number, value: number): number {
  return scale === 0 ? 2 * value : scale === 1 ? 10 * value : scale === 2 ? 100 * value : -1;
}

function capL1pm(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('L1 PM Substates\n');
  if (c.verbose < 2) return;
  if (!d.fetch(where + 4, 12)) {
    out.p('\t\t<unreadable>\n');
    return;
  }
  const cap = d.l(where + 4);
  out.p(
    `\t\tL1SubCap: PCI-PM_L1.2${fl(cap, 0x1)} PCI-PM_L1.1${fl(cap, 0x2)} ASPM_L1.2${fl(cap, 0x4)} ASPM_L1.1${fl(cap, 0x8)} ` +
      `L1_PM_Substates${fl(cap, 0x10)}\n`,
  );
  const l12 = (cap & 0x1) !== 0 || (cap & 0x4) !== 0;
  if (l12) {
    const t = l1pmPowerOn(bits(cap, 16, 2), bits(cap, 19, 5));
    out.p(`\t\t\t  PortCommonModeRestoreTime=${bits(cap, 8, 8)}us PortTPowerOnTime=${t !== -1 ? `${t}us` : '<error>'}\n`);
  }
  let v = d.l(where + 8);
  out.p(`\t\tL1SubCtl1: PCI-PM_L1.2${fl(v, 0x1)} PCI-PM_L1.1${fl(v, 0x2)} ASPM_L1.2${fl(v, 0x4)} ASPM_L1.1${fl(v, 0x8)}\n`);
  if (l12) {
    let s = `\t\t\t   T_CommonMode=${bits(v, 8, 8)}us`;
    if (cap & 0x4) {
      const scale = bits(v, 29, 3);
      s += scale > 5 ? ' LTR1.2_Threshold=<error>' : ` LTR1.2_Threshold=${bits(v, 16, 10) * ltrScale(scale)}ns`;
    }
    out.p(s + '\n');
  }
  v = d.l(where + 12);
  let s = '\t\tL1SubCtl2:';
  if (l12) {
    const t = l1pmPowerOn(bits(v, 0, 2), bits(v, 3, 5));
    s += t !== -1 ? ` T_PwrOn=${t}us` : ' T_PwrOn=<error>';
  }
  out.p(s + '\n');
}

function capPtm(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Precision Time Measurement\n');
  if (c.verbose < 2) return;
  if (!d.fetch(where + 4, 8)) {
    out.p('\t\t<unreadable>\n');
    return;
  }
  let b = d.l(where + 4);
  out.p(`\t\tPTMCap: Requester:${fl(b, 0x1)} Responder:${fl(b, 0x2)} Root:${fl(b, 0x4)}\n`);
  let clock = bits(b, 8, 8);
  out.p(`\t\tPTMClockGranularity: ${clock === 0 ? 'Unimplemented' : clock === 0xff ? 'Greater than 254ns' : `${clock}ns`}\n`);
  b = d.l(where + 8);
  out.p(`\t\tPTMControl: Enabled:${fl(b, 0x1)} RootSelected:${fl(b, 0x2)}\n`);
  clock = bits(b, 8, 8);
  out.p(`\t\tPTMEffectiveGranularity: ${clock === 0 ? 'Unknown' : clock === 0xff ? 'Greater than 254ns' : `${clock}ns`}\n`);
}

/** ls-ecaps.c print_rebar_range_size: log2 of the size in MB. */
function rebarSize(n: number): string {
  if (n >= 0 && n < 10) return ` ${1 << n}MB`;
  if (n >= 10 && n < 20) return ` ${1 << (n - 10)}GB`;
  if (n >= 20 && n < 30) return ` ${1 << (n - 20)}TB`;
  if (n >= 30 && n < 40) return ` ${1 << (n - 30)}PB`;
  if (n >= 40 && n < 44) return ` ${1 << (n - 40)}EB`;
  return ' <unknown>';
}

function capRebar(c: CapCtx, where: number, virtual: boolean): void {
  const { d, out } = c;
  out.p(`${virtual ? 'Virtual' : 'Physical'} Resizable BAR\n`);
  if (c.verbose < 2) return;
  let numBars = 1;
  for (let n = 0; n < numBars; n++) {
    where += 4;
    if (!d.fetch(where, 8)) {
      out.p('\t\t<unreadable>\n');
      return;
    }
    const sizes = d.l(where) >>> 4;
    where += 4;
    const ctrl = d.l(where);
    const index = bits(ctrl, 0, 3);
    const current = bits(ctrl, 8, 6);
    const ext = bits(ctrl, 16, 16);
    if (n === 0) {
      numBars = bits(ctrl, 5, 3);
      if (numBars < 1 || numBars > 6) {
        out.p(`\t\t<error in resizable BAR: num_bars=${numBars} is out of specification>\n`);
        break;
      }
    }
    let s = `\t\tBAR ${index}: current size:${rebarSize(current)}`;
    if (sizes || ext) {
      s += ', supported:';
      for (let i = 0; i < 28; i++) if (sizes & (1 << i)) s += rebarSize(i);
      for (let i = 0; i < 16; i++) if (ext & (1 << i)) s += rebarSize(i + 28);
    }
    out.p(s + '\n');
  }
}

function capDoe(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Data Object Exchange\n');
  if (c.verbose < 2) return;
  if (!d.fetch(where + 4, 0x14)) {
    out.p('\t\t<unreadable>\n');
    return;
  }
  let l = d.l(where + 4);
  out.p(`\t\tDOECap: IntSup${fl(l, 0x1)}\n`);
  if (l & 0x1) out.p(`\t\t\tInterrupt Message Number ${x((l >>> 1) & 0x7ff, 3)}\n`);
  l = d.l(where + 8);
  out.p(`\t\tDOECtl: IntEn${fl(l, 0x2)}\n`);
  l = d.l(where + 12);
  // PCI_DOE_STS_ERROR is 0x3 in lib/header.h, so "Error" follows either of the two low bits.
  out.p(`\t\tDOESta: Busy${fl(l, 0x1)} IntSta${fl(l, 0x2)} Error${fl(l, 0x3)} ObjectReady${fl(l, 0x80000000)}\n`);
}

function named(text: string): ExtCapPrinter {
  return (c) => c.out.p(text + '\n');
}

/** lspci's printer for each extended capability id it knows (ls-ecaps.c show_ext_caps). */
export const EXT_CAP_PRINTERS: Readonly<Record<number, ExtCapPrinter>> = {
  0x00: named('Null'),
  0x01: capAer,
  0x02: capVc,
  0x03: capDsn,
  0x04: named('Power Budgeting <?>'),
  0x05: capRclink,
  0x06: named('Root Complex Internal Link <?>'),
  0x07: capRcec,
  0x08: named('Multi-Function Virtual Channel <?>'),
  0x09: capVc,
  0x0a: named('Root Complex Register Block <?>'),
  0x0b: capEvendor,
  0x0d: capAcs,
  0x0e: capAri,
  0x0f: capAts,
  0x10: capSriov,
  0x11: named('Multi-Root I/O Virtualization <?>'),
  0x12: capMulticast,
  0x13: capPri,
  0x15: (c, w) => capRebar(c, w, false),
  0x16: named('Dynamic Power Allocation <?>'),
  0x17: capTph,
  0x18: capLtr,
  0x19: capSec,
  0x1a: named('Protocol Multiplexing <?>'),
  0x1b: capPasid,
  0x1c: named('LN Requester <?>'),
  0x1d: capDpc,
  0x1e: capL1pm,
  0x1f: capPtm,
  0x20: named('PCI Express over M_PHY <?>'),
  0x21: named('FRS Queueing <?>'),
  0x22: named('Readiness Time Reporting <?>'),
  0x23: capDvsec,
  0x24: (c, w) => capRebar(c, w, true),
  0x25: named('Data Link Feature <?>'),
  0x26: named('Physical Layer 16.0 GT/s <?>'),
  0x27: named('Lane Margining at the Receiver <?>'),
  0x28: named('Hierarchy ID <?>'),
  0x29: named('Native PCIe Enclosure Management <?>'),
  0x2e: capDoe,
};

/** ls-ecaps.c show_ext_caps: the list from 0x100; `type` is the Express Device/Port type (or -1). */
export function showExtCaps(c: CapCtx, type: number): void {
  const { d, out } = c;
  const seen = new Uint8Array(0x1000);
  let where = 0x100;
  do {
    if (!d.fetch(where, 4)) break;
    const header = d.l(where);
    if (!header || header === 0xffffffff) break;
    const id = header & 0xffff;
    out.p(`\tCapabilities: [${x(where, 3)}${c.verbose > 1 ? ` v${(header >>> 16) & 0xf}` : ''}] `);
    if (seen[where]!++) {
      out.p('<chain looped>\n');
      break;
    }
    const printer = EXT_CAP_PRINTERS[id];
    if (printer) printer(c, where, type);
    else out.p(`Extended Capability ID 0x${x(id)}\n`);
    where = (header >>> 20) & ~3;
  } while (where);
}
