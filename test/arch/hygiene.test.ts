// What a reader of the repository can follow: no comment or text cites a document that is not in
// it (the protocol reference is docs/protocol.md; budgets and journeys are in
// docs/architecture.md) or a path on the machine it was written on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = [
  'adapter',
  'emulator',
  'extension',
  'language',
  'io',
  'scripts',
  'test',
  'bench',
  'fuzz',
  'docs',
  'examples',
  '.ci',
  'README.md',
  'package.json',
  'esbuild.config.mjs',
];
const TEXT = /\.(ts|mjs|js|json|md|vpci)$|^run$/;
/** This file and the user-texts test name the patterns they forbid. */
const SELF = ['test/arch/hygiene.test.ts', 'test/language/user-texts.test.ts'];

const FORBIDDEN: [RegExp, string][] = [
  [/\/work\//, 'a path on the machine the code was written on'],
  [/\/(home|Users)\/[A-Za-z]|\/root\//, "a user's home folder (use a path relative to the repository or a temp dir)"],
  [/\bDESIGN\.md\b|\bdap-anchors\b|\bvscode-e2e\.md\b|\bBRIEF\b/, 'a document outside the repository'],
  [/\bspec\/vpci-protocol\.md\b|(?<![\w/])vpci-protocol\.md\b/, 'the protocol reference by its old name (it is docs/protocol.md)'],
  [/\bworktree\b/i, 'how the code was developed, not what it does'],
];

function walk(p: string, out: string[]): string[] {
  if (!existsSync(p)) return out;
  if (statSync(p).isDirectory()) {
    for (const n of readdirSync(p)) if (n !== 'node_modules' && n !== 'fixtures-out') walk(join(p, n), out);
  } else if (TEXT.test(p.split('/').pop()!)) out.push(p);
  return out;
}

test('no text cites a document outside the repository or a machine path', () => {
  const files = ROOTS.flatMap((r) => walk(r, [])).filter((f) => !SELF.includes(f));
  assert.ok(files.length > 200, `${files.length} files`);
  const hits: string[] = [];
  for (const f of files) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const [re, why] of FORBIDDEN) if (re.test(line)) hits.push(`${f}:${i + 1}: ${why}: ${line.trim().slice(0, 120)}`);
      });
  }
  assert.deepEqual(hits, []);
});
