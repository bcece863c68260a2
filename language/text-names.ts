// A bus's declarations and references read from the text alone (ours): a bus name's hover had no
// answer until an analysis of the text held for its lines, seconds after a large scenario is opened
// or lines are added to it (1.6 to 4.7 s on 1 MB). Every line that holds the name as a word is read
// alone, as relined.ts reads a typed line: the parser starts afresh at a line whose first word is a
// top-level keyword (a block ends there, `}` or not), so such a line that is a statement of its own,
// with a statement (or the end) after it (after an `expect` or an `at` event other than `offer`, any
// line but one that begins with `{`), gives the names the whole text's parse finds there; a
// `bus NAME {` line that opens a block declares NAME whatever the block holds; a `bus` or `at` line
// that opens a block left open (`at 5ms offer hp0 {`) is read with the lines of its block, up to the
// next line that starts a statement, when nothing but comments follows the block's `}` there. A line
// holding the name only in a comment names nothing. Any other line holding it (a block's item, a
// statement run over lines, a dump path, a fixed word the text declares as a bus) leaves the answer
// to the analysis: past a block's `}`, say, a stray `host x` is read otherwise where the text has a
// `vm` block. Asked for a bus's functions too (`blocks`), a `bus NAME {` line is read with its block
// as well: the functions it declares there are on no line that names the bus.
import { tokensOf, type Token } from '../emulator/scenario/lexer';
import type { NameOccurrence } from './names';
import type { LineDocument } from './document';
import { TOP_KEYWORDS } from '../emulator/scenario/keywords';
import { notTextDiagnostic } from '../emulator/scenario/parser';
import { MAX_BUS_NAME } from '../emulator/scenario/ast';
import { declaresBusIn, namesAlone, nextStarts, statementLine } from './relined';
import { CONSTANT_WORDS, KEYWORDS } from './vocabulary';

/** Lines holding the name past which the analysis is waited for: parsing more would hold up every other request (ours; 265 lines take 30 to 75 ms on a 1 MB scenario). */
const MAX_LINES = 500;

/** Characters of those lines past which the analysis is waited for (ours): a line of a megabyte (a scenario written on one line) took seconds to read here, every other request waiting. */
const MAX_CHARS = 100_000;

/** Whether line `s` starts a top-level statement: where the parser ends any block before it. */
const startsStatement = (s: string): boolean => (TOP_KEYWORDS as readonly string[]).includes(tokensOf(s).next().value?.text ?? '');

/**
 * The lines of the block that line `l` (its tokens `toks`, comments left out) opens and leaves open,
 * from it to the next line that starts a statement (where the parser ends the block, `}` or not), when
 * nothing past the block's `}` but comments is on them; else undefined. Inside, no other `{` (the
 * parser takes one there alone, not as a block) and no string left open (it runs over a `}`).
 */
function blockFrom(l: number, toks: readonly Token[], line: (l: number) => string, lineCount: number): string[] | undefined {
  const opens = toks.findIndex((t) => t.kind === 'lbrace');
  const first = toks[0]!.text;
  if ((first !== 'bus' && first !== 'at') || opens < 0 || toks.slice(opens + 1).some((t) => t.kind === 'lbrace' || t.kind === 'rbrace' || t.error))
    return undefined;
  const out = [line(l)];
  let closed = false;
  let chars = 0;
  for (let k = l + 1; k < lineCount && !startsStatement(line(k)); k++) {
    const b = line(k);
    if (out.length > MAX_LINES || (chars += b.length) > MAX_CHARS) return undefined;
    for (const t of tokensOf(b)) {
      if (t.kind === 'comment' || t.kind === 'eof' || t.kind === 'newline') continue;
      if (closed || t.kind === 'lbrace' || t.error) return undefined;
      if (t.kind === 'rbrace') closed = true;
    }
    out.push(b);
  }
  return out;
}

/**
 * Every name on the lines of `doc` (`line` gives one, 0-based, without its line break) that hold bus name `word`, in the order of the text, as its
 * analysis would index them; undefined when that is not known without it. Those lines are parsed as
 * one text, each where the one before it ended: each starts a statement, so each is read as alone.
 * With `blocks`, the lines of each block a `bus NAME {` line opens are read with it (its functions).
 */
export function namesByText(doc: LineDocument, line: (l: number) => string, word: string, blocks = false): NameOccurrence[] | undefined {
  return readByText(doc, line, word, blocks)?.names;
}

/** namesByText's names, and the lines it read (0-based): what the analysis finds anywhere on them is among the names. */
export function readByText(
  doc: LineDocument,
  line: (l: number) => string,
  word: string,
  blocks = false,
  /** The document's last analysis, if it has had one: where the parser stopped in it, if it did. */
  analysed?: { unreadFrom?: number },
): { names: NameOccurrence[]; lines: Set<number> } | undefined {
  // The parser stops after MAX_DIAGNOSTICS errors and reads nothing past there: a text it stopped in
  // is left to the analysis (where it stops moves with each edit).
  if (analysed?.unreadFrom !== undefined) return undefined;
  const fixed = (w: string): boolean => KEYWORDS.has(w) || CONSTANT_WORDS.has(w);
  // A keyword cannot name a bus (or is read otherwise where it does). Nor can a word longer than a bus
  // name may be: left to the analysis, which says so (a pattern built from a word of megabytes was
  // too large to compile, and the hover failed).
  if (word.length > MAX_BUS_NAME || !/^[A-Za-z0-9_-]+$/.test(word) || fixed(word)) return undefined;
  const text = doc.getText();
  // A text the parser takes for binary has no names at all.
  if (notTextDiagnostic(text)) return undefined;
  const read: number[] = [];
  const texts: string[] = [];
  const words = new Set<string>();
  let chars = 0;
  const re = new RegExp(`(?<![A-Za-z0-9_-])${word}(?![A-Za-z0-9_-])`, 'g');
  for (let m, last = -1; (m = re.exec(text));) {
    const l = doc.positionAt(m.index).line;
    if (l <= last) continue;
    last = l;
    const s = line(l);
    if ((chars += s.length) > MAX_CHARS) return undefined;
    const toks = [...tokensOf(s)].filter((t) => t.kind !== 'comment' && t.kind !== 'eof');
    // A name in quotes is a name too (the parser's quotedName); one in a comment is none.
    if (!toks.some((t) => (t.kind === 'string' ? t.value : t.text) === word)) continue;
    const [first, , brace] = toks;
    if (first!.kind !== 'word') return undefined;
    const add = (k: number, b: string): void => {
      for (const t of tokensOf(b))
        if ((t.kind === 'word' || t.kind === 'string') && fixed(String(t.kind === 'word' ? t.text : t.value)))
          words.add(String(t.kind === 'word' ? t.text : t.value));
      read.push(k);
      texts.push(b);
      last = k;
    };
    // A `bus NAME {` line declares NAME whatever its block holds: read alone, unless its functions are asked for.
    const alone = toks.length === 3 && first!.text === 'bus' && brace!.kind === 'lbrace' && !blocks;
    // A statement of its own, `at`, `expect` or `bus` (statementLine), with the next on a line of its own.
    const stmt = statementLine(s);
    if (alone || (stmt && nextStarts(l, line, doc.lineCount, stmt))) {
      add(l, s);
      if (read.length > MAX_LINES) return undefined;
      continue;
    }
    // Else a `bus` or `at` line that opens a block left open on it, read with the lines of that block.
    const block = blockFrom(l, toks, line, doc.lineCount);
    if (!block || read.length + block.length > MAX_LINES || (chars += block.reduce((n, b) => n + b.length, -s.length)) > MAX_CHARS) return undefined;
    block.forEach((b, k) => add(l + k, b));
    if (read.length > MAX_LINES) return undefined;
  }
  // The parser reads a fixed word otherwise where the text declares a bus of that name (relined.ts).
  for (const w of words) if (declaresBusIn(text, w)) return undefined;
  const names = namesAlone(texts.join('\n'), 1)?.names.map((n) => ({
    ...n,
    loc: { ...n.loc, line: read[n.loc.line - 1]! + 1, endLine: read[n.loc.endLine - 1]! + 1 },
  }));
  return names && { names, lines: new Set(read) };
}
