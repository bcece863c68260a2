// Variables as a lazy tree. Every expandable node is a closure registered in a
// handle table that is reset on every stop, so a stale expansion can never
// resolve to the wrong object. Nodes know how to page themselves (indexed
// children are produced per requested window, never whole). Within a stop the
// same row asked for again keeps its reference (VarTable.add), so the table
// holds what the client can see, however often it asks.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BYTES } from './fmt';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  evaluateName?: string;
  memoryReference?: string;
  readOnly?: boolean;
  kind?: 'property' | 'data' | 'virtual' | 'class';
  /** Expands into children (named). */
  children?: () => VarNode[];
  /** Expands into an indexed table of `indexed` children, produced per window. */
  indexed?: number;
  page?: (start: number, count: number) => VarNode[];
  /** Writes a new value (setVariable); returns the new display value or an error. */
  set?: (text: string) => { ok: true; value: string } | { ok: false; error: string };
  /** Data-breakpoint target id for this node, if it can be watched. */
  dataId?: string;
  dataDescription?: string;
  lazy?: boolean;
  /** VS Code's __vscodeVariableMenuContext: which "debug/variables/context" menu items this row gets. */
  menu?: string;
  /** The PCI function this row is (a Device scope): every row under it belongs to it (VarTable.functionOf). */
  fn?: { bus: string; wslot: number };
}

export class VarTable {
  /** Whether the client takes memoryReference (initialize: supportsMemoryReferences). */
  memoryReferences = true;
  /** Whether the client takes a variable's type (initialize: supportsVariableType; DAP: "should only be returned" then). */
  types = true;
  /**
   * References keep counting up across stops (never reused), so one issued before the last stop
   * is recognisably stale: it expands to nothing instead of to some other object.
   */
  private base = 1;
  private nodes: VarNode[] = [];
  /** Each node's container (its reference), where it has one: a scope has none. */
  private parents: (number | undefined)[] = [];
  /** name → node for each container, so setVariable and dataBreakpointInfo can find a child by name. */
  private childIndex = new Map<number, Map<string, VarNode>>();
  /**
   * This stop's references by what they name: a container's child (owner: the container's
   * reference), a frame's scope, an expression evaluated (owners the session names). VS Code asks
   * again at one stop — every `invalidated` (a value set, memory written, the number format
   * toggled) makes it read the scopes, every expanded row and every watch anew, and each hover
   * evaluates — and each answer took new references: 1,000 setVariable at one stop grew the table
   * by some 25 MB. Asked again, a row keeps its reference, now for the node made for this answer.
   */
  private named = new Map<number | string, Map<string, number>>();

  reset(): void {
    this.base += this.nodes.length;
    this.nodes = [];
    this.parents = [];
    this.childIndex.clear();
    this.named.clear();
  }

  /**
   * The reference of an expandable node (0 for a leaf). With an `owner` and a `name` (unique
   * among the owner's), the reference given for them before at this stop, which then stands
   * for `node`.
   */
  add(node: VarNode, owner?: number | string, name?: string): number {
    if (!node.children && !node.page) return 0;
    let names: Map<string, number> | undefined;
    if (owner !== undefined && name !== undefined) {
      names = this.named.get(owner);
      const ref = names?.get(name);
      if (ref !== undefined) {
        this.nodes[ref - this.base] = node;
        return ref;
      }
      if (!names) this.named.set(owner, (names = new Map<string, number>()));
    }
    this.nodes.push(node);
    this.parents.push(typeof owner === 'number' ? owner : undefined);
    const ref = this.base + this.nodes.length - 1;
    names?.set(name!, ref);
    return ref;
  }

  get(ref: number): VarNode | undefined {
    return this.nodes[ref - this.base];
  }

  /**
   * The PCI function row `ref` is under (itself included), from its containers up to its Device
   * scope: the Variables context menu's commands get a row and its container only, and rows such as
   * Identity's name no function themselves.
   */
  functionOf(ref: number): { bus: string; wslot: number } | undefined {
    // (a container is given its reference before its rows are: the walk goes down in references and ends)
    for (let r: number | undefined = ref; r !== undefined; r = this.parents[r - this.base]) {
      const node = this.get(r);
      if (!node) return undefined;
      if (node.fn) return node.fn;
    }
    return undefined;
  }

  /** Issued before the last stop: the client may still ask for it while it refreshes. */
  isStale(ref: number): boolean {
    return Number.isInteger(ref) && ref > 0 && ref < this.base;
  }

  /**
   * The row named `name` in container `ref`: as the client last saw it listed, or, in a container
   * it has not listed at this stop (a scripted client's setVariable or dataBreakpointInfo names a
   * row from an earlier listing, or one it knows), as listing it now would give it.
   */
  child(ref: number, name: string): VarNode | undefined {
    const seen = this.childIndex.get(ref)?.get(name);
    if (seen) return seen;
    const n = this.get(ref);
    if (!n) return undefined;
    const found = n.children?.().find((k) => k.name === name);
    if (found || !n.page) return found;
    // An indexed table: the window that holds the row, by the row's index in its name ("[3]").
    const i = /^\[(\d+)\]$/.exec(name);
    const at = i ? Number(i[1]) : NaN;
    return at < (n.indexed ?? 0) ? n.page(at, 1).find((k) => k.name === name) : undefined;
  }

  /** The DAP variables of container `ref` (optionally one window of an indexed table). */
  expand(ref: number, filter?: 'indexed' | 'named', start?: number, count?: number): DebugProtocol.Variable[] | undefined {
    const n = this.get(ref);
    if (!n) return undefined;
    let kids: VarNode[] = [];
    if (n.page && filter !== 'named') {
      const total = n.indexed ?? 0;
      const s = Math.max(0, start ?? 0);
      const c = Math.max(0, Math.min(count ?? total, total - s));
      kids = n.page(s, c);
    }
    if (n.children && filter !== 'indexed') {
      let named = n.children();
      // A node without indexed children pages its named ones: `start`/`count` cut that list (a
      // paged node's `start`/`count` are its indexed range, above, and its named rows come whole).
      if (!n.page && (start !== undefined || count !== undefined)) {
        const s = Math.max(0, start ?? 0);
        named = named.slice(s, count === undefined ? undefined : s + Math.max(0, count));
      }
      kids = kids.length ? kids.concat(named) : named;
    }
    let idx = this.childIndex.get(ref);
    if (!idx) this.childIndex.set(ref, (idx = new Map<string, VarNode>()));
    const out: DebugProtocol.Variable[] = new Array<DebugProtocol.Variable>(kids.length);
    // A row's reference is asked for again by its name in the container; a name that comes twice
    // in one answer is told apart by how many times it came before (each keeps a reference of its own).
    const seen = new Map<string, number>();
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i]!;
      const n = seen.get(k.name) ?? 0;
      seen.set(k.name, n + 1);
      idx.set(k.name, k);
      out[i] = this.toDap(k, ref, n ? `${k.name}\u0000${n}` : k.name);
    }
    return out;
  }

  /** A row of container `parent` as DAP's Variable (`key`: its name there, as VarTable.add takes it). */
  private toDap(k: VarNode, parent: number, key: string): DebugProtocol.Variable {
    // DAP's lazy variable: its reference gives the one variable that holds the value (VS Code's
    // "click to expand" asks it and takes it only when it is exactly one; the row itself does not expand).
    const ref = k.lazy ? this.add({ name: k.name, value: k.value, children: () => [{ ...k, lazy: false }] }, parent, key) : this.add(k, parent, key);
    const v: DebugProtocol.Variable = { name: k.name, value: k.value, variablesReference: ref };
    if (k.type && this.types) v.type = k.type;
    if (k.evaluateName) v.evaluateName = k.evaluateName;
    if (k.memoryReference && this.memoryReferences) v.memoryReference = k.memoryReference;
    if (k.indexed !== undefined) v.indexedVariables = k.indexed;
    // Only rows that can take a value offer Set Value (group rows and summaries cannot).
    const readOnly = k.readOnly || !k.set;
    if (k.kind || readOnly || k.lazy) {
      const hint: DebugProtocol.VariablePresentationHint = {};
      if (k.kind) hint.kind = k.kind;
      if (readOnly) hint.attributes = READ_ONLY;
      if (k.lazy) hint.lazy = true;
      v.presentationHint = hint;
    }
    if (k.menu) (v as DebugProtocol.Variable & { __vscodeVariableMenuContext?: string }).__vscodeVariableMenuContext = k.menu;
    return v;
  }
}

/** One shared list for every read-only row (a response is only ever serialized, never changed). */
const READ_ONLY: DebugProtocol.VariablePresentationHint['attributes'] = Object.freeze(['readOnly']) as unknown as string[];

export function hex(n: number, digits = 0): string {
  return '0x' + (n >>> 0 === n ? n.toString(16) : Math.trunc(n).toString(16)).padStart(digits, '0');
}

/** Number display honouring the session's hex toggle. */
export function fmtNum(n: number, hexMode: boolean, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return hexMode && Number.isInteger(n) && n >= 0 ? hex(n, digits) : String(n);
}

export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/_/g, '');
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^0b[01]+$/i.test(t)) return parseInt(t.slice(2), 2);
  if (/^-?\d+$/.test(t)) return parseInt(t, 10);
  if (t === 'true') return 1;
  if (t === 'false') return 0;
  return undefined;
}

/**
 * A field's value in an object's one-line preview (js-debug's form): an array as Array(n), an object
 * as {…}, a register ({value: n}) as its number. Nested arrays read {…}, the wrong kind.
 */
function previewOf(x: unknown, hexMode: boolean): string {
  if (typeof x === 'number') return fmtNum(x, hexMode);
  if (typeof x === 'bigint') return hexMode ? `0x${x.toString(16)}` : x.toString();
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return `Array(${x.length})`;
  if (x instanceof Uint8Array || isBytes(x)) return `${(x as ArrayLike<number>).length} bytes`;
  if (x && typeof x === 'object') return typeof (x as { value?: unknown }).value === 'number' ? fmtNum((x as { value: number }).value, hexMode) : '{…}';
  return String(x);
}

/** An array an expression made of bytes (fmt.ts toValue). */
const isBytes = (x: unknown): boolean => Array.isArray(x) && (x as unknown as Record<symbol, unknown>)[BYTES] === true;

/** A generic plain-data value (softc fields, locals) as a node. */
export function valueNode(name: string, v: unknown, hexMode: boolean, evalName?: string, depth = 0): VarNode {
  // Made for every local and field shown at every stop: no spreads, and an object's fields are
  // listed only when it is expanded (its one-line preview needs the first four).
  const n: VarNode = { name, value: '' };
  if (evalName) n.evaluateName = evalName;
  if (v === null || v === undefined) {
    n.value = String(v);
    return n;
  }
  if (typeof v === 'number') {
    n.value = fmtNum(v, hexMode);
    n.type = 'number';
    return n;
  }
  if (typeof v === 'bigint') {
    n.value = hexMode ? `0x${v.toString(16)}` : v.toString();
    n.type = 'u64';
    return n;
  }
  if (typeof v === 'boolean') {
    n.value = String(v);
    n.type = 'bool';
    return n;
  }
  if (typeof v === 'string') {
    n.value = JSON.stringify(v);
    n.type = 'string';
    return n;
  }
  if (v instanceof Uint8Array || isBytes(v)) {
    const b = v instanceof Uint8Array ? v : Uint8Array.from(v as number[]);
    const shown = Array.from(b.subarray(0, 16), (x) => x.toString(16).padStart(2, '0')).join(' ');
    n.value = `${b.length} bytes: ${shown}${b.length > 16 ? ' …' : ''}`;
    n.type = 'bytes';
    n.indexed = b.length;
    n.page = (s, c) => Array.from(b.subarray(s, s + c), (x, i) => ({ name: `[${s + i}]`, value: fmtNum(x, hexMode, 2) }));
    return n;
  }
  if (depth > 12) {
    n.value = '…';
    return n;
  }
  if (Array.isArray(v)) {
    n.value = `Array(${v.length})`;
    n.indexed = v.length;
    n.page = (s, c) => v.slice(s, s + c).map((x, i) => valueNode(`[${s + i}]`, x, hexMode, evalName ? `${evalName}[${s + i}]` : undefined, depth + 1));
    return n;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // The first four own fields, in Object.entries' order, and whether there are more.
    let preview = '';
    let count = 0;
    for (const k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
      if (++count > 4) break;
      const x = o[k];
      preview += `${count > 1 ? ', ' : ''}${k}: ${previewOf(x, hexMode)}`;
    }
    n.value = `{${preview}${count > 4 ? ', …' : ''}}`;
    // A field whose name no expression can write after a dot (memory_range[0], "reserved (tail)") has no evaluateName: it named nothing.
    n.children = () =>
      Object.entries(o).map(([k, x]) => valueNode(k, x, hexMode, evalName && /^[A-Za-z_$][\w$]*$/.test(k) ? `${evalName}.${k}` : undefined, depth + 1));
    return n;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects and arrays are handled above; what is left is a primitive or a function
  n.value = String(v);
  return n;
}
