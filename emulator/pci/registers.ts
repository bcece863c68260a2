// PCI type-0 configuration header: register offsets, bit names and a register table.
import { accessOf, f, reg, regm, type FieldAccess, type FieldDef, type RegisterDef } from './caps/types';
// Offsets and bit positions are those of the PCI Local Bus spec 3.0 / PCIe base spec, as spelled in
// Linux include/uapi/linux/pci_regs.h (torvalds/linux) — the names below follow that file.

export const VENDOR_ID = 0x00;
export const DEVICE_ID = 0x02;
export const COMMAND = 0x04;
export const STATUS = 0x06;
export const REVISION_ID = 0x08;
export const CLASS_PROG = 0x09; // programming interface
export const CLASS_DEVICE = 0x0a; // sub-class (0x0a) and base class (0x0b)
export const CLASS_CODE = 0x09; // 24-bit class code starts at PROG_IF
export const CACHE_LINE_SIZE = 0x0c;
export const LATENCY_TIMER = 0x0d;
export const HEADER_TYPE = 0x0e;
export const BIST = 0x0f;
export const BAR0 = 0x10;
export const BAR1 = 0x14;
export const BAR2 = 0x18;
export const BAR3 = 0x1c;
export const BAR4 = 0x20;
export const BAR5 = 0x24;
export const BAR_OFFSETS = [BAR0, BAR1, BAR2, BAR3, BAR4, BAR5] as const;
export const CARDBUS_CIS = 0x28;
export const SUBSYSTEM_VENDOR_ID = 0x2c;
export const SUBSYSTEM_ID = 0x2e;
export const EXPANSION_ROM = 0x30;
export const CAPABILITIES_PTR = 0x34;
/** A CardBus bridge's (header type 2) capability pointer (pciutils lib/header.h PCI_CB_CAPABILITY_LIST). */
export const CB_CAPABILITIES_PTR = 0x14;
export const INTERRUPT_LINE = 0x3c;
export const INTERRUPT_PIN = 0x3d;
export const MIN_GNT = 0x3e;
export const MAX_LAT = 0x3f;

export const CONFIG_SPACE_SIZE = 4096;
export const LEGACY_CONFIG_SIZE = 256;
export const EXT_CAP_START = 0x100;

/** COMMAND register bits (pci_regs.h PCI_COMMAND_*). */
export const COMMAND_IO = 1 << 0;
export const COMMAND_MEMORY = 1 << 1;
export const COMMAND_MASTER = 1 << 2;
export const COMMAND_SPECIAL = 1 << 3;
export const COMMAND_INVALIDATE = 1 << 4;
export const COMMAND_VGA_PALETTE = 1 << 5;
export const COMMAND_PARITY = 1 << 6;
export const COMMAND_WAIT = 1 << 7;
export const COMMAND_SERR = 1 << 8;
export const COMMAND_FAST_BACK = 1 << 9;
export const COMMAND_INTX_DISABLE = 1 << 10;

/** STATUS register bits (pci_regs.h PCI_STATUS_*). */
export const STATUS_IMM_READY = 1 << 0;
export const STATUS_INTERRUPT = 1 << 3;
export const STATUS_CAP_LIST = 1 << 4;
export const STATUS_66MHZ = 1 << 5;
export const STATUS_UDF = 1 << 6;
export const STATUS_FAST_BACK = 1 << 7;
export const STATUS_PARITY = 1 << 8; // master data parity error (RW1C)
export const STATUS_DEVSEL_MASK = 0x600;
export const STATUS_SIG_TARGET_ABORT = 1 << 11;
export const STATUS_REC_TARGET_ABORT = 1 << 12;
export const STATUS_REC_MASTER_ABORT = 1 << 13;
export const STATUS_SIG_SYSTEM_ERROR = 1 << 14;
export const STATUS_DETECTED_PARITY = 1 << 15;
/** STATUS bits that are write-1-to-clear (QEMU hw/pci/pci.c pci_init_w1cmask uses the same set). */
export const STATUS_W1C_BITS =
  STATUS_PARITY | STATUS_SIG_TARGET_ABORT | STATUS_REC_TARGET_ABORT | STATUS_REC_MASTER_ABORT | STATUS_SIG_SYSTEM_ERROR | STATUS_DETECTED_PARITY;
/**
 * COMMAND bits a type-0 function lets software write: QEMU hw/pci/pci.c pci_init_wmask (qemu/qemu)
 * gives IO, MEMORY, MASTER, INTX_DISABLE and SERR; PARITY (Parity Error Response) is added because
 * it is read-write on PCIe functions (PCIe base spec, Command register).
 */
export const COMMAND_WRITABLE_BITS = COMMAND_IO | COMMAND_MEMORY | COMMAND_MASTER | COMMAND_PARITY | COMMAND_SERR | COMMAND_INTX_DISABLE;

/** BAR low bits (pci_regs.h PCI_BASE_ADDRESS_*). */
export const BAR_SPACE_IO = 0x1;
export const BAR_MEM_TYPE_MASK = 0x6;
export const BAR_MEM_TYPE_32 = 0x0;
export const BAR_MEM_TYPE_1M = 0x2;
export const BAR_MEM_TYPE_64 = 0x4;
export const BAR_MEM_PREFETCH = 0x8;
export const ROM_ENABLE = 0x1;

/** Standard capability IDs (pci_regs.h PCI_CAP_ID_*). */
export const CAP_ID = {
  PM: 0x01,
  AGP: 0x02,
  VPD: 0x03,
  SLOTID: 0x04,
  MSI: 0x05,
  CHSWP: 0x06,
  PCIX: 0x07,
  HT: 0x08,
  VNDR: 0x09,
  DBG: 0x0a,
  CCRC: 0x0b,
  SHPC: 0x0c,
  SSVID: 0x0d,
  AGP3: 0x0e,
  SECDEV: 0x0f,
  EXP: 0x10,
  MSIX: 0x11,
  SATA: 0x12,
  AF: 0x13,
  EA: 0x14,
} as const;

/** Extended capability IDs (pci_regs.h PCI_EXT_CAP_ID_*). */
export const EXT_CAP_ID = {
  ERR: 0x01,
  VC: 0x02,
  DSN: 0x03,
  PWR: 0x04,
  RCLD: 0x05,
  RCILC: 0x06,
  RCEC: 0x07,
  MFVC: 0x08,
  VC9: 0x09,
  RCRB: 0x0a,
  VNDR: 0x0b,
  CAC: 0x0c,
  ACS: 0x0d,
  ARI: 0x0e,
  ATS: 0x0f,
  SRIOV: 0x10,
  MRIOV: 0x11,
  MCAST: 0x12,
  PRI: 0x13,
  AMD_XXX: 0x14,
  REBAR: 0x15,
  DPA: 0x16,
  TPH: 0x17,
  LTR: 0x18,
  SECPCI: 0x19,
  PMUX: 0x1a,
  PASID: 0x1b,
  DPC: 0x1d,
  L1SS: 0x1e,
  PTM: 0x1f,
  DVSEC: 0x23,
  DLF: 0x25,
  PL_16GT: 0x26,
  PL_32GT: 0x2a,
} as const;

export const CAP_NAMES: Record<number, string> = {
  0x01: 'Power Management',
  0x02: 'AGP',
  0x03: 'Vital Product Data',
  0x04: 'Slot ID',
  0x05: 'MSI',
  0x06: 'CompactPCI hot-swap',
  0x07: 'PCI-X',
  0x08: 'HyperTransport',
  0x09: 'Vendor Specific',
  0x0a: 'Debug port',
  0x0b: 'CompactPCI central resource control',
  0x0c: 'Hot-plug',
  0x0d: 'Subsystem ID',
  0x0e: 'AGP 8x',
  0x0f: 'Secure device',
  0x10: 'PCI Express',
  0x11: 'MSI-X',
  0x12: 'SATA',
  0x13: 'Advanced Features',
  0x14: 'Enhanced Allocation',
};

export const EXT_CAP_NAMES: Record<number, string> = {
  0x01: 'Advanced Error Reporting',
  0x02: 'Virtual Channel',
  0x03: 'Device Serial Number',
  0x04: 'Power Budgeting',
  0x05: 'Root Complex Link',
  0x06: 'Root Complex Internal Link',
  0x07: 'Root Complex Event Collector',
  0x08: 'Multi-Function VC',
  0x09: 'Virtual Channel',
  0x0a: 'Root Complex Register Block',
  0x0b: 'Vendor Specific',
  0x0d: 'Access Control Services',
  0x0e: 'Alternative Routing-ID Interpretation',
  0x0f: 'Address Translation Service',
  0x10: 'Single Root I/O Virtualization',
  0x11: 'Multi-Root I/O Virtualization',
  0x12: 'Multicast',
  0x13: 'Page Request',
  0x15: 'Resizable BAR',
  0x16: 'Dynamic Power Allocation',
  0x17: 'TPH Requester',
  0x18: 'Latency Tolerance Reporting',
  0x19: 'Secondary PCI Express',
  0x1a: 'Protocol Multiplexing',
  0x1b: 'Process Address Space ID',
  0x1d: 'Downstream Port Containment',
  0x1e: 'L1 PM Substates',
  0x1f: 'Precision Time Measurement',
  0x23: 'Designated Vendor-Specific',
  0x25: 'Data Link Feature',
  0x26: 'Physical Layer 16.0 GT/s',
  0x2a: 'Physical Layer 32.0 GT/s',
};

export type { FieldAccess, FieldDef, RegisterDef } from './caps/types';

const rf = (name: string, lo: number, hi = lo): FieldDef => f(name, lo, hi);

const barDef = (i: number): RegisterDef =>
  // Address bits are writable as far as the BAR's size allows: the function's own masks say how far.
  regm(`BASE_ADDRESS_${i}`, BAR_OFFSETS[i]!, 4, 0xfffffff0, 0, [rf('SPACE', 0), rf('MEM_TYPE', 1, 2), rf('MEM_PREFETCH', 3), rf('ADDRESS', 4, 31)]);

/**
 * The type-0 header as data (names: Linux pci_regs.h without the PCI_ prefix; masks: what a
 * function built by function.ts lets software write). Variables and the console show these.
 */
export const REGISTERS: readonly RegisterDef[] = [
  reg('VENDOR_ID', VENDOR_ID, 2),
  reg('DEVICE_ID', DEVICE_ID, 2),
  regm('COMMAND', COMMAND, 2, COMMAND_WRITABLE_BITS, 0, [
    rf('IO', 0),
    rf('MEMORY', 1),
    rf('MASTER', 2),
    rf('SPECIAL', 3),
    rf('INVALIDATE', 4),
    rf('VGA_PALETTE', 5),
    rf('PARITY', 6),
    rf('WAIT', 7),
    rf('SERR', 8),
    rf('FAST_BACK', 9),
    rf('INTX_DISABLE', 10),
  ]),
  regm('STATUS', STATUS, 2, 0, STATUS_W1C_BITS, [
    rf('IMM_READY', 0),
    rf('INTERRUPT', 3),
    rf('CAP_LIST', 4),
    rf('66MHZ', 5),
    rf('UDF', 6),
    rf('FAST_BACK', 7),
    rf('PARITY', 8),
    rf('DEVSEL', 9, 10),
    rf('SIG_TARGET_ABORT', 11),
    rf('REC_TARGET_ABORT', 12),
    rf('REC_MASTER_ABORT', 13),
    rf('SIG_SYSTEM_ERROR', 14),
    rf('DETECTED_PARITY', 15),
  ]),
  reg('REVISION_ID', REVISION_ID, 1),
  reg('CLASS_PROG', CLASS_PROG, 1),
  reg('CLASS_DEVICE', CLASS_DEVICE, 2),
  reg('CACHE_LINE_SIZE', CACHE_LINE_SIZE, 1, 'rw'),
  reg('LATENCY_TIMER', LATENCY_TIMER, 1, 'rw'),
  reg('HEADER_TYPE', HEADER_TYPE, 1, 'ro', [rf('TYPE', 0, 6), rf('MFD', 7)]),
  reg('BIST', BIST, 1, 'ro', [rf('CODE', 0, 3), rf('START', 6), rf('CAPABLE', 7)]),
  barDef(0),
  barDef(1),
  barDef(2),
  barDef(3),
  barDef(4),
  barDef(5),
  reg('CARDBUS_CIS', CARDBUS_CIS, 4),
  reg('SUBSYSTEM_VENDOR_ID', SUBSYSTEM_VENDOR_ID, 2),
  reg('SUBSYSTEM_ID', SUBSYSTEM_ID, 2),
  regm('ROM_ADDRESS', EXPANSION_ROM, 4, 0xfffff801, 0, [rf('ENABLE', 0), rf('ADDRESS', 11, 31)]),
  reg('CAPABILITY_LIST', CAPABILITIES_PTR, 1),
  reg('INTERRUPT_LINE', INTERRUPT_LINE, 1, 'rw'),
  reg('INTERRUPT_PIN', INTERRUPT_PIN, 1),
  reg('MIN_GNT', MIN_GNT, 1),
  reg('MAX_LAT', MAX_LAT, 1),
];

/**
 * Earlier spellings, still accepted in expressions, conditions and `cfg` commands (they were
 * shown in Variables before the names followed pci_regs.h): BAR0…BAR5, EXPANSION_ROM,
 * CAPABILITIES_PTR, PROG_IF, and the class code's two bytes SUBCLASS / BASE_CLASS.
 */
export const REGISTER_ALIASES: Readonly<Record<string, RegisterDef>> = {
  ...Object.fromEntries([0, 1, 2, 3, 4, 5].map((i) => [`BAR${i}`, barDef(i)])),
  EXPANSION_ROM: REGISTERS.find((r) => r.name === 'ROM_ADDRESS')!,
  CAPABILITIES_PTR: REGISTERS.find((r) => r.name === 'CAPABILITY_LIST')!,
  PROG_IF: REGISTERS.find((r) => r.name === 'CLASS_PROG')!,
  SUBCLASS: reg('SUBCLASS', 0x0a, 1),
  BASE_CLASS: reg('BASE_CLASS', 0x0b, 1),
};

/** Earlier field spellings: BAR SPACE_IO / PREFETCH, HEADER_TYPE LAYOUT / MULTI_FUNCTION. */
export const FIELD_ALIASES: Readonly<Record<string, string>> = { SPACE_IO: 'SPACE', PREFETCH: 'MEM_PREFETCH', LAYOUT: 'TYPE', MULTI_FUNCTION: 'MFD' };

const byName = new Map(REGISTERS.map((r) => [r.name, r] as const));

/** A header register by its pci_regs.h name (or an earlier spelling, see REGISTER_ALIASES). */
export function findRegister(name: string): RegisterDef | undefined {
  const n = name.toUpperCase();
  return byName.get(n) ?? REGISTER_ALIASES[n];
}

/** A field of a register by name (or an earlier spelling, see FIELD_ALIASES). */
export function findField(def: RegisterDef, name: string): FieldDef | undefined {
  const n = name.toUpperCase();
  return def.fields.find((x) => x.name === n) ?? def.fields.find((x) => x.name === FIELD_ALIASES[n]);
}

export function registerAt(offset: number): RegisterDef | undefined {
  return REGISTERS.find((r) => offset >= r.offset && offset < r.offset + r.size);
}

/** Extract bits [lo, hi] (inclusive) of a value up to 32 bits wide. */
export function bitsOf(value: number, lo: number, hi: number): number {
  const width = hi - lo + 1;
  const shifted = Math.floor(value / 2 ** lo);
  return width >= 32 ? shifted % 2 ** 32 : shifted % 2 ** width;
}

export type DecodedRegister =
  { ok: true; name: string; offset: number; value: number; fields: { name: string; value: number; access: FieldAccess }[] } | { ok: false; error: string };

/** Decode a register value into its named fields; unknown name gives a typed error, never a throw. */
export function decodeRegister(name: string, value: number): DecodedRegister {
  const def = findRegister(name);
  if (!def) return { ok: false, error: `unknown register '${name}'` };
  const v = Number.isFinite(value) ? Math.trunc(value) % 2 ** (def.size * 8) : 0;
  const val = v < 0 ? v + 2 ** (def.size * 8) : v;
  return {
    ok: true,
    name: def.name,
    offset: def.offset,
    value: val,
    fields: def.fields.map((fd) => ({ name: fd.name, value: bitsOf(val, fd.bits[0], fd.bits[1]), access: accessOf(fd, def.wmask, def.w1cmask) })),
  };
}
