// The bench's page server (bench/web.ts): Node's http on 127.0.0.1, closed when the figure ends.
// It serves the page and its worker (this folder), the stand-in's configuration, and the files
// the extension reads through the stand-in's workspace.fs — under the repository only, which plays
// both the workspace folder and the installed extension's folder (dist/, listings/, data/):
//   /                      page.html          /host/<file>   this folder's scripts
//   /config.json           where things are, and the API's top-level names (@types/vscode)
//   /fs/<absolute path>    a file's bytes (404 missing, 409 a folder)
//   /stat/<absolute path>  { type, size, ctime, mtime } as vscode.FileStat (404 missing)
// Every answer is cross-origin isolated (COOP same-origin, COEP require-corp), so the page's and
// the workers' performance.now() tick in microseconds, not Chromium's coarse 100 µs.
import { createServer, type Server } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

const HERE = __dirname;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.cjs': 'text/javascript', '.json': 'application/json' };

/** The names `declare module 'vscode'` gives values at its top level (namespaces, classes, enums, constants, functions). */
export function vscodeNames(root: string): string[] {
  const dts = readFileSync(join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  return [...new Set([...dts.matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm)].map((m) => m[1]!))];
}

export interface PageServer {
  origin: string;
  /** The vscode-remote: authority whose files /fs/ serves. */
  authority: string;
  close(): Promise<void>;
}

export async function startPageServer(root: string, port: number): Promise<PageServer> {
  const realRoot = await realpath(root);
  const origin = `http://127.0.0.1:${port}`;
  const authority = `127.0.0.1:${port}`;
  const config = JSON.stringify({ origin, authority, root, names: vscodeNames(root) });
  /** The file an /fs/ or /stat/ path names, if it is inside the repository. */
  const inside = async (urlPath: string): Promise<string | undefined> => {
    const p = resolve('/', decodeURIComponent(urlPath));
    if (p !== root && !p.startsWith(`${root}/`)) return undefined;
    try {
      const real = await realpath(p);
      return real === realRoot || real.startsWith(`${realRoot}/`) ? real : undefined;
    } catch {
      return undefined;
    }
  };
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: string | Uint8Array, type = 'text/plain') => {
      res.writeHead(status, {
        'Content-Type': type,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cache-Control': 'no-store',
      });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', origin);
    const answer = async (): Promise<void> => {
      const path = url.pathname;
      if (path === '/') return send(200, await readFile(join(HERE, 'page.html')), TYPES['.html']);
      if (path === '/config.json') return send(200, config, TYPES['.json']);
      const host = /^\/host\/([\w.-]+)$/.exec(path);
      if (host && TYPES[extname(host[1]!)]) return send(200, await readFile(join(HERE, host[1]!)), TYPES[extname(host[1]!)]);
      const fsPath = /^\/(fs|stat)(\/.*)$/.exec(path);
      if (!fsPath) return send(404, 'not found');
      const file = await inside(fsPath[2]!);
      if (!file) return send(404, 'not found');
      const st = await stat(file);
      const type = st.isDirectory() ? 2 : st.isFile() ? 1 : 0;
      if (fsPath[1] === 'stat') return send(200, JSON.stringify({ type, size: st.size, ctime: st.ctimeMs, mtime: st.mtimeMs }), TYPES['.json']);
      if (type !== 1) return send(409, 'not a file');
      return send(200, await readFile(file), 'application/octet-stream');
    };
    answer().catch((e: unknown) => send(500, e instanceof Error ? e.message : String(e)));
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(port, '127.0.0.1', res);
  });
  return {
    origin,
    authority,
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}
