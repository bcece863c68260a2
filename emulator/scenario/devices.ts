// The catalog devices a scenario can name in `function N <id>`, for the
// checker and completion: id, title, and a one-line detail (PCI ids, BARs,
// interrupts) from emulator/pci/catalog.ts.
import { catalogEntry, catalogIds } from '../pci/catalog';
import { hexDigits, sizeText } from '../format';

export interface DeviceName {
  id: string;
  title: string;
  detail: string;
}

const hex4 = (n: number): string => hexDigits(n, 4);

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
