// vpci-lab command line. Commands are registered in adapter/cli/commands; the body that runs them
// is runCli in adapter/cli/main.ts, built into the adapter's bundle (dist/adapter-core.js), which
// holds all but ~55 KB of what the commands need: one copy of the emulator in the VSIX, not two.
//
// Built, every command starts through the adapter's loader (dist/adapter.js, adapter/boot.ts),
// which runs that bundle with its V8 code cache. `vpci-lab dap` over stdio is the debug adapter
// itself, started as dist/adapter.js starts it: launch → first stop is budgeted as for
// dist/adapter.js (docs/architecture.md, Budgets), and its memory at the first stop too.
//
// Only Node built-ins here (and io/errors' debugWanted, a few bytes).
import { join } from 'node:path';
import { debugWanted } from '../io/errors';

const argv = process.argv.slice(2);
const bundled = __filename.endsWith('cli.js');
if (bundled) {
  // VPCI_DEBUG=1 prints an internal error's stack (adapter/cli/main.ts): the bundle is minified, so
  // its frames are named through dist/adapter-core.js.map, which Node reads only when asked to before
  // the bundle is loaded. A VSIX ships no maps: there the stack names minified functions.
  if (debugWanted(process.env['VPCI_DEBUG'])) process.setSourceMapsEnabled(true);
  // A file found at run time (the loader beside this one), loaded synchronously with its code cache.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  const loader = require(join(__dirname, 'adapter.js')) as typeof import('./boot');
  if (argv.length === 1 && argv[0] === 'dap') loader.runAdapter([]);
  else loader.runCli(argv);
} else {
  // From source (tsx): the body's module itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the adapter is not what was asked for
  (require(join(__dirname, 'cli', 'main')) as typeof import('./cli/main')).runCli(argv);
}
