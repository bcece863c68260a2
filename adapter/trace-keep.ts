// What a debugging session keeps of the trace events it drops. When step-back history is cut
// (adapter/history.ts), the trace drops the events before what history can still reach
// (Trace.dropBefore), so that a long session stays within its memory budget. A few of those
// events are still read from positions held, and are kept: a summary of the past, bounded by the
// machine's size, not by the run's length. This file names them (ours: which ones, and why).
import { Ev } from '../emulator/vpci/events';
import type { Trace } from '../emulator/runtime/trace';

/** Whether event i is a host 'config window' state change (on `bus`, or any bus when bus < 0). */
export function isWindowChange(tr: Trace, bus: number, i: number): boolean {
  if (tr.kindAt(i) !== Ev.State || (bus >= 0 && tr.busAt(i) !== bus)) return false;
  const d = tr.blobAt(i) as { what?: unknown } | undefined;
  return !!d && typeof d === 'object' && d.what === 'config window';
}

/**
 * Each bus's latest config-window change before `before`: where a config access after it landed in
 * guest-physical memory (inspect-data.ts windowBaseAt: data breakpoints at an address). One that
 * leaves the bus no window (D0 exit, a rescind) is not kept: windowBaseAt reads no change as no
 * window too, and every bus a long hot-plug session rescinded would keep its last one for ever.
 */
export function windowEvents(tr: Trace, before: number): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (const i of tr.back(before - 1))
    if (isWindowChange(tr, -1, i) && !seen.has(tr.busAt(i))) {
      seen.add(tr.busAt(i));
      if (typeof (tr.blobAt(i) as { to?: unknown }).to === 'number') out.push(i);
    }
  return out;
}

/** The transaction id of a VMBus packet event (bytes 8–15 of its descriptor), as text. */
export function packetTxid(tr: Trace, i: number): string | undefined {
  const pkt = tr.blobAt(i);
  if (!(pkt instanceof Uint8Array) || pkt.length < 16) return undefined;
  return new DataView(pkt.buffer, pkt.byteOffset, pkt.length).getBigUint64(8, true).toString(16);
}

/** Per trace, the requests still open when it last dropped its oldest events (among those it keeps). */
const openAtDrop = new WeakMap<Trace, readonly number[]>();

/** The guest's requests from before the trace's base that had no completion by then (kept: openRequests). */
export function openBeforeBase(tr: Trace): readonly number[] {
  return openAtDrop.get(tr) ?? [];
}

/**
 * The guest's requests sent before `before` that asked for a completion and had none by then: a
 * later position shows them as pending transactions (and a host frame the request its reply answers).
 * Those open at the last drop, then the events held up to `before` (other kept events may be
 * requests whose completion was dropped: they are not open).
 */
export function openRequests(tr: Trace, before: number): number[] {
  const open = new Map<string, number>();
  for (const i of openBeforeBase(tr)) open.set(`${tr.busAt(i)}/${packetTxid(tr, i)}`, i);
  for (const e of tr.events(tr.base, before)) {
    if (e.kind !== Ev.PacketToHost && e.kind !== Ev.PacketToGuest) continue;
    const pkt = e.blob as Uint8Array;
    const txid = packetTxid(tr, e.index);
    if (txid === undefined) continue;
    const key = `${e.bus}/${txid}`;
    if (e.kind === Ev.PacketToHost && (pkt[6]! & 1) === 1) open.set(key, e.index);
    else if (e.kind === Ev.PacketToGuest && pkt[0] === 11) open.delete(key);
  }
  const out = [...open.values()];
  openAtDrop.set(tr, out);
  return out;
}

/**
 * The guest requests that the completions among `events` answer (same bus and transaction id, the
 * latest before each): a host frame shows the request its last reply answered (views.ts lastHostWork).
 */
export function answeredRequests(tr: Trace, events: readonly number[]): number[] {
  const out: number[] = [];
  for (const ev of events) {
    if (tr.kindAt(ev) !== Ev.PacketToGuest || (tr.blobAt(ev) as Uint8Array | undefined)?.[0] !== 11) continue;
    for (const i of tr.back(ev - 1))
      if (tr.kindAt(i) === Ev.PacketToHost && tr.busAt(i) === tr.busAt(ev) && tr.bAt(i) === tr.bAt(ev)) {
        out.push(i);
        break;
      }
  }
  return out;
}

/** Everything the session keeps of the events before `before` when it drops them, besides `kept` (history's own). */
export function keptEvents(tr: Trace, before: number, kept: readonly number[]): number[] {
  return [...windowEvents(tr, before), ...openRequests(tr, before), ...answeredRequests(tr, kept)];
}
