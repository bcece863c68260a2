// *vPCI: Use the CLI in a Terminal*: a terminal where `vpci-lab` runs the CLI
// this extension ships (dist/cli.js), for users who installed the VSIX and have
// no clone to `npm link`. A small launcher in the extension's storage runs the
// bundle with the editor's own Node runtime (ELECTRON_RUN_AS_NODE in a desktop
// editor), so nothing else needs to be installed; only this terminal's PATH
// gains it.
import * as vscode from 'vscode';
import { delimiter, join } from 'node:path';
import { writeLauncher } from './cli-launcher';

export async function openCliTerminal(context: vscode.ExtensionContext): Promise<vscode.Terminal | undefined> {
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  let bin: string;
  try {
    bin = writeLauncher(join(context.globalStorageUri.fsPath, 'bin'), cli);
  } catch (e) {
    void vscode.window.showErrorMessage(`vPCI: cannot write the vpci-lab launcher: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const terminal = vscode.window.createTerminal({
    name: 'vPCI Lab CLI',
    ...(folder ? { cwd: folder } : {}),
    env: { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
    message:
      'vpci-lab is on PATH in this terminal: try vpci-lab run <scenario.vpci>, vpci-lab diff <scenario.vpci> --guest freebsd --guest linux, vpci-lab --help.',
  });
  terminal.show();
  terminal.sendText('vpci-lab --help', true);
  return terminal;
}
