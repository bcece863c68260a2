import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MSG,
  messageName,
  STATUS,
  statusName,
  statusText,
  VERSIONS,
  versionText,
  wslotEncode,
  wslotDecode,
  wslotToDevfn,
  devfnToWslot,
} from '../../emulator/vpci/protocol';

test('protocol: message numbering 0x42490000..0x4249001D, one name each', () => {
  const values = Object.values(MSG).sort((a, b) => a - b);
  assert.equal(values.length, 0x1e);
  values.forEach((v, i) => assert.equal(v, 0x42490000 + i));
  assert.equal(MSG.PCI_QUERY_PROTOCOL_VERSION, 0x42490013);
  assert.equal(MSG.PCI_BUS_RELATIONS2, 0x42490019);
  assert.equal(MSG.PCI_CREATE_INTERRUPT_MESSAGE3, 0x4249001b);
  assert.equal(messageName(0x42490007), 'PCI_BUS_D0ENTRY');
  assert.equal(messageName(0x4249001e), undefined);
});

test('protocol: status codes', () => {
  assert.equal(STATUS.REVISION_MISMATCH, 0xc0000059);
  assert.equal(STATUS.BAD_DATA, 0xc000090b);
  assert.equal(STATUS.NOT_SUPPORTED, 0xc00000bb);
  assert.equal(statusName(0), 'SUCCESS');
  assert.equal(statusName(0xc0000059 | 0), 'REVISION_MISMATCH'); // signed s32 form, as guests read it
  assert.equal(statusText(0x12345678), '0x12345678');
});

test('protocol: versions 1.1..1.4', () => {
  assert.deepEqual(
    VERSIONS.map((v) => [versionText(v.value), v.value]),
    [
      ['1.1', 0x10001],
      ['1.2', 0x10002],
      ['1.3', 0x10003],
      ['1.4', 0x10004],
    ],
  );
});

test('protocol: win_slot encoding examples from docs/protocol.md §3', () => {
  assert.equal(wslotEncode(0, 0), 0x00);
  assert.equal(wslotEncode(1, 0), 0x01);
  assert.equal(wslotEncode(0, 1), 0x20);
  assert.equal(wslotEncode(0x1f, 7), 0xff);
  assert.deepEqual(wslotDecode(0x20), { device: 0, fn: 1 });
  assert.deepEqual(wslotDecode(0xff), { device: 31, fn: 7 });
  for (let devfn = 0; devfn < 256; devfn++) assert.equal(wslotToDevfn(devfnToWslot(devfn)), devfn);
  assert.equal(devfnToWslot((3 << 3) | 2), 3 | (2 << 5));
});
