// DAP frame reading (adapter/framing.ts) on byte streams: valid frames in any
// chunking, and every kind of broken one — a header that is not one, a body
// that is not JSON, a Content-Length too short or too long, one over the
// limit, endless garbage — is reported once and reading resumes at the next
// header; a request still readable in a broken frame is named for an error
// response. Timers are driven by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DapFramer, BODY_LIMIT, GARBAGE_LIMIT, coalescedOutput, directOutput, framedInput } from '../../adapter/framing';
import { fuzzFrames } from '../../fuzz/frames';

interface Run {
  push(s: string | Buffer): void;
  idle(): void;
  /** The input ends. */
  end(): void;
  messages: Record<string, unknown>[];
  problems: string[];
  refused: { seq: number; command: string; why: string }[];
  garbage: number;
}

/**
 * A framer fed as the stdio adapter feeds it from a pipe when `transient` (adapter/server.ts): every
 * read lands in one reused buffer, which is overwritten with junk as soon as push() returns.
 */
function run(transient = false): Run {
  let timer: (() => void) | undefined;
  const reused = Buffer.alloc(64 * 1024);
  const feed = (b: Buffer): void => {
    if (!transient) return f.push(b);
    for (let i = 0; i < b.length; i += reused.length) {
      const n = b.copy(reused, 0, i, i + reused.length);
      f.push(reused.subarray(0, n), true);
      reused.fill('}{\r\n');
    }
  };
  const r: Run = {
    messages: [],
    problems: [],
    refused: [],
    garbage: 0,
    push: (s) => feed(typeof s === 'string' ? Buffer.from(s, 'utf8') : s),
    idle: () => {
      const t = timer;
      timer = undefined;
      t?.();
    },
    end: () => f.end(),
  };
  const f = new DapFramer({
    message: (m) => r.messages.push(m),
    problem: (p) => r.problems.push(p),
    refuse: (q, why) => r.refused.push({ seq: Number(q.id), command: q.name, why }),
    garbage: () => r.garbage++,
    setTimer: (fn) => (timer = fn),
    clearTimer: () => (timer = undefined),
  });
  return r;
}

const req = (seq: number, command = 'threads', args: unknown = {}): string => JSON.stringify({ seq, type: 'request', command, arguments: args });
const frame = (body: string, length = Buffer.byteLength(body)): string => `Content-Length: ${length}\r\n\r\n${body}`;
const seqs = (r: Run): unknown[] => r.messages.map((m) => m.seq);

test('valid frames arrive whole whatever the chunking, multi-byte text included', () => {
  const r = run();
  const all = Buffer.from(frame(req(1)) + frame(req(2, 'evaluate', { expression: 'é😀' })) + frame(req(3)), 'utf8');
  for (let i = 0; i < all.length; i++) r.push(all.subarray(i, i + 1));
  assert.deepEqual(seqs(r), [1, 2, 3]);
  assert.deepEqual((r.messages[1]!.arguments as { expression: string }).expression, 'é😀');
  assert.deepEqual(r.problems, []);
  // Extra header fields are allowed; a stray line break before a header is tolerated.
  r.push(`Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n${frame(req(4))}\r\n${frame(req(5))}`);
  assert.deepEqual(seqs(r), [1, 2, 3, 4, 5]);
  assert.deepEqual(r.problems, []);
});

test('a header that is not one is reported, and the next frame is read', () => {
  const r = run();
  r.push('garbage\r\n\r\n' + frame(req(1)));
  r.push('Content-Length: x\r\n\r\n' + frame(req(2)));
  r.push('junk' + frame(req(3)));
  assert.deepEqual(seqs(r), [1, 2, 3]);
  assert.equal(r.problems.length, 3);
  assert.match(r.problems[0]!, /header line that is not "Name: value": "garbage"/);
  assert.match(r.problems[1]!, /Content-Length "x" is not a byte count/);
  assert.match(r.problems[2]!, /header without Content-Length|not "Name: value"/);
});

test('a body that is not JSON (Content-Length too short) is reported; its request is refused; the stream goes on', () => {
  const r = run();
  const body = req(7, 'next', { threadId: 1 });
  r.push(frame(body, 10) + frame(req(8)));
  assert.deepEqual(seqs(r), [8]);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, /a message body that is not JSON/);
  assert.deepEqual(
    r.refused.map((x) => [x.seq, x.command]),
    [[7, 'next']],
  );
  // Not JSON at all, with nothing after it: reported at once, nothing refused.
  const q = run();
  q.push(frame('{"x":', 5));
  assert.equal(q.problems.length, 1);
  q.idle();
  assert.deepEqual(q.refused, []);
});

test('a Content-Length too long: the next header inside the body ends it; on the last request, a quiet moment does', () => {
  const r = run();
  r.push(frame(req(1), 1000) + frame(req(2)));
  // Not yet 1000 bytes: nothing until the stream has been quiet a moment.
  assert.deepEqual(seqs(r), []);
  r.idle();
  assert.deepEqual(seqs(r), [2]);
  assert.deepEqual(
    r.refused.map((x) => x.seq),
    [1],
  );
  assert.match(r.problems[0]!, /Content-Length 1000 is longer than the message, which ends after \d+ bytes/);
  // Enough bytes to complete the declared length: found at once, no waiting.
  const q = run();
  q.push(frame(req(1), 200) + frame(req(2, 'evaluate', { expression: 'x'.repeat(300) })));
  assert.deepEqual(seqs(q), [2]);
  assert.deepEqual(
    q.refused.map((x) => x.seq),
    [1],
  );
  // The last request alone with too long a length: refused after the quiet moment.
  const z = run();
  z.push(frame(req(9), 500));
  z.idle();
  assert.deepEqual(
    z.refused.map((x) => x.seq),
    [9],
  );
  assert.match(z.problems[0]!, /Content-Length 500 is longer than the message/);
});

test('a Content-Length too long by a few bytes: the body ends inside the next header (after junk or not), and that frame is still read', () => {
  // The fuzzer's case (seed 791594359): a frame 23 bytes too long, 11 bytes of junk, then a request
  // whose header the too-long body cut after "Content-Leng"; that request went unanswered.
  const first = req(1, 'gotoTargets', { source: { path: 'relative.c' }, line: 1200 });
  for (const junk of ['', 'garbage\r\n\r\n', 'xyz', 'Content-Length: 2\r\n\r\n{}']) {
    const second = frame(req(2, 'next', { threadId: 1 }));
    for (let extra = 1; extra <= junk.length + second.length + 8; extra++) {
      for (const transient of [false, true]) {
        const r = run(transient);
        r.push(frame(first, Buffer.byteLength(first) + extra) + junk + second + frame(req(3)));
        const what = `${JSON.stringify(junk)} + ${extra} bytes${transient ? ', one reused read buffer' : ''}`;
        assert.deepEqual(seqs(r), [2, 3], what);
        assert.ok(r.problems.length >= 1, what);
        assert.deepEqual(
          r.refused.map((x) => x.seq),
          [1],
          what,
        );
      }
    }
  }
});

test('quiet moments: a header still arriving waits for the rest of it; a whole message with junk after it is refused; junk before a header start is dropped up to it', () => {
  // A header stopping at any byte, a quiet moment, then the rest: read as one.
  const f = frame(req(1));
  const head = f.indexOf('{');
  for (let cut = 1; cut <= head; cut++) {
    const r = run();
    r.push(f.slice(0, cut));
    r.idle();
    r.push(f.slice(cut) + frame(req(2)));
    assert.deepEqual(seqs(r), [1, 2], `cut after ${JSON.stringify(f.slice(0, cut))}`);
    assert.deepEqual(r.problems, [], `cut after ${JSON.stringify(f.slice(0, cut))}`);
  }
  // The same after junk, and after a broken frame (resynchronising): the junk is reported, the frame read.
  for (const before of ['garbage\r\n', `Content-Length: 5\r\n\r\n{"x":`]) {
    for (const cut of [3, 15, head - 1]) {
      const r = run();
      r.push(before + f.slice(0, cut));
      r.idle();
      r.push(f.slice(cut));
      r.idle();
      assert.deepEqual(seqs(r), [1], `${JSON.stringify(before)} then ${JSON.stringify(f.slice(0, cut))}`);
      assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
    }
  }
  // A Content-Length too long on a request followed by junk, then nothing: refused after the quiet moment, the junk reported.
  const t = run();
  t.push(frame(req(3, 'next'), 300) + 'junk!');
  t.idle();
  assert.deepEqual(
    t.refused.map((x) => [x.seq, x.command]),
    [[3, 'next']],
  );
  assert.equal(t.problems[0], `Content-Length 300 is longer than the message, which ends after ${Buffer.byteLength(req(3, 'next'))} bytes`);
  t.idle();
  assert.match(t.problems[1]!, /bytes that are not a DAP header: "junk!"/);
  // The same with a byte that is not UTF-8 inside the message (0xff in a string): the split falls on the message's own last byte.
  const odd = Buffer.concat([
    Buffer.from('{"seq":4,"type":"request","command":"evaluate","arguments":{"expression":"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}}'),
  ]);
  const u = run();
  u.push(Buffer.concat([Buffer.from(`Content-Length: ${odd.length + 40}\r\n\r\n`), odd, Buffer.from('junk!')]));
  u.idle();
  assert.deepEqual(
    u.refused.map((x) => [x.seq, x.command]),
    [[4, 'evaluate']],
  );
  assert.equal(u.problems[0], `Content-Length ${odd.length + 40} is longer than the message, which ends after ${odd.length} bytes`);
  u.idle();
  assert.match(u.problems[1]!, /bytes that are not a DAP header: "junk!"/);
  // A header still arriving waits however many lines it has; one whose Content-Length is already no byte count is reported.
  for (const [text, waits] of [
    ['Content-Length: 12', true],
    ['Content-Length:', true],
    ['Content-Length: 12\r', true],
    ['Content-Length: 12\r\nContent-Type: application/vscode-jsonrpc', true],
    ['Content-Type: application/vscode-jsonrpc\r\nContent-Le', true],
    ['Content-Length: abc', false],
    ['Content-Length: 1x\r\n', false],
    ['Content-Length: 1234567890123', false],
    ['Content-Type: x\r\nhello', false],
  ] as const) {
    const w = run();
    w.push(text);
    w.idle();
    assert.equal(w.problems.length, waits ? 0 : 1, `${JSON.stringify(text)}: ${JSON.stringify(w.problems)}`);
  }
  // Not a header, and not the start of one: reported at the quiet moment, as before.
  const j = run();
  j.push('hello');
  j.idle();
  assert.deepEqual(j.problems, ['bytes that are not a DAP header: "hello"']);
});

test('any mix of good and broken frames, in any chunking: every good frame is read once and in order, every broken one refused at most once (fuzz target frames, fixed seed)', () => {
  const r = fuzzFrames(0xf4a3e5, 1500);
  assert.deepEqual(r.failures, []);
  // The mixes reached what they aim at: broken frames, and requests recovered from them.
  assert.ok((r.counts?.['broken'] ?? 0) > 1000 && (r.counts?.['refused'] ?? 0) > 300, JSON.stringify(r.counts));
});

test('fuzz target frames: same seed, same result (deterministic)', () => {
  assert.deepEqual(fuzzFrames(7, 200), fuzzFrames(7, 200));
});

test('a slow sender of a long message is not cut short', () => {
  const r = run();
  const body = req(1, 'evaluate', { expression: 'y'.repeat(5000) });
  const all = frame(body);
  r.push(all.slice(0, 3000));
  r.idle(); // a pause mid-message: the part so far is not a whole message
  r.push(all.slice(3000));
  assert.deepEqual(seqs(r), [1]);
  assert.deepEqual(r.problems, []);
});

test('Content-Length over the limit, a header without end, and messages that are not requests are refused by name', () => {
  const r = run();
  r.push(`Content-Length: ${BODY_LIMIT + 1}\r\n\r\n{}` + frame(req(1)));
  assert.match(r.problems[0]!, /over the 16777216-byte limit/);
  r.push('X-Long: ' + 'a'.repeat(9000));
  assert.match(r.problems[1]!, /header longer than 8192 bytes/);
  r.push(frame(req(2)));
  r.push(frame('[1,2]') + frame('{"type":"nope"}') + frame('{"type":"request","command":"x"}') + frame(req(3)));
  assert.deepEqual(seqs(r), [1, 2, 3]);
  assert.match(r.problems.slice(2).join('\n'), /not a JSON object \(an array\)[^]*"type" is "nope"[^]*"seq" is missing \(expected an integer\)/);
});

test('endless garbage is bounded: kept memory stays small and the owner hears about it', () => {
  const r = run();
  const chunk = Buffer.alloc(64 * 1024, 'z');
  for (let i = 0; i < 40; i++) r.push(chunk);
  assert.ok(r.garbage >= 1);
  assert.equal(r.problems.length, 1);
  r.push(frame(req(1)));
  assert.deepEqual(seqs(r), [1]);
  assert.ok(40 * chunk.length > 2 * GARBAGE_LIMIT);
});

test('a large body in many chunks arrives whole', () => {
  const r = run();
  const body = req(1, 'evaluate', { expression: 'w'.repeat(4 << 20) });
  const all = Buffer.from(frame(body));
  for (let i = 0; i < all.length; i += 65536) r.push(all.subarray(i, i + 65536));
  assert.deepEqual(seqs(r), [1]);
});

test('reads into one reused buffer (stdio from a pipe): what the framer keeps between reads is its own copy', () => {
  // Frames split anywhere, multi-byte text split inside a character.
  const r = run(true);
  const all = Buffer.from(frame(req(1)) + frame(req(2, 'evaluate', { expression: 'é😀' })) + frame(req(3)), 'utf8');
  for (let i = 0; i < all.length; i += 7) r.push(all.subarray(i, i + 7));
  assert.deepEqual(seqs(r), [1, 2, 3]);
  assert.equal((r.messages[1]!.arguments as { expression: string }).expression, 'é😀');
  assert.deepEqual(r.problems, []);
  // A broken frame read a byte at a time: the bytes kept to name its request survive the reuse.
  const b = run(true);
  for (const c of Buffer.from(frame(req(7, 'next', { threadId: 1 }), 10) + frame(req(8)))) b.push(Buffer.from([c]));
  assert.deepEqual(seqs(b), [8]);
  assert.deepEqual(
    b.refused.map((x) => [x.seq, x.command]),
    [[7, 'next']],
  );
  // A Content-Length too long, settled by a quiet moment: what it looks at then was kept whole.
  const q = run(true);
  const long = frame(req(9), 400);
  q.push(long.slice(0, 20));
  q.push(long.slice(20));
  q.idle();
  assert.deepEqual(
    q.refused.map((x) => x.seq),
    [9],
  );
  // A body larger than the buffer, over many reads.
  const big = run(true);
  big.push(frame(req(4, 'evaluate', { expression: 'w'.repeat(300_000) })) + frame(req(5)));
  assert.deepEqual(seqs(big), [4, 5]);
  assert.equal((big.messages[0]!.arguments as { expression: string }).expression, 'w'.repeat(300_000));
});

test('reading into one reused buffer gives exactly what stream reading gives, for any chunking and quiet moments (seeded)', () => {
  // Every kind of broken frame between good ones; cut into reads at random places (whole frames in
  // one read as often as split ones), with the quiet-moment timer firing after random reads.
  const long = req(5);
  const bad = req(3, 'next');
  const all = Buffer.from(
    frame(req(1, 'initialize')) +
      'Content-Length: 5\r\n\r\n{"x":' +
      'hello adapter\r\n\r\n' +
      frame(bad, bad.length - 4) +
      frame(req(4, 'evaluate', { expression: 'é😀' })) +
      frame(long, long.length + 40) +
      frame(req(6)) +
      'junk' +
      frame(req(7)) +
      `Content-Length: ${req(8).length}\r\n\r\n${req(8).slice(0, 10)}`,
    'utf8',
  );
  let seed = 0x5eed;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  const outcome = (transient: boolean, cuts: number[], quiet: Set<number>): string => {
    const r = run(transient);
    let at = 0;
    for (const c of [...cuts, all.length]) {
      if (c > at) r.push(all.subarray(at, c));
      at = c;
      if (quiet.has(c)) r.idle();
    }
    r.idle();
    return JSON.stringify([r.messages, r.problems, r.refused]);
  };
  for (let k = 0; k < 3000; k++) {
    const cuts = [...new Set(Array.from({ length: rnd(8) }, () => rnd(all.length)))].sort((a, b) => a - b);
    const quiet = new Set(cuts.filter(() => rnd(3) === 0));
    assert.equal(outcome(true, cuts, quiet), outcome(false, cuts, quiet), `reads cut at ${cuts.join(',')}, quiet after ${[...quiet].join(',')}`);
  }
});

test('what one turn of the adapter writes leaves in one system call: cork at its first write, uncork after the turn', async () => {
  const { Writable } = await import('node:stream');
  const calls: string[][] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      calls.push([chunk.toString()]);
      cb();
    },
    writev(chunks, cb) {
      calls.push(chunks.map((c) => (c.chunk as Buffer).toString()));
      cb();
    },
  });
  coalescedOutput(out);
  // a response, its stopped event and an event after it, written in one turn
  out.write('response');
  out.write('stopped');
  out.write('traceChanged');
  assert.deepEqual(calls, [], 'nothing leaves before the turn ends');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [['response', 'stopped', 'traceChanged']]);
  // the next turn's messages leave in their own call
  out.write('threads');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [['response', 'stopped', 'traceChanged'], ['threads']]);
});

test('a stream that cannot cork is written as it is', () => {
  const seen: string[] = [];
  const out = { write: (s: string) => (seen.push(s), true) } as unknown as NodeJS.WritableStream;
  assert.equal(coalescedOutput(out), out);
  out.write('a');
  assert.deepEqual(seen, ['a']);
});

test('stdio output: what one turn writes goes to the descriptor in one write, after the turn', async () => {
  const { Writable } = await import('node:stream');
  const viaStream: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      viaStream.push(chunk.toString());
      cb();
    },
  });
  const calls: [number, string][] = [];
  directOutput(out, 7, (fd, data) => (calls.push([fd, data]), Buffer.byteLength(data)));
  let called = 0;
  out.write('response');
  out.write('stopped', () => called++);
  out.write('traceChanged');
  assert.deepEqual(calls, [], 'nothing leaves before the turn ends');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [[7, 'responsestoppedtraceChanged']]);
  assert.equal(called, 1, "a write's callback runs once its bytes are out");
  assert.deepEqual(viaStream, []);
});

test('stdio output: a short write, a full pipe or an error hands the rest to the stream, and later turns queue behind it', async () => {
  const { Writable } = await import('node:stream');
  const viaStream: string[] = [];
  let release: (() => void) | undefined;
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      viaStream.push(chunk.toString());
      // the pipe is slow: the stream holds what it was given until released
      release = () => cb();
    },
  });
  const direct: string[] = [];
  let mode: 'short' | 'eagain' | 'ok' = 'short';
  directOutput(out, 1, (_fd, data) => {
    if (mode === 'eagain') throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
    const n = mode === 'short' ? 4 : Buffer.byteLength(data);
    direct.push(data.slice(0, n));
    return n;
  });
  const turn = async () => new Promise((r) => setImmediate(r));
  // multi-byte characters: the remainder is cut by bytes, not characters
  out.write('abcdé€');
  await turn();
  assert.deepEqual(direct, ['abcd']);
  assert.deepEqual(viaStream, ['é€'], 'the bytes the descriptor did not take go to the stream');
  // the stream still holds bytes: the next turn goes behind them, not around them
  mode = 'ok';
  out.write('next');
  await turn();
  assert.deepEqual(direct, ['abcd']);
  release!();
  await turn();
  assert.deepEqual(viaStream, ['é€', 'next']);
  release!();
  await turn();
  // drained: direct again; a full pipe (EAGAIN) hands the whole turn to the stream
  out.write('again');
  await turn();
  assert.deepEqual(direct, ['abcd', 'again']);
  mode = 'eagain';
  out.write('full');
  await turn();
  assert.deepEqual(viaStream, ['é€', 'next', 'full']);
});

test('the replies to an input chunk leave as soon as the chunk is handled, together, before the turn ends', async () => {
  const { PassThrough, Writable } = await import('node:stream');
  const written: string[] = [];
  const out = new Writable({ write: (_c, _e, cb) => cb() });
  directOutput(out, 3, (_fd, data) => (written.push(data), Buffer.byteLength(data)));
  const input = new PassThrough();
  const seen: string[] = [];
  framedInput(
    input,
    {
      message: (m) => {
        seen.push(String(m.command));
        out.write(`reply:${String(m.command)};`);
      },
      problem: () => undefined,
    },
    out,
  );
  const frame = (command: string): string => {
    const json = JSON.stringify({ seq: 1, type: 'request', command });
    return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  };
  // two requests in one chunk: both replies in one write, made inside the 'data' event itself
  let during: string[] = [];
  input.on('data', () => (during = [...written]));
  input.write(frame('threads') + frame('scopes'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, ['threads', 'scopes']);
  // the test's listener runs after the framer's, in the same 'data' event: the replies are out already (a microtask would come later)
  assert.deepEqual(during, ['reply:threads;reply:scopes;']);
  assert.deepEqual(written, ['reply:threads;reply:scopes;']);
  // a write outside any input (a timer's event) still leaves, at the end of its turn
  out.write('event;');
  assert.equal(written.length, 1);
  await Promise.resolve();
  assert.deepEqual(written, ['reply:threads;reply:scopes;', 'event;']);
});

test('the plain header and every other form of it read alike: leading zeros, 12 and 13 digits, zero, over the limit, other fields after it', () => {
  const body = req(1);
  const n = Buffer.byteLength(body);
  const forms: [string, { seqs: unknown[]; problem?: RegExp }][] = [
    [`Content-Length: ${n}\r\n\r\n${body}`, { seqs: [1] }],
    [`Content-Length: 000${n}\r\n\r\n${body}`, { seqs: [1] }],
    [`Content-Length:${n}\r\n\r\n${body}`, { seqs: [1] }],
    [`Content-Length: ${n}\r\nX-Extra: 1\r\n\r\n${body}`, { seqs: [1] }],
    [`content-length: ${n}\r\n\r\n${body}`, { seqs: [1] }],
    [`Content-Length: ${String(n).padStart(12, '0')}\r\n\r\n${body}`, { seqs: [1] }],
    [`Content-Length: ${String(n).padStart(13, '0')}\r\n\r\n${body}`, { seqs: [], problem: /is not a byte count/ }],
    [`Content-Length: 0\r\n\r\n`, { seqs: [], problem: /Content-Length 0/ }],
    [`Content-Length: ${BODY_LIMIT + 1}\r\n\r\n${body}`, { seqs: [], problem: /over the \d+-byte limit/ }],
  ];
  for (const [text, want] of forms) {
    const r = run();
    r.push(text);
    r.idle();
    assert.deepEqual(seqs(r), want.seqs, JSON.stringify(text.slice(0, 40)));
    if (want.problem) assert.match(r.problems[0] ?? '', want.problem, JSON.stringify(text.slice(0, 40)));
    else assert.deepEqual(r.problems, [], JSON.stringify(text.slice(0, 40)));
    // and the stream goes on: a good frame after it is read
    r.push(frame(req(9)));
    assert.equal(r.messages.at(-1)?.seq, 9, JSON.stringify(text.slice(0, 40)));
  }
});

test('a broken frame followed by junk still names its request for an error response', () => {
  const r = run();
  // Content-Length too short for #60's frame, so its tail and the junk after it are skipped to #62's header.
  r.push(frame(req(60)) + frame(req(61), 30) + 'garbage\r\n' + frame(req(62)));
  assert.deepEqual(seqs(r), [60, 62]);
  assert.deepEqual(
    r.refused.map((x) => [x.seq, x.command]),
    [[61, 'threads']],
  );
});

test('the input ending inside a message is reported: nothing more can complete it', () => {
  const r = run();
  r.push(frame(req(53)).slice(0, 40));
  r.push('');
  assert.deepEqual(r.problems, []);
  r.end();
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, /^the input ended inside a message: \d+ of its \d+ bytes came$/);
  // A slow sender, whose input has not ended, is waited for.
  const slow = run();
  slow.push(frame(req(54)).slice(0, 40));
  slow.idle();
  assert.deepEqual(slow.problems, []);
});

test('at the end of the input, frames too long one after another are each settled and the good frame inside them is read', () => {
  // Found by `npm run fuzz` (frames, seed 2162275815): #4's length runs to within a few bytes of the
  // end, #5's and #6's past it; the end of the input settled #4 and left #5, #6 and the good #7 unread.
  const tail = frame(req(5)) + frame(req(6)) + frame(req(7));
  const text = frame(req(3)) + frame(req(4), Buffer.byteLength(req(4)) + Buffer.byteLength(tail) - 4) + frame(req(5), 299) + frame(req(6), 192) + frame(req(7));
  for (const quiet of [false, true]) {
    const r = run();
    r.push(text);
    if (quiet) r.idle(); // a quiet moment settles #4 only; the end settles the rest
    r.end();
    assert.deepEqual(seqs(r), [3, 7], `quiet moment first: ${quiet}`);
    assert.deepEqual(
      r.refused.map((x) => x.seq),
      [4, 5, 6],
    );
    assert.equal(r.problems.length, 3);
    for (const p of r.problems) assert.match(p, /^Content-Length \d+ is longer than the message, which ends after \d+ bytes$/);
  }
});

test('thousands of frames whose lengths run past the input are settled in one quiet moment, without recursion, and the good frame after them is read', () => {
  const n = 20_000;
  let text = '';
  for (let i = 1; i <= n; i++) text += frame(req(i), 16_000_000);
  text += frame(req(n + 1));
  for (const ending of [false, true]) {
    const r = run(true);
    r.push(text);
    assert.deepEqual(seqs(r), [], 'each waits for its 16 MB');
    if (ending) r.end();
    else r.idle();
    assert.deepEqual(seqs(r), [n + 1], `ended: ${ending}`);
    assert.equal(r.refused.length, n);
    assert.equal(r.refused[n - 1]!.seq, n);
    assert.equal(r.problems.length, n);
  }
});

test('a header whose message never starts is reported when the input ends', () => {
  const r = run();
  r.push(frame(req(1)) + 'Content-Length: 50\r\n\r\n');
  r.idle();
  assert.deepEqual(r.problems, [], 'a slow sender is waited for');
  r.end();
  assert.deepEqual(seqs(r), [1]);
  assert.deepEqual(r.problems, ['the input ended inside a message: 0 of its 50 bytes came']);
});
