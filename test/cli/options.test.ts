// Options as a newcomer and a CI job write them: a setting given twice where only one can hold, a
// help flag inside a cluster of short options or given a value, filters that leave nothing to
// print. Every case is one line with a place and a documented exit code, never silence.
// Runs the built bundle (dist/cli.js) as a user would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { parseQuirk } from '../../adapter/cli/overrides';

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

/** A dump of two devices as lspci -xxxx writes them: the catalog's 82599 VF at 01:00.0 and 01:00.1. */
function twoDeviceDump(): string {
  const one = cli(['lspci', 'intel-82599-vf', '-xxxx']);
  assert.equal(one.code, 0, one.err);
  const text = one.out.replace(/^[0-9a-f:.]+ /, '');
  const file = join(dir, 'two.lspci');
  writeFileSync(file, `01:00.0 ${text}\n01:00.1 ${text}`);
  return file;
}

test('lspci --bar on a dump of several devices asks which one, rather than giving every device that size', () => {
  const file = twoDeviceDump();
  const all = cli(['lspci', file]);
  assert.equal(all.code, 0, all.err);
  assert.equal(all.out.match(/^0[01]:00\.[01] /gm)?.length, 2, 'two devices');
  const r = cli(['lspci', file, '-v', '--bar', '0=16K']);
  assert.equal(r.code, 2);
  assert.equal(
    r.err,
    "vpci-lab: lspci: --bar 0=16K: sizes one device's BARs, and 2 devices are to be printed (01:00.0, 01:00.1); name one with --select or -s\n(vpci-lab lspci --help for usage)\n",
  );
  assert.equal(r.out, '');
  for (const pick of [
    ['--select', '01:00.1'],
    ['-s', '.1'],
  ]) {
    const one = cli(['lspci', file, '-v', '--bar', '0=16K', ...pick]);
    assert.equal(one.code, 0, one.err);
    assert.match(one.out, /^01:00\.1 /);
    assert.match(one.out, /\[size=16K\]/);
    assert.doesNotMatch(one.out, /^01:00\.0 /m);
  }
});

test('lspci --select whose device -s or -d leaves out is an error, as --select promises, not an empty exit 0', () => {
  const file = twoDeviceDump();
  for (const filter of [
    ['-s', '01:00.0'],
    ['-d', '10de:'],
  ]) {
    const r = cli(['lspci', file, '--select', '01:00.1', ...filter]);
    assert.equal(r.code, 2, filter.join(' '));
    assert.equal(r.err, 'vpci-lab: lspci: --select 01:00.1: the device there is not one that -s and -d let through\n(vpci-lab lspci --help for usage)\n');
    assert.equal(r.out, '');
  }
  const both = cli(['lspci', file, '--select', '01:00.1', '-d', '8086:10ed']);
  assert.equal(both.code, 0, both.err);
  assert.match(both.out, /^01:00\.1 Ethernet controller: Intel Corporation 82599 Ethernet Controller Virtual Function/);
  // -s alone that matches nothing still prints nothing, as lspci does.
  const none = cli(['lspci', file, '-s', '09:']);
  assert.deepEqual([none.code, none.out, none.err], [0, '', '']);
});

test('dap --help lists exit 74, what a stdio client that stops reading ends it with', () => {
  const h = cli(['dap', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /^ {2}74 +over stdio, a client that stopped reading: 64 MiB of answers unread/m);
});

test("the README's command table names the long options each command's --help lists, and no others", () => {
  const readme = readFileSync(resolve('README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| command | what it does |'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
  const longs = (text: string) => [...new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))].filter((o) => o !== '--help').sort();
  assert.ok(rows.length >= 8, 'the table has a row per command');
  for (const row of rows) {
    const usage = /^\| `([^`]+)`/.exec(row)![1]!;
    const cmd = usage.split(' ')[0]!;
    const help = cli([cmd, '--help']);
    assert.equal(help.code, 0, cmd);
    // The options, not the exit codes' table (check's is run's too, which names run's reports).
    const options = help.out.split(/\n(?:exit codes|quirks)\b/)[0]!;
    assert.deepEqual(longs(usage), longs(options), `${cmd}: README \`${usage}\``);
  }
});

test('diff --json says of each run whether --max-steps cut it short, as run --json does (stderr alone said it)', () => {
  const cut = cli(['diff', QUICKSTART, '--guest', 'linux', '--guest', 'freebsd', '--max-steps', '100', '--json', '-']);
  assert.equal(cut.code, 1, cut.err);
  const j = JSON.parse(cut.out) as { left: { steps: number; stoppedAtMaxSteps: boolean }; right: { steps: number; stoppedAtMaxSteps: boolean } };
  assert.deepEqual([j.left.steps, j.left.stoppedAtMaxSteps, j.right.steps, j.right.stoppedAtMaxSteps], [100, true, 100, true]);
  assert.match(cut.err, /^vpci-lab: diff: linux: stopped at --max-steps 100; the comparison covers what ran$/m);
  const whole = JSON.parse(cli(['diff', QUICKSTART, '--json', '-']).out) as typeof j;
  assert.deepEqual([whole.left.stoppedAtMaxSteps, whole.right.stoppedAtMaxSteps], [false, false]);
});

test("lspci's short options have no long names its usage does not list: --verbose, --slot=… are unknown, as in lspci", () => {
  for (const [arg, shown] of [
    ['--verbose', '--verbose'],
    ['--hex', '--hex'],
    ['--numeric', '--numeric'],
    ['--domains', '--domains'],
    ['--slot=00:', '--slot'],
    ['--id=8086:', '--id'],
    ['--option=hwdb.disable=1', '--option'],
  ] as const) {
    const r = cli(['lspci', 'intel-82599-vf', arg]);
    assert.equal(r.code, 2, arg);
    assert.equal(r.err, `vpci-lab: lspci: unknown option ${shown}\n(vpci-lab lspci --help for usage)\n`);
    assert.equal(r.out, '', arg);
  }
  const short = cli(['lspci', 'intel-82599-vf', '-v', '-s', '00:', '-d', '8086:', '-O', 'hwdb.disable=1', '-nn', '-D']);
  assert.equal(short.code, 0, short.err);
  assert.match(short.out, /^0000:00:00\.0 Ethernet controller \[0200\]: /);
});

test('a file whose name is not UTF-8 (Latin-1 é) is not found, and the message says why rather than only "no such file"', () => {
  // The name's bytes reach the CLI through the shell, as a user's would: Node's own spawn cannot pass them.
  const name = Buffer.concat([Buffer.from(join(dir, 'caf')), Buffer.from([0xe9]), Buffer.from('.vpci')]);
  writeFileSync(name, readFileSync(QUICKSTART));
  const hint = ' (its name is not UTF-8, and Node reads the command line as UTF-8: rename the file, or give it as - on standard input)';
  for (const cmd of ['check', 'run', 'lspci']) {
    const r = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${cmd} "$(printf '${join(dir, 'caf')}\\351.vpci')"`], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, r.stderr);
    const shown = `${join(dir, 'caf')}\uFFFD.vpci`;
    assert.equal(
      r.stderr.split('\n')[0],
      cmd === 'lspci'
        ? `vpci-lab: lspci: '${shown}' is neither a catalog device (see vpci-lab devices) nor a file${hint}`
        : `vpci-lab: ${cmd}: ${shown}: no such file${hint}`,
    );
  }
  // A name that is UTF-8 and missing is told as before.
  assert.equal(cli(['check', 'nope.vpci']).err, 'vpci-lab: check: nope.vpci: no such file\n');
});

test('lspci takes more -v, -x and -n than the most as the most, and the -O parameters lspci 3.9.0 knows, as lspci -F does', () => {
  // lspci.c counts the letters and tests them with >=: -vvvv is -vvv, -xxxxx is -xxxx, -nnn is -nn.
  for (const [more, most] of [
    ['-vvvv', '-vvv'],
    ['-xxxxx', '-xxxx'],
    ['-nnn', '-nn'],
  ] as const) {
    const a = cli(['lspci', 'intel-82599-vf', more, '-O', 'hwdb.disable=1']);
    assert.equal(a.code, 0, `${more}: ${a.err}`);
    assert.equal(a.out, cli(['lspci', 'intel-82599-vf', most, '-O', 'hwdb.disable=1']).out, more);
  }
  // A parameter -F does not use is accepted (lspci -F prints the same); hwdb.disable=0 leaves the hwdb on, as atoi reads it.
  for (const o of ['net.domain=example.org', 'sysfs.path=/nowhere', 'hwdb.disable=0']) {
    const r = cli(['lspci', 'intel-82599-vf', '-O', o]);
    assert.equal(r.code, 0, `${o}: ${r.err}`);
  }
  // The rest: one line naming the option.
  for (const [o, why] of [
    ['dump.name=x.lspci', 'not modelled here: the dump read is the file given as the argument'],
    ['hwdb.disabel=1', "unknown PCI access parameter 'hwdb.disabel' (did you mean hwdb.disable?);"],
    ['hwdb.disable', 'a PCI access parameter is written NAME=VALUE (as -O hwdb.disable=1)'],
  ] as const) {
    const r = cli(['lspci', 'intel-82599-vf', '-O', o]);
    assert.equal(r.code, 2, o);
    assert.ok(r.err.startsWith(`vpci-lab: lspci: -O ${o}: ${why}`), r.err);
    assert.equal(r.err.split('\n').length, 3, r.err);
  }
  const help = cli(['lspci', '-O', 'help']);
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /^ {2}dump\.name +refused here$/m);
});

test('lspci -F FILE reads the dump as lspci -F does, the same as the file named alone; -F names a file, never a catalog device', () => {
  const dump = join(dir, 'vf.lspci');
  const made = cli(['lspci', 'intel-82599-vf', '-xxxx']);
  assert.equal(made.code, 0, made.err);
  writeFileSync(dump, made.out);
  const alone = cli(['lspci', 'vf.lspci', '-vvv', '-O', 'hwdb.disable=1']);
  assert.equal(alone.code, 0, alone.err);
  assert.match(alone.out, /^00:00\.0 Ethernet controller: Intel Corporation 82599 Ethernet Controller Virtual Function/m);
  for (const args of [
    ['-F', 'vf.lspci', '-vvv'],
    ['-vvv', '-F', 'vf.lspci'],
    ['-vvvF', 'vf.lspci'],
    ['-Fvf.lspci', '-vvv'],
  ]) {
    const r = cli(['lspci', ...args, '-O', 'hwdb.disable=1']);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.out, alone.out, args.join(' '));
  }
  for (const [args, err] of [
    [['-F', 'vf.lspci', 'intel-82599-vf'], 'vpci-lab: lspci: one device or dump at a time (got 2: -F vf.lspci and intel-82599-vf)\n'],
    [['-F', 'intel-82599-vf'], 'vpci-lab: lspci: -F intel-82599-vf: no such file\n'],
    [['-F'], 'vpci-lab: lspci: option -F needs a value\n'],
    [['-F', ''], 'vpci-lab: lspci: option -F needs a value\n'],
  ] as const) {
    const r = cli(['lspci', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.err.split('\n')[0] + '\n', err, args.join(' '));
  }
});

test("lspci's switches that are not modelled are refused by name and what they do, not as unknown options", () => {
  // (-t and -P are modelled: test/pci/lspci-tree.test.ts; -i: test/pci/lspci-cli.test.ts.)
  for (const [args, what] of [
    [['-M'], '-M (bus mapping)'],
    [['-A', 'linux-sysfs'], '-A (access method)'],
    [['-H1'], '-H (direct hardware access)'],
    [['-q'], '-q (DNS queries)'],
  ] as const) {
    const r = cli(['lspci', 'intel-82599-vf', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.err, `vpci-lab: lspci: ${what}: not modelled here\n(vpci-lab lspci --help for usage)\n`);
  }
  // A switch lspci does not have either is still unknown.
  assert.match(cli(['lspci', 'intel-82599-vf', '-Z']).err, /^vpci-lab: lspci: unknown option -Z/);
});

test('--quirk NAME=ON is on, and a misspelt name is the unknown quirk, not the form: both were "expected <name>=on|off"', () => {
  assert.deepEqual(parseQuirk('short-packet-drop=ON'), { ok: true, name: 'short-packet-drop', on: true });
  assert.deepEqual(parseQuirk('short-packet-drop=Off'), { ok: true, name: 'short-packet-drop', on: false });
  const r = parseQuirk('Short_Packet_Drop=on');
  assert.ok(
    !r.ok && r.error.startsWith('--quirk Short_Packet_Drop=on: unknown quirk Short_Packet_Drop; did you mean short-packet-drop=on? (one of '),
    JSON.stringify(r),
  );
  assert.deepEqual(parseQuirk('short-packet-drop=yes'), { ok: false, error: '--quirk short-packet-drop=yes: expected <name>=on|off' });
});
