// Builds the four bundles that ship: the VS Code extension, the debug adapter
// (stdio/TCP), the language server and the CLI. Everything is bundled so the
// VSIX carries no node_modules; `vscode` is provided by the editor at run time.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  external: ['vscode'],
  logLevel: 'warning',
  legalComments: 'none',
  minifySyntax: true,
};

const entries = [
  { entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['adapter/main.ts'], outfile: 'dist/adapter.js' },
  { entryPoints: ['language/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['adapter/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  const ctxs = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
  await Promise.all(ctxs.map((c) => c.watch()));
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
  // The driver listings ship as files (so breakpoints can be set before launch): generate them
  // from the same program definitions the bundles run.
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['dist/cli.js', 'listings', 'listings'], { stdio: 'inherit' });
}
