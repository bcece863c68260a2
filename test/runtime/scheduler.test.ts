// The scheduler's two indexes against the plain definitions they replace:
// the ready queue (a 4-ary heap) must pick exactly the thread a scan of every
// thread picks — earliest time, then lowest id — and the MMIO allocator must
// return exactly the lowest aligned gap a brute-force search finds. Random
// operation sequences from fixed seeds (fuzz/rng.ts), so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../fuzz/rng';
import { newSchedulerState, pickNext, ReadyQueue, SCAN_MAX } from '../../emulator/runtime/scheduler';
import { alignUp, mmioAllocate, mmioFree, newMmioAlloc, type MmioAllocState } from '../../emulator/machine/mmio';
import type { ThreadState, ThreadStatus } from '../../emulator/runtime/threads';

function thread(id: number): ThreadState {
  return { id, name: `t${id}`, bus: 0, role: 'taskq', frames: [], status: 'ready', readyAt: 0, steps: 0 };
}

// Seeds with up to 300 threads (heap order) and with a few, around SCAN_MAX (kept unordered, and
// put in heap order when a queue that started small grows past it).
for (const [seed, most] of [
  [1, 300],
  [2, 300],
  [3, 300],
  [42, 300],
  [1234, 300],
  [5, SCAN_MAX],
  [6, SCAN_MAX],
  [7, 2 * SCAN_MAX],
  [8, 2 * SCAN_MAX],
] as const) {
  test(`ready queue picks what a scan of every thread picks (seed ${seed}, up to ${most + 4} threads)`, () => {
    const r = rng(seed);
    const s = newSchedulerState();
    const q = new ReadyQueue();
    const count = 5 + r.int(most);
    for (let id = 1; id <= count; id++) {
      const t = thread(id);
      t.readyAt = r.int(50) * 100; // many ties, so the id order matters
      s.threads.push(t);
      // Threads that are not runnable yet are queued as they become so (below): a queue grows past SCAN_MAX mid-run.
      if (id > 3 && r.chance(0.3)) t.status = 'done';
      q.push(t);
    }
    const statuses: ThreadStatus[] = ['ready', 'ready', 'blocked', 'done'];
    for (let op = 0; op < 3000; op++) {
      const scan = pickNext(s, Infinity);
      const indexed = pickNext(s, Infinity, q);
      assert.equal(indexed.kind, scan.kind, `op ${op}`);
      if (scan.kind === 'thread' && indexed.kind === 'thread') {
        assert.equal(indexed.thread.id, scan.thread.id, `op ${op}: picked`);
        assert.equal(indexed.timedOut, scan.timedOut);
      }
      // change some thread as the machine does (run the picked one, wake, block, finish) and tell the queue
      const t = scan.kind === 'thread' && r.chance(0.6) ? scan.thread : r.pick(s.threads);
      const status = r.pick(statuses);
      t.status = status;
      t.readyAt += r.int(4) * 100;
      t.timeoutAt = status === 'blocked' && r.chance(0.5) ? t.readyAt + r.int(20) * 100 : undefined;
      q.push(t);
    }
  });
}

test('ready queue re-keys a thread changed behind its back before answering', () => {
  const s = newSchedulerState();
  const q = new ReadyQueue();
  const [a, b] = [thread(1), thread(2)];
  a.readyAt = 100;
  b.readyAt = 200;
  s.threads.push(a, b);
  q.push(a);
  q.push(b);
  a.readyAt = 300; // not pushed
  const p = pickNext(s, Infinity, q);
  assert.equal(p.kind, 'thread');
  assert.equal(p.kind === 'thread' && p.thread.id, 2);
});

/** The lowest aligned base in [lo, hi] whose block overlaps no used block, by trying every aligned address in order. */
function bruteForce(s: MmioAllocState, size: number, align: number, lo: number, hi: number): number | undefined {
  for (const rg of s.ranges) {
    const end = Math.min(rg.base + rg.size - 1, hi);
    for (let cand = alignUp(Math.max(rg.base, lo), align); cand + size - 1 <= end; cand += align) {
      if (!s.used.some((u) => cand < u.base + u.size && u.base < cand + size)) return cand;
    }
  }
  return undefined;
}

for (const seed of [7, 8, 9, 99]) {
  test(`MMIO allocation finds the lowest aligned gap, as a brute-force search does (seed ${seed})`, () => {
    const r = rng(seed);
    const s = newMmioAlloc([
      { name: 'low', base: 0x1000, size: 0x40000 },
      { name: 'high', base: 0x100000, size: 0x20000 },
    ]);
    const live: number[] = [];
    for (let op = 0; op < 1500; op++) {
      if (live.length && r.chance(0.3)) {
        const base = live.splice(r.int(live.length), 1)[0]!;
        mmioFree(s, base);
        continue;
      }
      const align = 1 << (4 + r.int(10)); // 16 bytes .. 8 KiB
      const size = align * (1 + r.int(3)) - (r.chance(0.3) ? r.int(align) : 0);
      const lo = r.chance(0.3) ? r.int(0x120000) : 0;
      const hi = r.chance(0.3) ? lo + r.int(0x40000) : Number.MAX_SAFE_INTEGER;
      const want = bruteForce(s, size, align, lo, hi);
      const got = mmioAllocate(s, size, align, `op${op}`, lo, hi);
      assert.equal(got, want, `op ${op}: ${size} bytes aligned ${align} in [${lo}, ${hi}]`);
      if (got !== undefined) live.push(got);
      for (let i = 1; i < s.used.length; i++) assert.ok(s.used[i - 1]!.base + s.used[i - 1]!.size <= s.used[i]!.base, 'used stays sorted and disjoint');
    }
  });
}
