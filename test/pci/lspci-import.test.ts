import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importLspciText, importConfigBinary } from '../../emulator/pci/lspci-import';

const DIR = join(import.meta.dirname, '../../data/devices');

test('every stored dump imports with the size, address and IDs of its header', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.lspci'));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const text = readFileSync(join(DIR, f), 'latin1');
    const r = importLspciText(text);
    assert.ok(r.ok, `${f}: ${!r.ok && JSON.stringify(r.error)}`);
    assert.equal(r.devices.length, 1, f);
    const d = r.devices[0]!;
    const hexLines = text.split('\n').filter((l) => /^[0-9a-f]+: /.test(l)).length;
    assert.equal(d.bytes.length, hexLines * 16, f);
    assert.ok([64, 256, 4096].includes(d.bytes.length), f);
    assert.equal(d.address, text.split(' ')[0], f);
    // vendor:device as the reference lspci printed them with -nn
    const ref = readFileSync(join(DIR, f.replace(/\.lspci$/, '.lspci-vvv.txt')), 'latin1');
    const ids = /\[([0-9a-f]{4}):([0-9a-f]{4})\]/.exec(ref.split('\n')[0]!)!;
    assert.equal(d.bytes[0]! | (d.bytes[1]! << 8), parseInt(ids[1]!, 16), f);
    assert.equal(d.bytes[2]! | (d.bytes[3]! << 8), parseInt(ids[2]!, 16), f);
  }
});

test('wrapped header line (X710) joins the title; decoded -v lines are ignored', () => {
  const r = importLspciText(readFileSync(join(DIR, 'intel-x710-pf.lspci'), 'latin1'));
  assert.ok(r.ok);
  assert.equal(r.devices[0]!.title, 'Ethernet controller: Intel Corporation Ethernet Controller X710 for 10GbE SFP+ (rev 02)');
});

test('sysfs binary config and its -x text form give the same bytes', () => {
  const bin = importConfigBinary(new Uint8Array(readFileSync(join(DIR, 'intel-82599-pf-dpdk-sysfs.config'))));
  const txt = importLspciText(readFileSync(join(DIR, 'intel-82599-pf-dpdk-sysfs.lspci'), 'latin1'));
  assert.ok(bin.ok && txt.ok);
  assert.deepEqual(bin.device.bytes, txt.devices[0]!.bytes);
  assert.deepEqual(importConfigBinary(new Uint8Array(100)), { ok: false, error: { message: 'config file is 100 bytes; sysfs gives 64, 256 or 4096' } });
});

const row = (off: number, fill = '00'): string => `${off.toString(16).padStart(2, '0')}: ${new Array(16).fill(fill).join(' ')}`;
const block = (n: number): string[] => Array.from({ length: n / 16 }, (_, i) => row(i * 16));

test('several devices per file, title optional, CRLF accepted', () => {
  const text = ['00:01.0 Host bridge: X', ...block(64), '', '0000:02:00.0 Thing', ...block(256)].join('\r\n');
  const r = importLspciText(text);
  assert.ok(r.ok);
  assert.deepEqual(
    r.devices.map((d) => [d.address, d.title, d.bytes.length]),
    [
      ['00:01.0', 'Host bridge: X', 64],
      ['0000:02:00.0', 'Thing', 256],
    ],
  );
  const bare = importLspciText([...block(64), '', ...block(64)].join('\n'));
  assert.ok(bare.ok);
  assert.deepEqual(
    bare.devices.map((d) => [d.address, d.bytes.length]),
    [
      ['00:00.0', 64],
      ['00:00.0', 64],
    ],
  );
});

test('malformed inputs give the line and a reason, never a throw', () => {
  const cases: [string, number, RegExp][] = [
    ['', 1, /no config-space dump/],
    ['just some words\nmore', 1, /no config-space dump/],
    [['01:00.0 X', row(0), '10: 00 00 zz 00 00 00 00 00 00 00 00 00 00 00 00 00'].join('\n'), 3, /byte 2 \('zz'\)/],
    [['01:00.0 X', row(0), '20: 00'].join('\n'), 3, /out of order: expected 0x10/],
    [['01:00.0 X', row(0), '18: 00'].join('\n'), 3, /not a multiple of 16/],
    [['01:00.0 X', row(0), '10: 00 00 00'].join('\n'), 3, /expected 16 bytes after the offset, found 3/],
    [['01:00.0 X', ...block(48)].join('\n'), 4, /has 48 bytes/],
    [['01:00.0 X', '\tSubsystem: Y', '02:00.0 Z', ...block(64)].join('\n'), 1, /01:00.0 has no hex dump/],
    [['01:00.0 X', ...block(4096), '1000: ' + new Array(16).fill('00').join(' ')].join('\n'), 258, /past the 4096-byte/],
    [['01:00.0 X', row(0), '000fffffffffff10: 00'].join('\n'), 3, /past the 4096-byte/],
  ];
  for (const [text, line, msg] of cases) {
    const r = importLspciText(text);
    assert.equal(r.ok, false, text.slice(0, 40));
    if (!r.ok) {
      assert.equal(r.error.line, line, `${text.slice(0, 40)} -> ${r.error.message}`);
      assert.match(r.error.message, msg);
    }
  }
});

test('a header of function 8 or 9 starts a device of that address, as lspci -F reads it, not a device 00:00.0 of no header', () => {
  // pciutils v3.9.0 lib/dump.c reads the function with %d: `lspci -F` lists 00:1f.8. Here the
  // header was not one, so its hex lines became a headerless device '00:00.0' (and `select 00:00.0` took it).
  const r = importLspciText(['00:1f.0 A', ...block(64), '', '00:1f.8 B', ...block(64)].join('\n'));
  assert.ok(r.ok);
  assert.deepEqual(
    r.devices.map((d) => [d.address, d.title]),
    [
      ['00:1f.0', 'A'],
      ['00:1f.8', 'B'],
    ],
  );
});
