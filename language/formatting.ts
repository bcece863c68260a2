// Document formatting: the scenario formatter's canonical text (the same one the
// CLI uses) as one whole-document edit; no edit when the text is already canonical.
import type { TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatScenario } from '../emulator/scenario/format';

export function formatDocument(doc: TextDocument): TextEdit[] {
  const text = doc.getText();
  const formatted = formatScenario(text);
  if (formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}
