// What differs between the two extension hosts the extension runs in, set by
// its entry before activation: Node's (extension/node-main.ts: desktop, remote,
// code-server's server side) and the browser's web worker extension host
// (extension/web/main.ts: VS Code for the Web). The rest of the extension is
// the same code in both.
import type * as vscode from 'vscode';
import type { FileAccess } from '../io/files';
import type { VpciDebugSession } from '../adapter/session';

export interface ExtensionHost {
  /** 'node': a Node extension host; 'web': the browser's web worker extension host. */
  readonly kind: 'node' | 'web';
  /** How inline sessions, the Test Explorer and Compare Runs reach files. */
  readonly files: FileAccess;
  /** The folder holding the extension's data/ and listings/ (undefined: next to the bundle, Node's way). */
  readonly root?: string;
  /** The path the adapter and the loader know a file by (undefined when there is none). */
  pathOf(uri: vscode.Uri): string | undefined;
  /** The file a path the adapter sent stands for. */
  uriOf(path: string): vscode.Uri;
  /** The inline adapter as VS Code talks to it (the web host maps the client's URIs to paths and back). */
  inlineAdapter(session: VpciDebugSession): vscode.DebugAdapter;
  /** Starts the language server's client. */
  startLanguageClient(context: vscode.ExtensionContext): Promise<{ stop(): Promise<void> }>;
  /** One line saying why `feature` cannot run here, or undefined when it can. */
  nodeOnly(feature: string): string | undefined;
}

let current: ExtensionHost | undefined;

export function setHost(h: ExtensionHost): void {
  current = h;
}

export function host(): ExtensionHost {
  if (!current) throw new Error('vPCI Lab: no extension host set (the entry sets one before activation)');
  return current;
}
