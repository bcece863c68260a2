// Protocol-path figures (issues 3 and 4): vPCI messages encoded + decoded
// inside VMBus packets, the host's config window (slot write + config access
// through VpciHost.mmioWrite/mmioRead after D0 entry) next to the plain
// PciFunction.cfgRead floor, and trace events recorded per second next to
// plain typed-array writes. Each is a ratio to its floor measured in the same run.
import { figure } from './harness';
import { encodeMessage, decodeMessage, type VpciMessage } from '../emulator/vpci/wire';
import { encodePacket, decodePacket, PKT_DATA_INBAND } from '../emulator/vmbus/packet';
import * as G from '../emulator/vpci/guest/messages';
import { Trace } from '../emulator/runtime/trace';
import { Ev } from '../emulator/vpci/events';
import { InterruptRemapper } from '../emulator/vpci/host/interrupts';
import { hostProfile } from '../emulator/vpci/host/profiles';
import { VpciHost } from '../emulator/vpci/host/vsp';
import { createFunction } from '../emulator/pci/catalog';

let sink = 0;

// ---- packets encoded + decoded -------------------------------------------------------------

{
  // The messages a guest sends during an attach, as decoded values (so encode has real input).
  const raw = [
    G.queryProtocolVersion(0x10004),
    G.queryBusRelations(),
    G.d0Entry(0xf8000000),
    G.queryResourceRequirements(0),
    G.resourcesAssigned2(0),
    G.createInterrupt3(0, { vector: 0x41, deliveryMode: 0, vectorCount: 1, cpus: [0, 1] }),
    G.deleteInterrupt(0, { vector_count: 1, data: 0x41, address: 0xfee00000 }),
    G.resourcesReleased(0),
    G.d0Exit(),
  ];
  const msgs: VpciMessage[] = raw.map((b) => {
    const d = decodeMessage(b);
    if (!d.ok) throw new Error(`bench input does not decode: ${d.error.message}`);
    return d.value;
  });
  const packets = msgs.map((m, i) => encodePacket({ type: PKT_DATA_INBAND, flags: 1, transactionId: BigInt(i), payload: encodeMessage(m) }));
  const k = msgs.length;
  figure({
    name: 'vPCI packets encoded + decoded (message codec inside a VMBus descriptor)',
    floorName: 'copying the same packet bytes (packet and payload)',
    unit: 'packets',
    kind: 'throughput',
    run: (n) => {
      for (let i = 0; i < n; i++) {
        const pkt = encodePacket({ type: PKT_DATA_INBAND, flags: 1, transactionId: BigInt(i), payload: encodeMessage(msgs[i % k]!) });
        const d = decodePacket(pkt);
        if (!d.ok) throw new Error(d.error);
        const m = decodeMessage(d.payload);
        if (!m.ok) throw new Error(m.error.message);
        sink ^= pkt.length;
      }
      return n;
    },
    floor: (n) => {
      for (let i = 0; i < n; i++) {
        const src = packets[i % k]!;
        const pkt = src.slice();
        const payload = pkt.slice(16);
        sink ^= pkt.length ^ payload.length;
      }
      return n;
    },
  });
}

// ---- config accesses through the host's window ----------------------------------------------

{
  const trace = new Trace(1 << 12);
  const now = 0;
  const fn = createFunction('mellanox-cx3-vf');
  const host = new VpciHost({
    profile: hostProfile('hyperv-2022')!,
    instanceGuid: '5e1e2f3a-1b2c-4d5e-8f90-0123456789ab',
    functions: [{ wslot: 0, fn, serial: 1 }],
    interrupts: new InterruptRemapper({ trace, now: () => now }),
    env: {
      now: () => now,
      send: () => true,
      outboundFree: () => 1 << 16,
      outboundCapacity: () => 1 << 16,
      channelOpen: () => true,
      setTimer: () => undefined,
      cancelTimer: () => undefined,
      trace,
      bus: 0,
      rescind: () => undefined,
    },
  });
  host.handlePacket(encodePacket({ type: PKT_DATA_INBAND, flags: 1, transactionId: 1n, payload: G.queryProtocolVersion(0x10004) }));
  host.handlePacket(encodePacket({ type: PKT_DATA_INBAND, flags: 1, transactionId: 2n, payload: G.d0Entry(0xf8000000) }));
  if (host.status.state !== 'ready' || host.status.windowBase === undefined) throw new Error(`host not in D0: ${JSON.stringify(host.status)}`);
  const first = host.mmioRead(0x1000, 4);
  if (!first.ok || first.value !== fn.cfgRead(0, 4)) throw new Error('window read does not return the function’s ID register');
  figure({
    name: 'config access through the host window (slot write + config read, VpciHost.mmioWrite/mmioRead after D0 entry)',
    floorName: 'PciFunction.cfgRead of the same registers',
    unit: 'accesses',
    kind: 'throughput',
    run: (n) => {
      const t0 = trace.length;
      host.mmioWrite(0, 4, 0); // slot register: wslot 0
      for (let i = 0; i < n; i++) sink ^= host.mmioRead(0x1000 + ((i & 0x3f) << 2), 4).value;
      trace.truncate(t0);
      return n;
    },
    floor: (n) => {
      for (let i = 0; i < n; i++) sink ^= fn.cfgRead((i & 0x3f) << 2, 4);
      return n;
    },
    budget: { text: '≥ 5 million accesses per second (the host’s share of the full path)', ok: (r) => r.perSecond >= 5e6 },
  });
}

// ---- trace events recorded -------------------------------------------------------------------

{
  const trace = new Trace(1 << 16);
  const CAP = 1 << 16;
  const time = new Float64Array(CAP);
  const kind = new Uint8Array(CAP);
  const bus = new Uint16Array(CAP);
  const a = new Uint32Array(CAP);
  const b = new Uint32Array(CAP);
  const c = new Uint32Array(CAP);
  const ref = new Int32Array(CAP);
  figure({
    name: 'trace events recorded (Trace.record, no blob)',
    floorName: 'the same seven typed-array writes',
    unit: 'events',
    kind: 'throughput',
    run: (n) => {
      for (let i = 0; i < n; i++) {
        if (trace.length === CAP) trace.truncate(0); // stay inside the grown capacity
        trace.record(i, Ev.CfgRead, 0, i, 0x40004, i ^ 0x55);
      }
      return n;
    },
    floor: (n) => {
      let j = 0;
      for (let i = 0; i < n; i++) {
        if (j === CAP) j = 0;
        time[j] = i;
        kind[j] = Ev.CfgRead;
        bus[j] = 0;
        a[j] = i >>> 0;
        b[j] = 0x40004;
        c[j] = (i ^ 0x55) >>> 0;
        ref[j] = -1;
        j++;
      }
      sink ^= j;
      return n;
    },
  });
}

export const wireBenchSink = (): number => sink;
