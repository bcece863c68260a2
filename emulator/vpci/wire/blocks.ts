// Config-block back-channel, Linux only (protocol.md §2.5; linux pci-hyperv.c
// struct pci_read_block / pci_write_block / pci_dev_inval_block):
//  PCI_READ_BLOCK (0x09): type, block_id @4, win_slot @8, bytes_requested @12 → 16 bytes
//  PCI_WRITE_BLOCK (0x0A): type, block_id, win_slot, byte_count @12, bytes @16 (≤ 128);
//    Linux's hv_write_config_block sends 16 + byte_count + 4 bytes: the reserved u32 after its pci_write_block,
//    zeroed, added to the size for hosts of about 2018 that checked the packet size wrongly (its comment there).
//    The encoder writes those 4 bytes when `linuxReserved` is set; the decoder reads byte_count bytes and
//    ignores anything after them.
//  PCI_INVALIDATE_BLOCK (0x12), host → guest: type, win_slot @4, block_mask u64 @8 → 16 bytes

import { MSG, HV_CONFIG_BLOCK_SIZE_MAX } from '../protocol';
import { ok, fail, needBytes, messageWriter, dec, type MessageCodec } from './codec';
import { fmtWslot } from './common';
import type { MessageOf } from './types';

export const readBlock: MessageCodec<MessageOf<'PCI_READ_BLOCK'>> = {
  decode(r) {
    const short = needBytes(r, 16, 'PCI_READ_BLOCK');
    if (short) return { ok: false, error: short };
    return ok({
      type: 'PCI_READ_BLOCK',
      blockId: r.u32(4, 'block_id', dec),
      wslot: r.u32(8, 'wslot', fmtWslot),
      bytesRequested: r.u32(12, 'bytes_requested', dec),
    });
  },
  encode: (m) => messageWriter(MSG.PCI_READ_BLOCK, 16).u32(4, m.blockId).u32(8, m.wslot).u32(12, m.bytesRequested).b,
};

export const writeBlock: MessageCodec<MessageOf<'PCI_WRITE_BLOCK'>> = {
  decode(r) {
    const short = needBytes(r, 16, 'PCI_WRITE_BLOCK');
    if (short) return { ok: false, error: short };
    const blockId = r.u32(4, 'block_id', dec);
    const wslot = r.u32(8, 'wslot', fmtWslot);
    const n = r.u32(12, 'byte_count', dec);
    if (n > HV_CONFIG_BLOCK_SIZE_MAX) return fail('count-out-of-range', `PCI_WRITE_BLOCK: byte_count ${n} above ${HV_CONFIG_BLOCK_SIZE_MAX}`, 12);
    if (16 + n > r.length) return fail('count-out-of-range', `PCI_WRITE_BLOCK: byte_count ${n} needs ${16 + n} bytes, got ${r.length}`, 12);
    return ok({ type: 'PCI_WRITE_BLOCK', blockId, wslot, bytes: r.bytes(16, n, 'bytes') });
  },
  encode: (m) =>
    messageWriter(MSG.PCI_WRITE_BLOCK, 16 + m.bytes.length + (m.linuxReserved ? 4 : 0))
      .u32(4, m.blockId)
      .u32(8, m.wslot)
      .u32(12, m.bytes.length)
      .bytes(16, m.bytes).b,
};

export const invalidateBlock: MessageCodec<MessageOf<'PCI_INVALIDATE_BLOCK'>> = {
  decode(r) {
    const short = needBytes(r, 16, 'PCI_INVALIDATE_BLOCK');
    if (short) return { ok: false, error: short };
    return ok({ type: 'PCI_INVALIDATE_BLOCK', wslot: r.u32(4, 'wslot', fmtWslot), blockMask: r.u64(8, 'block_mask') });
  },
  encode: (m) => messageWriter(MSG.PCI_INVALIDATE_BLOCK, 16).u32(4, m.wslot).u64(8, m.blockMask).b,
};
