// Export a function's config space as `lspci -xxxx` text, the form real
// `lspci -F file` reads back (pciutils lib/dump.c: a "[DDDD:]BB:DD.F ..." header line,
// then "OFF: xx xx ..." lines of 16 bytes; lspci itself prints offsets with "%02x",
// which gives 3 digits from 0x100 up). One blank line ends the device.

/** Anything with a config-read method, e.g. PciFunction from ./function. */
export interface ConfigReadable {
  cfgRead(offset: number, size: 1 | 2 | 4): number;
}

/**
 * `source` is either raw config bytes (exported at their own length: 64, 256 or 4096)
 * or a function model (exported as its full 4096-byte config space).
 */
export function exportLspci(source: Uint8Array | ConfigReadable, address: string, title?: string): string {
  const bytes = source instanceof Uint8Array ? source : readAll(source);
  const vendor = bytes.length >= 2 ? bytes[0]! | (bytes[1]! << 8) : 0xffff;
  const device = bytes.length >= 4 ? bytes[2]! | (bytes[3]! << 8) : 0xffff;
  const head = title ?? `Device ${hex(vendor, 4)}:${hex(device, 4)}`;
  const out: string[] = [`${address} ${head.replace(/[\r\n]+/g, ' ')}`];
  const len = bytes.length - (bytes.length % 16);
  for (let off = 0; off < len; off += 16) {
    let line = `${hex(off, 2)}:`;
    for (let i = 0; i < 16; i++) line += ` ${hex(bytes[off + i]!, 2)}`;
    out.push(line);
  }
  return out.join('\n') + '\n\n';
}

function readAll(fn: ConfigReadable): Uint8Array {
  const b = new Uint8Array(4096);
  for (let off = 0; off < 4096; off += 4) {
    const v = fn.cfgRead(off, 4) >>> 0;
    b[off] = v & 0xff;
    b[off + 1] = (v >>> 8) & 0xff;
    b[off + 2] = (v >>> 16) & 0xff;
    b[off + 3] = v >>> 24;
  }
  return b;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
