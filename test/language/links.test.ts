// Document links and Go to Definition on the files a scenario reads (its dump
// paths: `function SLOT dump "…"` in a bus, an offer or a plug), over real LSP
// traffic: a path that was read links to the file as the runtime resolves it
// (relative to the scenario, symbolic links resolved, inside the scenario's
// folder or a workspace folder), with "Open NAME" as its tooltip; a path that
// cannot be read (missing, outside, a folder, a device) has no link, only its
// diagnostic.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { DocumentLink, Location, LocationLink } from 'vscode-languageserver-protocol';
import { startServer, open } from './client';

const dir = mkdtempSync(join(tmpdir(), 'vpci-lsp-links-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const GPU = resolve('examples/devices/nvidia-tu102-gpu.lspci');
const BARS = 'select 02:00.0 bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K';
const scen = join(dir, 'scen');
mkdirSync(join(scen, 'devices'), { recursive: true });
copyFileSync(GPU, join(scen, 'gpu.lspci'));
copyFileSync(GPU, join(scen, 'devices', 'real-nic.lspci'));
copyFileSync(GPU, join(scen, 'a #1.lspci'));
copyFileSync(GPU, join(dir, 'shared.lspci'));
symlinkSync('devices/real-nic.lspci', join(scen, 'nic.lspci'));
symlinkSync('/dev/zero', join(scen, 'zero.lspci'));
mkdirSync(join(scen, 'folder.lspci'));

const lines = [
  /* 0 */ `bus a { function 0 dump "gpu.lspci" ${BARS} }`,
  /* 1 */ `bus b { function 0 dump "nic.lspci" ${BARS} }`,
  /* 2 */ `bus c { function 0 dump "a #1.lspci" ${BARS} }`,
  /* 3 */ `bus d { function 0 dump "../shared.lspci" ${BARS} }`,
  /* 4 */ `bus e { function 0 dump "${GPU}" ${BARS} }`,
  /* 5 */ 'bus f { function 0 dump "zero.lspci" }',
  /* 6 */ 'bus g { function 0 dump "folder.lspci" }',
  /* 7 */ 'bus h { function 0 dump "missing.lspci" }',
  /* 8 */ 'at 0 boot',
  /* 9 */ `at 1ms offer o { function 0 dump "./devices/../gpu.lspci" ${BARS} }`,
  /* 10 */ `at 2ms plug a function 1 dump "gpu.lspci" ${BARS}`,
  '',
];
const text = lines.join('\n');
const uri = pathToFileURL(join(scen, 'links.vpci')).href;

/** The range inside the quotes of the path on `line` (each line has one string: its dump path). */
function quoted(line: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const l = lines[line]!;
  const open = l.indexOf('dump "') + 'dump '.length;
  return { start: { line, character: open + 1 }, end: { line, character: l.indexOf('"', open + 1) } };
}

const fileUri = (p: string): string => pathToFileURL(realpathSync(p)).href;

test('dump paths that were read link to the file the runtime reads, with a tooltip; those that cannot be read have none', async () => {
  const lsp = await startServer(null, [{ uri: pathToFileURL(dir).href, name: 'ws' }]);
  try {
    const d = await open(lsp, uri, text);
    // the paths that cannot be read each have their diagnostic
    assert.deepEqual(
      d.diagnostics.filter((x) => x.severity === 1).map((x) => [x.range.start.line, x.code]),
      [
        [4, 'dump-outside'],
        [5, 'dump-outside'],
        [6, 'dump-unreadable'],
        [7, 'dump-missing'],
      ],
    );
    const links = await lsp.conn.sendRequest<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    const gpu = fileUri(join(scen, 'gpu.lspci'));
    assert.deepEqual(links, [
      { range: quoted(0), target: gpu, tooltip: 'Open gpu.lspci' },
      // through the symbolic link: the file it resolves to, as the runtime reads it
      { range: quoted(1), target: fileUri(join(scen, 'devices', 'real-nic.lspci')), tooltip: 'Open real-nic.lspci' },
      // a space and a '#' in the name: escaped in the URI
      { range: quoted(2), target: fileUri(join(scen, 'a #1.lspci')), tooltip: 'Open a #1.lspci' },
      // in the workspace folder, outside the scenario's
      { range: quoted(3), target: fileUri(join(dir, 'shared.lspci')), tooltip: 'Open shared.lspci' },
      // an offered bus and a plugged function name files too
      { range: quoted(9), target: gpu, tooltip: 'Open gpu.lspci' },
      { range: quoted(10), target: gpu, tooltip: 'Open gpu.lspci' },
    ]);
    assert.match(links[2]?.target ?? '', /a%20%231\.lspci$/);
  } finally {
    await lsp.close();
  }
});

test('a client without tooltipSupport gets its links without a tooltip', async () => {
  const lsp = await startServer(null, null, { documentLink: {} });
  try {
    await open(lsp, uri, text);
    const links = await lsp.conn.sendRequest<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    assert.equal(links.length, 5);
    for (const l of links) assert.deepEqual(Object.keys(l), ['range', 'target']);
  } finally {
    await lsp.close();
  }
});

test('without the workspace folder, a path outside the scenario folder is no link', async () => {
  const lsp = await startServer();
  try {
    await open(lsp, uri, text);
    const links = await lsp.conn.sendRequest<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    assert.deepEqual(
      links.map((l) => l.range.start.line),
      [0, 1, 2, 9, 10],
    );
  } finally {
    await lsp.close();
  }
});

test('Go to Definition on a dump path opens the file: a LocationLink underlining the path where the client takes one, else a Location', async () => {
  const withLinks = await startServer(null, null, { definition: { linkSupport: true } });
  const plain = await startServer();
  try {
    await open(withLinks, uri, text);
    await open(plain, uri, text);
    const start = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const target = fileUri(join(scen, 'devices', 'real-nic.lspci'));
    // anywhere on the string, its quotes included
    for (const character of [quoted(1).start.character - 1, quoted(1).start.character + 3, quoted(1).end.character + 1]) {
      const position = { line: 1, character };
      assert.deepEqual(await withLinks.conn.sendRequest<LocationLink[]>('textDocument/definition', { textDocument: { uri }, position }), [
        { originSelectionRange: quoted(1), targetUri: target, targetRange: start, targetSelectionRange: start },
      ]);
      assert.deepEqual(await plain.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri }, position }), [
        { uri: target, range: start },
      ]);
    }
    // a path that cannot be read: nothing to open
    for (const line of [5, 6, 7]) {
      const position = { line, character: quoted(line).start.character + 1 };
      assert.deepEqual(await plain.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position }), [], String(line));
    }
    // a bus name still goes to its declaration
    const busA = { line: 10, character: lines[10]!.indexOf('plug a') + 5 };
    assert.deepEqual(await plain.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri }, position: busA }), [
      { uri, range: { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } } },
    ]);
  } finally {
    await withLinks.close();
    await plain.close();
  }
});

test('a dump that appears on disk becomes a link once the scenario is checked again', async () => {
  const lsp = await startServer();
  try {
    const own = join(dir, 'later');
    mkdirSync(own);
    const u = pathToFileURL(join(own, 'later.vpci')).href;
    await open(lsp, u, `bus a { function 0 dump "late.lspci" ${BARS} }\nat 0 boot\n`);
    assert.deepEqual(await lsp.conn.sendRequest('textDocument/documentLink', { textDocument: { uri: u } }), []);
    copyFileSync(GPU, join(own, 'late.lspci'));
    const again = lsp.diagnostics(u, 1);
    await lsp.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(own, 'late.lspci')).href, type: 1 }] });
    await again;
    const links = await lsp.conn.sendRequest<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: u } });
    assert.deepEqual(
      links.map((l) => l.target),
      [fileUri(join(own, 'late.lspci'))],
    );
  } finally {
    await lsp.close();
  }
});

test('hover on a dump path says the file it was resolved to and which device of it the function takes', async () => {
  const lsp = await startServer(null, [{ uri: pathToFileURL(dir).href, name: 'ws' }]);
  const hover = async (line: number, character: number): Promise<{ value: string; range: unknown } | null> => {
    const h = await lsp.conn.sendRequest<{ contents: { value: string }; range: unknown } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    });
    return h && { value: h.contents.value, range: h.range };
  };
  try {
    await open(lsp, uri, text);
    // through its symbolic link, with the device `select` names; the range is the whole string
    const nic = await hover(1, quoted(1).start.character + 2);
    assert.equal(
      nic?.value,
      `**dump file** \`${realpathSync(join(scen, 'devices', 'real-nic.lspci'))}\`\n\nAn lspci -x/-xxx/-xxxx dump, read relative to the scenario's folder; this function is the device at \`02:00.0\` (\`select\`).`,
    );
    assert.deepEqual(nic.range, { start: { line: 1, character: quoted(1).start.character - 1 }, end: { line: 1, character: quoted(1).end.character + 1 } });
    // a plugged function's path, resolved from the scenario's folder
    assert.match(
      (await hover(10, quoted(10).start.character))!.value,
      new RegExp(`\`${realpathSync(join(scen, 'gpu.lspci')).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\``),
    );
    // without select, and not read
    assert.equal(
      (await hover(7, quoted(7).start.character))?.value,
      '**dump file** "missing.lspci"\n\nNot read (its diagnostic says why); a path is relative to the scenario\'s folder. This function would be the first device in it (no `select`).',
    );
    // the lspci address after select
    assert.match((await hover(1, lines[1]!.indexOf('02:00.0') + 3))!.value, /^\*\*lspci address\*\* `02:00\.0`: domain 0, bus 2, device 0, function 0/);
  } finally {
    await lsp.close();
  }
});
