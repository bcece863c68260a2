// vPCI protocol constants (protocol.md §1, §2.1, §2.2, §3).
// Message numbering: PCI_MESSAGE_BASE 0x42490000 + index (linux
// drivers/pci/controller/pci-hyperv.c `enum pci_message_type`; freebsd-src
// sys/dev/hyperv/pcib/vmbus_pcib.c; microsoft/openvmm
// vm/devices/pci/vpci_protocol/src/lib.rs `MessageType`). Names are the
// Linux/FreeBSD ones; the four messages only OpenVMM defines (0x02, 0x03, 0x1C,
// 0x1D) get PCI_-prefixed forms of OpenVMM's names.

export const PCI_MESSAGE_BASE = 0x42490000;

export const MSG = {
  PCI_BUS_RELATIONS: PCI_MESSAGE_BASE + 0x00,
  PCI_QUERY_BUS_RELATIONS: PCI_MESSAGE_BASE + 0x01,
  PCI_INVALIDATE_DEVICE: PCI_MESSAGE_BASE + 0x02,
  PCI_INVALIDATE_BUS: PCI_MESSAGE_BASE + 0x03,
  PCI_POWER_STATE_CHANGE: PCI_MESSAGE_BASE + 0x04,
  PCI_QUERY_RESOURCE_REQUIREMENTS: PCI_MESSAGE_BASE + 0x05,
  PCI_QUERY_RESOURCE_RESOURCES: PCI_MESSAGE_BASE + 0x06,
  PCI_BUS_D0ENTRY: PCI_MESSAGE_BASE + 0x07,
  PCI_BUS_D0EXIT: PCI_MESSAGE_BASE + 0x08,
  PCI_READ_BLOCK: PCI_MESSAGE_BASE + 0x09,
  PCI_WRITE_BLOCK: PCI_MESSAGE_BASE + 0x0a,
  PCI_EJECT: PCI_MESSAGE_BASE + 0x0b,
  PCI_QUERY_STOP: PCI_MESSAGE_BASE + 0x0c,
  PCI_REENABLE: PCI_MESSAGE_BASE + 0x0d,
  PCI_QUERY_STOP_FAILED: PCI_MESSAGE_BASE + 0x0e,
  PCI_EJECTION_COMPLETE: PCI_MESSAGE_BASE + 0x0f,
  PCI_RESOURCES_ASSIGNED: PCI_MESSAGE_BASE + 0x10,
  PCI_RESOURCES_RELEASED: PCI_MESSAGE_BASE + 0x11,
  PCI_INVALIDATE_BLOCK: PCI_MESSAGE_BASE + 0x12,
  PCI_QUERY_PROTOCOL_VERSION: PCI_MESSAGE_BASE + 0x13,
  PCI_CREATE_INTERRUPT_MESSAGE: PCI_MESSAGE_BASE + 0x14,
  PCI_DELETE_INTERRUPT_MESSAGE: PCI_MESSAGE_BASE + 0x15,
  PCI_RESOURCES_ASSIGNED2: PCI_MESSAGE_BASE + 0x16,
  PCI_CREATE_INTERRUPT_MESSAGE2: PCI_MESSAGE_BASE + 0x17,
  PCI_DELETE_INTERRUPT_MESSAGE2: PCI_MESSAGE_BASE + 0x18,
  PCI_BUS_RELATIONS2: PCI_MESSAGE_BASE + 0x19,
  PCI_RESOURCES_ASSIGNED3: PCI_MESSAGE_BASE + 0x1a,
  PCI_CREATE_INTERRUPT_MESSAGE3: PCI_MESSAGE_BASE + 0x1b,
  PCI_RESET_DEVICE: PCI_MESSAGE_BASE + 0x1c,
  PCI_TDISP_COMMAND: PCI_MESSAGE_BASE + 0x1d,
} as const satisfies Record<string, number>;

export type MessageName = keyof typeof MSG;

/** The messages the host sends and the guest answers (protocol.md §2.1 Direction): a host fault never matches them. */
export const HOST_TO_GUEST_MESSAGES: readonly number[] = [MSG.PCI_BUS_RELATIONS, MSG.PCI_EJECT, MSG.PCI_INVALIDATE_BLOCK, MSG.PCI_BUS_RELATIONS2];
export const PCI_MESSAGE_LAST = MSG.PCI_TDISP_COMMAND;

const MSG_BY_VALUE = new Map<number, MessageName>(Object.entries(MSG).map(([k, v]) => [v, k as MessageName]));

export function messageName(type: number): MessageName | undefined {
  return MSG_BY_VALUE.get(type >>> 0);
}

/** A message type in words: its name, or "message 0x…" for a type no message has. */
export function messageLabel(type: number): string {
  return messageName(type) ?? `message 0x${(type >>> 0).toString(16)}`;
}

/**
 * The names OpenVMM gives the same messages (microsoft/openvmm
 * vm/devices/pci/vpci_protocol/src/lib.rs `MessageType`). MSG's names are the
 * drivers' and the one spelling this project uses; these are accepted as
 * aliases wherever a user names a message (function breakpoints, scenarios).
 */
export const OPENVMM_MESSAGE_NAMES: Record<MessageName, string> = {
  PCI_BUS_RELATIONS: 'BUS_RELATIONS',
  PCI_QUERY_BUS_RELATIONS: 'QUERY_BUS_RELATIONS',
  PCI_INVALIDATE_DEVICE: 'INVALIDATE_DEVICE',
  PCI_INVALIDATE_BUS: 'INVALIDATE_BUS',
  PCI_POWER_STATE_CHANGE: 'DEVICE_POWER_STATE_CHANGE',
  PCI_QUERY_RESOURCE_REQUIREMENTS: 'CURRENT_RESOURCE_REQUIREMENTS',
  PCI_QUERY_RESOURCE_RESOURCES: 'GET_RESOURCES',
  PCI_BUS_D0ENTRY: 'FDO_D0_ENTRY',
  PCI_BUS_D0EXIT: 'FDO_D0_EXIT',
  PCI_READ_BLOCK: 'READ_BLOCK',
  PCI_WRITE_BLOCK: 'WRITE_BLOCK',
  PCI_EJECT: 'EJECT',
  PCI_QUERY_STOP: 'QUERY_STOP',
  PCI_REENABLE: 'RE_ENABLE',
  PCI_QUERY_STOP_FAILED: 'QUERY_STOP_FAILED',
  PCI_EJECTION_COMPLETE: 'EJECT_COMPLETE',
  PCI_RESOURCES_ASSIGNED: 'ASSIGNED_RESOURCES',
  PCI_RESOURCES_RELEASED: 'RELEASE_RESOURCES',
  PCI_INVALIDATE_BLOCK: 'INVALIDATE_BLOCK',
  PCI_QUERY_PROTOCOL_VERSION: 'QUERY_PROTOCOL_VERSION',
  PCI_CREATE_INTERRUPT_MESSAGE: 'CREATE_INTERRUPT',
  PCI_DELETE_INTERRUPT_MESSAGE: 'DELETE_INTERRUPT',
  PCI_RESOURCES_ASSIGNED2: 'ASSIGNED_RESOURCES2',
  PCI_CREATE_INTERRUPT_MESSAGE2: 'CREATE_INTERRUPT2',
  PCI_DELETE_INTERRUPT_MESSAGE2: 'DELETE_INTERRUPT2',
  PCI_BUS_RELATIONS2: 'BUS_RELATIONS2',
  PCI_RESOURCES_ASSIGNED3: 'ASSIGNED_RESOURCES3',
  PCI_CREATE_INTERRUPT_MESSAGE3: 'CREATE_INTERRUPT3',
  PCI_RESET_DEVICE: 'RESET_DEVICE',
  PCI_TDISP_COMMAND: 'VPCI_TDISP_COMMAND',
};

/** A name without its `PCI_` prefix: PCI_BUS_D0ENTRY → BUS_D0ENTRY. */
export function withoutPciPrefix(name: string): string {
  return name.startsWith('PCI_') ? name.slice(4) : name;
}

/**
 * A name without its `PCI_` prefix and `_MESSAGE` suffix (digits after it stay):
 * PCI_CREATE_INTERRUPT_MESSAGE2 → CREATE_INTERRUPT2. By string search, not a regular
 * expression: this runs for every message name as the module loads, at every start.
 */
export function bareMessageName(name: string): string {
  const bare = withoutPciPrefix(name);
  const at = bare.lastIndexOf('_MESSAGE');
  if (at < 0) return bare;
  for (let i = at + 8; i < bare.length; i++) if (bare.charCodeAt(i) < 0x30 || bare.charCodeAt(i) > 0x39) return bare;
  return bare.slice(0, at) + bare.slice(at + 8);
}

const MSG_BY_ANY_NAME = new Map<string, number>();
for (const [name, value] of Object.entries(MSG) as [MessageName, number][]) {
  for (const n of [name, withoutPciPrefix(name), bareMessageName(name), OPENVMM_MESSAGE_NAMES[name]]) MSG_BY_ANY_NAME.set(n, value);
}

/**
 * The message a user means by `name`: the drivers' name (PCI_BUS_D0ENTRY), without its PCI_
 * prefix or _MESSAGE suffix, the kebab short name (bus-d0entry, create-interrupt2), or OpenVMM's
 * name (FDO_D0_ENTRY); case does not matter.
 */
export function messageByName(name: string): number | undefined {
  return MSG_BY_ANY_NAME.get(name.trim().toUpperCase().replaceAll('-', '_'));
}

/** Message name without the PCI_ prefix, for one-line summaries. */
export function shortMessageName(type: number): string {
  const n = messageName(type);
  return n ? n.slice(4) : `0x${(type >>> 0).toString(16).padStart(8, '0')}`;
}

// NTSTATUS values (protocol.md §2.2). Guests test (s32)status < 0 for failure.
export const STATUS = {
  SUCCESS: 0x00000000,
  UNSUCCESSFUL: 0xc0000001,
  INVALID_PARAMETER: 0xc000000d,
  REVISION_MISMATCH: 0xc0000059,
  NOT_SUPPORTED: 0xc00000bb,
  BAD_DATA: 0xc000090b,
} as const satisfies Record<string, number>;

const STATUS_BY_VALUE = new Map<number, string>(Object.entries(STATUS).map(([k, v]) => [v, k]));

export function statusName(s: number): string | undefined {
  return STATUS_BY_VALUE.get(s >>> 0);
}

/** "SUCCESS", "BAD_DATA (0xC000090B)", or the hex of an unnamed status. */
export function statusText(s: number): string {
  const n = statusName(s);
  const hex = `0x${(s >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  return n ? (s === 0 ? n : `${n} (${hex})`) : hex;
}

export function isFailure(s: number): boolean {
  return (s | 0) < 0;
}

// Versions: major << 16 | minor (protocol.md §1.1–1.2). Names are OpenVMM's
// `ProtocolVersion` variants (microsoft/openvmm vm/devices/pci/vpci_protocol/src/lib.rs).
export const VERSIONS: { value: number; name: string }[] = [
  { value: 0x00010001, name: 'WIN10' },
  { value: 0x00010002, name: 'RS1' },
  { value: 0x00010003, name: 'VB' },
  { value: 0x00010004, name: 'FE' },
];

/** Versions only OpenVMM knows (1.0 is defined but rejected; GE adds RESET_DEVICE; DT). */
export const OTHER_VERSIONS: { value: number; name: string }[] = [
  { value: 0x00010000, name: 'WIN8' },
  { value: 0x00010005, name: 'GE' },
  { value: 0x00010006, name: 'DT' },
];

export const VERSION = { V1_1: 0x00010001, V1_2: 0x00010002, V1_3: 0x00010003, V1_4: 0x00010004, V1_5: 0x00010005, V1_6: 0x00010006 } as const;

export function makeVersion(major: number, minor: number): number {
  return (((major & 0xffff) << 16) | (minor & 0xffff)) >>> 0;
}

export function versionText(v: number): string {
  return `${(v >>> 16) & 0xffff}.${v & 0xffff}`;
}

export function versionName(v: number): string | undefined {
  return [...VERSIONS, ...OTHER_VERSIONS].find((x) => x.value === v >>> 0)?.name;
}

// win_slot (protocol.md §3): bits 0-4 device, 5-7 function, 8-31 reserved
// (linux pci-hyperv.c `union win_slot_encoding`; openvmm vpci_protocol `SlotNumber`).
export function wslotEncode(device: number, fn: number): number {
  return ((device & 0x1f) | ((fn & 0x7) << 5)) >>> 0;
}

export function wslotDecode(w: number): { device: number; fn: number } {
  return { device: w & 0x1f, fn: (w >>> 5) & 0x7 };
}

export function wslotToDevfn(w: number): number {
  return ((w & 0x1f) << 3) | ((w >>> 5) & 7);
}

export function devfnToWslot(devfn: number): number {
  return ((devfn >>> 3) & 0x1f) | ((devfn & 7) << 5);
}

/**
 * A function's slot as the scenario language reads it (docs/scenario-language.md, Slots: `N` or `D.F`,
 * decimal) and the debugger names it after a bus (nic0/16.1): the device in decimal, two digits, then
 * the function. Ours; lspci's form (wslotText) has the device in hex, so its "10.1" is this "16.1".
 */
export function slotName(w: number): string {
  const { device, fn } = wslotDecode(w);
  return `${String(device).padStart(2, '0')}.${fn}`;
}

/**
 * The win_slot a slot written after a bus names (the part after `nic0/`), or undefined: `10` and `10.1`
 * are device 10, as a scenario reads them; a device with a hex letter (`0a.0`, `1f`) is lspci's hex,
 * which no scenario slot spells, so lspci's `DD.F` still works where it cannot be read two ways. Ours.
 */
export function parseSlotName(s: string): number | undefined {
  const m = /^([0-9a-f]{1,2})(?:\.([0-7]))?$/i.exec(s);
  if (!m) return undefined;
  const device = parseInt(m[1]!, /^\d+$/.test(m[1]!) ? 10 : 16);
  return device > 31 ? undefined : wslotEncode(device, Number(m[2] ?? 0));
}

/** "00.0" style text (device.function) of a win_slot, as lspci prints it (hex device); reserved bits shown if set. */
export function wslotText(w: number): string {
  const { device, fn } = wslotDecode(w);
  const base = `${device.toString(16).padStart(2, '0')}.${fn}`;
  return w >>> 8 ? `${base} (reserved bits 0x${(w >>> 8).toString(16)})` : base;
}

// Limits (protocol.md §2.3, §2.5, §9.3, §10.4).
export const MAX_MSI_VECTORS = 32; // vector_count per descriptor
export const MAX_PROCESSORS = 32; // processor_array entries
export const MAX_MSI_RESOURCES = 494; // OpenVMM MAXIMUM_PACKET_SIZE derivation
export const HV_CONFIG_BLOCK_SIZE_MAX = 128;
export const PCI_BAR_COUNT = 6;
/** OpenVMM MAXIMUM_PACKET_SIZE: sizeof(DeviceTranslate) 136 + 494 × sizeof(MsiResource3) 80. */
export const MAXIMUM_PACKET_SIZE = 136 + 494 * 80;
