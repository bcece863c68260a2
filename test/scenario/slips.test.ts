// The slips a newcomer makes in a scenario, each judged as the CLI and the editor show it: one
// diagnostic per mistake, on the range of the mistake, saying what goes there and (where one is
// clear) offering the fix; and the rest of the file still read, so nothing below the mistake is
// reported only because the mistaken statement was lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario, parseScenario } from '../../emulator/scenario/parser';
import { defaultScenarioContext } from '../../emulator/scenario/context';

type Row = [code: string, line: number, col: number, endCol: number, message: string, suggestions?: string[]];

/** Every diagnostic of `src` (parse and check, the catalog's names, no files) as [code, line, col, endCol, message, suggestions?]. */
function diags(src: string): Row[] {
  return slipDiags(src);
}
function slipDiags(src: string): Row[] {
  return loadScenario(
    src,
    't.vpci',
    defaultScenarioContext(() => undefined),
  ).diagnostics.map((d) => {
    const r: Row = [d.code, d.loc.line, d.loc.col, d.loc.endCol, d.message];
    if (d.suggestions) r.push(d.suggestions);
    return r;
  });
}

const NIC = 'bus nic0 { function 0 intel-82599-vf }\n';
/** diags without the vector-never-raised warning, for a test whose scenario expects a delivery it never raises (not what it is about). */
const unraised = (src: string): Row[] => diags(src).filter((r) => r[0] !== 'vector-never-raised');
/** Lines that name nic0 and its slot 0, a driver and its vectors: what a lost declaration or event would make errors or warnings. */
const USES = 'at 0 boot\nat 1ms driver nic0 msix 3\nat 2ms raise nic0 vector 0\nexpect nic0 attached\n';

test('a function line with a syntax error is one error: the lines naming its slot are not each an unknown slot', () => {
  assert.deepEqual(diags(`bus nic0 { function 0 intel-82599-vf seral 1 }\n${USES}`), [
    ['unknown-setting', 1, 38, 43, "unknown function option 'seral'; did you mean 'serial'? (expected serial, numa, select, bar, rom)", ['serial']],
  ]);
  // A bus item that is no item (a misspelt `function`, most likely): no slot of the bus is unknown either.
  assert.deepEqual(diags(`bus nic0 { device 0 intel-82599-vf }\n${USES}`), [
    ['unknown-setting', 1, 12, 18, "unknown bus item 'device'; did you mean 'function'? (expected instance, function)", ['function']],
  ]);
  // The same for a plugged function: the unplug of its slot is not an error of its own.
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms plug nic0 function 1 intel-82599-vf seral 2\nat 2ms unplug nic0/1\n`), [
    ['unknown-setting', 3, 44, 49, "unknown function option 'seral'; did you mean 'serial'? (expected serial, numa, select, bar, rom)", ['serial']],
  ]);
});

test('a bus or offer whose header has a syntax error is one error: the lines naming the bus are not each an unknown bus', () => {
  const body = '  function 0 intel-82599-vf\n}\n';
  assert.deepEqual(diags(`bus nic0 x {\n${body}${USES}`), [['unexpected-token', 1, 10, 11, "expected '{', found 'x'"]]);
  // No name was read: the bus is any of the names the file uses.
  assert.deepEqual(diags(`bus {\n${body}${USES}`), [['unexpected-token', 1, 5, 6, "expected a bus name, found '{'"]]);
  assert.deepEqual(diags('at 0 boot\nat 1ms offer nic0 x { function 0 intel-82599-vf }\nat 2ms driver nic0 msix 3\nexpect nic0 attached\n'), [
    ['unexpected-token', 2, 19, 20, "expected '{', found 'x'"],
  ]);
});

test('an event with a syntax error is one error: no warning says its boot or driver is missing', () => {
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 msx 3\nat 2ms raise nic0 vector 0\n`), [
    ['unknown-keyword', 3, 20, 23, "unknown keyword 'msx'; did you mean 'msix'? (expected 'msix N', 'msi N' or 'none')", ['msix', 'msi']],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 Boot\nexpect nic0 attached\n`), [
    [
      'unknown-event',
      2,
      6,
      10,
      "unknown event 'Boot'; did you mean 'boot'? (expected boot, driver, raise, eject, offer, rescind, detach, vanish, plug, unplug, fault)",
      ['boot'],
    ],
  ]);
  // A boot written without `at` and its time: what it is, and no `no-boot` besides.
  assert.deepEqual(diags(`${NIC}boot\n`), [
    ['unknown-statement', 2, 1, 5, "unknown statement 'boot' (expected vm, bus, at, expect); 'boot' is an event: it comes after 'at' and its time (at 0 boot)"],
  ]);
  // A driver event naming a bus or slot that is not there: that error, and no `no-driver` for the raise that meant it.
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic9 msix 3\nat 2ms raise nic0 vector 0\n`), [
    ['unknown-bus', 3, 15, 19, "unknown bus 'nic9'; did you mean 'nic0'?", ['nic0']],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0/1 msix 3\nat 2ms raise nic0 vector 0\n`), [
    ['unknown-slot', 3, 20, 21, 'bus nic0 has no function at 1; its functions: 0', ['0']],
  ]);
  // Without the broken line, the warnings stand (they are not silenced for good).
  assert.deepEqual(
    diags(`${NIC}at 2ms raise nic0 vector 0\n`).map((r) => r[0]),
    ['no-boot', 'no-driver'],
  );
});

test('a vm setting with a syntax error is not taken as the default: nothing is judged against a host or CPU count the file does not give', () => {
  // With hyperv-2016 (the default) assumed, `version 1.4` would be `version-unreachable`, and cpu 6 of the default 4 `no-such-cpu`.
  assert.deepEqual(diags(`vm {\n  host 2022\n  guest linux\n}\n${NIC}at 0 boot\nexpect nic0 version 1.4\n`), [
    ['unexpected-token', 2, 8, 12, "expected a host profile name (e.g. hyperv-2016), found '2022'"],
  ]);
  assert.deepEqual(unraised(`vm {\n  cpus eight\n}\n${NIC}at 0 boot\nexpect nic0 vector 0 delivered cpu 6\n`), [
    ['unexpected-token', 2, 8, 13, "expected the CPU count, found 'eight'"],
  ]);
});

test("a block's missing '{', its items on one line, and a string left open over its '}' are one error each, and the block is read", () => {
  // `vm` with no `{`: the lines below are its settings, not unknown statements, and its `}` no stray one.
  const noBrace = `vm\n  host hyperv-2022\n  guest linux\n}\n${NIC}at 0 boot\nexpect nic0 version 1.4\n`;
  // Its fix puts the `{` in at the end of the line, and the file is then whole.
  assert.deepEqual(diags(noBrace), [['missing-argument', 1, 3, 3, "expected '{', found end of line", [' {']]]);
  assert.deepEqual(diags(fixed(noBrace)), []);
  assert.equal(parseScenario(noBrace).scenario.vm.host?.name, 'hyperv-2022');
  const busNoBrace = `bus nic0\n  function 0 intel-82599-vf\n}\n${USES}`;
  assert.deepEqual(diags(busNoBrace), [['missing-argument', 1, 9, 9, "expected '{', found end of line", [' {']]]);
  assert.deepEqual(diags(fixed(busNoBrace)), []);
  // With no `}` below, there is no block for a `{` to open: no fix.
  assert.deepEqual(diags(`bus nic0\n  function 0 intel-82599-vf\n${USES}`)[0], ['missing-argument', 1, 9, 9, "expected '{', found end of line"]);
  // Nothing below that could be in the block (the next statement, the end of the file): ' { }', an empty block to fill.
  assert.deepEqual(diags(`bus nic2\n${NIC}${USES}`)[0], ['missing-argument', 1, 9, 9, "expected '{', found end of line", [' { }']]);
  assert.deepEqual(diags(`${NIC}${USES}bus nic2`)[0], ['missing-argument', 6, 9, 9, "expected '{', found end of file", [' { }']]);
  assert.deepEqual(diags(`vm\n\n${NIC}${USES}`)[0], ['missing-argument', 1, 3, 3, "expected '{', found end of line", [' { }']]);
  // Something below that is no item (a stray `}`, a misspelt item): no fix, as what it is cannot be told.
  assert.deepEqual(diags(`bus nic2\n}\n${NIC}${USES}`)[0], ['missing-argument', 1, 9, 9, "expected '{', found end of line"]);
  assert.deepEqual(diags(`bus nic2\n  functon 0 intel-82599-vf\n}\n${NIC}${USES}`)[0], ['missing-argument', 1, 9, 9, "expected '{', found end of line"]);
  // `bus nic0 function 0 …`: the function is the bus's; with its `}` on a later line, the `{` goes in before it.
  assert.deepEqual(diags(`bus nic0 function 0 intel-82599-vf\n${USES}`), [['unexpected-token', 1, 10, 18, "expected '{', found 'function'"]]);
  const twoLines = `bus nic0 function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\n${USES}`;
  assert.deepEqual(diags(twoLines)[0], ['unexpected-token', 1, 10, 18, "expected '{', found 'function'", ['{ function']]);
  assert.deepEqual(
    diags(fixed(twoLines)).filter((d) => d[0] !== 'plug-fails'),
    [],
  );
  // Settings on one line: said once for the line, and each read.
  const oneLine = `vm { host hyperv-2022 guest linux cpus 2 }\n${NIC}at 0 boot\nexpect nic0 version 1.4\nexpect nic0 vector 0 delivered cpu 1\n`;
  assert.deepEqual(unraised(oneLine), [['unexpected-token', 1, 23, 28, "unexpected 'guest' after 'host'; each vm setting goes on a line of its own"]]);
  const vm = parseScenario(oneLine).scenario.vm;
  assert.deepEqual([vm.host?.name, vm.guest?.name, vm.cpus], ['hyperv-2022', 'linux', 2]);
  // (The freebsd guest's descriptor-stride warning on the second function is not what this is about.)
  assert.deepEqual(
    diags(`bus nic0 { function 0 intel-82599-vf function 1 intel-82599-vf }\n${USES}at 3ms driver nic0/1 none\n`).filter((r) => r[0] !== 'plug-fails'),
    [['unexpected-token', 1, 38, 46, "unexpected 'function' after 'function'; each bus item goes on a line of its own"]],
  );
  // The string runs to the end of the line with the block's `}` in it: the block ends there, and the next bus is read.
  assert.deepEqual(diags(`bus g { function 0 dump "x.lspci }\n${NIC}${USES}`), [
    ['unterminated-string', 1, 25, 35, `unterminated string: it has no closing '"' on its line`],
  ]);
});

test('a time or size in a form the language does not take says the form it takes, with it as the fix; a negative one its range', () => {
  const at = (t: string): Row[] => diags(`${NIC}at ${t} boot\n`);
  const dur = (t: string, fix: string): string => `'${t}' is not a duration; did you mean '${fix}'? (a duration is a whole number and a unit: ns, us, ms or s)`;
  assert.deepEqual(at('5sec'), [['invalid-number', 2, 4, 8, dur('5sec', '5s'), ['5s']]]);
  assert.deepEqual(at('2MS'), [['invalid-number', 2, 4, 7, dur('2MS', '2ms'), ['2ms']]]);
  assert.deepEqual(at('1.5ms'), [['invalid-number', 2, 4, 9, dur('1.5ms', '1500us'), ['1500us']]]);
  // Microseconds as this project prints them (µs, the micro sign; μ, Greek mu): one error with 'us' as the fix. It was two,
  // "needs a unit: '10'" and "unexpected character 'µ'", the unit's 's' left over.
  assert.deepEqual(at('10\u00b5s'), [['invalid-number', 2, 4, 8, dur('10\u00b5s', '10us'), ['10us']]]);
  assert.deepEqual(at('2\u03bcs'), [['invalid-number', 2, 4, 7, dur('2\u03bcs', '2us'), ['2us']]]);
  assert.deepEqual(at('1.5\u00b5s'), [['invalid-number', 2, 4, 9, dur('1.5\u00b5s', '1500ns'), ['1500ns']]]);
  assert.deepEqual(at('1 \u00b5s'), [['missing-unit', 2, 4, 8, "a unit goes right after its number, without a space: '1us'", ['1us']]]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect nic0 attached before 10\u00b5s\n`), [['invalid-number', 3, 29, 33, dur('10\u00b5s', '10us'), ['10us']]]);
  // A micro unit mistyped (`10µx`, `10µsec`, `10µ`) is one error too, with microseconds as the fix: it was two, "needs a
  // unit: '10'" and "unexpected character 'µ'".
  assert.deepEqual(at('10\u00b5x'), [['invalid-number', 2, 4, 8, dur('10\u00b5x', '10us'), ['10us']]]);
  assert.deepEqual(at('10\u00b5sec'), [['invalid-number', 2, 4, 10, dur('10\u00b5sec', '10us'), ['10us']]]);
  assert.deepEqual(at('3\u03bc'), [['invalid-number', 2, 4, 6, dur('3\u03bc', '3us'), ['3us']]]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 msix 3\nat 2ms raise nic0 vector 1\u00b5x\n`).length, 1);
  // A micro sign after a word, not a number, is still the one character said.
  assert.deepEqual(
    diags(`${NIC}at 0 boot\nexpect nic0\u00b5 attached\n`).map((r) => r[0]),
    ['invalid-token'],
  );
  // Minutes and hours, which the language does not have: the same time in seconds (or finer).
  assert.deepEqual(at('1h'), [['invalid-number', 2, 4, 6, dur('1h', '3600s'), ['3600s']]]);
  assert.deepEqual(at('2min'), [['invalid-number', 2, 4, 8, dur('2min', '120s'), ['120s']]]);
  assert.deepEqual(at('0.001h'), [['invalid-number', 2, 4, 10, dur('0.001h', '3600ms'), ['3600ms']]]);
  assert.deepEqual(at('2d'), [['invalid-number', 2, 4, 6, dur('2d', '172800s'), ['172800s']]]);
  // Past the longest time there is (2^52 ns), however it is written: no fix, and the one wording of the limit
  // (it was 'expected the event time' for hours, and the lexer's "'…' is too long a duration" past 2^53 - 1 ns).
  const tooLong = (t: string): string => `the event time must be at most 2^52 ns (about 52 days: virtual time counts whole nanoseconds), not '${t}'`;
  for (const t of ['2000000h', '60d', '4503599627370497ns', '9007199254740993ns', '99999999999999999999s'])
    assert.deepEqual(at(t), [['out-of-range', 2, 4, 4 + t.length, tooLong(t)]], t);
  assert.deepEqual(at('-1ms'), [['out-of-range', 2, 4, 8, "the event time cannot be negative: '-1ms'"]]);
  // The unit parted from its number: said once, and the event kept at that time (no `no-driver` below it).
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 2 ms driver nic0 msix 3\nat 3ms raise nic0 vector 0\n`), [
    ['missing-unit', 3, 4, 8, "a unit goes right after its number, without a space: '2ms'", ['2ms']],
  ]);
  assert.equal(parseScenario('at 2 ms boot\n').scenario.timeline[0]?.time, 2_000_000);
  const size = (t: string, fix: string): string => `'${t}' is not a number; did you mean '${fix}'? (the size suffixes are K, M, G and T)`;
  assert.deepEqual(
    diags('bus g { function 0 dump "x" bar 0 16MB }\nat 0 boot\n').filter((r) => r[0] !== 'dump-missing'),
    [['invalid-number', 1, 35, 39, size('16MB', '16M'), ['16M']]],
  );
  assert.deepEqual(
    diags('bus g { function 0 dump "x" rom 4kib }\nat 0 boot\n').filter((r) => r[0] !== 'dump-missing'),
    [['invalid-number', 1, 33, 37, size('4kib', '4K'), ['4K']]],
  );
  assert.deepEqual(diags('vm {\n  cpus -1\n}\n'), [['out-of-range', 2, 8, 10, 'the CPU count must be 1..240, not -1']]);
  // A fraction goes down a unit at a time until it is whole; what no unit makes whole, or no unit at all, has no fix.
  assert.deepEqual(at('0.25s')[0]?.[5], ['250ms']);
  assert.deepEqual(at('1.0005ms')[0]?.[5], ['1000500ns']);
  const form = '(a duration is a whole number and a unit: ns, us, ms or s)';
  assert.deepEqual(at('1.5ns'), [['invalid-number', 2, 4, 9, `'1.5ns' is not a duration ${form}`]]);
  assert.deepEqual(at('2m'), [['invalid-number', 2, 4, 6, `'2m' is not a duration ${form}`]]);
  // An exponent or a hex number is read as the time it writes, one error over its tokens.
  const fix = (text: string, to: string, end: number) => [['invalid-number', 2, 4, end, `'${text}' is not a duration; did you mean '${to}'? ${form}`, [to]]];
  assert.deepEqual(at('1e3ms'), fix('1e3ms', '1000ms', 9));
  assert.deepEqual(at('2.5E-3s'), fix('2.5E-3s', '2500us', 11));
  assert.deepEqual(at('0x10ms'), fix('0x10ms', '16ms', 10));
  assert.deepEqual(at('1e3 ms'), fix('1e3 ms', '1000ms', 10));
  assert.deepEqual(at('1e-10ns'), [['invalid-number', 2, 4, 11, `'1e-10ns' is not a duration ${form}`]]);
  // A number past the limit with its unit after a space, or with none, is the limit once.
  const long = (text: string, end: number) => [
    ['out-of-range', 2, 4, end, `the event time must be at most 2^52 ns (about 52 days: virtual time counts whole nanoseconds), not '${text}'`],
  ];
  assert.deepEqual(at('99999999999999999999 s'), long('99999999999999999999 s', 26));
  assert.deepEqual(at('99999999999999999999'), long('99999999999999999999', 24));
  assert.deepEqual(at('1e20ms'), long('1e20ms', 10));
  // A hex time without a unit is offered with units on its value (0x10ms is no time).
  assert.deepEqual(at('0x10')[0]?.[5], ['16ms', '16us', '16ns', '16s']);
  // A decimal comma (with a space or two commas too) and a fraction without its whole part: one error each, with the time as the fix.
  assert.deepEqual(at('1,5ms'), fix('1,5ms', '1500us', 9));
  assert.deepEqual(at('1, 5ms'), fix('1, 5ms', '1500us', 10));
  assert.deepEqual(at('1,,5ms'), fix('1,,5ms', '1500us', 10));
  assert.deepEqual(at('1,5 ms'), fix('1,5 ms', '1500us', 10));
  assert.deepEqual(at('1,5'), [['invalid-number', 2, 4, 7, `'1,5' is not a duration ${form}`]]);
  // A comma before the unit too, or a whole part past the limit: the commas are the time's, one error (each was said again, or the time's lost).
  assert.deepEqual(at('1,5,ms'), fix('1,5,ms', '1500us', 10));
  assert.deepEqual(at('99999999999999999999,5ms'), long('99999999999999999999,5ms', 28));
  // A fraction or a longer unit parted from its number: one error over both, the time as the fix (the unit was read as the event).
  assert.deepEqual(at('1.5 ms'), fix('1.5 ms', '1500us', 10));
  assert.deepEqual(at('2 min'), fix('2 min', '120s', 9));
  assert.deepEqual(at('1,5 h'), fix('1,5 h', '5400s', 9));
  assert.deepEqual(at('53 days'), long('53 days', 11));
  // No unit: only the units that keep it within the limit are offered, and with none the limit is said.
  assert.deepEqual(at('5000000000')[0]?.[5], ['5000000000us', '5000000000ns']);
  assert.deepEqual(at('9999999999999999'), long('9999999999999999', 20));
  // A relative time whose absolute time would pass the limit: that one is not offered.
  assert.deepEqual(
    diags(`${NIC}at 3000000s boot\nat +3000000s boot\n`).find((d) => d[0] === 'invalid-token'),
    [
      'invalid-token',
      3,
      4,
      13,
      "'+3000000s': an event's time is absolute (virtual time since boot), not relative; 3000000 s after the event at 3000000 s is 6000000 s, past the limit of 2^52 ns; 3000000 s after boot is 'at 3000000s'",
      ['3000000s'],
    ],
  );
  assert.deepEqual(at('.5ms'), fix('.5ms', '500us', 8));
  assert.deepEqual(at('.5 ms'), fix('.5 ms', '500us', 9));
});

test('punctuation the language has none of, a no-break space, and strings in curly or single quotes are said once and read past', () => {
  assert.deepEqual(diags('vm {\n  host=hyperv-2016\n  guest: linux\n  cpus 4;\n  quirk short-packet-drop == off\n}\n'), [
    ['invalid-token', 2, 7, 8, "unexpected '=': a value follows its word after a space (host hyperv-2016, not host=hyperv-2016)", [' ']],
    ['invalid-token', 3, 8, 9, "unexpected ':': a value follows its word after a space (guest linux, not guest: linux)", ['']],
    ['invalid-token', 4, 9, 10, "unexpected ';': a statement ends at the end of its line, without ';'", ['']],
    ['invalid-token', 5, 27, 29, "unexpected '==': a value follows its word after a space (short-packet-drop off, not short-packet-drop == off)", ['']],
  ]);
  const vm = parseScenario('vm {\n  host=hyperv-2022\n  guest:linux\n}\n').scenario.vm;
  assert.deepEqual([vm.host?.name, vm.guest?.name], ['hyperv-2022', 'linux']);
  assert.deepEqual(diags(`bus nic0 { function 0 intel-82599-vf serial 1, numa 0 }\n${USES}`), [
    ['invalid-token', 1, 46, 47, "unexpected ',': the parts of a statement are separated by spaces, not commas", ['']],
  ]);
  // Numbers joined by commas where one goes: one error over them (it was the comma, then the next number as a word too many), the
  // digits joined as the fix where they group thousands; a comma at the end of the file without its line end is said too.
  const one = (t: string) => [`'${t}' is not a number (the vector count is one number, written without ',')`];
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 msix 1,2\n`), [['invalid-number', 3, 25, 28, ...one('1,2')]]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 msix 1, 2,,3\n`), [['invalid-number', 3, 25, 32, ...one('1, 2,,3')]]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 msix 1,024\n`), [
    ['invalid-number', 3, 25, 30, "'1,024' is not a number; did you mean '1024'? (the vector count is one number, written without ',')", ['1024']],
  ]);
  // Thousands grouped into a number past the range: no fix that is itself an error (msix 9999), the range instead.
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 msix 9,999\n`), [
    ['invalid-number', 3, 25, 30, "'9,999' is not a number (the vector count is one number in 1..2048, written without ',')"],
  ]);
  assert.deepEqual(diags(`vm {\n  cpus 1,000\n}\n${NIC}at 0 boot\n`), [
    ['invalid-number', 2, 8, 13, "'1,000' is not a number (the CPU count is one number in 1..240, written without ',')"],
  ]);
  assert.deepEqual(diags(`vm {\n  cpus 1,000,000\n}\n${NIC}at 0 boot\n`), [
    ['invalid-number', 2, 8, 17, "'1,000,000' is not a number (the CPU count is one number in 1..240, written without ',')"],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 boot,`), [
    ['invalid-token', 2, 10, 11, "unexpected ',': the parts of a statement are separated by spaces, not commas", ['']],
  ]);
  assert.deepEqual(diags(`${NIC}at 0\u00a0boot\n`), [['invalid-token', 2, 5, 6, 'unexpected character U+00A0 (a no-break space): write a plain space', [' ']]]);
  // The path in curly quotes is read as the path: the dump is looked for (here it is missing, and says so).
  assert.deepEqual(diags('bus g { function 0 dump \u201cx.lspci\u201d }\nat 0 boot\n'), [
    ['invalid-token', 1, 25, 34, 'a string goes in straight double quotes, not curly quotes: "x.lspci"', ['"x.lspci"']],
    ['dump-missing', 1, 25, 34, "cannot read dump file 'x.lspci'"],
  ]);
  // A name in any quotes: one error, that a name has none, and the name read.
  assert.deepEqual(diags("vm {\n  host 'hyperv-2016'\n}\n"), [
    [
      'unexpected-token',
      2,
      8,
      21,
      "expected a host profile name (e.g. hyperv-2016), found string 'hyperv-2016'; a name is written without quotes: hyperv-2016",
      ['hyperv-2016'],
    ],
  ]);
  assert.deepEqual(diags(`bus "nic0" { function 0 intel-82599-vf }\n${USES}expect "nic0" attached before 1s\n`), [
    ['unexpected-token', 1, 5, 11, 'expected a bus name, found string "nic0"; a name is written without quotes: nic0', ['nic0']],
    ['unexpected-token', 6, 8, 14, 'expected a bus name, found string "nic0"; a name is written without quotes: nic0', ['nic0']],
  ]);
  // A path in quotes where a device goes: the word `dump` is what is missing.
  assert.deepEqual(diags('bus g { function 0 "x.lspci" }\nat 0 boot\n'), [
    [
      'unexpected-token',
      1,
      20,
      29,
      'expected a catalog device id (e.g. intel-82599-vf) or dump "file", found string "x.lspci"; a dump file is named after the word dump: dump "x.lspci"',
      ['dump "x.lspci"'],
    ],
  ]);
});

test('a word from another place or another language is told what it is: a synonym, a comment, a statement without its `at`', () => {
  assert.deepEqual(diags('vm {\n  quirk short-packet-drop false\n}\n'), [
    ['unknown-keyword', 2, 27, 32, "unknown keyword 'false'; did you mean 'off'? (expected 'on' or 'off')", ['off']],
  ]);
  assert.deepEqual(
    diags(`${NIC}at 0 start\n`).map((r) => [r[0], r[5]]),
    [['unknown-event', ['boot']]],
  );
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect nic0 attached by 5ms\n`), [
    ['unknown-keyword', 3, 22, 24, "unknown keyword 'by'; did you mean 'before'? (expected 'before' or the end of the statement)", ['before']],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect message bus-d0entry times 1\n`), [
    ['unknown-keyword', 3, 28, 33, "unknown message expectation option 'times'; did you mean 'count'? (expected on, count, before)", ['count']],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 boot // boot it\n`), [['unexpected-token', 2, 11, 13, "a comment starts with '#', not '//'", ['#']]]);
  assert.deepEqual(diags(`${NIC}/* the boot */\nat 0 boot\n`), [['unexpected-token', 2, 1, 3, "a comment starts with '#', not '/*'", ['#']]]);
  assert.deepEqual(diags(`${NIC}2ms boot\n`), [
    ['unexpected-token', 2, 1, 4, "expected a statement (vm, bus, at, expect), found '2ms'; did you mean 'at 2ms'?", ['at 2ms']],
  ]);
  // A vm setting where a statement goes (the `vm {` line left out): one error, and the settings below it and the `}` are the vm block's.
  const noVmLine = `  host hyperv-2022\n  guest linux\n  cpus 2\n}\n${NIC}at 0 boot\nexpect nic0 version 1.4\nexpect nic0 vector 0 delivered cpu 1\n`;
  assert.deepEqual(unraised(noVmLine), [
    [
      'unknown-statement',
      1,
      3,
      7,
      "unknown statement 'host' (expected vm, bus, at, expect); 'host' is a vm setting: it goes inside the vm block (vm { host … })",
    ],
  ]);
  const vm = parseScenario(noVmLine).scenario.vm;
  assert.deepEqual([vm.host?.name, vm.guest?.name, vm.cpus], ['hyperv-2022', 'linux', 2]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect No errors\n`), [
    ['unknown-keyword', 3, 8, 10, "unknown keyword 'No'; did you mean 'no'? (expected a bus name, 'message' or 'no')", ['no']],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect no-errors\n`), [
    ['unknown-expectation', 3, 8, 17, "unknown expectation 'no-errors'; did you mean 'no errors'?", ['no errors']],
  ]);
  // A character that passes for part of a word (a zero-width one, a dash that is not '-'): the word with it is one error, fixed without it.
  assert.deepEqual(diags('vm {\n  guest free\u200bbsd\n}\n'), [
    ['invalid-token', 2, 9, 17, "'free<U+200B>bsd' has U+200B (a character that shows as nothing) in it: write 'freebsd'", ['freebsd']],
  ]);
  assert.deepEqual(diags(`bus nic0 { function 0 intel\u201382599-vf }\n${USES}`), [
    ['invalid-token', 1, 23, 37, "'intel\u201382599-vf' has U+2013 (a dash that is not '-') in it: write 'intel-82599-vf'", ['intel-82599-vf']],
  ]);
  assert.deepEqual(diags('vm {\n  cpus \uff14\n}\n'), [
    ['invalid-token', 2, 8, 9, "unexpected character '\uff14': names and numbers are written in ASCII (letters, digits, '_' and '-')"],
  ]);
  // A run of word characters where something else goes is told against what goes there.
  assert.deepEqual(diags('bus nic0 { function 0 82599-vf }\nat 0 boot\n'), [
    ['invalid-token', 1, 23, 31, 'expected a catalog device id (e.g. intel-82599-vf) or dump "file", found \'82599-vf\''],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect nic0 version 1.1.0\n`), [
    ['invalid-token', 3, 21, 26, "expected a protocol version like 1.1, found '1.1.0'"],
  ]);
});

test("a host profile's year parted by a space is one error, read as the profile meant; a message expectation that names its bus first is told the order", () => {
  const body = '  guest freebsd\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\nexpect nic0 version 1.4\n';
  // Read as hyperv-2022: the version expectation is judged against that host (1.4 is its own).
  assert.deepEqual(diags(`vm {\n  host hyperv 2022\n${body}`), [
    ['unexpected-token', 2, 8, 19, "a host profile name is one word; did you mean 'hyperv-2022'?", ['hyperv-2022']],
  ]);
  // A year no profile has: the unknown profile, once, with the nearest one.
  assert.deepEqual(diags(`vm {\n  host hyperv 2023\n${body}`), [
    ['unknown-profile', 2, 8, 19, "unknown host profile 'hyperv-2023'; did you mean 'hyperv-2022'?", ['hyperv-2022', 'hyperv-2016', 'hyperv-2019']],
  ]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect nic0 message PCI_BUS_D0ENTRY\n`), [
    [
      'unknown-expectation',
      3,
      8,
      36,
      "a message expectation names the message first and its bus after 'on': did you mean 'expect message PCI_BUS_D0ENTRY on nic0'?",
      ['message PCI_BUS_D0ENTRY on nic0'],
    ],
  ]);
  // With a slot (`on` takes a whole bus), the order is said without a fix.
  assert.deepEqual(diags(`${NIC}at 0 boot\nexpect nic0/0 message PCI_BUS_D0ENTRY\n`), [
    ['unknown-expectation', 3, 15, 22, "a message expectation names the message first and its bus after 'on' (expect message MESSAGE on nic0)"],
  ]);
});

test("'delivered on cpu 0' is one slip read past, with 'Remove' as its fix: the expectation still counts (its cpu checked, no cascade)", () => {
  const head = `${NIC}at 0 boot\nat 1ms driver nic0 msix 3\nat 2ms raise nic0 vector 0\n`;
  assert.deepEqual(diags(`${head}expect nic0 vector 0 delivered on cpu 0\n`), [
    ['unexpected-token', 5, 32, 34, "unexpected 'on': the CPU follows 'delivered' as 'cpu N' (delivered cpu 0, not delivered on cpu 0)", ['']],
  ]);
  // Read as meant: the CPU is checked as it would be without the slip.
  assert.deepEqual(
    diags(`${head}expect nic0 vector 0 delivered on cpu 9\n`).map((r) => r[0]),
    ['unexpected-token', 'no-such-cpu'],
  );
  const { scenario } = parseScenario(`${head}expect nic0 vector 0 delivered on cpu 2\n`);
  assert.deepEqual(
    scenario.expectations.map((e) => (e.kind === 'interrupt' ? [e.outcome, e.cpu] : e.kind)),
    [['delivered', 2]],
  );
});

test("a negation a newcomer writes is fixed to what it means: 'expect not message M' is 'no' (not a bus 'not'), 'quirk Q no' is 'off' (not 'on')", () => {
  const head = `${NIC}at 0 boot\n`;
  assert.deepEqual(diags(`${head}expect not message bus-d0entry\n`), [
    ['unknown-keyword', 3, 8, 11, "unknown keyword 'not'; did you mean 'no'? (expected a bus name, 'message' or 'no')", ['no']],
  ]);
  assert.deepEqual(
    diags(`${head}expect never message bus-d0entry\nexpect not errors\n`).map((r) => [r[0], r[1], r[5]]),
    [
      ['unknown-keyword', 3, ['no']],
      ['unknown-keyword', 4, ['no']],
    ],
  );
  assert.deepEqual(diags('vm {\n  quirk short-packet-drop no\n}\n')[0]!.slice(4), [
    "unknown keyword 'no'; did you mean 'off'? (expected 'on' or 'off')",
    ['off', 'on'],
  ]);
  // Other words people write for a keyword: `irq` for vector, `timeout` for no-reply.
  assert.deepEqual(diags(`${head}at 1ms driver nic0 msix 3\nat 2ms raise nic0 irq 0\n`)[0]!.slice(4), [
    "unknown keyword 'irq'; did you mean 'vector'? (expected 'vector')",
    ['vector'],
  ]);
  assert.deepEqual(diags(`${head}at 1ms fault nic0 bus-d0entry timeout\n`)[0]!.slice(5), [['no-reply']]);
});

test("a number where a word goes before it ('raise nic0 3', 'driver nic0 3') is the word left out, with it before the number as the fix", () => {
  const ev = (tail: string): Row[] => diags(`${NIC}at 0 boot\nat 1ms driver nic0 msix 3\nat 2ms ${tail}\n`);
  // Each was "expected 'vector', found '3'" (or 'msix N', 'msi N' or 'none'), with no fix.
  assert.deepEqual(ev('raise nic0 2'), [['missing-argument', 4, 19, 20, "the vector follows the word 'vector': 'vector 2'", ['vector 2']]]);
  assert.deepEqual(ev('raise nic0/0 0x1'), [['missing-argument', 4, 21, 24, "the vector follows the word 'vector': 'vector 0x1'", ['vector 0x1']]]);
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 3\n`), [
    ['missing-argument', 3, 20, 21, "the vector count follows the kind of interrupt, 'msix' or 'msi': 'msix 3' or 'msi 3'", ['msix 3', 'msi 3']],
  ]);
});

test("'expect … vector N delivered' with no 'raise' of that vector is told so before the run (it failed 'never delivered')", () => {
  const msg = (t: string, v: number): string =>
    `no event raises vector ${v} on ${t}: a device signals an interrupt only at a 'raise' event (at TIME raise ${t} vector ${v})`;
  const head = `${NIC}at 0 boot\nat 1ms driver nic0 msix 3\n`;
  assert.deepEqual(diags(`${head}expect nic0 vector 0 delivered\n`), [['vector-never-raised', 4, 1, 31, msg('nic0', 0)]]);
  assert.deepEqual(diags(`${head}at 2ms raise nic0 vector 1\nexpect nic0/0 vector 2 undeliverable\n`), [['vector-never-raised', 5, 1, 37, msg('nic0/0.0', 2)]]);
  // Raised (slot 0 written or not): nothing said.
  assert.deepEqual(diags(`${head}at 2ms raise nic0/0 vector 1\nexpect nic0 vector 1 delivered\n`), []);
  // A raise line that did not parse may be the one: no second warning for one mistake.
  assert.deepEqual(
    diags(`${head}at 2ms raise nic0 vectr 1\nexpect nic0 vector 1 delivered\n`).map((r) => r[0]),
    ['unknown-keyword'],
  );
});

test("a fault's repeat count said in English ('2 times', 'once', 'twice') is one error with 'times N' as its fix", () => {
  const fault = (tail: string): Row[] => diags(`${NIC}at 0 boot\nat 1ms fault nic0 create-interrupt no-reply ${tail}\n`);
  // Each was "unexpected '2' after the statement" (or 'once'), with no fix.
  assert.deepEqual(fault('2 times'), [['unexpected-token', 3, 45, 52, "a repeat count is written after 'times': 'times 2'", ['times 2']]]);
  assert.deepEqual(fault('3 time'), [['unexpected-token', 3, 45, 51, "a repeat count is written after 'times': 'times 3'", ['times 3']]]);
  assert.deepEqual(fault('once'), [['unexpected-token', 3, 45, 49, "a repeat count is written after 'times': 'times 1'", ['times 1']]]);
  assert.deepEqual(fault('Twice'), [['unexpected-token', 3, 45, 50, "a repeat count is written after 'times': 'times 2'", ['times 2']]]);
  // A count the fault does not take is said with the range, and no fix that is itself an error.
  assert.deepEqual(fault('0 times'), [['unexpected-token', 3, 45, 52, "a repeat count is written after 'times', and is 1..4294967295"]]);
  // Written right, it is still read.
  assert.deepEqual(fault('times 2'), []);
});

test('a dump path without its quotes is one error, with the path in quotes as its fix', () => {
  assert.deepEqual(diags('bus g { function 0 dump gpu.lspci }\nat 0 boot\n'), [
    ['unexpected-token', 1, 25, 34, 'the dump file path goes in double quotes: dump "gpu.lspci"', ['"gpu.lspci"']],
  ]);
  assert.deepEqual(diags('bus g { function 0 dump devices/nvidia-tu102.lspci select 02:00.0 }\nat 0 boot\n'), [
    ['unexpected-token', 1, 25, 51, 'the dump file path goes in double quotes: dump "devices/nvidia-tu102.lspci"', ['"devices/nvidia-tu102.lspci"']],
  ]);
  // A path with spaces in it: every run up to the last with a '.' or '/' is the path (it was the first word alone,
  // "expected the dump file path in quotes, found 'my'", with no fix), up to a function option's word.
  assert.deepEqual(diags('bus g {\n  function 0 dump my gpu.lspci\n}\nat 0 boot\n'), [
    ['unexpected-token', 2, 19, 31, 'the dump file path goes in double quotes: dump "my gpu.lspci"', ['"my gpu.lspci"']],
  ]);
  assert.deepEqual(diags('bus g {\n  function 0 dump ../My  Dumps/gpu 1.lspci serial 4\n}\nat 0 boot\n'), [
    ['unexpected-token', 2, 19, 43, 'the dump file path goes in double quotes: dump "../My  Dumps/gpu 1.lspci"', ['"../My  Dumps/gpu 1.lspci"']],
  ]);
  // A word after the path that has neither is not taken into it.
  assert.deepEqual(diags('bus g {\n  function 0 dump gpu.lspci 4\n}\nat 0 boot\n'), [
    ['unexpected-token', 2, 19, 28, 'the dump file path goes in double quotes: dump "gpu.lspci"', ['"gpu.lspci"']],
  ]);
  // Nothing after `dump` is still the missing path.
  assert.deepEqual(
    diags('bus g { function 0 dump\n}\nat 0 boot\n').map((r) => [r[0], r[4]]),
    [['missing-argument', 'expected the dump file path in quotes, found end of line']],
  );
});

test("a function named by its PCI ids, as lspci shows them ('function 0 8086:10ed'), is told which catalog device has them, as the fix", () => {
  assert.deepEqual(diags(`bus nic0 { function 0 8086:10ED }\n${USES}`), [
    [
      'unknown-device',
      1,
      23,
      32,
      "unknown device '8086:10ED': a function names a catalog device by its id, not by its PCI ids; 8086:10ed is intel-82599-vf",
      ['intel-82599-vf'],
    ],
  ]);
  // Two catalog devices share the ids of the 82599 PF: both are offered.
  assert.deepEqual(diags(`bus nic0 { function 0 8086:10fb }\n${USES}`)[0]!.slice(4), [
    "unknown device '8086:10fb': a function names a catalog device by its id, not by its PCI ids; 8086:10fb is intel-82599-pf or intel-82599-pf-dpdk",
    ['intel-82599-pf', 'intel-82599-pf-dpdk'],
  ]);
  assert.deepEqual(diags(`bus nic0 { function 0 1234:5678 }\n${USES}`)[0]!.slice(4), [
    'unknown device \'1234:5678\': a function names a catalog device by its id, not by its PCI ids, and no catalog device has 1234:5678; a device of your own is dump "FILE"',
  ]);
});

/** `src` with the first suggestion of its first diagnostic written over that diagnostic's range (as Quick Fix does; one-line ranges). */
function fixed(src: string): string {
  const d = loadScenario(
    src,
    't.vpci',
    defaultScenarioContext(() => undefined),
  ).diagnostics[0]!;
  const lines = src.split('\n');
  const l = lines[d.loc.line - 1]!;
  lines[d.loc.line - 1] = l.slice(0, d.loc.col - 1) + d.suggestions![0]! + l.slice(d.loc.endCol - 1);
  return lines.join('\n');
}

test("'before 0' is a deadline no event meets: a warning says the expectation never holds (or always, negated), with removing it as the fix", () => {
  const head = `${NIC}at 0 boot\n`;
  const never =
    "'before 0' is a deadline no event can meet (deadlines are strict, and time starts at 0), so this expectation can never hold; give a later time, or remove it";
  const always = never.replace('can never hold', 'always holds');
  assert.deepEqual(diags(`${head}expect nic0 attached before 0\n`), [['zero-deadline', 3, 22, 30, never, ['']]]);
  assert.deepEqual(diags(`${head}expect message bus-d0entry on nic0 before 0ms count 1\n`), [['zero-deadline', 3, 36, 46, never, ['']]]);
  assert.deepEqual(diags(`${head}expect no message eject before 0ns\n`), [['zero-deadline', 3, 25, 35, always, ['']]]);
  assert.deepEqual(diags(`${head}expect message eject count 0 before 0\n`)[0]![4], always);
  // The fix leaves an expectation that checks clean; a later deadline has no warning.
  assert.deepEqual(diags(fixed(`${head}expect nic0 attached before 0\n`)), []);
  assert.deepEqual(diags(`${head}expect nic0 attached before 1ns\n`), []);
  // A statement with a syntax error gets that error alone.
  assert.deepEqual(
    diags(`${head}expect nic0 attached before 0 x\n`).map((r) => r[0]),
    ['unexpected-token'],
  );
});

test("slips with their fix: 'expect nic0 is attached' and 'eject nic0 function 0' are read as meant; 'quirk Q 0' and 'version 0x10004' say the word or form", () => {
  const head = `${NIC}at 0 boot\n`;
  assert.deepEqual(diags(`${head}expect nic0 is attached\n`), [
    ['unexpected-token', 3, 13, 15, "unexpected 'is': the state follows the bus name (expect nic0 attached, not expect nic0 is attached)", ['']],
  ]);
  // Read as the state expectation: a second one is its duplicate.
  assert.deepEqual(
    diags(`${head}expect nic0 attached\nexpect nic0 is attached\n`).map((r) => r[0]),
    ['duplicate-expectation', 'unexpected-token'],
  );
  assert.deepEqual(diags(`${head}at 1ms eject nic0 function 0\n`), [
    ['unexpected-token', 3, 14, 29, "unexpected 'function': a function is named by its bus and slot, 'nic0/0' (did you mean 'nic0/0'?)", ['nic0/0']],
  ]);
  // Read as the target: its slot is checked as 'nic0/3' is.
  assert.deepEqual(
    diags(`${head}at 1ms driver nic0 slot 3 msix 3\n`).map((r) => [r[0], r[5]]),
    [
      ['unexpected-token', ['nic0/3']],
      ['unknown-slot', ['0']],
    ],
  );
  assert.deepEqual(diags('vm {\n  quirk short-packet-drop 0\n}\n'), [
    ['unexpected-token', 2, 27, 28, "expected 'on' or 'off', found '0'; did you mean 'off'? (a quirk is switched with a word, not a number)", ['off']],
  ]);
  assert.deepEqual(diags('vm {\n  quirk short-packet-drop 1\n}\n')[0]![5], ['on']);
  assert.deepEqual(diags(`${head}expect nic0 version 0x10004\n`), [
    ['unexpected-token', 3, 21, 28, "expected a protocol version like 1.1, found '0x10004'; did you mean '1.4'? (a version is written MAJOR.MINOR)", ['1.4']],
  ]);
  // The version as the drivers (PCI_PROTOCOL_VERSION_1_4) and OpenVMM (FE, VB) name it, or v1.2: the same, where each was
  // "expected a protocol version like 1.1" with no fix.
  for (const [written, fix] of [
    ['PCI_PROTOCOL_VERSION_1_4', '1.4'],
    ['FE', '1.4'],
    ['vb', '1.3'],
    ['v1.2', '1.2'],
  ]) {
    const d = diags(`${head}expect nic0 version ${written}\n`);
    assert.deepEqual(d, [
      [
        'unexpected-token',
        3,
        21,
        21 + written!.length,
        `expected a protocol version like 1.1, found '${written}'; did you mean '${fix}'? (a version is written MAJOR.MINOR)`,
        [fix],
      ],
    ]);
  }
  // Each fix gives a scenario that checks clean.
  for (const src of [
    `${head}expect nic0 is attached\n`,
    `${head}at 1ms eject nic0 function 0\n`,
    'vm {\n  quirk short-packet-drop 0\n}\n',
    `${head}expect nic0 version 0x10001\n`,
    `${head}expect nic0 version PCI_PROTOCOL_VERSION_1_1\n`,
  ])
    assert.deepEqual(diags(fixed(src)), [], src);
});

test('a misspelt status or message is offered in the spelling written: bad-dta → bad-data, BAD_DTA → BAD_DATA, BUS_D0ENTYR → BUS_D0ENTRY, each message once', () => {
  const fault = (message: string, status: string): Row[] => diags(`${NIC}at 0 fault nic0 ${message} status ${status}\nat 0 boot\n`);
  const hint = (status: string): string[] | undefined => fault('bus-d0entry', status)[0]?.[5];
  assert.deepEqual(fault('bus-d0entry', 'bad-dta'), [['unknown-status', 2, 36, 43, "unknown status 'bad-dta'; did you mean 'bad-data'?", ['bad-data']]]);
  assert.deepEqual(hint('BAD_DTA'), ['BAD_DATA']);
  assert.deepEqual(hint('STATUS_BAD_DTA'), ['STATUS_BAD_DATA']);
  assert.deepEqual(hint('status_bad_dta'), ['status_bad_data']);
  assert.deepEqual(hint('status-not-suported'), ['status-not-supported']);
  assert.deepEqual(fault('BUS_D0ENTYR', '1'), [['unknown-message', 2, 17, 28, "unknown message 'BUS_D0ENTYR'; did you mean 'BUS_D0ENTRY'?", ['BUS_D0ENTRY']]]);
  assert.deepEqual(fault('bus-d0entyr', '1')[0]![5], ['bus-d0entry']);
  assert.deepEqual(fault('create-intrrupt', '1')[0]![5], ['create-interrupt', 'create-interrupt2', 'create-interrupt3']);
  // Each fix checks clean.
  for (const [m, s] of [
    ['bus-d0entry', 'bad-dta'],
    ['bus-d0entry', 'status_bad_dta'],
    ['BUS_D0ENTYR', '1'],
  ])
    assert.deepEqual(diags(fixed(`${NIC}at 0 fault nic0 ${m} status ${s}\nat 0 boot\n`)), [], `${m} ${s}`);
});

test("a slot where a whole bus is meant ('expect nic0/0 attached', 'rescind nic0/1') has removing it, with its '/', as the fix", () => {
  const head = `${NIC}at 0 boot\n`;
  assert.deepEqual(diags(`${head}expect nic0/0 attached\n`), [['unexpected-slot', 3, 12, 14, "'attached' applies to a whole bus; remove the slot", ['']]]);
  assert.deepEqual(diags(`${head}at 1ms rescind nic0/1.0\n`)[0]![5], ['']);
  for (const src of [
    `${head}expect nic0/0 attached\n`,
    `${head}expect nic0/1.0 version 1.1\n`,
    `${head}at 1ms rescind nic0/0\n`,
    `${head}expect message eject on nic0/0\n`,
  ])
    assert.deepEqual(diags(fixed(src)), [], src);
});

test("a PCI address where a slot goes ('function 00:02.0') offers its device and function as the slot; 'delivered to cpu 0' is read past as 'on' is", () => {
  const msg = (a: string, fix: string): string =>
    `expected a slot (device number like '0' or device.function like '1.2'), found the PCI address '${a}'; did you mean '${fix}'? (the bus is the vPCI bus itself)`;
  assert.deepEqual(diags('bus nic0 { function 00:02.0 intel-82599-vf }\nat 0 boot\n'), [['bad-slot', 1, 21, 28, msg('00:02.0', '2'), ['2']]]);
  // lspci writes the device in hex; a function other than 0 is kept, a domain dropped.
  assert.deepEqual(diags('bus nic0 { function 0000:01:1f.7 intel-82599-vf }\nat 0 boot\n')[0]![5], ['31.7']);
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0/00:00.0 msix 3\n`)[0]![5], ['0']);
  for (const src of ['bus nic0 { function 00:02.0 intel-82599-vf }\nat 0 boot\n', `${NIC}at 0 boot\nat 1ms driver nic0/00:00.0 msix 3\n`])
    assert.deepEqual(diags(fixed(src)), [], src);
  const head = `${NIC}at 0 boot\nat 1ms driver nic0 msix 3\nat 2ms raise nic0 vector 0\n`;
  assert.deepEqual(diags(`${head}expect nic0 vector 0 delivered to cpu 0\n`), [
    ['unexpected-token', 5, 32, 34, "unexpected 'to': the CPU follows 'delivered' as 'cpu N' (delivered cpu 0, not delivered to cpu 0)", ['']],
  ]);
});

test("a slot in hex as lspci prints it ('function 0a.0', 'nic0/1f') says slots are decimal, with the slot in decimal as the fix", () => {
  const msg = (a: string, fix: string, hex: string, d: number): string =>
    `a slot's numbers are decimal: '${a}' is written '${fix}' (lspci's ${hex} is device ${d})`;
  assert.deepEqual(diags('bus nic0 { function 0a.0 intel-82599-vf }\nat 0 boot\n'), [['bad-slot', 1, 21, 25, msg('0a.0', '10.0', '0a', 10), ['10.0']]]);
  assert.deepEqual(diags('bus nic0 { function 1f intel-82599-vf }\nat 0 boot\n'), [['bad-slot', 1, 21, 23, msg('1f', '31', '1f', 31), ['31']]]);
  assert.deepEqual(diags('bus nic0 { function 0x0b.1 intel-82599-vf }\nat 0 boot\n')[0]![5], ['11.1']);
  const event = `bus nic0 { function 12 intel-82599-vf }\nat 0 boot\nat 1ms driver nic0/0c msix 3\n`;
  assert.deepEqual(diags(event), [['bad-slot', 3, 20, 22, msg('0c', '12', '0c', 12), ['12']]]);
  for (const src of ['bus nic0 { function 0a.0 intel-82599-vf }\nat 0 boot\n', event]) assert.deepEqual(diags(fixed(src)), [], src);
  // past device 31 in hex too, it is no slot: said as before, with no fix
  assert.deepEqual(diags('bus nic0 { function 2a intel-82599-vf }\nat 0 boot\n')[0]!.slice(0, 1), ['invalid-token']);
});

test("'after TIME' in an expectation says when that expectation holds, that it has a deadline and no start, with removing it as the fix; a broken expectation is no duplicate", () => {
  const said = (holds: string): string => `unexpected 'after': ${holds}; an expectation has a deadline ('before TIME') but no start time, so remove 'after …'`;
  const head = `${NIC}at 0 boot\n`;
  assert.deepEqual(diags(`${head}expect nic0 attached after 1ms\n`), [
    ['unexpected-token', 3, 22, 31, said("'expect nic0 attached' holds if nic0 reached 'attached' at any time in the run"), ['']],
  ]);
  // `failed after 1ms` (a newcomer's "it fails after 1 ms") is told what 'expect nic0 failed' means, in its words.
  assert.deepEqual(diags(`${head}expect nic0 failed after 1ms\n`), [
    ['unexpected-token', 3, 20, 29, said("'expect nic0 failed' holds if nic0 reached 'failed' at any time in the run"), ['']],
  ]);
  assert.deepEqual(diags(`${head}expect message eject after 1ms on nic0\n`), [
    ['unexpected-token', 3, 22, 31, said("'expect message eject' holds if the message was sent at any time in the run"), ['']],
  ]);
  assert.deepEqual(diags(`${head}expect no message eject after 1ms\n`), [
    ['unexpected-token', 3, 25, 34, said("'expect no message eject' holds if the message was never sent in the run"), ['']],
  ]);
  // read past: the deadline after it is still read ('before 0' is its warning)
  assert.deepEqual(
    diags(`${head}expect nic0 detached after 1ms before 0\n`).map((d) => d[0]),
    ['unexpected-token', 'zero-deadline'],
  );
  for (const src of [`${head}expect nic0 attached after 1ms\n`, `${head}expect message eject after 1ms on nic0\n`])
    assert.deepEqual(diags(fixed(src)), [], src);
  // One mistake, one diagnostic: an expectation whose statement failed (what it meant is not known) is not
  // "given twice", nor one like it after it; one read past a slip ('after 1ms', 'is') still is, as are two whole ones.
  assert.deepEqual(
    diags(`${head}expect nic0 attached befor 1ms\nexpect nic0 attached\nexpect nic0 attached after 1ms\nexpect nic0 attached\n`).map((d) => [d[0], d[1]]),
    [
      ['unknown-keyword', 3],
      ['duplicate-expectation', 5],
      ['unexpected-token', 5],
      ['duplicate-expectation', 6],
    ],
  );
});

test("'at TIME' after an expectation is one error, saying when it holds and that a deadline is 'before TIME', with that and removing it as the fixes", () => {
  const said = (holds: string): string =>
    `unexpected 'at': ${holds}; an expectation has no time of its own, only a deadline: 'before TIME' if it must hold by then`;
  const head = `${NIC}at 0 boot\n`;
  // It was two errors, neither about the time: the statement's end, then 'at 1ms' an event without its action.
  assert.deepEqual(diags(`${head}expect nic0 attached at 1ms\n`), [
    ['unexpected-token', 3, 22, 28, said("'expect nic0 attached' holds if nic0 reached 'attached' at any time in the run"), ['before 1ms', '']],
  ]);
  // (It was "unknown message expectation option 'at'; did you mean 'on'?".)
  assert.deepEqual(diags(`${head}expect message bus-d0entry at 2ms on nic0\n`), [
    ['unexpected-token', 3, 28, 34, said("'expect message bus-d0entry' holds if the message was sent at any time in the run"), ['before 2ms', '']],
  ]);
  // At 0, 'before 0' would be the zero-deadline warning: removing it is the fix.
  assert.deepEqual(diags(`${head}expect no message eject at 0\n`), [
    ['unexpected-token', 3, 25, 29, said("'expect no message eject' holds if the message was never sent in the run"), ['']],
  ]);
  // Read past: the expectation is kept (a second one is its duplicate), and a deadline after it still read.
  assert.deepEqual(
    diags(`${head}expect nic0 attached\nexpect nic0 attached at 1ms\n`).map((d) => d[0]),
    ['duplicate-expectation', 'unexpected-token'],
  );
  assert.deepEqual(
    diags(`${head}expect nic0 detached at 1ms before 0\n`).map((d) => d[0]),
    ['unexpected-token', 'zero-deadline'],
  );
  for (const src of [`${head}expect nic0 attached at 1ms\n`, `${head}expect message bus-d0entry at 2ms on nic0\n`])
    assert.deepEqual(diags(fixed(src)), [], src);
});

test("'at', 'before' or 'after' TIME after a version, msix, vector or no-errors expectation is one error saying it has no time, with removing it as the fix", () => {
  const said = (w: string, holds: string, t = '1ms'): string => `unexpected '${w}': ${holds}; it has no time of its own and no deadline, so remove '${w} ${t}'`;
  const head = `${NIC}at 0 boot\nat 2ms driver nic0 msix 3\nat 3ms raise nic0 vector 0\n`;
  // 'at 1ms' was two errors, neither about the time: the statement's end, then 'at 1ms' an event without its action.
  assert.deepEqual(diags(`${head}expect nic0 version 1.1 at 1ms\n`), [
    ['unexpected-token', 5, 25, 31, said('at', "'version' holds if nic0 negotiated 1.1, whenever it did"), ['']],
  ]);
  assert.deepEqual(diags(`${head}expect nic0 msix 3 at 1ms\n`), [['unexpected-token', 5, 20, 26, said('at', "'msix' is counted at the end of the run"), ['']]]);
  assert.deepEqual(diags(`${head}expect nic0/0 vector 0 delivered cpu 0 before 1ms\n`), [
    ['unexpected-token', 5, 40, 50, said('before', "'vector 0 delivered' holds if the vector reached the guest at any time in the run"), ['']],
  ]);
  assert.deepEqual(diags(`${head}expect nic0 vector 0 undeliverable after 1ms\n`), [
    ['unexpected-token', 5, 36, 45, said('after', "'vector 0 undeliverable' holds if the vector could not be delivered at any time in the run"), ['']],
  ]);
  assert.deepEqual(diags(`${head}expect no errors at 1ms\n`), [
    ['unexpected-token', 5, 18, 24, said('at', "'expect no errors' holds if no protocol or model error happened in the whole run"), ['']],
  ]);
  // A time without its unit is removed all the same: no missing-unit besides.
  assert.deepEqual(diags(`${head}expect nic0 version 1.1 at 1\n`), [
    ['unexpected-token', 5, 25, 29, said('at', "'version' holds if nic0 negotiated 1.1, whenever it did", '1'), ['']],
  ]);
  for (const src of [`${head}expect nic0 version 1.1 at 1ms\n`, `${head}expect nic0 msix 3 before 1ms\n`, `${head}expect nic0 vector 0 delivered at 1ms\n`])
    assert.deepEqual(diags(fixed(src)), [], src);
});

test("'count >= 1' is one error saying a count is exact: at least once is the expectation without a count (the fix), another comparison is read as the count", () => {
  const said = (op: string): string => `unexpected '${op}': a count is exact, the language has no comparisons ('count 2': exactly twice)`;
  const once = (op: string): string => `${said(op)}; without 'count' the expectation holds if the message was sent at least once`;
  const head = `${NIC}at 0 boot\n`;
  // It was two errors, "unexpected character '>'" and "unexpected '=': a value follows its word after a space (cpus 4, not cpus=4)".
  assert.deepEqual(diags(`${head}expect message bus-d0entry count >= 1\n`), [['unexpected-token', 3, 28, 38, once('>='), ['']]]);
  assert.deepEqual(diags(`${head}expect message bus-d0entry count >=1 on nic0\n`), [['unexpected-token', 3, 28, 37, once('>='), ['']]]);
  assert.deepEqual(diags(`${head}expect message bus-d0entry count > 0\n`), [['unexpected-token', 3, 28, 37, once('>'), ['']]]);
  assert.deepEqual(diags(`${head}expect message bus-d0entry count <= 3 on nic0\n`), [['unexpected-token', 3, 34, 36, said('<=')]]);
  assert.deepEqual(diags(`${head}expect message bus-d0entry count != 2\n`), [['unexpected-token', 3, 34, 36, said('!=')]]);
  // Read past: at least once is the expectation without a count (a second one is its duplicate); another keeps its count.
  const { scenario } = parseScenario(`${head}expect message bus-d0entry count >= 1\nexpect message bus-d0entry count < 3\n`);
  assert.deepEqual(
    scenario.expectations.map((e) => e.kind === 'message' && e.count),
    [undefined, 3],
  );
  assert.deepEqual(
    diags(`${head}expect message bus-d0entry\nexpect message bus-d0entry count >= 1\n`).map((d) => d[0]),
    ['duplicate-expectation', 'unexpected-token'],
  );
  assert.deepEqual(diags(fixed(`${head}expect message bus-d0entry count >= 1\n`)), []);
});

test("'at +5ms' says times are absolute (virtual time since boot), with the time meant after the event before, and after boot, as fixes", () => {
  const head = `${NIC}at 0 boot\nat 1ms driver nic0 msix 3\n`;
  const said =
    "'+5ms': an event's time is absolute (virtual time since boot), not relative; 5 ms after the event at 1 ms is 'at 6ms', 5 ms after boot 'at 5ms'";
  // One error per slip, on '+' and its time however spaced, the event still read (no cascade: the expectation holds it).
  assert.deepEqual(diags(`${head}at +5ms eject nic0\nexpect nic0 ejected\n`), [['invalid-token', 4, 4, 8, said, ['6ms', '5ms']]]);
  assert.deepEqual(diags(`${head}at + 5ms eject nic0\nexpect nic0 ejected\n`), [['invalid-token', 4, 4, 9, said, ['6ms', '5ms']]]);
  assert.deepEqual(diags(`${head}at +5 ms eject nic0\nexpect nic0 ejected\n`), [['invalid-token', 4, 4, 9, said, ['6ms', '5ms']]]);
  const { scenario } = parseScenario(`${head}at +5ms eject nic0\n`);
  assert.equal(scenario.timeline.at(-1)!.time, 6_000_000);
  // The first event: only after boot.
  assert.deepEqual(diags(`${NIC}at +2ms boot\n`), [
    ['invalid-token', 2, 4, 8, "'+2ms': an event's time is absolute (virtual time since boot), not relative; 2 ms after boot is 'at 2ms'", ['2ms']],
  ]);
  // No time after it: what goes there, no fix.
  assert.deepEqual(diags(`${NIC}at +x boot\n`), [
    ['invalid-token', 2, 4, 5, "unexpected '+': an event's time is absolute, the virtual time since boot, written as a duration (at 5ms)"],
  ]);
});

test("'times N' before the fault action is one error, with the reordering as its fix, and the fault read as meant", () => {
  const head = `${NIC}at 0 boot\n`;
  assert.deepEqual(diags(`${head}at 2ms fault nic0 bus-d0entry times 2 no-reply\n`), [
    ['unexpected-token', 3, 31, 47, "'times 2' goes after the fault action, not before it: 'no-reply times 2'", ['no-reply times 2']],
  ]);
  const { scenario } = parseScenario(`${head}at 2ms fault nic0 create-interrupt times 3 delay 2ms\n`);
  const e = scenario.timeline.at(-1)!;
  assert.ok(e.kind === 'fault');
  assert.equal(e.fault.times, 3);
  assert.deepEqual(e.fault.action, { kind: 'delay', ns: 2_000_000 });
  // Not a count: still no action named 'times'.
  assert.equal(diags(`${head}at 2ms fault nic0 create-interrupt times x no-reply\n`)[0]![0], 'unknown-action');
});

test("'rescind bus nic0', 'on bus nic0': the word 'bus' before a bus's name is one error, removing it the fix; not when a bus is named 'bus'", () => {
  const head = `${NIC}at 0 boot\nat 1ms driver nic0 msix 3\n`;
  const said = "unexpected 'bus': a bus is referred to by its name alone ('nic0', not 'bus nic0')";
  assert.deepEqual(diags(`${head}at 2ms rescind bus nic0\n`), [['unexpected-token', 4, 16, 19, said, ['']]]);
  assert.deepEqual(diags(`${head}expect message create-interrupt on bus nic0\n`), [['unexpected-token', 4, 36, 39, said, ['']]]);
  assert.deepEqual(diags(`${head}at 2ms raise bus nic0/0 vector 0\n`), [['unexpected-token', 4, 14, 17, said, ['']]]);
  // Read as meant: the event acts on nic0.
  const { scenario } = parseScenario(`${head}at 2ms rescind bus nic0\n`);
  const e = scenario.timeline.at(-1)!;
  assert.ok(e.kind === 'rescind');
  assert.equal(e.bus.name, 'nic0');
  // A bus named 'bus' is that bus: no fix, the errors as before.
  for (const decl of ['bus bus { function 0 intel-82599-vf }\n', 'at 0 offer bus { function 0 intel-82599-vf }\n']) {
    const codes = diags(`${NIC}${decl}at 0 boot\nat 2ms rescind bus nic0\n`).map((r) => r[0]);
    assert.deepEqual(codes, ['unexpected-token'], decl);
    assert.match(diags(`${NIC}${decl}at 0 boot\nat 2ms rescind bus nic0\n`)[0]![4], /after the statement/);
  }
});

test("'expect nic0 msix 3 vectors', 'expect nic0 is version 1.4': the word a newcomer adds is one error, removing it the fix, the expectation read", () => {
  const head = `vm {\n  host hyperv-2022\n}\n${NIC}at 0 boot\nat 1ms driver nic0 msix 3\n`;
  assert.deepEqual(diags(`${head}expect nic0 msix 3 vectors\n`), [
    ['unexpected-token', 7, 20, 27, "unexpected 'vectors': 'msix N' is the vector count alone (msix 3, not msix 3 vectors)", ['']],
  ]);
  assert.deepEqual(diags(`${head}expect nic0 is version 1.4\n`), [
    ['unexpected-token', 7, 13, 15, "unexpected 'is': 'version' follows the bus name (expect nic0 version, not expect nic0 is version)", ['']],
  ]);
  assert.deepEqual(
    diags(`${head}expect nic0 has msix 3\n`).map((r) => [r[0], r[2], r[5]]),
    [['unexpected-token', 13, ['']]],
  );
  const { scenario } = parseScenario(`${head}expect nic0 msix 3 vectors\nexpect nic0 is version 1.4\n`);
  assert.deepEqual(
    scenario.expectations.map((e) => e.kind),
    ['msix', 'version'],
  );
});

test("'eject nic0.1', 'expect nic0:1 msix 3': a slot after a dot or colon is one error, with the target written with '/' as its fix", () => {
  const two = 'bus nic0 {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\n';
  // (The freebsd guest's descriptor-stride warning on function 1 is not what this is about.)
  const diags = (src: string): Row[] => slipDiags(src).filter((r) => r[0] !== 'plug-fails');
  assert.deepEqual(diags(`${two}at 1ms eject nic0.1\nexpect nic0:1.0 msix 3\n`), [
    ['invalid-token', 6, 14, 20, "expected a bus name, found 'nic0.1'; a function is named by its bus and slot with '/': did you mean 'nic0/1'?", ['nic0/1']],
    [
      'invalid-token',
      7,
      8,
      16,
      "expected a bus name, 'message' or 'no', found 'nic0:1.0'; a function is named by its bus and slot with '/': did you mean 'nic0/1.0'?",
      ['nic0/1.0'],
    ],
  ]);
  // the fixes check clean
  assert.deepEqual(diags(`${two}at 1ms eject nic0/1\nexpect nic0/1.0 msix 3\n`), []);
  // a whole bus is no function: no such fix there
  assert.deepEqual(diags(`${two}at 1ms rescind nic0.1\n`), [['invalid-token', 6, 16, 22, "expected a bus name, found 'nic0.1'"]]);
});

test("'expect message M sent on nic0': the word 'sent' is one error, removing it the fix, and the expectation read as meant", () => {
  const src = `${NIC}at 0 boot\nexpect message create-interrupt sent on nic0\nexpect no message eject sent\n`;
  assert.deepEqual(diags(src), [
    [
      'unexpected-token',
      3,
      33,
      37,
      "unexpected 'sent': 'expect message create-interrupt' already means sent (by the guest or the host), without the word",
      [''],
    ],
    ['unexpected-token', 4, 25, 29, "unexpected 'sent': 'expect no message eject' already means sent (by the guest or the host), without the word", ['']],
  ]);
  const { scenario } = parseScenario(src);
  assert.deepEqual(
    scenario.expectations.map((x) => (x.kind === 'message' ? [x.message.name, x.negate, x.bus?.name] : x.kind)),
    [
      ['create-interrupt', false, 'nic0'],
      ['eject', true, undefined],
    ],
  );
});

test("'fault MESSAGE ACTION' without its bus says the bus goes first, not that the message is an unknown bus", () => {
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms fault create-interrupt no-reply\n`), [
    ['missing-argument', 3, 14, 30, 'a fault names its bus before the message: fault BUS create-interrupt no-reply'],
  ]);
  // A bus named as a message is still a bus when a message follows it.
  assert.deepEqual(diags(`bus eject { function 0 intel-82599-vf }\nat 0 boot\nat 1ms fault eject create-interrupt no-reply\n`), []);
});

test('two parts written the other way round are one error over both, saying the order, with them swapped as the fix', () => {
  const one = (src: string): Row[] => diags(`${NIC}at 0 boot\n${src}\n`).filter((r) => r[0] !== 'no-driver');
  assert.deepEqual(diags('bus a { function intel-82599-vf 0 }\nat 0 boot\n'), [
    ['unexpected-token', 1, 18, 34, "the slot goes right after 'function', before the device: '0 intel-82599-vf'", ['0 intel-82599-vf']],
  ]);
  assert.deepEqual(diags(`${NIC}at boot 0\n`), [['unexpected-token', 2, 4, 10, "the time goes right after 'at', before the event: '0 boot'", ['0 boot']]]);
  assert.deepEqual(one('at 1ms driver msix 3 nic0'), [
    ['unexpected-token', 3, 15, 26, "the function goes right after 'driver', before its interrupts: 'nic0 msix 3'", ['nic0 msix 3']],
  ]);
  assert.deepEqual(one('at 1ms raise vector 0 nic0'), [
    ['unexpected-token', 3, 14, 27, "the function goes right after 'raise', before its vector: 'nic0 vector 0'", ['nic0 vector 0']],
  ]);
  assert.deepEqual(one('expect attached nic0'), [['unexpected-token', 3, 8, 21, "the bus goes first, then its state: 'nic0 attached'", ['nic0 attached']]]);
  // The bus before its event, the message before its bus: each was two errors or an unknown word, with no fix.
  assert.deepEqual(one('at 1ms nic0 eject'), [['unexpected-token', 3, 8, 18, "the event goes before its bus: 'eject nic0'", ['eject nic0']]]);
  assert.deepEqual(one('at 1ms nic0/0 raise vector 0'), [['unexpected-token', 3, 8, 20, "the event goes before its bus: 'raise nic0/0'", ['raise nic0/0']]]);
  assert.deepEqual(one('at 1ms fault create-interrupt nic0 no-reply'), [
    ['unexpected-token', 3, 14, 35, "a fault names its bus before the message: 'nic0 create-interrupt'", ['nic0 create-interrupt']],
  ]);
  // The function left out: said so, not that '3' is not msix N.
  assert.deepEqual(one('at 1ms driver msix 3'), [['missing-argument', 3, 15, 19, 'the function goes before its interrupts: driver BUS msix 3']]);
  // A bus named as the word is that bus: nothing is swapped.
  assert.deepEqual(
    diags(
      'bus msix { function 0 intel-82599-vf }\nbus attached { function 0 intel-82599-vf }\nat 0 boot\nat 1ms driver msix msix 3\nexpect attached attached\n',
    ),
    [],
  );
});

test('a function line with its slot out of range leaves the rest of its bus checked: a later unknown slot is said, and only that', () => {
  // 'function 33' is a slot no reference can name (nic0/33 is itself bad-slot), so it turns off no unknown-slot check.
  const bus = 'vm {\n  host hyperv-2022\n}\nbus nic0 {\n  function 0 intel-82599-vf\n  function 33 intel-82599-vf\n}\nat 0 boot\n';
  assert.deepEqual(diags(`${bus}at 1ms eject nic0/3\nat 2ms eject nic0/0\n`), [
    ['bad-slot', 6, 12, 14, 'PCI device number must be 0..31, not 33'],
    // The eject of no function starts no ejection: the later eject has no bus-ejected warning from it.
    ['unknown-slot', 9, 19, 20, 'bus nic0 has no function at 3; its functions: 0', ['0']],
  ]);
  // A slot that was not read (a word) may be any: references to the bus's slots are left alone.
  assert.deepEqual(
    diags(`${bus.replace('function 33', 'function x3')}at 1ms eject nic0/3\n`).map((r) => r[0]),
    ['unexpected-token'],
  );
});

test("a statement's, vm setting's or bus item's word in capitals is one error and read as the word: the mistakes inside are found in the same pass", () => {
  const src = 'VM {\n  Host hyperv-2016\n  guest FreeBSD\n}\nBus nic0 { Function 0 Intel-82599-VF }\nAt 0 boot\nexpect nic0 attached\n';
  assert.deepEqual(
    diags(src).map((d) => [d[0], d[1], d[2], d[5]]),
    [
      ['unknown-statement', 1, 1, ['vm']],
      ['unknown-setting', 2, 3, ['host']],
      ['unknown-guest', 3, 9, ['freebsd']],
      ['unknown-statement', 5, 1, ['bus']],
      ['unknown-setting', 5, 12, ['function']],
      ['unknown-device', 5, 23, ['intel-82599-vf', 'intel-82599-pf']],
      ['unknown-statement', 6, 1, ['at']],
    ],
  );
});

test("a version or slot written with a comma ('version 1,2', 'nic0/0,1', 'function 0,1') and a count past 2^53 are one error each, saying what goes there", () => {
  const head = 'vm {\n  host hyperv-2016\n  guest freebsd\n}\n';
  const slot = "expected a slot (device number like '0' or device.function like '1.2'), found '0,1'";
  assert.deepEqual(
    diags(`${head}bus nic0 { function 0,1 intel-82599-vf }\nat 0 boot\nat 1ms driver nic0 msix 3\nexpect nic0 version 1,1\nexpect nic0/0,1 msix 3\n`),
    [
      ['bad-slot', 5, 21, 24, slot],
      ['unexpected-token', 8, 21, 24, "expected a protocol version like 1.1, found '1,1'; did you mean '1.1'?", ['1.1']],
      ['bad-slot', 9, 13, 16, slot],
    ],
  );
  assert.deepEqual(diags(`${NIC}at 0 boot\nat 1ms driver nic0 msix 99999999999999999999\n`), [
    ['out-of-range', 3, 25, 45, 'the vector count must be 1..2048, not 99999999999999999999'],
  ]);
});

test('a size suffix parted from its number (`bar 0 16 M`, `rom 512 KiB`) is one error with the two joined as the fix, read as the size', () => {
  // It was "unknown function option 'M'; did you mean 'rom'?" in a bus block, and "unexpected 'M' after 'mmio'" in the vm block.
  const said = (fix: string): string => `a size suffix goes right after its number, without a space: '${fix}'`;
  assert.deepEqual(diags('vm {\n  mmio low 0xF8000000 size 128 M\n}\n'), [['missing-unit', 2, 28, 33, said('128M'), ['128M']]]);
  const p = parseScenario('bus g { function 0 dump "g.lspci" bar 0 16 MiB bar 2 32 mb rom 512 K }\n');
  assert.deepEqual(
    p.diagnostics.map((d) => [d.code, d.loc.col, d.loc.endCol, d.message, d.suggestions]),
    [
      ['missing-unit', 41, 47, said('16M'), ['16M']],
      ['missing-unit', 54, 59, said('32M'), ['32M']],
      ['missing-unit', 64, 69, said('512K'), ['512K']],
    ],
  );
  const f = p.scenario.buses[0]!.functions[0]!.source;
  assert.deepEqual(f.kind === 'dump' && f.bars.map((b) => [b.index, b.size]), [
    [0, 16 << 20],
    [2, 32 << 20],
    ['rom', 512 << 10],
  ]);
  // Any other word after a number is what it was.
  assert.deepEqual(
    diags('bus g { function 0 intel-82599-vf serial 1 x }\nat 0 boot\n').map((d) => d[0]),
    ['unknown-setting'],
  );
});

test('`driver nic0 msix 3 vectors`: the word after the count is one error with removing it as the fix, as in `expect nic0 msix 3`', () => {
  // It was "unexpected 'vectors' after the statement", with no fix.
  const head = `${NIC}at 0 boot\n`;
  const raise = 'at 3ms raise nic0 vector 0\n';
  assert.deepEqual(diags(`${head}at 2ms driver nic0 msix 3 vectors\n${raise}`), [
    ['unexpected-token', 3, 27, 34, "unexpected 'vectors': 'msix N' is the vector count alone (msix 3, not msix 3 vectors)", ['']],
  ]);
  assert.deepEqual(diags(`${head}at 2ms driver nic0/0 msi 1 vector\n${raise}`), [
    ['unexpected-token', 3, 28, 34, "unexpected 'vector': 'msi N' is the vector count alone (msi 1, not msi 1 vector)", ['']],
  ]);
  // After a bad count, that count's error alone.
  assert.deepEqual(
    diags(`${head}at 2ms driver nic0 msix 0 vectors\n${raise}`).map((d) => d[0]),
    ['out-of-range'],
  );
  assert.deepEqual(diags(fixed(`${head}at 2ms driver nic0 msix 3 vectors\n${raise}`)), []);
});

test("`expect message eject from nic0` (or to, in, via, over): 'on' is the fix", () => {
  // It was "unknown message expectation option 'from' (expected on, count, before)", with no fix.
  const head = `${NIC}at 0 boot\n`;
  const said = (w: string): string =>
    `unknown keyword '${w}'; did you mean 'on'? (a message expectation names its bus with 'on BUS', whichever side sent the message)`;
  assert.deepEqual(diags(`${head}expect message eject from nic0\n`), [['unknown-keyword', 3, 22, 26, said('from'), ['on']]]);
  assert.deepEqual(diags(`${head}expect no message eject to nic0 before 1ms\n`), [['unknown-keyword', 3, 25, 27, said('to'), ['on']]]);
  assert.deepEqual(diags(fixed(`${head}expect message bus-d0entry count 1 from nic0\n`)), []);
  // Without a bus after it, the options are listed as before.
  assert.match(diags(`${head}expect message eject from\n`)[0]![4], /unknown message expectation option 'from'/);
});

test('a negated state expectation (`expect not nic0 attached`, `expect nic0 is not attached`) is one error saying states have no negation', () => {
  // It was "unknown expectation 'nic0'" (or 'is', 'not'), or "unknown keyword 'nic0' (expected 'errors' or 'message')".
  const head = `${NIC}at 0 boot\n`;
  const said =
    "a state expectation cannot be negated: 'expect nic0 STATE' holds if the bus reached the state; only 'expect no message' and 'expect no errors' say that something did not happen";
  for (const [line, col, endCol] of [
    ['expect not nic0 attached', 8, 11],
    ['expect no nic0 attached', 8, 10],
    ['expect never nic0 ejected', 8, 13],
    ['expect nic0 not attached', 13, 16],
    ['expect nic0 is not attached', 13, 19],
    ['expect nic0 never ejected', 13, 18],
  ] as const)
    assert.deepEqual(diags(`${head}${line}\n`), [['unknown-expectation', 3, col, endCol, said]], line);
  // What was taken before is taken still.
  assert.deepEqual(diags(`${head}expect nic0 is attached\n`)[0]![0], 'unexpected-token');
  assert.deepEqual(diags(`${head}expect no errors\n`), []);
});
