// Names a scenario may use for vPCI messages and NTSTATUS values, and the
// "did you mean" helper. Values come from emulator/vpci/protocol.ts (spec
// §2.1/§2.2: linux drivers/pci/controller/pci-hyperv.c `enum pci_message_type`,
// freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c, openvmm vpci_protocol).
import { MSG, STATUS } from '../vpci/protocol';

/**
 * The short (kebab) name of a protocol name: drop `PCI_` and `_MESSAGE`, lower
 * case, `_` to `-`. PCI_CREATE_INTERRUPT_MESSAGE2 → create-interrupt2. Each
 * short name denotes exactly one message (one wire value), never a family.
 */
export function kebabMessageName(protocolName: string): string {
  return protocolName.replace(/^PCI_/, '').replace(/_MESSAGE(\d*)$/, '$1').toLowerCase().replace(/_/g, '-');
}

export interface MessageName {
  name: string;
  value: number;
  aliases: string[];
}

export const MESSAGE_NAMES: readonly MessageName[] = Object.entries(MSG)
  .map(([name, value]) => ({ name, value, aliases: [kebabMessageName(name)] }))
  .sort((a, b) => a.value - b.value);

/** NTSTATUS names as written in scenarios: STATUS_BAD_DATA (BAD_DATA and bad-data are accepted too). */
export const STATUS_NAMES: readonly { name: string; value: number }[] = Object.entries(STATUS).map(([k, v]) => ({ name: `STATUS_${k}`, value: v }));

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
