// The scenario language's tokens. A line-oriented lexer: statements end at a
// newline (\n, \r\n or a lone \r), `#` starts a comment to the end of the line. Words, numbers,
// durations, GUIDs, dotted pairs (`1.2`) and PCI addresses (`01:00.0`) are all
// cut from the same run of characters and classified afterwards, so the lexer
// never has to guess ahead. Never throws: anything it cannot classify becomes
// an `invalid` token the parser reports with its exact range.
import { charText, codePointText, type Loc } from './ast';
import { shortText } from '../format';

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
  /**
   * A mistake the parser reports (`error`) and then reads past, as what the writer meant: an
   * `invalid` one as a space (a no-break space, a stray `=`, `:`, `;` or `,`), another as the token
   * it stands for (a string in curly or single quotes). Ours: one such slip is one diagnostic, not
   * the loss of its whole statement and of everything that refers to it.
   */
  recover?: true;
  /** What the text of a `recover` token should be (its quick fix): `' '`, `''` or the string in straight quotes. */
  fix?: string;
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

/**
 * Spaces other than U+0020 (a no-break space from a word processor or a web page): one passes for a
 * space, so the parser reads it as one, after saying where it is.
 */
const ODD_SPACE = /^[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]$/;
/** Quotes a string may have been written with by mistake (curly ones from a word processor, single ones). */
const ODD_QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b'";
/** Characters that pass for part of a word or number without being one: zero-width ones and a soft hyphen, and dashes other than `-`. */
const GLUE = /[\u00ad\u200b-\u200d\u2060\ufeff\u2010-\u2015\u2212]/;
function glueName(c: string): string {
  if (/[\u2010-\u2015\u2212]/.test(c)) return `${codePointText(c)} (a dash that is not '-')`;
  return `${codePointText(c)} (${c === '\u00ad' ? 'a soft hyphen' : 'a character that shows as nothing'})`;
}

/** Punctuation the language has none of, which people put between a word and its value or at a line's end. */
const STRAY: Record<string, string> = {
  '=': "unexpected '=': a value follows its word after a space (cpus 4, not cpus=4)",
  ':': "unexpected ':': a value follows its word after a space (host hyperv-2016, not host: hyperv-2016)",
  ';': "unexpected ';': a statement ends at the end of its line, without ';'",
  ',': "unexpected ',': the parts of a statement are separated by spaces, not commas",
};

/** Binary size suffixes: 1K = 1024. */
export const SIZE_SUFFIX: Record<string, bigint> = { K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };
/** Duration units in nanoseconds. */
export const DURATION_UNIT: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** A number literal's value, or an error; `_` separators and K/M/G/T allowed. */
export function numberValue(text: string): { value: number } | { error: string } {
  const m = NUMBER.exec(text);
  if (!m) return { error: `${shortText(text, "'")} is not a number` };
  const digits = m[1]!.replace(/_/g, '');
  if (/^0[xXbB]$/.test(digits)) return { error: `${shortText(text, "'")} has no digits` };
  let v = BigInt(digits.toLowerCase());
  if (m[2]) v *= SIZE_SUFFIX[m[2]]!;
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return { error: `${shortText(text, "'")} is too large (more than 2^53-1)` };
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
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) return { kind: 'duration', error: `${shortText(text, "'")} is too long a duration` };
    return { kind: 'duration', value: Number(v) };
  }
  if (digit && DOTTED.test(text)) return { kind: 'dotted' };
  if (text.includes(':') && PCIADDR.test(text)) return { kind: 'pciaddr' };
  if (!digit && WORD.test(text)) return { kind: 'word' };
  if (digit) return { kind: 'invalid', error: `${shortText(text, "'")} is not a valid number, duration, slot or GUID` };
  return { kind: 'invalid', error: `unexpected ${shortText(text, "'")}` };
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

  /**
   * A stray `=`, `:`, `;` or `,` (STRAY), read past as a space: its fix deletes it where a space is
   * next to it, else turns it into one (`cpus=4` → `cpus 4`).
   */
  private stray(c: string, start: number, sc: number, i: number, col: number): Token {
    const text = this.text;
    // A run of the same one (`==`, `;;`) is one slip.
    let end = i + 1;
    while (end < this.n && text[end] === c) end++;
    const before = text[start - 1];
    const after = text[end];
    const spaced = (x: string | undefined): boolean => x === undefined || x === ' ' || x === '\t' || x === '\n' || x === '\r';
    let error = STRAY[c]!;
    if (c === '=' || c === ':') {
      // The example is the line's own: `host=hyperv-2016` → (host hyperv-2016, not host=hyperv-2016).
      let a = start;
      while (a > 0 && (text[a - 1] === ' ' || text[a - 1] === '\t')) a--;
      let w = a;
      while (w > 0 && isRun(text.charCodeAt(w - 1))) w--;
      let b = end;
      while (b < this.n && (text[b] === ' ' || text[b] === '\t')) b++;
      let v = b;
      while (v < this.n && isRun(text.charCodeAt(v))) v++;
      const word = text.slice(w, a);
      const value = text.slice(b, v);
      if (WORD.test(word) && value && value.length <= 64 && word.length <= 64)
        error = `unexpected '${text.slice(start, end)}': a value follows its word after a space (${word} ${value}, not ${text.slice(w, v)})`;
    } else if (end > i + 1) error = error.replace(`'${c}'`, `'${text.slice(start, end)}'`);
    return this.token('invalid', start, sc, end, col + (end - i), { error, recover: true, fix: spaced(before) || spaced(after) ? '' : ' ' });
  }

  /** Whether `µs` or `μs` (micro sign or Greek mu) ends a run at offset `i`. */
  private microseconds(i: number): boolean {
    const c = this.text[i];
    return (c === '\u00b5' || c === '\u03bc') && this.text[i + 1] === 's' && !isRun(this.text.charCodeAt(i + 2));
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
      return this.token('string', start, sc, i, col, closed ? { value } : { value, error: `unterminated string: it has no closing '"' on its line` });
    }
    if (c === ':') return this.stray(c, start, sc, i, col);
    if (isRun(text.charCodeAt(i)) || this.microseconds(i)) {
      /** Characters inside the run that only look like part of it (GLUE): a zero-width one, a dash that is not `-`. */
      let glued = false;
      for (;;) {
        while (i < n && isRun(text.charCodeAt(i))) {
          i++;
          col++;
        }
        let j = i;
        while (j < n && GLUE.test(text[j]!)) j++;
        if (j === i || j >= n || !isRun(text.charCodeAt(j))) break;
        glued = true;
        col += j - i;
        i = j;
      }
      // `10µs`, `1 µs` (as this project prints times): the unit is part of the run, for the parser to say once, with `us` as the fix.
      if (!glued && (i === start || /[0-9]/.test(text[i - 1]!)) && this.microseconds(i)) {
        i += 2;
        col += 2;
      } else if (!glued && /[0-9]/.test(text[start]!) && /[0-9]/.test(text[i - 1]!) && (text[i] === '\u00b5' || text[i] === '\u03bc')) {
        // `10µx`, `10µsec` (a micro unit mistyped after a number): one token too, said once, not a number then an odd character.
        i++;
        col++;
        while (i < n && isRun(text.charCodeAt(i))) {
          i++;
          col++;
        }
      }
      if (glued) {
        // `free<U+200B>bsd`, `intel–82599-vf` (copied from a web page or a word processor): one token, told what is in it, the fix the run without it.
        const raw = text.slice(start, i);
        const fix = raw.replace(/[\u2010-\u2015\u2212]/g, '-').replace(new RegExp(GLUE.source, 'g'), '');
        const odd = [...new Set(raw.match(new RegExp(GLUE.source, 'g')) ?? [])].map(glueName).join(' and ');
        return this.token('invalid', start, sc, i, col, { error: `'${raw}' has ${odd} in it: write '${fix}'`, fix });
      }
      // `host:` or `host:hyperv-2016` (a YAML habit): the word alone, then its `:` as a stray one.
      let colon = start;
      while (colon < i && text.charCodeAt(colon) !== 0x3a) colon++;
      if (colon > start && colon < i && WORD.test(text.slice(start, colon)) && !PCIADDR.test(text.slice(start, i))) {
        const after = text.charCodeAt(colon + 1);
        const letterOrEnd = colon + 1 === i || (after >= 0x61 && after <= 0x7a) || (after >= 0x41 && after <= 0x5a) || after === 0x5f;
        if (letterOrEnd) return this.token('word', start, sc, colon, sc + (colon - start));
      }
      const k = classify(text.slice(start, i));
      const extra: Partial<Token> = {};
      if (k.value !== undefined) extra.value = k.value;
      if (k.error !== undefined) extra.error = k.error;
      return this.token(k.kind, start, sc, i, col, extra);
    }
    if (c in STRAY) return this.stray(c, start, sc, i, col);
    if (ODD_SPACE.test(c)) {
      const what = c === '\u00a0' ? 'a no-break space' : 'a space other than the plain one';
      return this.token('invalid', start, sc, i + 1, col + 1, {
        error: `unexpected character ${codePointText(c)} (${what}): write a plain space`,
        recover: true,
        fix: ' ',
      });
    }
    if (ODD_QUOTES.includes(c)) {
      // To the next quote of any kind on the line: a string, read as one, in the wrong quotes.
      let j = i + 1;
      while (j < n && text[j] !== '\n' && text[j] !== '\r' && !ODD_QUOTES.includes(text[j]!) && text[j] !== '"') j++;
      const how = c === "'" ? 'single quotes' : 'curly quotes';
      if (j < n && text[j] !== '\n' && text[j] !== '\r') {
        const value = text.slice(i + 1, j);
        const fix = `"${value.replace(/[\\"]/g, (x) => `\\${x}`)}"`;
        return this.token('string', start, sc, j + 1, col + (j + 1 - i), {
          value,
          error: `a string goes in straight double quotes, not ${how}: ${fix}`,
          recover: true,
          fix,
        });
      }
      return this.token('invalid', start, sc, i + 1, col + 1, {
        error: `unexpected character ${charText(c)}: a string goes in straight double quotes ("…")`,
      });
    }
    // Any other character (including a lone surrogate half) is one invalid token.
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    i += w;
    col += w;
    // Shown as itself when it can be, else by code point (a NUL or a zero-width space quoted shows as nothing).
    const ch = text.slice(start, i);
    let why = '';
    if (/[\u2010-\u2015\u2212]/.test(ch)) why = ": a dash that is not '-'";
    else if (/^[\p{L}\p{N}]$/u.test(ch) && !charText(ch).startsWith('U+')) why = ": names and numbers are written in ASCII (letters, digits, '_' and '-')";
    return this.token('invalid', start, sc, i, col, { error: `unexpected character ${charText(ch)}${why}` });
  }
}
