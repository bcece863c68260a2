// Host side of relations updates (protocol.md §7.1 (c)): addFunction / removeFunction
// send the complete current set as BUS_RELATIONS (v1) or BUS_RELATIONS2 (v2) per the
// negotiated version once the bus is past negotiation, and only change the set before.
// A removed function answers config reads with all-ones and per-device messages with InvalidSlot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../../emulator/vpci/guest/messages';
import { FakeFunction } from './fake-function';
import { harness, payload, u32, hex, defaultFunction } from './helpers';

const BAD_DATA = 0xc000090b;

function second(): FakeFunction {
  return new FakeFunction({ vendor: 0x8086, device: 0x10ed, revision: 0x01, classCode: 0x020000, subsystem: 0x7b11_8086 }, [
    { index: 0, size: 0x4000, is64: true },
  ]);
}

test('addFunction after negotiation sends BUS_RELATIONS v1 with both functions (1.1): exact bytes', () => {
  const h = harness('hyperv-2016');
  h.send(G.queryProtocolVersion(0x10001));
  h.sent.length = 0;
  assert.equal(h.host.addFunction({ wslot: 1, fn: second() as never, serial: 7 }), true);
  assert.equal(h.sent.length, 1);
  const p = payload(h.sent[0]!.pkt);
  assert.equal(
    hex(p),
    '00 00 49 42 02 00 00 00 ' +
      // 0.0: 15b3:101e rev 01, class 02 00 00, subsystem 0x006115b3, wslot 0, serial 0x1234
      'b3 15 1e 10 01 00 00 02 b3 15 61 00 00 00 00 00 34 12 00 00 ' +
      // 1.0: 8086:10ed rev 01, subsystem 0x7b118086, wslot 1, serial 7
      '86 80 ed 10 01 00 00 02 86 80 11 7b 01 00 00 00 07 00 00 00',
  );
  assert.deepEqual(h.errors(), []);
});

test('addFunction/removeFunction at 1.4 send BUS_RELATIONS2 listing the complete current set', () => {
  const h = harness('hyperv-2022');
  h.send(G.queryProtocolVersion(0x10004));
  h.sent.length = 0;
  h.host.addFunction({ wslot: 1, fn: second() as never, serial: 7, numaNode: 1 });
  const a = payload(h.sent[0]!.pkt);
  assert.equal(u32(a, 0), 0x42490019);
  assert.equal(u32(a, 4), 2);
  assert.deepEqual([u32(a, 8 + 12), u32(a, 8 + 28 + 12)], [0, 1]);
  assert.equal(u32(a, 8 + 28 + 16), 7);
  assert.equal(a[8 + 28 + 24]! | (a[8 + 28 + 25]! << 8), 1, 'virtual NUMA node of the new function');
  h.sent.length = 0;
  assert.equal(h.host.removeFunction(0), true);
  const r = payload(h.sent[0]!.pkt);
  assert.equal(u32(r, 0), 0x42490019);
  assert.equal(u32(r, 4), 1);
  assert.equal(u32(r, 8 + 12), 1, 'only 1.0 remains');
  assert.deepEqual(h.host.checkInvariants(), []);
});

test('before negotiation only the set changes; the first QUERY_BUS_RELATIONS reports it', () => {
  const h = harness('hyperv-2016');
  h.host.addFunction({ wslot: 1, fn: second() as never, serial: 7 });
  assert.equal(h.sent.length, 0);
  h.send(G.queryProtocolVersion(0x10001));
  const [rel] = h.send(G.queryBusRelations(), { rc: false });
  assert.equal(u32(payload(rel!.pkt), 4), 2);
});

test('a removed function answers config with all-ones and per-device messages with InvalidSlot; its interrupts go', () => {
  const h = harness('hyperv-2016', {
    functions: [
      { wslot: 0, fn: defaultFunction(), serial: 1 },
      { wslot: 1, fn: second(), serial: 2 },
    ],
  });
  h.send(G.queryProtocolVersion(0x10001));
  h.send(G.d0Entry(0xf8000000));
  h.host.slotRegister = 1;
  assert.equal(h.host.mmioRead(0x1000, 4).value >>> 0, 0x10ed8086, 'present: answers its IDs');
  h.send(G.resourcesAssigned(1));
  const [c] = h.send(G.createInterrupt(1, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpuMask: 1n }));
  const addr = Number(BigInt(u32(payload(c!.pkt), 16)) | (BigInt(u32(payload(c!.pkt), 20)) << 32n));
  const data = u32(payload(c!.pkt), 12);
  assert.equal(h.remapper.entriesFor(0, 1).length, 1);
  h.sent.length = 0;
  h.host.removeFunction(1);
  assert.equal(u32(payload(h.sent[0]!.pkt), 4), 1, 'relations with one function');
  assert.equal(h.remapper.entriesFor(0, 1).length, 0, 'its interrupts are released');
  h.host.slotRegister = 1;
  assert.equal(h.host.mmioRead(0x1000, 4).value >>> 0, 0xffffffff);
  h.host.slotRegister = 0;
  assert.equal(h.host.mmioRead(0x1000, 4).value >>> 0, 0x101e15b3, '0.0 still answers');
  const [q] = h.send(G.queryResourceRequirements(1));
  assert.equal(u32(payload(q!.pkt), 0), BAD_DATA);
  assert.ok(h.errors().some((e) => /InvalidSlot: no function at win_slot 0x1/.test(e)));
  // The guest tidying up its saved mapping afterwards is not an error (FreeBSD hv_pci_delete_device).
  const before = h.errors().length;
  const [d] = h.send(G.deleteInterrupt(1, { vector_count: 1, data, address: addr }));
  assert.equal(u32(payload(d!.pkt), 0), 0);
  assert.equal(h.errors().length, before);
  // Plugging again at the same slot brings it back.
  h.sent.length = 0;
  assert.equal(h.host.addFunction({ wslot: 1, fn: second() as never, serial: 3 }), true);
  assert.equal(u32(payload(h.sent[0]!.pkt), 4), 2);
  h.host.slotRegister = 1;
  assert.equal(h.host.mmioRead(0x1000, 4).value >>> 0, 0x10ed8086);
  assert.deepEqual(h.host.checkInvariants(), []);
});

test('adding at an occupied slot or removing an absent one is refused with an error and sends nothing', () => {
  const h = harness('hyperv-2016');
  h.send(G.queryProtocolVersion(0x10001));
  h.sent.length = 0;
  assert.equal(h.host.addFunction({ wslot: 0, fn: second() as never, serial: 7 }), false);
  assert.equal(h.host.removeFunction(5), false);
  assert.equal(h.sent.length, 0);
  assert.equal(h.errors().length, 2);
});
