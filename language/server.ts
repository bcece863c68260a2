// Language server for *.vpci (vscode-languageserver over stdio, or node-ipc when
// the extension's LanguageClient starts it). Every feature reads one analysis
// per document version (language/analyze.ts, the same parser and checker as the
// CLI), recomputed synchronously on each edit: no debounce, so what the editor
// shows always matches the text. Every handler is guarded: a bug in one request
// answers "nothing" instead of taking the server down.
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, scenarioContext, type Analysis, type ReadFile } from './analyze';
import { complete } from './completion';
import { hoverMarkdown } from './hover';
import { nameAt, busNames } from './names';
import { definition, references } from './definition';
import { documentSymbols, foldingRanges } from './outline';
import { LEGEND, semanticTokens } from './semantic';
import { formatDocument } from './formatting';
import { codeActions } from './code-actions';
import { tokenize } from '../emulator/scenario/lexer';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let workspaceRoots: string[] = [];
let snippetSupport = false;

/** Reads dump files relative to the document's folder; only for file: URIs, only inside the workspace when one is open. */
export function dumpReader(uri: string, roots: readonly string[] = workspaceRoots): ReadFile {
  if (!uri.startsWith('file:')) return () => undefined;
  let dir: string;
  try {
    dir = dirname(fileURLToPath(uri));
  } catch {
    return () => undefined;
  }
  return (p: string) => {
    try {
      const full = resolve(dir, p);
      if (roots.length && !roots.some((r) => { const rel = relative(r, full); return !rel.startsWith('..') && !isAbsolute(rel); })) return undefined;
      return readFileSync(full, 'utf8');
    } catch {
      return undefined;
    }
  };
}

const cache = new Map<string, { version: number; analysis: Analysis }>();

function analysisOf(doc: TextDocument): Analysis {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit.analysis;
  const analysis = analyze(doc.getText(), doc.uri, dumpReader(doc.uri));
  cache.set(doc.uri, { version: doc.version, analysis });
  return analysis;
}

function guard<A extends unknown[], R>(fallback: R, fn: (...a: A) => R): (...a: A) => R {
  return (...a: A) => {
    try {
      return fn(...a);
    } catch (e) {
      connection.console.error(`vpci language server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };
}

connection.onInitialize((params): InitializeResult => {
  snippetSupport = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  workspaceRoots = (params.workspaceFolders ?? [])
    .filter((f) => f.uri.startsWith('file:'))
    .map((f) => {
      try {
        return fileURLToPath(f.uri);
      } catch {
        return '';
      }
    })
    .filter(Boolean);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      completionProvider: { triggerCharacters: [' ', '/'] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      semanticTokensProvider: { legend: LEGEND, full: true },
      documentFormattingProvider: true,
      foldingRangeProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: 'vpci-language-server', version: '0.1.0' },
  };
});

documents.onDidChangeContent(
  guard(undefined, (e) => {
    const a = analysisOf(e.document);
    void connection.sendDiagnostics({ uri: e.document.uri, version: e.document.version, diagnostics: a.lspDiagnostics });
  }),
);

// A dump file changed on disk (when the client watches them): re-check every open scenario.
connection.onDidChangeWatchedFiles(
  guard(undefined, () => {
    cache.clear();
    for (const doc of documents.all()) {
      const a = analysisOf(doc);
      void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: a.lspDiagnostics });
    }
  }),
);

documents.onDidClose(
  guard(undefined, (e) => {
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }),
);

connection.onCompletion(
  guard([], (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const a = analysisOf(doc);
    const functions = [...new Set(a.names.filter((x) => x.kind === 'fn-decl').map((x) => x.name))];
    return complete({ text: a.text, position: p.position, ctx: scenarioContext(), busNames: busNames(a.names), functions, snippets: snippetSupport });
  }),
);

connection.onHover(
  guard(null, (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const a = analysisOf(doc);
    const line = p.position.line + 1;
    const col = p.position.character + 1;
    const n = nameAt(a.names, line, col);
    const src = a.text.split('\n')[p.position.line] ?? '';
    let s = p.position.character;
    let e = p.position.character;
    while (s > 0 && /[A-Za-z0-9_-]/.test(src[s - 1]!)) s--;
    while (e < src.length && /[A-Za-z0-9_-]/.test(src[e]!)) e++;
    // Inside a comment there is nothing to explain.
    const comment = tokenize(src).find((t) => t.kind === 'comment');
    if (comment && p.position.character >= comment.loc.col - 1) return null;
    const word = e > s ? src.slice(s, e) : undefined;
    const md = hoverMarkdown(n, word, scenarioContext(), a.names);
    if (!md) return null;
    const range = n
      ? { start: { line: n.loc.line - 1, character: n.loc.col - 1 }, end: { line: n.loc.endLine - 1, character: n.loc.endCol - 1 } }
      : { start: { line: p.position.line, character: s }, end: { line: p.position.line, character: e } };
    return { contents: { kind: 'markdown' as const, value: md }, range };
  }),
);

connection.onDefinition(
  guard([], (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? definition(analysisOf(doc).names, doc.uri, p.position) : [];
  }),
);

connection.onReferences(
  guard([], (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? references(analysisOf(doc).names, doc.uri, p.position, p.context.includeDeclaration) : [];
  }),
);

connection.onDocumentSymbol(
  guard([], (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const a = analysisOf(doc);
    return documentSymbols(a.scenario, a.text);
  }),
);

connection.onFoldingRanges(
  guard([], (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? foldingRanges(analysisOf(doc).text) : [];
  }),
);

connection.languages.semanticTokens.on(
  guard({ data: [] }, (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return { data: [] };
    const a = analysisOf(doc);
    return { data: semanticTokens(a.text, a.names) };
  }),
);

connection.onDocumentFormatting(
  guard([] as TextEdit[], (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    return formatDocument(doc);
  }),
);

connection.onCodeAction(
  guard([], (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? codeActions(p, analysisOf(doc)) : [];
  }),
);

process.on('uncaughtException', (e) => {
  try {
    connection.console.error(`vpci language server: uncaught ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } catch {
    /* the connection itself is gone */
  }
});

documents.listen(connection);
connection.listen();
