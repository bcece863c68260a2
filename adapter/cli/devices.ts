// `vpci-lab devices` lists the device catalog; `vpci-lab lspci` decodes a
// catalog device or a dump file the way lspci does (-v / -vvv, -xxxx).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { registerCommand, type CliIo } from './main';
import { parseArgs } from './args';
import { catalogIds, catalogEntry, catalogBytes, catalogAddress } from '../../emulator/pci/catalog';
import { loadPciIds, type PciIds } from '../../emulator/pci/pci-ids';
import { loadHwdb, type HwdbNames } from '../../emulator/pci/hwdb';
import { decodeLspci } from '../../emulator/pci/lspci-decode';
import { importConfigBinary } from '../../emulator/pci/lspci-import';
import { parseLspciDump } from '../../emulator/pci/lspci/dump';
import type { DumpDevice } from '../../emulator/pci/function';

function pciIds(): PciIds | undefined {
  for (const p of [join(__dirname, '..', 'data', 'pci.ids'), join(__dirname, '..', '..', 'data', 'pci.ids')]) if (existsSync(p)) return loadPciIds(readFileSync(p, 'utf8'));
  return undefined;
}

/**
 * udev's hwdb as this machine's lspci sees it (it asks the hwdb when pci.ids has no name, see
 * emulator/pci/hwdb.ts): the source of the compiled hwdb.bin, when both are installed.
 */
let hwdbCache: { v: HwdbNames | undefined } | undefined;
function systemHwdb(): HwdbNames | undefined {
  hwdbCache ??= { v: readSystemHwdb() };
  return hwdbCache.v;
}
function readSystemHwdb(): HwdbNames | undefined {
  const bin = ['/etc/udev/hwdb.bin', '/usr/lib/udev/hwdb.bin', '/lib/udev/hwdb.bin'].some((p) => existsSync(p));
  const src = ['/usr/lib/udev/hwdb.d/20-pci-vendor-model.hwdb', '/usr/lib/udev/hwdb.d/20-pci-classes.hwdb'];
  if (!bin || !src.every((p) => existsSync(p))) return undefined;
  try {
    return loadHwdb(src.map((p) => readFileSync(p, 'utf8')).join('\n'));
  } catch {
    return undefined;
  }
}

function sizeText(n: number): string {
  const u = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (n >= 1024 && n % 1024 === 0 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n}${u[i]}`;
}

registerCommand('devices', 'list the device catalog (ids for scenarios)', (_args, io) => {
  for (const id of catalogIds()) {
    const e = catalogEntry(id)!;
    const bars = e.bars.map((b) => `${b.index === 'rom' ? 'ROM' : `BAR${b.index}`} ${sizeText(b.size)}`).join(', ');
    io.out(`${id.padEnd(24)} ${e.vendorId.toString(16).padStart(4, '0')}:${e.deviceId.toString(16).padStart(4, '0')}  ${e.title}${e.vf ? ' (VF)' : ''}\n${' '.repeat(25)}${bars}; ${e.interrupts}\n`);
  }
  return 0;
});

function usage(io: CliIo): number {
  io.err('usage: vpci-lab lspci <catalog-id | dump file> [-v|-vv|-vvv] [-n|-nn] [-x|-xxx|-xxxx] [-D] [-O hwdb.disable=1] [--select BB:DD.F] [--bar I=SIZE]...\n');
  return 2;
}

registerCommand('lspci', 'decode a catalog device or a dump like lspci 3.9.0 (-v…-vvv, -n/-nn, -x…-xxxx)', (args, io) => {
  // lspci's own option -O hwdb.disable=1 turns udev's hwdb off, as it does for lspci.
  let hwdbOff = false;
  const all: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-O' && args[i + 1] === 'hwdb.disable=1') {
      hwdbOff = true;
      i++;
    } else all.push(args[i]!);
  }
  const FLAG = /^-(v{1,3}|x{1,4}|n{1,2}|D)$/;
  const flags = all.filter((a) => FLAG.test(a));
  const rest = all.filter((a) => !FLAG.test(a));
  const p = parseArgs(rest, { values: ['select', 'bar'] });
  if (!p.ok) {
    io.err(`vpci-lab lspci: ${p.error}\n`);
    return usage(io);
  }
  if (p.args.positional.length !== 1) return usage(io);
  const what = p.args.positional[0]!;
  const bars: { index: number | 'rom'; size: number }[] = [];
  for (const b of p.args.values.get('bar') ?? []) {
    const m = /^(rom|[0-5])=(\d+)([KMGT]?)$/i.exec(b);
    if (!m) {
      io.err(`vpci-lab lspci: --bar ${b}: expected I=SIZE (e.g. 0=16K, rom=512K)\n`);
      return 2;
    }
    const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[m[3]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
    bars.push({ index: m[1]!.toLowerCase() === 'rom' ? 'rom' : Number(m[1]), size: Number(m[2]) * mult });
  }
  let devs: DumpDevice[];
  const bytes = catalogBytes(what);
  if (bytes) {
    devs = [{ address: catalogAddress(what) ?? '00:00.0', title: catalogEntry(what)!.title, bytes }];
    if (!bars.length) bars.push(...catalogEntry(what)!.bars);
  } else if (existsSync(what)) {
    const raw = readFileSync(what);
    const text = raw.subarray(0, 256).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
    if (text) {
      // Read as lspci -F reads it (any length, gaps as ff, devices in lspci's order).
      const r = parseLspciDump(raw.toString('latin1'));
      if (!r.ok) {
        io.err(`${what}:${r.line}: ${r.message}\n`);
        return 2;
      }
      devs = r.devices.map((d) => ({ address: d.address, title: '', bytes: d.bytes }));
    } else {
      const r = importConfigBinary(new Uint8Array(raw));
      if (!r.ok) {
        io.err(`${what}: ${r.error.message}\n`);
        return 2;
      }
      devs = [r.device];
    }
  } else {
    io.err(`vpci-lab lspci: '${what}' is neither a catalog device (see vpci-lab devices) nor a file\n`);
    return 2;
  }
  const sel = p.args.values.get('select')?.[0];
  if (sel) devs = devs.filter((d) => d.address.endsWith(sel));
  const ids = pciIds();
  const hwdb = hwdbOff ? false : systemHwdb();
  const count = (c: string): number => Math.max(0, ...flags.filter((f) => f[1] === c).map((f) => f.length - 1));
  for (const d of devs) {
    io.out(
      decodeLspci(d.bytes, {
        address: d.address,
        ...(ids ? { ids } : {}),
        ...(hwdb !== undefined ? { hwdb } : {}),
        ...(bars.length ? { bars } : {}),
        verbose: count('v'),
        numeric: count('n'),
        hex: count('x'),
        domains: flags.includes('-D') || devs.some((x) => /^0*[1-9a-f][0-9a-f]*:[0-9a-f]{2}:/i.test(x.address)),
      }),
    );
  }
  return 0;
});
