// Designated Vendor-Specific capabilities as lspci 3.9.0 prints them, with the CXL ones it
// decodes: pciutils v3.9.0 ls-ecaps.c cap_dvsec, cap_dvsec_cxl and the dvsec_cxl_* printers
// (register layout lib/header.h PCI_CXL_*). Our code. Where lspci indexes a name table with
// a field wider than the table (cxl_range), C reads past the array: we stop there and say so.

import { LspciDie, bits, fl, x } from './device';
import type { CapCtx } from './cap-ctx';

const RANGE_TYPE = ['Volatile', 'Non-volatile', 'CDAT'];
const RANGE_CLASS = ['DRAM', 'Storage', 'CDAT'];
const INTERLEAVE = [0, 256, 4096, 512, 1024, 2048, 8192, 16384];

function range(c: CapCtx, base: bigint, size: bigint, n: number): void {
  const w = Number(size & 0xffffn);
  size &= ~0x0fffffffn;
  const end = BigInt.asUintN(64, base + size - 1n);
  c.out.p(`\t\tRange${n}: ${x(base, 16)}-${x(end, 16)}\n`);
  const type = RANGE_TYPE[(w >> 2) & 7];
  const cls = RANGE_CLASS[(w >> 5) & 7];
  const il = INTERLEAVE[(w >> 8) & 0x1f];
  if (type === undefined || cls === undefined || il === undefined) {
    // cxl_range's tables are locals: past them lspci 3.9.0 prints its stack (a name, a pointer's
    // bits as the interleave, which change run to run) or crashes on a pointer that is none
    // (SIGSEGV, as for Class 4-7 with Debian's build). No output can match it: said instead.
    const [what, v, k] = type === undefined ? ['Type', (w >> 2) & 7, 3] : cls === undefined ? ['Class', (w >> 5) & 7, 3] : ['Interleave', (w >> 8) & 0x1f, 8];
    throw new LspciDie(
      `Range${n}'s ${what} is ${v}, past the ${k} entries of cxl_range's table: lspci 3.9.0 reads on into its stack there (undefined: stack bytes, or a crash)`,
      true,
      true,
    );
  }
  c.out.p(`\t\t\tValid${fl(w, 0x1)} Active${fl(w, 0x2)} Type=${type} Class=${cls} interleave=${il} timeout=${1 << (((w >> 13) & 7) * 2)}s\n`);
}

function device(c: CapCtx, rev: number, where: number, len: number): void {
  const { d, out } = c;
  if (len < 0x38 || rev < 1) return;
  let w = d.w(where + 0x0a);
  out.p(`\t\tCXLCap:\tCache${fl(w, 0x1)} IO${fl(w, 0x2)} Mem${fl(w, 0x4)} Mem HW Init${fl(w, 0x8)} HDMCount ${(w & 0x30) >> 4} Viral${fl(w, 0x4000)}\n`);
  w = d.w(where + 0x0c);
  out.p(
    `\t\tCXLCtl:\tCache${fl(w, 0x1)} IO${fl(w, 0x2)} Mem${fl(w, 0x4)} Cache SF Cov ${(w & 0xf8) >> 3} Cache SF Gran ${(w & 0x700) >> 8} ` +
      `Cache Clean${fl(w, 0x800)} Viral${fl(w, 0x4000)}\n`,
  );
  w = d.w(where + 0x0e);
  out.p(`\t\tCXLSta:\tViral${fl(w, 0x4000)}\n`);
  w = d.w(where + 0x12);
  out.p(`\t\tCXLSta2:\tResetComplete${fl(w, 0x2)} ResetError${fl(w, 0x4)} PMComplete${fl(w, 0x8000)}\n`);
  w = d.w(where + 0x16);
  const unit = bits(w, 0, 4);
  const size = bits(w, 8, 8);
  if (unit === 2) out.p(`\t\tCache Size: ${x(size * (1 << 20), 8)}\n`);
  else if (unit === 1) out.p(`\t\tCache Size: ${x(size * (64 << 10), 8)}\n`);
  else if (unit === 0) out.p('\t\tCache Size Not Reported\n');
  else out.p(`\t\tCache Size: ${size} of unknown unit size (${unit})\n`);
  const q = (hi: number, lo: number): bigint => (BigInt(d.l(where + hi)) << 32n) | BigInt(d.l(where + lo));
  range(c, q(0x20, 0x24), q(0x18, 0x1c), 1);
  range(c, q(0x30, 0x34), q(0x28, 0x2c), 2);
}

function port(c: CapCtx, where: number, len: number): void {
  const { d, out } = c;
  if (len < 0x28) return;
  let w = d.w(where + 0x0a);
  // lib/header.h uses the register offset PCI_CXL_PORT_EXT_STATUS (0x0a) as the flag's mask.
  out.p(`\t\tCXLPortSta:\tPMComplete${fl(w, 0x0a)}\n`);
  w = d.w(where + 0x0c);
  out.p(`\t\tCXLPortCtl:\tUnmaskSBR${fl(w, 0x1)} UnmaskLinkDisable${fl(w, 0x2)} AltMem${fl(w, 0x4)} AltBME${fl(w, 0x8)} ViralEnable${fl(w, 0x4000)}\n`);
  out.p(`\t\tAlternateBus:\t${x(d.b(where + 0x0e), 2)}-${x(d.b(where + 0x0f), 2)}\n`);
  out.p(`\t\tAlternateBus:\t${x(d.w(where + 0x10), 4)}-${x(d.w(where + 0x12), 4)}\n`);
}

const BLOCK_IDS = ['empty', 'component registers', 'BAR virtualization', 'CXL device registers', 'CPMU registers'];

function registerLocator(c: CapCtx, where: number, len: number): void {
  for (let i = 0; ; i++) {
    const pos = where + 0x0c + 8 * i;
    if (pos + 7 >= where + len) break;
    const lo = c.d.l(pos);
    const hi = c.d.l(pos + 4);
    const bir = bits(lo, 0, 3);
    const id = bits(lo, 8, 8);
    const base = BigInt((bits(lo, 16, 16) << 16) >>> 0) | (BigInt(hi) << 32n);
    if (!id) continue;
    const name = id < BLOCK_IDS.length ? BLOCK_IDS[id]! : id === 0xff ? 'vendor-specific' : '<?>';
    c.out.p(`\t\tBlock${i + 1}: BIR: bar${bir}, ID: ${name}, offset: ${x(base, 16)}\n`);
  }
}

/** The GPF time fields: a base scaled by 1, 10 or 100 of us, ms or s (encodings 0–7). */
function gpfTime(c: CapCtx, w: number): { value: number; unit: string } {
  const base = bits(w, 0, 4);
  const scale = bits(w, 8, 4);
  let value: number;
  switch (scale) {
    case 2:
    case 5:
      value = base * 100;
      break;
    case 1:
    case 4:
    case 7:
      value = base * 10;
      break;
    case 0:
    case 3:
    case 6:
      value = base;
      break;
    default:
      c.out.p(`\t\tReserved time scale encoding ${x(scale)}\n`);
      value = base;
  }
  return { value, unit: scale < 3 ? 'us' : scale < 6 ? 'ms' : scale === 6 ? 's' : '<?>' };
}

function gpfDevice(c: CapCtx, where: number): void {
  const t = gpfTime(c, c.d.w(where + 0x0a));
  c.out.p(`\t\tGPF Phase 2 Duration: ${t.value}${t.unit}\n`);
  c.out.p(`\t\tGPF Phase 2 Power: ${c.d.l(where + 0x0c)}mW\n`);
}

function gpfPort(c: CapCtx, where: number): void {
  let t = gpfTime(c, c.d.w(where + 0x0c));
  c.out.p(`\t\tGPF Phase 1 Timeout: ${t.value}${t.unit}\n`);
  t = gpfTime(c, c.d.w(where + 0x0e));
  c.out.p(`\t\tGPF Phase 2 Timeout: ${t.value}${t.unit}\n`);
}

function flexBus(c: CapCtx, where: number, rev: number): void {
  const { d, out } = c;
  if (rev < 1) {
    out.p(`\t\tRevision ${rev} not supported\n`);
    return;
  }
  const r2 = (w: number): string => (rev > 1 ? ` 256BFlit${fl(w, 0x2000)} PBRFlit${fl(w, 0x4000)}` : '');
  let w = d.w(where + 0x0a);
  out.p(`\t\tFBCap:\tCache${fl(w, 0x1)} IO${fl(w, 0x2)} Mem${fl(w, 0x4)} 68BFlit${fl(w, 0x20)} MltLogDev${fl(w, 0x40)}${r2(w)}`);
  w = d.w(where + 0x0c);
  out.p(
    `\n\t\tFBCtl:\tCache${fl(w, 0x1)} IO${fl(w, 0x2)} Mem${fl(w, 0x4)} SynHdrByp${fl(w, 0x8)} DrftBuf${fl(w, 0x10)} 68BFlit${fl(w, 0x20)} ` +
      `MltLogDev${fl(w, 0x40)} RCD${fl(w, 0x80)} Retimer1${fl(w, 0x100)} Retimer2${fl(w, 0x200)}${r2(w)}`,
  );
  w = d.w(where + 0x0e);
  out.p(
    `\n\t\tFBSta:\tCache${fl(w, 0x1)} IO${fl(w, 0x2)} Mem${fl(w, 0x4)} SynHdrByp${fl(w, 0x8)} DrftBuf${fl(w, 0x10)} 68BFlit${fl(w, 0x20)} ` +
      `MltLogDev${fl(w, 0x40)}${r2(w)}`,
  );
  out.p(`\n\t\tFBModTS:\tReceived FB Data: ${x(bits(d.l(where + 0x10), 0, 24), 6)}\n`);
  if (rev > 1) {
    out.p(`\t\tFBCap2:\tNOPHint${fl(d.l(where + 0x14), 0x1)}\n`);
    out.p(`\t\tFBCtl2:\tNOPHint${fl(d.l(where + 0x18), 0x1)}\n`);
    out.p(`\t\tFBSta2:\tNOPHintInfo: ${x(bits(d.l(where + 0x1c), 0, 2))}\n`);
  }
}

function mld(c: CapCtx, where: number): void {
  const w = c.d.w(where + 0x0a);
  if (w && w <= 0x10) c.out.p(`\t\tNumLogDevs: ${w}\n`);
}

function functionMap(c: CapCtx, where: number): void {
  for (let i = 0; i < 8; i++) c.out.p(`\t\tFuncMap ${i}: ${x(c.d.w(where + 0x0c + 4 * i), 8)}\n`);
}

function cxl(c: CapCtx, id: number, rev: number, where: number, len: number): void {
  c.out.p(': CXL\n');
  if (c.verbose < 2 || !c.d.fetch(where, len)) return;
  switch (id) {
    case 0:
      return device(c, rev, where, len);
    case 2:
      return functionMap(c, where);
    case 3:
      return port(c, where, len);
    case 4:
      return gpfPort(c, where);
    case 5:
      return gpfDevice(c, where);
    case 7:
      return flexBus(c, where, rev);
    case 8:
      return registerLocator(c, where, len);
    case 9:
      return mld(c, where);
    default:
      c.out.p(`\t\tUnknown ID ${x(id, 4)}\n`);
  }
}

export function capDvsec(c: CapCtx, where: number): void {
  const { d, out } = c;
  out.p('Designated Vendor-Specific: ');
  if (!d.fetch(where + 4, 8)) {
    out.p('<unreadable>\n');
    return;
  }
  const hdr = d.l(where + 4);
  const vendor = bits(hdr, 0, 16);
  const rev = bits(hdr, 16, 4);
  const len = bits(hdr, 20, 12);
  const id = d.l(where + 8) & 0xffff;
  out.p(`Vendor=${x(vendor, 4)} ID=${x(id, 4)} Rev=${rev} Len=${len}`);
  // PCI_DVSEC_VENDOR_ID_CXL
  if (vendor === 0x1e98 && len >= 16) cxl(c, id, rev, where, len);
  else out.p(' <?>\n');
}
