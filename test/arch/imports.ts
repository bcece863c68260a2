// The import graph of the repository's own TypeScript (static `import … from` and
// `export … from` with relative specifiers), for the layering test and for
// `node --import tsx test/arch/imports.ts` to print the circles it finds.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';

const ROOTS = ['emulator', 'io', 'adapter', 'extension', 'language'];

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export interface ImportGraph {
  /** file (repo-relative, posix) → the repository files it imports (static, re-exported or dynamic). */
  files: Map<string, string[]>;
  /** file → the packages and Node built-ins it imports ('vscode', 'node:fs', '@vscode/debugadapter' …). */
  packages: Map<string, string[]>;
}

// `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`, `require('x')`.
const SPEC =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importGraph(root = process.cwd()): ImportGraph {
  const list = ROOTS.filter((r) => existsSync(join(root, r))).flatMap((r) => walk(join(root, r), []));
  const files = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const f of list) {
    const text = readFileSync(f, 'utf8');
    const deps: string[] = [];
    const pkgs: string[] = [];
    for (const m of text.matchAll(SPEC)) {
      const s = m[1] ?? m[2] ?? m[3] ?? m[4]!;
      if (!s.startsWith('.')) {
        pkgs.push(s);
        continue;
      }
      const base = resolve(dirname(f), s);
      const hit = [base + '.ts', join(base, 'index.ts'), base].find((c) => existsSync(c) && statSync(c).isFile());
      if (hit) deps.push(relative(root, hit).split('\\').join('/'));
    }
    const key = relative(root, f).split('\\').join('/');
    files.set(key, deps);
    packages.set(key, pkgs);
  }
  return { files, packages };
}

/** Strongly connected components with more than one file (or a file importing itself). */
export function circles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (g.get(v) ?? []).includes(v)) out.push(c.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) strong(v);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const c of circles(importGraph().files)) console.log(`circle: ${c.join(' ')}`);
}
