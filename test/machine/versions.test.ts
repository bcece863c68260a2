// Every guest model on every host profile: which vPCI version they agree on and
// which message of each versioned family crosses the wire, written out by hand
// from the releases (not computed from the tables): WS2016 is RS1 and WS2019 RS5,
// both before 1.3 "Vibranium", so they accept 1.1 and 1.2; WS2022 accepts 1.1-1.4;
// OpenVMM 1.2 and up. Linux offers 1.4, 1.3, 1.2, 1.1; current FreeBSD 1.4, 1.1;
// FreeBSD 2016 only 1.1 (torvalds/linux drivers/pci/controller/pci-hyperv.c and
// freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c `pci_protocol_versions[]`).
// Every packet of these runs also decodes with the shared codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../adapter/load';
import { Ev } from '../../emulator/vpci/events';
import { decodePacket } from '../../emulator/vmbus/packet';
import { decodeMessage, decodeCompletion } from '../../emulator/vpci/wire';
import { GUEST_MODELS } from '../../emulator/vpci/guest/models';

const QUERY_PROTOCOL_VERSION = 0x42490013;
const BUS_RELATIONS = 0x42490000;
const BUS_RELATIONS2 = 0x42490019;
const RESOURCES_ASSIGNED = 0x42490010;
const RESOURCES_ASSIGNED2 = 0x42490016;
const CREATE_INTERRUPT = 0x42490014;
const CREATE_INTERRUPT2 = 0x42490017;
const CREATE_INTERRUPT3 = 0x4249001b;

type Row = { guest: string; host: string; offered: number[]; version: number | 'none' };
const V = (minor: number) => 0x00010000 | minor;

const MATRIX: Row[] = [
  { guest: 'linux', host: 'hyperv-2016', offered: [V(4), V(3), V(2)], version: V(2) },
  { guest: 'linux', host: 'hyperv-2019', offered: [V(4), V(3), V(2)], version: V(2) },
  { guest: 'linux', host: 'hyperv-2022', offered: [V(4)], version: V(4) },
  { guest: 'linux', host: 'openvmm', offered: [V(4)], version: V(4) },
  { guest: 'freebsd', host: 'hyperv-2016', offered: [V(4), V(1)], version: V(1) },
  { guest: 'freebsd', host: 'hyperv-2019', offered: [V(4), V(1)], version: V(1) },
  { guest: 'freebsd', host: 'hyperv-2022', offered: [V(4)], version: V(4) },
  { guest: 'freebsd', host: 'openvmm', offered: [V(4)], version: V(4) },
  { guest: 'freebsd-2016', host: 'hyperv-2016', offered: [V(1)], version: V(1) },
  { guest: 'freebsd-2016', host: 'hyperv-2019', offered: [V(1)], version: V(1) },
  { guest: 'freebsd-2016', host: 'hyperv-2022', offered: [V(1)], version: V(1) },
  { guest: 'freebsd-2016', host: 'openvmm', offered: [V(1)], version: 'none' },
];

/** What each version puts on the wire (spec: 1.2 adds CREATE_INTERRUPT2/RESOURCES_ASSIGNED2, 1.3 BUS_RELATIONS2, 1.4 CREATE_INTERRUPT3). */
function families(v: number): { relations: number; resources: number; interrupt: number } {
  return {
    relations: v >= V(3) ? BUS_RELATIONS2 : BUS_RELATIONS,
    resources: v >= V(2) ? RESOURCES_ASSIGNED2 : RESOURCES_ASSIGNED,
    interrupt: v >= V(4) ? CREATE_INTERRUPT3 : v >= V(2) ? CREATE_INTERRUPT2 : CREATE_INTERRUPT,
  };
}

const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

for (const row of MATRIX) {
  const label = `${row.guest} on ${row.host}: ${row.version === 'none' ? 'no common version' : `negotiates ${row.version >>> 16}.${row.version & 0xffff}`}`;
  test(label, () => {
    const text = `# versions\nvm {\n  host ${row.host}\n  guest ${row.guest}\n  cpus 4\n}\nbus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 2\n`;
    const l = loadScenarioFile('test/machine/versions-inline.vpci', {}, text);
    assert.deepEqual(
      l.errors.map((e) => e.message),
      [],
    );
    const m = l.machine!;
    m.run();
    const toHost: { type: number; bytes: Uint8Array }[] = [];
    const toGuest: number[] = [];
    for (let i = 0; i < m.trace.length; i++) {
      const k = m.trace.kindAt(i);
      if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
      const bytes = m.trace.get(i).blob as Uint8Array;
      const p = decodePacket(bytes);
      assert.ok(p.ok, `event ${i}`);
      if (p.ok) {
        const d = p.type === 6 ? decodeMessage(p.payload) : decodeCompletion(m.trace.aAt(i), p.payload);
        assert.ok(d.ok, `event ${i} decodes`);
      }
      if (k === Ev.PacketToHost) toHost.push({ type: m.trace.aAt(i) >>> 0, bytes });
      else if (p.ok && p.type === 6) toGuest.push(m.trace.aAt(i) >>> 0);
    }
    const offered = toHost.filter((x) => x.type === QUERY_PROTOCOL_VERSION).map((x) => u32(x.bytes, 20));
    assert.deepEqual(offered, row.offered, 'versions the guest asks for, in order, until one is accepted');
    const bus = m.buses[0]!;
    if (row.version === 'none') {
      assert.equal(bus.host.status.state, 'init');
      assert.equal(m.model.busStatus(bus.state.sc), 'failed');
      return;
    }
    assert.equal(bus.host.status.state, 'ready');
    assert.equal(bus.host.status.version, row.version);
    assert.equal(m.model.protocolVersion(bus.state.sc), row.version);
    assert.equal(m.model.busStatus(bus.state.sc), 'attached');
    const f = families(row.version);
    const sent = new Set(toHost.map((x) => x.type));
    for (const t of [RESOURCES_ASSIGNED, RESOURCES_ASSIGNED2]) assert.equal(sent.has(t), t === f.resources, `resources family 0x${t.toString(16)}`);
    for (const t of [CREATE_INTERRUPT, CREATE_INTERRUPT2, CREATE_INTERRUPT3])
      assert.equal(sent.has(t), t === f.interrupt, `interrupt family 0x${t.toString(16)}`);
    const rel = new Set(toGuest.filter((t) => t === BUS_RELATIONS || t === BUS_RELATIONS2));
    assert.deepEqual([...rel], [f.relations], 'relations family');
  });
}

// The table's `versions` (which the checker, the docs and the launch schema read) must be what
// each model's program really offers: a host that refuses everything sees every offer, in order.
for (const g of GUEST_MODELS) {
  test(`${g.name}: the versions in its table row are the ones its program offers, in order`, () => {
    const text = `# offers\nvm {\n  host hyperv-2022\n  guest ${g.name}\n  quirk all-versions-rejected-continues off\n}\nbus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 fault nic0 query-protocol-version status 0xC0000059\nat 0 boot\n`;
    const l = loadScenarioFile('test/machine/offers-inline.vpci', {}, text);
    assert.deepEqual(
      l.errors.map((e) => e.message),
      [],
    );
    const m = l.machine!;
    m.run();
    const offered: number[] = [];
    for (let i = 0; i < m.trace.length; i++) {
      if (m.trace.kindAt(i) !== Ev.PacketToHost || m.trace.aAt(i) >>> 0 !== QUERY_PROTOCOL_VERSION) continue;
      offered.push(u32(m.trace.get(i).blob as Uint8Array, 20));
    }
    assert.deepEqual(offered, [...g.versions]);
    assert.equal(m.model.busStatus(m.buses[0]!.state.sc), 'failed');
  });
}
