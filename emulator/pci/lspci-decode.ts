// `lspci` text for one function's config space: the model of pciutils 3.9.0's printing lives in
// ./lspci/ (index.ts for the header, caps.ts / express.ts / ht.ts for the capability list,
// ecaps*.ts and cxl.ts for the extended list, names.ts for pci.ids and hwdb lookups). This
// module keeps the entry points the adapter and the CLI use.

import { lspciText, type LspciBarSize, type LspciOptions } from './lspci/index';

export type DecodeBarSize = LspciBarSize;
export type DecodeOptions = LspciOptions;

/** `lspci -vvv` (or the verbosity / number options given) for these config bytes (64, 256 or 4096). */
export function decodeLspci(bytes: Uint8Array, opts: DecodeOptions): string {
  return lspciText(bytes, opts);
}

/** lspci's size format (show_size): the largest unit that divides evenly (K, M, G, T). */
export function formatSize(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let u = 0;
  while (u < units.length - 1 && n >= 1024 && n % 1024 === 0) {
    n /= 1024;
    u++;
  }
  return `${n}${units[u]}`;
}
