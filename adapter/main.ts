// The debug adapter executable (dist/adapter.js): DAP over stdio by default,
// or a TCP server on 127.0.0.1 with --server=PORT (as VS Code's debugServer
// convention and mock-debug use).
import { runStdio, runTcp } from './server';

const arg = process.argv.slice(2).find((a) => a.startsWith('--server='));
if (arg) {
  const port = Number(arg.slice('--server='.length));
  void runTcp(Number.isInteger(port) ? port : 4711, (p) => process.stderr.write(`vpci-lab debug adapter listening on 127.0.0.1:${p}\n`));
} else runStdio();
