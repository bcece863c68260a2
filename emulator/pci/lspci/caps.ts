// The standard capability list as lspci 3.9.0 prints it: pciutils v3.9.0 ls-caps.c show_caps
// and its cap_* printers (PM, AGP, slot ID, MSI, PCI-X, debug port, bridge subsystem, MSI-X,
// SATA, Advanced Features, Enhanced Allocation), ls-vpd.c cap_vpd (a dump has no VPD access)
// and ls-caps-vendor.c (virtio). HyperTransport is in ht.ts, PCI Express in express.ts, the
// extended list in ecaps.ts. Our code; formats and bit positions are lspci's (lib/header.h).

import { bits, fl, x } from './device';
import type { CapCtx, StdCapPrinter } from './cap-ctx';
import { PCI } from './regs';
import { capHt } from './ht';
import { capExpress } from './express';
import { showExtCaps } from './ecaps';

function capPm(c: CapCtx, where: number, cap: number): void {
  const aux = [0, 55, 100, 160, 220, 270, 320, 375];
  c.out.p(`Power Management version ${cap & 7}\n`);
  if (c.verbose < 2) return;
  c.out.p(
    `\t\tFlags: PMEClk${fl(cap, 0x8)} DSI${fl(cap, 0x20)} D1${fl(cap, 0x200)} D2${fl(cap, 0x400)} AuxCurrent=${aux[(cap & 0x1c0) >> 6]}mA ` +
      `PME(D0${fl(cap, 0x800)},D1${fl(cap, 0x1000)},D2${fl(cap, 0x2000)},D3hot${fl(cap, 0x4000)},D3cold${fl(cap, 0x8000)})\n`,
  );
  if (!c.d.fetch(where + 4, 4)) return;
  const t = c.d.w(where + 4);
  c.out.p(
    `\t\tStatus: D${t & 3} NoSoftRst${fl(t, 0x8)} PME-Enable${fl(t, 0x100)} DSel=${(t & 0x1e00) >> 9} DScale=${(t & 0x6000) >> 13} PME${fl(t, 0x8000)}\n`,
  );
  // PCI_PM_PPB_EXTENSIONS: B2_B3 (0x40) and BPCC_ENABLE (0x80) of a bridge's PM capability.
  const b = c.d.b(where + 6);
  if (b) c.out.p(`\t\tBridge: PM${fl(b, 0x80)} B3${fl(~b, 0x40)}\n`);
}

function agpRate(rate: number, agp3: number): string {
  const parts: string[] = [];
  for (let i = 0; i <= 2; i++) if (rate & (1 << i)) parts.push(`x${1 << (i + 2 * agp3)}`);
  return parts.length ? parts.join(',') : '<none>';
}

function capAgp(c: CapCtx, where: number, cap: number): void {
  const ver = (cap >> 4) & 0x0f;
  const rev = cap & 0x0f;
  c.out.p(`AGP version ${x(ver)}.${x(rev)}\n`);
  if (c.verbose < 2) return;
  if (!c.d.fetch(where + 4, 8)) return;
  let t = c.d.l(where + 4);
  const agp3 = ver >= 3 && t & 0x8 ? 1 : 0;
  c.out.p(
    `\t\tStatus: RQ=${(t >>> 24) + 1} Iso${fl(t, 0x10000)} ArqSz=${(t & 0xe000) >> 13} Cal=${(t & 0x1c00) >> 10} SBA${fl(t, 0x200)} ` +
      `ITACoh${fl(t, 0x100)} GART64${fl(t, 0x80)} HTrans${fl(t, 0x40)} 64bit${fl(t, 0x20)} FW${fl(t, 0x10)} AGP3${fl(t, 0x8)} Rate=${agpRate(t & 7, agp3)}\n`,
  );
  t = c.d.l(where + 8);
  c.out.p(
    `\t\tCommand: RQ=${(t >>> 24) + 1} ArqSz=${(t & 0xe000) >> 13} Cal=${(t & 0x1c00) >> 10} SBA${fl(t, 0x200)} AGP${fl(t, 0x100)} ` +
      `GART64${fl(t, 0x80)} 64bit${fl(t, 0x20)} FW${fl(t, 0x10)} Rate=${agpRate(t & 7, agp3)}\n`,
  );
}

/** ls-vpd.c cap_vpd: a dump cannot read VPD (pci_read_vpd has no method), so it is "Not readable". */
function capVpd(c: CapCtx): void {
  c.out.p('Vital Product Data\n');
  if (c.verbose < 2) return;
  c.out.p('\t\tNot readable\n');
}

function capSlotId(c: CapCtx, _where: number, cap: number): void {
  const esr = cap & 0xff;
  c.out.p(`Slot ID: ${esr & 0x1f} slots, First${fl(esr, 0x20)}, chassis ${x(cap >> 8, 2)}\n`);
}

function capMsi(c: CapCtx, where: number, cap: number): void {
  c.out.p(`MSI: Enable${fl(cap, 0x1)} Count=${1 << ((cap & 0x70) >> 4)}/${1 << ((cap & 0xe) >> 1)} Maskable${fl(cap, 0x100)} 64bit${fl(cap, 0x80)}\n`);
  if (c.verbose < 2) return;
  const is64 = (cap & 0x80) !== 0;
  if (!c.d.fetch(where + 4, (is64 ? 12 : 8) + 2 - 4)) return;
  let s = '\t\tAddress: ';
  let w: number;
  if (is64) {
    s += x(c.d.l(where + 8), 8);
    w = c.d.w(where + 12);
  } else w = c.d.w(where + 8);
  s += `${x(c.d.l(where + 4), 8)}  Data: ${x(w, 4)}\n`;
  c.out.p(s);
  if (cap & 0x100) {
    const m = where + (is64 ? 16 : 12);
    if (!c.d.fetch(m, 8)) return;
    c.out.p(`\t\tMasking: ${x(c.d.l(m), 8)}  Pending: ${x(c.d.l(m + 4), 8)}\n`);
  }
}

const MAX_OUTSTANDING = [1, 2, 3, 4, 8, 12, 16, 32];

function capPcix(c: CapCtx, where: number): void {
  const htype = c.d.b(PCI.HEADER_TYPE) & 0x7f;
  if (htype === PCI.HEADER_TYPE_NORMAL) {
    c.out.p('PCI-X non-bridge device\n');
    if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) return;
    const cmd = c.d.w(where + 2);
    const st = c.d.l(where + 4);
    c.out.p(`\t\tCommand: DPERE${fl(cmd, 0x1)} ERO${fl(cmd, 0x2)} RBC=${1 << (9 + ((cmd & 0xc) >> 2))} OST=${MAX_OUTSTANDING[(cmd & 0x70) >> 4]}\n`);
    c.out.p(
      `\t\tStatus: Dev=${x((st & 0xff00) >> 8, 2)}:${x((st & 0xf8) >> 3, 2)}.${st & 7} 64bit${fl(st, 0x10000)} 133MHz${fl(st, 0x20000)} ` +
        `SCD${fl(st, 0x40000)} USC${fl(st, 0x80000)} DC=${st & 0x100000 ? 'bridge' : 'simple'} DMMRBC=${1 << (9 + ((st & 0x600000) >>> 21))} ` +
        `DMOST=${MAX_OUTSTANDING[(st & 0x3800000) >>> 23]} DMCRS=${1 << (3 + ((st & 0x1c000000) >>> 26))} RSCEM${fl(st, 0x20000000)} ` +
        `266MHz${fl(st, 0x40000000)} 533MHz${fl(st, 0x80000000)}\n`,
    );
  } else if (htype === PCI.HEADER_TYPE_BRIDGE) {
    const freq = ['conv', '66MHz', '100MHz', '133MHz', '?4', '?5', '?6', '?7'];
    c.out.p('PCI-X bridge device\n');
    if (c.verbose < 2 || !c.d.fetch(where + 4, 12)) return;
    const sec = c.d.w(where + 2);
    c.out.p(
      `\t\tSecondary Status: 64bit${fl(sec, 0x1)} 133MHz${fl(sec, 0x2)} SCD${fl(sec, 0x4)} USC${fl(sec, 0x8)} SCO${fl(sec, 0x10)} ` +
        `SRD${fl(sec, 0x20)} Freq=${freq[(sec & 0x1c0) >> 6]}\n`,
    );
    const st = c.d.l(where + 4);
    c.out.p(
      `\t\tStatus: Dev=${x((st & 0xff00) >> 8, 2)}:${x((st & 0xf8) >> 3, 2)}.${st & 7} 64bit${fl(st, 0x10000)} 133MHz${fl(st, 0x20000)} ` +
        `SCD${fl(st, 0x40000)} USC${fl(st, 0x80000)} SCO${fl(st, 0x100000)} SRD${fl(st, 0x200000)}\n`,
    );
    const up = c.d.l(where + 8);
    c.out.p(`\t\tUpstream: Capacity=${up & 0xffff} CommitmentLimit=${up >>> 16}\n`);
    const down = c.d.l(where + 12);
    c.out.p(`\t\tDownstream: Capacity=${down & 0xffff} CommitmentLimit=${down >>> 16}\n`);
  }
  // Other header types: cap_pcix prints nothing, not even the end of the line.
}

/** ls-caps-vendor.c: virtio's vendor capability on Red Hat 1af4:1000–107f; others print their length. */
function capVendor(c: CapCtx, where: number, cap: number): void {
  c.out.p('Vendor Specific Information: ');
  if (c.d.w(PCI.VENDOR_ID) === 0x1af4) {
    const dev = c.d.w(PCI.DEVICE_ID);
    if (dev >= 0x1000 && dev <= 0x107f) {
      const length = bits(cap, 0, 8);
      const type = bits(cap, 8, 8);
      if (length >= 16 && c.d.fetch(where, length)) {
        const names = ['<unknown>', 'CommonCfg', 'Notify', 'ISR', 'DeviceCfg'];
        c.out.p(`VirtIO: ${names[type] ?? '<unknown>'}\n`);
        if (c.verbose < 2) return;
        let s = `\t\tBAR=${c.d.b(where + 4)} offset=${x(c.d.l(where + 8), 8)} size=${x(c.d.l(where + 12), 8)}`;
        if (type === 2 && length >= 20) s += ` multiplier=${x(c.d.l(where + 16), 8)}`;
        c.out.p(s + '\n');
        return;
      }
    }
  }
  c.out.p(`Len=${x(bits(cap, 0, 8), 2)} <?>\n`);
}

function capDebugPort(c: CapCtx, _where: number, cap: number): void {
  c.out.p(`Debug port: BAR=${cap >> 13} offset=${x(cap & 0x1fff, 4)}\n`);
}

function capSsvid(c: CapCtx, where: number): void {
  if (!c.d.fetch(where, 8)) return;
  const sv = c.d.w(where + 4);
  const sd = c.d.w(where + 6);
  c.out.p(`Subsystem: ${c.names.subsystem(c.vendor, c.device, sv, sd)}\n`);
}

function capMsix(c: CapCtx, where: number, cap: number): void {
  c.out.p(`MSI-X: Enable${fl(cap, 0x8000)} Count=${(cap & 0x7ff) + 1} Masked${fl(cap, 0x4000)}\n`);
  if (c.verbose < 2 || !c.d.fetch(where + 4, 8)) return;
  let off = c.d.l(where + 4);
  c.out.p(`\t\tVector table: BAR=${off & 7} offset=${x(off & ~7, 8)}\n`);
  off = c.d.l(where + 8);
  c.out.p(`\t\tPBA: BAR=${off & 7} offset=${x(off & ~7, 8)}\n`);
}

function capAf(c: CapCtx, where: number): void {
  c.out.p('PCI Advanced Features\n');
  if (c.verbose < 2 || !c.d.fetch(where + 3, 3)) return;
  let r = c.d.b(where + 3);
  c.out.p(`\t\tAFCap: TP${fl(r, 0x1)} FLR${fl(r, 0x2)}\n`);
  r = c.d.b(where + 4);
  c.out.p(`\t\tAFCtrl: FLR${fl(r, 0x1)}\n`);
  r = c.d.b(where + 5);
  c.out.p(`\t\tAFStatus: TP${fl(r, 0x1)}\n`);
}

function capSata(c: CapCtx, where: number, cap: number): void {
  c.out.p(`SATA HBA v${bits(cap, 4, 4)}.${bits(cap, 0, 4)}`);
  if (c.verbose < 2 || !c.d.fetch(where + 4, 4)) {
    c.out.p('\n');
    return;
  }
  const bars = c.d.l(where + 4);
  const bar = bits(bars, 0, 4);
  if (bar >= 4 && bar <= 9) c.out.p(` BAR${bar - 4} Offset=${x(bits(bars, 4, 20), 8)}\n`);
  else if (bar === 15) c.out.p(' InCfgSpace\n');
  else c.out.p(` BAR??${bar}\n`);
}

function eaProperty(p: number, secondary: boolean): string | undefined {
  switch (p) {
    case 0x00:
      return 'memory space, non-prefetchable';
    case 0x01:
      return 'memory space, prefetchable';
    case 0x02:
      return 'I/O space';
    case 0x03:
      return 'VF memory space, prefetchable';
    case 0x04:
      return 'VF memory space, non-prefetchable';
    case 0x05:
      return 'allocation behind bridge, non-prefetchable memory';
    case 0x06:
      return 'allocation behind bridge, prefetchable memory';
    case 0x07:
      return 'allocation behind bridge, I/O space';
    case 0xfd:
      return 'memory space resource unavailable for use';
    case 0xfe:
      return 'I/O space resource unavailable for use';
    case 0xff:
      return secondary ? 'entry unavailable for use, PrimaryProperties should be used' : 'entry unavailable for use';
    default:
      return undefined;
  }
}

function capEa(c: CapCtx, where: number, cap: number): void {
  const { d, out } = c;
  let entryBase = where + 4;
  const num = bits(cap, 0, 6);
  const htype = d.b(PCI.HEADER_TYPE) & 0x7f;
  out.p(`Enhanced Allocation (EA): NumEntries=${num}`);
  if (htype === PCI.HEADER_TYPE_BRIDGE) {
    entryBase += 4;
    if (!d.fetch(where + 4, 2)) {
      out.p('\n');
      return;
    }
    out.p(`, secondary=${d.b(where + 4)}, subordinate=${d.b(where + 5)}`);
  }
  out.p('\n');
  if (c.verbose < 2) return;
  for (let entry = 0; entry < num; entry++) {
    if (!d.fetch(entryBase, 4)) return;
    const hdr = d.l(entryBase);
    const es = bits(hdr, 0, 3);
    const bei = bits(hdr, 4, 4);
    const pp = bits(hdr, 8, 8);
    const sp = bits(hdr, 16, 8);
    if (!d.fetch(entryBase + 4, es * 4)) return;
    out.p(`\t\tEntry ${entry}: Enable${fl(hdr, 0x80000000)} Writable${fl(hdr, 0x40000000)} EntrySize=${es}\n`);
    out.p('\t\t\t BAR Equivalent Indicator: ');
    if (bei <= 5) out.p(`BAR ${bei}`);
    else if (bei === 6) out.p('resource behind function');
    else if (bei === 7) out.p('not indicated');
    else if (bei === 8) out.p('expansion ROM');
    else if (bei <= 14) out.p(`VF-BAR ${bei - 9}`);
    else out.p('reserved');
    out.p('\n');
    const pt = eaProperty(pp, false);
    out.p(`\t\t\t PrimaryProperties: ${pt ?? `[${x(pp, 2)}]`}\n`);
    const st = eaProperty(sp, true);
    out.p(`\t\t\t SecondaryProperties: ${st ?? `[${x(sp, 2)}]`}\n`);
    let base = d.l(entryBase + 4);
    const baseHigh = (base & 2) !== 0;
    base = (base & ~3) >>> 0;
    let maxOff = d.l(entryBase + 8);
    const maxHigh = (maxOff & 2) !== 0;
    maxOff = (maxOff | 3) >>> 0;
    let maxHighPos = entryBase + 12;
    out.p('\t\t\t Base: ');
    if (baseHigh) {
      out.p(x(d.l(entryBase + 12)));
      maxHighPos += 4;
    }
    out.p(`${x(base, 8)}\n`);
    out.p('\t\t\t MaxOffset: ');
    if (maxHigh) out.p(x(d.l(maxHighPos)));
    out.p(`${x(maxOff, 8)}\n`);
    entryBase += 4 + 4 * es;
  }
}

function named(text: string): StdCapPrinter {
  return (c) => c.out.p(text + '\n');
}

/** lspci's printer for each standard capability id it knows (ls-caps.c show_caps). */
export const STD_CAP_PRINTERS: Readonly<Record<number, StdCapPrinter>> = {
  0x00: named('Null'),
  0x01: capPm,
  0x02: capAgp,
  0x03: capVpd,
  0x04: capSlotId,
  0x05: capMsi,
  0x06: named('CompactPCI hot-swap <?>'),
  0x07: capPcix,
  0x08: capHt,
  0x09: capVendor,
  0x0a: capDebugPort,
  0x0b: named('CompactPCI central resource control <?>'),
  0x0c: named('Hot-plug capable'),
  0x0d: capSsvid,
  0x0e: named('AGP3 <?>'),
  0x0f: named('Secure device <?>'),
  // 0x10 (PCI Express) is handled in showCaps: its type decides the extended list's printing.
  0x11: capMsix,
  0x12: capSata,
  0x13: capAf,
  0x14: capEa,
};

/** ls-caps.c show_caps: the list from `ptr` (0x34, or 0x14 on a CardBus bridge), then the extended list. */
export function showCaps(c: CapCtx, ptr: number): void {
  const { d, out } = c;
  let canHaveExt = false;
  let type = -1;
  if (d.w(PCI.STATUS) & PCI.STATUS_CAP_LIST) {
    const seen = new Uint8Array(256);
    let where = d.b(ptr) & ~3;
    while (where) {
      out.p('\tCapabilities: ');
      if (!d.fetch(where, 4)) {
        out.p('<access denied>\n');
        break;
      }
      const id = d.b(where);
      const next = d.b(where + 1) & ~3;
      const cap = d.w(where + 2);
      out.p(`[${x(where, 2)}] `);
      if (seen[where]!++) {
        out.p('<chain looped>\n');
        break;
      }
      if (id === 0xff) {
        out.p('<chain broken>\n');
        break;
      }
      if (id === PCI.CAP_ID_EXP) {
        type = capExpress(c, where, cap);
        canHaveExt = true;
      } else {
        const printer = STD_CAP_PRINTERS[id];
        if (printer) printer(c, where, cap);
        else out.p(`Capability ID 0x${x(id)} [${x(cap, 4)}]\n`); // "%#02x" of a non-zero id
        if (id === 0x07) canHaveExt = true;
      }
      where = next;
    }
  }
  if (canHaveExt) showExtCaps(c, type);
}
