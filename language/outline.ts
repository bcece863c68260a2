// Document symbols (outline, breadcrumbs, sticky scroll) and folding ranges.
import { SymbolKind, FoldingRangeKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import type { BusDecl, Scenario, Loc } from '../emulator/scenario/ast';
import { tokenize } from '../emulator/scenario/lexer';
import { formatTime } from '../emulator/format';
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

function busSymbol(b: BusDecl, detail?: string): DocumentSymbol {
  const range = locToRange(b.loc);
  const children: DocumentSymbol[] = b.functions.map((f) => ({
    name: `function ${f.slot.device}.${f.slot.fn}`,
    detail: f.source.kind === 'catalog' ? f.source.id.name : `dump "${f.source.path}"`,
    kind: SymbolKind.Field,
    range: locToRange(f.loc),
    selectionRange: locToRange(f.slot.loc),
  }));
  return { name: b.name.name, detail: detail ?? 'bus', kind: SymbolKind.Module, range, selectionRange: locToRange(b.name.loc), children };
}

export function documentSymbols(s: Scenario, text: string): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  // The index packAnalysis made of the same text (language/packed.ts: its line starts), not a second pass.
  const lines = indexOf(text);
  // The parser leaves an empty 1:1–1:1 range when there is no vm block.
  if (s.vm.loc.endLine > s.vm.loc.line || s.vm.loc.endCol > s.vm.loc.col) {
    const children: DocumentSymbol[] = [];
    if (s.vm.host)
      children.push({ name: `host ${s.vm.host.name}`, kind: SymbolKind.Property, range: locToRange(s.vm.host.loc), selectionRange: locToRange(s.vm.host.loc) });
    if (s.vm.guest)
      children.push({
        name: `guest ${s.vm.guest.name}`,
        kind: SymbolKind.Property,
        range: locToRange(s.vm.guest.loc),
        selectionRange: locToRange(s.vm.guest.loc),
      });
    for (const q of s.vm.quirks)
      children.push({
        name: `quirk ${q.name.name} ${q.on ? 'on' : 'off'}`,
        kind: SymbolKind.Boolean,
        range: locToRange(q.loc),
        selectionRange: locToRange(q.name.loc),
      });
    const range = locToRange(s.vm.loc);
    out.push({
      name: 'vm',
      detail: [s.vm.host?.name, s.vm.guest?.name].filter(Boolean).join(' / '),
      kind: SymbolKind.Namespace,
      range,
      selectionRange: { start: range.start, end: { line: range.start.line, character: range.start.character + 2 } },
      children,
    });
  }
  for (const b of s.buses) out.push(busSymbol(b));
  for (const e of s.timeline) {
    const range = locToRange(e.loc);
    if (e.kind === 'offer') {
      const sym = busSymbol(e.bus, `offer at ${formatTime(e.time)}`);
      sym.range = range;
      out.push(sym);
      continue;
    }
    out.push({ name: `at ${formatTime(e.time)} ${e.kind}`, detail: lineText(lines, e.loc), kind: SymbolKind.Event, range, selectionRange: range });
  }
  for (const x of s.expectations) {
    const range = locToRange(x.loc);
    let detail = lineText(lines, x.loc);
    if (x.kind === 'version') detail += ` (${versionText(x.version)})`;
    out.push({ name: `expect ${x.kind}`, detail, kind: SymbolKind.Constant, range, selectionRange: range });
  }
  return out;
}

/** Brace blocks spanning lines, and runs of 2+ comment lines. */
export function foldingRanges(text: string): FoldingRange[] {
  const out: FoldingRange[] = [];
  const stack: number[] = [];
  let commentStart = -1;
  let commentLast = -1;
  for (const t of tokenize(text)) {
    const line = t.loc.line - 1;
    if (t.kind === 'lbrace') stack.push(line);
    else if (t.kind === 'rbrace') {
      const start = stack.pop();
      if (start !== undefined && line - 1 > start) out.push({ startLine: start, endLine: line - 1 });
    } else if (t.kind === 'comment' && t.loc.col === 1) {
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
