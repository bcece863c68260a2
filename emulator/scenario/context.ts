// What names a scenario can use: devices, host profiles, guest models, quirks,
// messages and statuses, plus how to read and check a dump file. The checker
// and the language server (completion, hover) share it. File access is
// injected so emulator/ stays free of Node I/O.
import { HOST_PROFILES } from '../vpci/host/profiles';
import { GUEST_MODELS, type GuestModelRow } from '../vpci/guest/models';
import { QUIRKS } from '../vpci/guest/quirks';
import { MESSAGE_NAMES, STATUS_NAMES } from './names';
import { checkLspciText, type DumpProblem } from './dump-check';
import { CATALOG_DEVICES } from './devices';
import { catalogBytes, catalogEntry } from '../pci/catalog';
import { layoutBars } from '../pci/bars';
import { decodeCapability, walkCapabilities } from '../pci/capabilities';

/** Why a dump file could not be read: its diagnostic code and a one-line message naming the path. */
export interface DumpReadFailure {
  code: 'dump-missing' | 'dump-outside' | 'dump-unreadable' | 'dump-no-folder';
  message: string;
}

export interface ScenarioContext {
  /** Injected; resolves relative to the scenario. Undefined: the file is missing. */
  readFile(path: string): string | DumpReadFailure | undefined;
  devices: { id: string; title: string; detail: string }[];
  hostProfiles: {
    name: string;
    title: string;
    versions: number[];
    /** false: the host cannot send PCI_EJECT (OpenVMM revokes the channel instead, protocol.md §7.2). */
    supportsEject?: boolean;
    /** true: only win_slot 0 is served (OpenVMM). */
    slotZeroOnly?: boolean;
    /** false: the host never changes a live bus's functions: a plug adds nothing, an unplug revokes the channel (OpenVMM). */
    relationsUpdates?: boolean;
    /** What is modelled and what is ours, for hover (HostProfile.description). */
    description?: string;
  }[];
  guestModels: {
    name: string;
    title: string;
    versions: number[];
    driver?: string;
    description?: string;
    source?: string;
    /** GuestModelRow.splitBarWindows: 32-bit BARs need a range below 4 GiB, 64-bit ones a range above. */
    splitBarWindows?: boolean;
    /** GuestModelRow.plugFails. */
    plugFails?: { why: string; quirk?: string };
  }[];
  quirks: { name: string; models: string[]; summary: string; description?: string; source?: string }[];
  messages: { name: string; value: number; aliases: string[] }[];
  statuses: { name: string; value: number }[];
  /**
   * The interrupts a catalog device's config space offers: its MSI-X table size and the MSI vectors its
   * Multiple Message Capable field allows, each 0 when the capability is absent; undefined for an id the
   * catalog does not have.
   */
  deviceInterrupts?(id: string): { msix: number; msi: number } | undefined;
  /** The bytes of a catalog device's 32-bit and 64-bit memory BARs (its config space and sizes); undefined for an id the catalog does not have. */
  deviceBarSpace?(id: string): { low: number; high: number } | undefined;
  /**
   * Parses a dump file's text/bytes: null = ok, else the error with its line.
   * When `bars` is passed, also checks the sizes against the BARs the dump
   * implements; `bar` then names the BAR the problem is about, and `space` gets their bytes as deviceBarSpace gives them.
   */
  checkDump?(
    text: string,
    select?: string,
    bars?: readonly { index: number | 'rom'; size: number }[],
    space?: { low: number; high: number },
  ): DumpProblem | null;
}

/** `1.4` for 0x00010004. */
export function versionText(v: number): string {
  return `${v >>> 16}.${v & 0xffff}`;
}

export function defaultScenarioContext(readFile: ScenarioContext['readFile']): ScenarioContext {
  return {
    readFile,
    devices: CATALOG_DEVICES(),
    hostProfiles: HOST_PROFILES.map((p) => ({
      name: p.name,
      title: p.title,
      versions: [...p.versions],
      supportsEject: p.supportsEject,
      slotZeroOnly: p.slotZeroOnly,
      relationsUpdates: p.relationsUpdates,
      description: p.description,
    })),
    guestModels: GUEST_MODELS.map((m) => ({
      name: m.name,
      title: m.title,
      versions: [...m.versions],
      driver: m.driver,
      description: m.description,
      source: m.source,
      splitBarWindows: (m as GuestModelRow).splitBarWindows === true,
      plugFails: (m as GuestModelRow).plugFails,
    })),
    quirks: QUIRKS.map((q) => ({ name: q.name, models: [...q.models], summary: q.summary, description: q.description, source: q.source })),
    messages: MESSAGE_NAMES.map((m) => ({ name: m.name, value: m.value, aliases: [...m.aliases] })),
    statuses: STATUS_NAMES.map((s) => ({ ...s })),
    deviceInterrupts: catalogInterrupts,
    deviceBarSpace: catalogBarSpace,
    checkDump: checkLspciText,
  };
}

/**
 * MSI and MSI-X as a catalog device's config bytes have them, read by the walk and the decoders the
 * emulated function uses (emulator/pci/capabilities.ts): MSI's Multiple Message Capable (2^n
 * vectors) and MSI-X's Table Size (N-1), PCI Local Bus spec 3.0 §6.8.1.3 and §6.8.2.3. A device whose
 * dump stops before its capabilities has neither, as the emulator sees it.
 */
export const catalogInterrupts = perCatalogId((id): { msix: number; msi: number } | undefined => {
  const b = catalogBytes(id);
  if (!b) return undefined;
  const out = { msix: 0, msi: 0 };
  for (const e of walkCapabilities(b).capabilities) {
    if (e.extended) continue;
    const v = decodeCapability(b, e);
    if (v.kind === 'msi' && !out.msi) out.msi = v.vectorsCapable;
    if (v.kind === 'msix' && !out.msix) out.msix = v.tableSize;
  }
  return out;
});

/**
 * The memory a catalog device's BARs decode, 32-bit and 64-bit apart, as its config space and sizes
 * lay them out (emulator/pci/bars.ts layoutBars, as the emulated function does); I/O BARs and the
 * ROM left out.
 */
export const catalogBarSpace = perCatalogId((id): { low: number; high: number } | undefined => {
  const bytes = catalogBytes(id);
  const entry = catalogEntry(id);
  if (!bytes || !entry) return undefined;
  const out = { low: 0, high: 0 };
  const l = layoutBars(bytes, entry.bars);
  for (const b of l.ok ? l.bars : []) {
    if (b.kind === 'mem32') out.low += b.size;
    else if (b.kind === 'mem64') out.high += b.size;
  }
  return out;
});

/**
 * `answer` made once per catalog id and kept, each caller given its own copy: the catalog does not
 * change, and the checker asks at every driver event of every re-analysis the language server makes
 * while the user types. Only catalog ids are kept (`answer` gives undefined for any other), so the
 * ids a user types cannot grow it.
 */
function perCatalogId<T extends object>(answer: (id: string) => T | undefined): (id: string) => T | undefined {
  const kept = new Map<string, T>();
  return (id) => {
    let v = kept.get(id);
    if (!v) {
      v = answer(id);
      if (!v) return undefined;
      kept.set(id, v);
    }
    return { ...v };
  };
}
