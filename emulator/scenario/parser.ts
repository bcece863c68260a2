// The scenario language's parser: tokens to the syntax tree of ast.ts, with
// exact ranges. Syntax only — names (devices, profiles, messages, statuses) are
// resolved by check.ts. Never throws: every error becomes a diagnostic and the
// parser resumes at the next line (or the block's closing brace); a statement that
// fails before its `{ … }` body is read skips that body to its `}`.
// The keywords come from keywords.ts and events.ts, where each timeline event and
// fault action also parses its own arguments through the StatementParser given
// here. The grammar is documented in docs/scenario-language.md.
import type {
  BarSize,
  BusDecl,
  BusLifeState,
  Diagnostic,
  Expectation,
  FnRef,
  FunctionDeclAst,
  FunctionSourceAst,
  Loc,
  MessageRef,
  Name,
  Scenario,
  SlotRef,
  TimelineEvent,
  VmDecl,
} from './ast';
import { MAX_BUS_NAME, MAX_DIAGNOSTICS, codePointText, shortQuotes, visibleText } from './ast';
import type { FaultAction } from '../vpci/host/faults';
import { DURATION_UNIT, Lexer, type LexOptions, type Token, type TokenKind } from './lexer';
import { checkScenario, withSyntaxErrors, type BrokenStatements, type ParseExtras } from './check';
import { suggestions } from './names';
import { OTHER_VERSIONS, VERSIONS, versionText } from '../vpci/protocol';
import { formatTime, grouped, timeLiteral } from '../format';
import type { ScenarioContext } from './context';
import {
  BUS_KEYWORDS,
  ARGUMENT_WORDS,
  BUS_STATES,
  EXPECT_BUS_FORMS,
  EXPECT_TARGET_FORMS,
  FUNCTION_OPTION_KEYWORDS,
  KEYWORD_SYNONYMS,
  RESERVED_BUS_NAMES,
  TOP_KEYWORDS,
  VM_KEYWORDS,
} from './keywords';
import {
  EVENTS,
  EVENT_KEYWORDS,
  FAULT_ACTIONS,
  FAULT_ACTION_KEYWORDS,
  isEventKeyword,
  isFaultActionKeyword,
  type EventKind,
  type EventRow,
  type StatementParser,
} from './events';

/** What a name is (lexer.ts WORD): a name in quotes is read as one. */
const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** The first character of a run the lexer cuts words, numbers and the like from (lexer.ts isRun). */
const RUN_START = /^[A-Za-z0-9_.:-]/;

/** The words that start a statement, a vm setting or a bus item. */
const STARTERS: ReadonlySet<string> = new Set([...TOP_KEYWORDS, ...VM_KEYWORDS, ...BUS_KEYWORDS]);

/** The longest duration a scenario may give (ours): two of them add up exactly in a double. */
const MAX_DURATION_NS = 2 ** 52;
/** The one wording of that limit, for every time, deadline and delay however it is written. */
const tooLong = (what: string, text: string): string => `${what} must be at most 2^52 ns (about 52 days: virtual time counts whole nanoseconds), not '${text}'`;

/**
 * Thrown internally to abandon a statement; never escapes the parser. `reported`: its diagnostic was
 * kept already (a bad value read past, so the statement's later mistakes were found too).
 */
class StatementError {
  constructor(
    readonly diag: Diagnostic,
    readonly reported = false,
  ) {}
}

/** `µs` or `μs` alone: a unit the lexer keeps as one (invalid) token, read as `us`. */
const MICRO = /^[\u00b5\u03bc]s$/;
/** Whether `t` is a word for a unit of time on `line` (`ms`, `msec`, `min`, `days`), which may follow a number after a space. */
const unitWord = (t: Token, line: number): boolean =>
  (t.kind === 'word' || MICRO.test(t.text)) &&
  t.loc.line === line &&
  (TIME_UNITS[t.text.toLowerCase()] !== undefined || LONG_UNITS[t.text.toLowerCase()] !== undefined);
/** Whether `t` is a whole number written in decimal digits alone (it may be too large). */
const whole = (t: Token): boolean => t.kind === 'number' && /^[0-9]+$/.test(t.text);
/** Tokens of one line as they are written there, spaces between them kept (`1, 5 ms`). */
function shownText(ts: readonly Token[]): string {
  let out = '';
  for (const t of ts) out += ' '.repeat(Math.max(0, t.loc.col - ts[0]!.loc.col - out.length)) + t.text;
  return out;
}
/** A slip the lexer marked (Token.recover) that stands for nothing: a stray `,`, `=`, `:` or `;`, a no-break space. */
const isSlip = (t: Token): boolean => t.recover === true && t.kind === 'invalid';

/** What a value is written as (a number, a time, a slot, a version, an address, a GUID): a token a bad value is read past as. */
const VALUE_KINDS: readonly TokenKind[] = ['number', 'duration', 'dotted', 'pciaddr', 'guid'];

/** Thrown internally when MAX_DIAGNOSTICS are kept (`kept`): the parser reads no further. Never escapes the parser. */
class TooManyDiagnostics {
  constructor(readonly kept: number) {}
}

/** A vendor:device pair as lspci -n shows it (`8086:10ed`). */
const PCI_IDS = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/;

/** `no` and the words people write for it (ours): where `no` goes, one of them is `no`. */
const NEGATIONS = ['no', 'not', 'never', 'none'];

/** What `word` may have meant among `allowed`: a keyword it is a synonym of (KEYWORD_SYNONYMS) first, then the near misses. */
function guesses(word: string, allowed: readonly string[]): string[] {
  const lower = word.toLowerCase();
  const synonyms = allowed.filter((k) => k !== word && KEYWORD_SYNONYMS[k]?.includes(lower));
  return [...new Set([...synonyms, ...suggestions(word, allowed)])];
}

/** `unknown vm setting 'cpu'; did you mean 'cpus'? (expected …)`, and the suggestions for a quick fix. */
function unknownWord(what: string, word: string, allowed: readonly string[]): [string, string[]] {
  const hints = guesses(word, allowed);
  return [`unknown ${what} '${word}'${hints[0] ? `; did you mean '${hints[0]}'?` : ''} (expected ${allowed.join(', ')})`, hints];
}

/** A size written with a suffix the language does not take (`16MB`, `16m`, `4KiB`): the size as it is written here. */
function sizeFix(text: string): string | undefined {
  const m = /^([0-9][0-9_]*)(?:([kmgtKMGT])(?:i?[bB])?|[bB])$/.exec(text);
  if (!m) return undefined;
  return `${m[1]}${(m[2] ?? '').toUpperCase()}`;
}

/** Unit words people write after a number of ns, us, ms or s. */
const TIME_UNITS: Record<string, string> = {
  ns: 'ns',
  nsec: 'ns',
  nsecs: 'ns',
  nanosecond: 'ns',
  nanoseconds: 'ns',
  us: 'us',
  µs: 'us',
  μs: 'us',
  usec: 'us',
  usecs: 'us',
  microsecond: 'us',
  microseconds: 'us',
  ms: 'ms',
  msec: 'ms',
  msecs: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
};

/** Minutes, hours and days as people write them, in seconds: what durationFix turns into a time the language takes. */
const LONG_UNITS: Record<string, bigint> = {
  min: 60n,
  mins: 60n,
  minute: 60n,
  minutes: 60n,
  h: 3600n,
  hr: 3600n,
  hrs: 3600n,
  hour: 3600n,
  hours: 3600n,
  d: 86400n,
  day: 86400n,
  days: 86400n,
};

/** A time in minutes, hours or days (`2min`, `1.5h`) in whole nanoseconds; undefined for any other text or a fraction of a nanosecond. */
function longTimeNs(text: string): bigint | undefined {
  const m = /^([0-9][0-9_]*)(?:\.([0-9]+))?([a-zA-Z]+)$/.exec(text);
  const long = m && LONG_UNITS[m[3]!.toLowerCase()];
  if (!m || !long) return undefined;
  const frac = m[2] ?? '';
  const scaled = BigInt(m[1]!.replace(/_/g, '') + frac) * long * 1_000_000_000n;
  return scaled % 10n ** BigInt(frac.length) === 0n ? scaled / 10n ** BigInt(frac.length) : undefined;
}

/**
 * A duration written in a form the language does not take (`5sec`, `2MS`, `1.5ms`): the same time
 * as it is written here (`5s`, `2ms`, `1500us`), or undefined when it is no time at all.
 */
function durationFix(text: string): string | undefined {
  // Minutes, hours and days (ours: the language stops at seconds): the same time in seconds or finer, when it fits.
  const ns = longTimeNs(text);
  if (ns !== undefined) return ns > 0n && ns <= BigInt(MAX_DURATION_NS) ? timeLiteral(Number(ns)) : undefined;
  // `0x10ms`, `1e3ms`, `2.5e-3s`: the number JavaScript reads, written out (ours).
  const x = /^(0[xXbB][0-9a-fA-F_]+|[0-9_.]+[eE][+-]?[0-9]+)([a-zA-Zµμ]+)$/.exec(text);
  const m = /^([0-9][0-9_]*)(?:\.([0-9]+))?([a-zA-Zµμ]+)$/.exec(x ? String(Number(x[1]!.replace(/_/g, ''))) + x[2]! : text);
  // A micro sign starts no unit but microseconds: `10µx`, `10µsec` are `10us` mistyped (ours).
  const unit = m && (TIME_UNITS[m[3]!.toLowerCase()] ?? (/^[µμ]/.test(m[3]!) ? 'us' : undefined));
  if (!m || !unit) return undefined;
  const order = ['s', 'ms', 'us', 'ns'];
  let whole = BigInt(m[1]!.replace(/_/g, ''));
  let frac = m[2] ?? '';
  let u = order.indexOf(unit);
  // A fraction moves down a unit (×1000) at a time until it is whole: 1.5ms → 1500us.
  while (frac.replace(/0+$/, '') !== '' && u < order.length - 1) {
    const three = (frac + '000').slice(0, 3);
    whole = whole * 1000n + BigInt(three);
    frac = frac.slice(3);
    u++;
  }
  if (frac.replace(/0+$/, '') !== '') return undefined;
  return `${whole}${order[u]}`;
}

/**
 * The MAJOR.MINOR a version written another way stands for: the wire's `0x10004` (MAJOR << 16 | MINOR),
 * the drivers' `PCI_PROTOCOL_VERSION_1_4` (linux pci-hyperv.c and freebsd vmbus_pcib.c, enum
 * pci_protocol_version_t), OpenVMM's `FE` (protocol.ts VERSIONS) or `v1.4`; undefined for any other token.
 */
function versionFix(t: Token): string | undefined {
  if (t.kind === 'number' && !t.error && (t.value as number) >= 0x10000 && (t.value as number) <= 0xffff_ffff) return versionText(t.value as number);
  const m = /^(?:PCI_PROTOCOL_VERSION_([0-9]+)_([0-9]+)|[vV]([0-9]+)\.([0-9]+))$/i.exec(t.text);
  if (m) return `${Number(m[1] ?? m[3])}.${Number(m[2] ?? m[4])}`;
  const named = t.kind === 'word' ? [...VERSIONS, ...OTHER_VERSIONS].find((x) => x.name.toLowerCase() === t.text.toLowerCase()) : undefined;
  return named && versionText(named.value);
}

export function spanLoc(a: Loc, b: Loc): Loc {
  return { line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol };
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of file';
    case 'newline':
      return 'end of line';
    case 'string':
      return `string ${t.text}`;
    default:
      return `'${t.text}'`;
  }
}

export interface ParseResult {
  scenario: Scenario;
  diagnostics: Diagnostic[];
}

/** How much of a file is looked at to tell text from binary: git's FIRST_FEW_BYTES (xdiff-interface.c buffer_is_binary). */
const TEXT_SNIFF = 8000;

/**
 * Whether `text` is no text scenario at all (a binary file, a UTF-16 file read as UTF-8): its
 * first TEXT_SNIFF characters hold a NUL, as git decides a file is binary (xdiff-interface.c
 * buffer_is_binary), or (ours) at least 32 of them, a tenth or more, are control characters or
 * U+FFFD (bytes that are no UTF-8). The diagnostic, once, at the first such character; undefined
 * for text. Said instead of one `invalid-token` per stray byte, hundreds for an executable.
 */
export function notTextDiagnostic(text: string, opts?: LexOptions): Diagnostic | undefined {
  const n = Math.min(text.length, TEXT_SNIFF);
  const bad = (c: number): boolean => (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11) || c === 0x7f || c === 0xfffd;
  let at = text.indexOf('\0');
  if (at >= TEXT_SNIFF) at = -1;
  if (at < 0) {
    let count = 0;
    let first = -1;
    for (let i = 0; i < n; i++) {
      if (!bad(text.charCodeAt(i))) continue;
      if (first < 0) first = i;
      count++;
    }
    if (count < 32 || count * 10 < n) return undefined;
    at = first;
  }
  // Its line and column, counted as the lexer counts them (line ends \n, \r\n, \r; a leading mark per LexOptions.bom).
  let line = 1;
  let start = 0;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  const col = at - start + 1 - (line === 1 && text.charCodeAt(0) === 0xfeff && opts?.bom !== 'unit' ? 1 : 0);
  const what = text.charCodeAt(at) === 0 ? 'a NUL byte (U+0000)' : codePointText(text.slice(at, at + 2));
  // UTF-16 text read as UTF-8: its byte-order mark is two U+FFFD, or its ASCII letters alternate with NULs.
  const utf16 = /^(?:\ufffd\ufffd)?(?:(?:[^\0]\0){4}|(?:\0[^\0]){4})/.test(text.slice(0, 10));
  return {
    severity: 'error',
    code: 'not-text',
    loc: { line, col, endLine: line, endCol: col + (text.charCodeAt(at) >= 0xd800 && text.charCodeAt(at) < 0xdc00 ? 2 : 1) },
    message: utf16
      ? `not a text scenario: ${what} here, as in UTF-16 text; save it as UTF-8`
      : `not a text scenario: ${what} here, as in a binary file; nothing in it is checked`,
  };
}

/** Parse plus what the checker needs that the tree has no room for (status names). */
export function parseWithExtras(text: string, opts?: LexOptions): ParseResult & { extras: ParseExtras } {
  const diagnostics: Diagnostic[] = [];
  const broken: BrokenStatements = { buses: [], unnamedBus: false, functions: [], events: [], settings: [] };
  const extras: ParseExtras = { statusNames: [], vmDecls: [], broken };
  const binary = notTextDiagnostic(text, opts);
  if (binary)
    return {
      scenario: { vm: { loc: { line: 1, col: 1, endLine: 1, endCol: 1 }, cpus: 0, mmio: [], quirks: [] }, buses: [], timeline: [], expectations: [] },
      diagnostics: [binary],
      extras,
    };

  // The tokens, comments left out, made as the parser reaches them: it looks a few tokens ahead
  // at most, so it holds those and not the whole file's (linear memory in the tree, not the text).
  const lexer = new Lexer(text, opts);
  /** Tokens lexed and not yet taken: ahead[head] is the next one. */
  const ahead: Token[] = [];
  let head = 0;

  const diag = (loc: Loc, code: string, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({
    severity,
    message,
    loc,
    code,
  });
  /** Keeps a diagnostic; the MAX_DIAGNOSTICS-th ends the parse (TooManyDiagnostics). */
  const report = (d: Diagnostic): void => {
    // What the message quotes of the file (a string's text) may hold characters a client shows as nothing.
    d.message = visibleText(shortQuotes(d.message));
    diagnostics.push(d);
    if (diagnostics.length >= MAX_DIAGNOSTICS) throw new TooManyDiagnostics(diagnostics.length);
  };
  /** Set once the parser stops (TooManyDiagnostics): skipping then reports nothing more. */
  let stopping = false;
  /**
   * The slips read past before a token (a stray `,`, `=` or `;`, a no-break space), held with the token
   * and said when it is taken (sayBefore): what reads a token may take them as part of what it reads
   * (`1,5ms`, `msix 1,2`: claimSlips) and say them in its one error instead. Ours: one mistake, one error.
   */
  const slipsBefore = new Map<Token, Token[]>();
  /** Slips lexed since the last token the parser reads. */
  let slips: Token[] = [];
  /** Strings in the wrong quotes (readPast), as the lexer made them: said when taken (sayBefore). */
  const quoted = new Map<Token, Token>();

  // Title: the first run of comment lines before anything else (the line ends around them stay for the parser).
  const titleLines: string[] = [];
  {
    let t = lexer.next();
    while (t.kind === 'newline') {
      ahead.push(t);
      t = lexer.next();
    }
    while (t.kind === 'comment') {
      titleLines.push(t.text.replace(/^#\s?/, '').trimEnd());
      t = lexer.next();
      if (t.kind === 'newline') {
        ahead.push(t);
        t = lexer.next();
      }
    }
    ahead.push(isSlip(t) ? (slips.push(t), lex()) : readPast(t));
  }

  /** Tokens the parser reads, comments and the slips it reads past (Token.recover) left out. */
  function lex(): Token {
    for (;;) {
      const t = lexer.next();
      if (t.kind === 'comment') continue;
      if (isSlip(t)) {
        slips.push(t);
        continue;
      }
      if (slips.length) {
        slipsBefore.set(t, slips);
        slips = [];
      }
      return readPast(t);
    }
  }
  /**
   * A token as the parser reads it: a string in curly or single quotes (Token.recover) is read as the
   * string it stands for, its mistake said when it is taken (quoted), unless a name in quotes says it instead.
   */
  function readPast(t: Token): Token {
    if (!t.recover) return t;
    const { error: _e, recover: _r, fix: _f, ...ok } = t;
    quoted.set(ok, t);
    return ok;
  }
  /** A slip the lexer marked (Token.recover) said, with its fix. */
  function sayRecovered(t: Token): void {
    if (stopping) return;
    const d = diag(t.loc, 'invalid-token', t.error ?? `unexpected '${t.text}'`);
    if (t.fix !== undefined) d.suggestions = [t.fix];
    report(d);
  }
  /** The slips before `t`, said (unless claimed). */
  function sayBefore(t: Token): void {
    const s = slipsBefore.get(t);
    if (s) {
      slipsBefore.delete(t);
      for (const x of s) sayRecovered(x);
    }
    const q = quoted.get(t);
    if (q) {
      quoted.delete(t);
      sayRecovered(q);
    }
  }
  /** The slips before `t` when every one is a stray comma (or a run of them), taken from it to be said in another error; else undefined. */
  const claimSlips = (t: Token): Token[] | undefined => {
    const s = slipsBefore.get(t);
    if (!s || !s.every((x) => /^,+$/.test(x.text))) return undefined;
    slipsBefore.delete(t);
    return s;
  };
  const peek = (o = 0): Token => {
    while (ahead.length - head <= o) {
      const last = ahead[ahead.length - 1];
      // After the end, every further token is the end (as a clamped index into all of them was).
      if (last?.kind === 'eof') return last;
      ahead.push(lex());
    }
    return ahead[head + o]!;
  };
  /** The token taken last (any kind, line ends too), if any. */
  let prev: Token | undefined;
  const next = (): Token => {
    const t = peek();
    sayBefore(t);
    if (t.kind !== 'eof') {
      prev = t;
      head++;
      // Taken tokens are dropped in batches, so the look-ahead stays a few tokens long.
      if (head >= 64) {
        ahead.splice(0, head);
        head = 0;
      }
    }
    return t;
  };
  /** The last token taken that is not a line end (spans never end on one). */
  let last: Token = peek();
  /** While set, the text of each token taken (the fault action's words, to write them elsewhere as a fix). */
  let recording: string[] | undefined;
  /** The words taken on the line `wordsLine` (a statement's), so one written again is said to be (endStatement). */
  const lineWords = new Set<string>();
  let wordsLine = 0;
  const take = (): Token => {
    const t = next();
    if (t.kind !== 'newline') {
      last = t;
      recording?.push(t.text);
    }
    if (t.kind === 'word') {
      if (t.loc.line !== wordsLine) lineWords.clear();
      wordsLine = t.loc.line;
      lineWords.add(t.text);
    }
    return t;
  };

  const fail = (loc: Loc, code: string, message: string, hints?: string[]): never => {
    const d = diag(loc, code, message);
    if (hints?.length) d.suggestions = hints;
    throw new StatementError(d);
  };
  /**
   * The first bad value of the statement being read, said already: the statement is read on past it,
   * so every bad value in it is said in one pass (ours: a newcomer fixing one per run is slow), and
   * then dropped as one with a syntax error is (commit). Reset where each statement or block item starts.
   */
  let pending: Diagnostic | undefined;
  /**
   * `read` a value; when it fails at the value's own token, which is written as a value is (VALUE_KINDS,
   * or a run of word characters that is no word: `4x`, `0xzz`, `-1`), the error is said, the token
   * taken, and `placeholder(token)` read in its place: the statement goes on, and its end (commit) drops it.
   * A word, a missing value or anything else still ends the statement there (it may be the next part
   * of it, left without its value).
   */
  const soft = <T>(read: () => T, placeholder: (bad: Token) => T): T => {
    const t = peek();
    try {
      return read();
    } catch (e) {
      const valueShaped = VALUE_KINDS.includes(t.kind) || (t.kind === 'invalid' && !t.recover && RUN_START.test(t.text));
      if (!(e instanceof StatementError) || e.reported || !valueShaped || e.diag.loc.line !== t.loc.line || e.diag.loc.col !== t.loc.col) throw e;
      if (peek() === t) take();
      report(e.diag);
      pending ??= e.diag;
      return placeholder(t);
    }
  };
  /**
   * Two parts of a statement written the other way round (`at boot 0`, `function intel-82599-vf 0`,
   * `expect attached nic0`, `driver msix 3 nic0`): one error over both, saying the order, with the
   * two swapped as its fix (ours). `first` and `second` are token runs on one line, `second` right after `first`.
   */
  const swapped = (first: readonly Token[], second: readonly Token[], why: string): never => {
    const words = (ts: readonly Token[]): string => ts.map((x) => x.text).join(ts.some((x) => x.kind === 'slash') ? '' : ' ');
    const fix = `${words(second)} ${words(first)}`;
    return fail(spanLoc(first[0]!.loc, second.at(-1)!.loc), 'unexpected-token', `${why}: '${fix}'`, [fix]);
  };
  /** Whether the scenario declares a bus named `name` (a keyword word: `bus attached {`, `offer msix {`), asked only where a swap is suspected. */
  const declaresBus = (name: string): boolean => {
    // Asked once per word (a file of many such lines scans its text once for each, not once for each line).
    let is = busDeclared.get(name);
    if (is === undefined) {
      is = new RegExp(`(?:^|[\\n\\r{}])[ \\t]*bus[ \\t]+${name}(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_-])offer[ \\t]+${name}(?![A-Za-z0-9_-])`).test(text);
      busDeclared.set(name, is);
    }
    return is;
  };
  const busDeclared = new Map<string, boolean>();
  /** The tokens from `o` on that stand on `line` and are of `kinds`, at most `max`. */
  const runAhead = (o: number, line: number, kinds: readonly TokenKind[], max: number): Token[] => {
    const out: Token[] = [];
    for (let t = peek(o); out.length < max && t.loc.line === line && kinds.includes(t.kind); t = peek(o + out.length)) out.push(t);
    return out;
  };
  /** Whether the statement being read has a bad value read past (a function: the compiler cannot see `soft` set it). */
  const held = (): boolean => pending !== undefined;
  /**
   * At a statement's end (its line end taken): one with a bad value read past is dropped, as one with
   * a syntax error is; its error was said, and the line is read, so what catches it skips nothing more.
   */
  const commit = (): void => {
    if (!pending) return;
    const d = pending;
    pending = undefined;
    throw new StatementError(d, true);
  };
  /**
   * The fixed words the parser has looked for at token `triedAt` and not found there (isWord): where
   * a statement wants one of them, a word that is none of them is a misspelt keyword, and these are
   * what it may have meant (`msx` where `msix`, `msi` or `none` go).
   */
  let triedAt: Token | undefined;
  let tried: string[] = [];
  /** A word where only the fixed words tried at it fit: `unknown keyword 'msx'; did you mean 'msix'? (expected …)`. */
  const unknownKeyword = (t: Token, what: string): never => {
    const hints = guesses(t.text, tried);
    return fail(t.loc, 'unknown-keyword', `unknown keyword '${t.text}'${hints[0] ? `; did you mean '${hints[0]}'?` : ''} (expected ${what})`, hints);
  };
  const expected = (what: string, t: Token = peek()): never => {
    if (t.error && t.kind === 'string') fail(t.loc, 'unterminated-string', t.error);
    // A run of word characters (`82599-vf`, `1.1.0`, `nic0:0`) is told against what goes here; a character alone, by itself.
    // One the lexer knows the fix of (a zero-width character inside a word) says so itself.
    if (t.kind === 'invalid' && t.fix !== undefined) fail(t.loc, 'invalid-token', t.error ?? `unexpected '${t.text}'`, [t.fix]);
    if (t.kind === 'invalid')
      fail(t.loc, 'invalid-token', RUN_START.test(t.text) ? `expected ${what}, found '${t.text}'` : (t.error ?? `unexpected '${t.text}'`));
    if (t.kind === 'slash') slashComment(t);
    if (t.kind === 'word' && t === triedAt && tried.length) unknownKeyword(t, what);
    if (t.kind !== 'newline' && t.kind !== 'eof') return fail(t.loc, 'unexpected-token', `expected ${what}, found ${describe(t)}`);
    // Something missing at the end of a line is placed where it would go: right after the line's last
    // token (before any spaces or comment), as a zero-width range that ends on that line.
    const at = last.loc.endLine === t.loc.line && last.loc.endCol <= t.loc.col ? last.loc.endCol : t.loc.col;
    return fail({ line: t.loc.line, col: at, endLine: t.loc.line, endCol: at }, 'missing-argument', `expected ${what}, found ${describe(t)}`);
  };
  /** `//` or `/*` where a comment was meant: said so (a comment starts with `#`), with `#` as the fix. */
  const slashComment = (t: Token): void => {
    const u = peek(1);
    if (t.kind !== 'slash' || u.loc.line !== t.loc.line || u.loc.col !== t.loc.endCol || (u.kind !== 'slash' && u.text !== '*')) return;
    fail(spanLoc(t.loc, u.loc), 'unexpected-token', `a comment starts with '#', not '${t.text}${u.text}'`, ['#']);
  };
  const isWord = (w: string, o = 0): boolean => {
    const t = peek(o);
    const is = t.kind === 'word' && t.text === w;
    if (!is && o === 0) {
      if (t !== triedAt) {
        triedAt = t;
        tried = [];
      }
      if (!tried.includes(w)) tried.push(w);
    }
    return is;
  };

  const keyword = (w: string): Token => (isWord(w) ? take() : expected(`'${w}'`));
  const expectKind = (kind: TokenKind, what: string): Token => {
    const t = peek();
    if (t.kind !== kind) return expected(what);
    if (t.error) fail(t.loc, kind === 'string' ? 'unterminated-string' : 'invalid-number', t.error);
    return take();
  };
  /**
   * A name in quotes (`host "hyperv-2016"`, `bus "nic0" {`): said once, with the name bare as the
   * fix, and read as the name, so the statement and what refers to it still stand.
   */
  const quotedName = (what: string): Name | undefined => {
    const t = peek();
    if (t.kind !== 'string' || t.error || typeof t.value !== 'string' || !BARE_NAME.test(t.value)) return undefined;
    // A name in curly or single quotes is in none: that is its one mistake, not the quotes' kind too.
    quoted.delete(t);
    take();
    const d = diag(t.loc, 'unexpected-token', `expected ${what}, found string ${t.text}; a name is written without quotes: ${t.value}`);
    d.suggestions = [t.value];
    report(d);
    return { name: t.value, loc: t.loc };
  };
  const name = (what: string): Name => {
    const q = quotedName(what);
    if (q) return q;
    const t = expectKind('word', what);
    return { name: t.text, loc: t.loc };
  };
  /** `declaring`: the bus's declaration, where a name that cannot be one is said and the bus still declared by it (it is not unknown to what names it). */
  const busName = (what = 'a bus name', declaring = false): Name => {
    const n = name(what);
    const bad = (code: string, message: string): void => (declaring ? report(diag(n.loc, code, message)) : fail(n.loc, code, message));
    if (RESERVED_BUS_NAMES.includes(n.name)) bad('reserved-name', `'${n.name}' is a keyword and cannot name a bus`);
    if (n.name.length > MAX_BUS_NAME) bad('name-too-long', `a bus name is at most ${MAX_BUS_NAME} characters; this one is ${grouped(n.name.length)}`);
    return n;
  };
  /**
   * At an `invalid` token where a number (`kind` size) or a time goes: a negative one, or one written
   * in a form the language does not take (`16MB`, `5sec`, `1.5ms`) with the form it takes as the fix.
   */
  const badNumber = (what: string, kind: 'size' | 'time', range?: [number, number]): void => {
    const t = peek();
    if (t.kind !== 'invalid') return;
    if (/^-[0-9]/.test(t.text))
      fail(t.loc, 'out-of-range', range ? `${what} must be ${range[0]}..${range[1]}, not ${t.text}` : `${what} cannot be negative: '${t.text}'`);
    if (kind === 'time') return badTime(what, t.loc, t.text);
    const fix = sizeFix(t.text);
    if (fix) fail(t.loc, 'invalid-number', `'${t.text}' is not a number; did you mean '${fix}'? (the size suffixes are K, M, G and T)`, [fix]);
  };
  /**
   * A time written in a form the language does not take (`5sec`, `1e3ms`, `0x10ms`, or `1e3 ms` over its two tokens,
   * `shown` as written): what a time looks like, with the same time as the fix where there is one; past the limit,
   * the limit. Nothing for text that is no number at all (it is then 'expected …').
   */
  const badTime = (what: string, at: Loc, written: string, shown = written): void => {
    // `.5ms`: a fraction without its whole part is read as `0.5ms` (ours).
    if (!/^\.?[0-9]/.test(written)) return;
    const text = written.startsWith('.') ? `0${written}` : written;
    const fix = durationFix(text);
    const u = fix && /[a-z]+$/.exec(fix);
    // The time it writes (minutes, hours and days have no fix past the limit, durationFix): past the limit, that alone is said.
    const ns = longTimeNs(text) ?? (u ? BigInt(fix.slice(0, u.index)) * DURATION_UNIT[u[0]]! : 0n);
    if (ns > BigInt(MAX_DURATION_NS)) fail(at, 'out-of-range', tooLong(what, shown));
    const form = 'a duration is a whole number and a unit: ns, us, ms or s';
    fail(
      at,
      'invalid-number',
      fix ? `'${shown}' is not a duration; did you mean '${fix}'? (${form})` : `'${shown}' is not a duration (${form})`,
      fix ? [fix] : undefined,
    );
  };
  /** A bad value read past (soft): NaN, which no check compares equal or in range, where the statement is dropped at its end. */
  const badValue = (t: Token): { value: number; loc: Loc } => ({ value: NaN, loc: t.loc });
  /**
   * Numbers joined by commas where one value goes (`msix 1,2`, `version 1,2`), at most `max` of them: taken with their
   * commas (claimSlips), and what they read as (`1, 2`) and where; undefined where no comma joins the next number.
   */
  const commaRun = (max: number): { shown: string; at: Loc } | undefined => {
    const t = peek();
    const parts = [t];
    let n = 1;
    for (let u = peek(1), commas; n < max && whole(t) && whole(u) && u.loc.line === t.loc.line && (commas = claimSlips(u)); u = peek(++n))
      parts.push(...commas, u);
    if (n === 1) return undefined;
    for (let i = 0; i < n; i++) take();
    return { shown: shownText(parts), at: spanLoc(t.loc, last.loc) };
  };
  /**
   * `msix 1,2`, `serial 1,000`: one error (ours: it was each comma, then the next number as a word too many), the
   * digits joined as the fix where the commas group thousands and the number they make is in `range` (`msix 9,999`
   * is told the range instead of being offered 9999, itself an error).
   */
  const commaNumber = (what: string, range?: [number, number]): void => {
    const r = commaRun(Infinity);
    if (!r) return;
    const joined = /^[0-9]{1,3}(,[0-9]{3})+$/.test(r.shown) ? r.shown.replace(/,/g, '') : undefined;
    const fix = joined && (!range || (Number(joined) >= range[0] && Number(joined) <= range[1])) ? joined : undefined;
    const why = `(${what} is one number${joined && !fix ? ` in ${range![0]}..${range![1]}` : ''}, written without ',')`;
    fail(r.at, 'invalid-number', `'${r.shown}' is not a number${fix ? `; did you mean '${fix}'?` : ''} ${why}`, fix ? [fix] : undefined);
  };
  /** `version 1,2` (the dot as the fix: `fix`), `nic0/1,2` (a slot's comma may as well part two slots): one error. */
  const commaDotted = (what: string, code: string, fix = false): void => {
    const r = commaRun(2);
    const dot = r?.shown.replace(/[ ,]+/, '.');
    if (r) fail(r.at, code, `expected ${what}, found '${r.shown}'${fix ? `; did you mean '${dot}'?` : ''}`, fix ? [dot!] : undefined);
  };
  /**
   * `bar 0 16 M`, `rom 512 KiB`: a size suffix parted from its decimal number (it was 'unknown function option M;
   * did you mean rom?'). Said once, as a time's parted unit is (missing-unit), with the two joined as the fix, and
   * read as the size it is; undefined when the number has no such word after it.
   */
  const partedSuffix = (): { value: number; loc: Loc } | undefined => {
    const t = peek();
    const u = peek(1);
    if (t.kind !== 'number' || t.error || !/^[0-9][0-9_]*$/.test(t.text) || u.kind !== 'word' || u.loc.line !== t.loc.line) return undefined;
    const fix = /^[kmgt](i?b)?$/i.test(u.text) ? sizeFix(t.text + u.text) : undefined;
    const value = fix === undefined ? NaN : (t.value as number) * 1024 ** ('KMGT'.indexOf(fix.slice(-1)) + 1);
    if (!(value <= Number.MAX_SAFE_INTEGER)) return undefined;
    take();
    take();
    const at = spanLoc(t.loc, u.loc);
    const d = diag(at, 'missing-unit', `a size suffix goes right after its number, without a space: '${fix}'`);
    d.suggestions = [fix!];
    report(d);
    return { value, loc: at };
  };
  const num = (what: string, range?: [number, number]): { value: number; loc: Loc } =>
    soft(() => {
      commaNumber(what, range);
      badNumber(what, 'size');
      const parted = partedSuffix();
      if (parted) return parted;
      const t = expectKind('number', what);
      return { value: t.value as number, loc: t.loc };
    }, badValue);
  const intIn = (what: string, lo: number, hi: number): { value: number; loc: Loc } =>
    soft(() => {
      badNumber(what, 'size', [lo, hi]);
      // Past 2^53 - 1 (the lexer's 'too large'): the range is what the writer needs.
      const t = peek();
      if (t.kind === 'number' && t.error && /^[0-9]/.test(t.text)) fail(t.loc, 'out-of-range', `${what} must be ${lo}..${hi}, not ${t.text}`);
      const n = num(what, [lo, hi]);
      if (n.value < lo || n.value > hi) fail(n.loc, 'out-of-range', `${what} must be ${lo}..${hi}, not ${n.value}`);
      return n;
    }, badValue);
  const duration = (what: string): { value: number; loc: Loc } => soft(() => durationValue(what), badValue);
  const durationValue = (what: string): { value: number; loc: Loc } => {
    const t = peek();
    const u1 = peek(1);
    // `1,5ms`, `1, 5ms`, `1,,5ms`, `1,5 ms`, `1,5,ms`, `1,5`: a decimal comma: one mistake over them all, its commas with it.
    if (whole(t) && (u1.kind === 'duration' || whole(u1)) && u1.loc.line === t.loc.line && slipsBefore.has(u1)) {
      const u2 = peek(2);
      const unit = u1.kind === 'number' && unitWord(u2, t.loc.line) ? u2 : undefined;
      const commas = claimSlips(u1);
      if (commas) {
        const after = unit && claimSlips(unit);
        take();
        take();
        if (unit) take();
        badTime(
          what,
          spanLoc(t.loc, (unit ?? u1).loc),
          `${t.text}.${u1.text}${unit?.text ?? ''}`,
          shownText([t, ...commas, u1, ...(after || []), ...(unit ? [unit] : [])]),
        );
      }
    }
    // `99999999999999999999 s`, `1e3 ms`, `.5 ms`, `1.5 ms`, `2 min`: a number that is no time, then its unit: one mistake over both
    // (the unit was read as the event, with the two swapped as its fix).
    const noTime = t.kind === 'invalid' || t.kind === 'dotted' || (t.kind === 'number' && (t.error || !TIME_UNITS[u1.text.toLowerCase()]));
    if (noTime && /^\.?[0-9]/.test(t.text) && unitWord(u1, t.loc.line)) {
      take();
      take();
      badTime(what, spanLoc(t.loc, u1.loc), t.text + u1.text, `${t.text} ${u1.text}`);
    }
    if (t.kind === 'number' && !t.error) {
      // `2 ms`: the unit parted from its number. Said once, and read as the time it is.
      const u = peek(1);
      const unit = (u.kind === 'word' || MICRO.test(u.text)) && u.loc.line === t.loc.line ? TIME_UNITS[u.text.toLowerCase()] : undefined;
      if (unit) {
        take();
        take();
        const fix = `${t.value as number}${unit}`;
        const at = spanLoc(t.loc, u.loc);
        const ns = BigInt(t.value as number) * DURATION_UNIT[unit]!;
        if (ns > BigInt(MAX_DURATION_NS)) fail(at, 'out-of-range', tooLong(what, fix));
        const d = diag(at, 'missing-unit', `a unit goes right after its number, without a space: '${fix}'`);
        d.suggestions = [fix];
        report(d);
        return { value: Number(ns), loc: at };
      }
      take();
      // The units that keep the time within the limit are offered; with none, the limit is what is said.
      const fits = ['ms', 'us', 'ns', 's'].filter((u) => BigInt(t.value as number) * DURATION_UNIT[u]! <= BigInt(MAX_DURATION_NS));
      if (t.value !== 0 && !fits.length) fail(t.loc, 'out-of-range', tooLong(what, t.text));
      if (t.value !== 0)
        fail(
          t.loc,
          'missing-unit',
          `${what} needs a unit (ns, us, ms, s): '${t.text}'`,
          fits.map((u) => `${/^0[xXbB]/.test(t.text) ? (t.value as number) : t.text}${u}`),
        );
      return { value: 0, loc: t.loc };
    }
    badNumber(what, 'time');
    // The lexer's 'too long' (past 2^53 - 1 ns), or 'too large' of a number, is this limit too: said as it is.
    if ((t.kind === 'duration' || t.kind === 'number') && t.error && /^[0-9]/.test(t.text)) fail(t.loc, 'out-of-range', tooLong(what, t.text));
    const d = expectKind('duration', what);
    // Virtual time is whole nanoseconds in a double: an event's time plus a delay stays exact below 2^53.
    if ((d.value as number) > MAX_DURATION_NS) fail(d.loc, 'out-of-range', tooLong(what, d.text));
    return { value: d.value as number, loc: d.loc };
  };
  const slot = (): SlotRef => soft(slotValue, (t) => ({ device: NaN, fn: NaN, wslot: NaN, loc: t.loc }));
  const slotValue = (): SlotRef => {
    commaDotted("a slot (device number like '0' or device.function like '1.2')", 'bad-slot');
    const t = peek();
    if (t.kind === 'number' && !t.error) {
      take();
      const device = t.value as number;
      if (device > 31) fail(t.loc, 'bad-slot', `PCI device number must be 0..31, not ${device}`);
      return { device, fn: 0, wslot: device, loc: t.loc };
    }
    if (t.kind === 'dotted') {
      take();
      const [d, f] = t.text.split('.').map((x) => parseInt(x, 10)) as [number, number];
      if (d > 31) fail(t.loc, 'bad-slot', `PCI device number must be 0..31, not ${d}`);
      if (f > 7) fail(t.loc, 'bad-slot', `PCI function number must be 0..7, not ${f}`);
      return { device: d, fn: f, wslot: (d & 0x1f) | ((f & 0x7) << 5), loc: t.loc };
    }
    // `function 00:02.0`: a PCI address (as lspci prints one) where a slot goes; the slot is its device and function (ours:
    // the bus and domain are the vPCI bus's own, given by the guest, so they have no place here).
    if (t.kind === 'pciaddr') {
      const m = /([0-9A-Fa-f]{1,2})\.([0-7])$/.exec(t.text);
      const d = m ? parseInt(m[1]!, 16) : 32;
      if (m && d <= 31) {
        const fix = m[2] === '0' ? `${d}` : `${d}.${m[2]!}`;
        fail(
          t.loc,
          'bad-slot',
          `expected a slot (device number like '0' or device.function like '1.2'), found the PCI address '${t.text}'; did you mean '${fix}'? (the bus is the vPCI bus itself)`,
          [fix],
        );
      }
    }
    // `function 0a.0`, `nic0/1f`: a device number in hex as lspci prints it (`0a`); a slot's numbers are decimal
    // unless written `0x…` (ours), so the fix is the same slot in decimal.
    const hex = t.kind === 'invalid' ? /^(?:0[xX])?([0-9A-Fa-f]{1,2})(?:\.([0-7]))?$/.exec(t.text) : null;
    if (hex && parseInt(hex[1]!, 16) <= 31) {
      const d = parseInt(hex[1]!, 16);
      const fix = hex[2] === undefined ? `${d}` : `${d}.${hex[2]}`;
      fail(
        t.loc,
        'bad-slot',
        `a slot's numbers are decimal: '${t.text}' is written '${fix}' (lspci's ${hex[1]!.padStart(2, '0').toLowerCase()} is device ${d})`,
        [fix],
      );
    }
    return expected("a slot (device number like '0' or device.function like '1.2')");
  };
  /** Whether the scenario declares a bus named `bus` (`bus bus { … }`, `offer bus { … }`): asked once, when a reference starts with `bus`. */
  let busNamedBus: boolean | undefined;
  /**
   * A bus named where one is referred to. `rescind bus nic0`, `on bus nic0`: the word `bus` before the
   * name, as it is said, is a slip said once with removing it as the fix, and read as the name after
   * it; not when a bus is named `bus` (then `bus` is that bus), nor before a word that goes after one.
   */
  const refBus = (): Name => {
    const b = peek();
    const n = peek(1);
    if (
      b.kind === 'word' &&
      b.text === 'bus' &&
      n.kind === 'word' &&
      n.loc.line === b.loc.line &&
      !(ARGUMENT_WORDS as readonly string[]).includes(n.text) &&
      !(BUS_STATES as readonly string[]).includes(n.text) &&
      !(busNamedBus ??= /(?:^|[\n\r{}])[ \t]*bus[ \t]+bus(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_-])offer[ \t]+bus(?![A-Za-z0-9_-])/.test(text))
    ) {
      take();
      const d = diag(b.loc, 'unexpected-token', `unexpected 'bus': a bus is referred to by its name alone ('${n.text}', not 'bus ${n.text}')`);
      d.suggestions = [''];
      report(d);
    }
    return busName();
  };
  /** A bus name where a whole bus is meant (rescind, detach, plug, fault, `on`): a slot after it is refused, not left over. */
  const wholeBus = (): Name => {
    const n = refBus();
    const t = peek();
    if (t.kind === 'slash') {
      const s = peek(1);
      fail(
        s.kind === 'number' || s.kind === 'dotted' ? spanLoc(t.loc, s.loc) : t.loc,
        'unexpected-slot',
        `a whole bus is meant here ('${n.name}'), not a function; remove the slot`,
        s.kind === 'number' || s.kind === 'dotted' ? [''] : undefined,
      );
    }
    return n;
  };
  /** `nic0.1` or `nic0:1` where a target goes: said with `nic0/1` as the fix (`what`: what the message says goes there). */
  const slotWithoutSlash = (what: string): void => {
    const odd = peek();
    const m = odd.kind === 'invalid' ? /^([A-Za-z_][A-Za-z0-9_-]*)[.:](\d{1,2}(?:\.\d)?)$/.exec(odd.text) : null;
    if (!m) return;
    const fix = `${m[1]!}/${m[2]!}`;
    fail(odd.loc, 'invalid-token', `expected ${what}, found '${odd.text}'; a function is named by its bus and slot with '/': did you mean '${fix}'?`, [fix]);
  };
  const fnRef = (): FnRef => {
    // `eject nic0.1` or `nic0:1` (the slot after a dot or colon, as other tools write a device): one
    // error with the target as the language writes it, `nic0/1`, as its fix (ours).
    slotWithoutSlash('a bus name');
    const bus = refBus();
    // `eject nic0 function 0` (or `slot 0`), as it is said: a slip said once, with `nic0/0` as its fix, and read as that target.
    const w = peek();
    const n = peek(1);
    if (
      w.kind === 'word' &&
      (w.text === 'function' || w.text === 'slot') &&
      (n.kind === 'number' || n.kind === 'dotted') &&
      !n.error &&
      n.loc.line === w.loc.line
    ) {
      take();
      const bad = held();
      const s = slot();
      // A slot out of range is said by itself; the slip's fix would write it again.
      if (!bad && held()) return { bus, slot: s, loc: spanLoc(bus.loc, s.loc) };
      const fix = `${bus.name}/${n.text}`;
      const d = diag(
        spanLoc(bus.loc, s.loc),
        'unexpected-token',
        `unexpected '${w.text}': a function is named by its bus and slot, '${fix}' (did you mean '${fix}'?)`,
      );
      d.suggestions = [fix];
      report(d);
      return { bus, slot: s, loc: spanLoc(bus.loc, s.loc) };
    }
    if (peek().kind === 'slash') {
      slashComment(peek());
      take();
      const s = slot();
      return { bus, slot: s, loc: spanLoc(bus.loc, s.loc) };
    }
    return { bus, loc: bus.loc };
  };
  const message = (): MessageRef => {
    const q = quotedName("a message name (e.g. 'create-interrupt' or PCI_EJECTION_COMPLETE)");
    if (q) return { name: q.name, value: 0, loc: q.loc };
    const t = peek();
    if (t.kind === 'word') {
      take();
      return { name: t.text, value: 0, loc: t.loc };
    }
    if (t.kind === 'number' && !t.error) {
      take();
      // A message type is a u32 (pci-hyperv.c struct pci_message), as a status is.
      if ((t.value as number) > 0xffffffff) fail(t.loc, 'out-of-range', `a message type must be 0..4294967295, not ${t.value as number}`);
      return { name: t.text, value: t.value as number, loc: t.loc };
    }
    return expected("a message name (e.g. 'create-interrupt' or PCI_EJECTION_COMPLETE)");
  };
  const endStatement = (what: string): void => {
    // An unclosed block already stopped at the start of the next line's statement.
    if (prev?.kind === 'newline') return;
    const t = peek();
    if (t.kind === 'newline') {
      take();
      return;
    }
    if (t.kind === 'eof' || t.kind === 'rbrace') return;
    if (t.error) fail(t.loc, t.kind === 'string' ? 'unterminated-string' : 'invalid-token', t.error, t.fix !== undefined ? [t.fix] : undefined);
    if (t.kind === 'slash') slashComment(t);
    // A word close to an optional word the statement could have gone on with (`befor 5ms`) is that word misspelt.
    if (t.kind === 'word' && t === triedAt && guesses(t.text, tried).length)
      unknownKeyword(t, `${tried.map((w) => `'${w}'`).join(' or ')} or the end of the statement`);
    // `msix 3 msix 2`, `times 1 times 2`, `eject nic0 nic0`: a word of the statement written again (a word
    // that starts a statement or item is the next one on the line: blockItems and the top level say so).
    if (t.kind === 'word' && t.loc.line === wordsLine && lineWords.has(t.text) && !STARTERS.has(t.text))
      fail(t.loc, 'duplicate-option', `'${t.text}' is given twice`);
    fail(t.loc, 'unexpected-token', `unexpected ${describe(t)} after ${what}`);
  };
  /**
   * The rest of a `{ … }` whose statement failed before its body was read (`bus 9x {`, `vm x {`,
   * `at 1ms offer 9x {`): up to its matching `}`, so the body's items are not read as statements
   * of their own, each an error, and its `}` as one outside a block. As block() does, it ends where
   * a line starts with a top-level keyword (no item starts with one): that `{` is never closed.
   * Whether the `}` was found.
   */
  const skipBody = (open: Token): boolean => {
    let depth = 1;
    let lineStart = false;
    for (;;) {
      const t = peek();
      if (t.kind === 'eof' || (lineStart && t.kind === 'word' && (TOP_KEYWORDS as readonly string[]).includes(t.text))) {
        if (!stopping) report(diag(open.loc, 'unclosed-block', "'{' is never closed"));
        return false;
      }
      take();
      lineStart = t.kind === 'newline';
      if (t.kind === 'lbrace') depth++;
      else if (t.kind === 'rbrace' && --depth === 0) return true;
    }
  };
  /**
   * Skip to the end of the line (or before the `}` closing the current block). A top-level
   * statement's `{` on the way takes its body with it (skipBody); inside a block, where no item has
   * one, a `{` is skipped alone.
   */
  const sync = (inBlock: boolean): void => {
    for (;;) {
      const t = peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'newline') {
        // A top-level statement's block put on the next line (`bus nic0 x` then `{`) is its too.
        if (inBlock || !braceBelow()) {
          take();
          return;
        }
        skipNewlines();
        if (skipBody(take())) continue;
        return;
      }
      if (inBlock && t.kind === 'rbrace') return;
      take();
      if (!inBlock && t.kind === 'lbrace' && !skipBody(t)) return;
    }
  };
  const skipNewlines = (): void => {
    while (peek().kind === 'newline') take();
  };
  /** At a line end: the `{` that begins a later line (past blank and comment lines), if one does. */
  const braceBelow = (): Token | undefined => {
    let o = 0;
    while (peek(o).kind === 'newline') o++;
    const t = peek(o);
    return o > 0 && t.kind === 'lbrace' ? t : undefined;
  };
  /**
   * The `{` that opens a required block (`vm`, a bus body), on its statement's line. One alone at
   * the start of a later line (the brace-on-its-own-line style of C) is one error where it stands,
   * and the block is read as if it stood on the statement's line: its items are not each an error,
   * nor is the bus it declares unknown to every line that names it.
   * No `{` at all where one of the block's `items` follows (`vm` alone on its line and `host …` below
   * it, `bus nic0 function 0 …`): one error where the `{` belongs, and what follows is read as the
   * block's items, up to a `}` or the next statement (undefined: there is no `{` to close).
   */
  const openBrace = (items: readonly string[]): Token | undefined => {
    const below = braceBelow();
    if (below) {
      report(diag(below.loc, 'brace-on-next-line', "'{' goes at the end of the line before, on the line of the statement it opens"));
      skipNewlines();
    }
    const open = peek();
    if (open.kind === 'lbrace') return take();
    let o = 0;
    while (peek(o).kind === 'newline') o++;
    const first = peek(o);
    // Nothing below that could be in it (the file ends, or the next statement starts): `bus nic2` alone is given
    // ` { }` as the fix (ours), which leaves a block to fill (an empty bus is then its warning).
    if (first.kind === 'eof' || (first.kind === 'word' && (TOP_KEYWORDS as readonly string[]).includes(first.text)))
      try {
        expected("'{'");
      } catch (e) {
        if (e instanceof StatementError && e.diag.code === 'missing-argument') e.diag.suggestions = [' { }'];
        throw e;
      }
    if (first.kind !== 'word' || !items.includes(first.text)) return expected("'{'");
    try {
      expected("'{'");
    } catch (e) {
      if (!(e instanceof StatementError)) throw e;
      report(e.diag);
      braceMissing = { d: e.diag, next: open };
    }
    return undefined;
  };
  /** The error of the last `{` left out (openBrace): block() gives it its fix once it finds the block's `}`. */
  let braceMissing: { d: Diagnostic; next: Token } | undefined;
  /**
   * `{ items }`; each item parsed by `item` with errors recovered per line. Returns the `}` (or last
   * token). A second item on an item's line (`vm { host x guest y }`: the items of a block are
   * separated by line ends) is said once and read as an item of its own: `items` are the words that
   * start one, `what` what they are.
   */
  const block = (open: Token | undefined, item: () => void, items: readonly string[], what: string): Token => {
    // The statement the block is part of (an offer) keeps its own bad value across the block's items.
    const outer = pending;
    const missing = open ? undefined : braceMissing;
    try {
      const close = blockItems(open, item, items, what);
      // `bus nic0` with its items below and their `}`: the `{` goes in at the end of its line (`bus nic1 function 0 …`:
      // before the item on it). Without a `}` there is no block to open.
      if (missing && close.kind === 'rbrace') missing.d.suggestions = [missing.next.kind === 'word' ? `{ ${missing.next.text}` : ' {'];
      return close;
    } finally {
      pending = outer;
    }
  };
  const blockItems = (open: Token | undefined, item: () => void, items: readonly string[], what: string): Token => {
    /** The line a second item was last found on. */
    let crowded = 0;
    for (;;) {
      skipNewlines();
      pending = undefined;
      const t = peek();
      if (t.kind === 'rbrace') return take();
      if (t.kind === 'eof' || (t.kind === 'word' && (TOP_KEYWORDS as readonly string[]).includes(t.text))) {
        // No block item starts with a top-level keyword: the `}` is missing, the next statement begins here.
        if (open) report(diag(open.loc, 'unclosed-block', "'{' is never closed"));
        return last;
      }
      try {
        item();
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        pending = undefined;
        // A bad value read past: the item was read to its end, and its error said.
        if (e.reported) continue;
        const at = peek();
        const d = e.diag;
        if (at.kind === 'word' && items.includes(at.text) && d.loc.line === at.loc.line && d.loc.col === at.loc.col) {
          // Said once for the line (`host x guest y cpus 4` is one slip, not two).
          const again = d.message.startsWith('unexpected ') && crowded === d.loc.line;
          if (d.message.startsWith('unexpected ')) {
            d.message += `; each ${what} goes on a line of its own`;
            crowded = d.loc.line;
          }
          if (!again) report(d);
          continue;
        }
        report(d);
        // A string left open ran over the `}` that closed the block (`{ function 0 dump "x }`): the block ends with it.
        const ranOver = at.kind === 'string' && at.error !== undefined && at.text.includes('}');
        sync(true);
        if (ranOver) return at;
      }
    }
  };

  // ---- vm ----
  const vm: VmDecl = { loc: { line: 1, col: 1, endLine: 1, endCol: 1 }, cpus: 0, mmio: [], quirks: [] };
  let sawVm = false;
  /**
   * `VM {`, `Host hyperv-2016`, `Function 0 …`: a keyword of `allowed` in other letters is said (`code`, its fix the keyword)
   * and read as that keyword (ours): its block or line is read, so the mistakes in it are found in the same pass, not
   * once this one is fixed. `kw` itself otherwise.
   */
  const keywordIn = (kw: Token, allowed: readonly string[], what: string, code: string): Token => {
    const lower = kw.text.toLowerCase();
    if (lower === kw.text || !allowed.includes(lower)) return kw;
    const [message, hints] = unknownWord(what, kw.text, allowed);
    const d = diag(kw.loc, code, message);
    d.suggestions = hints;
    report(d);
    return { ...kw, text: lower };
  };
  const vmItem = (): void => {
    const t = peek();
    if (t.kind !== 'word') return expected(`a vm setting (${VM_KEYWORDS.join(', ')})`);
    const kw = keywordIn(take(), VM_KEYWORDS, 'vm setting', 'unknown-setting');
    try {
      vmSetting(kw);
    } catch (e) {
      if (e instanceof StatementError) broken.settings.push(kw.text);
      throw e;
    }
    if (pending) broken.settings.push(kw.text);
    endStatement(`'${kw.text}'`);
    commit();
  };
  const vmSetting = (kw: Token): void => {
    // `host`, `guest` or `cpus` given again (in this vm block or a second one): the last one wins, as for a quirk.
    const again = (prev: Loc | undefined, loc: Loc): void => {
      if (prev)
        report({
          ...diag(loc, 'duplicate-setting', `'${kw.text}' is set twice; the last one wins`, 'warning'),
          related: { message: 'first set here', loc: prev },
        });
    };
    switch (kw.text) {
      case 'host': {
        const prev = vm.hostLoc;
        const n = name('a host profile name (e.g. hyperv-2016)');
        // `host hyperv 2022`: a profile's year parted from its name by a space, read as the one word
        // meant; the checker says so once (a fix when that is a profile, else the unknown profile).
        const y = peek();
        if (y.kind === 'number' && /^\d{4}$/.test(y.text) && y.loc.line === n.loc.endLine && !n.name.includes('-')) {
          take();
          vm.host = { name: `${n.name}-${y.text}`, loc: spanLoc(n.loc, y.loc) };
          vm.hostSpaced = true;
        } else vm.host = n;
        vm.hostLoc = spanLoc(kw.loc, vm.host.loc);
        again(prev, vm.hostLoc);
        break;
      }
      case 'guest': {
        const prev = vm.guestLoc;
        vm.guest = name('a guest model name (e.g. freebsd)');
        vm.guestLoc = spanLoc(kw.loc, vm.guest.loc);
        again(prev, vm.guestLoc);
        break;
      }
      case 'cpus': {
        const n = intIn('the CPU count', 1, 240);
        if (pending) break;
        again(vm.cpusLoc, spanLoc(kw.loc, n.loc));
        vm.cpus = n.value;
        vm.cpusLoc = spanLoc(kw.loc, n.loc);
        break;
      }
      case 'mmio': {
        const n = name("an MMIO range name ('low' or 'high')");
        // The VMBus device's two ranges, below and above 4 GiB (scenario-config.ts DEFAULT_MMIO).
        if (n.name !== 'low' && n.name !== 'high') fail(n.loc, 'unknown-setting', ...unknownWord('MMIO range', n.name, ['low', 'high']));
        const base = num('the range base address');
        keyword('size');
        const size = num('the range size');
        if (size.value === 0) fail(size.loc, 'out-of-range', 'an MMIO range cannot be empty');
        // x86-64 physical addresses have at most 52 bits (Intel SDM vol. 3A §4.1.4, MAXPHYADDR).
        if (base.value + size.value > 2 ** 52)
          fail(
            spanLoc(base.loc, size.loc),
            'out-of-range',
            `an MMIO range must end at or below 2^52 (the widest physical address x86-64 defines); this one ends at 0x${(base.value + size.value).toString(16)}`,
          );
        if (!pending) vm.mmio.push({ name: n.name, base: base.value, size: size.value, loc: spanLoc(kw.loc, size.loc) });
        break;
      }
      case 'quirk': {
        const n = name('a quirk name');
        const v = peek();
        // `quirk Q 0` / `quirk Q 1`, as a switch is written elsewhere: told the word, with it as the fix.
        if (v.kind === 'number' && !v.error && (v.value === 0 || v.value === 1)) {
          const word = v.value === 1 ? 'on' : 'off';
          fail(
            v.loc,
            'unexpected-token',
            `expected 'on' or 'off', found '${v.text}'; did you mean '${word}'? (a quirk is switched with a word, not a number)`,
            [word],
          );
        }
        if (!isWord('on') && !isWord('off')) expected("'on' or 'off'");
        take();
        vm.quirks.push({ name: n, on: v.text === 'on', loc: spanLoc(kw.loc, v.loc) });
        break;
      }
      default:
        fail(kw.loc, 'unknown-setting', ...unknownWord('vm setting', kw.text, VM_KEYWORDS));
    }
  };

  // ---- bus / function ----
  /** The function clause after `function` on bus `bus` (a block's or a plug's); one that fails is noted (broken.functions). */
  const functionDecl = (kw: Token, bus: Name): FunctionDeclAst => {
    let wslot: number | undefined;
    // A slot read past (soft) is no slot: which one was meant is not known; but one out of range (`function 33`,
    // a bad-slot) is a slot no reference can name either, so the bus's other slots are still checked.
    const brokenHere = (): number => broken.functions.push(`${bus.name}/${wslot === undefined || Number.isNaN(wslot) ? '*' : wslot}`);
    try {
      const t = peek();
      // `function 0,1`: numbers joined by a comma (commaDotted) name no one slot.
      const joined = whole(peek(1)) && slipsBefore.has(peek(1));
      const f = functionClause(
        kw,
        (s) => (wslot = Number.isNaN(s.wslot) && (t.kind === 'dotted' || (t.kind === 'number' && !t.error && !joined)) ? -1 : s.wslot),
      );
      // A bad value read past: the caller drops the function at the statement's end (commit).
      if (pending) brokenHere();
      return f;
    } catch (e) {
      if (e instanceof StatementError) brokenHere();
      throw e;
    }
  };
  const functionClause = (kw: Token, slotRead: (s: SlotRef) => void): FunctionDeclAst => {
    // `function intel-82599-vf 0`: the device before its slot.
    const dev = peek();
    const sl = peek(1);
    if (dev.kind === 'word' && dev.text !== 'dump' && sl.loc.line === dev.loc.line && ((sl.kind === 'number' && !sl.error) || sl.kind === 'dotted'))
      swapped([dev], [sl], "the slot goes right after 'function', before the device");
    const s = slot();
    slotRead(s);
    let source: FunctionSourceAst;
    let end: Loc;
    const path = peek();
    // A path in quotes without `dump` before it: the word is what is missing.
    if (path.kind === 'string' && !path.error && !BARE_NAME.test(path.value as string))
      fail(
        path.loc,
        'unexpected-token',
        `expected a catalog device id (e.g. intel-82599-vf) or dump "file", found string ${path.text}; a dump file is named after the word dump: dump ${path.text}`,
        [`dump ${path.text}`],
      );
    if (isWord('dump')) {
      take();
      // A path without its quotes (`dump gpu.lspci`, `dump devices/gpu.lspci`, `dump my gpu.lspci`): the runs of
      // characters up to the last one with a '.' or '/' in it (before a function option's word) are the path meant,
      // spaces and all, and the fix puts them in quotes.
      const p0 = peek();
      if (p0.kind === 'word' || p0.kind === 'invalid' || p0.kind === 'slash') {
        const run: Token[] = [p0];
        let upTo = 0;
        // Tokens on the line are the file's characters, a run of them where they touch (no space between); a path is a few dozen at most.
        for (let i = 0; i < 64; i++) {
          const u = peek(i);
          const prev = run[run.length - 1]!;
          const touches = u.loc.line === prev.loc.endLine && u.loc.col === prev.loc.endCol;
          if (i > 0 && (u.loc.line !== p0.loc.line || !['word', 'invalid', 'slash', 'number', 'dotted', 'duration'].includes(u.kind))) break;
          if (i > 0 && !touches && u.kind === 'word' && FUNCTION_OPTION_KEYWORDS.includes(u.text)) break;
          if (i > 0) run.push(u);
          if (/[./]/.test(u.text)) upTo = run.length;
        }
        const bare = shownText(run.slice(0, upTo));
        if (upTo) fail(spanLoc(p0.loc, run[upTo - 1]!.loc), 'unexpected-token', `the dump file path goes in double quotes: dump "${bare}"`, [`"${bare}"`]);
      }
      const path = expectKind('string', 'the dump file path in quotes');
      source = { kind: 'dump', path: path.value as string, pathLoc: path.loc, bars: [] };
      end = path.loc;
    } else {
      // `8086:10ed`, a device's PCI ids as lspci shows them: read as the device name written, for the
      // checker to say which catalog device has those ids.
      const ids = peek();
      const id =
        ids.kind === 'invalid' && PCI_IDS.test(ids.text)
          ? { name: take().text, loc: ids.loc }
          : name('a catalog device id (e.g. intel-82599-vf) or dump "file"');
      source = { kind: 'catalog', id };
      end = id.loc;
    }
    const f: FunctionDeclAst = { slot: s, source, loc: kw.loc };
    const seen = new Set<string>();
    // Up to the end of the line, or a word that starts another bus item (said by the block: one item a line).
    while (peek().kind === 'word' && !(BUS_KEYWORDS as readonly string[]).includes(peek().text)) {
      const o = take();
      const once = (): void => {
        if (seen.has(o.text)) fail(o.loc, 'duplicate-option', `'${o.text}' is given twice`);
        seen.add(o.text);
      };
      const dumpOnly = (): FunctionSourceAst & { kind: 'dump' } =>
        source.kind === 'dump' ? source : fail(o.loc, 'dump-only', `'${o.text}' applies only to functions read from a dump`);
      switch (o.text) {
        case 'serial': {
          once();
          const n = intIn('the serial number', 0, 0xffff_ffff);
          f.serial = n.value;
          end = n.loc;
          break;
        }
        case 'numa': {
          once();
          const n = intIn('the NUMA node', 0, 0xffff);
          f.numa = n.value;
          end = n.loc;
          break;
        }
        case 'select': {
          const d = dumpOnly();
          once();
          const t = peek();
          if (t.kind !== 'pciaddr' && !(t.kind === 'string' && !t.error)) expected('a PCI address like 01:00.0');
          take();
          d.select = t.kind === 'string' ? (t.value as string) : t.text;
          d.selectLoc = t.loc;
          end = t.loc;
          break;
        }
        case 'bar':
        case 'rom': {
          const d = dumpOnly();
          let index: number | 'rom' = 'rom';
          if (o.text === 'bar') index = intIn('the BAR index', 0, 5).value;
          const size = num('the BAR size (e.g. 16M)');
          if (d.bars.some((b) => b.index === index))
            fail(spanLoc(o.loc, size.loc), 'duplicate-bar', `${index === 'rom' ? 'the ROM' : `BAR ${index}`} size is given twice`);
          const b: BarSize = { index, size: size.value, loc: spanLoc(o.loc, size.loc) };
          d.bars.push(b);
          end = size.loc;
          break;
        }
        default:
          // A function option is a setting of the function, as a bus item is of the bus (docs: unknown-setting).
          fail(o.loc, 'unknown-setting', ...unknownWord('function option', o.text, FUNCTION_OPTION_KEYWORDS));
      }
    }
    f.loc = spanLoc(kw.loc, end);
    return f;
  };
  const busBody = (bus: BusDecl): void => {
    const open = openBrace(BUS_KEYWORDS);
    const close = block(
      open,
      () => {
        const t = peek();
        if (t.kind !== 'word') return expected(`'function' or 'instance'`);
        const kw = keywordIn(take(), BUS_KEYWORDS, 'bus item', 'unknown-setting');
        if (kw.text === 'instance') {
          const g = soft<Token | undefined>(
            () => expectKind('guid', 'a GUID like 3c2d7b4a-0001-4f00-8000-000000000001'),
            () => undefined,
          );
          if (g && bus.instance) fail(g.loc, 'duplicate-option', 'the bus instance is given twice');
          if (g) bus.instance = { guid: g.value as string, loc: g.loc };
        } else if (kw.text === 'function') {
          const f = functionDecl(kw, bus.name);
          if (!pending) bus.functions.push(f);
        } else {
          // Most likely a function misspelt (`functon`, `device`): which slot is not known.
          broken.functions.push(`${bus.name.name}/*`);
          fail(kw.loc, 'unknown-setting', ...unknownWord('bus item', kw.text, BUS_KEYWORDS));
        }
        endStatement(`'${kw.text}'`);
        commit();
      },
      BUS_KEYWORDS,
      'bus item',
    );
    bus.loc = spanLoc(bus.loc, close.loc);
  };
  /** A bus name and its body (`bus`, `offer`); one that fails is noted (broken), so what names the bus does not fail too. */
  const busDecl = (start: Loc): BusDecl => {
    let n: Name;
    try {
      n = busName('a bus name', true);
    } catch (e) {
      if (e instanceof StatementError) broken.unnamedBus = true;
      throw e;
    }
    const bus: BusDecl = { name: n, functions: [], loc: start };
    try {
      busBody(bus);
    } catch (e) {
      if (e instanceof StatementError) broken.buses.push(n.name);
      throw e;
    }
    return bus;
  };

  // ---- timeline ----
  /** The repeat count written before the fault action (`times 2 no-reply`): read, and said once with the reordering as the fix. */
  let timesFirst: number | undefined;
  const faultAction = (): FaultAction => {
    const t = peek();
    if (t.kind !== 'word') return expected(`a fault action (${FAULT_ACTION_KEYWORDS.join(', ')})`);
    timesFirst = undefined;
    if (t.text === 'times' && peek(1).kind === 'number' && peek(2).kind === 'word' && isFaultActionKeyword(peek(2).text)) {
      const w = take();
      const n = intIn('the repeat count', 1, 0xffff_ffff);
      const count = last.text;
      const words: string[] = [];
      recording = words;
      let action: FaultAction;
      try {
        action = faultAction();
      } finally {
        recording = undefined;
      }
      const fix = `${words.join(' ')} times ${count}`;
      const d = diag(spanLoc(w.loc, last.loc), 'unexpected-token', `'times ${count}' goes after the fault action, not before it: '${fix}'`);
      d.suggestions = [fix];
      report(d);
      timesFirst = n.value;
      return action;
    }
    const a = take();
    if (!isFaultActionKeyword(a.text)) return fail(a.loc, 'unknown-action', ...unknownWord('fault action', a.text, FAULT_ACTION_KEYWORDS));
    return FAULT_ACTIONS[a.text].parse(api, a);
  };
  /** What the rows of events.ts parse with. */
  const api: StatementParser = {
    peek,
    take,
    isWord,
    keyword,
    expected,
    fail,
    int: (what, lo, hi) => intIn(what, lo, hi).value,
    duration: (what) => duration(what).value,
    busName: () => wholeBus(),
    fnRef,
    functionDecl,
    busDecl,
    message,
    faultAction,
    timesBeforeAction: () => timesFirst,
    statusName: (action, t) => {
      extras.statusNames.push({ action, name: t.text, loc: t.loc });
    },
    span: (from) => spanLoc(from, last.loc),
    swapped,
  };
  /**
   * `at +5ms`: a time written as if relative. Times are absolute (ours: the language has no relative
   * times), so the fix is the absolute time meant: 5ms after the event before it, or after boot. Said
   * once and read as the first; undefined when no `+` is there.
   */
  const relativeTime = (): number | undefined => {
    const plus = peek();
    if (plus.kind !== 'invalid' || plus.text !== '+') return undefined;
    const d = peek(1);
    // `+5 ms`: the unit parted from its number too, read as the one time.
    const u = peek(2);
    const unit = d.kind === 'number' && !d.error && u.kind === 'word' && u.loc.line === d.loc.line ? TIME_UNITS[u.text.toLowerCase()] : undefined;
    const isTime = d.loc.line === plus.loc.line && !d.error && (d.kind === 'duration' || (d.kind === 'number' && (d.value === 0 || unit)));
    if (!isTime) fail(plus.loc, 'invalid-token', "unexpected '+': an event's time is absolute, the virtual time since boot, written as a duration (at 5ms)");
    take();
    take();
    if (unit) take();
    const rel = unit ? (d.value as number) * Number(DURATION_UNIT[unit]!) : (d.value as number);
    const written = unit ? timeLiteral(rel) : d.text;
    if (rel > MAX_DURATION_NS) fail(spanLoc(d.loc, last.loc), 'out-of-range', tooLong('the event time', written));
    const prev = timeline.at(-1);
    const loc = spanLoc(plus.loc, last.loc);
    // The time after the event before it may be past the limit: said so, and not offered (its fix would be that error).
    const abs = (prev?.time ?? 0) + rel;
    const fixes = [...new Set([timeLiteral(abs), timeLiteral(rel)])].slice(abs > MAX_DURATION_NS ? 1 : 0);
    const after =
      prev && prev.time > 0
        ? `${formatTime(rel)} after the event at ${formatTime(prev.time)} is ${abs > MAX_DURATION_NS ? `${formatTime(abs)}, past the limit of 2^52 ns` : `'at ${fixes[0]}'`}`
        : `${formatTime(rel)} after boot is 'at ${fixes[0]}'`;
    const other =
      abs > MAX_DURATION_NS ? `; ${formatTime(rel)} after boot is 'at ${fixes[0]}'` : fixes[1] ? `, ${formatTime(rel)} after boot 'at ${fixes[1]}'` : '';
    const x = diag(loc, 'invalid-token', `'+${written}': an event's time is absolute (virtual time since boot), not relative; ${after}${other}`);
    x.suggestions = fixes;
    report(x);
    return (prev?.time ?? 0) + rel;
  };
  /** An event; one that fails is noted with its event word ('' when none or an unknown one was read): broken.events. */
  const event = (at: Token): TimelineEvent => {
    let word = '';
    try {
      // `at boot 0`: the event before its time.
      const ev = peek();
      const tm = peek(1);
      if (ev.kind === 'word' && isEventKeyword(ev.text) && tm.loc.line === ev.loc.line && (tm.kind === 'duration' || (tm.kind === 'number' && tm.value === 0)))
        swapped([ev], [tm], "the time goes right after 'at', before the event");
      const time = relativeTime() ?? duration('the event time').value;
      const t = peek();
      if (t.kind !== 'word') return expected(`an event (${EVENT_KEYWORDS.join(', ')})`);
      const kw = take();
      if (!isEventKeyword(kw.text)) {
        // `at 3ms nic0 eject`: the bus (or function) before its event.
        const tgt = [kw, ...(peek().kind === 'slash' ? runAhead(0, kw.loc.line, ['slash', 'number', 'dotted'], 2) : [])];
        const ev = peek(tgt.length - 1);
        if (ev.kind === 'word' && isEventKeyword(ev.text) && ev.loc.line === kw.loc.line) swapped(tgt, [ev], 'the event goes before its bus');
        return fail(kw.loc, 'unknown-event', ...unknownWord('event', kw.text, EVENT_KEYWORDS));
      }
      word = kw.text;
      // `driver msix 3 nic0`, `raise vector 0 nic0`: the function's arguments before the function.
      const arg = peek();
      const argWords: Record<string, readonly string[]> = { driver: ['msix', 'msi', 'none'], raise: ['vector'] };
      if (arg.kind === 'word' && argWords[kw.text]?.includes(arg.text) && !declaresBus(arg.text)) {
        const args = arg.text === 'none' ? [arg] : [arg, ...runAhead(1, arg.loc.line, ['number'], 1)];
        const target = runAhead(args.length, arg.loc.line, ['word', 'slash', 'number', 'dotted'], 3);
        const end = peek(args.length + target.length);
        const what = kw.text === 'raise' ? 'vector' : 'interrupts';
        if (end.kind === 'newline' || end.kind === 'eof') {
          if (target[0]?.kind === 'word') swapped(args, target, `the function goes right after '${kw.text}', before its ${what}`);
          if (!target.length) fail(arg.loc, 'missing-argument', `the function goes before its ${what}: ${kw.text} BUS ${args.map((x) => x.text).join(' ')}`);
        }
      }
      const row = EVENTS[kw.text] as EventRow<EventKind>;
      const e = { ...row.parse(api, kw), kind: kw.text, time, loc: at.loc } as TimelineEvent;
      e.loc = spanLoc(at.loc, last.loc);
      if (pending) {
        // The bus an offer declares is dropped with it: what names it is not told it is unknown too.
        if (e.kind === 'offer') broken.buses.push(e.bus.name.name);
        endStatement('the statement');
        commit();
      }
      return e;
    } catch (e) {
      if (e instanceof StatementError) broken.events.push(word);
      throw e;
    }
  };

  // ---- expectations ----
  /** Where the statement being read says `before 0` (zeroDeadline, once it is read whole). */
  let zeroAt: Loc | undefined;
  /** `holds`: when the expectation being read holds, in the user's terms, for the message of an `after` or `at` slip. */
  const before = (holds: string): number | undefined => {
    if (peek().kind === 'word' && peek().text === 'after' && peek().loc.line === last.loc.endLine) afterSlip(holds);
    if (timeAt()) atSlip(holds);
    if (!isWord('before')) return undefined;
    const w = take();
    const d = duration('the deadline');
    if (d.value === 0) zeroAt = spanLoc(w.loc, d.loc);
    return d.value;
  };
  /**
   * `expect nic0 attached after 1ms`: an expectation covers the whole run, with a deadline (`before TIME`) and
   * no start. Said once, with when the expectation holds (`holds`) and removing it as the fix, and read past (ours).
   */
  const afterSlip = (holds: string): void => {
    const w = take();
    const t = duration('the time');
    removableSlip(spanLoc(w.loc, t.loc), `unexpected 'after': ${holds}; an expectation has a deadline ('before TIME') but no start time, so remove 'after …'`);
  };
  /**
   * `count >= 1`, `count < 3`: a comparison (`>`, `<`, `!`, and an `=` right after one, which the lexer reads as a
   * slip of its own) before a count, taken as one operator; undefined when there is none.
   */
  const comparison = (): { text: string; loc: Loc } | undefined => {
    const op = peek();
    if (op.kind !== 'invalid' || !/^[<>!]$/.test(op.text) || op.loc.line !== last.loc.endLine) return undefined;
    take();
    const eq = slipsBefore.get(peek());
    if (eq?.length === 1 && eq[0]!.text === '=' && eq[0]!.loc.line === op.loc.line && eq[0]!.loc.col === op.loc.endCol) {
      slipsBefore.delete(peek());
      return { text: `${op.text}=`, loc: spanLoc(op.loc, eq[0]!.loc) };
    }
    return { text: op.text, loc: op.loc };
  };
  /**
   * A count with a comparison (`op`), said once and read past (ours): a count is exact. `count >= 1` and `count > 0`
   * mean at least once, what the expectation without a count means: the fix removes the count (`kw` to `n`); with
   * another, the count is read as written, and there is no fix.
   */
  const countComparison = (kw: Token, op: { text: string; loc: Loc }, n: { value: number; loc: Loc }, m: { count?: number }): void => {
    const once = (op.text === '>=' && n.value === 1) || (op.text === '>' && n.value === 0);
    const said = `unexpected '${op.text}': a count is exact, the language has no comparisons ('count 2': exactly twice)`;
    if (!once) {
      report(diag(op.loc, 'unexpected-token', said));
      return;
    }
    delete m.count;
    const d = diag(spanLoc(kw.loc, n.loc), 'unexpected-token', `${said}; without 'count' the expectation holds if the message was sent at least once`);
    d.suggestions = [''];
    report(d);
  };
  /** `at TIME` on the expectation's line (`expect nic0 attached at 1ms`): a time where a deadline goes. */
  const timeAt = (): boolean => {
    const w = peek();
    const t = peek(1);
    return (
      w.kind === 'word' && w.text === 'at' && w.loc.line === last.loc.endLine && (t.kind === 'duration' || t.kind === 'number') && t.loc.line === w.loc.line
    );
  };
  /**
   * `expect nic0 attached at 1ms`: an expectation has no time of its own (it is checked over the whole run). Said once,
   * with when it holds (`holds`), and read past (ours); the fixes are the deadline it likely means, `before TIME`
   * (not `before 0`, the zero-deadline warning), and removing it. It was the statement's end, and then `at 1ms` an
   * event without its action: two errors, neither about the time.
   */
  const atSlip = (holds: string): void => {
    const w = take();
    const t0 = peek();
    const t = duration('the time');
    const d = diag(
      spanLoc(w.loc, t.loc),
      'unexpected-token',
      `unexpected 'at': ${holds}; an expectation has no time of its own, only a deadline: 'before TIME' if it must hold by then`,
    );
    const one = t0.kind === 'duration' && t.loc.col === t0.loc.col && t.loc.endCol === t0.loc.endCol && t.value > 0;
    d.suggestions = one ? [`before ${t0.text}`, ''] : [''];
    report(d);
  };
  /**
   * A slip read past in an expectation, at its words (`at`): reported once, with removing them as the fix (the
   * quick fix takes the space beside them too: language/code-actions.ts removalEdit).
   */
  const removableSlip = (at: Loc, message: string): void => {
    const d = diag(at, 'unexpected-token', message);
    d.suggestions = [''];
    report(d);
  };
  /**
   * `expect nic0 version 1.4 at 1ms` (or `before 1ms`, `after 1ms`): a version, MSI-X, vector or no-errors expectation has no
   * time and no deadline in the grammar. Said once, with when it holds (`holds`), and removing the words as the fix
   * (ours); it was the statement's end, and then `at 1ms` an event without its action: two errors, neither about the time.
   */
  const timeSlip = (holds: string): void => {
    const w = peek();
    const t = peek(1);
    if (w.kind !== 'word' || !['at', 'after', 'before'].includes(w.text) || w.loc.line !== last.loc.endLine) return;
    if ((t.kind !== 'duration' && t.kind !== 'number') || t.loc.line !== w.loc.line) return;
    take();
    take();
    removableSlip(spanLoc(w.loc, t.loc), `unexpected '${w.text}': ${holds}; it has no time of its own and no deadline, so remove '${w.text} ${t.text}'`);
  };
  /** Words said between a bus and its state (`expect nic0 is attached`): read past. */
  const STATE_VERBS = ['is', 'was', 'be', 'becomes', 'became'];
  /**
   * `before 0`: deadlines are strict and nothing happens before time 0, so such an expectation never
   * holds (or, negated or with count 0, always holds): a warning, with removing it as the fix. Said
   * once the statement is read whole, so a statement with a syntax error gets that error alone.
   */
  const zeroDeadline = (e: Expectation): void => {
    const at = zeroAt;
    if (!at) return;
    const never = e.kind === 'state' || (e.kind === 'message' && !e.negate && e.count !== 0);
    const d = diag(
      at,
      'zero-deadline',
      `'before 0' is a deadline no event can meet (deadlines are strict, and time starts at 0), so this expectation ${never ? 'can never hold' : 'always holds'}; give a later time, or remove it`,
      'warning',
    );
    d.suggestions = [''];
    report(d);
  };
  const stateWord = (t: Token): boolean => t.kind === 'word' && (BUS_STATES as readonly string[]).includes(t.text);
  /**
   * `expect not nic0 attached`, `expect nic0 is not attached`: a state expectation has no negation (ours: it said
   * "unknown expectation 'nic0'" or 'is'); said at the negation, with what the language says of what did not happen.
   */
  const stateNegated = (at: Loc, bus: string): never =>
    fail(
      at,
      'unknown-expectation',
      `a state expectation cannot be negated: 'expect ${bus} STATE' holds if the bus reached the state; only 'expect no message' and 'expect no errors' say that something did not happen`,
    );
  const expectation = (ex: Token): Expectation => {
    let e: Expectation;
    // `no` cannot name a bus (RESERVED_BUS_NAMES): what follows it is 'errors' or 'message', or one of them misspelt
    // or missing (`expect no` at the end of its line is told what it lacks, not that 'no' cannot name a bus).
    const negated = isWord('no');
    if (negated) {
      const no = take();
      if (!isWord('errors') && !isWord('message')) {
        if (peek().kind === 'word' && stateWord(peek(1))) stateNegated(no.loc, peek().text);
        expected("'errors' or 'message'");
      }
    }
    if (negated && isWord('errors')) {
      take();
      e = { kind: 'no-errors', loc: ex.loc };
      timeSlip("'expect no errors' holds if no protocol or model error happened in the whole run");
    } else if (negated || isWord('message')) {
      const negate = negated;
      take();
      const msg = message();
      const m: Expectation & { kind: 'message' } = { kind: 'message', message: msg, negate, loc: ex.loc };
      const seen = new Set<string>();
      while (peek().kind === 'word') {
        const o = peek();
        if (seen.has(o.text)) fail(o.loc, 'duplicate-option', `'${o.text}' is given twice`);
        if (o.text === 'on') {
          take();
          m.bus = wholeBus();
        } else if (o.text === 'count') {
          const kw = take();
          const op = comparison();
          const n = intIn('the count', 0, 0xffff_ffff);
          m.count = n.value;
          if (op) countComparison(kw, op, n, m);
        } else if (o.text === 'before' || o.text === 'after' || (o.text === 'at' && timeAt())) {
          m.before =
            before(`'expect ${negate ? 'no ' : ''}message ${msg.name}' holds if the message was ${negate ? 'never sent' : 'sent at any time'} in the run`) ??
            m.before;
        } else if (o.text === 'sent' && !seen.has('sent') && o.loc.line === last.loc.endLine) {
          // `expect message M sent on nic0`, as it is said: said once, removing it the fix.
          take();
          removableSlip(
            o.loc,
            `unexpected 'sent': 'expect ${negate ? 'no ' : ''}message ${msg.name}' already means sent (by the guest or the host), without the word`,
          );
        } else if (['from', 'to', 'in', 'via', 'over'].includes(o.text) && peek(1).kind === 'word' && peek(1).loc.line === o.loc.line) {
          // `expect message eject from nic0`: the bus as it is said, which no spelling of 'on' is near (ours).
          fail(
            o.loc,
            'unknown-keyword',
            `unknown keyword '${o.text}'; did you mean 'on'? (a message expectation names its bus with 'on BUS', whichever side sent the message)`,
            ['on'],
          );
        } else {
          fail(o.loc, 'unknown-keyword', ...unknownWord('message expectation option', o.text, ['on', 'count', 'before']));
        }
        seen.add(o.text);
      }
      e = m;
    } else {
      // A bare `expect`: the three ways an expectation can start.
      // `expect attached nic0`: the state before the bus (unless a bus is named as the state).
      const st0 = peek();
      const bus0 = runAhead(1, st0.loc.line, ['word', 'slash', 'number', 'dotted'], 3);
      const after0 = peek(1 + bus0.length);
      if (
        st0.kind === 'word' &&
        (BUS_STATES as readonly string[]).includes(st0.text) &&
        bus0[0]?.kind === 'word' &&
        !(ARGUMENT_WORDS as readonly string[]).includes(bus0[0].text) &&
        (after0.kind === 'newline' || after0.kind === 'eof' || (after0.kind === 'word' && after0.text === 'before')) &&
        !declaresBus(st0.text)
      )
        swapped([st0], bus0, 'the bus goes first, then its state');
      slotWithoutSlash("a bus name, 'message' or 'no'");
      if (peek().kind !== 'word' && peek().kind !== 'string') expected("a bus name, 'message' or 'no'");
      const target = fnRef();
      let w = peek();
      const first = target.bus;
      // `expect No errors`, `expect not message M`: `no` in another case or another word for it, read as a bus name
      // (not the bus of a message expectation written bus first: `expect message M on not` is not what was meant).
      if (!target.slot && NEGATIONS.includes(first.name.toLowerCase()) && w.kind === 'word' && (w.text === 'errors' || w.text === 'message'))
        fail(first.loc, 'unknown-keyword', `unknown keyword '${first.name}'; did you mean 'no'? (expected a bus name, 'message' or 'no')`, ['no']);
      if (!target.slot && NEGATIONS.includes(first.name.toLowerCase()) && w.kind === 'word' && stateWord(peek(1))) stateNegated(first.loc, w.text);
      // `expect nic0 not attached`, `expect nic0 is not attached`.
      const not = w.kind === 'word' && STATE_VERBS.includes(w.text) && peek(1).kind === 'word' && NEGATIONS.includes(peek(1).text) ? peek(1) : w;
      if (not.kind === 'word' && NEGATIONS.includes(not.text) && stateWord(peek(not === w ? 1 : 2))) stateNegated(spanLoc(w.loc, not.loc), first.name);
      // `expect no-errors`, `expect noerrors`: the two words run together.
      if (!target.slot && w.kind !== 'word' && first.name.toLowerCase().replace(/[-_]/g, '') === 'noerrors')
        fail(first.loc, 'unknown-expectation', `unknown expectation '${first.name}'; did you mean 'no errors'?`, ['no errors']);
      // With a slot, only the forms about one function go on (a state or `version` would be unexpected-slot).
      if (w.kind !== 'word')
        return expected(
          target.slot
            ? `${EXPECT_TARGET_FORMS.map((f) => `'${f}'`).join(' or ')} (a state or 'version' is a whole bus's: without the slot)`
            : `a state (${BUS_STATES.join(', ')}), 'version', 'msix' or 'vector'`,
        );
      const busOnly = (): Name => {
        // The fix removes the slot with its `/` (the range from the end of the bus name).
        if (target.slot)
          fail(
            { line: target.bus.loc.endLine, col: target.bus.loc.endCol, endLine: target.slot.loc.endLine, endCol: target.slot.loc.endCol },
            'unexpected-slot',
            `'${w.text}' applies to a whole bus; remove the slot`,
            [''],
          );
        return target.bus;
      };
      // `expect nic0 is attached`, as it is said: a slip said once, with removing the word as its fix, and read as the state.
      // `expect nic0 is version 1.4`, `has msix 3` likewise: the word before 'version', 'msix' or 'vector'.
      const st = peek(1);
      const isState = (BUS_STATES as readonly string[]).includes(st.text);
      if (
        [...STATE_VERBS, 'has', 'had'].includes(w.text) &&
        st.kind === 'word' &&
        (isState ? STATE_VERBS.includes(w.text) : ['version', 'msix', 'vector'].includes(st.text)) &&
        st.loc.line === w.loc.line
      ) {
        take();
        const what = isState ? 'the state' : `'${st.text}'`;
        const d = diag(
          w.loc,
          'unexpected-token',
          `unexpected '${w.text}': ${what} follows the bus name (expect ${first.name} ${st.text}, not expect ${first.name} ${w.text} ${st.text})`,
        );
        d.suggestions = [''];
        report(d);
        w = st;
      }
      if ((BUS_STATES as readonly string[]).includes(w.text)) {
        take();
        const s: Expectation & { kind: 'state' } = { kind: 'state', bus: busOnly(), state: w.text as BusLifeState, loc: ex.loc };
        const b = before(`'expect ${s.bus.name} ${s.state}' holds if ${s.bus.name} reached '${s.state}' at any time in the run`);
        if (b !== undefined) s.before = b;
        // A second deadline is said as a message expectation's second option is.
        if (b !== undefined && isWord('before')) fail(peek().loc, 'duplicate-option', "'before' is given twice");
        e = s;
      } else if (w.text === 'version') {
        take();
        // `version 0x10004`, the version as the wire carries it (MAJOR << 16 | MINOR), or as the drivers and OpenVMM name it
        // (`PCI_PROTOCOL_VERSION_1_4`, `FE`), or `v1.4`: told the form it takes, with it as the fix.
        const raw = peek();
        const fix = versionFix(raw);
        if (fix)
          fail(
            raw.loc,
            'unexpected-token',
            `expected a protocol version like 1.1, found '${raw.text}'; did you mean '${fix}'? (a version is written MAJOR.MINOR)`,
            [fix],
          );
        const v = soft(
          () => {
            commaDotted('a protocol version like 1.1', 'unexpected-token', true);
            return expectKind('dotted', 'a protocol version like 1.1');
          },
          (t) => ({ ...t, text: 'NaN.NaN' }),
        );
        const [maj, min] = v.text.split('.').map((x) => parseInt(x, 10)) as [number, number];
        if (maj > 0xffff || min > 0xffff) fail(v.loc, 'out-of-range', `version ${v.text} is out of range`);
        e = { kind: 'version', bus: busOnly(), version: ((maj << 16) | min) >>> 0, versionLoc: v.loc, loc: ex.loc };
        timeSlip(`'version' holds if ${first.name} negotiated ${v.text}, whenever it did`);
      } else if (w.text === 'msix') {
        take();
        const count = intIn('the vector count', 0, 2048);
        // `expect nic0 msix 3 vectors`, as it is said: the word after the count, said once with removing it as the fix.
        const v = peek();
        if (v.kind === 'word' && (v.text === 'vectors' || v.text === 'vector') && v.loc.line === count.loc.endLine) {
          // A count read past (soft) is NaN: the form is then written with N.
          const n = Number.isNaN(count.value) ? 'N' : String(count.value);
          take();
          const d = diag(v.loc, 'unexpected-token', `unexpected '${v.text}': 'msix N' is the vector count alone (msix ${n}, not msix ${n} ${v.text})`);
          d.suggestions = [''];
          report(d);
        }
        e = { kind: 'msix', target, count: count.value, loc: ex.loc };
        timeSlip(`'msix' is counted at the end of the run`);
      } else if (w.text === 'vector') {
        take();
        const vector = intIn('the vector', 0, 2047).value;
        const o = peek();
        if (isWord('delivered')) {
          take();
          const i: Expectation & { kind: 'interrupt' } = { kind: 'interrupt', target, vector, outcome: 'delivered', loc: ex.loc };
          // `delivered on cpu 0`, as it is said: a slip said once, with its fix (remove `on`), and read as meant.
          const on = peek();
          const cpu = peek(1);
          if (on.kind === 'word' && (on.text === 'on' || on.text === 'to') && cpu.kind === 'word' && cpu.text === 'cpu') {
            take();
            const d = diag(
              on.loc,
              'unexpected-token',
              `unexpected '${on.text}': the CPU follows 'delivered' as 'cpu N' (delivered cpu 0, not delivered ${on.text} cpu 0)`,
            );
            d.suggestions = [''];
            report(d);
          }
          if (isWord('cpu')) {
            const kw = take();
            const n = intIn('the CPU number', 0, 239);
            i.cpu = n.value;
            i.cpuLoc = spanLoc(kw.loc, n.loc);
          }
          e = i;
        } else if (isWord('undeliverable')) {
          take();
          e = { kind: 'interrupt', target, vector, outcome: 'undeliverable', loc: ex.loc };
        } else {
          return expected("'delivered' or 'undeliverable'", o);
        }
        const happened = e.outcome === 'delivered' ? 'reached the guest' : 'could not be delivered';
        timeSlip(`'vector ${vector} ${e.outcome}' holds if the vector ${happened} at any time in the run`);
      } else if (w.text === 'message') {
        // `expect nic1 message M`: a message expectation names the message first and its bus after
        // `on` (a whole bus: with a slot there is no one fix).
        const m = peek(1);
        const fixable = !target.slot && (m.kind === 'word' || m.kind === 'number');
        const fix = `message ${m.text} on ${first.name}`;
        return fail(
          fixable ? spanLoc(first.loc, m.loc) : w.loc,
          'unknown-expectation',
          `a message expectation names the message first and its bus after 'on'${fixable ? `: did you mean 'expect ${fix}'?` : ` (expect message MESSAGE on ${first.name})`}`,
          fixable ? [fix] : undefined,
        );
      } else {
        return fail(w.loc, 'unknown-expectation', ...unknownWord('expectation', w.text, [...BUS_STATES, ...EXPECT_BUS_FORMS]));
      }
    }
    e.loc = spanLoc(ex.loc, last.loc);
    return e;
  };

  // ---- top level ----
  /**
   * A word that starts no statement, told what it is when it is another part of the language: a
   * bus item written outside its block, an event without `at` and its time.
   */
  const unknownStatement = (kw: Token): never => {
    const w = kw.text;
    const [message, hints] = unknownWord('statement', w, TOP_KEYWORDS);
    const plain = `unknown statement '${w}' (expected ${TOP_KEYWORDS.join(', ')})`;
    if ((BUS_KEYWORDS as readonly string[]).includes(w))
      fail(kw.loc, 'unknown-statement', `${plain}; '${w}' is a bus item: it goes inside a bus block (bus NAME { ${w} … })`);
    if (isEventKeyword(w)) fail(kw.loc, 'unknown-statement', `${plain}; '${w}' is an event: it comes after 'at' and its time (at 0 ${w})`);
    return fail(kw.loc, 'unknown-statement', message, hints);
  };
  const buses: BusDecl[] = [];
  const timeline: TimelineEvent[] = [];
  const expectations: Expectation[] = [];
  /** The line two statements were last found on. */
  let crowded = 0;
  try {
    for (;;) {
      skipNewlines();
      pending = undefined;
      const t = peek();
      if (t.kind === 'eof') {
        sayBefore(t);
        break;
      }
      try {
        if (t.kind === 'rbrace') fail(t.loc, 'unexpected-token', "unexpected '}' outside a block");
        // `2ms driver nic0 msix 3`: an event without its `at`.
        if (t.kind === 'duration' && !t.error)
          fail(t.loc, 'unexpected-token', `expected a statement (${TOP_KEYWORDS.join(', ')}), found '${t.text}'; did you mean 'at ${t.text}'?`, [
            `at ${t.text}`,
          ]);
        if (t.kind !== 'word') expected(`a statement (${TOP_KEYWORDS.join(', ')})`);
        if ((VM_KEYWORDS as readonly string[]).includes(t.text)) {
          // A vm setting where a statement goes (the `vm {` line left out): said once, and it and the settings
          // after it are read as the vm block's, up to its `}` (not each an unknown statement, the `}` a stray one).
          report(
            diag(
              t.loc,
              'unknown-statement',
              `unknown statement '${t.text}' (expected ${TOP_KEYWORDS.join(', ')}); '${t.text}' is a vm setting: it goes inside the vm block (vm { ${t.text} … })`,
            ),
          );
          const close = block(undefined, vmItem, VM_KEYWORDS, 'vm setting');
          const loc = spanLoc(t.loc, close.loc);
          extras.vmDecls.push(loc);
          if (!sawVm) vm.loc = loc;
          sawVm = true;
          endStatement('the statement');
          continue;
        }
        const kw = keywordIn(take(), TOP_KEYWORDS, 'statement', 'unknown-statement');
        switch (kw.text) {
          case 'vm': {
            const open = openBrace(VM_KEYWORDS);
            if (sawVm) report(diag(kw.loc, 'duplicate-vm', "a second 'vm' block; its settings are merged into the first", 'warning'));
            const close = block(open, vmItem, VM_KEYWORDS, 'vm setting');
            const loc = spanLoc(kw.loc, close.loc);
            extras.vmDecls.push(loc);
            if (!sawVm) vm.loc = loc;
            sawVm = true;
            break;
          }
          case 'bus':
            buses.push(busDecl(kw.loc));
            break;
          case 'at':
            timeline.push(event(kw));
            break;
          case 'expect': {
            zeroAt = undefined;
            const e = expectation(kw);
            if (!held()) expectations.push(e);
            endStatement('the statement');
            commit();
            zeroDeadline(e);
            break;
          }
          default:
            unknownStatement(kw);
        }
        endStatement('the statement');
        if (peek().kind === 'rbrace') fail(peek().loc, 'unexpected-token', "unexpected '}' outside a block");
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        // An expectation kept before its statement failed (`expect nic0 attached befor 1ms`): what it meant is not known.
        const kept = expectations[expectations.length - 1];
        if (t.kind === 'word' && t.text === 'expect' && kept && kept.loc.line === t.loc.line && e.diag.loc.line === t.loc.line)
          (broken.expectationLines ??= []).push(t.loc.line);
        // A bad value read past: the statement was read to its end, and its error said.
        if (e.reported) continue;
        // `at 0 boot at 1ms driver nic0 msix 3`: a statement after another on its line is said once for the
        // line and read as a statement of its own, as a block's items are (blockItems).
        const at = peek();
        const d = e.diag;
        if (
          at !== t &&
          at.kind === 'word' &&
          (TOP_KEYWORDS as readonly string[]).includes(at.text) &&
          d.code === 'unexpected-token' &&
          d.loc.line === at.loc.line &&
          d.loc.col === at.loc.col
        ) {
          d.message += '; each statement goes on a line of its own';
          if (crowded !== at.loc.line) report(d);
          crowded = at.loc.line;
          continue;
        }
        report(d);
        // What the statement may have been, for the checker (broken): a vm block not read sets no host or guest, and
        // a line that starts no statement may have been an event (`boot` without its time), the boot or a driver.
        const w = t.kind === 'word' ? t.text : '';
        if (w === 'vm') broken.settings.push('host', 'guest', 'cpus');
        else if (t.kind !== 'rbrace' && !(TOP_KEYWORDS as readonly string[]).includes(w)) broken.events.push('');
        sync(false);
      }
    }
  } catch (e) {
    if (!(e instanceof TooManyDiagnostics)) throw e;
    // Where it stopped: the next statement's line (none: the file ended with the last error).
    stopping = true;
    sync(false);
    skipNewlines();
    const at = peek();
    if (at.kind !== 'eof') {
      const n = grouped(e.kept);
      const what = diagnostics.every((d) => d.severity === 'error') ? 'syntax errors' : 'syntax errors and warnings';
      const why = `${n} ${what} so far: the parser stops here, and the rest of the file (from line ${at.loc.line}) is not checked`;
      diagnostics.push(diag(at.loc, 'too-many-errors', why));
    }
  }

  const scenario: Scenario = { vm, buses, timeline, expectations };
  if (titleLines.length) scenario.title = titleLines.join('\n');
  return { scenario, diagnostics, extras };
}

/** Syntax only: the tree and syntax errors. Recovers after errors and goes on. `opts`: how columns count (LexOptions). */
export function parseScenario(text: string, opts?: LexOptions): ParseResult {
  const { scenario, diagnostics } = parseWithExtras(text, opts);
  return { scenario, diagnostics };
}

/** Parse and check against the names that exist (devices, profiles, messages, …). */
export function loadScenario(text: string, file: string, ctx: ScenarioContext, opts?: LexOptions): ParseResult {
  const r = parseWithExtras(text, opts);
  return { scenario: r.scenario, diagnostics: withSyntaxErrors(r.diagnostics, checkScenario(r.scenario, ctx, r.extras, file), r.scenario) };
}

// Diagnostics are printed by lines.ts (one line index per text, not a split per diagnostic).
export { formatDiagnostic } from './lines';
