// FileAccess across a request channel, for a language server that runs where it
// cannot read files itself (VS Code for the Web: a browser worker, whose only
// way to the editor's file system is its client). The server side sends
// `vpci/readFile` and `vpci/realPath` requests; the client side answers them
// from its own FileAccess. Every answer is data — bytes in base64, or the
// FileError's problem and reason — so the server's FileErrors read exactly as
// they would where it reads the files itself. Ours (no LSP method does this).
import { base64ToBytes, bytesToBase64 } from './base64';
import { FileError, type FileAccess, type FileProblem } from './files';

export const READ_FILE = 'vpci/readFile';
export const REAL_PATH = 'vpci/realPath';

export interface ReadFileParams {
  path: string;
  limit: number;
}
export interface RealPathParams {
  path: string;
}
/** An answer: the result, or the FileError it was. */
export type FileAnswer<T> = { ok: T } | { problem: FileProblem; reason: string };

/** The server's FileAccess: each call is a request to the client. Writes are refused (nothing in the server writes). */
export function filesOverRequests(send: <R>(method: string, params: unknown) => Promise<R>): FileAccess {
  const answer = async <T>(path: string, method: string, params: unknown): Promise<T> => {
    let a: FileAnswer<T>;
    try {
      a = await send<FileAnswer<T>>(method, params);
    } catch (e) {
      throw new FileError(path, 'unreadable', `the editor did not answer (${e instanceof Error ? e.message : String(e)})`);
    }
    if ('ok' in a) return a.ok;
    throw new FileError(path, a.problem, a.reason);
  };
  return {
    readFile: async (path, limit) => base64ToBytes(await answer<string>(path, READ_FILE, { path, limit } satisfies ReadFileParams)),
    realPath: (path) => answer<string>(path, REAL_PATH, { path } satisfies RealPathParams),
    writeFile: async (path) => {
      throw new FileError(path, 'denied', 'is not written by the language server');
    },
  };
}

async function answered<T>(f: () => Promise<T>): Promise<FileAnswer<T>> {
  try {
    return { ok: await f() };
  } catch (e) {
    if (e instanceof FileError) return { problem: e.problem, reason: e.reason };
    return { problem: 'unreadable', reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The client's side: answers for its FileAccess. */
export function fileRequestHandlers(files: FileAccess): {
  readFile: (p: ReadFileParams) => Promise<FileAnswer<string>>;
  realPath: (p: RealPathParams) => Promise<FileAnswer<string>>;
} {
  // The params arrive over JSON-RPC: their types are what the client promises, so they are made what they claim.
  /* eslint-disable @typescript-eslint/no-unnecessary-type-conversion -- see above */
  return {
    readFile: (p) => answered(async () => bytesToBase64(await files.readFile(String(p.path), Number(p.limit)))),
    realPath: (p) => answered(() => files.realPath(String(p.path))),
  };
  /* eslint-enable @typescript-eslint/no-unnecessary-type-conversion */
}
