// What a session keeps of the trace events it drops when step-back history is cut is a summary of
// the machine, not of its past: each bus a long hot-plug session offered and rescinded kept its
// last config-window change (to no window) for the views and a dozen events (states, channel
// events, interrupts, its last event) for the verdict, whichever buses the expectations named:
// 282 events kept after 20 cycles, 1,661 after 120. Now a bus no expectation names keeps none of
// those, a window change to no window is not kept, and the verdict is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, LISTINGS } from './harness';
import { hotPlugText } from '../hot-plug-scenario';
import type { VerdictBody } from '../../adapter/protocol';

const h = adapterTests();
const dir = mkdtempSync(join(tmpdir(), 'vpci-kept-events-'));

test('the trace events kept past a history cut do not grow with the buses offered: 20 and 120 hot-plug cycles keep as many, and the verdict is the one of the whole history', async () => {
  const dc = h.client();
  const kept: number[] = [];
  const verdicts: string[][] = [];
  for (const [cycles, history] of [
    [20, 1],
    [120, 1],
    [120, undefined],
  ] as const) {
    const file = join(dir, `hot-plug-${cycles}.vpci`);
    // Expectations on buses of the first cycles, judged at the end from what was kept of them.
    writeFileSync(file, `${hotPlugText(cycles)}expect hp1 attached before 20ms\nexpect hp2 rescinded\nexpect nic0 msix 3\nexpect no errors\n`);
    const args = { scenario: file, listingsDir: LISTINGS, stopOnEntry: false, ...(history ? { historyMaxMemory: history } : {}) };
    const judged = dc.waitForEvent('vpci/verdict').then((e) => (e.body as VerdictBody).results.map((r) => `${r.ok} ${r.what}: ${r.detail}`));
    let end: Promise<DebugProtocol.StoppedEvent>;
    if (!kept.length) end = launch(dc, file, args);
    else {
      end = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await dc.restartRequest({ arguments: args } as DebugProtocol.RestartArguments);
    }
    const stop = await end;
    assert.equal(stop.body.reason, 'end');
    verdicts.push(await judged);
    const frame = (await dc.stackTraceRequest({ threadId: stop.body.threadId! })).body.stackFrames[0]!;
    const scope = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Scenario')!;
    const rows = (await dc.variablesRequest({ variablesReference: scope.variablesReference, format: { hex: false } })).body.variables;
    const held = rows.find((r) => r.name === 'trace events held')?.value ?? '';
    if (history) kept.push(Number(/and (\d+) older ones? still read/.exec(held)?.[1]));
  }
  assert.ok(kept.every(Number.isInteger), JSON.stringify(kept));
  assert.ok(kept[1]! <= kept[0]! + 5, `kept after 20 and 120 cycles: ${kept.join(', ')}`);
  assert.deepEqual(verdicts[1], verdicts[2]);
  assert.equal(verdicts[1]!.length, 4);
  assert.ok(
    verdicts[1]!.every((v) => v.startsWith('true ')),
    verdicts[1]!.join('\n'),
  );
});
