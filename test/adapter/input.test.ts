// Bad DAP input at the door, over real DAP traffic: malformed frames to the
// stdio adapter (it reports them and keeps going) and to a TCP session (garbage
// gets the client told, then detached); null and mistyped arguments; memory
// offsets that are fractions or lie outside a region; 64-bit expressions;
// custom requests with bad numbers. Every answer is one line naming the
// argument, with no stack and no file paths of the adapter.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, LISTINGS } from './harness';
import { runTcp } from '../../adapter/server';

const SCENARIO = resolve('test/adapter/fixtures/cx3.vpci');
const ADAPTER = resolve('dist/adapter.js');
const h = adapterTests();

type Msg = {
  type: string;
  seq: number;
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: { category?: string; output?: string };
};

/** A DAP client that writes raw bytes and reads frames: for sending what a proper client never would. */
class Raw {
  private buf = Buffer.alloc(0);
  readonly msgs: Msg[] = [];
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  constructor(readonly write: (s: string | Buffer) => void) {}
  feed(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const len = Number(/Content-Length: (\d+)/.exec(this.buf.subarray(0, h).toString())![1]);
      if (this.buf.length < h + 4 + len) return;
      const m = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString('utf8')) as Msg;
      this.buf = this.buf.subarray(h + 4 + len);
      this.msgs.push(m);
      for (const w of [...this.waiters])
        if (w.pred(m)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
    }
  }
  next(pred: (m: Msg) => boolean, ms = 20_000): Promise<Msg> {
    const seen = this.msgs.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`timed out; got ${JSON.stringify(this.msgs).slice(0, 2000)}`)), ms);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), res(m)) });
    });
  }
  send(seq: number, command: string, args?: unknown): void {
    const json = JSON.stringify({ seq, type: 'request', command, ...(args === undefined ? {} : { arguments: args }) });
    this.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }
  response(seq: number): Promise<Msg> {
    return this.next((m) => m.type === 'response' && m.request_seq === seq);
  }
  important(n: number): Msg[] {
    return this.msgs.filter((m) => m.event === 'output' && m.body?.category === 'important').slice(0, n);
  }
}

const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.kill()));

test(
  'stdio adapter: malformed frames are reported as important output, the stream resynchronises, the process lives',
  { skip: existsSync(ADAPTER) ? false : 'no dist/adapter.js', timeout: 60_000 },
  async () => {
    const p = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(p);
    const c = new Raw((s) => p.stdin.write(s));
    p.stdout.on('data', (d: Buffer) => c.feed(d));
    c.send(1, 'initialize', { adapterID: 'vpci' });
    // pathFormat left out means 'path' (DAP's default).
    assert.equal((await c.response(1)).success, true);
    // Not JSON, a header that is none, a Content-Length too short, one too long: then a good request.
    c.write('Content-Length: 5\r\n\r\n{"x":');
    c.write('hello adapter\r\n\r\n');
    const bad = JSON.stringify({ seq: 3, type: 'request', command: 'threads' });
    c.write(`Content-Length: ${bad.length - 4}\r\n\r\n${bad}`);
    c.send(4, 'threads');
    const ok = await c.response(4);
    assert.equal(ok.success, true);
    const refused = await c.response(3);
    assert.equal(refused.success, false);
    assert.match(refused.message!, /^threads: not run, its frame was malformed/);
    const long = JSON.stringify({ seq: 5, type: 'request', command: 'threads' });
    c.write(`Content-Length: ${long.length + 40}\r\n\r\n${long}`);
    c.send(6, 'threads');
    assert.equal((await c.response(6)).success, true);
    assert.equal((await c.response(5)).success, false);
    const said = c.msgs.filter((m) => m.event === 'output' && m.body?.category === 'important').map((m) => m.body!.output!);
    assert.ok(said.length >= 3, said.join(''));
    for (const s of said) assert.match(s, /^vPCI Lab: malformed DAP input: .*; skipped to the next Content-Length header\.\n$/);
    assert.equal(p.exitCode, null);
  },
);

/** A client connected to the TCP server on `port`: its socket, what it reads, and when the socket closes. */
async function tcpClient(port: number): Promise<{ sock: Socket; c: Raw; closed: Promise<void> }> {
  const sock: Socket = connect(port, '127.0.0.1');
  const c = new Raw((s) => sock.write(s));
  sock.on('data', (d: Buffer) => c.feed(d));
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  await new Promise<void>((r) => sock.on('connect', () => r()));
  return { sock, c, closed };
}

test('TCP: a client sending only garbage is told, then detached; the server goes on serving', { timeout: 60_000 }, async () => {
  let port = 0;
  const server = await runTcp(0, (x) => (port = x));
  try {
    const { sock, c, closed } = await tcpClient(port);
    const junk = Buffer.alloc(256 * 1024, 'x');
    for (let i = 0; i < 6; i++) sock.write(junk);
    await closed;
    const said = c.msgs
      .filter((m) => m.event === 'output')
      .map((m) => m.body!.output!)
      .join('');
    assert.match(said, /bytes of input without a single valid DAP frame; closing the connection/);
    // Another client is served as usual.
    const s2 = connect(port, '127.0.0.1');
    try {
      const c2 = new Raw((s) => s2.write(s));
      s2.on('data', (d: Buffer) => c2.feed(d));
      c2.send(1, 'initialize', { adapterID: 'vpci', pathFormat: 'path' });
      assert.equal((await c2.response(1)).success, true);
    } finally {
      s2.destroy();
    }
  } finally {
    server.close();
  }
});

test('TCP: a client that half-closes at the end stop, without a disconnect, still gets the verdict', { timeout: 60_000 }, async () => {
  let port = 0;
  const server = await runTcp(0, (x) => (port = x));
  try {
    const { sock, c, closed } = await tcpClient(port);
    c.send(1, 'initialize', { adapterID: 'vpci', pathFormat: 'path' });
    await c.response(1);
    c.send(2, 'launch', { scenario: SCENARIO, listingsDir: LISTINGS, stopOnEntry: false });
    await c.next((m) => m.event === 'initialized');
    c.send(3, 'configurationDone', {});
    await c.next((m) => m.event === 'stopped');
    // Our side ends here (the verdict is not out yet: it follows the stop's views); the server's follows.
    sock.end();
    await closed;
    assert.deepEqual(
      c.msgs.filter((m) => m.event === 'stopped' || m.event === 'vpci/verdict').map((m) => m.event),
      ['stopped', 'vpci/verdict'],
    );
  } finally {
    server.close();
  }
});

/** The error of a request expected to fail, checked for the things a user must never see. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    assert.doesNotMatch(msg, /\n|\bat \w+ \(|\.ts:\d|\.js:\d|node_modules|\/dist\//, msg);
    return msg;
  }
  assert.fail('expected an error response');
}

test('null, mistyped, fractional and oversized arguments get an error naming the argument, and the session lives on', async () => {
  const dc = h.client();
  await launch(dc, SCENARIO, { stopOnEntry: true });
  const cases: [string, unknown, RegExp][] = [
    ['setBreakpoints', { source: { path: SCENARIO }, breakpoints: [null] }, /^setBreakpoints: argument 'breakpoints\[0\]' must be an object \(got null\)$/],
    [
      'setBreakpoints',
      { source: { path: SCENARIO }, breakpoints: [{ line: 3 }, { line: '9' }] },
      /argument 'breakpoints\[1\]\.line' must be an integer \(got "9"\)/,
    ],
    ['setBreakpoints', { source: { path: SCENARIO }, breakpoints: [{ line: 2.5 }] }, /'breakpoints\[0\]\.line' must be an integer \(got 2\.5\)/],
    ['setBreakpoints', { source: null }, /argument 'source' must be an object \(got null\)/],
    ['setFunctionBreakpoints', { breakpoints: [{ name: 'x' }, null] }, /^setFunctionBreakpoints: argument 'breakpoints\[1\]' must be an object \(got null\)$/],
    ['setFunctionBreakpoints', { breakpoints: [{ name: 7 }] }, /'breakpoints\[0\]\.name' must be a string \(got 7\)/],
    ['setDataBreakpoints', { breakpoints: [null] }, /^setDataBreakpoints: argument 'breakpoints\[0\]' must be an object/],
    [
      'setDataBreakpoints',
      { breakpoints: [{ dataId: 'x', accessType: 'sometimes' }] },
      /'breakpoints\[0\]\.accessType' must be one of 'read', 'write', 'readWrite'/,
    ],
    [
      'setExceptionBreakpoints',
      { filters: [], filterOptions: [null] },
      /^setExceptionBreakpoints: argument 'filterOptions\[0\]' must be an object \(got null\)$/,
    ],
    ['setExceptionBreakpoints', { filters: [], filterOptions: [{ filterId: 3 }] }, /'filterOptions\[0\]\.filterId' must be a string/],
    ['setExceptionBreakpoints', { filters: [null] }, /'filters\[0\]' must be a string \(got null\)/],
    ['stackTrace', { threadId: -1.5 }, /'threadId' must be an integer \(got -1\.5\)/],
    ['variables', { variablesReference: 1, count: -3 }, /'count' must be a whole number from 0 \(got -3\)/],
    ['evaluate', { expression: 'x'.repeat(70_000) }, /'expression' is too long \(70000 characters; at most 65536\)/],
    ['readMemory', { memoryReference: 'cfg/nic0/0', offset: 0.5, count: 4 }, /^readMemory: argument 'offset' must be an integer \(got 0\.5\)$/],
    ['readMemory', { memoryReference: 'cfg/nic0/0', count: 1 << 30 }, /'count' must be at most 1048576/],
    ['writeMemory', { memoryReference: 'cfg/nic0/0', offset: 1e300, data: 'AA==' }, /'offset' must be an integer/],
    ['writeMemory', { memoryReference: 'cfg/nic0/0', data: '!!!' }, /^writeMemory: argument 'data' is not base64$/],
    ['launch', { scenario: SCENARIO, quirks: { x: 'yes' } }, /argument 'quirks\.x' must be true or false/],
    ['next', { threadId: 1, granularity: 'bogus' }, /'granularity' must be one of 'statement', 'line', 'instruction'/],
  ];
  for (const [cmd, args, re] of cases) assert.match(await refusal(dc.customRequest(cmd, args)), re, `${cmd} ${JSON.stringify(args).slice(0, 80)}`);
  // Optional arguments sent as null are "not given".
  const bp = await dc.setBreakpointsRequest({ source: { path: SCENARIO }, breakpoints: [{ line: 9, condition: null as unknown as string }] });
  assert.equal(bp.body.breakpoints.length, 1);
  const th = await dc.threadsRequest();
  assert.ok(th.body.threads.length >= 1);
});

test('memory: bytes outside a region are never read or written; a partial write writes only what fits', async () => {
  const dc = h.client();
  await launch(dc, SCENARIO, { stopOnEntry: true });
  const read = async (offset: number, count: number): Promise<DebugProtocol.ReadMemoryResponse['body']> =>
    (await dc.customRequest('readMemory', { memoryReference: 'cfg/nic0/0', offset, count })).body;
  // Before the start of config space there is no address (it answered '-4', no DAP address): refused, in hex.
  assert.equal(
    await refusal(dc.customRequest('readMemory', { memoryReference: 'cfg/nic0/0', offset: -4, count: 8 })),
    'readMemory: offset -0x4 is before cfg/nic0/0, which starts at address 0x0',
  );
  // Past the end: the data there is, then the rest as unreadable.
  const end = (await read(4094, 6))!;
  assert.equal(Buffer.from(end.data!, 'base64').length, 2);
  assert.equal(end.unreadableBytes, 4);
  const before = Buffer.from((await read(0, 8))!.data!, 'base64');
  // A write that starts before the region is refused whole, and nothing changes.
  const msg = await refusal(
    dc.customRequest('writeMemory', { memoryReference: 'cfg/nic0/0', offset: -4, data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]).toString('base64') }),
  );
  assert.match(msg, /^writeMemory: 8 bytes at offset -0x4 reach outside cfg\/nic0\/0 \(4 of them fit\); nothing was written$/);
  assert.deepEqual(Buffer.from((await read(0, 8))!.data!, 'base64'), before);
  const tail = await refusal(dc.customRequest('writeMemory', { memoryReference: 'cfg/nic0/0', offset: 4094, data: 'AAAAAA==' }));
  assert.match(tail, /reach outside/);
  // With allowPartial, the part inside is written (through the register masks) and the answer says where.
  const w = await dc.customRequest('writeMemory', {
    memoryReference: 'cfg/nic0/0',
    offset: -2,
    allowPartial: true,
    data: Buffer.from([0xaa, 0xbb, 0x06, 0x00]).toString('base64'),
  });
  assert.deepEqual(w.body, { bytesWritten: 2, offset: 0 });
  const none = await dc.customRequest('writeMemory', { memoryReference: 'cfg/nic0/0', offset: -8, allowPartial: true, data: 'AAAA' });
  assert.deepEqual(none.body, { offset: 0, bytesWritten: 0 });
});

test('evaluate in 64-bit integers: no 32-bit shifts, no rounding past 2^53, config offsets checked', async () => {
  const dc = h.client();
  await launch(dc, SCENARIO, { stopOnEntry: true });
  const ev = async (expression: string): Promise<string> => (await dc.evaluateRequest({ expression, context: 'watch', format: { hex: true } })).body.result;
  assert.equal(await ev('1<<40'), '0x10000000000');
  assert.equal(await ev('9007199254740993'), '0x20000000000001');
  assert.equal(await ev('0xffffffffffffffff + 2'), '0x1');
  assert.equal(await ev('~0'), '0xffffffffffffffff');
  assert.equal(await ev('(1<<63) / -1'), '0x8000000000000000');
  assert.equal(await ev('7 / 2'), '0x3');
  assert.equal(await ev('nic0.VENDOR_ID == 0x15b3'), 'true');
  assert.equal((await dc.evaluateRequest({ expression: '-5 % 3', context: 'watch', format: { hex: false } })).body.result, '-2');
  assert.match(await refusal(dc.evaluateRequest({ expression: '1 << 64', context: 'watch' })), /shift count 64 is out of range \(0 to 63\)/);
  assert.match(await refusal(dc.evaluateRequest({ expression: '0x1_0000_0000_0000_0000', context: 'watch' })), /does not fit in 64 bits/);
  assert.match(
    await refusal(dc.evaluateRequest({ expression: 'cfg32(nic0, 4096)', context: 'watch' })),
    /cfg32: offset 0x1000 is outside the 4 KiB config space \(0x0 to 0xffc\)/,
  );
  // A negative offset in hex too, as every other offset (it read 'offset -1').
  assert.match(await refusal(dc.evaluateRequest({ expression: 'cfg8(nic0, -1)', context: 'watch' })), /cfg8: offset -0x1 is outside/);
  // A slot with no function: msix() says so, as cfg8() does (it answered an empty table).
  assert.match(await refusal(dc.evaluateRequest({ expression: 'msix(nic0, 5)', context: 'watch' })), /^msix: no function there$/);
  assert.match(await refusal(dc.evaluateRequest({ expression: 'cfg8(nic0, 0, 5)', context: 'watch' })), /^cfg8: no function there$/);
  assert.equal(await ev('cfg16(nic0, 0)'), '0x15b3');
  assert.match(await refusal(dc.evaluateRequest({ expression: '('.repeat(5000) + '1' + ')'.repeat(5000), context: 'watch' })), /nested too deeply/);
  // Deep trees the parser builds without brackets: unary operators, an operator chain (left-deep),
  // member, index and call chains. Each is refused at the column where it went too deep, never
  // a stack overflow; just under the limit still evaluates.
  for (const deep of [
    '-'.repeat(60_000) + '1',
    '~'.repeat(60_000) + '1',
    '!'.repeat(300) + '1',
    '1+'.repeat(30_000) + '1',
    'nic0' + '.x'.repeat(20_000),
    'f' + '(1)'.repeat(20_000),
    'a' + '[0]'.repeat(20_000),
    '1?'.repeat(15_000) + '1' + ':1'.repeat(15_000),
  ])
    assert.match(await refusal(dc.evaluateRequest({ expression: deep, context: 'watch' })), /^expression nested too deeply \(at column \d+\)$/);
  // A place is named whenever there is one, the first column included; an evaluation error names none.
  assert.equal(await refusal(dc.evaluateRequest({ expression: ')1', context: 'watch' })), "unexpected ')' (at column 1)");
  assert.equal(await refusal(dc.evaluateRequest({ expression: '1/0', context: 'watch' })), 'division by zero');
  assert.equal(await ev('1+'.repeat(200) + '1'), '0xc9');
  assert.equal(await ev('-'.repeat(200) + '1'), '0x1');
  assert.equal(await ev('-('.repeat(200) + '1' + ')'.repeat(200)), '0x1');
  assert.match(
    await refusal(dc.evaluateRequest({ expression: 'cfg8(' + '1,'.repeat(20_000) + '1)', context: 'watch' })),
    /^more than 256 arguments \(at column \d+\)$/,
  );
  assert.equal((await dc.threadsRequest()).success, true);
});

test('custom requests check their numbers: gotoEvent takes a whole event index, eject a real slot', async () => {
  const dc = h.client();
  await launch(dc, SCENARIO, { stopOnEntry: true, listingsDir: LISTINGS });
  assert.match(await refusal(dc.customRequest('vpci/gotoEvent', { index: 'x' })), /argument 'index' must be a whole number/);
  assert.match(await refusal(dc.customRequest('vpci/gotoEvent', { index: 1.5 })), /argument 'index' must be a whole number/);
  assert.match(await refusal(dc.customRequest('vpci/eject', { bus: 'nic0', wslot: 999 })), /argument 'wslot' must be a whole number from 0 to 255/);
  assert.match(await refusal(dc.customRequest('vpci/eject', { bus: 'nic0', wslot: 9 })), /has no function at/);
});

test('launch reads dumps under the shared rule: the scenario folder, plus the workspace folders the editor passes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-launch-roots-'));
  try {
    mkdirSync(join(dir, 'scen'));
    copyFileSync(resolve('examples/devices/nvidia-tu102-gpu.lspci'), join(dir, 'gpu.lspci'));
    const file = join(dir, 'scen', 'g.vpci');
    writeFileSync(file, 'bus g { function 0 dump "../gpu.lspci" select 02:00.0 bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K }\nat 0 boot\n');
    const dc = h.client();
    await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    const msg = await refusal(dc.launchRequest({ scenario: file, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments));
    assert.match(msg, /^g\.vpci has 1 error: line 1: dump file '\.\.\/gpu\.lspci' is outside the scenario's folder/);
    assert.match(out.join(''), /g\.vpci:1:25: error: dump file '\.\.\/gpu\.lspci' is outside the scenario's folder .*\[dump-outside\]/);
    // The same session launched again with the workspace folder: the dump is read and the run stops at entry.
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.launchRequest({ scenario: file, listingsDir: LISTINGS, stopOnEntry: true, workspaceFolders: [dir] } as DebugProtocol.LaunchRequestArguments);
    await dc.configurationDoneRequest();
    assert.equal((await stopped).body.reason, 'entry');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a relative listingsDir is taken from the scenario's folder, and stack frames name the listings by absolute paths", async () => {
  // It was taken from the adapter's working folder: listings were written there, and the driver's
  // frames named their source 'rel/freebsd/vmbus_pcib.c', a path no client can open or set breakpoints in.
  const dir = mkdtempSync(join(tmpdir(), 'vpci-rel-listings-'));
  const rel = `rel-listings-${process.pid}`;
  try {
    const file = join(dir, 'q.vpci');
    copyFileSync(SCENARIO, file);
    const dc = h.client();
    const stopped = await launch(dc, file, { stopOnEntry: true, listingsDir: rel });
    const st = await dc.stackTraceRequest({ threadId: stopped.body.threadId! });
    const paths = st.body.stackFrames.flatMap((f) => (f.source?.path ? [f.source.path] : []));
    assert.ok(paths.length > 0, JSON.stringify(st.body.stackFrames));
    for (const p of paths) assert.ok(p.startsWith(join(dir, rel) + '/'), p);
    assert.ok(existsSync(paths[0]!), paths[0]);
    assert.ok(!existsSync(resolve(rel)), 'nothing written in the working folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(resolve(rel), { recursive: true, force: true });
  }
});
