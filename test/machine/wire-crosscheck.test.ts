// Every packet that crosses the rings in a whole-machine run — the guest
// models' requests and the host's replies and messages — decodes with the
// shared wire codec, for every example under every guest model × host profile:
// the guest, the host and the codec agree on the bytes. And the messages a
// guest chooses follow the protocol version it negotiated there (docs/protocol.md §1.2):
// Linux sends RESOURCES_ASSIGNED2 from 1.2 and CREATE_INTERRUPT v1/v2/v3 for
// 1.1 / 1.2–1.3 / 1.4; current FreeBSD RESOURCES_ASSIGNED2 and v3 only at 1.4;
// freebsd-2016 speaks 1.1 only; hosts send BUS_RELATIONS2 only from their
// profile's relations2From version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { Ev } from '../../emulator/vpci/events';
import { decodePacket } from '../../emulator/vmbus/packet';
import { decodeMessage, decodeCompletion } from '../../emulator/vpci/wire';
import { MSG, messageName, versionText } from '../../emulator/vpci/protocol';
import { GUEST_MODELS } from '../../emulator/vpci/guest/models';
import { HOST_PROFILES, hostProfile } from '../../emulator/vpci/host/profiles';
import type { GuestModelName } from '../../emulator/vpci/guest/quirks';

const files = [
  ...readdirSync('examples')
    .filter((f) => f.endsWith('.vpci'))
    .map((f) => join('examples', f)),
  ...readdirSync('examples/quirks')
    .filter((f) => f.endsWith('.vpci'))
    .map((f) => join('examples/quirks', f)),
];

const V1_1 = 0x00010001;
const V1_2 = 0x00010002;
const V1_4 = 0x00010004;

/** What a guest model sends at a negotiated version: its RESOURCES_ASSIGNED and CREATE_INTERRUPT types. */
function expected(guest: GuestModelName, v: number): { assigned: number; create: number } {
  if (guest === 'linux') {
    return {
      assigned: v >= V1_2 ? MSG.PCI_RESOURCES_ASSIGNED2 : MSG.PCI_RESOURCES_ASSIGNED,
      create: v === V1_1 ? MSG.PCI_CREATE_INTERRUPT_MESSAGE : v >= V1_4 ? MSG.PCI_CREATE_INTERRUPT_MESSAGE3 : MSG.PCI_CREATE_INTERRUPT_MESSAGE2,
    };
  }
  if (guest === 'freebsd-2016') return { assigned: MSG.PCI_RESOURCES_ASSIGNED, create: MSG.PCI_CREATE_INTERRUPT_MESSAGE };
  return {
    assigned: v >= V1_4 ? MSG.PCI_RESOURCES_ASSIGNED2 : MSG.PCI_RESOURCES_ASSIGNED,
    create: v >= V1_4 ? MSG.PCI_CREATE_INTERRUPT_MESSAGE3 : MSG.PCI_CREATE_INTERRUPT_MESSAGE,
  };
}

const ASSIGNED = [MSG.PCI_RESOURCES_ASSIGNED, MSG.PCI_RESOURCES_ASSIGNED2, MSG.PCI_RESOURCES_ASSIGNED3];
const CREATE = [MSG.PCI_CREATE_INTERRUPT_MESSAGE, MSG.PCI_CREATE_INTERRUPT_MESSAGE2, MSG.PCI_CREATE_INTERRUPT_MESSAGE3];

const guests = GUEST_MODELS.map((g) => g.name);
const hosts = HOST_PROFILES.map((h) => h.name);

/** guest × host → buses whose version rules were checked (a combination where none negotiated checks nothing). */
const versionChecked = new Map<string, number>();

test('the crosscheck covers every guest model and every host profile', () => {
  assert.deepEqual([...guests].sort(), ['freebsd', 'freebsd-2016', 'linux']);
  assert.ok(hosts.length >= 4, hosts.join(', '));
});

for (const file of files) {
  for (const guest of guests) {
    for (const host of hosts) {
      test(`${file} (${guest} on ${host}): every packet decodes, and the guest's messages follow the negotiated version`, () => {
        const l = loadScenarioFile(file, { guest, host });
        // Never skipped: a scenario the combination cannot load is a failure with its reason.
        assert.ok(l.machine, `${file} does not load as ${guest} on ${host}: ${l.errors.map((e) => e.message).join('; ')}`);
        const m = l.machine;
        m.run();
        let n = 0;
        const t = m.trace;
        const sentBy = new Map<number, number[]>();
        const relationsBy = new Map<number, number[]>();
        for (let i = 0; i < t.length; i++) {
          const k = t.kindAt(i);
          if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
          // A reply the scenario corrupts on purpose (fault truncate/flip) is meant not to decode.
          let faulted = false;
          for (let j = Math.max(0, i - 4); j < i; j++) if (t.kindAt(j) === Ev.Fault && t.busAt(j) === t.busAt(i)) faulted = true;
          if (faulted) continue;
          const bytes = t.get(i).blob as Uint8Array;
          const p = decodePacket(bytes);
          assert.ok(p.ok, `event ${i}: ${!p.ok ? p.error : ''}`);
          if (!p.ok) continue;
          const what = `${file} event ${i} ${k === Ev.PacketToHost ? 'guest→host' : 'host→guest'} ${messageName(t.aAt(i)) ?? t.aAt(i)}`;
          if (p.type === 6) {
            const d = decodeMessage(p.payload);
            assert.ok(d.ok, `${what}: ${!d.ok ? d.error.message : ''}`);
            const bus = t.busAt(i);
            const map = k === Ev.PacketToHost ? sentBy : relationsBy;
            map.set(bus, [...(map.get(bus) ?? []), t.aAt(i)]);
          } else {
            assert.equal(p.type, 11, what);
            const d = decodeCompletion(t.aAt(i), p.payload);
            assert.ok(d.ok, `${what} (completion): ${!d.ok ? d.error.message : ''}`);
          }
          n++;
        }
        if (m.buses.length) assert.ok(n > 0, 'packets were exchanged');
        const profile = hostProfile(host)!;
        for (const b of m.buses) {
          const v = m.model.protocolVersion(b.state.sc);
          if (!v) continue; // negotiation did not succeed (a scenario that refuses versions)
          versionChecked.set(`${guest} on ${host}`, (versionChecked.get(`${guest} on ${host}`) ?? 0) + 1);
          const where = `${guest} on ${host}, ${b.decl.name} at ${versionText(v)}`;
          assert.ok(profile.versions.includes(v), `${where}: a version the host accepts`);
          assert.ok(
            GUEST_MODELS.find((g) => g.name === guest)!.versions.some((x) => x === v),
            `${where}: a version the guest offers`,
          );
          const want = expected(guest, v);
          const sent = sentBy.get(b.index) ?? [];
          for (const x of sent.filter((y) => ASSIGNED.includes(y))) assert.equal(messageName(x), messageName(want.assigned), where);
          for (const x of sent.filter((y) => CREATE.includes(y))) assert.equal(messageName(x), messageName(want.create), where);
          const rel = (relationsBy.get(b.index) ?? []).filter((y) => y === MSG.PCI_BUS_RELATIONS || y === MSG.PCI_BUS_RELATIONS2);
          for (const x of rel) assert.equal(x === MSG.PCI_BUS_RELATIONS2, v >= profile.relations2From, `${where}: ${messageName(x)}`);
        }
      });
    }
  }
}

test('every guest model × host profile with a common version negotiated somewhere (its version rules checked, not skipped); none without one did', () => {
  const common = (g: string, h: string): boolean => GUEST_MODELS.find((x) => x.name === g)!.versions.some((v) => hostProfile(h)!.versions.includes(v));
  const combos = guests.flatMap((g) => hosts.map((h) => ({ key: `${g} on ${h}`, common: common(g, h) })));
  assert.ok(combos.some((c) => c.common) && combos.filter((c) => c.common).length >= guests.length * 2);
  assert.deepEqual(
    combos.filter((c) => c.common && !versionChecked.get(c.key)).map((c) => c.key),
    [],
  );
  assert.deepEqual(
    combos.filter((c) => !c.common && versionChecked.get(c.key)).map((c) => c.key),
    [],
  );
});
