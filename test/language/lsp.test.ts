// Talks LSP to the bundled language server over stdio (a real client, not calls
// into its functions): diagnostics with exact ranges, completion, hover,
// definition/references, symbols, semantic tokens, folding and formatting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, CompletionList, DocumentSymbol, Hover, Location, SemanticTokens, FoldingRange, TextEdit } from 'vscode-languageserver-protocol';
import { startServer, open, type Lsp } from './client';
import { foreignTimes } from '../time-forms';
import { LEGEND } from '../../language/semantic';

const QUICKSTART = `# Two NICs on Windows Server 2016, FreeBSD guest
vm {
  host hyperv-2016
  guest freebsd
  cpus 4
  quirk short-packet-drop off
}

bus nic0 {
  function 0 intel-82599-vf serial 1
}
bus nic1 { function 0 mellanox-cx3-vf serial 2 }

at 0      boot
at 2ms    driver nic0 msix 3
at 3ms    raise nic0 vector 0
at 5ms    eject nic1
at 7ms    fault nic0 create-interrupt status 0xC000090B times 1
expect nic1 ejected before 65s
expect message PCI_EJECTION_COMPLETE on nic1 count 1 before 1s
`;

let lsp: Lsp;
let n = 0;
const uriFor = (name: string): string => `file:///virtual/${n++}-${name}`;

before(async () => {
  // As the extension starts it (extension/language-client.ts): VS Code's command reopens completion.
  lsp = await startServer(null, null, {}, [], { params: { initializationOptions: { retriggerCompletionCommand: 'editor.action.triggerSuggest' } } });
});
after(async () => {
  await lsp.close();
});

const pos = (text: string, needle: string, offset = 0, nth = 0): { line: number; character: number } => {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `'${needle}' not in text`);
  const before = text.slice(0, i + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
};

test('a correct scenario gets no diagnostics', async () => {
  const d = await open(lsp, uriFor('ok.vpci'), QUICKSTART);
  assert.deepEqual(
    d.diagnostics.filter((x) => x.severity === 1),
    [],
  );
});

test('an unknown device is reported at its exact range with a suggestion', async () => {
  const text = QUICKSTART.replace('mellanox-cx3-vf', 'mellanox-cx3-vfx');
  const d = await open(lsp, uriFor('baddev.vpci'), text);
  const e = d.diagnostics.find((x) => x.code === 'unknown-device');
  assert.ok(e, JSON.stringify(d.diagnostics));
  const start = pos(text, 'mellanox-cx3-vfx');
  assert.deepEqual(e.range, { start, end: { line: start.line, character: start.character + 'mellanox-cx3-vfx'.length } });
  assert.equal(e.severity, 1);
  assert.match(typeof e.message === 'string' ? e.message : e.message.value, /did you mean 'mellanox-cx3-vf'/);
});

test('syntax error and an event on an unknown bus: both ranges, parsing recovers', async () => {
  const text = QUICKSTART.replace('at 5ms    eject nic1', 'at 5ms    eject nic9').replace('  cpus 4', '  cpus four');
  const d = await open(lsp, uriFor('broken.vpci'), text);
  const bus = d.diagnostics.find((x) => x.code === 'unknown-bus');
  assert.ok(bus, JSON.stringify(d.diagnostics));
  const s = pos(text, 'nic9');
  assert.deepEqual(bus.range, { start: s, end: { line: s.line, character: s.character + 4 } });
  const cpus = d.diagnostics.find((x) => x.range.start.line === pos(text, 'four').line);
  assert.ok(cpus, 'the bad cpus value is reported');
  assert.deepEqual(cpus.range.start, pos(text, 'four'));
});

test('incremental edits re-diagnose each version: break then fix', async () => {
  const uri = uriFor('edit.vpci');
  await open(lsp, uri, QUICKSTART);
  const at = pos(QUICKSTART, 'hyperv-2016');
  const broken = lsp.diagnostics(uri, 2);
  await lsp.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 11 } }, text: 'hyperv-2061' }],
  });
  const d2 = await broken;
  const p = d2.diagnostics.find((x) => x.code === 'unknown-profile');
  assert.ok(p, JSON.stringify(d2.diagnostics));
  assert.deepEqual(p.range, { start: at, end: { line: at.line, character: at.character + 11 } });
  const fixed = lsp.diagnostics(uri, 3);
  await lsp.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 11 } }, text: 'hyperv-2016' }],
  });
  assert.deepEqual(
    (await fixed).diagnostics.filter((x) => x.severity === 1),
    [],
  );
});

async function completions(text: string, at: { line: number; character: number }): Promise<CompletionItem[]> {
  const uri = uriFor('c.vpci');
  await open(lsp, uri, text);
  const r = await lsp.conn.sendRequest<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: at });
  return Array.isArray(r) ? r : (r?.items ?? []);
}
const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);

test('completion after `at `: the times the events are at and one a millisecond on; a free slot after `plug B function `; the vectors after `raise B vector ` and `driver B msix `', async () => {
  const end = (t: string) => ({ line: t.split('\n').length - 1, character: t.split('\n').pop()!.length });
  const at = QUICKSTART + 'at ';
  const times = await completions(at, end(at));
  assert.deepEqual(labels(times), ['0', '2ms', '3ms', '5ms', '7ms', '8ms']);
  // Accepting one writes it with its space and asks for the events next.
  assert.equal(times[1]!.insertText, '2ms ');
  assert.equal(times[1]!.command?.command, 'editor.action.triggerSuggest');
  // The first event of a scenario: 0 (boot).
  const first = 'bus nic0 { function 0 intel-82599-vf }\nat ';
  assert.deepEqual(labels(await completions(first, end(first))), ['0']);
  // nic0 enabled 3 vectors (at 2ms driver nic0 msix 3), on its function at slot 0, written either way.
  for (const target of ['nic0', 'nic0/0', 'nic0/0.0']) {
    const raise = QUICKSTART + `at 8ms raise ${target} vector `;
    assert.deepEqual(labels(await completions(raise, end(raise))), ['0', '1', '2'], target);
  }
  // intel-82599-vf has 3 MSI-X vectors (emulator/pci/catalog.ts).
  const driver = QUICKSTART + 'at 8ms driver nic0 msix ';
  assert.deepEqual(labels(await completions(driver, end(driver))), ['1', '3']);
  // The count is the device's own MSI-X table size, as its config bytes give it: mellanox-cx3-pf's
  // dump stops at 64 bytes, before its capability (the real card's 128 are in the catalog's
  // summary), so the emulated function has no MSI-X to offer; intel-82599-pf has 64.
  for (const [dev, want] of [
    ['mellanox-cx3-pf', []],
    ['intel-82599-pf', ['1', '3', '64']],
  ] as const) {
    const t = QUICKSTART.replace('function 0 intel-82599-vf', `function 0 ${dev}`) + 'at 8ms driver nic0 msix ';
    assert.deepEqual(labels(await completions(t, end(t))), want, dev);
  }
  // `driver B `: the interrupt kinds the device has, and none (intel-82599-vf has MSI-X and no MSI; nvidia-tu102 one MSI vector
  // and no MSI-X: emulator/scenario/context.ts catalogInterrupts); `driver B msi `: the powers of two up to its MSI vectors.
  const gpu = QUICKSTART.replace('function 0 mellanox-cx3-vf', 'function 0 nvidia-tu102');
  const drv = async (tail: string): Promise<string[]> => labels(await completions(gpu + tail, end(gpu + tail)));
  assert.deepEqual(await drv('at 8ms driver nic0 '), ['msix', 'none']);
  assert.deepEqual(await drv('at 8ms driver nic1/0 '), ['msi', 'none']);
  assert.deepEqual(await drv('at 8ms driver nic1 msi '), ['1']);
  assert.deepEqual(await drv('at 8ms driver nic0 msi '), []);
  // `expect B msix `: the entries the guest programs (nic0's driver event enabled 3; nic1 has none);
  // `expect B vector `: the vectors raised on it (nic0 raises 0 at 3ms, nic1 none).
  const expected = async (tail: string): Promise<string[]> => labels(await completions(QUICKSTART + tail, end(QUICKSTART + tail)));
  assert.deepEqual(await expected('expect nic0 msix '), ['3']);
  assert.deepEqual(await expected('expect nic0/0.0 msix '), ['3']);
  assert.deepEqual(await expected('expect nic1 msix '), ['0']);
  assert.deepEqual(await expected('at 8ms driver nic1 msix 99\nexpect nic1 msix '), ['24']); // mellanox-cx3-vf has 24
  assert.deepEqual(await expected('at 8ms raise nic0 vector 2\nat 9ms raise nic0 vector 0\nexpect nic0 vector '), ['0', '2']);
  assert.deepEqual(await expected('expect nic1 vector '), []);
  // `delivered cpu `: the VM's CPUs (QUICKSTART's 4; 2 once it says so)
  assert.deepEqual(await expected('expect nic0 vector 0 delivered cpu '), ['0', '1', '2', '3']);
  const two = QUICKSTART.replace('cpus 4', 'cpus 2') + 'expect nic0/0 vector 0 delivered cpu ';
  assert.deepEqual(labels(await completions(two, end(two))), ['0', '1']);
  // A vm line with a syntax error sets what is not known, not the default (the checker takes none either): no CPUs
  // are offered for 'cpus 8x' (not the default 4's), and for a 'host' line without its profile every version, not those of the
  // default host with the guest.
  const brokenCpus = QUICKSTART.replace('cpus 4', 'cpus 8x') + 'expect nic0 vector 0 delivered cpu ';
  assert.deepEqual(labels(await completions(brokenCpus, end(brokenCpus))), []);
  const brokenHost = QUICKSTART.replace('host hyperv-2016', 'host').replace('guest freebsd', 'guest linux') + 'expect nic0 version ';
  const offered = labels(await completions(brokenHost, end(brokenHost)));
  assert.deepEqual(offered, ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6']);
  // a catalog device without MSI-X (mellanox-cx3-pf's config bytes stop before its capability): 0, whatever the driver asks
  const noMsix = QUICKSTART.replace('function 0 mellanox-cx3-vf', 'function 0 mellanox-cx3-pf') + 'at 8ms driver nic1 msix 4\nexpect nic1 msix ';
  assert.deepEqual(labels(await completions(noMsix, end(noMsix))), ['0']);
  // `before `: a deadline, strict: the times events are at but 0 (the zero-deadline warning), and a millisecond after the last.
  assert.deepEqual(await expected('expect nic0 attached before '), ['2ms', '3ms', '5ms', '7ms', '8ms']);
  assert.deepEqual(await expected('expect message bus-d0entry on nic0 before '), ['2ms', '3ms', '5ms', '7ms', '8ms']);
  assert.deepEqual(await expected('expect no message eject before '), ['2ms', '3ms', '5ms', '7ms', '8ms']);
  const deadline = await completions(QUICKSTART + 'expect nic0 attached before ', end(QUICKSTART + 'expect nic0 attached before '));
  assert.deepEqual(
    [deadline[0]!.detail, deadline.at(-1)!.detail],
    ['deadline 2 ms: strictly before the events at it', 'deadline a millisecond after the last event'],
  );
  const plug = QUICKSTART + 'at 8ms plug nic0 function ';
  const slots = labels(await completions(plug, end(plug)));
  assert.equal(slots.length, 31);
  assert.ok(!slots.includes('0') && slots[0] === '1' && slots.at(-1) === '31', slots.join(','));
});

test('completion: devices after `function N`, vendor/device in a detail short enough to leave the name whole, BARs and interrupts in the documentation', async () => {
  const text = QUICKSTART.replace('  function 0 intel-82599-vf serial 1', '  function 1 ');
  const items = await completions(text, pos(text, '  function 1 ', '  function 1 '.length));
  const dev = items.find((i) => i.label === 'intel-82599-vf');
  assert.ok(dev, labels(items).join(','));
  assert.equal(dev.detail, '[8086:10ed] SR-IOV VF');
  const doc = typeof dev.documentation === 'string' ? dev.documentation : (dev.documentation?.value ?? '');
  assert.match(doc, /BAR0 16K, BAR3 16K/);
  assert.match(doc, /MSI-X 3/);
  for (const i of items) if (i.kind === dev.kind) assert.ok((i.detail ?? '').length <= 24, `${i.label}: ${i.detail}`);
  assert.ok(labels(items).includes('dump'));
  assert.ok(!labels(items).includes('boot'));
});

test('completion: host profiles with versions, guest models, quirks, keywords in a vm block', async () => {
  const h = await completions('vm {\n  host \n}\n', { line: 1, character: 7 });
  const p = h.find((i) => i.label === 'hyperv-2022');
  assert.ok(p, labels(h).join(','));
  assert.match(p.detail ?? '', /1\.4/);
  const g = await completions('vm {\n  guest \n}\n', { line: 1, character: 8 });
  assert.ok(labels(g).includes('freebsd') && labels(g).includes('linux'));
  const q = await completions('vm {\n  quirk \n}\n', { line: 1, character: 8 });
  assert.ok(labels(q).includes('short-packet-drop'));
  const k = await completions('vm {\n  \n}\n', { line: 1, character: 2 });
  assert.deepEqual(labels(k).sort(), ['cpus', 'guest', 'host', 'mmio', 'quirk']);
});

test('completion: bus names after an event, messages and statuses in a fault', async () => {
  const base = QUICKSTART + 'at 9ms    fault ';
  const b = await completions(base, pos(base, 'at 9ms    fault ', 'at 9ms    fault '.length));
  assert.deepEqual(labels(b).sort(), ['nic0', 'nic1']);
  const m = base + 'nic0 ';
  const mi = await completions(m, pos(m, 'fault nic0 ', 11, 1));
  assert.ok(labels(mi).includes('create-interrupt2') && labels(mi).includes('PCI_CREATE_INTERRUPT_MESSAGE2'));
  const s = m + 'create-interrupt status ';
  const si = await completions(s, { line: s.split('\n').length - 1, character: s.split('\n').pop()!.length });
  assert.ok(labels(si).includes('STATUS_BAD_DATA'));
});

async function hover(text: string, at: { line: number; character: number }): Promise<string> {
  const uri = uriFor('h.vpci');
  await open(lsp, uri, text);
  const h = await lsp.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at });
  if (!h) return '';
  return typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : JSON.stringify(h.contents);
}

test('hover: device identity, profile versions, quirk source, message layout', async () => {
  const dev = await hover(QUICKSTART, pos(QUICKSTART, 'intel-82599-vf', 3));
  assert.match(dev, /`8086:10ed`/);
  assert.match(dev, /BAR0 16K, BAR3 16K/);
  assert.match(dev, /MSI-X 3/);
  assert.match(await hover(QUICKSTART, pos(QUICKSTART, 'hyperv-2016', 2)), /1\.1/);
  assert.match(await hover(QUICKSTART, pos(QUICKSTART, 'short-packet-drop', 2)), /Source: .*freebsd|Source: .*linux/i);
  const m = await hover(QUICKSTART, pos(QUICKSTART, 'create-interrupt', 4));
  assert.match(m, /PCI_CREATE_INTERRUPT_MESSAGE/);
  assert.match(m, /win_slot @4/);
  assert.equal(await hover(QUICKSTART, pos(QUICKSTART, 'Two NICs')), '');
  const commented = QUICKSTART + '# see PCI_EJECTION_COMPLETE\n';
  assert.equal(await hover(commented, pos(commented, 'PCI_EJECTION_COMPLETE', 2, 1)), '');
  const vmOneLine = 'vm { cpus 2 }\n';
  const u = uriFor('vm1.vpci');
  await open(lsp, u, vmOneLine);
  const syms = await lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
  assert.deepEqual(
    syms.map((x) => x.name),
    ['vm'],
  );
});

test('warnings: no common protocol version (naming the versions), timeline order; duplicate bus is an error', async () => {
  const text =
    'vm {\n  host openvmm\n  guest freebsd-2016\n}\nbus a { function 0 intel-82599-vf }\nbus a { function 0 intel-82599-vf }\nat 5ms boot\nat 2ms boot\n';
  const d = await open(lsp, uriFor('warn.vpci'), text);
  const v = d.diagnostics.find((x) => x.code === 'no-common-version');
  assert.ok(v, JSON.stringify(d.diagnostics));
  assert.equal(v.severity, 2);
  assert.deepEqual(v.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 14 } });
  assert.match(typeof v.message === 'string' ? v.message : v.message.value, /1\.1/);
  const o = d.diagnostics.find((x) => x.code === 'timeline-order');
  assert.equal(o?.severity, 2);
  assert.equal(o?.range.start.line, 7);
  const dup = d.diagnostics.find((x) => x.code === 'duplicate-bus');
  assert.equal(dup?.severity, 1);
  assert.deepEqual(dup?.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 5 } });
});

test('completion: expectation forms, states, outcomes, message options', async () => {
  const t1 = QUICKSTART + 'expect nic0 ';
  const last = (t: string) => ({ line: t.split('\n').length - 1, character: t.split('\n').pop()!.length });
  const a = labels(await completions(t1, last(t1)));
  assert.ok(
    ['attached', 'ejected', 'version', 'msix', 'vector'].every((w) => a.includes(w)),
    a.join(','),
  );
  const t2 = QUICKSTART + 'expect nic0 vector 0 ';
  assert.deepEqual(labels(await completions(t2, last(t2))).sort(), ['delivered', 'undeliverable']);
  const t3 = QUICKSTART + 'expect ';
  const c = labels(await completions(t3, last(t3)));
  assert.ok(c.includes('nic0') && c.includes('message') && c.includes('no'));
  const t4 = QUICKSTART + 'expect no ';
  assert.deepEqual(labels(await completions(t4, last(t4))).sort(), ['errors', 'message']);
  const t5 = QUICKSTART + '# a comment ';
  assert.deepEqual(await completions(t5, last(t5)), []);
  const t7 =
    QUICKSTART.replace('  function 0 intel-82599-vf serial 1', '  function 0 intel-82599-vf serial 1\n  function 1.2 intel-82599-vf') + 'at 9ms raise nic0/';
  assert.deepEqual(labels(await completions(t7, last(t7))).sort(), ['0.0', '1.2']);
  const t6 = 'at 1ms ';
  const ev = labels(await completions(t6, last(t6)));
  assert.ok(['boot', 'driver', 'raise', 'eject', 'offer', 'rescind', 'detach', 'vanish', 'fault'].every((w) => ev.includes(w)));
});

test('completion offers only what is valid there: the forms a slot takes, times after every fault action, no vm settings outside vm', async () => {
  const end = (t: string) => ({ line: t.split('\n').length - 1, character: t.split('\n').pop()!.length });
  const slot = QUICKSTART + 'expect nic0/1.0 ';
  assert.deepEqual(labels(await completions(slot, end(slot))).sort(), ['msix', 'vector']);
  // Each completed form does check without unexpected-slot; a bus-level one with a slot does not.
  const forms = QUICKSTART + 'expect nic0/0 msix 3\nexpect nic0/0 vector 0 delivered\n';
  assert.deepEqual(
    (await open(lsp, uriFor('slot-forms.vpci'), forms)).diagnostics.filter((x) => x.code === 'unexpected-slot'),
    [],
  );
  for (const action of ['no-reply', 'vanish', 'status bad-data', 'delay 1ms', 'truncate 4', 'flip 2 0x10']) {
    const t = QUICKSTART + `at 9ms fault nic0 create-interrupt ${action} `;
    assert.deepEqual(labels(await completions(t, end(t))), ['times'], action);
  }
  for (const partial of ['flip 2 ', 'delay ', 'no-reply times ', 'vanish times 2 ']) {
    const t = QUICKSTART + `at 9ms fault nic0 create-interrupt ${partial}`;
    assert.ok(!labels(await completions(t, end(t))).includes('times'), partial);
  }
  for (const top of ['host ', 'guest ', 'quirk ', 'quirk short-packet-drop ']) {
    const t = QUICKSTART + top;
    assert.deepEqual(labels(await completions(t, end(t))), [], top);
  }
});

test('every completion item carries the edit that replaces the word at the cursor, in UTF-16 units, whatever the client takes for a word', async () => {
  /** The line after accepting `label` at the end of `text`'s last line (or at `at`), by the item's own edit. */
  const accept = async (text: string, label: string, at?: { line: number; character: number }, server: Lsp = lsp): Promise<string> => {
    const lines = text.split('\n');
    const position = at ?? { line: lines.length - 1, character: lines[lines.length - 1]!.length };
    const uri = uriFor('edit.vpci');
    await open(server, uri, text);
    const r = await server.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
    assert.ok(r.length);
    for (const i of r) assert.ok(i.textEdit, `${i.label} has no textEdit`);
    const item = r.find((i) => i.label === label);
    assert.ok(item, `${label} not in ${labels(r).join(',')}`);
    const edit = item.textEdit!;
    const range = 'range' in edit ? edit.range : edit.replace;
    assert.equal(range.start.line, position.line);
    const src = lines[position.line]!;
    return src.slice(0, range.start.character) + edit.newText + src.slice(range.end.character);
  };
  assert.equal(await accept(QUICKSTART + 'bus nic2 { function 0 intel-', 'intel-82599-vf'), 'bus nic2 { function 0 intel-82599-vf');
  const two = QUICKSTART.replace('  function 0 intel-82599-vf serial 1', '  function 0 intel-82599-vf serial 1\n  function 1 intel-82599-vf');
  assert.equal(await accept(two + 'at 9ms driver nic0/1.', '1.0'), 'at 9ms driver nic0/1.0');
  assert.equal(await accept(QUICKSTART + 'at 9ms fault nic0 create-interrupt st', 'status'), 'at 9ms fault nic0 create-interrupt status');
  assert.equal(
    await accept(QUICKSTART + 'at 9ms fault nic0 PCI_CREATE_INT', 'PCI_CREATE_INTERRUPT_MESSAGE2'),
    'at 9ms fault nic0 PCI_CREATE_INTERRUPT_MESSAGE2',
  );
  // Characters outside the BMP before the word are two UTF-16 units each, as LSP counts them.
  assert.equal(await accept(QUICKSTART + 'bus nic2 { function 0 dump "😀é.lspci" ser', 'serial'), 'bus nic2 { function 0 dump "😀é.lspci" serial');
  // In the middle of a word: the whole word is replaced.
  const mid = QUICKSTART + 'bus nic2 { function 0 intel-82599 }';
  const lastLine = mid.split('\n').length - 1;
  assert.equal(
    await accept(mid, 'intel-82599-vf', { line: lastLine, character: 'bus nic2 { function 0 intel-'.length }),
    'bus nic2 { function 0 intel-82599-vf }',
  );
  // A client that takes an InsertReplaceEdit gets one: insert up to the cursor, or replace the word.
  const own = await startServer(null, null, { completion: { completionItem: { insertReplaceSupport: true } } });
  try {
    const uri = uriFor('ir.vpci');
    await open(own, uri, mid);
    const r = await own.conn.sendRequest<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri },
      position: { line: lastLine, character: 'bus nic2 { function 0 intel-'.length },
    });
    const edit = r.find((i) => i.label === 'intel-82599-vf')!.textEdit!;
    assert.ok('insert' in edit);
    assert.deepEqual(
      [edit.insert.start.character, edit.insert.end.character, edit.replace.end.character],
      ['bus nic2 { function 0 '.length, 'bus nic2 { function 0 intel-'.length, 'bus nic2 { function 0 intel-82599'.length],
    );
  } finally {
    await own.close();
  }
});

test('a completion that has more to follow carries the command the client named, and none for a client that named none (Neovim, Helix would send it back as workspace/executeCommand)', async () => {
  const text = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat ';
  const at = { line: 2, character: 3 };
  for (const [options, command] of [
    [undefined, undefined],
    [{ retriggerCompletionCommand: 'editor.action.triggerSuggest' }, 'editor.action.triggerSuggest'],
    [{ retriggerCompletionCommand: 'my.complete' }, 'my.complete'],
    [{ retriggerCompletionCommand: 7 }, undefined],
  ] as const) {
    const own = await startServer(null, null, {}, [], { params: options ? { initializationOptions: options } : {} });
    try {
      const uri = uriFor('retrigger.vpci');
      await open(own, uri, text);
      const r = await own.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: at });
      assert.deepEqual(
        r.map((i) => [i.label, i.command?.command]),
        [
          ['0', command],
          ['1ms', command],
        ],
        JSON.stringify(options),
      );
      assert.deepEqual(own.capabilities.executeCommandProvider, undefined);
    } finally {
      await own.close();
    }
  }
});

test('a client that takes plain text alone (hover.contentFormat, documentationFormat) gets hovers and completion documentation as plain text; one that takes Markdown gets Markdown; one that names no format gets plain strings', async () => {
  const text = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\n';
  const markdownSeen = /\*\*|`|\|---|^\|/m;
  for (const formats of [['plaintext'], ['markdown', 'plaintext'], undefined]) {
    const md = formats?.includes('markdown') === true;
    const own = await startServer(null, null, { hover: { contentFormat: formats }, completion: { completionItem: { documentationFormat: formats } } });
    try {
      const uri = uriFor('plain.vpci');
      await open(own, uri, text);
      // The device (a table of its facts) and a keyword.
      for (const character of [25, 2]) {
        const h = await own.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character } });
        // Naming no format, a client may not know MarkupContent (LSP 3.0): a MarkedString, the plain text as it is.
        if (!formats) {
          assert.equal(typeof h.contents, 'string', JSON.stringify(h.contents));
          assert.doesNotMatch(h.contents as string, markdownSeen);
          continue;
        }
        const c = h.contents as { kind: string; value: string };
        assert.equal(c.kind, md ? 'markdown' : 'plaintext', `${formats.join()} ${character}`);
        assert.equal(markdownSeen.test(c.value), md, c.value);
      }
      const h = await own.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 25 } });
      const plain = typeof h.contents === 'string' ? h.contents : (h.contents as { value: string }).value;
      if (!md) assert.match(plain, /^intel-82599-vf — .*\n\nVendor:Device: 8086:10ed /);
      const items = await own.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 23 } });
      if (!formats) {
        const strings = items.filter((i) => i.documentation !== undefined);
        assert.ok(strings.length > 3);
        for (const i of strings) assert.equal(typeof i.documentation, 'string', JSON.stringify(i));
        for (const i of strings) assert.doesNotMatch(i.documentation as string, markdownSeen);
        continue;
      }
      const docs = items.map((i) => i.documentation as { kind: string; value: string } | undefined).filter((d) => d !== undefined);
      assert.ok(docs.length > 3);
      for (const d of docs) assert.equal(d.kind, md ? 'markdown' : 'plaintext');
      if (!md) for (const d of docs) assert.doesNotMatch(d.value, markdownSeen);
    } finally {
      await own.close();
    }
  }
});

test('the fault snippet checks clean with every host and guest the vm snippet offers', async () => {
  const own = await startServer(null, null, { completion: { completionItem: { snippetSupport: true } } });
  try {
    const uri = uriFor('snippets.vpci');
    await open(own, uri, '\n');
    const r = await own.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } });
    const body = (label: string): string => r.find((i) => i.label === label)!.insertText!;
    const defaults = (b: string): string => b.replace(/\$\{\d+:([^}]*)\}/g, '$1');
    const vm = body('vm block');
    const choices = [...vm.matchAll(/\$\{\d+\|([^|]*)\|\}/g)].map((m) => m[1]!.split(','));
    assert.equal(choices.length, 2);
    let k = 0;
    for (const host of choices[0]!)
      for (const guest of choices[1]!) {
        let c = 0;
        const v = defaults(vm.replace(/\$\{\d+\|[^}]*\}/g, () => (c++ === 0 ? host : guest)));
        const text = v + defaults(body('bus block')) + defaults(body('boot')) + defaults(body('fault'));
        const d = await open(own, uriFor(`snip-${k++}.vpci`), text);
        assert.deepEqual(
          d.diagnostics.filter((x) => x.code === 'fault-never-matches' || x.severity === 1).map((x) => x.message),
          [],
          `${host} + ${guest}`,
        );
      }
  } finally {
    await own.close();
  }
});

test('completion in a block longer than the lines it reads back still knows the block', async () => {
  const fns = Array.from({ length: 6000 }, (_, i) => `  function ${i % 32}.${i % 8} intel-82599-vf serial ${i}`).join('\n');
  const text = `bus big {\n${fns}\n  \n}\nvm {\n${'  cpus 4\n'.repeat(6000)}  \n}\n\n`;
  const lines = text.split('\n');
  const inBus = lines.indexOf('  ');
  const inVm = lines.lastIndexOf('  ');
  const top = lines.length - 1;
  const uri = uriFor('long-block.vpci');
  await open(lsp, uri, text);
  const at = async (line: number): Promise<string[]> =>
    labels(
      await lsp.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line, character: lines[line]!.length } }),
    ).sort();
  assert.deepEqual(await at(inBus), ['function', 'instance']);
  assert.deepEqual(await at(inVm), ['cpus', 'guest', 'host', 'mmio', 'quirk']);
  assert.deepEqual(await at(top), ['at', 'bus', 'expect', 'vm']);
});

test('hover: status names, guest models with offered versions, bus declarations', async () => {
  const text = QUICKSTART.replace('status 0xC000090B', 'status STATUS_BAD_DATA');
  assert.match(await hover(text, pos(text, 'STATUS_BAD_DATA', 3)), /0xC000090B/);
  assert.match(await hover(QUICKSTART, pos(QUICKSTART, 'freebsd', 1)), /1\.4, 1\.1/);
  assert.match(await hover(QUICKSTART, pos(QUICKSTART, 'eject nic1', 7)), /declared on line 12; 3 references/);
});

test('hover: every message name and status the checker accepts is described, never called unknown', async () => {
  const vm = 'vm {\n  host hyperv-2022\n  guest linux\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\n';
  const lines = [
    'at 1ms fault nic0 CREATE_INTERRUPT3 status BAD_DATA',
    'at 1ms fault nic0 0x4249001B status STATUS_BAD_DATA',
    'at 1ms fault nic0 pci_create_interrupt_message3 status bad-data',
    'at 1ms fault nic0 create-interrupt3 status 0xC000090B',
    'at 1ms fault nic0/0 Create_Interrupt3 status 3221227787',
    'expect message FDO_D0_ENTRY on nic0',
    'expect no message PCI_BUS_D0ENTRY',
  ];
  const text = vm + lines.join('\n') + '\n';
  const d = await open(lsp, uriFor('names.vpci'), text);
  assert.deepEqual(
    d.diagnostics.filter((x) => x.code === 'unknown-message' || x.code === 'unknown-status'),
    [],
    'the checker accepts them all',
  );
  const at = (line: number, word: string): { line: number; character: number } => ({ line: 6 + line, character: lines[line]!.indexOf(word) + 1 });
  for (const [line, word, expected] of [
    [0, 'CREATE_INTERRUPT3', /\*\*PCI_CREATE_INTERRUPT_MESSAGE3\*\* `0x4249001B`/],
    [1, '0x4249001B', /\*\*PCI_CREATE_INTERRUPT_MESSAGE3\*\*/],
    [2, 'pci_create_interrupt_message3', /\*\*PCI_CREATE_INTERRUPT_MESSAGE3\*\*/],
    [4, 'Create_Interrupt3', /\*\*PCI_CREATE_INTERRUPT_MESSAGE3\*\*/],
    [5, 'FDO_D0_ENTRY', /\*\*PCI_BUS_D0ENTRY\*\*/],
    [6, 'PCI_BUS_D0ENTRY', /\*\*PCI_BUS_D0ENTRY\*\*/],
    [0, 'BAD_DATA', /\*\*STATUS_BAD_DATA\*\* `0xC000090B`/],
    [1, 'STATUS_BAD_DATA', /\*\*STATUS_BAD_DATA\*\* `0xC000090B`/],
    [2, 'bad-data', /\*\*STATUS_BAD_DATA\*\* `0xC000090B`/],
    [3, '0xC000090B', /\*\*STATUS_BAD_DATA\*\* `0xC000090B`/],
    [4, '3221227787', /\*\*STATUS_BAD_DATA\*\* `0xC000090B`/],
  ] as const) {
    const h = await hover(text, at(line, word));
    assert.match(h, expected, `${word}: ${h}`);
  }
});

test('hover on a word with several roles describes the role it has where it stands', async () => {
  const text =
    QUICKSTART +
    [
      'at 8ms fault nic0 create-interrupt vanish times 1',
      'at 9ms vanish nic1',
      'expect nic0 vector 0 delivered',
      'expect nic0 msix 3',
      'expect message PCI_EJECTION_COMPLETE on nic1',
      'vm { quirk short-packet-drop on }',
    ].join('\n') +
    '\n';
  const only = async (needle: string, offset: number, nth: number, role: RegExp, not: RegExp): Promise<void> => {
    const h = await hover(text, pos(text, needle, offset, nth));
    assert.match(h, role, `${needle}: ${h}`);
    assert.doesNotMatch(h, not, `${needle}: ${h}`);
    assert.doesNotMatch(h, /---/, `${needle}: one role only: ${h}`);
  };
  await only('vector 0', 1, 0, /raise target vector N[\s\S]*signals interrupt vector N/, /delivered/);
  await only('vector 0', 1, 1, /\(expectation\)[\s\S]*delivered/, /raise/);
  await only('vanish times', 1, 0, /\(fault action\)/, /\(event\)/);
  await only('vanish nic1', 1, 0, /\(event\)/, /\(fault action\)/);
  await only('msix 3', 1, 0, /driver target/, /expectation/);
  await only('msix 3', 1, 1, /\(expectation\)/, /driver target/);
  await only('on nic1', 0, 1, /message message on NAME/, /quirk/);
  await only(' on }', 1, 0, /quirk NAME on/, /message/);
  await only('before 65s', 1, 0, /STATE before DURATION/, /message before/);
  await only('before 1s', 1, 0, /message before DURATION/, /STATE before/);
});

test('hover and completion show how a word is written without the grammar notation: a repetition is not a literal block', async () => {
  const text = `${QUICKSTART}expect message PCI_EJECTION_COMPLETE on nic1\n`;
  // `'vm' '{' { vm-item } '}'` once read `vm { { vm-item } }`: the inner braces are a repetition, not a second block.
  assert.equal(
    await hover(text, pos(text, 'vm {')),
    '**vm** (statement)\n\n`vm { [vm-item …] }`\n\nthe VM: host profile, guest model, CPUs, MMIO ranges and quirk switches.',
  );
  assert.match(await hover(text, pos(text, 'bus nic0')), /^\*\*bus\*\* \(statement\)\n\n`bus NAME \{ \[bus-item …\] \}`/);
  assert.match(await hover(text, pos(text, 'function 0', 0, 1)), /`function SLOT source \[option …\]`/);
  assert.match(
    await hover(text, pos(text, 'message PCI_EJECTION_COMPLETE', 0, 1)),
    /`expect \[no\] message message \[on NAME \| count N \| before DURATION …\]`/,
  );
  const uri = uriFor('syntax.vpci');
  await open(lsp, uri, 'bus nic0 {\n  \n}\n');
  const items = await lsp.conn.sendRequest<CompletionItem[] | CompletionList>('textDocument/completion', {
    textDocument: { uri },
    position: { line: 1, character: 2 },
  });
  const list = Array.isArray(items) ? items : items.items;
  assert.equal(list.find((i) => i.label === 'function')?.detail, 'function SLOT source [option …]');
});

test('virtual time as the debugger writes it: duration hovers, outline, diagnostics', async () => {
  const text = QUICKSTART + 'at 5007100ns detach nic0\nat 1500us boot\n';
  assert.match(await hover(text, pos(text, '2ms', 1)), /^`2ms` — \*\*2 ms\*\* of virtual time$/);
  assert.match(await hover(text, pos(text, '65s', 1)), /\*\*65 s\*\*/);
  assert.match(await hover(text, pos(text, '5007100ns', 2)), /\*\*5\.007 100 ms\*\*/);
  assert.match(await hover(text, pos(text, '1500us', 0)), /\*\*1\.500 ms\*\*/);
  const uri = uriFor('time.vpci');
  const d = await open(lsp, uri, text);
  const order = d.diagnostics.filter((x) => x.code === 'timeline-order').map((x) => messageText(x.message).split(';')[0]);
  assert.deepEqual(order, ['event at 5.007 100 ms comes after one at 7 ms', 'event at 1.500 ms comes after one at 7 ms']);
  const syms = await lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const names = syms.map((x) => x.name);
  assert.ok(names.includes('at 5.007 100 ms detach') && names.includes('at 0 ns boot'), names.join(', '));
  for (const n of names) assert.deepEqual(foreignTimes(n), [], n);
  for (const x of d.diagnostics) assert.deepEqual(foreignTimes(messageText(x.message)), [], messageText(x.message));
});

test('a very large scenario: the outline lists its first 5,000 symbols and says how many follow', async () => {
  /** A vm block (3 symbols), one bus (2) and `events` timeline lines, each at a later time. */
  const big = (events: number): string => {
    const out = ['vm {', '  host hyperv-2016', '  guest freebsd', '}', 'bus nic0 { function 0 intel-82599-vf serial 1 }'];
    for (let i = 0; i < events; i++) out.push(`at ${i + 1}us raise nic0 vector 0`);
    return out.join('\n') + '\n';
  };
  const symbols = async (text: string): Promise<DocumentSymbol[]> => {
    const uri = uriFor('big.vpci');
    await open(lsp, uri, text);
    return lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  };
  const count = (syms: DocumentSymbol[]): number => syms.reduce((n, s) => n + 1 + (s.children?.length ?? 0), 0);
  // Exactly at the limit: everything, nothing added.
  const whole = await symbols(big(4995));
  assert.equal(count(whole), 5000);
  assert.equal(whole.at(-1)!.name, 'at 4.995 ms raise');
  // Over it: the first 4,999 in the text, then one entry for the rest, whose range covers them.
  const text = big(6000);
  const syms = await symbols(text);
  assert.equal(count(syms), 5000);
  assert.deepEqual(
    syms.slice(0, 3).map((s) => s.name),
    ['vm', 'nic0', 'at 1 µs raise'],
  );
  assert.equal(syms.at(-2)!.name, 'at 4.994 ms raise');
  assert.equal(syms.at(-2)!.range.start.line, 4998);
  const more = syms.at(-1)!;
  assert.equal(more.name, '… 1,006 more');
  assert.equal(more.detail, 'not listed: an outline lists at most 5,000 symbols, and this scenario has 6,005');
  const lastLine = text.split('\n').at(-2)!;
  assert.deepEqual(more.range, { start: { line: 4999, character: 0 }, end: { line: 6004, character: lastLine.length } });
  assert.deepEqual(more.selectionRange, { start: { line: 4999, character: 0 }, end: { line: 4999, character: 'at 4995us raise nic0 vector 0'.length } });
  assert.equal(text.split('\n')[4999], 'at 4995us raise nic0 vector 0');
});

test("folding ranges: a client's rangeLimit is kept, with the first ranges in the text", async () => {
  // 30 bus blocks over three lines each: 30 ranges.
  const lines = ['vm {', '  host hyperv-2016', '  guest freebsd', '}'];
  for (let i = 0; i < 30; i++) lines.push(`bus nic${i} {`, `  function 0 intel-82599-vf serial ${i + 1}`, '}');
  const text = lines.join('\n') + '\n';
  const ranges = async (server: Lsp): Promise<FoldingRange[]> => {
    const uri = uriFor('folds.vpci');
    await open(server, uri, text);
    return server.conn.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  };
  assert.equal((await ranges(lsp)).length, 31); // the vm block and every bus
  const limited = await startServer(null, null, { foldingRange: { rangeLimit: 10, lineFoldingOnly: true } });
  try {
    const f = await ranges(limited);
    assert.deepEqual(
      f.map((r) => [r.startLine, r.endLine]),
      [[0, 2], ...Array.from({ length: 9 }, (_, i) => [4 + 3 * i, 4 + 3 * i + 1])],
    );
  } finally {
    await limited.close();
  }
});

test('definition and references of a bus name', async () => {
  const uri = uriFor('d.vpci');
  await open(lsp, uri, QUICKSTART);
  const decl = pos(QUICKSTART, 'nic1 {');
  const use = pos(QUICKSTART, 'eject nic1', 7);
  const defs = await lsp.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri }, position: use });
  assert.deepEqual(defs, [{ uri, range: { start: decl, end: { line: decl.line, character: decl.character + 4 } } }]);
  const refs = await lsp.conn.sendRequest<Location[]>('textDocument/references', {
    textDocument: { uri },
    position: decl,
    context: { includeDeclaration: true },
  });
  assert.deepEqual(
    refs.map((r) => r.range.start.line),
    [decl.line, pos(QUICKSTART, 'eject nic1').line, pos(QUICKSTART, 'expect nic1').line, pos(QUICKSTART, 'on nic1').line],
  );
});

test('definition and references of a function (bus/slot, and a bare bus meaning slot 0.0)', async () => {
  const uri = uriFor('fn.vpci');
  const text = QUICKSTART + 'expect nic0/0.0 msix 3\n';
  await open(lsp, uri, text);
  const decl = pos(text, '0 intel-82599-vf');
  const use = pos(text, 'nic0/0.0', 6);
  const defs = await lsp.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri }, position: use });
  assert.deepEqual(defs, [{ uri, range: { start: decl, end: { line: decl.line, character: decl.character + 1 } } }]);
  const refs = await lsp.conn.sendRequest<Location[]>('textDocument/references', {
    textDocument: { uri },
    position: decl,
    context: { includeDeclaration: false },
  });
  assert.deepEqual(
    refs.map((r) => [r.range.start.line, r.range.start.character]),
    [
      [pos(text, 'driver nic0').line, 17],
      [pos(text, 'raise nic0').line, 16],
      [pos(text, 'nic0/0.0').line, 12],
    ],
  );
});

test('document symbols: vm, buses with functions, events, expectations', async () => {
  const uri = uriFor('s.vpci');
  await open(lsp, uri, QUICKSTART);
  const syms = await lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const names = syms.map((s) => s.name);
  assert.deepEqual(names.slice(0, 3), ['vm', 'nic0', 'nic1']);
  assert.ok(names.includes('at 5 ms eject'), names.join(', '));
  const nic0 = syms.find((s) => s.name === 'nic0')!;
  assert.equal(nic0.children?.[0]?.detail, 'intel-82599-vf');
  assert.deepEqual(nic0.range, { start: pos(QUICKSTART, 'bus nic0'), end: { line: pos(QUICKSTART, 'bus nic0').line + 2, character: 1 } });
});

test('semantic tokens: keywords, bus declaration, device, numbers, comment', async () => {
  const uri = uriFor('t.vpci');
  await open(lsp, uri, QUICKSTART);
  const r = await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  const init = (await import('../../language/semantic')).LEGEND;
  const decoded: { line: number; ch: number; len: number; type: string; mods: number }[] = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < r.data.length; i += 5) {
    line += r.data[i]!;
    ch = r.data[i]! ? r.data[i + 1]! : ch + r.data[i + 1]!;
    decoded.push({ line, ch, len: r.data[i + 2]!, type: init.tokenTypes[r.data[i + 3]!]!, mods: r.data[i + 4]! });
  }
  const at = (needle: string, nth = 0) => {
    const p = pos(QUICKSTART, needle, 0, nth);
    return decoded.find((d) => d.line === p.line && d.ch === p.character);
  };
  assert.equal(at('# Two')?.type, 'comment');
  assert.equal(at('vm')?.type, 'keyword');
  assert.deepEqual(at('nic0 {') && { t: at('nic0 {')!.type, m: at('nic0 {')!.mods & 1 }, { t: 'variable', m: 1 });
  assert.equal(at('intel-82599-vf')?.type, 'type');
  assert.equal(at('0xC000090B')?.type, 'number');
  assert.equal(at('65s')?.type, 'number');
  assert.equal(at('PCI_EJECTION_COMPLETE')?.type, 'event');
  assert.equal(at('ejected')?.type, 'enumMember');
});

/** Semantic token data decoded to absolute positions and legend names. */
function decodeTokens(data: readonly number[]): { line: number; ch: number; len: number; type: string; mods: number }[] {
  const legend = LEGEND;
  const out: { line: number; ch: number; len: number; type: string; mods: number }[] = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    ch = data[i] ? data[i + 1]! : ch + data[i + 1]!;
    out.push({ line, ch, len: data[i + 2]!, type: legend.tokenTypes[data[i + 3]!]!, mods: data[i + 4]! });
  }
  return out;
}

test('semantic tokens: the server offers delta and range results', () => {
  assert.deepEqual(lsp.capabilities.semanticTokensProvider, { legend: LEGEND, full: { delta: true }, range: true });
});

test('semantic tokens: after an edit, a delta from the held result turns it into the new full result', async () => {
  const uri = uriFor('delta.vpci');
  await open(lsp, uri, QUICKSTART);
  const first = await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  assert.ok(first.resultId);
  // A bus inserted before the timeline: new tokens in the middle, every later token one line down.
  const at = pos(QUICKSTART, 'at 0');
  const v2 = lsp.diagnostics(uri, 2);
  await lsp.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: at, end: at }, text: 'bus nic2 { function 0 intel-82599-vf serial 3 }\n' }],
  });
  await v2;
  const delta = await lsp.conn.sendRequest<{ resultId?: string; edits?: { start: number; deleteCount: number; data?: number[] }[]; data?: number[] }>(
    'textDocument/semanticTokens/full/delta',
    { textDocument: { uri }, previousResultId: first.resultId },
  );
  assert.ok(delta.edits, 'a delta, not the whole document');
  assert.ok(delta.resultId && delta.resultId !== first.resultId);
  const applied = [...first.data];
  // LSP: edits apply to the array the client holds, the later ones first (they do not overlap).
  for (const e of [...delta.edits].sort((a, b) => b.start - a.start)) applied.splice(e.start, e.deleteCount, ...(e.data ?? []));
  assert.ok(delta.edits.reduce((n, e) => n + (e.data?.length ?? 0), 0) < first.data.length / 2, 'the delta is smaller than the document');
  const full = await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  assert.deepEqual(applied, full.data);
  const decoded = decodeTokens(full.data);
  const nic2 = pos(QUICKSTART.slice(0, QUICKSTART.indexOf('at 0')) + 'bus nic2 { function 0 intel-82599-vf serial 3 }\n', 'nic2');
  assert.deepEqual(
    decoded.filter((d) => d.line === nic2.line).map((d) => d.type),
    ['keyword', 'variable', 'keyword', 'number', 'type', 'keyword', 'number'],
  );
  // Nothing changed since: an empty delta.
  const none = await lsp.conn.sendRequest<{ resultId?: string; edits?: unknown[] }>('textDocument/semanticTokens/full/delta', {
    textDocument: { uri },
    previousResultId: full.resultId,
  });
  assert.deepEqual(none.edits, []);
  // A result this server does not hold (an older one, or from before a restart): the whole document.
  const stale = await lsp.conn.sendRequest<{ resultId?: string; edits?: unknown[]; data?: number[] }>('textDocument/semanticTokens/full/delta', {
    textDocument: { uri },
    previousResultId: first.resultId,
  });
  assert.equal(stale.edits, undefined);
  assert.deepEqual(stale.data, full.data);
  // A document the server does not hold (never opened, or closed): no tokens, as a whole answer.
  assert.deepEqual(
    await lsp.conn.sendRequest('textDocument/semanticTokens/full/delta', {
      textDocument: { uri: uriFor('never-opened.vpci') },
      previousResultId: full.resultId,
    }),
    { data: [] },
  );
  // A delta request without its previousResultId is refused with the argument named.
  await assert.rejects(
    lsp.conn.sendRequest('textDocument/semanticTokens/full/delta', { textDocument: { uri } }),
    (e: Error & { code?: number }) => e.code === -32602 && /previousResultId/.test(e.message),
  );
});

test('semantic tokens: a range answers the tokens of its lines, encoded from the document start', async () => {
  const uri = uriFor('range.vpci');
  await open(lsp, uri, QUICKSTART);
  const full = decodeTokens((await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } })).data);
  const from = pos(QUICKSTART, 'bus nic0');
  const to = pos(QUICKSTART, 'at 0');
  const ranged = await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/range', {
    textDocument: { uri },
    range: { start: from, end: to },
  });
  const want = full.filter((d) => d.line >= from.line && d.line < to.line);
  assert.ok(want.length > 5);
  assert.deepEqual(decodeTokens(ranged.data), want);
  // The end position's own line counts up to its character.
  const mid = await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/range', {
    textDocument: { uri },
    range: { start: to, end: { line: to.line, character: 4 } },
  });
  assert.deepEqual(
    decodeTokens(mid.data),
    full.filter((d) => d.line === to.line && d.ch < 4),
  );
});

test('semantic tokens: names past column 65,535 of a long line keep their roles', async () => {
  const uri = uriFor('long-line.vpci');
  // With names keyed by line × 65536 + column, `far0` on the last line (column 12) had the key of
  // column 65,548 on the line before: there `function` stands, and it took the bus's role.
  const pad = ' '.repeat(65_536);
  const text = `vm { host hyperv-2016 guest freebsd }\n${pad}bus far0 { function 0 intel-82599-vf }\nat 0 eject far0\n`;
  await open(lsp, uri, text);
  const decoded = decodeTokens((await lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } })).data);
  const on1 = decoded.filter((d) => d.line === 1);
  const at = (word: string) => on1.find((d) => d.ch === text.split('\n')[1]!.indexOf(word));
  assert.equal(at('function')?.type, 'keyword');
  assert.equal(at('far0')?.type, 'variable');
  assert.equal((at('far0')!.mods & 1) !== 0, true, 'the bus name is its declaration');
  assert.equal(at('intel-82599-vf')?.type, 'type');
});

test('folding ranges for multi-line blocks', async () => {
  const uri = uriFor('f.vpci');
  await open(lsp, uri, QUICKSTART);
  const f = await lsp.conn.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  assert.deepEqual(
    f.map((x) => [x.startLine, x.endLine]),
    [
      [1, 5],
      [8, 9],
    ],
  );
});

test('folding: a run of comments alone on their lines folds wherever it is indented; comments after code do not', async () => {
  const uri = uriFor('f2.vpci');
  const text = [
    'vm {',
    '  # the host',
    '  # and its guest',
    '  host hyperv-2016',
    '}',
    'bus nic0 { function 0 intel-82599-vf } # one NIC',
    'at 0 boot # then',
    '\t# a tab-indented',
    '\t# run',
    '',
  ].join('\n');
  await open(lsp, uri, text);
  const f = await lsp.conn.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  assert.deepEqual(
    f.map((x) => [x.startLine, x.endLine, x.kind]),
    [
      [0, 3, undefined],
      [1, 2, 'comment'],
      [7, 8, 'comment'],
    ],
  );
});

test("outline: the vm's host and guest entries span their statements ('host hyperv-2016'), selecting the value", async () => {
  const uri = uriFor('hg.vpci');
  await open(lsp, uri, 'vm {\n  host hyperv 2016\n  guest freebsd\n  cpus 2\n}\n');
  const syms = await lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const kids = syms[0]!.children!.map((c) => [c.name, c.range.start.character, c.range.end.character, c.selectionRange.start.character]);
  assert.deepEqual(kids, [
    ['host hyperv-2016', 2, 18, 7],
    ['guest freebsd', 2, 15, 8],
    ['cpus 2', 2, 8, 2],
  ]);
});

test('outline: a plug lists the function it adds, as a bus and an offer list theirs', async () => {
  const uri = uriFor('plug-outline.vpci');
  await open(lsp, uri, 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms plug nic0 function 1.2 intel-82599-vf serial 7\n');
  const syms = await lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const plug = syms.find((x) => x.name === 'at 1 ms plug');
  assert.ok(plug, JSON.stringify(syms));
  assert.deepEqual(
    plug.children?.map((c) => [c.name, c.detail, c.selectionRange.start.line, c.selectionRange.start.character, c.selectionRange.end.character]),
    [['function 1.2', 'intel-82599-vf', 2, 26, 29]],
  );
});

test('formatting returns edits that produce the formatter text, and none for formatted text', async () => {
  const uri = uriFor('fmt.vpci');
  const messy = QUICKSTART.replace('  host hyperv-2016', 'host     hyperv-2016').replace('  cpus 4', '\tcpus    4');
  await open(lsp, uri, messy);
  const opts = { tabSize: 2, insertSpaces: true };
  const edits = await lsp.conn.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: opts });
  assert.equal(edits.length, 1);
  assert.deepEqual(edits[0]!.range.start, { line: 0, character: 0 });
  const formatted = edits[0]!.newText;
  assert.match(formatted, /\n {2}host hyperv-2016\n {2}guest freebsd\n {2}cpus 4\n/);
  const uri2 = uriFor('fmt2.vpci');
  await open(lsp, uri2, formatted);
  assert.deepEqual(await lsp.conn.sendRequest('textDocument/formatting', { textDocument: { uri: uri2 }, options: opts }), []);
  // A document keeps its line ends: formatted CRLF or CR text has nothing to change, and a messy CRLF one is formatted in CRLF.
  for (const eol of ['\r\n', '\r']) {
    const u = uriFor(`fmt-${eol.length}.vpci`);
    await open(lsp, u, formatted.replace(/\n/g, eol));
    assert.deepEqual(await lsp.conn.sendRequest('textDocument/formatting', { textDocument: { uri: u }, options: opts }), [], JSON.stringify(eol));
  }
  const u3 = uriFor('fmt-messy-crlf.vpci');
  await open(lsp, u3, messy.replace(/\n/g, '\r\n'));
  const e3 = await lsp.conn.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri: u3 }, options: opts });
  assert.equal(e3[0]!.newText, formatted.replace(/\n/g, '\r\n'));
});

test('formatting a document of thousands of stray braces answers with a bounded edit, and the analysis worker stays in use', async () => {
  const own = await startServer();
  try {
    const uri = uriFor('braces.vpci');
    const text = 'bus nic0 {\n' + '{\n'.repeat(50_000) + '}\n'.repeat(50_000);
    await open(own, uri, text);
    const edits = await own.conn.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(edits.length, 1);
    assert.ok(edits[0]!.newText.length < text.length * 2, `an edit of ${edits[0]!.newText.length} characters`);
    // Still answered off the main thread: the server never said it gave the worker up.
    const h = await own.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.ok(h);
    assert.deepEqual(
      own.warnings().filter((w) => /analysis worker failed/.test(w)),
      [],
    );
  } finally {
    await own.close();
  }
});

test('a request cancelled before its answer gets RequestCancelled (-32800), not the whole result', async () => {
  const own = await startServer();
  try {
    const uri = uriFor('cancel.vpci');
    await open(own, uri, QUICKSTART);
    // A change, then requests that wait for the analysis of the changed text, each cancelled at
    // once: written in one piece, so every cancel is read while its request waits (or before it starts).
    const doc = { textDocument: { uri } };
    const requests: [string, object][] = [
      ['textDocument/semanticTokens/full', doc],
      ['textDocument/documentSymbol', doc],
      ['textDocument/foldingRange', doc],
      ['textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } }],
      ['textDocument/definition', { ...doc, position: pos(QUICKSTART, 'eject nic1', 7) }],
      ['textDocument/documentHighlight', { ...doc, position: pos(QUICKSTART, 'eject nic1', 7) }],
      ['textDocument/documentLink', doc],
      ['textDocument/prepareRename', { ...doc, position: pos(QUICKSTART, 'eject nic1', 7) }],
      ['textDocument/rename', { ...doc, position: pos(QUICKSTART, 'eject nic1', 7), newName: 'nic9' }],
    ];
    const answers = new Map<number, { result?: unknown; error?: { code: number } }>();
    const all = new Promise<void>((resolve) => {
      let buf = Buffer.alloc(0);
      own.proc.stdout!.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          const head = buf.indexOf('\r\n\r\n');
          if (head < 0) break;
          const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())![1]);
          if (buf.length < head + 4 + len) break;
          const m = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString()) as { id?: number; result?: unknown; error?: { code: number } };
          buf = buf.subarray(head + 4 + len);
          if (typeof m.id === 'number' && m.id >= 9000) answers.set(m.id, m);
          if (answers.size === requests.length) resolve();
        }
      });
    });
    const frame = (m: object): string => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...m });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    let out = frame({
      method: 'textDocument/didChange',
      params: { textDocument: { uri, version: 2 }, contentChanges: [{ text: QUICKSTART + 'at 9ms boot\n' }] },
    });
    requests.forEach(([method, params], k) => {
      out += frame({ id: 9000 + k, method, params }) + frame({ method: '$/cancelRequest', params: { id: 9000 + k } });
    });
    own.proc.stdin!.write(out);
    await all;
    for (const [k, [method]] of requests.entries())
      assert.equal(answers.get(9000 + k)?.error?.code, -32800, `${method}: ${JSON.stringify(answers.get(9000 + k))}`);
    // The server goes on: the same requests, not cancelled, are answered in full.
    const syms = await own.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', doc);
    assert.ok(syms.length > 0);
    assert.deepEqual(own.errors(), []);
  } finally {
    await own.close();
  }
});

test('dump files resolve relative to the document folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-dump-'));
  try {
    const text = 'vm {\n  host hyperv-2022\n  guest linux\n}\nbus gpu0 { function 0 dump "devices/missing.lspci" }\n';
    const uri = pathToFileURL(join(dir, 'gpu.vpci')).href;
    const d = await open(lsp, uri, text);
    const e = d.diagnostics.find((x) => x.code === 'dump-missing');
    assert.ok(e, JSON.stringify(d.diagnostics));
    assert.deepEqual(e.range.start, pos(text, '"devices/missing.lspci"'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every example scenario opens with zero errors and has an outline; broken variants get exact ranges', async () => {
  const dir = resolve(process.env.VPCI_EXAMPLES ?? 'examples');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.vpci')) : [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const uri = pathToFileURL(join(dir, f)).href;
    const d = await open(lsp, uri, text);
    assert.deepEqual(
      d.diagnostics.filter((x) => x.severity === 1),
      [],
      f,
    );
    const syms = await lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(syms.length > 0, f);
    // Broken variant 1: a misspelt host profile.
    const host = /^\s*host\s+([\w-]+)/m.exec(text);
    if (host) {
      const bad = text.replace(host[0], host[0] + 'x');
      const start = pos(bad, host[1]! + 'x', 0, 0);
      const b = await open(lsp, pathToFileURL(join(dir, `broken-host-${f}`)).href, bad);
      const e = b.diagnostics.find((x) => x.code === 'unknown-profile');
      assert.deepEqual(e?.range, { start, end: { line: start.line, character: start.character + host[1]!.length + 1 } }, f);
    }
    // Broken variant 2: an event on a bus that does not exist.
    const bad2 = text + (text.endsWith('\n') ? '' : '\n') + 'at 999s eject nosuchbus\n';
    const b2 = await open(lsp, pathToFileURL(join(dir, `broken-bus-${f}`)).href, bad2);
    const e2 = b2.diagnostics.find((x) => x.code === 'unknown-bus');
    const line = bad2.split('\n').length - 2;
    assert.deepEqual(e2?.range, { start: { line, character: 14 }, end: { line, character: 23 } }, f);
  }
});

test('the server is still alive and answers after everything above', async () => {
  assert.equal(lsp.proc.exitCode, null);
  const d = await open(lsp, uriFor('garbage.vpci'), '}}}{{ \u0000 "unterminated\nat at at\nbus { function 99.9 x }\n');
  assert.ok(d.diagnostics.length > 0);
  assert.deepEqual(lsp.errors(), []);
});

test('a dump file created later is picked up after didChangeWatchedFiles', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-watch-'));
  try {
    const text = 'vm {\n  host hyperv-2022\n  guest linux\n}\nbus gpu0 { function 0 dump "gpu.lspci" }\nat 0 boot\n';
    const uri = pathToFileURL(join(dir, 'gpu.vpci')).href;
    const d1 = await open(lsp, uri, text);
    assert.deepEqual(
      d1.diagnostics.map((x) => x.code),
      ['dump-missing'],
    );
    assert.deepEqual(d1.diagnostics[0]!.range.start, pos(text, '"gpu.lspci"'));
    writeFileSync(join(dir, 'gpu.lspci'), 'this is not an lspci dump\n');
    const d2p = lsp.diagnostics(uri, 1);
    await lsp.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'gpu.lspci')).href, type: 1 }] });
    const d2 = await d2p;
    assert.deepEqual(
      d2.diagnostics.map((x) => x.code),
      ['dump-unparsable'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('line breaks as the editor counts them: \\r\\n and a lone \\r put ranges on the right line', async () => {
  const text = 'vm {\r\n  host hyperv-2099\r}\rbus nic0 { function 0 intel-82599-vf }\r\nat 1ms eject nic7\n';
  const d = await open(lsp, uriFor('cr.vpci'), text);
  const byCode = Object.fromEntries(d.diagnostics.map((x) => [x.code, x.range]));
  assert.deepEqual(byCode['unknown-profile'], { start: { line: 1, character: 7 }, end: { line: 1, character: 18 } });
  assert.deepEqual(byCode['unknown-bus'], { start: { line: 4, character: 13 }, end: { line: 4, character: 17 } });
});

/** A diagnostic's message as text (LSP allows markup content). */
function messageText(m: string | { value: string }): string {
  return typeof m === 'string' ? m : m.value;
}

test('hover on a value that is no name: an MMIO base and size, a protocol version, an instance GUID', async () => {
  const text =
    'vm {\n  mmio low 0xF800_0000 size 104M\n}\nbus nic0 {\n  instance 3c2d7b4a-0001-4f00-8000-000000000001\n  function 0 intel-82599-vf\n}\nat 0 boot\nexpect nic0 version 1.4\n';
  const base = await hover(text, pos(text, '0xF800_0000', 3));
  assert.equal(
    base,
    '**base** of the `low` VMBus MMIO range: `0xF8000000`\n\nThe range below 4 GiB: 0xF8000000–0xFE7FFFFF (104M). The guest places its BARs and the config window of each bus in it.',
  );
  assert.match(await hover(text, pos(text, '104M', 1)), /^\*\*size\*\* of the `low` VMBus MMIO range: `0x6800000` \(104M\)/);
  // The range's name: which of the two it is, as Linux's pci-hyperv says it (it had no hover at all).
  assert.match(
    await hover(text, pos(text, 'low', 1)),
    /^\*\*low\*\* VMBus MMIO range — the one below 4 GiB, where Linux pci-hyperv places 32-bit BARs \("low MMIO space"\)\n\nDefault: 0xF8000000, 104M\./,
  );
  const high = 'vm {\n  mmio high 0x10_0000_0000 size 64G\n}\n';
  assert.match(await hover(high, pos(high, 'high', 1)), /^\*\*high\*\* VMBus MMIO range — the one above 4 GiB, where Linux pci-hyperv places 64-bit BARs/);
  const v = await hover(text, pos(text, '1.4', 2));
  assert.match(v, /^\*\*vPCI protocol version 1\.4\*\* `0x00010004`/);
  assert.match(v, /OpenVMM names it `FE`/);
  assert.match(v, /Host profiles that accept it: `hyperv-2022`, `openvmm`; guest models that offer it: `freebsd`, `linux`/);
  // As the drivers name it (Linux pci-hyperv and FreeBSD vmbus_pcib: enum pci_protocol_version_t).
  assert.match(v, /guest models that offer it: `freebsd`, `linux` \(whose drivers call it `PCI_PROTOCOL_VERSION_1_4`\)\.$/);
  const g = await hover(text, pos(text, '3c2d7b4a', 4));
  assert.match(g, /^\*\*instance GUID\*\* `3c2d7b4a-0001-4f00-8000-000000000001`/);
  // Data1; Linux's domain from bytes 4-5 (Data2, little-endian: 0x0001), FreeBSD's from bytes 8-9 (0x8000)
  assert.match(g, /Data1, `0x3C2D7B4A`/);
  assert.match(g, /Linux asks for PCI domain 0x0001 .* FreeBSD takes domain 0x8000/);
  // A bare 0 where a time goes is a time, as '6ms' is.
  const zero = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nexpect nic0 attached before 0\n';
  assert.equal(await hover(zero, pos(zero, '0 boot')), '`0` — **0 ns** of virtual time (a bare 0 is the one time written without a unit)');
  assert.match(await hover(zero, pos(zero, 'before 0', 7)), /\*\*0 ns\*\*/);
});

test('hover on a number argument says what it counts or names there, with its unit', async () => {
  const text = [
    'vm {',
    '  cpus 4',
    '}',
    'bus nic0 { function 1.2 intel-82599-vf serial 7 numa 1 }',
    'bus gpu0 { function 0 dump "g.lspci" bar 1 16M rom 512K }',
    'at 0 boot',
    'at 1ms driver nic0/1.2 msix 3',
    'at 2ms raise nic0/1.2 vector 2',
    'at 3ms fault nic0 create-interrupt flip 4 0x81 times 2',
    'at 3ms fault nic0 assigned-resources truncate 12',
    'expect nic0/1.2 msix 3',
    'expect nic0/1.2 vector 2 delivered cpu 3',
    'expect message eject on nic0 count 1',
    '',
  ].join('\n');
  const at = async (needle: string, offset: number, nth = 0): Promise<string> => (await hover(text, pos(text, needle, offset, nth))).split('\n')[0]!;
  assert.match(await at('cpus 4', 5), /^\*\*CPU count\*\*: 4 virtual processors \(1\.\.240; default 4\)/);
  // A slot is a function's name: its hover is the function's.
  assert.match(await hover(text, pos(text, 'function 1.2', 9)), /^\*\*function nic0\/1\.2\*\*/);
  assert.match(await at('serial 7', 7), /^\*\*serial number\*\* 7 \(`0x7`\), reported in BUS_RELATIONS/);
  assert.match(await at('numa 1', 5), /^\*\*virtual NUMA node\*\* 1, reported in BUS_RELATIONS2/);
  assert.match(await at('bar 1', 4), /^\*\*BAR 1\*\*: the Base Address Register at config offset 0x14/);
  assert.match(await at('16M', 0), /^\*\*size of BAR 1\*\*: 16M \(`0x1000000` bytes\)/);
  assert.match(await at('512K', 0), /^\*\*expansion ROM size\*\*: 512K \(`0x80000` bytes\)/);
  assert.match(await at('msix 3', 5), /^\*\*3 MSI-X vectors\*\* the function's driver asks for/);
  assert.match(await at('msix 3', 5, 1), /^\*\*3 MSI-X vectors\*\* programmed with the host's address\/data/);
  assert.match(await at('vector 2', 7), /^\*\*interrupt vector 2\*\*: MSI-X table entry or MSI message 2/);
  assert.match(await at('flip 4', 5), /^\*\*byte offset 4\*\* \(`0x4`\) in the reply's payload/);
  assert.match(await at('0x81', 0), /^\*\*XOR mask\*\* `0x81` \(`0b10000001`\)/);
  assert.match(await at('times 2', 6), /^\*\*2 times\*\*: the fault acts on the next 2 such messages/);
  const once = text.replace('times 2', 'times 1');
  assert.match((await hover(once, pos(once, 'times 1', 6))).split('\n')[0]!, /^\*\*1 time\*\*: the fault acts on the next such message, then no more$/);
  assert.match(await at('truncate 12', 9), /^\*\*12 bytes\*\*: the reply's payload is cut to this length/);
  assert.match(await at('cpu 3', 4), /^\*\*virtual CPU 3\*\*/);
  assert.match(await at('count 1', 6), /^\*\*1 time\*\*: the message is sent exactly this often/);
});

test("the outline's vm entry lists every setting the block holds: cpus and each mmio range too, not only host, guest and quirks", async () => {
  const text = 'vm {\n  host hyperv-2022\n  cpus 8\n  mmio high 0x10_0000_0000 size 1G\n  quirk short-packet-drop off\n}\n';
  const uri = uriFor('outline-vm.vpci');
  await open(lsp, uri, text);
  const [vm] = await lsp.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(
    vm!.children!.map((c) => [c.name, c.detail, c.range.start.line, c.range.start.character, c.range.end.character]),
    [
      ['host hyperv-2022', undefined, 1, 2, 18],
      ['cpus 8', undefined, 2, 2, 8],
      ['mmio high', '0x1000000000, 1G', 3, 2, 34],
      ['quirk short-packet-drop off', undefined, 4, 2, 29],
    ],
  );
});
