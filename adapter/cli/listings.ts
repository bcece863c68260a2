// `vpci-lab listings <dir>`: writes every guest model's driver listings (the
// pseudo-C the debugger steps through) as files, so the VSIX ships them and
// users can set breakpoints before launching.
import { EXIT, STDIN_ARG, type Command } from './io';
import { parse } from './args';
import { writeListings } from '../listings';
import { counted, visible } from '../../emulator/format';

export const LISTINGS_USAGE = `usage: vpci-lab listings [<dir>]

Writes every guest model's driver listings (the C-like text the debugger steps through) under
<dir> (default: listings), one folder per guest OS, and last listings.digest, their stamp: a
debug session of the same build takes a folder with its stamp as its own without reading it.

options:
  -h, --help   print this help

exit codes:
  0   written
  2   a wrong option or argument (an empty folder name, '-', more than one folder)
  74  the folder cannot be written: a file in its place, no permission, a full disk (one line
      naming the path)
`;

export const listingsCommand: Command = {
  name: 'listings',
  summary: 'write the guest driver listings to a folder',
  usage: LISTINGS_USAGE,
  run(args, io) {
    const r = parse(args, {});
    if (!r.ok || r.p.positionals.length > 1) {
      io.err(`vpci-lab: listings: ${r.ok ? `one folder at a time (got ${r.p.positionals.length})` : r.error}\n(vpci-lab listings --help for usage)\n`);
      return EXIT.badInput;
    }
    const dir = r.p.positionals[0] ?? 'listings';
    // '' (an unset shell variable) would resolve to the current folder and fill it with listings.
    if (dir.trim() === '') {
      io.err(`vpci-lab: listings: an empty folder name: which folder? (leave it out for 'listings')\n(vpci-lab listings --help for usage)\n`);
      return EXIT.badInput;
    }
    // '-' means standard input or output to every other command; a tree of files goes to neither.
    if (dir === STDIN_ARG) {
      io.err(`vpci-lab: listings: -: the listings are a folder of files, not one stream (a folder named '-' is ./-)\n(vpci-lab listings --help for usage)\n`);
      return EXIT.badInput;
    }
    // A folder that cannot be written escapes as a system error: one line, exit 74 (adapter/cli/main.ts).
    const w = writeListings(dir);
    io.out(`wrote ${counted(w.length, 'listing file')} under ${visible(dir)}\n`);
    return EXIT.ok;
  },
};
