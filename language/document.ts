// The language server's copy of an open document, kept as lines. The stock
// TextDocument (vscode-languageserver-textdocument) rebuilds the whole text on
// every incremental edit — a few milliseconds per keystroke on a 1 MB
// scenario, seconds for a burst of edits, all of it in front of the next hover.
// Here an edit touches only the lines it spans; the whole text is joined only
// when an analysis asks for it (once per debounced version). Positions follow
// LSP as the stock document does: lines end at \n, \r\n or a lone \r; a
// character past the end of its line means the end of the line; a line past
// the last means the end of the text.
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineIndex } from '../emulator/scenario/lines';

/** Splits text into lines that keep their line breaks; the last line has none (it may be empty). */
function splitLines(text: string): string[] {
  const idx = new LineIndex(text);
  const out = new Array<string>(idx.lineCount);
  for (let k = 0; k < out.length; k++) out[k] = text.slice(idx.startOf(k + 1), idx.startOf(k + 2));
  return out;
}

/** A line without its line break. */
function content(line: string): string {
  let n = line.length;
  if (n && line.charCodeAt(n - 1) === 10) n--;
  if (n && line.charCodeAt(n - 1) === 13) n--;
  return line.slice(0, n);
}

/** Lines per block (LineBlocks). */
const BLOCK = 512;

/** One block of lines: their text, one string, and where each ends in it. */
interface Block {
  text: string;
  ends: Int32Array;
}

/** Where line `i` of a block starts in its text. */
function startIn(blk: Block, i: number): number {
  return i ? blk.ends[i - 1]! : 0;
}

/**
 * The lines in blocks of at most BLOCK: an edit splices the block (or the few blocks) it spans and
 * a short array of blocks, never one array of every line. V8's splice of a 40,000-element array
 * costs ~0.1 ms and more as the array ages in the old generation (0.4 ms after a few hundred
 * edits), which a burst of edits to a 1 MB scenario paid once per keystroke. A block is one
 * string and the ends of its lines, not a string per line: a 16 MiB document of 8 million short
 * lines took about 32 bytes a line that way (over 250 MB), and now takes 4 and the text.
 */
class LineBlocks {
  private blocks: Block[] = [];
  /** The index of each block's first line. */
  private firsts: number[] = [0];
  /** Lines in all blocks. */
  count = 0;

  constructor(text: string) {
    this.setText(text);
  }

  /** All of the text, as its lines; no per-line strings are made (blocks are slices of it). */
  setText(text: string): void {
    // Line breaks as the lexer and LSP count them (emulator/scenario/lines.ts): line k ends where k + 1 starts.
    const idx = new LineIndex(text);
    const count = idx.lineCount;
    this.blocks = [];
    for (let first = 0; first < count; first += BLOCK) {
      const n = Math.min(BLOCK, count - first);
      const start = idx.startOf(first + 1);
      const ends = new Int32Array(n);
      for (let k = 0; k < n; k++) ends[k] = idx.startOf(first + k + 2) - start;
      this.blocks.push({ text: text.slice(start, start + ends[n - 1]!), ends });
    }
    this.reindex();
  }

  private reindex(): void {
    this.firsts.length = this.blocks.length;
    let n = 0;
    for (let b = 0; b < this.blocks.length; b++) {
      this.firsts[b] = n;
      n += this.blocks[b]!.ends.length;
    }
    this.count = n;
  }

  /** The block holding line `line` (0 … count-1): the last whose first line is at or before it. */
  private blockOf(line: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firsts[mid]! <= line) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Line `line` (0 … count-1) with its line break. */
  get(line: number): string {
    const b = this.blockOf(line);
    const blk = this.blocks[b]!;
    const i = line - this.firsts[b]!;
    return blk.text.slice(startIn(blk, i), blk.ends[i]);
  }

  /** The length of line `line` (0 … count-1) with its line break, without making it. */
  length(line: number): number {
    const b = this.blockOf(line);
    const blk = this.blocks[b]!;
    const i = line - this.firsts[b]!;
    return blk.ends[i]! - startIn(blk, i);
  }

  /** Where line `line` (0 … count-1) starts in the whole text: whole blocks are summed, not line by line. */
  offsetOf(line: number): number {
    const b = this.blockOf(line);
    let off = 0;
    for (let k = 0; k < b; k++) off += this.blocks[k]!.text.length;
    return off + startIn(this.blocks[b]!, line - this.firsts[b]!);
  }

  /** The line holding `offset` (0 … the text's length) and where that line starts; an offset at the very end is in the last line. */
  lineAt(offset: number): { line: number; start: number } {
    let off = 0;
    for (let b = 0; b < this.blocks.length; b++) {
      const blk = this.blocks[b]!;
      if (offset >= off + blk.text.length && b < this.blocks.length - 1) {
        off += blk.text.length;
        continue;
      }
      let i = 0;
      while (i < blk.ends.length - 1 && off + blk.ends[i]! <= offset) i++;
      return { line: this.firsts[b]! + i, start: off + startIn(blk, i) };
    }
    return { line: 0, start: 0 };
  }

  /** Replaces `deleteCount` (at least one) lines from `first` with `items`. */
  splice(first: number, deleteCount: number, items: readonly string[]): void {
    const b0 = this.blockOf(first);
    const end = first + deleteCount;
    let b1 = this.blockOf(end - 1);
    // Blocks that shrank take in the next one, so deleting lines never leaves many tiny blocks.
    let spanned = items.length - deleteCount;
    for (let b = b0; b <= b1; b++) spanned += this.blocks[b]!.ends.length;
    if (spanned < BLOCK / 2 && b1 + 1 < this.blocks.length) b1++;
    // The spanned blocks' text with the replacement in place, and its lines' lengths: the lines
    // before `first` and from `end` on are taken as whole slices of their blocks, not line by line.
    const lens: number[] = [];
    let text = '';
    for (let b = b0; b <= b1; b++) {
      const blk = this.blocks[b]!;
      const f = this.firsts[b]!;
      const n = blk.ends.length;
      // Lines of this block before `first`, then (once, where `first` is) the items, then those from `end`.
      const before = Math.max(0, Math.min(n, first - f));
      for (let i = 0; i < before; i++) lens.push(blk.ends[i]! - startIn(blk, i));
      if (before) text += blk.text.slice(0, blk.ends[before - 1]);
      if (b === b0) {
        for (const x of items) lens.push(x.length);
        text += items.join('');
      }
      const from = Math.max(0, Math.min(n, end - f));
      for (let i = from; i < n; i++) lens.push(blk.ends[i]! - startIn(blk, i));
      if (from < n) text += blk.text.slice(startIn(blk, from));
    }
    const fresh: Block[] = [];
    let at = 0;
    for (let i = 0; i < lens.length; i += BLOCK) {
      const count = Math.min(BLOCK, lens.length - i);
      const ends = new Int32Array(count);
      let n = 0;
      for (let k = 0; k < count; k++) ends[k] = n += lens[i + k]!;
      fresh.push({ text: text.slice(at, at + n), ends });
      at += n;
    }
    this.blocks.splice(b0, b1 - b0 + 1, ...fresh);
    if (!this.blocks.length) this.blocks.push({ text: '', ends: new Int32Array(0) });
    this.reindex();
  }

  join(): string {
    let s = '';
    for (const b of this.blocks) s += b.text;
    return s;
  }
}

/**
 * What has changed since the text of one version was taken for an analysis: the lines edited (0-based,
 * first and last, as lines stand now), or `moved` once an edit added or removed a line, after which
 * none of the analysis's line numbers can be trusted.
 */
interface SinceTaken {
  lo: number;
  hi: number;
  moved: boolean;
}

/** The takes remembered (the analyses a server still holds are of the last one or two). */
const TAKES = 4;

export class LineDocument {
  private lines: LineBlocks;
  private joined?: string;
  /** Characters in the text (UTF-16 code units), kept up to date by each edit. */
  private chars: number;
  /** Per version whose text an analysis took (the last few): what has changed since. */
  private taken = new Map<number, SinceTaken>();
  /** The version of the last analysis that finished (keep): its take is not forgotten for newer ones that may never finish. */
  private kept?: number;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
  ) {
    this.lines = new LineBlocks(text);
    this.joined = text;
    this.chars = text.length;
  }

  get length(): number {
    return this.chars;
  }

  get lineCount(): number {
    return this.lines.count;
  }

  /** The whole text (joined once per version), or the text of a range. */
  getText(range?: Range): string {
    if (!range) return (this.joined ??= this.lines.join());
    let a = this.clamp(range.start);
    let b = this.clamp(range.end);
    // A range given end first reads the same text (as the stock document's substring does).
    if (a.line > b.line || (a.line === b.line && a.character > b.character)) [a, b] = [b, a];
    if (a.line === b.line) return this.lines.get(a.line).slice(a.character, b.character);
    let s = this.lines.get(a.line).slice(a.character);
    for (let l = a.line + 1; l < b.line; l++) s += this.lines.get(l);
    return s + this.lines.get(b.line).slice(0, b.character);
  }

  /**
   * A position moved to where it really points (LSP's rule): a line past the last means the end of
   * the text, a character past its line's end means the line's end, a negative one the line's start.
   * Every request that takes a position reads it through here (language/server.ts), so no handler
   * walks or slices by a number the text does not bound.
   */
  clamp(p: Position): Position {
    // A value that is not a number at all (NaN) counts as 0; a fraction is cut to its whole part.
    const line = Math.floor(p.line) || 0;
    const character = Math.floor(p.character) || 0;
    if (line < 0) return { line: 0, character: 0 };
    if (line >= this.lines.count) {
      const last = this.lines.count - 1;
      return { line: last, character: this.lines.get(last).length };
    }
    const len = content(this.lines.get(line)).length;
    return { line, character: Math.max(0, Math.min(character, len)) };
  }

  offsetAt(p: Position): number {
    const c = this.clamp(p);
    return this.lines.offsetOf(c.line) + c.character;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.chars));
    const at = this.lines.lineAt(o);
    return { line: at.line, character: Math.min(o - at.start, content(this.lines.get(at.line)).length) };
  }

  /** The whole text, for an analysis of this version: what changes after it is kept (editedSince). */
  textForAnalysis(): string {
    this.taken.delete(this.version);
    this.taken.set(this.version, { lo: Infinity, hi: -1, moved: false });
    // The oldest but the kept one: while keys are typed, every analysis started is dropped for the next, and
    // the kept one (the last to finish) was forgotten after TAKES of them, so every answer waited.
    if (this.taken.size > TAKES) this.taken.delete([...this.taken.keys()].find((v) => v !== this.kept)!);
    return this.getText();
  }

  /** The analysis of `version` finished and is the one answers come from: its take is kept (see textForAnalysis). */
  keep(version: number): void {
    this.kept = version;
  }

  /**
   * The lines edited since the text of `version` was taken for its analysis ({lo: Infinity, hi: -1}
   * when none), so that every other line stands where the analysis saw it; undefined when a line was
   * added or removed since, or that text is not known.
   */
  editedSince(version: number): { lo: number; hi: number } | undefined {
    const t = this.taken.get(version);
    return t && !t.moved ? t : undefined;
  }

  /** Applies LSP content changes in order. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    // A version that is not newer (LSP forbids it) would make two texts one version: none is trusted.
    if (version <= this.version) this.taken.clear();
    for (const ch of changes) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a client may send `range: null` for a whole-text change
      if (!('range' in ch) || !ch.range) {
        for (const t of this.taken.values()) t.moved = true;
        this.lines.setText(ch.text);
        this.joined = ch.text;
        this.chars = ch.text.length;
        continue;
      }
      let a = this.clamp(ch.range.start);
      let b = this.clamp(ch.range.end);
      if (a.line > b.line || (a.line === b.line && a.character > b.character)) [a, b] = [b, a];
      let first = a.line;
      let last = b.line;
      const lines = this.lines;
      let text = lines.get(first).slice(0, a.character) + ch.text + lines.get(last).slice(b.character);
      // A \r at one edge and a \n at the other make one line break: re-split across the joint.
      if (first > 0 && lines.get(first - 1).endsWith('\r') && text.startsWith('\n')) text = lines.get(--first) + text;
      if (last + 1 < lines.count && text.endsWith('\r') && lines.get(last + 1).startsWith('\n')) text += lines.get(++last);
      const repl = splitLines(text);
      // The replaced span ends with a line break unless it is the last line: its last piece is then empty.
      if (last + 1 < lines.count && repl.length > 1 && repl[repl.length - 1] === '') repl.pop();
      else if (last + 1 < lines.count && repl[repl.length - 1] !== '') {
        // The text no longer ends its span with a line break: it runs on into the next line.
        repl[repl.length - 1]! += lines.get(++last);
        const again = splitLines(repl.pop()!);
        if (last + 1 < lines.count && again.length > 1 && again[again.length - 1] === '') again.pop();
        repl.push(...again);
      }
      let removed = 0;
      for (let l = first; l <= last; l++) removed += lines.length(l);
      let added = 0;
      for (const x of repl) added += x.length;
      lines.splice(first, last - first + 1, repl);
      for (const t of this.taken.values()) {
        if (repl.length !== last - first + 1) t.moved = true;
        t.lo = Math.min(t.lo, first);
        t.hi = Math.max(t.hi, last);
      }
      this.chars += added - removed;
      this.joined = undefined;
    }
    this.version = version;
  }
}
