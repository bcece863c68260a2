// What the adapter refuses, and how: requests that cannot run now (a second launch, a reverse run
// or a change to the machine while a run is going, anything after `terminated`), messages nested
// deeper than any request, requests the adapter does not support, malformed memory references,
// values that do not fit, breakpoint conditions that cannot be read or evaluated — each an error
// response or an unverified breakpoint with one line saying why, never a silent success.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, cont, rawDapClient, refused, LISTINGS, VMBUS_PCIB } from './harness';
import { hotPlugText } from '../hot-plug-scenario';
import { VpciDebugSession } from '../../adapter/session';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();
let dir = '';
let LONG = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vpci-refusals-'));
  // 150 hot-plug cycles: many chunks of emulator steps (20,000 each), so a request sent after
  // `continue` finds the run going, again and again before the scenario's end.
  LONG = join(dir, 'long.vpci');
  writeFileSync(LONG, hotPlugText(150));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO_THREAD = 1_000_000;

/** Sends `continue` and, in the same turn, `then`: the second request arrives while the run goes. Pauses the run after. */
async function whileRunning<T>(dc: DebugClient, then: () => Promise<T>): Promise<T> {
  const c = dc.continueRequest({ threadId: SCENARIO_THREAD });
  const r = then();
  await c;
  const settled = await Promise.allSettled([r]);
  const paused = dc.waitForEvent('stopped');
  await dc.pauseRequest({ threadId: SCENARIO_THREAD });
  await paused;
  if (settled[0].status === 'rejected') throw settled[0].reason;
  return settled[0].value;
}

test('a second launch in one session is refused (a restart loads a scenario again); the first run goes on', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const why = await refused(dc.launchRequest({ scenario: LONG } as DebugProtocol.LaunchRequestArguments));
  assert.match(why, /^This session has launched a scenario already: restart it/);
  const end = await cont(dc, SCENARIO_THREAD);
  assert.equal(end.body.reason, 'end');
  // The verdict is the quickstart's, on the quickstart's run.
  const threads = await dc.threadsRequest();
  assert.ok(threads.body.threads.some((t) => /nic0/.test(t.name)));
});

test('while a run goes, Reverse Continue and every change to the machine are refused: pause first', async () => {
  const dc = h.client();
  await launch(dc, LONG);
  assert.match(
    await whileRunning(dc, () => refused(dc.customRequest('reverseContinue', { threadId: SCENARIO_THREAD }))),
    /^The session is running: pause first$/,
  );
  for (const expression of ['eject nic0', 'nic0.COMMAND = 0', 'cfg nic0 4 = 0 2', 'raise nic0 0', 'offer nic9 intel-82599-vf']) {
    const why = await whileRunning(dc, () => refused(dc.evaluateRequest({ expression, context: 'repl' })));
    assert.match(why, /^The session is running: pause first$/, expression);
  }
  const mem = await whileRunning(dc, () => refused(dc.customRequest('writeMemory', { memoryReference: 'cfg/nic0/0', offset: 4, data: 'AAA=' })));
  assert.match(mem, /^The session is running: pause first$/);
  // Paused, the same changes are taken.
  const ok = await dc.evaluateRequest({ expression: 'nic0.COMMAND = 0x6', context: 'repl' });
  assert.match(ok.body.result, /^nic0\.COMMAND = 0x0006$/);
});

test('Set Value on a register while a run goes is refused; paused it is taken', async () => {
  const dc = h.client();
  const s = await launch(dc, LONG);
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const dev = scopes.body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
  const header = top.find((v) => v.name === 'Header')!;
  const why = await whileRunning(dc, () => refused(dc.setVariableRequest({ variablesReference: header.variablesReference, name: 'COMMAND', value: '0' })));
  assert.match(why, /^The session is running: pause first$/);
});

test("while a run goes, the Call Stack, scopes and Variables are refused (they answered the machine mid-run, with the last stop's ids); paused, they answer", async () => {
  const dc = h.client();
  const s = await launch(dc, LONG);
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const frameId = st.body.stackFrames[0]!.id;
  const scope = (await dc.scopesRequest({ frameId })).body.scopes[0]!;
  for (const ask of [
    () => dc.stackTraceRequest({ threadId: s.body.threadId! }),
    () => dc.scopesRequest({ frameId }),
    () => dc.variablesRequest({ variablesReference: scope.variablesReference }),
  ])
    assert.match(await whileRunning(dc, () => refused(ask())), /^The session is running: pause first$/);
  const again = await dc.stackTraceRequest({ threadId: SCENARIO_THREAD });
  assert.ok(again.body.stackFrames.length > 0);
});

test('a restart that fails while a run goes leaves the machine paused where the run got to, and says so', async () => {
  const dc = h.client();
  await launch(dc, LONG);
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  void dc.continueRequest({ threadId: SCENARIO_THREAD });
  const why = await refused(dc.customRequest('restart', { arguments: { scenario: join(dir, 'missing.vpci') } }));
  assert.match(why, /^Cannot load .*missing\.vpci/);
  const s = await stopped;
  assert.equal(s.body.reason, 'pause');
  assert.match((s.body as { text?: string }).text ?? '', /^The restart failed: paused where the run got to$/);
  // The machine still answers and steps on.
  const next = await cont(dc, SCENARIO_THREAD);
  assert.equal(next.body.reason, 'end');
});

test('after `terminated` nothing runs, steps or stops again until a restart', async () => {
  const dc = h.client();
  const s = await launch(dc, QUICKSTART);
  const terminated = dc.waitForEvent('terminated');
  await dc.terminateRequest({});
  await terminated;
  for (const [command, args] of [
    ['next', { threadId: s.body.threadId }],
    ['stepBack', { threadId: s.body.threadId }],
    ['continue', { threadId: SCENARIO_THREAD }],
    ['reverseContinue', { threadId: SCENARIO_THREAD }],
    ['pause', { threadId: SCENARIO_THREAD }],
  ] as const)
    assert.match(await refused(dc.customRequest(command, args)), /^The session has ended: restart it/, command);
  // A restart loads the scenario afresh and runs again.
  const again = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.customRequest('restart', {});
  assert.equal((await again).body.reason, 'entry');
  const step = dc.waitForEvent('stopped');
  await dc.nextRequest({ threadId: s.body.threadId! });
  await step;
});

test('a message nested deeper than any request is refused at the door with an important output; the session goes on', async () => {
  // A raw client: no JSON library writes 5,000 levels (JSON.stringify overflows first), a hand-made frame does.
  const c = await rawDapClient();
  try {
    c.send({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'vpci' } });
    await c.responseTo(1);
    c.sendText(`{"seq":2,"type":"request","command":"threads","arguments":{"x":${'['.repeat(5000)}0${']'.repeat(5000)}}}`);
    const r = await c.responseTo(2);
    assert.equal(r.success, false);
    assert.match(String(r.message), /^threads: not run, its message is nested more than 64 levels deep/);
    const said = c.got.find((m) => m.type === 'event' && m.event === 'output') as { body: { category: string; output: string } } | undefined;
    assert.equal(said?.body.category, 'important');
    assert.match(said.body.output, /nested more than 64 levels deep/);
    // The session goes on: 60 levels are fine.
    c.sendText(`{"seq":3,"type":"request","command":"threads","arguments":{"x":${'['.repeat(60)}0${']'.repeat(60)}}}`);
    assert.equal((await c.responseTo(3)).success, true);
  } finally {
    c.close();
  }
});

test('the inline adapter (VS Code calls handleMessage itself) refuses the same deep message, and the session goes on', () => {
  // It overflowed the stack walking the request (the protocol log's JSON.stringify): the exception
  // went up into the extension host and the request was never answered.
  const s = new VpciDebugSession();
  const got: DebugProtocol.ProtocolMessage[] = [];
  s.onDidSendMessage((m) => got.push(m as DebugProtocol.ProtocolMessage));
  s.handleMessage({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'vpci' } } as DebugProtocol.Request);
  let deep: unknown = 0;
  for (let i = 0; i < 20_000; i++) deep = [deep];
  s.handleMessage({ seq: 2, type: 'request', command: 'threads', arguments: { x: deep } } as DebugProtocol.Request);
  s.handleMessage({ seq: 3, type: 'request', command: 'threads', arguments: {} } as DebugProtocol.Request);
  const answers = got.filter((m): m is DebugProtocol.Response => m.type === 'response');
  assert.deepEqual(
    answers.map((r) => [r.request_seq, r.success]),
    [
      [1, true],
      [2, false],
      [3, true],
    ],
  );
  assert.match(String(answers[1]!.message), /^threads: not run, its message is nested more than 64 levels deep/);
  s.dispose();
});

test('requests the adapter does not support are errors saying so, not empty successes', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  for (const [command, args] of [
    ['disassemble', { memoryReference: 'cfg/nic0/0', instructionCount: 10 }],
    ['setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x0' }] }],
    ['stepInTargets', { frameId: 1 }],
    ['terminateThreads', { threadIds: [1] }],
  ] as const)
    assert.match(await refused(dc.customRequest(command, args)), new RegExp(`^${command} is not supported: `), command);
  const long = 'x'.repeat(100_000);
  const why = await refused(dc.customRequest(long, {}));
  assert.ok(why.length < 100, `${why.length} characters`);
});

test('readMemory on a BAR gives the same bytes whatever the read starts at, to its last byte', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const end = await cont(dc, SCENARIO_THREAD); // the driver has placed the BARs
  const st = await dc.stackTraceRequest({ threadId: end.body.threadId! });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const dev = scopes.body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
  const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
  const bars = (await dc.variablesRequest({ variablesReference: top.find((v) => v.name === 'BARs')!.variablesReference })).body.variables;
  const ref = bars.find((v) => v.memoryReference)?.memoryReference;
  assert.ok(ref, bars.map((v) => v.name).join(', '));

  const whole = await dc.customRequest('readMemory', { memoryReference: ref, offset: 0, count: 1 << 20 });
  const size = Buffer.from(whole.body.data, 'base64').length;
  assert.ok(size >= 16, `BAR0 holds ${size} bytes`);
  const all = Buffer.from(whole.body.data, 'base64');
  for (const start of [size - 4, size - 3, size - 2, size - 1, 1, 2, 3, 5]) {
    const r = await dc.customRequest('readMemory', { memoryReference: ref, offset: start, count: 8 });
    const got = Buffer.from(r.body.data, 'base64');
    assert.deepEqual(got, all.subarray(start, start + 8), `from ${start}`);
    assert.equal(r.body.unreadableBytes ?? 0, Math.max(0, start + 8 - size), `from ${start}`);
  }
  // Before the BAR: the bytes up to its start are unreadable (a client reads on from there).
  const before = await dc.customRequest('readMemory', { memoryReference: ref, offset: -4, count: 8 });
  assert.equal(before.body.unreadableBytes, 4);
  assert.equal(before.body.data, undefined);
});

test('memory references are read only as the adapter writes them', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  assert.ok((await dc.customRequest('readMemory', { memoryReference: 'cfg/nic0/0', offset: 0, count: 4 })).body.data);
  for (const memoryReference of ['cfg/nic0/', 'cfg/nic0/ 0', 'cfg/nic0/0.0', 'cfg/nic0/00', 'cfg/nic0/0x0', 'bar/nic0/0/', 'pkt/', 'pkt/0x1', 'pkt/-1'])
    assert.match(await refused(dc.customRequest('readMemory', { memoryReference, offset: 0, count: 4 })), /^No (function|BAR|trace event)/, memoryReference);
});

test('a value typed into a register follows the expression rules: all ones from -1 or 0xffffffffffffffff, an error when it does not fit in 64 bits', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const set = (value: string): Promise<DebugProtocol.SetExpressionResponse> =>
    dc.customRequest('setExpression', { expression: 'nic0.COMMAND', value }) as Promise<DebugProtocol.SetExpressionResponse>;
  const ones = (await set('-1')).body.value;
  assert.notEqual(ones, '0x0000');
  await set('0');
  assert.equal((await set('0xffffffffffffffff')).body.value, ones);
  assert.match(await refused(set('99999999999999999999')), /does not fit in 64 bits/);
  assert.match(await refused(dc.evaluateRequest({ expression: 'nic0.COMMAND = 99999999999999999999', context: 'repl' })), /does not fit in 64 bits/);
});

test('the expression language reaches no JavaScript: toString, constructor and __proto__ are unknown names; long names are cut in messages', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  for (const expression of ['toString()', 'valueOf()', 'constructor', '__proto__', 'hasOwnProperty'])
    assert.match(
      await refused(dc.evaluateRequest({ expression, context: 'watch' })),
      /^unknown name '(toString|valueOf|constructor|__proto__|hasOwnProperty)'/,
      expression,
    );
  const why = await refused(dc.evaluateRequest({ expression: 'y'.repeat(60_000), context: 'watch' }));
  assert.ok(why.length < 100, `${why.length} characters`);
});

test('every message that repeats a word the user typed cuts a long one: console commands, assignments, breakpoints, data breakpoints, vpci requests', async () => {
  const dc = h.client();
  const stop = await launch(dc, QUICKSTART);
  const frameId = (await dc.stackTraceRequest({ threadId: stop.body.threadId! })).body.stackFrames[0]!.id;
  const x = 'x'.repeat(5_000);
  const X = 'X'.repeat(5_000);
  const short = (what: string, text: string | undefined): void => {
    assert.ok(text, what);
    assert.ok(text.length < 300, `${what}: ${text.length} characters: ${text.slice(0, 120)}…`);
  };
  for (const expression of [
    `cfg ${x}`,
    `lspci ${x}`,
    `msix ${x}`,
    `eject ${x}`,
    `raise ${x} 0`,
    `cfg nic0 0 16 ${x}`,
    `cfg nic0 0 ${x}`,
    `cfg nic0 ${'0'.repeat(5_000)}4096`,
    `cfg nic0 4 = 1 ${x}`,
    `offer nic9 ${x}`,
    `${x}.COMMAND = 1`,
    `nic0.caps.${x}.FLAGS = 1`,
    `nic0.${X} = 1`,
    `nic0.COMMAND.${X} = 1`,
  ])
    short(expression.slice(0, 20), await refused(dc.evaluateRequest({ expression, context: 'repl', frameId })));
  const info = await dc.dataBreakpointInfoRequest({ name: x });
  assert.equal(info.body.dataId, null);
  short('dataBreakpointInfo', info.body.description);
  const fns = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: x }] });
  short('function breakpoint', fns.body.breakpoints[0]!.message);
  const ex = await dc.setExceptionBreakpointsRequest({ filters: [x], filterOptions: [{ filterId: x }] });
  for (const b of ex.body!.breakpoints!) short('exception filter', b.message);
  short('vpci/eject', await refused(dc.customRequest('vpci/eject', { bus: x })));
});

test('completions look at the words before the cursor only: right on a long line', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const text = `${'x'.repeat(60_000)} nic0.COMM`;
  const r = await dc.completionsRequest({ text, column: text.length + 1 });
  assert.ok(r.body.targets.some((t) => t.label === 'COMMAND'));
});

test('breakpoint conditions and hit counts that cannot be read make every kind of breakpoint unverified, and it never acts', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const lineBps = await dc.setBreakpointsRequest({
    source: { path: VMBUS_PCIB },
    breakpoints: [
      { line: 1, condition: "'abc" },
      { line: 1, condition: '1 +' },
      { line: 1, hitCondition: 'abc' },
    ],
  });
  for (const b of lineBps.body.breakpoints) assert.equal(b.verified, false, b.message);
  assert.match(lineBps.body.breakpoints[1]!.message!, /^Condition "1 \+": /);
  assert.match(lineBps.body.breakpoints[2]!.message!, /^Hit count "abc": use N/);
  const fnBps = await dc.setFunctionBreakpointsRequest({
    breakpoints: [
      { name: 'vmbus_pcib_attach', condition: '1 +' },
      { name: 'hv_pci_protocol_negotiation', hitCondition: 'abc' },
    ],
  });
  assert.deepEqual(
    fnBps.body.breakpoints.map((b) => b.verified),
    [false, false],
  );
  const data = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'cfg:nic0:0:4:2', condition: '1 +', hitCondition: 'abc' }] });
  assert.equal(data.body.breakpoints[0]!.verified, false);
  // None of them stops: the run goes to its end.
  assert.equal((await cont(dc, SCENARIO_THREAD)).body.reason, 'end');
});

test('a breakpoint whose condition cannot be evaluated where it is hit stops there, and the Debug Console says why', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const bps = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_pci_protocol_negotiation', condition: 'no_such_name == 1' }] });
  assert.equal(bps.body.breakpoints[0]!.verified, true);
  const said = new Promise<string>((res) => {
    const on = (e: DebugProtocol.OutputEvent): void => {
      if (/could not be evaluated/.test(e.body.output)) {
        dc.removeListener('output', on);
        res(e.body.output);
      }
    };
    dc.on('output', on);
  });
  const s = await cont(dc, SCENARIO_THREAD);
  assert.equal(s.body.reason, 'function breakpoint');
  assert.match(await said, /^Breakpoint condition "no_such_name == 1" could not be evaluated here \(unknown name 'no_such_name'.*\): stopping\.\n$/);
});

test('a name Locals shows evaluates in its frame to what Locals shows (hover, watch, Add to Watch)', async () => {
  const dc = h.client();
  let s = await launch(dc, QUICKSTART);
  for (let i = 0; i < 3; i++) {
    const next = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.nextRequest({ threadId: s.body.threadId! });
    s = await next;
  }
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const frameId = st.body.stackFrames[0]!.id;
  const scopes = await dc.scopesRequest({ frameId });
  const locals = (await dc.variablesRequest({ variablesReference: scopes.body.scopes.find((x) => x.presentationHint === 'locals')!.variablesReference })).body
    .variables;
  const shown = locals.filter((v) => !v.value.startsWith('<'));
  assert.ok(shown.length >= 3, locals.map((v) => `${v.name}=${v.value}`).join(', '));
  for (const v of shown) {
    assert.ok(v.evaluateName, `${v.name} has an evaluateName`);
    const r = await dc.evaluateRequest({ expression: v.evaluateName, frameId, context: 'watch' });
    // A string (what a parameter stands for) is shown quoted by the expression language; a structure's
    // one-line preview in Locals is its first fields.
    const same =
      r.body.result === v.value || r.body.result === JSON.stringify(v.value) || (v.value.endsWith('…}') && r.body.result.startsWith(v.value.slice(0, -2)));
    assert.ok(same, `${v.name}: ${r.body.result} vs ${v.value}`);
  }
});

test('misleading messages name the real problem: a slot with no function, a source without a reference, breakpoints without a path', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  assert.match(await refused(dc.evaluateRequest({ expression: 'nic0/00.7.COMMAND', context: 'watch' })), /^no function at nic0\/00\.7$/);
  assert.match(await refused(dc.customRequest('source', {})), /^No sourceReference given/);
  const bps = await dc.setBreakpointsRequest({ source: {}, breakpoints: [{ line: 5 }] });
  assert.match(bps.body.breakpoints[0]!.message!, /^The source has no path/);
});

test('a launch configuration with an unknown quirk, or a cause that is not a line number, is refused as the CLI refuses it', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true });
  for (const [extra, why] of [
    [{ quirks: { bogus: true } }, /^Launch: unknown quirk bogus \(one of /],
    [{ quirks: ['x'] }, /'quirks' must be an object/],
    [{ cause: '20' }, /^Launch: "cause" is the line of an expectation, a whole number from 1 \(got "20"\)$/],
    [{ cause: 1.5 }, /^Launch: "cause" is the line/],
    [{ guest: 'windows' }, /^Launch: unknown guest model "windows" in "guest" \(one of freebsd, freebsd-2016, linux\)$/],
    [{ guest: '' }, /^Launch: unknown guest model "" in "guest" \(one of /],
    [{ host: 'azure' }, /^Launch: unknown host profile "azure" in "host" \(one of hyperv-2016, hyperv-2019, hyperv-2022, openvmm\)$/],
    // A near miss is named before the list, as the CLI's --guest, --host and --quirk name it.
    [{ guest: 'Linux' }, /^Launch: unknown guest model "Linux" in "guest"; did you mean linux\? \(one of freebsd, freebsd-2016, linux\)$/],
    [{ host: 'hyperv2019' }, /^Launch: unknown host profile "hyperv2019" in "host"; did you mean hyperv-2019\? \(one of /],
    [{ quirks: { 'descriptor-strid': true } }, /^Launch: unknown quirk descriptor-strid; did you mean descriptor-stride\? \(one of /],
  ] as const)
    assert.match(
      await refused(dc.launchRequest({ scenario: QUICKSTART, ...extra } as unknown as DebugProtocol.LaunchRequestArguments)),
      why,
      JSON.stringify(extra),
    );
});

test('a launch configuration written for another debugger ("program") is told which key this one reads', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true });
  assert.equal(
    await refused(dc.launchRequest({ program: QUICKSTART } as unknown as DebugProtocol.LaunchRequestArguments)),
    'Launch needs "scenario": the path of a .vpci file ("program" is not read: vPCI Lab runs the scenario named by "scenario")',
  );
});

test(
  'an error quoting braces the DAP library reads as its placeholders ({_x}) comes back as written, and the session goes on',
  { timeout: 30_000 },
  async () => {
    const dc = h.client();
    await dc.initializeRequest({ adapterID: 'vpci', linesStartAt1: true, columnsStartAt1: true });
    const missing = join(dir, '{_x}', '{_stack}.vpci');
    assert.equal(
      await refused(dc.launchRequest({ scenario: missing } as unknown as DebugProtocol.LaunchRequestArguments)),
      `Cannot load ${missing}: no such file`,
    );
    // The adapter is alive and answers: an evaluate quoting a placeholder too.
    assert.match(await refused(dc.evaluateRequest({ expression: '{_stack}', context: 'repl' })), /\{_stack\}|No scenario is loaded/);
  },
);

test('vpci/lspci on a bus or slot that is not there is an error, as vpci/eject is', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  assert.match(await refused(dc.customRequest('vpci/lspci', { bus: 'nic9' })), /^No bus nic9$/);
  assert.match(await refused(dc.customRequest('vpci/lspci', { bus: 'nic0', wslot: 31 })), /^Bus nic0 has no function at /);
  assert.match((await dc.customRequest('vpci/lspci', { bus: 'nic0' })).body.text, /^00:00\.0 |^[0-9a-f]{4}:/m);
});

test('a frame id this stop did not give out (stale after a step, or never given) is refused by scopes, evaluate and completions', async () => {
  const dc = h.client();
  const stop = await launch(dc, QUICKSTART);
  const tid = stop.body.threadId as number;
  const before = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]!.id;
  const scopes = (await dc.scopesRequest({ frameId: before })).body.scopes;
  assert.ok(scopes.length > 0, 'the frame of this stop has scopes');
  assert.equal((await dc.evaluateRequest({ expression: '1+1', frameId: before, context: 'watch' })).body.result, '0x2');
  const stepped = dc.waitForEvent('stopped');
  await dc.nextRequest({ threadId: tid });
  await stepped;
  for (const frameId of [before, 987654]) {
    assert.match(await refused(dc.scopesRequest({ frameId })), new RegExp(`^Unknown frame ${frameId} \\(frames are valid until the next step\\)$`));
    assert.match(await refused(dc.evaluateRequest({ expression: '1+1', frameId, context: 'watch' })), /^Unknown frame/);
    assert.match(await refused(dc.completionsRequest({ text: 'nic', column: 4, frameId })), /^Unknown frame/);
  }
  // Without a frame the REPL evaluates machine-wide, as before.
  assert.equal((await dc.evaluateRequest({ expression: '1+1', context: 'repl' })).body.result, '0x2');
  const now = (await dc.stackTraceRequest({ threadId: (await dc.threadsRequest()).body.threads[0]!.id })).body.stackFrames[0]!.id;
  assert.ok((await dc.scopesRequest({ frameId: now })).body.scopes.length > 0);
});

test('a launch of a scenario with 300 errors shows the first 200 in the Debug Console and says how many more and where to see them; the error stays one line', async () => {
  const dc = h.client();
  const file = join(dir, 'many-errors.vpci');
  writeFileSync(file, 'zzz\n'.repeat(300));
  const out: DebugProtocol.OutputEvent[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e));
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const why = await refused(dc.launchRequest({ scenario: file, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments));
  assert.doesNotMatch(why, /\n/);
  assert.match(why, /many-errors\.vpci has 300 errors: line 1: .*; … 295 more \(vpci-lab check .*many-errors\.vpci prints them all\)$/);
  const text = out.map((e) => e.body.output).join('');
  assert.equal(text.match(/: error: /g)?.length, 200, text.slice(-500));
  assert.ok(text.includes(`${file}:200:1: error:`) && !text.includes(`${file}:201:1:`));
  assert.ok(text.endsWith(`vPCI Lab: … 100 more not shown here (vpci-lab check ${file} prints them all)\n`), text.slice(-300));
});

test('a launch of a scenario path of 5,000 characters is refused with the path cut to its ends and its length', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const why = await refused(dc.launchRequest({ scenario: `/x${'y'.repeat(5_000)}.vpci`, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments));
  assert.ok(why.length < 600, `${why.length} characters`);
  assert.match(why, /^Cannot load \/xy{98}…y{95}\.vpci \(5,007 characters\): /);
});
