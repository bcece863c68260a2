// The host side of one vPCI bus (the VSP): a state machine per channel, after
// openvmm vm/devices/pci/vpci/src/device.rs `VpciChannelState` (protocol.md §9.2) with
// the per-profile differences of profiles.ts. It reads one whole guest→host
// VMBus packet at a time, answers through env.send, keeps the config window
// and asks its bus's interrupt table (interrupts.ts) for MSI address/data pairs. It never
// throws on guest input: every bad packet becomes the status the profile's host
// returns (BAD_DATA when a completion was requested) or a fatal channel error,
// and an Ev.Error trace record.
import { type Trace } from '../../runtime/trace';
import { Ev } from '../events';
import {
  decodePacket,
  encodePacket,
  openvmmIncoming,
  pad8,
  PACKET_HEADER_BYTES,
  PKT_COMPLETION,
  PKT_DATA_INBAND,
  PKT_FLAG_COMPLETION_REQUESTED,
} from '../../vmbus/packet';
import type { PciFunction } from '../../pci/function';
import { faultText, type HostFault, type FaultAction } from './faults';
import type { HostProfile } from './profiles';
import { V1_2, V1_4, V1_5 } from './profiles';
import type { InterruptRemapper } from './interrupts';
import { ConfigWindow, PCI_CONFIG_MMIO_LENGTH, recordBarMapping } from './config-window';
import { barLayout, mseSet, openvmmSetBars, setMse, zeroBars, parsedBars, PCI_BAR0, type HostFunction } from './bars';
import { STATUS_BAD_DATA, STATUS_NOT_SUPPORTED, STATUS_REVISION_MISMATCH, STATUS_SUCCESS } from './status';
import { Reader, Writer, ejectMessage, readMsiDesc, readResource, statusOnly, writeResource, type MsiDesc } from './messages';
import { writeTranIntDesc } from '../wire/common';
import { encodeMessage, type FunctionDescription2 } from '../wire';
import { MSG, messageLabel } from '../protocol';
import { formatTime } from '../../format';
import { tdispCommandError } from './tdisp';

export interface HostEnv {
  now(): number;
  /**
   * Whole VMBus packet; type = vPCI message type, or for a completion the type of the request it completes; false = ring full.
   * The last `keep` bytes are left as the ring held them, and `packet` is given them.
   */
  send(packet: Uint8Array, type: number, keep?: number): boolean;
  /** Free bytes of the host-to-guest ring (its data area less what packets and footers hold). */
  outboundFree(): number;
  /** Size of the host-to-guest ring's data area. */
  outboundCapacity(): number;
  /** Whether the guest has the channel open (not offered only, closed or rescinded). */
  channelOpen(): boolean;
  setTimer(name: string, at: number): void;
  cancelTimer(name: string): void;
  trace: Trace;
  bus: number;
  rescind(): void;
}

export interface HostFunctionDecl {
  wslot: number;
  fn: PciFunction;
  serial: number;
  numaNode?: number;
}

type State = 'init' | 'ready' | 'fatal' | 'ejected';

/** OV-P MAX_SUPPORTED_INTERRUPT_MESSAGES, the msi_resource_count limit of RESOURCES_ASSIGNED. */
const MAX_MSIS = 494;
/** Room the Hyper-V profiles want before dequeuing (profiles.ts dequeueRoom 'replies' [UNCONFIRMED]): relations + a 136-byte translate reply. */
const REPLY_HEADROOM = 16 + 136 + 72;

interface Delayed {
  name: string;
  at: number;
  /** keep: trailing bytes the ring leaves as it held them (HostProfile.padding). */
  packets: { bytes: number[]; type: number; keep?: number }[];
}

/** A memory BAR of a function the host took off the bus, where it decoded when it left. */
interface LeftBar {
  bar: number;
  address: number;
  size: number;
}

interface HostSnapshot {
  state: State;
  version?: number;
  windowBase?: number;
  mapped: boolean;
  slot: number;
  vanished: number[];
  barsSet?: number[];
  removed: number[];
  unplugged: number[];
  left?: [number, LeftBar[]][];
  leftWindow?: number;
  ejecting: { wslot: number; deadline: number }[];
  faults: HostFault[];
  delayed: Delayed[];
  seq: number;
  fatal?: string;
}

/** Messages whose +4 field is a win_slot (protocol.md §2.5). */
const PER_DEVICE = new Set<number>([
  MSG.PCI_POWER_STATE_CHANGE,
  MSG.PCI_QUERY_RESOURCE_REQUIREMENTS,
  MSG.PCI_QUERY_RESOURCE_RESOURCES,
  MSG.PCI_EJECTION_COMPLETE,
  MSG.PCI_RESOURCES_ASSIGNED,
  MSG.PCI_RESOURCES_RELEASED,
  MSG.PCI_CREATE_INTERRUPT_MESSAGE,
  MSG.PCI_DELETE_INTERRUPT_MESSAGE,
  MSG.PCI_RESOURCES_ASSIGNED2,
  MSG.PCI_CREATE_INTERRUPT_MESSAGE2,
  MSG.PCI_DELETE_INTERRUPT_MESSAGE2,
  MSG.PCI_RESOURCES_ASSIGNED3,
  MSG.PCI_CREATE_INTERRUPT_MESSAGE3,
  MSG.PCI_RESET_DEVICE,
  MSG.PCI_TDISP_COMMAND,
]);

/** What `parse` read from a packet: its MSI requests (CREATE_INTERRUPT, RESOURCES_ASSIGNED) and RESOURCES_ASSIGNED's six ranges. */
interface Parsed {
  msis: MsiDesc[];
  listed: ({ start: bigint; length: bigint } | null)[];
}

class PacketError {
  constructor(
    readonly reason: string,
    readonly status = STATUS_BAD_DATA,
  ) {}
}

export class VpciHost {
  private readonly profile: HostProfile;
  private readonly env: HostEnv;
  private readonly irq: InterruptRemapper;
  private readonly instanceData1: number;
  private readonly fns = new Map<number, HostFunctionDecl>();
  private readonly masks = new Map<number, number[]>();
  private readonly window: ConfigWindow;

  private state: State = 'init';
  private version: number | undefined;
  private windowBase: number | undefined;
  private vanished = new Set<number>();
  /** Functions whose BARs a RESOURCES_ASSIGNED has set, until they are released (OV-D `bars_set`). */
  private barsSet = new Set<number>();
  private removed = new Set<number>();
  /** Functions taken away by a relations update (removeFunction): a subset of `removed`. */
  private unplugged = new Set<number>();
  /**
   * The memory BARs each function taken off the bus (an unplug, a completed eject) decoded when it
   * left: a guest tearing the function down afterwards still touches them (Machine.noteUnassigned).
   * Ours: the host forgets them (`release` zeroes the BARs); the emulator keeps them only to say so.
   */
  private left = new Map<number, LeftBar[]>();
  /**
   * Where the config window was when the host unmapped it by taking the bus's last function away
   * (dropFunction: OpenVMM's eject and unplug revoke the channel at once; an eject given up
   * without waiting): the guest's teardown that follows still reaches the function through it
   * (Machine.noteUnassigned). Ours, as `left` is. Forgotten when a D0 entry maps a window again.
   */
  private leftWindow: number | undefined;
  private ejecting = new Map<number, number>();
  private faults: HostFault[] = [];
  private delayed: Delayed[] = [];
  private seq = 0;
  private fatalReason: string | undefined;
  /** Reply modification of the fault firing for the packet being handled. */
  private replyFault: FaultAction | undefined;
  /** The payload length of the completion sent while `replyFault` was set (undefined: none was sent). */
  private replyFaultLength: number | undefined;
  private delayBuffer: Delayed['packets'] | undefined;
  private delayNs = 0;

  constructor(o: { profile: HostProfile; instanceGuid: string; functions: HostFunctionDecl[]; interrupts: InterruptRemapper; env: HostEnv }) {
    this.profile = o.profile;
    this.env = o.env;
    this.irq = o.interrupts;
    const d1 = parseInt(o.instanceGuid.replace(/^\{/, '').slice(0, 8), 16);
    this.instanceData1 = Number.isFinite(d1) ? d1 >>> 0 : 0;
    for (const f of o.functions) this.setFunction(f);
    this.window = new ConfigWindow({
      trace: this.env.trace,
      bus: this.env.bus,
      now: () => this.env.now(),
      profile: this.profile,
      lookup: (w) => this.answering(w),
      masks: (w) => this.masks.get(w) ?? [0, 0, 0, 0, 0, 0],
    });
  }

  private setFunction(f: HostFunctionDecl): void {
    this.fns.set(f.wslot >>> 0, f);
    // OV-D probes the masks once, when the device joins the bus (protocol.md §9.2 CURRENT_RESOURCE_REQUIREMENTS).
    const m = f.fn.probedBarMasks();
    this.masks.set(
      f.wslot >>> 0,
      Array.from({ length: 6 }, (_, i) => (m[i] ?? 0) >>> 0),
    );
  }

  /** Cached: the bus reads it on every guest MMIO access. */
  private statusCache: { windowBase?: number; state: string; version?: number } = { state: 'init' };

  /** The config window's slot register (a debugger writing through the window saves and restores it). */
  get slotRegister(): number {
    return this.window.slot;
  }
  set slotRegister(v: number) {
    this.window.slot = v >>> 0;
  }

  get status(): { windowBase?: number; state: string; version?: number } {
    return this.statusCache;
  }

  private refreshStatus(): void {
    const c = this.statusCache;
    if (c.state === this.state && c.windowBase === this.windowBase && c.version === this.version) return;
    this.statusCache = {
      state: this.state,
      ...(this.windowBase !== undefined ? { windowBase: this.windowBase } : {}),
      ...(this.version !== undefined ? { version: this.version } : {}),
    };
  }

  // ---- plumbing ------------------------------------------------------------------------

  private now(): number {
    return this.env.now();
  }

  private error(type: number, txid: bigint, text: string): void {
    this.env.trace.record(this.now(), Ev.Error, this.env.bus, type >>> 0, Number(txid & 0xffffffffn), 0, text);
  }

  /** A note in the trace about message `type` (ours: what the run did, not a protocol error). */
  private note(type: number, text: string): void {
    this.env.trace.record(this.now(), Ev.State, this.env.bus, type >>> 0, 0, 0, text);
  }

  /** A fault fired on `type` but could not do what it says. */
  private faultIdle(type: number, why: string): void {
    this.note(type, `fault on ${messageLabel(type)}: ${why}`);
  }

  private stateChange(what: string, from: unknown, to: unknown): void {
    this.env.trace.record(this.now(), Ev.State, this.env.bus, 0, 0, 0, { what, from, to });
  }

  /** The function that answers at wslot (present, not vanished, not removed). */
  private answering(wslot: number): HostFunction | undefined {
    if (this.vanished.has(wslot) || this.removed.has(wslot)) return undefined;
    if (this.profile.slotZeroOnly && wslot !== 0) return undefined; // openvmm bus.rs: one device per bus, at slot 0
    return this.fns.get(wslot)?.fn;
  }

  private present(): HostFunctionDecl[] {
    return [...this.fns.values()].filter((f) => !this.removed.has(f.wslot) && (!this.profile.slotZeroOnly || f.wslot === 0)).sort((a, b) => a.wslot - b.wslot);
  }

  private fatal(type: number, txid: bigint, reason: string): void {
    this.error(type, txid, `fatal channel error: ${reason}`);
    if (this.state !== 'fatal') this.stateChange('host', this.state, 'fatal');
    this.state = 'fatal';
    this.fatalReason = reason;
  }

  /**
   * Sends one packet now, or into the delay buffer when a delay fault fired. `payload` bytes of `pkt` follow
   * its descriptor; its padding is zeros, or left to the ring (HostProfile.padding).
   */
  private sendRaw(pkt: Uint8Array, type: number, payload: number): boolean {
    const keep = this.profile.padding === 'ring' ? pad8(payload) - payload : 0;
    if (this.delayBuffer) {
      this.delayBuffer.push({ bytes: [...pkt], type, keep });
      return true;
    }
    return this.env.send(pkt, type, keep);
  }

  private sendMessage(payload: Uint8Array): boolean {
    const type = payload.length >= 4 ? new Reader(payload, false).u32(0, 'type') : 0;
    const ok = this.sendRaw(encodePacket({ type: PKT_DATA_INBAND, flags: 0, transactionId: 0n, payload }), type, payload.length);
    if (!ok) this.error(type, 0n, `host-to-guest ring full: ${payload.length}-byte message not sent`);
    return ok;
  }

  /** A completion for request `type` with id txid; applies truncate/flip faults. OV: ring full on a completion is fatal. */
  private complete(type: number, txid: bigint, payload: Uint8Array): void {
    let p = payload;
    const f = this.replyFault;
    if (f) this.replyFaultLength = payload.length;
    if (f?.kind === 'truncate') p = p.slice(0, Math.max(0, f.bytes));
    else if (f?.kind === 'flip' && f.offset >= 0 && f.offset < p.length) {
      p = p.slice();
      p[f.offset] = (p[f.offset]! ^ f.xor) & 0xff;
    }
    if (!this.sendRaw(encodePacket({ type: PKT_COMPLETION, flags: 0, transactionId: txid, payload: p }), type, p.length))
      this.fatal(type, txid, 'OutOfSpace: outgoing ring full while writing a completion');
  }

  private sendRelations(): void {
    const v2 = (this.version ?? 0) >= this.profile.relations2From;
    const devices: FunctionDescription2[] = this.present().map((f) => {
      const c = (o: number, s: 1 | 2 | 4) => f.fn.cfgRead(o, s) >>> 0;
      return {
        vendorId: c(0x00, 2),
        deviceId: c(0x02, 2),
        revision: c(0x08, 1),
        progIf: c(0x09, 1),
        subclass: c(0x0a, 1),
        baseClass: c(0x0b, 1),
        subsystemId: c(0x2c, 4),
        winSlot: f.wslot,
        // OV-D reports serial = data1 of the bus instance GUID.
        serialNumber: this.profile.slotZeroOnly ? this.instanceData1 : f.serial >>> 0,
        // HV_PCI_DEVICE_FLAG_NUMA_AFFINITY = bit 0 (linux pci-hyperv.c; openvmm `numa_affinity_specified`).
        flags: f.numaNode !== undefined ? 1 : 0,
        virtualNumaNode: f.numaNode ?? 0,
      };
    });
    // The shared wire codec writes both layouts (v1: 20-byte descriptors; v2: 28 with flags and NUMA node).
    this.sendMessage(encodeMessage(v2 ? { type: 'PCI_BUS_RELATIONS2', devices } : { type: 'PCI_BUS_RELATIONS', devices }));
  }

  // ---- packets --------------------------------------------------------------------------

  canDequeue(): boolean {
    if (this.state === 'fatal') return true; // packets are drained and dropped
    if (this.profile.dequeueRoom === 'openvmm') {
      // OV-D `wait_for_completion_space`: room for a completion of the largest packet (PacketSize::completion:
      // descriptor, payload, 8-byte footer), or for the largest packet the ring holds (`capacity`, its size less 8)
      // when that is less; OV-R counts free bytes as the ring's size less what is used less 8 (`ring_free`).
      const need = Math.min(PACKET_HEADER_BYTES + pad8(this.profile.maxPacket) + 8, this.env.outboundCapacity() - 8);
      return this.env.outboundFree() - 8 >= need;
    }
    const relations = 16 + 8 + 28 * this.present().length;
    return this.env.outboundFree() >= relations + REPLY_HEADROOM;
  }

  handlePacket(pkt: Uint8Array): void {
    try {
      this.handle(pkt);
    } catch (e) {
      // Defensive: a bug here must not take the machine down.
      this.fatal(0, 0n, `internal host error: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.replyFault = undefined;
      this.replyFaultLength = undefined;
      this.delayBuffer = undefined;
      this.refreshStatus();
    }
  }

  private handle(pkt: Uint8Array): void {
    const d = decodePacket(pkt);
    if (!d.ok) return this.fatal(0, 0n, `unparsable packet: ${d.error}`);
    const type = d.payload.length >= 4 ? new Reader(d.payload, false).u32(0, 'type') : 0;
    if (this.state === 'fatal') return this.error(type, d.transactionId, `packet dropped: channel failed earlier (${this.fatalReason ?? ''})`);
    if (this.state === 'ejected') return this.error(type, d.transactionId, 'packet dropped: the bus was ejected');
    if (this.profile.vmbusReader === 'openvmm') {
      // OV-D reads through vmbus_async's queue: a corrupt ring is a queue error, a completion InvalidPacketType; both end the channel.
      const c = openvmmIncoming(pkt, d);
      if ('corrupt' in c) return this.fatal(type, d.transactionId, `Queue: ring corrupt, ${c.corrupt}`);
      if (c.kind !== 'data') return this.fatal(type, d.transactionId, `InvalidPacketType: VMBus packet type ${d.type}`);
    } else if (d.type !== PKT_DATA_INBAND) return this.fatal(type, d.transactionId, `InvalidPacketType: VMBus packet type ${d.type}`);
    const rc = (d.flags & PKT_FLAG_COMPLETION_REQUESTED) !== 0;
    const txid = d.transactionId;
    const r = new Reader(d.payload, false);
    // Read once, before anything looks at the type (OV-D `parse_packet`); its error is acted on below.
    const parsed = this.tryParse(type, r);

    if (this.state === 'init') {
      // OV-D `VpciChannelState::run` parses the packet whole before it looks at its type, and in Init any parse error
      // ends the channel with that error (profiles.ts initParseErrorsFatal); only a packet that parses and is not a
      // version query is UnexpectedPacketOrder.
      if (this.profile.initParseErrorsFatal && parsed instanceof PacketError) return this.fatal(type, txid, `${parsed.reason} before version negotiation`);
      if (r.length < 4 || type !== MSG.PCI_QUERY_PROTOCOL_VERSION)
        return this.fatal(type, txid, `UnexpectedPacketOrder: 0x${type.toString(16)} before version negotiation`);
    } else if (type === MSG.PCI_QUERY_PROTOCOL_VERSION && !(parsed instanceof PacketError)) {
      // OV-D `handle_packet` fails the channel for a version query it could parse; one it could not (`parse_packet`)
      // is answered BAD_DATA like any other packet in Ready.
      return this.fatal(type, txid, 'UnexpectedPacketOrder: QUERY_PROTOCOL_VERSION after negotiation');
    }

    // Faults apply to the next matching guest messages.
    const fi = this.faults.findIndex((f) => f.message >>> 0 === type && (f.remaining === undefined || f.remaining > 0));
    if (fi >= 0) {
      const f = this.faults[fi]!;
      if (f.remaining !== undefined) f.remaining--;
      if (f.remaining === 0) this.faults.splice(fi, 1);
      this.env.trace.record(this.now(), Ev.Fault, this.env.bus, type, Number(txid & 0xffffffffn), 0, faultText(type, f.action));
      const a = f.action;
      if (a.kind === 'no-reply') return;
      if (a.kind === 'status') {
        if (rc) this.complete(type, txid, statusOnly(a.status));
        else this.faultIdle(type, 'the guest requested no completion, so no status is sent: the message is only dropped');
        return;
      }
      if (a.kind === 'vanish') {
        // Per-device messages name the function at +4; for bus messages every function goes.
        if (PER_DEVICE.has(type) && r.length >= 8) this.vanish(r.u32(4, 'slot'));
        else for (const w of this.fns.keys()) this.vanish(w);
      }
      if (a.kind === 'delay') {
        this.delayBuffer = [];
        this.delayNs = Math.max(0, a.ns);
      }
      if (a.kind === 'truncate' || a.kind === 'flip') this.replyFault = a;
    }

    try {
      if (parsed instanceof PacketError) throw parsed;
      this.dispatch(type, r, rc, txid, parsed);
    } catch (e) {
      if (!(e instanceof PacketError)) throw e;
      this.error(type, txid, e.reason);
      if (rc) this.complete(type, txid, statusOnly(e.status));
    }

    const rf = this.replyFault;
    if (rf?.kind === 'truncate' || rf?.kind === 'flip') {
      const n = this.replyFaultLength;
      if (n === undefined)
        this.faultIdle(
          type,
          `${rc ? 'the host sent' : 'the guest requested'} no completion, so there was none to ${rf.kind === 'truncate' ? 'cut' : 'corrupt'}: the fault had no effect`,
        );
      else if (rf.kind === 'truncate' && rf.bytes >= n)
        this.faultIdle(type, `its completion has only ${n} payload bytes, not more than ${rf.bytes}: the fault had no effect`);
      else if (rf.kind === 'flip' && rf.offset >= n)
        this.faultIdle(type, `its completion has ${n} payload bytes, none at +${rf.offset}: the fault had no effect`);
    }
    const buf = this.delayBuffer;
    if (buf && buf.length === 0 && this.replyFault === undefined)
      this.faultIdle(type, 'nothing was sent in reply, so there was nothing to delay: the fault had no effect');
    if (buf && this.replyFault === undefined) {
      const ns = this.delayNs;
      this.delayBuffer = undefined;
      if (buf.length) {
        const name = `delay:${++this.seq}`;
        const at = this.now() + ns;
        this.delayed.push({ name, at, packets: buf });
        this.env.setTimer(name, at);
      }
    }
  }

  /** What `parse` read from a packet, or why it could not. */
  private tryParse(type: number, r: Reader): Parsed | PacketError {
    try {
      return this.parse(type, r);
    } catch (e) {
      if (e instanceof PacketError) return e;
      throw e;
    }
  }

  /**
   * Reads a packet as OV-D `parse_packet` does (microsoft/openvmm vm/devices/pci/vpci/src/device.rs @1488a37b),
   * in its order: the size, the type, the type's fixed part, then its contents (RESOURCES_ASSIGNED: the MSI count,
   * the six ranges, the MSI array, each MSI). OV-D makes all of these before `handle_packet` looks at the slot, so a
   * packet with a bad slot and bad contents is refused for its contents. The Hyper-V profiles follow the same order
   * and refuse here, as unknown, a type newer than the negotiated version (both [UNCONFIRMED]).
   */
  private parse(type: number, r: Reader): Parsed {
    if (r.length > this.profile.maxPacket) throw new PacketError(`PacketTooLarge: ${r.length} > ${this.profile.maxPacket}`);
    if (r.length < 4) throw new PacketError('PacketTooSmall("header")');
    const parsed: Parsed = { msis: [], listed: [] };
    // The fixed part's name is OV-D's for the message.
    const need = (n: number, what: string) => {
      if (r.length < n) throw new PacketError(`PacketTooSmall("${what}"): ${r.length} < ${n} bytes`);
    };
    const gate = (min: number) => {
      if (this.profile.gateByVersion && (this.version ?? 0) < min)
        throw new PacketError(`UnknownType: 0x${type.toString(16)} needs protocol 0x${min.toString(16)}`);
    };
    const msi = (o: number, ver: 1 | 2 | 3) => {
      const m = readMsiDesc(r, o, ver);
      this.checkMsi(m, ver);
      parsed.msis.push(m);
    };
    switch (type) {
      case MSG.PCI_QUERY_PROTOCOL_VERSION:
        need(8, 'query_version');
        break;
      case MSG.PCI_BUS_D0EXIT:
      case MSG.PCI_QUERY_BUS_RELATIONS:
        break;
      case MSG.PCI_BUS_D0ENTRY:
        need(16, 'power_on');
        break;
      case MSG.PCI_EJECTION_COMPLETE:
        if (!this.profile.acceptsEjectionComplete) throw new PacketError('UnknownType: EJECTION_COMPLETE');
        need(8, 'eject_response');
        break;
      case MSG.PCI_RESET_DEVICE:
        // A 1.5 message: OV-P `ProtocolVersion::GE` "(adds device reset)" (vpci_protocol/src/lib.rs @1488a37b).
        gate(V1_5);
        need(8, 'reset_device');
        break;
      case MSG.PCI_QUERY_RESOURCE_REQUIREMENTS:
        need(8, 'query_req');
        break;
      case MSG.PCI_QUERY_RESOURCE_RESOURCES:
        need(32, 'get_resources');
        break;
      case MSG.PCI_RESOURCES_RELEASED:
        need(8, 'release');
        break;
      case MSG.PCI_POWER_STATE_CHANGE:
        need(12, 'device_power_state');
        break;
      case MSG.PCI_DELETE_INTERRUPT_MESSAGE:
      case MSG.PCI_DELETE_INTERRUPT_MESSAGE2:
        if (type === MSG.PCI_DELETE_INTERRUPT_MESSAGE2) gate(V1_2);
        need(24, 'delete_interrupt');
        break;
      case MSG.PCI_CREATE_INTERRUPT_MESSAGE:
        need(24, 'interrupt');
        msi(8, 1);
        break;
      // OV-P's repr(C) sizes (vpci_protocol/src/lib.rs @1488a37b): CreateInterrupt2 is 8 + 72 (MsiResourceDescriptor2
      // ends in a reserved u16), CreateInterrupt3 8 + 76 (MsiResourceDescriptor3: reserved2 u16, padded to its u32's
      // alignment), not Linux's packed 78 and 82; the guests' packets, padded to 8, are 80 and 88.
      case MSG.PCI_CREATE_INTERRUPT_MESSAGE2:
        gate(V1_2);
        need(80, 'interrupt2');
        msi(8, 2);
        break;
      case MSG.PCI_CREATE_INTERRUPT_MESSAGE3:
        gate(V1_4);
        need(84, 'interrupt3');
        msi(8, 3);
        break;
      case MSG.PCI_RESOURCES_ASSIGNED:
      case MSG.PCI_RESOURCES_ASSIGNED2:
      case MSG.PCI_RESOURCES_ASSIGNED3: {
        const ver = type === MSG.PCI_RESOURCES_ASSIGNED ? 1 : type === MSG.PCI_RESOURCES_ASSIGNED2 ? 2 : 3;
        if (ver > 1) gate(ver === 2 ? V1_2 : V1_4);
        need(136, 'translate');
        const count = r.u32(128, 'msi_resource_count');
        if (count > MAX_MSIS) throw new PacketError(`TooManyMsis: msi_resource_count ${count} > ${MAX_MSIS}`);
        for (let i = 0; i < 6; i++) {
          const rr = readResource(r, 8 + 20 * i);
          if (rr !== null && 'error' in rr) throw new PacketError(rr.error);
          parsed.listed.push(rr);
        }
        // MSI slots: v1 16 bytes, v2 72, v3 80 (OV-P MsiResource / MsiResource2 / MsiResource3).
        const slotSize = ver === 1 ? 16 : ver === 2 ? 72 : 80;
        if (r.length < 136 + count * slotSize)
          throw new PacketError(`PacketTooSmall("msi${ver === 1 ? '' : ver}"): ${count} descriptors need ${136 + count * slotSize} bytes, have ${r.length}`);
        for (let i = 0; i < count; i++) msi(136 + i * slotSize, ver);
        break;
      }
      case MSG.PCI_TDISP_COMMAND: {
        if (!this.profile.tdispCommand) throw new PacketError(`UnknownType: 0x${type.toString(16)}`);
        // OV-P VpciTdispCommandHeader (type, slot, data_length u64) and the data.
        need(16, 'tdisp_command_header');
        const len = r.u64(8, 'data_length');
        const max = this.profile.maxPacket - 16; // OV-P MAX_VPCI_TDISP_COMMAND_SIZE
        if (len > BigInt(max)) throw new PacketError(`PacketTooLarge: TDISP data_length ${len} > ${max}`);
        if (16n + len > BigInt(r.length)) throw new PacketError(`PacketTooSmall("tdisp_command_data"): data_length ${len}, ${r.length - 16} bytes follow`);
        break;
      }
      default:
        throw new PacketError(`UnknownType: 0x${type.toString(16)}`);
    }
    return parsed;
  }

  /** A packet `parse` has read: OV-D `handle_packet` (the slot, then what the message does). */
  private dispatch(type: number, r: Reader, rc: boolean, txid: bigint, parsed: Parsed): void {
    switch (type) {
      case MSG.PCI_QUERY_PROTOCOL_VERSION:
        return this.negotiate(r, rc, txid);
      case MSG.PCI_QUERY_BUS_RELATIONS:
        if (rc) this.complete(type, txid, this.profile.emptyRelationsCompletion ? new Uint8Array(0) : statusOnly(STATUS_SUCCESS));
        this.sendRelations();
        return;
      case MSG.PCI_BUS_D0ENTRY: {
        const base = Number(r.u64(8, 'mmio_start') & ~BigInt(this.profile.vtomBit));
        const from = this.windowBase;
        this.windowBase = base;
        this.window.mapped = true;
        this.leftWindow = undefined;
        this.stateChange('config window', from ?? null, base);
        // Relations first, then the D0 completion (openvmm commit 146df4394 "vpci: send completion after device").
        this.sendRelations();
        if (rc) this.complete(type, txid, statusOnly(STATUS_SUCCESS));
        return;
      }
      case MSG.PCI_BUS_D0EXIT:
        this.unmapWindow();
        if (rc) this.complete(type, txid, statusOnly(STATUS_SUCCESS));
        return;
      case MSG.PCI_EJECTION_COMPLETE:
        return this.ejectionComplete(r.u32(4, 'slot'));
      case MSG.PCI_RESET_DEVICE:
        this.slot(r, type);
        if (rc) this.complete(type, txid, statusOnly(STATUS_NOT_SUPPORTED));
        return;
      case MSG.PCI_TDISP_COMMAND: {
        // OV-D: the slot, then deserialize_command (tdisp.ts); no device here offers TDISP, so a command that decodes
        // is NOT_SUPPORTED.
        this.slot(r, type);
        const bad = tdispCommandError(r.b.subarray(16, 16 + Number(r.u64(8, 'data_length'))));
        if (bad !== undefined) throw new PacketError(bad);
        this.stateChange('TDISP command', null, 'NOT_SUPPORTED: the device has no TDISP');
        if (rc) this.complete(type, txid, statusOnly(STATUS_NOT_SUPPORTED));
        return;
      }
      case MSG.PCI_QUERY_RESOURCE_REQUIREMENTS: {
        const w = this.slot(r, type);
        const out = new Writer(28).u32(0, STATUS_SUCCESS);
        (this.masks.get(w) ?? []).forEach((m, i) => out.u32(4 + 4 * i, m));
        if (rc) this.complete(type, txid, out.b);
        return;
      }
      case MSG.PCI_QUERY_RESOURCE_RESOURCES: {
        const w = this.slot(r, type);
        if (rc) this.complete(type, txid, this.resourceList(w));
        return;
      }
      case MSG.PCI_RESOURCES_ASSIGNED:
      case MSG.PCI_RESOURCES_ASSIGNED2:
      case MSG.PCI_RESOURCES_ASSIGNED3:
        return this.resourcesAssigned(type, r, rc, txid, parsed);
      case MSG.PCI_RESOURCES_RELEASED: {
        const w = this.slot(r, type);
        this.release(w);
        if (rc) this.complete(type, txid, statusOnly(STATUS_SUCCESS));
        return;
      }
      case MSG.PCI_CREATE_INTERRUPT_MESSAGE:
      case MSG.PCI_CREATE_INTERRUPT_MESSAGE2:
      case MSG.PCI_CREATE_INTERRUPT_MESSAGE3:
        return this.createInterrupt(type, r, rc, txid, parsed.msis[0]!);
      case MSG.PCI_DELETE_INTERRUPT_MESSAGE:
      case MSG.PCI_DELETE_INTERRUPT_MESSAGE2: {
        if (this.unplugged.has(r.u32(4, 'slot'))) {
          // The guest tidies up after a function the host took away (FreeBSD hv_pci_delete_device sends one per
          // saved mapping); its interrupts were released with it, so there is nothing left to delete.
          this.stateChange('stale DELETE_INTERRUPT', r.u32(4, 'slot'), 'function already removed');
          if (rc) this.complete(type, txid, statusOnly(STATUS_SUCCESS));
          return;
        }
        const w = this.slot(r, type);
        const data = r.u32(12, 'data_payload');
        const address = r.u64(16, 'address'); // named in full: a Number would round an address above 2^53
        if (!this.irq.unmap(this.env.bus, w, Number(address), data))
          throw new PacketError(`UnknownInterrupt: address 0x${address.toString(16)} data 0x${data.toString(16)}`);
        if (rc) this.complete(type, txid, statusOnly(STATUS_SUCCESS));
        return;
      }
      case MSG.PCI_POWER_STATE_CHANGE: {
        const w = this.slot(r, type);
        const st = r.u32(8, 'target_state');
        const fn = this.fns.get(w)!.fn;
        // Windows DEVICE_POWER_STATE: D0 = 1, D3 = 4 (linux pci-hyperv.c `pci_set_power`); OV-D toggles MSE.
        // Another state is answered BAD_DATA as the request's result, not as a failed request: OV-D
        // `handle_packet`, DevicePowerChange, sets the status and returns Ok, so no "request failed" warning
        // is logged (microsoft/openvmm vm/devices/pci/vpci/src/device.rs @1488a37b). A note, not an error, here;
        // the Hyper-V profiles do the same [UNCONFIRMED].
        if (st !== 1 && st !== 4) {
          this.note(type, `power state ${st} is neither D0 (1) nor D3 (4): answered BAD_DATA`);
          if (rc) this.complete(type, txid, statusOnly(STATUS_BAD_DATA));
          return;
        }
        this.setMemoryEnable(w, fn, st === 1);
        if (rc) this.complete(type, txid, statusOnly(STATUS_SUCCESS));
        return;
      }
      default:
        throw new PacketError(`UnknownType: 0x${type.toString(16)}`);
    }
  }

  private negotiate(r: Reader, rc: boolean, txid: bigint): void {
    const want = r.u32(4, 'protocol_version');
    const accepted = this.profile.versions.includes(want);
    const highest = Math.max(...this.profile.versions);
    const field = this.profile.replyVersion === 'echo' ? (accepted ? want : highest) : this.profile.replyVersion;
    if (accepted) {
      this.version = want;
      this.state = 'ready';
      this.stateChange('host', 'init', { state: 'ready', version: want });
    } else {
      // A refused version is the negotiation working as designed (the guest tries the next one), not an error.
      this.stateChange('version refused', want, 'REVISION_MISMATCH');
    }
    if (rc) this.complete(MSG.PCI_QUERY_PROTOCOL_VERSION, txid, new Writer(8).u32(0, accepted ? STATUS_SUCCESS : STATUS_REVISION_MISMATCH).u32(4, field).b);
  }

  /**
   * win_slot of a per-device message, validated (OV-D InvalidSlot). `parse` has already required the type's fixed
   * part, at least 8 bytes for every message that names a slot, so the slot is always there (OV-D has no
   * separate size check here either).
   */
  private slot(r: Reader, type: number): number {
    const w = r.u32(4, 'slot');
    if (this.profile.slotZeroOnly && w !== 0) throw new PacketError(`InvalidSlot: win_slot 0x${w.toString(16)}`);
    if (!this.fns.has(w) || this.removed.has(w)) throw new PacketError(`InvalidSlot: no function at win_slot 0x${w.toString(16)} (0x${type.toString(16)})`);
    return w;
  }

  private setMemoryEnable(wslot: number, fn: HostFunction, on: boolean): void {
    const before = mseSet(fn);
    setMse(fn, on);
    if (mseSet(fn) !== before) recordBarMapping(this.env.trace, this.now(), this.env.bus, wslot, fn, this.masks.get(wslot)!, !before);
  }

  /** Keeps where the memory BARs of a function leaving the bus decoded (`left`). */
  private keepLeft(wslot: number): void {
    const f = this.fns.get(wslot);
    if (!f || this.vanished.has(wslot) || !mseSet(f.fn)) return;
    const bars = parsedBars(f.fn, this.masks.get(wslot) ?? []).filter((b) => b.address !== 0n);
    this.left.set(
      wslot,
      bars.map((b) => ({ bar: b.index, address: Number(b.address), size: Number(b.len) })),
    );
  }

  /** The BAR of a function taken off the bus that `[addr, addr+size)` falls in, as it decoded when it left. */
  leftBarAt(addr: number, size: number): { wslot: number; bar: number } | undefined {
    for (const [wslot, bars] of this.left) {
      if (!this.removed.has(wslot)) continue;
      const b = bars.find((x) => addr >= x.address && addr + size <= x.address + x.size);
      if (b) return { wslot, bar: b.bar };
    }
    return undefined;
  }

  /** Whether `[addr, addr+size)` falls in the config window the host unmapped when it took the bus's last function away (`leftWindow`). */
  inLeftWindow(addr: number, size: number): boolean {
    const b = this.leftWindow;
    return b !== undefined && addr >= b && addr + size <= b + PCI_CONFIG_MMIO_LENGTH;
  }

  /** OV-D `release_all` for one function: clear MSE, drop its interrupts, zero its BARs. */
  private release(wslot: number): void {
    const f = this.fns.get(wslot);
    if (!f) return;
    if (!this.vanished.has(wslot)) {
      this.setMemoryEnable(wslot, f.fn, false);
      zeroBars(f.fn);
    }
    this.barsSet.delete(wslot);
    this.irq.unmapAll(this.env.bus, wslot);
  }

  private resourceList(wslot: number): Uint8Array {
    // OV GET_RESOURCES reply: version u16 = 1, revision u16 = 1, count u32 = 6, 6 descriptors; all six zero
    // until a RESOURCES_ASSIGNED has set the BARs (OV-D `bars`: "the default BAR state … would look like
    // everything is mapped at 0"), then every BAR with its address, 0 included.
    const w = new Writer(128).u16(0, 1).u16(2, 1).u32(4, 6);
    const f = this.fns.get(wslot)!;
    if (this.barsSet.has(wslot)) for (const b of parsedBars(f.fn, this.masks.get(wslot)!)) writeResource(w, 8 + 20 * b.index, b.address, b.len);
    return w.b;
  }

  private resourcesAssigned(type: number, r: Reader, rc: boolean, txid: bigint, { listed, msis }: Parsed): void {
    const wslot = this.slot(r, type);
    const count = r.u32(128, 'msi_resource_count');
    const ver = type === MSG.PCI_RESOURCES_ASSIGNED ? 1 : 2;
    const f = this.fns.get(wslot)!;
    const masks = this.masks.get(wslot)!;
    const ranges = listed.flatMap((g, index) => (g ? [{ index, start: g.start, length: g.length }] : []));
    let regs: number[];
    if (this.profile.barCheck === 'openvmm') {
      // OV-D checks the ranges in `set_bars` (bars.ts openvmmSetBars), after parse_packet has checked the MSIs.
      const set = openvmmSetBars(masks, listed);
      if ('panic' in set) return this.fatal(type, txid, `OpenVMM panics: ${set.panic}`);
      if ('error' in set) throw new PacketError(set.error);
      regs = set.regs;
    } else {
      // Every range against the memory BARs of the probed masks (bars.ts barLayout), before touching the BARs [UNCONFIRMED].
      const layout = barLayout(masks);
      regs = [0, 0, 0, 0, 0, 0];
      for (const g of ranges) {
        const i = g.index;
        const bar = layout.find((b) => b.index === i);
        if (!bar) {
          if (layout.some((b) => b.is64 && b.index + 1 === i))
            throw new PacketError(`InvalidBars::ResourceHigh64: descriptor ${i} is the high half of a 64-bit BAR`);
          throw new PacketError(`InvalidBars: no memory BAR ${i}`);
        }
        if ((g.start & ~(bar.mask & ~0xfn) & 0xffffffffffffffffn) !== 0n)
          throw new PacketError(`InvalidBars::Unaligned: BAR ${i} at 0x${g.start.toString(16)}`);
        if (g.length > bar.size) throw new PacketError(`InvalidBars::TooLarge: BAR ${i} length 0x${g.length.toString(16)} > 0x${bar.size.toString(16)}`);
        regs[i] = Number(g.start & 0xffffffffn);
        if (bar.is64) regs[i + 1] = Number((g.start >> 32n) & 0xffffffffn);
      }
    }
    // OV-D `set_bars` writes all six registers: a BAR the request does not list is zeroed.
    if (!this.vanished.has(wslot)) regs.forEach((v, i) => f.fn.cfgWrite(PCI_BAR0 + 4 * i, 4, v));
    this.barsSet.add(wslot);
    const mapped: { vectorCount: number; address: number; data: number }[] = [];
    // OV-D map_interrupts: the device's mappings and this request's (vector count 0 aside) against its limit, before any is made.
    const over = this.irq.tooMany(this.env.bus, msis.filter((m) => m.vectorCount !== 0).length);
    if (over) throw new PacketError(over);
    for (const m of msis) {
      if (m.vectorCount === 0) continue; // counted but omitted from the reply (protocol.md §9.3 QUIRK)
      const res = this.irq.map({ bus: this.env.bus, wslot, vector: m.vector, deliveryMode: m.deliveryMode, cpus: m.cpus, vectorCount: m.vectorCount });
      if (!res.ok) throw new PacketError(res.reason, res.status);
      mapped.push({ vectorCount: m.vectorCount, address: res.address, data: res.data });
    }
    // Reply (OV DeviceTranslateReply): status, wslot, 6 translated descriptors, msi count, reserved, remapped MSIs
    // (16-byte slots for type 0x10; 72-byte slots for 0x16 and 0x1A, protocol.md §9.2).
    const outSlot = ver === 1 ? 16 : 72;
    const w = new Writer(136 + mapped.length * outSlot).u32(0, STATUS_SUCCESS).u32(4, wslot);
    // The ranges as read, written again (OV-D `to_protocol`): share disposition, flags and padding 0, the
    // smallest type that holds the length; a range of another type or of length 0 is all zeros.
    for (const g of ranges) writeResource(w, 8 + 20 * g.index, g.start, g.length);
    w.u32(128, count);
    mapped.forEach((m, i) => writeTranIntDesc(w, 136 + i * outSlot, { vectorCount: m.vectorCount, data: m.data, address: BigInt(m.address) }));
    if (rc) this.complete(type, txid, w.b);
  }

  private checkMsi(m: MsiDesc, ver: 1 | 2 | 3): void {
    if (m.vectorCount > 32) throw new PacketError(`InvalidInterrupt: vector_count ${m.vectorCount} > 32`);
    if (m.cpuCount > 32) {
      // Linux at 1.1 sends an all-ones dummy mask (pci-hyperv.c hv_compose_msi_req_v1): only OpenVMM refuses it.
      if (ver !== 1 || this.profile.slotZeroOnly) throw new PacketError(`InvalidInterrupt: ${m.cpuCount} target CPUs > 32`);
      m.cpus = m.cpus.slice(0, 32);
    }
    if (m.deliveryMode !== 0 && m.deliveryMode !== 1) throw new PacketError(`InvalidInterruptType: delivery mode ${m.deliveryMode}`);
  }

  private createInterrupt(type: number, r: Reader, rc: boolean, txid: bigint, m: MsiDesc): void {
    const wslot = this.slot(r, type);
    const out = new Writer(24).u32(0, STATUS_SUCCESS);
    if (m.vectorCount !== 0) {
      const res = this.irq.map({ bus: this.env.bus, wslot, vector: m.vector, deliveryMode: m.deliveryMode, cpus: m.cpus, vectorCount: m.vectorCount });
      if (!res.ok) throw new PacketError(res.reason, res.status);
      writeTranIntDesc(out, 8, { vectorCount: m.vectorCount, data: res.data, address: BigInt(res.address) });
    }
    if (rc) this.complete(type, txid, out.b);
  }

  private unmapWindow(): void {
    if (this.window.mapped || this.windowBase !== undefined) this.stateChange('config window', this.windowBase ?? null, null);
    this.window.mapped = false;
    this.windowBase = undefined;
  }

  // ---- host-initiated ---------------------------------------------------------------------

  eject(wslot: number): void {
    this.ejectInner(wslot);
    this.refreshStatus();
  }

  private ejectInner(wslot: number): void {
    if (!this.fns.has(wslot) && this.neverAdded(wslot)) return;
    if (!this.fns.has(wslot) || this.removed.has(wslot)) return this.error(MSG.PCI_EJECT, 0n, `eject: no function at win_slot 0x${wslot.toString(16)}`);
    if (!this.profile.supportsEject) {
      // OpenVMM hot-removes by revoking the channel (openvmm vm/devices/pci/vpci/src/bus_control.rs `revoke_device`).
      this.stateChange('eject', wslot, 'revoke channel');
      this.dropFunction(wslot);
      this.env.rescind();
      return;
    }
    // Only a guest that has the channel open reads an EJECT, and only a channel that has not failed carries one;
    // otherwise nothing is written and the device is given up at once, as after the 60 s timeout [UNCONFIRMED].
    // A guest still negotiating does read it: both drivers' channel callbacks take PCI_EJECT in any state (an
    // eject racing the attach, which finds no child yet and is never answered).
    const why = !this.env.channelOpen() ? 'the channel is not open' : this.state === 'fatal' ? `the channel failed (${this.fatalReason ?? ''})` : undefined;
    if (why !== undefined) {
      this.stateChange('eject', wslot, `not sent: ${why}; removed without waiting`);
      this.dropFunction(wslot);
      this.env.rescind();
      return;
    }
    this.sendMessage(ejectMessage(wslot));
    const deadline = this.now() + this.profile.ejectTimeoutNs;
    this.ejecting.set(wslot, deadline);
    this.env.setTimer(`eject:${wslot}`, deadline);
    this.stateChange('eject', wslot, 'sent');
  }

  private ejectionComplete(wslot: number): void {
    if (!this.ejecting.has(wslot)) {
      this.error(MSG.PCI_EJECTION_COMPLETE, 0n, `EJECTION_COMPLETE for win_slot 0x${wslot.toString(16)} that was not ejected`);
      return;
    }
    this.ejecting.delete(wslot);
    this.env.cancelTimer(`eject:${wslot}`);
    this.stateChange('eject', wslot, 'complete');
    this.dropFunction(wslot);
    this.env.rescind();
  }

  private dropFunction(wslot: number): void {
    // An eject still waiting for the guest ends with the function (a second eject on a channel that failed meanwhile).
    if (this.ejecting.delete(wslot)) this.env.cancelTimer(`eject:${wslot}`);
    this.keepLeft(wslot);
    this.release(wslot);
    this.removed.add(wslot);
    if (this.present().length === 0) {
      this.state = 'ejected';
      this.leftWindow = this.windowBase;
      this.unmapWindow();
    }
  }

  /**
   * A function joins the bus (protocol.md §7.1 (c)): once the bus is past version negotiation
   * the host sends a new BUS_RELATIONS(2) listing the complete current set; before that
   * only the set changes (the guest's QUERY_BUS_RELATIONS / D0 entry will report it).
   * False (and an error record) when the slot is taken.
   */
  addFunction(f: HostFunctionDecl): boolean {
    const w = f.wslot >>> 0;
    if (this.fns.has(w) && !this.removed.has(w)) {
      this.error(MSG.PCI_BUS_RELATIONS, 0n, `add function: win_slot 0x${w.toString(16)} is already present`);
      return false;
    }
    if (!this.profile.relationsUpdates) {
      // One device per channel, fixed when it is offered (profiles.ts relationsUpdates): nothing joins a live bus.
      this.stateChange('function', w, `not added: host ${this.profile.name} serves one device per channel, fixed when it is offered`);
      return false;
    }
    this.setFunction({ ...f, wslot: w });
    this.removed.delete(w);
    this.unplugged.delete(w);
    this.vanished.delete(w);
    this.barsSet.delete(w);
    this.left.delete(w);
    this.stateChange('function', w, 'added');
    this.relationsUpdate();
    this.refreshStatus();
    return true;
  }

  /**
   * On a host that takes no plug (relationsUpdates false), a function a scenario plugged was never
   * added (addFunction): an event naming it reaches nothing, and the trace says so (the checker warns,
   * plug-unsupported). False elsewhere: there a missing function is an error.
   */
  private neverAdded(w: number): boolean {
    if (this.profile.relationsUpdates) return false;
    this.stateChange('function', w, `nothing to do: host ${this.profile.name} never added a function here`);
    return true;
  }

  /**
   * A function leaves the bus without an eject (protocol.md §7.1 (c)): it stops answering config
   * and per-device messages at once (its BARs and interrupts are released, as OV-D
   * `release_all`), and the host reports the remaining set in a new BUS_RELATIONS(2).
   */
  removeFunction(wslot: number): boolean {
    const w = wslot >>> 0;
    if (!this.fns.has(w) && this.neverAdded(w)) return false;
    if (!this.fns.has(w) || this.removed.has(w)) {
      this.error(MSG.PCI_BUS_RELATIONS, 0n, `remove function: no function at win_slot 0x${w.toString(16)}`);
      return false;
    }
    if (!this.profile.relationsUpdates) {
      // A device leaves an OpenVMM bus by its channel being revoked (profiles.ts relationsUpdates), as an eject does there.
      this.stateChange('function', w, 'removed: revoke channel');
      this.dropFunction(w);
      this.env.rescind();
      this.refreshStatus();
      return true;
    }
    if (this.ejecting.has(w)) {
      this.ejecting.delete(w);
      this.env.cancelTimer(`eject:${w}`);
    }
    this.keepLeft(w);
    this.release(w);
    this.removed.add(w);
    this.unplugged.add(w);
    this.stateChange('function', w, 'removed');
    this.relationsUpdate();
    this.refreshStatus();
    return true;
  }

  /** The eject of `wslot` waiting for the guest's PCI_EJECTION_COMPLETE (when PCI_EJECT was sent, when the host gives up), or undefined. */
  ejectPending(wslot: number): { sent: number; deadline: number } | undefined {
    const deadline = this.ejecting.get(wslot >>> 0);
    return deadline === undefined ? undefined : { sent: deadline - this.profile.ejectTimeoutNs, deadline };
  }

  /** Whether wslot is a function currently on the bus (added and not removed). */
  hasFunction(wslot: number): boolean {
    return this.fns.has(wslot >>> 0) && !this.removed.has(wslot >>> 0);
  }

  /** Replaces the function objects (a bus restoring a snapshot whose set differs); state comes from restore(). */
  setFunctions(list: HostFunctionDecl[]): void {
    this.fns.clear();
    this.masks.clear();
    for (const f of list) this.setFunction(f);
  }

  private relationsUpdate(): void {
    // Only a negotiated channel the guest has open can carry the message; otherwise the next QUERY_BUS_RELATIONS reports the set.
    if (this.state === 'ready' && this.version !== undefined && this.env.channelOpen()) this.sendRelations();
  }

  onTimer(name: string): void {
    this.onTimerInner(name);
    this.refreshStatus();
  }

  private onTimerInner(name: string): void {
    if (name.startsWith('eject:')) {
      const wslot = Number(name.slice(6));
      if (!this.ejecting.has(wslot)) return;
      this.ejecting.delete(wslot);
      this.error(MSG.PCI_EJECT, 0n, `eject of win_slot 0x${wslot.toString(16)} timed out after ${formatTime(this.profile.ejectTimeoutNs)}: rescinding`);
      this.dropFunction(wslot);
      this.env.rescind();
      return;
    }
    const i = this.delayed.findIndex((d) => d.name === name);
    if (i < 0) return;
    const d = this.delayed.splice(i, 1)[0]!;
    if (!this.env.channelOpen()) {
      // The channel was closed or rescinded while the reply waited (the delay fault is ours): there is no ring to
      // send it on, and no one to read it. That is the run's course, not a protocol error, so a note, not an error.
      for (const p of d.packets)
        this.note(
          p.type,
          `delayed ${messageLabel(p.type)}${p.bytes[0] === PKT_COMPLETION ? ' completion' : ''} not sent: the channel was closed or rescinded meanwhile`,
        );
      return;
    }
    for (const p of d.packets) if (!this.env.send(Uint8Array.from(p.bytes), p.type, p.keep)) this.error(p.type, 0n, 'delayed reply dropped: ring full');
  }

  vanish(wslot: number): void {
    if (!this.fns.has(wslot) || this.vanished.has(wslot)) return;
    this.vanished.add(wslot);
    this.stateChange('function', wslot, 'vanished');
  }

  isVanished(wslot: number): boolean {
    return this.vanished.has(wslot);
  }

  addFault(f: HostFault): void {
    this.faults.push({ ...f, action: { ...f.action } });
  }

  onChannelClosed(): void {
    // OV-D `VpciChannel::close`: release_all and unmap the window (openvmm commit 2818bb12e).
    for (const w of this.fns.keys()) if (!this.removed.has(w)) this.release(w);
    this.unmapWindow();
    for (const w of this.ejecting.keys()) this.env.cancelTimer(`eject:${w}`);
    this.ejecting.clear();
    if (this.state === 'ready' || this.state === 'fatal') {
      this.stateChange('host', this.state, 'init');
      this.state = 'init';
      this.version = undefined;
      this.fatalReason = undefined;
    }
    this.refreshStatus();
  }

  // ---- config window -----------------------------------------------------------------------

  mmioRead(offset: number, size: number): { ok: boolean; value: number } {
    const r = this.window.read(offset, size);
    return { ok: r.ok, value: r.value };
  }

  mmioWrite(offset: number, size: number, value: number): void {
    this.window.write(offset, size, value);
  }

  /** State invariants (for fuzzing and tests): empty when the host's state is consistent. */
  checkInvariants(): string[] {
    const out: string[] = [];
    if (!['init', 'ready', 'fatal', 'ejected'].includes(this.state)) out.push(`unknown state ${this.state}`);
    if (this.state === 'ready' && (this.version === undefined || !this.profile.versions.includes(this.version))) out.push(`ready with version ${this.version}`);
    if (this.state === 'init' && this.version !== undefined) out.push('init with a negotiated version');
    if ((this.windowBase !== undefined) !== this.window.mapped) out.push('window base and mapping disagree');
    for (const w of [...this.removed, ...this.vanished, ...this.ejecting.keys()]) if (!this.fns.has(w)) out.push(`unknown win_slot ${w} tracked`);
    for (const w of this.removed) if (this.irq.entriesFor(this.env.bus, w).length) out.push(`removed win_slot ${w} still has interrupts`);
    for (const w of this.unplugged) if (!this.removed.has(w)) out.push(`unplugged win_slot ${w} not removed`);
    for (const w of this.ejecting.keys()) if (this.removed.has(w)) out.push(`win_slot ${w} both ejecting and removed`);
    const s = this.status;
    if (s.state !== this.state || s.windowBase !== this.windowBase || s.version !== this.version) out.push('status cache is stale');
    return out;
  }

  // ---- snapshots -----------------------------------------------------------------------------

  snapshot(): HostSnapshot {
    return {
      state: this.state,
      ...(this.version !== undefined ? { version: this.version } : {}),
      ...(this.windowBase !== undefined ? { windowBase: this.windowBase } : {}),
      mapped: this.window.mapped,
      slot: this.window.slot,
      vanished: [...this.vanished],
      barsSet: [...this.barsSet],
      removed: [...this.removed],
      unplugged: [...this.unplugged],
      left: [...this.left].map(([w, bars]) => [w, bars.map((b) => ({ ...b }))]),
      ...(this.leftWindow !== undefined ? { leftWindow: this.leftWindow } : {}),
      ejecting: [...this.ejecting].map(([wslot, deadline]) => ({ wslot, deadline })),
      faults: this.faults.map((f) => ({ ...f, action: { ...f.action } })),
      delayed: this.delayed.map((d) => ({ ...d, packets: d.packets.map((p) => ({ ...p, bytes: [...p.bytes] })) })),
      seq: this.seq,
      ...(this.fatalReason !== undefined ? { fatal: this.fatalReason } : {}),
    };
  }

  restore(s: unknown): void {
    const x = s as HostSnapshot;
    this.state = x.state;
    this.version = x.version;
    this.windowBase = x.windowBase;
    this.window.mapped = x.mapped;
    this.window.slot = x.slot;
    this.vanished = new Set(x.vanished);
    this.barsSet = new Set(x.barsSet);
    this.removed = new Set(x.removed);
    this.unplugged = new Set(x.unplugged);
    this.left = new Map((x.left ?? []).map(([w, bars]) => [w, bars.map((b) => ({ ...b }))]));
    this.leftWindow = x.leftWindow;
    this.ejecting = new Map(x.ejecting.map((e) => [e.wslot, e.deadline]));
    this.faults = x.faults.map((f) => ({ ...f, action: { ...f.action } }));
    this.delayed = x.delayed.map((d) => ({ ...d, packets: d.packets.map((p) => ({ ...p, bytes: [...p.bytes] })) }));
    this.seq = x.seq;
    this.fatalReason = x.fatal;
    this.refreshStatus();
  }
}
