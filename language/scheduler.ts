// When documents are analysed. Edits arrive faster than a large scenario can
// be checked, so analysis is debounced (a quiet moment after the last edit,
// longer for larger documents), runs one job at a time off the answering
// thread (language/runner.ts), and the latest version wins: a job overtaken by
// a newer edit is dropped (or its result kept only as "last good", never
// published). Requests are answered from the last good analysis while a new
// one runs; those that must match the current text (semantic tokens, the
// outline, folding) wait for the analysis of the current version.
import { DocAnalysis } from './packed';
import { AnalysisOutOfMemory, type Job, type ReadFiles, type Runner } from './runner';

/** Debounce after an edit: about 30 ms for a small scenario, 70 ms for 40,000 lines (1 MB), at most 400 ms. */
export function debounceMs(lines: number): number {
  return Math.min(400, 30 + Math.floor(lines / 1000));
}

interface DocState {
  uri: string;
  /** The latest version and its text (taken only when a job starts: joining a large text per keystroke is what this avoids), and the job that will (or does) analyse them. */
  version: number;
  text: () => string;
  wantedSeq: number;
  timer?: ReturnType<typeof setTimeout>;
  /** Due to run (the debounce has passed) but not started. */
  due: boolean;
  runningSeq?: number;
  /** Jobs in a row that failed (not dropped): retried once, then given up until the next edit. */
  failures: number;
  last?: DocAnalysis;
  waiters: { seq: number; resolve: (a: DocAnalysis | undefined) => void }[];
  /** The shortest text (in UTF-16 units) whose analysis ran out of memory: one at least as long is not tried again. */
  tooLarge?: number;
  /** The job (wantedSeq) found too large to analyse: while it is the latest, nobody waits for its analysis. */
  tooLargeSeq?: number;
}

export class AnalysisScheduler {
  private docs = new Map<string, DocState>();
  private seq = 0;
  private busy = false;
  private queue: string[] = [];

  constructor(
    private runner: Runner,
    private readonly read: ReadFiles,
    /** A finished analysis of the document's latest version (publish its diagnostics). */
    private readonly onCurrent: (a: DocAnalysis) => void,
    /** Errors worth a line in the log. */
    private readonly log: (text: string) => void = () => {},
    /** The document's latest version is too large to analyse in the memory there is (say so). */
    private readonly onTooLarge: (uri: string, version: number) => void = () => {},
    /** A finished analysis is now the document's last good one (current or not). */
    private readonly onLast: (a: DocAnalysis) => void = () => {},
  ) {}

  /** Swaps the runner (the worker could not start): the job in flight is run again on the new one. */
  replaceRunner(r: Runner): void {
    this.runner.dispose();
    this.runner = r;
  }

  /** The document is now `version` with `text`; it is analysed after `delayMs` of quiet. */
  update(uri: string, version: number, text: () => string, delayMs: number): void {
    let d = this.docs.get(uri);
    if (!d) {
      d = { uri, version, text, wantedSeq: 0, due: false, failures: 0, waiters: [] };
      this.docs.set(uri, d);
    }
    d.version = version;
    d.text = text;
    d.wantedSeq = ++this.seq;
    d.failures = 0;
    // The job in flight analyses an older text: let it go, unless it is the document's first (ours: a
    // large scenario opened and edited at once had its first analysis dropped at each edit, and nothing
    // to answer a name's hover or completion from for seconds; finished, it is the last good one).
    if (d.runningSeq !== undefined && d.last) this.runner.drop(d.runningSeq);
    if (d.timer) clearTimeout(d.timer);
    d.due = false;
    const doc = d;
    const fire = (): void => {
      doc.timer = undefined;
      doc.due = true;
      if (!this.queue.includes(uri)) this.queue.push(uri);
      this.pump();
    };
    if (delayMs <= 0) fire();
    else doc.timer = setTimeout(fire, delayMs);
  }

  /** The canonical layout of `text` (emulator/scenario/format.ts), computed where analyses run. */
  format(text: string): Promise<string> {
    return this.runner.format(text);
  }

  /** Every open document again now (where their files may be read from changed). */
  refreshAll(): void {
    for (const d of this.docs.values()) this.update(d.uri, d.version, d.text, 0);
  }

  /** One open document again now (a file it names changed on disk). */
  refresh(uri: string): void {
    const d = this.docs.get(uri);
    if (d) this.update(d.uri, d.version, d.text, 0);
  }

  close(uri: string): void {
    const d = this.docs.get(uri);
    if (!d) return;
    if (d.timer) clearTimeout(d.timer);
    if (d.runningSeq !== undefined) this.runner.drop(d.runningSeq);
    this.docs.delete(uri);
    for (const w of d.waiters) w.resolve(undefined);
  }

  /** Is the document known (opened and not closed)? */
  has(uri: string): boolean {
    return this.docs.has(uri);
  }

  /** The last analysis that finished (of this or an earlier version), if any. */
  last(uri: string): DocAnalysis | undefined {
    return this.docs.get(uri)?.last;
  }

  /** The last analysis, or the first one if none has finished yet. */
  lastOrNext(uri: string): Promise<DocAnalysis | undefined> {
    const d = this.docs.get(uri);
    if (!d) return Promise.resolve(undefined);
    if (d.last) return Promise.resolve(d.last);
    if (d.tooLargeSeq === d.wantedSeq) return Promise.resolve(undefined);
    return new Promise((resolve) => d.waiters.push({ seq: 0, resolve }));
  }

  /** The analysis of the document as it stands now (waits for it; a later one if the text changes meanwhile). */
  current(uri: string): Promise<DocAnalysis | undefined> {
    const d = this.docs.get(uri);
    if (!d) return Promise.resolve(undefined);
    if (d.last && d.last.seq >= d.wantedSeq) return Promise.resolve(d.last);
    if (d.tooLargeSeq === d.wantedSeq) return Promise.resolve(undefined);
    // Asked for now: no need to wait out the debounce.
    if (d.timer && !d.due) {
      clearTimeout(d.timer);
      d.timer = undefined;
      d.due = true;
      if (!this.queue.includes(uri)) this.queue.push(uri);
      this.pump();
    }
    return new Promise((resolve) => d.waiters.push({ seq: d.wantedSeq, resolve }));
  }

  private pump(): void {
    if (this.busy) return;
    let d: DocState | undefined;
    while (this.queue.length && !d) {
      const uri = this.queue.shift()!;
      const x = this.docs.get(uri);
      if (x?.due) d = x;
    }
    if (!d) return;
    const doc = d;
    doc.due = false;
    const job: Job = { seq: doc.wantedSeq, uri: doc.uri, version: doc.version, text: doc.text() };
    // As long as a text that ran the analysis out of memory, or longer: not tried again.
    if (doc.tooLarge !== undefined && job.text.length >= doc.tooLarge) return this.outOfMemory(doc, job);
    doc.runningSeq = job.seq;
    this.busy = true;
    this.runner.analyze(job, this.read).then(
      (packed) => this.finished(doc, job, packed),
      (e: unknown) => {
        this.log(`analysis of ${job.uri} failed: ${e instanceof Error ? e.message : String(e)}`);
        if (e instanceof AnalysisOutOfMemory) this.outOfMemory(doc, job);
        else this.finished(doc, job, undefined, true);
      },
    );
  }

  /** A job is over: the next one may start. */
  private release(doc: DocState, job: Job): void {
    this.busy = false;
    if (doc.runningSeq === job.seq) doc.runningSeq = undefined;
  }

  /**
   * The job's text is too large to analyse in the memory there is (it ran out, or a shorter text
   * did): said (when it is still the latest version), never retried; whoever waits for an analysis
   * of it gets none (the last one is of another text). Then the next document's turn.
   */
  private outOfMemory(doc: DocState, job: Job): void {
    this.release(doc, job);
    if (this.docs.get(doc.uri) !== doc) return this.pump();
    doc.tooLarge = Math.min(doc.tooLarge ?? Infinity, job.text.length);
    if (job.seq === doc.wantedSeq) {
      doc.tooLargeSeq = job.seq;
      this.onTooLarge(doc.uri, job.version);
      const waiting = doc.waiters.filter((w) => w.seq <= job.seq);
      doc.waiters = doc.waiters.filter((w) => w.seq > job.seq);
      for (const w of waiting) w.resolve(undefined);
    }
    this.pump();
  }

  private finished(doc: DocState, job: Job, packed: Awaited<ReturnType<Runner['analyze']>>, failed = false): void {
    this.release(doc, job);
    const open = this.docs.get(doc.uri) === doc;
    if (open && packed) {
      const a = new DocAnalysis(packed, job.text);
      // Newer than what is kept: the best answer for hover and completion, even if already overtaken.
      if (!doc.last || a.seq > doc.last.seq) {
        doc.last = a;
        this.onLast(a);
      }
      if (a.seq === doc.wantedSeq) this.onCurrent(a);
      const ready = doc.waiters.filter((w) => a.seq >= w.seq);
      doc.waiters = doc.waiters.filter((w) => a.seq < w.seq);
      for (const w of ready) w.resolve(a);
    }
    if (open && failed) doc.failures++;
    if (open && packed) doc.failures = 0;
    // Not finished (dropped, or failed once) while it is still the latest: run it again.
    if (open && !packed && job.seq === doc.wantedSeq && !doc.timer) {
      if (doc.failures < 2) {
        doc.due = true;
        if (!this.queue.includes(doc.uri)) this.queue.push(doc.uri);
      } else {
        // Given up until the next edit: whoever waits gets what there is.
        for (const w of doc.waiters) w.resolve(doc.last);
        doc.waiters = [];
      }
    }
    this.pump();
  }
}
