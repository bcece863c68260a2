// The checker's rules for plug and unplug on a live bus, with the real device
// catalog and host profiles: positions and codes a user sees in the editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from '../../emulator/scenario/parser';
import { defaultScenarioContext } from '../../emulator/scenario/context';

const ctx = defaultScenarioContext(() => undefined);
// The quirk off: with it on, a plug that gives a bus its second function warns (quirk-several-functions).
const scenario = (host: string, body: string) =>
  `vm {\n  host ${host}\n  guest freebsd\n  quirk descriptor-stride off }\nbus nic0 { function 0 mellanox-cx3-vf }\nat 0 boot\n${body}`;
const diags = (host: string, body: string) =>
  loadScenario(scenario(host, body), 'x.vpci', ctx).diagnostics.map((d) => ({ severity: d.severity, code: d.code, line: d.loc.line, col: d.loc.col }));

test('plug into an occupied slot is a slot conflict at the slot', () => {
  assert.deepEqual(diags('hyperv-2022', 'at 1ms plug nic0 function 0 intel-82599-vf\n'), [{ severity: 'error', code: 'slot-conflict', line: 7, col: 27 }]);
});

test('unplug of a slot the bus does not have is an unknown slot', () => {
  assert.deepEqual(diags('hyperv-2022', 'at 1ms unplug nic0/1\n'), [{ severity: 'error', code: 'unknown-slot', line: 7, col: 20 }]);
});

test('using a function before it is plugged, or after it is unplugged, is an error at the reference', () => {
  assert.deepEqual(diags('hyperv-2022', 'at 1ms driver nic0/1 msix 1\nat 2ms plug nic0 function 1 intel-82599-vf\n'), [
    { severity: 'error', code: 'fn-not-yet', line: 7, col: 20 },
  ]);
  const gone = diags('hyperv-2022', 'at 1ms plug nic0 function 1 intel-82599-vf\nat 2ms unplug nic0/1\nat 3ms raise nic0/1 vector 0\n');
  assert.ok(gone.some((d) => d.code === 'bus-gone' && d.line === 9 && d.severity === 'error'));
});

test('plug on OpenVMM warns: one function per bus, no relations update', () => {
  const d = diags('openvmm', 'at 1ms plug nic0 function 1 intel-82599-vf\n');
  assert.ok(d.some((x) => x.code === 'plug-unsupported' && x.severity === 'warning'));
  assert.ok(d.every((x) => x.severity === 'warning'));
});

test('unplug on OpenVMM warns that the host revokes the channel instead, and the bus is gone after it', () => {
  const d = loadScenario(scenario('openvmm', 'at 1ms unplug nic0\nat 2ms plug nic0 function 0 intel-82599-vf\n'), 'x.vpci', ctx).diagnostics;
  assert.deepEqual(
    d.map((x) => [x.severity, x.code, x.loc.line, x.loc.col, x.message]),
    [
      ['warning', 'plug-unsupported', 7, 1, "host openvmm sends no relations update: it revokes the channel of bus nic0 instead, as 'rescind nic0' would"],
      ['error', 'bus-gone', 8, 13, 'bus nic0 no longer exists at 2 ms'],
    ],
  );
  assert.deepEqual(diags('hyperv-2022', 'at 1ms unplug nic0\n'), []);
});

test('a valid plug and unplug check clean', () => {
  // At slot 2: unplugging a function at slot 1 sends relations listing 1 function, which FreeBSD's relations2-falls-into-eject ejects it by.
  assert.deepEqual(diags('hyperv-2022', 'at 1ms plug nic0 function 2 intel-82599-vf serial 7\nat 2ms driver nic0/2 msix 1\nat 3ms unplug nic0/2\n'), []);
  assert.deepEqual(diags('hyperv-2022', 'at 1ms plug nic0 function 1 intel-82599-vf serial 7\nat 3ms unplug nic0/1\n'), [
    { severity: 'warning', code: 'plug-fails', line: 8, col: 1 },
  ]);
});

test('on OpenVMM a plugged function is never added: events naming it warn that they do nothing, and the run agrees (no error, the bus stays)', async () => {
  const body = 'at 1ms plug nic0 function 1 intel-82599-vf\nat 2ms eject nic0/1\nat 3ms unplug nic0/1\nat 4ms raise nic0 vector 0\n';
  const d = loadScenario(scenario('openvmm', body), 'x.vpci', ctx).diagnostics;
  const never = d.filter((x) => x.message.includes('never added'));
  assert.deepEqual(
    never.map((x) => [x.severity, x.code, x.loc.line, x.message, x.related?.loc.line]),
    [
      ['warning', 'plug-unsupported', 8, 'host openvmm never added nic0/1 (its plug does nothing): this event does nothing', 7],
      ['warning', 'plug-unsupported', 9, 'host openvmm never added nic0/1 (its plug does nothing): this event does nothing', 7],
    ],
  );
  // Not "it revokes the channel": the bus is still there for the event on its own function.
  assert.ok(!d.some((x) => x.code === 'bus-gone' || x.message.includes('revokes the channel')), JSON.stringify(d.map((x) => x.message)));
  // The run: the host notes the two events and records no protocol error.
  const { loadScenarioFile } = await import('../../adapter/load');
  const l = loadScenarioFile('test/scenario/plug-inline.vpci', {}, scenario('openvmm', body));
  assert.deepEqual(
    l.errors.map((e) => e.message),
    [],
  );
  const m = l.machine!;
  m.run();
  const { transcript } = await import('../../emulator/machine/transcript');
  const text = transcript(m).join('\n');
  assert.equal((text.match(/nothing to do: host openvmm never added a function here/g) ?? []).length, 2, text);
  assert.doesNotMatch(text, /no function at win_slot/);
});
