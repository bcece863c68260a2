// Shared set-up for the DAP feature tests: one in-process adapter server on
// 127.0.0.1 per test file, a fresh DebugClient per test, and a launch that
// waits for the first stop.
import { before, after, beforeEach, afterEach } from 'node:test';
import type { Server } from 'node:net';
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
