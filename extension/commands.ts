// The extension's commands: open an example (open-example.ts), debug the scenario in the
// editor (Run Scenario is in testing-commands.ts), lspci/eject/config-space on a function (from the topology tree or
// the Variables context menu), toggle hex in Variables.
import * as vscode from 'vscode';
import { configFor } from './configuration-provider';
import { DEBUG_TYPE, REQ, type FunctionOfResponse, type LspciResponse, type TopologyResponse } from '../adapter/protocol';
import { hex } from '../emulator/format';
import { wslotText } from '../emulator/vpci/protocol';
import { functionTarget, rowReference, type TopologyProvider } from './topology-view';
import { openExample } from './open-example';
import { sideColumn } from './side-column';

function vpciSession(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  return s && s.type === DEBUG_TYPE ? s : undefined;
}

function scenarioUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && (doc.languageId === 'vpci' || doc.fileName.endsWith('.vpci'))) return doc.uri;
  return undefined;
}

/** The `vscode-debug-memory:` URI VS Code's debug file system serves (hex editor input). */
export function debugMemoryUri(sessionId: string, memoryReference: string, displayName: string, size?: number): vscode.Uri {
  return vscode.Uri.from({
    scheme: 'vscode-debug-memory',
    authority: sessionId,
    path: '/' + encodeURIComponent(memoryReference) + `/${encodeURIComponent(displayName)}.bin`,
    query: size ? `?range=0:${size}` : undefined,
  });
}

/** The adapter's memory reference for a function's configuration space (adapter/inspect.ts cfgRef). */
export function configMemoryReference(bus: string, wslot: number): string {
  return `cfg/${bus}/${wslot}`;
}

async function pickFunction(s: vscode.DebugSession): Promise<{ bus: string; wslot: number } | undefined> {
  const t = (await s.customRequest(REQ.topology)) as TopologyResponse;
  const items = t.buses.flatMap((b) => b.functions.map((f) => ({ label: `${b.name} ${f.slot}`, description: f.title, bus: b.name, wslot: f.wslot })));
  if (items.length === 1) return items[0];
  return vscode.window.showQuickPick(items, { placeHolder: 'Which PCI function?' });
}

async function target(arg: unknown): Promise<{ s: vscode.DebugSession; bus: string; wslot: number } | undefined> {
  const s = vpciSession();
  if (!s) {
    void vscode.window.showInformationMessage('No vPCI debug session is running.');
    return undefined;
  }
  const t = functionTarget(arg) ?? (await rowFunction(s, arg)) ?? (await pickFunction(s));
  return t ? { s, ...t } : undefined;
}

/**
 * A Variables row that names no function itself (an Identity row, an lspci line, a PBA word): the
 * adapter knows its function by its container's reference (vpci/functionOf).
 */
async function rowFunction(s: vscode.DebugSession, arg: unknown): Promise<{ bus: string; wslot: number } | undefined> {
  const ref = rowReference(arg);
  if (ref === undefined) return undefined;
  try {
    return (await s.customRequest(REQ.functionOf, { variablesReference: ref })) as FunctionOfResponse;
  } catch {
    return undefined; // (a row of no function, or from before the last stop: the function is asked for)
  }
}

/** The Hex Editor extension and its editor: what opens a config space as bytes (VS Code's own "View Binary Data" asks for the same one). */
const HEX_EDITOR = 'ms-vscode.hexeditor';
const HEX_EDITOR_VIEW = 'hexEditor.hexedit';

/** Says the config space is shown as text, and offers to install the Hex Editor and open it there. */
async function offerHexEditor(bus: string, memory: vscode.Uri): Promise<void> {
  const install = 'Install Hex Editor';
  const pick = await vscode.window.showInformationMessage(
    `Config space of ${bus} as lspci -xxxx prints it. To view and edit it byte by byte, install the Hex Editor extension (${HEX_EDITOR}).`,
    install,
  );
  if (pick !== install) return;
  try {
    await vscode.commands.executeCommand('workbench.extensions.installExtension', HEX_EDITOR);
    await vscode.commands.executeCommand('vscode.openWith', memory, HEX_EDITOR_VIEW);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not install the Hex Editor (${HEX_EDITOR}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

const LSPCI_SCHEME = 'vpci-lspci';
const lspciTexts = new Map<string, string>();
let lspciSeq = 0;

export function registerCommands(context: vscode.ExtensionContext, topology: TopologyProvider): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(LSPCI_SCHEME, { provideTextDocumentContent: (uri) => lspciTexts.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === LSPCI_SCHEME && lspciTexts.delete(d.uri.toString())),
  );
  const reg = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('vpci.openExample', () => openExample(context));

  reg('vpci.debugScenario', async (arg) => {
    const uri = scenarioUri(arg);
    if (!uri) return void vscode.window.showInformationMessage('Open a .vpci scenario first.');
    await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), configFor(uri));
  });

  reg('vpci.showLspci', async (arg) => {
    const t = await target(arg);
    if (!t) return;
    const r = (await t.s.customRequest(REQ.lspci, { bus: t.bus, wslot: t.wslot })) as LspciResponse;
    // a read-only document (no "save changes?" when it is closed)
    const uri = vscode.Uri.from({ scheme: LSPCI_SCHEME, path: `/${t.bus}-${wslotText(t.wslot)}.lspci.txt`, query: String(++lspciSeq) });
    lspciTexts.set(uri.toString(), r.text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: sideColumn() });
  });

  // Number format in Variables / Watch: the menu offers the other format ("Show Decimal" while
  // numbers are hex), so the state shows in the label; the adapter starts in hex.
  const setHex = async (hex?: boolean): Promise<void> => {
    const s = vpciSession();
    if (!s) return;
    const r = (await s.customRequest(REQ.toggleHex, hex === undefined ? {} : { hex })) as { hex?: boolean } | undefined;
    await vscode.commands.executeCommand('setContext', 'vpci.hex', r?.hex ?? hex ?? true);
  };
  reg('vpci.toggleHex', () => setHex());
  reg('vpci.showDecimal', () => setHex(false));
  reg('vpci.showHex', () => setHex(true));
  context.subscriptions.push(
    vscode.debug.onDidStartDebugSession((s) => s.type === DEBUG_TYPE && void vscode.commands.executeCommand('setContext', 'vpci.hex', true)),
  );

  reg('vpci.topology.refresh', () => topology.refresh());

  reg('vpci.topology.eject', async (arg) => {
    const t = await target(arg);
    if (!t) return;
    await t.s.customRequest(REQ.eject, { bus: t.bus, wslot: t.wslot });
    await topology.refresh();
  });

  reg('vpci.topology.openConfig', async (arg) => {
    const t = await target(arg);
    if (!t) return;
    const uri = debugMemoryUri(t.s.id, configMemoryReference(t.bus, t.wslot), `${t.bus}-${hex(t.wslot, 8)}-config`, 4096);
    if (vscode.extensions.getExtension(HEX_EDITOR)) {
      await vscode.commands.executeCommand('vscode.openWith', uri, HEX_EDITOR_VIEW, sideColumn());
      return;
    }
    // No hex editor (VS Code has none built in): the bytes as `lspci -xxxx` prints them, a text that
    // can be saved as a scenario's dump, beside the editor; and the offer to install one.
    const r = (await t.s.customRequest(REQ.lspci, { bus: t.bus, wslot: t.wslot, verbose: false, hex: true })) as LspciResponse;
    const textUri = vscode.Uri.from({ scheme: LSPCI_SCHEME, path: `/${t.bus}-${wslotText(t.wslot)}-config.lspci`, query: String(++lspciSeq) });
    lspciTexts.set(textUri.toString(), `${r.text}\n`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(textUri), { preview: true, viewColumn: sideColumn() });
    void offerHexEditor(t.bus, uri);
  });
}
