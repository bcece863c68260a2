// Golden vectors: each message laid out by hand from protocol.md §2.5 offsets, decoded
// to the expected value, and the expected value encoded back to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, type VpciMessage } from '../../emulator/vpci/wire';
import { lay, cat, type Field } from './layout';

const T = (i: number) => 0x42490000 + i;
const R0 = { type: 0, shareDisposition: 0, flags: 0, start: 0n, length: 0, reserved: 0 };
const zeroRanges = () => Array.from({ length: 6 }, () => ({ ...R0 }));

const fd1Fields = (o: number): Field[] => [
  [o, 2, 0x15b3],
  [o + 2, 2, 0x1019],
  [o + 4, 1, 0x02],
  [o + 5, 1, 0x01],
  [o + 6, 1, 0x07],
  [o + 7, 1, 0x02],
  [o + 8, 4, 0x008115b3],
  [o + 12, 4, 0x20],
  [o + 16, 4, 0xdeadbeef],
];
const fd1 = {
  vendorId: 0x15b3,
  deviceId: 0x1019,
  revision: 2,
  progIf: 1,
  subclass: 7,
  baseClass: 2,
  subsystemId: 0x008115b3,
  winSlot: 0x20,
  serialNumber: 0xdeadbeef,
};

const cases: { name: string; bytes: Uint8Array; value: VpciMessage }[] = [
  { name: 'BUS_RELATIONS, 1 function', bytes: lay(28, [[0, 4, T(0)], [4, 4, 1], ...fd1Fields(8)]), value: { type: 'PCI_BUS_RELATIONS', devices: [fd1] } },
  { name: 'BUS_RELATIONS, 0 functions', bytes: lay(8, [[0, 4, T(0)]]), value: { type: 'PCI_BUS_RELATIONS', devices: [] } },
  {
    name: 'BUS_RELATIONS2, 2 functions with NUMA',
    bytes: lay(8 + 56, [[0, 4, T(0x19)], [4, 4, 2], ...fd1Fields(8), [28, 4, 1], [32, 2, 3], ...fd1Fields(36), [56, 4, 0], [60, 2, 0]]),
    value: {
      type: 'PCI_BUS_RELATIONS2',
      devices: [
        { ...fd1, flags: 1, virtualNumaNode: 3, reserved: 0 },
        { ...fd1, flags: 0, virtualNumaNode: 0, reserved: 0 },
      ],
    },
  },
  { name: 'QUERY_BUS_RELATIONS', bytes: lay(4, [[0, 4, T(1)]]), value: { type: 'PCI_QUERY_BUS_RELATIONS' } },
  {
    name: 'INVALIDATE_DEVICE (opaque)',
    bytes: lay(8, [
      [0, 4, T(2)],
      [4, 4, 0x12345678],
    ]),
    value: { type: 'PCI_INVALIDATE_DEVICE', body: new Uint8Array([0x78, 0x56, 0x34, 0x12]) },
  },
  { name: 'INVALIDATE_BUS (opaque)', bytes: lay(4, [[0, 4, T(3)]]), value: { type: 'PCI_INVALIDATE_BUS', body: new Uint8Array(0) } },
  {
    name: 'POWER_STATE_CHANGE OpenVMM 12 bytes',
    bytes: lay(12, [
      [0, 4, T(4)],
      [4, 4, 0],
      [8, 4, 4],
    ]),
    value: { type: 'PCI_POWER_STATE_CHANGE', wslot: 0, powerState: 4 },
  },
  {
    name: 'POWER_STATE_CHANGE Linux 16 bytes',
    bytes: lay(16, [
      [0, 4, T(4)],
      [4, 4, 1],
      [8, 4, 1],
      [12, 4, 0],
    ]),
    value: { type: 'PCI_POWER_STATE_CHANGE', wslot: 1, powerState: 1, reserved: 0 },
  },
  {
    name: 'QUERY_RESOURCE_REQUIREMENTS',
    bytes: lay(8, [
      [0, 4, T(5)],
      [4, 4, 0x21],
    ]),
    value: { type: 'PCI_QUERY_RESOURCE_REQUIREMENTS', wslot: 0x21 },
  },
  {
    name: 'QUERY_RESOURCE_RESOURCES (GET_RESOURCES)',
    bytes: lay(32, [
      [0, 4, T(6)],
      [4, 4, 0],
      [8, 8, 1n],
      [24, 8, 3n],
    ]),
    value: { type: 'PCI_QUERY_RESOURCE_RESOURCES', wslot: 0, reserved: [1n, 0n, 3n] },
  },
  {
    name: 'BUS_D0ENTRY',
    bytes: lay(16, [
      [0, 4, T(7)],
      [8, 8, 0x1_4000_0000n],
    ]),
    value: { type: 'PCI_BUS_D0ENTRY', reserved: 0, mmioBase: 0x1_4000_0000n },
  },
  { name: 'BUS_D0EXIT', bytes: lay(4, [[0, 4, T(8)]]), value: { type: 'PCI_BUS_D0EXIT' } },
  {
    name: 'READ_BLOCK',
    bytes: lay(16, [
      [0, 4, T(9)],
      [4, 4, 3],
      [8, 4, 0x20],
      [12, 4, 128],
    ]),
    value: { type: 'PCI_READ_BLOCK', blockId: 3, wslot: 0x20, bytesRequested: 128 },
  },
  {
    name: 'WRITE_BLOCK 5 bytes',
    bytes: cat(
      lay(16, [
        [0, 4, T(10)],
        [4, 4, 1],
        [8, 4, 0],
        [12, 4, 5],
      ]),
      new Uint8Array([1, 2, 3, 4, 5]),
    ),
    value: { type: 'PCI_WRITE_BLOCK', blockId: 1, wslot: 0, bytes: new Uint8Array([1, 2, 3, 4, 5]) },
  },
  {
    name: 'EJECT',
    bytes: lay(8, [
      [0, 4, T(11)],
      [4, 4, 0],
    ]),
    value: { type: 'PCI_EJECT', wslot: 0 },
  },
  { name: 'QUERY_STOP (opaque)', bytes: lay(4, [[0, 4, T(12)]]), value: { type: 'PCI_QUERY_STOP', body: new Uint8Array(0) } },
  { name: 'REENABLE (opaque)', bytes: lay(4, [[0, 4, T(13)]]), value: { type: 'PCI_REENABLE', body: new Uint8Array(0) } },
  { name: 'QUERY_STOP_FAILED (opaque)', bytes: lay(4, [[0, 4, T(14)]]), value: { type: 'PCI_QUERY_STOP_FAILED', body: new Uint8Array(0) } },
  {
    name: 'EJECTION_COMPLETE Linux 12 bytes',
    bytes: lay(12, [
      [0, 4, T(15)],
      [4, 4, 0],
      [8, 4, 0],
    ]),
    value: { type: 'PCI_EJECTION_COMPLETE', wslot: 0, status: 0 },
  },
  {
    name: 'EJECTION_COMPLETE OpenVMM 8 bytes',
    bytes: lay(8, [
      [0, 4, T(15)],
      [4, 4, 0],
    ]),
    value: { type: 'PCI_EJECTION_COMPLETE', wslot: 0 },
  },
  {
    name: 'RESOURCES_ASSIGNED v1 with a BAR and one MSI',
    bytes: lay(136 + 16, [
      [0, 4, T(16)],
      [4, 4, 0],
      [8, 1, 3],
      [9, 1, 1],
      [10, 2, 0],
      [12, 8, 0xf800_0000n],
      [20, 4, 0x4000],
      [28, 1, 7],
      [30, 2, 0x200],
      [32, 8, 0x20_0000_0000n],
      [40, 4, 0x10000],
      [128, 4, 1],
      [132, 4, 0],
      [136, 1, 0x41],
      [137, 1, 0],
      [138, 2, 1],
      [144, 8, 1n],
    ]),
    value: {
      type: 'PCI_RESOURCES_ASSIGNED',
      wslot: 0,
      reserved: 0,
      tail: new Uint8Array(0),
      memoryRange: [
        { type: 3, shareDisposition: 1, flags: 0, start: 0xf800_0000n, length: 0x4000, reserved: 0 },
        { type: 7, shareDisposition: 0, flags: 0x200, start: 0x20_0000_0000n, length: 0x10000, reserved: 0 },
        ...Array.from({ length: 4 }, () => ({ ...R0 })),
      ],
      msiDescriptors: [{ vector: 0x41, deliveryMode: 0, vectorCount: 1, reserved: 0, cpuMask: 1n }],
    },
  },
  {
    name: 'RESOURCES_ASSIGNED v1 as Linux sends it (148 bytes, zeros)',
    bytes: lay(148, [
      [0, 4, T(16)],
      [4, 4, 0x20],
    ]),
    value: { type: 'PCI_RESOURCES_ASSIGNED', wslot: 0x20, reserved: 0, memoryRange: zeroRanges(), msiDescriptors: [], tail: new Uint8Array(12) },
  },
  {
    name: 'RESOURCES_ASSIGNED2 with one v2 MSI in a 72-byte slot',
    bytes: lay(136 + 72, [
      [0, 4, T(0x16)],
      [4, 4, 0],
      [128, 4, 1],
      [136, 1, 0x30],
      [137, 1, 1],
      [138, 2, 4],
      [140, 2, 2],
      [142, 2, 5],
      [144, 2, 7],
    ]),
    value: {
      type: 'PCI_RESOURCES_ASSIGNED2',
      wslot: 0,
      reserved: 0,
      memoryRange: zeroRanges(),
      tail: new Uint8Array(0),
      msiDescriptors: [{ vector: 0x30, deliveryMode: 1, vectorCount: 4, processorArray: [5, 7] }],
    },
  },
  {
    name: 'RESOURCES_ASSIGNED3 with one v3 MSI in an 80-byte slot',
    bytes: lay(136 + 80, [
      [0, 4, T(0x1a)],
      [128, 4, 1],
      [136, 4, 0x2345],
      [140, 1, 0],
      [142, 2, 2],
      [144, 2, 1],
      [146, 2, 63],
    ]),
    value: {
      type: 'PCI_RESOURCES_ASSIGNED3',
      wslot: 0,
      reserved: 0,
      memoryRange: zeroRanges(),
      tail: new Uint8Array(0),
      msiDescriptors: [{ vector: 0x2345, deliveryMode: 0, reserved: 0, vectorCount: 2, processorArray: [63] }],
    },
  },
  {
    name: 'RESOURCES_RELEASED',
    bytes: lay(8, [
      [0, 4, T(0x11)],
      [4, 4, 0xff],
    ]),
    value: { type: 'PCI_RESOURCES_RELEASED', wslot: 0xff },
  },
  {
    name: 'INVALIDATE_BLOCK',
    bytes: lay(16, [
      [0, 4, T(0x12)],
      [4, 4, 0],
      [8, 8, 0x8000_0000_0000_0001n],
    ]),
    value: { type: 'PCI_INVALIDATE_BLOCK', wslot: 0, blockMask: 0x8000_0000_0000_0001n },
  },
  {
    name: 'QUERY_PROTOCOL_VERSION Linux 8 bytes',
    bytes: lay(8, [
      [0, 4, T(0x13)],
      [4, 4, 0x10004],
    ]),
    value: { type: 'PCI_QUERY_PROTOCOL_VERSION', version: 0x10004 },
  },
  {
    name: 'QUERY_PROTOCOL_VERSION FreeBSD 12 bytes',
    bytes: lay(12, [
      [0, 4, T(0x13)],
      [4, 4, 0x10001],
      [8, 4, 1],
    ]),
    value: { type: 'PCI_QUERY_PROTOCOL_VERSION', version: 0x10001, reserved: 1 },
  },
  {
    name: 'CREATE_INTERRUPT_MESSAGE v1',
    bytes: lay(24, [
      [0, 4, T(0x14)],
      [4, 4, 0],
      [8, 1, 0xef],
      [9, 1, 1],
      [10, 2, 8],
      [12, 4, 0],
      [16, 8, 0xffff_ffff_ffff_ffffn],
    ]),
    value: {
      type: 'PCI_CREATE_INTERRUPT_MESSAGE',
      wslot: 0,
      intDesc: { vector: 0xef, deliveryMode: 1, vectorCount: 8, reserved: 0, cpuMask: 0xffff_ffff_ffff_ffffn },
    },
  },
  {
    name: 'DELETE_INTERRUPT_MESSAGE',
    bytes: lay(24, [
      [0, 4, T(0x15)],
      [4, 4, 0],
      [8, 2, 0],
      [10, 2, 1],
      [12, 4, 0x4021],
      [16, 8, 0xfee0_0004n],
    ]),
    value: { type: 'PCI_DELETE_INTERRUPT_MESSAGE', wslot: 0, intDesc: { reserved: 0, vectorCount: 1, data: 0x4021, address: 0xfee0_0004n } },
  },
  {
    name: 'CREATE_INTERRUPT_MESSAGE2 (78 bytes)',
    bytes: lay(78, [
      [0, 4, T(0x17)],
      [4, 4, 0],
      [8, 1, 0x13],
      [9, 1, 0],
      [10, 2, 1],
      [12, 2, 1],
      [14, 2, 1],
    ]),
    value: { type: 'PCI_CREATE_INTERRUPT_MESSAGE2', wslot: 0, intDesc: { vector: 0x13, deliveryMode: 0, vectorCount: 1, processorArray: [1] } },
  },
  {
    name: 'DELETE_INTERRUPT_MESSAGE2',
    bytes: lay(24, [
      [0, 4, T(0x18)],
      [10, 2, 2],
      [12, 4, 1],
      [16, 8, 0xfee0_0000n],
    ]),
    value: { type: 'PCI_DELETE_INTERRUPT_MESSAGE2', wslot: 0, intDesc: { reserved: 0, vectorCount: 2, data: 1, address: 0xfee0_0000n } },
  },
  {
    name: 'CREATE_INTERRUPT_MESSAGE3 (82 bytes, 32 CPUs)',
    bytes: lay(82, [
      [0, 4, T(0x1b)],
      [4, 4, 0],
      [8, 4, 0x2000],
      [12, 1, 1],
      [13, 1, 0],
      [14, 2, 32],
      [16, 2, 32],
      ...Array.from({ length: 32 }, (_, i): Field => [18 + 2 * i, 2, i * 3]),
    ]),
    value: {
      type: 'PCI_CREATE_INTERRUPT_MESSAGE3',
      wslot: 0,
      intDesc: { vector: 0x2000, deliveryMode: 1, reserved: 0, vectorCount: 32, processorArray: Array.from({ length: 32 }, (_, i) => i * 3) },
    },
  },
  {
    name: 'RESET_DEVICE',
    bytes: lay(8, [
      [0, 4, T(0x1c)],
      [4, 4, 0],
    ]),
    value: { type: 'PCI_RESET_DEVICE', wslot: 0 },
  },
  {
    name: 'TDISP_COMMAND 3 bytes',
    bytes: cat(
      lay(16, [
        [0, 4, T(0x1d)],
        [4, 4, 0],
        [8, 8, 3n],
      ]),
      new Uint8Array([9, 8, 7]),
    ),
    value: { type: 'PCI_TDISP_COMMAND', wslot: 0, data: new Uint8Array([9, 8, 7]) },
  },
];

for (const c of cases) {
  test(`wire golden: ${c.name} decodes to the expected fields`, () => {
    const d = decodeMessage(c.bytes);
    assert.ok(d.ok, d.ok ? '' : `${d.error.code}: ${d.error.message}`);
    assert.deepEqual(d.value, c.value);
  });
  test(`wire golden: ${c.name} encodes to the hand-laid bytes`, () => {
    assert.deepEqual([...encodeMessage(c.value)], [...c.bytes]);
  });
}

test('wire golden: every message type 0x42490000..0x4249001D has a golden case', () => {
  const seen = new Set(cases.map((c) => new DataView(c.bytes.buffer).getUint32(0, true)));
  for (let i = 0; i <= 0x1d; i++) assert.ok(seen.has(T(i)), `type 0x${T(i).toString(16)}`);
});

test('wire: padded payloads (VMBus 8-byte padding) still decode', () => {
  const ci2 = cat(cases.find((c) => c.name.startsWith('CREATE_INTERRUPT_MESSAGE2'))!.bytes, new Uint8Array(2));
  const d = decodeMessage(ci2);
  assert.ok(d.ok && d.value.type === 'PCI_CREATE_INTERRUPT_MESSAGE2');
  const qbr = decodeMessage(lay(8, [[0, 4, T(1)]]));
  assert.ok(qbr.ok && qbr.value.type === 'PCI_QUERY_BUS_RELATIONS');
});

test('wire: WRITE_BLOCK as Linux sends it (hv_write_config_block): 16 + byte_count + 4 zero bytes; the decoder reads byte_count bytes', () => {
  const m = { type: 'PCI_WRITE_BLOCK', blockId: 1, wslot: 0, bytes: new Uint8Array([1, 2, 3, 4, 5]) } as const;
  assert.equal(encodeMessage(m).length, 21);
  const lx = encodeMessage({ ...m, linuxReserved: true });
  assert.equal(lx.length, 25);
  assert.deepEqual([...lx.subarray(21)], [0, 0, 0, 0]);
  const d = decodeMessage(lx);
  assert.ok(d.ok);
  assert.deepEqual(d.ok && d.value.type === 'PCI_WRITE_BLOCK' ? [...d.value.bytes] : [], [1, 2, 3, 4, 5]);
});
