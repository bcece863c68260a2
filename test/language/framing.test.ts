// The language server over stdio reads its frames through io/frames.ts: a malformed frame is
// reported (window/logMessage, an error), a request its broken frame still names is answered
// with a JSON-RPC parse error, and the server goes on answering — where vscode-jsonrpc's own
// reader stopped reading for good. The end of input ends the process as before: exit code 0
// after shutdown, 1 without.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { serverBundle } from './client';

const children = new Set<ChildProcess>();
after(() => children.forEach((c) => c.kill()));

interface RpcMessage {
  id?: number | string | null;
  method?: string;
  result?: unknown;
  error?: { code: number; message: string };
  params?: { type?: number; message?: string; uri?: string; version?: number; diagnostics?: { code?: string }[] };
}

/** A server over raw stdio: bytes in, framed messages out. */
function server(): { proc: ChildProcess; write(s: string): void; msgs: RpcMessage[]; until(ok: () => boolean): Promise<void>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [serverBundle(), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  const msgs: RpcMessage[] = [];
  let buf = Buffer.alloc(0);
  proc.stdout.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.toString('latin1', 0, h))![1]);
      if (buf.length < h + 4 + len) return;
      msgs.push(JSON.parse(buf.toString('utf8', h + 4, h + 4 + len)) as RpcMessage);
      buf = buf.subarray(h + 4 + len);
    }
  });
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  return {
    proc,
    msgs,
    exited,
    write: (s) => proc.stdin.write(s),
    until: async (ok) => {
      for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(ok(), `waited 20 s; got ${JSON.stringify(msgs).slice(0, 2000)}`);
    },
  };
}

const frame = (m: object, extra = 0): string => {
  const json = JSON.stringify(m);
  return `Content-Length: ${Buffer.byteLength(json) + extra}\r\n\r\n${json}`;
};
const request = (id: number, method: string, params: object = {}): object => ({ jsonrpc: '2.0', id, method, params });

test('malformed frames are reported, a broken request is answered with a parse error, and the server goes on; exit 0 after shutdown and exit', async () => {
  const s = server();
  s.write(frame(request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} })));
  await s.until(() => s.msgs.some((m) => m.id === 1));
  s.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
  // Not JSON, a header without Content-Length, a request whose Content-Length is too short.
  s.write('Content-Length: 5\r\n\r\n{bad}');
  s.write('X-Nothing: here\r\n\r\n');
  const broken = JSON.stringify(request(2, 'textDocument/hover', { textDocument: { uri: 'file:///x.vpci' }, position: { line: 0, character: 0 } }));
  s.write(`Content-Length: ${broken.length - 6}\r\n\r\n${broken}`);
  // A request by its id whose method is no string: answered, so its client does not wait for ever.
  s.write(frame({ jsonrpc: '2.0', id: 4, method: 5, params: {} }));
  s.write(frame(request(3, 'shutdown')));
  await s.until(() => s.msgs.some((m) => m.id === 3));
  const refused = s.msgs.find((m) => m.id === 2);
  assert.ok(refused?.error, 'the broken request is answered');
  assert.equal(refused.error.code, -32700);
  assert.match(refused.error.message, /^textDocument\/hover: not run, its frame was malformed/);
  assert.deepEqual(s.msgs.find((m) => m.id === 4)?.error, {
    code: -32700,
    message: 'request 4: not run, its frame was malformed (a message whose "method" is not a string)',
  });
  const said = s.msgs.filter((m) => m.method === 'window/logMessage' && /malformed LSP input/.test(m.params?.message ?? ''));
  assert.ok(said.length >= 2, JSON.stringify(said)); // the header without Content-Length is skipped with the first broken frame
  for (const m of said) assert.equal(m.params?.type, 1);
  assert.deepEqual(s.msgs.find((m) => m.id === 3)?.result, null, 'shutdown answered after the broken frames');
  s.write(frame({ jsonrpc: '2.0', method: 'exit' }));
  assert.equal(await s.exited, 0);
  children.delete(s.proc);
});

test('the end of input ends the server: exit code 1 without shutdown, after a broken last frame is answered', async () => {
  const s = server();
  s.write(frame(request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} })));
  await s.until(() => s.msgs.some((m) => m.id === 1));
  s.proc.stdin!.end(frame(request(2, 'textDocument/hover', {}), 30));
  assert.equal(await s.exited, 1);
  children.delete(s.proc);
  assert.equal(s.msgs.find((m) => m.id === 2)?.error?.code, -32700, 'the truncated request is answered before the exit');
});

test('a request whose params are null (or not an object or array) is answered with an invalid-params error, and the server goes on', async () => {
  const s = server();
  s.write(frame(request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} })));
  await s.until(() => s.msgs.some((m) => m.id === 1));
  s.write(frame({ jsonrpc: '2.0', id: 2, method: 'textDocument/hover', params: null }));
  s.write(frame({ jsonrpc: '2.0', id: 3, method: 'textDocument/completion', params: 5 }));
  s.write(frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: null }));
  s.write(frame(request(4, 'shutdown')));
  await s.until(() => s.msgs.some((m) => m.id === 4));
  assert.equal(s.msgs.find((m) => m.id === 2)?.error?.code, -32602);
  assert.match(s.msgs.find((m) => m.id === 2)!.error!.message, /^textDocument\/hover: "params" is null; it must be an object or an array$/);
  assert.match(s.msgs.find((m) => m.id === 3)!.error!.message, /"params" is number/);
  assert.ok(s.msgs.some((m) => m.method === 'window/logMessage' && /didOpen: "params" is null/.test(m.params?.message ?? '')));
  assert.equal(s.msgs.find((m) => m.id === 4)?.result, null);
  s.write(frame({ jsonrpc: '2.0', method: 'exit' }));
  assert.equal(await s.exited, 0);
  children.delete(s.proc);
});

test('shutdown and exit written with "params": null (as lsp4j writes them) are honoured: the server ends with 0', async () => {
  const s = server();
  s.write(frame(request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} })));
  await s.until(() => s.msgs.some((m) => m.id === 1));
  s.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: null }));
  await s.until(() => s.msgs.some((m) => m.id === 2));
  assert.equal(s.msgs.find((m) => m.id === 2)?.error, undefined);
  s.write(frame({ jsonrpc: '2.0', method: 'exit', params: null }));
  assert.equal(await s.exited, 0);
  children.delete(s.proc);
});

test('initialize without capabilities (LSP requires them; a client may leave them out) is answered with the server’s capabilities', async () => {
  const s = server();
  s.write(frame(request(1, 'initialize', { processId: null, rootUri: null })));
  await s.until(() => s.msgs.some((m) => m.id === 1));
  const r = s.msgs.find((m) => m.id === 1)!;
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  assert.ok((r.result as { capabilities?: object }).capabilities);
  s.proc.kill();
  children.delete(s.proc);
});

test('a request with malformed parameters is refused with invalid params in one line, without a stack trace, and the server goes on', async () => {
  const s = server();
  s.write(frame(request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} })));
  await s.until(() => s.msgs.some((m) => m.id === 1));
  s.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
  s.write(frame(request(2, 'textDocument/hover', { position: { line: 'x', character: 1.5 } })));
  s.write(frame(request(3, 'shutdown')));
  await s.until(() => s.msgs.some((m) => m.id === 3));
  // Refused at the door (language/protocol-gate.ts) before a handler could fail on it.
  const refused = s.msgs.find((m) => m.id === 2)?.error;
  assert.equal(refused?.code, -32602);
  assert.match(refused.message, /^textDocument\/hover: params\.textDocument is not an object$/);
  const logged = s.msgs.filter((m) => m.method === 'window/logMessage' && m.params?.type === 1).map((m) => m.params!.message!);
  for (const l of [...logged, refused.message]) {
    assert.equal(l.split('\n').length, 1, l);
    assert.doesNotMatch(l, /\bat .*\.js:\d+/, l);
  }
  s.write(frame({ jsonrpc: '2.0', method: 'exit' }));
  assert.equal(await s.exited, 0);
  children.delete(s.proc);
});

test('a didChange for a document that is not open (never opened, or closed) is logged in one line naming it; the open one changes', async () => {
  const s = server();
  s.write(frame(request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} })));
  await s.until(() => s.msgs.some((m) => m.id === 1));
  s.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
  const note = (method: string, params: object): void => s.write(frame({ jsonrpc: '2.0', method, params }));
  const change = (uri: string, version: number, text: string): void =>
    note('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  note('textDocument/didOpen', { textDocument: { uri: 'file:///a.vpci', languageId: 'vpci', version: 1, text: '' } });
  change('file:///never.vpci', 2, 'at 0 boot\n');
  change('file:///a.vpci', 2, 'vm { cpus 999 }\n');
  await s.until(() => s.msgs.some((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.version === 2));
  const published = s.msgs.find((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.version === 2)!;
  assert.deepEqual([published.params!.uri, published.params!.diagnostics!.map((d) => d.code)], ['file:///a.vpci', ['out-of-range']]);
  note('textDocument/didClose', { textDocument: { uri: 'file:///a.vpci' } });
  change('file:///a.vpci', 3, 'at 0 boot\n');
  s.write(frame(request(2, 'shutdown')));
  await s.until(() => s.msgs.some((m) => m.id === 2));
  const logged = s.msgs.filter((m) => m.method === 'window/logMessage' && m.params?.type === 1).map((m) => m.params!.message!);
  assert.deepEqual(logged, [
    'vPCI Lab language server: textDocument/didChange: file:///never.vpci is not open (no didOpen came for it); the notification was not handled.',
    'vPCI Lab language server: textDocument/didChange: file:///a.vpci is not open (no didOpen came for it); the notification was not handled.',
  ]);
  s.write(frame({ jsonrpc: '2.0', method: 'exit' }));
  assert.equal(await s.exited, 0);
  children.delete(s.proc);
});
