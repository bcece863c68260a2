// The words a user reads about host profiles, guest models and quirks, made
// from their tables (HOST_PROFILES, GUEST_MODELS, QUIRKS) and nowhere else: the
// CLI's help calls these, and scripts/generate.ts writes them into package.json
// (launch schema enums and descriptions), the README and the docs. Each function
// takes the tables as a parameter (default: the real ones), so a test can show
// that a new row reaches every place.
import { HOST_PROFILES, type HostProfile } from '../vpci/host/profiles';
import { GUEST_MODELS, type GuestModelRow } from '../vpci/guest/models';
import { QUIRKS, type QuirkInfo } from '../vpci/guest/quirks';
import { versionText } from './context';

export interface Catalog {
  hosts: readonly Pick<HostProfile, 'name' | 'title' | 'description' | 'versions'>[];
  guests: readonly GuestModelRow[];
  quirks: readonly Pick<QuirkInfo, 'name' | 'models' | 'summary' | 'description' | 'source'>[];
}

export const CATALOG: Catalog = { hosts: HOST_PROFILES, guests: GUEST_MODELS, quirks: QUIRKS };

/** `1.1, 1.2, 1.4`, or `1.1–1.4` when the minors run without a gap. */
export function versionsText(vs: readonly number[]): string {
  if (!vs.length) return 'none';
  const sorted = [...vs].sort((a, b) => a - b);
  const run = sorted.every((v, i) => i === 0 || v === sorted[i - 1]! + 1);
  if (run && sorted.length > 2) return `${versionText(sorted[0]!)}–${versionText(sorted[sorted.length - 1]!)}`;
  return vs.map(versionText).join(', ');
}

/** The version a guest and a host agree on: the first the guest offers that the host accepts. */
export function negotiatedVersion(guest: Pick<GuestModelRow, 'versions'>, host: Pick<HostProfile, 'versions'>): number | undefined {
  return guest.versions.find((v) => host.versions.includes(v));
}

/** `Hyper-V, Windows Server 2016: accepts vPCI 1.1, 1.2. <description>` */
export function hostProfileText(p: Catalog['hosts'][number]): string {
  return `${p.title}: accepts vPCI ${versionsText(p.versions)}. ${p.description}`;
}

/** `Linux pci-hyperv: offers vPCI 1.4, 1.3, 1.2, 1.1, in that order. <description>` */
export function guestModelText(g: GuestModelRow): string {
  return `${g.title}: offers vPCI ${g.versions.map(versionText).join(', ')}${g.versions.length > 1 ? ', in that order' : ''}. ${g.description}`;
}

/** `<summary> (freebsd, freebsd-2016).` */
export function quirkText(q: Catalog['quirks'][number]): string {
  return `${capital(q.summary)} (${q.models.join(', ')}).`;
}

/** Capitalises a sentence that starts with a plain word (not an identifier like vmbus_pcib_map_msi). */
export function capital(s: string): string {
  return /^[a-z]+\b(?![_(])/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** The choices of an option, for a one-line help: `freebsd, freebsd-2016, linux`. */
export function guestChoices(c: Catalog = CATALOG): string {
  return c.guests.map((g) => g.name).join(', ');
}
export function hostChoices(c: Catalog = CATALOG): string {
  return c.hosts.map((h) => h.name).join(', ');
}
