// The debugger's expression language: breakpoint conditions, logpoint
// interpolation, watch, hover and the debug console all evaluate it. It is a
// small C-like language over 64-bit integers (as C's int64_t, wrapping instead
// of overflowing: literals, + - * / % and the bitwise operators are exact to 64
// bits with BigInt — `1 << 40` is 0x10000000000, nothing rounds past 2^53; a
// shift count must be 0–63) with member access, indexing and calls,
// whose names the host environment resolves: frame locals, buses and their
// registers (`nic0.COMMAND`, `nic0.BAR0`, `nic0/00.0.STATUS`), functions such as
// `cfg32(nic0, 0x10)` and `msix(nic0)[2].data`, and the current packet `msg`.
// Nothing is ever evaluated as JavaScript.
import { clip } from '../emulator/format';
import { slotName } from '../emulator/vpci/protocol';

export type Value = number | bigint | string | boolean | null | undefined | Value[] | { [k: string]: Value } | ((...args: Value[]) => Value);

export type Node =
  | { t: 'num'; v: bigint }
  | { t: 'str'; v: string }
  | { t: 'id'; name: string; pos: number }
  | { t: 'un'; op: string; e: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node }
  | { t: 'member'; o: Node; name: string }
  | { t: 'index'; o: Node; i: Node }
  | { t: 'call'; f: Node; args: Node[] };

/** An expression that cannot be parsed (pos: where, 0-based) or evaluated (no pos: the value is at fault, not a place). */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly pos?: number,
  ) {
    super(message);
  }
}

interface Tok {
  k: 'num' | 'str' | 'id' | 'op' | 'end';
  v: string;
  pos: number;
}

const OPS = [
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  // C's member access through a pointer, as the driver listings write it (hbus->state): a hover there sends it
  // (VS Code reads '->' into the expression under the mouse); the locals' pointers are their objects, so it is '.'.
  '->',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
  '!',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '?',
  ':',
];

/**
 * The character at `i` as an error names it: the whole of a character outside the BMP (its two
 * UTF-16 halves; one half alone reached the client as U+FFFD, 'nic0.😀' said unexpected '�'),
 * a control character by its code point.
 */
function charText(src: string, i: number): string {
  const cp = src.codePointAt(i)!;
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(cp)}'`;
}

/**
 * `isName`: whether a name with '-' in it is one name (a bus named nvme-0); where it is not, its
 * '-' is C's minus (pci_ring_size-1, nic0.COMMAND-1). Without it (a syntax check) every such name is one.
 */
function lex(src: string, isName?: (name: string) => boolean): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      // After a '.', a member name may start with a digit (pci_regs.h's DEVCTL2.10BIT_TAG_REQ, as Variables names it).
      const prev = out[out.length - 1];
      const member = prev?.k === 'op' && (prev.v === '.' || prev.v === '->') ? /^[0-9][A-Za-z0-9_$]*[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i)) : null;
      if (member && !/^0x[0-9a-fA-F_]+$|^0b[01_]+$/.test(member[0])) {
        out.push({ k: 'id', v: member[0], pos: start });
        i += member[0].length;
        continue;
      }
      const m = /^(0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*)/.exec(src.slice(i))!;
      // A slot like 00.0 after a slash is lexed by the caller's identifier rule.
      out.push({ k: 'num', v: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      // Identifiers may contain '-' between letters (catalog ids) and '/' with a slot: nic0/00.0, nic0/1.2, or a
      // device alone before a member (nic0/3.COMMAND, as a scenario names slot 3; `x/3` alone stays a division).
      let name = /^[A-Za-z_$][A-Za-z0-9_$]*(?:-[A-Za-z0-9_]+)*/.exec(src.slice(i))![0];
      if (isName && name.includes('-')) {
        const parts = name.split('-');
        let k = parts.length;
        while (k > 1 && !isName(parts.slice(0, k).join('-'))) k--;
        name = parts.slice(0, k).join('-');
      }
      const slot = /^\/[0-9a-fA-F]{1,2}(?:\.[0-7]|(?=\.[A-Za-z_$]))/.exec(src.slice(i + name.length));
      if (slot) name += slot[0];
      out.push({ k: 'id', v: name, pos: start });
      i += name.length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j]!;
        j++;
      }
      if (j >= src.length) throw new ExprError('unterminated string', start);
      out.push({ k: 'str', v: s, pos: start });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected character ${charText(src, i)}`, i);
    out.push({ k: 'op', v: op, pos: i });
    i += op.length;
  }
  out.push({ k: 'end', v: '', pos: src.length });
  return out;
}

const BIN: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/**
 * How deep an expression may nest. Parsing and evaluating both recurse over the tree, so a
 * deeper one is refused (with the column where it went too deep) rather than run out of stack:
 * brackets, unary operators (`----1`), operator chains (`1+1+…`, a left-deep tree) and member,
 * index and call chains (`a.b.c…`) all count.
 */
const MAX_DEPTH = 256;
/** The parser's own recursion: a bracket after a unary operator takes two levels of it for one of the tree. */
const MAX_RECURSION = 2 * MAX_DEPTH;
/** Arguments of one call (the functions here take one to three). */
const MAX_ARGS = 256;

export function parseExpr(src: string, isName?: (name: string) => boolean): Node {
  const toks = lex(src, isName);
  let p = 0;
  // Each node's depth (a leaf is 1), so a chain that the parser builds in a loop is measured too.
  const depths = new WeakMap<Node, number>();
  const made = <N extends Node>(n: N, pos: number, kids: readonly Node[]): N => {
    let d = 0;
    for (const k of kids) d = Math.max(d, depths.get(k) ?? 1);
    if (d + 1 > MAX_DEPTH) throw new ExprError('expression nested too deeply', pos);
    depths.set(n, d + 1);
    return n;
  };
  const peek = () => toks[p]!;
  const eat = (v?: string): Tok => {
    const t = toks[p]!;
    if (v !== undefined && t.v !== v) throw new ExprError(`expected '${v}' but found '${clip(t.v) || 'end of input'}'`, t.pos);
    p++;
    return t;
  };
  const primary = (): Node => {
    const t = eat();
    let n: Node;
    if (t.k === 'num') {
      const clean = t.v.replace(/_/g, '');
      if (/^0[xb]$/i.test(clean)) throw new ExprError(`'${clip(t.v)}' has no digits`, t.pos);
      // A literal is its exact value, kept to 64 bits (0xffffffffffffffff is -1, as in C's int64_t).
      const big = BigInt(clean);
      if (big >= 1n << 64n) throw new ExprError(`${clip(t.v)} does not fit in 64 bits`, t.pos);
      n = { t: 'num', v: BigInt.asIntN(64, big) };
    } else if (t.k === 'str') n = { t: 'str', v: t.v };
    else if (t.k === 'id') n = { t: 'id', name: t.v, pos: t.pos };
    else if (t.v === '(') {
      n = expr(0);
      eat(')');
    } else if (t.v === '-' || t.v === '!' || t.v === '~' || t.v === '+' || t.v === '*' || t.v === '&') {
      const e = nested(t.pos, primary);
      n = made({ t: 'un', op: t.v, e }, t.pos, [e]);
    } else throw new ExprError(t.k === 'end' ? 'unexpected end of expression' : `unexpected '${t.v}'`, t.pos);
    for (;;) {
      const q = peek();
      if (q.k === 'op' && (q.v === '.' || q.v === '->')) {
        eat();
        const id = eat();
        if (id.k !== 'id' && id.k !== 'num') throw new ExprError(`expected a member name after "${q.v}"`, id.pos);
        n = made({ t: 'member', o: n, name: id.v }, q.pos, [n]);
      } else if (q.v === '[') {
        eat();
        const i = expr(0);
        eat(']');
        n = made({ t: 'index', o: n, i }, q.pos, [n, i]);
      } else if (q.v === '(') {
        eat();
        const args: Node[] = [];
        if (peek().v !== ')') {
          args.push(expr(0));
          while (peek().v === ',') {
            const comma = eat();
            if (args.length >= MAX_ARGS) throw new ExprError(`more than ${MAX_ARGS} arguments`, comma.pos);
            args.push(expr(0));
          }
        }
        eat(')');
        n = made({ t: 'call', f: n, args }, q.pos, [n, ...args]);
      } else break;
    }
    return n;
  };
  // The parser's own recursion (brackets, operands of operators, unary operators), counted before
  // it recurses: a tree is measured only once it is built, and the stack would run out first.
  let depth = 0;
  const nested = (pos: number, f: () => Node): Node => {
    if (++depth > MAX_RECURSION) throw new ExprError('expression nested too deeply', pos);
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const expr = (min: number): Node => nested(peek().pos, () => exprAt(min));
  const exprAt = (min: number): Node => {
    let a = primary();
    for (;;) {
      const t = peek();
      if (t.v === '?' && min === 0) {
        eat();
        const x = expr(0);
        eat(':');
        const y = expr(0);
        a = made({ t: 'cond', c: a, a: x, b: y }, t.pos, [a, x, y]);
        continue;
      }
      const prec = t.k === 'op' ? BIN[t.v] : undefined;
      if (prec === undefined || prec < min) break;
      eat();
      const b = expr(prec + 1);
      a = made({ t: 'bin', op: t.v, a, b }, t.pos, [a, b]);
    }
    return a;
  };
  const n = expr(0);
  if (peek().k !== 'end') throw new ExprError(`unexpected '${clip(peek().v)}'`, peek().pos);
  return n;
}

/** What names mean: the adapter supplies this over the machine's current state. */
export interface ExprEnv {
  lookup(name: string): Value;
  /** How an expression that is a name alone is shown, when not as a plain value (`now` as virtual time). */
  show?(name: string, v: Value): string | undefined;
  /** Why a name has no value here, when it is known but has none (a local not yet assigned). */
  unavailable?(name: string): string | undefined;
  /** The text of the Variables row an expression names alone (a register, a field, a summary row), if it names one. */
  row?(src: string): string | undefined;
  /** Whether a name with '-' in it is one name here (a bus named nvme-0): else its '-' is a minus. */
  isName?(name: string): boolean;
  /** Why value `o` has no member `name`, when there is more to say than that (a bus whose function has left it). */
  noMember?(o: Value, name: string): string | undefined;
}

/** A value as a 64-bit integer: integers, booleans and {value: n} registers; anything else is an error naming `what`. */
function int(v: Value, what: string): bigint {
  // A name's 64-bit value (a kernel pointer) is unsigned as the model keeps it: as int64_t here, as literals and results are.
  if (typeof v === 'bigint') return BigInt.asIntN(64, v);
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new ExprError(`${what} ${v} is not an integer`);
    return BigInt.asIntN(64, BigInt(v));
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (
    v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    (typeof (v as { value?: Value }).value === 'number' || typeof (v as { value?: Value }).value === 'bigint')
  )
    return int((v as { value: number | bigint }).value, what);
  throw new ExprError(`${what} is not a number`);
}

/** A 64-bit result, wrapped as int64_t would. */
const wrap = (x: bigint): bigint => BigInt.asIntN(64, x);

/** An integer as the host environment takes it (array indexes, function arguments): a JS number when exact. */
function toHost(v: Value): Value {
  if (typeof v !== 'bigint') return v;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ExprError(`${v} is too large here`);
  return Number(v);
}

function truthy(v: Value): boolean {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'value' in v) return !!(v as { value: Value }).value;
  return !!v;
}

/** ==, <, … on any mix of numbers and 64-bit integers (a fraction compares as itself). */
function compare(a: Value, b: Value): number {
  const x = typeof a === 'number' && !Number.isInteger(a) ? a : int(a, 'left operand');
  const y = typeof b === 'number' && !Number.isInteger(b) ? b : int(b, 'right operand');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A value as text for comparing with a string: primitives as String() has them, structures as they are shown (not "[object Object]"). */
function asText(v: Value): string {
  return typeof v === 'object' && v !== null ? formatValue(v, false) : typeof v === 'function' ? 'function' : String(v);
}

export function evalExpr(n: Node, env: ExprEnv): Value {
  switch (n.t) {
    case 'num':
    case 'str':
      return n.v;
    case 'id': {
      const v = env.lookup(n.name);
      if (v === undefined) throw new ExprError(env.unavailable?.(n.name) ?? `unknown name '${clip(n.name)}'`, n.pos);
      return v;
    }
    case 'un': {
      const v = evalExpr(n.e, env);
      if (n.op === '!') return !truthy(v);
      if (n.op === '*' || n.op === '&') {
        // Ours: a driver's pointer is shown as what it points at (hbus is its struct hv_pcibus), so
        // *hbus and &hbus->children, as a hover over C sends them, are that structure; a hover
        // there showed nothing ("unexpected '*'"). Guest memory has no addresses in the model.
        if (v !== null && typeof v === 'object') return v;
        throw new ExprError(
          n.op === '*'
            ? `'*' reads through a pointer, and ${clip(formatValue(v))} points at no structure (guest memory is not modelled)`
            : `'&' takes an address, and ${clip(formatValue(v))} has none (guest memory is not modelled)`,
        );
      }
      const x = int(v, 'operand');
      return n.op === '-' ? wrap(-x) : n.op === '~' ? wrap(~x) : x;
    }
    case 'cond':
      return truthy(evalExpr(n.c, env)) ? evalExpr(n.a, env) : evalExpr(n.b, env);
    case 'bin': {
      if (n.op === '&&') return truthy(evalExpr(n.a, env)) && truthy(evalExpr(n.b, env));
      if (n.op === '||') return truthy(evalExpr(n.a, env)) || truthy(evalExpr(n.b, env));
      const av = evalExpr(n.a, env);
      const bv = evalExpr(n.b, env);
      if ((n.op === '==' || n.op === '!=') && (typeof av === 'string' || typeof bv === 'string')) return (asText(av) === asText(bv)) === (n.op === '==');
      switch (n.op) {
        case '==':
          return compare(av, bv) === 0;
        case '!=':
          return compare(av, bv) !== 0;
        case '<':
          return compare(av, bv) < 0;
        case '<=':
          return compare(av, bv) <= 0;
        case '>':
          return compare(av, bv) > 0;
        case '>=':
          return compare(av, bv) >= 0;
      }
      // A bus divided by a device number is a slot written where the name rule does not take one (msix(nic0/3)), said as
      // that with the form taken everywhere: the device (decimal, as a scenario's nic0/10) and the function (it was 'left operand is not a number').
      if (n.op === '/' && n.a.t === 'id' && n.b.t === 'num' && n.b.v <= 31n && av !== null && typeof av === 'object' && '__bus' in av) {
        const slot = `${n.a.name}/${slotName(Number(n.b.v))}`;
        throw new ExprError(`'${n.a.name}/${n.b.v}': name the slot with its function here: ${slot}`, n.a.pos);
      }
      const a = int(av, 'left operand');
      const b = int(bv, 'right operand');
      switch (n.op) {
        case '+':
          return wrap(a + b);
        case '-':
          return wrap(a - b);
        case '*':
          return wrap(a * b);
        case '/':
          if (b === 0n) throw new ExprError('division by zero');
          return wrap(a / b);
        case '%':
          if (b === 0n) throw new ExprError('division by zero');
          return wrap(a % b);
        case '&':
          return wrap(a & b);
        case '|':
          return wrap(a | b);
        case '^':
          return wrap(a ^ b);
        case '<<':
        case '>>':
          if (b < 0n || b > 63n) throw new ExprError(`shift count ${b} is out of range (0 to 63)`);
          return n.op === '<<' ? wrap(a << b) : a >> b;
      }
      throw new ExprError(`unknown operator ${n.op}`);
    }
    case 'member': {
      const o = evalExpr(n.o, env);
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        const key = Object.keys(o).find((k) => k === n.name) ?? Object.keys(o).find((k) => k.toLowerCase() === n.name.toLowerCase());
        if (key !== undefined) return (o as Record<string, Value>)[key];
      }
      throw new ExprError(env.noMember?.(o, n.name) ?? `no member '${clip(n.name)}'`);
    }
    case 'index': {
      const o = evalExpr(n.o, env);
      const big = int(evalExpr(n.i, env), 'index');
      if (Array.isArray(o)) {
        if (big < 0n || big >= BigInt(o.length)) throw new ExprError(`index ${big} out of range (0..${o.length - 1})`);
        return o[Number(big)];
      }
      if (typeof o === 'function') return o(toHost(big));
      // An object keyed by number (nic0.bars, by BAR number): its own keys only.
      if (o && typeof o === 'object' && Object.keys(o).some((k) => /^\d+$/.test(k))) {
        if (Object.hasOwn(o, String(big))) return o[String(big)];
        const keys = Object.keys(o).filter((k) => /^\d+$/.test(k));
        throw new ExprError(`no element [${big}] (there ${keys.length === 1 ? 'is' : 'are'} ${keys.map((k) => `[${k}]`).join(', ')})`);
      }
      throw new ExprError('value cannot be indexed');
    }
    case 'call': {
      const f = evalExpr(n.f, env);
      if (typeof f !== 'function') throw new ExprError('value is not a function');
      return f(...n.args.map((a) => toHost(evalExpr(a, env))));
    }
  }
}

/** Why `src` is not an expression (its syntax alone: names are not looked up), or undefined. */
export function syntaxError(src: string): string | undefined {
  try {
    parseExpr(src);
    return undefined;
  } catch (e) {
    if (e instanceof ExprError) return `${e.message}${e.pos !== undefined ? ` (at column ${e.pos + 1})` : ''}`;
    return e instanceof Error ? e.message : String(e);
  }
}

/** Evaluates `src`; returns a value or an error message with its column. */
export function evaluate(src: string, env: ExprEnv): { ok: true; value: Value } | { ok: false; error: string } {
  try {
    return { ok: true, value: evalExpr(parseExpr(src, env.isName && ((n) => env.isName!(n))), env) };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: `${e.message}${e.pos !== undefined ? ` (at column ${e.pos + 1})` : ''}` };
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Formats a value for display: numbers in hex (or decimal), objects as {a: …}; the first 8 elements
 * and 6 fields, or with `whole` all of them (Copy Value puts the value whole on the clipboard).
 */
export function formatValue(v: Value, hex = true, whole = false): string {
  if (typeof v === 'number') return hex && Number.isInteger(v) && v >= 0 ? `0x${v.toString(16)}` : String(v);
  // A 64-bit result: negative ones in hex as their two's complement, as a debugger shows an int64_t with /x.
  if (typeof v === 'bigint') return hex ? `0x${BigInt.asUintN(64, v).toString(16)}` : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'function') return '<function>';
  const items = whole ? Infinity : 8;
  const fields = whole ? Infinity : 6;
  if (Array.isArray(v))
    return `[${v
      .slice(0, items)
      .map((x) => formatValue(x, hex, whole))
      .join(', ')}${v.length > items ? `, … (${v.length})` : ''}]`;
  if ('value' in v && typeof v.value === 'number') return formatValue(v.value, hex);
  const entries = Object.entries(v);
  return `{${entries
    .slice(0, fields)
    .map(([k, x]) => `${k}: ${formatValue(x, hex, whole)}`)
    .join(', ')}${entries.length > fields ? ', …' : ''}}`;
}

/** An evaluated expression for display: as its name shows it when it is a name alone (env.show), else formatValue. */
export function showValue(src: string, v: Value, env: ExprEnv, hex = true): string {
  const name = src.trim();
  return (/^[A-Za-z_$][\w$]*$/.test(name) ? env.show?.(name, v) : undefined) ?? formatValue(v, hex);
}

/** Interpolates `{expr}` in a logpoint message. */
export function interpolate(msg: string, env: ExprEnv, hex = true): string {
  return msg.replace(/\{([^{}]+)\}/g, (_m, e: string) => {
    const r = evaluate(e, env);
    // Written as its Variables row when it names one ({nic0.COMMAND} is 0x0006, as a watch shows it).
    return r.ok ? (env.row?.(e.trim()) ?? showValue(e, r.value, env, hex)) : `<${r.error}>`;
  });
}
