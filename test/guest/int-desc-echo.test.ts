// DELETE_INTERRUPT sends back the interrupt descriptor the host gave in its CREATE_INTERRUPT
// completion, whole: both drivers copy the struct (Linux hv_compose_msi_msg `*int_desc =
// comp.int_desc`, hv_int_desc_free `int_pkt->int_desc = *int_desc`; FreeBSD vmbus_pcib_map_msi
// `hid->desc = comp.int_desc`, hv_int_desc_free `int_pkt->int_desc = hid->desc`), so bytes the
// host put in tran_int_desc.reserved come back as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import { runText, Ev, events } from './freebsd-run';

// The message each guest sends to hyperv-2022 (1.4: CREATE_INTERRUPT3; FreeBSD's 2016 driver offers 1.1 only).
for (const [guest, message] of [
  ['freebsd', 'create-interrupt3'],
  ['freebsd-2016', 'create-interrupt'],
  ['linux', 'create-interrupt3'],
]) {
  test(`${guest}: DELETE_INTERRUPT echoes the host's tran_int_desc, its reserved bytes included`, () => {
    // The first completion's payload byte 8 is tran_int_desc.reserved's low byte (status 4, reserved 4).
    const m = runText(
      `vm {\n  host hyperv-2022\n  guest ${guest}\n}\nbus nic0 { function 0 intel-82599-vf }\n` +
        `at 0 boot\nat 2ms driver nic0 msix 2\nat 1ms fault nic0 ${message} flip 8 0xa5 times 1\nat 40ms eject nic0\n`,
    );
    // Walk the trace in order: each DELETE_INTERRUPT against the descriptor (address, data) the host
    // last handed out, with the reserved bytes it came with.
    const given = new Map<string, number>();
    const key = (p: Buffer) => `${p.readUInt32LE(16)}:${p.readUInt32LE(12)}`;
    const echoed: number[] = [];
    for (const e of events(m)) {
      if (!(e.blob instanceof Uint8Array)) continue;
      const b = Buffer.from(e.blob);
      const p = b.subarray(16);
      if (e.kind === Ev.PacketToGuest && b[0] === 11 && p.length === 24 && p.readInt32LE(0) === 0) given.set(key(p), p.readUInt16LE(8));
      if (e.kind === Ev.PacketToHost && e.a === MSG.PCI_DELETE_INTERRUPT_MESSAGE) {
        assert.ok(given.has(key(p)), `a DELETE_INTERRUPT for a descriptor the host gave (${key(p)})`);
        assert.equal(p.readUInt16LE(8), given.get(key(p)), `reserved of the descriptor at ${key(p)} comes back as the host gave it`);
        assert.equal(p.readUInt16LE(10), 1, 'vector_count as the host gave it');
        echoed.push(p.readUInt16LE(8));
      }
    }
    assert.ok(echoed.length >= 2, 'the eject frees every vector');
    assert.ok(echoed.includes(0xa5), 'the descriptor that came with reserved 0x00a5 is among those freed');
  });
}
