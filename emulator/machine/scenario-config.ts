// Turns a checked scenario into the machine's configuration: host profile,
// guest model and quirks, CPUs and MMIO ranges, buses with their functions,
// and the timeline in execution order. Defaults are those of a Hyper-V
// generation-2 VM; every default is stated here.
import type { Scenario, BusDecl as AstBus, FnRef, FunctionDeclAst, TimelineEvent } from '../scenario/ast';
import type { MachineConfig, TimelineItem } from './machine';
import type { BusDecl, FunctionDecl } from './bus';
import type { GuestModelName } from '../vpci/guest/quirks';
import { DEFAULT_GUEST_MODEL } from '../vpci/guest/models';
import { DEFAULT_HOST_PROFILE } from '../vpci/host/profiles';

/**
 * Default VMBus MMIO ranges: one below 4 GiB and one above, as Hyper-V's ACPI
 * _CRS for the VMBus device offers them (exact values vary by VM size; these
 * are representative and can be overridden with `mmio` in the scenario).
 */
export const DEFAULT_MMIO = [
  { name: 'low', base: 0xf800_0000, size: 0x0680_0000 },
  { name: 'high', base: 0x10_0000_0000, size: 0x10_0000_0000 },
];

export interface ConfigOverrides {
  host?: string;
  guest?: GuestModelName;
  quirks?: Record<string, boolean>;
}

/** FNV-1a over the name, spread into a version-4-shaped GUID: stable across runs and machines. */
export function guidFromName(name: string): string {
  const bytes: number[] = [];
  let h = 0x811c9dc5;
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${name}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    bytes.push(h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, (h >>> 24) & 0xff);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function functionDecl(f: FunctionDeclAst, defaultSerial: number): FunctionDecl {
  const source =
    f.source.kind === 'catalog'
      ? ({ kind: 'catalog', id: f.source.id.name } as const)
      : ({
          kind: 'dump',
          path: f.source.path,
          ...(f.source.select !== undefined ? { select: f.source.select } : {}),
          bars: f.source.bars.map((x) => ({ index: x.index, size: x.size })),
        } as const);
  const d: FunctionDecl = { wslot: f.slot.wslot, source, serial: f.serial ?? defaultSerial >>> 0 };
  if (f.numa !== undefined) d.numaNode = f.numa;
  return d;
}

function instanceOf(b: AstBus): string {
  return (b.instance?.guid ?? guidFromName(b.name.name)).toLowerCase();
}

function busDecl(b: AstBus, offerAt?: number): BusDecl {
  const instance = instanceOf(b);
  const data1 = parseInt(instance.slice(0, 8), 16) >>> 0;
  // OpenVMM reports the first 32 bits (Data1) of the instance GUID as the serial
  // (microsoft/openvmm vm/devices/pci/vpci/src/device.rs); extra functions count up.
  const functions: FunctionDecl[] = b.functions.map((f, i) => functionDecl(f, data1 + i));
  const d: BusDecl = { name: b.name.name, instance, functions };
  if (offerAt !== undefined) d.offerAt = offerAt;
  return d;
}

function wslotOf(r: FnRef): number {
  return r.slot ? r.slot.wslot : 0;
}

function item(e: TimelineEvent, text: string, buses: Map<string, AstBus>): TimelineItem | undefined {
  const base = { time: e.time, line: e.loc.line, col: e.loc.col, text };
  switch (e.kind) {
    case 'boot':
      return { ...base, kind: 'boot' };
    case 'driver':
      return { ...base, kind: 'driver', bus: e.target.bus.name, wslot: wslotOf(e.target), mode: e.mode, vectors: e.vectors };
    case 'raise':
      return { ...base, kind: 'raise', bus: e.target.bus.name, wslot: wslotOf(e.target), vector: e.vector };
    case 'eject':
      return { ...base, kind: 'eject', bus: e.target.bus.name, wslot: wslotOf(e.target) };
    case 'offer':
      return { ...base, kind: 'offer', bus: busDecl(e.bus, e.time) };
    case 'rescind':
      return { ...base, kind: 'rescind', bus: e.bus.name };
    case 'detach':
      return { ...base, kind: 'detach', bus: e.bus.name };
    case 'vanish':
      return { ...base, kind: 'vanish', bus: e.target.bus.name, wslot: wslotOf(e.target) };
    case 'plug': {
      // A plugged function without `serial` gets Data1 + its device/function slot, so it differs from the boot set's.
      const b = buses.get(e.bus.name);
      const data1 = parseInt((b ? instanceOf(b) : guidFromName(e.bus.name)).slice(0, 8), 16) >>> 0;
      return { ...base, kind: 'plug', bus: e.bus.name, fn: functionDecl(e.fn, data1 + e.fn.slot.wslot) };
    }
    case 'unplug':
      return { ...base, kind: 'unplug', bus: e.target.bus.name, wslot: wslotOf(e.target) };
    case 'fault':
      return { ...base, kind: 'fault', bus: e.fault.bus.name, fault: { message: e.fault.message.value, action: e.fault.action, remaining: e.fault.times } };
  }
  return undefined;
}

/** The machine configuration for a scenario (source text lets each event carry its own line). */
export function machineConfig(sc: Scenario, source: string, o: ConfigOverrides = {}): MachineConfig {
  const lines = source.split(/\r\n|\r|\n/);
  const quirks: Record<string, boolean> = {};
  for (const q of sc.vm.quirks) quirks[q.name.name] = q.on;
  Object.assign(quirks, o.quirks ?? {});
  const offered = new Set(sc.timeline.filter((e) => e.kind === 'offer').map((e) => (e.kind === 'offer' ? e.bus.name.name : '')));
  const buses = new Map<string, AstBus>();
  for (const b of sc.buses) buses.set(b.name.name, b);
  for (const e of sc.timeline) if (e.kind === 'offer') buses.set(e.bus.name.name, e.bus);
  const timeline: TimelineItem[] = [];
  for (const e of sc.timeline) {
    const it = item(e, (lines[e.loc.line - 1] ?? '').trim(), buses);
    if (it) timeline.push(it);
  }
  timeline.sort((a, b) => a.time - b.time);
  return {
    host: o.host ?? sc.vm.host?.name ?? DEFAULT_HOST_PROFILE,
    guest: o.guest ?? ((sc.vm.guest?.name ?? DEFAULT_GUEST_MODEL) as GuestModelName),
    cpus: sc.vm.cpus || 4,
    mmio: sc.vm.mmio.length ? sc.vm.mmio.map((m) => ({ name: m.name, base: m.base, size: m.size })) : DEFAULT_MMIO,
    quirks,
    buses: sc.buses.filter((b) => !offered.has(b.name.name)).map((b) => busDecl(b)),
    timeline,
  };
}
