// Rename (F2) and prepareRename, over real LSP traffic with the bundled server: a
// bus name is renamed at every declaration and reference the name index knows,
// and nowhere else (a keyword spelt the same stays); what cannot be renamed, or
// renamed to, is a ResponseError whose one-line message the editor shows; a
// rename that could miss an occurrence (the name stands in a statement the parser
// dropped) is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { startServer, open, type Lsp } from './client';
import { NAMED as TEXT, pos } from './named';

let lsp: Lsp;
let n = 0;
const uriFor = (name: string): string => `file:///virtual/rename-${n++}-${name}`;

before(async () => {
  lsp = await startServer(null, null, { rename: { prepareSupport: true } });
});
after(async () => {
  await lsp.close();
});

/** The range of `length` characters at a position. */
const span = (p: { line: number; character: number }, length: number): Range => ({ start: p, end: { line: p.line, character: p.character + length } });

/** The text with the edits applied (they never overlap). */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  for (const e of sorted) {
    assert.equal(e.range.start.line, e.range.end.line);
    const l = lines[e.range.start.line]!;
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

/** The ResponseError a request is answered with: its code and message. */
async function refusal(method: string, params: unknown): Promise<[number, string]> {
  try {
    const r = await lsp.conn.sendRequest(method, params);
    assert.fail(`${method} answered ${JSON.stringify(r)} instead of an error`);
  } catch (e) {
    assert.ok(e instanceof ResponseError, String(e));
    return [e.code, e.message];
  }
}

const REQUEST_FAILED = -32803;

/** A diagnostic's code and place (its start, and the line it ends on). */
const place = (d: { code?: number | string; range: { start: { line: number; character: number }; end: { line: number } } }): unknown[] => [
  d.code,
  d.range.start,
  d.range.end.line,
];

test('the server offers prepareRename only to a client that says it sends it', async () => {
  assert.deepEqual(lsp.capabilities.renameProvider, { prepareProvider: true });
  const plain = await startServer();
  try {
    assert.equal(plain.capabilities.renameProvider, true);
  } finally {
    await plain.close();
  }
});

test('prepareRename: the exact range and name of a bus, at its declaration, an offer and every kind of reference', async () => {
  const uri = uriFor('prepare.vpci');
  await open(lsp, uri, TEXT);
  const at: [string, number, string][] = [
    ['bus nic0', 4, 'nic0'],
    ['offer nic2', 6, 'nic2'],
    ['driver nic0/1', 7, 'nic0'],
    ['fault nic0', 6, 'nic0'],
    ['plug nic0', 5, 'nic0'],
    ['on nic0', 3, 'nic0'],
    ['expect boot', 7, 'boot'],
    // at the end of the name (the cursor just after it), as an editor puts it after a double click
    ['expect nic0/0.0', 11, 'nic0'],
  ];
  for (const [needle, offset, name] of at) {
    const p = pos(TEXT, needle, offset);
    const r = await lsp.conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: p });
    const start = pos(TEXT, needle, needle.indexOf(name));
    assert.deepEqual(r, { range: span(start, name.length), placeholder: name }, needle);
  }
});

test('prepareRename on what is no bus name: an error that says what it is and why, never a silent null', async () => {
  const uri = uriFor('refuse.vpci');
  await open(lsp, uri, TEXT);
  const only = 'only bus names can be renamed';
  const cases: [string, number, string][] = [
    ['at 0 boot', 6, `'boot' is a keyword of the scenario language; ${only}`],
    ['at 2ms', 0, `'at' is a keyword of the scenario language; ${only}`],
    ['msix 3', 5, `'3' is a number; ${only}`],
    ['at 2ms', 4, `'2ms' is a duration; ${only}`],
    ['0xC000090B', 2, `'0xC000090B' is a number; ${only}`],
    [
      'function 1',
      9,
      `'1' is the slot of a function on bus nic0 (device 1, function 0): changing it moves the function to another device and function number, which is not a rename; ${only}`,
    ],
    [
      'nic0/1.0',
      6,
      `'1.0' is the slot of a function on bus nic0 (device 1, function 0): changing it moves the function to another device and function number, which is not a rename; ${only}`,
    ],
    ['intel-82599-vf serial 1', 3, `'intel-82599-vf' is a device of the catalog; ${only}`],
    ['create-interrupt3', 2, `'create-interrupt3' is a vPCI message; ${only}`],
    ['hyperv-2022', 1, `'hyperv-2022' is a host profile; ${only}`],
    ['linux', 1, `'linux' is a guest model; ${only}`],
    ['"missing.lspci"', 3, `this is a string; ${only}`],
    ["# boot: nic0's twin", 4, `this is a comment; ${only}`],
    ['{ function 0 intel-82599-vf serial 3', 0, `there is no name here; ${only}`],
  ];
  for (const [needle, offset, message] of cases) {
    const r = await refusal('textDocument/prepareRename', { textDocument: { uri }, position: pos(TEXT, needle, offset) });
    assert.deepEqual(r, [REQUEST_FAILED, message], needle);
  }
  // rename without prepareRename refuses the same way
  assert.deepEqual(await refusal('textDocument/rename', { textDocument: { uri }, position: pos(TEXT, 'at 0 boot', 6), newName: 'x' }), [
    REQUEST_FAILED,
    `'boot' is a keyword of the scenario language; ${only}`,
  ]);
});

test('rename edits every declaration and reference of the bus and nothing else; the renamed scenario checks the same', async () => {
  const uri = uriFor('rename.vpci');
  const first = await open(lsp, uri, TEXT);
  const edit = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', {
    textDocument: { uri },
    position: pos(TEXT, 'eject nic0', 7),
    newName: 'vf_a-1',
  });
  assert.deepEqual(Object.keys(edit.changes ?? {}), [uri]);
  const edits = edit.changes![uri]!;
  assert.deepEqual(
    edits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]),
    [
      [4, 4, 8, 'vf_a-1'],
      [10, 14, 18, 'vf_a-1'],
      [11, 14, 18, 'vf_a-1'],
      [12, 13, 17, 'vf_a-1'],
      [13, 13, 17, 'vf_a-1'],
      [15, 12, 16, 'vf_a-1'],
      [16, 13, 17, 'vf_a-1'],
      [17, 7, 11, 'vf_a-1'],
      [18, 7, 11, 'vf_a-1'],
      [19, 40, 44, 'vf_a-1'],
    ],
  );
  const renamed = apply(TEXT, edits);
  // the comment that names nic0 is left as it is
  assert.match(renamed, /# boot: nic0's twin/);
  assert.doesNotMatch(renamed.replace("nic0's", ''), /\bnic0\b/);
  // The same diagnostics (the missing dump, the plug FreeBSD cannot use), at the same places: the
  // meaning is unchanged. A diagnostic over a whole statement ends later or sooner on its line when
  // a name in it is renamed: where it starts, and on which line it ends, are what stay.
  const again = await open(lsp, uriFor('renamed.vpci'), renamed);
  assert.deepEqual(again.diagnostics.map(place), first.diagnostics.map(place));

  // `boot`, a bus named like the event keyword: `at 0 boot` stays, the bus and its expectation change.
  const boot = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(TEXT, 'bus boot', 5), newName: 'twin' });
  assert.deepEqual(
    boot.changes![uri]!.map((e) => e.range),
    [span(pos(TEXT, 'bus boot', 4), 4), span(pos(TEXT, 'expect boot', 7), 4)],
  );
  assert.match(apply(TEXT, boot.changes![uri]!), /^at 0 boot$/m);
});

test('a new name that is a keyword where the parser reads a bus name renames as any other: the scenario checks the same', async () => {
  const uri = uriFor('keywords.vpci');
  const first = await open(lsp, uri, TEXT);
  for (const newName of ['version', 'attached', 'msix', 'on', 'before', 'expect', '_']) {
    const edit = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(TEXT, 'bus nic0', 5), newName });
    const d = await open(lsp, uriFor(`${newName}.vpci`), apply(TEXT, edit.changes![uri]!));
    assert.deepEqual(d.diagnostics.map(place), first.diagnostics.map(place), newName);
  }
});

test('a new name the language would not read as a bus name, or one another bus has, is refused with the reason', async () => {
  const text = `${TEXT}at 9ms detach ghost\n`;
  const uri = uriFor('names.vpci');
  await open(lsp, uri, text);
  const at = pos(text, 'bus nic0', 5);
  const rule = "a name starts with a letter or '_' and goes on with letters, digits, '_' and '-'";
  const cases: [string, string][] = [
    ['', 'a bus name cannot be empty'],
    ['1nic', `'1nic' is not a name: ${rule}`],
    ['nic 1', `'nic 1' is not a name: ${rule}`],
    ['nic.1', `'nic.1' is not a name: ${rule}`],
    ['nic/1', `'nic/1' is not a name: ${rule}`],
    ['nic#1', `'nic#1' is not a name: ${rule}`],
    ['"nic"', `'"nic"' is not a name: ${rule}`],
    // what the message quotes stays one line, and short
    ['nic\n1', `'nic<U+000A>1' is not a name: ${rule}`],
    [`${'x'.repeat(300)} ${'y'.repeat(300)}`, `'${'x'.repeat(100)}…${'y'.repeat(100)}' (601 characters) is not a name: ${rule}`],
    ['nïc', `'nïc' is not a name: ${rule}`],
    ['abcdef01-2345-4789-8abc-def012345678', "'abcdef01-2345-4789-8abc-def012345678' would be read as a GUID, not a name"],
    ['no', "'no' is a keyword and cannot name a bus"],
    ['message', "'message' is a keyword and cannot name a bus"],
    ['dump', "'dump' is a keyword and cannot name a bus"],
    ['n'.repeat(65), 'a bus name is at most 64 characters; this one is 65'],
    ['boot', "a bus named 'boot' is already declared on line 9"],
    ['nic2', "a bus named 'nic2' is already declared on line 15"],
    ['ghost', "'ghost' already names a bus on line 22 (one no statement declares): the two would become one"],
  ];
  for (const [newName, message] of cases) {
    assert.deepEqual(await refusal('textDocument/rename', { textDocument: { uri }, position: at, newName }), [REQUEST_FAILED, message], newName);
  }
  // 64 characters is a bus name; the same name is no change
  const ok = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at, newName: 'n'.repeat(64) });
  assert.equal(ok.changes![uri]!.length, 10);
  assert.deepEqual(await lsp.conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: at, newName: 'nic0' }), { changes: { [uri]: [] } });
});

test('a bus declared twice is renamed at both declarations, and keeps its duplicate-bus error under the new name', async () => {
  const text = 'bus a { function 0 intel-82599-vf }\nbus a { function 1 intel-82599-vf }\nat 0 boot\nat 1ms eject a\n';
  const uri = uriFor('dup.vpci');
  const d = await open(lsp, uri, text);
  assert.deepEqual(
    d.diagnostics.map((x) => x.code),
    ['duplicate-bus'],
  );
  const edit = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(text, 'eject a', 6), newName: 'b' });
  const renamed = apply(text, edit.changes![uri]!);
  assert.equal(renamed, text.replace(/\ba\b/g, 'b'));
  const again = await open(lsp, uriFor('dup2.vpci'), renamed);
  assert.deepEqual(
    again.diagnostics.map((x) => [x.code, x.message]),
    [['duplicate-bus', 'bus b is declared twice']],
  );
});

test('a bus name in a statement the parser dropped is in no index: renaming that bus is refused until the line is fixed', async () => {
  // `bus nic0 x {` fails before its block: no bus nic0 is declared, its references are unknown.
  const text = 'bus nic0 x {\n  function 0 intel-82599-vf\n}\nbus nic1 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms eject nic0\nat 2ms eject nic1\n';
  const uri = uriFor('broken.vpci');
  const d = await open(lsp, uri, text);
  assert.ok(
    d.diagnostics.some((x) => x.range.start.line === 0 && x.severity === 1),
    JSON.stringify(d.diagnostics),
  );
  const message = "'nic0' also stands on line 1, in a statement with a syntax error, where it is not known to name this bus; fix line 1 first, then rename";
  assert.deepEqual(await refusal('textDocument/prepareRename', { textDocument: { uri }, position: pos(text, 'eject nic0', 7) }), [REQUEST_FAILED, message]);
  assert.deepEqual(await refusal('textDocument/rename', { textDocument: { uri }, position: pos(text, 'eject nic0', 7), newName: 'x0' }), [
    REQUEST_FAILED,
    message,
  ]);
  // on the dropped declaration itself
  assert.deepEqual(await refusal('textDocument/prepareRename', { textDocument: { uri }, position: pos(text, 'nic0 x', 1) }), [
    REQUEST_FAILED,
    "line 1 has a syntax error, so what 'nic0' names there is not known; fix the line first, then rename",
  ]);
  // another bus is renamed as usual
  const edit = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(text, 'eject nic1', 7), newName: 'x1' });
  assert.equal(edit.changes![uri]!.length, 2);
  // Fixed: the rename goes through and covers the declaration.
  const fixed = lsp.diagnostics(uri, 2);
  await lsp.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 0, character: 8 }, end: { line: 0, character: 10 } }, text: '' }],
  });
  await fixed;
  const r = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: { line: 5, character: 14 }, newName: 'x0' });
  assert.deepEqual(
    r.changes![uri]!.map((e) => e.range.start.line),
    [0, 5],
  );
});

test('a statement kept despite an error after its bus name still renames: only a name in no index stops a rename', async () => {
  // The event is kept (its target was read) and the stray word after it is the error.
  const text = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms eject nic0 nic0\n';
  const uri = uriFor('kept.vpci');
  await open(lsp, uri, text);
  // the second nic0 on line 3 is in no index: refused
  assert.deepEqual(await refusal('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 5 } }), [
    REQUEST_FAILED,
    "'nic0' also stands on line 3, in a statement with a syntax error, where it is not known to name this bus; fix line 3 first, then rename",
  ]);
  const ok = 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms eject nic0 x\n';
  const uri2 = uriFor('kept2.vpci');
  await open(lsp, uri2, ok);
  const edit = await lsp.conn.sendRequest<WorkspaceEdit>('textDocument/rename', {
    textDocument: { uri: uri2 },
    position: { line: 0, character: 5 },
    newName: 'v',
  });
  assert.deepEqual(
    edit.changes![uri2]!.map((e) => [e.range.start.line, e.range.start.character]),
    [
      [0, 4],
      [2, 13],
    ],
  );
});

test('a scenario the parser stopped reading (too many syntax errors): no rename, since the rest is not read', async () => {
  const text = `bus nic0 { function 0 intel-82599-vf }\n${'x\n'.repeat(100_000)}at 0 boot\nat 1ms eject nic0\n`;
  const uri = uriFor('stopped.vpci');
  await open(lsp, uri, text);
  assert.deepEqual(await refusal('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 5 } }), [
    REQUEST_FAILED,
    'the parser stopped at line 100002 after too many syntax errors, so nothing from there on is read; fix the errors first, then rename',
  ]);
});

test('a client that takes versioned edits gets the rename for the version it was computed on', async () => {
  const v = await startServer(null, null, { rename: { prepareSupport: true } }, [], {
    capabilities: { workspace: { workspaceEdit: { documentChanges: true } } },
  });
  try {
    const uri = uriFor('versioned.vpci');
    await open(v, uri, TEXT, 7);
    const edit = await v.conn.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(TEXT, 'bus boot', 5), newName: 'twin' });
    assert.equal(edit.changes, undefined);
    assert.deepEqual(edit.documentChanges, [
      {
        textDocument: { uri, version: 7 },
        edits: [span(pos(TEXT, 'bus boot', 4), 4), span(pos(TEXT, 'expect boot', 7), 4)].map((range) => ({ range, newText: 'twin' })),
      },
    ]);
  } finally {
    await v.close();
  }
});

test('a rename of a document the server does not have is refused, saying so', async () => {
  assert.deepEqual(
    await refusal('textDocument/prepareRename', { textDocument: { uri: 'file:///virtual/never-opened.vpci' }, position: { line: 0, character: 0 } }),
    [REQUEST_FAILED, 'this document is not open in the vPCI Lab language server'],
  );
});
