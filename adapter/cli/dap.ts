// `vpci-lab dap [--port N]`: the debug adapter over stdio, or over TCP on
// 127.0.0.1 for editors that connect to a debug server.
import { registerCommand } from './main';
import { parseArgs, one } from './args';
import { runStdio, runTcp } from '../server';

registerCommand('dap', 'serve the debug adapter (stdio, or --port N on 127.0.0.1)', async (args, io) => {
  const p = parseArgs(args, { values: ['port'] });
  if (!p.ok) {
    io.err(`vpci-lab dap: ${p.error}\n`);
    return 2;
  }
  const port = one(p.args, 'port');
  if (port === undefined) {
    runStdio();
  } else {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      io.err(`vpci-lab dap: --port must be 0..65535\n`);
      return 2;
    }
    await runTcp(n, (bound) => io.err(`vpci-lab: debug adapter listening on 127.0.0.1:${bound}\n`));
  }
  // Keep the process alive: the session (or server) ends it.
  return new Promise<number>(() => {});
});
