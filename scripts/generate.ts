// Writes what is generated from the project's tables (host profiles, guest
// models, quirks, scenario keywords and events, messages, devices): the launch
// schema in package.json, the TextMate grammar, and the generated parts of
// docs/scenario-language.md and README.md. `npm run build` runs it first
// (esbuild.config.mjs); `--check` only reports the files that differ (exit 1).
// test/scenario/generated.test.ts fails when a checked-in copy drifts.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CATALOG, type Catalog } from '../emulator/scenario/catalog';
import { packageJson } from './gen-package';
import { vpciGrammar } from './gen-grammar';
import { defaultsLine, grammarBlock, launchExample, namesSection, readmeHostsGuests, splice, statementTables } from './gen-docs';

export interface GeneratedFile {
  path: string;
  text: string;
}

const TABLES = {
  catalog: 'emulator/vpci/host/profiles.ts, emulator/vpci/guest/models.ts and emulator/vpci/guest/quirks.ts',
  language: 'emulator/scenario/keywords.ts and emulator/scenario/events.ts',
  names: 'the host, guest and quirk tables, emulator/vpci/protocol.ts and emulator/pci/catalog.ts',
};

export function scenarioDoc(text: string, c: Catalog = CATALOG): string {
  let s = splice(text, 'grammar', grammarBlock(c), `${TABLES.language} (and the names of ${TABLES.catalog})`);
  s = splice(s, 'statements', statementTables(), TABLES.language);
  s = splice(s, 'names', namesSection(c), TABLES.names);
  s = splice(s, 'defaults', defaultsLine(), 'DEFAULT_HOST_PROFILE and DEFAULT_GUEST_MODEL');
  return s;
}

export function readme(text: string, c: Catalog = CATALOG): string {
  let s = splice(text, 'launch-example', launchExample(c), TABLES.catalog);
  s = splice(s, 'hosts-guests', readmeHostsGuests(c), TABLES.catalog);
  return s;
}

/** Every generated file's content, from the tables and the current text of the files it splices into. */
export function generatedFiles(read: (path: string) => string, c: Catalog = CATALOG): GeneratedFile[] {
  return [
    { path: 'package.json', text: packageJson(read('package.json'), c) },
    { path: 'syntaxes/vpci.tmLanguage.json', text: JSON.stringify(vpciGrammar(), null, 2) + '\n' },
    { path: 'docs/scenario-language.md', text: scenarioDoc(read('docs/scenario-language.md'), c) },
    { path: 'README.md', text: readme(read('README.md'), c) },
  ];
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const read = (p: string): string => readFileSync(p, 'utf8');
  const stale: string[] = [];
  for (const f of generatedFiles(read)) {
    let current: string | undefined;
    try {
      current = read(f.path);
    } catch {
      current = undefined;
    }
    if (current === f.text) continue;
    stale.push(f.path);
    if (!check) writeFileSync(f.path, f.text);
  }
  if (check && stale.length) {
    process.stderr.write(`generated files differ from their tables (run npm run build): ${stale.join(', ')}\n`);
    return 1;
  }
  if (!check && stale.length) process.stdout.write(`generated: ${stale.join(', ')}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`scripts/generate.ts: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
