// The browser bundles' stand-ins for Node built-ins (io/web/): the POSIX path
// subset gives Node's own path.posix answers on the paths this project makes,
// the EventEmitter subset behaves as Node's does for what @vscode/debugadapter
// uses, and the injected setImmediate runs callbacks in order, after the
// current task, with their arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import * as web from '../../io/web/path';
import { EventEmitter } from '../../io/web/events';
import { setImmediate as webImmediate } from '../../io/web/immediate';

const paths = [
  '/',
  '',
  '.',
  '..',
  './',
  '../',
  'a',
  'a/',
  'a/..',
  'a/../',
  '/..',
  '..foo',
  'x.',
  '/a/b/c',
  '/a/b/c/',
  '/a//b',
  'a/./b/../c',
  '/a/../../b',
  '../x/y',
  '/x/..foo/y',
  '/a/b/..',
  '//a',
  '/a/b/c.vpci',
  'c.tar.gz',
  '.hidden',
  '/ext/listings/freebsd/vmbus_pcib.c',
];

test('dirname, basename, extname, normalize and isAbsolute agree with path.posix', () => {
  for (const p of paths) {
    assert.equal(web.dirname(p), posix.dirname(p), `dirname(${JSON.stringify(p)})`);
    assert.equal(web.basename(p), posix.basename(p), `basename(${JSON.stringify(p)})`);
    assert.equal(web.extname(p), posix.extname(p), `extname(${JSON.stringify(p)})`);
    assert.equal(web.normalize(p), posix.normalize(p), `normalize(${JSON.stringify(p)})`);
    assert.equal(web.isAbsolute(p), posix.isAbsolute(p), `isAbsolute(${JSON.stringify(p)})`);
  }
  assert.equal(web.basename('/a/b/c.vpci', '.vpci'), posix.basename('/a/b/c.vpci', '.vpci'));
  assert.equal(web.basename('.vpci', '.vpci'), posix.basename('.vpci', '.vpci'));
});

test('join, resolve (from /) and relative agree with path.posix', () => {
  const pairs: [string, string][] = [];
  for (const a of paths) for (const b of paths) pairs.push([a, b]);
  for (const [a, b] of pairs) {
    assert.equal(web.join(a, b), posix.join(a, b), `join(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
    // Node resolves relative paths against its working directory; the browser has none and uses '/'.
    assert.equal(web.resolve(a, b), posix.resolve('/', a, b), `resolve(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
    assert.equal(
      web.relative(web.resolve(a), web.resolve(b)),
      posix.relative(posix.resolve('/', a), posix.resolve('/', b)),
      `relative(${JSON.stringify(a)}, ${JSON.stringify(b)})`,
    );
  }
  assert.equal(web.join('/ext', '..', 'data', 'pci.ids'), '/data/pci.ids');
  assert.equal(web.resolve('/ws/scen', 'devices/x.lspci'), '/ws/scen/devices/x.lspci');
  assert.equal(web.resolve(), '/');
});

test('EventEmitter: on, once, off, emit order and an unheard error', () => {
  const e = new EventEmitter();
  const got: string[] = [];
  const a = (x: unknown) => got.push(`a${String(x)}`);
  e.on('m', a);
  e.once('m', (x) => got.push(`once${String(x)}`));
  e.on('m', (x) => got.push(`b${String(x)}`));
  assert.equal(e.emit('m', 1), true);
  assert.equal(e.emit('m', 2), true);
  e.removeListener('m', a);
  e.emit('m', 3);
  assert.deepEqual(got, ['a1', 'once1', 'b1', 'a2', 'b2', 'b3']);
  assert.equal(e.listenerCount('m'), 1);
  assert.equal(e.emit('none'), false);
  assert.throws(() => e.emit('error', new Error('boom')), /boom/);
  e.on('error', () => got.push('heard'));
  e.emit('error', new Error('x'));
  assert.equal(got.at(-1), 'heard');
  e.removeAllListeners();
  assert.equal(e.listenerCount('m'), 0);
});

test('setImmediate runs after the current task, in order, with its arguments', async () => {
  // (no timers: a callback queued last tells when the ones before it have run)
  const turn = () => new Promise<void>((r) => webImmediate(() => r()));
  const got: unknown[] = [];
  webImmediate((x) => got.push(x), 1);
  webImmediate((x, y) => got.push([x, y]), 2, 3);
  got.push('sync');
  await turn();
  assert.deepEqual(got, ['sync', 1, [2, 3]]);
  // one queued from inside another runs on a later turn, after those already queued
  const order: string[] = [];
  webImmediate(() => {
    order.push('outer');
    webImmediate(() => order.push('inner'));
  });
  webImmediate(() => order.push('second'));
  await turn();
  assert.deepEqual(order, ['outer', 'second']);
  await turn();
  assert.deepEqual(order, ['outer', 'second', 'inner']);
});
