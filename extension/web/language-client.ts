// The language server's client in VS Code for the Web. The server bundle
// (dist/web/server.js) runs in a browser worker. code-server refuses a worker
// made from the extension's own URI ("Creating workers from remote extensions is
// currently not supported": it is a vscode-remote: URI), so the script is read
// with workspace.fs and the worker started from a blob: URL of it; the worker's
// name carries the primary origin of io/uri-paths.ts. The server reads files by
// asking this client (io/request-files.ts), which answers from workspace.fs.
import * as vscode from 'vscode';
import { BrowserMessageReader, BrowserMessageWriter, LanguageClient, type LanguageClientOptions, type MessageTransports } from 'vscode-languageclient/browser';
import { fileRequestHandlers, READ_FILE, REAL_PATH, type ReadFileParams, type RealPathParams } from '../../io/request-files';
import type { FileAccess } from '../../io/files';
import type { Origin } from '../../io/uri-paths';

type WorkerCtor = new (url: string, options?: { name?: string }) => unknown;

/** The server bundle as a worker started from a blob: URL. */
export async function startServerWorker(extensionUri: vscode.Uri, origin: Origin): Promise<unknown> {
  const W = (globalThis as unknown as { Worker?: WorkerCtor }).Worker;
  if (!W) throw new Error('this extension host cannot start workers');
  const script = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'server.js'));
  const url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
  // The worker has fetched its script once it runs; the URL can go after a while (revoking at once can race the fetch).
  const worker = new W(url, { name: JSON.stringify(origin) });
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return worker;
}

export async function startWebLanguageClient(context: vscode.ExtensionContext, files: FileAccess, origin: Origin): Promise<LanguageClient> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'vpci' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{vpci,lspci}') },
    // Run after accepting a completion that has more to follow (a time after `at `): the server
    // attaches it only for a client that names one, as LSP leaves commands to the client.
    initializationOptions: { retriggerCompletionCommand: 'editor.action.triggerSuggest' },
  };
  // The transports are made here rather than by handing the client the Worker: the client tells a
  // worker by `instanceof Worker`, and the web worker extension host's Worker is its own wrapper.
  const transports = async (): Promise<MessageTransports> => {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the reader's parameter is lib.dom's Worker, a type this project compiles without
    const worker = (await startServerWorker(context.extensionUri, origin)) as ConstructorParameters<typeof BrowserMessageReader>[0];
    return { reader: new BrowserMessageReader(worker), writer: new BrowserMessageWriter(worker) };
  };
  const client = new LanguageClient('vpci', 'vPCI Language Server', transports, clientOptions);
  const answer = fileRequestHandlers(files);
  client.onRequest(READ_FILE, (p: ReadFileParams) => answer.readFile(p));
  client.onRequest(REAL_PATH, (p: RealPathParams) => answer.realPath(p));
  await client.start();
  return client;
}
