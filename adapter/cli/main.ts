// Command dispatch for the vpci-lab CLI: `vpci-lab <command> [options]`, with
// `--help` on every command printing its usage to stdout (exit 0).
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { shown } from '../../emulator/format';
import { didYouMean } from '../../emulator/scenario/names';
import { COMMANDS } from './commands';
import { processIo, EXIT, type CliIo } from './io';
import { HelpWanted, wantsHelp } from './args';
import { debugWanted, errnoCode, errorReason } from '../../io/errors';
import { FileError, shownPath } from '../../io/files';
import { ListenError } from '../server';

export type { CliIo } from './io';

function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: vpci-lab <command> [options]

commands:
${[...COMMANDS]
  .sort((a, b) => (a.name < b.name ? -1 : 1))
  .map((c) => `  ${c.name.padEnd(w)}  ${c.summary}\n`)
  .join('')}
vpci-lab <command> --help prints a command's options; vpci-lab help <command> does too.
vpci-lab --version prints the version.
`;
}

declare const __VPCI_VERSION__: string | undefined;

/** The version of the package this CLI was built from (the build stamps it; from source, package.json says it). */
function version(): string {
  if (typeof __VPCI_VERSION__ === 'string') return __VPCI_VERSION__;
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'of unknown version (no package.json beside the source)';
  }
}

/** A command's name, or the usage's hint: one line, as every other error. */
function unknownCommand(name: string, prefix = 'vpci-lab'): string {
  const near = didYouMean(
    name,
    COMMANDS.map((c) => c.name),
  );
  return `${prefix}: unknown command ${shown(name, "'")}${near ? ` (did you mean ${near}?)` : ''}\n(vpci-lab --help lists the commands)\n`;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage());
    return EXIT.badInput;
  }
  if (name === '--version') {
    // A word after it is a mistake (`--version run`), not something to ignore.
    if (rest.length) {
      io.err(`vpci-lab: --version takes no arguments (got ${shown(rest[0]!, "'")})\n(vpci-lab --help lists the commands)\n`);
      return EXIT.badInput;
    }
    io.out(`vpci-lab ${version()}\n`);
    return EXIT.ok;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    // `vpci-lab -h run` asks about run, as `vpci-lab help run` does (and git's `--help commit`).
    const about = rest[0];
    // `help --help` (or -h, or `help help`) asks how to use help: the usage, which says it.
    if (about === undefined || about === '--help' || about === '-h' || about === 'help') {
      io.out(usage());
      return EXIT.ok;
    }
    const c = COMMANDS.find((x) => x.name === about);
    if (!c) {
      io.err(unknownCommand(about, `vpci-lab: ${name}`));
      return EXIT.badInput;
    }
    if (rest.length > 1) {
      io.err(`vpci-lab: ${name === 'help' ? 'help' : name}: one command at a time (got ${rest.length})\n(vpci-lab --help lists the commands)\n`);
      return EXIT.badInput;
    }
    io.out(c.usage);
    return EXIT.ok;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(unknownCommand(name));
    return EXIT.badInput;
  }
  if (wantsHelp(rest)) {
    io.out(cmd.usage);
    return EXIT.ok;
  }
  current = name;
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    // -h inside a cluster of short options (`lspci -vh`), found by the command's own parse.
    if (!(e instanceof HelpWanted)) throw e;
    io.out(cmd.usage);
    return EXIT.ok;
  }
}

// ---- the process: the executable (adapter/cli.ts) runs this through the adapter's bundle (dist/adapter-core.js) ----
//
// Whatever escapes a command is one line on stderr, never a stack trace (set VPCI_DEBUG=1 to see
// it): a system error (a folder given as a file, a port in use, no permission) as its reason, exit
// 74 (EX_IOERR) or 69 (EX_UNAVAILABLE, a port that cannot be listened on); anything else is a
// bug, exit 70 (EX_SOFTWARE).

/** The command running, for a message about its output (none while printing the usage). */
let current = '';

/** Exits once everything written has left: stdout and stderr are asynchronous pipes, and exiting at once would cut off a long report. */
function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', (e) => {
    if (e) return outputFailed('stdout', e);
    process.stderr.write('', (e2) => (e2 ? outputFailed('stderr', e2) : process.exit(code)));
  });
}

/**
 * Output that cannot be written ends the process at once, never with Node's stack trace for an
 * unhandled 'error' event, and never with the command's own code as if the report had been
 * delivered. The reader of a pipe went away (`vpci-lab devices | head -1`): quietly, with 141, the
 * status of a Unix tool ended by SIGPIPE. Any other failure (a full disk, /dev/full): one line on
 * stderr and 74 (EX_IOERR). A standard output the caller closed (`>&-`) is no failure here: Node puts
 * /dev/null, opened read-write, in its place before any of this runs (node src/node.cc PlatformInit),
 * so the output is discarded and the command's own code stands. It cannot be told from a
 * /dev/null a parent gave on purpose, which libuv's and Python's "ignore"/DEVNULL open read-write too.
 */
function outputFailed(name: 'stdout' | 'stderr', e: unknown): void {
  // The first failure of the stream, not a later write's "stream destroyed".
  const first: unknown = (name === 'stdout' ? process.stdout : process.stderr).errored ?? e;
  if (errnoCode(first) === 'EPIPE') process.exit(141);
  if (name === 'stdout') {
    try {
      writeSync(2, `vpci-lab: ${current ? `${current}: ` : ''}cannot write the output (stdout): ${errorReason(first)}\n`);
    } catch {
      // stderr is gone too
    }
  }
  process.exit(74);
}

function failed(command: string, err: unknown): void {
  const where = command && !command.startsWith('-') ? `${command}: ` : '';
  if (debugWanted(process.env.VPCI_DEBUG)) process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  if (err instanceof ListenError) {
    process.stderr.write(`vpci-lab: ${where}${err.message}\n`);
    exit(69);
    return;
  }
  if (err instanceof FileError || errnoCode(err)) {
    // The path as every message shows it: a control character in it as \xNN, so the line stays one line.
    const path = err instanceof FileError ? '' : typeof (err as { path?: unknown }).path === 'string' ? `${shownPath((err as { path: string }).path)}: ` : '';
    process.stderr.write(`vpci-lab: ${where}${err instanceof FileError ? err.message : path + errorReason(err)}\n`);
    exit(74);
    return;
  }
  process.stderr.write(
    `vpci-lab: ${where}internal error: ${errorReason(err)}${debugWanted(process.env.VPCI_DEBUG) ? '' : ' (set VPCI_DEBUG=1 for the stack trace)'}\n`,
  );
  exit(70);
}

/** Runs the command line `argv` (without node and the script) and exits with its code. */
export function runCli(argv: string[]): void {
  process.stdout.on('error', (e) => outputFailed('stdout', e));
  process.stderr.on('error', (e) => outputFailed('stderr', e));
  main(argv).then(
    (code) => exit(code),
    (err: unknown) => failed(argv[0] ?? '', err),
  );
}
