import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debugWanted } from '../../io/errors';

test('VPCI_DEBUG asks for stacks with 1 or any other word, not with 0, false, no, off or nothing', () => {
  // VPCI_DEBUG=0 turned stack traces on (the CLI's internal errors, the language server's log), as
  // any non-empty value did.
  for (const off of [undefined, '', ' ', '0', 'false', 'FALSE', 'no', 'Off', ' 0 ']) assert.equal(debugWanted(off), false, JSON.stringify(off));
  for (const on of ['1', 'true', 'yes', 'on', 'stack', '2', '00']) assert.equal(debugWanted(on), true, on);
});
