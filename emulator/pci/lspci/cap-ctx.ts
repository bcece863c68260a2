// What every lspci capability printer is handed: the device, the output, the verbosity and the
// names, plus what pciutils' struct pci_dev carries for them (lib/pci.h). The standard list
// (caps.ts), HyperTransport (ht.ts), PCI Express (express.ts) and the extended list (ecaps.ts,
// ecaps-rc.ts, cxl.ts) all take it, so it lives on its own below them. Our code.

import type { Dev, Out } from './device';
import type { Names } from './names';

export interface CapCtx {
  d: Dev;
  out: Out;
  verbose: number;
  names: Names;
  /** p->vendor_id / p->device_id as the library read them. */
  vendor: number;
  device: number;
  /** Device and function numbers of the address (Link Capabilities 2 depends on them). */
  dev: number;
  func: number;
  /** p->base_addr[] (pci_generic_fill_info). */
  baseAddr: bigint[];
  sizes?: { index: number | 'rom'; size: number }[] | undefined;
}

/** A standard capability's printer: writes from after "[xx] " to the end of its lines. */
export type StdCapPrinter = (c: CapCtx, where: number, cap: number) => void;
