import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../../emulator/vpci/guest/messages';
import { Ev } from '../../emulator/vpci/events';
import { harness, desc, payload, u16, u32, u64, hex, defaultFunction, type Harness } from './helpers';
import { FakeFunction } from './fake-function';
import { Trace } from '../../emulator/runtime/trace';
import { InterruptRemapper } from '../../emulator/vpci/host/interrupts';

const BAD_DATA = 0xc000090b;
const VB = 0x10003;

/** Negotiate `v` and enter D0 with the window at `base`; returns the harness with `sent` cleared. */
function ready(profile: string, v: number, base = 0xf8000000): Harness {
  const h = harness(profile);
  h.send(G.queryProtocolVersion(v), { txid: 1n });
  h.send(G.d0Entry(base), { txid: 2n });
  h.sent.length = 0;
  return h;
}

test('version negotiation: completion bytes, REVISION_MISMATCH per profile', () => {
  // WS2016 (RS1) accepts 1.1 and 1.2: a 1.3 request is refused, carrying the highest it accepts.
  const h = harness('hyperv-2016');
  const [r1] = h.send(G.queryProtocolVersion(0x10003, { reservedWord: 1 }), { txid: 0x1122n });
  // descriptor: type 11, header 2 (16 bytes), total 3 (24 bytes), flags 0, txid
  assert.equal(hex(r1!.pkt), '0b 00 02 00 03 00 00 00 22 11 00 00 00 00 00 00 59 00 00 c0 02 00 01 00');
  assert.equal(r1!.type, 0x42490013);
  assert.equal(h.host.status.state, 'init');
  const [r2] = h.send(G.queryProtocolVersion(0x10001), { txid: 0x1123n });
  assert.equal(hex(payload(r2!.pkt)), '00 00 00 00 01 00 01 00');
  assert.deepEqual(h.host.status, { state: 'ready', version: 0x10001 });

  for (const [p, ok, bad] of [
    ['hyperv-2016', 0x10002, 0x10004],
    ['hyperv-2019', 0x10002, 0x10003],
    ['hyperv-2019', 0x10001, 0x10004],
    ['hyperv-2022', 0x10004, 0x10005],
    ['openvmm', 0x10002, 0x10001],
  ] as const) {
    const x = harness(p);
    assert.equal(u32(payload(x.send(G.queryProtocolVersion(bad))[0]!.pkt), 0), 0xc0000059, `${p} rejects ${bad.toString(16)}`);
    assert.equal(u32(payload(x.send(G.queryProtocolVersion(ok))[0]!.pkt), 0), 0, `${p} accepts ${ok.toString(16)}`);
  }
});

test('verify_version_negotiation (openvmm): 0x00020000 -> REVISION_MISMATCH carrying VB, retry VB succeeds', () => {
  const h = harness('openvmm');
  const [a] = h.send(G.queryProtocolVersion(0x20000));
  assert.equal(u32(payload(a!.pkt), 0), 0xc0000059);
  assert.equal(u32(payload(a!.pkt), 4), VB);
  const [b] = h.send(G.queryProtocolVersion(VB));
  assert.equal(u32(payload(b!.pkt), 0), 0);
  assert.equal(u32(payload(b!.pkt), 4), VB);
  // FreeBSD asks 1.4 first: OpenVMM still answers VB in the version field.
  const c = harness('openvmm').send(G.queryProtocolVersion(0x10004, { reservedWord: 0 }))[0]!;
  assert.equal(hex(payload(c.pkt)), '00 00 00 00 03 00 01 00');
});

test('verify_simple_device (openvmm): D0 entry sends BUS_RELATIONS2 then the SUCCESS completion', () => {
  const h = harness('openvmm');
  h.send(G.queryProtocolVersion(VB), { txid: 1n });
  const out = h.send(G.d0Entry(0x1_4000_0000), { txid: 0x55n });
  assert.equal(out.length, 2);
  const rel = out[0]!;
  assert.deepEqual(desc(rel.pkt), { type: 6, hdr: 2, total: 7, flags: 0, txid: 0 });
  assert.equal(rel.type, 0x42490019);
  const p = payload(rel.pkt);
  assert.equal(u32(p, 0), 0x42490019);
  assert.equal(u32(p, 4), 1);
  assert.equal(u16(p, 8), 0x15b3);
  assert.equal(u16(p, 10), 0x101e);
  assert.deepEqual([...p.subarray(12, 16)], [0x01, 0x00, 0x00, 0x02]);
  assert.equal(u32(p, 16), 0x006115b3);
  assert.equal(u32(p, 20), 0); // win_slot
  assert.equal(u32(p, 24), 0x5e1e2f3a); // serial = instance GUID data1 (OV-D)
  assert.equal(u32(p, 28), 0); // flags
  assert.equal(u16(p, 32), 0); // NUMA node
  const comp = out[1]!;
  assert.deepEqual(desc(comp.pkt), { type: 11, hdr: 2, total: 3, flags: 0, txid: 0x55 });
  assert.equal(u32(payload(comp.pkt), 0), 0);
  assert.equal(comp.type, 0x42490007);
  assert.equal(h.host.status.windowBase, 0x1_4000_0000);
});

test('BUS_RELATIONS v1 at 1.1 and v2 with serial and NUMA at 1.3 (Hyper-V profiles)', () => {
  const h = harness('hyperv-2016');
  h.send(G.queryProtocolVersion(0x10001));
  const [rel] = h.send(G.queryBusRelations(), { rc: false });
  assert.equal(hex(payload(rel!.pkt)), '00 00 49 42 01 00 00 00 b3 15 1e 10 01 00 00 02 b3 15 61 00 00 00 00 00 34 12 00 00 00 00 00 00');
  const fn = defaultFunction();
  const x = harness('hyperv-2022', { functions: [{ wslot: 0x20, fn, serial: 7, numaNode: 3 }] });
  x.send(G.queryProtocolVersion(0x10003));
  const [r2] = x.send(G.queryBusRelations(), { rc: false });
  const p = payload(r2!.pkt);
  assert.equal(u32(p, 0), 0x42490019);
  assert.equal(p.length, 40); // 8 + 28, padded to 8
  assert.equal(u32(p, 20), 0x20);
  assert.equal(u32(p, 24), 7);
  assert.equal(u32(p, 28), 1);
  assert.equal(u16(p, 32), 3);
  // 1.2 still gets v1 relations (BUS_RELATIONS2 is a 1.3 message, protocol.md §1.2): what WS2016/2019 send
  const y = harness('hyperv-2019');
  y.send(G.queryProtocolVersion(0x10002));
  assert.equal(u32(payload(y.send(G.queryBusRelations(), { rc: false })[0]!.pkt), 0), 0x42490000);
});

test('QUERY_BUS_RELATIONS with RC: OpenVMM sends an empty completion first', () => {
  const h = harness('openvmm');
  h.send(G.queryProtocolVersion(VB));
  const out = h.send(G.queryBusRelations(), { rc: true, txid: 9n });
  assert.equal(out.length, 2);
  assert.deepEqual(desc(out[0]!.pkt), { type: 11, hdr: 2, total: 2, flags: 0, txid: 9 });
  assert.equal(u32(payload(out[1]!.pkt), 0), 0x42490019);
});

test('QUERY_RESOURCE_REQUIREMENTS: probed masks of the function (verify_mmio values)', () => {
  for (const p of ['hyperv-2022', 'openvmm']) {
    const h = ready(p, 0x10004);
    const [r] = h.send(G.queryResourceRequirements(0));
    assert.equal(r!.pkt.length, 16 + 32);
    assert.equal(hex(payload(r!.pkt).subarray(0, 28)), '00 00 00 00 0c f0 ff ff ff ff ff ff 00 c0 ff ff 00 00 00 00 00 00 00 00 00 00 00 00');
  }
});

test('RESOURCES_ASSIGNED 1/2 (all-zero guest form) -> 136-byte DeviceTranslateReply', () => {
  const h = ready('hyperv-2022', 0x10004);
  for (const msg of [G.resourcesAssigned(0), G.resourcesAssigned2(0)]) {
    const [r] = h.send(msg, { txid: 3n });
    const p = payload(r!.pkt);
    assert.equal(p.length, 136);
    assert.equal(u32(p, 0), 0);
    assert.equal(u32(p, 4), 0);
    assert.equal(u32(p, 128), 0);
    assert.ok(p.subarray(8, 128).every((x) => x === 0));
  }
  assert.equal(h.fn.cfgRead(0x10, 4), 0x0c); // BARs reset to 0 (type bits stay)
});

test('RESOURCES_ASSIGNED2 with MMIO + MSI descriptors (Windows-style) programs BARs and maps interrupts', () => {
  const h = ready('openvmm', 0x10004);
  const m = new Uint8Array(136 + 72);
  const v = new DataView(m.buffer);
  v.setUint32(0, 0x42490016, true);
  m[8] = 3; // BAR0 MEMORY
  v.setBigUint64(12, 0x20_0000_0000n, true);
  v.setUint32(20, 0x1000, true);
  m[48] = 3; // BAR2
  v.setBigUint64(52, 0x4000n, true);
  v.setUint32(60, 0x4000, true);
  v.setUint32(128, 2, true); // 2 MSIs, the second with count 0
  m[136] = 0x30;
  v.setUint16(138, 1, true);
  v.setUint16(140, 1, true);
  v.setUint16(142, 2, true);
  const full = new Uint8Array(136 + 2 * 72);
  full.set(m);
  const [r] = h.send(full);
  const p = payload(r!.pkt);
  assert.equal(u32(p, 0), 0);
  assert.equal(u32(p, 128), 2); // counts both (quirk)
  assert.equal(p.length, 136 + 72); // but lists one
  assert.equal(u16(p, 136 + 2), 1);
  assert.equal(u64(p, 136 + 8), 0xfee00000);
  assert.equal(h.fn.cfgRead(0x10, 4), 0x0c);
  assert.equal(h.fn.cfgRead(0x14, 4), 0x20);
  assert.equal(h.fn.cfgRead(0x18, 4), 0x4000);
  assert.deepEqual(
    h.remapper.entriesFor(0, 0).map((e) => e.cpus),
    [[2]],
  );
});

/** A per-device message of `size` bytes with no body beyond its win_slot (GET_RESOURCES: 32, OV-P GetResources; RESOURCES_RELEASED: 8). */
function slotMessage(type: number, size: number, wslot = 0): Uint8Array {
  const m = new Uint8Array(size);
  new DataView(m.buffer).setUint32(0, type, true);
  new DataView(m.buffer).setUint32(4, wslot, true);
  return m;
}

/** RESOURCES_ASSIGNED2 (no MSIs) with the given 20-byte MMIO descriptors at their indexes. */
function assigned2(descs: Record<number, number[]>): Uint8Array {
  const m = new Uint8Array(136);
  new DataView(m.buffer).setUint32(0, 0x42490016, true);
  for (const [i, d] of Object.entries(descs)) m.set(d, 8 + 20 * Number(i));
  return m;
}
const le = (v: bigint, n: number) => [...Array(n).keys()].map((i) => Number((v >> BigInt(8 * i)) & 0xffn));

test('GET_RESOURCES: six zero descriptors until RESOURCES_ASSIGNED sets the BARs, then every BAR (at 0 too), zeros again once released (OV-D bars, bars_set)', () => {
  const h = ready('openvmm', VB);
  const list = () => payload(h.send(slotMessage(0x42490006, 32))[0]!.pkt);
  const before = list();
  assert.equal(before.length, 128);
  assert.deepEqual([u16(before, 0), u16(before, 2), u32(before, 4)], [1, 1, 6]);
  assert.ok(before.subarray(8).every((x) => x === 0));
  // BAR0 (64-bit, 4 KiB) assigned; BAR2 (32-bit, 16 KiB) not listed: set_bars writes it 0.
  h.fn.cfgWrite(0x18, 4, 0x8000);
  const [r] = h.send(assigned2({ 0: [3, 0, 0, 0, ...le(0x20_0000_0000n, 8), ...le(0x1000n, 4), 0, 0, 0, 0] }));
  assert.equal(u32(payload(r!.pkt), 0), 0);
  assert.equal(h.fn.cfgRead(0x18, 4), 0);
  const after = list();
  assert.equal(hex(after.subarray(8, 28)), '03 00 00 00 00 00 00 00 20 00 00 00 00 10 00 00 00 00 00 00');
  assert.ok(
    after.subarray(28, 48).every((x) => x === 0),
    'BAR1 is BAR0’s high half',
  );
  assert.equal(hex(after.subarray(48, 68)), '03 00 00 00 00 00 00 00 00 00 00 00 00 40 00 00 00 00 00 00');
  assert.ok(after.subarray(68).every((x) => x === 0));
  h.send(slotMessage(0x42490011, 8), { rc: false });
  assert.ok(
    list()
      .subarray(8)
      .every((x) => x === 0),
  );
});

test('RESOURCES_ASSIGNED answers its ranges written again (OV-D to_protocol): reserved fields zero, the smallest type, other types zero', () => {
  const h = ready('openvmm', VB);
  const [r] = h.send(
    assigned2({
      // MEMORY with a share disposition, flags and padding set
      0: [3, 5, 0x34, 0x12, ...le(0x20_0000_0000n, 8), ...le(0x1000n, 4), 0xaa, 0xbb, 0xcc, 0xdd],
      // MEMORY_LARGE (LARGE_40) of 0x40 << 8 = 16 KiB: a MEMORY range
      2: [7, 0, 0x00, 0x02, ...le(0x8000n, 8), ...le(0x40n, 4), 0, 0, 0, 0],
      // a port range: not a memory range, ignored
      4: [1, 1, 1, 0, ...le(0x1000n, 8), ...le(0x20n, 4), 0, 0, 0, 0],
    }),
  );
  const p = payload(r!.pkt);
  assert.equal(u32(p, 0), 0);
  assert.equal(hex(p.subarray(8, 28)), '03 00 00 00 00 00 00 00 20 00 00 00 00 10 00 00 00 00 00 00');
  assert.equal(hex(p.subarray(48, 68)), '03 00 00 00 00 80 00 00 00 00 00 00 00 40 00 00 00 00 00 00');
  assert.ok(p.subarray(88, 108).every((x) => x === 0));
  assert.equal(h.fn.cfgRead(0x18, 4), 0x8000);
});

test('CREATE_INTERRUPT 1/2/3 answered from the remapper; DELETE_INTERRUPT matches address/data', () => {
  const h = ready('hyperv-2022', 0x10004);
  // verify_simple_device_interrupt: CREATE_INTERRUPT2 vector 0x13 -> CPU [1]
  const [a] = h.send(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 1, cpus: [1] }), { txid: 4n });
  assert.equal(hex(payload(a!.pkt)), '00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 e0 fe 00 00 00 00');
  const [b] = h.send(G.createInterrupt(0, { vector: 0x22, deliveryMode: 1, vectorCount: 1, cpuMask: 0b1100n }));
  assert.equal(u64(payload(b!.pkt), 16), 0xfee00004);
  const [c] = h.send(G.createInterrupt3(0, { vector: 0x40, deliveryMode: 0, vectorCount: 4, cpus: [0, 3] }));
  assert.equal(u16(payload(c!.pkt), 10), 4);
  assert.equal(u64(payload(c!.pkt), 16), 0xfee00008);
  assert.deepEqual(h.remapper.deliver(0, 0xfee00008, 3), { cpu: 0, vector: 0x43 });
  assert.deepEqual(
    h.remapper.entriesFor(0, 0).map((e) => [e.vector, e.cpus]),
    [
      [0x13, [1]],
      [0x22, [2, 3]],
      [0x40, [0, 3]],
    ],
  );
  // delete without RC (as guests send it): no reply, entry gone
  assert.equal(h.send(G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0xfee00004 }), { rc: false }).length, 0);
  assert.equal(h.remapper.entriesFor(0, 0).length, 2);
  const [d] = h.send(G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0xfee00004 }));
  assert.equal(u32(payload(d!.pkt), 0), BAD_DATA);
});

test('DELETE_INTERRUPT matches the whole 64-bit address: one that agrees only in its low 32 bits is UnknownInterrupt, the mapping stays', () => {
  // OV-D unmap_interrupt compares MsiAddressData (u64 address, u32 data) exactly (openvmm device.rs @1488a37b).
  // A guest sends such an address back after a corrupted CREATE_INTERRUPT reply (`flip 20 0x01` on the completion).
  for (const profile of ['openvmm', 'hyperv-2022']) {
    const h = ready(profile, 0x10004);
    const [a] = h.send(G.createInterrupt3(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [0] }));
    assert.equal(u64(payload(a!.pkt), 16), 0xfee00000);
    const [d] = h.send(G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0x1_fee0_0000 }));
    assert.equal(u32(payload(d!.pkt), 0), BAD_DATA, profile);
    assert.match(h.errors().at(-1) ?? '', /UnknownInterrupt: address 0x1fee00000 data 0x0/);
    assert.equal(h.remapper.entriesFor(0, 0).length, 1, `${profile}: the mapping at 0xfee00000 is still there`);
    const [e] = h.send(G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0xfee00000 }));
    assert.equal(u32(payload(e!.pkt), 0), 0);
    assert.equal(h.remapper.entriesFor(0, 0).length, 0);
  }
  // An address above 2^53 is named exactly (a Number would have rounded it to 0x80000000fee00000).
  const h = ready('openvmm', 0x10004);
  const del = G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0 });
  new DataView(del.buffer).setBigUint64(16, 0x8000_0000_fee0_0004n, true);
  h.send(del);
  assert.equal(h.errors().at(-1), 'UnknownInterrupt: address 0x80000000fee00004 data 0x0');
});

test('CREATE_INTERRUPT2 whose first target VP the VM lacks -> BAD_DATA (OV x86 backend InvalidVirtualProcessor)', () => {
  const trace = new Trace(64);
  const h = harness('openvmm', { trace, remapper: new InterruptRemapper({ trace, now: () => 0, vps: 4 }) });
  h.send(G.queryProtocolVersion(VB), { txid: 1n });
  const [a] = h.send(G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [0xffff] }));
  assert.equal(u32(payload(a!.pkt), 0), BAD_DATA);
  assert.equal(h.remapper.mappingsOf(0), 0);
  const [b] = h.send(G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [3] }));
  assert.equal(u32(payload(b!.pkt), 0), 0);
});

test('vector_count 0 -> SUCCESS with an all-zero descriptor, nothing mapped', () => {
  const h = ready('openvmm', VB);
  const [a] = h.send(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 0, cpus: [1] }));
  assert.ok(payload(a!.pkt).every((x) => x === 0));
  assert.equal(h.remapper.entriesFor(0, 0).length, 0);
});

test('RESET_DEVICE -> NOT_SUPPORTED; POWER_STATE_CHANGE toggles MSE with BarMap/BarUnmap', () => {
  const h = ready('openvmm', 0x10004);
  const reset = new Uint8Array(8);
  new DataView(reset.buffer).setUint32(0, 0x4249001c, true);
  assert.equal(u32(payload(h.send(reset)[0]!.pkt), 0), 0xc00000bb);
  const pw = (state: number) => {
    const b = new Uint8Array(12);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0x42490004, true);
    v.setUint32(8, state, true);
    return b;
  };
  h.fn.cfgWrite(0x10, 4, 0x10000000);
  assert.equal(u32(payload(h.send(pw(1))[0]!.pkt), 0), 0);
  assert.equal(h.fn.cfgRead(4, 2) & 2, 2);
  const maps = [];
  for (let i = 0; i < h.trace.length; i++) if (h.trace.get(i).kind === Ev.BarMap) maps.push(h.trace.get(i));
  assert.deepEqual(
    maps.map((e) => [e.a, e.b, e.c]),
    [
      [0, 0, 0x10000000],
      [0, 2, 0],
    ],
  );
  assert.equal(u32(payload(h.send(pw(4))[0]!.pkt), 0), 0);
  assert.equal(h.fn.cfgRead(4, 2) & 2, 0);
  // A state other than D0/D3 is answered BAD_DATA as the request's result (OV-D handle_packet returns Ok, no
  // "request failed" warning): a note in the trace, not a protocol error, and MSE stays as it was.
  const before = h.trace.length;
  assert.equal(u32(payload(h.send(pw(2))[0]!.pkt), 0), BAD_DATA);
  const after = Array.from({ length: h.trace.length - before }, (_, i) => h.trace.get(before + i));
  assert.ok(!after.some((e) => e.kind === Ev.Error), 'no Ev.Error for an invalid power state');
  assert.ok(after.some((e) => e.kind === Ev.State && /power state 2 is neither D0 \(1\) nor D3 \(4\): answered BAD_DATA/.test(String(e.blob))));
  assert.equal(h.fn.cfgRead(4, 2) & 2, 0);
});

test('RESOURCES_RELEASED clears MSE, unmaps interrupts, zeroes BARs', () => {
  const h = ready('hyperv-2019', 0x10002);
  h.send(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 1, cpus: [1] }));
  h.fn.cfgWrite(0x18, 4, 0x8000);
  h.fn.cfgWrite(4, 2, 2);
  assert.equal(h.send(G.resourcesReleased(0), { rc: false }).length, 0);
  assert.equal(h.remapper.entriesFor(0, 0).length, 0);
  assert.equal(h.fn.cfgRead(4, 2) & 2, 0);
  assert.equal(h.fn.cfgRead(0x18, 4), 0);
});

test('Hyper-V profiles gate messages by version; OpenVMM serves CREATE_INTERRUPT3 at 1.2', () => {
  const h = ready('hyperv-2016', 0x10001);
  const [a] = h.send(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 1, cpus: [1] }));
  assert.equal(u32(payload(a!.pkt), 0), BAD_DATA);
  // Linux 1.1: all-ones dummy CPU mask is accepted by Hyper-V
  const [b] = h.send(G.createInterrupt(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpuMask: 0xffffffffffffffffn }));
  assert.equal(u32(payload(b!.pkt), 0), 0);
  const o = ready('openvmm', 0x10002);
  const [c] = o.send(G.createInterrupt3(0, { vector: 0x40, deliveryMode: 0, vectorCount: 1, cpus: [0] }));
  assert.equal(u32(payload(c!.pkt), 0), 0);
  // RESET_DEVICE is a 1.5 message (OV-P ProtocolVersion::GE): above every Hyper-V profile's highest version, so an
  // unknown type there (BAD_DATA), where OpenVMM at any version answers NOT_SUPPORTED.
  const reset = rawMsg(0x4249001c, 8);
  const w = ready('hyperv-2022', 0x10004);
  assert.equal(u32(payload(w.send(reset)[0]!.pkt), 0), BAD_DATA);
  assert.match(w.errors().join('\n'), /UnknownType: 0x4249001c needs protocol 0x10005/);
  assert.equal(u32(payload(ready('openvmm', 0x10002).send(reset)[0]!.pkt), 0), 0xc00000bb);
});

function rawMsg(type: number, size: number, fill?: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, true);
  fill?.(v, b);
  return b;
}

test('OpenVMM error mapping (docs/protocol.md §9.3): every row -> BAD_DATA completion and an Ev.Error', () => {
  const rows: [string, Uint8Array, RegExp][] = [
    ['PacketTooLarge', rawMsg(0x42490010, 39664), /PacketTooLarge/],
    ['PacketTooSmall header', new Uint8Array(0), /PacketTooSmall\("header"\)/],
    // OV-P's repr(C) sizes, not the guests' packed ones: CreateInterrupt2 is 80 bytes (its descriptor ends in a
    // reserved u16), CreateInterrupt3 84 (reserved2 u16, then padding to the u32 vector's alignment).
    ['PacketTooSmall interrupt2', rawMsg(0x42490017, 16), /PacketTooSmall\("interrupt2"\): 16 < 80 bytes/],
    ['PacketTooSmall interrupt3', rawMsg(0x4249001b, 80), /PacketTooSmall\("interrupt3"\): 80 < 84 bytes/],
    ['PacketTooSmall translate', rawMsg(0x42490010, 64), /PacketTooSmall\("translate"\)/],
    ['UnknownType READ_BLOCK', rawMsg(0x42490009, 16), /UnknownType/],
    ['UnknownType EJECTION_COMPLETE', G.ejectionComplete(0), /UnknownType/],
    ['TooManyMsis count', rawMsg(0x42490010, 136, (v) => v.setUint32(128, 495, true)), /TooManyMsis/],
    ['MSI array truncated', rawMsg(0x42490016, 144, (v) => v.setUint32(128, 2, true)), /PacketTooSmall\("msi2"\)/],
    [
      'InvalidMmio',
      rawMsg(0x42490010, 136, (v, b) => {
        b[8] = 7;
        v.setUint32(20, 1, true);
      }),
      /InvalidMmio/,
    ],
    [
      'ResourceHigh64',
      rawMsg(0x42490010, 136, (v, b) => {
        b[8] = 3;
        v.setUint32(20, 0x1000, true);
        b[28] = 3;
        v.setUint32(40, 0x1000, true);
      }),
      /ResourceHigh64/,
    ],
    [
      'Unaligned',
      rawMsg(0x42490010, 136, (v, b) => {
        b[8] = 3;
        v.setBigUint64(12, 0x800n, true);
        v.setUint32(20, 0x1000, true);
      }),
      /Unaligned/,
    ],
    [
      'TooLarge',
      rawMsg(0x42490010, 136, (v, b) => {
        b[8] = 3;
        v.setBigUint64(12, 0x2000n, true);
        v.setUint32(20, 0x2000, true);
      }),
      /TooLarge/,
    ],
    ['vector_count > 32', G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 33, cpus: [0] }), /InvalidInterrupt/],
    ['v1 mask > 32 CPUs', G.createInterrupt(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpuMask: 0xffffffffffffffffn }), /InvalidInterrupt/],
    [
      'processor_count > 32',
      rawMsg(0x42490017, 80, (v) => {
        v.setUint16(10, 1, true);
        v.setUint16(12, 33, true);
      }),
      /InvalidInterrupt/,
    ],
    ['delivery mode 2', G.createInterrupt3(0, { vector: 0x30, deliveryMode: 2, vectorCount: 1, cpus: [0] }), /InvalidInterruptType/],
    ['UnknownInterrupt', G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0xfee00100 }), /UnknownInterrupt/],
    ['InvalidSlot', G.queryResourceRequirements(1), /InvalidSlot/],
  ];
  for (const [name, msg, re] of rows) {
    const h = ready('openvmm', 0x10004);
    const out = h.send(msg, { txid: 0x77n });
    assert.equal(out.length, 1, name);
    assert.deepEqual(desc(out[0]!.pkt), { type: 11, hdr: 2, total: 3, flags: 0, txid: 0x77 }, name);
    assert.equal(u32(payload(out[0]!.pkt), 0), BAD_DATA, name);
    assert.match(h.errors().join('\n'), re, name);
    assert.equal(h.host.status.state, 'ready', name);
  }
  // A mapping the backend refuses is one error, the request's (OV-D logs "request failed" once), not also the remapper's.
  {
    const trace = new Trace();
    const x = harness('openvmm', { trace, remapper: new InterruptRemapper({ trace, now: () => 0, vps: 4 }) });
    x.send(G.queryProtocolVersion(0x10004), { txid: 1n });
    const [r] = x.send(G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [9] }));
    assert.equal(u32(payload(r!.pkt), 0), BAD_DATA);
    assert.deepEqual(x.errors(), ['RegisterInterrupt: InvalidVirtualProcessor(9): the VM has 4 virtual processors']);
  }
  // TooManyMsis across requests: 494 mappings on the device, whatever their vector counts (OV-D map_interrupts)
  const h = ready('openvmm', 0x10004);
  for (let i = 0; i < 494; i++)
    assert.equal(u32(payload(h.send(G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 32, cpus: [0] }))[0]!.pkt), 0), 0, `mapping ${i + 1}`);
  assert.equal(u32(payload(h.send(G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [0] }))[0]!.pkt), 0), BAD_DATA);
  assert.match(h.errors().join('\n'), /TooManyMsis: 495 interrupts mapped on the device > 494/);
  assert.equal(h.remapper.mappingsOf(0), 494);

  // RESOURCES_ASSIGNED with MSIs: the device's mappings and all of the packet's together, checked before any is made.
  const g = ready('openvmm', 0x10004);
  for (let i = 0; i < 493; i++) g.send(G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [0] }));
  const assigned = (msis: number): Uint8Array =>
    rawMsg(0x42490010, 136 + 16 * msis, (v) => {
      v.setUint32(128, msis, true);
      for (let i = 0; i < msis; i++) {
        v.setUint8(136 + 16 * i, 0x50 + i); // vector
        v.setUint16(136 + 16 * i + 2, 1, true); // vector count
        v.setBigUint64(136 + 16 * i + 8, 1n, true); // CPU 0
      }
    });
  assert.equal(u32(payload(g.send(assigned(2))[0]!.pkt), 0), BAD_DATA);
  assert.match(g.errors().join('\n'), /TooManyMsis: 495 interrupts mapped on the device > 494/);
  assert.equal(g.remapper.mappingsOf(0), 493, 'none of the two was mapped');
  const [ok] = g.send(assigned(1));
  assert.equal(u32(payload(ok!.pkt), 0), 0);
  assert.equal(g.remapper.mappingsOf(0), 494);
});

test('fatal errors: data before negotiation, second negotiation, non-data packet — no reply, host stops', () => {
  const a = harness('openvmm');
  assert.equal(a.send(G.queryBusRelations()).length, 0);
  assert.equal(a.host.status.state, 'fatal');
  assert.equal(a.send(G.queryProtocolVersion(VB)).length, 0);
  const b = ready('openvmm', VB);
  assert.equal(b.send(G.queryProtocolVersion(VB)).length, 0);
  assert.equal(b.host.status.state, 'fatal');
  const c = ready('hyperv-2022', 0x10004);
  assert.equal(c.send(new Uint8Array(8), { type: 11 }).length, 0);
  assert.match(c.errors().join('\n'), /InvalidPacketType/);
  const d = harness('hyperv-2022');
  d.host.handlePacket(new Uint8Array([1, 2, 3]));
  assert.equal(d.host.status.state, 'fatal');
});

test('canDequeue is false while the outbound ring cannot hold the replies', () => {
  const h = ready('hyperv-2022', 0x10004);
  assert.equal(h.host.canDequeue(), true);
  h.time.free = 64;
  assert.equal(h.host.canDequeue(), false);
});

test('eject: PCI_EJECT, 60 s timer, rescind on timeout or after EJECTION_COMPLETE', () => {
  const h = ready('hyperv-2022', 0x10004);
  h.host.eject(0);
  assert.equal(hex(payload(h.sent[0]!.pkt)), '0b 00 49 42 00 00 00 00');
  assert.equal(desc(h.sent[0]!.pkt).flags, 0);
  assert.equal(h.timers.get('eject:0'), 1000 + 60e9);
  // CREATE_INTERRUPT is still served after EJECT
  assert.equal(u32(payload(h.send(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 1, cpus: [1] }))[0]!.pkt), 0), 0);
  h.time.now += 60e9;
  h.host.onTimer('eject:0');
  assert.equal(h.rescinds, 1);
  assert.equal(h.remapper.entriesFor(0, 0).length, 0);
  assert.equal(h.host.status.state, 'ejected');

  const g = ready('hyperv-2022', 0x10004);
  g.host.eject(0);
  assert.equal(g.send(G.ejectionComplete(0), { rc: false }).length, 0);
  assert.deepEqual(g.cancelled, ['eject:0']);
  assert.equal(g.rescinds, 1);
  g.host.onTimer('eject:0');
  assert.equal(g.rescinds, 1);

  const o = ready('openvmm', VB);
  o.host.eject(0);
  assert.equal(o.sent.length, 0);
  assert.equal(o.rescinds, 1);
});

test('faults: status, no-reply, truncate, flip, delay, vanish', () => {
  const h = ready('hyperv-2022', 0x10004);
  const QRR = 0x42490005;
  h.host.addFault({ message: QRR, action: { kind: 'status', status: 0xc0000001 }, remaining: 1 });
  assert.equal(hex(payload(h.send(G.queryResourceRequirements(0))[0]!.pkt)), '01 00 00 c0 00 00 00 00');
  assert.equal(u32(payload(h.send(G.queryResourceRequirements(0))[0]!.pkt), 4), 0xfffff00c); // fault used up
  h.host.addFault({ message: QRR, action: { kind: 'no-reply' }, remaining: 1 });
  assert.equal(h.send(G.queryResourceRequirements(0)).length, 0);
  h.host.addFault({ message: QRR, action: { kind: 'truncate', bytes: 2 }, remaining: 1 });
  const [t] = h.send(G.queryResourceRequirements(0));
  assert.equal(t!.pkt.length, 24);
  assert.equal(hex(payload(t!.pkt)), '00 00 00 00 00 00 00 00');
  h.host.addFault({ message: QRR, action: { kind: 'flip', offset: 4, xor: 0xff }, remaining: 1 });
  assert.equal(u32(payload(h.send(G.queryResourceRequirements(0))[0]!.pkt), 4), 0xfffff0f3);
  h.host.addFault({ message: QRR, action: { kind: 'delay', ns: 5000 }, remaining: 1 });
  assert.equal(h.send(G.queryResourceRequirements(0), { txid: 0x99n }).length, 0);
  const name = [...h.timers.keys()].find((k) => k.startsWith('delay:'))!;
  assert.equal(h.timers.get(name), 1000 + 5000);
  h.host.onTimer(name);
  assert.equal(desc(h.sent.at(-1)!.pkt).txid, 0x99);
  h.host.addFault({ message: QRR, action: { kind: 'vanish' }, remaining: 1 });
  h.send(G.queryResourceRequirements(0));
  assert.equal(h.host.isVanished(0), true);
  h.host.mmioWrite(0, 4, 0);
  assert.deepEqual(h.host.mmioRead(0x1000, 4), { ok: true, value: 0xffffffff });
  let faults = 0;
  for (let i = 0; i < h.trace.length; i++) if (h.trace.get(i).kind === Ev.Fault) faults++;
  assert.equal(faults, 6);
});

test('a fault that cannot do what it says is noted in the trace after its FAULT line, with the bytes sent unchanged', () => {
  const h = ready('hyperv-2022', 0x10004);
  const QBR = 0x42490001;
  const QRR = 0x42490005;
  const notes = () => {
    const out: string[] = [];
    for (let i = 0; i < h.trace.length; i++)
      if (h.trace.get(i).kind === Ev.State && typeof h.trace.get(i).blob === 'string') out.push(String(h.trace.get(i).blob));
    return out;
  };
  // QUERY_BUS_RELATIONS without a completion requested (as both guests send it): its answer is the BUS_RELATIONS2 message, not a completion.
  h.host.addFault({ message: QBR, action: { kind: 'truncate', bytes: 4 }, remaining: 1 });
  const [rel] = h.send(G.queryBusRelations(), { rc: false });
  assert.equal(u32(payload(rel!.pkt), 0), 0x42490019);
  assert.equal(u32(payload(rel!.pkt), 4), 1); // the relations are whole
  // A byte past the completion's end, and a cut longer than it: the 28-byte completion goes out as it is.
  const whole = hex(h.send(G.queryResourceRequirements(0))[0]!.pkt);
  h.host.addFault({ message: QRR, action: { kind: 'flip', offset: 100, xor: 1 }, remaining: 1 });
  assert.equal(hex(h.send(G.queryResourceRequirements(0))[0]!.pkt), whole);
  h.host.addFault({ message: QRR, action: { kind: 'truncate', bytes: 28 }, remaining: 1 });
  assert.equal(hex(h.send(G.queryResourceRequirements(0))[0]!.pkt), whole);
  // A status for a message that asks for no completion: nothing is sent.
  h.host.addFault({ message: QBR, action: { kind: 'status', status: BAD_DATA }, remaining: 1 });
  assert.equal(h.send(G.queryBusRelations(), { rc: false }).length, 0);
  // A delay of a message the host answers with nothing: no timer is set.
  h.host.addFault({ message: 0x42490011, action: { kind: 'delay', ns: 5000 }, remaining: 1 }); // PCI_RESOURCES_RELEASED
  assert.equal(h.send(G.resourcesReleased(0), { rc: false }).length, 0);
  assert.equal([...h.timers.keys()].filter((k) => k.startsWith('delay:')).length, 0);
  assert.deepEqual(notes(), [
    'fault on PCI_QUERY_BUS_RELATIONS: the guest requested no completion, so there was none to cut: the fault had no effect',
    'fault on PCI_QUERY_RESOURCE_REQUIREMENTS: its completion has 28 payload bytes, none at +100: the fault had no effect',
    'fault on PCI_QUERY_RESOURCE_REQUIREMENTS: its completion has only 28 payload bytes, not more than 28: the fault had no effect',
    'fault on PCI_QUERY_BUS_RELATIONS: the guest requested no completion, so no status is sent: the message is only dropped',
    'fault on PCI_RESOURCES_RELEASED: nothing was sent in reply, so there was nothing to delay: the fault had no effect',
  ]);
});

test('a delayed reply whose channel closed meanwhile is not sent, and that is a note, not a protocol error', () => {
  const h = ready('hyperv-2022', 0x10004);
  h.host.addFault({ message: 0x42490005, action: { kind: 'delay', ns: 5000 }, remaining: 1 }); // QUERY_RESOURCE_REQUIREMENTS
  assert.equal(h.send(G.queryResourceRequirements(0)).length, 0);
  const name = [...h.timers.keys()].find((k) => k.startsWith('delay:'))!;
  h.time.open = false; // the guest closed the channel, or the host rescinded it
  h.host.onTimer(name);
  assert.equal(h.sent.length, 0);
  assert.deepEqual(h.errors(), []);
  const last = h.trace.get(h.trace.length - 1);
  assert.equal(last.kind, Ev.State);
  assert.equal(last.blob, 'delayed PCI_QUERY_RESOURCE_REQUIREMENTS completion not sent: the channel was closed or rescinded meanwhile');
});

test('snapshot/restore: equal snapshots and identical behaviour afterwards', () => {
  const h = ready('hyperv-2022', 0x10004);
  h.send(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 1, cpus: [1] }));
  h.host.eject(0);
  h.host.addFault({ message: 0x42490005, action: { kind: 'status', status: 1 }, remaining: 2 });
  h.host.mmioWrite(0, 4, 0);
  const snap = structuredClone(h.host.snapshot());
  const rsnap = structuredClone(h.remapper.snapshot());
  const fsnap = h.fn.snapshot();
  const a = h.send(G.queryResourceRequirements(0)).map((x) => hex(x.pkt));

  const g = harness('hyperv-2022');
  g.host.restore(structuredClone(snap));
  g.remapper.restore(rsnap);
  g.fn.restore(fsnap);
  assert.deepEqual(g.host.snapshot(), snap);
  assert.deepEqual(g.host.status, h.host.status.state === 'ready' ? { state: 'ready', version: 0x10004, windowBase: 0xf8000000 } : g.host.status);
  const b = g.send(G.queryResourceRequirements(0)).map((x) => hex(x.pkt));
  assert.deepEqual(b, a);
  assert.deepEqual(g.host.mmioRead(0x1000, 2), { ok: true, value: 0x15b3 });
});

test('host never throws on random packets (fixed seed), every profile', () => {
  let s = 0x12345678;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  for (const p of ['hyperv-2016', 'hyperv-2019', 'hyperv-2022', 'openvmm']) {
    const h = ready(p, p === 'hyperv-2016' ? 0x10001 : 0x10002);
    const seeds = [
      G.queryBusRelations(),
      G.queryResourceRequirements(0),
      G.resourcesAssigned(0),
      G.resourcesAssigned2(0),
      G.resourcesReleased(0),
      G.createInterrupt(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpuMask: 1n }),
      G.createInterrupt2(0, { vector: 0x30, deliveryMode: 0, vectorCount: 2, cpus: [1] }),
      G.createInterrupt3(0, { vector: 0x30, deliveryMode: 0, vectorCount: 1, cpus: [0, 1] }),
      G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0xfee00000 }),
      G.d0Entry(0xf8000000),
      G.d0Exit(),
      G.ejectionComplete(0),
    ];
    let handled = 0;
    for (let i = 0; i < 3000; i++) {
      let b: Uint8Array;
      if (rnd() % 2) {
        b = seeds[rnd() % seeds.length]!.slice();
        for (let k = rnd() % 3; k > 0; k--) b[rnd() % b.length]! ^= 1 << (rnd() % 8);
        if (rnd() % 8 === 0) b = b.subarray(0, rnd() % b.length);
      } else {
        const len = rnd() % 200;
        b = new Uint8Array(len);
        for (let j = 0; j < len; j++) b[j] = rnd() & 0xff;
        if (len >= 4 && rnd() % 2)
          new DataView(b.buffer).setUint32(
            0,
            0x42490000 + [0, 1, 4, 5, 6, 7, 8, 9, 0x10, 0x11, 0x14, 0x15, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c][rnd() % 18]!,
            true,
          ); // not 0x13: renegotiation is fatal by design
        if (len >= 8 && rnd() % 2) new DataView(b.buffer).setUint32(4, 0, true);
      }
      handled++;
      h.send(b, { rc: rnd() % 4 !== 0, txid: BigInt(i + 1) });
      assert.deepEqual(h.host.checkInvariants(), [], `${p} packet ${i}`);
      if (i % 97 === 0) h.host.mmioWrite(rnd() % 0x2100, 1 + (rnd() % 8), rnd());
      if (i % 89 === 0) h.host.mmioRead(rnd() % 0x2100, 1 + (rnd() % 8));
      assert.ok(h.host.status.state === 'ready' || h.host.status.state === 'fatal' || h.host.status.state === 'ejected');
      if (h.host.status.state !== 'ready') break;
    }
    assert.ok(!h.errors().some((e) => /internal host error/.test(e)), p);
    assert.ok(handled > 20, `${p}: only ${handled} packets before the channel failed`);
  }
});

test('vanish fault on a bus message removes every function from the window; per-device message only its slot', () => {
  const h = ready('hyperv-2022', 0x10004);
  h.host.addFault({ message: 0x42490008, action: { kind: 'vanish' }, remaining: 1 });
  h.send(G.d0Exit());
  assert.equal(h.host.isVanished(0), true);
  const x = ready('hyperv-2022', 0x10004);
  x.host.addFault({ message: 0x42490005, action: { kind: 'vanish' } });
  x.send(G.queryResourceRequirements(1)); // no function at 1: nothing vanishes, BAD_DATA InvalidSlot
  assert.equal(x.host.isVanished(0), false);
});

test('Init: an oversized QUERY_PROTOCOL_VERSION fails an OpenVMM channel (OV-D Init maps parse errors to WorkerError::Packet); Hyper-V profiles answer BAD_DATA and stay in Init', () => {
  const big = rawMsg(0x42490013, 39664, (v) => v.setUint32(4, VB, true));
  const o = harness('openvmm');
  assert.equal(o.send(big, { txid: 5n }).length, 0);
  assert.equal(o.host.status.state, 'fatal');
  assert.match(o.errors().join('\n'), /fatal channel error: PacketTooLarge/);
  assert.equal(o.send(G.queryProtocolVersion(VB)).length, 0, 'a failed channel answers nothing');
  // Exactly the largest packet still parses: negotiated.
  const ok = harness('openvmm');
  assert.equal(u32(payload(ok.send(rawMsg(0x42490013, 39656, (v) => v.setUint32(4, VB, true)))[0]!.pkt), 0), 0);
  assert.equal(ok.host.status.state, 'ready');
  // Too short for a message type: fatal too, as PacketTooSmall("header").
  const s = harness('openvmm');
  assert.equal(s.send(new Uint8Array(0)).length, 0);
  assert.match(s.errors().join('\n'), /fatal channel error: PacketTooSmall\("header"\)/);
  const h = harness('hyperv-2022');
  const [r] = h.send(big, { txid: 5n });
  assert.equal(u32(payload(r!.pkt), 0), BAD_DATA);
  assert.equal(h.host.status.state, 'init');
});

test('OpenVMM reads a packet whole before its slot: one with a bad slot and bad contents is refused for its contents (OV-D parse_packet, then handle_packet); in Init any parse error is the fatal one', () => {
  const rows: [string, Uint8Array, RegExp][] = [
    ['vector_count > 32', G.createInterrupt2(1, { vector: 0x30, deliveryMode: 0, vectorCount: 33, cpus: [0] }), /InvalidInterrupt: vector_count 33/],
    ['delivery mode 2', G.createInterrupt3(1, { vector: 0x30, deliveryMode: 2, vectorCount: 1, cpus: [0] }), /InvalidInterruptType/],
    ['TooManyMsis', rawMsg(0x42490016, 136, (v) => (v.setUint32(4, 1, true), v.setUint32(128, 495, true))), /TooManyMsis: msi_resource_count 495/],
    ['InvalidMmio before the MSI array', rawMsg(0x42490010, 136, (v, b) => (v.setUint32(4, 1, true), (b[8] = 7), v.setUint32(128, 2, true))), /InvalidMmio/],
    ['MSI array cut short', rawMsg(0x42490016, 136, (v) => (v.setUint32(4, 1, true), v.setUint32(128, 1, true))), /PacketTooSmall\("msi2"\)/],
    ['short power change', rawMsg(0x42490004, 8, (v) => v.setUint32(4, 1, true)), /PacketTooSmall\("device_power_state"\)/],
  ];
  for (const [name, msg, re] of rows) {
    const h = ready('openvmm', 0x10004);
    const out = h.send(msg, { txid: 0x77n });
    assert.equal(u32(payload(out[0]!.pkt), 0), BAD_DATA, name);
    const errs = h.errors().join('\n');
    assert.match(errs, re, name);
    assert.doesNotMatch(errs, /InvalidSlot/, name);
    assert.equal(h.host.status.state, 'ready', name);
  }
  // Init: what does not parse ends the channel with its parse error; what parses and is not a version query is out of order.
  for (const [msg, re] of [
    [rawMsg(0x42490014, 16), /fatal channel error: PacketTooSmall\("interrupt"\): 16 < 24 bytes before version negotiation/],
    [rawMsg(0x42490099, 8), /fatal channel error: UnknownType: 0x42490099 before version negotiation/],
    [G.queryBusRelations(), /fatal channel error: UnexpectedPacketOrder: 0x42490001 before version negotiation/],
  ] as const) {
    const o = harness('openvmm');
    assert.equal(o.send(msg, { txid: 5n }).length, 0);
    assert.equal(o.host.status.state, 'fatal');
    assert.match(o.errors().join('\n'), re);
  }
});

test('A version query OpenVMM cannot parse is answered BAD_DATA in Ready (parse_packet: PacketTooLarge), only one it parses fails the channel (handle_packet)', () => {
  // Payloads are whole 8-byte units on the ring, so a version query is never too short to parse: only too long.
  const h = ready('openvmm', VB);
  const out = h.send(
    rawMsg(0x42490013, 39664, (v) => v.setUint32(4, VB, true)),
    { txid: 9n },
  );
  assert.equal(u32(payload(out[0]!.pkt), 0), BAD_DATA);
  assert.match(h.errors().join('\n'), /PacketTooLarge: 39664 > 39656/);
  assert.equal(h.host.status.state, 'ready');
  assert.equal(h.send(G.queryProtocolVersion(VB), { txid: 9n }).length, 0);
  assert.equal(h.host.status.state, 'fatal');
  assert.match(h.errors().join('\n'), /UnexpectedPacketOrder: QUERY_PROTOCOL_VERSION after negotiation/);
});

/** A VMBus packet with `ext` (a multiple of 8 bytes) between the descriptor and the payload, as transfer-page and GPA-direct packets carry. */
function packetWith(type: number, flags: number, txid: bigint, ext: Uint8Array, body: Uint8Array): Uint8Array {
  const hdr = 16 + ext.length;
  const total = hdr + ((body.length + 7) & ~7);
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  v.setUint16(0, type, true);
  v.setUint16(2, hdr / 8, true);
  v.setUint16(4, total / 8, true);
  v.setUint16(6, flags, true);
  v.setBigUint64(8, txid, true);
  b.set(ext, 16);
  b.set(body, hdr);
  return b;
}
/** Transfer-page header (set id u16, reserved u16, range count u32) + one range; GPA-direct header (reserved u32, range count u32) + one range. */
const xferExt = (ranges: number) => new Uint8Array([1, 0, 0, 0, ranges, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0]);
const gpaExt = (ranges: number) => new Uint8Array([0, 0, 0, 0, ranges, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0]);

test('OpenVMM takes transfer-page (7) and GPA-direct (9) packets as data, reading the payload after their ranges (OV-R parse_packet, queue.rs IncomingPacket::parse)', () => {
  for (const [name, type, ext] of [
    ['transfer pages', 7, xferExt(1)],
    ['GPA direct', 9, gpaExt(1)],
  ] as const) {
    const h = ready('openvmm', VB);
    const before = h.sent.length;
    h.host.handlePacket(packetWith(type, 1, 0x31n, ext, G.queryResourceRequirements(0)));
    const out = h.sent.slice(before);
    assert.equal(out.length, 1, name);
    assert.deepEqual(desc(out[0]!.pkt), { type: 11, hdr: 2, total: 6, flags: 0, txid: 0x31 }, name);
    assert.equal(u32(payload(out[0]!.pkt), 4), 0xfffff00c, name);
    assert.equal(h.host.status.state, 'ready', name);
    // Version negotiation the same way.
    const n = harness('openvmm');
    n.host.handlePacket(packetWith(type, 1, 1n, ext, G.queryProtocolVersion(VB)));
    assert.equal(n.host.status.state, 'ready', name);
  }
  // Hyper-V profiles keep failing the channel on them [UNCONFIRMED].
  const x = ready('hyperv-2022', 0x10004);
  x.host.handlePacket(packetWith(7, 1, 0x31n, xferExt(1), G.queryResourceRequirements(0)));
  assert.equal(x.host.status.state, 'fatal');
  assert.match(x.errors().join('\n'), /InvalidPacketType: VMBus packet type 7/);
});

test('OpenVMM: a corrupt ring fails the channel — unknown descriptor flags, unknown types, a short transfer-page header, a GPA-direct packet without ranges (OV-R parse_packet)', () => {
  const rows: [string, Uint8Array, RegExp][] = [
    ['flag bit 1', packetWith(6, 3, 0x31n, new Uint8Array(0), G.queryResourceRequirements(0)), /InvalidDescriptorFlags: flags 0x0003/],
    ['flag bit 15, no RC', packetWith(6, 0x8000, 0n, new Uint8Array(0), G.queryResourceRequirements(0)), /InvalidDescriptorFlags: flags 0x8000/],
    ['type 8', packetWith(8, 1, 0x31n, new Uint8Array(0), G.queryResourceRequirements(0)), /InvalidDescriptorType: type 8/],
    ['transfer pages, 16-byte header', packetWith(7, 1, 0x31n, new Uint8Array(0), G.queryResourceRequirements(0)), /InvalidDescriptorLengths/],
    ['GPA direct, 0 ranges', packetWith(9, 1, 0x31n, gpaExt(0), G.queryResourceRequirements(0)), /InvalidDescriptorGpaDirectRangeCount/],
  ];
  for (const [name, pkt, re] of rows) {
    const h = ready('openvmm', VB);
    const before = h.sent.length;
    h.host.handlePacket(pkt);
    assert.equal(h.sent.length, before, name);
    assert.equal(h.host.status.state, 'fatal', name);
    assert.match(h.errors().join('\n'), re, name);
  }
  // Hyper-V profiles ignore flags beyond bit 0 [UNCONFIRMED]: the request is served.
  const x = ready('hyperv-2022', 0x10004);
  x.host.handlePacket(packetWith(6, 3, 0x31n, new Uint8Array(0), G.queryResourceRequirements(0)));
  assert.equal(x.host.status.state, 'ready');
  assert.equal(u32(payload(x.sent.at(-1)!.pkt), 0), 0);
});

test('RESOURCES_ASSIGNED ranges against the BARs as OpenVMM set_bars checks them: a 32-bit mask widened with zeros, no memory-BAR check; Hyper-V profiles keep the memory-BAR checks', () => {
  const fn = () =>
    new FakeFunction({ vendor: 0x8086, device: 0x10fb }, [
      { index: 0, size: 0x1000, is64: true, prefetch: true },
      { index: 2, size: 0x4000 },
      { index: 3, size: 0x20, io: true },
    ]);
  const mem = (index: number, start: bigint, len: bigint) => ({ [index]: [3, 0, 0, 0, ...le(start, 8), ...le(len, 4), 0, 0, 0, 0] });
  const run = (profile: string, descs: Record<number, number[]>) => {
    const f = fn();
    const h = harness(profile, { functions: [{ wslot: 0, fn: f, serial: 1 }] });
    h.send(G.queryProtocolVersion(VB), { txid: 1n });
    const [r] = h.send(assigned2(descs), { txid: 2n });
    return { status: u32(payload(r!.pkt), 0), f, h };
  };
  // A 32-bit BAR takes a range longer than the BAR: (!mask | 0xF) + 1 on the zero-widened mask is huge.
  const long = run('openvmm', mem(2, 0x8000n, 0x10000n));
  assert.equal(long.status, 0);
  assert.equal(long.f.cfgRead(0x18, 4), 0x8000);
  assert.equal(run('hyperv-2022', mem(2, 0x8000n, 0x10000n)).status, BAD_DATA);
  // ...but not one above 4 GiB: the address has bits outside the mask (Unaligned); sign-extended it passed.
  const high = run('openvmm', mem(2, 0x1_0000_8000n, 0x4000n));
  assert.equal(high.status, BAD_DATA);
  assert.match(high.h.errors().join('\n'), /InvalidBars::Unaligned: resource 2/);
  // An I/O BAR takes an aligned range and is written.
  const io = run('openvmm', mem(3, 0x1000n, 0x20n));
  assert.equal(io.status, 0);
  assert.equal(io.f.cfgRead(0x1c, 4), 0x1001);
  const ioUnaligned = run('openvmm', mem(3, 0x1010n, 0x20n));
  assert.equal(ioUnaligned.status, BAD_DATA);
  assert.equal(run('hyperv-2022', mem(3, 0x1000n, 0x20n)).status, BAD_DATA);
  // The high half of a 64-bit BAR alone: its mask (all ones, bit 2 set) reads as a 64-bit BAR of its own.
  assert.equal(run('openvmm', mem(1, 0n, 0x1000n)).status, 0);
  assert.equal(run('hyperv-2022', mem(1, 0n, 0x1000n)).status, BAD_DATA);
  // No BAR at all (mask 0): a range at 0 is TooLarge ((!0 | 0xF) + 1 wraps to 0), elsewhere Unaligned.
  const none = run('openvmm', mem(4, 0n, 0x1000n));
  assert.equal(none.status, BAD_DATA);
  assert.match(none.h.errors().join('\n'), /InvalidBars::TooLarge: resource 4/);
  // A 64-bit BAR 5 has no register for its high half: OpenVMM indexes past its array and aborts; ours fails the channel.
  const f5 = new FakeFunction({ vendor: 0x8086, device: 0x10fb }, [{ index: 5, size: 0x1000, is64: true }]);
  const h5 = harness('openvmm', { functions: [{ wslot: 0, fn: f5, serial: 1 }] });
  h5.send(G.queryProtocolVersion(VB), { txid: 1n });
  assert.equal(h5.send(assigned2(mem(5, 0x1000n, 0x1000n)), { txid: 2n }).length, 0);
  assert.equal(h5.host.status.state, 'fatal');
  assert.match(h5.errors().join('\n'), /OpenVMM panics: set_bars/);
});

test('canDequeue (openvmm): room for a completion of the largest packet, or the whole ring when smaller (OV-D wait_for_completion_space)', () => {
  // A 16 KiB ring: capacity 16376 < 39680, so only an empty ring will do — one 24-byte completion (32 bytes with its footer) blocks.
  for (const state of ['init', 'ready'] as const) {
    const h = state === 'init' ? harness('openvmm') : ready('openvmm', VB);
    assert.equal(h.host.canDequeue(), true, state);
    h.time.free = 16384 - 32;
    assert.equal(h.host.canDequeue(), false, state);
  }
  // A Hyper-V profile reads on with that much room [UNCONFIRMED].
  const x = ready('hyperv-2022', 0x10004);
  x.time.free = 16384 - 32;
  assert.equal(x.host.canDequeue(), true);
  // A 64 KiB ring: 16 + 39656 + 8 = 39680 bytes past OV-R's 8 reserved ones.
  const b = ready('openvmm', VB);
  b.time.capacity = 65536;
  b.time.free = 39688;
  assert.equal(b.host.canDequeue(), true);
  b.time.free = 39680;
  assert.equal(b.host.canDequeue(), false);
});

test('eject on a channel that cannot take it (closed, failed): nothing written, no 60 s wait, the reason traced, the device removed and the offer rescinded [UNCONFIRMED for Hyper-V]', () => {
  const ejectRecord = (h: Harness) => {
    const out: string[] = [];
    for (let i = 0; i < h.trace.length; i++) {
      const b = h.trace.get(i).blob as { what?: string; to?: unknown } | undefined;
      if (h.trace.get(i).kind === Ev.State && b?.what === 'eject') out.push(String(b.to));
    }
    return out;
  };
  const cases: [string, (h: Harness) => void, RegExp][] = [
    ['closed', (h) => void (h.time.open = false), /not sent: the channel is not open/],
    ['failed', (h) => void h.send(G.queryBusRelations()), /not sent: the channel failed \(UnexpectedPacketOrder/],
  ];
  for (const [name, setup, re] of cases) {
    const h = harness('hyperv-2022');
    setup(h);
    const before = h.sent.length;
    h.host.eject(0);
    assert.equal(h.sent.length, before, name);
    assert.equal(h.timers.size, 0, name);
    assert.equal(h.rescinds, 1, name);
    assert.match(ejectRecord(h).join('\n'), re, name);
    assert.equal(h.host.hasFunction(0), false, name);
    assert.deepEqual(h.host.checkInvariants(), [], name);
  }
  // An eject in progress when the channel fails, then a second eject: the first one's wait ends with the function.
  const g = ready('hyperv-2022', 0x10004);
  g.host.eject(0);
  assert.equal(g.timers.has('eject:0'), true);
  g.send(G.queryProtocolVersion(0x10004));
  g.host.eject(0);
  assert.equal(g.timers.has('eject:0'), false);
  assert.deepEqual(g.host.checkInvariants(), []);
  // A negotiated channel still gets the EJECT, and so does one still negotiating: the guest reads its ring (an
  // eject racing the attach).
  const r = ready('hyperv-2022', 0x10004);
  r.host.eject(0);
  assert.equal(u32(payload(r.sent[0]!.pkt), 0), 0x4249000b);
  const early = harness('hyperv-2022');
  early.host.eject(0);
  assert.equal(u32(payload(early.sent.at(-1)!.pkt), 0), 0x4249000b);
  assert.equal(early.timers.has('eject:0'), true);
});

/** PCI_TDISP_COMMAND: type, slot, data_length u64, then the data (OV-P VpciTdispCommandHeader). */
function tdisp(data: number[], o: { slot?: number; length?: number } = {}): Uint8Array {
  return rawMsg(0x4249001d, 16 + data.length, (v, b) => {
    v.setUint32(4, o.slot ?? 0, true);
    v.setBigUint64(8, BigInt(o.length ?? data.length), true);
    b.set(data, 16);
  });
}

test('PCI_TDISP_COMMAND on openvmm: NOT_SUPPORTED when the data is a GuestToHostCommand (no device here has TDISP), BAD_DATA when it is not; Hyper-V profiles: unknown type', () => {
  const NOT_SUPPORTED = 0xc00000bb;
  const rows: [string, Uint8Array, number, RegExp?][] = [
    // device_id 5, get_device_interface_info { guest_protocol_type: AMD_SEV_TIO_V1 }
    ['interface info', tdisp([0x08, 0x05, 0x12, 0x02, 0x08, 0x01]), NOT_SUPPORTED],
    ['bind, an unknown field skipped', tdisp([0x1a, 0x00, 0x38, 0x01]), NOT_SUPPORTED],
    ['report type 7 replaced by a bind', tdisp([0x22, 0x02, 0x08, 0x07, 0x1a, 0x00]), NOT_SUPPORTED],
    ['report type 7 kept by an empty get_tdi_report', tdisp([0x22, 0x02, 0x08, 0x07, 0x22, 0x00]), BAD_DATA, /report_type is not a valid value: 7/],
    ['no command', tdisp([]), BAD_DATA, /command must be set/],
    ['unbind reason 2', tdisp([0x32, 0x02, 0x08, 0x02]), BAD_DATA, /unbind_reason is not a valid value/],
    ['cut short', tdisp([0x12, 0x05, 0x08]), BAD_DATA, /buffer underflow/],
    ['wire type 7', tdisp([0x0f]), BAD_DATA, /invalid wire type value: 7/],
    ['header cut short (8 bytes: VMBus pads to 8, so 12 would read as 16)', rawMsg(0x4249001d, 8), BAD_DATA, /PacketTooSmall\("tdisp_command_header"\)/],
    ['data_length past the packet', tdisp([0x1a, 0x00], { length: 64 }), BAD_DATA, /PacketTooSmall\("tdisp_command_data"\)/],
    ['data_length above the largest', tdisp([], { length: 39641 }), BAD_DATA, /PacketTooLarge/],
    ['slot 1', tdisp([0x1a, 0x00], { slot: 1 }), BAD_DATA, /InvalidSlot/],
  ];
  for (const [name, msg, status, re] of rows) {
    const h = ready('openvmm', VB);
    const out = h.send(msg, { txid: 0x44n });
    assert.equal(out.length, 1, name);
    assert.equal(u32(payload(out[0]!.pkt), 0), status, name);
    if (re) assert.match(h.errors().join('\n'), re, name);
    assert.equal(h.host.status.state, 'ready', name);
  }
  const x = ready('hyperv-2022', 0x10004);
  assert.equal(u32(payload(x.send(tdisp([0x1a, 0x00]))[0]!.pkt), 0), BAD_DATA);
  assert.match(x.errors().join('\n'), /UnknownType: 0x4249001d/);
});
