// Command dispatch for the vpci-lab CLI: `vpci-lab <command> [options]`, with
// `--help` on every command printing its usage to stdout (exit 0).
import { COMMANDS } from './commands';
import { processIo, EXIT, type CliIo } from './io';
import { wantsHelp } from './args';

export type { CliIo } from './io';

function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: vpci-lab <command> [options]

commands:
${[...COMMANDS].sort((a, b) => a.name.localeCompare(b.name)).map((c) => `  ${c.name.padEnd(w)}  ${c.summary}\n`).join('')}
vpci-lab <command> --help prints a command's options; vpci-lab help <command> does too.
`;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage());
    return EXIT.badInput;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const about = name === 'help' ? rest[0] : undefined;
    if (about === undefined) {
      io.out(usage());
      return EXIT.ok;
    }
    const c = COMMANDS.find((x) => x.name === about);
    if (!c) {
      io.err(`vpci-lab help: unknown command '${about}'\n${usage()}`);
      return EXIT.badInput;
    }
    io.out(c.usage);
    return EXIT.ok;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`vpci-lab: unknown command '${name}'\n${usage()}`);
    return EXIT.badInput;
  }
  if (wantsHelp(rest)) {
    io.out(cmd.usage);
    return EXIT.ok;
  }
  return cmd.run(rest, io);
}
