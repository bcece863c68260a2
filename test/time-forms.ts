// Virtual time is written one way on every surface (emulator/format.ts formatTime: `0 ns`,
// `2.300 µs`, `5.007 100 ms`, `65 s`). These helpers find everything in a text that looks like a
// time — any number followed by a time unit, in any spelling (`5007100 ns`, `0.000000 ms`, `6ms`,
// `1.5 us`, `12.3s`) — and tell the ones that are not exactly what formatTime writes.
import { formatTime } from '../emulator/format';

/** Anything that reads as a time: digits (hex, or with `.`, `,`, `_` or grouped decimals) and a unit. */
const LOOSE = /(?<![\w.])-?(?:0x[0-9a-f]+|\d[\d_,]*(?:\.\d+(?: \d{3})*)?) ?(?:ns|us|µs|ms|s)(?![\w(])/gi;
const STRICT = /^(-?)(\d+)(?:\.(\d{3}(?: \d{3})*))? (ns|µs|ms|s)$/;
const SCALE: Record<string, number> = { ns: 1, µs: 1e3, ms: 1e6, s: 1e9 };

/** The nanoseconds a formatTime text stands for, or undefined when it is not in that form. */
export function parseTime(text: string): number | undefined {
  const m = STRICT.exec(text);
  if (!m) return undefined;
  const scale = SCALE[m[4]!]!;
  const frac = (m[3] ?? '').replace(/ /g, '');
  if (frac.length > Math.log10(scale)) return undefined;
  const ns = Number(m[2]) * scale + (frac ? Number(frac.padEnd(Math.round(Math.log10(scale)), '0')) : 0);
  return m[1] ? -ns : ns;
}

/** Every time-looking piece of `text`. */
export function timesIn(text: string): string[] {
  return [...text.matchAll(LOOSE)].map((m) => m[0]);
}

/** The time-looking pieces of `text` that formatTime would not have written (empty when all are). */
export function foreignTimes(text: string): string[] {
  return timesIn(text).filter((t) => {
    const ns = parseTime(t);
    return ns === undefined || formatTime(ns) !== t;
  });
}
