// Resource messages (protocol.md §2.5, §5):
//  PCI_QUERY_RESOURCE_REQUIREMENTS (0x05) type, win_slot (8 bytes)
//  PCI_QUERY_RESOURCE_RESOURCES (0x06, OpenVMM GET_RESOURCES) type, win_slot, 3 × u64 reserved (32 bytes)
//  PCI_RESOURCES_ASSIGNED / 2 / 3 (0x10 / 0x16 / 0x1A) (openvmm vpci_protocol `DeviceTranslate`):
//    type @0, win_slot @4, 6 × 20-byte partial resource descriptors @8, msi count @128,
//    reserved u32 @132, then count MSI slots @136 of 16 (v1) / 72 (v2) / 80 (v3) bytes.
//    Linux/FreeBSD send 148 (v1) or 202 (v2) bytes with count 0 (pci-hyperv.c
//    struct pci_resources_assigned{,2}); the bytes after the MSI array are kept as `tail`.
//  PCI_RESOURCES_RELEASED (0x11) type, win_slot (8 bytes)

import { MSG, MAX_MSI_RESOURCES, PCI_BAR_COUNT } from '../protocol';
import { fail, ok, needBytes, messageWriter, dec, type MessageCodec, type Reader, type Writer } from './codec';
import {
  PARTIAL_RESOURCE_SIZE,
  readPartialResource,
  writePartialResource,
  resourceText,
  readHvMsiDesc,
  readHvMsiDesc2,
  readHvMsiDesc3,
  writeHvMsiDesc,
  writeHvMsiDesc2,
  writeHvMsiDesc3,
  msiText,
  fmtWslot,
  EMPTY_RESOURCE,
  HV_MSI_DESC_SIZE,
} from './common';
import type { Decoded, MessageOf, PartialResourceDescriptor } from './types';

export const DEVICE_TRANSLATE_HEADER = 136;
export const MSI_SLOT_SIZE = { v1: HV_MSI_DESC_SIZE, v2: 72, v3: 80 } as const;

function wslotOnly<T extends 'PCI_QUERY_RESOURCE_REQUIREMENTS' | 'PCI_RESOURCES_RELEASED' | 'PCI_EJECT' | 'PCI_RESET_DEVICE'>(
  type: T,
): MessageCodec<{ type: T; wslot: number }> {
  return {
    decode(r) {
      const short = needBytes(r, 8, type);
      if (short) return { ok: false, error: short };
      return ok({ type, wslot: r.u32(4, 'wslot', fmtWslot) });
    },
    encode: (m) => messageWriter(MSG[type], 8).u32(4, m.wslot).b,
  };
}

export const queryResourceRequirements = wslotOnly('PCI_QUERY_RESOURCE_REQUIREMENTS');
export const resourcesReleased = wslotOnly('PCI_RESOURCES_RELEASED');
export const eject = wslotOnly('PCI_EJECT');
export const resetDevice = wslotOnly('PCI_RESET_DEVICE');

export const queryResourceResources: MessageCodec<MessageOf<'PCI_QUERY_RESOURCE_RESOURCES'>> = {
  decode(r) {
    const short = needBytes(r, 32, 'PCI_QUERY_RESOURCE_RESOURCES');
    if (short) return { ok: false, error: short };
    const wslot = r.u32(4, 'wslot', fmtWslot);
    const reserved: [bigint, bigint, bigint] = [r.u64(8, 'reserved[0]'), r.u64(16, 'reserved[1]'), r.u64(24, 'reserved[2]')];
    return ok({ type: 'PCI_QUERY_RESOURCE_RESOURCES', wslot, reserved });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_QUERY_RESOURCE_RESOURCES, 32).u32(4, m.wslot);
    (m.reserved ?? [0n, 0n, 0n]).forEach((x, i) => w.u64(8 + 8 * i, x));
    return w.b;
  },
};

/** The six BAR descriptors at `off` (shared with the completion layouts). */
export function readMemoryRanges(r: Reader, off: number, name = 'memory_range'): PartialResourceDescriptor[] {
  const out: PartialResourceDescriptor[] = [];
  for (let i = 0; i < PCI_BAR_COUNT; i++)
    out.push(r.group(`${name}[${i}]`, off + i * PARTIAL_RESOURCE_SIZE, PARTIAL_RESOURCE_SIZE, () => readPartialResource(r), resourceText));
  return out;
}

export function writeMemoryRanges(w: Writer, off: number, ranges: PartialResourceDescriptor[]): void {
  for (let i = 0; i < PCI_BAR_COUNT; i++) writePartialResource(w, off + i * PARTIAL_RESOURCE_SIZE, ranges[i] ?? EMPTY_RESOURCE);
}

type AssignedType = 'PCI_RESOURCES_ASSIGNED' | 'PCI_RESOURCES_ASSIGNED2' | 'PCI_RESOURCES_ASSIGNED3';

interface AssignedMsg<T extends AssignedType, D> {
  type: T;
  wslot: number;
  memoryRange: PartialResourceDescriptor[];
  reserved?: number;
  msiDescriptors: D[];
  tail?: Uint8Array;
}

function assigned<T extends AssignedType, D>(
  type: T,
  slot: number,
  read: (r: Reader) => D | undefined,
  write: (w: Writer, off: number, d: D) => void,
  text: (d: D) => string,
): MessageCodec<AssignedMsg<T, D>> {
  return {
    decode(r): Decoded<AssignedMsg<T, D>> {
      const short = needBytes(r, DEVICE_TRANSLATE_HEADER, type);
      if (short) return { ok: false, error: short };
      const wslot = r.u32(4, 'wslot', fmtWslot);
      const memoryRange = readMemoryRanges(r, 8);
      const n = r.u32(128, 'msi_descriptor_count', dec);
      const reserved = r.u32(132, 'reserved');
      if (n > MAX_MSI_RESOURCES) return fail('count-out-of-range', `${type}: ${n} MSI descriptors, at most ${MAX_MSI_RESOURCES}`, 128);
      if (DEVICE_TRANSLATE_HEADER + n * slot > r.length) {
        return fail(
          'count-out-of-range',
          `${type}: ${n} MSI descriptors of ${slot} bytes need ${DEVICE_TRANSLATE_HEADER + n * slot} bytes, got ${r.length}`,
          128,
        );
      }
      const msiDescriptors: D[] = [];
      for (let i = 0; i < n; i++) {
        const d = r.group(
          `msi_descriptors[${i}]`,
          DEVICE_TRANSLATE_HEADER + i * slot,
          slot,
          () => read(r),
          (x) => (x ? text(x) : 'invalid'),
        );
        if (!d) return fail('count-out-of-range', `${type}: MSI descriptor ${i} has processor_count above 32`, DEVICE_TRANSLATE_HEADER + i * slot);
        msiDescriptors.push(d);
      }
      const end = DEVICE_TRANSLATE_HEADER + n * slot;
      const tail = r.bytes(end, r.length - end, 'reserved (tail)');
      return ok({ type, wslot, memoryRange, reserved, msiDescriptors, tail });
    },
    encode(m) {
      const tail = m.tail ?? new Uint8Array(0);
      const n = m.msiDescriptors.length;
      const w = messageWriter(MSG[type], DEVICE_TRANSLATE_HEADER + n * slot + tail.length).u32(4, m.wslot);
      writeMemoryRanges(w, 8, m.memoryRange);
      w.u32(128, n).u32(132, m.reserved ?? 0);
      m.msiDescriptors.forEach((d, i) => write(w, DEVICE_TRANSLATE_HEADER + i * slot, d));
      w.bytes(DEVICE_TRANSLATE_HEADER + n * slot, tail);
      return w.b;
    },
  };
}

export const resourcesAssigned = assigned('PCI_RESOURCES_ASSIGNED', MSI_SLOT_SIZE.v1, readHvMsiDesc, writeHvMsiDesc, msiText);
export const resourcesAssigned2 = assigned('PCI_RESOURCES_ASSIGNED2', MSI_SLOT_SIZE.v2, readHvMsiDesc2, writeHvMsiDesc2, msiText);
export const resourcesAssigned3 = assigned('PCI_RESOURCES_ASSIGNED3', MSI_SLOT_SIZE.v3, readHvMsiDesc3, writeHvMsiDesc3, msiText);
