// Interrupt messages (protocol.md §2.3, §2.5; linux pci-hyperv.c struct pci_create_interrupt{,2,3},
// struct pci_delete_interrupt):
//  CREATE_INTERRUPT_MESSAGE  (0x14): type, win_slot, hv_msi_desc  @8 → 24 bytes
//  CREATE_INTERRUPT_MESSAGE2 (0x17): type, win_slot, hv_msi_desc2 @8 → 78 bytes (OpenVMM: 80)
//  CREATE_INTERRUPT_MESSAGE3 (0x1B): type, win_slot, hv_msi_desc3 @8 → 82 bytes (OpenVMM: 84)
//  DELETE_INTERRUPT_MESSAGE{,2} (0x15/0x18): type, win_slot, tran_int_desc @8 → 24 bytes
// Decoders accept the Linux sizes and anything longer (VMBus pads to 8).

import { MSG } from '../protocol';
import { ok, fail, needBytes, messageWriter, type MessageCodec } from './codec';
import {
  HV_MSI_DESC_SIZE,
  HV_MSI_DESC2_SIZE,
  HV_MSI_DESC3_SIZE,
  TRAN_INT_DESC_SIZE,
  readHvMsiDesc,
  readHvMsiDesc2,
  readHvMsiDesc3,
  readTranIntDesc,
  writeHvMsiDesc,
  writeHvMsiDesc2,
  writeHvMsiDesc3,
  writeTranIntDesc,
  msiText,
  tranText,
  fmtWslot,
} from './common';
import type { MessageOf, TranIntDesc } from './types';

export const createInterrupt: MessageCodec<MessageOf<'PCI_CREATE_INTERRUPT_MESSAGE'>> = {
  decode(r) {
    const short = needBytes(r, 8 + HV_MSI_DESC_SIZE, 'PCI_CREATE_INTERRUPT_MESSAGE');
    if (short) return { ok: false, error: short };
    const wslot = r.u32(4, 'wslot', fmtWslot);
    const intDesc = r.group('int_desc', 8, HV_MSI_DESC_SIZE, () => readHvMsiDesc(r), msiText);
    return ok({ type: 'PCI_CREATE_INTERRUPT_MESSAGE', wslot, intDesc });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_CREATE_INTERRUPT_MESSAGE, 8 + HV_MSI_DESC_SIZE).u32(4, m.wslot);
    writeHvMsiDesc(w, 8, m.intDesc);
    return w.b;
  },
};

export const createInterrupt2: MessageCodec<MessageOf<'PCI_CREATE_INTERRUPT_MESSAGE2'>> = {
  decode(r) {
    const short = needBytes(r, 8 + HV_MSI_DESC2_SIZE, 'PCI_CREATE_INTERRUPT_MESSAGE2');
    if (short) return { ok: false, error: short };
    const wslot = r.u32(4, 'wslot', fmtWslot);
    const intDesc = r.group(
      'int_desc',
      8,
      HV_MSI_DESC2_SIZE,
      () => readHvMsiDesc2(r),
      (d) => (d ? msiText(d) : 'invalid'),
    );
    if (!intDesc) return fail('count-out-of-range', 'PCI_CREATE_INTERRUPT_MESSAGE2: processor_count above 32', 12);
    return ok({ type: 'PCI_CREATE_INTERRUPT_MESSAGE2', wslot, intDesc });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_CREATE_INTERRUPT_MESSAGE2, 8 + HV_MSI_DESC2_SIZE).u32(4, m.wslot);
    writeHvMsiDesc2(w, 8, m.intDesc);
    return w.b;
  },
};

export const createInterrupt3: MessageCodec<MessageOf<'PCI_CREATE_INTERRUPT_MESSAGE3'>> = {
  decode(r) {
    const short = needBytes(r, 8 + HV_MSI_DESC3_SIZE, 'PCI_CREATE_INTERRUPT_MESSAGE3');
    if (short) return { ok: false, error: short };
    const wslot = r.u32(4, 'wslot', fmtWslot);
    const intDesc = r.group(
      'int_desc',
      8,
      HV_MSI_DESC3_SIZE,
      () => readHvMsiDesc3(r),
      (d) => (d ? msiText(d) : 'invalid'),
    );
    if (!intDesc) return fail('count-out-of-range', 'PCI_CREATE_INTERRUPT_MESSAGE3: processor_count above 32', 16);
    return ok({ type: 'PCI_CREATE_INTERRUPT_MESSAGE3', wslot, intDesc });
  },
  encode(m) {
    const w = messageWriter(MSG.PCI_CREATE_INTERRUPT_MESSAGE3, 8 + HV_MSI_DESC3_SIZE).u32(4, m.wslot);
    writeHvMsiDesc3(w, 8, m.intDesc);
    return w.b;
  },
};

function deleteInterruptCodec<T extends 'PCI_DELETE_INTERRUPT_MESSAGE' | 'PCI_DELETE_INTERRUPT_MESSAGE2'>(
  type: T,
): MessageCodec<{ type: T; wslot: number; intDesc: TranIntDesc }> {
  return {
    decode(r) {
      const short = needBytes(r, 8 + TRAN_INT_DESC_SIZE, type);
      if (short) return { ok: false, error: short };
      const wslot = r.u32(4, 'wslot', fmtWslot);
      const intDesc = r.group('int_desc', 8, TRAN_INT_DESC_SIZE, () => readTranIntDesc(r), tranText);
      return ok({ type, wslot, intDesc });
    },
    encode(m) {
      const w = messageWriter(MSG[type], 8 + TRAN_INT_DESC_SIZE).u32(4, m.wslot);
      writeTranIntDesc(w, 8, m.intDesc);
      return w.b;
    },
  };
}

export const deleteInterrupt = deleteInterruptCodec('PCI_DELETE_INTERRUPT_MESSAGE');
export const deleteInterrupt2 = deleteInterruptCodec('PCI_DELETE_INTERRUPT_MESSAGE2');
