// Printing diagnostics reads each source line from one index of the text: the
// text is never split again per diagnostic (16,000 diagnostics on one file took
// 21 s that way, 100,000 never finished).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex, formatDiagnostic, formatDiagnostics } from '../../emulator/scenario/lines';
import { loadScenario } from '../../emulator/scenario/parser';
import { defaultScenarioContext } from '../../emulator/scenario/context';

test('LineIndex: lines end at \\n, \\r\\n and a lone \\r; past the end is empty', () => {
  const idx = new LineIndex('a\r\nbb\rccc\n\nd');
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 0].map((n) => idx.line(n)),
    ['a', 'bb', 'ccc', '', 'd', '', ''],
  );
  assert.equal(idx.lineCount, 5);
  assert.equal(new LineIndex('x\n').lineCount, 2);
});

test('thousands of diagnostics are printed from one pass over the text, not one split each', () => {
  const text = 'at 1ms eject nosuchbus\n'.repeat(3000);
  const r = loadScenario(
    text,
    'many.vpci',
    defaultScenarioContext(() => undefined),
  );
  assert.equal(r.diagnostics.length, 3000);
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with its `this` below and put back after
  const split = String.prototype.split;
  let splits = 0;
  String.prototype.split = function (this: string, ...a: Parameters<typeof split>) {
    if (this.length >= text.length) splits++;
    return split.apply(this, a);
  } as typeof split;
  let one: string[];
  let each: string[];
  try {
    one = formatDiagnostics(r.diagnostics, 'many.vpci', text);
    each = r.diagnostics.map((d) => formatDiagnostic(d, 'many.vpci', text));
  } finally {
    String.prototype.split = split;
  }
  assert.equal(splits, 0);
  assert.deepEqual(one, each);
  assert.equal(one[2999], "many.vpci:3000:14: error: unknown bus 'nosuchbus' [unknown-bus]\n  at 1ms eject nosuchbus\n               ^~~~~~~~~");
});

test('a LineIndex made from the line starts another index of the same text gave reads the same lines', () => {
  const pieces = ['a', 'bc', '\n', '\r', '\r\n', '', 'é😀'];
  let seed = 7;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 16;
  };
  for (let k = 0; k < 2000; k++) {
    let text = '';
    for (let i = next() % 12; i > 0; i--) text += pieces[next() % pieces.length]!;
    const own = new LineIndex(text);
    const starts = own.startsOf();
    const given = new LineIndex(text, starts);
    assert.equal(given.lineCount, own.lineCount, JSON.stringify(text));
    for (let n = 0; n <= own.lineCount + 1; n++) {
      assert.equal(given.line(n), own.line(n), JSON.stringify({ text, n }));
      assert.equal(given.startOf(n), own.startOf(n));
    }
  }
});
