// The seeded PRNG every fuzz target shares (mulberry32): the same seed gives the
// same inputs on every machine, so a failure's seed is its reproducer.

export interface Rng {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** n random bytes. */
  bytes(n: number): Uint8Array;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    chance: (p: number) => next() < p,
    bytes: (n: number) => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = int(256);
      return b;
    },
  };
}

/** A failure found by a fuzz target: what went wrong, and how to replay it. */
export interface FuzzFailure {
  target: string;
  seed: number;
  iteration: number;
  message: string;
  /** Input that triggers it (hex packet, scenario text, DAP request log …). */
  reproducer: string;
}

/** What a target reports for a run: iterations done, units (packets, steps, requests), failures. */
export interface FuzzRun {
  iterations: number;
  units: number;
  unitName: string;
  failures: FuzzFailure[];
  /** Target-specific counters (e.g. faults that fired), so tests can check the fuzz reached what it aims at. */
  counts?: Record<string, number>;
  /** A finding worth printing that is not a failure. */
  note?: string;
}

export const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
