// Semantic tokens for *.vpci from the lexer's tokens, refined by the name index
// (a word that the tree knows as a bus, device, message… gets that role). Only
// standard token types, so every theme colours them.
import type { SemanticTokensLegend } from 'vscode-languageserver';
import { tokensOf } from '../emulator/scenario/lexer';
import { LSP_COLUMNS } from './ranges';
import type { NameKind, NameOccurrence } from './names';
import { KEYWORDS, CONSTANT_WORDS } from './vocabulary';

export const TOKEN_TYPES = ['keyword', 'variable', 'type', 'enumMember', 'property', 'number', 'string', 'comment', 'event', 'namespace'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
const T = (t: TokenType): number => TOKEN_TYPES.indexOf(t);
const DECLARATION = 1 << 0;
const READONLY = 1 << 1;
const DEFAULT_LIBRARY = 1 << 2;

const NAME_ROLE: Record<NameKind, [TokenType, number]> = {
  'bus-decl': ['variable', DECLARATION],
  'bus-ref': ['variable', 0],
  'fn-decl': ['number', DECLARATION],
  'fn-ref': ['number', 0],
  'fn-ref-implicit': ['variable', 0],
  device: ['type', DEFAULT_LIBRARY],
  profile: ['namespace', DEFAULT_LIBRARY],
  guest: ['namespace', DEFAULT_LIBRARY],
  quirk: ['property', 0],
  message: ['event', DEFAULT_LIBRARY],
  mmio: ['property', DECLARATION],
};

/** A role as the encoding sends it: the token type's index times 8, plus the modifiers (three bits). */
const role = (t: TokenType, mods: number): number => T(t) * 8 + mods;
const NAME_ROLES: Record<NameKind, number> = Object.fromEntries(Object.entries(NAME_ROLE).map(([k, [t, m]]) => [k, role(t, m)])) as Record<NameKind, number>;
const STATUS = role('enumMember', READONLY | DEFAULT_LIBRARY);
const PCI = role('event', DEFAULT_LIBRARY);
const CONSTANT = role('enumMember', READONLY);
const KEYWORD = role('keyword', 0);
const VARIABLE = role('variable', 0);
const NUMBER = role('number', 0);
const STRING = role('string', 0);
const COMMENT = role('comment', 0);

/** A word no name of the tree starts at: by what it says. */
function wordRole(text: string): number {
  if (text.startsWith('STATUS_')) return STATUS;
  if (text.startsWith('PCI_')) return PCI;
  if (CONSTANT_WORDS.has(text)) return CONSTANT;
  if (KEYWORDS.has(text)) return KEYWORD;
  return VARIABLE;
}

/** The names' indexes by where they start (line, then column; names at one place in their order), without sorting when they already are. */
function byStart(names: readonly NameOccurrence[]): readonly number[] {
  const order = names.map((_, i) => i);
  const before = (i: number, j: number): number => names[i]!.loc.line - names[j]!.loc.line || names[i]!.loc.col - names[j]!.loc.col;
  for (let i = 1; i < order.length; i++) if (before(i - 1, i) > 0) return order.sort((x, y) => before(x, y) || x - y);
  return order;
}

/**
 * The LSP relative encoding (5 integers per token). Tokens never span lines
 * here except an unterminated string, which stops at the newline anyway.
 * Undefined as soon as there would be more than `max` tokens (the caller then sends none).
 */
export function semanticTokens(text: string, names: readonly NameOccurrence[], max = Infinity): number[] | undefined {
  // Tokens and names both come in the order of the text: one walk over each (a word takes the role
  // of the last name that starts where it does), not a map of every name by its place.
  const order = byStart(names);
  let next = 0;
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokensOf(text, LSP_COLUMNS)) {
    let r: number;
    switch (t.kind) {
      case 'word': {
        const { line, col } = t.loc;
        let named: NameOccurrence | undefined;
        for (; next < order.length; next++) {
          const n = names[order[next]!]!;
          if (n.loc.line > line || (n.loc.line === line && n.loc.col > col)) break;
          if (n.loc.line === line && n.loc.col === col) named = n;
        }
        r = named ? NAME_ROLES[named.kind] : wordRole(t.text);
        break;
      }
      case 'number':
      case 'duration':
      case 'dotted':
      case 'pciaddr':
      case 'guid':
        r = NUMBER;
        break;
      case 'string':
        r = STRING;
        break;
      case 'comment':
        r = COMMENT;
        break;
      default:
        continue;
    }
    if (t.loc.endLine !== t.loc.line) continue;
    const line = t.loc.line - 1;
    const ch = t.loc.col - 1;
    const len = t.loc.endCol - t.loc.col;
    if (len <= 0) continue;
    if (data.length >= max * 5) return undefined;
    data.push(line - prevLine, line === prevLine ? ch - prevChar : ch, len, r >> 3, r & 7);
    prevLine = line;
    prevChar = ch;
  }
  return data;
}
