// Options as a newcomer and a CI job write them: a setting given twice where only one can hold, a
// help flag inside a cluster of short options or given a value, filters that leave nothing to
// print. Every case is one line with a place and a documented exit code, never silence.
// Runs the built bundle (dist/cli.js) as a user would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const CLI = resolve('dist/cli.js');
const QUICKSTART = resolve('examples/quickstart.vpci');
const dir = mkdtempSync(join(tmpdir(), 'vpci-cli-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a quirk given twice to run, start or dap is a usage error naming both settings, not the last one winning silently', () => {
  for (const [cmd, args, hint] of [
    ['run', ['run', QUICKSTART], 'vpci-lab diff compares two'],
    ['start', ['start'], 'vpci-lab diff compares two'],
    ['dap', ['dap', '--port', '0', '--scenario', QUICKSTART], 'one machine is held'],
  ] as const) {
    for (const [a, b] of [
      ['short-packet-drop=on', 'short-packet-drop=off'],
      ['descriptor-stride=off', 'descriptor-stride=off'],
    ] as const) {
      const r = cli([...args, '--quirk', a, '--quirk', b]);
      assert.equal(r.code, 2, `${cmd}: ${r.err}`);
      const name = a.slice(0, a.indexOf('='));
      assert.equal(
        r.err,
        `vpci-lab: ${cmd}: --quirk ${name} given twice ('${a}' and '${b}'): it takes one setting per quirk (${hint})\n(vpci-lab ${cmd} --help for usage)\n`,
      );
      assert.equal(r.out, '');
    }
  }
  // Different quirks still repeat.
  assert.equal(cli(['run', QUICKSTART, '--quiet', '--quirk', 'short-packet-drop=on', '--quirk', 'descriptor-stride=off']).code, 0);
});

test('-h inside a cluster of short options prints the help, as --help does; --help=x is told it takes no value', () => {
  const usage = cli(['lspci', '--help']);
  assert.equal(usage.code, 0);
  assert.match(usage.out, /^usage: vpci-lab lspci /);
  assert.match(usage.out, /^ {2}-h, --help /m, 'the usage lists -h');
  for (const args of [
    ['lspci', '-vh'],
    ['lspci', 'intel-82599-vf', '-xh'],
    ['lspci', '-nnh', 'intel-82599-vf'],
  ]) {
    const r = cli(args);
    assert.equal(r.err, '', args.join(' '));
    assert.equal(r.code, 0, args.join(' '));
    assert.equal(r.out, usage.out, args.join(' '));
  }
  for (const cmd of ['run', 'check', 'diff', 'devices', 'lspci', 'listings', 'start']) {
    const r = cli([cmd, '--help=yes']);
    assert.equal(r.code, 2, cmd);
    assert.equal(r.err, `vpci-lab: ${cmd}: option --help takes no value\n(vpci-lab ${cmd} --help for usage)\n`);
    assert.equal(r.out, '');
  }
  // A short option's value is not a cluster: -sh is -s with the value h (an address lspci refuses).
  const s = cli(['lspci', 'intel-82599-vf', '-sh']);
  assert.equal(s.code, 2);
  assert.equal(s.err, 'vpci-lab: lspci: -s: Invalid slot number\n(vpci-lab lspci --help for usage)\n');
});
