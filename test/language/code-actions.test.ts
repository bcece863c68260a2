// Quick fixes over real LSP: every "did you mean" diagnostic offers its suggestions as
// `quickfix` code actions (best first, preferred), ranked by what the user most likely
// meant; diagnostics with a plain fix get it; applying the edit makes the diagnostic go.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { startServer, open, type Lsp } from './client';
import { suggestions, editDistance } from '../../emulator/scenario/names';
import { readFileSync } from 'node:fs';
import { analyze } from '../../language/analyze';
import { codeActions } from '../../language/code-actions';

let lsp: Lsp;
let n = 0;
const uriFor = (name: string): string => `file:///virtual/qf-${n++}-${name}`;

before(async () => {
  lsp = await startServer();
});
after(async () => {
  await lsp.close();
});

const BASE = `vm {
  host hyperv-2016
  guest freebsd
}

bus nic0 { function 0 intel-82599-vf }

at 0    boot
at 2ms  driver nic0 msix 3
expect nic0 attached
`;

async function actionsFor(uri: string, d: Diagnostic, only?: string[]): Promise<CodeAction[]> {
  return await lsp.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d], ...(only ? { only } : {}) },
  });
}

/** Applies single-line edits (as the client would) to `text`. */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)))
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Opens `text`, finds the diagnostic `code`, returns it with its code actions. */
async function fixes(text: string, code: string): Promise<{ uri: string; d: Diagnostic; actions: CodeAction[] }> {
  const uri = uriFor(`${code}.vpci`);
  const pub = await open(lsp, uri, text);
  const d = pub.diagnostics.find((x) => x.code === code);
  assert.ok(d, `no ${code} in ${JSON.stringify(pub.diagnostics)}`);
  return { uri, d, actions: await actionsFor(uri, d) };
}

async function diagnosticsOf(text: string): Promise<Diagnostic[]> {
  return (await open(lsp, uriFor('after.vpci'), text)).diagnostics;
}

test('the server advertises quick fixes', async () => {
  const l = await startServer();
  try {
    // the capability is in the initialize answer; a request on a fresh document answers an array
    const uri = uriFor('cap.vpci');
    await open(l, uri, BASE);
    const r = await l.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(r, []);
  } finally {
    await l.close();
  }
});

test('unknown device intel-82599-fv: the VF first and preferred, then the PF; applying it clears the error', async () => {
  const text = BASE.replace('intel-82599-vf', 'intel-82599-fv');
  const { d, actions } = await fixes(text, 'unknown-device');
  assert.match(typeof d.message === 'string' ? d.message : d.message.value, /did you mean 'intel-82599-vf'/);
  assert.deepEqual(
    actions.map((a) => a.title),
    ["Change to 'intel-82599-vf'", "Change to 'intel-82599-pf'"],
  );
  assert.equal(actions[0]!.kind, 'quickfix');
  assert.equal(actions[0]!.isPreferred, true);
  assert.notEqual(actions[1]!.isPreferred, true);
  assert.deepEqual(actions[0]!.diagnostics?.[0]?.code, 'unknown-device');
  const edits = Object.values(actions[0]!.edit!.changes!)[0]!;
  assert.deepEqual(edits, [{ range: d.range, newText: 'intel-82599-vf' }]);
  const after = await diagnosticsOf(apply(text, edits));
  assert.deepEqual(
    after.filter((x) => x.severity === 1),
    [],
  );
});

for (const [what, from, to, code] of [
  ['host profile', 'host hyperv-2016', 'host hyperv-2061', 'unknown-profile'],
  ['guest model', 'guest freebsd', 'guest freebds', 'unknown-guest'],
  ['quirk', '  guest freebsd\n', '  guest freebsd\n  quirk short-packet-drops off\n', 'unknown-quirk'],
  ['vm setting', '  guest freebsd\n', '  guest freebsd\n  cpu 4\n', 'unknown-setting'],
  ['event', 'driver nic0', 'drivr nic0', 'unknown-event'],
  ['expectation', 'nic0 attached', 'nic0 atached', 'unknown-expectation'],
  ['message', 'expect nic0 attached', 'expect message ejection-complet on nic0', 'unknown-message'],
  ['status', 'expect nic0 attached', 'at 1ms fault nic0 create-interrupt status STATUS_BAD_DTA', 'unknown-status'],
  ['bus', 'driver nic0', 'driver nic', 'unknown-bus'],
  ['missing unit', 'at 2ms', 'at 2', 'missing-unit'],
  ['driver mode', 'driver nic0 msix 3', 'driver nic0 msx 3', 'unknown-keyword'],
  ['word in raise', 'expect nic0 attached', 'at 3ms raise nic0 vectr 0\nexpect nic0 attached', 'unknown-keyword'],
  ['outcome', 'expect nic0 attached', 'at 3ms raise nic0 vector 0\nexpect nic0 vector 0 delivred', 'unknown-keyword'],
  ['function option', 'intel-82599-vf }', 'intel-82599-vf serail 3 }', 'unknown-setting'],
  ['slot', 'driver nic0 msix', 'driver nic0/2 msix', 'unknown-slot'],
  ['implied slot 0', 'function 0 intel', 'function 1 intel', 'unknown-slot'],
] as const) {
  test(`a quick fix for an unknown ${what} turns it into a valid scenario`, async () => {
    const text = BASE.replace(from, to);
    const { d, actions } = await fixes(text, code);
    assert.ok(actions.length >= 1, `${code}: no quick fix`);
    assert.equal(actions[0]!.isPreferred, true);
    const fixed = apply(text, Object.values(actions[0]!.edit!.changes!)[0]!);
    const after = await diagnosticsOf(fixed);
    assert.ok(!after.some((x) => x.code === code), `${actions[0]!.title} left ${JSON.stringify(after)}`);
    assert.ok(!after.some((x) => x.severity === 1), `${code} → ${fixed}: ${JSON.stringify(after)}`);
    if (code === 'missing-unit') assert.equal(actions[0]!.title, "Change to '2ms'");
    if (code === 'unknown-status') assert.equal(actions[0]!.title, "Change to 'STATUS_BAD_DATA'");
    if (code === 'unknown-message') assert.equal(actions[0]!.title, "Change to 'ejection-complete'");
    if (what === 'driver mode') assert.equal(actions[0]!.title, "Change to 'msix'");
    if (what === 'slot') assert.equal(actions[0]!.title, "Change to '0'");
    // A target without /SLOT is slot 0: the fix names the slot the bus has.
    if (what === 'implied slot 0') assert.equal(actions[0]!.title, "Change to 'nic0/1'");
    assert.ok(d.range.start.line >= 0);
  });
}

test('plain fixes: a contradictory count, a repeated expectation, an overridden quirk, a quirk the guest lacks, an MSI count, a message of the wrong version, eject on a host that cannot, a `{` on the next line', async () => {
  const cases: { text: string; code: string; title: RegExp }[] = [
    { text: `${BASE}expect no message eject on nic0 count 2\n`, code: 'negated-count', title: /Remove 'count N'/ },
    { text: `${BASE}expect no errors\nexpect no errors\n`, code: 'duplicate-expectation', title: /Remove the repeated expectation/ },
    {
      text: BASE.replace('  guest freebsd\n', '  guest freebsd\n  quirk short-packet-drop off\n  quirk short-packet-drop on\n'),
      code: 'duplicate-quirk',
      title: /Remove the overridden setting on line 4/,
    },
    {
      text: BASE.replace('  guest freebsd\n', '  guest freebsd-2016\n  quirk relations2-falls-into-eject on\n'),
      code: 'quirk-not-applicable',
      title: /Remove this quirk/,
    },
    { text: BASE.replace('msix 3', 'msi 3'), code: 'msi-count', title: /Enable 4 MSI vectors/ },
    {
      text: BASE.replace('host hyperv-2016', 'host hyperv-2022').replace('expect nic0 attached', 'expect message create-interrupt on nic0'),
      code: 'message-never-sent',
      title: /Change to 'create-interrupt3'/,
    },
    {
      text: BASE.replace('host hyperv-2016', 'host openvmm').replace('guest freebsd', 'guest linux').replace('expect nic0 attached', 'at 5ms eject nic0'),
      code: 'eject-unsupported',
      title: /Use 'rescind'/,
    },
    // A block's `{` on a line of its own: after the statement's last word (before its comment), the `{` line gone.
    {
      text: BASE.replace('bus nic0 { function 0', 'bus nic0   # the NIC\n\n  {\n  function 0'),
      code: 'brace-on-next-line',
      title: /Move '\{' to the end of the line before/,
    },
    // … or with items after it on its line: they stay, the `{` goes.
    { text: BASE.replace('vm {\n', 'vm\n{ host hyperv-2022\n'), code: 'brace-on-next-line', title: /Move '\{'/ },
  ];
  for (const c of cases) {
    const { actions } = await fixes(c.text, c.code);
    const a = actions.find((x) => c.title.test(x.title));
    assert.ok(a, `${c.code}: ${JSON.stringify(actions.map((x) => x.title))}`);
    const fixed = apply(c.text, Object.values(a.edit!.changes!)[0]!);
    const after = await diagnosticsOf(fixed);
    assert.ok(!after.some((x) => x.code === c.code), `${c.code} remains after '${a.title}':\n${fixed}`);
    assert.ok(!after.some((x) => x.severity === 1), `${c.code} → errors:\n${fixed}\n${JSON.stringify(after)}`);
  }
});

test('no quick fix for a stale diagnostic, and none when only other kinds are asked for', async () => {
  const text = BASE.replace('intel-82599-vf', 'intel-82599-fv');
  const { uri, d } = await fixes(text, 'unknown-device');
  assert.deepEqual(await actionsFor(uri, d, ['source.organizeImports']), []);
  // the range no longer holds the bad name: nothing is offered
  const moved = { ...d, range: { start: { line: d.range.start.line, character: 0 }, end: { line: d.range.start.line, character: 3 } } };
  assert.deepEqual(await actionsFor(uri, moved), []);
});

test('ranking: transpositions cost one edit, shared tokens and style break ties', () => {
  assert.equal(editDistance('fv', 'vf'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  const devices = ['intel-82599-pf', 'intel-82599-vf', 'mellanox-cx3-pf', 'mellanox-cx3-vf'];
  assert.deepEqual(suggestions('intel-82599-fv', devices), ['intel-82599-vf', 'intel-82599-pf']);
  assert.deepEqual(suggestions('mellanox-cx3-fv', devices), ['mellanox-cx3-vf', 'mellanox-cx3-pf']);
  assert.deepEqual(suggestions('82599-vf', devices), ['intel-82599-vf']);
  assert.deepEqual(suggestions('zzz', devices), []);
  // the user's spelling style wins a tie: PCI_* for upper case, kebab for lower case
  assert.deepEqual(suggestions('PCI_EJECT', ['eject', 'PCI_EJECT']), []);
  assert.equal(suggestions('PCI_EJEKT', ['pci-eject', 'PCI_EJECT'])[0], 'PCI_EJECT');
  assert.equal(suggestions('pci-ejekt', ['PCI_EJECT', 'pci-eject'])[0], 'pci-eject');
  // a letter left out beats a letter changed at the same distance: `msx` is `msix` without its i
  assert.deepEqual(suggestions('msx', ['none', 'msi', 'msix']), ['msix', 'msi']);
});

test('a BAR size that is not a power of two rounds up, in the unit it was written in', () => {
  const text = 'bus gpu0 { function 0 dump "devices/nvidia-tu102-gpu.lspci" select 02:00.0 bar 0 3000 bar 1 256M bar 3 30M bar 5 128 rom 512K }\nat 0 boot\n';
  const a = analyze(text, 'file:///x/x.vpci', (p) => readFileSync(`examples/${p}`, 'utf8'));
  const bars = a.lspDiagnostics.filter((d) => d.code === 'bar-size');
  assert.equal(bars.length, 2, JSON.stringify(a.lspDiagnostics));
  const titles = bars.map((d) => codeActions({ textDocument: { uri: 'u' }, range: d.range, context: { diagnostics: [d] } }, a).map((x) => x.title));
  assert.deepEqual(titles, [['Round up to 4K (BAR sizes are powers of two)'], ['Round up to 32M (BAR sizes are powers of two)']]);
});

/** Applies edits to `text` whose lines end at \n, \r\n or a lone \r (as LSP counts lines). */
function applyAnyEol(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  const offset = (p: { line: number; character: number }): number => (starts[p.line] ?? text.length) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)))
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

// A number is the whole token the lexer reads (0x/0b prefixes, `_` separators, K/M/G/T): a fix
// that edited only a run of decimal digits inside it turned 0x3000 into 0x4K (a smaller BAR),
// 3_000 into 3_1, 0b11 into 0b16 (no number at all) and `msi 0x3` into `msi 1x3`.
const GPU_VM = 'vm {\n  host hyperv-2019\n  guest linux\n}\n';
const gpuBar = (size: string): string =>
  `${GPU_VM}bus gpu0 {\n  function 0 dump "devices/nvidia-tu102-gpu.lspci" select 02:00.0 bar 0 ${size} bar 1 256M bar 3 32M bar 5 128 rom 512K\n}\nat 0 boot\n`;
for (const [size, rounded] of [
  ['0x3000', '16K'],
  ['3_000', '4K'],
  ['0b1_0000_0001', '512'],
  ['0x3_000', '16K'],
  ['3K', '4K'],
] as const) {
  test(`bar size ${size} rounds up to ${rounded}: the whole number is replaced and the diagnostic goes`, () => {
    const read = (p: string): string => readFileSync(`examples/${p}`, 'utf8');
    const text = gpuBar(size);
    const a = analyze(text, 'file:///x/x.vpci', read);
    const d = a.lspDiagnostics.find((x) => x.code === 'bar-size');
    assert.ok(d, JSON.stringify(a.lspDiagnostics));
    const actions = codeActions({ textDocument: { uri: 'u' }, range: d.range, context: { diagnostics: [d] } }, a);
    assert.deepEqual(
      actions.map((x) => x.title),
      [`Round up to ${rounded} (BAR sizes are powers of two)`],
    );
    const fixed = applyAnyEol(text, actions[0]!.edit!.changes!['u']!);
    assert.ok(fixed.includes(` bar 0 ${rounded} bar 1 `), fixed);
    const after = analyze(fixed, 'file:///x/x.vpci', read).lspDiagnostics;
    assert.deepEqual(
      after.filter((x) => x.severity === 1),
      [],
      fixed,
    );
  });
}

for (const [count, offered] of [
  ['0x3', [2, 4]],
  ['0b101', [4, 8]],
  ['1_2', [8, 16]],
  ['3 # msi 5', [2, 4]],
] as const) {
  test(`msi ${count}: the fixes replace the whole count with the vectors their titles name`, async () => {
    const text = `${GPU_VM}bus gpu0 { function 0 nvidia-tu102 }\nat 0 boot\nat 1ms driver gpu0 msi ${count}\n`;
    const { actions } = await fixes(text, 'msi-count');
    assert.deepEqual(
      actions.map((x) => x.title),
      offered.map((v) => `Enable ${v} MSI vectors`),
    );
    for (const [i, a] of actions.entries()) {
      const fixed = apply(text, Object.values(a.edit!.changes!)[0]!);
      assert.ok(fixed.includes(`driver gpu0 msi ${offered[i]!}${count.includes('#') ? ' #' : '\n'}`), fixed);
      const after = await diagnosticsOf(fixed);
      assert.deepEqual(
        after.filter((x) => x.code === 'msi-count' || x.severity === 1),
        [],
        fixed,
      );
    }
  });
}

// Lines end at a lone \r as well (the lexer and LSP count them so): the fixes read the lines the same way.
for (const [what, text, code] of [
  ['quirk-not-applicable', 'vm {\r  guest linux\r  quirk descriptor-stride off\r}\rbus gpu0 { function 0 nvidia-tu102 }\rat 0 boot\r', 'quirk-not-applicable'],
  ['msi-count', `${GPU_VM.replace(/\n/g, '\r')}bus gpu0 { function 0 nvidia-tu102 }\rat 0 boot\rat 1ms driver gpu0 msi 3\r`, 'msi-count'],
  ['eject-unsupported', 'vm {\r host openvmm\r}\rbus nic0 { function 0 intel-82599-vf }\rat 0 boot\rat 1ms eject nic0\r', 'eject-unsupported'],
  ['brace-on-next-line', 'bus nic0\r{\r  function 0 intel-82599-vf\r}\rat 0 boot\r', 'brace-on-next-line'],
] as const) {
  for (const eol of ['\r', '\r\n', '\n']) {
    test(`${what} in a file whose lines end with ${JSON.stringify(eol)}: the quick fix is offered and clears it`, async () => {
      const t = text.replace(/\r/g, eol);
      const { actions } = await fixes(t, code);
      assert.ok(actions.length >= 1, `${code}: no quick fix`);
      for (const a of actions) {
        const fixed = applyAnyEol(t, Object.values(a.edit!.changes!)[0]!);
        const after = await diagnosticsOf(fixed);
        assert.ok(!after.some((x) => x.code === code || x.severity === 1), `${a.title} → ${JSON.stringify(fixed)}: ${JSON.stringify(after)}`);
      }
    });
  }
}

test("no 'rescind' for an eject the timeline names the bus after: the rescinded bus is gone, and that event would be an error", async () => {
  const text = BASE.replace('host hyperv-2016', 'host openvmm')
    .replace('guest freebsd', 'guest linux')
    .replace('expect nic0 attached', 'at 5ms eject nic0\nat 6ms fault nic0 create-interrupt status 1');
  const { actions } = await fixes(text, 'eject-unsupported');
  assert.deepEqual(
    actions.filter((x) => /rescind/.test(x.title)),
    [],
  );
});

test("a newcomer's slips get their fix by what it does, and applying it leaves no error", async () => {
  const cases: [text: string, code: string, title: string, fixed: string][] = [
    ['vm {\n  host=hyperv-2016\n}\n', 'invalid-token', "Replace '=' with a space", 'vm {\n  host hyperv-2016\n}\n'],
    ['vm {\n  guest: linux\n}\n', 'invalid-token', "Remove ':'", 'vm {\n  guest linux\n}\n'],
    ['vm {\n  cpus 4;\n}\n', 'invalid-token', "Remove ';'", 'vm {\n  cpus 4\n}\n'],
    ['vm {\n  cpus\u00a04\n}\n', 'invalid-token', 'Replace U+00A0 with a space', 'vm {\n  cpus 4\n}\n'],
    ['vm {\n  host \u201chyperv-2016\u201d\n}\n', 'unexpected-token', "Change to 'hyperv-2016'", 'vm {\n  host hyperv-2016\n}\n'],
    ['vm {\n  host "hyperv-2016"\n}\n', 'unexpected-token', "Change to 'hyperv-2016'", 'vm {\n  host hyperv-2016\n}\n'],
    ['vm {\n  cpus 4 // four\n}\n', 'unexpected-token', "Change to '#'", 'vm {\n  cpus 4 # four\n}\n'],
    [`${BASE}at 5sec detach nic0\n`, 'invalid-number', "Change to '5s'", `${BASE}at 5s detach nic0\n`],
    [`${BASE}at 5 ms detach nic0\n`, 'missing-unit', "Change to '5ms'", `${BASE}at 5ms detach nic0\n`],
    [`${BASE}5ms detach nic0\n`, 'unexpected-token', "Change to 'at 5ms'", `${BASE}at 5ms detach nic0\n`],
    [`${BASE}expect No errors\n`, 'unknown-keyword', "Change to 'no'", `${BASE}expect no errors\n`],
    [
      `${BASE}at 3ms fault nic0 create-interrupt times 1 status 0xC000090B\n`,
      'unexpected-token',
      "Change to 'status 0xC000090B times 1'",
      `${BASE}at 3ms fault nic0 create-interrupt status 0xC000090B times 1\n`,
    ],
    [`${BASE}at 3ms rescind bus nic0\n`, 'unexpected-token', "Remove 'bus'", `${BASE}at 3ms rescind nic0\n`],
    [`${BASE}expect message create-interrupt on bus nic0\n`, 'unexpected-token', "Remove 'bus'", `${BASE}expect message create-interrupt on nic0\n`],
    [`${BASE}expect nic0 msix 3 vectors\n`, 'unexpected-token', "Remove 'vectors'", `${BASE}expect nic0 msix 3\n`],
    [`${BASE}expect nic0 is detached\n`, 'unexpected-token', "Remove 'is'", `${BASE}expect nic0 detached\n`],
    [`${BASE}expect nic0 is version 1.1\n`, 'unexpected-token', "Remove 'is'", `${BASE}expect nic0 version 1.1\n`],
    [`${BASE}at +5ms detach nic0\n`, 'invalid-token', "Change to '7ms'", `${BASE}at 7ms detach nic0\n`],
    [`${BASE}at + 5 ms detach nic0\n`, 'invalid-token', "Change to '7ms'", `${BASE}at 7ms detach nic0\n`],
    ['bus g { function 0 dump "x" bar 0 16MB }\n', 'invalid-number', "Change to '16M'", 'bus g { function 0 dump "x" bar 0 16M }\n'],
    ['bus nic0\n  function 0 intel-82599-vf\n}\nat 0 boot\n', 'missing-argument', "Insert '{'", 'bus nic0 {\n  function 0 intel-82599-vf\n}\nat 0 boot\n'],
    ['vm\n  cpus 2\n}\n', 'missing-argument', "Insert '{'", 'vm {\n  cpus 2\n}\n'],
    // A block with nothing below it to read (the next statement, or the end of the file): both braces.
    ['bus nic2\nat 0 boot\n', 'missing-argument', "Insert '{ }'", 'bus nic2 { }\nat 0 boot\n'],
    ['bus nic2 # a NIC\n\nexpect nic2 attached\n', 'missing-argument', "Insert '{ }'", 'bus nic2 { } # a NIC\n\nexpect nic2 attached\n'],
    ['vm', 'missing-argument', "Insert '{ }'", 'vm { }'],
    [
      'bus nic0 function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\n',
      'unexpected-token',
      "Insert '{'",
      'bus nic0 { function 0 intel-82599-vf\n  function 1 intel-82599-vf\n}\n',
    ],
    [`${BASE}expect nic0 attached after 1ms\n`, 'unexpected-token', "Remove 'after 1ms'", `${BASE}expect nic0 attached\n`],
    // A removal takes one run of spaces with the words: none left doubled, nor at the end of the line.
    [`${BASE}expect nic0 attached after 1ms # soon\n`, 'unexpected-token', "Remove 'after 1ms'", `${BASE}expect nic0 attached # soon\n`],
    [`${BASE}expect message bus-d0entry sent on nic0\n`, 'unexpected-token', "Remove 'sent'", `${BASE}expect message bus-d0entry on nic0\n`],
    [`${BASE}expect nic0 attached at 5ms\n`, 'unexpected-token', "Change to 'before 5ms'", `${BASE}expect nic0 attached before 5ms\n`],
    [`${BASE}expect nic0 attached before 0\n`, 'zero-deadline', "Remove 'before 0'", `${BASE}expect nic0 attached\n`],
    [`${BASE}expect message bus-d0entry before 0 on nic0\n`, 'zero-deadline', "Remove 'before 0'", `${BASE}expect message bus-d0entry on nic0\n`],
    [`${BASE}expect message bus-d0entry sent\n`, 'unexpected-token', "Remove 'sent'", `${BASE}expect message bus-d0entry\n`],
    [
      `${BASE}at 3ms raise nic0 vector 0\nexpect nic0 vector 0 delivered on cpu 0\n`,
      'unexpected-token',
      "Remove 'on'",
      `${BASE}at 3ms raise nic0 vector 0\nexpect nic0 vector 0 delivered cpu 0\n`,
    ],
    ['bus nic0 { function 0a.0 intel-82599-vf }\n', 'bad-slot', "Change to '10.0'", 'bus nic0 { function 10.0 intel-82599-vf }\n'],
  ];
  for (const [text, code, title, fixed] of cases) {
    const { uri, actions } = await fixes(text, code);
    const a = actions.find((x) => x.title === title);
    assert.ok(a, `${JSON.stringify(text)}: no '${title}' in ${JSON.stringify(actions.map((x) => x.title))}`);
    assert.equal(a.isPreferred, true);
    assert.equal(apply(text, a.edit!.changes![uri]!), fixed);
    const after = (await diagnosticsOf(fixed)).filter((x) => x.severity === 1 && x.code !== 'dump-missing' && x.code !== 'dump-no-folder');
    assert.deepEqual(after, [], JSON.stringify(fixed));
  }
});
