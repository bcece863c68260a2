// Loading a scenario builds each source of functions once (adapter/load.ts): a bad source is still a
// diagnostic at every declaration naming it, each bus still gets a function of its own, and a
// scenario that offers a thousand buses of one device no longer holds a thousand functions from
// the moment it loads (~24 KB each: config space, its masks, BAR memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { hotPlugText } from '../hot-plug-scenario';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FILE = join(__dirname, 'load-functions.vpci'); // never read: the text is given

test('two buses of the same catalog device get a function each: a write to one leaves the other as it was', () => {
  const l = loadScenarioFile(
    FILE,
    {},
    ['vm {', '  host hyperv-2019', '  guest linux', '}', 'bus a { function 0 intel-82599-vf }', 'bus b { function 0 intel-82599-vf }', 'at 0 boot', ''].join(
      '\n',
    ),
  );
  assert.deepEqual(l.errors, []);
  const [a, b] = l.machine!.buses.map((x) => x.functions.get(0)!);
  assert.ok(a && b);
  assert.notEqual(a, b);
  const before = b.config.read(0x04, 2);
  a.config.write(0x04, 2, before | 0x6);
  assert.equal(b.config.read(0x04, 2), before);
  assert.equal(a.config.read(0x04, 2) & 0x6, 0x6);
});

test('a thousand buses offered one after another: loading holds the boot bus’s function, not a thousand', () => {
  const heap = (): number => {
    gc();
    gc();
    const u = process.memoryUsage();
    return u.heapUsed + u.arrayBuffers; // config space and BAR memory are array buffers, outside the heap
  };
  assert.equal(loadScenarioFile(FILE, {}, hotPlugText(10)).errors.length, 0); // compiles what a load runs
  const empty = heap();
  const l = loadScenarioFile(FILE, {}, hotPlugText(1000));
  assert.equal(l.errors.length, 0);
  assert.equal(l.machine!.buses.length, 1, 'the offers add their buses when the run reaches them');
  const held = heap() - empty;
  // The text, its AST and the checker's results for 4,000 events take ~4 MB; the thousand 82599 VFs
  // built at load took ~24 MB more (28 MB in all).
  assert.ok(held < 12 * 1024 * 1024, `loading holds ${(held / 1048576).toFixed(1)} MB`);
  assert.ok(l.machine, 'still held here, so not collected before the measure');
});
