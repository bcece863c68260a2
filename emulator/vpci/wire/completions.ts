// Completion payloads (protocol.md §2.4). A completion carries no type: its layout is
// the one of the request it answers (matched by transaction id), so the
// decoder takes the request type. Every layout starts with the NTSTATUS,
// except GET_RESOURCES (OpenVMM), which has none.
// A failure status may come alone (OpenVMM sends BAD_DATA as a bare status),
// so a payload shorter than the full layout decodes as { kind: 'status' } when
// its status is negative, and as 'too-short' when it claims success.

import { MSG, MAX_MSI_RESOURCES, MAXIMUM_PACKET_SIZE, HV_CONFIG_BLOCK_SIZE_MAX, PCI_BAR_COUNT, isFailure, messageLabel } from '../protocol';
import { Reader, Writer, fail, ok, hex, dec, type Fmt } from './codec';
import {
  fmtStatus,
  fmtVersion,
  fmtWslot,
  readTranIntDesc,
  writeTranIntDesc,
  tranText,
  TRAN_INT_DESC_SIZE,
  readPartialResource,
  writePartialResource,
  resourceText,
  PARTIAL_RESOURCE_SIZE,
  EMPTY_RESOURCE,
} from './common';
import { readMemoryRanges, writeMemoryRanges, DEVICE_TRANSLATE_HEADER } from './resources';
import { fmtPowerState } from './power';
import type { Decoded, VpciCompletion, CompletionKind } from './types';

/** Layout a completion to `requestType` has when the request succeeds. */
export function completionKindFor(requestType: number): CompletionKind {
  switch (requestType >>> 0) {
    case MSG.PCI_QUERY_PROTOCOL_VERSION:
      return 'version';
    case MSG.PCI_QUERY_RESOURCE_REQUIREMENTS:
      return 'resourceRequirements';
    case MSG.PCI_CREATE_INTERRUPT_MESSAGE:
    case MSG.PCI_CREATE_INTERRUPT_MESSAGE2:
    case MSG.PCI_CREATE_INTERRUPT_MESSAGE3:
      return 'createInterrupt';
    case MSG.PCI_RESOURCES_ASSIGNED:
    case MSG.PCI_RESOURCES_ASSIGNED2:
    case MSG.PCI_RESOURCES_ASSIGNED3:
      return 'resourcesAssigned';
    case MSG.PCI_QUERY_RESOURCE_RESOURCES:
      return 'resourceList';
    case MSG.PCI_POWER_STATE_CHANGE:
      return 'powerState';
    case MSG.PCI_READ_BLOCK:
      return 'readBlock';
    case MSG.PCI_TDISP_COMMAND:
      return 'tdisp';
    case MSG.PCI_QUERY_BUS_RELATIONS:
      return 'empty';
    default:
      return 'status';
  }
}

/** Size of each remapped-MSI entry in a RESOURCES_ASSIGNED reply: 16 for v1, 72 for v2 and v3 (protocol.md §2.4, §9.2). */
export function translateReplyMsiSize(requestType: number): number {
  return requestType >>> 0 === MSG.PCI_RESOURCES_ASSIGNED ? TRAN_INT_DESC_SIZE : 72;
}

/** Fixed size of each layout (resourcesAssigned: header only; readBlock/tdisp: header only). */
const FIXED: Record<CompletionKind, number> = {
  empty: 0,
  status: 4,
  version: 8,
  resourceRequirements: 4 + 4 * PCI_BAR_COUNT,
  createInterrupt: 8 + TRAN_INT_DESC_SIZE,
  resourcesAssigned: DEVICE_TRANSLATE_HEADER,
  resourceList: 8,
  powerState: 16,
  readBlock: 4,
  tdisp: 16,
};

export function decodeCompletionWith(r: Reader, requestType: number): Decoded<VpciCompletion> {
  const kind = completionKindFor(requestType);
  if (r.length > MAXIMUM_PACKET_SIZE)
    return fail('too-long', `completion of ${r.length} bytes exceeds the ${MAXIMUM_PACKET_SIZE}-byte maximum`, MAXIMUM_PACKET_SIZE);
  if (kind === 'empty' && r.length === 0) return ok({ kind: 'empty' });
  if (kind === 'resourceList') return decodeResourceList(r);
  if (r.length < 4) return fail('too-short', `completion needs a 4-byte status, got ${r.length} bytes`, r.length);
  const status = r.u32(0, 'status', fmtStatus);
  if (kind === 'empty' || kind === 'status') return ok({ kind: 'status', status });
  if (kind === 'version' && r.length < 8) return ok({ kind: 'status', status }); // Linux/FreeBSD read only the status
  if (kind === 'powerState' && r.length < 16) return ok({ kind: 'status', status }); // OpenVMM replies with status only
  if (r.length < FIXED[kind]) {
    if (isFailure(status)) return ok({ kind: 'status', status });
    return fail('too-short', `completion of ${messageLabel(requestType)} needs ${FIXED[kind]} bytes, got ${r.length}`, r.length);
  }
  switch (kind) {
    case 'version':
      return ok({ kind, status, version: r.u32(4, 'protocol_version', fmtVersion) });
    case 'resourceRequirements': {
      const probedBar = r.group(
        'probed_bar',
        4,
        4 * PCI_BAR_COUNT,
        () => Array.from({ length: PCI_BAR_COUNT }, (_, i) => r.u32(4 * i, `[${i}]`, hex(8))),
        (a) => a.map((x) => hex(8)(x)).join(' '),
      );
      return ok({ kind, status, probedBar });
    }
    case 'createInterrupt':
      return ok({ kind, status, reserved: r.u32(4, 'reserved'), intDesc: r.group('int_desc', 8, TRAN_INT_DESC_SIZE, () => readTranIntDesc(r), tranText) });
    case 'resourcesAssigned': {
      const wslot = r.u32(4, 'wslot', fmtWslot);
      const memoryRange = readMemoryRanges(r, 8, 'mmio_resources');
      const n = r.u32(128, 'msi_resource_count', dec);
      const reserved = r.u32(132, 'reserved');
      if (n > MAX_MSI_RESOURCES) return fail('count-out-of-range', `${n} MSI resources, at most ${MAX_MSI_RESOURCES}`, 128);
      const slot = translateReplyMsiSize(requestType);
      // OpenVMM counts MSIs with vector_count 0 but omits them from the array (protocol.md §9.3 quirk):
      // read as many entries as are present, never more than the count.
      const present = Math.min(n, Math.floor((r.length - DEVICE_TRANSLATE_HEADER) / slot));
      const msiResources = Array.from({ length: present }, (_, i) =>
        r.group(`msi_resources[${i}]`, DEVICE_TRANSLATE_HEADER + i * slot, slot, () => readTranIntDesc(r), tranText),
      );
      return ok({ kind, status, wslot, memoryRange, msiResourceCount: n, reserved, msiResources });
    }
    case 'powerState':
      return ok({
        kind,
        status,
        wslot: r.u32(4, 'wslot', fmtWslot),
        resultantState: r.u32(8, 'resultant_state', fmtPowerState),
        reserved: r.u32(12, 'reserved'),
      });
    case 'readBlock': {
      if (r.length > 4 + HV_CONFIG_BLOCK_SIZE_MAX + 7)
        return fail('too-long', `read-block completion of ${r.length} bytes exceeds ${4 + HV_CONFIG_BLOCK_SIZE_MAX}`, 4 + HV_CONFIG_BLOCK_SIZE_MAX);
      return ok({ kind, status, bytes: r.bytes(4, Math.min(HV_CONFIG_BLOCK_SIZE_MAX, r.length - 4), 'bytes') });
    }
    case 'tdisp': {
      const wslot = r.u32(4, 'wslot', fmtWslot);
      const n = r.u64(8, 'data_length', dec);
      if (16n + n > BigInt(r.length)) return fail('count-out-of-range', `data_length ${n} does not fit in ${r.length} bytes`, 8);
      return ok({ kind, status, wslot, data: r.bytes(16, Number(n), 'data') });
    }
  }
}

function decodeResourceList(r: Reader): Decoded<VpciCompletion> {
  if (r.length < 8) return fail('too-short', `resource list needs 8 bytes, got ${r.length}`, r.length);
  const version = r.u16(0, 'version', dec);
  const revision = r.u16(2, 'revision', dec);
  const n = r.u32(4, 'count', dec);
  if (n > PCI_BAR_COUNT || 8 + n * PARTIAL_RESOURCE_SIZE > r.length) {
    return fail('count-out-of-range', `resource list count ${n} (at most ${PCI_BAR_COUNT}) does not fit in ${r.length} bytes`, 4);
  }
  const resources = Array.from({ length: n }, (_, i) =>
    r.group(`partial_descriptors[${i}]`, 8 + i * PARTIAL_RESOURCE_SIZE, PARTIAL_RESOURCE_SIZE, () => readPartialResource(r), resourceText),
  );
  return ok({ kind: 'resourceList', version, revision, resources });
}

export function decodeCompletion(requestType: number, payload: Uint8Array): Decoded<VpciCompletion> {
  return decodeCompletionWith(new Reader(payload, false), requestType);
}

export function encodeCompletion(requestType: number, c: VpciCompletion): Uint8Array {
  switch (c.kind) {
    case 'empty':
      return new Uint8Array(0);
    case 'status':
      return new Writer(4).u32(0, c.status).b;
    case 'version':
      return new Writer(8).u32(0, c.status).u32(4, c.version).b;
    case 'resourceRequirements': {
      const w = new Writer(4 + 4 * PCI_BAR_COUNT).u32(0, c.status);
      for (let i = 0; i < PCI_BAR_COUNT; i++) w.u32(4 + 4 * i, c.probedBar[i] ?? 0);
      return w.b;
    }
    case 'createInterrupt': {
      const w = new Writer(8 + TRAN_INT_DESC_SIZE).u32(0, c.status).u32(4, c.reserved ?? 0);
      writeTranIntDesc(w, 8, c.intDesc);
      return w.b;
    }
    case 'resourcesAssigned': {
      const slot = translateReplyMsiSize(requestType);
      const w = new Writer(DEVICE_TRANSLATE_HEADER + slot * c.msiResources.length).u32(0, c.status).u32(4, c.wslot);
      writeMemoryRanges(w, 8, c.memoryRange);
      w.u32(128, c.msiResourceCount).u32(132, c.reserved ?? 0);
      c.msiResources.forEach((d, i) => writeTranIntDesc(w, DEVICE_TRANSLATE_HEADER + i * slot, d));
      return w.b;
    }
    case 'resourceList': {
      // OV-P `PartialResourceList` is a fixed 128-byte struct (version, revision, count, six descriptors), and OV-D's
      // GET_RESOURCES answer lists all six, count 6 (microsoft/openvmm vm/devices/pci/vpci_protocol/src/lib.rs,
      // vm/devices/pci/vpci/src/device.rs @1488a37b). So the list is always 128 bytes: count says how many of the
      // given descriptors there are (at most six; six for OpenVMM's form), the slots past them are zero.
      const n = Math.min(c.resources.length, PCI_BAR_COUNT);
      const w = new Writer(8 + PARTIAL_RESOURCE_SIZE * PCI_BAR_COUNT).u16(0, c.version).u16(2, c.revision).u32(4, n);
      for (let i = 0; i < PCI_BAR_COUNT; i++) writePartialResource(w, 8 + i * PARTIAL_RESOURCE_SIZE, (i < n ? c.resources[i] : undefined) ?? EMPTY_RESOURCE);
      return w.b;
    }
    case 'powerState':
      return new Writer(16)
        .u32(0, c.status)
        .u32(4, c.wslot)
        .u32(8, c.resultantState)
        .u32(12, c.reserved ?? 0).b;
    case 'readBlock':
      return new Writer(4 + c.bytes.length).u32(0, c.status).bytes(4, c.bytes).b;
    case 'tdisp':
      return new Writer(16 + c.data.length).u32(0, c.status).u32(4, c.wslot).u64(8, c.data.length).bytes(16, c.data).b;
  }
}

export type { Fmt };
