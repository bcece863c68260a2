// Timeline events that cannot act: the checker warns at their line, and the transcript says what the
// event did not do instead of printing nothing.
//
// Every eject ends with the host rescinding the bus's channel (protocol.md §7.2): Hyper-V once the
// guest answers PCI_EJECTION_COMPLETE, OpenVMM at once. An event on another function of that bus
// afterwards acts on nothing: the checker warns (or, on OpenVMM, where the rescind is certain, says
// bus-gone), and the transcript says the event did nothing instead of printing nothing, or printing
// "function 2 -> added" for a plug into a rescinded bus. A second `driver` event for a function its
// driver has probed changes nothing for it (a driver probes a function once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../adapter/cli/main';
import { capture } from './capture';

const dir = mkdtempSync(join(tmpdir(), 'vpci-timeline-no-ops-'));

function file(host: string): string {
  const f = join(dir, `${host}.vpci`);
  writeFileSync(
    f,
    `vm {\n  host ${host}\n  guest linux\n}\nbus nic0 {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 3ms eject nic0/1\nat 5ms driver nic0 msix 3\nat 7ms plug nic0 function 2 intel-82599-vf\n`,
  );
  return f;
}

test('an event on a bus after an eject on it is warned about at its line, and the transcript says it did nothing', async () => {
  const f = file('hyperv-2022');
  const chk = capture();
  assert.equal(await main(['check', f], chk), 0, chk.stderr);
  assert.match(
    chk.stderr,
    new RegExp(
      `hyperv-2022\\.vpci:11:15: warning: the host rescinds bus nic0 once the guest completes 'eject nic0/1' at 3 ms; at 5 ms it may be gone, and then this event does nothing \\[bus-ejected\\]`,
    ),
  );
  assert.match(chk.stderr, /hyperv-2022\.vpci:12:13: warning: .*at 7 ms it may be gone.*\[bus-ejected\]/);
  assert.match(chk.stderr, /hyperv-2022\.vpci:10:1: note: ejected here/);
  const io = capture();
  await main(['run', f], io);
  assert.match(io.stdout, /vmbus: rescind nic0 \(by the host\)/);
  assert.match(io.stdout, /5 ms {2}nic0 {5}the channel was rescinded earlier: 'driver nic0 msix 3' does nothing/);
  assert.match(io.stdout, /7 ms {2}nic0 {5}the channel was rescinded earlier: 'plug nic0 function 2 intel-82599-vf' does nothing/);
  assert.doesNotMatch(io.stdout, /function 2 -> added/);
});

test('on OpenVMM, which revokes the channel at the eject itself, a later event on the bus is bus-gone', async () => {
  const io = capture();
  assert.equal(await main(['check', file('openvmm')], io), 2);
  assert.match(io.stderr, /openvmm\.vpci:11:15: error: bus nic0 no longer exists at 5 ms \[bus-gone\]/);
  assert.match(io.stderr, /openvmm\.vpci:12:13: error: bus nic0 no longer exists at 7 ms \[bus-gone\]/);
});

test('a second driver event for a function that its driver has probed is noted in the transcript, not silently dropped', async () => {
  const f = join(dir, 'driver-again.vpci');
  writeFileSync(
    f,
    'vm {\n  host hyperv-2022\n  guest linux\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms driver nic0 msix 1\nat 2ms driver nic0 msix 3\nexpect nic0 msix 1\n',
  );
  const io = capture();
  assert.equal(await main(['run', f], io), 0, io.stdout);
  assert.match(io.stderr, /driver-again\.vpci:8:1: warning: the driver of nic0 is already loaded at 1 ms \(line 7\); .* \[driver-again\]/);
  assert.match(io.stdout, /2 ms {2}nic0 {5}ixgbevf has already probed slot 0: 'driver nic0 msix 3' changes nothing for it/);
});

test('a fault whose message never comes is listed after the run with its line, in the text and the JSON report', async () => {
  const f = join(dir, 'never.vpci');
  // Linux on Windows Server 2022 negotiates 1.4 and sends create-interrupt3, never create-interrupt2; nor any reset-device.
  writeFileSync(
    f,
    'vm {\n  host hyperv-2022\n  guest linux\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms fault nic0 reset-device no-reply times 3\nat 1ms fault nic0 create-interrupt3 status bad-data times 1\nat 1ms driver nic0 msix 1\n',
  );
  let io = capture();
  assert.equal(await main(['run', f, '--quiet'], io), 0, io.stderr);
  assert.equal(
    io.stdout
      .split('\n')
      .filter((l) => l.startsWith('note:'))
      .join('\n'),
    `note: ${f}:7:1: 'fault nic0 reset-device no-reply times 3' never fired: the host got no PCI_RESET_DEVICE on nic0 from 1 ms on`,
  );
  io = capture();
  await main(['run', f, '--json', '-'], io);
  assert.deepEqual(JSON.parse(io.stdout).unfiredFaults, [
    { line: 7, col: 1, fault: 'fault nic0 reset-device no-reply times 3', why: 'the host got no PCI_RESET_DEVICE on nic0 from 1 ms on' },
  ]);
});

test('OpenVMM sends no relations update: unplug revokes the channel, plug adds nothing (device.rs sends relations only on query and D0 entry)', async () => {
  const f = join(dir, 'openvmm-plug.vpci');
  writeFileSync(
    f,
    'vm {\n  host openvmm\n  guest linux\n}\nbus nic0 { function 0 intel-82599-vf }\nbus nic1 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms plug nic1 function 1 mellanox-cx3-vf\nat 2ms unplug nic0\nexpect message bus-relations2 count 4\nexpect nic0 rescinded\n',
  );
  const io = capture();
  assert.equal(await main(['run', f], io), 0, io.stdout);
  assert.match(io.stdout, /1 ms {2}nic1 {5}function 1 -> not added: host openvmm serves one device per channel, fixed when it is offered\n/);
  assert.match(io.stdout, /2 ms {2}nic0 {5}function 0 -> removed: revoke channel\n/);
  assert.match(io.stdout, /2 ms {2}nic0 {5}vmbus: rescind nic0 \(by the host\)\n/);
  // Two relations per bus (the answer to QUERY_BUS_RELATIONS and the one before the D0 completion), none after.
  assert.doesNotMatch(io.stdout.slice(io.stdout.indexOf('scenario: plug')), /BUS_RELATIONS2/);
});

test('a second boot is warned about and said to do nothing: the guest boots once', async () => {
  const f = join(dir, 'boot-again.vpci');
  writeFileSync(f, 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 2ms rescind nic0\nat 3ms boot\n');
  const io = capture();
  assert.equal(await main(['run', f], io), 0, io.stderr);
  assert.match(io.stderr, /boot-again\.vpci:4:1: warning: the guest boots once, at 0 ns; this 'boot' does nothing \(there is no reboot\) \[boot-again\]/);
  assert.match(io.stdout, /3 ms {2}vm {7}the guest has booted already: 'boot' does nothing\n/);
});
