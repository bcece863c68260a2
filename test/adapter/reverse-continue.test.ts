// Reverse Continue stops where a run forward would have stopped, and nowhere else: the same
// positions, reasons and breakpoint ids, in reverse order — function breakpoints only where their
// function is entered, and at a position where the step before it hit a data breakpoint and a
// line breakpoint stands, the data breakpoint (as going forward). Hit counts are the passes from
// the oldest step held up to there, in both directions, however the run got there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { adapterTests, launch, LISTINGS, VMBUS_PCIB } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const TIMELINE = 1_000_000;
const h = adapterTests();

async function until(dc: DebugClient, req: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await req();
  return s;
}

/** A stop as the user sees it: why, which breakpoints, the stopped thread's frame, virtual time (and what a data breakpoint saw change). */
async function seen(dc: DebugClient, s: DebugProtocol.StoppedEvent): Promise<string> {
  const f = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0];
  const now = (await dc.evaluateRequest({ expression: 'now', context: 'watch' })).body.result;
  // A data breakpoint's stop says what changed (its register, old and new value), an exception's
  // which it is, a message breakpoint's which message went which way: both ways.
  const what =
    s.body.reason === 'data breakpoint' || s.body.reason === 'exception' || s.body.reason === 'function breakpoint'
      ? `: ${s.body.description} / ${s.body.text}`
      : '';
  return `${s.body.reason} ${JSON.stringify(s.body.hitBreakpointIds ?? [])} thread ${s.body.threadId} ${f?.name}:${f?.line} at ${now}${what}`;
}

/** From the start of the run: every stop of Continue to the end, then every stop of Reverse Continue back to the start. */
async function bothWays(dc: DebugClient): Promise<{ forward: string[]; reverse: string[] }> {
  let s = await until(dc, () => dc.reverseContinueRequest({ threadId: TIMELINE }));
  while (s.body.reason !== 'entry') s = await until(dc, () => dc.reverseContinueRequest({ threadId: TIMELINE }));
  const forward: string[] = [];
  for (;;) {
    s = await until(dc, () => dc.continueRequest({ threadId: TIMELINE }));
    if (s.body.reason === 'end') break;
    forward.push(await seen(dc, s));
  }
  const reverse: string[] = [];
  for (;;) {
    s = await until(dc, () => dc.reverseContinueRequest({ threadId: TIMELINE }));
    if (s.body.reason === 'entry') break;
    reverse.push(await seen(dc, s));
  }
  return { forward, reverse: reverse.reverse() };
}

test('a function breakpoint stops going back only where its function is entered, not each time a loop comes back to its first line', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  // vmbus_chan_task's first statement is a for (;;) loop, run once per channel interrupt.
  const set = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'vmbus_chan_task' }, { name: 'taskqueue_thread_loop' }] });
  assert.deepEqual(
    set.body.breakpoints.map((b) => b.verified),
    [true, true],
  );
  const { forward, reverse } = await bothWays(dc);
  assert.ok(forward.length >= 2 && forward.every((l) => l.startsWith('function breakpoint')), forward.join('\n'));
  assert.deepEqual(reverse, forward);
});

test('where a data breakpoint was hit and a line breakpoint stands, Reverse Continue stops as Continue does: on the data breakpoint', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  // The config read after the guest chose the function: the Command register is read by the statement before.
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: 299 }] });
  await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'cfg:nic0:0:4:2', accessType: 'readWrite' }] });
  const { forward, reverse } = await bothWays(dc);
  assert.ok(
    forward.some((l) => l.startsWith('data breakpoint') && l.includes(':299 ')),
    'some data breakpoint stop stands on the line breakpoint',
  );
  assert.deepEqual(reverse, forward);
});

test("an exception or a message breakpoint met by Reverse Continue reads as it did going forward: the exception's text, the message and its way", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  // On WS2016 the host refuses FreeBSD's first version (an error status); the host ejects nic1 (PCI_EJECT).
  await dc.setExceptionBreakpointsRequest({ filters: ['protocol-error', 'error-status', 'fault', 'timeout', 'undeliverable'] });
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_EJECT' }] });
  const { forward, reverse } = await bothWays(dc);
  assert.ok(
    forward.some((l) => l.startsWith('exception')),
    forward.join('\n'),
  );
  assert.ok(
    forward.some((l) => l.includes('PCI_EJECT sent to the guest')),
    forward.join('\n'),
  );
  assert.deepEqual(reverse, forward);
});

test('a hit count counts the pass the session stopped on at entry: Continue and Reverse Continue stop on the same second pass', async () => {
  const dc = h.client();
  const entry = await launch(dc, QUICKSTART, { stopOnEntry: true });
  // The first stop stands on vmbus_pcib_attach's first statement for nic0 (its first pass); nic1's attach passes it next.
  const line = 20;
  assert.equal((await dc.stackTraceRequest({ threadId: entry.body.threadId! })).body.stackFrames[0]!.line, line);
  const set = await dc.setBreakpointsRequest({ source: { path: join(LISTINGS, 'freebsd', 'vmbus_pcib.c') }, breakpoints: [{ line, hitCondition: '2' }] });
  const id = set.body.breakpoints[0]!.id;
  const second = await until(dc, () => dc.continueRequest({ threadId: entry.body.threadId! }));
  assert.deepEqual([second.body.reason, second.body.hitBreakpointIds], ['breakpoint', [id]]);
  assert.notEqual(second.body.threadId, entry.body.threadId, "the second pass is the other bus's attach");
  const at = await seen(dc, second);
  assert.equal((await until(dc, () => dc.continueRequest({ threadId: second.body.threadId! }))).body.reason, 'end');
  assert.equal(await seen(dc, await until(dc, () => dc.reverseContinueRequest({ threadId: TIMELINE }))), at);
});

test("a breakpoint set again (a client sends a file's breakpoints whole when one changes) keeps the history's count: its third hit is not found again", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const src = { path: join(LISTINGS, 'freebsd', 'vmbus_pcib.c') };
  // hv_send_resources_allocated's loop over the slots: passed hundreds of times.
  const line = 208;
  await dc.setBreakpointsRequest({ source: src, breakpoints: [{ line, hitCondition: '3' }] });
  let s = await until(dc, () => dc.reverseContinueRequest({ threadId: TIMELINE }));
  assert.equal(s.body.reason, 'entry');
  const third = await until(dc, () => dc.continueRequest({ threadId: TIMELINE }));
  assert.equal(third.body.reason, 'breakpoint');
  const at = await seen(dc, third);
  const again = await dc.setBreakpointsRequest({
    source: src,
    breakpoints: [
      { line, hitCondition: '3' },
      { line: 20, condition: 'now < 0' },
    ],
  });
  s = await until(dc, () => dc.continueRequest({ threadId: third.body.threadId! }));
  assert.equal(s.body.reason, 'end', 'passes 4, 5 and 6 are not hits 1, 2 and 3');
  const back = await until(dc, () => dc.reverseContinueRequest({ threadId: TIMELINE }));
  assert.equal((await seen(dc, back)).replace(/\[\d+\]/, `[${third.body.hitBreakpointIds![0]}]`), at);
  assert.deepEqual(back.body.hitBreakpointIds, [again.body.breakpoints[0]!.id]);
});

test('a launch that does not stop on entry stops on a breakpoint before its very first step, as Reverse Continue does', async () => {
  const dc = h.client();
  // Before the run starts (configurationDone), as VS Code sets them: on the scenario's `at 0 boot`.
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const first = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: false } as DebugProtocol.LaunchRequestArguments);
  const set = await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: 15 }] });
  await dc.configurationDoneRequest();
  const s = await first;
  assert.deepEqual([s.body.reason, s.body.hitBreakpointIds], ['breakpoint', [set.body.breakpoints[0]!.id]]);
  const at = await seen(dc, s);
  assert.match(at, /at 0 ns: boot:15 at 0 ns$/);
  assert.equal((await until(dc, () => dc.continueRequest({ threadId: TIMELINE }))).body.reason, 'end');
  assert.equal(await seen(dc, await until(dc, () => dc.reverseContinueRequest({ threadId: TIMELINE }))), at);
});
