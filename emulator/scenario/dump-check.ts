// A light check of an lspci dump's text used by the scenario checker: a
// `[DDDD:]BB:DD.F description` header followed by `OFFSET: xx xx …` hex rows
// (the `lspci -x/-xxx/-xxxx` layout that `lspci -F` reads; pciutils lib/dump.c).
// Returns null if usable, else the first problem and its line.

const HEADER = /^((?:[0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.[0-7])\s/;
const ROW = /^([0-9a-fA-F]+):((?:\s+[0-9a-fA-F]{2})+)\s*$/;

function sameAddress(a: string, b: string): boolean {
  const norm = (x: string): string => {
    const parts = x.toLowerCase().split(':');
    if (parts.length === 2) parts.unshift('0000');
    return parts.map((p) => p.padStart(p.includes('.') ? 4 : 2, '0')).join(':');
  };
  return norm(a) === norm(b);
}

export function checkLspciText(text: string, select?: string): { line?: number; message: string } | null {
  const lines = text.split('\n');
  const devices: { address: string; line: number; bytes: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/\r$/, '');
    const h = HEADER.exec(l);
    if (h) {
      devices.push({ address: h[1]!, line: i + 1, bytes: 0 });
      continue;
    }
    const r = ROW.exec(l);
    if (r) {
      const cur = devices[devices.length - 1];
      if (!cur) return { line: i + 1, message: 'hex bytes before any device header line' };
      const off = parseInt(r[1]!, 16);
      if (off !== cur.bytes) return { line: i + 1, message: `hex row at offset 0x${off.toString(16)}, expected 0x${cur.bytes.toString(16)}` };
      cur.bytes += r[2]!.trim().split(/\s+/).length;
    }
  }
  if (!devices.length) return { message: 'no device header line (like "01:00.0 Ethernet controller: …")' };
  const d = select === undefined ? devices[0]! : devices.find((x) => sameAddress(x.address, select));
  if (!d) return { message: `no device ${select} in the dump (it has ${devices.map((x) => x.address).join(', ')})` };
  if (d.bytes < 64) return { line: d.line, message: `device ${d.address} has ${d.bytes} bytes of config space; at least 64 are needed` };
  return null;
}
