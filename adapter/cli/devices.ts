// `vpci-lab devices` lists the device catalog; `vpci-lab lspci` decodes a
// catalog device or a dump file the way lspci does (-v / -vvv, -xxxx).
import { readFileSync, existsSync, lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, STDIN_ARG, STDIN_NAME, notUtf8Hint, type Command } from './io';
import { parse } from './args';
import { didYouMean } from '../../emulator/scenario/names';
import { numberValue } from '../../emulator/scenario/lexer';
import { catalogIds, catalogEntry, catalogBytes, catalogAddress } from '../../emulator/pci/catalog';
import { loadPciIds, type PciIds } from '../../emulator/pci/pci-ids';
import { hwdbFromPciIds, loadHwdb, type HwdbNames } from '../../emulator/pci/hwdb';
import { lspciNames, lspciRun } from '../../emulator/pci/lspci/index';
import { lspciTree, slotPaths, type TreeDevice } from '../../emulator/pci/lspci/tree';
import { textBytes, textOfBytes } from '../../emulator/format';
import { importConfigBinary, isDumpText, withoutBom, NO_DUMP_FOUND } from '../../emulator/pci/lspci-import';
import { parseLspciDump } from '../../emulator/pci/lspci/dump';
import { filterMatches, newFilter, parseIdFilter, parseSlotFilter } from '../../emulator/pci/lspci/filter';
import type { DumpDevice } from '../../emulator/pci/function';
import { firstEight, shortText, shown, sizeText } from '../../emulator/format';
import { layoutBars, powerOfTwoProblem } from '../../emulator/pci/bars';
import { emptyDevice, nodeFiles } from '../../io/node-files';
import { DATA_LIMIT, DUMP_LIMIT, FileError, bytesText, shownPath } from '../../io/files';
import { errorReason } from '../../io/errors';

function pciIds(): PciIds | undefined {
  for (const p of [join(__dirname, '..', 'data', 'pci.ids'), join(__dirname, '..', '..', 'data', 'pci.ids')])
    if (existsSync(p)) return loadPciIds(readFileSync(p, 'utf8'));
  return undefined;
}

/**
 * Whether a name is on disk as itself, a symbolic link that leads nowhere or round in a loop
 * included (existsSync follows it and says no): such a name is a file argument that cannot be
 * read, said as that, not "neither a catalog device nor a file".
 */
function onDisk(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The pci.ids of `lspci -i FILE` as lib/names-parse.c pci_load_name_list reads it (Debian builds it
 * with zlib: gzopen reads a gzip file or a plain one; FILE.gz that cannot be opened is tried
 * without .gz): undefined when it cannot be opened (lspci then names devices from the hwdb alone,
 * silently); the message, where lspci stops with "<error> at FILE, line N".
 */
function idsFile(file: string): PciIds | undefined | string {
  const stop = (error: string, line: number): string =>
    `-i ${shownPath(file)}:${line}: ${error} (lspci 3.9.0 stops there: "${error} at ${shown(file)}, line ${line}")`;
  let raw: Uint8Array | undefined;
  for (const name of file.endsWith('.gz') ? [file, file.slice(0, -3)] : [file]) {
    try {
      if (statSync(name).isDirectory()) return stop('I/O error', 0);
    } catch {
      continue; // not there or not reachable: gzopen fails too
    }
    if (emptyDevice(name)) {
      raw = new Uint8Array(0);
      break;
    }
    try {
      // Read as every other file here (io/node-files.ts): a FIFO or a device, which lspci would read
      // for ever, and a file over the limit are said by name (ours), never read without end.
      raw = nodeFiles.readFileSync(name, DATA_LIMIT);
      break;
    } catch (e) {
      if (e instanceof FileError && e.problem !== 'missing' && e.problem !== 'denied') return `-i ${shownPath(name)}: ${e.reason}`;
      // not readable: gzopen fails too, and lspci names devices from the hwdb alone
    }
  }
  if (!raw) return undefined;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      // Unpacked within the same limit: a small file that unpacks without end is refused, not unpacked.
      // node:zlib is loaded here, for the rare gzipped -i file: at the top it loaded at every start of
      // the debug adapter too, whose bundle holds the CLI's commands (adapter/bundle.ts), ~1 ms of its launch.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
      const { gunzipSync } = require('node:zlib') as typeof import('node:zlib');
      raw = gunzipSync(raw, { maxOutputLength: DATA_LIMIT });
    } catch (e) {
      if (e instanceof RangeError)
        return `-i ${shownPath(file)}: unpacks to more than ${bytesText(DATA_LIMIT)}; files read here are limited to ${bytesText(DATA_LIMIT)}`;
      return stop(e instanceof Error && /unexpected end/i.test(e.message) ? 'unexpected end of file' : 'data error', 0);
    }
  }
  // As lspci reads it, byte for byte: a byte-order mark is line 1's first bytes (a Parse error), and a
  // name's byte that is not UTF-8 (a Latin-1 'é') is printed as that byte, not as U+FFFD.
  const text = textOfBytes(raw);
  // MAX_LINE: gzgets reads 1023 bytes at most, and a piece without its line end is "Line too long"
  // (names-parse.c id_parse_list); so is a line with a zero byte before its end, where the C string
  // ends, unless gzgets met the end of the file there.
  const long = text.split('\n').findIndex((l, i, all) => {
    const n = /[\udc80-\udcff]/.test(l) ? textBytes(l).length : Buffer.byteLength(l, 'utf8');
    const end = /[\0\r]/.exec(l.slice(0, 1023))?.[0];
    return end !== '\r' && (n > 1023 || (n === 1023 && i < all.length - 1) || (end === '\0' && i < all.length - 1));
  });
  // The last line, if gzgets met the file's end in it, is read to its first zero byte.
  const zero = text.indexOf('\0', text.lastIndexOf('\n') + 1);
  const ids = loadPciIds(zero < 0 ? text : text.slice(0, zero));
  const first = ids.errors[0];
  if (long >= 0 && (!first || first.line >= long + 1)) return stop('Line too long', long + 1);
  return first ? stop(first.message, first.line) : ids;
}

/**
 * Where libudev looks for the compiled hwdb, in order (systemd src/libsystemd/sd-hwdb/hwdb-internal.h,
 * HWDB_BIN_PATHS, with UDEVLIBEXECDIR /usr/lib/udev and /lib/udev before the /usr merge). lspci
 * asks it only when one of them exists (lib/names-hwdb.c: no hwdb, no names from it).
 */
const HWDB_BIN = ['/etc/systemd/hwdb/hwdb.bin', '/etc/udev/hwdb.bin', '/usr/lib/systemd/hwdb/hwdb.bin', '/usr/lib/udev/hwdb.bin', '/lib/udev/hwdb.bin'];
/** The sources the PCI part of that hwdb is compiled from (systemd hwdb.d). */
const HWDB_PCI_SOURCES = ['/usr/lib/udev/hwdb.d/20-pci-vendor-model.hwdb', '/usr/lib/udev/hwdb.d/20-pci-classes.hwdb'];

/**
 * udev's hwdb as this machine's lspci sees it (it asks the hwdb when pci.ids has no name, see
 * emulator/pci/hwdb.ts): `false` when the machine has none (a minimal container: lspci then names
 * only what pci.ids names); its PCI sources when both they and the compiled hwdb are installed;
 * undefined when only the compiled one is, which the decoder takes as the hwdb generated from
 * pci.ids (what a distribution builds it from).
 */
let hwdbCache: { v: HwdbNames | false | undefined } | undefined;
export function systemHwdb(): HwdbNames | false | undefined {
  hwdbCache ??= { v: readSystemHwdb() };
  return hwdbCache.v;
}
function readSystemHwdb(): HwdbNames | false | undefined {
  if (!HWDB_BIN.some((p) => existsSync(p))) return false;
  if (!HWDB_PCI_SOURCES.every((p) => existsSync(p))) return undefined;
  try {
    return loadHwdb(HWDB_PCI_SOURCES.map((p) => readFileSync(p, 'utf8')).join('\n'));
  } catch {
    return undefined;
  }
}

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'list the device catalog (ids for scenarios)',
  usage: `usage: vpci-lab devices

Lists the device catalog: the id a scenario names, vendor:device, title, BAR sizes and interrupts.

options:
  -h, --help   print this help
`,
  run(args, io) {
    const r = parse(args, {});
    if (!r.ok || r.p.positionals.length) {
      io.err(`vpci-lab: devices: ${r.ok ? `unexpected argument ${shown(r.p.positionals[0]!)}` : r.error}\n(vpci-lab devices --help for usage)\n`);
      return EXIT.badInput;
    }
    for (const id of catalogIds()) {
      const e = catalogEntry(id)!;
      const bars = e.bars.map((b) => `${b.index === 'rom' ? 'ROM' : `BAR${b.index}`} ${sizeText(b.size)}`).join(', ');
      io.out(
        `${id.padEnd(24)} ${e.vendorId.toString(16).padStart(4, '0')}:${e.deviceId.toString(16).padStart(4, '0')}  ${e.title}\n${' '.repeat(25)}${bars}; ${e.interrupts}\n${' '.repeat(25)}data: ${e.source}\n`,
      );
    }
    return EXIT.ok;
  },
};

export const LSPCI_USAGE = `usage: vpci-lab lspci <catalog-id | dump file | -F dump file> [-v|-vv|-vvv] [-n|-nn] [-x|-xxx|-xxxx] [-m|-mm] [-k] [-b] [-t] [-P|-PP] [-D] [-s SLOT] [-d ID] [-i FILE] [-O NAME=VALUE] [--select BB:DD.F] [--bar I=SIZE]...

Decodes a catalog device (vpci-lab devices lists them) or a dump file (lspci -xxxx text, read as
lspci -F reads it, or raw config-space bytes) the way lspci 3.9.0 prints it. A dump written -
is read from standard input (lspci -xxxx | vpci-lab lspci -).

options:
  -v, -vv, -vvv      verbose, as lspci (-vv and -vvv print every capability field; more v's are -vvv)
  -x, -xxx, -xxxx    hex dump of the first 64, 256 or 4096 bytes of config space (more x's are -xxxx)
  -n, -nn            numbers instead of names, or both (more n's are -nn)
  -F FILE            the dump file, as lspci -F FILE takes it (the same as naming it alone)
  -m, -mm            machine-readable output, as lspci (-vmm: one Field:<tab>value per line)
  -k                 as lspci -k on a dump: the Subsystem line (no driver or modules: a dump has none)
  -b                 bus-centric view: as lspci -b, no bases for a dump shorter than 64 bytes
  -t, -P, -PP        the bus tree, and slots with the bridges above them, as lspci builds them
                     from the bridges' bus numbers in the dump
  -D                 always show the PCI domain
  -i FILE            the pci.ids to name devices from (gzip or plain), as lspci -i (default: the bundled one)
  -O hwdb.disable=1  do not ask udev's hardware database for names pci.ids lacks; the other
                     parameters lspci -F ignores are accepted, dump.name is refused (-O help lists them)
  -s [[[[DOMAIN]:]BUS]:][DEV][.[FUNC]]
                     as lspci -s: only devices in that domain, bus, device, function (hex;
                     a part left out or * matches any); no device matching prints nothing
  -d [VENDOR]:[DEVICE][:CLASS[:PROG-IF]]
                     as lspci -d: only devices with those ids (hex; x in CLASS matches any digit)
  --select BB:DD.F   only the device at that address, and an error if there is none
  --bar I=SIZE       a dump's BAR I size (0-5 or rom; once each, a power of two its register can
                     hold: a 32-bit memory BAR up to 2G, I/O up to 64K), e.g. 0=16K: a dump
                     cannot tell it (a catalog device has its own: refused there); one device's,
                     so with a dump of several, --select or -s picks the one
  -h, --help         print this help

As lspci, it prints pcilib's warnings on stderr ("pcilib: …"), and where lspci 3.9.0 stops with
"Internal bug" (a capability that reaches past what it read), it prints what lspci prints up to
there and stops, later devices too. A dump with no device in it (an empty file) is an error
here, as in a scenario, where lspci -F prints nothing. A dump saved as UTF-16 (PowerShell's >)
or with a UTF-8 byte-order mark reads as its text.

exit codes:
  0  decoded
  1  lspci 3.9.0 stops or crashes here ("Internal bug", -P, a -t too deep): stderr says where
  2  bad input: an unknown device, an unreadable or malformed dump, a wrong option
`;

const LSPCI_OPTIONS = {
  verbose: { type: 'boolean', short: 'v', multiple: true },
  hex: { type: 'boolean', short: 'x', multiple: true },
  numeric: { type: 'boolean', short: 'n', multiple: true },
  domains: { type: 'boolean', short: 'D' },
  option: { type: 'string', short: 'O', multiple: true },
  select: { type: 'string' },
  slot: { type: 'string', short: 's', multiple: true },
  id: { type: 'string', short: 'd', multiple: true },
  bar: { type: 'string', multiple: true },
  // lspci -F FILE (lspci.c: "F:" → pacc->method = PCI_ACCESS_DUMP, dump.name = FILE): the same dump
  // file as the positional argument, for a command line typed as for lspci.
  file: { type: 'string', short: 'F' },
  machine: { type: 'boolean', short: 'm', multiple: true },
  kernel: { type: 'boolean', short: 'k', multiple: true },
  // -b (lspci.c: pacc->buscentric = 1) changes only what access methods read from the OS and
  // show_htype_unknown, which it skips: on a dump, the bases of one shorter than 64 bytes.
  buscentric: { type: 'boolean', short: 'b', multiple: true },
  tree: { type: 'boolean', short: 't', multiple: true },
  path: { type: 'boolean', short: 'P', multiple: true },
  // -i FILE: the pci.ids to name devices from (common.c: pci_set_name_list_path), read as idsFile reads it.
  ids: { type: 'string', short: 'i' },
  // The rest of lspci 3.9.0's switches (lspci.c options[], common.c GENERIC_OPTIONS): known, so
  // each is refused by what it does (UNMODELLED), not as an unknown option.
  pcimap: { type: 'string', short: 'p' },
  dns: { type: 'boolean', short: 'q', multiple: true },
  dnsAll: { type: 'boolean', short: 'Q', multiple: true },
  busMapping: { type: 'boolean', short: 'M', multiple: true },
  method: { type: 'string', short: 'A' },
  hardware: { type: 'string', short: 'H' },
  debugging: { type: 'boolean', short: 'G', multiple: true },
} as const;

/** lspci's switches this command knows but does not model, and what each does there. */
const UNMODELLED: Partial<Record<keyof typeof LSPCI_OPTIONS, string>> = {
  pcimap: '-p (modules.pcimap)',
  dns: '-q (DNS queries)',
  dnsAll: '-Q (DNS queries)',
  busMapping: '-M (bus mapping)',
  method: '-A (access method)',
  hardware: '-H (direct hardware access)',
  debugging: '-G (debugging)',
};

/**
 * The PCI access parameters of pciutils 3.9.0 as Debian builds it for x86-64 (`lspci -O help`), and
 * what `lspci -F` does with each: only hwdb.disable changes what it prints; dump.name would name
 * another dump than the one given, which this command does not model; the others serve access
 * methods or the DNS lookups (-q) that -F does not use, so lspci -F prints the same with them.
 */
const PCILIB_PARAMETERS: Record<string, 'hwdb' | 'unused' | 'unmodelled'> = {
  'hwdb.disable': 'hwdb',
  'dump.name': 'unmodelled',
  'devmem.path': 'unused',
  'mmio-conf1.addrs': 'unused',
  'mmio-conf1-ext.addrs': 'unused',
  'proc.path': 'unused',
  'sysfs.path': 'unused',
  'net.cache_name': 'unused',
  'net.domain': 'unused',
};

/**
 * An -O argument as pcilib takes it (lib/common.c parse_generic_option, pci_set_param): NAME=VALUE,
 * NAME one of its parameters. hwdb.disable is on when its value reads as a non-zero number with C's
 * atoi, as lib/names-hwdb.c reads it (hwdb.disable=0 or =abc leaves the hwdb on). The error, when it
 * is refused.
 */
function pcilibParameter(arg: string): { hwdbOff?: boolean } | string {
  const eq = arg.indexOf('=');
  if (eq < 0) return `-O ${shown(arg)}: a PCI access parameter is written NAME=VALUE (as -O hwdb.disable=1)`;
  const name = arg.slice(0, eq);
  const kind = Object.hasOwn(PCILIB_PARAMETERS, name) ? PCILIB_PARAMETERS[name] : undefined;
  if (!kind) {
    const near = didYouMean(name, Object.keys(PCILIB_PARAMETERS));
    return `-O ${shown(arg)}: unknown PCI access parameter ${shown(name, "'")}${near ? ` (did you mean ${near}?)` : ''}; lspci 3.9.0 knows ${Object.keys(PCILIB_PARAMETERS).join(', ')}`;
  }
  if (kind === 'unmodelled') return `-O ${shown(arg)}: not modelled here: the dump read is the file given as the argument`;
  if (kind === 'unused') return {};
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(arg.slice(eq + 1));
  return { hwdbOff: m !== null && /[1-9]/.test(m[2]!) };
}

/** A device address (BB:DD.F or DDDD:BB:DD.F) as [domain, bus, device, function]. */
function addressParts(a: string): number[] {
  const p = a.split(/[:.]/).map((x) => parseInt(x, 16));
  return p.length === 3 ? [0, ...p] : p;
}

export const lspciCommand: Command = {
  name: 'lspci',
  summary: 'decode a catalog device or a dump like lspci 3.9.0 (-v…-vvv, -n/-nn, -x…-xxxx)',
  usage: LSPCI_USAGE,
  async run(args, io) {
    const bad = (why: string) => {
      io.err(`vpci-lab: lspci: ${why}\n(vpci-lab lspci --help for usage)\n`);
      return EXIT.badInput;
    };
    const r = parse(args, LSPCI_OPTIONS, ['slot', 'id']);
    if (!r.ok) return bad(r.error);
    // `-O help` lists the parameters and exits 0, with or without a device, as lspci does.
    if (r.p.values.option?.includes('help')) {
      const what = { hwdb: 'non-zero: no hwdb names', unused: 'ignored, as by lspci -F', unmodelled: 'refused here' };
      io.out(
        `PCI access parameters (-O NAME=VALUE) of lspci 3.9.0:\n${Object.entries(PCILIB_PARAMETERS)
          .map(([n, k]) => `  ${n.padEnd(21)}${what[k]}\n`)
          .join('')}`,
      );
      return EXIT.ok;
    }
    for (const [name, what] of Object.entries(UNMODELLED))
      if (r.p.values[name as keyof typeof LSPCI_OPTIONS] !== undefined) return bad(`${what}: not modelled here`);
    const fileArg = r.p.values.file;
    const given = fileArg === undefined ? r.p.positionals : [fileArg, ...r.p.positionals];
    if (given.length !== 1)
      return bad(
        given.length
          ? `one device or dump at a time (got ${given.length}${fileArg === undefined ? '' : `: -F ${shown(fileArg)} and ${shown(r.p.positionals[0]!)}`})`
          : 'which device or dump file?',
      );
    const v = r.p.values;
    // lspci counts each letter (lspci.c: verbose++, opt_hex++, pacc->numeric_ids++) and tests the
    // counts with >=, so -vvvv prints as -vvv, -xxxxx as -xxxx and -nnn as -nn.
    const nv = Math.min(v.verbose?.length ?? 0, 3);
    const nx = Math.min(v.hex?.length ?? 0, 4);
    const nn = Math.min(v.numeric?.length ?? 0, 2);
    let hwdbOff = false;
    for (const o of v.option ?? []) {
      const p = pcilibParameter(o);
      if (typeof p === 'string') return bad(p);
      if (p.hwdbOff !== undefined) hwdbOff = p.hwdbOff;
    }
    // lspci's own filters, each applied in turn to one filter as pcilib does (emulator/pci/lspci/filter.ts),
    // in the order given: lspci stops at the first bad one.
    const filter = newFilter();
    for (const { name, value } of r.p.given) {
      const e = name === 'slot' ? parseSlotFilter(filter, value) : name === 'id' ? parseIdFilter(filter, value) : undefined;
      if (e) return bad(`-${name === 'slot' ? 's' : 'd'}: ${e}`);
    }
    const what = given[0]!;
    /** The dump as messages name it: a path as written, standard input as <stdin>. */
    const dumpName = shownPath(what === STDIN_ARG ? STDIN_NAME : what);
    const bars: { index: number | 'rom'; size: number }[] = [];
    /** Each BAR's --bar argument as written, to name it in an error. */
    const barArg = new Map<number | 'rom', string>();
    for (const b of v.bar ?? []) {
      const m = /^(rom|[0-5])=(\d+)([KMGT]?)$/i.exec(b);
      if (!m) return bad(`--bar ${shown(b)}: expected I=SIZE (e.g. 0=16K, rom=512K)`);
      const index = m[1]!.toLowerCase() === 'rom' ? 'rom' : Number(m[1]);
      const name = index === 'rom' ? 'ROM' : `BAR ${index}`;
      // The size as a scenario's `bar I SIZE` reads it: past 2^53-1 it is too large, where the product
      // of floats said 2^53 or 2^64 was 'not a power of two'.
      const n = numberValue(m[2]! + m[3]!.toUpperCase());
      if ('error' in n) return bad(`--bar ${shown(b)}: ${name} size ${n.error}`);
      const size = n.value;
      // The scenario language's rules for `bar I SIZE` (emulator/scenario/parser.ts duplicate-bar,
      // check.ts bar-size): a BAR is a naturally aligned power of two, and each is sized once.
      const odd = powerOfTwoProblem(size);
      if (odd) return bad(`--bar ${shown(b)}: ${name} ${odd}`);
      if (bars.some((x) => x.index === index)) return bad(`--bar ${shown(b)}: ${index === 'rom' ? 'the ROM' : name} size is given twice`);
      bars.push({ index, size });
      barArg.set(index, b);
    }
    let devs: DumpDevice[];
    // -F names a file, never a catalog device (lspci -F reads the file it is given).
    const bytes = fileArg === undefined ? catalogBytes(what) : undefined;
    if (bytes) {
      // A catalog device's BAR sizes are part of it (vpci-lab devices lists them): --bar would
      // replace them all, the BARs not named losing their sizes, and decode a device the catalog
      // does not have. It is for dumps, which cannot tell the sizes.
      if (bars.length)
        return bad(`--bar ${shown(v.bar![0]!)}: ${what} is a catalog device, whose BAR sizes are known (vpci-lab devices lists them); --bar is for dump files`);
      bars.push(...catalogEntry(what)!.bars);
      devs = [{ address: catalogAddress(what) ?? '00:00.0', title: catalogEntry(what)!.title, bytes }];
    } else if (fileArg !== undefined || what === STDIN_ARG || /[\\/.]/.test(what) || onDisk(what)) {
      // A dump file: a regular file of at most DUMP_LIMIT bytes (a folder, a FIFO or /dev/zero is refused by name),
      // or standard input (`-`: lspci -xxxx | vpci-lab lspci -), to its end and as much.
      let raw: Buffer;
      try {
        if (what === STDIN_ARG && !io.readStdin) throw new FileError(STDIN_NAME, 'unreadable', 'standard input cannot be read here');
        raw = Buffer.from(withoutBom(what === STDIN_ARG ? await io.readStdin!(DUMP_LIMIT) : nodeFiles.readFileSync(what, DUMP_LIMIT)));
      } catch (e) {
        // a file that is missing or cannot be read: one line naming it
        const why =
          e instanceof FileError && e.problem === 'missing' && (fileArg !== undefined || onDisk(what))
            ? `${fileArg !== undefined ? '-F ' : ''}${shownPath(what)}: no such file${notUtf8Hint(what)}`
            : e instanceof FileError && e.problem === 'missing'
              ? `'${shownPath(what)}' is neither a catalog device (see vpci-lab devices) nor a file${notUtf8Hint(what)}`
              : e instanceof FileError
                ? e.message
                : `${dumpName}: ${errorReason(e)}`;
        io.err(`vpci-lab: lspci: ${why}\n`);
        return EXIT.badInput;
      }
      if (isDumpText(raw)) {
        // Read as lspci -F reads it (any length, gaps as ff, devices in lspci's order).
        const imp = parseLspciDump(raw.toString('latin1'));
        if (!imp.ok) {
          io.err(`vpci-lab: lspci: ${dumpName}:${imp.line}: ${imp.message}\n`);
          return EXIT.badInput;
        }
        // A file with no device in it (empty, blank lines) has nothing for lspci -F to print: said
        // in one line, as a scenario naming it is told (dump-unparsable), not a silent exit 0. A
        // header line with no hex under it is a device to lspci -F (all ff bytes), printed as it does.
        if (!imp.devices.length) {
          io.err(`vpci-lab: lspci: ${dumpName}:1: ${NO_DUMP_FOUND}\n`);
          return EXIT.badInput;
        }
        devs = imp.devices.map((d) => ({ address: d.address, title: '', bytes: d.bytes }));
      } else {
        const imp = importConfigBinary(new Uint8Array(raw));
        if (!imp.ok) {
          io.err(`vpci-lab: lspci: ${dumpName}: ${imp.error.message}\n`);
          return EXIT.badInput;
        }
        devs = [imp.device];
      }
    } else return bad(`'${shownPath(what)}' is neither a catalog device (see vpci-lab devices) nor a file`);
    // lspci shows domains when any device it read has one, matched by the filters or not (lspci.c scan_device).
    const withDomains = !!v.domains || devs.some((x) => /^0*[1-9a-f][0-9a-f]*:[0-9a-f]{2}:/i.test(x.address));
    /** Every device of the dump: -t and -P place each under the bridges the dump has, matched by the filters or not (lspci.c scan_device with need_topology). */
    const everyDevice = devs;
    const sel = v.select;
    if (sel !== undefined) {
      // [[domain:]bus:]slot.func, as lspci -s takes it (without its wildcards); a part left out matches any.
      const m = /^(?:(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,2}):)?([0-9a-f]{1,2})\.([0-7])$/i.exec(sel.trim());
      if (!m) return bad(`--select ${shortText(JSON.stringify(sel).slice(1, -1), '"')}: not a device address (BB:DD.F, DDDD:BB:DD.F or DD.F)`);
      // A group left out is undefined (the match array's type says string).
      const want = m.slice(1).map((x: string | undefined) => (x === undefined ? undefined : parseInt(x, 16)));
      const all = devs;
      devs = devs.filter((d) => addressParts(d.address).every((x, i) => want[i] === undefined || want[i] === x));
      if (!devs.length)
        return bad(`--select ${shown(sel)}: no device there (the ${all.length === 1 ? 'device is' : 'devices are'} ${firstEight(all.map((d) => d.address))})`);
    }
    if (v.slot?.length || v.id?.length) {
      // As lspci: what no device matches is printed as nothing.
      devs = devs.filter((d) => {
        const [domain = 0, bus = 0, slot = 0, func = 0] = addressParts(d.address);
        return filterMatches(filter, { domain, bus, slot, func }, d.bytes);
      });
      // --select promises an error when there is no device to print, -s and -d or not.
      if (sel !== undefined && !devs.length) return bad(`--select ${shown(sel)}: the device there is not one that -s and -d let through`);
    }
    if (bars.length && !bytes && devs.length > 1)
      // One size per BAR is one device's: laid on every device of the dump, it would print each
      // with that size, a NIC's and a GPU's BAR 0 alike.
      return bad(
        `--bar ${shown(v.bar![0]!)}: sizes one device's BARs, and ${devs.length} devices are to be printed (${firstEight(devs.map((d) => d.address))}); name one with --select or -s`,
      );
    if (bars.length && !bytes) {
      // The sizes given must fit the dump's BAR registers as a scenario's `bar` clauses must
      // (emulator/scenario/dump-check.ts): a register the header has, not the upper half of a
      // 64-bit BAR, a size its kind can have (a 16G BAR cannot be a 32-bit one). The BARs not named
      // keep no size, as lspci -F prints them.
      for (const d of devs) {
        const l = layoutBars(d.bytes, bars, true);
        if (!l.ok) return bad(`--bar ${shown(barArg.get(l.bar) ?? String(l.bar))}: ${d.address}: ${l.message}`);
      }
    }
    let ids = pciIds();
    let hwdb = hwdbOff ? false : systemHwdb();
    // lspci reads its pci.ids at the first name it looks up (lib/names.c pci_lookup_name, load on
    // first use): never with -n, nor for -t without -v, nor when -s/-d leave no device to show.
    if (v.ids !== undefined && devs.length > 0 && nn !== 1 && !(v.tree?.length && !nv)) {
      const own = idsFile(v.ids);
      if (typeof own === 'string') {
        io.err(`vpci-lab: lspci: ${own}\n`);
        return EXIT.badInput;
      }
      // The machine's hwdb was built from its own pci.ids, not from this one.
      if (hwdb === undefined && ids) hwdb = hwdbFromPciIds(ids);
      ids = own;
    }
    const asTree = (list: readonly DumpDevice[]): Map<DumpDevice, TreeDevice> =>
      new Map(
        list.map((d) => {
          const [domain = 0, bus = 0, dev = 0, func = 0] = addressParts(d.address);
          return [d, { domain, bus, dev, func, bytes: d.bytes }];
        }),
      );
    if (v.tree?.length) {
      // lspci -t: the forest, with names at -v; the filters (and --select) pick what it shows.
      const tree = asTree(everyDevice);
      const shown = new Set([...devs].map((d) => tree.get(d)!));
      const filtered = sel !== undefined || !!v.slot?.length || !!v.id?.length;
      const names = lspciNames(ids, hwdb, nn);
      const t = lspciTree([...tree.values()], names, nv > 0, filtered ? (d) => shown.has(d) : undefined);
      if (io.outBytes) io.outBytes(textBytes(t.text));
      else io.out(t.text);
      if (t.smashed) {
        io.err(
          `vpci-lab: lspci: lspci 3.9.0 aborts after printing this tree ("*** stack smashing detected ***"): its bridges nest so deep that ls-tree.c writes past its 1024-byte line\n`,
        );
        return EXIT.failed;
      }
      return EXIT.ok;
    }
    const tree = v.path?.length ? asTree(everyDevice) : undefined;
    const paths = tree ? slotPaths([...tree.values()], Math.min(v.path!.length, 2)) : undefined;
    for (const d of devs) {
      if (paths && paths.get(tree!.get(d)!) === undefined) {
        io.err(
          `vpci-lab: lspci: ${d.address}: lspci 3.9.0 crashes here (SIGSEGV): -P walks up the bridges above the device, and the dump's bus numbers put it behind itself\n`,
        );
        return EXIT.failed;
      }
      const run = lspciRun(d.bytes, {
        address: d.address,
        ...(ids ? { ids } : {}),
        ...(hwdb !== undefined ? { hwdb } : {}),
        ...(bars.length ? { bars } : {}),
        verbose: nv,
        numeric: nn,
        hex: nx,
        domains: withDomains,
        domainsAsked: !!v.domains,
        machine: Math.min(v.machine?.length ?? 0, 2),
        kernel: !!v.kernel?.length,
        buscentric: !!v.buscentric?.length,
        ...(paths ? { slotPath: paths.get(tree!.get(d)!)! } : {}),
      });
      for (const w of run.warnings ?? []) io.err(`pcilib: ${w}\n`);
      // Byte for byte as lspci writes it (an out-of-range interrupt pin is a raw byte).
      if (io.outBytes) io.outBytes(textBytes(run.text));
      else io.out(run.text);
      if (run.undefinedInC) {
        io.err(`vpci-lab: lspci: ${d.address}: ${run.died}\n`);
        return EXIT.failed;
      }
      if (run.died) {
        const past = run.pastBuffer ? '; the byte lies past its buffer, where real lspci reads on into memory it does not own' : '';
        io.err(`vpci-lab: lspci: ${d.address}: lspci 3.9.0 stops here with "${run.died}"${past}\n`);
        return EXIT.failed;
      }
    }
    return EXIT.ok;
  },
};
