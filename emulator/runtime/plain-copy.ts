// Frozen copies of plain state (what structuredClone copies: objects, arrays, typed arrays,
// strings, numbers, bigints, booleans, null, undefined) for incremental snapshots.
//
// `freeze` copies a live value against the frozen copy made last time and reuses every part of
// that copy which still equals the live value — down to single objects — so a snapshot costs
// memory only for what changed, and nothing at all for a piece that did not change. The
// comparison is strict about everything a program could observe: property order, `undefined`
// properties, array holes, -0, typed-array types. `thaw` makes a live copy back.
//
// Frozen values are not plain objects (see FrozenObject, FrozenArray), so they are never
// mistaken for live state and compare quickly: an object's keys are kept in order.
//
// Sharing is kept: the driver models share objects (a softc entry and a thread's local, two
// lists naming one descriptor), and a restore must give one object where the run had one. One
// walk freezes all the pieces of a snapshot; an object reached again yields the same frozen node,
// and a frozen node of the last snapshot is reused for at most one live object. `thaw` with one
// `Thawer` for all pieces gives the sharing back. What the walk cannot copy faithfully (a cycle,
// a Map, a class instance, a typed array viewing part of a buffer) sets `aliased`: the caller
// then falls back to structuredClone for the whole state.

/** Estimated heap bytes of values, for memory budgets (V8 layout, rounded; not exact). */
export const SIZE = { object: 24, slot: 8, array: 16, string: 16, typed: 96, bigint: 24 } as const;

/** A frozen plain object: its keys in order, and their frozen values. */
export class FrozenObject {
  /** The walk (generation) that last used this node: a node stands for one live object per snapshot. */
  gen = 0;
  constructor(
    readonly keys: readonly string[],
    readonly vals: readonly unknown[],
    /** Estimated bytes of the whole subtree, parts shared with other nodes included. */
    readonly size: number,
  ) {}
}

/** A frozen array (holes kept as holes in `vals`). */
export class FrozenArray {
  gen = 0;
  constructor(
    readonly vals: readonly unknown[],
    readonly size: number,
  ) {}
}

/**
 * Estimated bytes of a frozen value with everything under it. Counting shared parts in every
 * value that holds them errs on the safe side for a memory budget (never less than is held).
 */
export function frozenSize(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return SIZE.string + v.length;
    case 'bigint':
      return SIZE.bigint;
    case 'object':
      if (v instanceof FrozenObject || v instanceof FrozenArray) return v.size;
      if (ArrayBuffer.isView(v)) return SIZE.typed + v.byteLength;
      return 0;
    default:
      return 0;
  }
}

/** A typed array (copied with its own slice()). */
type Typed = ArrayBufferView & { slice(): ArrayBufferView };

/** What a walk remembers of one live object: the walk that last saw it and the node it got. */
interface Seen {
  gen: number;
  node: unknown;
}

/**
 * Live objects → what the last walks made of them. Kept between snapshots (weakly), so an
 * object that did not change is compared with its own last frozen node, and seeing an object
 * again within a walk costs one lookup.
 */
export class WalkMemory {
  seen: WeakMap<object, Seen> | Map<object, Seen>;
  gen = 0;
  /**
   * `persistent`: remember objects from walk to walk (for state that lives on). Otherwise each
   * walk starts from nothing (for values made just for one snapshot: remembering them would
   * only fill the memory with the dead).
   */
  constructor(readonly persistent = true) {
    this.seen = persistent ? new WeakMap() : new Map();
  }
}

export class PlainWalk {
  /** Set when a value this walk cannot copy faithfully was met: use structuredClone instead. */
  aliased = false;
  /** Values visited (the cost of the walk, for scheduling snapshots). */
  work = 0;
  /** Estimated bytes of the frozen values created (not reused) so far. */
  created = 0;
  private gen: number;
  /** Frozen typed arrays used in this walk (they carry no generation of their own). */
  private usedTyped: Set<unknown> | undefined;
  /** Scratch stack of child values, so an unchanged object costs no allocation. */
  private stack: unknown[] = [];

  constructor(private readonly mem: WalkMemory = new WalkMemory()) {
    this.gen = ++mem.gen;
  }

  /** Forgets what was seen: values walked from now on are independent of the earlier ones. */
  forget(): void {
    this.gen = ++this.mem.gen;
    if (!this.mem.persistent && (this.mem.seen as Map<object, Seen>).size) this.mem.seen = new Map();
    this.usedTyped = undefined;
    this.aliased = false;
  }

  /**
   * A frozen copy of `live`: its last frozen node, or `prev` (the node at the same place in the
   * last snapshot), or parts of them, wherever they still equal the live value and stand for
   * the same objects.
   */
  freeze(live: unknown, prev: unknown): unknown {
    this.work++;
    switch (typeof live) {
      case 'string':
        if (live === prev) return prev;
        this.created += SIZE.string + live.length;
        return live;
      case 'bigint':
        if (live === prev) return prev;
        this.created += SIZE.bigint;
        return live;
      case 'object':
        break;
      default:
        return live; // number, boolean, undefined (-0 and NaN are kept as they are)
    }
    if (live === null) return null;
    const gen = this.gen;
    let e = this.mem.seen.get(live);
    if (e && e.gen === gen) {
      if (e.node === IN_PROGRESS) this.aliased = true; // a cycle
      return e.node; // reached again: the same node, so the sharing survives a restore
    }
    let p = e ? e.node : prev;
    if (e) {
      e.gen = gen;
      e.node = IN_PROGRESS;
    } else this.mem.seen.set(live, (e = { gen, node: IN_PROGRESS }));
    let r: unknown;
    if (Array.isArray(live)) {
      if (!(p instanceof FrozenArray) || p.gen === gen) p = undefined;
      r = this.freezeArray(live, p as FrozenArray | undefined);
    } else if (ArrayBuffer.isView(live)) r = this.freezeTyped(live, p);
    else {
      const proto: unknown = Object.getPrototypeOf(live);
      if (proto !== Object.prototype && proto !== null) {
        this.aliased = true; // not plain data: only structuredClone knows how to copy it
        r = null;
      } else {
        if (!(p instanceof FrozenObject) || p.gen === gen) p = undefined;
        r = this.freezeObject(live as Record<string, unknown>, p as FrozenObject | undefined);
      }
    }
    e.node = r;
    if (r instanceof FrozenObject || r instanceof FrozenArray) r.gen = gen;
    return r;
  }

  private freezeObject(live: Record<string, unknown>, prev: FrozenObject | undefined): unknown {
    const pk = prev?.keys;
    const pv = prev?.vals;
    const np = pk ? pk.length : -1;
    // While every key and value matches the previous node, nothing is copied; from the first
    // difference on, keys and values go onto the scratch stack.
    let i = 0;
    let st: unknown[] | undefined;
    let base = 0;
    for (const k in live) {
      if (st === undefined) {
        if (i < np && pk![i] === k) {
          const p = pv![i];
          const v = this.freeze(live[k], p);
          if (Object.is(v, p)) {
            i++;
            continue;
          }
          st = this.stack;
          base = st.length;
          for (let j = 0; j < i; j++) st.push(pk![j], pv![j]);
          st.push(k, v);
          i++;
          continue;
        }
        st = this.stack;
        base = st.length;
        for (let j = 0; j < i; j++) st.push(pk![j], pv![j]);
      }
      st.push(k, this.freeze(live[k], undefined));
      i++;
    }
    if (st === undefined && i === np) return prev;
    const n = i;
    const keys = new Array<string>(n);
    const vals = new Array<unknown>(n);
    if (st === undefined) {
      // A prefix of the previous node's keys (some were deleted at the end).
      for (let j = 0; j < n; j++) {
        keys[j] = pk![j]!;
        vals[j] = pv![j];
      }
    } else {
      for (let j = 0; j < n; j++) {
        keys[j] = st[base + 2 * j] as string;
        vals[j] = st[base + 2 * j + 1];
      }
      st.length = base;
    }
    const own = SIZE.object + 2 * SIZE.array + 2 * SIZE.slot * n;
    this.created += own;
    let size = own;
    for (let j = 0; j < n; j++) size += frozenSize(vals[j]);
    // Keys in the same order as before: keep the old array (objects of one shape share it over time).
    const sameKeys = pk !== undefined && pk.length === n && keys.every((k, j) => k === pk[j]);
    return new FrozenObject(sameKeys ? pk : keys, vals, size);
  }

  private freezeArray(live: unknown[], prev: FrozenArray | undefined): unknown {
    const pv = prev?.vals;
    const n = live.length;
    const np = pv ? pv.length : -1;
    let i = 0;
    let st: unknown[] | undefined;
    let base = 0;
    for (; i < n; i++) {
      const has = i in live;
      if (st === undefined) {
        if (i < np && has === i in pv!) {
          if (!has) continue;
          const p = pv![i];
          const v = this.freeze(live[i], p);
          if (Object.is(v, p)) continue;
          st = this.stack;
          base = st.length;
          for (let j = 0; j < i; j++) st.push(j in pv! ? pv![j] : HOLE);
          st.push(v);
          continue;
        }
        st = this.stack;
        base = st.length;
        for (let j = 0; j < i; j++) st.push(j in pv! ? pv![j] : HOLE);
      }
      st.push(has ? this.freeze(live[i], undefined) : HOLE);
    }
    if (st === undefined && n === np) return prev;
    const vals: unknown[] = new Array(n);
    if (st === undefined) {
      for (let j = 0; j < n; j++) if (j in pv!) vals[j] = pv![j];
    } else {
      for (let j = 0; j < n; j++) {
        const v = st[base + j];
        if (v !== HOLE) vals[j] = v;
      }
      st.length = base;
    }
    const own = SIZE.object + SIZE.array + SIZE.slot * n;
    this.created += own;
    let size = own;
    for (let j = 0; j < n; j++) size += frozenSize(vals[j]);
    return new FrozenArray(vals, size);
  }

  private freezeTyped(live: ArrayBufferView, prev: unknown): unknown {
    // A typed array is copied on its own only when it views its whole buffer and no other view
    // shares that buffer (a buffer is state of its own).
    const b = live.buffer;
    if (live instanceof DataView || live.byteOffset !== 0 || live.byteLength !== b.byteLength) {
      this.aliased = true;
      return null;
    }
    const be = this.mem.seen.get(b);
    if (be && be.gen === this.gen) {
      this.aliased = true;
      return null;
    }
    if (be) be.gen = this.gen;
    else this.mem.seen.set(b, { gen: this.gen, node: null });
    this.work += live.byteLength >>> 6;
    const used = (this.usedTyped ??= new Set());
    if (ArrayBuffer.isView(prev) && !used.has(prev) && prev.constructor === live.constructor && bytesEqual(asBytes(live), asBytes(prev))) {
      used.add(prev);
      return prev;
    }
    this.created += SIZE.typed + live.byteLength;
    return (live as Typed).slice();
  }
}

const IN_PROGRESS = Symbol('in progress');
const HOLE = Symbol('hole');

/**
 * Live copies of frozen values (which are never handed out themselves). One Thawer for all the
 * pieces of a snapshot gives back the sharing the snapshot recorded: a frozen node met twice
 * becomes one live object.
 */
export class Thawer {
  private memo = new Map<unknown, unknown>();

  thaw(f: unknown): unknown {
    if (typeof f !== 'object' || f === null) return f;
    const m = this.memo.get(f);
    if (m !== undefined) return m;
    let out: unknown;
    if (f instanceof FrozenObject) {
      const o: Record<string, unknown> = {};
      this.memo.set(f, o);
      const { keys, vals } = f;
      for (let i = 0; i < keys.length; i++) o[keys[i]!] = this.thaw(vals[i]);
      return o;
    }
    if (f instanceof FrozenArray) {
      const v = f.vals;
      const a: unknown[] = new Array(v.length);
      this.memo.set(f, a);
      for (let i = 0; i < v.length; i++) if (i in v) a[i] = this.thaw(v[i]);
      return a;
    }
    if (ArrayBuffer.isView(f)) out = (f as Typed).slice();
    else out = structuredClone(f); // a value kept as structuredClone made it (see PlainWalk.aliased)
    this.memo.set(f, out);
    return out;
  }
}

/** A live copy of one frozen value on its own. */
export function thaw(f: unknown): unknown {
  return new Thawer().thaw(f);
}

function asBytes(v: ArrayBufferView): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** Byte-wise equality, four bytes at a time where the offsets allow. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  if (n >= 64 && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const w = n >>> 2;
    const x = new Int32Array(a.buffer, a.byteOffset, w);
    const y = new Int32Array(b.buffer, b.byteOffset, w);
    for (let k = 0; k < w; k++) if (x[k] !== y[k]) return false;
    i = w * 4;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Estimated bytes of a live plain value (for a copy kept whole, as structuredClone makes it). */
export function plainBytes(v: unknown, seen = new Set<object>()): number {
  switch (typeof v) {
    case 'string':
      return SIZE.string + v.length;
    case 'bigint':
      return SIZE.bigint;
    case 'object': {
      if (v === null || seen.has(v)) return 0;
      seen.add(v);
      if (ArrayBuffer.isView(v)) return SIZE.typed + v.byteLength;
      if (Array.isArray(v)) return v.reduce((n: number, x) => n + SIZE.slot + plainBytes(x, seen), SIZE.object + SIZE.array);
      let n = SIZE.object;
      for (const k in v) n += SIZE.slot + plainBytes((v as Record<string, unknown>)[k], seen);
      return n;
    }
    default:
      return 0;
  }
}
