// language/packed.ts: an analysis packed where it ran and unpacked where requests are answered
// reads as the analysis itself. Its diagnostics travel as numbers and a table of strings; made back
// into objects they are the checker's, field for field and in the same key order (so the JSON the
// server publishes is the same), on every example, every fixture and both large texts the
// benchmarks use. Semantic tokens (made in one walk over the tokens and the names) are those of a
// plain lookup of each word's name by its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { analyze } from '../../language/analyze';
import { packDiagnostics, packNames, unpackDiagnostics, unpackNames } from '../../language/packed';
import { semanticTokens, TOKEN_TYPES } from '../../language/semantic';
import { KEYWORDS, CONSTANT_WORDS } from '../../language/vocabulary';
import { tokensOf } from '../../emulator/scenario/lexer';
import { LSP_COLUMNS } from '../../language/ranges';
import type { NameOccurrence } from '../../language/names';
import { bigScenario } from '../../bench/lsp';
import { hotPlugText } from '../hot-plug-scenario';

const texts = (): [string, string][] => [
  ...[...vpciFiles('examples'), ...vpciFiles('test')].map((p): [string, string] => [p, readFileSync(p, 'utf8')]),
  ['bigScenario', bigScenario(40_000)],
  ['hotPlugText', hotPlugText(4000)],
];

function vpciFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? vpciFiles(p) : n.endsWith('.vpci') ? [p] : [];
  });
}

/** Packed, sent (a structured clone, as a worker's message is), unpacked. */
function travelled(ds: Diagnostic[]): Diagnostic[] {
  return unpackDiagnostics(structuredClone(packDiagnostics(ds)));
}

test('diagnostics unpacked are the analysis’s, in the same JSON, on the examples, the fixtures and the large texts', () => {
  let related = 0;
  let data = 0;
  for (const [name, text] of texts()) {
    const ds = analyze(text, 'file:///w/a.vpci').lspDiagnostics;
    related += ds.filter((d) => d.relatedInformation).length;
    data += ds.filter((d) => d.data).length;
    assert.equal(JSON.stringify(travelled(ds)), JSON.stringify(ds), name);
  }
  // Both optional parts were on the way.
  assert.ok(related > 0 && data > 0, `${related} with related information, ${data} with data`);
});

test('a diagnostic of another shape than the checker’s goes as it is', () => {
  const range = { start: { line: 1, character: 2 }, end: { line: 3, character: 4 } };
  const odd: Diagnostic[][] = [
    [{ range, message: 'a', tags: [1] }],
    [{ range, message: 'a', relatedInformation: [] }],
    [
      { range, message: 'a', code: 7, data: { x: [1, null] } },
      { range, message: { kind: 'markdown', value: 'b' } as unknown as string },
    ],
  ];
  for (const ds of odd) assert.equal(JSON.stringify(travelled(ds)), JSON.stringify(ds));
  // No severity, code nor source: none comes back.
  assert.deepEqual(travelled([{ range, message: 'm' }]), [{ range, message: 'm' }]);
  assert.deepEqual(travelled([{ range, message: 'm', code: 7, severity: 1, data: { x: [1, null] } }]), [
    { range, severity: 1, code: 7, message: 'm', data: { x: [1, null] } },
  ]);
});

/** Each token's absolute line, column, length, type name and modifiers, from the lexer and a map of the names by where they start (the last one there). */
function plainTokens(text: string, names: readonly NameOccurrence[]): string[] {
  const byPlace = new Map(names.map((n) => [`${n.loc.line}:${n.loc.col}`, n.kind]));
  const roles: Record<string, string> = {
    'bus-decl': 'variable 1',
    'bus-ref': 'variable 0',
    'fn-decl': 'number 1',
    'fn-ref': 'number 0',
    'fn-ref-implicit': 'variable 0',
    device: 'type 4',
    profile: 'namespace 4',
    guest: 'namespace 4',
    quirk: 'property 0',
    message: 'event 4',
    mmio: 'property 1',
  };
  const out: string[] = [];
  for (const t of tokensOf(text, LSP_COLUMNS)) {
    const kind = byPlace.get(`${t.loc.line}:${t.loc.col}`);
    const w = t.text;
    const role =
      t.kind === 'word'
        ? kind
          ? roles[kind]
          : w.startsWith('STATUS_')
            ? 'enumMember 6'
            : w.startsWith('PCI_')
              ? 'event 4'
              : CONSTANT_WORDS.has(w)
                ? 'enumMember 2'
                : KEYWORDS.has(w)
                  ? 'keyword 0'
                  : 'variable 0'
        : ['number', 'duration', 'dotted', 'pciaddr', 'guid'].includes(t.kind)
          ? 'number 0'
          : t.kind === 'string'
            ? 'string 0'
            : t.kind === 'comment'
              ? 'comment 0'
              : undefined;
    if (role && t.loc.endLine === t.loc.line && t.loc.endCol > t.loc.col) out.push(`${t.loc.line - 1}:${t.loc.col - 1} ${t.loc.endCol - t.loc.col} ${role}`);
  }
  return out;
}

test('semantic tokens are each word’s role by the name at its place, on the examples, the fixtures and the large texts', () => {
  for (const [name, text] of texts()) {
    const a = analyze(text, 'file:///w/a.vpci');
    const data = semanticTokens(a.text, a.names)!;
    const got: string[] = [];
    let line = 0;
    let ch = 0;
    for (let i = 0; i < data.length; i += 5) {
      ch = data[i] ? data[i + 1]! : ch + data[i + 1]!;
      line += data[i]!;
      got.push(`${line}:${ch} ${data[i + 2]} ${TOKEN_TYPES[data[i + 3]!]} ${data[i + 4]}`);
    }
    assert.deepEqual(got, plainTokens(text, a.names), name);
  }
});

test('names unpacked are the analysis’s, on the examples, the fixtures and the large texts', () => {
  for (const [name, text] of texts()) {
    const names = analyze(text, 'file:///w/a.vpci').names;
    assert.deepEqual(unpackNames(structuredClone(packNames(names))), names, name);
  }
});
