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
//
// Typing: a function is defined with the type of its locals (`fn<C, L>`, or a
// model's prototype-checked `definer`), so every `l.x` a statement reads or
// writes is checked; a call names its callee and passes exactly the callee's
// parameters (`caller<Protos>()`), and a call's result can only land in a
// local the caller has. At run time locals stay plain records.

import { declaredNames, initializer, isDeclaration, signatureParams } from './c-decl';

/** A frame's locals as the runtime stores them: plain, structured-clone-able data. */
export type Locals = Record<string, unknown>;

/** What executing a statement asks the scheduler to do next (`L`: the locals of the frame that runs it). */
export type Action<L = Locals> = NextAction | CallAction<keyof L & string> | ReturnAction | WaitAction | GotoAction | ExitAction;

export interface NextAction {
  kind: 'next';
}
export interface CallAction<I extends string> {
  kind: 'call';
  fn: string;
  args: Locals;
  /** The caller's local that receives the callee's return value. */
  into?: I;
}
export interface ReturnAction {
  kind: 'return';
  value?: unknown;
}
export interface WaitAction {
  kind: 'wait';
  keys: string[];
  timeoutAt?: number;
  why: string;
}
export interface GotoAction {
  kind: 'goto';
  label: string;
}
export interface ExitAction {
  kind: 'exit';
}

export const next: NextAction = { kind: 'next' };

/** A call by name with untyped arguments (tests and tiny programs; models use `caller<Protos>()`). */
export function call<I extends string = never>(fn: string, args: Locals = {}, into?: I): CallAction<I> {
  return into === undefined ? { kind: 'call', fn, args } : { kind: 'call', fn, args, into };
}

/**
 * A model's function prototypes: name → the parameters its frame starts with.
 * Declared as a type literal (`type P = { f: { a: number } }`) so its entries
 * are plain records.
 */
export type Protos<F> = { [N in keyof F]: Locals };

/** The parameters of a function that takes none (an entry of a prototype table). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- it is intersected with the function's locals, where Record<string, never> would erase them
export type NoParams = {};

/** `call` checked against a model's prototypes: the callee exists and gets exactly its parameters. */
export function caller<F extends Protos<F>>() {
  return <N extends keyof F & string, I extends string = never>(
    fn: N,
    ...rest: NoParams extends F[N] ? [args?: F[N], into?: I] : [args: F[N], into?: I]
  ): CallAction<I> => call(fn, rest[0] ?? {}, rest[1]);
}

export function ret(value?: unknown): ReturnAction {
  return { kind: 'return', value };
}
export function wait(keys: string | string[], why: string, timeoutAt?: number): WaitAction {
  const k = Array.isArray(keys) ? keys : [keys];
  return timeoutAt === undefined ? { kind: 'wait', keys: k, why } : { kind: 'wait', keys: k, why, timeoutAt };
}
export function goto(label: string): GotoAction {
  return { kind: 'goto', label };
}

export type Exec<C, L> = (ctx: C, l: L) => Action<L> | void;
export type Cond<C, L> = (ctx: C, l: L) => boolean;

// ---- authoring nodes -------------------------------------------------------

export type Node<C, L> =
  | { t: 'stmt'; text: string; exec?: Exec<C, L>; cost?: number }
  | { t: 'text'; text: string }
  | { t: 'if'; text: string; cond: Cond<C, L>; then: Node<C, L>[]; elseText?: string; else?: Node<C, L>[]; close?: string }
  | { t: 'for'; text: string; init?: Exec<C, L>; cond: Cond<C, L>; step?: Exec<C, L>; body: Node<C, L>[]; close?: string }
  | { t: 'while'; text: string; cond: Cond<C, L>; body: Node<C, L>[]; close?: string }
  | { t: 'label'; name: string }
  | { t: 'break'; text: string }
  | { t: 'continue'; text: string }
  | { t: 'group'; nodes: Node<C, L>[] };

/** A statement: one listing line, one step. */
export function S<C, L>(text: string, exec?: Exec<C, L>, cost?: number): Node<C, L> {
  const n: Node<C, L> = { t: 'stmt', text };
  if (exec) n.exec = exec;
  if (cost !== undefined) n.cost = cost;
  return n;
}
/** A listing-only line (comment, blank, brace): not executable. Declarations go in `locals`. */
export function T<C, L>(text = ''): Node<C, L> {
  return { t: 'text', text };
}
export function If<C, L>(text: string, cond: Cond<C, L>, then: Node<C, L>[], elseNodes?: Node<C, L>[], elseText = '} else {'): Node<C, L> {
  return elseNodes ? { t: 'if', text, cond, then, elseText, else: elseNodes } : { t: 'if', text, cond, then };
}
export function For<C, L>(text: string, init: Exec<C, L> | undefined, cond: Cond<C, L>, step: Exec<C, L> | undefined, body: Node<C, L>[]): Node<C, L> {
  const n: Node<C, L> = { t: 'for', text, cond, body };
  if (init) n.init = init;
  if (step) n.step = step;
  return n;
}
export function While<C, L>(text: string, cond: Cond<C, L>, body: Node<C, L>[]): Node<C, L> {
  return { t: 'while', text, cond, body };
}
export function Label<C, L>(name: string): Node<C, L> {
  return { t: 'label', name };
}
export function Break<C, L>(text = 'break;'): Node<C, L> {
  return { t: 'break', text };
}
export function Continue<C, L>(text = 'continue;'): Node<C, L> {
  return { t: 'continue', text };
}
/**
 * Nodes chosen when the program is built (e.g. one model variant's lines or
 * another's); compiled in place, as if written where the group stands.
 */
export function When<C, L>(choose: boolean, nodes: Node<C, L>[], otherwise: Node<C, L>[] = []): Node<C, L> {
  return { t: 'group', nodes: choose ? nodes : otherwise };
}

// ---- what a frame shows ------------------------------------------------------

/**
 * A C declaration at the top of a function's body, e.g. `int rid = 0;`. The
 * listing prints the text; the debugger's Locals view shows each declared name
 * from the function's first line, with `value` (default: the local of the same
 * name), so the two always agree. `V` is what the value reads (the model's
 * view of its bus).
 */
export interface Decl<V, L> {
  text: string;
  /** Shown from the function's first line, so a local may not be assigned yet. */
  value?: (v: V, l: Partial<L>) => unknown;
}

export function decl<V, L>(text: string, value?: (v: V, l: Partial<L>) => unknown): Decl<V, L> {
  return value ? { text, value } : { text };
}

export interface FnDef<C, L, V = unknown> {
  name: string;
  /** Listing file this function is rendered into (e.g. "freebsd/vmbus_pcib.c"). */
  file: string;
  /** Lines before the opening brace: return type, name and parameters. */
  signature: string[];
  /** The locals a call passes, in order (the model's parameters). */
  params: readonly (keyof L & string)[];
  /** The function's declarations, printed first in its body and shown in Locals from its first line. */
  locals?: readonly Decl<V, L>[];
  /**
   * How a C parameter of the signature reads when it is not a local of the same
   * name: e.g. `dev` → the device it stands for.
   */
  args?: Readonly<Record<string, (v: V, l: L) => unknown>>;
  body: Node<C, L>[];
  /** A comment shown above the function in the listing. */
  doc?: string[];
}

/** A function definition with its locals' type `L`. */
export function fn<C, L, V = unknown>(def: FnDef<C, L, V>): FnDef<C, L, V> {
  return def;
}

/** Defines one prototyped function: without type arguments its frame has the parameters only; `<L>` adds locals. */
export interface DefineFn<C, V, P> {
  (def: Omit<FnDef<C, P, V>, 'name'>): FnDef<C, P, V>;
  <L>(def: Omit<FnDef<C, P & L, V>, 'name'>): FnDef<C, P & L, V>;
}

/**
 * Definitions checked against a model's prototypes: `fn('name')<Locals>({...})`
 * gives the frame the prototype's parameters plus the function's own locals.
 */
export function definer<C, V, F extends Protos<F>>() {
  return <N extends keyof F & string>(name: N): DefineFn<C, V, F[N]> =>
    <L>(def: Omit<FnDef<C, F[N] & L, V>, 'name'>): FnDef<C, F[N] & L, V> => ({ name, ...def });
}

/** Any function definition, whatever its locals (what a program is compiled from). */
export type AnyFnDef<C, V = unknown> = FnDef<C, never, V>;

// ---- compiled form ----------------------------------------------------------

export type Instr<C> =
  | { op: 'exec'; line: number; exec?: Exec<C, never>; cost: number }
  /** Evaluate cond at `line` (a step); jump to `target` when false. */
  | { op: 'test'; line: number; cond: Cond<C, never>; target: number; pre?: Exec<C, never> }
  /** Unconditional jump, not a step. */
  | { op: 'jump'; target: number; pre?: Exec<C, never>; line: number }
  /** Implicit return at the closing brace (a step at that line). */
  | { op: 'end'; line: number };

/** One name a frame shows: a C parameter or a declared local. */
export interface FrameName<V> {
  name: string;
  /** A parameter's C type as its signature writes it (`device_t`, `u32 *`). */
  type?: string;
  /** A declaration's constant initializer (`int rid = 0;`): its value from the first line until the local changes. */
  init?: number | boolean | null;
  /** A parameter that points at the caller's scalar (`u32 *val`): the function's result, unset until it writes it. */
  out?: boolean;
  /** How to read it (absent: the local of the same name, or the model's default for that parameter). */
  value?(v: V, l: never): unknown;
}

export interface CompiledFn<C, V = unknown> {
  name: string;
  file: string;
  params: readonly string[];
  /** The C parameters of the signature, in order. */
  args: FrameName<V>[];
  /** The declared locals, in order. */
  locals: FrameName<V>[];
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

export interface Program<C, V = unknown> {
  fns: Map<string, CompiledFn<C, V>>;
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
  const t = text.trimEnd();
  if (t.endsWith(':')) return { text, close: null };
  if (opensBrace(t)) return { text, close: '}' };
  if (bodyLen <= 1 && !hasElse) return { text, close: null };
  const m = /^(.*?)(\s*\/\*.*\*\/\s*)$/.exec(text);
  return { text: m ? `${m[1]} {${m[2]}` : `${text} {`, close: '}' };
}

/**
 * Whether a header (without trailing blanks) ends with `{`, or with `{` and then one comment
 * (`if (x) { /* why *\/`): /\{\s*(\/\*.*\*\/\s*)?$/, spelled out because every block of a
 * model is laid out at every launch, where a regular expression's first use compiles it.
 */
function opensBrace(t: string): boolean {
  if (t.endsWith('{')) return true;
  if (!t.endsWith('*/')) return false;
  // Any `/*` may open the comment (`.*` takes whatever follows it up to the last `*/`), as long as
  // the comment holds no line end and `{` stands before it.
  for (let i = t.indexOf('/*'); i >= 0 && i + 4 <= t.length; i = t.indexOf('/*', i + 1)) {
    if (hasLineEnd(t, i, t.length - 2)) continue;
    if (t.slice(0, i).trimEnd().endsWith('{')) return true;
  }
  return false;
}

function hasLineEnd(t: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = t.charCodeAt(k);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** How many nodes a body shows (a group counts as its nodes). */
function width<C, L>(nodes: Node<C, L>[]): number {
  return nodes.reduce((n, x) => n + (x.t === 'group' ? width(x.nodes) : 1), 0);
}

/**
 * How a model reads a C parameter no definition binds and no local of the same
 * name holds (e.g. `hbus` → the softc's bus, `dev` → the device), given the
 * function it belongs to.
 */
export type ParamDefault<V> = (v: V, l: Locals, fn: { name: string; file: string }) => unknown;

/**
 * Compiles function definitions into instructions and renders their listings.
 * `headers` gives each listing file's leading lines (licence-free description,
 * includes), so line numbers are stable for a given model definition.
 * `params` gives the model's default reading of C parameters by name.
 */
export function compileProgram<C, V = unknown>(
  defs: readonly AnyFnDef<C, V>[],
  headers: Record<string, string[]> = {},
  params: Readonly<Record<string, ParamDefault<V>>> = {},
  fnHeader?: FnHeader,
): Program<C, V> {
  // A launch needs the instructions and their line numbers, not the listing text: that is read
  // only to compare with (or write) the listing files, which a build stamp usually spares
  // (adapter/session.ts). So the first pass counts lines, and the text is laid out by a second
  // pass over the same definitions the first time any listing's text is asked for; that pass
  // checks it puts every function on the lines the first one counted.
  const { fns, files } = layout(defs, headers, params, fnHeader, false);
  let texts: Map<string, string> | undefined;
  const textOf = (file: string): string => {
    if (!texts) {
      const laid = layout(defs, headers, params, fnHeader, true);
      for (const [name, f] of laid.fns) {
        const counted = fns.get(name)!;
        if (f.line !== counted.line || f.endLine !== counted.endLine)
          throw new Error(`${name}: the listing puts it on lines ${f.line}-${f.endLine} where ${counted.line}-${counted.endLine} were counted`);
      }
      texts = new Map([...laid.files].map(([f, l]) => [f, l.lines.join('\n') + '\n']));
    }
    return texts.get(file)!;
  };
  const listings = new Map<string, Listing>();
  for (const [file, l] of files) {
    listings.set(file, {
      file,
      get text() {
        return textOf(file);
      },
      // Made in order: each executable line is a new, higher line number.
      executable: l.exec,
    });
  }
  return { fns, listings };
}

/**
 * Comment lines shown above each function in its listing (its upstream location,
 * docs/upstream.md): `lines` of them for every function, so a launch counts them
 * without making them; the listing's text pass checks each function got that many.
 */
export interface FnHeader {
  lines: number;
  text(name: string): string[];
}

/** One listing file as a layout pass leaves it: its line count, its lines (text pass only), its executable lines (ascending). */
interface FileLayout {
  count: number;
  lines: string[];
  exec: number[];
}

/**
 * What a function's frame shows: the C parameters of its signature and its declared locals
 * (the declarations at the top of its body, then each declaration statement, in listing
 * order). Read from the C text, so worked out only when a frame of the function is first shown
 * (a launch compiles every function of a model and shows a few); a malformed declaration
 * or binding is an error then (test/guest/listings.test.ts reads every function of every model).
 */
function frameNames<C, V>(def: AnyFnDef<C, V>, params: Readonly<Record<string, ParamDefault<V>>>): { args: FrameName<V>[]; locals: FrameName<V>[] } {
  const locals: FrameName<V>[] = [];
  for (const d of def.locals ?? []) {
    const names = declaredNames(d.text);
    if (!names.length) throw new Error(`${def.name}: '${d.text}' declares nothing`);
    if (d.value && names.length > 1) throw new Error(`${def.name}: '${d.text}' declares ${names.length} names but gives one value`);
    const init = names.length === 1 ? initializer(d.text) : undefined;
    for (const name of names) locals.push({ name, ...(d.value ? { value: d.value } : {}), ...(init !== undefined ? { init } : {}) });
  }
  // A declaration with an initializer is a step (`bus_size_t addr = CFG_PAGE_OFFSET + where;`); its
  // name is a local of the frame from the first line, unset until the step runs.
  const visit = (nodes: Node<C, never>[]): void => {
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (n.t === 'stmt') {
        if (isDeclaration(n.text)) for (const name of declaredNames(n.text)) if (!locals.some((l) => l.name === name)) locals.push({ name });
      } else if (n.t === 'group') visit(n.nodes);
      else if (n.t === 'if') {
        visit(n.then);
        if (n.else) visit(n.else);
      } else if (n.t === 'for' || n.t === 'while') visit(n.body);
    }
  };
  visit(def.body);
  const args: FrameName<V>[] = signatureParams(def.signature, def.name).map(({ name, out, type }) => {
    const value = def.args?.[name];
    if (value) return { name, type, value };
    const fallback = params[name];
    if (fallback && !def.params.includes(name)) {
      const where = { name: def.name, file: def.file };
      return { name, type, value: (v: V, l: never) => fallback(v, l, where) };
    }
    return out ? { name, type, out } : { name, type };
  });
  for (const k of Object.keys(def.args ?? {})) {
    if (!args.some((a) => a.name === k)) throw new Error(`${def.name}: a binding for '${k}', which is not a parameter of its signature`);
  }
  return { args, locals };
}

/**
 * One pass over the definitions. With `text`, each listing line is made and kept; without, lines
 * are only counted, and the line numbers (what the instructions carry) are the same.
 */
function layout<C, V>(
  defs: readonly AnyFnDef<C, V>[],
  headers: Record<string, string[]>,
  params: Readonly<Record<string, ParamDefault<V>>>,
  fnHeader: FnHeader | undefined,
  text: boolean,
): { fns: Map<string, CompiledFn<C, V>>; files: Map<string, FileLayout> } {
  const files = new Map<string, FileLayout>();
  const fns = new Map<string, CompiledFn<C, V>>();

  const fileOf = (file: string): FileLayout => {
    let f = files.get(file);
    if (!f) {
      const h = headers[file] ?? [];
      f = { count: h.length ? h.length + 1 : 0, lines: text && h.length ? [...h, ''] : [], exec: [] };
      files.set(file, f);
    }
    return f;
  };

  for (let di = 0; di < defs.length; di++) {
    const def = defs[di]!;
    if (fns.has(def.name)) throw new Error(`duplicate function ${def.name}`);
    const f = fileOf(def.file);
    const lines = f.lines;
    const ex = f.exec;
    f.count += (fnHeader?.lines ?? 0) + (def.doc?.length ?? 0);
    if (text) {
      const head = fnHeader?.text(def.name) ?? [];
      if (head.length !== (fnHeader?.lines ?? 0))
        throw new Error(`${def.name}: its header has ${head.length} lines where every function's has ${fnHeader?.lines}`);
      lines.push(...head, ...(def.doc ?? []));
    }
    const sigStart = f.count + 1;
    f.count += def.signature.length + 1;
    if (text) lines.push(...def.signature, '{');
    const code: Instr<C>[] = [];
    const labels: Record<string, number> = {};
    const loops: { breaks: number[]; continues: number[] }[] = [];
    // Every instruction is made here with every field, in one order (the fields its op does not
    // use are undefined): stepThread reads them at every step of a guest thread, mostly as V8's
    // baseline code (adapter/boot.ts), where the six object shapes the ops and their optional
    // fields made turned those reads into polymorphic and megamorphic lookups.
    const emit = (op: Instr<C>['op'], line: number, target = -1, cost = 1, exec?: Exec<C, never>, cond?: Cond<C, never>, pre?: Exec<C, never>): number => {
      code.push({ op, line, target, cost, exec, cond, pre } as Instr<C>);
      return code.length - 1;
    };

    // Each line is counted (and, in the text pass, made and indented) where it stands: a helper
    // called once per listing line (2,000 for Linux) was the one function V8 optimized before a
    // launch's first stop, which brought the optimizing compiler's own code (3.5 MB) into the
    // adapter's memory for work done once per process. `++f.count` is the new line's number.
    // The declarations: one line each.
    const decls = def.locals ?? [];
    f.count += decls.length;
    if (text) for (let k = 0; k < decls.length; k++) lines.push(decls[k]!.text && INDENT + decls[k]!.text);

    const walk = (nodes: Node<C, never>[], depth: number): void => {
      // Indexed, not for…of: this runs once per node of a program (thousands) at every launch, in
      // V8's interpreter, where each step of an array iterator allocates.
      for (let k = 0; k < nodes.length; k++) {
        const n = nodes[k]!;
        switch (n.t) {
          case 'text':
            ++f.count;
            if (text) lines.push(n.text && INDENT.repeat(depth) + n.text);
            break;
          case 'group':
            walk(n.nodes, depth);
            break;
          case 'stmt': {
            const line = ++f.count;
            if (text) lines.push(n.text && INDENT.repeat(depth) + n.text);
            ex.push(line);
            emit('exec', line, -1, n.cost ?? 1, n.exec);
            break;
          }
          case 'label':
            // A jump target only: the listing shows no line for it.
            labels[n.name] = code.length;
            break;
          case 'if': {
            const hb = header(n.text, width(n.then), !!n.else, n.close);
            const line = ++f.count;
            if (text) lines.push(hb.text && INDENT.repeat(depth) + hb.text);
            ex.push(line);
            const test = emit('test', line, -1, 1, undefined, n.cond);
            walk(n.then, depth + 1);
            if (n.else) {
              const eline = ++f.count;
              if (text) lines.push(INDENT.repeat(depth) + (n.elseText ?? '} else {'));
              const j = emit('jump', eline);
              (code[test] as { target: number }).target = code.length;
              walk(n.else, depth + 1);
              (code[j] as { target: number }).target = code.length;
            } else {
              (code[test] as { target: number }).target = code.length;
            }
            if (hb.close) {
              ++f.count;
              if (text) lines.push(INDENT.repeat(depth) + hb.close);
            }
            break;
          }
          case 'for':
          case 'while': {
            const hb = header(n.text, width(n.body), false, n.close);
            const line = ++f.count;
            if (text) lines.push(hb.text && INDENT.repeat(depth) + hb.text);
            ex.push(line);
            // Entry: run init (for), then the test. Loop back: run step, then the test.
            const entry = emit('jump', line, -1, 1, undefined, undefined, n.t === 'for' ? n.init : undefined);
            const test = emit('test', line, -1, 1, undefined, n.cond);
            (code[entry] as { target: number }).target = test;
            loops.push({ breaks: [], continues: [] });
            walk(n.body, depth + 1);
            const loop = loops.pop()!;
            const back = emit('jump', line, test, 1, undefined, undefined, n.t === 'for' ? n.step : undefined);
            for (const c of loop.continues) (code[c] as { target: number }).target = back;
            const after = code.length;
            (code[test] as { target: number }).target = after;
            for (const b of loop.breaks) (code[b] as { target: number }).target = after;
            if (hb.close) {
              ++f.count;
              if (text) lines.push(INDENT.repeat(depth) + hb.close);
            }
            break;
          }
          case 'break':
          case 'continue': {
            const line = ++f.count;
            if (text) lines.push(n.text && INDENT.repeat(depth) + n.text);
            ex.push(line);
            const loop = loops[loops.length - 1];
            if (!loop) throw new Error(`${def.name}: ${n.t} outside a loop`);
            // A break/continue is a visible step, then a jump.
            emit('exec', line);
            const j = emit('jump', line);
            (n.t === 'break' ? loop.breaks : loop.continues).push(j);
            break;
          }
        }
      }
    };
    walk(def.body, 1);
    const endLine = ++f.count;
    ex.push(endLine);
    emit('end', endLine);
    ++f.count;
    if (text) lines.push('}', '');
    // The name line is the first signature line containing the function name.
    const nameIdx = def.signature.findIndex((s) => s.includes(def.name + '('));
    let names: { args: FrameName<V>[]; locals: FrameName<V>[] } | undefined;
    fns.set(def.name, {
      name: def.name,
      file: def.file,
      params: def.params,
      get args() {
        return (names ??= frameNames(def, params)).args;
      },
      get locals() {
        return (names ??= frameNames(def, params)).locals;
      },
      line: sigStart + Math.max(0, nameIdx),
      endLine,
      code,
      labels,
    });
  }
  if (text)
    for (const [file, l] of files)
      if (l.lines.length !== l.count) throw new Error(`${file}: the listing has ${l.lines.length} lines where ${l.count} were counted`);
  return { fns, files };
}

/** The executable line at or after `line` in a listing, for moving breakpoints. */
export function nearestExecutableLine(listing: Listing, line: number): number | undefined {
  for (const l of listing.executable) if (l >= line) return l;
  return undefined;
}

/** Which function (if any) contains `line` of `file`. */
export function functionAt<C, V>(program: Program<C, V>, file: string, line: number): CompiledFn<C, V> | undefined {
  for (const f of program.fns.values()) if (f.file === file && line >= f.line && line <= f.endLine) return f;
  return undefined;
}
