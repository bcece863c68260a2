// The language server's pure core: a document's text in, its syntax tree, its
// diagnostics as LSP ranges and its name index out. No LSP connection and no
// I/O of its own (the dump-file reader is injected), so `npm run bench` and the
// tests can time and call it directly.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic, Loc, Scenario } from '../emulator/scenario/ast';
import { parseStaged, checkStaged, dumpPaths, dumpSources, readerOver, type FileRead, type ParsedScenario } from '../emulator/scenario/staged';
import { defaultScenarioContext, type ScenarioContext } from '../emulator/scenario/context';
import { LSP_COLUMNS, locToRange } from './ranges';
import { collectNames, type NameOccurrence } from './names';

export type ReadFile = ScenarioContext['readFile'];

export interface Analysis {
  uri: string;
  text: string;
  scenario: Scenario;
  /** The checker's diagnostics, 1-based, as the CLI reports them. */
  diagnostics: Diagnostic[];
  /** The same, as LSP diagnostics (0-based ranges). */
  lspDiagnostics: LspDiagnostic[];
  names: NameOccurrence[];
  /**
   * The brace blocks (`vm { … }`, `bus NAME { … }`, `offer NAME { … }`) as 0-based first and last
   * lines, in the order of their first lines: which block a line is in, without reading the text.
   */
  blocks: { start: number; end: number; kind: 'vm' | 'bus' }[];
  /**
   * The dump files the scenario names that were read, at each string that names one (`loc`, quotes
   * included), with the file read (`real`: resolved as the runtime resolves it, every symbolic link
   * resolved): what a document link and Go to Definition open. A path that could not be read has
   * none (its diagnostic says why).
   */
  files: { loc: Loc; real: string }[];
  /**
   * The 1-based lines a syntax error is on: the parser dropped that statement, or the rest of it,
   * so a name there is in no index (a rename would miss it).
   */
  brokenLines: number[];
  /** The vm settings (`host`, `guest`, `cpus`, …) on a line with a syntax error: what the scenario sets there is not known, so no default either. */
  brokenSettings: string[];
  /** The line the parser stopped at after MAX_DIAGNOSTICS syntax errors (nothing from it on was read), if it did. */
  unreadFrom?: number;
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: Diagnostic, uri: string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: locToRange(d.loc),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'vpci',
    message: d.message,
  };
  if (d.related) out.relatedInformation = [{ location: { uri, range: locToRange(d.related.loc) }, message: d.related.message }];
  // What the quick fixes offer (language/code-actions.ts); clients hand `data` back with the diagnostic.
  if (d.suggestions?.length) out.data = { suggestions: d.suggestions };
  return out;
}

// One context for the whole process: the name tables are built once; only the
// file reader changes from document to document.
let currentRead: ScenarioContext['readFile'] = () => undefined;
let sharedCtx: ScenarioContext | undefined;

export function scenarioContext(): ScenarioContext {
  sharedCtx ??= defaultScenarioContext((p) => currentRead(p));
  return sharedCtx;
}

const EMPTY: Scenario = { vm: { loc: { line: 1, col: 1, endLine: 1, endCol: 1 }, cpus: 0, mmio: [], quirks: [] }, buses: [], timeline: [], expectations: [] };

/** File name shown in messages: the last path segment of the URI. */
function fileOf(uri: string): string {
  const i = uri.lastIndexOf('/');
  try {
    return decodeURIComponent(i >= 0 ? uri.slice(i + 1) : uri);
  } catch {
    return uri;
  }
}

function internalError(e: unknown): Diagnostic {
  return {
    severity: 'error',
    message: `internal error while checking this scenario: ${e instanceof Error ? e.message : String(e)}`,
    loc: { line: 1, col: 1, endLine: 1, endCol: 1 },
    code: 'internal-error',
  };
}

/** A document parsed, with the dump files it names: the first stage of an analysis (the files are read between the stages). */
export interface ParsedDocument {
  uri: string;
  text: string;
  parsed?: ParsedScenario;
  /** Set when the parser itself failed. */
  failure?: Diagnostic;
  /** Dump paths the scenario names, as written. */
  paths: string[];
}

export function parseDocument(text: string, uri: string): ParsedDocument {
  // LSP and the lexer count a lone \r as a line break; as \n (the same length, so offsets hold)
  // it is one line end fewer for the stages after the lexer to know.
  if (text.includes('\r')) text = text.replace(/\r(?!\n)/g, '\n');
  try {
    const parsed = parseStaged(text, LSP_COLUMNS);
    return { uri, text, parsed, paths: dumpPaths(parsed.scenario) };
  } catch (e) {
    return { uri, text, failure: internalError(e), paths: [] };
  }
}

/**
 * The second stage: check against the files read (`read` answers for the paths of the first;
 * `realOf` says which file a path that was read came from). Never throws.
 */
export function checkDocument(p: ParsedDocument, read: ScenarioContext['readFile'], realOf: (path: string) => string | undefined = () => undefined): Analysis {
  let scenario = EMPTY;
  let diagnostics: Diagnostic[];
  if (!p.parsed) diagnostics = [p.failure ?? internalError('no parse')];
  else {
    currentRead = read;
    try {
      scenario = p.parsed.scenario;
      diagnostics = checkStaged(p.parsed, fileOf(p.uri), scenarioContext());
    } catch (e) {
      diagnostics = [internalError(e)];
    } finally {
      currentRead = () => undefined;
    }
  }
  let names: NameOccurrence[];
  try {
    names = collectNames(scenario);
  } catch {
    names = [];
  }
  const blocks: Analysis['blocks'] = [];
  const add = (loc: Loc, kind: 'vm' | 'bus'): void => {
    if (loc.endLine > loc.line) blocks.push({ start: loc.line - 1, end: loc.endLine - 1, kind });
  };
  for (const v of p.parsed?.extras.vmDecls ?? []) add(v, 'vm');
  for (const b of scenario.buses) add(b.loc, 'bus');
  for (const e of scenario.timeline) if (e.kind === 'offer') add(e.bus.loc, 'bus');
  blocks.sort((x, y) => x.start - y.start);
  const files: Analysis['files'] = [];
  for (const src of p.parsed ? dumpSources(scenario) : []) {
    const real = realOf(src.path);
    if (real !== undefined) files.push({ loc: src.pathLoc, real });
  }
  const broken = new Set<number>();
  let unreadFrom: number | undefined;
  for (const d of p.parsed?.diagnostics ?? []) {
    if (d.severity !== 'error') continue;
    if (d.code === 'too-many-errors') unreadFrom = d.loc.line;
    else for (let l = d.loc.line; l <= d.loc.endLine; l++) broken.add(l);
  }
  const a: Analysis = {
    uri: p.uri,
    text: p.text,
    scenario,
    diagnostics,
    lspDiagnostics: diagnostics.map((d) => toLspDiagnostic(d, p.uri)),
    names,
    blocks,
    files,
    brokenLines: [...broken].sort((x, y) => x - y),
    brokenSettings: p.parsed?.extras.broken?.settings ?? [],
  };
  if (unreadFrom !== undefined) a.unreadFrom = unreadFrom;
  return a;
}

/** The second stage over the files as they were read (io/scenario-files.ts readDumps): what analyses run on. */
export function checkReads(p: ParsedDocument, reads: ReadonlyMap<string, FileRead>): Analysis {
  return checkDocument(p, readerOver(reads), (path) => {
    const r = reads.get(path);
    return r && 'bytes' in r ? r.real : undefined;
  });
}

/**
 * Parses and checks `text` in one go. `readFile` resolves a dump path the scenario names
 * (relative to the document's folder); default: no files exist. Never throws.
 */
export function analyze(text: string, uri: string, readFile: ReadFile = () => undefined): Analysis {
  return checkDocument(parseDocument(text, uri), readFile);
}
