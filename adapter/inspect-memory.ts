// Memory references the debugger hands out and serves: a function's config space
// (cfg/<bus>/<wslot>, 4096 bytes, writes take the guest's path), a memory BAR
// (bar/<bus>/<wslot>/<index>, through the device model) and a traced VMBus packet (pkt/<event>).
import { barRead, barWrite } from '../emulator/machine/device-view';
import type { InspectContext } from './inspect-context';
import type { BarInfo } from '../emulator/pci/bars';

/** A number in a memory reference, as the adapter writes them (decimal, no sign, no padding); NaN for anything else. */
function refNumber(s: string): number {
  return /^(?:0|[1-9][0-9]{0,15})$/.test(s) ? Number(s) : NaN;
}

export function cfgRef(bus: string, wslot: number): string {
  return `cfg/${bus}/${wslot}`;
}

/**
 * The views to tell of a change, each with its size: every function's config space that changed
 * since `told` last saw it (its version, noted here), and the BARs in `bars` that are placed. Every
 * config space was told at every stop: a long hot-plug session sent one event per function of each
 * bus ever offered (a rescinded bus keeps its functions), at every step.
 */
export function memoryReferences(ctx: InspectContext, bars: Iterable<string>, told = new WeakMap<object, number>()): [string, number][] {
  const out: [string, number][] = [];
  for (const b of ctx.m.buses)
    for (const [w, f] of b.functions) {
      if (!b.onBus(w) || told.get(f.config) === f.config.version) continue;
      told.set(f.config, f.config.version);
      out.push([cfgRef(b.decl.name, w), 4096]);
    }
  for (const ref of bars) {
    const bar = placedBar(ctx, ref.split('/'), ref);
    if (typeof bar !== 'string') out.push([ref, bar.size]);
  }
  return out;
}

/**
 * The memory BAR a bar/ reference names, or why there is none: a BAR the guest has not placed
 * (unassigned, or being sized) has no address, and DAP's readMemory answers with one.
 */
function placedBar(ctx: InspectContext, p: string[], ref: string): BarInfo | string {
  const bar = ctx
    .fn(ctx.busIndex(p[1]!), refNumber(p[2]!))
    ?.bars()
    .find((x) => x.index === refNumber(p[3]!));
  if (!bar) return `No BAR for ${ref}`;
  return bar.state === 'assigned' ? bar : `${ref}: BAR${bar.index} has no address yet (${bar.state})`;
}

export function readMemory(
  ctx: InspectContext,
  ref: string,
  offset: number,
  count: number,
): { ok: true; address: string; bytes: Uint8Array; unreadable?: number } | { ok: false; error: string } {
  const p = ref.split('/');
  if (p[0] === 'cfg' && p.length === 3) {
    const f = ctx.fn(ctx.busIndex(p[1]!), refNumber(p[2]!));
    if (!f) return { ok: false, error: `No function for ${ref}` };
    const start = Math.max(0, offset);
    const end = Math.min(4096, offset + count);
    const bytes = start < end ? f.config.bytes.slice(start, end) : new Uint8Array(0);
    return { ok: true, address: `0x${start.toString(16)}`, bytes, unreadable: Math.max(0, count - bytes.length) };
  }
  if (p[0] === 'bar' && p.length === 4) {
    const bar = placedBar(ctx, p, ref);
    if (typeof bar === 'string') return { ok: false, error: bar };
    const f = ctx.fn(ctx.busIndex(p[1]!), refNumber(p[2]!))!;
    const start = Math.max(0, offset);
    const end = Math.min(bar.size, offset + count, start + (1 << 20));
    const n = Math.max(0, end - start);
    const bytes = new Uint8Array(n);
    // Read as aligned dwords, the way a CPU reads device registers: a byte reads the same whatever
    // the read starts at, and no access crosses the BAR's end (BARs are 16 bytes or more, in powers of two).
    for (let i = 0; i < n;) {
      const at = start + i;
      const base = at - (at % 4);
      const v = barRead(f, bar.index, base, 4);
      for (let k = at - base; k < 4 && i < n; k++, i++) bytes[i] = (v >>> (8 * k)) & 0xff;
    }
    return { ok: true, address: `0x${(bar.address + start).toString(16)}`, bytes, unreadable: Math.max(0, count - n) };
  }
  if (p[0] === 'pkt' && p.length === 2) {
    const ev = refNumber(p[1]!);
    if (!(ev >= 0 && ev < ctx.m.trace.length)) return { ok: false, error: `No trace event ${p[1]}` };
    if (!ctx.m.trace.holds(ev))
      return { ok: false, error: `Trace event ${ev} was dropped with the oldest step-back history (events ${ctx.m.trace.base} on are held)` };
    const b = ctx.m.trace.get(ev).blob;
    if (!(b instanceof Uint8Array)) return { ok: false, error: `Trace event ${ev} has no bytes` };
    const bytes = b.slice(Math.max(0, offset), Math.max(0, offset + count));
    return { ok: true, address: `0x${Math.max(0, offset).toString(16)}`, bytes, unreadable: Math.max(0, count - bytes.length) };
  }
  return { ok: false, error: `Unknown memory reference ${ref}` };
}

export function writeMemory(ctx: InspectContext, ref: string, offset: number, data: Uint8Array): { ok: true; written: number } | { ok: false; error: string } {
  const p = ref.split('/');
  if (p[0] === 'cfg' && p.length === 3) {
    const bi = ctx.busIndex(p[1]!);
    const f = ctx.fn(bi, refNumber(p[2]!));
    if (!f) return { ok: false, error: `No function for ${ref}` };
    let n = 0;
    for (let i = 0; i < data.length && offset + i < 4096; i++, n++) ctx.writeCfg(bi, refNumber(p[2]!), f, offset + i, 1, data[i]!);
    return { ok: true, written: n };
  }
  if (p[0] === 'bar' && p.length === 4) {
    const bar = placedBar(ctx, p, ref);
    if (typeof bar === 'string') return { ok: false, error: bar };
    const f = ctx.fn(ctx.busIndex(p[1]!), refNumber(p[2]!))!;
    let n = 0;
    for (let i = 0; i < data.length && offset + i < bar.size; i++, n++) barWrite(f, bar.index, offset + i, 1, data[i]!);
    return { ok: true, written: n };
  }
  return { ok: false, error: `${ref} is read-only` };
}
