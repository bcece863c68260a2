// FreeBSD hot plug and teardown against protocol.md §7: eject
// (EJECT → hv_eject_device_work → driver detach → DELETE_INTERRUPTs →
// EJECTION_COMPLETE → rescind), the host's 60 s timeout when the guest does not
// answer, hot add of a new bus, and vmbus_pcib_detach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import { run, events, sent, received, busStates, u32, toHost, Ev } from './freebsd-run';
import type { FreebsdSoftc } from '../../emulator/vpci/guest/freebsd/softc';

const SECOND = 1e9;

test('eject: EJECT → driver detach → DELETE_INTERRUPT per mapping → EJECTION_COMPLETE → rescind (§7.2)', () => {
  for (const host of ['hyperv-2016', 'hyperv-2022']) {
    const m = run({ host }, 'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 2\nat 5ms eject nic0\n');
    const evs = events(m);
    const ej = received(m, MSG.PCI_EJECT)[0]!;
    assert.equal(u32(ej, 4), 0);
    const detached = evs.find((e) => e.i > ej.i && e.kind === Ev.Log && /^ixv0: detached/.test(String(e.blob)))!;
    const dels = sent(m, MSG.PCI_DELETE_INTERRUPT_MESSAGE);
    const ec = sent(m, MSG.PCI_EJECTION_COMPLETE)[0]!;
    const rescind = evs.find((e) => e.kind === Ev.Channel && /rescind/.test(String(e.blob)))!;
    assert.ok(detached, `${host}: the function driver detached`);
    assert.equal(dels.length, 2, `${host}: one DELETE_INTERRUPT per mapped vector`);
    assert.ok(detached.i < dels[0]!.i && dels[1]!.i < ec.i && ec.i < rescind.i, `${host}: §7.2 order`);
    assert.equal(u32(ec, 4), 0, 'EJECTION_COMPLETE names the wslot');
    // DELETE_INTERRUPT carries the (address, data) the host returned for each vector.
    const maps = evs.filter((e) => e.kind === Ev.IntMap).map((e) => (e.blob as { address: number }).address);
    assert.deepEqual(dels.map((e) => u32(e, 16) + u32(e, 20) * 2 ** 32).sort(), [...maps].sort());
    // No RC on either (FB sends both without completion requests).
    for (const e of [...dels, ec]) assert.equal(Buffer.from(e.blob as Uint8Array).readUInt16LE(6) & 1, 0);
    assert.ok(rescind.time - ej.time < SECOND, 'answered well inside the 60 s');
    assert.deepEqual(busStates(m), ['attached', 'detached']);
  }
});

test('eject timeout: a guest that cannot find the wslot never answers; the host rescinds after 60 s (§7.2 step 5)', () => {
  // descriptor-stride: the guest decoded function 1 at a garbage wslot, so the EJECT for
  // wslot 1 matches no child and hv_pci_eject_device is never called.
  const body = 'bus nic0 { function 0 intel-82599-vf serial 1\n function 1 mellanox-cx3-vf serial 2 }\nat 0 boot\nat 5ms eject nic0/1\n';
  const m = run({ host: 'hyperv-2022' }, body);
  const ej = received(m, MSG.PCI_EJECT)[0]!;
  assert.equal(sent(m, MSG.PCI_EJECTION_COMPLETE).length, 0);
  const rescind = events(m).find((e) => e.kind === Ev.Channel && /rescind/.test(String(e.blob)))!;
  assert.equal(rescind.time - ej.time, 60 * SECOND);
  assert.ok(events(m).some((e) => e.kind === Ev.Error && /timed out after 60 s/.test(String(e.blob))));
  // The fixed driver decodes wslot 1 and answers at once.
  const fixed = run({ host: 'hyperv-2022', off: ['descriptor-stride'] }, body);
  const ec = sent(fixed, MSG.PCI_EJECTION_COMPLETE);
  assert.equal(ec.length, 1);
  assert.equal(u32(ec[0]!, 4), 1);
  assert.ok(ec[0]!.time - received(fixed, MSG.PCI_EJECT)[0]!.time < SECOND);
});

test('hot add: `offer` of a new bus runs a full vmbus_pcib_attach on it while the first stays up', () => {
  const m = run(
    { host: 'hyperv-2022' },
    'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 6ms offer nvme0 { function 0 samsung-pm174x-nvme serial 7 }\n',
  );
  assert.deepEqual(toHost(m, 1), [
    MSG.PCI_QUERY_PROTOCOL_VERSION,
    MSG.PCI_QUERY_BUS_RELATIONS,
    MSG.PCI_QUERY_RESOURCE_REQUIREMENTS,
    MSG.PCI_BUS_D0ENTRY,
    MSG.PCI_RESOURCES_ASSIGNED2,
  ]);
  const first = events(m).find((e) => e.bus === 1 && e.kind === Ev.PacketToHost)!;
  assert.ok(first.time >= 6e6, 'nothing on the new bus before its offer');
  assert.deepEqual(busStates(m, 1), ['attached']);
  assert.deepEqual(busStates(m, 0), ['attached']);
});

test("relations update on a live bus: the host's second relations (during D0 entry) adds no child and sends nothing (§8.1 step 9)", () => {
  const m = run(
    { host: 'hyperv-2022', off: ['descriptor-stride'] },
    'bus nic0 { function 0 intel-82599-vf serial 1\n function 1 mellanox-cx3-vf serial 2 }\nat 0 boot\n',
  );
  assert.equal(received(m, MSG.PCI_BUS_RELATIONS2).length, 2);
  assert.deepEqual(
    sent(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS).map((e) => u32(e, 4)),
    [0, 1],
    'one query per new child, none for the repeat',
  );
  assert.deepEqual(
    sent(m, MSG.PCI_RESOURCES_ASSIGNED2).map((e) => u32(e, 4)),
    [0, 1],
  );
});

for (const guest of ['freebsd', 'freebsd-2016'] as const) {
  test(`${guest} detach: RESOURCES_RELEASED per child, then PCI_BUS_D0EXIT (no RC), then the DELETE_INTERRUPTs, then close — always (§7.3)`, () => {
    // Two children with mapped vectors: detach holds Giant, so the queued zero-device relations cannot
    // delete them (hv_pci_delete_device takes Giant) before taskqueue_drain_all sleeps.
    const body =
      'bus nic0 { function 0 mellanox-cx3-vf serial 1\n function 1 intel-82599-vf serial 2 }\nat 0 boot\nat 2ms driver nic0 msix 3\nat 5ms detach nic0\n';
    for (const host of ['hyperv-2016', 'hyperv-2019', 'hyperv-2022']) {
      const m = run({ host, guest, off: guest === 'freebsd' ? ['descriptor-stride'] : [] }, body);
      const seq = toHost(m);
      const after = seq.slice(seq.indexOf(MSG.PCI_RESOURCES_RELEASED));
      const mapped = seq.filter((t) => t === MSG.PCI_CREATE_INTERRUPT_MESSAGE || t === MSG.PCI_CREATE_INTERRUPT_MESSAGE3).length;
      assert.ok(mapped >= 3, 'the driver mapped its vectors');
      assert.deepEqual(
        after,
        [MSG.PCI_RESOURCES_RELEASED, MSG.PCI_RESOURCES_RELEASED, MSG.PCI_BUS_D0EXIT, ...Array<number>(mapped).fill(MSG.PCI_DELETE_INTERRUPT_MESSAGE)],
        `${guest} on ${host}`,
      );
      assert.deepEqual(
        sent(m, MSG.PCI_RESOURCES_RELEASED).map((e) => u32(e, 4)),
        [0, 1],
        'one per child, by win_slot',
      );
      const d0x = sent(m, MSG.PCI_BUS_D0EXIT)[0]!;
      assert.equal(Buffer.from(d0x.blob as Uint8Array).readUInt16LE(6) & 1, 0, 'no RC');
      const close = events(m).find((e) => e.kind === Ev.Channel && /^close/.test(String(e.blob)))!;
      assert.ok(close.i > sent(m, MSG.PCI_DELETE_INTERRUPT_MESSAGE).at(-1)!.i, 'the channel closes after the deletions (taskqueue_drain_all)');
      assert.deepEqual(busStates(m), ['attached', 'detached']);
    }
  });
}

test('detach after a rescind: vmbus_chan_send has no revoke check, so RESOURCES_RELEASED and D0 exit go into the ring the host no longer reads', () => {
  const m = run({ host: 'hyperv-2016' }, 'bus nic0 { function 0 mellanox-cx3-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 1\nat 5ms rescind nic0\n');
  const rescind = events(m).find((e) => e.kind === Ev.Channel && /rescind/.test(String(e.blob)))!;
  assert.deepEqual(toHost(m).slice(-3), [MSG.PCI_RESOURCES_RELEASED, MSG.PCI_BUS_D0EXIT, MSG.PCI_DELETE_INTERRUPT_MESSAGE]);
  assert.ok(sent(m, MSG.PCI_BUS_D0EXIT)[0]!.i > rescind.i);
  assert.equal(events(m).filter((e) => e.kind === Ev.State && /send refused/.test(JSON.stringify(e.blob))).length, 0, 'no send fails');
  assert.deepEqual(busStates(m), ['attached', 'detached']);
});

test('eject while the function driver attaches: device_detach defers (DS_ATTACHING), the eject completes, and no model error', () => {
  // hv_pci_delete_device -> device_delete_child -> device_detach refuses a device whose driver is
  // still attaching (freebsd-src sys/kern/subr_bus.c, "device in attaching state! Deferring
  // detach.", EBUSY): the pci child stays, the hv_pci_dev goes, EJECTION_COMPLETE is sent. The
  // model used to delete the child under the attaching driver (model errors in pci_reserve_map,
  // pci_alloc_resource and vmbus_pcib_map_msi).
  for (const guest of ['freebsd', 'freebsd-2016'] as const) {
    for (const at of ['2001us', '2010us', '2040us']) {
      const m = run(
        { host: 'hyperv-2019', guest },
        `bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 2\nat ${at} eject nic0\n`,
      );
      const evs = events(m);
      const modelErrors = evs.filter((e) => e.kind === Ev.Error && /model error/.test(String(e.blob))).map((e) => String(e.blob));
      assert.deepEqual(modelErrors, [], `${guest} ${at}`);
      assert.equal(sent(m, MSG.PCI_EJECTION_COMPLETE).length, 1, `${guest} ${at}: the eject completes`);
      const logs = evs.filter((e) => e.kind === Ev.Log).map((e) => String(e.blob));
      assert.ok(
        logs.some((l) => /device in attaching state! Deferring detach\./.test(l)),
        `${guest} ${at}: the detach is deferred: ${logs.join(' | ')}`,
      );
      // Late enough, the attach's MSI-X mapping finds its hv_pci_dev freed (the real driver's use after free): said, and ENOENT.
      assert.equal(
        logs.some((l) => /vmbus_pcib_map_msi: the hv_pci_dev of slot 0 was freed by an eject/.test(l)),
        at === '2040us',
        `${guest} ${at}`,
      );
    }
  }
});

// Every primary channel's attach and detach task, and vmbus_pcib's eject task (hv_pci_eject_device queues it on
// vmbus_chan_mgmt_tq), run on ONE task queue for the whole guest: vmbus_chan_msgproc_choffer gives every primary
// channel ch_mgmt_tq = sc->vmbus_devtq, which vmbus_scan creates with a single thread, "vmbusdev" ("This taskqueue
// serializes vmbus devices' attach and detach for channel offer and rescind messages") — freebsd-src
// sys/dev/hyperv/vmbus/vmbus.c and vmbus_chan.c. So two buses offered together attach one after the other, and an
// eject waits behind another bus's attach.
for (const guest of ['freebsd', 'freebsd-2016'] as const) {
  test(`${guest}: two buses offered at boot attach one after the other on the one vmbusdev thread`, () => {
    const m = run(
      { host: 'hyperv-2016', guest },
      'bus nic0 { function 0 intel-82599-vf serial 1 }\nbus nic1 { function 0 intel-82599-vf serial 2 }\nat 0 boot\n',
    );
    assert.deepEqual(busStates(m, 0), ['attached']);
    assert.deepEqual(busStates(m, 1), ['attached']);
    const attached0 = events(m).find((e) => e.kind === Ev.State && e.bus === 0 && (e.blob as { to?: unknown })?.to === 'attached')!;
    const first1 = events(m).find((e) => e.kind === Ev.PacketToHost && e.bus === 1)!;
    assert.ok(first1.i > attached0.i, "nic1's first packet comes after nic0's attach has returned");
  });

  test(`${guest}: an eject waits on the vmbusdev thread while another bus's attach is stuck waiting for the host`, () => {
    const m = run(
      { host: 'hyperv-2016', guest },
      'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\n' +
        'at 1ms offer nic1 { function 0 intel-82599-vf serial 2 }\nat 1ms fault nic1 bus-d0entry no-reply\nat 2ms eject nic0\n',
    );
    assert.deepEqual(busStates(m, 0), ['attached'], 'nic0 attached at boot');
    assert.equal(sent(m, MSG.PCI_EJECTION_COMPLETE, 0).length, 0, "no EJECTION_COMPLETE while nic1's attach holds the thread");
  });
}

test('descriptor-stride: the relations work deletes the very child it found missing, not the first at its wslot', () => {
  // On a v1 host today's driver garbles the second function of a two-function list into a child at wslot 0, beside
  // the real 00.0 (copyDescs). The next list leaves that garbage child out: pci_devices_present_work deletes it by
  // pointer, so the real 00.0 keeps its hv_pci_dev and its saved interrupt descriptors (no DELETE_INTERRUPT is sent;
  // deleting the pci(4) device at 00.0 only detaches the driver). The model deleted the first child at wslot 0.
  const m = run(
    { host: 'hyperv-2016' },
    'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 2\n' +
      'at 5ms plug nic0 function 1 intel-82599-vf serial 2\nat 6ms plug nic0 function 2 mellanox-cx3-vf serial 3\n',
  );
  const sixMs = 6e6;
  assert.deepEqual(
    sent(m, MSG.PCI_DELETE_INTERRUPT_MESSAGE).filter((e) => e.time >= sixMs),
    [],
    'no DELETE_INTERRUPT for the real child',
  );
  const kids = (m.buses[0]!.state.sc as FreebsdSoftc).hbus!.children;
  const real = kids.find((c) => c.desc.wslot === 0 && c.desc.v_id === 0x8086 && c.desc.d_id === 0x10ed && c.desc.ser === 1);
  assert.ok(real, 'the real 00.0 is still a child');
  // Its first two saved descriptors are the ones from 2 ms (the re-attached driver's new vectors follow them).
  assert.deepEqual(
    real.irq_desc_list.slice(0, 2).map((h) => h.desc.address),
    [0xfee00000, 0xfee00004],
    'with the descriptors saved at 2 ms',
  );
});

test('descriptor-stride, v1: the copy past a two-function list reads what a longer list left in sc->rx_buf, not zeros', () => {
  // hv_pci_devices_present copies 26 bytes per function from 20-byte records (vmbus_pcib.c 0010132dbd24), so the
  // second descriptor's wslot is list bytes 38..41: the first function's serial's top half, then 2 bytes past the
  // 40-byte list. After the three-function list of 6 ms those 2 bytes are its third record's vendor ID (0x15b3), so
  // at 10 ms the garbled second descriptor is again wslot 0x15b30000, the child made from that list: found, nothing
  // asked. Read as zeros it was a new wslot-0 child, and a QUERY_RESOURCE_REQUIREMENTS went out for it.
  const m = run(
    { host: 'hyperv-2016' },
    'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\n' +
      'at 5ms plug nic0 function 1 intel-82599-vf serial 2\nat 6ms plug nic0 function 2 mellanox-cx3-vf serial 3\n' +
      'at 10ms unplug nic0/2\n',
  );
  const q = sent(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS);
  assert.deepEqual(
    q.filter((e) => e.time >= 6e6 && e.time < 10e6).map((e) => u32(e, 4)),
    [0x15b30000, 0],
    'at 6 ms: the garbled second and third descriptors',
  );
  assert.deepEqual(
    q.filter((e) => e.time >= 10e6).map((e) => u32(e, 4)),
    [],
    'at 10 ms: both descriptors match children',
  );
});

test('descriptor-stride, v2: deleting a garbled child whose wslot has reserved bits deletes the pci(4) device at its low bits', () => {
  // A ConnectX-3 VF (subsystem 0000:0000) at 01.0 garbles into wslot 0x00010000 (copyDescs). When the unplug's list
  // leaves it out, hv_pci_delete_device finds the pci(4) device with wslot_to_devfn, which keeps bits 0-7 alone
  // (vmbus_pcib.c 0010132dbd24): devfn 00.0, the real function, whose driver detaches. The model matched the whole
  // wslot and deleted nothing.
  const m = run(
    { host: 'hyperv-2022' },
    'bus nic0 {\n  function 0 intel-82599-vf serial 1\n  function 1 mellanox-cx3-vf serial 2\n}\n' +
      'at 0 boot\nat 2ms driver nic0 msix 2\nat 5ms unplug nic0/1\n',
  );
  assert.deepEqual(
    sent(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS).map((e) => u32(e, 4)),
    [0, 0x00010000],
    'the garbled second child',
  );
  const detached = events(m).find((e) => e.kind === Ev.Log && /^ixv0: detached/.test(String(e.blob)));
  assert.ok(detached && detached.time >= 5e6, 'the unplug detaches the driver of 00.0');
});
