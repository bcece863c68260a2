// Generates syntaxes/vpci-listing.tmLanguage.json: the pseudo-C driver listings the
// emulator renders (e.g. `freebsd/vmbus_pcib.c`). Self-contained (no include of
// source.c, which is not always installed) and line-based, because a listing shows
// one step per line and its braces need not balance.
// Run: node syntaxes/build-listing-grammar.mjs syntaxes/vpci-listing.tmLanguage.json
import { writeFileSync } from 'node:fs';
const r = String.raw;
const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'vPCI Driver Listing',
  scopeName: 'source.vpci-listing',
  patterns: [
    { include: '#comment-block' },
    { include: '#comment-line' },
    { include: '#string' },
    { include: '#char' },
    { include: '#preprocessor' },
    { include: '#label' },
    { include: '#function-definition' },
    { include: '#keyword' },
    { include: '#storage' },
    { include: '#type' },
    { include: '#constant' },
    { include: '#number' },
    { include: '#call' },
    { include: '#macro' },
    { include: '#operator' },
    { include: '#punctuation' },
  ],
  repository: {
    'comment-block': {
      begin: r`/\*`,
      end: r`\*/`,
      name: 'comment.block.c',
      beginCaptures: { 0: { name: 'punctuation.definition.comment.begin.c' } },
      endCaptures: { 0: { name: 'punctuation.definition.comment.end.c' } },
    },
    'comment-line': {
      match: r`(//).*$`,
      name: 'comment.line.double-slash.c',
      captures: { 1: { name: 'punctuation.definition.comment.c' } },
    },
    string: {
      begin: '"',
      end: '"',
      name: 'string.quoted.double.c',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.c' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.c' } },
      patterns: [
        { match: r`\\(?:[\\"'abfnrtv0]|x[0-9A-Fa-f]+|[0-7]{1,3})`, name: 'constant.character.escape.c' },
        { match: r`%[-+ #0]*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|j|z|t|L)?[diouxXeEfgGcspn%]`, name: 'constant.other.placeholder.c' },
      ],
    },
    char: {
      match: r`'(?:\\.|[^'\\])'`,
      name: 'string.quoted.single.c',
    },
    preprocessor: {
      match: r`^\s*(#\s*(?:define|include|if|ifdef|ifndef|else|elif|endif|undef|pragma))\b(.*)$`,
      captures: { 1: { name: 'keyword.control.directive.c' }, 2: { name: 'meta.preprocessor.c' } },
    },
    label: {
      match: r`^\s*([A-Za-z_]\w*)(:)(?!:)`,
      captures: { 1: { name: 'entity.name.label.c' }, 2: { name: 'punctuation.separator.label.c' } },
    },
    'function-definition': {
      // A definition's name starts its line: `vmbus_pcib_attach(device_t dev)`
      match: r`^([A-Za-z_]\w*)(?=\s*\()`,
      captures: { 1: { name: 'entity.name.function.c' } },
    },
    keyword: {
      patterns: [
        { match: r`\b(?:if|else|for|while|do|switch|case|default|break|continue|return|goto)\b`, name: 'keyword.control.c' },
        { match: r`\bsizeof\b`, name: 'keyword.operator.sizeof.c' },
      ],
    },
    storage: {
      patterns: [
        { match: r`\b(?:struct|union|enum|typedef)\b`, name: 'storage.type.c' },
        { match: r`\b(?:static|const|volatile|extern|inline|register)\b`, name: 'storage.modifier.c' },
      ],
    },
    type: {
      match: r`\b(?:void|char|short|int|long|unsigned|signed|bool|float|double|u?int(?:8|16|32|64)_t|uint|u_int|u_int(?:8|16|32|64)_t|size_t|ssize_t|device_t|bus_addr_t|bus_size_t|vm_paddr_t|u8|u16|u32|u64)\b`,
      name: 'storage.type.built-in.c',
    },
    constant: {
      match: r`\b(?:NULL|true|false)\b`,
      name: 'constant.language.c',
    },
    number: {
      patterns: [
        { match: r`\b0[xX][0-9A-Fa-f]+[uUlL]*\b`, name: 'constant.numeric.hexadecimal.c' },
        { match: r`\b[0-9]+[uUlL]*\b`, name: 'constant.numeric.decimal.c' },
      ],
    },
    call: {
      match: r`\b([A-Za-z_]\w*)(?=\s*\()`,
      captures: { 1: { name: 'entity.name.function.c' } },
    },
    macro: {
      // ALL_CAPS names: macros and enum constants (PAGE_SIZE, PCI_QUERY_BUS_RELATIONS, ENXIO).
      match: r`\b[A-Z][A-Z0-9_]*[A-Z0-9]\b`,
      name: 'variable.other.constant.c',
    },
    operator: {
      patterns: [
        { match: r`->|\.`, name: 'punctuation.accessor.c' },
        { match: r`&&|\|\||!(?!=)`, name: 'keyword.operator.logical.c' },
        { match: r`==|!=|<=|>=|<(?!<)|>(?!>)`, name: 'keyword.operator.comparison.c' },
        { match: r`<<=|>>=|\+=|-=|\*=|/=|%=|&=|\|=|\^=|=`, name: 'keyword.operator.assignment.c' },
        { match: r`<<|>>|&|\||\^|~`, name: 'keyword.operator.bitwise.c' },
        { match: r`\+\+|--|\+|-|\*|/|%`, name: 'keyword.operator.arithmetic.c' },
        { match: r`\?|:`, name: 'keyword.operator.ternary.c' },
      ],
    },
    punctuation: {
      patterns: [
        { match: r`;`, name: 'punctuation.terminator.statement.c' },
        { match: r`,`, name: 'punctuation.separator.delimiter.c' },
        { match: r`\{`, name: 'punctuation.section.block.begin.c' },
        { match: r`\}`, name: 'punctuation.section.block.end.c' },
        { match: r`\(`, name: 'punctuation.section.parens.begin.c' },
        { match: r`\)`, name: 'punctuation.section.parens.end.c' },
        { match: r`\[`, name: 'punctuation.section.brackets.begin.c' },
        { match: r`\]`, name: 'punctuation.section.brackets.end.c' },
      ],
    },
  },
};
writeFileSync(process.argv[2], JSON.stringify(g, null, 2) + '\n');
