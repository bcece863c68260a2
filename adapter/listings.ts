// Writes the guest driver listings (emulator/vpci/guest/listings.ts) as files,
// for the VSIX (`vpci-lab listings DIR`) and for a session whose shipped
// listings do not match its build.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allListings, listingRelPath, listingsDigest } from '../emulator/vpci/guest/listings';
import { makeFolders } from '../io/node-files';

/** Where a model's listing file lives under `dir`. */
export function listingPath(dir: string, model: string, file: string): string {
  return join(dir, ...listingRelPath(model, file).split('/'));
}

/**
 * The stamp a listings folder carries: the digest of every model's listings it holds
 * (listingsDigest), written after them. A build stamps the same digest into its bundles
 * (esbuild.config.mjs, `__VPCI_LISTINGS_DIGEST__`), so a launch knows the shipped listings are its
 * own from these few bytes instead of laying out its model's listings and comparing them with the files (adapter/session.ts).
 */
export const LISTINGS_STAMP = 'listings.digest';

/** Writes every model's listings under `dir`, then its stamp; returns the listings' paths. */
export function writeListings(dir: string): string[] {
  const written: string[] = [];
  const all = allListings();
  // The stamp is emptied first and written last: a write cut short leaves a folder no build takes for its own.
  const stamp = join(dir, LISTINGS_STAMP);
  makeFolders(dir);
  writeFileSync(stamp, '');
  for (const l of all) {
    const p = join(dir, ...l.relPath.split('/'));
    makeFolders(dirname(p));
    writeFileSync(p, l.text);
    written.push(p);
  }
  writeFileSync(stamp, listingsDigest(all) + '\n');
  return written;
}
