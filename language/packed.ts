// An analysis as it travels from where it is computed (a worker thread) to the
// thread that answers requests, and back into a form the features read. Kept
// compact so the answering thread spends little time receiving it: names as
// typed arrays and one string, semantic tokens as a Uint32Array, the outline
// and folding ranges as JSON parsed only when asked for, diagnostics as numbers
// and a table of their distinct strings (made back into objects on first use).
import { DEFAULT_HOST_PROFILE } from '../emulator/vpci/host/profiles';
import { DEFAULT_GUEST_MODEL } from '../emulator/vpci/guest/models';
import type { Diagnostic as LspDiagnostic, DocumentSymbol, FoldingRange } from 'vscode-languageserver';
import { busNames, type NameKind, type NameOccurrence } from './names';
import type { Analysis } from './analyze';
import { semanticTokens } from './semantic';
import { documentSymbols, foldingRanges } from './outline';
import { LineIndex, indexOf } from '../emulator/scenario/lines';
import { vmCpus, type FunctionDeclAst, type Loc, type Scenario } from '../emulator/scenario/ast';
import { msixVectors } from './device-info';
import { catalogInterrupts } from '../emulator/scenario/context';

const KINDS: readonly NameKind[] = ['bus-decl', 'bus-ref', 'fn-decl', 'fn-ref', 'fn-ref-implicit', 'device', 'profile', 'guest', 'quirk', 'message', 'mmio'];
const KIND_INDEX = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<NameKind, number>;

export interface PackedNames {
  kinds: Uint8Array;
  /** line, col, endLine, endCol per name. */
  locs: Int32Array;
  /** The names, joined by \n (no name holds a line break). */
  text: string;
}

/** What completion knows of one function's interrupts (completionFacts). */
export interface VectorFacts {
  /** The MSI-X table entries of its catalog device (0: it has none); none for a dump. */
  msix?: number;
  /** The MSI vectors its catalog device's capability can take (0: it has none); none for a dump. */
  msi?: number;
  /** The vectors its first driver event asked for, and whether as MSI-X (else MSI). */
  enabled?: number;
  msixEnabled?: boolean;
  /** The distinct vectors `raise` events raise on it, in timeline order (at most TIMES_KEPT). */
  raised?: number[];
}

export interface PackedAnalysis {
  uri: string;
  /** The job that computed it (later jobs supersede earlier ones). */
  seq: number;
  /** The document version analysed. */
  version: number;
  diagnostics: PackedDiagnostics;
  names: PackedNames;
  tokens: Uint32Array;
  /** Where each line of the analysed text starts (emulator/scenario/lines.ts), so the answering thread never indexes a 1 MB text itself. */
  lineStarts: Int32Array;
  symbols: string;
  folding: string;
  /** Declared bus names and functions (`bus/D.F`), for completion without the whole name table. */
  busNames: string[];
  functions: string[];
  /** For completion: the distinct event times of the timeline (ns, ascending, at most the last TIMES_KEPT). */
  times: number[];
  /**
   * For completion, per function (`bus/D.F`): the MSI-X vectors its catalog device has, the vectors
   * its first driver event enabled (and whether as MSI-X), and the vectors `raise` events raise.
   */
  vectors: Record<string, VectorFacts>;
  /**
   * For completion: the VM's virtual processors (its `cpus`, or the default 4), offered after `delivered cpu `,
   * and its host profile and guest model (or the defaults), whose common versions are offered after `version `.
   */
  machine: { cpus: number; host: string; guest: string };
  /** The analysis's brace blocks as triples: first line, last line (0-based), 0 for vm or 1 for a bus body; by first line. */
  blocks: Int32Array;
  /** The dump files read, at the strings that name them (Analysis.files). */
  files: { loc: Loc; real: string }[];
  /** The 1-based lines with a syntax error, ascending (Analysis.brokenLines). */
  brokenLines: Int32Array;
  /** The line the parser stopped at (Analysis.unreadFrom), or 0. */
  unreadFrom: number;
}

/** How many event times completion offers after `at ` (the last ones): ours, a list one can read. */
export const TIMES_KEPT = 12;

/**
 * What completion offers from the scenario: the times events are at, each function's vectors, the CPUs. A host,
 * guest or CPU count whose vm line has a syntax error (`broken`) is unknown (0 CPUs, '' for a name), not the default.
 */
function completionFacts(sc: Scenario, broken: readonly string[]): Pick<PackedAnalysis, 'times' | 'vectors' | 'machine'> {
  const times = [...new Set(sc.timeline.map((e) => e.time))].sort((x, y) => x - y).slice(-TIMES_KEPT);
  const vectors: PackedAnalysis['vectors'] = Object.create(null) as PackedAnalysis['vectors'];
  const key = (bus: string, device: number, fn: number): string => `${bus}/${device}.${fn}`;
  const declare = (bus: string, f: FunctionDeclAst): void => {
    const k = key(bus, f.slot.device, f.slot.fn);
    vectors[k] ??= {};
    // 0 for a catalog device without MSI-X; unknown (a dump) is none.
    if (f.source.kind === 'catalog') {
      vectors[k].msix = msixVectors(f.source.id.name) ?? 0;
      vectors[k].msi = catalogInterrupts(f.source.id.name)?.msi ?? 0;
    }
  };
  for (const b of sc.buses) for (const f of b.functions) declare(b.name.name, f);
  for (const e of sc.timeline) {
    if (e.kind === 'offer') for (const f of e.bus.functions) declare(e.bus.name.name, f);
    else if (e.kind === 'plug') declare(e.bus.name, e.fn);
    else if (e.kind === 'driver' && e.mode !== 'none') {
      const k = key(e.target.bus.name, e.target.slot?.device ?? 0, e.target.slot?.fn ?? 0);
      vectors[k] ??= {};
      if (vectors[k].enabled === undefined) {
        vectors[k].enabled = e.vectors;
        vectors[k].msixEnabled = e.mode === 'msix';
      }
    } else if (e.kind === 'raise') {
      const k = key(e.target.bus.name, e.target.slot?.device ?? 0, e.target.slot?.fn ?? 0);
      const raised = ((vectors[k] ??= {}).raised ??= []);
      if (!raised.includes(e.vector) && raised.length < TIMES_KEPT) raised.push(e.vector);
    }
  }
  // The default is the checker's and the run's (emulator/scenario/check.ts, emulator/machine/scenario-config.ts), which
  // the checker does not take either for a setting whose line is broken.
  const known = (w: string): boolean => !broken.includes(w);
  const { vm } = sc;
  return {
    times,
    vectors,
    machine: {
      cpus: vm.cpus || known('cpus') ? vmCpus(vm) : 0,
      host: vm.host?.name ?? (known('host') ? DEFAULT_HOST_PROFILE : ''),
      guest: vm.guest?.name ?? (known('guest') ? DEFAULT_GUEST_MODEL : ''),
    },
  };
}

export function packNames(names: readonly NameOccurrence[]): PackedNames {
  const kinds = new Uint8Array(names.length);
  const locs = new Int32Array(names.length * 4);
  const words = new Array<string>(names.length);
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    kinds[i] = KIND_INDEX[n.kind];
    locs[i * 4] = n.loc.line;
    locs[i * 4 + 1] = n.loc.col;
    locs[i * 4 + 2] = n.loc.endLine;
    locs[i * 4 + 3] = n.loc.endCol;
    words[i] = n.name.includes('\n') ? n.name.replace(/\n/g, ' ') : n.name;
  }
  return { kinds, locs, text: words.join('\n') };
}

/**
 * Diagnostics as they travel: DIAG_INTS numbers each (range, severity, code, source, message, then
 * the related information's range, uri and message, and data; a string as its index in `strings`,
 * -1 where the field is absent) and each distinct string once. Structured cloning 26,311
 * diagnostics of a 1 MB scenario took ~450 ms, most of it on the answering thread; they hold 150
 * distinct messages. A diagnostic of another shape than toLspDiagnostic's (analyze.ts) makes the
 * whole list go as it is (`whole`).
 */
export interface PackedDiagnostics {
  ints: Int32Array;
  strings: string[];
  whole?: LspDiagnostic[];
}

const DIAG_INTS = 15;
const DIAG_KEYS = new Set(['range', 'severity', 'code', 'source', 'message', 'relatedInformation', 'data']);

export function packDiagnostics(ds: readonly LspDiagnostic[]): PackedDiagnostics {
  const ints = new Int32Array(ds.length * DIAG_INTS);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  for (let i = 0; i < ds.length; i++) {
    const d = ds[i]!;
    const rel = d.relatedInformation;
    if (
      typeof d.message !== 'string' ||
      Object.keys(d).some((k) => !DIAG_KEYS.has(k)) ||
      (rel && (rel.length !== 1 || Object.keys(rel[0]!).length !== 2 || Object.keys(rel[0]!.location).length !== 2))
    ) {
      return { ints: new Int32Array(0), strings: [], whole: [...ds] };
    }
    const o = i * DIAG_INTS;
    const r = d.range;
    ints[o] = r.start.line;
    ints[o + 1] = r.start.character;
    ints[o + 2] = r.end.line;
    ints[o + 3] = r.end.character;
    ints[o + 4] = d.severity ?? -1;
    ints[o + 5] = d.code === undefined ? -1 : str(JSON.stringify(d.code));
    ints[o + 6] = d.source === undefined ? -1 : str(d.source);
    ints[o + 7] = str(d.message);
    if (rel) {
      const l = rel[0]!.location.range;
      ints[o + 8] = l.start.line;
      ints[o + 9] = l.start.character;
      ints[o + 10] = l.end.line;
      ints[o + 11] = l.end.character;
      ints[o + 12] = str(rel[0]!.location.uri);
      ints[o + 13] = str(rel[0]!.message);
    } else ints[o + 8] = -1; // a line is never negative: none
    ints[o + 14] = d.data === undefined ? -1 : str(JSON.stringify(d.data));
  }
  return { ints, strings };
}

export function unpackDiagnostics(p: PackedDiagnostics): LspDiagnostic[] {
  if (p.whole) return p.whole;
  const { ints, strings } = p;
  const n = ints.length / DIAG_INTS;
  const out = new Array<LspDiagnostic>(n);
  const codes: (string | number)[] = [];
  const range = (o: number): LspDiagnostic['range'] => ({
    start: { line: ints[o]!, character: ints[o + 1]! },
    end: { line: ints[o + 2]!, character: ints[o + 3]! },
  });
  for (let i = 0; i < n; i++) {
    const o = i * DIAG_INTS;
    const d = { range: range(o) } as LspDiagnostic;
    if (ints[o + 4]! >= 0) d.severity = ints[o + 4] as LspDiagnostic['severity'];
    if (ints[o + 5]! >= 0) d.code = codes[ints[o + 5]!] ??= JSON.parse(strings[ints[o + 5]!]!) as string | number;
    if (ints[o + 6]! >= 0) d.source = strings[ints[o + 6]!];
    d.message = strings[ints[o + 7]!]!;
    if (ints[o + 8]! >= 0) d.relatedInformation = [{ location: { uri: strings[ints[o + 12]!]!, range: range(o + 8) }, message: strings[ints[o + 13]!]! }];
    if (ints[o + 14]! >= 0) d.data = JSON.parse(strings[ints[o + 14]!]!) as unknown;
    out[i] = d;
  }
  return out;
}

export function unpackNames(p: PackedNames): NameOccurrence[] {
  if (!p.kinds.length) return [];
  const words = p.text.split('\n');
  const out = new Array<NameOccurrence>(p.kinds.length);
  for (let i = 0; i < p.kinds.length; i++) {
    const l = p.locs;
    out[i] = { kind: KINDS[p.kinds[i]!]!, name: words[i]!, loc: { line: l[i * 4]!, col: l[i * 4 + 1]!, endLine: l[i * 4 + 2]!, endCol: l[i * 4 + 3]! } };
  }
  return out;
}

/**
 * Past this many lines a document gets no semantic tokens and no folding ranges: both read every
 * token of the text (a 16 MiB scenario of one-word lines has 8 million lines, whose tokens alone
 * took 3 s to compute and 20 s and gigabytes to send as 42 million integers, before its
 * diagnostics could be published). The number is VS Code's: past 300,000 lines its editor
 * stops tokenizing a file itself (LARGE_FILE_LINE_COUNT_THRESHOLD, microsoft/vscode
 * src/vs/editor/common/model/textModel.ts), so the TextMate colours end there too. Ours to apply it here.
 */
export const LARGE_DOCUMENT_LINES = 300_000;
/**
 * …and past this many semantic tokens, whatever its lines: a 16 MiB scenario on one line (or a few
 * hundred long ones) has up to 8 million, 40 million integers to send, and the server ran out of
 * memory making them in a 256 MiB heap. VS Code's editor does not colour such lines itself either
 * (editor.maxTokenizationLineLength, 20,000 characters by default). The number is ours: 300,000
 * lines of a timeline, about six tokens each, stay under it.
 */
export const LARGE_DOCUMENT_TOKENS = 2_000_000;

/** Everything the features need from an analysis, computed where the analysis ran. */
export function packAnalysis(a: Analysis, seq: number, version: number): PackedAnalysis {
  const lineStarts = indexOf(a.text).startsOf();
  const tokens = lineStarts.length > LARGE_DOCUMENT_LINES ? undefined : semanticTokens(a.text, a.names, LARGE_DOCUMENT_TOKENS);
  return {
    uri: a.uri,
    seq,
    version,
    diagnostics: packDiagnostics(a.lspDiagnostics),
    names: packNames(a.names),
    tokens: tokens ? Uint32Array.from(tokens) : new Uint32Array(0),
    lineStarts,
    symbols: JSON.stringify(documentSymbols(a.scenario, a.text)),
    folding: tokens ? JSON.stringify(foldingRanges(a.text)) : '[]',
    busNames: busNames(a.names),
    functions: [...new Set(a.names.filter((x) => x.kind === 'fn-decl').map((x) => x.name))],
    ...completionFacts(a.scenario, a.brokenSettings),
    blocks: Int32Array.from(a.blocks.flatMap((b) => [b.start, b.end, b.kind === 'vm' ? 0 : 1])),
    files: a.files,
    brokenLines: Int32Array.from(a.brokenLines),
    unreadFrom: a.unreadFrom ?? 0,
  };
}

/** The buffers a PackedAnalysis can hand over instead of copying. */
export function transferables(p: PackedAnalysis): ArrayBuffer[] {
  return [
    p.diagnostics.ints.buffer as ArrayBuffer,
    p.names.kinds.buffer as ArrayBuffer,
    p.names.locs.buffer as ArrayBuffer,
    p.tokens.buffer as ArrayBuffer,
    p.lineStarts.buffer as ArrayBuffer,
    p.blocks.buffer as ArrayBuffer,
    p.brokenLines.buffer as ArrayBuffer,
  ];
}

/** An analysis on the answering side: the parts unpacked on first use. */
export class DocAnalysis {
  private names_?: NameOccurrence[];
  private diagnostics_?: LspDiagnostic[];
  private words_?: string[];
  private symbols_?: DocumentSymbol[];
  private folding_?: FoldingRange[];
  private lines_?: LineIndex;
  private tokens_?: number[];

  constructor(
    readonly packed: PackedAnalysis,
    /** The text analysed (the document's text at `version`). */
    readonly text: string,
  ) {}

  get uri(): string {
    return this.packed.uri;
  }
  get seq(): number {
    return this.packed.seq;
  }
  get version(): number {
    return this.packed.version;
  }
  get diagnostics(): LspDiagnostic[] {
    return (this.diagnostics_ ??= unpackDiagnostics(this.packed.diagnostics));
  }
  /** The semantic tokens as JSON sends them (made once: a 1 MB scenario has ~500k integers, and Array.from copies them slowly). */
  get tokens(): number[] {
    if (this.tokens_) return this.tokens_;
    const t = this.packed.tokens;
    const out = new Array<number>(t.length);
    for (let i = 0; i < t.length; i++) out[i] = t[i]!;
    return (this.tokens_ = out);
  }
  /** Every name occurrence (unpacked once; the requests that answer while typing use nameAt and named instead). */
  get names(): NameOccurrence[] {
    return (this.names_ ??= unpackNames(this.packed.names));
  }

  private occurrence(i: number): NameOccurrence {
    const l = this.packed.names.locs;
    this.words_ ??= this.packed.names.text.split('\n');
    return {
      kind: KINDS[this.packed.names.kinds[i]!]!,
      name: this.words_[i]!,
      loc: { line: l[i * 4]!, col: l[i * 4 + 1]!, endLine: l[i * 4 + 2]!, endCol: l[i * 4 + 3]! },
    };
  }

  /** The index of the first occurrence on 1-based `line` or after it: a binary search over the packed table (in source order). */
  private firstOn(line: number): number {
    const { kinds, locs } = this.packed.names;
    let lo = 0;
    let hi = kinds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (locs[mid * 4]! < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The name at 1-based (line, col), as names.ts nameAt finds it, by binary search over the packed table (in source order). */
  nameAt(line: number, col: number): NameOccurrence | undefined {
    const { kinds, locs } = this.packed.names;
    for (let i = this.firstOn(line); i < kinds.length && locs[i * 4] === line; i++) {
      if (KINDS[kinds[i]!] === 'fn-ref-implicit') continue;
      if (col >= locs[i * 4 + 1]! && col <= locs[i * 4 + 3]!) return this.occurrence(i);
    }
    return undefined;
  }

  /** Every occurrence on 1-based `line` (those nameAt skips too), in source order. */
  namesOn(line: number): NameOccurrence[] {
    const { kinds, locs } = this.packed.names;
    const out: NameOccurrence[] = [];
    for (let i = this.firstOn(line); i < kinds.length && locs[i * 4] === line; i++) out.push(this.occurrence(i));
    return out;
  }

  /** Every occurrence of one name (a bus's declaration and references…), without unpacking the others. */
  named(name: string): NameOccurrence[] {
    this.words_ ??= this.packed.names.text.split('\n');
    const out: NameOccurrence[] = [];
    for (let i = 0; i < this.words_.length; i++) if (this.words_[i] === name) out.push(this.occurrence(i));
    return out;
  }
  get symbols(): DocumentSymbol[] {
    return (this.symbols_ ??= JSON.parse(this.packed.symbols) as DocumentSymbol[]);
  }
  /** The block (`vm`, or a bus body) whose lines hold 0-based `line` in the analysed text, by binary search; undefined at the top level. */
  blockAt(line: number): 'vm' | 'bus' | undefined {
    const b = this.packed.blocks;
    // The last block starting at or before the line (blocks do not nest: the language has one level).
    let lo = 0;
    let hi = b.length / 3;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid * 3]! <= line) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0 || b[i * 3 + 1]! < line) return undefined;
    return b[i * 3 + 2] === 0 ? 'vm' : 'bus';
  }

  /** The dump files read, at the strings that name them. */
  get files(): readonly { loc: Loc; real: string }[] {
    return this.packed.files;
  }
  /** The 1-based lines with a syntax error, ascending. */
  get brokenLines(): Int32Array {
    return this.packed.brokenLines;
  }
  /** The line the parser stopped at after too many syntax errors, if it did. */
  get unreadFrom(): number | undefined {
    return this.packed.unreadFrom || undefined;
  }

  get folding(): FoldingRange[] {
    return (this.folding_ ??= JSON.parse(this.packed.folding) as FoldingRange[]);
  }
  /** Line `n` (1-based) of the analysed text. */
  line(n: number): string {
    return (this.lines_ ??= new LineIndex(this.text, this.packed.lineStarts)).line(n);
  }
}
