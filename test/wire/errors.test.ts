// Every decoder rejects truncations and overlong counts with the right code, and never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, type VpciMessage, type WireErrorCode } from '../../emulator/vpci/wire';
import { MSG } from '../../emulator/vpci/protocol';
import { lay } from './layout';

const code = (b: Uint8Array): WireErrorCode | 'ok' => {
  const d = decodeMessage(b);
  return d.ok ? 'ok' : d.error.code;
};
const T = (i: number) => 0x42490000 + i;

// Minimum size of each message's fixed part (protocol.md §2.5), the encoder's canonical sample.
const MIN: Record<string, number> = {
  PCI_BUS_RELATIONS: 8,
  PCI_BUS_RELATIONS2: 8,
  PCI_POWER_STATE_CHANGE: 12,
  PCI_QUERY_RESOURCE_REQUIREMENTS: 8,
  PCI_QUERY_RESOURCE_RESOURCES: 32,
  PCI_BUS_D0ENTRY: 16,
  PCI_READ_BLOCK: 16,
  PCI_WRITE_BLOCK: 16,
  PCI_EJECT: 8,
  PCI_EJECTION_COMPLETE: 8,
  PCI_RESOURCES_ASSIGNED: 136,
  PCI_RESOURCES_ASSIGNED2: 136,
  PCI_RESOURCES_ASSIGNED3: 136,
  PCI_RESOURCES_RELEASED: 8,
  PCI_INVALIDATE_BLOCK: 16,
  PCI_QUERY_PROTOCOL_VERSION: 8,
  PCI_CREATE_INTERRUPT_MESSAGE: 24,
  PCI_DELETE_INTERRUPT_MESSAGE: 24,
  PCI_CREATE_INTERRUPT_MESSAGE2: 78,
  PCI_DELETE_INTERRUPT_MESSAGE2: 24,
  PCI_CREATE_INTERRUPT_MESSAGE3: 82,
  PCI_RESET_DEVICE: 8,
  PCI_TDISP_COMMAND: 16,
};

test("errors: every truncation below a message's fixed size is too-short (and one byte more decodes)", () => {
  for (const [name, min] of Object.entries(MIN)) {
    const full = lay(min, [[0, 4, MSG[name as keyof typeof MSG]]]);
    assert.equal(code(full), 'ok', `${name} at ${min} bytes`);
    for (let n = 4; n < min; n++) assert.equal(code(full.subarray(0, n)), 'too-short', `${name} cut to ${n}`);
  }
});

test('errors: fewer than 4 bytes is too-short, unknown types are unknown-type', () => {
  for (let n = 0; n < 4; n++) assert.equal(code(new Uint8Array(n)), 'too-short');
  assert.equal(code(lay(8, [[0, 4, T(0x1e)]])), 'unknown-type');
  assert.equal(code(lay(8, [[0, 4, 0x12345678]])), 'unknown-type');
  const d = decodeMessage(lay(8, [[0, 4, T(0x1e)]]));
  assert.ok(!d.ok && d.error.offset === 0);
});

test('errors: payload above MAXIMUM_PACKET_SIZE (39 656) is too-long', () => {
  const b = new Uint8Array(39657);
  new DataView(b.buffer).setUint32(0, MSG.PCI_RESOURCES_ASSIGNED, true);
  assert.equal(code(b), 'too-long');
  assert.equal(code(b.subarray(0, 39656)), 'ok');
});

test("errors: overlong counts are count-out-of-range with the count's offset", () => {
  const cases: [string, Uint8Array, number][] = [
    [
      'relations count 2 with 1 function',
      lay(28, [
        [0, 4, T(0)],
        [4, 4, 2],
      ]),
      4,
    ],
    [
      'relations count 0xFFFFFFFF',
      lay(8, [
        [0, 4, T(0)],
        [4, 4, 0xffffffff],
      ]),
      4,
    ],
    [
      'relations2 count 1 with 20 bytes',
      lay(28, [
        [0, 4, T(0x19)],
        [4, 4, 1],
      ]),
      4,
    ],
    [
      'resources assigned 495 MSIs',
      lay(136, [
        [0, 4, T(0x10)],
        [128, 4, 495],
      ]),
      128,
    ],
    [
      'resources assigned 1 MSI, no room',
      lay(148, [
        [0, 4, T(0x10)],
        [128, 4, 1],
      ]),
      128,
    ],
    [
      'resources assigned2 1 MSI in 70 bytes',
      lay(206, [
        [0, 4, T(0x16)],
        [128, 4, 1],
      ]),
      128,
    ],
    [
      'resources assigned3 1 MSI, processor_count 33',
      lay(216, [
        [0, 4, T(0x1a)],
        [128, 4, 1],
        [144, 2, 33],
      ]),
      136,
    ],
    [
      'create interrupt2 processor_count 33',
      lay(78, [
        [0, 4, T(0x17)],
        [12, 2, 33],
      ]),
      12,
    ],
    [
      'create interrupt3 processor_count 40',
      lay(82, [
        [0, 4, T(0x1b)],
        [16, 2, 40],
      ]),
      16,
    ],
    [
      'write block 129 bytes',
      lay(16 + 129, [
        [0, 4, T(10)],
        [12, 4, 129],
      ]),
      12,
    ],
    [
      'write block count beyond payload',
      lay(20, [
        [0, 4, T(10)],
        [12, 4, 8],
      ]),
      12,
    ],
    [
      'tdisp length beyond payload',
      lay(24, [
        [0, 4, T(0x1d)],
        [8, 8, 9n],
      ]),
      8,
    ],
  ];
  for (const [what, b, off] of cases) {
    const d = decodeMessage(b);
    assert.ok(!d.ok, what);
    assert.equal(d.error.code, 'count-out-of-range', what);
    assert.equal(d.error.offset, off, what);
  }
});

test('errors: TDISP data_length above MAXIMUM_PACKET_SIZE - 16 is too-long (OpenVMM PacketTooLarge)', () => {
  const d = decodeMessage(
    lay(24, [
      [0, 4, T(0x1d)],
      [8, 8, 0xffffffffffffffffn],
    ]),
  );
  assert.ok(!d.ok);
  assert.equal(d.error.code, 'too-long');
  assert.equal(d.error.offset, 8);
});

test('errors: processor_count exactly 32 is accepted', () => {
  const m: VpciMessage = {
    type: 'PCI_CREATE_INTERRUPT_MESSAGE2',
    wslot: 0,
    intDesc: { vector: 1, deliveryMode: 0, vectorCount: 1, processorArray: Array.from({ length: 32 }, (_, i) => i) },
  };
  assert.deepEqual(decodeMessage(encodeMessage(m)), { ok: true, value: m });
});
