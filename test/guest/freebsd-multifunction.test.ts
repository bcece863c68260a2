// Two functions on one FreeBSD bus (the descriptor-stride quirk switched off,
// as in a fixed driver): the second, plugged later, gets its own BAR, its own
// MSI-X table entries and its interrupts — the rescan leaves the first alone,
// and the bridge's config lock keeps the two drivers' window accesses apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { checkExpectations } from '../../emulator/machine/expect';
import { msixEntry } from '../../emulator/machine/device-view';
import { MSG } from '../../emulator/vpci/protocol';
import { Ev } from '../../emulator/vpci/events';

const SCENARIO = `vm {
  host hyperv-2022
  guest freebsd
  quirk descriptor-stride off
}
bus nic0 { function 0 mellanox-cx3-vf serial 1 }
at 0 boot
at 1ms driver nic0 msix 2
at 2ms plug nic0 function 1 mellanox-cx3-vf serial 7
at 3ms driver nic0/1 msix 2
at 4ms raise nic0/1 vector 1
at 4ms raise nic0 vector 0
expect nic0 attached
expect nic0/1 vector 1 delivered
expect nic0 vector 0 delivered
expect no errors
`;

test('a plugged second function gets its own BAR and MSI-X; both drivers interrupt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-mf-'));
  const file = join(dir, 'mf.vpci');
  writeFileSync(file, SCENARIO);
  const l = loadScenarioFile(file);
  assert.deepEqual(l.errors, []);
  const m = l.machine!;
  m.run();
  for (const r of checkExpectations(m, l.scenario.expectations)) assert.ok(r.ok, `${r.what}: ${r.detail}`);
  const f0 = m.buses[0]!.functions.get(0)!;
  const f1 = m.buses[0]!.functions.get(1)!;
  const b0 = f0.bars().find((b) => b.index === 2)!;
  const b1 = f1.bars().find((b) => b.index === 2)!;
  assert.ok(b1.address !== 0 && b1.decoding, 'the second function placed and decoding its BAR');
  assert.ok(b1.address + b1.size <= b0.address || b0.address + b0.size <= b1.address, 'BARs do not overlap');
  const granted = m.remapper.entriesFor(0, 1);
  assert.equal(granted.length, 2);
  for (let i = 0; i < 2; i++)
    assert.ok(
      granted.some((g) => g.address === msixEntry(f1, i)!.address),
      `entry ${i} of 1.0 holds the host's address`,
    );
  // The rescan after the plug did not enumerate the existing function again.
  let reqs0 = 0;
  for (let i = 0; i < m.trace.length; i++) {
    if (m.trace.kindAt(i) !== Ev.PacketToHost || m.trace.aAt(i) !== MSG.PCI_QUERY_RESOURCE_REQUIREMENTS) continue;
    const p = m.trace.get(i).blob as Uint8Array;
    if (Buffer.from(p).readUInt32LE(20) === 0) reqs0++;
  }
  assert.equal(reqs0, 1, 'resource requirements asked once for 0.0');
});
