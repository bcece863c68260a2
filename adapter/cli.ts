// vpci-lab command line. Commands are registered in adapter/cli/commands.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './cli/main';

// `vpci-lab dap` over stdio is the debug adapter itself: next to the built CLI it starts through
// the adapter's loader (dist/adapter.js, adapter/boot.ts), which runs the adapter bundle with its
// V8 code cache — launch → first stop is budgeted as for dist/adapter.js (DESIGN.md §7), and
// compiling the adapter from this bundle, without a cache, takes most of a launch.
const argv = process.argv.slice(2);
const loader = join(__dirname, 'adapter.js');
if (argv.length === 1 && argv[0] === 'dap' && __filename.endsWith('cli.js') && existsSync(loader)) {
  require(loader);
} else {
  main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`vpci-lab: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(70);
    },
  );
}
