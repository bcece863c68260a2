// Completion in context. The scenario language is line-oriented, so the words
// before the cursor on its line (and which block the cursor is in) say what can
// come next: a keyword, a catalog device, a profile, a bus name, a message….
import { markup, type TextForm } from './markup';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position } from 'vscode-languageserver';
import { scanLine, tokenize, tokensOf, type Token } from '../emulator/scenario/lexer';
import { LineIndex } from '../emulator/scenario/lines';
import { LSP_COLUMNS } from './ranges';
import { versionText, type ScenarioContext } from '../emulator/scenario/context';
import { formatTime, timeLiteral } from '../emulator/format';
import { BUS_STATES, TOP_KEYWORDS, VM_KEYWORDS, BUS_KEYWORDS, EVENT_KEYWORDS, FAULT_ACTIONS, FUNCTION_OPTIONS, OUTCOMES, EXPECT_BUS_FORMS } from './vocabulary';
import { deviceDetail } from './device-info';
import { DUMP_ONLY_OPTIONS, EXPECT_TARGET_FORMS, keywordHelp, syntaxShown, type KeywordRole } from '../emulator/scenario/keywords';
import { EVENTS, faultActionArity, isEventKeyword, isFaultActionKeyword } from '../emulator/scenario/events';
import { deviceMarkdown, messageMarkdown, mmioRangeMarkdown, quirkMarkdown, versionsText } from './hover';
import { HOST_TO_GUEST_MESSAGES } from '../emulator/vpci/protocol';
import type { VectorFacts } from './packed';

export type Block = 'top' | 'vm' | 'bus';

/** Which block the 0-based position is in, from the brace structure before it (tokens read as they come), the text starting in block `start`. */
function blockAt(tokens: Iterable<Token>, line: number, start: Block = 'top'): Block {
  const stack: Block[] = start === 'top' ? [] : [start];
  let stmtFirst: string | undefined;
  for (const t of tokens) {
    if (t.loc.line - 1 >= line) break;
    if (t.kind === 'newline') {
      stmtFirst = undefined;
      continue;
    }
    if (t.kind === 'comment') continue;
    if (stmtFirst === undefined) stmtFirst = t.text;
    if (t.kind === 'lbrace') stack.push(stmtFirst === 'vm' ? 'vm' : 'bus');
    else if (t.kind === 'rbrace') {
      stack.pop();
      stmtFirst = undefined;
    }
  }
  return stack[stack.length - 1] ?? 'top';
}

/** The text of a line's first token (read from its first few characters only). */
function firstWord(line: string): string | undefined {
  let i = line.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t' || line[i] === '\f' || line[i] === '\v')) i++;
  // Enough to tell `vm` from a longer word: the word and the character after it.
  return tokenize(line.slice(0, i + 3)).find((t) => t.kind !== 'eof')?.text;
}

const kw = (words: readonly string[], detail?: string): CompletionItem[] =>
  words.map((w) => ({ label: w, kind: CompletionItemKind.Keyword, ...(detail ? { detail } : {}) }));

/**
 * Keyword items with their syntax and meaning in that role, from the language's tables
 * (keywordHelp); `within` picks the row of a word used in several statements (`on` after
 * `quirk NAME` or after `expect message …`).
 */
const kwHelp = (words: readonly string[], role: KeywordRole, within?: string): CompletionItem[] =>
  words.map((w) => {
    const all = keywordHelp(w, role);
    const help = all.find((h) => within === undefined || h.syntax.includes(within)) ?? all[0];
    return {
      label: w,
      kind: CompletionItemKind.Keyword,
      ...(help ? { detail: syntaxShown(help.syntax), documentation: { kind: 'markdown' as const, value: `${help.summary}.` } } : {}),
    };
  });

/** The words inside a statement (delivered, before, times …: keywords.ts MODIFIERS), as kwHelp gives them. */
const kwMod = (words: readonly string[], within?: string): CompletionItem[] => kwHelp(words, 'modifier', within);

export interface CompletionInput {
  text: string;
  position: Position;
  ctx: ScenarioContext;
  busNames: readonly string[];
  /** Declared functions as `bus/D.F`, for completing a slot after `bus/`. */
  functions?: readonly string[];
  /** The distinct times the timeline's events are at (ns, ascending): offered after `at `. */
  times?: readonly number[];
  /** Per function (`bus/D.F`): the MSI-X vectors its device has, those its driver event enabled, those raised. */
  vectors?: Readonly<Record<string, VectorFacts>>;
  /** The VM's virtual processors, offered after `delivered cpu `, and its host profile and guest model (their common versions after `version `). */
  machine?: { cpus: number; host: string; guest: string };
  /** The client accepts snippet completions (whole-block templates at the top level). */
  snippets?: boolean;
  /** The client takes an InsertReplaceEdit (insert up to the cursor, or replace the whole word): LSP's insertReplaceSupport. */
  insertReplace?: boolean;
  /**
   * The client's command that opens completion again (VS Code's editor.action.triggerSuggest, named by
   * the extension in initializationOptions), run after accepting an item that has more to follow (a
   * time after `at `), or undefined: such items then carry no command. LSP commands are the client's
   * to run, and one it does not know is sent back as workspace/executeCommand, which this server does
   * not take: Neovim and Helix said so at every accepted time.
   */
  retrigger?: string;
  /** The form the client takes documentation in (completionItem.documentationFormat; language/markup.ts): Markdown by default. */
  documentation?: TextForm;
  /** The line of `position` in the document, when `text` is a window of it from a later line: the edits' line. */
  documentLine?: number;
  /** The block the text's first line is in, when the text is a window that starts inside one (default: the top level). */
  startBlock?: Block;
}

/** Whole-statement templates; the vm block offers the host profiles and guest models the context knows. */
const snippetsFor = (ctx: ScenarioContext): { label: string; detail: string; body: string }[] => [
  {
    label: 'vm block',
    detail: 'host profile, guest model, CPUs',
    body: `vm {\n  host \${1|${ctx.hostProfiles.map((p) => p.name).join(',')}|}\n  guest \${2|${ctx.guestModels.map((g) => g.name).join(',')}|}\n  cpus \${3:4}\n}\n`,
  },
  { label: 'bus block', detail: 'a vPCI bus with one catalog function', body: 'bus ${1:nic0} {\n  function 0 ${2:intel-82599-vf}\n}\n' },
  { label: 'boot', detail: 'the guest boots: the buses declared with bus start then', body: 'at ${1:0} boot\n' },
  {
    label: 'fault',
    detail: 'make the host answer a message with a status',
    // A message every guest sends under every protocol version (create-interrupt is one of three, by the version negotiated).
    body: 'at ${1:0} fault ${2:nic0} ${3:bus-d0entry} status ${4:STATUS_BAD_DATA} times ${5:1}\n',
  },
  {
    label: 'hot-plug',
    detail: 'offer a bus at a time, then eject it',
    body: 'at ${1:6ms} offer ${2:nvme0} { function 0 ${3:samsung-pm174x-nvme} }\nat ${4:10ms} eject ${2:nvme0}\nexpect ${2:nvme0} ejected before ${5:65s}\n',
  },
];

/**
 * More words than this before the cursor on a line, and completion has nothing to offer there.
 * Ours: the longest statements of the language (a function clause with its dump, select and
 * every BAR size) are a few dozen words.
 */
const MAX_STATEMENT_TOKENS = 1000;

/** The characters of the words completion offers (names, devices, messages, slots `1.0`, versions): `/` and spaces part them. */
const WORD_CHAR = /[A-Za-z0-9_\-.:]/;

/** Stands for CompletionInput.retrigger in the items until complete() puts the client's command in its place (or none). */
const RETRIGGER = '(retrigger completion)';

/**
 * The items for `input`, each with the edit that puts it in place of the word at the cursor: the
 * run of word characters before it and the rest of that word after it (UTF-16 units, as LSP and
 * JavaScript strings count). Without an edit, the client's own word definition decides what is
 * replaced, and one that stops at `-` or `.` leaves `intel-intel-82599-vf` or `1.1.0`.
 */
export function complete(input: CompletionInput): CompletionItem[] {
  const items = completeItems(input);
  if (!items.length) return items;
  const line = new LineIndex(input.text).line(input.position.line + 1);
  const at = Math.max(0, Math.min(input.position.character, line.length));
  let s = at;
  let e = at;
  while (s > 0 && WORD_CHAR.test(line[s - 1]!)) s--;
  while (e < line.length && WORD_CHAR.test(line[e]!)) e++;
  const pos = (character: number): Position => ({ line: input.documentLine ?? input.position.line, character });
  const insert = { start: pos(s), end: pos(at) };
  const replace = { start: pos(s), end: pos(e) };
  for (const item of items) {
    const newText = item.insertText ?? item.label;
    item.textEdit = input.insertReplace ? { newText, insert, replace } : { newText, range: replace };
    if (input.documentation && input.documentation !== 'markdown' && typeof item.documentation === 'object' && item.documentation.kind === 'markdown')
      item.documentation = markup(item.documentation.value, input.documentation);
    if (item.command?.command === RETRIGGER) {
      if (input.retrigger) item.command = { ...item.command, command: input.retrigger };
      else delete item.command;
    }
  }
  return items;
}

/** A slot as written (`1`, `1.2`) as the `D.F` functions are keyed by, or undefined. */
function slotKey(text: string | undefined): string | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text ?? '');
  return m ? `${Number(m[1])}.${Number(m[2] ?? 0)}` : undefined;
}

/** Numbers `lo`..`hi` - 1 as Value items, in numeric order. */
const numbers = (lo: number, hi: number, detail: (k: number) => string): CompletionItem[] =>
  Array.from({ length: Math.max(0, hi - lo) }, (_, k) => ({
    label: String(lo + k),
    kind: CompletionItemKind.Value,
    detail: detail(lo + k),
    sortText: String(lo + k).padStart(5, '0'),
  }));

function completeItems({
  text,
  position,
  ctx,
  busNames,
  functions = [],
  times = [],
  vectors = {},
  machine,
  snippets = false,
  startBlock = 'top',
}: CompletionInput): CompletionItem[] {
  // Lines end at \n, \r\n or a lone \r (emulator/scenario/lines.ts), as the lexer that finds the
  // block counts them: split on \n alone, a lone-\r text would be one line and the context wrong.
  const index = new LineIndex(text);
  const lineText = index.line(position.line + 1).slice(0, Math.max(0, position.character));
  // One pass over the line's characters (no tokens made): a comment before the cursor means
  // nothing to offer, and statements after a `{` or `}` on the same line restart the context
  // there, so only the text after the last brace is tokenized — a 1 MB line is not, at every key.
  const scan = scanLine(lineText, lineText.length);
  if (scan.comment) return [];
  const rest = lineText.slice(scan.afterBrace);
  // tokenize takes a U+FEFF that starts its text for a byte-order mark (one unit of the line, as
  // LSP counts: LSP_COLUMNS); one after a brace is an invalid character, as when the whole line is
  // read: a space in front keeps it one.
  const lead = scan.afterBrace > 0 && rest.charCodeAt(0) === 0xfeff ? ' ' : '';
  const toks: Token[] = [];
  for (const t of tokensOf(lead + rest, LSP_COLUMNS)) {
    if (t.kind === 'eof' || t.kind === 'newline') continue;
    // A stray `=` or no-break space is read past by the parser: by completion too (`host = ` offers the profiles).
    if (t.kind === 'invalid' && t.recover) continue;
    // Nothing to continue, and no tokens kept by the million on a line of millions of words.
    if (toks.length === MAX_STATEMENT_TOKENS) return [];
    toks.push(t);
  }
  // Inside a string left open nothing goes; after one in curly quotes (read as a string), what goes after a string does.
  if (toks.length && toks[toks.length - 1]!.kind === 'string' && toks[toks.length - 1]!.error && !toks[toks.length - 1]!.recover) return [];
  // The word being typed (touching the cursor) is not context.
  const last = toks[toks.length - 1];
  let words = toks;
  if (last && last.loc.endCol - 1 === lead.length + rest.length && /[A-Za-z0-9_\-.:]$/.test(rest)) words = toks.slice(0, -1);
  // The block the statement is in: after a brace on this line, the brace says; else the lines before.
  let block: Block;
  if (scan.afterBrace === 0) block = blockAt(tokensOf(text.slice(0, index.startOf(position.line + 1)), LSP_COLUMNS), position.line, startBlock);
  else if (lineText[scan.afterBrace - 1] === '}') block = 'top';
  // A `{`: the block of the statement it ends (from the brace before it, if any), `vm` or another.
  else block = firstWord(lineText.slice(scanLine(lineText, scan.afterBrace - 1).afterBrace)) === 'vm' ? 'vm' : 'bus';
  const w = words.map((t) => (t.kind === 'slash' ? '/' : t.text));
  const n = w.length;

  const buses = (): CompletionItem[] => busNames.map((b) => ({ label: b, kind: CompletionItemKind.Variable, detail: 'bus' }));
  const devices = (): CompletionItem[] =>
    ctx.devices.map((d) => ({
      label: d.id,
      kind: CompletionItemKind.Class,
      // Short (language/device-info.ts): a longer detail cut the device names themselves
      // ("mellanox-cx3-…"); the title, BARs and interrupts are in the documentation beside the list.
      detail: deviceDetail(d.id) ?? d.detail,
      documentation: { kind: 'markdown', value: deviceMarkdown(d.id, ctx) ?? d.title },
    }));
  const profiles = (): CompletionItem[] =>
    ctx.hostProfiles.map((p) => ({ label: p.name, kind: CompletionItemKind.EnumMember, detail: `${p.title} — accepts ${versionsText(p.versions)}` }));
  const guests = (): CompletionItem[] =>
    ctx.guestModels.map((g) => ({ label: g.name, kind: CompletionItemKind.EnumMember, detail: `${g.title} — offers ${versionsText(g.versions)}` }));
  const quirks = (): CompletionItem[] =>
    ctx.quirks.map((q) => ({
      label: q.name,
      kind: CompletionItemKind.Property,
      detail: `${q.summary} (${q.models.join(', ')})`,
      documentation: { kind: 'markdown', value: quirkMarkdown(q.name) ?? q.summary },
    }));
  /** The messages, or (`guestSent`, where a fault names one) those the guest sends: a fault on a host's message never fires. */
  const messages = (guestSent = false): CompletionItem[] => {
    const out: CompletionItem[] = [];
    for (const m of ctx.messages) {
      if (guestSent && HOST_TO_GUEST_MESSAGES.includes(m.value)) continue;
      const doc = { kind: 'markdown' as const, value: messageMarkdown(m.name, ctx) ?? m.name };
      const hex = `0x${m.value.toString(16).toUpperCase()}`;
      for (const a of m.aliases) out.push({ label: a, kind: CompletionItemKind.Event, detail: `${m.name} (${hex})`, documentation: doc, sortText: `0${a}` });
      out.push({ label: m.name, kind: CompletionItemKind.Event, detail: hex, documentation: doc, sortText: `1${m.name}` });
    }
    return out;
  };
  // The versions both the scenario's host and guest support (another is the version-unreachable warning); all of them when none is.
  const versions = (): CompletionItem[] => {
    const all = [...new Set(ctx.hostProfiles.flatMap((p) => p.versions))].sort((a, b) => a - b);
    const host = machine && ctx.hostProfiles.find((p) => p.name === machine.host);
    const guest = machine && ctx.guestModels.find((g) => g.name === machine.guest);
    const common = host && guest ? all.filter((v) => host.versions.includes(v) && guest.versions.includes(v)) : [];
    return (common.length ? common : all).map((v, k) => {
      const hosts = ctx.hostProfiles.filter((p) => p.versions.includes(v)).map((p) => p.name);
      const guests = ctx.guestModels.filter((g) => g.versions.includes(v)).map((g) => g.name);
      return {
        label: versionText(v),
        kind: CompletionItemKind.Value,
        detail: `vPCI ${versionText(v)} (0x${v.toString(16).padStart(8, '0')})`,
        documentation: {
          kind: 'markdown' as const,
          value: `Accepted by ${hosts.join(', ') || 'no host profile'}; offered by ${guests.join(', ') || 'no guest model'}.`,
        },
        sortText: String(k).padStart(3, '0'),
      };
    });
  };
  const statuses = (): CompletionItem[] =>
    ctx.statuses.map((s) => ({ label: s.name, kind: CompletionItemKind.Constant, detail: `0x${(s.value >>> 0).toString(16).toUpperCase().padStart(8, '0')}` }));

  // `before `: the times the timeline's events are at and a millisecond after the last (deadlines are strict, so
  // the event at a time is not before it; 0 is the zero-deadline warning, never offered).
  const deadlines = (): CompletionItem[] => {
    const last = times[times.length - 1];
    return [...new Set([...times.filter((t) => t > 0), ...(last !== undefined ? [last + 1_000_000] : [])])].map((t, k) => ({
      label: timeLiteral(t),
      kind: CompletionItemKind.Value,
      detail: times.includes(t) ? `deadline ${formatTime(t)}: strictly before the events at it` : 'deadline a millisecond after the last event',
      sortText: String(k).padStart(3, '0'),
    }));
  };
  // After a catalog device, the options that size or pick a dump's device are the dump-only error: not offered.
  const functionOptions = (dump: boolean): CompletionItem[] =>
    kwHelp(
      FUNCTION_OPTIONS.filter((o) => dump || !DUMP_ONLY_OPTIONS.includes(o)),
      'function option',
    );

  /**
   * After a function's source (`opts`: the words after it), what goes next: after `bar` the BAR indexes not yet sized
   * (lspci's Region N), after `bar N` or `rom` a size, after another option's word its value (none offered), else the
   * options not yet given (each goes once: duplicate-option; `bar` while an index is left).
   */
  const afterSource = (opts: readonly string[], dump: boolean): CompletionItem[] => {
    const sized = new Set<string>();
    opts.forEach((o, k) => {
      if (o === 'bar' && k + 1 < opts.length) sized.add(String(Number(opts[k + 1])));
    });
    const prev = opts[opts.length - 1] ?? '';
    if (prev === 'bar')
      return numbers(0, 6, (k) => `BAR ${k}: lspci's Region ${k}, config offset 0x${(0x10 + 4 * k).toString(16)}`).filter((x) => !sized.has(x.label));
    // A BAR decodes a power of two (bar-size): a few common ones, in order.
    if (prev === 'rom' || opts[opts.length - 2] === 'bar')
      return ['4K', '16K', '64K', '1M', '16M', '256M', '1G'].map((z, k) => ({
        label: z,
        kind: CompletionItemKind.Value,
        detail: `${z.slice(0, -1)} ${z.slice(-1)}iB`,
        sortText: String(k).padStart(3, '0'),
      }));
    if ((FUNCTION_OPTIONS as readonly string[]).includes(prev)) return [];
    return functionOptions(dump).filter((o) => (o.label === 'bar' ? sized.size < 6 : !opts.includes(o.label)));
  };

  // `nic0/` → the slots declared on nic0, where a function goes (an event's or expectation's target); none where a bus goes.
  if (n >= 2 && w[n - 1] === '/') {
    const ev = w[2] ?? '';
    if (!(n === 3 && w[0] === 'expect') && !(n === 5 && w[0] === 'at' && isEventKeyword(ev) && EVENTS[ev].target === 'function')) return [];
    const prefix = `${w[n - 2]}/`;
    return functions
      .filter((f) => f.startsWith(prefix))
      .map((f) => ({ label: f.slice(prefix.length), kind: CompletionItemKind.Field, detail: `function ${f}` }));
  }
  if (n === 0) {
    if (block === 'vm') return kwHelp(VM_KEYWORDS, 'vm setting');
    if (block === 'bus') return kwHelp(BUS_KEYWORDS, 'bus item');
    const snips: CompletionItem[] = snippets
      ? snippetsFor(ctx).map((x) => ({
          label: x.label,
          kind: CompletionItemKind.Snippet,
          detail: x.detail,
          insertText: x.body,
          insertTextFormat: InsertTextFormat.Snippet,
        }))
      : [];
    return [...kwHelp(TOP_KEYWORDS, 'statement'), ...snips];
  }
  const first = w[0]!;
  // vm { … } (its settings are nowhere else: `host` at the top level is an error, with nothing to offer after it)
  if (block === 'vm') {
    if (first === 'host' && n === 1) return profiles();
    if (first === 'guest' && n === 1) return guests();
    if (first === 'quirk' && n === 1) return quirks();
    if (first === 'quirk' && n === 2) return kwMod(['on', 'off'], 'quirk');
    if (first === 'mmio' && n === 1)
      return ['low', 'high'].map((r) => ({
        label: r,
        kind: CompletionItemKind.EnumMember,
        detail: `VMBus MMIO range ${r === 'low' ? 'below' : 'above'} 4 GiB`,
        documentation: { kind: 'markdown' as const, value: mmioRangeMarkdown(r)! },
      }));
    if (first === 'mmio' && n === 3) return kwMod(['size']);
    return [];
  }
  // function <slot> <device | dump "…"> options
  if (first === 'function') {
    if (n === 2) return [...devices(), ...kw(['dump'], 'a function described by an lspci dump')];
    // `dump ` is followed by its path in quotes, never an option.
    if (w[n - 1] === 'dump') return [];
    if (n >= 3) return afterSource(w.slice(w[2] === 'dump' ? 4 : 3), w[2] === 'dump');
    return [];
  }
  if (first === 'bus') return [];
  if (first === 'at') {
    // `at `: the times the timeline's events are at (one more at the same time), the last a millisecond on, or 0 (boot) first.
    // Absolute times (virtual time since boot): the form the parser takes. Accepting one asks for the events next.
    if (n === 1) {
      const last = times[times.length - 1];
      const offered = [...new Set([...(times.length ? times : [0]), ...(last !== undefined ? [last + 1_000_000] : [])])];
      return offered.map((t, k) => ({
        label: timeLiteral(t),
        kind: CompletionItemKind.Value,
        detail: times.includes(t) ? `virtual time ${formatTime(t)}: events are at it` : t === 0 ? 'time 0: boot' : `virtual time: 1 ms after the last event`,
        insertText: `${timeLiteral(t)} `,
        sortText: String(k).padStart(3, '0'),
        command: { title: 'the events', command: RETRIGGER },
      }));
    }
    if (n === 2) return kwHelp(EVENT_KEYWORDS, 'event');
    const ev = w[2]!;
    const rest = w.slice(3);
    const row = isEventKeyword(ev) ? EVENTS[ev] : undefined;
    // The function an event names: `nic0` (slot 0) or `nic0/1.0`; its key `bus/D.F`, and the words after it.
    const target = rest[1] === '/' ? { key: `${rest[0]}/${slotKey(rest[2]) ?? ''}`, after: rest.slice(3) } : { key: `${rest[0]}/0.0`, after: rest.slice(1) };
    // `raise nic0 vector `: the vectors its driver event enabled (else, the device's MSI-X vectors).
    if (ev === 'raise' && target.after.length === 1 && target.after[0] === 'vector') {
      const v = vectors[target.key];
      const enabled = v?.enabled;
      if (enabled !== undefined) return numbers(0, enabled, () => `one of the ${enabled} vectors the driver enabled on ${target.key}`);
      if (v?.msix) return numbers(0, v.msix, () => `MSI-X vector of ${target.key} (no driver event enables it yet)`);
      return [];
    }
    // `driver nic0 msix `: up to the MSI-X vectors the function's device has.
    if (ev === 'driver' && target.after.length === 1 && target.after[0] === 'msix') {
      const m = vectors[target.key]?.msix;
      if (!m) return [];
      return [...new Set([1, Math.min(3, m), m])].map((k, i) => ({
        label: String(k),
        kind: CompletionItemKind.Value,
        detail: k === m ? `all ${m} MSI-X vectors ${target.key} has` : `of the ${m} MSI-X vectors ${target.key} has`,
        sortText: String(i).padStart(3, '0'),
      }));
    }
    // `driver nic0 msi `: the counts MSI can enable (powers of two: msi-count) up to what the device's capability takes.
    if (ev === 'driver' && target.after.length === 1 && target.after[0] === 'msi') {
      const m = vectors[target.key]?.msi;
      if (!m) return [];
      return [1, 2, 4, 8, 16, 32]
        .filter((k) => k <= m)
        .map((k, i) => ({
          label: String(k),
          kind: CompletionItemKind.Value,
          detail: k === m ? `all ${m} MSI vector${m === 1 ? '' : 's'} ${target.key} has` : `of the ${m} MSI vectors ${target.key} has`,
          sortText: String(i).padStart(3, '0'),
        }));
    }
    // `plug nic0 function `: the slots (PCI devices 0..31) that no function of the bus holds.
    if (ev === 'plug' && rest.length === 2 && rest[1] === 'function') {
      const held = new Set(functions.filter((f) => f.startsWith(`${rest[0]}/`)).map((f) => Number(f.slice(rest[0]!.length + 1).split('.')[0])));
      return numbers(0, 32, (d) => `free slot ${d} on ${rest[0]}`).filter((x) => !held.has(Number(x.label)));
    }
    // A target (bus or bus/slot) comes right after the event word, then the words its row names.
    if (n === 3 && (row?.target === 'function' || row?.target === 'bus')) return buses();
    const afterTarget = rest.length === 1 || (row?.target === 'function' && rest.length === 3 && rest[1] === '/');
    // After `driver nic0`, not the interrupt kinds its catalog device lacks (the interrupts-unsupported warning).
    const lacks = (k: string): boolean => ev === 'driver' && vectors[target.key]?.[k === 'msix' ? 'msix' : 'msi'] === 0 && k !== 'none';
    if (afterTarget && row?.then)
      return row.then
        .filter((t) => !lacks(t))
        .map((t) => ({
          label: t,
          kind: CompletionItemKind.Keyword,
          detail: syntaxShown(row.syntax),
          documentation: { kind: 'markdown' as const, value: `${row.summary}.` },
        }));
    // at T plug <bus> function <slot> <device | dump "…"> options (the function clause of a bus block)
    if (ev === 'plug') {
      if (rest[1] === 'function' && rest.length === 3) return [...devices(), ...kw(['dump'], 'a function described by an lspci dump')];
      if (w[n - 1] === 'dump') return [];
      if (rest[1] === 'function' && rest.length >= 4) return afterSource(rest.slice(rest[3] === 'dump' ? 5 : 4), rest[3] === 'dump');
      return [];
    }
    if (ev === 'fault') {
      if (rest.length === 1) return messages(true);
      if (rest.length === 2) return kwHelp(FAULT_ACTIONS, 'fault action');
      if (rest[rest.length - 1] === 'status') return statuses();
      // `times N` may follow every action, once its arguments are written (none after no-reply or vanish, two after flip).
      const action = rest[2]!;
      if (isFaultActionKeyword(action) && rest.length === 3 + faultActionArity(action)) return kwMod(['times']);
    }
    return [];
  }
  if (first === 'expect') {
    if (n === 1) return [...buses(), ...kwHelp(['message'], 'expectation'), ...kwMod(['no'])];
    if (w[1] === 'no' && n === 2) return kwHelp(['message', 'errors'], 'expectation');
    const mi = w.indexOf('message');
    if (mi === 1 || mi === 2) {
      if (n === mi + 1) return messages();
      const prev = w[n - 1]!;
      if (prev === 'on') return buses();
      if (prev === 'before') return deadlines();
      if (prev === 'count') return [];
      // After `no`, a count is the negated-count warning: not offered.
      return kwMod(
        ['on', 'count', 'before'].filter((k) => !w.includes(k) && !(k === 'count' && w[1] === 'no')),
        'message',
      );
    }
    // expect <bus>[/slot] …: with a slot, only the forms about one function (states and version are a whole bus's).
    let i = 2;
    if (w[2] === '/') i = 4;
    if (n === i && i === 4) return kwHelp(EXPECT_TARGET_FORMS, 'expectation');
    if (n === i) return [...kw(BUS_STATES, 'bus state'), ...kwHelp(EXPECT_BUS_FORMS, 'expectation')];
    const form = w[i]!;
    if ((BUS_STATES as readonly string[]).includes(form) && n === i + 1) return kwMod(['before'], 'STATE');
    if ((BUS_STATES as readonly string[]).includes(form) && n === i + 2 && w[i + 1] === 'before') return deadlines();
    // `version`: the versions some host profile accepts, as MAJOR.MINOR (the form the parser takes), with who accepts and offers each.
    if (form === 'version' && i === 2 && n === i + 1) return versions();
    // `expect nic0 vector `: the vectors raise events raise on the function (no other is ever delivered).
    // `expect nic0 msix `: the MSI-X entries the guest programs, the first driver event's count capped at the
    // device's table (it gets what the device has: docs/scenario-language.md, vectors-beyond-device), 0 without one.
    if ((form === 'msix' || form === 'vector') && n === i + 1) {
      const key = `${w[1]}/${i === 4 ? (slotKey(w[3]) ?? '') : '0.0'}`;
      const v = vectors[key];
      if (!v) return [];
      if (form === 'vector')
        return (v.raised ?? []).map((k, j) => ({
          label: String(k),
          kind: CompletionItemKind.Value,
          detail: `vector ${k}, which a raise event on ${key} raises`,
          sortText: String(j).padStart(3, '0'),
        }));
      const asked = v.enabled !== undefined && v.msixEnabled ? v.enabled : 0;
      // A dump's table size is not known here: after its driver event, nothing is offered.
      if (asked && v.msix === undefined) return [];
      const count = Math.min(asked, v.msix ?? 0);
      return [
        {
          label: String(count),
          kind: CompletionItemKind.Value,
          detail: count ? `the MSI-X vectors the driver event enables on ${key}` : asked ? `${key} has no MSI-X` : `no driver event enables MSI-X on ${key}`,
        },
      ];
    }
    if (form === 'vector' && n === i + 2) return kwMod(OUTCOMES);
    if (form === 'vector' && w[i + 2] === 'delivered' && n === i + 3) return kwMod(['cpu']);
    // `delivered cpu `: the VM's CPUs (one at or beyond its count is the no-such-cpu error).
    if (form === 'vector' && w[i + 2] === 'delivered' && w[i + 3] === 'cpu' && n === i + 4 && machine)
      return numbers(0, machine.cpus, (k) => `virtual CPU ${k} of the VM's ${machine.cpus}`);
    return [];
  }
  return [];
}
