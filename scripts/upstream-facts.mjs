#!/usr/bin/env node
// Prints the facts an upstream table row needs (definition line and that
// line's text) for functions in a source tree on disk, without copying any
// other text: node scripts/upstream-facts.mjs <tree> <path> <name>...
// Use it to refresh emulator/vpci/guest/*/upstream.ts after re-pinning
// (see docs/upstream.md for where the pinned trees come from).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [tree, path, ...names] = process.argv.slice(2);
if (!tree || !path || names.length === 0) {
  console.error('usage: node scripts/upstream-facts.mjs <tree> <path> <name>...');
  process.exit(2);
}
const lines = readFileSync(join(tree, path), 'utf8').split('\n');
/** The line where `name` is defined: its name followed by "(", not a prototype (the body's "{" comes before any ";"). */
function definition(name) {
  const re = new RegExp(`^(?:[A-Za-z_][\\w\\s\\*]*[\\s\\*])?${name.replace(/[$]/g, '\\$&')}\\(`);
  for (let i = 0; i < lines.length; i++) {
    if (!re.test(lines[i])) continue;
    for (let j = i; j < Math.min(lines.length, i + 12); j++) {
      if (/^\{/.test(lines[j])) return i;
      if (/;\s*(\/\*.*\*\/)?\s*$/.test(lines[j])) break;
    }
  }
  return -1;
}
for (const n of names) {
  const i = definition(n);
  if (i < 0) console.log(JSON.stringify({ name: n, missing: true }));
  else console.log(JSON.stringify({ name: n, path, line: i + 1, text: lines[i] }));
}
