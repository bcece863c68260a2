import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, formatDiagnostic } from '../../emulator/scenario/parser';
import { defaultScenarioContext } from '../../emulator/scenario/context';
import { formatScenario } from '../../emulator/scenario/format';

const DIR = join(import.meta.dirname, '../../examples');
const files = readdirSync(DIR).filter((f) => f.endsWith('.vpci')).sort();
const ctx = defaultScenarioContext((p) => {
  try {
    return readFileSync(join(DIR, p), 'utf8');
  } catch {
    return undefined;
  }
});

test('the six examples exist', () => {
  assert.deepEqual(files, ['bring-your-own-device.vpci', 'faults.vpci', 'hot-plug.vpci', 'linux-2022.vpci', 'openvmm.vpci', 'quickstart.vpci']);
});

for (const f of files) {
  test(`example ${f} loads with no diagnostics against the real context and is formatted`, () => {
    const text = readFileSync(join(DIR, f), 'utf8');
    const r = loadScenario(text, f, ctx);
    assert.deepEqual(r.diagnostics.map((d) => formatDiagnostic(d, f, text)), []);
    assert.ok(r.scenario.title, 'has a title');
    assert.ok(r.scenario.timeline.some((e) => e.kind === 'boot'));
    assert.equal(formatScenario(text), text);
  });
}

test('quickstart resolves to the expected devices and message values', () => {
  const text = readFileSync(join(DIR, 'quickstart.vpci'), 'utf8');
  const { scenario } = loadScenario(text, 'quickstart.vpci', ctx);
  assert.deepEqual(scenario.buses.map((b) => [b.name.name, b.functions.map((x) => (x.source.kind === 'catalog' ? x.source.id.name : x.source.path))]), [
    ['nic0', ['intel-82599-vf']],
    ['nic1', ['mellanox-cx3-vf']],
  ]);
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
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['dump-unparsable']);
  assert.match(r.diagnostics[0]!.message, /no device 01:00\.0 in the dump \(it has 02:00\.0\)/);
});
