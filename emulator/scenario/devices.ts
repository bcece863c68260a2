// The catalog devices a scenario can name in `function N <id>`, for the
// checker and completion: id, title, and a one-line detail (PCI ids, BARs,
// interrupts) from emulator/pci/catalog.ts.
import { catalogEntry, catalogIds, catalogTitle } from '../pci/catalog';
import { hexDigits, sizeText } from '../format';

export interface DeviceName {
  id: string;
  title: string;
  detail: string;
}

const hex4 = (n: number): string => hexDigits(n, 4);

/**
 * Every catalog device by id and title. A scenario check reads only the ids; the detail (which
 * needs each device's ids, and so builds the constructed ones) is made when first read, by
 * completion or hover.
 */
export function CATALOG_DEVICES(): DeviceName[] {
  return catalogIds().map((id) => {
    let detail: string | undefined;
    return {
      id,
      title: catalogTitle(id) ?? id,
      get detail() {
        return (detail ??= deviceDetail(id));
      },
    };
  });
}

function deviceDetail(id: string): string {
  const e = catalogEntry(id);
  if (!e) return '';
  const bars = e.bars.map((b) => `${b.index === 'rom' ? 'ROM' : `BAR${b.index}`} ${sizeText(b.size)}`);
  const parts = [`[${hex4(e.vendorId)}:${hex4(e.deviceId)}]`, ...bars, e.interrupts].filter(Boolean);
  return `${parts.join(', ')}. ${e.description}`;
}
