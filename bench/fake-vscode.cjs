// A stand-in `vscode` module for timing extension activation outside the editor:
// every member is callable and constructible and returns another stand-in
// (registrations return disposables) — enough for an activate() that registers
// providers, views and commands and starts a language client.
const Module = require('node:module');
const path = require('node:path');
const { fake } = require('./web-host/stand-in.cjs');
// esbuild's ESM interop copies the module's own property names, so the top level lists the
// namespaces and classes the bundle uses.
const NAMES = [
  'commands',
  'debug',
  'languages',
  'window',
  'workspace',
  'env',
  'extensions',
  'Uri',
  'EventEmitter',
  'Disposable',
  'TreeItem',
  'TreeItemCollapsibleState',
  'ThemeIcon',
  'ThemeColor',
  'ViewColumn',
  'FileType',
  'Diagnostic',
  'DiagnosticSeverity',
  'CodeAction',
  'Range',
  'Position',
  'Location',
  'DebugAdapterExecutable',
  'DebugAdapterInlineImplementation',
  'DebugAdapterServer',
  'DebugConfigurationProviderTriggerKind',
  'NotebookCellKind',
  'ProgressLocation',
  'StatusBarAlignment',
  'RelativePattern',
  'MarkdownString',
  'CancellationTokenSource',
  'CompletionItemKind',
  'SymbolKind',
  'SemanticTokensLegend',
];
// Every member name the bundle reads from its vscode import.
const text = require('node:fs').readFileSync(path.resolve(__dirname, '..', 'dist', 'extension.js'), 'utf8');
for (const m of text.matchAll(/\b(?:code|vscode\w*)\.([A-Za-z_]\w*)/g)) NAMES.push(m[1]);
// And every value the API declares at its top level, as the real module has them (the interop
// copies each one: the browser stand-in, bench/web-host/vscode-web.js, lists the same).
const dts = path.resolve(__dirname, '..', 'node_modules', '@types', 'vscode', 'index.d.ts');
for (const m of require('node:fs')
  .readFileSync(dts, 'utf8')
  .matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm))
  NAMES.push(m[1]);
const top = {};
for (const n of NAMES) top[n] = fake();
// The debug adapter descriptor factories activate() registers, by debug type, and the inline
// implementation they return, real: bench/web-host/node-host.cjs asks the factory for sessions.
const debugFactories = new Map();
top.debug = new Proxy(
  {
    registerDebugAdapterDescriptorFactory(type, factory) {
      debugFactories.set(type, factory);
      return { dispose: () => debugFactories.delete(type) };
    },
  },
  { get: (t, p) => (p in t ? t[p] : p === 'then' ? undefined : fake()) },
);
top.DebugAdapterInlineImplementation = function DebugAdapterInlineImplementation(implementation) {
  this.implementation = implementation;
};
// Bundled libraries (vscode-languageclient) read other members, and extend its classes, directly.
const vscode = new Proxy(top, { get: (t, p) => (p in t ? t[p] : p === 'then' || p === '__esModule' ? undefined : (t[p] = fake())) });
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode';
  return resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
top.version = '1.91.0';

/** Loads `bundle` afresh (as on a new activation) and calls its activate(). */
function activateFresh(bundle) {
  delete require.cache[bundle];
  const ext = require(bundle);
  const root = path.resolve(path.dirname(bundle), '..');
  const context = {
    subscriptions: [],
    extensionPath: root,
    extensionUri: vscode.Uri.file(root),
    asAbsolutePath: (p) => path.join(root, p),
    globalState: fake(),
    workspaceState: fake(),
    environmentVariableCollection: fake(),
    logUri: fake(),
  };
  if (typeof ext.activate === 'function') ext.activate(context);
  return context.subscriptions.length;
}

module.exports = { activateFresh, debugFactories };
