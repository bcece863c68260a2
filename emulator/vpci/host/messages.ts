// Host-side reading of guest requests and building of host replies, by the
// payload offsets of protocol.md §2.3–§2.5 (linux drivers/pci/controller/pci-hyperv.c
// structs; openvmm vm/devices/pci/vpci_protocol/src/lib.rs), through the wire codec's
// Reader and field decoders, not recording. Readers never throw: a read past the end is 0.

import { MSG, PCI_MESSAGE_BASE } from '../protocol';
import { Reader, Writer } from '../wire/codec';
import {
  HV_MSI_DESC_SIZE,
  HV_MSI_DESC2_SIZE,
  HV_MSI_DESC3_SIZE,
  memoryResource,
  readHvMsiDesc,
  readHvMsiDesc2,
  readHvMsiDesc3,
  readPartialResource,
  resourceLength,
  writePartialResource,
} from '../wire/common';
export { Reader, Writer };

export const BASE = PCI_MESSAGE_BASE;

/** PCI_EJECT, host→guest: type, win_slot. */
export function ejectMessage(wslot: number): Uint8Array {
  return new Writer(8).u32(0, MSG.PCI_EJECT).u32(4, wslot).b;
}

export function statusOnly(status: number): Uint8Array {
  return new Writer(4).u32(0, status).b;
}

/** Decoded hv_msi_desc v1/v2/v3 (protocol.md §2.3). */
export interface MsiDesc {
  vector: number;
  deliveryMode: number;
  vectorCount: number;
  /** Target VPs (v1: the set bits of cpu_mask). */
  cpus: number[];
  /** v2/v3 processor_count, v1 popcount of the mask. */
  cpuCount: number;
}

/** Reads an MSI descriptor of version 1, 2 or 3 at offset o (wire/common.ts readHvMsiDesc, 2, 3). */
export function readMsiDesc(r: Reader, o: number, ver: 1 | 2 | 3): MsiDesc {
  return r.group('msi', o, ver === 1 ? HV_MSI_DESC_SIZE : ver === 2 ? HV_MSI_DESC2_SIZE : HV_MSI_DESC3_SIZE, () => {
    if (ver === 1) {
      const d = readHvMsiDesc(r);
      const cpus: number[] = [];
      for (let i = 0; i < 64; i++) if ((d.cpuMask >> BigInt(i)) & 1n) cpus.push(i);
      return { vector: d.vector, deliveryMode: d.deliveryMode, vectorCount: d.vectorCount, cpus, cpuCount: cpus.length };
    }
    const d = ver === 2 ? readHvMsiDesc2(r) : readHvMsiDesc3(r);
    if (d) return { vector: d.vector, deliveryMode: d.deliveryMode, vectorCount: d.vectorCount, cpus: d.processorArray, cpuCount: d.processorArray.length };
    // No descriptor for a processor_count above 32: its vector_count and that count are what the host checks.
    const p = ver === 2 ? 2 : 6;
    return { vector: 0, deliveryMode: 0, vectorCount: r.u16(p, 'vector_count'), cpus: [], cpuCount: r.u16(p + 2, 'processor_count') };
  });
}

export type MmioRange = { start: bigint; length: bigint } | null | { error: string };

/**
 * One 20-byte partial resource descriptor → memory range, null for "no resource", or InvalidMmio (protocol.md §2.3;
 * OV-D `MmioResource::from_protocol`), by the codec's reading of the length (wire/common.ts resourceLength).
 */
export function readResource(r: Reader, o: number): MmioRange {
  const d = r.group('resource', o, 20, () => readPartialResource(r));
  const len = resourceLength(d);
  if (len === undefined) return { error: 'InvalidMmio: MEMORY_LARGE descriptor without a LARGE flag' };
  return len === 0n ? null : { start: d.start, length: len };
}

/** Writes a memory range as OpenVMM does (OV-D `MmioResource::to_protocol`; wire/common.ts memoryResource). */
export function writeResource(w: Writer, o: number, start: bigint, len: bigint): void {
  writePartialResource(w, o, memoryResource(start, len));
}
