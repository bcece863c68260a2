// How VS Code gets a vPCI debug adapter: inline in the extension host by
// default (no process start, the fastest first stop), or the bundled stdio
// adapter (dist/adapter.js) in its own Node process when `vpci.adapter` is
// 'stdio' — the same DAP either way.
import * as vscode from 'vscode';
import { VpciDebugSession } from '../adapter/session';
import { host } from './host';

export type AdapterMode = 'inline' | 'stdio';

export function adapterMode(): AdapterMode {
  const v = vscode.workspace.getConfiguration('vpci').get<string>('adapter', 'inline');
  return v === 'stdio' ? 'stdio' : 'inline';
}

export class VpciAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  private toldNoStdio = false;
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const h = host();
    const noStdio = adapterMode() === 'stdio' ? h.nodeOnly('The stdio adapter (vpci.adapter: stdio, with its code cache)') : undefined;
    if (noStdio) {
      // VS Code for the Web: the setting cannot be honoured; say why (once in a window, every time in the log) and run inline.
      this.log.warn(`${noStdio}; "${session.name}" runs on the inline adapter`);
      if (!this.toldNoStdio) void vscode.window.showWarningMessage(`vPCI: ${noStdio}; the inline adapter runs instead.`);
      this.toldNoStdio = true;
    } else if (adapterMode() === 'stdio') {
      const main = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'adapter.js').fsPath;
      // Which adapter a session got is in the vPCI Lab log: `vpci.adapter` is machine-overridable,
      // so in a remote window the local user setting does not apply and this line says what did.
      this.log.info(`debug adapter for "${session.name}": stdio (${process.execPath} ${main})`);
      return new vscode.DebugAdapterExecutable(process.execPath, [main], {
        env: { ELECTRON_RUN_AS_NODE: '1' },
      });
    }
    this.log.info(`debug adapter for "${session.name}": inline (in the ${h.kind === 'web' ? 'web worker ' : ''}extension host)`);
    const options = { files: h.files, ...(h.root !== undefined ? { root: h.root } : {}) };
    return new vscode.DebugAdapterInlineImplementation(h.inlineAdapter(new VpciDebugSession(undefined, options)));
  }
}
