// The Node implementation of FileAccess (io/files.ts): regular files only,
// size checked before the read and enforced during it (a file that grows, or a
// device that claims size 0, cannot make a read run away), opened without
// blocking (a FIFO never hangs the process).
// fs.promises is reached through `promises` at the call: a property Node loads on first use, so a
// process that only reads synchronously (the debug adapter's launch) never loads fs/promises.
import {
  constants,
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  promises,
  readSync,
  readlinkSync,
  realpathSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname } from 'node:path';
import { FileError, bytesText, type FileAccess, type SyncFileAccess } from './files';
import { errnoCode, errorReason } from './errors';

/** What a non-regular file is, for the message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notAFile(path: string, st: Stats): FileError {
  return new FileError(path, 'not-a-file', `is ${kindOf(st)}, not a file`);
}

function tooLarge(path: string, size: number | undefined, limit: number): FileError {
  return new FileError(
    path,
    'too-large',
    `${size !== undefined ? `is ${bytesText(size)} (${size} bytes)` : 'is larger than the limit'}; files read here are limited to ${bytesText(limit)}`,
  );
}

/** A system error as a FileError about `path`. */
export function fileErrorOf(path: string, e: unknown): FileError {
  if (e instanceof FileError) return e;
  const code = errnoCode(e);
  const problem =
    code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : code === 'EACCES' || code === 'EPERM' ? 'denied' : code === 'EISDIR' ? 'not-a-file' : 'unreadable';
  return new FileError(path, problem, code === 'ENOENT' ? 'no such file' : errorReason(e));
}

/**
 * Creates `dir` and the folders above it that are missing (mkdir -p). Not Node's recursive
 * mkdir: for a path in a file system that refuses new folders, such as /proc/self/x, it retries
 * the parent and the child for ever (Node 20), and the process hangs; here each missing folder
 * is made once, top down, and the first refusal is an error naming that folder. The path is
 * walked as written (not resolved first), so `link/..` means what the system makes of it.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ;) {
    let st: Stats | undefined;
    try {
      st = statSync(d);
    } catch (e) {
      // ENOTDIR: something above is not a folder; walking on up finds it and names it.
      const code = errnoCode(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fileErrorOf(d, e);
    }
    if (st) {
      if (!st.isDirectory()) throw notAFolder(d, st);
      break;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    const d = missing[i]!;
    try {
      mkdirSync(d);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EEXIST') {
        // Made meanwhile by someone else: fine if it is a folder.
        const st = statSync(d, { throwIfNoEntry: false });
        if (st?.isDirectory()) continue;
        if (st) throw notAFolder(d, st);
        // Nothing there to stat, yet the name is taken: a symbolic link to what does not exist.
        let target: string | undefined;
        try {
          target = readlinkSync(d, { encoding: 'utf8' });
        } catch {
          // Not a link (gone meanwhile): said as the system says it, below.
        }
        if (target !== undefined) throw new FileError(d, 'missing', `is a symbolic link to ${target}, which does not exist: no folder can be made there`);
      }
      // ENOENT with the folder above in place: the file system takes no new folders there (/proc).
      const why = code === 'ENOENT' ? 'the file system there does not take new folders' : errorReason(e);
      throw new FileError(d, code === 'EACCES' || code === 'EPERM' ? 'denied' : 'unreadable', `cannot create this folder: ${why}`);
    }
  }
}

function notAFolder(path: string, st: Stats): FileError {
  return new FileError(path, 'not-a-file', `is ${st.isFile() ? 'a file' : kindOf(st)}, not a folder`);
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (POSIX; absent on Windows, where there are none).
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- @types/node declares it a number, but Windows has no O_NONBLOCK
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * A character device whose first read, without waiting, is the end of its data (/dev/null), which a
 * reader may take as an empty file (lspci -i /dev/null reads an empty pci.ids). Any other device
 * (data at once, like /dev/zero, or none yet, like a terminal) is not: readers refuse those by name.
 */
export function emptyDevice(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isCharacterDevice()) return false;
    fd = openSync(path, OPEN_FLAGS);
    return readSync(fd, new Uint8Array(1)) === 0;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const CHUNK = 64 * 1024;

/** Bytes read so far into a growing buffer, refusing more than `limit`. */
class Bounded {
  buf: Uint8Array;
  n = 0;
  constructor(
    expected: number,
    private readonly limit: number,
    private readonly path: string,
  ) {
    this.buf = new Uint8Array(Math.min(limit, Math.max(expected, 0)) + 1);
  }
  /** Room for the next read (at most one byte past the limit, to see it is passed). */
  room(): Uint8Array {
    if (this.n === this.buf.length) {
      const next = new Uint8Array(Math.min(this.limit + 1, Math.max(this.buf.length * 2, CHUNK)));
      next.set(this.buf);
      this.buf = next;
    }
    return this.buf.subarray(this.n, Math.min(this.buf.length, this.n + CHUNK * 16));
  }
  took(k: number): void {
    this.n += k;
    if (this.n > this.limit) throw tooLarge(this.path, undefined, this.limit);
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/**
 * Runs `read` on `path` opened for reading, with its size, if it is a regular file no larger than
 * `limit`: checked before it is opened (opening some devices has effects) and again once it is
 * (it may have been swapped in between). Errors are FileErrors naming the path.
 */
function withRegularFileSync<T>(path: string, limit: number, read: (fd: number, size: number) => T): T {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw fileErrorOf(path, e);
  }
  if (!st.isFile()) throw notAFile(path, st);
  if (st.size > limit) throw tooLarge(path, st.size, limit);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw fileErrorOf(path, e);
  }
  try {
    const st2 = fstatSync(fd);
    if (!st2.isFile()) throw notAFile(path, st2);
    return read(fd, st2.size);
  } catch (e) {
    throw fileErrorOf(path, e);
  } finally {
    closeSync(fd);
  }
}

export class NodeFiles implements FileAccess, SyncFileAccess {
  async readFile(path: string, limit: number): Promise<Uint8Array> {
    let st: Stats;
    try {
      st = await promises.stat(path);
    } catch (e) {
      throw fileErrorOf(path, e);
    }
    // Not opened at all unless it is a regular file (opening some devices has effects).
    if (!st.isFile()) throw notAFile(path, st);
    if (st.size > limit) throw tooLarge(path, st.size, limit);
    let fh;
    try {
      fh = await promises.open(path, OPEN_FLAGS);
    } catch (e) {
      throw fileErrorOf(path, e);
    }
    try {
      const st2 = await fh.stat();
      if (!st2.isFile()) throw notAFile(path, st2); // swapped between stat and open
      const b = new Bounded(st2.size, limit, path);
      for (;;) {
        const room = b.room();
        const { bytesRead } = await fh.read(room, 0, room.length, null);
        if (bytesRead === 0) break;
        b.took(bytesRead);
      }
      return b.bytes();
    } catch (e) {
      throw fileErrorOf(path, e);
    } finally {
      await fh.close().catch(() => {});
    }
  }

  readFileSync(path: string, limit: number): Uint8Array {
    return withRegularFileSync(path, limit, (fd, size) => {
      const b = new Bounded(size, limit, path);
      for (;;) {
        const room = b.room();
        const k = readSync(fd, room, 0, room.length, null);
        if (k === 0) break;
        b.took(k);
      }
      return b.bytes();
    });
  }

  readRangeSync(path: string, start: number, length: number): Uint8Array {
    return withRegularFileSync(path, Infinity, (fd, size) => {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - start)));
      let n = 0;
      while (n < buf.length) {
        const k = readSync(fd, buf, n, buf.length - n, start + n);
        if (k === 0) break;
        n += k;
      }
      return buf.subarray(0, n);
    });
  }

  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    try {
      makeFolders(dirname(path));
      await promises.writeFile(path, data);
    } catch (e) {
      throw fileErrorOf(path, e);
    }
  }

  writeFileSync(path: string, data: string | Uint8Array): void {
    try {
      makeFolders(dirname(path));
      writeFileSync(path, data);
    } catch (e) {
      throw fileErrorOf(path, e);
    }
  }

  async realPath(path: string): Promise<string> {
    try {
      return await promises.realpath(path);
    } catch (e) {
      throw fileErrorOf(path, e);
    }
  }

  realPathSync(path: string): string {
    try {
      return realpathSync(path);
    } catch (e) {
      throw fileErrorOf(path, e);
    }
  }
}

/** The process's file access. */
export const nodeFiles = new NodeFiles();
