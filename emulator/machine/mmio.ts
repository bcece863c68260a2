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
 */
export function mmioAllocate(
  s: MmioAllocState,
  size: number,
  align: number,
  owner: string,
  lo = 0,
  hi = Number.MAX_SAFE_INTEGER,
): number | undefined {
  for (const r of s.ranges) {
    const start = Math.max(r.base, lo);
    const end = Math.min(r.base + r.size - 1, hi);
    let cand = alignUp(start, align);
    while (cand + size - 1 <= end) {
      const clash = s.used.find((u) => cand < u.base + u.size && u.base < cand + size);
      if (!clash) {
        s.used.push({ base: cand, size, owner });
        s.used.sort((a, b) => a.base - b.base);
        return cand;
      }
      cand = alignUp(clash.base + clash.size, align);
    }
  }
  return undefined;
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
