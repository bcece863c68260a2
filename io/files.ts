// How the adapter, the CLI and the language server reach files: one injected
// interface (as mock-debug's FileAccessor), so the same code can run where
// there is no Node `fs` (a web extension host would implement it over
// `vscode.workspace.fs`; io/node-files.ts is the Node implementation), plus the
// rules every caller shares:
// - only regular files are read (a FIFO, a device or a folder is an error that
//   names the path), and never more than a stated limit, checked before the
//   read and enforced during it;
// - one confinement rule: a file a scenario names must lie inside the
//   scenario's folder or, in the editor, a workspace folder — after every
//   symbolic link is resolved. Paths outside are refused without being opened.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { shown } from '../emulator/format';

/** What went wrong reading a file; each has its own wording and, for dump files, its own diagnostic code. */
export type FileProblem = 'missing' | 'not-a-file' | 'too-large' | 'denied' | 'outside' | 'unreadable';

export class FileError extends Error {
  constructor(
    /** The path as the user wrote it (or as it was given). */
    readonly path: string,
    readonly problem: FileProblem,
    /** One line, without the path: "no such file", "is a FIFO (named pipe), not a file" … */
    readonly reason: string,
  ) {
    super(`${shownPath(path)}: ${reason}`);
  }
}

/** A path for a message: control characters (a NUL, a line break) written as \xNN, so the message stays one line of text. */
export function shownPath(path: string): string {
  return shown(path);
}

/** The largest dump file read (lspci -xxxx text of a whole machine is well under 1 MiB). */
export const DUMP_LIMIT = 16 * 1024 * 1024;
/** The largest scenario read. */
export const SCENARIO_LIMIT = 16 * 1024 * 1024;
/** The largest other file read (pci.ids is 1.3 MiB, a driver listing a few KiB). */
export const DATA_LIMIT = 64 * 1024 * 1024;

/** File access for the adapter and the language server. Every failure rejects with a FileError. */
export interface FileAccess {
  /** The whole content of a regular file of at most `limit` bytes. */
  readFile(path: string, limit: number): Promise<Uint8Array>;
  /** Writes a file, creating the folders on its way. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  /** The absolute path with every symbolic link resolved (FileError 'missing' when nothing is there). */
  realPath(path: string): Promise<string>;
}

/** A synchronous FileAccess, for the Node-only callers that cannot wait (tests, the fuzzers, the bench). */
export interface SyncFileAccess {
  readFileSync(path: string, limit: number): Uint8Array;
  /** Up to `length` bytes of a regular file from byte `start` (fewer at its end). */
  readRangeSync(path: string, start: number, length: number): Uint8Array;
  realPathSync(path: string): string;
}

/** Whether `files` can also read synchronously (Node's can; the editor's workspace.fs cannot). */
export function canReadSync(files: FileAccess): files is FileAccess & SyncFileAccess {
  return typeof (files as Partial<SyncFileAccess>).readFileSync === 'function';
}

/** "16 MiB", "1.5 GiB": sizes in messages about limits. */
export function bytesText(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** Text of a file's bytes: UTF-8, a leading byte-order mark dropped (as editors do). */
export function decodeText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Is `p` (absolute) `root` itself or inside it? `..foo` inside a root is inside. */
export function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  if (rel === '') return true;
  if (isAbsolute(rel)) return false; // another drive (Windows)
  return rel !== '..' && !rel.startsWith('..' + sep);
}

/** Where a scenario's files may come from: its folder, and in the editor the workspace folders. */
export interface Confinement {
  /** Relative paths resolve against this folder (the scenario's). */
  base: string;
  /** The folders files may lie in (the base is always one of them). */
  roots: readonly string[];
  /** How the roots are named in messages ("the scenario's folder", "the scenario's folder or the workspace"). */
  rootsName?: string;
}

export function confinement(scenarioFolder: string, workspaceFolders: readonly string[] = []): Confinement {
  const base = resolve(scenarioFolder);
  const extra = workspaceFolders.map((f) => resolve(f)).filter((f) => f !== base);
  return { base, roots: [base, ...extra], rootsName: extra.length ? "the scenario's folder and the workspace folders" : "the scenario's folder" };
}

function outside(path: string, c: Confinement, via?: string): FileError {
  const where = c.rootsName ?? "the scenario's folder";
  return new FileError(path, 'outside', via ? `resolves (through a symbolic link) to ${via}, outside ${where}` : `is outside ${where} (${c.roots.join(', ')})`);
}

function inAnyRoot(roots: readonly string[], p: string): boolean {
  return roots.some((r) => isInside(r, p));
}

/**
 * The real path of `path` (as written in a scenario) if it is allowed, else a FileError. The
 * written path must lie inside a root, and so must the file it finally resolves to; nothing
 * outside is ever opened.
 */
export async function confine(files: FileAccess, path: string, c: Confinement): Promise<string> {
  const full = resolve(c.base, path);
  if (!inAnyRoot(c.roots, full)) throw outside(path, c);
  const real = await realPathOf(files, full, path);
  const roots = await Promise.all(c.roots.map((r) => files.realPath(r).catch(() => r)));
  if (!inAnyRoot(roots, real) && !inAnyRoot(c.roots, real)) throw outside(path, c, real);
  return real;
}

export function confineSync(files: SyncFileAccess, path: string, c: Confinement): string {
  const full = resolve(c.base, path);
  if (!inAnyRoot(c.roots, full)) throw outside(path, c);
  let real: string;
  try {
    real = files.realPathSync(full);
  } catch (e) {
    throw renamed(e, path);
  }
  const roots = c.roots.map((r) => {
    try {
      return files.realPathSync(r);
    } catch {
      return r;
    }
  });
  if (!inAnyRoot(roots, real) && !inAnyRoot(c.roots, real)) throw outside(path, c, real);
  return real;
}

async function realPathOf(files: FileAccess, full: string, written: string): Promise<string> {
  try {
    return await files.realPath(full);
  } catch (e) {
    throw renamed(e, written);
  }
}

/** The same error, naming the path as the user wrote it. */
function renamed(e: unknown, path: string): FileError {
  if (e instanceof FileError) return new FileError(path, e.problem, e.reason);
  return new FileError(path, 'unreadable', e instanceof Error ? e.message : String(e));
}

/** A file a scenario names as it was read: its bytes, and the file they came from (`real`: confine's path, every symbolic link resolved). */
export interface ConfinedRead {
  real: string;
  bytes: Uint8Array;
}

/** Reads a file a scenario names: confined, a regular file, at most `limit` bytes. Errors name the path as written. */
export async function readConfinedAt(files: FileAccess, path: string, c: Confinement, limit: number): Promise<ConfinedRead> {
  const real = await confine(files, path, c);
  try {
    return { real, bytes: await files.readFile(real, limit) };
  } catch (e) {
    throw renamed(e, path);
  }
}

export function readConfinedSyncAt(files: SyncFileAccess, path: string, c: Confinement, limit: number): ConfinedRead {
  const real = confineSync(files, path, c);
  try {
    return { real, bytes: files.readFileSync(real, limit) };
  } catch (e) {
    throw renamed(e, path);
  }
}

/** readConfinedAt's bytes. */
export async function readConfined(files: FileAccess, path: string, c: Confinement, limit: number): Promise<Uint8Array> {
  return (await readConfinedAt(files, path, c, limit)).bytes;
}

export function readConfinedSync(files: SyncFileAccess, path: string, c: Confinement, limit: number): Uint8Array {
  return readConfinedSyncAt(files, path, c, limit).bytes;
}
