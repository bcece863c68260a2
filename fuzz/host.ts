// Fuzz of the host VSP's packet parser (issue 3): random and mutated
// guest→host VMBus packets, started from the valid requests the guests build
// (emulator/vpci/guest/messages.ts), fed to VpciHost for every host profile.
// After each packet the host's own state invariants must hold; nothing may
// throw. Timers the host arms are fired, eject/vanish/channel-close and config
// window accesses are mixed in, so the parser sees every state.
import { Trace } from '../emulator/runtime/trace';
import { Ev } from '../emulator/vpci/events';
import { encodePacket, PKT_DATA_INBAND, PKT_COMPLETION, PKT_DATA_USING_GPA_DIRECT } from '../emulator/vmbus/packet';
import { InterruptRemapper } from '../emulator/vpci/host/interrupts';
import { HOST_PROFILES, type HostProfile } from '../emulator/vpci/host/profiles';
import { VpciHost, type HostEnv } from '../emulator/vpci/host/vsp';
import { createFunction } from '../emulator/pci/catalog';
import type { FaultAction, HostFault } from '../emulator/vpci/host/faults';
import * as G from '../emulator/vpci/guest/messages';
import { rng, hex, type Rng, type FuzzRun, type FuzzFailure } from './rng';

const GUID = '5e1e2f3a-1b2c-4d5e-8f90-0123456789ab';
const BASE = 0x42490000;
/** Every vPCI message type number the protocol defines (protocol.md §2; pci-hyperv.c enum pci_message_type), plus two past the end. */
const TYPES_ALL = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
  0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
];
/** Without QUERY_PROTOCOL_VERSION (0x13): renegotiation after ready is fatal by design, so it is sent rarely. */
const TYPES = TYPES_ALL.filter((t) => t !== 0x13);
const anyType = (r: Rng): number => BASE + (r.chance(0.05) ? r.pick(TYPES_ALL) : r.pick(TYPES));

/** Valid guest requests for win_slot `w` (and a few for w+1, an unknown slot). */
function validRequests(r: Rng, versions: readonly number[]): Uint8Array[] {
  const w = r.chance(0.85) ? 0 : r.int(3);
  const cpus = [r.int(4)];
  return [
    G.queryProtocolVersion(r.pick(versions)),
    G.queryProtocolVersion(r.pick(versions), { reservedWord: r.int(2) }),
    G.queryBusRelations(),
    G.d0Entry(r.pick([0xf8000000, 0xfe0000000, 0, 0x1000])),
    G.d0Exit(),
    G.queryResourceRequirements(w),
    G.resourcesAssigned(w),
    G.resourcesAssigned2(w),
    G.resourcesReleased(w),
    G.createInterrupt(w, { vector: 0x30 + r.int(0xc0), deliveryMode: r.int(2), vectorCount: 1 + r.int(4), cpuMask: BigInt(1 + r.int(15)) }),
    G.createInterrupt2(w, { vector: 0x30 + r.int(0xc0), deliveryMode: 0, vectorCount: 1 + r.int(32), cpus }),
    G.createInterrupt3(w, { vector: 0x30 + r.int(0xc0), deliveryMode: 0, vectorCount: 1, cpus: [0, 1] }),
    G.deleteInterrupt(w, { vector_count: 1, data: r.int(0x100), address: 0xfee00000 }),
    G.ejectionComplete(w),
  ];
}

/** One payload: a valid request, a mutated one (bit flips, truncation, extension, type swap) or random bytes. */
function payloadFor(r: Rng, p: HostProfile): Uint8Array {
  const mode = r.int(10);
  if (mode < 3) return r.pick(validRequests(r, p.versions).slice(r.chance(0.9) ? 2 : 0));
  if (mode < 8) {
    let b = r.pick(validRequests(r, [...p.versions, 0x10000, 0x20001, r.int(0x7fffffff)]).slice(r.chance(0.9) ? 2 : 0)).slice();
    const m = r.int(5);
    if (m === 0) for (let k = 1 + r.int(3); k > 0; k--) b[r.int(b.length)]! ^= 1 << r.int(8);
    else if (m === 1) b = b.subarray(0, r.int(b.length));
    else if (m === 2) {
      const x = new Uint8Array(b.length + 1 + r.int(300));
      x.set(b);
      x.set(r.bytes(x.length - b.length), b.length);
      b = x;
    } else if (m === 3 && b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(0, anyType(r), true);
    else if (b.length >= 8) new DataView(b.buffer, b.byteOffset).setUint32(4, r.pick([0, 1, 0xff, 0xffffffff, r.int(0x100000000)]), true);
    return b;
  }
  const b = r.bytes(r.int(r.chance(0.1) ? 2000 : 200));
  if (b.length >= 4 && r.chance(0.7)) new DataView(b.buffer).setUint32(0, anyType(r), true);
  return b;
}

/** A whole VMBus packet: usually a well-formed descriptor; sometimes a broken one. */
function packetFor(r: Rng, p: HostProfile, txid: number): Uint8Array {
  const payload = payloadFor(r, p);
  const type = r.chance(0.99) ? PKT_DATA_INBAND : r.pick([PKT_COMPLETION, PKT_DATA_USING_GPA_DIRECT, 0, 0xffff]);
  const pkt = encodePacket({ type, flags: r.chance(0.8) ? 1 : r.int(4), transactionId: BigInt(txid), payload });
  const m = r.int(150);
  if (m === 0) return pkt.subarray(0, r.int(pkt.length)); // short descriptor or payload
  if (m === 1) {
    const v = new DataView(pkt.buffer, pkt.byteOffset);
    v.setUint16(r.chance(0.5) ? 2 : 4, r.int(0x10000), true); // header/total length lies
  }
  return pkt;
}

interface Rig {
  host: VpciHost;
  trace: Trace;
  timers: Map<string, number>;
  time: { now: number; free: number };
}

function rig(profile: HostProfile, r: Rng): Rig {
  const trace = new Trace(1024);
  const time = { now: 1000, free: r.chance(0.1) ? r.int(400) : 1 << 16 };
  const timers = new Map<string, number>();
  const env: HostEnv = {
    now: () => time.now,
    send: (packet) => packet.length <= time.free,
    outboundFree: () => time.free,
    outboundCapacity: () => 1 << 16,
    channelOpen: () => true,
    setTimer: (name, at) => void timers.set(name, at),
    cancelTimer: (name) => void timers.delete(name),
    trace,
    bus: 0,
    rescind: () => undefined,
  };
  const interrupts = new InterruptRemapper({ trace, now: () => time.now });
  const functions = [{ wslot: 0, fn: createFunction(r.pick(['mellanox-cx3-vf', 'intel-82599-vf', 'samsung-pm174x-nvme', 'nvidia-tu102'])), serial: 1 }];
  if (r.chance(0.3)) functions.push({ wslot: 1, fn: createFunction('intel-82599-vf'), serial: 2 });
  const host = new VpciHost({ profile, instanceGuid: GUID, functions, interrupts, env });
  return { host, trace, timers, time };
}

/** The host's "internal host error" trace events: a handler that threw and was caught is still a bug. */
function internalErrors(t: Trace, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < t.length; i++) if (t.kindAt(i) === Ev.Error && /internal/i.test(String(t.get(i).blob))) out.push(String(t.get(i).blob));
  return out;
}

/**
 * Runs `iterations` host sessions (each: one profile, up to 200 packets) from `seed`.
 * Each iteration uses its own derived seed, so a failure replays alone.
 */
export function fuzzHost(seed: number, iterations: number): FuzzRun {
  const failures: FuzzFailure[] = [];
  let packets = 0;
  let inReady = 0;
  for (let it = 0; it < iterations && !failures.length; it++) {
    const s = (seed + it * 0x9e3779b1) >>> 0;
    const r = rng(s);
    const profile = HOST_PROFILES[it % HOST_PROFILES.length]!;
    const log: string[] = [];
    const fail = (message: string) =>
      failures.push({
        target: 'host',
        seed,
        iteration: it,
        message: `${profile.name}: ${message}`,
        reproducer: `profile ${profile.name}, iteration seed ${s}\n${log.slice(-20).join('\n')}`,
      });
    let x: Rig;
    try {
      x = rig(profile, r);
    } catch (e) {
      fail(`building the host threw ${String(e)}`);
      break;
    }
    if (r.chance(0.8)) {
      // Start from a negotiated, D0 host most of the time so the per-device handlers are reached.
      x.host.handlePacket(
        encodePacket({
          type: PKT_DATA_INBAND,
          flags: 1,
          transactionId: 1n,
          payload: G.queryProtocolVersion(profile.versions[r.int(profile.versions.length)]!),
        }),
      );
      x.host.handlePacket(encodePacket({ type: PKT_DATA_INBAND, flags: 1, transactionId: 2n, payload: G.d0Entry(0xf8000000) }));
    }
    const n = 20 + r.int(180);
    let afterEnd = 3; // a failed or ejected channel only drops packets: check a few, then start a new session
    for (let i = 0; i < n; i++) {
      if (x.host.status.state === 'fatal' || x.host.status.state === 'ejected') if (afterEnd-- === 0) break;
      const tr0 = x.trace.length;
      let what: string;
      try {
        const op = r.int(40);
        if (op === 0 && x.timers.size) {
          const [name, at] = [...x.timers][r.int(x.timers.size)]!;
          x.timers.delete(name);
          x.time.now = Math.max(x.time.now, at);
          what = `timer ${name}`;
          log.push(what);
          x.host.onTimer(name);
        } else if (op === 1) {
          what = 'mmio';
          const off = r.int(0x2100);
          const size = r.pick([1, 2, 4, 8, 3]);
          if (r.chance(0.5)) {
            const v = r.int(0x100000000);
            log.push(`mmioWrite 0x${off.toString(16)} ${size} 0x${v.toString(16)}`);
            x.host.mmioWrite(off, size, v);
          } else {
            log.push(`mmioRead 0x${off.toString(16)} ${size}`);
            x.host.mmioRead(off, size);
          }
        } else if (op === 2) {
          const w = r.int(3);
          what = `eject ${w}`;
          log.push(what);
          x.host.eject(w);
        } else if (op === 4) {
          const w = r.int(3);
          what = `vanish ${w}`;
          log.push(what);
          x.host.vanish(w);
        } else if (op === 5 || op === 6) {
          // Host-side faults on the next matching request, as a scenario's `fault` line installs them.
          const action: FaultAction = r.pick<FaultAction>([
            { kind: 'status', status: r.pick([0, 0xc0000001, 0xc000000d, 0x103]) },
            { kind: 'no-reply' },
            { kind: 'delay', ns: r.int(5_000_000) },
            { kind: 'truncate', bytes: r.int(64) },
            { kind: 'flip', offset: r.int(64), xor: 1 + r.int(255) },
            { kind: 'vanish' },
          ]);
          const fault: HostFault = { message: anyType(r), action, ...(r.chance(0.7) ? { remaining: 1 + r.int(3) } : {}) };
          what = `fault ${JSON.stringify(fault)}`;
          log.push(what);
          x.host.addFault(fault);
        } else if (op === 3 && r.chance(0.3)) {
          what = 'channel closed';
          log.push(what);
          x.host.onChannelClosed();
        } else {
          const pkt = packetFor(r, profile, i + 3);
          what = `packet ${hex(pkt)}`;
          log.push(what);
          packets++;
          if (x.host.status.state === 'ready') inReady++;
          x.host.handlePacket(pkt);
          x.time.now += 1000;
        }
      } catch (e) {
        fail(`threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        break;
      }
      const bad = [...x.host.checkInvariants(), ...internalErrors(x.trace, tr0)];
      if (bad.length) {
        fail(`invariant broken after ${what}: ${bad.join('; ')}`);
        break;
      }
    }
  }
  return { iterations, units: packets, unitName: 'packets', failures, counts: { inReady } };
}
