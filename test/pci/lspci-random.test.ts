// Our lspci model against real lspci 3.9.0 on config spaces it has never seen: the seeded
// generator (gen/config-gen.ts) writes random but well-formed spaces — type 0, 1, 2 and unknown
// headers, every capability and extended capability lspci 3.9.0 decodes in random orders —
// into one `lspci -xxxx` dump per batch; real `lspci -F dump` prints them at every verbosity
// (none, -v, -vv, -vvv), with -n / -nn and -x / -xxx / -xxxx, and the text must be equal, byte
// for byte. Names come from data/pci.ids (`-i`); udev's hwdb is compared both off
// (`-O hwdb.disable=1`) and, where this machine has one, on with the same hwdb source.
// Two seeds per run: a fixed one (its coverage of lspci's branches is asserted) and a fresh
// one printed at the start — rerun a failure with VPCI_LSPCI_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { lspciRun, type LspciOptions } from '../../emulator/pci/lspci/index';
import { exportLspci } from '../../emulator/pci/lspci-export';
import { loadPciIds } from '../../emulator/pci/pci-ids';
import { loadHwdb, type HwdbNames } from '../../emulator/pci/hwdb';
import { Rng, generateSpace, idsCatalog } from './gen/config-gen';

const PCI_IDS = 'data/pci.ids';
const idsText = readFileSync(PCI_IDS, 'utf8');
const ids = loadPciIds(idsText);
const HWDB_FILES = ['/usr/lib/udev/hwdb.d/20-pci-vendor-model.hwdb', '/usr/lib/udev/hwdb.d/20-pci-classes.hwdb'];
const hwdbBin = ['/etc/udev/hwdb.bin', '/usr/lib/udev/hwdb.bin', '/lib/udev/hwdb.bin'].some((p) => existsSync(p));
const hwdbText = hwdbBin && HWDB_FILES.every((p) => existsSync(p)) ? HWDB_FILES.map((p) => readFileSync(p, 'utf8')).join('\n') : undefined;
const hwdb: HwdbNames | undefined = hwdbText ? loadHwdb(hwdbText) : undefined;
const catalog = idsCatalog(idsText, hwdbText);

const lspciPresent = spawnSync('lspci', ['--version'], { encoding: 'utf8' }).stdout?.startsWith('lspci version 3.9.0') ?? false;
const SKIP = lspciPresent ? false : 'skipped: lspci 3.9.0 not installed';

const FIXED_SEED = 0x1cdb2023;
const envSeed = process.env.VPCI_LSPCI_SEED;
// A second seed, fixed too, so CI is reproducible; VPCI_LSPCI_SEED=<n> replays a seed and
// VPCI_LSPCI_SEED=random draws a fresh one (the seed is in the test's name either way).
const FRESH_SEED = envSeed === 'random' ? randomInt(0, 2 ** 32) : envSeed !== undefined ? Number(envSeed) >>> 0 : 0x7e57_5eed;
const FIXED_COUNT = 200;
const FRESH_COUNT = 100;

interface Mode {
  args: string[];
  opts: Partial<LspciOptions>;
  /** Real lspci with udev's hwdb on (compared only where this machine has one). */
  hwdb?: boolean;
}
const MODES: Mode[] = [
  { args: ['-vvv'], opts: { verbose: 3 } },
  { args: ['-vv'], opts: { verbose: 2 } },
  { args: ['-v'], opts: { verbose: 1 } },
  { args: [], opts: { verbose: 0 } },
  { args: ['-vvv', '-nn'], opts: { verbose: 3, numeric: 2 } },
  { args: ['-v', '-n'], opts: { verbose: 1, numeric: 1 } },
  { args: ['-nn'], opts: { verbose: 0, numeric: 2 } },
  { args: ['-vv', '-xxxx'], opts: { verbose: 2, hex: 4 } },
  { args: ['-x'], opts: { verbose: 0, hex: 1 } },
  { args: ['-v', '-xxx'], opts: { verbose: 1, hex: 3 } },
  { args: ['-vvv'], opts: { verbose: 3 }, hwdb: true },
  { args: ['-v', '-nn'], opts: { verbose: 1, numeric: 2 }, hwdb: true },
];

interface Dev {
  address: string;
  bytes: Uint8Array;
  note: string;
}

function batch(seed: number, count: number, allowDie = false): Dev[] {
  const r = new Rng(seed);
  // Some dumps cut short (lspci reads what each access finds in it; under 64 bytes it has
  // no config access and shows what the library read), drawn apart so the spaces stay the same.
  const cut = new Rng(seed ^ 0x5eed_c07);
  return Array.from({ length: count }, (_, i) => {
    const g = generateSpace(r, catalog, { allowDie });
    const address = `${i.toString(16).padStart(2, '0')}:${r.int(32).toString(16).padStart(2, '0')}.${r.int(8)}`;
    // (Whole lines: exportLspci writes 16 bytes a line.)
    const at = cut.chance(0.06) ? 16 * cut.pick([cut.int(4), 4 + cut.int(12), 16 + cut.int(240)]) : g.bytes.length;
    return { address, bytes: g.bytes.slice(0, at), note: at < g.bytes.length ? `${g.note}, cut at ${at}` : g.note };
  });
}

function realLspci(devs: Dev[], mode: Mode): { stdout: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-lspci-rand-'));
  try {
    const file = join(dir, 'dump');
    writeFileSync(file, devs.map((d) => exportLspci(d.bytes, d.address, 'Device')).join(''));
    const args = ['-F', file, '-i', PCI_IDS, ...(mode.hwdb ? [] : ['-O', 'hwdb.disable=1']), ...mode.args];
    const r = spawnSync('lspci', args, { maxBuffer: 64 << 20 });
    return { stdout: new TextDecoder('utf-8').decode(r.stdout), stderr: r.stderr.toString('utf8'), status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ours for a whole dump: devices in lspci's order until one dies (lspci exits there). */
function ours(devs: Dev[], mode: Mode): { text: string; died?: string; shown: number } {
  let text = '';
  let shown = 0;
  for (const d of devs) {
    const r = lspciRun(d.bytes, { address: d.address, ids, hwdb: mode.hwdb ? hwdb! : false, ...mode.opts });
    text += r.text;
    shown++;
    if (r.died) return { text, died: r.died, shown };
  }
  return { text, shown };
}

/** The first differing line with its device, for a readable failure. */
function firstDifference(devs: Dev[], a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      let dev = '';
      for (let k = i; k >= 0; k--)
        if (/^[0-9a-f]{2}:[0-9a-f]{2}\.\d /.test(lb[k] ?? '')) {
          dev = lb[k]!.slice(0, 7);
          break;
        }
      const note = devs.find((d) => d.address === dev)?.note ?? '';
      return `line ${i + 1} (device ${dev}: ${note})\n  ours: ${JSON.stringify(la[i])}\n  real: ${JSON.stringify(lb[i])}`;
    }
  }
  return 'equal';
}

function compareBatch(devs: Dev[], seed: number): { compared: number; vvv: string } {
  let compared = Infinity;
  let vvv = '';
  for (const mode of MODES) {
    if (mode.hwdb && !hwdb) continue;
    const real = realLspci(devs, mode);
    const o = ours(devs, mode);
    const where = `seed 0x${seed.toString(16)}, lspci ${mode.args.join(' ')}${mode.hwdb ? ' (hwdb on)' : ''}`;
    assert.ok(o.text === real.stdout, `${where}: ${firstDifference(devs, o.text, real.stdout)}`);
    if (o.died) {
      assert.equal(real.status, 1, where);
      assert.ok(real.stderr.includes(`lspci: ${o.died}`), `${where}: lspci said ${real.stderr}`);
    } else assert.equal(real.status, 0, `${where}: ${real.stderr}`);
    compared = Math.min(compared, o.shown);
    if (mode.args.join(' ') === '-vvv' && !mode.hwdb) vvv = real.stdout;
  }
  return { compared, vvv };
}

// Branches of lspci's printing the fixed seed must reach (so the generator stays general).
const COVERAGE = [
  '\tSubsystem: Device ',
  ' Device ',
  'Class ',
  ' [',
  '(prog-if ',
  '...',
  '!!! Invalid class',
  '!!! Unknown header type',
  'BIST result',
  'BIST is running',
  'Region 5: Memory at <unassigned> (64-bit',
  'I/O ports at ',
  '(low-1M',
  '(type 3',
  'Expansion ROM at <ignored>',
  '[disabled by cmd]',
  'Bus: primary=',
  'I/O behind bridge: ',
  '[32-bit]',
  '[64-bit]',
  '!!! Unknown I/O range types',
  '!!! Unknown memory range types',
  '!!! Unknown prefetchable memory range types',
  'Secondary status: 66MHz',
  'BridgeCtl: Parity',
  'Memory window 0',
  'I/O window 1',
  '<access denied to the rest>',
  'Capabilities: <access denied>',
  '<chain looped>',
  '<chain broken>',
  'Capability ID 0x',
  'Null',
  'Power Management version',
  '\t\tBridge: PM',
  'AGP version',
  'Rate=x',
  'Vital Product Data',
  'Not readable',
  'Slot ID:',
  'MSI: Enable',
  'Masking:',
  'CompactPCI hot-swap',
  'PCI-X non-bridge device',
  'PCI-X bridge device',
  'HyperTransport: Slave or Primary Interface',
  'HyperTransport: Host or Secondary Interface',
  'Link Frequency 0:',
  'Possibly incomplete decoding',
  'HyperTransport: MSI Mapping',
  'Mapping Address Base',
  'HyperTransport: #',
  'HyperTransport: Revision ID',
  'Vendor Specific Information: Len=',
  'VirtIO:',
  'Debug port',
  'Hot-plug capable',
  'Subsystem: ',
  'AGP3 <?>',
  'Secure device',
  'Express (v2) Endpoint',
  'Root Port (Slot+)',
  'Downstream Port',
  'Upstream Port',
  'Legacy Endpoint',
  'PCI-Express to PCI/PCI-X Bridge',
  'PCI/PCI-X to PCI-Express Bridge',
  'Root Complex Integrated Endpoint',
  'Root Complex Event Collector,',
  'Unknown type',
  'SltCap:',
  'RootCap:',
  'LnkCap2:',
  'DownstreamComp:',
  'AtomicOpsCap:',
  'MSI-X: Enable',
  'SATA HBA',
  'PCI Advanced Features',
  'Enhanced Allocation (EA)',
  'Entry 0:',
  'Advanced Error Reporting',
  'RootCmd:',
  'Virtual Channel',
  '<unreadable>',
  'Device Serial Number',
  'Power Budgeting',
  'Root Complex Link',
  'Link0:',
  'Root Complex Internal Link',
  'Root Complex Event Collector Endpoint Association',
  'RCiEP at Device(s)',
  'AssociatedBusNumbers',
  'Multi-Function Virtual Channel',
  'Root Complex Register Block',
  'Vendor Specific Information: ID=',
  'Access Control Services',
  'Alternative Routing-ID Interpretation',
  'Address Translation Service',
  'Single Root I/O Virtualization',
  'Multi-Root I/O Virtualization',
  'Multicast',
  'McastOverlayBAR',
  'Page Request Interface',
  'Physical Resizable BAR',
  'Virtual Resizable BAR',
  'out of specification',
  'Dynamic Power Allocation',
  'Transaction Processing Hints',
  'Latency Tolerance Reporting',
  'Secondary PCI Express',
  'LaneErr at lane',
  'Protocol Multiplexing',
  'Process Address Space ID',
  'LN Requester',
  'Downstream Port Containment',
  'L1 PM Substates',
  'PortTPowerOnTime',
  'Precision Time Measurement',
  'PCI Express over M_PHY',
  'FRS Queueing',
  'Readiness Time Reporting',
  'Designated Vendor-Specific',
  ': CXL',
  'CXLCap:',
  'Range1:',
  'CXLPortSta:',
  'GPF Phase 2 Duration',
  'GPF Phase 1 Timeout',
  'FBCap:',
  'Block',
  'FuncMap 0',
  'Data Link Feature',
  'Physical Layer 16.0 GT/s',
  'Lane Margining at the Receiver',
  'Hierarchy ID',
  'Native PCIe Enclosure Management',
  'Data Object Exchange',
  'Extended Capability ID 0x',
];

test(
  `random config spaces: our lspci equals real lspci 3.9.0 at every verbosity (seeds 0x${FIXED_SEED.toString(16)} and 0x${FRESH_SEED.toString(16)})`,
  { skip: SKIP },
  () => {
    console.log(
      `lspci comparison seeds: fixed 0x${FIXED_SEED.toString(16)}, fresh 0x${FRESH_SEED.toString(16)} (rerun with VPCI_LSPCI_SEED=${FRESH_SEED}); hwdb ${hwdb ? 'compared' : 'not on this machine'}`,
    );
    const fixed = compareBatch(batch(FIXED_SEED, FIXED_COUNT), FIXED_SEED);
    const fresh = compareBatch(batch(FRESH_SEED, FRESH_COUNT), FRESH_SEED);
    const total = fixed.compared + fresh.compared;
    console.log(`lspci comparison: ${total} config spaces compared in ${MODES.filter((m) => !m.hwdb || hwdb).length} modes, 0 differences`);
    assert.ok(total >= 200, `only ${total} spaces compared`);
    const missing = COVERAGE.filter((m) => !fixed.vvv.includes(m));
    assert.deepEqual(missing, [], `branches of lspci the fixed seed no longer reaches: ${JSON.stringify(missing)}`);
  },
);

test('spaces whose registers make lspci die ("Internal bug") stop where lspci stops', { skip: SKIP }, () => {
  const devs = batch(FRESH_SEED ^ 0x5a5a5a5a, 120, true);
  let died = 0;
  let undefinedInC = 0;
  for (const d of devs) {
    const mode = MODES[0]!;
    const run = lspciRun(d.bytes, { address: d.address, ids, hwdb: false, ...mode.opts });
    if (run.pastBuffer) {
      // lspci reads past its own buffer here (undefined behaviour in C: heap garbage, or a later death)
      undefinedInC++;
      continue;
    }
    const o = ours([d], mode);
    const real = realLspci([d], mode);
    assert.ok(o.text === real.stdout, `${d.note}: ${firstDifference([d], o.text, real.stdout)}`);
    if (o.died) {
      died++;
      assert.equal(real.status, 1);
    }
  }
  console.log(
    `lspci died on ${died} of ${devs.length} spaces, and so did the model; ${undefinedInC} made lspci read past its buffer (undefined behaviour, not compared)`,
  );
  assert.ok(died > 0, 'no space made lspci die: the generator no longer reaches that branch');
});

test('a non-zero domain prints on every device, as lspci does', { skip: SKIP }, () => {
  const devs = batch(FIXED_SEED + 1, 4).map((d, i) => ({ ...d, address: `${i === 2 ? '0001' : '0000'}:${d.address}` }));
  const real = realLspci(devs, MODES[2]!);
  const sorted = [...devs].sort((a, b) => (a.address < b.address ? -1 : 1));
  const o = sorted.map((d) => lspciRun(d.bytes, { address: d.address, ids, hwdb: false, verbose: 1, domains: true }).text).join('');
  assert.equal(o, real.stdout);
});
