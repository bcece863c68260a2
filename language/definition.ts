// Go to definition and find references for bus and function names. A bus is
// declared by `bus NAME {` or `offer NAME {`, a function by `function D.F` inside
// it; events and expectations reference them as `NAME` (function 0.0) or `NAME/D.F`.
import type { Location, Position } from 'vscode-languageserver';
import type { NameOccurrence } from './names';
import { nameAt } from './names';
import { locToRange } from './ranges';

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
