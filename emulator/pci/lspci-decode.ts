// An `lspci -vvv`-shaped description of one function's config space. The reference is
// real pciutils 3.9.0 (`lspci -F dump -vvv`, Debian 12), against whose output the tests
// compare (test/pci/lspci-decode.test.ts). Line formats follow that tool's output as
// recorded in data/devices/*.lspci-vvv.txt and data/devices/SOURCES.md; the code is ours.
// Works on raw bytes (64, 256 or 4096 of them; bytes past the end are "not dumped").
// Never throws: a bad pointer or a looped list is printed the way lspci prints it.

import type { PciIds } from './pci-ids';
import { Cfg, hex, pm } from './lspci-decode-util';
import { expressDetails, expressHeader, expressType, type ExpressContext } from './lspci-decode-pcie';
import { capAcs, capAer, capAts, capDpc, capL1pm, capLtr, capPasid, capPri, capPtm, capSecondaryPcie, capTph, capVc } from './lspci-decode-ecaps';

export interface DecodeBarSize {
  index: number | 'rom';
  size: number;
}

export interface DecodeOptions {
  /** "[DDDD:]BB:DD.F" printed at the start of the header line. */
  address: string;
  /** Names; without them lspci's numeric fallbacks ("Device 10fb") are printed. */
  ids?: PciIds;
  /** Known BAR sizes: add "[size=16K]" like a live lspci (a dump cannot show them). */
  bars?: DecodeBarSize[];
  /** Also print the numeric ids, as `lspci -nn` does ("[0200]", "[8086:10fb]"). */
  numeric?: boolean;
}

export function decodeLspci(bytes: Uint8Array, opts: DecodeOptions): string {
  const c = new Cfg(bytes);
  const out: string[] = [];
  const ids = opts.ids;
  const nn = opts.numeric ?? false;

  const vendor = c.w(0x00);
  const device = c.w(0x02);
  const cmd = c.w(0x04);
  const status = c.w(0x06);
  const rev = c.b(0x08);
  const progIf = c.b(0x09);
  const sub = c.b(0x0a);
  const base = c.b(0x0b);
  const htype = c.b(0x0e) & 0x7f;

  // Header line.
  let cls = ids?.className(base, sub) ?? ids?.className(base);
  if (!ids?.className(base, sub)) cls = `Class ${hex((base << 8) | sub, 4)}`;
  let line = `${opts.address} ${cls}${nn ? ` [${hex((base << 8) | sub, 4)}]` : ''}: ${vendorDevice(ids, vendor, device)}`;
  if (nn) line += ` [${hex(vendor, 4)}:${hex(device, 4)}]`;
  if (rev) line += ` (rev ${hex(rev, 2)})`;
  const pi = ids?.className(base, sub, progIf);
  if (progIf || pi) line += ` (prog-if ${hex(progIf, 2)}${pi ? ` [${pi}]` : ''})`;
  out.push(line);

  if (htype === 0) {
    const sv = c.w(0x2c);
    const sd = c.w(0x2e);
    if (sv && sv !== 0xffff) {
      const svName = ids?.vendorName(sv) ?? `Device ${hex(sv, 4)}`;
      const sdName = ids?.subsystemName(vendor, device, sv, sd) ?? ids?.deviceName(vendor, device) ?? `Device ${hex(sd, 4)}`;
      out.push(`\tSubsystem: ${svName} ${sdName}${nn ? ` [${hex(sv, 4)}:${hex(sd, 4)}]` : ''}`);
    }
  }

  out.push(
    '\tControl: ' +
      flags(cmd, [
        [0, 'I/O'], [1, 'Mem'], [2, 'BusMaster'], [3, 'SpecCycle'], [4, 'MemWINV'], [5, 'VGASnoop'],
        [6, 'ParErr'], [7, 'Stepping'], [8, 'SERR'], [9, 'FastB2B'], [10, 'DisINTx'],
      ]),
  );
  out.push(
    '\tStatus: ' +
      flags(status, [[4, 'Cap'], [5, '66MHz'], [6, 'UDF'], [7, 'FastB2B'], [8, 'ParErr']]) +
      ` DEVSEL=${['fast', 'medium', 'slow', '??'][(status >> 9) & 3]} ` +
      flags(status, [[11, '>TAbort'], [12, '<TAbort'], [13, '<MAbort'], [14, '>SERR'], [15, '<PERR'], [3, 'INTx']]),
  );
  if (cmd & 0x4) {
    let lat = `\tLatency: ${c.b(0x0d)}`;
    if (htype === 0) {
      const minGnt = c.b(0x3e);
      const maxLat = c.b(0x3f);
      if (minGnt || maxLat) {
        const parts: string[] = [];
        if (minGnt) parts.push(`${minGnt * 250}ns min`);
        if (maxLat) parts.push(`${maxLat * 250}ns max`);
        lat += ` (${parts.join(', ')})`;
      }
    }
    if (c.b(0x0c)) lat += `, Cache Line Size: ${c.b(0x0c) * 4} bytes`;
    out.push(lat);
  }
  const pin = c.b(0x3d);
  const irq = c.b(0x3c);
  if (pin || irq) out.push(`\tInterrupt: pin ${pin ? String.fromCharCode(0x40 + Math.min(pin, 0x1f)) : '?'} routed to IRQ ${irq}`);

  if (htype === 0 || htype === 1) {
    out.push(...regions(c, cmd, htype === 0 ? 6 : 2, opts.bars));
    out.push(...rom(c, cmd, htype === 0 ? 0x30 : 0x38, opts.bars));
  }
  if (status & 0x10) {
    const ctx: ExpressContext = { hasMemBar: hasMemoryBar(c, htype), isDev0Fn0: /(^|:)00\.0$/.test(opts.address) };
    out.push(...caps(c, ctx));
  }
  return out.join('\n') + '\n';
}

function vendorDevice(ids: PciIds | undefined, v: number, d: number): string {
  const vn = ids?.vendorName(v);
  if (!vn) return `Device ${hex(v, 4)}:${hex(d, 4)}`;
  return `${vn} ${ids?.deviceName(v, d) ?? `Device ${hex(d, 4)}`}`;
}

// --- BARs -----------------------------------------------------------------------------

function regions(c: Cfg, cmd: number, count: number, sizes?: DecodeBarSize[]): string[] {
  // lspci in dump mode: the address comes from pciutils' generic fill (a 64-bit BAR
  // combines with the next register, which then has no address of its own), while the
  // type bits come from each raw register, so a non-zero upper half prints as a region
  // of its own (see data/devices/SOURCES.md, "upper half of a 64-bit BAR").
  const pos: bigint[] = new Array(count).fill(0n);
  for (let i = 0; i < count; i++) {
    const x = c.l(0x10 + 4 * i);
    if (!x || x === 0xffffffff) continue;
    if (x & 1 || (x & 6) !== 4) pos[i] = BigInt(x);
    else if (i < count - 1) {
      const y = c.l(0x10 + 4 * (i + 1));
      pos[i] = BigInt(x) | (BigInt(y) << 32n);
      i++;
    }
  }
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let flg = c.l(0x10 + 4 * i);
    if (flg === 0xffffffff) flg = 0;
    if (!pos[i] && !flg) continue;
    let s = `\tRegion ${i}: `;
    if (flg & 1) {
      const a = pos[i] & ~3n;
      s += 'I/O ports at ';
      s += a || cmd & 1 ? a.toString(16).padStart(4, '0') : '<unassigned>';
      if (!(cmd & 1)) s += ' [disabled]';
    } else {
      const t = (flg >> 1) & 3;
      const a = pos[i] & ~0xfn;
      s += 'Memory at ' + (a ? a.toString(16).padStart(8, '0') : '<unassigned>');
      s += ` (${['32-bit', 'low-1M', '64-bit', 'type 3'][t]}, ${flg & 8 ? '' : 'non-'}prefetchable)`;
      if (!(cmd & 2)) s += ' [disabled]';
    }
    s += sizeSuffix(sizes, i);
    out.push(s);
  }
  return out;
}

function rom(c: Cfg, cmd: number, off: number, sizes?: DecodeBarSize[]): string[] {
  let flg = c.l(off);
  if (flg === 0xffffffff) flg = 0;
  if (!flg) return [];
  const a = flg & ~0x7ff;
  let s = '\tExpansion ROM at ' + (a ? hex(a >>> 0, 8) : '<unassigned>');
  if (!(flg & 1)) s += ' [disabled]';
  else if (!(cmd & 2)) s += ' [disabled by cmd]';
  return [s + sizeSuffix(sizes, 'rom')];
}

function sizeSuffix(sizes: DecodeBarSize[] | undefined, index: number | 'rom'): string {
  const e = sizes?.find((b) => b.index === index);
  return e ? ` [size=${formatSize(e.size)}]` : '';
}

/** lspci's size format: the largest unit that divides evenly (K, M, G, T). */
export function formatSize(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let u = 0;
  while (u < units.length - 1 && n >= 1024 && n % 1024 === 0) {
    n /= 1024;
    u++;
  }
  return `${n}${units[u]}`;
}

// --- Capabilities ---------------------------------------------------------------------

function caps(c: Cfg, ctx: ExpressContext): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  let where = c.b(0x34) & ~3;
  let express = false;
  let type = -1;
  while (where) {
    let s = '\tCapabilities: ';
    if (!c.has(where, 4)) {
      out.push(s + '<access denied>');
      break;
    }
    const id = c.b(where);
    const next = c.b(where + 1) & ~3;
    const cap = c.w(where + 2);
    s += `[${hex(where, 2)}] `;
    if (seen.has(where)) {
      out.push(s + '<chain looped>');
      break;
    }
    seen.add(where);
    if (id === 0xff) {
      out.push(s + '<chain broken>');
      break;
    }
    switch (id) {
      case 0x00:
        out.push(s + 'Null');
        break;
      case 0x01:
        out.push(s + `Power Management version ${cap & 7}`, ...capPm(c, where, cap));
        break;
      case 0x03:
        out.push(s + 'Vital Product Data', '\t\tNot readable');
        break;
      case 0x05:
        out.push(...capMsi(c, where, cap, s));
        break;
      case 0x09:
        out.push(s + `Vendor Specific Information: Len=${hex(c.b(where + 2), 2)} <?>`);
        break;
      case 0x10:
        out.push(s + expressHeader(cap), ...expressDetails(c, where, cap, ctx));
        express = true;
        type = expressType(cap);
        break;
      case 0x11: {
        const table = c.l(where + 4);
        const pba = c.l(where + 8);
        out.push(
          s + `MSI-X: Enable${pm(cap & 0x8000)} Count=${(cap & 0x7ff) + 1} Masked${pm(cap & 0x4000)}`,
          `\t\tVector table: BAR=${table & 7} offset=${hex((table & ~7) >>> 0, 8)}`,
          `\t\tPBA: BAR=${pba & 7} offset=${hex((pba & ~7) >>> 0, 8)}`,
        );
        break;
      }
      default:
        out.push(s + (STD_CAP_NAMES[id] ?? `Capability ID ${'0x' + id.toString(16)} [${hex(cap, 4)}]`));
    }
    where = next;
  }
  if (express && c.has(0x100, 4)) out.push(...extCaps(c, type));
  return out;
}

const STD_CAP_NAMES: Record<number, string> = {
  0x02: 'AGP',
  0x04: 'Slot ID',
  0x06: 'CompactPCI hot-swap <?>',
  0x07: 'PCI-X',
  0x08: 'HyperTransport',
  0x0a: 'Debug port',
  0x0b: 'CompactPCI central resource control <?>',
  0x0c: 'Hot-plug capable',
  0x0d: 'Subsystem',
  0x0e: 'AGP3 <?>',
  0x0f: 'Secure device <?>',
  0x12: 'SATA HBA',
  0x13: 'PCI Advanced Features',
  0x14: 'Enhanced Allocation (EA)',
};

function capPm(c: Cfg, where: number, pmc: number): string[] {
  const aux = [0, 55, 100, 160, 220, 270, 320, 375][(pmc >> 6) & 7];
  const csr = c.w(where + 4);
  return [
    `\t\tFlags: PMEClk${pm(pmc & 8)} DSI${pm(pmc & 0x20)} D1${pm(pmc & 0x200)} D2${pm(pmc & 0x400)} ` +
      `AuxCurrent=${aux}mA PME(D0${pm(pmc & 0x800)},D1${pm(pmc & 0x1000)},D2${pm(pmc & 0x2000)},` +
      `D3hot${pm(pmc & 0x4000)},D3cold${pm(pmc & 0x8000)})`,
    `\t\tStatus: D${csr & 3} NoSoftRst${pm(csr & 8)} PME-Enable${pm(csr & 0x100)} DSel=${(csr >> 9) & 0xf} ` +
      `DScale=${(csr >> 13) & 3} PME${pm(csr & 0x8000)}`,
  ];
}

function capMsi(c: Cfg, where: number, ctrl: number, s: string): string[] {
  const is64 = (ctrl & 0x80) !== 0;
  const maskable = (ctrl & 0x100) !== 0;
  const out = [
    s +
      `MSI: Enable${pm(ctrl & 1)} Count=${1 << ((ctrl >> 4) & 7)}/${1 << ((ctrl >> 1) & 7)} ` +
      `Maskable${pm(maskable)} 64bit${pm(is64)}`,
  ];
  const lo = c.l(where + 4);
  if (is64) out.push(`\t\tAddress: ${hex(c.l(where + 8), 8)}${hex(lo, 8)}  Data: ${hex(c.w(where + 12), 4)}`);
  else out.push(`\t\tAddress: ${hex(lo, 8)}  Data: ${hex(c.w(where + 8), 4)}`);
  if (maskable) {
    const m = where + (is64 ? 0x10 : 0x0c);
    out.push(`\t\tMasking: ${hex(c.l(m), 8)}  Pending: ${hex(c.l(m + 4), 8)}`);
  }
  return out;
}

// --- Extended capabilities (from 0x100; only in 4096-byte dumps) ----------------------

const EXT_CAP_NAMES: Record<number, string> = {
  0x00: 'Null',
  0x01: 'Advanced Error Reporting',
  0x02: 'Virtual Channel',
  0x04: 'Power Budgeting <?>',
  0x05: 'Root Complex Link',
  0x06: 'Root Complex Internal Link <?>',
  0x07: 'Root Complex Event Collector Endpoint Association',
  0x08: 'Multi-Function Virtual Channel <?>',
  0x09: 'Virtual Channel',
  0x0a: 'Root Complex Register Block <?>',
  0x0d: 'Access Control Services',
  0x0f: 'Address Translation Service (ATS)',
  0x11: 'Multi-Root I/O Virtualization <?>',
  0x12: 'Multicast',
  0x13: 'Page Request Interface (PRI)',
  0x15: 'Physical Resizable BAR',
  0x16: 'Dynamic Power Allocation <?>',
  0x17: 'Transaction Processing Hints',
  0x18: 'Latency Tolerance Reporting',
  0x19: 'Secondary PCI Express',
  0x1a: 'Protocol Multiplexing <?>',
  0x1b: 'Process Address Space ID (PASID)',
  0x1c: 'LN Requester <?>',
  0x1d: 'Downstream Port Containment',
  0x1e: 'L1 PM Substates',
  0x1f: 'Precision Time Measurement',
  0x20: 'PCI Express over M_PHY <?>',
  0x21: 'FRS Queueing <?>',
  0x22: 'Readiness Time Reporting <?>',
  0x24: 'Virtual Resizable BAR',
  0x25: 'Data Link Feature <?>',
  0x26: 'Physical Layer 16.0 GT/s <?>',
  0x27: 'Lane Margining at the Receiver <?>',
  0x28: 'Hierarchy ID <?>',
  0x29: 'Native PCIe Enclosure Management <?>',
};

function extCaps(c: Cfg, type: number): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  let where = 0x100;
  while (where) {
    if (!c.has(where, 4)) break;
    const header = c.l(where);
    if (!header || header === 0xffffffff) break;
    const id = header & 0xffff;
    const ver = (header >>> 16) & 0xf;
    const s = `\tCapabilities: [${hex(where, 3)} v${ver}] `;
    if (seen.has(where)) {
      out.push(s + '<chain looped>');
      break;
    }
    seen.add(where);
    switch (id) {
      case 0x01:
        out.push(s + 'Advanced Error Reporting', ...capAer(c, where, type));
        break;
      case 0x02:
      case 0x09:
        out.push(s + 'Virtual Channel', ...capVc(c, where));
        break;
      case 0x18:
        out.push(s + 'Latency Tolerance Reporting', ...capLtr(c, where));
        break;
      case 0x19:
        out.push(s + 'Secondary PCI Express', ...capSecondaryPcie(c, where));
        break;
      case 0x1e:
        out.push(s + 'L1 PM Substates', ...capL1pm(c, where));
        break;
      case 0x0d:
        out.push(s + 'Access Control Services', ...capAcs(c, where));
        break;
      case 0x0f:
        out.push(s + 'Address Translation Service (ATS)', ...capAts(c, where));
        break;
      case 0x13:
        out.push(s + 'Page Request Interface (PRI)', ...capPri(c, where));
        break;
      case 0x17:
        out.push(s + 'Transaction Processing Hints', ...capTph(c, where));
        break;
      case 0x1b:
        out.push(s + 'Process Address Space ID (PASID)', ...capPasid(c, where));
        break;
      case 0x1d:
        out.push(s + 'Downstream Port Containment', ...capDpc(c, where));
        break;
      case 0x1f:
        out.push(s + 'Precision Time Measurement', ...capPtm(c, where));
        break;
      case 0x03: {
        const lo = c.l(where + 4);
        const hi = c.l(where + 8);
        const b = [hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
        out.push(s + 'Device Serial Number ' + b.map((x) => hex(x, 2)).join('-'));
        break;
      }
      case 0x0b: {
        const h = c.l(where + 4);
        out.push(s + `Vendor Specific Information: ID=${hex(h & 0xffff, 4)} Rev=${(h >>> 16) & 0xf} Len=${hex(h >>> 20, 3)} <?>`);
        break;
      }
      case 0x0e: {
        const cap = c.w(where + 4);
        const ctl = c.w(where + 6);
        out.push(
          s + 'Alternative Routing-ID Interpretation (ARI)',
          `\t\tARICap:\tMFVC${pm(cap & 1)} ACS${pm(cap & 2)}, Next Function: ${cap >> 8}`,
          `\t\tARICtl:\tMFVC${pm(ctl & 1)} ACS${pm(ctl & 2)}, Function Group: ${(ctl >> 4) & 7}`,
        );
        break;
      }
      case 0x10:
        out.push(s + 'Single Root I/O Virtualization (SR-IOV)', ...capSriov(c, where));
        break;
      default:
        out.push(s + (EXT_CAP_NAMES[id] ?? `Extended Capability ID 0x${id.toString(16)}`));
    }
    where = (header >>> 20) & ~3;
  }
  return out;
}

function capSriov(c: Cfg, where: number): string[] {
  const cap = c.l(where + 4);
  const ctl = c.w(where + 8);
  const sta = c.w(where + 0x0a);
  const out = [
    `\t\tIOVCap:\tMigration${pm(cap & 1)} 10BitTagReq${pm(cap & 4)} Interrupt Message Number: ${hex(cap >>> 21, 3)}`,
    `\t\tIOVCtl:\tEnable${pm(ctl & 1)} Migration${pm(ctl & 2)} Interrupt${pm(ctl & 4)} MSE${pm(ctl & 8)} ` +
      `ARIHierarchy${pm(ctl & 0x10)} 10BitTagReq${pm(ctl & 0x20)}`,
    `\t\tIOVSta:\tMigration${pm(sta & 1)}`,
    `\t\tInitial VFs: ${c.w(where + 0x0c)}, Total VFs: ${c.w(where + 0x0e)}, Number of VFs: ${c.w(where + 0x10)}, ` +
      `Function Dependency Link: ${hex(c.b(where + 0x12), 2)}`,
    `\t\tVF offset: ${c.w(where + 0x14)}, stride: ${c.w(where + 0x16)}, Device ID: ${hex(c.w(where + 0x1a), 4)}`,
    `\t\tSupported Page Size: ${hex(c.l(where + 0x1c), 8)}, System Page Size: ${hex(c.l(where + 0x20), 8)}`,
  ];
  // VF BARs as lspci prints them: always "Memory at" (I/O VF BARs do not exist), a 64-bit
  // one swallows the next register (even past the sixth), any non-32-bit type says "64-bit".
  for (let i = 0; i < 6; i++) {
    let lo = c.l(where + 0x24 + 4 * i);
    if (lo === 0xffffffff) lo = 0;
    if (!lo) continue;
    const n = i;
    const type = lo & 6;
    let high = '';
    if (type === 4) {
      i++;
      high = hex(c.l(where + 0x24 + 4 * i), 8);
    }
    out.push(`\t\tRegion ${n}: Memory at ${high}${hex((lo & ~0xf) >>> 0, 8)} (${type === 0 ? '32' : '64'}-bit, ${lo & 8 ? '' : 'non-'}prefetchable)`);
  }
  const mig = c.l(where + 0x3c);
  out.push(`\t\tVF Migration: offset: ${hex((mig & ~7) >>> 0, 8)}, BIR: ${mig & 7}`);
  return out;
}

/** pciutils device_has_memory_space_bar on a dump: a non-zero BAR value that is not I/O. */
function hasMemoryBar(c: Cfg, htype: number): boolean {
  const count = htype === 0 ? 6 : htype === 1 ? 2 : htype === 2 ? 1 : 0;
  for (let i = 0; i < count; i++) {
    const x = c.l(0x10 + 4 * i);
    if (!x || x === 0xffffffff) continue;
    if (!(x & 1)) return true;
    // A 64-bit memory BAR's upper half is part of it, not a BAR of its own.
  }
  return false;
}

// --- helpers --------------------------------------------------------------------------

function flags(v: number, bits: [number, string][]): string {
  return bits.map(([bit, name]) => name + pm(v & (1 << bit))).join(' ');
}


