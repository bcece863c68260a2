// Loading a scenario from disk for the CLI and the debug adapter: read the file,
// parse and check it with the shared scenario checker, and build the machine
// with a function factory that reads dump files — the only file I/O, kept here
// so the emulator stays pure. Dump paths resolve inside the scenario's folder.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve, relative, isAbsolute } from 'node:path';
import { loadScenario, formatDiagnostic } from '../emulator/scenario/parser';
import { defaultScenarioContext } from '../emulator/scenario/context';
import type { Diagnostic, Scenario } from '../emulator/scenario/ast';
import { machineConfig, type ConfigOverrides } from '../emulator/machine/scenario-config';
import { Machine } from '../emulator/machine/machine';
import type { FunctionSource } from '../emulator/machine/bus';
import { createFunction } from '../emulator/pci/catalog';
import { importLspciText, importConfigBinary } from '../emulator/pci/lspci-import';
import { PciFunction } from '../emulator/pci/function';

export interface Loaded {
  file: string;
  text: string;
  scenario: Scenario;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  machine?: Machine;
}

/** Reads a file inside `root` (the scenario's folder); refuses paths that escape it. */
export function makeReader(root: string): (p: string) => string | undefined {
  return (p: string) => {
    const full = resolve(root, p);
    const rel = relative(root, full);
    if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
    if (!existsSync(full)) return undefined;
    return readFileSync(full, 'latin1');
  };
}

export function functionFactory(root: string): (src: FunctionSource) => PciFunction {
  return (src) => {
    if (src.kind === 'catalog') return createFunction(src.id);
    const full = resolve(root, src.path);
    const rel = relative(root, full);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${src.path}: outside the scenario's folder`);
    const raw = readFileSync(full);
    const bars = src.bars.map((b) => ({ index: b.index, size: b.size }));
    const isText = raw.subarray(0, Math.min(raw.length, 256)).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
    if (!isText) {
      const r = importConfigBinary(new Uint8Array(raw));
      if (!r.ok) throw new Error(`${src.path}: ${r.error.message}`);
      return PciFunction.fromDump(r.device, bars);
    }
    const r = importLspciText(raw.toString('latin1'));
    if (!r.ok) throw new Error(`${src.path}:${r.error.line}: ${r.error.message}`);
    const dev = src.select ? r.devices.find((d) => d.address.endsWith(src.select!)) : r.devices[0];
    if (!dev) throw new Error(`${src.path}: no device ${src.select ?? ''} in the dump`);
    return PciFunction.fromDump(dev, bars);
  };
}

export function loadScenarioFile(file: string, overrides: ConfigOverrides = {}, text?: string): Loaded {
  const full = resolve(file);
  const src = text ?? readFileSync(full, 'utf8');
  const root = dirname(full);
  const ctx = defaultScenarioContext(makeReader(root));
  const r = loadScenario(src, full, ctx);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  const out: Loaded = { file: full, text: src, scenario: r.scenario, diagnostics: r.diagnostics, errors };
  if (errors.length) return out;
  // Build every function once now (catalog or dump, boot-time buses, offered ones and plugged ones), so a
  // dump that cannot become a device is a diagnostic at its declaration, never an exception mid-run.
  const factory = functionFactory(root);
  // The functions built here are the ones the machine starts with: no dump is read twice.
  const built = new Map<string, PciFunction[]>();
  const decls = [...r.scenario.buses, ...r.scenario.timeline.flatMap((e) => (e.kind === 'offer' ? [e.bus] : []))].map((b) => ({ name: b.name, functions: b.functions, plug: false }));
  // A plugged function may take a slot another function held earlier: each plug is built on its own.
  for (const e of r.scenario.timeline) if (e.kind === 'plug') decls.push({ name: e.bus, functions: [e.fn], plug: true });
  const seen = new Set<string>();
  for (const b of decls) {
    for (const f of b.functions) {
      const key = `${b.name.name}/${f.slot.wslot}`;
      if (!b.plug && seen.has(key)) continue;
      seen.add(key);
      const source: FunctionSource =
        f.source.kind === 'catalog'
          ? { kind: 'catalog', id: f.source.id.name }
          : { kind: 'dump', path: f.source.path, ...(f.source.select !== undefined ? { select: f.source.select } : {}), bars: f.source.bars.map((x) => ({ index: x.index, size: x.size })) };
      try {
        const key = JSON.stringify(source);
        const fn = factory(source);
        built.set(key, [...(built.get(key) ?? []), fn]);
      } catch (e) {
        const d: Diagnostic = { severity: 'error', code: 'bad-function', message: `${b.name.name} function ${f.slot.device}.${f.slot.fn}: ${e instanceof Error ? e.message : String(e)}`, loc: f.loc };
        out.diagnostics.push(d);
        out.errors.push(d);
      }
    }
  }
  if (out.errors.length) return out;
  const config = machineConfig(r.scenario, src, overrides);
  const m = new Machine(config, (src) => built.get(JSON.stringify(src))?.shift() ?? factory(src));
  for (const b of config.buses) m.addBus(b);
  out.machine = m;
  return out;
}

export { formatDiagnostic };
