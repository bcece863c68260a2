// The TextMate grammar of the scenario language (syntaxes/vpci.tmLanguage.json),
// its keywords taken from the language's own tables (emulator/scenario/events.ts
// and keywords.ts) so highlighting never drifts from what parses. Written by
// scripts/generate.ts (`npm run build`); test/scenario/generated.test.ts fails
// when the checked-in JSON differs. Regexes are written with String.raw.
import { EVENTS, EVENT_KEYWORDS, FAULT_ACTION_KEYWORDS, type EventKind } from '../emulator/scenario/events';
import { ARGUMENT_WORDS, BUS_KEYWORDS, BUS_STATES, FUNCTION_OPTION_KEYWORDS, OUTCOMES, VM_KEYWORDS } from '../emulator/scenario/keywords';

const r = String.raw;
// A name as the lexer reads one (emulator/scenario/lexer.ts WORD): a letter or `_`, then letters, digits, `_` and `-` anywhere.
const ID = r`[A-Za-z_][A-Za-z0-9_-]*`;
const END = r`(?![A-Za-z0-9_-])`; // end of an identifier (kebab-case aware)
const BEG = r`(?<![A-Za-z0-9_-])`;
// A number, time or slot is a whole run of the lexer's characters (lexer.ts isRun: letters, digits, `_ . : -`): no part of
// `1.5ms`, `0a.0` or `12Q` is coloured as one, since the parser takes none of them.
const RUN_BEG = r`(?<![A-Za-z0-9_.:-])`;
const RUN_END = r`(?![A-Za-z0-9_.:-])`;
// A slot as the parser takes one (parser.ts slotValue): D.F, or a device number in any of the number forms.
const SLOT = `(?:[0-9]+\\.[0-9]+|0[xX][0-9A-Fa-f_]+|0[bB][01_]+|[0-9][0-9_]*)${RUN_END}`;
/**
 * Where a message goes, two groups: a name in any of the spellings the checker takes (the protocol
 * name in any case, with or without PCI_ and _MESSAGE, OpenVMM's, the short kebab one), or a raw
 * number (coloured by the number rules: NUMBER_CAPTURE).
 */
const MSG = `(?:(${ID})|([0-9][0-9A-Za-z_]*))${END}`;
const NUMBER_CAPTURE = { patterns: [{ include: '#number' }] };
const kw = (words: readonly string[]): string => `${BEG}(?:${words.join('|')})${END}`;
const unique = (words: readonly string[]): string[] => [...new Set(words)];

const events = (f: (k: EventKind) => boolean): string[] => EVENT_KEYWORDS.filter(f);
/** Events whose first argument is a bus or a function on one (a message may follow). */
const REF_EVENTS = events((k) => (EVENTS[k].target === 'function' || EVENTS[k].target === 'bus') && !EVENTS[k].message);
const MESSAGE_EVENTS = events((k) => EVENTS[k].message === true);
const NEW_BUS_EVENTS = events((k) => EVENTS[k].target === 'new-bus');
const BARE_EVENTS = events((k) => EVENTS[k].target === 'none');
const SETTING_WORDS = unique([...VM_KEYWORDS, ...BUS_KEYWORDS, ...FUNCTION_OPTION_KEYWORDS, 'size', 'dump', 'bus']);
const ARGUMENTS = unique(
  [...ARGUMENT_WORDS, ...FAULT_ACTION_KEYWORDS].filter((w) => !SETTING_WORDS.includes(w) && !(EVENT_KEYWORDS as readonly string[]).includes(w)),
);

export function vpciGrammar(): object {
  return g;
}

const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'vPCI Scenario',
  scopeName: 'source.vpci',
  fileTypes: ['vpci'],
  patterns: [{ include: '#comment' }, { include: '#block' }, { include: '#statement' }],
  repository: {
    comment: {
      match: r`(#).*$`,
      name: 'comment.line.number-sign.vpci',
      captures: { 1: { name: 'punctuation.definition.comment.vpci' } },
    },
    block: {
      patterns: [
        { match: r`\{`, name: 'punctuation.section.block.begin.vpci' },
        { match: r`\}`, name: 'punctuation.section.block.end.vpci' },
      ],
    },
    statement: {
      patterns: [
        { include: '#string' },
        { include: '#declarations' },
        { include: '#events' },
        { include: '#expectations' },
        { include: '#guid' },
        { include: '#pci-address' },
        { include: '#duration' },
        { include: '#number' },
        { include: '#message-name' },
        { include: '#status-name' },
        { include: '#keywords' },
        { include: '#constants' },
        { match: r`/`, name: 'punctuation.separator.slot.vpci' },
        { match: ID, name: 'variable.other.vpci' },
      ],
    },
    string: {
      begin: '"',
      end: r`"|$`,
      name: 'string.quoted.double.vpci',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.vpci' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.vpci' } },
      patterns: [{ match: r`\\.`, name: 'constant.character.escape.vpci' }],
    },
    declarations: {
      patterns: [
        {
          // vm { … }
          match: `${BEG}(vm)${END}`,
          captures: { 1: { name: 'storage.type.vm.vpci' } },
        },
        {
          // bus nic0 {
          match: `${BEG}(bus)\\s+(${ID})`,
          captures: { 1: { name: 'storage.type.bus.vpci' }, 2: { name: 'entity.name.type.bus.vpci' } },
        },
        {
          // at 6ms offer nvme0 {
          match: `${BEG}(${NEW_BUS_EVENTS.join('|')})\\s+(${ID})`,
          captures: { 1: { name: 'keyword.control.event.vpci' }, 2: { name: 'entity.name.type.bus.vpci' } },
        },
        {
          match: `${BEG}(host)\\s+(${ID})`,
          captures: { 1: { name: 'keyword.other.host.vpci' }, 2: { name: 'support.constant.profile.vpci' } },
        },
        {
          match: `${BEG}(guest)\\s+(${ID})`,
          captures: { 1: { name: 'keyword.other.guest.vpci' }, 2: { name: 'support.constant.guest.vpci' } },
        },
        {
          match: `${BEG}(quirk)\\s+(${ID})(?:\\s+(on|off)${END})?`,
          captures: {
            1: { name: 'keyword.other.quirk.vpci' },
            2: { name: 'support.variable.quirk.vpci' },
            3: { name: 'constant.language.boolean.vpci' },
          },
        },
        {
          match: `${BEG}(mmio)\\s+(${ID})`,
          captures: { 1: { name: 'keyword.other.mmio.vpci' }, 2: { name: 'variable.other.constant.mmio.vpci' } },
        },
        {
          // function 0 intel-82599-vf   /  function 1.2 dump "…"
          match: `${BEG}(function)\\s+(${SLOT})(?:\\s+(?!dump${END})(${ID}))?`,
          captures: {
            1: { name: 'keyword.other.function.vpci' },
            2: { name: 'constant.numeric.slot.vpci' },
            3: { name: 'support.class.device.vpci' },
          },
        },
      ],
    },
    events: {
      patterns: [
        {
          // `at 0 boot`: the bare 0 is the one time written without a unit, and the parser reads it as a
          // time (emulator/scenario/parser.ts duration), so it is coloured as one, not as an integer.
          // Only where a statement starts (past spaces and a byte-order mark): the parser takes `at` nowhere else
          // (`expect nic0 attached at 1ms` is an error, and `} at 0 boot` too).
          match: `^[\\uFEFF \\t\\f\\v]*(at)${END}(?:\\s+(0[0_]*)${END})?`,
          captures: { 1: { name: 'keyword.control.at.vpci' }, 2: { name: 'constant.numeric.duration.vpci' } },
        },
        {
          // `before 0`, `delay 0`: the other places a time goes, the bare 0 a time there too
          match: `${BEG}(before|delay)\\s+(0[0_]*)${END}`,
          captures: { 1: { name: 'keyword.other.vpci' }, 2: { name: 'constant.numeric.duration.vpci' } },
        },
        {
          match: `${BEG}(${BARE_EVENTS.join('|')})${END}`,
          captures: { 1: { name: 'keyword.control.event.vpci' } },
        },
        {
          // the word after the event is its bus whatever it is (`driver vector msix 3`: a bus named `vector`), as the parser reads it
          match: `${BEG}(${REF_EVENTS.join('|')})\\s+(${ID})(?:(/)(${SLOT}))?`,
          captures: {
            1: { name: 'keyword.control.event.vpci' },
            2: { name: 'variable.other.bus.vpci' },
            3: { name: 'punctuation.separator.slot.vpci' },
            4: { name: 'constant.numeric.slot.vpci' },
          },
        },
        {
          // the fault action `vanish` is taken here: read on its own, it would be the event `vanish` and `times` its bus
          match: `${BEG}(${MESSAGE_EVENTS.join('|')})\\s+(${ID})\\s+${MSG}(?:\\s+(vanish)${END})?`,
          captures: {
            1: { name: 'keyword.control.event.vpci' },
            2: { name: 'variable.other.bus.vpci' },
            3: { name: 'support.constant.message.vpci' },
            4: NUMBER_CAPTURE,
            5: { name: 'keyword.control.event.vpci' },
          },
        },
        {
          // an event word without its target yet, and the `vanish` fault action
          match: kw(EVENT_KEYWORDS),
          name: 'keyword.control.event.vpci',
        },
      ],
    },
    expectations: {
      patterns: [
        {
          // `expect message` alone too (being typed): `message` is no bus
          match: `${BEG}(expect)\\s+(?:(no)\\s+)?(message)${END}(?:\\s+${MSG})?`,
          captures: {
            1: { name: 'keyword.control.expect.vpci' },
            2: { name: 'keyword.operator.negation.vpci' },
            3: { name: 'keyword.other.message.vpci' },
            4: { name: 'support.constant.message.vpci' },
            5: NUMBER_CAPTURE,
          },
        },
        {
          match: `${BEG}(expect)\\s+(no)\\s+(errors)${END}`,
          captures: {
            1: { name: 'keyword.control.expect.vpci' },
            2: { name: 'keyword.operator.negation.vpci' },
            3: { name: 'keyword.other.errors.vpci' },
          },
        },
        {
          match: `${BEG}(expect)\\s+(${ID})(?:(/)(${SLOT}))?`,
          captures: {
            1: { name: 'keyword.control.expect.vpci' },
            2: { name: 'variable.other.bus.vpci' },
            3: { name: 'punctuation.separator.slot.vpci' },
            4: { name: 'constant.numeric.slot.vpci' },
          },
        },
        {
          match: `${BEG}(on)\\s+(${ID})`,
          captures: { 1: { name: 'keyword.other.on.vpci' }, 2: { name: 'variable.other.bus.vpci' } },
        },
        { match: `${BEG}expect${END}`, name: 'keyword.control.expect.vpci' },
      ],
    },
    guid: {
      match: r`(?<![\w-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\w-])`,
      name: 'constant.other.guid.vpci',
    },
    'pci-address': {
      // lspci addresses in `select`: 01:00.0 or 0000:01:00.0, and the shorter forms the lexer takes (PCIADDR: 1:0.0)
      match: r`(?<![\w-])(?:[0-9A-Fa-f]{1,4}:)?[0-9A-Fa-f]{1,2}:[0-9A-Fa-f]{1,2}\.[0-7](?![\w-])`,
      name: 'constant.other.pci-address.vpci',
    },
    duration: {
      match: `${RUN_BEG}([0-9][0-9_]*)(ns|us|ms|s)${RUN_END}`,
      name: 'constant.numeric.duration.vpci',
      captures: { 2: { name: 'keyword.other.unit.time.vpci' } },
    },
    number: {
      patterns: [
        {
          match: `${RUN_BEG}(0[xX])[0-9A-Fa-f][0-9A-Fa-f_]*([KMGT])?${RUN_END}`,
          name: 'constant.numeric.integer.hexadecimal.vpci',
          captures: { 1: { name: 'keyword.other.unit.hexadecimal.vpci' }, 2: { name: 'keyword.other.unit.size.vpci' } },
        },
        {
          match: `${RUN_BEG}(0[bB])[01][01_]*([KMGT])?${RUN_END}`,
          name: 'constant.numeric.integer.binary.vpci',
          captures: { 1: { name: 'keyword.other.unit.binary.vpci' }, 2: { name: 'keyword.other.unit.size.vpci' } },
        },
        {
          match: `${RUN_BEG}[0-9]+\\.[0-9]+${RUN_END}`,
          name: 'constant.numeric.decimal.vpci',
        },
        {
          match: `${RUN_BEG}[0-9][0-9_]*([KMGT])?${RUN_END}`,
          name: 'constant.numeric.integer.decimal.vpci',
          captures: { 1: { name: 'keyword.other.unit.size.vpci' } },
        },
      ],
    },
    'message-name': {
      match: `${BEG}PCI_[A-Z0-9_]+${END}`,
      name: 'support.constant.message.vpci',
    },
    'status-name': {
      match: `${BEG}STATUS_[A-Z0-9_]+${END}`,
      name: 'support.constant.status.vpci',
    },
    keywords: {
      patterns: [
        { match: kw(SETTING_WORDS), name: 'keyword.other.vpci' },
        { match: kw(ARGUMENTS), name: 'keyword.other.vpci' },
      ],
    },
    constants: {
      patterns: [
        { match: kw(BUS_STATES), name: 'constant.language.state.vpci' },
        { match: kw(OUTCOMES), name: 'constant.language.outcome.vpci' },
        { match: kw(['none']), name: 'constant.language.none.vpci' },
        { match: kw(['off']), name: 'constant.language.boolean.vpci' },
      ],
    },
  },
};
