import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzWire } from '../../fuzz/wire';

test('fuzz: 4000 mutated messages and completions at a fixed seed: no throw, re-encode stable', () => {
  const r = fuzzWire(0x5eed, 4000);
  assert.deepEqual(r.failures, []);
  assert.ok(r.decodedOk > 100, `decoded ${r.decodedOk}`);
  for (const code of ['too-short', 'unknown-type', 'count-out-of-range']) assert.ok((r.errorsByCode[code] ?? 0) > 0, `saw ${code}`);
});

test('fuzz: same seed, same result (deterministic)', () => {
  assert.deepEqual(fuzzWire(7, 300), fuzzWire(7, 300));
});
