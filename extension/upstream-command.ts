// vPCI: Open Upstream Source — from a Call Stack frame (debug/callstack/context)
// or a line of a driver listing (editor context menu, or the palette with a
// listing open): opens the web page of the function's pinned upstream
// definition (docs/upstream.md), read from the header comment the listing
// shows above each function. The address opened is also written to the
// "vPCI Lab" output channel.
//
// What VS Code 1.100 passes (src/vs/workbench/contrib/debug/browser/callStackView.ts,
// onContextMenu; menus built with { arg, shouldForwardArgs: true }):
// - debug/callstack/context on a frame: (source, context), where `source` is
//   the frame source's URI as a string ("file:///…", "vscode-remote://…"), or,
//   for an in-memory source, its path, reference or name; and `context` is
//   { sessionId, threadId, frameId, frameName, frameLocation: { range, source } }
//   with VS Code's own thread and frame ids (strings), the frame's 1-based
//   range and its raw DAP source.
// - editor/context: (resource Uri, { groupId… }).
// In a remote window (code-server) DAP source paths reach the extension host
// as URI strings, so a path is read as a URI whenever it has a scheme.
import * as vscode from 'vscode';
import { upstreamAt } from '../emulator/vpci/guest/upstream';
import { DEBUG_TYPE } from '../adapter/protocol';

interface Place {
  uri: vscode.Uri;
  line: number;
}

/** A DAP source path or a URI string as a Uri: "scheme:…" is parsed (but not a Windows drive, "C:\…"), anything else is a file path. */
function toUri(pathOrUri: string): vscode.Uri {
  return /^[a-zA-Z][\w+.-]+:/.test(pathOrUri) && !/^[a-zA-Z]:[\\/]/.test(pathOrUri) ? vscode.Uri.parse(pathOrUri, true) : vscode.Uri.file(pathOrUri);
}

interface CallStackContext {
  frameLocation?: { range?: { startLineNumber?: unknown }; source?: { path?: unknown } };
}

/** The place of a Call Stack frame from the arguments VS Code gives a debug/callstack/context command. */
function fromCallStackMenu(source: unknown, ctx: unknown): Place | undefined {
  const loc = (ctx as CallStackContext | undefined)?.frameLocation;
  const line = loc?.range?.startLineNumber;
  if (typeof line !== 'number' || line < 1) return undefined;
  if (typeof source === 'string' && source) return { uri: toUri(source), line };
  const path = loc?.source?.path;
  return typeof path === 'string' && path ? { uri: toUri(path), line } : undefined;
}

/** The focused frame of the active vpci session (the palette, with no listing open). */
async function fromFocusedFrame(): Promise<Place | undefined> {
  const s = vscode.debug.activeDebugSession;
  const item = vscode.debug.activeStackItem;
  if (!s || s.type !== DEBUG_TYPE || !(item instanceof vscode.DebugStackFrame) || item.session.id !== s.id) return undefined;
  const st = (await s.customRequest('stackTrace', { threadId: item.threadId, startFrame: 0, levels: 200 })) as {
    stackFrames: { id: number; line: number; source?: { path?: string } }[];
  };
  const fr = st.stackFrames.find((x) => x.id === item.frameId);
  return fr?.source?.path ? { uri: toUri(fr.source.path), line: fr.line } : undefined;
}

async function placeOf(args: unknown[]): Promise<Place | undefined> {
  const [first, second] = args;
  const ed = vscode.window.activeTextEditor;
  // editor/context: the listing the menu was opened on, at the cursor.
  if (first instanceof vscode.Uri) {
    const line = ed && ed.document.uri.toString() === first.toString() ? ed.selection.active.line + 1 : undefined;
    return line ? { uri: first, line } : undefined;
  }
  const frame = fromCallStackMenu(first, second);
  if (frame) return frame;
  if (first === undefined && ed && ed.document.languageId === 'vpci-listing') return { uri: ed.document.uri, line: ed.selection.active.line + 1 };
  return fromFocusedFrame();
}

export function registerUpstreamCommand(context: vscode.ExtensionContext, log: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('vpci.openUpstreamSource', async (...args: unknown[]) => {
      const place = await placeOf(args);
      if (!place) {
        void vscode.window.showInformationMessage('vPCI: no driver frame or listing line to take the upstream source from.');
        return;
      }
      let text: string;
      try {
        text = (await vscode.workspace.openTextDocument(place.uri)).getText();
      } catch (e) {
        log.appendLine(`Open Upstream Source: cannot read ${place.uri.toString(true)}: ${e instanceof Error ? e.message : String(e)}`);
        void vscode.window.showInformationMessage(`vPCI: cannot read ${place.uri.toString(true)} to find its upstream source.`);
        return;
      }
      const up = upstreamAt(text, place.line);
      if (!up?.url) {
        void vscode.window.showInformationMessage(up ? `vPCI: ${up.label} — nothing upstream to open.` : 'vPCI: this line is in no driver function.');
        return;
      }
      log.appendLine(`Open Upstream Source: ${up.url} (${place.uri.path.split('/').pop()}:${place.line})`);
      const opened = await vscode.env.openExternal(vscode.Uri.parse(up.url, true));
      if (!opened) log.appendLine(`Open Upstream Source: the window did not open ${up.url}`);
    }),
  );
}
