// Everything generated from the project's tables is what its table says, and a
// new row reaches every place by itself: the checked-in package.json launch
// schema, TextMate grammar, README and scenario-language doc equal what
// scripts/generate.ts makes from the tables now (else: run `npm run build`),
// and a host profile, a guest model or a quirk added as one row shows up in the
// launch schema, the CLI help, the docs, the checker, completion, hover and —
// for a host profile or a model of a known OS — runs in the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generatedFiles } from '../../scripts/generate';
import { launchCatalogProperties } from '../../scripts/gen-package';
import { vpciGrammar } from '../../scripts/gen-grammar';
import { grammarBlock, namesSection, readmeHostsGuests } from '../../scripts/gen-docs';
import { HOST_PROFILES, hostProfile, type HostProfile } from '../../emulator/vpci/host/profiles';
import { GUEST_MODELS, type GuestModelRow } from '../../emulator/vpci/guest/models';
import { QUIRKS, type QuirkInfo } from '../../emulator/vpci/guest/quirks';
import { guestChoices, hostChoices } from '../../emulator/scenario/catalog';
import { defaultScenarioContext } from '../../emulator/scenario/context';
import { loadScenario } from '../../emulator/scenario/parser';
import { EVENTS, EVENT_KEYWORDS, FAULT_ACTION_KEYWORDS } from '../../emulator/scenario/events';
import { ARGUMENT_WORDS, CONSTANT_WORDS, EXPECTATIONS, MODIFIERS, VM_KEYWORDS } from '../../emulator/scenario/keywords';
import { complete } from '../../language/completion';
import { hoverMarkdown, keywordMarkdown } from '../../language/hover';
import { loadScenarioFile } from '../../adapter/load';
import { RUN_USAGE } from '../../adapter/cli/run';
import { quirksHelp } from '../../adapter/cli/overrides';

const read = (p: string): string => readFileSync(p, 'utf8');

test('every generated file equals what its tables make now (else run npm run build)', () => {
  const files = generatedFiles(read);
  assert.deepEqual(files.map((f) => f.path).sort(), ['README.md', 'docs/scenario-language.md', 'package.json', 'syntaxes/vpci.tmLanguage.json']);
  for (const f of files) assert.ok(read(f.path) === f.text, `${f.path} has drifted from its table: run npm run build`);
});

test('a hand edit inside a generated part is a drift the test sees', () => {
  const tampered = (p: string): string => (p === 'docs/scenario-language.md' ? read(p).replace('| `hyperv-2016` |', '| `hyperv-2015` |') : read(p));
  const doc = generatedFiles(tampered).find((f) => f.path === 'docs/scenario-language.md')!;
  assert.notEqual(tampered('docs/scenario-language.md'), read('docs/scenario-language.md'), 'the tamper changed the file');
  assert.equal(doc.text, read('docs/scenario-language.md'), 'regenerating restores it');
});

test('the launch schema lists exactly the tables, with a real description for every choice and quirk', () => {
  const props = launchCatalogProperties() as Record<
    string,
    { enum?: string[]; enumDescriptions?: string[]; default?: unknown; properties?: Record<string, { description: string }> }
  >;
  assert.deepEqual(
    props.guest!.enum,
    GUEST_MODELS.map((g) => g.name),
  );
  assert.deepEqual(
    props.host!.enum,
    HOST_PROFILES.map((h) => h.name),
  );
  assert.deepEqual(
    Object.keys(props.quirks!.properties!),
    QUIRKS.map((q) => q.name),
  );
  assert.match(props.host!.enumDescriptions![0]!, /^Hyper-V, Windows Server 2016: accepts vPCI 1\.1, 1\.2\. /);
  assert.match(props.guest!.enumDescriptions![2]!, /^Linux pci-hyperv: offers vPCI 1\.4, 1\.3, 1\.2, 1\.1, in that order\. /);
  for (const q of QUIRKS) {
    const d = props.quirks!.properties![q.name]!.description;
    assert.ok(d.includes(q.description), `${q.name}: the full description`);
    assert.doesNotMatch(d, /see the hover/);
  }
});

test('the grammar highlights every event, fault action and setting word of the tables', () => {
  const g = vpciGrammar() as { repository: Record<string, { patterns?: { match?: string; name?: string; captures?: Record<string, { name: string }> }[] }> };
  const scopeOf = (line: string, word: string): string[] => {
    const out: string[] = [];
    for (const group of Object.values(g.repository)) {
      for (const p of group.patterns ?? []) {
        if (!p.match) continue;
        const m = new RegExp(p.match, 'd').exec(line) as (RegExpExecArray & { indices: [number, number][] }) | null;
        if (!m) continue;
        if (p.name && m[0] === word) out.push(p.name);
        for (const [i, c] of Object.entries(p.captures ?? {})) if (m[Number(i)] === word) out.push(c.name);
      }
    }
    return out;
  };
  for (const k of EVENT_KEYWORDS) assert.ok(scopeOf(`at 0 ${k} nic0`, k).includes('keyword.control.event.vpci'), `event ${k}`);
  for (const a of FAULT_ACTION_KEYWORDS)
    assert.ok(
      scopeOf(a, a).some((s) => s.startsWith('keyword.')),
      `fault action ${a}`,
    );
  for (const w of VM_KEYWORDS)
    assert.ok(
      scopeOf(w, w).some((s) => s.startsWith('keyword.')),
      `vm setting ${w}`,
    );
});

test('the docs grammar has every event, fault action and expectation form of the tables', () => {
  const block = grammarBlock();
  for (const k of EVENT_KEYWORDS) assert.ok(block.includes(EVENTS[k].syntax), k);
  for (const a of FAULT_ACTION_KEYWORDS) assert.ok(block.includes(`'${a}'`), a);
  for (const e of EXPECTATIONS) assert.ok(block.includes(e.syntax), e.word);
});

test('every fixed word of the language has a hover, and each modifier its statement in the docs grammar', () => {
  // The words the grammar highlights inside statements (delivered, before, times …) as well as those that start one.
  const missing = [...ARGUMENT_WORDS, ...CONSTANT_WORDS].filter((w) => keywordMarkdown(w) === undefined);
  assert.deepEqual(missing, []);
  const block = grammarBlock();
  for (const m of MODIFIERS) assert.ok(block.includes(`'${m.word}'`), m.word);
  assert.match(keywordMarkdown('before')!, /STATE before DURATION[\s\S]*---[\s\S]*message before DURATION/);
  // Completion offers them with the same words, the row of the statement they are offered in.
  const ctx = defaultScenarioContext(() => undefined);
  const at = (text: string) => complete({ text, position: { line: 0, character: text.length }, ctx, busNames: ['nic0'] });
  assert.deepEqual(
    at('expect nic0 vector 0 ').map((i) => [i.label, i.detail]),
    [
      ['delivered', 'expect target vector N delivered [cpu N]'],
      ['undeliverable', 'expect target vector N undeliverable'],
    ],
  );
  assert.equal(at('vm { quirk short-packet-drop ').find((i) => i.label === 'on')?.detail, 'quirk NAME on');
  assert.match(at('expect message PCI_EJECT ').find((i) => i.label === 'on')!.detail!, /message message on NAME/);
});

test('hover and completion explain each keyword from its table, in the role it has there', () => {
  assert.match(keywordMarkdown('unplug')!, /\*\*unplug\*\* \(event\)[\s\S]*unplug target[\s\S]*without an eject/);
  const vanish = keywordMarkdown('vanish')!;
  assert.match(vanish, /\(event\)/);
  assert.match(vanish, /\(fault action\)/);
  assert.equal(keywordMarkdown('nic0'), undefined);
  const ctx = defaultScenarioContext(() => undefined);
  assert.equal(hoverMarkdown(undefined, 'plug', ctx, []), keywordMarkdown('plug'));
  const items = complete({ text: 'at 1ms ', position: { line: 0, character: 7 }, ctx, busNames: [] });
  assert.deepEqual(
    items.map((i) => i.label),
    [...EVENT_KEYWORDS],
  );
  const fault = items.find((i) => i.label === 'fault')!;
  assert.equal(fault.detail, `at DURATION ${EVENTS.fault.syntax.replace(/'/g, '')}`);
  const forms = complete({ text: 'bus nic0 { function 0 intel-82599-vf }\nexpect nic0 ', position: { line: 1, character: 12 }, ctx, busNames: ['nic0'] });
  assert.match(forms.find((i) => i.label === 'msix')!.detail!, /^expect target msix N$/, 'msix after expect is the expectation, not the driver mode');
});

/** Adds a row to a table for the length of `body` (the tables are plain arrays underneath their readonly types). */
function withRow<T>(table: readonly T[], row: T, body: () => void): void {
  const t = table as T[];
  t.push(row);
  try {
    body();
  } finally {
    t.splice(t.indexOf(row), 1);
  }
}

test('a host profile is one row: it reaches the launch schema, the CLI help, the docs, the checker, completion, hover and the machine', () => {
  const row: HostProfile = {
    ...hostProfile('hyperv-2022')!,
    name: 'hyperv-2025',
    title: 'Hyper-V, Windows Server 2025',
    description: 'A test row.',
    versions: [0x10001, 0x10002, 0x10003, 0x10004],
  };
  withRow(HOST_PROFILES, row, () => {
    const props = launchCatalogProperties() as Record<string, { enum: string[]; enumDescriptions: string[] }>;
    assert.ok(props.host!.enum.includes('hyperv-2025'));
    assert.ok(props.host!.enumDescriptions.includes('Hyper-V, Windows Server 2025: accepts vPCI 1.1–1.4. A test row.'));
    assert.match(hostChoices(), /hyperv-2025/);
    assert.match(namesSection(), /\| `hyperv-2025` \| 1\.1–1\.4 \|/);
    assert.match(readmeHostsGuests(), /`hyperv-2025` \(1\.1–1\.4\)/);
    const ctx = defaultScenarioContext(() => undefined);
    const text = 'vm {\n  host hyperv-2025\n  guest linux\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\nexpect nic0 version 1.4\n';
    assert.deepEqual(
      loadScenario(text, 't.vpci', ctx).diagnostics.map((d) => d.code),
      [],
    );
    const items = complete({ text: 'vm {\n  host ', position: { line: 1, character: 7 }, ctx, busNames: [] });
    assert.ok(items.some((i) => i.label === 'hyperv-2025' && /accepts 1\.1, 1\.2, 1\.3, 1\.4/.test(i.detail ?? '')));
    assert.match(
      hoverMarkdown({ kind: 'profile', name: 'hyperv-2025', loc: { line: 2, col: 8, endLine: 2, endCol: 19 } }, undefined, ctx, [])!,
      /A test row\./,
    );
    const l = loadScenarioFile('test/scenario/row-inline.vpci', {}, text);
    assert.deepEqual(
      l.errors.map((e) => e.message),
      [],
    );
    l.machine!.run();
    assert.equal(l.machine!.buses[0]!.host.status.version, 0x10004);
  });
  assert.ok(!hostChoices().includes('hyperv-2025'), 'the row is gone again');
});

test('a guest model of a known OS is one row: launch schema, CLI help, docs, checker, completion, and it runs', () => {
  // A second name for the Linux program (a model's versions are what its program offers: test/machine/versions.test.ts).
  const row: GuestModelRow = {
    ...GUEST_MODELS.find((g) => g.name === 'linux')!,
    name: 'linux-lts',
    title: 'Linux pci-hyperv, a test row',
    description: 'A test row.',
  };
  withRow<GuestModelRow>(GUEST_MODELS, row, () => {
    const props = launchCatalogProperties() as Record<string, { enum: string[] }>;
    assert.ok(props.guest!.enum.includes('linux-lts'));
    assert.match(guestChoices(), /linux-lts/);
    assert.match(namesSection(), /\| `linux-lts` \(1\.4, 1\.3, 1\.2, 1\.1\) \| 1\.2 \| 1\.2 \| 1\.4 \| 1\.4 \|/);
    const ctx = defaultScenarioContext(() => undefined);
    const text = 'vm {\n  host hyperv-2019\n  guest linux-lts\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\nexpect nic0 version 1.2\n';
    assert.deepEqual(
      loadScenario(text, 't.vpci', ctx).diagnostics.map((d) => d.code),
      [],
    );
    const items = complete({ text: 'vm {\n  guest ', position: { line: 1, character: 8 }, ctx, busNames: [] });
    assert.ok(items.some((i) => i.label === 'linux-lts'));
    const l = loadScenarioFile('test/scenario/row-inline.vpci', {}, text);
    assert.deepEqual(
      l.errors.map((e) => e.message),
      [],
    );
    l.machine!.run();
    assert.equal(l.machine!.buses[0]!.host.status.version, 0x10002);
    assert.equal(l.machine!.model.os, 'linux');
  });
});

test("run's usage names every host profile, guest model and quirk of the tables, each quirk with its guests and summary", () => {
  for (const h of HOST_PROFILES) assert.match(RUN_USAGE, new RegExp(`\\b${h.name}\\b`), h.name);
  for (const g of GUEST_MODELS) assert.match(RUN_USAGE, new RegExp(`\\b${g.name}\\b`), g.name);
  for (const q of QUIRKS) assert.ok(RUN_USAGE.includes(`${q.name.padEnd(34)} ${q.models.join(', ')}: ${q.summary}\n`), q.name);
});

test('a quirk is one row: launch schema property with its description, CLI help, docs table, checker, completion', () => {
  const row: QuirkInfo = { name: 'test-quirk', models: ['linux'], summary: 'a test row', description: 'It does nothing.', source: 'test' };
  withRow(QUIRKS, row, () => {
    const props = launchCatalogProperties() as Record<string, { properties: Record<string, { description: string; default: boolean }> }>;
    assert.deepEqual(props.quirks!.properties['test-quirk'], { type: 'boolean', description: 'A test row (linux). It does nothing.', default: true });
    assert.match(quirksHelp(), /^ {2}test-quirk +linux: a test row$/m);
    assert.match(namesSection(), /\| `test-quirk` \| linux \| A test row\. It does nothing\. \| test \|/);
    const ctx = defaultScenarioContext(() => undefined);
    assert.deepEqual(
      loadScenario('vm {\n  guest freebsd\n  quirk test-quirk off\n}\n', 't.vpci', ctx).diagnostics.map((d) => d.code),
      ['quirk-not-applicable'],
    );
    const items = complete({ text: 'vm {\n  quirk ', position: { line: 1, character: 8 }, ctx, busNames: [] });
    assert.ok(items.some((i) => i.label === 'test-quirk'));
  });
});
