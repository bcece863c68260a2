// The scenario language's tokens. A line-oriented lexer: statements end at a
// newline (\n, \r\n or a lone \r), `#` starts a comment to the end of the line. Words, numbers,
// durations, GUIDs, dotted pairs (`1.2`) and PCI addresses (`01:00.0`) are all
// cut from the same run of characters and classified afterwards, so the lexer
// never has to guess ahead. Never throws: anything it cannot classify becomes
// an `invalid` token the parser reports with its exact range.
import { charText, type Loc } from './ast';

export type TokenKind =
  | 'word' // hyperv-2016, nic0, PCI_EJECTION_COMPLETE
  | 'number' // 12, 0xF8000000, 0b1010, 104M
  | 'duration' // 250ns, 10us, 2ms, 65s
  | 'dotted' // 1.2 (a slot) or 1.1 (a version)
  | 'pciaddr' // 01:00.0 or 0000:01:00.0 (an lspci selector)
  | 'guid' // 3c2d7b4a-0001-4f00-8000-000000000001
  | 'string' // "devices/x.lspci"
  | 'lbrace'
  | 'rbrace'
  | 'slash'
  | 'newline'
  | 'comment'
  | 'invalid'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  loc: Loc;
  /** number: its value (size suffix applied); duration: nanoseconds; string: the unquoted text. */
  value?: number | string;
  /** Why an `invalid` (or unterminated string / oversized number) token is bad. */
  error?: string;
}

/** A character of a run (`[A-Za-z0-9_.:-]`), by code: the lexer asks this of every character of a scenario. */
function isRun(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2e || c === 0x2d; // a-z A-Z 0-9 : _ . -
}
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NUMBER = /^(0[xX][0-9a-fA-F_]+|0[bB][01_]+|[0-9][0-9_]*)([KMGT])?$/;
const DURATION = /^([0-9][0-9_]*)(ns|us|ms|s)$/;
const DOTTED = /^[0-9]+\.[0-9]+$/;
const PCIADDR = /^(?:[0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.[0-7]$/;
const WORD = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** WORD in words, for a message about a text that is no name. */
export const WORD_RULE = "a name starts with a letter or '_' and goes on with letters, digits, '_' and '-'";

/**
 * What the lexer reads `text` as when it stands alone: 'word' for a name (a bus, a device, a
 * keyword), else the kind it takes (a GUID: 36 hex digits and dashes, even when it starts with
 * a letter), or 'invalid' (and 'eof' for no text). For a text that would be one token of a
 * scenario, exactly as tokenize classifies it.
 */
export function wordKind(text: string): TokenKind {
  if (text === '') return 'eof';
  for (let i = 0; i < text.length; i++) if (!isRun(text.charCodeAt(i))) return 'invalid';
  return classify(text).kind;
}

/** Binary size suffixes: 1K = 1024. */
export const SIZE_SUFFIX: Record<string, bigint> = { K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };
/** Duration units in nanoseconds. */
export const DURATION_UNIT: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** A number literal's value, or an error; `_` separators and K/M/G/T allowed. */
export function numberValue(text: string): { value: number } | { error: string } {
  const m = NUMBER.exec(text);
  if (!m) return { error: `'${text}' is not a number` };
  const digits = m[1]!.replace(/_/g, '');
  if (/^0[xXbB]$/.test(digits)) return { error: `'${text}' has no digits` };
  let v = BigInt(digits.toLowerCase());
  if (m[2]) v *= SIZE_SUFFIX[m[2]]!;
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return { error: `'${text}' is too large (more than 2^53-1)` };
  return { value: Number(v) };
}

function classify(text: string): Pick<Token, 'kind' | 'value' | 'error'> {
  // Each pattern is tried only where it could match (a GUID has 36 characters; a number, a
  // duration and a dotted pair start with a digit; a PCI address has a colon): most tokens are
  // words, and a regular expression costs its compilation the first time it runs in a process.
  const c0 = text.charCodeAt(0);
  const digit = c0 >= 0x30 && c0 <= 0x39;
  if (text.length === 36 && GUID.test(text)) return { kind: 'guid', value: text.toLowerCase() };
  if (digit && NUMBER.test(text)) {
    const n = numberValue(text);
    return 'value' in n ? { kind: 'number', value: n.value } : { kind: 'number', error: n.error };
  }
  const d = digit ? DURATION.exec(text) : null;
  if (d) {
    const v = BigInt(d[1]!.replace(/_/g, '')) * DURATION_UNIT[d[2]!]!;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) return { kind: 'duration', error: `'${text}' is too long a duration` };
    return { kind: 'duration', value: Number(v) };
  }
  if (digit && DOTTED.test(text)) return { kind: 'dotted' };
  if (text.includes(':') && PCIADDR.test(text)) return { kind: 'pciaddr' };
  if (!digit && WORD.test(text)) return { kind: 'word' };
  if (digit) return { kind: 'invalid', error: `'${text}' is not a valid number, duration, slot or GUID` };
  return { kind: 'invalid', error: `unexpected '${text}'` };
}

/**
 * What the tokens of `line` (one line, no line break) before offset `end` hold, read as tokenize
 * reads them (strings and their escapes, `#` outside a string) but character by character with no
 * tokens made, for the language server's requests on a long line (a 1 MB one-line scenario):
 * whether a comment starts there, and the offset just after the last `{` or `}` (0 when none).
 */
export function scanLine(line: string, end: number): { comment: boolean; afterBrace: number } {
  const n = Math.min(end, line.length);
  let afterBrace = 0;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x23) return { comment: true, afterBrace }; // #
    if (c === 0x7b || c === 0x7d) afterBrace = i + 1; // { }
    if (c !== 0x22) continue; // "
    // A string: to its closing quote (\" and \\ are escapes), or to the end of the line.
    for (i++; i < line.length; i++) {
      const d = line.charCodeAt(i);
      if (d === 0x22) break;
      if (d === 0x5c && i + 1 < line.length && (line.charCodeAt(i + 1) === 0x22 || line.charCodeAt(i + 1) === 0x5c)) i++;
    }
  }
  return { comment: false, afterBrace };
}

/** Whether a comment starts in `line` before offset `end` (scanLine). */
export function commentBefore(line: string, end: number): boolean {
  return scanLine(line, end).comment;
}

/** How columns are counted: what a position means to the one who reads it. */
export interface LexOptions {
  /**
   * A leading U+FEFF (a UTF-8 byte-order mark that reached the text undecoded) is never a token.
   * 'hidden' (the default): it takes no column, as an editor shows the file (the CLI's
   * file:line:col, the debug adapter). 'unit': it is one UTF-16 unit of line 1, as in the text
   * itself (the language server: LSP positions count the units of the text the client sent, and a
   * client other than VS Code may keep the mark there).
   */
  bom?: 'hidden' | 'unit';
}

/** Tokens of a scenario, always ending with `eof`. Comments and newlines are kept (the LSP and formatter use them). */
export function tokenize(text: string, opts?: LexOptions): Token[] {
  return [...tokensOf(text, opts)];
}

/** The same tokens as tokenize (`eof` last), made one at a time as a loop takes them (Lexer). */
export function* tokensOf(text: string, opts?: LexOptions): Generator<Token, void, undefined> {
  const lx = new Lexer(text, opts);
  for (;;) {
    const t = lx.next();
    yield t;
    if (t.kind === 'eof') return;
  }
}

/**
 * The same tokens as tokenize, one at a time and made only when asked for: what reads a scenario
 * once from start to end (the parser, the outline, semantic tokens) holds a few tokens at a time
 * instead of all of them (a 16 MiB scenario has millions, at about 130 bytes each). After `eof`,
 * every call gives `eof` again.
 */
export class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;
  private readonly n: number;

  constructor(
    private readonly text: string,
    opts?: LexOptions,
  ) {
    this.n = text.length;
    // A UTF-8 byte-order mark that reached us undecoded is no token: skipped, taking no column
    // (editors hide it), or one (LexOptions.bom 'unit': positions in the text's own units).
    if (text.charCodeAt(0) === 0xfeff) {
      this.i = 1;
      if (opts?.bom === 'unit') this.col = 2;
    }
  }

  private token(kind: TokenKind, start: number, sc: number, end: number, col: number, extra?: Partial<Token>): Token {
    this.i = end;
    this.col = col;
    const line = this.line;
    const t: Token = { kind, text: this.text.slice(start, end), loc: { line, col: sc, endLine: line, endCol: col } };
    if (extra) Object.assign(t, extra);
    return t;
  }

  next(): Token {
    const text = this.text;
    const n = this.n;
    let i = this.i;
    let col = this.col;
    const line = this.line;
    // Whitespace between tokens is no token.
    for (;;) {
      const c = text[i];
      if (c !== ' ' && c !== '\t' && c !== '\f' && c !== '\v') break;
      i++;
      col++;
    }
    const start = i;
    const sc = col;
    if (i >= n) {
      this.i = i;
      this.col = col;
      return { kind: 'eof', text: '', loc: { line, col, endLine: line, endCol: col } };
    }
    const c = text[i]!;
    if (c === '\n' || c === '\r') {
      // \n, \r\n and a lone \r each end a line, as LSP counts lines.
      const w = c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      i += w;
      const t: Token = { kind: 'newline', text: text.slice(start, i), loc: { line, col: sc, endLine: line, endCol: sc + w } };
      this.i = i;
      this.line = line + 1;
      this.col = 1;
      return t;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') {
        i++;
        col++;
      }
      return this.token('comment', start, sc, i, col);
    }
    if (c === '{' || c === '}' || c === '/') {
      i++;
      col++;
      return this.token(c === '{' ? 'lbrace' : c === '}' ? 'rbrace' : 'slash', start, sc, i, col);
    }
    if (c === '"') {
      i++;
      col++;
      let value = '';
      let closed = false;
      while (i < n && text[i] !== '\n' && text[i] !== '\r') {
        const ch = text[i]!;
        if (ch === '"') {
          i++;
          col++;
          closed = true;
          break;
        }
        if (ch === '\\' && i + 1 < n && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          value += text[i + 1]!;
          i += 2;
          col += 2;
          continue;
        }
        value += ch;
        i++;
        col++;
      }
      return this.token('string', start, sc, i, col, closed ? { value } : { value, error: 'unterminated string' });
    }
    if (isRun(text.charCodeAt(i))) {
      while (i < n && isRun(text.charCodeAt(i))) {
        i++;
        col++;
      }
      const k = classify(text.slice(start, i));
      const extra: Partial<Token> = {};
      if (k.value !== undefined) extra.value = k.value;
      if (k.error !== undefined) extra.error = k.error;
      return this.token(k.kind, start, sc, i, col, extra);
    }
    // Any other character (including a lone surrogate half) is one invalid token.
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    i += w;
    col += w;
    // Shown as itself when it can be, else by code point (a NUL or a zero-width space quoted shows as nothing).
    return this.token('invalid', start, sc, i, col, { error: `unexpected character ${charText(text.slice(start, i))}` });
  }
}
