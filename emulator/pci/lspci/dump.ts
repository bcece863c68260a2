// Reading a dump the way `lspci -F file` does (pciutils v3.9.0 lib/dump.c dump_init): a line
// "[DDDD:]BB:DD.F " (address, then a space) starts a device; "OFF: xx xx …" lines store bytes
// from OFF on, in any order and of any count; an empty line ends the device; anything else
// (titles, -v text) is skipped. Bytes never given read as ff; the dump's length is one past
// the highest byte given. Devices come out in lspci's order (domain, bus, device, function).
// Where lspci stops with "dump: Malformed line" this returns the line and the reason.

export interface LspciDumpDevice {
  domain: number;
  bus: number;
  dev: number;
  func: number;
  /** "[DDDD:]BB:DD.F" as lspci prints it (the domain only when the dump has one that is not 0). */
  address: string;
  bytes: Uint8Array;
  /** The 1-based line of its header, for a message about it (lspci names no lines). */
  line: number;
}

export type LspciDumpResult = { ok: true; devices: LspciDumpDevice[] } | { ok: false; line: number; message: string };

const HEADER = /^(?:([0-9a-fA-F]{4,5}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-9a-fA-F]) /;
const DATA = /^([0-9a-fA-F]{2,8}): /;

/**
 * A device's bytes so far, grown to hold offset `i`: to 64, 256 or 4096 bytes (the sizes lspci -x,
 * -xxx and -xxxx print), the new ones ff. Ours: lspci gives every device 4096 bytes at its header;
 * here a 16 MiB dump of a million headers took 4 KB each (gigabytes) before printing anything.
 */
function grown(data: Uint8Array, i: number): Uint8Array {
  const g = new Uint8Array(i < 64 ? 64 : i < 256 ? 256 : 4096).fill(0xff);
  g.set(data);
  return g;
}

export function parseLspciDump(text: string): LspciDumpResult {
  const found: { domain: number; bus: number; dev: number; func: number; data: Uint8Array; len: number; line: number }[] = [];
  let cur: (typeof found)[number] | undefined;
  const lines = text.split('\n');
  // The piece after the last line end: empty, or a last line without one.
  const unterminated = lines.pop() !== '';
  if (unterminated) lines.push(text.slice(text.lastIndexOf('\n') + 1));
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    // fgets(buf, 255): a line (its \r included) of more than 253 bytes, or the last one without
    // its line end, is not read whole, and dump_init stops there.
    // A zero byte ends the C string before its line end, which strchr then does not find.
    if (line.length > 253 || (unterminated && n === lines.length - 1) || line.includes('\0'))
      return { ok: false, line: n + 1, message: 'dump: line too long or unterminated' };
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const h = HEADER.exec(line);
    if (h && /^[0-9]$/.test(h[4]!)) {
      cur = {
        domain: h[1] ? parseInt(h[1], 16) : 0,
        bus: parseInt(h[2]!, 16),
        dev: parseInt(h[3]!, 16),
        func: Number(h[4]),
        data: new Uint8Array(0),
        len: 0,
        line: n + 1,
      };
      found.push(cur);
      continue;
    }
    if (line === '') {
      cur = undefined;
      continue;
    }
    const m = DATA.exec(line);
    if (!cur || !m) continue;
    let i = parseInt(m[1]!, 16);
    let z = line.indexOf(' ') + 1;
    const hex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
    while (hex(line[z]) && hex(line[z + 1]) && (z + 2 >= line.length || line[z + 2] === ' ')) {
      // sscanf's %x into an int: from 80000000 up the offset is negative, lspci's i >= 4096 check
      // passes and it writes before its buffer (undefined: lspci 3.9.0 crashes or prints garbage).
      if (parseInt(m[1]!, 16) >= 0x80000000)
        return {
          ok: false,
          line: n + 1,
          message: `dump: offset ${m[1]!} is negative to lspci 3.9.0, which writes before its buffer there (undefined: it crashes)`,
        };
      if (i >= 4096) return { ok: false, line: n + 1, message: 'dump: At most 4096 bytes of config space are supported' };
      if (i >= cur.data.length) cur.data = grown(cur.data, i);
      cur.data[i++] = parseInt(line.slice(z, z + 2), 16);
      if (i > cur.len) cur.len = i;
      z += 2;
      if (z < line.length) z++;
    }
    if (z < line.length) return { ok: false, line: n + 1, message: 'dump: Malformed line' };
  }
  found.sort((a, b) => a.domain - b.domain || a.bus - b.bus || a.dev - b.dev || a.func - b.func);
  const domains = found.some((f) => f.domain !== 0);
  const h2 = (v: number): string => v.toString(16).padStart(2, '0');
  return {
    ok: true,
    devices: found.map((f) => ({
      domain: f.domain,
      bus: f.bus,
      dev: f.dev,
      func: f.func,
      address: `${domains ? `${f.domain.toString(16).padStart(4, '0')}:` : ''}${h2(f.bus)}:${h2(f.dev)}.${f.func}`,
      bytes: f.data.slice(0, f.len),
      line: f.line,
    })),
  };
}
