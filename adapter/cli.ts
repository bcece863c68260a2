// vpci-lab command line. Commands are registered in adapter/cli/commands.
// Whatever escapes a command is one line on stderr, never a stack trace (set
// VPCI_DEBUG=1 to see it): a system error (a folder given as a file, a port in
// use, no permission) as its reason, exit 74 (EX_IOERR) or 69 (EX_UNAVAILABLE,
// a port that cannot be listened on); anything else is a bug, exit 70 (EX_SOFTWARE).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './cli/main';
import { errnoCode, errorReason } from '../io/errors';
import { FileError } from '../io/files';
import { ListenError } from './server';

/** Exits once everything written has left: stdout and stderr are asynchronous pipes, and exiting at once would cut off a long report. */
function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

function failed(command: string, err: unknown): void {
  const where = command && !command.startsWith('-') ? `${command}: ` : '';
  if (process.env.VPCI_DEBUG) process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  if (err instanceof ListenError) {
    process.stderr.write(`vpci-lab: ${where}${err.message}\n`);
    exit(69);
    return;
  }
  if (err instanceof FileError || errnoCode(err)) {
    const path = err instanceof FileError ? '' : typeof (err as { path?: unknown }).path === 'string' ? `${(err as { path: string }).path}: ` : '';
    process.stderr.write(`vpci-lab: ${where}${err instanceof FileError ? err.message : path + errorReason(err)}\n`);
    exit(74);
    return;
  }
  process.stderr.write(`vpci-lab: ${where}internal error: ${errorReason(err)}${process.env.VPCI_DEBUG ? '' : ' (set VPCI_DEBUG=1 for the stack trace)'}\n`);
  exit(70);
}

// `vpci-lab dap` over stdio is the debug adapter itself: next to the built CLI it starts through
// the adapter's loader (dist/adapter.js, adapter/boot.ts), which runs the adapter bundle with its
// V8 code cache — launch → first stop is budgeted as for dist/adapter.js (docs/architecture.md, Budgets), and
// compiling the adapter from this bundle, without a cache, takes most of a launch.
const argv = process.argv.slice(2);
const loader = join(__dirname, 'adapter.js');
if (argv.length === 1 && argv[0] === 'dap' && __filename.endsWith('cli.js') && existsSync(loader)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file found at run time (the adapter bundle beside this one), loaded synchronously with its code cache
  require(loader);
} else {
  main(argv).then(
    (code) => exit(code),
    (err: unknown) => failed(argv[0] ?? '', err),
  );
}
