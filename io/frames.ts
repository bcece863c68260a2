// Content-Length framing (`Content-Length: N\r\n\r\n` + N bytes of JSON), the wire format DAP and
// LSP share, read in time linear in the message size and with limits. A malformed frame is
// reported (a problem named in one line, and a refusal when the broken frame still reveals which
// request it was) and reading resynchronises at the next header. Raw `Content-Length: N` followed
// by a blank line can never occur inside valid JSON (outside a string the letters are not JSON,
// inside one a raw line break is not), so finding one inside a body proves its declared length
// wrong, and reading resumes there at once. A frame that stops arriving is looked at after a quiet
// moment (IDLE_MS): what can still complete waits (a slow sender is never cut short), what cannot
// is reported. fuzz/frames.ts checks that every good frame is read whatever broken ones surround
// it. What a message must be is the protocol's (FrameRules): adapter/framing.ts reads DAP with it,
// language/node-platform.ts LSP over stdio.
import { clip } from '../emulator/format';

/** Longest header block accepted (a header is ~20 bytes). */
export const HEADER_LIMIT = 8 * 1024;
/** Bytes of a broken frame kept to recover the request it was. */
const SALVAGE_LIMIT = 64 * 1024;
/** Bytes of input with no valid frame after which the reader gives up (a TCP client is told, then detached). */
export const GARBAGE_LIMIT = 1024 * 1024;
/** A frame still incomplete after this long with no new bytes is looked at as it stands. */
export const IDLE_MS = 1000;

/** A request a broken frame still names: its id and what it asked (DAP: seq and command; LSP: id and method). */
export interface FramedRequest {
  id: number | string;
  name: string;
}

/** What a protocol makes of a frame's JSON. */
export interface FrameRules {
  /** Its name, in problems ("bytes that are not a DAP header"). */
  protocol: string;
  /** Largest message body accepted. */
  bodyLimit: number;
  /** Why a JSON object is not a message of the protocol, in one line; undefined when it is one. */
  check(m: Record<string, unknown>): string | undefined;
  /** The request a JSON object is, if it is one that can be answered with an error. */
  requestOf(m: Record<string, unknown>): FramedRequest | undefined;
}

export interface FrameHooks {
  /** A well-formed message, and its bytes as they came (a view, valid during the call when the chunk was transient). */
  message(m: Record<string, unknown>, raw: Buffer): void;
  /** A malformed frame, said once when it is found: what was wrong, in one line. */
  problem(message: string): void;
  /** A broken frame whose JSON still says which request it was: answer it with an error. */
  refuse?(request: FramedRequest, message: string): void;
  /** Too much input with no valid frame in it. */
  garbage?(bytes: number): void;
  /** Timers (injectable for tests). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?(t: unknown): void;
}

/** The start of the header every client writes (a string: this module loads in VS Code for the Web too, where there is no Buffer). */
const PLAIN_PREFIX = 'Content-Length: ';

// `Content-Length: 12` then a blank line, as raw bytes (latin1 keeps one character per byte).
const HEADER_AT = /Content-Length[ \t]*:[ \t]*[0-9]+[ \t]*\r\n(?:[^\r\n]+\r\n)*?\r\n/;
const HEADER_START = /Content-Length[ \t]*:/;
/** The header's name, and perhaps blanks, at the very end of what has come (its colon not yet). */
const HEADER_NAME_AT_END = /Content-Length[ \t]*$/;

type State =
  | { kind: 'header' }
  | { kind: 'body'; length: number }
  /** After a problem: skipping to the next header (what is skipped is kept, up to a limit, to recover the request). */
  | { kind: 'resync'; why: string };

/** Reads Content-Length frames from byte chunks by a protocol's rules; see the file comment. */
export class Framer {
  private chunks: Buffer[] = [];
  private size = 0;
  private state: State = { kind: 'header' };
  /** Bytes since the last valid frame. */
  private garbage = 0;
  private timer: unknown;

  constructor(
    private readonly rules: FrameRules,
    private readonly hooks: FrameHooks,
  ) {}

  /**
   * Reads a chunk. `transient`: its memory is reused once this returns (RawInput), so what is left
   * of it unread is copied — only that, so a large message arriving in many reads is copied once.
   */
  push(chunk: Buffer, transient = false): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.garbage += chunk.length;
    this.drain();
    if (transient) {
      // Views of this read can only be the last chunks kept (what came before is copied or joined
      // already): scanning back to the first that is not one keeps many small reads linear.
      const mem = chunk.buffer;
      for (let i = this.chunks.length - 1; i >= 0 && this.chunks[i]!.buffer === mem; i--) this.chunks[i] = Buffer.from(this.chunks[i]!);
    }
    this.arm();
  }

  /** The input ended: whatever is left is a broken frame. */
  end(): void {
    this.disarm();
    this.settle(true);
  }

  private buffer(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const b = this.buffer();
    const out = b.subarray(0, n);
    this.chunks = n < b.length ? [b.subarray(n)] : [];
    this.size -= n;
    return out;
  }

  private drain(): void {
    for (;;) {
      const s = this.state;
      if (s.kind === 'header') {
        if (!this.readHeader()) return;
      } else if (s.kind === 'body') {
        if (!this.readBody(s)) return;
      } else if (!this.resync(s)) return;
    }
  }

  /** Enters resynchronisation after a problem, which is reported now. */
  private broken(why: string): void {
    this.hooks.problem(why);
    this.state = { kind: 'resync', why };
  }

  private readHeader(): boolean {
    if (!this.size) return false;
    const b = this.buffer();
    // What every client sends, `Content-Length: N` and a blank line, read from the bytes (no text
    // made, no pattern run: this is every request of every step); anything else takes the general path.
    const fast = this.plainHeader(b);
    if (fast > 0) {
      const length = this.fastLength;
      if (length > 0 && length <= this.rules.bodyLimit) {
        this.take(fast);
        this.state = { kind: 'body', length };
        return true;
      }
    }
    const end = b.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.size > HEADER_LIMIT) {
        this.broken(`a header longer than ${HEADER_LIMIT} bytes without the blank line that ends it`);
        return true;
      }
      // Input that does not start like a header: look for one now rather than wait for a blank line.
      const text = b.toString('latin1', 0, Math.min(b.length, 64)).replace(/^[\r\n]+/, '');
      if (text.length >= 16 && !/^[A-Za-z-]+[ \t]*:/.test(text)) {
        this.broken(`bytes that are not a ${this.rules.protocol} header: ${quoteShort(text)}`);
        return true;
      }
      return false;
    }
    if (end > HEADER_LIMIT) {
      this.broken(`a header longer than ${HEADER_LIMIT} bytes`);
      return true;
    }
    const headerText = b.toString('latin1', 0, end);
    let length: number | undefined;
    let bad: string | undefined;
    for (const line of headerText.split('\r\n')) {
      if (line === '') continue; // a stray line break before the header
      const f = headerField(line);
      if (!f) {
        bad = `a header line that is not "Name: value": ${quoteShort(line)}`;
        break;
      }
      if (f.name !== 'content-length') continue;
      if (!BYTE_COUNT.test(f.value)) {
        bad = `Content-Length ${quoteShort(f.value)} is not a byte count`;
        break;
      }
      length = Number(f.value);
    }
    if (!bad && length === undefined) bad = `a header without Content-Length: ${quoteShort(headerText)}`;
    if (!bad && length! > this.rules.bodyLimit) bad = `Content-Length ${length} is over the ${this.rules.bodyLimit}-byte limit`;
    if (!bad && length === 0) bad = 'Content-Length 0 (an empty message)';
    if (bad) {
      // A real header may start anywhere after this one's first byte ("junkContent-Length: 5"): resync looks.
      this.keep(this.take(1));
      this.broken(bad);
      return true;
    }
    this.take(end + 4);
    this.state = { kind: 'body', length: length! };
    return true;
  }

  /** The Content-Length the last plainHeader() read. */
  private fastLength = 0;

  /**
   * If `b` starts with exactly `Content-Length: N\r\n\r\n` (N: 1 to 12 digits), the header's size
   * (N is left in fastLength); else 0.
   */
  private plainHeader(b: Buffer): number {
    const p = PLAIN_PREFIX.length;
    if (b.length < p + 5) return 0;
    for (let i = 0; i < p; i++) if (b[i] !== PLAIN_PREFIX.charCodeAt(i)) return 0;
    let n = 0;
    let i = p;
    for (; i < b.length && i < p + 12; i++) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    if (i === p || i + 4 > b.length || b[i] !== 0x0d || b[i + 1] !== 0x0a || b[i + 2] !== 0x0d || b[i + 3] !== 0x0a) return 0;
    this.fastLength = n;
    return i + 4;
  }

  private readBody(s: Extract<State, { kind: 'body' }>): boolean {
    // Chunks are only gathered until the body is complete, then joined once: linear in its size.
    if (this.size < s.length) return false;
    const body = this.take(s.length);
    let msg: unknown;
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch (e) {
      const h = findHeader(body);
      if (h >= 0) {
        // The declared length was too long: the next frame starts inside it.
        this.tooLong(s.length, body.subarray(0, h));
        this.unshift(body.subarray(h));
        return true;
      }
      // Too short a Content-Length (the rest of the JSON follows), or not JSON at all: skip to the
      // next header. A length too long by less than a header may also have cut the next frame's
      // header in two ("…}Content-Leng" | "th: 57…"): what could be its start goes back in front of
      // the unread bytes, so resynchronising finds the whole header there.
      const tail = partialHeaderStart(body);
      this.keep(body.subarray(0, tail));
      this.broken(`a message body that is not JSON (${e instanceof Error ? e.message : String(e)})`);
      this.unshift(body.subarray(tail));
      return true;
    }
    this.state = { kind: 'header' };
    this.deliver(msg, body);
    return true;
  }

  /** A frame whose Content-Length ran past its message: reported, and its request refused. */
  private tooLong(declared: number, message: Buffer): void {
    const why = `Content-Length ${declared} is longer than the message, which ends after ${message.length} bytes`;
    this.hooks.problem(why);
    this.salvage(message, why);
    this.state = { kind: 'header' };
  }

  /** Puts bytes back in front of the unread ones. */
  private unshift(b: Buffer): void {
    if (!b.length) return;
    this.chunks.unshift(b);
    this.size += b.length;
  }

  /** Broken bytes kept while resynchronising, to recover the request they were (keptBytes in all). */
  private kept: Buffer[] = [];
  private keptBytes = 0;

  private resync(s: Extract<State, { kind: 'resync' }>): boolean {
    if (!this.size) return false;
    const b = this.buffer();
    const at = findHeader(b);
    if (at < 0) {
      // A header may be arriving split across chunks: keep a tail that could be its start.
      this.keep(this.take(partialHeaderStart(b)));
      return false;
    }
    this.keep(this.take(at));
    this.endResync(s.why);
    return true;
  }

  private endResync(why: string): void {
    this.salvage(Buffer.concat(this.kept), why);
    this.kept = [];
    this.keptBytes = 0;
    this.state = { kind: 'header' };
  }

  private keep(b: Buffer): void {
    // A copy: `b` may be a view of a transient chunk (push).
    if (this.keptBytes < SALVAGE_LIMIT && b.length) {
      const piece = Buffer.from(b.subarray(0, SALVAGE_LIMIT - this.keptBytes));
      this.kept.push(piece);
      this.keptBytes += piece.length;
    }
    if (this.garbage > GARBAGE_LIMIT) {
      this.garbage = 0;
      this.hooks.garbage?.(GARBAGE_LIMIT);
    }
  }

  /** If a broken frame's bytes still parse as a request, that request is refused (it gets an error response). */
  private salvage(bytes: Buffer, why: string): void {
    if (!this.hooks.refuse) return;
    const text = bytes.toString('utf8').trim();
    if (!text.startsWith('{')) return;
    try {
      // The request may be followed by junk ("…}garbage"): its own object is what is read.
      const m = JSON.parse(firstObject(text) ?? text) as unknown;
      const r = m && typeof m === 'object' && !Array.isArray(m) ? this.rules.requestOf(m as Record<string, unknown>) : undefined;
      if (r) this.hooks.refuse(r, why);
    } catch {
      /* not recoverable: the problem was reported */
    }
  }

  private deliver(msg: unknown, raw: Buffer): void {
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
      this.hooks.problem(`a message that is not a JSON object (${Array.isArray(msg) ? 'an array' : msg === null ? 'null' : typeof msg})`);
      return;
    }
    const m = msg as Record<string, unknown>;
    const problem = this.rules.check(m);
    if (problem !== undefined) {
      this.hooks.problem(problem);
      // A message that still names a request (an id and a command the protocol can address) is
      // answered with an error too: its sender waits for that answer.
      const r = this.rules.requestOf(m);
      if (r) this.hooks.refuse?.(r, problem);
      return;
    }
    this.garbage = 0;
    this.hooks.message(m, raw);
  }

  // ---- an incomplete frame that stops arriving -------------------------------------------------

  private arm(): void {
    this.disarm();
    if (this.state.kind === 'header' && !this.size) return;
    const set = this.hooks.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms).unref());
    this.timer = set(() => this.settle(false), IDLE_MS);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    (this.hooks.clearTimer ?? ((t: unknown) => clearTimeout(t as NodeJS.Timeout)))(this.timer);
    this.timer = undefined;
  }

  /**
   * Nothing more came for a moment (or the input has ended): what is left is settled as far as it
   * can be now, pass by pass, in a loop: several broken frames in a row (each Content-Length too
   * long, the next header inside) are all settled in the same moment, and the frames whole after
   * them read, however many there are.
   */
  private settle(ended: boolean): void {
    this.timer = undefined;
    while (this.settlePass(ended));
  }

  /**
   * One pass of settle(): a frame still incomplete is looked at as it stands. What can
   * still become a frame waits (a slow sender is not cut short): a header arriving (its name, its
   * colon, its value), a body that is not yet a whole message. What cannot is broken: a body that
   * holds a whole message and more (a Content-Length too long, on the last request or before
   * junk), bytes that are not a header. When the input has ended, nothing more can come.
   * Returns whether it took something off the front and left more to look at (another pass).
   */
  private settlePass(ended: boolean): boolean {
    const s = this.state;
    if (s.kind === 'body') {
      if (!this.size) {
        // A header and not one byte of its message: only the end of the input settles it.
        if (ended) {
          this.state = { kind: 'header' };
          this.hooks.problem(`the input ended inside a message: 0 of its ${s.length} bytes came`);
        }
        return false;
      }
      const b = this.buffer();
      // A header inside: the declared length was too long and the next frame has begun.
      const h = findHeader(b);
      if (h >= 0) {
        this.tooLong(s.length, this.take(h));
        return this.goOn();
      }
      // A whole message, perhaps with more after it (junk, the start of the next header): the
      // declared length was too long. What follows it is read again as what comes next.
      const end = completeJson(b) ? b.length : messageEnd(b);
      if (end < 0) {
        if (!ended) return false;
        this.take(this.size);
        this.state = { kind: 'header' };
        this.hooks.problem(`the input ended inside a message: ${b.length} of its ${s.length} bytes came`);
        return false;
      }
      this.tooLong(s.length, this.take(end));
      return this.goOn();
    } else if (s.kind === 'resync') {
      // Up to what could be the start of the next header (it may be arriving slowly), unless the input has ended.
      const b = this.buffer();
      const keepFrom = ended ? b.length : partialHeaderStart(b);
      this.keep(this.take(keepFrom));
      this.endResync(s.why);
      return this.goOn();
    }
    if (this.size) {
      const b = this.buffer();
      if (!ended && headerArriving(b)) return false;
      // Junk, up to what could still be the start of a header after it (not at its first byte:
      // what starts there was just found wanting).
      const junk = this.take(ended ? b.length : 1 + partialHeaderStart(b.subarray(1)));
      this.hooks.problem(`bytes that are not a ${this.rules.protocol} header: ${quoteShort(junk.toString('latin1', 0, 40))}`);
      return this.goOn();
    }
    return false;
  }

  /**
   * After a pass of settle() took a broken part off the front: the rest is read as it stands (the
   * frames in it that are whole), and what is left then gets another pass. Each pass that comes
   * here has taken bytes or a header off the front, so the passes end.
   */
  private goOn(): boolean {
    this.drain();
    return this.size > 0 || this.state.kind === 'body';
  }
}

/** The first JSON object of `text` (which starts with '{'), found by its braces outside strings; undefined when it does not close. Linear. */
function firstObject(text: string): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return text.slice(0, i + 1);
  }
  return undefined;
}

/**
 * Where the whole JSON object a body starts with ends (its bytes, and the blanks after it) when
 * more follows it; -1 when the body does not start with a whole object. Read as Latin-1, one
 * character per byte: the braces, quotes and backslashes that delimit JSON are ASCII, which no
 * byte of a multi-byte UTF-8 character is, so the offsets are the bytes' even when the text is not
 * valid UTF-8 or a character is cut at the end.
 */
function messageEnd(b: Buffer): number {
  const text = b.toString('latin1');
  let lead = 0;
  while (lead < text.length && JSON_BLANK.test(text[lead]!)) lead++;
  if (text.charCodeAt(lead) !== 0x7b) return -1;
  const obj = firstObject(text.slice(lead));
  if (obj === undefined) return -1;
  let end = lead + obj.length;
  while (end < text.length && JSON_BLANK.test(text[end]!)) end++;
  return end;
}
/** The whitespace JSON allows between tokens (RFC 8259 section 2). */
const JSON_BLANK = /^[ \t\r\n]$/;

/**
 * Whether bytes still waiting for their blank line can become a header: complete lines of
 * `Name: value`, then the start of one (its name and colon, perhaps part of its value; or the start
 * of Content-Length or Content-Type), within the limit. A Content-Length whose value is already
 * not a byte count ("Content-Length: abc") cannot.
 */
function headerArriving(b: Buffer): boolean {
  if (b.length > HEADER_LIMIT) return false;
  const lines = b
    .toString('latin1')
    .replace(/^[\r\n]+/, '')
    .split('\r\n');
  const last = lines.pop()!;
  for (const line of lines) if (!headerLine(line, true)) return false;
  // A line's end or the blank line under way, or a line with its name and colon.
  if (last === '' || last === '\r' || headerLine(last.endsWith('\r') ? last.slice(0, -1) : last, false)) return true;
  // A name without its colon yet: only the start of one of the protocol's own (Content-Length, Content-Type).
  const name = last.toLowerCase();
  return 'content-length'.startsWith(name) || 'content-type'.startsWith(name);
}

/** A header line's name (lower case) and value (without the blanks around it), or undefined when it is not `Name: value`. */
function headerField(line: string): { name: string; value: string } | undefined {
  const m = /^([A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(line);
  return m ? { name: m[1]!.toLowerCase(), value: m[2]! } : undefined;
}

/** A Content-Length value: a byte count of 1 to 12 digits (the body limit is checked apart). */
const BYTE_COUNT = /^[0-9]{1,12}$/;

/** Whether a header line (`complete`: its line break has come) is, or can still become, `Name: value`. */
function headerLine(line: string, complete: boolean): boolean {
  const f = headerField(line);
  if (!f) return false;
  // A value still arriving may have no digit yet.
  return f.name !== 'content-length' || BYTE_COUNT.test(f.value) || (!complete && f.value === '');
}

function completeJson(b: Buffer): boolean {
  try {
    JSON.parse(b.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Position of a complete `Content-Length: N` header block in b, or -1. */
function findHeader(b: Buffer): number {
  // Scan for the letters first (cheap), then check the header form there.
  let i = 0;
  for (;;) {
    const at = b.indexOf(NEEDLE, i, 'latin1');
    if (at < 0) return -1;
    const text = b.toString('latin1', at, Math.min(b.length, at + HEADER_LIMIT));
    if (HEADER_AT.exec(text)?.index === 0) return at;
    i = at + 1;
  }
}

/** The header's name as every DAP and LSP client writes it. */
const NEEDLE = 'Content-Length';

/** Where a header that has begun but not finished may start near the end of b (b.length when none). */
function partialHeaderStart(b: Buffer): number {
  const from = Math.max(0, b.length - HEADER_LIMIT);
  const text = b.toString('latin1', from);
  const m = HEADER_START.exec(text) ?? HEADER_NAME_AT_END.exec(text);
  if (m) return from + m.index;
  // "Conte" at the very end could become a header.
  for (let k = Math.min(NEEDLE.length - 1, b.length); k > 0; k--) if (NEEDLE.startsWith(b.toString('latin1', b.length - k))) return b.length - k;
  return b.length;
}

/** A piece of input for a one-line message: JSON-quoted, cut to 40 characters. */
export function quoteShort(s: string): string {
  return JSON.stringify(clip(s));
}
