// The catch-all of both `vscode` stand-ins (bench/fake-vscode.cjs in Node, vscode-web.js in the
// browser's worker): a value every member of which is callable and constructible and returns
// another such value (registrations return disposables), so an activate() that only registers
// runs. Plain JavaScript that runs in both: loaded by importScripts in the browser, required in Node.
'use strict';

(function (root, api) {
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.StandIn = api;
})(globalThis, {
  fake: function fake() {
    const fn = function () {};
    return new Proxy(fn, {
      get(_t, p) {
        if (p === 'then') return undefined;
        if (p === Symbol.toPrimitive) return () => 0;
        if (p === 'dispose') return () => {};
        return fake();
      },
      apply() {
        return fake();
      },
      construct() {
        return fake();
      },
    });
  },
});
