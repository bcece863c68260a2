// Hand layout of test byte vectors from docs/protocol.md's (offset, size, value) tables —
// independent of the codec under test. Not a test file itself.
export type Field = [offset: number, size: 1 | 2 | 4 | 8, value: number | bigint];

export function lay(size: number, fields: Field[]): Uint8Array {
  const b = new Uint8Array(size);
  for (const [off, n, v] of fields) {
    let x = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < n; i++) {
      b[off + i] = Number(x & 0xffn);
      x >>= 8n;
    }
  }
  return b;
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
