// The `vpci-lab` launcher *vPCI: Use the CLI in a Terminal* puts on a terminal's
// PATH: a shell script (a .cmd on Windows) that runs the extension's bundled CLI
// with the editor's own Node runtime. No vscode here, so tests run it.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolders } from '../io/node-files';

/** Writes the `vpci-lab` launcher (and `vpci-lab.cmd` on Windows) into `dir`; returns `dir`. */
export function writeLauncher(dir: string, cli: string, runtime: string = process.execPath): string {
  makeFolders(dir);
  if (process.platform === 'win32') {
    writeFileSync(join(dir, 'vpci-lab.cmd'), `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${runtime}" "${cli}" %*\r\n`);
  } else {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const sh = join(dir, 'vpci-lab');
    writeFileSync(sh, `#!/bin/sh\n# vPCI Lab's bundled CLI, run by the editor's Node runtime.\nELECTRON_RUN_AS_NODE=1 exec ${q(runtime)} ${q(cli)} "$@"\n`);
    chmodSync(sh, 0o755);
  }
  return dir;
}
