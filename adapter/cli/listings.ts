// `vpci-lab listings <dir>`: writes every guest model's driver listings (the
// pseudo-C the debugger steps through) as files, so the VSIX ships them and
// users can set breakpoints before launching.
import { registerCommand } from './main';
import { writeListings } from '../listings';

registerCommand('listings', 'write the guest driver listings to a folder', (args, io) => {
  const dir = args[0] ?? 'listings';
  const w = writeListings(dir);
  io.out(`wrote ${w.length} listing file(s) under ${dir}\n`);
  return 0;
});
