// What both bridge drivers do identically for config reads they answer from the
// function description instead of the host (protocol.md §4.4, "identical logic in FB and
// LX"; freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c and torvalds/linux
// drivers/pci/controller/pci-hyperv.c `_hv_pcifront_read_config`). Each model
// keeps its own listing text; the arithmetic lives here once.

/** The function description both drivers keep per child (relations v1/v2 fields). */
export interface Desc {
  v_id: number;
  d_id: number;
  rev: number;
  prog_intf: number;
  subclass: number;
  base_class: number;
  subsystem_id: number;
  wslot: number;
  ser: number;
  flags: number;
  virtual_numa_node: number;
}

/** Bytes `where..where+size` of a descriptor laid out as [value, width, …], little-endian. */
export function descBytes(desc: Desc | null, fields: (number | undefined)[], where: number, size: number): number {
  if (!desc) return 0;
  const bytes: number[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const v = fields[i] ?? 0;
    const w = fields[i + 1] ?? 0;
    for (let b = 0; b < w; b++) bytes.push(Math.floor(v / 2 ** (8 * b)) & 0xff);
  }
  let val = 0;
  for (let i = 0; i < size; i++) val += (bytes[where + i] ?? 0) * 2 ** (8 * i);
  return val >>> 0;
}

/** Zeroes the interrupt line/pin bytes a wide read covers (the value the guest then sees). */
export function zeroIntLinePin(val: number, where: number, size: number): number {
  let v = val >>> 0;
  for (let i = 0; i < size; i++) {
    const off = where + i;
    if (off === 0x3c || off === 0x3d) v = (v & ~(0xff << (8 * i))) >>> 0;
  }
  return v;
}

/** The locals of the model's read_config frame: `where`, `size` and the child's `desc`. */
export interface At {
  where: number;
  size: number;
  desc: Desc | null;
}

/** Rules R1–R4 of protocol.md §4.4: when each applies, and the value it gives. */
export const PV_READ = {
  ids: (l: At) => l.where + l.size <= 0x04,
  idsValue: (l: At) => descBytes(l.desc, [l.desc?.v_id, 2, l.desc?.d_id, 2], l.where, l.size),
  classRev: (l: At) => l.where >= 0x08 && l.where + l.size <= 0x0c,
  classRevValue: (l: At) => descBytes(l.desc, [l.desc?.rev, 1, l.desc?.prog_intf, 1, l.desc?.subclass, 1, l.desc?.base_class, 1], l.where - 0x08, l.size),
  subsystem: (l: At) => l.where >= 0x2c && l.where + l.size <= 0x30,
  subsystemValue: (l: At) => descBytes(l.desc, [l.desc?.subsystem_id, 4], l.where - 0x2c, l.size),
  rom: (l: At) => l.where >= 0x30 && l.where + l.size <= 0x34,
};

/**
 * protocol.md §7.1 step 3, the same in both drivers: a reported function is an existing child when
 * win_slot, vendor, device and serial all match. Returns that child's win_slot, or null (new child).
 */
export function matchReported(children: readonly { desc: Desc }[], d: Desc): number | null {
  const c = children.find((x) => x.desc.wslot === d.wslot && x.desc.v_id === d.v_id && x.desc.d_id === d.d_id && x.desc.ser === d.ser);
  return c ? c.desc.wslot : null;
}
