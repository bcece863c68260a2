// Canonical layout for scenario text: two-space indentation by brace depth,
// single spaces between tokens (none around `/`), event times aligned within a
// run of `at` lines, trailing comments aligned within a run of lines, at most
// one blank line in a row, one final newline. Works on tokens, so it never
// changes meaning and is idempotent; text that does not lex is kept verbatim.
import { tokenize, type Token } from './lexer';

interface Line {
  indent: number;
  code: Token[];
  comment?: Token;
  blank: boolean;
}

function joinTokens(ts: readonly Token[]): string {
  let s = '';
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const prev = ts[i - 1];
    if (i > 0 && t.kind !== 'slash' && prev?.kind !== 'slash') s += ' ';
    s += t.text;
  }
  return s;
}

export function formatScenario(text: string): string {
  const toks = tokenize(text);
  const lines: Line[] = [];
  let cur: Token[] = [];
  let depth = 0;
  const flush = (): void => {
    let comment: Token | undefined;
    if (cur.length && cur[cur.length - 1]!.kind === 'comment') comment = cur.pop();
    let lead = 0;
    while (lead < cur.length && cur[lead]!.kind === 'rbrace') lead++;
    const indent = Math.max(0, depth - lead);
    for (const t of cur) {
      if (t.kind === 'lbrace') depth++;
      else if (t.kind === 'rbrace') depth = Math.max(0, depth - 1);
    }
    const l: Line = { indent, code: cur, blank: cur.length === 0 && !comment };
    if (comment) l.comment = comment;
    lines.push(l);
    cur = [];
  };
  for (const t of toks) {
    if (t.kind === 'eof') break;
    if (t.kind === 'newline') flush();
    else cur.push(t);
  }
  flush();

  // Text of each line's code, with `at` times aligned within runs of `at` lines at the same indent.
  const code: string[] = lines.map((l) => joinTokens(l.code));
  const isAt = (l: Line): boolean => l.code.length >= 3 && l.code[0]!.kind === 'word' && l.code[0]!.text === 'at';
  for (let i = 0; i < lines.length;) {
    if (!isAt(lines[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && isAt(lines[j]!) && lines[j]!.indent === lines[i]!.indent) j++;
    const width = lines.slice(i, j).reduce((w, l) => Math.max(w, l.code[1]!.text.length), 0);
    for (let k = i; k < j; k++) {
      const l = lines[k]!;
      code[k] = `at ${l.code[1]!.text.padEnd(width)}  ${joinTokens(l.code.slice(2))}`;
    }
    i = j;
  }

  // Trailing comments aligned within runs of consecutive non-blank code lines.
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const l = lines[i]!;
    if (l.blank || l.code.length === 0) {
      out.push(l.blank ? '' : '  '.repeat(l.indent) + l.comment!.text.trimEnd());
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && !lines[j]!.blank && lines[j]!.code.length > 0) j++;
    const width = lines.slice(i, j).reduce((w, x, k) => Math.max(w, x.comment ? x.indent * 2 + code[i + k]!.length : 0), 0);
    for (let k = i; k < j; k++) {
      const x = lines[k]!;
      const s = '  '.repeat(x.indent) + code[k]!;
      out.push(x.comment ? `${s.padEnd(width)}  ${x.comment.text.trimEnd()}` : s);
    }
    i = j;
  }

  // Collapse blank runs, trim leading/trailing blank lines.
  const res: string[] = [];
  for (const s of out) {
    if (s === '' && (res.length === 0 || res[res.length - 1] === '')) continue;
    res.push(s);
  }
  while (res.length && res[res.length - 1] === '') res.pop();
  return res.length ? res.join('\n') + '\n' : '';
}
