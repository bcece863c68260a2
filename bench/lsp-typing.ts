// `node --import tsx bench/lsp-typing.ts [lines]`: the language server while
// someone types in a large scenario (issue 14 point 4), over real LSP against
// the bundled server. Prints figures, asserts nothing:
// - hover answered after a burst of 200 edits to a ~1 MB scenario;
// - hover while typing (an edit every 30 ms, a hover after each): median, max;
// - how long after the last edit the diagnostics of the last version come;
// - semantic tokens (whole, after an edit as a delta, a visible range), outline and completion on
//   the current version.
import { startServer, open } from '../test/language/client';
import { bigScenario } from './lsp';

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 40_000);
  const text = bigScenario(lines);
  const lsp = await startServer();
  const uri = 'file:///bench/typing.vpci';
  const ms = (t: number): string => `${(performance.now() - t).toFixed(0)} ms`;
  try {
    let t = performance.now();
    await open(lsp, uri, text);
    console.log(`${(text.length / 1e6).toFixed(2)} MB, ${lines} lines: first diagnostics after ${ms(t)}`);
    let v = 1;
    const edit = (line: number, ins: string): void => {
      v++;
      void lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: v },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ins }],
      });
    };
    const hover = (): Promise<unknown> => lsp.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 5 } });
    for (let i = 0; i < 200; i++) edit(10 + ((i * 37) % (lines - 20)), '#x\n');
    t = performance.now();
    await hover();
    console.log(`hover after 200 edits: ${ms(t)}`);
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      edit(20, 'x');
      const s = performance.now();
      await hover();
      times.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, 30));
    }
    times.sort((a, b) => a - b);
    console.log(
      `hover while typing (60 edits, 30 ms apart): median ${times[30]!.toFixed(1)} ms, 90th ${times[54]!.toFixed(1)} ms, max ${times[59]!.toFixed(1)} ms`,
    );
    t = performance.now();
    await lsp.diagnostics(uri, v);
    console.log(`diagnostics of the last version: ${ms(t)} after the last hover`);
    t = performance.now();
    const full = await lsp.conn.sendRequest<{ resultId?: string }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    console.log(`semantic tokens (whole document): ${ms(t)}`);
    // What VS Code asks after each edit once it holds a result: the change since, and the lines it shows.
    edit(20, 'at 1us boot\n');
    await lsp.diagnostics(uri, v);
    t = performance.now();
    const delta = await lsp.conn.sendRequest('textDocument/semanticTokens/full/delta', { textDocument: { uri }, previousResultId: full.resultId });
    console.log(`semantic tokens after an edit (delta): ${ms(t)}, ${JSON.stringify(delta).length} bytes`);
    t = performance.now();
    await lsp.conn.sendRequest('textDocument/semanticTokens/range', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } },
    });
    console.log(`semantic tokens of 60 visible lines (range): ${ms(t)}`);
    t = performance.now();
    await lsp.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    console.log(`outline: ${ms(t)}`);
    t = performance.now();
    await lsp.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: lines - 3, character: 3 } });
    console.log(`completion near the end: ${ms(t)}`);
    // The same document as one line: a 1 MB line of statements, then a comment.
    const lineUri = 'file:///bench/one-line.vpci';
    const oneLine = `${'bus b0 { function 0 intel-82599-vf } '.repeat(26_000)}at 0 eject # ${'x'.repeat(1000)}`;
    await open(lsp, lineUri, oneLine);
    t = performance.now();
    await lsp.conn.sendRequest('textDocument/completion', { textDocument: { uri: lineUri }, position: { line: 0, character: oneLine.indexOf(' # ') } });
    console.log(`completion at the end of a ${(oneLine.length / 1e6).toFixed(2)} MB line: ${ms(t)}`);
    t = performance.now();
    await lsp.conn.sendRequest('textDocument/hover', { textDocument: { uri: lineUri }, position: { line: 0, character: oneLine.length - 5 } });
    console.log(`hover in a comment at the end of that line: ${ms(t)}`);
  } finally {
    await lsp.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
