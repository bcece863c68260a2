// The scenario language's fixed words outside the timeline events (events.ts):
// top-level statements, vm settings, bus items, function options and the forms
// of `expect`, each with how it is written and what it means. The parser takes
// its keyword lists from here, and the docs' grammar, completion, hover and the
// TextMate grammar are generated from the same rows (scripts/generate.ts).
import type { BusLifeState } from './ast';
import { EVENTS, EVENT_KEYWORDS, FAULT_ACTIONS, FAULT_ACTION_KEYWORDS } from './events';

export interface KeywordRow {
  word: string;
  /** How it is written (the docs' grammar notation: quoted words are literal). */
  syntax: string;
  /** What it means, in one sentence. */
  summary: string;
}

const rows = (...r: KeywordRow[]): readonly KeywordRow[] => r;

export const TOP_STATEMENTS = rows(
  { word: 'vm', syntax: "'vm' '{' { vm-item } '}'", summary: 'the VM: host profile, guest model, CPUs, MMIO ranges and quirk switches' },
  { word: 'bus', syntax: "'bus' NAME bus-body", summary: 'a vPCI bus present at boot, with the PCI functions on it' },
  { word: 'at', syntax: "'at' DURATION event", summary: 'an event on the timeline, at a virtual time' },
  { word: 'expect', syntax: "'expect' expectation", summary: 'what must hold when the run ends (checked by `vpci-lab run`)' },
);

export const VM_SETTINGS = rows(
  { word: 'host', syntax: "'host' NAME", summary: 'the host profile: which vPCI versions the host accepts and how it validates' },
  { word: 'guest', syntax: "'guest' NAME", summary: "the guest's bridge-driver model" },
  { word: 'cpus', syntax: "'cpus' NUMBER", summary: 'virtual processors, 1..240 (default 4)' },
  {
    word: 'mmio',
    syntax: "'mmio' NAME NUMBER 'size' NUMBER",
    summary:
      "a VMBus MMIO range ('low' or 'high') the guest places BARs and the config window in, ending at or below 2^52 (the widest x86-64 physical address)",
  },
  { word: 'quirk', syntax: "'quirk' NAME ('on' | 'off')", summary: "switch one of the real driver's known quirks (all are on unless switched off)" },
);

export const BUS_ITEMS = rows(
  { word: 'instance', syntax: "'instance' GUID", summary: 'the bus instance GUID (default: derived from the bus name)' },
  { word: 'function', syntax: "'function' SLOT source { option }", summary: 'a PCI function at a slot, from the device catalog or an lspci dump' },
);

export const FUNCTION_OPTIONS = rows(
  { word: 'serial', syntax: "'serial' NUMBER", summary: 'the function serial number the host reports (default: the instance GUID’s Data1 + index)' },
  { word: 'numa', syntax: "'numa' NUMBER", summary: 'the virtual NUMA node (reported in BUS_RELATIONS2 from vPCI 1.3)' },
  { word: 'select', syntax: "'select' PCIADDR", summary: 'dump only: which device of the lspci file' },
  { word: 'bar', syntax: "'bar' 0..5 SIZE", summary: 'dump only: the size of a BAR (a dump cannot show sizes)' },
  { word: 'rom', syntax: "'rom' SIZE", summary: 'dump only: the size of the expansion ROM BAR' },
);

/** The function options that size or pick what a dump describes (`dump-only` after a catalog device). */
export const DUMP_ONLY_OPTIONS: readonly string[] = ['select', 'bar', 'rom'];

export const BUS_STATES: readonly BusLifeState[] = ['attached', 'failed', 'detached', 'rescinded', 'ejected'];
export const DRIVER_MODES = ['msix', 'msi', 'none'] as const;
export const OUTCOMES = ['delivered', 'undeliverable'] as const;

/** The forms of `expect`, in the order the docs list them; `word` is the keyword that picks the form. */
export const EXPECTATIONS = rows(
  {
    word: 'state',
    syntax: "'expect' NAME STATE ['before' DURATION]",
    summary: `the bus reached a life-cycle state (${BUS_STATES.join(', ')}; ejected: the host ejected one of its functions and the guest completed it), before a deadline (strictly) if given`,
  },
  {
    word: 'version',
    syntax: "'expect' NAME 'version' VERSION",
    summary: 'the bus negotiated this vPCI protocol version: the guest uses it and the host agreed to it',
  },
  {
    word: 'msix',
    syntax: "'expect' target 'msix' N",
    summary: 'at the end of the run, exactly N MSI-X table entries hold an address and data the host returned, and none holds other values',
  },
  {
    word: 'vector',
    syntax: "'expect' target 'vector' N ('delivered' ['cpu' N] | 'undeliverable')",
    summary: 'interrupt vector N reached the guest (on that CPU), or could not be delivered',
  },
  {
    word: 'message',
    syntax: "'expect' ['no'] 'message' message { 'on' NAME | 'count' N | 'before' DURATION }",
    summary:
      'the message was sent, by the guest or the host, that many times, on that bus, before the deadline (strictly) — or never; completions answering a message are not counted',
  },
  { word: 'errors', syntax: "'expect' 'no' 'errors'", summary: 'no protocol or model error happened' },
);

/**
 * The words inside a statement that pick or qualify one of its parts (`delivered cpu 2`,
 * `before 65s`, `times 1`), one row per use: hover and completion explain them in the statement
 * they belong to.
 */
export const MODIFIERS = rows(
  {
    word: 'delivered',
    syntax: "'expect' target 'vector' N 'delivered' ['cpu' N]",
    summary: 'the vector reached the guest: its interrupt was raised on a virtual CPU',
  },
  { word: 'undeliverable', syntax: "'expect' target 'vector' N 'undeliverable'", summary: 'the host could not route the vector to any guest CPU' },
  { word: 'cpu', syntax: "'expect' target 'vector' N 'delivered' 'cpu' N", summary: 'on that virtual CPU (0-based)' },
  { word: 'before', syntax: "'expect' NAME STATE 'before' DURATION", summary: 'by that virtual time at the latest' },
  { word: 'before', syntax: "'expect' ['no'] 'message' message 'before' DURATION", summary: 'sent before that virtual time' },
  { word: 'count', syntax: "'expect' 'message' message 'count' N", summary: 'sent exactly N times' },
  { word: 'on', syntax: "'expect' ['no'] 'message' message 'on' NAME", summary: 'on that bus only' },
  { word: 'on', syntax: "'quirk' NAME 'on'", summary: 'the quirk behaves as the real driver does (the default)' },
  { word: 'off', syntax: "'quirk' NAME 'off'", summary: 'the quirk is fixed: the driver behaves as if it had been corrected' },
  { word: 'no', syntax: "'expect' 'no' ('errors' | 'message' message)", summary: 'the opposite: no protocol error happened, or the message was never sent' },
  {
    word: 'times',
    syntax: "'fault' NAME message fault-action 'times' N",
    summary: 'the fault acts on the first N such messages only (without it: on every one)',
  },
  { word: 'size', syntax: "'mmio' NAME NUMBER 'size' NUMBER", summary: 'the length of the MMIO range in bytes' },
  {
    word: 'dump',
    syntax: "'function' SLOT 'dump' STRING { option }",
    summary: 'the function is modelled from an lspci -x/-xxx/-xxxx file, relative to the scenario',
  },
);

/**
 * Words people write for a keyword (ours, from the slips of newcomers): where the keyword is allowed,
 * "did you mean" offers it for them before any near miss (`device 0 …` → `function`, `quirk x false`
 * → `off`, `at 0 start` → `boot`). Lower case; only words that mean nothing else where they stand.
 */
export const KEYWORD_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  function: ['device', 'dev', 'fn', 'func'],
  cpus: ['vcpus', 'vcpu', 'processors', 'cores'],
  on: ['true', 'yes', 'enabled', 'enable'],
  off: ['false', 'disabled', 'disable', 'no'],
  boot: ['start', 'startup', 'power-on', 'poweron'],
  plug: ['hotplug', 'hot-plug', 'add', 'insert'],
  unplug: ['hot-unplug', 'hotunplug', 'remove'],
  raise: ['interrupt', 'irq', 'trigger'],
  vector: ['irq', 'interrupt', 'int', 'vec', 'vect'],
  before: ['by', 'within', 'until'],
  count: ['times'],
  times: ['count'],
  'no-reply': ['noreply', 'drop', 'timeout', 'ignore', 'hang'],
  // surprise removal, as the docs and PCIe name it (the event, and the fault action)
  vanish: ['surprise-remove', 'surprise-removal', 'surprise', 'hot-remove', 'disappear'],
  flip: ['corrupt', 'xor', 'bitflip', 'bit-flip'],
  truncate: ['cut', 'short', 'shorten', 'trim'],
  delay: ['late', 'slow', 'latency'],
};

/** Words after `expect BUS[/SLOT]` besides the states. */
export const EXPECT_BUS_FORMS = ['version', 'msix', 'vector'] as const;
/** The forms of `expect` about one function (`expect target …`): the only ones a slot may be given to. */
export const EXPECT_TARGET_FORMS: readonly string[] = EXPECTATIONS.filter((r) => r.syntax.startsWith("'expect' target")).map((r) => r.word);

export const TOP_KEYWORDS = TOP_STATEMENTS.map((r) => r.word);
export const VM_KEYWORDS = VM_SETTINGS.map((r) => r.word);
export const BUS_KEYWORDS = BUS_ITEMS.map((r) => r.word);
export const FUNCTION_OPTION_KEYWORDS = FUNCTION_OPTIONS.map((r) => r.word);
/** Words that cannot name a bus (they start other forms of `expect`). */
export const RESERVED_BUS_NAMES = ['message', 'no', 'dump'];

/** Every other fixed word (arguments inside statements), for highlighting. */
export const ARGUMENT_WORDS = ['size', 'dump', 'vector', 'cpu', 'times', 'before', 'count', 'version', 'message', 'on', 'no', 'errors', 'msix', 'msi'] as const;
/** Fixed words that name a value rather than an action. */
export const CONSTANT_WORDS = [...BUS_STATES, ...OUTCOMES, 'none', 'off'] as const;

export type KeywordRole =
  'statement' | 'vm setting' | 'bus item' | 'function option' | 'event' | 'driver mode' | 'fault action' | 'bus state' | 'expectation' | 'modifier';

/**
 * A row's syntax as hover, completion and the docs' tables show it: literal words without their
 * quotes, and a repetition `{ x }` as `[x …]` so that it does not read as a literal block
 * (`'vm' '{' { vm-item } '}'` → `vm { [vm-item …] }`, `bus-body` → `{ [bus-item …] }`).
 */
export function syntaxShown(syntax: string): string {
  return syntax
    .replace(/'\{'|'\}'|\{ | \}/g, (m) => (m === "'{'" ? '{' : m === "'}'" ? '}' : m === '{ ' ? '[' : ' …]'))
    .replace(/'/g, '')
    .replace(/\bbus-body\b/g, '{ [bus-item …] }');
}

export interface KeywordHelp {
  /** Where the word is used. */
  role: KeywordRole;
  syntax: string;
  summary: string;
}

/** Every meaning a fixed word has in the language (some words have two, e.g. `vanish`), or only the one in `role`. */
export function keywordHelp(word: string, role?: KeywordRole): KeywordHelp[] {
  const all = allHelp(word);
  return role ? all.filter((h) => h.role === role) : all;
}

function allHelp(word: string): KeywordHelp[] {
  const out: KeywordHelp[] = [];
  const add = (role: KeywordRole, list: readonly KeywordRow[]): void => {
    for (const r of list) if (r.word === word) out.push({ role, syntax: r.syntax, summary: r.summary });
  };
  add('statement', TOP_STATEMENTS);
  add('vm setting', VM_SETTINGS);
  add('bus item', BUS_ITEMS);
  add('function option', FUNCTION_OPTIONS);
  if ((EVENT_KEYWORDS as readonly string[]).includes(word)) {
    const e = EVENTS[word as keyof typeof EVENTS];
    out.push({ role: 'event', syntax: `'at' DURATION ${e.syntax}`, summary: e.summary });
  }
  if ((DRIVER_MODES as readonly string[]).includes(word))
    out.push({ role: 'driver mode', syntax: `'at' DURATION ${EVENTS.driver.syntax}`, summary: EVENTS.driver.summary });
  if ((FAULT_ACTION_KEYWORDS as readonly string[]).includes(word)) {
    const a = FAULT_ACTIONS[word as keyof typeof FAULT_ACTIONS];
    out.push({ role: 'fault action', syntax: a.syntax, summary: a.summary });
  }
  if ((BUS_STATES as readonly string[]).includes(word)) {
    const s = EXPECTATIONS.find((r) => r.word === 'state')!;
    out.push({ role: 'bus state', syntax: s.syntax, summary: s.summary });
  } else if (word !== 'state') add('expectation', EXPECTATIONS);
  add('modifier', MODIFIERS);
  return out;
}
