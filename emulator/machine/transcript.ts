// A readable transcript of a run: one line per trace event — virtual time,
// bus, who, what — with VMBus packets decoded by the protocol describer and,
// on request, their bytes. The CLI prints it; tests read it.
import { type TraceEvent } from '../runtime/trace';
import { Ev, type BarAccessDetail } from '../vpci/events';
import type { Machine, StepInfo } from './machine';
import { summarizePacket } from '../vpci/describe';
import { formatTime } from '../format';

export interface TranscriptOptions {
  /** Include hex bytes under each packet. */
  bytes?: boolean;
  /** Include every config access (otherwise they are summarised per run of accesses). */
  configAccesses?: boolean;
  /** Include raw MMIO and BAR-memory accesses. */
  mmio?: boolean;
}

/** The transcript's time column: virtual time as everywhere (format.ts), right-aligned. */
function timeColumn(ns: number): string {
  return formatTime(ns).padStart(14);
}

export function hexBytes(b: Uint8Array, indent = '      '): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = Array.from(b.subarray(i, i + 16), (x) => x.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${indent}${i.toString(16).padStart(4, '0')}: ${row}`);
  }
  return lines.join('\n');
}

export function describeEvent(m: Machine, e: TraceEvent): string | undefined {
  const busName = e.bus === 0xffff ? 'vm' : (m.buses[e.bus]?.decl.name ?? `bus${e.bus}`);
  const head = `${timeColumn(e.time)}  ${busName.padEnd(8)}`;
  switch (e.kind) {
    case Ev.PacketToHost:
      return `${head} guest -> host  ${summarizePacket(e.blob as Uint8Array, 'toHost')}`;
    case Ev.PacketToGuest:
      // A completion carries the type of the request it answers (trace field a): decode its layout.
      return `${head} host -> guest  ${summarizePacket(e.blob as Uint8Array, 'toGuest', (e.blob as Uint8Array)[0] === 11 ? e.a : undefined)}`;
    case Ev.CfgRead:
      return `${head} cfg read   slot ${e.a.toString(16).padStart(2, '0')} [0x${(e.b & 0xfff).toString(16).padStart(3, '0')}]/${e.b >>> 16} = 0x${e.c.toString(16)}`;
    case Ev.CfgWrite:
      return `${head} cfg write  slot ${e.a.toString(16).padStart(2, '0')} [0x${(e.b & 0xfff).toString(16).padStart(3, '0')}]/${e.b >>> 16} <- 0x${e.c.toString(16)}`;
    case Ev.MmioRead:
    case Ev.MmioWrite:
      return `${head} window ${e.kind === Ev.MmioRead ? 'read ' : 'write'} +0x${e.a.toString(16)}/${e.b} ${e.kind === Ev.MmioRead ? '=' : '<-'} 0x${e.c.toString(16)}`;
    case Ev.BarAccess: {
      const d = e.blob as BarAccessDetail;
      return `${head} BAR${e.b} ${d.write ? 'write' : 'read '} +0x${e.c.toString(16)}/${d.size} ${d.write ? '<-' : '='} 0x${(d.value >>> 0).toString(16)}`;
    }
    case Ev.IntMap:
      return `${head} host maps interrupt: slot ${e.a.toString(16)} address 0x${e.c.toString(16)} data 0x${e.b.toString(16)}`;
    case Ev.IntUnmap:
      return `${head} host unmaps interrupt: slot ${e.a.toString(16)} address 0x${e.c.toString(16)} data 0x${e.b.toString(16)}`;
    case Ev.IntDeliver: {
      const d = e.blob as { index: number; irq?: number };
      return `${head} interrupt: vector ${d.index} of slot ${e.a.toString(16)} delivered to cpu ${e.c} IDT vector 0x${e.b.toString(16)}${d.irq !== undefined ? ` (irq ${d.irq})` : ''}`;
    }
    case Ev.IntUndeliverable:
      return `${head} interrupt UNDELIVERABLE: ${String(e.blob)}`;
    case Ev.State: {
      const d = e.blob as { what?: string; text?: string; to?: string; from?: string } | string | undefined;
      if (typeof d === 'string') return `${head} ${d}`;
      if (d?.what === 'timeline') return `${head} scenario: ${d.text}`;
      if (d?.what === 'bus') return `${head} bus ${d.to}`;
      const v = (x: unknown): string =>
        typeof x === 'number'
          ? x > 9
            ? `0x${x.toString(16)}`
            : String(x)
          : x === null
            ? 'none'
            : typeof x === 'object'
              ? JSON.stringify(x, (_k, y: unknown) => (typeof y === 'number' && y > 9 ? `0x${y.toString(16)}` : y))
              : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are JSON-printed above, so String() only ever sees a primitive here
                String(x);
      return `${head} ${d?.what ?? 'state'}${d?.from !== undefined ? ` ${v(d.from)} ->` : ''}${d?.to !== undefined ? ` ${v(d.to)}` : ''}${d?.text ? `: ${d.text}` : ''}`;
    }
    case Ev.Fault:
      return `${head} FAULT injected: ${String(e.blob)}`;
    case Ev.Error:
      return `${head} ERROR: ${String(e.blob)}`;
    case Ev.BarMap:
      return `${head} host maps BAR${e.b} of slot ${e.a.toString(16)} at 0x${typeof e.blob === 'object' && e.blob && 'address' in e.blob ? (e.blob as { address: number }).address.toString(16) : e.c.toString(16)}`;
    case Ev.BarUnmap:
      return `${head} host unmaps BAR${e.b} of slot ${e.a.toString(16)}`;
    case Ev.BarWriteIgnored:
      return `${head} host IGNORES BAR write (Memory Space Enable is set): slot ${e.a.toString(16)} [0x${e.b.toString(16)}] <- 0x${e.c.toString(16)}`;
    case Ev.Log:
      return `${head} log: ${String(e.blob)}`;
    case Ev.Channel:
      return `${head} vmbus: ${String(e.blob)}`;
    case Ev.Expect:
      return `${head} expect ${e.a ? 'ok' : 'FAILED'}: ${String(e.blob)}`;
  }
  return undefined;
}

/**
 * Which driver step each config-window access belongs to, recorded while the machine runs (the
 * trace itself does not say which function made an access). Only steps that made config accesses
 * are kept, so the log grows with those, not with every step.
 */
export class StepLog {
  /** First trace event of each logged step, ascending. */
  private from: number[] = [];
  private to: number[] = [];
  private label: number[] = [];
  private thread: number[] = [];
  private names: string[] = [];
  private ids = new Map<string, number>();

  /** Notes one executed step (call after every `m.step()`). */
  record(m: Machine, info: StepInfo): void {
    if (!info.thread || info.traceTo <= info.traceFrom) return;
    let cfg = false;
    for (let i = info.traceFrom; i < info.traceTo && !cfg; i++) cfg = m.trace.kindAt(i) === Ev.CfgRead || m.trace.kindAt(i) === Ev.CfgWrite;
    if (!cfg) return;
    const name = driverStep(
      info.thread.frames.map((f) => f.fn),
      info.fn,
    );
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    this.from.push(info.traceFrom);
    this.to.push(info.traceTo);
    this.label.push(id);
    this.thread.push(info.thread.id);
  }

  /** The driver step (and thread) that recorded trace event `ev`, if logged. */
  stepOf(ev: number): { fn: string; thread: number } | undefined {
    let lo = 0;
    let hi = this.from.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.to[mid]! <= ev) lo = mid + 1;
      else if (this.from[mid]! > ev) hi = mid - 1;
      else return { fn: this.names[this.label[mid]!]!, thread: this.thread[mid]! };
    }
    return undefined;
  }
}

/**
 * The bridge drivers' config accessors — FreeBSD vmbus_pcib_read_config → _hv_pcifront_read_config
 * (sys/dev/hyperv/pcib/vmbus_pcib.c), Linux hv_pcifront_read_config → _hv_pcifront_read_config
 * (drivers/pci/controller/pci-hyperv.c), and the _write_config twins — all end in
 * `_read_config`/`_write_config`. A run of accesses belongs to the innermost frame that is not one
 * of them: the driver step that asked (pci_read_bar, prepopulate_bars, pci_enable_busmaster …).
 */
const CONFIG_ACCESSOR = /(^|_)(read|write)_config$/;

function driverStep(frames: string[], fn: string | undefined): string {
  let i = fn !== undefined ? frames.lastIndexOf(fn) : frames.length - 1;
  if (i < 0) i = frames.length - 1;
  while (i > 0 && CONFIG_ACCESSOR.test(frames[i]!)) i--;
  return frames[i] ?? fn ?? '?';
}

/** Runs up to `budget` steps, noting each in `log`; returns how many ran and whether the machine is idle. */
export function runSteps(m: Machine, budget: number, log?: StepLog): { steps: number; idle: boolean } {
  for (let n = 0; n < budget; n++) {
    const info = m.step();
    if (info.kind === 'idle') return { steps: n, idle: true };
    log?.record(m, info);
  }
  return { steps: budget, idle: false };
}

/** A folded run of config accesses: one driver step's reads and writes on one bus. */
interface CfgFold {
  time: number;
  bus: number;
  key: string;
  fn?: string;
  reads: number;
  writes: number;
  lo: number;
  hi: number;
  slots: Set<number>;
}

function offsetText(o: number): string {
  return `0x${o.toString(16).padStart(o > 0xff ? 3 : 2, '0')}`;
}

function foldText(m: Machine, f: CfgFold): string {
  const name = f.bus === 0xffff ? 'vm' : (m.buses[f.bus]?.decl.name ?? `bus${f.bus}`);
  const parts: string[] = [];
  if (f.reads) parts.push(`${f.reads} config read${f.reads === 1 ? '' : 's'}`);
  if (f.writes) parts.push(`${f.writes} ${f.reads ? '' : 'config '}write${f.writes === 1 ? '' : 's'}`);
  const slots = [...f.slots];
  const slot =
    slots.length === 1 && slots[0] === 0 ? '' : ` slot ${slots.map((w) => `${(w & 0x1f).toString(16).padStart(2, '0')}.${(w >> 5) & 7}`).join(', ')}`;
  const range = f.lo === f.hi ? offsetText(f.lo) : `${offsetText(f.lo)}–${offsetText(f.hi)}`;
  return `${timeColumn(f.time)}  ${name.padEnd(8)} ${f.fn ? `${f.fn}: ` : ''}${parts.join(' and ')}${slot} ${range}`;
}

/**
 * The transcript of the whole trace (or a window of it). Unless `configAccesses` is set, the
 * config-window accesses of one driver step on one bus are folded into one line where the step
 * began ("pci_read_bar: 6 config reads and 6 writes 0x10–0x24"); `log` names the steps (without
 * it, a fold is every access on a bus between two other events there).
 */
export function transcript(m: Machine, o: TranscriptOptions & { log?: StepLog } = {}, from = 0, to = m.trace.length): string[] {
  const out: (string | CfgFold)[] = [];
  const open = new Map<number, CfgFold>();
  for (const e of m.trace.events(from, to)) {
    const isCfg = e.kind === Ev.CfgRead || e.kind === Ev.CfgWrite;
    const isMmio = e.kind === Ev.MmioRead || e.kind === Ev.MmioWrite || e.kind === Ev.BarAccess;
    if (isCfg && !o.configAccesses) {
      const step = o.log?.stepOf(e.index);
      const key = step ? `${step.thread}/${step.fn}` : '';
      let f = open.get(e.bus);
      if (!f || f.key !== key) {
        f = { time: e.time, bus: e.bus, key, ...(step ? { fn: step.fn } : {}), reads: 0, writes: 0, lo: Infinity, hi: -1, slots: new Set() };
        open.set(e.bus, f);
        out.push(f);
      }
      if (e.kind === Ev.CfgRead) f.reads++;
      else f.writes++;
      const off = e.b & 0xfff;
      f.lo = Math.min(f.lo, off);
      f.hi = Math.max(f.hi, off);
      f.slots.add(e.a);
      continue;
    }
    if (isMmio && !o.mmio) continue;
    const line = describeEvent(m, e);
    if (line === undefined) continue;
    // Anything shown on a bus (or machine-wide) ends the folds it interrupts.
    if (e.bus === 0xffff) open.clear();
    else open.delete(e.bus);
    out.push(line);
    if (o.bytes && (e.kind === Ev.PacketToHost || e.kind === Ev.PacketToGuest)) out.push(hexBytes(e.blob as Uint8Array));
  }
  return out.map((x) => (typeof x === 'string' ? x : foldText(m, x)));
}
