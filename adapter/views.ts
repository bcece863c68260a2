// What the extension's views and the debugger's host frames read: the bus
// topology, the VMBus message list with config-window traffic summarised,
// one message's bytes and fields, what a host thread last handled, lspci text
// and the transcript.
import type { InspectContext } from './inspect-context';
import { Ev } from '../emulator/vpci/events';
import { decodeLspci } from '../emulator/pci/lspci-decode';
import { messageName, statusText, versionText, wslotText } from '../emulator/vpci/protocol';
import { describePacket, describePayload, summarizePacket } from '../emulator/vpci/describe';
import { msixEntry, functionIds } from '../emulator/machine/device-view';
import { describeEvent } from '../emulator/machine/transcript';
import type { MessageDetailResponse, MessageField, MessagesResponse, TopologyResponse } from './protocol';
import type { FieldDesc } from '../emulator/vpci/wire/types';

export function eventContext(ins: InspectContext, ev: number): string {
  const t = ins.m.trace;
  const lines: string[] = [];
  for (let i = Math.max(0, ev - 5); i <= ev && i < t.length; i++) {
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
  for (let i = lastStep.from; i < lastStep.to; i++) if (t.kind[i] === Ev.PacketToGuest) reply = i;
  if (reply < 0) return undefined;
  const pkt = t.get(reply).blob as Uint8Array;
  const type = t.a[reply]!;
  const completion = pkt[0] === 11;
  let req = -1;
  if (completion)
    for (let i = reply - 1; i >= 0; i--)
      if (t.kind[i] === Ev.PacketToHost && t.bus[i] === t.bus[reply] && t.b[i] === t.b[reply]) {
        req = i;
        break;
      }
  const decode = (ev: number) => {
    const b = t.get(ev).blob as Uint8Array;
    const off = (b[2]! | (b[3]! << 8)) * 8 || 16;
    const c = b[0] === 11 ? t.a[ev] : undefined;
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
      functions: [...b.functions].map(([wslot, f]) => {
        const id = functionIds(f);
        const mx = f.msix();
        const entries = ins.m.remapper.entriesFor(b.index, wslot);
        return {
          wslot,
          slot: wslotText(wslot),
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
  const { all, cfgBefore } = packetIndex(ins);
  const items = all.slice(Math.max(0, from), Math.max(0, from) + Math.max(0, Math.min(count, 5000))).map((i, k) => {
    const pkt = t.get(i).blob as Uint8Array;
    const toHost = t.kind[i] === Ev.PacketToHost;
    const completion = pkt[0] === 11;
    const type = t.a[i]!;
    const status = completion && pkt.length >= 20 ? (pkt[16]! | (pkt[17]! << 8) | (pkt[18]! << 16) | (pkt[19]! << 24)) >>> 0 : undefined;
    return {
      index: i,
      seq: Math.max(0, from) + k,
      time: t.time[i]!,
      bus: ins.m.buses[t.bus[i]!]?.decl.name ?? String(t.bus[i]),
      dir: toHost ? ('toHost' as const) : ('toGuest' as const),
      name: `${messageName(type) ?? `0x${type.toString(16)}`}${completion ? ' (completion)' : ''}`,
      ...(status !== undefined ? { status: statusText(status) } : {}),
      txid: t.b[i]!,
      length: pkt.length,
      summary: summarizePacket(pkt, toHost ? 'toHost' : 'toGuest', completion ? type : undefined),
      step: stepOf(i),
      ...(cfgBefore.has(i) ? { cfgBefore: cfgBefore.get(i)! } : {}),
    };
  });
  return { total: all.length, items };
}

export function messageDetail(ins: InspectContext, index: number): MessageDetailResponse | undefined {
  const t = ins.m.trace;
  if (!(index >= 0 && index < t.length)) return undefined;
  const k = t.kind[index];
  if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) return undefined;
  const pkt = t.get(index).blob as Uint8Array;
  const completionOf = pkt[0] === 11 ? t.a[index] : undefined;
  const off = (pkt[2]! | (pkt[3]! << 8)) * 8 || 16;
  // Every field at its offset in `bytes` (the whole packet): the descriptor's, then the payload's.
  const d = describePacket(pkt, completionOf);
  return {
    index,
    time: t.time[index]!,
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

export function lspci(ins: InspectContext, sel?: string, wslot?: number, form: LspciForm = {}): string {
  const verbose = form.verbose ?? true;
  const hex = form.hex ?? 0;
  const out: string[] = [];
  for (const b of ins.m.buses) {
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
      const bars = f.bars().map((x) => ({ index: x.kind === 'rom' ? ('rom' as const) : x.index, size: x.size }));
      // lspci ends each device with a blank line; the blocks are joined with one below.
      if (verbose || hex)
        out.push(decodeLspci(f.config.bytes, { address, ...(ins.ids ? { ids: ins.ids } : {}), bars, verbose: verbose ? 3 : 0, hex }).replace(/\n+$/, ''));
      else out.push(`${address} ${ins.title(b.index, w)}`);
    }
  }
  return out.join(verbose || hex ? '\n\n' : '\n') || 'no functions';
}

export function transcript(ins: InspectContext, from: number, count: number): string[] {
  const t = ins.m.trace;
  const out: string[] = [];
  for (let i = Math.max(0, from); i < Math.min(t.length, from + count); i++) {
    const d = describeEvent(ins.m, t.get(i));
    if (d) out.push(d);
  }
  return out;
}

/**
 * The packets of the trace in order, with the config-window traffic that came before each on its
 * bus. Built incrementally: the views page through it often, and the trace only grows between
 * truncations (its epoch), so each call scans only the events added since the last.
 */
interface PacketIndex {
  epoch: number;
  scanned: number;
  all: number[];
  cfgBefore: Map<number, { count: number; reads: number; writes: number; slots: string }>;
  run: Map<number, { count: number; reads: number; writes: number; slots: Set<number> }>;
}
const indexes = new WeakMap<InspectContext, PacketIndex>();

export function packetIndex(ins: InspectContext): PacketIndex {
  const t = ins.m.trace;
  let x = indexes.get(ins);
  if (!x || x.epoch !== t.epoch || x.scanned > t.length) {
    x = { epoch: t.epoch, scanned: 0, all: [], cfgBefore: new Map(), run: new Map() };
    indexes.set(ins, x);
  }
  for (let i = x.scanned; i < t.length; i++) {
    const k = t.kind[i];
    const bus = t.bus[i]!;
    if (k === Ev.CfgRead || k === Ev.CfgWrite) {
      let r = x.run.get(bus);
      if (!r) x.run.set(bus, (r = { count: 0, reads: 0, writes: 0, slots: new Set() }));
      r.count++;
      if (k === Ev.CfgRead) r.reads++;
      else r.writes++;
      r.slots.add(t.a[i]!);
    } else if (k === Ev.PacketToHost || k === Ev.PacketToGuest) {
      x.all.push(i);
      const r = x.run.get(bus);
      if (r && r.count) {
        x.cfgBefore.set(i, { count: r.count, reads: r.reads, writes: r.writes, slots: [...r.slots].map((w) => wslotText(w)).join(', ') });
        x.run.delete(bus);
      }
    }
  }
  x.scanned = t.length;
  return x;
}
