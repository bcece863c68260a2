// Fuzz of the DAP request surface (issue 6): random request sequences — valid
// and invalid arguments, stale references from earlier stops and sessions,
// requests fired while the machine runs — against VpciDebugSession in-process
// over a pair of streams, on test/adapter/fixtures/cx3.vpci. Arguments are also
// mutated at random depth into nulls, wrong types, fractional, negative and
// huge numbers and huge strings, and broken frames are written between requests
// (not JSON, a header that is none, a Content-Length too short, too long or
// over the limit); a request inside a broken frame may get an error response
// or none, but never a second one, and the stream must resynchronise. Every request must
// get exactly one response (success or error) and the process must see no
// uncaught exception or unhandled rejection. A handler that threw (the DAP
// library's catch-all error 1104) is counted as `threw`, and a handler that
// tried to answer twice as `doubles`; both are printed as findings, and are
// failures under `strict`.
import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { HeldMachine, VpciDebugSession } from '../adapter/session';
import { rng, type Rng, type FuzzRun, type FuzzFailure } from './rng';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const SCENARIO = resolve('test/adapter/fixtures/cx3.vpci');
/** No response within this long means the session hung (generous: a `continue` runs the whole scenario). */
const RESPONSE_TIMEOUT_MS = 15_000;

/** A DAP message as read off the wire (request, response or event). */
type Msg = DebugProtocol.ProtocolMessage & Partial<Omit<DebugProtocol.Response, 'type' | 'seq'> & Omit<DebugProtocol.Event, 'type' | 'seq' | 'body'>>;

/** One in-process session: writes framed requests, parses framed responses and events. */
class Conn {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  readonly session: VpciDebugSession;
  private seq = 1;
  private buf = Buffer.alloc(0);
  private waiting = new Map<number, { resolve: (m: Msg) => void; command: string }>();
  /** Requests sent inside broken frames: an error response is allowed (one), none is too. */
  private maybe = new Map<number, string>();
  readonly refusedFrames: string[] = [];
  readonly events: Msg[] = [];
  readonly problems: string[] = [];
  readonly responses: Msg[] = [];
  readonly doubles: string[] = [];
  handledWhileRunning = 0;

  constructor(held?: HeldMachine) {
    this.session = new VpciDebugSession(held);
    this.session.setRunAsServer(true);
    // A handler that answers and then throws makes the library try a second response (it drops it with a console.error).
    const send = this.session.sendResponse.bind(this.session);
    // Count requests the session handles while its machine runs (its own `running` flag).
    const s = this.session as unknown as { running?: boolean; dispatchRequest(req: unknown): void };
    const dispatch = s.dispatchRequest.bind(s);
    s.dispatchRequest = (req) => {
      if (s.running) this.handledWhileRunning++;
      dispatch(req);
    };
    this.session.sendResponse = (resp: DebugProtocol.Response) => {
      if (resp.seq > 0) this.doubles.push(`${resp.command} (request ${resp.request_seq})`);
      else send(resp);
    };
    this.session.start(this.input, this.output);
    this.output.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, h).toString('ascii'));
      if (!m) {
        this.problems.push(`bad frame header ${JSON.stringify(this.buf.subarray(0, h).toString())}`);
        this.buf = this.buf.subarray(h + 4);
        continue;
      }
      const len = Number(m[1]);
      if (this.buf.length < h + 4 + len) return;
      const body = this.buf.subarray(h + 4, h + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(h + 4 + len);
      let msg: Msg;
      try {
        msg = JSON.parse(body) as Msg;
      } catch {
        this.problems.push(`unparseable message ${body.slice(0, 200)}`);
        continue;
      }
      if (msg.type === 'event') this.events.push(msg);
      else if (msg.type === 'response') {
        this.responses.push(msg);
        const w = this.waiting.get(msg.request_seq!);
        const maybe = this.maybe.get(msg.request_seq!);
        if (!w && maybe !== undefined) {
          this.maybe.delete(msg.request_seq!);
          if (msg.success) this.problems.push(`request ${msg.request_seq} (${maybe}) sent in a broken frame was run`);
          else this.refusedFrames.push(msg.command ?? '');
        } else if (!w) this.problems.push(`response to unknown or already answered request ${msg.request_seq} (${msg.command})`);
        else {
          this.waiting.delete(msg.request_seq!);
          if (msg.command !== w.command) this.problems.push(`response to ${w.command} says command ${msg.command}`);
          w.resolve(msg);
        }
      }
    }
  }

  request(command: string, args: unknown): Promise<Msg> {
    const seq = this.seq++;
    const p = new Promise<Msg>((res) => this.waiting.set(seq, { resolve: res, command }));
    const json = JSON.stringify(args === undefined ? { seq, type: 'request', command } : { seq, type: 'request', command, arguments: args });
    this.input.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    return p;
  }

  /** Raw bytes, e.g. a broken frame. */
  raw(s: string): void {
    this.input.write(s);
  }

  /** A request in a frame broken on purpose: its sequence number is taken, its response optional. */
  brokenRequest(command: string, args: unknown, frame: (json: string) => string): void {
    const seq = this.seq++;
    this.maybe.set(seq, command);
    this.input.write(frame(JSON.stringify({ seq, type: 'request', command, arguments: args })));
  }

  pending(): string[] {
    return [...this.waiting].map(([seq, w]) => `${seq} ${w.command}`);
  }

  close(): void {
    this.session.shutdown?.();
    this.input.end();
  }
}

/** References seen so far (this session's and stale ones from earlier sessions). */
interface Refs {
  threads: number[];
  frames: number[];
  vars: number[];
  mem: string[];
  names: string[];
  dataIds: string[];
  listing?: string;
}

const num = (r: Rng, pool: readonly number[]): unknown =>
  pool.length && r.chance(0.75) ? r.pick(pool) : r.pick<unknown>([0, -1, 1, 2, 999999, 2 ** 31, 1.5, NaN, null, '1', undefined]);
const str = (r: Rng, pool: readonly string[]): unknown =>
  pool.length && r.chance(0.7) ? r.pick(pool) : r.pick<unknown>(['', 'x', 'nic0', '$', '0x', '((', 'a'.repeat(300), '{_x}', 1, null, undefined]);
const EXPRS = [
  'nic0',
  'nic0.config[0]',
  'sc',
  'sc->pcib',
  '1+',
  'cfg 0 0x04',
  '$trace',
  'hv_pci',
  'version',
  '"',
  '0x10',
  'nic0/0.0.bars',
  '',
  'a.b.c.d',
  'nic0.msix[0]',
];

/** One random request: [command, arguments]. */
function randomRequest(r: Rng, refs: Refs): [string, unknown] {
  const tid = () => num(r, refs.threads);
  const src = () => ({ path: r.pick([refs.listing ?? '/nonexistent/x.c', SCENARIO, '/etc/passwd', 'relative.c', '']) });
  const c = r.int(33);
  let cmd: string;
  let args: unknown;
  switch (c) {
    case 0:
      cmd = 'threads';
      args = {};
      break;
    case 1:
    case 2:
      cmd = 'stackTrace';
      args = { threadId: tid(), startFrame: r.chance(0.3) ? num(r, [0, 1, 5]) : undefined, levels: r.chance(0.3) ? num(r, [1, 20]) : undefined };
      break;
    case 3:
    case 4:
      cmd = 'scopes';
      args = { frameId: num(r, refs.frames) };
      break;
    case 5:
    case 6:
      cmd = 'variables';
      args = {
        variablesReference: num(r, refs.vars),
        start: r.chance(0.3) ? num(r, [0, 10, 2000]) : undefined,
        count: r.chance(0.3) ? num(r, [1, 100]) : undefined,
        filter: r.chance(0.2) ? r.pick(['indexed', 'named', 'x']) : undefined,
      };
      break;
    case 7:
    case 8:
      cmd = r.pick(['next', 'stepIn', 'stepOut', 'stepBack']);
      args = { threadId: tid(), granularity: r.chance(0.2) ? r.pick(['statement', 'line', 'instruction', 'bogus']) : undefined };
      break;
    case 9:
      cmd = r.pick(['continue', 'reverseContinue']);
      args = { threadId: tid() };
      break;
    case 10:
      cmd = 'pause';
      args = { threadId: tid() };
      break;
    case 11:
      cmd = 'setBreakpoints';
      args = {
        source: src(),
        breakpoints: Array.from({ length: r.int(4) }, () => ({
          line: num(r, [1, 10, 100, 500, 1500]),
          condition: r.chance(0.2) ? r.pick(EXPRS) : undefined,
          hitCondition: r.chance(0.1) ? r.pick(['2', '>3', 'x', '%2']) : undefined,
          logMessage: r.chance(0.1) ? 'hit {sc}' : undefined,
        })),
      };
      break;
    case 12:
      cmd = 'setFunctionBreakpoints';
      args = {
        breakpoints: Array.from({ length: r.int(3) }, () => ({
          name: r.pick(['vmbus_pcib_attach', 'hv_pci_protocol_negotiation', 'nope', '', 'hv_pci_probe']),
          condition: r.chance(0.2) ? r.pick(EXPRS) : undefined,
        })),
      };
      break;
    case 13:
      cmd = 'setExceptionBreakpoints';
      args = { filters: r.chance(0.5) ? ['error', 'fault'] : [r.pick(['all', 'x', ''])], filterOptions: r.chance(0.2) ? [{ filterId: 'error' }] : undefined };
      break;
    case 14:
    case 15:
      cmd = 'evaluate';
      args = {
        expression: r.chance(0.8) ? r.pick(EXPRS) : str(r, refs.names),
        frameId: r.chance(0.6) ? num(r, refs.frames) : undefined,
        context: r.pick(['watch', 'repl', 'hover', 'clipboard', 'variables', undefined]),
      };
      break;
    case 16:
      cmd = 'setVariable';
      args = { variablesReference: num(r, refs.vars), name: str(r, refs.names), value: r.pick(['0', '0x10', '1', 'x', '', '99999999999999999999']) };
      break;
    case 17:
      cmd = 'setExpression';
      args = { expression: r.pick(EXPRS), value: r.pick(['0', '0x1', 'x']), frameId: num(r, refs.frames) };
      break;
    case 18:
      cmd = 'completions';
      args = { text: r.pick(EXPRS), column: num(r, [1, 3, 100]), frameId: r.chance(0.5) ? num(r, refs.frames) : undefined };
      break;
    case 19:
      cmd = 'readMemory';
      args = { memoryReference: str(r, refs.mem), offset: num(r, [0, 4, -4, 4096]), count: num(r, [0, 4, 64, 1 << 20]) };
      break;
    case 20:
      cmd = 'writeMemory';
      args = { memoryReference: str(r, refs.mem), offset: num(r, [0, 4]), data: r.pick(['AAAAAA==', '', '!!', 'AQ==']) };
      break;
    case 21:
      cmd = 'dataBreakpointInfo';
      // Half the time "at an address", as VS Code's Add Data Breakpoint at Address asks: guest-physical numbers (the quickstart's
      // MSI-X table, its config window, the top of the 52-bit space, past it) or BUS:OFFSET, with any length.
      args = r.chance(0.5)
        ? {
            name: r.pick(['0xf8008000', '0xf8001004', '4160782336', '0xfffffffffffff', '0x10000000000000', 'nic0:0x04', 'nic0 0xfff', '0x', '']),
            asAddress: true,
            bytes: r.chance(0.8) ? num(r, [1, 4, 16, 0, 4096, 2 ** 32, 2 ** 32 + 1]) : undefined,
          }
        : { variablesReference: num(r, refs.vars), name: str(r, refs.names) };
      break;
    case 22:
      cmd = 'setDataBreakpoints';
      args = {
        breakpoints: Array.from({ length: r.int(3) }, () => ({ dataId: str(r, refs.dataIds), accessType: r.pick(['write', 'read', 'readWrite', undefined]) })),
      };
      break;
    case 23:
      cmd = 'exceptionInfo';
      args = { threadId: tid() };
      break;
    case 24:
      cmd = 'breakpointLocations';
      args = { source: src(), line: num(r, [1, 50, 400]), endLine: r.chance(0.3) ? num(r, [60, 5000]) : undefined };
      break;
    case 25:
      cmd = 'loadedSources';
      args = {};
      break;
    case 26:
      cmd = 'cancel';
      args = { requestId: num(r, [1, 2, 3, 50]), progressId: r.chance(0.3) ? 'p1' : undefined };
      break;
    case 27:
      cmd = r.pick(['restart', 'configurationDone', 'launch', 'initialize', 'attach']);
      args = cmd === 'launch' ? { scenario: SCENARIO, stopOnEntry: true } : cmd === 'initialize' ? { adapterID: 'vpci', pathFormat: 'path' } : {};
      break;
    case 28:
      cmd = r.pick(['vpci/unknown', 'goto', 'source', 'modules', 'stepInTargets', 'disassemble']);
      args = { threadId: tid(), sourceReference: num(r, [1]) };
      break;
    case 29:
      cmd = 'restartFrame';
      args = { frameId: num(r, refs.frames) };
      break;
    case 30:
      cmd = 'gotoTargets';
      args = { source: src(), line: num(r, [1, 20, 100, 300, 1200]) };
      break;
    case 31:
      cmd = 'goto';
      args = { threadId: tid(), targetId: num(r, [1, 2, 3, 4, 5, 6]) };
      break;
    default:
      cmd = 'stackTrace';
      args = { threadId: tid() };
  }
  // Garbage arguments now and then: the wrong JSON type, or none at all; or one value inside made wrong.
  if (r.chance(0.08)) args = r.pick<unknown>([null, 0, 'x', [], true, undefined]);
  else if (r.chance(0.25)) args = mutateArgs(r, args);
  return [cmd, args];
}

// ---- argument mutation: what a broken client sends -----------------------------------------------

const HUGE = 'x'.repeat(100_000);
const LONG = '1+'.repeat(30_000) + '1';
const GARBAGE: unknown[] = [
  null,
  undefined,
  0,
  -1,
  -4096,
  1.5,
  -0.5,
  0.1,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e300,
  -1e300,
  '',
  'x',
  '0x0.8',
  // The DAP library's message placeholders: a text quoting one must come back as it is.
  '{_stack}',
  '{x}',
  HUGE,
  LONG,
  [],
  [null],
  {},
  { a: null },
  true,
  false,
];

/** A copy of `args` with one value somewhere inside (a field, an array item, the whole) replaced by garbage, or a null pushed into an array. */
export function mutateArgs(r: Rng, args: unknown): unknown {
  const copy: unknown = args === undefined ? undefined : JSON.parse(JSON.stringify(args));
  const slots: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 4 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ holder: v, key: i }), walk(x, depth + 1)));
    else
      for (const [k, x] of Object.entries(v)) {
        slots.push({ holder: v as Record<string, unknown>, key: k });
        walk(x, depth + 1);
      }
  };
  walk(copy, 0);
  if (!slots.length || r.chance(0.1)) return r.pick(GARBAGE);
  const s = r.pick(slots);
  if (Array.isArray(s.holder) && r.chance(0.3)) s.holder.splice(r.int(s.holder.length + 1), 0, r.pick([null, 1.5, 'x', [] as unknown]));
  else (s.holder as Record<string | number, unknown>)[s.key] = r.pick(GARBAGE);
  return copy;
}

/** Broken framings of a request's JSON; each keeps the stream recoverable at the next header. */
const BROKEN_FRAMES: ((json: string, r: Rng) => string)[] = [
  (j) => `Content-Length: ${Math.max(1, Buffer.byteLength(j) - 7)}\r\n\r\n${j}`, // too short
  (j) => `Content-Length: ${Buffer.byteLength(j) + 23}\r\n\r\n${j}`, // too long
  (j) => `Content-Length: ${Buffer.byteLength(j)}\r\n\r\n${j.slice(0, -1)}x`, // not JSON
  (j) => `garbage ${j.slice(0, 20)}\r\n\r\n`, // a header that is none
  (j) => `Content-Length: abc\r\n\r\n${j}`,
  (j) => `Content-Length: 99999999999\r\n\r\n${j}`, // over the limit
  (j) => `Content-Length: ${Buffer.byteLength(j)}\r\n\r\n[${j.slice(1, -1)}]`, // not an object
];

function harvest(m: Msg, refs: Refs): void {
  const b = m.body;
  if (!b || typeof b !== 'object') return;
  if (Array.isArray(b.threads)) for (const t of b.threads) refs.threads.push(t.id);
  if (Array.isArray(b.stackFrames)) for (const f of b.stackFrames) refs.frames.push(f.id);
  if (Array.isArray(b.scopes)) for (const s of b.scopes) refs.vars.push(s.variablesReference);
  if (Array.isArray(b.variables))
    for (const v of b.variables) {
      if (v.variablesReference) refs.vars.push(v.variablesReference);
      if (v.memoryReference) refs.mem.push(v.memoryReference);
      if (typeof v.name === 'string') refs.names.push(v.name);
    }
  if (typeof b.variablesReference === 'number' && b.variablesReference) refs.vars.push(b.variablesReference);
  if (typeof b.memoryReference === 'string') refs.mem.push(b.memoryReference);
  if (typeof b.dataId === 'string') refs.dataIds.push(b.dataId);
  for (const k of ['threads', 'frames', 'vars', 'mem', 'names', 'dataIds'] as const) if (refs[k].length > 400) refs[k].splice(0, refs[k].length - 400);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<'timeout'>((res) => (t = setTimeout(() => res('timeout'), ms)))]).finally(() => clearTimeout(t));
}

/** Runs `iterations` sessions of 10–40 random requests each from `seed`. Units: requests. */
export async function fuzzDap(seed: number, iterations: number, o: { strict?: boolean } = {}): Promise<FuzzRun> {
  const failures: FuzzFailure[] = [];
  const listingsDir = mkdtempSync(join(tmpdir(), 'vpci-fuzz-listings-'));
  // A long scenario (~43k steps: three of the session's 20k-step run chunks), so `continue` spans chunks and requests land while the machine runs.
  const long = join(listingsDir, 'long.vpci');
  writeFileSync(
    long,
    readFileSync(SCENARIO, 'utf8') + Array.from({ length: 40_000 }, (_, i) => `at ${4000 + i}us raise nic0 vector ${i % 3}`).join('\n') + '\n',
  );
  const refs: Refs = { threads: [], frames: [], vars: [], mem: [], names: [], dataIds: [], listing: join(listingsDir, 'freebsd', 'vmbus_pcib.c') };
  const held = new HeldMachine({ scenario: long, listingsDir });
  let requests = 0;
  let threw = 0;
  let errors = 0;
  let firstThrow = '';
  let doubles = 0;
  let whileRunning = 0;
  let framesBroken = 0;
  let framesRefused = 0;
  const crashes: string[] = [];
  const onCrash = (e: unknown) => crashes.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    for (let it = 0; it < iterations && !failures.length; it++) {
      const s = (seed + it * 0x9e3779b1) >>> 0;
      const r = rng(s);
      const log: string[] = [];
      const fail = (message: string) =>
        failures.push({ target: 'dap', seed, iteration: it, message, reproducer: `iteration seed ${s}; requests:\n${log.join('\n')}` });
      // Some iterations attach to one machine held across the whole run instead of launching:
      // each finds it as an earlier iteration left it (mid-step, running, terminated…).
      const attaching = r.chance(0.2);
      const c = new Conn(held);
      const threwBefore = threw;
      const inflight: Promise<Msg>[] = [];
      const send = (cmd: string, args: unknown): Promise<Msg> => {
        log.push(`${cmd} ${JSON.stringify(args) ?? ''}`);
        requests++;
        const p = c.request(cmd, args).then((m) => {
          harvest(m, refs);
          if (!m.success) {
            errors++;
            // An error is one line for the user: never a stack trace or the adapter's own file paths.
            if (/\n|\bat \S+ \(|\.[jt]s:\d+|node_modules/.test(m.message ?? ''))
              c.problems.push(`error response to ${cmd} carries a stack or a path: ${(m.message ?? '').slice(0, 300)}`);
            if (m.body?.error?.id === 1104) {
              threw++;
              firstThrow ||= `${cmd} ${JSON.stringify(args)}: ${m.body.error.variables?._exception ?? m.message}`;
            }
          }
          return m;
        });
        inflight.push(p);
        return p;
      };
      try {
        await send('initialize', {
          adapterID: 'vpci',
          pathFormat: 'path',
          linesStartAt1: true,
          columnsStartAt1: true,
          supportsVariablePaging: true,
          supportsMemoryReferences: true,
        });
        const launch = r.chance(0.9)
          ? { scenario: r.chance(0.85) ? SCENARIO : long, listingsDir, stopOnEntry: r.chance(0.85) }
          : r.pick<unknown>([
              {},
              { scenario: '/nonexistent.vpci' },
              { scenario: 42 },
              { scenario: SCENARIO, guest: 'plan9', listingsDir },
              { scenario: SCENARIO, host: 'x', listingsDir },
            ]);
        await send(attaching ? 'attach' : 'launch', attaching ? {} : launch);
        await send('configurationDone', {});
        const n = 10 + r.int(30);
        for (let i = 0; i < n; i++) {
          if (r.chance(0.03)) {
            log.push('raw: broken frame');
            c.raw(r.pick(['Content-Length: 5\r\n\r\n{"x":', 'garbage\r\n\r\n', 'Content-Length: 2\r\n\r\n{}']));
            continue;
          }
          if (r.chance(0.02)) {
            // Junk, then a valid request: the junk is reported, the request answered as usual.
            log.push('raw: junk before a frame');
            c.raw(
              Buffer.from(r.bytes(1 + r.int(60)))
                .toString('latin1')
                .replace(/Content-Length/g, ''),
            );
            const [cmd, args] = randomRequest(r, refs);
            void send(cmd, args);
            continue;
          }
          if (r.chance(0.04)) {
            const [cmd, args] = randomRequest(r, refs);
            const k = r.int(BROKEN_FRAMES.length);
            log.push(`broken frame #${k}: ${cmd} ${(JSON.stringify(args) ?? '').slice(0, 200)}`);
            framesBroken++;
            c.brokenRequest(cmd, args, (j) => BROKEN_FRAMES[k]!(j, r));
            continue;
          }
          const [cmd, args] = randomRequest(r, refs);
          const p = send(cmd, args);
          if (cmd === 'continue' || cmd === 'next' || cmd === 'stepIn') {
            // A burst right behind a resume: these reach the session while it runs.
            log.push('(burst without waiting)');
            for (let k = 2 + r.int(5); k > 0; k--) {
              const [c2, a2] = randomRequest(r, refs);
              void send(c2, a2);
            }
          }
          // Mostly wait; sometimes fire the next request at once (requests while running).
          if (r.chance(0.7)) {
            const got = await withTimeout(p, RESPONSE_TIMEOUT_MS);
            if (got === 'timeout') break;
          }
        }
        if (r.chance(0.5)) void send('terminate', {});
        void send('disconnect', {});
        const all = await withTimeout(Promise.all(inflight), RESPONSE_TIMEOUT_MS);
        // A crash first: it names the cause of a missing response (an async handler that rejected).
        if (crashes.length)
          fail(
            `crash (uncaught exception or unhandled rejection; the adapter process would die): ${crashes.join('\n')}${all === 'timeout' ? `\nno response to: ${c.pending().join(', ')}` : ''}`,
          );
        else if (all === 'timeout') fail(`no response to: ${c.pending().join(', ')}`);
        else if (c.problems.length) fail(c.problems.join('; '));
      } catch (e) {
        fail(`fuzz driver error ${e instanceof Error ? e.stack : String(e)}`);
      } finally {
        doubles += c.doubles.length;
        whileRunning += c.handledWhileRunning;
        framesRefused += c.refusedFrames.length;
        if (c.doubles.length) firstThrow ||= `second response attempted for ${c.doubles[0]}`;
        c.close();
      }
      if (o.strict && !failures.length && (threw > threwBefore || c.doubles.length)) fail(`handler threw (error 1104) or answered twice: ${firstThrow}`);
      // Let late timers of the closed session run, so their crashes land in this iteration.
      await new Promise((res) => setImmediate(res));
      if (!failures.length && crashes.length) fail(`crash after the session: ${crashes.join('\n')}`);
    }
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    rmSync(listingsDir, { recursive: true, force: true });
  }
  return {
    iterations,
    units: requests,
    unitName: 'requests',
    failures,
    counts: { threw, doubles, errors, whileRunning, framesBroken, framesRefused },
    ...(firstThrow ? { note: `first handler exception: ${firstThrow}` } : {}),
  };
}
