// Breakpoints over a session's life, over real DAP traffic: a condition or log message reads the
// names Locals shows, a listing path written another way is the same file, a restart keeps the
// ids the client knows (hit counts afresh), and once `terminated` is sent nothing changes the
// machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, cont, launch, LISTINGS, VMBUS_PCIB } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();

function lineOf(text: string): number {
  const i = readFileSync(VMBUS_PCIB, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
}

/** The attach routine's statement after `int rid = 0;`, where Locals shows rid. */
const AFTER_RID = 'hbus = malloc(sizeof(*hbus), M_DEVBUF, M_WAITOK | M_ZERO);';

test('a condition and a log message read the names Locals shows (rid, a declared local)', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const line = lineOf(AFTER_RID);
  const set = await dc.setBreakpointsRequest({
    source: { path: VMBUS_PCIB },
    breakpoints: [
      { line, condition: 'rid == 5' },
      { line: line + 1, logMessage: 'rid is {rid}' },
      { line: line + 2, condition: 'rid == 0' },
    ],
  });
  assert.deepEqual(
    set.body.breakpoints.map((b) => b.verified),
    [true, true, true],
  );
  const out: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
  const s = await cont(dc);
  // rid is 0: the first does not stop, the second logs, the third stops.
  assert.deepEqual(s.body.hitBreakpointIds, [set.body.breakpoints[2]!.id]);
  assert.ok(
    out.some((o) => o.includes('rid is 0x0')),
    out.join(''),
  );
  assert.ok(!out.some((o) => /could not be evaluated/.test(o)), out.join(''));
});

test('a listing path written another way (…/freebsd/../freebsd/…) is the same file: its breakpoint stops', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const odd = `${dirname(VMBUS_PCIB)}/../freebsd/vmbus_pcib.c`; // not normalised (join would)
  const set = await dc.setBreakpointsRequest({ source: { path: odd }, breakpoints: [{ line: lineOf(AFTER_RID) }] });
  assert.equal(set.body.breakpoints[0]!.verified, true);
  const s = await cont(dc);
  assert.equal(s.body.reason, 'breakpoint');
  assert.deepEqual(s.body.hitBreakpointIds, [set.body.breakpoints[0]!.id]);
});

test("a breakpoint in another guest model's listing, or on another model's function, says which model it is of and which this run's guest is", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  // The listings folder holds every model's listings; the quickstart runs FreeBSD.
  const linux = resolve(LISTINGS, 'linux', 'pci-hyperv.c');
  const line = (await dc.setBreakpointsRequest({ source: { path: linux }, breakpoints: [{ line: 30 }] })).body.breakpoints[0]!;
  assert.equal(line.verified, false);
  assert.match(line.message ?? '', /^A listing of the linux guest model: this run's guest is freebsd/);
  const fn = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_pci_probe' }, { name: 'no_such_function' }] })).body.breakpoints;
  assert.equal(fn[0]!.message, "'hv_pci_probe' is a function of the linux guest model: this run's guest is freebsd");
  assert.equal(fn[1]!.message, "No driver function or protocol message named 'no_such_function'");
  // A file that is no listing at all is still told so.
  const other = (await dc.setBreakpointsRequest({ source: { path: resolve('README.md') }, breakpoints: [{ line: 1 }] })).body.breakpoints[0]!;
  assert.equal(other.message, 'Not a vPCI driver listing or the running scenario');
});

test('a restart keeps the breakpoint ids the client knows and counts hits afresh', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const fn = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'vmbus_pcib_attach', hitCondition: '1' }] });
  const line = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: lineOf(AFTER_RID) }] });
  const fnId = fn.body.breakpoints[0]!.id!;
  const lineId = line.body.breakpoints[0]!.id!;
  assert.notEqual(fnId, lineId);
  const run = async (): Promise<number[][]> => [(await cont(dc)).body.hitBreakpointIds ?? [], (await cont(dc)).body.hitBreakpointIds ?? []];
  // The first stop is at the attach routine's entry itself: the function breakpoint counts from there.
  const first = await run();
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.restartRequest({ arguments: { scenario: QUICKSTART, stopOnEntry: true, listingsDir: LISTINGS } } as DebugProtocol.RestartArguments);
  await stopped;
  assert.deepEqual(await run(), first);
});

test('after terminated nothing changes the machine: console commands, register and memory writes, eject, Debug at Cause', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const terminated = dc.waitForEvent('terminated');
  await dc.terminateRequest({});
  await terminated;
  let stops = 0;
  dc.on('stopped', () => stops++);
  const ENDED = 'The session has ended: restart it to run the scenario again';
  const refused = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.equal(e instanceof Error ? e.message : e, ENDED);
  };
  await refused(dc.evaluateRequest({ expression: 'eject nic1', context: 'repl' }));
  await refused(dc.evaluateRequest({ expression: 'cfg nic0 4 = 7', context: 'repl' }));
  await refused(dc.customRequest('setExpression', { expression: 'nic0.COMMAND', value: '7' }));
  await refused(dc.customRequest('vpci/eject', { bus: 'nic0' }));
  await refused(dc.customRequest('vpci/goToCause', { line: 20 }));
  await refused(dc.customRequest('vpci/gotoEvent', { index: 1 }));
  // Reading still works.
  assert.match((await dc.evaluateRequest({ expression: 'steps', context: 'repl' })).body.result, /^\d/);
  assert.equal(stops, 0);
});

test('a restart without arguments runs what the last restart ran (its guest), not the first launch', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const restart = async (args?: Record<string, unknown>): Promise<string> => {
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.restartRequest(args ? { arguments: args } : {});
    const s = await stopped;
    return (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.name;
  };
  assert.equal(await restart({ scenario: QUICKSTART, stopOnEntry: true, listingsDir: LISTINGS, guest: 'linux' }), 'hv_pci_probe');
  assert.equal(await restart(), 'hv_pci_probe');
});

test('a breakpoint past the end of the scenario or of a listing says how many lines the file has', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const lines = (p: string) => readFileSync(p, 'utf8').replace(/\n$/, '').split('\n').length;
  const scen = await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: 500 }, { line: 22 }] });
  assert.deepEqual(
    scen.body.breakpoints.map((b) => [b.verified, b.message]),
    [
      [false, `Past the end of the scenario: it has ${lines(QUICKSTART)} lines`],
      // Inside the file, past its last timeline event: why, without a line count.
      [false, 'Breakpoints in a scenario stand on timeline events (`at …` lines); there is none at or after this line'],
    ],
  );
  const listing = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: 100_000 }] });
  assert.equal(listing.body.breakpoints[0]!.message, `Past the end of the listing: it has ${lines(VMBUS_PCIB)} lines`);
});

test('breakpoints set before the launch are kept with their ids, verified once it has loaded, and hit', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const early = await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: 17 }] });
  const [bp] = early.body.breakpoints;
  assert.deepEqual(bp, { id: bp!.id, verified: false, message: 'Set once the scenario loads' });
  const fn = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'nope_not_a_function' }] })).body.breakpoints[0]!;
  // No exception filter: the fault a run would stop on by default passes.
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  const changed: DebugProtocol.BreakpointEvent['body'][] = [];
  dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e.body));
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: false } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  const s = await stopped;
  assert.deepEqual(s.body.hitBreakpointIds, [bp.id]);
  assert.deepEqual(
    changed.map((c) => [c.breakpoint.id, c.breakpoint.verified, c.breakpoint.line]),
    [
      [bp.id, true, 17],
      [fn.id, false, undefined],
    ],
  );
  // A breakpoint set now gets an id of its own.
  const later = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_EJECT' }] });
  assert.ok(![bp.id, fn.id].includes(later.body.breakpoints[0]!.id));
});

test('exception filters chosen before the launch are the run’s', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path' });
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({
    scenario: resolve('test/adapter/fixtures/fault.vpci'),
    listingsDir: LISTINGS,
    stopOnEntry: false,
  } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  assert.equal((await stopped).body.reason, 'end');
});

test('a breakpoint on line 0 or before is no line of the file: unverified, where it was moved to the first event', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  for (const path of [QUICKSTART, VMBUS_PCIB]) {
    const r = await dc.setBreakpointsRequest({ source: { path }, breakpoints: [{ line: 0 }, { line: -5 }, { line: 1 }] });
    assert.deepEqual(
      r.body.breakpoints.map((b) => [b.verified, b.message]),
      [
        [false, 'Before the first line of the file'],
        [false, 'Before the first line of the file'],
        [true, undefined],
      ],
      path,
    );
  }
});
