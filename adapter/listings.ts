// Writes the guest driver listings (emulator/vpci/guest/listings.ts) as files,
// for the VSIX (`vpci-lab listings DIR`) and for a session whose shipped
// listings do not match its build.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LISTINGS_STAMP, listingRelPath, listingsFolder } from '../emulator/vpci/guest/listings';
import { makeFolders } from '../io/node-files';

/** Where a model's listing file lives under `dir`. */
export function listingPath(dir: string, model: string, file: string): string {
  return join(dir, ...listingRelPath(model, file).split('/'));
}

/** Writes every model's listings under `dir`, with the folder's stamp (listingsFolder); returns the listings' paths. */
export function writeListings(dir: string): string[] {
  const written: string[] = [];
  for (const f of listingsFolder()) {
    const p = join(dir, ...f.relPath.split('/'));
    makeFolders(dirname(p));
    writeFileSync(p, f.text);
    if (f.relPath !== LISTINGS_STAMP) written.push(p);
  }
  return written;
}
