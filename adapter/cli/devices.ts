// `vpci-lab devices` lists the device catalog; `vpci-lab lspci` decodes a
// catalog device or a dump file the way lspci does (-v / -vvv, -xxxx).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { registerCommand, type CliIo } from './main';
import { parseArgs } from './args';
import { catalogIds, catalogEntry, catalogBytes, catalogAddress } from '../../emulator/pci/catalog';
import { loadPciIds, type PciIds } from '../../emulator/pci/pci-ids';
import { decodeLspci } from '../../emulator/pci/lspci-decode';
import { exportLspci } from '../../emulator/pci/lspci-export';
import { importLspciText, importConfigBinary } from '../../emulator/pci/lspci-import';
import type { DumpDevice } from '../../emulator/pci/function';
import { sizeText } from '../../emulator/format';
import { nodeFiles } from '../../io/node-files';
import { DUMP_LIMIT, FileError } from '../../io/files';
import { errorReason } from '../../io/errors';

function pciIds(): PciIds | undefined {
  for (const p of [join(__dirname, '..', 'data', 'pci.ids'), join(__dirname, '..', '..', 'data', 'pci.ids')]) if (existsSync(p)) return loadPciIds(readFileSync(p, 'utf8'));
  return undefined;
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
  io.err('usage: vpci-lab lspci <catalog-id | dump file> [-v | -vvv] [-xxxx] [--select BB:DD.F] [--bar I=SIZE]...\n');
  return 2;
}

registerCommand('lspci', 'decode a catalog device or a dump like lspci (-v, -vvv, -xxxx)', (args, io) => {
  const flags = args.filter((a) => /^-(v+|x+|nn)$/.test(a));
  const rest = args.filter((a) => !/^-(v+|x+|nn)$/.test(a));
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
  } else if (/[\\/.]/.test(what) || existsSync(what)) {
    // A dump file: a regular file of at most DUMP_LIMIT bytes (a folder, a FIFO or /dev/zero is refused by name).
    let raw: Buffer;
    try {
      raw = Buffer.from(nodeFiles.readFileSync(what, DUMP_LIMIT));
    } catch (e) {
      io.err(`vpci-lab lspci: ${e instanceof FileError && e.problem === 'missing' ? `'${what}' is neither a catalog device (see vpci-lab devices) nor a file` : e instanceof FileError ? e.message : `${what}: ${errorReason(e)}`}\n`);
      return 2;
    }
    const text = raw.subarray(0, 256).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
    if (text) {
      const r = importLspciText(raw.toString('latin1'));
      if (!r.ok) {
        io.err(`${what}:${r.error.line}: ${r.error.message}\n`);
        return 2;
      }
      devs = r.devices;
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
  const verbose = flags.find((f) => f.startsWith('-v'));
  const hex = flags.find((f) => f.startsWith('-x'));
  for (const d of devs) {
    if (verbose || !hex) {
      const text = decodeLspci(d.bytes, { address: d.address, ...(ids ? { ids } : {}), ...(bars.length ? { bars } : {}), ...(flags.includes('-nn') ? { numeric: true } : {}) });
      const lines = text.split('\n');
      io.out((verbose === '-vvv' || verbose === '-vv' ? lines : verbose === '-v' ? lines.filter((l) => !/^\t\t/.test(l)) : lines.slice(0, 1)).join('\n') + '\n');
    }
    if (hex) {
      const full = exportLspci(d.bytes, d.address, d.title).split('\n');
      const limit = hex === '-x' ? 64 : hex === '-xxx' ? 256 : 4096;
      io.out(full.filter((l) => !/^[0-9a-f]{3}:/.test(l) || parseInt(l.slice(0, 3), 16) < limit).slice(1).join('\n') + '\n');
    }
  }
  return 0;
});
