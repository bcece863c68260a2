import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePacket, decodePacket, PKT_DATA_INBAND, PKT_COMPLETION } from '../../emulator/vmbus/packet';

test('encodePacket: in-band 12-byte payload is padded to 16, total 32 bytes, lengths in 8-byte units', () => {
  const payload = new Uint8Array([0x13, 0, 0x49, 0x42, 4, 0, 1, 0, 0, 0, 0, 0]);
  const b = encodePacket({ type: PKT_DATA_INBAND, flags: 1, transactionId: 0x1122334455667788n, payload });
  assert.deepEqual([...b], [6, 0, 2, 0, 4, 0, 1, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x13, 0, 0x49, 0x42, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test("encodePacket: status-only completion is 24 bytes (passes the guests' > 20 byte filter)", () => {
  const b = encodePacket({ type: PKT_COMPLETION, flags: 0, transactionId: 5n, payload: new Uint8Array(4) });
  assert.equal(b.length, 24);
  assert.deepEqual([...b.subarray(0, 8)], [11, 0, 2, 0, 3, 0, 0, 0]);
});

test('encodePacket: 8-byte payload is not padded', () => {
  assert.equal(encodePacket({ type: 6, flags: 0, transactionId: 0n, payload: new Uint8Array(8) }).length, 24);
  assert.equal(encodePacket({ type: 6, flags: 0, transactionId: 0n, payload: new Uint8Array(0) }).length, 16);
});

test('decodePacket: reads the fields back from hand-built bytes', () => {
  const raw = new Uint8Array([11, 0, 2, 0, 3, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0x0b, 0x09, 0, 0xc0, 0, 0, 0, 0]);
  const d = decodePacket(raw);
  assert.ok(d.ok);
  assert.equal(d.type, 11);
  assert.equal(d.flags, 0);
  assert.equal(d.transactionId, 7n);
  assert.equal(d.headerLen, 16);
  assert.equal(d.totalLen, 24);
  assert.deepEqual([...d.payload], [0x0b, 0x09, 0, 0xc0, 0, 0, 0, 0]);
});

test('decodePacket: rejects short buffers and inconsistent lengths without throwing', () => {
  assert.equal(decodePacket(new Uint8Array(15)).ok, false);
  const hdr1 = new Uint8Array([6, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(decodePacket(hdr1).ok, false); // header length 8 < 16
  const tooLong = new Uint8Array([6, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const r = decodePacket(tooLong);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /exceeds/);
  const totBelowHdr = new Uint8Array([6, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(decodePacket(totBelowHdr).ok, false);
});
