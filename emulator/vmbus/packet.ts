// The VMBus packet descriptor (protocol.md §10.2; freebsd-src sys/dev/hyperv/include/vmbus.h
// `struct vmbus_chanpkt_hdr`, linux include/linux/hyperv.h `struct vmpacket_descriptor`,
// microsoft/openvmm vm/devices/vmbus/vmbus_ring/src/lib.rs `PacketDescriptor`):
//   +0 u16 type, +2 u16 header length (8-byte units), +4 u16 total length (8-byte units),
//   +6 u16 flags (bit 0 = completion requested), +8 u64 transaction id.
// The payload follows the 16-byte descriptor, padded with zeros to a multiple of 8: what the guests write
// (linux vmbus_sendpacket_getid `aligned_data`, freebsd vmbus_chan_send `pad`). OpenVMM's ring writer leaves the
// padding as the ring held it (vmbus_ring `write`), and so does the openvmm host (HostProfile.padding, ring.ts
// tryWrite); zeros for the Hyper-V hosts are ours (protocol.md §10.2).

export const PACKET_HEADER_BYTES = 16;
export const PKT_DATA_INBAND = 6;
export const PKT_DATA_USING_TRANSFER_PAGES = 7;
export const PKT_DATA_USING_GPA_DIRECT = 9;
export const PKT_COMPLETION = 11;
export const PKT_FLAG_COMPLETION_REQUESTED = 1;

const PKT_TYPE_NAMES: Record<number, string> = {
  [PKT_DATA_INBAND]: 'inband',
  [PKT_DATA_USING_TRANSFER_PAGES]: 'xferpage',
  [PKT_DATA_USING_GPA_DIRECT]: 'gpa-direct',
  [PKT_COMPLETION]: 'completion',
};

export function packetTypeName(type: number): string {
  return PKT_TYPE_NAMES[type] ?? `type-${type}`;
}

export function pad8(n: number): number {
  return (n + 7) & ~7;
}

export interface PacketFields {
  type: number;
  flags: number;
  transactionId: bigint;
  payload: Uint8Array;
}

/** Descriptor + payload padded to 8 bytes. Header length is always 2 (16 bytes), as the vPCI guests assume. */
export function encodePacket(p: PacketFields): Uint8Array {
  const total = PACKET_HEADER_BYTES + pad8(p.payload.length);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint16(0, p.type & 0xffff, true);
  v.setUint16(2, PACKET_HEADER_BYTES / 8, true);
  v.setUint16(4, total / 8, true);
  v.setUint16(6, p.flags & 0xffff, true);
  v.setBigUint64(8, BigInt.asUintN(64, p.transactionId), true);
  out.set(p.payload, PACKET_HEADER_BYTES);
  return out;
}

export type DecodedPacket =
  { ok: true; type: number; flags: number; transactionId: bigint; headerLen: number; totalLen: number; payload: Uint8Array } | { ok: false; error: string };

/**
 * Reads a descriptor. `headerLen`/`totalLen` are in bytes; `payload` is the
 * (padded) bytes from headerLen to totalLen, a view into `b`. Never throws.
 */
export function decodePacket(b: Uint8Array): DecodedPacket {
  if (b.length < PACKET_HEADER_BYTES) return { ok: false, error: `packet of ${b.length} bytes is shorter than the 16-byte descriptor` };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = v.getUint16(0, true);
  const headerLen = v.getUint16(2, true) * 8;
  const totalLen = v.getUint16(4, true) * 8;
  const flags = v.getUint16(6, true);
  const transactionId = v.getBigUint64(8, true);
  if (headerLen < PACKET_HEADER_BYTES) return { ok: false, error: `header length ${headerLen} is below 16 bytes` };
  if (totalLen < headerLen) return { ok: false, error: `total length ${totalLen} is below header length ${headerLen}` };
  if (totalLen > b.length) return { ok: false, error: `total length ${totalLen} exceeds the ${b.length} bytes available` };
  return { ok: true, type, flags, transactionId, headerLen, totalLen, payload: b.subarray(headerLen, totalLen) };
}

/** What OpenVMM's ring reader makes of one guest packet: a data packet, a completion, or a corrupt ring. */
export type OpenvmmIncoming = { kind: 'data' | 'completion' } | { corrupt: string };

/**
 * OpenVMM's reading of a packet descriptor (microsoft/openvmm vm/devices/vmbus/vmbus_ring/src/lib.rs
 * `parse_packet` and vm/devices/vmbus/vmbus_async/src/queue.rs `IncomingPacket::parse`, both @1488a37b):
 * - flags other than completion-requested (bit 0) are `InvalidDescriptorFlags`, a corrupt ring;
 * - type 6 (in-band) is data, type 11 a completion;
 * - type 7 (transfer pages) needs a header of at least 24 bytes (the descriptor and the transfer-page
 *   header: set id u16, reserved u16, range count u32), type 9 (GPA direct) the same (reserved u32, range
 *   count u32) and a range count other than 0; both are then data packets whose payload starts at the
 *   header length, like an in-band one's (their ranges are handed to the device apart, to read or not);
 * - any other type is `InvalidDescriptorType`, a corrupt ring.
 * The lengths (`InvalidDescriptorLengths` for a header below 16 bytes or a total below the header) are
 * decodePacket's checks. `d` is decodePacket's result for `b`.
 */
export function openvmmIncoming(b: Uint8Array, d: Extract<DecodedPacket, { ok: true }>): OpenvmmIncoming {
  if ((d.flags & ~PKT_FLAG_COMPLETION_REQUESTED) !== 0) return { corrupt: `InvalidDescriptorFlags: flags 0x${d.flags.toString(16).padStart(4, '0')}` };
  switch (d.type) {
    case PKT_DATA_INBAND:
      return { kind: 'data' };
    case PKT_COMPLETION:
      return { kind: 'completion' };
    case PKT_DATA_USING_TRANSFER_PAGES:
    case PKT_DATA_USING_GPA_DIRECT: {
      if (d.headerLen < PACKET_HEADER_BYTES + 8) return { corrupt: `InvalidDescriptorLengths: ${packetTypeName(d.type)} header of ${d.headerLen} bytes < 24` };
      const ranges = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(PACKET_HEADER_BYTES + 4, true);
      if (d.type === PKT_DATA_USING_GPA_DIRECT && ranges === 0) return { corrupt: 'InvalidDescriptorGpaDirectRangeCount: range count 0' };
      return { kind: 'data' };
    }
    default:
      return { corrupt: `InvalidDescriptorType: type ${d.type}` };
  }
}
