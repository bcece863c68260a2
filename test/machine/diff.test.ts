// The alignment under `vpci-lab diff` and Compare Runs: Myers' linear-space LCS must find a
// longest common subsequence (checked against a plain dynamic program on seeded random
// sequences), and two runs' exchanges pair up the way a reader would pair them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lcs, diffRuns, messageSequence } from '../../emulator/machine/diff';
import { loadScenarioFile } from '../../adapter/load';

function lcsLength(a: number[], b: number[]): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = a[i - 1] === b[j - 1] ? d[i - 1]![j - 1]! + 1 : Math.max(d[i - 1]![j]!, d[i]![j - 1]!);
  return d[a.length]![b.length]!;
}

test('lcs: a longest common subsequence, ascending, of matching elements (500 seeded random pairs)', () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let k = 0; k < 500; k++) {
    const alphabet = 1 + rnd(5);
    const a = Array.from({ length: rnd(40) }, () => rnd(alphabet));
    const b = Array.from({ length: rnd(40) }, () => rnd(alphabet));
    const p = lcs(a, b);
    assert.equal(p.length, lcsLength(a, b), `a=${a.join(',')} b=${b.join(',')}`);
    for (let i = 0; i < p.length; i++) {
      assert.equal(a[p[i]![0]], b[p[i]![1]]);
      if (i) assert.ok(p[i]![0] > p[i - 1]![0] && p[i]![1] > p[i - 1]![1]);
    }
  }
  assert.deepEqual(lcs([], [1, 2]), []);
  assert.deepEqual(lcs([1, 2, 3], [1, 2, 3]), [
    [0, 0],
    [1, 1],
    [2, 2],
  ]);
});

function run(file: string, o: { guest?: 'freebsd' | 'linux' | 'freebsd-2016'; host?: string } = {}) {
  const m = loadScenarioFile(file, o).machine!;
  m.run();
  return m;
}

test('a run compared with itself is the same, row for row', () => {
  const a = run('test/adapter/fixtures/cx3.vpci');
  const b = run('test/adapter/fixtures/cx3.vpci');
  const d = diffRuns(a, b, ['a', 'b']);
  assert.equal(d.same, true);
  assert.equal(d.first, undefined);
  assert.equal(d.counts.same, messageSequence(a).length);
});

test('exchanges stay whole: a request and its completion are rows next to each other, the reply compared field by field', () => {
  const d = diffRuns(run('test/adapter/fixtures/cx3.vpci', { host: 'hyperv-2016' }), run('test/adapter/fixtures/cx3.vpci', { host: 'hyperv-2022' }), [
    '2016',
    '2022',
  ]);
  const rows = d.buses[0]!.rows;
  // The first exchange: the same 1.4 offer, refused by one host and accepted by the other.
  assert.equal(rows[0]!.kind, 'same');
  assert.equal(rows[0]!.left!.name, 'QUERY_PROTOCOL_VERSION');
  assert.equal(rows[1]!.kind, 'changed');
  assert.equal(rows[1]!.left!.txid, rows[0]!.left!.txid);
  assert.deepEqual(
    rows[1]!.changes!.find((c) => c.name === 'status'),
    { name: 'status', left: 'REVISION_MISMATCH (0xC0000059)', right: 'SUCCESS' },
  );
  // Ordinals count exchanges: the completion is "#1" like its request.
  assert.equal(rows[1]!.left!.ordinal, 1);
  assert.equal(d.first!.row, 1);
});
