// The scenario checker's view of a dump file: does emulator/pci/lspci-import.ts
// read it (lspci text, or a raw sysfs `config` binary), does it hold the device
// a `select` names, and do the given BAR sizes fit the BARs the dump implements
// (emulator/pci/bars.ts layoutBars, the same rule the machine applies)?
// Returns null if usable, else the first problem, its 1-based line, and the BAR
// it concerns.
import { importConfigBinary, importLspciText, isDumpText, withoutBomText, type ConfigImportResult, type LspciImportResult } from '../pci/lspci-import';
import { layoutBars } from '../pci/bars';
import type { DumpDevice } from '../pci/function';
import { firstEight } from '../format';

export interface DumpProblem {
  line?: number;
  message: string;
  /** A warning (the dump is used as it stands, but maybe not as meant); absent: an error. */
  warning?: true;
  /** The BAR (0–5) or 'rom' the problem is about, when it is about one. */
  bar?: number | 'rom';
  /** true: the problem is the `select` address (no such device in the dump). */
  select?: true;
  /** true: the device's IDs read as an empty slot (code dump-no-device). */
  absent?: true;
  /** A second problem found in the same pass (each mistake said once, all of them at once). */
  also?: DumpProblem;
}

/**
 * Whether IDs read at config offset 0 are an empty slot to each guest's scan. Linux v6.12.118
 * drivers/pci/probe.c pci_bus_generic_read_dev_vendor_id: the dword 0xffffffff, 0, 0x0000ffff or
 * 0xffff0000, and Vendor ID 0x0001 after its wait. FreeBSD sys/dev/pci/pci.c pci_add_children: a Vendor ID of PCIV_INVALID (0xffff).
 * A Vendor ID 0x0000 that both take is said too (ours): it is what a dump of a failed read holds.
 */
export function emptySlotIds(bytes: Uint8Array): DumpProblem | null {
  const v = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
  const d = (bytes[2] ?? 0) | ((bytes[3] ?? 0) << 8);
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  // Vendor ID 0001: to Linux a device not ready (probe.c pci_bus_wait_rrs), retried for 65.5 s, then none (as the model does).
  if (v === 1) return { message: `IDs [0001:${hex(d)}] mean no device to Linux (not ready: it retries for 65.5 s)`, absent: true, warning: true };
  if (v !== 0 && v !== 0xffff) return null;
  const linux = d === 0 || d === 0xffff;
  const freebsd = v === 0xffff;
  const who = linux && freebsd ? 'both guests' : linux ? 'Linux' : freebsd ? 'FreeBSD' : '';
  const p: DumpProblem = { message: `IDs [${hex(v)}:${hex(d)}] ${who ? `mean no device to ${who}` : 'have no valid vendor'}`, absent: true };
  if (!(linux && freebsd)) p.warning = true;
  return p;
}

/** "01:00.0" and "0000:01:00.0" name the same device. */
export function sameAddress(a: string, b: string): boolean {
  const norm = (x: string): string => {
    const parts = x.toLowerCase().split(':');
    if (parts.length === 2) parts.unshift('0');
    const [dom = '', bus = '', df = ''] = parts;
    return `${parseInt(dom, 16)}:${parseInt(bus, 16)}:${df.replace(/^0+(?=\d\.)/, '')}`;
  };
  return norm(a) === norm(b);
}

/** A dump file's text read as lspci text, or as a raw config binary when it is none. */
export type ReadDump = { text: true; r: LspciImportResult } | { text: false; r: ConfigImportResult };

/**
 * The last dump read, by its text (ours): each bus of a scenario that selects a device of one
 * machine's `lspci -xxxx` read the whole dump again (300 buses of a 1.8 MB dump: 54 s of `check`).
 * Nothing here changes what was read.
 */
let lastDump: { input: string; read: ReadDump } | undefined;

/** A dump file's text (a byte-order mark and all) read once: as lspci text, or as a raw config binary when it is none. */
export function readDump(withBom: string): ReadDump {
  if (lastDump?.input === withBom) return lastDump.read;
  // Without a byte-order mark, whether the text was read as latin1 (one character per byte: UTF-16
  // text becomes its UTF-8, as withoutBom makes it for the machine) or decoded.
  const text = withBom.startsWith('\ufeff') ? withBom.slice(1) : withoutBomText(withBom);
  let read: ReadDump;
  // As the CLI and the machine decide (adapter/load.ts).
  if (isDumpText(text)) read = { text: true, r: importLspciText(text) };
  else {
    // A raw binary config file read as latin1: one char per byte.
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    read = { text: false, r: importConfigBinary(bytes) };
  }
  lastDump = { input: withBom, read };
  return read;
}

/** `space`, when given, gets the bytes the sized 32-bit and 64-bit memory BARs decode, as catalogBarSpace gives a catalog device's. */
export function checkLspciText(
  withBom: string,
  select?: string,
  bars?: readonly { index: number | 'rom'; size: number }[],
  space?: { low: number; high: number },
): DumpProblem | null {
  let dev: DumpDevice | undefined;
  let note: DumpProblem | null = null;
  let count = 1;
  const read = readDump(withBom);
  if (read.text) {
    const r = read.r;
    if (!r.ok) return { line: r.error.line, message: r.error.message };
    if (r.devices.length === 0) return { message: 'no device in the dump' };
    dev = select === undefined ? r.devices[0] : r.devices.find((d) => sameAddress(d.address, select));
    if (!dev) return { message: `no device ${select} in the dump (it has ${firstEight(r.devices.map((d) => d.address))})`, select: true };
    // Several devices and none chosen: the first is used, which may not be the one meant (a whole
    // machine's `lspci -xxxx`). Said, with the addresses to choose from.
    count = r.devices.length;
    if (select === undefined && count > 1) {
      note = {
        warning: true,
        message: `the dump holds ${r.devices.length} devices (${firstEight(r.devices.map((d) => d.address))}); the first, ${dev.address}, is used: add \`select ${dev.address}\` (or another address) to say which`,
      };
    }
  } else {
    if (!read.r.ok) return { message: read.r.error.message };
    dev = read.r.device;
  }
  if (bars) {
    // A dump shorter than 4 KiB reads 0 past its end there, as its device would.
    const l = layoutBars(
      dev.bytes,
      bars.map((b) => ({ index: b.index, size: b.size })),
    );
    if (!l.ok) {
      // The device used unasked, of several: said, so the user can tell which one this is about.
      const which = note ? `${dev.address} (the first of the dump's ${count} devices; \`select\` names another)` : dev.address;
      const bad: DumpProblem = { message: `${which}: ${l.message}`, bar: l.bar };
      const empty = emptySlotIds(dev.bytes);
      if (empty) bad.also = { ...empty, message: `${dev.address}: ${empty.message}` };
      return bad;
    }
    for (const b of space ? l.bars : []) {
      if (b.kind === 'mem32') space!.low += b.size;
      else if (b.kind === 'mem64') space!.high += b.size;
    }
  }
  const empty = emptySlotIds(dev.bytes);
  if (!empty) return note;
  empty.message = `${dev.address}: ${empty.message}`;
  if (note) empty.also = note;
  return empty;
}
