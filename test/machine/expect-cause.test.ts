// Every expectation result names the trace event that decided it: the completion that carried
// the negotiated version, the delivery or drop of a vector, the first protocol error, the
// EJECTION_COMPLETE, the moment a `before` deadline passed — what Debug at Cause travels to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { checkExpectations, type ExpectResult } from '../../emulator/machine/expect';
import { Ev } from '../../emulator/vpci/events';
import { messageByName } from '../../emulator/vpci/protocol';
import type { Machine } from '../../emulator/machine/machine';

const dir = mkdtempSync(join(tmpdir(), 'vpci-cause-'));

function judge(text: string): { m: Machine; r: ExpectResult[] } {
  const f = join(dir, `s${Math.random().toString(36).slice(2)}.vpci`);
  writeFileSync(f, text);
  const l = loadScenarioFile(f);
  assert.deepEqual(l.errors, []);
  l.machine!.run();
  return { m: l.machine!, r: checkExpectations(l.machine!, l.scenario.expectations, l.text) };
}

const QUICKSTART = readFileSync('examples/quickstart.vpci', 'utf8').replace(/^expect[^\n]*\n/gm, '');

test('held expectations point at the event that made them true', () => {
  const { m, r } = judge(`${QUICKSTART}
expect nic0 attached
expect nic0 version 1.1
expect nic0 msix 3
expect nic0 vector 0 delivered
expect nic1 ejected before 65s
expect message PCI_EJECTION_COMPLETE on nic1 count 1
`);
  const t = m.trace;
  assert.ok(
    r.every((x) => x.ok),
    JSON.stringify(r.filter((x) => !x.ok)),
  );
  const [attached, version, msix, vector, ejected, count] = r;
  assert.equal(attached!.text, 'expect nic0 attached');
  assert.equal((t.get(attached!.cause!.event).blob as { to: string }).to, 'attached');
  // The version came in the host's successful completion; its origin is the guest's 1.1 request.
  assert.equal(version!.cause!.text, 'negotiated 1.1 here');
  assert.equal(t.kindAt(version!.cause!.event), Ev.PacketToGuest);
  assert.equal(t.kindAt(version!.cause!.origin!), Ev.PacketToHost);
  assert.equal(t.bAt(version!.cause!.origin!), t.bAt(version!.cause!.event));
  // MSI-X: the last write into the table (BAR memory, not config space).
  assert.equal(t.kindAt(msix!.cause!.event), Ev.BarAccess);
  assert.equal(t.kindAt(vector!.cause!.event), Ev.IntDeliver);
  assert.match(vector!.cause!.text, /^vector 0 delivered to cpu \d+ here$/);
  assert.equal(t.aAt(ejected!.cause!.event), messageByName('PCI_EJECTION_COMPLETE'));
  assert.equal(ejected!.cause!.event, count!.cause!.event);
});

test('failed expectations point at what decided against them, with expected and actual values', () => {
  const { m, r } = judge(`${QUICKSTART}
expect nic0 version 1.4
expect nic0 attached before 10us
expect nic0 vector 0 delivered cpu 3
expect nic0 msix 4
expect message PCI_EJECT on nic0
expect no message PCI_QUERY_BUS_RELATIONS on nic0
expect message PCI_QUERY_PROTOCOL_VERSION on nic0 count 1
`);
  const t = m.trace;
  assert.ok(r.every((x) => !x.ok));
  const [version, late, cpu, msix, never, negated, count] = r;
  assert.deepEqual([version!.expected, version!.actual, version!.cause!.text], ['1.4', '1.1', 'negotiated 1.1 here']);
  // The deadline: the first event at or after 10 µs.
  assert.ok(t.timeAt(late!.cause!.event) >= 10_000 && t.timeAt(late!.cause!.event - 1) < 10_000);
  assert.match(late!.cause!.text, /deadline passed here; nic0 became attached only at/);
  assert.deepEqual([cpu!.expected, cpu!.actual], ['delivered to cpu 3', 'delivered to cpu 0']);
  assert.equal(t.kindAt(cpu!.cause!.event), Ev.IntDeliver);
  assert.deepEqual([msix!.expected, msix!.actual], ['4', '3']);
  assert.match(never!.cause!.text, /^PCI_EJECT on nic0 was never sent; the last thing that happened on nic0 is here$/);
  assert.equal(t.busAt(never!.cause!.event), 0);
  assert.equal(negated!.cause!.text, 'PCI_QUERY_BUS_RELATIONS on nic0 sent here');
  // FreeBSD offers 1.4 then 1.1 to WS2016: the second request is the one too many.
  assert.deepEqual([count!.expected, count!.actual], ['1', '2']);
  assert.equal(count!.cause!.text, 'PCI_QUERY_PROTOCOL_VERSION on nic0 sent the 2nd time here');
});

test('no errors: the first protocol error decides it', () => {
  const { m, r } = judge(readFileSync('examples/quirks/descriptor-stride.vpci', 'utf8').replace(/^expect[^\n]*\n/gm, '') + '\nexpect no errors\n');
  const x = r[0]!;
  assert.equal(x.ok, false);
  assert.equal(m.trace.kindAt(x.cause!.event), Ev.Error);
  for (let i = 0; i < x.cause!.event; i++) assert.notEqual(m.trace.kindAt(i), Ev.Error);
  assert.match(x.cause!.text, /^first protocol error here: /);
});
