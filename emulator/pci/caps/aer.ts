// Advanced Error Reporting (PCI_EXT_CAP_ID_ERR, 0x01): PCIe base spec §7.8.4; names from Linux
// pci_regs.h PCI_ERR_*.
import { f, reg, regm, u32, type CapabilityDef, type FieldDef } from './types';

/** Uncorrectable error bits (PCI_ERR_UNC_*), by bit. */
export interface AerView {
  kind: 'aer';
  offset: number;
  version: number;
  uncorrectableStatus: number;
  uncorrectableMask: number;
  uncorrectableSeverity: number;
  correctableStatus: number;
  correctableMask: number;
  capControl: number;
  firstErrorPointer: number;
  headerLog: number[];
}

export const AER_UNCORRECTABLE: FieldDef[] = [
  f('UND', 0),
  f('DLP', 4),
  f('SURPDN', 5),
  f('POISON_TLP', 12),
  f('FCP', 13),
  f('COMP_TIME', 14),
  f('COMP_ABORT', 15),
  f('UNX_COMP', 16),
  f('RX_OVER', 17),
  f('MALF_TLP', 18),
  f('ECRC', 19),
  f('UNSUP', 20),
  f('ACSV', 21),
  f('INTN', 22),
  f('MCBTLP', 23),
  f('ATOMEG', 24),
  f('TLPPRE', 25),
  f('POISON_BLK', 26),
  f('DMWR_BLK', 27),
  f('IDE_CHECK', 28),
  f('MISR_IDE', 29),
  f('PCRC_CHECK', 30),
  f('XLAT_BLK', 31),
];
/** Correctable error bits (PCI_ERR_COR_*). */
export const AER_CORRECTABLE: FieldDef[] = [
  f('RCVR', 0),
  f('BAD_TLP', 6),
  f('BAD_DLLP', 7),
  f('REP_ROLL', 8),
  f('REP_TIMER', 12),
  f('ADV_NFAT', 13),
  f('INTERNAL', 14),
  f('LOG_OVER', 15),
];

/** The bits a list of single-bit fields names (the rest of the register is reserved). */
function bitsOf(fields: FieldDef[]): number {
  let m = 0;
  for (const x of fields) m |= 1 << x.bits[0];
  return m >>> 0;
}
const UNCORRECTABLE_BITS = bitsOf(AER_UNCORRECTABLE);
const CORRECTABLE_BITS = bitsOf(AER_CORRECTABLE);

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x; x >>>= 1) n += x & 1;
  return n;
}

export const aerCap: CapabilityDef = {
  id: 0x01,
  extended: true,
  name: 'Advanced Error Reporting',
  key: 'err',
  registers: () => [
    // Status registers clear on a written 1; masks and severities are read-write; of the
    // capability register only the ECRC generation and check enables are. Each in the bits that
    // name an error only: the others are reserved (RsvdZ in the status registers, RsvdP in the
    // masks and severities: PCIe base spec §7.8.4.2–7.8.4.6) and keep their value when written.
    // Which of the named errors a device implements is the device's (they are optional): ours
    // takes all of them as implemented.
    regm('UNCOR_STATUS', 0x04, 4, 0, UNCORRECTABLE_BITS, AER_UNCORRECTABLE),
    regm('UNCOR_MASK', 0x08, 4, UNCORRECTABLE_BITS, 0, AER_UNCORRECTABLE),
    regm('UNCOR_SEVER', 0x0c, 4, UNCORRECTABLE_BITS, 0, AER_UNCORRECTABLE),
    regm('COR_STATUS', 0x10, 4, 0, CORRECTABLE_BITS, AER_CORRECTABLE),
    regm('COR_MASK', 0x14, 4, CORRECTABLE_BITS, 0, AER_CORRECTABLE),
    regm('CAP', 0x18, 4, 0x00000140, 0, [
      f('FEP', 0, 4),
      f('ECRC_GENC', 5),
      f('ECRC_GENE', 6),
      f('ECRC_CHKC', 7),
      f('ECRC_CHKE', 8),
      f('MULT_HDRC', 9),
      f('MULT_HDRE', 10),
      f('PREFIX_LOG_PRESENT', 11),
      f('COMP_TIME_LOG', 12),
    ]),
    reg('HEADER_LOG', 0x1c, 4),
    reg('HEADER_LOG_1', 0x20, 4),
    reg('HEADER_LOG_2', 0x24, 4),
    reg('HEADER_LOG_3', 0x28, 4),
  ],
  summary: (c, at) => {
    const ue = u32(c, at + 4);
    const ce = u32(c, at + 0x10);
    const fep = u32(c, at + 0x18) & 0x1f;
    // The First Error Pointer is meaningful while an uncorrectable status bit is set.
    const first = ue ? (AER_UNCORRECTABLE.find((x) => x.bits[0] === fep)?.name ?? `bit ${fep}`) : '—';
    return `UE ${popcount(ue)} CE ${popcount(ce)}, first error ${first}`;
  },
  view: (c, o): AerView => {
    const cc = u32(c, o + 0x18);
    return {
      kind: 'aer',
      offset: o,
      version: (u32(c, o) >>> 16) & 0xf,
      uncorrectableStatus: u32(c, o + 4),
      uncorrectableMask: u32(c, o + 8),
      uncorrectableSeverity: u32(c, o + 0xc),
      correctableStatus: u32(c, o + 0x10),
      correctableMask: u32(c, o + 0x14),
      capControl: cc,
      firstErrorPointer: cc & 0x1f,
      headerLog: [0, 1, 2, 3].map((i) => u32(c, o + 0x1c + 4 * i)),
    };
  },
};
