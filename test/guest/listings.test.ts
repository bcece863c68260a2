// The driver listings as files: what `vpci-lab listings` writes (adapter/listings.ts), the stamp
// that lets a launch take a build's own listings folder without reading it, and the listing text
// laid out on demand by a second pass of the compiler (emulator/runtime/program.ts), which must
// put every line where the first pass counted it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LISTINGS_STAMP, allListings, listingsDigest } from '../../emulator/vpci/guest/listings';
import { loadGuestModel } from '../../emulator/vpci/guest/registry';
import { GUEST_MODELS } from '../../emulator/vpci/guest/models';
import { writeListings } from '../../adapter/listings';
import { compileProgram, S, T, If, While, For, Break, Continue, Label, When, fn } from '../../emulator/runtime/program';

// The interpreter reads these fields at every step of a guest thread, as V8's baseline code while
// the user steps (adapter/boot.ts): instructions of one shape keep those reads monomorphic.
test('every instruction of every model has the same fields in the same order', () => {
  for (const info of GUEST_MODELS) {
    for (const f of loadGuestModel(info.name).program.fns.values()) {
      for (const i of f.code)
        assert.deepEqual(Object.keys(i), ['op', 'line', 'target', 'cost', 'exec', 'cond', 'pre'], `${info.name} ${f.name}: ${i.op} at line ${i.line}`);
    }
  }
});

test('every instruction of every model stands on the listing line the text puts there', () => {
  for (const info of GUEST_MODELS) {
    const p = loadGuestModel(info.name).program;
    for (const f of p.fns.values()) {
      const l = p.listings.get(f.file)!;
      const lines = l.text.split('\n');
      // The name line (or, where the listing names the function as upstream does, e.g. pci_enable_busmaster_method,
      // the signature's first line), then the rest of the signature, then the opening brace.
      const open = lines.indexOf('{', f.line - 1) + 1;
      assert.ok(open > f.line && open - f.line <= 4, `${info.name} ${f.name}: line ${f.line} is '${lines[f.line - 1]}', its brace at ${open}`);
      assert.match(lines.slice(f.line - 1, open - 1).join(' '), /\w\(.*\)/, `${info.name} ${f.name}: a signature`);
      if (
        lines
          .slice(f.line - 1, open - 1)
          .join(' ')
          .includes(`${f.name}(`)
      )
        assert.ok(lines[f.line - 1]!.includes(`${f.name}(`), `${info.name} ${f.name}: the name line`);
      assert.equal(lines[f.endLine - 1], '}', `${info.name} ${f.name}: its closing brace`);
      for (const i of f.code) {
        const text = lines[i.line - 1]!;
        assert.ok(text.trim() !== '', `${info.name} ${f.name}: ${i.op} at line ${i.line} is blank`);
        if (i.op !== 'jump') assert.ok(l.executable.includes(i.line), `${info.name} ${f.name}: line ${i.line} ('${text.trim()}') is executable`);
      }
    }
    // The executable lines are those of the instructions, no more.
    for (const l of p.listings.values()) {
      const used = new Set([...p.fns.values()].filter((f) => f.file === l.file).flatMap((f) => f.code.filter((i) => i.op !== 'jump').map((i) => i.line)));
      assert.deepEqual(
        l.executable,
        [...used].sort((a, b) => a - b),
        `${info.name} ${l.file}`,
      );
    }
  }
});

test('the listing text is laid out at first use, the same each time, with the lines the instructions name', () => {
  const defs = [
    fn<unknown, { i: number }>({
      name: 'f',
      file: 'x/f.c',
      signature: ['static int', 'f(void)'],
      params: [],
      locals: [{ text: 'int i = 0;' }],
      doc: ['/* doc */'],
      body: [
        T('/* a comment */'),
        S('i = 1;'),
        If('if (i)', () => true, [S('i++;'), S('i++;')], [S('i--;')]),
        While('while (i < 3)', () => false, [S('i++;'), Break()]),
        For('for (;;)', undefined, () => false, undefined, [Continue()]),
        Label('out'),
        When(true, [S('i = 2;')], [S('never;')]),
        T(),
      ],
    }),
  ];
  const p = compileProgram(defs, { 'x/f.c': ['/* header */'] }, {}, { lines: 1, text: (name) => [`/* upstream: ${name} */`] });
  const l = p.listings.get('x/f.c')!;
  const lines = l.text.split('\n');
  assert.equal(l.text, p.listings.get('x/f.c')!.text);
  assert.deepEqual(lines.slice(0, 6), ['/* header */', '', '/* upstream: f */', '/* doc */', 'static int', 'f(void)']);
  const f = p.fns.get('f')!;
  assert.equal(lines[f.line - 1], 'f(void)');
  assert.equal(lines[f.endLine - 1], '}');
  const shown = (n: number): string => lines[n - 1]!.trim();
  assert.deepEqual(
    f.code.filter((i) => i.op !== 'jump').map((i) => shown(i.line)),
    ['i = 1;', 'if (i) {', 'i++;', 'i++;', 'i--;', 'while (i < 3) {', 'i++;', 'break;', 'for (;;)', 'continue;', 'i = 2;', '}'],
  );
  // The first jump is the one at the else, at its own line.
  assert.equal(shown(f.code.find((i) => i.op === 'jump')!.line), '} else {');
  assert.equal(lines.length, f.endLine + 2, 'a blank line after the function, then the final newline');
});

test('every function of every model names its frame: the C parameters of its signature, then its declared locals', () => {
  for (const info of GUEST_MODELS) {
    const p = loadGuestModel(info.name).program;
    for (const f of p.fns.values()) {
      const lines = p.listings.get(f.file)!.text.split('\n');
      const open = lines.indexOf('{', f.line - 1) + 1;
      const signature = lines.slice(f.line - 1, open - 1).join(' ');
      for (const a of f.args) assert.match(signature, new RegExp(`\\b${a.name}\\b`), `${info.name} ${f.name}: parameter ${a.name}`);
      const body = lines.slice(open, f.endLine - 1).join('\n');
      for (const l of f.locals) assert.match(body, new RegExp(`\\b${l.name}\\b`), `${info.name} ${f.name}: local ${l.name}`);
      assert.equal(new Set(f.locals.map((l) => l.name)).size, f.locals.length, `${info.name} ${f.name}: each local once`);
      assert.equal(f.args, f.args, 'worked out once');
    }
  }
});

test('frame names are read from the C text when first shown: a malformed declaration or binding is an error then, naming the function', () => {
  const program = (def: Partial<Parameters<typeof fn<unknown, never>>[0]>) =>
    compileProgram([
      fn<unknown, never>({ name: 'g', file: 'x/g.c', signature: ['static void', 'g(device_t dev, u32 *val)'], params: [], body: [S('x = 1;')], ...def }),
    ]);
  const ok = program({
    locals: [{ text: 'int rid = 0;' }, { text: 'u16 a, b;' }],
    body: [S('bus_size_t addr = 4 + 2;'), If('if (x) {', () => true, [S('u32 v = 1;')])],
  }).fns.get('g')!;
  assert.deepEqual(
    ok.locals.map((l) => [l.name, l.init]),
    [
      ['rid', 0],
      ['a', undefined],
      ['b', undefined],
      ['addr', undefined],
      ['v', undefined],
    ],
  );
  assert.deepEqual(
    ok.args.map((a) => [a.name, a.out ?? false]),
    [
      ['dev', false],
      ['val', true],
    ],
  );
  const bad = program({ locals: [{ text: '/* nothing */;' }] }).fns.get('g')!;
  assert.equal(bad.code.length, 2, 'compiled all the same');
  assert.throws(() => bad.locals, /^Error: g: '\/\* nothing \*\/;' declares nothing$/);
  const binding = program({ args: { nope: () => 1 } }).fns.get('g')!;
  assert.throws(() => binding.args, /^Error: g: a binding for 'nope', which is not a parameter of its signature$/);
});

test('a function header with other than the counted number of lines is an error when the text is laid out', () => {
  const p = compileProgram(
    [fn<unknown, never>({ name: 'h', file: 'x/h.c', signature: ['void', 'h(void)'], params: [], body: [S('x;')] })],
    {},
    {},
    {
      lines: 1,
      text: () => ['/* one */', '/* two */'],
    },
  );
  assert.equal(p.fns.get('h')!.line, 3, 'counted: one header line, then the signature');
  assert.throws(() => p.listings.get('x/h.c')!.text, /^Error: h: its header has 2 lines where every function's has 1$/);
});

test('vpci-lab listings writes every listing and, last, the stamp: the digest of what it wrote', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-listings-stamp-'));
  try {
    const written = writeListings(dir);
    const all = allListings();
    assert.equal(written.length, all.length);
    for (const l of all) assert.equal(readFileSync(join(dir, ...l.relPath.split('/')), 'utf8'), l.text, l.relPath);
    assert.equal(readFileSync(join(dir, LISTINGS_STAMP), 'utf8'), listingsDigest(all) + '\n');
    assert.deepEqual(readdirSync(dir).sort(), [...new Set(all.map((l) => l.relPath.split('/')[0]!)), LISTINGS_STAMP].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the listings digest names exactly the set of listings: any changed character, path or file changes it; order does not', () => {
  const a = [
    { relPath: 'freebsd/a.c', text: 'int a;\n' },
    { relPath: 'linux/b.c', text: 'int b;\n' },
  ];
  const d = listingsDigest(a);
  assert.match(d, /^2-\d+-[0-9a-f]{16}$/);
  assert.equal(listingsDigest([...a].reverse()), d);
  assert.notEqual(listingsDigest([a[0]!, { ...a[1]!, text: 'int c;\n' }]), d);
  assert.notEqual(listingsDigest([a[0]!, { ...a[1]!, relPath: 'linux/c.c' }]), d);
  assert.notEqual(listingsDigest([a[0]!]), d);
  // Text moved across the boundary between two files is another set.
  assert.notEqual(
    listingsDigest([
      { ...a[0]!, text: 'int a;\nint b;\n' },
      { ...a[1]!, text: '' },
    ]),
    listingsDigest([
      { ...a[0]!, text: 'int a;\n' },
      { ...a[1]!, text: 'int b;\n' },
    ]),
  );
  // Every single-character change of a real listing is seen.
  const real = allListings()[0]!;
  const base = listingsDigest([real]);
  const t = real.text;
  for (let at = 0; at < t.length; at += Math.max(1, Math.floor(t.length / 200))) {
    const changed = [{ ...real, text: t.slice(0, at) + (t[at] === 'x' ? 'y' : 'x') + t.slice(at + 1) }];
    assert.notEqual(listingsDigest(changed), base, `a change at ${at}`);
  }
});

test(
  'the build stamps its bundles with the digest of the listings it writes beside them',
  { skip: existsSync('dist/adapter-core.js') && existsSync('listings') ? false : 'not built' },
  () => {
    const stamped = readFileSync(join('listings', LISTINGS_STAMP), 'utf8').trim();
    assert.equal(stamped, listingsDigest(allListings()), 'listings/ is what these sources lay out');
    for (const bundle of ['dist/adapter-core.js', 'dist/extension.js']) assert.ok(readFileSync(bundle, 'latin1').includes(JSON.stringify(stamped)), bundle);
  },
);
