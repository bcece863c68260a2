import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer } from '../../emulator/vmbus/ring';
import { VmbusChannel, VPCI_CLASS_GUID } from '../../emulator/vmbus/channel';
import { encodePacket } from '../../emulator/vmbus/packet';

const pkt = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);

test('ring: capacity is the data area; each packet takes padded length + 8-byte footer', () => {
  const r = new RingBuffer(12 * 1024);
  assert.equal(r.capacity, 12288);
  assert.equal(r.used, 0);
  assert.equal(r.free, 12288);
  assert.ok(r.tryWrite(pkt(24)));
  assert.equal(r.used, 32);
  assert.ok(r.tryWrite(pkt(30))); // padded to 32 + 8
  assert.equal(r.used, 72);
  assert.equal(r.pendingPackets, 2);
  assert.equal(r.free, 12288 - 72);
});

test('ring: footer holds the packet start offset in its upper u32', () => {
  const r = new RingBuffer(256);
  r.tryWrite(pkt(16, 1));
  r.tryWrite(pkt(16, 2));
  const raw = r.rawBytes();
  const v = new DataView(raw.buffer);
  assert.equal(v.getUint32(16, true), 0);
  assert.equal(v.getUint32(20, true), 0);
  assert.equal(v.getUint32(40, true), 0);
  assert.equal(v.getUint32(44, true), 24);
});

test('ring: pushes back when full, writes nothing, and accepts again after a read', () => {
  const r = new RingBuffer(128);
  // each 24-byte packet takes 32 ring bytes; the fourth would leave 0 free, which is not allowed
  assert.ok(r.tryWrite(pkt(24, 1)));
  assert.ok(r.tryWrite(pkt(24, 2)));
  assert.ok(r.tryWrite(pkt(24, 3)));
  const before = r.snapshot();
  assert.equal(r.tryWrite(pkt(24, 4)), false);
  assert.deepEqual(r.snapshot().data, before.data);
  assert.equal(r.used, 96);
  assert.equal(r.pendingPackets, 3);
  assert.equal(r.free, 32);
  assert.equal(r.canWrite(24), false); // 32 bytes needed, 32 free: must stay strictly below
  assert.equal(r.canWrite(16), true);
  assert.deepEqual([...r.read()!], [...pkt(24, 1)]);
  assert.ok(r.tryWrite(pkt(24, 4)));
});

test('ring: packets wrap around the end of the data area intact', () => {
  const r = new RingBuffer(64);
  for (let round = 0; round < 20; round++) {
    const p = new Uint8Array(20).map((_, i) => (round * 7 + i) & 0xff);
    assert.ok(r.tryWrite(p), `round ${round}`);
    assert.deepEqual([...r.peek()!], [...p]);
    assert.deepEqual([...r.read()!], [...p]);
    assert.equal(r.used, 0);
  }
  assert.equal(r.read(), undefined);
});

test('ring: snapshot/restore reproduces contents and indices', () => {
  const r = new RingBuffer(64);
  r.tryWrite(pkt(20, 9));
  r.read();
  r.tryWrite(pkt(24, 7));
  const s = JSON.parse(JSON.stringify(r.snapshot()));
  const q = new RingBuffer(64);
  q.restore(s);
  assert.equal(q.used, r.used);
  assert.deepEqual([...q.read()!], [...pkt(24, 7)]);
});

test('channel: offered → open with guest ring sizes minus the 4 KiB header page', () => {
  const c = new VmbusChannel('12345678-9abc-def0-1234-56789abcdef0');
  assert.equal(c.state, 'offered');
  assert.equal(c.classGuid, VPCI_CLASS_GUID);
  assert.ok(c.open(16 * 1024, 16 * 1024)); // FreeBSD
  assert.equal(c.guestToHost.capacity, 12 * 1024);
  assert.equal(c.hostToGuest.capacity, 12 * 1024);
  assert.equal(c.open(16384, 16384), false); // already open
  c.close();
  assert.equal(c.state, 'closed');
  assert.ok(c.open(20 * 1024, 20 * 1024)); // current Linux
  assert.equal(c.hostToGuest.capacity, 16 * 1024);
  c.rescind();
  assert.equal(c.state, 'rescinded');
  assert.equal(c.open(20480, 20480), false);
});

test('channel: bad ring sizes are refused', () => {
  const c = new VmbusChannel('12345678-9abc-def0-1234-56789abcdef0');
  assert.equal(c.open(4096, 16384), false);
  assert.equal(c.open(16384, 10000), false);
  assert.equal(c.state, 'offered');
});

test('channel: snapshot/restore keeps ring contents', () => {
  const c = new VmbusChannel('12345678-9abc-def0-1234-56789abcdef0');
  c.open(16384, 16384);
  c.guestToHost.tryWrite(encodePacket({ type: 6, flags: 1, transactionId: 1n, payload: new Uint8Array(8) }));
  const d = new VmbusChannel('12345678-9abc-def0-1234-56789abcdef0');
  d.restore(JSON.parse(JSON.stringify(c.snapshot())));
  assert.equal(d.state, 'open');
  assert.equal(d.guestToHost.pendingPackets, 1);
  assert.equal(d.guestToHost.read()!.length, 24);
});

test('ring: restore of a corrupt snapshot is clamped and never throws', () => {
  const r = new RingBuffer(64);
  r.restore({ capacity: 64, readIndex: 1000, writeIndex: -13, lengths: [500, 'x'], data: 'zz' });
  assert.ok(r.readOffset >= 0 && r.readOffset < 64 && r.readOffset % 8 === 0);
  assert.ok(r.writeOffset >= 0 && r.writeOffset < 64);
  assert.doesNotThrow(() => {
    r.peek();
    r.read();
    r.read();
    r.tryWrite(new Uint8Array(8));
  });
  r.restore(null);
  r.restore({ capacity: 128 }); // other capacity: ignored
});

test('ring: tryWrite(pkt, keep) leaves the last keep bytes as the ring held them and hands them back in pkt', () => {
  const r = new RingBuffer(64);
  assert.ok(r.tryWrite(pkt(24, 0x11)));
  r.read();
  // 24 bytes + 8 footer written at 0; the next 24-byte packet starts at 32; once read, the third lands at 0 again
  assert.ok(r.tryWrite(pkt(24, 0x22)));
  r.read();
  const p = pkt(24, 0x33);
  assert.ok(r.tryWrite(p, 4));
  assert.deepEqual([...p.subarray(20)], [0x11, 0x11, 0x11, 0x11]);
  assert.deepEqual([...r.read()!], [...pkt(20, 0x33), 0x11, 0x11, 0x11, 0x11]);
  assert.equal(r.used, 0);
});
