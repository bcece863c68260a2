// Semantic tokens for *.vpci from the lexer's tokens, refined by the name index
// (a word that the tree knows as a bus, device, message… gets that role). Only
// standard token types, so every theme colours them.
import type { SemanticTokensLegend } from 'vscode-languageserver';
import { tokensOf, type Token } from '../emulator/scenario/lexer';
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

/**
 * A name's key by where it starts. Columns go past 65,535 on a long line (a scenario may be one
 * 16 MiB line), so the line is scaled by 2^25: exact for every line and column a scenario can have.
 */
function posKey(line: number, col: number): number {
  return line * 2 ** 25 + col;
}

function wordRole(t: Token, byPos: Map<number, NameOccurrence>): [TokenType, number] {
  const n = byPos.get(posKey(t.loc.line, t.loc.col));
  if (n) return NAME_ROLE[n.kind];
  if (/^STATUS_/.test(t.text)) return ['enumMember', READONLY | DEFAULT_LIBRARY];
  if (/^PCI_/.test(t.text)) return ['event', DEFAULT_LIBRARY];
  if (CONSTANT_WORDS.has(t.text)) return ['enumMember', READONLY];
  if (KEYWORDS.has(t.text)) return ['keyword', 0];
  return ['variable', 0];
}

/**
 * The LSP relative encoding (5 integers per token). Tokens never span lines
 * here except an unterminated string, which stops at the newline anyway.
 * Undefined as soon as there would be more than `max` tokens (the caller then sends none).
 */
export function semanticTokens(text: string, names: readonly NameOccurrence[], max = Infinity): number[] | undefined {
  const byPos = new Map<number, NameOccurrence>();
  for (const n of names) byPos.set(posKey(n.loc.line, n.loc.col), n);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokensOf(text, LSP_COLUMNS)) {
    let role: [TokenType, number] | undefined;
    switch (t.kind) {
      case 'word':
        role = wordRole(t, byPos);
        break;
      case 'number':
      case 'duration':
      case 'dotted':
      case 'pciaddr':
      case 'guid':
        role = ['number', 0];
        break;
      case 'string':
        role = ['string', 0];
        break;
      case 'comment':
        role = ['comment', 0];
        break;
      default:
        role = undefined;
    }
    if (!role || t.loc.endLine !== t.loc.line) continue;
    const line = t.loc.line - 1;
    const ch = t.loc.col - 1;
    const len = t.loc.endCol - t.loc.col;
    if (len <= 0) continue;
    if (data.length >= max * 5) return undefined;
    data.push(line - prevLine, line === prevLine ? ch - prevChar : ch, len, T(role[0]), role[1]);
    prevLine = line;
    prevChar = ch;
  }
  return data;
}
