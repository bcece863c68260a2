// Option parsing for the CLI: node:util parseArgs, strict, with its errors
// turned into one line that names the option (never a stack trace).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { shown } from '../../emulator/format';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
  /** The options that take a value, in the order given (where options act in turn on one thing). */
  given: { name: string; value: string }[];
}

/** The option every command has besides its own (-h, --help). */
const HELP = 'help';

/**
 * Parses `args` against `options`; a wrong option is an error naming it. An option that takes one
 * value (type 'string' without `multiple`) given twice is an error too: parseArgs would keep the
 * last one silently, so `--json - --json out.json` would drop one report without a word.
 */
export function parse<O extends Options>(
  args: string[],
  options: O,
  /** Options an empty value means something to (lspci's `-s ''` and `-d ''` match every device, as pcilib's filters do). */
  emptyAllowed: readonly (keyof O)[] = [],
): { ok: true; p: Parsed<O> } | { ok: false; error: string } {
  let r;
  try {
    // -h and --help are every command's, parsed as the others are: inside a cluster of short
    // options (`lspci -vh`) they ask for the help, and `--help=x` is told it takes no value —
    // not "unknown option -h" from a command whose usage lists it.
    r = parseArgs({ args, options: { ...options, [HELP]: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    return { ok: false, error: oneLine(e, args) };
  }
  // An option with a short form is written short (lspci's -v, -s …): its long name is only the
  // key it is parsed under, which no usage lists, as lspci itself has no --verbose.
  for (const t of r.tokens)
    if (t.kind === 'option' && t.name !== HELP && options[t.name]?.short !== undefined && t.rawName.startsWith('--'))
      return { ok: false, error: `unknown option ${shown(t.rawName)}` };
  if (r.tokens.some((t) => t.kind === 'option' && t.name === HELP)) throw new HelpWanted();
  const seen = new Map<string, string[]>();
  for (const t of r.tokens) {
    if (t.kind !== 'option') continue;
    const o = options[t.name];
    // `--guest=` or `--guest ''`: said as a missing value is, for every option alike.
    if (t.value === '' && !emptyAllowed.includes(t.name)) return { ok: false, error: `option ${shown(t.rawName)} needs a value` };
    if (o?.type !== 'string' || o.multiple) continue;
    const given = [...(seen.get(t.name) ?? []), t.value ?? ''];
    seen.set(t.name, given);
    if (given.length === 2)
      return { ok: false, error: `option ${optionName(t.name, o)} given twice (${given.map((x) => shown(x, "'")).join(' and ')}): it takes one value` };
  }
  const given: { name: string; value: string }[] = [];
  for (const t of r.tokens) if (t.kind === 'option' && t.value !== undefined) given.push({ name: t.name, value: t.value });
  return { ok: true, p: { values: r.values, positionals: r.positionals, given } };
}

/**
 * Thrown by `parse` when the command line asks for the command's help in a way main's first look
 * (`wantsHelp`, whole arguments only) cannot see: main prints the usage, exit 0, as for `--help`.
 */
export class HelpWanted extends Error {
  constructor() {
    super('help wanted');
  }
}

/** How an option is written on the command line: --name, or -X for a one-letter one. */
function optionName(name: string, o: Options[string]): string {
  // An option with a short form is only ever written short (see parse): lspci's -F, not --file.
  return o.short !== undefined ? `-${o.short}` : `--${name}`;
}

function oneLine(e: unknown, args: readonly string[]): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  // parseArgs names an option that has a short form by both ('-h, --help'): the one written is meant.
  const both = /'(-[^-', ]), (--[^', ]+)/.exec(msg);
  const opt = both ? (args.some((a) => a === both[2] || a.startsWith(`${both[2]}=`)) ? both[2] : both[1]) : /'(-{1,2}[^', ]+)/.exec(msg)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && opt) return `unknown option ${shown(opt)}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && opt) {
    if (/does not take/.test(msg)) return `option ${shown(opt)} takes no value`;
    // The next argument starts with a dash (`--port -1`): parseArgs will not take it as the value.
    if (/ambiguous/.test(msg))
      return `option ${shown(opt)} needs a value (one that starts with a dash is written ${shown(opt)}${opt.startsWith('--') ? '=-…' : '-…'})`;
    return `option ${shown(opt)} needs a value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${shown(/'([^']*)'/.exec(msg)?.[1] ?? '')}`.trim();
  return shown(msg.split('\n')[0]!);
}

/** The last value of an option that may be given more than once. */
export function last(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Whether the command line asks for help (before any `--`). */
export function wantsHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}
