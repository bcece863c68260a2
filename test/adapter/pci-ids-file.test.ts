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
