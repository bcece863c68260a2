// pci.ids lookup (the names decode prints) and lspci -xxxx export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPciIds } from '../../emulator/pci/pci-ids';
import { exportLspci } from '../../emulator/pci/lspci-export';
import { importLspciText } from '../../emulator/pci/lspci-import';
import { createFunction } from '../../emulator/pci/catalog';

const DEV = 'data/devices';
const SKIP = spawnSync('lspci', ['--version']).status === 0 ? false : 'skipped: lspci not installed';

test('pci.ids: vendors, devices, subsystems, classes, subclasses and prog-ifs', () => {
  const ids = loadPciIds(readFileSync('data/pci.ids', 'utf8'));
  assert.equal(ids.version, '2023.04.10');
  assert.deepEqual(ids.errors, []);
  assert.equal(ids.vendorName(0x8086), 'Intel Corporation');
  assert.equal(ids.deviceName(0x8086, 0x10ed), '82599 Ethernet Controller Virtual Function');
  assert.equal(ids.deviceName(0x15b3, 0x1004), 'MT27500/MT27520 Family [ConnectX-3/ConnectX-3 Pro Virtual Function]');
  assert.equal(ids.subsystemName(0x8086, 0x10fb, 0x8086, 0x0003), 'Ethernet Server Adapter X520-2');
  assert.equal(ids.subsystemName(0x8086, 0x10fb, 0x1234, 0x5678), undefined);
  assert.equal(ids.className(0x02), 'Network controller');
  assert.equal(ids.className(0x02, 0x00), 'Ethernet controller');
  assert.equal(ids.className(0x01, 0x08, 0x02), 'NVM Express');
  assert.equal(ids.className(0x03, 0x00, 0x00), 'VGA controller');
  assert.equal(ids.vendorName(0xfff0), undefined);
});

test('pci.ids: malformed lines are reported with their line number, never thrown', () => {
  const ids = loadPciIds('# Version: x\n8086  Intel\n\t10fb  NIC\n\tzz  broken\n\t\t8086 0003  Sub\nC 02  Network\n\t00  Ethernet\n\t\tqq\n');
  assert.equal(ids.deviceName(0x8086, 0x10fb), 'NIC');
  assert.equal(ids.subsystemName(0x8086, 0x10fb, 0x8086, 3), 'Sub');
  assert.deepEqual(
    ids.errors.map((e) => e.line),
    [4, 8],
  );
  assert.doesNotThrow(() => loadPciIds('\t\t\x00garbage\r\n'));
});

test('export writes lspci -xxxx text that the project importer reads back byte-identical', () => {
  for (const f of readdirSync(DEV).filter((n) => n.endsWith('.lspci'))) {
    const r = importLspciText(readFileSync(join(DEV, f), 'utf8'));
    assert.ok(r.ok, f);
    if (!r.ok) continue;
    const d = r.devices[0]!;
    const text = exportLspci(d.bytes, d.address, d.title);
    const back = importLspciText(text);
    assert.ok(back.ok, f);
    if (back.ok) assert.deepEqual(back.devices[0]!.bytes, d.bytes, f);
    assert.equal(text.split('\n').filter((l) => /^[0-9a-f]+: /.test(l)).length, d.bytes.length / 16);
  }
  const t = exportLspci(new Uint8Array(4096).fill(0xab), '01:00.0', 'X');
  assert.match(t, /^01:00\.0 X\n00: ab ab/);
  assert.match(t, /\nff0: ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab\n\n$/);
});

test('real lspci -F -xxxx prints back exactly what export wrote', { skip: SKIP }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-export-'));
  try {
    for (const id of ['samsung-pm174x-nvme', 'intel-82599-vf']) {
      const fn = createFunction(id);
      const text = exportLspci(fn, '01:00.0');
      writeFileSync(join(dir, id), text);
      const r = spawnSync('lspci', ['-F', join(dir, id), '-xxxx', '-n'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const hexOf = (s: string): string[] => s.split('\n').filter((l) => /^[0-9a-f]+: /.test(l));
      assert.deepEqual(hexOf(r.stdout), hexOf(text), id);
      assert.equal(hexOf(text).length, 256);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
