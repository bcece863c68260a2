// Checkpoints of a deterministic run, by position (steps executed), within a memory budget.
// Going to any position restores the nearest checkpoint at or before it and replays forward
// (the run is deterministic, so the replay is exact). Checkpoints share unchanged state (see
// snapshot-tree.ts) and the store counts the memory they hold together, node by node.
//
// Beyond the budget, checkpoints are thinned rather than lost: the store drops the ones whose
// loss costs least — where they are dense, and far from where the user is — so replay distances
// stay short near the focus and grow with distance (a sparse, roughly logarithmic spacing).
// Pinned checkpoints (state changed by hand, which replay cannot reproduce) are never thinned;
// only `cutBefore` (history cut short) or `dropAfter` (the future rewritten) remove them.
import { retain, release, type Group } from './snapshot-tree';

export interface Checkpoint {
  readonly pos: number;
  readonly root: Group;
  /** Cannot be thinned away (a hand-made change lives only here). */
  readonly pinned: boolean;
  /** Whatever the owner keeps with it (where it stands in time, say). */
  readonly meta?: unknown;
}

export class CheckpointStore {
  /** Positions, ascending. */
  private order: number[] = [];
  private byPos = new Map<number, Checkpoint>();
  /** Estimated bytes held by all stored checkpoints together (shared nodes counted once). */
  held = 0;

  get size(): number {
    return this.order.length;
  }

  get positions(): readonly number[] {
    return this.order;
  }

  get(pos: number): Checkpoint | undefined {
    return this.byPos.get(pos);
  }

  /** Stores (or replaces) the checkpoint at `pos`. */
  add(pos: number, root: Group, pinned = false, meta?: unknown): void {
    const old = this.byPos.get(pos);
    this.held += retain(root);
    if (old) this.held -= release(old.root);
    else this.order.splice(this.upperBound(pos), 0, pos);
    this.byPos.set(pos, { pos, root, pinned: pinned || (old?.pinned ?? false), meta });
  }

  /** Index of the first stored position > pos. */
  private upperBound(pos: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order[mid]! <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The checkpoint at the greatest position ≤ pos. */
  atOrBefore(pos: number): Checkpoint | undefined {
    const i = this.upperBound(pos) - 1;
    return i >= 0 ? this.byPos.get(this.order[i]!) : undefined;
  }

  /** The first checkpoint at a position > pos. */
  after(pos: number): Checkpoint | undefined {
    const i = this.upperBound(pos);
    return i < this.order.length ? this.byPos.get(this.order[i]!) : undefined;
  }

  get first(): Checkpoint | undefined {
    return this.order.length ? this.byPos.get(this.order[0]!) : undefined;
  }

  private removeAt(i: number): void {
    const pos = this.order[i]!;
    this.order.splice(i, 1);
    const c = this.byPos.get(pos)!;
    this.byPos.delete(pos);
    this.held -= release(c.root);
  }

  /** Drops the checkpoint at `pos`, if any (never the first: history starts there). */
  drop(pos: number): void {
    const i = this.upperBound(pos) - 1;
    if (i > 0 && this.order[i] === pos) this.removeAt(i);
  }

  /** Drops every checkpoint after `pos` (pinned ones too: that future is gone). */
  dropAfter(pos: number): void {
    for (let i = this.order.length - 1; i >= 0 && this.order[i]! > pos; i--) this.removeAt(i);
  }

  /** Drops every checkpoint before `pos` (history now starts there). */
  cutBefore(pos: number): void {
    while (this.order.length && this.order[0]! < pos) this.removeAt(0);
  }

  /**
   * Drops unpinned checkpoints (never the first) until `held` ≤ `target` or nothing more may go.
   * The one dropped each time is the one whose two neighbours are closest together, relative to
   * its distance from `focus`: dense regions and old regions thin first. A checkpoint whose loss
   * would open a gap wider than `maxGap` steps stays. Returns how many were dropped.
   */
  thin(target: number, focus: number, maxGap = Infinity): number {
    let dropped = 0;
    while (this.held > target && this.order.length > 2) {
      let best = -1;
      let bestCost = Infinity;
      const o = this.order;
      for (let i = 1; i < o.length - 1; i++) {
        const c = this.byPos.get(o[i]!)!;
        if (c.pinned) continue;
        const gap = o[i + 1]! - o[i - 1]!;
        if (gap > maxGap) continue;
        const cost = gap / (1 + Math.abs(o[i]! - focus));
        if (cost < bestCost) {
          bestCost = cost;
          best = i;
        }
      }
      if (best < 0) break;
      this.removeAt(best);
      dropped++;
    }
    return dropped;
  }
}
