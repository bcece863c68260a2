// vpci-lab on PATH: the package's bin is the bundled CLI, and the launcher *vPCI: Use the CLI in
// a Terminal* writes runs it with the runtime it is given (the editor's), whatever the folder is called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { writeLauncher } from '../../extension/cli-launcher';

const built = existsSync('dist/cli.js');

test('package.json names dist/cli.js as the vpci-lab bin, and the bundle is a node script', { skip: built ? false : 'needs npm run build' }, () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.equal(pkg.bin['vpci-lab'], './dist/cli.js');
  assert.match(readFileSync('dist/cli.js', 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test(
  'the launcher runs the bundled CLI with the given runtime',
  { skip: process.platform === 'win32' ? 'POSIX shell launcher' : built ? false : 'needs npm run build' },
  () => {
    const dir = writeLauncher(mkdtempSync(join(tmpdir(), "vpci launcher's dir ")), resolve('dist/cli.js'), process.execPath);
    const r = spawnSync(join(dir, 'vpci-lab'), ['check', 'examples/quickstart.vpci'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /quickstart\.vpci: ok/);
    const h = spawnSync(join(dir, 'vpci-lab'), ['--help'], { encoding: 'utf8' });
    assert.equal(h.status, 0);
    assert.match(h.stdout, /^usage: vpci-lab <command>/);
  },
);
