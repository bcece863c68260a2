// FreeBSD's q_resource_requirements and hv_pci_compose_compl read their fields with no size check
// (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c at 0010132dbd24 and dd2e215ca93c): from a completion cut short
// they read on into the reused receive buffer sc->rx_buf. The model reads those bytes as 0 and says so in the
// transcript; a completion of full size says nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import type { Machine } from '../../emulator/machine/machine';
import { run, logged, completions, events, Ev, type E } from './freebsd-run';

const NIC = 'bus nic0 { function 0 intel-82599-vf serial 1 }\n';

for (const guest of ['freebsd', 'freebsd-2016'] as const) {
  test(`${guest}: a CREATE_INTERRUPT completion cut to 8 bytes is read past its end, and the transcript says so`, () => {
    const body = `${NIC}at 0 fault nic0 create-interrupt truncate 8 times 1\nat 0 boot\nat 2ms driver nic0 msix 1\n`;
    const m = run({ host: 'hyperv-2016', guest }, body);
    const [c] = completions(m, MSG.PCI_CREATE_INTERRUPT_MESSAGE);
    assert.equal((c!.blob as Uint8Array).length, 24, 'descriptor and the 8 bytes left');
    const note = logged(m, /hv_pci_compose_compl read int_desc past the end of the 24-byte completion/);
    assert.ok(note, 'the note names the function, the field and the size');
    assert.match(String(note.blob), /sc->rx_buf/);
    assert.equal(logged(run({ host: 'hyperv-2016', guest }, `${NIC}at 0 boot\nat 2ms driver nic0 msix 1\n`), /past the end/), undefined);
  });

  test(`${guest}: a QUERY_RESOURCE_REQUIREMENTS completion cut to its status is read past its end, and the transcript says so`, () => {
    const m = run({ host: 'hyperv-2016', guest }, `${NIC}at 0 fault nic0 query-resource-requirements truncate 4 times 1\nat 0 boot\n`);
    assert.ok(logged(m, /q_resource_requirements read probed_bar\[\] past the end of the 24-byte completion/));
  });
}

// What the driver finds past the end of a short completion is what earlier packets left in sc->rx_buf: the
// 0x100-byte buffer vmbus_pcib_attach allocates zeroed (M_ZERO) and vmbus_pcib_on_channel_callback hands to
// vmbus_chan_recv_pkt for every packet that fits, header and padding included (freebsd-src
// sys/dev/hyperv/pcib/vmbus_pcib.c at 0010132dbd24 and dd2e215ca93c, PCIB_PACKET_SIZE). The expected bytes are
// rebuilt here from the host's packets in the trace alone, independently of the model.
function rxBufAfter(m: Machine, last: E): Uint8Array {
  const buf = new Uint8Array(0x100);
  for (const e of events(m)) {
    if (e.kind !== Ev.PacketToGuest || e.bus !== last.bus || e.i > last.i) continue;
    const p = e.blob as Uint8Array;
    if (p.length <= buf.length) buf.set(p);
  }
  return buf;
}

for (const guest of ['freebsd', 'freebsd-2016'] as const) {
  test(`${guest}: probed_bar[] read past a short QUERY_RESOURCE_REQUIREMENTS completion holds what the BUS_RELATIONS before it left in sc->rx_buf`, () => {
    const m = run({ host: 'hyperv-2016', guest }, `${NIC}at 0 fault nic0 query-resource-requirements truncate 4 times 1\nat 0 boot\n`);
    const [c] = completions(m, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS);
    const buf = rxBufAfter(m, c!);
    const want = [0, 1, 2, 3, 4, 5].map((i) => Buffer.from(buf).readUInt32LE(20 + 4 * i));
    // The descriptor of the BUS_RELATIONS (payload offset 8, raw 24) is what lies there: vendor/device first.
    assert.equal(want[1], 0x10ed8086, 'the stale bytes are the relations descriptor (8086:10ed)');
    const hbus = m.buses[0]!.state.sc.hbus as unknown as { children: { probed_bar: number[] }[] };
    assert.deepEqual(hbus.children[0]!.probed_bar, want);
    assert.ok(logged(m, /q_resource_requirements read probed_bar\[\] past the end of the 24-byte completion.*sc->rx_buf/));
  });
}
