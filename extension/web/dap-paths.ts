// The inline adapter as VS Code talks to it in the web worker extension host:
// every message through source-paths.ts's DapPaths (the client's URIs in, the
// session's paths out and back).
import * as vscode from 'vscode';
import type { DapPaths } from './source-paths';

/** The session as VS Code talks to it, through a DapPaths. */
export class PathMappingAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly inner: vscode.DebugAdapter,
    private readonly map: DapPaths,
  ) {
    this.sub = inner.onDidSendMessage((m) => this.emitter.fire(map.toClient(m) as vscode.DebugProtocolMessage));
  }

  handleMessage(m: vscode.DebugProtocolMessage): void {
    this.inner.handleMessage(this.map.toAdapter(m) as vscode.DebugProtocolMessage);
  }

  dispose(): void {
    this.sub.dispose();
    this.inner.dispose();
    this.emitter.dispose();
  }
}
