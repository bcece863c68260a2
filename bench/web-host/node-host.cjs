// The Node side of the web figures (bench/web.ts): the Node extension host's part, in a
// worker_threads worker so that, as in the browser, every activation is in a fresh V8 isolate and
// the client's messages cross a thread. Loads dist/extension.js (workerData.bundle) with
// bench/fake-vscode.cjs's stand-in `vscode`, the way Node's host loads an extension (require), and
// serves debug-host.cjs's messages; its files are Node's own (io/node-files.ts).
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fake = require('../fake-vscode.cjs');
const { serve } = require('./debug-host.cjs');

// The language client's complaint that no real editor is there would be noise.
console.error = () => {};
const handle = serve(
  () => fake.activateFresh(workerData.bundle),
  fake.debugFactories,
  (m) => parentPort.postMessage(m),
);
parentPort.on('message', handle);
parentPort.postMessage({ ready: true });
