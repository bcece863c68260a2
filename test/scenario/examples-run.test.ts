// Every example runs on the machine (through the CLI's run command) and all its
// expectations hold: the examples are documentation that cannot go stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../../adapter/cli/run';

const DIR = join(import.meta.dirname, '../../examples');

for (const f of readdirSync(DIR)
  .filter((x) => x.endsWith('.vpci'))
  .sort()) {
  test(`example ${f} runs and every expectation holds`, async () => {
    let out = '';
    let err = '';
    const code = await runScenario([join(DIR, f)], { out: (t) => void (out += t), err: (t) => void (err += t) });
    const m = /(\d+) of (\d+) expectations? held/.exec(out);
    assert.ok(m, `no expectation summary; stderr: ${err.slice(0, 2000)}`);
    assert.equal(m[1], m[2], out.slice(out.indexOf('expectations:')));
    assert.ok(Number(m[2]) >= 2);
    assert.equal(code, 0);
  });
}
