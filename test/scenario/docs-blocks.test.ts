// What the documentation shows a reader to copy works: every scenario in a fenced block of the
// README, docs/ and the walkthrough (media/walkthrough/, the first page a newcomer sees) checks
// without an error or a warning, a block that looks like a scenario is marked as one (```vpci) so
// none escapes this test, and the README's launch.json example, run as VS Code would run it, holds
// every expectation of the scenario it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { runScenario } from '../../adapter/cli/run';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(ROOT, 'media/walkthrough'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `media/walkthrough/${f}`),
];

interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
}

function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ file, line: start + 1, lang: open[1]!, text: body.join('\n') + '\n' });
  }
  return out;
}

const blocks = DOCS.flatMap(fencedBlocks);

/** A block whose first statement opens a vm, a bus or a timeline event reads as a scenario. */
const looksLikeScenario = (b: Block): boolean =>
  /^(vm\s*\{|bus\s+\w+\s*\{|at\s+\d)/.test(
    b.text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('#')) ?? '',
  );

test('the docs have scenario blocks to check (the walkthrough and the README among them)', () => {
  const files = new Set(blocks.filter((b) => b.lang === 'vpci').map((b) => b.file));
  assert.ok(files.has('README.md'), [...files].join(', '));
  assert.ok(files.has('media/walkthrough/open-example.md'), [...files].join(', '));
});

test('a block that reads as a scenario is marked ```vpci', () => {
  const unmarked = blocks.filter((b) => b.lang !== 'vpci' && looksLikeScenario(b)).map((b) => `${b.file}:${b.line}`);
  assert.deepEqual(unmarked, []);
});

for (const b of blocks.filter((x) => x.lang === 'vpci')) {
  test(`${b.file}:${b.line}: the scenario checks clean`, () => {
    // Placed among the examples, so a dump path reads as it does in an example scenario.
    const l = loadScenarioFile(join(EXAMPLES, 'from-the-docs.vpci'), {}, b.text);
    const said = l.diagnostics.map((d) => `${d.loc.line + b.line}:${d.loc.col}: ${d.severity}: ${d.message} [${d.code}]`);
    assert.deepEqual(said, []);
    assert.ok(l.scenario.expectations.length > 0, 'a scenario a reader copies says what it expects');
  });
}

test("the README's launch.json example holds every expectation of the scenario it names", async () => {
  const block = blocks.find((b) => b.file === 'README.md' && b.lang === 'jsonc' && b.text.includes('"request": "launch"'));
  assert.ok(block, 'no launch.json example in the README');
  const config = JSON.parse(block.text.replace(/\s\/\/.*$/gm, '')) as { scenario: string; guest?: string; host?: string; quirks?: Record<string, boolean> };
  const file = config.scenario.replace('${workspaceFolder}', EXAMPLES);
  const args = [file];
  if (config.guest) args.push('--guest', config.guest);
  if (config.host) args.push('--host', config.host);
  for (const [q, on] of Object.entries(config.quirks ?? {})) args.push('--quirk', `${q}=${on ? 'on' : 'off'}`);
  let out = '';
  let err = '';
  const code = await runScenario(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  const m = /(\d+) of (\d+) expectations? held/.exec(out);
  assert.ok(m, `no verdict; stderr: ${err.slice(0, 2000)}`);
  assert.equal(m[1], m[2], out.slice(out.indexOf('expectations:')));
  assert.equal(err, '');
  assert.equal(code, 0);
});

test('the walkthrough says how many steps it has, and its step texts use only what VS Code renders there', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { walkthroughs: { description: string; steps: { id: string; description: string }[] }[] };
  };
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  for (const w of pkg.contributes.walkthroughs) {
    const said = /in (\w+) steps/.exec(w.description)?.[1];
    if (said !== undefined) assert.equal(said, words[w.steps.length], w.description);
    // A step's description renders **bold** and [links](…) only: a `code span` shows its backticks.
    for (const s of w.steps) assert.doesNotMatch(s.description, /`/, `step ${s.id}`);
  }
});
