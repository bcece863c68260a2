// A client that keeps a UTF-8 byte-order mark in the text it sends (VS Code strips it; others may
// not): LSP positions count the text's UTF-16 units, so on the first line every position the
// server gives is one past what an editor that hides the mark shows, and Format Document keeps
// the mark instead of deleting it with its whole-document edit. (The CLI's columns, which do not
// count the mark: test/scenario/bom.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, CompletionItem, Hover, SemanticTokens, TextEdit } from 'vscode-languageserver-protocol';
import { startServer, open, type Lsp } from './client';
import { LEGEND } from '../../language/semantic';

let lsp: Lsp;
let n = 0;
const uriFor = (name: string): string => `file:///virtual/bom-${n++}-${name}`;

before(async () => {
  lsp = await startServer();
});
after(async () => {
  await lsp.close();
});

const TEXT = '\ufeffbus nic0 { function 0 intel-82599-fv }\nat 0 boot\n';
/** Where `needle` starts on the first line, in the units of TEXT (the mark is unit 0). */
const at = (needle: string): number => TEXT.indexOf(needle);

test('diagnostics, quick fixes, semantic tokens, hover and completion on the first line count the mark as one unit', async () => {
  const uri = uriFor('a.vpci');
  const pub = await open(lsp, uri, TEXT);
  const d = pub.diagnostics.find((x) => x.code === 'unknown-device')!;
  assert.deepEqual(d.range, { start: { line: 0, character: at('intel-82599-fv') }, end: { line: 0, character: at('intel-82599-fv') + 14 } });

  const actions = await lsp.conn.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
  const edit = Object.values(actions[0]!.edit!.changes!)[0]![0]!;
  const s = edit.range.start.character;
  assert.equal(TEXT.slice(0, s) + edit.newText + TEXT.slice(edit.range.end.character), TEXT.replace('intel-82599-fv', 'intel-82599-vf'));

  const r = await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  // The first token: `bus`, a keyword at unit 1 (after the mark).
  assert.deepEqual(r.data.slice(0, 3), [0, at('bus'), 3]);
  assert.equal(LEGEND.tokenTypes[r.data[3]!], 'keyword');

  const h = await lsp.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: at('nic0') } });
  assert.deepEqual(h?.range, { start: { line: 0, character: at('nic0') }, end: { line: 0, character: at('nic0') + 4 } });

  // The word being typed at the start of the first line is not taken for context: `bu` is completed to a statement.
  const typed = uriFor('b.vpci');
  await open(lsp, typed, '\ufeffbu');
  const items = await lsp.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: typed }, position: { line: 0, character: 3 } });
  assert.ok(
    items.some((i) => i.label === 'bus'),
    JSON.stringify(items.map((i) => i.label)),
  );
});

test('Format Document keeps a leading mark: no edit for a formatted text, and an edit that starts with it', async () => {
  const fmt = async (text: string): Promise<TextEdit[]> => {
    const uri = uriFor('f.vpci');
    await open(lsp, uri, text);
    return await lsp.conn.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  };
  assert.deepEqual(await fmt('\ufeffat 0  boot\n'), []);
  const edits = await fmt('\ufeffat  0 boot  \n');
  assert.equal(edits.length, 1);
  assert.equal(edits[0]!.newText, '\ufeffat 0  boot\n');
});
