// The adapter executable's body: DAP over stdio by default, or a TCP server on
// 127.0.0.1 with --server=PORT (VS Code's debugServer convention, as mock-debug
// uses it). adapter/main.ts runs it directly (tsx); the shipped dist/adapter.js
// is adapter/boot.ts, which loads this bundle with a V8 code cache first.
import { runStdio, runTcp, type AdapterHooks } from './server';

export type { AdapterHooks };
/** Compiles what a launch of either guest runs, just before the loader writes its code cache (adapter/warm.ts). */
export { warmCodeCache } from './warm';

export function startAdapter(argv: readonly string[], hooks: AdapterHooks = {}): void {
  const arg = argv.find((a) => a.startsWith('--server='));
  if (arg) {
    const port = Number(arg.slice('--server='.length));
    const p = Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 4711;
    runTcp(p, (bound) => process.stderr.write(`vpci-lab debug adapter listening on 127.0.0.1:${bound}\n`), hooks).catch((e: unknown) => {
      // One line and exit code 69 (EX_UNAVAILABLE: the service cannot be offered), never a stack.
      process.stderr.write(`vpci-lab debug adapter: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(69);
    });
  } else runStdio(hooks);
}
