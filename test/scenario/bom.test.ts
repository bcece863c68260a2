// A scenario saved with a UTF-8 byte-order mark (Windows editors do) is the
// same scenario: the mark is no token and takes no column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../emulator/scenario/lexer';
import { loadScenario, formatDiagnostic, parseScenario } from '../../emulator/scenario/parser';
import { formatScenario } from '../../emulator/scenario/format';
import { defaultScenarioContext } from '../../emulator/scenario/context';

test('a leading byte-order mark is skipped without a column; elsewhere U+FEFF is still an error', () => {
  const t = tokenize('\ufeffvm { cpus 2 }\n');
  assert.deepEqual(
    t.slice(0, 2).map((x) => [x.kind, x.text, x.loc.col]),
    [
      ['word', 'vm', 1],
      ['lbrace', '{', 4],
    ],
  );
  const text = '\ufeffvm {\n  host hyperv-2099\n}\n';
  const r = loadScenario(
    text,
    'bom.vpci',
    defaultScenarioContext(() => undefined),
  );
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col]),
    [['unknown-profile', 2, 8]],
  );
  assert.equal(tokenize('vm \ufeff{ }').find((x) => x.kind === 'invalid')?.loc.col, 4);
});

test("LexOptions bom 'unit' counts a leading mark as one unit of line 1 (the language server's positions); 'hidden' is the default", () => {
  const cols = (o?: { bom: 'hidden' | 'unit' }) => tokenize('\ufeffvm { cpus 2 }\nbus', o).map((x) => [x.kind, x.loc.line, x.loc.col]);
  assert.deepEqual(cols({ bom: 'unit' }).slice(0, 2), [
    ['word', 1, 2],
    ['lbrace', 1, 5],
  ]);
  assert.deepEqual(cols({ bom: 'hidden' }), cols());
  assert.deepEqual(cols({ bom: 'unit' }).slice(-2), cols().slice(-2), 'only line 1 moves');
  assert.deepEqual(
    parseScenario('\ufeffvm { cpus x }', { bom: 'unit' }).diagnostics.map((d) => [d.loc.col, d.loc.endCol]),
    [[12, 13]],
  );
  assert.deepEqual(
    parseScenario('\ufeffvm { cpus x }').diagnostics.map((d) => [d.loc.col, d.loc.endCol]),
    [[11, 12]],
  );
  // Elsewhere U+FEFF is a character of its own, in either.
  assert.equal(tokenize('vm \ufeff{ }', { bom: 'unit' }).find((x) => x.kind === 'invalid')?.loc.col, 4);
});

test('the CLI printer counts columns as an editor shows them: the mark is not shown and the caret stands under the token', () => {
  const text = '\ufeffvm { cpus x }\n';
  const d = loadScenario(
    text,
    'bom.vpci',
    defaultScenarioContext(() => undefined),
  ).diagnostics[0]!;
  assert.equal(
    formatDiagnostic(d, 'bom.vpci', text),
    "bom.vpci:1:11: error: expected the CPU count, found 'x' [unexpected-token]\n  vm { cpus x }\n            ^",
  );
});

test('the formatter keeps a leading mark (a whole-document edit would otherwise delete it), and stays idempotent', () => {
  const once = formatScenario('\ufeffvm{ cpus 2 }\nat  0 boot\n');
  assert.equal(once, '\ufeffvm { cpus 2 }\nat 0  boot\n');
  assert.equal(formatScenario(once), once);
  assert.equal(formatScenario('vm{ cpus 2 }\n'), 'vm { cpus 2 }\n');
});
