// HyperTransport capabilities as lspci 3.9.0 prints them: pciutils v3.9.0 ls-caps.c cap_ht,
// cap_ht_pri, cap_ht_sec (register layout: lib/header.h PCI_HT_*). Our code.

import { fl, x } from './device';
import type { CapCtx } from './cap-ctx';

const WIDTHS = ['8bit', '16bit', '[2]', '32bit', '2bit', '4bit', '[6]', 'N/C'];
const FREQS = ['200MHz', '300MHz', '400MHz', '500MHz', '600MHz', '800MHz', '1.0GHz', '1.2GHz', '1.4GHz', '1.6GHz', '[a]', '[b]', '[c]', '[d]', '[e]', 'Vend'];

const linkControl = (v: number): string =>
  `CFlE${fl(v, 0x2)} CST${fl(v, 0x4)} CFE${fl(v, 0x8)} <LkFail${fl(v, 0x10)} Init${fl(v, 0x20)} EOC${fl(v, 0x40)} TXO${fl(v, 0x80)} <CRCErr=${x((v & 0xf00) >> 8)}`;
const linkControlExt = (v: number): string => ` IsocEn${fl(v, 0x1000)} LSEn${fl(v, 0x2000)} ExtCTL${fl(v, 0x4000)} 64b${fl(v, 0x8000)}`;

function linkConfig(v: number, rev22: boolean): string {
  const w = (n: number): string => WIDTHS[n]!;
  if (!rev22) return `MLWI=${w(v & 7)} MLWO=${w((v & 0x70) >> 4)} LWI=${w((v & 0x700) >> 8)} LWO=${w((v & 0x7000) >> 12)}`;
  return (
    `MLWI=${w(v & 7)} DwFcIn${fl(v, 0x8)} MLWO=${w((v & 0x70) >> 4)} DwFcOut${fl(v, 0x80)} ` +
    `LWI=${w((v & 0x700) >> 8)} DwFcInEn${fl(v, 0x800)} LWO=${w((v & 0x7000) >> 12)} DwFcOutEn${fl(v, 0x8000)}`
  );
}

const linkError = (v: number): string => `<Prot${fl(v, 0x10)} <Ovfl${fl(v, 0x20)} <EOC${fl(v, 0x40)} CTLTm${fl(v, 0x80)}`;
const freqCap = (v: number): string =>
  `200MHz${fl(v, 0x1)} 300MHz${fl(v, 0x2)} 400MHz${fl(v, 0x4)} 500MHz${fl(v, 0x8)} 600MHz${fl(v, 0x10)} 800MHz${fl(v, 0x20)} ` +
  `1.0GHz${fl(v, 0x40)} 1.2GHz${fl(v, 0x80)} 1.4GHz${fl(v, 0x100)} 1.6GHz${fl(v, 0x200)} Vend${fl(v, 0x8000)}`;
const features = (v: number): string => `IsocFC${fl(v, 0x1)} LDTSTOP${fl(v, 0x2)} CRCTM${fl(v, 0x4)} ECTLT${fl(v, 0x8)} 64bA${fl(v, 0x10)} UIDRD${fl(v, 0x20)}`;
const errorHandling = (v: number): string =>
  ['PFlE', 'OFlE', 'PFE', 'OFE', 'EOCFE', 'RFE', 'CRCFE', 'SERRFE', 'CF', 'RE', 'PNFE', 'ONFE', 'EOCNFE', 'RNFE', 'CRCNFE', 'SERRNFE']
    .map((n, i) => n + fl(v, 1 << i))
    .join(' ');

function pri(c: CapCtx, where: number, cmd: number): void {
  const { d, out } = c;
  out.p('HyperTransport: Slave or Primary Interface\n');
  if (c.verbose < 2) return;
  if (!d.fetch(where + 4, 24)) return;
  const rid = d.b(where + 12);
  const r22 = rid >= 0x22;
  if (rid < 0x22 && rid > 0x11) out.p('\t\t!!! Possibly incomplete decoding\n');
  out.p(
    `\t\tCommand: BaseUnitID=${cmd & 0x1f} UnitCnt=${(cmd & 0x3e0) >> 5} MastHost${fl(cmd, 0x400)} DefDir${fl(cmd, 0x800)}${r22 ? ` DUL${fl(cmd, 0x1000)}` : ''}\n`,
  );
  const lctr0 = d.w(where + 4);
  out.p(`\t\tLink Control 0: ${linkControl(lctr0)}${r22 ? linkControlExt(lctr0) : ''}\n`);
  out.p(`\t\tLink Config 0: ${linkConfig(d.w(where + 6), r22)}\n`);
  const lctr1 = d.w(where + 8);
  out.p(`\t\tLink Control 1: ${linkControl(lctr1)}${r22 ? linkControlExt(lctr1) : ''}\n`);
  out.p(`\t\tLink Config 1: ${linkConfig(d.w(where + 10), r22)}\n`);
  out.p(`\t\tRevision ID: ${revisionText(rid)}\n`);
  if (!r22) return;
  const lfrer0 = d.b(where + 13);
  out.p(`\t\tLink Frequency 0: ${FREQS[lfrer0 & 0xf]}\n`);
  out.p(`\t\tLink Error 0: ${linkError(lfrer0)}\n`);
  out.p(`\t\tLink Frequency Capability 0: ${freqCap(d.b(where + 14))}\n`);
  out.p(`\t\tFeature Capability: ${features(d.b(where + 16))}\n`);
  const lfrer1 = d.b(where + 17);
  out.p(`\t\tLink Frequency 1: ${FREQS[lfrer1 & 0xf]}\n`);
  out.p(`\t\tLink Error 1: ${linkError(lfrer1)}\n`);
  out.p(`\t\tLink Frequency Capability 1: ${freqCap(d.b(where + 18))}\n`);
  out.p(`\t\tError Handling: ${errorHandling(d.w(where + 22))}\n`);
  out.p(`\t\tPrefetchable memory behind bridge Upper: ${x(d.b(where + 24), 2)}-${x(d.b(where + 25), 2)}\n`);
  out.p(`\t\tBus Number: ${x(d.b(where + 26), 2)}\n`);
}

function sec(c: CapCtx, where: number, cmd: number): void {
  const { d, out } = c;
  out.p('HyperTransport: Host or Secondary Interface\n');
  if (c.verbose < 2) return;
  if (!d.fetch(where + 4, 20)) return;
  const rid = d.b(where + 8);
  const r22 = rid >= 0x22;
  if (rid < 0x22 && rid > 0x11) out.p('\t\t!!! Possibly incomplete decoding\n');
  if (r22) {
    out.p(
      `\t\tCommand: WarmRst${fl(cmd, 0x1)} DblEnd${fl(cmd, 0x2)} DevNum=${(cmd & 0x7c) >> 2} ChainSide${fl(cmd, 0x80)} ` +
        `HostHide${fl(cmd, 0x100)} Slave${fl(cmd, 0x400)} <EOCErr${fl(cmd, 0x800)} DUL${fl(cmd, 0x1000)}\n`,
    );
  } else out.p(`\t\tCommand: WarmRst${fl(cmd, 0x1)} DblEnd${fl(cmd, 0x2)}\n`);
  const lctr = d.w(where + 4);
  out.p(`\t\tLink Control: ${linkControl(lctr)}${r22 ? linkControlExt(lctr) : ''}\n`);
  out.p(`\t\tLink Config: ${linkConfig(d.w(where + 6), r22)}\n`);
  out.p(`\t\tRevision ID: ${revisionText(rid)}\n`);
  if (!r22) return;
  const lfrer = d.b(where + 9);
  out.p(`\t\tLink Frequency: ${FREQS[lfrer & 0xf]}\n`);
  out.p(`\t\tLink Error: ${linkError(lfrer)}\n`);
  out.p(`\t\tLink Frequency Capability: ${freqCap(d.b(where + 10))}\n`);
  const ftr = d.w(where + 12);
  out.p(`\t\tFeature Capability: ${features(ftr)} ExtRS${fl(ftr, 0x100)} UCnfE${fl(ftr, 0x200)}\n`);
  if (ftr & 0x100) {
    out.p(`\t\tError Handling: ${errorHandling(d.w(where + 18))}\n`);
    out.p(`\t\tPrefetchable memory behind bridge Upper: ${x(d.b(where + 20), 2)}-${x(d.b(where + 21), 2)}\n`);
  }
}

/** "%u.%02u" of the revision's major and minor fields. */
function revisionText(rid: number): string {
  return `${(rid & 0xe0) >> 5}.${String(rid & 0x1f).padStart(2, '0')}`;
}

export function capHt(c: CapCtx, where: number, cmd: number): void {
  const { out } = c;
  switch (cmd & 0xe000) {
    case 0x0000:
      return pri(c, where, cmd);
    case 0x2000:
      return sec(c, where, cmd);
  }
  const type = cmd & 0xf800;
  switch (type) {
    case 0x4000:
      out.p('HyperTransport: Switch\n');
      break;
    case 0x8000:
      out.p('HyperTransport: Interrupt Discovery and Configuration\n');
      break;
    case 0x8800:
      out.p(`HyperTransport: Revision ID: ${revisionText(cmd)}\n`);
      break;
    case 0x9000:
      out.p('HyperTransport: UnitID Clumping\n');
      break;
    case 0x9800:
      out.p('HyperTransport: Extended Configuration Space Access\n');
      break;
    case 0xa000:
      out.p('HyperTransport: Address Mapping\n');
      break;
    case 0xa800:
      out.p(`HyperTransport: MSI Mapping Enable${fl(cmd, 0x1)} Fixed${fl(cmd, 0x2)}\n`);
      if (c.verbose >= 2 && !(cmd & 0x2)) {
        if (!c.d.fetch(where + 4, 8)) break;
        const lo = c.d.l(where + 4);
        const hi = c.d.l(where + 8);
        out.p(`\t\tMapping Address Base: ${x((BigInt(hi) << 32n) | BigInt((lo & ~0xfffff) >>> 0), 16)}\n`);
      }
      break;
    case 0xb000:
      out.p('HyperTransport: DirectRoute\n');
      break;
    case 0xb800:
      out.p('HyperTransport: VCSet\n');
      break;
    case 0xc000:
      out.p('HyperTransport: Retry Mode\n');
      break;
    case 0xc800:
      out.p('HyperTransport: X86 (reserved)\n');
      break;
    default:
      out.p(`HyperTransport: #${x(type >> 11, 2)}\n`);
  }
}
