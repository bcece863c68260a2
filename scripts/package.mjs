// Writes the VSIX offline with @vscode/vsce (pinned ~3.9.2: 4.x needs Node 22).
// The bundles are self-contained, so no dependencies are packaged.
//
// The README the VSIX carries (the extension's page in VS Code) is the repository's with its
// relative images left out and its relative links reduced to their text (scripts/readme-vsix.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { packagedReadme } from './readme-vsix.mjs';

const VSCE = 'node_modules/@vscode/vsce/vsce';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.VSIX_OUT ?? `${pkg.name}-${pkg.version}.vsix`;

mkdirSync('dist', { recursive: true });
const readme = 'dist/README.vsix.md';
writeFileSync(readme, packagedReadme(readFileSync('README.md', 'utf8')));

const r = spawnSync(
  process.execPath,
  [VSCE, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--readme-path', readme, '--no-rewrite-relative-links', '-o', out],
  { stdio: 'inherit' },
);
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`VSIX written: ${out}`);
