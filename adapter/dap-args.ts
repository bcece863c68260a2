// The arguments of every standard DAP request, checked against the protocol's
// types before any handler runs (debugProtocol.json, microsoft/debug-adapter-
// protocol): a missing required argument, a null or mistyped item in a list, a
// fractional line or thread id, or an absurdly long string gets an error
// response naming the argument — `setBreakpoints: argument 'breakpoints[1].line'
// must be an integer (got null)` — never a TypeError from deep inside a handler.
// Unknown extra fields are allowed (clients add their own).
import { GPA_WATCH_MAX } from './breakpoints';

type Kind =
  | 'string'
  | 'boolean'
  /** A JSON number that is a whole number (DAP's "integer"). */
  | 'int'
  /** A whole number from 0. */
  | 'uint'
  | 'object'
  | 'array'
  /** Anything (not checked). */
  | 'any';

interface Field {
  kind: Kind;
  /** Required by the protocol. */
  req?: boolean;
  /** For 'object': its fields. */
  fields?: Schema;
  /** For 'object' used as a map: what every value is. */
  values?: Field;
  /** For 'array': what each item is. */
  items?: Field;
  /** For 'string': the allowed values. */
  oneOf?: readonly string[];
  /** For 'string': the longest accepted (default STRING_MAX). */
  maxLength?: number;
  /** For 'uint'/'int': the largest accepted. */
  max?: number;
  /** For 'array': the most items accepted (default ITEMS_MAX). */
  maxItems?: number;
}

type Schema = Record<string, Field>;

/** Longer names, expressions, conditions or paths are refused (1 MiB of expression text helps nobody). */
export const STRING_MAX = 64 * 1024;
/** More breakpoints, filters or lines in one request are refused. */
export const ITEMS_MAX = 10_000;
/** The most bytes one readMemory/writeMemory moves. */
export const MEMORY_MAX = 1024 * 1024;

const str = (req = false, extra: Partial<Field> = {}): Field => ({ kind: 'string', req, ...extra });
const int = (req = false, extra: Partial<Field> = {}): Field => ({ kind: 'int', req, ...extra });
const uint = (req = false, extra: Partial<Field> = {}): Field => ({ kind: 'uint', req, ...extra });
const bool = (req = false): Field => ({ kind: 'boolean', req });
const obj = (fields: Schema, req = false): Field => ({ kind: 'object', req, fields });
const arr = (items: Field, req = false, extra: Partial<Field> = {}): Field => ({ kind: 'array', req, items, ...extra });
const any: Field = { kind: 'any' };

const SOURCE = obj(
  { name: str(), path: str(), sourceReference: int(), presentationHint: str(), origin: str(), sources: any, adapterData: any, checksums: any },
  true,
);
const FORMAT_VALUE = obj({ hex: bool() });
const FORMAT_STACK = obj({
  hex: bool(),
  parameters: bool(),
  parameterTypes: bool(),
  parameterNames: bool(),
  parameterValues: bool(),
  line: bool(),
  module: bool(),
  includeAll: bool(),
});
const GRANULARITY = str(false, { oneOf: ['statement', 'line', 'instruction'] });
const STEP = { threadId: int(true), singleThread: bool(), granularity: GRANULARITY };
/** vPCI's launch (and attach, and restart's) arguments: the handler checks `scenario` itself, with its own message. */
const LAUNCH: Schema = {
  noDebug: bool(),
  scenario: str(),
  guest: str(),
  host: str(),
  quirks: { kind: 'object', values: bool() },
  stopOnEntry: bool(),
  trace: bool(),
  listingsDir: str(),
  workspaceFolders: arr(str()),
};

const REQUESTS: Record<string, Schema> = {
  initialize: {
    clientID: str(),
    clientName: str(),
    adapterID: str(),
    locale: str(),
    linesStartAt1: bool(),
    columnsStartAt1: bool(),
    pathFormat: str(),
    supportsVariableType: bool(),
    supportsVariablePaging: bool(),
    supportsRunInTerminalRequest: bool(),
    supportsMemoryReferences: bool(),
    supportsProgressReporting: bool(),
    supportsInvalidatedEvent: bool(),
    supportsMemoryEvent: bool(),
  },
  launch: LAUNCH,
  attach: { trace: bool() },
  restart: { arguments: obj(LAUNCH) },
  disconnect: { restart: bool(), terminateDebuggee: bool(), suspendDebuggee: bool() },
  terminate: { restart: bool() },
  setBreakpoints: {
    source: SOURCE,
    breakpoints: arr(obj({ line: int(true), column: int(), condition: str(), hitCondition: str(), logMessage: str(), mode: str() })),
    lines: arr(int()),
    sourceModified: bool(),
  },
  breakpointLocations: { source: SOURCE, line: int(true), column: int(), endLine: int(), endColumn: int() },
  setFunctionBreakpoints: { breakpoints: arr(obj({ name: str(true), condition: str(), hitCondition: str() }), true) },
  setExceptionBreakpoints: {
    filters: arr(str(), true),
    filterOptions: arr(obj({ filterId: str(true), condition: str(), mode: str() })),
    exceptionOptions: arr(obj({ path: any, breakMode: str(true) })),
  },
  dataBreakpointInfo: {
    variablesReference: int(),
    name: str(true),
    frameId: int(),
    bytes: uint(false, { max: GPA_WATCH_MAX }),
    asAddress: bool(),
    mode: str(),
  },
  setDataBreakpoints: {
    breakpoints: arr(
      obj({ dataId: str(true), accessType: str(false, { oneOf: ['read', 'write', 'readWrite'] }), condition: str(), hitCondition: str() }),
      true,
    ),
  },
  setInstructionBreakpoints: {
    breakpoints: arr(obj({ instructionReference: str(true), offset: int(), condition: str(), hitCondition: str(), mode: str() }), true),
  },
  continue: { threadId: int(true), singleThread: bool() },
  next: STEP,
  stepIn: { ...STEP, targetId: int() },
  stepOut: STEP,
  stepBack: STEP,
  reverseContinue: { threadId: int(true), singleThread: bool() },
  restartFrame: { frameId: int(true) },
  goto: { threadId: int(true), targetId: int(true) },
  pause: { threadId: int(true) },
  stackTrace: { threadId: int(true), startFrame: uint(), levels: uint(), format: FORMAT_STACK },
  scopes: { frameId: int(true) },
  variables: { variablesReference: int(true), filter: str(false, { oneOf: ['indexed', 'named'] }), start: uint(), count: uint(), format: FORMAT_VALUE },
  setVariable: { variablesReference: int(true), name: str(true), value: str(true), format: FORMAT_VALUE },
  source: { source: obj(SOURCE.fields!), sourceReference: int() },
  terminateThreads: { threadIds: arr(int()) },
  modules: { startModule: uint(), moduleCount: uint() },
  evaluate: { expression: str(true), frameId: int(), line: int(), column: int(), source: obj(SOURCE.fields!), context: str(), format: FORMAT_VALUE },
  setExpression: { expression: str(true), value: str(true), frameId: int(), format: FORMAT_VALUE },
  stepInTargets: { frameId: int(true) },
  gotoTargets: { source: SOURCE, line: int(true), column: int() },
  completions: { frameId: int(), text: str(true), column: int(true), line: int() },
  exceptionInfo: { threadId: int(true) },
  readMemory: { memoryReference: str(true, { maxLength: 256 }), offset: int(), count: uint(true, { max: MEMORY_MAX }) },
  // Base64 of MEMORY_MAX bytes.
  writeMemory: {
    memoryReference: str(true, { maxLength: 256 }),
    offset: int(),
    allowPartial: bool(),
    data: str(true, { maxLength: Math.ceil(MEMORY_MAX / 3) * 4 }),
  },
  disassemble: { memoryReference: str(true), offset: int(), instructionOffset: int(), instructionCount: uint(true), resolveSymbols: bool() },
  cancel: { requestId: int(), progressId: str() },
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
}

const A: Record<Kind, string> = {
  string: 'a string',
  boolean: 'true or false',
  int: 'an integer',
  uint: 'a whole number from 0',
  object: 'an object',
  array: 'an array',
  any: 'anything',
};

/**
 * Why `v` does not fit `f`, or undefined. The argument's path (`at` then `key`: a field's name or
 * an item's index) is put together only for an error: every request of every step is checked, and
 * building each field's name and an error helper up front was most of what a check allocated.
 */
function check(v: unknown, f: Field, at: string, key: string | number): string | undefined {
  switch (f.kind) {
    case 'any':
      return undefined;
    case 'string':
      if (typeof v !== 'string') return wrong(v, f, at, key);
      if (v.length > (f.maxLength ?? STRING_MAX))
        return `argument '${path(at, key)}' is too long (${v.length} characters; at most ${f.maxLength ?? STRING_MAX})`;
      if (f.oneOf && !f.oneOf.includes(v)) return wrong(v, f, at, key, `one of ${f.oneOf.map((x) => `'${x}'`).join(', ')}`);
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : wrong(v, f, at, key);
    case 'int':
    case 'uint':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || (f.kind === 'uint' && v < 0)) return wrong(v, f, at, key);
      if (f.max !== undefined && v > f.max) return `argument '${path(at, key)}' must be at most ${f.max} (got ${v})`;
      return undefined;
    case 'array': {
      if (!Array.isArray(v)) return wrong(v, f, at, key);
      if (v.length > (f.maxItems ?? ITEMS_MAX)) return `argument '${path(at, key)}' has too many items (${v.length}; at most ${f.maxItems ?? ITEMS_MAX})`;
      const items = f.items && itemField(f.items);
      if (items && v.length) {
        const base = path(at, key);
        for (let i = 0; i < v.length; i++) {
          const e = check(v[i], items, base, i);
          if (e) return e;
        }
      }
      return undefined;
    }
    case 'object': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return wrong(v, f, at, key);
      const o = v as Record<string, unknown>;
      if (f.values)
        for (const k in o) {
          if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
          const e = check(o[k], f.values, path(at, key), k);
          if (e) return e;
        }
      return f.fields ? checkFields(o, f.fields, path(at, key)) : undefined;
    }
  }
}

/** An argument's path: `a.b`, `a[0]`, or the top-level name. */
function path(at: string, key: string | number): string {
  return typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key;
}

function wrong(v: unknown, f: Field, at: string, key: string | number, what = A[f.kind]): string {
  return `argument '${path(at, key)}' must be ${what} (got ${describe(v)})`;
}

/** An array's item schema, required (an item may not be missing or null), made once per schema. */
const itemFields = new WeakMap<Field, Field>();
function itemField(f: Field): Field {
  let r = itemFields.get(f);
  if (!r) itemFields.set(f, (r = { ...f, req: true }));
  return r;
}

/**
 * A schema's fields as a list, made once per schema: every request of every step is checked, and
 * listing a schema's fields anew (three times a request) was most of what checking cost.
 */
const fieldLists = new WeakMap<Schema, readonly (readonly [string, Field])[]>();
function fieldsOf(s: Schema): readonly (readonly [string, Field])[] {
  let list = fieldLists.get(s);
  if (!list) fieldLists.set(s, (list = Object.entries(s)));
  return list;
}

function checkFields(o: Record<string, unknown>, s: Schema, at: string): string | undefined {
  const list = fieldsOf(s);
  let missing: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const kf = list[i]!;
    const k = kf[0];
    const f = kf[1];
    const v = o[k];
    if (v === undefined) {
      if (f.req) missing ??= k;
      continue;
    }
    // An optional argument may be null, which JSON clients send for "not given".
    if (v === null && !f.req) continue;
    const e = check(v, f, at, k);
    if (e) return e;
  }
  // A wrong argument is reported before a missing one.
  return missing === undefined ? undefined : `argument '${path(at, missing)}' is required`;
}

/**
 * Checks a request's arguments (after a missing or non-object `arguments` has been read as `{}`);
 * returns the error text, prefixed with the command, or undefined when they fit. Requests this
 * table does not know (custom ones) are not checked here.
 */
export function checkDapArgs(command: string, args: Record<string, unknown>): string | undefined {
  const s = Object.prototype.hasOwnProperty.call(REQUESTS, command) ? REQUESTS[command] : undefined;
  if (!s) return undefined;
  const e = checkFields(args, s, '');
  return e ? `${command}: ${e}` : undefined;
}

/** Optional arguments sent as null are dropped, so handlers see them as not given. */
export function dropNulls(command: string, args: Record<string, unknown>): void {
  const s = Object.prototype.hasOwnProperty.call(REQUESTS, command) ? REQUESTS[command] : undefined;
  if (!s) return;
  const list = fieldsOf(s);
  for (let i = 0; i < list.length; i++) {
    const kf = list[i]!;
    const k = kf[0];
    const f = kf[1];
    if (args[k] === null && !f.req) delete args[k];
  }
}

/**
 * How deeply a message's arrays and objects may nest. No request needs more than a handful of
 * levels (a launch configuration's quirks are three); a message nested thousands deep parses, but
 * everything that walks it recursively — the library's log of each request, JSON.stringify —
 * overflows the stack. It is refused at the door like a malformed frame.
 */
export const MAX_NESTING = 64;

/**
 * Whether a parsed JSON value nests arrays and objects deeper than `limit` (the value itself is
 * level 1). Recursive, but never deeper than `limit` + 1 calls whatever the value: the walk stops
 * at the first level past the limit. Every message passes here, so it allocates nothing.
 */
export function nestedDeeperThan(v: unknown, limit: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (limit <= 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x !== null && typeof x === 'object' && nestedDeeperThan(x, limit - 1)) return true;
    }
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (x !== null && typeof x === 'object' && nestedDeeperThan(x, limit - 1)) return true;
  }
  return false;
}
