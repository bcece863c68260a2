// The adapter tests' own clients end every wait: an expectation that is never met fails the test
// with what was awaited, where it hung the run (the DebugClient's limits are off over a port).
// Each test here carries node:test's own limit, so without the clients' limits it fails, not hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adapterTests, launch, rawDapClient, refused } from './harness';

const { client } = adapterTests();

test('a wait for an event the adapter never sends fails, naming the event', { timeout: 15_000 }, async () => {
  const dc = client();
  await launch(dc, 'examples/quickstart.vpci');
  dc.defaultTimeout = 300;
  assert.match(await refused(dc.waitForEvent('stopped')), /no 'stopped' event received within 300 ms/);
  assert.match(await refused(dc.assertOutput('stdout', 'never printed')), /no stdout output "never printed" received within 300 ms/);
  dc.defaultTimeout = 120_000;
});

test('a raw client waiting for a response that never comes fails', { timeout: 15_000 }, async () => {
  const c = await rawDapClient(300);
  try {
    c.send({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'vpci' } });
    assert.equal((await c.responseTo(1)).success, true);
    assert.match(await refused(c.responseTo(2)), /the awaited message was not received within 300 ms/);
  } finally {
    c.close();
  }
});
