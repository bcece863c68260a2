// Fuzz of the language server over real LSP: a seeded stream of mutated edits
// (insertions of language fragments, deletions, line swaps, garbage bytes)
// sent as incremental didChange notifications, each followed by random
// requests (completion, hover, definition, references, highlights, links,
// symbols, semantic tokens, folding, formatting, prepareRename and rename) at
// random positions. Asserts the server process never dies and answers every
// request (a rename may be refused, with RequestFailed), that the semantic
// tokens it sends as deltas after each edit (and for a random range) are what a
// fresh analysis of the same text gives, and that a rename it does not refuse
// leaves the scenario meaning what it did (the same diagnostics, in order);
// returns what it did.
import { startServer, open } from '../test/language/client';
import { analyze } from '../language/analyze';
import { semanticTokens } from '../language/semantic';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { seedScenario } from './seed-scenario';
import { rng } from './rng';
import { FRAGMENTS } from './fragments';
import { readDumpsSync } from '../io/scenario-files';
import { confinement } from '../io/files';
import { nodeFiles } from '../io/node-files';
import { readerOver } from '../emulator/scenario/staged';
import type { ReadFile } from '../language/analyze';

const SEED_TEXT = seedScenario('devices/x.lspci');

/** New names a rename is asked for: names, keywords that can name a bus, and what no bus can be called. */
const NEW_NAMES = ['nic9', 'renamed_bus-1', 'boot', 'version', 'attached', 'x', 'nic0', 'no', '1bad', 'a.b', ''];
/** LSP's RequestFailed: a refusal the user reads (a rename the server will not do, and why). */
const REQUEST_FAILED = -32803;

/** LSP positions (lines end at \n, \r\n or a lone \r, as the server's TextDocument counts them). */
function positionAt(text: string, offset: number): { line: number; character: number } {
  return TextDocument.create('x', 'vpci', 0, text).positionAt(offset);
}

export interface FuzzLspResult {
  iterations: number;
  requests: number;
  finalLength: number;
}

/** The dumps a scenario at file:///fuzz/… names, read as the server reads them (no workspace folder). */
const readAsServer: ReadFile = (path) => readerOver(readDumpsSync(nodeFiles, [path], confinement('/fuzz')))(path);

export async function fuzzLsp(seed: number, iterations: number): Promise<FuzzLspResult> {
  const rand = rng(seed).next;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lsp = await startServer();
  const uri = `file:///fuzz/seed-${seed}.vpci`;
  let text = SEED_TEXT;
  let version = 1;
  let requests = 0;
  try {
    await open(lsp, uri, text, version);
    // The semantic tokens the client holds, kept up to date by deltas as VS Code keeps them.
    let held = await lsp.conn.sendRequest<{ resultId?: string; data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    for (let i = 0; i < iterations; i++) {
      // One edit: replace [a, b) with a fragment (or nothing), or restart from the seed.
      // One notification: one or two range edits (applied in order), or the whole text.
      const changes: ({ range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } | { text: string })[] =
        [];
      const edits = rand() < 0.1 ? 2 : 1;
      for (let e = 0; e < edits; e++) {
        const r = rand();
        let a = Math.floor(rand() * (text.length + 1));
        let b = a;
        let insert = '';
        if (r < 0.45) insert = pick(FRAGMENTS);
        else if (r < 0.75) b = Math.min(text.length, a + 1 + Math.floor(rand() * 12));
        else if (r < 0.9) {
          b = Math.min(text.length, a + Math.floor(rand() * 4));
          insert = String.fromCharCode(Math.floor(rand() * 0x80));
        } else if (r < 0.97) {
          // duplicate a line somewhere
          insert = pick(text.split('\n')) + '\n';
        } else {
          a = 0;
          b = text.length;
          insert = rand() < 0.5 ? SEED_TEXT : '';
        }
        // Apply through a TextDocument, exactly as the server's TextDocuments does, so our
        // copy stays identical even for offsets that fall inside a \r\n pair.
        const range = { start: positionAt(text, a), end: positionAt(text, b) };
        const change = rand() < 0.03 ? { text: text.slice(0, a) + insert + text.slice(b) } : { range, text: insert };
        text = TextDocument.update(TextDocument.create('x', 'vpci', 0, text), [change], 1).getText();
        changes.push(change);
        if (!('range' in change)) break;
      }
      version++;
      const diags = lsp.diagnostics(uri, version);
      await lsp.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
      const d = await diags;
      const internal = d.diagnostics.find((x) => x.code === 'internal-error');
      if (internal)
        throw new Error(
          `checker crashed at iteration ${i}, seed ${seed}: ${typeof internal.message === 'string' ? internal.message : internal.message.value}\n--- text ---\n${text}`,
        );
      // Incremental sync and the debounce-free re-check must give exactly what a fresh analysis of our copy gives,
      // its dumps read under the server's own rules (a path that cannot name a file, one outside the folder …).
      const fresh = analyze(text, uri, readAsServer);
      const expected = JSON.stringify(fresh.lspDiagnostics.map((x) => [x.code, x.range]));
      const got = JSON.stringify(d.diagnostics.map((x) => [x.code, x.range]));
      if (expected !== got) throw new Error(`diagnostics out of sync at iteration ${i}, seed ${seed}:\n got ${got}\nwant ${expected}`);
      // The tokens as a delta from what the client holds, applied as VS Code applies them, and a
      // random range: each must be what the fresh analysis gives.
      const delta = await lsp.conn.sendRequest<{ resultId?: string; data?: number[]; edits?: { start: number; deleteCount: number; data?: number[] }[] }>(
        'textDocument/semanticTokens/full/delta',
        { textDocument: { uri }, previousResultId: held.resultId },
      );
      // The client holds the last result the server sent: the answer must be edits, not the whole document.
      if (!delta.edits) throw new Error(`semantic tokens: a whole result where a delta was due, at iteration ${i}, seed ${seed}`);
      const data = [...held.data];
      for (const e of [...delta.edits].sort((x, y) => y.start - x.start)) data.splice(e.start, e.deleteCount, ...(e.data ?? []));
      held = { ...(delta.resultId !== undefined ? { resultId: delta.resultId } : {}), data };
      const want = semanticTokens(fresh.text, fresh.names) ?? []; // no limit given: always tokens
      if (JSON.stringify(data) !== JSON.stringify(want)) throw new Error(`semantic tokens out of sync after a delta at iteration ${i}, seed ${seed}`);
      const lines = text.split('\n').length;
      const r0 = Math.floor(rand() * lines);
      const range = { start: { line: r0, character: 0 }, end: { line: r0 + Math.floor(rand() * 5), character: Math.floor(rand() * 40) } };
      const ranged = await lsp.conn.sendRequest<{ data: number[] }>('textDocument/semanticTokens/range', { textDocument: { uri }, range });
      if (JSON.stringify(ranged.data) !== JSON.stringify(rangeOracle(want, range)))
        throw new Error(`semantic tokens of a range differ at iteration ${i}, seed ${seed}: ${JSON.stringify(range)}`);
      requests += 2;
      // A few requests at random (sometimes out-of-range) positions.
      const count = 1 + Math.floor(rand() * 3);
      // Renames mostly where a bus is named (a random position seldom is), else anywhere.
      const buses = fresh.names.filter((x) => x.kind === 'bus-decl' || x.kind === 'bus-ref');
      const onBus = (): { line: number; character: number } | undefined => {
        if (!buses.length || rand() < 0.3) return undefined;
        const b = pick(buses);
        return { line: b.loc.line - 1, character: b.loc.col - 1 + Math.floor(rand() * (b.loc.endCol - b.loc.col + 1)) };
      };
      for (let k = 0; k < count; k++) {
        const off = Math.floor(rand() * (text.length + 1));
        const position = rand() < 0.05 ? { line: 1e6, character: 1e6 } : positionAt(text, off);
        const td = { textDocument: { uri } };
        const req = pick([
          ['textDocument/completion', { ...td, position }],
          ['textDocument/hover', { ...td, position }],
          ['textDocument/definition', { ...td, position }],
          ['textDocument/references', { ...td, position, context: { includeDeclaration: true } }],
          ['textDocument/documentSymbol', td],
          ['textDocument/semanticTokens/full', td],
          ['textDocument/foldingRange', td],
          ['textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } }],
          ['textDocument/documentHighlight', { ...td, position }],
          ['textDocument/documentLink', td],
          ['textDocument/prepareRename', { ...td, position: onBus() ?? position }],
          ['textDocument/rename', { ...td, position: onBus() ?? position, newName: pick(NEW_NAMES) }],
        ] as const);
        let res: unknown;
        try {
          res = await lsp.conn.sendRequest(req[0], req[1]);
        } catch (e) {
          if (!(e instanceof ResponseError && e.code === REQUEST_FAILED && /rename/i.test(req[0]))) throw e;
          if (/\n/.test(e.message) || !e.message)
            throw new Error(`a refusal that is not one line at iteration ${i}, seed ${seed}: ${JSON.stringify(e.message)}`, { cause: e });
          requests++;
          continue;
        }
        if (req[0] === 'textDocument/rename') {
          // Renamed, the scenario must check as it did: the same diagnostics in the same order.
          const edits = (res as { changes: Record<string, TextEdit[]> }).changes[uri] ?? [];
          const renamed = TextDocument.applyEdits(TextDocument.create('x', 'vpci', 0, text), edits);
          const codes = (t: string): string => JSON.stringify(analyze(t, uri, readAsServer).diagnostics.map((x) => x.code));
          if (codes(renamed) !== codes(text))
            throw new Error(
              `a rename changed the diagnostics at iteration ${i}, seed ${seed}: ${JSON.stringify(req[1])}\n--- text ---\n${text}\n--- renamed ---\n${renamed}`,
            );
        }
        // A whole-document answer is what the client holds from now on (the server holds it too).
        if (req[0] === 'textDocument/semanticTokens/full') held = res as typeof held;
        requests++;
      }
      if (lsp.proc.exitCode !== null) throw new Error(`language server died (exit ${lsp.proc.exitCode}) at iteration ${i}, seed ${seed}:\n${lsp.stderr()}`);
    }
    if (lsp.errors().length) throw new Error(`language server handlers failed, seed ${seed}:\n${lsp.errors().slice(0, 3).join('\n')}`);
    return { iterations, requests, finalLength: text.length };
  } finally {
    await lsp.close();
  }
}

/**
 * The tokens of a range, worked out apart from the server's own code: decoded to absolute
 * positions, kept when on the range's lines (on its end line only before its end character), and
 * encoded again from the document's start.
 */
function rangeOracle(data: readonly number[], range: { start: { line: number }; end: { line: number; character: number } }): number[] {
  const abs: number[][] = [];
  for (let i = 0, line = 0, ch = 0; i < data.length; i += 5) {
    line += data[i]!;
    ch = data[i] === 0 ? ch + data[i + 1]! : data[i + 1]!;
    abs.push([line, ch, data[i + 2]!, data[i + 3]!, data[i + 4]!]);
  }
  const kept = abs.filter(([l, c]) => l! >= range.start.line && (l! < range.end.line || (l === range.end.line && c! < range.end.character)));
  const out: number[] = [];
  let pl = 0;
  let pc = 0;
  for (const [l, c, len, type, mods] of kept) {
    out.push(l! - pl, l === pl ? c! - pc : c!, len!, type!, mods!);
    pl = l!;
    pc = c!;
  }
  return out;
}

// `node --import tsx fuzz/lsp.ts [seed] [iterations]`
if (process.argv[1] && /fuzz[\\/]lsp\.ts$/.test(process.argv[1])) {
  const seed = Number(process.argv[2] ?? 1);
  const iterations = Number(process.argv[3] ?? 2000);
  fuzzLsp(seed, iterations).then(
    (r) => console.log(`fuzzLsp seed ${seed}: ${r.iterations} edits, ${r.requests} requests, server alive`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
