// Where analyses run. The language server must answer hover and completion in
// milliseconds while a 1 MB scenario is re-checked (about half a second), so the
// checking runs on a worker thread (Node's worker_threads, the same bundle
// started again), in two stages: parse and list the dump files, then — once the
// server has read them through its FileAccess — check. Where no worker can be
// started (a web host without one, a test running the sources), the same two
// stages run in-process, yielding to the event loop in between.
import type { FileRead } from '../emulator/scenario/staged';
import { formatScenario } from '../emulator/scenario/format';
import { checkReads, parseDocument, type ParsedDocument } from './analyze';
import { packAnalysis, transferables, type PackedAnalysis } from './packed';

export interface Job {
  seq: number;
  uri: string;
  version: number;
  text: string;
}

/** Reads the dump files a document names (confined to its folder and the workspace). */
export type ReadFiles = (uri: string, paths: readonly string[]) => Promise<Map<string, FileRead>>;

export interface Runner {
  /** The analysis, or undefined when the job was dropped before it finished. */
  analyze(job: Job, read: ReadFiles): Promise<PackedAnalysis | undefined>;
  /** The job's result is no longer wanted (a newer version came): stop it if that is cheap. */
  drop(seq: number): void;
  format(text: string): Promise<string>;
  dispose(): void;
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * The analysis worker ran out of memory on a job (Node's ERR_WORKER_OUT_OF_MEMORY): the document
 * is too large to check in the memory a thread may have. Not a broken worker: the next job starts
 * a fresh one, and the main thread, whose heap is no larger, is not asked to try.
 */
export class AnalysisOutOfMemory extends Error {}

/** Both stages on this thread, with a turn of the event loop between them. */
export class InProcessRunner implements Runner {
  private dropped = new Set<number>();

  async analyze(job: Job, read: ReadFiles): Promise<PackedAnalysis | undefined> {
    await nextTurn();
    if (this.dropped.delete(job.seq)) return undefined;
    const p = parseDocument(job.text, job.uri);
    const reads = await read(job.uri, p.paths);
    await nextTurn();
    if (this.dropped.delete(job.seq)) return undefined;
    return packAnalysis(checkReads(p, reads), job.seq, job.version);
  }

  drop(seq: number): void {
    this.dropped.add(seq);
    if (this.dropped.size > 1000) this.dropped.clear();
  }

  async format(text: string): Promise<string> {
    return formatScenario(text);
  }

  dispose(): void {}
}

// ---- the worker thread ---------------------------------------------------------------------------

/** Messages to the worker. */
export type ToWorker =
  /** Shared with the worker: the sequence number of the last job dropped, so a finished result nobody wants is not sent (nor received). */
  | { t: 'dropped'; flag: Int32Array }
  | { t: 'parse'; job: Job }
  | { t: 'check'; seq: number; reads: Map<string, FileRead> }
  | { t: 'drop'; seq: number }
  | { t: 'format'; id: number; text: string };

/** Messages from the worker. */
export type FromWorker =
  | { t: 'paths'; seq: number; paths: string[] }
  | { t: 'result'; seq: number; result?: PackedAnalysis }
  | { t: 'failed'; seq: number; error: string }
  | { t: 'formatted'; id: number; text: string }
  /** The formatter threw on this text: that request fails, the worker goes on. */
  | { t: 'formatFailed'; id: number; error: string };

interface Port {
  on(event: 'message', fn: (m: ToWorker) => void): void;
  postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The worker's side: answers the messages above. Runs in the worker thread. A request that throws
 * (a bug, or a text the formatter cannot make: `Invalid string length`) is answered as failed and
 * the worker serves on; only the worker's death makes the server give it up. `format` is the
 * formatter (a test passes one that throws).
 */
export function serveAnalyses(port: Port, format: (text: string) => string = formatScenario): void {
  const parsed = new Map<number, { job: Job; doc: ParsedDocument }>();
  let dropped: Int32Array | undefined;
  const wanted = (seq: number): boolean => !dropped || Atomics.load(dropped, 0) !== seq;
  port.on('message', (m) => {
    switch (m.t) {
      case 'dropped':
        dropped = m.flag;
        break;
      case 'parse': {
        try {
          const doc = parseDocument(m.job.text, m.job.uri);
          parsed.set(m.job.seq, { job: m.job, doc });
          port.postMessage({ t: 'paths', seq: m.job.seq, paths: doc.paths });
        } catch (e) {
          port.postMessage({ t: 'failed', seq: m.job.seq, error: messageOf(e) });
        }
        break;
      }
      case 'check': {
        const p = parsed.get(m.seq);
        parsed.delete(m.seq);
        if (!p) break;
        try {
          const result = packAnalysis(checkReads(p.doc, m.reads), p.job.seq, p.job.version);
          if (!wanted(m.seq)) port.postMessage({ t: 'result', seq: m.seq });
          else port.postMessage({ t: 'result', seq: m.seq, result }, transferables(result));
        } catch (e) {
          port.postMessage({ t: 'failed', seq: m.seq, error: messageOf(e) });
        }
        break;
      }
      case 'drop':
        parsed.delete(m.seq);
        break;
      case 'format': {
        let text: string;
        try {
          text = format(m.text);
        } catch (e) {
          port.postMessage({ t: 'formatFailed', id: m.id, error: messageOf(e) });
          break;
        }
        port.postMessage({ t: 'formatted', id: m.id, text });
        break;
      }
    }
  });
}

interface WorkerLike {
  postMessage(m: ToWorker): void;
  on(event: 'message', fn: (m: FromWorker) => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
  terminate(): Promise<number>;
  unref(): void;
}

/** A job stuck in the worker this long after it was dropped costs less to kill than to wait for. */
const KILL_AFTER_MS = 1000;

/** Analyses on a worker thread; `spawn` starts one (the server's own bundle in worker mode). */
export class WorkerRunner implements Runner {
  private worker?: WorkerLike;
  /** The last dropped job's sequence number, shared with the worker (see ToWorker 'dropped'). */
  private readonly droppedFlag = new Int32Array(new SharedArrayBuffer(4));
  private pending = new Map<
    number,
    { resolve: (r: PackedAnalysis | undefined) => void; reject: (e: Error) => void; read: ReadFiles; job: Job; started: number; dropped: boolean }
  >();
  private formats = new Map<number, { text: string; resolve: (t: string) => void; reject: (e: Error) => void }>();
  private nextFormat = 1;

  constructor(
    private readonly spawn: () => WorkerLike,
    /** Called when the worker fails for good (it cannot start, or crashed): the caller switches to another runner. */
    private readonly onBroken: (e: Error) => void,
  ) {}

  private ensure(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.spawn();
    w.unref();
    w.on('message', (m) => this.onMessage(m));
    w.on('error', (e) => this.fail(w, e));
    w.on('exit', (code) => this.fail(w, new Error(`the analysis worker exited (code ${code})`)));
    w.postMessage({ t: 'dropped', flag: this.droppedFlag });
    this.worker = w;
    return w;
  }

  private onMessage(m: FromWorker): void {
    if (m.t === 'formatted' || m.t === 'formatFailed') {
      const f = this.formats.get(m.id);
      this.formats.delete(m.id);
      if (m.t === 'formatted') f?.resolve(m.text);
      else f?.reject(new Error(m.error));
      return;
    }
    const p = this.pending.get(m.seq);
    if (!p) return;
    if (m.t === 'paths') {
      if (p.dropped) {
        this.worker?.postMessage({ t: 'drop', seq: m.seq });
        this.settle(m.seq, undefined);
        return;
      }
      p.read(p.job.uri, m.paths).then(
        (reads) => {
          if (p.dropped) {
            this.worker?.postMessage({ t: 'drop', seq: m.seq });
            this.settle(m.seq, undefined);
          } else this.worker?.postMessage({ t: 'check', seq: m.seq, reads });
        },
        (e: unknown) => this.settle(m.seq, undefined, e instanceof Error ? e : new Error(String(e))),
      );
    } else if (m.t === 'result') this.settle(m.seq, p.dropped ? undefined : m.result);
    else this.settle(m.seq, undefined, new Error(m.error));
  }

  private settle(seq: number, r: PackedAnalysis | undefined, e?: Error): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    if (e) p.reject(e);
    else p.resolve(r);
  }

  /**
   * The worker died or could not start: every job in it fails, and the owner is told. One that ran
   * out of memory is not broken: its jobs fail as too large (AnalysisOutOfMemory) and the next job
   * starts a fresh worker.
   */
  private fail(w: WorkerLike, e: Error): void {
    if (this.worker !== w) return; // one terminated on purpose
    this.worker = undefined;
    const oom = (e as Error & { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const why = oom ? new AnalysisOutOfMemory(e.message) : e;
    for (const [seq] of this.pending) this.settle(seq, undefined, why);
    for (const f of this.formats.values()) f.reject(why);
    this.formats.clear();
    if (!oom) this.onBroken(e);
  }

  analyze(job: Job, read: ReadFiles): Promise<PackedAnalysis | undefined> {
    const w = this.ensure();
    return new Promise((resolve, reject) => {
      this.pending.set(job.seq, { resolve, reject, read, job, started: Date.now(), dropped: false });
      w.postMessage({ t: 'parse', job });
    });
  }

  drop(seq: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    p.dropped = true;
    Atomics.store(this.droppedFlag, 0, seq);
    // Still parsing or checking a big document that nobody wants: restart the worker rather than wait.
    if (Date.now() - p.started > KILL_AFTER_MS && this.worker) {
      const w = this.worker;
      this.worker = undefined;
      void w.terminate();
      for (const [s] of this.pending) this.settle(s, undefined);
      // A format that was waiting behind it is wanted still: the fresh worker does it.
      if (this.formats.size) {
        const fresh = this.ensure();
        for (const [id, f] of this.formats) fresh.postMessage({ t: 'format', id, text: f.text });
      }
    }
  }

  format(text: string): Promise<string> {
    const w = this.ensure();
    const id = this.nextFormat++;
    return new Promise((resolve, reject) => {
      this.formats.set(id, { text, resolve, reject });
      w.postMessage({ t: 'format', id, text });
    });
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}
