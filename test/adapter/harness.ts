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
    dc = new DebugClient('node', 'unused', 'vpci');
    dc.defaultTimeout = 20_000;
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
export async function rawDapClient(): Promise<{
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
  const until = async (f: () => boolean): Promise<void> => {
    while (!f()) await new Promise<void>((res) => waiters.push(res));
  };
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
