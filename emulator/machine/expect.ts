// Checks a scenario's expectations against a finished (or paused) run, from the
// trace and the guest/host state — never from anything the run did not record.
// Each result also names the trace event that decided it (its cause): the
// completion that carried the negotiated version, the delivery or the drop of a
// vector, the first protocol error, the EJECTION_COMPLETE, the moment a `before`
// deadline passed. The debugger travels there for *Debug at Cause*.
import type { Expectation } from '../scenario/ast';
import { Ev, PENDING_MASKED, type BarAccessDetail } from '../vpci/events';
import type { Machine } from './machine';
import type { Trace } from '../runtime/trace';
import { rd32 } from '../vpci/guest/kernel';
import { msixEntry } from './device-view';
import { statusText } from '../vpci/protocol';
import { counted, formatTime } from '../format';

/** The trace event that decided an expectation, and how the debugger names that moment. */
export interface ExpectCause {
  /** Trace event index. */
  event: number;
  /** Virtual time of the event, ns. */
  time: number;
  /** What happened there, in a few words: "negotiated 1.3 here". */
  text: string;
  /**
   * When the deciding event is the host's (a completion), the guest's request it answers: the
   * debugger stands on the guest statement that sent it.
   */
  origin?: number;
}

export interface ExpectResult {
  ok: boolean;
  /** What was expected, in words. */
  what: string;
  /** What happened instead (or the evidence when it held). */
  detail: string;
  line: number;
  col: number;
  /** The expectation as the scenario writes it ("expect nic0 version 1.1"), when the source was given. */
  text?: string;
  /** The expected and the actual value, where the expectation is about a value (for a diff view). */
  expected?: string;
  actual?: string;
  /** The trace event that decided it, when one did. */
  cause?: ExpectCause;
}

const QUERY_PROTOCOL_VERSION = 0x42490013;
const EJECTION_COMPLETE = 0x4249000f;
const INBAND = 6;
const COMPLETION = 11;

function verText(v: number): string {
  return `${v >>> 16}.${v & 0xffff}`;
}

/** The status word of a completion packet (after the 16-byte descriptor), or undefined. */
function completionStatus(pkt: Uint8Array | undefined): number | undefined {
  return pkt && pkt[0] === COMPLETION && pkt.length >= 20 ? rd32(pkt, 16) >>> 0 : undefined;
}

/**
 * Visits the events the trace holds in order — those kept from before its base (a debugging
 * session's drop keeps what an expectation selects: ExpectPast), then those from the base on —
 * until `visit` returns true; returns that event, or -1.
 */
function scan(t: Trace, visit: (i: number) => boolean): number {
  for (const i of t.retained) if (visit(i)) return i;
  for (let i = t.base; i < t.length; i++) if (visit(i)) return i;
  return -1;
}

/** The same, latest first. */
function scanBack(t: Trace, visit: (i: number) => boolean, from = t.length - 1): number {
  for (const i of t.back(from)) if (visit(i)) return i;
  return -1;
}

/** A cause at event `ev`; a completion's origin is the guest request with its transaction id. */
function causeAt(m: Machine, ev: number, text: string): ExpectCause {
  const t = m.trace;
  const c: ExpectCause = { event: ev, time: t.timeAt(ev), text };
  if (t.kindAt(ev) === Ev.PacketToGuest && (t.get(ev).blob as Uint8Array | undefined)?.[0] === COMPLETION) {
    const origin = requestOf(t, ev);
    if (origin >= 0) c.origin = origin;
  }
  return c;
}

/** The guest request a completion answers: the latest request before it on its bus with its transaction id, or -1. */
function requestOf(t: Trace, ev: number): number {
  return scanBack(t, (i) => t.kindAt(i) === Ev.PacketToHost && t.busAt(i) === t.busAt(ev) && t.bAt(i) === t.bAt(ev), ev - 1);
}

/** First protocol error (on `bus`, or anywhere when bus < 0), or -1. */
function firstError(m: Machine, bus: number): number {
  const t = m.trace;
  return scan(t, (i) => t.kindAt(i) === Ev.Error && (bus < 0 || t.busAt(i) === bus));
}

/** The last event the run recorded on `bus` (or at all when bus < 0), or -1. */
function lastEvent(m: Machine, bus: number): number {
  const t = m.trace;
  return scanBack(t, (i) => bus < 0 || t.busAt(i) === bus);
}

/** Why something never happened on a bus: its first protocol error, else the last thing it did. */
function whyNever(m: Machine, bus: number, what: string): ExpectCause | undefined {
  const e = firstError(m, bus);
  if (e >= 0) return causeAt(m, e, `${what}; first protocol error here: ${String(m.trace.get(e).blob)}`);
  const l = lastEvent(m, bus);
  return l >= 0 ? causeAt(m, l, `${what}; the last thing that happened${bus >= 0 ? ` on ${m.buses[bus]?.decl.name ?? 'the bus'}` : ''} is here`) : undefined;
}

/** The first event at or after `deadline` (the moment it passed), or -1 when the run ended before it. */
function deadlinePassed(m: Machine, deadline: number): number {
  const t = m.trace;
  // Times grow with the index: a kept event at or after the deadline is the first one (ExpectPast keeps it).
  for (const i of t.retained) if (t.timeAt(i) >= deadline) return i;
  let lo = t.base;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.timeAt(mid) < deadline) lo = mid + 1;
    else hi = mid;
  }
  return lo < t.length ? lo : -1;
}

/** What an Ev.State record holds: what changed, from and to what. */
type StateBlob = { what?: string; to?: unknown };

/** The first (or with `last`, the last) Ev.State record of a bus whose blob `match` accepts, or -1. */
function stateRecord(m: Machine, bus: number, match: (blob: StateBlob) => boolean, last = false): number {
  const t = m.trace;
  const is = (i: number): boolean => {
    if (t.busAt(i) !== bus || t.kindAt(i) !== Ev.State) return false;
    const b = t.blobAt(i) as StateBlob | undefined;
    return b !== undefined && match(b);
  };
  return last ? scanBack(t, is) : scan(t, is);
}

/** When (and at which event) the bus first reached a life-cycle state, from the trace. */
function stateEvent(m: Machine, bus: number, state: string): number {
  const t = m.trace;
  return scan(t, (i) => {
    if (t.busAt(i) !== bus) return false;
    const k = t.kindAt(i);
    if (k === Ev.State) {
      const b = t.blobAt(i) as { what?: string; to?: string } | undefined;
      return b?.what === 'bus' && b.to === state;
    }
    return k === Ev.Channel && state === 'rescinded' && t.aAt(i) === 3;
  });
}

/**
 * The first eject of a function of the bus that completed, or -1: the host's EJECT answered by
 * the guest's EJECTION_COMPLETE (the host's 'eject … complete' record; docs/protocol.md §7.2). An
 * EJECTION_COMPLETE the host never asked for (one the host refuses) is not an eject.
 */
function ejectedEvent(m: Machine, bus: number): number {
  const t = m.trace;
  const i = stateRecord(m, bus, (r) => r.what === 'eject' && r.to === 'complete');
  // The guest's EJECTION_COMPLETE the host took: the event the user goes to.
  if (i < 0) return i;
  const j = scanBack(t, (j) => t.busAt(j) === bus && t.kindAt(j) === Ev.PacketToHost && t.aAt(j) === EJECTION_COMPLETE, i);
  return j >= 0 ? j : i;
}

/** `nic0` for slot 0, `nic0/1` or `nic0/1.2` otherwise: how the scenario names a function (as the checker's messages do). */
function fnText(t: { bus: { name: string }; slot?: { device: number; fn: number; wslot: number } }): string {
  return t.slot && t.slot.wslot !== 0 ? `${t.bus.name}/${t.slot.device}${t.slot.fn ? `.${t.slot.fn}` : ''}` : t.bus.name;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

/**
 * Checks every expectation. `source` (the scenario's text) lets each result carry the
 * expectation as written. When a debugging session has dropped the trace's oldest events (with
 * its step-back history), `past` is what it kept of them for these expectations, and the results
 * are those of the whole run; without it they are judged on the events held, and say so.
 */
export function checkExpectations(m: Machine, list: Expectation[], source?: string, past?: ExpectPast): ExpectResult[] {
  const lines = source?.split(/\r\n|\r|\n/);
  const t = m.trace;
  const partial =
    t.base > 0 && past === undefined
      ? `; judged on the events since ${formatTime(t.timeAt(t.base))} only: older ones were dropped with the oldest step-back history`
      : '';
  return list.map((e) => {
    const r = checkOne(m, e, past);
    if (partial) r.detail += partial;
    r.line = e.loc.line;
    r.col = e.loc.col;
    const text = lines?.[e.loc.line - 1]
      ?.slice(e.loc.col - 1, e.loc.endLine === e.loc.line ? e.loc.endCol - 1 : undefined)
      .replace(/\s*#.*$/, '')
      .trim();
    if (text) r.text = text;
    return r;
  });
}

function result(ok: boolean, what: string, detail: string, extra: Partial<ExpectResult> = {}): ExpectResult {
  return { ok, what, detail, line: 0, col: 0, ...extra };
}

function checkOne(m: Machine, e: Expectation, past: ExpectPast | undefined): ExpectResult {
  const t = m.trace;
  switch (e.kind) {
    case 'state': {
      const b = m.buses.findIndex((x) => x.decl.name === e.bus.name);
      const what = `${e.bus.name} ${e.state}${e.before !== undefined ? ` before ${formatTime(e.before)}` : ''}`;
      const expected = e.before !== undefined ? `${e.state} before ${formatTime(e.before)}` : e.state;
      if (b < 0) return result(false, what, `no bus ${e.bus.name} was ever created`, { expected, actual: 'no such bus' });
      const ev = e.state === 'ejected' ? ejectedEvent(m, b) : stateEvent(m, b, e.state);
      if (ev < 0) {
        const status = m.model.busStatus(m.buses[b]!.state.sc);
        const detail =
          e.state === 'ejected'
            ? `${e.bus.name} had no eject completed (the host's EJECT answered by EJECTION_COMPLETE); guest state: ${status}`
            : `${e.bus.name} never became ${e.state} (guest state: ${status})`;
        const late = e.before !== undefined ? deadlinePassed(m, e.before) : -1;
        const cause =
          late >= 0
            ? causeAt(m, late, `the ${formatTime(e.before!)} deadline passed here; ${e.bus.name} never became ${e.state}`)
            : whyNever(m, b, `${e.bus.name} never became ${e.state}`);
        return result(false, what, detail, { expected, actual: `never (${status})`, ...(cause ? { cause } : {}) });
      }
      const at = t.timeAt(ev);
      const became = e.state === 'ejected' ? `${e.bus.name} completed the ejection here` : `${e.bus.name} became ${e.state} here`;
      if (e.before !== undefined && at >= e.before) {
        const late = deadlinePassed(m, e.before);
        return result(false, what, `${e.bus.name} became ${e.state} at ${formatTime(at)}`, {
          expected,
          actual: `${e.state} at ${formatTime(at)}`,
          cause: causeAt(
            m,
            late >= 0 ? late : ev,
            `the ${formatTime(e.before)} deadline passed here; ${e.bus.name} became ${e.state} only at ${formatTime(at)}`,
          ),
        });
      }
      return result(true, what, `at ${formatTime(at)}`, { cause: causeAt(m, ev, became) });
    }
    case 'version': {
      const b = m.buses.find((x) => x.decl.name === e.bus.name);
      const what = `${e.bus.name} negotiates version ${verText(e.version)}`;
      if (!b) return result(false, what, `no bus ${e.bus.name}`, { expected: verText(e.version), actual: 'no such bus' });
      const v = m.model.protocolVersion(b.state.sc);
      // The completion that carried the version: the last successful QUERY_PROTOCOL_VERSION reply.
      let ok = -1;
      let rejected = -1;
      scan(t, (i) => {
        if (t.kindAt(i) !== Ev.PacketToGuest || t.busAt(i) !== b.index || t.aAt(i) !== QUERY_PROTOCOL_VERSION) return false;
        const st = completionStatus(t.blobAt(i) as Uint8Array | undefined);
        if (st === undefined) return false;
        if ((st | 0) >= 0) ok = i;
        else rejected = i;
        return false;
      });
      // Both ends must agree: the host's side is the version it went ready with (its 'host' state event).
      const hostAt = stateRecord(m, b.index, (r) => r.what === 'host' && (r.to as { state?: string } | undefined)?.state === 'ready', true);
      const hostV = hostAt >= 0 ? (t.get(hostAt).blob as { to: { version?: number } }).to.version : undefined;
      if (v && hostV !== v) {
        const host = hostV ? verText(hostV) : 'none';
        const cause =
          hostAt >= 0
            ? causeAt(m, hostAt, `the host agreed ${host} here`)
            : ok >= 0
              ? causeAt(m, ok, `the guest took ${verText(v)} from this reply; the host agreed no version`)
              : undefined;
        return result(false, what, `the guest uses ${verText(v)}, but the host agreed ${host}`, {
          expected: verText(e.version),
          actual: `guest ${verText(v)}, host ${host}`,
          ...(cause ? { cause } : {}),
        });
      }
      const actual = v ? verText(v) : 'none';
      let cause: ExpectCause | undefined;
      if (ok >= 0) cause = causeAt(m, ok, `negotiated ${actual} here`);
      else if (rejected >= 0)
        cause = causeAt(
          m,
          rejected,
          `no version agreed: the host rejected the last offer here (${statusText(completionStatus(t.get(rejected).blob as Uint8Array)!)})`,
        );
      else cause = whyNever(m, b.index, 'no version was negotiated');
      return result(v === e.version, what, `negotiated ${actual}`, { expected: verText(e.version), actual, ...(cause ? { cause } : {}) });
    }
    case 'msix': {
      const b = m.buses.find((x) => x.decl.name === e.target.bus.name);
      const wslot = e.target.slot?.wslot ?? 0;
      const what = `${fnText(e.target)} has ${e.count} MSI-X vectors programmed with the host's address/data`;
      if (!b) return result(false, what, `no bus ${e.target.bus.name}`, { expected: String(e.count), actual: 'no such bus' });
      const mapped = mappedMsix(m, b.index, wslot);
      // Exactly N: more (or entries holding something else) is not what was expected either.
      const ok = mapped.good === e.count && mapped.bad === 0;
      const write = lastMsixWrite(m, b.index, wslot);
      const cause =
        write >= 0
          ? causeAt(
              m,
              write,
              ok
                ? `the last MSI-X table entry was programmed here`
                : `the last MSI-X table write is here; ${mapped.good} of ${e.count} vectors hold the host's address/data`,
            )
          : whyNever(m, b.index, 'the MSI-X table was never written');
      return result(ok, what, `${mapped.good} programmed as the host returned${mapped.bad ? `, ${mapped.bad} differ` : ''}`, {
        expected: String(e.count),
        actual: String(mapped.good),
        ...(cause ? { cause } : {}),
      });
    }
    case 'interrupt': {
      const b = m.buses.find((x) => x.decl.name === e.target.bus.name);
      const wslot = e.target.slot?.wslot ?? 0;
      const what = `${fnText(e.target)} vector ${e.vector} ${e.outcome}${e.cpu !== undefined ? ` to cpu ${e.cpu}` : ''}`;
      const expected = e.outcome === 'delivered' ? `delivered${e.cpu !== undefined ? ` to cpu ${e.cpu}` : ''}` : 'undeliverable';
      if (!b) return result(false, what, `no bus ${e.target.bus.name}`, { expected, actual: 'no such bus' });
      let delivered = -1;
      let dropped = -1;
      let wanted = -1;
      /** Raised while the vector was masked: left pending (the bus's PENDING_MASKED record). */
      let masked = -1;
      /** The CPUs the vector was delivered to, in the order of their first delivery. */
      const cpuSet = new Set<number>();
      scan(t, (i) => {
        if (t.busAt(i) !== b.index || t.aAt(i) !== wslot) return false;
        if (t.kindAt(i) === Ev.IntDeliver && (t.blobAt(i) as { index: number }).index === e.vector) {
          if (delivered < 0) delivered = i;
          if (wanted < 0 && (e.cpu === undefined || t.cAt(i) === e.cpu)) wanted = i;
          cpuSet.add(t.cAt(i));
        } else if (t.kindAt(i) === Ev.IntUndeliverable && t.bAt(i) === e.vector && dropped < 0) dropped = i;
        else if (t.kindAt(i) === Ev.State && t.bAt(i) === e.vector && masked < 0 && (t.blobAt(i) as { what?: string }).what === PENDING_MASKED) masked = i;
        return false;
      });
      const cpus = [...cpuSet];
      if (e.outcome === 'delivered') {
        if (wanted >= 0) {
          const hit = t.get(wanted);
          return result(true, what, `delivered to cpu ${hit.c} vector 0x${hit.b.toString(16)} at ${formatTime(hit.time)}`, {
            cause: causeAt(m, wanted, `vector ${e.vector} delivered to cpu ${hit.c} here`),
          });
        }
        const pending = 'raised while masked: left pending, never delivered';
        const actual = cpus.length
          ? `delivered to cpu ${cpus.join(', ')}`
          : dropped >= 0
            ? 'undeliverable'
            : masked >= 0
              ? 'pending (masked)'
              : 'never delivered';
        const cause =
          delivered >= 0
            ? causeAt(m, delivered, `vector ${e.vector} delivered to cpu ${t.cAt(delivered)} here`)
            : dropped >= 0
              ? causeAt(m, dropped, `vector ${e.vector} dropped here: ${String(t.get(dropped).blob)}`)
              : masked >= 0
                ? causeAt(m, masked, `vector ${e.vector} raised here while masked: left pending`)
                : whyNever(m, b.index, `vector ${e.vector} was never raised`);
        return result(
          false,
          what,
          cpus.length
            ? `delivered to cpu ${cpus.join(', ')}`
            : dropped >= 0
              ? `undeliverable: ${String(t.get(dropped).blob)}`
              : masked >= 0
                ? pending
                : 'never delivered',
          { expected, actual, ...(cause ? { cause } : {}) },
        );
      }
      if (dropped >= 0)
        return result(true, what, 'reported undeliverable', { cause: causeAt(m, dropped, `vector ${e.vector} dropped here: ${String(t.get(dropped).blob)}`) });
      const cause =
        delivered >= 0
          ? causeAt(m, delivered, `vector ${e.vector} was delivered here`)
          : masked >= 0
            ? causeAt(m, masked, `vector ${e.vector} raised here while masked: left pending, neither delivered nor dropped`)
            : whyNever(m, b.index, `vector ${e.vector} was never raised`);
      return result(false, what, delivered >= 0 ? 'it was delivered' : masked >= 0 ? 'raised while masked: left pending, not dropped' : 'never raised', {
        expected,
        actual: delivered >= 0 ? 'delivered' : masked >= 0 ? 'pending (masked)' : 'never raised',
        ...(cause ? { cause } : {}),
      });
    }
    case 'message': {
      const busIdx = e.bus ? m.buses.findIndex((x) => x.decl.name === e.bus!.name) : -1;
      const sent = messageSends(m, e, busIdx, past?.sends.get(e));
      const { n, late } = sent;
      /** The k-th send (0-based) of those counted: the first, the (count + 1)-th and the last are the ones read. */
      const sends = { at: sent.at };
      const name = e.message.name;
      const where = e.bus ? ` on ${e.bus.name}` : '';
      const first = n ? sends.at(0) : undefined;
      const sentHere = (i: number, k: number) => causeAt(m, i, `${name}${where} sent${k > 1 ? ` the ${ordinal(k)} time` : ''} here`);
      const deadline = e.before !== undefined ? ` before ${formatTime(e.before)}` : '';
      /** What "none" means under a deadline: none before it, and the first one after it if any. */
      const none = e.before !== undefined ? `none before ${formatTime(e.before)}${late >= 0 ? ` (first at ${formatTime(t.timeAt(late))})` : ''}` : 'none sent';
      if (e.negate)
        return result(n === 0, `no ${name}${where}${deadline}`, n ? `${n} sent, first at ${formatTime(t.timeAt(first!))}` : none, {
          expected: '0',
          actual: String(n),
          ...(n ? { cause: sentHere(first!, 1) } : {}),
        });
      if (e.count !== undefined) {
        const ok = n === e.count;
        let cause: ExpectCause | undefined;
        if (n > e.count) cause = sentHere(sends.at(e.count), e.count + 1);
        else if (n > 0)
          cause = causeAt(
            m,
            sends.at(n - 1),
            ok ? `${name}${where} sent the ${ordinal(n)} time here` : `${name}${where} sent for the last time here (${n} of ${e.count})`,
          );
        else if (late >= 0) cause = causeAt(m, late, `${name}${where} sent here, at or after the ${formatTime(e.before!)} deadline`);
        else
          cause =
            e.before !== undefined && deadlinePassed(m, e.before) >= 0
              ? causeAt(m, deadlinePassed(m, e.before), `the ${formatTime(e.before)} deadline passed here; ${name} was never sent`)
              : whyNever(m, busIdx, `${name}${where} was never sent`);
        return result(ok, `${name}${where} ${e.count === 1 ? 'once' : counted(e.count, 'time')}${deadline}`, `${n} sent`, {
          expected: String(e.count),
          actual: String(n),
          ...(cause ? { cause } : {}),
        });
      }
      if (n > 0) return result(true, `${name}${where}${deadline}`, `${n} sent, first at ${formatTime(t.timeAt(first!))}`, { cause: sentHere(first!, 1) });
      const cause =
        late >= 0
          ? causeAt(m, late, `${name}${where} sent here, at or after the ${formatTime(e.before!)} deadline`)
          : e.before !== undefined && deadlinePassed(m, e.before) >= 0
            ? causeAt(m, deadlinePassed(m, e.before), `the ${formatTime(e.before)} deadline passed here; ${name} was never sent`)
            : whyNever(m, busIdx, `${name}${where} was never sent`);
      return result(false, `${name}${where}${deadline}`, e.before !== undefined ? none : 'never sent', {
        expected: `sent${deadline}`,
        actual: late >= 0 ? `first at ${formatTime(t.timeAt(late))}` : 'never sent',
        ...(cause ? { cause } : {}),
      });
    }
    case 'no-errors': {
      // Counted among the events held, plus those dropped before them (ExpectPast); the first one is kept.
      let count = past?.errors ?? 0;
      for (let i = t.base; i < t.length; i++) if (t.kindAt(i) === Ev.Error) count++;
      if (!count) return result(true, 'no protocol errors', 'none', { expected: '0 errors', actual: '0 errors' });
      const e0 = firstError(m, -1);
      const first = String(t.blobAt(e0));
      return result(false, 'no protocol errors', `${counted(count, 'error')}, first: ${first}`, {
        expected: '0 errors',
        actual: counted(count, 'error'),
        cause: causeAt(m, e0, `first protocol error here: ${first}`),
      });
    }
  }
}

/** The last guest write into a function's MSI-X table (its address, data or control dword), or -1. */
function lastMsixWrite(m: Machine, bus: number, wslot: number): number {
  const fn = m.buses[bus]?.functions.get(wslot);
  const x = fn?.msix();
  if (!x) return -1;
  const t = m.trace;
  const lo = x.tableOffset;
  const hi = x.tableOffset + x.tableSize * 16;
  return scanBack(t, (i) => {
    if (t.kindAt(i) !== Ev.BarAccess || t.busAt(i) !== bus || t.aAt(i) !== wslot || t.bAt(i) !== x.tableBir) return false;
    const off = t.cAt(i);
    return off >= lo && off < hi && (t.blobAt(i) as BarAccessDetail).write;
  });
}

/** MSI-X table entries of a function holding exactly an (address, data) the host returned for it. */
export function mappedMsix(m: Machine, bus: number, wslot: number): { good: number; bad: number } {
  const b = m.buses[bus]!;
  const child = b.state.sc.pci.children.find((c) => c.wslot === wslot);
  const fn = b.functions.get(wslot);
  let good = 0;
  let bad = 0;
  if (!child || !fn) return { good, bad };
  const granted = new Set(m.remapper.entriesFor(bus, wslot).map((e) => `${e.address}:${e.data}`));
  for (const irq of child.irqs) {
    // MSI-X vectors only: an MSI vector lives in the capability, not in the table.
    if (!irq.mapped || m.irqInfo(irq.irq)?.kind !== 'msix') continue;
    const entry = msixEntry(fn, irq.index);
    if (entry && granted.has(`${entry.address}:${entry.data}`)) good++;
    else bad++;
  }
  return { good, bad };
}

type MessageExpectation = Extract<Expectation, { kind: 'message' }>;

/** Whether event i is a send an expectation of message `e` counts (on bus `busIdx`, any when < 0): late when at or after its deadline. */
function sendOf(t: Trace, e: MessageExpectation, busIdx: number, i: number): 'counted' | 'late' | undefined {
  const k = t.kindAt(i);
  if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) return undefined;
  if (t.aAt(i) !== e.message.value >>> 0) return undefined;
  // Count messages, not the completions that answer them (VMBus descriptor type 6 = in-band data).
  const pkt = t.blobAt(i) as Uint8Array | undefined;
  if (pkt && pkt[0] !== INBAND) return undefined;
  if (busIdx >= 0 && t.busAt(i) !== busIdx) return undefined;
  return e.before !== undefined && t.timeAt(i) >= e.before ? 'late' : 'counted';
}

/** What an ExpectPast holds of a message expectation's sends that were dropped. */
interface DroppedSends {
  /** How many it counted. */
  count: number;
  /** The (count + 1)-th of them, when it was dropped (kept): the one too many. */
  extra: number;
}

/**
 * The sends an expectation of message `e` counts: how many (`n`), the k-th of them (`at`: the
 * first, the (count + 1)-th and the last are the ones read), and the first late one (-1 if none).
 * Those dropped with the oldest history are counted by `dropped`; the first, the last and the
 * one too many of them are kept (ExpectPast), the late one too.
 */
function messageSends(
  m: Machine,
  e: MessageExpectation,
  busIdx: number,
  dropped: DroppedSends | undefined,
): { n: number; at: (k: number) => number; late: number } {
  const t = m.trace;
  const held: number[] = [];
  let late = -1;
  let keptFirst = -1;
  let keptLast = -1;
  if (!e.bus || busIdx >= 0) {
    for (const i of t.retained) {
      const s = sendOf(t, e, busIdx, i);
      if (s === 'late' && late < 0) late = i;
      else if (s === 'counted') {
        if (keptFirst < 0) keptFirst = i;
        keptLast = i;
      }
    }
    for (let i = t.base; i < t.length; i++) {
      const s = sendOf(t, e, busIdx, i);
      if (s === 'late' && late < 0) late = i;
      else if (s === 'counted') held.push(i);
    }
  }
  const d = dropped?.count ?? 0;
  const at = (k: number): number => {
    if (k >= d) return held[k - d] ?? -1;
    if (k === 0) return keptFirst;
    if (k === d - 1) return keptLast;
    return e.count !== undefined && k === e.count ? (dropped?.extra ?? -1) : -1;
  };
  return { n: d + held.length, at, late };
}

/**
 * What a scenario's expectations need of the trace events a debugging session drops (with the
 * oldest step-back history): counts (protocol errors, the sends a message expectation counts) and
 * the events an expectation selects (the first, or the last, of a kind: the first error of each
 * bus, each bus's first move to each state and the last host state, each vector's first delivery
 * to each CPU, the last version reply, the last MSI-X table write, the first event past each
 * deadline, the first, last and one-too-many sends…), which the trace keeps. With it,
 * checkExpectations judges the whole run, as without a drop. What it keeps grows with the machine
 * (its buses, functions, vectors and states), not with the length of the run. Ours.
 */
export class ExpectPast {
  /** Protocol errors dropped. */
  errors = 0;
  /** Per message expectation, its sends dropped. */
  readonly sends = new Map<Expectation, DroppedSends>();
  private folded = 0;

  constructor(private readonly list: readonly Expectation[]) {}

  /**
   * Called before the trace drops the events before `before`: counts those not yet counted, and
   * returns the events to keep (among them, those kept before: keep them all).
   */
  fold(m: Machine, before: number): number[] {
    const t = m.trace;
    const from = Math.max(this.folded, t.base);
    const to = Math.min(before, t.length);
    this.folded = Math.max(this.folded, to);
    const firstBy = new Map<string, number>();
    const lastBy = new Map<string, number>();
    const keep: number[] = [];
    const first = (k: string, i: number): boolean => {
      if (firstBy.has(k)) return false;
      firstBy.set(k, i);
      return true;
    };
    const last = (k: string, i: number): void => void lastBy.set(k, i);
    const messages = this.list.filter((e): e is MessageExpectation => e.kind === 'message');
    const deadlines = [...new Set(this.list.map((e) => ('before' in e ? e.before : undefined)).filter((d): d is number => d !== undefined))];
    const msix = new Map<string, { bir: number; lo: number; hi: number } | undefined>();
    const tableOf = (bus: number, wslot: number) => {
      const k = `${bus}/${wslot}`;
      if (!msix.has(k)) {
        const x = m.buses[bus]?.functions.get(wslot)?.msix();
        msix.set(k, x && { bir: x.tableBir, lo: x.tableOffset, hi: x.tableOffset + x.tableSize * 16 });
      }
      return msix.get(k);
    };
    // The buses the expectations name (all of a name: a bus named again is another bus). What only
    // they read (a bus's states, channel events, interrupts, last event) is kept for them alone: kept
    // for every bus, a long hot-plug session kept a dozen events of each bus it ever offered.
    const named = new Set<string>();
    for (const e of this.list) {
      const name = 'bus' in e ? e.bus?.name : 'target' in e ? e.target.bus.name : undefined;
      if (name !== undefined) named.add(name);
    }
    const judged = m.buses.map((b) => named.has(b.decl.name));
    const visit = (i: number, fresh: boolean): void => {
      const kind = t.kindAt(i);
      const bus = t.busAt(i);
      // Events of the machine (no bus index) are always of interest.
      const mine = judged[bus] ?? true;
      if (mine) last(`last/${bus}`, i);
      for (const d of deadlines) if (t.timeAt(i) >= d) first(`deadline/${d}`, i);
      // Of a bus no expectation names, only an error is of interest (-1 is no kind).
      switch (mine || kind === Ev.Error ? kind : -1) {
        case Ev.Error:
          // The first error of all stays among these (no errors' cause: firstError(m, -1)).
          first(mine ? `error/${bus}` : 'error/unnamed', i);
          if (fresh) this.errors++;
          break;
        case Ev.State: {
          const b = t.blobAt(i) as { what?: unknown; to?: unknown } | undefined;
          const to = b?.to;
          const toKey = typeof to === 'string' ? to : to && typeof to === 'object' && 'state' in to ? String(to.state) : '';
          const k = `state/${bus}/${String(b?.what)}/${toKey}/${t.aAt(i)}/${t.bAt(i)}`;
          // The first eject completed keeps the guest's EJECTION_COMPLETE before it (ejectedEvent).
          if (first(k, i) && b?.what === 'eject' && to === 'complete' && lastBy.has(`ejc/${bus}`)) keep.push(lastBy.get(`ejc/${bus}`)!);
          last(k, i);
          break;
        }
        case Ev.Channel:
          first(`channel/${bus}/${t.aAt(i)}`, i);
          break;
        case Ev.PacketToHost:
          if (t.aAt(i) === EJECTION_COMPLETE) last(`ejc/${bus}`, i);
          break;
        case Ev.PacketToGuest:
          if (t.aAt(i) === QUERY_PROTOCOL_VERSION) {
            const st = completionStatus(t.blobAt(i) as Uint8Array | undefined);
            if (st !== undefined) last(`version/${bus}/${(st | 0) >= 0}`, i);
          }
          break;
        case Ev.IntDeliver:
          first(`deliver/${bus}/${t.aAt(i)}/${(t.blobAt(i) as { index: number }).index}/${t.cAt(i)}`, i);
          break;
        case Ev.IntUndeliverable:
          first(`undeliverable/${bus}/${t.aAt(i)}/${t.bAt(i)}`, i);
          break;
        case Ev.BarAccess: {
          const x = tableOf(bus, t.aAt(i));
          const off = t.cAt(i);
          if (x && t.bAt(i) === x.bir && off >= x.lo && off < x.hi && (t.blobAt(i) as BarAccessDetail).write) last(`msix/${bus}/${t.aAt(i)}`, i);
          break;
        }
      }
      for (const e of messages) {
        const busIdx = e.bus ? m.buses.findIndex((x) => x.decl.name === e.bus!.name) : -1;
        if (e.bus && busIdx < 0) continue; // not offered yet: none of its sends
        const s = sendOf(t, e, busIdx, i);
        if (s === 'late') first(`late/${this.list.indexOf(e)}`, i);
        else if (s === 'counted') {
          const k = this.list.indexOf(e);
          first(`sent/${k}`, i);
          last(`sent/${k}`, i);
          if (!fresh) continue;
          const d = this.sends.get(e) ?? { count: 0, extra: -1 };
          this.sends.set(e, d);
          if (d.count === e.count) d.extra = i;
          d.count++;
        }
      }
    };
    for (const i of t.retained) if (i < before) visit(i, false);
    for (let i = t.base; i < to; i++) visit(i, i >= from);
    keep.push(...firstBy.values(), ...lastBy.values());
    for (const d of this.sends.values()) if (d.extra >= 0) keep.push(d.extra);
    // A kept completion keeps the request it answers (a cause's origin).
    for (const i of [...keep])
      if (t.kindAt(i) === Ev.PacketToGuest && (t.blobAt(i) as Uint8Array | undefined)?.[0] === COMPLETION) {
        const r = requestOf(t, i);
        if (r >= 0) keep.push(r);
      }
    return keep;
  }
}
