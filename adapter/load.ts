// Loading a scenario for the CLI and the debug adapter: read the file, parse
// it, read the dump files it names (emulator/scenario/staged.ts: parse, read,
// check), check it with the shared checker, and build the machine from the
// bytes read — so every file is read once, up front, through the injected file
// access (io/files.ts: regular files only, size limits, confined to the
// scenario's folder and the workspace folders), and the emulator stays pure.
import { dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../emulator/scenario/lines';
import { defaultScenarioContext } from '../emulator/scenario/context';
import { sameAddress, type ReadDump } from '../emulator/scenario/dump-check';
import { parseStaged, checkStaged, dumpPaths, readerOver, type FileRead, type ParsedScenario } from '../emulator/scenario/staged';
import type { Diagnostic, Scenario } from '../emulator/scenario/ast';
import { machineConfig, type ConfigOverrides } from '../emulator/machine/scenario-config';
import { Machine } from '../emulator/machine/machine';
import type { FunctionSource } from '../emulator/machine/bus';
import { createFunction } from '../emulator/pci/catalog';
import { importLspciText, importConfigBinary, isDumpText, withoutBom } from '../emulator/pci/lspci-import';
import { PciFunction } from '../emulator/pci/function';
import { SCENARIO_LIMIT, canReadSync, confinement, decodeText, type FileAccess, type SyncFileAccess } from '../io/files';
import { nodeFiles } from '../io/node-files';
import { readDumps, readDumpsSync } from '../io/scenario-files';
import { latin1 } from '../emulator/scenario/staged';

export interface Loaded {
  file: string;
  text: string;
  scenario: Scenario;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  machine?: Machine;
}

export interface LoadOptions {
  overrides?: ConfigOverrides;
  /** The scenario's text when the caller has it (an editor buffer, a test); else the file is read. */
  text?: string;
  /** Folders besides the scenario's that dump files may come from (the editor's workspace folders). */
  workspaceFolders?: readonly string[];
  /**
   * false: check only, no machine (`check`, `dap --scenario`'s first look). The functions are still
   * built from their sources, so a dump that cannot be a device is the same error; building the
   * machine added nothing a check reports, yet took most of a 4,000-bus scenario's ~5 s and ~110 MB.
   */
  machine?: boolean;
}

/** Builds a function from the catalog or from a dump's bytes read at load time (never reads a file). */
export function functionFactory(reads: ReadonlyMap<string, FileRead>): (src: FunctionSource) => PciFunction {
  // Each dump read once, however many functions select a device of it (a machine's whole
  // `lspci -xxxx` named by many buses was read again for each). fromDump copies the bytes it takes.
  const dumps = new Map<string, ReadDump>();
  const dumpOf = (path: string): ReadDump => {
    const known = dumps.get(path);
    if (known) return known;
    const got = reads.get(path);
    if (!got || !('bytes' in got)) throw new Error(got && 'message' in got ? got.message : `cannot read dump file '${path}'`);
    const raw = withoutBom(got.bytes);
    const read: ReadDump = isDumpText(raw) ? { text: true, r: importLspciText(latin1(raw)) } : { text: false, r: importConfigBinary(raw) };
    dumps.set(path, read);
    return read;
  };
  return (src) => {
    if (src.kind === 'catalog') return createFunction(src.id);
    const read = dumpOf(src.path);
    const bars = src.bars.map((b) => ({ index: b.index, size: b.size }));
    if (!read.text) {
      if (!read.r.ok) throw new Error(`${src.path}: ${read.r.error.message}`);
      return PciFunction.fromDump(read.r.device, bars);
    }
    const r = read.r;
    if (!r.ok) throw new Error(`${src.path}:${r.error.line}: ${r.error.message}`);
    const dev = src.select !== undefined ? r.devices.find((d) => sameAddress(d.address, src.select!)) : r.devices[0];
    if (!dev) throw new Error(`${src.path}: no device ${src.select ?? ''} in the dump`);
    return PciFunction.fromDump(dev, bars);
  };
}

/**
 * Loads a scenario through `files` (any FileAccess: Node's, the editor's). Rejects with a
 * FileError when the scenario itself cannot be read; problems with the files it names are
 * diagnostics. Files that can be read synchronously are (Node's: a launch then waits on no I/O
 * callback and never loads Node's promise-based file system).
 */
export async function loadScenarioWith(files: FileAccess, file: string, o: LoadOptions = {}): Promise<Loaded> {
  if (canReadSync(files)) return loadSync(files, file, o);
  const full = resolve(file);
  const text = o.text ?? decodeText(await files.readFile(full, SCENARIO_LIMIT));
  const p = parseStaged(text);
  const reads = await readDumps(files, dumpPaths(p.scenario), confinement(dirname(full), o.workspaceFolders));
  return build(full, text, p, reads, o);
}

/** The same, synchronously with Node's file system (the CLI, tests, the fuzzers, the bench). Throws a FileError. */
export function loadScenarioFile(file: string, overrides: ConfigOverrides = {}, text?: string, workspaceFolders?: readonly string[]): Loaded {
  return loadSync(nodeFiles, file, { overrides, ...(text !== undefined ? { text } : {}), ...(workspaceFolders ? { workspaceFolders } : {}) });
}

/** The same through any synchronous file access (the code-cache warm-up's files are in memory). Throws a FileError. */
export function loadScenarioSync(files: FileAccess & SyncFileAccess, file: string, o: LoadOptions = {}): Loaded {
  return loadSync(files, file, o);
}

function loadSync(files: SyncFileAccess, file: string, o: LoadOptions): Loaded {
  const full = resolve(file);
  const src = o.text ?? decodeText(files.readFileSync(full, SCENARIO_LIMIT));
  const p = parseStaged(src);
  const reads = readDumpsSync(files, dumpPaths(p.scenario), confinement(dirname(full), o.workspaceFolders));
  return build(full, src, p, reads, o);
}

function build(full: string, src: string, p: ParsedScenario, reads: ReadonlyMap<string, FileRead>, o: LoadOptions): Loaded {
  const overrides = o.overrides ?? {};
  const diagnostics = checkStaged(p, full, defaultScenarioContext(readerOver(reads)), {
    host: overrides.host,
    guest: overrides.guest,
    quirks: overrides.quirks,
  });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const out: Loaded = { file: full, text: src, scenario: p.scenario, diagnostics, errors };
  if (errors.length) return out;
  // Every source a function names (catalog or dump, boot-time buses, offered ones and plugged ones) is
  // built once now, so a dump that cannot become a device is a diagnostic at each declaration naming
  // it, never an exception mid-run. A source always builds the same function (functionFactory is a
  // function of the source and the bytes read here), so one build per source tells for all of them:
  // the machine builds each function when it adds it, the first of a source taking the one built
  // here. Building every declared function up front held them all for the whole session, and
  // `check` built them all: 4,001 functions (~200 MB) for a scenario that offers and rescinds 4,000
  // buses, most of them gone long before the run ends.
  const factory = functionFactory(reads);
  /** Per source (its JSON): the function built from it, until the machine takes it, or why it cannot be built. */
  const built = new Map<string, PciFunction | { error: string } | undefined>();
  const sc = p.scenario;
  const decls = [...sc.buses, ...sc.timeline.flatMap((e) => (e.kind === 'offer' ? [e.bus] : []))].map((b) => ({
    name: b.name,
    functions: b.functions,
    plug: false,
  }));
  // A plugged function may take a slot another function held earlier: each plug is built on its own.
  for (const e of sc.timeline) if (e.kind === 'plug') decls.push({ name: e.bus, functions: [e.fn], plug: true });
  const seen = new Set<string>();
  for (const b of decls) {
    for (const f of b.functions) {
      const key = `${b.name.name}/${f.slot.wslot}`;
      if (!b.plug && seen.has(key)) continue;
      seen.add(key);
      const source: FunctionSource =
        f.source.kind === 'catalog'
          ? { kind: 'catalog', id: f.source.id.name }
          : {
              kind: 'dump',
              path: f.source.path,
              ...(f.source.select !== undefined ? { select: f.source.select } : {}),
              bars: f.source.bars.map((x) => ({ index: x.index, size: x.size })),
            };
      const sourceKey = JSON.stringify(source);
      let got = built.get(sourceKey);
      if (!built.has(sourceKey)) {
        try {
          got = factory(source);
        } catch (e) {
          got = { error: e instanceof Error ? e.message : String(e) };
        }
        built.set(sourceKey, got);
      }
      if (got && 'error' in got) {
        const d: Diagnostic = {
          severity: 'error',
          code: 'bad-function',
          message: `${b.name.name} function ${f.slot.device}${f.slot.fn ? `.${f.slot.fn}` : ''}: ${got.error}`,
          loc: f.loc,
        };
        out.diagnostics.push(d);
        out.errors.push(d);
      }
    }
  }
  if (out.errors.length || o.machine === false) return out;
  const config = machineConfig(sc, src, overrides);
  const m = new Machine(config, (s) => {
    const sourceKey = JSON.stringify(s);
    const first = built.get(sourceKey);
    if (!first || 'error' in first) return factory(s);
    built.set(sourceKey, undefined); // taken: each later function of this source is a new one
    return first;
  });
  for (const b of config.buses) m.addBus(b);
  out.machine = m;
  return out;
}

export { formatDiagnostic };
