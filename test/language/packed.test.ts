// language/packed.ts: an analysis packed where it ran and unpacked where requests are answered
// reads as the analysis itself. Its diagnostics travel as numbers and a table of strings; made back
// into objects they are the checker's, field for field and in the same key order (so the JSON the
// server publishes is the same), on every example, every fixture and both large texts the
// benchmarks use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { analyze } from '../../language/analyze';
import { packDiagnostics, unpackDiagnostics } from '../../language/packed';
import { bigScenario } from '../../bench/lsp';
import { hotPlugText } from '../hot-plug-scenario';

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
  const texts: [string, string][] = [...vpciFiles('examples'), ...vpciFiles('test')].map((p) => [p, readFileSync(p, 'utf8')]);
  texts.push(['bigScenario', bigScenario(40_000)], ['hotPlugText', hotPlugText(4000)]);
  let related = 0;
  let data = 0;
  for (const [name, text] of texts) {
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
