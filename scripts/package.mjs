// Writes the VSIX offline with @vscode/vsce (pinned ~3.9.2: 4.x needs Node 22).
// The bundles are self-contained, so no dependencies are packaged.
//
// The README the VSIX carries (the extension's page in VS Code) is the repository's, with what
// would be broken there taken out: an image the package does not hold is left out, and a link to
// a file it does not hold keeps its text only. Relative links stay relative: VS Code resolves them
// against the installed extension's folder (there is no public repository to point them at).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const VSCE = 'node_modules/@vscode/vsce/vsce';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.VSIX_OUT ?? `${pkg.name}-${pkg.version}.vsix`;

const ls = spawnSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { encoding: 'utf8' });
if (ls.status !== 0) {
  process.stderr.write(ls.stderr);
  process.exit(ls.status ?? 1);
}
const shipped = new Set(
  ls.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean),
);

/** The README with images and links to files the package lacks made harmless. */
export function packagedReadme(text, has) {
  const local = (target) => !/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(target);
  const file = (target) => decodeURI(target.replace(/[#?].*$/, '').replace(/^\.\//, ''));
  return text
    .replace(/^[ \t]*!\[[^\]]*\]\(([^)\s]+)[^)]*\)[ \t]*\n?/gm, (all, target) => (local(target) && !has(file(target)) ? '' : all))
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (all, _alt, target) => (local(target) && !has(file(target)) ? '' : all))
    .replace(/(?<!!)\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (all, label, target) => (local(target) && !has(file(target)) ? label : all));
}

mkdirSync('dist', { recursive: true });
const readme = 'dist/README.vsix.md';
writeFileSync(
  readme,
  packagedReadme(readFileSync('README.md', 'utf8'), (f) => shipped.has(f)),
);

const r = spawnSync(
  process.execPath,
  [VSCE, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--readme-path', readme, '--no-rewrite-relative-links', '-o', out],
  { stdio: 'inherit' },
);
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`VSIX written: ${out}`);
