// What each expectation means, at its edges (docs/scenario-language.md, expectations): a version
// both ends agreed; an eject the host asked for and the guest completed, of any function of the
// bus; exactly N MSI-X vectors holding what the host returned (MSI apart); a message before a
// deadline that came after it; a vector raised while masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { checkExpectations, type ExpectResult } from '../../emulator/machine/expect';

const dir = mkdtempSync(join(tmpdir(), 'vpci-verdicts-'));
let n = 0;

function judge(vm: string, body: string): ExpectResult[] {
  const f = join(dir, `s${n++}.vpci`);
  writeFileSync(
    f,
    `vm {\n${vm
      .split(',')
      .map((l) => `  ${l.trim()}`)
      .join('\n')}\n}\n${body}`,
  );
  const l = loadScenarioFile(f);
  assert.deepEqual(
    l.errors.map((e) => e.message),
    [],
  );
  l.machine!.run();
  return checkExpectations(l.machine!, l.scenario.expectations, l.text);
}

const brief = (r: ExpectResult) => [r.ok, r.detail];

test('version: the guest uses it and the host agreed to it; a reply forced to success on a host that refused is not a negotiation', () => {
  const [forced] = judge(
    'host hyperv-2016, guest freebsd',
    'bus nic0 { function 0 intel-82599-vf }\nat 0 fault nic0 query-protocol-version status STATUS_SUCCESS times 1\nat 0 boot\nexpect nic0 version 1.4\n',
  );
  assert.deepEqual(brief(forced!), [false, 'the guest uses 1.4, but the host agreed none']);
  assert.equal(forced!.actual, 'guest 1.4, host none');
  // OpenVMM writes 1.3 in its reply's version field, yet agreed to the 1.4 the guest asked for.
  const [openvmm] = judge('host openvmm, guest linux', 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nexpect nic0 version 1.4\n');
  assert.deepEqual(brief(openvmm!), [true, 'negotiated 1.4']);
});

test('ejected: an EJECT from the host that the guest completed, for any function of the bus; an EJECTION_COMPLETE nobody asked for is not one', () => {
  // relations2-falls-into-eject makes FreeBSD complete an eject the host never sent (the host refuses it).
  const [spurious] = judge(
    'host hyperv-2022, guest freebsd, quirk drop-empty-relations off',
    'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms unplug nic0\nexpect nic0 ejected\n',
  );
  assert.equal(spurious!.ok, false, spurious!.detail);
  assert.match(spurious!.detail, /^nic0 had no eject completed \(the host's EJECT answered by EJECTION_COMPLETE\)/);
  const [second] = judge(
    'host hyperv-2022, guest linux',
    'bus nic0 {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 1ms eject nic0/1\nexpect nic0 ejected\n',
  );
  assert.equal(second!.ok, true, second!.detail);
});

test('msix N: exactly N table entries hold what the host returned; an MSI vector is not an MSI-X entry', () => {
  const body = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms driver nic0 msix 3\nexpect nic0 msix 2\nexpect nic0 msix 3\nexpect nic0 msix 4\n';
  const [two, three, four] = judge('host hyperv-2022, guest linux', body);
  assert.deepEqual([two!.ok, three!.ok, four!.ok], [false, true, false]);
  assert.deepEqual([two!.expected, two!.actual], ['2', '3']);
  const [msi] = judge('host hyperv-2022, guest linux', 'bus gpu { function 0 intel-82576-pf }\nat 0 boot\nat 1ms driver gpu msi 1\nexpect gpu msix 0\n');
  assert.deepEqual(brief(msi!), [true, '0 programmed as the host returned']);
});

test('message before a deadline: one sent after it is named as such, and the negated form says its deadline', () => {
  const body =
    'bus nic1 { function 0 mellanox-cx3-vf }\nat 0 boot\nat 2ms eject nic1\n' +
    'expect message ejection-complete before 2ms\nexpect no message ejection-complete before 2ms\nexpect no message ejection-complete\n';
  const [late, notBefore, never] = judge('host hyperv-2016, guest freebsd', body);
  assert.equal(late!.ok, false);
  assert.equal(late!.what, 'ejection-complete before 2 ms');
  assert.match(late!.detail, /^none before 2 ms \(first at 2\.\d/);
  assert.match(late!.cause!.text, /sent here, at or after the 2 ms deadline$/);
  assert.deepEqual([notBefore!.ok, notBefore!.what], [true, 'no ejection-complete before 2 ms']);
  assert.match(notBefore!.detail, /^none before 2 ms \(first at /);
  assert.deepEqual([never!.ok, never!.what], [false, 'no ejection-complete']);
});

test('a vector raised while masked is left pending: not "never raised", and not undeliverable', () => {
  const body =
    'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms fault nic0 create-interrupt no-reply\nat 1ms driver nic0 msix 3\nat 2ms raise nic0 vector 0\n' +
    'expect nic0 vector 0 undeliverable\nexpect nic0 vector 0 delivered\n';
  const [undeliverable, delivered] = judge('host hyperv-2016, guest freebsd', body);
  assert.deepEqual([undeliverable!.ok, undeliverable!.actual], [false, 'pending (masked)']);
  assert.match(undeliverable!.detail, /raised while masked/);
  assert.deepEqual([delivered!.ok, delivered!.actual, delivered!.detail], [false, 'pending (masked)', 'raised while masked: left pending, never delivered']);
});
