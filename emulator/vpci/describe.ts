// Names every field of every vPCI message and completion, for the trace, the
// debugger and the CLI. Fields come from the wire decoders themselves (a
// recording Reader), so the description can never disagree with the codec.

import { decodePacket, packetTypeName, PKT_COMPLETION, PKT_FLAG_COMPLETION_REQUESTED } from '../vmbus/packet';
import { messageName, shortMessageName, statusText, versionText, wslotText } from './protocol';
import { Reader } from './wire/codec';
import { counted } from '../format';
import { decodeMessageWith } from './wire/message';
import { decodeCompletionWith } from './wire/completions';
import { resourceText } from './wire/common';
import { powerStateText } from './wire/power';
import type { FieldDesc, VpciCompletion, VpciMessage, WireError } from './wire/types';

export type { FieldDesc } from './wire/types';

export interface PayloadDescription {
  name: string;
  fields: FieldDesc[];
  error?: WireError;
}

/**
 * Describes a packet payload: a message (type at offset 0) or, with
 * `completionOf` = the request's type, the completion to that request.
 * On a decode error the fields read so far are returned with the error.
 */
export function describePayload(payload: Uint8Array, opts: { completionOf?: number } = {}): PayloadDescription {
  const r = new Reader(payload, true);
  if (opts.completionOf !== undefined) {
    const name = `${messageName(opts.completionOf) ?? `0x${(opts.completionOf >>> 0).toString(16)}`} completion`;
    const d = decodeCompletionWith(r, opts.completionOf);
    return d.ok ? { name, fields: r.fields } : { name, fields: r.fields, error: d.error };
  }
  const d = decodeMessageWith(r);
  const type = payload.length >= 4 ? new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true) : undefined;
  const name = type === undefined ? '(no type)' : (messageName(type) ?? `unknown 0x${type.toString(16).padStart(8, '0')}`);
  return d.ok ? { name, fields: r.fields } : { name, fields: r.fields, error: d.error };
}

const h = (v: number | bigint) => `0x${v.toString(16)}`;

/** Key fields of a message in a few words. */
export function messageSummary(m: VpciMessage): string {
  switch (m.type) {
    case 'PCI_BUS_RELATIONS':
    case 'PCI_BUS_RELATIONS2':
      return `${counted(m.devices.length, 'device')}${m.devices.map((d) => ` [${wslotText(d.winSlot)} ${d.vendorId.toString(16).padStart(4, '0')}:${d.deviceId.toString(16).padStart(4, '0')} ser ${d.serialNumber}]`).join('')}`;
    case 'PCI_QUERY_PROTOCOL_VERSION':
      return `version ${versionText(m.version)}`;
    case 'PCI_BUS_D0ENTRY':
      return `mmio_base ${h(m.mmioBase)}`;
    case 'PCI_POWER_STATE_CHANGE':
      return `slot ${wslotText(m.wslot)} power_state ${powerStateText(m.powerState)}`;
    case 'PCI_READ_BLOCK':
      return `slot ${wslotText(m.wslot)} block ${m.blockId} ${m.bytesRequested} bytes`;
    case 'PCI_WRITE_BLOCK':
      return `slot ${wslotText(m.wslot)} block ${m.blockId} ${m.bytes.length} bytes`;
    case 'PCI_INVALIDATE_BLOCK':
      return `slot ${wslotText(m.wslot)} mask ${h(m.blockMask)}`;
    case 'PCI_EJECTION_COMPLETE':
      return `slot ${wslotText(m.wslot)}${m.status === undefined ? '' : ` status ${statusText(m.status)}`}`;
    case 'PCI_RESOURCES_ASSIGNED':
    case 'PCI_RESOURCES_ASSIGNED2':
    case 'PCI_RESOURCES_ASSIGNED3': {
      const ranges = m.memoryRange.map((d, i) => [i, resourceText(d)] as const).filter(([, t]) => t !== 'none');
      return `slot ${wslotText(m.wslot)} ${ranges.length ? ranges.map(([i, t]) => `bar${i} ${t}`).join(', ') : 'no ranges'}, ${m.msiDescriptors.length} msi`;
    }
    case 'PCI_CREATE_INTERRUPT_MESSAGE':
      return `slot ${wslotText(m.wslot)} vector ${h(m.intDesc.vector)} ×${m.intDesc.vectorCount} mode ${m.intDesc.deliveryMode} cpu_mask ${h(m.intDesc.cpuMask)}`;
    case 'PCI_CREATE_INTERRUPT_MESSAGE2':
    case 'PCI_CREATE_INTERRUPT_MESSAGE3':
      return `slot ${wslotText(m.wslot)} vector ${h(m.intDesc.vector)} ×${m.intDesc.vectorCount} mode ${m.intDesc.deliveryMode} cpus [${m.intDesc.processorArray.join(',')}]`;
    case 'PCI_DELETE_INTERRUPT_MESSAGE':
    case 'PCI_DELETE_INTERRUPT_MESSAGE2':
      return `slot ${wslotText(m.wslot)} address ${h(m.intDesc.address)} data ${h(m.intDesc.data)}`;
    case 'PCI_TDISP_COMMAND':
      return `slot ${wslotText(m.wslot)} ${m.data.length} bytes`;
    case 'PCI_QUERY_RESOURCE_REQUIREMENTS':
    case 'PCI_QUERY_RESOURCE_RESOURCES':
    case 'PCI_RESOURCES_RELEASED':
    case 'PCI_EJECT':
    case 'PCI_RESET_DEVICE':
      return `slot ${wslotText(m.wslot)}`;
    case 'PCI_QUERY_BUS_RELATIONS':
    case 'PCI_BUS_D0EXIT':
      return '';
    default:
      return `${m.body.length} bytes`;
  }
}

/** Key fields of a completion in a few words. */
export function completionSummary(c: VpciCompletion): string {
  switch (c.kind) {
    case 'empty':
      return '(empty)';
    case 'status':
      return statusText(c.status);
    case 'version':
      return `${statusText(c.status)} version ${versionText(c.version)}`;
    case 'resourceRequirements':
      return `${statusText(c.status)} probed_bar ${c.probedBar.map((x) => x.toString(16).padStart(8, '0')).join(' ')}`;
    case 'createInterrupt':
      return `${statusText(c.status)} address ${h(c.intDesc.address)} data ${h(c.intDesc.data)} ×${c.intDesc.vectorCount}`;
    case 'resourcesAssigned':
      return `${statusText(c.status)} slot ${wslotText(c.wslot)} ${c.msiResourceCount} msi (${c.msiResources.length} listed)`;
    case 'resourceList':
      return `${c.resources.length} resources ${c.resources.map(resourceText).join(', ')}`;
    case 'powerState':
      return `${statusText(c.status)} slot ${wslotText(c.wslot)} state ${powerStateText(c.resultantState)}`;
    case 'readBlock':
      return `${statusText(c.status)} ${c.bytes.length} bytes`;
    case 'tdisp':
      return `${statusText(c.status)} slot ${wslotText(c.wslot)} ${c.data.length} bytes`;
  }
}

/**
 * One line for a whole VMBus packet: descriptor kind, RC flag, transaction id,
 * then the message name and key fields, or for a completion (given the
 * request type) its status and key fields.
 */
export function summarizePacket(packet: Uint8Array, dir: 'toHost' | 'toGuest', completionOf?: number): string {
  const arrow = dir === 'toHost' ? 'G→H' : 'H→G';
  const p = decodePacket(packet);
  if (!p.ok) return `${arrow} bad packet: ${p.error}`;
  const rc = p.flags & PKT_FLAG_COMPLETION_REQUESTED ? ' RC' : '';
  const head = `${arrow} ${packetTypeName(p.type)}${rc} txid=0x${p.transactionId.toString(16)}`;
  if (p.type === PKT_COMPLETION) {
    if (completionOf === undefined) {
      if (p.payload.length < 4) return `${head} (${p.payload.length}-byte payload)`;
      const st = new DataView(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength).getUint32(0, true);
      return `${head} status ${statusText(st)}`;
    }
    const r = new Reader(p.payload, false);
    const d = decodeCompletionWith(r, completionOf);
    const of = shortMessageName(completionOf);
    return d.ok ? `${head} ${of}: ${completionSummary(d.value)}` : `${head} ${of}: ${d.error.code}: ${d.error.message}`;
  }
  const d = decodeMessageWith(new Reader(p.payload, false));
  if (!d.ok) {
    const t =
      p.payload.length >= 4 ? shortMessageName(new DataView(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength).getUint32(0, true)) : '(no type)';
    return `${head} ${t} ${d.error.code}: ${d.error.message}`;
  }
  const s = messageSummary(d.value);
  return `${head} ${d.value.type.slice(4)}${s ? ` ${s}` : ''}`;
}

/**
 * Every field of a whole VMBus packet: the 16-byte descriptor (protocol.md §10.2),
 * then the payload's fields at packet offsets (payload offset + header length).
 */
export function describePacket(packet: Uint8Array, completionOf?: number): PayloadDescription {
  const p = decodePacket(packet);
  const r = new Reader(packet, true);
  r.u16(0, 'type', (v) => `${v} (${packetTypeName(Number(v))})`);
  const headerLength = r.u16(2, 'header_length', (v) => `${v} (${Number(v) * 8} bytes)`);
  r.u16(4, 'total_length', (v) => `${v} (${Number(v) * 8} bytes)`);
  r.u16(6, 'flags', (v) => `0x${v.toString(16).padStart(4, '0')}${Number(v) & PKT_FLAG_COMPLETION_REQUESTED ? ' (completion requested)' : ''}`);
  // In hex, as the packet's one-line head writes it (txid=0x…): FreeBSD's is a kernel address, Linux's a request id.
  r.u64(8, 'transaction_id', (v) => `0x${v.toString(16)}`);
  if (!p.ok) {
    // The field decodePacket refused: header_length (+2) below 16 bytes, else total_length (+4).
    const offset = packet.length < 16 ? 0 : headerLength * 8 < 16 ? 2 : 4;
    return { name: 'VMBus packet', fields: r.fields, error: { code: packet.length < 16 ? 'too-short' : 'bad-field', message: p.error, offset } };
  }
  const isCompletion = p.type === PKT_COMPLETION;
  const inner = describePayload(p.payload, isCompletion && completionOf !== undefined ? { completionOf } : {});
  const shift = (f: FieldDesc): FieldDesc => ({ ...f, offset: f.offset + p.headerLen, ...(f.children ? { children: f.children.map(shift) } : {}) });
  if (isCompletion && completionOf === undefined) {
    // Layout unknown without the request: show the status only.
    const st = describePayload(p.payload, { completionOf: MSG_STATUS_ONLY });
    return { name: 'completion', fields: [...r.fields, ...st.fields.map(shift)], ...(st.error ? { error: st.error } : {}) };
  }
  const out: PayloadDescription = { name: inner.name, fields: [...r.fields, ...inner.fields.map(shift)] };
  if (inner.error) out.error = { ...inner.error, ...(inner.error.offset !== undefined ? { offset: inner.error.offset + p.headerLen } : {}) };
  return out;
}

/** A request type whose completion is a bare status (PCI_BUS_D0EXIT). */
const MSG_STATUS_ONLY = 0x42490008;
