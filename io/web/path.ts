// `node:path` for the browser bundles (VS Code for the Web): the POSIX rules of
// the calls this project makes — resolve, join, relative, dirname, basename,
// isAbsolute, normalize, sep, delimiter. The web host's files are URIs, and
// io/uri-paths.ts turns each into a POSIX path, so POSIX is the only flavour
// needed; there is no working directory, so relative paths resolve against '/'.
// Written for this project from the POSIX pathname rules (IEEE Std 1003.1,
// 4.13 Pathname Resolution); test/io/web-path.test.ts checks it against
// Node's own path.posix.

export const sep = '/';
export const delimiter = ':';

/** `.` and `..` segments folded away; `..` above the root of an absolute path is dropped. */
function fold(segments: readonly string[], absolute: boolean): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(s);
  }
  return out;
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

export function normalize(p: string): string {
  if (p === '') return '.';
  const abs = isAbsolute(p);
  const body = fold(p.split('/'), abs).join('/');
  const trailing = p.endsWith('/') ? '/' : '';
  if (abs) return '/' + body + (body === '' ? '' : trailing);
  return (body === '' ? '.' : body) + trailing;
}

export function join(...parts: string[]): string {
  const joined = parts.filter((x) => x !== '').join('/');
  return joined === '' ? '.' : normalize(joined);
}

export function resolve(...parts: string[]): string {
  let acc = '';
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(acc); i--) {
    const p = parts[i]!;
    if (p === '') continue;
    acc = acc === '' ? p : `${p}/${acc}`;
  }
  // No working directory in a browser: what is still relative is relative to the root.
  return '/' + fold(acc.split('/'), true).join('/');
}

export function relative(from: string, to: string): string {
  const a = fold(resolve(from).split('/'), true);
  const b = fold(resolve(to).split('/'), true);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

export function dirname(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  const k = trimmed.lastIndexOf('/');
  if (k < 0) return '.';
  if (k === 0) return '/';
  if (k === 1 && trimmed.startsWith('//')) return '//'; // as Node's (POSIX leaves a leading '//' to the implementation)
  return trimmed.slice(0, k);
}

export function basename(p: string, ext?: string): string {
  const trimmed = p.replace(/\/+$/, '');
  const b = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return ext && b.endsWith(ext) ? b.slice(0, b.length - ext.length) : b;
}

export function extname(p: string): string {
  const b = basename(p);
  const k = b.lastIndexOf('.');
  return k <= 0 || b === '..' ? '' : b.slice(k);
}

export const posix = { sep, delimiter, isAbsolute, normalize, join, resolve, relative, dirname, basename, extname };
export default posix;
