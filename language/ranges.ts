// 1-based scenario locations (ast.ts Loc, endCol exclusive) to 0-based LSP
// ranges and back. The lexer counts columns in UTF-16 code units, as LSP does.
import type { Range, Position } from 'vscode-languageserver';
import type { Loc } from '../emulator/scenario/ast';
import type { LexOptions } from '../emulator/scenario/lexer';

/**
 * How the language server has the lexer count columns: in the units of the text the client sent,
 * a leading byte-order mark one of them (VS Code strips the mark; a client that keeps it counts
 * it in every position on the first line).
 */
export const LSP_COLUMNS: LexOptions = { bom: 'unit' };

export function locToRange(loc: Loc): Range {
  return {
    start: { line: Math.max(0, loc.line - 1), character: Math.max(0, loc.col - 1) },
    end: { line: Math.max(0, loc.endLine - 1), character: Math.max(0, loc.endCol - 1) },
  };
}

/** Is the 0-based position inside (or at the end of) the 1-based loc? */
export function locContains(loc: Loc, pos: Position): boolean {
  const line = pos.line + 1;
  const col = pos.character + 1;
  if (line < loc.line || line > loc.endLine) return false;
  if (line === loc.line && col < loc.col) return false;
  if (line === loc.endLine && col > loc.endCol) return false;
  return true;
}

export function sameLoc(a: Loc, b: Loc): boolean {
  return a.line === b.line && a.col === b.col && a.endLine === b.endLine && a.endCol === b.endCol;
}
