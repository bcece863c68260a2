import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePayload, summarizePacket, type FieldDesc } from '../../emulator/vpci/describe';
import * as G from '../../emulator/vpci/guest/messages';
import { MSG } from '../../emulator/vpci/protocol';
import { encodeMessage } from '../../emulator/vpci/wire';
import { encodePacket } from '../../emulator/vmbus/packet';
import { lay } from './layout';

const find = (fs: FieldDesc[], name: string) => fs.find((f) => f.name === name);

test('describe: version request names type and protocol_version with offsets and sizes', () => {
  const d = describePayload(G.queryProtocolVersion(0x10004, { reservedWord: 0 }), {});
  assert.equal(d.name, 'PCI_QUERY_PROTOCOL_VERSION');
  assert.equal(d.error, undefined);
  assert.deepEqual(
    d.fields.map((f) => [f.name, f.offset, f.size]),
    [
      ['type', 0, 4],
      ['protocol_version', 4, 4],
      ['reserved', 8, 4],
    ],
  );
  assert.equal(find(d.fields, 'protocol_version')!.text, '0x00010004 (1.4)');
  assert.match(find(d.fields, 'type')!.text, /PCI_QUERY_PROTOCOL_VERSION/);
});

test('describe: CREATE_INTERRUPT3 nests int_desc with absolute offsets and the processor array', () => {
  const d = describePayload(G.createInterrupt3(0, { vector: 0x40, deliveryMode: 0, vectorCount: 1, cpus: [2, 3] }), {});
  const desc = find(d.fields, 'int_desc')!;
  assert.equal(desc.offset, 8);
  assert.equal(desc.size, 74);
  assert.deepEqual(
    desc.children!.map((f) => [f.name, f.offset]),
    [
      ['vector', 8],
      ['delivery_mode', 12],
      ['reserved', 13],
      ['vector_count', 14],
      ['processor_count', 16],
      ['processor_array', 18],
    ],
  );
  const arr = find(desc.children!, 'processor_array')!;
  assert.deepEqual(
    arr.children!.map((f) => [f.offset, f.value]),
    [
      [18, 2],
      [20, 3],
    ],
  );
});

test('describe: every field of a 1-function BUS_RELATIONS2', () => {
  const b = encodeMessage({
    type: 'PCI_BUS_RELATIONS2',
    devices: [
      {
        vendorId: 0x10de,
        deviceId: 0x1e04,
        revision: 0xa1,
        progIf: 0,
        subclass: 0,
        baseClass: 3,
        subsystemId: 0,
        winSlot: 0,
        serialNumber: 5,
        flags: 1,
        virtualNumaNode: 0,
      },
    ],
  });
  const d = describePayload(b, {});
  const f = find(d.fields, 'func[0]')!;
  assert.deepEqual(
    f.children!.map((c) => c.name),
    ['v_id', 'd_id', 'rev', 'prog_intf', 'subclass', 'base_class', 'subsystem_id', 'win_slot', 'ser', 'flags', 'virtual_numa_node', 'reserved'],
  );
  assert.equal(
    f.children!.reduce((s, c) => s + c.size, 0),
    28,
  );
  assert.match(find(f.children!, 'flags')!.text, /NUMA_AFFINITY/);
});

test('describe: completions use the request layout; errors keep the fields read so far', () => {
  const c = describePayload(
    lay(28, [
      [0, 4, 0],
      [4, 4, 0xfffff00c],
    ]),
    { completionOf: MSG.PCI_QUERY_RESOURCE_REQUIREMENTS },
  );
  assert.equal(c.name, 'PCI_QUERY_RESOURCE_REQUIREMENTS completion');
  assert.equal(find(c.fields, 'status')!.text, 'SUCCESS');
  assert.equal(find(c.fields, 'probed_bar')!.children!.length, 6);
  const bad = describePayload(
    lay(28, [
      [0, 4, MSG.PCI_BUS_RELATIONS],
      [4, 4, 3],
    ]),
    {},
  );
  assert.equal(bad.error?.code, 'count-out-of-range');
  assert.equal(find(bad.fields, 'device_count')!.value, 3);
});

test('summarizePacket names a DEVICE_POWER_STATE outside D0-D3 by its number, not as D-1 or D4', () => {
  const pw = (state: number) =>
    encodePacket({ type: 6, flags: 0, transactionId: 1n, payload: encodeMessage({ type: 'PCI_POWER_STATE_CHANGE', wslot: 0, powerState: state }) });
  assert.match(summarizePacket(pw(4), 'toHost'), /power_state D3$/);
  assert.match(summarizePacket(pw(0), 'toHost'), /power_state 0 \(unspecified\)$/);
  assert.match(summarizePacket(pw(5), 'toHost'), /power_state 5 \(invalid\)$/);
  assert.equal(find(describePayload(encodeMessage({ type: 'PCI_POWER_STATE_CHANGE', wslot: 0, powerState: 5 })).fields, 'power_state')!.text, '5 (invalid)');
});

test('summarizePacket: one line for requests, completions and broken packets', () => {
  const req = encodePacket({ type: 6, flags: 1, transactionId: 3n, payload: G.queryProtocolVersion(0x10004) });
  assert.equal(summarizePacket(req, 'toHost'), 'G→H inband RC txid=0x3 QUERY_PROTOCOL_VERSION version 1.4');
  const comp = encodePacket({
    type: 11,
    flags: 0,
    transactionId: 3n,
    payload: lay(8, [
      [0, 4, 0xc0000059],
      [4, 4, 0x10003],
    ]),
  });
  assert.equal(
    summarizePacket(comp, 'toGuest', MSG.PCI_QUERY_PROTOCOL_VERSION),
    'H→G completion txid=0x3 QUERY_PROTOCOL_VERSION: REVISION_MISMATCH (0xC0000059) version 1.3',
  );
  assert.equal(summarizePacket(comp, 'toGuest'), 'H→G completion txid=0x3 status REVISION_MISMATCH (0xC0000059)');
  assert.match(summarizePacket(new Uint8Array(8), 'toHost'), /bad packet/);
  const unk = encodePacket({ type: 6, flags: 0, transactionId: 0n, payload: lay(8, [[0, 4, 0x4249001e]]) });
  assert.match(summarizePacket(unk, 'toHost'), /unknown-type/);
  const rel = encodePacket({
    type: 6,
    flags: 0,
    transactionId: 0n,
    payload: encodeMessage({
      type: 'PCI_BUS_RELATIONS',
      devices: [{ vendorId: 0x8086, deviceId: 0x10fb, revision: 1, progIf: 0, subclass: 0, baseClass: 2, subsystemId: 0, winSlot: 0, serialNumber: 7 }],
    }),
  });
  assert.equal(summarizePacket(rel, 'toGuest'), 'H→G inband txid=0x0 BUS_RELATIONS 1 device [00.0 8086:10fb ser 7]');
});

test('describe: every message type has a name and fields for its canonical form', () => {
  for (const [name, t] of Object.entries(MSG)) {
    const d = describePayload(lay(256, [[0, 4, t]]), {});
    assert.equal(d.name, name);
    assert.equal(d.error, undefined, name);
    assert.ok(d.fields.length >= 1);
  }
});

test('describePacket: descriptor fields, then payload fields at packet offsets', async () => {
  const { describePacket } = await import('../../emulator/vpci/describe');
  const pkt = encodePacket({ type: 6, flags: 1, transactionId: 42n, payload: G.queryResourceRequirements(0x20) });
  const d = describePacket(pkt);
  assert.equal(d.name, 'PCI_QUERY_RESOURCE_REQUIREMENTS');
  assert.deepEqual(
    d.fields.map((f) => [f.name, f.offset, f.size]),
    [
      ['type', 0, 2],
      ['header_length', 2, 2],
      ['total_length', 4, 2],
      ['flags', 6, 2],
      ['transaction_id', 8, 8],
      ['type', 16, 4],
      ['wslot', 20, 4],
    ],
  );
  assert.match(d.fields[3]!.text, /completion requested/);
  const comp = encodePacket({
    type: 11,
    flags: 0,
    transactionId: 42n,
    payload: lay(28, [
      [0, 4, 0],
      [4, 4, 0xfffff000],
    ]),
  });
  const c = describePacket(comp, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS);
  assert.equal(find(c.fields, 'probed_bar')!.offset, 20);
  assert.equal(find(c.fields, 'probed_bar')!.children![0]!.offset, 20);
  const bare = describePacket(comp);
  assert.equal(bare.name, 'completion');
  assert.equal(find(bare.fields, 'status')!.offset, 16);
  const broken = describePacket(new Uint8Array(10));
  assert.equal(broken.error?.code, 'too-short');
  // A bad descriptor length is reported at its own field: header_length at +2, total_length at +4.
  const badHeader = pkt.slice();
  badHeader[2] = 1;
  assert.deepEqual([describePacket(badHeader).error?.code, describePacket(badHeader).error?.offset], ['bad-field', 2]);
  const badTotal = pkt.slice();
  badTotal[4] = 0xff;
  assert.deepEqual([describePacket(badTotal).error?.code, describePacket(badTotal).error?.offset], ['bad-field', 4]);
  const badRel = describePacket(
    encodePacket({
      type: 6,
      flags: 0,
      transactionId: 0n,
      payload: lay(8, [
        [0, 4, MSG.PCI_BUS_RELATIONS],
        [4, 4, 5],
      ]),
    }),
  );
  assert.deepEqual([badRel.error?.code, badRel.error?.offset], ['count-out-of-range', 20]);
});
