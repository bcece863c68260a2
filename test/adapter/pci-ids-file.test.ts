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
import { rng } from '../../fuzz/rng';

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

test('device marks that are well-formed and in order but do not fit the text are not trusted: another vendor’s block, a mark moved off its line', () => {
  const vendor = (v: string, tag: string) => [
    `${v}  Vendor ${tag}`,
    ...Array.from({ length: 1200 }, (_, d) => `\t${d.toString(16).padStart(4, '0')}  ${tag} device ${d}`),
  ];
  const text = ['# Version: 2099.01.03', ...vendor('abcd', 'A'), ...vendor('1111', 'B'), 'C 02  Network', ''].join('\n');
  const p = place('misfit', text);
  const index = JSON.parse(readFileSync(p.index, 'utf8')) as { devices: string };
  const line = (k: string) => new RegExp(`\\n${k} [^\\n]*`).exec(index.devices)![0];
  const [key, start, end, ...marks] = line('vabcd').slice(1).split(' ');
  const [id3, at3] = marks[3]!.split(':');
  const cases: [string, string, number][] = [
    // the vendor's line carries the other vendor's block and marks
    ['another block', index.devices.replace(line('vabcd'), `\nvabcd ${line('v1111').slice(7)}`), 5],
    // a mark 5 bytes early, still in order: the device before it would lose the end of its name
    [
      'a mark off its line',
      index.devices.replace(line('vabcd'), `\n${[key, start, end, ...marks.map((m, i) => (i === 3 ? `${id3}:${Number(at3) - 5}` : m))].join(' ')}`),
      parseInt(id3!, 16) - 1,
    ],
    // a mark naming another device than the line it points at
    [
      'a mark naming another device',
      index.devices.replace(
        line('vabcd'),
        `\n${[key, start, end, ...marks.map((m, i) => (i === 3 ? m.replace(/^[0-9a-f]{4}/, (x) => (parseInt(x, 16) + 1).toString(16).padStart(4, '0')) : m))].join(' ')}`,
      ),
      parseInt(id3!, 16),
    ],
  ];
  const full = loadPciIds(text);
  for (const [what, devices, d] of cases) {
    writeFileSync(p.index, JSON.stringify({ ...index, devices }));
    const pieces = pciIdsPieces(files, p.ids, p.index);
    assert.ok(pieces, what);
    const a = indexPciIds(pieces);
    assert.equal(a.deviceName(0xabcd, d), full.deviceName(0xabcd, d), what);
    assert.equal(a.deviceName(0xabcd, 5), 'A device 5', what);
  }
});

test('a pci.ids that starts with a byte-order mark is indexed past it: one large vendor, every device named as the full parse', () => {
  const text = ['abcd  Only vendor', ...Array.from({ length: 700 }, (_, d) => `\t${d.toString(16).padStart(4, '0')}  device ${d} ${'x'.repeat(20)}`), ''].join(
    '\n',
  );
  const p = place('bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  const pieces = pciIdsPieces(files, p.ids, p.index);
  assert.ok(pieces);
  assert.ok(pieces.deviceRange?.('vabcd', 100), 'marked');
  same(indexPciIds(pieces), loadPciIds(text), text);
});

test('pci.ids in pieces on generated files: marked vendors with CRLF, lone CR, trailing blanks, comments and blank lines inside, upper-case ids, repeated devices, non-ASCII names, long headers, the last block without a line break', () => {
  let marked = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const r = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
    const h4 = (n: number) => (r.next() < 0.2 ? n.toString(16).padStart(4, '0').toUpperCase() : n.toString(16).padStart(4, '0'));
    const name = () => pick(['N', 'Ü', '😀']) + Array.from({ length: r.int(6) }, () => pick(['ab', 'Größe', '✓', '😀', ' ', 'é'])).join('');
    const end = () => pick(['', '', '', '\r', ' ', '\t']);
    const lines = ['# Version: 2099.02.0' + seed];
    const vendors = [0x1234, 0xabcd, 0x8086].slice(0, 1 + r.int(3));
    let last = 0;
    for (const v of vendors) {
      let header = `${h4(v)}  ${name()}`;
      // sometimes past the 256 bytes read first for a header, with multi-byte characters across it
      if (r.next() < 0.5) while (Buffer.byteLength(header) < 250 + r.int(12)) header += pick(['é', '😀', 'a', '✓']);
      lines.push(header + end());
      let d = 0;
      for (let k = 300 + r.int(500); k > 0 && d <= 0xffff; k--) {
        d += r.next() < 0.15 ? 0 : 1 + r.int(3);
        last = Math.max(last, d);
        const x = r.next();
        if (x < 0.03) lines.push('');
        else if (x < 0.06) lines.push(`# comment ${name()}`);
        else if (x < 0.08) lines.push('\t# a comment with a tab');
        lines.push(`\t${h4(d)}${pick(['  ', ' ', '\t'])}${name()}${end()}`);
        for (let s = r.int(3); s > 0; s--) lines.push(`\t\t${h4(r.int(4))} ${h4(r.int(4))}  ${name()}${end()}`);
      }
    }
    if (r.next() < 0.5) lines.push('C 02  Network', '\t00  Ethernet');
    const text = lines.join(r.next() < 0.3 ? '\r\n' : '\n') + (r.next() < 0.5 ? '' : '\n');
    const p = place(`gen${seed}`, text);
    const pieces = pciIdsPieces(files, p.ids, p.index);
    assert.ok(pieces, `seed ${seed}`);
    marked += /\nv/.exec((JSON.parse(readFileSync(p.index, 'utf8')) as { devices: string }).devices) ? 1 : 0;
    const a = indexPciIds(pieces);
    const b = loadPciIds(text);
    for (const v of vendors) {
      assert.equal(a.vendorName(v), b.vendorName(v), `seed ${seed} vendor ${v.toString(16)}`);
      for (let dev = 0; dev < last + 20; dev++) {
        assert.equal(a.deviceName(v, dev), b.deviceName(v, dev), `seed ${seed} device ${v.toString(16)}:${dev.toString(16)}`);
        if (dev % 3 === 0)
          for (let sv = 0; sv < 4; sv++)
            assert.equal(a.subsystemName(v, dev, sv, sv), b.subsystemName(v, dev, sv, sv), `seed ${seed} subsystem of ${dev.toString(16)}`);
      }
    }
  }
  assert.ok(marked >= 3, `${marked} of 4 files have marked vendors`);
});
