// The inline adapter in the web worker extension host speaks paths (io/uri-paths.ts);
// VS Code there sends a source's `path` as the file's URI (`vscode-remote://…`)
// and can only open a frame's source if it gets a URI back (a plain path would
// become a file: URI, which the browser cannot read). The mapping, both ways:
// on the way in, every `source.path` that is a URI becomes its path; on the way
// out, every `source.path` becomes the URI — the very text the client sent for
// it when there was one, else the URI of its file (a driver listing in the
// extension's folder).
import { parseUri, type UriPaths, type UriParts } from '../../io/uri-paths';
import { MAX_NESTING, nestedDeeperThan } from '../../adapter/dap-args';

export type Json = unknown;

/** `v` with every Source's `path` (under a `source` key or in a `sources` list) mapped by `fn`; the same object where nothing changed. */
export function mapSourcePaths(v: Json, fn: (path: string) => string): Json {
  if (Array.isArray(v)) {
    let out: Json[] | undefined;
    v.forEach((x, i) => {
      const y = mapSourcePaths(x, fn);
      if (y !== x) (out ??= (v as Json[]).slice())[i] = y;
    });
    return out ?? v;
  }
  if (!v || typeof v !== 'object') return v;
  let out: Record<string, Json> | undefined;
  for (const [k, x] of Object.entries(v)) {
    let y: Json;
    if (k === 'source' && x && typeof x === 'object' && !Array.isArray(x)) y = mapSource(x as Record<string, Json>, fn);
    else if (k === 'sources' && Array.isArray(x)) y = x.map((s: Json) => (s && typeof s === 'object' ? mapSource(s as Record<string, Json>, fn) : s));
    else y = mapSourcePaths(x, fn);
    if (y !== x) (out ??= { ...(v as Record<string, Json>) })[k] = y;
  }
  return out ?? v;
}

function mapSource(s: Record<string, Json>, fn: (path: string) => string): Record<string, Json> {
  const inner = mapSourcePaths(s, fn) as Record<string, Json>;
  if (typeof inner.path !== 'string') return inner;
  const p = fn(inner.path);
  return p === inner.path ? inner : { ...inner, path: p };
}

/**
 * Responses whose bodies never hold a Source (DAP specification: Variable, EvaluateResponse,
 * ReadMemory, Thread … have none; and this adapter's vpci/* bodies, adapter/protocol.ts, have
 * none): the bulky ones at every stop, passed through without a walk.
 */
const NO_SOURCES = new Set([
  'variables',
  'evaluate',
  'readMemory',
  'writeMemory',
  'setVariable',
  'setExpression',
  'completions',
  'threads',
  'dataBreakpointInfo',
]);

function sourceless(m: Json): boolean {
  if (!m || typeof m !== 'object') return true;
  const r = m as { type?: unknown; command?: unknown };
  return r.type === 'response' && typeof r.command === 'string' && (NO_SOURCES.has(r.command) || r.command.startsWith('vpci/'));
}

/** Translates between the client's URIs and the session's paths, remembering what the client sent. */
export class DapPaths {
  /** path → the URI text the client used for it (bounded: one entry per file the client named). */
  private sent = new Map<string, string>();

  constructor(
    private readonly paths: UriPaths,
    /** The text of a URI (VS Code's own spelling: vscode.Uri.from(parts).toString()). */
    private readonly uriText: (u: UriParts) => string,
  ) {}

  toAdapter(m: Json): Json {
    // Walked recursively, a message nested thousands deep overflowed the stack here, before the
    // session could refuse it (VpciDebugSession.handleMessage): it goes to the session as it is.
    if (nestedDeeperThan(m, MAX_NESTING)) return m;
    return mapSourcePaths(m, (p) => {
      const u = parseUri(p);
      if (!u) return p;
      const path = this.paths.pathOf(u);
      if (this.sent.size > 10_000) this.sent.clear();
      this.sent.set(path, p);
      return path;
    });
  }

  toClient(m: Json): Json {
    if (sourceless(m)) return m;
    return mapSourcePaths(m, (p) => {
      if (!p.startsWith('/')) return p;
      const known = this.sent.get(p);
      if (known) return known;
      return this.uriText(this.paths.partsOf(p));
    });
  }
}
