// A readable transcript of a run: one line per trace event — virtual time,
// bus, who, what — with VMBus packets decoded by the protocol describer and,
// on request, their bytes. The CLI prints it; tests read it.
import { type TraceEvent } from '../runtime/trace';
import { Ev } from '../vpci/events';
import type { Machine } from './machine';
import { summarizePacket } from '../vpci/describe';

export interface TranscriptOptions {
  /** Include hex bytes under each packet. */
  bytes?: boolean;
  /** Include every config access (otherwise they are summarised per run of accesses). */
  configAccesses?: boolean;
  /** Include raw MMIO and BAR-memory accesses. */
  mmio?: boolean;
}

export function fmtTime(ns: number): string {
  const ms = ns / 1e6;
  return `${ms.toFixed(6).padStart(13)} ms`;
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
  const head = `${fmtTime(e.time)}  ${busName.padEnd(8)}`;
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
      const d = e.blob as { size: number; value: number; write: boolean };
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
      const v = (x: unknown): string => (typeof x === 'number' ? (x > 9 ? `0x${x.toString(16)}` : String(x)) : x === null ? 'none' : typeof x === 'object' ? JSON.stringify(x, (_k, y) => (typeof y === 'number' && y > 9 ? `0x${y.toString(16)}` : y)) : String(x));
      return `${head} ${d?.what ?? 'state'}${d?.from !== undefined ? ` ${v(d.from)} ->` : ''}${d?.to !== undefined ? ` ${v(d.to)}` : ''}${d?.text ? `: ${d.text}` : ''}`;
    }
    case Ev.Fault:
      return `${head} FAULT injected: ${String(e.blob)}`;
    case Ev.Error:
      return `${head} ERROR: ${String(e.blob)}`;
    case Ev.BarMap:
      return `${head} host maps BAR${e.b} of slot ${e.a.toString(16)} at 0x${typeof e.blob === 'object' && e.blob && 'address' in (e.blob as object) ? ((e.blob as { address: number }).address).toString(16) : e.c.toString(16)}`;
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

/** The transcript of the whole trace (or a window of it). */
export function transcript(m: Machine, o: TranscriptOptions = {}, from = 0, to = m.trace.length): string[] {
  const out: string[] = [];
  let cfgRun = 0;
  let cfgRunStart = 0;
  let cfgBus = -1;
  const flush = () => {
    if (cfgRun > 0) {
      const name = m.buses[cfgBus]?.decl.name ?? `bus${cfgBus}`;
      out.push(`${fmtTime(cfgRunStart)}  ${name.padEnd(8)} (${cfgRun} config-window access${cfgRun === 1 ? '' : 'es'})`);
    }
    cfgRun = 0;
  };
  for (const e of m.trace.events(from, to)) {
    const isCfg = e.kind === Ev.CfgRead || e.kind === Ev.CfgWrite;
    const isMmio = e.kind === Ev.MmioRead || e.kind === Ev.MmioWrite || e.kind === Ev.BarAccess;
    if ((isCfg && !o.configAccesses) || (isMmio && !o.mmio)) {
      if (isCfg) {
        if (cfgRun === 0 || cfgBus !== e.bus) {
          flush();
          cfgRunStart = e.time;
          cfgBus = e.bus;
        }
        cfgRun++;
      }
      continue;
    }
    flush();
    const line = describeEvent(m, e);
    if (line === undefined) continue;
    out.push(line);
    if (o.bytes && (e.kind === Ev.PacketToHost || e.kind === Ev.PacketToGuest)) out.push(hexBytes(e.blob as Uint8Array));
  }
  flush();
  return out;
}
