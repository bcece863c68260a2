// decodeLspci against real pciutils: each dump (and each catalog function) is written
// with exportLspci, read back by `lspci -F tmp -vvv -nn`, and the lines both print for
// the header, Command/Status, BARs, ROM, capabilities and their -vvv detail lines (PM,
// MSI, MSI-X, Express, AER, VC, LTR, L1SS, Secondary PCIe, ARI, SR-IOV) are compared.
// Also compared with the stored reference output data/devices/*.lspci-vvv.txt
// (lspci 3.9.0, pci.ids 2023.04.10), which needs no lspci here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLspci, formatSize } from '../../emulator/pci/lspci-decode';
import { exportLspci } from '../../emulator/pci/lspci-export';
import { loadPciIds } from '../../emulator/pci/pci-ids';
import { importLspciText } from '../../emulator/pci/lspci-import';
import { catalogAddress, catalogIds, createFunction } from '../../emulator/pci/catalog';
import { systemHwdb } from '../../adapter/cli/devices';

const DEV = 'data/devices';
const ids = loadPciIds(readFileSync('data/pci.ids', 'utf8'));
const lspciPresent = spawnSync('lspci', ['--version']).status === 0;
/** The udev hwdb real lspci asks on this machine, as `vpci-lab lspci` finds it (none in a minimal container). */
const machineHwdb = systemHwdb();
const here = machineHwdb === undefined ? {} : { hwdb: machineHwdb };
const SKIP = lspciPresent ? false : 'skipped: lspci not installed';

/** The lines the comparison covers. */
const COMPARED = [
  /^\S/, // header line
  /^\tSubsystem:/,
  /^\tControl:/,
  /^\tStatus:/,
  /^\tLatency:/,
  /^\tInterrupt:/,
  /^\tRegion /,
  /^\tExpansion ROM/,
  /^\tCapabilities:/,
  /^\t\t(Vector table|PBA):/,
  /^\t\t(Address|Masking):/,
  /^\t\t(ARICap|ARICtl|IOVCap|IOVCtl|IOVSta|Initial VFs|VF offset|Supported Page Size|VF Migration):/,
  /^\t\tRegion \d: Memory at [0-9a-f]{16}/, // SR-IOV VF BARs
  /^\t\t(Flags: PMEClk|Status: D\d)/, // PM
  // PCI Express (lspci-decode-pcie.ts), including the continuation lines.
  /^\t\t(DevCap|DevCtl|DevSta|LnkCap|LnkCtl|LnkSta|SltCap|SltCtl|SltSta|RootCap|RootCtl|RootSta|DevCap2|DevCtl2|LnkCap2|LnkCtl2|LnkSta2):/,
  /^\t\t\t ?\S/,
  // Extended capabilities (lspci-decode-ecaps.ts) and VPD.
  /^\t\t(UESta|UEMsk|UESvrt|CESta|CEMsk|AERCap|HeaderLog|RootCmd|ErrorSrc):/,
  /^\t\t(Caps|Arb|Ctrl|Status|VC\d):\t/,
  /^\t\t(Max snoop latency|Max no snoop latency|L1SubCap|L1SubCtl1|L1SubCtl2|LnkCtl3|LaneErrStat):/,
  /^\t\tNot readable$/,
];

function picked(text: string): string[] {
  return text.split('\n').filter((l) => COMPARED.some((re) => re.test(l)));
}

function dumps(): { name: string; address: string; bytes: Uint8Array }[] {
  return readdirSync(DEV)
    .filter((f) => f.endsWith('.lspci'))
    .sort()
    .map((f) => {
      const r = importLspciText(readFileSync(join(DEV, f), 'utf8'));
      if (!r.ok) throw new Error(`${f}: line ${r.error.line}: ${r.error.message}`);
      const d = r.devices[0]!;
      return { name: f.replace(/\.lspci$/, ''), address: d.address.replace(/^0000:/, ''), bytes: d.bytes };
    });
}

function realLspci(text: string, args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-'));
  try {
    const file = join(dir, 'dump');
    writeFileSync(file, text);
    // -A dump with no PCI_IDS override: the installed pci.ids (Debian's, same version).
    const r = spawnSync('lspci', ['-F', file, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('decode equals the stored lspci 3.9.0 -vvv -nn output of every dump, line for line where compared', () => {
  for (const d of dumps()) {
    const ours = picked(decodeLspci(d.bytes, { address: d.address, ids, numeric: true }));
    const ref = picked(readFileSync(join(DEV, `${d.name}.lspci-vvv.txt`), 'utf8'));
    assert.deepEqual(ours, ref, d.name);
  }
});

test('decode equals the stored lspci 3.9.0 -vvv -nn output of every dump in full (Express, AER, DSN, VPD, VC, LTR, L1SS, …)', () => {
  for (const d of dumps()) {
    const ours = decodeLspci(d.bytes, { address: d.address, ids, numeric: true }).split('\n');
    const ref = readFileSync(join(DEV, `${d.name}.lspci-vvv.txt`), 'utf8')
      .replace(/\n*$/, '\n\n')
      .split('\n');
    assert.deepEqual(ours, ref, d.name);
  }
});

test('full real lspci -F -vvv -nn output equals the decode for every dump', { skip: SKIP }, () => {
  for (const d of dumps()) {
    const real = realLspci(exportLspci(d.bytes, d.address, 'Device'), ['-vvv', '-nn']);
    const ours = decodeLspci(d.bytes, { address: d.address, ids, numeric: true, ...here });
    assert.deepEqual(ours.split('\n'), real.split('\n'), d.name);
  }
});

test('every line of our decode also appears in the stored reference (nothing invented)', () => {
  for (const d of dumps()) {
    const ref = new Set(readFileSync(join(DEV, `${d.name}.lspci-vvv.txt`), 'utf8').split('\n'));
    for (const line of decodeLspci(d.bytes, { address: d.address, ids, numeric: true }).split('\n')) {
      if (line) assert.ok(ref.has(line), `${d.name}: ${JSON.stringify(line)}`);
    }
  }
});

test('decode equals real lspci -F -vvv -nn for every dump', { skip: SKIP }, () => {
  for (const d of dumps()) {
    const real = realLspci(exportLspci(d.bytes, d.address, 'Device'), ['-vvv', '-nn']);
    const ours = decodeLspci(d.bytes, { address: d.address, ids, numeric: true, ...here });
    assert.deepEqual(picked(ours), picked(real), d.name);
  }
});

test('decode equals real lspci -F -vvv for every catalog function (4 KiB from the model)', { skip: SKIP }, () => {
  for (const id of catalogIds()) {
    const fn = createFunction(id);
    const addr = catalogAddress(id)!.replace(/^0000:/, '');
    const bytes = new Uint8Array(4096);
    for (let o = 0; o < 4096; o++) bytes[o] = fn.cfgRead(o, 1);
    const real = realLspci(exportLspci(fn, addr), ['-vvv']);
    const ours = decodeLspci(bytes, { address: addr, ids, ...here });
    assert.deepEqual(picked(ours), picked(real), id);
    // And the whole text: nothing the model's config space holds is left undecoded.
    assert.deepEqual(ours.split('\n'), real.split('\n'), id);
    assert.ok(
      picked(ours).some((l) => l.startsWith('\tCapabilities:')),
      `${id} shows capabilities`,
    );
  }
});

test('VF decode: the constructed 82599 VF shows its BARs and MSI-X as lspci would', () => {
  const fn = createFunction('intel-82599-vf');
  const bytes = new Uint8Array(4096);
  for (let o = 0; o < 4096; o++) bytes[o] = fn.cfgRead(o, 1);
  const text = decodeLspci(bytes, {
    address: '00:00.0',
    ids,
    bars: [
      { index: 0, size: 16384 },
      { index: 3, size: 16384 },
    ],
  });
  assert.match(text, /^00:00\.0 Ethernet controller: Intel Corporation 82599 Ethernet Controller Virtual Function \(rev 01\)$/m);
  assert.match(text, /^\tRegion 0: Memory at <unassigned> \(64-bit, prefetchable\) \[disabled\] \[size=16K\]$/m);
  assert.match(text, /^\tRegion 3: Memory at <unassigned> \(64-bit, prefetchable\) \[disabled\] \[size=16K\]$/m);
  assert.match(text, /^\tCapabilities: \[70\] MSI-X: Enable- Count=3 Masked-\n\t\tVector table: BAR=3 offset=00000000\n\t\tPBA: BAR=3 offset=00002000$/m);
  assert.match(text, /^\tCapabilities: \[150 v1\] Alternative Routing-ID Interpretation \(ARI\)$/m);
});

test('decode never throws and reports looped or truncated capability lists as lspci does', () => {
  const b = new Uint8Array(256);
  b[0] = 0x86;
  b[1] = 0x80;
  b[6] = 0x10;
  b[0x34] = 0x40;
  b[0x40] = 0x05;
  b[0x41] = 0x50;
  b[0x50] = 0x11;
  b[0x51] = 0x40; // 40 → 50 → 40
  const t = decodeLspci(b, { address: '00:01.0' });
  assert.match(t, /\[40\] MSI:/);
  assert.match(t, /\[40\] <chain looped>/);
  const short = decodeLspci(b.subarray(0, 64), { address: '00:01.0' });
  assert.match(short, /Capabilities: <access denied>/);
  assert.doesNotThrow(() => decodeLspci(new Uint8Array(0), { address: '00:00.0' }));
  assert.equal(formatSize(512 * 1024), '512K');
  assert.equal(formatSize(32 * 1024 ** 3), '32G');
  assert.equal(formatSize(32), '32');
});
