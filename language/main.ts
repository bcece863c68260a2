// The language server bundle's entry (dist/server.js). The same file runs twice:
// as the server (over stdio or node-ipc), and inside it as the worker thread
// that analyses documents (language/runner.ts), so the VSIX ships one file.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveAnalyses, type FromWorker, type ToWorker } from './runner';

if (!isMainThread && parentPort && (workerData as { vpciAnalysis?: unknown } | null)?.vpciAnalysis === true) {
  const port = parentPort;
  serveAnalyses({
    on: (_e, fn) => port.on('message', (m: ToWorker) => fn(m)),
    postMessage: (m: FromWorker, transfer) => port.postMessage(m, transfer),
  });
} else {
  require('./server');
}
