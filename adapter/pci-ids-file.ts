// data/pci.ids read in pieces through its build-time index (dist/pci.ids.index.json, written by
// scripts/pci-ids-index.ts): the Inspector names a session's few devices from a few kilobytes of
// the file instead of holding all 1.3 MB of it for the whole session (issue 14: the adapter's
// memory at the first stop). Node only (positional reads); VS Code for the Web reads the whole
// file through workspace.fs.
import { decodeText, type SyncFileAccess } from '../io/files';
import { pciIdsTopLines, pciIdsVersion, type PciIdsPieces } from '../emulator/pci/pci-ids';

/** The index's file name, in dist/ beside the bundles. */
export const PCI_IDS_INDEX = 'pci.ids.index.json';

/** The index as written to dist/pci.ids.index.json. */
export interface PciIdsIndex {
  /** The size in bytes of the data/pci.ids it describes. */
  size: number;
  version: string | null;
  /**
   * For each key (pciIdsLineKey: "v8086", "c02", "s8086"), the byte offsets of its blocks: start,
   * end, start, end … A plain object, so JSON.parse builds it without a line of our code running
   * per entry.
   */
  blocks: Record<string, number[]>;
  /** Lines to find where the index says they are before trusting it: [byte offset, the line's first characters]. */
  check: [number, string][];
}

/** How many characters of a line `check` holds. */
const CHECK_CHARS = 16;

/** The index of a pci.ids file's bytes (what scripts/pci-ids-index.ts writes at build time). */
export function pciIdsIndexOf(bytes: Uint8Array): PciIdsIndex {
  const text = decodeText(bytes);
  const enc = new TextEncoder();
  const tops = pciIdsTopLines(text);
  // Offsets in bytes (the file is UTF-8, the lines' offsets are UTF-16 units).
  const at: number[] = [];
  let chars = 0;
  let byte = 0;
  for (const t of tops) {
    byte += enc.encode(text.slice(chars, t.at)).length;
    chars = t.at;
    at.push(byte);
  }
  const blocks: Record<string, number[]> = {};
  const keyed: number[] = [];
  tops.forEach((t, i) => {
    if (t.key === undefined) return;
    (blocks[t.key] ??= []).push(at[i]!, at[i + 1] ?? bytes.length);
    keyed.push(i);
  });
  const check = [...new Set([keyed[0], keyed[keyed.length >> 1], keyed[keyed.length - 1]])]
    .filter((i) => i !== undefined)
    .map((i): [number, string] => [at[i]!, text.slice(tops[i]!.at, tops[i]!.at + CHECK_CHARS)]);
  return { size: bytes.length, version: pciIdsVersion(text) ?? null, blocks, check };
}

function isIndex(x: unknown): x is PciIdsIndex {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  const blocks = o['blocks'];
  const check = o['check'];
  return (
    typeof o['size'] === 'number' &&
    (o['version'] === null || typeof o['version'] === 'string') &&
    typeof blocks === 'object' &&
    blocks !== null &&
    !Array.isArray(blocks) &&
    Array.isArray(check) &&
    check.length > 0 &&
    check.every((c) => Array.isArray(c) && c.length === 2 && Number.isInteger(c[0]) && typeof c[1] === 'string')
  );
}

/** A key's offsets from an index: pairs of integers within the file, or nothing. */
function offsets(index: PciIdsIndex, key: string): readonly number[] {
  const b: unknown = Object.hasOwn(index.blocks, key) ? index.blocks[key] : undefined;
  if (!Array.isArray(b) || b.length % 2) return [];
  for (const n of b) if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > index.size) return [];
  return b as number[];
}

/**
 * pci.ids at `path` in pieces, by the index at `indexPath`; undefined when there is no index, or
 * it does not describe this file (its size differs, or a line it names is not where it says): the
 * caller then reads the whole file. Errors reading the file later give no names, never a failed
 * request.
 */
export function pciIdsPieces(files: SyncFileAccess, path: string, indexPath: string): PciIdsPieces | undefined {
  let index: unknown;
  try {
    index = JSON.parse(decodeText(files.readFileSync(indexPath, 4 * 1024 * 1024)));
  } catch {
    return undefined;
  }
  if (!isIndex(index)) return undefined;
  const read = (start: number, end: number): string => decodeText(files.readRangeSync(path, start, end - start));
  try {
    // The size: its last byte is there and nothing after it.
    if (files.readRangeSync(path, index.size - 1, 2).length !== 1) return undefined;
    // Lines at the start, middle and end are where the index puts them.
    for (const [at, line] of index.check) if (!read(at, Math.min(index.size, at + CHECK_CHARS * 4)).startsWith(line)) return undefined;
  } catch {
    return undefined;
  }
  const ix = index;
  return {
    blocks: (key) => offsets(ix, key),
    length: ix.size,
    version: ix.version ?? undefined,
    slice: (start, end) => {
      try {
        return read(start, end);
      } catch {
        return '';
      }
    },
  };
}
