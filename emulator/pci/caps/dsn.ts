// Device Serial Number (PCI_EXT_CAP_ID_DSN, 0x03): PCIe base spec §7.9.3. Linux names no
// registers; the two dwords are the serial's low and high halves.
import { reg, u32, type CapabilityDef } from './types';

export function dsnText(lo: number, hi: number): string {
  const b: string[] = [];
  for (let i = 3; i >= 0; i--) b.push(((hi >>> (8 * i)) & 0xff).toString(16).padStart(2, '0'));
  for (let i = 3; i >= 0; i--) b.push(((lo >>> (8 * i)) & 0xff).toString(16).padStart(2, '0'));
  return b.join('-');
}

export interface DsnView {
  kind: 'dsn';
  offset: number;
  serial: string;
  low: number;
  high: number;
}

export const dsnCap: CapabilityDef = {
  id: 0x03,
  extended: true,
  name: 'Device Serial Number',
  key: 'dsn',
  registers: () => [reg('SERIAL_LOW', 4, 4), reg('SERIAL_HIGH', 8, 4)],
  summary: (c, at) => dsnText(u32(c, at + 4), u32(c, at + 8)),
  view: (c, o): DsnView => {
    const low = u32(c, o + 4);
    const high = u32(c, o + 8);
    return { kind: 'dsn', offset: o, low, high, serial: dsnText(low, high) };
  },
};
