// The VM's MMIO space as the guest sees it: the VMBus MMIO ranges (what ACPI
// _CRS gives the VMBus device), an allocator over them (what
// bus_alloc_resource / vmbus_allocate_mmio hand out), and the decoder that
// routes a guest physical access to a config window or a mapped BAR.

export interface MmioRangeDecl {
  name: string;
  base: number;
  size: number;
}

export interface MmioAllocState {
  ranges: MmioRangeDecl[];
  /** Allocated blocks, sorted by base. */
  used: { base: number; size: number; owner: string }[];
}

export function newMmioAlloc(ranges: MmioRangeDecl[]): MmioAllocState {
  return { ranges: ranges.map((r) => ({ ...r })), used: [] };
}

/**
 * First-fit allocation of `size` bytes aligned to `align` within [lo, hi]
 * (inclusive end), across the VM's ranges in declaration order. Returns the
 * base, or undefined when nothing fits. Works on numbers up to 2^53.
 *
 * `used` stays sorted by base and never overlaps, so one pass over the blocks
 * at or after the range start finds the lowest aligned gap: O(blocks) per
 * allocation instead of a search for a clash per candidate (64 buses attach
 * linearly).
 */
export function mmioAllocate(s: MmioAllocState, size: number, align: number, owner: string, lo = 0, hi = Number.MAX_SAFE_INTEGER): number | undefined {
  const used = s.used;
  for (const r of s.ranges) {
    const start = Math.max(r.base, lo);
    const end = Math.min(r.base + r.size - 1, hi);
    let cand = alignUp(start, align);
    // the first block that ends after `cand` is the first that can clash
    let i = firstEndingAfter(used, cand);
    for (; cand + size - 1 <= end; i++) {
      const u = used[i];
      if (!u || cand + size <= u.base) {
        used.splice(i, 0, { base: cand, size, owner });
        return cand;
      }
      // u overlaps [cand, cand+size) or lies inside it: the next candidate is past it
      if (u.base + u.size > cand) cand = alignUp(u.base + u.size, align);
    }
  }
  return undefined;
}

/** Index of the first block (sorted by base, disjoint) whose end is above `addr`. */
function firstEndingAfter(used: readonly { base: number; size: number }[], addr: number): number {
  let a = 0;
  let b = used.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (used[m]!.base + used[m]!.size <= addr) a = m + 1;
    else b = m;
  }
  return a;
}

export function mmioFree(s: MmioAllocState, base: number): void {
  const i = s.used.findIndex((u) => u.base === base);
  if (i >= 0) s.used.splice(i, 1);
}

export function alignUp(x: number, align: number): number {
  if (align <= 1) return x;
  return Math.ceil(x / align) * align;
}

/** A guest-physical region that decodes somewhere. */
export interface MmioMapping {
  base: number;
  size: number;
  kind: 'window' | 'bar';
  bus: number;
  wslot: number;
  /** BAR index for kind 'bar'. */
  bar: number;
}

/** Finds the mapping that contains [addr, addr+size). */
export function findMapping(maps: readonly MmioMapping[], addr: number, size: number): MmioMapping | undefined {
  for (const m of maps) if (addr >= m.base && addr + size <= m.base + m.size) return m;
  return undefined;
}
