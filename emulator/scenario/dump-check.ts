// The scenario checker's view of a dump file: does emulator/pci/lspci-import.ts
// read it, and does it hold the device a `select` names? Returns null if
// usable, else the first problem and its 1-based line.
import { importLspciText } from '../pci/lspci-import';

/** "01:00.0" and "0000:01:00.0" name the same device. */
export function sameAddress(a: string, b: string): boolean {
  const norm = (x: string): string => {
    const parts = x.toLowerCase().split(':');
    if (parts.length === 2) parts.unshift('0');
    const [dom, bus, df] = parts as [string, string, string];
    return `${parseInt(dom, 16)}:${parseInt(bus, 16)}:${df.replace(/^0+(?=\d\.)/, '')}`;
  };
  return norm(a) === norm(b);
}

export function checkLspciText(text: string, select?: string): { line?: number; message: string } | null {
  const r = importLspciText(text);
  if (!r.ok) return { line: r.error.line, message: r.error.message };
  if (r.devices.length === 0) return { message: 'no device in the dump' };
  if (select !== undefined && !r.devices.some((d) => sameAddress(d.address, select)))
    return { message: `no device ${select} in the dump (it has ${r.devices.map((d) => d.address).join(', ')})` };
  return null;
}
