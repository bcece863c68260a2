// What the extension's views and the debugger's host frames read: the bus
// topology, the VMBus message list with config-window traffic summarised,
// one message's bytes and fields, what a host thread last handled, lspci text
// and the transcript.
import { fnPrefix, type InspectContext } from './inspect-context';
import { Ev } from '../emulator/vpci/events';
import { lspciRun } from '../emulator/pci/lspci/index';
import { lspciBars } from './inspect-registers';
import { formatTime } from '../emulator/format';
import { messageName, statusText, versionText, slotName } from '../emulator/vpci/protocol';
import { describePacket, describePayload, summarizePacket } from '../emulator/vpci/describe';
import { msixEntry, functionIds } from '../emulator/machine/device-view';
import { describeEvent } from '../emulator/machine/transcript';
import type { MessageDetailResponse, MessageField, MessagesResponse, TopologyResponse } from './protocol';
import type { FieldDesc } from '../emulator/vpci/wire/types';

export function eventContext(ins: InspectContext, ev: number): string {
  const t = ins.m.trace;
  const lines: string[] = [];
  for (let i = Math.max(t.base, ev - 5); i <= ev && i < t.length; i++) {
    const d = describeEvent(ins.m, t.get(i));
    if (d) lines.push(d);
  }
  return lines.join('\n');
}

/**
 * What a host thread last did: the packet it handled (found through the reply's transaction id)
 * and the reply it sent, decoded — the host "frame" the debugger shows after stepping into a send.
 */
export function lastHostWork(
  ins: InspectContext,
  lastStep: { from: number; to: number } | undefined,
): { title: string; locals: Record<string, unknown> } | undefined {
  if (!lastStep) return undefined;
  const t = ins.m.trace;
  let reply = -1;
  for (let i = lastStep.from; i < lastStep.to; i++) if (t.kindAt(i) === Ev.PacketToGuest) reply = i;
  // Events dropped with the oldest history read as none: the step is no longer described.
  if (reply < 0) return undefined;
  const pkt = t.get(reply).blob as Uint8Array;
  const type = t.aAt(reply);
  const completion = pkt[0] === 11;
  let req = -1;
  // Back through the events held (with those kept from before the start of history: an open request is one).
  if (completion)
    for (const i of t.back(reply - 1))
      if (t.kindAt(i) === Ev.PacketToHost && t.busAt(i) === t.busAt(reply) && t.bAt(i) === t.bAt(reply)) {
        req = i;
        break;
      }
  const decode = (ev: number) => {
    const b = t.get(ev).blob as Uint8Array;
    const off = (b[2]! | (b[3]! << 8)) * 8 || 16;
    const c = b[0] === 11 ? t.aAt(ev) : undefined;
    const d = describePayload(b.subarray(Math.min(off, b.length)), c !== undefined ? { completionOf: c } : {});
    const o: Record<string, unknown> = { message: d.name };
    for (const f of d.fields) o[f.name] = f.text;
    o.bytes = b;
    return o;
  };
  const name = messageName(type) ?? `0x${type.toString(16)}`;
  const locals: Record<string, unknown> = {};
  if (req >= 0) locals.request = decode(req);
  locals.reply = decode(reply);
  const status = completion && pkt.length >= 20 ? statusText((pkt[16]! | (pkt[17]! << 8) | (pkt[18]! << 16) | (pkt[19]! << 24)) >>> 0) : undefined;
  return { title: completion ? `handle ${name} → ${status ?? 'completion'}` : `send ${name}`, locals };
}

/** A readable page of what the host did: the request it handled and the reply, field by field, with bytes. */
export function hostWorkText(ins: InspectContext, w: { title: string; locals: Record<string, unknown> }, bus: string, profile: string): string {
  const lines = [`Host VSP of ${bus} (${profile}): ${w.title}`, ''];
  for (const [what, v] of Object.entries(w.locals)) {
    const o = v as Record<string, unknown>;
    lines.push(what === 'request' ? 'Request (guest → host):' : 'Reply (host → guest):');
    for (const [k, x] of Object.entries(o)) {
      if (k === 'bytes') continue;
      lines.push(`  ${k.padEnd(24)} ${String(x)}`);
    }
    const b = o.bytes as Uint8Array | undefined;
    if (b)
      for (let i = 0; i < b.length; i += 16)
        lines.push(`  ${i.toString(16).padStart(4, '0')}: ${Array.from(b.subarray(i, i + 16), (x) => x.toString(16).padStart(2, '0')).join(' ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

export function topology(ins: InspectContext): TopologyResponse {
  return {
    time: ins.m.now,
    buses: ins.m.buses.map((b) => ({
      name: b.decl.name,
      index: b.index,
      instance: b.decl.instance,
      state: ins.m.model.busStatus(b.state.sc),
      channel: b.channel.state,
      version: ins.m.model.protocolVersion(b.state.sc) ? versionText(ins.m.model.protocolVersion(b.state.sc)) : null,
      // The functions on the bus (one unplugged, or whose eject the guest completed, is gone from it).
      functions: [...b.functions]
        .filter(([wslot]) => b.onBus(wslot))
        .map(([wslot, f]) => {
          const id = functionIds(f);
          const mx = f.msix();
          const entries = ins.m.remapper.entriesFor(b.index, wslot);
          return {
            wslot,
            slot: slotName(wslot),
            title: ins.title(b.index, wslot),
            vendorId: id.vendorId,
            deviceId: id.deviceId,
            vanished: b.host.isVanished(wslot),
            memoryReference: ins.cfgRef(b.decl.name, wslot),
            bars: f.bars().map((x) => ({
              index: x.index,
              kind: x.kind,
              size: x.size,
              address: x.address,
              decoding: x.decoding,
              enabled: x.enabled,
              prefetchable: x.prefetchable,
              // 'sizing' while the registers hold the all-ones pattern (then `readback` is the mask they return).
              state: x.state,
              readback: x.sizingHalf === 'high' ? (x.registerHigh ?? 0) : x.register,
              ...(x.sizingHalf ? { sizingHalf: x.sizingHalf } : {}),
            })),
            interrupts: mx
              ? Array.from({ length: Math.min(mx.tableSize, 64) }, (_, i) => {
                  const e = msixEntry(f, i)!;
                  const hit = entries.find((x) => x.address === e.address && x.data === e.data);
                  return { index: i, address: e.address, data: e.data, masked: e.masked, ...(hit ? { cpu: hit.cpus[0], vector: hit.vector } : {}) };
                }).filter((x) => x.address !== 0 || x.data !== 0)
              : [],
          };
        }),
    })),
  };
}

export function messages(ins: InspectContext, from: number, count: number, stepOf: (ev: number) => number): MessagesResponse {
  const t = ins.m.trace;
  const { all, cfgBefore, dropped } = packetIndex(ins);
  // Rows keep their numbers when the oldest ones are dropped with the oldest history: row `dropped`
  // is the first held; the rows before it answer nothing.
  const lo = Math.max(dropped, from);
  const hi = Math.max(lo, Math.max(0, from) + Math.max(0, Math.min(count, 5000)));
  const items = all.slice(lo - dropped, hi - dropped).map((i, k) => {
    const pkt = t.get(i).blob as Uint8Array;
    const toHost = t.kindAt(i) === Ev.PacketToHost;
    const completion = pkt[0] === 11;
    const type = t.aAt(i);
    const status = completion && pkt.length >= 20 ? (pkt[16]! | (pkt[17]! << 8) | (pkt[18]! << 16) | (pkt[19]! << 24)) >>> 0 : undefined;
    return {
      index: i,
      seq: lo + k,
      time: t.timeAt(i),
      bus: ins.m.buses[t.busAt(i)]?.decl.name ?? String(t.busAt(i)),
      dir: toHost ? ('toHost' as const) : ('toGuest' as const),
      name: `${messageName(type) ?? `0x${type.toString(16)}`}${completion ? ' (completion)' : ''}`,
      ...(status !== undefined ? { status: statusText(status) } : {}),
      txid: t.bAt(i),
      length: pkt.length,
      summary: summarizePacket(pkt, toHost ? 'toHost' : 'toGuest', completion ? type : undefined),
      step: stepOf(i),
      ...(cfgBefore.has(i) ? { cfgBefore: cfgBefore.get(i)! } : {}),
    };
  });
  return { total: dropped + all.length, items, ...(dropped ? { first: dropped } : {}) };
}

export function messageDetail(ins: InspectContext, index: number): MessageDetailResponse | undefined {
  const t = ins.m.trace;
  if (!t.holds(index)) return undefined;
  const k = t.kindAt(index);
  if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) return undefined;
  const pkt = t.get(index).blob as Uint8Array;
  const completionOf = pkt[0] === 11 ? t.aAt(index) : undefined;
  const off = (pkt[2]! | (pkt[3]! << 8)) * 8 || 16;
  // Every field at its offset in `bytes` (the whole packet): the descriptor's, then the payload's.
  const d = describePacket(pkt, completionOf);
  return {
    index,
    time: t.timeAt(index),
    dir: k === Ev.PacketToHost ? ('toHost' as const) : ('toGuest' as const),
    name: d.name,
    bytes: Array.from(pkt, (x) => x.toString(16).padStart(2, '0')).join(''),
    descriptorLength: off,
    fields: d.fields.map(messageField),
    ...(d.error ? { error: d.error } : {}),
    memoryReference: `pkt/${index}`,
  };
}

/** A decoded field as the wire carries it to the views: text only (values may be 64-bit). */
function messageField(f: FieldDesc): MessageField {
  return { name: f.name, offset: f.offset, size: f.size, text: f.text, ...(f.children ? { children: f.children.map(messageField) } : {}) };
}

/** How `lspci` prints each function: decoded as lspci -vvv (or only its line), and with lspci's hex dump (its -x count: 1 or 2 the standard header, 3 256 bytes, 4 all 4096). */
export interface LspciForm {
  verbose?: boolean;
  hex?: number;
}

/**
 * How the function at `wslot` of bus `bi`, no longer on the bus, left it: "left the bus at 6 ms
 * (unplugged)". Read from the host's records in the trace, newest first: the eject it completed,
 * gave up waiting for or could not send (vsp.ts ejectInner, onTimer), or the unplug (removeFunction).
 * Without them (dropped with the oldest history), only that it left.
 */
export function leftBusText(ins: InspectContext, bi: number, wslot: number): string {
  const t = ins.m.trace;
  const timedOut = `eject of win_slot 0x${wslot.toString(16)} timed out`;
  for (let i = t.length - 1; i >= t.base; i--) {
    if (t.busAt(i) !== bi) continue;
    const k = t.kindAt(i);
    if (k !== Ev.State && k !== Ev.Error) continue;
    const blob = t.get(i).blob;
    if (k === Ev.Error && typeof blob === 'string' && blob.startsWith(timedOut))
      return `left the bus at ${formatTime(t.timeAt(i))} (ejected: the guest did not complete the eject in time)`;
    const b = k === Ev.State && blob && typeof blob === 'object' ? (blob as { what?: unknown; from?: unknown; to?: unknown }) : undefined;
    if (b?.from === wslot && (b.what === 'eject' || b.what === 'function') && b.to !== 'sent')
      return `left the bus at ${formatTime(t.timeAt(i))} (${b.what === 'eject' ? 'ejected' : 'unplugged'})`;
  }
  return 'has left the bus';
}

export function lspci(ins: InspectContext, sel?: string, wslot?: number, form: LspciForm = {}): string {
  const verbose = form.verbose ?? true;
  const hex = form.hex ?? 0;
  const out: string[] = [];
  buses: for (const b of ins.m.buses) {
    if (sel && b.decl.name !== sel.split('/')[0]) continue;
    const want = sel?.includes('/') ? ins.resolveFn(sel)?.wslot : wslot;
    // The domain the guest gave the bus, as its lspci prints it: FreeBSD's is the first child's
    // serial number, Linux's bytes 5 and 4 of the instance GUID (GuestModelRuntime.pciDomain).
    // Before the driver has chosen one, the GUID's (the Hyper-V convention Linux follows, protocol.md §3).
    const chosen = ins.m.model.pciDomain(b.state.sc);
    const domain = chosen !== undefined ? chosen.toString(16).padStart(4, '0') : b.decl.instance.slice(9, 13);
    for (const [w, f] of b.functions) {
      if (want !== undefined && w !== want) continue;
      const { device, fn } = { device: w & 0x1f, fn: (w >> 5) & 7 };
      const address = `${domain}:00:${device.toString(16).padStart(2, '0')}.${fn}`;
      // Off the bus (unplugged, ejected), a function answers nothing: the guest's lspci would not list
      // it. Its last bytes are not decoded as if it were there; one line says when it left.
      if (!b.onBus(w)) {
        out.push(`${address} ${fnPrefix(b.decl.name, w)} ${leftBusText(ins, b.index, w)}`);
        continue;
      }
      const bars = lspciBars(f);
      // lspci ends each device with a blank line; the blocks are joined with one below.
      if (verbose || hex) {
        const run = lspciRun(f.config.bytes, { address, ...(ins.ids ? { ids: ins.ids } : {}), bars, verbose: verbose ? 3 : 0, hex });
        if (!run.died) {
          out.push(run.text.replace(/\n+$/, ''));
          continue;
        }
        // Where lspci 3.9.0 stops ("Internal bug", lspci.c check_conf_range → die), its terminal shows
        // what it printed, then its message on stderr, and no later device: the same here, where the
        // text used to end at the cut with nothing saying why (ours: the note on a byte past its buffer).
        const past = run.pastBuffer ? ' (past its buffer: real lspci reads on into memory it does not own)' : '';
        out.push(`${run.text}${run.text.endsWith('\n') || !run.text ? '' : '\n'}${run.undefinedInC ? `(${run.died})` : `lspci: ${run.died}${past}`}`);
        break buses;
      } else out.push(`${address} ${ins.title(b.index, w)}`);
    }
  }
  return out.join(verbose || hex ? '\n\n' : '\n') || 'no functions';
}

export function transcript(ins: InspectContext, from: number, count: number): string[] {
  const t = ins.m.trace;
  const out: string[] = [];
  for (let i = Math.max(t.base, from); i < Math.min(t.length, from + count); i++) {
    const d = describeEvent(ins.m, t.get(i));
    if (d) out.push(d);
  }
  return out;
}

/**
 * The packets of the trace in order, with the config-window traffic that came before each on its
 * bus, and the interrupts delivered. Built incrementally: the views page through it often, and the
 * trace only grows between truncations (its epoch), so each call scans only the events added since
 * the last. When the trace drops its oldest events (with the oldest history), so does the index:
 * `dropped` packets came before the first it holds.
 */
interface PacketIndex {
  epoch: number;
  scanned: number;
  /** Packets before `all[0]` that the trace no longer holds. */
  dropped: number;
  all: number[];
  /** The interrupts delivered (Ev.IntDeliver events) held, in order: the Interrupts scope pages through them. */
  delivered: number[];
  cfgBefore: Map<number, { count: number; reads: number; writes: number; slots: string }>;
  run: Map<number, { count: number; reads: number; writes: number; slots: Set<number> }>;
}
const indexes = new WeakMap<InspectContext, PacketIndex>();

export function packetIndex(ins: InspectContext): PacketIndex {
  const t = ins.m.trace;
  let x = indexes.get(ins);
  if (!x || x.epoch !== t.epoch || x.scanned > t.length) {
    // Rebuilt from the base: packets dropped before it are counted by what an earlier index knew (or not at all).
    x = {
      epoch: t.epoch,
      scanned: t.base,
      all: [],
      delivered: [],
      cfgBefore: new Map(),
      run: new Map(),
      dropped: x ? x.dropped + lowerBound(x.all, t.base) : 0,
    };
    indexes.set(ins, x);
  }
  if (x.all.length && x.all[0]! < t.base) {
    const n = lowerBound(x.all, t.base);
    for (const i of x.all.slice(0, n)) x.cfgBefore.delete(i);
    x.all = x.all.slice(n);
    x.dropped += n;
  }
  if (x.delivered.length && x.delivered[0]! < t.base) x.delivered = x.delivered.slice(lowerBound(x.delivered, t.base));
  for (let i = Math.max(x.scanned, t.base); i < t.length; i++) {
    const k = t.kindAt(i);
    const bus = t.busAt(i);
    if (k === Ev.CfgRead || k === Ev.CfgWrite) {
      let r = x.run.get(bus);
      if (!r) x.run.set(bus, (r = { count: 0, reads: 0, writes: 0, slots: new Set() }));
      r.count++;
      if (k === Ev.CfgRead) r.reads++;
      else r.writes++;
      r.slots.add(t.aAt(i));
    } else if (k === Ev.PacketToHost || k === Ev.PacketToGuest) {
      x.all.push(i);
      const r = x.run.get(bus);
      if (r && r.count) {
        x.cfgBefore.set(i, { count: r.count, reads: r.reads, writes: r.writes, slots: [...r.slots].map((w) => slotName(w)).join(', ') });
        x.run.delete(bus);
      }
    } else if (k === Ev.IntDeliver) x.delivered.push(i);
  }
  x.scanned = t.length;
  return x;
}

/** The number of entries of ascending `xs` below `v`. */
function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
