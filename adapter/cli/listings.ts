// `vpci-lab listings <dir>`: writes every guest model's driver listings (the
// pseudo-C the debugger steps through) as files, so the VSIX ships them and
// users can set breakpoints before launching.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registerCommand } from './main';
import { loadGuestModel } from '../../emulator/vpci/guest/registry';
import { GUEST_MODELS } from '../../emulator/vpci/guest/models';
import type { GuestModelName } from '../../emulator/vpci/guest/quirks';

/** Where a model's listing file lives under `dir`: <dir>/<model>/<file without its os folder>. */
export function listingPath(dir: string, model: string, file: string): string {
  return join(dir, model, file.slice(file.indexOf('/') + 1));
}

export function writeListings(dir: string): string[] {
  const written: string[] = [];
  for (const info of GUEST_MODELS) {
    let model;
    try {
      model = loadGuestModel(info.name as GuestModelName);
    } catch {
      continue; // a model that is not built yet has no listings
    }
    for (const l of model.program.listings.values()) {
      const p = listingPath(dir, info.name, l.file);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, l.text);
      written.push(p);
    }
  }
  return written;
}

registerCommand('listings', 'write the guest driver listings to a folder', (args, io) => {
  const dir = args[0] ?? 'listings';
  const w = writeListings(dir);
  io.out(`wrote ${w.length} listing file(s) under ${dir}\n`);
  return 0;
});
