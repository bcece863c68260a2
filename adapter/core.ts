// The adapter executable's body: DAP over stdio by default, or a TCP server on
// 127.0.0.1 with --server=PORT (VS Code's debugServer convention, as mock-debug
// uses it). adapter/main.ts runs it directly (tsx); the shipped dist/adapter.js
// is adapter/boot.ts, which loads this bundle with a V8 code cache first.
import { runStdio, runTcp, type AdapterHooks } from './server';

export type { AdapterHooks };

export function startAdapter(argv: readonly string[], hooks: AdapterHooks = {}): void {
  const arg = argv.find((a) => a.startsWith('--server='));
  if (arg) {
    const port = Number(arg.slice('--server='.length));
    void runTcp(Number.isInteger(port) ? port : 4711, (p) => process.stderr.write(`vpci-lab debug adapter listening on 127.0.0.1:${p}\n`), hooks);
  } else runStdio(hooks);
}
