// The device catalog: real PCIe functions, bytes exactly as dumped (embedded by
// scripts/gen-catalog-dumps.mjs into ./catalog-dumps.ts), BAR sizes from
// data/devices/SOURCES.md (a dump cannot show sizes). The two VFs have no public dump
// and are constructed (./catalog-vfs.ts). Every entry says where it came from.

import type { BarSizeSpec } from './bars';
import { PciFunction } from './function';
import { CATALOG_DUMPS } from './catalog-dumps';
import { build82599Vf, buildCx3Vf } from './catalog-vfs';

export interface CatalogEntry {
  id: string;
  title: string;
  vendorId: number;
  deviceId: number;
  description: string;
  bars: BarSizeSpec[];
  /** Which dump (or construction), and which SOURCES.md rows give the bytes and sizes. */
  source: string;
  /** Interrupt summary, e.g. "MSI-X 64". */
  interrupts: string;
  vf: boolean;
}

interface Def extends Omit<CatalogEntry, 'vendorId' | 'deviceId'> {
  /** Key in CATALOG_DUMPS, or a builder for a constructed function. */
  dump: string | (() => Uint8Array);
  /** Dump address (for export) — constructed entries get a made-up one. */
  address: string;
}

const K = 1024;
const M = 1024 * K;

const DEFS: Def[] = [
  {
    id: 'intel-82599-pf',
    title: 'Intel 82599ES 10GbE SFI/SFP+ (PF), Huawei LOM',
    description: 'Intel 82599ES PF [8086:10fb] rev 01, subsystem Huawei [19e5:d111]; dumped after hot-add, before BAR assignment.',
    dump: 'intel-82599-pf',
    address: '01:00.0',
    bars: [{ index: 0, size: 4 * M }, { index: 2, size: 32 }, { index: 4, size: 16 * K }, { index: 'rom', size: 4 * M }],
    source:
      'dump intel-82599-pf.lspci (linux-pci list, Message-ID <4177f0be-5859-9a71-da06-2e67641568d7@hisilicon.com>); ' +
      'sizes: SOURCES.md BAR table row "82599ES PF, Huawei LOM" (intel-82599-pf.dmesg.txt reg 0x10/0x18/0x20/0x30)',
    interrupts: 'MSI-X 64, MSI 1',
    vf: false,
  },
  {
    id: 'intel-82599-vf',
    title: 'Intel 82599 Virtual Function (constructed)',
    description:
      'Intel 82599 VF [8086:10ed]. CONSTRUCTED, not dumped: no public dump exists; built from the layout SOURCES.md records (see catalog-vfs.ts).',
    dump: build82599Vf,
    address: '00:00.0',
    bars: [{ index: 0, size: 16 * K }, { index: 3, size: 16 * K }],
    source:
      'constructed (catalog-vfs.ts build82599Vf) from SOURCES.md BAR table row "82599 VF [8086:10ed]" ' +
      '(intel-82599-pf.dmesg.txt reg 0x184/0x190; OpenStack SR-IOV guest lspci; "Enable SR-IOV in Intel 82599ES" blog)',
    interrupts: 'MSI-X 3',
    vf: true,
  },
  {
    id: 'mellanox-cx3-pf',
    title: 'Mellanox ConnectX-3 (PF), first 64 bytes',
    description:
      'Mellanox ConnectX-3 [15b3:1003] MCX354A-FCBT, subsystem [15b3:0050]. Only the 64-byte header was dumped; the rest reads as zero.',
    dump: 'mellanox-cx3-pf-header64',
    address: '82:00.0',
    bars: [{ index: 0, size: 1 * M }, { index: 2, size: 8 * M }, { index: 'rom', size: 1 * M }],
    source:
      'dump mellanox-cx3-pf-header64.lspci (Heioy/Books an-zhuang-pei-zhi/cha-kan-infiniband-wang-ka-she-bei.md @4e864b8f); ' +
      'sizes: SOURCES.md row "ConnectX-3 PF [15b3:1003]"',
    interrupts: 'MSI-X 128 (capability not in the 64-byte dump)',
    vf: false,
  },
  {
    id: 'mellanox-cx3-vf',
    title: 'Mellanox ConnectX-3 Virtual Function (constructed, Hyper-V guest view)',
    description:
      'Mellanox ConnectX-3 VF [15b3:1004]. CONSTRUCTED, not dumped: no public dump exists; built from the Hyper-V guest layout SOURCES.md records (see catalog-vfs.ts).',
    dump: buildCx3Vf,
    address: '00:00.0',
    bars: [{ index: 2, size: 8 * M }],
    source:
      'constructed (catalog-vfs.ts buildCx3Vf) from SOURCES.md row "ConnectX-3 VF [15b3:1004]" ' +
      '(Mellanox OFED Hyper-V HOWTO guest lspci -vvv; xcp-ng/xcp#544)',
    interrupts: 'MSI-X 24',
    vf: true,
  },
  {
    id: 'samsung-pm174x-nvme',
    title: 'Samsung PM174X NVMe SSD',
    description: 'Samsung PM174X NVMe [144d:a826], subsystem [144d:aa0a]; SR-IOV (64 VFs), 4 KiB dump.',
    dump: 'samsung-pm174x-nvme',
    address: '2e:00.0',
    bars: [{ index: 0, size: 32 * K }],
    source:
      'dump samsung-pm174x-nvme.lspci (pciutils/pciutils tests/cap-phy32 @0f5b941a); sizes: SOURCES.md row "Samsung PM174X NVMe"',
    interrupts: 'MSI-X 129',
    vf: false,
  },
  {
    id: 'nvidia-tu102',
    title: 'NVIDIA TU102 (GeForce RTX 2080 Ti)',
    description: 'NVIDIA TU102 [10de:1e07] rev a1, subsystem [10de:12fa]; same Turing family as the Tesla T4.',
    dump: 'nvidia-tu102-gpu',
    address: '02:00.0',
    bars: [
      { index: 0, size: 16 * M },
      { index: 1, size: 256 * M },
      { index: 3, size: 32 * M },
      { index: 5, size: 128 },
      { index: 'rom', size: 512 * K },
    ],
    source:
      'dump nvidia-tu102-gpu.lspci (duaneya/tool_man nvidia-bug-report.log @e096861c); sizes: SOURCES.md row "TU102 [10de:1e07]"',
    interrupts: 'MSI 1',
    vf: false,
  },
  {
    id: 'intel-x710-pf',
    title: 'Intel X710 10GbE SFP+ (PF)',
    description: 'Intel X710 [8086:1572] rev 02, subsystem Portwell [15bb:0000].',
    dump: 'intel-x710-pf',
    address: '04:00.0',
    // SOURCES.md: "sizes not shown". Bounded by this dump's own addresses: BAR3 at
    // db808000 is 32K-aligned but not 64K-aligned (≤ 32K); BAR0 at db000000 must end
    // by db800000 (≤ 8M); the ROM at df280000 is 512K-aligned, not 1M (≤ 512K). All
    // three taken at those bounds.
    bars: [{ index: 0, size: 8 * M }, { index: 3, size: 32 * K }, { index: 'rom', size: 512 * K }],
    source:
      'dump intel-x710-pf.lspci (public Markdown "vpp up 某 x710 bypass 网卡初始化失败问题定位.md"); sizes NOT in SOURCES.md ' +
      '("sizes not shown"): upper bounds from the dumped BAR addresses',
    interrupts: 'MSI-X 129, MSI 1',
    vf: false,
  },
  {
    id: 'mellanox-cx5ex-pf',
    title: 'Mellanox ConnectX-5 Ex (PF)',
    description: 'Mellanox ConnectX-5 Ex [15b3:1019] MCX516A-CDAT [15b3:0008], SR-IOV PF (cap beyond the 256-byte dump).',
    dump: 'mellanox-cx5ex-pf',
    address: '01:00.0',
    // SOURCES.md: "size not shown" for the 1019; 32M and ROM 1M are the ConnectX-5 [1017]
    // row of the same family.
    bars: [{ index: 0, size: 32 * M }, { index: 'rom', size: 1 * M }],
    source:
      'dump mellanox-cx5ex-pf.lspci (linux-pci list, Message-ID <f0831ca3-3c41-9c11-9e7a-267753f9f1fa@huawei.com>); ' +
      'sizes: SOURCES.md row "ConnectX-5 [15b3:1017]" (family stand-in; the 1019 row gives none)',
    interrupts: 'MSI-X 64',
    vf: false,
  },
  {
    id: 'intel-82576-pf',
    title: 'Intel 82576 Gigabit (PF) with SR-IOV',
    description: 'Intel 82576 PF [8086:10c9], subsystem [8086:a03c]; SR-IOV 8 VFs (VF ID 10ca), 4 KiB dump.',
    dump: 'intel-82576-pf-sriov',
    address: '01:00.0',
    bars: [
      { index: 0, size: 128 * K },
      { index: 1, size: 4 * M },
      { index: 2, size: 32 },
      { index: 3, size: 16 * K },
      { index: 'rom', size: 4 * M },
    ],
    source: 'dump intel-82576-pf-sriov.lspci (pciutils/pciutils tests/cap-pcie-2); sizes: SOURCES.md row "82576 PF [8086:10c9]"',
    interrupts: 'MSI-X 10, MSI 1',
    vf: false,
  },
  {
    id: 'mellanox-cx3pro-pf',
    title: 'Mellanox ConnectX-3 Pro (PF), Google OEM',
    description: 'Mellanox ConnectX-3 Pro [15b3:1007], subsystem [1ae0:0034]; 4 KiB dump, no SR-IOV capability exposed.',
    dump: 'mellanox-cx3pro-pf',
    address: '03:00.0',
    // This dump's BARs are 32-bit (c0100000, be000000), unlike the 64-bit ones in the
    // SOURCES.md row; the sizes are that row's.
    bars: [{ index: 0, size: 1 * M }, { index: 2, size: 8 * M }, { index: 'rom', size: 1 * M }],
    source: 'dump mellanox-cx3pro-pf.lspci (pciutils/pciutils tests/cap-aer-root, 03:00.0); sizes: SOURCES.md row "ConnectX-3 Pro PF [15b3:1007]"',
    interrupts: 'MSI-X 256',
    vf: false,
  },
  {
    id: 'intel-82599-pf-dpdk',
    title: 'Intel 82599ES (PF), X520-2, 64-byte sysfs config',
    description: 'Intel 82599ES PF [8086:10fb], subsystem X520-2 [8086:0003]; 64 bytes of sysfs config.',
    dump: 'intel-82599-pf-dpdk-sysfs',
    address: '01:00.0',
    bars: [{ index: 0, size: 512 * K }, { index: 2, size: 32 }, { index: 4, size: 16 * K }],
    source:
      'dump intel-82599-pf-dpdk-sysfs.config (DPDK/dpdk app/test/test_pci_sysfs @53c3c30c); sizes: SOURCES.md row ' +
      '"82599ES PF, DPDK test box" (its sysfs resource file)',
    interrupts: 'MSI-X 64 (capability not in the 64-byte dump)',
    vf: false,
  },
];

const BY_ID = new Map(DEFS.map((d) => [d.id, d]));

export function catalogIds(): string[] {
  return DEFS.map((d) => d.id);
}

export function catalogEntry(id: string): CatalogEntry | undefined {
  const d = BY_ID.get(id);
  if (!d) return undefined;
  const ids = typeof d.dump === 'function' ? d.dump() : hexToBytes((CATALOG_DUMPS[d.dump]?.hex ?? '').slice(0, 8));
  const { dump: _dump, address: _address, ...rest } = d;
  return { ...rest, bars: d.bars.map((b) => ({ ...b })), vendorId: ids[0]! | (ids[1]! << 8), deviceId: ids[2]! | (ids[3]! << 8) };
}

/** Decoded dumps, kept: each catalog device is decoded once per process (callers get copies). */
const decoded = new Map<string, Uint8Array>();

/** The entry's config bytes: as dumped (64, 256 or 4096 bytes), or the constructed 4096. */
export function catalogBytes(id: string): Uint8Array | undefined {
  const d = BY_ID.get(id);
  if (!d) return undefined;
  if (typeof d.dump === 'function') return d.dump();
  let bytes = decoded.get(d.dump);
  if (!bytes) {
    const dump = CATALOG_DUMPS[d.dump];
    if (!dump) return undefined;
    bytes = hexToBytes(dump.hex);
    decoded.set(d.dump, bytes);
  }
  return bytes.slice();
}

/** The address the dump was taken at (for export and decode headers). */
export function catalogAddress(id: string): string | undefined {
  return BY_ID.get(id)?.address;
}

/** Build the function model. Throws for an unknown id (check catalogIds() first). */
export function createFunction(id: string): PciFunction {
  const d = BY_ID.get(id);
  const bytes = catalogBytes(id);
  if (!d || !bytes) throw new Error(`unknown catalog device '${id}' (known: ${catalogIds().join(', ')})`);
  return PciFunction.fromConfig(bytes, d.bars, { name: id });
}

function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87; // '0'-'9', 'a'-'f' / 'A'-'F'
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  return out;
}
