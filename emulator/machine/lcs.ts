// A longest common subsequence of two sequences of numbers, in linear space:
// what `vpci-lab diff` aligns two runs' messages with (emulator/machine/diff.ts).

/**
 * Index pairs (i, j) of a longest common subsequence of `a` and `b` (Myers 1986, "An O(ND)
 * Difference Algorithm and Its Variations", §4b: the middle snake, linear space), ascending.
 */
export function lcs(a: readonly number[], b: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  const n = a.length + b.length + 2;
  const vf = new Int32Array(2 * n + 2);
  const vb = new Int32Array(2 * n + 2);
  const rec = (a0: number, a1: number, b0: number, b1: number): void => {
    while (a0 < a1 && b0 < b1 && a[a0] === b[b0]) out.push([a0++, b0++]);
    const tail: [number, number][] = [];
    while (a0 < a1 && b0 < b1 && a[a1 - 1] === b[b1 - 1]) tail.push([--a1, --b1]);
    if (a0 < a1 && b0 < b1) {
      const s = middleSnake(a, b, a0, a1, b0, b1, vf, vb, n);
      rec(a0, s.x0, b0, s.y0);
      for (let x = s.x0, y = s.y0; x < s.x1; x++, y++) out.push([x, y]);
      rec(s.x1, a1, s.y1, b1);
    }
    for (let k = tail.length - 1; k >= 0; k--) out.push(tail[k]!);
  };
  rec(0, a.length, 0, b.length);
  return out;
}

/** The middle snake of a[a0..a1) vs b[b0..b1): where a shortest edit script crosses its middle. */
function middleSnake(
  a: readonly number[],
  b: readonly number[],
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  vf: Int32Array,
  vb: Int32Array,
  off: number,
): { x0: number; y0: number; x1: number; y1: number } {
  const N = a1 - a0;
  const M = b1 - b0;
  const delta = N - M;
  const odd = (delta & 1) !== 0;
  const max = Math.ceil((N + M) / 2);
  vf[off + 1] = 0;
  vb[off + 1] = 0;
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && vf[off + k - 1]! < vf[off + k + 1]!) ? vf[off + k + 1]! : vf[off + k - 1]! + 1;
      let y = x - k;
      const sx = x;
      const sy = y;
      while (x < N && y < M && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      vf[off + k] = x;
      const kb = delta - k;
      if (odd && kb >= -(d - 1) && kb <= d - 1 && x + vb[off + kb]! >= N) return { x0: a0 + sx, y0: b0 + sy, x1: a0 + x, y1: b0 + y };
    }
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && vb[off + k - 1]! < vb[off + k + 1]!) ? vb[off + k + 1]! : vb[off + k - 1]! + 1;
      let y = x - k;
      const sx = x;
      const sy = y;
      while (x < N && y < M && a[a1 - 1 - x] === b[b1 - 1 - y]) {
        x++;
        y++;
      }
      vb[off + k] = x;
      const kf = delta - k;
      if (!odd && kf >= -d && kf <= d && x + vf[off + kf]! >= N) return { x0: a1 - x, y0: b1 - y, x1: a1 - sx, y1: b1 - sy };
    }
  }
  // Unreachable for non-empty inputs (the two searches meet by d = ceil((N+M)/2)); no match is still an answer.
  return { x0: a1, y0: b1, x1: a1, y1: b1 };
}
