// lspci's names, as pciutils v3.9.0 lib/names.c pci_lookup_name builds them: each id is looked
// up in pci.ids, then in udev's hwdb (lib/names-hwdb.c, see ../hwdb.ts); a subsystem name is
// tried per device, then as a generic subsystem ("S" blocks of pci.ids), then — only when the
// subsystem ids equal the device ids — as the device itself (id_lookup_subsys). Missing names
// become "Device 10fb", "Class 0308", "Device c2ce:7311" (format_name / format_name_pair); a
// class whose subclass is unknown prints with its number ("Display controller [0308]"); `-n`
// prints numbers only, `-nn` both. Results longer than lspci's buffer end in "...".

import type { PciIds } from '../pci-ids';
import type { HwdbNames } from '../hwdb';
import { textBytes, textOfBytes } from '../../format';

const NUMERIC = 1;
const NO_NUMBERS = 2;
const MIXED = 4;

/**
 * snprintf into a `size`-byte buffer; lspci marks a cut with "..." over the last three bytes. In
 * bytes, as C counts and writes them: a name's non-UTF-8 byte (rawByteChar) is one byte, and a
 * character cut in two leaves its first bytes, which lspci writes as they are.
 */
function fit(s: string, size: number): string {
  const b = textBytes(s);
  if (b.length < size) return s;
  const cut = b.slice(0, size - 1);
  cut[size - 2] = cut[size - 3] = cut[size - 4] = 0x2e;
  return textOfBytes(cut);
}

function h(n: number, w: number): string {
  return n.toString(16).padStart(w, '0');
}

export class Names {
  /**
   * @param numeric lspci's -n count (pacc->numeric_ids): 0 names, 1 numbers, 2 both.
   * @param hwdb the udev hwdb to fall back on, or undefined for none (`-O hwdb.disable=1`).
   */
  constructor(
    private readonly ids: PciIds | undefined,
    private readonly hwdb: HwdbNames | undefined,
    private readonly numeric: number,
  ) {}

  private flags(noNumbers: boolean): number {
    if (noNumbers) return NO_NUMBERS;
    return this.numeric > 1 ? MIXED : this.numeric ? NUMERIC : 0;
  }

  private vendor(v: number): string | undefined {
    return nonEmpty(this.ids?.vendorName(v) ?? this.hwdb?.vendor(v));
  }
  private device(v: number, d: number): string | undefined {
    return nonEmpty(this.ids?.deviceName(v, d) ?? this.hwdb?.device(v, d));
  }
  private subsys(v: number, d: number, sv: number, sd: number): string | undefined {
    let r: string | undefined;
    if (v > 0 && d > 0) r = nonEmpty(this.ids?.subsystemName(v, d, sv, sd) ?? this.hwdb?.subsystem(v, d, sv, sd));
    if (r === undefined) r = nonEmpty(this.ids?.genericSubsystemName?.(sv, sd));
    if (r === undefined && v === sv && d === sd) r = this.device(v, d);
    return r;
  }

  private formatName(flags: number, name: string | undefined, num: string, unknown: string, size: number): string | undefined {
    let s: string;
    if (flags & NO_NUMBERS && name === undefined) return undefined;
    else if (flags & NUMERIC) s = num;
    else if (name === undefined) s = flags & MIXED ? `${unknown} [${num}]` : `${unknown} ${num}`;
    else if (!(flags & MIXED)) s = name;
    else s = `${name} [${num}]`;
    return fit(s, size);
  }

  private formatPair(flags: number, v: string | undefined, d: string | undefined, num: string, size: number): string {
    let s: string;
    if (flags & NUMERIC) s = num;
    else if (flags & MIXED) s = v && d ? `${v} ${d} [${num}]` : !v ? `Device [${num}]` : `${v} Device [${num}]`;
    else s = v && d ? `${v} ${d}` : !v ? `Device ${num}` : `${v} Device ${num.slice(5)}`;
    return fit(s, size);
  }

  /** PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE (the header line; lspci's buffer is 128 bytes). */
  vendorDevice(v: number, d: number, size = 128): string {
    return this.formatPair(this.flags(false), this.vendor(v), this.device(v, d), `${h(v, 4)}:${h(d, 4)}`, size);
  }

  /** PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE ("Subsystem:" lines, 256 bytes). */
  subsystem(v: number, d: number, sv: number, sd: number, size = 256): string {
    return this.formatPair(this.flags(false), this.vendor(sv), this.subsys(v, d, sv, sd), `${h(sv, 4)}:${h(sd, 4)}`, size);
  }

  /** PCI_LOOKUP_VENDOR alone ("Vendor 1af4" when unknown): -m's vendor field. */
  vendorName(v: number, size = 128): string {
    return this.formatName(this.flags(false), this.vendor(v), h(v, 4), 'Vendor', size)!;
  }

  /** PCI_LOOKUP_DEVICE alone ("Device 10fb" when unknown): -m's device field. */
  deviceName(v: number, d: number, size = 128): string {
    return this.formatName(this.flags(false), this.device(v, d), h(d, 4), 'Device', size)!;
  }

  /** PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR ("Unknown vendor 1af4" when unknown): -m's subsystem vendor. */
  subsystemVendorName(sv: number, size = 128): string {
    return this.formatName(this.flags(false), this.vendor(sv), h(sv, 4), 'Unknown vendor', size)!;
  }

  /** PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE ("Device 0001" when unknown): -m's subsystem device. */
  subsystemDeviceName(v: number, d: number, sv: number, sd: number, size = 128): string {
    return this.formatName(this.flags(false), this.subsys(v, d, sv, sd), h(sd, 4), 'Device', size)!;
  }

  /** PCI_LOOKUP_CLASS with the 16-bit class (base << 8 | subclass). */
  className(cls: number, size = 128): string {
    let flags = this.flags(false);
    const base = cls >> 8;
    let name = nonEmpty(this.ids?.className(base, cls & 0xff) ?? this.hwdb?.subclassName(base, cls & 0xff));
    if (name === undefined) {
      name = nonEmpty(this.ids?.className(base) ?? this.hwdb?.className(base));
      if (name !== undefined && !(flags & NUMERIC)) flags |= MIXED;
    }
    return this.formatName(flags, name, h(cls, 4), 'Class', size)!;
  }

  /** PCI_LOOKUP_PROGIF | PCI_LOOKUP_NO_NUMBERS: the name, or undefined. */
  progIf(cls: number, progIf: number, size = 128): string | undefined {
    const base = cls >> 8;
    const sub = cls & 0xff;
    let name = nonEmpty(this.ids?.className(base, sub, progIf) ?? this.hwdb?.progIfName(base, sub, progIf));
    if (name === undefined && cls === 0x0101 && !(progIf & 0x70)) {
      // IDE controllers: the prog-if bits spelled out (names.c).
      name = `${progIf & 0x80 ? ' Master' : ''}${progIf & 0x08 ? ' SecP' : ''}${progIf & 0x04 ? ' SecO' : ''}${progIf & 0x02 ? ' PriP' : ''}${progIf & 0x01 ? ' PriO' : ''}`;
      if (name) name = name.slice(1);
    }
    return this.formatName(this.flags(true), name, h(progIf, 2), 'ProgIf', size);
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
