// The 2016 vmbus_pcib (freebsd-src dd2e215ca93c) against the differences docs/protocol.md
// lists for it: one QUERY_PROTOCOL_VERSION for 1.1 with is_last_attempt set (§1.3),
// EPROTO on any negative status (§1.5), v1 messages only (§1.2), no
// prepopulate_bars (§5.2), and waits without the rescind poll (§7.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import { run, events, sent, received, completions, toHost, busStates, logged, u32, Ev } from './freebsd-run';
import { lay } from '../wire/layout';

const BODY = 'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 2\n';

test('freebsd-2016: offers 1.1 only, once, with is_last_attempt = 1', () => {
  const m = run({ host: 'hyperv-2022', guest: 'freebsd-2016' }, BODY);
  const q = sent(m, MSG.PCI_QUERY_PROTOCOL_VERSION);
  assert.equal(q.length, 1);
  assert.equal(u32(q[0]!, 4), 0x00010001);
  assert.equal(u32(q[0]!, 8) & 1, 1, 'is_last_attempt');
  assert.deepEqual(busStates(m), ['attached']);
});

test('freebsd-2016 on a host that would take 1.4 still speaks 1.1: BUS_RELATIONS, RESOURCES_ASSIGNED, CREATE_INTERRUPT v1', () => {
  const m = run({ host: 'hyperv-2022', guest: 'freebsd-2016' }, BODY);
  const seq = toHost(m);
  assert.deepEqual(seq, [
    MSG.PCI_QUERY_PROTOCOL_VERSION,
    MSG.PCI_QUERY_BUS_RELATIONS,
    MSG.PCI_QUERY_RESOURCE_REQUIREMENTS,
    MSG.PCI_BUS_D0ENTRY,
    MSG.PCI_RESOURCES_ASSIGNED,
    MSG.PCI_CREATE_INTERRUPT_MESSAGE,
    MSG.PCI_CREATE_INTERRUPT_MESSAGE,
  ]);
  assert.ok(received(m, MSG.PCI_BUS_RELATIONS).length >= 1);
  assert.equal(received(m, MSG.PCI_BUS_RELATIONS2).length, 0);
  // CREATE_INTERRUPT v1 (§2.5): wslot @4, vector u8 @8, delivery @9, vector_count u16 @10, cpu_mask u64 @16.
  const maps = events(m).filter((e) => e.kind === Ev.IntMap);
  sent(m, MSG.PCI_CREATE_INTERRUPT_MESSAGE).forEach((e, i) => {
    const b = Buffer.from(e.blob as Uint8Array);
    const cpus = (maps[i]!.blob as { cpus: number[] }).cpus;
    assert.equal(b.readUInt16LE(16 + 10), 1, 'vector_count 1');
    assert.equal(b.readBigUInt64LE(16 + 16), 1n << BigInt(cpus[0]!), 'cpu_mask = 1 << vp');
  });
});

test('freebsd-2016: a rejected version fails attach with EPROTO; no fallback, no QUERY_BUS_RELATIONS', () => {
  // The OpenVMM host refuses 1.1 (§1.4).
  const m = run({ host: 'openvmm', guest: 'freebsd-2016' }, BODY);
  assert.deepEqual(toHost(m), [MSG.PCI_QUERY_PROTOCOL_VERSION]);
  assert.ok(logged(m, /version negotiation failed: c0000059/));
  assert.equal(logged(m, /attach failed/), undefined, 'the driver prints nothing more: only the negotiation message');
  assert.deepEqual(busStates(m), ['failed']);
  // The current driver on the same host negotiates 1.4 and attaches.
  const now = run({ host: 'openvmm' }, BODY);
  assert.deepEqual(busStates(now), ['attached']);
});

test('freebsd-2016: no vmbus_pcib_prepopulate_bars — the first forwarded config access is not a BAR read', () => {
  const firstCfg = (guest: 'freebsd' | 'freebsd-2016') => {
    const m = run({ host: 'hyperv-2016', guest }, BODY);
    const ra = completions(m, MSG.PCI_RESOURCES_ASSIGNED)[0]!;
    const e = events(m).find((x) => x.i > ra.i && (x.kind === Ev.CfgRead || x.kind === Ev.CfgWrite))!;
    return { where: e.b & 0xffff, size: e.b >>> 16, kind: e.kind };
  };
  // Today: prepopulate reads BAR0 (4 bytes) right after RESOURCES_ASSIGNED.
  assert.deepEqual(firstCfg('freebsd'), { where: 0x10, size: 4, kind: Ev.CfgRead });
  const old = firstCfg('freebsd-2016');
  assert.ok(!(old.where >= 0x10 && old.where < 0x28), `2016 starts with pci(4) enumeration, got 0x${old.where.toString(16)}`);
});

test('freebsd-2016: waits have no rescind poll — a rescind during D0 entry leaves attach asleep', () => {
  const body = 'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 fault nic0 bus-d0entry no-reply\nat 0 boot\nat 5ms rescind nic0\n';
  const now = run({ host: 'hyperv-2016' }, body);
  assert.ok(logged(now, /The device is revoked/), 'wait_for_response sees the rescind');
  assert.deepEqual(busStates(now), ['failed']);
  const old = run({ host: 'hyperv-2016', guest: 'freebsd-2016' }, body);
  assert.equal(logged(old, /The device is revoked/), undefined);
  assert.deepEqual(busStates(old), [], 'wait_for_completion never returns');
  assert.equal(sent(old, MSG.PCI_RESOURCES_ASSIGNED).length, 0);
});

test('freebsd-2016 on a two-function bus: both functions attach, and an eject of 01.0 is answered at once (no descriptor-stride bug, §7.1)', () => {
  const body = 'bus nic0 { function 0 intel-82599-vf serial 1\n function 1 mellanox-cx3-vf serial 2 }\nat 0 boot\nat 5ms eject nic0/1\n';
  for (const host of ['hyperv-2016', 'hyperv-2019', 'hyperv-2022']) {
    const m = run({ host, guest: 'freebsd-2016' }, body);
    assert.deepEqual(
      sent(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS).map((e) => u32(e, 4)),
      [0, 1],
      `${host}: one query per function, each at its own wslot`,
    );
    assert.deepEqual(
      sent(m, MSG.PCI_RESOURCES_ASSIGNED).map((e) => u32(e, 4)),
      [0, 1],
    );
    const ej = received(m, MSG.PCI_EJECT)[0]!;
    const ec = sent(m, MSG.PCI_EJECTION_COMPLETE);
    assert.equal(ec.length, 1, `${host}: the eject is answered`);
    assert.equal(u32(ec[0]!, 4), 1, 'for 01.0');
    assert.ok(ec[0]!.time - ej.time < 1e9, `${host}: promptly, not after the host's 60 s timeout`);
    assert.ok(!events(m).some((e) => e.kind === Ev.Error && /timed out/.test(String(e.blob))));
    // The host then rescinds the channel (§7.2 step 4): the bridge detaches.
    assert.deepEqual(busStates(m), ['attached', 'detached']);
  }
});

test('freebsd-2016: a vector on VP 64 or above asks for cpu_mask 1 << (vp mod 64), as amd64 shifts, not an empty mask', () => {
  // The 2016 map_msi has no vcpu_id > 63 check (today's driver refuses below 1.4), so `1ULL << vcpu_id` shifts by 64
  // or more; amd64's shift takes the count mod 64 (pcib-config.ts v1CpuMask). pci(4) here spreads MSI-X vectors one
  // CPU apiece from CPU 0, so vector 64 is on VP 64: its request names VP 0, where the host then delivers it.
  const m = run(
    { host: 'hyperv-2016', guest: 'freebsd-2016', cpus: 80 },
    'bus nvme0 { function 0 samsung-pm174x-nvme }\nat 0 boot\nat 2ms driver nvme0 msix 70\nat 3ms raise nvme0 vector 64\n',
  );
  const reqs = sent(m, MSG.PCI_CREATE_INTERRUPT_MESSAGE);
  assert.equal(reqs.length, 70);
  // struct pci_create_interrupt: type, wslot, hv_msi_desc { vector u8 @8, delivery_mode u8 @9, vector_count u16 @10,
  // reserved u32 @12, cpu_mask u64 @16 } (vmbus_pcib.c dd2e215ca93c).
  const want = (mask: bigint) =>
    lay(24, [
      [0, 4, MSG.PCI_CREATE_INTERRUPT_MESSAGE],
      [8, 1, 0x30],
      [10, 2, 1],
      [16, 8, mask],
    ]);
  assert.deepEqual(Buffer.from((reqs[63]!.blob as Uint8Array).subarray(16)), Buffer.from(want(1n << 63n)), 'VP 63: bit 63');
  assert.deepEqual(Buffer.from((reqs[64]!.blob as Uint8Array).subarray(16)), Buffer.from(want(1n)), 'VP 64: bit 0, not 0');
  assert.deepEqual(Buffer.from((reqs[69]!.blob as Uint8Array).subarray(16)), Buffer.from(want(1n << 5n)), 'VP 69: bit 5');
  assert.ok(!events(m).some((e) => e.kind === Ev.Error), 'every request is mapped');
  const hit = events(m).find((e) => e.kind === Ev.IntDeliver);
  assert.equal(hit?.c, 0, 'vector 64 arrives on VP 0');
});
