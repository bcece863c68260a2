// Turns a checked scenario into the machine's configuration: host profile,
// guest model and quirks, CPUs and MMIO ranges, buses with their functions,
// and the timeline in execution order — the parser's own events, each with its
// source line's text. Defaults are those of a Hyper-V generation-2 VM; every
// default is stated here or in decls.ts.
import { vmCpus, type Scenario } from '../scenario/ast';
import type { MachineConfig, TimelineItem } from './machine';
import { busDeclOf } from './decls';
import { DEFAULT_GUEST_MODEL, type GuestModelName } from '../vpci/guest/models';
import { DEFAULT_HOST_PROFILE } from '../vpci/host/profiles';

export { guidFromName } from './decls';

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

/** The machine configuration for a scenario (source text lets each event carry its own line). */
export function machineConfig(sc: Scenario, source: string, o: ConfigOverrides = {}): MachineConfig {
  const lines = source.split(/\r\n|\r|\n/);
  const quirks: Record<string, boolean> = {};
  for (const q of sc.vm.quirks) quirks[q.name.name] = q.on;
  Object.assign(quirks, o.quirks ?? {});
  const offered = new Set(sc.timeline.flatMap((e) => (e.kind === 'offer' ? [e.bus.name.name] : [])));
  // The statement after its `at <time>`: the time is shown from `time`, written as everywhere (format.ts).
  const timeline: TimelineItem[] = sc.timeline.map((e) => ({ ...e, text: (lines[e.loc.line - 1] ?? '').trim().replace(/^at\s+\S+\s*/, '') }));
  // Stable: events at the same time run in file order.
  timeline.sort((a, b) => a.time - b.time);
  return {
    host: o.host ?? sc.vm.host?.name ?? DEFAULT_HOST_PROFILE,
    guest: o.guest ?? ((sc.vm.guest?.name ?? DEFAULT_GUEST_MODEL) as GuestModelName),
    cpus: vmCpus(sc.vm),
    mmio: sc.vm.mmio.length ? sc.vm.mmio.map((m) => ({ name: m.name, base: m.base, size: m.size })) : DEFAULT_MMIO,
    quirks,
    buses: sc.buses.filter((b) => !offered.has(b.name.name)).map((b) => busDeclOf(b)),
    timeline,
  };
}
