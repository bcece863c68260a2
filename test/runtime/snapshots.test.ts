// Incremental snapshots (emulator/runtime/plain-copy.ts, snapshot-tree.ts, checkpoints.ts): a
// frozen copy thaws back to exactly what was frozen — sharing, property order, holes, -0 and
// all — reuses what did not change down to single objects, never lets one frozen node stand for
// two live objects, and the checkpoint store counts shared memory once and thins where it costs least.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrozenObject, PlainWalk, Thawer, WalkMemory, thaw } from '../../emulator/runtime/plain-copy';
import { SnapshotContext, treeBytes, type Group } from '../../emulator/runtime/snapshot-tree';
import { CheckpointStore } from '../../emulator/runtime/checkpoints';

function freezeThaw(v: unknown): unknown {
  const w = new PlainWalk();
  const f = w.freeze(v, undefined);
  assert.equal(w.aliased, false);
  return thaw(f);
}

test('a frozen copy thaws back to what a program would see of the original', () => {
  const holes: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const v = {
    b: 1,
    a: -0,
    u: undefined,
    n: NaN,
    s: 'text',
    big: 2n ** 70n,
    arr: holes,
    bytes: new Uint8Array([1, 2, 3]),
    words: new Uint32Array([7]),
    nested: { x: [null, true] },
  };
  const t = freezeThaw(v) as typeof v;
  assert.deepEqual(Object.keys(t), Object.keys(v));
  assert.ok(Object.is(t.a, -0));
  assert.ok('u' in t && t.u === undefined);
  assert.ok(Number.isNaN(t.n));
  assert.equal(t.big, 2n ** 70n);
  assert.equal(t.arr.length, 3);
  assert.ok(!(1 in t.arr), 'the hole stays a hole');
  assert.ok(t.bytes instanceof Uint8Array && t.words instanceof Uint32Array);
  assert.deepEqual([...t.bytes], [1, 2, 3]);
  assert.notEqual(t.bytes, v.bytes);
  assert.deepEqual(t.nested, v.nested);
  assert.notEqual(t.nested, v.nested);
});

test('sharing survives: one object reachable from two pieces is one object after the thaw', () => {
  const desc = { wslot: 1, bars: [1, 2] };
  const thread = { locals: { desc } };
  const softc = { children: [{ desc }] };
  const w = new PlainWalk();
  const ft = w.freeze(thread, undefined);
  const fs = w.freeze(softc, undefined);
  assert.equal(w.aliased, false);
  const t = new Thawer();
  const lt = t.thaw(ft) as typeof thread;
  const ls = t.thaw(fs) as typeof softc;
  assert.equal(lt.locals.desc, ls.children[0]!.desc);
  lt.locals.desc.wslot = 9;
  assert.equal(ls.children[0]!.desc.wslot, 9);
});

test('an unchanged value reuses its last frozen node; a change copies only the path to it', () => {
  const mem = new WalkMemory();
  const live = { a: { big: Array.from({ length: 100 }, (_, i) => i) }, b: { n: 1 } };
  const f1 = new PlainWalk(mem).freeze(live, undefined) as FrozenObject;
  const f2 = new PlainWalk(mem).freeze(live, f1) as FrozenObject;
  assert.equal(f2, f1, 'nothing changed: the same node');
  live.b.n = 2;
  const w = new PlainWalk(mem);
  const f3 = w.freeze(live, f2) as FrozenObject;
  assert.notEqual(f3, f2);
  assert.equal(f3.vals[0], f2.vals[0], 'the unchanged big array is shared, not copied');
  assert.notEqual(f3.vals[1], f2.vals[1]);
  assert.ok(w.created < 200, `only the changed path is new (${w.created} bytes)`);
  // Written against the previous snapshot by place, even for objects the walk never saw (after a restore).
  const copy = thaw(f3);
  assert.equal(new PlainWalk(new WalkMemory()).freeze(copy, f3), f3);
});

test('a frozen node stands for one live object: two equal objects that were one stay two', () => {
  const shared = { v: 1 };
  const mem = new WalkMemory();
  const f1 = new PlainWalk(mem).freeze({ x: shared, y: shared }, undefined) as FrozenObject;
  assert.equal(f1.vals[0], f1.vals[1]);
  // After a restore the objects are new; now they are two equal objects, not one.
  const f2 = new PlainWalk(new WalkMemory()).freeze({ x: { v: 1 }, y: { v: 1 } }, f1) as FrozenObject;
  assert.notEqual(f2.vals[0], f2.vals[1]);
  const t = thaw(f2) as { x: object; y: object };
  assert.notEqual(t.x, t.y);
});

test('property order is part of equality: a reordered object is not the old node', () => {
  const f1 = new PlainWalk().freeze({ a: 1, b: 2 }, undefined);
  const f2 = new PlainWalk().freeze({ b: 2, a: 1 }, f1);
  assert.notEqual(f2, f1);
  assert.deepEqual(Object.keys(thaw(f2) as object), ['b', 'a']);
});

test('what the walk cannot copy faithfully is reported (the caller falls back to structuredClone)', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic['self'] = cyclic;
  for (const v of [cyclic, { m: new Map() }, { d: new DataView(new ArrayBuffer(4)) }, { part: new Uint8Array(8).subarray(2) }]) {
    const w = new PlainWalk();
    w.freeze(v, undefined);
    assert.equal(w.aliased, true, JSON.stringify(Object.keys(v)));
  }
  const buf = new Uint8Array(4);
  const w = new PlainWalk();
  w.freeze({ a: buf, b: new Uint16Array(buf.buffer) }, undefined);
  assert.equal(w.aliased, true, 'two views of one buffer');
});

test('snapshot trees share unchanged groups; the store counts shared bytes once and frees what no one holds', () => {
  const ctx = new SnapshotContext();
  const big = new Uint8Array(64 * 1024).fill(7);
  const write = (n: number): Group => {
    const w = ctx.writer();
    w.plain('small', { n });
    w.group('gone', (g) => g.bytes('data', big, big, 1));
    return w.root();
  };
  const store = new CheckpointStore();
  const r1 = write(1);
  store.add(0, r1);
  const one = store.held;
  assert.ok(one > 64 * 1024);
  for (let i = 1; i <= 50; i++) store.add(i * 1000, write(i + 1));
  assert.ok(store.held < one + 50 * 2048, `50 more checkpoints of a changing counter cost little: ${store.held - one} bytes`);
  assert.equal(treeBytes(r1) <= one, true);
  store.dropAfter(0);
  assert.equal(store.held, one, 'dropping them frees exactly what they added');
  store.cutBefore(1);
  assert.equal(store.held, 0);
});

test('paged bytes: a write to one page copies that page only', () => {
  const ctx = new SnapshotContext();
  const data = new Uint8Array(16 * 1024);
  const store = new CheckpointStore();
  const snap = () => {
    const w = ctx.writer();
    w.bytes('ring', data);
    return w.root();
  };
  store.add(0, snap());
  const before = store.held;
  data[5000] = 1;
  store.add(1, snap());
  const grown = store.held - before;
  assert.ok(grown >= 4096 && grown < 2 * 4096, `one page: ${grown} bytes`);
  const r = ctx.reader(store.get(1)!.root);
  assert.equal(r.bytes('ring')![5000], 1);
  assert.equal(ctx.reader(store.get(0)!.root).bytes('ring')![5000], 0);
});

test('thinning drops dense and distant checkpoints first, never pinned ones, the first or the last', () => {
  const ctx = new SnapshotContext();
  const store = new CheckpointStore();
  for (let i = 0; i <= 100; i++) {
    const w = ctx.writer();
    w.plain('x', { i, pad: 'x'.repeat(1000) });
    store.add(i * 100, w.root(), i === 30);
  }
  const all = store.held;
  store.thin(all / 4, 10_000);
  assert.ok(store.held <= all / 4);
  const kept = store.positions;
  assert.equal(kept[0], 0);
  assert.equal(kept[kept.length - 1], 10_000);
  assert.ok(kept.includes(3000), 'the pinned checkpoint stays');
  const gaps = kept.slice(1).map((p, i) => p - kept[i]!);
  const nearFocus = gaps.slice(-3).reduce((a, b) => a + b, 0) / 3;
  const farFromFocus = gaps.slice(0, 3).reduce((a, b) => a + b, 0) / 3;
  assert.ok(nearFocus < farFromFocus, `denser near the focus (${nearFocus}) than far from it (${farFromFocus})`);
});
