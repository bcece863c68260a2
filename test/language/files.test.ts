// The language server reads dump files under the same rule as the CLI and the
// adapter: the scenario's folder and the workspace folders, symbolic links
// resolved — with no workspace open, no absolute path outside the scenario's
// folder is read — and an escaping path is its own diagnostic, not "cannot read".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { startServer, open } from './client';

const dir = mkdtempSync(join(tmpdir(), 'vpci-lsp-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const GPU = resolve('examples/devices/nvidia-tu102-gpu.lspci');
const BARS = 'select 02:00.0 bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K';
const scen = join(dir, 'scen');
mkdirSync(scen);
copyFileSync(GPU, join(scen, 'gpu.lspci'));
copyFileSync(GPU, join(dir, 'shared.lspci'));
symlinkSync('/dev/zero', join(scen, 'zero.lspci'));
mkdirSync(join(scen, 'folder.lspci'));

const text = [
  `bus a { function 0 dump "gpu.lspci" ${BARS} }`,
  `bus b { function 0 dump "${GPU}" ${BARS} }`,
  `bus c { function 0 dump "../shared.lspci" ${BARS} }`,
  `bus d { function 0 dump "zero.lspci" }`,
  `bus e { function 0 dump "folder.lspci" }`,
  'at 0 boot',
  '',
].join('\n');
const codes = (d: { diagnostics: { code?: string | number; range: { start: { line: number } } }[] }): [number, unknown][] =>
  d.diagnostics.map((x) => [x.range.start.line, x.code]);

test('no workspace: only the scenario folder; absolute paths outside it and links out of it are refused as outside', async () => {
  const lsp = await startServer();
  try {
    const d = await open(lsp, pathToFileURL(join(scen, 's.vpci')).href, text);
    assert.deepEqual(codes(d), [
      [1, 'dump-outside'],
      [2, 'dump-outside'],
      [3, 'dump-outside'],
      [4, 'dump-unreadable'],
    ]);
    assert.match(d.diagnostics[0]!.message as string, /^dump file '\/.*nvidia-tu102-gpu\.lspci' is outside the scenario's folder/);
    assert.match(d.diagnostics[1]!.message as string, /^dump file '\.\.\/shared\.lspci' is outside the scenario's folder/);
    assert.match(d.diagnostics[2]!.message as string, /resolves \(through a symbolic link\) to \/dev\/zero/);
    assert.equal(d.diagnostics[3]!.message, "cannot read dump file 'folder.lspci': is a folder, not a file");
  } finally {
    await lsp.close();
  }
});

test('a workspace folder is a root too', async () => {
  const lsp = await startServer(null, [{ uri: pathToFileURL(dir).href, name: 'ws' }]);
  try {
    const d = await open(lsp, pathToFileURL(join(scen, 's.vpci')).href, text);
    assert.deepEqual(codes(d), [
      [1, 'dump-outside'],
      [3, 'dump-outside'],
      [4, 'dump-unreadable'],
    ]);
    assert.match(d.diagnostics[1]!.message as string, /outside the scenario's folder and the workspace folders/);
  } finally {
    await lsp.close();
  }
});

test('workspace folders: the server says it takes changes, and a folder added or removed re-checks open documents', async () => {
  const lsp = await startServer(null, [{ uri: pathToFileURL(scen).href, name: 'scen' }], {}, [], { capabilities: { workspace: { workspaceFolders: true } } });
  try {
    assert.deepEqual(lsp.capabilities.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
    const uri = pathToFileURL(join(scen, 'folders.vpci')).href;
    const d1 = await open(lsp, uri, text);
    assert.deepEqual(codes(d1), [
      [1, 'dump-outside'],
      [2, 'dump-outside'],
      [3, 'dump-outside'],
      [4, 'dump-unreadable'],
    ]);
    // ../shared.lspci is in the folder added.
    const d2 = lsp.diagnostics(uri, 1);
    await lsp.conn.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [{ uri: pathToFileURL(dir).href, name: 'ws' }], removed: [] },
    });
    assert.deepEqual(codes(await d2), [
      [1, 'dump-outside'],
      [3, 'dump-outside'],
      [4, 'dump-unreadable'],
    ]);
    const d3 = lsp.diagnostics(uri, 1);
    await lsp.conn.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [{ uri: pathToFileURL(dir).href, name: 'ws' }] },
    });
    assert.deepEqual(codes(await d3), codes(d1));
  } finally {
    await lsp.close();
  }
});

test('a folder added before the client sends initialized (or by one that never does) counts: it used to be lost', async () => {
  const lsp = await startServer(null, [{ uri: pathToFileURL(scen).href, name: 'scen' }], {}, [], {
    capabilities: { workspace: { workspaceFolders: true } },
    initialized: false,
  });
  try {
    const uri = pathToFileURL(join(scen, 'early.vpci')).href;
    assert.deepEqual(codes(await open(lsp, uri, text)), [
      [1, 'dump-outside'],
      [2, 'dump-outside'],
      [3, 'dump-outside'],
      [4, 'dump-unreadable'],
    ]);
    await lsp.conn.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [{ uri: pathToFileURL(dir).href, name: 'ws' }], removed: [] },
    });
    // An edit after the change is checked against the roots as they now are: ../shared.lspci is inside.
    const d = lsp.diagnostics(uri, 2);
    await lsp.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
    assert.deepEqual(codes(await d), [
      [1, 'dump-outside'],
      [3, 'dump-outside'],
      [4, 'dump-unreadable'],
    ]);
  } finally {
    await lsp.close();
  }
});

test('a client that names no workspace folders (null) but a root: the root is a root', async () => {
  for (const more of [{ rootUri: pathToFileURL(dir).href }, { rootUri: null, rootPath: dir }]) {
    const lsp = await startServer(null, null, {}, [], { params: more });
    try {
      const d = await open(lsp, pathToFileURL(join(scen, 'root.vpci')).href, text);
      assert.deepEqual(
        codes(d),
        [
          [1, 'dump-outside'],
          [3, 'dump-outside'],
          [4, 'dump-unreadable'],
        ],
        JSON.stringify(more),
      );
    } finally {
      await lsp.close();
    }
  }
});

test("a path written with Windows' '\\' between its folders is missing here: the message says '/' is read everywhere, and the path so written is the fix", async () => {
  const lsp = await startServer();
  try {
    mkdirSync(join(scen, 'devices'), { recursive: true });
    copyFileSync(GPU, join(scen, 'devices', 'gpu.lspci'));
    // "devices\\gpu.lspci" (escaped) and "..\scen\devices\gpu.lspci" (a '\' before a letter stands for itself); an absolute Windows path gets no such fix
    const src = `bus a { function 0 dump "devices\\\\gpu.lspci" ${BARS} }\nbus b { function 0 dump "..\\scen\\devices\\gpu.lspci" ${BARS} }\nbus c { function 0 dump "C:\\devices\\gpu.lspci" }\nat 0 boot\n`;
    const uri = pathToFileURL(join(scen, 'win.vpci')).href;
    const d = await open(lsp, uri, src);
    assert.deepEqual(codes(d), [
      [0, 'dump-missing'],
      [1, 'dump-missing'],
      [2, 'dump-missing'],
    ]);
    assert.equal(
      d.diagnostics[0]!.message,
      "cannot read dump file 'devices\\gpu.lspci': no such file; folders are separated by '/', which every system reads ('\\' only Windows): did you mean 'devices/gpu.lspci'?",
    );
    assert.match(d.diagnostics[1]!.message as string, /did you mean '\.\.\/scen\/devices\/gpu\.lspci'\?$/);
    assert.equal(d.diagnostics[2]!.message, "cannot read dump file 'C:\\devices\\gpu.lspci': no such file");
    let fixed = src;
    for (const x of d.diagnostics) {
      const actions = await lsp.conn.sendRequest<
        {
          title: string;
          edit?: { changes?: Record<string, { range: { start: { line: number; character: number }; end: { character: number } }; newText: string }[]> };
        }[]
      >('textDocument/codeAction', { textDocument: { uri }, range: x.range, context: { diagnostics: [x] } });
      if (x.range.start.line === 2) {
        assert.deepEqual(actions, []);
        continue;
      }
      assert.equal(actions.length, 1);
      const [e] = actions[0]!.edit!.changes![uri]!;
      assert.deepEqual([e!.range.start, e!.range.end.character], [x.range.start, x.range.end.character]);
      const lines = fixed.split('\n');
      const l = lines[e!.range.start.line]!;
      lines[e!.range.start.line] = l.slice(0, e!.range.start.character) + e!.newText + l.slice(e!.range.end.character);
      fixed = lines.join('\n');
    }
    assert.match(fixed, /dump "devices\/gpu\.lspci"/);
    assert.match(fixed, /dump "\.\.\/scen\/devices\/gpu\.lspci"/);
    // The fixed paths are read: only the absolute Windows path is left.
    assert.deepEqual(codes(await open(lsp, pathToFileURL(join(scen, 'win-fixed.vpci')).href, fixed)), [[2, 'dump-missing']]);
  } finally {
    await lsp.close();
  }
});

test('a document with no folder on disk (untitled, a virtual file system) is told why its dump cannot be read', async () => {
  const lsp = await startServer(null, [{ uri: pathToFileURL(dir).href, name: 'ws' }]);
  try {
    const src = 'bus a { function 0 dump "x.lspci" }\nat 0 boot\n';
    for (const [uri, why] of [
      ['untitled:Untitled-1', /cannot read dump file 'x\.lspci': this scenario is not saved, .*save it/],
      ['vscode-vfs://github/owner/repo/s.vpci', /cannot read dump file 'x\.lspci': this scenario is not a file in a folder on disk \(vscode-vfs: URI\)/],
    ] as const) {
      const d = await open(lsp, uri, src);
      assert.deepEqual(codes(d), [[0, 'dump-no-folder']], uri);
      assert.match(d.diagnostics[0]!.message as string, why);
    }
  } finally {
    await lsp.close();
  }
});

test('a file changed on disk re-checks only the open scenarios that read it; a saved scenario re-checks none', async () => {
  const lsp = await startServer(null, [{ uri: pathToFileURL(dir).href, name: 'ws' }]);
  try {
    const own = join(dir, 'watch');
    mkdirSync(own);
    const uriOf = (name: string): string => pathToFileURL(join(own, name)).href;
    const [b, c, a] = [uriOf('b.vpci'), uriOf('c.vpci'), uriOf('a.vpci')];
    // Opened in this order, so a re-check of all of them would publish b's and c's before a's.
    await open(lsp, b, `bus b { function 0 dump "b.lspci" ${BARS} }\nat 0 boot\n`);
    await open(lsp, c, 'bus c { function 0 intel-82599-vf }\nat 0 boot\n');
    const first = await open(lsp, a, `bus a { function 0 dump "a.lspci" ${BARS} }\nat 0 boot\n`);
    assert.deepEqual(codes(first), [[0, 'dump-missing']]);
    const before = lsp.published().length;
    // A scenario saved: nothing depends on it (the language has no includes).
    await lsp.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c, type: 2 }] });
    // a.lspci appears: a is checked again, and finds it.
    copyFileSync(GPU, join(own, 'a.lspci'));
    const again = lsp.diagnostics(a, 1);
    await lsp.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('a.lspci'), type: 1 }] });
    assert.deepEqual(codes(await again), []);
    assert.deepEqual(
      lsp
        .published()
        .slice(before)
        .map((p) => p.uri),
      [a],
    );
  } finally {
    await lsp.close();
  }
});

test('a scenario within the size limit that the analysis has no memory for: one diagnostic says why, nothing is retried, the server lives on', async () => {
  // A heap of 128 MiB stands for a machine with little memory: a 2 MiB timeline needs several
  // times that. The analysis worker runs out of memory; the server must not try it on its main
  // thread (which would run out too, and end the server), nor again on every edit.
  const lsp = await startServer(null, null, {}, ['--max-old-space-size=128']);
  try {
    const uri = pathToFileURL(join(scen, 'long.vpci')).href;
    const head = 'vm {\n  host hyperv-2022\n  guest freebsd\n}\nbus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 3\n';
    let text = head;
    for (let i = 0; text.length < 2 * 1024 * 1024; i++) text += `at ${3 + (i % 1000)}ms raise nic0 vector ${i % 3}\n`;
    const d = await open(lsp, uri, text);
    assert.deepEqual(
      d.diagnostics.map((x) => [x.code, x.range.start.line, x.severity]),
      [['scenario-too-large-for-memory', 0, 1]],
    );
    assert.match(d.diagnostics[0]!.message as string, /^this scenario \(2\.0 MiB, [\d,]+ lines\) is too large to check in the memory the language server has/);
    // Requests answer, from the text alone (no analysis will come for it: nobody waits for one).
    const hover = await lsp.conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 40, character: 1 },
    });
    assert.match(hover?.contents.value ?? '', /^\*\*at\*\* \(statement\)/);
    assert.deepEqual(await lsp.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }), []);
    // One more line: not tried again, said again for the new version.
    const longer = lsp.diagnostics(uri, 2);
    await lsp.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: `${text}at 9ms raise nic0 vector 1\n` }],
    });
    assert.deepEqual(
      (await longer).diagnostics.map((x) => x.code),
      ['scenario-too-large-for-memory'],
    );
    // Another scenario is checked as usual (a fresh worker); and this one, once short, is too.
    const small = pathToFileURL(join(scen, 'small.vpci')).href;
    assert.deepEqual(
      (await open(lsp, small, `${head}at 1ms bogus\n`)).diagnostics.map((x) => x.code),
      ['unknown-event'],
    );
    const short = lsp.diagnostics(uri, 3);
    await lsp.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: head }] });
    assert.deepEqual((await short).diagnostics, []);
    assert.equal(lsp.proc.exitCode, null);
    assert.doesNotMatch(lsp.stderr(), /heap out of memory|FATAL/);
  } finally {
    await lsp.close();
  }
});

test('a document larger than a scenario may be is not analysed: one diagnostic says why, and requests still answer', async () => {
  const lsp = await startServer();
  try {
    const uri = pathToFileURL(join(scen, 'huge.vpci')).href;
    const text = '# filler\n'.repeat(1_900_000); // 17.1 MB
    const d = await open(lsp, uri, text);
    assert.deepEqual(
      d.diagnostics.map((x) => x.code),
      ['scenario-too-large'],
    );
    assert.match(d.diagnostics[0]!.message as string, /^this scenario is 16\.3 MiB long; scenarios are limited to 16 MiB/);
    assert.equal(await lsp.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } }), null);
    // Its names are not known: a rename says so rather than editing from nothing.
    await assert.rejects(
      lsp.conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 3 } }),
      (e: unknown) =>
        e instanceof ResponseError &&
        e.code === -32803 &&
        e.message === 'this scenario has not been checked as it stands (it is too large, or its check failed), so the names in it are not known',
    );
  } finally {
    await lsp.close();
  }
});

test('a broken scenario just under the size limit, in a 256 MiB heap: its first 100,000 errors and where checking stopped; no tokens or folding past 300,000 lines', async () => {
  // The heap stands for a machine with little memory: the document's own copy in the server took a
  // string per line (8 million of them), and the server ran out of memory before it could answer.
  const lsp = await startServer(null, null, {}, ['--max-old-space-size=256']);
  try {
    const uri = pathToFileURL(join(scen, 'broken.vpci')).href;
    // 8 million lines of one unknown word: 16 MiB less a byte.
    const d = await open(lsp, uri, 'x\n'.repeat(8 * 1024 * 1024 - 1) + 'x');
    assert.equal(d.diagnostics.length, 100_001);
    const last = d.diagnostics.at(-1)!;
    assert.deepEqual([last.code, last.range.start.line, last.severity], ['too-many-errors', 100_000, 1]);
    assert.equal(last.message, '100,000 syntax errors so far: the parser stops here, and the rest of the file (from line 100001) is not checked');
    const tokens = await lsp.conn.sendRequest<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.deepEqual(tokens.data, []);
    assert.deepEqual(await lsp.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } }), []);
    const hover = await lsp.conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 7_000_000, character: 0 },
    });
    assert.equal(hover, null);
    assert.deepEqual(lsp.errors(), []);
  } finally {
    await lsp.close();
  }
});

test(
  'a scenario of one line just under the size limit, in a 256 MiB heap: diagnostics, no tokens, Format Document, completion and hover all answer',
  { timeout: 180_000 },
  async () => {
    // 16 MiB of words on one line: the server made 5.6 million semantic tokens for it (28 million
    // integers) and ran out of memory; formatting held the line's tokens (over 1 GB); completion
    // at its end tokenized everything before the cursor, and the server aborted.
    const lsp = await startServer(null, null, {}, ['--max-old-space-size=256']);
    try {
      const uri = pathToFileURL(join(scen, 'one-line.vpci')).href;
      const words = Math.floor((16 * 1024 * 1024 - 1) / 3);
      const d = await open(lsp, uri, 'x  '.repeat(words));
      assert.deepEqual(
        d.diagnostics.map((x) => [x.code, x.range.start.line, x.range.start.character]),
        [['unknown-statement', 0, 0]],
      );
      const tokens = await lsp.conn.sendRequest<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
      assert.deepEqual(tokens.data, []);
      assert.deepEqual(await lsp.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } }), []);
      const edits = await lsp.conn.sendRequest<{ newText: string }[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.equal(edits.length, 1);
      assert.equal(edits[0]!.newText, 'x '.repeat(words - 1) + 'x\n');
      const end = { line: 0, character: 3 * words };
      assert.deepEqual(await lsp.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: end }), []);
      assert.equal(await lsp.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 * 1_000_000 } }), null);
      assert.equal(lsp.proc.exitCode, null);
      assert.deepEqual(lsp.errors(), []);
    } finally {
      await lsp.close();
    }
  },
);

test('a scenario of one 10 MB word: its diagnostic quotes it shortened, and a hover, definition or highlight on it answers nothing, with no error', async () => {
  // The diagnostic was "internal-error" (quoting the word overflowed the stack), and each request on
  // the word logged an error of 10 MB: the pattern built from it to find the bus name was too large.
  const lsp = await startServer();
  try {
    const uri = pathToFileURL(join(scen, 'one-word.vpci')).href;
    // Asked at once, before the first analysis: answered from the text.
    const analysed = open(lsp, uri, 'w'.repeat(10 << 20));
    const at = { textDocument: { uri }, position: { line: 0, character: 5_000_000 } };
    const answers = await Promise.all(['hover', 'definition', 'documentHighlight'].map((m) => lsp.conn.sendRequest(`textDocument/${m}`, at)));
    assert.deepEqual(
      (await analysed).diagnostics.map((x) => [x.code, x.message]),
      [['unknown-statement', `unknown statement '${'w'.repeat(100)}…${'w'.repeat(100)}' (10,485,760 characters) (expected vm, bus, at, expect)`]],
    );
    // And after it.
    answers.push(await lsp.conn.sendRequest('textDocument/hover', at));
    assert.deepEqual(answers, [null, [], [], null]);
    assert.deepEqual(lsp.errors(), []);
  } finally {
    await lsp.close();
  }
});

test('formatting a scenario just under the size limit, in a 1 GiB heap: the edit comes, the server lives on', { timeout: 180_000 }, async () => {
  // 4 million lines of one word: formatting held every token and a record per line (4.9 GB at its
  // peak), and the worker ran out of memory; line by line it needs about the text and the result.
  const lsp = await startServer(null, null, {}, ['--max-old-space-size=1024']);
  try {
    const uri = pathToFileURL(join(scen, 'words.vpci')).href;
    const text = 'x  \n'.repeat(4 * 1024 * 1024 - 1) + 'x';
    await open(lsp, uri, text);
    const edits = await lsp.conn.sendRequest<{ newText: string }[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.newText, 'x\n'.repeat(4 * 1024 * 1024));
    assert.equal(lsp.proc.exitCode, null);
    assert.deepEqual(lsp.errors(), []);
    assert.doesNotMatch(lsp.stderr(), /heap out of memory|FATAL/);
  } finally {
    await lsp.close();
  }
});

/** The watcher registrations a client receives (client/registerCapability), live and dropped. */
function watchRegistrations(lsp: Awaited<ReturnType<typeof startServer>>) {
  const live = new Map<string, { globPattern: unknown }[]>();
  const changes: (() => void)[] = [];
  lsp.conn.onRequest(
    'client/registerCapability',
    (p: { registrations: { id: string; method: string; registerOptions: { watchers: { globPattern: unknown }[] } }[] }) => {
      for (const r of p.registrations) if (r.method === 'workspace/didChangeWatchedFiles') live.set(r.id, r.registerOptions.watchers);
      changes.splice(0).forEach((f) => f());
      return null;
    },
  );
  lsp.conn.onRequest('client/unregisterCapability', (p: { unregisterations: { id: string }[] }) => {
    for (const u of p.unregisterations) live.delete(u.id);
    changes.splice(0).forEach((f) => f());
    return null;
  });
  return {
    patterns: () => [...live.values()].flat().map((w) => w.globPattern),
    /** Resolves at the next registration or unregistration whose result satisfies `ok`. */
    until(ok: (patterns: unknown[]) => boolean): Promise<unknown[]> {
      return new Promise((res) => {
        const check = (): void => {
          const now = [...live.values()].flat().map((w) => w.globPattern);
          if (ok(now)) res(now);
          else changes.push(check);
        };
        check();
      });
    },
  };
}

test('a dump with any name, next to a scenario outside any folder, is watched at the server’s request: a change on disk checks the scenario again', async () => {
  const own = join(dir, 'loose');
  mkdirSync(own);
  copyFileSync(GPU, join(own, 'nic [1].txt'));
  const lsp = await startServer(null, null, {}, [], {
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } },
  });
  try {
    const w = watchRegistrations(lsp);
    const uri = pathToFileURL(join(own, 'loose.vpci')).href;
    const scenario = `bus a { function 0 dump "nic [1].txt" ${BARS} }\nat 0 boot\n`;
    const d1 = await open(lsp, uri, scenario);
    assert.deepEqual(codes(d1), []);
    // The folder as a URI and the name with glob syntax matched by any one character.
    const folder = pathToFileURL(own).href;
    assert.deepEqual(await w.until((p) => p.length > 0), [{ baseUri: folder, pattern: 'nic ?1?.txt' }]);
    // The dump changes on disk; the client reports it (as VS Code does for a registered watcher).
    writeFileSync(join(own, 'nic [1].txt'), 'this is not an lspci dump\n');
    const d2p = lsp.diagnostics(uri, 1);
    await lsp.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(own, 'nic [1].txt')).href, type: 2 }] });
    assert.deepEqual(codes(await d2p), [[0, 'dump-unparsable']]);
    // Another dump named: one registration for both, the old one dropped.
    const d3p = lsp.diagnostics(uri, 2);
    await lsp.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: `${scenario}bus b { function 0 dump "other.dump" }\n` }],
    });
    await d3p;
    const both = await w.until((p) => p.length === 2);
    assert.deepEqual(both, [
      { baseUri: folder, pattern: 'nic ?1?.txt' },
      { baseUri: folder, pattern: 'other.dump' },
    ]);
    // Closed: nothing is watched any more.
    await lsp.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual(await w.until((p) => p.length === 0), []);
    assert.deepEqual(lsp.warnings(), []);
  } finally {
    await lsp.close();
  }
});

test('a client that cannot register watchers is never asked to; one without base folders gets full paths', async () => {
  for (const watch of [undefined, { dynamicRegistration: true }]) {
    const lsp = await startServer(null, null, {}, [], watch ? { capabilities: { workspace: { didChangeWatchedFiles: watch } } } : {});
    try {
      const asked: unknown[] = [];
      let registered: (() => void) | undefined;
      const registration = new Promise<void>((r) => (registered = r));
      lsp.conn.onRequest('client/registerCapability', (p: { registrations: { registerOptions: { watchers: { globPattern: unknown }[] } }[] }) => {
        asked.push(...p.registrations.flatMap((r) => r.registerOptions.watchers.map((x) => x.globPattern)));
        registered?.();
        return null;
      });
      const uri = pathToFileURL(join(scen, 'plain.vpci')).href;
      await open(lsp, uri, `bus a { function 0 dump "gpu.lspci" ${BARS} }\nat 0 boot\n`);
      if (watch) {
        await registration;
        assert.deepEqual(asked, [join(scen, 'gpu.lspci')]);
      } else {
        // Past the analysis and a request after it, the server has asked whatever it was going to.
        await lsp.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
        await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(asked, []);
      }
    } finally {
      await lsp.close();
    }
  }
});
