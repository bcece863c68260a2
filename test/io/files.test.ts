// File access (io/): only regular files are read, never past a size limit, and
// a file a scenario names must lie — after its symbolic links — inside the
// scenario's folder (or a workspace folder). Real files, FIFOs, devices and
// links on this machine's file system.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { makeFolders, nodeFiles } from '../../io/node-files';
import { FileError, confinement, decodeText, isInside, readConfined, readConfinedSync, DUMP_LIMIT } from '../../io/files';
import { readDumps } from '../../io/scenario-files';

const dir = mkdtempSync(join(tmpdir(), 'vpci-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const scen = join(dir, 'scen');
mkdirSync(scen);
writeFileSync(join(scen, 'a.lspci'), '00:00.0 x\n');
writeFileSync(join(scen, '..foo.lspci'), 'dots\n');
writeFileSync(join(dir, 'outside.lspci'), 'secret\n');
symlinkSync(join(scen, 'a.lspci'), join(scen, 'link-in.lspci'));
symlinkSync(join(dir, 'outside.lspci'), join(scen, 'link-out.lspci'));
symlinkSync('/dev/zero', join(scen, 'zero.lspci'));
mkdirSync(join(scen, 'folder.lspci'));
execFileSync('mkfifo', [join(scen, 'fifo.lspci')]);
const c = confinement(scen);

async function problem(p: Promise<unknown>): Promise<{ problem: string; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FileError, String(e));
    return { problem: e.problem, message: e.message };
  }
  assert.fail('expected a FileError');
}

test('a FIFO, a device and a folder are refused by name, without blocking or reading', async () => {
  const fifo = await problem(nodeFiles.readFile(join(scen, 'fifo.lspci'), DUMP_LIMIT));
  assert.equal(fifo.problem, 'not-a-file');
  assert.match(fifo.message, /fifo\.lspci: is a FIFO \(named pipe\), not a file$/);
  const dev = await problem(nodeFiles.readFile('/dev/zero', DUMP_LIMIT));
  assert.equal(dev.problem, 'not-a-file');
  assert.match(dev.message, /^\/dev\/zero: is a character device, not a file$/);
  const folder = await problem(nodeFiles.readFile(join(scen, 'folder.lspci'), DUMP_LIMIT));
  assert.match(folder.message, /folder\.lspci: is a folder, not a file$/);
  assert.throws(() => nodeFiles.readFileSync(join(scen, 'fifo.lspci'), DUMP_LIMIT), /is a FIFO/);
});

test('a file over the limit is refused before it is read; one that is larger than it claims is cut off at the limit', async () => {
  const big = join(dir, 'big.lspci');
  writeFileSync(big, '');
  truncateSync(big, DUMP_LIMIT + 1); // sparse: costs no disk
  const p = await problem(nodeFiles.readFile(big, DUMP_LIMIT));
  assert.equal(p.problem, 'too-large');
  assert.match(p.message, /is 16\.0 MiB \(16777217 bytes\); files read here are limited to 16 MiB/);
  // /proc files say size 0 and hold more: the bound holds during the read.
  const proc = await problem(nodeFiles.readFile('/proc/self/status', 16));
  assert.equal(proc.problem, 'too-large');
  assert.throws(() => nodeFiles.readFileSync('/proc/self/status', 16), /larger than the limit/);
  assert.ok((await nodeFiles.readFile('/proc/self/status', 1 << 20)).length > 16);
});

test('confinement: inside the folder yes (also "..foo"), outside no, and symbolic links are followed before deciding', async () => {
  assert.equal(decodeText(await readConfined(nodeFiles, 'a.lspci', c, DUMP_LIMIT)), '00:00.0 x\n');
  assert.equal(decodeText(await readConfined(nodeFiles, '..foo.lspci', c, DUMP_LIMIT)), 'dots\n');
  assert.equal(decodeText(await readConfined(nodeFiles, join(scen, 'a.lspci'), c, DUMP_LIMIT)), '00:00.0 x\n');
  assert.equal(decodeText(await readConfined(nodeFiles, 'link-in.lspci', c, DUMP_LIMIT)), '00:00.0 x\n');
  for (const p of ['../outside.lspci', join(dir, 'outside.lspci'), '/etc/passwd', 'sub/../../outside.lspci']) {
    const r = await problem(readConfined(nodeFiles, p, c, DUMP_LIMIT));
    assert.equal(r.problem, 'outside', p);
    assert.match(r.message, /is outside the scenario's folder/);
  }
  const out = await problem(readConfined(nodeFiles, 'link-out.lspci', c, DUMP_LIMIT));
  assert.equal(out.problem, 'outside');
  assert.match(out.message, /^link-out\.lspci: resolves \(through a symbolic link\) to .*outside\.lspci, outside the scenario's folder$/);
  const zero = await problem(readConfined(nodeFiles, 'zero.lspci', c, DUMP_LIMIT));
  assert.equal(zero.problem, 'outside');
  assert.throws(() => readConfinedSync(nodeFiles, 'zero.lspci', c, DUMP_LIMIT), /resolves \(through a symbolic link\) to \/dev\/zero/);
  // A workspace folder widens the roots, and only by itself.
  const wide = confinement(scen, [dir]);
  assert.equal(decodeText(await readConfined(nodeFiles, '../outside.lspci', wide, DUMP_LIMIT)), 'secret\n');
  assert.equal((await problem(readConfined(nodeFiles, '/etc/passwd', wide, DUMP_LIMIT))).problem, 'outside');
  assert.equal(isInside('/a/b', '/a/b/..c'), true);
  assert.equal(isInside('/a/b', '/a/bc'), false);
});

test("dump reads become the checker's diagnostics: missing, outside and unreadable each have their own code", async () => {
  const reads = await readDumps(nodeFiles, ['a.lspci', 'none.lspci', '../outside.lspci', 'zero.lspci', 'fifo.lspci', 'folder.lspci'], c);
  const codes = Object.fromEntries([...reads].map(([p, r]) => [p, 'bytes' in r ? 'ok' : r.code]));
  assert.deepEqual(codes, {
    'a.lspci': 'ok',
    'none.lspci': 'dump-missing',
    '../outside.lspci': 'dump-outside',
    'zero.lspci': 'dump-outside',
    'fifo.lspci': 'dump-unreadable',
    'folder.lspci': 'dump-unreadable',
  });
  const fifo = reads.get('fifo.lspci')!;
  assert.ok(!('bytes' in fifo));
  assert.equal(fifo.message, "cannot read dump file 'fifo.lspci': is a FIFO (named pipe), not a file");
});

test('text is UTF-8 with a byte-order mark dropped', () => {
  assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x76, 0x6d])), 'vm');
  assert.equal(decodeText(new Uint8Array([0xc3, 0xa9])), 'é');
});

test('folders are made top down, and one that cannot be made is an error naming it (no hang under /proc)', { timeout: 10_000 }, async () => {
  // Node's recursive mkdir never returns for /proc/self/x (it retries the parent for ever); a
  // listings folder or a file written there would have hung the adapter or the CLI (hence the timeout).
  const deep = join(dir, 'made', 'a', 'b');
  await nodeFiles.writeFile(join(deep, 'f.c'), 'x');
  assert.equal(readFileSync(join(deep, 'f.c'), 'utf8'), 'x');
  nodeFiles.writeFileSync(join(deep, 'g.c'), 'y');
  assert.equal(readFileSync(join(deep, 'g.c'), 'utf8'), 'y');
  makeFolders(deep); // already there: nothing to do
  const proc = await problem(nodeFiles.writeFile('/proc/self/vpci-lab-test/f.c', 'x'));
  assert.deepEqual(proc, {
    problem: 'unreadable',
    message: '/proc/self/vpci-lab-test: cannot create this folder: the file system there does not take new folders',
  });
  assert.throws(() => makeFolders('/proc/self/vpci-lab-test/a'), /^Error: \/proc\/self\/vpci-lab-test: cannot create this folder/);
  // A file where a folder should be: the error names the file, however deep the path goes on.
  writeFileSync(join(dir, 'plain'), '');
  for (const p of [join(dir, 'plain'), join(dir, 'plain', 'sub'), join(dir, 'plain', 'sub', 'x')])
    assert.throws(
      () => makeFolders(p),
      (e: unknown) => e instanceof FileError && e.message === `${join(dir, 'plain')}: is a file, not a folder`,
    );
  assert.throws(
    () => makeFolders(join(scen, 'fifo.lspci')),
    (e: unknown) => e instanceof FileError && e.message === `${join(scen, 'fifo.lspci')}: is a FIFO (named pipe), not a folder`,
  );
  // A dangling symbolic link where a folder is to be: named as that, not 'cannot create this folder: already exists'.
  symlinkSync('nowhere', join(dir, 'dangling'));
  for (const p of [join(dir, 'dangling'), join(dir, 'dangling', 'sub')])
    assert.throws(
      () => makeFolders(p),
      (e: unknown) =>
        e instanceof FileError && e.message === `${join(dir, 'dangling')}: is a symbolic link to nowhere, which does not exist: no folder can be made there`,
    );
  // `link/..` is the parent of where the link points, as the system reads it (not the folder the link is in).
  mkdirSync(join(dir, 'real', 'inner'), { recursive: true });
  symlinkSync(join(dir, 'real', 'inner'), join(dir, 'to-inner'));
  nodeFiles.writeFileSync(`${dir}/to-inner/../beside/h.c`, 'z'); // not join(), which would drop `to-inner/..` as text
  assert.equal(readFileSync(join(dir, 'real', 'beside', 'h.c'), 'utf8'), 'z');
});
