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

/**
 * An identity of a set of listings (their paths and texts), for the stamp a listings folder
 * carries (adapter/listings.ts): equal sets give equal digests, and a change anywhere almost
 * surely gives another. Not a cryptographic hash (nothing here is adversarial): two independent
 * 32-bit FNV-1a hashes (http://www.isthe.com/chongo/tech/comp/fnv/, offset basis 2166136261 and
 * prime 16777619; the second, ours, from another basis with each character's position mixed in)
 * and the total length.
 */
export function listingsDigest(listings: readonly { relPath: string; text: string }[]): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  let n = 0;
  const add = (s: string): void => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193) >>> 0;
    }
    n += s.length;
  };
  for (const l of [...listings].sort((x, y) => (x.relPath < y.relPath ? -1 : x.relPath > y.relPath ? 1 : 0))) {
    add(l.relPath);
    add('\0');
    add(l.text);
    add('\0');
  }
  return `${listings.length}-${n}-${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

/**
 * The stamp a listings folder carries: the digest of every model's listings it holds
 * (listingsDigest). A build stamps the same digest into its bundles (esbuild.config.mjs,
 * `__VPCI_LISTINGS_DIGEST__`), so a launch knows the shipped listings are its own from these few
 * bytes instead of laying out its model's listings and comparing them with the files (adapter/session.ts).
 */
export const LISTINGS_STAMP = 'listings.digest';

/**
 * The files a listings folder is written as, in order (relative paths, posix separators): the stamp
 * emptied first, every model's listings, the stamp last. A write cut short leaves a folder no build
 * takes for its own.
 */
export function listingsFolder(): { relPath: string; text: string }[] {
  const all = allListings();
  return [{ relPath: LISTINGS_STAMP, text: '' }, ...all, { relPath: LISTINGS_STAMP, text: listingsDigest(all) + '\n' }];
}
