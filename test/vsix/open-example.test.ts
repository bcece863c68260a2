// "vPCI: Open Example…" rules without VS Code: the picker's order and titles for the
// bundled examples, the dump files an example brings with it, and what a copy into a
// folder may write without asking (the real-editor journey drives the command itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyPlan, dumpPaths, exampleFiles, exampleOrder, exampleTitle, freeName, insideRoot } from '../../extension/example-files';

const bundled = (): string[] =>
  readdirSync('examples').flatMap((f) =>
    statSync(join('examples', f)).isDirectory()
      ? readdirSync(join('examples', f))
          .filter((g) => g.endsWith('.vpci'))
          .map((g) => `${f}/${g}`)
      : f.endsWith('.vpci')
        ? [f]
        : [],
  );

test('the picker lists quickstart first, then the top-level examples, then the folders', () => {
  const order = bundled().sort(exampleOrder);
  assert.equal(order[0], 'quickstart.vpci');
  const firstNested = order.findIndex((p) => p.includes('/'));
  assert.ok(firstNested > 1 && order.slice(firstNested).every((p) => p.includes('/')), order.join(', '));
  assert.deepEqual(['b.vpci', 'quickstart.vpci', 'a/x.vpci', 'a.vpci'].sort(exampleOrder), ['quickstart.vpci', 'a.vpci', 'b.vpci', 'a/x.vpci']);
});

test("every bundled example has a whole one-sentence title short enough for the picker's detail line", () => {
  for (const p of bundled()) {
    const t = exampleTitle(readFileSync(join('examples', p), 'utf8'));
    assert.ok(t.length > 10, `${p}: no title`);
    assert.ok(t.length <= 80, `${p}: title of ${t.length} characters is cut short in the picker: ${t}`);
    assert.match(t, /\.$/, `${p}: the title is not a whole sentence: ${t}`);
  }
});

test('a title is the header up to the end of its first sentence, across lines', () => {
  assert.equal(exampleTitle('# One line.\n# More.\nvm {}\n'), 'One line.');
  assert.equal(exampleTitle('# A sentence that goes\n# on to a second line. And more.\n'), 'A sentence that goes on to a second line.');
  assert.equal(exampleTitle('\n# Title without a stop\n#\n# Body.\n'), 'Title without a stop');
  assert.equal(exampleTitle('vm {}\n# not a header\n'), '');
  assert.equal(exampleTitle('# Version 1.4 is used.\n'), 'Version 1.4 is used.');
});

test('an example brings the dump files it names, and only from inside the examples folder', () => {
  const byod = readFileSync('examples/bring-your-own-device.vpci', 'utf8');
  assert.deepEqual(dumpPaths(byod), ['devices/nvidia-tu102-gpu.lspci']);
  assert.deepEqual(exampleFiles('bring-your-own-device.vpci', byod), ['bring-your-own-device.vpci', 'devices/nvidia-tu102-gpu.lspci']);
  for (const f of exampleFiles('bring-your-own-device.vpci', byod)) assert.ok(existsSync(join('examples', f)), `${f} is not bundled`);
  assert.deepEqual(dumpPaths('# dump "not/this.lspci"\nbus a { function 0 dump "x.lspci" } # dump "nor.lspci"\nbus b { function 0 dump "x.lspci" }\n'), [
    'x.lspci',
  ]);
  assert.deepEqual(exampleFiles('quirks/q.vpci', 'bus a { function 0 dump "../devices/d.lspci" }'), ['quirks/q.vpci', 'devices/d.lspci']);
  assert.deepEqual(exampleFiles('q.vpci', 'bus a { function 0 dump "../../etc/passwd" }\nbus b { function 0 dump "/etc/passwd" }'), ['q.vpci']);
  assert.equal(insideRoot('a/b.vpci', './c/../d.lspci'), 'a/d.lspci');
});

test('a copy writes what is missing, skips identical files, and asks about files that differ', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const src = (p: string) => enc(`example ${p}`);
  assert.deepEqual(
    copyPlan(['a.vpci', 'd.lspci'], src, () => undefined),
    { kind: 'copy', write: ['a.vpci', 'd.lspci'] },
  );
  assert.deepEqual(
    copyPlan(['a.vpci', 'd.lspci'], src, (p) => (p === 'a.vpci' ? src(p) : undefined)),
    { kind: 'copy', write: ['d.lspci'] },
  );
  assert.deepEqual(
    copyPlan(['a.vpci', 'd.lspci'], src, (p) => (p === 'a.vpci' ? enc('mine') : undefined)),
    { kind: 'conflict', write: ['d.lspci'], differ: ['a.vpci'] },
  );
  assert.equal(
    freeName('quickstart.vpci', (p) => p === 'quickstart-2.vpci'),
    'quickstart-3.vpci',
  );
});
