// The house's layering (docs/architecture.md, README "Architecture"), checked on the
// real import graph: arrows run one way, no folder imports a folder that
// imports it, and the emulator stays pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { importGraph, circles } from './imports';
import { GUEST_MODELS } from '../../emulator/vpci/guest/models';

const g = importGraph();
const arrows = [...g.files].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));
const under = (p: string, dir: string): boolean => p === dir || p.startsWith(dir + '/');

/** `from` files under `a` must not import files under any of `forbidden`. */
function forbid(a: string, forbidden: string[], except: (to: string) => boolean = () => false): string[] {
  return arrows.filter((x) => under(x.from, a) && forbidden.some((f) => under(x.to, f)) && !except(x.to)).map((x) => `${x.from} → ${x.to}`);
}

test('the import graph is read (a test that reads no files proves nothing)', () => {
  assert.ok(g.files.size > 100, `${g.files.size} files`);
  assert.ok(arrows.some((x) => x.from === 'emulator/machine/machine.ts' && x.to === 'emulator/machine/bus.ts'));
});

test('no import circles', () => {
  assert.deepEqual(
    circles(g.files).map((c) => c.join(' ↔ ')),
    [],
  );
});

test('the circle finder finds circles (so an empty answer above means none)', () => {
  // Two files importing each other, a three-file ring, a self-import, and an acyclic chain.
  const toy = new Map<string, string[]>([
    ['a.ts', ['b.ts']],
    ['b.ts', ['a.ts', 'c.ts']],
    ['c.ts', []],
    ['x.ts', ['y.ts']],
    ['y.ts', ['z.ts']],
    ['z.ts', ['x.ts']],
    ['s.ts', ['s.ts']],
  ]);
  assert.deepEqual(
    circles(toy)
      .map((c) => c.join(' '))
      .sort(),
    ['a.ts b.ts', 's.ts', 'x.ts y.ts z.ts'],
  );
  // The real graph with one arrow added back (a capability printer importing the standard list
  // it is called from; the console importing the Inspector) shows the circle.
  for (const [from, to] of [
    ['emulator/pci/lspci/ht.ts', 'emulator/pci/lspci/caps.ts'],
    ['adapter/views.ts', 'adapter/inspect.ts'],
  ] as const) {
    assert.ok(g.files.has(from) && g.files.has(to), `${from} and ${to} exist`);
    const more = new Map(g.files);
    more.set(from, [...g.files.get(from)!, to]);
    assert.ok(
      circles(more).some((c) => c.includes(from) && c.includes(to)),
      `${from} → ${to} closes a circle`,
    );
  }
});

test('type-only imports count as arrows (a circle through a type is still a circle)', () => {
  const typeOnly = [...g.files].filter(([f]) => /\bimport type\b/.test(readText(f)));
  assert.ok(typeOnly.length > 10, `${typeOnly.length} files with import type`);
  assert.ok(g.files.get('emulator/pci/lspci/ht.ts')!.includes('emulator/pci/lspci/cap-ctx.ts'), 'ht.ts → cap-ctx.ts (import type) is an arrow');
});

test('the emulator imports nothing outside itself: no vscode, no DAP, no Node I/O', () => {
  assert.deepEqual(forbid('emulator', ['adapter', 'extension', 'language']), []);
  const bad = [...g.packages].filter(([f]) => under(f, 'emulator')).flatMap(([f, pkgs]) => pkgs.map((p) => `${f} → ${p}`));
  assert.deepEqual(bad, []);
});

test('runtime knows no PCI, no vPCI, no machine, no scenario', () => {
  assert.deepEqual(forbid('emulator/runtime', ['emulator/pci', 'emulator/vmbus', 'emulator/vpci', 'emulator/machine', 'emulator/scenario']), []);
});

test('pci and vmbus sit below vpci; vpci sits below machine', () => {
  assert.deepEqual(forbid('emulator/pci', ['emulator/vmbus', 'emulator/vpci', 'emulator/machine', 'emulator/scenario']), []);
  assert.deepEqual(forbid('emulator/vmbus', ['emulator/pci', 'emulator/vpci', 'emulator/machine', 'emulator/scenario']), []);
  assert.deepEqual(forbid('emulator/vpci', ['emulator/machine', 'emulator/scenario']), []);
  // The check reads real arrows: vpci does import the runtime and pci.
  assert.ok(arrows.some((x) => under(x.from, 'emulator/vpci') && under(x.to, 'emulator/runtime')));
  assert.ok(arrows.some((x) => under(x.from, 'emulator/machine') && under(x.to, 'emulator/vpci')));
});

test('the adapter never imports the CLI, the extension or the language server', () => {
  assert.deepEqual(
    arrows
      .filter(
        (x) =>
          under(x.from, 'adapter') &&
          !under(x.from, 'adapter/cli') &&
          x.from !== 'adapter/cli.ts' &&
          x.from !== 'adapter/bundle.ts' &&
          under(x.to, 'adapter/cli'),
      )
      .map((x) => `${x.from} → ${x.to}`),
    [],
  );
  assert.deepEqual(forbid('adapter', ['extension', 'language']), []);
});

test('the debug adapter library is imported in one place, adapter/dap-lib.ts, which binds its classes once', () => {
  // The bundler reaches a CommonJS package's exports through getters: a file importing the
  // library directly would put two getter calls into each use of its classes, on every message.
  const importers = [...g.packages].filter(([, pkgs]) => pkgs.includes('@vscode/debugadapter')).map(([f]) => f);
  assert.deepEqual(importers, ['adapter/dap-lib.ts']);
  // And in the shipped adapter no use of the library goes through the bundler's getters.
  const core = readFileSync('dist/adapter-core.js', 'latin1');
  assert.match(core, /LoggingDebugSession/);
  assert.deepEqual(core.match(/\bimport_debugadapter\d*\.\w+/g) ?? [], []);
});

test('file access (io/) is a platform layer: it imports no adapter, extension or language server, and the emulator never imports it', () => {
  assert.deepEqual(forbid('io', ['adapter', 'extension', 'language']), []);
  assert.deepEqual(forbid('emulator', ['io']), []);
});

test('the language server and the extension meet only through LSP', () => {
  assert.deepEqual(forbid('language', ['adapter', 'extension']), []);
  assert.deepEqual(forbid('extension', ['language']), []);
});

test('guest models are named only in the guest registry: no branch on a guest name or OS elsewhere', () => {
  const names = [...new Set(GUEST_MODELS.flatMap((r) => [r.name, r.os]))].map((n) => n.replace(/[-.]/g, '\\$&'));
  const q = `['"\`](?:${names.join('|')})['"\`]`;
  // `x === 'linux'`, `'linux' !== x`, `case 'linux':`, `.guest === …`/`.os === …`, and a
  // per-guest column (`linux: …`) are all branches on the guest; the registry and the guest
  // models own them.
  const branch = new RegExp(
    `(?:[!=]==?\\s*${q})|(?:${q}\\s*[!=]==?)|(?:\\bcase\\s+${q})|(?:\\.(?:guest|os)\\s*[!=]==?\\s*['"\`])|(?:^\\s*['"]?(?:${names.join('|')})['"]?\\s*:)`,
    'm',
  );
  const hits = [...g.files.keys()]
    .filter((f) => !under(f, 'emulator/vpci/guest'))
    .flatMap((f) =>
      readText(f)
        .split('\n')
        .map((line, i) => ({ f, line, i })),
    )
    .filter(({ line }) => !/^\s*(\/\/|\*)/.test(line) && branch.test(line))
    .map(({ f, line, i }) => `${f}:${i + 1}: ${line.trim()}`);
  assert.deepEqual(hits, []);
  // The pattern does find the registry's own branch (a check that matches nothing proves nothing).
  assert.ok(
    readText('emulator/vpci/guest/registry.ts')
      .split('\n')
      .some((l) => branch.test(l)),
  );
});

function readText(f: string): string {
  return readFileSync(f, 'utf8');
}
