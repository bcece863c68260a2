// The CLI runs from the adapter's bundle (adapter/cli.ts, adapter/boot.ts): one copy of the
// emulator in the VSIX for both. Its start asks nothing of ICU, whose first use in a process loads
// its locale data (~20 ms, once paid by every command for the defaults in its usage texts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { grouped } from '../../emulator/format';

const CLI = resolve('dist/cli.js');
const skip = existsSync(CLI) ? false : 'no dist/cli.js: run `npm run build` first';

test('grouped writes a whole number as toLocaleString("en-US") does', () => {
  const values = [
    0,
    1,
    9,
    10,
    99,
    100,
    999,
    1000,
    1001,
    12_345,
    999_999,
    1_000_000,
    5_000_000,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    1e20,
    1.5e21,
    -1,
    -999,
    -1000,
    -1_234_567,
  ];
  // And a seeded spread of magnitudes (a linear congruential generator: deterministic).
  let x = 12345;
  for (let i = 0; i < 500; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    values.push(Math.floor((x / 2 ** 32) * 10 ** (i % 17)));
  }
  for (const n of values) assert.equal(grouped(n), n.toLocaleString('en-US'), String(n));
  assert.equal(grouped(1.5), (1.5).toLocaleString('en-US'), 'a fraction is left to ICU');
});

test('the CLI runs from the adapter bundle and its commands start without ICU', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-cli-icu-'));
  try {
    // Any use of ICU's number formatting or collation says where it came from, on stderr.
    const trap = join(dir, 'trap.js');
    writeFileSync(
      trap,
      `const say = (what) => process.stderr.write('ICU: ' + what + '\\n');
const n = Number.prototype.toLocaleString; Number.prototype.toLocaleString = function (...a) { say('toLocaleString'); return n.apply(this, a); };
const c = String.prototype.localeCompare; String.prototype.localeCompare = function (...a) { say('localeCompare'); return c.apply(this, a); };
const NF = Intl.NumberFormat; Intl.NumberFormat = function (...a) { say('NumberFormat'); return new NF(...a); };
const C = Intl.Collator; Intl.Collator = function (...a) { say('Collator'); return new C(...a); };
`,
    );
    for (const args of [
      ['--help'],
      ['run', '--help'],
      ['diff', '--help'],
      ['run', 'examples/quickstart.vpci'],
      ['check', 'examples/bring-your-own-device.vpci'],
      ['lspci', 'intel-82599-pf', '-vv'],
      ['devices'],
    ]) {
      const r = spawnSync(process.execPath, ['-r', trap, CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /ICU:/, args.join(' '));
      assert.ok(r.stdout.length > 0, args.join(' '));
    }
    // With VPCI_DEBUG set, the bundle is compiled by Node's module loader (so its stacks map through
    // dist/adapter-core.js.map): the same commands work.
    const r = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8', env: { ...process.env, VPCI_DEBUG: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^vpci-lab \d+\.\d+\.\d+\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
