// The language server reads dump files under the same rule as the CLI and the
// adapter: the scenario's folder and the workspace folders, symbolic links
// resolved — with no workspace open, no absolute path outside the scenario's
// folder is read — and an escaping path is its own diagnostic, not "cannot read".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
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
  } finally {
    await lsp.close();
  }
});
