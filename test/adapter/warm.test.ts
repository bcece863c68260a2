// The code-cache warm-up (adapter/warm.ts): its scenarios must really run what a launch of each
// guest OS runs — they load without errors, run to their end and their expectations hold (a
// warm-up that failed quietly would only leave a cache that covers less, so nothing else would
// notice) — and it must leave nothing behind in the process that serves the user's session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmCodeCache, warmUpRuns } from '../../adapter/warm';
import { forgetGuestModels, guestModelsBuilt, loadGuestModel } from '../../emulator/vpci/guest/registry';

test('the warm-up scenarios (one per guest OS, a catalog device and a dumped one) run to their end and hold', () => {
  const runs = warmUpRuns();
  assert.deepEqual(
    runs.map((r) => r.name),
    ['freebsd.vpci', 'linux.vpci'],
  );
  for (const r of runs) {
    assert.deepEqual(r.errors, [], r.name);
    assert.ok(r.ended, `${r.name} runs to its end`);
    assert.ok(r.steps > 1000, `${r.name} attaches its devices (${r.steps} steps)`);
    assert.ok(r.held.length >= 2 && r.held.every(Boolean), `${r.name}: ${JSON.stringify(r.held)}`);
  }
});

test('the warm-up forgets the guest models it built and keeps those the session had', () => {
  forgetGuestModels([]);
  loadGuestModel('freebsd');
  assert.deepEqual(guestModelsBuilt(), ['freebsd']);
  warmCodeCache();
  assert.deepEqual(guestModelsBuilt(), ['freebsd'], 'the Linux model it built is gone, the FreeBSD one the session had is kept');
});
