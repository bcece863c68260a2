// Step Out where there is a caller to return to, and a refusal where there is none — as gdb
// refuses `finish` in the outermost frame. A driver thread's outermost frame is where the thread
// starts (the taskqueue loop that never returns), and the scenario timeline and a host VSP thread
// have no function frames: Step Out there ran on to the end of the scenario.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, refused } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const TIMELINE = 1_000_000;
const h = adapterTests();

test('Step Out returns to the caller, and is refused in the outermost frame, on the timeline and on a host thread, leaving the stop where it was', async () => {
  const dc = h.client();
  const first = await launch(dc, QUICKSTART);
  const tid = first.body.threadId!;
  const frames = async (id: number): Promise<string[]> => (await dc.stackTraceRequest({ threadId: id })).body.stackFrames.map((f) => `${f.name}:${f.line}`);
  const at = await frames(tid);
  assert.deepEqual(
    at.map((f) => f.split(':')[0]),
    ['vmbus_pcib_attach', 'vmbus_mgmt_taskqueue_loop'],
  );

  // Out of the attach routine: back in its caller, the taskqueue loop.
  const out = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.stepOutRequest({ threadId: tid });
  const s = await out;
  assert.equal(s.body.reason, 'step');
  assert.equal(s.body.threadId, tid);
  const inLoop = await frames(tid);
  assert.deepEqual(
    inLoop.map((f) => f.split(':')[0]),
    ['vmbus_mgmt_taskqueue_loop'],
  );

  // The loop is where the thread starts: nothing to return to.
  assert.match(
    await refused(dc.stepOutRequest({ threadId: tid })),
    /^Step Out: vmbus_mgmt_taskqueue_loop is the outermost frame of thread 'nic0: vmbus mgmt taskqueue'/,
  );
  // The timeline and a host VSP thread have no function frames.
  assert.match(await refused(dc.stepOutRequest({ threadId: TIMELINE })), /^Step Out: the scenario timeline has no function to return from/);
  const threads = (await dc.threadsRequest()).body.threads;
  const host = threads.find((t) => / host VSP/.test(t.name));
  assert.ok(host, threads.map((t) => t.name).join(', '));
  assert.match(await refused(dc.stepOutRequest({ threadId: host.id })), /^Step Out: the host VSP thread 'nic0: host VSP[^']*' has no function to return from/);

  // Nothing ran: the stop is where it was, and stepping goes on from there.
  assert.deepEqual(await frames(tid), inLoop);
  const step = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.nextRequest({ threadId: tid });
  assert.notEqual((await step).body.reason, 'end');
});
