import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../../emulator/vpci/guest/messages';
import { catalogIds, createFunction } from '../../emulator/pci/catalog';
import { harness, payload, u16, u32 } from './helpers';

test('every catalog device: QUERY_RESOURCE_REQUIREMENTS masks equal BAR sizing through the window; relations carry its IDs', () => {
  const ids = catalogIds();
  assert.ok(ids.length > 0);
  for (const id of ids) {
    const fn = createFunction(id);
    const h = harness('hyperv-2022', { functions: [{ wslot: 0, fn: fn as never, serial: 5 }] });
    h.send(G.queryProtocolVersion(0x10004));
    const out = h.send(G.d0Entry(0xf8000000), { txid: 2n });
    const rel = payload(out[0]!.pkt);
    assert.equal(u16(rel, 8), fn.cfgRead(0, 2), id);
    assert.equal(u16(rel, 10), fn.cfgRead(2, 2), id);
    assert.equal(u32(rel, 16), fn.cfgRead(0x2c, 4), id);
    const [r] = h.send(G.queryResourceRequirements(0));
    const masks = Array.from({ length: 6 }, (_, i) => u32(payload(r!.pkt), 4 + 4 * i));
    // Size each BAR as a guest would, through the window, with MSE off.
    h.host.mmioWrite(0, 4, 0);
    const cmd = h.host.mmioRead(0x1004, 2).value;
    h.host.mmioWrite(0x1004, 2, cmd & ~2);
    const sized: number[] = [];
    for (let i = 0; i < 6; i++) {
      const off = 0x1010 + 4 * i;
      const save = h.host.mmioRead(off, 4).value;
      h.host.mmioWrite(off, 4, 0xffffffff);
      sized.push(h.host.mmioRead(off, 4).value);
      h.host.mmioWrite(off, 4, save);
    }
    assert.deepEqual(masks, sized, id);
  }
});
