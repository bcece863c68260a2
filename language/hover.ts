// Hover text (Markdown) for the names a scenario uses: a device's identity and
// BARs, a message's value and layout, a profile's or guest's versions, a
// quirk's explanation with its source, a bus's declaration.
import type { ScenarioContext } from '../emulator/scenario/context';
import { versionText } from '../emulator/scenario/context';
import { QUIRKS } from '../emulator/vpci/guest/quirks';
import { keywordHelp, syntaxShown, type KeywordHelp, type KeywordRole } from '../emulator/scenario/keywords';
import { EVENTS, isEventKeyword } from '../emulator/scenario/events';
import type { NameOccurrence } from './names';
import { MESSAGE_LAYOUTS } from './message-layouts';
import { deviceCatalogMarkdown } from './device-info';
import { tokenize } from '../emulator/scenario/lexer';
import { statusByName } from '../emulator/scenario/names';
import { messageByName, versionName } from '../emulator/vpci/protocol';
import { counted, formatTime, shortText, sizeText } from '../emulator/format';
import { guidBytes, guidData1 } from '../emulator/vmbus/guid';
import type { Token } from '../emulator/scenario/lexer';
import { DEFAULT_MMIO } from '../emulator/machine/scenario-config';

const hex = (v: number, pad = 8): string => `0x${(v >>> 0).toString(16).toUpperCase().padStart(pad, '0')}`;

export function versionsText(vs: readonly number[]): string {
  return vs.length ? vs.map(versionText).join(', ') : 'no versions';
}

export function deviceMarkdown(id: string, ctx: ScenarioContext): string | undefined {
  const d = ctx.devices.find((x) => x.id === id);
  if (!d) return undefined;
  return deviceCatalogMarkdown(id) ?? `**${d.id}** — ${d.title}\n\n${d.detail}`;
}

/** The value of a number written as the lexer reads it (`0x4249_001B`, `1K`), or undefined for anything else. */
function numberValue(word: string): number | undefined {
  const t = tokenize(word)[0];
  return t?.kind === 'number' && !t.error && t.text === word && typeof t.value === 'number' ? t.value : undefined;
}

/**
 * A message as a scenario may name it, resolved as the checker resolves it: a number is its value;
 * a name is any spelling messageByName accepts (PCI_CREATE_INTERRUPT_MESSAGE3, CREATE_INTERRUPT3,
 * create-interrupt3, OpenVMM's FDO_D0_ENTRY; any case).
 */
export function messageMarkdown(name: string, ctx: ScenarioContext): string | undefined {
  const value = /^[0-9]/.test(name) ? numberValue(name) : messageByName(name);
  const m = value === undefined ? undefined : ctx.messages.find((x) => x.value === value);
  if (!m) return undefined;
  const layout = MESSAGE_LAYOUTS[m.name];
  return (
    `**${m.name}** \`${hex(m.value)}\`` +
    (m.aliases.length ? `\n\nShort name: ${m.aliases.map((a) => `\`${a}\``).join(', ')}` : '') +
    (layout ? `\n\nLayout: ${layout}` : '')
  );
}

export function quirkMarkdown(name: string): string | undefined {
  const q = QUIRKS.find((x) => x.name === name);
  if (!q) return undefined;
  return `**quirk ${q.name}** (${q.models.join(', ')})\n\n${q.summary}.\n\n${q.description}\n\nSource: ${q.source}`;
}

export function profileMarkdown(name: string, ctx: ScenarioContext): string | undefined {
  const p = ctx.hostProfiles.find((x) => x.name === name);
  return p && `**${p.name}** — ${p.title}\n\nAccepts vPCI protocol versions: ${versionsText(p.versions)}` + (p.description ? `\n\n${p.description}` : '');
}

export function guestMarkdown(name: string, ctx: ScenarioContext): string | undefined {
  const g = ctx.guestModels.find((x) => x.name === name);
  if (!g) return undefined;
  const quirks = ctx.quirks.filter((q) => q.models.includes(g.name));
  return (
    `**${g.name}** — ${g.title}\n\nOffers versions (in order): ${versionsText(g.versions)}` +
    (g.description ? `\n\n${g.description}` : '') +
    (g.driver ? `\n\nDriver: \`${g.driver}\`; quirks: ${quirks.map((q) => `\`${q.name}\``).join(', ') || 'none'}` : '') +
    (g.source ? `\n\nSource: ${g.source}` : '')
  );
}

/**
 * A fixed word of the language: how it is written and what it does, from its table. With `before`
 * (the words of its statement before it), only in the role it has there (`vector` after `raise
 * nic0` is the raise event's, not the expectation's; `on` after `quirk NAME` is the quirk's); without
 * it, or where the place says nothing, in each role it has.
 */
export function keywordMarkdown(word: string, before?: readonly string[]): string | undefined {
  const help = (before && helpInPlace(word, before)) ?? keywordHelp(word);
  if (!help.length) return undefined;
  return help.map((h) => `**${word}** (${h.role})\n\n\`${syntaxShown(h.syntax)}\`\n\n${h.summary}.`).join('\n\n---\n\n');
}

/** The meanings of a fixed word where it stands, after `before`; undefined when the place does not tell (or gives it none). */
function helpInPlace(word: string, before: readonly string[]): { role: string; syntax: string; summary: string }[] | undefined {
  const all = keywordHelp(word);
  const pick = (role: KeywordRole, within?: string): KeywordHelp[] | undefined => {
    const r = all.filter((h) => h.role === role && (within === undefined || h.syntax.includes(within)));
    return r.length ? r : undefined;
  };
  const n = before.length;
  if (n === 0) return pick('statement') ?? pick('vm setting') ?? pick('bus item');
  const first = before[0]!;
  // A function clause (a bus item, or the one `plug` and `offer` carry).
  const fn = before.lastIndexOf('function');
  if (fn >= 0) return word === 'dump' ? pick('modifier', 'function') : n > fn + 1 ? pick('function option') : undefined;
  if (word === 'function' && (first !== 'at' || before[2] === 'plug' || before[2] === 'offer')) return pick('bus item');
  switch (first) {
    case 'quirk':
      return pick('modifier', 'quirk');
    case 'mmio':
      return pick('modifier', 'mmio');
    case 'at': {
      if (n === 2) return pick('event');
      const ev = before[2];
      if (n < 3 || ev === undefined || !isEventKeyword(ev)) return undefined;
      if (ev === 'driver') return pick('driver mode');
      if (ev === 'fault') return n === 5 ? pick('fault action') : pick('modifier', 'fault');
      // Any other word of an event (`vector` in raise): what the event does, as it is written.
      if (EVENTS[ev].syntax.includes(`'${word}'`))
        return [{ role: `in the ${ev} event`, syntax: `'at' DURATION ${EVENTS[ev].syntax}`, summary: EVENTS[ev].summary }];
      return undefined;
    }
    case 'expect':
      if (word === 'before') return pick('modifier', before.includes('message') ? 'message' : 'STATE');
      if (word === 'on' || word === 'count') return pick('modifier', 'message');
      return pick('bus state') ?? pick('expectation') ?? pick('modifier');
    default:
      return undefined;
  }
}

/**
 * `mmio low …`, `mmio high …`: which of the VMBus device's two MMIO ranges the line sets. Linux's
 * pci-hyperv (v6.12.118 drivers/pci/controller/pci-hyperv.c, hv_pci_allocate_bridge_windows) takes a
 * 32-bit BAR's space from below 4 GiB ("Need … of low MMIO space") and a 64-bit BAR's from above
 * ("… of high MMIO space"); the defaults are ours (scenario-config.ts DEFAULT_MMIO).
 */
export function mmioRangeMarkdown(word: string): string | undefined {
  const d = DEFAULT_MMIO.find((r) => r.name === word);
  if (!d) return undefined;
  const low = word === 'low';
  return (
    `**${word}** VMBus MMIO range — the one ${low ? 'below' : 'above'} 4 GiB, where Linux pci-hyperv places ${low ? '32' : '64'}-bit BARs ("${word} MMIO space")\n\n` +
    `Default: ${addr(d.base)}, ${sizeText(d.size)}. An \`mmio\` line replaces both default ranges: give both when you move one.`
  );
}

/** A duration (`6ms`, `1500us`): the virtual time it stands for, written as the debugger and the CLI write it. */
export function durationMarkdown(word: string): string | undefined {
  const t = tokenize(word)[0];
  if (t?.kind !== 'duration' || typeof t.value !== 'number' || t.text !== word) return undefined;
  return `\`${word}\` — **${formatTime(t.value)}** of virtual time`;
}

/** A status as `status …` takes it: any spelling of a name the checker accepts (bad-data, BAD_DATA, STATUS_BAD_DATA), or a number. */
export function statusMarkdown(name: string, ctx: ScenarioContext): string | undefined {
  if (/^[0-9]/.test(name)) {
    const v = numberValue(name);
    if (v === undefined || v > 0xffff_ffff) return undefined;
    const known = ctx.statuses.find((x) => x.value >>> 0 === v);
    return known ? `**${known.name}** \`${hex(known.value)}\` (NTSTATUS)` : `\`${hex(v)}\` (NTSTATUS; not one of the named statuses)`;
  }
  const s = statusByName(ctx.statuses, name);
  return s && `**${s.name}** \`${hex(s.value)}\` (NTSTATUS)`;
}

/**
 * What the word after `before` (the statement's words before it on its line) stands for, where the
 * statement says: the status of a fault's `status` action, or the message of a fault or of
 * `expect [no] message`.
 */
function valueRole(before: readonly string[]): 'status' | 'message' | undefined {
  const n = before.length;
  if (before[0] === 'at' && before[2] === 'fault') {
    if (n >= 5 && before[n - 1] === 'status') return 'status';
    // at T fault BUS MESSAGE: the bus may carry a slot (BUS / D.F).
    if (n === 4 || (n === 6 && before[4] === '/')) return 'message';
  }
  if (before[0] === 'expect' && before[n - 1] === 'message' && (n === 2 || (n === 3 && before[1] === 'no'))) return 'message';
  return undefined;
}

/**
 * Markdown for an indexed name, or for a bare word (statuses and messages outside the tree).
 * `before` is the words of the word's statement before it on its line (after the last brace), when
 * known: they say what the word is there.
 */
export function hoverMarkdown(
  n: NameOccurrence | undefined,
  word: string | undefined,
  ctx: ScenarioContext,
  names: readonly NameOccurrence[],
  before?: readonly string[],
): string | undefined {
  if (n) {
    // The name as written, cut when long (a 10 MB name was answered whole); looked up whole.
    const said = shortText(n.name);
    switch (n.kind) {
      case 'device':
        return deviceMarkdown(n.name, ctx) ?? `Unknown device \`${said}\``;
      case 'profile':
        return profileMarkdown(n.name, ctx) ?? `Unknown host profile \`${said}\``;
      case 'guest':
        return guestMarkdown(n.name, ctx) ?? `Unknown guest model \`${said}\``;
      case 'quirk':
        return quirkMarkdown(n.name) ?? `Unknown quirk \`${said}\``;
      case 'message':
        return messageMarkdown(n.name, ctx) ?? `Unknown message \`${said}\``;
      case 'bus-decl':
      case 'bus-ref': {
        const decl = names.find((x) => x.kind === 'bus-decl' && x.name === n.name);
        const refs = names.filter((x) => x.kind === 'bus-ref' && x.name === n.name).length;
        return decl ? `**bus ${said}** — declared on line ${decl.loc.line}; ${refs} reference${refs === 1 ? '' : 's'}` : `Bus \`${said}\` is not declared`;
      }
      case 'fn-decl':
      case 'fn-ref': {
        const decl = names.find((x) => x.kind === 'fn-decl' && x.name === n.name);
        return decl ? `**function ${said}** — declared on line ${decl.loc.line}` : `Function \`${said}\` is not declared`;
      }
      default:
        return undefined;
    }
  }
  if (word === undefined) return undefined;
  const role = before && valueRole(before);
  if (role === 'status') return statusMarkdown(word, ctx) ?? `Unknown status \`${shortText(word)}\``;
  if (role === 'message') return messageMarkdown(word, ctx) ?? `Unknown message \`${shortText(word)}\``;
  const duration = durationMarkdown(word);
  if (duration) return duration;
  if (/^STATUS_/i.test(word)) return statusMarkdown(word, ctx);
  if (/^PCI_/i.test(word)) return messageMarkdown(word, ctx);
  if (before?.length === 1 && before[0] === 'mmio') return mmioRangeMarkdown(word);
  return keywordMarkdown(word, before);
}

/** `0xF8000000 (3.88 GiB)`-free: an address as the docs write one, in hex. */
const addr = (v: number): string => `0x${v.toString(16).toUpperCase()}`;

/**
 * A value a statement holds that is no name (an MMIO range's base or size, a protocol version, an
 * instance GUID, an lspci address, a dump path): what it is there. `toks` are the statement's
 * tokens (after its last brace; comments and line ends left out), `i` the one hovered; `file` the
 * dump file a path was resolved to, when it was read.
 */
export function valueMarkdown(toks: readonly Token[], i: number, ctx: ScenarioContext, file?: { real: string }): string | undefined {
  const t = toks[i];
  if (!t) return undefined;
  const w = (k: number): string | undefined => (toks[k]?.kind === 'word' ? toks[k].text : undefined);
  const num = (k: number): number | undefined => (toks[k]?.kind === 'number' && typeof toks[k].value === 'number' ? toks[k].value : undefined);
  // mmio NAME BASE size SIZE
  if (t.kind === 'number' && w(0) === 'mmio' && (i === 2 || i === 4)) {
    const base = num(2);
    const size = num(4);
    const range = toks[1]?.text ?? '?';
    const where = range === 'low' ? 'below 4 GiB' : range === 'high' ? 'above 4 GiB' : '';
    const span = base !== undefined && size !== undefined && size > 0 ? `: ${addr(base)}–${addr(base + size - 1)} (${sizeText(size)})` : '';
    const what = i === 2 ? `**base** of the \`${range}\` VMBus MMIO range` : `**size** of the \`${range}\` VMBus MMIO range`;
    const v = (i === 2 ? base : size) ?? 0;
    return `${what}: \`${addr(v)}\`${i === 4 ? ` (${sizeText(v)})` : ''}\n\nThe range${where ? ` ${where}` : ''}${span}. The guest places its BARs and the config window of each bus in it.`;
  }
  // `at 0`, `before 0`, `delay 0`: the one time written without a unit
  if (t.kind === 'number' && t.value === 0 && ((w(0) === 'at' && i === 1) || w(i - 1) === 'before' || w(i - 1) === 'delay'))
    return `\`${t.text}\` — **0 ns** of virtual time (a bare 0 is the one time written without a unit)`;
  // expect BUS version MAJOR.MINOR
  if (t.kind === 'dotted' && w(0) === 'expect' && w(i - 1) === 'version') {
    const [maj, min] = t.text.split('.').map((x) => parseInt(x, 10)) as [number, number];
    if (maj > 0xffff || min > 0xffff) return undefined;
    const v = ((maj << 16) | min) >>> 0;
    const name = versionName(v);
    const hosts = ctx.hostProfiles.filter((p) => p.versions.includes(v)).map((p) => `\`${p.name}\``);
    const guests = ctx.guestModels.filter((g) => g.versions.includes(v)).map((g) => `\`${g.name}\``);
    return (
      `**vPCI protocol version ${maj}.${min}** \`${hex(v)}\` (MAJOR << 16 | MINOR, as PCI_QUERY_PROTOCOL_VERSION carries it)` +
      (name ? `; OpenVMM names it \`${name}\` (its ProtocolVersion)` : '; no protocol defines it') +
      `\n\nThe version the guest offers and the host accepts. Host profiles that accept it: ${hosts.join(', ') || 'none'}; guest models that offer it: ${guests.join(', ') || 'none'}` +
      // linux pci-hyperv.c and freebsd vmbus_pcib.c name the versions they offer so (enum pci_protocol_version_t).
      (guests.length ? ` (whose drivers call it \`PCI_PROTOCOL_VERSION_${maj}_${min}\`).` : '.')
    );
  }
  // instance GUID
  if (t.kind === 'guid' && typeof t.value === 'string') {
    const b = guidBytes(t.value);
    const h2 = (x: number): string => `0x${x.toString(16).toUpperCase().padStart(4, '0')}`;
    return (
      `**instance GUID** \`${t.value}\`\n\nThe bus's VMBus channel instance id (the offer's). Its Data1, \`${hex(guidData1(t.value))}\`, is the functions' default serial number (plus the function's index).` +
      ` Linux asks for PCI domain ${h2((b[5]! << 8) | b[4]!)} from its bytes 4 and 5 (pci-hyperv.c hv_pci_probe); FreeBSD takes domain ${h2((b[8]! << 8) | b[9]!)} from bytes 8 and 9 (vmbus_pcib.c vmbus_pcib_attach).`
    );
  }
  // select [DDDD:]BB:DD.F
  if (t.kind === 'pciaddr') {
    const m = /^(?:([0-9A-Fa-f]{1,4}):)?([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2})\.([0-7])$/.exec(t.text);
    if (!m) return undefined;
    const [dom, bus, dev, fn] = [m[1] ?? '0', m[2]!, m[3]!, m[4]!].map((x) => parseInt(x, 16)) as [number, number, number, number];
    return `**lspci address** \`${t.text}\`: domain ${dom}, bus ${bus}, device ${dev}, function ${fn}\n\nWhich device of the dump file this function takes (the address lspci prints before each device).`;
  }
  // A number argument (a count, a size, a vector, an offset, a slot): what it is there, with its unit.
  if (t.kind === 'number') {
    const md = argumentMarkdown(toks, i);
    if (md) return md;
  }
  // function SLOT dump "PATH"
  if (t.kind === 'string' && w(i - 1) === 'dump') {
    const sel = toks.findIndex((x, k) => k > i && x.kind === 'word' && x.text === 'select');
    const address = sel >= 0 && toks[sel + 1]?.kind === 'pciaddr' ? toks[sel + 1]!.text : undefined;
    const device = address ? `the device at \`${address}\` (\`select\`)` : 'the first device in it (no `select`)';
    return file
      ? `**dump file** \`${file.real}\`\n\nAn lspci -x/-xxx/-xxxx dump, read relative to the scenario's folder; this function is ${device}.`
      : `**dump file** ${t.text}\n\nNot read (its diagnostic says why); a path is relative to the scenario's folder. This function would be ${device}.`;
  }
  return undefined;
}

/**
 * A number a statement takes as an argument (a slot is a function's name, with the function's hover), by the word before it (docs/scenario-language.md,
 * Grammar): what it counts or names there, with its unit. Undefined where the word before it names
 * no such argument (a status or message number: their own hovers; a time: durationMarkdown).
 */
function argumentMarkdown(toks: readonly Token[], i: number): string | undefined {
  const t = toks[i]!;
  const w = (k: number): string | undefined => (toks[k]?.kind === 'word' ? toks[k].text : undefined);
  if (t.kind !== 'number' || typeof t.value !== 'number') return undefined;
  const n = t.value;
  const h = `\`${addr(n)}\``;
  switch (w(i - 1)) {
    case 'cpus':
      return `**CPU count**: ${counted(n, 'virtual processor')} (1..240; default 4)`;
    case 'serial':
      return `**serial number** ${n} (${h}), reported in BUS_RELATIONS`;
    case 'numa':
      return `**virtual NUMA node** ${n}, reported in BUS_RELATIONS2 (vPCI 1.3 on)`;
    case 'bar':
      return `**BAR ${n}**: the Base Address Register at config offset 0x${(0x10 + 4 * n).toString(16).toUpperCase()}`;
    case 'rom':
      return `**expansion ROM size**: ${sizeText(n, true)} (${h} bytes)`;
    case 'msix':
    case 'msi': {
      const kind = w(i - 1) === 'msix' ? 'MSI-X' : 'MSI';
      return w(0) === 'expect'
        ? `**${counted(n, 'MSI-X vector')}** programmed with the host's address/data at the end of the run`
        : `**${counted(n, `${kind} vector`)}** the function's driver asks for`;
    }
    case 'vector':
      return `**interrupt vector ${n}**: MSI-X table entry or MSI message ${n}`;
    case 'cpu':
      return `**virtual CPU ${n}** (counted from 0)`;
    case 'times':
      return `**${counted(n, 'time')}**: the fault acts on the next ${n === 1 ? 'such message' : `${n} such messages`}, then no more`;
    case 'count':
      return `**${counted(n, 'time')}**: the message is sent exactly this often`;
    case 'truncate':
      return `**${counted(n, 'byte')}**: the reply's payload is cut to this length`;
    case 'flip':
      return `**byte offset ${n}** (${h}) in the reply's payload`;
    default:
      break;
  }
  // `bar I SIZE`, `flip OFFSET XOR`: the second number.
  if (w(i - 2) === 'bar' && toks[i - 1]?.kind === 'number') return `**size of BAR ${String(toks[i - 1]!.value)}**: ${sizeText(n, true)} (${h} bytes)`;
  if (w(i - 2) === 'flip' && toks[i - 1]?.kind === 'number') return `**XOR mask** ${h} (\`0b${n.toString(2).padStart(8, '0')}\`)`;
  return undefined;
}
