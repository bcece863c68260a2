// `npm run bench`: runs every registered figure and prints it as a ratio to its
// floor measured in the same run, with the DESIGN.md §7 budget next to it.
// `npm run bench -- NAME` runs only the figures whose name contains NAME.
import { measure, registered, fmtRate } from './harness';
import './figures';

const filter = process.argv.slice(2).find((a) => !a.startsWith('-'));
let failed = 0;
for (const f of registered()) {
  if (filter && !f.name.includes(filter)) continue;
  const r = measure(f);
  const status = r.budgetOk === undefined ? '' : r.budgetOk ? '  ok ' : '  OVER';
  console.log(
    `${f.name}\n    ${fmtRate(r.perSecond)} ${f.unit}/s (${r.nsPerUnit.toFixed(1)} ns each)  ` +
      `floor [${f.floorName}] ${fmtRate(r.floorPerSecond)}/s  ratio ${r.ratio.toFixed(2)}x` +
      (r.budgetText ? `\n    budget: ${r.budgetText}${status}` : ''),
  );
  if (r.budgetOk === false) failed++;
}
if (failed) console.log(`\n${failed} figure(s) over budget`);
