// Canonical layout for scenario text: two-space indentation by brace depth,
// single spaces between tokens (none around `/`), event times aligned within a
// run of `at` lines, trailing comments aligned within a run of lines, at most
// one blank line in a row, one final newline. Works on tokens, so it never
// changes meaning and is idempotent; text that does not lex is kept verbatim.
import { Lexer, type Token } from './lexer';

function joinTokens(ts: readonly Token[], from = 0): string {
  let s = '';
  for (let i = from; i < ts.length; i++) {
    const t = ts[i]!;
    if (i > from && t.kind !== 'slash' && ts[i - 1]!.kind !== 'slash') s += ' ';
    s += t.text;
  }
  return s;
}

/**
 * Formats line by line as the lexer reads: each line's tokens are made into its text and let go,
 * and only the current run of code lines (the most a trailing comment's column can depend on)
 * is held, as strings. A 16 MiB scenario of one-word lines held every token and a record per
 * line, and took gigabytes.
 */
export function formatScenario(text: string): string {
  // The result's lines: at most one blank line in a row, none at the start (trailing ones are dropped at the end).
  const res: string[] = [];
  const put = (s: string): void => {
    if (s === '' && (res.length === 0 || res[res.length - 1] === '')) return;
    res.push(s);
  };

  // The current run of consecutive non-blank code lines: trailing comments are aligned within it.
  let indents: number[] = [];
  let codes: string[] = [];
  let comments: (string | undefined)[] = [];
  // The current run of `at` lines at one indent within it (from index atFrom): their times are aligned.
  let atFrom = -1;
  let atTimes: string[] = [];
  let atRests: string[] = [];
  const endAtRun = (): void => {
    if (atFrom < 0) return;
    let width = 0;
    for (const t of atTimes) width = Math.max(width, t.length);
    for (let k = 0; k < atTimes.length; k++) codes[atFrom + k] = `at ${atTimes[k]!.padEnd(width)}  ${atRests[k]!}`;
    atFrom = -1;
    atTimes = [];
    atRests = [];
  };
  /** Whether a line of the current run has a trailing comment (until then, each line is put as soon as its text is final). */
  let commented = false;
  const putRun = (): void => {
    let width = 0;
    for (let k = 0; k < codes.length; k++) if (comments[k] !== undefined) width = Math.max(width, indents[k]! * 2 + codes[k]!.length);
    for (let k = 0; k < codes.length; k++) {
      const s = '  '.repeat(indents[k]!) + codes[k]!;
      const c = comments[k];
      put(c === undefined ? s : `${s.padEnd(width)}  ${c}`);
    }
    indents = [];
    codes = [];
    comments = [];
  };
  const endRun = (): void => {
    endAtRun();
    putRun();
    commented = false;
  };

  let cur: Token[] = [];
  let depth = 0;
  const endLine = (): void => {
    let comment: Token | undefined;
    if (cur.length && cur[cur.length - 1]!.kind === 'comment') comment = cur.pop();
    let lead = 0;
    while (lead < cur.length && cur[lead]!.kind === 'rbrace') lead++;
    const indent = Math.max(0, depth - lead);
    for (const t of cur) {
      if (t.kind === 'lbrace') depth++;
      else if (t.kind === 'rbrace') depth = Math.max(0, depth - 1);
    }
    if (cur.length === 0) {
      // A blank line, or a line of only a comment: either ends the run.
      endRun();
      put(comment ? '  '.repeat(indent) + comment.text.trimEnd() : '');
    } else {
      const isAt = cur.length >= 3 && cur[0]!.kind === 'word' && cur[0]!.text === 'at';
      if (!isAt || (atFrom >= 0 && indents[atFrom] !== indent)) endAtRun();
      if (isAt) {
        if (atFrom < 0) atFrom = codes.length;
        atTimes.push(cur[1]!.text);
        atRests.push(joinTokens(cur, 2));
        codes.push(''); // made when the `at` run ends
      } else codes.push(joinTokens(cur));
      indents.push(indent);
      comments.push(comment?.text.trimEnd());
      if (comment) commented = true;
      // No comment to align yet and no `at` run open: what the run holds is final.
      else if (!commented && atFrom < 0) putRun();
    }
    cur = [];
  };
  const lx = new Lexer(text);
  for (let t = lx.next(); t.kind !== 'eof'; t = lx.next()) {
    if (t.kind === 'newline') endLine();
    else cur.push(t);
  }
  endLine();
  endRun();

  while (res.length && res[res.length - 1] === '') res.pop();
  return res.length ? res.join('\n') + '\n' : '';
}
