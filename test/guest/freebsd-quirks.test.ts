// Each FreeBSD quirk of quirks.ts (docs/protocol.md [QUIRK] marks): visible with
// its switch on (the default, as the real driver behaves) and absent with
// `quirk <name> off` in the vm block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import { quirksFor } from '../../emulator/vpci/guest/quirks';
import { run, sent, busStates, logged, u32, toHost } from './freebsd-run';

const NIC = 'bus nic0 { function 0 intel-82599-vf serial 1 }\n';
const host = 'hyperv-2022';

test('all-versions-rejected-continues: both versions refused → attach carries on with version 0 (§1.5)', () => {
  const body = `${NIC}at 0 fault nic0 query-protocol-version status 0xC0000059 times 2\nat 0 boot\n`;
  const on = run({ host }, body);
  assert.equal(sent(on, MSG.PCI_QUERY_PROTOCOL_VERSION).length, 2);
  assert.ok(logged(on, /failed to find supported version/));
  assert.equal(sent(on, MSG.PCI_QUERY_BUS_RELATIONS).length, 1, 'attach went on to query relations');
  assert.ok(!busStates(on).includes('failed'));
  const off = run({ host, off: ['all-versions-rejected-continues'] }, body);
  assert.equal(sent(off, MSG.PCI_QUERY_BUS_RELATIONS).length, 0);
  assert.ok(logged(off, /failed to find supported version/));
  assert.deepEqual(busStates(off), ['failed']);
});

test('short-packet-drop: a 16-byte completion (no status) is dropped and D0 entry never completes (§2.4)', () => {
  const body = `${NIC}at 0 fault nic0 bus-d0entry truncate 0\nat 0 boot\n`;
  const on = run({ host }, body);
  assert.ok(logged(on, /dropped a 16-byte packet/));
  assert.equal(sent(on, MSG.PCI_RESOURCES_ASSIGNED2).length, 0, 'attach still waits for D0 entry');
  assert.deepEqual(busStates(on), []);
  const off = run({ host, off: ['short-packet-drop'] }, body);
  assert.equal(logged(off, /dropped a/), undefined);
  assert.ok(logged(off, /failed to enable D0/), 'delivered with status -1');
  assert.deepEqual(busStates(off), ['failed']);
});

test('drop-empty-relations: a bus with no functions leaves attach waiting forever (§7.1)', () => {
  const body = 'bus nic0 { }\nat 0 boot\n';
  const on = run({ host }, body);
  assert.ok(logged(on, /dropped a BUS_RELATIONS2 with no devices/));
  assert.deepEqual(toHost(on), [MSG.PCI_QUERY_PROTOCOL_VERSION, MSG.PCI_QUERY_BUS_RELATIONS]);
  assert.deepEqual(busStates(on), []);
  const off = run({ host, off: ['drop-empty-relations'] }, body);
  assert.equal(logged(off, /with no devices/), undefined);
  assert.equal(sent(off, MSG.PCI_BUS_D0ENTRY).length, 1);
  assert.deepEqual(busStates(off), ['attached']);
});

test('relations2-falls-into-eject: RELATIONS2 with N = 1 ejects the child at wslot 1 (§7.1)', () => {
  const body = 'bus nic0 { function 1 intel-82599-vf serial 1 }\nat 0 boot\n';
  const on = run({ host }, body);
  const ec = sent(on, MSG.PCI_EJECTION_COMPLETE);
  assert.equal(ec.length, 1, 'an EJECTION_COMPLETE the host never asked for');
  assert.equal(u32(ec[0]!, 4), 1, 'for wslot 1');
  const off = run({ host, off: ['relations2-falls-into-eject'] }, body);
  assert.equal(sent(off, MSG.PCI_EJECTION_COMPLETE).length, 0);
  assert.deepEqual(busStates(off), ['attached']);
  // 1.1 uses BUS_RELATIONS (v1), which has its break: nothing is ejected on hyperv-2016.
  assert.equal(sent(run({ host: 'hyperv-2016' }, body), MSG.PCI_EJECTION_COMPLETE).length, 0);
});

test('descriptor-stride: only relations entry 0 is decoded; the second function gets a garbage wslot (§7.1)', () => {
  const body = 'bus nic0 { function 0 intel-82599-vf serial 1\n function 1 mellanox-cx3-vf serial 2 }\nat 0 boot\n';
  for (const h of ['hyperv-2016', 'hyperv-2022']) {
    const on = run({ host: h }, body);
    const wslots = sent(on, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS).map((e) => u32(e, 4));
    assert.equal(wslots.length, 2);
    assert.equal(wslots[0], 0);
    assert.notEqual(wslots[1], 1, `${h}: entry 1 read at the 26-byte stride`);
    const off = run({ host: h, off: ['descriptor-stride'] }, body);
    assert.deepEqual(
      sent(off, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS).map((e) => u32(e, 4)),
      [0, 1],
    );
  }
});

test('descriptor-stride is not in freebsd-2016: its 20-byte pci_func_desc records decode both functions (§7.1)', () => {
  assert.ok(!quirksFor('freebsd-2016').some((q) => q.name === 'descriptor-stride'));
  const body = 'bus nic0 { function 0 intel-82599-vf serial 1\n function 1 mellanox-cx3-vf serial 2 }\nat 0 boot\n';
  for (const h of ['hyperv-2016', 'hyperv-2019', 'hyperv-2022']) {
    const m = run({ host: h, guest: 'freebsd-2016' }, body);
    assert.deepEqual(
      sent(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS).map((e) => u32(e, 4)),
      [0, 1],
      h,
    );
    assert.deepEqual(
      sent(m, MSG.PCI_RESOURCES_ASSIGNED).map((e) => u32(e, 4)),
      [0, 1],
      h,
    );
    assert.deepEqual(busStates(m), ['attached']);
  }
});

test('map-msi-no-rescind-check: a rescind while CREATE_INTERRUPT is unanswered leaves map_msi asleep (§6.4)', () => {
  const body = `${NIC}at 0 fault nic0 PCI_CREATE_INTERRUPT_MESSAGE3 no-reply\nat 0 boot\nat 2ms driver nic0 msix 1\nat 5ms rescind nic0\n`;
  const on = run({ host }, body);
  assert.equal(sent(on, MSG.PCI_CREATE_INTERRUPT_MESSAGE3).length, 1);
  assert.equal(logged(on, /PCIB_MAP_MSI failed/), undefined, 'the caller never returns');
  const off = run({ host, off: ['map-msi-no-rescind-check'] }, body);
  assert.ok(logged(off, /PCIB_MAP_MSI failed for irq \d+: error 19/), 'ENODEV like every other wait');
  // The 2016 driver checks for rescind in no wait at all: there is nothing to switch (and map_msi sleeps on).
  assert.equal(
    quirksFor('freebsd-2016').some((q) => q.name === 'map-msi-no-rescind-check'),
    false,
  );
  const old = run({ host, guest: 'freebsd-2016' }, body.replace('PCI_CREATE_INTERRUPT_MESSAGE3', 'PCI_CREATE_INTERRUPT_MESSAGE'));
  assert.equal(sent(old, MSG.PCI_CREATE_INTERRUPT_MESSAGE).length, 1);
  assert.equal(logged(old, /PCIB_MAP_MSI failed/), undefined, 'the 2016 caller never returns either');
});

test('every FreeBSD quirk in quirks.ts has a test above (int-pin-single-byte-only: see the note)', () => {
  // int-pin-single-byte-only: pci(4) reads PCIR_INTLINE/PCIR_INTPIN one byte at a time
  // (pci_read_device), so no path of the FreeBSD model issues a wider read covering 0x3C;
  // the switch is exercised by the debugger console's config reads, not by a scenario.
  const covered = new Set([
    'all-versions-rejected-continues',
    'short-packet-drop',
    'drop-empty-relations',
    'relations2-falls-into-eject',
    'descriptor-stride',
    'map-msi-no-rescind-check',
    'int-pin-single-byte-only',
  ]);
  for (const q of [...quirksFor('freebsd'), ...quirksFor('freebsd-2016')]) assert.ok(covered.has(q.name), q.name);
  // Detach order is fixed, not a race (Giant; §7.3): there is no quirk for it (freebsd-hotplug.test.ts).
  assert.equal(
    quirksFor('freebsd').some((q) => /race/.test(q.name)),
    false,
  );
});
