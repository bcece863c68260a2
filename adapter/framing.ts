// DAP's wire framing for the adapter: reading with io/frames.ts by DAP's rules, replacing the
// reader of @vscode/debugadapter (which concatenates its whole buffer on every chunk, trusts any
// Content-Length, and on a body that is not JSON emits an `error` that ends a stdio adapter with
// exit 0 and leaves the stream out of step for good). Here a malformed frame is reported — an
// `output` event (category `important`) naming the problem, and an error response when the broken
// frame still reveals which request it was — and reading resynchronises at the next header. Also
// how the adapter's output leaves: what one turn writes, together (coalescedOutput, directOutput).

import { PassThrough } from 'node:stream';
import { Framer, type FrameHooks, type FrameRules } from '../io/frames';
import { clip } from '../emulator/format';

/** Largest DAP message body accepted. */
export const BODY_LIMIT = 16 * 1024 * 1024;
export { HEADER_LIMIT, GARBAGE_LIMIT, IDLE_MS } from '../io/frames';

/** A value from a message as JSON, cut short (what a field was, for a message about it). */
function shown(v: unknown): string {
  return v === undefined ? 'missing' : clip(JSON.stringify(v));
}

/** What a DAP message is (the protocol's ProtocolMessage: a request needs a numeric seq and a command). */
const DAP_RULES: FrameRules = {
  protocol: 'DAP',
  bodyLimit: BODY_LIMIT,
  check: (m) => {
    if (m.type !== 'request' && m.type !== 'response' && m.type !== 'event')
      return `a message whose "type" is ${m.type === undefined ? 'missing' : JSON.stringify(m.type)} (expected "request")`;
    if (m.type === 'request' && !Number.isSafeInteger(m.seq)) return `a request whose "seq" is ${shown(m.seq)} (expected an integer)`;
    if (m.type === 'request' && (typeof m.command !== 'string' || m.command === ''))
      return `a request whose "command" is ${shown(m.command)} (expected a name)`;
    return undefined;
  },
  // Any request with a seq is answered, so a client waiting on that seq is not left waiting: a command
  // that is no name is answered with the empty one (a response's `command` is a string; clients match by request_seq).
  requestOf: (m) =>
    m.type === 'request' && Number.isSafeInteger(m.seq)
      ? { id: m.seq as number, name: typeof m.command === 'string' ? m.command.slice(0, 100) : '' }
      : undefined,
};

/** Reads DAP frames from byte chunks (io/frames.ts, by DAP's rules); see the file comment. */
export class DapFramer extends Framer {
  // A broken request comes to hooks.refuse as { id: seq, name: command }.
  constructor(hooks: FrameHooks) {
    super(DAP_RULES, hooks);
  }
}

/**
 * Reads `input` through a DapFramer; returns the stream to give @vscode/debugadapter's start()
 * instead: it carries no data (the framer delivers messages) but ends, closes and fails when
 * `input` does, so the library's session life cycle is unchanged. With `raw`, the bytes come
 * through it (see RawInput) and `input` is only listened to for its end, close and errors.
 */
export function framedInput(input: NodeJS.ReadableStream, hooks: FrameHooks, output?: NodeJS.WritableStream, raw?: RawInput): NodeJS.ReadableStream {
  const framer = new DapFramer(hooks);
  const quiet = new PassThrough();
  const chunk = (b: Buffer, transient: boolean): void => {
    framer.push(b, transient);
    // The replies to what this chunk asked leave now, not after Node's stream bookkeeping for the chunk.
    if (output) endTurn(output);
  };
  if (raw) raw.receive = (b) => chunk(b, true);
  else input.on('data', (d: Buffer | string) => chunk(typeof d === 'string' ? Buffer.from(d, 'utf8') : d, false));
  input.on('end', () => {
    framer.end();
    // What the end of input had to say (a broken last frame) leaves before the host's own 'end' listener ends the process.
    if (output) endTurn(output);
  });
  input.on('close', () => quiet.destroy());
  input.on('error', (e: Error) => quiet.destroy(e));
  return quiet;
}

/**
 * Input read into one reused buffer instead of through a Readable stream (stdio from a pipe:
 * adapter/server.ts). A stream's push, 'data' event and read-ahead bookkeeping run on every
 * message, on code a fresh adapter process has not optimized yet; measured on the step round
 * trip (five requests), they were about a sixth of the adapter's CPU. The host sets `receive`
 * and calls it with each read; the bytes are valid only during the call (the framer copies what
 * it keeps).
 */
export interface RawInput {
  receive: (chunk: Buffer) => void;
}

/**
 * Makes the messages one turn of the adapter writes to `out` leave together: the first write of a
 * turn corks the stream and it is uncorked when the input chunk that asked has been handled
 * (endTurn, from framedInput) or else by a microtask, so a response, the stopped event after it and
 * the events that go with a stop reach the client in one system call instead of one each (each a
 * wake-up of the client). Streams without cork() (a test's) are left as they are. Returns `out`.
 */
export function coalescedOutput<T extends NodeJS.WritableStream>(out: T): T {
  const s = out as T & Partial<Pick<NodeJS.WriteStream, 'cork' | 'uncork'>>;
  const cork = s.cork?.bind(s);
  const uncork = s.uncork?.bind(s);
  if (!cork || !uncork) return out;
  const write = s.write.bind(s) as (...a: unknown[]) => boolean;
  let corked = false;
  const release = (): void => {
    if (!corked) return;
    corked = false;
    uncork();
  };
  s.write = (...a: unknown[]): boolean => {
    if (!corked) {
      corked = true;
      cork();
      soon(release);
    }
    return write(...a);
  };
  turnEnds.set(out, release);
  return out;
}

/**
 * Runs `fn` as a microtask, after what this turn is doing. Not queueMicrotask: Node wraps each of
 * those in an async resource (an object, ids, hooks checked before and after), a cost on every
 * message of every step; a settled promise's reaction is the same microtask without it.
 */
const settled = Promise.resolve();
function soon(fn: () => void): void {
  void settled.then(fn);
}

/** How to send now what this turn has written so far to a coalescing output (coalescedOutput, directOutput). */
const turnEnds = new WeakMap<object, () => void>();

/**
 * The adapter has handled a chunk of input: what it wrote in answer leaves now rather than at the
 * end of the turn (where Node's stream bookkeeping for the chunk would run first). A stream that
 * does not coalesce is left as it is.
 */
export function endTurn(out: NodeJS.WritableStream): void {
  turnEnds.get(out)?.();
}

/** Writes a string to a file descriptor at once and says how many bytes went (Node's fs.writeSync); throws as it does. */
export type WriteFd = (fd: number, data: string) => number;

/**
 * Like coalescedOutput — what one turn writes leaves together, once the input that asked has been
 * handled (endTurn) or else after the turn — but written to the
 * stream's file descriptor directly (a stdio pipe): one write(2) of the joined messages, without
 * the stream's buffering and write requests, which on a fresh adapter process cost more than the
 * system call itself on every step's five round trips. Whatever the descriptor does not take at
 * once (a full pipe: EAGAIN, a short write) or refuses (EPIPE …) goes to the stream, which waits
 * for the pipe or reports the error as it always did; while the stream holds bytes, later turns
 * queue behind them there, so the order on the wire never changes. Returns `out`.
 */
export function directOutput<T extends NodeJS.WritableStream>(out: T, fd: number, writeFd: WriteFd): T {
  const stream = out as T & { writableLength?: number };
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, cb?: (e?: Error | null) => void) => boolean;
  let queue: string[] = [];
  let callbacks: ((e?: Error | null) => void)[] = [];
  const flush = (): void => {
    if (!queue.length) return; // sent already, at the end of the input that asked for it
    const data = queue.length === 1 ? queue[0]! : queue.join('');
    const cbs = callbacks;
    queue = [];
    callbacks = [];
    const done = cbs.length ? (e?: Error | null) => cbs.forEach((cb) => cb(e)) : undefined;
    if ((stream.writableLength ?? 0) > 0) {
      write(data, done);
      return;
    }
    let n: number;
    try {
      n = writeFd(fd, data);
    } catch {
      write(data, done);
      return;
    }
    const size = Buffer.byteLength(data);
    if (n < size) write(Buffer.from(data).subarray(n), done);
    else done?.();
  };
  stream.write = (chunk: string | Uint8Array, a?: unknown, b?: unknown): boolean => {
    // write(chunk, encoding?, callback?): the library passes 'utf8'; an encoding other than UTF-8 never comes with a string here.
    const cb = (typeof a === 'function' ? a : typeof b === 'function' ? b : undefined) as ((e?: Error | null) => void) | undefined;
    if (typeof chunk !== 'string') {
      // Not how the adapter writes; kept in order behind what this turn queued.
      if (queue.length) flush();
      return write(chunk, cb);
    }
    if (!queue.length) soon(flush);
    queue.push(chunk);
    if (cb) callbacks.push(cb);
    return true;
  };
  turnEnds.set(out, flush);
  return out;
}
