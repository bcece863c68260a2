// The extension's LanguageClient starts the server with TransportKind.ipc
// (`--node-ipc`): the same bundle must speak LSP over the Node IPC channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
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
      ['vm block', 'bus block', 'fault', 'hot-plug'],
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
