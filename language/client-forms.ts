// What the server sends, in the forms the client said it takes (LSP 3.17's client
// capabilities). VS Code takes all of them; a smaller client (a script, an older
// editor, one that names no capabilities at all) is owed the older forms:
// - documentSymbol: DocumentSymbol trees only with hierarchicalDocumentSymbolSupport,
//   else SymbolInformation, one per symbol, with the name of the one it is in;
// - codeAction: CodeAction literals only with codeActionLiteralSupport (else only
//   Commands may be sent, and this server has none: no quick fixes);
// - kinds: a CompletionItemKind or SymbolKind the client did not list (with no
//   list, the first protocol's: Text … Reference, File … Array) becomes one it
//   knows — Value for completion items, Variable for symbols (our choice);
// - documentLink: a tooltip only with tooltipSupport; codeAction: isPreferred only with
//   isPreferredSupport;
// - publishDiagnostics: relatedInformation only with relatedInformation support;
//   else its line and message are added to the diagnostic's message (our choice),
//   so nothing it says is lost.
import {
  CompletionItemKind,
  SymbolKind,
  type ClientCapabilities,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type SymbolInformation,
} from 'vscode-languageserver';

export interface ClientForms {
  hierarchicalSymbols: boolean;
  codeActionLiterals: boolean;
  preferredActions: boolean;
  linkTooltips: boolean;
  relatedInformation: boolean;
  completionKinds: ReadonlySet<number>;
  symbolKinds: ReadonlySet<number>;
}

const range = (lo: number, hi: number): Set<number> => new Set(Array.from({ length: hi - lo + 1 }, (_, k) => lo + k));

/** A client's valueSet as a set of numbers, or the first protocol's kinds when it gives none. */
function kinds(valueSet: unknown, lo: number, hi: number): Set<number> {
  return Array.isArray(valueSet) && valueSet.length ? new Set(valueSet.filter((v): v is number => typeof v === 'number')) : range(lo, hi);
}

/** The forms a client takes, from its initialize capabilities (any of which may be missing). */
export function clientForms(caps: ClientCapabilities | undefined): ClientForms {
  const td = caps?.textDocument;
  return {
    hierarchicalSymbols: td?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    codeActionLiterals: !!td?.codeAction?.codeActionLiteralSupport,
    preferredActions: td?.codeAction?.isPreferredSupport === true,
    linkTooltips: td?.documentLink?.tooltipSupport === true,
    relatedInformation: td?.publishDiagnostics?.relatedInformation === true,
    completionKinds: kinds(td?.completion?.completionItemKind?.valueSet, CompletionItemKind.Text, CompletionItemKind.Reference),
    symbolKinds: kinds(td?.documentSymbol?.symbolKind?.valueSet, SymbolKind.File, SymbolKind.Array),
  };
}

/** Completion items with kinds the client knows. */
export function completionItemsFor(items: CompletionItem[], f: ClientForms): CompletionItem[] {
  for (const it of items) if (it.kind !== undefined && !f.completionKinds.has(it.kind)) it.kind = CompletionItemKind.Value;
  return items;
}

const symbolKind = (k: SymbolKind, f: ClientForms): SymbolKind => (f.symbolKinds.has(k) ? k : SymbolKind.Variable);

/** The outline as the client takes it: trees, or one SymbolInformation per symbol in document order. */
export function symbolsFor(uri: string, symbols: readonly DocumentSymbol[], f: ClientForms): DocumentSymbol[] | SymbolInformation[] {
  if (f.hierarchicalSymbols) {
    const fix = (s: DocumentSymbol): DocumentSymbol => ({ ...s, kind: symbolKind(s.kind, f), ...(s.children ? { children: s.children.map(fix) } : {}) });
    return symbols.map(fix);
  }
  const out: SymbolInformation[] = [];
  const walk = (list: readonly DocumentSymbol[], container: string | undefined): void => {
    for (const s of list) {
      out.push({
        name: s.name,
        kind: symbolKind(s.kind, f),
        location: { uri, range: s.range },
        ...(container !== undefined ? { containerName: container } : {}),
      });
      if (s.children) walk(s.children, s.name);
    }
  };
  walk(symbols, undefined);
  return out;
}

/** Diagnostics as the client takes them: without relatedInformation, what it said is in the message. */
export function diagnosticsFor(diagnostics: Diagnostic[], f: ClientForms): Diagnostic[] {
  if (f.relatedInformation) return diagnostics;
  return diagnostics.map((d) => {
    if (!d.relatedInformation?.length) return d;
    const { relatedInformation, ...rest } = d;
    const said = relatedInformation.map((r) => `line ${r.location.range.start.line + 1}: ${r.message}`).join('; ');
    return { ...rest, message: typeof d.message === 'string' ? `${d.message} (${said})` : d.message };
  });
}
