// What a scenario declares about a bus and its functions, as plain data: the
// machine builds buses from it, and a snapshot can re-create a bus from it.
import type { PciFunction } from '../pci/function';

/** Where a function's config space comes from; plain data so a bus can be re-created from a snapshot. */
export type FunctionSource =
  | { kind: 'catalog'; id: string }
  | { kind: 'dump'; path: string; select?: string; bars: { index: number | 'rom'; size: number }[] };

export interface FunctionDecl {
  wslot: number;
  source: FunctionSource;
  serial: number;
  numaNode?: number;
}

export interface BusDecl {
  name: string;
  /** Instance GUID, canonical text. */
  instance: string;
  functions: FunctionDecl[];
  /** Virtual time of the `offer` event that introduces the bus (absent = present at boot). */
  offerAt?: number;
}

/** Builds PciFunction objects for a bus; injected so the machine has no hard catalog/file dependency. */
export type FunctionFactory = (src: FunctionSource) => PciFunction;
