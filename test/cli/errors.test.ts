// Every error the CLI meets is one line with a place and a documented exit code,
// never a stack trace or a hang: endless and special files, folders, missing
// files, a busy port, a dump outside the scenario's folder. Runs the built
// bundle (dist/cli.js, dist/adapter.js) as a user would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { analyze } from '../../language/analyze';

const CLI = resolve('dist/cli.js');
const ADAPTER = resolve('dist/adapter.js');
const dir = mkdtempSync(join(tmpdir(), 'vpci-cli-err-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** One line, no stack frames, no bundle paths. */
function oneLine(err: string): void {
  assert.equal(err.trimEnd().split('\n').length, 1, err);
  assert.doesNotMatch(err, /\n\s+at |dist\/cli\.js|node:internal/, err);
}

test('lspci on /dev/zero, a folder and a FIFO: one line naming the path, exit 2, no hang', () => {
  const fifo = join(dir, 'pipe.lspci');
  execFileSync('mkfifo', [fifo]);
  for (const [path, why] of [
    ['/dev/zero', 'is a character device, not a file'],
    [dir, 'is a folder, not a file'],
    [fifo, 'is a FIFO (named pipe), not a file'],
  ] as const) {
    const r = cli('lspci', path);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err, `vpci-lab: lspci: ${path}: ${why}\n`);
  }
  const missing = cli('lspci', join(dir, 'none.lspci'));
  assert.equal(missing.code, 2);
  oneLine(missing.err);
});

test('a path with control characters in it is shown escaped: the error stays one line', () => {
  const odd = join(dir, 'a\nb\tc');
  const shown = join(dir, 'a\\x0ab\\x09c');
  let r = cli('run', `${odd}.vpci`);
  assert.equal(r.code, 2);
  assert.equal(r.err, `vpci-lab: run: ${shown}.vpci: no such file\n`);
  r = cli('lspci', `${odd}.lspci`);
  assert.equal(r.code, 2);
  assert.equal(r.err, `vpci-lab: lspci: '${shown}.lspci' is neither a catalog device (see vpci-lab devices) nor a file\n`);
  // Diagnostics name the file the same way.
  writeFileSync(`${odd}.vpci`, 'vm { guest freebsd }\nbus nic0 { function 0 no-such-device }\n');
  r = cli('check', `${odd}.vpci`);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, new RegExp(`^${shown.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\.vpci:2:\\d+: error: `, 'm'));
  assert.doesNotMatch(r.err, /a\nb/);
});

test('run and check on a folder or a missing scenario: one line, exit 2', () => {
  let r = cli('run', dir);
  assert.equal(r.code, 2);
  assert.equal(r.err, `vpci-lab: run: ${dir}: is a folder, not a file\n`);
  r = cli('check', join(dir, 'nope.vpci'));
  assert.equal(r.code, 2);
  assert.equal(r.err, `vpci-lab: check: ${join(dir, 'nope.vpci')}: no such file\n`);
});

test('a dump that is a symlink to /dev/zero, one outside the folder, and a folder as dump: diagnostics at the path, with their own codes', () => {
  const scen = join(dir, 'scen');
  mkdirSync(scen);
  symlinkSync('/dev/zero', join(scen, 'zero.lspci'));
  mkdirSync(join(scen, 'folder.lspci'));
  writeFileSync(join(dir, 'outside.lspci'), readFileSync('examples/devices/nvidia-tu102-gpu.lspci'));
  writeFileSync(join(scen, '..ok.lspci'), readFileSync('examples/devices/nvidia-tu102-gpu.lspci'));
  const file = join(scen, 's.vpci');
  writeFileSync(
    file,
    'bus a { function 0 dump "zero.lspci" }\nbus b { function 0 dump "folder.lspci" }\nbus c { function 0 dump "../outside.lspci" }\nbus d { function 0 dump "..ok.lspci" bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K }\nbus e { function 0 dump "" }\nbus f { function 0 dump "..ok.lspci/" }\nat 0 boot\n',
  );
  const r = cli('check', file);
  assert.equal(r.code, 2);
  const lines = r.err.split('\n').filter((l) => l.startsWith(file));
  assert.deepEqual(lines, [
    `${file}:1:25: error: dump file 'zero.lspci' resolves (through a symbolic link) to /dev/zero, outside the scenario's folder [dump-outside]`,
    `${file}:2:25: error: cannot read dump file 'folder.lspci': is a folder, not a file [dump-unreadable]`,
    `${file}:3:25: error: dump file '../outside.lspci' is outside the scenario's folder (${scen}) [dump-outside]`,
    // Not the scenario's folder, nor the file without its '/'.
    `${file}:5:25: error: an empty dump path: which file? [dump-missing]`,
    `${file}:6:25: error: cannot read dump file '..ok.lspci/': it ends in '/', so it names a folder, not a file [dump-unreadable]`,
  ]);
  assert.doesNotMatch(r.err, /internal-error/);
});

test('after a UTF-8 byte-order mark, file:line:col counts columns as an editor shows them (the mark takes none)', () => {
  const bom = join(dir, 'bom-error.vpci');
  writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('vm { cpus x }\n')]));
  const r = cli('check', bom);
  assert.equal(r.code, 2, r.err);
  assert.equal(
    r.err.split('\n').slice(0, 3).join('\n'),
    `${bom}:1:11: error: expected the CPU count, found 'x' [unexpected-token]\n  vm { cpus x }\n            ^`,
  );
});

test('a UTF-8 byte-order mark is accepted; an empty scenario gets a warning', () => {
  const bom = join(dir, 'bom.vpci');
  writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync('examples/quickstart.vpci')]));
  let r = cli('check', bom);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `${bom}: ok\n`);
  const empty = join(dir, 'empty.vpci');
  writeFileSync(empty, '# nothing here yet\n\n');
  r = cli('run', empty);
  assert.equal(r.code, 0);
  assert.match(r.err, /empty\.vpci:1:1: warning: the scenario is empty: .* \[empty-scenario\]/);
});

test('16,000 errors are all printed, each with its source line', () => {
  const file = join(dir, 'many.vpci');
  writeFileSync(file, 'at 1ms eject nosuchbus\n'.repeat(16_000));
  const r = cli('check', file);
  assert.equal(r.code, 2);
  const errs = r.err.split('\n').filter((l) => / error: /.test(l));
  assert.equal(errs.length, 16_000);
  assert.match(r.err, /many\.vpci:16000:14: error: .*nosuchbus.*\n {2}at 1ms eject nosuchbus\n {2} {13}\^~~~~~~~~/);
});

async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

test('dap --port on a port in use: one line, exit 69 (the adapter executable too)', async () => {
  const { port, server } = await busyPort();
  try {
    const r = cli('dap', '--port', String(port));
    assert.equal(r.code, 69);
    assert.match(r.err, new RegExp(`^vpci-lab: dap: port ${port} is in use`));
    oneLine(r.err);
    const a = spawnSync(process.execPath, [ADAPTER, `--server=${port}`], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(a.status, 69);
    assert.match(a.stderr, new RegExp(`^vpci-lab debug adapter: port ${port} is in use`));
    oneLine(a.stderr);
  } finally {
    server.close();
  }
});

test('a system error escaping a command is one line with exit 74, not a stack (exit 70 is for bugs)', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const r = cli('listings', join(file, 'sub'));
  assert.equal(r.code, 74);
  oneLine(r.err);
  assert.equal(r.err, `vpci-lab: listings: ${file}: is a file, not a folder\n`);
});

test('the stdio adapter is not stopped by a FIFO scenario: launch fails with one line', async () => {
  const fifo = join(dir, 'scenario-fifo.vpci');
  execFileSync('mkfifo', [fifo]);
  const p = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += String(d)));
  const send = (seq: number, command: string, args: unknown): void => {
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
    p.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  };
  send(1, 'initialize', { adapterID: 'vpci' });
  send(2, 'launch', { scenario: fifo });
  const deadline = Date.now() + 20_000;
  while (!/"request_seq":2/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  p.kill();
  const m = /"request_seq":2,[^]*?"message":"([^"]*)"/.exec(out);
  assert.ok(m, out);
  assert.equal(m[1], `Cannot load ${fifo}: is a FIFO (named pipe), not a file`);
});

test('output that cannot be written: a reader that went away ends the command quietly (141, as SIGPIPE would); a full disk is one line and exit 74', async () => {
  // `vpci-lab devices | head -1`: the reader has gone (here before the first write, so every write meets it).
  for (const args of [['devices'], ['lspci', 'intel-82599-pf', '-vvv'], ['run', 'examples/quickstart.vpci']]) {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.destroy();
    const code = await new Promise<number | null>((res) => p.on('close', (c) => res(c)));
    assert.equal(code, 141, `${args.join(' ')}: ${err}`);
    assert.equal(err, '', args.join(' '));
  }
  // /dev/full: every write fails with ENOSPC. The run's transcript and its --json - report are lost: never exit 0.
  for (const args of [
    ['devices'],
    ['lspci', 'intel-82599-pf'],
    ['--help'],
    ['run', 'examples/quickstart.vpci'],
    ['run', 'examples/quickstart.vpci', '--json', '-'],
  ]) {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" ${args.join(' ')} > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 74, `${args.join(' ')}: ${r.stderr}`);
    // Named after the command whose output it was (the usage belongs to none).
    const where = args[0] === '--help' ? '' : `${args[0]}: `;
    assert.equal(r.stderr, `vpci-lab: ${where}cannot write the output (stdout): no space left on the device\n`, args.join(' '));
  }
});

test('run --json/--junit to a file that cannot be written: one line and exit 74, before the run', () => {
  const fifo = join(dir, 'report.fifo');
  execFileSync('mkfifo', [fifo]);
  for (const [flag, path, why] of [
    ['--json', join(dir, 'missing', 'x.json'), 'no such file or directory'],
    ['--json', dir, 'is a folder'],
    ['--junit', fifo, 'no reader'],
  ] as const) {
    const r = cli('run', 'examples/quickstart.vpci', flag, path);
    assert.equal(r.code, 74, r.err);
    oneLine(r.err);
    assert.ok(r.err.startsWith(`vpci-lab: run: ${path}: cannot be written (${flag}): `), r.err);
    assert.ok(r.err.includes(why) || /such device|directory|folder/.test(r.err), r.err);
    assert.equal(r.out, '', 'nothing ran');
  }
});

test('lspci --select: a malformed address is a usage error; an address the dump lacks names the ones it has', () => {
  const dump = join(dir, 'two.lspci');
  const one = readFileSync('data/devices/intel-82599-pf.lspci', 'latin1');
  writeFileSync(dump, one + '\n' + one.replace(/^([0-9a-f:.]+) /m, '00:09.0 '));
  for (const sel of ['zz', '1:2:3:4:5', '', '00:1f']) {
    const r = cli('lspci', dump, '--select', sel);
    assert.equal(r.code, 2, `${sel}: ${r.err}`);
    // An empty value is said as every option's is.
    assert.match(r.err, sel ? /^vpci-lab: lspci: --select .*: not a device address/ : /^vpci-lab: lspci: option --select needs a value$/m, sel);
  }
  const miss = cli('lspci', dump, '--select', '00:1f.7');
  assert.equal(miss.code, 2);
  assert.match(miss.err, /^vpci-lab: lspci: --select 00:1f\.7: no device there \(the devices are .*00:09\.0/);
  const hit = cli('lspci', dump, '--select', '09.0');
  assert.equal(hit.code, 0, hit.err);
  assert.match(hit.out, /^00:09\.0 /);
  assert.equal(hit.out.split('\n\n').filter(Boolean).length, 1);
});

test('a dump saved with a UTF-8 byte-order mark reads as the same dump, in lspci and in a scenario', () => {
  const text = readFileSync('data/devices/intel-82599-pf.lspci');
  const bom = join(dir, 'bom.lspci');
  writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]));
  const plain = join(dir, 'plain.lspci');
  writeFileSync(plain, text);
  const a = cli('lspci', bom, '-vvv');
  assert.equal(a.code, 0, a.err);
  assert.equal(a.out, cli('lspci', plain, '-vvv').out);
  writeFileSync(
    join(dir, 'bom.vpci'),
    'vm { guest freebsd }\nbus nic0 { function 0 dump "bom.lspci" bar 0 4M bar 2 32 bar 4 16K rom 4M }\nat 0 boot\nexpect nic0 attached\n',
  );
  const r = cli('run', join(dir, 'bom.vpci'), '--quiet');
  assert.equal(r.code, 0, r.err);
});

test('a diagnostic shows control characters as text and a long line around its place, not whole', () => {
  const esc = join(dir, 'esc.vpci');
  writeFileSync(esc, 'bus nic0 { function 0 intel-82599-vf }\nat 0 \x1b[31mboot\x07\n');
  const r = cli('check', esc);
  assert.equal(r.code, 2);
  // eslint-disable-next-line no-control-regex -- the control characters are what must not appear
  assert.doesNotMatch(r.err, /[\x00-\x08\x0b-\x1f\x7f]/, 'no raw control character reaches the terminal');
  // By its code point, as the editor shows the same message (a client shows a raw ESC as nothing).
  assert.match(r.err, /unexpected character U\+001B/);
  const long = join(dir, 'long.vpci');
  writeFileSync(long, `bus nic0 { function 0 intel-82599-vf ${' '.repeat(1 << 20)}@ }\n`);
  const l = cli('check', long);
  assert.equal(l.code, 2);
  assert.ok(l.err.length < 2000, `${l.err.length} bytes`);
  const lines = l.err.split('\n');
  const at = lines.findIndex((x) => x.includes("unexpected character '@'"));
  assert.ok(at >= 0, l.err);
  // The caret stands under the '@'.
  assert.equal(lines[at + 2]!.indexOf('^'), lines[at + 1]!.indexOf('@'));
});

test('lenient arguments are refused: an empty scenario name, --max-steps and --port other than decimal digits', () => {
  const e = cli('check', '');
  assert.equal(e.code, 2);
  assert.equal(e.err, 'vpci-lab: check: an empty file name: which scenario?\n');
  for (const n of ['0x10', '1e3', ' 5', '0', '-1', '99999999999999999999']) {
    const r = cli('run', 'examples/quickstart.vpci', `--max-steps=${n}`);
    assert.equal(r.code, 2, n);
    // With the limit: a number past it was refused with the same words as '0x10'.
    assert.match(r.err, /: must be a whole number from 1 to 9007199254740991\n/, n);
    // The value in quotes: ' 5' read "--max-steps  5: must be …", its space unseen.
    assert.ok(r.err.startsWith(`vpci-lab: run: --max-steps '${n}': `), r.err);
  }
  // --port the same way: 00080 was served on port 80; the others Number() would take. Refused before listening.
  for (const n of ['00080', '00', '0x50', '1e3', ' 5', '+80', '65536']) {
    const r = cli('dap', `--port=${n}`);
    assert.equal(r.code, 2, n);
    assert.equal(r.err.split('\n')[0], `vpci-lab: dap: --port '${n}': must be 0..65535 in decimal digits, no leading zero`, n);
  }
});

test('a broken scenario just under the size limit, in a small heap: its first 100,000 errors and where checking stopped, never a crash', () => {
  // 8 million bad lines (16 MiB less a byte): kept whole, the diagnostics alone would need gigabytes.
  const file = join(dir, 'broken.vpci');
  writeFileSync(file, 'x\n'.repeat(8 * 1024 * 1024 - 1) + 'x');
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', CLI, 'check', file], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
  assert.equal(r.status, 2, r.stderr.slice(-2000));
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 3 * 100_001);
  assert.equal(
    lines.at(-3),
    `${file}:100001:1: error: 100,000 syntax errors so far: the parser stops here, and the rest of the file (from line 100001) is not checked [too-many-errors]`,
  );
  assert.doesNotMatch(r.stderr, /FATAL|heap limit|node:internal/);
});

test('lspci -i of a 16 MiB file of stray bytes, in a small heap: the Parse error at its line 1, never a crash', () => {
  // Each byte was made a string of its own (a decoder call a character), then the bytes again a
  // buffer a piece: 900 MB and 40 s, where lspci stops at line 1.
  const ids = join(dir, 'stray.ids');
  const bytes = Buffer.alloc(16 * 1024 * 1024, 0xff);
  for (let i = 200; i < bytes.length; i += 201) bytes[i] = 0x0a;
  writeFileSync(ids, bytes);
  const r = spawnSync(process.execPath, ['--max-old-space-size=96', CLI, 'lspci', 'intel-82599-vf', '-i', ids], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, `vpci-lab: lspci: -i ${ids}:1: Parse error (lspci 3.9.0 stops there: "Parse error at ${ids}, line 1")\n`);
});

test('check and dap --scenario of 4,096 buses check without building the machine: they fit a 32 MB heap', async () => {
  // Building the machine (each bus's function, host and channel) took ~150 MB and most of the time, and
  // neither command runs it. With the machine built, this heap ran out ("heap limit") in both.
  const file = join(dir, 'many-buses.vpci');
  const buses = Array.from({ length: 4096 }, (_, i) => `bus b${i} { function 0 intel-82599-vf serial ${i + 1} }\n`).join('');
  writeFileSync(file, `vm {\n  host hyperv-2016\n  guest freebsd\n}\n${buses}at 0 boot\n`);
  const heap = '--max-old-space-size=32';
  const c = spawnSync(process.execPath, [heap, CLI, 'check', file], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(c.stderr, '');
  assert.equal(c.stdout, `${file}: ok\n`);
  assert.equal(c.status, 0);
  const d = spawn(process.execPath, [heap, CLI, 'dap', '--port', '0', '--scenario', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((done) => d.on('exit', (code) => done(code)));
  const listening = await new Promise<boolean>((done) => {
    d.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t;
      if (err.includes('\n')) done(true);
    });
    void exited.then(() => done(false));
  });
  d.kill();
  await exited;
  assert.ok(listening, err);
  assert.match(err, /^vpci-lab: debug adapter listening on 127\.0\.0\.1:\d+ \(holding .*many-buses\.vpci for attach\)\n$/);
});

test('dap --scenario names a held file whose name has a line break as every message does, on one line', async () => {
  // The listening line printed the name as it is: "(holding new" on one line, "line.vpci for attach)" on the next.
  const file = join(dir, 'new\nline.vpci');
  writeFileSync(file, 'vm { }\n');
  const d = spawn(process.execPath, [CLI, 'dap', '--port', '0', '--scenario', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((done) => d.on('exit', (code) => done(code)));
  const listening = await new Promise<boolean>((done) => {
    d.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t;
      if (err.includes('for attach)')) done(true);
    });
    void exited.then(() => done(false));
  });
  d.kill();
  await exited;
  assert.ok(listening, err);
  assert.match(err, /^vpci-lab: debug adapter listening on 127\.0\.0\.1:\d+ \(holding .*new\\x0aline\.vpci for attach\)\n$/);
});

test('check on words of millions of characters: each message quotes the word shortened, the source line cut, a few hundred bytes each', () => {
  const word = 'q'.repeat(4_000_000);
  const cases: [string, string][] = [
    [`${word}\n`, `unknown statement 'q`],
    [`bus nic0 { function 0 ${word} }\n`, `unknown device 'q`],
    [`bus nic0 { function 0 dump "${word}" }\n`, `cannot read dump file 'q`],
    [`bus ${word} { function 0 intel-82599-vf }\n`, 'a bus name is at most 64 characters; this one is 4,000,000'],
  ];
  for (const [text, said] of cases) {
    const file = join(dir, 'long-word.vpci');
    writeFileSync(file, text);
    const r = cli('check', file);
    assert.equal(r.code, 2, r.err.slice(0, 500));
    assert.ok(r.err.includes(said), r.err.slice(0, 500));
    assert.ok(r.err.length < 1500, `${r.err.length} bytes: ${r.err.slice(0, 300)}`);
    if (said.endsWith("'q")) assert.match(r.err, /'q{100}…q{100}' \(4,000,000 characters\)/);
  }
});

test('a block whose header is wrong gives that one error, in the CLI and the language server alike', () => {
  const text =
    'bus 9x {\n  function 0 intel-82599-vf\n  instance 3c2d7b4a-0001-4f00-8000-000000000001\n  function 1 intel-82599-vf\n  function 2 intel-82599-vf\n}\n' +
    'vm x {\n  host hyperv-2016\n}\nat 1ms offer 9y {\n  function 0 intel-82599-vf\n}\nbus z { function 0 intel-82599-vf }\nat 0 boot\n';
  const file = join(dir, 'header.vpci');
  writeFileSync(file, text);
  const r = cli('check', file);
  assert.equal(r.code, 2, r.err);
  const fromCli = [...r.err.matchAll(/^.*?header\.vpci:(\d+):(\d+): (error|warning): .* \[([a-z-]+)\]$/gm)].map((m) => [Number(m[1]), Number(m[2]), m[4]]);
  assert.deepEqual(fromCli, [
    [1, 5, 'invalid-token'],
    [7, 4, 'unexpected-token'],
    [10, 14, 'invalid-token'],
  ]);
  const fromLsp = analyze(text, 'file:///w/header.vpci').lspDiagnostics.map((d) => [d.range.start.line + 1, d.range.start.character + 1, d.code]);
  assert.deepEqual(fromLsp, fromCli);
});

test("a newcomer's slips: the CLI and the language server give the same one diagnostic per slip, at the same place, in the same words", () => {
  const text =
    'vm {\n  host=hyperv-2022\n  guest: linux\n  cpus 4;\n}\n' +
    'bus "nic0" { function 0 intel-82599-vf seral 1 }\n' +
    'bus nic1 { function 0 \u201cmellanox-cx3-vf\u201d }\n' +
    'at 0\u00a0boot\nat 2 ms driver nic0 msix 3\nat 3ms raise nic0 vector 0 // raise it\nat 5sec detach nic1\n' +
    'expect nic0 attached by 1s\nexpect No errors\n';
  const file = join(dir, 'slips.vpci');
  writeFileSync(file, text);
  const r = cli('check', file);
  assert.equal(r.code, 2, r.err);
  const fromCli = [...r.err.matchAll(/^.*?slips\.vpci:(\d+):(\d+): (error|warning): (.*) \[([a-z-]+)\]$/gm)].map((m) => [
    Number(m[1]),
    Number(m[2]),
    m[5],
    m[4],
  ]);
  assert.deepEqual(
    fromCli.map((x) => x.slice(0, 3)),
    [
      [2, 7, 'invalid-token'],
      [3, 8, 'invalid-token'],
      [4, 9, 'invalid-token'],
      [6, 5, 'unexpected-token'],
      [6, 40, 'unknown-setting'],
      [7, 23, 'unexpected-token'],
      [8, 5, 'invalid-token'],
      [9, 4, 'missing-unit'],
      [10, 28, 'unexpected-token'],
      [11, 4, 'invalid-number'],
      [12, 22, 'unknown-keyword'],
      [13, 8, 'unknown-keyword'],
    ],
  );
  const fromLsp = analyze(text, 'file:///w/slips.vpci').lspDiagnostics.map((d) => [d.range.start.line + 1, d.range.start.character + 1, d.code, d.message]);
  assert.deepEqual(fromLsp, fromCli);
});

test('an argument of 100,000 characters is quoted by its ends and its length in every usage error, never whole', () => {
  const long = `a${'9'.repeat(100_000)}`;
  const dump = join(dir, 'one.lspci');
  writeFileSync(dump, '00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)\n00: 86 80 37 12 06 00 00 00 02 00 00 06 00 00 00 00\n');
  const vpci = join(dir, 'any.vpci');
  writeFileSync(vpci, 'at 0 boot\n');
  for (const args of [
    ['lspci', '-F', dump, '--bar', `0=${long}`],
    ['lspci', '-F', dump, '--bar', long],
    ['lspci', '-F', dump, '-O', long],
    ['lspci', '-F', dump, '-O', `x=${long}`],
    ['lspci', '-F', dump, '--select', long],
    ['lspci', '-F', dump, long],
    ['run', vpci, '--guest', long],
    ['run', vpci, '--quirk', long],
    ['run', vpci, '--quirk', `${long}=on`],
    ['run', vpci, '--max-steps', long],
    ['run', `--${long}`],
    ['run', vpci, vpci, long],
    ['diff', vpci, '--max-steps', long],
    ['dap', '--port', long],
    ['dap', long],
    ['devices', long],
    [long],
    ['--version', long],
    ['check', long],
  ]) {
    const r = cli(...args);
    const what = args.map((a) => a.slice(0, 12)).join(' ');
    assert.equal(r.code, 2, `${what}: ${r.err.slice(0, 300)}`);
    assert.ok(r.err.length < 1500, `${what}: ${r.err.length} characters: ${r.err.slice(0, 300)}`);
    assert.match(r.err, /9{90}…9{100}['"]? \(100,00[0-9] characters\)/, what);
  }
});
