// Typed vPCI wire messages (protocol.md §2). Field names are camelCase forms of the
// Linux/FreeBSD C struct members (linux drivers/pci/controller/pci-hyperv.c,
// freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c), spelled out where the C name
// is an abbreviation (v_id → vendorId, prog_intf → progIf, ser → serialNumber).
// Optional `reserved*` members are written as 0 when absent; decoders always fill them.

export type WireErrorCode = 'too-short' | 'too-long' | 'unknown-type' | 'count-out-of-range' | 'bad-field';
export type WireError = { code: WireErrorCode; message: string; offset?: number };
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: WireError };

export interface FieldDesc {
  name: string;
  offset: number;
  size: number;
  value: number | bigint | string;
  text: string;
  children?: FieldDesc[];
}

/** pci_function_description (20 bytes), protocol.md §2.5. */
export interface FunctionDescription {
  vendorId: number;
  deviceId: number;
  revision: number;
  progIf: number;
  subclass: number;
  baseClass: number;
  /** u32: low 16 bits subsystem vendor ID, high 16 bits subsystem ID. */
  subsystemId: number;
  winSlot: number;
  serialNumber: number;
}

/** pci_function_description2 (28 bytes): v1 + flags, virtual_numa_node, reserved. */
export interface FunctionDescription2 extends FunctionDescription {
  /** bit 0 = HV_PCI_DEVICE_FLAG_NUMA_AFFINITY */
  flags: number;
  virtualNumaNode: number;
  reserved?: number;
}

/** hv_msi_desc (16 bytes). */
export interface HvMsiDesc {
  vector: number;
  deliveryMode: number;
  vectorCount: number;
  reserved?: number;
  cpuMask: bigint;
}

/** hv_msi_desc2 (70 bytes packed): processor_count is processorArray.length. */
export interface HvMsiDesc2 {
  vector: number;
  deliveryMode: number;
  vectorCount: number;
  processorArray: number[];
}

/** hv_msi_desc3 (74 bytes packed): 32-bit vector. */
export interface HvMsiDesc3 {
  vector: number;
  deliveryMode: number;
  reserved?: number;
  vectorCount: number;
  processorArray: number[];
}

/** tran_int_desc / OpenVMM MsiResourceRemapped (16 bytes). */
export interface TranIntDesc {
  reserved?: number;
  vectorCount: number;
  data: number;
  address: bigint;
}

/** CM_PARTIAL_RESOURCE_DESCRIPTOR as packed on the wire (20 bytes), protocol.md §2.3. */
export interface PartialResourceDescriptor {
  type: number;
  shareDisposition: number;
  flags: number;
  start: bigint;
  /** Raw length field; for MEMORY_LARGE shifted by the LARGE_* flag (see resourceLength). */
  length: number;
  reserved?: number;
}

export type OpaqueMessageType = 'PCI_INVALIDATE_DEVICE' | 'PCI_INVALIDATE_BUS' | 'PCI_QUERY_STOP' | 'PCI_REENABLE' | 'PCI_QUERY_STOP_FAILED';

export type VpciMessage =
  | { type: 'PCI_BUS_RELATIONS'; devices: FunctionDescription[] }
  | { type: 'PCI_BUS_RELATIONS2'; devices: FunctionDescription2[] }
  | { type: 'PCI_QUERY_BUS_RELATIONS' }
  | { type: OpaqueMessageType; body: Uint8Array }
  | { type: 'PCI_POWER_STATE_CHANGE'; wslot: number; powerState: number; reserved?: number }
  | { type: 'PCI_QUERY_RESOURCE_REQUIREMENTS'; wslot: number }
  | { type: 'PCI_QUERY_RESOURCE_RESOURCES'; wslot: number; reserved?: [bigint, bigint, bigint] }
  | { type: 'PCI_BUS_D0ENTRY'; reserved?: number; mmioBase: bigint }
  | { type: 'PCI_BUS_D0EXIT' }
  | { type: 'PCI_READ_BLOCK'; blockId: number; wslot: number; bytesRequested: number }
  | {
      type: 'PCI_WRITE_BLOCK';
      blockId: number;
      wslot: number;
      bytes: Uint8Array;
      /** Encode only: 4 zero bytes after the data, as Linux sends them (blocks.ts); the decoder ignores bytes past byte_count. */
      linuxReserved?: boolean;
    }
  | { type: 'PCI_EJECT'; wslot: number }
  | { type: 'PCI_EJECTION_COMPLETE'; wslot: number; status?: number }
  | {
      type: 'PCI_RESOURCES_ASSIGNED';
      wslot: number;
      memoryRange: PartialResourceDescriptor[];
      reserved?: number;
      msiDescriptors: HvMsiDesc[];
      /** Bytes after the MSI array (Linux/FreeBSD's reserved words), kept for byte-exact re-encoding. */
      tail?: Uint8Array;
    }
  | {
      type: 'PCI_RESOURCES_ASSIGNED2';
      wslot: number;
      memoryRange: PartialResourceDescriptor[];
      reserved?: number;
      msiDescriptors: HvMsiDesc2[];
      tail?: Uint8Array;
    }
  | {
      type: 'PCI_RESOURCES_ASSIGNED3';
      wslot: number;
      memoryRange: PartialResourceDescriptor[];
      reserved?: number;
      msiDescriptors: HvMsiDesc3[];
      tail?: Uint8Array;
    }
  | { type: 'PCI_RESOURCES_RELEASED'; wslot: number }
  | { type: 'PCI_INVALIDATE_BLOCK'; wslot: number; blockMask: bigint }
  | { type: 'PCI_QUERY_PROTOCOL_VERSION'; version: number; reserved?: number }
  | { type: 'PCI_CREATE_INTERRUPT_MESSAGE'; wslot: number; intDesc: HvMsiDesc }
  | { type: 'PCI_CREATE_INTERRUPT_MESSAGE2'; wslot: number; intDesc: HvMsiDesc2 }
  | { type: 'PCI_CREATE_INTERRUPT_MESSAGE3'; wslot: number; intDesc: HvMsiDesc3 }
  | { type: 'PCI_DELETE_INTERRUPT_MESSAGE'; wslot: number; intDesc: TranIntDesc }
  | { type: 'PCI_DELETE_INTERRUPT_MESSAGE2'; wslot: number; intDesc: TranIntDesc }
  | { type: 'PCI_RESET_DEVICE'; wslot: number }
  | { type: 'PCI_TDISP_COMMAND'; wslot: number; data: Uint8Array };

export type VpciMessageType = VpciMessage['type'];
export type MessageOf<T extends VpciMessageType> = Extract<VpciMessage, { type: T }>;

/** Completion payloads (protocol.md §2.4); the layout is chosen by the request type. */
export type VpciCompletion =
  | { kind: 'empty' }
  | { kind: 'status'; status: number }
  | { kind: 'version'; status: number; version: number }
  | { kind: 'resourceRequirements'; status: number; probedBar: number[] }
  | { kind: 'createInterrupt'; status: number; reserved?: number; intDesc: TranIntDesc }
  | {
      kind: 'resourcesAssigned';
      status: number;
      wslot: number;
      memoryRange: PartialResourceDescriptor[];
      /** As sent: OpenVMM counts every requested MSI, the array omits those with vector_count 0 (protocol.md §9.3 quirk). */
      msiResourceCount: number;
      reserved?: number;
      msiResources: TranIntDesc[];
    }
  | { kind: 'resourceList'; version: number; revision: number; resources: PartialResourceDescriptor[] }
  | { kind: 'powerState'; status: number; wslot: number; resultantState: number; reserved?: number }
  | { kind: 'readBlock'; status: number; bytes: Uint8Array }
  | { kind: 'tdisp'; status: number; wslot: number; data: Uint8Array };

export type CompletionKind = VpciCompletion['kind'];
