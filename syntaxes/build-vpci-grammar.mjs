// Generates syntaxes/vpci.tmLanguage.json (regexes written with String.raw for readability).
// Run: node syntaxes/build-vpci-grammar.mjs syntaxes/vpci.tmLanguage.json
import { writeFileSync } from 'node:fs';
const r = String.raw;
const ID = r`[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*`;
const END = r`(?![A-Za-z0-9_-])`;   // end of an identifier (kebab-case aware)
const BEG = r`(?<![A-Za-z0-9_-])`;
const SLOT = r`\d+(?:\.\d+)?`;
const MSG = r`(?:PCI_[A-Z0-9_]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)*)`;
const kw = (words) => `${BEG}(?:${words.join('|')})${END}`;

const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'vPCI Scenario',
  scopeName: 'source.vpci',
  fileTypes: ['vpci'],
  patterns: [
    { include: '#comment' },
    { include: '#block' },
    { include: '#statement' },
  ],
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
          match: `${BEG}(offer)\\s+(${ID})`,
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
          match: `${BEG}(at)${END}`,
          captures: { 1: { name: 'keyword.control.at.vpci' } },
        },
        {
          match: `${BEG}(boot)${END}`,
          captures: { 1: { name: 'keyword.control.event.vpci' } },
        },
        {
          match: `${BEG}(driver|raise|eject|rescind|detach|vanish|plug|unplug)\\s+(?!${kw(['msix', 'msi', 'none', 'vector'])})(${ID})(?:(/)(${SLOT}))?`,
          captures: {
            1: { name: 'keyword.control.event.vpci' },
            2: { name: 'variable.other.bus.vpci' },
            3: { name: 'punctuation.separator.slot.vpci' },
            4: { name: 'constant.numeric.slot.vpci' },
          },
        },
        {
          match: `${BEG}(fault)\\s+(${ID})\\s+(${MSG})${END}`,
          captures: {
            1: { name: 'keyword.control.event.vpci' },
            2: { name: 'variable.other.bus.vpci' },
            3: { name: 'support.constant.message.vpci' },
          },
        },
        {
          // the `vanish` fault action and `vanish` event without a target
          match: `${BEG}(driver|raise|eject|rescind|detach|vanish|plug|unplug|fault)${END}`,
          name: 'keyword.control.event.vpci',
        },
      ],
    },
    expectations: {
      patterns: [
        {
          match: `${BEG}(expect)\\s+(?:(no)\\s+)?(message)\\s+(${MSG})${END}`,
          captures: {
            1: { name: 'keyword.control.expect.vpci' },
            2: { name: 'keyword.operator.negation.vpci' },
            3: { name: 'keyword.other.message.vpci' },
            4: { name: 'support.constant.message.vpci' },
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
      // lspci addresses in `select`: 01:00.0 or 0000:01:00.0
      match: r`(?<![\w-])(?:[0-9A-Fa-f]{4}:)?[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7](?![\w-])`,
      name: 'constant.other.pci-address.vpci',
    },
    duration: {
      match: `${BEG}([0-9][0-9_]*)(ns|us|ms|s)${END}`,
      name: 'constant.numeric.duration.vpci',
      captures: { 2: { name: 'keyword.other.unit.time.vpci' } },
    },
    number: {
      patterns: [
        {
          match: `${BEG}(0[xX])[0-9A-Fa-f][0-9A-Fa-f_]*([KMGT])?${END}`,
          name: 'constant.numeric.integer.hexadecimal.vpci',
          captures: { 1: { name: 'keyword.other.unit.hexadecimal.vpci' }, 2: { name: 'keyword.other.unit.size.vpci' } },
        },
        {
          match: `${BEG}(0[bB])[01][01_]*([KMGT])?${END}`,
          name: 'constant.numeric.integer.binary.vpci',
          captures: { 1: { name: 'keyword.other.unit.binary.vpci' }, 2: { name: 'keyword.other.unit.size.vpci' } },
        },
        {
          match: `${BEG}[0-9]+\\.[0-9]+${END}`,
          name: 'constant.numeric.decimal.vpci',
        },
        {
          match: `${BEG}[0-9][0-9_]*([KMGT])?${END}`,
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
        { match: kw(['cpus', 'size', 'instance', 'serial', 'numa', 'dump', 'select', 'bar', 'rom', 'host', 'guest', 'quirk', 'mmio', 'function', 'bus']), name: 'keyword.other.vpci' },
        { match: kw(['msix', 'msi', 'vector', 'cpu', 'status', 'no-reply', 'delay', 'truncate', 'flip', 'times', 'before', 'count', 'version', 'message', 'on', 'no', 'errors']), name: 'keyword.other.vpci' },
      ],
    },
    constants: {
      patterns: [
        { match: kw(['attached', 'failed', 'detached', 'rescinded', 'ejected']), name: 'constant.language.state.vpci' },
        { match: kw(['delivered', 'undeliverable']), name: 'constant.language.outcome.vpci' },
        { match: kw(['none']), name: 'constant.language.none.vpci' },
        { match: kw(['off']), name: 'constant.language.boolean.vpci' },
      ],
    },
  },
};
writeFileSync(process.argv[2], JSON.stringify(g, null, 2) + '\n');
