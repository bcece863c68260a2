// One-line wording for the operating system's errors (Node's `code`s), so no
// user ever sees a stack trace for a missing file, a folder given as a file or a
// port in use: `vpci-lab: dap: port 4711 is in use`.

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EEXIST: 'already exists',
  EBUSY: 'the resource is busy',
  EIO: 'input/output error',
  EAGAIN: 'the resource is temporarily unavailable',
  EADDRINUSE: 'the address is in use',
  EADDRNOTAVAIL: 'the address is not available',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the other end closed the connection',
  ETIMEDOUT: 'timed out',
};

/** The `code` of a Node system error ('ENOENT' …), if it is one. */
export function errnoCode(e: unknown): string | undefined {
  const c = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return typeof c === 'string' ? c : undefined;
}

/** A system error's reason in a few words (no path, no stack), else the error's first line. */
export function errorReason(e: unknown): string {
  const code = errnoCode(e);
  if (code && ERRNO[code]) return ERRNO[code];
  // Node refuses a path with a NUL in it before the system sees it (its message quotes the path).
  if (code === 'ERR_INVALID_ARG_VALUE' && /null bytes/.test((e as Error).message)) return 'the path contains a NUL character';
  const msg = e instanceof Error ? e.message : String(e);
  // Node's system errors read "ENOENT: no such file or directory, open '/x'": keep the words.
  const m = /^[A-Z]+: ([^,]+)/.exec(msg);
  return (m ? m[1]! : msg).split('\n')[0]!.trim() || 'unknown error';
}

/**
 * Whether VPCI_DEBUG (its value given) asks for stack traces: set to anything but an empty value,
 * 0, false, no or off (any case, spaces around ignored). Ours: `VPCI_DEBUG=0` turned stacks on, as
 * any non-empty value did, where a reader of it means the opposite.
 */
export function debugWanted(value: string | undefined): boolean {
  return value !== undefined && !/^\s*(?:0|false|no|off)?\s*$/i.test(value);
}
