// Driver programs: a guest driver model is a set of functions made of
// statements. The same definition is compiled twice — into a flat instruction
// list the scheduler executes one statement at a time, and into a readable
// pseudo-C listing whose line numbers the instructions carry — so a stack
// frame, a step and a line breakpoint always agree with what the user reads.
//
// Statements are closures over a context object (the machine's view for one
// bus) and the frame's locals; all mutable state lives in plain data (frames,
// locals, the driver's softc), never in the closures, so a snapshot is a deep
// copy of data.

/** Locals and softc fields: plain, structured-clone-able data. */
export type Locals = Record<string, any>;

/** What executing a statement asks the scheduler to do next. */
export type Action =
  | { kind: 'next' }
  | { kind: 'call'; fn: string; args: Locals; into?: string }
  | { kind: 'return'; value?: unknown }
  | { kind: 'wait'; keys: string[]; timeoutAt?: number; why: string }
  | { kind: 'goto'; label: string }
  | { kind: 'exit' };

export const next: Action = { kind: 'next' };
export function call(fn: string, args: Locals = {}, into?: string): Action {
  return into === undefined ? { kind: 'call', fn, args } : { kind: 'call', fn, args, into };
}
export function ret(value?: unknown): Action {
  return { kind: 'return', value };
}
export function wait(keys: string | string[], why: string, timeoutAt?: number): Action {
  const k = Array.isArray(keys) ? keys : [keys];
  return timeoutAt === undefined ? { kind: 'wait', keys: k, why } : { kind: 'wait', keys: k, why, timeoutAt };
}
export function goto(label: string): Action {
  return { kind: 'goto', label };
}

export type Exec<C> = (ctx: C, l: Locals) => Action | void;
export type Cond<C> = (ctx: C, l: Locals) => boolean;

// ---- authoring nodes -------------------------------------------------------

export type Node<C> =
  | { t: 'stmt'; text: string; exec?: Exec<C>; cost?: number }
  | { t: 'text'; text: string }
  | { t: 'if'; text: string; cond: Cond<C>; then: Node<C>[]; elseText?: string; else?: Node<C>[]; close?: string }
  | { t: 'for'; text: string; init?: Exec<C>; cond: Cond<C>; step?: Exec<C>; body: Node<C>[]; close?: string }
  | { t: 'while'; text: string; cond: Cond<C>; body: Node<C>[]; close?: string }
  | { t: 'label'; name: string }
  | { t: 'break'; text: string }
  | { t: 'continue'; text: string };

/** A statement: one listing line, one step. */
export function S<C>(text: string, exec?: Exec<C>, cost?: number): Node<C> {
  const n: Node<C> = { t: 'stmt', text };
  if (exec) n.exec = exec;
  if (cost !== undefined) n.cost = cost;
  return n;
}
/** A listing-only line (declaration, comment, blank): not executable. */
export function T<C>(text = ''): Node<C> {
  return { t: 'text', text };
}
export function If<C>(text: string, cond: Cond<C>, then: Node<C>[], elseNodes?: Node<C>[], elseText = '} else {'): Node<C> {
  return elseNodes ? { t: 'if', text, cond, then, elseText, else: elseNodes } : { t: 'if', text, cond, then };
}
export function For<C>(text: string, init: Exec<C> | undefined, cond: Cond<C>, step: Exec<C> | undefined, body: Node<C>[]): Node<C> {
  const n: Node<C> = { t: 'for', text, cond, body };
  if (init) n.init = init;
  if (step) n.step = step;
  return n;
}
export function While<C>(text: string, cond: Cond<C>, body: Node<C>[]): Node<C> {
  return { t: 'while', text, cond, body };
}
export function Label<C>(name: string): Node<C> {
  return { t: 'label', name };
}
export function Break<C>(text = 'break;'): Node<C> {
  return { t: 'break', text };
}
export function Continue<C>(text = 'continue;'): Node<C> {
  return { t: 'continue', text };
}

export interface FnDef<C> {
  name: string;
  /** Listing file this function is rendered into (e.g. "freebsd/vmbus_pcib.c"). */
  file: string;
  /** Lines before the opening brace: return type, name and parameters. */
  signature: string[];
  /** Parameter names, in order, as they appear in Locals. */
  params: string[];
  body: Node<C>[];
  /** A comment shown above the function in the listing. */
  doc?: string[];
}

export function fn<C>(def: FnDef<C>): FnDef<C> {
  return def;
}

// ---- compiled form ----------------------------------------------------------

export type Instr<C> =
  | { op: 'exec'; line: number; exec?: Exec<C>; cost: number }
  /** Evaluate cond at `line` (a step); jump to `target` when false. */
  | { op: 'test'; line: number; cond: Cond<C>; target: number; pre?: Exec<C> }
  /** Unconditional jump, not a step. */
  | { op: 'jump'; target: number; pre?: Exec<C>; line: number }
  /** Implicit return at the closing brace (a step at that line). */
  | { op: 'end'; line: number };

export interface CompiledFn<C> {
  name: string;
  file: string;
  params: string[];
  /** Line of the signature's function-name line (1-based). */
  line: number;
  /** Line of the closing brace. */
  endLine: number;
  code: Instr<C>[];
  labels: Record<string, number>;
}

export interface Listing {
  file: string;
  text: string;
  /** Executable lines (where a breakpoint can stand). */
  executable: number[];
}

export interface Program<C> {
  fns: Map<string, CompiledFn<C>>;
  listings: Map<string, Listing>;
}

const INDENT = '\t';

/**
 * A block header as C shows it: a header that opens a brace gets its closing
 * line; a `case X:` label gets none; a brace-less header keeps a single
 * statement unbraced, and gets a brace added when its body is longer.
 */
function header(text: string, bodyLen: number, hasElse: boolean, close?: string): { text: string; close: string | null } {
  if (close !== undefined) return { text, close };
  if (/:\s*$/.test(text)) return { text, close: null };
  if (/\{\s*(\/\*.*\*\/\s*)?$/.test(text)) return { text, close: '}' };
  if (bodyLen <= 1 && !hasElse) return { text, close: null };
  const m = /^(.*?)(\s*\/\*.*\*\/\s*)$/.exec(text);
  return { text: m ? `${m[1]} {${m[2]}` : `${text} {`, close: '}' };
}

/**
 * Compiles function definitions into instructions and renders their listings.
 * `headers` gives each listing file's leading lines (licence-free description,
 * includes), so line numbers are stable for a given model definition.
 */
export function compileProgram<C>(
  defs: FnDef<C>[],
  headers: Record<string, string[]> = {},
  /** Comment lines shown above each function (its upstream location, docs/upstream.md). */
  fnHeader?: (name: string) => string[],
): Program<C> {
  const files = new Map<string, string[]>();
  const exec = new Map<string, Set<number>>();
  const fns = new Map<string, CompiledFn<C>>();

  const linesOf = (file: string): string[] => {
    let l = files.get(file);
    if (!l) {
      l = [...(headers[file] ?? [])];
      if (l.length) l.push('');
      files.set(file, l);
      exec.set(file, new Set());
    }
    return l;
  };

  for (const def of defs) {
    if (fns.has(def.name)) throw new Error(`duplicate function ${def.name}`);
    const lines = linesOf(def.file);
    const ex = exec.get(def.file)!;
    for (const d of fnHeader?.(def.name) ?? []) lines.push(d);
    for (const d of def.doc ?? []) lines.push(d);
    const sigStart = lines.length + 1;
    for (const s of def.signature) lines.push(s);
    lines.push('{');
    const code: Instr<C>[] = [];
    const labels: Record<string, number> = {};
    const loops: { breaks: number[]; continues: number[] }[] = [];
    const emit = (i: Instr<C>): number => {
      code.push(i);
      return code.length - 1;
    };
    const addLine = (depth: number, text: string): number => {
      lines.push(text === '' ? '' : INDENT.repeat(depth) + text);
      return lines.length;
    };

    const walk = (nodes: Node<C>[], depth: number): void => {
      for (const n of nodes) {
        switch (n.t) {
          case 'text':
            addLine(depth, n.text);
            break;
          case 'stmt': {
            const line = addLine(depth, n.text);
            ex.add(line);
            const i: Instr<C> = { op: 'exec', line, cost: n.cost ?? 1 };
            if (n.exec) i.exec = n.exec;
            emit(i);
            break;
          }
          case 'label':
            // A jump target only: the listing shows no line for it.
            labels[n.name] = code.length;
            break;
          case 'if': {
            const hb = header(n.text, n.then.length, !!n.else, n.close);
            const line = addLine(depth, hb.text);
            ex.add(line);
            const test = emit({ op: 'test', line, cond: n.cond, target: -1 });
            walk(n.then, depth + 1);
            if (n.else) {
              const eline = addLine(depth, n.elseText ?? '} else {');
              const j = emit({ op: 'jump', target: -1, line: eline });
              (code[test] as { target: number }).target = code.length;
              walk(n.else, depth + 1);
              (code[j] as { target: number }).target = code.length;
            } else {
              (code[test] as { target: number }).target = code.length;
            }
            if (hb.close) addLine(depth, hb.close);
            break;
          }
          case 'for':
          case 'while': {
            const hb = header(n.text, n.body.length, false, n.close);
            const line = addLine(depth, hb.text);
            ex.add(line);
            // Entry: run init (for), then the test. Loop back: run step, then the test.
            const entry = emit({ op: 'jump', target: -1, line, ...(n.t === 'for' && n.init ? { pre: n.init } : {}) });
            const test = emit({ op: 'test', line, cond: n.cond, target: -1 });
            (code[entry] as { target: number }).target = test;
            loops.push({ breaks: [], continues: [] });
            walk(n.body, depth + 1);
            const loop = loops.pop()!;
            const back = emit({ op: 'jump', target: test, line, ...(n.t === 'for' && n.step ? { pre: n.step } : {}) });
            for (const c of loop.continues) (code[c] as { target: number }).target = back;
            const after = code.length;
            (code[test] as { target: number }).target = after;
            for (const b of loop.breaks) (code[b] as { target: number }).target = after;
            if (hb.close) addLine(depth, hb.close);
            break;
          }
          case 'break':
          case 'continue': {
            const line = addLine(depth, n.text);
            ex.add(line);
            const loop = loops[loops.length - 1];
            if (!loop) throw new Error(`${def.name}: ${n.t} outside a loop`);
            // A break/continue is a visible step, then a jump.
            emit({ op: 'exec', line, cost: 1 });
            const j = emit({ op: 'jump', target: -1, line });
            (n.t === 'break' ? loop.breaks : loop.continues).push(j);
            break;
          }
        }
      }
    };
    walk(def.body, 1);
    lines.push('}');
    const endLine = lines.length;
    ex.add(endLine);
    emit({ op: 'end', line: endLine });
    lines.push('');
    // The name line is the first signature line containing the function name.
    const nameIdx = def.signature.findIndex((s) => s.includes(def.name + '('));
    fns.set(def.name, {
      name: def.name,
      file: def.file,
      params: def.params,
      line: sigStart + Math.max(0, nameIdx),
      endLine,
      code,
      labels,
    });
  }

  const listings = new Map<string, Listing>();
  for (const [file, lines] of files) {
    listings.set(file, {
      file,
      text: lines.join('\n') + '\n',
      executable: [...exec.get(file)!].sort((a, b) => a - b),
    });
  }
  return { fns, listings };
}

/** The executable line at or after `line` in a listing, for moving breakpoints. */
export function nearestExecutableLine(listing: Listing, line: number): number | undefined {
  for (const l of listing.executable) if (l >= line) return l;
  return undefined;
}

/** Which function (if any) contains `line` of `file`. */
export function functionAt<C>(program: Program<C>, file: string, line: number): CompiledFn<C> | undefined {
  for (const f of program.fns.values()) if (f.file === file && line >= f.line && line <= f.endLine) return f;
  return undefined;
}
