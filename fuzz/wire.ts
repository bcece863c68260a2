// Fuzz entry for the wire codec: seeded mutations of valid messages and
// completions fed into every decoder, the describer and the packet summarizer.
// Checks: nothing throws, and anything that decodes re-encodes to bytes that
// decode to the same value. Deterministic for a given seed.

import { isDeepStrictEqual } from 'node:util';
import { MSG } from '../emulator/vpci/protocol';
import { decodeMessage, encodeMessage, decodeCompletion, encodeCompletion, type VpciMessage, type VpciCompletion } from '../emulator/vpci/wire';
import { describePayload, describePacket, summarizePacket } from '../emulator/vpci/describe';
import { encodePacket, decodePacket } from '../emulator/vmbus/packet';
import * as G from '../emulator/vpci/guest/messages';
import { rng } from './rng';

export interface FuzzFailure {
  iteration: number;
  input: string; // hex
  what: string;
}

export interface FuzzResult {
  iterations: number;
  decodedOk: number;
  errorsByCode: Record<string, number>;
  failures: FuzzFailure[];
}

const R0 = { type: 0, shareDisposition: 0, flags: 0, start: 0n, length: 0 };
const fd = { vendorId: 0x8086, deviceId: 0x10fb, revision: 1, progIf: 0, subclass: 0, baseClass: 2, subsystemId: 0x7a118086, winSlot: 0, serialNumber: 1 };

const SAMPLE_MESSAGES: VpciMessage[] = [
  { type: 'PCI_BUS_RELATIONS', devices: [fd, { ...fd, winSlot: 0x20 }] },
  { type: 'PCI_BUS_RELATIONS2', devices: [{ ...fd, flags: 1, virtualNumaNode: 1 }] },
  { type: 'PCI_POWER_STATE_CHANGE', wslot: 0, powerState: 1 },
  { type: 'PCI_QUERY_RESOURCE_RESOURCES', wslot: 0 },
  { type: 'PCI_READ_BLOCK', blockId: 0, wslot: 0, bytesRequested: 128 },
  { type: 'PCI_WRITE_BLOCK', blockId: 0, wslot: 0, bytes: new Uint8Array(20).fill(7) },
  { type: 'PCI_EJECT', wslot: 0 },
  { type: 'PCI_INVALIDATE_BLOCK', wslot: 0, blockMask: 5n },
  {
    type: 'PCI_RESOURCES_ASSIGNED',
    wslot: 0,
    memoryRange: [{ ...R0, type: 3, start: 0xf0000000n, length: 0x4000 }, R0, R0, R0, R0, R0],
    msiDescriptors: [{ vector: 0x30, deliveryMode: 0, vectorCount: 1, cpuMask: 1n }],
  },
  { type: 'PCI_RESOURCES_ASSIGNED2', wslot: 0, memoryRange: [], msiDescriptors: [{ vector: 0x30, deliveryMode: 0, vectorCount: 1, processorArray: [0, 1] }] },
  { type: 'PCI_RESOURCES_ASSIGNED3', wslot: 0, memoryRange: [], msiDescriptors: [{ vector: 0x30, deliveryMode: 0, vectorCount: 1, processorArray: [3] }] },
  { type: 'PCI_DELETE_INTERRUPT_MESSAGE2', wslot: 0, intDesc: { vectorCount: 1, data: 0, address: 0xfee00000n } },
  { type: 'PCI_RESET_DEVICE', wslot: 0 },
  { type: 'PCI_TDISP_COMMAND', wslot: 0, data: new Uint8Array([1, 2, 3, 4]) },
  { type: 'PCI_INVALIDATE_DEVICE', body: new Uint8Array(4) },
];

const SAMPLE_COMPLETIONS: [number, VpciCompletion][] = [
  [MSG.PCI_QUERY_PROTOCOL_VERSION, { kind: 'version', status: 0, version: 0x10003 }],
  [MSG.PCI_QUERY_RESOURCE_REQUIREMENTS, { kind: 'resourceRequirements', status: 0, probedBar: [0xfffff00c, 0xffffffff, 0, 0, 0, 0] }],
  [MSG.PCI_CREATE_INTERRUPT_MESSAGE2, { kind: 'createInterrupt', status: 0, intDesc: { vectorCount: 1, data: 0, address: 0xfee00000n } }],
  [
    MSG.PCI_RESOURCES_ASSIGNED2,
    { kind: 'resourcesAssigned', status: 0, wslot: 0, memoryRange: [], msiResourceCount: 1, msiResources: [{ vectorCount: 1, data: 0, address: 0xfee00000n }] },
  ],
  [MSG.PCI_QUERY_RESOURCE_RESOURCES, { kind: 'resourceList', version: 1, revision: 1, resources: [R0, R0, R0, R0, R0, R0] }],
  [MSG.PCI_POWER_STATE_CHANGE, { kind: 'powerState', status: 0, wslot: 0, resultantState: 1 }],
  [MSG.PCI_READ_BLOCK, { kind: 'readBlock', status: 0, bytes: new Uint8Array(16) }],
  [MSG.PCI_TDISP_COMMAND, { kind: 'tdisp', status: 0, wslot: 0, data: new Uint8Array(8) }],
  [MSG.PCI_BUS_D0ENTRY, { kind: 'status', status: 0xc000090b }],
];

function corpus(): Uint8Array[] {
  return [
    G.queryProtocolVersion(0x10004),
    G.queryProtocolVersion(0x10001, { reservedWord: 1 }),
    G.queryBusRelations(),
    G.d0Entry(0xfe000000),
    G.d0Exit(),
    G.queryResourceRequirements(0),
    G.resourcesAssigned(0),
    G.resourcesAssigned2(0),
    G.resourcesReleased(0),
    G.createInterrupt(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpuMask: 1n }),
    G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [0] }),
    G.createInterrupt3(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [0, 1] }),
    G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0xfee00000 }),
    G.ejectionComplete(0),
    ...SAMPLE_MESSAGES.map(encodeMessage),
    ...SAMPLE_COMPLETIONS.map(([t, c]) => encodeCompletion(t, c)),
  ];
}

const REQUEST_TYPES = Object.values(MSG);
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b: Uint8Array = src.slice();
  const ops = 1 + Math.floor(rnd() * 4);
  const setU32 = (off: number, v: number) => {
    if (off + 4 <= b.length) new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(off, v >>> 0, true);
  };
  for (let k = 0; k < ops; k++) {
    const at = b.length ? Math.floor(rnd() * b.length) : 0;
    switch (Math.floor(rnd() * 8)) {
      case 0: // bit flip
        if (b.length) b[at]! ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1: // random byte
        if (b.length) b[at] = Math.floor(rnd() * 256);
        break;
      case 2: // truncate
        b = b.slice(0, Math.floor(rnd() * (b.length + 1)));
        break;
      case 3: {
        // extend
        const ext = new Uint8Array(b.length + 1 + Math.floor(rnd() * 80));
        ext.set(b);
        for (let i = b.length; i < ext.length; i++) ext[i] = rnd() < 0.5 ? 0 : Math.floor(rnd() * 256);
        b = ext;
        break;
      }
      case 4: // a count-like field gets an interesting value
        setU32(4 * Math.floor(rnd() * Math.max(1, b.length / 4)), [0, 1, 2, 6, 7, 32, 33, 494, 495, 0x7fffffff, 0xffffffff][Math.floor(rnd() * 11)]!);
        break;
      case 5: // another message type
        setU32(0, 0x42490000 + Math.floor(rnd() * 0x22));
        break;
      case 6: // u16 interesting value (processor_count, vector_count)
        if (at + 2 <= b.length) new DataView(b.buffer, b.byteOffset, b.byteLength).setUint16(at & ~1, [0, 1, 32, 33, 0xffff][Math.floor(rnd() * 5)]!, true);
        break;
      default: // the whole thing random
        b = new Uint8Array(Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
    }
  }
  return b;
}

export function fuzzWire(seed: number, iterations: number): FuzzResult {
  const rnd = rng(seed).next;
  const inputs = corpus();
  const res: FuzzResult = { iterations, decodedOk: 0, errorsByCode: {}, failures: [] };
  const failed = (iteration: number, input: Uint8Array, what: string) => {
    if (res.failures.length < 20) res.failures.push({ iteration, input: hex(input), what });
  };
  for (let i = 0; i < iterations; i++) {
    const b = mutate(inputs[Math.floor(rnd() * inputs.length)]!, rnd);
    try {
      const d = decodeMessage(b);
      if (d.ok) {
        res.decodedOk++;
        const again = decodeMessage(encodeMessage(d.value));
        if (!again.ok || !isDeepStrictEqual(again.value, d.value)) failed(i, b, `message re-encode mismatch (${d.value.type})`);
      } else res.errorsByCode[d.error.code] = (res.errorsByCode[d.error.code] ?? 0) + 1;
      describePayload(b, {});
      const req = REQUEST_TYPES[Math.floor(rnd() * REQUEST_TYPES.length)]!;
      const c = decodeCompletion(req, b);
      if (c.ok) {
        const again = decodeCompletion(req, encodeCompletion(req, c.value));
        if (!again.ok || !isDeepStrictEqual(again.value, c.value))
          failed(i, b, `completion re-encode mismatch (request 0x${req.toString(16)}, ${c.value.kind})`);
      }
      describePayload(b, { completionOf: req });
      const pkt = encodePacket({ type: rnd() < 0.5 ? 6 : 11, flags: rnd() < 0.5 ? 1 : 0, transactionId: BigInt(i), payload: b });
      summarizePacket(pkt, 'toHost', rnd() < 0.5 ? req : undefined);
      const raw = mutate(pkt, rnd); // mangled descriptors too
      decodePacket(raw);
      summarizePacket(raw, 'toGuest', req);
      describePacket(raw, rnd() < 0.5 ? req : undefined);
      describePacket(pkt);
    } catch (e) {
      failed(i, b, `threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return res;
}
