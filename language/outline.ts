// Document symbols (outline, breadcrumbs, sticky scroll) and folding ranges.
import { SymbolKind, FoldingRangeKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import type { BusDecl, FunctionDeclAst, Scenario, Loc } from '../emulator/scenario/ast';
import { tokensOf } from '../emulator/scenario/lexer';
import { formatTime, grouped, sizeText } from '../emulator/format';
import { locToRange } from './ranges';
import { versionText } from '../emulator/scenario/context';
import { indexOf, type LineIndex } from '../emulator/scenario/lines';

/** A statement's line as the outline shows it; the lines come from one index of the text (one split per symbol was quadratic). */
function lineText(lines: LineIndex, loc: Loc): string {
  return lines
    .line(loc.line)
    .trim()
    .replace(/\s*#.*$/, '')
    .replace(/\s+/g, ' ');
}

/** A function declared in a bus, an offer or a plug: its slot, and the device or dump it is. */
const functionSymbol = (f: FunctionDeclAst): DocumentSymbol => ({
  name: `function ${f.slot.device}.${f.slot.fn}`,
  detail: f.source.kind === 'catalog' ? f.source.id.name : `dump "${f.source.path}"`,
  kind: SymbolKind.Field,
  range: locToRange(f.loc),
  selectionRange: locToRange(f.slot.loc),
});

function busSymbol(b: BusDecl, detail?: string): DocumentSymbol {
  const range = locToRange(b.loc);
  const children = b.functions.map(functionSymbol);
  return { name: b.name.name, detail: detail ?? 'bus', kind: SymbolKind.Module, range, selectionRange: locToRange(b.name.loc), children };
}

/**
 * The most symbols an outline lists, children included. A scenario generated with tens of
 * thousands of timeline lines has as many symbols: its outline is megabytes of JSON, which the
 * server sends and VS Code parses again at every pause in typing (for the Outline view, the
 * breadcrumbs and sticky scroll), holding up the requests behind it. VS Code's own JSON support
 * stops at the same number (the `json.maxItemsComputed` setting, default 5000:
 * microsoft/vscode extensions/json-language-features/package.json). Past it, the outline lists
 * the symbols that come first in the text and ends with one entry that says how many follow.
 */
export const OUTLINE_LIMIT = 5000;

/** One top-level outline entry before it is made: where it stands and how many symbols it is. */
interface Entry {
  loc: Loc;
  /** The symbol and its children. */
  size: number;
  make: () => DocumentSymbol;
}

export function documentSymbols(s: Scenario, text: string, limit = OUTLINE_LIMIT): DocumentSymbol[] {
  const entries: Entry[] = [];
  // The index packAnalysis made of the same text (language/packed.ts: its line starts), not a second pass.
  const lines = indexOf(text);
  // The parser leaves an empty 1:1–1:1 range when there is no vm block.
  if (s.vm.loc.endLine > s.vm.loc.line || s.vm.loc.endCol > s.vm.loc.col) {
    const vm = s.vm;
    entries.push({
      loc: vm.loc,
      size: 1 + (vm.host ? 1 : 0) + (vm.guest ? 1 : 0) + (vm.cpusLoc ? 1 : 0) + vm.mmio.length + vm.quirks.length,
      make: () => vmSymbol(s),
    });
  }
  for (const b of s.buses) entries.push({ loc: b.loc, size: 1 + b.functions.length, make: () => busSymbol(b) });
  for (const e of s.timeline) {
    if (e.kind === 'offer') {
      entries.push({
        loc: e.loc,
        size: 1 + e.bus.functions.length,
        make: () => {
          const sym = busSymbol(e.bus, `offer at ${formatTime(e.time)}`);
          sym.range = locToRange(e.loc);
          return sym;
        },
      });
      continue;
    }
    // A plug declares a function, as a bus does: it is the event's child, as a bus's functions are the bus's.
    entries.push({
      loc: e.loc,
      size: e.kind === 'plug' ? 2 : 1,
      make: () => {
        const range = locToRange(e.loc);
        const sym: DocumentSymbol = {
          name: `at ${formatTime(e.time)} ${e.kind}`,
          detail: lineText(lines, e.loc),
          kind: SymbolKind.Event,
          range,
          selectionRange: range,
        };
        if (e.kind === 'plug') sym.children = [functionSymbol(e.fn)];
        return sym;
      },
    });
  }
  for (const x of s.expectations)
    entries.push({
      loc: x.loc,
      size: 1,
      make: () => {
        const range = locToRange(x.loc);
        let detail = lineText(lines, x.loc);
        if (x.kind === 'version') detail += ` (${versionText(x.version)})`;
        return { name: `expect ${x.kind}`, detail, kind: SymbolKind.Constant, range, selectionRange: range };
      },
    });
  let total = 0;
  for (const e of entries) total += e.size;
  if (total <= limit) return entries.map((e) => e.make());
  // Too many: the first in the text, in its order (a stable sort), one place left for the entry
  // that says what is not listed. Only what is listed is made.
  const byPlace = entries.slice().sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  const out: DocumentSymbol[] = [];
  let listed = 0;
  let i = 0;
  for (; i < byPlace.length && listed + byPlace[i]!.size < limit; i++) {
    out.push(byPlace[i]!.make());
    listed += byPlace[i]!.size;
  }
  const first = byPlace[i]!;
  let last = first.loc;
  for (let j = i + 1; j < byPlace.length; j++) {
    const l = byPlace[j]!.loc;
    if (l.endLine > last.endLine || (l.endLine === last.endLine && l.endCol > last.endCol)) last = l;
  }
  const count = (n: number): string => grouped(n);
  const from = locToRange(first.loc);
  out.push({
    name: `… ${count(total - listed)} more`,
    detail: `not listed: an outline lists at most ${count(limit)} symbols, and this scenario has ${count(total)}`,
    kind: SymbolKind.Null,
    range: { start: from.start, end: locToRange(last).end },
    selectionRange: from,
  });
  return out;
}

function vmSymbol(s: Scenario): DocumentSymbol {
  const children: DocumentSymbol[] = [];
  // The entry spans the statement (`host hyperv-2016`), as `cpus 4`'s does; the value is what it selects.
  if (s.vm.host)
    children.push({
      name: `host ${s.vm.host.name}`,
      kind: SymbolKind.Property,
      range: locToRange(s.vm.hostLoc ?? s.vm.host.loc),
      selectionRange: locToRange(s.vm.host.loc),
    });
  if (s.vm.guest)
    children.push({
      name: `guest ${s.vm.guest.name}`,
      kind: SymbolKind.Property,
      range: locToRange(s.vm.guestLoc ?? s.vm.guest.loc),
      selectionRange: locToRange(s.vm.guest.loc),
    });
  // Every setting the block holds, as written: the CPU count and the MMIO ranges too.
  if (s.vm.cpusLoc)
    children.push({ name: `cpus ${s.vm.cpus}`, kind: SymbolKind.Property, range: locToRange(s.vm.cpusLoc), selectionRange: locToRange(s.vm.cpusLoc) });
  for (const m of s.vm.mmio)
    children.push({
      name: `mmio ${m.name}`,
      detail: `0x${m.base.toString(16).toUpperCase()}, ${sizeText(m.size)}`,
      kind: SymbolKind.Property,
      range: locToRange(m.loc),
      selectionRange: locToRange(m.loc),
    });
  for (const q of s.vm.quirks)
    children.push({
      name: `quirk ${q.name.name} ${q.on ? 'on' : 'off'}`,
      kind: SymbolKind.Boolean,
      range: locToRange(q.loc),
      selectionRange: locToRange(q.name.loc),
    });
  const range = locToRange(s.vm.loc);
  return {
    name: 'vm',
    detail: [s.vm.host?.name, s.vm.guest?.name].filter(Boolean).join(' / '),
    kind: SymbolKind.Namespace,
    range,
    selectionRange: { start: range.start, end: { line: range.start.line, character: range.start.character + 2 } },
    children,
  };
}

/** Brace blocks spanning lines, and runs of 2+ comment lines. */
export function foldingRanges(text: string): FoldingRange[] {
  const out: FoldingRange[] = [];
  const stack: number[] = [];
  let commentStart = -1;
  let commentLast = -1;
  let lastLine = 0; // the 1-based line of the token before this one
  for (const t of tokensOf(text)) {
    const line = t.loc.line - 1;
    const lastLineWas = lastLine;
    lastLine = t.loc.endLine;
    if (t.kind === 'lbrace') stack.push(line);
    else if (t.kind === 'rbrace') {
      const start = stack.pop();
      if (start !== undefined && line - 1 > start) out.push({ startLine: start, endLine: line - 1 });
    } else if (t.kind === 'comment' && t.loc.line !== lastLineWas) {
      // A comment alone on its line, indented or not (a run inside a block folds too); one after code does not.
      if (commentLast === line - 1 && commentStart >= 0) commentLast = line;
      else {
        if (commentStart >= 0 && commentLast > commentStart) out.push({ startLine: commentStart, endLine: commentLast, kind: FoldingRangeKind.Comment });
        commentStart = commentLast = line;
      }
    }
  }
  if (commentStart >= 0 && commentLast > commentStart) out.push({ startLine: commentStart, endLine: commentLast, kind: FoldingRangeKind.Comment });
  out.sort((a, b) => a.startLine - b.startLine);
  return out;
}
