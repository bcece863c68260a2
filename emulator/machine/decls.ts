// What a scenario declares about a bus and its functions, as plain data: the
// machine builds buses from it, and a snapshot can re-create a bus from it.
// Also how a scenario's declarations become these decls (the defaults a bus
// block leaves out: instance GUID, serial numbers).
import type { PciFunction } from '../pci/function';
import type { BusDecl as AstBus, FunctionDeclAst } from '../scenario/ast';

/** Where a function's config space comes from; plain data so a bus can be re-created from a snapshot. */
export type FunctionSource = { kind: 'catalog'; id: string } | { kind: 'dump'; path: string; select?: string; bars: { index: number | 'rom'; size: number }[] };

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

/** FNV-1a over the name, spread into a version-4-shaped GUID: stable across runs and machines. */
export function guidFromName(name: string): string {
  const bytes: number[] = [];
  let h = 0x811c9dc5;
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${name}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    bytes.push(h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, (h >>> 24) & 0xff);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * OpenVMM reports the first 32 bits (Data1) of the instance GUID as a function's serial
 * (microsoft/openvmm vm/devices/pci/vpci/src/device.rs); our default serials count up from it.
 */
export function instanceData1(instance: string): number {
  return parseInt(instance.slice(0, 8), 16) >>> 0;
}

/** A function of a bus block (or a `plug` event) as the machine builds it. */
export function functionDeclOf(f: FunctionDeclAst, defaultSerial: number): FunctionDecl {
  const source: FunctionSource =
    f.source.kind === 'catalog'
      ? { kind: 'catalog', id: f.source.id.name }
      : {
          kind: 'dump',
          path: f.source.path,
          ...(f.source.select !== undefined ? { select: f.source.select } : {}),
          bars: f.source.bars.map((x) => ({ index: x.index, size: x.size })),
        };
  const d: FunctionDecl = { wslot: f.slot.wslot, source, serial: f.serial ?? defaultSerial >>> 0 };
  if (f.numa !== undefined) d.numaNode = f.numa;
  return d;
}

/** A bus block (or an `offer` event's bus) as the machine builds it; functions without `serial` get Data1 + their index. */
export function busDeclOf(b: AstBus, offerAt?: number): BusDecl {
  const instance = (b.instance?.guid ?? guidFromName(b.name.name)).toLowerCase();
  const data1 = instanceData1(instance);
  const d: BusDecl = { name: b.name.name, instance, functions: b.functions.map((f, i) => functionDeclOf(f, data1 + i)) };
  if (offerAt !== undefined) d.offerAt = offerAt;
  return d;
}
