// Names a scenario may use for vPCI messages and NTSTATUS values, and the
// "did you mean" helper. Values come from emulator/vpci/protocol.ts (docs/protocol.md
// §2.1/§2.2: linux drivers/pci/controller/pci-hyperv.c `enum pci_message_type`,
// freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c, openvmm vpci_protocol).
import { MSG, STATUS, bareMessageName } from '../vpci/protocol';

/**
 * The short (kebab) name of a protocol name: drop `PCI_` and `_MESSAGE`, lower
 * case, `_` to `-`. PCI_CREATE_INTERRUPT_MESSAGE2 → create-interrupt2. Each
 * short name denotes exactly one message (one wire value), never a family.
 */
export function kebabMessageName(protocolName: string): string {
  return bareMessageName(protocolName).toLowerCase().replaceAll('_', '-');
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

/**
 * The status `written` names among `statuses` (STATUS_NAMES, or a context's): any case, `-` or
 * `_`, with or without the STATUS_ prefix (bad-data, BAD_DATA, status_bad_data, STATUS_BAD_DATA).
 * The checker and hover resolve a status name by this one rule.
 */
export function statusByName<S extends { name: string }>(statuses: readonly S[], written: string): S | undefined {
  const norm = `STATUS_${written
    .toUpperCase()
    .replace(/-/g, '_')
    .replace(/^STATUS_/, '')}`;
  return statuses.find((x) => x.name === written) ?? statuses.find((x) => x.name === norm);
}

/**
 * Status `name` (STATUS_BAD_DATA) spelled the way `written` is, for a "did you mean": with `-`
 * (`bad-dta`) lower case with `-`, all lower case (`bad_dta`) lower case with `_`, else upper case
 * with `_`; with the STATUS_ prefix only if `written` has it. Every such spelling is one
 * statusByName takes.
 */
export function statusInStyle(name: string, written: string): string {
  const core = /^status[-_]/i.test(written) ? name : name.replace(/^STATUS_/, '');
  if (written.includes('-') && !written.includes('_')) return core.toLowerCase().replaceAll('_', '-');
  return written === written.toLowerCase() ? core.toLowerCase() : core;
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment, the
 * restricted Damerau–Levenshtein distance): a swapped pair of letters, the
 * commonest typing slip, costs 1 (`fv` → `vf`), not 2. Capped work for long inputs.
 */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  // Three rows: i-2, i-1, i.
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/** Case, `_` and `-` do not tell names apart when guessing what was meant. */
function normal(s: string): string {
  return s.toLowerCase().replace(/_/g, '-');
}

function tokens(s: string): string[] {
  return normal(s).split('-').filter(Boolean);
}

/** Upper-case names (PCI_EJECT, STATUS_…) and lower-case ones (eject, intel-82599-vf) are two styles. */
function style(s: string): 'upper' | 'lower' | 'mixed' {
  return s === s.toUpperCase() ? 'upper' : s === s.toLowerCase() ? 'lower' : 'mixed';
}

/** Whether `a` is `b` with letters left out (`msx` of `msix`): a letter not typed, the commonest slip after a swapped pair. */
function leftOut(a: string, b: string): boolean {
  let i = 0;
  for (let j = 0; i < a.length && j < b.length; j++) if (a[i] === b[j]) i++;
  return i === a.length;
}

/**
 * The candidates the user most likely meant by `word`, best first (at most `max`).
 * A candidate qualifies when it is within a third of the word's length in edit
 * distance (transpositions count once; case, `_` and `-` are ignored), or when it
 * holds every token of the word (`82599-vf` → `intel-82599-vf`). Ranking: edit
 * distance, then a candidate the word is with letters left out (`msx` → `msix` before
 * `msi`), then tokens shared with the word, then the same spelling style
 * (upper/lower case), then the closer length, then the candidates' own order.
 * Only candidates within one edit of the best are kept, so a clear winner comes alone
 * or with its nearest rival.
 */
export function suggestions(word: string, candidates: readonly string[], max = 3): string[] {
  const w = normal(word);
  if (!w) return [];
  const wt = tokens(word);
  const limit = Math.max(2, Math.floor(word.length / 3));
  const scored: { c: string; d: number; dropped: number; shared: number; sameStyle: number; len: number; order: number }[] = [];
  const seen = new Set<string>();
  candidates.forEach((c, order) => {
    if (seen.has(c) || c === word) return;
    seen.add(c);
    const d = editDistance(w, normal(c));
    const ct = tokens(c);
    const shared = wt.filter((t) => ct.includes(t)).length;
    const holdsAll = wt.length > 0 && shared === wt.length && wt.some((t) => t.length >= 3);
    if (d > limit && !holdsAll) return;
    const dropped = leftOut(w, normal(c)) ? 1 : 0;
    scored.push({ c, d, dropped, shared, sameStyle: style(c) === style(word) ? 1 : 0, len: Math.abs(c.length - word.length), order });
  });
  scored.sort((a, b) => a.d - b.d || b.dropped - a.dropped || b.shared - a.shared || b.sameStyle - a.sameStyle || a.len - b.len || a.order - b.order);
  const best = scored[0]?.d ?? 0;
  return scored
    .filter((x) => x.d <= best + 1)
    .slice(0, max)
    .map((x) => x.c);
}

/** The candidate the user most likely meant, if any (see suggestions). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  return suggestions(word, candidates, 1)[0];
}

/**
 * `; did you mean linux?` when `word` is near one of `candidates` (with `then` after the name:
 * `=on` for a quirk setting), else '': what an unknown option value or launch field says before
 * listing the valid ones. A word that is not a string has no near miss.
 */
export function didYouMeanClause(word: unknown, candidates: readonly string[], then = ''): string {
  const near = typeof word === 'string' ? didYouMean(word, candidates) : undefined;
  return near ? `; did you mean ${near}${then}?` : '';
}
