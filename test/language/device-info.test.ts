// Hover and completion read catalog devices through one cache: every word ever hovered or typed
// where a device goes was kept in it (each prefix while a name is typed, a pasted 10 MB line) for
// the life of the language server. Only the catalog's own ids are kept now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceCatalogMarkdown, deviceDetail, deviceEntriesCached, msixVectors } from '../../language/device-info';
import { catalogIds } from '../../emulator/pci/catalog';

test('10,000 unknown device names asked about (hover, completion detail) leave the cache within the catalog', () => {
  const known = catalogIds();
  const name = 'intel-82599-vf';
  assert.ok(known.includes(name));
  for (let i = 0; i < 10_000; i++) {
    const typed = `${name.slice(0, 1 + (i % (name.length - 1)))}${i}`;
    assert.equal(deviceCatalogMarkdown(typed), undefined);
    assert.equal(deviceDetail(typed), undefined);
    assert.equal(msixVectors(typed), undefined);
  }
  assert.equal(deviceCatalogMarkdown('x'.repeat(1 << 20)), undefined);
  // A known one is still answered, and from the cache the second time (the same entry).
  assert.match(deviceCatalogMarkdown(name)!, /^\*\*intel-82599-vf\*\*/);
  assert.equal(deviceDetail(name), deviceDetail(name));
  assert.ok(deviceEntriesCached() >= 1 && deviceEntriesCached() <= known.length, String(deviceEntriesCached()));
});
