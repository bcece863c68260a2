// The catalog devices a scenario can name in `function N <id>`, for the
// checker and completion: id, title, and a one-line detail (PCI ids, BARs,
// interrupts) from emulator/pci/catalog.ts.
import { catalogEntry, catalogIds } from '../pci/catalog';

export interface DeviceName {
  id: string;
  title: string;
  detail: string;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

function sizeText(n: number): string {
  for (const [u, f] of [['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]] as const) if (n >= f && n % f === 0) return `${n / f}${u}`;
  return String(n);
}

export function CATALOG_DEVICES(): DeviceName[] {
  const out: DeviceName[] = [];
  for (const id of catalogIds()) {
    const e = catalogEntry(id);
    if (!e) continue;
    const bars = e.bars.map((b) => `${b.index === 'rom' ? 'ROM' : `BAR${b.index}`} ${sizeText(b.size)}`);
    const parts = [`[${hex4(e.vendorId)}:${hex4(e.deviceId)}]`, ...bars, e.interrupts].filter(Boolean);
    out.push({ id, title: e.title, detail: `${parts.join(', ')}. ${e.description}` });
  }
  return out;
}
