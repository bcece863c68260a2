// Checks a scenario's expectations against a finished (or paused) run, from the
// trace and the guest/host state — never from anything the run did not record.
import type { Expectation } from '../scenario/ast';
import { Ev } from '../vpci/events';
import type { Machine } from './machine';
import { rd32 } from '../vpci/guest/kernel';
import { msixEntry } from './device-view';

export interface ExpectResult {
  ok: boolean;
  /** What was expected, in words. */
  what: string;
  /** What happened instead (or the evidence when it held). */
  detail: string;
  line: number;
  col: number;
}

function fmtNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} us`;
  return `${ns} ns`;
}

function verText(v: number): string {
  return `${v >>> 16}.${v & 0xffff}`;
}

/** When the bus first reached a life-cycle state, from the trace. */
function stateTime(m: Machine, bus: number, state: string): number | undefined {
  const t = m.trace;
  for (let i = 0; i < t.length; i++) {
    if (t.bus[i] !== bus) continue;
    const k = t.kind[i];
    if (k === Ev.State) {
      const b = t.get(i).blob as { what?: string; to?: string } | undefined;
      if (b?.what === 'bus' && b.to === state) return t.time[i];
    } else if (k === Ev.Channel && state === 'rescinded' && t.a[i] === 3) return t.time[i];
  }
  return undefined;
}

function ejectedTime(m: Machine, bus: number, wslot: number): number | undefined {
  const t = m.trace;
  for (let i = 0; i < t.length; i++) {
    if (t.bus[i] !== bus || t.kind[i] !== Ev.PacketToHost || t.a[i] !== 0x4249000f) continue;
    const pkt = t.get(i).blob as Uint8Array;
    if (rd32(pkt, 20) === wslot) return t.time[i];
  }
  return undefined;
}

/** `nic0` for slot 0, `nic0/1.0` otherwise: how the scenario names a function. */
function fnText(t: { bus: { name: string }; slot?: { device: number; fn: number; wslot: number } }): string {
  return t.slot && t.slot.wslot !== 0 ? `${t.bus.name}/${t.slot.device}.${t.slot.fn}` : t.bus.name;
}

export function checkExpectations(m: Machine, list: Expectation[]): ExpectResult[] {
  const out: ExpectResult[] = [];
  for (const e of list) {
    const r = (ok: boolean, what: string, detail: string) => out.push({ ok, what, detail, line: e.loc.line, col: e.loc.col });
    switch (e.kind) {
      case 'state': {
        const b = m.buses.findIndex((x) => x.decl.name === e.bus.name);
        const what = `${e.bus.name} ${e.state}${e.before !== undefined ? ` before ${fmtNs(e.before)}` : ''}`;
        if (b < 0) {
          r(false, what, `no bus ${e.bus.name} was ever created`);
          break;
        }
        const at = e.state === 'ejected' ? ejectedTime(m, b, 0) : stateTime(m, b, e.state);
        if (at === undefined) {
          r(false, what, `${e.bus.name} never became ${e.state} (guest state: ${m.model.busStatus(m.buses[b]!.state.sc)})`);
        } else if (e.before !== undefined && at >= e.before) {
          r(false, what, `${e.bus.name} became ${e.state} at ${fmtNs(at)}`);
        } else r(true, what, `at ${fmtNs(at)}`);
        break;
      }
      case 'version': {
        const b = m.buses.find((x) => x.decl.name === e.bus.name);
        const what = `${e.bus.name} negotiates version ${verText(e.version)}`;
        const v = b ? m.model.protocolVersion(b.state.sc) : 0;
        r(v === e.version, what, b ? `negotiated ${v ? verText(v) : 'none'}` : `no bus ${e.bus.name}`);
        break;
      }
      case 'msix': {
        const b = m.buses.find((x) => x.decl.name === e.target.bus.name);
        const wslot = e.target.slot?.wslot ?? 0;
        const what = `${fnText(e.target)} has ${e.count} MSI-X vectors programmed with the host's address/data`;
        if (!b) {
          r(false, what, `no bus ${e.target.bus.name}`);
          break;
        }
        const mapped = mappedMsix(m, b.index, wslot);
        r(mapped.good >= e.count, what, `${mapped.good} programmed as the host returned${mapped.bad ? `, ${mapped.bad} differ` : ''}`);
        break;
      }
      case 'interrupt': {
        const b = m.buses.find((x) => x.decl.name === e.target.bus.name);
        const wslot = e.target.slot?.wslot ?? 0;
        const what = `${fnText(e.target)} vector ${e.vector} ${e.outcome}${e.cpu !== undefined ? ` to cpu ${e.cpu}` : ''}`;
        if (!b) {
          r(false, what, `no bus ${e.target.bus.name}`);
          break;
        }
        const got = m.delivered().filter((d) => d.bus === b.index && d.wslot === wslot && d.index === e.vector);
        if (e.outcome === 'delivered') {
          const hit = got.find((d) => e.cpu === undefined || d.cpu === e.cpu);
          r(!!hit, what, hit ? `delivered to cpu ${hit.cpu} vector 0x${hit.vector.toString(16)} at ${fmtNs(hit.time)}` : got.length ? `delivered to cpu ${got.map((g) => g.cpu).join(', ')}` : 'never delivered');
        } else {
          let undeliverable = false;
          const t = m.trace;
          for (let i = 0; i < t.length; i++) if (t.kind[i] === Ev.IntUndeliverable && t.bus[i] === b.index && t.a[i] === wslot && t.b[i] === e.vector) undeliverable = true;
          r(undeliverable, what, undeliverable ? 'reported undeliverable' : got.length ? 'it was delivered' : 'never raised');
        }
        break;
      }
      case 'message': {
        const t = m.trace;
        const busIdx = e.bus ? m.buses.findIndex((x) => x.decl.name === e.bus!.name) : -1;
        let n = 0;
        let first: number | undefined;
        for (let i = 0; i < t.length; i++) {
          const k = t.kind[i];
          if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
          if (t.a[i] !== e.message.value >>> 0) continue;
          // Count messages, not the completions that answer them (VMBus descriptor type 6 = in-band data).
          const pkt = t.get(i).blob as Uint8Array | undefined;
          if (pkt && pkt[0] !== 6) continue;
          if (busIdx >= 0 && t.bus[i] !== busIdx) continue;
          if (e.bus && busIdx < 0) continue;
          if (e.before !== undefined && t.time[i]! >= e.before) continue;
          n++;
          if (first === undefined) first = t.time[i];
        }
        const where = e.bus ? ` on ${e.bus.name}` : '';
        if (e.negate) r(n === 0, `no ${e.message.name}${where}`, n ? `${n} sent, first at ${fmtNs(first!)}` : 'none sent');
        else if (e.count !== undefined) r(n === e.count, `${e.message.name}${where} ${e.count} time(s)${e.before !== undefined ? ` before ${fmtNs(e.before)}` : ''}`, `${n} sent`);
        else r(n > 0, `${e.message.name}${where}`, n ? `${n} sent, first at ${fmtNs(first!)}` : 'never sent');
        break;
      }
      case 'no-errors': {
        const t = m.trace;
        const errs: string[] = [];
        for (let i = 0; i < t.length; i++) if (t.kind[i] === Ev.Error) errs.push(String(t.get(i).blob));
        r(errs.length === 0, 'no protocol errors', errs.length ? `${errs.length} error(s), first: ${errs[0]}` : 'none');
        break;
      }
    }
  }
  return out;
}

/** MSI-X table entries of a function holding exactly an (address, data) the host returned for it. */
export function mappedMsix(m: Machine, bus: number, wslot: number): { good: number; bad: number } {
  const b = m.buses[bus]!;
  const pci = (b.state.sc.pci?.children ?? []) as { wslot: number; irqs: { index: number; addr: number; data: number; mapped: boolean }[] }[];
  const child = pci.find((c) => c.wslot === wslot);
  const fn = b.functions.get(wslot);
  let good = 0;
  let bad = 0;
  if (!child || !fn) return { good, bad };
  const granted = new Set(m.remapper.entriesFor(bus, wslot).map((e) => `${e.address}:${e.data}`));
  for (const irq of child.irqs) {
    if (!irq.mapped) continue;
    const entry = msixEntry(fn, irq.index);
    if (entry && granted.has(`${entry.address}:${entry.data}`)) good++;
    else bad++;
  }
  return { good, bad };
}
