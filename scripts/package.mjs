// Writes the VSIX offline with @vscode/vsce (pinned ~3.9.2: 4.x needs Node 22).
// The bundles are self-contained, so no dependencies are packaged.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.VSIX_OUT ?? `${pkg.name}-${pkg.version}.vsix`;
const r = spawnSync(
  process.execPath,
  // README images are relative (media/); vsce wants an absolute base when the repository is not on GitHub.
  [
    'node_modules/@vscode/vsce/vsce',
    'package',
    '--no-dependencies',
    '--skip-license',
    '--allow-missing-repository',
    '--baseImagesUrl',
    process.env.VSIX_IMAGES_URL ?? 'https://example.invalid/vpci-lab/raw/main/',
    '-o',
    out,
  ],
  { stdio: 'inherit' },
);
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`VSIX written: ${out}`);
