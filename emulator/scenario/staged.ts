// Loading a scenario in stages, so the files it names can be read between
// parsing and checking — by whoever can read them, however they do (a Node
// process, a web worker, the editor's file system), and without the checker
// ever waiting: parse, list the dump files, read them (not here), check
// against what was read. Same result as loadScenario with a reader.
import type { Diagnostic, FunctionSourceAst, Scenario } from './ast';
import { parseWithExtras } from './parser';
import type { LexOptions } from './lexer';
import { checkScenario, withSyntaxErrors, type CheckOverrides, type ParseExtras } from './check';
import type { DumpReadFailure, ScenarioContext } from './context';

export interface ParsedScenario {
  scenario: Scenario;
  /** Syntax errors. */
  diagnostics: Diagnostic[];
  extras: ParseExtras;
}

/** `opts`: how columns count (LexOptions; the language server counts a leading byte-order mark). */
export function parseStaged(text: string, opts?: LexOptions): ParsedScenario {
  return parseWithExtras(text, opts);
}

/**
 * Every function that reads a dump file (boot-time buses, offered buses, plugged functions), in
 * order: the only statements of the language that name a file.
 */
export function dumpSources(sc: Scenario): (FunctionSourceAst & { kind: 'dump' })[] {
  const fns = [
    ...sc.buses.flatMap((b) => b.functions),
    ...sc.timeline.flatMap((e) => (e.kind === 'offer' ? e.bus.functions : e.kind === 'plug' ? [e.fn] : [])),
  ];
  return fns.flatMap((f) => (f.source.kind === 'dump' && typeof f.source.path === 'string' ? [f.source] : []));
}

/** Every dump file the scenario names, once each, in order. */
export function dumpPaths(sc: Scenario): string[] {
  return [...new Set(dumpSources(sc).map((s) => s.path))];
}

/** Syntax errors and meaning errors together, in position order (as loadScenario gives them). */
export function checkStaged(p: ParsedScenario, file: string, ctx: ScenarioContext, overrides?: CheckOverrides): Diagnostic[] {
  return withSyntaxErrors(p.diagnostics, checkScenario(p.scenario, ctx, p.extras, file, overrides), p.scenario);
}

/**
 * A dump file as it was read: its bytes (and, where the reader says, `real`: the file they came
 * from, every symbolic link resolved, as io/files.ts confines it), or why it could not be.
 */
export type FileRead = { bytes: Uint8Array; real?: string } | DumpReadFailure;

/** Bytes as the checker and the lspci importer take them: one character per byte. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

/** A ScenarioContext reader over files read beforehand; a path not read is missing. */
export function readerOver(reads: ReadonlyMap<string, FileRead>): ScenarioContext['readFile'] {
  const text = new Map<string, string>();
  return (path) => {
    const r = reads.get(path);
    if (!r) return undefined;
    if (!('bytes' in r)) return r;
    let t = text.get(path);
    if (t === undefined) text.set(path, (t = latin1(r.bytes)));
    return t;
  };
}
