// A small evaluator of the C conditions the driver listings print (`if (…)`,
// `while (…)`, a `for`'s test, `case X:` against its switch), over a name
// environment. Test support for listing-conditions.test.ts: it evaluates each
// listing condition's C text on a recorded state and compares it with the
// model's TypeScript condition. Nothing here knows a driver: names come from
// the environment the caller gives.

/** A name the environment cannot read: the check reports it rather than guess. */
export class Unresolved extends Error {
  constructor(readonly what: string) {
    super(`cannot read ${what}`);
  }
}

export interface Env {
  /** A name's value; throw Unresolved for one it does not know. */
  name(id: string): unknown;
  /** A function call's value from its evaluated arguments. */
  call(fn: string, args: unknown[], raw: string[]): unknown;
  /** sizeof(<text>) / offsetof(<text>, <member>) as the driver's structs lay out. */
  sizeof(text: string): number;
  offsetof(type: string, member: string): number;
}

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string };

const OPS = [
  '<<=',
  '>>=',
  '->',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '!',
  '~',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '|',
  '^',
  '?',
  ':',
  '=',
];

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|\d+)(ULL|UL|LL|U|L)?/i.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[1]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new SyntaxError(`unexpected '${c}' in ${src}`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

/** An argument the evaluator could not read (the function decides whether it matters). */
export const UNREAD = Symbol('unread');

/** C truth. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === 0n) return false;
  return true;
}

function num(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v === null) return 0;
  throw new Unresolved(`${what} as a number (${typeof v})`);
}

/** Evaluates one C expression. */
export function evaluate(src: string, env: Env): unknown {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => peek()?.t === 'op' && peek()!.v === v;
  const eat = (v: string) => {
    if (!isOp(v)) throw new SyntaxError(`expected '${v}' in ${src}`);
    p++;
  };
  // The source text of tokens [a, b), for sizeof/offsetof and call arguments.
  const text = (a: number, b: number) =>
    toks
      .slice(a, b)
      .map((t) => String(t.v))
      .join(' ');

  // Binary operators by precedence, loosest first.
  const BIN: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

  const expr = (): unknown => assign();
  const assign = (): unknown => {
    if (peek()?.t === 'id' && toks[p + 1]?.t === 'op' && toks[p + 1]!.v === '=') {
      p += 2; // `hpdev = f(...)`: the value assigned, whatever the target held before
      return assign();
    }
    const v = cond();
    if (isOp('=')) {
      p++;
      return assign(); // `if (hpdev = f(...))`: the assigned value
    }
    return v;
  };
  const cond = (): unknown => {
    const c = binary(0);
    if (!isOp('?')) return c;
    p++;
    const a = expr();
    eat(':');
    const b = cond();
    return truthy(c) ? a : b;
  };
  const binary = (level: number): unknown => {
    if (level >= BIN.length) return unary();
    // && and || short-circuit: the right side may be unreadable when it does not matter.
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (!t || t.t !== 'op' || !BIN[level]!.includes(t.v)) return left;
      p++;
      const op = t.v;
      if (op === '&&' && !truthy(left)) {
        skipOperand(level + 1);
        left = false;
        continue;
      }
      if (op === '||' && truthy(left)) {
        skipOperand(level + 1);
        left = true;
        continue;
      }
      const right = binary(level + 1);
      left = op === '&&' || op === '||' ? truthy(right) : apply(op, left, right);
    }
  };
  const skipOperand = (level: number) => {
    try {
      binary(level);
    } catch (e) {
      if (!(e instanceof Unresolved)) throw e;
      // Skip the tokens of an operand that need not be read: to the next operator of this level or lower.
      let depth = 0;
      while (p < toks.length) {
        const t = toks[p]!;
        if (t.t === 'op' && (t.v === '(' || t.v === '[')) depth++;
        if (t.t === 'op' && (t.v === ')' || t.v === ']')) {
          if (depth === 0) break;
          depth--;
        }
        if (depth === 0 && t.t === 'op' && (t.v === '&&' || t.v === '||' || t.v === '?' || t.v === ':')) break;
        p++;
      }
    }
  };
  const apply = (op: string, a: unknown, b: unknown): unknown => {
    switch (op) {
      case '==':
        return eq(a, b);
      case '!=':
        return !eq(a, b);
      case '<':
        return num(a, op) < num(b, op);
      case '<=':
        return num(a, op) <= num(b, op);
      case '>':
        return num(a, op) > num(b, op);
      case '>=':
        return num(a, op) >= num(b, op);
      case '<<':
        return num(a, op) * 2 ** num(b, op);
      case '>>':
        return Math.floor(num(a, op) / 2 ** num(b, op));
      case '+':
        return num(a, op) + num(b, op);
      case '-':
        return num(a, op) - num(b, op);
      case '*':
        return num(a, op) * num(b, op);
      case '/':
        return Math.trunc(num(a, op) / num(b, op));
      case '%':
        return num(a, op) % num(b, op);
      case '|':
        return num(a, op) | num(b, op);
      case '^':
        return num(a, op) ^ num(b, op);
      case '&':
        return num(a, op) & num(b, op);
    }
    throw new SyntaxError(op);
  };
  const eq = (a: unknown, b: unknown): boolean => {
    if (typeof a === 'string' || typeof b === 'string') return a === b;
    if (a === null || b === null || typeof a === 'object' || typeof b === 'object') return a === b || (!truthy(a) && !truthy(b));
    return num(a, '==') === num(b, '==');
  };
  const unary = (): unknown => {
    const t = peek();
    if (t?.t === 'op') {
      if (t.v === '!') {
        p++;
        return !truthy(unary());
      }
      if (t.v === '~') {
        p++;
        return ~num(unary(), '~');
      }
      if (t.v === '-') {
        p++;
        return -num(unary(), '-');
      }
      if (t.v === '+') {
        p++;
        return num(unary(), '+');
      }
      if (t.v === '&' || t.v === '*') {
        // Address-of and dereference read the object itself.
        p++;
        return unary();
      }
      if (
        t.v === '(' &&
        toks[p + 1]?.t === 'id' &&
        /^(u8|u16|u32|u64|int|unsigned|uint\d+_t)$/.test(String(toks[p + 1]!.v)) &&
        toks[p + 2]?.t === 'op' &&
        toks[p + 2]!.v === ')'
      ) {
        p += 3; // a cast to an integer type
        return unary();
      }
    }
    if (t?.t === 'id' && (t.v === 'sizeof' || t.v === 'offsetof')) {
      p++;
      eat('(');
      const a = p;
      let depth = 0;
      while (p < toks.length && !(depth === 0 && isOp(')'))) {
        if (isOp('(')) depth++;
        if (isOp(')')) depth--;
        p++;
      }
      const inner = text(a, p);
      eat(')');
      if (t.v === 'sizeof') return env.sizeof(inner);
      const [type, member] = inner.split(',').map((s) => s.trim());
      return env.offsetof(type!, member!);
    }
    return postfix();
  };
  const postfix = (): unknown => {
    let v: unknown;
    let name = '';
    const t = peek();
    if (!t) throw new SyntaxError(`unexpected end of ${src}`);
    if (t.t === 'num') {
      p++;
      v = t.v;
    } else if (t.t === 'id') {
      p++;
      name = t.v;
      if (isOp('(')) {
        p++;
        const args: unknown[] = [];
        const raw: string[] = [];
        while (!isOp(')')) {
          const a = p;
          try {
            args.push(assign());
          } catch (e) {
            // An argument the function may not need (e.g. the channel of vmbus_chan_is_revoked): passed unread.
            if (!(e instanceof Unresolved)) throw e;
            let depth = 0;
            while (p < toks.length && !(depth === 0 && (isOp(',') || isOp(')')))) {
              if (isOp('(')) depth++;
              if (isOp(')')) depth--;
              p++;
            }
            args.push(UNREAD);
          }
          raw.push(text(a, p));
          if (isOp(',')) p++;
        }
        eat(')');
        v = env.call(name, args, raw);
      } else v = env.name(name);
    } else if (t.t === 'op' && t.v === '(') {
      p++;
      v = expr();
      eat(')');
    } else throw new SyntaxError(`unexpected '${t.v}' in ${src}`);
    for (;;) {
      if (isOp('->') || isOp('.')) {
        p++;
        const m = peek();
        if (m?.t !== 'id') throw new SyntaxError(`member name expected in ${src}`);
        p++;
        name = `${name}.${m.v}`;
        v = member(v, m.v, name);
      } else if (isOp('[')) {
        p++;
        const i = num(expr(), 'index');
        eat(']');
        if (!Array.isArray(v)) throw new Unresolved(`${name}[…] (not an array)`);
        v = v[i];
      } else return v;
    }
  };
  const member = (v: unknown, m: string, path: string): unknown => {
    if (Array.isArray(v) && m === 'device_count') return v.length;
    if (v === null || typeof v !== 'object' || !(m in v)) throw new Unresolved(path);
    return (v as Record<string, unknown>)[m];
  };

  const v = expr();
  if (p !== toks.length) throw new SyntaxError(`trailing tokens in ${src}`);
  return v;
}

/**
 * The C condition a listing line tests, or why it has none: `if (X)` / `else
 * if (X)` / `while (X)` / `} while (X);` → X, `for (a; b; c)` → b, `case A:
 * case B:` → (S) == A || (S) == B for the enclosing `switch (S)`.
 */
export function conditionAt(lines: string[], line: number): { expr: string } | { skip: string } {
  let t = lines[line - 1]!.replace(/\/\*.*?\*\//g, '')
    .trim()
    .replace(/\{\s*$/, '')
    .trim();
  if (!t) return { skip: 'a comment stands for the condition' };
  const paren = (s: string, from: number): string | undefined => {
    if (s[from] !== '(') return undefined;
    let d = 0;
    for (let i = from; i < s.length; i++) {
      if (s[i] === '(') d++;
      if (s[i] === ')' && --d === 0) return s.slice(from + 1, i);
    }
    return undefined;
  };
  const sw = /^switch\s*(\(.*?\))\s*\{\s*(case .*)$/.exec(t);
  if (sw) return caseExpr(sw[1]!.slice(1, -1), sw[2]!);
  if (t.startsWith('} while')) t = t.slice(1).trim();
  const m = /^(else\s+if|if|while)\s*(?=\()/.exec(t);
  if (m) {
    const inner = paren(t, m[0].length);
    return inner === undefined ? { skip: 'unbalanced' } : { expr: inner };
  }
  if (/^for\s*\(/.test(t)) {
    const inner = paren(t, t.indexOf('('))!;
    const parts = inner.split(';');
    return parts.length === 3 ? { expr: parts[1]!.trim() } : { skip: 'an iterator in words' };
  }
  if (/^case\s/.test(t)) {
    const depth = indent(lines[line - 1]!);
    for (let i = line - 2; i >= 0; i--) {
      const s = lines[i]!;
      const sm = /^\s*switch\s*\((.*)\)\s*\{/.exec(s);
      if (sm && indent(s) <= depth) return caseExpr(sm[1]!.replace(/\)\s*\{.*$/, ''), t);
    }
    return { skip: 'a case without its switch' };
  }
  return { skip: 'not a C condition (a label, default:, or a macro iterator)' };
}

function caseExpr(subject: string, labels: string): { expr: string } | { skip: string } {
  const ls = [...labels.matchAll(/case\s+([^:]+):/g)].map((x) => x[1]!.trim());
  if (!ls.length) return { skip: 'no case label' };
  return { expr: ls.map((l) => `(${subject}) == ${l}`).join(' || ') };
}

function indent(s: string): number {
  return /^\t*/.exec(s)![0].length;
}
