// The driver listings of every guest model, as text: what the debugger steps
// through and what the VSIX ships under listings/<model>/. Pure: writing them
// to files is the caller's business (adapter/listings.ts).
import { loadGuestModel } from './registry';
import { GUEST_MODELS } from './models';

export interface ListingFile {
  model: string;
  /** The program's listing name, e.g. "freebsd/vmbus_pcib.c". */
  file: string;
  /** Where it lives under a listings folder: <model>/<file without its OS folder>. */
  relPath: string;
  text: string;
}

/** Where a model's listing file lives under a listings folder (posix separators). */
export function listingRelPath(model: string, file: string): string {
  return `${model}/${file.slice(file.indexOf('/') + 1)}`;
}

export function allListings(): ListingFile[] {
  const out: ListingFile[] = [];
  for (const info of GUEST_MODELS) {
    const model = loadGuestModel(info.name);
    for (const l of model.program.listings.values()) out.push({ model: info.name, file: l.file, relPath: listingRelPath(info.name, l.file), text: l.text });
  }
  return out;
}
