// A scenario saved with a UTF-8 byte-order mark (Windows editors do) is the
// same scenario: the mark is no token and takes no column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../emulator/scenario/lexer';
import { loadScenario } from '../../emulator/scenario/parser';
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
