// `vpci-lab lspci` as lspci 3.9.0 writes it, past what the text alone shows: the raw byte an
// out-of-range interrupt pin prints as, pcilib's warnings on stderr, and lspci stopping with
// "Internal bug" (exit 1, later devices not printed). Where lspci 3.9.0 is installed (CI installs
// pciutils), each case is also compared byte for byte with it. The cases come from a structured
// differential fuzzer (valid capability chains with random fields) run against real lspci.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const CLI = resolve('dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-bytes-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const lspciPresent = spawnSync('lspci', ['--version'], { encoding: 'utf8' }).stdout?.startsWith('lspci version 3.9.0') ?? false;

function ours(file: string, ...flags: string[]): { code: number | null; out: Buffer; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'lspci', file, '-O', 'hwdb.disable=1', ...flags], { timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString('utf8') };
}
function real(file: string, ...flags: string[]): { code: number | null; out: Buffer; err: string } {
  const r = spawnSync('lspci', ['-F', file, '-O', 'hwdb.disable=1', ...flags], { timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString('utf8') };
}

/** A dump of 64 config bytes at 00:00.0, `set` applied to an otherwise zero header (Intel 82574L ids). */
function dump64(name: string, set: Record<number, number>): string {
  const b = new Uint8Array(64);
  b.set([0x86, 0x80, 0xd3, 0x10], 0);
  b[0x0b] = 0x02; // Ethernet controller
  for (const [o, v] of Object.entries(set)) b[Number(o)] = v;
  const rows: string[] = [];
  for (let o = 0; o < 64; o += 16)
    rows.push(`${o.toString(16).padStart(3, '0')}: ${[...b.subarray(o, o + 16)].map((v) => v.toString(16).padStart(2, '0')).join(' ')}`);
  const file = join(dir, name);
  writeFileSync(file, `00:00.0 Ethernet controller: test\n${rows.join('\n')}\n\n`);
  return file;
}

test('an interrupt pin past D prints as the byte lspci prints, not that character in UTF-8', () => {
  for (const [pin, byte] of [
    [0x05, 0x45], // 'E'
    [0x96, 0xd6], // a byte with no character of its own
    [0xbf, 0xff],
  ] as const) {
    const file = dump64(`pin-${pin}.lspci`, { 0x3c: 10, 0x3d: pin });
    const o = ours(file, '-vvv');
    assert.equal(o.code, 0, o.err);
    const at = o.out.indexOf('Interrupt: pin ');
    assert.ok(at >= 0);
    assert.deepEqual([...o.out.subarray(at + 15, at + 17)], [byte, 0x20], `pin ${pin}`);
    if (lspciPresent) assert.deepEqual(o.out, real(file, '-vvv').out, `pin ${pin}: as lspci writes it`);
  }
});

test("pcilib's warning about a 64-bit BAR in the last slot goes to stderr, as lspci gives it", () => {
  // BAR 5 says "64-bit memory": it has no BAR 6 for its upper half.
  const file = dump64('bar5-64.lspci', { 0x24: 0x0c, 0x25: 0x00, 0x26: 0x10, 0x27: 0xfe });
  const o = ours(file, '-vvv');
  assert.equal(o.code, 0, o.err);
  assert.equal(o.err, 'pcilib: 0000:00:00.0: Invalid 64-bit address seen for BAR 5.\n');
  if (lspciPresent) {
    const r = real(file, '-vvv');
    assert.deepEqual(o.out, r.out);
    assert.ok(r.err.includes(o.err), r.err);
  }
});

test('the 64-bit BAR warning comes only with -v: lspci reads the bases in show_verbose, not in scan_device', () => {
  const file = dump64('bar5-64-terse.lspci', { 0x24: 0x0c, 0x25: 0x00, 0x26: 0x10, 0x27: 0xfe });
  for (const flags of [[], ['-n'], ['-nn'], ['-x'], ['-xxxx']]) {
    const o = ours(file, ...flags);
    assert.equal(o.code, 0, o.err);
    assert.equal(o.err, '', flags.join(' '));
    if (lspciPresent) assert.deepEqual([o.out, o.err], [real(file, ...flags).out, real(file, ...flags).err], flags.join(' '));
  }
});

test('a dump header with function 8 or 9 is that function to lspci: -D keeps the domain, pcilib names it, PCIe registers of function 0 only are left out', () => {
  // A PCIe endpoint (capability at 0x40, version 2) at 3a:1f.9 with a broken 64-bit BAR 5.
  const b = new Uint8Array(256);
  b.set([0x86, 0x80, 0xd3, 0x10, 0x00, 0x00, 0x10, 0x00], 0);
  b[0x0b] = 0x02;
  b[0x34] = 0x40;
  b.set([0x0c, 0x00, 0x10, 0xfe], 0x24);
  b.set([0x10, 0x00, 0x02, 0x00], 0x40);
  const rows: string[] = [];
  for (let o = 0; o < 256; o += 16)
    rows.push(`${o.toString(16).padStart(2, '0')}: ${[...b.subarray(o, o + 16)].map((v) => v.toString(16).padStart(2, '0')).join(' ')}`);
  const file = join(dir, 'fn9.lspci');
  writeFileSync(file, `3a:1f.9 Ethernet controller: test\n${rows.join('\n')}\n`);
  const d = ours(file, '-D');
  assert.match(d.out.toString('latin1'), /^0000:3a:1f\.9 Ethernet controller: /);
  const v = ours(file, '-vv');
  assert.equal(v.err, 'pcilib: 0000:3a:1f.9: Invalid 64-bit address seen for BAR 5.\n');
  assert.doesNotMatch(v.out.toString('latin1'), /LnkCtl2/);
  if (lspciPresent) for (const f of [['-D'], ['-vv'], ['-D', '-vvv']]) assert.deepEqual(ours(file, ...f).out, real(file, ...f).out, f.join(' '));
});

test('a dump line lspci cannot read whole (over 253 characters, or the last without its line end) stops the read, as dump_init does', () => {
  const rows = '00: 86 80 d3 10 00 00 00 00 00 00 00 02 00 00 00 00\n';
  const cases: [string, string, number][] = [
    ['unterminated.lspci', `00:00.0 x\n${rows.slice(0, -1)}`, 2],
    ['long-comment.lspci', `00:00.0 x\n${'#'.repeat(254)}\n${rows}`, 2],
  ];
  for (const [name, text, line] of cases) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const o = ours(file);
    assert.equal(o.code, 2, name);
    assert.equal(o.out.length, 0, name);
    assert.equal(o.err, `vpci-lab: lspci: ${file}:${line}: dump: line too long or unterminated\n`, name);
    if (lspciPresent) {
      const r = real(file);
      assert.deepEqual([r.code, r.out.length, r.err.trim()], [1, 0, 'lspci: dump: line too long or unterminated'], name);
    }
  }
  // 253 characters and a line end are read whole.
  const file = join(dir, 'long-253.lspci');
  writeFileSync(file, `00:00.0 x\n${'#'.repeat(253)}\n${rows}`);
  assert.equal(ours(file).code, 0);
  if (lspciPresent) assert.deepEqual(ours(file).out, real(file).out);
});

test('where lspci dies with "Internal bug" it stops: what lspci printed, no later device, exit 1, one line saying where', () => {
  // Device 00:0d.0 has a CXL DVSEC (ID 2) shorter than its FuncMap registers; 7f:00.0 follows it.
  const file = resolve('test/fixtures/lspci/cxl-dvsec-short-then-another.lspci');
  const o = ours(file, '-vvv');
  assert.equal(o.code, 1);
  assert.equal(o.err, 'vpci-lab: lspci: 00:0d.0: lspci 3.9.0 stops here with "Internal bug: Accessing non-read configuration byte at position 1e4"\n');
  const text = o.out.toString('latin1');
  assert.match(text, /^00:0d\.0 /);
  assert.match(text, /\t\tFuncMap 2: 00000000\n$/);
  assert.doesNotMatch(text, /7f:00\.0/);
  // The device after it is decoded when asked for alone.
  const alone = ours(file, '-vvv', '--select', '7f:00.0');
  assert.equal(alone.code, 0, alone.err);
  assert.match(alone.out.toString('latin1'), /^7f:00\.0 /);
  if (lspciPresent) {
    const r = real(file, '-vvv');
    assert.equal(r.code, 1);
    assert.deepEqual(o.out, r.out);
    assert.equal(r.err, 'lspci: Internal bug: Accessing non-read configuration byte at position 1e4\n');
  }
});
