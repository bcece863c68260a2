// One decoder for every vPCI message, either direction (type word at offset 0),
// and the matching encoder. Never throws. Payloads longer than OpenVMM's
// MAXIMUM_PACKET_SIZE are 'too-long' (openvmm vm/devices/pci/vpci/src/device.rs
// PacketTooLarge); shorter than a message's fixed part is 'too-short'; extra
// bytes after a fixed-size message are ignored (VMBus pads payloads to 8).

import { MSG, MAXIMUM_PACKET_SIZE, messageName } from '../protocol';
import { Reader, fail, type MessageCodec } from './codec';
import { fmtType } from './common';
import { busRelations, busRelations2, queryBusRelations } from './relations';
import {
  queryResourceRequirements,
  queryResourceResources,
  resourcesAssigned,
  resourcesAssigned2,
  resourcesAssigned3,
  resourcesReleased,
  eject,
  resetDevice,
} from './resources';
import { createInterrupt, createInterrupt2, createInterrupt3, deleteInterrupt, deleteInterrupt2 } from './interrupts';
import { queryProtocolVersion } from './version';
import { busD0Entry, busD0Exit, powerStateChange } from './power';
import { readBlock, writeBlock, invalidateBlock } from './blocks';
import { ejectionComplete, tdispCommand, opaque } from './device';
import type { Decoded, VpciMessage, VpciMessageType } from './types';

type AnyCodec = MessageCodec<VpciMessage>;
const c = <M extends VpciMessage>(x: MessageCodec<M>): AnyCodec => x;

const CODECS: Record<VpciMessageType, AnyCodec> = {
  PCI_BUS_RELATIONS: c(busRelations),
  PCI_QUERY_BUS_RELATIONS: c(queryBusRelations),
  PCI_INVALIDATE_DEVICE: c(opaque('PCI_INVALIDATE_DEVICE')),
  PCI_INVALIDATE_BUS: c(opaque('PCI_INVALIDATE_BUS')),
  PCI_POWER_STATE_CHANGE: c(powerStateChange),
  PCI_QUERY_RESOURCE_REQUIREMENTS: c(queryResourceRequirements),
  PCI_QUERY_RESOURCE_RESOURCES: c(queryResourceResources),
  PCI_BUS_D0ENTRY: c(busD0Entry),
  PCI_BUS_D0EXIT: c(busD0Exit),
  PCI_READ_BLOCK: c(readBlock),
  PCI_WRITE_BLOCK: c(writeBlock),
  PCI_EJECT: c(eject),
  PCI_QUERY_STOP: c(opaque('PCI_QUERY_STOP')),
  PCI_REENABLE: c(opaque('PCI_REENABLE')),
  PCI_QUERY_STOP_FAILED: c(opaque('PCI_QUERY_STOP_FAILED')),
  PCI_EJECTION_COMPLETE: c(ejectionComplete),
  PCI_RESOURCES_ASSIGNED: c(resourcesAssigned),
  PCI_RESOURCES_RELEASED: c(resourcesReleased),
  PCI_INVALIDATE_BLOCK: c(invalidateBlock),
  PCI_QUERY_PROTOCOL_VERSION: c(queryProtocolVersion),
  PCI_CREATE_INTERRUPT_MESSAGE: c(createInterrupt),
  PCI_DELETE_INTERRUPT_MESSAGE: c(deleteInterrupt),
  PCI_RESOURCES_ASSIGNED2: c(resourcesAssigned2),
  PCI_CREATE_INTERRUPT_MESSAGE2: c(createInterrupt2),
  PCI_DELETE_INTERRUPT_MESSAGE2: c(deleteInterrupt2),
  PCI_BUS_RELATIONS2: c(busRelations2),
  PCI_RESOURCES_ASSIGNED3: c(resourcesAssigned3),
  PCI_CREATE_INTERRUPT_MESSAGE3: c(createInterrupt3),
  PCI_RESET_DEVICE: c(resetDevice),
  PCI_TDISP_COMMAND: c(tdispCommand),
};

/** Decodes with a caller-supplied reader (the describer passes a recording one). */
export function decodeMessageWith(r: Reader): Decoded<VpciMessage> {
  if (r.length < 4) return fail('too-short', `message needs a 4-byte type, got ${r.length} bytes`, r.length);
  const type = r.u32(0, 'type', fmtType);
  if (r.length > MAXIMUM_PACKET_SIZE)
    return fail('too-long', `message of ${r.length} bytes exceeds the ${MAXIMUM_PACKET_SIZE}-byte maximum`, MAXIMUM_PACKET_SIZE);
  const name = messageName(type);
  if (!name) return fail('unknown-type', `unknown message type 0x${type.toString(16).padStart(8, '0')}`, 0);
  return CODECS[name].decode(r);
}

export function decodeMessage(payload: Uint8Array): Decoded<VpciMessage> {
  return decodeMessageWith(new Reader(payload, false));
}

export function encodeMessage(m: VpciMessage): Uint8Array {
  return CODECS[m.type].encode(m);
}

/** The numeric type of a message variant. */
export function messageType(m: VpciMessage | VpciMessageType): number {
  return MSG[typeof m === 'string' ? m : m.type];
}
