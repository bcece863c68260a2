// pci.ids parser and name lookup. The text is passed in (the emulator never reads
// files); the project bundles a pinned copy in data/pci.ids (Version 2023.04.10, used
// under its BSD-3-Clause option, header kept). Format: the comment block at the top of
// pci.ids itself (vendor / <TAB>device / <TAB><TAB>subvendor subdevice, and
// "C class" / <TAB>subclass / <TAB><TAB>prog-if).
// Never throws: malformed lines are skipped and reported with their line number.

export interface PciIdsError {
  line: number;
  message: string;
}

export interface PciIds {
  vendorName(vendor: number): string | undefined;
  deviceName(vendor: number, device: number): string | undefined;
  subsystemName(vendor: number, device: number, subVendor: number, subDevice: number): string | undefined;
  /** className(0x02) → class; className(0x02, 0x00) → subclass; with progIf → programming interface. */
  className(base: number, sub?: number, progIf?: number): string | undefined;
  /** Lines that did not parse (the rest of the file is still used). */
  errors: PciIdsError[];
  /** The "Version:" line of the header, if present. */
  version?: string;
}

const VENDOR = /^([0-9a-fA-F]{4})  (.+)$/;
const DEVICE = /^\t([0-9a-fA-F]{4})  (.+)$/;
const SUBSYS = /^\t\t([0-9a-fA-F]{4}) ([0-9a-fA-F]{4})  (.+)$/;
const CLASS = /^C ([0-9a-fA-F]{2})  (.+)$/;
const SUBCLASS = /^\t([0-9a-fA-F]{2})  (.+)$/;
const PROGIF = /^\t\t([0-9a-fA-F]{2})  (.+)$/;
const VERSION = /^#\s*Version:\s*(\S+)/;

export function loadPciIds(text: string): PciIds {
  const vendors = new Map<number, string>();
  const devices = new Map<number, string>(); // (vendor << 16 | device) >>> 0
  const subsystems = new Map<number, Map<number, string>>(); // device key → (sv << 16 | sd) → name
  const classes = new Map<number, string>(); // base << 16 | 0xffff, base << 8 | sub (+0x1000000 marker) ...
  const errors: PciIdsError[] = [];
  let version: string | undefined;

  // Section state: which kind of block the indented lines belong to.
  let mode: 'none' | 'vendor' | 'class' | 'other' = 'none';
  let vendor = -1;
  let devKey = -1;
  let cls = -1;
  let subcls = -1;

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith('#')) {
      const v = VERSION.exec(line);
      if (v && version === undefined) version = v[1];
      continue;
    }
    if (line.trim() === '') continue;
    let m: RegExpExecArray | null;
    if ((m = VENDOR.exec(line))) {
      mode = 'vendor';
      vendor = parseInt(m[1], 16);
      devKey = -1;
      vendors.set(vendor, m[2]);
      continue;
    }
    if ((m = CLASS.exec(line))) {
      mode = 'class';
      cls = parseInt(m[1], 16);
      subcls = -1;
      classes.set(classKey(cls), m[2]);
      continue;
    }
    if (!line.startsWith('\t')) {
      // Other top-level lists (e.g. "X" or future sections): skip their bodies.
      mode = 'other';
      continue;
    }
    if (mode === 'vendor') {
      if ((m = DEVICE.exec(line))) {
        devKey = ((vendor << 16) | parseInt(m[1], 16)) >>> 0;
        devices.set(devKey, m[2]);
      } else if ((m = SUBSYS.exec(line)) && devKey >= 0) {
        let t = subsystems.get(devKey);
        if (!t) subsystems.set(devKey, (t = new Map()));
        t.set(((parseInt(m[1], 16) << 16) | parseInt(m[2], 16)) >>> 0, m[3]);
      } else {
        errors.push({ line: i + 1, message: `unrecognised line in vendor ${hex4(vendor)}` });
      }
    } else if (mode === 'class') {
      if ((m = SUBCLASS.exec(line))) {
        subcls = parseInt(m[1], 16);
        classes.set(classKey(cls, subcls), m[2]);
      } else if ((m = PROGIF.exec(line)) && subcls >= 0) {
        classes.set(classKey(cls, subcls, parseInt(m[1], 16)), m[2]);
      } else {
        errors.push({ line: i + 1, message: `unrecognised line in class ${cls.toString(16)}` });
      }
    } else if (mode === 'none') {
      errors.push({ line: i + 1, message: 'indented line before any vendor or class' });
    }
  }

  return {
    errors,
    version,
    vendorName: (v) => vendors.get(v),
    deviceName: (v, d) => devices.get(((v << 16) | d) >>> 0),
    subsystemName: (v, d, sv, sd) => subsystems.get(((v << 16) | d) >>> 0)?.get(((sv << 16) | sd) >>> 0),
    className: (b, s, p) => classes.get(classKey(b, s, p)),
  };
}

// Class keys: 1bbsspp with "ss"/"pp" = 0x1ff when absent, so levels never collide.
function classKey(base: number, sub?: number, progIf?: number): number {
  const s = sub === undefined ? 0x1ff : sub & 0xff;
  const p = progIf === undefined ? 0x1ff : progIf & 0xff;
  return (base & 0xff) * 0x40000 + s * 0x200 + p;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/**
 * The same lookups as loadPciIds, answered from the text on demand: a name is looked for, the
 * first time it is asked for, with a few native searches of the text (its vendor's or class's
 * block, then its line). A debugger names a handful of devices; parsing all of pci.ids for them
 * costs tens of milliseconds and megabytes of maps, and even a JavaScript loop over its 60,000
 * lines leaves megabytes of optimizing-compiler memory behind (what the adapter held at its
 * first stop). The answers are those of loadPciIds line for line, for text whose lines end in
 * \n or \r\n (same patterns, later definitions win); `errors` parses the whole text when asked.
 */
export function indexPciIds(text: string): PciIds {
  const answers = new Map<string, string | undefined>();
  const classBlocks = new Map<number, Map<number, string>>();
  let full: PciIds | undefined;

  /** End of the line starting at `at`, before its \r. */
  const lineEnd = (at: number) => {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    return end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  };
  const lineAt = (at: number) => text.slice(at, lineEnd(at));
  /** The start of the line after the one starting at `at` (text.length at the end). */
  const nextLine = (at: number) => {
    const p = text.indexOf('\n', at);
    return p < 0 ? text.length : p + 1;
  };
  /** A hex number as a pattern matching it in either case, as [0-9a-fA-F] does. */
  const hx = (n: number, w: number) => [...n.toString(16).padStart(w, '0')].map((c) => (c >= 'a' ? `[${c}${c.toUpperCase()}]` : c)).join('');
  /** Starts of the lines in [from, to) that `pattern` matches at their start. */
  const starts = (pattern: string, from = 0, to = text.length): number[] => {
    const re = new RegExp(`^${pattern}`, 'gm');
    re.lastIndex = from;
    const out: number[] = [];
    for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) out.push(m.index);
    return out;
  };
  /** Where the block whose header line starts at `at` ends: the next line that is not indented, a comment or blank. */
  const blockEnd = (at: number) => {
    const re = /^(?![\t#]|[^\S\n]*$)/gm;
    re.lastIndex = nextLine(at);
    const m = re.exec(text);
    return m ? m.index : text.length;
  };
  const memo = (key: string, find: () => string | undefined) => {
    if (answers.has(key)) return answers.get(key);
    const v = find();
    answers.set(key, v);
    return v;
  };
  /** The header lines of vendor v, in file order (VENDOR must match: a name follows the two spaces). */
  const vendorLines = (v: number) => starts(`${hx(v, 4)}  `).filter((at) => VENDOR.test(lineAt(at)));
  const vendorName = (v: number) => memo(`v${v}`, () => {
    const l = vendorLines(v);
    return l.length ? VENDOR.exec(lineAt(l[l.length - 1]!))![2] : undefined;
  });
  /** Each device line of (v, d), with where its vendor block ends, in file order (a later one wins). */
  const deviceLines = (v: number, d: number): { at: number; end: number; name: string }[] => {
    const out: { at: number; end: number; name: string }[] = [];
    for (const h of vendorLines(v)) {
      const end = blockEnd(h);
      for (const at of starts(`\t${hx(d, 4)}  `, nextLine(h), end)) {
        const m = DEVICE.exec(lineAt(at));
        if (m) out.push({ at, end, name: m[2] });
      }
    }
    return out;
  };
  const deviceName = (v: number, d: number) => memo(`d${v}:${d}`, () => deviceLines(v, d).pop()?.name);
  const subsystemName = (v: number, d: number, sv: number, sd: number) => memo(`s${v}:${d}:${sv}:${sd}`, () => {
    let name: string | undefined;
    for (const dev of deviceLines(v, d)) {
      // Its subsystem lines follow it, up to the next device line of the block.
      const from = nextLine(dev.at);
      const next = starts('\\t[0-9a-fA-F]{4}  ', from, dev.end).find((at) => DEVICE.test(lineAt(at))) ?? dev.end;
      for (const at of starts(`\\t\\t${hx(sv, 4)} ${hx(sd, 4)}  `, from, next)) {
        const m = SUBSYS.exec(lineAt(at));
        if (m) name = m[3];
      }
    }
    return name;
  });
  const klass = (base: number) => {
    let b = classBlocks.get(base);
    if (b) return b;
    b = new Map();
    for (const h of starts(`C ${hx(base, 2)}  `).filter((at) => CLASS.test(lineAt(at)))) {
      b.set(classKey(base), CLASS.exec(lineAt(h))![2]);
      let sub = -1;
      const end = blockEnd(h);
      for (let p = nextLine(h); p < end; p = nextLine(p)) {
        const line = lineAt(p);
        let m: RegExpExecArray | null;
        if ((m = SUBCLASS.exec(line))) {
          sub = parseInt(m[1], 16);
          b.set(classKey(base, sub), m[2]);
        } else if ((m = PROGIF.exec(line)) && sub >= 0) b.set(classKey(base, sub, parseInt(m[1], 16)), m[2]);
      }
    }
    classBlocks.set(base, b);
    return b;
  };
  let version: string | undefined | null = null;
  return {
    get errors() {
      return (full ??= loadPciIds(text)).errors;
    },
    get version() {
      if (version === null) version = /^#\s*Version:\s*(\S+)/m.exec(text)?.[1];
      return version;
    },
    vendorName,
    deviceName,
    subsystemName,
    className: (b, s, p) => klass(b & 0xff).get(classKey(b, s, p)),
  };
}
