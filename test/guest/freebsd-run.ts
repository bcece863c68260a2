// Shared helpers for the FreeBSD guest-model tests: build a scenario text, run
// the whole machine, and read the trace back as plain events. Assertions live
// in the test files; nothing here decides what is right.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../adapter/load';
import { Ev, type BarAccessDetail } from '../../emulator/vpci/events';
import type { Machine } from '../../emulator/machine/machine';

const dir = mkdtempSync(join(tmpdir(), 'vpci-freebsd-'));
let n = 0;

export interface VmOptions {
  host: string;
  guest?: 'freebsd' | 'freebsd-2016';
  cpus?: number;
  /** Quirk switches written as `quirk <name> off`. */
  off?: string[];
}

/** A scenario text: the vm block from `o`, then `body` (buses, timeline, expectations). */
export function scenarioText(o: VmOptions, body: string): string {
  const quirks = (o.off ?? []).map((q) => `  quirk ${q} off\n`).join('');
  return `vm {\n  host ${o.host}\n  guest ${o.guest ?? 'freebsd'}\n  cpus ${o.cpus ?? 4}\n${quirks}}\n${body}\n`;
}

/** Loads a scenario text (must check clean) and runs the machine to the end. */
export function runText(text: string, run = true): Machine {
  return loadText(text, run).machine!;
}

/** As runText, with the checked scenario (its resolved expectations). */
export function loadText(text: string, run = true): ReturnType<typeof loadScenarioFile> {
  const file = join(dir, `s${n++}.vpci`);
  writeFileSync(file, text);
  const l = loadScenarioFile(file);
  assert.deepEqual(
    l.errors.map((e) => e.message),
    [],
    'the scenario checks clean',
  );
  if (run) l.machine!.run();
  return l;
}

export function run(o: VmOptions, body: string): Machine {
  return runText(scenarioText(o, body));
}

export interface E {
  i: number;
  time: number;
  kind: number;
  bus: number;
  a: number;
  b: number;
  c: number;
  blob: unknown;
}

export function events(m: Machine): E[] {
  const out: E[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    out.push({ i, time: e.time, kind: e.kind, bus: e.bus, a: e.a, b: e.b, c: e.c, blob: e.blob });
  }
  return out;
}

export const isCompletion = (e: E): boolean => e.blob instanceof Uint8Array && e.blob[0] === 11;

/** Guest→host message types in order. */
export function toHost(m: Machine, bus = 0): number[] {
  return events(m)
    .filter((e) => e.kind === Ev.PacketToHost && e.bus === bus)
    .map((e) => e.a);
}

/** Packets guest→host of one type. */
export function sent(m: Machine, type: number, bus = 0): E[] {
  return events(m).filter((e) => e.kind === Ev.PacketToHost && e.bus === bus && e.a === type);
}

/** Host→guest messages (not completions) of one type. */
export function received(m: Machine, type: number, bus = 0): E[] {
  return events(m).filter((e) => e.kind === Ev.PacketToGuest && e.bus === bus && e.a === type && !isCompletion(e));
}

/** Host→guest completions of requests of one type. */
export function completions(m: Machine, type: number, bus = 0): E[] {
  return events(m).filter((e) => e.kind === Ev.PacketToGuest && e.bus === bus && e.a === type && isCompletion(e));
}

export function logs(m: Machine, bus = 0): E[] {
  return events(m).filter((e) => e.kind === Ev.Log && e.bus === bus);
}

export function logged(m: Machine, re: RegExp, bus = 0): E | undefined {
  return logs(m, bus).find((e) => typeof e.blob === 'string' && re.test(e.blob));
}

/** State events of the bridge (`{ what: 'bus', to }`). */
export function busStates(m: Machine, bus = 0): string[] {
  return events(m)
    .filter((e) => e.kind === Ev.State && e.bus === bus && (e.blob as { what?: string })?.what === 'bus')
    .map((e) => String((e.blob as { to: unknown }).to));
}

/** The payload u32 at `off` (payload offset, after the 16-byte VMBus descriptor). */
export function u32(e: E, off: number): number {
  return Buffer.from(e.blob as Uint8Array).readUInt32LE(16 + off);
}

export { Ev };

/** The first capability with `id` in function 0's config space. */
export function capAt(m: Machine, id: number): number {
  const f = m.buses[0]!.functions.get(0)!;
  let pos = f.cfgRead(0x34, 1);
  while (pos !== 0 && f.cfgRead(pos, 1) !== id) pos = f.cfgRead(pos + 1, 1);
  assert.ok(pos !== 0, `capability ${id} present`);
  return pos;
}

/** Config and BAR accesses of function 0 as short strings, with the guest's packets to the host between them. */
export function accesses(m: Machine): { e: E; s: string }[] {
  return events(m)
    .filter((e) => ((e.kind === Ev.CfgRead || e.kind === Ev.CfgWrite || e.kind === Ev.BarAccess) && e.a === 0) || e.kind === Ev.PacketToHost)
    .map((e) => {
      if (e.kind === Ev.PacketToHost) return { e, s: `pkt ${(e.a >>> 0).toString(16)}` };
      if (e.kind === Ev.BarAccess) {
        const d = e.blob as BarAccessDetail;
        return { e, s: `bar${e.b} ${d.write ? 'w' : 'r'} ${e.c.toString(16)} ${d.value.toString(16)}` };
      }
      return { e, s: `cfg ${e.kind === Ev.CfgWrite ? 'w' : 'r'} ${(e.b & 0xffff).toString(16)} ${(e.c >>> 0).toString(16)}` };
    });
}
