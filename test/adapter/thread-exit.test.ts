// The threads of a bridge instance the guest has detached end: a hot-plug reproduction offers,
// drives and rescinds bus after bus, and each bus gone kept its four threads (host VSP, management
// queue, task queue, channel callback) waiting for ever, so the Call Stack listed four more at
// every cycle and the machine kept their frames. They now end once the bus's detach has run and
// its channel is closed, and a client that was shown them is told `exited` (DAP's thread event).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, LISTINGS } from './harness';
import { hotPlugText } from '../hot-plug-scenario';
import { loadScenarioFile } from '../../adapter/load';
import { SCENARIO_THREAD } from '../../adapter/runtime';

const h = adapterTests();
const dir = mkdtempSync(join(tmpdir(), 'vpci-thread-exit-'));

function scenario(cycles: number, guest = 'freebsd'): string {
  const file = join(dir, `${guest}-${cycles}.vpci`);
  writeFileSync(file, hotPlugText(cycles).replace('guest freebsd', `guest ${guest}`));
  return file;
}

for (const guest of ['freebsd', 'linux']) {
  test(`${guest}: once 12 buses are rescinded and detached, their threads have ended and hold no frames; the bus still attached keeps its four`, () => {
    const m = loadScenarioFile(scenario(12, guest)).machine!;
    m.run();
    const gone = m.threads.filter((t) => t.name.startsWith('hp'));
    // Per bus: host VSP, management, task queue and callback threads, and the function driver's.
    assert.equal(gone.length, 12 * 5);
    assert.deepEqual(
      gone.filter((t) => t.status !== 'done' || t.frames.length).map((t) => `${t.name}: ${t.status}`),
      [],
    );
    assert.deepEqual(
      m.threads.filter((t) => t.name.startsWith('nic0') && t.status !== 'done').map((t) => t.role),
      ['host', 'mgmt', 'taskq', 'callback'],
    );
  });
}

test('the threads a client is shown do not grow with the buses rescinded: 3 or 30 hot-plug cycles list the same threads', async () => {
  const dc = h.client();
  const listed: string[][] = [];
  for (const cycles of [3, 30]) {
    let end: Promise<DebugProtocol.StoppedEvent>;
    if (!listed.length) end = launch(dc, scenario(cycles), { stopOnEntry: false });
    else {
      end = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await dc.restartRequest({ arguments: { scenario: scenario(cycles), listingsDir: LISTINGS, stopOnEntry: false } } as DebugProtocol.RestartArguments);
    }
    assert.equal((await end).body.reason, 'end');
    listed.push((await dc.threadsRequest()).body.threads.map((t) => t.name));
  }
  assert.deepEqual(listed[1], listed[0]);
  assert.equal(listed[0]!.filter((n) => n.startsWith('hp')).length, 0, listed[0]!.join('\n'));
});

test("a thread the client was shown that has ended is told 'exited' at the next stop, once", async () => {
  const dc = h.client();
  const exited: number[] = [];
  dc.on('thread', (e: DebugProtocol.ThreadEvent) => {
    if (e.body.reason === 'exited') exited.push(e.body.threadId);
  });
  const entry = await launch(dc, scenario(2), { stopOnEntry: true });
  assert.equal(entry.body.reason, 'entry');
  const names = new Map<number, string>();
  // The scenario thread's Step Over stops before each timeline event; VS Code asks for the threads at every stop.
  for (let i = 0; i < 12; i++) {
    for (const t of (await dc.threadsRequest()).body.threads) names.set(t.id, t.name.replace(/ \(.*$/, ''));
    const stop = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.nextRequest({ threadId: SCENARIO_THREAD });
    if ((await stop).body.reason === 'end') break;
  }
  const shown = (await dc.threadsRequest()).body.threads;
  // hp0 and hp1 were offered, driven and rescinded: their bridge threads ended, each told once.
  const bridge = (bus: string) => [...names].filter(([, n]) => n.startsWith(`${bus}: `) && !n.endsWith(' driver')).map(([id]) => id);
  for (const bus of ['hp0', 'hp1']) {
    assert.equal(bridge(bus).length, 4, [...names.values()].join('\n'));
    for (const id of bridge(bus)) assert.equal(exited.filter((x) => x === id).length, 1, `${names.get(id)} told exited once`);
  }
  assert.deepEqual(
    shown.filter((t) => exited.includes(t.id)),
    [],
  );
  assert.ok(!exited.some((id) => names.get(id)!.startsWith('nic0: ') && !names.get(id)!.endsWith(' driver')), 'nic0 is still attached');
});
