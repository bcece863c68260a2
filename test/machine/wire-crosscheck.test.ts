// Every packet that crosses the rings in a whole-machine run — the guest
// models' requests and the host's replies and messages — decodes with the
// shared wire codec, for every example under every guest model × host profile:
// the guest, the host and the codec agree on the bytes. And the messages a
// guest chooses follow the protocol version it negotiated there (docs/protocol.md §1.2):
// Linux sends RESOURCES_ASSIGNED2 from 1.2 and CREATE_INTERRUPT v1/v2/v3 for
// 1.1 / 1.2–1.3 / 1.4; current FreeBSD RESOURCES_ASSIGNED2 and v3 only at 1.4;
// freebsd-2016 speaks 1.1 only; hosts send BUS_RELATIONS2 only from their
// profile's relations2From version. And, independently of the codec, every packet has the
// size, flags and padding the real sources give it (SENT_BY_GUEST / hostPayloadSize below).
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

/**
 * Version fallbacks and teardowns no example reaches, written here: the host refuses the first `n` versions
 * offered (Linux then speaks 1.3 or 1.1, FreeBSD 1.1 or none), then MSI-X, an eject on one bus and a detach on
 * the other (EJECTION_COMPLETE, DELETE_INTERRUPT, RESOURCES_RELEASED, BUS_D0EXIT).
 */
const inline = [1, 3].map((n) => ({
  file: `<refuse ${n} version${n > 1 ? 's' : ''}>`,
  text: [
    'vm {\n  host hyperv-2022\n  guest linux\n  cpus 2\n}',
    'bus nic0 { function 0 intel-82599-vf }',
    'bus nic1 { function 0 mellanox-cx3-vf }',
    ...['nic0', 'nic1'].map((b) => `at 0 fault ${b} query-protocol-version status STATUS_REVISION_MISMATCH times ${n}`),
    'at 0 boot',
    'at 1ms driver nic0 msix 2',
    'at 1ms driver nic1 msix 2',
    'at 2ms eject nic0',
    'at 2ms detach nic1',
    '',
  ].join('\n'),
}));

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

/**
 * What each guest sends, from the structs its driver passes to the send call: payload bytes (sizeof the
 * struct) and whether it asks for a completion (VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED /
 * VMBUS_CHANPKT_FLAG_RC). Written from the sources, not from our encoders: linux
 * drivers/pci/controller/pci-hyperv.c @ v6.12.118 (struct pci_version_request 8, pci_message 4,
 * pci_bus_d0_entry 16, pci_child_message 8, pci_resources_assigned 148 / 2: 202, pci_create_interrupt 24 /
 * 2: 78 / 3: 82, pci_delete_interrupt 24, pci_eject_response 12; hv_pci_bus_exit sends D0EXIT with a
 * completion requested); freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c @ 0010132dbd24 and @ dd2e215ca93c
 * (the same, but pci_version_request is 12 bytes and vmbus_pcib_detach sends D0EXIT without RC).
 */
const SENT_BY_GUEST: Record<string, [size: number, rc: boolean]> = {
  PCI_QUERY_PROTOCOL_VERSION: [8, true],
  PCI_QUERY_BUS_RELATIONS: [4, false],
  PCI_BUS_D0ENTRY: [16, true],
  PCI_QUERY_RESOURCE_REQUIREMENTS: [8, true],
  PCI_RESOURCES_ASSIGNED: [148, true],
  PCI_RESOURCES_ASSIGNED2: [202, true],
  PCI_CREATE_INTERRUPT_MESSAGE: [24, true],
  PCI_CREATE_INTERRUPT_MESSAGE2: [78, true],
  PCI_CREATE_INTERRUPT_MESSAGE3: [82, true],
  PCI_DELETE_INTERRUPT_MESSAGE: [24, false],
  PCI_RESOURCES_RELEASED: [8, false],
  PCI_EJECTION_COMPLETE: [12, false],
  PCI_BUS_D0EXIT: [4, true],
};

function sentByGuest(guest: GuestModelName, name: string): [number, boolean] | undefined {
  if (guest !== 'linux' && name === 'PCI_QUERY_PROTOCOL_VERSION') return [12, true];
  if (guest !== 'linux' && name === 'PCI_BUS_D0EXIT') return [4, false];
  return SENT_BY_GUEST[name];
}

const u32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(o, true);

/**
 * Payload bytes of what the host sends, from the OpenVMM structs (microsoft/openvmm
 * vm/devices/pci/vpci_protocol/src/lib.rs @ 1488a37b, repr(C)): QueryBusRelations 8 + DeviceDescription 20 each,
 * QueryBusRelations2 8 + DeviceDescription2 28 each, PdoMessage 8 (EJECT); completions (vm/devices/pci/vpci/src/device.rs):
 * QueryProtocolVersionReply 8, QueryResourceRequirementsReply 28, CreateInterruptReply 24, DeviceTranslateReply 136
 * and MsiResource 16 (ASSIGNED_RESOURCES) or MsiResource2 72 (2 and 3) per listed MSI, PartialResourceList 128,
 * `()` 0 for QUERY_BUS_RELATIONS, else a bare Status 4 — and a failure is a bare Status, but for the version
 * reply, which names a version with REVISION_MISMATCH too.
 */
function hostPayloadSize(completionOf: number | undefined, payload: Uint8Array, emptyRelations: boolean): number | undefined {
  if (completionOf === undefined) {
    const t = u32(payload, 0);
    if (t === MSG.PCI_BUS_RELATIONS) return 8 + 20 * u32(payload, 4);
    if (t === MSG.PCI_BUS_RELATIONS2) return 8 + 28 * u32(payload, 4);
    if (t === MSG.PCI_EJECT) return 8;
    return undefined;
  }
  if (completionOf === MSG.PCI_QUERY_BUS_RELATIONS) return emptyRelations ? 0 : 4;
  if (completionOf === MSG.PCI_QUERY_RESOURCE_RESOURCES) return 128;
  if (u32(payload, 0) >> 31) return completionOf === MSG.PCI_QUERY_PROTOCOL_VERSION ? 8 : 4;
  switch (completionOf) {
    case MSG.PCI_QUERY_PROTOCOL_VERSION:
      return 8;
    case MSG.PCI_QUERY_RESOURCE_REQUIREMENTS:
      return 28;
    case MSG.PCI_CREATE_INTERRUPT_MESSAGE:
    case MSG.PCI_CREATE_INTERRUPT_MESSAGE2:
    case MSG.PCI_CREATE_INTERRUPT_MESSAGE3:
      return 24;
    case MSG.PCI_RESOURCES_ASSIGNED:
    case MSG.PCI_RESOURCES_ASSIGNED2:
    case MSG.PCI_RESOURCES_ASSIGNED3: {
      // The count says how many MSIs were asked for; those with vector_count 0 are not listed (protocol.md §9.3).
      const listed = Math.floor((payload.length - 136) / (completionOf === MSG.PCI_RESOURCES_ASSIGNED ? 16 : 72));
      return 136 + Math.min(listed, u32(payload, 128)) * (completionOf === MSG.PCI_RESOURCES_ASSIGNED ? 16 : 72);
    }
    default:
      return 4;
  }
}

const guests = GUEST_MODELS.map((g) => g.name);
const hosts = HOST_PROFILES.map((h) => h.name);

/** guest × host → buses whose version rules were checked (a combination where none negotiated checks nothing). */
const versionChecked = new Map<string, number>();

test('the crosscheck covers every guest model and every host profile', () => {
  assert.deepEqual([...guests].sort(), ['freebsd', 'freebsd-2016', 'linux']);
  assert.ok(hosts.length >= 4, hosts.join(', '));
});

for (const { file, text } of [...files.map((file) => ({ file, text: undefined as string | undefined })), ...inline]) {
  for (const guest of guests) {
    for (const host of hosts) {
      test(`${file} (${guest} on ${host}): every packet decodes with its source's size, flags and padding, and the guest's messages follow the negotiated version`, () => {
        const l = loadScenarioFile(file, { guest, host }, text);
        // Never skipped: a scenario the combination cannot load is a failure with its reason.
        assert.ok(l.machine, `${file} does not load as ${guest} on ${host}: ${l.errors.map((e) => e.message).join('; ')}`);
        const m = l.machine;
        m.run();
        let n = 0;
        const t = m.trace;
        const profile = hostProfile(host)!;
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
          // The descriptor (linux include/linux/hyperv.h struct vmpacket_descriptor; openvmm vmbus_ring PacketDescriptor
          // and its `write`): a 16-byte header (offset8 2), the length in 8-byte units, no flag but completion-requested.
          assert.equal(p.headerLen, 16, `${what}: offset8`);
          assert.equal(p.totalLen, bytes.length, `${what}: length8`);
          const size =
            k === Ev.PacketToHost
              ? sentByGuest(guest, messageName(t.aAt(i)) ?? '')
              : ([hostPayloadSize(p.type === 11 ? t.aAt(i) : undefined, p.payload, profile.emptyRelationsCompletion), false] as const);
          assert.ok(size?.[0] !== undefined, `${what}: a packet the sender's source never sends`);
          const [want, rc] = size as [number, boolean];
          assert.equal(p.payload.length, (want + 7) & ~7, `${what}: ${want} payload bytes, padded to 8`);
          assert.equal(p.flags, rc ? 1 : 0, `${what}: flags`);
          // Guests pad with zeros (linux vmbus_sendpacket_getid aligned_data; freebsd vmbus_chan_send pad); so does a
          // host whose profile says so (OpenVMM leaves the ring's bytes: HostProfile.padding 'ring').
          if (k === Ev.PacketToHost || profile.padding === 'zeros')
            assert.ok(
              p.payload.subarray(want).every((x) => x === 0),
              `${what}: zero padding`,
            );
          if (k === Ev.PacketToGuest && p.type === 6) assert.equal(p.transactionId, 0n, `${what}: transaction id 0`);
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
