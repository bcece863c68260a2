// Compares two pci.ids lookups name by name over everything a text names (test helper of
// pci-ids-index.test.ts and adapter/pci-ids-file.test.ts).
import assert from 'node:assert/strict';
import type { PciIds } from '../../emulator/pci/pci-ids';
import { rng } from '../../fuzz/rng';

/** Every (kind, ids) the text names, read with the simplest possible scan. */
function namedIn(text: string): { v: number[]; d: [number, number][]; s: [number, number, number, number][]; c: [number, number?, number?][] } {
  const out = { v: [] as number[], d: [] as [number, number][], s: [] as [number, number, number, number][], c: [] as [number, number?, number?][] };
  let v = -1;
  let d = -1;
  let c = -1;
  let sc = -1;
  for (const raw of text.split('\n')) {
    const l = raw.replace(/\r$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^([0-9a-fA-F]{4}) /.exec(l))) {
      v = parseInt(m[1]!, 16);
      c = -1;
      out.v.push(v);
    } else if ((m = /^C ([0-9a-fA-F]{2}) /.exec(l))) {
      c = parseInt(m[1]!, 16);
      v = -1;
      out.c.push([c]);
    } else if ((m = /^\t([0-9a-fA-F]{4}) /.exec(l)) && v >= 0) {
      d = parseInt(m[1]!, 16);
      out.d.push([v, d]);
    } else if ((m = /^\t\t([0-9a-fA-F]{4}) ([0-9a-fA-F]{4}) /.exec(l)) && v >= 0) out.s.push([v, d, parseInt(m[1]!, 16), parseInt(m[2]!, 16)]);
    else if ((m = /^\t([0-9a-fA-F]{2}) /.exec(l)) && c >= 0) {
      sc = parseInt(m[1]!, 16);
      out.c.push([c, sc]);
    } else if ((m = /^\t\t([0-9a-fA-F]{2}) /.exec(l)) && c >= 0) out.c.push([c, sc, parseInt(m[1]!, 16)]);
  }
  return out;
}

/** Every (subvendor, subdevice) of the text's "S" blocks. */
function gen(text: string): [number, number][] {
  const out: [number, number][] = [];
  let sv = -1;
  for (const raw of text.split('\n')) {
    const l = raw.replace(/\r$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^S ([0-9a-fA-F]{4})$/.exec(l))) sv = parseInt(m[1]!, 16);
    else if (/^[^\t#]/.test(l)) sv = -1;
    else if ((m = /^\t([0-9a-fA-F]{4}) /.exec(l)) && sv >= 0) out.push([sv, parseInt(m[1]!, 16)]);
  }
  return out;
}

/** Every `step`-th item (from a seeded offset), or all of them. */
function every<T>(xs: T[], step: number): T[] {
  const from = Math.floor(rng(xs.length).next() * step);
  return step <= 1 ? xs : xs.filter((_, i) => i % step === from);
}

export function same(a: PciIds, b: PciIds, text: string, step = 1): number {
  const all = namedIn(text);
  const n = { v: every(all.v, step), d: every(all.d, step), s: every(all.s, step), c: all.c };
  let checked = 0;
  for (const v of n.v) {
    assert.equal(a.vendorName(v), b.vendorName(v), `vendor ${v.toString(16)}`);
    checked++;
  }
  for (const [v, d] of n.d) {
    assert.equal(a.deviceName(v, d), b.deviceName(v, d), `device ${v.toString(16)}:${d.toString(16)}`);
    checked++;
  }
  for (const [v, d, sv, sd] of n.s) {
    assert.equal(a.subsystemName(v, d, sv, sd), b.subsystemName(v, d, sv, sd));
    checked++;
  }
  for (const [c, s, p] of n.c) {
    assert.equal(a.className(c, s, p), b.className(c, s, p), `class ${c} ${s} ${p}`);
    checked++;
  }
  for (const [sv, sd] of gen(text)) {
    assert.equal(a.genericSubsystemName?.(sv, sd), b.genericSubsystemName?.(sv, sd), `generic ${sv.toString(16)}:${sd.toString(16)}`);
    checked++;
  }
  assert.equal(a.vendorName(0xfffe), b.vendorName(0xfffe));
  assert.equal(a.deviceName(0x8086, 0xfffe), b.deviceName(0x8086, 0xfffe));
  assert.equal(a.version, b.version);
  assert.deepEqual(a.errors, b.errors);
  return checked;
}
