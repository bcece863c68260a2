// Fuzz target `frames`: the Content-Length reader DAP and LSP share (io/frames.ts, through the DAP
// rules of adapter/framing.ts) on streams that mix good frames with every kind of broken one —
// a Content-Length too short or too long by any amount (past the frames after it too), a body
// that is not JSON or not an object, a header that is none, a length that is no number or over the
// limit, junk — cut into reads at random places, from a reused buffer (stdio from a pipe) or not,
// with quiet moments after random reads. What must hold, whatever the mix: every good frame is
// read, once and in order; a request is refused (an error response) only if its own frame was
// broken, and at most once. The junk never spells a header's name: junk that does ("…Content-Length:
// 9…") is a header, and what it swallows is no longer a good frame.
import { DapFramer } from '../adapter/framing';
import { rng, type FuzzFailure, type FuzzRun, type Rng } from './rng';

const request = (seq: number, r: Rng): string =>
  JSON.stringify({
    seq,
    type: 'request',
    command: r.pick(['next', 'evaluate', 'variables']),
    arguments: r.chance(0.5) ? { threadId: seq } : { expression: r.pick(['', 'é😀', 'x'.repeat(r.int(300)), '{"a":[1,"}"]}']) },
  });

const frame = (body: string, length = Buffer.byteLength(body)): string => `Content-Length: ${length}\r\n\r\n${body}`;

/** The broken frames of a request's JSON (`j`), each kind the DAP fuzzer writes, with random amounts. */
const BROKEN: ((j: string, r: Rng) => string)[] = [
  (j, r) => frame(j, 1 + r.int(Buffer.byteLength(j) - 1)), // too short
  (j, r) => frame(j, Buffer.byteLength(j) + 1 + r.int(r.chance(0.5) ? 30 : 400)), // too long, perhaps past the next frames
  (j) => frame(`${j.slice(0, -1)}x`), // not JSON
  (j) => `garbage ${j.slice(0, 20)}\r\n\r\n`, // a header that is none
  (j) => `Content-Length: abc\r\n\r\n${j}`,
  (j) => `Content-Length: 99999999999\r\n\r\n${j}`, // over the limit
  (j) => frame(`[${j.slice(1, -1)}]`), // not an object
  (j, r) => `Content-Type: application/vscode-jsonrpc\r\n${frame(j, Buffer.byteLength(j) + 1 + r.int(40))}`, // another field, then too long
];

/**
 * Junk between frames: random bytes and text without a header's name in it. It never starts with a
 * blank: after a frame whose Content-Length is too long by a few bytes, blanks would only be the
 * whitespace JSON allows after a message, and the frame a good one.
 */
function junk(r: Rng): string {
  const s = r.chance(0.5) ? Buffer.from(r.bytes(1 + r.int(40))).toString('latin1') : r.pick(['x', 'hello\r\n', '\r\n\r\n', '{}', 'Content', 'Content-Len']);
  return `#${s.replace(/Content-(?=[A-Za-z]*[ \t]*:)/gi, 'C-')}`;
}

export function fuzzFrames(seed: number, iterations: number): FuzzRun {
  const failures: FuzzFailure[] = [];
  let bytes = 0;
  let broken = 0;
  let refused = 0;
  for (let it = 0; it < iterations; it++) {
    const s = (seed + Math.imul(it, 0x9e3779b1)) >>> 0;
    const r = rng(s);
    const good: number[] = [];
    const bad = new Set<number>();
    let text = '';
    for (let i = 0, n = 2 + r.int(10); i < n; i++) {
      const seq = i + 1;
      const body = request(seq, r);
      if (r.chance(0.1)) text += junk(r);
      if (r.chance(0.35)) {
        text += r.pick(BROKEN)(body, r);
        bad.add(seq);
        broken++;
      } else {
        text += frame(body);
        good.push(seq);
      }
    }
    if (r.chance(0.1)) text += junk(r);
    const input = Buffer.from(text, 'utf8');
    bytes += input.length;
    const got: number[] = [];
    const refusedSeqs: number[] = [];
    let timer: (() => void) | undefined;
    const f = new DapFramer({
      message: (m) => got.push(Number(m.seq)),
      problem: () => undefined,
      refuse: (q) => refusedSeqs.push(Number(q.id)),
      setTimer: (fn) => (timer = fn),
      clearTimer: () => (timer = undefined),
    });
    const idle = (): void => {
      const t = timer;
      timer = undefined;
      t?.();
    };
    // Reads of random sizes; through one reused buffer (overwritten after each read) or as they come.
    const reused = r.chance(0.5) ? Buffer.alloc(64 * 1024) : undefined;
    for (let at = 0; at < input.length;) {
      const n = Math.min(1 + r.int(r.chance(0.25) ? input.length : 40), reused ? reused.length : Infinity);
      const piece = input.subarray(at, at + n);
      if (reused) {
        piece.copy(reused);
        f.push(reused.subarray(0, piece.length), true);
        reused.fill('}{\r\n');
      } else f.push(piece);
      at += n;
      if (r.chance(0.12)) idle();
    }
    idle();
    f.end();
    refused += refusedSeqs.length;
    const fail = (message: string): void => {
      failures.push({ target: 'frames', seed, iteration: it, message, reproducer: `iteration seed ${s}; input ${JSON.stringify(text)}` });
    };
    if (got.join() !== good.join()) fail(`read ${got.join(', ') || 'nothing'}; the good frames are ${good.join(', ')}`);
    else if (new Set(refusedSeqs).size !== refusedSeqs.length) fail(`a request refused twice: ${refusedSeqs.join(', ')}`);
    else if (refusedSeqs.some((q) => !bad.has(q))) fail(`a good request refused: ${refusedSeqs.filter((q) => !bad.has(q)).join(', ')}`);
    if (failures.length) break;
  }
  return { iterations, units: bytes, unitName: 'bytes', failures, counts: { broken, refused } };
}
