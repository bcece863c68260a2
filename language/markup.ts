// Hover and completion texts are written as Markdown; a client that does not
// take Markdown (LSP's hover.contentFormat and completionItem.documentationFormat
// name its formats, and it names plaintext alone) gets the same text as plain
// text, its Markdown marks taken out: `**bus**` reads bus, a code span its code,
// a table row `| BARs | BAR0 16K |` reads "BARs: BAR0 16K". Which marks are
// taken out, and how a table reads, is our choice. A client that names no
// formats at all (one older than MarkupContent, a script) gets the plain text as
// a string, the form every version of LSP takes there.
import type { MarkupContent } from 'vscode-languageserver';

/** How a client takes hover and documentation texts: Markdown, plain text, or (naming no format) a plain string. */
export type TextForm = 'markdown' | 'plaintext' | 'string';

/** The form a client's list of formats (hover.contentFormat, documentationFormat) asks for. */
export function textForm(formats: unknown): TextForm {
  if (!Array.isArray(formats) || formats.length === 0) return 'string';
  return formats.includes('markdown') ? 'markdown' : 'plaintext';
}

/** One line of Markdown as plain text. */
function plainLine(line: string): string {
  const t = line.trim();
  // A table's header of empty cells and its separator row say nothing in plain text.
  if (/^\|[\s|]*\|$/.test(t) || /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(t)) return '';
  let s = line;
  if (t.startsWith('|') && t.endsWith('|') && t.length > 1) {
    const cells = t
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    s = cells.length === 2 ? `${cells[0]}: ${cells[1]}` : cells.join(' · ');
  }
  if (/^\s*```/.test(s)) return '';
  return s
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1');
}

/** Markdown as plain text (language/markup.ts, top). */
export function plainText(md: string): string {
  const out: string[] = [];
  for (const line of md.split('\n')) {
    const p = plainLine(line);
    // A removed table header leaves no blank line of its own.
    if (p === '' && line.trim() !== '') continue;
    out.push(p);
  }
  return out.join('\n');
}

/** `md` in the form the client takes. */
export function markup(md: string, form: TextForm): MarkupContent | string {
  if (form === 'markdown') return { kind: 'markdown', value: md };
  return form === 'plaintext' ? { kind: 'plaintext', value: plainText(md) } : plainText(md);
}
