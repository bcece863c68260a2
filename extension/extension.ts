// VS Code entry point. Activation wiring grows with the debugger and language
// client; for now the extension only registers itself.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Contributions are added by the extension issue (debugger, language client, views).
}

export function deactivate(): void {}
