// Remaining per-device messages (protocol.md §2.5):
//  PCI_EJECTION_COMPLETE (0x0F): type, win_slot, status → 12 bytes (linux pci-hyperv.c
//    struct pci_eject_response); OpenVMM's client sends 8 (no status).
//  PCI_TDISP_COMMAND (0x1D, OpenVMM extension): type, win_slot, data_length u64 @8, data @16.
//  PCI_INVALIDATE_DEVICE / _BUS / QUERY_STOP / REENABLE / QUERY_STOP_FAILED: defined, used by
//    no source read for docs/protocol.md; layout unknown, so the bytes after the type are kept opaque.

import { MSG, MAXIMUM_PACKET_SIZE } from '../protocol';
import { ok, fail, needBytes, messageWriter, dec, type MessageCodec } from './codec';
import { fmtWslot, fmtStatus } from './common';
import type { MessageOf, OpaqueMessageType } from './types';

export const ejectionComplete: MessageCodec<MessageOf<'PCI_EJECTION_COMPLETE'>> = {
  decode(r) {
    const short = needBytes(r, 8, 'PCI_EJECTION_COMPLETE');
    if (short) return { ok: false, error: short };
    const wslot = r.u32(4, 'wslot', fmtWslot);
    if (r.length >= 12) return ok({ type: 'PCI_EJECTION_COMPLETE', wslot, status: r.u32(8, 'status', fmtStatus) });
    return ok({ type: 'PCI_EJECTION_COMPLETE', wslot });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_EJECTION_COMPLETE, m.status === undefined ? 8 : 12).u32(4, m.wslot);
    if (m.status !== undefined) w.u32(8, m.status);
    return w.b;
  },
};

export const tdispCommand: MessageCodec<MessageOf<'PCI_TDISP_COMMAND'>> = {
  decode(r) {
    const short = needBytes(r, 16, 'PCI_TDISP_COMMAND');
    if (short) return { ok: false, error: short };
    const wslot = r.u32(4, 'wslot', fmtWslot);
    const n = r.u64(8, 'data_length', dec);
    // openvmm vm/devices/pci/vpci/src/device.rs parse_packet: data_length above
    // MAX_VPCI_TDISP_COMMAND_SIZE (MAXIMUM_PACKET_SIZE - 16) is PacketTooLarge.
    if (n > BigInt(MAXIMUM_PACKET_SIZE - 16)) return fail('too-long', `PCI_TDISP_COMMAND: data_length ${n} above ${MAXIMUM_PACKET_SIZE - 16}`, 8);
    if (16n + n > BigInt(r.length)) return fail('count-out-of-range', `PCI_TDISP_COMMAND: data_length ${n} does not fit in ${r.length} bytes`, 8);
    return ok({ type: 'PCI_TDISP_COMMAND', wslot, data: r.bytes(16, Number(n), 'data') });
  },
  encode: (m) =>
    messageWriter(MSG.PCI_TDISP_COMMAND, 16 + m.data.length)
      .u32(4, m.wslot)
      .u64(8, m.data.length)
      .bytes(16, m.data).b,
};

export function opaque(type: OpaqueMessageType): MessageCodec<{ type: OpaqueMessageType; body: Uint8Array }> {
  return {
    decode: (r) => ok({ type, body: r.bytes(4, r.length - 4, 'body (layout unknown)') }),
    encode: (m) => messageWriter(MSG[m.type], 4 + m.body.length).bytes(4, m.body).b,
  };
}
