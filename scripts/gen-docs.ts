// The generated parts of docs/scenario-language.md and README.md: the grammar,
// the tables of events, fault actions, expectations, host profiles, guest
// models, quirks, messages, statuses and devices — each made from the table
// that defines it. Each part sits between `<!-- BEGIN GENERATED name … -->` and
// `<!-- END GENERATED name -->`; the text around it is written by hand.
import { EVENTS, EVENT_KEYWORDS, FAULT_ACTIONS, FAULT_ACTION_KEYWORDS } from '../emulator/scenario/events';
import {
  BUS_ITEMS,
  BUS_STATES,
  EXPECTATIONS,
  FUNCTION_OPTIONS,
  TOP_STATEMENTS,
  VM_SETTINGS,
  syntaxShown,
  type KeywordRow,
} from '../emulator/scenario/keywords';
import { CATALOG, capital, negotiatedVersion, versionsText, type Catalog } from '../emulator/scenario/catalog';
import { versionText } from '../emulator/scenario/context';
import { MESSAGE_NAMES, STATUS_NAMES } from '../emulator/scenario/names';
import { OPENVMM_MESSAGE_NAMES, type MessageName } from '../emulator/vpci/protocol';
import { CATALOG_DEVICES } from '../emulator/scenario/devices';
import { DEFAULT_GUEST_MODEL } from '../emulator/vpci/guest/models';
import { DEFAULT_HOST_PROFILE } from '../emulator/vpci/host/profiles';

const SOURCE = 'scripts/generate.ts';

/** Replaces the body between the markers named `name`; fails loudly when they are missing. */
export function splice(text: string, name: string, body: string, from: string): string {
  const begin = new RegExp(`<!-- BEGIN GENERATED ${name}\\b[^>]*-->\\n`);
  const end = `<!-- END GENERATED ${name} -->`;
  const b = begin.exec(text);
  const e = text.indexOf(end);
  if (!b || e < b.index) throw new Error(`the markers of the generated part '${name}' are missing`);
  const head = `<!-- BEGIN GENERATED ${name}: written by ${SOURCE} from ${from}; edit those, then npm run build -->\n`;
  return text.slice(0, b.index) + head + body + (body.endsWith('\n') ? '' : '\n') + text.slice(e);
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');
function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}
const code = (s: string): string => `\`${s}\``;
const words = (syntax: string): string => syntaxShown(syntax);

/** One production: `name := alt₁ | alt₂ …`, alternatives on their own lines, with an optional comment each. */
function production(name: string, alts: { syntax: string; note?: string }[]): string {
  const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s.padEnd(n));
  return alts
    .map((a, i) => {
      const lead = i === 0 ? pad(name, 12) + ':= ' : ' '.repeat(13) + '| ';
      return a.note ? `${pad(lead + a.syntax, 50)}# ${a.note}` : lead + a.syntax;
    })
    .join('\n');
}

/** The whole grammar, from the keyword and event tables. */
export function grammarBlock(c: Catalog = CATALOG): string {
  const names = (list: readonly { name: string }[]): string => list.map((x) => x.name).join(' ');
  const vmNotes: Record<string, string> = { host: names(c.hosts), guest: names(c.guests), quirk: 'see Quirks below' };
  const alt = (rows: readonly KeywordRow[], notes: Record<string, string> = {}): { syntax: string; note?: string }[] =>
    rows.map((r) => ({ syntax: r.syntax, ...(notes[r.word] ? { note: notes[r.word] } : {}) }));
  const lines = [
    'scenario    := { statement NEWLINE }',
    production('statement', [{ syntax: TOP_STATEMENTS.map((r) => (r.word === 'at' ? 'event' : r.word)).join(' | ') }]),
    '',
    production('vm', [{ syntax: TOP_STATEMENTS.find((r) => r.word === 'vm')!.syntax }]),
    production('vm-item', alt(VM_SETTINGS, vmNotes)),
    '',
    production('bus', [{ syntax: TOP_STATEMENTS.find((r) => r.word === 'bus')!.syntax }]),
    "bus-body    := '{' { bus-item } '}'",
    production('bus-item', alt(BUS_ITEMS)),
    production('source', [
      { syntax: 'DEVICE-ID', note: 'from the device catalog (Devices below)' },
      { syntax: "'dump' STRING", note: 'an lspci -x/-xxx/-xxxx file, relative to the scenario' },
    ]),
    production('option', alt(FUNCTION_OPTIONS)),
    '',
    production('event', [{ syntax: TOP_STATEMENTS.find((r) => r.word === 'at')!.syntax.replace(/ event$/, ' action') }]),
    production(
      'action',
      EVENT_KEYWORDS.map((k) => ({ syntax: EVENTS[k].syntax })),
    ),
    production('target', [{ syntax: "NAME ['/' SLOT]", note: 'nic0 or nic0/1.0; default slot 0' }]),
    production(
      'fault-action',
      FAULT_ACTION_KEYWORDS.map((k) => ({ syntax: FAULT_ACTIONS[k].syntax })),
    ),
    '',
    production(
      'expect',
      EXPECTATIONS.map((r) => ({ syntax: r.syntax, ...(r.word === 'state' ? { note: BUS_STATES.join(' ') } : {}) })),
    ),
    production('message', [{ syntax: 'NAME | NUMBER', note: 'Messages below' }]),
  ];
  return '```\n' + lines.join('\n') + '\n```\n';
}

/** Tables of what each statement word means. */
export function statementTables(): string {
  const rows = (list: readonly KeywordRow[]): string[][] => list.map((r) => [code(r.word), code(words(r.syntax)), r.summary]);
  return [
    '**Events** (`at TIME …`)\n\n',
    table(
      ['event', 'written', 'what happens'],
      EVENT_KEYWORDS.map((k) => [code(k), code(words(EVENTS[k].syntax)), EVENTS[k].summary]),
    ),
    '\n**Fault actions** (`at TIME fault BUS MESSAGE …`)\n\n',
    table(
      ['action', 'written', 'what the host does'],
      FAULT_ACTION_KEYWORDS.map((k) => [code(k), code(words(FAULT_ACTIONS[k].syntax)), FAULT_ACTIONS[k].summary]),
    ),
    '\n**Expectations** (`expect …`)\n\n',
    table(['form', 'written', 'holds when'], rows(EXPECTATIONS)),
    '\n**vm settings**, **bus items** and **function options**\n\n',
    table(['word', 'written', 'meaning'], [...rows(VM_SETTINGS), ...rows(BUS_ITEMS), ...rows(FUNCTION_OPTIONS)]),
  ].join('');
}

/** Which version each guest model and host profile agree on (— = none: attach fails). */
export function negotiationMatrix(c: Catalog = CATALOG): string {
  return table(
    ['guest \\ host', ...c.hosts.map((h) => `${code(h.name)} (${versionsText(h.versions)})`)],
    c.guests.map((g) => [
      `${code(g.name)} (${g.versions.map(versionText).join(', ')})`,
      ...c.hosts.map((h) => {
        const v = negotiatedVersion(g, h);
        return v === undefined ? '— (no common version)' : versionText(v);
      }),
    ]),
  );
}

export function hostTable(c: Catalog = CATALOG): string {
  return table(
    ['host profile', 'accepts', 'what it models'],
    c.hosts.map((h) => [code(h.name), versionsText(h.versions), `${h.title}. ${h.description}`]),
  );
}

export function guestTable(c: Catalog = CATALOG): string {
  return table(
    ['guest model', 'offers (in order)', 'what it models', 'source'],
    c.guests.map((g) => [code(g.name), g.versions.map(versionText).join(', '), `${g.title} (\`${g.driver}\`). ${g.description}`, g.source]),
  );
}

export function quirkTable(c: Catalog = CATALOG): string {
  return table(
    ['quirk', 'guest models', 'what the real driver does', 'source'],
    c.quirks.map((q) => [code(q.name), q.models.join(', '), `${capital(q.summary)}. ${q.description}`, q.source]),
  );
}

export function messageTable(): string {
  return table(
    ['short name', 'protocol name', 'value', 'OpenVMM name'],
    MESSAGE_NAMES.map((m) => [
      m.aliases.map(code).join(', '),
      m.name,
      `0x${m.value.toString(16).toUpperCase()}`,
      OPENVMM_MESSAGE_NAMES[m.name as MessageName] ?? '',
    ]),
  );
}

export function statusTable(): string {
  return table(
    ['status', 'value'],
    STATUS_NAMES.map((s) => [code(s.name), `0x${(s.value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`]),
  );
}

export function deviceTable(): string {
  return table(
    ['device id', 'device', 'ids, BARs, interrupts'],
    CATALOG_DEVICES().map((d) => [code(d.id), d.title, d.detail]),
  );
}

/** The names part of the scenario-language doc. */
export function namesSection(c: Catalog = CATALOG): string {
  return [
    '### Host profiles (`host`)\n\n',
    hostTable(c),
    '\n### Guest models (`guest`)\n\n',
    guestTable(c),
    '\nThe version a guest and a host agree on (the first the guest offers that the host accepts):\n\n',
    negotiationMatrix(c),
    '\n### Quirks (`quirk NAME on|off`; all on unless switched off)\n\n',
    quirkTable(c),
    '\n### Messages\n\n',
    messageTable(),
    '\n### Statuses\n\n',
    statusTable(),
    '\n### Devices (`function SLOT DEVICE-ID`)\n\n',
    deviceTable(),
  ].join('');
}

export function defaultsLine(): string {
  return `Host \`${DEFAULT_HOST_PROFILE}\`, guest \`${DEFAULT_GUEST_MODEL}\`.\n`;
}

/** The README's launch.json example, naming every choice. */
export function launchExample(c: Catalog = CATALOG): string {
  const guest = c.guests.find((g) => g.name === 'linux')?.name ?? c.guests[0]!.name;
  // The shipped Linux example, which holds on this host with these settings as on its own (test/scenario/docs-blocks.test.ts runs it).
  const host = c.hosts.find((h) => h.name === 'openvmm')?.name ?? c.hosts[0]!.name;
  const quirk = c.quirks.find((q) => q.name === 'short-packet-drop')?.name ?? c.quirks[0]!.name;
  const pad = (s: string): string => s.padEnd(29);
  return (
    [
      '```jsonc',
      '{',
      '  "type": "vpci", "request": "launch", "name": "vPCI: Linux on OpenVMM",',
      '  "scenario": "${workspaceFolder}/linux-2022.vpci",',
      `  ${pad(`"guest": "${guest}",`)}// ${c.guests.map((g) => g.name).join(' | ')}`,
      `  ${pad(`"host": "${host}",`)}// ${c.hosts.map((h) => h.name).join(' | ')}`,
      `  "quirks": { "${quirk}": false },`,
      '  "stopOnEntry": true, "trace": false',
      '}',
      '```',
    ].join('\n') + '\n'
  );
}

/** The README's short hosts-and-guests table. */
export function readmeHostsGuests(c: Catalog = CATALOG): string {
  return [
    negotiationMatrix(c),
    `\n${c.hosts.map((h) => `\`${h.name}\`: ${h.title}`).join('; ')}. ${c.guests.map((g) => `\`${g.name}\`: ${g.title}`).join('; ')}. `,
    `Quirks: ${c.quirks.map((q) => code(q.name)).join(', ')}. `,
    'Each is described in [docs/scenario-language.md](docs/scenario-language.md#names), and on hover in a scenario.\n',
  ].join('');
}
