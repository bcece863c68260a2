// A session's life as clients other than VS Code's happy path live it (requests sent without
// waiting for answers, a client that stops or drops while something is going on): one
// `terminated` per session and nothing after it, a launch stopped while it loads stays stopped,
// a disconnected TCP session runs nothing more, a dropped connection ends its run, a pause is
// the paused run's own, a second configurationDone does nothing and one before the launch is
// kept for it, progress ids are unique, and
// the protocol trace is each session's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { rawDapClient, LISTINGS } from './harness';
import { VpciDebugSession } from '../../adapter/session';
import { hotPlugText } from '../hot-plug-scenario';

const QUICKSTART = resolve('examples/quickstart.vpci');
const LONG = join(mkdtempSync(join(tmpdir(), 'vpci-life-')), 'long.vpci');
writeFileSync(LONG, `${hotPlugText(400)}expect nic0 attached\n`);

type Msg = Record<string, unknown> & { type?: string; event?: string; command?: string; success?: boolean; message?: string; body?: Record<string, unknown> };

/** A raw client with a request helper that numbers requests and sends them without waiting. */
async function client() {
  const c = await rawDapClient();
  let seq = 1;
  const send = (command: string, args: unknown = {}): number => {
    const s = seq++;
    c.send({ seq: s, type: 'request', command, arguments: args });
    return s;
  };
  /** Two requests in one write (they arrive together); their seqs. */
  const sendAll = (...rs: [string, unknown][]): [number, number] => {
    const seqs = rs.map(() => seq++);
    c.sendAll(rs.map(([command, args], i) => ({ seq: seqs[i], type: 'request', command, arguments: args })));
    return [seqs[0]!, seqs[1]!];
  };
  const events = (name: string): Msg[] => (c.got as Msg[]).filter((m) => m.type === 'event' && m.event === name);
  const after = (name: string): Msg[] => {
    const i = (c.got as Msg[]).findIndex((m) => m.type === 'event' && m.event === name);
    return i < 0 ? [] : (c.got as Msg[]).slice(i + 1);
  };
  const settle = () => new Promise((r) => setTimeout(r, 150));
  return { ...c, send, sendAll, events, after, settle, response: async (s: number) => (await c.responseTo(s)) as Msg };
}

const INIT = { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsProgressReporting: true };

/** initialize, a launch of the quickstart (stopping at its entry or not) and configurationDone, each answered. */
async function launched(c: Awaited<ReturnType<typeof client>>, stopOnEntry: boolean): Promise<void> {
  await c.response(c.send('initialize', INIT));
  await c.response(c.send('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry }));
  await c.response(c.send('configurationDone'));
}

test('terminate while the launch loads: one terminated, the launch answered as ended, nothing comes to life after it', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    const [launch, term] = c.sendAll(['launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true }], ['terminate', {}]);
    assert.equal((await c.response(term)).success, true);
    const l = await c.response(launch);
    assert.equal(l.success, false);
    assert.equal(l.message, 'The session ended before the scenario had loaded');
    await c.response(c.send('configurationDone'));
    await c.settle();
    assert.equal(c.events('terminated').length, 1);
    const late = c.after('terminated').filter((m) => m.type === 'event');
    assert.deepEqual(
      late.map((m) => m.event),
      [],
    );
  } finally {
    c.close();
  }
});

test('restart while the launch loads is refused; the launch goes on and ends nothing', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    const [launch, restart] = c.sendAll(['launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true }], ['restart', {}]);
    const r = await c.response(restart);
    assert.equal(r.success, false);
    assert.match(r.message!, /still loading/);
    assert.equal((await c.response(launch)).success, true);
    await c.response(c.send('configurationDone'));
    await c.until(() => c.events('stopped').length === 1);
    assert.equal(c.events('terminated').length, 0);
  } finally {
    c.close();
  }
});

test('an evaluate sent while the launch loads says the launch is still loading, not that no scenario is loaded; after the launch it is answered', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    const [launch, evaluate] = c.sendAll(
      ['launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true }],
      ['evaluate', { expression: 'help', context: 'repl' }],
    );
    const r = await c.response(evaluate);
    assert.equal(r.success, false);
    assert.equal(r.message, 'The scenario is still loading (the launch has not finished): ask again once it has stopped');
    assert.equal((await c.response(launch)).success, true);
    await c.response(c.send('configurationDone'));
    await c.until(() => c.events('stopped').length === 1);
    assert.equal((await c.response(c.send('evaluate', { expression: 'help', context: 'repl' }))).success, true);
  } finally {
    c.close();
  }
});

test('one terminated per session: two terminates, or a continue at the end and a terminate, send one', async () => {
  const c = await client();
  try {
    await launched(c, false);
    await c.until(() => c.events('stopped').some((e) => e.body?.reason === 'end'));
    await c.response(c.send('continue', { threadId: 1 }));
    c.send('terminate');
    await c.response(c.send('terminate'));
    await c.settle();
    assert.equal(c.events('terminated').length, 1);
  } finally {
    c.close();
  }
});

test('a second configurationDone is answered and starts nothing: one stop at the entry', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    await c.response(c.send('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true }));
    c.send('configurationDone');
    assert.equal((await c.response(c.send('configurationDone'))).success, true);
    await c.until(() => c.events('stopped').length === 1);
    await c.settle();
    assert.equal(c.events('stopped').length, 1);
  } finally {
    c.close();
  }
});

test('a configurationDone before the launch is kept: the run starts once the launch has loaded, as configured', { timeout: 20_000 }, async () => {
  for (const stopOnEntry of [true, false]) {
    const c = await client();
    try {
      await c.response(c.send('initialize', INIT));
      // As a client does that sends it as soon as initialize is answered.
      assert.equal((await c.response(c.send('configurationDone'))).success, true);
      await c.response(c.send('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry }));
      await c.until(() => c.events('stopped').length === 1);
      const stop = c.events('stopped')[0]!;
      assert.equal(stop.body?.reason, stopOnEntry ? 'entry' : 'end');
      // initialized first, then the stop; and no second run for a configurationDone that follows
      assert.ok(c.events('initialized').length === 1 && c.after('initialized').includes(stop));
      assert.equal((await c.response(c.send('configurationDone'))).success, true);
      await c.settle();
      assert.equal(c.events('stopped').length, 1);
    } finally {
      c.close();
    }
  }
});

test('after disconnect a TCP session runs nothing: a late next or evaluate is refused', async () => {
  const c = await client();
  try {
    await launched(c, true);
    await c.until(() => c.events('stopped').length === 1);
    assert.equal((await c.response(c.send('disconnect', { terminateDebuggee: false }))).success, true);
    for (const [cmd, args] of [
      ['next', { threadId: 1 }],
      ['evaluate', { expression: 'nic0.COMMAND = 7', context: 'repl' }],
      ['continue', { threadId: 1 }],
      ['launch', { scenario: QUICKSTART }],
    ] as const) {
      const r = await c.response(c.send(cmd, args));
      assert.equal(r.success, false, cmd);
      assert.equal(r.message, 'The session has ended: the client disconnected', cmd);
    }
    assert.equal(c.events('stopped').length, 1);
  } finally {
    c.close();
  }
});

test('a pause during Debug at Cause is not kept for the next step: the step steps', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    const cause = hotPlugText(400).split('\n').length; // the expectation after the timeline
    await c.response(c.send('launch', { scenario: LONG, listingsDir: LISTINGS, cause }));
    c.send('configurationDone');
    c.send('pause', { threadId: 1 });
    await c.until(() => c.events('stopped').length === 1);
    const at = c.events('stopped')[0]!.body!;
    const next = c.send('next', { threadId: at.threadId });
    assert.equal((await c.response(next)).success, true);
    await c.until(() => c.events('stopped').length === 2);
    assert.notEqual(c.events('stopped')[1]!.body!.reason, 'pause');
  } finally {
    c.close();
  }
});

test('a run without debugging does not pause: the pause is refused and the run ends with its verdict', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    await c.response(c.send('launch', { scenario: LONG, listingsDir: LISTINGS, noDebug: true }));
    c.send('configurationDone');
    const p = await c.response(c.send('pause', { threadId: 1 }));
    // Refused while it runs; once it has ended, the session has ended too.
    assert.equal(p.success, false);
    await c.until(() => c.events('terminated').length === 1);
    // The views of a run without debugging answer without an internal error.
    const st = await c.response(c.send('stackTrace', { threadId: 1 }));
    assert.equal(st.success, true, st.message);
  } finally {
    c.close();
  }
});

test('progress ids are unique within a session: two long runs report under two ids', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    await c.response(c.send('launch', { scenario: LONG, listingsDir: LISTINGS, stopOnEntry: true }));
    await c.response(c.send('configurationDone'));
    await c.until(() => c.events('stopped').length === 1);
    for (let i = 1; i <= 2; i++) {
      c.send('continue', { threadId: 1 });
      await c.until(() => c.events('progressStart').length === i);
      c.send('pause', { threadId: 1 });
      await c.until(() => c.events('stopped').length === 2 * i);
      // A restart stops at the entry again: the second run starts from the same position as the first.
      c.send('restart', {});
      await c.until(() => c.events('stopped').length === 2 * i + 1);
    }
    const ids = c.events('progressStart').map((e) => e.body!.progressId);
    assert.equal(new Set(ids).size, ids.length, JSON.stringify(ids));
  } finally {
    c.close();
  }
});

test('a long run without debugging and Debug at Cause report progress, ended before the run ends; not cancellable (they take no pause), a cancel leaves them running', async () => {
  for (const how of [{ noDebug: true }, { cause: hotPlugText(400).split('\n').length }]) {
    const c = await client();
    try {
      await c.response(c.send('initialize', INIT));
      await c.response(c.send('launch', { scenario: LONG, listingsDir: LISTINGS, ...how }));
      c.send('configurationDone');
      await c.until(() => c.events('progressStart').length === 1);
      const start = c.events('progressStart')[0]!.body!;
      assert.equal(start.title, 'vPCI Lab: running the scenario');
      assert.equal(start.cancellable, false);
      assert.equal((await c.response(c.send('cancel', { progressId: start.progressId }))).success, true);
      // It runs on to its end: terminated (and its verdict), or the cause's stop; the report is ended first.
      const last = how.noDebug ? 'terminated' : 'stopped';
      await c.until(() => c.events(last).length === 1);
      if (!how.noDebug) assert.notEqual(c.events('stopped')[0]!.body!.reason, 'pause');
      const seen = (c.got as Msg[]).filter((m) => m.type === 'event').map((m) => m.event);
      assert.ok(seen.indexOf('progressEnd') > seen.indexOf('progressStart') && seen.indexOf('progressEnd') < seen.indexOf(last), seen.join(' '));
    } finally {
      c.close();
    }
  }
});

/** An in-process session over two streams: what it writes, parsed. */
function streamSession() {
  const input = new PassThrough();
  const output = new PassThrough();
  const s = new VpciDebugSession();
  s.start(input, output);
  const got: Msg[] = [];
  let buf = '';
  output.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const n = Number(/Content-Length: (\d+)/.exec(buf.slice(0, h))![1]);
      if (Buffer.byteLength(buf.slice(h + 4)) < n) return;
      got.push(JSON.parse(buf.slice(h + 4, h + 4 + n)) as Msg);
      buf = buf.slice(h + 4 + n);
    }
  });
  let seq = 1;
  const send = (command: string, args: unknown = {}) => {
    const json = JSON.stringify({ seq: seq++, type: 'request', command, arguments: args });
    input.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  };
  const until = async (f: () => boolean) => {
    for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(f(), 'timed out waiting');
  };
  return { input, got, send, until };
}

test('a connection that drops mid-run ends the run: its progress ends "disconnected" and no stop follows', async () => {
  const c = streamSession();
  c.send('initialize', INIT);
  c.send('launch', { scenario: LONG, listingsDir: LISTINGS, stopOnEntry: false });
  c.send('configurationDone');
  await c.until(() => c.got.some((m) => m.event === 'progressStart'));
  c.input.destroy(); // the client is gone: no disconnect, the stream just closes
  await c.until(() => c.got.some((m) => m.event === 'progressEnd'));
  const end = c.got.find((m) => m.event === 'progressEnd')!;
  assert.equal(end.body!.message, 'disconnected');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(c.got.filter((m) => m.event === 'stopped').length, 0);
});

test("the protocol trace is each session's own: one session's trace reaches only its client", async () => {
  const a = streamSession();
  const b = streamSession();
  a.send('initialize', INIT);
  b.send('initialize', INIT);
  a.send('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true, trace: true });
  b.send('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true });
  a.send('configurationDone');
  b.send('configurationDone');
  await a.until(() => a.got.some((m) => m.event === 'stopped'));
  await b.until(() => b.got.some((m) => m.event === 'stopped'));
  a.send('threads');
  await a.until(() => a.got.some((m) => m.type === 'response' && m.command === 'threads'));
  const traced = (g: Msg[]) => g.filter((m) => m.event === 'output' && /^(From|To) client: /.test(String(m.body!.output))).map((m) => String(m.body!.output));
  // A's trace has its initialize (held until the launch said to trace) and its threads request.
  assert.ok(traced(a.got).some((l) => l.startsWith('From client: initialize(')));
  assert.ok(traced(a.got).some((l) => l.startsWith('From client: threads(')));
  assert.deepEqual(traced(b.got), []);
  a.input.destroy();
  b.input.destroy();
});

test('a launch (or attach) refused, for its arguments or its file, is an error shown to the user and then one terminated; a second launch refused beside a run ends nothing', async () => {
  for (const args of [
    { scenario: QUICKSTART, guest: 'windows' }, // a guest model that does not exist
    { scenario: 5 }, // a mistyped argument
    { program: QUICKSTART }, // another debugger's key
    { scenario: join(tmpdir(), 'no-such-scenario.vpci') }, // a file that is not there
  ]) {
    const c = await client();
    try {
      await c.response(c.send('initialize', INIT));
      const r = await c.response(c.send('launch', { listingsDir: LISTINGS, ...args }));
      assert.equal(r.success, false, JSON.stringify(args));
      assert.equal((r.body as { error?: { showUser?: boolean } }).error?.showUser, true, JSON.stringify(args));
      // One terminated event, after the response.
      await c.settle();
      assert.equal(c.events('terminated').length, 1, JSON.stringify(args));
      assert.ok((c.got as Msg[]).indexOf(c.events('terminated')[0]!) > (c.got as Msg[]).indexOf(r), JSON.stringify(args));
    } finally {
      c.close();
    }
  }
  // An attach to an adapter that holds no machine ends the same way.
  const a = await client();
  try {
    await a.response(a.send('initialize', INIT));
    const r = await a.response(a.send('attach', {}));
    assert.match(r.message ?? '', /^Nothing to attach to/);
    await a.settle();
    assert.equal(a.events('terminated').length, 1);
  } finally {
    a.close();
  }
  const c = await client();
  try {
    await launched(c, true);
    await c.until(() => c.events('stopped').length === 1);
    assert.equal((await c.response(c.send('launch', { scenario: QUICKSTART, guest: 'windows' }))).success, false);
    assert.equal((await c.response(c.send('launch', { scenario: QUICKSTART }))).success, false);
    await c.settle();
    assert.equal(c.events('terminated').length, 0);
  } finally {
    c.close();
  }
});

test('a pause sent before configurationDone stops the run it starts before its first step: one stopped (pause), not a run to the end', async () => {
  const c = await client();
  try {
    await c.response(c.send('initialize', INIT));
    await c.response(c.send('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: false }));
    assert.equal((await c.response(c.send('pause', { threadId: 1000000 }))).success, true);
    await c.response(c.send('configurationDone'));
    await c.until(() => c.events('stopped').length === 1);
    await c.settle();
    assert.deepEqual(
      c.events('stopped').map((e) => e.body!.reason),
      ['pause'],
    );
    assert.equal(c.events('terminated').length, 0);
    // Before the first step: the timeline stands before its first event.
    const st = await c.response(c.send('stackTrace', { threadId: 1000000 }));
    assert.match((st.body!.stackFrames as { name: string }[])[0]!.name, /^at 0 ns: boot$/);
  } finally {
    c.close();
  }
});
