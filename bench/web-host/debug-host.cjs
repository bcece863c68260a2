// The extension host's side of the bench, the same in the browser's worker (worker.js) and in
// Node's (node-host.cjs): activates the extension and times it, then carries DAP messages between
// the client (the page, or the bench's main thread: where VS Code's debug UI lives) and the inline
// adapter the extension's descriptor factory makes, as VS Code does with a
// DebugAdapterInlineImplementation: handleMessage in, onDidSendMessage out.
// Plain JavaScript that runs in both: loaded by importScripts in the browser, required in Node.
'use strict';

(function (root, api) {
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.DebugHost = api;
})(globalThis, {
  /**
   * Times `activate()` (what `evaluate` returns: run the bundle's top level, then activate) and
   * serves debug sessions. `post` sends to the client; the returned function takes what the client sent.
   * Messages: {activate} → {activated: ms, subscriptions}; {launch} → {launched} (a new session
   * from the factory); {dap: m} both ways; {end} → {ended}.
   */
  serve(evaluate, factories, post) {
    let adapter;
    let sub;
    const end = () => {
      sub?.dispose();
      adapter?.dispose();
      adapter = sub = undefined;
    };
    return (msg) => {
      try {
        if (msg.activate) {
          const t0 = performance.now();
          const n = evaluate();
          post({ activated: performance.now() - t0, subscriptions: n });
        } else if (msg.launch) {
          end();
          const factory = factories.get('vpci');
          if (!factory) throw new Error('the extension registered no debug adapter descriptor factory for "vpci"');
          const session = { id: String(msg.launch), type: 'vpci', name: 'bench', configuration: {}, workspaceFolder: undefined };
          const descriptor = factory.createDebugAdapterDescriptor(session, undefined);
          if (!descriptor?.implementation) throw new Error('the descriptor factory made no inline adapter');
          adapter = descriptor.implementation;
          sub = adapter.onDidSendMessage((m) => post({ dap: m }));
          post({ launched: msg.launch });
        } else if (msg.dap) adapter.handleMessage(msg.dap);
        else if (msg.end) {
          end();
          post({ ended: true });
        }
      } catch (e) {
        post({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    };
  },
});
