// The files a scenario names, read under the shared rules (io/files.ts) for the
// staged loader (emulator/scenario/staged.ts): each dump is read once, and each
// failure becomes the checker's diagnostic for it — `dump-missing`,
// `dump-outside` (outside the scenario's folder), `dump-unreadable` (a folder,
// a FIFO, a device, too large, no permission). A dump read keeps the file it was
// read from (every symbolic link resolved): the language server links its path there.
import type { FileRead } from '../emulator/scenario/staged';
import type { DumpReadFailure } from '../emulator/scenario/context';
import { DUMP_LIMIT, FileError, readConfinedAt, readConfinedSyncAt, type Confinement, type FileAccess, type SyncFileAccess } from './files';

export function dumpFailure(path: string, e: unknown): DumpReadFailure {
  if (!(e instanceof FileError)) return { code: 'dump-unreadable', message: `cannot read dump file '${path}': ${e instanceof Error ? e.message : String(e)}` };
  switch (e.problem) {
    case 'missing':
      return { code: 'dump-missing', message: `cannot read dump file '${path}': ${e.reason}` };
    case 'outside':
      return { code: 'dump-outside', message: `dump file '${path}' ${e.reason}` };
    default:
      return { code: 'dump-unreadable', message: `cannot read dump file '${path}': ${e.reason}` };
  }
}

/**
 * A dump path that names no file whatever is on disk: an empty one (it would resolve to the
 * scenario's own folder) or one ending in a separator (resolving drops it, and the file without
 * it would be read, where a system call refuses with ENOTDIR).
 */
function namesNoFile(path: string): DumpReadFailure | undefined {
  if (path.trim() === '') return { code: 'dump-missing', message: 'an empty dump path: which file?' };
  if (/[/\\]$/.test(path))
    return { code: 'dump-unreadable', message: `cannot read dump file '${path}': it ends in '${path.slice(-1)}', so it names a folder, not a file` };
  return undefined;
}

/**
 * Why a document that is no file in a folder (an untitled editor, a virtual file system's document
 * where there is no way to its files) cannot have its dumps read: no folder to find them in.
 * `uri` is the document's.
 */
export function noFolderFailure(uri: string, path: string): DumpReadFailure {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  const why =
    scheme === 'untitled'
      ? 'this scenario is not saved, so it has no folder to find the dump in: save it (next to the dump) first'
      : `this scenario is not a file in a folder on disk (${scheme ?? 'no'}: URI), so it has no folder to find the dump in: open it from a folder`;
  return { code: 'dump-no-folder', message: `cannot read dump file '${path}': ${why}` };
}

export async function readDumps(files: FileAccess, paths: readonly string[], c: Confinement): Promise<Map<string, FileRead>> {
  const out = new Map<string, FileRead>();
  for (const p of paths) {
    const no = namesNoFile(p);
    if (no) {
      out.set(p, no);
      continue;
    }
    try {
      out.set(p, await readConfinedAt(files, p, c, DUMP_LIMIT));
    } catch (e) {
      out.set(p, dumpFailure(p, e));
    }
  }
  return out;
}

export function readDumpsSync(files: SyncFileAccess, paths: readonly string[], c: Confinement): Map<string, FileRead> {
  const out = new Map<string, FileRead>();
  for (const p of paths) {
    const no = namesNoFile(p);
    if (no) {
      out.set(p, no);
      continue;
    }
    try {
      out.set(p, readConfinedSyncAt(files, p, c, DUMP_LIMIT));
    } catch (e) {
      out.set(p, dumpFailure(p, e));
    }
  }
  return out;
}
