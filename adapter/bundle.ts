// The entry of dist/adapter-core.js, the bundle both executables run through the loader
// (adapter/boot.ts): the debug adapter (adapter/core.ts) and the vpci-lab CLI's commands
// (adapter/cli/main.ts, started by dist/cli.js). The CLI needs all but ~55 KB of the adapter's
// code, so the VSIX carries one copy of the emulator for both, not two. Nothing of the CLI runs in
// the adapter beyond its modules' top levels (no ICU there: emulator/format.ts `grouped`).
export * from './core';
export { runCli } from './cli/main';
