// Names a scenario may use for vPCI messages and NTSTATUS values, and the
// "did you mean" helper. Message numbering is spec §2.1 (vpci-protocol.md):
// PCI_MESSAGE_BASE 0x42490000 + index, names as in torvalds/linux
// drivers/pci/controller/pci-hyperv.c `enum pci_message_type` and FreeBSD
// sys/dev/hyperv/pcib/vmbus_pcib.c. Kept here (not imported from protocol.ts)
// so the language does not wait on the wire layer; a test checks they agree.

export const PCI_MESSAGE_BASE = 0x42490000;

/** Protocol names by index from PCI_MESSAGE_BASE (undefined = no Linux/FreeBSD name). */
const PROTOCOL_NAMES: readonly (string | undefined)[] = [
  'PCI_BUS_RELATIONS', // 0x00
  'PCI_QUERY_BUS_RELATIONS',
  undefined, // INVALIDATE_DEVICE (OpenVMM only, unused)
  undefined, // INVALIDATE_BUS
  'PCI_POWER_STATE_CHANGE',
  'PCI_QUERY_RESOURCE_REQUIREMENTS',
  'PCI_QUERY_RESOURCE_RESOURCES',
  'PCI_BUS_D0ENTRY',
  'PCI_BUS_D0EXIT',
  'PCI_READ_BLOCK',
  'PCI_WRITE_BLOCK', // 0x0A
  'PCI_EJECT',
  'PCI_QUERY_STOP',
  'PCI_REENABLE',
  'PCI_QUERY_STOP_FAILED',
  'PCI_EJECTION_COMPLETE', // 0x0F
  'PCI_RESOURCES_ASSIGNED',
  'PCI_RESOURCES_RELEASED',
  'PCI_INVALIDATE_BLOCK',
  'PCI_QUERY_PROTOCOL_VERSION',
  'PCI_CREATE_INTERRUPT_MESSAGE', // 0x14
  'PCI_DELETE_INTERRUPT_MESSAGE',
  'PCI_RESOURCES_ASSIGNED2',
  'PCI_CREATE_INTERRUPT_MESSAGE2',
  'PCI_DELETE_INTERRUPT_MESSAGE2',
  'PCI_BUS_RELATIONS2', // 0x19
  'PCI_RESOURCES_ASSIGNED3',
  'PCI_CREATE_INTERRUPT_MESSAGE3', // 0x1B
];
/** OpenVMM-only messages (microsoft/openvmm vm/devices/pci/vpci protocol MessageType). */
const OPENVMM_ONLY: Record<number, string> = {
  0x02: 'PCI_INVALIDATE_DEVICE',
  0x03: 'PCI_INVALIDATE_BUS',
  0x1c: 'PCI_RESET_DEVICE',
  0x1d: 'PCI_TDISP_COMMAND',
};

/**
 * The short (kebab) name of a protocol name: drop `PCI_` and `_MESSAGE`, lower
 * case, `_` to `-`. PCI_CREATE_INTERRUPT_MESSAGE2 → create-interrupt2. Each
 * short name denotes exactly one message (one wire value), never a family.
 */
export function shortMessageName(protocolName: string): string {
  return protocolName.replace(/^PCI_/, '').replace(/_MESSAGE(\d*)$/, '$1').toLowerCase().replace(/_/g, '-');
}

export interface MessageName {
  name: string;
  value: number;
  aliases: string[];
}

export const MESSAGE_NAMES: readonly MessageName[] = (() => {
  const out: MessageName[] = [];
  for (let i = 0; i <= 0x1d; i++) {
    const n = PROTOCOL_NAMES[i] ?? OPENVMM_ONLY[i];
    if (!n) continue;
    out.push({ name: n, value: PCI_MESSAGE_BASE + i, aliases: [shortMessageName(n)] });
  }
  return out;
})();

/** NTSTATUS names (spec §2.2; values as in torvalds/linux pci-hyperv.c and openvmm vpci). */
export const STATUS_NAMES: readonly { name: string; value: number }[] = [
  { name: 'STATUS_SUCCESS', value: 0x00000000 },
  { name: 'STATUS_REVISION_MISMATCH', value: 0xc0000059 },
  { name: 'STATUS_BAD_DATA', value: 0xc000090b },
  { name: 'STATUS_NOT_SUPPORTED', value: 0xc00000bb },
  { name: 'STATUS_UNSUCCESSFUL', value: 0xc0000001 },
  { name: 'STATUS_INVALID_PARAMETER', value: 0xc000000d },
  { name: 'STATUS_INSUFFICIENT_RESOURCES', value: 0xc000009a },
];

/** Levenshtein distance, capped work for long inputs. */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a third of the word's length (case-insensitive), if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
