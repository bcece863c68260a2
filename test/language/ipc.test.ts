// The extension's LanguageClient starts the server with TransportKind.ipc
// (`--node-ipc`): the same bundle must speak LSP over the Node IPC channel, and over the
// socket and pipe transports other clients use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  SocketMessageReader,
  SocketMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { serverBundle } from './client';

test('server over --node-ipc: initialize, diagnostics with a range, shutdown', async () => {
  const proc = fork(serverBundle(), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = createProtocolConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
  const diags = new Promise<PublishDiagnosticsParams>((resolve) => conn.onNotification('textDocument/publishDiagnostics', resolve));
  conn.listen();
  try {
    const init = await conn.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } } },
    });
    assert.equal(init.capabilities.hoverProvider, true);
    assert.equal((init.capabilities.textDocumentSync as { change: number }).change, 2); // incremental
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'file:///ipc/a.vpci', languageId: 'vpci', version: 1, text: 'vm {\n  host hyperv-2099\n}\n' },
    });
    const d = await diags;
    assert.equal(d.diagnostics[0]?.code, 'unknown-profile');
    assert.deepEqual(d.diagnostics[0]?.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 18 } });
    // With snippet support, the top level offers block templates; expanded with their
    // defaults, they make a scenario without errors.
    const items = await conn.sendRequest<
      {
        label: string;
        insertText?: string;
        insertTextFormat?: number;
      }[]
    >('textDocument/completion', { textDocument: { uri: 'file:///ipc/a.vpci' }, position: { line: 3, character: 0 } });
    const snippets = items.filter((i) => i.insertTextFormat === 2);
    assert.deepEqual(
      snippets.map((i) => i.label),
      ['vm block', 'bus block', 'boot', 'fault', 'hot-plug'],
    );
    const expanded = snippets.map((i) => i.insertText!.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')).join('');
    const next = new Promise<PublishDiagnosticsParams>((resolve) => conn.onNotification('textDocument/publishDiagnostics', resolve));
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///ipc/b.vpci', languageId: 'vpci', version: 1, text: expanded } });
    assert.deepEqual((await next).diagnostics, [], expanded);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
  } finally {
    conn.dispose();
    await new Promise<void>((r) => {
      if (proc.exitCode !== null) return r();
      const t = setTimeout(() => {
        proc.kill();
        r();
      }, 2000);
      proc.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
});

/**
 * The server connects to a socket or named pipe the client listens on (vscode-languageserver's
 * --socket=N and --pipe=NAME). The same door as over stdio and IPC (language/protocol-gate.ts):
 * a request before initialize fails with -32002, one without the params its handler reads with -32602.
 */
async function overTransport(args: (where: string | number) => string[], listen: (s: Server) => Promise<string | number>): Promise<void> {
  const server = createServer();
  const where = await listen(server);
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const proc = spawn(process.execPath, [serverBundle(), ...args(where)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += String(d)));
  const socket = await accepted;
  const conn = createProtocolConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  conn.listen();
  const code = (method: string, params: unknown): Promise<number | undefined> =>
    conn.sendRequest(method, params).then(
      () => undefined,
      (e: unknown) => (e as { code?: number }).code,
    );
  try {
    assert.equal(await code('textDocument/hover', { textDocument: { uri: 'file:///t/a.vpci' }, position: { line: 0, character: 0 } }), -32002);
    const init = await conn.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(init.capabilities.hoverProvider, true);
    await conn.sendNotification('initialized', {});
    assert.equal(await code('textDocument/hover', { textDocument: { uri: 'file:///t/a.vpci' } }), -32602);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    const exit = await new Promise<number | null>((r) => (proc.exitCode !== null ? r(proc.exitCode) : proc.once('exit', r)));
    assert.equal(exit, 0, err);
  } finally {
    conn.dispose();
    socket.destroy();
    server.close();
    if (proc.exitCode === null) proc.kill();
  }
}

test('server over --socket=N: the same lifecycle and params checks as stdio', async () => {
  await overTransport(
    (port) => [`--socket=${port}`],
    (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port))),
  );
});

test('server over --socket N with trailing characters (the port as the library reads it): still through the gate', async () => {
  await overTransport(
    (port) => ['--socket', `${port}x`],
    (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port))),
  );
});

test('server over --pipe NAME: the same lifecycle and params checks as stdio', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-pipe-'));
  try {
    const path = join(dir, 'lsp.sock');
    await overTransport(
      (p) => ['--pipe', String(p)],
      (s) => new Promise((resolve) => s.listen(path, () => resolve(path))),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
