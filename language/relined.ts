// The last analysis's name index with the one line being typed read again (ours): definition,
// highlights and hover on that line waited for the analysis of the whole text, seconds for a 1 MB
// scenario at every key. A line that is a whole top-level statement (`at …`, `expect …`, `bus …`) on its own,
// with no brace but a block closed on it, and a statement (or the end, or for a statement that takes no block any line but a
// `{`: nextStarts) after it, is parsed alone: the parser starts each such
// line afresh and reads nothing past it, so its names are those the whole text's parse would find
// there. Anything else (a bus block's line, a declaration of a bus named like a word on the line,
// a dump path, several lines edited) is not answered here: the caller waits for the analysis.
import type { Loc } from '../emulator/scenario/ast';
import { MAX_DIAGNOSTICS } from '../emulator/scenario/ast';
import { tokensOf } from '../emulator/scenario/lexer';
import { TOP_KEYWORDS } from '../emulator/scenario/keywords';
import { parseDocument } from './analyze';
import { collectNames, type NameOccurrence } from './names';
import { CONSTANT_WORDS, KEYWORDS } from './vocabulary';
import type { DocAnalysis } from './packed';

/** What hover, definition, references and highlights read of an analysis. */
export interface NameIndex {
  readonly uri: string;
  readonly files: readonly { loc: Loc; real: string }[];
  nameAt(line: number, col: number): NameOccurrence | undefined;
  named(name: string): NameOccurrence[];
}

/** Lines read past to find the statement after the edited one (blank and comment lines). */
const LOOK_AHEAD = 50;

/** Per analysis, whether its text declares a bus named a word (the parser's declaresBus, asked of the whole text). */
const declared = new WeakMap<DocAnalysis, Map<string, boolean>>();

/**
 * The test of emulator/scenario/parser.ts declaresBus (and busNamedBus) over `text`. A word the parser
 * would build no plain pattern of (a quoted name): taken as declared, so not answered here.
 */
export function declaresBusIn(text: string, word: string): boolean {
  return (
    !/^[A-Za-z0-9_-]+$/.test(word) ||
    new RegExp(`(?:^|[\\n\\r{}])[ \\t]*bus[ \\t]+${word}(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_-])offer[ \\t]+${word}(?![A-Za-z0-9_-])`).test(text)
  );
}

function declaresBus(a: DocAnalysis, word: string): boolean {
  let m = declared.get(a);
  if (!m || m.size > 1000) declared.set(a, (m = new Map<string, boolean>()));
  let is = m.get(word);
  if (is === undefined) {
    is = declaresBusIn(a.text, word);
    m.set(word, is);
  }
  return is;
}

/**
 * The words of `text` when it is one top-level `at`, `expect` or `bus` statement's line: it starts with one,
 * and has no brace but a block closed on it (`at 5ms offer hp1 { function 0 … }`).
 */
export function statementLine(text: string): string[] | undefined {
  const words: string[] = [];
  let braces = 0;
  for (const t of tokensOf(text)) {
    if (t.kind === 'lbrace' && braces++ > 0) return undefined;
    if (t.kind === 'rbrace' && braces-- !== 1) return undefined;
    // A name in quotes is a name too (the parser's quotedName).
    if (t.kind === 'word' || t.kind === 'string') words.push(t.kind === 'word' ? t.text : String(t.value ?? t.text));
    else if (t.kind !== 'comment' && t.kind !== 'eof' && !words.length) return undefined;
  }
  return braces === 0 && (words[0] === 'at' || words[0] === 'expect' || words[0] === 'bus') ? words : undefined;
}

/** The names of `text` parsed alone, as on 1-based `line`, and its syntax diagnostics; undefined when it names a file or is no text. */
export function namesAlone(text: string, line: number): { names: NameOccurrence[]; diagnostics: number } | undefined {
  const p = parseDocument(text, 'file:///line.vpci');
  if (!p.parsed || p.paths.length || p.parsed.diagnostics.some((d) => d.code === 'not-text' || d.code === 'too-many-errors')) return undefined;
  const names = collectNames(p.parsed.scenario).map((n) => ({ ...n, loc: { ...n.loc, line: n.loc.line + line - 1, endLine: n.loc.endLine + line - 1 } }));
  return { names, diagnostics: p.parsed.diagnostics.length };
}

/**
 * Whether the statement after 0-based line `line` starts a line of its own, or none follows (past blank
 * and comment lines): nothing of it is read as that line's, nor a `{` as its block. With the line's
 * words (statementLine), a statement that takes no block (`expect …`, an `at` event other than `offer`:
 * the parser ends it at its line's end, and after a syntax error goes on at the next line) needs only
 * no `{` to begin the next line (a failed statement takes that block with it): whatever else is there
 * (`expect nic9` with `  attached` below) is read as a line of its own, not as this one's.
 */
export function nextStarts(line: number, lineNow: (l: number) => string, lineCount: number, words?: readonly string[]): boolean {
  let next = line + 1;
  while (next < lineCount && next - line <= LOOK_AHEAD && /^\s*(#.*)?$/.test(lineNow(next))) next++;
  if (next - line > LOOK_AHEAD) return false;
  if (next >= lineCount) return true;
  const first = tokensOf(lineNow(next)).next().value;
  if ((TOP_KEYWORDS as readonly string[]).includes(first?.text ?? '')) return true;
  const blockless = words !== undefined && (words[0] === 'expect' || (words[0] === 'at' && !words.includes('offer')));
  return blockless && first?.kind !== 'lbrace';
}

/**
 * Per analysis, the last line read again and what came of it: every request while a key is typed (hover,
 * highlights, a range's tokens, quick fixes) asks for the same line of the same text, and each parsed it
 * twice and compared the names (ours).
 */
const lastRelined = new WeakMap<DocAnalysis, { line: number; now: string; lineCount: number; index: NameIndex | undefined }>();

/**
 * `a`'s names with 0-based line `line` read as `now` reads it (every other line as `a` read it, `lineNow`
 * giving the current text), or undefined when that cannot be known without the whole text's analysis.
 * The same line reading the same again gives the same answer, not computed again.
 */
export function relined(a: DocAnalysis, line: number, lineNow: (l: number) => string, lineCount: number): NameIndex | undefined {
  const now = lineNow(line);
  const hit = lastRelined.get(a);
  if (hit?.line === line && hit.now === now && hit.lineCount === lineCount) return hit.index;
  const index = relinedOnce(a, line, now, lineNow, lineCount);
  lastRelined.set(a, { line, now, lineCount, index });
  return index;
}

function relinedOnce(a: DocAnalysis, line: number, now: string, lineNow: (l: number) => string, lineCount: number): NameIndex | undefined {
  const before = a.line(line + 1);
  if (a.unreadFrom !== undefined || a.blockAt(line) !== undefined || a.files.some((f) => f.loc.line === line + 1)) return undefined;
  const words = statementLine(now);
  if (!words || !statementLine(before)) return undefined;
  if (!nextStarts(line, lineNow, lineCount, words)) return undefined;
  // The parser reads a fixed word (`driver msix 3 nic0`, `expect attached nic0`, `eject bus nic0`) otherwise where
  // the text declares a bus of that name: such a line is not read alone.
  if (words.some((w) => (KEYWORDS.has(w) || CONSTANT_WORDS.has(w)) && declaresBus(a, w))) return undefined;
  // The line as it was, parsed alone, gives what the analysis found there: nothing before it bore on it.
  const old = namesAlone(before, line + 1);
  if (!old || JSON.stringify(old.names) !== JSON.stringify(a.namesOn(line + 1))) return undefined;
  const fresh = namesAlone(now, line + 1);
  // As many syntax errors as would stop the parser before the end: the rest of the text would read otherwise.
  if (!fresh || a.diagnostics.length + fresh.diagnostics >= MAX_DIAGNOSTICS) return undefined;
  return new Relined(a, line + 1, fresh.names);
}

class Relined implements NameIndex {
  constructor(
    private readonly a: DocAnalysis,
    /** 1-based. */
    private readonly line: number,
    private readonly names: readonly NameOccurrence[],
  ) {}

  get uri(): string {
    return this.a.uri;
  }
  get files(): readonly { loc: Loc; real: string }[] {
    return this.a.files;
  }

  nameAt(line: number, col: number): NameOccurrence | undefined {
    if (line !== this.line) return this.a.nameAt(line, col);
    return this.names.find((n) => n.kind !== 'fn-ref-implicit' && col >= n.loc.col && col <= n.loc.endCol);
  }

  named(name: string): NameOccurrence[] {
    const out = this.a.named(name).filter((n) => n.loc.line !== this.line);
    const at = out.findIndex((n) => n.loc.line > this.line);
    out.splice(at < 0 ? out.length : at, 0, ...this.names.filter((n) => n.name === name));
    return out;
  }
}
