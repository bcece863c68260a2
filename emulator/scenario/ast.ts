// The scenario language's syntax tree. Every node carries the 1-based range it
// came from so the CLI, the debug adapter and the language server report and
// navigate to exact positions. Plain data: no classes, no behaviour.
import type { FaultAction } from '../vpci/host/faults';
import { MAX_QUOTE, shortText } from '../format';

/** A 1-based source range; `endCol` is exclusive. */
export interface Loc {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export interface Name {
  name: string;
  loc: Loc;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Diagnostic {
  severity: Severity;
  message: string;
  loc: Loc;
  /** Stable machine-readable code, e.g. `unknown-device`, `slot-conflict`. */
  code: string;
  /** Related location (the first declaration of a duplicate, …). */
  related?: { message: string; loc: Loc };
  /** Replacements for the text at `loc` the user most likely meant, best first ("did you mean"). */
  suggestions?: string[];
}

/**
 * The most diagnostics the parser, and again the checker, keep for one scenario (ours: a bound on
 * memory, not a language rule). A broken file near the 16 MiB size limit can have millions of bad
 * lines, at a few hundred bytes per diagnostic kept; past this many syntax errors the parser stops
 * reading, and past this many problems the checker counts the rest in one last diagnostic.
 */
export const MAX_DIAGNOSTICS = 100_000;

/**
 * The longest bus name (ours). A bus name is in every thread name of its bus, in the transcript's
 * every line, the Call Stack, the topology and the message sequence: a name of a million
 * characters (which the lexer takes as one word) made each step's threads answer megabytes.
 */
export const MAX_BUS_NAME = 64;

/**
 * The most buses, and the most PCI functions (declared, offered and plugged together), one
 * scenario may have (ours: a bound on memory). Each function is a 4 KiB config space, a host
 * model and a guest driver instance; 4,096 single-function buses run in about half a GiB, and a
 * file of 300,000 one-line buses (12 MB, under the size limit) took 9 GB to check.
 */
export const MAX_BUSES = 4096;
export const MAX_FUNCTIONS = 4096;

/** The VM's virtual processors: its `cpus`, or 4 where it names none (ours: the scenario language's default). */
export function vmCpus(vm: Pick<VmDecl, 'cpus'>): number {
  return vm.cpus || 4;
}

export { MAX_QUOTE };

/**
 * Characters a client shows as nothing, or not as themselves, when a message quotes them: controls
 * (a NUL ends the text in some), format characters (zero-width, bidirectional overrides, the
 * byte-order mark), lone surrogate halves, private-use and unassigned code points, line and
 * paragraph separators, spaces other than U+0020 (they pass for one), and the other
 * default-ignorable ones (U+3164 HANGUL FILLER, variation selectors, …). Made at its first use:
 * building its Unicode sets took ~1.2 ms, which every start of the adapter, the CLI and the
 * language server paid at load though only a diagnostic or a rename needs it.
 */
let unseen: RegExp | undefined;
function unseenChars(): RegExp {
  return (unseen ??= /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/gu);
}
/** A lone combining mark would join the quote before it. */
const MARK = /^\p{M}$/u;

/** `U+0000`: a character by its code point. */
export function codePointText(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One character for a message: `'x'` when it shows as itself, else by its code point (`U+0000`, `U+200B`). */
export function charText(c: string): string {
  return c.replace(unseenChars(), '') === '' || MARK.test(c) ? codePointText(c) : `'${c}'`;
}

/**
 * A message (or a text it quotes) with every character a client would not show as itself written as
 * its code point in angle brackets (`dump "a<U+0000>b"`); printable text, accents and emoji stay as
 * they are.
 */
export function visibleText(message: string): string {
  return message.replace(unseenChars(), (c) => `<${codePointText(c)}>`);
}

/**
 * A diagnostic's message with every word (a run of characters other than white space) and every
 * quoted text ('…', on one line) longer than MAX_QUOTE shortened as MAX_QUOTE says. Words first: a
 * name a message repeats without quotes (`so bus NAME is never attached`) is cut as a quoted one
 * is, and the message is then seldom long enough for the second pass. Scanned by hand: the regular
 * expression it was (a quote, 513 or more characters other than a quote or a line break, a quote)
 * overflowed the stack on a word of ~8 million characters, which a scenario under the 16 MiB limit
 * can hold.
 */
export function shortQuotes(message: string): string {
  if (message.length <= MAX_QUOTE) return message;
  return longQuotesCut(longWordsCut(message));
}

/** Every word longer than MAX_QUOTE shortened; a word that is a quote (`'…'`, then punctuation) keeps its marks outside the cut. */
function longWordsCut(message: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < message.length;) {
    while (i < message.length && isSpace(message.charCodeAt(i))) i++;
    let j = i;
    while (j < message.length && !isSpace(message.charCodeAt(j))) j++;
    if (j - i > MAX_QUOTE) {
      const word = message.slice(i, j);
      const close = word.lastIndexOf("'");
      out += message.slice(from, i) + (word[0] === "'" && close > 0 ? shortText(word.slice(1, close), "'") + word.slice(close + 1) : shortText(word));
      from = j;
    }
    i = j;
  }
  return from ? out + message.slice(from) : message;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Every quoted text longer than MAX_QUOTE (with white space in it: a longer word is cut already)
 * shortened. A quote opens at a mark with no letter or digit before it, so the closing mark of one
 * quote (`'boot': the guest never starts …`) or an apostrophe never opens another.
 */
function longQuotesCut(message: string): string {
  if (message.length <= MAX_QUOTE) return message;
  let out = '';
  let from = 0;
  for (let i = message.indexOf("'"); i >= 0;) {
    if (i > 0 && /[\p{L}\p{N}]/u.test(message[i - 1]!)) {
      i = message.indexOf("'", i + 1);
      continue;
    }
    let j = i + 1;
    while (j < message.length && message[j] !== "'" && message[j] !== '\n') j++;
    if (message[j] !== "'" || j - i - 1 <= MAX_QUOTE) {
      // Not a long quote: the next one may open at the next quote mark.
      i = message.indexOf("'", j < message.length ? j + 1 : j);
      continue;
    }
    out += message.slice(from, i) + shortText(message.slice(i + 1, j), "'");
    from = j + 1;
    i = message.indexOf("'", from);
  }
  return from ? out + message.slice(from) : message;
}

/** `function 0` or `function 1.2`: PCI device (0–31) and function (0–7), and their win_slot. */
export interface SlotRef {
  device: number;
  fn: number;
  /** win_slot encoding: device in bits 0–4, function in bits 5–7 (protocol.md §3). */
  wslot: number;
  loc: Loc;
}

export interface MmioDecl {
  name: string;
  base: number;
  size: number;
  loc: Loc;
}

export interface QuirkSwitch {
  name: Name;
  on: boolean;
  loc: Loc;
}

export interface VmDecl {
  loc: Loc;
  host?: Name;
  /** The host profile was written as two words, its year parted by a space (`host hyperv 2022`); `host` holds the one word meant. */
  hostSpaced?: boolean;
  guest?: Name;
  /** Where `host X` and `guest Y` are written, keyword and value (the last, when given twice): the outline's entries for them. */
  hostLoc?: Loc;
  guestLoc?: Loc;
  /** 0 when absent (`vmCpus`). */
  cpus: number;
  /** Where `cpus N` is written (the last, when it is given twice): the outline's entry for it. */
  cpusLoc?: Loc;
  mmio: MmioDecl[];
  quirks: QuirkSwitch[];
}

export interface BarSize {
  index: number | 'rom';
  size: number;
  loc: Loc;
}

export type FunctionSourceAst = { kind: 'catalog'; id: Name } | { kind: 'dump'; path: string; pathLoc: Loc; select?: string; selectLoc?: Loc; bars: BarSize[] };

export interface FunctionDeclAst {
  slot: SlotRef;
  source: FunctionSourceAst;
  serial?: number;
  numa?: number;
  loc: Loc;
}

export interface BusDecl {
  name: Name;
  instance?: { guid: string; loc: Loc };
  functions: FunctionDeclAst[];
  loc: Loc;
}

/** `nic0` or `nic0/1.0`: a bus and optionally a slot on it (default slot 0). */
export interface FnRef {
  bus: Name;
  slot?: SlotRef;
  loc: Loc;
}

/** A message named in a scenario (`create-interrupt`, `PCI_CREATE_INTERRUPT_MESSAGE2`, …). */
export interface MessageRef {
  name: string;
  value: number;
  loc: Loc;
}

export interface FaultDecl {
  bus: Name;
  message: MessageRef;
  action: FaultAction;
  times?: number;
  loc: Loc;
}

interface EventBase {
  /** Virtual time in nanoseconds. */
  time: number;
  loc: Loc;
}

export type TimelineEvent = EventBase &
  (
    | { kind: 'boot' }
    | { kind: 'driver'; target: FnRef; mode: 'msix' | 'msi' | 'none'; vectors: number; /** `msix N` or `msi N` as written. */ vectorsLoc?: Loc }
    | { kind: 'raise'; target: FnRef; vector: number; /** `vector N` as written. */ vectorLoc?: Loc }
    | { kind: 'eject'; target: FnRef }
    | { kind: 'offer'; bus: BusDecl }
    | { kind: 'rescind'; bus: Name }
    | { kind: 'detach'; bus: Name }
    | { kind: 'vanish'; target: FnRef }
    /** `plug nic0 function 1 intel-82599-vf serial 7`: a function joins a live bus (relations update, protocol.md §7.1). */
    | { kind: 'plug'; bus: Name; fn: FunctionDeclAst }
    /** `unplug nic0/1`: a function leaves the bus without an eject (relations update, protocol.md §7.1). */
    | { kind: 'unplug'; target: FnRef }
    | { kind: 'fault'; fault: FaultDecl }
  );

export type BusLifeState = 'attached' | 'failed' | 'detached' | 'rescinded' | 'ejected';

export type Expectation = { loc: Loc } & (
  | { kind: 'state'; bus: Name; state: BusLifeState; before?: number }
  | { kind: 'version'; bus: Name; version: number; /** The version as written. */ versionLoc?: Loc }
  | { kind: 'msix'; target: FnRef; count: number }
  | { kind: 'interrupt'; target: FnRef; vector: number; outcome: 'delivered' | 'undeliverable'; cpu?: number; /** `cpu N` as written. */ cpuLoc?: Loc }
  | { kind: 'message'; message: MessageRef; bus?: Name; negate: boolean; count?: number; before?: number }
  | { kind: 'no-errors' }
);

export interface Scenario {
  /** Text of the leading `#` comment lines (the scenario's title), if any. */
  title?: string;
  vm: VmDecl;
  buses: BusDecl[];
  timeline: TimelineEvent[];
  expectations: Expectation[];
}
