// Requests while a large scenario is being edited (language/server.ts holdsFor): definition,
// references, highlights, quick fixes and the semantic tokens of a range point at other lines, and
// waited for the analysis of the text as it stands, seconds on a scenario of hundreds of kilobytes,
// at every key typed. Where the last analysis still holds for the lines an answer is about (no line
// added or removed since, those lines as they were, the name on no edited line), or where the one
// line edited is a statement of its own, read again alone (language/relined.ts), they are answered
// from it, before the new analysis is published, and the same as it would answer; otherwise they
// wait for it. A hover before the first analysis explains a keyword at once and waits only for a
// name. The order of messages is what is checked, never a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Hover, Location, PublishDiagnosticsParams, SemanticTokens } from 'vscode-languageserver-protocol';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, open, type Lsp } from './client';

const URI = 'file:///virtual/typing.vpci';

/** A scenario of about 600 KB: 3,000 buses, a driver event each, and expectations. */
function large(): string[] {
  const lines = [
    'vm {',
    '  host hyperv-2016',
    '  guest freebsd',
    '}',
    'bus nic0 { function 0 intel-82599-vff }',
    'bus blk {',
    '  function 0 intel-82599-vf',
    '}',
  ];
  for (let k = 1; k < 3000; k++) lines.push(`bus nic${k} { function 0 intel-82599-vf serial ${k} }`);
  lines.push('at 0 boot', 'at 1ms driver blk/0 msix 3');
  for (let k = 1; k < 3000; k++) lines.push(`at ${k}ms driver nic${k} msix 3`);
  for (let k = 1; k < 3000; k++) lines.push(`expect nic${k} attached`, `expect nic${k} msix 3`);
  lines.push('');
  return lines;
}

/** `request`'s answer, and whether the diagnostics of `version` had been published when it came. */
async function answered<T>(lsp: Lsp, version: number, request: Promise<T>): Promise<{ answer: T; afterAnalysis: boolean }> {
  const answer = await request;
  return { answer, afterAnalysis: lsp.published().some((p: PublishDiagnosticsParams) => p.uri === URI && p.version === version) };
}

test(
  'while a large scenario is edited, requests about unedited lines are answered from the last analysis, and the same as after the new one; those about edited lines wait',
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer(null, null, {
      semanticTokens: { requests: { full: true, range: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
    });
    try {
      const lines = large();
      const first = await open(lsp, URI, lines.join('\n'));
      const slip = first.diagnostics.find((d) => d.code === 'unknown-device')!;
      assert.ok(slip);
      const busLine = lines.findIndex((l) => l.startsWith('bus nic100 '));
      const eventLine = lines.indexOf('at 100ms driver nic100 msix 3');
      const expectLine = lines.indexOf('expect nic100 attached');
      const doc = { textDocument: { uri: URI } };
      const at = (line: number, text: string): { textDocument: { uri: string }; position: { line: number; character: number } } => ({
        ...doc,
        position: { line, character: lines[line]!.indexOf(text) + 1 },
      });
      const ask = (): Promise<[Location[], Location[], unknown, CodeAction[], SemanticTokens]> =>
        Promise.all([
          lsp.conn.sendRequest<Location[]>('textDocument/definition', at(eventLine, 'nic100')),
          lsp.conn.sendRequest<Location[]>('textDocument/references', { ...at(expectLine, 'nic100'), context: { includeDeclaration: true } }),
          lsp.conn.sendRequest('textDocument/documentHighlight', at(busLine, 'nic100')),
          lsp.conn.sendRequest<CodeAction[]>('textDocument/codeAction', { ...doc, range: slip.range, context: { diagnostics: [slip] } }),
          lsp.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/range', {
            ...doc,
            range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
          }),
        ]);
      const before = await ask();
      assert.equal(before[0][0]?.range.start.line, busLine);
      assert.equal(before[1].length, 4);
      assert.equal(before[3][0]?.title, "Change to 'intel-82599-vf'");
      assert.ok(before[4].data.length > 0);
      const edit = async (version: number, line: number, text: string): Promise<void> => {
        const end = { line, character: lines[line]!.length };
        await lsp.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri: URI, version },
          contentChanges: [{ range: { start: end, end }, text }],
        });
        lines[line] += text;
      };

      // A comment typed at the end of a line far from all of them: answered from the last analysis, the same as before.
      await edit(2, 5000, ' # typed');
      const early = await answered(lsp, 2, ask());
      assert.equal(early.afterAnalysis, false, 'answered only after the analysis of the edited text');
      assert.deepEqual(early.answer, before);
      await lsp.diagnostics(URI, 2);

      // The name typed on another line, a statement of its own: that line is read again, and the references find it there.
      const line = 5000;
      await lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 3 },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: lines[line]!.length } }, text: 'expect nic100 detached' }],
      });
      lines[line] = 'expect nic100 detached';
      const named = await answered(
        lsp,
        3,
        lsp.conn.sendRequest<Location[]>('textDocument/references', { ...at(expectLine, 'nic100'), context: { includeDeclaration: true } }),
      );
      assert.equal(named.afterAnalysis, false);
      assert.equal(named.answer.length, 5);
      await lsp.diagnostics(URI, 3);

      // A line added above them: every position moves, and the last analysis no longer holds; a bus name is read from the lines that name it (language/text-names.ts).
      await lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 4 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# added\n' }],
      });
      lines.unshift('# added');
      const moved = await answered(lsp, 4, lsp.conn.sendRequest<Location[]>('textDocument/definition', at(eventLine + 1, 'nic100')));
      assert.equal(moved.afterAnalysis, false);
      assert.equal(moved.answer[0]?.range.start.line, busLine + 1);
      await lsp.diagnostics(URI, 4);
      assert.deepEqual(await lsp.conn.sendRequest<Location[]>('textDocument/definition', at(eventLine + 1, 'nic100')), moved.answer);
      // nic100 named on a statement with a block below it (the parser takes a failed statement's block with it): the answers wait.
      await lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 5 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'expect nic100\n{\n}\n' }],
      });
      lines.unshift('expect nic100', '{', '}');
      const waits = await answered(lsp, 5, lsp.conn.sendRequest<Location[]>('textDocument/definition', at(eventLine + 4, 'nic100')));
      assert.equal(waits.afterAnalysis, true);
      assert.equal(waits.answer[0]?.range.start.line, busLine + 4);
    } finally {
      await lsp.close();
    }
  },
);

test(
  'a keyword and a bus name hovered in a large scenario just opened are answered at once (the bus from the lines that name it, read alone), the same as after the first analysis; a name those lines do not settle waits for it',
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      const lines = large();
      lines.splice(
        lines.length - 1,
        0,
        'bus detached { function 0 intel-82599-vf }', // a bus named by a fixed word: `expect nic7 detached` is read otherwise
        'expect nic7 detached # nic5 named in a comment',
        'at 9s offer hp0 {', // a block over lines: read with its first line
        '  function 0 intel-82599-vf',
        '}',
        'expect hp0 attached',
        'expect "nic6" attached',
        'at 9001ms driver nic8 msix # missing its count',
        'expect nic9', // a statement run over two lines: read alone, as the parser reads it (the next line is an error of its own)
        '  attached',
      );
      const first = lsp.diagnostics(URI, 1);
      await lsp.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: lines.join('\n') } });
      const spots: [string, string][] = [
        ['at 100ms driver nic100 msix 3', 'driver'],
        ['at 100ms driver nic100 msix 3', 'nic100'],
        ['bus nic100 { function 0 intel-82599-vf serial 100 }', 'nic100'],
        ['at 1ms driver blk/0 msix 3', 'blk'],
        ['bus blk {', 'blk'],
        ['expect nic7 detached # nic5 named in a comment', 'nic7'],
        ['expect nic7 detached # nic5 named in a comment', 'nic5'],
        ['expect hp0 attached', 'hp0'],
        ['expect "nic6" attached', 'nic6'],
        ['at 9001ms driver nic8 msix # missing its count', 'nic8'],
        ['expect nic5 attached', 'nic5'],
        ['expect nic9', 'nic9'],
      ];
      const hover = ([line, word]: [string, string]): Promise<Hover | null> =>
        lsp.conn.sendRequest<Hover | null>('textDocument/hover', {
          textDocument: { uri: URI },
          position: { line: lines.indexOf(line), character: line.indexOf(word) + 1 },
        });
      const early = await Promise.all(spots.map((s) => answered(lsp, 1, hover(s))));
      await first;
      const after = await Promise.all(spots.map(hover));
      assert.deepEqual(
        early.map((e) => e.answer),
        after,
      );
      assert.match(JSON.stringify(after[1]?.contents), /bus nic100\*\* — declared on line \d+; 3 references/);
      assert.match(JSON.stringify(after[3]?.contents), /bus blk\*\* — declared on line 6; 1 reference"/);
      // At once: the keyword, a comment, and a bus named only on statements of a line each (nic9's state below it is a line of its own) or blocks (nic8 on a line the parser drops: no hover); the rest waited.
      assert.deepEqual(
        early.map((e, i) => `${spots[i]![1]} ${e.afterAnalysis ? 'waited' : 'at once'}`),
        [
          'driver at once',
          'nic100 at once',
          'nic100 at once',
          'blk at once',
          'blk at once',
          'nic7 waited',
          'nic5 at once',
          'hp0 at once',
          'nic6 at once',
          'nic8 at once',
          'nic5 at once',
          'nic9 at once',
        ],
      );
    } finally {
      await lsp.close();
    }
  },
);

test(
  "definition, references and highlights on a bus name or a function's slot (`mf/1.0`, `function 1.0` in its bus's block), and hovers in a bus's block, in a large scenario just opened: answered at once from the lines that name the bus and its blocks, the same as after the first analysis; a block that reads a dump file waits for it",
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      const lines = large();
      lines.splice(
        lines.length - 1,
        0,
        'bus mf {',
        '  function 0 intel-82599-vf serial 9',
        '  function 1.0 mellanox-cx3-vf',
        '}',
        'bus dd {',
        '  function 0 dump "dd.lspci"',
        '  function 1 intel-82599-vf',
        '}',
        'at 9001ms driver mf/1.0 msix 2',
        'expect mf/1 msix 2',
        'at 9002ms driver dd/1 msix 2',
      );
      const first = lsp.diagnostics(URI, 1);
      await lsp.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: lines.join('\n') } });
      const spots: [string, string, string][] = [
        ['definition', 'at 100ms driver nic100 msix 3', 'nic100'],
        ['references', 'expect nic100 attached', 'nic100'],
        ['documentHighlight', 'at 1ms driver blk/0 msix 3', 'blk'],
        ['definition', 'at 9001ms driver mf/1.0 msix 2', '1.0'],
        ['references', 'expect mf/1 msix 2', '/1'],
        ['documentHighlight', '  function 1.0 mellanox-cx3-vf', '1.0'],
        ['hover', '  function 1.0 mellanox-cx3-vf', '1.0'],
        ['hover', '  function 1.0 mellanox-cx3-vf', 'mellanox'],
        ['hover', '  function 0 intel-82599-vf serial 9', '9'],
        ['hover', 'at 9001ms driver mf/1.0 msix 2', '1.0'],
        ['definition', 'bus dd {', 'dd'],
        ['definition', 'at 9002ms driver dd/1 msix 2', '/1'],
        ['hover', '  function 1 intel-82599-vf', ' 1'],
      ];
      const ask = ([method, line, word]: [string, string, string]): Promise<unknown> =>
        lsp.conn.sendRequest(`textDocument/${method}`, {
          textDocument: { uri: URI },
          position: { line: lines.indexOf(line), character: line.indexOf(word) + 1 },
          ...(method === 'references' ? { context: { includeDeclaration: true } } : {}),
        });
      const early = await Promise.all(spots.map((s) => answered(lsp, 1, ask(s))));
      await first;
      const after = await Promise.all(spots.map(ask));
      assert.deepEqual(
        early.map((e) => e.answer),
        after,
      );
      assert.equal(
        JSON.stringify(after[3]),
        JSON.stringify([
          {
            uri: URI,
            range: {
              start: { line: lines.indexOf('  function 1.0 mellanox-cx3-vf'), character: 11 },
              end: { line: lines.indexOf('  function 1.0 mellanox-cx3-vf'), character: 14 },
            },
          },
        ]),
      );
      assert.equal((after[4] as unknown[]).length, 3, 'the declaration and two references');
      assert.match(JSON.stringify((after[6] as Hover).contents), /function mf\/1\.0\*\* — declared on line/);
      // What the text alone settles, at once; a block that reads a dump file (its functions: dd/1) waited.
      assert.deepEqual(
        early.map((e, i) => `${spots[i]![0]} ${spots[i]![2].trim()} ${e.afterAnalysis ? 'waited' : 'at once'}`),
        [
          'definition nic100 at once',
          'references nic100 at once',
          'documentHighlight blk at once',
          'definition 1.0 at once',
          'references /1 at once',
          'documentHighlight 1.0 at once',
          'hover 1.0 at once',
          'hover mellanox at once',
          'hover 9 at once',
          'hover 1.0 at once',
          'definition dd at once',
          'definition /1 waited',
          'hover 1 waited',
        ],
      );
    } finally {
      await lsp.close();
    }
  },
);

test(
  "completion in a large scenario just opened: where it offers no name of the scenario's (keywords, devices, profiles), at once, the same as after the first analysis; where it does (buses, event times, vectors), after it",
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      const lines = large();
      const first = lsp.diagnostics(URI, 1);
      await lsp.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: lines.join('\n') } });
      const spots: [string, string][] = [
        ['at 0 boot', 'boot'],
        ['  function 0 intel-82599-vf', 'intel'],
        ['  host hyperv-2016', 'hyperv'],
        ['expect nic100 attached', 'attached'],
        ['expect nic100 attached', 'nic100'],
        ['at 100ms driver nic100 msix 3', '100ms'],
        ['at 100ms driver nic100 msix 3', '3'],
      ];
      const complete = ([line, word]: [string, string]): Promise<{ label: string }[]> =>
        lsp.conn.sendRequest<{ label: string }[]>('textDocument/completion', {
          textDocument: { uri: URI },
          position: { line: lines.indexOf(line), character: line.lastIndexOf(word) },
        });
      const early = await Promise.all(spots.map((s) => answered(lsp, 1, complete(s))));
      await first;
      const after = await Promise.all(spots.map(complete));
      assert.deepEqual(
        early.map((e) => e.answer),
        after,
      );
      assert.ok(after.every((x) => x.length > 0));
      assert.ok(after[4]!.some((x) => x.label === 'nic100'));
      assert.deepEqual(
        early.map((e, i) => `${spots[i]![1]} ${e.afterAnalysis ? 'waited' : 'at once'}`),
        ['boot at once', 'intel at once', 'hyperv at once', 'attached at once', 'nic100 waited', '100ms waited', '3 waited'],
      );
    } finally {
      await lsp.close();
    }
  },
);

test(
  "a scenario of a megabyte on one line, just opened: a bus name's hover and definition wait for the analysis (off the thread that answers), not read from that line on it, so a keyword's hover asked after them is answered first",
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      const text = `${'bus b0 { function 0 intel-82599-vf } '.repeat(26_000)}at 0 boot`;
      const first = lsp.diagnostics(URI, 1);
      await lsp.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text } });
      const order: string[] = [];
      const ask = async (what: string, method: string, character: number): Promise<unknown> => {
        const r = await lsp.conn.sendRequest(`textDocument/${method}`, { textDocument: { uri: URI }, position: { line: 0, character } });
        order.push(what);
        return r;
      };
      const answers = await Promise.all([ask('bus hover', 'hover', 5), ask('bus definition', 'definition', 5), ask('keyword hover', 'hover', 11)]);
      await first;
      assert.deepEqual(order, ['keyword hover', 'bus hover', 'bus definition']);
      assert.match(JSON.stringify(answers[0]), /bus b0\*\* — declared on line 1/);
      assert.ok((answers[1] as unknown[]).length > 0);
    } finally {
      await lsp.close();
    }
  },
);

test(
  "a word inside a dump file's path, hovered in a large scenario just opened: no bus's line, so the hover waits for the analysis that read the file (it answered at once that the file was not read)",
  { timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-typing-'));
    const lsp = await startServer();
    try {
      copyFileSync('examples/devices/nvidia-tu102-gpu.lspci', join(dir, 'nic0.lspci'));
      const uri = pathToFileURL(join(dir, 's.vpci')).href;
      const lines = large();
      const line = '  function 0 dump "nic0.lspci"';
      lines.splice(lines.length - 1, 0, 'bus gpu {', line, '}');
      const first = lsp.diagnostics(uri, 1);
      await lsp.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'vpci', version: 1, text: lines.join('\n') } });
      const hover = (): Promise<Hover | null> =>
        lsp.conn.sendRequest<Hover | null>('textDocument/hover', {
          textDocument: { uri },
          position: { line: lines.indexOf(line), character: line.indexOf('nic0') + 1 },
        });
      const early = await hover();
      await first;
      assert.deepEqual(early, await hover());
      assert.match(JSON.stringify(early?.contents), /dump file\*\* `[^`]*nic0\.lspci`/);
    } finally {
      await lsp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "a bus name hovered after a line is added: the last analysis's line and count of references no longer hold, so the hover waits for the analysis of the text as it stands",
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      // hp0's block reads a dump file, so the text alone does not settle its occurrences.
      const lines = [
        'at 0 boot',
        'at 5ms offer hp0 {',
        '  function 0 intel-82599-vf',
        '  function 1 dump "x.lspci"',
        '}',
        'expect hp0 attached',
        'expect hp0 attached',
        '',
      ];
      await open(lsp, URI, lines.join('\n'));
      const hover = (): Promise<Hover | null> =>
        lsp.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 6, character: 8 } });
      assert.match(JSON.stringify((await hover())?.contents), /declared on line 2; 2 references/);
      // A third expectation above: line 7 reads as it did, but hp0 has one more reference.
      await lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 2 },
        contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'expect hp0 attached\n' }],
      });
      assert.match(JSON.stringify((await hover())?.contents), /declared on line 2; 3 references/);
      // Another line above the block: the declaration moves, and a bus named on the line hovered is still answered.
      await lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 3 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# moved\n' }],
      });
      assert.match(JSON.stringify((await hover())?.contents), /declared on line 3; 3 references/);
    } finally {
      await lsp.close();
    }
  },
);

test(
  "a function line's bus, renamed on its block's first line: the function's highlights are the new bus's function's, not the old one's",
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      const lines = large();
      await open(lsp, URI, lines.join('\n'));
      const fn = lines.indexOf('  function 0 intel-82599-vf');
      const highlight = (): Promise<unknown[]> =>
        lsp.conn.sendRequest<unknown[]>('textDocument/documentHighlight', { textDocument: { uri: URI }, position: { line: fn, character: 11 } });
      assert.equal((await highlight()).length, 2, 'the function and the driver event naming blk/0');
      const open_ = lines.indexOf('bus blk {');
      await lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 2 },
        contentChanges: [{ range: { start: { line: open_, character: 4 }, end: { line: open_, character: 7 } }, text: 'eth' }],
      });
      // The block read from the text (language/text-names.ts), under its new name: eth/0.0 is named nowhere else.
      const after = await answered(lsp, 2, highlight());
      assert.equal(after.afterAnalysis, false);
      assert.equal(after.answer.length, 1, JSON.stringify(after.answer));
      await lsp.diagnostics(URI, 2);
      assert.deepEqual(await highlight(), after.answer);
    } finally {
      await lsp.close();
    }
  },
);

test(
  "a large scenario edited while its first analysis runs: that analysis is kept, and a bus name's hover is answered from it before the edited text's",
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      const lines = large();
      const line = lines.indexOf('at 100ms driver nic100 msix 3');
      await lsp.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpci', version: 1, text: lines.join('\n') } });
      const end = { line: 5000, character: lines[5000]!.length };
      await lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 2 },
        contentChanges: [{ range: { start: end, end }, text: ' # typed' }],
      });
      const second = lsp.diagnostics(URI, 2);
      const bus = await answered(
        lsp,
        2,
        lsp.conn.sendRequest<Hover | null>('textDocument/hover', {
          textDocument: { uri: URI },
          position: { line, character: lines[line]!.indexOf('nic100') + 1 },
        }),
      );
      assert.equal(bus.afterAnalysis, false, 'the first analysis was dropped, and the hover waited for the next one');
      assert.match(JSON.stringify(bus.answer?.contents), /bus nic100\*\* — declared on line/);
      await second;
    } finally {
      await lsp.close();
    }
  },
);

test(
  'on the line being typed, highlights and definition are answered from the last analysis with that line read again, the same as after the new analysis',
  { timeout: 300_000 },
  async () => {
    const lsp = await startServer();
    try {
      const lines = large();
      await open(lsp, URI, lines.join('\n'));
      const line = lines.indexOf('at 100ms driver nic100 msix 3');
      const ask = (): Promise<[unknown[], Location[]]> => {
        const position = { line, character: 17 };
        return Promise.all([
          lsp.conn.sendRequest<unknown[]>('textDocument/documentHighlight', { textDocument: { uri: URI }, position }),
          lsp.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: URI }, position }),
        ]);
      };
      const change = async (version: number, from: number, to: number, text: string): Promise<void> => {
        await lsp.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri: URI, version },
          contentChanges: [{ range: { start: { line, character: from }, end: { line, character: to } }, text }],
        });
      };
      // The bus named on the line changed (nic100 to nic101): its other occurrences are nic101's.
      await change(2, 21, 22, '1');
      const early = await answered(lsp, 2, ask());
      assert.equal(early.afterAnalysis, false, 'waited for the analysis of the edited text');
      assert.equal(early.answer[0].length, 5, JSON.stringify(early.answer[0]));
      assert.equal(
        early.answer[1][0]?.range.start.line,
        lines.findIndex((l) => l.startsWith('bus nic101 ')),
      );
      await lsp.diagnostics(URI, 2);
      assert.deepEqual(await ask(), early.answer);
      // A slot typed after it (nic101 to nic101/0.0): the bus name is still read as the bus.
      await change(3, 22, 22, '/0.0');
      const slot = await answered(lsp, 3, ask());
      assert.equal(slot.afterAnalysis, false);
      await lsp.diagnostics(URI, 3);
      assert.deepEqual(await ask(), slot.answer);
      // Keys typed one after another, each analysis started for one dropped for the next: still answered from the last that finished.
      for (let v = 4; v < 24; v++) {
        await change(v, 29 + v, 29 + v, v % 2 ? '#' : ' ');
        await new Promise((r) => setTimeout(r, 100));
      }
      const typed = await answered(lsp, 23, ask());
      assert.equal(typed.afterAnalysis, false, 'the last analysis was forgotten while keys were typed');
      await lsp.diagnostics(URI, 23);
      assert.deepEqual(await ask(), typed.answer);
    } finally {
      await lsp.close();
    }
  },
);
