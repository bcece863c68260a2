// The bench's web worker extension host: a dedicated Web Worker, as VS Code for the Web runs
// extensions in one, that loads dist/web/extension.js the way VS Code's web worker host loads an
// extension's `browser` entry (microsoft/vscode, src/vs/workbench/api/worker/
// extHostExtensionService.ts, _loadCommonJSModule: fetch the script, wrap its text in
// `new Function('module', 'exports', 'require', …)` with a sourceURL, call it with a `require` that
// knows only the API module) and hands it the stand-in `vscode` of vscode-web.js. The first
// message is {init}: where the page server is, the extension's and the workspace's folder, the
// API's top-level names. Then debug-host.cjs serves {activate}, {launch}, {dap}, {end}.
/* global self, importScripts */
'use strict';

importScripts('stand-in.cjs', 'vscode-web.js', 'debug-host.cjs');

let handle;
self.onmessage = async (e) => {
  if (handle) return handle(e.data);
  try {
    const { origin, authority, root, names } = e.data.init;
    const post = (m) => self.postMessage(m);
    const { vscode, factories, folderUri, fake } = self.vscodeStandIn({ origin, authority, folder: root, names });
    const bundle = `${origin}/fs${root}/dist/web/extension.js`;
    const response = await fetch(bundle);
    if (response.status !== 200) throw new Error(`${bundle}: ${response.status} ${response.statusText}`);
    const source = await response.text();
    const evaluate = () => {
      const initFn = new Function('module', 'exports', 'require', `${source}\n//# sourceURL=${bundle}#vscode-extension`);
      const exports = {};
      const module = { exports };
      initFn(module, exports, (request) => {
        if (request === 'vscode') return vscode;
        throw new Error(`Cannot load module '${request}'`);
      });
      const ext = module.exports !== exports ? module.exports : exports;
      const context = {
        subscriptions: [],
        extensionUri: folderUri,
        extensionPath: root,
        asAbsolutePath: (p) => `${root}/${p}`,
        globalState: fake(),
        workspaceState: fake(),
        secrets: fake(),
        environmentVariableCollection: fake(),
        storageUri: undefined,
        globalStorageUri: fake(),
        logUri: fake(),
        extension: fake(),
      };
      ext.activate(context);
      return context.subscriptions.length;
    };
    handle = self.DebugHost.serve(evaluate, factories, post);
    post({ ready: true });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
};
