// The shipped stdio adapter, as VS Code runs it with `vpci.adapter: stdio`:
// `node dist/adapter.js` (adapter/boot.ts) loading dist/adapter-core.js with
// its V8 code cache. Runs a copy of the two bundles in a temporary folder so
// the cache it writes is the test's own. Skipped when no bundle was built
// (`npm test` builds first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { hotPlugText } from '../hot-plug-scenario';

const DIST = resolve('dist');
const built = existsSync(join(DIST, 'adapter.js')) && existsSync(join(DIST, 'adapter-core.js'));
const skip = built ? false : 'no dist/adapter.js: run `npm run build` first';
const CX3 = resolve('test/adapter/fixtures/cx3.vpci');

let dir = '';
let listings = '';
before(() => {
  if (!built) return;
  dir = mkdtempSync(join(tmpdir(), 'vpci-stdio-'));
  listings = mkdtempSync(join(tmpdir(), 'vpci-stdio-listings-'));
  for (const f of ['adapter.js', 'adapter-core.js', 'cli.js']) if (existsSync(join(DIST, f))) copyFileSync(join(DIST, f), join(dir, f));
});
/** Adapters this file spawned itself, killed at the end whatever happened (a hung one must not hang the run). */
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (listings) rmSync(listings, { recursive: true, force: true });
});

const caches = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.cache'));

/** Writes DAP requests to the stdin of an adapter process this file drives by hand. */
function sender(p: ChildProcess): (seq: number, command: string, args: object) => void {
  return (seq, command, args) => p.stdin!.write(frameOf(seq, command, args));
}

/** A DAP request as a client frames it. */
function frameOf(seq: number, command: string, args: object = {}): string {
  const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
  return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
}

/** initialize, launch of the CX-3 fixture (requests 1–3), configurationDone: the adapter then stops at the attach entry. */
function launchRaw(send: ReturnType<typeof sender>): void {
  send(1, 'initialize', { adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true });
  send(2, 'launch', { scenario: CX3, listingsDir: listings });
  send(3, 'configurationDone', {});
}

/** One session through the stdio bundle: first stop at the attach entry, one stack trace, `steps` steps in, disconnect. */
async function session(env: NodeJS.ProcessEnv = process.env, steps = 0, listingsDir = listings): Promise<DebugProtocol.StackFrame> {
  const dc = new DebugClient(process.execPath, join(dir, 'adapter.js'), 'vpci', { env }, true);
  dc.defaultTimeout = 20_000;
  await dc.start();
  try {
    await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.launchRequest({ scenario: CX3, listingsDir } as DebugProtocol.LaunchRequestArguments);
    await dc.configurationDoneRequest();
    const s = await stopped;
    assert.equal(s.body.reason, 'entry');
    const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
    let tid = s.body.threadId!;
    for (let i = 0; i < steps; i++) {
      const next = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await dc.stepInRequest({ threadId: tid });
      tid = (await next).body.threadId ?? tid;
      await dc.stackTraceRequest({ threadId: tid });
    }
    return st.body.stackFrames[0]!;
  } finally {
    // The adapter may write its cache on the way out: wait for the process to end, not just for stop().
    const proc = (dc as unknown as { _adapterProcess?: ChildProcess })._adapterProcess;
    const exited = proc && proc.exitCode === null ? new Promise((res) => proc.once('exit', res)) : undefined;
    await dc.stop();
    await exited;
  }
}

test('the stdio bundle stops at vmbus_pcib_attach and writes its code cache after that stop', { skip, timeout: 30_000 }, async () => {
  assert.deepEqual(caches(), []);
  const top = await session();
  assert.equal(top.name, 'vmbus_pcib_attach');
  assert.match(top.source?.path ?? '', /vmbus_pcib\.c$/);
  const [c] = caches();
  assert.ok(c, 'a code cache next to the bundle');
  assert.match(c, /^adapter-core\.[0-9a-f]{16}\..+\.cache$/);
  assert.ok(statSync(join(dir, c)).size > 100_000, 'the cache holds the compiled launch path');
});

test('a second launch runs from the cache and leaves it as it is', { skip, timeout: 30_000 }, async () => {
  const [c] = caches();
  assert.ok(c);
  const before = readFileSync(join(dir, c));
  const top = await session();
  assert.equal(top.name, 'vmbus_pcib_attach');
  assert.deepEqual(readFileSync(join(dir, c)), before);
});

test('a process that goes on stepping rewrites the cache once, to cover the step path too; later ones leave it', { skip, timeout: 30_000 }, async () => {
  const [c] = caches();
  assert.ok(c);
  const before = readFileSync(join(dir, c));
  assert.equal(before.readDoubleLE(16), 1, 'the launch cache covers the first stop');
  await session(process.env, 12);
  const after = readFileSync(join(dir, c));
  assert.ok(after.readDoubleLE(16) >= 8, `covers ${after.readDoubleLE(16)} stops`);
  assert.deepEqual(after.subarray(0, 16), before.subarray(0, 16), 'the same bundle');
  assert.ok(after.length > before.length, 'the functions of the steps are in it');
  await session(process.env, 12);
  assert.deepEqual(readFileSync(join(dir, c)), after, 'a cache that covers stepping is not written again');
  await session();
  assert.deepEqual(readFileSync(join(dir, c)), after);
});

test('a corrupt cache is rejected by V8, the session runs as usual, and a good cache replaces it', { skip, timeout: 30_000 }, async () => {
  const [c] = caches();
  assert.ok(c);
  const junk = Buffer.alloc(4096, 0x5a);
  writeFileSync(join(dir, c), junk);
  const top = await session();
  assert.equal(top.name, 'vmbus_pcib_attach');
  const now = readFileSync(join(dir, c));
  assert.notDeepEqual(now, junk);
  assert.ok(now.length > 100_000);
});

test(
  'a cache file far larger than any cache (a sparse 5 GiB one) is ignored unread: the adapter starts, and a good cache replaces it',
  { skip, timeout: 30_000 },
  async () => {
    const [c] = caches();
    assert.ok(c);
    writeFileSync(join(dir, c), '');
    truncateSync(join(dir, c), 5 * 1024 ** 3);
    const top = await session();
    assert.equal(top.name, 'vmbus_pcib_attach');
    const size = statSync(join(dir, c)).size;
    assert.ok(size > 100_000 && size < 64 * 1024 * 1024, `a fresh cache (${size} bytes)`);
  },
);

test('a cache made for the bundle as it was before a change on disk is not used, and is replaced', { skip, timeout: 30_000 }, async () => {
  const [c] = caches();
  assert.ok(c);
  const before = readFileSync(join(dir, c));
  // the same bytes, but a different file on disk as far as the stamp goes: a newer mtime
  const later = new Date(statSync(join(dir, 'adapter-core.js')).mtimeMs + 60_000);
  utimesSync(join(dir, 'adapter-core.js'), later, later);
  const top = await session();
  assert.equal(top.name, 'vmbus_pcib_attach');
  const now = readFileSync(join(dir, c));
  assert.notDeepEqual(now.subarray(0, 16), before.subarray(0, 16), 'the stamp names the bundle as it is now');
  assert.equal(now.readDoubleLE(8), statSync(join(dir, 'adapter-core.js')).mtimeMs);
});

test('VPCI_LAB_NO_CODE_CACHE=1 runs without reading or writing a cache', { skip, timeout: 30_000 }, async () => {
  for (const f of caches()) rmSync(join(dir, f));
  const top = await session({ ...process.env, VPCI_LAB_NO_CODE_CACHE: '1' });
  assert.equal(top.name, 'vmbus_pcib_attach');
  assert.deepEqual(caches(), []);
});

test('disconnect ends the stdio adapter process with exit code 0', { skip, timeout: 30_000 }, async () => {
  const p = spawn(process.execPath, [join(dir, 'adapter.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(p);
  const exited = new Promise<number | null>((res) => p.once('exit', (code) => res(code)));
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const send = sender(p);
  send(1, 'initialize', { adapterID: 'vpci' });
  send(2, 'disconnect', {});
  // stdin stays open: the exit comes from the disconnect, not from end of input.
  assert.equal(await exited, 0);
  children.delete(p);
  assert.match(out, /"command":"disconnect"[^}]*"success":true|"success":true[^}]*"command":"disconnect"/);
  p.stdin.destroy();
});

/** Frames read so far from an adapter's stdout. */
function framesIn(out: Buffer): { request_seq?: number; command?: string; success?: boolean; event?: string; body?: { data?: string } }[] {
  const msgs: ReturnType<typeof framesIn> = [];
  let at = 0;
  for (;;) {
    const h = out.indexOf('\r\n\r\n', at);
    if (h < 0) return msgs;
    const len = Number(/Content-Length: (\d+)/.exec(out.toString('latin1', at, h))![1]);
    if (out.length < h + 4 + len) return msgs;
    msgs.push(JSON.parse(out.toString('utf8', h + 4, h + 4 + len)) as (typeof msgs)[number]);
    at = h + 4 + len;
  }
}

/** Runs the stdio adapter with `stdin`, collects its output, resolves with its exit code and the frames it wrote. */
function runWith(stdin: 'pipe' | number, feed?: (p: ChildProcess) => void): Promise<{ code: number | null; msgs: ReturnType<typeof framesIn> }> {
  const p = spawn(process.execPath, [join(dir, 'adapter.js')], { stdio: [stdin, 'pipe', 'inherit'] });
  children.add(p);
  const chunks: Buffer[] = [];
  p.stdout!.on('data', (d: Buffer) => chunks.push(d));
  feed?.(p);
  return new Promise((res) =>
    p.once('close', (code) => {
      children.delete(p);
      res({ code, msgs: framesIn(Buffer.concat(chunks)) });
    }),
  );
}

test(
  'a pipe is read through one reused buffer: 3,000 requests in one write, frames across every read boundary, are all answered in order',
  { skip, timeout: 30_000 },
  async () => {
    const N = 3000;
    const { code, msgs } = await runWith('pipe', (p) => {
      let all = frameOf(1, 'initialize', { adapterID: 'vpci' });
      for (let i = 0; i < N; i++) all += frameOf(2 + i, 'threads');
      // A request larger than one read (64 KiB), then the end.
      all += frameOf(2 + N, 'evaluate', { expression: `"${'x'.repeat(200_000)}"`, context: 'repl' }) + frameOf(3 + N, 'disconnect');
      assert.ok(Buffer.byteLength(all) > 4 * 64 * 1024);
      p.stdin!.write(all);
    });
    assert.equal(code, 0);
    const replies = msgs.filter((m) => m.request_seq !== undefined);
    assert.deepEqual(
      replies.map((m) => m.request_seq),
      Array.from({ length: N + 3 }, (_, i) => 1 + i),
    );
    assert.ok(replies.slice(1, N + 1).every((m) => m.command === 'threads' && m.success === true));
    assert.equal(replies[N + 1]!.command, 'evaluate', 'the 200 KB request was read whole and answered');
    assert.deepEqual(
      msgs.filter((m) => m.event === 'output' && /malformed/.test(JSON.stringify(m))),
      [],
      'no frame was broken by a read boundary',
    );
  },
);

test('stdin from a shell pipe (a FIFO, not a socket) is read the same way: 2,000 requests answered, exit 0 at its end', { skip, timeout: 30_000 }, async () => {
  const p = spawn('sh', ['-c', `cat | exec "${process.execPath}" "${join(dir, 'adapter.js')}"`], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(p);
  const chunks: Buffer[] = [];
  p.stdout.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<number | null>((res) => p.once('close', (code) => res(code)));
  let all = frameOf(1, 'initialize', { adapterID: 'vpci' });
  for (let i = 0; i < 2000; i++) all += frameOf(2 + i, 'threads');
  p.stdin.end(all);
  assert.equal(await closed, 0, 'the end of the pipe ends the adapter');
  children.delete(p);
  const replies = framesIn(Buffer.concat(chunks)).filter((m) => m.request_seq !== undefined);
  assert.deepEqual(
    replies.map((m) => m.request_seq),
    Array.from({ length: 2001 }, (_, i) => 1 + i),
  );
});

test('a broken last frame at the end of input is still answered before the adapter exits', { skip, timeout: 30_000 }, async () => {
  const truncated = JSON.stringify({ seq: 2, type: 'request', command: 'threads' });
  const { code, msgs } = await runWith('pipe', (p) => {
    p.stdin!.write(frameOf(1, 'initialize', { adapterID: 'vpci' }));
    // Content-Length says more than comes before the input ends.
    p.stdin!.end(`Content-Length: ${truncated.length + 50}\r\n\r\n${truncated}`);
  });
  assert.equal(code, 0);
  const refused = msgs.find((m) => m.request_seq === 2);
  assert.ok(refused, 'the request the broken frame held is answered');
  assert.equal(refused.success, false);
  assert.ok(
    msgs.some((m) => m.event === 'output' && /malformed DAP input/.test(JSON.stringify(m))),
    'and the problem is reported',
  );
});

test(
  'a client that closes stdin at the end stop, without a disconnect, still gets the verdict before the adapter exits',
  { skip, timeout: 30_000 },
  async () => {
    const { code, msgs } = await runWith('pipe', (p) => {
      const send = sender(p);
      send(1, 'initialize', { adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true });
      send(2, 'launch', { scenario: CX3, listingsDir: listings, stopOnEntry: false });
      send(3, 'configurationDone', {});
      // Hang up as soon as the run's end stop arrives (the verdict is not out yet: it follows the stop's views).
      let seen = Buffer.alloc(0);
      p.stdout!.on('data', (d: Buffer) => {
        seen = Buffer.concat([seen, d]);
        if (framesIn(seen).some((m) => m.event === 'stopped' && JSON.stringify(m).includes('"reason":"end"'))) p.stdin!.end();
      });
    });
    assert.equal(code, 0);
    const events = msgs.filter((m) => m.event === 'stopped' || m.event === 'vpci/verdict').map((m) => m.event);
    assert.deepEqual(events, ['stopped', 'vpci/verdict']);
  },
);

test(
  'the client closing stdin ends the adapter with exit code 0; stdin from a file (not a pipe) is read as a stream, to its end',
  { skip, timeout: 30_000 },
  async () => {
    const closed = await runWith('pipe', (p) => {
      p.stdin!.write(frameOf(1, 'initialize', { adapterID: 'vpci' }));
      p.stdin!.end();
    });
    assert.equal(closed.code, 0);
    assert.deepEqual(
      closed.msgs.filter((m) => m.command).map((m) => m.command),
      ['initialize'],
    );
    const file = join(dir, 'requests.dap');
    writeFileSync(file, frameOf(1, 'initialize', { adapterID: 'vpci' }) + frameOf(2, 'threads'));
    const fd = openSync(file, 'r');
    try {
      const fromFile = await runWith(fd);
      assert.equal(fromFile.code, 0, 'the end of the file ends the session');
      assert.deepEqual(
        fromFile.msgs.filter((m) => m.command).map((m) => [m.request_seq, m.command, m.success]),
        [
          [1, 'initialize', true],
          [2, 'threads', true],
        ],
      );
    } finally {
      closeSync(fd);
    }
  },
);

test("the stdio adapter steps without V8's optimizing compiler, and turns it on when a run goes long", { skip, timeout: 60_000 }, async () => {
  // --trace-opt makes V8 print each optimizing compile ("[compiling method …") to stdout, between the frames.
  const scenario = join(dir, 'hot-plug-30.vpci');
  writeFileSync(scenario, hotPlugText(30));
  const p = spawn(process.execPath, ['--trace-opt', join(dir, 'adapter.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, VPCI_LAB_NO_CODE_CACHE: '1' }, // a cache made under --trace-opt is for no one else
  });
  children.add(p);
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const count = (re: RegExp): number => (out.match(re) ?? []).length;
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) await new Promise((r) => setTimeout(r, 10));
  };
  const send = sender(p);
  send(1, 'initialize', { adapterID: 'vpci' });
  send(2, 'launch', { scenario, listingsDir: listings, stopOnEntry: true });
  send(3, 'configurationDone', {});
  await until(() => count(/"event":"stopped"/g) === 1);
  const compiles = /\[compiling method/g;
  // The compiler is switched off once the first stop has been sent (before it, the launch runs as Node started).
  await new Promise((r) => setTimeout(r, 100));
  const atFirstStop = count(compiles);
  // Eight steps through the driver's attach, one of them ~2,800 emulator steps long (the next one runs to the end).
  for (let i = 0; i < 8; i++) {
    send(4 + i, 'next', { threadId: 1 });
    await until(() => count(/"event":"stopped"/g) === 2 + i);
  }
  assert.ok(Number([...out.matchAll(/"position":(\d+)/g)].pop()?.[1]) > 2000, 'the steps ran thousands of emulator steps');
  assert.equal(count(compiles), atFirstStop, 'no optimizing compile through the steps');
  send(100, 'continue', { threadId: 1 });
  await until(() => /"reason":"end"/.test(out));
  assert.ok(count(compiles) > atFirstStop, 'a run of hundreds of thousands of steps is optimized');
  p.kill();
  children.delete(p);
});

test('a code cache written after a long run (optimizing compiler on) is the one the next launch uses', { skip, timeout: 60_000 }, async () => {
  const own = mkdtempSync(join(tmpdir(), 'vpci-stdio-long-'));
  try {
    for (const f of ['adapter.js', 'adapter-core.js']) copyFileSync(join(dir, f), join(own, f));
    const scenario = join(own, 'hot-plug-30.vpci');
    writeFileSync(scenario, hotPlugText(30));
    const run = async (toEnd: boolean): Promise<void> => {
      const p = spawn(process.execPath, [join(own, 'adapter.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.add(p);
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      const until = async (re: RegExp): Promise<void> => {
        while (!re.test(out)) await new Promise((r) => setTimeout(r, 10));
      };
      const send = sender(p);
      send(1, 'initialize', { adapterID: 'vpci' });
      send(2, 'launch', { scenario, listingsDir: listings, stopOnEntry: true });
      send(3, 'configurationDone', {});
      await until(/"event":"stopped"/);
      if (toEnd) {
        send(4, 'continue', { threadId: 1 });
        await until(/"reason":"end"/);
      }
      // SIGTERM: the cache is written on the way out.
      const exited = new Promise((res) => p.once('exit', res));
      p.kill();
      await exited;
      children.delete(p);
    };
    const cache = (): Buffer | undefined => {
      const f = readdirSync(own).find((x) => x.endsWith('.cache'));
      return f ? readFileSync(join(own, f)) : undefined;
    };
    await run(true);
    const first = cache();
    assert.ok(first, 'written by the process that ran long');
    await run(false);
    assert.deepEqual(cache(), first, 'V8 accepted it: the next launch did not make another');
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});

test('SIGTERM is caught only while a code cache is due: a process with nothing to write dies of the signal at once', { skip, timeout: 60_000 }, async () => {
  const own = mkdtempSync(join(tmpdir(), 'vpci-stdio-term-'));
  try {
    for (const f of ['adapter.js', 'adapter-core.js']) copyFileSync(join(dir, f), join(own, f));
    /** Launches to the first stop, sends SIGTERM, and reports how the process ended. */
    const killedAtFirstStop = async (): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
      const p = spawn(process.execPath, [join(own, 'adapter.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.add(p);
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => p.once('exit', (code, signal) => res({ code, signal })));
      let out = '';
      const stopped = new Promise<void>((res) =>
        p.stdout.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          if (/"event":"stopped"/.test(out)) res();
        }),
      );
      launchRaw(sender(p));
      await stopped;
      p.kill('SIGTERM');
      const how = await ended;
      children.delete(p);
      return how;
    };
    const cache = (): Buffer | undefined => {
      const f = readdirSync(own).find((x) => x.endsWith('.cache'));
      return f ? readFileSync(join(own, f)) : undefined;
    };
    // No cache yet: one is due from the first stop, so SIGTERM is caught, the cache written, and the exit is 128 + 15.
    assert.deepEqual(await killedAtFirstStop(), { code: 143, signal: null });
    const first = cache();
    assert.ok(first, 'the first process wrote the cache on its way out');
    // The cache covers a launch: nothing is due at the first stop, and the signal's default action ends the process.
    assert.deepEqual(await killedAtFirstStop(), { code: null, signal: 'SIGTERM' });
    assert.deepEqual(cache(), first, 'and nothing was written');
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});

test('vpci-lab dap over stdio is the same adapter, started through the loader with its code cache', { skip, timeout: 30_000 }, async () => {
  for (const f of caches()) rmSync(join(dir, f));
  const p = spawn(process.execPath, [join(dir, 'cli.js'), 'dap'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(p);
  const exited = new Promise<number | null>((res) => p.once('exit', (code) => res(code)));
  let out = '';
  const stopped = new Promise<void>((res) =>
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (/"event":"stopped"/.test(out)) res();
    }),
  );
  const send = sender(p);
  launchRaw(send);
  await stopped;
  assert.match(out, /"reason":"entry"/);
  send(4, 'disconnect', {});
  assert.equal(await exited, 0);
  children.delete(p);
  assert.equal(caches().length, 1, 'the adapter bundle ran through the loader, which wrote its cache after the first stop');
});

test(
  'a client that stops reading loses nothing: replies past a full pipe arrive whole and in order once it reads again',
  { skip, timeout: 60_000 },
  async () => {
    const p = spawn(process.execPath, [join(dir, 'adapter.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(p);
    const exited = new Promise<number | null>((res) => p.once('exit', (code) => res(code)));
    const chunks: Buffer[] = [];
    let stoppedSeen: () => void = () => undefined;
    const stopped = new Promise<void>((res) => (stoppedSeen = res));
    const onData = (d: Buffer): void => {
      chunks.push(d);
      if (d.includes('"event":"stopped"')) stoppedSeen();
    };
    p.stdout.on('data', onData);
    const send = sender(p);
    launchRaw(send);
    await stopped;
    // The client stops reading; 200 replies of ~5.5 KB each (a config space in base64) are far more than a pipe holds.
    p.stdout.pause();
    const N = 200;
    for (let i = 0; i < N; i++) send(10 + i, 'readMemory', { memoryReference: 'cfg/nic0/0', offset: 0, count: 4096 });
    send(10 + N, 'threads', {});
    await new Promise((r) => setTimeout(r, 500));
    p.stdout.resume();
    // Read every frame; the threads reply comes after all the readMemory ones.
    const frames = async (): Promise<ReturnType<typeof framesIn>> => {
      for (;;) {
        const out = framesIn(Buffer.concat(chunks));
        if (out.some((m) => m.command === 'threads')) return out;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const msgs = await frames();
    const replies = msgs.filter((m) => m.command === 'readMemory' || m.command === 'threads').map((m) => m.request_seq);
    assert.deepEqual(
      replies,
      Array.from({ length: N + 1 }, (_, i) => 10 + i),
      'every reply, once, in the order asked',
    );
    const first = msgs.find((m) => m.command === 'readMemory')!;
    assert.equal(Buffer.from(first.body!.data!, 'base64').length, 4096);
    assert.ok(msgs.filter((m) => m.command === 'readMemory').every((m) => m.body?.data === first.body!.data));
    send(11 + N, 'disconnect', {});
    assert.equal(await exited, 0);
    children.delete(p);
  },
);

test(
  "a listings folder stamped with this build's digest is taken as it stands; one stamped by another build is compared and written afresh",
  { skip, timeout: 60_000 },
  async () => {
    const digest = readFileSync(join('listings', 'listings.digest'), 'utf8');
    const ld = mkdtempSync(join(tmpdir(), 'vpci-stdio-stamp-'));
    try {
      // An empty folder: the listings are written into it, and last the stamp the build wrote beside its own.
      const top = await session(process.env, 0, ld);
      const file = top.source!.path!;
      assert.ok(file.startsWith(ld + sep), file);
      const stamp = join(ld, 'listings.digest');
      assert.equal(readFileSync(stamp, 'utf8'), digest);
      const text = readFileSync(file, 'utf8');
      assert.equal(text, readFileSync(join('listings', relative(ld, file)), 'utf8'));
      // Stamped as this build's: the stamp alone decides, the listing files are not read. (A listing
      // changed by hand stays as it is; VS Code keeps the extension's listings read-only.)
      writeFileSync(file, text + '/* changed */\n');
      assert.equal((await session(process.env, 0, ld)).source?.path, file);
      assert.equal(readFileSync(file, 'utf8'), text + '/* changed */\n');
      // Stamped by another build: the files are compared, found different and written afresh, stamp last.
      writeFileSync(stamp, '42-0-0000000000000000\n');
      assert.equal((await session(process.env, 0, ld)).source?.path, file);
      assert.equal(readFileSync(file, 'utf8'), text);
      assert.equal(readFileSync(stamp, 'utf8'), digest);
    } finally {
      rmSync(ld, { recursive: true, force: true });
    }
  },
);
