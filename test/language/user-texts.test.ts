// What a user reads about devices, quirks and examples says what the user needs (the
// device, where its data came from in plain terms, its BARs and interrupts) and never
// names this repository's own files or notes, which do not ship: real LSP hover and
// completion for every catalog device and quirk, `vpci-lab devices`, and the bundled
// examples' text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletionItem, CompletionList, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { startServer, open, type Lsp } from './client';
import { catalogIds } from '../../emulator/pci/catalog';
import { QUIRKS } from '../../emulator/vpci/guest/quirks';
import { main, type CliIo } from '../../adapter/cli/main';

/** Names of files and notes of this repository (and its design papers) that a user never sees. */
const INTERNAL =
  /SOURCES\.md|DESIGN\.md|vpci-protocol\.md|dap-anchors|catalog-vfs|catalog-dumps|build82599Vf|buildCx3Vf|\b[\w-]+\.ts\b|§|CONSTRUCTED|data\/devices/;

let lsp: Lsp;
before(async () => {
  lsp = await startServer();
});
after(async () => {
  await lsp.close();
});

let n = 0;
async function hoverAt(text: string, needle: string): Promise<string> {
  const uri = `file:///virtual/texts-${n++}.vpci`;
  await open(lsp, uri, text);
  const before = text.slice(0, text.indexOf(needle) + 1);
  const position = { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
  const h = await lsp.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  assert.ok(h, `no hover on ${needle}`);
  return (h.contents as MarkupContent).value;
}

test('device hovers: identity, BARs, interrupts and where the data came from, in user terms', async () => {
  for (const id of catalogIds()) {
    const text = `bus b0 { function 0 ${id} }\nat 0 boot\n`;
    const md = await hoverAt(text, id);
    assert.doesNotMatch(md, INTERNAL, `${id} hover:\n${md}`);
    assert.match(md, /\| Vendor:Device \| `[0-9a-f]{4}:[0-9a-f]{4}`/, id);
    assert.match(md, /\| BARs \| (BAR\d|ROM)/, id);
    assert.match(md, /\| Interrupts \| (MSI|none)/, id);
    assert.match(md, /\| Data \| (a public|pciutils|DPDK|built by vPCI Lab)/, id);
  }
  // the constructed VFs say so, in words
  assert.match(await hoverAt('bus b0 { function 0 intel-82599-vf }\n', 'intel-82599-vf'), /no public dump of this VF exists/);
});

test('device completion: detail and documentation carry no internal notes', async () => {
  const text = 'bus b0 {\n  function 0 \n}\n';
  const uri = `file:///virtual/texts-${n++}.vpci`;
  await open(lsp, uri, text);
  const r = await lsp.conn.sendRequest<CompletionItem[] | CompletionList>('textDocument/completion', {
    textDocument: { uri },
    position: { line: 1, character: 13 },
  });
  const items = (Array.isArray(r) ? r : r.items).filter((i) => catalogIds().includes(i.label));
  assert.equal(items.length, catalogIds().length);
  for (const i of items) {
    const doc = typeof i.documentation === 'string' ? i.documentation : (i.documentation?.value ?? '');
    assert.doesNotMatch(`${i.detail}\n${doc}`, INTERNAL, i.label);
  }
});

test('quirk hovers cite the driver source, not our notes', async () => {
  for (const q of QUIRKS) {
    const md = await hoverAt(`vm {\n  guest ${q.models[0]}\n  quirk ${q.name} off\n}\n`, `quirk ${q.name}`.slice(6));
    assert.doesNotMatch(md, INTERNAL, q.name);
    assert.match(md, /Source: .*(vmbus_pcib\.c|pci-hyperv\.c)/, q.name);
  }
});

test('vpci-lab devices: each device with its BARs, interrupts and data origin', async () => {
  const io: CliIo & { stdout: string } = {
    stdout: '',
    out(t: string) {
      io.stdout += t;
    },
    err() {},
  };
  assert.equal(await main(['devices'], io), 0);
  assert.doesNotMatch(io.stdout, INTERNAL);
  for (const id of catalogIds())
    assert.match(io.stdout, new RegExp(`^${id} +[0-9a-f]{4}:[0-9a-f]{4}  \\S.*\\n +(BAR|ROM).*; (MSI|none).*\\n +data: \\S`, 'm'), id);
});

test('the bundled examples name no file of this repository', () => {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.vpci') ? [join(d, f)] : []));
  for (const f of walk('examples')) assert.doesNotMatch(readFileSync(f, 'utf8'), INTERNAL, f);
});

test('hovers on names of megabytes say them cut, not whole: a bus, an unknown device, an unknown status', async () => {
  const long = 'a'.repeat(1 << 20);
  const texts = [
    [`bus ${long} { function 0 intel-82599-vf }\n`, 4, `**bus ${long.slice(0, 100)}…`],
    [`bus b { function 0 ${long} }\n`, 20, `Unknown device \`${long.slice(0, 100)}…`],
    [`expect message ${long} on b\n`, 15, `Unknown message \`${long.slice(0, 100)}…`],
  ] as const;
  for (const [text, character, start] of texts) {
    const uri = `file:///virtual/texts-${n++}.vpci`;
    await open(lsp, uri, text);
    const h = await lsp.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: character + 1 } });
    assert.ok(h);
    const md = typeof h.contents === 'string' ? h.contents : (h.contents as MarkupContent).value;
    // The whole name was the answer: a megabyte of hover for each.
    assert.ok(md.startsWith(start), md.slice(0, 200));
    assert.ok(md.length < 1000, `${md.length} characters`);
  }
});
