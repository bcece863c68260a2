// Upstream links against the pinned files themselves (docs/upstream.md,
// test/fixtures/upstream/README.md): where a copy of a pinned upstream file is
// on disk under the trees folder (VPCI_UPSTREAM_TREES, or test/fixtures/upstream),
// it must be the pinned file (its sha256), and every line a table cites in it
// must be that function's definition: the recorded text, the function's name
// followed by "(", and a body opening before any ";" (not a prototype).
// No copy of upstream text is kept in this repository; a tree that is not on
// disk is reported as skipped, and test/guest/upstream.test.ts still checks the
// recorded facts for order and uniqueness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { upstreamTable } from '../../emulator/vpci/guest/upstream-tables';
import type { UpstreamRef, UpstreamTable } from '../../emulator/vpci/guest/upstream';

const ROOT = process.env.VPCI_UPSTREAM_TREES ?? join('test', 'fixtures', 'upstream');

/** Every cited place with a line, rows and the stand-in patterns alike. */
function cited(table: UpstreamTable): { fn: string; ref: UpstreamRef }[] {
  const out: { fn: string; ref: UpstreamRef }[] = [];
  for (const [fn, row] of Object.entries(table.rows)) if (row.ref?.line) out.push({ fn, ref: row.ref });
  for (const p of table.patterns ?? []) {
    for (const drv of ['ixgbevf', 'ixgbe', 'igb', 'i40e', 'mlx4_core', 'mlx5_core', 'nvme']) {
      for (const what of ['probe', 'remove', 'attach']) {
        const m = p.re.exec(`${drv}_${what}`);
        const row = m ? p.row(m) : undefined;
        if (row?.ref?.line) out.push({ fn: `${drv}_${what}`, ref: row.ref });
      }
    }
  }
  return out;
}

/** Problems with the definition the table cites at `ref.line` of `lines` ('' when it is right). */
function definitionProblem(lines: string[], fn: string, ref: UpstreamRef): string {
  const name = ref.name ?? fn;
  const at = lines[ref.line! - 1];
  if (at === undefined) return `${fn}: line ${ref.line} is past the end of ${ref.path} (${lines.length} lines)`;
  if (at !== ref.text) return `${fn}: ${ref.path}:${ref.line} reads ${JSON.stringify(at)}, the table says ${JSON.stringify(ref.text)}`;
  if (!new RegExp(`(^|[\\s*])${name.replace(/\$/g, '\\$')}\\(`).test(at)) return `${fn}: ${ref.path}:${ref.line} does not name ${name}(`;
  for (let j = ref.line! - 1; j < Math.min(lines.length, ref.line! + 12); j++) {
    if (/^\{/.test(lines[j]!)) return '';
    if (/;\s*(\/\*.*\*\/)?\s*$/.test(lines[j]!)) return `${fn}: ${ref.path}:${ref.line} is a declaration, not the definition`;
  }
  return `${fn}: no function body follows ${ref.path}:${ref.line}`;
}

for (const model of ['linux', 'freebsd', 'freebsd-2016']) {
  const table = upstreamTable(model)!;
  const tree = join(ROOT, table.tree);
  const present = Object.keys(table.sha256).filter((p) => existsSync(join(tree, p)));
  const skip = present.length ? false : `no pinned copy of ${table.revision} under ${tree} (see test/fixtures/upstream/README.md)`;

  test(`${model}: the pinned copies are the pinned files, and each cited line is the function's definition`, { skip }, () => {
    const problems: string[] = [];
    for (const path of present) {
      const bytes = readFileSync(join(tree, path));
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== table.sha256[path]) {
        problems.push(`${path}: sha256 ${sha}, pinned ${table.sha256[path]} — not the pinned revision`);
        continue;
      }
      const lines = bytes.toString('utf8').split('\n');
      for (const { fn, ref } of cited(table)) {
        if (ref.path !== path) continue;
        const p = definitionProblem(lines, fn, ref);
        if (p) problems.push(p);
      }
    }
    assert.deepEqual(problems, []);
  });
}

test('a cited line that is not the definition is caught', () => {
  const lines = ['static int', 'foo(int a);', '', 'static int', 'foo(int a)', '{', '\treturn (a);', '}'];
  assert.equal(definitionProblem(lines, 'foo', { path: 'x.c', line: 5, text: 'foo(int a)' }), '');
  assert.match(definitionProblem(lines, 'foo', { path: 'x.c', line: 2, text: 'foo(int a);' }), /declaration/);
  assert.match(definitionProblem(lines, 'foo', { path: 'x.c', line: 4, text: 'foo(int a)' }), /reads "static int"/);
  assert.match(definitionProblem(lines, 'bar', { path: 'x.c', line: 5, text: 'foo(int a)' }), /does not name bar\(/);
  assert.match(definitionProblem(lines, 'foo', { path: 'x.c', line: 99, text: 'foo(int a)' }), /past the end/);
});
