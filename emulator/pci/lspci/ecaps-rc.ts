// Virtual Channel, Root Complex Link and Root Complex Event Collector Endpoint Association as
// lspci 3.9.0 prints them: pciutils v3.9.0 ls-ecaps.c cap_vc, cap_rclink, cap_rcec. Our code.

import { bits, fl, table, x } from './device';
import type { CapCtx } from './cap-ctx';

const REF_CLOCKS = ['100ns'];
const ARB = ['Fixed', 'WRR32', 'WRR64', 'WRR128', '??4', '??5', '??6', '??7'];
const VC_ARB = ['Fixed', 'WRR32', 'WRR64', 'WRR128', 'TWRR128', 'WRR256', '??6', '??7'];

/** "\tFixed+ WRR32- …": names that start with '?' only when their bit is set. */
function arbList(names: string[], v: number): string {
  let s = '';
  for (let i = 0; i < 8; i++) if (names[i]![0] !== '?' || v & (1 << i)) s += `${i ? ' ' : '\t'}${names[i]}${fl(v, 1 << i)}`;
  return s;
}

export function capVc(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Virtual Channel\n');
  if (c.verbose < 2 || !d.fetch(where + 4, 0x1c - 4)) return;
  const cr1 = d.l(where + 4);
  const cr2 = d.l(where + 8);
  const ctrl = d.w(where + 12);
  const status = d.w(where + 14);
  const evc = bits(cr1, 0, 3);
  out.p(`\t\tCaps:\tLPEVC=${bits(cr1, 4, 3)} RefClk=${table(REF_CLOCKS, bits(cr1, 8, 2))} PATEntryBits=${1 << bits(cr1, 10, 2)}\n`);
  out.p(`\t\tArb:${arbList(ARB, cr2)}`);
  let pat = bits(cr2, 24, 8);
  out.p(`\n\t\tCtrl:\tArbSelect=${table(ARB, bits(ctrl, 1, 3))}\n`);
  out.p(`\t\tStatus:\tInProgress${fl(status, 1)}\n`);
  if (pat) {
    pat = where + 16 * pat;
    out.p(`\t\tPort Arbitration Table [${x(pat)}] <?>\n`);
  }
  for (let i = 0; i <= evc; i++) {
    const pos = where + 16 + 12 * i;
    out.p(`\t\tVC${i}:\t`);
    if (!d.fetch(pos, 12)) {
      out.p('<unreadable>\n');
      continue;
    }
    const rcap = d.l(pos);
    const rctrl = d.l(pos + 4);
    const rstatus = d.w(pos + 10);
    const patPos = bits(rcap, 24, 8);
    out.p(`Caps:\tPATOffset=${x(patPos, 2)} MaxTimeSlots=${bits(rcap, 16, 7) + 1} RejSnoopTrans${fl(rcap, 1 << 15)}\n`);
    out.p(`\t\t\tArb:${arbList(VC_ARB, rcap)}`);
    out.p(
      `\n\t\t\tCtrl:\tEnable${fl(rctrl, 1 << 31)} ID=${bits(rctrl, 24, 3)} ArbSelect=${table(VC_ARB, bits(rctrl, 17, 3))} TC/VC=${x(bits(rctrl, 0, 8), 2)}\n`,
    );
    out.p(`\t\t\tStatus:\tNegoPending${fl(rstatus, 2)} InProgress${fl(rstatus, 1)}\n`);
    if (patPos) out.p('\t\t\tPort Arbitration Table <?>\n');
  }
}

const ELT_TYPES = ['Config', 'Egress', 'Internal'];

export function capRclink(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Root Complex Link\n');
  if (c.verbose < 2 || !d.fetch(where + 4, 16 - 4)) return;
  const esd = d.l(where + 4);
  const links = bits(esd, 8, 8);
  out.p(`\t\tDesc:\tPortNumber=${x(bits(esd, 24, 8), 2)} ComponentID=${x(bits(esd, 16, 8), 2)} EltType=${table(ELT_TYPES, bits(esd, 0, 8))}\n`);
  for (let i = 0; i < links; i++) {
    const pos = where + 16 + i * 16;
    out.p(`\t\tLink${i}:\t`);
    if (!d.fetch(pos, 16)) {
      out.p('<unreadable>\n');
      return;
    }
    const desc = d.l(pos);
    const lo = d.l(pos + 8);
    const hi = d.l(pos + 12);
    out.p(
      `Desc:\tTargetPort=${x(bits(desc, 24, 8), 2)} TargetComponent=${x(bits(desc, 16, 8), 2)} AssocRCRB${fl(desc, 4)} ` +
        `LinkType=${desc & 2 ? 'Config' : 'MemMapped'} LinkValid${fl(desc, 1)}\n`,
    );
    if (desc & 2) {
      const n = lo & 7 || 8;
      out.p(`\t\t\tAddr:\t${x(bits(lo, 20, n), 2)}:${x(bits(lo, 15, 5), 2)}.${bits(lo, 12, 3)}  CfgSpace=${x(hi, 8)}${x(lo, 8)}\n`);
    } else out.p(`\t\t\tAddr:\t${x(hi, 8)}${x(lo, 8)}\n`);
  }
}

export function capRcec(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Root Complex Event Collector Endpoint Association\n');
  if (c.verbose < 2 || !d.fetch(where, 12)) return;
  const hdr = d.l(where);
  const ver = (hdr >>> 16) & 0xf;
  const bmap = d.l(where + 4);
  let s = '\t\tRCiEPBitmap: ';
  if (bmap) {
    let prevMatched = false;
    let adj = 0;
    let prev = 0;
    s += 'RCiEP at Device(s):';
    for (let dev = 0; dev < 32; dev++) {
      if (bits(bmap, dev, 1)) {
        if (!adj) s += `${prevMatched ? ',' : ''} ${dev}`;
        adj++;
        prev = dev;
        prevMatched = true;
      } else {
        if (adj > 1) s += `-${prev}`;
        adj = 0;
      }
    }
  } else s += c.verbose > 2 ? '00000000 [none]' : '[none]';
  out.p(s + '\n');
  if (ver < 2) return;
  const busn = d.l(where + 8);
  const last = bits(busn, 16, 8);
  const next = bits(busn, 8, 8);
  if (last === 0 && next === 0xff) out.p(`\t\tAssociatedBusNumbers: ${c.verbose > 2 ? 'ff-00 [none]' : '[none]'}\n`);
  else out.p(`\t\tAssociatedBusNumbers: ${x(next, 2)}-${x(last, 2)}\n`);
}
