// `vpci-lab lspci -t` (the bus tree) and `-P`/`-PP` (slots with the bridges above them) against
// what lspci 3.9.0 prints for the same dump: a pinned topology (root ports, a switch behind one, a
// second domain) checked always, and seeded dumps of random bridge trees, some of their bus
// numbers garbled (gen/tree-gen.ts), compared with real lspci when it is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../adapter/cli/main';
import { capture } from '../cli/capture';
import '../../adapter/cli/devices';
import { Rng } from './gen/config-gen';
import { treeDumpText } from './gen/tree-gen';

const SKIP = spawnSync('lspci', ['--version'], { encoding: 'utf8' }).stdout?.startsWith('lspci version 3.9.0') ? false : 'skipped: lspci 3.9.0 not installed';
const FIXED = resolve('test/fixtures/lspci/tree-bridges.lspci');

async function ours(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(['lspci', ...args, '-O', 'hwdb.disable=1'], io);
  return { code, out: io.stdout, err: io.stderr };
}

test('lspci -t draws the bus tree as lspci 3.9.0 does: bridges by their bus numbers, a second domain, names with -v', async () => {
  const t = await ours(['-F', FIXED, '-t']);
  assert.equal(t.code, 0, t.err);
  assert.equal(
    t.out,
    [
      '-+-[0000:00]-+-00.0',
      ' |           +-1c.0-[02-03]----00.0-[03]--+-00.0',
      ' |           |                            \\-00.1',
      ' |           \\-1c.4-[04]----00.0',
      ' \\-[0001:00]---00.0',
      '',
    ].join('\n'),
  );
  const tv = await ours(['-F', FIXED, '-tv']);
  assert.match(tv.out, /^ \| {11}\+-1c\.0-\[02-03\]----00\.0-\[03\]--\+-00\.0 {2}Intel Corporation 82599ES 10-Gigabit SFI\/SFP\+ Network Connection$/m);
  // -s keeps the branches that lead to what it matches.
  const s = await ours(['-F', FIXED, '-t', '-s', '04:']);
  assert.equal(s.out, '-+-[0000:00]-\\-1c.4-[04]----00.0\n');
});

test('lspci -P and -PP print each slot after the bridges above it, as lspci 3.9.0 does', async () => {
  const p = await ours(['-F', FIXED, '-P']);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /^0000:00:1c\.0\/00\.0\/00\.1 Ethernet controller: Intel Corporation 82599ES/m);
  const pp = await ours(['-F', FIXED, '-PP', '-mm']);
  // -mm shows a domain only on a device that has one (or with -D), as show_slot_name does.
  assert.match(pp.out, /^00:1c\.0\/02:00\.0\/03:00\.1 "Ethernet controller" "Intel Corporation"/m);
  assert.match(pp.out, /^0001:00:00\.0 "Ethernet controller" "Mellanox Technologies"/m);
});

test('a bridge its own bus numbers put behind itself: -P is where lspci 3.9.0 crashes, said in one line with exit 1', async () => {
  // 02:01.0 bridges 01..05 (its own bus 2 among them), so lspci files it under itself and -P's walk up never ends.
  const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-tree-'));
  try {
    const file = join(dir, 'loop.lspci');
    const row = (o: number, bytes: number[]): string =>
      `${o.toString(16).padStart(2, '0')}: ${Array.from({ length: 16 }, (_, i) => (bytes[i] ?? 0).toString(16).padStart(2, '0')).join(' ')}`;
    writeFileSync(
      file,
      [
        '02:01.0 loop',
        row(0, [0x86, 0x80, 0x10, 0xa3, 0, 0, 0, 0, 0, 0, 4, 6, 0, 0, 1]),
        row(0x10, [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 5]),
        row(0x20, []),
        row(0x30, []),
        '',
      ].join('\n'),
    );
    const r = await ours(['-F', file, '-P']);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(
      r.err,
      `vpci-lab: lspci: 02:01.0: lspci 3.9.0 crashes here (SIGSEGV): -P walks up the bridges above the device, and the dump's bus numbers put it behind itself\n`,
    );
    // -t never reaches it from the host bridge: the tree has bus 0 and nothing on it.
    assert.equal((await ours(['-F', file, '-t'])).out, '-[0000:00]-\n');
    if (!SKIP) assert.equal(spawnSync('lspci', ['-F', file, '-P']).signal, 'SIGSEGV');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lspci -t, -P and -PP on seeded random bridge trees print what real lspci 3.9.0 prints', { skip: SKIP }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-tree-'));
  try {
    let compared = 0;
    let crashes = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const file = join(dir, `t${seed}.lspci`);
      writeFileSync(file, treeDumpText(new Rng(0x7e00 + seed)));
      for (const args of [['-t'], ['-tv', '-nn'], ['-P'], ['-PP', '-v'], ['-t', '-s', '1:'], ['-t', '-d', '8086:'], ['-PP', '-mm', '-s', '2:'], ['-tD']]) {
        const real = spawnSync('lspci', ['-F', file, '-i', 'data/pci.ids', '-O', 'hwdb.disable=1', ...args], { encoding: 'utf8' });
        const o = await ours(['-F', file, ...args]);
        if (real.signal === 'SIGSEGV') {
          assert.equal(o.code, 1, `seed ${seed} ${args.join(' ')}: lspci crashes, ours: ${o.err}`);
          assert.match(o.err, /lspci 3\.9\.0 crashes here \(SIGSEGV\)/);
          crashes++;
          continue;
        }
        assert.equal(o.code, 0, `seed ${seed} ${args.join(' ')}: ${o.err}`);
        const a = o.out.split('\n');
        const b = real.stdout.split('\n');
        const i = a.findIndex((l, k) => l !== b[k]);
        assert.ok(
          o.out === real.stdout,
          `seed ${seed} lspci ${args.join(' ')}: line ${i + 1}\n  ours: ${JSON.stringify(a[i])}\n  real: ${JSON.stringify(b[i])}`,
        );
        compared++;
      }
    }
    // Most compare; a garbled tree that crashes lspci's -P must be told as such.
    assert.ok(compared > 250, `${compared} compared, ${crashes} crashes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
