// examples/quirks/*.vpci: each FreeBSD quirk scenario checks clean and all of its
// `expect` lines hold with the quirk on (the default); switched off, at least one
// fails — so each scenario really shows its quirk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quirksFor } from '../../emulator/vpci/guest/quirks';
import { checkExpectations } from '../../emulator/machine/expect';
import { loadText } from './freebsd-run';

const DIR = join(__dirname, '../../examples/quirks');

function results(text: string) {
  const l = loadText(text);
  return checkExpectations(l.machine!, l.scenario.expectations);
}

for (const q of quirksFor('freebsd')) {
  if (q.name === 'int-pin-single-byte-only') continue; // no scenario path reads 0x3C wider than a byte
  test(`examples/quirks/${q.name}.vpci shows the quirk`, () => {
    const text = readFileSync(join(DIR, `${q.name}.vpci`), 'utf8');
    const on = results(text);
    assert.ok(on.length >= 2);
    for (const r of on) assert.ok(r.ok, `${r.what}: ${r.detail}`);
    // short-packet-drop and map-msi-no-rescind-check show a wait that never ends; the
    // scenario language has no "still waiting" expectation, so their off side is tested
    // in freebsd-quirks.test.ts only.
    if (q.name === 'short-packet-drop' || q.name === 'map-msi-no-rescind-check') return;
    const off = results(text.replace(/\n}\n/, `\n  quirk ${q.name} off\n}\n`));
    assert.ok(
      off.some((r) => !r.ok),
      'some expectation fails with the quirk off',
    );
  });
}
