// The Message Sequence panel opened and closed again and again in one window: it keeps nothing of
// the panels that were closed. The listeners of each panel went into one list for the life of the
// window (two more at every opening); they are now disposed with their panel.
import { handedOut, panels } from './vscode-stand-in';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SequencePanel } from '../../extension/sequence-panel';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage after this turn (a WeakRef's target stays alive until its turn ends). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
}

test('a Message Sequence panel closed 100 times over keeps no listener of the closed panels', async () => {
  const sequence = new SequencePanel();
  for (let i = 0; i < 100; i++) {
    sequence.show();
    assert.equal(panels.size, 1);
    for (const p of panels) p.dispose();
    assert.equal(sequence.visible, false);
  }
  sequence.show();
  await collect();
  const kept = handedOut.filter((w) => w.deref() !== undefined).length;
  // The open panel's own two (its page's messages, its closing); none of the 200 before.
  assert.equal(kept, 2);
  sequence.dispose();
  assert.equal(panels.size, 0);
});
