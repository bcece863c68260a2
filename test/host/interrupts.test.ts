import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from '../../emulator/runtime/trace';
import { Ev } from '../../emulator/vpci/events';
import { InterruptRemapper } from '../../emulator/vpci/host/interrupts';
import { HOST_PROFILES, hostProfile } from '../../emulator/vpci/host/profiles';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { checkExpectations } from '../../emulator/machine/expect';

const mk = () => {
  const trace = new Trace(64);
  return { trace, r: new InterruptRemapper({ trace, now: () => 5 }) };
};
const req = (o: Partial<{ bus: number; wslot: number; vector: number; deliveryMode: number; cpus: number[]; vectorCount: number }> = {}) => ({
  bus: 0,
  wslot: 0,
  vector: 0x21,
  deliveryMode: 0,
  cpus: [0],
  vectorCount: 1,
  ...o,
});

test('profiles: names and accepted versions', () => {
  assert.deepEqual(
    HOST_PROFILES.map((p) => p.name),
    ['hyperv-2016', 'hyperv-2019', 'hyperv-2022', 'openvmm'],
  );
  // WS2016 is RS1 and WS2019 RS5, both before 1.3 (Vibranium): 1.1 and 1.2; WS2022 1.1-1.4.
  assert.deepEqual(hostProfile('hyperv-2016')!.versions, [0x10001, 0x10002]);
  assert.deepEqual(hostProfile('hyperv-2019')!.versions, [0x10001, 0x10002]);
  assert.deepEqual(hostProfile('hyperv-2022')!.versions, [0x10001, 0x10002, 0x10003, 0x10004]);
  assert.ok(!hostProfile('openvmm')!.versions.includes(0x10001));
  assert.ok(hostProfile('openvmm')!.versions.includes(0x10004));
  assert.equal(hostProfile('openvmm')!.maxPacket, 39656);
  assert.equal(hostProfile('nope'), undefined);
});

test('verify_simple_interrupt: 0xFEE00000/0 delivers vector 0x21 to CPU 0', () => {
  const { r, trace } = mk();
  assert.deepEqual(r.map(req()), { ok: true, address: 0xfee00000, data: 0 });
  assert.deepEqual(r.deliver(0, 0xfee00000, 0), { cpu: 0, vector: 0x21 });
  assert.equal(trace.get(0).kind, Ev.IntMap);
  assert.equal(trace.get(0).c, 0xfee00000);
});

test('verify_multi_interrupt: count 2, data 0/1 -> 0x21/0x22', () => {
  const { r } = mk();
  const m = r.map(req({ vectorCount: 2 }));
  assert.ok(m.ok);
  assert.deepEqual(r.deliver(0, m.address, 0), { cpu: 0, vector: 0x21 });
  assert.deepEqual(r.deliver(0, m.address, 1), { cpu: 0, vector: 0x22 });
  assert.ok('error' in r.deliver(0, m.address, 2));
});

test('delivery needs the whole 64-bit address in the window: 0x1_FEE00000 is no interrupt message, whatever its low half', () => {
  const { r } = mk();
  r.map(req());
  assert.deepEqual(r.deliver(0, 0x1_fee0_0000, 0), { error: 'address 0x1fee00000 is not in the interrupt window 0xfee00000' });
  assert.deepEqual(r.deliver(0, 0xfee00000, 0), { cpu: 0, vector: 0x21 });
});

test('a guest that programs a corrupted CREATE_INTERRUPT reply (address high bits set) gets no interrupt', () => {
  // FreeBSD at 1.1 writes the host's address as it came (vmbus_pcib_map_msi): `flip 20 0x01` sets bit 32 of it.
  const dir = mkdtempSync(join(tmpdir(), 'vpci-msi-'));
  const f = join(dir, 'hi.vpci');
  writeFileSync(
    f,
    'vm {\n  host hyperv-2016\n  guest freebsd\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 fault nic0 create-interrupt flip 20 0x01 times 1\n' +
      'at 0 boot\nat 2ms driver nic0 msix 1\nat 3ms raise nic0 vector 0\nexpect nic0 vector 0 undeliverable\n',
  );
  const l = loadScenarioFile(f);
  assert.deepEqual(l.errors, []);
  l.machine!.run();
  const [res] = checkExpectations(l.machine!, l.scenario.expectations, l.text);
  assert.ok(res!.ok, JSON.stringify(res));
  const t = l.machine!.trace;
  const drop = [...Array(t.length).keys()].map((i) => t.get(i)).find((e) => e.kind === Ev.IntUndeliverable);
  assert.match(String(drop?.blob), /address 0x1fee00000 data 0x0: address 0x1fee00000 is not in the interrupt window/);
});

test('a first target VP the VM does not have is RegisterInterrupt (OV x86 InvalidVirtualProcessor): BAD_DATA, nothing mapped', () => {
  const trace = new Trace(64);
  const r = new InterruptRemapper({ trace, now: () => 5, vps: 2 });
  assert.deepEqual(r.map(req({ cpus: [7] })), {
    ok: false,
    status: 0xc000090b,
    reason: 'RegisterInterrupt: InvalidVirtualProcessor(7): the VM has 2 virtual processors',
  });
  assert.equal(r.mappingsOf(0), 0);
  assert.equal(r.map(req({ cpus: [1, 7] })).ok, true, 'only the first target is looked up at registration');
  // The machine gives its remapper the VM's CPU count.
  const l = loadScenarioFile(join(mkdtempSync(join(tmpdir(), 'vpci-vp-')), 'x.vpci'), {}, 'vm {\n  host openvmm\n  guest linux\n  cpus 2\n}\n');
  assert.deepEqual(l.errors, []);
  const m = l.machine!.remapper.map(req({ cpus: [0xffff] }));
  assert.ok(!m.ok && /InvalidVirtualProcessor\(65535\): the VM has 2 virtual processors/.test(m.reason));
});

test('verify_two_interrupts: second mapping at 0xFEE00004', () => {
  const { r } = mk();
  r.map(req());
  assert.deepEqual(r.map(req({ vector: 0x30 })), { ok: true, address: 0xfee00004, data: 0 });
});

test('verify_retarget: retarget to [2,3] delivers to CPU 2', () => {
  const { r } = mk();
  r.map(req());
  assert.equal(r.retarget(0, 0xfee00000, 0, 0x41, [2, 3]), true);
  assert.deepEqual(r.deliver(0, 0xfee00000, 0), { cpu: 2, vector: 0x41 });
  assert.equal(r.retarget(0, 0xfee00040, 0, 0x41, [2]), false);
  assert.equal(r.retarget(1, 0xfee00000, 0, 0x41, [2]), false, 'another bus has no such mapping');
});

test('remapper limits: >32 vectors, >32 CPUs, delivery mode, and 494 mappings per device whatever their vector counts', () => {
  const { r, trace } = mk();
  const bad = [req({ vectorCount: 33 }), req({ cpus: Array.from({ length: 33 }, (_, i) => i) }), req({ deliveryMode: 2 }), req({ cpus: [] })];
  for (const q of bad) {
    const m = r.map(q);
    assert.equal(m.ok, false);
    if (!m.ok) assert.equal(m.status, 0xc000090b);
  }
  // A refusal is the caller's to report (the host's one Ev.Error for the request): the remapper records none.
  assert.equal(trace.length, 0);
  assert.ok(r.map(req({ vectorCount: 32, cpus: Array.from({ length: 32 }, (_, i) => i) })).ok);
  // OV-D map_interrupts counts the device's mappings (one per request), not their messages.
  for (let i = 1; i < 494; i++) assert.ok(r.map(req({ vectorCount: 32 })).ok, `mapping ${i + 1}`);
  assert.equal(r.mappingsOf(0), 494);
  assert.equal(r.mappedMessages, 494 * 32);
  const over = r.map(req({ vectorCount: 1 }));
  assert.equal(over.ok, false);
  if (!over.ok) assert.equal(over.reason, 'TooManyMsis: 495 interrupts mapped on the device > 494');
  assert.deepEqual(r.map(req({ vectorCount: 0 })), { ok: true, address: 0, data: 0 });
  // Another device (bus) has a limit of its own.
  assert.deepEqual(r.map(req({ bus: 1 })), { ok: true, address: 0xfee00000, data: 0 });
  assert.equal(r.tooMany(0, 0), undefined);
  assert.equal(r.tooMany(1, 493), undefined);
  assert.equal(r.tooMany(1, 494), 'TooManyMsis: 495 interrupts mapped on the device > 494');
});

test("one table per device: each bus starts at 0xFEE00000, and a write or a retarget finds its own bus's mapping", () => {
  const { r } = mk();
  assert.deepEqual(r.map(req({ bus: 0, vector: 0x30 })), { ok: true, address: 0xfee00000, data: 0 });
  assert.deepEqual(r.map(req({ bus: 0, vector: 0x31 })), { ok: true, address: 0xfee00004, data: 0 });
  assert.deepEqual(r.map(req({ bus: 3, vector: 0x40, cpus: [1] })), { ok: true, address: 0xfee00000, data: 0 });
  assert.deepEqual(r.deliver(0, 0xfee00000, 0), { cpu: 0, vector: 0x30 });
  assert.deepEqual(r.deliver(3, 0xfee00000, 0), { cpu: 1, vector: 0x40 });
  assert.deepEqual(r.deliver(3, 0xfee00004, 0), { error: 'no mapping at table slot 1' });
  assert.equal(r.retarget(3, 0xfee00000, 0, 0x50, [2]), true);
  assert.deepEqual(r.deliver(3, 0xfee00000, 0), { cpu: 2, vector: 0x50 });
  assert.deepEqual(r.deliver(0, 0xfee00000, 0), { cpu: 0, vector: 0x30 }, 'bus 0 is untouched');
  assert.equal(r.unmap(3, 0, 0xfee00004, 0), false);
  assert.equal(r.unmap(3, 0, 0xfee00000, 0), true);
  assert.equal(r.entriesFor(0, 0).length, 2);
});

test("a table is a slab: a new mapping takes the entry freed last; a release frees in the device's list order (swap_remove on delete)", () => {
  const { r } = mk();
  for (let v = 0; v < 4; v++) r.map(req({ vector: 0x30 + v })); // entries 0..3, list [0, 1, 2, 3]
  assert.equal(r.unmap(0, 0, 0xfee00004, 0), true); // list [0, 3, 2], free [1]
  assert.equal(r.unmap(0, 0, 0xfee0000c, 0), true); // list [0, 2], free [1, 3]
  assert.equal((r.map(req({ vector: 0x40 })) as { address: number }).address, 0xfee0000c, 'the entry freed last');
  assert.equal((r.map(req({ vector: 0x41 })) as { address: number }).address, 0xfee00004);
  assert.equal((r.map(req({ vector: 0x42 })) as { address: number }).address, 0xfee00010, 'none free: a new one at the end');
  // list [0, 2, 3, 1, 4]: released in that order, so the next mappings take 4, 1, 3, 2, 0.
  assert.equal(r.unmapAll(0), 5);
  const next = Array.from({ length: 6 }, () => (r.map(req()) as { address: number }).address);
  assert.deepEqual(next, [0xfee00010, 0xfee00004, 0xfee0000c, 0xfee00008, 0xfee00000, 0xfee00014]);
});

test('unmap matches bus, wslot, address and data; snapshot/restore is equal, free entries and list order included', () => {
  const { r } = mk();
  r.map(req({ bus: 1, wslot: 0 }));
  r.map(req({ bus: 1, wslot: 0, vector: 0x22, cpus: [1, 2] }));
  r.map(req({ bus: 1, wslot: 0, vector: 0x23 }));
  r.map(req({ bus: 2, wslot: 0, vector: 0x24 }));
  assert.equal(r.unmap(1, 0, 0xfee00004, 0), true);
  const snap = structuredClone(r.snapshot());
  assert.equal(r.unmap(0, 0, 0xfee00000, 0), false);
  assert.equal(r.unmap(1, 0, 0xfee00000, 1), false);
  assert.equal(r.unmap(1, 1, 0xfee00000, 0), false);
  assert.equal(r.unmap(1, 0, 0xfee00000, 0), true);
  assert.equal(r.unmap(1, 0, 0xfee00000, 0), false);
  assert.equal(r.entriesFor(1, 0).length, 1);
  r.restore(snap);
  assert.deepEqual(r.snapshot(), snap);
  assert.deepEqual(
    r.entriesFor(1, 0).map((e) => e.address),
    [0xfee00000, 0xfee00008],
  );
  assert.equal(r.mappedMessages, 3);
  assert.equal((r.map(req({ bus: 1 })) as { address: number }).address, 0xfee00004, 'the free entry came back with the snapshot');
  assert.equal((r.map(req({ bus: 2 })) as { address: number }).address, 0xfee00004);
});
