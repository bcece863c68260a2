// Benchmark harness: every figure is measured next to a floor taken in the same
// run, and printed as a ratio to that floor, so the numbers mean the same on any
// machine. Each bench module calls `figure(...)`; `bench/index.ts` runs them.

export interface Figure {
  /** What is measured, e.g. "config reads+writes/s, function model". */
  name: string;
  /** What the floor is, e.g. "raw Uint8Array/DataView". */
  floorName: string;
  /** Runs the measured work `n` times (or n units); returns units done. */
  run: (n: number) => number;
  /** Runs the floor work `n` times; returns units done. */
  floor: (n: number) => number;
  /** "throughput": higher is better (ratio = floor time / time); "latency": lower is better. */
  kind: 'throughput' | 'latency';
  /** Budget text (docs/architecture.md, Budgets), and a check on the ratio (or on the absolute figure). */
  budget?: { text: string; ok: (r: FigureResult) => boolean };
  /** Units per call of run() for the printed absolute figure, e.g. "accesses". */
  unit: string;
}

export interface FigureResult {
  name: string;
  perSecond: number;
  floorPerSecond: number;
  /** measured cost / floor cost: 1.0 = as fast as the floor; 3.0 = three times slower. */
  ratio: number;
  /** Mean time per unit, in nanoseconds. */
  nsPerUnit: number;
  floorNsPerUnit: number;
  budgetOk?: boolean;
  budgetText?: string;
}

const figures: Figure[] = [];

export function figure(f: Figure): void {
  figures.push(f);
}

export function registered(): readonly Figure[] {
  return figures;
}

function timeIt(fn: (n: number) => number, minMs: number): { units: number; ns: number } {
  // Warm up, then grow n until one batch takes at least minMs.
  fn(1);
  let n = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    const units = fn(n);
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns >= minMs * 1e6 || n >= 1 << 30) return { units, ns };
    n = Math.min(Math.ceil(n * Math.min(100, Math.max(2, (minMs * 1e6) / Math.max(ns, 1)))), 1 << 30);
  }
}

/** Interleaves floor and measured batches (three rounds each) and keeps the best of each. */
export function measure(f: Figure, minMs = 200): FigureResult {
  let best = Infinity;
  let bestFloor = Infinity;
  for (let round = 0; round < 3; round++) {
    const fl = timeIt(f.floor, minMs);
    bestFloor = Math.min(bestFloor, fl.ns / fl.units);
    const m = timeIt(f.run, minMs);
    best = Math.min(best, m.ns / m.units);
  }
  return result(f, best, bestFloor);
}

/** A figure's result from its best time per unit and its floor's, with its budget judged. */
function result(f: Figure | AsyncFigure, best: number, bestFloor: number): FigureResult {
  const r: FigureResult = {
    name: f.name,
    perSecond: 1e9 / best,
    floorPerSecond: 1e9 / bestFloor,
    ratio: best / bestFloor,
    nsPerUnit: best,
    floorNsPerUnit: bestFloor,
  };
  if (f.budget) {
    r.budgetOk = f.budget.ok(r);
    r.budgetText = f.budget.text;
  }
  return r;
}

// ---- asynchronous figures (processes, sockets: the DAP round trips) ------------------------

export interface AsyncFigure extends Omit<Figure, 'run' | 'floor'> {
  /** Runs the measured work `n` times; resolves with units done. */
  run: (n: number) => Promise<number>;
  floor: (n: number) => Promise<number>;
  /** Called once after the last batch (close sessions, kill processes). */
  done?: () => Promise<void> | void;
}

const asyncFigures: AsyncFigure[] = [];

export function asyncFigure(f: AsyncFigure): void {
  asyncFigures.push(f);
}

export function registeredAsync(): readonly AsyncFigure[] {
  return asyncFigures;
}

async function timeItAsync(fn: (n: number) => Promise<number>, minMs: number): Promise<{ units: number; ns: number }> {
  await fn(1);
  let n = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    const units = await fn(n);
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns >= minMs * 1e6 || n >= 1 << 20) return { units, ns };
    n = Math.min(Math.ceil(n * Math.min(100, Math.max(2, (minMs * 1e6) / Math.max(ns, 1)))), 1 << 20);
  }
}

/**
 * As measure(): floor and measured batches interleaved, best of each — five rounds, not three:
 * these figures spawn processes and cross pipes, so one round in three is often disturbed by the
 * machine; more interleaved rounds give both sides the same chance of an undisturbed one.
 */
export async function measureAsync(f: AsyncFigure, minMs = 300): Promise<FigureResult> {
  let best = Infinity;
  let bestFloor = Infinity;
  try {
    for (let round = 0; round < 5; round++) {
      const fl = await timeItAsync(f.floor, minMs);
      bestFloor = Math.min(bestFloor, fl.ns / fl.units);
      const m = await timeItAsync(f.run, minMs);
      best = Math.min(best, m.ns / m.units);
    }
  } finally {
    await f.done?.();
  }
  return result(f, best, bestFloor);
}

export function fmtRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(1);
}

// ---- sampled figures (medians, maxima, memory: one measurement gives several results) -----------

export interface SampleResult {
  /** What this result is, e.g. "median", "max". */
  label: string;
  value: number;
  floor: number;
  /** Unit of value and floor, e.g. "ms", "MiB". */
  unit: string;
  /** Text of the budget and whether the result meets it (absent: shown, not budgeted). */
  budget?: { text: string; ok: boolean };
  /** Anything else worth printing (how many samples, the worst case…). */
  note?: string;
}

export interface SampleFigure {
  name: string;
  floorName: string;
  /** Measures both sides (interleaving rounds as it sees fit). */
  measure: () => Promise<SampleResult[]>;
}

const sampleFigures: SampleFigure[] = [];

export function sampleFigure(f: SampleFigure): void {
  sampleFigures.push(f);
}

export function registeredSamples(): readonly SampleFigure[] {
  return sampleFigures;
}

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
