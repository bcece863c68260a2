// Two runs side by side: each run's VMBus message sequence per bus, aligned by
// what the messages are (direction, message type, slot) with a longest-common-
// subsequence alignment (Myers' O(ND) diff, linear space), so one extra or
// missing message shifts nothing after it. Aligned pairs are `same` or
// `changed` (with the fields that differ); the rest are only-left or only-right.
// Pure: `vpci-lab diff` prints it, the editor's Compare Runs draws it.
import { Ev } from '../vpci/events';
import type { Machine } from './machine';
import { describePayload, messageSummary, completionSummary } from '../vpci/describe';
import { decodePacket, PKT_COMPLETION } from '../vmbus/packet';
import { Reader } from '../vpci/wire/codec';
import { decodeMessageWith } from '../vpci/wire/message';
import { decodeCompletionWith } from '../vpci/wire/completions';
import { shortMessageName, statusText, wslotText } from '../vpci/protocol';
import { lcs } from './lcs';

export { lcs } from './lcs';

/** One VMBus packet of a run, as the comparison sees it. */
export interface SeqMessage {
  /** Trace event index in its run. */
  event: number;
  /** Row of the packet in its run's message sequence (0-based, all buses). */
  seq: number;
  time: number;
  bus: string;
  dir: 'toHost' | 'toGuest';
  /** Message name without PCI_; a completion is "<REQUEST> completion". */
  name: string;
  completion: boolean;
  /** For a completion: the request it answers (short name). */
  request?: string;
  /** The slot the message (or the request a completion answers) names, "00.0". */
  slot?: string;
  /** A completion's status ("SUCCESS", "REVISION_MISMATCH (0xC0000059)"). */
  status?: string;
  /** Key fields in a few words ("version 1.4", "slot 00.0 bar0 …"). */
  summary: string;
  /** Payload fields (and the descriptor's flags) by name → text: what `changed` compares. */
  fields: { name: string; text: string }[];
  /** The whole packet. */
  bytes: Uint8Array;
  /** Bytes of the VMBus descriptor before the payload. */
  payloadOffset: number;
  txid: bigint;
  /** 1-based: the how-many-th packet of its kind (direction, name, slot) on its bus. */
  ordinal: number;
}

export type RowKind = 'same' | 'changed' | 'left' | 'right';

export interface FieldChange {
  name: string;
  left: string;
  right: string;
}

export interface DiffRow {
  kind: RowKind;
  left?: SeqMessage;
  right?: SeqMessage;
  /** For `changed`: the fields that differ. */
  changes?: FieldChange[];
}

export interface BusDiff {
  bus: string;
  rows: DiffRow[];
  counts: Record<RowKind, number>;
}

export interface RunDiff {
  labels: [string, string];
  buses: BusDiff[];
  /** True when every row is `same`. */
  same: boolean;
  /** The earliest row that is not the same, and a sentence naming it. */
  first?: { bus: string; row: number; text: string };
  counts: Record<RowKind, number>;
}

const COMPLETION = 11;

function rd32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** The run's VMBus packets in order, decoded for comparison. */
export function messageSequence(m: Machine): SeqMessage[] {
  const t = m.trace;
  const out: SeqMessage[] = [];
  /** Each request by bus/txid, so its completion carries its slot and ordinal. */
  const requests = new Map<string, SeqMessage>();
  const ordinals = new Map<string, number>();
  for (let i = t.base; i < t.length; i++) {
    const k = t.kindAt(i);
    if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
    const bytes = t.get(i).blob as Uint8Array;
    const bus = m.buses[t.busAt(i)]?.decl.name ?? `bus${t.busAt(i)}`;
    const dir = k === Ev.PacketToHost ? 'toHost' : 'toGuest';
    const p = decodePacket(bytes);
    const completion = bytes[0] === COMPLETION;
    const type = t.aAt(i);
    const txid = p.ok ? p.transactionId : 0n;
    const payloadOffset = p.ok ? p.headerLen : Math.min(16, bytes.length);
    const payload = p.ok ? p.payload : bytes.subarray(payloadOffset);
    const msg: SeqMessage = {
      event: i,
      seq: out.length,
      time: t.timeAt(i),
      bus,
      dir,
      name: '',
      completion,
      summary: '',
      fields: [],
      bytes,
      payloadOffset,
      txid,
      ordinal: 0,
    };
    if (completion) {
      msg.request = shortMessageName(type);
      msg.name = `${msg.request} completion`;
      const req = requests.get(`${bus}/${txid}`);
      if (req?.slot !== undefined) msg.slot = req.slot;
      if (payload.length >= 4) msg.status = statusText(rd32(payload, 0));
      const d = decodeCompletionWith(new Reader(payload, false), type);
      msg.summary = d.ok ? completionSummary(d.value) : `${d.error.code}: ${d.error.message}`;
      msg.fields = describePayload(payload, { completionOf: type }).fields.map((f) => ({ name: f.name, text: f.text }));
    } else {
      const d = decodeMessageWith(new Reader(payload, false));
      msg.name = payload.length >= 4 ? shortMessageName(rd32(payload, 0)) : '(no type)';
      if (d.ok) {
        const w = (d.value as { wslot?: number }).wslot;
        if (w !== undefined) msg.slot = wslotText(w);
        msg.summary = messageSummary(d.value);
      } else msg.summary = `${d.error.code}: ${d.error.message}`;
      msg.fields = describePayload(payload).fields.map((f) => ({ name: f.name, text: f.text }));
      if (p.ok && p.type !== PKT_COMPLETION) requests.set(`${bus}/${txid}`, msg);
    }
    if (p.ok) msg.fields.unshift({ name: 'descriptor flags', text: `0x${p.flags.toString(16).padStart(4, '0')}` });
    // A completion counts as part of its request's exchange: "QUERY_PROTOCOL_VERSION #2" names both.
    const req = completion ? requests.get(`${bus}/${txid}`) : undefined;
    if (req && req.name === msg.request) msg.ordinal = req.ordinal;
    else {
      const key = keyOf(msg);
      const n = (ordinals.get(key) ?? 0) + 1;
      ordinals.set(key, n);
      msg.ordinal = n;
    }
    out.push(msg);
  }
  return out;
}

/** What a message is, for the alignment: direction, name and slot (never its values or time). */
function keyOf(x: SeqMessage): string {
  return `${x.bus}|${x.dir}|${x.name}|${x.slot ?? ''}`;
}

function payloadOf(x: SeqMessage): Uint8Array {
  const p = decodePacket(x.bytes);
  return p.ok ? p.payload : x.bytes.subarray(x.payloadOffset);
}

/** The fields that differ between two messages of the same kind (and the bytes, when no field does). */
function changesOf(a: SeqMessage, b: SeqMessage): FieldChange[] {
  const out: FieldChange[] = [];
  const bm = new Map<string, string>();
  for (const f of b.fields) if (!bm.has(f.name)) bm.set(f.name, f.text);
  const seen = new Set<string>();
  for (const f of a.fields) {
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    const r = bm.get(f.name);
    if (r !== f.text) out.push({ name: f.name, left: f.text, right: r ?? 'absent' });
  }
  for (const [n, r] of bm) if (!seen.has(n)) out.push({ name: n, left: 'absent', right: r });
  if (!out.length) {
    const pa = payloadOf(a);
    const pb = payloadOf(b);
    if (pa.length !== pb.length || pa.some((x, i) => x !== pb[i])) out.push({ name: 'payload bytes', left: `${pa.length} bytes`, right: `${pb.length} bytes` });
  }
  return out;
}

/**
 * An exchange: a message and, when it asked for one, the completion that answered it (same bus,
 * same transaction id). Runs are aligned exchange by exchange, so a request and its reply stay
 * together: "QUERY_PROTOCOL_VERSION #1: both offer 1.4; the reply differs".
 */
interface Exchange {
  msgs: SeqMessage[];
  /** Each message's fields by name (first of a name), for similarity. */
  fields?: Map<string, string>[];
}

function fieldMaps(e: Exchange): Map<string, string>[] {
  return (e.fields ??= e.msgs.map((x) => {
    const m = new Map<string, string>();
    for (const f of x.fields) if (!m.has(f.name)) m.set(f.name, f.text);
    return m;
  }));
}

function exchangesOf(seq: SeqMessage[]): Exchange[] {
  const out: Exchange[] = [];
  const open = new Map<bigint, Exchange>();
  for (const x of seq) {
    if (x.completion) {
      const e = open.get(x.txid);
      if (e && e.msgs[0]!.dir !== x.dir && e.msgs[0]!.name === x.request) {
        e.msgs.push(x);
        open.delete(x.txid);
        continue;
      }
      out.push({ msgs: [x] });
      continue;
    }
    const e: Exchange = { msgs: [x] };
    out.push(e);
    open.set(x.txid, e);
  }
  return out;
}

/** What an exchange says, beyond what it is: every field but transaction ids (drivers number those their own way). */
function contentOf(e: Exchange): string {
  return e.msgs.map((x) => `${keyOf(x)}|${x.fields.map((f) => `${f.name}=${f.text}`).join(';')}`).join('||');
}

/**
 * Share of fields two exchanges of one kind agree on, 0..1; the request's fields count twice as
 * much as the reply's (what a side asked for says more about which exchanges correspond than what
 * it was answered).
 */
function similarity(a: Exchange, b: Exchange): number {
  const fa = fieldMaps(a);
  const fb = fieldMaps(b);
  let same = 0;
  let all = 0;
  for (let k = 0; k < Math.max(fa.length, fb.length); k++) {
    const weight = k === 0 ? 2 : 1;
    const x = fa[k];
    const y = fb[k];
    let names = y?.size ?? 0;
    for (const [n, t] of x ?? []) {
      const o = y?.get(n);
      if (o === undefined) names++;
      else if (o === t) same += weight;
    }
    all += weight * names;
  }
  return all ? same / all : 1;
}

/** Largest gap (cells) aligned by similarity; bigger gaps fall back to the kind-only LCS. */
const WEIGHTED_CELLS = 2_000_000;

/**
 * Matched index pairs of two buses' exchanges. First the exchanges that are identical (kind and
 * content) anchor the alignment (an LCS over content); between anchors, exchanges of one kind are
 * paired by an LCS that, among the pairings with the most matches, prefers those whose fields
 * agree most — so FreeBSD's one accepted version request pairs with Linux's accepted one, not
 * with the first of Linux's rejected ones.
 */
function align(a: Exchange[], b: Exchange[], kindId: (e: Exchange) => number): [number, number][] {
  const content = new Map<string, number>();
  const cid = (e: Exchange) => {
    const k = contentOf(e);
    let v = content.get(k);
    if (v === undefined) content.set(k, (v = content.size));
    return v;
  };
  const anchors = lcs(a.map(cid), b.map(cid));
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  for (const [ai, bj] of [...anchors, [a.length, b.length] as [number, number]]) {
    const ga = a.slice(i, ai);
    const gb = b.slice(j, bj);
    if (ga.length && gb.length) {
      const inner = ga.length * gb.length <= WEIGHTED_CELLS ? weightedLcs(ga, gb, kindId) : lcs(ga.map(kindId), gb.map(kindId));
      for (const [x, y] of inner) out.push([i + x, j + y]);
    }
    if (ai < a.length) out.push([ai, bj]);
    i = ai + 1;
    j = bj + 1;
  }
  return out;
}

/**
 * LCS by kind, ties broken by field similarity, then by the earlier pairing (dynamic programming
 * over suffixes, read from the front; for the gaps between anchors).
 */
function weightedLcs(a: Exchange[], b: Exchange[], kindId: (e: Exchange) => number): [number, number][] {
  const n = a.length;
  const m = b.length;
  const ka = a.map(kindId);
  const kb = b.map(kindId);
  // score = matches + similarity/2 per match (< 1 in total per match, so the match count rules).
  const S = new Float64Array((n + 1) * (m + 1));
  const at = (x: number, y: number) => x * (m + 1) + y;
  const w = (x: number, y: number) => 1 + similarity(a[x]!, b[y]!) / 2;
  for (let x = n - 1; x >= 0; x--)
    for (let y = m - 1; y >= 0; y--) {
      let best = Math.max(S[at(x + 1, y)]!, S[at(x, y + 1)]!);
      if (ka[x] === kb[y]) best = Math.max(best, S[at(x + 1, y + 1)]! + w(x, y));
      S[at(x, y)] = best;
    }
  const out: [number, number][] = [];
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    const v = S[at(x, y)]!;
    if (ka[x] === kb[y] && v === S[at(x + 1, y + 1)]! + w(x, y)) {
      out.push([x, y]);
      x++;
      y++;
    } else if (v === S[at(x + 1, y)]!) x++;
    else y++;
  }
  return out;
}

function emptyCounts(): Record<RowKind, number> {
  return { same: 0, changed: 0, left: 0, right: 0 };
}

function pairRow(x: SeqMessage | undefined, y: SeqMessage | undefined): DiffRow {
  if (x && y) {
    const changes = changesOf(x, y);
    return changes.length ? { kind: 'changed', left: x, right: y, changes } : { kind: 'same', left: x, right: y };
  }
  return x ? { kind: 'left', left: x } : { kind: 'right', right: y! };
}

/**
 * Aligns two runs' message sequences, bus by bus (buses in order of their first message), one
 * exchange (a request and its completion) at a time; rows list a request, then its reply.
 */
export function diffSequences(left: SeqMessage[], right: SeqMessage[], labels: [string, string]): RunDiff {
  const busNames: string[] = [];
  for (const x of [...left, ...right]) if (!busNames.includes(x.bus)) busNames.push(x.bus);
  const ids = new Map<string, number>();
  const id = (e: Exchange) => {
    const k = keyOf(e.msgs[0]!);
    let v = ids.get(k);
    if (v === undefined) ids.set(k, (v = ids.size));
    return v;
  };
  const buses: BusDiff[] = [];
  const total = emptyCounts();
  for (const bus of busNames) {
    const a = exchangesOf(left.filter((x) => x.bus === bus));
    const b = exchangesOf(right.filter((x) => x.bus === bus));
    const pairs = align(a, b, id);
    const rows: DiffRow[] = [];
    let i = 0;
    let j = 0;
    const flush = (ti: number, tj: number) => {
      while (i < ti) for (const x of a[i++]!.msgs) rows.push({ kind: 'left', left: x });
      while (j < tj) for (const y of b[j++]!.msgs) rows.push({ kind: 'right', right: y });
    };
    for (const [pi, pj] of pairs) {
      flush(pi, pj);
      const [ea, eb] = [a[pi]!, b[pj]!];
      for (let k = 0; k < Math.max(ea.msgs.length, eb.msgs.length); k++) rows.push(pairRow(ea.msgs[k], eb.msgs[k]));
      i = pi + 1;
      j = pj + 1;
    }
    flush(a.length, b.length);
    const counts = emptyCounts();
    for (const r of rows) counts[r.kind]++;
    for (const k of Object.keys(counts) as RowKind[]) total[k] += counts[k];
    buses.push({ bus, rows, counts });
  }
  const out: RunDiff = { labels, buses, same: total.changed + total.left + total.right === 0, counts: total };
  let best: { bus: BusDiff; row: number; time: number } | undefined;
  for (const bd of buses) {
    const r = bd.rows.findIndex((x) => x.kind !== 'same');
    if (r < 0) continue;
    const row = bd.rows[r]!;
    const time = Math.min(row.left?.time ?? Infinity, row.right?.time ?? Infinity);
    if (!best || time < best.time) best = { bus: bd, row: r, time };
  }
  if (best) out.first = { bus: best.bus.bus, row: best.row, text: divergenceText(best.bus, best.row, labels) };
  return out;
}

export function diffRuns(left: Machine, right: Machine, labels: [string, string]): RunDiff {
  return diffSequences(messageSequence(left), messageSequence(right), labels);
}

/** "version 1.4" → "1.4" after "offers"; other summaries as they are. */
function what(x: SeqMessage): string {
  if (x.name === 'QUERY_PROTOCOL_VERSION') return x.summary.replace(/^version /, '');
  return x.summary || 'it';
}

function verb(x: SeqMessage): string {
  return x.name === 'QUERY_PROTOCOL_VERSION' ? 'offers' : 'sends';
}

/** "offers" → "offer": the verb after "both". */
function plural(v: string): string {
  return v.replace(/s$/, '');
}

/** Two requests that read alike: the same message saying the same thing. */
function sameAsk(a: SeqMessage, b: SeqMessage): boolean {
  return a.name === b.name && what(a) === what(b);
}

/** The request a completion row answers, searching back in the same bus's rows. */
function requestRow(rows: DiffRow[], at: number, side: 'left' | 'right'): SeqMessage | undefined {
  const c = rows[at]![side];
  if (!c?.completion) return undefined;
  for (let r = at - 1; r >= 0; r--) {
    const x = rows[r]![side];
    if (x && !x.completion && x.dir !== c.dir && x.txid === c.txid) return x;
  }
  return undefined;
}

function replyText(a: SeqMessage, b: SeqMessage, changes: FieldChange[], [L, R]: [string, string]): string {
  if (a.status !== b.status) return `reply ${plainStatus(a.status)} (${L}) vs ${plainStatus(b.status)} (${R})`;
  return `reply differs in ${changes.map((c) => `${c.name}: ${c.left} (${L}) vs ${c.right} (${R})`).join(', ')}`;
}

/** "REVISION_MISMATCH (0xC0000059)" → "REVISION_MISMATCH". */
function plainStatus(s: string | undefined): string {
  return (s ?? 'none').replace(/ \(0x[0-9A-F]+\)$/, '');
}

/** The first divergence in words, e.g. "nic0 at QUERY_PROTOCOL_VERSION #1 — freebsd offers 1.4, linux offers 1.3; reply REVISION_MISMATCH vs SUCCESS". */
function divergenceText(bd: BusDiff, at: number, [L, R]: [string, string]): string {
  const row = bd.rows[at]!;
  const x = (row.left ?? row.right)!;
  if (row.kind === 'changed') {
    const a = row.left!;
    const b = row.right!;
    if (a.completion) {
      const qa = requestRow(bd.rows, at, 'left');
      const qb = requestRow(bd.rows, at, 'right');
      const head = `${bd.bus} at ${a.request} #${(qa ?? a).ordinal}`;
      // What was asked leads only where it differs: "both offer 1.4" says it was not the question.
      const asked =
        !qa || !qb ? '' : sameAsk(qa, qb) ? `both ${plural(verb(qa))} ${what(qa)}; ` : `${L} ${verb(qa)} ${what(qa)}, ${R} ${verb(qb)} ${what(qb)}; `;
      return `${head} — ${asked}${replyText(a, b, row.changes!, [L, R])}`;
    }
    const head = `${bd.bus} at ${a.name} #${a.ordinal}`;
    if (sameAsk(a, b)) {
      // The summaries read alike: what differs is the packets' size or fields, said first.
      const packets =
        a.bytes.length !== b.bytes.length ? `${L}'s packet is ${a.bytes.length} bytes, ${R}'s ${b.bytes.length}` : `the packets differ (${L} vs ${R})`;
      const fields = row.changes!.map((c) => `${c.name} ${c.left} vs ${c.right}`).join(', ');
      const who = a.dir === 'toHost' ? `both guests ${plural(verb(a))}` : 'the host sends both';
      return `${head} — ${who} ${what(a)}; ${packets}: ${fields}`;
    }
    if (a.dir === 'toHost') return `${head} — ${L} ${verb(a)} ${what(a)}, ${R} ${verb(b)} ${what(b)}`;
    return `${head} — the host sends ${L} ${what(a)}, ${R} ${what(b)}`;
  }
  const [only, other] = row.kind === 'left' ? [L, R] : [R, L];
  const who = x.dir === 'toHost' ? `${only}'s guest` : `the host (to ${only})`;
  const sent = x.completion ? `answers ${x.request}` : `sends ${x.name}${x.summary ? ` (${x.summary})` : ''}`;
  // What the other run has in its place: the next row that is only on its side, if any.
  let instead = '';
  for (let r = at + 1; r < bd.rows.length && bd.rows[r]!.kind !== 'same' && bd.rows[r]!.kind !== 'changed'; r++) {
    const y = bd.rows[r]![row.kind === 'left' ? 'right' : 'left'];
    if (y) {
      instead = `; ${other} has ${y.name} #${y.ordinal} there`;
      break;
    }
  }
  return `${bd.bus} at ${x.completion ? x.request : x.name} #${x.ordinal} — only ${who} ${sent}${instead}`;
}
