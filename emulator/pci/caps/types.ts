// One object per capability, as OpenVMM's PCI capabilities are (vm/devices/pci/pci_core/src/
// capabilities/*: each knows its id, length, registers and how reads and writes behave), with
// write behaviour as data the way QEMU's hw/pci/pci.c keeps it (wmask / w1cmask per byte): a
// capability describes its registers — name, offset, width, the bits software may write and
// the bits a 1 clears — and the named fields inside them; the config space is built from that
// (function.ts) and the debugger reads access back from the space's own masks.
//
// Names follow Linux include/uapi/linux/pci_regs.h with the PCI_<capability>_ prefix dropped
// (PCI_MSIX_FLAGS → FLAGS, PCI_MSIX_FLAGS_MASKALL → FLAGS.MASKALL) and a trailing _MASK dropped
// (PCI_PM_CTRL_STATE_MASK → CTRL.STATE); where Linux names nothing, pciutils lib/header.h does.

/** What software may do to a field: read only, read-write, or write 1 to clear. */
export type FieldAccess = 'ro' | 'rw' | 'rw1c';

export interface FieldDef {
  name: string;
  /** Inclusive bit range [lo, hi] within the register. */
  bits: [number, number];
}

export interface RegisterDef {
  name: string;
  /** Offset: from the capability's start in a capability's layout; absolute in the header table. */
  offset: number;
  size: 1 | 2 | 4;
  /** Bits software may write (QEMU's wmask). */
  wmask: number;
  /** Bits a written 1 clears (QEMU's w1cmask). */
  w1cmask: number;
  /** Named fields; a register without sub-fields has none. */
  fields: FieldDef[];
}

/** Little-endian reads of a config image that read 0 past its end. */
export interface CfgBytes {
  readonly length: number;
  readonly [i: number]: number;
}

export function u8(b: CfgBytes, o: number): number {
  return o >= 0 && o < b.length ? b[o]! : 0;
}
export function u16(b: CfgBytes, o: number): number {
  return u8(b, o) | (u8(b, o + 1) << 8);
}
export function u32(b: CfgBytes, o: number): number {
  return (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;
}

export interface CapabilityDef {
  readonly id: number;
  readonly extended: boolean;
  /** The name lspci prints for it ("MSI-X", "Advanced Error Reporting"). */
  readonly name: string;
  /** Short name used in expressions: nic0.caps.<key>.<REGISTER> (pci_regs.h's capability prefix). */
  readonly key: string;
  /** The registers of this instance (a layout may depend on the capability's own flags, e.g. MSI's 64-bit bit). */
  registers(cfg: CfgBytes, at: number): RegisterDef[];
  /** One line for the Variables value column. */
  summary(cfg: CfgBytes, at: number): string;
  /** Bits this capability's registers hold at power-on that a dump may show set: [offset, size, bits to clear]. */
  readonly powerOnClear?: readonly [number, 2 | 4, number][];
  /** A typed decode for the emulator's own use (the MSI / MSI-X delivery, FLR, tests). */
  view?(cfg: CfgBytes, at: number): { kind: string; offset: number };
}

/** A register whose every bit has the same access. */
export function reg(name: string, offset: number, size: 1 | 2 | 4, access: FieldAccess = 'ro', fields: FieldDef[] = []): RegisterDef {
  const all = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
  return { name, offset, size, wmask: access === 'rw' ? all : 0, w1cmask: access === 'rw1c' ? all : 0, fields };
}

/** A register with explicit masks (bits not named in a field are reserved). */
export function regm(name: string, offset: number, size: 1 | 2 | 4, wmask: number, w1cmask: number, fields: FieldDef[]): RegisterDef {
  return { name, offset, size, wmask: wmask >>> 0, w1cmask: w1cmask >>> 0, fields };
}

export function f(name: string, lo: number, hi = lo): FieldDef {
  return { name, bits: [lo, hi] };
}

/** Fields from a list of single-bit names, bit i named names[i] (empty names are reserved bits). */
export function flags(...names: string[]): FieldDef[] {
  return names.flatMap((n, i) => (n ? [f(n, i)] : []));
}

/** Bits [lo, hi] of a value up to 32 bits wide. */
export function fieldValue(v: number, fd: FieldDef): number {
  const [lo, hi] = fd.bits;
  const width = hi - lo + 1;
  const shifted = Math.floor(v / 2 ** lo);
  return width >= 32 ? shifted % 2 ** 32 : shifted % 2 ** width;
}

/** The mask of a field's bits within its register. */
export function fieldMask(fd: FieldDef): number {
  const [lo, hi] = fd.bits;
  return ((2 ** (hi - lo + 1) - 1) * 2 ** lo) >>> 0;
}

/** A field's access as the given masks make it: RW1C when all its bits clear on 1, RW when any is writable. */
export function accessOf(fd: FieldDef, wmask: number, w1cmask: number): FieldAccess {
  const m = fieldMask(fd);
  if (m && (w1cmask & m) >>> 0 === m) return 'rw1c';
  if ((wmask & m) >>> 0) return 'rw';
  return 'ro';
}
