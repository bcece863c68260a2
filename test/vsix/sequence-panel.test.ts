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

test('the panel tells its page which rows were dropped with the oldest step-back history (vpci/messages first), and again when that moves', async () => {
  const sequence = new SequencePanel();
  sequence.show();
  const panel = [...panels][0]!;
  let reply = { total: 500, items: [], first: 120 };
  const session = {
    id: 's1',
    type: 'vpci',
    customRequest: (command: string) => Promise.resolve(command === 'vpci/topology' ? { buses: [{ name: 'nic0' }] } : reply),
  };
  await sequence.reset(session as never);
  assert.deepEqual(panel.webview.posted.at(-1), { type: 'init', buses: ['nic0'], total: 500, first: 120 });
  // More dropped, none added (a run that sends nothing more): the page is told.
  reply = { total: 500, items: [], first: 200 };
  await sequence.update();
  assert.deepEqual(panel.webview.posted.at(-1), { type: 'total', total: 500, first: 200 });
  sequence.dispose();
});
