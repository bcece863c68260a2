// The message-sequence panel: hosts sequence-webview.ts's page and serves it
// pages of `vpci/messages` from the active vPCI session, the bytes of a clicked
// packet (`vpci/messageDetail`) and "go to step" (`vpci/gotoEvent`). Live: the
// total is re-read on every stop and `vpci/traceChanged` event.
import * as vscode from 'vscode';
import { DEBUG_TYPE, REQ, type MessageDetailResponse, type MessagesResponse, type TopologyResponse } from '../adapter/protocol';
import { fieldLine, nonce, sequenceHtml } from './sequence-webview';
import { sideColumn } from './side-column';
import { bytesOfHex, formatTime, hexDump } from '../emulator/format';

type FromPage =
  { type: 'ready' } | { type: 'need'; from: number; count: number } | { type: 'select'; index: number; seq: number } | { type: 'goto'; index: number };

export class SequencePanel implements vscode.Disposable {
  static readonly viewType = 'vpci.messageSequence';
  private panel: vscode.WebviewPanel | undefined;
  private session: vscode.DebugSession | undefined;
  private total = 0;
  /** The first row still held (those before it were dropped with the oldest step-back history). */
  private first = 0;
  /** The session shown has ended (its messages stay; nothing travels to them). */
  private sessionEnded = false;
  /**
   * The open panel's listeners, disposed with it: they were kept in one list for the panel's
   * whole life, two more each time the panel was opened again after being closed.
   */
  private panelListeners: vscode.Disposable[] = [];

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true); // where it is
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      SequencePanel.viewType,
      'vPCI Message Sequence',
      { viewColumn: sideColumn(), preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [],
      },
    );
    panel.webview.html = sequenceHtml(panel.webview.cspSource, nonce());
    const listeners: vscode.Disposable[] = [];
    panel.webview.onDidReceiveMessage((m: FromPage) => void this.onMessage(m), undefined, listeners);
    panel.onDidDispose(
      () => {
        if (this.panel === panel) this.panel = undefined;
        for (const d of listeners.splice(0)) d.dispose();
      },
      undefined,
      listeners,
    );
    this.panelListeners = listeners;
    this.panel = panel;
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  /** A new session became active (or none): start over. */
  async reset(session: vscode.DebugSession | undefined): Promise<void> {
    // The session shown has ended and is still reported active for a moment (VS Code for the Web
    // does): its messages stay as they are, not replaced by an empty page it can no longer fill.
    if (this.sessionEnded && session !== undefined && session.id === this.session?.id) return;
    this.session = session && session.type === DEBUG_TYPE ? session : undefined;
    this.sessionEnded = false;
    if (!this.panel) return;
    let buses: string[] = [];
    this.total = 0;
    this.first = 0;
    if (this.session) {
      try {
        const t = (await this.session.customRequest(REQ.topology)) as TopologyResponse;
        buses = t.buses.map((b) => b.name);
        const m = (await this.session.customRequest(REQ.messages, { from: 0, count: 0 })) as MessagesResponse;
        this.total = m.total;
        this.first = m.first ?? 0;
      } catch {
        // session not ready yet; the next stop updates it
      }
    }
    void this.panel.webview.postMessage({ type: 'init', buses, total: this.total, first: this.first });
  }

  /** A session ended: if its messages are the ones shown, the page says so and Go to step is off. */
  ended(session: vscode.DebugSession): void {
    if (!this.panel || this.session?.id !== session.id) return;
    this.sessionEnded = true;
    void this.panel.webview.postMessage({ type: 'ended' });
  }

  /** The trace grew (or shrank after a step back, or dropped its oldest events): re-read the message count. */
  async update(length?: number, first?: number): Promise<void> {
    if (!this.panel || !this.session) return;
    if (length === undefined) {
      try {
        const m = (await this.session.customRequest(REQ.messages, { from: 0, count: 0 })) as MessagesResponse;
        length = m.total;
        first = m.first ?? 0;
      } catch {
        return;
      }
    }
    first ??= this.first;
    if (length === this.total && first === this.first) return;
    this.total = length;
    this.first = first;
    void this.panel.webview.postMessage({ type: 'total', total: length, first });
  }

  private async onMessage(m: FromPage): Promise<void> {
    const s = this.session;
    if (m.type === 'ready') return this.reset(vscode.debug.activeDebugSession);
    if (!s || !this.panel) return;
    try {
      if (m.type === 'need') {
        // after the session ended the pages already shown stay; others cannot be read any more
        const r = await s.customRequest(REQ.messages, { from: m.from, count: m.count }).then(
          (x: MessagesResponse) => x,
          () => undefined,
        );
        if (!r) return;
        void this.panel.webview.postMessage({ type: 'items', from: m.from, items: r.items.map((it) => ({ ...it, timeText: formatTime(it.time) })) });
        if (r.total !== this.total || (r.first ?? 0) !== this.first) await this.update(r.total, r.first ?? 0);
      } else if (m.type === 'select') {
        const d = (await s.customRequest(REQ.messageDetail, { index: m.index })) as MessageDetailResponse;
        void this.panel.webview.postMessage({
          type: 'detail',
          // Numbered as the rows are (1-based), so "#3" is the third row the user clicked.
          title: `#${m.seq + 1} · ${d.name} · ${d.bytes.length / 2} bytes · ${formatTime(d.time)} · ${d.dir === 'toHost' ? 'guest → host' : 'host → guest'}`,
          dump: hexDump(bytesOfHex(d.bytes), { ascii: true }),
          fields: d.fields.map(fieldLine).join('\n'),
        });
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the message comes from the page: typed, but checked rather than trusted
      } else if (m.type === 'goto') {
        if (!this.sessionEnded) await s.customRequest(REQ.gotoEvent, { index: m.index });
      }
    } catch (e) {
      void vscode.window.showWarningMessage(`vPCI: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.panelListeners.splice(0)) d.dispose();
  }
}
