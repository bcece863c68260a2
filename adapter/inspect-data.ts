// Data-breakpoint targets: a config register or field (by expression, by a Variables row or "at
// an address" in config space), an MSI-X table entry, or guest-physical bytes (VS Code's "Add
// Data Breakpoint at Address"); their current values, whether a trace event touches them, and
// what to say when one fires. Ids (breakpoints.ts dataId) name the bus, slot, offset and width
// (or the address and length), never a register's name, so they survive renames and sessions.
// What a write may change is read from the function's own config-space masks.
import { Ev, type BarAccessDetail } from '../emulator/vpci/events';
import { memoryBars, msixEntry } from '../emulator/machine/device-view';
import type { Machine } from '../emulator/machine/machine';
import type { Trace } from '../emulator/runtime/trace';
import { isWindowChange } from './trace-keep';
import { REGISTERS, findField, findRegister } from '../emulator/pci/registers';
import { slotName } from '../emulator/vpci/protocol';
import { GPA_LIMIT, dataId, dataTargetProblem, type DataBp, type DataTargetId } from './breakpoints';
import { parseNumber } from './vars';
import { FN_NAME, fnPrefix, type InspectContext } from './inspect-context';
import { accessText, barsNode, capRegister, capRegisterAt, hexName, masksAt, registerFieldNode, registerNode } from './inspect-registers';
import type { VarNode } from './vars';

export type Target = DataTargetId;

/** The config window's layout (protocol.md §4): the slot register at +0, the selected function's config page at +0x1000, 8 KiB in all. */
const WINDOW_CONFIG_PAGE = 0x1000;
const WINDOW_SIZE = 0x2000;

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * A data-breakpoint target "at an address": a guest-physical address (a number, as VS Code's Add
 * Data Breakpoint at Address sends it: `0x…` or decimal) and `bytes` from there, or an offset in
 * one function's config space (`nic0:0x04`, `nic0/1.0 0x10`). A string says why `name` is neither.
 */
export function dataTargetAtAddress(
  ctx: InspectContext,
  name: string,
  bytes: number | undefined,
): { dataId: string; description: string } | string | undefined {
  if (/^\s*(?:0x[0-9a-f]+|\d+)\s*$/i.test(name)) {
    const a = BigInt(name.trim());
    if (a >= BigInt(GPA_LIMIT)) return `${name.trim()} is past the 52-bit guest-physical address space`;
    // One byte unless told: VS Code's prompt asks for the length, and offers 1.
    const t: Target = { kind: 'gpa', address: Number(a), width: bytes ?? 1 };
    const bad = dataTargetProblem(t);
    if (bad) return `${name.trim()} + ${bytes}: ${bad}`;
    return { dataId: dataId(t), description: describeTarget(ctx, t) };
  }
  // "<bus>[/<slot>]:<offset>" or "<bus>[/<slot>] <offset>" — an offset in the function's config space.
  const m = CONFIG_TARGET.exec(name);
  if (!m) return undefined;
  const r = ctx.resolveFn(m[1]);
  const off = parseNumber(m[2]!);
  if (!r || off === undefined || off < 0 || off >= 4096) return undefined;
  const width = Math.max(1, Math.min(bytes ?? 4, 4096 - off));
  const t: Target = { kind: 'cfg', bus: ctx.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: off, width };
  return { dataId: dataId(t), description: describeTarget(ctx, t) };
}

/** "<bus>[/<slot>]:<offset>" or "<bus>[/<slot>] <offset>". */
const CONFIG_TARGET = new RegExp(String.raw`^\s*(${FN_NAME})\s*[: +]\s*(\S+)\s*$`);
/** BUS[/SLOT].bars[k]: a BAR's row (inspect-registers.ts barsNode). */
const BAR_TARGET = new RegExp(String.raw`^\s*(${FN_NAME})\.bars\[(\d+)\]\s*$`);
/** <bus>[/<slot>].[caps.KEY.]REG[.FIELD] (in any case, as the expression language reads members). */
const REGISTER_TARGET = new RegExp(String.raw`^\s*(${FN_NAME})\.(?:caps\.([A-Za-z0-9_]+)\.)?([A-Za-z_0-9]+)(?:\.([A-Za-z_0-9]+))?\s*$`);

/**
 * The Variables row of a register or field named alone (nic0.COMMAND, nic0/01.0.STATUS.CAP_LIST,
 * nic0.caps.msix.FLAGS), however it is spelt (nic0.command.memory, nic0/1.0, nic0.BAR0,
 * nic0.caps.MSIX.flags), under the row's own name: one name in Watch, the console, and a data
 * breakpoint's description. Each spelling was a name of its own (nic0.command.MEMORY), and a field
 * watched by expression was "nic0 config 0x004..0x004" where its row's was nic0.COMMAND.MEMORY.
 * Undefined for any other expression, or a function not there now.
 */
export function registerRowFor(ctx: InspectContext, expr: string): VarNode | undefined {
  const m = REGISTER_TARGET.exec(expr);
  const r = m ? ctx.resolveFn(m[1]) : undefined;
  const f = r ? ctx.fn(r.bi, r.wslot) : undefined;
  if (!m || !r || !f) return undefined;
  const def = m[2] !== undefined ? capRegister(f, m[2], m[3]!) : findRegister(m[3]!);
  if (!def) return undefined;
  const path = `${fnPrefix(ctx.m.buses[r.bi]!.decl.name, r.wslot)}.${m[2] !== undefined ? `caps.${m[2].toLowerCase()}.` : ''}${def.name}`;
  if (m[4] === undefined) return registerNode(ctx, r.bi, r.wslot, f, def, path);
  const fd = findField(def, m[4]);
  return fd && registerFieldNode(ctx, r.bi, r.wslot, f, def, fd, path);
}

/** `nic0.COMMAND`, `nic0.COMMAND.MEMORY`, `nic0.caps.msix.FLAGS.ENABLE`, `msix(nic0)[2]` (old register spellings too). */
export function dataTargetForExpression(ctx: InspectContext, expr: string): { dataId: string; description: string } | undefined {
  const m = REGISTER_TARGET.exec(expr);
  // As the row that expression names describes it ("Break on Value Change" there).
  const reg = m ? registerRowFor(ctx, expr) : undefined;
  if (reg?.dataId) return { dataId: reg.dataId, description: reg.dataDescription ?? expr };
  if (m) {
    // A function not there now (not yet plugged, ejected): its bytes, by offset.
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
  // A BAR's row (nic0.bars[0]) watches its register, both dwords of a 64-bit one, as "Break on Value Change" on the row does.
  const bar = BAR_TARGET.exec(expr);
  const br = bar ? ctx.resolveFn(bar[1]) : undefined;
  const bf = br ? ctx.fn(br.bi, br.wslot) : undefined;
  const row = bf ? barsNode(ctx, br!.bi, br!.wslot, bf).children!().find((n) => n.evaluateName?.endsWith(`.bars[${Number(bar![2])}]`)) : undefined;
  if (row?.dataId) return { dataId: row.dataId, description: row.dataDescription ?? expr };
  // An entry, or one of its dwords as its Variables row reads it (msix(nic0)[0].data): that dword alone.
  const mx = /^\s*msix\(\s*"?([^")]+?)"?\s*\)\[(\d+)\]\s*(?:\.(?:(address\s*&\s*0xffffffff)|(address\s*>>\s*32)|(data)|(masked\s*\?\s*1\s*:\s*0)))?\s*$/.exec(
    expr,
  );
  if (mx) {
    const r = ctx.resolveFn(mx[1]);
    if (!r) return undefined;
    const dword = [3, 4, 5, 6].findIndex((i) => mx[i] !== undefined);
    const t: Target = { kind: 'msix', bus: ctx.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: Number(mx[2]), width: dword < 0 ? 16 : 4 };
    if (dword >= 0) t.at = 4 * dword;
    return { dataId: dataId(t), description: describeTarget(ctx, t) };
  }
  return undefined;
}

/**
 * The dwords of an MSI-X table entry by their pci_regs.h names (PCI_MSIX_ENTRY_LOWER_ADDR, _UPPER_ADDR, _DATA,
 * _VECTOR_CTRL at 0x0, 0x4, 0x8, 0xc: Linux include/uapi/linux/pci_regs.h), as the Variables rows name them.
 */
export const MSIX_DWORDS = ['LOWER_ADDR', 'UPPER_ADDR', 'DATA', 'VECTOR_CTRL'] as const;

/** Dword `at` / 4 of MSI-X entry `e` as its Variables row reads it (VECTOR_CTRL: the mask bit). */
export function msixDword(e: { address: number; data: number; masked: boolean }, at: number): number {
  return [e.address % 2 ** 32, Math.floor(e.address / 2 ** 32), e.data, e.masked ? 1 : 0][at >> 2]!;
}

/**
 * "nic0.STATUS (config 0x06, RW1C 0xf900)", "nic0.caps.msix.FLAGS (config 0x72, RW 0xc000)": the register by name where one fits, and what writes can do to it;
 * "guest-physical 0xf8008000..0xf800800f": an address range (what is placed there changes: placedNow).
 */
export function describeTarget(ctx: InspectContext, t: Target): string {
  if (t.kind === 'gpa') return `guest-physical ${t.width === 1 ? hex(t.address) : `${hex(t.address)}..${hex(t.address + t.width - 1)}`}`;
  const where = fnPrefix(t.bus, t.wslot);
  if (t.kind === 'msix') return `${where} MSI-X entry ${t.offset}${t.at !== undefined ? ` ${MSIX_DWORDS[t.at >> 2]}` : ''}`;
  const bi = ctx.busIndex(t.bus);
  const f = bi >= 0 ? ctx.fn(bi, t.wslot) : undefined;
  const access =
    f && t.width <= 4
      ? (() => {
          const m = masksAt(f, t.offset, t.width);
          return `, ${accessText(m.wmask, m.w1cmask, t.width, hexName)}`;
        })()
      : '';
  const r = REGISTERS.find((x) => x.offset === t.offset && x.size === t.width);
  if (r) return `${where}.${r.name} (config ${hexName(t.offset, 2)}${access})`;
  // A 64-bit BAR's two registers, as its BARs row names them (inspect-registers.ts barsNode).
  const bar = t.width === 8 ? REGISTERS.find((x) => x.offset === t.offset && x.size === 4 && /^BASE_ADDRESS_[0-4]$/.test(x.name)) : undefined;
  if (bar) return `${where}.${bar.name} (config ${hexName(t.offset, 2)} and ${hexName(t.offset + 4, 2)})`;
  // a capability's register by the name its Variables row and expressions use (nic0.caps.msix.FLAGS)
  const cap = f ? capRegisterAt(f, t.offset, t.width) : undefined;
  if (cap) return `${where}.${cap} (config ${hexName(t.offset, 2)}${access})`;
  return `${where} config ${hexName(t.offset, 3)}..${hexName(t.offset + t.width - 1, 3)}${access ? ` (${access.slice(2)})` : ''}`;
}

/**
 * Why a data breakpoint's target can never be present in this scenario, or undefined when it can:
 * its bus is declared or offered by a timeline event, and its slot is one of that bus's functions
 * there or is filled by a `plug` event.
 */
export function targetNeverPresent(ctx: InspectContext, t: Target, shown: (name: string) => string = (n) => n): string | undefined {
  // Any address may have a BAR or a config window placed at it later.
  if (t.kind === 'gpa') return undefined;
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
    return `bus ${t.bus} never has a function at ${slotName(t.wslot)} in this scenario (it has ${
      [...slots]
        .sort((a, b) => a - b)
        .map(slotName)
        .join(', ') || 'none'
    })`;
  return undefined;
}

/** What an address target's bytes are now: "now nic0 BAR 3 + 0x0: MSI-X table entry 0", or that nothing is placed there. */
export function placedNow(ctx: InspectContext, t: Extract<Target, { kind: 'gpa' }>): string {
  const now = placesAt(ctx.m, t.address, t.width);
  return now.length ? `now ${now.join('; ')}` : 'nothing is placed there now: it fires when a BAR or config window placed there is touched';
}

export function targetPresent(ctx: InspectContext, t: Extract<Target, { kind: 'cfg' | 'msix' }>): boolean {
  const bi = ctx.busIndex(t.bus);
  return bi >= 0 && !!ctx.fn(bi, t.wslot);
}

/** Whether the target's function was on its bus and has left it (an unplug, a completed eject, its bus gone): not "not present yet". */
export function targetGone(ctx: InspectContext, t: Extract<Target, { kind: 'cfg' | 'msix' }>): boolean {
  return !targetPresent(ctx, t) && ctx.m.buses.some((b) => b.decl.name === t.bus && b.functions.has(t.wslot));
}

export function dataValue(ctx: InspectContext, bp: DataBp): number | undefined {
  const t = bp.target;
  // What is at an address changes as BARs and windows move: a hit says what the access read or wrote instead.
  if (t.kind === 'gpa') return undefined;
  const bi = ctx.busIndex(t.bus);
  const f = bi >= 0 ? ctx.fn(bi, t.wslot) : undefined;
  if (!f) return undefined;
  if (t.kind === 'msix') {
    const e = msixEntry(f, t.offset);
    return e ? (t.at !== undefined ? msixDword(e, t.at) : e.data) : undefined;
  }
  return t.width <= 6 ? ctx.raw(f, t.offset, t.width) : undefined;
}

export function dataTouches(ctx: InspectContext, bp: DataBp, ev: number): 'read' | 'write' | undefined {
  const tr = ctx.m.trace;
  const k = tr.kindAt(ev);
  const t = bp.target;
  if (k !== Ev.CfgRead && k !== Ev.CfgWrite && k !== Ev.BarAccess) return undefined;
  if (t.kind === 'gpa') {
    const at = accessAddress(ctx.m, ev);
    if (!at || !(at.address < t.address + t.width && t.address < at.address + at.size)) return undefined;
    return at.write ? 'write' : 'read';
  }
  const b = ctx.m.buses[tr.busAt(ev)];
  if (!b || b.decl.name !== t.bus || tr.aAt(ev) !== t.wslot) return undefined;
  if (t.kind === 'cfg') {
    if (k === Ev.BarAccess) return undefined;
    const off = tr.bAt(ev) & 0xfff;
    const size = tr.bAt(ev) >>> 16 || 4;
    if (off < t.offset + t.width && t.offset < off + size) return k === Ev.CfgWrite ? 'write' : 'read';
    return undefined;
  }
  if (k !== Ev.BarAccess) return undefined;
  const f = b.functions.get(t.wslot);
  const mx = f?.msix();
  if (!mx || tr.bAt(ev) !== mx.tableBir) return undefined;
  const d = tr.get(ev).blob as BarAccessDetail;
  const off = tr.cAt(ev);
  const lo = mx.tableOffset + 16 * t.offset + (t.at ?? 0);
  if (off < lo + t.width && lo < off + d.size) return d.write ? 'write' : 'read';
  return undefined;
}

export function describeDataHit(ctx: InspectContext, bp: DataBp, old: number | undefined, now: number | undefined, write: boolean, ev: number): string {
  const t = bp.target;
  if (t.kind === 'gpa') {
    const at = accessAddress(ctx.m, ev);
    if (!at) return `${t.description}: ${write ? 'written' : 'read'}`;
    const value = `0x${(at.value >>> 0).toString(16).padStart(2 * Math.min(at.size, 4), '0')}`;
    return `${t.description}: ${accessPlace(ctx.m, ev)} ${write ? `written ${value}` : `read ${value}`} (${at.size} ${at.size === 1 ? 'byte' : 'bytes'} at ${hex(at.address)})`;
  }
  const w = t.kind === 'msix' ? 8 : t.width * 2;
  const h = (v: number | undefined): string => (v === undefined ? '?' : `0x${v.toString(16).padStart(w, '0')}`);
  // (one dword of an entry is said as a register is: its value, or its change)
  if (t.kind === 'msix' && t.at === undefined) return `${t.description}: ${msixEntryAccess(ctx, t.bus, t.wslot, t.offset, ev, old, now, h)}`;
  // Bytes with no one value (a 64-bit BAR's two registers, a row of config space): the access itself, as an address watch says it (it was '? → ?').
  const k = ev >= 0 ? ctx.m.trace.kindAt(ev) : undefined;
  if (t.kind === 'cfg' && (old === undefined || now === undefined) && (k === Ev.CfgRead || k === Ev.CfgWrite)) {
    const tr = ctx.m.trace;
    const off = tr.bAt(ev) & 0xfff;
    const size = tr.bAt(ev) >>> 16 || 4;
    const bi = ctx.busIndex(t.bus);
    const f = bi >= 0 ? ctx.fn(bi, t.wslot) : undefined;
    const hs = (v: number): string => `0x${(v >>> 0).toString(16).padStart(2 * size, '0')}`;
    const r = REGISTERS.find((x) => x.offset === off && x.size === size);
    const name = r?.name ?? (f && capRegisterAt(f, off, size));
    const what = name ? `${name} (config ${hex(off)})` : `config ${hex(off)}/${size}`;
    const back = write && f ? ctx.raw(f, off, size) : undefined;
    return `${t.description}: ${what} ${write ? `written ${hs(tr.cAt(ev))}${back !== undefined && back !== tr.cAt(ev) >>> 0 ? `, reads back ${hs(back)}` : ''}` : `read ${hs(tr.cAt(ev))}`}`;
  }
  if (!write) return `${t.description} read (value ${h(now)})`;
  if (old === now && t.kind === 'cfg' && t.width <= 4) {
    // Say why a write changed nothing when the masks are the reason.
    const bi = ctx.busIndex(t.bus);
    const f = bi >= 0 ? ctx.fn(bi, t.wslot) : undefined;
    const m = f ? masksAt(f, t.offset, t.width) : undefined;
    if (m && !m.wmask && !m.w1cmask) return `${t.description}: ${h(old)} → ${h(now)} (written, read-only: unchanged)`;
  }
  return `${t.description}: ${h(old)} → ${h(now)}${old === now ? ' (written, unchanged)' : ''}`;
}

// ---- guest-physical addresses ----------------------------------------------------------------

/** What is placed at [address, address + width) now: config windows and decoding memory BARs, as the user names them. */
export function placesAt(m: Machine, address: number, width: number): string[] {
  const out: string[] = [];
  const end = address + width;
  for (const b of m.buses) {
    const name = b.decl.name;
    const wb = b.host.status.windowBase;
    if (wb !== undefined && address < wb + WINDOW_SIZE && wb < end) {
      if (address < wb + WINDOW_CONFIG_PAGE && wb < end)
        out.push(`${name} config window + ${hex(Math.max(address, wb) - wb)}: the slot register (its writes select a function and are not traced)`);
      if (end > wb + WINDOW_CONFIG_PAGE) {
        const lo = Math.max(address, wb + WINDOW_CONFIG_PAGE) - wb - WINDOW_CONFIG_PAGE;
        out.push(`${name} config window + ${hex(WINDOW_CONFIG_PAGE + lo)}: config ${hex(lo)} of the function the slot register selects`);
      }
    }
    for (const [wslot, f] of b.functions) {
      for (const bar of memoryBars(f)) {
        if (!bar.address || !(address < bar.address + bar.size && bar.address < end)) continue;
        const off = Math.max(address, bar.address) - bar.address;
        const what = msixPart(f.msix(), bar.index, off, Math.min(end, bar.address + bar.size) - bar.address - off);
        out.push(
          `${fnPrefix(name, wslot)} BAR ${bar.index} + ${hex(off)}${what ? `: ${what}` : ''}${bar.decoding ? '' : ' (not decoding: Memory Space is off)'}`,
        );
      }
    }
  }
  return out;
}

/** The MSI-X table entries or PBA that bytes [off, off + len) of BAR `bar` hold, if any. */
function msixPart(
  mx: { tableBir: number; tableOffset: number; tableSize: number; pbaBir: number; pbaOffset: number } | undefined,
  bar: number,
  off: number,
  len: number,
): string | undefined {
  if (!mx) return undefined;
  const parts: string[] = [];
  if (mx.tableBir === bar) {
    const lo = Math.max(off, mx.tableOffset);
    const hi = Math.min(off + len, mx.tableOffset + 16 * mx.tableSize);
    if (lo < hi) {
      const first = Math.floor((lo - mx.tableOffset) / 16);
      const last = Math.floor((hi - 1 - mx.tableOffset) / 16);
      parts.push(first === last ? `MSI-X table entry ${first}` : `MSI-X table entries ${first}–${last}`);
    }
  }
  // The PBA: one bit per vector, in QWORDs (PCIe Base Spec 7.7.2).
  if (mx.pbaBir === bar && off < mx.pbaOffset + 8 * Math.ceil(mx.tableSize / 64) && mx.pbaOffset < off + len) parts.push('MSI-X PBA');
  return parts.length ? parts.join(', ') : undefined;
}

/**
 * The dwords of MSI-X table entry `index` that trace event `ev` touched, by their names (MSIX_DWORDS),
 * and what was read or written: "LOWER_ADDR written
 * 0xfee00000"; a write of DATA as its change (`old` → `now`, the entry's data as the breakpoint reads it).
 */
function msixEntryAccess(
  ctx: InspectContext,
  bus: string,
  wslot: number,
  index: number,
  ev: number,
  old: number | undefined,
  now: number | undefined,
  h: (v: number | undefined) => string,
): string {
  const at = accessAddress(ctx.m, ev);
  const bi = ctx.busIndex(bus);
  const mx = bi >= 0 ? ctx.fn(bi, wslot)?.msix() : undefined;
  if (!at || !mx || ctx.m.trace.kindAt(ev) !== Ev.BarAccess) return at?.write ? 'written' : 'read';
  const from = ctx.m.trace.cAt(ev) - (mx.tableOffset + 16 * index);
  const names = MSIX_DWORDS.filter((_, i) => from < 4 * i + 4 && 4 * i < from + at.size);
  const what = names.join(', ');
  if (at.write && names.length === 1 && names[0] === 'DATA') return `DATA written, ${h(old)} → ${h(now)}${old === now ? ' (unchanged)' : ''}`;
  const value = `0x${(at.size <= 4 ? at.value >>> 0 : at.value).toString(16).padStart(2 * at.size, '0')}`;
  return `${what} ${at.write ? `written ${value}` : `read (${value})`}`;
}

/** "nic0.COMMAND, config 0x04" where a register is exactly those bytes, else "nic0 config 0x2c". */
function configPlace(fn: string, off: number, size: number): string {
  const at = `config 0x${off.toString(16).padStart(2, '0')}`;
  const r = REGISTERS.find((x) => x.offset === off && x.size === size);
  return r ? `${fn}.${r.name}, ${at}` : `${fn} ${at}`;
}

/** The guest-physical bytes trace event `ev` touched (a BAR access, or a config access through a bus's window), or undefined. @internal exported for tests */
export function accessAddress(m: Machine, ev: number): { address: number; size: number; write: boolean; value: number } | undefined {
  const tr = m.trace;
  const k = tr.kindAt(ev);
  if (k === Ev.BarAccess) {
    const d = tr.get(ev).blob as BarAccessDetail;
    return typeof d.address === 'number' ? { address: d.address, size: d.size, write: d.write, value: d.value } : undefined;
  }
  if (k !== Ev.CfgRead && k !== Ev.CfgWrite) return undefined;
  const base = windowBaseAt(tr, tr.busAt(ev), ev);
  if (base === undefined) return undefined;
  return { address: base + WINDOW_CONFIG_PAGE + (tr.bAt(ev) & 0xfff), size: tr.bAt(ev) >>> 16 || 4, write: k === Ev.CfgWrite, value: tr.cAt(ev) };
}

/** Where trace event `ev`'s access landed, as the user names it: "nic0 BAR 3 + 0x0 (MSI-X table entry 0)", "nic0 config window + 0x1004 (nic0.COMMAND, config 0x04)". */
function accessPlace(m: Machine, ev: number): string {
  const tr = m.trace;
  const b = m.buses[tr.busAt(ev)];
  if (!b) return 'a bus no longer there';
  const fn = fnPrefix(b.decl.name, tr.aAt(ev));
  if (tr.kindAt(ev) === Ev.BarAccess) {
    const what = msixPart(b.functions.get(tr.aAt(ev))?.msix(), tr.bAt(ev), tr.cAt(ev), (tr.get(ev).blob as BarAccessDetail).size);
    return `${fn} BAR ${tr.bAt(ev)} + ${hex(tr.cAt(ev))}${what ? ` (${what})` : ''}`;
  }
  const off = tr.bAt(ev) & 0xfff;
  return `${b.decl.name} config window + ${hex(WINDOW_CONFIG_PAGE + off)} (${configPlace(fn, off, tr.bAt(ev) >>> 16 || 4)})`;
}

/**
 * Where bus `bus`'s config window was when trace event `ev` happened: the host's 'config window'
 * state changes (the FDO D0 entry's mmio_base, then none at D0 exit) are in the trace, and the
 * latest one before `ev` says. A config access happens only through the window, so one is always
 * found for it. Each bus's answer holds until its next change: kept per trace contents (its epoch)
 * for the events the trace holds now, so a watch does not scan back at every config access.
 */
function windowBaseAt(tr: Trace, bus: number, ev: number): number | undefined {
  let c = windowCache.get(tr);
  if (!c || c.epoch !== tr.epoch) windowCache.set(tr, (c = { epoch: tr.epoch, buses: new Map() }));
  const known = c.buses.get(bus);
  if (known && ev >= known.from && ev <= known.to) return known.base;
  // Scan back to the last event already known to have this base (or to the start).
  const stop = known && ev > known.to ? known.to : -1;
  let found: { at: number; base: number | undefined } | undefined;
  // Back through the events held, and those kept from before the start of history (windowEvents).
  for (const i of tr.back(ev)) {
    if (i <= stop) break;
    if (isWindowChange(tr, bus, i)) {
      const d = tr.blobAt(i) as { to?: unknown };
      found = { at: i, base: typeof d.to === 'number' ? d.to : undefined };
      break;
    }
  }
  const answer = found ? found : known && ev > known.to ? { at: known.from, base: known.base } : { at: 0, base: undefined };
  // Only what the trace holds now is kept: events past its length (a future kept for replay) may yet be recorded differently.
  if (ev < tr.length) c.buses.set(bus, { from: answer.at, to: ev, base: answer.base });
  return answer.base;
}

const windowCache = new WeakMap<Trace, { epoch: number; buses: Map<number, { from: number; to: number; base: number | undefined }> }>();
