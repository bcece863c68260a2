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
    assert.equal(r.err, `vpci-lab lspci: ${path}: ${why}\n`);
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
  assert.equal(r.err, `vpci-lab run: ${shown}.vpci: no such file\n`);
  r = cli('lspci', `${odd}.lspci`);
  assert.equal(r.code, 2);
  assert.equal(r.err, `vpci-lab lspci: '${shown}.lspci' is neither a catalog device (see vpci-lab devices) nor a file\n`);
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
  assert.equal(r.err, `vpci-lab run: ${dir}: is a folder, not a file\n`);
  r = cli('check', join(dir, 'nope.vpci'));
  assert.equal(r.code, 2);
  assert.equal(r.err, `vpci-lab check: ${join(dir, 'nope.vpci')}: no such file\n`);
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
    'bus a { function 0 dump "zero.lspci" }\nbus b { function 0 dump "folder.lspci" }\nbus c { function 0 dump "../outside.lspci" }\nbus d { function 0 dump "..ok.lspci" bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K }\nat 0 boot\n',
  );
  const r = cli('check', file);
  assert.equal(r.code, 2);
  const lines = r.err.split('\n').filter((l) => l.startsWith(file));
  assert.deepEqual(lines, [
    `${file}:1:25: error: dump file 'zero.lspci' resolves (through a symbolic link) to /dev/zero, outside the scenario's folder [dump-outside]`,
    `${file}:2:25: error: cannot read dump file 'folder.lspci': is a folder, not a file [dump-unreadable]`,
    `${file}:3:25: error: dump file '../outside.lspci' is outside the scenario's folder (${scen}) [dump-outside]`,
  ]);
  assert.doesNotMatch(r.err, /internal-error/);
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
