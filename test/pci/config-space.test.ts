import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSpace } from '../../emulator/pci/config-space';
import {
  COMMAND,
  COMMAND_MEMORY,
  STATUS,
  STATUS_CAP_LIST,
  STATUS_REC_MASTER_ABORT,
  STATUS_W1C_BITS,
  VENDOR_ID,
  decodeRegister,
  findRegister,
  REGISTERS,
} from '../../emulator/pci/registers';

function space(): ConfigSpace {
  const init = new Uint8Array(256);
  init.set([0x86, 0x80, 0xfb, 0x10]); // vendor/device
  init[STATUS] = 0x10;
  init[STATUS + 1] = 0x20; // CAP_LIST + REC_MASTER_ABORT set
  const c = new ConfigSpace(init);
  c.setMasks(COMMAND, 2, 0x0547);
  c.setMasks(STATUS, 2, 0, STATUS_W1C_BITS);
  return c;
}

test('read-only bytes are unchanged by writes', () => {
  const c = space();
  const r = c.write(VENDOR_ID, 4, 0xdeadbeef);
  assert.equal(r.old, 0x10fb8086);
  assert.equal(r.new, 0x10fb8086);
  assert.equal(c.read(VENDOR_ID, 2), 0x8086);
});

test('COMMAND keeps only writable bits', () => {
  const c = space();
  c.write(COMMAND, 2, 0xffff);
  assert.equal(c.read(COMMAND, 2), 0x0547);
  c.write(COMMAND, 2, COMMAND_MEMORY);
  assert.equal(c.read(COMMAND, 2), COMMAND_MEMORY);
});

test('RW1C STATUS bits clear on 1, stay on 0, RO bits untouched', () => {
  const c = space();
  assert.equal(c.read(STATUS, 2), STATUS_CAP_LIST | STATUS_REC_MASTER_ABORT);
  c.write(STATUS, 2, 0);
  assert.equal(c.read(STATUS, 2), STATUS_CAP_LIST | STATUS_REC_MASTER_ABORT);
  c.write(STATUS, 2, 0xffff);
  assert.equal(c.read(STATUS, 2), STATUS_CAP_LIST);
});

test('a 4-byte write at COMMAND also hits STATUS (hardware dword write)', () => {
  const c = space();
  c.write(COMMAND, 4, (STATUS_REC_MASTER_ABORT << 16) | 0x0006);
  assert.equal(c.read(COMMAND, 2), 0x0006);
  assert.equal(c.read(STATUS, 2), STATUS_CAP_LIST);
});

test('accesses straddling 4096 are bytewise and never throw; bytes past the end read 0xff', () => {
  const c = new ConfigSpace();
  c.setMasks(4092, 4, 0xffffffff);
  c.write(4094, 4, 0x44332211);
  assert.equal(c.read(4094, 2), 0x2211);
  assert.equal(c.read(4094, 4), 0xffff2211);
  assert.equal(c.read(5000, 4), 0xffffffff);
  assert.equal(c.read(-1, 1), 0xff);
  assert.doesNotThrow(() => c.write(NaN, 4, 1));
  assert.doesNotThrow(() => c.write(10, 9, 1));
});

test('misaligned access is bytewise little-endian', () => {
  const c = new ConfigSpace();
  c.setMasks(0x40, 4, 0xffffffff);
  c.setMasks(0x44, 4, 0xffffffff);
  c.write(0x43, 4, 0xaabbccdd);
  assert.equal(c.read(0x40, 4), 0xdd000000);
  assert.equal(c.read(0x44, 4), 0x00aabbcc);
  assert.equal(c.read(0x43, 4), 0xaabbccdd);
});

test('onWrite observers see old and new; unsubscribe works', () => {
  const c = space();
  const seen: [number, number, number][] = [];
  const off = c.onWrite((w) => seen.push([w.offset, w.old, w.new]));
  c.write(COMMAND, 2, 0x0002);
  off();
  c.write(COMMAND, 2, 0x0000);
  assert.deepEqual(seen, [[COMMAND, 0, 2]]);
});

test('bytes is a copy, not a handle on the live space', () => {
  const c = space();
  const b = c.bytes;
  assert.equal(b.length, 4096);
  b[0] = 0;
  assert.equal(c.read(0, 1), 0x86);
});

test('REGISTERS table names every type-0 header register and decodes fields', () => {
  for (const n of ['VENDOR_ID', 'DEVICE_ID', 'COMMAND', 'STATUS', 'BAR0', 'BAR5', 'EXPANSION_ROM', 'CAPABILITIES_PTR', 'INTERRUPT_PIN', 'MAX_LAT']) {
    assert.ok(findRegister(n), n);
  }
  assert.equal(findRegister('BAR5')!.offset, 0x24);
  assert.equal(findRegister('EXPANSION_ROM')!.offset, 0x30);
  // the table covers 0x00..0x3f once each, except the reserved bytes 0x35..0x3b
  const covered = new Array(64).fill(0);
  for (const r of REGISTERS) for (let i = 0; i < r.size; i++) covered[r.offset + i]++;
  assert.deepEqual(
    covered,
    Array.from({ length: 64 }, (_, i) => (i >= 0x35 && i <= 0x3b ? 0 : 1)),
  );
  const d = decodeRegister('status', 0x2010);
  assert.ok(d.ok);
  const field = (name: string): number => d.fields.find((f) => f.name === name)!.value;
  assert.equal(field('CAP_LIST'), 1);
  assert.equal(field('REC_MASTER_ABORT'), 1);
  assert.equal(d.fields.find((f) => f.name === 'REC_MASTER_ABORT')!.access, 'rw1c');
  const b = decodeRegister('BAR0', 0xfff8000c);
  assert.ok(b.ok);
  assert.deepEqual(
    b.fields.map((f) => f.value),
    [0, 2, 1, 0xfff8000],
  );
  assert.deepEqual(decodeRegister('NOPE', 1), { ok: false, error: "unknown register 'NOPE'" });
});
