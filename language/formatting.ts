// Format Document: one edit that replaces the whole text with the formatter's
// (emulator/scenario/format.ts), in the document's own line ends; no edit when nothing changes
// or the text changed while it ran. When the formatter cannot finish (its worker ran out of
// memory, or failed), the user is told so in a message: a command that silently does nothing
// looks like a formatter that found nothing to change.
import type { Position, TextEdit } from 'vscode-languageserver';
import { AnalysisOutOfMemory } from './runner';
import { visibleText } from '../emulator/scenario/ast';

/** What formatting needs of an open document (language/document.ts, LineDocument). */
export interface FormatTarget {
  readonly uri: string;
  readonly version: number;
  getText(): string;
  positionAt(offset: number): Position;
}

/** The document's name for a message: the last part of its URI's path. */
function nameOf(uri: string): string {
  const last =
    uri
      .replace(/[?#].*$/, '')
      .split('/')
      .pop() ?? uri;
  // A file name may hold characters a client shows as nothing (%00, %E2%80%8B): by code point.
  try {
    return visibleText(decodeURIComponent(last));
  } catch {
    return last;
  }
}

/**
 * The edits that format `doc`. `format` formats text (the analysis worker's formatter); `tell`
 * shows the user a message. A format that fails is told and gives no edits.
 */
export async function formatDocument(doc: FormatTarget, format: (text: string) => Promise<string>, tell: (message: string) => void): Promise<TextEdit[]> {
  const text = doc.getText();
  const version = doc.version;
  // The formatter writes \n; the document keeps its own line ends (its first one: \r\n, \r or \n),
  // so formatting a canonical CRLF file changes nothing.
  const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
  let lf: string;
  try {
    lf = await format(text);
  } catch (e) {
    const why = e instanceof AnalysisOutOfMemory ? 'the formatter ran out of memory' : `the formatter failed (${e instanceof Error ? e.message : String(e)})`;
    tell(`Format Document: ${nameOf(doc.uri)} was not formatted: ${why}. It is unchanged.`);
    return [];
  }
  const formatted = eol === '\n' ? lf : lf.replace(/\n/g, eol);
  // Edits for a text that changed meanwhile would land in the wrong places.
  if (formatted === text || doc.version !== version) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}
