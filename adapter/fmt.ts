// Small formatting and value helpers the adapter's inspection modules share: sizes (fmtSize,
// lspci's K/M/G), hex dumps, times. Hex numbers and the session's hex toggle are in vars.ts
// (hex, fmtNum, parseNumber). Capability names and summaries belong to the capability objects
// (emulator/pci/caps/).
import type { Value } from './expr';

export function fmtSize(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let u = 0;
  let x = n;
  while (x >= 1024 && x % 1024 === 0 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${x}${units[u]}`;
}

export function hexDump(b: Uint8Array, off: number, len: number): string {
  const lines: string[] = [];
  for (let o = off & ~15; o < off + len; o += 16) {
    lines.push(`${o.toString(16).padStart(3, '0')}: ${Array.from(b.subarray(o, o + 16), (x) => x.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return lines.join('\n');
}

/** A stable instance GUID for a bus offered from the console (derived from its name and index). */
export function offerGuid(name: string, index: number): string {
  let h = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${index}:${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const x = hex.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-8${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

export function camel(s: string): string {
  return s.replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
}

/** Marks an array toValue made of a Uint8Array, so a watch shows it as its Variables row does ("224 bytes: 06 00 …"), not as Array(224). */
export const BYTES = Symbol('bytes');

export function toValue(v: unknown): Value {
  // A 64-bit value (a kernel pointer, a transaction id) stays exact: the expression language
  // computes with BigInt (expr.ts), and Number() would round it to 53 bits.
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (v instanceof Uint8Array) return Object.defineProperty(Array.from(v), BYTES, { value: true });
  if (Array.isArray(v)) return v.map(toValue);
  if (v && typeof v === 'object') {
    const o: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toValue(x);
    return o;
  }
  return v as Value;
}

export function stripInternal(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== '__bus') o[k] = x;
    return o;
  }
  return v;
}
