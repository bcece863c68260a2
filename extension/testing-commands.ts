// The commands around verdicts: *Run Scenario* (the Test Explorer's Run
// profile on one file, a verdict rather than a paused session), *Debug at
// Cause* (from a failed test item, its message in the peek, or the editor),
// *Compare Runs…* and *Use the CLI in a Terminal*; and the verdicts vPCI debug
// sessions send when their run reaches its end.
import * as vscode from 'vscode';
import { DEBUG_TYPE, EVT_VERDICT, type VerdictBody } from '../adapter/protocol';
import type { ScenarioTests } from './testing';
import { compareRunsCommand } from './compare';
import { openCliTerminal } from './cli-terminal';
import { host } from './host';

function scenarioUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && (doc.languageId === 'vpci' || doc.fileName.endsWith('.vpci'))) return doc.uri;
  return undefined;
}

export function registerVerdictCommands(context: vscode.ExtensionContext, tests: ScenarioTests): void {
  const reg = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('vpci.runScenario', async (arg) => {
    const uri = scenarioUri(arg);
    if (!uri) return void vscode.window.showInformationMessage('Open a .vpci scenario first.');
    // Unsaved edits run as they stand (the run reads the editor's text).
    await tests.runScenario(uri);
  });
  reg('vpci.debugAtCause', (arg) => tests.debugAtCause(arg));
  reg('vpci.compareRuns', (arg) => compareRunsCommand(arg));
  reg('vpci.useCliInTerminal', () => {
    const no = host().nodeOnly('The vpci-lab CLI');
    return no
      ? void vscode.window.showInformationMessage(`vPCI: ${no}. Install the VSIX in desktop VS Code, or run \`npx vpci-lab\` in a clone, to use it.`)
      : openCliTerminal(context);
  });
  context.subscriptions.push(
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type === DEBUG_TYPE && e.event === EVT_VERDICT) void tests.onVerdict(e.session, e.body as VerdictBody);
    }),
  );
}
