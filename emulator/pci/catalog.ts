// The device catalog: real PCIe functions, bytes exactly as dumped (embedded by
// scripts/gen-catalog-dumps.mjs into ./catalog-dumps.ts), BAR sizes from
// data/devices/SOURCES.md (a dump cannot show sizes). The two VFs have no public dump
// and are constructed (./catalog-vfs.ts). Every entry says where it came from: for the
// user in `source` (hover, completion, `vpci-lab devices`: no file names of this
// repository, which do not ship), and for us in the comment above it.

import type { BarSizeSpec } from './bars';
import { PciFunction } from './function';
import { CATALOG_DUMPS } from './catalog-dumps';
import { build82599Vf, buildCx3Vf } from './catalog-vfs';
import { clip } from '../format';

export interface CatalogEntry {
  id: string;
  title: string;
  vendorId: number;
  deviceId: number;
  /** What the device is and what of it the data shows, for a user (one or two sentences). */
  description: string;
  bars: BarSizeSpec[];
  /** Where its config bytes and BAR sizes come from, in a user's terms (one line). */
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
  // Bytes: data/devices/intel-82599-pf.lspci (linux-pci list, Message-ID
  // <4177f0be-5859-9a71-da06-2e67641568d7@hisilicon.com>). Sizes: SOURCES.md BAR table row
  // "82599ES PF, Huawei LOM" (intel-82599-pf.dmesg.txt reg 0x10/0x18/0x20/0x30).
  {
    id: 'intel-82599-pf',
    title: 'Intel 82599ES 10-Gigabit SFI/SFP+ Network Connection (physical function), Huawei on-board',
    description:
      'The physical function of an Intel 82599ES 10 GbE controller [8086:10fb] rev 01, subsystem Huawei [19e5:d111], ' +
      'as it looks right after hot-add: BARs not yet assigned, memory decoding off. SR-IOV capable.',
    dump: 'intel-82599-pf',
    address: '01:00.0',
    bars: [
      { index: 0, size: 4 * M },
      { index: 2, size: 32 },
      { index: 4, size: 16 * K },
      { index: 'rom', size: 4 * M },
    ],
    source: 'a public config-space dump (a kernel log posted to the linux-pci mailing list, 2021); BAR sizes from the same log',
    interrupts: 'MSI-X 64, MSI 1',
    vf: false,
  },
  // Constructed by catalog-vfs.ts build82599Vf from SOURCES.md BAR table row "82599 VF
  // [8086:10ed]" (intel-82599-pf.dmesg.txt reg 0x184/0x190; OpenStack SR-IOV guest lspci;
  // "Enable SR-IOV in Intel 82599ES" blog).
  {
    id: 'intel-82599-vf',
    title: 'Intel 82599 Ethernet Controller Virtual Function',
    description:
      'An SR-IOV virtual function of the Intel 82599 [8086:10ed] as a guest sees it after pass-through: two 16K ' +
      'prefetchable memory BARs, MSI-X with 3 vectors (as many as the ixgbevf driver uses), no INTx. Where its ' +
      'MSI-X table and PBA sit in BAR3 is an assumption (the same offsets as the PF).',
    dump: build82599Vf,
    address: '00:00.0',
    bars: [
      { index: 0, size: 16 * K },
      { index: 3, size: 16 * K },
    ],
    source: "built by vPCI Lab (no public dump of this VF exists): the layout real guests' lspci shows, BAR sizes from the PF's kernel log",
    interrupts: 'MSI-X 3',
    vf: true,
  },
  // Bytes: data/devices/mellanox-cx3-pf-header64.lspci (Heioy/Books
  // an-zhuang-pei-zhi/cha-kan-infiniband-wang-ka-she-bei.md @4e864b8f). Sizes: SOURCES.md row
  // "ConnectX-3 PF [15b3:1003]".
  {
    id: 'mellanox-cx3-pf',
    title: 'Mellanox ConnectX-3 (physical function), first 64 bytes',
    description:
      'Mellanox ConnectX-3 [15b3:1003] MCX354A-FCBT, subsystem [15b3:0050]. Only the 64-byte header was published; ' +
      'the rest of its config space reads as zero, so its capabilities do not show.',
    dump: 'mellanox-cx3-pf-header64',
    address: '82:00.0',
    bars: [
      { index: 0, size: 1 * M },
      { index: 2, size: 8 * M },
      { index: 'rom', size: 1 * M },
    ],
    source: "a public lspci -vvv -x listing (an InfiniBand setup guide); BAR sizes from that listing's lspci -v lines",
    interrupts: 'MSI-X 128 (capability not in the 64-byte dump)',
    vf: false,
  },
  // Constructed by catalog-vfs.ts buildCx3Vf from SOURCES.md row "ConnectX-3 VF [15b3:1004]"
  // (Mellanox OFED Hyper-V HOWTO guest lspci -vvv; xcp-ng/xcp#544).
  {
    id: 'mellanox-cx3-vf',
    title: 'Mellanox ConnectX-3 Virtual Function, as a Hyper-V guest sees it',
    description:
      'An SR-IOV virtual function of the Mellanox ConnectX-3 [15b3:1004] as a Hyper-V guest sees it (vPCI filters ' +
      'its config space): one 8M prefetchable memory BAR (BAR2), MSI-X with 24 vectors, no INTx.',
    dump: buildCx3Vf,
    address: '00:00.0',
    bars: [{ index: 2, size: 8 * M }],
    source:
      "built by vPCI Lab (no public dump of this VF exists): the layout a Hyper-V guest's lspci -vvv shows in Mellanox's Hyper-V guide; BAR size from a host kernel log",
    interrupts: 'MSI-X 24',
    vf: true,
  },
  // Bytes and size: data/devices/samsung-pm174x-nvme.lspci (pciutils/pciutils tests/cap-phy32
  // @0f5b941a); SOURCES.md row "Samsung PM174X NVMe".
  {
    id: 'samsung-pm174x-nvme',
    title: 'Samsung PM174X NVMe SSD',
    description: 'Samsung PM174X NVMe controller [144d:a826], subsystem [144d:aa0a], with SR-IOV (64 VFs); the whole 4 KiB config space.',
    dump: 'samsung-pm174x-nvme',
    address: '2e:00.0',
    bars: [{ index: 0, size: 32 * K }],
    source: "pciutils' own test data (a 4 KiB lspci dump, with the BAR size in its lspci -v lines)",
    interrupts: 'MSI-X 129',
    vf: false,
  },
  // Bytes: data/devices/nvidia-tu102-gpu.lspci (duaneya/tool_man nvidia-bug-report.log
  // @e096861c). Sizes: SOURCES.md row "TU102 [10de:1e07]".
  {
    id: 'nvidia-tu102',
    title: 'NVIDIA TU102 GPU (GeForce RTX 2080 Ti)',
    description: 'NVIDIA TU102 [10de:1e07] rev a1, subsystem [10de:12fa], of the same Turing family as the Tesla T4; the first 256 bytes of its config space.',
    dump: 'nvidia-tu102-gpu',
    address: '02:00.0',
    bars: [
      { index: 0, size: 16 * M },
      { index: 1, size: 256 * M },
      { index: 3, size: 32 * M },
      { index: 5, size: 128 },
      { index: 'rom', size: 512 * K },
    ],
    source: 'a public nvidia-bug-report.log (lspci -v -xxx); BAR sizes from its lspci -v lines',
    interrupts: 'MSI 1',
    vf: false,
  },
  // Bytes: data/devices/intel-x710-pf.lspci (public Markdown "vpp up 某 x710 bypass
  // 网卡初始化失败问题定位.md"). Sizes: not in SOURCES.md ("sizes not shown"), see below.
  {
    id: 'intel-x710-pf',
    title: 'Intel Ethernet Controller X710 for 10GbE SFP+ (physical function)',
    description: 'Intel X710 [8086:1572] rev 02, subsystem Portwell [15bb:0000]; the first 256 bytes of its config space.',
    dump: 'intel-x710-pf',
    address: '04:00.0',
    // SOURCES.md: "sizes not shown". Bounded by this dump's own addresses: BAR3 at
    // db808000 is 32K-aligned but not 64K-aligned (≤ 32K); BAR0 at db000000 must end
    // by db800000 (≤ 8M); the ROM at df280000 is 512K-aligned, not 1M (≤ 512K). All
    // three taken at those bounds.
    bars: [
      { index: 0, size: 8 * M },
      { index: 3, size: 32 * K },
      { index: 'rom', size: 512 * K },
    ],
    source: 'a public lspci -xxx listing (a troubleshooting write-up); its BAR sizes were not published: each is the largest its dumped address allows',
    interrupts: 'MSI-X 129, MSI 1',
    vf: false,
  },
  // Bytes: data/devices/mellanox-cx5ex-pf.lspci (linux-pci list, Message-ID
  // <f0831ca3-3c41-9c11-9e7a-267753f9f1fa@huawei.com>). Sizes: SOURCES.md row "ConnectX-5 [15b3:1017]".
  {
    id: 'mellanox-cx5ex-pf',
    title: 'Mellanox ConnectX-5 Ex (physical function)',
    description:
      'Mellanox ConnectX-5 Ex [15b3:1019], MCX516A-CDAT [15b3:0008]: an SR-IOV physical function whose SR-IOV capability lies beyond the 256 bytes published.',
    dump: 'mellanox-cx5ex-pf',
    address: '01:00.0',
    // SOURCES.md: "size not shown" for the 1019; 32M and ROM 1M are the ConnectX-5 [1017]
    // row of the same family.
    bars: [
      { index: 0, size: 32 * M },
      { index: 'rom', size: 1 * M },
    ],
    source: 'a public lspci -xxx dump (linux-pci mailing list, 2022); BAR sizes from a ConnectX-5 of the same family (none were published for this one)',
    interrupts: 'MSI-X 64',
    vf: false,
  },
  // Bytes and sizes: data/devices/intel-82576-pf-sriov.lspci (pciutils/pciutils tests/cap-pcie-2);
  // SOURCES.md row "82576 PF [8086:10c9]".
  {
    id: 'intel-82576-pf',
    title: 'Intel 82576 Gigabit Network Connection (physical function) with SR-IOV',
    description: 'Intel 82576 [8086:10c9], subsystem [8086:a03c], with SR-IOV (8 VFs, VF device 10ca); the whole 4 KiB config space.',
    dump: 'intel-82576-pf-sriov',
    address: '01:00.0',
    bars: [
      { index: 0, size: 128 * K },
      { index: 1, size: 4 * M },
      { index: 2, size: 32 },
      { index: 3, size: 16 * K },
      { index: 'rom', size: 4 * M },
    ],
    source: "pciutils' own test data (a 4 KiB lspci -vvvxxxx listing, with the BAR sizes)",
    interrupts: 'MSI-X 10, MSI 1',
    vf: false,
  },
  // Bytes: data/devices/mellanox-cx3pro-pf.lspci (pciutils/pciutils tests/cap-aer-root, 03:00.0).
  // Sizes: SOURCES.md row "ConnectX-3 Pro PF [15b3:1007]".
  {
    id: 'mellanox-cx3pro-pf',
    title: 'Mellanox ConnectX-3 Pro (physical function), Google OEM',
    description: 'Mellanox ConnectX-3 Pro [15b3:1007], subsystem [1ae0:0034]; the whole 4 KiB config space, with no SR-IOV capability exposed.',
    dump: 'mellanox-cx3pro-pf',
    address: '03:00.0',
    // This dump's BARs are 32-bit (c0100000, be000000), unlike the 64-bit ones in the
    // SOURCES.md row; the sizes are that row's.
    bars: [
      { index: 0, size: 1 * M },
      { index: 2, size: 8 * M },
      { index: 'rom', size: 1 * M },
    ],
    source: "pciutils' own test data (a 4 KiB lspci dump); BAR sizes from another ConnectX-3 Pro's public lspci -v",
    interrupts: 'MSI-X 256',
    vf: false,
  },
  // Bytes and sizes: data/devices/intel-82599-pf-dpdk-sysfs.config and .resource (DPDK/dpdk
  // app/test/test_pci_sysfs @53c3c30c); SOURCES.md row "82599ES PF, DPDK test box".
  {
    id: 'intel-82599-pf-dpdk',
    title: 'Intel 82599ES (physical function), Ethernet Server Adapter X520-2, first 64 bytes',
    description:
      'Intel 82599ES [8086:10fb], subsystem X520-2 [8086:0003]. Only the first 64 bytes of its config space were saved, so its capabilities do not show.',
    dump: 'intel-82599-pf-dpdk-sysfs',
    address: '01:00.0',
    bars: [
      { index: 0, size: 512 * K },
      { index: 2, size: 32 },
      { index: 4, size: 16 * K },
    ],
    source: "DPDK's test data (a 64-byte sysfs config file; BAR sizes from its sysfs resource file)",
    interrupts: 'MSI-X 64 (capability not in the 64-byte dump)',
    vf: false,
  },
];

const BY_ID = new Map(DEFS.map((d) => [d.id, d]));

export function catalogIds(): string[] {
  return DEFS.map((d) => d.id);
}

/** An entry's title, without making its config bytes (a constructed function is built to read its ids). */
export function catalogTitle(id: string): string | undefined {
  return BY_ID.get(id)?.title;
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
  if (!d || !bytes) throw new Error(`unknown catalog device '${clip(id)}' (known: ${catalogIds().join(', ')})`);
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
