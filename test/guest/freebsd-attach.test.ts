// FreeBSD vmbus_pcib_attach against docs/protocol.md's §8.1 sequence,
// on hyperv-2016 (1.4 refused, 1.1 adopted) and hyperv-2022 (1.4 adopted):
// message order, what each step waits for, the request bytes it names,
// and the config offsets the bridge answers itself (§4.4) never reaching the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import { run, events, sent, received, completions, toHost, busStates, u32, isCompletion, Ev, type E } from './freebsd-run';
import type { Machine } from '../../emulator/machine/machine';

const BODY = 'bus nic0 { function 0 intel-82599-vf serial 0x1234 }\nat 0 boot\nat 2ms driver nic0 msix 2\n';
const V1_1 = 0x00010001;
const V1_4 = 0x00010004;

/** Index of the first event matching `p` after index `from`. */
function firstAfter(m: Machine, from: number, p: (e: E) => boolean): E | undefined {
  return events(m).find((e) => e.i > from && p(e));
}

/** §8.1: an RC request's caller sends nothing else until its completion has arrived. */
function assertEachWaitsForItsCompletion(m: Machine, types: number[]): void {
  const evs = events(m);
  for (const t of types) {
    for (const req of sent(m, t)) {
      const comp = evs.find((e) => e.i > req.i && e.kind === Ev.PacketToGuest && isCompletion(e) && e.a === t);
      assert.ok(comp, `0x${t.toString(16)} is completed`);
      // The attach thread's next request goes out only after this completion.
      const nextReq = evs.find((e) => e.i > req.i && e.kind === Ev.PacketToHost && e.a !== MSG.PCI_QUERY_BUS_RELATIONS);
      if (nextReq) assert.ok(nextReq.i > comp.i, `request after 0x${t.toString(16)} waits for its completion`);
    }
  }
}

for (const [host, versions, relations, assigned, create] of [
  ['hyperv-2016', [V1_4, V1_1], MSG.PCI_BUS_RELATIONS, MSG.PCI_RESOURCES_ASSIGNED, MSG.PCI_CREATE_INTERRUPT_MESSAGE],
  ['hyperv-2022', [V1_4], MSG.PCI_BUS_RELATIONS2, MSG.PCI_RESOURCES_ASSIGNED2, MSG.PCI_CREATE_INTERRUPT_MESSAGE3],
] as const) {
  test(`freebsd on ${host}: §8.1 message order 7 → 12`, () => {
    const m = run({ host }, BODY);
    const seq = toHost(m);
    const attach = [
      ...versions.map(() => MSG.PCI_QUERY_PROTOCOL_VERSION),
      MSG.PCI_QUERY_BUS_RELATIONS,
      MSG.PCI_QUERY_RESOURCE_REQUIREMENTS,
      MSG.PCI_BUS_D0ENTRY,
      assigned,
    ];
    assert.deepEqual(seq.slice(0, attach.length), attach);
    // Step 12: the function driver maps each vector through vmbus_pcib_map_msi.
    assert.deepEqual(seq.slice(attach.length), [create, create]);
    // Step 7: versions offered highest first, 1.4 then 1.1 (FB pci_protocol_versions[]).
    assert.deepEqual(
      sent(m, MSG.PCI_QUERY_PROTOCOL_VERSION).map((e) => u32(e, 4)),
      versions,
    );
    assert.deepEqual(busStates(m), ['attached']);
  });

  test(`freebsd on ${host}: each step waits for the packet §8.1 marks ⏸`, () => {
    const m = run({ host }, BODY);
    assertEachWaitsForItsCompletion(m, [MSG.PCI_QUERY_PROTOCOL_VERSION, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS, MSG.PCI_BUS_D0ENTRY, assigned, create]);
    // Step 8: QUERY_BUS_RELATIONS has no RC; the new child's QUERY_RESOURCE_REQUIREMENTS
    // is sent by pci_devices_present_work only after the host's relations arrived.
    const q = sent(m, MSG.PCI_QUERY_BUS_RELATIONS);
    assert.equal(q.length, 1);
    assert.equal(Buffer.from(q[0]!.blob as Uint8Array).readUInt16LE(6) & 1, 0, 'no VMBUS_CHANPKT_FLAG_RC');
    const rel = received(m, relations)[0]!;
    const qrr = sent(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS)[0]!;
    assert.ok(q[0]!.i < rel.i && rel.i < qrr.i);
    // Step 9: D0 entry goes out after QUERY_RESOURCE_REQUIREMENTS completed (query_comp).
    const qrrDone = completions(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS)[0]!;
    assert.ok(qrrDone.i < sent(m, MSG.PCI_BUS_D0ENTRY)[0]!.i);
    // Step 11/12: no config access reaches the host before RESOURCES_ASSIGNED completed.
    const raDone = completions(m, assigned)[0]!;
    const firstCfg = firstAfter(m, -1, (e) => e.kind === Ev.CfgRead || e.kind === Ev.CfgWrite);
    assert.ok(firstCfg && firstCfg.i > raDone.i);
    // Step 13: installed only after all of the above.
    const attached = events(m).find((e) => e.kind === Ev.State && (e.blob as { to?: string })?.to === 'attached')!;
    assert.ok(attached.i > raDone.i);
  });

  test(`freebsd on ${host}: request bytes of §1.3 and §8.1`, () => {
    const m = run({ host }, BODY);
    // QUERY_PROTOCOL_VERSION: FB sends 12 bytes (type, version, reserved 0) with RC.
    for (const e of sent(m, MSG.PCI_QUERY_PROTOCOL_VERSION)) {
      const b = Buffer.from(e.blob as Uint8Array);
      assert.equal(b.readUInt16LE(6) & 1, 1, 'VMBUS_CHANPKT_FLAG_RC');
      assert.equal(u32(e, 8), 0, 'reserved word');
    }
    // QUERY_RESOURCE_REQUIREMENTS names the child's win_slot (function 0 → 0).
    assert.equal(u32(sent(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS)[0]!, 4), 0);
    // FDO_D0_ENTRY carries the config window base (64-bit at payload offset 8).
    const d0 = sent(m, MSG.PCI_BUS_D0ENTRY)[0]!;
    const base = u32(d0, 8) + u32(d0, 12) * 2 ** 32;
    const win = events(m).find((e) => e.kind === Ev.State && (e.blob as { what?: string })?.what === 'config window')!;
    assert.equal(base, (win.blob as { to: number }).to);
    assert.equal(base % 0x1000, 0, 'page aligned');
    // RESOURCES_ASSIGNED: v1 148 bytes below 1.4, v2 202 bytes at 1.4, padded to 8 on the wire.
    const ra = sent(m, assigned)[0]!;
    const want = assigned === MSG.PCI_RESOURCES_ASSIGNED ? 148 : 202;
    assert.equal((ra.blob as Uint8Array).length, 16 + Math.ceil(want / 8) * 8);
    assert.equal(u32(ra, 4), 0, 'wslot');
  });

  test(`freebsd on ${host}: offsets vmbus_pcib answers itself (§4.4 R1–R5, W1, W3) never reach the host`, () => {
    const m = run({ host }, BODY);
    const cfg = events(m).filter((e) => e.kind === Ev.CfgRead || e.kind === Ev.CfgWrite);
    assert.ok(cfg.length > 20, 'pci(4) enumerated through the window');
    for (const e of cfg) {
      const where = e.b & 0xffff;
      const size = e.b >>> 16;
      const end = where + size;
      if (e.kind === Ev.CfgRead) {
        assert.ok(!(end <= 0x04), `R1 vendor/device read at 0x${where.toString(16)} forwarded`);
        assert.ok(!(where >= 0x08 && end <= 0x0c), `R2 class read at 0x${where.toString(16)} forwarded`);
        assert.ok(!(where >= 0x2c && end <= 0x30), `R3 subsystem read at 0x${where.toString(16)} forwarded`);
        assert.ok(!(where >= 0x30 && end <= 0x34), `R4 ROM BAR read forwarded`);
        assert.ok(!(size === 1 && (where === 0x3c || where === 0x3d)), 'R5 single-byte INTLINE/INTPIN forwarded');
      } else {
        assert.ok(!(where >= 0x2c && end <= 0x34), `W1 write at 0x${where.toString(16)} forwarded`);
        assert.ok(where >= 0x04, `W3 write at 0x${where.toString(16)} forwarded`);
      }
      assert.ok(end <= 0x1000, 'R7: nothing beyond 4 KiB');
    }
    // ...and the guest still learned the IDs from the relations descriptor: the ixv stand-in
    // (matched on 8086:10ed) attached.
    assert.ok(events(m).some((e) => e.kind === Ev.Log && /^ixv0: attached/.test(String(e.blob))));
  });
}

test("freebsd: the config window (§8.1 step 3) is the bus's first MMIO allocation: every BAR lies above it", () => {
  const m = run({ host: 'hyperv-2022' }, BODY);
  // The window base the D0 entry names is the first MMIO allocation of the bus, made before open:
  // it lies at the bottom of the VMBus MMIO range, below every BAR placed later.
  const d0 = sent(m, MSG.PCI_BUS_D0ENTRY)[0]!;
  const base = u32(d0, 8) + u32(d0, 12) * 2 ** 32;
  const maps = events(m).filter((e) => e.kind === Ev.BarMap && (e.blob as { address: number }).address !== 0);
  assert.ok(maps.length >= 2);
  for (const e of maps) assert.ok((e.blob as { address: number }).address >= base + 0x2000);
});

test('freebsd: lazily placed BARs are written with Memory Space Enable off (pci_reserve_map), so the MSI-X BAR lands', () => {
  // 82599 VF: BAR0 (registers) and BAR3 (MSI-X table) both read zero at enumeration; ixv
  // activates BAR0 (MSE on) before allocating BAR3. pci_reserve_map clears the decode bit
  // around pci_write_bar and restores it (freebsd-src sys/dev/pci/pci.c).
  for (const host of ['hyperv-2016', 'hyperv-2022', 'openvmm']) {
    const m = run({ host }, BODY);
    const evs = events(m);
    assert.equal(evs.filter((e) => e.kind === Ev.BarWriteIgnored).length, 0, `${host}: no BAR write ignored`);
    let cmd = 0;
    for (const e of evs) {
      if (e.kind !== Ev.CfgWrite) continue;
      const where = e.b & 0xffff;
      if (where === 0x04) cmd = e.c;
      if (where >= 0x10 && where < 0x28 && e.c !== 0xffffffff) assert.equal(cmd & 2, 0, `${host}: BAR write at 0x${where.toString(16)} with MSE off`);
    }
    const bar3 = evs.filter((e) => e.kind === Ev.BarMap && e.b === 3 && (e.blob as { address: number }).address !== 0);
    assert.ok(bar3.length >= 1, `${host}: the MSI-X table BAR is mapped`);
    assert.equal(evs.filter((e) => e.kind === Ev.IntMap).length, 2, `${host}: both vectors mapped`);
  }
});
