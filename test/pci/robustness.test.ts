import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walkCapabilities, capabilityViews } from '../../emulator/pci/capabilities';
import { importLspciText, importConfigBinary } from '../../emulator/pci/lspci-import';
import { ConfigSpace } from '../../emulator/pci/config-space';
import { decodeRegister, REGISTERS } from '../../emulator/pci/registers';

/** Seeded xorshift32: the same inputs on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

test('capability walk terminates with bounded output on random config spaces', () => {
  const r = rng(0x5eed);
  for (let n = 0; n < 1500; n++) {
    const len = [64, 256, 4096, 300, 0x104][n % 5]!;
    const b = new Uint8Array(len);
    for (let i = 0; i < len; i++) b[i] = r() & 0xff;
    b[6]! |= 0x10; // CAP_LIST, so the standard walk always runs
    const w = walkCapabilities(b);
    const std = w.capabilities.filter((c) => !c.extended);
    const ext = w.capabilities.filter((c) => c.extended);
    assert.ok(std.length <= 48, `std ${std.length}`);
    assert.ok(ext.length <= 480, `ext ${ext.length}`);
    assert.equal(new Set(std.map((c) => c.offset)).size, std.length, 'no offset twice');
    assert.equal(new Set(ext.map((c) => c.offset)).size, ext.length, 'no offset twice');
    for (const c of std) assert.ok(c.offset >= 0x40 && c.offset < len && c.offset % 4 === 0);
    assert.doesNotThrow(() => capabilityViews(b));
  }
});

test('importLspciText never throws on mutated dumps and either succeeds or names a line in range', () => {
  const r = rng(42);
  const base = [
    '01:00.0 Ethernet controller: X',
    ...Array.from({ length: 16 }, (_, i) => `${(i * 16).toString(16).padStart(2, '0')}: ${Array.from({ length: 16 }, () => '5a').join(' ')}`),
  ];
  for (let n = 0; n < 2000; n++) {
    const lines = base.slice();
    for (let k = 0; k < 1 + (r() % 3); k++) {
      const li = r() % lines.length;
      const line = lines[li]!;
      const op = r() % 4;
      const pos = r() % (line.length + 1);
      if (op === 0) lines[li] = line.slice(0, pos) + line.slice(pos + 1);
      else if (op === 1) lines[li] = line.slice(0, pos) + String.fromCharCode(32 + (r() % 95)) + line.slice(pos);
      else if (op === 2) lines.splice(li, 1);
      else lines.splice(li, 0, line);
    }
    const text = lines.join('\n');
    const res = importLspciText(text);
    if (res.ok) for (const d of res.devices) assert.ok([64, 256, 4096].includes(d.bytes.length));
    else assert.ok(res.error.line >= 1 && res.error.line <= Math.max(1, lines.length), `${res.error.line} of ${lines.length}`);
  }
  for (const len of [0, 1, 63, 65, 255, 257, 4095, 4097]) assert.equal(importConfigBinary(new Uint8Array(len)).ok, false);
});

test('config space and register decode accept any offset, size and value', () => {
  const c = new ConfigSpace();
  for (let i = 0; i < 4096; i += 4) c.setMasks(i, 4, 0xffffffff);
  const odd = [-5, -1, 0, 1, 4093, 4095, 4096, 1e9, NaN, Infinity, 2.5];
  for (const off of odd)
    for (const size of [0, 1, 2, 3, 4, 5, -1, NaN]) {
      assert.doesNotThrow(() => c.write(off, size, 0xffffffff));
      const v = c.read(off, size);
      assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, `${off}/${size} -> ${v}`);
    }
  for (const r of REGISTERS) for (const v of [-1, NaN, 2 ** 40, 0xffffffff]) assert.equal(decodeRegister(r.name, v).ok, true);
});
