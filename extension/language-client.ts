// Starts the vPCI language server (dist/server.js) over node IPC for .vpci
// documents; the client stops with the extension.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'vpci' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{vpci,lspci}') },
    // Run after accepting a completion that has more to follow (a time after `at `): the server
    // attaches it only for a client that names one, as LSP leaves commands to the client.
    initializationOptions: { retriggerCompletionCommand: 'editor.action.triggerSuggest' },
  };
  // The id 'vpci' makes the client read the `vpci.trace.server` setting.
  const client = new LanguageClient('vpci', 'vPCI Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
