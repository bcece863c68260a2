// The language server on Node: LSP over stdio or the extension's IPC channel,
// Node's file system (io/node-files.ts), and analyses on a worker thread that
// runs this same bundle (language/main.ts), or in-process when none can start.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { nodeFiles } from '../io/node-files';
import { InProcessRunner, WorkerRunner } from './runner';
import type { LanguagePlatform } from './platform';

export function nodePlatform(): LanguagePlatform {
  return {
    connection: createConnection(ProposedFeatures.all),
    files: nodeFiles,
    pathOf: (uri) => {
      if (!uri.startsWith('file:')) return undefined;
      try {
        return fileURLToPath(uri);
      } catch {
        return undefined;
      }
    },
    runner: (onBroken) => {
      // Run from the sources (no bundle to start as a worker): in-process.
      if (!__filename.endsWith('.js')) return new InProcessRunner();
      return new WorkerRunner(() => new Worker(__filename, { workerData: { vpciAnalysis: true } }), onBroken);
    },
    onUncaught: (fn) => process.on('uncaughtException', fn),
  };
}
