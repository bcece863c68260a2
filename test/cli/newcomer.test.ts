// The CLI as a newcomer meets it with only the README and a terminal: `-` for standard input, the
// dap usage and its options, diff's warnings and the order it reads its files in, the lspci dump
// errors, an unknown or misspelt command, --version, and what the README says of the commands,
// their exit codes, their JSON reports and the editor's menu names. Runs the built bundle
// (dist/cli.js) as a user would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { COMMANDS } from '../../adapter/cli/commands';

const CLI = resolve('dist/cli.js');
const QUICKSTART = resolve('examples/quickstart.vpci');
const EXAMPLES = resolve('examples');
const GPU = resolve('examples/devices/nvidia-tu102-gpu.lspci');
const README = readFileSync(resolve('README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'vpci-cli-newcomer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], o: { cwd?: string; input?: string | Buffer } = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: o.cwd ?? dir,
    input: o.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a scenario named without its .vpci is not found, and the message names the file that is there', () => {
  // It was "no such file" alone, beside examples/quickstart.vpci.
  let r = cli(['run', 'examples/quickstart'], { cwd: resolve('.') });
  assert.deepEqual([r.code, r.out, r.err], [2, '', 'vpci-lab: run: examples/quickstart: no such file (did you mean examples/quickstart.vpci?)\n']);
  r = cli(['check', join(EXAMPLES, 'faults'), join(EXAMPLES, 'nope')]);
  assert.equal(r.code, 2);
  assert.equal(
    r.err,
    `vpci-lab: check: ${join(EXAMPLES, 'faults')}: no such file (did you mean ${join(EXAMPLES, 'faults.vpci')}?)\nvpci-lab: check: ${join(EXAMPLES, 'nope')}: no such file\n`,
  );
});

test("'-' reads a scenario from standard input: check, run (its dumps from the current folder), diff (read once for both runs); messages call it <stdin>", () => {
  const text = readFileSync(QUICKSTART, 'utf8');
  let r = cli(['check', '-'], { input: text });
  assert.deepEqual([r.code, r.out, r.err], [0, '<stdin>: ok\n', '']);
  // Read once: a second '-' is refused, not the same text checked twice.
  r = cli(['check', '-', QUICKSTART, '-'], { input: text });
  assert.deepEqual([r.code, r.out, r.err], [2, '', "vpci-lab: check: '-' given twice: standard input is read once\n(vpci-lab check --help for usage)\n"]);
  r = cli(['check', '-'], { input: 'vm {\n  host nope\n}\n' });
  assert.equal(r.code, 2);
  assert.equal(
    r.err.split('\n')[0],
    "<stdin>:2:8: error: unknown host profile 'nope' (expected hyperv-2016, hyperv-2019, hyperv-2022, openvmm) [unknown-profile]",
  );
  r = cli(['run', '-', '--quiet'], { input: text });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^ {2}ok {4}<stdin>:20:1 {2}nic0 attached — at 269\.200 µs$/m);
  assert.match(r.out, /7 of 7 expectations held\n$/);
  // A dump is found from the current folder, as it would be beside a scenario file there.
  r = cli(['run', '-', '--json', '-'], { input: readFileSync(join(EXAMPLES, 'bring-your-own-device.vpci')), cwd: EXAMPLES });
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual([j.scenario, j.ok, j.held], ['<stdin>', true, 6]);
  // diff reads it once and runs it twice.
  r = cli(['diff', '-', '--guest', 'freebsd', '--guest', 'linux'], { input: text });
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^left: {2}freebsd — <stdin>, host hyperv-2016, guest freebsd \(7262 steps\)$/m);
  assert.match(r.out, /^right: linux — <stdin>, host hyperv-2016, guest linux \(8307 steps\)$/m);
});

test("'-' reads a dump from standard input (lspci -xxxx | vpci-lab lspci -); more than 16 MiB there is one line and exit 2", () => {
  let r = cli(['lspci', '-', '-n'], { input: readFileSync(GPU) });
  assert.deepEqual([r.code, r.out, r.err], [0, '02:00.0 0300: 10de:1e07 (rev a1)\n', '']);
  r = cli(['lspci', '-'], { input: 'not a dump\n' });
  assert.deepEqual([r.code, r.out, r.err], [2, '', 'vpci-lab: lspci: <stdin>:1: no config-space dump found (expected lspci -x/-xxx/-xxxx output)\n']);
  const big = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20);
  for (const cmd of ['lspci', 'check']) {
    r = cli([cmd, '-'], { input: big });
    assert.deepEqual([r.code, r.err], [2, `vpci-lab: ${cmd}: <stdin>: is larger than the limit; files read here are limited to 16 MiB\n`]);
  }
  // A folder as standard input reads as an empty stream in Node: it is refused, not checked as an empty scenario.
  for (const cmd of ['check', 'run', 'lspci']) {
    const r2 = spawnSync(process.execPath, [CLI, cmd, '-'], { cwd: dir, stdio: [openSync(dir, 'r'), 'pipe', 'pipe'], encoding: 'utf8' });
    assert.deepEqual([r2.status, r2.stdout, r2.stderr], [2, '', `vpci-lab: ${cmd}: <stdin>: is a folder, not a file\n`]);
  }
  // The held scenario of dap is read again at each fresh run: standard input cannot be that.
  r = cli(['dap', '--port', '0', '--scenario', '-']);
  assert.equal(r.code, 2);
  assert.equal(r.err.split('\n')[0], 'vpci-lab: dap: --scenario -: the held scenario is read again whenever a run starts afresh, so it must be a file');
});

test('lspci: a dump that cannot be read as one is an error like every other, vpci-lab: lspci: FILE:LINE: …', () => {
  writeFileSync(join(dir, 'raw.bin'), Buffer.alloc(10, 0xab));
  const r = cli(['lspci', 'raw.bin']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^vpci-lab: lspci: raw\.bin: \S.*\n$/);
});

test('dap --help: the options in one column, the quirks it refers to listed, its exit codes', () => {
  const r = cli(['dap', '--help']);
  assert.equal(r.code, 0);
  const options = r.out.slice(r.out.indexOf('options:\n'), r.out.indexOf('\nquirks:'));
  const starts = new Set([...options.matchAll(/^ {2}(?:\(none\)|-\S*(?: \S+)?|--[a-z]+ \S+) +(?=\S)/gm)].map((m) => m[0].length));
  assert.deepEqual([...starts], [25], options);
  assert.match(r.out, /quirks below/);
  const quirks = r.out.slice(r.out.indexOf('\nquirks:'));
  for (const q of ['all-versions-rejected-continues', 'short-packet-drop', 'map-msi-no-rescind-check']) assert.match(quirks, new RegExp(`^ {2}${q} `, 'm'));
  assert.match(r.out, /^exit codes:\n {2}0 .*\n {2}2 .*\n {2}69 .*listened on/m);
});

test('dap --port with --guest, --host or --quirk but no --scenario: an error, not options silently dropped', () => {
  for (const extra of [
    ['--guest', 'linux'],
    ['--host', 'openvmm'],
    ['--quirk', 'short-packet-drop=off'],
  ]) {
    const r = cli(['dap', '--port', '0', ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.err}`);
    assert.equal(
      r.err.split('\n')[0],
      `vpci-lab: dap: ${extra[0]} needs --scenario: it changes the machine held for attach (a client that launches sets its own)`,
    );
  }
});

test('diff: a quirk the guest does not have is a warning, once, as run gives it; a missing second file is found before the first run', () => {
  let r = cli(['diff', QUICKSTART, '--guest', 'linux', '--quirk', 'descriptor-stride=on', '--quirk', 'descriptor-stride=off']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, 'vpci-lab: diff: warning: --quirk descriptor-stride: the linux guest has no such quirk (freebsd only); it changes nothing\n');
  r = cli(['run', QUICKSTART, '--guest', 'linux', '--quirk', 'descriptor-stride=off', '--quiet']);
  assert.match(r.err, /^vpci-lab: run: warning: --quirk descriptor-stride: the linux guest has no such quirk \(freebsd only\); it changes nothing$/m);
  // Before, the first run went to its end (here: to --max-steps, which it says) before the second file was found missing.
  r = cli(['diff', QUICKSTART, 'missing.vpci', '--max-steps', '1']);
  assert.deepEqual([r.code, r.out, r.err], [2, '', 'vpci-lab: diff: missing.vpci: no such file\n']);
});

test("run's --quirk is the quirk the checker judges by: descriptor-stride's warning on a bus of two FreeBSD functions goes with it", () => {
  writeFileSync(join(dir, 'two.vpci'), 'bus nic0 {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\nexpect no errors\n');
  const warning =
    /two\.vpci:3:3: warning: guest freebsd: functions past the first get a wrong slot \(InvalidSlot\); 'quirk descriptor-stride off' fixes it \[plug-fails\]/;
  // On (the default), the run fails as the warning says; off, no warning and the run holds.
  let r = cli(['run', 'two.vpci', '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.err, warning);
  r = cli(['run', 'two.vpci', '--quiet', '--quirk', 'descriptor-stride=off']);
  assert.deepEqual([r.code, r.err], [0, '']);
  r = cli(['diff', 'two.vpci', '--quirk', 'descriptor-stride=off', '--quirk', 'descriptor-stride=on']);
  assert.equal((r.err.match(new RegExp(warning.source, 'g')) ?? []).length, 1, r.err);
});

test('relations2-falls-into-eject: a FreeBSD function at slot N of a bus of N functions is ejected by each BUS_RELATIONS2, and the checker warns there, judged by --quirk', () => {
  const head = 'vm {\n  host hyperv-2022\n  guest freebsd\n}\nbus nic0 {\n';
  writeFileSync(join(dir, 'eject-n.vpci'), `${head}  function 0 intel-82599-vf\n  function 2 intel-82599-vf\n}\nat 0 boot\nexpect no errors\n`);
  const warning = (n: string) =>
    `eject-n.vpci:7:3: warning: guest freebsd: BUS_RELATIONS2 lists ${n} and falls through into PCI_EJECT for slot 2, so this function is ejected; 'quirk relations2-falls-into-eject off' fixes it [plug-fails]`;
  // With descriptor-stride on (the default) the second function never has slot 2: that quirk's warning alone.
  let r = cli(['check', 'eject-n.vpci']);
  assert.doesNotMatch(r.err, /falls through/);
  r = cli(['run', 'eject-n.vpci', '--quiet', '--quirk', 'descriptor-stride=off']);
  assert.equal(r.code, 1);
  assert.match(r.out, /FAIL .* EJECTION_COMPLETE for win_slot 0x2 that was not ejected/);
  assert.equal(r.err.split('\n')[0], warning('2 functions'));
  r = cli(['run', 'eject-n.vpci', '--quiet', '--quirk', 'descriptor-stride=off', '--quirk', 'relations2-falls-into-eject=off']);
  assert.deepEqual([r.code, r.err], [0, '']);
  // One function at slot 1: the first entry keeps its slot whatever descriptor-stride says.
  writeFileSync(join(dir, 'eject-n.vpci'), `${head}  function 1 intel-82599-vf\n}\nat 0 boot\n`);
  assert.match(cli(['check', 'eject-n.vpci']).err, /:6:3: warning: guest freebsd: BUS_RELATIONS2 lists 1 function and falls through into PCI_EJECT for slot 1/);
});

test('relations2-falls-into-eject after a plug or unplug: judged by the functions the guest has when each BUS_RELATIONS2 comes, as the run does', () => {
  const head = 'vm {\n  host hyperv-2022\n  guest freebsd\n  quirk descriptor-stride off\n}\nbus nic0 {\n';
  const fn = (slot: number, serial: number) => `  function ${slot} intel-82599-vf serial ${serial}\n`;
  // 0, 2, 3 at boot (3 hit); unplug 0 lists 2 (2 hit); plug 0 lists 3 (3 hit); unplug 2 lists 2: the guest still has 2 then (hit).
  const events = 'at 0 boot\nat 50ms unplug nic0/0\nat 60ms plug nic0 function 0 intel-82599-vf serial 4\nat 70ms unplug nic0/2\nexpect no errors\n';
  writeFileSync(join(dir, 'fall.vpci'), `${head}${fn(0, 1)}${fn(2, 2)}${fn(3, 3)}}\n${events}`);
  const warned = (err: string) =>
    [...err.matchAll(/^fall\.vpci:(\d+):\d+: warning: .*falls through into PCI_EJECT for slot (\d+), so (.*) is ejected/gm)].map((m) => m.slice(1).join(' '));
  let r = cli(['run', 'fall.vpci']);
  assert.deepEqual(warned(r.err), ['9 3 this function', '12 2 function nic0/2', '13 3 function nic0/3', '14 2 function nic0/2']);
  assert.deepEqual(
    [...r.out.matchAll(/fell through into the PCI_EJECT case: wslot (\d+)/g)].map((m) => m[1]),
    ['3', '2', '3', '2'],
  );
  // A plug at slot N itself: the guest does not have that function yet when the relations come, so nothing is ejected.
  writeFileSync(join(dir, 'fall.vpci'), `${head}${fn(0, 1)}${fn(1, 2)}}\nat 0 boot\nat 50ms plug nic0 function 3 intel-82599-vf serial 3\nexpect no errors\n`);
  r = cli(['run', 'fall.vpci', '--quiet']);
  assert.deepEqual([r.code, r.err], [0, '']);
});

test('a dump with Vendor ID 0001 on Linux: the run retries the not-ready device for 65.5 s and finds none, as the check warns', () => {
  writeFileSync(join(dir, 'rrs.lspci'), readFileSync(GPU, 'utf8').replace(/^00: de 10 07 1e/m, '00: 01 00 07 1e'));
  const sc = readFileSync(resolve('examples/bring-your-own-device.vpci'), 'utf8').replace('devices/nvidia-tu102-gpu.lspci', 'rrs.lspci');
  writeFileSync(join(dir, 'rrs.vpci'), sc);
  const r = cli(['run', 'rrs.vpci']);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /rrs\.vpci:16:19: warning: rrs\.lspci: 02:00\.0: IDs \[0001:1e07\] mean no device to Linux \(not ready: it retries for 65\.5 s\) \[dump-no-device\]/,
  );
  assert.match(r.out, /65\.535 [0-9 ]+ s {2}gpu0 {5}log: pci 0: not ready after 65535ms; giving up\n65\.535 [0-9 ]+ s {2}gpu0 {5}bus attached\n/);
  assert.match(r.out, /FAIL {2}rrs\.vpci:25:1 {2}create-interrupt2 on gpu0 — never sent/);
});

test('check names a file with a control character in it as every message does (\\xNN), so its "ok" line stays one line', () => {
  const name = 'a\nb.vpci';
  writeFileSync(join(dir, name), readFileSync(QUICKSTART));
  const r = cli(['check', name]);
  assert.deepEqual([r.code, r.out], [0, 'a\\x0ab.vpci: ok\n']);
});

test('an unknown or misspelt command, help with two commands: an error and where the usage is, not the whole usage; --version', () => {
  let r = cli(['lscpi', 'x']);
  assert.deepEqual([r.code, r.out, r.err], [2, '', "vpci-lab: unknown command 'lscpi' (did you mean lspci?)\n(vpci-lab --help lists the commands)\n"]);
  r = cli(['frobnicate']);
  assert.deepEqual([r.code, r.err], [2, "vpci-lab: unknown command 'frobnicate'\n(vpci-lab --help lists the commands)\n"]);
  r = cli(['help', 'run', 'check']);
  assert.deepEqual([r.code, r.out, r.err], [2, '', 'vpci-lab: help: one command at a time (got 2)\n(vpci-lab --help lists the commands)\n']);
  r = cli(['--version']);
  const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string };
  assert.deepEqual([r.code, r.out, r.err], [0, `vpci-lab ${pkg.version}\n`, '']);
  assert.match(cli(['--help']).out, /^vpci-lab --version prints the version\.$/m);
});

test("the README's command table names every command, and its exit codes are the ones the CLI returns", () => {
  const table = README.slice(README.indexOf('| command | what it does |'));
  const named = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `([a-z]+)\b/gm)].map((m) => m[1]);
  assert.deepEqual(named.sort(), COMMANDS.map((c) => c.name).sort());
  const para = README.slice(README.indexOf('**Errors and exit codes.**')).replace(/\s+/g, ' ');
  const codes = para.slice(para.indexOf('Exit codes:'), para.indexOf('a bug.') + 'a bug.'.length);
  // Every code the CLI exits with (adapter/cli/main.ts: 69, 70, 74 and 141 for any command).
  const said = [...codes.matchAll(/(?:: |; )(\d+) /g)].map((m) => Number(m[1]));
  assert.deepEqual(said, [0, 1, 2, 69, 74, 141, 70], codes);
});

test("the README's JSON table names every field of run --json and diff --json, and only those", () => {
  const row = (name: string): Set<string> => {
    const line = README.split('\n').find((l) => l.startsWith(`| ${name} |`));
    assert.ok(line, name);
    return new Set([...line.slice(name.length + 4).matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!));
  };
  const keys = (x: unknown, into = new Set<string>()): Set<string> => {
    if (Array.isArray(x)) for (const y of x) keys(y, into);
    else if (x && typeof x === 'object')
      for (const [k, v] of Object.entries(x)) {
        // quirks is a map of quirk names, not fields.
        into.add(k);
        if (k !== 'quirks') keys(v, into);
      }
    return into;
  };
  // A run with a fault that never fires (unfiredFaults), warnings (diagnostics) and a failed value expectation (expected, actual).
  const faults = join(EXAMPLES, 'faults.vpci');
  const run = JSON.parse(cli(['run', faults, '--guest', 'linux', '--json', '-']).out) as unknown;
  const runKeys = keys(run);
  // A warning with a note (a second boot: where the guest booted): its related place.
  const twice = join(dir, 'boot-twice.vpci');
  writeFileSync(twice, 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms boot\n');
  keys(JSON.parse(cli(['run', twice, '--json', '-']).out), runKeys);
  assert.ok(runKeys.has('expected') && runKeys.has('why') && runKeys.has('severity') && runKeys.has('related'), [...runKeys].join(' '));
  assert.deepEqual([...row('`run --json`')].sort(), [...runKeys].sort());
  const bad = join(dir, 'bad.vpci');
  writeFileSync(bad, 'vm {\n  host nope\n}\n');
  // A report of a scenario that did not load: its own fields (its diagnostics are as above).
  const top = (text: string) => Object.keys(JSON.parse(text) as object).sort();
  assert.deepEqual([...row('`run --json`, a scenario that does not load')].sort(), top(cli(['run', bad, '--json', '-']).out));
  // Hosts that differ: changed rows (changes), completions with a status, slots; and a quirk whose buses end differently (endStates).
  const diff = keys(JSON.parse(cli(['diff', QUICKSTART, '--host', 'hyperv-2016', '--host', 'openvmm', '--json', '-']).out));
  const ends = JSON.parse(
    cli(['diff', join(EXAMPLES, 'quirks', 'short-packet-drop.vpci'), '--quirk', 'short-packet-drop=on', '--quirk', 'short-packet-drop=off', '--json', '-']).out,
  ) as { endStates: unknown[] };
  assert.equal(ends.endStates.length, 1);
  keys(ends, diff);
  assert.deepEqual([...row('`diff --json`')].sort(), [...diff].sort());
  assert.deepEqual([...row('`diff --json`, a scenario that does not load')].sort(), top(cli(['diff', QUICKSTART, bad, '--json', '-']).out));
});

test("the README names the editor's menu items as package.json titles them", () => {
  const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command?: string; when?: string }[]> };
  };
  const title = (id: string) => pkg.contributes.commands.find((c) => c.command === id)!.title;
  const titles = (menu: string, when: RegExp) =>
    pkg.contributes.menus[menu]!.filter((m) => m.command && when.test(m.when ?? ''))
      .map((m) => title(m.command!))
      .sort();
  const italics = (from: string, to: string) => {
    const at = README.indexOf(from);
    return [...README.slice(at, README.indexOf(to, at)).matchAll(/\*([^*]+)\*/g)].map((m) => m[1]!).sort();
  };
  assert.deepEqual(italics('*Show lspci* and', "appear on a\n   device's rows"), titles('debug/variables/context', /vpciDevice/));
  assert.deepEqual(italics('*Show lspci*, *Eject', 'on each function'), titles('view/item/context', /vpciFunction/));
  for (const m of README.matchAll(/\*\*vPCI: ([^*]+)\*\*/g))
    assert.ok(
      pkg.contributes.commands.some((c) => c.title === m[1]!.replace(/\s+/g, ' ')),
      m[1],
    );
});

test('the all-versions-rejected-continues example does what its comment says with the quirk off: the bus fails, no QUERY_BUS_RELATIONS, the second expectation fails', () => {
  const file = join(EXAMPLES, 'quirks', 'all-versions-rejected-continues.vpci');
  assert.match(
    readFileSync(file, 'utf8'),
    /attach fails with EPROTO instead: the\n# bus fails and sends no QUERY_BUS_RELATIONS, so the second expectation fails/,
  );
  const r = cli(['run', file, '--quirk', 'all-versions-rejected-continues=off']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, / nic0 {5}bus failed\n/);
  assert.doesNotMatch(r.out, /G→H .*QUERY_BUS_RELATIONS/);
  assert.deepEqual(
    r.out
      .split('\n')
      .filter((l) => /^ {2}(ok|FAIL) /.test(l))
      .map((l) => l.slice(2, 6)),
    ['ok  ', 'FAIL'],
  );
});

test('a report onto the scenario it reports on, or two reports onto one file, is refused before the run: the scenario is left as it was', () => {
  const mine = join(dir, 'mine.vpci');
  const text = readFileSync(QUICKSTART, 'utf8');
  writeFileSync(mine, text);
  for (const [args, why] of [
    [['run', 'mine.vpci', '--json', 'mine.vpci'], 'run: --json mine.vpci: that is the scenario mine.vpci, which the report would overwrite'],
    [['run', './mine.vpci', '--junit', mine], `run: --junit ${mine}: that is the scenario ./mine.vpci, which the report would overwrite`],
    [['diff', QUICKSTART, 'mine.vpci', '--json', 'mine.vpci'], 'diff: --json mine.vpci: that is the scenario mine.vpci, which the report would overwrite'],
    [['run', 'mine.vpci', '--json', 'r.out', '--junit', './r.out'], 'run: --json and --junit both name r.out: one report would overwrite the other'],
  ] as const) {
    const r = cli([...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.err.split('\n')[0], `vpci-lab: ${why}`);
    assert.equal(readFileSync(mine, 'utf8'), text, args.join(' '));
  }
});

test('run with more than one scenario names what it took for files, and says so when -- made options of them files', () => {
  const r = cli(['run', '--', 'mine.vpci', '--quiet']);
  assert.equal(r.code, 2);
  assert.equal(r.err.split('\n')[0], "vpci-lab: run: one scenario at a time (got 2: 'mine.vpci', '--quiet'; after --, every argument is a file)");
});

test("the extension's page (the README the VSIX carries) does not point at the sections it leaves out", async () => {
  // A plain .mjs script of the build (no types): imported by its URL.
  const { packagedReadme } = (await import(pathToFileURL(resolve('scripts/readme-vsix.mjs')).href)) as { packagedReadme: (t: string) => string };
  const page = packagedReadme(README);
  assert.doesNotMatch(page, /^## End-to-end tests/m);
  // "Run there by the end-to-end test" named the repository-only section on end-to-end tests.
  assert.doesNotMatch(page, /the end-to-end test\b/);
  assert.match(page, /Tested there end to end, in code-server's browser:/);
});

test("every command that reads a scenario or a dump says in its usage that '-' is standard input", () => {
  for (const c of ['run', 'check', 'diff', 'lspci']) assert.match(cli([c, '--help']).out.replace(/\s+/g, ' '), / written - is read from standard input/, c);
});

test("a function is named as the scenario writes its slot in every message, the run's expectations too: nic0/1, not nic0/1.0", () => {
  const file = join(dir, 'slot-names.vpci');
  const head = 'vm {\n  guest linux\n}\nbus nic0 {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\n';
  writeFileSync(file, `${head}at 1ms driver nic0/1 msix 2\nexpect nic0/1 msix 2\n`);
  const r = cli(['run', '--quiet', file]);
  assert.match(r.out, /ok {4}\S+:10:1 {2}nic0\/1 has 2 MSI-X vectors programmed/);
  writeFileSync(file, `${head}at 1ms eject nic0/3\n`);
  assert.match(cli(['check', file]).err, /error: bus nic0 has no function at 3; its functions: 0, 1 \[unknown-slot\]/);
});
