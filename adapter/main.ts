// Debug adapter entry point (stdio, or TCP with --port). Filled in by the adapter work.
process.stderr.write('vpci-lab debug adapter: not built yet\n');
process.exit(1);
