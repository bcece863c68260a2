import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, formatDiagnostic } from '../../emulator/scenario/parser';
import { defaultScenarioContext } from '../../emulator/scenario/context';
import { formatScenario } from '../../emulator/scenario/format';

const DIR = join(import.meta.dirname, '../../examples');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.vpci'))
  .sort();
const ctx = defaultScenarioContext((p) => {
  try {
    return readFileSync(join(DIR, p), 'utf8');
  } catch {
    return undefined;
  }
});

test('the seven examples exist', () => {
  assert.deepEqual(files, [
    'bring-your-own-device.vpci',
    'faults.vpci',
    'hot-plug.vpci',
    'linux-2022.vpci',
    'openvmm.vpci',
    'quickstart.vpci',
    'relations-update.vpci',
  ]);
});

for (const f of files) {
  test(`example ${f} loads with no diagnostics against the real context and is formatted`, () => {
    const text = readFileSync(join(DIR, f), 'utf8');
    const r = loadScenario(text, f, ctx);
    assert.deepEqual(
      r.diagnostics.map((d) => formatDiagnostic(d, f, text)),
      [],
    );
    assert.ok(r.scenario.title, 'has a title');
    assert.ok(r.scenario.timeline.some((e) => e.kind === 'boot'));
    assert.equal(formatScenario(text), text);
  });
}

test('quickstart resolves to the expected devices and message values', () => {
  const text = readFileSync(join(DIR, 'quickstart.vpci'), 'utf8');
  const { scenario } = loadScenario(text, 'quickstart.vpci', ctx);
  assert.deepEqual(
    scenario.buses.map((b) => [b.name.name, b.functions.map((x) => (x.source.kind === 'catalog' ? x.source.id.name : x.source.path))]),
    [
      ['nic0', ['intel-82599-vf']],
      ['nic1', ['mellanox-cx3-vf']],
    ],
  );
  const m = scenario.expectations.find((e) => e.kind === 'message');
  assert.equal(m?.kind === 'message' && m.message.value, 0x4249000f);
});

test('faults example: create-interrupt is the 1.1 message 0x42490014 with STATUS_BAD_DATA', () => {
  const text = readFileSync(join(DIR, 'faults.vpci'), 'utf8');
  const { scenario } = loadScenario(text, 'faults.vpci', ctx);
  const f = scenario.timeline.find((e) => e.kind === 'fault');
  assert.ok(f && f.kind === 'fault');
  assert.equal(f.fault.message.value, 0x42490014);
  assert.deepEqual(f.fault.action, { kind: 'status', status: 0xc000090b });
  assert.equal(f.fault.times, 1);
});

test('real context: the dump example reads a real lspci file; a wrong select is reported on the path', () => {
  const text = readFileSync(join(DIR, 'bring-your-own-device.vpci'), 'utf8').replace('select 02:00.0', 'select 01:00.0');
  const r = loadScenario(text, 'b.vpci', ctx);
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['dump-unparsable'],
  );
  assert.match(r.diagnostics[0]!.message, /no device 01:00\.0 in the dump \(it has 02:00\.0\)/);
});

test('real context: BAR sizes are checked against the BARs the dump implements', () => {
  const base = readFileSync(join(DIR, 'bring-your-own-device.vpci'), 'utf8');
  const fnLine = base.split('\n').findIndex((l) => l.includes('function 0 dump')) + 1;
  const missing = base.replace(' bar 5 128', '');
  let r = loadScenario(missing, 'b.vpci', ctx);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col]),
    [['bar-layout', fnLine, 3 + 'function 0 dump '.length]],
  );
  assert.match(r.diagnostics[0]!.message, /BAR5: the dump implements it \(io, register 0x00006001\) but no size was given/);
  // BAR 2 is the upper half of the 64-bit BAR 1: the error sits on the `bar 2 …` clause.
  const upper = base.replace('bar 3 32M', 'bar 2 32M');
  r = loadScenario(upper, 'b.vpci', ctx);
  const line = upper.split('\n')[fnLine - 1]!;
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol]),
    [['bar-layout', fnLine, line.indexOf('bar 2') + 1, line.indexOf('bar 2') + 10]],
  );
});

test('real context: a raw binary sysfs config file is a valid dump', () => {
  const bin = readFileSync(join(import.meta.dirname, '../../data/devices/intel-82599-pf-dpdk-sysfs.config'), 'latin1');
  const c = defaultScenarioContext((p) => (p === 'x.config' ? bin : undefined));
  const r = loadScenario('bus b { function 0 dump "x.config" bar 0 512K bar 2 32 bar 4 16K }\nat 0 boot\n', 'b.vpci', c);
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
  const r2 = loadScenario('bus b { function 0 dump "x.config" }\nat 0 boot\n', 'b.vpci', c);
  assert.deepEqual(
    r2.diagnostics.map((d) => d.code),
    ['bar-layout'],
  );
});

test('real context: OpenVMM cannot eject and serves only slot 0', () => {
  const r = loadScenario(
    'vm { host openvmm }\nbus a {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 1ms eject a\n',
    'o.vpci',
    ctx,
  );
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col]),
    [
      ['slot-unsupported', 4, 12],
      ['eject-unsupported', 7, 1],
    ],
  );
});

test('real context: a plug the guest cannot use: on FreeBSD with descriptor-stride on, onto a bus that has a function, or a bus with two; any plug on Linux', () => {
  const src = (guest: string, more = ''): string =>
    `vm {\n  guest ${guest}\n${more}}\nbus a { function 0 intel-82599-vf }\nbus b {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 6ms plug a function 1 intel-82599-vf\nat 7ms plug b function 2 intel-82599-vf\n`;
  const said = (text: string): unknown[] => loadScenario(text, 'p.vpci', ctx).diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.message]);
  const stride = "guest freebsd: functions past the first get a wrong slot (InvalidSlot); 'quirk descriptor-stride off' fixes it";
  // At a plug onto a bus that has a function: not onto an empty one (the plugged one is the relations' first).
  // And at the second function (in slot order, as the relations list them) of a bus declared with two.
  assert.deepEqual(said(src('freebsd')), [
    ['plug-fails', 7, 3, stride],
    ['plug-fails', 10, 1, stride],
    ['plug-fails', 11, 1, stride],
  ]);
  assert.deepEqual(
    said(src('freebsd').replace('bus a { function 0 intel-82599-vf }', 'bus a { }')).map((d) => (d as unknown[]).slice(0, 2)),
    [
      ['empty-bus', 4],
      ['plug-fails', 7],
      ['plug-fails', 11],
    ],
  );
  assert.deepEqual(
    said(src('freebsd').replace('function 0 intel-82599-vf\n  function 1', 'function 1 intel-82599-vf\n  function 0')).map((d) => (d as unknown[]).slice(0, 2)),
    [
      ['plug-fails', 6],
      ['plug-fails', 10],
      ['plug-fails', 11],
    ],
  );
  assert.deepEqual(said(src('freebsd', '  quirk descriptor-stride off\n')), []);
  assert.deepEqual(said(src('freebsd-2016')), []);
  assert.deepEqual(said(src('linux')), [
    ['plug-fails', 10, 1, 'guest linux: a rescan assigns no BARs: the driver fails (-22)'],
    ['plug-fails', 11, 1, 'guest linux: a rescan assigns no BARs: the driver fails (-22)'],
  ]);
});

test('real context: faults and expectations on message versions the guest will not send warn', () => {
  const src = (host: string, guest = 'linux'): string =>
    `vm {\n  host ${host}\n  guest ${guest}\n}\nbus a { function 0 intel-82599-vf }\nat 0 boot\nat 1ms fault a create-interrupt no-reply\nat 1ms fault a eject no-reply\nexpect message resources-assigned2 on a\n`;
  let r = loadScenario(src('hyperv-2022'), 'v.vpci', ctx);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.message]),
    [
      [
        'fault-never-matches',
        7,
        16,
        'host hyperv-2022 and guest linux negotiate 1.4, so the guest sends create-interrupt3, never create-interrupt: this fault never fires',
      ],
      ['fault-never-matches', 8, 16, 'eject is sent by the host; a fault applies to messages the guest sends'],
    ],
  );
  // Linux negotiates 1.2 on WS2016 (RS1): CREATE_INTERRUPT2 and RESOURCES_ASSIGNED2.
  r = loadScenario(src('hyperv-2016'), 'v.vpci', ctx);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.message]),
    [
      [
        'fault-never-matches',
        7,
        'host hyperv-2016 and guest linux negotiate 1.2, so the guest sends create-interrupt2, never create-interrupt: this fault never fires',
      ],
      ['fault-never-matches', 8, 'eject is sent by the host; a fault applies to messages the guest sends'],
    ],
  );
  // Current FreeBSD offers 1.4 then 1.1: on WS2019 it falls back to 1.1.
  r = loadScenario(src('hyperv-2019', 'freebsd'), 'v.vpci', ctx);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.message]),
    [
      ['fault-never-matches', 8, 'eject is sent by the host; a fault applies to messages the guest sends'],
      ['message-never-sent', 9, 'host hyperv-2019 and guest freebsd negotiate 1.1, so the guest sends resources-assigned, never resources-assigned2'],
    ],
  );
});
