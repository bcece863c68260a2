// Completion's context on one line (language/completion.ts): statements after a `{` or `}` on the
// same line restart it, a comment or an unterminated string before the cursor ends it. The
// context is found by a scan of the line's characters and only the text after the last brace
// is tokenized; each case here must offer the same items at the end of a 1 MB line of complete
// statements as on its own line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete } from '../../language/completion';
import { parseScenario } from '../../emulator/scenario/parser';
import { defaultScenarioContext } from '../../emulator/scenario/context';

const ctx = defaultScenarioContext(() => undefined);
const labels = (text: string): string[] => {
  const lines = text.split('\n');
  const position = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
  return complete({ text, position, ctx, busNames: ['nic0', 'b0'], functions: ['nic0/0.0'] }).map((i) => i.label);
};

const CASES: [string, (items: string[]) => boolean][] = [
  ['bus x { function 0 ', (i) => i.includes('intel-82599-vf')],
  ['at 0 eject ', (i) => i.includes('nic0')],
  ['vm { host ', (i) => i.includes('hyperv-2016')],
  ['vm { quirk ', (i) => i.includes('short-packet-drop')],
  ['bus x { ', (i) => i.includes('function')],
  ['expect ', (i) => i.length > 0],
  ['at 0 fault nic0 create-interrupt status ', (i) => i.some((l) => l.startsWith('STATUS_'))],
  ['# a comment { at 0 ', (i) => i.length === 0],
  ['at 0 fault nic0 "open { string ', (i) => i.length === 0],
  ['bus x { function 0 "a}b" ', (i) => i.join() === labels('bus x { function 0 "ab" ').join()],
  ['vm {\ufeff', (i) => i.length === 0],
  ['at 0 eject nic', (i) => i.includes('nic0')],
  // The slips the parser reads past (a stray `=`, a string in curly quotes) are read past here too.
  ['vm { host = ', (i) => i.includes('hyperv-2016')],
  ['bus x { function 0 dump \u201cx.lspci\u201d ', (i) => i.join() === labels('bus x { function 0 dump "x.lspci" ').join() && i.includes('select')],
];

test('completion context after statements on the same line, short and at the end of a 1 MB line', () => {
  const long = 'bus b0 { function 0 intel-82599-vf } '.repeat(28_000);
  assert.ok(long.length > 1_000_000);
  for (const [tail, ok] of CASES) {
    const alone = labels(tail);
    assert.ok(ok(alone), `${tail}: ${alone.slice(0, 8).join(', ')}`);
    assert.deepEqual(labels(long + tail), alone, `after a long line: ${tail}`);
    assert.deepEqual(labels(`bus b0 { function 0 intel-82599-vf }\n${tail}`), alone, `on its own line: ${tail}`);
  }
});

test('completion context: the block a line continues is read from the lines before it', () => {
  assert.ok(labels('vm {\n  host ').includes('hyperv-2016'));
  assert.ok(labels('bus nic0 {\n  ').includes('function'));
  assert.ok(!labels('bus nic0 {\n}\n').includes('function'));
  // A brace in a comment or a string on an earlier line opens nothing.
  assert.deepEqual(labels('# bus x {\nat 0 eject '), labels('at 0 eject '));
  assert.deepEqual(labels('at 0 fault nic0 "x {" \nat 0 eject '), labels('at 0 eject '));
});

test("completion after 'expect no message M' offers 'on' and 'before' but not 'count', which 'no' makes the negated-count warning", () => {
  assert.deepEqual(labels('expect no message bus-d0entry '), ['on', 'before']);
  assert.deepEqual(labels('expect no message bus-d0entry on nic0 '), ['before']);
  assert.deepEqual(labels('expect message bus-d0entry '), ['on', 'count', 'before']);
});

test("completion after a catalog function offers only 'serial' and 'numa': 'select', 'bar' and 'rom' are for a dump (dump-only)", () => {
  assert.deepEqual(labels('bus x { function 0 intel-82599-vf '), ['serial', 'numa']);
  assert.deepEqual(labels('bus x {\n  function 1.0 intel-82599-vf serial 1 '), ['numa']);
  assert.deepEqual(labels('at 2ms plug nic0 function 1 intel-82599-vf '), ['serial', 'numa']);
  assert.deepEqual(labels('bus x { function 0 dump "g.lspci" '), ['serial', 'numa', 'select', 'bar', 'rom']);
  assert.deepEqual(labels('at 2ms plug nic0 function 1 dump "g.lspci" bar 0 16M '), ['serial', 'numa', 'select', 'bar', 'rom']);
});

test("completion after a dump's 'bar' offers the BAR indexes not yet sized, after 'bar N' or 'rom' sizes, and no option given already", () => {
  // Nothing was offered after 'bar ' or 'bar 0 ', and 'serial' again after 'serial 1' (the duplicate-option error).
  assert.deepEqual(labels('bus x { function 0 dump "g.lspci" bar '), ['0', '1', '2', '3', '4', '5']);
  assert.deepEqual(labels('at 2ms plug nic0 function 1 dump "g.lspci" bar 2 1M select 00:01.0 bar '), ['0', '1', '3', '4', '5']);
  const sizes = ['4K', '16K', '64K', '1M', '16M', '256M', '1G'];
  assert.deepEqual(labels('bus x { function 0 dump "g.lspci" bar 0 '), sizes);
  assert.deepEqual(labels('bus x { function 0 dump "g.lspci" rom '), sizes);
  assert.deepEqual(labels('bus x { function 0 dump "g.lspci" rom 64K serial 1 '), ['numa', 'select', 'bar']);
  assert.deepEqual(labels('at 2ms plug nic0 function 1 intel-82599-vf numa 0 '), ['serial']);
  assert.deepEqual(labels(`bus x { function 0 dump "g.lspci" ${[0, 1, 2, 3, 4, 5].map((k) => `bar ${k} 1M`).join(' ')} `), ['serial', 'numa', 'select', 'rom']);
  // Each value is a size the parser takes, a power of two (bar-size).
  for (const z of sizes) assert.deepEqual(parseScenario(`bus x { function 0 dump "g.lspci" bar 0 ${z} rom ${z} }\n`).diagnostics, [], z);
  const detail = complete({ text: 'bus x { function 0 dump "g.lspci" bar ', position: { line: 0, character: 38 }, ctx, busNames: [] })[1]!.detail;
  assert.equal(detail, "BAR 1: lspci's Region 1, config offset 0x14");
});

test("completion after 'dump' offers no option (its path in quotes goes there), and a fault no message the host sends", () => {
  // The options were offered, each a syntax error there ('expected the dump file path in quotes, found 'serial'').
  assert.deepEqual(labels('bus x { function 0 dump '), []);
  assert.deepEqual(labels('bus x {\n  function 1.0 dump '), []);
  assert.deepEqual(labels('at 2ms plug nic0 function 1 dump '), []);
  assert.deepEqual(labels('at 2ms offer hp0 { function 0 dump '), []);
  // bus-relations, eject, invalidate-block and bus-relations2 come from the host: a fault on one never fires (fault-never-matches).
  const fault = labels('at 0 fault nic0 ');
  const expected = labels('expect message ');
  for (const host of ['bus-relations', 'PCI_BUS_RELATIONS', 'eject', 'PCI_EJECT', 'invalidate-block', 'bus-relations2', 'PCI_BUS_RELATIONS2']) {
    assert.ok(!fault.includes(host), host);
    assert.ok(expected.includes(host), host);
  }
  assert.ok(fault.includes('create-interrupt') && fault.includes('ejection-complete') && fault.includes('PCI_BUS_D0ENTRY'));
});

test("completion after 'mmio' offers the two ranges, each with which side of 4 GiB it is (they had neither detail nor documentation)", () => {
  const items = complete({ text: 'vm {\n  mmio ', position: { line: 1, character: 7 }, ctx, busNames: [] });
  assert.deepEqual(
    items.map((i) => [i.label, i.detail]),
    [
      ['low', 'VMBus MMIO range below 4 GiB'],
      ['high', 'VMBus MMIO range above 4 GiB'],
    ],
  );
  assert.match((items[1]!.documentation as { value: string }).value, /where Linux pci-hyperv places 64-bit BARs/);
});

test("completion after 'expect BUS version' offers the versions as MAJOR.MINOR, the form the parser takes, each with who accepts and offers it", () => {
  const items = complete({ text: 'expect nic0 version ', position: { line: 0, character: 20 }, ctx, busNames: ['nic0'] });
  assert.deepEqual(
    items.map((i) => [i.label, i.detail]),
    [
      ['1.1', 'vPCI 1.1 (0x00010001)'],
      ['1.2', 'vPCI 1.2 (0x00010002)'],
      ['1.3', 'vPCI 1.3 (0x00010003)'],
      ['1.4', 'vPCI 1.4 (0x00010004)'],
      ['1.5', 'vPCI 1.5 (0x00010005)'],
      ['1.6', 'vPCI 1.6 (0x00010006)'],
    ],
  );
  assert.deepEqual(items[3]!.documentation, { kind: 'markdown', value: 'Accepted by hyperv-2022, openvmm; offered by freebsd, linux.' });
  // A half-typed version is replaced whole; a version with a slot is the unexpected-slot error: none offered.
  assert.deepEqual(complete({ text: 'expect nic0 version 1.', position: { line: 0, character: 22 }, ctx, busNames: ['nic0'] })[0]!.textEdit, {
    newText: '1.1',
    range: { start: { line: 0, character: 20 }, end: { line: 0, character: 22 } },
  });
  assert.deepEqual(labels('expect nic0/0 version '), []);
  // With the scenario's host and guest known, the versions both support: another is the version-unreachable warning.
  const common = (host: string, guest: string): string[] =>
    complete({ text: 'expect nic0 version ', position: { line: 0, character: 20 }, ctx, busNames: ['nic0'], machine: { cpus: 4, host, guest } }).map(
      (i) => i.label,
    );
  assert.deepEqual(common('hyperv-2022', 'linux'), ['1.1', '1.2', '1.3', '1.4']);
  assert.deepEqual(common('hyperv-2016', 'linux'), ['1.1', '1.2']);
  // none in common (the no-common-version warning), or a name no table has: all of them, as without a scenario
  assert.equal(common('hyperv-2016', 'nosuch').length, 6);
});

test("completion after 'BUS/' offers the bus's slots where a function goes, and nothing where a bus goes", () => {
  for (const t of ['at 0 raise nic0/', 'at 0 eject nic0/1', 'expect nic0/']) assert.deepEqual(labels(t), ['0.0'], t);
  // fault, plug, rescind and 'on' take a bus: slots there were offered, as if a function went there.
  for (const t of ['at 0 fault nic0/', 'at 0 plug nic0/', 'at 0 rescind nic0/', 'expect message bus-d0entry on nic0/']) assert.deepEqual(labels(t), [], t);
});
