// lspci's device filters, -s [[[domain]:]bus:][slot][.[func]] and
// -d [vendor]:[device][:class[:prog-if]], as pcilib 3.9.0 parses and matches them
// (pciutils/pciutils lib/filter.c at v3.9.0: pci_filter_init, split_to_fields,
// parse_hex_field, pci_filter_parse_slot, pci_filter_parse_id, pci_filter_match; the messages are
// its own). Each -s or -d given sets only the fields it names, on one filter, in the order given
// (lspci.c calls the parser once per option on the same struct). Hex digits only: 3.9.0 does not
// take a leading 0x (a later pciutils does). A field left empty or written `*` matches anything.

export interface PciFilter {
  domain: number;
  bus: number;
  slot: number;
  func: number;
  vendor: number;
  device: number;
  deviceClass: number;
  /** Bits of the class that must match (an `x` digit of -d's class leaves its four bits out). */
  classMask: number;
  progIf: number;
}

/** A filter that matches every device (pci_filter_init: -1 = any). */
export function newFilter(): PciFilter {
  return { domain: -1, bus: -1, slot: -1, func: -1, vendor: -1, device: -1, deviceClass: -1, classMask: 0xffffffff, progIf: -1 };
}

/** pcilib copies an expression into a 64-byte buffer first. */
const BUF_SIZE = 64;

/** `str` cut at `sep` into at most `n` fields (the rest undefined), or pcilib's message. */
function splitFields(str: string, sep: string, n: number): (string | undefined)[] | string {
  const parts = str.split(sep);
  if (parts.length > n) return 'Too many fields';
  return [...parts, ...new Array<undefined>(n - parts.length).fill(undefined)];
}

const defined = (field: string | undefined): field is string => field !== undefined && field !== '' && field !== '*';

/**
 * A hex field into `set` (not called for a field left empty or `*`, which keeps its default); false
 * when it is not hex or goes past `max` as it is read. With `mask`, an `x` digit matches anything.
 */
function hexField(field: string | undefined, max: number, set: (value: number, mask: number) => void, masked = false): boolean {
  if (!defined(field)) return true;
  let out = 0;
  let bound = 0;
  let mask = 0xffffffff;
  for (const c of field) {
    if ((c === 'x' || c === 'X') && masked) {
      out = (out << 4) >>> 0;
      bound = ((bound << 4) | 1) >>> 0;
      mask = (mask << 4) >>> 0;
    } else {
      const d = /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1;
      if (d < 0) return false;
      out = ((out << 4) | d) >>> 0;
      bound = ((bound << 4) | d) >>> 0;
      mask = ((mask << 4) | 0xf) >>> 0;
    }
    // pcilib compares as it reads each digit, in unsigned 32-bit arithmetic.
    if (bound > max) return false;
  }
  set(out, mask);
  return true;
}

/** Applies an -s expression to `f`; pcilib's message when it is not one. */
export function parseSlotFilter(f: PciFilter, str: string): string | undefined {
  if (str.length >= BUF_SIZE) return 'Expression too long';
  const fields = splitFields(str, ':', 3);
  if (typeof fields === 'string') return fields;
  let i = 0;
  if (fields[2] !== undefined) {
    if (!hexField(fields[0], 0x7fffffff, (v) => (f.domain = v))) return 'Invalid domain number';
    i++;
  }
  if (fields[i + 1] !== undefined) {
    if (!hexField(fields[i], 0xff, (v) => (f.bus = v))) return 'Invalid bus number';
    i++;
  }
  const dev = fields[i];
  if (defined(dev)) {
    const sf = splitFields(dev, '.', 2);
    if (typeof sf === 'string') return 'Invalid slot/function number';
    if (!hexField(sf[0], 0x1f, (v) => (f.slot = v))) return 'Invalid slot number';
    if (!hexField(sf[1], 7, (v) => (f.func = v))) return 'Invalid function number';
  }
  return undefined;
}

/** Applies a -d expression to `f`; pcilib's message when it is not one. */
export function parseIdFilter(f: PciFilter, str: string): string | undefined {
  if (str.length >= BUF_SIZE) return 'Expression too long';
  const fields = splitFields(str, ':', 4);
  if (typeof fields === 'string') return fields;
  if (fields[1] === undefined) return 'At least two fields must be given';
  if (!hexField(fields[0], 0xffff, (v) => (f.vendor = v))) return 'Invalid vendor ID';
  if (!hexField(fields[1], 0xffff, (v) => (f.device = v))) return 'Invalid device ID';
  if (
    !hexField(
      fields[2],
      0xffff,
      (v, m) => {
        f.deviceClass = v;
        f.classMask = m;
      },
      true,
    )
  )
    return 'Invalid class code';
  if (!hexField(fields[3], 0xff, (v) => (f.progIf = v))) return 'Invalid programming interface code';
  return undefined;
}

/** Whether a device (its address and the config bytes lspci -F read for it) passes `f`. */
export function filterMatches(f: PciFilter, at: { domain: number; bus: number; slot: number; func: number }, config: Uint8Array): boolean {
  if (
    (f.domain >= 0 && f.domain !== at.domain) ||
    (f.bus >= 0 && f.bus !== at.bus) ||
    (f.slot >= 0 && f.slot !== at.slot) ||
    (f.func >= 0 && f.func !== at.func)
  )
    return false;
  const u16 = (o: number): number => (config[o] ?? 0xff) | ((config[o + 1] ?? 0xff) << 8);
  if ((f.device >= 0 && f.device !== u16(2)) || (f.vendor >= 0 && f.vendor !== u16(0))) return false;
  if (f.deviceClass >= 0 && ((f.deviceClass ^ u16(0x0a)) & f.classMask) !== 0) return false;
  if (f.progIf >= 0 && f.progIf !== (config[0x09] ?? 0xff)) return false;
  return true;
}
