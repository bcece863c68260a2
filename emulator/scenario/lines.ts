// Lines of a text by number, from one pass over it: the diagnostics printer,
// the outline and hovers look lines up here instead of splitting the whole
// text each time (16k diagnostics on a 1 MB scenario took 21 s that way).
import type { Diagnostic } from './ast';
import { visible } from '../format';

/** Line starts of a text; \n, \r\n and a lone \r each end a line (as the lexer and LSP count). */
export class LineIndex {
  private readonly starts: ArrayLike<number> & { length: number };
  /** `starts`: the line starts as another index of the same text gave them (startsOf), instead of a pass over it. */
  constructor(
    readonly text: string,
    starts?: ArrayLike<number>,
  ) {
    if (starts) {
      this.starts = starts;
      return;
    }
    const own: number[] = [0];
    this.starts = own;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) own.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        own.push(i + 1);
      }
    }
  }

  /** The line starts, to hand to another thread (a LineIndex of the same text made from them needs no pass over it). */
  startsOf(): Int32Array {
    return Int32Array.from(this.starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset where line `n` (1-based) starts; the text's length past the end. */
  startOf(n: number): number {
    return n >= 1 && n <= this.starts.length ? this.starts[n - 1]! : this.text.length;
  }

  /** Line `n` (1-based) without its line break; '' past the end. */
  line(n: number): string {
    if (n < 1 || n > this.starts.length) return '';
    const from = this.starts[n - 1]!;
    let to = n < this.starts.length ? this.starts[n]! : this.text.length;
    if (to > from && this.text.charCodeAt(to - 1) === 10) to--;
    if (to > from && this.text.charCodeAt(to - 1) === 13) to--;
    return this.text.slice(from, to);
  }
}

// The index of the last text asked about, so callers that pass the same text for each of many
// diagnostics (formatting them, fixing them) pay for one pass, not one per diagnostic.
let last: LineIndex | undefined;
export function indexOf(text: string): LineIndex {
  if (last?.text !== text) last = new LineIndex(text);
  return last;
}

/**
 * `file:line:col: error: message [code]`, then the source line and a caret under the range. Columns
 * are an editor's (the lexer's default, LexOptions bom 'hidden'): a leading byte-order mark is not
 * shown and takes none.
 */
export function formatDiagnostic(d: Diagnostic, file: string, text?: string | LineIndex): string {
  let s = `${file}:${d.loc.line}:${d.loc.col}: ${d.severity}: ${visible(d.message)} [${d.code}]`;
  if (text !== undefined) {
    let line = (typeof text === 'string' ? indexOf(text) : text).line(d.loc.line);
    if (d.loc.line === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    const width = d.loc.endLine === d.loc.line ? Math.max(1, d.loc.endCol - d.loc.col) : Math.max(1, line.length - d.loc.col + 1);
    // A long line is shown around the place (a 1 MiB line is not echoed whole), marked … where cut.
    const from = line.length > EXCERPT ? Math.max(0, Math.min(d.loc.col - 1 - EXCERPT_BEFORE, line.length - EXCERPT)) : 0;
    const to = Math.min(line.length, from + EXCERPT);
    const head = from > 0 ? '…' : '';
    // Control characters show as U+FFFD in the excerpt, one column each, so the caret stays in place.
    const src = head + visible(line.slice(from, to), '\ufffd') + (to < line.length ? '…' : '');
    const pad = head.replace(/./g, ' ') + line.slice(from, Math.max(from, d.loc.col - 1)).replace(/[^\t]/g, ' ');
    const shown = Math.max(1, Math.min(width, to - (d.loc.col - 1)));
    s += `\n  ${src}\n  ${pad}^${'~'.repeat(shown - 1)}`;
  }
  if (d.related) s += `\n${file}:${d.related.loc.line}:${d.related.loc.col}: note: ${visible(d.related.message)}`;
  return s;
}

/** The widest source excerpt under a diagnostic, in characters, and how much of it comes before the place. */
const EXCERPT = 160;
const EXCERPT_BEFORE = 60;

/** Every diagnostic formatted, from one index of the text. */
export function formatDiagnostics(ds: readonly Diagnostic[], file: string, text: string): string[] {
  const idx = new LineIndex(text);
  return ds.map((d) => formatDiagnostic(d, file, idx));
}
