// A channel the guest has closed holds no ring pages: a long hot-plug reproduction offers, drives
// and rescinds bus after bus, and each one gone kept both of its rings' data areas (24 KiB for
// FreeBSD, 32 KiB for Linux) until the session ended. The counters stay for the VMBus view, and
// going back to before the close gives the bytes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { hotPlugText } from '../hot-plug-scenario';
import { RingBuffer } from '../../emulator/vmbus/ring';
import { ENXIO } from '../../emulator/vpci/guest/kernel';

const dir = mkdtempSync(join(tmpdir(), 'vpci-closed-rings-'));

for (const guest of ['freebsd', 'linux']) {
  test(`${guest}: 20 buses offered and rescinded hold no ring bytes once closed; the bus still attached keeps its rings`, () => {
    const file = join(dir, `${guest}.vpci`);
    writeFileSync(file, hotPlugText(20).replace('guest freebsd', `guest ${guest}`));
    const l = loadScenarioFile(file);
    assert.deepEqual(
      l.errors.map((e) => e.message),
      [],
    );
    const m = l.machine!;
    // Run to just before the first rescinded bus is closed, and keep that point.
    const hp0 = () => m.buses.find((b) => b.decl.name === 'hp0')!;
    while (!hp0()?.channel.guestToHost.totalWritten) m.step();
    const before = m.snapshot();
    const bytes = hp0().channel.guestToHost.rawBytes();
    assert.equal(bytes.length, hp0().channel.guestToHost.capacity);
    m.run();
    const gone = m.buses.filter((b) => b.decl.name !== 'nic0');
    assert.equal(gone.length, 20);
    const held = (r: RingBuffer) => r.rawBytes().length;
    for (const b of gone) {
      assert.equal(b.channel.state, 'rescinded', b.decl.name);
      assert.deepEqual([held(b.channel.guestToHost), held(b.channel.hostToGuest)], [0, 0], b.decl.name);
      // What the VMBus view reads stays: the sizes and what went through.
      assert.ok(b.channel.guestToHost.capacity > 0 && b.channel.guestToHost.totalWritten > 0, b.decl.name);
      assert.equal(b.channel.guestToHost.read(), undefined);
      assert.equal(b.channel.guestToHost.tryWrite(new Uint8Array(16)), false);
    }
    // A send on one (no driver makes it) is refused as on any closed channel, not taken for a full ring.
    const k = gone[0]!.kernelFor(m.threads.find((t) => t.bus === gone[0]!.index)!);
    assert.equal(k.send(new Uint8Array(8), false, 1n, 'write'), ENXIO);
    assert.deepEqual(m.trace.blobAt(m.trace.length - 1), { what: 'send refused', text: 'send on a rescinded channel the guest has closed: ENXIO' });
    const nic0 = m.buses.find((b) => b.decl.name === 'nic0')!;
    assert.equal(nic0.channel.state, 'open');
    assert.equal(held(nic0.channel.hostToGuest), nic0.channel.hostToGuest.capacity);
    // Back to before the close: the ring's bytes are as they were.
    m.restore(before);
    assert.deepEqual(hp0().channel.guestToHost.rawBytes(), bytes);
  });
}
