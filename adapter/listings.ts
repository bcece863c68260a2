// Writes the guest driver listings (emulator/vpci/guest/listings.ts) as files,
// for the VSIX (`vpci-lab listings DIR`) and for a session whose shipped
// listings do not match its build.
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { LISTINGS_STAMP, allListings, listingRelPath, listingsFolder } from '../emulator/vpci/guest/listings';
import { loadGuestModel } from '../emulator/vpci/guest/registry';
import { GUEST_MODELS } from '../emulator/vpci/guest/models';
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

/** Every model's listings by relative path (model/file), made when first asked (otherModelOf). */
let relPaths: Map<string, string> | undefined;

/**
 * The guest model whose listing `path` is, when it is one of `dir`'s listings of a model other
 * than `running`: a breakpoint set there (a Linux listing while FreeBSD runs) is told which model
 * the file is of, not that it is no listing at all.
 */
export function otherModelOf(dir: string, running: string, path: string): string | undefined {
  const rel = relative(dir, path).split(sep).join('/');
  if (rel.startsWith('../') || rel.startsWith(running + '/')) return undefined;
  relPaths ??= new Map(allListings().map((l) => [l.relPath, l.model]));
  return relPaths.get(rel);
}

/** Every model's function names, made when first asked (otherModelWithFunction). */
let fnsByModel: [string, ReadonlySet<string>][] | undefined;

/** A guest model other than `running` with a driver function named `name` (a function breakpoint on another model's function). */
export function otherModelWithFunction(running: string, name: string): string | undefined {
  fnsByModel ??= GUEST_MODELS.map((g) => [g.name, new Set(loadGuestModel(g.name).program.fns.keys())]);
  return fnsByModel.find(([model, fns]) => model !== running && fns.has(name))?.[0];
}
