// Rename (F2) for bus names. A bus is declared by `bus NAME {` or `offer NAME {`
// and referenced by events and expectations as `NAME` or `NAME/D.F`; the name
// index (language/names.ts) knows every one of them, so a rename edits exactly
// those ranges and nothing else: not a keyword that happens to be spelt the same
// (`bus boot` and `at 0 boot`), not comments or strings. What cannot be renamed
// says why, in one line the editor shows: a keyword, a number, a function's slot
// (changing it moves the function: not a rename), a catalog name. So does a new
// name the lexer would not read as one name, a keyword that cannot name a bus, or
// a name another bus already has; and a rename that could miss an occurrence (the
// name stands in a statement with a syntax error, which no index holds) is refused
// until that line is fixed. Ours, on LSP's textDocument/prepareRename and rename.
import type { Position, Range, TextEdit } from 'vscode-languageserver';
import { MAX_BUS_NAME, visibleText } from '../emulator/scenario/ast';
import { WORD_RULE, tokensOf, wordKind, type Token } from '../emulator/scenario/lexer';
import { RESERVED_BUS_NAMES } from '../emulator/scenario/keywords';
import type { NameKind, NameOccurrence } from './names';
import type { DocAnalysis } from './packed';
import { LSP_COLUMNS, locToRange } from './ranges';
import { CONSTANT_WORDS, KEYWORDS } from './vocabulary';
import { grouped, shortText } from '../emulator/format';

/** Why the name at a position cannot be renamed, or to a new name: one line for the user. */
export class RenameRefused extends Error {}

const refuse = (why: string): never => {
  throw new RenameRefused(why);
};

const ONLY_BUSES = 'only bus names can be renamed';

/**
 * A text of the document or a new name, quoted for a refusal: every character a client would not
 * show as itself by its code point (a line break too: the message stays one line), and one longer
 * than MAX_QUOTE by its first and last 100 characters and its length, as diagnostics quote text.
 */
function say(text: string): string {
  return shortText(visibleText(text), "'");
}

/** What each other kind of name is, in a refusal. */
const WHAT: Record<Exclude<NameKind, 'bus-decl' | 'bus-ref' | 'fn-decl' | 'fn-ref' | 'fn-ref-implicit'>, string> = {
  device: 'a device of the catalog',
  profile: 'a host profile',
  guest: 'a guest model',
  quirk: "a quirk of the guest's driver",
  message: 'a vPCI message',
  mmio: 'an MMIO range',
};

/** What a token that is no name is, in a refusal. */
function tokenWhat(t: Token): string {
  switch (t.kind) {
    case 'number':
    case 'dotted':
      return `${say(t.text)} is a number`;
    case 'duration':
      return `${say(t.text)} is a duration`;
    case 'guid':
      return `${say(t.text)} is a GUID`;
    case 'pciaddr':
      return `${say(t.text)} is a PCI address`;
    case 'string':
      return 'this is a string';
    case 'comment':
      return 'this is a comment';
    case 'word':
      return KEYWORDS.has(t.text) || CONSTANT_WORDS.has(t.text) ? `${say(t.text)} is a keyword of the scenario language` : `${say(t.text)} names no bus here`;
    default:
      return 'there is no name here';
  }
}

/** The tokens of line `n` (1-based) of the analysed text, with the columns the analysis has. */
function lineTokens(a: DocAnalysis, n: number): Token[] {
  const out: Token[] = [];
  // One line's tokens are that line's tokens in the whole text: no token spans a line break.
  for (const t of tokensOf(a.line(n), LSP_COLUMNS)) {
    if (t.kind === 'eof') break;
    out.push({ ...t, loc: { ...t.loc, line: n, endLine: n } });
  }
  return out;
}

/** The token under 0-based `pos` (or the one just before it, where a name ends at the cursor). */
function tokenAt(a: DocAnalysis, pos: Position): Token | undefined {
  const col = pos.character + 1;
  const tokens = lineTokens(a, pos.line + 1);
  return tokens.find((t) => t.loc.col <= col && col < t.loc.endCol) ?? tokens.find((t) => t.loc.endCol === col);
}

const isBus = (n: NameOccurrence): boolean => n.kind === 'bus-decl' || n.kind === 'bus-ref';

/**
 * The bus name at `pos` (0-based, clamped to the document) that a rename would change, and its
 * range; a RenameRefused saying why there is none.
 */
export function renameTarget(a: DocAnalysis, pos: Position): { name: string; range: Range } {
  const n = a.nameAt(pos.line + 1, pos.character + 1);
  if (n && isBus(n)) {
    missedOccurrence(a, n.name);
    return { name: n.name, range: locToRange(n.loc) };
  }
  if (n && (n.kind === 'fn-decl' || n.kind === 'fn-ref')) {
    // The name is `bus/D.F`; the slot is quoted as written (`1` is device 1, function 0).
    const bus = n.name.slice(0, n.name.lastIndexOf('/'));
    const [device, fn] = n.name.slice(n.name.lastIndexOf('/') + 1).split('.');
    const written = a.line(n.loc.line).slice(n.loc.col - 1, n.loc.endCol - 1);
    return refuse(
      `${say(written)} is the slot of a function on bus ${bus} (device ${device}, function ${fn}): changing it moves the function to another device and function number, which is not a rename; ${ONLY_BUSES}`,
    );
  }
  if (n && n.kind !== 'fn-ref-implicit') return refuse(`${say(n.name)} is ${WHAT[n.kind as keyof typeof WHAT]}; ${ONLY_BUSES}`);
  const t = tokenAt(a, pos);
  if (t?.kind === 'word' && brokenLine(a, t.loc.line))
    return refuse(`line ${t.loc.line} has a syntax error, so what ${say(t.text)} names there is not known; fix the line first, then rename`);
  return refuse(`${t ? tokenWhat(t) : 'there is no name here'}; ${ONLY_BUSES}`);
}

function brokenLine(a: DocAnalysis, line: number): boolean {
  if (a.unreadFrom !== undefined && line >= a.unreadFrom) return true;
  const b = a.brokenLines;
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b[mid]! < line) lo = mid + 1;
    else hi = mid;
  }
  return b[lo] === line;
}

/**
 * Refuses a rename of `name` that could leave an occurrence behind: the parser stopped early
 * (nothing after that line is read), or the name stands as a word on a line with a syntax error
 * where the index has no name (a declaration or reference the parser dropped: `bus nic0 x {`).
 */
function missedOccurrence(a: DocAnalysis, name: string): void {
  if (a.unreadFrom !== undefined)
    refuse(`the parser stopped at line ${a.unreadFrom} after too many syntax errors, so nothing from there on is read; fix the errors first, then rename`);
  const known = new Set(a.named(name).map((x) => `${x.loc.line}:${x.loc.col}`));
  for (const line of a.brokenLines) {
    for (const t of lineTokens(a, line)) {
      if (t.kind === 'word' && t.text === name && !known.has(`${line}:${t.loc.col}`))
        refuse(
          `${say(name)} also stands on line ${line}, in a statement with a syntax error, where it is not known to name this bus; fix line ${line} first, then rename`,
        );
    }
  }
}

/** Why `newName` cannot name a bus (the parser's own rules: one word, not reserved, not too long), or undefined. */
export function newNameProblem(newName: string): string | undefined {
  if (newName === '') return 'a bus name cannot be empty';
  const kind = wordKind(newName);
  if (kind === 'guid') return `${say(newName)} would be read as a GUID, not a name`;
  if (kind !== 'word') return `${say(newName)} is not a name: ${WORD_RULE}`;
  // The parser's messages for these (parser.ts busName).
  if (RESERVED_BUS_NAMES.includes(newName)) return `${say(newName)} is a keyword and cannot name a bus`;
  if (newName.length > MAX_BUS_NAME) return `a bus name is at most ${MAX_BUS_NAME} characters; this one is ${grouped(newName.length)}`;
  return undefined;
}

/** The edits that rename the bus at `pos` to `newName`: every declaration and reference of it; a RenameRefused saying why not. */
export function renameEdits(a: DocAnalysis, pos: Position, newName: string): TextEdit[] {
  const { name } = renameTarget(a, pos);
  const why = newNameProblem(newName);
  if (why) refuse(why);
  if (newName === name) return [];
  // Another bus of that name, declared or only referenced: the two would become one.
  const other = a.named(newName).filter(isBus);
  const decl = other.find((x) => x.kind === 'bus-decl');
  if (decl) refuse(`a bus named ${say(newName)} is already declared on line ${decl.loc.line}`);
  if (other.length) refuse(`${say(newName)} already names a bus on line ${other[0]!.loc.line} (one no statement declares): the two would become one`);
  return a
    .named(name)
    .filter(isBus)
    .map((x) => ({ range: locToRange(x.loc), newText: newName }));
}
