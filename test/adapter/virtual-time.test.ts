// Virtual time reads the same on every debugger surface, over real DAP traffic: the Scenario
// scope's `virtual time` and `next event`, the VMBus packets and pending transactions, delivered
// interrupts, the scenario thread's Call Stack frame, `now` in the Debug Console, watch and
// logpoints, the console's `trace`, the exception widget's context and the verdict printed at
// the end — each in formatTime's one form (`5.007 100 ms`), never `5007100 ns` or `0.000000 ms`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, cont, launch, VMBUS_PCIB } from './harness';
import { foreignTimes, parseTime, timesIn } from '../time-forms';
import { formatTime } from '../../emulator/format';

const CX3 = resolve('test/adapter/fixtures/cx3.vpci');
const FAULT = resolve('test/adapter/fixtures/fault.vpci');
const SCENARIO_THREAD = 1_000_000;
const h = adapterTests();

type Var = DebugProtocol.Variable;

/** Every time in `text` is in the one form; and there is at least one (a surface that shows none proves nothing). */
function oneForm(surface: string, text: string): void {
  assert.ok(timesIn(text).length > 0, `${surface} shows no time: ${text}`);
  assert.deepEqual(foreignTimes(text), [], `${surface}: ${text}`);
}

async function children(ref: number, extra: Partial<DebugProtocol.VariablesArguments> = {}): Promise<Var[]> {
  return (await h.client().variablesRequest({ variablesReference: ref, ...extra })).body.variables;
}
function byName(vs: Var[], name: string): Var {
  const v = vs.find((x) => x.name === name);
  assert.ok(v, `${name} not in ${vs.map((x) => x.name).join(', ')}`);
  return v;
}
async function scope(threadId: number, name: string): Promise<Var[]> {
  const dc = h.client();
  const st = await dc.stackTraceRequest({ threadId });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const s = scopes.find((x) => x.name === name);
  assert.ok(s, scopes.map((x) => x.name).join(', '));
  return children(s.variablesReference);
}
async function repl(expression: string, context = 'repl'): Promise<string> {
  return (await h.client().evaluateRequest({ expression, context })).body.result;
}
function lineOf(text: string): number {
  return (
    readFileSync(VMBUS_PCIB, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

test('Variables, Call Stack, Debug Console, watch and logpoints write virtual time one way', async () => {
  const dc = h.client();
  await launch(dc, CX3, { stopOnEntry: true });
  const out: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
  // Stop mid-negotiation (the second version request, after the host refused 1.4): time is not round.
  const line = lineOf('ret = vmbus_chan_send(hbus->sc->chan');
  const logLine = lineOf('version_req->protocol_version = version[i];');
  await dc.setBreakpointsRequest({
    source: { path: VMBUS_PCIB },
    breakpoints: [
      { line: logLine, logMessage: 'negotiating at {now}' },
      { line, hitCondition: '2' },
    ],
  });
  const s = await cont(dc);
  assert.equal(s.body.reason, 'breakpoint');
  const tid = s.body.threadId!;

  const scenario = await scope(tid, 'Scenario');
  const now = byName(scenario, 'virtual time').value;
  oneForm('Variables: virtual time', now);
  const ns = parseTime(now)!;
  assert.ok(ns > 0 && ns % 1000 !== 0, `a time mid-step, not round: ${now}`);
  const next = byName(scenario, 'next event').value;
  oneForm('Variables: next event', next);
  assert.match(next, /^at 2 ms: driver nic0 msix 3 \(line \d+\)$/);

  // The views get the time as a number and write it with the same function (the Topology's header).
  const topo = (await dc.customRequest('vpci/topology')).body as { time: number };
  assert.equal(formatTime(topo.time), now);
  const msgs = (await dc.customRequest('vpci/messages', { from: 0, count: 10 })).body as { items: { time: number }[] };
  assert.ok(msgs.items.length >= 2 && msgs.items.every((x) => Number.isInteger(x.time) && x.time <= ns));

  // The Debug Console, watch and hover show `now` as Variables does; in expressions it is a number of ns.
  assert.equal(await repl('now'), now);
  assert.equal(await repl('now', 'watch'), now);
  assert.equal(await repl('now', 'hover'), now);
  assert.equal(await repl(`now == ${ns}`), 'true');
  assert.equal(await repl('now >= 1000 && now < 1000000000'), 'true');
  const trace = await repl('trace 6');
  oneForm('Debug Console: trace', trace);
  assert.equal(timesIn(trace).length, trace.split('\n').length, trace);
  const logs = out.filter((o) => o.startsWith('negotiating at '));
  assert.equal(logs.length, 2, out.join(''));
  for (const l of logs) oneForm('logpoint {now}', l);

  // The VMBus packets and the transactions waiting for a completion.
  const nic0 = await children(byName(await scope(tid, 'VMBus'), 'nic0').variablesReference);
  const packets = byName(nic0, 'packets');
  const page = await children(packets.variablesReference, { filter: 'indexed', start: 0, count: packets.indexedVariables! });
  assert.ok(page.length >= 2, JSON.stringify({ packets, page }));
  for (const p of page) oneForm(`VMBus packet ${p.name}`, p.value);
  // One step over the send: the request waits for the host's completion.
  const stepped = dc.waitForEvent('stopped');
  await dc.nextRequest({ threadId: tid });
  await stepped;
  const nic0After = await children(byName(await scope(tid, 'VMBus'), 'nic0').variablesReference);
  const pending = await children(byName(nic0After, 'pending transactions').variablesReference);
  assert.equal(pending.length, 1, JSON.stringify(pending));
  for (const p of pending) oneForm(`pending ${p.name}`, `${p.name} ${p.value}`);

  // The scenario thread's frame names the next event's time.
  const sc = (await dc.stackTraceRequest({ threadId: SCENARIO_THREAD })).body.stackFrames[0]!;
  assert.equal(sc.name, 'at 2 ms: driver nic0 msix 3');

  // To the end: the interrupt delivered at 3 ms, the timeline done, the verdict in the console.
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [] });
  const end = await cont(dc, tid);
  assert.equal(end.body.reason, 'end');
  const done = (await dc.stackTraceRequest({ threadId: SCENARIO_THREAD })).body.stackFrames[0]!.name;
  oneForm('Call Stack: timeline done', done);
  assert.match(done, /^scenario: timeline done \(now .+\)$/);
  assert.equal(done, `scenario: timeline done (now ${await repl('now')})`);
  const irq = await scope(end.body.threadId!, 'Interrupts');
  const delivered = byName(irq, 'delivered');
  const d = await children(delivered.variablesReference, { filter: 'indexed', start: 0, count: delivered.indexedVariables! });
  assert.ok(d.length >= 1);
  for (const x of d) oneForm('Interrupts: delivered', x.value);
  assert.ok(
    d.some((x) => (parseTime(/at (.+)$/.exec(x.value)![1]!) ?? 0) >= 3_000_000),
    d.map((x) => x.value).join('\n'),
  );
  const finished = out.find((o) => o.startsWith('vPCI Lab: scenario finished at '));
  assert.ok(finished, out.join(''));
  oneForm('Debug Console: scenario finished', finished);
  assert.ok(finished.includes(`at ${await repl('now')} of virtual time`), finished);
  const verdict = out.filter((o) => / — .*\bat \d/.test(o));
  assert.ok(verdict.length >= 2, out.join(''));
  for (const v of verdict) oneForm('verdict in the Debug Console', v);
});

test('an exception stop: its context in exceptionInfo writes time one way', async () => {
  const dc = h.client();
  await launch(dc, FAULT, { stopOnEntry: true });
  await dc.setExceptionBreakpointsRequest({ filters: ['fault'] });
  const s = await cont(dc);
  assert.equal(s.body.reason, 'exception');
  const info = await dc.exceptionInfoRequest({ threadId: s.body.threadId! });
  oneForm('exceptionInfo details', info.body.details!.stackTrace!);
  assert.deepEqual(foreignTimes(`${info.body.description} ${s.body.text ?? ''} ${s.body.description ?? ''}`), []);
});
