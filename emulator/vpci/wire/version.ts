// PCI_QUERY_PROTOCOL_VERSION (0x13), protocol.md §1.3: type @0, protocol_version @4;
// FreeBSD adds a reserved u32 @8 (12 bytes; freebsd-src vmbus_pcib.c
// struct pci_version_request), Linux sends 8. Extra bytes are ignored.

import { MSG } from '../protocol';
import { ok, needBytes, messageWriter, type MessageCodec } from './codec';
import { fmtVersion } from './common';
import type { MessageOf } from './types';

export const queryProtocolVersion: MessageCodec<MessageOf<'PCI_QUERY_PROTOCOL_VERSION'>> = {
  decode(r) {
    const short = needBytes(r, 8, 'PCI_QUERY_PROTOCOL_VERSION');
    if (short) return { ok: false, error: short };
    const version = r.u32(4, 'protocol_version', fmtVersion);
    if (r.length >= 12) return ok({ type: 'PCI_QUERY_PROTOCOL_VERSION', version, reserved: r.u32(8, 'reserved') });
    return ok({ type: 'PCI_QUERY_PROTOCOL_VERSION', version });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_QUERY_PROTOCOL_VERSION, m.reserved === undefined ? 8 : 12).u32(4, m.version);
    if (m.reserved !== undefined) w.u32(8, m.reserved);
    return w.b;
  },
};
