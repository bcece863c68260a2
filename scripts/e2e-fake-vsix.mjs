// E2E_FAKE=1: a VSIX of the real extension code bundled with
// test/e2e/fake-session.ts in place of adapter/session.ts, a one-bus example
// and a short listing — to check the e2e harness and the extension's views
// while the real adapter is unavailable. Zipped as code-server accepts it
// (files under extension/, recipe §3.14). Not the product.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export async function buildFakeVsix(dir) {
  const ext = join(dir, 'stage', 'extension');
  mkdirSync(join(ext, 'dist'), { recursive: true });
  const listing = join(ext, 'listings', 'freebsd', 'vmbus_pcib.c');
  await esbuild.build({
    entryPoints: ['extension/extension.ts'],
    outfile: join(ext, 'dist', 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
    define: { 'process.env.VPCI_FAKE_LISTING': JSON.stringify(join(dir, 'vmbus_pcib.c')) },
    plugins: [
      {
        name: 'fake-session',
        setup(b) {
          b.onResolve({ filter: /\/adapter\/session$/ }, () => ({ path: resolve('test/e2e/fake-session.ts') }));
        },
      },
    ],
  });
  for (const f of ['package.json', 'README.md', 'LICENSE', 'media']) cpSync(f, join(ext, f), { recursive: true });
  for (const f of ['syntaxes', 'language-configuration.json']) if (existsSync(f)) cpSync(f, join(ext, f), { recursive: true });
  mkdirSync(join(ext, 'examples'), { recursive: true });
  writeFileSync(join(ext, 'examples', 'quickstart.vpci'), '# fake quick start for the e2e harness\nvm {\n  host hyperv-2016\n  guest freebsd\n}\nbus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\n');
  mkdirSync(join(ext, 'listings', 'freebsd'), { recursive: true });
  writeFileSync(listing, 'static int\nvmbus_pcib_attach(device_t dev)\n{\n\tstruct vmbus_pcib_softc *sc = device_get_softc(dev);\n\t...\n}\nvmbus_pcib_write_config(...)\n');
  return { ext, listing, zip: () => {
    const out = join(dir, 'vpci-lab-fake.vsix');
    const r = spawnSync('python3', ['-m', 'zipfile', '-c', out, 'extension'], { cwd: join(dir, 'stage'), stdio: 'inherit' });
    if (r.status !== 0) throw new Error('zip failed');
    return out;
  } };
}
