// Extension figures (issue 7): activation time — loading the bundle afresh and
// running activate() against a stand-in `vscode` — next to activating an empty
// extension; and the VSIX's size against its 2 MB budget, next to the bundles it
// must carry as the floor.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { figure } from './harness';

const require_ = createRequire(__filename);
const bundle = resolve('dist/extension.js');
const empty = resolve('bench/empty-extension.cjs');

if (existsSync(bundle)) {
  const { activateFresh } = require_('./fake-vscode.cjs') as { activateFresh: (b: string) => number };
  // The language client reports asynchronously that no real editor is there; keep the bench quiet.
  const quiet = console.error;
  console.error = () => {};
  process.on('exit', () => (console.error = quiet));
  figure({
    name: 'extension activation (load dist/extension.js afresh + activate())',
    floorName: 'the same for an empty extension',
    unit: 'activations',
    kind: 'latency',
    run: (n) => {
      for (let i = 0; i < n; i++) activateFresh(bundle);
      return n;
    },
    floor: (n) => {
      for (let i = 0; i < n; i++) activateFresh(empty);
      return n;
    },
  });
}

const vsix = readdirSync('.')
  .filter((f) => f.endsWith('.vsix'))
  .sort()
  .pop();
if (vsix) {
  const size = statSync(vsix).size;
  const bundles = ['extension.js', 'adapter.js', 'server.js', 'cli.js']
    .map((f) => join('dist', f))
    .filter(existsSync)
    .reduce((a, f) => a + statSync(f).size, 0);
  console.log(
    `VSIX size\n    ${vsix}: ${(size / 1024 / 1024).toFixed(2)} MB  floor [the four bundles uncompressed] ${(bundles / 1024 / 1024).toFixed(2)} MB  ratio ${(size / bundles).toFixed(2)}x\n    budget: ≤ 2 MiB  ${size <= 2 * 1024 * 1024 ? 'ok' : 'OVER'}`,
  );
} else console.log('VSIX size\n    no VSIX in the repository root: run `npm run package` first');
