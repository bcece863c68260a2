// One eject of a function at a time: while the host waits for the guest's PCI_EJECTION_COMPLETE, a
// second eject (the Debug Console's, vpci/eject) is refused, saying when PCI_EJECT was sent and until
// when the host waits; once the guest has answered, the function has left the bus and that is said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { adapterTests, launch, cont, refused } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();

test('a second eject while the first is pending is refused by the console and vpci/eject alike; PCI_EJECT goes out once', async () => {
  const dc = h.client();
  const entry = await launch(dc, QUICKSTART);
  // Before 'at 3ms raise nic0 vector 0' (the machine at 2.060 5 ms): nic0 is attached, its channel open.
  await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [{ line: 17 }] });
  await cont(dc, entry.body.threadId);
  await dc.setBreakpointsRequest({ source: { path: QUICKSTART }, breakpoints: [] });
  const first = await dc.evaluateRequest({ expression: 'eject nic0', context: 'repl' });
  assert.match(first.body.result, /^host: PCI_EJECT queued for nic0/);
  const pending =
    /^nic0 is being ejected already: PCI_EJECT was sent at 2\.070 ms and the host waits for the guest's PCI_EJECTION_COMPLETE until 60\.002 070 s; continue to watch the guest handle it$/;
  assert.match(await refused(dc.evaluateRequest({ expression: 'eject nic0', context: 'repl' })), pending);
  assert.match(await refused(dc.customRequest('vpci/eject', { bus: 'nic0' })), pending);
  // The guest completes the one eject; nic0 then has left the bus, as both say.
  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  const trace = (await dc.evaluateRequest({ expression: 'trace 100000', context: 'repl' })).body.result;
  assert.equal(trace.split('\n').filter((l) => /\bnic0 +host -> guest .* EJECT slot 00\.0/.test(l)).length, 1, trace);
  assert.doesNotMatch(trace, /ERROR/);
  const gone = /^nic0 left the bus at [\d. ]+ms \(ejected\)$/;
  assert.match(await refused(dc.evaluateRequest({ expression: 'eject nic0', context: 'repl' })), gone);
  assert.match(await refused(dc.customRequest('vpci/eject', { bus: 'nic0' })), gone);
});
