// Go to definition, find references and document highlights for bus and function
// names. A bus is declared by `bus NAME {` or `offer NAME {`, a function by
// `function D.F` inside it (or `plug NAME function D.F`); events and expectations
// reference them as `NAME` (function 0.0) or `NAME/D.F`. Go to Definition on a
// dump file's path opens the file (the analysis's `files`).
import { DocumentHighlightKind, type DocumentHighlight, type Location, type LocationLink, type Position, type Range } from 'vscode-languageserver';
import type { Loc } from '../emulator/scenario/ast';
import type { NameOccurrence } from './names';
import { nameAt } from './names';
import { locContains, locToRange } from './ranges';

const NAVIGABLE = new Set(['bus-decl', 'bus-ref', 'fn-decl', 'fn-ref']);

function targetAt(names: readonly NameOccurrence[], pos: Position): NameOccurrence | undefined {
  const n = nameAt(names, pos.line + 1, pos.character + 1);
  return n && NAVIGABLE.has(n.kind) ? n : undefined;
}

const isBus = (n: NameOccurrence): boolean => n.kind === 'bus-decl' || n.kind === 'bus-ref';

export function definition(names: readonly NameOccurrence[], uri: string, pos: Position): Location[] {
  const n = targetAt(names, pos);
  if (!n) return [];
  const declKind = isBus(n) ? 'bus-decl' : 'fn-decl';
  return names.filter((x) => x.kind === declKind && x.name === n.name).map((x) => ({ uri, range: locToRange(x.loc) }));
}

export function references(names: readonly NameOccurrence[], uri: string, pos: Position, includeDeclaration: boolean): Location[] {
  const n = targetAt(names, pos);
  if (!n) return [];
  const kinds = isBus(n) ? ['bus-ref', ...(includeDeclaration ? ['bus-decl'] : [])] : ['fn-ref', 'fn-ref-implicit', ...(includeDeclaration ? ['fn-decl'] : [])];
  return names.filter((x) => x.name === n.name && kinds.includes(x.kind)).map((x) => ({ uri, range: locToRange(x.loc) }));
}

/**
 * What to highlight for the name `n` under the cursor (`named`: every occurrence of its name): a
 * bus or a function's declarations as written (Write) and its references as read (Read), a bare bus
 * name counting as a reference to its function 0.0; another name (a device, a message…) its
 * occurrences of the same kind, as text.
 */
export function highlights(n: NameOccurrence, named: readonly NameOccurrence[]): DocumentHighlight[] {
  const at = (x: NameOccurrence, kind: DocumentHighlightKind): DocumentHighlight => ({ range: locToRange(x.loc), kind });
  if (isBus(n)) return named.filter(isBus).map((x) => at(x, x.kind === 'bus-decl' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read));
  if (n.kind === 'fn-decl' || n.kind === 'fn-ref')
    return named
      .filter((x) => x.kind === 'fn-decl' || x.kind === 'fn-ref' || x.kind === 'fn-ref-implicit')
      .map((x) => at(x, x.kind === 'fn-decl' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read));
  return named.filter((x) => x.kind === n.kind).map((x) => at(x, DocumentHighlightKind.Text));
}

/** The range inside a string's quotes (a closed string: the parser takes no other as a path). */
export function insideQuotes(loc: Loc): Range {
  const r = locToRange(loc);
  return {
    start: { line: r.start.line, character: r.start.character + 1 },
    end: { line: r.end.line, character: Math.max(r.start.character + 1, r.end.character - 1) },
  };
}

/**
 * Go to Definition on a dump file's path (`files`: the analysis's, the files read): the file,
 * at its start. As LocationLinks (`links`: the client takes them), the path is what is underlined.
 */
export function fileDefinition(
  files: readonly { loc: Loc; real: string }[],
  pos: Position,
  uriOf: (path: string) => string,
  links: boolean,
): Location[] | LocationLink[] {
  const f = files.find((x) => locContains(x.loc, pos));
  if (!f) return [];
  const start: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const targetUri = uriOf(f.real);
  if (links) return [{ originSelectionRange: insideQuotes(f.loc), targetUri, targetRange: start, targetSelectionRange: start }];
  return [{ uri: targetUri, range: start }];
}
