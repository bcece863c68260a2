// Runs the TextMate grammar fixtures (test/grammar/*.vpci, *.c) through
// vscode-tmgrammar-test, which tokenizes them with vscode-textmate + oniguruma
// exactly as VS Code does and checks the `^^^` scope assertions in the fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const bin = join('node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
const grammars = ['-g', 'syntaxes/vpci.tmLanguage.json', '-g', 'syntaxes/vpci-listing.tmLanguage.json'];

function run(...globs: string[]) {
  return spawnSync(process.execPath, [bin, '--compact', ...grammars, ...globs], { encoding: 'utf8' });
}

test('grammar fixtures: every scenario construct and the driver listing get their scopes', () => {
  const r = run('test/grammar/*.vpci', 'test/grammar/*.c');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const f of ['vm.vpci', 'bus.vpci', 'timeline.vpci', 'expect.vpci', 'listing.c']) assert.match(r.stdout, new RegExp(f.replace('.', '\\.')));
});

test('grammar fixtures: a wrong scope assertion fails (the runner really checks)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-grammar-'));
  try {
    const f = join(dir, 'wrong.vpci');
    writeFileSync(f, '# SYNTAX TEST "source.vpci" "negative"\nat 2ms boot\n#  ^^^ constant.numeric.integer.hexadecimal.vpci\n');
    const r = run(f);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /constant\.numeric\.integer\.hexadecimal\.vpci/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
