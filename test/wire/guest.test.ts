// Every request builder in emulator/vpci/guest/messages.ts decodes to the fields it was built from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../../emulator/vpci/guest/messages';
import { decodeMessage, type VpciMessage } from '../../emulator/vpci/wire';
import { encodePacket, decodePacket } from '../../emulator/vmbus/packet';

function dec(b: Uint8Array): VpciMessage {
  const d = decodeMessage(b);
  assert.ok(d.ok, d.ok ? '' : `${d.error.code}: ${d.error.message}`);
  // and after a trip through a VMBus packet (payload padded to 8 bytes)
  const p = decodePacket(encodePacket({ type: 6, flags: 1, transactionId: 1n, payload: b }));
  assert.ok(p.ok);
  const padded = decodeMessage(p.payload);
  assert.ok(padded.ok, 'padded payload decodes');
  assert.equal(padded.value.type, d.value.type);
  return d.value;
}

test('guest builders: queryProtocolVersion Linux (8 bytes) and FreeBSD (12 bytes)', () => {
  assert.deepEqual(dec(G.queryProtocolVersion(0x10004)), { type: 'PCI_QUERY_PROTOCOL_VERSION', version: 0x10004 });
  assert.deepEqual(dec(G.queryProtocolVersion(0x10001, { reservedWord: 1 })), { type: 'PCI_QUERY_PROTOCOL_VERSION', version: 0x10001, reserved: 1 });
});

test('guest builders: type-only and win_slot-only messages', () => {
  assert.deepEqual(dec(G.queryBusRelations()), { type: 'PCI_QUERY_BUS_RELATIONS' });
  assert.deepEqual(dec(G.d0Exit()), { type: 'PCI_BUS_D0EXIT' });
  assert.deepEqual(dec(G.d0Entry(0xfe000000)), { type: 'PCI_BUS_D0ENTRY', reserved: 0, mmioBase: 0xfe000000n });
  assert.deepEqual(dec(G.queryResourceRequirements(0x20)), { type: 'PCI_QUERY_RESOURCE_REQUIREMENTS', wslot: 0x20 });
  assert.deepEqual(dec(G.resourcesReleased(3)), { type: 'PCI_RESOURCES_RELEASED', wslot: 3 });
  assert.deepEqual(dec(G.ejectionComplete(0)), { type: 'PCI_EJECTION_COMPLETE', wslot: 0, status: 0 });
});

test('guest builders: 148-byte RESOURCES_ASSIGNED and 202-byte RESOURCES_ASSIGNED2, all zero', () => {
  const a = dec(G.resourcesAssigned(0x21));
  assert.equal(a.type, 'PCI_RESOURCES_ASSIGNED');
  if (a.type === 'PCI_RESOURCES_ASSIGNED') {
    assert.equal(a.wslot, 0x21);
    assert.equal(a.msiDescriptors.length, 0);
    assert.ok(a.memoryRange.every((r) => r.type === 0 && r.start === 0n && r.length === 0));
    assert.equal(a.tail?.length, 148 - 136);
  }
  const b = dec(G.resourcesAssigned2(0));
  assert.equal(b.type, 'PCI_RESOURCES_ASSIGNED2');
  if (b.type === 'PCI_RESOURCES_ASSIGNED2') {
    assert.equal(b.msiDescriptors.length, 0);
    assert.equal(b.tail?.length, 202 - 136);
  }
});

test('guest builders: CREATE_INTERRUPT v1/v2/v3', () => {
  assert.deepEqual(dec(G.createInterrupt(0, { vector: 0x31, deliveryMode: 1, vectorCount: 4, cpuMask: 0xffffffffffffffffn })), {
    type: 'PCI_CREATE_INTERRUPT_MESSAGE',
    wslot: 0,
    intDesc: { vector: 0x31, deliveryMode: 1, vectorCount: 4, reserved: 0, cpuMask: 0xffffffffffffffffn },
  });
  assert.deepEqual(dec(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 1, cpus: [1] })), {
    type: 'PCI_CREATE_INTERRUPT_MESSAGE2',
    wslot: 0,
    intDesc: { vector: 0x13, deliveryMode: 0, vectorCount: 1, processorArray: [1] },
  });
  assert.deepEqual(dec(G.createInterrupt3(1, { vector: 0x2040, deliveryMode: 0, vectorCount: 2, cpus: [0, 2, 65] })), {
    type: 'PCI_CREATE_INTERRUPT_MESSAGE3',
    wslot: 1,
    intDesc: { vector: 0x2040, deliveryMode: 0, reserved: 0, vectorCount: 2, processorArray: [0, 2, 65] },
  });
});

test('guest builders: DELETE_INTERRUPT carries the tran_int_desc back', () => {
  assert.deepEqual(dec(G.deleteInterrupt(0, { vector_count: 1, data: 0x21, address: 0xfee00004 })), {
    type: 'PCI_DELETE_INTERRUPT_MESSAGE',
    wslot: 0,
    intDesc: { reserved: 0, vectorCount: 1, data: 0x21, address: 0xfee00004n },
  });
});
