// A session used for long must not grow with what the client asks at one stop. VS Code asks again
// and again while the user stays at a stop: every `invalidated` (a value set, memory written, the
// number format toggled) makes it read the scopes, each expanded row and each watch anew, and a
// hover evaluates each time it is held. Each answer took new variable references and frame ids,
// and the adapter kept every one until the next stop: 1,000 setVariable at one stop, with the
// views read again as VS Code does, held some 25 MB more (5,000 ≈ 130 MB). A row, a scope, a
// frame, a watch or a Jump to Cursor target asked for again at the same stop now keeps what it
// was given; references are numbered upwards (vars.ts), so the largest one given out says how
// many the adapter holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch } from './harness';
import { VarTable, type VarNode } from '../../adapter/vars';

const QUICKSTART = resolve('examples/quickstart.vpci');
/** A Linux guest waits for a reply that never comes: the run never settles. */
const NEVER_SETTLES = resolve('test/adapter/fixtures/never-settles.vpci');
const h = adapterTests();

test('at one stop, the Call Stack, scopes, rows, watches and jump targets asked again keep their ids: the adapter holds no more after 200 edits than after one', async () => {
  const dc = h.client();
  const stop = await launch(dc, QUICKSTART, { stopOnEntry: true });
  const threadId = stop.body.threadId!;
  let largest = 0;
  const seen = (ref: number): number => ((largest = Math.max(largest, ref)), ref);
  /** What VS Code reads again after an `invalidated`: the stack, the top frame's scopes, the expanded rows, a watch, a jump target. */
  const views = async () => {
    const frames = (await dc.stackTraceRequest({ threadId })).body.stackFrames;
    const top = frames[0]!;
    const scopes = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
    const device = scopes.find((s) => s.name.startsWith('Device nic0'))!;
    const rows = (await dc.variablesRequest({ variablesReference: seen(device.variablesReference) })).body.variables;
    const header = rows.find((r) => r.name === 'Header')!;
    for (const r of rows) seen(r.variablesReference);
    const fields = (await dc.variablesRequest({ variablesReference: header.variablesReference })).body.variables;
    for (const r of fields) seen(r.variablesReference);
    const watch = (await dc.evaluateRequest({ expression: 'nic0', context: 'watch', frameId: top.id })).body.variablesReference;
    const target = (await dc.gotoTargetsRequest({ source: { path: top.source!.path! }, line: top.line })).body.targets[0]!.id;
    return {
      frames: frames.map((f) => f.id),
      scopes: scopes.map((s) => seen(s.variablesReference)),
      header: header.variablesReference,
      watch: seen(watch),
      target,
    };
  };
  const first = await views();
  const held = largest;
  assert.ok(held > 0 && first.watch > 0);
  for (let i = 0; i < 200; i++) {
    const set = await dc.setVariableRequest({ variablesReference: first.header, name: 'CACHE_LINE_SIZE', value: String(i % 2 ? 8 : 16) });
    assert.equal(set.body.value, i % 2 ? '0x08' : '0x10');
    assert.deepEqual(await views(), first, `after ${i + 1} edits`);
  }
  assert.equal(largest, held);
  // A step is a new stop: what the last one gave out is stale (and answers nothing), new ids follow.
  const stepped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.nextRequest({ threadId });
  await stepped;
  assert.deepEqual((await dc.variablesRequest({ variablesReference: first.header })).body.variables, []);
  const after = await views();
  assert.ok(Math.min(...after.scopes) > held, 'references are not reused across stops');
  assert.ok(Math.min(...after.frames) > Math.max(...first.frames), 'frame ids are not reused across stops');
});

test('rows of one name in a container keep references of their own, asked again or not', () => {
  const t = new VarTable();
  const row = (value: string): VarNode => ({ name: 'x', value, children: () => [{ name: 'is', value }] });
  const root = t.add({ name: 'root', value: '', children: () => [row('first'), row('second')] });
  const refs = () => t.expand(root)!.map((v) => v.variablesReference);
  const [a, b] = refs();
  assert.notEqual(a, b);
  assert.deepEqual(refs(), [a, b]);
  assert.deepEqual(
    [a!, b!].map((r) => t.expand(r)![0]!.value),
    ['first', 'second'],
  );
});

test('a Continue that never reaches a stop pauses by itself after 5,000,000 steps, and says why: the run cannot grow until memory runs out', async () => {
  const dc = h.client();
  const entry = await launch(dc, NEVER_SETTLES, { stopOnEntry: true });
  // Nothing stops it on the way (the injected fault would, by default).
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  const steps = async () => Number((await dc.evaluateRequest({ expression: 'steps', context: 'repl', format: { hex: false } })).body.result);
  const from = await steps();
  const said = dc.waitForEvent('output') as Promise<DebugProtocol.OutputEvent>;
  const stop = (await Promise.all([dc.waitForEvent('stopped'), dc.continueRequest({ threadId: entry.body.threadId! })]))[0] as DebugProtocol.StoppedEvent;
  assert.equal(stop.body.reason, 'pause');
  assert.equal(
    stop.body.text,
    'Paused after 5,000,000 steps without a stop: the scenario has not finished (it may never settle); Continue runs 5,000,000 more',
  );
  assert.equal(await steps(), from + 5_000_000);
  assert.match(
    (await said).body.output,
    /^vPCI Lab: paused after 5,000,000 steps of this run without a stop, at .+ of virtual time \(step \d+, \d+ events\)\. The scenario has not finished and may never settle/,
  );
});
