// The semantic-token delta and range helpers (language/semantic-results.ts) on random token
// arrays: applying the edits to the old array gives the new one, and a range holds exactly the
// tokens of its lines, re-encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenEdits, tokensInRange, TokenResults } from '../../language/semantic-results';

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Tok {
  line: number;
  ch: number;
  len: number;
  type: number;
  mods: number;
}

function encode(toks: readonly Tok[]): number[] {
  const out: number[] = [];
  let pl = 0;
  let pc = 0;
  for (const t of toks) {
    out.push(t.line - pl, t.line === pl ? t.ch - pc : t.ch, t.len, t.type, t.mods);
    pl = t.line;
    pc = t.ch;
  }
  return out;
}

function randomTokens(r: () => number, lines: number): Tok[] {
  const out: Tok[] = [];
  for (let line = 0; line < lines; line++) {
    let ch = Math.floor(r() * 3);
    const n = Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      const len = 1 + Math.floor(r() * 6);
      out.push({ line, ch, len, type: Math.floor(r() * 10), mods: Math.floor(r() * 8) });
      ch += len + 1 + Math.floor(r() * 3);
    }
  }
  return out;
}

function apply(prev: readonly number[], edits: ReturnType<typeof tokenEdits>): number[] {
  const out = [...prev];
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out.splice(e.start, e.deleteCount, ...(e.data ?? []));
  return out;
}

test('tokenEdits: the edits turn the previous array into the next one, for edits anywhere', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    const before = randomTokens(r, 1 + Math.floor(r() * 30));
    // An edit: some lines' tokens replaced, lines inserted or removed, or nothing.
    const after = before.map((t) => ({ ...t }));
    const what = Math.floor(r() * 4);
    const at = Math.floor(r() * 30);
    if (what === 1) after.splice(Math.min(at, after.length), Math.floor(r() * 4), ...randomTokens(r, 1).map((t) => ({ ...t, line: at })));
    if (what === 2) for (const t of after) if (t.line >= at) t.line += 1 + Math.floor(r() * 2);
    if (what === 3) after.splice(Math.floor(r() * after.length), Math.floor(r() * 5));
    after.sort((a, b) => a.line - b.line || a.ch - b.ch);
    const prev = encode(before);
    const next = encode(after);
    const edits = tokenEdits(Uint32Array.from(prev), Uint32Array.from(next));
    assert.deepEqual(apply(prev, edits), next, `seed ${seed}`);
    if (prev.length === next.length && prev.every((v, i) => v === next[i])) assert.deepEqual(edits, [], `seed ${seed}`);
    else assert.equal(edits.length, 1, `seed ${seed}`);
  }
});

test('tokenEdits: a line inserted in a long document is a small edit', () => {
  const r = rng(7);
  const toks = randomTokens(r, 5000);
  const shifted = toks.map((t) => (t.line >= 2500 ? { ...t, line: t.line + 1 } : t));
  const edits = tokenEdits(encode(toks), encode(shifted));
  assert.equal(edits.length, 1);
  assert.ok(edits[0]!.deleteCount <= 5 && (edits[0]!.data?.length ?? 0) <= 5, JSON.stringify(edits));
});

test('tokensInRange: exactly the tokens of the range, encoded from the document start', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const toks = randomTokens(r, 1 + Math.floor(r() * 40));
    const a = Math.floor(r() * 45);
    const b = a + Math.floor(r() * 10);
    const endCh = Math.floor(r() * 20);
    const range = { start: { line: a, character: 0 }, end: { line: b, character: endCh } };
    const want = toks.filter((t) => t.line >= a && (t.line < b || (t.line === b && t.ch < endCh)));
    assert.deepEqual(tokensInRange(Uint32Array.from(encode(toks)), range), encode(want), `seed ${seed}`);
  }
});

test('TokenResults: only the last result held for a document answers a delta', () => {
  const held = new TokenResults();
  const a = held.hold('file:///a', Uint32Array.of(1, 2, 3, 4, 5));
  const b = held.hold('file:///a', Uint32Array.of(0, 2, 3, 4, 5));
  const c = held.hold('file:///c', Uint32Array.of(9, 9, 9, 9, 9));
  assert.notEqual(a, b);
  assert.equal(held.held('file:///a', a), undefined);
  assert.deepEqual([...held.held('file:///a', b)!], [0, 2, 3, 4, 5]);
  assert.equal(held.held('file:///a', c), undefined);
  held.forget('file:///c');
  assert.equal(held.held('file:///c', c), undefined);
});
