// A client that reads slowly, or not at all, must not make the adapter hold its output without
// limit. A run (Continue with logpoints on busy lines) waits for the client once RUN_BACKLOG
// bytes wait unread, and goes on when they have been read, losing nothing; a TCP client that
// leaves STALLED_BACKLOG bytes unread (requests sent, answers never read) is disconnected, and the
// adapter says why on its stderr. No clocks: the test counts event-loop turns and bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { runTcp } from '../../adapter/server';
import { STALLED_BACKLOG } from '../../adapter/session';
import { hotPlugText } from '../hot-plug-scenario';
import { LISTINGS, VMBUS_PCIB } from './harness';

let dir = '';
let server: Server;
/** The adapter's side of each connection, in order. */
const serverSockets: Socket[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vpci-backpressure-'));
  // 60 hot-plug cycles: each bus's attach runs through vmbus_pcib.c, where every line logs.
  writeFileSync(join(dir, 'busy.vpci'), hotPlugText(60));
  server = await runTcp(0);
  server.on('connection', (s: Socket) => serverSockets.push(s));
});
/** Adapter processes the tests start: ended whatever becomes of their tests (a timed-out test never gets to its own cleanup). */
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A DAP client over TCP that can stop reading, and counts what it reads (chunks joined once per frame). */
async function client(): Promise<{
  sock: Socket;
  got: Record<string, unknown>[];
  send(command: string, args?: unknown): number;
  until(f: () => boolean): Promise<void>;
  closed: Promise<void>;
}> {
  const sock = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((res) => sock.once('connect', res));
  const got: Record<string, unknown>[] = [];
  let chunks: Buffer[] = [];
  let size = 0;
  let need = -1;
  const waiters: (() => void)[] = [];
  sock.on('data', (d: Buffer) => {
    chunks.push(d);
    size += d.length;
    for (;;) {
      const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      chunks = [buf];
      if (need < 0) {
        const hd = buf.indexOf('\r\n\r\n');
        if (hd < 0) break;
        need = Number(/Content-Length: (\d+)/.exec(buf.subarray(0, hd).toString())![1]);
        chunks = [buf.subarray(hd + 4)];
        size = buf.length - hd - 4;
        continue;
      }
      if (size < need) break;
      got.push(JSON.parse(buf.subarray(0, need).toString()) as Record<string, unknown>);
      chunks = [buf.subarray(need)];
      size -= need;
      need = -1;
    }
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<void>((res) => sock.once('close', () => res()));
  // The adapter may hang up while requests are still being written (the second test): not an error here.
  sock.on('error', () => undefined);
  let seq = 1;
  return {
    sock,
    got,
    closed,
    send(command, args = {}) {
      if (sock.destroyed) return seq++;
      const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
      sock.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
      return seq++;
    },
    async until(f) {
      while (!f()) await new Promise<void>((res) => waiters.push(res));
    },
  };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((res) => setImmediate(res));
};

test('a Continue whose logpoints outpace the client waits for it, and loses nothing', { timeout: 180_000 }, async () => {
  const c = await client();
  const adapterSide = serverSockets[serverSockets.length - 1]!;
  const stops = () => c.got.filter((m) => m.type === 'event' && m.event === 'stopped');
  c.send('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  c.send('launch', { scenario: join(dir, 'busy.vpci'), listingsDir: LISTINGS, stopOnEntry: true });
  await c.until(() => c.got.some((m) => m.event === 'initialized'));
  // A logpoint on every line of the bridge driver's listing (the adapter verifies the executable ones).
  const lines = readFileSync(VMBUS_PCIB, 'utf8').split('\n').length;
  const bps = c.send('setBreakpoints', {
    source: { path: VMBUS_PCIB },
    breakpoints: Array.from({ length: lines }, (_, i) => ({ line: i + 1, logMessage: `line ${i + 1} of vmbus_pcib.c, bus {hbus}` })),
  });
  c.send('configurationDone');
  await c.until(() => stops().length === 1 && c.got.some((m) => m.request_seq === bps));
  c.send('continue', { threadId: 1 });
  await c.until(() => c.got.some((m) => m.command === 'continue'));
  // The client stops reading; the run goes on for as many event-loop turns as it needs to end
  // (it runs one chunk per turn) — unless it waits for the client.
  c.sock.pause();
  let most = 0;
  for (let i = 0; i < 40; i++) {
    await turns(50);
    most = Math.max(most, adapterSide.writableLength);
  }
  assert.equal(stops().length, 1, 'the run has not stopped yet: the client reads nothing');
  assert.ok(most > 0, 'output waits for the client');
  // RUN_BACKLOG (4 MiB) plus one chunk's output (20,000 steps of logpoints); the whole run's
  // output, which the adapter held before it waited, is several times this.
  assert.ok(most < 24 * 1024 * 1024, `${(most / 1048576).toFixed(1)} MiB held for a client that reads nothing`);
  // Reading again, the client gets the rest of the run and its stop.
  c.sock.resume();
  await c.until(() => stops().length === 2);
  const outputs = c.got.filter((m) => m.event === 'output' && (m.body as { output: string }).output.startsWith('line '));
  assert.ok(outputs.length > 10_000, `${outputs.length} logpoint messages`);
  // In order, none lost: the messages' sequence numbers run without a gap.
  const seqs = c.got.map((m) => m.seq as number);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, `message ${i}`);
  c.sock.destroy();
});

// Without the limit this does not end: every write behind a backlog of thousands of answers costs more.
test('a TCP client that sends requests and never reads the answers is disconnected, and the adapter says why', { timeout: 120_000 }, async () => {
  const c = await client();
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr) as (...a: unknown[]) => boolean;
  process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (String(chunk).startsWith('vpci-lab: dap:')) {
      logged.push(String(chunk));
      return true;
    }
    return write(chunk, ...rest);
  };
  try {
    c.send('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    c.send('launch', { scenario: join(dir, 'busy.vpci'), listingsDir: LISTINGS, stopOnEntry: true });
    await c.until(() => c.got.some((m) => m.event === 'initialized'));
    c.send('configurationDone');
    await c.until(() => c.got.some((m) => m.event === 'stopped'));
    c.sock.pause();
    // Each answer is a function's whole config space (4,096 bytes, in base64); sent until the adapter hangs up.
    const size = 4096;
    let sent = 0;
    let isClosed = false;
    void c.closed.then(() => (isClosed = true));
    while (!isClosed && sent * size < 2 * STALLED_BACKLOG) {
      for (let i = 0; i < 200; i++) c.send('readMemory', { memoryReference: 'cfg/nic0/0', offset: 0, count: size });
      sent += 200;
      await turns(2);
    }
    await c.closed;
    // (sent, and so at most answered: each answer is the bytes in base64, 4 characters for 3)
    assert.ok((sent * size * 4) / 3 > STALLED_BACKLOG, `${sent} requests of ${size} bytes each`);
    assert.equal(logged.length, 1, logged.join(''));
    assert.match(logged[0]!, /^vpci-lab: dap: a client on port \d+ stopped reading \(\d+ MiB of output unread\); closing its connection\n$/);
  } finally {
    process.stderr.write = write;
  }
  // The server goes on serving.
  const d = await client();
  const init = d.send('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  await d.until(() => d.got.some((m) => m.request_seq === init));
  assert.equal(d.got.find((m) => m.request_seq === init)!.success, true);
  d.sock.destroy();
});

const CLI = resolve('dist/cli.js');
test(
  'over stdio, a client that stops reading its answers is told on stderr, and the adapter exits (74)',
  { timeout: 120_000, skip: existsSync(CLI) ? false : 'no dist/cli.js: run `npm run build` first' },
  async () => {
    const child = spawn(process.execPath, [CLI, 'dap'], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    child.stdin.on('error', () => undefined); // the adapter may exit while requests are still being written
    let seq = 1;
    const send = (command: string, args: unknown = {}): void => {
      const json = JSON.stringify({ seq: seq++, type: 'request', command, arguments: args });
      if (!child.stdin.destroyed) child.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    };
    // Read until the first stop, then read nothing more.
    let out = '';
    const stopped = new Promise<void>((res) => {
      const onData = (d: Buffer): void => {
        out += d.toString('latin1');
        if (!out.includes('"event":"stopped"')) return;
        child.stdout.off('data', onData);
        child.stdout.pause();
        res();
      };
      child.stdout.on('data', onData);
    });
    send('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    send('launch', { scenario: join(dir, 'busy.vpci'), listingsDir: LISTINGS, stopOnEntry: true });
    send('configurationDone');
    await stopped;
    // Twice the requests whose answers make STALLED_BACKLOG (each a config space in base64), all
    // at once: without the limit the adapter never exits, and the test's timeout fails it.
    const n = Math.ceil((2 * STALLED_BACKLOG) / ((4096 * 4) / 3));
    for (let i = 0; i < n; i++) send('readMemory', { memoryReference: 'cfg/nic0/0', offset: 0, count: 4096 });
    assert.equal(await exited, 74, `stderr: ${stderr}`);
    assert.match(stderr, /^vpci-lab: dap: the client stopped reading \(\d+ MiB of output unread\); exiting\n$/);
  },
);
