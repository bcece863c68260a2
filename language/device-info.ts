// A catalog device as hover and completion show it: identity (vendor:device),
// BAR sizes, interrupt capabilities and where the bytes come from
// (emulator/pci/catalog.ts). Cached: catalogEntry() builds the config bytes.
import { catalogEntry, type CatalogEntry } from '../emulator/pci/catalog';
import { hexDigits, sizeText } from '../emulator/format';
import { catalogInterrupts } from '../emulator/scenario/context';

/**
 * The catalog's entries asked for so far (null: one whose bytes could not be built). Only ids the
 * catalog knows are kept: an unknown one is a map lookup to answer, and every word ever hovered or
 * typed where a device goes (each prefix as a name is typed, a pasted 10 MB line) stayed here for
 * the life of the server.
 */
const cache = new Map<string, CatalogEntry | null>();

function entry(id: string): CatalogEntry | undefined {
  let e = cache.get(id);
  if (e === undefined) {
    try {
      e = catalogEntry(id);
      if (!e) return undefined;
    } catch {
      e = null;
    }
    cache.set(id, e);
  }
  return e ?? undefined;
}

/** How many ids the cache holds (for tests: at most the catalog's). */
export function deviceEntriesCached(): number {
  return cache.size;
}

const hex4 = (v: number): string => hexDigits(v, 4);

export function barsText(e: CatalogEntry): string {
  return e.bars.map((b) => `${b.index === 'rom' ? 'ROM' : `BAR${b.index}`} ${sizeText(b.size)}`).join(', ') || 'no BARs';
}

/**
 * A completion item's detail, or undefined when the catalog does not know the id: its
 * vendor:device as lspci -nn writes it and whether it is a virtual function — short, because the
 * suggest list gives the focused row's label and detail one line and cuts the label first. BARs
 * and interrupts are in the documentation beside the list.
 */
export function deviceDetail(id: string): string | undefined {
  const e = entry(id);
  return e && `[${hex4(e.vendorId)}:${hex4(e.deviceId)}]${e.vf ? ' SR-IOV VF' : ''}`;
}

/** Hover Markdown from the catalog, or undefined when it does not know the id. */
export function deviceCatalogMarkdown(id: string): string | undefined {
  const e = entry(id);
  if (!e) return undefined;
  return (
    `**${e.id}** — ${e.title}\n\n` +
    `| | |\n|---|---|\n` +
    `| Vendor:Device | \`${hex4(e.vendorId)}:${hex4(e.deviceId)}\`${e.vf ? ' (SR-IOV virtual function)' : ''} |\n` +
    `| BARs | ${barsText(e)} |\n` +
    `| Interrupts | ${e.interrupts} |\n` +
    `| Data | ${e.source} |\n\n` +
    e.description
  );
}

/**
 * The MSI-X vectors a catalog device has (its table size, read from its config space as the checker
 * reads it), or undefined: an unknown id, or no MSI-X capability (a dump that stops before its
 * capabilities, though the summary names the table the real device has).
 */
export function msixVectors(id: string): number | undefined {
  return catalogInterrupts(id)?.msix || undefined;
}
