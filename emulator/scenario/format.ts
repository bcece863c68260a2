// Canonical layout for scenario text: two-space indentation by brace depth,
// single spaces between tokens (none around `/`), event times aligned within a
// run of `at` lines, trailing comments aligned within a run of lines, at most
// one blank line in a row, one final newline. Works on tokens, so it never
// changes meaning and is idempotent; text that does not lex is kept verbatim.
// What it adds to a line is bounded (an indent of at most one level, padding
// only up to a modest column), so the result is never much longer than the
// text: braces the language cannot have, or one very long line among commented
// ones, do not multiply the output.
import { Lexer, tokenize, type Token } from './lexer';
import { notTextDiagnostic } from './parser';

/**
 * The deepest a scenario nests: a `vm { … }`, `bus NAME { … }` or `offer NAME { … }` block holds
 * items, never another block (docs/scenario-language.md, the grammar). Extra braces (an error the
 * parser reports) indent no further.
 */
export const MAX_BLOCK_DEPTH = 1;

/**
 * Trailing comments are aligned only among lines whose code ends within this column, and event
 * times only among times this long at most: a longer line or time keeps its comment (or its event)
 * two spaces after it, and does not pad every other line of its run out to its width.
 */
const ALIGN_COLUMN_LIMIT = 120;
const ALIGN_TIME_LIMIT = 24;

/** Parts joined into one string every so often: a line of millions of words is not built as a rope of millions of pieces. */
class TextBuilder {
  private parts: string[] = [];
  private chunks: string[] = [];
  add(s: string): void {
    this.parts.push(s);
    if (this.parts.length === 4096) {
      this.chunks.push(this.parts.join(''));
      this.parts = [];
    }
  }
  text(): string {
    return this.chunks.length ? this.chunks.join('') + this.parts.join('') : this.parts.join('');
  }
}

/** A stray `:`, `;` or `,` (a slip the parser reads past, Token.recover): kept against what is before it, as a person writes it. */
const tight = (t: Token): boolean => t.kind === 'invalid' && t.recover === true && /^[:;,]+$/.test(t.text);

/**
 * Whether two tokens next to each other on a line are written with a space between them (none around
 * `/`, none before a stray `:`), where written together they are still read as the same two tokens:
 * `1 :` stays apart, as `1:` is read as one (the start of a PCI address).
 */
const spaced = (a: Token, b: Token): boolean => (a.kind !== 'slash' && b.kind !== 'slash' && !tight(b)) || !readApart(a, b);

/** Whether `a` and `b` written with nothing between them are read back as themselves. */
function readApart(a: Token, b: Token): boolean {
  const t = tokenize(a.text + b.text);
  return t.length === 3 && t[0]!.kind === a.kind && t[0]!.text === a.text && t[1]!.kind === b.kind && t[1]!.text === b.text;
}

/**
 * One line's code tokens as the lexer gives them, joined with single spaces (none around `/`),
 * without holding the tokens: a 16 MiB line of words is 8 million of them. The first two are
 * kept, as an `at` line needs its time apart from the rest.
 */
class LineCode {
  /** Code tokens so far. */
  n = 0;
  /** Closing braces before the line's first other token (they take the line back a level). */
  lead = 0;
  first?: Token;
  second?: Token;
  private third?: Token;
  private last?: Token;
  /** The tokens from the third on, joined. */
  private rest = new TextBuilder();

  add(t: Token): void {
    if (this.n === this.lead && t.kind === 'rbrace') this.lead++;
    if (this.n === 0) this.first = t;
    else if (this.n === 1) this.second = t;
    else {
      if (this.n === 2) this.third = t;
      else if (spaced(this.last!, t)) this.rest.add(' ');
      this.rest.add(t.text);
    }
    this.last = t;
    this.n++;
  }

  /** The tokens from the third on, joined. */
  fromThird(): string {
    return this.rest.text();
  }

  /** All of the line's code tokens, joined. */
  all(): string {
    const a = this.first;
    const b = this.second;
    if (!a) return '';
    if (!b) return a.text;
    const ab = a.text + (spaced(a, b) ? ' ' : '') + b.text;
    return this.n > 2 ? ab + (spaced(b, this.third!) ? ' ' : '') + this.fromThird() : ab;
  }
}

/**
 * Formats line by line as the lexer reads: each line's tokens are made into its text and let go,
 * and only the current run of code lines (the most a trailing comment's column can depend on)
 * is held, as strings. A 16 MiB scenario of one-word lines held every token and a record per
 * line, and took gigabytes.
 */
export function formatScenario(text: string): string {
  // A binary or UTF-16 file is no scenario (the parser checks nothing in it, not-text): its text is
  // left as it is. Formatted, its NULs and stray bytes were spaced out as tokens and saved so.
  if (notTextDiagnostic(text)) return text;
  // The result's lines: at most one blank line in a row, none at the start (trailing ones are dropped at the end).
  const res: string[] = [];
  const put = (s: string): void => {
    if (s === '' && (res.length === 0 || res[res.length - 1] === '')) return;
    res.push(s);
  };

  // The current run of consecutive non-blank code lines: trailing comments are aligned within it.
  let indents: number[] = [];
  let codes: string[] = [];
  let comments: (string | undefined)[] = [];
  // The current run of `at` lines at one indent within it (from index atFrom): their times are aligned.
  let atFrom = -1;
  let atTimes: string[] = [];
  let atRests: string[] = [];
  const endAtRun = (): void => {
    if (atFrom < 0) return;
    let width = 0;
    for (const t of atTimes) if (t.length <= ALIGN_TIME_LIMIT) width = Math.max(width, t.length);
    for (let k = 0; k < atTimes.length; k++) codes[atFrom + k] = `at ${atTimes[k]!.padEnd(width)}  ${atRests[k]!}`;
    atFrom = -1;
    atTimes = [];
    atRests = [];
  };
  /** Whether a line of the current run has a trailing comment (until then, each line is put as soon as its text is final). */
  let commented = false;
  const putRun = (): void => {
    let width = 0;
    for (let k = 0; k < codes.length; k++) {
      const w = indents[k]! * 2 + codes[k]!.length;
      if (comments[k] !== undefined && w <= ALIGN_COLUMN_LIMIT) width = Math.max(width, w);
    }
    for (let k = 0; k < codes.length; k++) {
      const s = '  '.repeat(indents[k]!) + codes[k]!;
      const c = comments[k];
      put(c === undefined ? s : `${s.padEnd(width)}  ${c}`);
    }
    indents = [];
    codes = [];
    comments = [];
  };
  const endRun = (): void => {
    endAtRun();
    putRun();
    commented = false;
  };

  let line = new LineCode();
  /** A comment token, held until it turns out to end its line (it always does: a comment runs to the end of the line). */
  let comment: Token | undefined;
  let depth = 0;
  /** The brace depth where the line started. */
  let lineDepth = 0;
  const endLine = (): void => {
    const indent = Math.min(MAX_BLOCK_DEPTH, Math.max(0, lineDepth - line.lead));
    if (line.n === 0) {
      // A blank line, or a line of only a comment: either ends the run.
      endRun();
      put(comment ? '  '.repeat(indent) + comment.text.trimEnd() : '');
    } else {
      const isAt = line.n >= 3 && line.first!.kind === 'word' && line.first!.text === 'at';
      if (!isAt || (atFrom >= 0 && indents[atFrom] !== indent)) endAtRun();
      if (isAt) {
        if (atFrom < 0) atFrom = codes.length;
        atTimes.push(line.second!.text);
        atRests.push(line.fromThird());
        codes.push(''); // made when the `at` run ends
      } else codes.push(line.all());
      indents.push(indent);
      comments.push(comment?.text.trimEnd());
      if (comment) commented = true;
      // No comment to align yet and no `at` run open: what the run holds is final.
      else if (!commented && atFrom < 0) putRun();
    }
    line = new LineCode();
    comment = undefined;
    lineDepth = depth;
  };
  const lx = new Lexer(text);
  for (let t = lx.next(); t.kind !== 'eof'; t = lx.next()) {
    if (t.kind === 'newline') {
      endLine();
      continue;
    }
    // Only a line's last token is its trailing comment; one with more after it is code.
    if (comment) line.add(comment);
    comment = undefined;
    if (t.kind === 'comment') {
      comment = t;
      continue;
    }
    if (t.kind === 'lbrace') depth++;
    else if (t.kind === 'rbrace') depth = Math.max(0, depth - 1);
    line.add(t);
  }
  endLine();
  endRun();

  while (res.length && res[res.length - 1] === '') res.pop();
  // A leading byte-order mark is the file's, not a token: it stays (a client that keeps it in the
  // text would otherwise see Format Document delete it).
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  return bom + (res.length ? res.join('\n') + '\n' : '');
}
