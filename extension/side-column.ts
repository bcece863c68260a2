// Where vPCI's side documents open: lspci text, a config space (hex editor or its lspci -xxxx
// text), the Message Sequence and Compare Runs panels. ViewColumn.Beside is beside the *active*
// group, and a document opened there takes the focus, so each one opened after another made a
// new column (four of them, 250 px each, after a tour of the Topology view's commands). They now
// share one group beside the editor: the group that already shows one of them, else Beside.
import * as vscode from 'vscode';

/** Schemes of the documents the extension opens beside the editor (commands.ts) and debug memory (the hex editor's config space). */
const SIDE_SCHEMES = new Set(['vpci-lspci', 'vscode-debug-memory']);
/** Webview panels the extension opens beside the editor (VS Code reports their viewType with a prefix of its own). */
const SIDE_PANELS = ['vpci.messageSequence', 'vpci.compareRuns'];

function isSideTab(tab: vscode.Tab): boolean {
  const input = tab.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return SIDE_SCHEMES.has(input.uri.scheme);
  if (input instanceof vscode.TabInputWebview) return SIDE_PANELS.some((v) => input.viewType === v || input.viewType.endsWith(`-${v}`));
  return false;
}

/** The column for a side document: the group already showing one, or beside the active group. */
export function sideColumn(): vscode.ViewColumn {
  const groups = vscode.window.tabGroups.all;
  const withSide = groups.find((g) => g.tabs.some(isSideTab));
  return withSide ? withSide.viewColumn : vscode.ViewColumn.Beside;
}
