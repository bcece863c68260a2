// Interrupt mappings are kept per vPCI device (bus), as OpenVMM's x86 backend keeps one table per
// device (microsoft/openvmm vmm_core/virt/src/x86/apic_software_device.rs, new_device): every bus's
// first CREATE_INTERRUPT is answered with 0xFEE00000, and a device's MSI write is looked up in its
// own bus's table. With one table for the whole VM, the second bus's first mapping was 0xFEE0000C
// and the 494-mapping limit was shared by all buses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { runSteps } from '../../emulator/machine/transcript';
import { checkExpectations } from '../../emulator/machine/expect';
import { Ev } from '../../emulator/vpci/events';
import type { Machine } from '../../emulator/machine/machine';

const dir = mkdtempSync(join(tmpdir(), 'vpci-irq-per-bus-'));

function events(m: Machine, kind: number): { bus: number; a: number; b: number; c: number }[] {
  const out: { bus: number; a: number; b: number; c: number }[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind === kind) out.push({ bus: e.bus, a: e.a, b: e.b, c: e.c >>> 0 });
  }
  return out;
}

for (const guest of ['freebsd', 'linux'] as const)
  for (const host of ['hyperv-2022', 'openvmm'] as const)
    test(`${guest} on ${host}: two buses, each device's mappings start at 0xFEE00000 and each raise reaches its own vector`, () => {
      const file = join(dir, `${guest}-${host}.vpci`);
      writeFileSync(
        file,
        [
          'vm {',
          `  host ${host}`,
          `  guest ${guest}`,
          '  cpus 2',
          '}',
          'bus nic0 { function 0 intel-82599-vf serial 1 }',
          'bus nic1 { function 0 mellanox-cx3-vf serial 2 }',
          'at 0    boot',
          'at 2ms  driver nic0 msix 2',
          'at 3ms  driver nic1 msix 2',
          'at 5ms  raise nic0 vector 1',
          'at 5ms  raise nic1 vector 1',
          'expect nic0 vector 1 delivered',
          'expect nic1 vector 1 delivered',
          'expect no errors',
          '',
        ].join('\n'),
      );
      const l = loadScenarioFile(file);
      assert.deepEqual(
        l.errors.map((e) => e.message),
        [],
      );
      const m = l.machine!;
      assert.ok(runSteps(m, 2_000_000).idle, 'runs to its end');
      const maps = events(m, Ev.IntMap);
      for (const bus of [0, 1]) {
        const mine = maps.filter((e) => e.bus === bus).map((e) => e.c);
        assert.ok(mine.length >= 1, `bus ${bus} mapped its interrupts`);
        assert.equal(mine[0], 0xfee00000, `bus ${bus}'s first mapping`);
        // Linux maps, deletes and maps again while it sets MSI-X up: the slots are reused, never beyond the bus's own few.
        assert.ok(
          mine.every((a) => a >= 0xfee00000 && a < 0xfee00000 + 4 * 2),
          `bus ${bus}: slots 0 and 1 of its own table: ${mine.map((a) => a.toString(16)).join(' ')}`,
        );
      }
      assert.deepEqual(events(m, Ev.IntUndeliverable), []);
      const delivered = events(m, Ev.IntDeliver);
      assert.deepEqual(
        delivered.map((e) => e.bus),
        [0, 1],
      );
      // The two devices' messages share an address, yet each reached the vector its own driver was given.
      assert.notEqual(delivered[0]!.b, delivered[1]!.b);
      assert.deepEqual(
        checkExpectations(m, l.scenario.expectations, l.text)
          .map((x) => [x.ok, x.detail])
          .filter(([ok]) => !ok),
        [],
      );
    });
