// The VSIX that `npm run package` writes: it carries only what runs (the four
// esbuild bundles, grammars, listings, pci.ids, examples, icon, README,
// LICENSE), no node_modules and no sources, and stays under 2 MiB. Reads the
// zip's central directory itself; skipped with a message if no VSIX was built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const VSIX = process.env.VSIX_OUT ?? `${pkg.name}-${pkg.version}.vsix`;
const MAX_BYTES = 2 * 1024 * 1024;

interface Entry {
  name: string;
  method: number;
  compressed: number;
  size: number;
  offset: number;
}

/** Entries of a zip file from its end-of-central-directory record (APPNOTE.TXT 4.3.12/4.3.16). */
function zipEntries(buf: Buffer): Entry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  assert.ok(eocd >= 0, 'zip end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: Entry[] = [];
  for (let k = 0; k < count; k++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory header');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    out.push({
      method: buf.readUInt16LE(p + 10),
      compressed: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
      name: buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function readEntry(buf: Buffer, e: Entry): Buffer {
  const nameLen = buf.readUInt16LE(e.offset + 26);
  const extraLen = buf.readUInt16LE(e.offset + 28);
  const start = e.offset + 30 + nameLen + extraLen;
  const data = buf.subarray(start, start + e.compressed);
  return e.method === 8 ? inflateRawSync(data) : Buffer.from(data);
}

const present = existsSync(VSIX);
const why = present ? false : `no ${VSIX}: run \`npm run package\` first`;
if (!present) console.log(`# skipping VSIX checks: ${why}`);

test('the VSIX holds the bundles, grammars, data, examples, icon, README and LICENSE', { skip: why }, () => {
  const buf = readFileSync(VSIX);
  const names = new Set(zipEntries(buf).map((e) => e.name));
  const must = [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/adapter.js',
    'extension/dist/adapter-core.js',
    'extension/dist/server.js',
    'extension/dist/cli.js',
    'extension/syntaxes/vpci.tmLanguage.json',
    'extension/syntaxes/vpci-listing.tmLanguage.json',
    'extension/language-configuration.json',
    'extension/listing-language-configuration.json',
    'extension/data/pci.ids',
    'extension/dist/pci.ids.index.json',
    'extension/media/icon.png',
    'extension/readme.md',
    'extension/LICENSE.txt',
    'extension.vsixmanifest',
  ];
  const lower = new Set([...names].map((n) => n.toLowerCase()));
  for (const m of must) assert.ok(names.has(m) || lower.has(m.toLowerCase()), `${m} in the VSIX`);
  assert.ok(
    [...names].some((n) => /^extension\/examples\/.+\.vpci$/.test(n)),
    'at least one example scenario',
  );
  assert.ok(
    [...names].some((n) => n.startsWith('extension/listings/')),
    'driver listings',
  );
  for (const md of pkg.contributes.walkthroughs[0].steps.map((s: { media: { markdown: string } }) => s.media.markdown))
    assert.ok(names.has(`extension/${md}`), `walkthrough media ${md}`);
});

test('the VSIX carries nothing that does not run', { skip: why }, () => {
  const names = zipEntries(readFileSync(VSIX)).map((e) => e.name);
  for (const n of names) {
    assert.ok(!n.includes('node_modules/'), `no node_modules: ${n}`);
    assert.ok(!/\.(ts|mts|map)$/.test(n), `no sources or source maps: ${n}`);
    assert.ok(!/^extension\/(test|bench|fuzz|emulator|adapter|language|extension|scripts|\.ci|e2e-screenshots)\//.test(n), `no source folders: ${n}`);
    assert.ok(!n.endsWith('.vsix'), `no nested VSIX: ${n}`);
    assert.ok(!n.endsWith('.cache'), `no adapter code cache (made per machine, per V8): ${n}`);
  }
});

test('the VSIX is at most 2 MiB and its package.json is the manifest', { skip: why }, () => {
  const size = statSync(VSIX).size;
  assert.ok(size <= MAX_BYTES, `${VSIX} is ${size} bytes (> ${MAX_BYTES})`);
  const buf = readFileSync(VSIX);
  const e = zipEntries(buf).find((x) => x.name === 'extension/package.json')!;
  const inner = JSON.parse(readEntry(buf, e).toString('utf8'));
  assert.equal(inner.name, pkg.name);
  assert.equal(inner.main, './dist/extension.js');
  assert.ok(inner.contributes.debuggers.some((d: { type: string }) => d.type === 'vpci'));
});

test("the VSIX's README (the extension's page) shows no broken image or link: it has no relative one", { skip: why }, () => {
  // VS Code shows the page in a webview with no base address: a relative image there is a broken
  // picture and a relative link opens "Not found", even for a file the VSIX holds (code-server 1.100).
  const buf = readFileSync(VSIX);
  const entries = zipEntries(buf);
  const names = new Set(entries.map((e) => e.name));
  const readme = readEntry(
    buf,
    entries.find((e) => e.name === 'extension/readme.md')!,
  ).toString('utf8');
  const targets = [...readme.matchAll(/\]\(([^)\s]+)[^)]*\)/g)].map((m) => m[1]!);
  for (const t of targets) {
    assert.ok(!t.includes('example.invalid'), `no placeholder address: ${t}`);
    assert.match(t, /^[a-z][a-z0-9+.-]*:|^#/i, `${t}: a relative target, which the extension page cannot resolve`);
  }
  // The page of an installed extension opens on how to use it, not on building it from the repository.
  assert.deepEqual([...readme.matchAll(/^## (.*)$/gm)].map((m) => m[1]).slice(0, 1), ['In VS Code']);
  assert.doesNotMatch(readme, /^## (Quick start|Install from VSIX|End-to-end tests|Layout)|npm run test:e2e|repository-only/m);
  // What the links named stays as text: the language reference travels with the VSIX.
  assert.match(readme, /The full grammar and every diagnostic are in\s+docs\/scenario-language\.md\./);
  assert.ok(names.has('extension/docs/scenario-language.md'));
});
