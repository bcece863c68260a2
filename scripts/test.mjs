// Runs every *.test.ts under test/ with node's built-in test runner (through
// tsx), so CI reads node's own closing summary. Extra arguments filter files by
// substring: `node scripts/test.mjs pci` runs the tests whose path contains "pci".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
let files = walk('test', []).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (!files.length) {
  console.error('no test files matched');
  process.exit(1);
}
const reporter = process.env.CI ? ['--test-reporter=spec'] : ['--test-reporter=spec'];
// Two test files at a time at least: node's default is one fewer than the cores, one on a
// two-core machine (CI's), where the files mostly wait on the processes they start — the
// adapter, the CLI, the language server. Two took the suite from about 6.4 to 4.7 minutes there.
const concurrency = passThrough.some((a) => a.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${Math.max(2, availableParallelism() - 1)}`];
// The tests' scratch files (scenarios, dumps, listings, sockets) go to one folder of this run's,
// removed when it ends: a run leaves nothing behind in the machine's temporary folder.
const scratch = mkdtempSync(join(tmpdir(), 'vpci-test-'));
let r;
try {
  r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporter, ...concurrency, ...passThrough, ...files.map((f) => relative('.', f))], {
    stdio: 'inherit',
    env: { ...process.env, VPCI_TEST: '1', TMPDIR: scratch },
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(r.status ?? 1);
