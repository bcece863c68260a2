// vPCI: Open Upstream Source — from a Call Stack frame (debug/callstack/context)
// or a line of a driver listing (editor context menu): opens the web page of
// the function's pinned upstream definition (docs/upstream.md), read from the
// header comment the listing shows above each function. The address opened is
// also written to the "vPCI" output channel.
import * as vscode from 'vscode';
import { upstreamAt } from '../emulator/vpci/guest/upstream';
import { DEBUG_TYPE } from '../adapter/protocol';

interface FramePlace { path: string; line: number }

/** VS Code gives Call Stack menu commands { sessionId, threadId, frameId } with its own ids ("…:<threadId>", "stackframe:…:<index>:…"). */
async function framePlace(arg: unknown): Promise<FramePlace | undefined> {
  const s = vscode.debug.activeDebugSession;
  if (!s || s.type !== DEBUG_TYPE) return undefined;
  let threadId: number | undefined;
  let index: number | undefined;
  let frameId: number | undefined;
  const a = arg as { threadId?: unknown; frameId?: unknown } | undefined;
  if (a && typeof a === 'object') {
    const t = /(\d+)$/.exec(String(a.threadId ?? ''));
    const f = /^stackframe:thread:[^:]*:\d+:(\d+):/.exec(String(a.frameId ?? ''));
    if (t) threadId = Number(t[1]);
    if (f) index = Number(f[1]);
    else if (typeof a.frameId === 'number') frameId = a.frameId;
  }
  const item = vscode.debug.activeStackItem;
  if (threadId === undefined && item instanceof vscode.DebugStackFrame && item.session.id === s.id) {
    threadId = item.threadId;
    frameId = item.frameId;
  }
  if (threadId === undefined) return undefined;
  const st = (await s.customRequest('stackTrace', { threadId, startFrame: 0, levels: 200 })) as { stackFrames: { id: number; line: number; source?: { path?: string } }[] };
  const fr = index !== undefined ? st.stackFrames[index] : st.stackFrames.find((x) => x.id === frameId) ?? st.stackFrames[0];
  return fr?.source?.path ? { path: fr.source.path, line: fr.line } : undefined;
}

export function registerUpstreamCommand(context: vscode.ExtensionContext, log: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('vpci.openUpstreamSource', async (arg?: unknown) => {
      let place: FramePlace | undefined;
      const ed = vscode.window.activeTextEditor;
      if (arg instanceof vscode.Uri && ed && ed.document.uri.toString() === arg.toString()) place = { path: arg.fsPath, line: ed.selection.active.line + 1 };
      else if (!arg && ed && ed.document.languageId === 'vpci-listing') place = { path: ed.document.uri.fsPath, line: ed.selection.active.line + 1 };
      else place = await framePlace(arg);
      if (!place) {
        void vscode.window.showInformationMessage('vPCI: no driver frame or listing line to take the upstream source from.');
        return;
      }
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(place.path));
      const up = upstreamAt(doc.getText(), place.line);
      if (!up?.url) {
        void vscode.window.showInformationMessage(up ? `vPCI: ${up.label} — nothing upstream to open.` : 'vPCI: this line is in no driver function.');
        return;
      }
      log.appendLine(`Open Upstream Source: ${up.url}`);
      await vscode.env.openExternal(vscode.Uri.parse(up.url, true));
    }),
  );
}
