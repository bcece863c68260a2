// Requests whose arguments the adapter took without checking them against what it can do: found by
// an outside probe of the built adapter. Each answer is now what was asked, or an error saying
// why: a page of variables, data breakpoint ids no device can have, hit counts and log messages
// that can never work, jump targets that goto refuses, setExpression errors about the text typed,
// unknown threads, the older `lines` form of setBreakpoints, and messages whose envelope is broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, rawDapClient, refused, VMBUS_PCIB } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();

/** The testsupport DebugClient has no setExpressionRequest. */
const setExpression = (dc: ReturnType<typeof h.client>, expression: string, value: string): Promise<DebugProtocol.SetExpressionResponse> =>
  dc.customRequest('setExpression', { expression, value }) as Promise<DebugProtocol.SetExpressionResponse>;

test('variables honours start and count on a container of named rows: a page, an empty page past the end', async () => {
  const dc = h.client();
  const stop = await launch(dc, QUICKSTART);
  const frame = (await dc.stackTraceRequest({ threadId: stop.body.threadId as number })).body.stackFrames[0]!;
  const scopes = (await dc.scopesRequest({ frameId: frame.id })).body.scopes;
  const ref = scopes.find((s) => s.name.startsWith('Bus '))!.variablesReference;
  const all = (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  assert.ok(all.length >= 3, `${all.length} rows`);
  const page = (await dc.variablesRequest({ variablesReference: ref, start: 1, count: 2 })).body.variables;
  assert.deepEqual(
    page.map((v) => v.name),
    all.slice(1, 3).map((v) => v.name),
  );
  assert.deepEqual((await dc.variablesRequest({ variablesReference: ref, start: all.length, count: 5 })).body.variables, []);
  assert.deepEqual(
    (await dc.variablesRequest({ variablesReference: ref, start: 2 })).body.variables.map((v) => v.name),
    all.slice(2).map((v) => v.name),
  );
});

test('a data breakpoint id no device can have is unverified, saying why; ids the adapter gives out still verify', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const ids = [
    'cfg:nic0:0:4:9999999',
    'cfg:nic0:0:4096:4',
    'cfg:nic0:0:4:0',
    'cfg:nic0:300:4:2',
    'msix:nic0:0:5000:16',
    'msix:nic0:0:1:4',
    'cfg:nic0:0:4:2',
    'msix:nic0:0:1:16',
  ];
  const r = (await dc.setDataBreakpointsRequest({ breakpoints: ids.map((dataId) => ({ dataId })) })).body.breakpoints;
  assert.deepEqual(
    r.map((b) => b.verified),
    [false, false, false, false, false, false, true, true],
  );
  assert.equal(r[0]!.message, 'Data breakpoint id cfg:nic0:0:4:9999999: config 0x4..+9999999 is past the 4096-byte config space');
  assert.equal(r[2]!.message, 'Data breakpoint id cfg:nic0:0:4:0: it watches no bytes');
  assert.equal(r[3]!.message, 'Data breakpoint id cfg:nic0:300:4:2: slot 300 is not a device and function (0-255)');
  assert.equal(r[4]!.message, 'Data breakpoint id msix:nic0:0:5000:16: MSI-X entry 5000 is past the largest table (2048 entries)');
  assert.equal(
    r[5]!.message,
    'Data breakpoint id msix:nic0:0:1:4: an MSI-X watch is an entry (16 bytes) or one of its dwords (4 bytes at byte 0, 4, 8 or 12 of it): the id says 4 bytes',
  );
});

test('a data breakpoint on a function the scenario never has is unverified; one on a function plugged later verifies as not present yet', async () => {
  const dc = h.client();
  await launch(dc, resolve('examples/relations-update.vpci'));
  const r = (await dc.setDataBreakpointsRequest({ breakpoints: ['cfg:nic0:2:4:2', 'cfg:nic0:1:4:2', 'cfg:nic0:0:4:2'].map((dataId) => ({ dataId })) })).body
    .breakpoints;
  assert.deepEqual(
    r.map((b) => [b.verified, b.message]),
    [
      [false, 'Data breakpoint id cfg:nic0:2:4:2: bus nic0 never has a function at 02.0 in this scenario (it has 00.0, 01.0)'],
      [true, 'nic0/01.0.COMMAND (config 0x04) (the device is not present yet)'],
      [true, 'nic0.COMMAND (config 0x04, RW 0x0547)'],
    ],
  );
});

test('a read data breakpoint on the IDs (config 0x00-0x03) says why it seldom stops: the guests take them from bus relations', async () => {
  const dc = h.client();
  await launch(dc, resolve('examples/quickstart.vpci'));
  const set = (accessType: DebugProtocol.DataBreakpointAccessType, dataId: string) => ({ dataId, accessType });
  const r = (
    await dc.setDataBreakpointsRequest({
      breakpoints: [set('read', 'cfg:nic0:0:0:2'), set('readWrite', 'cfg:nic0:0:2:2'), set('write', 'cfg:nic0:0:0:2'), set('read', 'cfg:nic0:0:0:8')],
    })
  ).body.breakpoints;
  const why = 'guests read the IDs from bus relations';
  assert.equal(r[0]!.message, `nic0.VENDOR_ID (config 0x00, RO); ${why}`);
  assert.equal(r[1]!.message, `nic0.DEVICE_ID (config 0x02, RO); ${why}`);
  // A write, or a range reaching past the IDs (COMMAND is read through the window), is not told so.
  assert.ok(!r[2]!.message!.includes(why) && !r[3]!.message!.includes(why), JSON.stringify(r));
});

test('a data breakpoint on a bus the scenario never has is unverified; one on a bus offered later verifies as not present yet', async () => {
  const dc = h.client();
  await launch(dc, resolve('examples/hot-plug.vpci'));
  const r = (await dc.setDataBreakpointsRequest({ breakpoints: ['cfg:nic9:0:4:2', 'cfg:nvme0:0:4:2'].map((dataId) => ({ dataId })) })).body.breakpoints;
  assert.deepEqual(
    r.map((b) => [b.verified, b.message]),
    [
      [false, 'Data breakpoint id cfg:nic9:0:4:2: this scenario has no bus named nic9'],
      [true, 'nvme0.COMMAND (config 0x04) (the device is not present yet)'],
    ],
  );
});

test('a hit count no number of hits meets, and a log message with an expression that cannot be read, are unverified when set', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const never = ['0', '=0', '==0', '%0', '<1', '<=0'];
  const fine = ['1', '%2', '<2', '>0', '>=1'];
  const r = (
    await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [...never, ...fine].map((hitCondition) => ({ line: 1, hitCondition })) })
  ).body.breakpoints;
  assert.deepEqual(
    r.map((b) => b.verified),
    [...never.map(() => false), ...fine.map(() => true)],
  );
  assert.equal(r[3]!.message, 'Hit count "%0" is never met: hits are counted from 1');
  const logs = (
    await dc.setBreakpointsRequest({
      source: { path: VMBUS_PCIB },
      breakpoints: [
        { line: 1, logMessage: 'x {1+} y' },
        { line: 1, logMessage: 'plain text, {1+1} and {nic0.COMMAND}' },
      ],
    })
  ).body.breakpoints;
  assert.equal(logs[0]!.verified, false);
  assert.match(logs[0]!.message!, /^Log message "\{1\+\}": /);
  assert.equal(logs[1]!.verified, true, logs[1]!.message);
});

test('gotoTargets offers a line only in a function a guest thread is in now, so goto takes every target it offers', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // Step into the driver: its thread's top frame is a function of vmbus_pcib.c.
  let top: DebugProtocol.StackFrame | undefined;
  let tid = 0;
  for (let i = 0; i < 40 && !(top?.source?.path === VMBUS_PCIB); i++) {
    const threads = (await dc.threadsRequest()).body.threads;
    for (const t of threads) {
      const f = (await dc.stackTraceRequest({ threadId: t.id })).body.stackFrames[0];
      if (f?.source?.path === VMBUS_PCIB) [top, tid] = [f, t.id];
    }
    if (top) break;
    const stopped = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: threads[0]!.id });
    await stopped;
  }
  assert.ok(top, 'a thread in vmbus_pcib.c');
  const here = (await dc.gotoTargetsRequest({ source: { path: VMBUS_PCIB }, line: top.line })).body.targets;
  assert.equal(here.length, 1, `line ${top.line} of ${top.name}`);
  await dc.gotoRequest({ threadId: tid, targetId: here[0]!.id });
  // A function nobody is in: hv_pci_delete_device runs only on eject.
  const lines = readFileSync(VMBUS_PCIB, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('hv_pci_delete_device('));
  const body = lines.findIndex((l, i) => i > start && /^\t\S.*;$/.test(l)) + 1;
  assert.ok(start > 0 && body > start);
  assert.deepEqual((await dc.gotoTargetsRequest({ source: { path: VMBUS_PCIB }, line: body })).body.targets, []);
});

test('setExpression errors speak of the text typed: the expression, the value, or a thing that takes no value', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  assert.equal(await refused(setExpression(dc, 'hbus', '1')), 'hbus cannot be assigned (registers such as nic0.COMMAND can)');
  assert.match(await refused(setExpression(dc, 'nic0.COMMAND +', '1')), /^Expression "nic0\.COMMAND \+": .*\(at column 1[45]\)$/);
  assert.match(await refused(setExpression(dc, 'nic0.COMMAND', '1 +')), /^Value "1 \+": .*\(at column [34]\)$/);
  assert.match((await setExpression(dc, 'nic0.COMMAND', '0x6')).body.value, /^0x0*6$/);
  // A field, by the evaluateName its Variables row gives (the Watch view sets it so): within its bits, through the masks.
  await setExpression(dc, 'nic0.COMMAND.MEMORY', '0');
  assert.match((await dc.evaluateRequest({ expression: 'nic0.COMMAND', context: 'watch' })).body.result, /^0x0*4$/);
  await setExpression(dc, 'nic0.COMMAND.MEMORY', '1');
  assert.match((await dc.evaluateRequest({ expression: 'nic0.COMMAND', context: 'watch' })).body.result, /^0x0*6$/);
  assert.equal(await refused(setExpression(dc, 'nic0.COMMAND.MEMORY', '2')), 'nic0.COMMAND.MEMORY is 1 bit wide: 2 does not fit');
  assert.equal(await refused(setExpression(dc, 'nic0.STATUS.CAP_LIST', '0')), 'nic0.STATUS.CAP_LIST is read-only');
  assert.equal(await refused(setExpression(dc, 'nic0.COMMAND.NOPE', '0')), 'no field NOPE in COMMAND');
});

test('stackTrace on a thread that is not there is an error, as next and goto say; setBreakpoints takes the older `lines` too', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  assert.equal(await refused(dc.stackTraceRequest({ threadId: 987654 })), 'Unknown thread 987654');
  const r = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, lines: [1, 2] });
  assert.equal(r.body.breakpoints.length, 2);
  for (const b of r.body.breakpoints) assert.equal(b.verified, true, b.message);
});

test('a message with a broken envelope (seq, type, command) gets an important output, and an error response when it can be addressed', async () => {
  const c = await rawDapClient();
  const got = c.got;
  const send = (m: unknown): void => c.send(m);
  const until = (f: () => boolean): Promise<void> => c.until(f);
  const outputs = (): string[] =>
    got.filter((m) => m.type === 'event' && m.event === 'output').map((m) => (m as { body: { category: string; output: string } }).body.output);
  try {
    send({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'vpci' } });
    await until(() => got.some((m) => m.type === 'response' && m.request_seq === 1));
    // Each is refused at the door (adapter/framing.ts) with an important output naming the field;
    // one that still names a request (an integer seq) gets an error response too.
    const cases: [unknown, RegExp][] = [
      [{ seq: '103', type: 'request', command: 'threads' }, /a request whose "seq" is "103" \(expected an integer\)/],
      [{ seq: 1.5, type: 'request', command: 'threads' }, /a request whose "seq" is 1\.5 \(expected an integer\)/],
      [{ type: 'request', command: 'threads' }, /a request whose "seq" is missing \(expected an integer\)/],
      [{ seq: 7, type: 'request', command: 42 }, /a request whose "command" is 42 \(expected a name\)/],
      [{ seq: 8, type: 'request' }, /a request whose "command" is missing \(expected a name\)/],
      [{ seq: 9, command: 'threads' }, /a message whose "type" is missing/],
      [{ seq: 11, type: 'request', command: '' }, /a request whose "command" is "" \(expected a name\)/],
    ];
    for (const [i, [m, said]] of cases.entries()) {
      send(m);
      await until(() => outputs().length > i);
      assert.match(outputs()[i]!, said, JSON.stringify(m));
      assert.match(outputs()[i]!, /^vPCI Lab: malformed DAP input: /);
    }
    await until(() => got.some((m) => m.type === 'response' && m.request_seq === 11));
    const r11 = got.find((m) => m.type === 'response' && m.request_seq === 11)!;
    assert.equal(r11.success, false);
    assert.match(String(r11.message), /not run, .*"command" is ""/);
    // A request with a seq but no name for a command is answered too (with the empty command): a client
    // waiting on that seq was left waiting for ever.
    for (const [seq, said] of [
      [7, /^request 7: not run, its frame was malformed \(a request whose "command" is 42/],
      [8, /^request 8: not run, its frame was malformed \(a request whose "command" is missing/],
    ] as const) {
      const r = got.find((m) => m.type === 'response' && m.request_seq === seq);
      assert.ok(r, `request ${seq} is answered`);
      assert.equal(r.success, false);
      assert.equal(r.command, '');
      assert.match(String(r.message), said);
    }
    // The session goes on.
    send({ seq: 10, type: 'request', command: 'threads' });
    await until(() => got.some((m) => m.type === 'response' && m.request_seq === 10));
    assert.equal(got.find((m) => m.type === 'response' && m.request_seq === 10)!.success, true);
  } finally {
    c.close();
  }
});

test('breakpoints set before a scenario is loaded say so, whatever their kind (line and function ones are kept, with ids, for the launch: breakpoint-life.test.ts)', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const data = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'cfg:nic0:0:4:2', accessType: 'write' }] });
  const fns = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'vmbus_pcib_attach' }] });
  const lines = await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: 20 }] });
  assert.deepEqual(
    [...data.body.breakpoints, ...fns.body.breakpoints, ...lines.body.breakpoints].map((b) => [b.verified, b.message, b.id]),
    [
      [false, 'No scenario is loaded', undefined],
      [false, 'Set once the scenario loads', 1],
      [false, 'Set once the scenario loads', 2],
    ],
  );
});
