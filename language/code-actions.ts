// Quick fixes (LSP code actions of kind `quickfix`) for the checker's diagnostics:
// every "did you mean" offers its suggestions, best first and preferred (unknown
// device, message, status, quirk, host profile, guest model, bus, keyword, a
// number without its unit or a time or size in a form the language does not take,
// a name in quotes, a string in curly quotes, a stray `=` or no-break space); and the diagnostics whose fix is plain get it:
// remove a contradictory `count`, a repeated `expect no errors`, a quirk line that
// has no effect or is overridden, round an MSI vector count or a BAR size to a
// power of two, write `rescind` where the host cannot eject, move a `{` up to its statement's line.
//
// Only diagnostics the current analysis still reports at the same range get a
// fix, so a stale diagnostic (the text changed since it was published) never
// edits the wrong text.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import type { Analysis } from './analyze';
import { indexOf } from '../emulator/scenario/lines';
import { tokenize, type Token } from '../emulator/scenario/lexer';
import { eventRef } from '../emulator/scenario/events';
import { parseScenario } from '../emulator/scenario/parser';
import { LSP_COLUMNS } from './ranges';
import { charText } from '../emulator/scenario/ast';

const sameRange = (a: Range, b: Range): boolean =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

/**
 * Line `line` (0-based) of `text` without its line break. Lines end at \n, \r\n or a lone \r, as the
 * lexer and LSP count them (emulator/scenario/lines.ts): splitting on \n alone would read a lone-\r
 * file as one line, and no fix would be found on it.
 */
function lineOf(text: string, line: number): string {
  return indexOf(text).line(line + 1);
}

/** The edit deleting 0-based `line` as a whole (with its line break). */
function deleteLine(text: string, line: number): TextEdit {
  const lines = indexOf(text).lineCount;
  return line + 1 < lines
    ? { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' }
    : {
        range: { start: { line: Math.max(0, line - 1), character: lineOf(text, line - 1).length }, end: { line, character: lineOf(text, line).length } },
        newText: '',
      };
}

/** The edit replacing the first match of `re` (with a group 1) inside `range` on its first line. */
function replaceIn(text: string, range: Range, re: RegExp, newText: (m: RegExpExecArray) => string, whole = false): TextEdit | undefined {
  const line = lineOf(text, range.start.line);
  const end = range.end.line === range.start.line ? range.end.character : line.length;
  const part = line.slice(range.start.character, end);
  const m = re.exec(part);
  if (!m) return undefined;
  const at = range.start.character + m.index + (whole ? 0 : m[0].indexOf(m[1]!));
  const len = whole ? m[0].length : m[1]!.length;
  return { range: { start: { line: range.start.line, character: at }, end: { line: range.start.line, character: at + len } }, newText: newText(m) };
}

/**
 * The edit removing the words at `range` (a suggestion of '' on one line) with one run of the spaces beside them,
 * so one space is left between what stood on either side, and none at the end of the line: the spaces after
 * them when text follows, else those before (`attached after 1ms` → `attached`, `sent on` → `on`). A range
 * that does not start after a space (`nic0/1`, `4;`) is removed alone (ours).
 */
function removalEdit(text: string, range: Range): TextEdit {
  const line = lineOf(text, range.start.line);
  if (range.end.line !== range.start.line || !/[ \t]$/.test(line.slice(0, range.start.character))) return { range, newText: '' };
  const after = /^[ \t]*/.exec(line.slice(range.end.character))![0].length;
  const before = /[ \t]*$/.exec(line.slice(0, range.start.character))![0].length;
  const rest = range.end.character + after < line.length;
  const start = rest || before === range.start.character ? range.start.character : range.start.character - before;
  const end = rest ? range.end.character + after : range.end.character;
  return { range: { start: { line: range.start.line, character: start }, end: { line: range.start.line, character: end } }, newText: '' };
}

/** The tokens inside `range` on its first line, with 0-based start and end characters on that line. */
function tokensIn(text: string, range: Range): { tok: Token; start: number; end: number }[] {
  const line = lineOf(text, range.start.line);
  const end = range.end.line === range.start.line ? range.end.character : line.length;
  return tokenize(line.slice(range.start.character, end), LSP_COLUMNS)
    .filter((t) => t.kind !== 'eof' && t.kind !== 'newline' && t.kind !== 'comment')
    .map((tok) => ({ tok, start: range.start.character + tok.loc.col - 1, end: range.start.character + tok.loc.endCol - 1 }));
}

/** The edit replacing a whole token (found by tokensIn) on `line`. */
const replaceToken = (line: number, t: { start: number; end: number }, newText: string): TextEdit => ({
  range: { start: { line, character: t.start }, end: { line, character: t.end } },
  newText,
});

const isQuirkLine = (s: string): boolean => /^\s*quirk\s+[\w-]+(\s+(on|off|true|false))?\s*(#.*)?$/.test(s);

/** Powers of two around n (the nearest below and above), within [1, max]. */
function powersAround(n: number, max = Infinity): number[] {
  let lo = 1;
  while (lo * 2 <= n) lo *= 2;
  return [lo, lo * 2].filter((x) => x >= 1 && x <= max && x !== n);
}

const UNIT: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * The title of the fix that writes suggestion `h` over `range`: `Change to 'x'`; for a slip the
 * parser reads past (a stray `=`, a no-break space), what is done to it: `Remove '='`, `Replace
 * U+00A0 with a space`.
 */
function suggestionTitle(text: string, range: Range, h: string): string {
  const line = lineOf(text, range.start.line);
  const was = range.end.line === range.start.line ? line.slice(range.start.character, range.end.character) : '';
  // A suggestion that only puts punctuation before what is there (the `{` a block left out, or `{ }` where nothing is below to go in it): `Insert '{'`.
  const added = h.endsWith(was) && range.end.line === range.start.line ? h.slice(0, h.length - was.length).trim() : '';
  if (/^(?:[{}]|{ })$/.test(added)) return `Insert '${added}'`;
  if (h !== '' && h !== ' ') return `Change to '${h}'`;
  const shown = Array.from(was).length === 1 ? charText(was) : `'${was}'`;
  return h === '' ? `Remove ${shown}` : `Replace ${shown} with a space`;
}

export function codeActions(p: CodeActionParams, a: Pick<Analysis, 'text' | 'lspDiagnostics'>): CodeAction[] {
  if (p.context.only && !p.context.only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty || CodeActionKind.QuickFix.startsWith(`${k}.`)))
    return [];
  const uri = p.textDocument.uri;
  const out: CodeAction[] = [];
  const fix = (title: string, d: LspDiagnostic, edits: (TextEdit | undefined)[], preferred = false): void => {
    const list = edits.filter((e): e is TextEdit => !!e);
    if (!list.length) return;
    const action: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: list } } };
    if (preferred) action.isPreferred = true;
    out.push(action);
  };
  for (const given of p.context.diagnostics) {
    const d = a.lspDiagnostics.find((x) => x.code === given.code && sameRange(x.range, given.range));
    if (!d) continue;
    const hints = (d.data as { suggestions?: string[] } | undefined)?.suggestions ?? [];
    hints.forEach((h, i) =>
      fix(suggestionTitle(a.text, d.range, h), given, [h === '' ? removalEdit(a.text, d.range) : { range: d.range, newText: h }], i === 0),
    );
    switch (d.code) {
      case 'negated-count':
        fix("Remove 'count N' ('no' means none)", given, [replaceIn(a.text, d.range, /\s+count\s+\S+/, () => '', true)], true);
        break;
      case 'duplicate-expectation':
        if (lineOf(a.text, d.range.start.line).trim() === lineOf(a.text, d.range.start.line).slice(d.range.start.character, d.range.end.character).trim())
          fix('Remove the repeated expectation', given, [deleteLine(a.text, d.range.start.line)], true);
        break;
      case 'quirk-not-applicable':
        if (isQuirkLine(lineOf(a.text, d.range.start.line)))
          fix('Remove this quirk (it has no effect on this guest)', given, [deleteLine(a.text, d.range.start.line)], true);
        break;
      case 'duplicate-quirk': {
        const first = d.relatedInformation?.[0]?.location.range.start.line;
        if (first !== undefined && first !== d.range.start.line && isQuirkLine(lineOf(a.text, first)))
          fix(`Remove the overridden setting on line ${first + 1}`, given, [deleteLine(a.text, first)], true);
        break;
      }
      case 'msi-count': {
        // The count is the number token after the word `msi`, read as the lexer reads it (0x3, 0b11,
        // 1_6…) and replaced whole: a digit run inside `0x3` is not the count.
        const toks = tokensIn(a.text, d.range);
        const i = toks.findIndex((t, k) => t.tok.kind === 'word' && t.tok.text === 'msi' && toks[k + 1]?.tok.kind === 'number');
        const count = toks[i + 1];
        if (i < 0 || !count || typeof count.tok.value !== 'number') break;
        for (const v of powersAround(count.tok.value, 32))
          fix(`Enable ${v} MSI vector${v === 1 ? '' : 's'}`, given, [replaceToken(d.range.start.line, count, String(v))]);
        break;
      }
      case 'bar-size': {
        // The size is the last number token of `bar N SIZE` (or `rom SIZE`), its value as the lexer
        // computes it (prefixes, `_` separators, K/M/G/T); the whole token is replaced.
        const size = tokensIn(a.text, d.range)
          .filter((t) => t.tok.kind === 'number')
          .pop();
        const bytes = size?.tok.value;
        if (!size || typeof bytes !== 'number') break;
        const up = powersAround(bytes).find((x) => x > bytes);
        if (up === undefined) break;
        // in the largest unit that writes it exactly (4096 → 4K)
        const u = ['T', 'G', 'M', 'K', ''].find((x) => up % UNIT[x]! === 0 && up >= UNIT[x]!) ?? '';
        const text = `${up / UNIT[u]!}${u}`;
        fix(`Round up to ${text} (BAR sizes are powers of two)`, given, [replaceToken(d.range.start.line, size, text)], true);
        break;
      }
      case 'eject-unsupported': {
        // Only for a whole bus (`rescind` names a bus, not a function), and only when nothing later
        // in the timeline names the bus: after a rescind it is gone, and such an event would be an error.
        const timeline = parseScenario(a.text, LSP_COLUMNS).scenario.timeline;
        const e = timeline.find((x) => x.kind === 'eject' && x.loc.line === d.range.start.line + 1);
        const bus = e && eventRef(e)?.bus.name;
        const later = e !== undefined && bus !== undefined && timeline.some((x) => x !== e && x.time >= e.time && eventRef(x)?.bus.name === bus);
        if (!later)
          fix("Use 'rescind' (the host revokes the channel)", given, [replaceIn(a.text, d.range, /\b(eject)\s+[A-Za-z_][\w-]*\s*(#.*)?$/, () => 'rescind')]);
        break;
      }
      case 'brace-on-next-line': {
        // The `{` moves to the end of the statement's line (the nearest line above with code, before
        // any comment there); its own line goes if nothing else is on it.
        let at = d.range.start.line - 1;
        let code: { start: number; end: number }[] = [];
        for (; at >= 0; at--) {
          const line = lineOf(a.text, at);
          code = tokensIn(a.text, { start: { line: at, character: 0 }, end: { line: at, character: line.length } });
          if (code.length) break;
        }
        const end = code[code.length - 1]?.end;
        if (at < 0 || end === undefined) break;
        const braceLine = lineOf(a.text, d.range.start.line);
        const rest = braceLine.slice(d.range.end.character).replace(/^[ \t]+/, '');
        const remove: TextEdit =
          braceLine.slice(0, d.range.start.character).trim() === '' && rest === ''
            ? deleteLine(a.text, d.range.start.line)
            : { range: { start: d.range.start, end: { line: d.range.start.line, character: braceLine.length - rest.length } }, newText: '' };
        fix(
          "Move '{' to the end of the line before",
          given,
          [{ range: { start: { line: at, character: end }, end: { line: at, character: end } }, newText: ' {' }, remove],
          true,
        );
        break;
      }
      default:
        // the other diagnostics have no quick fix beyond their suggestions
        break;
    }
  }
  return out;
}
