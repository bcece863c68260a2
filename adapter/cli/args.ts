// Small, strict option parsing for the CLI: every unknown option is an error
// that names it, never silently ignored.
export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

export interface OptionSpec {
  /** Options that take no value. */
  flags?: string[];
  /** Options that take one value (may repeat). */
  values?: string[];
}

export function parseArgs(args: string[], spec: OptionSpec): { ok: true; args: ParsedArgs } | { ok: false; error: string } {
  const out: ParsedArgs = { positional: [], flags: new Set(), values: new Map() };
  const flags = new Set(spec.flags ?? []);
  const values = new Set(spec.values ?? []);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (flags.has(name)) {
      if (eq > 0) return { ok: false, error: `option --${name} takes no value` };
      out.flags.add(name);
    } else if (values.has(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) return { ok: false, error: `option --${name} needs a value` };
      const list = out.values.get(name) ?? [];
      list.push(v);
      out.values.set(name, list);
    } else return { ok: false, error: `unknown option --${name}` };
  }
  return { ok: true, args: out };
}

export function one(a: ParsedArgs, name: string): string | undefined {
  const v = a.values.get(name);
  return v ? v[v.length - 1] : undefined;
}
