// The two SR-IOV virtual functions of the catalog. No public config dump of either
// exists (data/devices/SOURCES.md, "Not found, despite searching"), so their config
// spaces are CONSTRUCTED here from the layouts SOURCES.md records from live lspci
// text and kernel logs. Every byte not set below reads as zero. What a guest sees is
// modelled: on bare metal a VF's Vendor ID / Device ID registers read 0xFFFF (PCIe
// SR-IOV 1.1 §3.4.1.1–2) and the OS takes the VF Device ID from the PF's SR-IOV
// capability; a Hyper-V guest reads the real ids, which is what the bytes hold here.

/** Little-endian writer over a 4 KiB config space. */
class Builder {
  readonly bytes = new Uint8Array(4096);
  b(off: number, v: number): this {
    this.bytes[off] = v & 0xff;
    return this;
  }
  w(off: number, v: number): this {
    return this.b(off, v).b(off + 1, v >>> 8);
  }
  l(off: number, v: number): this {
    return this.w(off, v & 0xffff).w(off + 2, v >>> 16);
  }
}

/**
 * Intel 82599 VF [8086:10ed], guest view.
 * - BAR0 16K and BAR3 16K, each mem64 prefetchable, no other BARs, no ROM, no PM or MSI
 *   capability: SOURCES.md "82599 VF" row (sizes from intel-82599-pf.dmesg.txt, kernel
 *   "reg 0x184"/"reg 0x190" = VF BAR0/BAR3, 16K each; types from the OpenStack SR-IOV
 *   guest lspci and the "Enable SR-IOV in Intel 82599ES" blog).
 * - MSI-X at [70], Count=3 (Table Size field 2): same rows. Linux ixgbevf asks for at
 *   most 3 vectors (2 queue vectors + 1 mailbox/"other"): drivers/net/ethernet/intel/
 *   ixgbevf/ixgbevf.h MAX_MSIX_Q_VECTORS / NON_Q_VECTORS (torvalds/linux).
 * - Table in BAR3 at offset 0 and PBA at BAR3+0x2000: ASSUMED, mirroring the PF's own
 *   BAR4 layout (table +0, PBA +0x2000, intel-82599-pf.lspci); no public VF lspci -vv
 *   shows the VF's table/PBA lines.
 * - Capability chain [70] MSI-X → [a0] PCIe (v2 Endpoint) → [100] AER → [150] ARI:
 *   SOURCES.md "82599 VF" row. DevCap/DevCap2 copy the PF's (intel-82599-pf.lspci
 *   a4: 10008cc2, c4: 0000001f); the VF's link registers are reserved (zero).
 * - Subsystem 8086:7b11 and class 0200: the OpenStack guest lspci cited in SOURCES.md.
 * - Revision 01 as the PF; Interrupt Pin 0 (VFs have no INTx, SR-IOV 1.1 §3.4.1.14).
 */
export function build82599Vf(): Uint8Array {
  const c = new Builder();
  c.w(0x00, 0x8086).w(0x02, 0x10ed);
  c.w(0x04, 0x0000).w(0x06, 0x0010); // Status.CapList
  c.b(0x08, 0x01).b(0x09, 0x00).b(0x0a, 0x00).b(0x0b, 0x02); // Ethernet controller
  c.b(0x0e, 0x00);
  c.l(0x10, 0x0000000c); // BAR0: mem64 prefetchable (upper half at 0x14)
  c.l(0x1c, 0x0000000c); // BAR3: mem64 prefetchable (upper half at 0x20)
  c.w(0x2c, 0x8086).w(0x2e, 0x7b11);
  c.b(0x34, 0x70);
  // [70] MSI-X: 3 vectors, table BIR 3 +0, PBA BIR 3 +0x2000.
  c.b(0x70, 0x11).b(0x71, 0xa0).w(0x72, 0x0002).l(0x74, 0x00000003).l(0x78, 0x00002003);
  // [a0] PCI Express v2, Endpoint.
  c.b(0xa0, 0x10).b(0xa1, 0x00).w(0xa2, 0x0002).l(0xa4, 0x10008cc2).l(0xc4, 0x0000001f);
  // [100] AER v1 → [150]; [150] ARI v1, end.
  c.l(0x100, (0x150 << 20) | (1 << 16) | 0x0001);
  c.l(0x150, (0x000 << 20) | (1 << 16) | 0x000e);
  return c.bytes;
}

/**
 * Mellanox ConnectX-3 VF [15b3:1004], as seen inside a Hyper-V guest (vPCI filters the
 * config space): SOURCES.md "ConnectX-3 VF" row (the Mellanox OFED Hyper-V HOWTO guest
 * `lspci -vvv`; xcp-ng/xcp#544 for the 8M-per-VF BAR2).
 * - BAR2 only: 8M mem64 prefetchable. (Not BAR0: the VF has no BAR0.)
 * - Capabilities [60] PCIe → [9c] MSI-X → [40] PM version 0, the order the PF lists
 *   them in after its own PM/VPD (mellanox-cx3pro-pf: [40] [9c] [60]).
 * - MSI-X Count=24 (Table Size 23), table BAR2+0x2000, PBA BAR2+0x3000.
 * - Class 0200 (the mlx4 VF in Ethernet mode), revision 00, no subsystem ids: none is
 *   recorded in the sources, so they read zero and lspci prints no Subsystem line.
 */
export function buildCx3Vf(): Uint8Array {
  const c = new Builder();
  c.w(0x00, 0x15b3).w(0x02, 0x1004);
  c.w(0x04, 0x0000).w(0x06, 0x0010);
  c.b(0x08, 0x00).b(0x0b, 0x02);
  c.l(0x18, 0x0000000c); // BAR2: mem64 prefetchable (upper half at 0x1c)
  c.b(0x34, 0x60);
  c.b(0x60, 0x10).b(0x61, 0x9c).w(0x62, 0x0002); // [60] PCIe v2 Endpoint
  c.b(0x9c, 0x11).b(0x9d, 0x40).w(0x9e, 0x0017).l(0xa0, 0x00002002).l(0xa4, 0x00003002); // [9c] MSI-X
  c.b(0x40, 0x01).b(0x41, 0x00).w(0x42, 0x0000); // [40] PM version 0
  return c.bytes;
}
