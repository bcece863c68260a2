// The Test Explorer's items (extension/testing.ts) in a window left open for hours: a scenario
// edited so that its expect lines move, scenarios made and deleted. What the Test Explorer
// remembers of each expectation (for Debug at Cause) is what its items are now, not every expect
// line ever seen: before, 100 edits that each moved 3 expect lines a line down left 303 entries,
// and a deleted scenario left all of its own.
import { fired, Uri, setNodeHost } from './vscode-stand-in';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScenarioTests } from '../../extension/testing';

setNodeHost();

const SCENARIO = [
  'vm { guest freebsd }',
  'bus nic0 { function 0 intel-82599-vf }',
  'at 0 boot',
  'expect nic0 attached',
  'expect nic0 version 1.1',
  'expect no errors',
  '',
];

test('the expectations remembered are those of the items now: expect lines moved 100 times, then the file deleted', async () => {
  const tests = new ScenarioTests();
  const remembered = (tests as unknown as { expects: Map<string, unknown> }).expects;
  const uri = Uri.file('/scenarios/moving.vpci') as never;
  for (let i = 0; i <= 100; i++) {
    const file = await tests.update(uri, { text: '# a comment\n'.repeat(i) + SCENARIO.join('\n') });
    assert.equal(file?.children.size, 3);
  }
  assert.deepEqual(
    [...remembered.keys()],
    [4, 5, 6].map((l) => `${String(uri)}#L${100 + l}`),
  );
  // The file is deleted on disk (the Test Explorer's watcher says so): its item and what it held go.
  for (const w of fired.watchers) w.delete.fire(uri);
  assert.equal(remembered.size, 0);
  assert.equal(tests.ctrl.items.size, 0);
  tests.dispose();
});
