// Whole-machine runs: the FreeBSD bridge driver attaching real devices against
// each host profile, asserted on the wire (message order and bytes), on the
// device (BARs placed, MSI-X programmed with the host's address/data), and on
// determinism (same scenario, same trace; snapshot + restore reproduces it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { Ev } from '../../emulator/vpci/events';
import type { Machine } from '../../emulator/machine/machine';
import { MSG, STATUS } from '../../emulator/vpci/protocol';
import { msixEntry } from '../../emulator/machine/device-view';
import { mappedMsix } from '../../emulator/machine/expect';

const dir = mkdtempSync(join(tmpdir(), 'vpci-attach-'));

function scenario(name: string, host: string, guest: string, device: string, extra = ''): Machine {
  const file = join(dir, `${name}.vpci`);
  writeFileSync(
    file,
    `vm {\n  host ${host}\n  guest ${guest}\n  cpus 4\n}\nbus nic0 { function 0 ${device} serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 3\nat 3ms raise nic0 vector 1\n${extra}`,
  );
  const l = loadScenarioFile(file);
  assert.deepEqual(
    l.errors.map((e) => e.message),
    [],
  );
  return l.machine!;
}

/** Guest→host message types in order (in-band packets only). */
function toHost(m: Machine): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.trace.length; i++) if (m.trace.kindAt(i) === Ev.PacketToHost) out.push(m.trace.aAt(i));
  return out;
}

function traceDigest(m: Machine): string {
  const t = m.trace;
  const parts: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const e = t.get(i);
    const blob = e.blob instanceof Uint8Array ? Buffer.from(e.blob).toString('hex') : JSON.stringify(e.blob);
    parts.push(`${e.time}|${e.kind}|${e.bus}|${e.a}|${e.b}|${e.c}|${blob}`);
  }
  return parts.join('\n');
}

test('FreeBSD on Windows Server 2016: 1.4 is refused, 1.1 negotiated, attach in the real order', () => {
  const m = scenario('ws2016', 'hyperv-2016', 'freebsd', 'mellanox-cx3-vf');
  m.run();
  const seq = toHost(m);
  assert.deepEqual(seq.slice(0, 6), [
    MSG.PCI_QUERY_PROTOCOL_VERSION,
    MSG.PCI_QUERY_PROTOCOL_VERSION,
    MSG.PCI_QUERY_BUS_RELATIONS,
    MSG.PCI_QUERY_RESOURCE_REQUIREMENTS,
    MSG.PCI_BUS_D0ENTRY,
    MSG.PCI_RESOURCES_ASSIGNED,
  ]);
  assert.equal(seq.filter((x) => x === MSG.PCI_CREATE_INTERRUPT_MESSAGE).length, 3);
  // The first version request carries 1.4 (0x00010004) at payload offset 4; the host answers REVISION_MISMATCH.
  let first = -1;
  let firstReply = -1;
  for (let i = 0; i < m.trace.length; i++) {
    if (first < 0 && m.trace.kindAt(i) === Ev.PacketToHost) first = i;
    else if (first >= 0 && m.trace.kindAt(i) === Ev.PacketToGuest) {
      firstReply = i;
      break;
    }
  }
  const req = m.trace.get(first).blob as Uint8Array;
  assert.deepEqual([...req.subarray(16, 24)], [0x13, 0x00, 0x49, 0x42, 0x04, 0x00, 0x01, 0x00]);
  const rep = m.trace.get(firstReply).blob as Uint8Array;
  assert.equal(rep[0], 11, 'a completion packet');
  assert.equal(Buffer.from(rep).readUInt32LE(16), STATUS.REVISION_MISMATCH >>> 0);
  assert.equal(m.model.protocolVersion(m.buses[0]!.state.sc), 0x00010001);
  assert.equal(m.model.busStatus(m.buses[0]!.state.sc), 'attached');
});

test('FreeBSD on Windows Server 2022 negotiates 1.4: RELATIONS2, RESOURCES_ASSIGNED2, CREATE_INTERRUPT3', () => {
  const m = scenario('ws2022', 'hyperv-2022', 'freebsd', 'mellanox-cx3-vf');
  m.run();
  const seq = toHost(m);
  assert.equal(m.model.protocolVersion(m.buses[0]!.state.sc), 0x00010004);
  assert.ok(seq.includes(MSG.PCI_RESOURCES_ASSIGNED2));
  assert.equal(seq.filter((x) => x === MSG.PCI_CREATE_INTERRUPT_MESSAGE3).length, 3);
  let rel2 = 0;
  for (let i = 0; i < m.trace.length; i++) if (m.trace.kindAt(i) === Ev.PacketToGuest && m.trace.aAt(i) === MSG.PCI_BUS_RELATIONS2) rel2++;
  assert.ok(rel2 >= 1);
});

test('the 2016 FreeBSD driver offers only 1.1 and fails against an OpenVMM host that needs 1.2+', () => {
  const m = scenario('fb2016-ovmm', 'openvmm', 'freebsd-2016', 'mellanox-cx3-vf');
  m.run();
  const seq = toHost(m);
  assert.deepEqual(seq, [MSG.PCI_QUERY_PROTOCOL_VERSION]);
  assert.equal(m.model.busStatus(m.buses[0]!.state.sc), 'failed');
});

test('MSI-X entries hold exactly the address/data the host returned, and a raised vector is delivered', () => {
  const m = scenario('msix', 'hyperv-2016', 'freebsd', 'mellanox-cx3-vf');
  m.run();
  const fn = m.buses[0]!.functions.get(0)!;
  const granted = m.remapper.entriesFor(0, 0);
  assert.equal(granted.length, 3);
  for (let i = 0; i < 3; i++) {
    const e = msixEntry(fn, i)!;
    assert.ok(
      granted.some((g) => g.address === e.address && g.data === e.data),
      `entry ${i}`,
    );
    assert.equal(e.masked, false);
  }
  assert.deepEqual(mappedMsix(m, 0, 0), { good: 3, bad: 0 });
  const d = m.delivered().find((x) => x.index === 1);
  assert.ok(d, 'vector 1 delivered');
  // The guest allocated vector 1's IRQ on the CPU the host was asked to target.
  const g = granted.find((x) => x.address === msixEntry(fn, 1)!.address)!;
  assert.equal(d.cpu, g.cpus[0]);
});

test('BARs are placed inside the VMBus MMIO ranges and decode only with Memory Space Enable', () => {
  const m = scenario('bars', 'hyperv-2016', 'freebsd', 'mellanox-cx3-vf');
  m.run();
  const bars = m.buses[0]!.functions.get(0)!.bars();
  const bar2 = bars.find((b) => b.index === 2)!;
  assert.equal(bar2.size, 8 * 1024 * 1024);
  assert.ok(bar2.address >= 0xf800_0000 && bar2.address + bar2.size <= 0xf800_0000 + 0x0680_0000, `BAR2 at 0x${bar2.address.toString(16)}`);
  assert.equal(bar2.address % bar2.size, 0, 'naturally aligned');
  assert.equal(bar2.decoding, true);
});

test('same scenario, same trace, byte for byte', () => {
  const a = scenario('det-a', 'hyperv-2022', 'freebsd', 'mellanox-cx3-vf');
  const b = scenario('det-b', 'hyperv-2022', 'freebsd', 'mellanox-cx3-vf');
  a.run();
  b.run();
  assert.ok(a.trace.length > 50);
  assert.equal(traceDigest(a), traceDigest(b));
});

test('snapshot mid-run, finish, restore and finish again: the same trace', () => {
  const m = scenario('snap', 'hyperv-2016', 'freebsd', 'mellanox-cx3-vf');
  m.run(400);
  const snap = m.snapshot();
  const at = m.trace.length;
  m.run();
  const full = traceDigest(m);
  assert.ok(m.trace.length > at);
  m.restore(snap);
  assert.equal(m.trace.length, at);
  m.run();
  assert.equal(traceDigest(m), full);
});

test('eject: the guest completes the ejection and the host rescinds the channel', () => {
  const m = scenario('eject', 'hyperv-2016', 'freebsd', 'mellanox-cx3-vf', 'at 5ms eject nic0\n');
  m.run();
  const seq = toHost(m);
  assert.ok(seq.includes(MSG.PCI_EJECTION_COMPLETE), 'EJECTION_COMPLETE sent');
  let rescinded = false;
  for (let i = 0; i < m.trace.length; i++) if (m.trace.kindAt(i) === Ev.Channel && m.trace.aAt(i) === 3) rescinded = true;
  assert.ok(rescinded);
});

test('eject after a failed attach closed the channel: no EJECT is written, the trace says why, the device goes at once', () => {
  const m = scenario(
    'eject-closed',
    'hyperv-2016',
    'freebsd',
    'mellanox-cx3-vf',
    'at 0 fault nic0 query-protocol-version status 0xC0000001\nat 5ms eject nic0\n',
  );
  m.run();
  const t = m.trace;
  let eject = -1;
  let why = -1;
  let rescind = -1;
  for (let i = 0; i < t.length; i++) {
    if (t.kindAt(i) === Ev.PacketToGuest && t.aAt(i) === MSG.PCI_EJECT) eject = i;
    const b = t.get(i).blob as { what?: string; to?: unknown } | undefined;
    if (t.kindAt(i) === Ev.State && b?.what === 'eject') why = i;
    if (t.kindAt(i) === Ev.Channel && t.aAt(i) === 3) rescind = i;
  }
  assert.equal(eject, -1, 'no EJECT on a closed channel');
  assert.ok(why >= 0);
  assert.match(String((t.get(why).blob as { to: unknown }).to), /not sent: the channel is not open/);
  assert.ok(rescind > why, 'rescinded after it');
  assert.ok(t.timeAt(rescind) < 6e6, 'without the 60 s wait');
});

test("after a rescind, the other function's driver tearing down touches its unassigned BARs: noted, no protocol error; an address no BAR ever held still is one", () => {
  const file = join(dir, 'rescind-teardown.vpci');
  writeFileSync(
    file,
    'vm {\n  host hyperv-2019\n  guest linux\n}\nbus nic0 {\n  function 0 intel-82599-pf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 2ms driver nic0 msix 3\nat 2ms driver nic0/1 msix 3\nat 10ms eject nic0/1\n',
  );
  const l = loadScenarioFile(file);
  assert.deepEqual(
    l.errors.map((e) => e.message),
    [],
  );
  const m = l.machine!;
  m.run();
  const t = m.trace;
  let rescind = -1;
  const errors: string[] = [];
  const notes: { at: number; text: string }[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t.kindAt(i) === Ev.Channel && t.aAt(i) === 3) rescind = i;
    if (t.kindAt(i) === Ev.Error) errors.push(String(t.get(i).blob));
    const b = t.get(i).blob;
    if (t.kindAt(i) === Ev.State && typeof b === 'string' && b.startsWith('MMIO ')) notes.push({ at: i, text: b });
  }
  assert.ok(rescind >= 0, 'the host rescinded the bus');
  assert.deepEqual(errors, []);
  // ixgbe's remove frees its three MSI-X vectors: each entry's Vector Control (offset 12) is masked.
  assert.equal(notes.length, 3);
  for (const [k, n] of notes.entries()) {
    assert.ok(n.at > rescind);
    assert.match(
      n.text,
      new RegExp(
        `^MMIO write of 4 bytes at 0x[0-9a-f]+${(k * 16 + 12).toString(16)} dropped: BAR4 of slot 00\\.0 on nic0, whose device left the VM when the host rescinded the bus$`,
      ),
    );
  }
  // Not every access after a rescind is excused: one no BAR held is still a model error.
  m.mmioWrite(0, 0x10, 4, 1);
  assert.match(String(t.get(t.length - 1).blob), /^MMIO write of 4 bytes at 0x10 decodes nowhere: dropped$/);
  assert.equal(t.kindAt(t.length - 1), Ev.Error);
});
