// Host-side reading of guest requests and building of host replies, by the
// payload offsets of protocol.md §2.3–§2.5 (linux drivers/pci/controller/pci-hyperv.c
// structs; openvmm vm/devices/pci/vpci_protocol/src/lib.rs). Readers never
// throw: a payload too short for its type yields a PacketTooSmall error.

import { MSG, PCI_MESSAGE_BASE } from '../protocol';
import { Writer } from '../wire/codec';
import { memoryResource, resourceLength, writePartialResource } from '../wire/common';
export { Writer };

export const BASE = PCI_MESSAGE_BASE;

/** Little-endian reader over a payload with bounds checks. */
export class Reader {
  private readonly v: DataView;
  constructor(readonly b: Uint8Array) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  get length(): number {
    return this.b.length;
  }
  u8(o: number): number {
    return o + 1 <= this.b.length ? this.v.getUint8(o) : 0;
  }
  u16(o: number): number {
    return o + 2 <= this.b.length ? this.v.getUint16(o, true) : 0;
  }
  u32(o: number): number {
    return o + 4 <= this.b.length ? this.v.getUint32(o, true) : 0;
  }
  u64(o: number): bigint {
    return o + 8 <= this.b.length ? this.v.getBigUint64(o, true) : 0n;
  }
}

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

/** Reads an MSI descriptor of version 1, 2 or 3 at offset o. */
export function readMsiDesc(r: Reader, o: number, ver: 1 | 2 | 3): MsiDesc {
  if (ver === 1) {
    const mask = r.u64(o + 8);
    const cpus: number[] = [];
    for (let i = 0; i < 64; i++) if ((mask >> BigInt(i)) & 1n) cpus.push(i);
    return { vector: r.u8(o), deliveryMode: r.u8(o + 1), vectorCount: r.u16(o + 2), cpus, cpuCount: cpus.length };
  }
  const p = ver === 2 ? o + 4 : o + 8;
  const count = r.u16(p);
  const cpus: number[] = [];
  for (let i = 0; i < Math.min(count, 32); i++) cpus.push(r.u16(p + 2 + 2 * i));
  return ver === 2
    ? { vector: r.u8(o), deliveryMode: r.u8(o + 1), vectorCount: r.u16(o + 2), cpus, cpuCount: count }
    : { vector: r.u32(o), deliveryMode: r.u8(o + 4), vectorCount: r.u16(o + 6), cpus, cpuCount: count };
}

export type MmioRange = { start: bigint; length: bigint } | null | { error: string };

/**
 * One 20-byte partial resource descriptor → memory range, null for "no resource", or InvalidMmio (protocol.md §2.3;
 * OV-D `MmioResource::from_protocol`), by the codec's reading of the length (wire/common.ts resourceLength).
 */
export function readResource(r: Reader, o: number): MmioRange {
  const d = { type: r.u8(o), shareDisposition: 0, flags: r.u16(o + 2), start: r.u64(o + 4), length: r.u32(o + 12) };
  const len = resourceLength(d);
  if (len === undefined) return { error: 'InvalidMmio: MEMORY_LARGE descriptor without a LARGE flag' };
  return len === 0n ? null : { start: d.start, length: len };
}

/** Writes a memory range as OpenVMM does (OV-D `MmioResource::to_protocol`; wire/common.ts memoryResource). */
export function writeResource(w: Writer, o: number, start: bigint, len: bigint): void {
  writePartialResource(w, o, memoryResource(start, len));
}
