// data/pci.ids read in pieces by its build-time index (adapter/pci-ids-file.ts): the same names
// as parsing the whole file, read from a real file with Node's positional reads; an index that does
// not describe the file (edited, shifted, truncated, missing, malformed) is refused, so the adapter
// falls back to reading the whole text rather than naming devices wrongly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexPciIds, loadPciIds } from '../../emulator/pci/pci-ids';
import { PCI_IDS_INDEX, pciIdsIndexOf, pciIdsPieces } from '../../adapter/pci-ids-file';
import { NodeFiles } from '../../io/node-files';
import { same } from '../pci/pci-ids-compare';

const files = new NodeFiles();
const dir = mkdtempSync(join(tmpdir(), 'vpci-ids-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` and its index; returns the paths. */
function place(name: string, text: string | Buffer): { ids: string; index: string } {
  const ids = join(dir, `${name}.ids`);
  const index = join(dir, `${name}.json`);
  writeFileSync(ids, text);
  writeFileSync(index, JSON.stringify(pciIdsIndexOf(readFileSync(ids))));
  return { ids, index };
}

test('pci.ids in pieces names as the full parse: every class, one in 60 of the vendors, devices and subsystems of the shipped file', () => {
  const text = readFileSync('data/pci.ids', 'utf8');
  const p = place('shipped', readFileSync('data/pci.ids'));
  const pieces = pciIdsPieces(files, p.ids, p.index);
  assert.ok(pieces, 'the index describes the file');
  assert.equal(pieces.version, '2023.04.10');
  const n = same(indexPciIds(pieces), loadPciIds(text), text, 60);
  assert.ok(n > 500, `${n} names checked`);
});

test('pci.ids in pieces: byte offsets past non-ASCII names, CRLF, comments and duplicates read as the full parse', () => {
  const text = [
    '# Version: 2099.01.01',
    '1aa1  Müller & Söhne GmbH — Ärger',
    '\t0001  Größe ✓',
    '8086  Intel',
    '\t10fb  82599',
    '# a comment inside the block',
    '\t\t8086 0003  Sub',
    '8086  Intel again\r',
    '\t10fb  82599 renamed\r',
    'C 02  Network',
    '\t00  Ethernet',
    'S c0de',
    'c0de  Hex vendor — ø',
    'S c0de',
    '\t0042  generic after its vendor',
  ].join('\n');
  const p = place('odd', text);
  const pieces = pciIdsPieces(files, p.ids, p.index);
  assert.ok(pieces);
  const a = indexPciIds(pieces);
  same(a, loadPciIds(text), text);
  assert.equal(a.vendorName(0x1aa1), 'Müller & Söhne GmbH — Ärger');
  assert.equal(a.deviceName(0x1aa1, 1), 'Größe ✓');
  assert.equal(a.deviceName(0x8086, 0x10fb), '82599');
  assert.equal(a.vendorName(0xc0de), 'Hex vendor — ø');
  assert.equal(a.genericSubsystemName?.(0xc0de, 0x42), 'generic after its vendor');
});

test('an index that does not describe the file is refused: edited, shifted, truncated, missing or malformed', () => {
  const text = readFileSync('data/pci.ids', 'utf8');
  const p = place('stale', text);
  // A vendor renamed: a different size.
  writeFileSync(p.ids, text.replace('Intel Corporation', 'Intel Corp.'));
  assert.equal(pciIdsPieces(files, p.ids, p.index), undefined, 'size differs');
  // The same size, every line one byte later.
  const q = place('moved', text);
  writeFileSync(q.ids, '\n' + text.slice(0, -1));
  assert.equal(pciIdsPieces(files, q.ids, q.index), undefined, 'every line one byte later');
  writeFileSync(q.ids, text.slice(0, 1000));
  assert.equal(pciIdsPieces(files, q.ids, q.index), undefined, 'truncated');
  assert.equal(pciIdsPieces(files, q.ids, join(dir, 'none.json')), undefined, 'no index');
  writeFileSync(q.index, '{"size": 3, "deltas": [1, -2], "heads": ["a"]}');
  writeFileSync(q.ids, text);
  assert.equal(pciIdsPieces(files, q.ids, q.index), undefined, 'malformed index');
  writeFileSync(q.index, 'not json');
  assert.equal(pciIdsPieces(files, q.ids, q.index), undefined, 'not JSON');
});

test('the build’s index describes the shipped data/pci.ids', { skip: existsSync(join('dist', PCI_IDS_INDEX)) ? false : 'not built' }, () => {
  assert.deepEqual(JSON.parse(readFileSync(join('dist', PCI_IDS_INDEX), 'utf8')), pciIdsIndexOf(readFileSync('data/pci.ids')));
});

/** Node's files, counting the bytes read by range. */
class CountingFiles extends NodeFiles {
  bytes = 0;
  override readRangeSync(path: string, start: number, length: number): Uint8Array {
    const b = super.readRangeSync(path, start, length);
    this.bytes += b.length;
    return b;
  }
}

test('a large vendor is read near its device: every Intel device and subsystem names as the full parse, each device from a few kilobytes of its 370 KB', () => {
  const text = readFileSync('data/pci.ids', 'utf8');
  const p = place('intel', readFileSync('data/pci.ids'));
  const counting = new CountingFiles();
  const pieces = pciIdsPieces(counting, p.ids, p.index);
  assert.ok(pieces);
  assert.ok(pieces.deviceRange?.('v8086', 0x10fb), 'device marks');
  const intel = /^8086 [^\n]*\n(?:[\t#][^\n]*\n|\n)*/m.exec(text)![0];
  assert.ok(intel.length > 300_000, 'the Intel block');
  const a = indexPciIds(pieces);
  counting.bytes = 0;
  assert.equal(a.deviceName(0x8086, 0x10fb), '82599ES 10-Gigabit SFI/SFP+ Network Connection');
  assert.ok(counting.bytes < 16 * 1024, `one device read ${counting.bytes} bytes`);
  const n = same(a, loadPciIds(text), intel);
  assert.ok(n > 4000, `${n} names checked`);
});

test('device marks only where the device lines are in order: a large vendor out of order, or with a device repeated across a mark, still names as the full parse', () => {
  const sorted: string[] = ['abcd  Sorted'];
  for (let d = 0; d < 1200; d++) {
    sorted.push(`\t${d.toString(16).padStart(4, '0')}  device ${d}`);
    if (d === 64 * 3) sorted.push(`\t${d.toString(16).padStart(4, '0')}  device ${d} again`, '\t\tabcd 0001  its subsystem');
    if (d % 7 === 0) sorted.push(`\t\tabcd ${d.toString(16).padStart(4, '0')}  sub ${d}`);
  }
  const shuffled: string[] = ['dcba  Shuffled'];
  for (let k = 0; k < 1200; k++) {
    const d = (k * 7919) % 1200;
    shuffled.push(`\t${d.toString(16).padStart(4, '0')}  device ${d}`, `\t\tdcba ${d.toString(16).padStart(4, '0')}  sub ${d}`);
  }
  const text = ['# Version: 2099.01.02', ...sorted, ...shuffled, 'C 02  Network', ''].join('\n');
  const p = place('large', text);
  const index = JSON.parse(readFileSync(p.index, 'utf8')) as { devices: string };
  assert.match(index.devices, /\nvabcd /, 'the sorted vendor is marked');
  assert.doesNotMatch(index.devices, /\nvdcba /, 'the shuffled one is not');
  const pieces = pciIdsPieces(files, p.ids, p.index);
  assert.ok(pieces);
  const a = indexPciIds(pieces);
  same(a, loadPciIds(text), text);
  assert.equal(a.deviceName(0xabcd, 64 * 3), 'device 192');
  assert.equal(a.subsystemName(0xabcd, 64 * 3, 0xabcd, 1), 'its subsystem');
  // Marks that do not fit the file are not used.
  writeFileSync(p.index, JSON.stringify({ ...index, devices: index.devices.replace(/(\nvabcd )\d+/, (_, key: string) => `${key}999999999`) }));
  const bad = pciIdsPieces(files, p.ids, p.index);
  assert.equal(bad?.deviceRange?.('vabcd', 5), undefined);
  assert.equal(indexPciIds(bad!).deviceName(0xabcd, 5), 'device 5');
  // Marks out of order (by place or by device) or malformed are not used either.
  const line = /\nvabcd [^\n]*/.exec(index.devices)![0];
  const [key, start, end, ...marks] = line.slice(1).split(' ');
  const variants = [
    [key, start, end, ...[...marks].reverse()],
    [key, start, end, ...marks.map((m, i) => (i === 1 ? m.replace(/^[0-9a-f]{4}/, 'ffff') : m))],
    [key, start, end, ...marks.map((m, i) => (i === 1 ? 'x' : m))],
    [key, '', end, ...marks],
  ].map((f) => `\n${f.join(' ')}`);
  for (const v of variants) {
    writeFileSync(p.index, JSON.stringify({ ...index, devices: index.devices.replace(line, v) }));
    const q = pciIdsPieces(files, p.ids, p.index);
    assert.ok(q);
    assert.equal(q.deviceRange?.('vabcd', 0x300), undefined, v.slice(0, 60));
    assert.equal(indexPciIds(q).deviceName(0xabcd, 0x300), 'device 768');
  }
});
