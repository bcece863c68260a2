import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { loadScenario, parseWithExtras } from '../../emulator/scenario/parser';
import { checkScenario, withSyntaxErrors } from '../../emulator/scenario/check';
import { fakeContext, GOOD_DUMP } from './fake-context';
import { MAX_DIAGNOSTICS } from '../../emulator/scenario/ast';
import { defaultScenarioContext } from '../../emulator/scenario/context';

/**
 * Each scenario here is cut to what its test checks, most without a `boot`: the 'no-boot' warning they
 * would all carry is left out, and checked on its own (loadWithNoBoot).
 */
const load: typeof loadScenario = (...a) => {
  const r = loadScenario(...a);
  return { ...r, diagnostics: r.diagnostics.filter((d) => d.code !== 'no-boot') };
};
const loadWithNoBoot = loadScenario;

function diags(src: string, files: Record<string, string> = {}): [string, string, number, number, number][] {
  return load(src, 't.vpci', fakeContext(files)).diagnostics.map((d) => [d.severity, d.code, d.loc.line, d.loc.col, d.loc.endCol]);
}

test('unknown names get a did-you-mean with the exact range', () => {
  const r = load('vm {\n  host hyperv-2061\n  guest freebds\n  quirk short-packet-drops off\n}\nbus b { function 0 intel-82599-fv }\n', 't', fakeContext());
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol, d.message]),
    [
      ['unknown-profile', 2, 8, 19, "unknown host profile 'hyperv-2061'; did you mean 'hyperv-2016'?"],
      ['unknown-guest', 3, 9, 16, "unknown guest model 'freebds'; did you mean 'freebsd'?"],
      ['unknown-quirk', 4, 9, 27, "unknown quirk 'short-packet-drops'; did you mean 'short-packet-drop'?"],
      ['unknown-device', 6, 20, 34, "unknown device 'intel-82599-fv'; did you mean 'intel-82599-vf'?"],
    ],
  );
});

test('an unknown name with no near miss says what there is: the profiles, guests, quirks, devices and statuses', () => {
  const r = load(
    'vm {\n  host windows-2016\n  guest ubuntu\n  quirk fast-boot off\n}\nbus b { function 0 e1000 }\nat 1ms fault b create-interrupt status OOPS\n',
    't',
    fakeContext(),
  );
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol, d.message]),
    [
      ['unknown-profile', 2, 8, 20, "unknown host profile 'windows-2016' (expected hyperv-2016, openvmm)"],
      ['unknown-guest', 3, 9, 15, "unknown guest model 'ubuntu' (expected freebsd, freebsd-2016)"],
      ['unknown-quirk', 4, 9, 18, "unknown quirk 'fast-boot' (expected short-packet-drop)"],
      [
        'unknown-device',
        6,
        20,
        25,
        `unknown device 'e1000' (the catalog has intel-82599-vf, mellanox-cx3-vf, samsung-pm174x-nvme; a device of your own is dump "FILE")`,
      ],
      ['unknown-status', 7, 40, 44, "unknown status 'OOPS' (a number, or STATUS_BAD_DATA)"],
    ],
  );
});

test('messages and statuses resolve to their values; unknown ones are reported', () => {
  const src =
    'bus b { function 0 intel-82599-vf }\nat 1ms fault b create-interrupt2 status BAD_DATA\nat 1ms fault b PCI_CREATE_INTERRUPT_MESSAGE status STATUS_BAD_DATA\nat 2ms fault b create-interupt status BAD_DAT\nexpect message ejection-complete on b\n';
  const r = load(src, 't', fakeContext());
  const t = r.scenario.timeline;
  assert.ok(t[0]!.kind === 'fault' && t[1]!.kind === 'fault');
  assert.equal(t[0]!.fault.message.value, 0x42490017);
  assert.deepEqual(t[0]!.fault.action, { kind: 'status', status: 0xc000090b });
  assert.equal(t[1]!.fault.message.value, 0x42490014);
  assert.deepEqual(t[1]!.fault.action, { kind: 'status', status: 0xc000090b });
  assert.ok(r.scenario.expectations[0]!.kind === 'message' && r.scenario.expectations[0]!.message.value === 0x4249000f);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.message]),
    [
      // Defaults (hyperv-2016, freebsd) negotiate 1.1, where the guest sends create-interrupt (v1).
      [
        'fault-never-matches',
        2,
        16,
        'host hyperv-2016 and guest freebsd negotiate 1.1, so the guest sends create-interrupt, never create-interrupt2: this fault never fires',
      ],
      ['unknown-message', 4, 16, "unknown message 'create-interupt'; did you mean 'create-interrupt'?"],
      ['unknown-status', 4, 39, "unknown status 'BAD_DAT'; did you mean 'BAD_DATA'?"], // in the spelling written
    ],
  );
});

test('duplicate bus and slot conflicts point at the first declaration', () => {
  const r = load('bus b { function 0 intel-82599-vf }\nbus b {\n  function 1 intel-82599-vf\n  function 1.0 mellanox-cx3-vf\n}\n', 't', fakeContext());
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.related?.loc.line, d.related?.loc.col]),
    [
      ['duplicate-bus', 2, 5, 1, 5],
      ['slot-conflict', 4, 12, 3, 12],
    ],
  );
});

test('BAR sizes must be powers of two; dump files must exist and parse', () => {
  assert.deepEqual(diags('bus g { function 0 dump "g.lspci" bar 0 16M bar 1 24M rom 3K }', { 'g.lspci': GOOD_DUMP }), [
    ['error', 'bar-size', 1, 45, 54],
    ['error', 'bar-size', 1, 55, 61],
  ]);
  // The size as lspci prints one, and the power of two to round it up to (it said 'size 25165824', and no fix on the command line).
  assert.deepEqual(
    load('bus g { function 0 dump "g.lspci" bar 0 16M bar 1 24M rom 3000 bar 2 0 }', 't', fakeContext({ 'g.lspci': GOOD_DUMP })).diagnostics.map(
      (d) => d.message,
    ),
    [
      'BAR 1 size 24M is not a power of two; round it up to 32M',
      'ROM size 3000 is not a power of two; round it up to 4K',
      'BAR 2 size 0 is not a power of two',
    ],
  );
  assert.deepEqual(diags('bus g { function 0 dump "none.lspci" }'), [['error', 'dump-missing', 1, 25, 37]]);
  assert.deepEqual(diags('bus g { function 0 dump "g.lspci" }', { 'g.lspci': 'hello\n' }), [['error', 'dump-unparsable', 1, 25, 34]]);
  // No device at the select address: said on the address, the mistake (the file is fine).
  assert.deepEqual(diags('bus g { function 0 dump "g.lspci" select 03:00.0 }', { 'g.lspci': GOOD_DUMP }), [['error', 'dump-unparsable', 1, 42, 49]]);
  assert.deepEqual(diags('bus g { function 0 dump "g.lspci" select 01:00.0 }', { 'g.lspci': GOOD_DUMP }), []);
});

test("a missing dump path with Windows' '\\' between its folders says '/' is read everywhere, with the path so written as its fix", () => {
  const d = load('bus g { function 0 dump "devices\\\\g.lspci" }\nbus h { function 0 dump "\\\\server\\\\g.lspci" }\n', 't.vpci', fakeContext()).diagnostics;
  assert.deepEqual(
    d.map((x) => [x.code, x.loc.line, x.loc.col, x.loc.endCol, x.message, x.suggestions]),
    [
      [
        'dump-missing',
        1,
        25,
        43,
        "cannot read dump file 'devices\\g.lspci'; folders are separated by '/', which every system reads ('\\' only Windows): did you mean 'devices/g.lspci'?",
        ['"devices/g.lspci"'],
      ],
      // a path from the root of a Windows drive names no file elsewhere however written: no fix
      ['dump-missing', 2, 25, 44, "cannot read dump file '\\server\\g.lspci'", undefined],
    ],
  );
});

test('a dump of several devices with no select: a warning naming the addresses and the one used', () => {
  const two = `${GOOD_DUMP}\n\n${GOOD_DUMP.replace('01:00.0', '02:00.0')}`;
  const r = load('bus g { function 0 dump "g.lspci" }', 't.vpci', fakeContext({ 'g.lspci': two })).diagnostics;
  assert.deepEqual(
    r.map((d) => [d.severity, d.code, d.loc.line, d.loc.col, d.loc.endCol, d.message]),
    [
      [
        'warning',
        'dump-several-devices',
        1,
        25,
        34,
        'g.lspci: the dump holds 2 devices (01:00.0, 02:00.0); the first, 01:00.0, is used: add `select 01:00.0` (or another address) to say which',
      ],
    ],
  );
  // Chosen: nothing to say, whichever it is.
  assert.deepEqual(diags('bus g { function 0 dump "g.lspci" select 02:00.0 }', { 'g.lspci': two }), []);
  // Past eight addresses, the rest are counted.
  const many = Array.from({ length: 11 }, (_, i) => GOOD_DUMP.replace('01:00.0', `${(i + 1).toString(16).padStart(2, '0')}:00.0`)).join('\n\n');
  const m = load('bus g { function 0 dump "g.lspci" }', 't.vpci', fakeContext({ 'g.lspci': many })).diagnostics[0]!;
  // An error about the device used unasked says which one of the dump's it is.
  const real = readFileSync('test/fixtures/lspci/cxl-dvsec-short-then-another.lspci', 'latin1');
  const e = load('bus g { function 0 dump "g.lspci" }', 't.vpci', fakeContext({ 'g.lspci': real })).diagnostics;
  assert.deepEqual(
    e.map((d) => [d.severity, d.code]),
    [['error', 'bar-layout']],
  );
  assert.match(e[0]!.message, /^g\.lspci: 00:0d\.0 \(the first of the dump's 2 devices; `select` names another\): BAR0: /);
  assert.match(m.message, /holds 11 devices \(01:00\.0, 02:00\.0, .*08:00\.0, … 3 more\); the first, 01:00\.0, is used/);
  // So does a select the dump lacks: every address of a dump of thousands made a message of hundreds of kilobytes.
  const lacking = load('bus g { function 0 dump "g.lspci" select 20:00.0 }', 't.vpci', fakeContext({ 'g.lspci': many })).diagnostics[0]!;
  assert.equal(
    lacking.message,
    'g.lspci: no device 20:00.0 in the dump (it has 01:00.0, 02:00.0, 03:00.0, 04:00.0, 05:00.0, 06:00.0, 07:00.0, 08:00.0, … 3 more)',
  );
});

test('a dump whose IDs read as an empty slot: which guest finds no device, an error when neither does', () => {
  // With more, BAR0 is 64-bit, so `bar 1` names its upper half.
  const ids = (v: string, bar64: boolean): string => GOOD_DUMP.replace('86 80 ed 10', v).replace('10: 00', bar64 ? '10: 04' : '10: 00');
  const said = (v: string, more = ''): unknown[] =>
    load(`bus g { function 0 dump "g.lspci"${more} }`, 't.vpci', fakeContext({ 'g.lspci': ids(v, more !== '') })).diagnostics.map((d) => [
      d.severity,
      d.code,
      d.loc.col,
      d.message,
    ]);
  assert.deepEqual(said('00 00 00 00'), [['warning', 'dump-no-device', 25, 'g.lspci: 01:00.0: IDs [0000:0000] mean no device to Linux']]);
  assert.deepEqual(said('ff ff ed 10'), [['warning', 'dump-no-device', 25, 'g.lspci: 01:00.0: IDs [ffff:10ed] mean no device to FreeBSD']]);
  assert.deepEqual(said('00 00 ed 10'), [['warning', 'dump-no-device', 25, 'g.lspci: 01:00.0: IDs [0000:10ed] have no valid vendor']]);
  assert.deepEqual(said('ff ff 00 00'), [['error', 'dump-no-device', 25, 'g.lspci: 01:00.0: IDs [ffff:0000] mean no device to both guests']]);
  // Vendor ID 0001 is Linux's 'not ready' (Configuration RRS): the run waits 65.5 s and finds none.
  assert.deepEqual(said('01 00 ed 10'), [
    ['warning', 'dump-no-device', 25, 'g.lspci: 01:00.0: IDs [0001:10ed] mean no device to Linux (not ready: it retries for 65.5 s)'],
  ]);
  // With a BAR that does not fit, both are said.
  assert.deepEqual(
    said('ff ff ff ff', ' bar 0 16M bar 1 16M').map((d) => (d as unknown[]).slice(0, 2)),
    [
      ['error', 'dump-no-device'],
      ['error', 'bar-layout'],
    ],
  );
  assert.deepEqual(said('86 80 ed 10'), []);
});

test('events on buses that do not exist yet, any more, or at all', () => {
  const src = [
    'bus a { function 0 intel-82599-vf }',
    'at 1ms raise n vector 0', // n offered at 6ms
    'at 6ms offer n { function 0 samsung-pm174x-nvme }',
    'at 7ms rescind a',
    'at 8ms driver a msix 1', // gone
    'at 8ms eject zz', // unknown
    'at 9ms driver n/1 msix 1', // no such slot
  ].join('\n');
  assert.deepEqual(diags(src), [
    ['error', 'bus-not-yet', 2, 14, 15],
    ['error', 'bus-gone', 5, 15, 16],
    ['error', 'unknown-bus', 6, 14, 16],
    ['error', 'unknown-slot', 7, 17, 18],
  ]);
});

test('a target without /SLOT is slot 0, checked as nic0/0 is: in every event and expectation that takes one', () => {
  const head = 'bus nic0 { function 1 intel-82599-vf }\nat 0 boot\n';
  const lines = [
    'at 1ms driver nic0 msix 3',
    'at 2ms raise nic0 vector 0',
    'at 3ms eject nic0',
    'at 4ms vanish nic0',
    'at 5ms unplug nic0',
    'expect nic0 vector 0 undeliverable',
    'expect nic0 msix 0',
  ];
  for (const line of lines) {
    const ds = load(head + line + '\n', 't.vpci', fakeContext()).diagnostics.filter((d) => d.severity === 'error');
    const col = line.indexOf('nic0') + 1;
    assert.deepEqual(
      ds.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol, d.message, d.suggestions]),
      [['unknown-slot', 3, col, col + 4, 'nic0 has no function at slot 0 (a target without /SLOT means slot 0); its functions: 1', ['nic0/1']]],
      line,
    );
    // The same statement with /0 written is the same error, at the slot.
    const explicit = load(head + line.replace('nic0', 'nic0/0') + '\n', 't.vpci', fakeContext()).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(
      explicit.map((d) => [d.code, d.message, d.suggestions]),
      [['unknown-slot', 'bus nic0 has no function at 0; its functions: 1', ['1']]],
      line,
    );
    // Slot 1 is there: nothing to say.
    assert.deepEqual(
      load(head + line.replace('nic0', 'nic0/1') + '\n', 't.vpci', fakeContext()).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  }
  // Bus-wide statements name no function: no slot to check.
  assert.deepEqual(
    diags(
      head +
        'at 1ms fault nic0 create-interrupt status BAD_DATA\nat 2ms rescind nic0\nexpect nic0 rescinded\nexpect nic0 version 1.1\nexpect message ejection-complete on nic0\n',
    ),
    [],
  );
});

test('an implied slot 0 that is plugged later, or was removed, is fn-not-yet or bus-gone; a bus-wide event after it is neither', () => {
  const head = 'bus nic0 { function 1 intel-82599-vf }\nat 0 boot\n';
  assert.deepEqual(diags(head + 'at 1ms driver nic0 msix 1\nat 2ms plug nic0 function 0 intel-82599-vf\nat 3ms driver nic0 msix 1\n'), [
    ['error', 'fn-not-yet', 3, 15, 19],
  ]);
  const ds = load(head + 'at 1ms driver nic0 msix 1\nat 2ms plug nic0 function 0 intel-82599-vf\n', 't.vpci', fakeContext()).diagnostics;
  assert.equal(ds[0]!.message, 'nic0 has no function at slot 0 at 1 ms (a target without /SLOT means slot 0); it is plugged later');
  const bus0 = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\n';
  // The function at slot 0 vanished: a later event on it is an error, but the bus itself is still there.
  assert.deepEqual(diags(bus0 + 'at 1ms vanish nic0\nat 2ms driver nic0 msix 1\nat 3ms rescind nic0\n'), [['error', 'bus-gone', 4, 15, 19]]);
  assert.deepEqual(diags(bus0 + 'at 1ms vanish nic0/0\nat 2ms detach nic0\n'), []);
});

test('a second eject of a function is bus-gone at its place, and later events on the function point at the first eject, which removed it', () => {
  const src = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms eject nic0\nat 2ms eject nic0\nat 3ms driver nic0 msix 2\n';
  const ds = load(src, 't.vpci', fakeContext()).diagnostics;
  assert.deepEqual(
    ds.map((d) => [d.code, d.loc.line, d.loc.col, d.related?.loc.line]),
    [
      ['bus-gone', 4, 14, 3],
      ['bus-gone', 5, 15, 3],
    ],
  );
});

test('a warning names a function as the scenario does: nic0 for the implied slot 0, nic0/1.2 for a written slot', () => {
  const messages = (body: string) =>
    load(`bus nic0 {\n  function 0 intel-82599-vf\n  function 1.2 intel-82599-vf\n}\nat 0 boot\n${body}`, 't.vpci', fakeContext()).diagnostics.map(
      (d) => d.message,
    );
  assert.deepEqual(messages('at 1ms raise nic0 vector 0\nat 2ms raise nic0/1.2 vector 0\n'), [
    "no 'driver' event enables interrupts on nic0 before 1 ms; the vector is never programmed",
    "no 'driver' event enables interrupts on nic0/1.2 before 2 ms; the vector is never programmed",
  ]);
  // driver nic0/0 and raise nic0 are the same function; the warning names it as the raise does.
  assert.deepEqual(messages('at 1ms driver nic0/0 msix 1\nat 2ms raise nic0 vector 1\n'), ['the driver enabled 1 vector on nic0; vector 1 is not one of them']);
  assert.deepEqual(messages('at 1ms vanish nic0\nat 2ms driver nic0 msix 1\nat 3ms vanish nic0/1.2\nat 4ms driver nic0/1.2 msix 1\n'), [
    'the function at slot 0 of nic0 no longer exists at 2 ms',
    'function nic0/1.2 no longer exists at 4 ms',
  ]);
  // An ejected function is not gone yet when the guest has not answered: said as ejected, and a raise on it is that error alone.
  const ejected = load(
    `bus nic0 {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 1ms eject nic0/1\nat 2ms raise nic0/1 vector 0\n`,
    't.vpci',
    fakeContext(),
  ).diagnostics.map((d) => [d.code, d.message, d.related?.message]);
  assert.deepEqual(ejected, [['bus-gone', 'function nic0/1 is ejected at 1 ms, and leaves once the guest sends PCI_EJECTION_COMPLETE', 'ejected here']]);
});

test('timeline out of file order is a warning, not an error', () => {
  assert.deepEqual(diags('bus a { function 0 intel-82599-vf }\nat 5ms driver a msix 1\nat 2ms boot\n'), [['warning', 'timeline-order', 3, 1, 12]]);
});

test('a host that accepts none of the guest versions warns, naming the versions', () => {
  const r = load('vm {\n  host openvmm\n  guest freebsd-2016\n}\n', 't', fakeContext());
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0]!.severity, 'warning');
  assert.equal(r.diagnostics[0]!.code, 'no-common-version');
  assert.equal(r.diagnostics[0]!.message, 'host openvmm accepts 1.2, 1.3, 1.4 but guest freebsd-2016 offers only 1.1: version negotiation will fail');
  assert.deepEqual(r.diagnostics[0]!.loc, { line: 2, col: 8, endLine: 2, endCol: 15 });
  assert.deepEqual(diags('vm {\n  host hyperv-2016\n  guest freebsd\n}\n'), []);
});

test('interrupt sanity: MSI counts, raise without driver or beyond its vectors, CPUs that do not exist', () => {
  const src = [
    'vm { cpus 2 }',
    'bus a { function 0 intel-82599-vf }',
    'bus b { function 0 intel-82599-vf }',
    'at 1ms raise a vector 0',
    'at 2ms driver b msi 3',
    'at 3ms driver a msix 3',
    'at 4ms raise a vector 3',
    'at 4ms raise a vector 2',
    'expect a vector 2 delivered cpu 2',
    'expect a vector 2 delivered cpu 1',
  ].join('\n');
  assert.deepEqual(diags(src), [
    ['warning', 'no-driver', 4, 1, 24],
    // on `msi N` and `vector N`, as no-such-cpu is on `cpu N`: not the whole statement
    ['error', 'msi-count', 5, 17, 22],
    ['warning', 'vector-out-of-range', 7, 16, 24],
    ['error', 'no-such-cpu', 9, 29, 34],
  ]);
});

test('a second driver event on a function is driver-again (a driver probes a function once); raise is checked against the first one', () => {
  const head = 'bus a {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\n';
  const src = head + 'at 1ms driver a msix 1\nat 1ms driver a/1 msix 3\nat 2ms driver a/0 msix 3\nat 3ms raise a vector 2\nat 3ms raise a/1 vector 2\n';
  const r = load(src, 't.vpci', fakeContext());
  assert.deepEqual(
    r.diagnostics.map((d) => [d.severity, d.code, d.loc.line, d.loc.col, d.message, d.related?.loc.line]),
    [
      [
        'warning',
        'driver-again',
        8,
        1,
        'the driver of a/0 is already loaded at 1 ms (line 6); once it has probed the function, this event changes nothing for it',
        6,
      ],
      ['warning', 'vector-out-of-range', 9, 16, 'the driver enabled 1 vector on a; vector 2 is not one of them', undefined],
    ],
  );
  // A function plugged again at the slot is probed anew: a driver event for it is no second one.
  assert.deepEqual(diags(head + 'at 1ms driver a/1 msix 1\nat 2ms unplug a/1\nat 3ms plug a function 1 intel-82599-vf\nat 4ms driver a/1 msix 2\n'), []);
});

test('a version expectation the host and guest cannot agree on warns', () => {
  assert.deepEqual(diags('vm {\n  host hyperv-2016\n  guest freebsd\n}\nbus a { function 0 intel-82599-vf }\nexpect a version 1.4\nexpect a version 1.1\n'), [
    // on the version, not the whole expectation
    ['warning', 'version-unreachable', 6, 18, 21],
  ]);
  // a number no vPCI protocol has (1.17 for 1.1 mistyped) is named as such
  assert.deepEqual(
    load('vm {\n  host hyperv-2016\n  guest freebsd\n}\nbus a { function 0 intel-82599-vf }\nexpect a version 1.17\n', 't.vpci', fakeContext()).diagnostics.map(
      (d) => [d.code, d.message],
    ),
    [['version-unreachable', '1.17 is not a vPCI protocol version (they are 1.0 to 1.6), so it cannot be negotiated: host and guest share only 1.1']],
  );
});

test('an event on a bus declared with bus before the first boot is bus-not-yet, as one before an offer is: the boot offers it; a fault may come first', () => {
  const head = 'bus a { function 0 intel-82599-vf }\n';
  for (const ev of ['rescind a', 'detach a', 'driver a msix 1', 'raise a vector 0', 'eject a', 'vanish a', 'unplug a', 'plug a function 1 intel-82599-vf']) {
    const r = load(`${head}at 0 ${ev}\nat 1ms boot\n`, 't.vpci', fakeContext()).diagnostics;
    assert.deepEqual(
      r.map((d) => [d.severity, d.code, d.loc.line, d.loc.col, d.message, d.related?.loc.line]),
      [['error', 'bus-not-yet', 2, ev.indexOf(' a') + 7, 'bus a is offered when the guest boots at 1 ms; it does not exist at 0 ns', 3]],
      ev,
    );
  }
  // The same time, before the boot in the file: it runs first (events at one time run in file order).
  assert.deepEqual(
    load(`${head}at 1ms rescind a\nat 1ms boot\n`, 't.vpci', fakeContext()).diagnostics.map((d) => [d.code, d.message]),
    [
      [
        'bus-not-yet',
        'bus a is offered when the guest boots at 1 ms too, later in the file (events at the same time run in file order); it does not exist yet',
      ],
    ],
  );
  // After the boot in the file, or at a later time: the bus is there, though written first.
  assert.deepEqual(diags(`${head}at 1ms boot\nat 1ms driver a msix 1\n`), []);
  assert.deepEqual(diags(`${head}at 2ms driver a msix 1\nat 1ms boot\n`), [['warning', 'timeline-order', 3, 1, 12]]);
  // A fault sets how the host answers: it may be armed before the guest boots.
  assert.deepEqual(diags(`${head}at 0 fault a create-interrupt status BAD_DATA\nat 1ms boot\n`), []);
  // An offered bus: events once its offer has run, and none before, even at its time.
  assert.deepEqual(diags('at 0 boot\nat 3ms offer b { function 0 intel-82599-vf }\nat 3ms driver b msix 1\nat 4ms eject b\n'), []);
  assert.deepEqual(diags('at 0 boot\nat 3ms driver b msix 1\nat 3ms offer b { function 0 intel-82599-vf }\n'), [['error', 'bus-not-yet', 2, 15, 16]]);
});

test('a timeline with no boot warns once, at the first bus declared at boot; offered buses start without one', () => {
  const diags = (src: string) => loadWithNoBoot(src, 't.vpci', fakeContext()).diagnostics.map((d) => [d.severity, d.code, d.loc.line, d.loc.col, d.loc.endCol]);
  assert.deepEqual(diags('bus a { function 0 intel-82599-vf }\nbus b { function 0 intel-82599-vf }\nat 1ms driver a msix 1\nexpect a attached\n'), [
    ['warning', 'no-boot', 1, 5, 6],
  ]);
  assert.deepEqual(diags('at 1ms offer b { function 0 intel-82599-vf }\nexpect b attached\n'), []);
  assert.deepEqual(diags('bus a { function 0 intel-82599-vf }\nat 5ms boot\n'), []);
});

test('vm and bus consistency: quirks, MMIO ranges, instance GUIDs, negated counts', () => {
  const src = [
    'vm {',
    '  guest freebsd',
    '  quirk short-packet-drop off',
    '  quirk short-packet-drop on',
    '  mmio low 0xF8000000 size 128M',
    '  mmio high 0xFC000000 size 1M',
    '  mmio low 0x1_0000_0000 size 1G',
    '}',
    'bus a {',
    '  instance 3c2d7b4a-0001-4f00-8000-000000000001',
    '  function 0 intel-82599-vf',
    '}',
    'bus b {',
    '  instance 3C2D7B4A-0001-4F00-8000-000000000001',
    '  function 0 intel-82599-vf',
    '}',
    'expect no message ejection-complete count 1',
  ].join('\n');
  assert.deepEqual(diags(src), [
    ['warning', 'duplicate-quirk', 4, 3, 29],
    ['error', 'mmio-overlap', 6, 3, 31],
    ['error', 'duplicate-mmio', 7, 3, 33],
    ['error', 'duplicate-instance', 14, 12, 48],
    ['warning', 'negated-count', 17, 1, 44],
  ]);
});

test('a bus whose block holds a syntax error is not also called empty; a bus with nothing in it is', async () => {
  const { parseStaged, checkStaged } = await import('../../emulator/scenario/staged');
  const codes = (src: string): string[] => checkStaged(parseStaged(src), 't.vpci', fakeContext()).map((d) => d.code);
  assert.deepEqual(codes('bus nic0 { function 32 intel-82599-vf }\nat 0 boot\n'), ['bad-slot']);
  assert.deepEqual(codes('bus nic0 { function 0 "intel\n}\nat 0 boot\n').includes('empty-bus'), false);
  assert.deepEqual(codes('bus nic0 { }\nbus nic1 { function 32 x }\nat 0 boot\n'), ['empty-bus', 'bad-slot']);
});

test('the checker keeps at most MAX_DIAGNOSTICS: the rest are counted in one, as severe as the worst of them', () => {
  const head = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\n';
  // Each boot after the first is a boot-again warning: warnings only, so the scenario still runs.
  const warnings = load(head + 'at 1ms boot\n'.repeat(MAX_DIAGNOSTICS + 7), 't', fakeContext()).diagnostics;
  assert.equal(warnings.length, MAX_DIAGNOSTICS + 1);
  assert.ok(warnings.every((d) => d.severity === 'warning'));
  const w = warnings.find((d) => d.code === 'too-many-problems')!;
  assert.equal(w.message, '7 more problems are not listed (at most 100,000 are kept); the first of them is here');
  assert.equal(w.loc.line, 3 + MAX_DIAGNOSTICS, 'at the first one not kept');

  // Errors past the bound make it an error: the scenario must not run as if they were not there.
  const mixed = load(head + 'at 1ms boot\n'.repeat(MAX_DIAGNOSTICS) + 'at 2ms raise nic9 vector 0\nat 3ms boot\n', 't', fakeContext()).diagnostics;
  const m = mixed.find((d) => d.code === 'too-many-problems')!;
  assert.equal(m.severity, 'error');
  assert.equal(m.message, '2 more problems (1 error) are not listed (at most 100,000 are kept); the first of them is here');
  assert.equal(mixed.filter((d) => d.code === 'unknown-bus').length, 0, 'the error itself is counted, not kept');
});

test('every diagnostic code the parser and checker report is in the language reference', () => {
  const doc = readFileSync('docs/scenario-language.md', 'utf8');
  const codes = new Set<string>();
  // The first quoted word after each add( / fail( / diag( / warn( that reads as a code (the severity aside).
  for (const f of readdirSync('emulator/scenario').filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(`emulator/scenario/${f}`, 'utf8');
    for (const m of src.matchAll(/\b(?:add|fail|diag|warn)\(/g)) {
      const lit = [...src.slice(m.index + m[0].length, m.index + 400).matchAll(/'([^'\\]*)'/g)].map((x) => x[1]!).find((x) => x !== 'error' && x !== 'warning');
      if (lit && /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(lit)) codes.add(lit);
    }
  }
  assert.ok(codes.size > 40 && codes.has('no-boot') && codes.has('timeline-order'), [...codes].join(' '));
  assert.deepEqual(
    [...codes].filter((c) => !doc.includes(`\`${c}\``)),
    [],
  );
});

test('at most 4,096 buses and 4,096 functions (declared, offered and plugged): the one past each is an error where it is written', () => {
  // One line a bus with one function; else `bus bN {`, a line per function, `}`.
  const buses = (n: number, fns = 1) =>
    Array.from({ length: n }, (_, i) =>
      fns === 1
        ? `bus b${i} { function 0 intel-82599-vf }`
        : `bus b${i} {\n${Array.from({ length: fns }, (_, f) => `  function ${f} intel-82599-vf`).join('\n')}\n}`,
    ).join('\n');
  const codes = (src: string) =>
    load(src, 't.vpci', fakeContext())
      .diagnostics.filter((d) => d.code.startsWith('too-many'))
      .map((d) => [d.code, d.loc.line, d.loc.col]);
  assert.deepEqual(codes(`at 0 boot\n${buses(4096)}\n`), []);
  assert.deepEqual(codes(`at 0 boot\n${buses(4097)}\n`), [
    ['too-many-buses', 4098, 5],
    ['too-many-functions', 4098, 22],
  ]);
  // 1,024 buses of four functions; an offered bus's function and a plugged one pass the count.
  assert.deepEqual(codes(`at 0 boot\n${buses(1024, 4)}\n`), []);
  assert.deepEqual(codes(`at 0 boot\n${buses(1024, 4)}\nat 1ms offer x { function 0 intel-82599-vf }\n`), [['too-many-functions', 6146, 27]]);
  assert.deepEqual(
    codes(
      `at 0 boot\n${buses(1023, 4)}\nbus y { function 0 intel-82599-vf }\nat 1ms plug y function 1 intel-82599-vf\nat 2ms plug y function 2 intel-82599-vf\nat 3ms plug y function 3 intel-82599-vf\nat 4ms plug y function 4 intel-82599-vf\n`,
    ),
    [['too-many-functions', 6144, 24]],
  );
});

test('an expectation given twice warns at the second, naming the first (not only expect no errors)', () => {
  const ds = load(
    'bus a { function 0 intel-82599-vf }\nat 0 boot\nexpect a attached\nexpect a attached before 5ms\nexpect a attached\nexpect a msix 2\nexpect a msix 2\n',
    't.vpci',
    fakeContext(),
  ).diagnostics;
  assert.deepEqual(
    ds.map((d) => [d.code, d.loc.line, d.related?.loc.line]),
    [
      ['duplicate-expectation', 5, 3],
      ['duplicate-expectation', 7, 6],
    ],
  );
});

test('an expectation written another way is the same expectation: the message however named, clauses in any order, slot 0 implied or written', async () => {
  const { defaultScenarioContext } = await import('../../emulator/scenario/context');
  const dupes = (...lines: string[]) =>
    load(
      `bus nic0 { function 0 intel-82599-vf }\nat 0 boot\n${lines.join('\n')}\n`,
      't.vpci',
      defaultScenarioContext(() => undefined),
    )
      .diagnostics.filter((d) => d.code === 'duplicate-expectation')
      .map((d) => [d.loc.line, d.related?.loc.line]);
  assert.deepEqual(dupes('expect message query-bus-relations on nic0 count 1', 'expect message query-bus-relations count 1 on nic0'), [[4, 3]]);
  assert.deepEqual(dupes('expect message PCI_QUERY_BUS_RELATIONS on nic0', 'expect message query-bus-relations on nic0', 'expect message 0x42490001 on nic0'), [
    [4, 3],
    [5, 3],
  ]);
  assert.deepEqual(dupes('expect message eject before 1ms', 'expect message eject before 1000us', 'expect message eject before 1_000_000ns'), [
    [4, 3],
    [5, 3],
  ]);
  // 'no' checks a count of 0 (a count after it changes nothing).
  assert.deepEqual(dupes('expect no message eject on nic0', 'expect message eject count 0 on nic0'), [[4, 3]]);
  assert.deepEqual(dupes('expect nic0 msix 3', 'expect nic0/0 msix 3', 'expect nic0/0.0 msix 3'), [
    [4, 3],
    [5, 3],
  ]);
  assert.deepEqual(dupes('expect nic0 vector 0 delivered cpu 1', 'expect nic0/0 vector 0 delivered cpu 1'), [[4, 3]]);
  // Different meanings stay apart: another count, bus, message, deadline, slot or outcome.
  assert.deepEqual(
    dupes(
      'expect message query-bus-relations on nic0 count 1',
      'expect message query-bus-relations on nic0',
      'expect message query-bus-relations count 1',
      'expect message query-bus-relations on nic0 count 2',
      'expect message query-bus-relations on nic0 count 1 before 1ms',
      'expect message eject on nic0 count 1',
      'expect nic0 msix 3',
      'expect nic0 msix 2',
      'expect nic0 vector 0 delivered',
      'expect nic0 vector 0 delivered cpu 0',
      'expect nic0 vector 0 undeliverable',
    ),
    [],
  );
});

test('a status name in any case, with - or _, with or without STATUS_', () => {
  for (const name of ['BAD_DATA', 'bad-data', 'Bad-Data', 'STATUS_BAD_DATA', 'status_bad_data', 'Status-Bad-Data']) {
    const r = load(`bus b { function 0 intel-82599-vf }\nat 0 boot\nat 1ms fault b create-interrupt status ${name}\n`, 't', fakeContext());
    assert.deepEqual(
      r.diagnostics.map((d) => d.code),
      [],
      name,
    );
    const e = r.scenario.timeline[1]!;
    assert.ok(e.kind === 'fault');
    assert.deepEqual(e.fault.action, { kind: 'status', status: 0xc000090b }, name);
  }
});

test('a driver event asking a catalog device for more vectors than its capability has, or a kind it lacks, warns as the guests then do: it gets what the device has, or its probe fails', () => {
  const ctx = defaultScenarioContext(() => undefined);
  const run = (fn: string, driver: string): [string, number, number, string, string[] | undefined][] =>
    load(
      `vm {\n  host hyperv-2022\n  guest linux\n}\nbus a { function 0 ${fn} }\nat 0 boot\nat 1ms driver a ${driver}\nat 2ms raise a vector 2\n`,
      't.vpci',
      ctx,
    ).diagnostics.map((d) => [d.code, d.loc.col, d.loc.endCol, d.message, d.suggestions]);
  // the VF's MSI-X table has 3 entries (Table Size 2 in its Message Control): the driver enables 3, and vector 2 is one of them
  assert.deepEqual(run('intel-82599-vf', 'msix 2048'), [
    ['vectors-beyond-device', 17, 26, 'intel-82599-vf has 3 MSI-X vectors: the driver enables 3, not 2048', ['msix 3']],
  ]);
  // no MSI capability: the probe fails (ixgbevf 'Unable to allocate MSI interrupts'), so no vector is enabled
  assert.deepEqual(run('intel-82599-vf', 'msi 1'), [
    [
      'interrupts-unsupported',
      17,
      22,
      "intel-82599-vf has no MSI capability, so its driver's probe fails and enables no vector; it has MSI-X: 'msix 1'",
      ['msix 1'],
    ],
    ['vector-out-of-range', 16, 24, 'the driver enabled 0 vectors on a; vector 2 is not one of them', undefined],
  ]);
  assert.deepEqual(run('nvidia-tu102', 'msi 4')[0], ['vectors-beyond-device', 17, 22, 'nvidia-tu102 has 1 MSI vector: the driver enables 1, not 4', ['msi 1']]);
  // the ConnectX-3 PF's dump stops at 64 bytes, before its capabilities: the emulator's device has no MSI-X
  assert.deepEqual(run('mellanox-cx3-pf', 'msix 4')[0]?.slice(0, 2), ['interrupts-unsupported', 17]);
  assert.deepEqual(run('intel-82599-pf', 'msix 3'), []);
  // a function plugged later is checked against its own device
  assert.deepEqual(
    load(
      'vm {\n  host hyperv-2022\n  guest linux\n}\nbus a { function 0 intel-82599-pf }\nat 0 boot\nat 1ms plug a function 1 intel-82599-vf\nat 2ms driver a/1 msix 8\n',
      't.vpci',
      ctx,
    ).diagnostics.map((d) => d.code),
    ['plug-fails', 'vectors-beyond-device'],
  );
});

test('a Linux guest whose mmio lines leave out the range above (or below) 4 GiB warns for the buses whose BARs need it, as pci-hyperv fails them', () => {
  const ctx = defaultScenarioContext(() => undefined);
  const codes = (src: string, guest?: string) => {
    const r = parseWithExtras(src);
    return withSyntaxErrors(r.diagnostics, checkScenario(r.scenario, ctx, r.extras, 't.vpci', guest ? { guest } : {}), r.scenario).map((d) => [
      d.code,
      d.loc.line,
      d.loc.col,
      d.message,
    ]);
  };
  // intel-82599-vf: two 64-bit BARs; nvidia-tu102: a 32-bit BAR 0 (16M) among 64-bit ones.
  const lowOnly = 'vm {\n  guest linux\n  mmio low 0xF800_0000 size 64M\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\n';
  assert.deepEqual(codes(lowOnly), [
    [
      'bar-window-missing',
      3,
      3,
      "guest linux needs an MMIO range above 4 GiB for 64-bit BARs, and the mmio lines give none: nic0 (intel-82599-vf) will fail to attach; add 'mmio high'",
    ],
  ]);
  const highOnly =
    'vm {\n  guest linux\n  mmio high 0x10_0000_0000 size 1G\n}\nbus gpu { function 0 nvidia-tu102 }\nat 0 boot\nat 1ms plug gpu function 1 intel-82599-vf\n';
  assert.deepEqual(
    codes(highOnly).map((d) => d.slice(0, 3)),
    [
      ['bar-window-missing', 3, 3],
      ['plug-fails', 7, 1],
    ],
  );
  assert.match(
    String(codes(highOnly)[0]![3]),
    /below 4 GiB for 32-bit BARs, and the mmio lines give none: gpu \(nvidia-tu102\) will fail to attach; add 'mmio low'$/,
  );
  // Where upstream does not fail, nothing: both ranges (or the defaults), a range reaching over 4 GiB, FreeBSD, no BAR of that kind.
  for (const ok of [
    lowOnly.replace('  mmio low 0xF800_0000 size 64M\n', ''),
    lowOnly.replace('64M', '64M\n  mmio high 0x10_0000_0000 size 1G'),
    lowOnly.replace('0xF800_0000 size 64M', '0xF800_0000 size 1G'),
    lowOnly.replace('guest linux', 'guest freebsd'),
    highOnly.replace('nvidia-tu102', 'intel-82599-vf'),
  ])
    assert.deepEqual(
      codes(ok).filter((d) => d[0] !== 'plug-fails'), // the plug's own warning
      [],
      ok,
    );
  // The guest the run takes: --guest linux on a FreeBSD scenario warns too.
  assert.deepEqual(
    codes(lowOnly.replace('guest linux', 'guest freebsd'), 'linux').map((d) => d[0]),
    ['bar-window-missing'],
  );
  // A function from a dump, by the BARs its sizes lay out (as the machine lays them out): the same rule and text.
  const gpu = readFileSync('examples/devices/nvidia-tu102-gpu.lspci', 'utf8');
  const dctx = defaultScenarioContext((p) => (p === 'gpu.lspci' ? gpu : undefined));
  const dump = (mmio: string) => {
    const r = parseWithExtras(
      `vm {\n  guest linux\n  mmio ${mmio}\n}\nbus gpu0 { function 0 dump "gpu.lspci" select 02:00.0 bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K }\nat 0 boot\n`,
    );
    return checkScenario(r.scenario, dctx, r.extras, 't.vpci').map((d) => [d.code, d.loc.line, d.message]);
  };
  assert.deepEqual(dump('low 0xF800_0000 size 64M'), [
    [
      'bar-window-missing',
      3,
      "guest linux needs an MMIO range above 4 GiB for 64-bit BARs, and the mmio lines give none: gpu0 (gpu.lspci) will fail to attach; add 'mmio high'",
    ],
  ]);
  assert.deepEqual(
    dump('high 0x10_0000_0000 size 1G').map((d) => d[0]),
    ['bar-window-missing'],
  );
  assert.deepEqual(dump('low 0xE000_0000 size 512M\n  mmio high 0x10_0000_0000 size 1G'), []);
});

test('raises before any driver event are one no-driver warning per function, on its first raise, counting the later ones', () => {
  const head = 'bus nic0 {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\n';
  const r = load(
    head + 'at 1ms raise nic0 vector 0\n'.repeat(3) + 'at 2ms raise nic0/1 vector 0\nat 3ms driver nic0 msix 1\nat 4ms raise nic0 vector 0\n',
    't',
    fakeContext(),
  );
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.message]),
    [
      ['no-driver', 6, "no 'driver' event enables interrupts on nic0 before 1 ms; the vector is never programmed (the same for the 2 later raises on nic0)"],
      ['no-driver', 9, "no 'driver' event enables interrupts on nic0/1 before 2 ms; the vector is never programmed"],
    ],
  );
});
