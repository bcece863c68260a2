// How each kind of stop reads: VS Code shows a stopped event's `description` in Call
// Stack upper-cased, so it is a short phrase in VS Code's own words ("Paused on data
// breakpoint") with no names or hex in it; the detail, lower-case hex intact, is the
// event's `text` (hover, exception widget). Every stop kind the adapter makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { adapterTests, launch, cont, VMBUS_PCIB } from './harness';
import { hotPlugText } from '../hot-plug-scenario';

const QUICKSTART = resolve('examples/quickstart.vpci');
const SCENARIO_THREAD = 1_000_000;
const FAULT = resolve('test/adapter/fixtures/fault.vpci');
const h = adapterTests();

/** A label that reads the same upper-cased: VS Code's wording, no lower-case names, no hex (a message name is fine). */
const SHORT =
  /^(Paused|Paused on (entry|step|breakpoint|function breakpoint|PCI_[A-Z0-9_]+|data breakpoint|goto|frame restart|exception|protocol error|host error status|injected fault|timeout|undeliverable interrupt)|Scenario finished)$/;

function check(s: DebugProtocol.StoppedEvent, description: string, text?: RegExp): void {
  assert.match(s.body.description ?? '', SHORT);
  assert.equal(s.body.description, description);
  if (text) assert.match(s.body.text ?? '', text);
  else assert.equal(s.body.text, undefined);
}

const next = async (dc: DebugClient, what: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> => {
  const s = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await what();
  return s;
};

const lineOf = (text: string): number =>
  readFileSync(VMBUS_PCIB, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

test('entry, step, line, function, message and data breakpoints (a label that reads the same upper-cased, the detail in text), pause, goto, frame restart, end', async () => {
  const dc = h.client();
  const entry = await launch(dc, QUICKSTART);
  check(entry, 'Paused on entry', /^Entry of vmbus_pcib_attach$/);
  const tid = entry.body.threadId!;
  check(await next(dc, () => dc.nextRequest({ threadId: tid })), 'Paused on step');

  // a function breakpoint on a driver function; Restart Frame on its caller; a message
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hv_pci_protocol_negotiation' }] });
  const fn = await cont(dc);
  check(fn, 'Paused on function breakpoint', /^Entered hv_pci_protocol_negotiation$/);
  const attach = (await dc.stackTraceRequest({ threadId: fn.body.threadId! })).body.stackFrames.find((f) => f.name === 'vmbus_pcib_attach')!;
  check(await next(dc, () => dc.restartFrameRequest({ frameId: attach.id })), 'Paused on frame restart', /^Restarted vmbus_pcib_attach$/);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_QUERY_BUS_RELATIONS' }] });
  check(await cont(dc), 'Paused on PCI_QUERY_BUS_RELATIONS', /^PCI_QUERY_BUS_RELATIONS sent to the host$/);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });

  // Break on Value Change on BAR0: the old → new value in lower-case hex, in text and in the console
  const info = await dc.dataBreakpointInfoRequest({ name: 'nic0.BAR0' });
  await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
  const said = dc.waitForEvent('output') as Promise<DebugProtocol.OutputEvent>;
  const data = await cont(dc);
  check(data, 'Paused on data breakpoint', /^nic0\.BASE_ADDRESS_0 \(config 0x10, RW 0xffffc000\): 0x0000000c → 0xffffc00c$/);
  const out = await said;
  assert.equal(out.body.output, `Data breakpoint: ${data.body.text}\n`);
  await dc.setDataBreakpointsRequest({ breakpoints: [] });

  const end = await cont(dc);
  check(end, 'Scenario finished', /nothing is left to run/);
  check(await next(dc, () => dc.reverseContinueRequest({ threadId: end.body.threadId! })), 'Paused on entry', /^Start of the scenario$/);

  // a line breakpoint, then Jump to Cursor over the line that sets the message type: the host refuses it
  const from = lineOf('version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;');
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [{ line: from }] });
  const line = await cont(dc);
  check(line, 'Paused on breakpoint');
  const to = lineOf('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, version_req');
  const [target] = (await dc.gotoTargetsRequest({ source: { path: VMBUS_PCIB }, line: to })).body.targets;
  assert.ok(target);
  check(await next(dc, () => dc.gotoRequest({ threadId: line.body.threadId!, targetId: target.id })), 'Paused on goto', /^Jumped to line \d+$/);
  await dc.setBreakpointsRequest({ source: { path: VMBUS_PCIB }, breakpoints: [] });
  const err = await cont(dc);
  assert.equal(err.body.reason, 'exception');
  check(err, 'Paused on protocol error', /\S/);
});

test("a data breakpoint on a capability's register (as its Variables row sets one) names the register when it hits, in text and in the console", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // what Break on Value Change on caps.msix.FLAGS sends: the row's id; the stop then names it as the Breakpoints view does
  const info = await dc.dataBreakpointInfoRequest({ name: 'nic0.caps.msix.FLAGS' });
  assert.equal(info.body.dataId, 'cfg:nic0:0:114:2');
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
  assert.equal(set.body.breakpoints[0]!.message, 'nic0.caps.msix.FLAGS (config 0x72, RW 0xc000)');
  const said = dc.waitForEvent('output') as Promise<DebugProtocol.OutputEvent>;
  const data = await cont(dc);
  check(data, 'Paused on data breakpoint', /^nic0\.caps\.msix\.FLAGS \(config 0x72, RW 0xc000\): 0x0002 → 0x8002$/);
  assert.equal((await said).body.output, `Data breakpoint: ${data.body.text}\n`);
});

test('an exception: the kind in the label, the error in text and in exceptionInfo', async () => {
  const dc = h.client();
  await launch(dc, FAULT);
  const s = await cont(dc);
  assert.equal(s.body.reason, 'exception');
  check(s, 'Paused on injected fault', /^Injected fault: /);
  const info = await dc.exceptionInfoRequest({ threadId: s.body.threadId! });
  assert.equal(info.body.description, s.body.text);
});

test('pause: a run going stops (Paused); a session stopped already answers the pause and sends no stop of its own', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-pause-'));
  try {
    // 150 hot-plug cycles: a run that is still going when the pause arrives.
    const long = join(dir, 'long.vpci');
    writeFileSync(long, hotPlugText(150));
    const dc = h.client();
    const stops: DebugProtocol.StoppedEvent[] = [];
    dc.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
    const entry = await launch(dc, long);
    const paused = await next(dc, async () => {
      const c = dc.continueRequest({ threadId: SCENARIO_THREAD });
      await dc.pauseRequest({ threadId: SCENARIO_THREAD });
      await c;
    });
    // No text: it only repeated the label.
    check(paused, 'Paused');
    // Paused now: pause again on the thread it stopped on, and on another. Each is answered; no stop
    // comes (the threads request after them is answered after anything they sent).
    const before = stops.length;
    await dc.pauseRequest({ threadId: paused.body.threadId! });
    await dc.pauseRequest({ threadId: entry.body.threadId! });
    await dc.threadsRequest();
    assert.equal(stops.length, before);
    // The stop is the one it was: its frames still answer.
    assert.ok((await dc.stackTraceRequest({ threadId: paused.body.threadId! })).body.stackFrames.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
