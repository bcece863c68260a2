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

/** Splits text into lines that keep their line breaks; the last line has none (it may be empty). */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      out.push(text.slice(from, i + 1));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

/** A line without its line break. */
function content(line: string): string {
  let n = line.length;
  if (n && line.charCodeAt(n - 1) === 10) n--;
  if (n && line.charCodeAt(n - 1) === 13) n--;
  return line.slice(0, n);
}

export class LineDocument {
  private lines: string[];
  private joined?: string;
  /** Characters in the text (UTF-16 code units), kept up to date by each edit. */
  private chars: number;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
  ) {
    this.lines = splitLines(text);
    this.joined = text;
    this.chars = text.length;
  }

  get length(): number {
    return this.chars;
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /** The whole text (joined once per version), or the text of a range. */
  getText(range?: Range): string {
    if (!range) return (this.joined ??= this.lines.join(''));
    let a = this.clamp(range.start);
    let b = this.clamp(range.end);
    // A range given end first reads the same text (as the stock document's substring does).
    if (a.line > b.line || (a.line === b.line && a.character > b.character)) [a, b] = [b, a];
    if (a.line === b.line) return this.lines[a.line]!.slice(a.character, b.character);
    let s = this.lines[a.line]!.slice(a.character);
    for (let l = a.line + 1; l < b.line; l++) s += this.lines[l]!;
    return s + this.lines[b.line]!.slice(0, b.character);
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
    if (line >= this.lines.length) {
      const last = this.lines.length - 1;
      return { line: last, character: this.lines[last]!.length };
    }
    const len = content(this.lines[line]!).length;
    return { line, character: Math.max(0, Math.min(character, len)) };
  }

  offsetAt(p: Position): number {
    const c = this.clamp(p);
    let off = 0;
    for (let l = 0; l < c.line; l++) off += this.lines[l]!.length;
    return off + c.character;
  }

  positionAt(offset: number): Position {
    let rest = Math.max(0, Math.min(offset, this.getText().length));
    for (let l = 0; l < this.lines.length; l++) {
      const len = this.lines[l]!.length;
      if (rest < len || l === this.lines.length - 1) return { line: l, character: Math.min(rest, content(this.lines[l]!).length) };
      rest -= len;
    }
    return { line: 0, character: 0 };
  }

  /** Applies LSP content changes in order. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const ch of changes) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a client may send `range: null` for a whole-text change
      if (!('range' in ch) || !ch.range) {
        this.lines = splitLines(ch.text);
        this.joined = ch.text;
        this.chars = ch.text.length;
        continue;
      }
      let a = this.clamp(ch.range.start);
      let b = this.clamp(ch.range.end);
      if (a.line > b.line || (a.line === b.line && a.character > b.character)) [a, b] = [b, a];
      let first = a.line;
      let last = b.line;
      let text = this.lines[first]!.slice(0, a.character) + ch.text + this.lines[last]!.slice(b.character);
      // A \r at one edge and a \n at the other make one line break: re-split across the joint.
      if (first > 0 && this.lines[first - 1]!.endsWith('\r') && text.startsWith('\n')) text = this.lines[--first]! + text;
      if (last + 1 < this.lines.length && text.endsWith('\r') && this.lines[last + 1]!.startsWith('\n')) text += this.lines[++last]!;
      const repl = splitLines(text);
      // The replaced span ends with a line break unless it is the last line: its last piece is then empty.
      if (last + 1 < this.lines.length && repl.length > 1 && repl[repl.length - 1] === '') repl.pop();
      else if (last + 1 < this.lines.length && repl[repl.length - 1] !== '') {
        // The text no longer ends its span with a line break: it runs on into the next line.
        repl[repl.length - 1]! += this.lines[++last]!;
        const again = splitLines(repl.pop()!);
        if (last + 1 < this.lines.length && again.length > 1 && again[again.length - 1] === '') again.pop();
        repl.push(...again);
      }
      let removed = 0;
      for (let l = first; l <= last; l++) removed += this.lines[l]!.length;
      let added = 0;
      for (const x of repl) added += x.length;
      this.lines.splice(first, last - first + 1, ...repl);
      this.chars += added - removed;
      this.joined = undefined;
    }
    this.version = version;
  }
}
