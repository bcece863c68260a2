// The request structs the guest drivers fill in, byte for byte as their C
// declarations lay them out (freebsd-src vmbus_pcib.c, linux pci-hyperv.c):
// the exact sizes each guest sends (12-byte version request from FreeBSD,
// 148/202-byte all-zero RESOURCES_ASSIGNED, 78-byte CREATE_INTERRUPT2 …). The
// host decodes them with the protocol codec in ../wire, so every guest message
// is cross-checked against the reference decoder.

import { MSG } from '../protocol';
import { Writer } from '../wire/codec';

/** struct pci_version_request: FreeBSD adds a 32-bit reserved word (12 bytes); Linux sends 8. */
export function queryProtocolVersion(version: number, opts: { reservedWord?: number } = {}): Uint8Array {
  const s = new Writer(opts.reservedWord === undefined ? 8 : 12).u32(0, MSG.PCI_QUERY_PROTOCOL_VERSION).u32(4, version);
  if (opts.reservedWord !== undefined) s.u32(8, opts.reservedWord);
  return s.b;
}

/** struct pci_message: the type alone. */
export function queryBusRelations(): Uint8Array {
  return new Writer(4).u32(0, MSG.PCI_QUERY_BUS_RELATIONS).b;
}

export function d0Exit(): Uint8Array {
  return new Writer(4).u32(0, MSG.PCI_BUS_D0EXIT).b;
}

/** struct pci_bus_d0_entry: type, reserved, mmio_base (16 bytes). */
export function d0Entry(mmioBase: number): Uint8Array {
  return new Writer(16).u32(0, MSG.PCI_BUS_D0ENTRY).u64(8, mmioBase).b;
}

/** struct pci_child_message: type, win_slot (8 bytes). */
export function queryResourceRequirements(wslot: number): Uint8Array {
  return new Writer(8).u32(0, MSG.PCI_QUERY_RESOURCE_REQUIREMENTS).u32(4, wslot).b;
}

export function resourcesReleased(wslot: number): Uint8Array {
  return new Writer(8).u32(0, MSG.PCI_RESOURCES_RELEASED).u32(4, wslot).b;
}

/** struct pci_resources_assigned: type, wslot, 6 x 20-byte ranges, msi_descriptors, reserved[4] = 148 bytes, all zero. */
export function resourcesAssigned(wslot: number): Uint8Array {
  return new Writer(148).u32(0, MSG.PCI_RESOURCES_ASSIGNED).u32(4, wslot).b;
}

/** struct pci_resources_assigned2: type, wslot, 6 x 20-byte ranges, msi_descriptor_count, reserved[70] = 202 bytes. */
export function resourcesAssigned2(wslot: number): Uint8Array {
  return new Writer(202).u32(0, MSG.PCI_RESOURCES_ASSIGNED2).u32(4, wslot).b;
}

export interface MsiRequest {
  vector: number;
  deliveryMode: number;
  vectorCount: number;
}

/** struct pci_create_interrupt (v1): type, wslot, hv_msi_desc {vector u8, delivery u8, count u16, reserved u32, cpu_mask u64} = 24 bytes. */
export function createInterrupt(wslot: number, d: MsiRequest & { cpuMask: bigint }): Uint8Array {
  return new Writer(24).u32(0, MSG.PCI_CREATE_INTERRUPT_MESSAGE).u32(4, wslot).u8(8, d.vector).u8(9, d.deliveryMode).u16(10, d.vectorCount).u64(16, d.cpuMask)
    .b;
}

/** struct pci_create_interrupt2: type, wslot, hv_msi_desc2 {vector u8, delivery u8, count u16, processor_count u16, processor_array[32] u16} = 78 bytes. */
export function createInterrupt2(wslot: number, d: MsiRequest & { cpus: number[] }): Uint8Array {
  const s = new Writer(78)
    .u32(0, MSG.PCI_CREATE_INTERRUPT_MESSAGE2)
    .u32(4, wslot)
    .u8(8, d.vector)
    .u8(9, d.deliveryMode)
    .u16(10, d.vectorCount)
    .u16(12, d.cpus.length);
  d.cpus.slice(0, 32).forEach((c, i) => s.u16(14 + 2 * i, c));
  return s.b;
}

/** struct pci_create_interrupt3: type, wslot, hv_msi_desc3 {vector u32, delivery u8, reserved u8, count u16, processor_count u16, processor_array[32] u16} = 82 bytes. */
export function createInterrupt3(wslot: number, d: MsiRequest & { cpus: number[] }): Uint8Array {
  const s = new Writer(82)
    .u32(0, MSG.PCI_CREATE_INTERRUPT_MESSAGE3)
    .u32(4, wslot)
    .u32(8, d.vector)
    .u8(12, d.deliveryMode)
    .u16(14, d.vectorCount)
    .u16(16, d.cpus.length);
  d.cpus.slice(0, 32).forEach((c, i) => s.u16(18 + 2 * i, c));
  return s.b;
}

/**
 * struct pci_delete_interrupt: type, wslot, tran_int_desc {reserved u16, vector_count u16, data u32, address u64} = 24 bytes.
 * Both drivers send back the descriptor the host gave, reserved bytes and all (Linux hv_int_desc_free:
 * `int_pkt->int_desc = *int_desc`; FreeBSD: `int_pkt->int_desc = hid->desc`).
 */
export function deleteInterrupt(wslot: number, desc: { reserved?: number; vector_count: number; data: number; address: number }): Uint8Array {
  return new Writer(24)
    .u32(0, MSG.PCI_DELETE_INTERRUPT_MESSAGE)
    .u32(4, wslot)
    .u16(8, desc.reserved ?? 0)
    .u16(10, desc.vector_count)
    .u32(12, desc.data)
    .u64(16, desc.address).b;
}

/** struct pci_eject_response: type, wslot, status (12 bytes). */
export function ejectionComplete(wslot: number): Uint8Array {
  return new Writer(12).u32(0, MSG.PCI_EJECTION_COMPLETE).u32(4, wslot).b;
}
