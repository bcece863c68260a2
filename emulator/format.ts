// How numbers, sizes, bytes and virtual time are written for people, in one
// place: the CLI, the debugger's views, hovers and the message sequence all
// use these, so a value reads the same wherever it appears. (How a duration is
// written *in a scenario* is the scenario language's business: lexer.ts.)

/** "1 expectation", "7 expectations": a count with its noun in the number it takes (plural: `one` + "s" unless given). */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * "1,234,567": a whole number as `toLocaleString('en-US')` writes it, without asking ICU, whose
 * first use in a process loads its locale data (~20 ms: what every CLI command paid for the
 * defaults in its usage text). A fraction is left to ICU (no message here has one).
 */
export function grouped(n: number): string {
  if (!Number.isInteger(n)) return n.toLocaleString('en-US');
  const digits = BigInt(n < 0 ? -n : n).toString();
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/**
 * Items of a list in a one-line message: the first eight, then how many more (ours). Every item of
 * a list of thousands (a dump's addresses, the files a shell glob gave) made a line of hundreds of
 * kilobytes.
 */
export function firstEight(items: readonly string[]): string {
  return `${items.slice(0, 8).join(', ')}${items.length > 8 ? `, … ${grouped(items.length - 8)} more` : ''}`;
}

/** `0x` + lower-case hex, zero-padded to `digits` digits. */
export function hex(n: number | bigint, digits = 0): string {
  return '0x' + hexDigits(n, digits);
}

/** Lower-case hex without a prefix, zero-padded to `digits` digits (negative numbers as their u32). */
export function hexDigits(n: number | bigint, digits = 0): string {
  const v = typeof n === 'bigint' ? n : n < 0 && n >= -0x8000_0000 ? n >>> 0 : Math.trunc(n);
  return v.toString(16).padStart(digits, '0');
}

/**
 * A size the way lspci prints BAR sizes: the largest unit that divides it evenly (512, 16K, 256M,
 * 1G). With `byteUnit`, a size below 1K says so ("512 B"), for places where a bare number could
 * be read as something else.
 */
export function sizeText(n: number, byteUnit = false): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let u = 0;
  while (u < units.length - 1 && n >= 1024 && n % 1024 === 0) {
    n /= 1024;
    u++;
  }
  return `${n}${units[u]}${byteUnit && u === 0 ? ' B' : ''}`;
}

export interface HexDumpOptions {
  /** First byte to show (rounded down to a row); default 0. */
  offset?: number;
  /** Bytes to show from `offset`; default to the end. */
  length?: number;
  /** Digits of the row address; default 4. */
  addressDigits?: number;
  /** Text before each row; default none. */
  indent?: string;
  /** Show the printable ASCII of each row after the bytes. */
  ascii?: boolean;
}

/** Rows of 16 bytes, `0010: 86 80 ed 10 …`, addresses relative to the start of `b`. */
export function hexDump(b: Uint8Array, o: HexDumpOptions = {}): string {
  const from = (o.offset ?? 0) & ~15;
  const to = Math.min(b.length, o.length !== undefined ? (o.offset ?? 0) + o.length : b.length);
  const lines: string[] = [];
  for (let i = from; i < to; i += 16) {
    const bytes = b.subarray(i, Math.min(i + 16, to));
    const row = Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(' ');
    const text = o.ascii ? `  ${row.padEnd(47)}  ${Array.from(bytes, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('')}` : ` ${row}`;
    lines.push(`${o.indent ?? ''}${i.toString(16).padStart(o.addressDigits ?? 4, '0')}:${text}`);
  }
  return lines.join('\n');
}

/** Bytes from a hex string (two digits a byte; anything else between them is ignored), as the views receive packets. */
export function bytesOfHex(text: string): Uint8Array {
  const s = text.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const TIME_UNITS = [
  { unit: 's', ns: 1_000_000_000, decimals: 9 },
  { unit: 'ms', ns: 1_000_000, decimals: 6 },
  { unit: 'µs', ns: 1_000, decimals: 3 },
] as const;

/**
 * Virtual time for people: in the largest unit not above it, exact to the
 * nanosecond, decimals in groups of three, trailing all-zero groups dropped —
 * `0 ns`, `500 ns`, `2 µs`, `5.007 100 ms`, `65 s`, `1.000 000 001 s`.
 */
export function formatTime(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const neg = ns < 0;
  const a = Math.round(Math.abs(ns));
  const u = TIME_UNITS.find((x) => a >= x.ns);
  if (!u) return `${neg ? '-' : ''}${a} ns`;
  const whole = Math.floor(a / u.ns);
  let frac = String(a - whole * u.ns).padStart(u.decimals, '0');
  while (frac.endsWith('000')) frac = frac.slice(0, -3);
  const groups = frac.match(/.{3}/g) ?? [];
  return `${neg ? '-' : ''}${whole}${groups.length ? '.' + groups.join(' ') : ''} ${u.unit}`;
}

/**
 * Virtual time as a scenario writes it (what the parser reads back: a quick fix, a completion), in
 * the largest unit that holds it whole: `0`, `6ms`, `1500us`. Not for people: formatTime is.
 */
export function timeLiteral(ns: number): string {
  if (ns === 0) return '0';
  const unit = [
    ['s', 1e9],
    ['ms', 1e6],
    ['us', 1e3],
  ].find(([, per]) => ns % (per as number) === 0);
  return unit ? String(ns / (unit[1] as number)) + (unit[0] as string) : String(ns) + 'ns';
}

/**
 * A piece of input in a one-line message: at most `max` characters, with … where it was cut. Never
 * between the two UTF-16 halves of one character: a lone half reaches a client as U+FFFD (a
 * breakpoint condition's 40th character an emoji was said as 'yyy…�…').
 */
export function clip(text: string, max = 40): string {
  if (text.length <= max) return text;
  const c = text.charCodeAt(max - 1);
  return `${text.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max)}…`;
}

/**
 * Characters a terminal would act on rather than show (C0 and C1 controls, DEL, the byte-order
 * mark, line and paragraph separators).
 */
// eslint-disable-next-line no-control-regex -- the control characters are what it matches
const CONTROLS = /[\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]/g;

/**
 * The longest text from outside (a word of a scenario, an argument, a method name) a message repeats
 * whole; a longer one — a scenario may hold a word of millions of characters, a command line an
 * argument of megabytes, which each message repeated on one line — is shown by its first and last
 * QUOTE_KEPT characters around an ellipsis, with its length. Ours: no real path comes near it
 * (PATH_MAX is 4,096 bytes on Linux, but paths people use are a few hundred characters at most).
 */
export const MAX_QUOTE = 512;
const QUOTE_KEPT = 100;

/** `i` moved back off the second half of a surrogate pair, so a cut there never splits a character. */
function cutAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && i > 0 ? i - 1 : i;
}

/**
 * A text from outside as a message repeats it, between `mark`s: whole up to MAX_QUOTE characters,
 * else shortened as MAX_QUOTE says (`'www…www' (10,485,760 characters)`). Every message that quotes
 * input (CLI, debug adapter, language server) cuts it here.
 */
export function shortText(text: string, mark = ''): string {
  if (text.length <= MAX_QUOTE) return mark + text + mark;
  return `${mark}${text.slice(0, cutAt(text, QUOTE_KEPT))}…${text.slice(cutAt(text, text.length - QUOTE_KEPT))}${mark} (${grouped(text.length)} characters)`;
}

/** `shortText` made safe to print (`visible`): how the CLI quotes an argument, a path or a value. */
export function shown(text: string, mark = ''): string {
  return shortText(visible(text), mark);
}

/**
 * Text from elsewhere (a message quoting input, a path) made safe to print: each control character
 * written as \xNN or \uNNNN, or, with `one`, replaced by that one character (so columns stay; a
 * tab then stays a tab, as a source excerpt keeps it to align its caret line).
 */
export function visible(text: string, one?: string): string {
  return text.replace(CONTROLS, (c) => {
    if (one !== undefined) return c === '\t' ? c : one;
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A byte that a C program writes as it is (lspci's `'A' + pin - 1` for an out-of-range interrupt
 * pin): ASCII as itself, a byte from 0x80 up as U+DC80–U+DCFF, a lone low surrogate no text
 * otherwise holds ("surrogateescape"). `textBytes` writes it back as that one byte; shown
 * anywhere else it is a replacement character, as a terminal shows such a byte.
 */
export function rawByteChar(b: number): string {
  const v = b & 0xff;
  return String.fromCharCode(v < 0x80 ? v : 0xdc00 + v);
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The length of the well-formed UTF-8 character at `i` (WHATWG Encoding's decoder: the second
 * byte's range after E0, ED, F0 and F4 excludes overlong forms, surrogates and code points past
 * U+10FFFF), or 0 where none starts (a stray or cut sequence).
 */
function utf8Length(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
  if (n <= 1) return n;
  if (i + n > b.length) return 0;
  const second = b[i + 1]!;
  if (second < (c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80) || second > (c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf)) return 0;
  for (let k = 2; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

/**
 * Bytes a C program wrote, as text: UTF-8 where it is valid, any other byte as its `rawByteChar`
 * (textBytes undoes it). Where the bytes are not all UTF-8, each character is decoded here into
 * UTF-16 units (never more units than bytes), made a string a slice at a time: a call of the
 * decoder per character took 40 s and 900 MB for a 17 MiB binary file given to `lspci -i`.
 */
export function textOfBytes(b: Uint8Array): string {
  try {
    return utf8Strict.decode(b);
  } catch {
    const units = new Uint16Array(b.length);
    let u = 0;
    for (let i = 0; i < b.length;) {
      const n = utf8Length(b, i);
      const c = b[i]!;
      if (n === 0) {
        units[u++] = 0xdc00 + c; // rawByteChar: a byte that starts no character is never ASCII
        i++;
        continue;
      }
      let cp = n === 1 ? c : c & (0xff >> (n + 1));
      for (let k = 1; k < n; k++) cp = (cp << 6) | (b[i + k]! & 0x3f);
      if (cp >= 0x10000) {
        units[u++] = 0xd800 + ((cp - 0x10000) >> 10);
        units[u++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      } else units[u++] = cp;
      i += n;
    }
    const parts: string[] = [];
    for (let at = 0; at < u; at += 8192) parts.push(String.fromCharCode.apply(null, units.subarray(at, Math.min(u, at + 8192)) as unknown as number[]));
    return parts.join('');
  }
}

/**
 * The bytes of a text as UTF-8, each `rawByteChar` as its own byte: written into one buffer (a
 * UTF-16 unit is at most 3 bytes), not a buffer per piece, which for a 16 MiB `lspci -i` file of
 * stray bytes was seconds and millions of buffers.
 */
export function textBytes(text: string): Uint8Array {
  let out: Uint8Array | undefined;
  let at = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A raw byte is a lone U+DC80–U+DCFF: not the second half of a surrogate pair.
    if (c < 0xdc80 || c > 0xdcff || (i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) continue;
    out ??= new Uint8Array(text.length * 3);
    if (from < i) at += utf8.encodeInto(text.slice(from, i), out.subarray(at)).written;
    out[at++] = c - 0xdc00;
    from = i + 1;
  }
  if (!out) return utf8.encode(text);
  if (from < text.length) at += utf8.encodeInto(text.slice(from), out.subarray(at)).written;
  return out.slice(0, at);
}
