// pci.ids looked up on demand (indexPciIds) answers exactly as the full parse (loadPciIds):
// names sampled from all of the shipped data/pci.ids (each on-demand lookup searches the
// text, so checking every one of its 35,000 names would take minutes), and the odd inputs
// (duplicate blocks, CRLF, comments and blank lines inside blocks, malformed lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { indexPciIds, loadPciIds } from '../../emulator/pci/pci-ids';
import { same } from './pci-ids-compare';

test('on-demand pci.ids lookups answer as the full parse: every class, and one in 60 of the vendors, devices and subsystems of the shipped pci.ids', () => {
  const text = readFileSync('data/pci.ids', 'utf8');
  const n = same(indexPciIds(text), loadPciIds(text), text, 60);
  assert.ok(n > 500, `${n} names checked`);
});

test('on-demand pci.ids lookups agree on odd input: duplicates, CRLF, comments inside blocks, malformed lines', () => {
  const text = [
    '# Version: 2099.01.01',
    '8086  Intel',
    '\t10fb  82599',
    '# a comment inside the block',
    '',
    '\t\t8086 0003  Sub',
    '\tzz  broken',
    '8086  Intel again\r',
    '\t10fb  82599 renamed\r',
    '\t1521  I350',
    'X  other section',
    '\t1234  not a device of anyone',
    'C 02  Network',
    '\t00  Ethernet',
    '\t\t01  first',
    '\tqq  broken',
    'C 02  Network again',
    '\t80  Other',
    'S beef',
    '\t0001  too early',
    'beef  Late vendor',
    'c0de  Hex vendor',
    '\t0001  dev',
    'S c0de',
    '\t0042  generic after its vendor',
  ].join('\n');
  const a = indexPciIds(text);
  const b = loadPciIds(text);
  same(a, b, text);
  assert.equal(a.deviceName(0x8086, 0x10fb), '82599', 'the first entry of a duplicate wins, as in lspci');
  assert.equal(a.subsystemName(0x8086, 0x10fb, 0x8086, 0x0003), 'Sub');
  assert.equal(a.className(0x02), 'Network');
  assert.equal(a.className(0x02, 0x80), 'Other');
  assert.equal(a.genericSubsystemName?.(0xc0de, 0x0042), 'generic after its vendor');
  assert.equal(a.genericSubsystemName?.(0xbeef, 0x0001), undefined, 'an S block before its vendor is refused');
  assert.equal(a.className(0x02, 0x00, 0x01), 'first');
  assert.equal(a.deviceName(0xc0de, 1), 'dev');
  assert.equal(a.version, '2099.01.01');
});
