// FileAccess (io/files.ts) over the editor's file system, `vscode.workspace.fs`,
// for the web worker extension host (VS Code for the Web), where there is no
// Node `fs`: scenarios, dumps, the bundled listings and pci.ids are all read
// through it, by the paths io/uri-paths.ts gives their URIs. It only reads:
// the listings and pci.ids ship in the extension and are read from there, so
// nothing needs writing, and a write is refused with a FileError that says so.
// Symbolic links: workspace.fs resolves them when reading but does not tell
// where they lead, so realPath is the path itself once something is there —
// the confinement check then judges the path as written.
import * as vscode from 'vscode';
import { normalize } from '../../io/web/path';
import { FileError, bytesText, type FileAccess } from '../../io/files';

function fileErrorOf(path: string, e: unknown): FileError {
  if (e instanceof FileError) return e;
  const code = e instanceof vscode.FileSystemError ? e.code : '';
  if (code === 'FileNotFound' || code === 'EntryNotFound') return new FileError(path, 'missing', 'no such file');
  if (code === 'FileIsADirectory' || code === 'EntryIsADirectory') return new FileError(path, 'not-a-file', 'is a folder, not a file');
  if (code === 'NoPermissions') return new FileError(path, 'denied', 'permission denied');
  return new FileError(path, 'unreadable', e instanceof Error ? e.message : String(e));
}

function tooLarge(path: string, size: number, limit: number): FileError {
  return new FileError(path, 'too-large', `is ${bytesText(size)} (${size} bytes); files read here are limited to ${bytesText(limit)}`);
}

/** What workspace.fs says of `uri`; a FileError naming `path` when it cannot say. */
async function statOf(uri: vscode.Uri, path: string): Promise<vscode.FileStat> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch (e) {
    throw fileErrorOf(path, e);
  }
}

/**
 * A file's bytes through `vscode.workspace.fs`, read only when it is a file (not a folder, a FIFO
 * or a device, which would never end) of at most `limit` bytes; a FileError naming `path` otherwise.
 */
export async function readWorkspaceFile(uri: vscode.Uri, path: string, limit: number): Promise<Uint8Array> {
  const st = await statOf(uri, path);
  // Not read at all unless it is a file (a folder's "content" is an error anyway).
  if (!(st.type & vscode.FileType.File))
    throw new FileError(path, 'not-a-file', st.type & vscode.FileType.Directory ? 'is a folder, not a file' : 'is not a regular file');
  if (st.size > limit) throw tooLarge(path, st.size, limit);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    throw fileErrorOf(path, e);
  }
  // It may have grown between the stat and the read.
  if (bytes.length > limit) throw tooLarge(path, bytes.length, limit);
  return bytes;
}

export class WorkspaceFiles implements FileAccess {
  constructor(private readonly uriOf: (path: string) => vscode.Uri) {}

  readFile(path: string, limit: number): Promise<Uint8Array> {
    return readWorkspaceFile(this.uriOf(path), path, limit);
  }

  async writeFile(path: string): Promise<void> {
    throw new FileError(path, 'denied', 'is not written: in VS Code for the Web vPCI Lab writes no files');
  }

  async realPath(path: string): Promise<string> {
    await statOf(this.uriOf(path), path);
    return normalize(path);
  }
}
