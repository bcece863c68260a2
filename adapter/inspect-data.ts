// Data-breakpoint targets: a config register or field (by expression, by a Variables row or "at
// an address" in config space) or an MSI-X table entry; their current values, whether a trace
// event touches them, and what to say when one fires. Ids (breakpoints.ts dataId) name the bus,
// slot, offset and width, never a register's name, so they survive renames and sessions. What a
// write may change is read from the function's own config-space masks.
import { Ev } from '../emulator/vpci/events';
import { msixEntry } from '../emulator/machine/device-view';
import { REGISTERS, findField, findRegister } from '../emulator/pci/registers';
import { wslotText } from '../emulator/vpci/protocol';
import { dataId, type DataBp, type DataTarget } from './breakpoints';
import { parseNumber } from './vars';
import { fnPrefix, type InspectContext } from './inspect-context';
import { accessText, capRegister, capRegisterAt, masksAt } from './inspect-registers';

export type Target = Omit<DataTarget, 'description'>;

export function dataTargetAtAddress(ctx: InspectContext, name: string, bytes: number): { dataId: string; description: string } | undefined {
  // "<bus>[/<slot>]:<offset>" or "<bus>[/<slot>] <offset>" — an offset in the function's config space.
  const m = /^\s*([A-Za-z_][\w-]*(?:\/[0-9a-fA-F]{1,2}(?:\.[0-7])?)?)\s*[: +]\s*(\S+)\s*$/.exec(name);
  if (!m) return undefined;
  const r = ctx.resolveFn(m[1]);
  const off = parseNumber(m[2]!);
  if (!r || off === undefined || off < 0 || off >= 4096) return undefined;
  const width = Math.max(1, Math.min(bytes, 4096 - off));
  const t: Target = { kind: 'cfg', bus: ctx.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: off, width };
  return { dataId: dataId(t), description: describeTarget(ctx, t) };
}

/** `nic0.COMMAND`, `nic0.COMMAND.MEMORY`, `nic0.caps.msix.FLAGS.ENABLE`, `msix(nic0)[2]` (old register spellings too). */
export function dataTargetForExpression(ctx: InspectContext, expr: string): { dataId: string; description: string } | undefined {
  const m = /^\s*([A-Za-z_][\w-]*(?:\/[0-9a-fA-F]{1,2}(?:\.[0-7])?)?)\.(?:caps\.([a-z0-9_]+)\.)?([A-Za-z_0-9]+)(?:\.([A-Za-z_0-9]+))?\s*$/.exec(expr);
  if (m) {
    const r = ctx.resolveFn(m[1]);
    const f = r ? ctx.fn(r.bi, r.wslot) : undefined;
    const def = f && m[2] ? capRegister(f, m[2], m[3]!) : findRegister(m[3]!);
    if (r && def) {
      let off = def.offset;
      let width: number = def.size;
      if (m[4]) {
        const fd = findField(def, m[4]);
        if (!fd) return undefined;
        off = def.offset + (fd.bits[0] >> 3);
        width = (fd.bits[1] >> 3) - (fd.bits[0] >> 3) + 1;
      }
      const t: Target = { kind: 'cfg', bus: ctx.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: off, width };
      return { dataId: dataId(t), description: describeTarget(ctx, t) };
    }
  }
  const mx = /^\s*msix\(\s*"?([^")]+?)"?\s*\)\[(\d+)\]\s*$/.exec(expr);
  if (mx) {
    const r = ctx.resolveFn(mx[1]);
    if (!r) return undefined;
    const t: Target = { kind: 'msix', bus: ctx.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: Number(mx[2]), width: 16 };
    return { dataId: dataId(t), description: describeTarget(ctx, t) };
  }
  return undefined;
}

/** "nic0.STATUS (config 0x06, RW1C 0xf900)", "nic0.caps.msix.FLAGS (config 0x72, RW 0xc000)": the register by name where one fits, and what writes can do to it. */
export function describeTarget(ctx: InspectContext, t: Target): string {
  const where = fnPrefix(t.bus, t.wslot, wslotText);
  if (t.kind === 'msix') return `${where} MSI-X entry ${t.offset}`;
  const bi = ctx.busIndex(t.bus);
  const f = bi >= 0 ? ctx.fn(bi, t.wslot) : undefined;
  const hx = (n: number, d: number): string => `0x${n.toString(16).padStart(d, '0')}`;
  const access =
    f && t.width <= 4
      ? (() => {
          const m = masksAt(f, t.offset, t.width);
          return `, ${accessText(m.wmask, m.w1cmask, t.width, (n, d) => hx(n, d ?? 0))}`;
        })()
      : '';
  const r = REGISTERS.find((x) => x.offset === t.offset && x.size === t.width);
  if (r) return `${where}.${r.name} (config ${hx(t.offset, 2)}${access})`;
  // a capability's register by the name its Variables row and expressions use (nic0.caps.msix.FLAGS)
  const cap = f ? capRegisterAt(f, t.offset, t.width) : undefined;
  if (cap) return `${where}.${cap} (config ${hx(t.offset, 2)}${access})`;
  return `${where} config ${hx(t.offset, 3)}..${hx(t.offset + t.width - 1, 3)}${access ? ` (${access.slice(2)})` : ''}`;
}

/**
 * Why a data breakpoint's target can never be present in this scenario, or undefined when it can:
 * its bus is declared or offered by a timeline event, and its slot is one of that bus's functions
 * there or is filled by a `plug` event.
 */
export function targetNeverPresent(ctx: InspectContext, t: Pick<Target, 'bus' | 'wslot'>, shown: (name: string) => string = (n) => n): string | undefined {
  const c = ctx.m.config;
  const slots = new Set<number>();
  let known = false;
  for (const b of c.buses)
    if (b.name === t.bus) {
      known = true;
      for (const f of b.functions) slots.add(f.wslot);
    }
  for (const e of c.timeline) {
    if (e.kind === 'offer' && e.bus.name.name === t.bus) {
      known = true;
      for (const f of e.bus.functions) slots.add(f.slot.wslot);
    } else if (e.kind === 'plug' && e.bus.name === t.bus) slots.add(e.fn.slot.wslot);
  }
  if (!known) return `this scenario has no bus named ${shown(t.bus)}`;
  if (!slots.has(t.wslot))
    return `bus ${t.bus} never has a function at ${wslotText(t.wslot)} in this scenario (it has ${
      [...slots]
        .sort((a, b) => a - b)
        .map(wslotText)
        .join(', ') || 'none'
    })`;
  return undefined;
}

export function targetPresent(ctx: InspectContext, t: Target): boolean {
  const bi = ctx.busIndex(t.bus);
  return bi >= 0 && !!ctx.fn(bi, t.wslot);
}

export function dataValue(ctx: InspectContext, bp: DataBp): number | undefined {
  const t = bp.target;
  const bi = ctx.busIndex(t.bus);
  const f = bi >= 0 ? ctx.fn(bi, t.wslot) : undefined;
  if (!f) return undefined;
  if (t.kind === 'msix') {
    const e = msixEntry(f, t.offset);
    return e ? e.data : undefined;
  }
  return t.width <= 6 ? ctx.raw(f, t.offset, t.width) : undefined;
}

export function dataTouches(ctx: InspectContext, bp: DataBp, ev: number): 'read' | 'write' | undefined {
  const tr = ctx.m.trace;
  const k = tr.kind[ev];
  const t = bp.target;
  if (k !== Ev.CfgRead && k !== Ev.CfgWrite && k !== Ev.BarAccess) return undefined;
  const b = ctx.m.buses[tr.bus[ev]!];
  if (!b || b.decl.name !== t.bus || tr.a[ev] !== t.wslot) return undefined;
  if (t.kind === 'cfg') {
    if (k === Ev.BarAccess) return undefined;
    const off = tr.b[ev]! & 0xfff;
    const size = tr.b[ev]! >>> 16 || 4;
    if (off < t.offset + t.width && t.offset < off + size) return k === Ev.CfgWrite ? 'write' : 'read';
    return undefined;
  }
  if (k !== Ev.BarAccess) return undefined;
  const f = b.functions.get(t.wslot);
  const mx = f?.msix();
  if (!mx || tr.b[ev] !== mx.tableBir) return undefined;
  const d = tr.get(ev).blob as { size: number; write: boolean };
  const off = tr.c[ev]!;
  const lo = mx.tableOffset + 16 * t.offset;
  if (off < lo + 16 && lo < off + d.size) return d.write ? 'write' : 'read';
  return undefined;
}

export function describeDataHit(ctx: InspectContext, bp: DataBp, old: number | undefined, now: number | undefined, write: boolean): string {
  const t = bp.target;
  const w = t.kind === 'msix' ? 8 : t.width * 2;
  const h = (v: number | undefined): string => (v === undefined ? '?' : `0x${v.toString(16).padStart(w, '0')}`);
  if (t.kind === 'msix') return `${t.description}: ${write ? `written, data ${h(old)} → ${h(now)}` : 'read'}`;
  if (!write) return `${t.description} read (value ${h(now)})`;
  if (old === now && t.width <= 4) {
    // Say why a write changed nothing when the masks are the reason.
    const bi = ctx.busIndex(t.bus);
    const f = bi >= 0 ? ctx.fn(bi, t.wslot) : undefined;
    const m = f ? masksAt(f, t.offset, t.width) : undefined;
    if (m && !m.wmask && !m.w1cmask) return `${t.description}: ${h(old)} → ${h(now)} (written, read-only: unchanged)`;
  }
  return `${t.description}: ${h(old)} → ${h(now)}${old === now ? ' (written, unchanged)' : ''}`;
}
