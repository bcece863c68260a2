// The door every DAP message passes (adapter/dap-args.ts): how deep a message may nest, checked
// without allocating and without recursing past the limit whatever the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NESTING, nestedDeeperThan } from '../../adapter/dap-args';

/** `levels` arrays and objects, alternating, one inside the other (the outermost is level 1). */
function nested(levels: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { x: v };
  return v;
}

test('nesting: exactly the limit passes, one level more is refused, at any place in the message', () => {
  for (const limit of [1, 2, 5, MAX_NESTING]) {
    assert.equal(nestedDeeperThan(nested(limit), limit), false, `${limit} levels, limit ${limit}`);
    assert.equal(nestedDeeperThan(nested(limit + 1), limit), true, `${limit + 1} levels, limit ${limit}`);
  }
  // Scalars and null are no level; an empty object or array is one.
  for (const v of [0, 'x', null, true, undefined]) assert.equal(nestedDeeperThan(v, 0), false);
  assert.equal(nestedDeeperThan({}, 0), true);
  assert.equal(nestedDeeperThan([], 1), false);
  // The deep branch last, behind wide shallow ones (the message, arguments and list are 3 levels).
  const wide = Array.from({ length: 1000 }, (_, i) => ({ i, s: 'x', a: [i] }));
  assert.equal(nestedDeeperThan({ seq: 1, arguments: { list: [...wide, nested(MAX_NESTING - 3)] } }, MAX_NESTING), false);
  assert.equal(nestedDeeperThan({ seq: 1, arguments: { list: [...wide, nested(MAX_NESTING - 2)] } }, MAX_NESTING), true);
  assert.equal(nestedDeeperThan({ seq: 1, arguments: { a: 1, b: [], __proto__x: nested(MAX_NESTING) } }, MAX_NESTING), true);
});

test('nesting: a message far deeper than the stack is answered without overflowing it', () => {
  const text = `{"x":${'['.repeat(200_000)}0${']'.repeat(200_000)}}`;
  assert.equal(nestedDeeperThan(JSON.parse(text), MAX_NESTING), true);
  // A key "__proto__" from JSON is an own property like any other: it is walked.
  assert.equal(nestedDeeperThan(JSON.parse(`{"__proto__":${'['.repeat(100)}0${']'.repeat(100)}}`), MAX_NESTING), true);
});
