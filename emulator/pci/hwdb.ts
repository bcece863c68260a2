// The names udev's hardware database gives lspci when pci.ids has none. pciutils v3.9.0
// lib/names.c id_lookup asks lib/names-hwdb.c after the pci.ids table misses; that builds a
// modalias search key per category ("pci:v%08X*", "pci:v%08Xd%08X*",
// "pci:v%08Xd%08Xsv%08Xsd%08X*", "pci:v*d*sv*sd*bc%02Xsc%02X*", …) and takes the property
// ID_VENDOR_FROM_DATABASE / ID_MODEL_FROM_DATABASE / ID_PCI_{CLASS,SUBCLASS,INTERFACE}_FROM_DATABASE
// of the patterns that match it (systemd src/libsystemd/sd-hwdb: fnmatch of each stored pattern
// against the key; on duplicates the later line wins). With the patterns systemd generates from
// pci.ids (hwdb.d/20-pci-vendor-model.hwdb, 20-pci-classes.hwdb) that means:
//  - a subsystem key also matches its device's pattern "pci:v…d…*", so a subsystem pci.ids
//    does not list gets the DEVICE's name (lspci prints "Subsystem: Dell 82599ES 10-Gigabit …");
//  - a class key for an unknown subclass matches only the class pattern, which carries no
//    subclass property, so it stays unknown (and the same one level down for prog-ifs).
// The emulator reads no files: the text is passed in, or the database is derived from pci.ids.

import type { PciIds } from './pci-ids';

export interface HwdbNames {
  vendor(v: number): string | undefined;
  device(v: number, d: number): string | undefined;
  subsystem(v: number, d: number, sv: number, sd: number): string | undefined;
  className(c: number): string | undefined;
  subclassName(c: number, s: number): string | undefined;
  progIfName(c: number, s: number, p: number): string | undefined;
}

/**
 * The hwdb systemd would generate from this pci.ids (its generator writes a subsystem's model as
 * "<device> (<subsystem>)"): what lspci sees on a system whose hwdb and pci.ids agree.
 */
export function hwdbFromPciIds(ids: PciIds): HwdbNames {
  return {
    vendor: (v) => ids.vendorName(v),
    device: (v, d) => ids.deviceName(v, d),
    subsystem: (v, d, sv, sd) => {
      const dev = ids.deviceName(v, d);
      const sub = ids.subsystemName(v, d, sv, sd);
      return sub !== undefined && dev !== undefined ? `${dev} (${sub})` : dev;
    },
    className: (c) => ids.className(c),
    subclassName: (c, s) => ids.className(c, s),
    progIfName: (c, s, p) => ids.className(c, s, p),
  };
}

const VENDOR = /^pci:v0000([0-9A-Fa-f]{4})\*$/;
const DEVICE = /^pci:v0000([0-9A-Fa-f]{4})d0000([0-9A-Fa-f]{4})\*$/;
const SUBSYS = /^pci:v0000([0-9A-Fa-f]{4})d0000([0-9A-Fa-f]{4})sv0000([0-9A-Fa-f]{4})sd0000([0-9A-Fa-f]{4})\*$/;
const CLASS = /^pci:v\*d\*sv\*sd\*bc([0-9A-Fa-f]{2})(?:sc([0-9A-Fa-f]{2})(?:i([0-9A-Fa-f]{2}))?)?\*$/;

/**
 * Parse udev hwdb source text (the "pci:" records of hwdb.d/20-pci-vendor-model.hwdb and
 * 20-pci-classes.hwdb; other records are ignored). Never throws.
 */
export function loadHwdb(text: string): HwdbNames {
  const vendors = new Map<number, string>();
  const devices = new Map<number, string>();
  const subsys = new Map<string, string>();
  const classes = new Map<string, string>();
  let keys: { kind: 'v' | 'd' | 's' | 'c'; key: string | number }[] = [];
  let inRecord = false;
  for (const raw of text.split('\n')) {
    // systemd src/shared/hwdb-util.c import_file: '#' lines are skipped; elsewhere '#' starts a
    // comment ("Ice Lake-LP PCIe Port #14" is stored as "Ice Lake-LP PCIe Port"); trailing
    // blanks go; an empty line ends the record.
    if (raw.startsWith('#')) continue;
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).replace(/\s+$/, '');
    if (line === '') {
      inRecord = false;
      keys = [];
      continue;
    }
    if (line.startsWith(' ')) {
      inRecord = true;
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const prop = line.slice(1, eq).trim();
      const value = line.slice(eq + 1);
      for (const k of keys) {
        if (k.kind === 'v' && prop === 'ID_VENDOR_FROM_DATABASE') vendors.set(k.key as number, value);
        else if (k.kind === 'd' && prop === 'ID_MODEL_FROM_DATABASE') devices.set(k.key as number, value);
        else if (k.kind === 's' && prop === 'ID_MODEL_FROM_DATABASE') subsys.set(k.key as string, value);
        else if (k.kind === 'c') {
          const level = (k.key as string).split(':').length;
          const want = level === 1 ? 'ID_PCI_CLASS_FROM_DATABASE' : level === 2 ? 'ID_PCI_SUBCLASS_FROM_DATABASE' : 'ID_PCI_INTERFACE_FROM_DATABASE';
          if (prop === want) classes.set(k.key as string, value);
        }
      }
      continue;
    }
    // A pattern line; several in a row share the properties below them.
    if (inRecord) {
      keys = [];
      inRecord = false;
    }
    let m: RegExpExecArray | null;
    if ((m = VENDOR.exec(line))) keys.push({ kind: 'v', key: parseInt(m[1]!, 16) });
    else if ((m = DEVICE.exec(line))) keys.push({ kind: 'd', key: parseInt(m[1]!, 16) * 0x10000 + parseInt(m[2]!, 16) });
    else if ((m = SUBSYS.exec(line)))
      keys.push({
        kind: 's',
        key: m
          .slice(1, 5)
          .map((h) => h.toLowerCase())
          .join(':'),
      });
    else if ((m = CLASS.exec(line)))
      keys.push({
        kind: 'c',
        key: (m.slice(1, 4) as (string | undefined)[])
          .filter((h) => h !== undefined)
          .map((h) => h.toLowerCase())
          .join(':'),
      });
  }
  const h2 = (n: number): string => n.toString(16).padStart(2, '0');
  const h4 = (n: number): string => n.toString(16).padStart(4, '0');
  return {
    vendor: (v) => vendors.get(v),
    device: (v, d) => devices.get(v * 0x10000 + d),
    subsystem: (v, d, sv, sd) => subsys.get([v, d, sv, sd].map(h4).join(':')) ?? devices.get(v * 0x10000 + d),
    className: (c) => classes.get(h2(c)),
    subclassName: (c, s) => classes.get(`${h2(c)}:${h2(s)}`),
    progIfName: (c, s, p) => classes.get(`${h2(c)}:${h2(s)}:${h2(p)}`),
  };
}
