// Paths for URIs, where files are URIs (VS Code for the Web). The adapter, the
// scenario loader and the language server work on POSIX paths (io/files.ts's
// confinement, listing lookups, messages); in the web worker extension host
// every file is a URI — the workspace's (`vscode-remote://…` in code-server,
// `vscode-vfs://…` on vscode.dev) and the extension's own. One origin (scheme
// and authority: the workspace's) maps to plain paths, so messages read as
// they do on the desktop (`<folder>/lab/quickstart.vpci`); any other origin
// gets a first segment of its own, `/:scheme:authority/…`, so no two files
// share a path. Ours, not VS Code's: the editor never sees these paths (the
// inline adapter's messages are mapped back to the client's URIs).

export interface Origin {
  scheme: string;
  authority: string;
}

export interface UriParts extends Origin {
  /** The URI's path, decoded ("/a b/c.vpci"). */
  path: string;
}

const MARK = '/:';

export class UriPaths {
  constructor(readonly primary: Origin) {}

  /** The path for a URI's parts. */
  pathOf(u: UriParts): string {
    const path = u.path.startsWith('/') ? u.path : `/${u.path}`;
    if (u.scheme === this.primary.scheme && u.authority === this.primary.authority) return path;
    return `${MARK}${u.scheme}:${encodeURIComponent(u.authority)}${path}`;
  }

  /** The URI parts a path stands for (the inverse of pathOf). */
  partsOf(path: string): UriParts {
    if (path.startsWith(MARK)) {
      const end = path.indexOf('/', MARK.length);
      const head = path.slice(MARK.length, end < 0 ? undefined : end);
      const colon = head.indexOf(':');
      if (colon > 0) {
        let authority = head.slice(colon + 1);
        try {
          authority = decodeURIComponent(authority);
        } catch {
          /* kept as written */
        }
        return { scheme: head.slice(0, colon), authority, path: end < 0 ? '/' : path.slice(end) };
      }
    }
    return { ...this.primary, path };
  }
}

/**
 * The parts of a URI string (RFC 3986 §3: `scheme://authority/path`), its path
 * percent-decoded; undefined for text that is no URI with a scheme of at least
 * two letters (so a Windows path `c:\x` is not taken for one).
 */
export function parseUri(text: string): UriParts | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]+):(?:\/\/([^/?#]*))?([^?#]*)/.exec(text);
  if (!m) return undefined;
  let path = m[3] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    /* a stray % stays as written */
  }
  let authority = m[2] ?? '';
  try {
    authority = decodeURIComponent(authority);
  } catch {
    /* kept as written */
  }
  return { scheme: m[1]!.toLowerCase(), authority, path: path === '' ? '/' : path };
}

/** A URI's text from its parts (the inverse of parseUri): each path segment percent-encoded, the authority's port and user kept as they are. */
export function uriText(u: UriParts): string {
  const path = u.path
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
  return `${u.scheme}://${encodeURIComponent(u.authority).replace(/%3A/gi, ':').replace(/%40/g, '@')}${path.startsWith('/') ? path : `/${path}`}`;
}
