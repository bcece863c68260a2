import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../../emulator/vpci/guest/messages';
import { harness, hex } from './helpers';

// One full guest flow per profile; every expected reply is written out byte by
// byte from docs/protocol.md's offsets (§1.3, §2.4, §2.5, §10.2), not from our encoder.
const D = (type: number, totalUnits: number, txid: number) => hex(new Uint8Array([type, 0, 2, 0, totalUnits, 0, 0, 0, txid, 0, 0, 0, 0, 0, 0, 0]));
// BUS_RELATIONS2 entries are 28 bytes: 8 + 28 = 36 payload bytes, padded to 40 (4 trailing zeros).
const IDS = 'b3 15 1e 10 01 00 00 02 b3 15 61 00';

const cases = [
  {
    profile: 'hyperv-2016',
    version: 0x10001,
    vbytes: '01 00 01 00',
    rel: `00 00 49 42 01 00 00 00 ${IDS} 00 00 00 00 34 12 00 00 00 00 00 00`,
    relUnits: 6,
    qbrRc: `${D(11, 3, 3)} 00 00 00 00 00 00 00 00`,
  },
  {
    profile: 'hyperv-2019',
    version: 0x10002,
    vbytes: '02 00 01 00',
    rel: `00 00 49 42 01 00 00 00 ${IDS} 00 00 00 00 34 12 00 00 00 00 00 00`,
    relUnits: 6,
    qbrRc: `${D(11, 3, 3)} 00 00 00 00 00 00 00 00`,
  },
  {
    profile: 'hyperv-2022',
    version: 0x10004,
    vbytes: '04 00 01 00',
    rel: `19 00 49 42 01 00 00 00 ${IDS} 00 00 00 00 34 12 00 00 00 00 00 00 00 00 00 00 00 00 00 00`,
    relUnits: 7,
    qbrRc: `${D(11, 3, 3)} 00 00 00 00 00 00 00 00`,
  },
  {
    profile: 'openvmm',
    version: 0x10004,
    vbytes: '03 00 01 00',
    rel: `19 00 49 42 01 00 00 00 ${IDS} 00 00 00 00 3a 2f 1e 5e 00 00 00 00 00 00 00 00 00 00 00 00`,
    relUnits: 7,
    qbrRc: D(11, 2, 3),
  },
];

for (const c of cases) {
  test(`guest flow reply bytes: ${c.profile}`, () => {
    const h = harness(c.profile);
    const one = (msg: Uint8Array, txid: number, rc = true) => h.send(msg, { txid: BigInt(txid), rc }).map((x) => hex(x.pkt));
    assert.deepEqual(one(G.queryProtocolVersion(c.version), 1), [`${D(11, 3, 1)} 00 00 00 00 ${c.vbytes}`]);
    assert.deepEqual(one(G.queryBusRelations(), 2, false), [`${D(6, c.relUnits, 0)} ${c.rel}`]);
    assert.deepEqual(one(G.queryBusRelations(), 3, true), [c.qbrRc, `${D(6, c.relUnits, 0)} ${c.rel}`]);
    assert.deepEqual(one(G.d0Entry(0xfe0000000), 4), [`${D(6, c.relUnits, 0)} ${c.rel}`, `${D(11, 3, 4)} 00 00 00 00 00 00 00 00`]);
    assert.deepEqual(one(G.queryResourceRequirements(0), 5), [
      `${D(11, 6, 5)} 00 00 00 00 0c f0 ff ff ff ff ff ff 00 c0 ff ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`,
    ]);
    const ra = c.version >= 0x10002 ? G.resourcesAssigned2(0) : G.resourcesAssigned(0);
    assert.deepEqual(one(ra, 6), [`${D(11, 19, 6)} ${Array(136).fill('00').join(' ')}`]);
    const ci =
      c.version >= 0x10002
        ? G.createInterrupt2(0, { vector: 0x31, deliveryMode: 0, vectorCount: 1, cpus: [3] })
        : G.createInterrupt(0, { vector: 0x31, deliveryMode: 0, vectorCount: 1, cpuMask: 8n });
    assert.deepEqual(one(ci, 7), [`${D(11, 5, 7)} 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 e0 fe 00 00 00 00`]);
    assert.deepEqual(one(G.deleteInterrupt(0, { vector_count: 1, data: 0, address: 0xfee00000 }), 8), [`${D(11, 3, 8)} 00 00 00 00 00 00 00 00`]);
    assert.deepEqual(one(G.resourcesReleased(0), 9, false), []);
    assert.deepEqual(one(G.d0Exit(), 10), [`${D(11, 3, 10)} 00 00 00 00 00 00 00 00`]);
    assert.equal(h.errors().length, 0);
  });
}
