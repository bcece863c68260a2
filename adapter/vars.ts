// Variables as a lazy tree. Every expandable node is a closure registered in a
// handle table that is reset on every stop, so a stale expansion can never
// resolve to the wrong object. Nodes know how to page themselves (indexed
// children are produced per requested window, never whole).
import type { DebugProtocol } from '@vscode/debugprotocol';

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
}

export class VarTable {
  /** Whether the client takes memoryReference (initialize: supportsMemoryReferences). */
  memoryReferences = true;
  /**
   * References keep counting up across stops (never reused), so one issued before the last stop
   * is recognisably stale: it expands to nothing instead of to some other object.
   */
  private base = 1;
  private nodes: VarNode[] = [];
  /** name → node for each container, so setVariable and dataBreakpointInfo can find a child by name. */
  private childIndex = new Map<number, Map<string, VarNode>>();

  reset(): void {
    this.base += this.nodes.length;
    this.nodes = [];
    this.childIndex.clear();
  }

  add(node: VarNode): number {
    if (!node.children && !node.page) return 0;
    this.nodes.push(node);
    return this.base + this.nodes.length - 1;
  }

  get(ref: number): VarNode | undefined {
    return this.nodes[ref - this.base];
  }

  /** Issued before the last stop: the client may still ask for it while it refreshes. */
  isStale(ref: number): boolean {
    return Number.isInteger(ref) && ref > 0 && ref < this.base;
  }

  child(ref: number, name: string): VarNode | undefined {
    return this.childIndex.get(ref)?.get(name);
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
    if (n.children && filter !== 'indexed') kids = kids.concat(n.children());
    let idx = this.childIndex.get(ref);
    if (!idx) this.childIndex.set(ref, (idx = new Map<string, VarNode>()));
    return kids.map((k) => {
      idx.set(k.name, k);
      return this.toDap(k);
    });
  }

  toDap(k: VarNode): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name: k.name, value: k.value, variablesReference: this.add(k) };
    if (k.type) v.type = k.type;
    if (k.evaluateName) v.evaluateName = k.evaluateName;
    if (k.memoryReference && this.memoryReferences) v.memoryReference = k.memoryReference;
    if (k.indexed !== undefined) v.indexedVariables = k.indexed;
    const hint: DebugProtocol.VariablePresentationHint = {};
    if (k.kind) hint.kind = k.kind;
    // Only rows that can take a value offer Set Value (group rows and summaries cannot).
    if (k.readOnly || !k.set) hint.attributes = ['readOnly'];
    if (k.lazy) hint.lazy = true;
    if (Object.keys(hint).length) v.presentationHint = hint;
    if (k.menu) (v as DebugProtocol.Variable & { __vscodeVariableMenuContext?: string }).__vscodeVariableMenuContext = k.menu;
    return v;
  }
}

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

/** A generic plain-data value (softc fields, locals) as a node. */
export function valueNode(name: string, v: unknown, hexMode: boolean, evalName?: string, depth = 0): VarNode {
  const base = { name, ...(evalName ? { evaluateName: evalName } : {}) };
  if (v === null || v === undefined) return { ...base, value: String(v) };
  if (typeof v === 'number') return { ...base, value: fmtNum(v, hexMode), type: 'number' };
  if (typeof v === 'bigint') return { ...base, value: hexMode ? `0x${v.toString(16)}` : v.toString(), type: 'u64' };
  if (typeof v === 'boolean') return { ...base, value: String(v), type: 'bool' };
  if (typeof v === 'string') return { ...base, value: JSON.stringify(v), type: 'string' };
  if (v instanceof Uint8Array) {
    const shown = Array.from(v.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return {
      ...base,
      value: `${v.length} bytes: ${shown}${v.length > 16 ? ' …' : ''}`,
      type: 'bytes',
      indexed: v.length,
      page: (s, c) => Array.from(v.subarray(s, s + c), (b, i) => ({ name: `[${s + i}]`, value: fmtNum(b, hexMode, 2) })),
    };
  }
  if (depth > 12) return { ...base, value: '…' };
  if (Array.isArray(v)) {
    return {
      ...base,
      value: `Array(${v.length})`,
      indexed: v.length,
      page: (s, c) => v.slice(s, s + c).map((x, i) => valueNode(`[${s + i}]`, x, hexMode, evalName ? `${evalName}[${s + i}]` : undefined, depth + 1)),
    };
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    const preview = entries
      .slice(0, 4)
      .map(
        ([k, x]) =>
          `${k}: ${typeof x === 'number' ? fmtNum(x, hexMode) : typeof x === 'string' ? JSON.stringify(x) : typeof x === 'object' && x ? '{…}' : String(x)}`,
      )
      .join(', ');
    return {
      ...base,
      value: `{${preview}${entries.length > 4 ? ', …' : ''}}`,
      children: () => entries.map(([k, x]) => valueNode(k, x, hexMode, evalName ? `${evalName}.${k}` : undefined, depth + 1)),
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects and arrays are handled above; what is left is a primitive or a function
  return { ...base, value: String(v) };
}
