// What FreeBSD does to a function's config space and MSI-X table when vmbus_pcib deletes it (eject or a relations
// update leaving it out), checked access by access against freebsd-src sys/dev/pci/pci.c at 0010132dbd24
// (pci_teardown_intr, pci_mask_msix, pci_disable_msi_method, pci_release_msi_method / pci_release_msix,
// pci_child_deleted, pci_clear_command_bit) and vmbus_pcib.c (hv_pci_delete_device, hv_eject_device_work).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import { run, events, received, accesses, capAt, Ev } from './freebsd-run';

const DELETE_INTERRUPT = MSG.PCI_DELETE_INTERRUPT_MESSAGE.toString(16);
const EJECTION_COMPLETE = MSG.PCI_EJECTION_COMPLETE.toString(16);

/** Function 0's accesses and the guest's packets from the host's EJECT to the guest's EJECTION_COMPLETE. */
function afterEject(m: ReturnType<typeof run>): string[] {
  const ej = received(m, MSG.PCI_EJECT)[0]!;
  const acc = accesses(m)
    .filter((x) => x.e.i > ej.i)
    .map((x) => x.s);
  return acc.slice(0, acc.indexOf(`pkt ${EJECTION_COMPLETE}`) + 1);
}

for (const [guest, host] of [
  ['freebsd', 'hyperv-2022'],
  ['freebsd-2016', 'hyperv-2016'],
] as const) {
  test(`${guest}: an eject masks each MSI-X vector, clears Enable in the cached control word, then clears decoding and bus mastering in two read-modify-writes`, () => {
    const m = run({ host, guest }, 'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 2\nat 5ms eject nic0\n');
    const ctrl = m.buses[0]!.functions.get(0)!.cfgRead(capAt(m, 0x11) + 2, 2) & ~0x8000;
    const ctrlReg = (capAt(m, 0x11) + 2).toString(16);
    assert.deepEqual(afterEject(m), [
      // ixv detach: bus_teardown_intr per vector -> pci_teardown_intr -> pci_mask_msix (vector control at 16 * i + 12)
      'bar3 r c 0',
      'bar3 w c 1',
      'bar3 r 1c 0',
      'bar3 w 1c 1',
      // pci_release_msi -> pci_release_msix: the cached Message Control without Enable, no read first
      `cfg w ${ctrlReg} ${ctrl.toString(16)}`,
      // pci_child_deleted: Memory/I/O Space Enable off, then pci_disable_busmaster; Interrupt Disable stays
      'cfg r 4 406',
      'cfg w 4 404',
      'cfg r 4 404',
      'cfg w 4 400',
      // hv_pci_delete_device frees each interrupt descriptor, then hv_eject_device_work answers
      `pkt ${DELETE_INTERRUPT}`,
      `pkt ${DELETE_INTERRUPT}`,
      `pkt ${EJECTION_COMPLETE}`,
    ]);
  });
}

test('freebsd: an MSI driver detach disables MSI at teardown, then writes the count out at release; both from the cached control word', () => {
  const m = run({ host: 'hyperv-2022' }, 'bus gpu0 { function 0 nvidia-tu102 }\nat 0 boot\nat 2ms driver gpu0 msi 1\nat 5ms eject gpu0\n');
  const reg = capAt(m, 0x05) + 2;
  // The TU102's MSI control reads 0x0080 (64-bit, one message): Enable and Multiple Message Enable both end clear.
  const acc = afterEject(m);
  assert.deepEqual(acc.slice(0, 3), [`cfg w ${reg.toString(16)} 80`, `cfg w ${reg.toString(16)} 80`, 'cfg r 4 507']);
  assert.ok(!acc.some((s) => s.startsWith(`cfg r ${reg.toString(16)} `)), 'no read of MSI Message Control');
});

test('freebsd: a relations update leaving out a function whose driver used MSI-X: the teardown touches its former BARs, noted, not a protocol error', () => {
  const m = run(
    { host: 'hyperv-2022', off: ['descriptor-stride', 'relations2-falls-into-eject'] },
    'bus nic0 {\n  function 0 intel-82599-vf serial 1\n  function 1 intel-82599-vf serial 7\n}\nat 0 boot\nat 2ms driver nic0/1 msix 2\nat 5ms unplug nic0/1\n',
  );
  const evs = events(m);
  assert.deepEqual(
    evs.filter((e) => e.kind === Ev.Error).map((e) => String(e.blob)),
    [],
  );
  const notes = evs.filter((e) => e.kind === Ev.State && /whose device left the VM when the host took it off the bus$/.test(String(e.blob)));
  // pci_mask_msix for each of the two vectors: a read and a write of its vector control word, on BAR3 of 01.0.
  assert.equal(notes.length, 4, evs.map((e) => String(e.blob)).join('\n'));
  for (const n of notes) assert.match(String(n.blob), /BAR3 of slot 01\.0 on nic0/);
  assert.ok(evs.some((e) => e.kind === Ev.Log && /^ixv1: detached/.test(String(e.blob))));
});

test("an eject on OpenVMM (the channel revoked at once): the teardown's config accesses reach the window the host unmapped, noted, not errors", () => {
  const m = run(
    { host: 'openvmm', guest: 'freebsd' },
    'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 2\nat 5ms eject nic0\n',
  );
  const evs = events(m);
  assert.deepEqual(
    evs.filter((e) => e.kind === Ev.Error).map((e) => String(e.blob)),
    [],
  );
  const notes = evs.filter(
    (e) => e.kind === Ev.State && /the config window of nic0, which the host unmapped when the host took the bus's last function away$/.test(String(e.blob)),
  );
  // pci_child_deleted's two read-modify-writes of COMMAND (slot register, read, slot register, write, twice)
  // and pci_release_msix's write of Message Control, each behind its slot register write.
  assert.ok(notes.length >= 8, evs.map((e) => String(e.blob)).join('\n'));
  assert.ok(notes.some((n) => /MMIO read of 2 bytes at 0x[0-9a-f]+004 reads all-ones/.test(String(n.blob))));
  assert.ok(evs.some((e) => e.kind === Ev.Log && /^ixv0: detached/.test(String(e.blob))));
});
