// Sub-structures shared by several messages (protocol.md §2.3, §2.5, §3): function
// descriptions, MSI descriptors v1/v2/v3, tran_int_desc, partial resource descriptors.

import { MAX_PROCESSORS, statusText, wslotText, versionText, messageName } from '../protocol';
import { Reader, Writer, hex, dec, hexDec, type Fmt } from './codec';
import type { FunctionDescription, FunctionDescription2, HvMsiDesc, HvMsiDesc2, HvMsiDesc3, PartialResourceDescriptor, TranIntDesc } from './types';

export const fmtWslot: Fmt = (v) => `${hex(8)(v)} (${wslotText(Number(v))})`;
export const fmtStatus: Fmt = (v) => statusText(Number(v));
export const fmtVersion: Fmt = (v) => `${hex(8)(v)} (${versionText(Number(v))})`;
export const fmtType: Fmt = (v) => `${hex(8)(v)} (${messageName(Number(v)) ?? 'unknown'})`;

export const FUNCTION_DESCRIPTION_SIZE = 20;
export const FUNCTION_DESCRIPTION2_SIZE = 28;
export const HV_MSI_DESC_SIZE = 16;
export const HV_MSI_DESC2_SIZE = 70;
export const HV_MSI_DESC3_SIZE = 74;
export const TRAN_INT_DESC_SIZE = 16;
export const PARTIAL_RESOURCE_SIZE = 20;

// ---- function descriptions ----

export function readFunctionDescription(r: Reader): FunctionDescription {
  return {
    vendorId: r.u16(0, 'v_id', hex(4)),
    deviceId: r.u16(2, 'd_id', hex(4)),
    revision: r.u8(4, 'rev', hex(2)),
    progIf: r.u8(5, 'prog_intf', hex(2)),
    subclass: r.u8(6, 'subclass', hex(2)),
    baseClass: r.u8(7, 'base_class', hex(2)),
    subsystemId: r.u32(8, 'subsystem_id', (v) => `${hex(8)(v)} (subsystem vendor ${hex(4)(Number(v) & 0xffff)}, subsystem ${hex(4)(Number(v) >>> 16)})`),
    winSlot: r.u32(12, 'win_slot', fmtWslot),
    serialNumber: r.u32(16, 'ser', hexDec(8)),
  };
}

export function readFunctionDescription2(r: Reader): FunctionDescription2 {
  const d = readFunctionDescription(r);
  return {
    ...d,
    flags: r.u32(20, 'flags', (v) => `${hex(8)(v)}${Number(v) & 1 ? ' (NUMA_AFFINITY)' : ''}`),
    virtualNumaNode: r.u16(24, 'virtual_numa_node', dec),
    reserved: r.u16(26, 'reserved'),
  };
}

export function writeFunctionDescription(w: Writer, off: number, d: FunctionDescription): void {
  w.u16(off, d.vendorId)
    .u16(off + 2, d.deviceId)
    .u8(off + 4, d.revision)
    .u8(off + 5, d.progIf)
    .u8(off + 6, d.subclass)
    .u8(off + 7, d.baseClass);
  w.u32(off + 8, d.subsystemId)
    .u32(off + 12, d.winSlot)
    .u32(off + 16, d.serialNumber);
}

export function writeFunctionDescription2(w: Writer, off: number, d: FunctionDescription2): void {
  writeFunctionDescription(w, off, d);
  w.u32(off + 20, d.flags)
    .u16(off + 24, d.virtualNumaNode)
    .u16(off + 26, d.reserved ?? 0);
}

export function functionText(d: FunctionDescription): string {
  return `${hex(4)(d.vendorId).slice(2).toLowerCase()}:${hex(4)(d.deviceId).slice(2).toLowerCase()} slot ${wslotText(d.winSlot)} ser ${d.serialNumber}`;
}

// ---- MSI descriptors ----

const fmtDelivery: Fmt = (v) => `${v} (${v === 0 ? 'fixed' : v === 1 ? 'lowest-priority' : 'invalid'})`;

export function readHvMsiDesc(r: Reader): HvMsiDesc {
  return {
    vector: r.u8(0, 'vector', hexDec(2)),
    deliveryMode: r.u8(1, 'delivery_mode', fmtDelivery),
    vectorCount: r.u16(2, 'vector_count', dec),
    reserved: r.u32(4, 'reserved'),
    cpuMask: r.u64(8, 'cpu_mask'),
  };
}

export function writeHvMsiDesc(w: Writer, off: number, d: HvMsiDesc): void {
  w.u8(off, d.vector)
    .u8(off + 1, d.deliveryMode)
    .u16(off + 2, d.vectorCount)
    .u32(off + 4, d.reserved ?? 0)
    .u64(off + 8, d.cpuMask);
}

/** processor_count at +pc, array at +pc+2. Returns undefined when processor_count > 32. */
function readProcessors(r: Reader, pc: number): number[] | undefined {
  const n = r.u16(pc, 'processor_count', dec);
  if (n > MAX_PROCESSORS) return undefined;
  return r.group(
    'processor_array',
    pc + 2,
    2 * MAX_PROCESSORS,
    () => Array.from({ length: n }, (_, i) => r.u16(2 * i, `[${i}]`, dec)),
    (a) => `[${a.join(', ')}]`,
  );
}

export function readHvMsiDesc2(r: Reader): HvMsiDesc2 | undefined {
  const vector = r.u8(0, 'vector', hexDec(2));
  const deliveryMode = r.u8(1, 'delivery_mode', fmtDelivery);
  const vectorCount = r.u16(2, 'vector_count', dec);
  const processorArray = readProcessors(r, 4);
  return processorArray && { vector, deliveryMode, vectorCount, processorArray };
}

export function readHvMsiDesc3(r: Reader): HvMsiDesc3 | undefined {
  const vector = r.u32(0, 'vector', hexDec(8));
  const deliveryMode = r.u8(4, 'delivery_mode', fmtDelivery);
  const reserved = r.u8(5, 'reserved');
  const vectorCount = r.u16(6, 'vector_count', dec);
  const processorArray = readProcessors(r, 8);
  return processorArray && { vector, deliveryMode, reserved, vectorCount, processorArray };
}

export function writeHvMsiDesc2(w: Writer, off: number, d: HvMsiDesc2): void {
  w.u8(off, d.vector)
    .u8(off + 1, d.deliveryMode)
    .u16(off + 2, d.vectorCount)
    .u16(off + 4, d.processorArray.length);
  d.processorArray.slice(0, MAX_PROCESSORS).forEach((c, i) => w.u16(off + 6 + 2 * i, c));
}

export function writeHvMsiDesc3(w: Writer, off: number, d: HvMsiDesc3): void {
  w.u32(off, d.vector)
    .u8(off + 4, d.deliveryMode)
    .u8(off + 5, d.reserved ?? 0)
    .u16(off + 6, d.vectorCount)
    .u16(off + 8, d.processorArray.length);
  d.processorArray.slice(0, MAX_PROCESSORS).forEach((c, i) => w.u16(off + 10 + 2 * i, c));
}

export function msiText(d: { vector: number; vectorCount: number; deliveryMode: number; processorArray?: number[]; cpuMask?: bigint }): string {
  const cpus = d.processorArray ? `cpus [${d.processorArray.join(',')}]` : `cpu_mask ${hex(16)(d.cpuMask ?? 0n)}`;
  return `vector 0x${d.vector.toString(16)} ×${d.vectorCount} mode ${d.deliveryMode} ${cpus}`;
}

export function readTranIntDesc(r: Reader): TranIntDesc {
  return {
    reserved: r.u16(0, 'reserved'),
    vectorCount: r.u16(2, 'vector_count', dec),
    data: r.u32(4, 'data'),
    address: r.u64(8, 'address'),
  };
}

export function writeTranIntDesc(w: Writer, off: number, d: TranIntDesc): void {
  w.u16(off, d.reserved ?? 0)
    .u16(off + 2, d.vectorCount)
    .u32(off + 4, d.data)
    .u64(off + 8, d.address);
}

export function tranText(d: TranIntDesc): string {
  return `address ${hex(8)(d.address)} data ${hex(8)(d.data)} ×${d.vectorCount}`;
}

// ---- partial resource descriptors (protocol.md §2.3; openvmm vpci_protocol `PartialResourceDescriptor`) ----

export const CM_RESOURCE_TYPE = { NULL: 0, PORT: 1, INTERRUPT: 2, MEMORY: 3, DMA: 4, DEVICE_SPECIFIC: 5, BUS_NUMBER: 6, MEMORY_LARGE: 7 } as const;
export const CM_RESOURCE_MEMORY_LARGE_40 = 0x200;
export const CM_RESOURCE_MEMORY_LARGE_48 = 0x400;
export const CM_RESOURCE_MEMORY_LARGE_64 = 0x800;
const RES_NAMES = ['NULL', 'PORT', 'INTERRUPT', 'MEMORY', 'DMA', 'DEVICE_SPECIFIC', 'BUS_NUMBER', 'MEMORY_LARGE'];

export function readPartialResource(r: Reader): PartialResourceDescriptor {
  return {
    type: r.u8(0, 'type', (v) => `${v} (${RES_NAMES[Number(v)] ?? 'unknown'})`),
    shareDisposition: r.u8(1, 'share_disposition', dec),
    flags: r.u16(2, 'flags'),
    start: r.u64(4, 'start'),
    length: r.u32(12, 'length'),
    reserved: r.u32(16, 'reserved'),
  };
}

export function writePartialResource(w: Writer, off: number, d: PartialResourceDescriptor): void {
  w.u8(off, d.type)
    .u8(off + 1, d.shareDisposition)
    .u16(off + 2, d.flags)
    .u64(off + 4, d.start)
    .u32(off + 12, d.length)
    .u32(off + 16, d.reserved ?? 0);
}

/**
 * The byte length a memory descriptor stands for: MEMORY → length; MEMORY_LARGE →
 * length << 8/16/32 by flag; MEMORY_LARGE without a LARGE flag → undefined (OpenVMM
 * `InvalidMmio`); any other type → 0n ("no resource").
 */
export function resourceLength(d: PartialResourceDescriptor): bigint | undefined {
  if (d.type === CM_RESOURCE_TYPE.MEMORY) return BigInt(d.length >>> 0);
  if (d.type !== CM_RESOURCE_TYPE.MEMORY_LARGE) return 0n;
  if (d.flags & CM_RESOURCE_MEMORY_LARGE_40) return BigInt(d.length >>> 0) << 8n;
  if (d.flags & CM_RESOURCE_MEMORY_LARGE_48) return BigInt(d.length >>> 0) << 16n;
  if (d.flags & CM_RESOURCE_MEMORY_LARGE_64) return BigInt(d.length >>> 0) << 32n;
  return undefined;
}

/** OpenVMM's encoding of an MMIO range (protocol.md §2.3): 0 → all-zero; < 2^32 MEMORY; else MEMORY_LARGE, length rounded up. */
export function memoryResource(start: bigint, len: bigint): PartialResourceDescriptor {
  if (len <= 0n) return { type: 0, shareDisposition: 0, flags: 0, start: 0n, length: 0, reserved: 0 };
  if (len < 1n << 32n) return { type: CM_RESOURCE_TYPE.MEMORY, shareDisposition: 0, flags: 0, start, length: Number(len), reserved: 0 };
  const [shift, flag] =
    len < 1n << 40n ? [8n, CM_RESOURCE_MEMORY_LARGE_40] : len < 1n << 48n ? [16n, CM_RESOURCE_MEMORY_LARGE_48] : [32n, CM_RESOURCE_MEMORY_LARGE_64];
  return { type: CM_RESOURCE_TYPE.MEMORY_LARGE, shareDisposition: 0, flags: flag, start, length: Number(((len - 1n) >> shift) + 1n), reserved: 0 };
}

export function resourceText(d: PartialResourceDescriptor): string {
  if (d.type === 0 && d.start === 0n && d.length === 0) return 'none';
  const len = resourceLength(d);
  return `${RES_NAMES[d.type] ?? `type ${d.type}`} start ${hex(8)(d.start)} length ${len === undefined ? 'invalid (no LARGE flag)' : hex(1)(len)}`;
}

export const EMPTY_RESOURCE: PartialResourceDescriptor = { type: 0, shareDisposition: 0, flags: 0, start: 0n, length: 0, reserved: 0 };

export { fmtDelivery, statusText };
