// A real LSP client for the tests: bundles language/server.ts with esbuild (the
// same options as esbuild.config.mjs, into a temp dir so the test never runs a
// stale dist/), spawns `node server.js --stdio`, and talks JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildSync } from 'esbuild';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver-protocol/node';

let bundled: string | undefined;

/** The server bundle, built once per test process. */
export function serverBundle(): string {
  if (bundled) return bundled;
  const dir = mkdtempSync(join(tmpdir(), 'vpci-lsp-'));
  const outfile = join(dir, 'server.js');
  buildSync({ entryPoints: ['language/main.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  bundled = outfile;
  return outfile;
}

export interface Lsp {
  conn: ProtocolConnection;
  proc: ChildProcess;
  /** What the server answered to initialize. */
  capabilities: ServerCapabilities;
  /** Resolves with the next diagnostics published for `uri` (optionally at `version`). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams>;
  stderr(): string;
  /** Error-level window/logMessage texts: the server's guarded handler failures. */
  errors(): string[];
  /** Warning-level window/logMessage texts (the analysis worker given up, …). */
  warnings(): string[];
  /** Every publishDiagnostics so far, in the order they came (awaited or not). */
  published(): PublishDiagnosticsParams[];
  close(): Promise<void>;
}

export async function startServer(
  rootUri: string | null = null,
  workspaceFolders: { uri: string; name: string }[] | null = null,
  /** More of the client's textDocument capabilities (what VS Code would send). */
  textDocument: Record<string, unknown> = {},
  /** Options for node itself (a smaller heap: `--max-old-space-size=128`); its worker threads get them too. */
  nodeArgs: string[] = [],
  /** More of the client's capabilities besides textDocument (`workspace`), and more initialize params (`rootPath`). */
  more: { capabilities?: Record<string, unknown>; params?: Record<string, unknown>; initialized?: false } = {},
): Promise<Lsp> {
  const proc = spawn(process.execPath, [...nodeArgs, serverBundle(), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += String(d)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void; reject: (e: Error) => void }[] = [];
  // A server that dies fails whoever waits for its diagnostics, with what it printed, and every
  // request still waiting for an answer (a test never hangs on it, nor ends as if it had passed).
  let died: Error | undefined;
  proc.once('exit', (code, signal) => {
    died = new Error(`the language server exited (${signal ?? `code ${code}`}) with nothing published: ${err.slice(-2000)}`);
    for (const w of waiters.splice(0)) w.reject(died);
    // After what it wrote before it died has been read.
    setImmediate(() => conn.dispose());
  });
  const seen: PublishDiagnosticsParams[] = [];
  const published: PublishDiagnosticsParams[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    const i = waiters.findIndex((w) => w.uri === p.uri && (w.version === undefined || w.version === p.version));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(p);
    else seen.push(p);
  });
  const errors: string[] = [];
  const warnings: string[] = [];
  conn.onNotification('window/logMessage', (m: { type: number; message: string }) => {
    if (m.type === 1) errors.push(m.message);
    if (m.type === 2) warnings.push(m.message);
  });
  conn.listen();
  const init = await conn.sendRequest<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri,
    capabilities: {
      // What VS Code takes (language/client-forms.ts sends older forms to a client that does not say so).
      textDocument: {
        semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true, symbolKind: { valueSet: Array.from({ length: 26 }, (_, k) => k + 1) } },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
        documentLink: { tooltipSupport: true },
        publishDiagnostics: { relatedInformation: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        ...textDocument,
        completion: {
          completionItemKind: { valueSet: Array.from({ length: 25 }, (_, k) => k + 1) },
          ...(textDocument['completion'] as Record<string, unknown> | undefined),
          completionItem: {
            documentationFormat: ['markdown', 'plaintext'],
            ...((textDocument['completion'] as Record<string, unknown> | undefined)?.['completionItem'] as Record<string, unknown> | undefined),
          },
        },
      },
      ...more.capabilities,
    },
    workspaceFolders,
    ...more.params,
  });
  // A client may leave `initialized` out (more.initialized false): the server must not depend on it.
  if (more.initialized !== false) await conn.sendNotification('initialized', {});
  return {
    conn,
    proc,
    capabilities: init.capabilities,
    stderr: () => err,
    errors: () => errors,
    warnings: () => warnings,
    published: () => published,
    diagnostics(uri, version) {
      const i = seen.findIndex((p) => p.uri === uri && (version === undefined || p.version === version));
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]!);
      if (died) return Promise.reject(died);
      return new Promise((resolve, reject) => waiters.push({ uri, version, resolve, reject }));
    },
    async close() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        /* already gone */
      }
      conn.dispose();
      if (proc.exitCode === null) {
        await new Promise<void>((r) => {
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
    },
  };
}

/** Opens a document and returns its first diagnostics. */
export async function open(lsp: Lsp, uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
  const d = lsp.diagnostics(uri, version);
  await lsp.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'vpci', version, text } });
  return d;
}
