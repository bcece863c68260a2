// The browser bundles as VS Code for the Web runs them, in a V8 context with
// none of Node's globals (no require but `vscode`, no process, no Buffer, no
// setImmediate): dist/web/extension.js loads as the web worker extension host
// loads a CommonJS module and exports activate/deactivate; dist/web/server.js
// runs as a worker script, answers LSP initialize, publishes diagnostics for a
// vscode-remote: document, reads the dump file a scenario names by asking its client
// (`vpci/readFile`), reports a missing dump by the path as written, and links the
// dump it read by its URI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';

const built = existsSync('dist/web/extension.js') && existsSync('dist/web/server.js');
const skip = built ? false : 'needs npm run build';

/** What a browser worker has of the globals these bundles use. */
const browserGlobals = () => ({
  console,
  URL,
  Blob,
  TextDecoder,
  TextEncoder,
  MessageChannel,
  setTimeout,
  clearTimeout,
  setInterval,
  clearInterval,
  queueMicrotask,
  atob,
  btoa,
  crypto,
});

test('dist/web/extension.js loads without Node and exports activate and deactivate', { skip }, () => {
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- any vscode member is a class the bundle may extend or construct
  const vscode = new Proxy({}, { get: (_t, k) => (k === '__esModule' ? true : class {}) });
  const mod = { exports: {} as Record<string, unknown> };
  const required: string[] = [];
  const ctx = createContext({
    ...browserGlobals(),
    module: mod,
    exports: mod.exports,
    require: (m: string) => {
      required.push(m);
      if (m === 'vscode') return vscode;
      throw new Error(`the web bundle requires '${m}'`);
    },
  });
  runInContext(readFileSync('dist/web/extension.js', 'utf8'), ctx, { filename: 'dist/web/extension.js' });
  assert.equal(typeof mod.exports.activate, 'function');
  assert.equal(typeof mod.exports.deactivate, 'function');
  assert.deepEqual([...new Set(required)], ['vscode']);
  for (const g of ['process', 'Buffer', 'setImmediate', '__dirname']) assert.equal(g in ctx, false, `${g} leaked into the context`);
});

interface Msg {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
}

test('dist/web/server.js serves LSP in a worker scope and reads dumps through its client', { skip }, async () => {
  const sent: Msg[] = [];
  const waiters: (() => void)[] = [];
  const scope: Record<string, unknown> = {
    ...browserGlobals(),
    name: JSON.stringify({ scheme: 'vscode-remote', authority: 'h:1' }),
    addEventListener: () => {},
    postMessage: (m: Msg) => {
      sent.push(m);
      for (const w of waiters.splice(0)) w();
    },
  };
  scope.self = scope;
  const ctx = createContext(scope);
  runInContext(readFileSync('dist/web/server.js', 'utf8'), ctx, { filename: 'dist/web/server.js' });
  const deliver = (m: Msg) => (scope.onmessage as (e: { data: Msg }) => void)({ data: m });
  const until = async (pred: (m: Msg) => boolean): Promise<Msg> => {
    for (let i = 0; i < 200; i++) {
      const m = sent.find(pred);
      if (m) return m;
      await new Promise<void>((r) => waiters.push(r));
    }
    throw new Error('no such message');
  };
  assert.equal(typeof scope.onmessage, 'function', 'the server listens on the worker scope');
  deliver({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      processId: null,
      rootUri: null,
      capabilities: { textDocument: { documentLink: { tooltipSupport: true } } },
      workspaceFolders: [{ uri: 'vscode-remote://h:1/ws', name: 'ws' }],
    },
  });
  const init = await until((m) => m.id === 1 && m.result !== undefined);
  assert.ok((init.result as { capabilities: { hoverProvider?: boolean } }).capabilities.hoverProvider);
  deliver({ jsonrpc: '2.0', method: 'initialized', params: {} });
  const text =
    'vm {\n  host hyperv-2022\n  guest linux\n}\nbus nic0 {\n  function 0 dump "devices/gpu.lspci"\n  function 1 dump "devices/none.lspci"\n}\nat 0 boot\n';
  deliver({
    jsonrpc: '2.0',
    method: 'textDocument/didOpen',
    params: { textDocument: { uri: 'vscode-remote://h:1/ws/lab/a.vpci', languageId: 'vpci', version: 1, text } },
  });
  // The server asks its client for the dump files, by the paths of the workspace's origin.
  const ask = await until((m) => m.method === 'vpci/realPath' || m.method === 'vpci/readFile');
  const asked: string[] = [];
  const dump = readFileSync('examples/devices/nvidia-tu102-gpu.lspci');
  // Answer every file request as the client would: the GPU dump exists, the other does not.
  let answered = 0;
  const serve = async () => {
    for (;;) {
      const q = sent.filter((m) => (m.method === 'vpci/realPath' || m.method === 'vpci/readFile') && m.id !== undefined).slice(answered);
      if (!q.length) return;
      for (const m of q) {
        answered++;
        const path = String(m.params!.path);
        asked.push(`${m.method} ${path}`);
        const exists = path === '/ws/lab/devices/gpu.lspci' || path === '/ws/lab' || path === '/ws';
        const result = !exists ? { problem: 'missing', reason: 'no such file' } : m.method === 'vpci/realPath' ? { ok: path } : { ok: dump.toString('base64') };
        deliver({ jsonrpc: '2.0', id: m.id!, result });
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  assert.ok(ask);
  let diags: Msg | undefined;
  for (let i = 0; i < 100 && !diags; i++) {
    await serve();
    diags = sent.find((m) => m.method === 'textDocument/publishDiagnostics');
    if (!diags) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(diags, `diagnostics published (asked: ${asked.join(', ')})`);
  assert.ok(
    asked.some((a) => a === 'vpci/readFile /ws/lab/devices/gpu.lspci'),
    asked.join(', '),
  );
  const messages = (diags.params!.diagnostics as { message: string; code?: string }[]).map((d) => `${d.code}: ${d.message}`);
  assert.ok(
    messages.some((m) => /dump-missing/.test(m) && m.includes('devices/none.lspci')),
    messages.join('\n'),
  );
  // the GPU dump was read and checked: its device (02:00.0, from the dump's text) is named, and it is not missing
  assert.ok(
    messages.some((m) => m.includes('devices/gpu.lspci: 02:00.0')),
    messages.join('\n'),
  );
  assert.ok(!messages.some((m) => /dump-(missing|unreadable)/.test(m) && m.includes('devices/gpu.lspci')), messages.join('\n'));
  assert.equal(diags.params!.uri, 'vscode-remote://h:1/ws/lab/a.vpci');
  // The dump read is a link to it, by the URI of the workspace's origin; the missing one is none.
  deliver({ jsonrpc: '2.0', id: 2, method: 'textDocument/documentLink', params: { textDocument: { uri: 'vscode-remote://h:1/ws/lab/a.vpci' } } });
  const links = await until((m) => m.id === 2 && m.result !== undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(links.result)), [
    {
      range: { start: { line: 5, character: 19 }, end: { line: 5, character: 36 } },
      target: 'vscode-remote://h:1/ws/lab/devices/gpu.lspci',
      tooltip: 'Open gpu.lspci',
    },
  ]);
});
