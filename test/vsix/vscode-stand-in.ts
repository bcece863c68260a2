// A small stand-in for the `vscode` module, installed when this file is imported (import it
// before any extension/ module): enough of the API for the extension's Test Explorer code
// (extension/testing.ts) and its webview panels to run in Node — a test controller whose items
// are kept, diagnostics collections, file watchers, document events whose listeners can be
// fired, webview panels that can be closed. Every listener's disposable it hands out is
// recorded (weakly), so a test can tell whether any is kept. Ours; only the names and shapes
// follow @types/vscode.
import Module from 'node:module';
import { resolve } from 'node:path';
import { setHost } from '../../extension/host';
import { nodeFiles } from '../../io/node-files';

type Listener = (e: unknown) => unknown;

/** Every listener's disposable handed out (vscode.Event's return value), weakly. */
export const handedOut: WeakRef<object>[] = [];

/** An event as vscode.Event is: subscribe (the disposable also goes into `disposables`, if given); `fire` calls the listeners. */
export class Emitter {
  readonly listeners = new Set<Listener>();
  readonly event = (l: Listener, thisArg?: unknown, disposables?: { dispose(): void }[]): { dispose(): void } => {
    const bound: Listener = (e) => l.call(thisArg, e);
    this.listeners.add(bound);
    const d = { dispose: () => this.listeners.delete(bound) };
    handedOut.push(new WeakRef(d));
    disposables?.push(d);
    return d;
  };
  fire(e: unknown): void {
    for (const l of [...this.listeners]) l(e);
  }
  /** As VS Code's: its listeners are dropped. */
  dispose(): void {
    this.listeners.clear();
  }
}

/** The webview panels open now. */
export const panels = new Set<{ dispose(): void; webview: { receive(m: unknown): void; posted: unknown[] } }>();

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
  static file(p: string): Uri {
    return new Uri('file', resolve(p));
  }
}

class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}

export interface Item {
  id: string;
  label: string;
  uri?: Uri;
  children: Items;
  range?: Range;
  error?: string;
  description?: string;
}

class Items {
  private readonly m = new Map<string, Item>();
  get size(): number {
    return this.m.size;
  }
  add(i: Item): void {
    this.m.set(i.id, i);
  }
  delete(id: string): void {
    this.m.delete(id);
  }
  get(id: string): Item | undefined {
    return this.m.get(id);
  }
  forEach(f: (i: Item) => void): void {
    this.m.forEach((i) => f(i));
  }
  replace(items: Item[]): void {
    this.m.clear();
    for (const i of items) this.m.set(i.id, i);
  }
}

/** What the test reads back: the watchers made and the document events. */
export const fired = {
  watchers: [] as { create: Emitter; change: Emitter; delete: Emitter }[],
  changeDocument: new Emitter(),
  openDocument: new Emitter(),
  closeDocument: new Emitter(),
};

const disposable = { dispose: () => undefined };

/** A webview panel: its page's messages come through `webview.receive`; closing it fires onDidDispose, then drops its listeners. */
function webviewPanel(viewType: string): { dispose(): void; webview: { receive(m: unknown): void; posted: unknown[] } } {
  const message = new Emitter();
  const disposed = new Emitter();
  const posted: unknown[] = [];
  const panel = {
    viewType,
    webview: {
      html: '',
      cspSource: 'stand-in',
      onDidReceiveMessage: message.event,
      /** What the extension posted to the page, in order. */
      posted,
      postMessage: (m: unknown) => (posted.push(m), Promise.resolve(true)),
      receive: (m: unknown) => message.fire(m),
    },
    onDidDispose: disposed.event,
    reveal: () => undefined,
    dispose: () => {
      if (!panels.delete(panel)) return;
      disposed.fire(undefined);
      message.dispose();
      disposed.dispose();
    },
  };
  panels.add(panel);
  return panel;
}

const vscode = {
  Uri,
  Range,
  EventEmitter: Emitter,
  CodeActionKind: { QuickFix: 'quickfix' },
  TestRunProfileKind: { Run: 1, Debug: 2, Coverage: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  window: {
    tabGroups: { all: [] },
    createWebviewPanel: (viewType: string) => webviewPanel(viewType),
  },
  debug: { activeDebugSession: undefined },
  languages: {
    createDiagnosticCollection: () => {
      const m = new Map<string, unknown>();
      return { set: (u: Uri, d: unknown) => m.set(u.toString(), d), delete: (u: Uri) => m.delete(u.toString()), dispose: () => m.clear() };
    },
    registerCodeActionsProvider: () => disposable,
    getDiagnostics: () => [],
  },
  tests: {
    createTestController: (id: string, label: string) => ({
      id,
      label,
      items: new Items(),
      createTestItem: (itemId: string, itemLabel: string, uri?: Uri): Item => ({ id: itemId, label: itemLabel, uri, children: new Items() }),
      createRunProfile: () => disposable,
      dispose: () => undefined,
    }),
  },
  workspace: {
    textDocuments: [],
    findFiles: () => Promise.resolve([]),
    getWorkspaceFolder: () => undefined,
    asRelativePath: (u: Uri) => u.path,
    createFileSystemWatcher: () => {
      const w = { create: new Emitter(), change: new Emitter(), delete: new Emitter() };
      fired.watchers.push(w);
      return { onDidCreate: w.create.event, onDidChange: w.change.event, onDidDelete: w.delete.event, dispose: () => undefined };
    },
    onDidChangeTextDocument: fired.changeDocument.event,
    onDidOpenTextDocument: fired.openDocument.event,
    onDidCloseTextDocument: fired.closeDocument.event,
  },
};

// `vscode` resolves to this object (the extension host provides the real one).
const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
const resolveFilename = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? 'vscode' : resolveFilename.call(this, request, ...rest);
};
M._cache['vscode'] = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

/** Sets the extension's host to Node's, as extension/node-main.ts does before activation: a Uri's path is the file's path. */
export function setNodeHost(): void {
  setHost({
    kind: 'node',
    files: nodeFiles,
    pathOf: (u) => u.fsPath,
    uriOf: (p) => Uri.file(p) as never,
    inlineAdapter: (s) => s,
    startLanguageClient: () => Promise.resolve({ stop: () => Promise.resolve() }),
    nodeOnly: () => undefined,
  });
}
