// The trace's drop of its oldest events (Trace.dropBefore: a debugging session's step-back history
// was cut): indices stay global, what is held reads as before, what was dropped reads as nothing,
// the events asked to be kept stay readable, and truncate/resume (time travel) work around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from '../../emulator/runtime/trace';

/** Event i: time 10·i, kind 1 + i % 5, bus i % 3, a = i, b = 2i, c = 3i; a blob (its text) on every third. */
function fill(t: Trace, from: number, to: number): void {
  for (let i = from; i < to; i++) assert.equal(t.record(10 * i, 1 + (i % 5), i % 3, i, 2 * i, 3 * i, i % 3 === 0 ? `e${i}` : undefined), i);
}
function expectEvent(t: Trace, i: number): void {
  assert.deepEqual(t.get(i), { index: i, time: 10 * i, kind: 1 + (i % 5), bus: i % 3, a: i, b: 2 * i, c: 3 * i, blob: i % 3 === 0 ? `e${i}` : undefined });
  assert.equal(t.kindAt(i), 1 + (i % 5));
  assert.equal(t.blobAt(i), i % 3 === 0 ? `e${i}` : undefined);
  assert.ok(t.holds(i));
}

test('dropBefore keeps indices: held events read as before, dropped ones as nothing, kept ones as they were', () => {
  const t = new Trace(16);
  fill(t, 0, 1000);
  t.dropBefore(600, [3, 7, 599, 650]);
  assert.equal(t.length, 1000);
  assert.equal(t.base, 600);
  assert.deepEqual(t.retained, [3, 7, 599]);
  assert.equal(t.held, 400 + 3);
  for (let i = 600; i < 1000; i++) expectEvent(t, i);
  for (const i of [3, 7, 599]) expectEvent(t, i);
  for (const i of [0, 4, 598]) {
    assert.equal(t.holds(i), false);
    assert.equal(t.kindAt(i), 0);
    assert.equal(t.blobAt(i), undefined);
  }
  assert.deepEqual(
    [...t.events(0, 603)].map((e) => e.index),
    [3, 7, 599, 600, 601, 602],
  );
  assert.deepEqual([...t.back(601)].slice(0, 4), [601, 600, 599, 7]);
  // Recording goes on with the next index; a later drop keeps only what it is asked to.
  fill(t, 1000, 5000);
  t.dropBefore(4000, [7, 3999]);
  assert.deepEqual(t.retained, [7, 3999]);
  for (let i = 4000; i < 5000; i++) expectEvent(t, i);
  expectEvent(t, 7);
  assert.equal(t.holds(3), false);
});

test('after a drop, truncate and resume (time travel) take back the kept future, and never go before the base', () => {
  const t = new Trace(8);
  fill(t, 0, 300);
  t.truncate(200); // a step back: events 200… kept as the future
  t.dropBefore(100);
  assert.ok(t.canResume(300) && t.canResume(100) && !t.canResume(99));
  assert.equal(t.resume(99), false);
  assert.ok(t.resume(300));
  for (let i = 100; i < 300; i++) expectEvent(t, i);
  assert.throws(() => t.truncate(50), /events before 100 were dropped/);
  // A deterministic replay records the same events again after a truncate.
  t.truncate(150);
  t.dropFuture();
  fill(t, 150, 400);
  for (let i = 100; i < 400; i++) expectEvent(t, i);
});

test('a drop shrinks the columns to what is held', () => {
  const t = new Trace(16);
  fill(t, 0, 100_000);
  const before = t.bytes;
  t.dropBefore(99_000);
  assert.ok(t.bytes < before / 20, `${t.bytes} of ${before}`);
  for (let i = 99_000; i < 100_000; i++) expectEvent(t, i);
});
