// PCI Express / AER / VC / LTR / L1 PM Substates / Secondary PCIe detail lines against real
// pciutils: config spaces with every Express port type and version, filled with seeded
// random register values, are written as one `lspci -x` dump file and read back by the
// installed `lspci -F file -vvv`; every device's capability lines must equal decodeLspci's.
// Also checks a few decoded fields by value, so the test can fail without lspci too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLspci } from '../../emulator/pci/lspci-decode';
import { exportLspci } from '../../emulator/pci/lspci-export';
import { loadPciIds } from '../../emulator/pci/pci-ids';

const ids = loadPciIds(readFileSync('data/pci.ids', 'utf8'));

const lspciPresent = spawnSync('lspci', ['--version']).status === 0;
const SKIP = lspciPresent ? false : 'skipped: lspci not installed';

/** xorshift32: the same pseudo-random config spaces on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

const put32 = (b: Uint8Array, o: number, v: number): void => {
  for (let i = 0; i < 4; i++) b[o + i] = (v >>> (8 * i)) & 0xff;
};
const put16 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >> 8) & 0xff;
};

const TYPES = [0x0, 0x1, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, 0xb];

/** One function: an Express capability at 0x40 and an extended list of AER, VC, LTR, L1SS, SecPCIe. */
function randomFunction(r: () => number, n: number): Uint8Array {
  const size = n % 7 === 6 ? 256 : 4096;
  const b = new Uint8Array(size);
  for (let o = 0x40; o < size; o += 4) put32(b, o, r());
  put16(b, 0, 0x8086);
  put16(b, 2, 0x1234);
  put16(b, 4, r() & 0x7);
  put16(b, 6, 0x0010);
  b[0x0b] = 0x02;
  b[0x0e] = n % 5 === 4 ? 0x01 : 0x00;
  // BAR 0: memory (64-bit), I/O or empty, so AtomicOpsCap's memory-BAR condition varies.
  const bar = n % 3;
  if (bar === 0) put32(b, 0x10, (r() & 0xfffff000) | 0x4);
  else if (bar === 1) put32(b, 0x10, (r() & 0xff00) | 0x1);
  b[0x34] = 0x40;
  const type = TYPES[n % TYPES.length]!;
  const ver = n % 4 === 3 ? 1 : 2;
  b[0x40] = 0x10;
  b[0x41] = 0x00;
  put16(b, 0x42, (r() & 0x3e00) | (r() & 0x100) | (type << 4) | ver);
  if (n % 6 === 0) put32(b, 0x40 + 0x2c, 0); // LnkCap2 reserved (0): not printed
  if (size === 4096) {
    const caps: [number, number, number][] = [
      [0x100, 0x0001, 2], // AER
      [0x180, n % 2 ? 0x0002 : 0x0009, 1], // VC / MFVC-numbered VC
      [0x200, 0x0018, 1], // LTR
      [0x280, 0x001e, 1], // L1 PM Substates
      [0x300, 0x0019, 1], // Secondary PCI Express
    ];
    caps.forEach(([off, id, v], i) => {
      const next = caps[i + 1]?.[0] ?? 0;
      put32(b, off, (next << 20) | (v << 16) | id);
    });
    // Keep the VC extended-VC count small so each VC resource lands inside the capability.
    b[0x184] = b[0x184]! & 0xf1;
    // LaneErrStat: sometimes no lane errors.
    if (n % 2) put32(b, 0x308, 0);
  }
  return b;
}

function addressOf(n: number): string {
  // Function 0 of device 0 and others: lspci hides LnkCap2/LnkCtl2 for endpoints' other functions.
  return `${(n & 0xff).toString(16).padStart(2, '0')}:${(n % 4 === 1 ? 3 : 0).toString(16).padStart(2, '0')}.${n % 8 === 5 ? 1 : 0}`;
}

function realLspciAll(devs: { address: string; bytes: Uint8Array }[]): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-pcie-'));
  try {
    const file = join(dir, 'dump');
    writeFileSync(file, devs.map((d) => exportLspci(d.bytes, d.address)).join(''));
    const r = spawnSync('lspci', ['-F', file, '-vvv'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const byAddr = new Map<string, string>();
    for (const block of r.stdout.split('\n\n')) {
      if (!block.trim()) continue;
      byAddr.set(block.slice(0, block.indexOf(' ')), block.replace(/\n*$/, '\n'));
    }
    return byAddr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** From the first capability line on (bridge header lines are another decoder's business). */
function capsPart(text: string): string {
  const i = text.indexOf('\tCapabilities:');
  return i < 0 ? '' : text.slice(i);
}

test('Express, AER, VC, LTR, L1SS and Secondary PCIe lines equal real lspci -vvv for random register values', { skip: SKIP }, () => {
  const r = rng(0x5eed1234);
  for (let batch = 0; batch < 3; batch++) {
    // One bus number per function: 200 functions a file.
    const devs = Array.from({ length: 200 }, (_, i) => {
      const n = batch * 200 + i;
      return { address: addressOf(i).replace(/\.\d$/, (f) => (n % 8 === 5 ? '.1' : f)), bytes: randomFunction(r, n) };
    });
    const real = realLspciAll(devs);
    assert.equal(real.size, devs.length);
    for (const d of devs) {
      const ours = decodeLspci(d.bytes, { address: d.address, ids });
      assert.match(ours, /\tCapabilities: \[40\] Express \(v[12]\)/, d.address);
      assert.equal(capsPart(ours).replace(/\n+$/, '\n'), capsPart(real.get(d.address) ?? ''), d.address);
    }
  }
});

test('Express detail fields decode to the values the registers hold', () => {
  const b = new Uint8Array(4096);
  put16(b, 0, 0x8086);
  put16(b, 6, 0x10);
  b[0x34] = 0x40;
  b[0x40] = 0x10;
  put16(b, 0x42, 0x0002); // v2 endpoint
  put32(b, 0x44, 0x10008002 | (0x19 << 18)); // MPS 512, RBE, FLR, slot power 25 W
  put16(b, 0x48, 0x2030); // MPS 256 (1 << 5), MRRS 512 (2 << 12), RlxdOrd
  put32(b, 0x4c, 0x00000c43); // Port 0, 8GT/s, x4, ASPM L0s L1
  put16(b, 0x52, 0x0022); // 5GT/s x2 (downgraded both)
  put32(b, 0x100, 0x00020001); // AER v2, last
  put32(b, 0x104, 0x00100000); // UnsupReq status
  put32(b, 0x118, 0x000000a0); // ECRCGenCap+ ECRCChkCap+
  const t = decodeLspci(b, { address: '00:00.0' });
  assert.match(t, /^\t\tDevCap:\tMaxPayload 512 bytes, PhantFunc 0, Latency L0s <64ns, L1 <1us$/m);
  assert.match(t, /^\t\t\tExtTag- AttnBtn- AttnInd- PwrInd- RBE\+ FLReset\+ SlotPowerLimit 25W$/m);
  assert.match(t, /^\t\t\tRlxdOrd\+ ExtTag- PhantFunc- AuxPwr- NoSnoop- FLReset-$/m);
  assert.match(t, /^\t\t\tMaxPayload 256 bytes, MaxReadReq 512 bytes$/m);
  assert.match(t, /^\t\tLnkCap:\tPort #0, Speed 8GT\/s, Width x4, ASPM L0s L1, Exit Latency L0s <64ns, L1 <1us$/m);
  assert.match(t, /^\t\tLnkSta:\tSpeed 5GT\/s \(downgraded\), Width x2 \(downgraded\)$/m);
  assert.match(t, /^\tCapabilities: \[100 v2\] Advanced Error Reporting\n\t\tUESta:\t.* UnsupReq\+ ACSViol-$/m);
  assert.match(t, /^\t\tAERCap:\tFirst Error Pointer: 00, ECRCGenCap\+ ECRCGenEn- ECRCChkCap\+ ECRCChkEn-$/m);
  assert.match(t, /^\t\tHeaderLog: 00000000 00000000 00000000 00000000$/m);
});

test('Express and extended-capability decode never throws on random bytes and truncated dumps', () => {
  const r = rng(42);
  for (let n = 0; n < 300; n++) {
    const full = randomFunction(r, n);
    for (let o = 0x40; o < full.length; o++) if (r() % 17 === 0) full[o] = r() & 0xff;
    const cut = full.subarray(0, [64, 80, 128, 256, 300, 4096][n % 6]);
    assert.doesNotThrow(() => decodeLspci(cut, { address: addressOf(n) }));
  }
});

// Extended capabilities whose -vvv details are not decoded yet (Root Complex Link, RCEC
// association, Multicast, Resizable BAR, VF Resizable BAR, DVSEC, DOE): left out here.
const UNDECODED_EXT = new Set<number>();

test('every decoded extended capability id (random contents, 2-entry chains, some looped) equals real lspci', { skip: SKIP }, () => {
  const r = rng(99);
  const ids2 = Array.from({ length: 0x30 }, (_, i) => i).filter((i) => !UNDECODED_EXT.has(i));
  const devs = Array.from({ length: 240 }, (_, n) => {
    const b = new Uint8Array(4096);
    for (let o = 0x40; o < 4096; o++) b[o] = r() & 0xff;
    put16(b, 0, 0x8086);
    put16(b, 2, 0x1234);
    put16(b, 6, 0x10);
    b[0x0b] = 0x02;
    b[0x34] = 0x40;
    put32(b, 0x40, 0x00020010); // Express v2 endpoint, last standard capability
    const first = ids2[n % ids2.length]!;
    const second = ids2[r() % ids2.length]!;
    put32(b, 0x100, (0x200 << 20) | (1 << 16) | first);
    put32(b, 0x200, ((n % 3 === 0 ? 0x100 : 0) << 20) | (1 << 16) | second);
    return { address: `${n.toString(16).padStart(2, '0')}:00.0`, bytes: b };
  });
  const real = realLspciAll(devs);
  for (const d of devs) {
    const ours = decodeLspci(d.bytes, { address: d.address, ids });
    const ext = (t: string): string => t.slice(t.indexOf('\tCapabilities: [100'));
    assert.match(ours, /\tCapabilities: \[100 v1\]/, d.address);
    assert.equal(ext(ours).replace(/\n+$/, '\n'), ext(real.get(d.address) ?? ''), d.address);
  }
});
