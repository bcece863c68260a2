// Short fixed-seed run of the LSP fuzz (fuzz/lsp.ts): mutated edits over real
// LSP must never kill the server, make a handler throw, or crash the checker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzLsp } from '../../fuzz/lsp';

test('fuzzLsp: 300 mutated edits with requests, seed 7, server survives', async () => {
  const r = await fuzzLsp(7, 300);
  assert.equal(r.iterations, 300);
  assert.ok(r.requests >= 300);
});
