// Completion golden vectors laid out by hand from protocol.md §2.4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCompletion, encodeCompletion, type VpciCompletion } from '../../emulator/vpci/wire';
import { MSG, STATUS } from '../../emulator/vpci/protocol';
import { lay, cat } from './layout';

const R0 = { type: 0, shareDisposition: 0, flags: 0, start: 0n, length: 0, reserved: 0 };

const cases: { name: string; req: number; bytes: Uint8Array; value: VpciCompletion }[] = [
  {
    name: 'QUERY_PROTOCOL_VERSION: SUCCESS + VB',
    req: MSG.PCI_QUERY_PROTOCOL_VERSION,
    bytes: lay(8, [
      [0, 4, 0],
      [4, 4, 0x10003],
    ]),
    value: { kind: 'version', status: 0, version: 0x10003 },
  },
  {
    name: 'QUERY_PROTOCOL_VERSION: REVISION_MISMATCH carrying VB',
    req: MSG.PCI_QUERY_PROTOCOL_VERSION,
    bytes: lay(8, [
      [0, 4, 0xc0000059],
      [4, 4, 0x10003],
    ]),
    value: { kind: 'version', status: STATUS.REVISION_MISMATCH, version: 0x10003 },
  },
  {
    name: 'QUERY_RESOURCE_REQUIREMENTS: 4 KiB 64-bit prefetchable BAR0',
    req: MSG.PCI_QUERY_RESOURCE_REQUIREMENTS,
    bytes: lay(28, [
      [0, 4, 0],
      [4, 4, 0xfffff00c],
      [8, 4, 0xffffffff],
    ]),
    value: { kind: 'resourceRequirements', status: 0, probedBar: [0xfffff00c, 0xffffffff, 0, 0, 0, 0] },
  },
  { name: 'BUS_D0ENTRY: status', req: MSG.PCI_BUS_D0ENTRY, bytes: lay(4, [[0, 4, 0]]), value: { kind: 'status', status: 0 } },
  {
    name: 'RESET_DEVICE: NOT_SUPPORTED',
    req: MSG.PCI_RESET_DEVICE,
    bytes: lay(4, [[0, 4, 0xc00000bb]]),
    value: { kind: 'status', status: STATUS.NOT_SUPPORTED },
  },
  {
    name: 'CREATE_INTERRUPT2: remapped address/data',
    req: MSG.PCI_CREATE_INTERRUPT_MESSAGE2,
    bytes: lay(24, [
      [0, 4, 0],
      [4, 4, 0],
      [8, 2, 0],
      [10, 2, 1],
      [12, 4, 0],
      [16, 8, 0xfee0_0000n],
    ]),
    value: { kind: 'createInterrupt', status: 0, reserved: 0, intDesc: { reserved: 0, vectorCount: 1, data: 0, address: 0xfee0_0000n } },
  },
  {
    name: 'RESOURCES_ASSIGNED v1 reply with 1 MSI (16-byte entries)',
    req: MSG.PCI_RESOURCES_ASSIGNED,
    bytes: lay(152, [
      [0, 4, 0],
      [4, 4, 0],
      [8, 1, 3],
      [12, 8, 0xf800_0000n],
      [20, 4, 0x1000],
      [128, 4, 1],
      [138, 2, 1],
      [140, 4, 5],
      [144, 8, 0xfee0_0008n],
    ]),
    value: {
      kind: 'resourcesAssigned',
      status: 0,
      wslot: 0,
      msiResourceCount: 1,
      reserved: 0,
      memoryRange: [
        { type: 3, shareDisposition: 0, flags: 0, start: 0xf800_0000n, length: 0x1000, reserved: 0 },
        ...Array.from({ length: 5 }, () => ({ ...R0 })),
      ],
      msiResources: [{ reserved: 0, vectorCount: 1, data: 5, address: 0xfee0_0008n }],
    },
  },
  {
    name: 'RESOURCES_ASSIGNED3 reply uses 72-byte entries',
    req: MSG.PCI_RESOURCES_ASSIGNED3,
    bytes: lay(136 + 144, [
      [128, 4, 2],
      [138, 2, 1],
      [144, 8, 0xfee0_0000n],
      [136 + 72 + 2, 2, 1],
      [136 + 72 + 8, 8, 0xfee0_0004n],
    ]),
    value: {
      kind: 'resourcesAssigned',
      status: 0,
      wslot: 0,
      msiResourceCount: 2,
      reserved: 0,
      memoryRange: Array.from({ length: 6 }, () => ({ ...R0 })),
      msiResources: [
        { reserved: 0, vectorCount: 1, data: 0, address: 0xfee0_0000n },
        { reserved: 0, vectorCount: 1, data: 0, address: 0xfee0_0004n },
      ],
    },
  },
  {
    name: 'QUERY_RESOURCE_RESOURCES: 128-byte list without status',
    req: MSG.PCI_QUERY_RESOURCE_RESOURCES,
    bytes: lay(128, [
      [0, 2, 1],
      [2, 2, 1],
      [4, 4, 6],
      [8, 1, 3],
      [12, 8, 0x4000n],
      [20, 4, 0x2000],
    ]),
    value: {
      kind: 'resourceList',
      version: 1,
      revision: 1,
      resources: [{ type: 3, shareDisposition: 0, flags: 0, start: 0x4000n, length: 0x2000, reserved: 0 }, ...Array.from({ length: 5 }, () => ({ ...R0 }))],
    },
  },
  {
    name: 'POWER_STATE_CHANGE: Linux pci_set_power_response',
    req: MSG.PCI_POWER_STATE_CHANGE,
    bytes: lay(16, [
      [0, 4, 0],
      [4, 4, 0],
      [8, 4, 1],
    ]),
    value: { kind: 'powerState', status: 0, wslot: 0, resultantState: 1, reserved: 0 },
  },
  {
    name: 'READ_BLOCK: status + 3 bytes',
    req: MSG.PCI_READ_BLOCK,
    bytes: cat(lay(4, [[0, 4, 0]]), new Uint8Array([1, 2, 3])),
    value: { kind: 'readBlock', status: 0, bytes: new Uint8Array([1, 2, 3]) },
  },
  {
    name: 'TDISP: status, slot, length, data',
    req: MSG.PCI_TDISP_COMMAND,
    bytes: cat(
      lay(16, [
        [0, 4, 0],
        [4, 4, 0],
        [8, 8, 2n],
      ]),
      new Uint8Array([0xaa, 0xbb]),
    ),
    value: { kind: 'tdisp', status: 0, wslot: 0, data: new Uint8Array([0xaa, 0xbb]) },
  },
  { name: 'QUERY_BUS_RELATIONS: OpenVMM empty completion', req: MSG.PCI_QUERY_BUS_RELATIONS, bytes: new Uint8Array(0), value: { kind: 'empty' } },
];

for (const c of cases) {
  test(`completion golden: ${c.name} decodes`, () => {
    const d = decodeCompletion(c.req, c.bytes);
    assert.ok(d.ok, d.ok ? '' : `${d.error.code}: ${d.error.message}`);
    assert.deepEqual(d.value, c.value);
  });
  test(`completion golden: ${c.name} encodes`, () => {
    assert.deepEqual([...encodeCompletion(c.req, c.value)], [...c.bytes]);
  });
}

test('completion: a bare failure status decodes as status for any layout (OpenVMM BAD_DATA)', () => {
  const bad = lay(8, [[0, 4, 0xc000090b]]); // status padded to 8 bytes
  for (const req of [MSG.PCI_QUERY_RESOURCE_REQUIREMENTS, MSG.PCI_CREATE_INTERRUPT_MESSAGE3, MSG.PCI_RESOURCES_ASSIGNED2, MSG.PCI_TDISP_COMMAND]) {
    assert.deepEqual(decodeCompletion(req, bad), { ok: true, value: { kind: 'status', status: STATUS.BAD_DATA } });
  }
});

test('completion: a success status shorter than its layout is too-short', () => {
  const d = decodeCompletion(MSG.PCI_QUERY_RESOURCE_REQUIREMENTS, lay(24, [[0, 4, 0]]));
  assert.equal(d.ok, false);
  if (!d.ok) assert.equal(d.error.code, 'too-short');
  const e = decodeCompletion(MSG.PCI_CREATE_INTERRUPT_MESSAGE, lay(8, [[0, 4, 0]]));
  assert.ok(!e.ok && e.error.code === 'too-short');
  // The transcript prints this text after the request's name: it names the request as the drivers do, not by its number.
  assert.equal(e.error.message, 'completion of PCI_CREATE_INTERRUPT_MESSAGE needs 24 bytes, got 8');
});

test('completion: Linux/FreeBSD version completion may carry only the status', () => {
  assert.deepEqual(decodeCompletion(MSG.PCI_QUERY_PROTOCOL_VERSION, lay(4, [[0, 4, 0xc0000059]])), {
    ok: true,
    value: { kind: 'status', status: STATUS.REVISION_MISMATCH },
  });
});

test('completion: RESOURCES_ASSIGNED reply count above what is listed (zero-vector MSIs omitted) keeps the count', () => {
  const d = decodeCompletion(
    MSG.PCI_RESOURCES_ASSIGNED,
    lay(152, [
      [128, 4, 3],
      [138, 2, 1],
      [144, 8, 0xfee0_0000n],
    ]),
  );
  assert.ok(d.ok && d.value.kind === 'resourcesAssigned');
  assert.equal(d.value.msiResourceCount, 3);
  assert.equal(d.value.msiResources.length, 1);
});

test('completion: errors — too-short status, counts out of range, too-long', () => {
  const codeOf = (req: number, b: Uint8Array) => {
    const d = decodeCompletion(req, b);
    return d.ok ? 'ok' : d.error.code;
  };
  assert.equal(codeOf(MSG.PCI_BUS_D0ENTRY, new Uint8Array(3)), 'too-short');
  assert.equal(codeOf(MSG.PCI_BUS_D0ENTRY, new Uint8Array(0)), 'too-short');
  assert.equal(codeOf(MSG.PCI_RESOURCES_ASSIGNED, lay(136, [[128, 4, 495]])), 'count-out-of-range');
  assert.equal(codeOf(MSG.PCI_QUERY_RESOURCE_RESOURCES, lay(128, [[4, 4, 7]])), 'count-out-of-range');
  assert.equal(codeOf(MSG.PCI_QUERY_RESOURCE_RESOURCES, lay(48, [[4, 4, 6]])), 'count-out-of-range');
  assert.equal(codeOf(MSG.PCI_QUERY_RESOURCE_RESOURCES, new Uint8Array(6)), 'too-short');
  assert.equal(codeOf(MSG.PCI_TDISP_COMMAND, lay(20, [[8, 8, 5n]])), 'count-out-of-range');
  assert.equal(codeOf(MSG.PCI_READ_BLOCK, new Uint8Array(4 + 128 + 8)), 'too-long');
  assert.equal(codeOf(MSG.PCI_BUS_D0ENTRY, new Uint8Array(40000)), 'too-long');
});

test('completion: GET_RESOURCES list encodes as OpenVMM PartialResourceList: always 128 bytes, the slots past count zero', () => {
  const one = { type: 3, shareDisposition: 0, flags: 0, start: 0x4000n, length: 0x2000, reserved: 0 };
  const b = encodeCompletion(MSG.PCI_QUERY_RESOURCE_RESOURCES, { kind: 'resourceList', version: 1, revision: 1, resources: [one] });
  assert.equal(b.length, 128);
  assert.equal(b[4], 1);
  assert.ok(b.subarray(28).every((x) => x === 0));
  const d = decodeCompletion(MSG.PCI_QUERY_RESOURCE_RESOURCES, b);
  assert.ok(d.ok && d.value.kind === 'resourceList' && d.value.resources.length === 1);
  assert.equal(encodeCompletion(MSG.PCI_QUERY_RESOURCE_RESOURCES, { kind: 'resourceList', version: 1, revision: 1, resources: [] }).length, 128);
  // More than six: the six the struct holds.
  const seven = encodeCompletion(MSG.PCI_QUERY_RESOURCE_RESOURCES, { kind: 'resourceList', version: 1, revision: 1, resources: Array(7).fill(one) });
  assert.equal(seven.length, 128);
  assert.equal(seven[4], 6);
});
