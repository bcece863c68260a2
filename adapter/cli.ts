// vpci-lab command line. Commands are registered in adapter/cli/commands.
import { main } from './cli/main';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`vpci-lab: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(70);
  },
);
