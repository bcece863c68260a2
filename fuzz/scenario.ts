// Fuzz of the scenario language: a seeded stream of mutated scenarios
// (fragment insertions, deletions, line swaps, garbage characters) through
// tokenize, parseScenario, loadScenario, formatDiagnostic and formatScenario.
// Checks that nothing throws, every diagnostic range lies inside the text,
// formatting is idempotent and keeps the token sequence. Returns the failures.
import { tokenize } from '../emulator/scenario/lexer';
import { parseScenario, loadScenario, formatDiagnostic } from '../emulator/scenario/parser';
import { formatScenario } from '../emulator/scenario/format';
import { defaultScenarioContext } from '../emulator/scenario/context';
import { rng, type FuzzRun, type Rng } from './rng';
import { FRAGMENTS } from './fragments';
import { seedScenario } from './seed-scenario';

const SEED_TEXT = seedScenario('g.lspci');

const GOOD_DUMP = [
  '01:00.0 Ethernet controller: fuzz',
  ...Array.from({ length: 4 }, (_, r) => `${(r * 16).toString(16).padStart(2, '0')}: ${Array(16).fill('00').join(' ')}`),
].join('\n');

function mutate(text: string, rg: Rng): string {
  const r = (): number => rg.next();
  const pick = <T>(xs: readonly T[]): T => rg.pick(xs);
  const at = Math.floor(r() * (text.length + 1));
  switch (Math.floor(r() * 5)) {
    case 0:
      return text.slice(0, at) + pick(FRAGMENTS) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 12));
    case 2: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 3:
      return text.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + text.slice(at);
    default: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[Math.floor(r() * lines.length)]!);
      return lines.join('\n');
    }
  }
}

/** FuzzRun (fuzz/rng.ts) with units = scenarios checked; counts.diagnostics = diagnostics produced. */
export type FuzzScenarioResult = FuzzRun;

const sig = (text: string): string =>
  tokenize(text)
    .filter((t) => t.kind !== 'newline')
    .map((t) => `${t.kind}:${t.kind === 'comment' ? t.text.trimEnd() : t.text}`)
    .join('\u0001');

export function fuzzScenario(seed: number, iterations: number): FuzzScenarioResult {
  const r = rng(seed);
  const files: Record<string, string> = { 'g.lspci': GOOD_DUMP, 'bad.lspci': 'nonsense\n00: zz\n' };
  const ctx = defaultScenarioContext((p) => files[p]);
  const out: FuzzScenarioResult = { iterations, units: 0, unitName: 'scenarios', failures: [], counts: { diagnostics: 0 } };
  let text = SEED_TEXT;
  for (let i = 0; i < iterations; i++) {
    if (r.chance(0.05)) text = SEED_TEXT;
    const n = 1 + r.int(4);
    for (let k = 0; k < n; k++) text = mutate(text, r);
    if (text.length > 20_000) text = SEED_TEXT;
    const fail = (message: string): void => {
      if (out.failures.length < 20) out.failures.push({ target: 'scenario', seed, iteration: i, message, reproducer: text });
    };
    try {
      parseScenario(text);
      const res = loadScenario(text, 'fuzz.vpci', ctx);
      const lines = text.split(/\r\n|\n|\r/);
      out.counts!.diagnostics! += res.diagnostics.length;
      out.units++;
      for (const d of res.diagnostics) {
        const { line, col, endLine, endCol } = d.loc;
        if (line < 1 || line > lines.length + 1 || endLine < line || (endLine === line && endCol < col) || col < 1)
          fail(`diagnostic out of range: ${JSON.stringify(d)}`);
        if (d.code === 'internal-error') fail(`checker failed: ${d.message}`);
        formatDiagnostic(d, 'fuzz.vpci', text);
      }
      const f = formatScenario(text);
      if (formatScenario(f) !== f) fail('format is not idempotent');
      if (sig(f) !== sig(text)) fail('format changed the token sequence');
    } catch (e) {
      fail(`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  return out;
}

// `node --import tsx fuzz/scenario.ts [seed] [iterations]`
if (typeof process !== 'undefined' && process.argv[1] && /fuzz[\\/]scenario\.ts$/.test(process.argv[1])) {
  const res = fuzzScenario(Number(process.argv[2] ?? 1), Number(process.argv[3] ?? 2000));
  console.log(`${res.iterations} iterations, ${res.counts!.diagnostics} diagnostics, ${res.failures.length} failures`);
  for (const f of res.failures.slice(0, 5)) console.log(`#${f.iteration}: ${f.message}\n${JSON.stringify(f.reproducer)}`);
  process.exitCode = res.failures.length ? 1 : 0;
}
