// vpci-lab command line. Commands are registered in adapter/cli/commands; the body that runs them
// is runCli in adapter/cli/main.ts, built as its own bundle (dist/cli-body.js) and loaded here on demand.
//
// `vpci-lab dap` over stdio is the debug adapter itself: next to the built CLI it starts through
// the adapter's loader (dist/adapter.js, adapter/boot.ts), which runs the adapter bundle with its
// V8 code cache — launch → first stop is budgeted as for dist/adapter.js (docs/architecture.md,
// Budgets), and its memory at the first stop too. So this file is only the choice between the two:
// loading the CLI's body first (a megabyte of script compiled and its modules evaluated) cost about
// 10 MiB of resident memory and tens of milliseconds before the adapter even started.
//
// Only Node built-ins here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const bundled = __filename.endsWith('cli.js');
const loader = join(__dirname, 'adapter.js');
if (argv.length === 1 && argv[0] === 'dap' && bundled && existsSync(loader)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file found at run time (the adapter bundle beside this one), loaded synchronously with its code cache
  require(loader);
} else {
  // VPCI_DEBUG=1 prints an internal error's stack (adapter/cli/main.ts): the body is minified, so
  // its frames are named through dist/cli-body.js.map, which Node reads only when asked to before
  // the body is loaded. A VSIX ships no maps: there the stack names minified functions.
  if (process.env['VPCI_DEBUG'] && bundled) process.setSourceMapsEnabled(true);
  // A path computed at run time: the bundler leaves it to Node (the body is its own bundle).
  const body = bundled ? join(__dirname, 'cli-body.js') : join(__dirname, 'cli', 'main');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the body is found at run time and loaded only when the adapter is not what was asked for
  (require(body) as typeof import('./cli/main')).runCli(argv);
}
