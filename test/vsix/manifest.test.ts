// The extension manifest (package.json `contributes`): every launch property is
// described, snippets are valid launch configs with `${…}` escaped, menus on
// the Variables view are gated on the debug type, and every contributed
// command is registered by the extension's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const c = pkg.contributes;
const dbg = c.debuggers.find((d: { type: string }) => d.type === 'vpci');

test('the vpci debugger is contributed for the scenario language', () => {
  assert.ok(dbg, 'debuggers[type=vpci]');
  // and for its driver listings, where a session leaves the user: F5 there reruns that scenario
  // (with only 'vpci', VS Code answers F5 in a listing with a debugger picker offering to install one)
  assert.deepEqual(dbg.languages, ['vpci', 'vpci-listing']);
  assert.deepEqual(c.breakpoints.map((b: { language: string }) => b.language).sort(), ['vpci', 'vpci-listing']);
  const ids = c.languages.map((l: { id: string }) => l.id).sort();
  assert.deepEqual(ids, ['vpci', 'vpci-listing']);
  const listing = c.languages.find((l: { id: string }) => l.id === 'vpci-listing');
  assert.equal(listing.extensions, undefined, 'listings are matched by filename pattern, not extension');
  assert.ok(listing.filenamePatterns.some((p: string) => p.includes('listings/')));
  assert.deepEqual(c.grammars.map((g: { path: string }) => g.path).sort(), ['./syntaxes/vpci-listing.tmLanguage.json', './syntaxes/vpci.tmLanguage.json']);
});

test('every launch property has a description and a default; enums have enumDescriptions', () => {
  const props = dbg.configurationAttributes.launch.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(props).sort(), ['guest', 'historyMaxMemory', 'host', 'quirks', 'scenario', 'stopOnEntry', 'trace']);
  // None required: without a scenario a launch debugs the active editor's (the configuration VS Code writes has none).
  assert.equal(dbg.configurationAttributes.launch.required, undefined);
  for (const c of dbg.initialConfigurations)
    for (const r of dbg.configurationAttributes[c.request].required ?? []) assert.ok(r in c, `the initial configuration has required ${r}`);
  const check = (name: string, p: Record<string, unknown>) => {
    assert.equal(typeof p.description, 'string', `${name}.description`);
    assert.ok((p.description as string).length > 10, `${name}.description is a sentence`);
    assert.ok('default' in p, `${name}.default`);
    if (p.enum) {
      assert.ok(Array.isArray(p.enumDescriptions), `${name}.enumDescriptions`);
      assert.equal((p.enumDescriptions as unknown[]).length, (p.enum as unknown[]).length, `${name}: one description per enum value`);
      assert.ok((p.enum as unknown[]).includes(p.default), `${name}.default is one of the enum`);
    }
  };
  for (const [name, p] of Object.entries(props)) {
    check(name, p);
    for (const [sub, sp] of Object.entries((p.properties ?? {}) as Record<string, Record<string, unknown>>)) check(`${name}.${sub}`, sp);
  }
  assert.deepEqual(props.guest!.enum, ['freebsd', 'freebsd-2016', 'linux']);
  assert.equal(props.stopOnEntry!.default, true);
});

test('attach takes the port of a held machine, described, with a default', () => {
  const a = dbg.configurationAttributes.attach;
  assert.deepEqual(a.required, ['debugServer']);
  for (const [name, p] of Object.entries(a.properties as Record<string, Record<string, unknown>>)) {
    assert.ok(typeof p.description === 'string' && p.description.length > 10, `${name}.description`);
    assert.ok('default' in p, `${name}.default`);
  }
  assert.equal(a.properties.debugServer.type, 'number');
});

test('initial configurations and snippets are valid launch configs with ${} escaped in snippet bodies', () => {
  assert.ok(dbg.initialConfigurations.length >= 1);
  for (const ic of dbg.initialConfigurations) {
    assert.equal(ic.type, 'vpci');
    assert.equal(ic.request, 'launch');
    // No scenario: F5 debugs the active .vpci editor's (extension/configuration-provider.ts), where
    // "${file}" made VS Code refuse with no editor open, or hand the adapter whatever file was active.
    assert.equal(ic.scenario, undefined);
  }
  assert.ok(dbg.configurationSnippets.length >= 1);
  assert.ok(
    dbg.configurationSnippets.some((s: { body: { request: string } }) => s.body.request === 'attach'),
    'an attach snippet',
  );
  for (const s of dbg.configurationSnippets) {
    assert.equal(typeof s.label, 'string');
    assert.equal(typeof s.description, 'string');
    assert.equal(s.body.type, 'vpci');
    assert.ok(s.body.request === 'launch' || s.body.request === 'attach', s.body.request);
    const props = dbg.configurationAttributes[s.body.request].properties;
    assert.ok(s.body.name);
    for (const r of dbg.configurationAttributes[s.body.request].required ?? []) assert.ok(r in s.body, `snippet "${s.label}" has required ${r}`);
    for (const k of Object.keys(s.body))
      assert.ok(k === 'type' || k === 'request' || k === 'name' || k in props, `snippet key ${k} is a ${s.body.request} property`);
    for (const v of Object.values(s.body)) {
      if (typeof v !== 'string') continue;
      // `${workspaceFolder}` in a snippet must be written `\${workspaceFolder}`; `${1:x}` are tab stops.
      for (const m of v.matchAll(/\$\{([^}]*)\}/g)) {
        const escaped = m.index > 0 && v[m.index - 1] === '\\';
        assert.ok(escaped || /^\d+(:|$)/.test(m[1]!), `unescaped variable ${m[0]} in snippet "${s.label}"`);
      }
      // ^ inserts the value unquoted: a quoted string, or a tab stop standing for a number
      if (v.startsWith('^')) assert.ok(/^\^".*"$/.test(v) || /^\^\$\{\d+:\d+\}$/.test(v), `snippet value ${v} is ^"…" or ^\${n:number}`);
    }
  }
});

test('Variables and Watch menu items are gated on the vpci debug type', () => {
  for (const menu of ['debug/variables/context', 'debug/watch/context']) {
    const items = c.menus[menu] as { command: string; when?: string }[];
    assert.ok(items.length > 0, menu);
    for (const it of items) assert.match(it.when ?? '', /debugType == 'vpci'/, `${menu}: ${it.command}`);
  }
  const vars = c.menus['debug/variables/context'] as { command: string; when: string }[];
  // The number-format item names what it does, and only one shows at a time (its state shows).
  const when = (cmd: string): string => vars.find((i) => i.command === cmd)?.when ?? '';
  assert.match(when('vpci.showDecimal'), /&& vpci\.hex$/);
  assert.match(when('vpci.showHex'), /&& !vpci\.hex$/);
  // Device commands only on rows that belong to a device (the adapter's __vscodeVariableMenuContext).
  for (const cmd of ['vpci.showLspci', 'vpci.topology.openConfig']) assert.match(when(cmd), /debugProtocolVariableMenuContext == 'vpciDevice'/, cmd);
  assert.ok(!vars.some((i) => i.command === 'vpci.toggleHex'));
  for (const it of c.menus['editor/title/run']) assert.match(it.when, /resourceLangId == vpci/);
});

test('the named commands exist with their titles, and every menu command is contributed', () => {
  const cmds = new Map<string, { title: string; category?: string }>(c.commands.map((x: { command: string }) => [x.command, x]));
  const titles = [...cmds.values()].map((x) => `${x.category ? x.category + ': ' : ''}${x.title}`);
  for (const t of ['vPCI: Open Example…', 'vPCI: Run Scenario', 'vPCI: Debug Scenario', 'vPCI: Show lspci', 'vPCI: Show Decimal', 'vPCI: Show Hex'])
    assert.ok(titles.includes(t), t);
  for (const [menu, items] of Object.entries(c.menus as Record<string, { command: string }[]>))
    for (const it of items) assert.ok(cmds.has(it.command), `${menu} → ${it.command} is contributed`);
});

test('every contributed command and view is registered by the extension code', () => {
  const src = readdirSync('extension')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join('extension', f), 'utf8'))
    .join('\n');
  for (const { command } of c.commands as { command: string }[]) assert.ok(src.includes(`'${command}'`), `${command} registered`);
  for (const v of c.views.debug as { id: string }[])
    assert.ok(src.includes(`createTreeView('${v.id}'`) || src.includes(`registerTreeDataProvider('${v.id}'`), `${v.id} registered`);
  assert.ok(src.includes('registerDebugAdapterDescriptorFactory(DEBUG_TYPE'));
  assert.ok(src.includes('DebugConfigurationProviderTriggerKind.Dynamic'));
});

test('activation, trust and the adapter setting are declared', () => {
  for (const e of ['onDebugResolve:vpci', 'onDebugDynamicConfigurations:vpci']) assert.ok(pkg.activationEvents.includes(e), e);
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(pkg.capabilities.untrustedWorkspaces.description);
  const a = c.configuration.properties['vpci.adapter'];
  assert.deepEqual(a.enum, ['inline', 'stdio']);
  assert.equal(a.default, 'inline');
  assert.equal(a.enumDescriptions.length, 2);
  assert.ok(pkg.scripts['test:e2e']);
});

test('the step-back history budget is a setting and a launch attribute, in MiB, default 256', () => {
  const s = c.configuration.properties['vpci.history.maxMemory'];
  assert.equal(s.type, 'number');
  assert.equal(s.default, 256);
  assert.equal(s.minimum, 1);
  const l = dbg.configurationAttributes.launch.properties.historyMaxMemory;
  assert.equal(l.default, s.default);
  assert.equal(l.minimum, s.minimum);
});

test('the walkthrough goes from an example to a data breakpoint, and its media exist', () => {
  const w = c.walkthroughs[0];
  const ids = w.steps.map((s: { id: string }) => s.id);
  assert.equal(ids[0], 'openExample');
  assert.ok(ids.includes('dataBreakpoint'));
  for (const s of w.steps) {
    assert.ok(s.completionEvents.length > 0, `${s.id} completes`);
    if (s.media.markdown) assert.ok(readFileSync(s.media.markdown, 'utf8').startsWith('# '), s.media.markdown);
  }
  assert.ok(readFileSync(pkg.icon).subarray(1, 4).toString() === 'PNG', 'icon is a PNG');
});

/** Keys that appear twice in one JSON object (JSON.parse keeps the last and silently drops the other). */
function duplicateKeys(text: string): string[] {
  const out: string[] = [];
  const stack: { keys: Set<string> | null; path: string }[] = [];
  let i = 0;
  let lastString = '';
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      lastString = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      let k = i;
      while (/\s/.test(text[k] ?? '')) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ':' && top?.keys) {
        if (top.keys.has(lastString)) out.push(`${top.path}/${lastString}`);
        top.keys.add(lastString);
      }
      continue;
    }
    if (ch === '{' || ch === '[') stack.push({ keys: ch === '{' ? new Set() : null, path: `${stack[stack.length - 1]?.path ?? ''}/${lastString}` });
    else if (ch === '}' || ch === ']') stack.pop();
    i++;
  }
  return out;
}

test('package.json has no key twice in one object (a merge can leave two "editor/context" arrays; JSON.parse keeps one)', () => {
  assert.deepEqual(duplicateKeys(readFileSync('package.json', 'utf8')), []);
  assert.deepEqual(duplicateKeys('{"a": {"m": [1], "m": [2]}}'), ['//a/m']);
});
