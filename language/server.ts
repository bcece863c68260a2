// Language server for *.vpci (vscode-languageserver over stdio, or node-ipc when
// the extension's LanguageClient starts it; the platform — connection, file
// access, where analyses run — comes from language/platform.ts). Every feature reads an analysis
// (language/analyze.ts, the same parser and checker as the CLI) computed off
// this thread and scheduled by language/scheduler.ts: debounced after edits,
// the latest version wins, stale results are never published. Hover and
// completion answer at once from the last analysis and the current text
// (completion before the first, where it offers no name of the scenario's);
// definition, references, highlights, quick fixes and a range's semantic tokens
// from the last analysis where it still holds for their lines (holdsFor) or with
// the one line edited since read again alone (relinedNow; hover too), else
// (hover, definition, references and highlights on a bus's or a function's name: from the lines
// of the text that name its bus and the bus's blocks, language/text-names.ts, where those settle it)
// like the full semantic tokens, the outline, folding, document links and rename
// they wait for the analysis of the current version. Dump
// files are read through the injected FileAccess (io/), confined to the
// document's folder and the workspace folders; the paths that name one that was
// read are links to it. Every handler is guarded: a bug in one request answers
// "nothing" instead of taking the server down (a refusal the user reads, such as
// a rename's, is a ResponseError and goes through).
import {
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  type DidChangeWorkspaceFoldersParams,
  type WorkspaceFoldersChangeEvent,
  type Disposable,
  type FileSystemWatcher,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Hover,
  TextDocumentSyncKind,
  type InitializeResult,
  type Position,
  type Range,
  type SemanticTokens,
  type SemanticTokensDelta,
  type SemanticTokensDeltaParams,
  type SemanticTokensParams,
  type SemanticTokensRangeParams,
  type RenameParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { basename, dirname, resolve } from 'node:path';
import { scenarioContext } from './analyze';
import { complete, type Block } from './completion';
import { hoverMarkdown, valueMarkdown } from './hover';
import { definition, fileDefinition, highlights, insideQuotes, references } from './definition';
import { RenameRefused, renameEdits, renameTarget } from './rename';
import { LEGEND } from './semantic';
import { markup, textForm, type TextForm } from './markup';
import { clientForms, completionItemsFor, diagnosticsFor, symbolsFor, type ClientForms } from './client-forms';
import { TokenResults, tokenEdits, tokensInRange } from './semantic-results';
import { codeActions } from './code-actions';
import { formatDocument } from './formatting';
import { commentBefore, scanLine, tokensOf, type Token } from '../emulator/scenario/lexer';
import type { Loc } from '../emulator/scenario/ast';
import { LSP_COLUMNS } from './ranges';
import type { FileRead } from '../emulator/scenario/staged';
import { SCENARIO_LIMIT, bytesText, confinement } from '../io/files';
import { debugWanted } from '../io/errors';
import { noFolderFailure, readDumps } from '../io/scenario-files';
import { AnalysisScheduler, debounceMs } from './scheduler';
import { TOP_KEYWORDS } from '../emulator/scenario/keywords';
import { InProcessRunner } from './runner';
import { platform } from './platform';
import { clip, grouped } from '../emulator/format';
import type { DocAnalysis } from './packed';
import { nameAt, type NameOccurrence } from './names';
import { LineDocument } from './document';
import { relined, type NameIndex } from './relined';
import { readByText } from './text-names';

const { connection, files, pathOf, uriOf } = platform();
// Documents as lines (language/document.ts): an edit costs what it touches, not the whole text.
const documents = new TextDocuments<LineDocument>({
  create: (uri, languageId, version, text) => new LineDocument(uri, languageId, version, text),
  update: (doc, changes, version) => {
    doc.update(changes, version);
    return doc;
  },
});
let workspaceRoots: string[] = [];
let snippetSupport = false;
let insertReplaceSupport = false;
/** The client asks textDocument/prepareRename first (LSP's rename.prepareSupport): only then may the server say it answers it. */
let prepareRenameSupport = false;
/** The forms the client takes hovers and completion documentation in (hover.contentFormat, completionItem.documentationFormat; language/markup.ts). */
let hoverForm: TextForm = 'markdown';
/** The forms of outline, quick fixes, kinds and diagnostics the client takes (language/client-forms.ts). */
let forms: ClientForms = clientForms(undefined);
let documentationForm: TextForm = 'markdown';
/** The client's command that opens completion again (initializationOptions.retriggerCompletionCommand; language/completion.ts retrigger). */
let retriggerCommand: string | undefined;
/** The client takes LocationLinks from definition (definition.linkSupport): a dump path's whole string is then what is underlined. */
let definitionLinkSupport = false;
/** The client applies versioned document edits (workspace.workspaceEdit.documentChanges): a rename of a text that changed meanwhile is refused by it. */
let documentChangesSupport = false;
/**
 * The most folding ranges the client wants per document (LSP's FoldingRangeClientCapabilities
 * rangeLimit; VS Code sends its editor.foldingMaximumRegions, 5000), or undefined for no limit.
 */
let foldingLimit: number | undefined;

/**
 * The files each open document's last analysis read (or tried to: one missing then may appear), as
 * full paths: a change to one of them on disk re-checks those documents only. The language has no
 * includes, so a scenario depends on no other scenario.
 */
const filesRead = new Map<string, Set<string>>();

/** The client registers file watchers when the server asks (LSP's didChangeWatchedFiles.dynamicRegistration), with a base folder each (relativePatternSupport). */
let watchRegistration = false;
let relativePatterns = false;
/** At most this many files are watched (a scenario names a few dumps; thousands of open documents would be a client's own problem). */
const WATCH_LIMIT = 1000;

/**
 * A pattern that matches `name` and nothing unlikely: glob syntax (`*`, `?`, `[…]`, `{…}`) in a
 * file name is matched by `?`, any one character, as no glob dialect agrees on how to escape it.
 */
function globLiteral(name: string): string {
  return name.replace(/[*?[\]{}]/g, '?');
}

/**
 * The files the open documents read, watched by the client at the server's request, whatever
 * they are called and wherever they lie. The extension's own watcher (extension/language-client.ts)
 * covers *.vpci and *.lspci in the workspace folders only: a dump saved as nic.txt, or next to a
 * scenario opened outside any folder, changed on disk and the scenario kept its old diagnostics.
 * One registration for all of them, replaced when the set changes (a new one first, then the old
 * one dropped, so no change falls between).
 */
class FileWatches {
  private key = '';
  private registered: Promise<Disposable | undefined> = Promise.resolve(undefined);
  private due = false;

  /** After this turn: the set may change again before it (several documents analysed at once). */
  soon(): void {
    if (!watchRegistration || this.due) return;
    this.due = true;
    setTimeout(() => {
      this.due = false;
      this.update();
    }, 0);
  }

  private update(): void {
    const paths = [...new Set([...filesRead.values()].flatMap((s) => [...s]))].sort().slice(0, WATCH_LIMIT);
    const key = paths.join('\n');
    if (key === this.key) return;
    this.key = key;
    const old = this.registered;
    this.registered = paths.length
      ? connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: paths.map(watcherOf) }).catch((e: unknown) => {
          connection.console.warn(
            `vpci language server: the client refused to watch the dump files (${failure(e)}); a dump changed on disk is read again at the next edit`,
          );
          return undefined;
        })
      : Promise.resolve(undefined);
    void old.then((d) => d?.dispose());
  }
}
const watches = new FileWatches();

/** A watcher for one file: its folder and name where the client takes a base folder, else the full path. */
function watcherOf(path: string): FileSystemWatcher {
  if (relativePatterns) return { globPattern: { baseUri: uriOf(dirname(path)), pattern: globLiteral(basename(path)) } };
  return { globPattern: globLiteral(path.replace(/\\/g, '/')) };
}

/** Reads the dump files a document names: file: URIs only, inside its folder or a workspace folder. */
export async function readDocumentFiles(uri: string, paths: readonly string[], roots: readonly string[] = workspaceRoots): Promise<Map<string, FileRead>> {
  const path = paths.length ? pathOf(uri) : undefined;
  if (path && documents.get(uri)) filesRead.set(uri, new Set(paths.map((p) => resolve(dirname(path), p))));
  else filesRead.delete(uri);
  watches.soon();
  if (!paths.length) return new Map();
  // Untitled, or a scheme the platform cannot read files under: each dump says why it is not read.
  if (!path) return new Map(paths.map((p) => [p, noFolderFailure(uri, p)]));
  return readDumps(files, paths, confinement(dirname(path), roots));
}

// Analyses where the platform runs them (a worker thread on Node); in-process if that fails.
const scheduler = new AnalysisScheduler(
  platform().runner((e) => {
    connection.console.warn(`vpci language server: analysis worker failed (${e.message}); analysing on the main thread from now on`);
    scheduler.replaceRunner(new InProcessRunner());
  }),
  (uri, paths) => readDocumentFiles(uri, paths),
  (a) => {
    // Published only while it is the analysis of the document as it stands.
    const doc = documents.get(a.uri);
    if (doc && doc.version === a.version)
      void connection.sendDiagnostics({ uri: a.uri, version: a.version, diagnostics: diagnosticsFor(a.diagnostics, forms) });
  },
  (text) => connection.console.error(`vpci language server: ${text}`),
  (uri, version) => {
    // Within the size limit, yet more than the analysis has memory for (a machine with little
    // memory, a scenario of hundreds of thousands of lines): said at its first line, like a
    // scenario over the limit; the server and the other documents go on.
    const doc = documents.get(uri);
    if (!doc || doc.version !== version) return;
    notChecked(
      doc,
      'scenario-too-large-for-memory',
      `this scenario (${bytesText(doc.length)}, ${grouped(doc.lineCount)} lines) is too large to check in the memory the language server has: its analysis ran out of memory, so it is not checked (nothing in it is marked); a smaller scenario is checked as usual`,
    );
  },
  (a) => documents.get(a.uri)?.keep(a.version),
);

/** Publishes the one diagnostic of a document that is not checked, at its first line: why not. */
function notChecked(doc: LineDocument, code: string, message: string): void {
  void connection.sendDiagnostics({
    uri: doc.uri,
    version: doc.version,
    diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 1, code, source: 'vpci', message }],
  });
}

/** The text of one line of the document as it stands (no copy of the whole text). */
function lineOf(doc: LineDocument, line: number): string {
  if (line < 0 || line >= doc.lineCount) return '';
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
}

/** A line that starts a top-level statement, as completion reads back to one. */
const STATEMENT_START = /^\s*(vm|bus|at|expect)\b/;

/** Lines completion reads back for the statement it is in; past them, the analysis says which block the line is in. */
const WINDOW_LINES = 5000;

/**
 * The statement around a position: from the last line that starts a top-level statement, so
 * completion never tokenizes the whole document. In a block longer than WINDOW_LINES (a bus of
 * thousands of functions), its start is not read back to: the last analysis's blocks say which block
 * the line is in, and the window is the line alone.
 */
function statementWindow(doc: LineDocument, line: number, a: DocAnalysis | undefined): { text: string; firstLine: number; startBlock?: Block } {
  let first = line;
  for (let k = 0; first > 0 && k < WINDOW_LINES && !STATEMENT_START.test(lineOf(doc, first)); k++) first--;
  if (first > 0 && !STATEMENT_START.test(lineOf(doc, first)) && a) {
    return { text: lineOf(doc, line), firstLine: line, startBlock: a.blockAt(line) ?? 'top' };
  }
  return { text: doc.getText({ start: { line: first, character: 0 }, end: { line: line + 1, character: 0 } }), firstLine: first };
}

/** Words of a statement past this many before a hovered word: too many to say what the word is there. */
const MAX_HOVER_CONTEXT = 1000;

/**
 * The words of the statement before offset `end` of a line (after its last brace before it, as
 * completion reads a line; `/` as itself), or undefined when there are too many to read at a hover.
 */
function statementBefore(line: string, end: number): string[] | undefined {
  const from = scanLine(line, end).afterBrace;
  const out: string[] = [];
  for (const t of tokensOf(line.slice(from, end))) {
    if (t.kind === 'eof' || t.kind === 'newline' || t.kind === 'comment') continue;
    if (out.length === MAX_HOVER_CONTEXT) return undefined;
    out.push(t.kind === 'slash' ? '/' : t.text);
  }
  return out;
}

/**
 * The hover on a value that is no name (an MMIO base or size, a version, a GUID, an lspci address, a
 * dump path) at character `at` of line `line` (0-based), with its token's range: from the tokens of
 * its statement (after the last brace before it), read up to a few past it, and none at all on a
 * statement too long to read at a hover.
 */
function valueAt(src: string, at: number, files: readonly { loc: Loc; real: string }[], line: number): { md: string; range: Range } | undefined {
  const from = scanLine(src, at).afterBrace;
  const toks: Token[] = [];
  let hit = -1;
  for (const t of tokensOf(src.slice(from), LSP_COLUMNS)) {
    if (t.kind === 'eof' || t.kind === 'newline' || t.kind === 'rbrace' || t.kind === 'lbrace') break;
    if (t.kind === 'comment') continue;
    if (toks.length > MAX_HOVER_CONTEXT) return undefined;
    toks.push(t);
    if (hit < 0 && from + t.loc.col - 1 <= at && at < from + t.loc.endCol - 1) hit = toks.length - 1;
    // A dump path's `select` may come several options later; other values need two tokens past them at most.
    if (hit >= 0 && toks.length > hit + 16) break;
  }
  const t = toks[hit];
  if (!t || !['number', 'dotted', 'guid', 'pciaddr', 'string'].includes(t.kind)) return undefined;
  const start = from + t.loc.col - 1;
  const file = files.find((f) => f.loc.line === line + 1 && f.loc.col - 1 === start);
  const md = valueMarkdown(toks, hit, scenarioContext(), file);
  return md ? { md, range: { start: { line, character: start }, end: { line, character: from + t.loc.endCol - 1 } } } : undefined;
}

/** A failure in one line for the client's log, and what came of it (the stack with VPCI_DEBUG=1, where there is a process environment). */
function failure(e: unknown, outcome = 'request not handled'): string {
  const debug = typeof process !== 'undefined' && debugWanted(process.env['VPCI_DEBUG']);
  if (debug && e instanceof Error) return e.stack ?? e.message;
  // Cut: an error may quote what it was given whole (a regular expression built from a 10 MB word was one log line of 10 MB).
  return `${clip((e instanceof Error ? e.message : String(e)).split('\n')[0]!, 500)} (${outcome}; VPCI_DEBUG=1 logs the stack)`;
}

/** A request's cancellation token: the second argument vscode-languageserver passes every request handler. */
function tokenOf(a: readonly unknown[]): CancellationToken | undefined {
  const t = a[1] as Partial<CancellationToken> | undefined;
  return t && typeof t.isCancellationRequested === 'boolean' ? (t as CancellationToken) : undefined;
}

/** The answer LSP gives a request the client cancelled before it was answered. */
const cancelled = (): ResponseError => new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled');

/**
 * `p`, or undefined as soon as `token` is cancelled: a request the client no longer wants stops
 * waiting for an analysis (the analysis itself goes on, for the requests that do want it).
 */
function unlessCancelled<T>(p: Promise<T>, token: CancellationToken | undefined): Promise<T | undefined> {
  if (!token) return p;
  if (token.isCancellationRequested) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      resolve(undefined);
    });
    p.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e: unknown) => {
        sub.dispose();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * A request handler, guarded (a failure answers `fallback`) and cancellable: a request cancelled
 * before it starts is not run, and one cancelled before its answer is sent gets RequestCancelled
 * (-32800), as LSP asks, whatever it computed.
 */
function guardAsync<A extends unknown[], R>(fallback: R, fn: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  return async (...a: A) => {
    const token = tokenOf(a);
    if (token?.isCancellationRequested) throw cancelled();
    let r: R;
    try {
      r = await fn(...a);
    } catch (e) {
      if (token?.isCancellationRequested) throw cancelled();
      // An answer on purpose (a rename refused, and why): the client shows it.
      if (e instanceof ResponseError) throw e;
      connection.console.error(`vpci language server: ${failure(e)}`);
      return fallback;
    }
    if (token?.isCancellationRequested) throw cancelled();
    return r;
  };
}

function guard<A extends unknown[], R>(fallback: R, fn: (...a: A) => R): (...a: A) => R {
  return (...a: A) => {
    try {
      return fn(...a);
    } catch (e) {
      connection.console.error(`vpci language server: ${failure(e)}`);
      return fallback;
    }
  };
}

connection.onInitialize((params): InitializeResult => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- required by LSP, but a client may leave it out: then it has none
  snippetSupport = params.capabilities?.textDocument?.completion?.completionItem?.snippetSupport === true;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  insertReplaceSupport = params.capabilities?.textDocument?.completion?.completionItem?.insertReplaceSupport === true;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  prepareRenameSupport = params.capabilities?.textDocument?.rename?.prepareSupport === true;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  definitionLinkSupport = params.capabilities?.textDocument?.definition?.linkSupport === true;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  documentChangesSupport = params.capabilities?.workspace?.workspaceEdit?.documentChanges === true;
  forms = clientForms(params.capabilities);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  hoverForm = textForm(params.capabilities?.textDocument?.hover?.contentFormat);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  documentationForm = textForm(params.capabilities?.textDocument?.completion?.completionItem?.documentationFormat);
  // Our own extension names VS Code's command (extension/language-client.ts); other clients name theirs, or none.
  const options: unknown = params.initializationOptions;
  const retrigger = typeof options === 'object' && options !== null ? (options as Record<string, unknown>)['retriggerCompletionCommand'] : undefined;
  retriggerCommand = typeof retrigger === 'string' && retrigger ? retrigger : undefined;
  // The workspace folders; a client with none to name (null, or an older client) may still give its root.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- rootUri and rootPath are what such a client sends
  const root = params.rootUri ? pathOf(params.rootUri) : (params.rootPath ?? undefined);
  workspaceRoots = params.workspaceFolders?.length ? folderPaths(params.workspaceFolders) : root ? [root] : [];
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  const watch = params.capabilities?.workspace?.didChangeWatchedFiles;
  watchRegistration = watch?.dynamicRegistration === true;
  relativePatterns = watch?.relativePatternSupport === true;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
  const limit: unknown = params.capabilities?.textDocument?.foldingRange?.rangeLimit;
  foldingLimit = typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0 ? limit : undefined;
  // Our own handler for folder changes, set after the library's (it sets one in initialize when the
  // client declares workspace.workspaceFolders, and passes changes on only to listeners added later,
  // in `initialized`): changes count from now on, whether the client declared them or sends
  // `initialized` at all. The capabilities below say changes are taken, so nothing is registered.
  connection.onNotification(
    DidChangeWorkspaceFoldersNotification.type,
    guard(undefined, (p: DidChangeWorkspaceFoldersParams) => onFoldersChanged(p.event)),
  );
  return {
    capabilities: {
      // Said, not negotiated: columns are UTF-16 code units everywhere (the lexer counts them so), which
      // LSP 3.17 lets a server pick whatever general.positionEncodings offers.
      positionEncoding: 'utf-16',
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      completionProvider: { triggerCharacters: [' ', '/'] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      // RenameOptions only to a client that said it sends prepareRename (LSP 3.17, ServerCapabilities.renameProvider).
      renameProvider: prepareRenameSupport ? { prepareProvider: true } : true,
      documentLinkProvider: { resolveProvider: false },
      documentSymbolProvider: true,
      semanticTokensProvider: { legend: LEGEND, full: { delta: true }, range: true },
      documentFormattingProvider: true,
      foldingRangeProvider: true,
      // CodeActionOptions only to a client that takes CodeAction literals (LSP 3.17, ServerCapabilities.codeActionProvider).
      codeActionProvider: forms.codeActionLiterals ? { codeActionKinds: ['quickfix'] } : true,
      // Without this, VS Code never says when a folder is added or removed.
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'vpci-language-server', version: '0.1.0' },
  };
});

/** The paths of workspace folders (file: URIs only: dumps are read from disk). */
function folderPaths(folders: readonly { uri: string }[]): string[] {
  return folders.map((f) => pathOf(f.uri)).filter((p): p is string => !!p);
}

// A folder added or removed changes where dump files may be read from: the roots follow, and every
// open document is checked again (a dump that was outside may now be inside, or the other way).
// Taken from `initialize` on (see onInitialize), not from `initialized`: a change sent before that
// notification, or by a client that never sends it, was lost, and the roots stayed as they were.
function onFoldersChanged(e: WorkspaceFoldersChangeEvent): void {
  const removed = new Set(folderPaths(e.removed));
  workspaceRoots = [...workspaceRoots.filter((r) => !removed.has(r)), ...folderPaths(e.added).filter((r) => !workspaceRoots.includes(r))];
  scheduler.refreshAll();
}

// Opened (the library reports an open as a change too): analysed at once; edited: after a quiet
// moment (the scheduler drops what a later edit overtakes).
documents.onDidChangeContent(
  guard(undefined, (e) => {
    const doc = e.document;
    // Larger than the CLI and the debugger would read: said once, not analysed.
    if (doc.length > SCENARIO_LIMIT) {
      scheduler.close(doc.uri);
      notChecked(
        doc,
        'scenario-too-large',
        `this scenario is ${bytesText(doc.length)} long; scenarios are limited to ${bytesText(SCENARIO_LIMIT)} (the command line and the debugger refuse it too), so it is not checked`,
      );
      return;
    }
    scheduler.update(doc.uri, doc.version, () => doc.textForAnalysis(), scheduler.has(doc.uri) ? debounceMs(doc.lineCount) : 0);
  }),
);

// A file changed on disk (the client watches *.vpci and *.lspci, and the files read where it lets
// the server register watchers: FileWatches): the open scenarios whose last analysis read it are checked again, and no other (saving a scenario changes no other document's result).
connection.onDidChangeWatchedFiles(
  guard(undefined, (p) => {
    const changed = new Set(p.changes.map((c) => pathOf(c.uri)).filter((x): x is string => !!x));
    for (const [uri, read] of filesRead) if ([...read].some((f) => changed.has(f))) scheduler.refresh(uri);
  }),
);

documents.onDidClose(
  guard(undefined, (e) => {
    scheduler.close(e.document.uri);
    filesRead.delete(e.document.uri);
    watches.soon();
    tokenResults.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }),
);

/** The scenario's names completion offers (bus names, functions, event times, vectors, CPUs), as an analysis packs them. */
type CompletionFacts = Pick<DocAnalysis['packed'], 'busNames' | 'functions' | 'times' | 'vectors'> & { machine?: DocAnalysis['packed']['machine'] };

/**
 * Completion at `at` with no analysis yet (a large scenario's first takes seconds), where what is offered
 * does not depend on the scenario's names (a keyword, a device, a host profile): what the first analysis
 * would give; undefined where completion reads a name, or the statement's start is too far back to read.
 */
function completionWithoutNames(doc: LineDocument, at: Position): ReturnType<typeof completionItemsFor> | undefined {
  const w = statementWindow(doc, at.line, undefined);
  if (w.firstLine > 0 && !STATEMENT_START.test(lineOf(doc, w.firstLine))) return undefined;
  // Every read of the names is seen: where none is made, the answer does not depend on them.
  const names = { read: false };
  const watched = <T extends object>(x: T): T =>
    new Proxy(x, {
      get: (t, k, r) => {
        names.read = true;
        return Reflect.get(t, k, r) as unknown;
      },
    });
  const items = completionAt(doc, at, w, {
    busNames: watched([]),
    functions: watched([]),
    times: watched([]),
    vectors: watched({}),
    machine: watched({ cpus: 0, host: '', guest: '' }),
  });
  return names.read ? undefined : items;
}

/** What completion offers at `at`, in the statement window `w`, with the scenario's names `facts`. */
function completionAt(doc: LineDocument, at: Position, w: ReturnType<typeof statementWindow>, facts: CompletionFacts): ReturnType<typeof completionItemsFor> {
  const position = { line: at.line - w.firstLine, character: at.character };
  const items = complete({
    text: w.text,
    position,
    ctx: scenarioContext(),
    ...facts,
    snippets: snippetSupport,
    insertReplace: insertReplaceSupport,
    retrigger: retriggerCommand,
    documentation: documentationForm,
    documentLine: at.line,
    startBlock: w.startBlock,
  });
  return completionItemsFor(items, forms);
}

connection.onCompletion(
  guardAsync([], async (p, token) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    // Clamped to the document as LSP says: a client may send any line and character.
    const early = scheduler.last(doc.uri) ? undefined : completionWithoutNames(doc, doc.clamp(p.position));
    if (early) return early;
    // The names of the last analysis (bus names change rarely); the context from the current text.
    const a = scheduler.last(doc.uri) ?? (await unlessCancelled(scheduler.lastOrNext(doc.uri), token));
    if (token.isCancellationRequested) return [];
    const at = doc.clamp(p.position);
    return completionAt(doc, at, statementWindow(doc, at.line, a), {
      busNames: a?.packed.busNames ?? [],
      functions: a?.packed.functions ?? [],
      times: a?.packed.times ?? [],
      vectors: a?.packed.vectors ?? {},
      ...(a ? { machine: a.packed.machine } : {}),
    });
  }),
);

/** Where the word around character `ch` of line `src` starts and ends. */
function wordAt(src: string, ch: number): [number, number] {
  let s = ch;
  let e = ch;
  while (s > 0 && /[A-Za-z0-9_-]/.test(src[s - 1]!)) s--;
  while (e < src.length && /[A-Za-z0-9_-]/.test(src[e]!)) e++;
  return [s, e];
}

/**
 * The hover at `at` from analysis `a` (undefined: none, or none for this line as it reads now), or
 * with `wordsOnly` the hover of a word the text alone explains (a keyword, a catalog name), if any.
 */
function hoverAt(doc: LineDocument, at: Position, a: NameIndex | undefined, wordsOnly = false): Hover | null {
  const n = a?.nameAt(at.line + 1, at.character + 1);
  const src = lineOf(doc, at.line);
  const [s, e] = wordAt(src, at.character);
  // Inside a comment there is nothing to explain. Only a `#` at or before the cursor can start one,
  // and only the text up to it is read, character by character: a long line is not tokenized at every hover.
  if (commentBefore(src, at.character + 1)) return null;
  const value = n || wordsOnly ? undefined : valueAt(src, at.character, a?.files ?? [], at.line);
  if (value) return { contents: markup(value.md, hoverForm), range: value.range };
  const word = e > s ? src.slice(s, e) : undefined;
  // Only the occurrences of the name hovered are needed (a bus's declaration and references).
  const md = hoverMarkdown(n, word, scenarioContext(), n && a ? a.named(n.name) : [], word === undefined ? undefined : statementBefore(src, s));
  if (!md) return null;
  const range = n
    ? { start: { line: n.loc.line - 1, character: n.loc.col - 1 }, end: { line: n.loc.endLine - 1, character: n.loc.endCol - 1 } }
    : { start: { line: at.line, character: s }, end: { line: at.line, character: e } };
  return { contents: markup(md, hoverForm), range };
}

connection.onHover(
  guardAsync(null, async (p, token) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    // Clamped first: the word is found by stepping from the cursor, one character at a time, so an
    // unbounded character (1e8, 2^31) would be as many steps with every other request waiting.
    const at = doc.clamp(p.position);
    // Inside a comment there is nothing to explain, whatever an analysis says.
    if (commentBefore(lineOf(doc, at.line), at.character + 1)) return null;
    const last = scheduler.last(doc.uri);
    const held = last && heldAt(last, doc, at);
    if (held) return hoverAt(doc, at, held);
    // No analysis holds for this line (none yet: a large scenario's first takes seconds; lines added since
    // the last): a word the text alone explains, or a bus's or a function's name read from the lines that name
    // its bus (nameByText), is answered at once; anything else waits for the first analysis, and where that does not hold either, for the text's.
    const byText = (): Hover | null | undefined => {
      const t = nameByText(doc, at, true, last);
      return t && hoverAt(doc, at, t.a);
    };
    const early = hoverAt(doc, at, undefined, true) ?? byText();
    if (early !== undefined) return early;
    const a = last ?? (await unlessCancelled(scheduler.lastOrNext(doc.uri), token));
    if (token.isCancellationRequested) return null;
    const from = a && heldAt(a, doc, at);
    if (from || !a) return hoverAt(doc, at, from);
    const now = await current(doc.uri, token);
    return now ? hoverAt(doc, doc.clamp(at), now.version === doc.version ? now : undefined) : null;
  }),
);

/**
 * Analysis `a` for a request at `at`: all of it for the text it read; for an earlier text, where it
 * holds for that line and the occurrences of the name there (holdsFor: the line a bus is declared on,
 * its references), or with the one line edited since read again (relinedNow); else undefined.
 */
function heldAt(a: DocAnalysis, doc: LineDocument, at: Position): NameIndex | undefined {
  if (a.version === doc.version) return a;
  const n = a.nameAt(at.line + 1, at.character + 1);
  const lines = [at.line, ...(n ? a.named(n.name).map((x) => x.loc.line - 1) : [])].map((l) => [l, l] as const);
  return holdsFor(a, doc, lines, n?.name.split('/')[0]) ? a : relinedNow(a, doc);
}

/** Lines read back from a function's line to the `bus NAME {` line of its block. */
const BLOCK_BACK = 200;

/**
 * The buses a name at `at` may belong to, as the text reads: the word there (a bus's name), the word
 * before the `/` of a slot there (`nic0/1.0`), and the bus whose `bus NAME {` block the line is in.
 */
function busWordsAt(doc: LineDocument, at: Position): string[] {
  const src = lineOf(doc, at.line);
  const [s, e] = wordAt(src, at.character);
  const out = [src.slice(s, e)];
  // Read back a little only: a line may be a megabyte long.
  const slot = /([A-Za-z0-9_-]+)"?[ \t]*\/[ \t]*[0-9.]*$/.exec(src.slice(Math.max(0, s - 200), s));
  if (slot) out.push(slot[1]!);
  for (let l = at.line, k = 0; l >= 0 && k < BLOCK_BACK; l--, k++) {
    // Its first two tokens, not all of them.
    const toks = tokensOf(lineOf(doc, l));
    const next = (): Token | undefined => {
      for (let t = toks.next(); !t.done; t = toks.next()) if (t.value.kind !== 'comment') return t.value;
      return undefined;
    };
    const first = next();
    const second = next();
    if (first?.kind !== 'word' || !(TOP_KEYWORDS as readonly string[]).includes(first.text)) continue;
    if (first.text === 'bus' && (second?.kind === 'word' || second?.kind === 'string')) out.push(second.kind === 'word' ? second.text : String(second.value));
    break;
  }
  return [...new Set(out.filter((w) => w))];
}

/**
 * The name at `at` and every occurrence of it, from the lines of the text that name a bus it may
 * belong to (busWordsAt), each read alone, with the bus's blocks where it must be (a function's
 * declaration; language/text-names.ts), where no analysis holds: what the analysis would find, or
 * undefined when the text alone does not say. Only where the line of `at` was read: a name of that bus
 * (all of its occurrences are on those lines), none, or with `anyName` (a hover: it needs no other
 * occurrence of a device or a message) any name.
 */
function nameByText(
  doc: LineDocument,
  at: Position,
  anyName: boolean,
  last: DocAnalysis | undefined,
): { a: NameIndex; n: NameOccurrence | undefined } | undefined {
  const line = (l: number): string => lineOf(doc, l);
  for (const bus of busWordsAt(doc, at)) {
    for (const blocks of [false, true]) {
      const r = readByText(doc, line, bus, blocks, last);
      if (!r?.lines.has(at.line)) continue;
      const n = nameAt(r.names, at.line + 1, at.character + 1);
      const ofBus = n && ['bus-decl', 'bus-ref', 'fn-decl', 'fn-ref'].includes(n.kind);
      // A function's declaration may be in a block of its bus (read with blocks).
      if (ofBus && (n.name.split('/')[0] !== bus || (!blocks && n.kind.startsWith('fn-')))) continue;
      if (n && !ofBus && !anyName) continue;
      const { names } = r;
      return { a: { uri: doc.uri, files: [], nameAt: (l, c) => nameAt(names, l, c), named: (x) => names.filter((y) => y.name === x) }, n };
    }
  }
  return undefined;
}

/**
 * Whether what the last analysis says of the lines `lines` (0-based, first and last of each span) holds for the text as it stands:
 * no line was added or removed since the text it read, each of those lines reads as it did, and no
 * edited line holds `word`, nor held it (where an occurrence of a name would have come or gone). Then requests that point elsewhere in
 * the document are answered from it at once, not after the analysis of a large scenario (seconds for
 * 1 MB) each time a key is typed.
 */
function holdsFor(a: DocAnalysis, doc: LineDocument, lines: Iterable<readonly [number, number]>, word?: string): boolean {
  const edited = doc.editedSince(a.version);
  // Many lines edited (a paste): not worth reading them all to save a wait.
  if (!edited || edited.hi - edited.lo > 1000) return false;
  const same = (l: number): boolean => a.line(l + 1) === lineOf(doc, l);
  for (const [first, last] of lines) {
    if (first > edited.hi || last < edited.lo) continue;
    // An edited line that reads as it did (an edit undone, a character typed and deleted) still holds.
    for (let l = Math.max(first, edited.lo); l <= Math.min(last, edited.hi); l++) if (!same(l)) return false;
  }
  // Nor where it stood before (the bus block a function line is in, renamed).
  if (word !== undefined)
    for (let l = edited.lo; l <= edited.hi; l++) if (!same(l) && (lineOf(doc, l).includes(word) || a.line(l + 1).includes(word))) return false;
  return true;
}

/**
 * The last analysis's names with the one line that reads otherwise since read as it stands now
 * (language/relined.ts); undefined when more lines do, or when that is not known without a new analysis.
 */
function relinedNow(a: DocAnalysis, doc: LineDocument): NameIndex | undefined {
  const edited = doc.editedSince(a.version);
  if (!edited || edited.hi - edited.lo > 1000) return undefined;
  let line: number | undefined;
  for (let l = edited.lo; l <= edited.hi; l++) {
    if (a.line(l + 1) === lineOf(doc, l)) continue;
    if (line !== undefined) return undefined;
    line = l;
  }
  return line === undefined ? a : relined(a, line, (l) => lineOf(doc, l), doc.lineCount);
}

// Definition, references and highlights point elsewhere in the document: from the analysis of the
// current text, or the last one where it still holds for the name's lines (holdsFor), or with the one
// line edited since read again (relinedNow).
/** The analysis the answer comes from, the request's position clamped to the text, and the name there (if any). */
async function under(
  p: { textDocument: { uri: string }; position: Position },
  token: CancellationToken,
): Promise<{ a: NameIndex; at: Position; n: NameOccurrence | undefined } | undefined> {
  const uri = p.textDocument.uri;
  const last = scheduler.last(uri);
  const now = documents.get(uri);
  if (now && last?.version !== now.version) {
    const at = now.clamp(p.position);
    const r = last && heldAt(last, now, at);
    if (r) return { a: r, at, n: r.nameAt(at.line + 1, at.character + 1) };
    // None holds there (none yet: a large scenario's first takes seconds): a bus's or a function's name read from the text, as a hover's.
    const t = nameByText(now, at, false, last);
    if (t) return { ...t, at };
  }
  const a = await current(uri, token);
  const doc = documents.get(uri);
  if (!a || !doc) return undefined;
  const at = doc.clamp(p.position);
  return { a, at, n: a.nameAt(at.line + 1, at.character + 1) };
}

connection.onDefinition(
  guardAsync([], async (p, token) => {
    const u = await under(p, token);
    if (!u) return [];
    // A name: its declaration; a dump file's path: the file.
    return u.n ? definition(u.a.named(u.n.name), u.a.uri, u.at) : fileDefinition(u.a.files, u.at, uriOf, definitionLinkSupport);
  }),
);

connection.onReferences(
  guardAsync([], async (p, token) => {
    const u = await under(p, token);
    return u?.n ? references(u.a.named(u.n.name), u.a.uri, u.at, p.context.includeDeclaration) : [];
  }),
);

connection.onDocumentHighlight(
  guardAsync([], async (p, token) => {
    const u = await under(p, token);
    return u?.n ? highlights(u.n, u.a.named(u.n.name)) : [];
  }),
);

// The dump files the scenario reads, each where its path is written: "Open nic.lspci". A path
// that could not be read is no link (its diagnostic says why).
connection.onDocumentLinks(
  guardAsync([], async (p, token) => {
    const a = await current(p.textDocument.uri, token);
    return (a?.files ?? []).map((f) => ({
      range: insideQuotes(f.loc),
      target: uriOf(f.real),
      ...(forms.linkTooltips ? { tooltip: `Open ${basename(f.real)}` } : {}),
    }));
  }),
);

/** A rename refused, as the answer LSP gives it: an error whose message the editor shows. */
const refusal = (why: string): ResponseError => new ResponseError(LSPErrorCodes.RequestFailed, why);

/** What a rename works on: the analysis of the text as it stands, and the position clamped to it. */
async function renameSubject(
  p: { textDocument: { uri: string }; position: Position },
  token: CancellationToken,
): Promise<{ a: DocAnalysis; at: Position } | undefined> {
  if (!documents.get(p.textDocument.uri)) throw refusal('this document is not open in the vPCI Lab language server');
  const a = await current(p.textDocument.uri, token);
  if (token.isCancellationRequested) return undefined;
  const doc = documents.get(p.textDocument.uri);
  if (!doc) throw refusal('this document was closed');
  // None (a scenario too large to check), or only an earlier version's (its check failed): edits would be computed on another text.
  if (a?.version !== doc.version)
    throw refusal('this scenario has not been checked as it stands (it is too large, or its check failed), so the names in it are not known');
  return { a, at: doc.clamp(p.position) };
}

/** `fn`'s answer, a RenameRefused as the refusal the user reads. */
function orRefused<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RenameRefused) throw refusal(e.message);
    throw e;
  }
}

connection.onPrepareRename(
  guardAsync(null, async (p, token) => {
    const r = await renameSubject(p, token);
    if (!r) return null;
    const t = orRefused(() => renameTarget(r.a, r.at));
    return { range: t.range, placeholder: t.name };
  }),
);

connection.onRenameRequest(
  guardAsync<[RenameParams, CancellationToken], WorkspaceEdit | null>(null, async (p, token) => {
    const r = await renameSubject(p, token);
    if (!r) return null;
    const edits = orRefused(() => renameEdits(r.a, r.at, p.newName));
    // Versioned where the client takes it: edits for a text that has changed since are not applied.
    if (documentChangesSupport) return { documentChanges: [{ textDocument: { uri: r.a.uri, version: r.a.version }, edits }] };
    return { changes: { [r.a.uri]: edits } };
  }),
);

connection.onDocumentSymbol(
  guardAsync([], async (p, token) => {
    const a = await current(p.textDocument.uri, token);
    return a ? symbolsFor(a.uri, a.symbols, forms) : [];
  }),
);

// The ranges come in the order of their first lines: past the client's limit, the first ones in the text.
connection.onFoldingRanges(
  guardAsync([], async (p, token) => {
    const ranges = (await current(p.textDocument.uri, token))?.folding ?? [];
    return foldingLimit !== undefined && ranges.length > foldingLimit ? ranges.slice(0, foldingLimit) : ranges;
  }),
);

// Semantic tokens (language/semantic-results.ts): the whole document, then what changed since the
// result the client holds, and the lines it shows.
const tokenResults = new TokenResults();

connection.languages.semanticTokens.on(
  guardAsync<[SemanticTokensParams, CancellationToken], SemanticTokens>({ data: [] }, async (p, token) => {
    const a = await current(p.textDocument.uri, token);
    if (!a) return { data: [] };
    return { resultId: tokenResults.hold(a.uri, a.packed.tokens), data: a.tokens };
  }),
);

connection.languages.semanticTokens.onDelta(
  // Without an analysis (a document not open, or too large to check): no tokens, as a full answer, so none are left standing.
  guardAsync<[SemanticTokensDeltaParams, CancellationToken], SemanticTokens | SemanticTokensDelta>({ data: [] }, async (p, token) => {
    const a = await current(p.textDocument.uri, token);
    if (!a) return { data: [] };
    const held = tokenResults.held(a.uri, p.previousResultId);
    const resultId = tokenResults.hold(a.uri, a.packed.tokens);
    // A result the client holds but this server no longer does (an earlier one, or one from before a restart): the whole document.
    return held ? { resultId, edits: tokenEdits(held, a.packed.tokens) } : { resultId, data: a.tokens };
  }),
);

connection.languages.semanticTokens.onRange(
  guardAsync<[SemanticTokensRangeParams, CancellationToken], SemanticTokens>({ data: [] }, async (p, token) => {
    // The lines shown, from the last analysis where it holds for them (holdsFor), as a key is typed elsewhere.
    const last = scheduler.last(p.textDocument.uri);
    const now = documents.get(p.textDocument.uri);
    const held = last && now && holdsFor(last, now, [[p.range.start.line, p.range.end.line]]) ? last : undefined;
    const a = held ?? (await current(p.textDocument.uri, token));
    return { data: a ? tokensInRange(a.packed.tokens, p.range) : [] };
  }),
);

connection.onDocumentFormatting(
  guardAsync([] as TextEdit[], async (p, token) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    return formatDocument(
      doc,
      // Cancelled while the formatter runs: no edit, and nothing to tell (the answer is RequestCancelled).
      async (text) => (await unlessCancelled(scheduler.format(text), token)) ?? text,
      (message) => {
        connection.console.error(`vpci language server: ${message}`);
        connection.window.showErrorMessage(message);
      },
    );
  }),
);

/** The analysis of the document as it stands (waits for it), or undefined when it is not open or the request is cancelled meanwhile. */
async function current(uri: string, token?: CancellationToken): Promise<DocAnalysis | undefined> {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  const a = await unlessCancelled(scheduler.current(uri), token);
  return a && documents.get(uri) ? a : undefined;
}

/** The lines (0-based) a code action request is about: its range, the diagnostics it names, and the fixes' edits. */
function actionLines(p: CodeActionParams, actions: readonly CodeAction[]): [number, number][] {
  const span = (r: Range): [number, number] => [r.start.line, r.end.line];
  const out = [span(p.range), ...p.context.diagnostics.map((d) => span(d.range))];
  for (const x of actions) for (const edits of Object.values(x.edit?.changes ?? {})) out.push(...edits.map((e) => span(e.range)));
  return out;
}

// Quick fixes only for diagnostics the analysis of the current text still reports at the same range,
// or the last analysis where it holds for every line they and their edits are on (holdsFor).
connection.onCodeAction(
  guardAsync([], async (p, token) => {
    // A client that takes no CodeAction literals may be sent Commands only, and there are none.
    if (!forms.codeActionLiterals) return [];
    const last = scheduler.last(p.textDocument.uri);
    const now = documents.get(p.textDocument.uri);
    const early = last && now && last.version !== now.version ? codeActions(p, { text: last.text, lspDiagnostics: last.diagnostics }) : undefined;
    const held = early && holdsFor(last!, now!, actionLines(p, early));
    const a = held ? undefined : await current(p.textDocument.uri, token);
    if (!held && !a) return [];
    const actions = early && held ? early : codeActions(p, { text: a!.text, lspDiagnostics: a!.diagnostics });
    if (!forms.preferredActions) for (const x of actions) delete x.isPreferred;
    return actions;
  }),
);

platform().onUncaught((e) => {
  try {
    // One line, as a handler's failure is: a stack is no message for the user.
    connection.console.error(`vpci language server: uncaught ${failure(e, 'the server goes on')}`);
  } catch {
    /* the connection itself is gone */
  }
});

documents.listen(connection);
connection.listen();
