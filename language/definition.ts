// Go to definition and find references for bus names: a bus is declared by
// `bus NAME {` or `offer NAME {` and referenced by events and expectations.
import type { Location, Position } from 'vscode-languageserver';
import type { NameOccurrence } from './names';
import { nameAt } from './names';
import { locToRange } from './ranges';

function busAt(names: readonly NameOccurrence[], pos: Position): NameOccurrence | undefined {
  const n = nameAt(names, pos.line + 1, pos.character + 1);
  return n && (n.kind === 'bus-decl' || n.kind === 'bus-ref') ? n : undefined;
}

export function definition(names: readonly NameOccurrence[], uri: string, pos: Position): Location[] {
  const n = busAt(names, pos);
  if (!n) return [];
  return names.filter((x) => x.kind === 'bus-decl' && x.name === n.name).map((x) => ({ uri, range: locToRange(x.loc) }));
}

export function references(names: readonly NameOccurrence[], uri: string, pos: Position, includeDeclaration: boolean): Location[] {
  const n = busAt(names, pos);
  if (!n) return [];
  return names
    .filter((x) => x.name === n.name && (x.kind === 'bus-ref' || (includeDeclaration && x.kind === 'bus-decl')))
    .map((x) => ({ uri, range: locToRange(x.loc) }));
}
