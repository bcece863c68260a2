import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../adapter/cli/main';
import { capture } from './capture';

test('unknown command exits 2 and names the command', async () => {
  const io = capture();
  const code = await main(['frobnicate'], io);
  assert.equal(code, 2);
  assert.match(io.stderr, /unknown command 'frobnicate'/);
});

test('dap: --scenario without --port, a stray argument and a broken scenario exit 2 and say why', async () => {
  let io = capture();
  assert.equal(await main(['dap', '--scenario', 'examples/quickstart.vpci'], io), 2);
  assert.match(io.stderr, /--scenario .* needs --port/);
  io = capture();
  assert.equal(await main(['dap', 'examples/quickstart.vpci'], io), 2);
  assert.match(io.stderr, /unexpected argument examples\/quickstart\.vpci/);
  io = capture();
  const bad = join(mkdtempSync(join(tmpdir(), 'vpci-dap-')), 'bad.vpci');
  writeFileSync(bad, 'vm {\n  host hyperv-2016\n}\nbus nic0 { function 0 no-such-device }\n');
  assert.equal(await main(['dap', '--port', '0', '--scenario', bad], io), 2);
  assert.match(io.stderr, /bad\.vpci:4:\d+: error: .*no-such-device/);
});

test('every command prints its usage to stdout with --help (or -h, or vpci-lab help <command>) and exits 0', async () => {
  const { COMMANDS } = await import('../../adapter/cli/commands');
  assert.ok(COMMANDS.length >= 8);
  for (const c of COMMANDS) {
    for (const argv of [
      [c.name, '--help'],
      [c.name, '-h'],
      ['help', c.name],
      ['--help', c.name],
      ['-h', c.name],
      [c.name, 'some.vpci', '--bogus', '--help'],
    ]) {
      const io = capture();
      assert.equal(await main(argv, io), 0, `${argv.join(' ')}: ${io.stderr}`);
      assert.match(io.stdout, new RegExp(`^usage: vpci-lab ${c.name}\\b`), argv.join(' '));
      assert.equal(io.stderr, '', argv.join(' '));
    }
  }
  for (const argv of [['--help'], ['help'], ['help', '--help'], ['help', '-h'], ['help', 'help']]) {
    const io = capture();
    assert.equal(await main(argv, io), 0, argv.join(' '));
    for (const c of COMMANDS) assert.match(io.stdout, new RegExp(`^  ${c.name} +\\S`, 'm'), argv.join(' '));
  }
});

test('--version takes no arguments, and --help or -h with an unknown command says so, with exit 2', async () => {
  let io = capture();
  assert.equal(await main(['--version', 'run'], io), 2);
  assert.equal(io.stdout, '');
  assert.match(io.stderr, /^vpci-lab: --version takes no arguments \(got 'run'\)\n/);
  io = capture();
  assert.equal(await main(['-h', 'rnu'], io), 2);
  assert.match(io.stderr, /^vpci-lab: -h: unknown command 'rnu' \(did you mean run\?\)/);
  io = capture();
  assert.equal(await main(['--version'], io), 0);
  assert.match(io.stdout, /^vpci-lab \S+\n$/);
});

test('run and check state the same exit codes in their usage', async () => {
  const run = capture();
  const check = capture();
  await main(['run', '--help'], run);
  await main(['check', '--help'], check);
  const codes = (t: string) => t.slice(t.indexOf('exit codes'));
  assert.match(codes(run.stdout), /0 +clean.*\n +1 .*expectation failed\n +2 +bad input/);
  assert.equal(codes(run.stdout), codes(check.stdout));
});

test('the CLI has no import circle: main imports the command table, no command imports main', async () => {
  const { importGraph, circles } = await import('../arch/imports');
  const g = importGraph();
  const cli = circles(g.files).filter((c) => c.some((f) => f.startsWith('adapter/cli')));
  assert.deepEqual(cli, []);
  assert.ok(g.files.get('adapter/cli/main.ts')!.includes('adapter/cli/commands.ts'));
  for (const [f, tos] of g.files) if (f.startsWith('adapter/cli/')) assert.ok(!tos.includes('adapter/cli/main.ts'), `${f} imports main`);
});

test('run --quirk for a quirk the guest does not have warns that it changes nothing, as the scenario line would', async () => {
  const io = capture();
  assert.equal(await main(['run', 'examples/quickstart.vpci', '--guest', 'linux', '--quirk', 'descriptor-stride=off', '--quiet'], io), 1);
  assert.match(io.stderr, /^vpci-lab: run: warning: --quirk descriptor-stride: the linux guest has no such quirk \(freebsd only\); it changes nothing$/m);
  const ok = capture();
  await main(['run', 'examples/quickstart.vpci', '--quirk', 'descriptor-stride=off', '--quiet'], ok);
  assert.doesNotMatch(ok.stderr, /warning/);
});
