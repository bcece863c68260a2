import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, formatDiagnostic, loadScenario } from '../../emulator/scenario/parser';
import { defaultScenarioContext } from '../../emulator/scenario/context';
import { commentBefore, Lexer, tokenize, tokensOf } from '../../emulator/scenario/lexer';
import { MAX_BUS_NAME, MAX_DIAGNOSTICS, MAX_QUOTE, shortQuotes, visibleText } from '../../emulator/scenario/ast';

const L = (line: number, col: number, endCol: number, endLine = line) => ({ line, col, endLine, endCol });

test('lexer: numbers with separators and binary size suffixes, durations, guids, slots', () => {
  const t = tokenize('0xF800_0000 0b1010 104M 1K 2T 250ns 10us 2ms 65s 1.2 01:00.0 3c2d7b4a-0001-4f00-8000-000000000001 "a b" nic0/1');
  const kv = t.map((x) => [x.kind, x.value]);
  assert.deepEqual(kv, [
    ['number', 0xf8000000],
    ['number', 10],
    ['number', 104 * 1024 * 1024],
    ['number', 1024],
    ['number', 2 * 2 ** 40],
    ['duration', 250],
    ['duration', 10_000],
    ['duration', 2_000_000],
    ['duration', 65_000_000_000],
    ['dotted', undefined],
    ['pciaddr', undefined],
    ['guid', '3c2d7b4a-0001-4f00-8000-000000000001'],
    ['string', 'a b'],
    ['word', undefined],
    ['slash', undefined],
    ['number', 1],
    ['eof', undefined],
  ]);
  assert.deepEqual(t[2]!.loc, L(1, 20, 24));
});

test('lexer: oversized and malformed literals are invalid tokens, never exceptions', () => {
  const t = tokenize('0xFFFFFFFFFFFFFFFF 12abc "open');
  assert.equal(t[0]!.kind, 'number');
  assert.match(t[0]!.error!, /too large/);
  assert.equal(t[1]!.kind, 'invalid');
  assert.equal(t[2]!.error, `unterminated string: it has no closing '"' on its line`);
});

test('vm block: host, guest, cpus, mmio, quirk with exact ranges; title from leading comments', () => {
  const src = '# Title one\n# two\n\nvm {\n  host hyperv-2016\n  guest freebsd\n  cpus 4\n  mmio low 0xF8000000 size 104M\n  quirk short-packet-drop off\n}\n';
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(diagnostics, []);
  assert.equal(scenario.title, 'Title one\ntwo');
  assert.deepEqual(scenario.vm, {
    loc: { line: 4, col: 1, endLine: 10, endCol: 2 },
    host: { name: 'hyperv-2016', loc: L(5, 8, 19) },
    guest: { name: 'freebsd', loc: L(6, 9, 16) },
    hostLoc: L(5, 3, 19),
    guestLoc: L(6, 3, 16),
    cpus: 4,
    cpusLoc: L(7, 3, 9),
    mmio: [{ name: 'low', base: 0xf8000000, size: 104 << 20, loc: L(8, 3, 32) }],
    quirks: [{ name: { name: 'short-packet-drop', loc: L(9, 9, 26) }, on: false, loc: L(9, 3, 30) }],
  });
});

test('bus block: instance, catalog function with serial/numa, dump function with select, bars and rom', () => {
  const src =
    'bus nic0 {\n  instance 3c2d7b4a-0001-4f00-8000-000000000001\n  function 1.2 intel-82599-vf serial 1 numa 0\n}\n' +
    'bus gpu0 { function 0 dump "devices/g.lspci" select 02:00.0 bar 0 16M bar 3 32M rom 512K }\n';
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(scenario.buses[0], {
    name: { name: 'nic0', loc: L(1, 5, 9) },
    instance: { guid: '3c2d7b4a-0001-4f00-8000-000000000001', loc: L(2, 12, 48) },
    functions: [
      {
        slot: { device: 1, fn: 2, wslot: 1 | (2 << 5), loc: L(3, 12, 15) },
        source: { kind: 'catalog', id: { name: 'intel-82599-vf', loc: L(3, 16, 30) } },
        serial: 1,
        numa: 0,
        loc: L(3, 3, 46),
      },
    ],
    loc: { line: 1, col: 1, endLine: 4, endCol: 2 },
  });
  const g = scenario.buses[1]!;
  assert.deepEqual(g.functions[0]!.source, {
    kind: 'dump',
    path: 'devices/g.lspci',
    pathLoc: L(5, 28, 45),
    select: '02:00.0',
    selectLoc: L(5, 53, 60),
    bars: [
      { index: 0, size: 16 << 20, loc: L(5, 61, 70) },
      { index: 3, size: 32 << 20, loc: L(5, 71, 80) },
      { index: 'rom', size: 512 << 10, loc: L(5, 81, 89) },
    ],
  });
  assert.deepEqual(g.loc, L(5, 1, 91));
});

test('timeline: every event kind with times in ns and targets with slots', () => {
  const src = [
    'at 0 boot',
    'at 2ms driver nic0 msix 3',
    'at 2500us driver nic0/1.0 msi 1',
    'at 2600us driver nic1 none',
    'at 3ms raise nic0 vector 0',
    'at 5ms eject nic1',
    'at 6ms offer nvme0 { function 0 samsung-pm174x-nvme }',
    'at 7ms rescind nic0',
    'at 7ms detach nic0',
    'at 7ms vanish nic0/2',
    'at 7ms fault nic0 create-interrupt status 0xC000090B times 1',
    'at 8ms fault nic0 PCI_READ_BLOCK no-reply',
    'at 8ms fault nic0 create-interrupt2 delay 10us',
    'at 8ms fault nic0 0x42490014 truncate 4',
    'at 8ms fault nic0 create-interrupt flip 8 0x80',
    'at 8ms fault nic0 create-interrupt vanish',
  ].join('\n');
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(diagnostics, []);
  const t = scenario.timeline;
  assert.deepEqual(t[0], { time: 0, loc: L(1, 1, 10), kind: 'boot' });
  assert.deepEqual(t[1], {
    time: 2_000_000,
    loc: L(2, 1, 26),
    kind: 'driver',
    target: { bus: { name: 'nic0', loc: L(2, 15, 19) }, loc: L(2, 15, 19) },
    mode: 'msix',
    vectors: 3,
    vectorsLoc: L(2, 20, 26),
  });
  assert.deepEqual(t[2]!.kind === 'driver' && t[2]!.target, {
    bus: { name: 'nic0', loc: L(3, 18, 22) },
    slot: { device: 1, fn: 0, wslot: 1, loc: L(3, 23, 26) },
    loc: L(3, 18, 26),
  });
  assert.equal(t[2]!.time, 2_500_000);
  assert.deepEqual(t[3]!.kind === 'driver' && [t[3]!.mode, t[3]!.vectors], ['none', 0]);
  assert.deepEqual(t[4]!.kind === 'raise' && [t[4]!.vector, t[4]!.vectorLoc], [0, L(5, 19, 27)]);
  assert.equal(t[5]!.kind, 'eject');
  assert.ok(t[6]!.kind === 'offer');
  assert.deepEqual(t[6]!.kind === 'offer' && t[6]!.bus.name, { name: 'nvme0', loc: L(7, 14, 19) });
  assert.deepEqual(t[6]!.loc, L(7, 1, 54));
  assert.deepEqual(t[7]!.kind === 'rescind' && t[7]!.bus.name, 'nic0');
  assert.equal(t[8]!.kind, 'detach');
  assert.deepEqual(t[9]!.kind === 'vanish' && t[9]!.target.slot?.wslot, 2);
  assert.deepEqual(t[10]!.kind === 'fault' && t[10]!.fault, {
    bus: { name: 'nic0', loc: L(11, 14, 18) },
    message: { name: 'create-interrupt', value: 0, loc: L(11, 19, 35) },
    action: { kind: 'status', status: 0xc000090b },
    times: 1,
    loc: L(11, 8, 61),
  });
  const actions = t.slice(11).map((e) => (e.kind === 'fault' ? e.fault.action : null));
  assert.deepEqual(actions, [
    { kind: 'no-reply' },
    { kind: 'delay', ns: 10_000 },
    { kind: 'truncate', bytes: 4 },
    { kind: 'flip', offset: 8, xor: 0x80 },
    { kind: 'vanish' },
  ]);
  assert.equal(t[13]!.kind === 'fault' && t[13]!.fault.message.value, 0x42490014);
});

test('expectations: state, version, msix, interrupt, message, no message, no errors', () => {
  const src = [
    'expect nic1 ejected before 65s',
    'expect nic0 version 1.1',
    'expect nic0/0.1 msix 3',
    'expect nic0 vector 0 delivered cpu 1',
    'expect nic0 vector 2 undeliverable',
    'expect message PCI_EJECTION_COMPLETE on nic1 count 1 before 1s',
    'expect no message PCI_RESOURCES_RELEASED',
    'expect no errors',
  ].join('\n');
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(scenario.expectations, [
    { kind: 'state', bus: { name: 'nic1', loc: L(1, 8, 12) }, state: 'ejected', before: 65e9, loc: L(1, 1, 31) },
    { kind: 'version', bus: { name: 'nic0', loc: L(2, 8, 12) }, version: 0x10001, versionLoc: L(2, 21, 24), loc: L(2, 1, 24) },
    {
      kind: 'msix',
      target: { bus: { name: 'nic0', loc: L(3, 8, 12) }, slot: { device: 0, fn: 1, wslot: 32, loc: L(3, 13, 16) }, loc: L(3, 8, 16) },
      count: 3,
      loc: L(3, 1, 23),
    },
    {
      kind: 'interrupt',
      target: { bus: { name: 'nic0', loc: L(4, 8, 12) }, loc: L(4, 8, 12) },
      vector: 0,
      outcome: 'delivered',
      cpu: 1,
      cpuLoc: L(4, 32, 37),
      loc: L(4, 1, 37),
    },
    { kind: 'interrupt', target: { bus: { name: 'nic0', loc: L(5, 8, 12) }, loc: L(5, 8, 12) }, vector: 2, outcome: 'undeliverable', loc: L(5, 1, 35) },
    {
      kind: 'message',
      message: { name: 'PCI_EJECTION_COMPLETE', value: 0, loc: L(6, 16, 37) },
      negate: false,
      bus: { name: 'nic1', loc: L(6, 41, 45) },
      count: 1,
      before: 1e9,
      loc: L(6, 1, 63),
    },
    { kind: 'message', message: { name: 'PCI_RESOURCES_RELEASED', value: 0, loc: L(7, 19, 41) }, negate: true, loc: L(7, 1, 41) },
    { kind: 'no-errors', loc: L(8, 1, 17) },
  ]);
});

function codes(src: string): [string, number, number, number][] {
  return parseScenario(src).diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol]);
}

test('syntax errors: code and exact range', () => {
  assert.deepEqual(codes('at 3 boot'), [['missing-unit', 1, 4, 5]]);
  assert.deepEqual(codes('bus b { function 32 x }'), [['bad-slot', 1, 18, 20]]);
  assert.deepEqual(codes('bus b { function 1.8 x }'), [['bad-slot', 1, 18, 21]]);
  assert.deepEqual(codes('vm { cpus }'), [['unexpected-token', 1, 11, 12]]);
  // Missing at a line's end: a zero-width range right after its last token, whatever ends the line.
  assert.deepEqual(codes('vm {\n  cpus\n}'), [['missing-argument', 2, 7, 7]]);
  assert.deepEqual(codes('vm {\r\n  cpus   # how many?\r\n}'), [['missing-argument', 2, 7, 7]]);
  assert.deepEqual(codes('bus b { function 0 x }\nat 2ms driver'), [['missing-argument', 2, 14, 14]]);
  assert.deepEqual(codes('frobnicate 1'), [['unknown-statement', 1, 1, 11]]);
  // The VMBus device's two MMIO ranges, and no address past 2^52.
  assert.deepEqual(codes('vm { mmio medium 0xF8000000 size 1M }'), [['unknown-setting', 1, 11, 17]]);
  assert.deepEqual(codes('expect message 0x1FFFFFFFF'), [['out-of-range', 1, 16, 27]]);
  // Durations up to 2^52 ns, so a time plus a delay stays exact.
  assert.deepEqual(codes('at 4503599627370496ns boot'), []);
  assert.deepEqual(codes('at 4503599627370497ns boot'), [['out-of-range', 1, 4, 22]]);
  assert.deepEqual(codes('vm { mmio high 0x1F_FFFF_FFFF_FFFF size 1G }'), [['out-of-range', 1, 16, 43]]);
  assert.deepEqual(codes('vm { mmio high 0xF_FFFF_C000_0000 size 1G }'), []);
  assert.deepEqual(codes('at 1ms jump nic0'), [['unknown-event', 1, 8, 12]]);
  assert.deepEqual(codes('expect nic0 exploded'), [['unknown-expectation', 1, 13, 21]]);
  assert.deepEqual(codes('expect nic0/1 version 1.1'), [['unexpected-slot', 1, 12, 14]]);
  assert.deepEqual(codes('bus b { function 0 x bar 0 1M }'), [['dump-only', 1, 22, 25]]);
  assert.deepEqual(codes('bus b {\n function 0 x\n'), [['unclosed-block', 1, 7, 8]]);
  assert.deepEqual(codes('at 1ms fault b m explode'), [['unknown-action', 1, 18, 25]]);
  assert.deepEqual(codes('bus message { function 0 x }'), [['reserved-name', 1, 5, 12]]);
  // The string runs to the end of the line and takes the '}' with it: the block ends there, the string is the one error.
  assert.deepEqual(codes('bus b { function 0 dump "x }'), [['unterminated-string', 1, 25, 29]]);
  assert.deepEqual(codes('bus b { function 0 dump "x }\nat 0 boot\n'), [['unterminated-string', 1, 25, 29]]);
  assert.deepEqual(codes('at 1ms boot extra'), [['unexpected-token', 1, 13, 18]]);
  assert.deepEqual(codes('}'), [['unexpected-token', 1, 1, 2]]);
  assert.deepEqual(codes('vm { cpus 4 }\nvm { cpus 2 }'), [
    ['duplicate-vm', 2, 1, 3],
    ['duplicate-setting', 2, 6, 12],
  ]);
  assert.deepEqual(codes('at 1ms raise b vector 3000'), [['out-of-range', 1, 23, 27]]);
});

test('a misspelt fixed word inside a statement is an unknown keyword, with what it most likely is', () => {
  const hint = (src: string) => parseScenario(src).diagnostics.map((d) => [d.code, d.loc.col, d.loc.endCol, d.message, d.suggestions ?? []]);
  // Where one of a few words must come (a driver mode, `vector`, an outcome, `on`/`off`, `size`, `function`, after `no`).
  assert.deepEqual(hint('at 3ms driver nic0 msx 3'), [
    ['unknown-keyword', 20, 23, "unknown keyword 'msx'; did you mean 'msix'? (expected 'msix N', 'msi N' or 'none')", ['msix', 'msi']],
  ]);
  assert.deepEqual(hint('at 3ms raise nic0 vectr 0'), [
    ['unknown-keyword', 19, 24, "unknown keyword 'vectr'; did you mean 'vector'? (expected 'vector')", ['vector']],
  ]);
  assert.deepEqual(hint('expect nic0 vector 0 delivred'), [
    ['unknown-keyword', 22, 30, "unknown keyword 'delivred'; did you mean 'delivered'? (expected 'delivered' or 'undeliverable')", ['delivered']],
  ]);
  const first = (src: string) => {
    const d = parseScenario(src).diagnostics;
    assert.equal(d.length, 1, JSON.stringify(d));
    return [d[0]!.code, d[0]!.suggestions?.[0]];
  };
  assert.deepEqual(first('vm { quirk x of }'), ['unknown-keyword', 'off']);
  assert.deepEqual(first('vm { mmio low 0 sise 1M }'), ['unknown-keyword', 'size']);
  assert.deepEqual(first('at 1ms plug n functon 0 x'), ['unknown-keyword', 'function']);
  assert.deepEqual(first('expect no erors'), ['unknown-keyword', 'errors']);
  assert.deepEqual(first('expect no mesage eject'), ['unknown-keyword', 'message']);
  assert.deepEqual(first('expect message eject cout 1'), ['unknown-keyword', 'count']);
  // Where an optional word may follow, a near miss of it is that word misspelt; anything else is still extra.
  assert.deepEqual(first('expect nic0 attached befor 5ms'), ['unknown-keyword', 'before']);
  assert.deepEqual(first('at 1ms fault n eject status 1 tims 2'), ['unknown-keyword', 'times']);
  assert.deepEqual(first('expect nic0 vector 0 delivered cpuu 1'), ['unknown-keyword', 'cpu']);
  assert.deepEqual(first('expect nic0 attached extra'), ['unexpected-token', undefined]);
  // Far from every word that fits, a word where one must come is still an unknown keyword, with no guess.
  assert.deepEqual(first('at 3ms driver nic0 foo 3'), ['unknown-keyword', undefined]);
  // A function option is a setting, as a bus item and a vm setting are (the docs' unknown-setting).
  assert.deepEqual(first('bus n { function 0 x serail 3 }'), ['unknown-setting', 'serial']);
  // What still parses as before.
  assert.deepEqual(codes('expect no errors\nexpect no message eject\nexpect message eject on n count 1 before 2ms\nvm { quirk q off }'), []);
});

test('a character a client shows as nothing is written by its code point in every message; printable ones as they are', () => {
  const bad = (src: string) => tokenize(src).find((t) => t.kind === 'invalid')?.error;
  assert.equal(bad('vm \0 {'), 'unexpected character U+0000');
  assert.equal(bad('vm \x7f'), 'unexpected character U+007F');
  assert.equal(bad('vm \u200b'), 'unexpected character U+200B'); // zero-width space
  assert.equal(bad('vm \u202e'), 'unexpected character U+202E'); // right-to-left override
  assert.equal(bad('vm \ud800 x'), 'unexpected character U+D800'); // a lone surrogate half
  assert.equal(bad('vm \u00a0'), 'unexpected character U+00A0 (a no-break space): write a plain space'); // no-break space
  assert.equal(bad('vm \u3164'), 'unexpected character U+3164'); // Hangul filler
  assert.equal(bad('vm \ue000'), 'unexpected character U+E000'); // private use
  assert.equal(bad('vm \u0301'), 'unexpected character U+0301'); // a combining mark would join the quote
  assert.equal(bad('vm \u{e0001}'), 'unexpected character U+E0001'); // a language tag, astral
  assert.equal(bad('vm €'), "unexpected character '€'");
  assert.equal(bad('vm 😀'), "unexpected character '😀'");
  // A letter or digit from outside ASCII (a name in another alphabet, a fullwidth digit) says what names are written in.
  assert.equal(bad('vm é'), "unexpected character 'é': names and numbers are written in ASCII (letters, digits, '_' and '-')");
  // Inside a quoted text (a string the message repeats), each such character is its code point in angle brackets.
  assert.deepEqual(
    parseScenario('vm { cpus "a\u0007b\u200dc" }').diagnostics.map((d) => d.message),
    ['expected the CPU count, found string "a<U+0007>b<U+200D>c"'],
  );
  const checked = loadScenario(
    'bus b { function 0 dump "x\u0001y\ud800.lspci" }\nat 0 boot\n',
    'a.vpci',
    defaultScenarioContext(() => undefined),
  );
  assert.deepEqual(
    checked.diagnostics.filter((d) => d.code === 'dump-missing').map((d) => d.message),
    ["cannot read dump file 'x<U+0001>y<U+D800>.lspci'"],
  );
  // eslint-disable-next-line no-control-regex -- the control characters are what must not appear
  for (const d of checked.diagnostics) assert.doesNotMatch(d.message, /[\u0000-\u001f]|\p{Cs}/u);
  assert.equal(visibleText('nic0 café 🚀 ok'), 'nic0 café 🚀 ok');
});

test("recovery: a block whose header is wrong is skipped to its '}', so only the header's error is reported", () => {
  const body = '  function 0 intel-82599-vf\n  instance 3c2d7b4a-0001-4f00-8000-000000000001\n  function 1 intel-82599-vf\n  function 2 intel-82599-vf\n}\n';
  // The bus, vm and offer blocks; a header error of any kind (a number for a name, a word before the '{'). A
  // reserved or too long name is said, and the bus is declared by it all the same: its body is read.
  assert.deepEqual(codes(`bus 9x {\n${body}at 0 boot\n`), [['invalid-token', 1, 5, 7]]);
  assert.deepEqual(codes(`bus message {\n${body}at 0 boot\n`), [['reserved-name', 1, 5, 12]]);
  assert.deepEqual(codes(`bus ${'b'.repeat(MAX_BUS_NAME + 1)} {\n${body}`), [['name-too-long', 1, 5, 70]]);
  assert.deepEqual(codes(`bus b c {\n${body}`), [['unexpected-token', 1, 7, 8]]);
  assert.deepEqual(codes('vm x {\n  host hyperv-2016\n  cpus 2\n}\nat 0 boot\n'), [['unexpected-token', 1, 4, 5]]);
  assert.deepEqual(codes(`at 1ms offer 9y {\n${body}at 2ms boot\n`), [['invalid-token', 1, 14, 16]]);
  assert.deepEqual(codes(`at 1ms offer y z {\n${body}`), [['unexpected-token', 1, 16, 17]]);
  // On one line, and with more after the '}' on its line: the whole statement goes.
  assert.deepEqual(codes('bus 9x { function 0 a } extra\nbus y { function 0 b }\n'), [['invalid-token', 1, 5, 7]]);
  // The statements after the block are read: a second error is still found.
  assert.deepEqual(codes(`bus 9x {\n${body}bus y { function 0 a serail 1 }\n`), [
    ['invalid-token', 1, 5, 7],
    ['unknown-setting', 7, 22, 28],
  ]);
  const { scenario } = parseScenario(`bus 9x {\n${body}bus y { function 0 a }\nat 0 boot\n`);
  assert.deepEqual(
    scenario.buses.map((b) => b.name.name),
    ['y'],
  );
  assert.equal(scenario.timeline.length, 1);
  // A body that is never closed ends, as a block does, where a line starts a statement: the '{' is the error.
  assert.deepEqual(codes('bus 9x {\n  function 0 a\nat 0 boot\nat 1ms driver'), [
    ['invalid-token', 1, 5, 7],
    ['unclosed-block', 1, 8, 9],
    ['missing-argument', 4, 14, 14],
  ]);
  // A header error with no '{' on its line skips only that line.
  assert.deepEqual(codes('bus 9x\nat 0 boot\n'), [['invalid-token', 1, 5, 7]]);
  // … unless the next line (past blank and comment lines) starts with the '{': that block is the statement's.
  assert.deepEqual(codes(`bus 9x\n# the NIC\n\n{\n${body}at 0 boot\n`), [['invalid-token', 1, 5, 7]]);
  assert.deepEqual(codes(`bus b c\n{\n${body}at 0 boot\n`), [['unexpected-token', 1, 7, 8]]);
});

test("a required block's '{' on a line of its own is one error where it stands, and the block is read as if it were on the line before", () => {
  const src =
    'vm\n{\n  guest linux\n}\nbus nic0  # the NIC\n\n  {\n  function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 1ms offer y\n{ function 0 intel-82599-vf }\n';
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol]),
    [
      ['brace-on-next-line', 2, 1, 2],
      ['brace-on-next-line', 7, 3, 4],
      ['brace-on-next-line', 13, 1, 2],
    ],
  );
  assert.equal(scenario.vm.guest?.name, 'linux');
  assert.deepEqual(
    scenario.buses.map((b) => [b.name.name, b.functions.length]),
    [['nic0', 2]],
  );
  assert.equal(scenario.timeline.length, 2);
  // The checker knows the bus: no line that names it is an error of its own.
  const checked = loadScenario(
    `${src}expect nic0 attached\nexpect y attached\n`,
    'a.vpci',
    defaultScenarioContext(() => undefined),
  );
  assert.deepEqual(
    checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
    ['brace-on-next-line', 'brace-on-next-line', 'brace-on-next-line'],
  );
  // A '{' after a statement that is complete without one is not that statement's: the statement error stands.
  assert.deepEqual(codes('at 0 boot\n{\n}\n'), [['unexpected-token', 2, 1, 2]]);
  // No '{' at all: expected where it goes, and the items below read as the block's (not each an unknown statement).
  assert.deepEqual(codes('bus nic0\n  function 0 a\n'), [['missing-argument', 1, 9, 9]]);
});

test('recovery: one bad line does not hide the statements after it', () => {
  const src = 'vm {\n  cpus many\n  guest linux\n}\nat ?? boot\nat 1ms boot\nbus b { function 99 x\n  function 1 y\n}\nexpect no errors\n';
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.loc.line]),
    [
      ['unexpected-token', 2],
      ['invalid-token', 5],
      ['bad-slot', 7],
    ],
  );
  assert.equal(scenario.vm.guest?.name, 'linux');
  assert.equal(scenario.timeline.length, 1);
  assert.equal(scenario.buses[0]!.functions.length, 1);
  assert.equal(scenario.buses[0]!.functions[0]!.slot.device, 1);
  assert.deepEqual(
    scenario.expectations.map((e) => e.kind),
    ['no-errors'],
  );
});

test('formatDiagnostic: file:line:col, severity, code, source line and caret', () => {
  const src = 'vm {\n\tcpus x\n}';
  const d = parseScenario(src).diagnostics[0]!;
  assert.equal(formatDiagnostic(d, 'a.vpci', src), "a.vpci:2:7: error: expected the CPU count, found 'x' [unexpected-token]\n  \tcpus x\n  \t     ^");
  assert.equal(formatDiagnostic(d, 'a.vpci'), "a.vpci:2:7: error: expected the CPU count, found 'x' [unexpected-token]");
});

test('lexer: \\n, \\r\\n and a lone \\r each end one line (as LSP counts lines)', () => {
  const t = tokenize('a\r\nb\rc\nd # x\r');
  assert.deepEqual(
    t.filter((x) => x.kind === 'word').map((x) => [x.text, x.loc.line, x.loc.col]),
    [
      ['a', 1, 1],
      ['b', 2, 1],
      ['c', 3, 1],
      ['d', 4, 1],
    ],
  );
  assert.deepEqual(
    t.filter((x) => x.kind === 'newline').map((x) => x.text),
    ['\r\n', '\r', '\n', '\r'],
  );
  assert.equal(t.find((x) => x.kind === 'comment')!.text, '# x');
});

test('parser never throws on arbitrary bytes and always returns a tree', () => {
  for (const s of ['', '{', '}', 'vm {', 'bus', 'at', 'expect', 'at 1ms offer x {', '\u0000\ud800', 'bus a { function 0 dump }', '"'.repeat(5)]) {
    const r = parseScenario(s);
    assert.ok(Array.isArray(r.scenario.buses));
    assert.equal(r.diagnostics.length === 0, s === '');
  }
});

test('recovery: a block missing its } ends where the next statement begins', () => {
  const src = 'bus a {\n  function 0 x\nbus b { function 0 y }\nat 6ms offer c {\n  function 0 z\nat 7ms boot\n';
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.loc.line, d.loc.col]),
    [
      ['unclosed-block', 1, 7],
      ['unclosed-block', 4, 16],
    ],
  );
  assert.deepEqual(
    scenario.buses.map((b) => [b.name.name, b.functions.length]),
    [
      ['a', 1],
      ['b', 1],
    ],
  );
  assert.deepEqual(
    scenario.timeline.map((e) => e.kind),
    ['offer', 'boot'],
  );
  assert.deepEqual(scenario.buses[0]!.loc, { line: 1, col: 1, endLine: 2, endCol: 15 });
});

test('unknown keywords suggest the closest one', () => {
  const msg = (src: string): string => parseScenario(src).diagnostics[0]!.message;
  assert.equal(msg('bsu a { function 0 x }'), "unknown statement 'bsu'; did you mean 'bus'? (expected vm, bus, at, expect)");
  assert.equal(msg('vm { cpu 4 }'), "unknown vm setting 'cpu'; did you mean 'cpus'? (expected host, guest, cpus, mmio, quirk)");
  assert.equal(
    msg('at 1ms rejekt a'),
    "unknown event 'rejekt'; did you mean 'eject'? (expected boot, driver, raise, eject, offer, rescind, detach, vanish, plug, unplug, fault)",
  );
  assert.equal(
    msg('expect a ejcted'),
    "unknown expectation 'ejcted'; did you mean 'ejected'? (expected attached, failed, detached, rescinded, ejected, version, msix, vector)",
  );
  assert.equal(
    msg('at 1ms fault a eject noreply'),
    "unknown fault action 'noreply'; did you mean 'no-reply'? (expected status, no-reply, delay, truncate, flip, vanish)",
  );
  assert.equal(msg('frobnicate'), "unknown statement 'frobnicate' (expected vm, bus, at, expect)");
  // words people use for surprise removal and the fault actions: the keyword they mean, with no near miss in spelling
  assert.match(msg('at 1ms surprise-remove a'), /^unknown event 'surprise-remove'; did you mean 'vanish'\?/);
  assert.match(msg('at 1ms fault a eject surprise-removal'), /^unknown fault action 'surprise-removal'; did you mean 'vanish'\?/);
  assert.match(msg('at 1ms fault a eject corrupt 0 1'), /^unknown fault action 'corrupt'; did you mean 'flip'\?/);
  assert.match(msg('at 1ms fault a eject cut 4'), /^unknown fault action 'cut'; did you mean 'truncate'\?/);
  assert.match(msg('at 1ms fault a eject late 5ms'), /^unknown fault action 'late'; did you mean 'delay'\?/);
  // 'vec', 'vect': the abbreviations drivers write (too far from 'vector' in spelling for a near miss)
  assert.match(msg('at 1ms raise a vec 0'), /^unknown keyword 'vec'; did you mean 'vector'\?/);
  assert.match(msg('expect a vect 0 delivered'), /^unknown expectation 'vect'; did you mean 'vector'\?/);
});

test('commentBefore answers as tokenize does: a # outside a string, up to an offset', () => {
  // Random lines from the characters that matter (quotes, escapes, #) and some that do not.
  const alphabet = ['#', '"', '\\', 'a', ' ', '{', '0', '-'];
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 16;
  };
  for (let k = 0; k < 20_000; k++) {
    const len = next() % 14;
    let line = '';
    for (let i = 0; i < len; i++) line += alphabet[next() % alphabet.length]!;
    for (let end = 0; end <= len + 1; end++) {
      const want = tokenize(line.slice(0, end)).some((t) => t.kind === 'comment');
      assert.equal(commentBefore(line, end), want, JSON.stringify({ line, end }));
    }
  }
});

test('the parser keeps at most MAX_DIAGNOSTICS and then stops, saying where (top level and inside a block)', () => {
  const bad = 'x\n'.repeat(MAX_DIAGNOSTICS + 50);
  const r = parseScenario(`# title\n${bad}bus b { function 0 intel-82599-vf }\n`);
  assert.equal(r.diagnostics.length, MAX_DIAGNOSTICS + 1);
  const last = r.diagnostics.at(-1)!;
  assert.equal(last.code, 'too-many-errors');
  assert.equal(last.severity, 'error');
  // The title is line 1; the MAX_DIAGNOSTICS-th bad line is line MAX_DIAGNOSTICS + 1, and the parser stops at the next one.
  assert.deepEqual(last.loc, { line: MAX_DIAGNOSTICS + 2, col: 1, endLine: MAX_DIAGNOSTICS + 2, endCol: 2 });
  assert.equal(last.message, `100,000 syntax errors so far: the parser stops here, and the rest of the file (from line ${MAX_DIAGNOSTICS + 2}) is not checked`);
  assert.equal(r.scenario.buses.length, 0, 'nothing after the stop is read');
  assert.equal(r.scenario.title, 'title');

  // Inside a block: each bad item is one error, and the block's items stop counting at the bound too.
  const inBlock = parseScenario(`vm {\n${'nosuch 1\n'.repeat(MAX_DIAGNOSTICS + 3)}}\n`);
  assert.equal(inBlock.diagnostics.length, MAX_DIAGNOSTICS + 1);
  assert.equal(inBlock.diagnostics.at(-1)!.code, 'too-many-errors');
  assert.equal(inBlock.diagnostics.at(-1)!.loc.line, MAX_DIAGNOSTICS + 2);

  // Exactly the bound, with nothing after it: every error is kept and nothing is said to be unread.
  const exact = parseScenario('x\n'.repeat(MAX_DIAGNOSTICS) + '\n\n');
  assert.equal(exact.diagnostics.length, MAX_DIAGNOSTICS);
  assert.ok(exact.diagnostics.every((d) => d.code === 'unknown-statement'));
});

test('the parser reads tokens as it goes: the same tree and diagnostics as from the whole token list, comments anywhere', () => {
  const text = [
    '# A title',
    '#  over two lines',
    '',
    'vm { # the vm',
    '  host hyperv-2016 # a host',
    '  guest freebsd',
    '}',
    '# between',
    'bus nic0 { function 0 intel-82599-vf serial 1 } # trailing',
    'at 0 boot',
    'at 2ms driver nic0 msix 3 extra',
    'at 3ms raise nic0 vector 0',
    'expect nic0 attached # done',
    'expect',
  ].join('\n');
  const r = parseScenario(text);
  assert.equal(r.scenario.title, 'A title\n over two lines');
  assert.equal(r.scenario.buses.length, 1);
  assert.equal(r.scenario.timeline.length, 3);
  assert.equal(r.scenario.expectations.length, 1);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col]),
    [
      ['unexpected-token', 11, 27],
      ['missing-argument', 14, 7],
    ],
  );
  // Lexer and tokenize agree token for token.
  const lx = new Lexer(text);
  for (const t of tokenize(text)) assert.deepEqual(lx.next(), t);
  assert.equal(lx.next().kind, 'eof', 'after the end, the end again');
  assert.deepEqual([...tokensOf(text)], tokenize(text));
});

test('a bus name is at most MAX_BUS_NAME characters, where it is declared and where it is named', () => {
  const ok = 'b'.repeat(MAX_BUS_NAME);
  const long = 'b'.repeat(MAX_BUS_NAME + 1);
  assert.deepEqual(codes(`bus ${ok} { function 0 x }\nat 1ms driver ${ok} msix 1`), []);
  const d = parseScenario(`bus ${long} { function 0 x }\nat 1ms driver ${long} msix 1\nexpect ${long} attached`).diagnostics;
  assert.deepEqual(
    d.map((x) => [x.code, x.loc.line, x.loc.col, x.loc.endCol]),
    [
      ['name-too-long', 1, 5, 5 + MAX_BUS_NAME + 1],
      ['name-too-long', 2, 15, 15 + MAX_BUS_NAME + 1],
      ['name-too-long', 3, 8, 8 + MAX_BUS_NAME + 1],
    ],
  );
  assert.equal(d[0]!.message, `a bus name is at most 64 characters; this one is 65`);
  assert.equal(
    parseScenario(`bus ${'n'.repeat(1_000_000)} { function 0 x }`).diagnostics[0]!.message,
    'a bus name is at most 64 characters; this one is 1,000,000',
  );
});

test('a quoted text over MAX_QUOTE characters is shortened in every message, keeping its ends and saying its length', () => {
  const word = 'q'.repeat(4_000_000);
  const d = parseScenario(`${word}\n`).diagnostics;
  assert.deepEqual(
    d.map((x) => x.code),
    ['unknown-statement'],
  );
  assert.equal(d[0]!.message, `unknown statement '${'q'.repeat(100)}…${'q'.repeat(100)}' (4,000,000 characters) (expected vm, bus, at, expect)`);
  // Up to the limit a quote stays whole; one character more and it is shortened.
  const at = (n: number) => shortQuotes(`unknown device '${'x'.repeat(n - 1)}y'; did you mean 'a'?`);
  assert.equal(at(MAX_QUOTE), `unknown device '${'x'.repeat(MAX_QUOTE - 1)}y'; did you mean 'a'?`);
  assert.equal(at(MAX_QUOTE + 1), `unknown device '${'x'.repeat(100)}…${'x'.repeat(99)}y' (513 characters); did you mean 'a'?`);
  // A character outside the BMP at the cut is kept whole, not split into half a surrogate pair.
  const astral = '😀'.repeat(400); // 800 UTF-16 units
  const short = shortQuotes(`cannot read dump file '${astral}'`);
  assert.equal(short, `cannot read dump file '${'😀'.repeat(50)}…${'😀'.repeat(50)}' (800 characters)`);
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(short), 'no lone surrogate');
  // One unit earlier, the 100th unit would be the second half of a pair: the cut moves back before it.
  assert.equal(shortQuotes(`cannot read dump file 'a${astral}'`), `cannot read dump file 'a${'😀'.repeat(49)}…${'😀'.repeat(50)}' (801 characters)`);
});

test('a word of 9 million characters (a scenario under the 16 MiB limit holds one) is quoted shortened, not a stack overflow', () => {
  // Shortening it was a regular expression that overflowed the stack past ~8 million characters:
  // `check` said only "Maximum call stack size exceeded", the language server "internal-error".
  const word = 'w'.repeat(9_000_000);
  const d = parseScenario(`${word}\n`).diagnostics;
  assert.deepEqual(
    d.map((x) => x.message),
    [`unknown statement '${'w'.repeat(100)}…${'w'.repeat(100)}' (9,000,000 characters) (expected vm, bus, at, expect)`],
  );
  // A long word is cut whether it is quoted or not; a quote mark in it stays where it was.
  const long = 'y'.repeat(600);
  assert.equal(
    shortQuotes(`a 'b' ${long}' c '${long}\n'`),
    `a 'b' ${'y'.repeat(100)}…${'y'.repeat(99)}' (601 characters) c '${'y'.repeat(99)}…${'y'.repeat(100)} (601 characters)\n'`,
  );
  // A long quote of several words is cut between its marks; one broken by a line end is none.
  const words = 'z '.repeat(300);
  assert.equal(shortQuotes(`x '${words}' y`), `x '${'z '.repeat(50)}…${'z '.repeat(50)}' (600 characters) y`);
  assert.equal(shortQuotes(`x '${words}\n' y`), `x '${words}\n' y`);
});

test('a long name a message repeats without quotes is cut, and the quotes around it stay whole', () => {
  // The closing mark of 'boot' was taken to open a quote running to the one before 'at 0 boot': the
  // warning read "… is never attached (add ' (1,000,057 characters)at 0 boot')", a megabyte long.
  const name = 'a'.repeat(1_000_000);
  const d = loadScenario(
    `vm { }\nbus ${name} { function 0 intel-82599-vf }\n`,
    'x.vpci',
    defaultScenarioContext(() => undefined),
  ).diagnostics;
  const noBoot = d.find((x) => x.code === 'no-boot')!;
  assert.equal(
    noBoot.message,
    `the timeline has no 'boot': the guest never starts, so bus ${'a'.repeat(100)}…${'a'.repeat(100)} (1,000,000 characters) is never attached (add 'at 0 boot')`,
  );
  for (const x of d) assert.ok(x.message.length < 2 * MAX_QUOTE, `${x.code}: ${x.message.length} characters`);
});

test("an expectation cut short says what can come: a bare 'expect' and 'expect no' at the end of the line", () => {
  const ds = parseScenario('expect\nexpect no\nexpect 5\n').diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.message]);
  assert.deepEqual(ds, [
    ['missing-argument', 1, 7, "expected a bus name, 'message' or 'no', found end of line"],
    ['missing-argument', 2, 10, "expected 'errors' or 'message', found end of line"],
    ['unexpected-token', 3, 8, "expected a bus name, 'message' or 'no', found '5'"],
  ]);
});

test("'expect BUS/SLOT' cut short lists only the forms about one function: a state or 'version' there would be unexpected-slot", () => {
  const ds = parseScenario('expect nic0/1\nexpect nic0/1.0 5\nexpect nic0\n').diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.message]);
  assert.deepEqual(ds, [
    ['missing-argument', 1, 14, "expected 'msix' or 'vector' (a state or 'version' is a whole bus's: without the slot), found end of line"],
    ['unexpected-token', 2, 17, "expected 'msix' or 'vector' (a state or 'version' is a whole bus's: without the slot), found '5'"],
    ['missing-argument', 3, 12, "expected a state (attached, failed, detached, rescinded, ejected), 'version', 'msix' or 'vector', found end of line"],
  ]);
});

test('a slot after a bus where a whole bus is meant is unexpected-slot on the slot, and the statement is dropped (no cascade of bus-gone)', () => {
  const src =
    'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms rescind nic0/1\nat 2ms fault nic0/0 create-interrupt no-reply\nexpect message create-interrupt on nic0/1.2\n';
  const { scenario, diagnostics } = parseScenario(src);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol, d.message]),
    [
      ['unexpected-slot', 3, 20, 22, "a whole bus is meant here ('nic0'), not a function; remove the slot"],
      ['unexpected-slot', 4, 18, 20, "a whole bus is meant here ('nic0'), not a function; remove the slot"],
      ['unexpected-slot', 5, 40, 44, "a whole bus is meant here ('nic0'), not a function; remove the slot"],
    ],
  );
  assert.deepEqual(
    scenario.timeline.map((e) => e.kind),
    ['boot'],
  );
});

test('a file that is no text (a binary, UTF-16 read as UTF-8) is one not-text error at its first such character, not one per stray byte', () => {
  const ctx = defaultScenarioContext(() => undefined);
  const load = (text: string, bom?: 'unit') =>
    loadScenario(text, 'x.vpci', ctx, bom ? { bom } : undefined).diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.message]);
  // An executable's first bytes: '\x7fELF', then NULs (every one an invalid-token before, hundreds for a real file).
  const elf = '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0' + '\0'.repeat(2000) + '\n'.repeat(50) + '\x01\x02'.repeat(500);
  assert.deepEqual(load(elf), [['not-text', 1, 8, 'not a text scenario: a NUL byte (U+0000) here, as in a binary file; nothing in it is checked']]);
  // A NUL in an otherwise good scenario: the place is its line and column.
  const text = 'vm {\n  host hyperv-2016\n}\r\nbus a { function 0 intel-82599-vf }\nat 0 boot\0\0\n';
  assert.deepEqual(
    load(text).map((d) => d.slice(0, 3)),
    [['not-text', 5, 10]],
  );
  // A byte-order mark counts as the lexer counts it: no column for the CLI, one for the language server.
  assert.deepEqual(
    load('\ufeffvm\0').map((d) => d.slice(0, 3)),
    [['not-text', 1, 3]],
  );
  assert.deepEqual(
    load('\ufeffvm\0', 'unit').map((d) => d.slice(0, 3)),
    [['not-text', 1, 4]],
  );
  // UTF-16 (little-endian, with its mark as UTF-8 decodes it): said so, with what to do.
  const utf16 = '\ufffd\ufffd' + 'vm { }\n'.replace(/./gs, (c) => `${c}\0`);
  assert.deepEqual(load(utf16), [['not-text', 1, 4, 'not a text scenario: a NUL byte (U+0000) here, as in UTF-16 text; save it as UTF-8']]);
  // Random bytes with no NUL: mostly not UTF-8 and control characters.
  let r = 7;
  const noise = Array.from({ length: 3000 }, () => String.fromCharCode(((r = (r * 1103515245 + 12345) % 2 ** 31) % 31) + 1)).join('');
  assert.deepEqual(
    load('vm {}\n' + noise).map((d) => d[0]),
    ['not-text'],
  );
  // Text with a few control characters is text: each is its own error, the rest still checked.
  assert.deepEqual(
    load('vm { \x07 }\nbus a { function 0 intel-82599-vf }\nat 0 boot\nexpect b attached\n').map((d) => d[0]),
    ['invalid-token', 'unknown-bus'],
  );
});

test('every bad value of a statement is said in one pass, each at its place, and the statement is then dropped as one with a syntax error', () => {
  const ctx = defaultScenarioContext(() => undefined);
  // (The expectations of vectors no event raises are warned of: not what this is about.)
  const load = (text: string) =>
    loadScenario(text, 'x.vpci', ctx)
      .diagnostics.filter((d) => d.code !== 'vector-never-raised')
      .map((d) => [d.code, d.loc.line, d.loc.col]);
  const text = [
    'vm {',
    '  cpus 4x',
    '  mmio low 0xzz size 1Q',
    '}',
    'bus nic0 { function 0 intel-82599-vf serial 1q numa 70000 }',
    'bus nic1 {',
    '  function 99 intel-82599-vf serial 2x',
    '  function 1 intel-82599-vf',
    '}',
    'at 0 boot',
    'at 5q driver nic0 msix 3q',
    'at 4ms fault nic0 create-interrupt delay 5q times 0',
    'at 6ms offer nic2 { function 0 intel-82599-vf serial 1z }',
    'expect nic0 vector 5000 delivered cpu 1z',
    'expect message create-interrupt on nic0 count 1z before 5q',
    'expect nic0 attached before 5',
    // The statements after them are read as before: a bad value leaves no cascade (nic0/0 is not unknown, cpus not 0).
    'at 7ms driver nic1/1 msix 2',
    'expect nic1/1 vector 0 delivered cpu 7',
    'expect nic0 attached',
    '',
  ].join('\n');
  assert.deepEqual(load(text), [
    ['invalid-token', 2, 8],
    ['invalid-token', 3, 12],
    ['invalid-token', 3, 22],
    ['invalid-token', 5, 45],
    ['out-of-range', 5, 53],
    ['bad-slot', 7, 12],
    ['invalid-token', 7, 37],
    ['invalid-number', 11, 4],
    ['invalid-token', 11, 24],
    ['invalid-number', 12, 42],
    ['out-of-range', 12, 51],
    ['invalid-token', 13, 54],
    ['out-of-range', 14, 20],
    ['invalid-token', 14, 39],
    ['invalid-token', 15, 47],
    ['invalid-number', 15, 57],
    ['missing-unit', 16, 29],
  ]);
  // Dropped, as a statement with a syntax error is: none of them is in the tree.
  const sc = parseScenario(text).scenario;
  assert.equal(sc.vm.cpus, 0);
  assert.deepEqual(sc.vm.mmio, []);
  assert.deepEqual(
    sc.buses.map((b) => [b.name.name, b.functions.length]),
    [
      ['nic0', 0],
      ['nic1', 1],
    ],
  );
  assert.deepEqual(
    sc.timeline.map((e) => e.kind),
    ['boot', 'offer', 'driver'],
  );
  assert.equal(sc.expectations.length, 2);
  // 'eject nic0 function 99': the slot's range is the error, not the slip with a fix that writes it again.
  assert.deepEqual(load('bus a { function 0 intel-82599-vf }\nat 0 boot\nat 1ms eject a function 99\n'), [['bad-slot', 3, 25]]);
  // A slip after a bad value is said at its own place, the value not written as NaN.
  assert.deepEqual(
    loadScenario('bus a { function 0 intel-82599-vf }\nat 0 boot\nexpect a msix 3x vectors\n', 'x.vpci', ctx).diagnostics.map((d) => [d.loc.col, d.message]),
    [
      [15, "expected the vector count, found '3x'"],
      [18, "unexpected 'vectors': 'msix N' is the vector count alone (msix N, not msix N vectors)"],
    ],
  );
  // An offer dropped for a bad value leaves its bus known to what names it (no unknown-bus below it).
  assert.deepEqual(
    load('bus a { function 0 intel-82599-vf }\nat 0 boot\nat 5q offer b { function 0 intel-82599-vf }\nat 6ms driver b msix 2\nexpect b attached\n'),
    [['invalid-number', 3, 4]],
  );
  // A second deadline on a state expectation is a duplicate option, as on a message expectation.
  assert.deepEqual(load('bus a { function 0 intel-82599-vf }\nat 0 boot\nexpect a attached before 1ms before 2ms\n'), [['duplicate-option', 3, 30]]);
  // A word where a value goes, or a missing value, still ends the statement there (it may be the statement's next word).
  assert.deepEqual(load('at 1ms fault nic0 create-interrupt delay times 2\n'), [['unexpected-token', 1, 42]]);
  // What follows a bad value is still checked as the statement's: a later mistake in it is said too.
  assert.deepEqual(load('bus a { function 0 intel-82599-vf serial 1q nuam 2 }\nat 0 boot\n'), [
    ['invalid-token', 1, 42],
    ['unknown-setting', 1, 45],
  ]);
});

test("'host', 'guest' or 'cpus' set twice warns on the second, the first as its note (the last one wins, as for a quirk): it was taken in silence", () => {
  const r = parseScenario('vm {\n  host hyperv-2016\n  guest linux\n  cpus 2\n  host hyperv-2022\n}\nvm {\n  guest freebsd\n  cpus 3\n}\n');
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.loc.endCol, d.message, d.related?.loc.line]),
    [
      ['duplicate-setting', 5, 3, 19, "'host' is set twice; the last one wins", 2],
      ['duplicate-vm', 7, 1, 3, "a second 'vm' block; its settings are merged into the first", undefined],
      ['duplicate-setting', 8, 3, 16, "'guest' is set twice; the last one wins", 3],
      ['duplicate-setting', 9, 3, 9, "'cpus' is set twice; the last one wins", 4],
    ],
  );
  assert.deepEqual([r.scenario.vm.host?.name, r.scenario.vm.guest?.name, r.scenario.vm.cpus], ['hyperv-2022', 'freebsd', 3]);
  // A second one that is itself wrong is that error alone.
  assert.deepEqual(
    parseScenario('vm {\n  cpus 2\n  cpus 0\n}\n').diagnostics.map((d) => d.code),
    ['out-of-range'],
  );
});

test('a statement after another on the same line is said once for the line and read as a statement of its own, as a block item is', () => {
  const r = loadScenario(
    'bus nic0 { function 0 intel-82599-vf }\nat 0 boot at 1ms driver nic0 msix 3 at 2ms raise nic9 vector 0\nexpect nic0 attached expect nic0 msix 3\n',
    't.vpci',
    defaultScenarioContext(() => undefined),
  );
  const each = "unexpected 'at' after the statement; each statement goes on a line of its own";
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.col, d.message.startsWith('unknown bus') ? 'unknown bus' : d.message]),
    [
      ['unexpected-token', 2, 11, each],
      // The third statement of the line was read and checked: it was dropped with the first.
      ['unknown-bus', 2, 50, 'unknown bus'],
      ['unexpected-token', 3, 22, each.replace("'at'", "'expect'")],
    ],
  );
  assert.deepEqual(
    r.scenario.timeline.map((e) => e.kind),
    ['boot', 'driver', 'raise'],
  );
  assert.equal(r.scenario.expectations.length, 2);
});

test("a word of an event or expectation written twice is 'given twice' (duplicate-option), as 'before', 'on' and 'count' are", () => {
  const rows = (line: string) => parseScenario(`${line}\n`).diagnostics.map((d) => [d.code, d.loc.col, d.message]);
  // Each was "unexpected 'msix' after the statement".
  assert.deepEqual(rows('at 1ms driver nic0 msix 3 msix 2'), [['duplicate-option', 27, "'msix' is given twice"]]);
  assert.deepEqual(rows('at 2ms raise nic0 vector 0 vector 1'), [['duplicate-option', 28, "'vector' is given twice"]]);
  assert.deepEqual(rows('at 3ms fault nic0 create-interrupt no-reply times 1 times 2'), [['duplicate-option', 53, "'times' is given twice"]]);
  assert.deepEqual(rows('expect nic0 vector 0 delivered cpu 1 cpu 2'), [['duplicate-option', 38, "'cpu' is given twice"]]);
  // A word that starts a statement or an item is the next one on the line, not a repeat.
  assert.deepEqual(
    rows('at 0 boot at 1ms boot').map((r) => r[0]),
    ['unexpected-token'],
  );
});
