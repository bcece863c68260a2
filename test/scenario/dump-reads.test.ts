// A dump named by many functions (a machine's whole `lspci -xxxx`, each bus selecting one of its
// devices) is read once, by the checker and by the machine's function factory: each read it again,
// 300 buses of a 1.8 MB dump took 54 s to check and 30 of them 17 s to run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionFactory } from '../../adapter/load';
import { readDump } from '../../emulator/scenario/dump-check';
import type { FileRead } from '../../emulator/scenario/staged';

const zeros = (n: number): string => Array(n).fill('00').join(' ');
/** A device of 64 bytes, its IDs first. */
const device = (addr: string, ids: string): string => `${addr} x\n00: ${ids} ${zeros(12)}\n10: ${zeros(16)}\n20: ${zeros(16)}\n30: ${zeros(16)}\n`;
const DUMP = [device('01:00.0', '86 80 ed 10'), device('02:00.0', 'b3 15 04 10'), device('03:00.0', 'de 10 07 1e')].join('\n');

test('the function factory reads a dump once for every function that selects a device of it', () => {
  let reads = 0;
  const bytes = new TextEncoder().encode(DUMP);
  const file: FileRead = {
    get bytes() {
      reads++;
      return bytes;
    },
  };
  const make = functionFactory(new Map([['m.lspci', file]]));
  const ids = ['01:00.0', '02:00.0', '03:00.0', '02:00.0'].map((select) => {
    const f = make({ kind: 'dump', path: 'm.lspci', select, bars: [] });
    return f.config.read(0, 4).toString(16);
  });
  assert.deepEqual(ids, ['10ed8086', '100415b3', '1e0710de', '100415b3']);
  assert.equal(reads, 1);
});

test("the checker reads a dump's text once for the buses that name it", () => {
  const text = DUMP.slice();
  const first = readDump(text);
  assert.equal(first.text, true);
  assert.ok(first.text && first.r.ok && first.r.devices.length === 3);
  assert.equal(readDump(text), first);
  // Another text is read anew.
  assert.notEqual(readDump(`${DUMP}\n`), first);
});
