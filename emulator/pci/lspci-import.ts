// Import config-space dumps: `lspci -x / -xxx / -xxxx` text (several devices per file, decoded
// -v lines ignored, as `lspci -F` does in pciutils lib/dump.c) and raw sysfs `config` files.
// Never throws: errors carry the 1-based line they were found on.

import type { DumpDevice } from './function';

export type LspciImportResult = { ok: true; devices: DumpDevice[] } | { ok: false; error: { line: number; message: string } };

export type ConfigImportResult = { ok: true; device: DumpDevice } | { ok: false; error: { message: string } };

const DUMP_SIZES = [64, 256, 4096];
/**
 * A device's header line. The function is one decimal digit, as lspci -F reads it (pciutils v3.9.0
 * lib/dump.c dump_init: sscanf "%x:%x.%d" after dump_validate "##:##.# "), 8 and 9 included: a
 * header of function 8 was not one here, so its hex lines became a device 00:00.0 of no header.
 */
const HEADER_RE = /^((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9])(?:\s+(.*))?$/;
const HEX_START_RE = /^([0-9a-fA-F]+):(?:\s|$)/;
const BYTE_RE = /^[0-9a-fA-F]{2}$/;

/** A dump with no device in it (an empty file, blank lines, text with no hex): what every reader says of it. */
export const NO_DUMP_FOUND = 'no config-space dump found (expected lspci -x/-xxx/-xxxx output)';

/** A device header with no hex lines under it (`lspci -v` saved without -x). */
export function noHexLines(address: string): string {
  return `device ${address} has no hex dump lines (use lspci -x, -xxx or -xxxx)`;
}

interface Pending {
  address: string;
  title: string;
  headerLine: number;
  bytes: number[];
  lastLine: number;
  titleOpen: boolean;
}

export function importLspciText(text: string): LspciImportResult {
  const lines = text.split(/\r\n|\n|\r/);
  const devices: DumpDevice[] = [];
  let cur: Pending | undefined;
  let failure: { line: number; message: string } | undefined;

  const finish = (): boolean => {
    if (!cur) return true;
    const c = cur;
    cur = undefined;
    if (c.bytes.length === 0) {
      failure = { line: c.headerLine, message: noHexLines(c.address) };
      return false;
    }
    if (!DUMP_SIZES.includes(c.bytes.length)) {
      failure = { line: c.lastLine, message: `device ${c.address} has ${c.bytes.length} bytes; lspci -x/-xxx/-xxxx give 64, 256 or 4096` };
      return false;
    }
    devices.push({ address: c.address, title: c.title.trim(), bytes: Uint8Array.from(c.bytes) });
    return true;
  };

  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = lines[n]!;
    const line = raw.replace(/\s+$/, '');
    if (line === '') {
      if (cur) cur.titleOpen = false;
      continue;
    }
    if (/^\s/.test(line)) {
      if (cur) cur.titleOpen = false;
      continue; // decoded -v text
    }
    const h = HEADER_RE.exec(line);
    if (h) {
      if (!finish()) return { ok: false, error: failure! };
      cur = { address: h[1]!, title: h[2] ?? '', headerLine: lineNo, bytes: [], lastLine: lineNo, titleOpen: true };
      continue;
    }
    const m = HEX_START_RE.exec(line);
    if (!m) {
      if (cur?.titleOpen && cur.bytes.length === 0) cur.title += ' ' + line.trim(); // wrapped header line
      continue;
    }
    const offset = parseInt(m[1]!, 16);
    const fields = line
      .slice(m[0].length)
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '');
    if (!cur || (offset === 0 && cur.bytes.length > 0)) {
      // hex lines with no header line (or a second dump restarting at 0): an anonymous device
      if (cur && !finish()) return { ok: false, error: failure! };
      cur = { address: '00:00.0', title: '', headerLine: lineNo, bytes: [], lastLine: lineNo, titleOpen: false };
    }
    cur.titleOpen = false;
    if (offset % 16 !== 0) return { ok: false, error: { line: lineNo, message: `offset 0x${m[1]} is not a multiple of 16` } };
    if (offset > 0xff0) return { ok: false, error: { line: lineNo, message: `offset 0x${m[1]} is past the 4096-byte config space` } };
    if (offset !== cur.bytes.length) {
      return { ok: false, error: { line: lineNo, message: `offset 0x${m[1]} out of order: expected 0x${cur.bytes.length.toString(16).padStart(2, '0')}` } };
    }
    if (fields.length !== 16) return { ok: false, error: { line: lineNo, message: `expected 16 bytes after the offset, found ${fields.length}` } };
    for (let i = 0; i < fields.length; i++) {
      if (!BYTE_RE.test(fields[i]!)) {
        return { ok: false, error: { line: lineNo, message: `byte ${i} ('${fields[i]}') is not two hex digits` } };
      }
      cur.bytes.push(parseInt(fields[i]!, 16));
    }
    cur.lastLine = lineNo;
  }
  if (!finish()) return { ok: false, error: failure! };
  if (devices.length === 0) return { ok: false, error: { line: 1, message: NO_DUMP_FOUND } };
  return { ok: true, devices };
}

/** A raw sysfs `config` file (64, 256 or 4096 bytes, as root or not). */
export function importConfigBinary(bytes: Uint8Array): ConfigImportResult {
  if (!DUMP_SIZES.includes(bytes.length)) {
    return { ok: false, error: { message: `config file is ${bytes.length} bytes; sysfs gives 64, 256 or 4096` } };
  }
  return { ok: true, device: { address: '00:00.0', title: '', bytes: bytes.slice() } };
}

/**
 * A dump's bytes as every reader takes them (the CLI's lspci, the scenario checker, the machine),
 * without the byte-order mark Windows puts before text: a UTF-8 one (an editor saving the file)
 * is dropped; UTF-16 text (what PowerShell's `>` writes: FF FE then UTF-16LE, or FE FF then
 * big-endian) becomes the same text in UTF-8, so it reads as the dump it holds instead of as
 * thousands of config-space bytes. Bytes after FF FE or FE FF that are not dump text (a raw
 * config file of a device whose vendor ID is 0xfeff or 0xfffe) stay as they are.
 */
export function withoutBom(b: Uint8Array): Uint8Array {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3);
  const le = b[0] === 0xff && b[1] === 0xfe;
  if (!le && !(b[0] === 0xfe && b[1] === 0xff)) return b;
  let text = '';
  for (let i = 2; i + 1 < b.length; i += 2) text += String.fromCharCode(le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!);
  // An odd last byte is half a character: a replacement character, as a decoder writes it.
  if (b.length % 2) text += '\ufffd';
  // TextEncoder writes a lone surrogate as U+FFFD too: the result is always well-formed UTF-8.
  const utf8 = new TextEncoder().encode(text);
  return isDumpText(utf8) ? utf8 : b;
}

/** The same for a dump read as text one character per byte (emulator/scenario/staged.ts latin1). */
export function withoutBomText(latin1: string): string {
  if (!/^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)/.test(latin1)) return latin1;
  const bytes = new Uint8Array(latin1.length);
  for (let i = 0; i < latin1.length; i++) bytes[i] = latin1.charCodeAt(i) & 0xff;
  const out = withoutBom(bytes);
  let s = '';
  for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
  return s;
}

/**
 * Whether a dump (its BOM removed) is lspci text rather than a binary config file: its first 256
 * bytes are printable ASCII, tabs and line breaks, or a line of it starts a device as lspci -F
 * reads one (lib/dump.c dump_init: "BB:DD.F ", "DDDD:BB:DD.F ", "DDDDD:BB:DD.F "): a title of
 * lspci -xxx may name a vendor in UTF-8 (pci.ids' "Hilscher Gesellschaft für …"). The bytes, or
 * the text read one character per byte.
 */
export function isDumpText(b: Uint8Array | string): boolean {
  const n = Math.min(b.length, 256);
  let i = 0;
  for (; i < n; i++) {
    const c = typeof b === 'string' ? b.charCodeAt(i) : b[i]!;
    if (!(c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))) break;
  }
  if (i === n) return true;
  let head = typeof b === 'string' ? b.slice(0, 0x10000) : '';
  if (typeof b !== 'string')
    for (let k = 0; k < Math.min(b.length, 0x10000); k += 0x4000) head += String.fromCharCode(...b.subarray(k, Math.min(k + 0x4000, 0x10000)));
  return /(?:^|\n)(?:[0-9a-f]{4,5}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-9] /i.test(head);
}
