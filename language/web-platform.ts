// The language server in VS Code for the Web: it runs in a browser worker the
// extension starts from a blob: URL (extension/web/language-client.ts), speaks
// LSP over the worker's messages, reads files by asking its client
// (io/request-files.ts: the editor's file system), knows documents by the paths
// io/uri-paths.ts gives their URIs (the primary origin comes as the worker's
// name), and analyses in-process — it is a worker already, off the editor's
// extension host.
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { filesOverRequests } from '../io/request-files';
import { UriPaths, parseUri, uriText, type Origin } from '../io/uri-paths';
import { InProcessRunner } from './runner';
import type { LanguagePlatform } from './platform';
import { ProtocolGate, gatedReader } from './protocol-gate';

/** The worker's global scope, as far as it is used here (the project's typings are Node's, not the DOM's). */
export interface WorkerScope {
  name: string;
  addEventListener(type: 'error' | 'unhandledrejection', fn: (e: { error?: unknown; reason?: unknown; message?: string }) => void): void;
}

export function webPlatform(scope: WorkerScope): LanguagePlatform {
  const writer = new BrowserMessageWriter(scope);
  // LSP's lifecycle and each request's params are checked at the door, as on Node (language/protocol-gate.ts).
  const reader = gatedReader(new BrowserMessageReader(scope), new ProtocolGate({ send: (m) => void writer.write(m).catch(() => undefined) }));
  const connection = createConnection(reader, writer);
  let origin: Origin = { scheme: 'file', authority: '' };
  try {
    const o = JSON.parse(scope.name) as Partial<Origin>;
    if (typeof o.scheme === 'string' && typeof o.authority === 'string') origin = { scheme: o.scheme, authority: o.authority };
  } catch {
    /* no origin given: file: URIs are plain paths */
  }
  const paths = new UriPaths(origin);
  return {
    connection,
    files: filesOverRequests((method, params) => connection.sendRequest(method, params)),
    pathOf: (uri) => {
      const u = parseUri(uri);
      return u && u.scheme !== 'untitled' ? paths.pathOf(u) : undefined;
    },
    uriOf: (path) => uriText(paths.partsOf(path)),
    runner: () => new InProcessRunner(),
    onUncaught: (fn) => {
      scope.addEventListener('error', (e) => fn(e.error ?? e.message));
      scope.addEventListener('unhandledrejection', (e) => fn(e.reason));
    },
  };
}
