// Where each function of a guest driver listing lives upstream: the pinned
// repository, path and line of its definition (docs/upstream.md), or, for a
// function that is ours (an error label shown as a frame, a stand-in for a
// function driver, a modelled kernel service), what it stands for. The rows
// are plain data in one table per guest (freebsd/upstream.ts,
// linux/upstream.ts); this file only reads them. Pure: no I/O.
import type { FnHeader } from '../../runtime/program';

/** A place in the pinned upstream tree. `text` is the definition line, held to the truth by test/guest/upstream.test.ts. */
export interface UpstreamRef {
  path: string;
  line?: number;
  text?: string;
  /** The upstream function's name, when it differs from the listing's. */
  name?: string;
}

/** A listing function's row: upstream itself (`ref` only), or ours (`ours` says why), standing for `ref` where one exists. */
export interface UpstreamRow {
  ref?: UpstreamRef;
  ours?: string;
}

export interface UpstreamTable {
  /** Guest model names this table serves. */
  models: readonly string[];
  /** Human name of the pinned revision, e.g. "freebsd-src 0010132dbd24", "linux-stable v6.12.118". */
  revision: string;
  /** Where a pinned copy of this tree is looked for by the test, under its trees folder: "freebsd/<commit>", "linux/v6.12.118". */
  tree: string;
  /** sha256 of each upstream file whose lines the rows cite, as pinned (docs/upstream.md). */
  sha256: Readonly<Record<string, string>>;
  /** The web address of a path (at a line) in the pinned tree. */
  url(path: string, line?: number): string;
  rows: Readonly<Record<string, UpstreamRow>>;
  /** Rows for generated names (one stand-in per function driver): first match wins, after `rows`. */
  patterns?: readonly { re: RegExp; row: (m: RegExpExecArray) => UpstreamRow }[];
}

/** What the listing header, the Call Stack and the Open Upstream Source command show for a function. */
export interface UpstreamLink {
  fn: string;
  ours: boolean;
  /** One line for a tooltip or a comment: "path:line @ revision" or "ours: …". */
  label: string;
  /** The web address to open, when there is a place to open. */
  url?: string;
  path?: string;
  line?: number;
  /** The upstream name when it differs from `fn`. */
  upstreamName?: string;
}

export function upstreamRow(table: UpstreamTable, fn: string): UpstreamRow | undefined {
  const direct = table.rows[fn];
  if (direct) return direct;
  for (const p of table.patterns ?? []) {
    const m = p.re.exec(fn);
    if (m) return p.row(m);
  }
  return undefined;
}

export function upstreamLink(table: UpstreamTable, fn: string): UpstreamLink | undefined {
  const row = upstreamRow(table, fn);
  if (!row) return undefined;
  const ref = row.ref;
  const where = ref ? `${ref.path}${ref.line ? `:${ref.line}` : ''} @ ${table.revision}` : '';
  const link: UpstreamLink = { fn, ours: row.ours !== undefined, label: '' };
  if (ref) {
    link.url = table.url(ref.path, ref.line);
    link.path = ref.path;
    if (ref.line) link.line = ref.line;
    if (ref.name && ref.name !== fn) link.upstreamName = ref.name;
  }
  if (row.ours !== undefined) {
    const stands = ref ? `; stands for ${ref.name ?? fn}() in ${where}` : '';
    link.label = `ours: ${row.ours}${stands}`;
  } else {
    link.label = where;
  }
  return link;
}

/** The comment line a listing shows above each function: where it lives upstream, or that it is ours (the table is read when the text is made). */
export function upstreamHeader(table: () => UpstreamTable): FnHeader {
  return {
    lines: 1,
    text: (fn) => {
      const l = upstreamLink(table(), fn);
      if (!l) return [`/* upstream: none recorded for ${fn} */`];
      const url = l.url ? ` ${l.url}` : '';
      if (l.ours) return [`/* ${l.label}${url} */`];
      return [`/* upstream: ${l.label}${url} */`];
    },
  };
}

/** The upstream comment of the function that holds `line` (1-based) of a listing: the nearest header at or above it. */
export function upstreamAt(listingText: string, line: number): { label: string; url?: string } | undefined {
  const lines = listingText.split('\n');
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = /^\/\* (upstream: |ours: )(.*?)(?: (https:\/\/\S+))? \*\/$/.exec(lines[i]!);
    if (m) return m[3] ? { label: `${m[1] === 'ours: ' ? 'ours: ' : ''}${m[2]}`, url: m[3] } : { label: `${m[1] === 'ours: ' ? 'ours: ' : ''}${m[2]}` };
    // A closing brace at column 0 ends the previous function: a line between functions belongs to none.
    if (i < line - 1 && lines[i] === '}') return undefined;
  }
  return undefined;
}
