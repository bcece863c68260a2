// Variables rows take write behaviour from the function's own config-space masks (QEMU-style
// wmask / w1cmask), not from a table: change the masks and the same register reads as
// read-only, read-write or write-1-to-clear, and setVariable follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFunction } from '../../emulator/pci/catalog';
import { findRegister } from '../../emulator/pci/registers';
import type { PciFunction } from '../../emulator/pci/function';
import { registerNode } from '../../adapter/inspect-registers';
import type { InspectContext } from '../../adapter/inspect-context';
import { parseNumber } from '../../adapter/vars';

function ctx(f: PciFunction): InspectContext {
  const raw = (fn: PciFunction, off: number, size: number): number => {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + fn.cfgRead(off + i, 1);
    return v;
  };
  return {
    m: { buses: [{ decl: { name: 'nic0' } }] } as unknown as InspectContext['m'],
    hex: true,
    ids: undefined,
    num: (n, d = 0) => `0x${n.toString(16).padStart(d, '0')}`,
    fn: () => f,
    title: () => 'f',
    busIndex: () => 0,
    resolveFn: () => ({ bi: 0, wslot: 0 }),
    parseValue: (t) => parseNumber(t) ?? `'${t}' is not a number`,
    parseRegisterValue: (t, bits, what) => {
      const v = parseNumber(t);
      if (v === undefined) return `'${t}' is not a number`;
      return v >= 2 ** bits || v < -(2 ** (bits - 1)) ? `${what} is ${bits} bits wide: ${t} does not fit` : v < 0 ? v + 2 ** bits : v;
    },
    raw,
    writeCfg: (_b, _w, fn, off, size, v) => fn.cfgWrite(off, size as 1 | 2 | 4, v),
    cfgRef: () => 'cfg/nic0/0',
    packetEvents: () => [],
    pendingTransactions: () => [],
    deliveredEvents: () => [],
  };
}

test('a register row and its fields read RO / RW / RW1C from the config space masks', () => {
  const f = createFunction('intel-82599-vf');
  const c = ctx(f);
  const def = findRegister('CACHE_LINE_SIZE')!;
  let node = registerNode(c, 0, 0, f, def, 'nic0.CACHE_LINE_SIZE');
  assert.match(node.type!, /, RW$/);
  assert.ok(node.set);
  assert.deepEqual(node.set('0x10'), { ok: true, value: '0x10' });
  // The same register, made read-only in this function's masks.
  f.config.setMasks(def.offset, 1, 0);
  node = registerNode(c, 0, 0, f, def, 'nic0.CACHE_LINE_SIZE');
  assert.match(node.type!, /, RO$/);
  assert.equal(node.set, undefined);
  assert.equal(node.readOnly, true);
  // STATUS: the RW1C bits come from w1cmask; clearing one through its field leaves the others.
  const st = findRegister('STATUS')!;
  f.config.setRaw(st.offset, 2, f.cfgRead(st.offset, 2) | 0x3000); // REC_TARGET_ABORT and REC_MASTER_ABORT set
  const status = registerNode(c, 0, 0, f, st, 'nic0.STATUS');
  assert.match(status.type!, /RW1C 0xf900/);
  const ma = status.children!().find((x) => x.name === 'REC_MASTER_ABORT')!;
  assert.match(ma.type!, /RW1C$/);
  assert.deepEqual(ma.set!('1'), { ok: true, value: '0' });
  assert.equal(f.cfgRead(st.offset, 2) & 0x3000, 0x1000, 'the other RW1C bit is left set');
  // Make REC_TARGET_ABORT plain read-only in the masks: its field is read-only now.
  f.config.setMasks(st.offset, 2, 0, 0xe900);
  const ta = registerNode(c, 0, 0, f, st, 'nic0.STATUS').children!().find((x) => x.name === 'REC_TARGET_ABORT')!;
  assert.match(ta.type!, /RO$/);
  assert.equal(ta.set, undefined);
});
