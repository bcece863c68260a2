// `npm run bench`: runs every registered figure and prints it as a ratio to its
// floor measured in the same run, with its budget (docs/architecture.md, Budgets) next to it.
// `npm run bench -- NAME` runs only the figures whose name contains NAME.
import {
  measure,
  measureAsync,
  registered,
  registeredAsync,
  registeredSamples,
  fmtRate,
  type Figure,
  type AsyncFigure,
  type FigureResult,
  type SampleFigure,
  type SampleResult,
} from './harness';
import './figures';

const filter = process.argv.slice(2).find((a) => !a.startsWith('-'));
let failed = 0;
function print(f: Figure | AsyncFigure, r: FigureResult): void {
  const status = r.budgetOk === undefined ? '' : r.budgetOk ? '  ok ' : '  OVER';
  console.log(
    `${f.name}\n    ${fmtRate(r.perSecond)} ${f.unit}/s (${r.nsPerUnit.toFixed(1)} ns each)  ` +
      `floor [${f.floorName}] ${fmtRate(r.floorPerSecond)}/s  ratio ${r.ratio.toFixed(2)}x` +
      (r.budgetText ? `\n    budget: ${r.budgetText}${status}` : ''),
  );
  if (r.budgetOk === false) failed++;
}
function printSamples(f: SampleFigure, rs: SampleResult[]): void {
  for (const r of rs) {
    const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
    console.log(
      `    ${r.label}: ${fmt(r.value)} ${r.unit}  floor [${f.floorName}] ${fmt(r.floor)} ${r.unit}  ratio ${(r.value / r.floor).toFixed(2)}x${r.note ? `  (${r.note})` : ''}`,
    );
    if (r.budget) {
      console.log(`      budget: ${r.budget.text}  ${r.budget.ok ? 'ok' : 'OVER'}`);
      if (!r.budget.ok) failed++;
    }
  }
}
async function main(): Promise<void> {
  for (const f of registered()) {
    if (filter && !f.name.includes(filter)) continue;
    print(f, measure(f));
  }
  // Figures that wait on processes or sockets (the DAP round trips), after the CPU-bound ones.
  for (const f of registeredAsync()) {
    if (filter && !f.name.includes(filter)) continue;
    print(f, await measureAsync(f));
  }
  for (const f of registeredSamples()) {
    if (filter && !f.name.includes(filter)) continue;
    // The name first: a figure may print a line of its own while it measures (one skipped says why).
    console.log(f.name);
    printSamples(f, await f.measure());
  }
  if (failed) console.log(`\n${failed} figure(s) over budget`);
}
// Spawned adapters are closed by each figure's done(); exit even if a handle lingers.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
