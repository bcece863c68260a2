// language/text-names.ts: a bus name's occurrences read from the lines that hold it, each alone, are
// those the analysis of the whole text finds, for every word of the shipped examples and the test
// scenarios, and of the same texts with slips put in (braces, quotes, comments, line breaks, buses
// named like fixed words, lines copied); where they would not be, no answer is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../language/analyze';
import { LineDocument } from '../../language/document';
import { namesByText, readByText } from '../../language/text-names';
import type { NameOccurrence } from '../../language/names';

function scenarios(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? scenarios(join(dir, e.name)) : e.name.endsWith('.vpci') ? [readFileSync(join(dir, e.name), 'utf8')] : [],
  );
}

/** The words of `text` whose names read from the text differ from the analysis's, and how many were answered. */
function mismatches(text: string, blocks = false): { bad: string[]; answered: number } {
  const doc = new LineDocument('file:///t.vpci', 'vpci', 1, text);
  const line = (l: number): string => doc.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
  const names = analyze(text, 'file:///t.vpci').names;
  const bad: string[] = [];
  let answered = 0;
  for (const w of new Set(text.match(/[A-Za-z0-9_-]+/g))) {
    const got = readByText(doc, line, w, blocks);
    if (!got) continue;
    answered++;
    const lines = new Set([...got.lines].map((l) => l + 1));
    // With its blocks, every occurrence of each of the bus's functions too.
    const bus = (xs: NameOccurrence[]): string =>
      JSON.stringify(xs.filter((n) => (n.name === w && n.kind.startsWith('bus')) || (blocks && n.name.startsWith(`${w}/`) && n.kind.startsWith('fn-'))));
    if (JSON.stringify(got.names) !== JSON.stringify(names.filter((n) => lines.has(n.loc.line))) || bus(got.names) !== bus(names)) bad.push(w);
  }
  return { bad, answered };
}

const texts = [...scenarios('examples'), ...scenarios('test')];

test('every word of the examples and test scenarios: the names read from its lines are the analysis’s', () => {
  assert.ok(texts.length > 10);
  let answered = 0;
  let withBlocks = 0;
  for (const t of texts) {
    const m = mismatches(t);
    assert.deepEqual(m.bad, []);
    answered += m.answered;
    const b = mismatches(t, true);
    assert.deepEqual(b.bad, []);
    withBlocks += b.answered;
  }
  assert.ok(answered > 500, `${answered} words answered`);
  assert.ok(withBlocks > 500, `${withBlocks} words answered with their blocks`);
});

test('the same texts with slips put in: the names read from the lines are the analysis’s, or none', () => {
  let seed = 1;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const bits = [
    '{',
    '}',
    '"',
    '#',
    '\n',
    '\r',
    ' ',
    'bus ',
    'at 5ms ',
    'expect ',
    'offer ',
    '/1',
    'nic0',
    'attached',
    'msix ',
    '+',
    'bus bus {',
    'at 1ms offer attached {',
    '  function 1 intel-82599-vf\n',
    '}\n',
    'function 2.1 ',
    'at 2ms plug nic0 function 3 intel-82599-vf\n',
    'bus nic0 {\n',
    '\nat 3ms eject nic0/1\n',
    '\n  function 1.0 mellanox-cx3-vf\n',
    '\n  attached\n',
    '\nat 4ms offer hp1 {\n  function 0 intel-82599-vf\n}\nexpect hp1 attached\n',
    '\n{\n',
    '\nvm {\n',
  ];
  for (let i = 0; i < 150; i++) {
    let t = texts[rnd(texts.length)]!;
    for (let k = 1 + rnd(4); k > 0; k--) {
      const at = rnd(t.length + 1);
      const op = rnd(3);
      if (op === 0) t = t.slice(0, at) + bits[rnd(bits.length)]! + t.slice(at);
      else if (op === 1) t = t.slice(0, at) + t.slice(at + 1 + rnd(8));
      else {
        const ls = t.split('\n');
        ls.splice(rnd(ls.length), 0, ls[rnd(ls.length)]!);
        t = ls.join('\n');
      }
    }
    assert.deepEqual(mismatches(t).bad, [], JSON.stringify(t));
    assert.deepEqual(mismatches(t, true).bad, [], JSON.stringify(t));
  }
});

test('a bus named on more lines than are read at a request is left to the analysis', () => {
  const names = (refs: number): number | undefined => {
    const text = ['bus nic0 { function 0 intel-82599-vf }', ...Array.from({ length: refs }, () => 'expect nic0 attached')].join('\n');
    const doc = new LineDocument('file:///t.vpci', 'vpci', 1, text);
    return namesByText(doc, (l) => text.split('\n')[l]!, 'nic0')?.filter((n) => n.name === 'nic0').length;
  };
  assert.equal(names(499), 500);
  assert.equal(names(500), undefined);
});

test('a text the parser takes for binary (a NUL byte in its first lines) has no names: none are read from its lines', () => {
  const text = ['# \0', 'bus nic0 { function 0 intel-82599-vf }', 'expect nic0 attached', ''].join('\n');
  assert.deepEqual(analyze(text, 'file:///t.vpci').names, []);
  const doc = new LineDocument('file:///t.vpci', 'vpci', 1, text);
  assert.equal(
    namesByText(doc, (l) => text.split('\n')[l]!, 'nic0'),
    undefined,
  );
});

test('a word longer than a bus name may be is left to the analysis (a pattern built from a 10 MB word was too large to compile)', () => {
  const word = 'w'.repeat(10 << 20);
  const doc = new LineDocument('file:///t.vpci', 'vpci', 1, word);
  assert.equal(
    readByText(doc, () => word, word),
    undefined,
  );
  // 64 characters is a bus name still.
  const name = 'n'.repeat(64);
  const text = `bus ${name} { function 0 intel-82599-vf }\nexpect ${name} attached\n`;
  const named = new LineDocument('file:///t.vpci', 'vpci', 1, text);
  assert.equal(namesByText(named, (l) => text.split('\n')[l]!, name)?.filter((n) => n.name === name).length, 2);
});

test('once an analysis has found the parser stopped after 100,000 errors, no name is read from the text (lines added since may move the stop)', () => {
  const text = `${'zzz\n'.repeat(100_000)}bus nic0 { function 0 intel-82599-vf }\nexpect nic0 attached\n`;
  const doc = new LineDocument('file:///t.vpci', 'vpci', 1, text);
  const line = (l: number): string => doc.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }).replace(/\n$/, '');
  const a = analyze(text, 'file:///t.vpci');
  // The analysis: the parser stopped at the 100,000th error, and nic0 is no name.
  assert.equal(a.unreadFrom, 100_001);
  assert.deepEqual(
    a.names.filter((n) => n.name === 'nic0'),
    [],
  );
  assert.equal(readByText(doc, line, 'nic0', false, a), undefined);
  // A text the parser reads whole is still read, with its analysis or before it.
  const small = new LineDocument('file:///s.vpci', 'vpci', 1, 'zzz\n'.repeat(1000) + 'bus nic0 { function 0 intel-82599-vf }\nexpect nic0 attached\n');
  const smallLine = (l: number): string => small.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }).replace(/\n$/, '');
  assert.deepEqual(
    readByText(small, smallLine, 'nic0', false, analyze(small.getText(), 'file:///s.vpci'))?.names.map((n) => [n.kind, n.loc.line]),
    [
      ['bus-decl', 1001],
      ['fn-decl', 1001],
      ['device', 1001],
      ['bus-ref', 1002],
    ],
  );
});

test('a statement that takes no block, with a line below that starts none, is read alone: its names are the analysis’s; a `{` below or an offer still waits', () => {
  /** The lines (1-based) read for `word`, its names there checked against the analysis; undefined when left to the analysis. */
  const read = (text: string, word: string): number[] | undefined => {
    const doc = new LineDocument('file:///t.vpci', 'vpci', 1, text);
    const ls = text.split('\n');
    const got = readByText(doc, (l) => ls[l]!, word);
    const lines = got && [...got.lines].map((l) => l + 1);
    if (got)
      assert.deepEqual(
        got.names,
        analyze(text, 'file:///t.vpci').names.filter((n) => lines!.includes(n.loc.line)),
        text,
      );
    return lines;
  };
  const bus = 'bus nic9 { function 0 intel-82599-vf }\nat 0 boot\n';
  // The state on a line of its own (an error of its own): `expect nic9` was left to the analysis, and a hover on nic9 waited.
  assert.deepEqual(read(`${bus}expect nic9\n  attached\nexpect nic9 attached\n`, 'nic9'), [1, 3, 5]);
  assert.deepEqual(read(`${bus}at 1ms driver nic9 msix\n  3\n# end\n`, 'nic9'), [1, 3]);
  // A `{` below is the block of a statement that failed (the parser takes it with it), and `offer` takes one: left to the analysis.
  assert.equal(read(`${bus}expect nic9 attachd\n{\n  function 0 intel-82599-vf\n}\n`, 'nic9'), undefined);
  assert.equal(read(`${bus}at 1ms offer hp0\n  function 0 intel-82599-vf\nexpect hp0 attached\n`, 'hp0'), undefined);
});
