import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileProgram, fn, decl, S, If, For, Break, call, ret, wait, nearestExecutableLine } from '../../emulator/runtime/program';
import { stepThread, wakeThread, nextLocation, type ThreadState } from '../../emulator/runtime/threads';

interface Ctx {
  log: string[];
  flag: boolean;
}

const prog = compileProgram<Ctx>(
  [
    fn<Ctx, { n: number; i: number; r: number }>({
      name: 'outer',
      file: 'x.c',
      signature: ['static int', 'outer(int n)'],
      params: ['n'],
      locals: [decl('int i, r;')],
      body: [
        For(
          'for (i = 0; i < n; i++) {',
          (_c, l) => {
            l.i = 0;
          },
          (_c, l) => l.i < l.n,
          (_c, l) => {
            l.i++;
          },
          [S('r = inner(i);', (_c, l) => call('inner', { v: l.i }, 'r')), If('if (r == 4)', (_c, l) => l.r === 4, [Break()])],
        ),
        S('wait_for_flag();', (c) => (c.flag ? undefined : wait('flag', 'flag'))),
        S('return (r);', (_c, l) => ret(l.r)),
      ],
    }),
    fn<Ctx, { v: number }>({
      name: 'inner',
      file: 'x.c',
      signature: ['static int', 'inner(int v)'],
      params: ['v'],
      body: [
        S('log(v);', (c, l) => {
          c.log.push(`v=${l.v}`);
        }),
        S('return (v * 2);', (_c, l) => ret(l.v * 2)),
      ],
    }),
  ],
  { 'x.c': ['/* test listing */'] },
);

test('listing renders every statement on its own line, with executable lines', () => {
  const l = prog.listings.get('x.c')!;
  const lines = l.text.split('\n');
  const at = (n: number) => lines[n - 1];
  const outer = prog.fns.get('outer')!;
  assert.equal(at(outer.line), 'outer(int n)');
  const forLine = lines.findIndex((s) => s.includes('for (i = 0;')) + 1;
  assert.ok(l.executable.includes(forLine));
  // 'int i, r;' is a declaration: not executable; a breakpoint there moves to the for line.
  const declLine = lines.findIndex((s) => s.includes('int i, r;')) + 1;
  assert.ok(!l.executable.includes(declLine));
  assert.equal(nearestExecutableLine(l, declLine), forLine);
});

test('the interpreter steps statements, calls, loops, breaks and waits', () => {
  const ctx: Ctx = { log: [], flag: false };
  const t: ThreadState = {
    id: 1,
    name: 't',
    bus: 0,
    role: 'attach',
    frames: [{ fn: 'outer', pc: 0, locals: { n: 5 } }],
    status: 'ready',
    readyAt: 0,
    steps: 0,
  };
  const lines: string[] = [];
  const text = prog.listings.get('x.c')!.text.split('\n');
  for (let i = 0; i < 200 && t.status === 'ready'; i++) {
    const o = stepThread(prog, ctx, t, 0);
    lines.push(`${o.fn}:${text[o.line! - 1]!.trim()}`);
  }
  assert.equal(t.status, 'blocked');
  assert.deepEqual(t.waitKeys, ['flag']);
  // inner ran for i = 0, 1, 2 (r = 4 at i = 2 breaks the loop).
  assert.deepEqual(ctx.log, ['v=0', 'v=1', 'v=2']);
  assert.equal(lines[0], 'outer:for (i = 0; i < n; i++) {');
  assert.equal(lines[1], 'outer:r = inner(i);');
  assert.equal(lines[2], 'inner:log(v);');
  assert.ok(lines.includes('outer:break;'));
  // Where the blocked thread stands: the wait line, which re-runs when woken.
  const loc = nextLocation(prog, t.frames[0]!)!;
  assert.equal(text[loc.line - 1]!.trim(), 'wait_for_flag();');
  assert.equal(wakeThread(t, 'other', 10), false);
  ctx.flag = true;
  assert.equal(wakeThread(t, 'flag', 10), true);
  assert.equal(t.wokenBy, 'flag');
  stepThread(prog, ctx, t, 10); // wait line passes now
  stepThread(prog, ctx, t, 10); // return (r)
  assert.equal(t.status, 'done');
});
