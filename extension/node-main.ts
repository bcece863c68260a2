// The extension's entry in a Node extension host (dist/extension.js): Node's
// file access, the stdio adapter and the CLI available, the language server
// as a Node process over IPC.
import * as vscode from 'vscode';
import { setHost } from './host';
import { startLanguageClient } from './language-client';
import { nodeFiles } from '../io/node-files';

setHost({
  kind: 'node',
  files: nodeFiles,
  pathOf: (uri) => (uri.scheme === 'file' ? uri.fsPath : undefined),
  uriOf: (path) => vscode.Uri.file(path),
  inlineAdapter: (session) => session,
  startLanguageClient,
  nodeOnly: () => undefined,
});

export { activate, deactivate } from './extension';
