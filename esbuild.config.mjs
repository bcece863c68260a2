// Builds the bundles that ship: the VS Code extension, the debug adapter
// (stdio/TCP), the language server and the CLI, and the extension and the
// language server again for VS Code for the Web. Everything is bundled so the
// VSIX carries no node_modules; `vscode` is provided by the editor at run time.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');

// What is generated from the project's tables (the launch schema in package.json, the TextMate
// grammar, the tables in the README and docs/scenario-language.md) is brought up to date first,
// so the bundles, the VSIX and the checked-in copies all say the same.
{
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts'], { stdio: 'inherit' });
}
// The digest of the driver listings these sources lay out (scripts/listings-digest.ts): stamped into
// the bundles, it lets a launch know the listings folder the build writes below is its own from the
// folder's stamp alone (adapter/session.ts). A watch build stamps none: its sources change under it.
const listingsDigest = watch
  ? ''
  : (await import('node:child_process')).execFileSync(process.execPath, ['--import', 'tsx', 'scripts/listings-digest.ts'], { encoding: 'utf8' }).trim();
/** The package's version, for the CLI's --version. */
const pkgVersion = JSON.parse(readFileSync('package.json', 'utf8')).version;
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  external: ['vscode'],
  logLevel: 'warning',
  legalComments: 'none',
  // Whitespace and syntax: the bundles are a quarter smaller — less for every start to read and
  // decode (a launch reads all of dist/adapter-core.js) and room in the VSIX for both sets of
  // bundles. Names too where an entry below says so.
  minifySyntax: true,
  minifyWhitespace: true,
  charset: 'ascii',
  // The CLI's --version: the package's own, stamped at build time (the bundle reads no package.json).
  define: { __VPCI_LISTINGS_DIGEST__: JSON.stringify(listingsDigest), __VPCI_VERSION__: JSON.stringify(pkgVersion) },
};

const entries = [
  // The extension (with the inline adapter) is minified whole, as its web build is (below), and
  // for the same reason not with keepNames: the Message Sequence page is a function of this bundle
  // sent to its webview as text (sequence-webview.ts), and keepNames puts calls to a helper of the
  // bundle into every function, which the webview does not have. A stack in the inline adapter's
  // trace names minified functions; the stdio adapter's bundle keeps the names.
  { entryPoints: ['extension/node-main.ts'], outfile: 'dist/extension.js', minify: true },
  // The adapter is two files: its body (adapter/bundle.ts: the adapter, adapter/core.ts, and the
  // CLI's commands, which need all but ~55 KB of the same code) and the small loader that runs it
  // with a V8 code cache (adapter/boot.ts, built below once the body's hash is known). The body is
  // minified whole, names too, as the extension's inline adapter (the same code) is: 20 KB less in
  // the VSIX, which holds three builds of the emulator within its 2 MiB, and 14% less source for
  // every launch to read. Not keepNames: it puts a call into every function, the step path's closures included.
  // A stack from a user's report maps back through dist/adapter-core.js.map of the same commit.
  { entryPoints: ['adapter/bundle.ts'], outfile: 'dist/adapter-core.js', minify: true },
  // The language server names nothing from its own code to the user (its errors are one-line
  // diagnostics and LSP error responses), so it is minified whole, as its web build is: the VSIX
  // stays within its 2 MiB with both sets of bundles (docs/architecture.md, Budgets).
  { entryPoints: ['language/main.ts'], outfile: 'dist/server.js', minify: true },
  // The CLI's executable (adapter/cli.ts) is a few lines that start its commands through the
  // adapter's loader: their body (adapter/cli/main.ts) is part of dist/adapter-core.js, which holds
  // all but ~55 KB of what they need. An internal error's stack (VPCI_DEBUG=1) names our functions
  // through dist/adapter-core.js.map where the build left it (adapter/cli.ts turns Node's source
  // maps on for that run).
  { entryPoints: ['adapter/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// VS Code for the Web (package.json `browser`): the extension with its inline adapter, run by the
// web worker extension host (which loads a CommonJS module), and the language server, run in a
// worker of its own (a plain script). No Node there: `node:path` is the POSIX subset in io/web/,
// @vscode/debugadapter's `events` and `url` get the smallest stand-ins, `setImmediate` is injected,
// and the Node modules that only Node-only paths use (the stdio adapter, the CLI launcher, Node's
// file access) throw a one-line error if ever called (io/web/node-only.ts).
const nodeOnly = ['fs', 'fs/promises', 'os', 'stream', 'v8'];
const webAlias = {
  'node:path': './io/web/path.ts',
  path: './io/web/path.ts',
  events: './io/web/events.ts',
  url: './io/web/url.ts',
  ...Object.fromEntries(nodeOnly.map((m) => [`node:${m}`, './io/web/node-only.ts'])),
};
const web = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
  alias: webAlias,
  inject: ['./io/web/immediate.ts'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // The VSIX must stay within 2 MB with both sets of bundles in it: the web ones are minified (their
  // source maps stay out of it). Not keepNames: it puts calls to a helper of the bundle into every
  // function, and the message-sequence page's script is a function's own text (sequence-webview.ts).
  minify: true,
};
entries.push(
  { ...web, entryPoints: ['extension/web/main.ts'], outfile: 'dist/web/extension.js', format: 'cjs' },
  { ...web, entryPoints: ['language/web-main.ts'], outfile: 'dist/web/server.js', format: 'iife' },
);

/** The loader, stamped with the hash of the body it may cache ('' = no cache: a watch build changes the body under it). */
const boot = (hash) => ({
  ...common,
  entryPoints: ['adapter/boot.ts'],
  outfile: 'dist/adapter.js',
  sourcemap: false,
  define: { __VPCI_CORE_HASH__: JSON.stringify(hash) },
});

if (watch) {
  const ctxs = await Promise.all([...entries, boot('')].map((e) => esbuild.context({ ...common, ...e })));
  await Promise.all(ctxs.map((c) => c.watch()));
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
  // Node looks for the nearest package.json of every script it starts, to learn its module type: this
  // one answers it for dist/ in 20 bytes, where the extension's manifest (28 KB) would be read and
  // parsed at every start of the debug adapter and the CLI.
  writeFileSync('dist/package.json', '{"type":"commonjs"}\n');
  // The CLI's own body of earlier builds (its commands are in dist/adapter-core.js now).
  for (const f of ['dist/cli-body.js', 'dist/cli-body.js.map']) rmSync(f, { force: true });
  // Code caches of earlier bodies can never be used again (nor half-written ones a killed adapter left).
  for (const f of readdirSync('dist')) if (/^adapter-core\..*\.cache(\.\d+\.tmp)?$/.test(f)) rmSync(`dist/${f}`);
  // adapter/boot.ts reads the body as Latin-1, which is only right for ASCII. esbuild's output is
  // ASCII (its default charset escapes strings, regexps, templates and identifiers) except inside
  // the comments it keeps, where any character is only text: there it becomes its \uXXXX spelling,
  // except U+2028/U+2029, which end a // comment and so become a real line break.
  // eslint-disable-next-line no-control-regex -- the class is every non-ASCII character, so it starts at \x00
  const core = readFileSync('dist/adapter-core.js', 'utf8').replace(/[^\x00-\x7f]/g, (c) =>
    c === '\u2028' || c === '\u2029' ? '\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  // The body ships inside the function wrapper Node itself puts around a CommonJS module (on its
  // first line, so the source map's lines still match), so adapter/boot.ts compiles the text it reads
  // as it is: no second, wrapped copy of a megabyte of source in the adapter's memory.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${core}\n})`;
  // Still the same program: it must compile (a rewrite that broke a string or a comment would not).
  new (await import('node:vm')).Script(wrapped, { filename: 'dist/adapter-core.js' });
  writeFileSync('dist/adapter-core.js', wrapped);
  await esbuild.build(boot(createHash('sha256').update(wrapped).digest('hex')));
  const { execFileSync } = await import('node:child_process');
  // The index the adapter reads data/pci.ids by, in pieces (adapter/pci-ids-file.ts).
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/pci-ids-index.ts'], { stdio: 'inherit' });
  // The driver listings ship as files (so breakpoints can be set before launch): generate them
  // from the same program definitions the bundles run.
  execFileSync(process.execPath, ['dist/cli.js', 'listings', 'listings'], { stdio: 'inherit' });
  // The bundles lay the listings out as the sources do, or a launch would never take this folder for its own.
  const stamped = readFileSync('listings/listings.digest', 'utf8').trim();
  if (stamped !== listingsDigest) throw new Error(`listings/listings.digest is ${stamped}, the sources' digest ${listingsDigest}`);
}
