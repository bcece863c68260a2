// Bus and device power messages (protocol.md §2.5):
//  PCI_BUS_D0ENTRY (0x07): type, reserved u32, mmio_base u64 @8 → 16 bytes (pci_bus_d0_entry)
//  PCI_BUS_D0EXIT (0x08): type only → 4 bytes
//  PCI_POWER_STATE_CHANGE (0x04): type, win_slot, power_state @8 → 12 bytes (OpenVMM
//    `DevicePowerChange`); Linux's pci_set_power adds reserved u32 @12 → 16 bytes.
//    power_state is a Windows DEVICE_POWER_STATE: D0 = 1 … D3 = 4.

import { MSG } from '../protocol';
import { ok, needBytes, messageWriter, type MessageCodec, type Fmt } from './codec';
import { fmtWslot } from './common';
import type { MessageOf } from './types';

export const DEVICE_POWER_STATE = { D0: 1, D1: 2, D2: 3, D3: 4 } as const;
/**
 * A DEVICE_POWER_STATE in a one-line summary: D0–D3 for 1–4, else the number and what it is (Windows wdm.h
 * `DEVICE_POWER_STATE`: PowerDeviceUnspecified = 0, PowerDeviceD0 = 1 … PowerDeviceD3 = 4, PowerDeviceMaximum = 5).
 */
export const powerStateText = (n: number): string => (n >= 1 && n <= 4 ? `D${n - 1}` : `${n} (${n === 0 ? 'unspecified' : 'invalid'})`);
export const fmtPowerState: Fmt = (v) => {
  const n = Number(v);
  return n >= 1 && n <= 4 ? `${n} (D${n - 1})` : powerStateText(n);
};

export const busD0Entry: MessageCodec<MessageOf<'PCI_BUS_D0ENTRY'>> = {
  decode(r) {
    const short = needBytes(r, 16, 'PCI_BUS_D0ENTRY');
    if (short) return { ok: false, error: short };
    return ok({ type: 'PCI_BUS_D0ENTRY', reserved: r.u32(4, 'reserved'), mmioBase: r.u64(8, 'mmio_base') });
  },
  encode: (m) =>
    messageWriter(MSG.PCI_BUS_D0ENTRY, 16)
      .u32(4, m.reserved ?? 0)
      .u64(8, m.mmioBase).b,
};

export const busD0Exit: MessageCodec<MessageOf<'PCI_BUS_D0EXIT'>> = {
  decode: () => ok({ type: 'PCI_BUS_D0EXIT' }),
  encode: () => messageWriter(MSG.PCI_BUS_D0EXIT, 4).b,
};

export const powerStateChange: MessageCodec<MessageOf<'PCI_POWER_STATE_CHANGE'>> = {
  decode(r) {
    const short = needBytes(r, 12, 'PCI_POWER_STATE_CHANGE');
    if (short) return { ok: false, error: short };
    const wslot = r.u32(4, 'wslot', fmtWslot);
    const powerState = r.u32(8, 'power_state', fmtPowerState);
    if (r.length >= 16) return ok({ type: 'PCI_POWER_STATE_CHANGE', wslot, powerState, reserved: r.u32(12, 'reserved') });
    return ok({ type: 'PCI_POWER_STATE_CHANGE', wslot, powerState });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_POWER_STATE_CHANGE, m.reserved === undefined ? 12 : 16)
      .u32(4, m.wslot)
      .u32(8, m.powerState);
    if (m.reserved !== undefined) w.u32(12, m.reserved);
    return w.b;
  },
};
