// A minimal DAP client over a child process's stdio, for the DAP figures: what VS Code sends
// at a launch and after every step, with the child's memory read from /proc (Linux).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ROOT = resolve(__dirname, '..');
/** The floor: a bare stdio adapter that answers with canned bodies. */
export const ECHO = [join(ROOT, 'bench', 'echo-adapter.mjs')];
const BUNDLE = join(ROOT, 'dist', 'adapter.js');
const CLI = join(ROOT, 'dist', 'cli.js');
/** The shipped adapter (dist/adapter.js, with its code cache), or the sources when nothing is built. */
export const ADAPTER: string[] = existsSync(BUNDLE) ? [BUNDLE] : ['--import', 'tsx', join(ROOT, 'adapter', 'main.ts')];
/** `vpci-lab dap`: the same adapter served by the CLI over stdio. */
export const CLI_DAP: string[] | undefined = existsSync(CLI) ? [CLI, 'dap'] : undefined;
/** The shipped examples the budgets are measured on. */
export const EXAMPLES = {
  quickstart: join(ROOT, 'examples', 'quickstart.vpci'),
  'bring-your-own-device': join(ROOT, 'examples', 'bring-your-own-device.vpci'),
};

/** A DAP message as read off the wire (request, response or event). */
export type Msg = DebugProtocol.ProtocolMessage & Partial<Omit<DebugProtocol.Response, 'type' | 'seq'> & Omit<DebugProtocol.Event, 'type' | 'seq' | 'body'>>;

export class StdioClient {
  readonly proc: ChildProcess;
  private seq = 1;
  private buf: Buffer = Buffer.alloc(0);
  private waiting = new Map<number, (m: Msg) => void>();
  private eventWaiters: { name: string; resolve: (m: Msg) => void }[] = [];
  terminated = false;

  constructor(args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'], cwd: ROOT, env });
    this.proc.stdout!.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, h).toString('ascii'));
      const len = m ? Number(m[1]) : 0;
      if (this.buf.length < h + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString('utf8')) as Msg;
      this.buf = this.buf.subarray(h + 4 + len);
      if (msg.type === 'response') {
        const w = this.waiting.get(msg.request_seq!);
        this.waiting.delete(msg.request_seq!);
        w?.(msg);
      } else if (msg.type === 'event') {
        if (msg.event === 'terminated') this.terminated = true;
        const i = this.eventWaiters.findIndex((w) => w.name === msg.event);
        if (i >= 0) this.eventWaiters.splice(i, 1)[0]!.resolve(msg);
      }
    }
  }

  request(command: string, args?: unknown): Promise<Msg> {
    const seq = this.seq++;
    const p = new Promise<Msg>((res) => this.waiting.set(seq, res));
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args ?? {} });
    this.proc.stdin!.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    return p.then((m) => {
      if (!m.success) throw new Error(`${command} failed: ${m.message}`);
      return m;
    });
  }

  /** Resolves on the next event of that name (register before the request that causes it). */
  event(name: string): Promise<Msg> {
    return new Promise((res) => this.eventWaiters.push({ name, resolve: res }));
  }

  /** Initialize, launch, configurationDone; resolves with the first stopped event. */
  async launch(scenario: string, extra: Record<string, unknown> = {}): Promise<Msg> {
    await this.request('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariablePaging: true });
    const stopped = this.event('stopped');
    await this.request('launch', { scenario, stopOnEntry: true, ...extra }); // the shipped listings/ folder, as VS Code launches it
    await this.request('configurationDone');
    return stopped;
  }

  /** What VS Code asks at every stop: threads, the stack, the top frame's scopes and its first scope's variables. */
  async views(threadId: number): Promise<void> {
    await this.request('threads');
    const st = await this.request('stackTrace', { threadId, startFrame: 0, levels: 20 });
    const frame = st.body.stackFrames[0];
    const sc = await this.request('scopes', { frameId: frame.id });
    await this.request('variables', { variablesReference: sc.body.scopes[0].variablesReference });
  }

  /** next → stopped → the views; resolves with the stop. */
  async stepRoundTrip(threadId: number): Promise<Msg> {
    const stopped = this.event('stopped');
    await this.request('next', { threadId });
    const s = await stopped;
    await this.views(s.body?.threadId ?? threadId);
    return s;
  }

  /** The child's minor page faults so far (Linux /proc; undefined elsewhere). */
  faults(): number | undefined {
    try {
      // /proc/PID/stat: after the command's closing parenthesis, minflt is the 8th field (proc(5)).
      const f = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      const n = Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[7]);
      return Number.isFinite(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /** The child's resident set now and at its peak, in bytes (Linux /proc). */
  memory(): { rss: number; peak: number } {
    const s = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((res) => this.proc.once('exit', res));
    this.proc.kill();
    await exited;
  }
}
