// `vpci-lab lspci -t` / `-tv` against real `lspci -F dump -t` (pciutils 3.9.0), through the CLI: seeded random
// topologies — devices on a few buses and domains, PCI and CardBus bridges with random (also
// overlapping, empty or backwards) bus ranges, non-bridge classes with a bridge header, short
// dumps, long names — printed with and without -v, -n/-nn, -s and -d; and the line buffer's
// cut ("...") on a deep chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TreeDevice } from '../../emulator/pci/lspci/tree';
import { exportLspci } from '../../emulator/pci/lspci-export';
import { main } from '../../adapter/cli/main';
import { capture } from '../cli/capture';
import '../../adapter/cli/devices';
import { Rng, idsCatalog } from './gen/config-gen';

const cat = idsCatalog(readFileSync('data/pci.ids', 'utf8'));
const SKIP = spawnSync('lspci', ['--version'], { encoding: 'utf8' }).stdout?.startsWith('lspci version 3.9.0') ? false : 'skipped: lspci 3.9.0 not installed';

const h = (v: number, w: number): string => v.toString(16).padStart(w, '0');
const addr = (d: TreeDevice): string => `${h(d.domain, 4)}:${h(d.bus, 2)}:${h(d.dev, 2)}.${d.func}`;

function topology(r: Rng): TreeDevice[] {
  const n = 1 + r.int(14);
  const seen = new Set<string>();
  const out: TreeDevice[] = [];
  for (let i = 0; i < n; i++) {
    const d: TreeDevice = { domain: r.chance(0.15) ? 1 : 0, bus: r.int(6), dev: r.int(32), func: r.int(8), bytes: new Uint8Array(0) };
    if (seen.has(addr(d))) continue;
    seen.add(addr(d));
    const len = r.chance(0.05) ? 16 * r.int(4) : r.chance(0.1) ? 128 : 256;
    const b = new Uint8Array(len);
    for (let k = 0; k < len; k++) b[k] = r.int(256);
    const [v, dv] = r.chance(0.3) && cat.longNames.length ? r.pick(cat.longNames) : r.pick(cat.devices);
    const put = (o: number, x: number): void => {
      if (o < len) b[o] = x;
    };
    put(0, v);
    put(1, v >> 8);
    put(2, dv);
    put(3, dv >> 8);
    const bridge = r.chance(0.6);
    put(0x0b, bridge || r.chance(0.2) ? 0x06 : r.int(0x12));
    put(0x0a, r.int(8));
    put(0x0e, (r.chance(0.5) ? 0x80 : 0) | (bridge ? (r.chance(0.8) ? 1 : 2) : r.pick([0, 0, 1, 2, 3])));
    put(0x18, r.chance(0.7) ? d.bus : r.int(6));
    const sec = r.int(7);
    put(0x19, sec);
    put(0x1a, r.chance(0.7) ? sec + r.int(3) : r.int(7));
    out.push({ ...d, bytes: b });
  }
  return out;
}

/** What real lspci and `vpci-lab lspci` print for the devices with `args` (real: undefined when it fails). */
async function both(devs: TreeDevice[], args: string[]): Promise<{ want: string | undefined; ours: string; code: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-tree-'));
  try {
    const file = join(dir, 'dump');
    writeFileSync(file, devs.map((d) => exportLspci(d.bytes, addr(d), 'x')).join(''));
    const r = spawnSync('lspci', ['-F', file, '-i', 'data/pci.ids', '-O', 'hwdb.disable=1', ...args], { maxBuffer: 16 << 20 });
    const io = capture();
    const code = await main(['lspci', '-F', file, '-O', 'hwdb.disable=1', ...args], io);
    return { want: r.status === 0 ? r.stdout.toString('utf8') : undefined, ours: io.stdout, code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sorted = (devs: TreeDevice[]): TreeDevice[] => [...devs].sort((a, b) => (addr(a) < addr(b) ? -1 : 1));

test('lspci -t: random topologies print as real lspci 3.9.0 prints them', { skip: SKIP }, async () => {
  const r = new Rng(0x7ee5);
  let compared = 0;
  let nested = 0;
  for (let i = 0; i < 80; i++) {
    const devs = sorted(topology(r));
    const mode = r.pick([
      [],
      ['-v'],
      ['-vnn'],
      ['-n'],
      ['-s', `${r.int(6)}:`],
      ['-v', '-d', `${h((devs[0]?.bytes[0] ?? 0) | ((devs[0]?.bytes[1] ?? 0) << 8), 4)}:`],
      ['-s', '.0', '-s', '1'],
    ]);
    const args = ['-t', ...mode];
    const { want, ours, code } = await both(devs, args);
    assert.ok(want !== undefined, `lspci ${args.join(' ')} failed on topology ${i}`);
    assert.equal(code, 0);
    assert.equal(ours, want, `topology ${i}, lspci ${args.join(' ')}`);
    if (/-\[0[1-6]/.test(want)) nested++;
    compared++;
  }
  // Most topologies have a bridge that opens a bus with a device on it.
  assert.ok(compared === 80 && nested > 25, `${compared} compared, ${nested} with a bridge's bus shown`);
});

test('lspci -t cuts a line at 1023 bytes with "..." as ls-tree.c print_it does', { skip: SKIP }, async () => {
  // A chain of bridges each on the bus the previous one opens (16 bytes a level), then a device
  // whose name runs past the line's end. (Deeper, lspci writes past its buffer: the next tests.)
  const devs: TreeDevice[] = [];
  for (let bus = 0; bus <= 62; bus++) {
    const b = new Uint8Array(64);
    b.set([0x86, 0x80, 0x01, 0x01], 0);
    b[0x0b] = bus < 62 ? 0x06 : 0x02;
    b[0x0a] = bus < 62 ? 0x04 : 0x00;
    b[0x0e] = bus < 62 ? 1 : 0;
    if (bus < 62) b.set([bus, bus + 1, 0xff], 0x18);
    devs.push({ domain: 0, bus, dev: 0, func: 0, bytes: b });
  }
  const { want, ours } = await both(devs, ['-tv']);
  assert.ok(ours.includes('...\n'));
  assert.equal(ours, want);
});

/**
 * A chain of `n` bridges, bridge k on bus k opening k+1..ff-k, and a device on bus ff-k for each
 * k in `extra` (a second bus of bridge k, so its line is 12 bytes longer): three of them put the
 * 61st bridge's unchecked '-' on the line buffer's last byte but one, uncut, and each bridge deeper
 * writes one byte more past it.
 */
function overrunChain(n: number, extra = [0, 1, 2]): TreeDevice[] {
  const dev = (bus: number, bridge: boolean): TreeDevice => {
    const b = new Uint8Array(64);
    b.set([0x86, 0x80, 0x01, 0x01], 0);
    b[0x0b] = bridge ? 0x06 : 0x02;
    b[0x0a] = bridge ? 0x04 : 0x00;
    b[0x0e] = bridge ? 1 : 0;
    if (bridge) b.set([bus, bus + 1, 0xff - bus], 0x18);
    return { domain: 0, bus, dev: 0, func: 0, bytes: b };
  };
  return sorted([...Array.from({ length: n + 1 }, (_, bus) => dev(bus, bus < n)), ...extra.map((k) => dev(0xff - k, false))]);
}

test('lspci -t prints what its bridges write past the line buffer, as lspci 3.9.0 does', { skip: SKIP }, async () => {
  // ls-tree.c's `*p++ = '-'` is unchecked, print_it prints to the first zero byte: an uncut line
  // that reaches the buffer's end goes on with one '-' per bridge deeper (1035 bytes with "..." here).
  for (const n of [61, 62, 70]) {
    const { want, ours, code } = await both(overrunChain(n), ['-t']);
    assert.equal(code, 0);
    assert.equal(ours, want, `chain of ${n}`);
    assert.equal(ours.split('\n')[0]!.length, 965 + n, `chain of ${n}`);
  }
});

test('lspci -t says lspci 3.9.0 aborts once its line buffer overruns the stack protector', async () => {
  // Debian's lspci 3.9.0 keeps show_forest's canary 1032 bytes into `line`: a '-' there (71
  // bridges here; 73 in a chain of single buses) aborts it after it printed the tree.
  for (const [devs, args] of [
    [overrunChain(71), ['-t']],
    [overrunChain(73, []), ['-tv']],
  ] as const) {
    const io = capture();
    const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-tree-'));
    try {
      const file = join(dir, 'dump');
      writeFileSync(file, devs.map((d) => exportLspci(d.bytes, addr(d), 'x')).join(''));
      const code = await main(['lspci', '-F', file, '-O', 'hwdb.disable=1', ...args], io);
      assert.equal(code, 1);
      assert.match(io.stderr, /^vpci-lab: lspci: lspci 3\.9\.0 aborts after printing this tree \("\*\*\* stack smashing detected \*\*\*"\)[^\n]*\n$/);
      assert.ok(io.stdout.split('\n')[0]!.endsWith('...'), io.stdout.slice(0, 80));
      if (!SKIP) {
        const r = spawnSync('lspci', ['-F', file, '-i', 'data/pci.ids', '-O', 'hwdb.disable=1', ...args]);
        assert.equal(r.signal, 'SIGABRT');
        assert.match(r.stderr.toString(), /stack smashing detected/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // One bridge less, the line's end lands on the canary's zero byte, and lspci prints it and exits 0.
  assert.equal((await both(overrunChain(70), ['-t'])).code, 0);
  assert.equal((await both(overrunChain(72, []), ['-tv'])).code, 0);
});
