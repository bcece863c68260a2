// How the language server schedules analyses (language/scheduler.ts) and keeps
// documents (language/document.ts), driven by hand: a burst of edits is one
// analysis of the last version; an analysis overtaken by an edit is dropped and
// never published; the last analysis answers while a new one runs; a document
// kept as lines reads exactly as the stock TextDocument after any edits.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisScheduler } from '../../language/scheduler';
import type { Job, ReadFiles, Runner } from '../../language/runner';
import { AnalysisOutOfMemory, InProcessRunner, WorkerRunner, serveAnalyses, type ToWorker } from '../../language/runner';
import type { PackedAnalysis } from '../../language/packed';
import type { DocAnalysis } from '../../language/packed';
import { LineDocument } from '../../language/document';
import { LineIndex } from '../../emulator/scenario/lines';
import { DocAnalysis as Unpacked, LARGE_DOCUMENT_LINES, LARGE_DOCUMENT_TOKENS, packAnalysis, packDiagnostics, unpackDiagnostics } from '../../language/packed';
import { analyze } from '../../language/analyze';
import { nameAt } from '../../language/names';
import { readFileSync } from 'node:fs';
import { rng } from '../../fuzz/rng';

/** A runner whose jobs finish when the test says so. */
class HandRunner implements Runner {
  jobs: { job: Job; finish: (ok?: boolean | 'oom') => void }[] = [];
  dropped: number[] = [];
  analyze(job: Job, _read: ReadFiles): Promise<PackedAnalysis | undefined> {
    return new Promise((resolve, reject) => {
      this.jobs.push({
        job,
        finish: (ok: boolean | 'oom' = true) => {
          if (ok === 'oom') return reject(new AnalysisOutOfMemory('Worker terminated due to reaching memory limit: JS heap out of memory'));
          if (!ok) return reject(new Error('boom'));
          resolve(this.dropped.includes(job.seq) ? undefined : packed(job));
        },
      });
    });
  }
  drop(seq: number): void {
    this.dropped.push(seq);
  }
  async format(text: string): Promise<string> {
    return text;
  }
  dispose(): void {}
}

function packed(job: Job): PackedAnalysis {
  return {
    uri: job.uri,
    seq: job.seq,
    version: job.version,
    diagnostics: packDiagnostics([{ message: job.text, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]),
    names: { kinds: new Uint8Array(), locs: new Int32Array(), text: '' },
    tokens: new Uint32Array(),
    lineStarts: new LineIndex(job.text).startsOf(),
    symbols: '[]',
    folding: '[]',
    busNames: [],
    functions: [],
    times: [],
    vectors: {},
    machine: { cpus: 4, host: 'hyperv-2016', guest: 'freebsd' },
    blocks: new Int32Array(),
    files: [],
    brokenLines: new Int32Array(),
    unreadFrom: 0,
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(): { runner: HandRunner; s: AnalysisScheduler; published: DocAnalysis[] } {
  const runner = new HandRunner();
  const published: DocAnalysis[] = [];
  const s = new AnalysisScheduler(
    runner,
    async () => new Map(),
    (a) => published.push(a),
  );
  return { runner, s, published };
}

test('a burst of edits inside the debounce is one analysis, of the last version', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { runner, s, published } = setup();
    for (let v = 1; v <= 30; v++) s.update('u', v, () => `text ${v}`, 50);
    mock.timers.tick(49);
    assert.equal(runner.jobs.length, 0);
    mock.timers.tick(1);
    assert.deepEqual(
      runner.jobs.map((j) => [j.job.version, j.job.text]),
      [[30, 'text 30']],
    );
    runner.jobs[0]!.finish();
    await tick();
    assert.deepEqual(
      published.map((a) => a.version),
      [30],
    );
  } finally {
    mock.timers.reset();
  }
});

test('an analysis overtaken by an edit is dropped and never published; the last one answers meanwhile', async () => {
  const { runner, s, published } = setup();
  s.update('u', 1, () => 'one', 0);
  runner.jobs[0]!.finish();
  await tick();
  assert.equal(s.last('u')?.version, 1);
  s.update('u', 2, () => 'two', 0);
  assert.equal(runner.jobs.length, 2);
  const now = s.current('u');
  s.update('u', 3, () => 'three', 0);
  assert.deepEqual(runner.dropped, [runner.jobs[1]!.job.seq]);
  // While the newer ones run, hover and completion still have version 1.
  assert.equal(s.last('u')?.version, 1);
  runner.jobs[1]!.finish();
  await tick();
  assert.equal(runner.jobs.length, 3);
  assert.equal(runner.jobs[2]!.job.version, 3);
  runner.jobs[2]!.finish();
  assert.equal((await now)?.version, 3);
  assert.deepEqual(
    published.map((a) => a.version),
    [1, 3],
  );
});

test('a finished analysis that a newer edit has overtaken is kept for hover but not published', async () => {
  const runner = new (class extends HandRunner {
    override drop(): void {} // cannot stop it: it finishes with its (now stale) result
  })();
  const published: DocAnalysis[] = [];
  const s = new AnalysisScheduler(
    runner,
    async () => new Map(),
    (a) => published.push(a),
  );
  s.update('u', 1, () => 'one', 0);
  s.update('u', 2, () => 'two', 10_000);
  runner.jobs[0]!.finish();
  await tick();
  assert.deepEqual(published, []);
  assert.equal(s.last('u')?.version, 1);
  s.close('u');
});

test('a failing analysis is retried once, then whoever waits gets what there is', async () => {
  const { runner, s } = setup();
  s.update('u', 1, () => 'one', 0);
  const waiting = s.current('u');
  runner.jobs[0]!.finish(false);
  await tick();
  assert.equal(runner.jobs.length, 2);
  runner.jobs[1]!.finish(false);
  await tick();
  assert.equal(runner.jobs.length, 2);
  assert.equal(await waiting, undefined);
});

test('a text the analysis ran out of memory on is said once per version, never retried, and nobody waits on it; a shorter one is analysed', async () => {
  const runner = new HandRunner();
  const published: DocAnalysis[] = [];
  const tooLarge: [string, number][] = [];
  const s = new AnalysisScheduler(
    runner,
    async () => new Map(),
    (a) => published.push(a),
    () => {},
    (uri, version) => tooLarge.push([uri, version]),
  );
  s.update('u', 1, () => 'x'.repeat(1000), 0);
  const waiting = s.current('u');
  const first = s.lastOrNext('u');
  runner.jobs[0]!.finish('oom');
  await tick();
  assert.deepEqual(tooLarge, [['u', 1]]);
  assert.equal(runner.jobs.length, 1, 'not retried');
  assert.equal(await waiting, undefined);
  assert.equal(await first, undefined);
  // Asked again while that version stands: answered at once, with nothing.
  assert.equal(await s.current('u'), undefined);
  assert.equal(await s.lastOrNext('u'), undefined);
  // Longer still: judged without trying.
  s.update('u', 2, () => 'x'.repeat(1001), 0);
  await tick();
  assert.deepEqual(tooLarge, [
    ['u', 1],
    ['u', 2],
  ]);
  assert.equal(runner.jobs.length, 1);
  // Another document is analysed meanwhile, as usual.
  s.update('v', 1, () => 'small', 0);
  await tick();
  assert.equal(runner.jobs.length, 2);
  runner.jobs[1]!.finish();
  await tick();
  assert.deepEqual(
    published.map((a) => [a.uri, a.version]),
    [['v', 1]],
  );
  // Shorter than the text that was too large: tried again.
  s.update('u', 3, () => 'x'.repeat(999), 0);
  const now = s.current('u');
  await tick();
  assert.equal(runner.jobs.length, 3);
  runner.jobs[2]!.finish();
  assert.equal((await now)?.version, 3);
  assert.deepEqual(tooLarge.length, 2);
});

test('a worker that runs out of memory fails its job as too large and is replaced; the runner is not given up', async () => {
  type Handler = (x: unknown) => void;
  const workers: { handlers: Map<string, Handler>; posted: unknown[] }[] = [];
  const broken: Error[] = [];
  const r = new WorkerRunner(
    () => {
      const w = { handlers: new Map<string, Handler>(), posted: [] as unknown[] };
      workers.push(w);
      return {
        on: (ev: string, fn: Handler) => w.handlers.set(ev, fn),
        postMessage: (m: unknown) => w.posted.push(m),
        unref: () => {},
        terminate: async () => 0,
      } as never;
    },
    (e) => broken.push(e),
  );
  const job: Job = { seq: 1, uri: 'u', version: 1, text: 'big' };
  const result = r.analyze(job, async () => new Map());
  const oom = Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
  workers[0]!.handlers.get('error')!(oom);
  workers[0]!.handlers.get('exit')!(1);
  await assert.rejects(result, (e: unknown) => e instanceof AnalysisOutOfMemory);
  assert.deepEqual(broken, [], 'not a broken worker: the server keeps analysing off its main thread');
  // The next job starts a fresh worker.
  const second = r.analyze({ ...job, seq: 2 }, async () => new Map());
  assert.equal(workers.length, 2);
  // Any other death is a broken worker, as before.
  workers[1]!.handlers.get('error')!(new Error('cannot start'));
  await assert.rejects(second, (e: unknown) => e instanceof Error && !(e instanceof AnalysisOutOfMemory));
  assert.equal(broken.length, 1);
});

test('a format waiting behind an analysis that is dropped and stopped by a worker restart is done by the fresh worker', async () => {
  type Handler = (x: unknown) => void;
  const workers: { handlers: Map<string, Handler>; posted: { t?: string; id?: number; text?: string }[] }[] = [];
  const r = new WorkerRunner(
    () => {
      const w = { handlers: new Map<string, Handler>(), posted: [] as { t?: string }[] };
      workers.push(w);
      return {
        on: (ev: string, fn: Handler) => w.handlers.set(ev, fn),
        postMessage: (m: { t?: string }) => w.posted.push(m),
        unref: () => {},
        terminate: async () => 0,
      } as never;
    },
    () => assert.fail('not broken'),
  );
  const job: Job = { seq: 1, uri: 'u', version: 1, text: 'big' };
  const analysis = r.analyze(job, async () => new Map());
  const formatted = r.format('at  1ms boot\n');
  // The analysis has run for longer than the runner waits for a dropped one: it restarts the worker.
  const now = Date.now;
  Date.now = () => now() + 60_000;
  try {
    r.drop(1);
  } finally {
    Date.now = now;
  }
  assert.equal(await analysis, undefined);
  assert.equal(workers.length, 2, 'a fresh worker');
  const sent = workers[1]!.posted.find((m) => m.t === 'format')!;
  assert.equal(sent.text, 'at  1ms boot\n');
  workers[1]!.handlers.get('message')!({ t: 'formatted', id: sent.id, text: 'at 1ms  boot\n' });
  assert.equal(await formatted, 'at 1ms  boot\n');
});

test('a request that throws in the worker fails that request only: the worker stays in use and the server keeps it', async () => {
  type Handler = (x: unknown) => void;
  const workers: Map<string, Handler>[] = [];
  const broken: Error[] = [];
  const r = new WorkerRunner(
    () => {
      const handlers = new Map<string, Handler>();
      workers.push(handlers);
      // The worker's side in this thread, as the real worker runs it; an exception its handler lets
      // out is the worker's 'error' event, as Node reports one thrown in a worker thread.
      let serve: ((m: ToWorker) => void) | undefined;
      serveAnalyses(
        {
          on: (_ev, fn) => (serve = fn),
          postMessage: (m) => setImmediate(() => handlers.get('message')!(m)),
        },
        (text) => {
          if (text.includes('{')) throw new RangeError('Invalid string length');
          return text.trim() + '\n';
        },
      );
      return {
        on: (ev: string, fn: Handler) => handlers.set(ev, fn),
        postMessage: (m: ToWorker) =>
          setImmediate(() => {
            try {
              serve!(m);
            } catch (e) {
              handlers.get('error')!(e);
            }
          }),
        unref: () => {},
        terminate: async () => 0,
      } as never;
    },
    (e) => broken.push(e),
  );
  await assert.rejects(r.format('bus nic0 {\n'), /Invalid string length/);
  assert.deepEqual(broken, [], 'the worker is not given up');
  assert.equal(await r.format('  at 1ms boot'), 'at 1ms boot\n');
  const a = await r.analyze({ seq: 1, uri: 'file:///x.vpci', version: 1, text: 'at 0 boot\n' }, async () => new Map());
  assert.equal(a?.version, 1);
  assert.equal(workers.length, 1, 'the same worker answered all three');
});

test('in-process runner: the same analysis in two stages, the files read in between', async () => {
  const r = new InProcessRunner();
  let asked: readonly string[] = [];
  const p = await r.analyze({ seq: 1, uri: 'file:///d/a.vpci', version: 1, text: 'bus a { function 0 dump "x.lspci" }\nat 0 boot\n' }, async (_u, paths) => {
    asked = paths;
    return new Map([['x.lspci', { code: 'dump-outside' as const, message: "dump file 'x.lspci' is outside the scenario's folder" }]]);
  });
  assert.deepEqual(asked, ['x.lspci']);
  assert.deepEqual(p && unpackDiagnostics(p.diagnostics).map((d) => [d.code, d.message]), [
    ['dump-outside', "dump file 'x.lspci' is outside the scenario's folder"],
  ]);
});

test('a document kept as lines reads as the stock TextDocument after any edits (\\r\\n, lone \\r, ranges past the end)', () => {
  const frags = ['', 'a', '\n', '\r', '\r\n', 'xy\nz', '\n\r', 'q\r', '\rq', 'é', '😀', 'bus nic0 {\r\n'];
  for (let seed = 0; seed < 400; seed++) {
    const r = rng(seed);
    const text = Array.from({ length: r.int(8) }, () => r.pick(frags)).join('');
    let lib = TextDocument.create('u', 'vpci', 1, text);
    const mine = new LineDocument('u', 'vpci', 1, text);
    for (let i = 0; i < 25; i++) {
      const pos = (): { line: number; character: number } => ({ line: r.int(lib.lineCount + 2) - 1, character: r.int(9) - 1 });
      const ch = r.chance(0.05)
        ? { text: r.pick(frags) }
        : { range: { start: pos(), end: pos() }, text: Array.from({ length: r.int(3) }, () => r.pick(frags)).join('') };
      lib = TextDocument.update(lib, [ch], i + 2);
      mine.update([ch], i + 2);
      assert.equal(mine.getText(), lib.getText(), `seed ${seed} edit ${i}`);
      assert.equal(mine.lineCount, lib.lineCount);
      assert.equal(mine.length, lib.getText().length);
      const a = pos();
      const b = { line: a.line + r.int(2), character: r.int(9) };
      assert.equal(mine.getText({ start: a, end: b }), lib.getText({ start: a, end: b }));
      assert.equal(mine.offsetAt(a), lib.offsetAt(a));
      const off = r.int(lib.getText().length + 2);
      assert.deepEqual(mine.positionAt(off), lib.positionAt(off));
    }
  }
});

test('a long document kept as lines (blocks of lines) reads as the stock TextDocument after edits across many lines', () => {
  const line = (r: ReturnType<typeof rng>): string =>
    r.pick(['at 0 boot', 'bus nic0 {', '}', '', 'expect nic0 attached', '# x']) + r.pick(['\n', '\r\n', '\r']);
  const lines = (r: ReturnType<typeof rng>, n: number): string => Array.from({ length: n }, () => line(r)).join('');
  for (let seed = 0; seed < 12; seed++) {
    const r = rng(1000 + seed);
    const text = lines(r, 1500 + r.int(1500));
    let lib = TextDocument.create('u', 'vpci', 1, text);
    const mine = new LineDocument('u', 'vpci', 1, text);
    for (let i = 0; i < 120; i++) {
      const n = lib.lineCount;
      // Inside the document: the stock TextDocument miscounts its lines after a range that starts
      // past its last line (the small-document test above covers those ranges, where it does not).
      const start = { line: r.int(n), character: r.int(12) };
      // Short edits, and ones that span or insert hundreds of lines (across the 512-line blocks).
      const span = r.pick([0, 0, 1, 3, 600, 1200]);
      const end = { line: Math.min(n - 1, start.line + span), character: r.int(12) };
      const insert = r.pick(['', 'x', '\n', '\r', 'a\nb', lines(r, r.pick([1, 2, 700]))]);
      const ch = r.chance(0.02) ? { text: lines(r, r.int(1200)) } : { range: { start, end }, text: insert };
      lib = TextDocument.update(lib, [ch], i + 2);
      mine.update([ch], i + 2);
      assert.equal(mine.lineCount, lib.lineCount, `seed ${seed} edit ${i}`);
      assert.equal(mine.length, lib.getText().length);
      for (let k = 0; k < 5; k++) {
        const a = { line: r.int(lib.lineCount + 1), character: r.int(12) };
        const b = { line: a.line + r.int(700), character: r.int(12) };
        assert.equal(mine.getText({ start: a, end: b }), lib.getText({ start: a, end: b }), `seed ${seed} edit ${i} range ${JSON.stringify([a, b])}`);
        // Offsets and positions across blocks (offsets at a block's very end included).
        assert.equal(mine.offsetAt(a), lib.offsetAt(a), `seed ${seed} edit ${i} offsetAt ${JSON.stringify(a)}`);
        const off = r.int(lib.getText().length + 2);
        assert.deepEqual(mine.positionAt(off), lib.positionAt(off), `seed ${seed} edit ${i} positionAt ${off}`);
        const lineEnd = lib.offsetAt({ line: a.line + 1, character: 0 });
        assert.deepEqual(mine.positionAt(lineEnd), lib.positionAt(lineEnd));
      }
      if (i % 20 === 0) assert.equal(mine.getText(), lib.getText(), `seed ${seed} edit ${i}`);
    }
    assert.equal(mine.getText(), lib.getText(), `seed ${seed}`);
  }
  // A paste of 200,000 lines into one place (no argument spread of the lines).
  const big = new LineDocument('u', 'vpci', 1, 'a\nb\n');
  const paste = 'x\n'.repeat(200_000);
  big.update([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: paste }], 2);
  assert.equal(big.lineCount, 200_003);
  assert.equal(big.getText(), `a\n${paste}b\n`);
});

test("the packed name table answers nameAt and one name's occurrences exactly as the full table does", () => {
  const text = readFileSync('examples/hot-plug.vpci', 'utf8') + readFileSync('examples/quickstart.vpci', 'utf8').replace(/bus nic(\d)/g, 'bus more$1');
  const a = analyze(text, 'file:///x.vpci');
  const d = new Unpacked(packAnalysis(a, 1, 1), text);
  assert.deepEqual(d.packed.busNames, [...new Set(a.names.filter((n) => n.kind === 'bus-decl').map((n) => n.name))]);
  let found = 0;
  const lines = text.split('\n');
  for (let line = 1; line <= lines.length; line++)
    for (let col = 1; col <= lines[line - 1]!.length + 1; col++) {
      const want = nameAt(a.names, line, col);
      assert.deepEqual(d.nameAt(line, col), want, `${line}:${col}`);
      if (want) {
        found++;
        assert.deepEqual(
          d.named(want.name),
          a.names.filter((n) => n.name === want.name),
        );
      }
    }
  assert.ok(found > 100, `${found}`);
});

test('semantic tokens and folding ranges up to LARGE_DOCUMENT_LINES lines, none past them', () => {
  const lines = (n: number): string => '# a\n'.repeat(n - 1) + '# a';
  const at = packAnalysis(analyze(lines(LARGE_DOCUMENT_LINES), 'file:///a.vpci'), 1, 1);
  assert.equal(at.lineStarts.length, LARGE_DOCUMENT_LINES);
  assert.equal(at.tokens.length, 5 * LARGE_DOCUMENT_LINES, 'one comment token per line');
  assert.deepEqual(JSON.parse(at.folding), [{ startLine: 0, endLine: LARGE_DOCUMENT_LINES - 1, kind: 'comment' }]);
  const past = packAnalysis(analyze(lines(LARGE_DOCUMENT_LINES + 1), 'file:///a.vpci'), 1, 1);
  assert.equal(past.lineStarts.length, LARGE_DOCUMENT_LINES + 1);
  assert.equal(past.tokens.length, 0);
  assert.equal(past.folding, '[]');
});

test('semantic tokens and folding ranges up to LARGE_DOCUMENT_TOKENS tokens, however few the lines, none past them', () => {
  // Two lines of words (each a token), a comment block around them so that folding has something to give.
  const text = (n: number): string => `# a\n# b\n${'x '.repeat(n / 2)}\n${'x '.repeat(n / 2 - 4)}\n# c\n# d`;
  const at = packAnalysis(analyze(text(LARGE_DOCUMENT_TOKENS), 'file:///a.vpci'), 1, 1);
  assert.equal(at.tokens.length, 5 * LARGE_DOCUMENT_TOKENS, 'four comments and the words');
  assert.deepEqual(JSON.parse(at.folding), [
    { startLine: 0, endLine: 1, kind: 'comment' },
    { startLine: 4, endLine: 5, kind: 'comment' },
  ]);
  const past = packAnalysis(analyze(text(LARGE_DOCUMENT_TOKENS + 2), 'file:///a.vpci'), 1, 1);
  assert.equal(past.lineStarts.length, 6);
  assert.equal(past.tokens.length, 0);
  assert.equal(past.folding, '[]');
});

test('a document says which lines were edited since the text of a version was taken for analysis, and nothing once a line came or went or a version did not increase', () => {
  const doc = new LineDocument('u', 'vpci', 1, 'a\nb\nc\nd\n');
  doc.textForAnalysis();
  assert.deepEqual(doc.editedSince(1), { lo: Infinity, hi: -1, moved: false });
  const at = (line: number, character: number): { line: number; character: number } => ({ line, character });
  doc.update([{ range: { start: at(1, 1), end: at(1, 1) }, text: 'x' }], 2);
  doc.update([{ range: { start: at(3, 0), end: at(3, 1) }, text: 'y' }], 3);
  assert.deepEqual({ ...doc.editedSince(1) }, { lo: 1, hi: 3, moved: false });
  assert.equal(doc.editedSince(2), undefined, 'version 2 was never taken');
  doc.textForAnalysis();
  doc.update([{ range: { start: at(0, 1), end: at(0, 1) }, text: '\n' }], 4);
  assert.equal(doc.editedSince(1), undefined);
  assert.equal(doc.editedSince(3), undefined);
  doc.textForAnalysis();
  doc.update([{ range: { start: at(0, 0), end: at(0, 0) }, text: 'z' }], 2);
  assert.equal(doc.editedSince(4), undefined, 'a version going back makes two texts one version');
});
