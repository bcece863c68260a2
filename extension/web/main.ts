// The extension's entry in the browser's web worker extension host, VS Code
// for the Web (package.json `browser`: dist/web/extension.js). Files are URIs
// there: the workspace's and the extension's own are read through
// workspace.fs under the paths io/uri-paths.ts gives them (the workspace's
// origin, else the extension's, maps to plain paths); the inline adapter's
// source paths are mapped to the client's URIs and back (source-paths.ts); the
// language server runs in a worker (language-client.ts). The stdio/TCP
// adapter, its code cache and the CLI need Node and say so when asked for.
import * as vscode from 'vscode';
import { setHost } from '../host';
import { UriPaths, type Origin } from '../../io/uri-paths';
import { WorkspaceFiles } from './workspace-files';
import { PathMappingAdapter } from './dap-paths';
import { DapPaths } from './source-paths';
import { startWebLanguageClient } from './language-client';
import { activate as activateShared, deactivate } from '../extension';

export function activate(context: vscode.ExtensionContext): void {
  const home = vscode.workspace.workspaceFolders?.[0]?.uri ?? context.extensionUri;
  const origin: Origin = { scheme: home.scheme, authority: home.authority };
  const paths = new UriPaths(origin);
  const pathOf = (uri: vscode.Uri): string | undefined =>
    uri.scheme === 'untitled' ? undefined : paths.pathOf({ scheme: uri.scheme, authority: uri.authority, path: uri.path });
  const uriOf = (path: string): vscode.Uri => vscode.Uri.from(paths.partsOf(path));
  const files = new WorkspaceFiles(uriOf);
  const root = pathOf(context.extensionUri);
  setHost({
    kind: 'web',
    files,
    ...(root !== undefined ? { root } : {}),
    pathOf,
    uriOf,
    inlineAdapter: (session) => new PathMappingAdapter(session, new DapPaths(paths, (u) => vscode.Uri.from(u).toString())),
    startLanguageClient: (ctx) => startWebLanguageClient(ctx, files, origin),
    nodeOnly: (feature) => `${feature} needs Node.js, which VS Code for the Web does not have`,
  });
  activateShared(context);
  // Which extension host runs the extension, where a test (and a curious user) can read it: the browser's console.
  console.info(`vPCI Lab: activated in the web worker extension host (VS Code for the Web), files from ${origin.scheme}://${origin.authority}`);
}

export { deactivate };
