import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../../emulator/vpci/guest/messages';
import { Ev } from '../../emulator/vpci/events';
import { harness, defaultFunction, type Harness } from './helpers';
import { FakeFunction } from './fake-function';

function ready(profile = 'openvmm', h: Harness = harness(profile)): Harness {
  h.send(G.queryProtocolVersion(0x10004));
  h.send(G.d0Entry(0xf8000000));
  return h;
}
const events = (h: Harness, kind: number) => {
  const out = [];
  for (let i = 0; i < h.trace.length; i++) if (h.trace.get(i).kind === kind) out.push(h.trace.get(i));
  return out;
};

test('nothing is decoded before D0 entry or after D0 exit', () => {
  const h = harness('openvmm');
  h.send(G.queryProtocolVersion(0x10004));
  assert.equal(h.host.mmioRead(0x1000, 4).ok, false);
  h.host.mmioWrite(0, 4, 0);
  assert.equal(h.fn.writes.length, 0);
  h.send(G.d0Entry(0xf8000000));
  assert.deepEqual(h.host.mmioRead(0x1000, 4), { ok: true, value: 0x101e15b3 });
  h.send(G.d0Exit());
  assert.equal(h.host.status.windowBase, undefined);
  assert.equal(h.host.mmioRead(0x1000, 4).ok, false);
  h.host.mmioWrite(0x1004, 2, 6);
  assert.equal(h.fn.writes.length, 0);
  assert.match(h.errors().join('\n'), /NotMapped/);
});

test('slot register: write-only, 4 bytes at offset 0 only; other page-0 offsets rejected', () => {
  const h = ready();
  assert.equal(h.host.mmioRead(0, 4).ok, false);
  assert.match(h.errors().at(-1)!, /InvalidRegister/);
  h.host.mmioWrite(0, 2, 0x20);
  assert.match(h.errors().at(-1)!, /InvalidAccessSize/);
  h.host.mmioWrite(4, 4, 0);
  assert.match(h.errors().at(-1)!, /InvalidRegister/);
  assert.equal(h.host.mmioRead(0x800, 4).ok, false);
});

test('config page: size and alignment rules (1 anywhere, 2 at lane 0/2, 4 at lane 0)', () => {
  const h = ready();
  h.host.mmioWrite(0, 4, 0);
  assert.deepEqual(h.host.mmioRead(0x1003, 1), { ok: true, value: 0x10 });
  assert.deepEqual(h.host.mmioRead(0x1002, 2), { ok: true, value: 0x101e });
  assert.equal(h.host.mmioRead(0x1001, 2).ok, false);
  assert.match(h.errors().at(-1)!, /UnalignedAccess/);
  assert.equal(h.host.mmioRead(0x1002, 4).ok, false);
  assert.match(h.errors().at(-1)!, /UnalignedAccess/);
  assert.equal(h.host.mmioRead(0x1000, 8).ok, false);
  assert.match(h.errors().at(-1)!, /InvalidAccessSize/);
  // verify_deferred_pci_cfg_write_via_bus: a 12-byte write is rejected without touching the device
  h.host.mmioWrite(0x1004, 12, 0xffffffff);
  assert.match(h.errors().at(-1)!, /InvalidAccessSize/);
  assert.equal(h.fn.writes.length, 0);
});

test('accesses straddling a page, or outside the window, are rejected', () => {
  const h = ready();
  h.host.mmioWrite(0, 4, 0);
  assert.equal(h.host.mmioRead(0xffe, 4).ok, false);
  assert.match(h.errors().at(-1)!, /InvalidAccessSize/);
  assert.equal(h.host.mmioRead(0x1ffe, 4).ok, false);
  assert.equal(h.host.mmioRead(0x2000, 4).ok, false);
  assert.match(h.errors().at(-1)!, /InvalidRegister/);
  assert.deepEqual(h.host.mmioRead(0x1ffc, 4), { ok: true, value: 0 });
});

test('verify_nonzero_slot_config_accesses_do_not_touch_device: empty slot reads all-ones, drops writes', () => {
  const h = ready();
  h.host.mmioWrite(0, 4, 1);
  assert.deepEqual(h.host.mmioRead(0x1000, 4), { ok: true, value: 0xffffffff });
  assert.deepEqual(h.host.mmioRead(0x1000, 2), { ok: true, value: 0xffff });
  assert.deepEqual(h.host.mmioRead(0x1003, 1), { ok: true, value: 0xff });
  h.host.mmioWrite(0x1004, 2, 6);
  assert.equal(h.fn.writes.length, 0);
  // a second function at 00.1 (wslot 0x20) on a Hyper-V bus is reachable
  const f1 = new FakeFunction({ vendor: 0x8086, device: 0x1515 });
  const x = ready(
    'hyperv-2022',
    harness('hyperv-2022', {
      functions: [
        { wslot: 0, fn: defaultFunction(), serial: 1 },
        { wslot: 0x20, fn: f1, serial: 2 },
      ],
    }),
  );
  x.host.mmioWrite(0, 4, 0x20);
  assert.deepEqual(x.host.mmioRead(0x1000, 4), { ok: true, value: 0x15158086 });
});

test('CfgRead/CfgWrite trace records: a = wslot, b = offset | size << 16, c = value', () => {
  const h = ready();
  h.host.mmioWrite(0, 4, 0);
  h.host.mmioRead(0x1002, 2);
  h.host.mmioWrite(0x1004, 2, 0x0006);
  const r = events(h, Ev.CfgRead).at(-1)!;
  assert.deepEqual([r.a, r.b, r.c, r.bus], [0, 0x20002, 0x101e, 0]);
  const w = events(h, Ev.CfgWrite).at(-1)!;
  assert.deepEqual([w.a, w.b, w.c], [0, 0x20004, 6]);
});

test('verify_mmio: BAR sizing through the window, programming, writes ignored once MSE is set', () => {
  const h = ready();
  h.host.mmioWrite(0, 4, 0);
  h.host.mmioWrite(0x1010, 4, 0xffffffff);
  h.host.mmioWrite(0x1014, 4, 0xffffffff);
  assert.equal(h.host.mmioRead(0x1010, 4).value, 0xfffff00c);
  assert.equal(h.host.mmioRead(0x1014, 4).value, 0xffffffff);
  for (const off of [0x1018, 0x101c, 0x1020, 0x1024]) {
    h.host.mmioWrite(off, 4, 0xffffffff);
    assert.equal(h.host.mmioRead(off, 4).value, off === 0x1018 ? 0xffffc000 : 0);
  }
  h.host.mmioWrite(0x1010, 4, 0x00000000);
  h.host.mmioWrite(0x1014, 4, 0x20);
  h.host.mmioWrite(0x1018, 4, 0x4000);
  h.host.mmioWrite(0x1004, 2, 0x0002); // MSE on
  const maps = events(h, Ev.BarMap);
  assert.deepEqual(
    maps.map((e) => [e.a, e.b, e.c, (e.blob as { address: number }).address]),
    [
      [0, 0, 0, 0x20_0000_0000],
      [0, 2, 0x4000, 0x4000],
    ],
  );
  h.host.mmioWrite(0x1018, 4, 0x8000);
  assert.equal(h.host.mmioRead(0x1018, 4).value, 0x4000);
  const ign = events(h, Ev.BarWriteIgnored);
  assert.deepEqual(
    ign.map((e) => [e.a, e.b, e.c]),
    [[0, 0x18, 0x8000]],
  );
  h.host.mmioWrite(0x1004, 2, 0x0000); // MSE off
  assert.equal(events(h, Ev.BarUnmap).length, 2);
  h.host.mmioWrite(0x1018, 4, 0x8000);
  assert.equal(h.host.mmioRead(0x1018, 4).value, 0x8000);
});

test('channel close releases everything and unmaps the window', () => {
  const h = ready('hyperv-2022');
  h.send(G.createInterrupt2(0, { vector: 0x13, deliveryMode: 0, vectorCount: 1, cpus: [1] }));
  h.host.mmioWrite(0, 4, 0);
  h.host.mmioWrite(0x1004, 2, 2);
  h.host.onChannelClosed();
  assert.equal(h.remapper.entriesFor(0, 0).length, 0);
  assert.equal(h.fn.cfgRead(4, 2) & 2, 0);
  assert.deepEqual(h.host.status, { state: 'init' });
  assert.equal(h.host.mmioRead(0x1000, 4).ok, false);
  // a reopened channel negotiates again
  assert.equal(h.send(G.queryProtocolVersion(0x10004)).length, 1);
  assert.equal(h.host.status.state, 'ready');
});
