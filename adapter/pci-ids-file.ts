// data/pci.ids read in pieces through its build-time index (dist/pci.ids.index.json, written by
// scripts/pci-ids-index.ts): the Inspector names a session's few devices from a few kilobytes of
// the file instead of holding all 1.3 MB of it for the whole session (issue 14: the adapter's
// memory at the first stop). Node only (positional reads); VS Code for the Web reads the whole
// file through workspace.fs.
import { decodeText, type SyncFileAccess } from '../io/files';
import { pciIdsDeviceLines, pciIdsTopLines, pciIdsVersion, type DeviceRange, type PciIdsPieces } from '../emulator/pci/pci-ids';

/** The index's file name, in dist/ beside the bundles. */
export const PCI_IDS_INDEX = 'pci.ids.index.json';

/** The index as written to dist/pci.ids.index.json. */
export interface PciIdsIndex {
  /** The size in bytes of the data/pci.ids it describes. */
  size: number;
  version: string | null;
  /**
   * One line per key (pciIdsLineKey: "v8086", "c02", "s8086"): the key, then the byte offsets of
   * its blocks — start, end, start, end … — separated by blanks, every line between line breaks
   * ("\nv8086 1234 5678\n"). One string, not an object of ~3,000 keys: reading the index costs
   * one JSON string, and a lookup one search in it.
   */
  blocks: string;
  /**
   * For each vendor with one block longer than DEVICE_STRIDE_FROM bytes whose device lines are in
   * ascending order of device id: a line "v8086 start end" and then every DEVICE_STRIDE-th of its
   * device lines as "10fb:123456" (device, byte offset of the line), the first one included. A
   * device's lines then lie between the last of these before it and the first after it.
   */
  devices: string;
  /** Lines to find where the index says they are before trusting it: [byte offset, the line's first characters]. */
  check: [number, string][];
}

/** How many characters of a line `check` holds. */
const CHECK_CHARS = 16;
/** Vendors with a block longer than this get device marks (8 of them in pci.ids 2023.04.10; Intel's block is 370 KB). */
const DEVICE_STRIDE_FROM = 16 * 1024;
/** One device line in this many is marked: Intel's 4,233 device lines give 67 marks, ~6 KB apart. */
const DEVICE_STRIDE = 64;

/** The index of a pci.ids file's bytes (what scripts/pci-ids-index.ts writes at build time). */
export function pciIdsIndexOf(bytes: Uint8Array): PciIdsIndex {
  const text = decodeText(bytes);
  const enc = new TextEncoder();
  const tops = pciIdsTopLines(text);
  // Offsets in bytes (the file is UTF-8, the lines' offsets are UTF-16 units), after the byte-order
  // mark decodeText drops, when the file has one.
  const at: number[] = [];
  let chars = 0;
  let byte = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (const t of tops) {
    byte += enc.encode(text.slice(chars, t.at)).length;
    chars = t.at;
    at.push(byte);
  }
  const blocks = new Map<string, number[]>();
  const keyed: number[] = [];
  tops.forEach((t, i) => {
    if (t.key === undefined) return;
    const b = blocks.get(t.key) ?? [];
    b.push(at[i]!, at[i + 1] ?? bytes.length);
    blocks.set(t.key, b);
    keyed.push(i);
  });
  // Device marks for large vendors whose device lines are in order.
  let devices = '\n';
  tops.forEach((t, i) => {
    if (t.key === undefined || !t.key.startsWith('v') || blocks.get(t.key)!.length !== 2) return;
    const start = at[i]!;
    const end = at[i + 1] ?? bytes.length;
    if (end - start <= DEVICE_STRIDE_FROM) return;
    const block = text.slice(t.at, tops[i + 1]?.at ?? text.length);
    const lines = pciIdsDeviceLines(block);
    if (lines.some((l, k) => k > 0 && l.device < lines[k - 1]!.device)) return;
    const marks: string[] = [];
    let chars = 0;
    let byte = start;
    for (let k = 0; k < lines.length; k += DEVICE_STRIDE) {
      const l = lines[k]!;
      byte += enc.encode(block.slice(chars, l.at)).length;
      chars = l.at;
      marks.push(`${l.device.toString(16).padStart(4, '0')}:${byte}`);
    }
    devices += `${t.key} ${start} ${end} ${marks.join(' ')}\n`;
  });
  const check = [...new Set([keyed[0], keyed[keyed.length >> 1], keyed[keyed.length - 1]])]
    .filter((i) => i !== undefined)
    .map((i): [number, string] => [at[i]!, text.slice(tops[i]!.at, tops[i]!.at + CHECK_CHARS)]);
  return {
    size: bytes.length,
    version: pciIdsVersion(text) ?? null,
    blocks: `\n${[...blocks].map(([k, v]) => `${k} ${v.join(' ')}\n`).join('')}`,
    devices,
    check,
  };
}

function isIndex(x: unknown): x is PciIdsIndex {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  const check = o['check'];
  return (
    typeof o['size'] === 'number' &&
    (o['version'] === null || typeof o['version'] === 'string') &&
    typeof o['blocks'] === 'string' &&
    typeof o['devices'] === 'string' &&
    Array.isArray(check) &&
    check.length > 0 &&
    check.every((c) => Array.isArray(c) && c.length === 2 && Number.isInteger(c[0]) && typeof c[1] === 'string')
  );
}

/** A key's offsets from one of the index's line lists: pairs of integers within the file, or nothing. */
function offsets(list: string, size: number, key: string): readonly number[] {
  const at = list.indexOf(`\n${key} `);
  if (at < 0) return [];
  const from = at + key.length + 2;
  const end = list.indexOf('\n', from);
  const fields = list.slice(from, end < 0 ? list.length : end).split(' ');
  if (fields.length % 2) return [];
  const out: number[] = [];
  for (const f of fields) {
    if (!/^[0-9]{1,12}$/.test(f)) return [];
    const n = Number(f);
    if (n > size) return [];
    out.push(n);
  }
  return out;
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
    blocks: (key) => offsets(ix.blocks, ix.size, key),
    deviceRange: (vendorKey, device) => deviceRange(ix, vendorKey, device),
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

/** Where the index's device marks put every line of `device` of a vendor (PciIdsPieces.deviceRange). */
function deviceRange(index: PciIdsIndex, vendorKey: string, device: number): DeviceRange | undefined {
  const at = index.devices.indexOf(`\n${vendorKey} `);
  if (at < 0) return undefined;
  const nl = index.devices.indexOf('\n', at + 1);
  const [start, end, ...marks] = index.devices.slice(at + vendorKey.length + 2, nl < 0 ? undefined : nl).split(' ');
  const offset = (x: string | undefined): number => (x !== undefined && /^[0-9]{1,12}$/.test(x) ? Number(x) : NaN);
  const s = offset(start);
  const e = offset(end);
  if (!(s < e && e <= index.size)) return undefined;
  let lo = s;
  let hi = e;
  let before: number | undefined;
  let after: number | undefined;
  let lastAt = s;
  let lastId = 0;
  for (const m of marks) {
    const [id, at] = m.split(':');
    const d = parseInt(id ?? '', 16);
    const o = offset(at);
    // Marks lie in the block, in ascending order of place and device, or the index is not used for this vendor.
    if (!/^[0-9a-f]{4}$/.test(id ?? '') || !(o >= lastAt && o <= e) || d < lastId) return undefined;
    lastAt = o;
    lastId = d;
    if (d < device) {
      lo = o;
      before = d;
    } else if (d > device && after === undefined) {
      hi = o;
      after = d;
    }
  }
  return { block: [s, e], start: lo, end: hi, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}
