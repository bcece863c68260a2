// Shared set-up for the DAP feature tests: one in-process adapter server on
// 127.0.0.1 per test file, a fresh DebugClient per test, and a launch that
// waits for the first stop.
import { before, after, beforeEach, afterEach } from 'node:test';
import { connect, type AddressInfo, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runTcp } from '../../adapter/server';

export const LISTINGS = mkdtempSync(join(tmpdir(), 'vpci-listings-'));
export const VMBUS_PCIB = join(LISTINGS, 'freebsd', 'vmbus_pcib.c');

/**
 * `p`, or an error saying `what` was not seen within `ms` ms: a guard so that an expectation that
 * is never met fails the test instead of hanging the run.
 */
export function limited<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    // Unref'd: a wait a failed test left behind does not hold the run open for its limit.
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms).unref();
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/**
 * The DebugClient every adapter test uses. The library drops its own time limits when it talks to
 * an adapter over a port (in @vscode/debugadapter-testsupport's debugClient.js, waitForEvent and
 * assertOutput set no timer once `_socket` is set, meant for debugging the tests), and no request
 * has a limit there at all; so an event that never came (a 'stopped' where the adapter ended the
 * session) or a request never answered waited for ever, and the run hung instead of failing.
 * Here each wait and each request ends at `defaultTimeout` (or the wait's own) with an error:
 * two minutes unless a test says otherwise, well past the longest wait of a test here (a Continue
 * of 5,000,000 steps, ~18 s alone on a 2-core machine), so a slow machine fails nothing that passes.
 */
export class TestClient extends DebugClient {
  override defaultTimeout = 120_000;

  override waitForEvent(eventType: string, timeout?: number): Promise<DebugProtocol.Event> {
    const ms = timeout ?? this.defaultTimeout;
    return limited(super.waitForEvent(eventType, ms), ms, `no '${eventType}' event received`);
  }

  override assertOutput(category: string, expected: string, timeout?: number): Promise<DebugProtocol.Event> {
    const ms = timeout ?? this.defaultTimeout;
    return limited(super.assertOutput(category, expected, ms), ms, `no ${category} output ${JSON.stringify(expected)} received`);
  }

  constructor(...args: ConstructorParameters<typeof DebugClient>) {
    super(...args);
    // send's typed overloads (one per request) admit no override with one signature: wrapped here.
    const send = this.send.bind(this) as (command: string, a?: unknown) => Promise<DebugProtocol.Response>;
    this.send = ((command: string, a?: unknown) =>
      limited(send(command, a), this.defaultTimeout, `no response to '${command}' received`)) as DebugClient['send'];
  }
}

/** Registers the hooks; `client()` is the current test's DebugClient. */
export function adapterTests(): { client: () => DebugClient } {
  let server: Server;
  let port = 0;
  let dc: DebugClient;
  before(async () => {
    server = await runTcp(0, (p) => (port = p));
  });
  after(() => server.close());
  beforeEach(async () => {
    dc = new TestClient('node', 'unused', 'vpci');
    await dc.start(port);
  });
  afterEach(async () => {
    await dc.stop();
  });
  return { client: () => dc };
}

/** initialize (as VS Code does) + launch + configurationDone; resolves with the first stop. */
export async function launch(dc: DebugClient, scenario: string, extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  await dc.initializeRequest({
    adapterID: 'vpci',
    pathFormat: 'path',
    linesStartAt1: true,
    columnsStartAt1: true,
    supportsVariablePaging: true,
    supportsVariableType: true,
    supportsInvalidatedEvent: true,
    supportsMemoryEvent: true,
    supportsMemoryReferences: true,
  });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario, listingsDir: LISTINGS, ...extra } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  return stopped;
}

/** continue, resolving with the next stop. */
export async function cont(dc: DebugClient, threadId = 1): Promise<DebugProtocol.StoppedEvent> {
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId });
  return s;
}

/**
 * A raw DAP client over TCP to a fresh adapter server: frames written by hand (what no DAP
 * library would send: a message nested 5,000 levels, a broken envelope), every message read.
 */
export async function rawDapClient(limitMs = 120_000): Promise<{
  got: Record<string, unknown>[];
  /** Writes `json` (text, as it is) in one Content-Length frame. */
  sendText(json: string): void;
  /** Writes the messages' frames in one write (they arrive together, as a pipelining client sends them). */
  sendAll(ms: unknown[]): void;
  send(m: unknown): void;
  /** Resolves once `f()` holds (checked after every message that arrives). */
  until(f: () => boolean): Promise<void>;
  responseTo(seq: number): Promise<Record<string, unknown>>;
  close(): void;
}> {
  const server = await runTcp(0);
  const sock = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const got: Record<string, unknown>[] = [];
  let buf = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const hd = buf.indexOf('\r\n\r\n');
      if (hd < 0) break;
      const n = Number(/Content-Length: (\d+)/.exec(buf.subarray(0, hd).toString())![1]);
      if (buf.length < hd + 4 + n) break;
      got.push(JSON.parse(buf.subarray(hd + 4, hd + 4 + n).toString()) as Record<string, unknown>);
      buf = buf.subarray(hd + 4 + n);
    }
    waiters.splice(0).forEach((w) => w());
  });
  const sendText = (json: string): void => void sock.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  let closed = false;
  sock.on('close', () => {
    closed = true;
    waiters.splice(0).forEach((w) => w());
  });
  // Ends with an error when the adapter closes the connection or nothing that holds `f` comes
  // within `limitMs` (two minutes, as the TestClient's waits above): a message that never comes fails the test.
  const until = (f: () => boolean): Promise<void> =>
    limited(
      (async () => {
        while (!f()) {
          if (closed) throw new Error('the adapter closed the connection before the awaited message came');
          await new Promise<void>((res) => waiters.push(res));
        }
      })(),
      limitMs,
      'the awaited message was not received',
    );
  return {
    got,
    sendText,
    send: (m) => sendText(JSON.stringify(m)),
    sendAll: (ms) =>
      void sock.write(
        ms
          .map((m) => JSON.stringify(m))
          .map((j) => `Content-Length: ${Buffer.byteLength(j)}\r\n\r\n${j}`)
          .join(''),
      ),
    until,
    responseTo: async (seq) => {
      const find = () => got.find((m) => m.type === 'response' && m.request_seq === seq);
      await until(() => find() !== undefined);
      return find()!;
    },
    close: () => {
      sock.destroy();
      server.close();
    },
  };
}

/** The error a request gets (fails the test if it succeeds). */
export async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the request succeeded');
}
