// Document highlights over real LSP traffic with the bundled server: with the
// cursor on a bus or a function, its declarations are marked as written and its
// references as read (a bare bus name reads its function 0.0); another name marks
// the same name of the same kind as text; a keyword spelt like a bus is not one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentHighlight } from 'vscode-languageserver-protocol';
import { startServer, open, type Lsp } from './client';
import { NAMED as TEXT, pos } from './named';

let lsp: Lsp;
let n = 0;
const uriFor = (name: string): string => `file:///virtual/highlight-${n++}-${name}`;

before(async () => {
  lsp = await startServer();
});
after(async () => {
  await lsp.close();
});

test('the server offers document highlights', () => {
  assert.equal(lsp.capabilities.documentHighlightProvider, true);
});

/** [line, start, end, kind] of each highlight. */
async function highlights(uri: string, position: { line: number; character: number }): Promise<[number, number, number, number | undefined][]> {
  const h = await lsp.conn.sendRequest<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri }, position });
  return h.map((x) => [x.range.start.line, x.range.start.character, x.range.end.character, x.kind]);
}

const TEXT_KIND = 1;
const READ = 2;
const WRITE = 3;

test('document highlights: a bus declared (Write) and referenced (Read); a keyword spelt like it is not one', async () => {
  const uri = uriFor('highlight.vpci');
  await open(lsp, uri, TEXT);
  const boot = await highlights(uri, pos(TEXT, 'expect boot', 8));
  assert.deepEqual(boot, [
    [8, 4, 8, WRITE],
    [20, 7, 11, READ],
  ]);
  assert.deepEqual(await highlights(uri, pos(TEXT, 'bus boot', 4)), boot);
  const nic0 = await highlights(uri, pos(TEXT, 'bus nic0', 4));
  assert.equal(nic0.length, 10);
  assert.deepEqual(nic0[0], [4, 4, 8, WRITE]);
  assert.ok(nic0.slice(1).every((h) => h[3] === READ));
  // an offered bus is declared by its offer
  assert.deepEqual(await highlights(uri, pos(TEXT, 'offer nic2', 7)), [[14, 13, 17, WRITE]]);
  // a keyword, a number, a comment: nothing
  assert.deepEqual(await highlights(uri, pos(TEXT, 'at 0 boot', 6)), []);
  assert.deepEqual(await highlights(uri, pos(TEXT, 'msix 3', 5)), []);
  assert.deepEqual(await highlights(uri, pos(TEXT, "nic0's twin", 1)), []);
});

test('document highlights: a function declared (Write) and referenced as bus/slot or as the bare bus (Read)', async () => {
  const uri = uriFor('highlight-fn.vpci');
  await open(lsp, uri, TEXT);
  // function 0 of nic0: `raise nic0` and `driver nic0` mean nic0/0.0, as `expect nic0/0.0` does
  const fn0 = await highlights(uri, pos(TEXT, 'nic0/0.0', 6));
  assert.deepEqual(fn0, [
    [5, 11, 12, WRITE],
    [10, 14, 18, READ],
    [12, 13, 17, READ],
    [18, 12, 15, READ],
  ]);
  assert.deepEqual(await highlights(uri, pos(TEXT, 'function 0 intel-82599-vf serial 1', 9)), fn0);
  // function 1: `nic0/1` and `nic0/1.0` are the same function
  assert.deepEqual(await highlights(uri, pos(TEXT, 'nic0/1 ', 5)), [
    [6, 11, 12, WRITE],
    [11, 19, 20, READ],
    [16, 18, 21, READ],
  ]);
  // a plugged function is declared by its plug
  assert.deepEqual(await highlights(uri, pos(TEXT, 'function 2', 9)), [[15, 26, 27, WRITE]]);
});

test('document highlights: other names (a device) mark the same name of the same kind, as text', async () => {
  const uri = uriFor('highlight-device.vpci');
  await open(lsp, uri, TEXT);
  const h = await highlights(uri, pos(TEXT, 'intel-82599-vf', 2));
  assert.deepEqual(
    h.map((x) => [x[0], x[3]]),
    [
      [5, TEXT_KIND],
      [6, TEXT_KIND],
      [8, TEXT_KIND],
      [15, TEXT_KIND],
    ],
  );
});
