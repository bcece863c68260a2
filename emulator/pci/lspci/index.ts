// `lspci` on one function's config space, line for line as pciutils v3.9.0 prints it for a
// dump (`lspci -F file [-v|-vv|-vvv] [-n|-nn] [-x…]`). Modelled on lspci.c show_device,
// show_terse, show_verbose, show_bases, show_rom, show_htype0/1/2/unknown and show_hex_dump
// (github.com/pciutils/pciutils, tag v3.9.0); capabilities in caps.ts and ecaps.ts. Our code.
// Never throws: where lspci itself would die (reading a byte it never fetched) the output
// stops where lspci's does.

import type { PciIds } from '../pci-ids';
import { hwdbFromPciIds, type HwdbNames } from '../hwdb';
import { Dev, LspciDie, Out, fl, x } from './device';
import { rawByteChar } from '../../format';
import { Names } from './names';
import { PCI } from './regs';
import { showCaps } from './caps';
import type { CapCtx } from './cap-ctx';

export interface LspciBarSize {
  index: number | 'rom';
  size: number;
}

export interface LspciOptions {
  /** "[DDDD:]BB:DD.F" as in the dump's header line; the domain prints when it is not 0. */
  address: string;
  /** pci.ids; without it lspci's numeric fallbacks ("Device 10fb") are printed. */
  ids?: PciIds;
  /**
   * udev's hwdb, which lspci asks when pci.ids has no name (see ../hwdb.ts). Default: the hwdb
   * generated from `ids`; `false` models `lspci -O hwdb.disable=1`.
   */
  hwdb?: HwdbNames | false;
  /** -v count (default 3, i.e. -vvv). */
  verbose?: number;
  /** -n count: 1 numbers only, 2 (or true) names and numbers as with -nn. */
  numeric?: number | boolean;
  /** -x count: 1 the header, 3 256 bytes, 4 all 4096. */
  hex?: number;
  /** Known BAR sizes: "[size=16K]" as a live lspci shows (a dump cannot). */
  bars?: LspciBarSize[];
  /** Print the domain even when it is 0 (lspci -D, or a dump where some device has a domain). */
  domains?: boolean;
  /**
   * -m count: machine-readable output (lspci.c show_machine), 1 (-m) or 2 (-mm: "Slot:" for
   * "Device:" with -v). Its slot shows the domain only when the device has one or `domainsAsked`.
   */
  machine?: number;
  /** The slot as -P/-PP print it (tree.ts slotPaths: "00:1c.0/00.0"), after the domain when shown. */
  slotPath?: string;
  /** lspci -D given (opt_domains = 2), as -m tells it from a domain seen in the dump. */
  domainsAsked?: boolean;
  /**
   * lspci -k: the Subsystem line without -v (show_terse). The kernel driver and modules it adds come
   * from sysfs and libkmod, which a dump does not have: nothing more prints (ours: lspci -F on a
   * machine with kernel modules installed may list the modules matching the device's ids).
   */
  kernel?: boolean;
  /** lspci -b (pacc->buscentric): show_htype_unknown prints nothing. */
  buscentric?: boolean;
}

export function lspciText(bytes: Uint8Array, opts: LspciOptions): string {
  return lspciRun(bytes, opts).text;
}

/**
 * The text, and — where lspci would stop with "lspci: Internal bug: …" (it read a byte it never
 * fetched) — that message: lspci exits there, so nothing after it, not even later devices, prints.
 * `pastBuffer`: the byte lies past lspci's own buffer, where real lspci's behaviour is undefined
 * (LspciDie); we stop as a bounds-checked lspci would.
 */
export function lspciRun(bytes: Uint8Array, opts: LspciOptions): LspciRun {
  const out = new Out();
  const warnings: string[] = [];
  const run = (): LspciRun => (warnings.length ? { text: out.s, warnings } : { text: out.s });
  try {
    show(bytes, opts, out, (w) => warnings.push(w));
  } catch (e) {
    if (!(e instanceof LspciDie)) throw e;
    if (e.undefinedInC) return { ...run(), died: e.message, pastBuffer: true, undefinedInC: true };
    return e.pastBuffer ? { ...run(), died: e.message, pastBuffer: true } : { ...run(), died: e.message };
  }
  return run();
}

export interface LspciRun {
  text: string;
  died?: string;
  pastBuffer?: true;
  /** `died` is our words: real lspci reads past a name table there (undefined), it does not die. */
  undefinedInC?: true;
  /** What pcilib warns about on stderr as it reads the device (its text, without lspci's "pcilib: " prefix). */
  warnings?: string[];
}

interface Addr {
  domain: number;
  bus: number;
  dev: number;
  func: number;
}

function parseAddress(a: string): Addr | undefined {
  // The function as lib/dump.c reads it (`%d` of one digit): a dump's 00:00.8 is function 8 to lspci.
  const m = /^(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-9])$/.exec(a.trim());
  if (!m) return undefined;
  return { domain: m[1] ? parseInt(m[1], 16) : 0, bus: parseInt(m[2]!, 16), dev: parseInt(m[3]!, 16), func: Number(m[4]) };
}

/** lspci's names from pci.ids and the hwdb as LspciOptions gives them (`hwdb` undefined: the one generated from `ids`; false: none). */
export function lspciNames(ids: PciIds | undefined, hwdb: HwdbNames | false | undefined, numeric: number): Names {
  return new Names(ids, hwdb === false ? undefined : (hwdb ?? (ids ? hwdbFromPciIds(ids) : undefined)), numeric);
}

function show(bytes: Uint8Array, opts: LspciOptions, out: Out, warn: (w: string) => void): void {
  const verbose = opts.verbose ?? 3;
  const numeric = opts.numeric === true ? 2 : opts.numeric === false || opts.numeric === undefined ? 0 : opts.numeric;
  const names = lspciNames(opts.ids, opts.hwdb, numeric);
  const d = new Dev(bytes);
  const addr = parseAddress(opts.address);
  const path = addr ? (opts.slotPath ?? `${x(addr.bus, 2)}:${x(addr.dev, 2)}.${addr.func}`) : '';
  const slot = addr ? `${addr.domain || opts.domains ? `${x(addr.domain, 4)}:` : ''}${path}` : opts.address;

  // scan_device + pci_generic_fill_info: what the library read before printing.
  const vendor = d.rw(PCI.VENDOR_ID);
  const device = d.rw(PCI.DEVICE_ID);
  const cls = d.rw(PCI.CLASS_DEVICE);
  const progIf = d.rb(PCI.CLASS_PROG);
  const rev = d.rb(PCI.REVISION_ID);
  const htypeLib = d.rb(PCI.HEADER_TYPE) & 0x7f;
  let subsys: { v: number; d: number } | undefined;
  if (htypeLib === PCI.HEADER_TYPE_NORMAL) subsys = { v: d.rw(PCI.SUBSYSTEM_VENDOR_ID), d: d.rw(PCI.SUBSYSTEM_ID) };
  else if (htypeLib === PCI.HEADER_TYPE_BRIDGE) {
    const ss = d.findCap(PCI.CAP_ID_SSVID);
    subsys = ss !== undefined ? { v: d.rw(ss + 4), d: d.rw(ss + 6) } : { v: 0, d: 0 };
  } else if (htypeLib === PCI.HEADER_TYPE_CARDBUS) subsys = { v: d.rw(PCI.CB_SUBSYSTEM_VENDOR_ID), d: d.rw(PCI.CB_SUBSYSTEM_ID) };
  const irq = d.rb(PCI.INTERRUPT_LINE);
  const where = `${x(addr?.domain ?? 0, 4)}:${x(addr?.bus ?? 0, 2)}:${x(addr?.dev ?? 0, 2)}.${addr?.func ?? 0}`;
  // Only show_verbose asks the library for the bases (PCI_FILL_BASES, lspci.c), so only with -v (and
  // not -m, whose show_machine does not) is a broken 64-bit BAR warned about; scan_device reads the ident, class and subsystem only.
  const baseAddr = fillBases(d, htypeLib, (i) => {
    if (verbose && !opts.machine) warn(`${where}: Invalid 64-bit address seen for BAR ${i}.`);
  });
  const romReg = htypeLib === PCI.HEADER_TYPE_NORMAL ? PCI.ROM_ADDRESS : htypeLib === PCI.HEADER_TYPE_BRIDGE ? PCI.ROM_ADDRESS1 : 0;
  let romBase = 0;
  if (romReg) {
    const u = d.rl(romReg);
    if (u !== 0xffffffff) romBase = u;
  }

  if (opts.machine) {
    const mslot = addr ? `${addr.domain || opts.domainsAsked ? `${x(addr.domain, 4)}:` : ''}${path}` : opts.address;
    showMachine(out, names, opts.machine, verbose, mslot, { vendor, device, cls, rev, progIf, subsys });
    if (opts.hex) hexDump(d, opts.hex, out);
    if (verbose || opts.hex) out.p('\n');
    return;
  }

  // show_terse
  out.p(`${slot} ${names.className(cls)}: ${names.vendorDevice(vendor, device)}`);
  if (rev) out.p(` (rev ${x(rev, 2)})`);
  if (verbose) {
    const pi = names.progIf(cls, progIf);
    if (progIf || pi !== undefined) out.p(` (prog-if ${x(progIf, 2)}${pi !== undefined ? ` [${pi}]` : ''})`);
  }
  out.p('\n');
  if ((verbose || opts.kernel) && subsys && subsys.v && subsys.v !== 0xffff) out.p(`\tSubsystem: ${names.subsystem(vendor, device, subsys.v, subsys.d)}\n`);

  if (verbose) {
    const ctx: CapCtx = {
      d,
      out,
      verbose,
      names,
      vendor,
      device,
      dev: addr?.dev ?? 0,
      func: addr?.func ?? 0,
      baseAddr,
      sizes: opts.bars,
    };
    showVerbose(ctx, cls, irq, romBase, opts.buscentric ?? false);
  }
  if (opts.hex) hexDump(d, opts.hex, out);
  if (verbose || opts.hex) out.p('\n');
}

/** lspci.c print_shell_escaped: a field of -m's one-line form, quoted, with `"` and `\\` escaped. */
function quoted(s: string): string {
  return ` "${s.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * lspci.c show_machine for a dump: -m/-mm, one quoted line per device; with -v, one "Field:\tvalue"
 * line each (PhySlot, NUMANode, DTNode, IOMMUGroup and -k's Driver/Module come from sysfs, so a
 * dump has none). Every name is looked up in its own 128-byte buffer.
 */
function showMachine(
  out: Out,
  names: Names,
  machine: number,
  verbose: number,
  slot: string,
  f: { vendor: number; device: number; cls: number; rev: number; progIf: number; subsys: { v: number; d: number } | undefined },
): void {
  const sub = f.subsys && f.subsys.v && f.subsys.v !== 0xffff ? f.subsys : undefined;
  if (verbose) {
    out.p(`${machine >= 2 ? 'Slot' : 'Device'}:\t${slot}\n`);
    out.p(`Class:\t${names.className(f.cls)}\n`);
    out.p(`Vendor:\t${names.vendorName(f.vendor)}\n`);
    out.p(`Device:\t${names.deviceName(f.vendor, f.device)}\n`);
    if (sub) {
      out.p(`SVendor:\t${names.subsystemVendorName(sub.v)}\n`);
      out.p(`SDevice:\t${names.subsystemDeviceName(f.vendor, f.device, sub.v, sub.d)}\n`);
    }
    if (f.rev) out.p(`Rev:\t${x(f.rev, 2)}\n`);
    out.p(`ProgIf:\t${x(f.progIf, 2)}\n`);
    return;
  }
  out.p(slot + quoted(names.className(f.cls)) + quoted(names.vendorName(f.vendor)) + quoted(names.deviceName(f.vendor, f.device)));
  if (f.rev) out.p(` -r${x(f.rev, 2)}`);
  out.p(` -p${x(f.progIf, 2)}`);
  out.p(sub ? quoted(names.subsystemVendorName(sub.v)) + quoted(names.subsystemDeviceName(f.vendor, f.device, sub.v, sub.d)) : ' "" ""');
  out.p('\n');
}

/**
 * pciutils lib/generic.c pci_generic_fill_info (PCI_FILL_BASES): the BAR addresses, a 64-bit BAR taking the next
 * register as its upper half; one in the last slot has none (`invalid64`).
 */
function fillBases(d: Dev, htype: number, invalid64: (bar: number) => void): bigint[] {
  const base: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
  const cnt = htype === 0 ? 6 : htype === 1 ? 2 : htype === 2 ? 1 : 0;
  for (let i = 0; i < cnt; i++) {
    const v = d.rl(PCI.BASE_ADDRESS_0 + 4 * i);
    if (!v || v === 0xffffffff) continue;
    if (v & 1 || (v & 6) !== 4) base[i] = BigInt(v);
    else if (i >= cnt - 1) invalid64(i);
    else {
      const y = d.rl(PCI.BASE_ADDRESS_0 + 4 * ++i);
      base[i - 1] = BigInt(v) | (BigInt(y) << 32n);
    }
  }
  return base;
}

function devsel(status: number): string {
  const s = status & 0x600;
  return s === 0x400 ? 'slow' : s === 0x200 ? 'medium' : s === 0 ? 'fast' : '??';
}

function showVerbose(c: CapCtx, cls: number, irq: number, romBase: number, buscentric: boolean): void {
  const { d, out, verbose } = c;
  const htype = d.noConfigAccess ? 0xff : d.b(PCI.HEADER_TYPE) & 0x7f;
  let unknownConfig = false;
  let bist = 0;
  let maxLat = 0;
  let minGnt = 0;
  switch (htype) {
    case PCI.HEADER_TYPE_NORMAL:
      if (cls === 0x0604) out.p(`\t!!! Invalid class ${x(cls, 4)} for header type ${x(htype, 2)}\n`);
      bist = d.b(PCI.BIST);
      maxLat = d.b(PCI.MAX_LAT);
      minGnt = d.b(PCI.MIN_GNT);
      break;
    case PCI.HEADER_TYPE_BRIDGE:
    case PCI.HEADER_TYPE_CARDBUS:
      if (cls >> 8 !== 0x06) out.p(`\t!!! Invalid class ${x(cls, 4)} for header type ${x(htype, 2)}\n`);
      bist = d.b(PCI.BIST);
      break;
    default:
      if (!d.noConfigAccess) out.p(`\t!!! Unknown header type ${x(htype, 2)}\n`);
      unknownConfig = true;
  }

  if (!unknownConfig && verbose > 1) {
    const cmd = d.w(PCI.COMMAND);
    const st = d.w(PCI.STATUS);
    out.p(
      `\tControl: I/O${fl(cmd, 0x1)} Mem${fl(cmd, 0x2)} BusMaster${fl(cmd, 0x4)} SpecCycle${fl(cmd, 0x8)} MemWINV${fl(cmd, 0x10)} ` +
        `VGASnoop${fl(cmd, 0x20)} ParErr${fl(cmd, 0x40)} Stepping${fl(cmd, 0x80)} SERR${fl(cmd, 0x100)} FastB2B${fl(cmd, 0x200)} DisINTx${fl(cmd, 0x400)}\n`,
    );
    out.p(
      `\tStatus: Cap${fl(st, 0x10)} 66MHz${fl(st, 0x20)} UDF${fl(st, 0x40)} FastB2B${fl(st, 0x80)} ParErr${fl(st, 0x100)} DEVSEL=${devsel(st)} ` +
        `>TAbort${fl(st, 0x800)} <TAbort${fl(st, 0x1000)} <MAbort${fl(st, 0x2000)} >SERR${fl(st, 0x4000)} <PERR${fl(st, 0x8000)} INTx${fl(st, 0x8)}\n`,
    );
    if (cmd & PCI.COMMAND_MASTER) {
      const lat = d.b(PCI.LATENCY_TIMER);
      const cl = d.b(PCI.CACHE_LINE_SIZE);
      out.p(`\tLatency: ${lat}`);
      if (minGnt || maxLat) {
        out.p(' (');
        if (minGnt) out.p(`${minGnt * 250}ns min`);
        if (minGnt && maxLat) out.p(', ');
        if (maxLat) out.p(`${maxLat * 250}ns max`);
        out.p(')');
      }
      if (cl) out.p(`, Cache Line Size: ${cl * 4} bytes`);
      out.p('\n');
    }
  }

  if (verbose > 1) {
    const pin = unknownConfig ? 0 : d.b(PCI.INTERRUPT_PIN);
    // lspci prints the byte 'A' + pin - 1 as it is: past 'Z', whatever byte that makes.
    if (pin || irq) out.p(`\tInterrupt: pin ${pin ? rawByteChar(0x40 + pin) : '?'} routed to IRQ ${irq}\n`);
  }

  if (!unknownConfig && verbose <= 1) {
    const cmd = d.w(PCI.COMMAND);
    const st = d.w(PCI.STATUS);
    const lat = d.b(PCI.LATENCY_TIMER);
    let s = '\tFlags: ';
    if (cmd & 0x4) s += 'bus master, ';
    if (cmd & 0x20) s += 'VGA palette snoop, ';
    if (cmd & 0x80) s += 'stepping, ';
    if (cmd & 0x200) s += 'fast Back2Back, ';
    if (st & 0x20) s += '66MHz, ';
    if (st & 0x40) s += 'user-definable features, ';
    s += `${devsel(st)} devsel`;
    if (cmd & 0x4) s += `, latency ${lat}`;
    if (irq) s += `, IRQ ${irq}`;
    out.p(s + '\n');
  }

  if (bist & 0x80) {
    if (bist & 0x40) out.p('\tBIST is running\n');
    else out.p(`\tBIST result: ${x(bist & 0x0f, 2)}\n`);
  }

  switch (htype) {
    case PCI.HEADER_TYPE_NORMAL:
      showBases(c, 6);
      showRom(c, PCI.ROM_ADDRESS, romBase);
      showCaps(c, PCI.CAPABILITY_LIST);
      break;
    case PCI.HEADER_TYPE_BRIDGE:
      showHtype1(c, romBase);
      break;
    case PCI.HEADER_TYPE_CARDBUS:
      showHtype2(c);
      break;
    default:
      if (!buscentric) showHtypeUnknown(c, romBase);
  }
}

/**
 * lspci.c show_htype_unknown (not with -b): the bases and ROM the library read (pci_generic_fill_info
 * by the header type, from as much of the dump as there is), shown without the config space
 * (show_bases(d, 6, 1), show_rom(d, -1)): no flags, so each base is a 32-bit non-prefetchable memory
 * one and the ROM disabled. An unknown header type has none; a dump shorter than 64 bytes (no
 * config access) has those its header type reads. A dump fills no bridge windows.
 */
function showHtypeUnknown(c: CapCtx, romBase: number): void {
  const { out, verbose } = c;
  for (let i = 0; i < 6; i++) {
    const pos = c.baseAddr[i]!;
    if (!pos) continue;
    const a = pos & ~0xfn;
    out.p(`${verbose > 1 ? `\tRegion ${i}: ` : '\t'}Memory at ${a ? x(a, 8) : '<unassigned>'} (32-bit, non-prefetchable)\n`);
  }
  if (romBase) out.p(`\tExpansion ROM at ${romBase & ~0x7ff ? x(romBase & ~0x7ff, 8) : '<unassigned>'} [disabled]\n`);
}

/** lspci.c show_size. */
function sizeText(n: bigint): string {
  const suffix = ['', 'K', 'M', 'G', 'T'];
  let v = BigInt.asUintN(64, n);
  if (!v) return '';
  let i = 0;
  for (; i < 4; i++) {
    if (v % 1024n) break;
    v /= 1024n;
  }
  return ` [size=${BigInt.asUintN(32, v)}${suffix[i]}]`;
}

function barSize(c: CapCtx, index: number | 'rom'): bigint {
  const s = c.sizes?.find((b) => b.index === index);
  return s ? BigInt(s.size) : 0n;
}

/** lspci.c show_bases, for a dump (no I/O resource flags; sizes only when the caller knows them). */
function showBases(c: CapCtx, cnt: number): void {
  const { d, out, verbose } = c;
  const cmd = d.w(PCI.COMMAND);
  for (let i = 0; i < cnt; i++) {
    const pos = c.baseAddr[i]!;
    const len = barSize(c, i);
    let flg = d.l(PCI.BASE_ADDRESS_0 + 4 * i);
    if (flg === 0xffffffff) flg = 0;
    if (!pos && !flg && !len) continue;
    out.p(verbose > 1 ? `\tRegion ${i}: ` : '\t');
    if (flg & 1) {
      const a = pos & ~3n;
      out.p('I/O ports at ');
      out.p(a || cmd & PCI.COMMAND_IO ? x(a, 4) : '<unassigned>');
      if (!(cmd & PCI.COMMAND_IO)) out.p(' [disabled]');
    } else {
      const t = flg & 6;
      const a = pos & ~0xfn;
      out.p('Memory at ');
      out.p(a ? x(a, 8) : '<unassigned>');
      out.p(` (${t === 0 ? '32-bit' : t === 4 ? '64-bit' : t === 2 ? 'low-1M' : 'type 3'}, ${flg & 8 ? '' : 'non-'}prefetchable)`);
      if (!(cmd & PCI.COMMAND_MEMORY)) out.p(' [disabled]');
    }
    out.p(sizeText(len) + '\n');
  }
}

/** lspci.c show_rom. */
function showRom(c: CapCtx, reg: number, rom: number): void {
  const { d, out } = c;
  const len = barSize(c, 'rom');
  const flg = d.l(reg);
  const cmd = d.w(PCI.COMMAND);
  if (!rom && !flg && !len) return;
  out.p('\tExpansion ROM at ');
  const a = (rom & ~0x7ff) >>> 0;
  if (a) out.p(x(a, 8));
  else if (flg & ~0x7ff) out.p('<ignored>');
  else out.p('<unassigned>');
  if (!(flg & 1)) out.p(' [disabled]');
  else if (!(cmd & PCI.COMMAND_MEMORY)) out.p(' [disabled by cmd]');
  out.p(sizeText(len) + '\n');
}

/** lspci.c show_range. */
function showRange(c: CapCtx, prefix: string, base: bigint, limit: bigint, bits: number): void {
  let s = `${prefix}:`;
  const w = Math.floor((bits + 3) / 4);
  if (base <= limit || c.verbose > 2) s += ` ${x(base, w)}-${x(limit, w)}`;
  if (base <= limit) s += sizeText(limit - base + 1n);
  else s += ' [disabled]';
  if (bits) s += ` [${bits}-bit]`;
  c.out.p(s + '\n');
}

/** lspci.c show_htype1: a PCI-to-PCI bridge. */
function showHtype1(c: CapCtx, romBase: number): void {
  const { d, out, verbose } = c;
  const ioBase = d.b(PCI.IO_BASE);
  const ioLimit = d.b(PCI.IO_LIMIT);
  const ioType = ioBase & 0x0f;
  const memBase = d.w(PCI.MEMORY_BASE);
  const memLimit = d.w(PCI.MEMORY_LIMIT);
  const memType = memBase & 0x0f;
  const prefBase = d.w(PCI.PREF_MEMORY_BASE);
  const prefLimit = d.w(PCI.PREF_MEMORY_LIMIT);
  const prefType = prefBase & 0x0f;
  const secStat = d.w(PCI.SEC_STATUS);
  const brc = d.w(PCI.BRIDGE_CONTROL);

  showBases(c, 2);
  out.p(
    `\tBus: primary=${x(d.b(PCI.PRIMARY_BUS), 2)}, secondary=${x(d.b(PCI.SECONDARY_BUS), 2)}, subordinate=${x(d.b(PCI.SUBORDINATE_BUS), 2)}, sec-latency=${d.b(PCI.SEC_LATENCY_TIMER)}\n`,
  );

  if (ioType !== (ioLimit & 0x0f) || (ioType !== 0 && ioType !== 1)) out.p(`\t!!! Unknown I/O range types ${x(ioBase)}/${x(ioLimit)}\n`);
  else {
    let base = ((ioBase & ~0x0f) << 8) >>> 0;
    let limit = ((ioLimit & ~0x0f) << 8) >>> 0;
    if (ioType === 1) {
      base = (base | (d.w(PCI.IO_BASE_UPPER16) << 16)) >>> 0;
      limit = (limit | (d.w(PCI.IO_LIMIT_UPPER16) << 16)) >>> 0;
    }
    limit = (limit + 0xfff) >>> 0;
    showRange(c, '\tI/O behind bridge', BigInt(base), BigInt(limit), ioType === 1 ? 32 : 16);
  }

  if (memType !== (memLimit & 0x0f) || memType) out.p(`\t!!! Unknown memory range types ${x(memBase)}/${x(memLimit)}\n`);
  else {
    const base = ((memBase & ~0x0f) << 16) >>> 0;
    const limit = ((memLimit & ~0x0f) << 16) >>> 0;
    showRange(c, '\tMemory behind bridge', BigInt(base), BigInt((limit + 0xfffff) >>> 0), 32);
  }

  if (prefType !== (prefLimit & 0x0f) || (prefType !== 0 && prefType !== 1))
    out.p(`\t!!! Unknown prefetchable memory range types ${x(prefBase)}/${x(prefLimit)}\n`);
  else {
    let base = BigInt(((prefBase & ~0x0f) << 16) >>> 0);
    let limit = BigInt(((prefLimit & ~0x0f) << 16) >>> 0);
    if (prefType === 1) {
      base |= BigInt(d.l(PCI.PREF_BASE_UPPER32)) << 32n;
      limit |= BigInt(d.l(PCI.PREF_LIMIT_UPPER32)) << 32n;
    }
    limit = BigInt.asUintN(64, limit + 0xfffffn);
    showRange(c, '\tPrefetchable memory behind bridge', base, limit, prefType === 1 ? 64 : 32);
  }

  if (verbose > 1) {
    out.p(
      `\tSecondary status: 66MHz${fl(secStat, 0x20)} FastB2B${fl(secStat, 0x80)} ParErr${fl(secStat, 0x100)} DEVSEL=${devsel(secStat)} ` +
        `>TAbort${fl(secStat, 0x800)} <TAbort${fl(secStat, 0x1000)} <MAbort${fl(secStat, 0x2000)} <SERR${fl(secStat, 0x4000)} <PERR${fl(secStat, 0x8000)}\n`,
    );
  }
  showRom(c, PCI.ROM_ADDRESS1, romBase);
  if (verbose > 1) {
    out.p(
      `\tBridgeCtl: Parity${fl(brc, 0x01)} SERR${fl(brc, 0x02)} NoISA${fl(brc, 0x04)} VGA${fl(brc, 0x08)} VGA16${fl(brc, 0x10)} ` +
        `MAbort${fl(brc, 0x20)} >Reset${fl(brc, 0x40)} FastB2B${fl(brc, 0x80)}\n`,
    );
    out.p(`\t\tPriDiscTmr${fl(brc, 0x100)} SecDiscTmr${fl(brc, 0x200)} DiscTmrStat${fl(brc, 0x400)} DiscTmrSERREn${fl(brc, 0x800)}\n`);
  }
  showCaps(c, PCI.CAPABILITY_LIST);
}

/** lspci.c show_htype2: a CardBus bridge. */
function showHtype2(c: CapCtx): void {
  const { d, out, verbose } = c;
  const cmd = d.w(PCI.COMMAND);
  const brc = d.w(PCI.CB_BRIDGE_CONTROL);
  const verb = verbose > 2;
  showBases(c, 1);
  out.p(
    `\tBus: primary=${x(d.b(PCI.CB_PRIMARY_BUS), 2)}, secondary=${x(d.b(PCI.CB_CARD_BUS), 2)}, subordinate=${x(d.b(PCI.CB_SUBORDINATE_BUS), 2)}, sec-latency=${d.b(PCI.CB_LATENCY_TIMER)}\n`,
  );
  for (let i = 0; i < 2; i++) {
    const p = 8 * i;
    const base = d.l(PCI.CB_MEMORY_BASE_0 + p);
    const limit = (d.l(PCI.CB_MEMORY_LIMIT_0 + p) + 0xfff) >>> 0;
    if (base <= limit || verb) {
      out.p(
        `\tMemory window ${i}: ${x(base, 8)}-${x(limit, 8)}${cmd & PCI.COMMAND_MEMORY ? '' : ' [disabled]'}${brc & (0x100 << i) ? ' (prefetchable)' : ''}\n`,
      );
    }
  }
  for (let i = 0; i < 2; i++) {
    const p = 8 * i;
    let base = d.l(PCI.CB_IO_BASE_0 + p);
    let limit = d.l(PCI.CB_IO_LIMIT_0 + p);
    if (!(base & 1)) {
      base &= 0xffff;
      limit &= 0xffff;
    }
    base = (base & ~3) >>> 0;
    limit = (((limit & ~3) >>> 0) + 3) >>> 0;
    if (base <= limit || verb) out.p(`\tI/O window ${i}: ${x(base, 8)}-${x(limit, 8)}${cmd & PCI.COMMAND_IO ? '' : ' [disabled]'}\n`);
  }
  if (d.w(PCI.CB_SEC_STATUS) & 0x4000) out.p('\tSecondary status: SERR\n');
  if (verbose > 1) {
    out.p(
      `\tBridgeCtl: Parity${fl(brc, 0x01)} SERR${fl(brc, 0x02)} ISA${fl(brc, 0x04)} VGA${fl(brc, 0x08)} MAbort${fl(brc, 0x20)} ` +
        `>Reset${fl(brc, 0x40)} 16bInt${fl(brc, 0x80)} PostWrite${fl(brc, 0x400)}\n`,
    );
  }
  if (d.cached < 128) {
    out.p('\t<access denied to the rest>\n');
    return;
  }
  const exca = d.w(PCI.CB_LEGACY_MODE_BASE);
  if (exca) out.p(`\t16-bit legacy interface ports at ${x(exca, 4)}\n`);
  showCaps(c, PCI.CB_CAPABILITY_LIST);
}

/** lspci.c show_hex_dump. */
function hexDump(d: Dev, opt: number, out: Out): void {
  if (d.noConfigAccess) {
    out.p('WARNING: Cannot show hex-dump of the config space\n');
    return;
  }
  let cnt = d.cached;
  if (opt >= 3 && d.fetch(cnt, 256 - cnt)) {
    cnt = 256;
    if (opt >= 4 && d.fetch(256, 4096 - 256)) cnt = 4096;
  }
  let s = '';
  for (let i = 0; i < cnt; i++) {
    if (!(i & 15)) s += `${x(i, 2)}:`;
    s += ` ${x(d.b(i), 2)}`;
    if ((i & 15) === 15) s += '\n';
  }
  out.p(s);
}
