// VS Code for the Web figures (issue 16), each as a ratio to the Node inline host measured in
// the same run. What is measured here, in Node, is what the web host adds, not the browser's
// engine (both run V8; a headless code-server run is too noisy on a shared machine for a ratio):
//  - activation: loading dist/web/extension.js afresh (the minified browser bundle, as the web
//    worker extension host evaluates it) and running activate() against the stand-in `vscode`,
//    next to the same for dist/extension.js, the Node entry;
//  - the step round trip (next → stopped → threads, stackTrace, scopes, variables) of the inline
//    adapter as the web host runs it — every message through the URI mapping
//    (extension/web/source-paths.ts), the client naming sources by vscode-remote: URIs — next to
//    the same session spoken to directly, as the Node host's inline adapter is.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { asyncFigure, figure } from './harness';
import { EXAMPLES } from './dap-client';
import { VpciDebugSession } from '../adapter/session';
import { UriPaths, type UriParts } from '../io/uri-paths';
import { DapPaths } from '../extension/web/source-paths';

const require_ = createRequire(__filename);
const webBundle = resolve('dist/web/extension.js');
const nodeBundle = resolve('dist/extension.js');

if (existsSync(webBundle) && existsSync(nodeBundle)) {
  const { activateFresh } = require_('./fake-vscode.cjs') as { activateFresh: (b: string) => number };
  // The web entry says which host it runs in on the console at every activation; keep the bench quiet.
  const info = console.info;
  console.info = () => {};
  process.on('exit', () => (console.info = info));
  figure({
    name: 'web host: extension activation (load dist/web/extension.js afresh + activate())',
    floorName: 'the same for dist/extension.js (the Node host)',
    unit: 'activations',
    kind: 'latency',
    run: (n) => {
      for (let i = 0; i < n; i++) activateFresh(webBundle);
      return n;
    },
    floor: (n) => {
      for (let i = 0; i < n; i++) activateFresh(nodeBundle);
      return n;
    },
  });
}

interface Msg {
  seq: number;
  type: string;
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A DAP client of an inline adapter (no process, no pipe), optionally through the web host's URI mapping. */
class InlineClient {
  private seq = 1;
  private readonly session = new VpciDebugSession();
  private readonly waiting = new Map<number, (m: Msg) => void>();
  private readonly eventWaiters: { name: string; resolve: (m: Msg) => void }[] = [];
  ended = false;

  constructor(private readonly map?: DapPaths) {
    (this.session as unknown as { onDidSendMessage: (fn: (m: Msg) => void) => void }).onDidSendMessage((raw) => {
      const m = (map ? map.toClient(raw) : raw) as Msg;
      if (m.type === 'response') this.waiting.get(m.request_seq!)?.(m);
      else if (m.type === 'event') {
        if (m.event === 'terminated' || m.event === 'exited') this.ended = true;
        const k = this.eventWaiters.findIndex((w) => w.name === m.event);
        if (k >= 0) this.eventWaiters.splice(k, 1)[0]!.resolve(m);
      }
    });
  }

  request(command: string, args: Record<string, unknown> = {}): Promise<Msg> {
    const seq = this.seq++;
    const p = new Promise<Msg>((res) => this.waiting.set(seq, res));
    const msg = { seq, type: 'request', command, arguments: args };
    (this.session as unknown as { handleMessage: (m: unknown) => void }).handleMessage(this.map ? this.map.toAdapter(msg) : msg);
    return p.then((m) => {
      this.waiting.delete(seq);
      if (!m.success) throw new Error(`${command} failed: ${m.message}`);
      return m;
    });
  }

  event(name: string): Promise<Msg> {
    return new Promise((res) => this.eventWaiters.push({ name, resolve: res }));
  }

  async launch(scenario: string): Promise<number> {
    await this.request('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariablePaging: true });
    const stopped = this.event('stopped');
    await this.request('launch', { scenario, stopOnEntry: true });
    // a breakpoint in the scenario, named as the web client names it (its URI) or by path
    const source = this.map ? `vscode-remote://127.0.0.1:8080${scenario}` : scenario;
    await this.request('setBreakpoints', { source: { path: source }, breakpoints: [{ line: 1 }] });
    await this.request('configurationDone');
    return (await stopped).body?.threadId ?? 1;
  }

  async views(threadId: number): Promise<void> {
    await this.request('threads');
    const st = await this.request('stackTrace', { threadId, startFrame: 0, levels: 20 });
    const sc = await this.request('scopes', { frameId: st.body.stackFrames[0].id });
    await this.request('variables', { variablesReference: sc.body.scopes[0].variablesReference });
  }

  async step(threadId: number): Promise<Msg> {
    const stopped = this.event('stopped');
    const ended = this.event('terminated');
    await this.request('next', { threadId });
    const s = await Promise.race([stopped, ended]);
    if (s.event === 'stopped') await this.views(s.body?.threadId ?? threadId);
    return s;
  }

  close(): void {
    this.session.dispose();
  }
}

const origin = { scheme: 'vscode-remote', authority: '127.0.0.1:8080' };
const uriText = (u: UriParts) => `${u.scheme}://${u.authority}${u.path}`;

/** `n` step round trips, relaunching at the scenario's end; `web` maps every message as the web host does. */
async function steps(n: number, web: boolean): Promise<number> {
  let c: InlineClient | undefined;
  let tid = 0;
  for (let i = 0; i < n; i++) {
    if (!c || c.ended) {
      c?.close();
      c = new InlineClient(web ? new DapPaths(new UriPaths(origin), uriText) : undefined);
      tid = await c.launch(EXAMPLES.quickstart);
      await c.views(tid);
    }
    const s = await c.step(tid);
    tid = s.body?.threadId ?? tid;
  }
  c?.close();
  return n;
}

asyncFigure({
  name: 'web host: DAP step round trip, quickstart, inline adapter through the URI mapping (next → stopped → threads, stackTrace, scopes, variables)',
  floorName: 'the same inline session spoken to directly (the Node host)',
  unit: 'steps',
  kind: 'latency',
  run: (n) => steps(n, true),
  floor: (n) => steps(n, false),
});
