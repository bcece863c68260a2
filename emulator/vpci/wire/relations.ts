// PCI_BUS_RELATIONS (0x00) and PCI_BUS_RELATIONS2 (0x19), host → guest (protocol.md §2.5):
// type @0, device_count @4, then device_count × 20-byte (v1) or 28-byte (v2)
// function descriptions @8 (linux pci-hyperv.c struct pci_bus_relations{,2}).
// Linux checks bytes >= 8 + N·size (hv_pci_onchannelcallback); so do we.

import { MSG } from '../protocol';
import { fail, ok, needBytes, wireError, messageWriter, dec, type MessageCodec, type Reader } from './codec';
import {
  FUNCTION_DESCRIPTION_SIZE,
  FUNCTION_DESCRIPTION2_SIZE,
  readFunctionDescription,
  readFunctionDescription2,
  writeFunctionDescription,
  writeFunctionDescription2,
  functionText,
} from './common';
import type { FunctionDescription, MessageOf, WireError } from './types';

function readDevices<D extends FunctionDescription>(r: Reader, size: number, read: (r: Reader) => D, what: string): { error: WireError } | { devices: D[] } {
  const short = needBytes(r, 8, what);
  if (short) return { error: short };
  const n = r.u32(4, 'device_count', dec);
  if (n * size > r.length - 8) {
    return { error: wireError('count-out-of-range', `${what}: device_count ${n} needs ${8 + n * size} bytes, got ${r.length}`, 4) };
  }
  const devices: D[] = [];
  for (let i = 0; i < n; i++) devices.push(r.group(`func[${i}]`, 8 + i * size, size, () => read(r), functionText));
  return { devices } as const;
}

export const busRelations: MessageCodec<MessageOf<'PCI_BUS_RELATIONS'>> = {
  decode(r) {
    const d = readDevices(r, FUNCTION_DESCRIPTION_SIZE, readFunctionDescription, 'PCI_BUS_RELATIONS');
    if ('error' in d) return fail(d.error.code, d.error.message, d.error.offset);
    return ok({ type: 'PCI_BUS_RELATIONS', devices: d.devices });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_BUS_RELATIONS, 8 + FUNCTION_DESCRIPTION_SIZE * m.devices.length).u32(4, m.devices.length);
    m.devices.forEach((d, i) => writeFunctionDescription(w, 8 + i * FUNCTION_DESCRIPTION_SIZE, d));
    return w.b;
  },
};

export const busRelations2: MessageCodec<MessageOf<'PCI_BUS_RELATIONS2'>> = {
  decode(r) {
    const d = readDevices(r, FUNCTION_DESCRIPTION2_SIZE, readFunctionDescription2, 'PCI_BUS_RELATIONS2');
    if ('error' in d) return fail(d.error.code, d.error.message, d.error.offset);
    return ok({ type: 'PCI_BUS_RELATIONS2', devices: d.devices });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_BUS_RELATIONS2, 8 + FUNCTION_DESCRIPTION2_SIZE * m.devices.length).u32(4, m.devices.length);
    m.devices.forEach((d, i) => writeFunctionDescription2(w, 8 + i * FUNCTION_DESCRIPTION2_SIZE, d));
    return w.b;
  },
};

export const queryBusRelations: MessageCodec<MessageOf<'PCI_QUERY_BUS_RELATIONS'>> = {
  decode: () => ok({ type: 'PCI_QUERY_BUS_RELATIONS' }),
  encode: () => messageWriter(MSG.PCI_QUERY_BUS_RELATIONS, 4).b,
};
