// Semantic tokens as VS Code asks for them while someone types in a large scenario: the whole
// document once (`full`), after that only what changed since the result the client holds
// (`full/delta`, LSP 3.16), and the visible lines on their own (`range`). On a 1 MB scenario the
// full answer is ~2 MB of JSON, turned into text, sent and parsed again after every edit; a delta
// after an edit is a few integers (the encoding is relative, so an edit changes the tokens of the
// lines it touches and the line offset of the token after them).
import type { Range, SemanticTokensEdit } from 'vscode-languageserver';

/**
 * The edits that turn `prev` into `next`: one replacement of what lies between their common
 * prefix and common suffix, or none when they are equal. LSP applies edits to the integer array
 * as it is, wherever they fall in a token.
 */
export function tokenEdits(prev: ArrayLike<number>, next: ArrayLike<number>): SemanticTokensEdit[] {
  const shorter = Math.min(prev.length, next.length);
  let start = 0;
  while (start < shorter && prev[start] === next[start]) start++;
  if (start === prev.length && start === next.length) return [];
  let endPrev = prev.length;
  let endNext = next.length;
  while (endPrev > start && endNext > start && prev[endPrev - 1] === next[endNext - 1]) {
    endPrev--;
    endNext--;
  }
  const data: number[] = new Array<number>(endNext - start);
  for (let i = start; i < endNext; i++) data[i - start] = next[i]!;
  return [{ start, deleteCount: endPrev - start, data }];
}

/**
 * The tokens of the lines a range covers (from its start line to its end, a token on the end
 * line only when it starts before the end character), encoded afresh: the first relative to
 * the document's start, as LSP's range answer is.
 */
export function tokensInRange(data: ArrayLike<number>, range: Range): number[] {
  const out: number[] = [];
  let line = 0;
  let ch = 0;
  let prevLine = 0;
  let prevCh = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    const dl = data[i]!;
    line += dl;
    ch = dl ? data[i + 1]! : ch + data[i + 1]!;
    if (line < range.start.line) continue;
    if (line > range.end.line || (line === range.end.line && ch >= range.end.character)) break;
    out.push(line - prevLine, line === prevLine ? ch - prevCh : ch, data[i + 2]!, data[i + 3]!, data[i + 4]!);
    prevLine = line;
    prevCh = ch;
  }
  return out;
}

/** The last full or delta result each open document's client holds, to answer the next delta from. */
export class TokenResults {
  private last = new Map<string, { id: string; data: Uint32Array }>();
  private next = 1;

  /** Records `data` as the result the client now holds for `uri`; returns its result id. */
  hold(uri: string, data: Uint32Array): string {
    const id = String(this.next++);
    this.last.set(uri, { id, data });
    return id;
  }

  /** What the client said it holds (`previousResultId`), when it is the last result sent for `uri`. */
  held(uri: string, resultId: string): Uint32Array | undefined {
    const l = this.last.get(uri);
    return l && l.id === resultId ? l.data : undefined;
  }

  forget(uri: string): void {
    this.last.delete(uri);
  }
}
