// LSP conformance at the door and in the handlers, over real LSP traffic:
// - the lifecycle (language/protocol-gate.ts): a request before `initialize` fails with
//   ServerNotInitialized, a second `initialize` and any request after `shutdown` with
//   InvalidRequest; a request without the params its handler reads with InvalidParams;
// - positions: one past the end of its line or of the text means the end (LSP's rule), so a
//   hover at character 2^31-1 answers as at the line's end — it used to step one character at a
//   time to the cursor, and every request behind it waited;
// - lone \r line ends: completion reads the lines as the lexer does.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createProtocolConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { CompletionItem, Hover, Location, Range } from 'vscode-languageserver-protocol';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverBundle, startServer, open } from './client';

const children = new Set<ChildProcess>();
after(() => children.forEach((c) => c.kill()));

/** A server over stdio that has not been initialized: the test drives the lifecycle itself. */
function bare(): { conn: ProtocolConnection; proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [serverBundle(), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  conn.listen();
  return { conn, proc, exited };
}

/** The JSON-RPC error code a request is answered with (undefined when it succeeds). */
async function errorCode(conn: ProtocolConnection, method: string, params?: unknown): Promise<number | undefined> {
  try {
    await (params === undefined ? conn.sendRequest(method) : conn.sendRequest(method, params));
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ResponseError, String(e));
    return e.code;
  }
}

const INIT = { processId: null, rootUri: null, capabilities: {} };
const URI = 'file:///virtual/conformance.vpci';
const TEXT = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms eject nic0\nexpect nic0 attached\n';

test('before initialize a request fails with ServerNotInitialized (-32002), a notification is dropped; then the server starts normally', async () => {
  const s = bare();
  try {
    assert.equal(await errorCode(s.conn, 'textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 0 } }), -32002);
    assert.equal(await errorCode(s.conn, 'shutdown'), -32002);
    // dropped: the document is not open once the server runs
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: TEXT } });
    assert.equal(await errorCode(s.conn, 'initialize', INIT), undefined);
    assert.deepEqual(await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: URI } }), []);
  } finally {
    s.proc.kill();
  }
});

test('an initialize whose roots are of the wrong type fails with InvalidParams (-32602), and a correct one after it is taken', async () => {
  const s = bare();
  try {
    for (const wrong of [{ workspaceFolders: 'abc' }, { workspaceFolders: [{ uri: 5, name: 'x' }] }, { rootUri: 7 }, { rootPath: 7 }])
      assert.equal(await errorCode(s.conn, 'initialize', { ...INIT, ...wrong }), -32602, JSON.stringify(wrong));
    assert.equal(await errorCode(s.conn, 'initialize', INIT), undefined);
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: TEXT } });
    assert.ok((await s.conn.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } })).length > 0);
  } finally {
    s.proc.kill();
  }
});

test('a method name of 100,000 characters is answered MethodNotFound with the name cut to its ends and its length, before and after initialize, and the server goes on', async () => {
  const s = bare();
  const long = `x${'y'.repeat(100_000)}z`;
  /** The error message a request is answered with. */
  const message = async (method: string): Promise<string> => {
    try {
      await s.conn.sendRequest(method);
    } catch (e) {
      assert.ok(e instanceof ResponseError, String(e));
      return e.message;
    }
    assert.fail(`${method.slice(0, 20)} succeeded`);
  };
  try {
    const cut = `x${'y'.repeat(99)}…${'y'.repeat(99)}z (100,002 characters)`;
    assert.equal(await message(long), `${cut}: the server is not initialized yet (send "initialize" first)`);
    assert.equal(await errorCode(s.conn, 'initialize', INIT), undefined);
    assert.equal(await message(long), `Unhandled method ${cut}`);
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: TEXT } });
    assert.ok((await s.conn.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } })).length > 0);
  } finally {
    s.proc.kill();
  }
});

test('a second initialize fails with InvalidRequest (-32600) and the server goes on answering', async () => {
  const s = bare();
  try {
    assert.equal(await errorCode(s.conn, 'initialize', INIT), undefined);
    assert.equal(await errorCode(s.conn, 'initialize', INIT), -32600);
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: TEXT } });
    const symbols = await s.conn.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    assert.ok(symbols.length > 0);
  } finally {
    s.proc.kill();
  }
});

test('after shutdown every request fails with InvalidRequest (-32600); exit still ends the server with 0', async () => {
  const s = bare();
  assert.equal(await errorCode(s.conn, 'initialize', INIT), undefined);
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: TEXT } });
  assert.ok((await s.conn.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } })).length > 0);
  assert.equal(await errorCode(s.conn, 'shutdown'), undefined);
  assert.equal(await errorCode(s.conn, 'textDocument/documentSymbol', { textDocument: { uri: URI } }), -32600);
  assert.equal(await errorCode(s.conn, 'textDocument/hover', { textDocument: { uri: URI }, position: { line: 3, character: 14 } }), -32600);
  await s.conn.sendNotification('exit');
  assert.equal(await s.exited, 0);
  children.delete(s.proc);
});

test('a request without the params its handler reads fails with InvalidParams (-32602); positions must be LSP uintegers', async () => {
  const lsp = await startServer();
  try {
    await open(lsp, URI, TEXT);
    const doc = { textDocument: { uri: URI } };
    const bad: [string, unknown][] = [
      ['textDocument/hover', doc],
      ['textDocument/hover', { ...doc, position: { line: 3 } }],
      ['textDocument/hover', { ...doc, position: { line: 3, character: -1 } }],
      ['textDocument/hover', { ...doc, position: { line: -1, character: 0 } }],
      ['textDocument/hover', { ...doc, position: { line: 0.5, character: 0 } }],
      ['textDocument/hover', { ...doc, position: { line: 0, character: 2 ** 31 } }],
      ['textDocument/hover', { position: { line: 0, character: 0 } }],
      ['textDocument/completion', { ...doc, position: { line: '1', character: 0 } }],
      ['textDocument/definition', doc],
      ['textDocument/references', { ...doc, position: { line: 2, character: 14 } }],
      ['textDocument/codeAction', { ...doc, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
      ['textDocument/codeAction', { ...doc, range: { start: { line: 0, character: 0 } }, context: { diagnostics: [] } }],
      ['textDocument/formatting', doc],
      ['textDocument/documentSymbol', {}],
      ['textDocument/documentHighlight', doc],
      ['textDocument/prepareRename', { ...doc, position: { line: 0 } }],
      ['textDocument/rename', { ...doc, position: { line: 0, character: 5 } }],
      ['textDocument/rename', { ...doc, position: { line: 0, character: 5 }, newName: 7 }],
      ['textDocument/documentLink', {}],
    ];
    for (const [method, params] of bad) assert.equal(await errorCode(lsp.conn, method, params), -32602, `${method} ${JSON.stringify(params)}`);
    // the same requests with their params whole are answered
    const refs = await lsp.conn.sendRequest<Location[]>('textDocument/references', {
      ...doc,
      position: { line: 2, character: 14 },
      context: { includeDeclaration: true },
    });
    assert.equal(refs.length, 3);
    const edit = await lsp.conn.sendRequest<{ changes: Record<string, unknown[]> }>('textDocument/rename', {
      ...doc,
      position: { line: 0, character: 5 },
      newName: 'nic1',
    });
    assert.equal(edit.changes[URI]!.length, 3);
    assert.deepEqual(lsp.errors(), []);
  } finally {
    await lsp.close();
  }
});

test('a malformed notification the library handles (save, trace, watched files, folders) is dropped and said, never a handler TypeError; willSaveWaitUntil without its params is InvalidParams', async () => {
  const lsp = await startServer(null, null, {}, [], { capabilities: { workspace: { workspaceFolders: true } } });
  try {
    await open(lsp, URI, TEXT);
    const malformed: [string, unknown][] = [
      ['textDocument/didSave', {}],
      ['textDocument/didSave', { textDocument: null }],
      ['textDocument/willSave', { textDocument: { uri: URI } }],
      ['textDocument/willSave', []],
      ['$/setTrace', {}],
      ['workspace/didChangeWatchedFiles', {}],
      ['workspace/didChangeWatchedFiles', { changes: [{ uri: 5, type: 1 }] }],
      ['workspace/didChangeWatchedFiles', { changes: 'x' }],
      ['workspace/didChangeWorkspaceFolders', {}],
      ['workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: 7, name: 'x' }], removed: [] } }],
      ['workspace/didChangeWorkspaceFolders', { event: { added: [], removed: null } }],
    ];
    for (const [method, params] of malformed) await lsp.conn.sendNotification(method, params);
    assert.equal(await errorCode(lsp.conn, 'textDocument/willSaveWaitUntil', {}), -32602);
    assert.equal(await errorCode(lsp.conn, 'textDocument/willSaveWaitUntil', { textDocument: { uri: URI }, reason: 1 }), undefined);
    // Answered after every notification above was read: each has said its word by now.
    assert.ok((await lsp.conn.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } })).length > 0);
    assert.equal(lsp.errors().length, malformed.length);
    for (const [i, e] of lsp.errors().entries())
      assert.match(e, /^vPCI Lab language server: \S+: params.* the notification was not handled\.$/, `${JSON.stringify(malformed[i])}: ${e}`);
    // Well-formed ones are still taken.
    await lsp.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file:///virtual/x.lspci', type: 2 }] });
    await lsp.conn.sendNotification('textDocument/didSave', { textDocument: { uri: URI } });
    assert.ok((await lsp.conn.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } })).length > 0);
    assert.equal(lsp.errors().length, malformed.length);
  } finally {
    await lsp.close();
  }
});

test('a client that names no capabilities gets the forms LSP owes it: flat symbols, no CodeAction literals, kinds of the first protocol, related information in the message', async () => {
  const s = bare();
  try {
    const init = await s.conn.sendRequest<{ capabilities: { codeActionProvider?: unknown } }>('initialize', INIT);
    assert.equal(init.capabilities.codeActionProvider, true);
    const text = [
      'vm {',
      '  host hyperv-2016',
      '  guest freebsd',
      '  quirk short-packet-drop off',
      '  quirk short-packet-drop on',
      '}',
      'bus nic0 { function 0 intel-82599-vff }',
      'at 0 boot',
      '',
    ].join('\n');
    const published = new Promise<{ diagnostics: { code?: unknown; message: string; relatedInformation?: unknown; range: unknown }[] }>((res) =>
      s.conn.onNotification('textDocument/publishDiagnostics', res),
    );
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text } });
    const d = (await published).diagnostics;
    const dup = d.find((x) => x.code === 'duplicate-quirk')!;
    assert.equal(dup.relatedInformation, undefined);
    assert.match(dup.message, / \(line 4: .+\)$/);
    assert.ok(d.every((x) => x.relatedInformation === undefined));
    // SymbolInformation: a location and the name of the symbol it is in, no children.
    const symbols = await s.conn.sendRequest<{ name: string; kind: number; location?: { uri: string }; containerName?: string; children?: unknown }[]>(
      'textDocument/documentSymbol',
      { textDocument: { uri: URI } },
    );
    assert.ok(symbols.length > 3);
    for (const x of symbols) {
      assert.equal(x.location?.uri, URI, JSON.stringify(x));
      assert.equal(x.children, undefined);
      assert.ok(x.kind >= 1 && x.kind <= 18, JSON.stringify(x));
    }
    assert.ok(symbols.some((x) => x.containerName === 'vm'));
    // The quick fix for the slip in the device name is a CodeAction literal: none for this client.
    const slip = d.find((x) => x.code === 'unknown-device')!;
    assert.deepEqual(
      await s.conn.sendRequest('textDocument/codeAction', {
        textDocument: { uri: URI },
        range: slip.range,
        context: { diagnostics: [slip] },
      }),
      [],
    );
    // Completion after 'at 0 ' (events, whose kind is Event) and 'function 0 ' (devices): kinds 1 … 18 only.
    for (const position of [
      { line: 7, character: 5 },
      { line: 6, character: 22 },
    ]) {
      const items = await s.conn.sendRequest<{ kind?: number }[]>('textDocument/completion', { textDocument: { uri: URI }, position });
      assert.ok(items.length > 0);
      for (const it of items) assert.ok(it.kind === undefined || (it.kind >= 1 && it.kind <= 18), JSON.stringify(it));
    }
  } finally {
    s.proc.kill();
  }
});

test('a client that takes CodeAction literals but not isPreferred gets its quick fixes without it', async () => {
  const lsp = await startServer(null, null, { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } });
  try {
    const d = await open(lsp, URI, 'bus nic0 { function 0 intel-82599-vff }\nat 0 boot\n');
    const slip = d.diagnostics.find((x) => x.code === 'unknown-device')!;
    const actions = await lsp.conn.sendRequest<{ title: string; isPreferred?: boolean }[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: slip.range,
      context: { diagnostics: [slip] },
    });
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        ["Change to 'intel-82599-vf'", undefined],
        ["Change to 'intel-82599-pf'", undefined],
      ],
    );
  } finally {
    await lsp.close();
  }
});

// The timeout only ends a regression (a hover walking 2^31 characters) as a failure instead of a hung run; nothing is timed.
test(
  'a position past its line or past the text means the end (LSP): hovers at character 2^31-1 answer as at the line end, and so do the other requests',
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      await open(lsp, URI, TEXT);
      const doc = { textDocument: { uri: URI } };
      const far = 2 ** 31 - 1;
      // `expect nic0 attached` is 20 characters: at its end the cursor touches `attached`, whose range ends at 20
      for (const character of [20, 100, 1e8, far]) {
        const h = await lsp.conn.sendRequest<Hover | null>('textDocument/hover', { ...doc, position: { line: 3, character } });
        assert.match(JSON.stringify(h?.contents), /attached/, String(character));
        assert.deepEqual(h?.range, { start: { line: 3, character: 12 }, end: { line: 3, character: 20 } }, String(character));
      }
      // past the last line: the end of the text (an empty last line) holds nothing
      assert.equal(await lsp.conn.sendRequest('textDocument/hover', { ...doc, position: { line: far, character: far } }), null);
      assert.equal(await lsp.conn.sendRequest('textDocument/hover', { ...doc, position: { line: 50, character: 1e8 } }), null);
      // `at 1ms eject nic0` ends with the bus name: far past the end still points at it
      const def = await lsp.conn.sendRequest<Location[]>('textDocument/definition', { ...doc, position: { line: 2, character: far } });
      assert.deepEqual(def[0]?.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 8 } });
      const refs = await lsp.conn.sendRequest<Location[]>('textDocument/references', {
        ...doc,
        position: { line: 2, character: far },
        context: { includeDeclaration: false },
      });
      assert.equal(refs.length, 2);
      // completion at the end of the text: the top-level statements
      const items = await lsp.conn.sendRequest<CompletionItem[]>('textDocument/completion', { ...doc, position: { line: far, character: far } });
      assert.ok(
        ['vm', 'bus', 'at', 'expect'].every((k) => items.some((i) => i.label === k)),
        JSON.stringify(items.map((i) => i.label)),
      );
      // and a hover in the text is still answered as before
      const h = await lsp.conn.sendRequest<Hover | null>('textDocument/hover', { ...doc, position: { line: 0, character: 5 } });
      assert.deepEqual(h?.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 8 } });
    } finally {
      await lsp.close();
    }
  },
);

test('completion answers the same whether lines end with \\n, \\r\\n or a lone \\r', async () => {
  const lsp = await startServer();
  try {
    const lines = ['vm {', '  host hyperv-2016', '  guest ', '}', 'bus nic0 { function 0 intel-82599-vf }', 'at 0 boot', 'bus b2 {', '  function 1 ', '}'];
    const at = [
      { line: 2, character: 8, has: 'linux', not: 'cpus' },
      { line: 7, character: 13, has: 'intel-82599-vf', not: 'function' },
    ];
    for (const eol of ['\n', '\r\n', '\r']) {
      const uri = `file:///virtual/eol-${JSON.stringify(eol).replace(/\W/g, '')}.vpci`;
      await open(lsp, uri, lines.join(eol) + eol);
      for (const p of at) {
        const items = await lsp.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: p });
        const labels = items.map((i) => i.label);
        assert.ok(labels.includes(p.has) && !labels.includes(p.not), `${JSON.stringify(eol)} ${lines[p.line]}: ${JSON.stringify(labels)}`);
      }
    }
  } finally {
    await lsp.close();
  }
});

test('an exception no handler caught is one line in the client log, never its stack, and the server goes on', async () => {
  // Thrown in the server's own thread (not its analysis worker) once it runs, as a bug in a timer would be.
  const dir = mkdtempSync(join(tmpdir(), 'vpci-uncaught-'));
  const preload = join(dir, 'throw.cjs');
  writeFileSync(
    preload,
    "if (require('node:worker_threads').isMainThread) setTimeout(() => { throw new Error('probe failure\\n    at nowhere (x.js:1:1)'); }, 100);\n",
  );
  const lsp = await startServer(null, null, {}, ['--require', preload]);
  try {
    while (!lsp.errors().some((m) => m.includes('probe failure'))) await new Promise((r) => setTimeout(r, 20));
    const said = lsp.errors().filter((m) => m.includes('probe failure'));
    assert.equal(said.length, 1);
    assert.doesNotMatch(said[0]!, /\n|\bat nowhere\b|x\.js/);
    assert.match(said[0]!, /uncaught probe failure/);
    assert.match((await open(lsp, URI, TEXT)).uri, /\.vpci$/);
  } finally {
    await lsp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('positions are UTF-16 code units, and the server says so (positionEncoding) whatever encodings the client offers: diagnostics, links, hovers, completion edits and quick fixes after emoji and CJK', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-utf16-'));
  copyFileSync('examples/devices/nvidia-tu102-gpu.lspci', join(dir, '😀漢.lspci'));
  const lsp = await startServer(pathToFileURL(dir).href, null, {}, [], { capabilities: { general: { positionEncodings: ['utf-8', 'utf-32', 'utf-16'] } } });
  try {
    assert.equal(lsp.capabilities.positionEncoding, 'utf-16');
    const bars = 'select 02:00.0 bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K';
    const lines = [
      'bus g😀 { function 0 intel-82599-vf }',
      `bus nic1 { function 0 dump "😀漢.lspci" ${bars} serial 1 }`,
      'bus nic2 { function 0 "漢😀" intel-82599-vf }',
      `bus nic3 { function 0 dump "😀漢.lspci" ${bars} serail 2 }`,
      'at 0 boot',
      '',
    ];
    const uri = pathToFileURL(join(dir, 'u.vpci')).href;
    const d = (await open(lsp, uri, lines.join('\n'))).diagnostics;
    /** The text a range covers, read in UTF-16 units as JavaScript strings are. */
    const covered = (r: Range): string => lines[r.start.line]!.slice(r.start.character, r.end.character);
    assert.deepEqual(
      d.map((x) => covered(x.range)),
      ['😀', '"漢😀"', 'serail'],
    );
    const links = await lsp.conn.sendRequest<{ range: Range }[]>('textDocument/documentLink', { textDocument: { uri } });
    assert.deepEqual(
      links.map((l) => covered(l.range)),
      // nic3's statement, with its slip, reads no file.
      ['😀漢.lspci'],
    );
    const at = (line: number, text: string): { textDocument: { uri: string }; position: { line: number; character: number } } => ({
      textDocument: { uri },
      position: { line, character: lines[line]!.indexOf(text) + 1 },
    });
    const h = await lsp.conn.sendRequest<Hover>('textDocument/hover', at(1, '16M'));
    assert.equal(covered(h.range!), '16M');
    const items = await lsp.conn.sendRequest<CompletionItem[]>('textDocument/completion', at(1, 'serial'));
    const edit = items.find((i) => i.label === 'serial')?.textEdit as { range: Range } | undefined;
    assert.equal(edit && covered(edit.range), 'serial');
    const slip = d.find((x) => covered(x.range) === 'serail')!;
    const fixes = await lsp.conn.sendRequest<{ edit: { changes: Record<string, { range: Range; newText: string }[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: slip.range,
      context: { diagnostics: [slip] },
    });
    assert.deepEqual(
      fixes[0]?.edit.changes[uri]?.map((e) => [covered(e.range), e.newText]),
      [['serail', 'serial']],
    );
  } finally {
    await lsp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
