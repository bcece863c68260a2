// What the language server needs from the platform it runs on, set by its entry
// before the server starts: the LSP connection, file access (io/files.ts), how
// a file: URI becomes a path, and where analyses run. language/node-platform.ts
// is Node's (stdio/IPC, node:fs, a worker thread); a web host (VS Code for the
// Web) would give a browser connection, the editor's file system and an
// in-process runner, and run the same server.
import type { Connection } from 'vscode-languageserver';
import type { FileAccess } from '../io/files';
import type { Runner } from './runner';

export interface LanguagePlatform {
  connection: Connection;
  files: FileAccess;
  /** The file-system path of a file: URI; undefined for other schemes (untitled documents…). */
  pathOf: (uri: string) => string | undefined;
  /** The URI of a path pathOf gave (its inverse). */
  uriOf: (path: string) => string;
  /** Where analyses run; `onBroken` is called if that stops working (the server then analyses in-process). */
  runner(onBroken: (e: Error) => void): Runner;
  /** Calls `fn` with what was thrown and caught by no one (Node: uncaughtException; a worker: its error events). */
  onUncaught(fn: (e: unknown) => void): void;
}

let current: LanguagePlatform | undefined;

export function setPlatform(p: LanguagePlatform): void {
  current = p;
}

export function platform(): LanguagePlatform {
  if (!current) throw new Error('language server: no platform set (the entry sets one before starting the server)');
  return current;
}
