// pci.ids parser and name lookup. The text is passed in (the emulator never reads
// files); the project bundles a pinned copy in data/pci.ids (Version 2023.04.10, used
// under its BSD-3-Clause option, header kept). Format: the comment block at the top of
// pci.ids itself (vendor / <TAB>device / <TAB><TAB>subvendor subdevice, "C class" /
// <TAB>subclass / <TAB><TAB>prog-if, "S vendor" / <TAB>subsystem), read as lspci reads it.
// Never throws: malformed lines are skipped and reported with their line number.

export interface PciIdsError {
  line: number;
  message: string;
}

export interface PciIds {
  vendorName(vendor: number): string | undefined;
  deviceName(vendor: number, device: number): string | undefined;
  subsystemName(vendor: number, device: number, subVendor: number, subDevice: number): string | undefined;
  /** A subsystem named for any device ("S" blocks of pci.ids). */
  genericSubsystemName?(subVendor: number, subDevice: number): string | undefined;
  /** className(0x02) → class; className(0x02, 0x00) → subclass; with progIf → programming interface. */
  className(base: number, sub?: number, progIf?: number): string | undefined;
  /** Lines that did not parse (the rest of the file is still used). */
  errors: PciIdsError[];
  /** The "Version:" line of the header, if present. */
  version?: string;
}

const VERSION = /^#\s*Version:\s*(\S+)/;

/** names-parse.c id_white_p. */
const white = (c: string | undefined): boolean => c === ' ' || c === '\t';
/** names-parse.c id_hex: exactly n hex digits. */
function idHex(s: string, at: number, n: number): number {
  const t = s.slice(at, at + n);
  return t.length === n && /^[0-9a-fA-F]+$/.test(t) ? parseInt(t, 16) : -1;
}

/**
 * Parse pci.ids the way pciutils v3.9.0 lib/names-parse.c id_parse_list does: a line ends at the
 * first CR or LF and loses one trailing blank; blank and '#' lines are skipped; the number of
 * leading tabs is the nesting; "C xx" opens a class, "S xxxx" a generic-subsystem block, any
 * other "X " block is skipped; a name is what follows the id and its blanks. Where lspci would
 * stop with "Parse error" or "Duplicate entry", the line is reported here and the rest is used
 * (the first entry of a duplicate wins, as in lspci's hash).
 */
export function loadPciIds(text: string): PciIds {
  const vendors = new Map<number, string>();
  const devices = new Map<number, string>(); // (vendor << 16 | device) >>> 0
  const subsystems = new Map<number, Map<number, string>>(); // device key → (sv << 16 | sd) → name
  const generic = new Map<number, string>(); // (sv << 16 | sd) → name ("S" blocks)
  const classes = new Map<number, string>();
  const errors: PciIdsError[] = [];
  let version: string | undefined;

  type Cat = 'none' | 'vendor' | 'device' | 'subsystem' | 'gen' | 'class' | 'subclass' | 'progif' | 'unknown';
  let cat: Cat = 'none';
  let id1 = -1;
  let id2 = -1;

  const add = <K>(m: Map<K, string>, k: K, name: string, line: number): void => {
    if (m.has(k)) errors.push({ line, message: 'Duplicate entry' });
    else m.set(k, name);
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    const cr = line.indexOf('\r');
    if (cr >= 0) line = line.slice(0, cr);
    if (line.length && white(line[line.length - 1])) line = line.slice(0, -1);
    const trimmed = line.replace(/^[ \t]+/, '');
    if (trimmed === '' || trimmed.startsWith('#')) {
      const v = VERSION.exec(trimmed);
      if (v && version === undefined) version = v[1];
      continue;
    }
    let nest = 0;
    while (line[nest] === '\t') nest++;
    let p = nest;
    const fail = (message = 'Parse error'): void => {
      errors.push({ line: lineNo, message });
    };
    let entry: { map: Map<number, string>; key: number } | undefined;
    if (nest === 0) {
      if (line[0] === 'C' && line[1] === ' ') {
        const c = idHex(line, 2, 2);
        if (c < 0 || !white(line[4])) {
          fail();
          cat = 'unknown';
          continue;
        }
        cat = 'class';
        id1 = c;
        id2 = -1;
        p = 5;
        entry = { map: classes, key: classKey(c) };
      } else if (line[0] === 'S' && line[1] === ' ') {
        const v = idHex(line, 2, 4);
        if (v < 0 || line.length !== 6) {
          fail();
          cat = 'unknown';
          continue;
        }
        if (!vendors.has(v)) {
          fail('Vendor does not exist');
          cat = 'unknown';
          continue;
        }
        cat = 'gen';
        id1 = v;
        continue;
      } else if (line[0]! >= 'A' && line[0]! <= 'Z' && line[1] === ' ') {
        cat = 'unknown';
        continue;
      } else {
        const v = idHex(line, 0, 4);
        if (v < 0 || !white(line[4])) {
          fail();
          cat = 'unknown';
          continue;
        }
        cat = 'vendor';
        id1 = v;
        id2 = -1;
        p = 5;
        entry = { map: vendors, key: v };
      }
    } else if (cat === 'unknown') {
      continue;
    } else if (nest === 1) {
      if (cat === 'vendor' || cat === 'device' || cat === 'subsystem') {
        const d = idHex(line, p, 4);
        if (d < 0 || !white(line[p + 4])) {
          fail();
          continue;
        }
        cat = 'device';
        id2 = d;
        p += 5;
        entry = { map: devices, key: ((id1 << 16) | d) >>> 0 };
      } else if (cat === 'gen') {
        const sd = idHex(line, p, 4);
        if (sd < 0 || !white(line[p + 4])) {
          fail();
          continue;
        }
        p += 5;
        entry = { map: generic, key: ((id1 << 16) | sd) >>> 0 };
      } else if (cat === 'class' || cat === 'subclass' || cat === 'progif') {
        const s = idHex(line, p, 2);
        if (s < 0 || !white(line[p + 2])) {
          fail();
          continue;
        }
        cat = 'subclass';
        id2 = s;
        p += 3;
        entry = { map: classes, key: classKey(id1, s) };
      } else {
        fail();
        continue;
      }
    } else if (nest === 2) {
      if (cat === 'device' || cat === 'subsystem') {
        const sv = idHex(line, p, 4);
        const sd = idHex(line, p + 5, 4);
        if (sv < 0 || !white(line[p + 4]) || sd < 0 || !white(line[p + 9])) {
          fail();
          continue;
        }
        cat = 'subsystem';
        p += 10;
        const dk = ((id1 << 16) | id2) >>> 0;
        let t = subsystems.get(dk);
        if (!t) subsystems.set(dk, (t = new Map<number, string>()));
        entry = { map: t, key: ((sv << 16) | sd) >>> 0 };
      } else if (cat === 'class' || cat === 'subclass' || cat === 'progif') {
        const pi = idHex(line, p, 2);
        if (pi < 0 || !white(line[p + 2]) || id2 < 0) {
          fail();
          continue;
        }
        cat = 'progif';
        p += 3;
        entry = { map: classes, key: classKey(id1, id2, pi) };
      } else {
        fail();
        continue;
      }
    } else {
      fail();
      continue;
    }
    while (white(line[p])) p++;
    if (p >= line.length) {
      fail();
      continue;
    }
    add(entry.map, entry.key, line.slice(p), lineNo);
  }

  return {
    errors,
    version,
    vendorName: (v) => vendors.get(v),
    deviceName: (v, d) => devices.get(((v << 16) | d) >>> 0),
    subsystemName: (v, d, sv, sd) => subsystems.get(((v << 16) | d) >>> 0)?.get(((sv << 16) | sd) >>> 0),
    genericSubsystemName: (sv, sd) => generic.get(((sv << 16) | sd) >>> 0),
    className: (b, s, p) => classes.get(classKey(b, s, p)),
  };
}

// Class keys: 1bbsspp with "ss"/"pp" = 0x1ff when absent, so levels never collide.
function classKey(base: number, sub?: number, progIf?: number): number {
  const s = sub === undefined ? 0x1ff : sub & 0xff;
  const p = progIf === undefined ? 0x1ff : progIf & 0xff;
  return (base & 0xff) * 0x40000 + s * 0x200 + p;
}

/** A top-level line (names-parse.c: no leading tab, not blank or a comment once blanks are skipped). */
const TOP_LINE = /^(?!\t)[ \t]*[^ \t#\r\n]/gm;

/**
 * The key of a top-level line that the on-demand lookups search for — "v8086" (a vendor),
 * "c02" (a class), "s8086" (a generic-subsystem block) — or undefined. Exactly the lines their
 * patterns match: four hex digits and a blank; "C " and two hex digits; "S " and four.
 */
export function pciIdsLineKey(line: string): string | undefined {
  let m = /^([0-9a-fA-F]{4})[ \t]/.exec(line);
  if (m) return `v${m[1]!.toLowerCase()}`;
  m = /^C ([0-9a-fA-F]{2})/.exec(line);
  if (m) return `c${m[1]!.toLowerCase()}`;
  m = /^S ([0-9a-fA-F]{4})/.exec(line);
  return m ? `s${m[1]!.toLowerCase()}` : undefined;
}

/**
 * pci.ids in pieces: where the blocks of each vendor, class and generic-subsystem block start and
 * end (worked out once, when the project is built: scripts/pci-ids-index.ts), and any stretch of
 * the text read when a lookup needs it. The adapter names a handful of devices in a session; this
 * way it reads a few kilobytes of the file for them instead of holding all 1.3 MB.
 */
export interface PciIdsPieces {
  /** The blocks whose header line has this key (pciIdsLineKey): start and end offsets in pairs, ascending, in the units `slice` takes (bytes for a file). */
  blocks(key: string): readonly number[];
  /**
   * For a vendor whose device lines the pieces know to be in ascending order of device id (one
   * block, checked when the index was made): a stretch [start, end) of its block that holds every
   * line naming `device` with all the lines under them — a few kilobytes of Intel's 370 KB — with
   * the block it claims to be in and the devices named by the lines that bound it (`before` at
   * `start` unless that is the block's start, `after` at `end` unless that is its end). The
   * reader checks all of that against the text before it trusts the stretch. Undefined when the
   * pieces do not know (the vendor's blocks are read).
   */
  deviceRange?(vendorKey: string, device: number): DeviceRange | undefined;
  /** Where the text ends, in the same units. */
  readonly length: number;
  /** What pciIdsVersion says of the whole text. */
  readonly version: string | undefined;
  /** The text from `start` to `end` (both a line's start or the end). */
  slice(start: number, end: number): string;
}

/** Where the pieces put a device's lines (PciIdsPieces.deviceRange). */
export interface DeviceRange {
  /** The vendor's one block. */
  block: readonly [number, number];
  start: number;
  end: number;
  /** The device the line at `start` names (absent when `start` is the block's start). */
  before?: number;
  /** The device the line at `end` names (absent when `end` is the block's end). */
  after?: number;
}

/**
 * A line inside a vendor block that names a device, as names-parse.c takes it: one tab, four hex
 * digits and a blank that is still there once the line's last blank is dropped (so something
 * follows it); matched from the line break before it.
 */
const DEVICE_LINE = /\n\t([0-9a-fA-F]{4})[ \t][^\r\n]/g;

/** The lines of a vendor block (its text from the header line on) that name a device: each one's device and where the line starts. */
export function pciIdsDeviceLines(block: string): { device: number; at: number }[] {
  const re = new RegExp(DEVICE_LINE.source, 'g');
  const out: { device: number; at: number }[] = [];
  for (let m = re.exec(block); m; m = re.exec(block)) {
    out.push({ device: parseInt(m[1]!, 16), at: m.index + 1 });
    re.lastIndex = m.index + 1;
  }
  return out;
}

/** The top-level lines of a pci.ids text: each one's offset (in UTF-16 units) and its key. */
export function pciIdsTopLines(text: string): { at: number; key: string | undefined }[] {
  const out: { at: number; key: string | undefined }[] = [];
  const re = new RegExp(TOP_LINE.source, 'gm');
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ at: m.index, key: pciIdsLineKey(text.slice(m.index, m.index + 8)) });
  return out;
}

/** The version pci.ids gives in its header comment ("# Version: 2023.04.10"). */
export function pciIdsVersion(text: string): string | undefined {
  return /^[ \t]*#[^\S\r\n]*Version:[^\S\r\n]*([^\s]+)/m.exec(text)?.[1];
}

/**
 * The same lookups as loadPciIds, answered on demand: the first time a vendor, class or generic
 * subsystem is asked for, only its blocks (each header line of it with the lines up to the next
 * top-level line) are cut out of the text by native searches and parsed by loadPciIds. A debugger
 * names a handful of devices; parsing all of pci.ids for them costs tens of milliseconds and
 * megabytes of maps (what the adapter held at its first stop). Blocks are independent in the
 * names-parse.c grammar (the category resets at every top-level line), so parsing a vendor's
 * blocks alone gives that vendor's answers; a generic-subsystem block ("S xxxx") also needs its
 * vendor defined before it, so the vendor's earlier blocks go with it. `errors` parses the
 * whole text when asked.
 *
 * Inside a vendor's blocks the cut is finer, because one vendor can be large (Intel's block is
 * 8,500 lines, which took 25 ms to parse at a launch's first Variables view): a vendor's name
 * parses its header lines alone, and a device's names parse the headers with that device's own
 * lines (its device line up to the next line that names a device). That gives the full parse's
 * answers because, inside a vendor block, a line that names a device (names-parse.c: one tab, four
 * hex digits and a blank still there once the line's last blank is dropped) sets the device for
 * the subsystem lines under it whatever came before, and no other line changes that state.
 */
export function indexPciIds(source: string | PciIdsPieces): PciIds {
  const pieces = typeof source === 'string' ? undefined : source;
  /** The whole text: given, or (pieces) read only if `errors` is asked for. */
  let whole = typeof source === 'string' ? source : undefined;
  const text = (): string => (whole ??= pieces!.slice(0, pieces!.length));
  const parsed = new Map<string, PciIds>();
  let full: PciIds | undefined;
  /** A hex number as a pattern matching it in either case. */
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const hx = (n: number, w: number) =>
    n
      .toString(16)
      .padStart(w, '0')
      .replace(/[a-f]/g, (c) => `[${c}${c.toUpperCase()}]`);
  /** Where each block of the pieces found so far ends. */
  const ends = new Map<number, number>();
  /** Starts of the top-level lines with this key (pciIdsLineKey), which are those matching `pattern` at a line's start. */
  const starts = (key: string, pattern: string): number[] => {
    if (pieces) {
      const b = pieces.blocks(key);
      const out: number[] = [];
      for (let i = 0; i + 1 < b.length; i += 2) {
        out.push(b[i]!);
        ends.set(b[i]!, b[i + 1]!);
      }
      return out;
    }
    const all = text();
    const re = new RegExp(`^${pattern}`, 'gm');
    const out: number[] = [];
    for (let m = re.exec(all); m; m = re.exec(all)) out.push(m.index);
    return out;
  };
  const top = new RegExp(TOP_LINE.source, 'gm');
  /** The block whose header line starts at `at`: up to the next top-level line. */
  const block = (at: number): string => {
    if (pieces) {
      const b = pieces.slice(at, ends.get(at) ?? pieces.length);
      return b.endsWith('\n') ? b : `${b}\n`;
    }
    const all = text();
    const nl = all.indexOf('\n', at);
    if (nl < 0) return all.slice(at);
    top.lastIndex = nl + 1;
    const m = top.exec(all);
    const end = m ? m.index : all.length;
    return all.slice(at, end) + (all.charCodeAt(end - 1) === 10 ? '' : '\n');
  };
  const of = (key: string, headers: () => number[]): PciIds => {
    let p = parsed.get(key);
    if (!p) {
      const blocks = headers()
        .sort((a, b) => a - b)
        .map(block);
      parsed.set(key, (p = loadPciIds(blocks.map((b) => (b.endsWith('\n') ? b : `${b}\n`)).join(''))));
    }
    return p;
  };
  const vendorHeaders = (v: number) => starts(`v${hex(v & 0xffff, 4)}`, `${hx(v & 0xffff, 4)}[ \t]`);
  /**
   * A vendor's blocks, each starting with its header line. Kept per vendor when they are cut from a
   * text held anyway (slices share its memory); read afresh from pieces (Intel's block alone is
   * 370 KB, and each device's answers are kept once parsed).
   */
  const blocksOf = new Map<number, string[]>();
  const vendorBlocks = (v: number): string[] => {
    let b = blocksOf.get(v);
    if (!b) {
      b = vendorHeaders(v)
        .sort((x, y) => x - y)
        .map(block);
      if (!pieces) blocksOf.set(v, b);
    }
    return b;
  };
  const headerLine = (b: string): string => {
    const nl = b.indexOf('\n');
    return nl < 0 ? `${b}\n` : b.slice(0, nl + 1);
  };
  /** A block's header line, with its line break. */
  const headerAt = (start: number, end: number): string => {
    // A header line is short: read a little first, the whole block only when the line is longer.
    const head = pieces!.slice(start, Math.min(end, start + 256));
    const nl = head.indexOf('\n');
    return nl >= 0 ? head.slice(0, nl + 1) : headerLine(end > start + 256 ? pieces!.slice(start, end) : head);
  };
  /** Pairs of a vendor's blocks, from the pieces. */
  const vendorPairs = (v: number): readonly number[] => pieces!.blocks(`v${hex(v & 0xffff, 4)}`);
  /** The vendor's header lines (its name), without reading the rest of its blocks. */
  const vendorText = (v: number): string => {
    if (!pieces) return vendorBlocks(v).map(headerLine).join('');
    const b = vendorPairs(v);
    let out = '';
    for (let i = 0; i + 1 < b.length; i += 2) out += headerAt(b[i]!, b[i + 1]!);
    return out;
  };
  /** A line naming device `id` at the start of `text` (after the line break before it). */
  const namesDevice = (text: string, id: number | undefined): boolean => {
    const m = /^\n\t([0-9a-fA-F]{4})[ \t][^\r\n]/.exec(text);
    return !!m && id !== undefined && parseInt(m[1]!, 16) === id;
  };
  /**
   * The text of the stretch the pieces give for device `d` (PciIdsPieces.deviceRange), from the
   * line break before its first line; undefined when there is none, or it does not fit the text:
   * another block than the vendor's one, or bounds that are not the device lines the index says
   * (a damaged index: the vendor's blocks are read instead, never a wrong name).
   */
  const nearDevice = (p: PciIdsPieces, v: number, d: number): string | undefined => {
    const r = p.deviceRange?.(`v${hex(v & 0xffff, 4)}`, d & 0xffff);
    if (!r) return undefined;
    const b = vendorPairs(v);
    const [bs, be] = r.block;
    if (b.length !== 2 || b[0] !== bs || b[1] !== be || !(bs <= r.start && r.start < r.end && r.end <= be)) return undefined;
    const atStart = r.start === bs;
    const text = p.slice(atStart ? r.start : r.start - 1, r.end);
    if (!atStart && !(namesDevice(text, r.before) && r.before! < d)) return undefined;
    if (r.end < be && !(namesDevice(p.slice(r.end - 1, Math.min(be, r.end + 7)), r.after) && r.after! > d)) return undefined;
    return text;
  };
  /** Where device `d`'s lines are in a vendor block: from each line naming it to the next line naming a device. */
  const stretches = (b: string, d: number): [number, number][] => {
    const re = new RegExp(`\\n\\t${hx(d & 0xffff, 4)}[ \\t][^\\r\\n]`, 'g');
    const out: [number, number][] = [];
    for (let m = re.exec(b); m; m = re.exec(b)) {
      DEVICE_LINE.lastIndex = m.index + 1;
      const next = DEVICE_LINE.exec(b);
      const end = next ? next.index + 1 : b.length;
      out.push([m.index + 1, end]);
      re.lastIndex = end - 1;
    }
    return out;
  };
  const withBreak = (line: string): string => (line.endsWith('\n') ? line : `${line}\n`);
  /** The vendor's header lines, each followed by the lines of device `d` (its device line up to the next device line). */
  const deviceText = (v: number, d: number): string => {
    let out = '';
    const near = pieces && nearDevice(pieces, v, d);
    if (near !== undefined) {
      // One block, its device lines in order: the header and a few kilobytes around the device are read.
      const b = vendorPairs(v);
      out = headerAt(b[0]!, b[1]!);
      for (const [from, to] of stretches(near, d)) out += withBreak(near.slice(from, to));
      return out;
    }
    for (const b of vendorBlocks(v)) {
      out += headerLine(b);
      for (const [from, to] of stretches(b, d)) out += withBreak(b.slice(from, to));
    }
    return out;
  };
  const named = (key: string, text: () => string): PciIds => {
    let p = parsed.get(key);
    if (!p) parsed.set(key, (p = loadPciIds(text())));
    return p;
  };
  const vendor = (v: number) => named(`v${v}`, () => vendorText(v));
  const device = (v: number, d: number) => named(`d${v}:${d}`, () => deviceText(v, d));
  const klass = (c: number) => of(`c${c & 0xff}`, () => starts(`c${hex(c & 0xff, 2)}`, `C ${hx(c & 0xff, 2)}`));
  const generic = (sv: number) =>
    of(`s${sv}`, () => {
      const s = starts(`s${hex(sv & 0xffff, 4)}`, `S ${hx(sv & 0xffff, 4)}`);
      const first = s.length ? Math.min(...s) : 0;
      return [...vendorHeaders(sv).filter((at) => at < Math.max(...s, first)), ...s];
    });
  let version: string | undefined | null = null;
  return {
    get errors() {
      return (full ??= loadPciIds(text())).errors;
    },
    get version() {
      if (version === null) version = pieces ? pieces.version : pciIdsVersion(text());
      return version;
    },
    vendorName: (v) => vendor(v).vendorName(v),
    deviceName: (v, d) => device(v, d).deviceName(v, d),
    subsystemName: (v, d, sv, sd) => device(v, d).subsystemName(v, d, sv, sd),
    genericSubsystemName: (sv, sd) => generic(sv).genericSubsystemName?.(sv, sd),
    className: (b, s, p) => klass(b).className(b, s, p),
  };
}
