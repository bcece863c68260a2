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
