// Document formatting: the scenario formatter's canonical text as one edit.
import type { TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** Until emulator/scenario/format.ts lands: no edits (the capability stays honest). */
export function formatDocument(doc: TextDocument): TextEdit[] {
  void doc;
  return [];
}
