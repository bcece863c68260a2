// The bundled examples as "vPCI: Open Example…" offers them, with no VS Code API so the
// rules are checked in plain tests: the order of the picker (quickstart first, then the
// other top-level examples, then each folder's), each example's title (the first
// sentence of its header comment, whole, however many lines it spans), the dump files
// it names (copied with it), and what copying into a folder would overwrite.

export interface ExampleItem {
  /** Path inside the examples folder, `/`-separated: `quickstart.vpci`, `quirks/short-packet-drop.vpci`. */
  path: string;
  /** The name the picker shows: the path without `.vpci`. */
  label: string;
  /** The header's first sentence, whole. */
  title: string;
}

/** Picker order: quickstart first, then top-level examples by name, then folders' examples by path. */
export function exampleOrder(a: string, b: string): number {
  const rank = (p: string) => (p === 'quickstart.vpci' ? 0 : p.includes('/') ? 2 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * The example's title: its leading `#` comment lines joined into one line, up to the end of
 * the first sentence (a `.` followed by a space or the end). Empty when it has no header.
 */
export function exampleTitle(text: string): string {
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*#\s?(.*)$/.exec(raw);
    if (!m) {
      if (raw.trim() === '' && lines.length === 0) continue;
      break;
    }
    if (m[1]!.trim() === '') {
      if (lines.length) break; // a blank comment line ends the paragraph
      continue;
    }
    lines.push(m[1]!.trim());
  }
  const para = lines.join(' ');
  const end = /\.(\s|$)/.exec(para);
  return end ? para.slice(0, end.index + 1) : para;
}

/** The dump files a scenario names (`dump "path"`), outside comments, in order, unique. */
export function dumpPaths(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // drop a comment: a `#` outside a string
    let line = '';
    let inString = false;
    for (const c of raw) {
      if (c === '"') inString = !inString;
      if (c === '#' && !inString) break;
      line += c;
    }
    for (const m of line.matchAll(/\bdump\s+"([^"]+)"/g)) if (!out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/** `a/b/../c.vpci` → `a/c.vpci`; undefined when the path leaves its root (or is absolute). */
export function insideRoot(base: string, rel: string): string | undefined {
  if (/^([a-z]:)?[\\/]/i.test(rel)) return undefined;
  const parts = base.split('/').slice(0, -1);
  for (const seg of rel.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** The files one example brings: itself and the dumps it names (paths inside the examples folder). */
export function exampleFiles(path: string, text: string): string[] {
  const files = [path];
  for (const d of dumpPaths(text)) {
    const p = insideRoot(path, d);
    if (p && !files.includes(p)) files.push(p);
  }
  return files;
}

export type CopyPlan =
  /** Nothing in the way: write `write` (files already there with the same bytes are skipped). */
  | { kind: 'copy'; write: string[] }
  /** Files already there with other contents: the user decides. */
  | { kind: 'conflict'; write: string[]; differ: string[] };

/**
 * What copying `files` into a folder does, given what is there (`existing`: path → bytes,
 * undefined when absent) and the example's bytes.
 */
export function copyPlan(files: readonly string[], source: (p: string) => Uint8Array, existing: (p: string) => Uint8Array | undefined): CopyPlan {
  const write: string[] = [];
  const differ: string[] = [];
  for (const f of files) {
    const there = existing(f);
    if (!there) write.push(f);
    else if (!sameBytes(there, source(f))) differ.push(f);
  }
  return differ.length ? { kind: 'conflict', write, differ } : { kind: 'copy', write };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `quickstart.vpci`, 2 → `quickstart-2.vpci`. */
export function numberedName(path: string, n: number): string {
  const m = /^(.*?)(\.vpci)?$/.exec(path)!;
  return `${m[1]}-${n}${m[2] ?? ''}`;
}

/** `quickstart.vpci` → `quickstart-2.vpci` (the first `-N` not taken). */
export function freeName(path: string, taken: (p: string) => boolean): string {
  for (let n = 2; ; n++) if (!taken(numberedName(path, n))) return numberedName(path, n);
}
