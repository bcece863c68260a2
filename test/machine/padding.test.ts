// What fills the padding of the packets the host writes. OpenVMM's ring writer writes a packet's descriptor,
// payload and footer and nothing between them (microsoft/openvmm vm/devices/vmbus/vmbus_ring/src/lib.rs
// @1488a37b, `write`), so a payload that is not a multiple of 8 is followed by whatever the ring held there:
// zeros until the ring wraps, then bytes of older packets. The Hyper-V profiles write zeros (ours).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../adapter/load';
import { Ev } from '../../emulator/vpci/events';

const BUS_D0EXIT = 0x42490008;

/** Linux with 2 × 256 MSI-X vectors: over 20 KiB of completions, so the 20 KiB host-to-guest ring wraps before D0 exit. */
function d0ExitCompletion(host: string): number[] {
  const text = `vm {\n  host ${host}\n  guest linux\n  cpus 4\n}\nbus big0 { function 0 mellanox-cx3pro-pf }\nat 0 boot\nat 2ms driver big0 msix 256\nat 20ms driver big0 none\nat 30ms driver big0 msix 256\nat 40ms detach big0\n`;
  const l = loadScenarioFile('test/machine/padding-inline.vpci', {}, text);
  assert.deepEqual(
    l.errors.map((e) => e.message),
    [],
  );
  const m = l.machine!;
  m.run();
  for (let i = m.trace.length - 1; i >= 0; i--) {
    if (m.trace.kindAt(i) !== Ev.PacketToGuest || m.trace.aAt(i) >>> 0 !== BUS_D0EXIT) continue;
    return [...(m.trace.get(i).blob as Uint8Array)];
  }
  assert.fail('no D0 exit completion');
}

test('openvmm: a 4-byte status is followed by the 4 bytes the wrapped ring held there, as OpenVMM leaves them', () => {
  const b = d0ExitCompletion('openvmm');
  assert.deepEqual(b.slice(0, 8), [0x0b, 0, 2, 0, 3, 0, 0, 0]); // completion, 24 bytes
  assert.deepEqual(b.slice(16, 20), [0, 0, 0, 0]); // SUCCESS
  assert.deepEqual(b.slice(20), [5, 0, 0, 0]); // a CREATE_INTERRUPT3 completion's header (tlen 5) was there
});

test('hyperv-2022: the same completion is padded with zeros (ours)', () => {
  const b = d0ExitCompletion('hyperv-2022');
  assert.deepEqual(b.slice(16), [0, 0, 0, 0, 0, 0, 0, 0]);
});
