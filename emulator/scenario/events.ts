// The scenario language's timeline events (`at TIME EVENT`) and host-fault
// actions: one row each, the one place an event is defined. A row says how the
// event is written (for the parser, the docs, completion, hover and the TextMate
// grammar), how it is parsed into its ast.ts node, and which bus and slot it acts
// on (for the checker, the language server's name index and the machine). The
// parser, scripts/generate.ts and the machine read this table; adding an event
// is its node in ast.ts (TimelineEvent), its row here, and what the machine does
// with it (machine.ts runTimeline).
import type { BusDecl, FnRef, FunctionDeclAst, Loc, MessageRef, Name, SlotRef, TimelineEvent } from './ast';
import type { Token } from './lexer';
import type { FaultAction } from '../vpci/host/faults';
import { messageByName } from '../vpci/protocol';

export type EventKind = TimelineEvent['kind'];
export type EventOf<K extends EventKind> = Extract<TimelineEvent, { kind: K }>;
type Body<K extends EventKind> = Omit<EventOf<K>, 'kind' | 'time' | 'loc'>;

/** What a row's parser may use: the statement parser's primitives (parser.ts). Each throws a diagnostic on bad input. */
export interface StatementParser {
  peek(offset?: number): Token;
  take(): Token;
  isWord(word: string, offset?: number): boolean;
  /** Takes the word or fails with "expected 'word'". */
  keyword(word: string): Token;
  expected(what: string, at?: Token): never;
  fail(loc: Loc, code: string, message: string, suggestions?: string[]): never;
  int(what: string, lo: number, hi: number): number;
  duration(what: string): number;
  busName(): Name;
  fnRef(): FnRef;
  /** The function clause after `function` (slot, source, options) on bus `bus`, as inside a bus block. */
  functionDecl(functionKeyword: Token, bus: Name): FunctionDeclAst;
  /** A bus name and its `{ … }` body. */
  busDecl(start: Loc): BusDecl;
  message(): MessageRef;
  faultAction(): FaultAction;
  /** The repeat count the last fault action had written before it (`times 2 no-reply`, a slip said with its fix), if it had. */
  timesBeforeAction(): number | undefined;
  /** A status given by name: the checker fills in its number. */
  statusName(action: FaultAction & { kind: 'status' }, name: Token): void;
  /** From `from` to the end of the last token taken. */
  span(from: Loc): Loc;
  /** Two runs of tokens written the other way round: one error over both, with them swapped as the fix. */
  swapped(first: readonly Token[], second: readonly Token[], why: string): never;
}

/** What the first argument of an event is: nothing, a function (`nic0` or `nic0/1.0`), a bus, or a bus declared here. */
export type EventTarget = 'none' | 'function' | 'bus' | 'new-bus';

export interface EventRow<K extends EventKind> {
  /** How it is written after `at TIME` (the docs' grammar notation: quoted words are literal). */
  syntax: string;
  /** What happens, in one sentence (completion, hover, docs). */
  summary: string;
  target: EventTarget;
  /** A message name follows the target (the grammar colours it as one). */
  message?: true;
  /** The words that can come right after the target (completion offers them). */
  then?: readonly string[];
  /** What the event takes away for the rest of the run: later events on it are errors. */
  removes?: 'bus' | 'function';
  /** A removed function still holds its slot (nothing can be plugged there). */
  keepsSlot?: true;
  parse(p: StatementParser, keyword: Token): Body<K>;
  /** The bus, and the slot when one is named, the event acts on. */
  ref(e: EventOf<K>): { bus: Name; slot?: SlotRef | undefined } | undefined;
}

export const EVENTS: { readonly [K in EventKind]: EventRow<K> } = {
  boot: {
    syntax: "'boot'",
    summary: 'the guest boots: every bus declared with `bus` is offered and its bridge driver attaches',
    target: 'none',
    parse: () => ({}),
    ref: () => undefined,
  },
  driver: {
    syntax: "'driver' target ('msix' N | 'msi' N | 'none')",
    summary: "the function's driver loads and enables N MSI-X or MSI vectors (or no interrupts)",
    target: 'function',
    then: ['msix', 'msi', 'none'],
    parse(p) {
      const target = p.fnRef();
      if (p.isWord('none')) {
        p.take();
        return { target, mode: 'none', vectors: 0 };
      }
      if (p.isWord('msix') || p.isWord('msi')) {
        const kw = p.take();
        const mode = kw.text as 'msix' | 'msi';
        const vectors = p.int('the vector count', 1, mode === 'msi' ? 32 : 2048);
        // `msix 3 vectors`, as it is said: the word after the count, with removing it as the fix (as in `expect nic0 msix 3`).
        const v = p.peek();
        if (v.kind === 'word' && (v.text === 'vectors' || v.text === 'vector') && v.loc.line === kw.loc.line) {
          // After a bad count (said already), taken without a word: the statement is dropped for it.
          if (Number.isNaN(vectors)) p.take();
          else
            p.fail(
              v.loc,
              'unexpected-token',
              `unexpected '${v.text}': '${mode} N' is the vector count alone (${mode} ${vectors}, not ${mode} ${vectors} ${v.text})`,
              [''],
            );
        }
        return { target, mode, vectors, vectorsLoc: p.span(kw.loc) };
      }
      bareNumber(p, "the vector count follows the kind of interrupt, 'msix' or 'msi'", ['msix', 'msi']);
      return p.expected("'msix N', 'msi N' or 'none'");
    },
    ref: (e) => e.target,
  },
  raise: {
    syntax: "'raise' target 'vector' N",
    summary: 'the device signals interrupt vector N (MSI-X table entry or MSI message N)',
    target: 'function',
    then: ['vector'],
    parse(p) {
      const target = p.fnRef();
      bareNumber(p, "the vector follows the word 'vector'", ['vector']);
      const kw = p.keyword('vector');
      const vector = p.int('the vector', 0, 2047);
      return { target, vector, vectorLoc: p.span(kw.loc) };
    },
    ref: (e) => e.target,
  },
  eject: {
    syntax: "'eject' target",
    summary: 'the host sends PCI_EJECT; the guest releases the function and answers PCI_EJECTION_COMPLETE',
    target: 'function',
    removes: 'function',
    parse: (p) => ({ target: p.fnRef() }),
    ref: (e) => e.target,
  },
  offer: {
    syntax: "'offer' NAME bus-body",
    summary: 'a bus that appears at this time: its channel is offered and the bridge driver attaches',
    target: 'new-bus',
    parse: (p) => ({ bus: p.busDecl(p.peek().loc) }),
    ref: () => undefined,
  },
  rescind: {
    syntax: "'rescind' NAME",
    summary: 'the host rescinds the bus channel (without an eject); the guest detaches the bridge',
    target: 'bus',
    removes: 'bus',
    parse: (p) => ({ bus: p.busName() }),
    ref: (e) => ({ bus: e.bus }),
  },
  detach: {
    syntax: "'detach' NAME",
    summary: 'the guest unloads the bridge driver (as on shutdown): D0 exit and the resources released',
    target: 'bus',
    removes: 'bus',
    parse: (p) => ({ bus: p.busName() }),
    ref: (e) => ({ bus: e.bus }),
  },
  vanish: {
    syntax: "'vanish' target",
    summary: 'surprise removal: the function stops answering (config reads return all-ones) without any message',
    target: 'function',
    removes: 'function',
    keepsSlot: true,
    parse: (p) => ({ target: p.fnRef() }),
    ref: (e) => e.target,
  },
  plug: {
    syntax: "'plug' NAME function",
    summary: 'a function joins a live bus: the host sends a new BUS_RELATIONS(2) listing the complete set',
    target: 'bus',
    then: ['function'],
    parse(p) {
      const bus = p.busName();
      if (!p.isWord('function')) return p.expected("'function' and the function to plug (as inside a bus block)");
      return { bus, fn: p.functionDecl(p.take(), bus) };
    },
    ref: (e) => ({ bus: e.bus }),
  },
  unplug: {
    syntax: "'unplug' target",
    summary: 'the function leaves the bus without an eject: the host sends a new BUS_RELATIONS(2)',
    target: 'function',
    removes: 'function',
    parse: (p) => ({ target: p.fnRef() }),
    ref: (e) => e.target,
  },
  fault: {
    syntax: "'fault' NAME message fault-action ['times' N]",
    summary: 'from now on the host answers the guest message with the fault action (N times, or every time)',
    target: 'bus',
    message: true,
    parse(p, kw) {
      // `fault create-interrupt no-reply`: the bus left out, so the message stands where the bus goes.
      // Said so (ours), not read as a bus named after the message with the action as its message.
      const first = p.peek();
      const second = p.peek(1);
      if (first.kind === 'word' && messageByName(first.text) !== undefined && second.kind === 'word' && isFaultActionKeyword(second.text))
        p.fail(first.loc, 'missing-argument', `a fault names its bus before the message: fault BUS ${first.text} ${second.text}`);
      // `fault create-interrupt nic0 no-reply`: the message before its bus (a bus named as a message is followed by a message).
      const third = p.peek(2);
      if (
        first.kind === 'word' &&
        messageByName(first.text) !== undefined &&
        second.kind === 'word' &&
        second.loc.line === first.loc.line &&
        messageByName(second.text) === undefined &&
        third.kind === 'word' &&
        isFaultActionKeyword(third.text)
      )
        p.swapped([first], [second], 'a fault names its bus before the message');
      const bus = p.busName();
      const message = p.message();
      const action = p.faultAction();
      const fault: EventOf<'fault'>['fault'] = { bus, message, action, loc: p.span(kw.loc) };
      const early = p.timesBeforeAction();
      if (early !== undefined) fault.times = early;
      else if (p.isWord('times')) {
        p.take();
        fault.times = p.int('the repeat count', 1, 0xffff_ffff);
        fault.loc = p.span(kw.loc);
      } else repeatAsSaid(p, kw);
      return { fault };
    },
    ref: (e) => ({ bus: e.fault.bus }),
  },
};

/**
 * A number where a word goes before it (`raise nic0 3`, `driver nic0 3`): the word left out, said
 * with `words` before the number as the fixes (ours; it was "expected 'vector', found '3'").
 */
function bareNumber(p: StatementParser, why: string, words: readonly string[]): void {
  const t = p.peek();
  if (t.kind !== 'number' || t.error) return;
  const fixes = words.map((w) => `${w} ${t.text}`);
  p.fail(t.loc, 'missing-argument', `${why}: '${fixes.join("' or '")}'`, fixes);
}

/**
 * A fault's repeat count as it is said in English (`2 times`, `once`, `twice`) where `times N` goes:
 * one error with `times N` as its fix (ours), not "unexpected '2' after the statement".
 */
function repeatAsSaid(p: StatementParser, kw: Token): void {
  const t = p.peek();
  if (t.loc.line !== kw.loc.line) return;
  const said: Record<string, number> = { once: 1, twice: 2, thrice: 3 };
  const word = (p.isWord('times', 1) || p.isWord('time', 1)) && p.peek(1).loc.line === t.loc.line;
  const n = t.kind === 'number' && word ? t.text : t.kind === 'word' ? said[t.text.toLowerCase()] : undefined;
  if (n === undefined) return;
  p.take();
  if (t.kind === 'number') p.take();
  // A count the fault does not take (0, 2^32) is offered no fix: `times 0` would be an error of its own.
  const v = t.kind === 'number' ? t.value : n;
  const fits = typeof v === 'number' && v >= 1 && v <= 0xffff_ffff;
  if (!fits) p.fail(p.span(t.loc), 'unexpected-token', "a repeat count is written after 'times', and is 1..4294967295");
  p.fail(p.span(t.loc), 'unexpected-token', `a repeat count is written after 'times': 'times ${n}'`, [`times ${n}`]);
}

/** The event words, in the order the docs and completion list them. */
export const EVENT_KEYWORDS: readonly EventKind[] = Object.keys(EVENTS) as EventKind[];

export function isEventKeyword(word: string): word is EventKind {
  return Object.prototype.hasOwnProperty.call(EVENTS, word);
}

/** The bus (and slot) an event acts on, whatever its kind. */
export function eventRef(e: TimelineEvent): { bus: Name; slot?: SlotRef | undefined } | undefined {
  return (EVENTS[e.kind] as EventRow<EventKind>).ref(e);
}

type ActionKind = FaultAction['kind'];

export interface FaultActionRow<K extends ActionKind> {
  syntax: string;
  summary: string;
  parse(p: StatementParser, keyword: Token): Extract<FaultAction, { kind: K }>;
}

export const FAULT_ACTIONS: { readonly [K in ActionKind]: FaultActionRow<K> } = {
  status: {
    syntax: "'status' (NUMBER | STATUS-NAME)",
    summary: 'complete the request with this NTSTATUS instead of handling it',
    parse(p) {
      const s = p.peek();
      if (s.kind === 'word') {
        p.take();
        const action: FaultAction & { kind: 'status' } = { kind: 'status', status: 0 };
        p.statusName(action, s);
        return action;
      }
      return { kind: 'status', status: p.int('an NTSTATUS value or name', 0, 0xffff_ffff) };
    },
  },
  'no-reply': {
    syntax: "'no-reply'",
    summary: "swallow the request: no completion ever comes (the guest's wait times out or hangs)",
    parse: () => ({ kind: 'no-reply' }),
  },
  delay: {
    syntax: "'delay' DURATION",
    summary: 'handle it normally but send the reply this much virtual time later',
    parse: (p) => ({ kind: 'delay', ns: p.duration('the delay') }),
  },
  truncate: {
    syntax: "'truncate' BYTES",
    summary: 'send the reply cut to this many payload bytes (a malformed completion)',
    parse: (p) => ({ kind: 'truncate', bytes: p.int('the byte count', 0, 0xffff) }),
  },
  flip: {
    syntax: "'flip' OFFSET XOR",
    summary: "XOR the reply's payload byte at OFFSET with XOR (1..255): a corrupted completion",
    parse(p) {
      const offset = p.int('the byte offset', 0, 0xffff);
      return { kind: 'flip', offset, xor: p.int('the XOR mask', 1, 0xff) };
    },
  },
  vanish: {
    syntax: "'vanish'",
    summary: 'the function disappears from the host (surprise removal) when the message arrives',
    parse: () => ({ kind: 'vanish' }),
  },
};

export const FAULT_ACTION_KEYWORDS: readonly ActionKind[] = Object.keys(FAULT_ACTIONS) as ActionKind[];

export function isFaultActionKeyword(word: string): word is ActionKind {
  return Object.prototype.hasOwnProperty.call(FAULT_ACTIONS, word);
}

/** How many arguments a fault action takes after its keyword, read from its syntax (`'flip' OFFSET XOR` → 2, `'vanish'` → 0). */
export function faultActionArity(kind: ActionKind): number {
  const after = FAULT_ACTIONS[kind].syntax.replace(/^'[^']*'\s*/, '').replace(/\([^)]*\)/g, 'X');
  return after ? after.split(/\s+/).length : 0;
}
