// language/relined.ts: the last analysis's names with one edited line read again alone are the
// names the analysis of the whole edited text finds, for every line that is answered that way; the
// others (a block's line, a bus named like a fixed word on the line, a block left open) are not answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../language/analyze';
import { DocAnalysis, packAnalysis } from '../../language/packed';
import { relined } from '../../language/relined';

const base = [
  'vm {',
  '  host hyperv-2016',
  '  guest freebsd',
  '}',
  'bus nic0 { function 0 intel-82599-vf }',
  'bus nic1 {',
  '  function 0 intel-82599-vf',
  '  function 1.0 intel-82599-vf',
  '}',
  'bus msix { function 0 intel-82599-vf }',
  'offer attached { function 0 intel-82599-vf }',
  'at 0 boot',
  'at 1ms driver nic0 msix 3',
  'at 2ms eject nic1/1.0',
  'expect nic0 attached',
  'expect nic1 msix 3',
];

function analysis(lines: readonly string[], version: number): DocAnalysis {
  const text = lines.join('\n') + '\n';
  return new DocAnalysis(packAnalysis(analyze(text, 'file:///r.vpci'), version, version), text);
}

const typed = [
  'at 1ms driver nic1 msix 3',
  'at 1ms driver nic1/1.0 msix 3',
  'at 1ms driver nic0/',
  'at 1ms driver nic0/0.0',
  'at 1ms driver msix 3 nic0',
  'at 1ms driver none nic1',
  'at 1ms plug nic0 function 2 intel-82599-vf',
  'at 1ms plug nic9 function 2 dump "x.lspci"',
  'at 1ms eject bus nic0',
  'at 1ms offer nic7 { function 0 intel-82599-vf }',
  'bus nic7 { function 0 intel-82599-vf }',
  'bus nic0 { function 1 intel-82599-vf serial 3 }',
  'bus nic1 { function 1.0 intel-82599-vf }',
  'bus nic7 { function 0 intel-82599-vf',
  'bus bus { function 0 intel-82599-vf }',
  'bus attached { function 0 intel-82599-vf }',
  'at 1ms offer nic7 { function 0 intel-82599-vf serial 5 } # {',
  'at 1ms offer nic1 { function 0 intel-82599-vf function 1 }',
  'at 1ms offer msix { function 0 x }',
  'at 1ms offer nic7 { function 0 intel-82599-vf',
  'at 1ms offer nic7 { function 0 intel-82599-vf } }',
  'at 1ms offer nic7 } function 0 intel-82599-vf {',
  'at 1ms offer nic7 {}',
  'at 1ms offer nic7',
  'at 1ms driver nic0 msix 3 # nic1',
  'at 1ms driver nic0 msix 3 at 2ms eject nic1',
  'at 1ms driver "nic1" msix 3',
  'at 1ms fault nic0 create-interrupt no-reply',
  'expect attached nic1',
  'expect nic1 msix 3 before 5ms',
  'expect message create-interrupt on nic0',
  'expect',
  'at',
  'bus nic0 {',
  '  function 0 intel-82599-vf',
  '',
];

test('one line read again alone gives the names the whole text gives, or nothing', () => {
  let answered = 0;
  // With buses named like fixed words, and without.
  for (const [now, b, target] of [base, base.filter((l) => !/msix \{|attached \{/.test(l))].flatMap((b) =>
    typed.flatMap((t) => [[t, b, 'at 1ms driver nic0 msix 3'] as const, [t, b, 'bus nic0 { function 0 intel-82599-vf }'] as const]),
  )) {
    const line = b.indexOf(target);
    const last = analysis(b, 1);
    const lines = [...b];
    lines[line] = now;
    const r = relined(last, line, (l) => lines[l] ?? '', lines.length + 1);
    if (!r) continue;
    answered++;
    const full = analysis(lines, 2);
    for (const n of full.names) {
      assert.deepEqual(r.named(n.name), full.named(n.name), `${now}: ${n.name}`);
      assert.deepEqual(r.nameAt(n.loc.line, n.loc.col), full.nameAt(n.loc.line, n.loc.col), `${now}: at ${n.name}`);
    }
    for (let c = 1; c <= now.length + 1; c++) assert.deepEqual(r.nameAt(line + 1, c), full.nameAt(line + 1, c), `${now}: column ${c}`);
    for (const n of last.names) assert.deepEqual(r.named(n.name), full.named(n.name), `${now}: ${n.name} before`);
  }
  assert.ok(answered >= 40, `only ${answered} of ${typed.length * 4} answered`);
  const line = base.indexOf('at 1ms driver nic0 msix 3');
  const last = analysis(base, 1);
  // Not read alone: a bus named like the fixed word on the line, a block left open, a file, no statement.
  for (const now of [
    'at 1ms driver msix 3 nic0',
    'expect attached nic1',
    'at 1ms offer nic7 { function 0 intel-82599-vf',
    'at 1ms plug nic9 function 2 dump "x.lspci"',
    '',
  ]) {
    const lines = [...base];
    lines[line] = now;
    assert.equal(
      relined(last, line, (l) => lines[l] ?? '', lines.length + 1),
      undefined,
      now,
    );
  }
  // A line of a bus block is not either.
  const fn = base.indexOf('  function 1.0 intel-82599-vf');
  const lines = [...base];
  lines[fn] = '  function 1.1 intel-82599-vf';
  assert.equal(
    relined(last, fn, (l) => lines[l] ?? '', lines.length + 1),
    undefined,
  );
});

test('the same line reading the same again: the same answer, not read again; another text of it, read again', () => {
  // No bus named like a fixed word (msix): such lines are not read alone.
  const plain = base.filter((l) => !/msix \{|attached \{/.test(l));
  const line = plain.indexOf('at 1ms driver nic0 msix 3');
  const last = analysis(plain, 1);
  const lines = [...plain];
  lines[line] = 'at 1ms driver nic1 msix 3';
  const first = relined(last, line, (l) => lines[l] ?? '', lines.length + 1);
  assert.ok(first);
  assert.equal(
    relined(last, line, (l) => lines[l] ?? '', lines.length + 1),
    first,
  );
  lines[line] = 'at 1ms driver nic1/1.0 msix 3';
  const next = relined(last, line, (l) => lines[l] ?? '', lines.length + 1);
  assert.notEqual(next, first);
  assert.equal(next?.nameAt(line + 1, 20)?.name, 'nic1/1.0');
  // Not answered alone is remembered too.
  lines[line] = 'at 1ms offer nic7 { function 0 intel-82599-vf';
  assert.equal(
    relined(last, line, (l) => lines[l] ?? '', lines.length + 1),
    undefined,
  );
  assert.equal(
    relined(last, line, (l) => lines[l] ?? '', lines.length + 1),
    undefined,
  );
});
