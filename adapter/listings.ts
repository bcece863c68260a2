// Writes the guest driver listings (emulator/vpci/guest/listings.ts) as files,
// for the VSIX (`vpci-lab listings DIR`) and for a session whose shipped
// listings do not match its build.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allListings, listingRelPath } from '../emulator/vpci/guest/listings';
import { makeFolders } from '../io/node-files';

/** Where a model's listing file lives under `dir`. */
export function listingPath(dir: string, model: string, file: string): string {
  return join(dir, ...listingRelPath(model, file).split('/'));
}

/** Writes every model's listings under `dir`; returns the paths written. */
export function writeListings(dir: string): string[] {
  const written: string[] = [];
  for (const l of allListings()) {
    const p = join(dir, ...l.relPath.split('/'));
    makeFolders(dirname(p));
    writeFileSync(p, l.text);
    written.push(p);
  }
  return written;
}
