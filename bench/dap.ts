// DAP figures (issue 6, DESIGN.md §7), in one interleaved run with a bare stdio
// echo adapter (bench/echo-adapter.mjs) as the floor:
//  (a) launch → first stop: spawn the adapter, initialize, launch (stopOnEntry),
//      configurationDone, until the first `stopped` event; budget ≤ 1.2 × echo;
//  (b) the step round trip: next → stopped → threads, stackTrace, scopes,
//      variables in a live session; budget ≤ 1.5 × echo.
// Our adapter is the shipped bundle (node dist/adapter.js, built by `npm run
// bench`; its first launch writes the code cache the measured launches use), or
// `node --import tsx adapter/main.ts` when no bundle exists.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { asyncFigure } from './harness';
import type { DebugProtocol } from '@vscode/debugprotocol';

const ROOT = resolve(__dirname, '..');
const ECHO = join(ROOT, 'bench', 'echo-adapter.mjs');
const BUNDLE = join(ROOT, 'dist', 'adapter.js');
const ADAPTER: string[] = existsSync(BUNDLE) ? [BUNDLE] : ['--import', 'tsx', join(ROOT, 'adapter', 'main.ts')];
const CX3 = join(ROOT, 'test', 'adapter', 'fixtures', 'cx3.vpci');
const dir = mkdtempSync(join(tmpdir(), 'vpci-bench-dap-'));

/** A scenario long enough that `next` never runs off its end during the bench: thousands of timeline items. */
const LONG = join(dir, 'long.vpci');
{
  const lines = ['vm {', '  host hyperv-2016', '  guest freebsd', '  cpus 4', '}', 'bus nic0 { function 0 mellanox-cx3-vf serial 1 }', 'at 0 boot', 'at 2ms driver nic0 msix 3'];
  for (let i = 0; i < 20_000; i++) lines.push(`at ${3000 + i}us raise nic0 vector ${i % 3}`);
  writeFileSync(LONG, lines.join('\n') + '\n');
}

/** A DAP message as read off the wire (request, response or event). */
type Msg = DebugProtocol.ProtocolMessage & Partial<Omit<DebugProtocol.Response, 'type' | 'seq'> & Omit<DebugProtocol.Event, 'type' | 'seq' | 'body'>>;

/** A minimal DAP client over a child's stdio. */
class StdioClient {
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
  async launch(scenario: string): Promise<Msg> {
    await this.request('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariablePaging: true });
    const stopped = this.event('stopped');
    await this.request('launch', { scenario, stopOnEntry: true }); // the shipped listings/ folder, as VS Code launches it
    await this.request('configurationDone');
    return stopped;
  }

  /** next → stopped → threads, stackTrace, scopes, variables (what VS Code asks after every step). */
  async stepRoundTrip(threadId: number): Promise<number> {
    const stopped = this.event('stopped');
    await this.request('next', { threadId });
    const s = await stopped;
    const tid: number = s.body?.threadId ?? threadId;
    await this.request('threads');
    const st = await this.request('stackTrace', { threadId: tid, startFrame: 0, levels: 20 });
    const frame = st.body.stackFrames[0];
    const sc = await this.request('scopes', { frameId: frame.id });
    await this.request('variables', { variablesReference: sc.body.scopes[0].variablesReference });
    return tid;
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((res) => this.proc.once('exit', res));
    this.proc.kill();
    await exited;
  }
}

// ---- (a) launch → first stop -------------------------------------------------------------------

async function launches(args: string[], n: number, env?: NodeJS.ProcessEnv): Promise<number> {
  for (let i = 0; i < n; i++) {
    const c = new StdioClient(args, env);
    await c.launch(CX3);
    await c.close();
  }
  return n;
}

asyncFigure({
  name: 'DAP launch → first stop over stdio (spawn, initialize, launch, configurationDone, stopped)',
  floorName: 'the same exchange with a bare stdio echo adapter',
  unit: 'launches',
  kind: 'latency',
  run: (n) => launches(ADAPTER, n),
  floor: (n) => launches([ECHO], n),
  budget: { text: '≤ 1.2 × the echo adapter’s startup (DESIGN.md §7)', ok: (r) => r.ratio <= 1.2 },
});

// The same without the adapter's V8 code cache (adapter/boot.ts): what the very first launch after
// installing or updating the extension costs, before the cache exists. Shown, not budgeted.
asyncFigure({
  name: 'DAP launch → first stop over stdio, cold (no code cache: the first launch of a new build)',
  floorName: 'the same exchange with a bare stdio echo adapter',
  unit: 'launches',
  kind: 'latency',
  run: (n) => launches(ADAPTER, n, { ...process.env, VPCI_LAB_NO_CODE_CACHE: '1' }),
  floor: (n) => launches([ECHO], n),
});

// ---- (b) the step round trip --------------------------------------------------------------------

/** One live session per side, opened on first use and reopened if the scenario ever ends. */
function stepper(args: string[]): { run: (n: number) => Promise<number>; close: () => Promise<void> } {
  let c: StdioClient | undefined;
  let tid = 1;
  return {
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        if (!c || c.terminated) {
          await c?.close();
          c = new StdioClient(args);
          tid = (await c.launch(LONG)).body?.threadId ?? 1;
        }
        tid = await c.stepRoundTrip(tid);
      }
      return n;
    },
    close: async () => {
      await c?.close();
      c = undefined;
    },
  };
}

{
  const ours = stepper(ADAPTER);
  const echo = stepper([ECHO]);
  asyncFigure({
    name: 'DAP step round trip over stdio (next → stopped → threads, stackTrace, scopes, variables)',
    floorName: 'the same requests to a bare stdio echo adapter',
    unit: 'steps',
    kind: 'latency',
    run: ours.run,
    floor: echo.run,
    done: async () => {
      await ours.close();
      await echo.close();
      rmSync(dir, { recursive: true, force: true });
    },
    budget: { text: '≤ 1.5 × the echo adapter (DESIGN.md §7)', ok: (r) => r.ratio <= 1.5 },
  });
}
