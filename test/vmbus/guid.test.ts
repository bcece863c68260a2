import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guidBytes, guidText, guidData1 } from '../../emulator/vmbus/guid';

test('guid: vPCI class GUID has the mixed-endian bytes FreeBSD lists', () => {
  assert.deepEqual(
    [...guidBytes('44C4F61D-4444-4400-9D52-802E27EDE19F')],
    [0x1d, 0xf6, 0xc4, 0x44, 0x44, 0x44, 0x00, 0x44, 0x9d, 0x52, 0x80, 0x2e, 0x27, 0xed, 0xe1, 0x9f],
  );
});

test('guid: text round trip, offset, and data1', () => {
  const t = '12345678-9ABC-DEF0-0102-030405060708';
  const b = guidBytes(t.toLowerCase());
  assert.equal(guidText(b), t);
  const wide = new Uint8Array(20);
  wide.set(b, 4);
  assert.equal(guidText(wide, 4), t);
  assert.equal(guidData1(t), 0x12345678);
  assert.deepEqual([...guidBytes('nonsense')], new Array(16).fill(0));
});
