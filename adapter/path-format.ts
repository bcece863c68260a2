// A client that asks for `pathFormat: "uri"` in initialize (DAP InitializeRequestArguments:
// "Determines in what format paths are specified. The default is `path`, which is the native
// format"; values 'path' | 'uri') names every Source's path as a URI, both ways. The adapter works
// with file-system paths throughout; these functions translate at the session's edge (ours).
import { isAbsolute } from 'node:path';
import { parseUri, uriText } from '../io/uri-paths';

/** A Windows path's drive as a file: URI's path starts with it ("/C:/x"). */
const DRIVE_URI_PATH = /^\/[A-Za-z]:\//;

/** A Source path as a `uri` client sent it, as a file-system path: a file: URI decoded, anything else unchanged. */
export function pathFromClientUri(p: string): string {
  const u = parseUri(p);
  // Another scheme or another host's file names no file here: kept as sent, so it matches nothing.
  if (!u || u.scheme !== 'file' || (u.authority !== '' && u.authority !== 'localhost')) return p;
  return DRIVE_URI_PATH.test(u.path) ? u.path.slice(1).replace(/\//g, '\\') : u.path;
}

/** `args.source.path` (setBreakpoints, breakpointLocations, gotoTargets, source, evaluate) as a file-system path, in place. */
export function sourceArgFromUri(args: Record<string, unknown>): void {
  const s = args.source as { path?: unknown } | undefined;
  if (s && typeof s === 'object' && typeof s.path === 'string') s.path = pathFromClientUri(s.path);
}

/**
 * `body` with the path of every Source in it (a value under `source`, or in a `sources` list:
 * stack frames, breakpoints, output and loadedSource events) as a file: URI. A copy: a body kept
 * for later answers (a view made ahead) keeps its paths.
 */
export function sourcesToUris(body: unknown, key = ''): unknown {
  if (Array.isArray(body)) return body.map((x) => sourcesToUris(x, key === 'sources' ? 'source' : ''));
  if (!body || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = sourcesToUris(v, k);
  if (key === 'source' && typeof out.path === 'string' && isAbsolute(out.path)) {
    // A Windows path (C:\x) as /C:/x; a POSIX one as it is (a backslash there is a character of a name).
    const p = /^[A-Za-z]:[\\/]/.test(out.path) ? `/${out.path.replace(/\\/g, '/')}` : out.path;
    out.path = uriText({ scheme: 'file', authority: '', path: p });
  }
  return out;
}
