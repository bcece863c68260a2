// What the adapter's V8 code cache (adapter/boot.ts) covers is what its process had compiled
// when the cache was written: the launch and steps of the one scenario that process ran. A build's
// cache is written by whichever session comes first, so after a FreeBSD session every launch of
// a Linux guest compiled the Linux model (its program builders alone are a third of such a
// launch's own work), and the other way round. Before the cache is written, this loads and runs
// one small scenario per guest OS (a catalog device, a device read from an lspci dump, the usual
// timeline events, expectations), in memory, so the cache covers what any launch and its first
// steps run, whichever guest came first. It leaves nothing behind: its machines are dropped, and
// the guest models it built are forgotten again.
import { resolve } from 'node:path';
import { loadScenarioSync } from './load';
import { runSteps } from '../emulator/machine/transcript';
import { checkExpectations } from '../emulator/machine/expect';
import { catalogAddress, catalogBytes, catalogEntry } from '../emulator/pci/catalog';
import { lspciText } from '../emulator/pci/lspci';
import { forgetGuestModels, guestModelsBuilt } from '../emulator/vpci/guest/registry';
import { FileError, type FileAccess, type SyncFileAccess } from '../io/files';

/** Where the warm-up's files seem to be (nothing is read or written there), as the loader resolves it (`C:\\vpci-lab-warm-up` on Windows). */
const DIR = resolve('/vpci-lab-warm-up');

/** The device the Linux scenario reads from an lspci dump: the catalog's NVMe controller (pciutils' test data), with the catalog's BAR sizes. */
const DUMPED = 'samsung-pm174x-nvme';

/** The warm-up's scenarios, by file name (made when a warm-up runs, not when the adapter starts). */
const scenarios = (): Record<string, string> => ({
  'freebsd.vpci': [
    'vm {',
    '  host hyperv-2016',
    '  guest freebsd',
    '}',
    'bus nic0 { function 0 intel-82599-vf serial 1 }',
    'bus nic1 { function 0 mellanox-cx3-vf serial 2 }',
    'at 0    boot',
    'at 2ms  driver nic0 msix 3',
    'at 3ms  raise nic0 vector 0',
    'at 5ms  eject nic1',
    'expect nic0 attached',
    'expect nic1 ejected before 65s',
    'expect no errors',
    '',
  ].join('\n'),
  'linux.vpci': [
    'vm {',
    '  host hyperv-2019',
    '  guest linux',
    '}',
    'bus nvme0 {',
    `  function 0 dump "nvme.lspci"${(catalogEntry(DUMPED)?.bars ?? []).map((x) => (x.index === 'rom' ? ` rom ${x.size}` : ` bar ${x.index} ${x.size}`)).join('')}`,
    '}',
    'at 0    boot',
    'at 2ms  driver nvme0 msi 1',
    'at 4ms  eject nvme0',
    'expect nvme0 attached',
    'expect no errors',
    '',
  ].join('\n'),
});

/** At most this many emulator steps per scenario (each runs to its end well within it). */
const MAX_STEPS = 50_000;

function memoryFiles(files: Record<string, string>): FileAccess & SyncFileAccess {
  const byPath = new Map(Object.entries(files).map(([name, text]) => [resolve(DIR, name), text]));
  const bytes = (path: string): Uint8Array => {
    const text = byPath.get(resolve(path));
    if (text === undefined) throw new FileError(path, 'missing', 'no such file');
    return Buffer.from(text, 'latin1');
  };
  return {
    readFileSync: (p) => bytes(p),
    readRangeSync: (p, start, length) => bytes(p).subarray(start, start + length),
    realPathSync: (p) => (bytes(p), p),
    readFile: (p) => Promise.resolve(bytes(p)),
    writeFile: () => Promise.reject(new Error('the warm-up writes nothing')),
    realPath: (p) => Promise.resolve((bytes(p), p)),
  };
}

/** One warm-up scenario's run: what a test checks (that the warm-up runs what it claims to). */
export interface WarmRun {
  name: string;
  errors: string[];
  steps: number;
  ended: boolean;
  held: boolean[];
}

/** Loads and runs each warm-up scenario to its end, or for at most `maxSteps`; throws what loading throws. */
export function warmUpRuns(maxSteps = MAX_STEPS): WarmRun[] {
  const files = scenarios();
  const names = Object.keys(files);
  const dump = catalogBytes(DUMPED);
  const address = catalogAddress(DUMPED);
  if (dump && address) files['nvme.lspci'] = lspciText(dump, { address, verbose: 0, hex: dump.length > 256 ? 4 : 3 });
  const access = memoryFiles(files);
  const runs: WarmRun[] = [];
  for (const name of names) {
    const loaded = loadScenarioSync(access, resolve(DIR, name));
    const run: WarmRun = { name, errors: loaded.errors.map((e) => e.message), steps: 0, ended: false, held: [] };
    runs.push(run);
    if (!loaded.machine) continue;
    const r = runSteps(loaded.machine, maxSteps);
    run.steps = r.steps;
    run.ended = r.idle;
    run.held = checkExpectations(loaded.machine, loaded.scenario.expectations, loaded.text).map((x) => x.ok);
  }
  return runs;
}

/**
 * Runs the warm-up scenarios (see the file comment), each to its end or for at most `maxSteps`,
 * and forgets the guest models they built. Never throws: a failure only means a cache that covers
 * less. Once per build, in a quiet moment or on the way out (adapter/boot.ts): a few tens of
 * milliseconds for a launch's worth of steps, a few hundred to run both to their end.
 */
export function warmCodeCache(maxSteps?: number): void {
  const models = guestModelsBuilt();
  try {
    warmUpRuns(maxSteps);
  } catch {
    // a warm-up that fails leaves a cache covering less, nothing worse
  } finally {
    forgetGuestModels(models);
  }
}
