// --guest, --host and --quirk: what a command line may change in a scenario's
// `vm` block. Values are checked against the guest, host and quirk tables, so a
// misspelt name is a one-line error that lists the valid ones.
import { GUEST_MODELS } from '../../emulator/vpci/guest/models';
import { HOST_PROFILES } from '../../emulator/vpci/host/profiles';
import { QUIRKS, type GuestModelName } from '../../emulator/vpci/guest/quirks';
import type { ConfigOverrides } from '../../emulator/machine/scenario-config';
import { guestChoices, hostChoices } from '../../emulator/scenario/catalog';
import { didYouMeanClause } from '../../emulator/scenario/names';
import { shown } from '../../emulator/format';

export const OVERRIDE_OPTIONS = {
  guest: { type: 'string', multiple: true },
  host: { type: 'string', multiple: true },
  quirk: { type: 'string', multiple: true },
} as const;

export const GUEST_NAMES = guestChoices();
export const HOST_NAMES = hostChoices();

export const OVERRIDE_USAGE = `  --guest <model>        the guest model instead of the scenario's (${GUEST_NAMES})
  --host <profile>       the host profile instead of the scenario's (${HOST_NAMES})
  --quirk <name>=on|off  switch a guest quirk (repeatable, each quirk once; quirks below)
`;

/** `--guest Linux: unknown guest model; did you mean linux? (one of …)`: a near miss is named before the list. */
function unknown(option: string, name: string, what: string, names: readonly string[]): string {
  return `${option} ${shown(name)}: unknown ${what}${didYouMeanClause(name, names)} (one of ${names.join(', ')})`;
}

export function checkGuest(name: string): string | undefined {
  const names = GUEST_MODELS.map((g) => g.name);
  return names.includes(name as GuestModelName) ? undefined : unknown('--guest', name, 'guest model', names);
}

export function checkHost(name: string): string | undefined {
  const names = HOST_PROFILES.map((h) => h.name);
  return names.includes(name) ? undefined : unknown('--host', name, 'host profile', names);
}

/** `name=on|off` → [name, on], or an error naming the value. */
export function parseQuirk(text: string): { ok: true; name: string; on: boolean } | { ok: false; error: string } {
  // Any name before the `=` is looked up (a misspelt one is the unknown quirk, not the form); ON and Off are on and off.
  const m = /^([^=]+)=(on|off)$/i.exec(text);
  if (!m) return { ok: false, error: `--quirk ${shown(text)}: expected <name>=on|off` };
  const names = QUIRKS.map((q) => q.name);
  if (!names.includes(m[1]!))
    return {
      ok: false,
      error: `--quirk ${shown(text)}: unknown quirk ${shown(m[1]!)}${didYouMeanClause(m[1], names, `=${m[2]}`)} (one of ${names.join(', ')})`,
    };
  return { ok: true, name: m[1]!, on: m[2]!.toLowerCase() === 'on' };
}

/** The quirk table as `--help-quirks` prints it. */
export function quirksHelp(): string {
  return QUIRKS.map((q) => `  ${q.name.padEnd(34)} ${q.models.join(', ')}: ${q.summary}\n`).join('');
}

/** One set of overrides: --guest and --host at most once each, --quirk repeatable for different quirks (each once). */
export function overridesFrom(
  v: { guest?: string[]; host?: string[]; quirk?: string[] },
  compareHint = 'vpci-lab diff compares two',
): { ok: true; o: ConfigOverrides } | { ok: false; error: string } {
  const o: ConfigOverrides = {};
  for (const k of ['guest', 'host'] as const) {
    const list = v[k] ?? [];
    if (list.length > 1) return { ok: false, error: `--${k} given ${list.length} times: it takes one (${compareHint})` };
  }
  const g = v.guest?.[0];
  if (g !== undefined) {
    const e = checkGuest(g);
    if (e) return { ok: false, error: e };
    o.guest = g as GuestModelName;
  }
  const h = v.host?.[0];
  if (h !== undefined) {
    const e = checkHost(h);
    if (e) return { ok: false, error: e };
    o.host = h;
  }
  /** Each quirk's setting as written, to name both when one is given twice. */
  const written = new Map<string, string>();
  for (const q of v.quirk ?? []) {
    const r = parseQuirk(q);
    if (!r.ok) return r;
    // The last would win silently: `--quirk x=on --quirk x=off` runs with it off, as if the first were not there.
    const first = written.get(r.name);
    if (first !== undefined)
      return {
        ok: false,
        error: `--quirk ${shown(r.name)} given twice (${shown(first, "'")} and ${shown(q, "'")}): it takes one setting per quirk (${compareHint})`,
      };
    written.set(r.name, q);
    (o.quirks ??= {})[r.name] = r.on;
  }
  return { ok: true, o };
}

/**
 * What a command says of a quirk switched on the command line that the guest does not have: it
 * changes nothing, as the scenario's own `quirk` line would be told (quirk-not-applicable).
 */
export function quirkWarnings(command: string, quirks: Record<string, boolean> | undefined, guest: GuestModelName): string[] {
  const out: string[] = [];
  for (const q of Object.keys(quirks ?? {})) {
    const info = QUIRKS.find((x) => x.name === q)!;
    if (!info.models.includes(guest))
      out.push(`vpci-lab: ${command}: warning: --quirk ${q}: the ${guest} guest has no such quirk (${info.models.join(', ')} only); it changes nothing`);
  }
  return out;
}
