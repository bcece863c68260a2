// The language server bundle's entry on Node (dist/server.js). The same file
// runs twice: as the server (over stdio or node-ipc, on Node's platform), and
// inside it as the worker thread that analyses documents (language/runner.ts),
// so the VSIX ships one file.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveAnalyses, type FromWorker, type ToWorker } from './runner';
import { setPlatform } from './platform';
import { nodePlatform } from './node-platform';

if (!isMainThread && parentPort && (workerData as { vpciAnalysis?: unknown } | null)?.vpciAnalysis === true) {
  const port = parentPort;
  serveAnalyses({
    on: (_e, fn) => port.on('message', (m: ToWorker) => fn(m)),
    postMessage: (m: FromWorker, transfer) => port.postMessage(m, transfer),
  });
} else {
  // The platform first: the server takes its connection, file access and runner from it.
  setPlatform(nodePlatform());
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after setPlatform: a static import is hoisted, and server.ts reads the platform as it loads
  require('./server');
}
