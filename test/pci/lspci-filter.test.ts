// `vpci-lab lspci -s … -d …` against `lspci -F … -s … -d …` (lspci 3.9.0, pciutils lib/filter.c):
// the same devices shown for every slot and id expression, valid or not, alone, combined and
// repeated, on one dump of catalog devices at addresses in two domains; a bad expression is
// pcilib's own message (lspci exits 1 with it, we exit 2, the documented code for a wrong option).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../adapter/cli/main';
import { capture } from '../cli/capture';
import '../../adapter/cli/devices';
import { catalogBytes } from '../../emulator/pci/catalog';
import { filterMatches, newFilter, parseIdFilter, parseSlotFilter } from '../../emulator/pci/lspci/filter';

const SKIP = spawnSync('lspci', ['--version'], { encoding: 'utf8' }).stdout?.startsWith('lspci version 3.9.0') ? false : 'skipped: lspci 3.9.0 not installed';
const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-filter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const DEVICES: [string, string][] = [
  ['00:00.0', 'intel-82599-pf'],
  ['02:00.0', 'intel-82599-vf'],
  ['02:00.1', 'mellanox-cx3-vf'],
  ['02:1f.7', 'samsung-pm174x-nvme'],
  ['0001:03:00.0', 'nvidia-tu102'],
  ['0001:03:05.2', 'intel-x710-pf'],
];
function dumpFile(devices: [string, string][]): string {
  const text = devices
    .map(([address, id]) => {
      const b = catalogBytes(id)!.subarray(0, 256);
      const lines = [`${address} ${id}`];
      for (let o = 0; o < b.length; o += 16) lines.push(`${hex2(o)}: ${Array.from(b.subarray(o, o + 16), hex2).join(' ')}`);
      return lines.join('\n') + '\n';
    })
    .join('\n');
  const file = join(dir, `devices-${devices.length}.txt`);
  writeFileSync(file, text);
  return file;
}

const SLOTS = [
  '02:00.0',
  '02:',
  '02',
  '2',
  '.1',
  '.',
  '*:*.*',
  '0001:03:05.2',
  '1:3:5.2',
  '1::',
  '::',
  ':.',
  '03:05',
  '3:',
  'g',
  '100:',
  '20',
  '0.8',
  '0.1.2',
  '1:2:3:4',
  '',
  '*',
  'x',
  '80000000::',
  '7fffffff::',
  '0x02:',
  '02:00.0 ',
  '1f',
  '1f.7',
  '0'.repeat(63),
  '0'.repeat(64),
];
const IDS = [
  '8086:',
  ':10ed',
  '8086:10ed',
  '15b3::0200',
  '::02xx',
  '::0200:00',
  '::02',
  '::xxxxx',
  '::xxxx',
  '8086',
  '8086:10ed:0200:00:1',
  'zz:',
  ':',
  '::',
  '10000:',
  '::0108:02',
  '::01xx:',
  '10de::0300',
  '*:*',
  '8086:*:02X0',
];

async function compare(file: string, args: string[]): Promise<void> {
  const io = capture();
  const code = await main(['lspci', file, '-O', 'hwdb.disable=1', '-vv', ...args], io);
  const real = spawnSync('lspci', ['-F', file, '-i', 'data/pci.ids', '-O', 'hwdb.disable=1', '-vv', ...args], { encoding: 'utf8' });
  const what = `lspci ${args.map((a) => JSON.stringify(a)).join(' ')}`;
  if (real.status !== 0) {
    assert.equal(real.status, 1, `${what}: ${real.stderr}`);
    assert.equal(code, 2, `${what}: ${io.stderr}`);
    assert.equal(io.stderr.split('\n')[0], `vpci-lab: ${real.stderr.trimEnd()}`, what);
    assert.equal(io.stdout, '', what);
    return;
  }
  assert.equal(code, 0, `${what}: ${io.stderr}`);
  assert.equal(io.stdout, real.stdout, what);
}

test('-s and -d show the devices real lspci shows, and refuse what it refuses with its words', { skip: SKIP }, async () => {
  const file = dumpFile(DEVICES);
  for (const s of SLOTS) await compare(file, ['-s', s]);
  for (const d of IDS) await compare(file, ['-d', d]);
  // Together, and repeated: each one sets only the fields it names, on the same filter.
  for (const args of [
    ['-s', '02:', '-d', '15b3:'],
    ['-s', '02:', '-s', '.1'],
    ['-s', '1::', '-s', '03:05'],
    ['-d', '8086:', '-d', ':1572'],
    ['-d', '8086:', '-s', '00:'],
    ['-s', '02:00.0', '-s', '03:'],
    ['-s', '0001:03:', '-D'],
    // Two bad ones: lspci stops at the first given.
    ['-d', 'zz:', '-s', '20'],
    ['-s', '20', '-d', 'zz:'],
    ['-s', '02:', '-s', '1:2:3:4'],
  ])
    await compare(file, args);
  // Domains are shown when any device read has one, whether the filter shows it or not.
  const io = capture();
  assert.equal(await main(['lspci', file, '-s', '02:00.0'], io), 0);
  assert.match(io.stdout, /^0000:02:00\.0 /);
});

test("the filter by itself: fields, masks and pcilib's limits", () => {
  const f = newFilter();
  assert.equal(parseSlotFilter(f, '1:2:3.4'), undefined);
  assert.deepEqual([f.domain, f.bus, f.slot, f.func], [1, 2, 3, 4]);
  // A later expression sets only what it names.
  assert.equal(parseSlotFilter(f, '.5'), undefined);
  assert.deepEqual([f.domain, f.bus, f.slot, f.func], [1, 2, 3, 5]);
  assert.equal(parseSlotFilter(newFilter(), '20'), 'Invalid slot number');
  assert.equal(parseSlotFilter(newFilter(), '100:'), 'Invalid bus number');
  assert.equal(parseSlotFilter(newFilter(), '0x1:'), 'Invalid bus number', 'lspci 3.9.0 takes no 0x');
  assert.equal(parseSlotFilter(newFilter(), 'a'.repeat(64)), 'Expression too long');
  const g = newFilter();
  assert.equal(parseIdFilter(g, '::02xx'), undefined);
  assert.deepEqual([g.deviceClass, g.classMask >>> 0], [0x0200, 0xffffff00]);
  const nic = catalogBytes('intel-82599-vf')!;
  assert.equal(filterMatches(g, { domain: 0, bus: 0, slot: 0, func: 0 }, nic), true, 'class 0x0200 is a network controller');
  const h = newFilter();
  assert.equal(parseIdFilter(h, '::02'), undefined);
  assert.equal(filterMatches(h, { domain: 0, bus: 0, slot: 0, func: 0 }, nic), false, '::02 is class 0x0002, not base class 02');
  assert.equal(parseIdFilter(newFilter(), '8086'), 'At least two fields must be given');
  assert.equal(parseIdFilter(newFilter(), '::xxxxx'), 'Invalid class code');
});
