// Incremental snapshots as trees of immutable nodes. A snapshot is a group of named children;
// a child is a leaf (a frozen copy of one piece of state) or another group. A new snapshot is
// written against the previous one and reuses its node wherever the piece did not change, so
// a snapshot costs only what changed since the last one, and a piece that never changes again
// (a bus that is gone) is held once however many snapshots refer to it.
//
// Memory is counted exactly at node level: every node knows its estimated size and how many
// holders (stored snapshots, or parent groups) it has; storing a snapshot retains only the
// nodes new to the store and dropping one releases only the nodes no one else holds.
//
// Byte stores (config spaces, BAR memory, ring buffers) are cut into pages of PAGE_BYTES, each
// its own leaf, so a write to one page copies only that page. A store that carries a version
// counter (bumped on every change) is not even compared while its version stays the same.
//
// Nothing here knows what the state means: the owner of each piece decides its name and
// whether it is plain data, bytes, or an immutable value shared by reference.
import { PlainWalk, WalkMemory, bytesEqual, frozenSize, thaw, SIZE } from './plain-copy';

export const PAGE_BYTES = 4096;

export interface Leaf {
  readonly kind: 'leaf';
  /** Frozen: never mutated, never handed out as live state. */
  readonly value: unknown;
  readonly bytes: number;
  refs: number;
}

export interface Group {
  readonly kind: 'group';
  readonly keys: readonly string[];
  readonly items: readonly SnapNode[];
  readonly bytes: number;
  refs: number;
}

export type SnapNode = Leaf | Group;

const NODE_BYTES = 48;

/** Takes one more hold on `n`; returns the bytes that were not held before. */
export function retain(n: SnapNode): number {
  if (n.refs++ > 0) return 0;
  let b = n.bytes;
  if (n.kind === 'group') for (const c of n.items) b += retain(c);
  return b;
}

/** Lets go of one hold on `n`; returns the bytes no longer held by anyone. */
export function release(n: SnapNode): number {
  if (--n.refs > 0) return 0;
  let b = n.bytes;
  if (n.kind === 'group') for (const c of n.items) b += release(c);
  return b;
}

/** Bytes of every node under `n` counted once (what holding `n` alone would cost). */
export function treeBytes(n: SnapNode, seen = new Set<SnapNode>()): number {
  if (seen.has(n)) return 0;
  seen.add(n);
  let b = n.bytes;
  if (n.kind === 'group') for (const c of n.items) b += treeBytes(c, seen);
  return b;
}

function leaf(value: unknown, bytes: number): Leaf {
  return { kind: 'leaf', value, bytes: bytes + NODE_BYTES, refs: 0 };
}

/** Page keys "0", "1", … shared by every paged store. */
const PAGE_KEYS: string[] = [];
function pageKeys(n: number): string[] {
  while (PAGE_KEYS.length < n) PAGE_KEYS.push(String(PAGE_KEYS.length));
  return PAGE_KEYS.slice(0, n);
}

/**
 * What a machine keeps between its snapshots: the last snapshot it took or restored (the base
 * the next one is compared with) and, per versioned live store, the node that holds its
 * contents at a given version.
 */
export class SnapshotContext {
  last: Group | undefined;
  /** What walks remember of live objects between snapshots. */
  private readonly memory = new WalkMemory();
  /** The walk for `fresh` pieces (each independent of the others). */
  readonly freshWalk = new PlainWalk(new WalkMemory(false));
  private readonly known = new WeakMap<object, { version: number; node: SnapNode }>();

  /** Notes that `owner`, at `version`, holds exactly what `node` holds. */
  remember(owner: object, version: number, node: SnapNode): void {
    this.known.set(owner, { version, node });
  }

  /** The node `owner` is known to match at `version`, if any. */
  recall(owner: object, version: number): SnapNode | undefined {
    const k = this.known.get(owner);
    return k && k.version === version ? k.node : undefined;
  }

  /** Starts a snapshot written against the last one. */
  writer(): SnapshotWriter {
    return new SnapshotWriter(this, this.last, new PlainWalk(this.memory));
  }

  /** Reads a snapshot (and makes it the base of the next one). */
  reader(root: Group): SnapshotReader {
    this.last = root;
    return new SnapshotReader(this, root);
  }
}

/** Writes one group of a snapshot; `finish()` returns it (the previous group itself when nothing changed). */
export class SnapshotWriter {
  private readonly keys: string[] = [];
  private readonly items: SnapNode[] = [];
  private prevIndex?: Map<string, SnapNode>;

  constructor(
    private readonly ctx: SnapshotContext,
    private readonly prev: Group | undefined,
    /** Shared by every group of one snapshot: it sees each live object once. */
    readonly walk: PlainWalk,
  ) {}

  /** True when two plain pieces shared an object: written separately they would not share it after a restore. */
  get aliased(): boolean {
    return this.walk.aliased;
  }

  private prevChild(key: string): SnapNode | undefined {
    const p = this.prev;
    if (!p) return undefined;
    const i = this.keys.length;
    if (p.keys[i] === key) return p.items[i];
    if (!this.prevIndex) {
      this.prevIndex = new Map();
      for (let j = 0; j < p.keys.length; j++) this.prevIndex.set(p.keys[j]!, p.items[j]!);
    }
    return this.prevIndex.get(key);
  }

  private push(key: string, n: SnapNode): void {
    this.keys.push(key);
    this.items.push(n);
  }

  /**
   * A piece of plain state (objects, arrays, typed arrays, primitives): frozen against the
   * previous snapshot's copy, sharing every part of it that did not change. Pieces written with
   * `plain` share one walk: an object reachable from two of them sets `aliased`.
   */
  plain(key: string, live: unknown): void {
    const p = this.prevChild(key);
    const prev = p && p.kind === 'leaf' ? p.value : undefined;
    const v = this.walk.freeze(live, prev);
    // A new leaf is counted whole, with the parts it shares with the leaf it replaces: when that
    // one is dropped, those parts stay held by this one.
    this.push(key, p && v === prev ? p : leaf(v, frozenSize(v)));
  }

  /**
   * A piece of plain data made just now for the snapshot (an object's `snapshot()` result): it
   * cannot share objects with other pieces, so it gets a walk of its own; if it shares objects
   * within itself it is kept as structuredClone copies it.
   */
  fresh(key: string, value: unknown): void {
    const p = this.prevChild(key);
    const prev = p && p.kind === 'leaf' ? p.value : undefined;
    const w = this.ctx.freshWalk;
    w.forget();
    const work = w.work;
    const v = w.freeze(value, prev);
    this.walk.work += w.work - work;
    if (w.aliased) this.push(key, leaf(structuredClone(value), frozenSize(v)));
    else this.push(key, p && v === prev ? p : leaf(v, frozenSize(v)));
  }

  /** A value copied by the caller and kept as is, never compared (state that shares objects, as structuredClone copied it). */
  opaque(key: string, value: unknown, bytes: number): void {
    this.push(key, leaf(value, bytes));
  }

  /** A list of immutable values kept by reference: the previous leaf when it holds the same values. */
  refs(key: string, values: readonly unknown[]): void {
    const p = this.prevChild(key);
    if (p && p.kind === 'leaf' && Array.isArray(p.value) && p.value.length === values.length && p.value.every((v, i) => v === values[i])) {
      this.push(key, p);
      return;
    }
    this.push(key, leaf(values.slice(), SIZE.array + SIZE.slot * values.length));
  }

  /**
   * Bytes, in pages: pages equal to the previous snapshot's are reused. With an `owner` and its
   * `version` counter, an unchanged store is reused without being compared.
   */
  bytes(key: string, data: Uint8Array, owner?: object, version?: number): void {
    if (owner && version !== undefined) {
      const known = this.ctx.recall(owner, version);
      if (known) {
        this.push(key, known);
        return;
      }
    }
    const p = this.prevChild(key);
    let node: SnapNode;
    if (data.length <= PAGE_BYTES) node = this.page(p, data);
    else {
      const n = Math.ceil(data.length / PAGE_BYTES);
      const items = new Array<SnapNode>(n);
      let same = p?.kind === 'group' && p.items.length === n;
      for (let i = 0; i < n; i++) {
        const pp = p?.kind === 'group' ? p.items[i] : undefined;
        items[i] = this.page(pp, data.subarray(i * PAGE_BYTES, Math.min(data.length, (i + 1) * PAGE_BYTES)));
        if (items[i] !== pp) same = false;
      }
      node = same ? p! : { kind: 'group', keys: pageKeys(n), items, bytes: NODE_BYTES + SIZE.slot * n, refs: 0 };
    }
    if (owner && version !== undefined) this.ctx.remember(owner, version, node);
    this.push(key, node);
  }

  private page(p: SnapNode | undefined, data: Uint8Array): Leaf {
    this.walk.work += data.length >>> 6;
    if (p && p.kind === 'leaf' && p.value instanceof Uint8Array && bytesEqual(p.value, data)) return p;
    return leaf(data.slice(), SIZE.typed + data.length);
  }

  /**
   * A named subgroup. With an `owner` and `version`, an unchanged owner's previous subgroup is
   * reused without running `fill`.
   */
  group(key: string, fill: (w: SnapshotWriter) => void, owner?: object, version?: number): void {
    if (owner && version !== undefined) {
      const known = this.ctx.recall(owner, version);
      if (known) {
        this.push(key, known);
        return;
      }
    }
    const p = this.prevChild(key);
    const w = new SnapshotWriter(this.ctx, p?.kind === 'group' ? p : undefined, this.walk);
    fill(w);
    const node = w.finish();
    if (owner && version !== undefined) this.ctx.remember(owner, version, node);
    this.push(key, node);
  }

  /** This group as a node: the previous one when every child is the same. */
  finish(): Group {
    const p = this.prev;
    if (p && p.items.length === this.items.length) {
      let same = true;
      for (let i = 0; i < this.items.length && same; i++) same = p.items[i] === this.items[i] && p.keys[i] === this.keys[i];
      if (same) return p;
    }
    let keys: readonly string[] = this.keys;
    if (p && p.keys.length === keys.length && p.keys.every((k, i) => k === keys[i])) keys = p.keys;
    return { kind: 'group', keys, items: this.items, bytes: NODE_BYTES + 2 * SIZE.slot * this.items.length, refs: 0 };
  }

  /** The snapshot's root (for the top-level writer): it becomes the base of the next snapshot. */
  root(): Group {
    const g = this.finish();
    this.ctx.last = g;
    return g;
  }
}

/** Reads one group of a snapshot back into live state. */
export class SnapshotReader {
  private index?: Map<string, SnapNode>;

  constructor(
    private readonly ctx: SnapshotContext,
    readonly node: Group,
  ) {}

  /** Child names, in the order they were written. */
  get keys(): readonly string[] {
    return this.node.keys;
  }

  child(key: string): SnapNode | undefined {
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < this.node.keys.length; i++) this.index.set(this.node.keys[i]!, this.node.items[i]!);
    }
    return this.index.get(key);
  }

  has(key: string): boolean {
    return this.child(key) !== undefined;
  }

  group(key: string): SnapshotReader | undefined {
    const c = this.child(key);
    return c && c.kind === 'group' ? new SnapshotReader(this.ctx, c) : undefined;
  }

  /** The frozen value of a leaf, not copied: compare with it, never keep it as live state. */
  frozen(key: string): unknown {
    const c = this.child(key);
    return c && c.kind === 'leaf' ? c.value : undefined;
  }

  /** A live copy of a plain (or fresh, or opaque) leaf. */
  plain(key: string): unknown {
    return thaw(this.frozen(key));
  }

  /** The values of a `refs` leaf (immutable values kept by reference). */
  refs(key: string): readonly unknown[] {
    return (this.frozen(key) as readonly unknown[] | undefined) ?? [];
  }

  /**
   * A byte store: undefined when `owner` (at `version`) is known to hold exactly these bytes
   * already (nothing to copy); else a fresh copy, after which the caller should call `loaded`.
   */
  bytes(key: string, owner?: object, version?: number): Uint8Array | undefined {
    const c = this.child(key);
    if (!c) return new Uint8Array(0);
    if (owner && version !== undefined && this.ctx.recall(owner, version) === c) return undefined;
    if (c.kind === 'leaf') return (c.value as Uint8Array).slice();
    let n = 0;
    for (const p of c.items) n += ((p as Leaf).value as Uint8Array).length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of c.items) {
      const v = (p as Leaf).value as Uint8Array;
      out.set(v, at);
      at += v.length;
    }
    return out;
  }

  /** Notes that `owner`, at `version`, now holds exactly child `key` (after loading it). */
  loaded(key: string, owner: object, version: number): void {
    const c = this.child(key);
    if (c) this.ctx.remember(owner, version, c);
  }

  /** Whether `owner` at `version` is known to hold exactly child `key` (a subgroup it wrote or loaded). */
  holds(key: string, owner: object, version: number): boolean {
    const c = this.child(key);
    return c !== undefined && this.ctx.recall(owner, version) === c;
  }
}
