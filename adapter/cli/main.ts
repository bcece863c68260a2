// Command dispatch for the vpci-lab CLI. Each command lives in its own module
// and returns an exit code; output goes through the injected streams so tests
// can capture it.
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export type Command = (args: string[], io: CliIo) => Promise<number> | number;

const commands = new Map<string, { run: Command; summary: string }>();

export function registerCommand(name: string, summary: string, run: Command): void {
  commands.set(name, { run, summary });
}

function usage(io: CliIo): void {
  io.out('usage: vpci-lab <command> [options]\n\ncommands:\n');
  for (const [name, c] of [...commands].sort(([a], [b]) => a.localeCompare(b))) {
    io.out(`  ${name.padEnd(10)} ${c.summary}\n`);
  }
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  await import('./commands');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    usage(io);
    return name ? 0 : 2;
  }
  const cmd = commands.get(name);
  if (!cmd) {
    io.err(`vpci-lab: unknown command '${name}'\n`);
    usage(io);
    return 2;
  }
  return cmd.run(rest, io);
}
