// Every packet that crosses the rings in a whole-machine run — the guest
// models' requests and the host's replies and messages — decodes with the
// shared wire codec: the guest, the host and the codec agree on the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { Ev } from '../../emulator/vpci/events';
import { decodePacket } from '../../emulator/vmbus/packet';
import { decodeMessage, decodeCompletion } from '../../emulator/vpci/wire';
import { messageName } from '../../emulator/vpci/protocol';

const files = [
  ...readdirSync('examples').filter((f) => f.endsWith('.vpci')).map((f) => join('examples', f)),
  ...readdirSync('examples/quirks').filter((f) => f.endsWith('.vpci')).map((f) => join('examples/quirks', f)),
];

for (const file of files) {
  for (const guest of ['freebsd', 'linux'] as const) {
    test(`${file} (${guest}): every packet on the wire decodes with the codec`, () => {
      const l = loadScenarioFile(file, { guest });
      if (!l.machine) return; // a scenario the guest model cannot run (e.g. a freebsd-only quirk switch) is checked elsewhere
      const m = l.machine;
      m.run();
      let n = 0;
      const t = m.trace;
      for (let i = 0; i < t.length; i++) {
        const k = t.kind[i];
        if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
        // A reply the scenario corrupts on purpose (fault truncate/flip) is meant not to decode.
        let faulted = false;
        for (let j = Math.max(0, i - 4); j < i; j++) if (t.kind[j] === Ev.Fault && t.bus[j] === t.bus[i]) faulted = true;
        if (faulted) continue;
        const bytes = t.get(i).blob as Uint8Array;
        const p = decodePacket(bytes);
        assert.ok(p.ok, `event ${i}: ${!p.ok ? p.error : ''}`);
        if (!p.ok) continue;
        const what = `${file} event ${i} ${k === Ev.PacketToHost ? 'guest→host' : 'host→guest'} ${messageName(t.a[i]!) ?? t.a[i]}`;
        if (p.type === 6) {
          const d = decodeMessage(p.payload);
          assert.ok(d.ok, `${what}: ${!d.ok ? d.error.message : ''}`);
        } else {
          assert.equal(p.type, 11, what);
          const d = decodeCompletion(t.a[i]!, p.payload);
          assert.ok(d.ok, `${what} (completion): ${!d.ok ? d.error.message : ''}`);
        }
        n++;
      }
      if (m.buses.length) assert.ok(n > 0, 'packets were exchanged');
    });
  }
}
