// The Linux PCI core above pci-hyperv, compact: enumeration through the bus's
// pci_ops (hv_pcifront_read_config / write_config), BAR sizing, resource
// assignment inside the bridge windows pci-hyperv set up, device add (driver
// probe), enable / bus master, MSI-X and MSI set-up through the Hyper-V IRQ
// domain (hv_compose_msi_msg, hv_irq_unmask, hv_msi_free), and removal.
// Modelled on torvalds/linux drivers/pci/probe.c (pci_scan_child_bus,
// pci_scan_slot, pci_setup_device, __pci_read_base), setup-bus.c / setup-res.c
// (pci_bus_assign_resources, pci_assign_resource, pci_std_update_resource),
// bus.c (pci_bus_add_devices), pci.c (pci_enable_device, pci_set_master),
// msi/msi.c (msix_capability_init, msi_capability_init, __pci_write_msi_msg,
// pci_msi_unmask_irq) and remove.c (pci_stop_and_remove_bus_device); x86 MSI
// domains activate early and reactivate at request_irq (kernel/irq/msi.c,
// MSI_FLAG_ACTIVATE_EARLY | MSI_FLAG_MUST_REACTIVATE). Our own rendering.
import { S, T, If, For, Break, ret, wait, type Exec } from '../../../runtime/program';
import { num, type NumKey } from '../kernel';
import { devfnToWslot, hbus, pciDev, wslotToDevfn, type ComposeResult, type K, type MmioWindow, type PciDev, type PciResource } from './state';
import { fn, call, callDriver, type D } from './protos';

const FILE = 'linux/pci.c';

// include/uapi/linux/pci_regs.h
const PCI_COMMAND = 0x04;
const PCI_STATUS = 0x06;
const PCI_CLASS_REVISION = 0x08;
const PCI_HEADER_TYPE = 0x0e;
const PCI_CAPABILITY_LIST = 0x34;
const PCI_INTERRUPT_LINE = 0x3c;
const PCI_INTERRUPT_PIN = 0x3d;
const PCI_COMMAND_MEMORY = 0x2;
const PCI_COMMAND_MASTER = 0x4;
const PCI_STATUS_CAP_LIST = 0x10;
const PCI_CAP_ID_MSI = 0x05;
const PCI_CAP_ID_MSIX = 0x11;
const PCI_MSIX_FLAGS = 2;
const PCI_MSIX_TABLE = 4;
const PCI_MSIX_FLAGS_QSIZE = 0x07ff;
const PCI_MSIX_FLAGS_ENABLE = 0x8000;
const PCI_MSIX_FLAGS_MASKALL = 0x4000;
const PCI_MSIX_ENTRY_SIZE = 16;
const PCI_MSIX_ENTRY_VECTOR_CTRL = 12;
const PCI_MSIX_ENTRY_CTRL_MASKBIT = 1;
const PCI_MSI_FLAGS = 2;
const PCI_MSI_FLAGS_ENABLE = 0x0001;
const PCI_MSI_FLAGS_QMASK = 0x000e;
const PCI_MSI_FLAGS_QSIZE = 0x0070;
const PCI_MSI_FLAGS_64BIT = 0x0080;
const PCI_MSI_ADDRESS_LO = 4;
const PCI_MSI_ADDRESS_HI = 8;
const PCI_MSI_DATA_32 = 8;
const PCI_MSI_DATA_64 = 12;
const EINVAL = 22;
const ENOSPC = 28;
const ENODEV = 19;

/** pci_read_config_*: through the root bus's ops. */
function rd<L extends { devfn: number }>(reg: NumKey<L> | number, width: number, into: keyof L & string): Exec<K, L> {
  return (_k, l) => rdNow(l, reg, width, into);
}
function wr<L extends { devfn: number }>(reg: NumKey<L> | number, width: number, val: NumKey<L>): Exec<K, L> {
  return (_k, l) => wrNow(l, reg, width, val);
}
/** The same, from inside a statement that first computes the register or value. */
function rdNow<L extends { devfn: number }>(l: L, reg: NumKey<L> | number, width: number, into: keyof L & string) {
  return call('hv_pcifront_read_config', { devfn: l.devfn, where: typeof reg === 'number' ? reg : num(l, reg), size: width }, into);
}
function wrNow<L extends { devfn: number }>(l: L, reg: NumKey<L> | number, width: number, val: NumKey<L>) {
  return call('hv_pcifront_write_config', { devfn: l.devfn, where: typeof reg === 'number' ? reg : num(l, reg), size: width, val: num(l, val) >>> 0 });
}

function devs(k: K): PciDev[] {
  return k.sc.pci.children;
}

/** The MMIO address of MSI-X table entry `index` (msix_map_region + index * 16). */
function msixEntry(k: K, wslot: number, index: number): number | null {
  const p = pciDev(k, wslot);
  if (!p?.msix) return null;
  const r = p.resources.find((x) => x.bar === p.msix!.table_bar);
  if (!r || r.start === null) return null;
  return r.start + p.msix.table_offset + PCI_MSIX_ENTRY_SIZE * index;
}

/** allocate_resource() inside a bridge window: first fit, aligned to the BAR size. */
function allocInWindow(win: MmioWindow | null, size: number): number | null {
  if (!win) return null;
  let base = win.start;
  const used = [...win.used].sort((a, b) => a.start - b.start);
  for (;;) {
    base = Math.ceil(base / size) * size;
    if (base + size > win.start + win.size) return null;
    const hit = used.find((u) => base < u.start + u.size && u.start < base + size);
    if (!hit) break;
    base = hit.start + hit.size;
  }
  win.used.push({ start: base, size });
  return base;
}

function releaseInWindows(k: K, start: number): void {
  for (const w of [k.sc.hbus?.low_mmio_res, k.sc.hbus?.high_mmio_res]) {
    if (!w) continue;
    w.used = w.used.filter((u) => u.start !== start);
  }
}

export function pciCoreFunctions(): D[] {
  const scanChildBus = fn('pci_scan_child_bus')<{ devfn: number; nr: number }>({
    file: FILE,
    doc: ['/* drivers/pci/probe.c: scan the 32 device slots of the root bus. */'],
    signature: ['unsigned int', 'pci_scan_child_bus(struct pci_bus *bus)'],
    params: [],
    body: [
      For(
        'for (devfn = 0; devfn < 256; devfn += 8) {',
        (_k, l) => {
          l.devfn = 0;
        },
        (_k, l) => l.devfn < 256,
        (_k, l) => {
          l.devfn += 8;
        },
        [S('nr_devs = pci_scan_slot(bus, devfn);', (_k, l) => call('pci_scan_slot', { devfn: l.devfn }, 'nr'))],
      ),
      S('return max;', () => ret(0)),
    ],
  });

  const scanSlot = fn('pci_scan_slot')<{ fn: number; nr: number; dev: number | null }>({
    file: FILE,
    signature: ['int', 'pci_scan_slot(struct pci_bus *bus, int devfn)'],
    params: ['devfn'],
    body: [
      For(
        'for (fn = 0; fn < 8; fn = next_fn(bus, dev, fn)) {',
        (_k, l) => {
          l.fn = 0;
          l.nr = 0;
        },
        (_k, l) => l.fn < 8,
        (_k, l) => {
          l.fn++;
        },
        [
          S('dev = pci_scan_single_device(bus, devfn + fn);', (_k, l) => call('pci_scan_single_device', { devfn: l.devfn + l.fn }, 'dev')),
          If('if (dev) nr++; {', (_k, l) => l.dev !== null, [
            S('nr++;', (_k, l) => {
              l.nr++;
            }),
          ]),
          If(
            'if (fn == 0 && (!dev || !dev->multifunction)) {  /* next_fn() */',
            (k, l) => {
              if (l.fn !== 0) return false;
              const p = l.dev === null ? undefined : pciDev(k, l.dev);
              return !p || (p.hdr_type & 0x80) === 0;
            },
            [Break()],
          ),
        ],
      ),
      S('return nr;', (_k, l) => ret(l.nr)),
    ],
  });

  const scanSingle = fn('pci_scan_single_device')<{ have: number | null; dev: number | null }>({
    file: FILE,
    signature: ['struct pci_dev *', 'pci_scan_single_device(struct pci_bus *bus, int devfn)'],
    params: ['devfn'],
    body: [
      S('dev = pci_get_slot(bus, devfn);', (k, l) => {
        l.have = pciDev(k, devfnToWslot(l.devfn)) ? devfnToWslot(l.devfn) : null;
      }),
      If('if (dev) {', (_k, l) => l.have !== null, [S('pci_dev_put(dev); return dev;  /* already known */', (_k, l) => ret(l.have))]),
      S('dev = pci_scan_device(bus, devfn);', (_k, l) => call('pci_scan_device', { devfn: l.devfn }, 'dev')),
      If('if (!dev) {', (_k, l) => l.dev === null, [S('return NULL;', () => ret(null))]),
      S('pci_device_add(dev, bus);  /* -> pci_init_capabilities() */', (_k, l) => call('pci_init_capabilities', { devfn: l.devfn, wslot: l.dev! })),
      S('return dev;', (_k, l) => ret(l.dev)),
    ],
  });

  const scanDevice = fn('pci_scan_device')<{ l: number; wslot: number; err: number; delay: number; until: number | undefined }>({
    file: FILE,
    signature: ['static struct pci_dev *', 'pci_scan_device(struct pci_bus *bus, int devfn)'],
    params: ['devfn'],
    body: [
      S('found = pci_bus_read_dev_vendor_id(bus, devfn, &l, 60*1000);  /* pci_bus_read_config_dword(bus, devfn, PCI_VENDOR_ID, &l) */', rd(0, 4, 'l')),
      If(
        'if (!found) {  /* all ones / zero: nothing there */',
        (_k, l) => {
          const v = l.l >>> 0;
          return v === 0xffffffff || v === 0 || v === 0x0000ffff || v === 0xffff0000;
        },
        [S('return NULL;', () => ret(null))],
      ),
      // Vendor ID 0x0001 is a Configuration RRS completion (the device not ready yet): v6.12.118 drivers/pci/probe.c
      // pci_bus_wait_rrs, PCI_VENDOR_ID_PCI_SIG in drivers/pci/pci.h. A dump's never changes: after 1 + 2 + … + 32768 ms
      // the scan gives up and the slot has no device.
      // Ours: its 'not ready after …ms; waiting' lines (from 1 s on) are left out.
      If('if (pci_bus_rrs_vendor_id(l))  /* pci_bus_wait_rrs(bus, devfn, &l, 60*1000) */', (_k, l) => (l.l & 0xffff) === 1, [
        For(
          'for (delay = 1; pci_bus_rrs_vendor_id(l); delay *= 2) {',
          (_k, l) => {
            l.delay = 1;
          },
          (_k, l) => (l.l & 0xffff) === 1,
          (_k, l) => {
            l.delay *= 2;
          },
          [
            If('if (delay > timeout) {', (_k, l) => l.delay > 60_000, [
              S('pr_warn("… not ready after %dms; giving up\\n", delay - 1); return NULL;', (k, l) => {
                k.log(`pci ${devfnToWslot(l.devfn)}: not ready after ${l.delay - 1}ms; giving up`);
                return ret(null);
              }),
            ]),
            S('msleep(delay);', (k, l) => {
              l.until ??= k.now() + l.delay * 1e6;
              if (k.now() < l.until) return wait(k.key('msleep'), 'msleep', l.until);
              l.until = undefined;
            }),
            S('pci_bus_read_config_dword(bus, devfn, PCI_VENDOR_ID, &l);', rd(0, 4, 'l')),
          ],
        ),
      ]),
      S('dev = pci_alloc_dev(bus); dev->devfn = devfn; dev->vendor = l & 0xffff; dev->device = (l >> 16) & 0xffff;', (k, l) => {
        const wslot = devfnToWslot(l.devfn);
        const list = devs(k);
        const i = list.findIndex((c) => c.wslot === wslot);
        if (i >= 0) list.splice(i, 1);
        list.push({
          wslot,
          devfn: l.devfn,
          vendor: l.l & 0xffff,
          device: (l.l >>> 16) & 0xffff,
          hdr_type: 0,
          resources: [],
          msi_cap: 0,
          msix_cap: 0,
          msix: null,
          msi: null,
          irqs: [],
          msix_enabled: false,
          msi_enabled: false,
          driver: null,
          attached: false,
          intr_count: [],
          added: false,
          probing: false,
          pin: 0,
        });
        l.wslot = wslot;
      }),
      S('if (pci_setup_device(dev)) { pci_bus_put(dev->bus); kfree(dev); return NULL; }', (_k, l) =>
        call('pci_setup_device', { devfn: l.devfn, wslot: l.wslot }, 'err'),
      ),
      S('return dev;', (_k, l) => ret(l.wslot)),
    ],
  });

  const setupDevice = fn('pci_setup_device')<{ hdr_type: number; class: number; pin: number; line: number }>({
    file: FILE,
    signature: ['int', 'pci_setup_device(struct pci_dev *dev)'],
    params: ['devfn', 'wslot'],
    body: [
      S('pci_read_config_byte(dev, PCI_HEADER_TYPE, &hdr_type);', rd(PCI_HEADER_TYPE, 1, 'hdr_type')),
      S('dev->hdr_type = hdr_type & 0x7f; dev->multifunction = !!(hdr_type & 0x80);', (k, l) => {
        pciDev(k, l.wslot)!.hdr_type = l.hdr_type;
      }),
      S('pci_read_config_dword(dev, PCI_CLASS_REVISION, &class);', rd(PCI_CLASS_REVISION, 4, 'class')),
      S('dev->revision = class & 0xff; dev->class = class >> 8;'),
      S('pci_read_irq(dev): pci_read_config_byte(dev, PCI_INTERRUPT_PIN, &irq);', rd(PCI_INTERRUPT_PIN, 1, 'pin')),
      If('if (irq) {', (_k, l) => (l.pin & 0xff) !== 0, [S('pci_read_config_byte(dev, PCI_INTERRUPT_LINE, &irq);', rd(PCI_INTERRUPT_LINE, 1, 'line'))]),
      S('dev->pin = irq;', (k, l) => {
        pciDev(k, l.wslot)!.pin = l.pin & 0xff;
      }),
      S('pci_read_bases(dev, 6, PCI_ROM_ADDRESS);', (_k, l) => call('pci_read_bases', { devfn: l.devfn, wslot: l.wslot })),
      S('return 0;', () => ret(0)),
    ],
  });

  const readBases = fn('pci_read_bases')<{ pos: number; is64: number }>({
    file: FILE,
    signature: ['static void', 'pci_read_bases(struct pci_dev *dev, unsigned int howmany, int rom)'],
    params: ['devfn', 'wslot'],
    body: [
      For(
        'for (pos = 0; pos < howmany; pos++) {',
        (_k, l) => {
          l.pos = 0;
        },
        (_k, l) => l.pos < 6,
        (_k, l) => {
          l.pos++;
        },
        [
          S('pos += __pci_read_base(dev, pci_bar_unknown, res, PCI_BASE_ADDRESS_0 + (pos << 2));', (_k, l) =>
            call('__pci_read_base', { devfn: l.devfn, wslot: l.wslot, bar: l.pos }, 'is64'),
          ),
          If('if (is64) {', (_k, l) => l.is64 === 1, [
            S('pos++;  /* a 64-bit BAR takes two registers */', (_k, l) => {
              l.pos++;
            }),
          ]),
        ],
      ),
      T('/* ROM: answered 0 by pci-hyperv */'),
      S('return;', () => ret()),
    ],
  });

  const readBase = fn('__pci_read_base')<{
    pos: number;
    pos_hi: number;
    ones: number;
    orig_cmd: number;
    cmd_off: number;
    l: number;
    sz: number;
    io: boolean;
    mem64: boolean;
    l_hi: number;
    sz_hi: number;
    size: number;
    region_start: number;
  }>({
    file: FILE,
    doc: ['/* Size a BAR: decoding off, write all 1s, read back, restore. */'],
    signature: ['int', '__pci_read_base(struct pci_dev *dev, enum pci_bar_type type, struct resource *res, unsigned int pos)'],
    params: ['devfn', 'wslot', 'bar'],
    body: [
      S('pci_read_config_word(dev, PCI_COMMAND, &orig_cmd);', (_k, l) => {
        l.pos = 0x10 + 4 * l.bar;
        l.pos_hi = l.pos + 4;
        l.ones = 0xffffffff;
        return rdNow(l, PCI_COMMAND, 2, 'orig_cmd');
      }),
      If('if (orig_cmd & PCI_COMMAND_DECODE_ENABLE) {', (_k, l) => (l.orig_cmd & 3) !== 0, [
        S('pci_write_config_word(dev, PCI_COMMAND, orig_cmd & ~PCI_COMMAND_DECODE_ENABLE);', (_k, l) => {
          l.cmd_off = l.orig_cmd & ~3;
          return wrNow(l, PCI_COMMAND, 2, 'cmd_off');
        }),
      ]),
      S('pci_read_config_dword(dev, pos, &l);', rd('pos', 4, 'l')),
      S('pci_write_config_dword(dev, pos, l | mask);', wr('pos', 4, 'ones')),
      S('pci_read_config_dword(dev, pos, &sz);', rd('pos', 4, 'sz')),
      S('pci_write_config_dword(dev, pos, l);', wr('pos', 4, 'l')),
      S('res->flags = decode_bar(dev, l);', (_k, l) => {
        l.io = (l.l & 1) === 1;
        l.mem64 = !l.io && (l.l & 6) === 4;
        l.l_hi = 0;
        l.sz_hi = 0;
      }),
      If('if (res->flags & IORESOURCE_MEM_64) {', (_k, l) => l.mem64, [
        S('pci_read_config_dword(dev, pos + 4, &l);', rd('pos_hi', 4, 'l_hi')),
        S('pci_write_config_dword(dev, pos + 4, ~0);', wr('pos_hi', 4, 'ones')),
        S('pci_read_config_dword(dev, pos + 4, &sz);', rd('pos_hi', 4, 'sz_hi')),
        S('pci_write_config_dword(dev, pos + 4, l);', wr('pos_hi', 4, 'l_hi')),
      ]),
      If('if (orig_cmd & PCI_COMMAND_DECODE_ENABLE) {', (_k, l) => (l.orig_cmd & 3) !== 0, [
        S('pci_write_config_word(dev, PCI_COMMAND, orig_cmd);', wr(PCI_COMMAND, 2, 'orig_cmd')),
      ]),
      S('sz64 = pci_size(l64, sz64, mask64); region.start = l64; region.end = l64 + sz64 - 1;', (k, l) => {
        const sz = (BigInt(l.sz_hi >>> 0) << 32n) | BigInt((l.sz >>> 0) & ((l.io ? ~3 : ~0xf) >>> 0));
        const mask = l.mem64 ? 0xffffffffffffffffn : 0xffffffffn;
        const masked = sz & mask;
        let size = 0;
        if (masked !== 0n) size = Number(masked & -masked & mask);
        l.size = size;
        if (size === 0 || l.io) return;
        const start = ((l.l >>> 0) & ~0xf) + (l.mem64 ? (l.l_hi >>> 0) * 0x1_0000_0000 : 0);
        const r: PciResource = { bar: l.bar, mem64: l.mem64, prefetch: (l.l & 8) !== 0, size, start: null };
        pciDev(k, l.wslot)!.resources.push(r);
        l.region_start = start;
      }),
      S('return (res->flags & IORESOURCE_MEM_64) ? 1 : 0;', (_k, l) => ret(l.mem64 ? 1 : 0)),
    ],
  });

  const initCaps = fn('pci_init_capabilities')<{
    status: number;
    pos: number;
    ttl: number;
    ent: number;
    npos: number;
    reg: number;
    ctrl: number;
    treg: number;
    table: number;
  }>({
    file: FILE,
    doc: ['/* pci_device_add() -> pci_init_capabilities(): pci_msi_init() and pci_msix_init() find their capabilities. */'],
    signature: ['static void', 'pci_init_capabilities(struct pci_dev *dev)'],
    params: ['devfn', 'wslot'],
    body: [
      S('pci_read_config_word(dev, PCI_STATUS, &status);', rd(PCI_STATUS, 2, 'status')),
      If('if (!(status & PCI_STATUS_CAP_LIST)) {', (_k, l) => (l.status & PCI_STATUS_CAP_LIST) === 0, [S('return;', () => ret())]),
      S('pci_read_config_byte(dev, PCI_CAPABILITY_LIST, &pos);', rd(PCI_CAPABILITY_LIST, 1, 'pos')),
      For(
        'while (pos && ttl--) {  /* __pci_find_next_cap_ttl */',
        (_k, l) => {
          l.ttl = 48;
        },
        (_k, l) => (l.pos & 0xfc) !== 0 && l.ttl > 0,
        (_k, l) => {
          l.ttl--;
        },
        [
          S('pci_read_config_word(dev, pos, &ent); id = ent & 0xff;', (_k, l) => {
            l.pos &= 0xfc;
            return rdNow(l, 'pos', 2, 'ent');
          }),
          If('if (id == PCI_CAP_ID_MSI) {  /* pci_msi_init() */', (_k, l) => (l.ent & 0xff) === PCI_CAP_ID_MSI, [
            S('dev->msi_cap = pos; pci_read_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, &ctrl);', (_k, l) => {
              l.reg = l.pos + PCI_MSI_FLAGS;
              return rdNow(l, 'reg', 2, 'ctrl');
            }),
            If('if (ctrl & PCI_MSI_FLAGS_ENABLE) {', (_k, l) => (l.ctrl & PCI_MSI_FLAGS_ENABLE) !== 0, [
              S('pci_write_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, ctrl & ~PCI_MSI_FLAGS_ENABLE);', (_k, l) => {
                l.ctrl &= ~PCI_MSI_FLAGS_ENABLE;
                return wrNow(l, 'reg', 2, 'ctrl');
              }),
            ]),
            S('dev->msi_cap = pos;', (k, l) => {
              const p = pciDev(k, l.wslot)!;
              p.msi_cap = l.pos;
              p.msi = { msgnum: 1 << ((l.ctrl & PCI_MSI_FLAGS_QMASK) >> 1), is64: (l.ctrl & PCI_MSI_FLAGS_64BIT) !== 0 };
            }),
          ]),
          If('if (id == PCI_CAP_ID_MSIX) {  /* pci_msix_init() */', (_k, l) => (l.ent & 0xff) === PCI_CAP_ID_MSIX, [
            S('pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl);', (_k, l) => {
              l.reg = l.pos + PCI_MSIX_FLAGS;
              return rdNow(l, 'reg', 2, 'ctrl');
            }),
            If('if (ctrl & PCI_MSIX_FLAGS_ENABLE) {', (_k, l) => (l.ctrl & PCI_MSIX_FLAGS_ENABLE) !== 0, [
              S('pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, ctrl & ~PCI_MSIX_FLAGS_ENABLE);', (_k, l) => {
                l.ctrl &= ~PCI_MSIX_FLAGS_ENABLE;
                return wrNow(l, 'reg', 2, 'ctrl');
              }),
            ]),
            S('pci_read_config_dword(dev, dev->msix_cap + PCI_MSIX_TABLE, &table);', (_k, l) => {
              l.treg = l.pos + PCI_MSIX_TABLE;
              return rdNow(l, 'treg', 4, 'table');
            }),
            S('dev->msix_cap = pos;', (k, l) => {
              const p = pciDev(k, l.wslot)!;
              p.msix_cap = l.pos;
              p.msix = { msgnum: (l.ctrl & PCI_MSIX_FLAGS_QSIZE) + 1, table_bar: l.table & 7, table_offset: (l.table & ~7) >>> 0 };
            }),
          ]),
          S('pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT, &pos);', (_k, l) => {
            l.npos = l.pos + 1;
            return rdNow(l, 'npos', 1, 'pos');
          }),
        ],
      ),
      S('return;', () => ret()),
    ],
  });

  const assignResources = fn('pci_bus_assign_resources')<{ list: [number, number, number][]; i: number; err: number }>({
    file: FILE,
    doc: ['/* setup-bus.c: every unclaimed BAR gets an address inside a bridge window, largest first. */'],
    signature: ['void', 'pci_bus_assign_resources(const struct pci_bus *bus)'],
    params: [],
    body: [
      S('__pci_bus_assign_resources(bus, NULL, NULL); /* pdev_sort_resources(): by alignment, largest first */', (k, l) => {
        const list: [number, number, number][] = [];
        for (const p of devs(k)) for (const r of p.resources) if (r.start === null) list.push([p.wslot, r.bar, r.size]);
        list.sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
        l.list = list;
      }),
      For(
        'list_for_each_entry(dev_res, head, list) {',
        (_k, l) => {
          l.i = 0;
        },
        (_k, l) => l.i < l.list.length,
        (_k, l) => {
          l.i++;
        },
        [S('pci_assign_resource(dev_res->dev, idx);', (_k, l) => call('pci_assign_resource', { wslot: l.list[l.i]![0], bar: l.list[l.i]![1] }, 'err'))],
      ),
      S('return;', () => ret()),
    ],
  });

  const assignResource = fn('pci_assign_resource')<{ size: number; mem64: boolean; devfn: number; ret: number; base: number | null }>({
    file: FILE,
    signature: ['int', 'pci_assign_resource(struct pci_dev *dev, int resno)'],
    params: ['wslot', 'bar'],
    body: [
      S('size = resource_size(res); align = pci_resource_alignment(dev, res);', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        const r = p.resources.find((x) => x.bar === l.bar)!;
        l.size = r.size;
        l.mem64 = r.mem64;
        l.devfn = p.devfn;
      }),
      S('ret = _pci_assign_resource(dev, resno, size, align);  /* pci_bus_alloc_resource: 64-bit BARs try the window above 4 GiB first */', (k, l) => {
        const h = hbus(k);
        let base: number | null = null;
        if (l.mem64) base = allocInWindow(h.high_mmio_res, l.size);
        if (base === null) base = allocInWindow(h.low_mmio_res, l.size);
        l.ret = base === null ? -ENOSPC : 0;
        l.base = base;
      }),
      If('if (ret < 0) {', (_k, l) => l.ret < 0, [
        S('pci_info(dev, "%s %pR: can\'t assign; no space\\n", res_name, res); return ret;', (k, l) => {
          k.log(`pci ${l.wslot}: BAR ${l.bar} size 0x${l.size.toString(16)}: can't assign; no space`);
          return ret(l.ret);
        }),
      ]),
      S('res->flags &= ~IORESOURCE_UNSET; pci_info(dev, "%s %pR: assigned\\n", res_name, res);', (k, l) => {
        const r = pciDev(k, l.wslot)!.resources.find((x) => x.bar === l.bar)!;
        r.start = l.base;
        k.log(`pci ${l.wslot}: BAR ${l.bar} [mem 0x${l.base!.toString(16)}-0x${(l.base! + l.size - 1).toString(16)}${l.mem64 ? ' 64bit' : ''}]: assigned`);
      }),
      S('pci_update_resource(dev, resno);', (_k, l) => call('pci_std_update_resource', { wslot: l.wslot, bar: l.bar, devfn: l.devfn })),
      S('return 0;', () => ret(0)),
    ],
  });

  const updateResource = fn('pci_std_update_resource')<{ reg: number; reg_hi: number; mem64: boolean; lo: number; hi: number; cmd: number; cmd_off: number }>({
    file: FILE,
    doc: ['/* setup-res.c: write the BAR; decoding is turned off around a 64-bit update. */'],
    signature: ['static void', 'pci_std_update_resource(struct pci_dev *dev, int resno)'],
    params: ['wslot', 'bar', 'devfn'],
    body: [
      S('pcibios_resource_to_bus(dev->bus, &region, res); new = region.start; new |= res->flags & ~PCI_BASE_ADDRESS_MEM_MASK;', (k, l) => {
        const r = pciDev(k, l.wslot)!.resources.find((x) => x.bar === l.bar)!;
        l.reg = 0x10 + 4 * l.bar;
        l.reg_hi = l.reg + 4;
        l.mem64 = r.mem64;
        l.lo = ((r.start! % 0x1_0000_0000) | (r.mem64 ? 4 : 0) | (r.prefetch ? 8 : 0)) >>> 0;
        l.hi = Math.floor(r.start! / 0x1_0000_0000) >>> 0;
      }),
      If('if (disable = (res->flags & IORESOURCE_MEM_64) && !dev->mmio_always_on) {', (_k, l) => l.mem64, [
        S('pci_read_config_word(dev, PCI_COMMAND, &cmd);', rd(PCI_COMMAND, 2, 'cmd')),
        S('pci_write_config_word(dev, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);', (_k, l) => {
          l.cmd_off = l.cmd & ~PCI_COMMAND_MEMORY;
          return wrNow(l, PCI_COMMAND, 2, 'cmd_off');
        }),
      ]),
      S('pci_write_config_dword(dev, reg, new);', wr('reg', 4, 'lo')),
      If('if (res->flags & IORESOURCE_MEM_64) {', (_k, l) => l.mem64, [
        S('pci_write_config_dword(dev, reg + 4, region.start >> 32);', wr('reg_hi', 4, 'hi')),
        S('pci_write_config_word(dev, PCI_COMMAND, cmd);', wr(PCI_COMMAND, 2, 'cmd')),
      ]),
      S('return;', () => ret()),
    ],
  });

  const busAddDevices = fn('pci_bus_add_devices')<{ list: number[]; i: number }>({
    file: FILE,
    doc: ['/* bus.c: make each new device visible; the driver core probes a matching driver. */'],
    signature: ['void', 'pci_bus_add_devices(const struct pci_bus *bus)'],
    params: [],
    body: [
      For(
        'list_for_each_entry(dev, &bus->devices, bus_list) {',
        (k, l) => {
          l.list = devs(k)
            .filter((p) => !p.added)
            .map((p) => p.wslot);
          l.i = 0;
        },
        (_k, l) => l.i < l.list.length,
        (_k, l) => {
          l.i++;
        },
        [S('pci_bus_add_device(dev);  /* device_attach() -> driver probe */', (_k, l) => call('pci_bus_add_device', { wslot: l.list[l.i]! }))],
      ),
      S('return;', () => ret()),
    ],
  });

  const busAddDevice = fn('pci_bus_add_device')<{ driver: string | null }>({
    file: FILE,
    signature: ['void', 'pci_bus_add_device(struct pci_dev *dev)'],
    params: ['wslot'],
    body: [
      S('pci_dev_assign_added(dev, true);', (k, l) => {
        pciDev(k, l.wslot)!.added = true;
      }),
      S('retval = device_attach(&dev->dev);  /* bus_for_each_drv(): is a matching driver loaded? */', (k, l) => {
        l.driver = k.driverRequest(l.wslot) ? k.driverName(l.wslot) : null;
      }),
      If('if (driver matched) {', (_k, l) => l.driver !== null, [
        S("driver_probe_device(drv, dev);  /* runs the driver's probe in its own context */", (k, l) => {
          pciDev(k, l.wslot)!.driver = l.driver;
          k.spawnDriver(l.wslot, `${l.driver}_attach`, { wslot: l.wslot });
        }),
      ]),
      S('return;', () => ret()),
    ],
  });

  const enableDevice = fn('pci_enable_device')<{ devfn: number; unassigned: boolean; cmd: number; newcmd: number }>({
    file: FILE,
    doc: ['/* pci.c: pci_enable_device() -> pcibios_enable_device() -> pci_enable_resources(): turn on memory decoding. */'],
    signature: ['int', 'pci_enable_device(struct pci_dev *dev)'],
    params: ['wslot'],
    body: [
      S('pci_read_config_word(dev, PCI_COMMAND, &cmd); old_cmd = cmd;', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        l.devfn = p.devfn;
        l.unassigned = p.resources.some((r) => r.start === null);
        return rdNow(l, PCI_COMMAND, 2, 'cmd');
      }),
      If('if (r->flags & IORESOURCE_UNSET) {  /* pci_enable_resources */', (_k, l) => l.unassigned, [
        S('pci_err(dev, "%s %pR: not assigned; can\'t enable device\\n", r_name, r); return -EINVAL;', (k, l) => {
          k.log(`pci ${l.wslot}: BAR not assigned; can't enable device`);
          return ret(-EINVAL);
        }),
      ]),
      S('cmd |= PCI_COMMAND_MEMORY;', (_k, l) => {
        l.newcmd = l.cmd | PCI_COMMAND_MEMORY;
      }),
      If('if (cmd != old_cmd) {', (_k, l) => l.newcmd !== l.cmd, [
        S('pci_info(dev, "enabling device (%04x -> %04x)\\n", old_cmd, cmd); pci_write_config_word(dev, PCI_COMMAND, cmd);', (k, l) => {
          k.log(`pci ${l.wslot}: enabling device (${l.cmd.toString(16).padStart(4, '0')} -> ${l.newcmd.toString(16).padStart(4, '0')})`);
          return wrNow(l, PCI_COMMAND, 2, 'newcmd');
        }),
      ]),
      S('return 0;', () => ret(0)),
    ],
  });

  const setMaster = fn('pci_set_master')<{ devfn: number; old_cmd: number; cmd: number }>({
    file: FILE,
    signature: ['void', 'pci_set_master(struct pci_dev *dev)'],
    params: ['wslot'],
    body: [
      S('pci_read_config_word(dev, PCI_COMMAND, &old_cmd);', (k, l) => {
        l.devfn = pciDev(k, l.wslot)!.devfn;
        return rdNow(l, PCI_COMMAND, 2, 'old_cmd');
      }),
      S('cmd = old_cmd | PCI_COMMAND_MASTER;', (_k, l) => {
        l.cmd = l.old_cmd | PCI_COMMAND_MASTER;
      }),
      If('if (cmd != old_cmd) {', (_k, l) => l.cmd !== l.old_cmd, [S('pci_write_config_word(dev, PCI_COMMAND, cmd);', wr(PCI_COMMAND, 2, 'cmd'))]),
      S('return;', () => ret()),
    ],
  });

  const allocIrqVectors = fn('pci_alloc_irq_vectors')<{ nvecs: number }>({
    file: FILE,
    doc: ['/* msi/api.c: MSI-X if asked and present, else MSI. */'],
    signature: ['int', 'pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs, unsigned int max_vecs, unsigned int flags)'],
    params: ['wslot', 'max', 'kind'],
    body: [
      If('if (flags & PCI_IRQ_MSIX) {', (_k, l) => l.kind === 'msix', [
        S('nvecs = __pci_enable_msix_range(dev, NULL, min_vecs, max_vecs, affd, flags);', (k, l) => {
          const p = pciDev(k, l.wslot)!;
          if (!p.msix) return ret(-EINVAL);
          return call('msix_capability_init', { wslot: l.wslot, nvec: Math.min(l.max, p.msix.msgnum) }, 'nvecs');
        }),
        S('return nvecs;', (_k, l) => ret(l.nvecs)),
      ]),
      S('nvecs = __pci_enable_msi_range(dev, min_vecs, max_vecs, affd);', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        if (!p.msi) return ret(-EINVAL);
        let n = Math.min(l.max, p.msi.msgnum);
        while (n & (n - 1)) n &= n - 1;
        return call('msi_capability_init', { wslot: l.wslot, nvec: Math.max(1, n) }, 'nvecs');
      }),
      S('return nvecs;', (_k, l) => ret(l.nvecs)),
    ],
  });

  const msixInit = fn('msix_capability_init')<{
    devfn: number;
    reg: number;
    tsize: number;
    ctrl: number;
    base: number | null;
    n: number;
    i: number;
    msg: ComposeResult;
  }>({
    file: FILE,
    doc: ['/* msi/msi.c: enable MSI-X with all vectors masked, allocate IRQs (activated early: hv_compose_msi_msg), then clear MASKALL. */'],
    signature: ['static int', 'msix_capability_init(struct pci_dev *dev, struct msix_entry *entries, int nvec, struct irq_affinity *affd)'],
    params: ['wslot', 'nvec'],
    body: [
      S('pci_msix_clear_and_set_ctrl(dev, 0, PCI_MSIX_FLAGS_MASKALL | PCI_MSIX_FLAGS_ENABLE);', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        l.devfn = p.devfn;
        l.reg = p.msix_cap + PCI_MSIX_FLAGS;
        l.tsize = p.msix!.msgnum;
        return rdNow(l, 'reg', 2, 'ctrl');
      }),
      S('pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, ctrl);', (k, l) => {
        l.ctrl = (l.ctrl | PCI_MSIX_FLAGS_MASKALL | PCI_MSIX_FLAGS_ENABLE) & 0xffff;
        pciDev(k, l.wslot)!.msix_enabled = true;
        return wrNow(l, 'reg', 2, 'ctrl');
      }),
      S('base = msix_map_region(dev, tsize);', (k, l) => {
        l.base = msixEntry(k, l.wslot, 0);
      }),
      If('if (!base) {', (_k, l) => l.base === null, [
        S('ret = -ENOMEM; goto out_disable;', (k, l) => {
          k.log(`pci ${l.wslot}: MSI-X table BAR not assigned`);
          pciDev(k, l.wslot)!.msix_enabled = false;
          return ret(-12);
        }),
      ]),
      S(
        'msix_mask_all(base, tsize);  /* writel(PCI_MSIX_ENTRY_CTRL_MASKBIT, base + i * 16 + 12) for every entry */',
        (k, l) => {
          for (let i = 0; i < l.tsize; i++) k.mmioWrite(l.base! + i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, PCI_MSIX_ENTRY_CTRL_MASKBIT);
        },
        2,
      ),
      S('ret = msix_setup_interrupts(dev, entries, nvec, affd);  /* msi_domain_alloc_irqs(): x86 vectors */', (k, l) => {
        const got = k.allocIrqs(l.nvec, 'msix');
        const p = pciDev(k, l.wslot)!;
        p.irqs = got.map((g, index) => ({ irq: g.irq, index, cpu: g.cpu, vector: g.vector, chip_data: null, addr: 0, data: 0, mapped: false }));
        p.intr_count = p.irqs.map(() => 0);
        l.n = got.length;
      }),
      For(
        'msi_for_each_desc(desc, dev, MSI_DESC_ALL) {  /* irq_domain_activate_irq(): MSI_FLAG_ACTIVATE_EARLY */',
        (_k, l) => {
          l.i = 0;
        },
        (_k, l) => l.i < l.n,
        (_k, l) => {
          l.i++;
        },
        [
          S('msi_domain_activate(): irq_chip_compose_msi_msg(data, &msg);  /* hv_compose_msi_msg */', (_k, l) =>
            call('hv_compose_msi_msg', { wslot: l.wslot, index: l.i }, 'msg'),
          ),
          // Written whether or not the compose succeeded: a failed one leaves a zero message (kernel/irq/msi.c
          // msi_domain_activate; pci-hyperv.c hv_compose_msi_msg return_null_message, v6.12.118).
          S('irq_chip_write_msi_msg(data, &msg);  /* __pci_write_msi_msg */', (_k, l) =>
            call('__pci_write_msi_msg', { wslot: l.wslot, index: l.i, address: l.msg.address, data: l.msg.data }),
          ),
        ],
      ),
      S('pci_intx_for_msi(dev, 0);'),
      S('pci_msix_clear_and_set_ctrl(dev, PCI_MSIX_FLAGS_MASKALL, 0);', (_k, l) => {
        l.ctrl &= ~PCI_MSIX_FLAGS_MASKALL;
        return wrNow(l, 'reg', 2, 'ctrl');
      }),
      S('return 0;  /* the caller returns nvec */', (_k, l) => ret(l.n)),
    ],
  });

  const msiInit = fn('msi_capability_init')<{ n: number; i: number; msg: ComposeResult }>({
    file: FILE,
    doc: ['/* msi/msi.c: program the MSI capability (multi-MSI: one CREATE_INTERRUPT for the block), then enable. */'],
    signature: ['static int', 'msi_capability_init(struct pci_dev *dev, int nvec, struct irq_affinity *affd)'],
    params: ['wslot', 'nvec'],
    body: [
      // a read-modify-write of Message Control, like every pci_msi_set_enable (drivers/pci/msi/msi.h)
      S('pci_msi_set_enable(dev, 0);  /* Disable MSI during setup */', (_k, l) => call('pci_msi_set_enable', { wslot: l.wslot, enable: 0 })),
      S('ret = pci_msi_setup_msi_irqs(dev, nvec, PCI_CAP_ID_MSI);  /* allocate, activate early */', (k, l) => {
        const got = k.allocIrqs(l.nvec, 'msi');
        const p = pciDev(k, l.wslot)!;
        p.irqs = got.map((g, index) => ({ irq: g.irq, index, cpu: g.cpu, vector: g.vector, chip_data: null, addr: 0, data: 0, mapped: false }));
        p.intr_count = p.irqs.map(() => 0);
        l.n = got.length;
      }),
      // Every IRQ of a multi-MSI block is activated early (kernel/irq/msi.c msi_init_virq); only the
      // first one's message reaches the capability (drivers/pci/msi/irqdomain.c pci_msi_domain_write_msg:
      // "For MSI only the first interrupt of MULTI MSI passes the test"); the others take their
      // descriptor from it in hv_compose_msi_msg.
      For(
        'for (i = 0; i < nvec_used; i++) {  /* irq_domain_activate_irq(): MSI_FLAG_ACTIVATE_EARLY */',
        (_k, l) => {
          l.i = 0;
        },
        (_k, l) => l.i < l.n,
        (_k, l) => {
          l.i++;
        },
        [
          S('msi_domain_activate(): irq_chip_compose_msi_msg(data, &msg);  /* hv_compose_msi_msg */', (_k, l) =>
            call('hv_compose_msi_msg', { wslot: l.wslot, index: l.i }, 'msg'),
          ),
          // The message is written whether or not the compose succeeded (a zero one when it failed), as for MSI-X.
          If('if (desc->irq == irq_data->irq) {  /* pci_msi_domain_write_msg */', (_k, l) => l.i === 0, [
            S('irq_chip_write_msi_msg(data, &msg);  /* __pci_write_msi_msg */', (_k, l) =>
              call('__pci_write_msi_msg', { wslot: l.wslot, index: 0, address: l.msg.address, data: l.msg.data }),
            ),
          ]),
        ],
      ),
      S('pci_intx_for_msi(dev, 0);'),
      S('pci_msi_set_enable(dev, 1); dev->msi_enabled = 1;', (k, l) => {
        pciDev(k, l.wslot)!.msi_enabled = true;
        return call('pci_msi_set_enable', { wslot: l.wslot, enable: 1 });
      }),
      S('return 0;', (_k, l) => ret(l.n)),
    ],
  });

  const msiSetEnable = fn('pci_msi_set_enable')<{ devfn: number; reg: number; control: number }>({
    file: FILE,
    signature: ['static inline void', 'pci_msi_set_enable(struct pci_dev *dev, int enable)'],
    params: ['wslot', 'enable'],
    body: [
      S('pci_read_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, &control);', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        l.devfn = p.devfn;
        l.reg = p.msi_cap + PCI_MSI_FLAGS;
        return rdNow(l, 'reg', 2, 'control');
      }),
      S('control &= ~PCI_MSI_FLAGS_ENABLE; if (enable) control |= PCI_MSI_FLAGS_ENABLE;', (_k, l) => {
        l.control = (l.control & ~PCI_MSI_FLAGS_ENABLE) | (l.enable ? PCI_MSI_FLAGS_ENABLE : 0);
      }),
      S('pci_write_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, control);', wr('reg', 2, 'control')),
      S('return;', () => ret()),
    ],
  });

  const writeMsiMsg = fn('__pci_write_msi_msg')<{
    devfn: number;
    pos: number;
    is64: boolean;
    nvec: number;
    reg: number;
    msgctl: number;
    areg: number;
    lo: number;
    hreg: number;
    hi: number;
    dreg: number;
    d: number;
    entry: number | null;
  }>({
    file: FILE,
    doc: ['/* msi/msi.c: the address/data the host returned go into the MSI-X table entry or the MSI capability. */'],
    signature: ['void', '__pci_write_msi_msg(struct msi_desc *entry, struct msi_msg *msg)'],
    params: ['wslot', 'index', 'address', 'data'],
    body: [
      If(
        'if (entry->pci.msi_attrib.is_msix) {',
        (k, l) => pciDev(k, l.wslot)!.msix_enabled,
        [
          S('void __iomem *base = pci_msix_desc_addr(entry);', (k, l) => {
            l.entry = msixEntry(k, l.wslot, l.index);
          }),
          If('if (!base) {', (_k, l) => l.entry === null, [S('return;', () => ret())]),
          S('writel(msg->address_lo, base + PCI_MSIX_ENTRY_LOWER_ADDR);', (k, l) => {
            k.mmioWrite(l.entry!, 4, (l.address % 0x1_0000_0000) >>> 0);
          }),
          S('writel(msg->address_hi, base + PCI_MSIX_ENTRY_UPPER_ADDR);', (k, l) => {
            k.mmioWrite(l.entry! + 4, 4, Math.floor(l.address / 0x1_0000_0000) >>> 0);
          }),
          S('writel(msg->data, base + PCI_MSIX_ENTRY_DATA);', (k, l) => {
            k.mmioWrite(l.entry! + 8, 4, l.data >>> 0);
          }),
          // Both branches end with a read that flushes the posted writes to the device (torvalds/linux
          // drivers/pci/msi/msi.c __pci_write_msi_msg, v6.12.118; added by b9255a7cb517 "PCI/MSI: Enforce MSI[X]
          // entry updates to be visible"). Our call sites always write a masked entry, so the mask/unmask around
          // the writes for an unmasked one does not arise.
          S('readl(base + PCI_MSIX_ENTRY_DATA);  /* Ensure that the writes are visible in the device */', (k, l) => {
            k.mmioRead(l.entry! + 8, 4);
          }),
        ],
        [
          S('pci_read_config_word(dev, pos + PCI_MSI_FLAGS, &msgctl);', (k, l) => {
            const p = pciDev(k, l.wslot)!;
            l.devfn = p.devfn;
            l.pos = p.msi_cap;
            l.is64 = p.msi!.is64;
            l.nvec = p.irqs.length;
            l.reg = l.pos + PCI_MSI_FLAGS;
            return rdNow(l, 'reg', 2, 'msgctl');
          }),
          S(
            'msgctl &= ~PCI_MSI_FLAGS_QSIZE; msgctl |= entry->pci.msi_attrib.multiple << 4; pci_write_config_word(dev, pos + PCI_MSI_FLAGS, msgctl);',
            (_k, l) => {
              l.msgctl = (l.msgctl & ~PCI_MSI_FLAGS_QSIZE) | ((Math.log2(Math.max(1, l.nvec)) | 0) << 4);
              return wrNow(l, 'reg', 2, 'msgctl');
            },
          ),
          S('pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_LO, msg->address_lo);', (_k, l) => {
            l.areg = l.pos + PCI_MSI_ADDRESS_LO;
            l.lo = (l.address % 0x1_0000_0000) >>> 0;
            return wrNow(l, 'areg', 4, 'lo');
          }),
          If(
            'if (entry->pci.msi_attrib.is_64) {',
            (_k, l) => l.is64,
            [
              S('pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_HI, msg->address_hi);', (_k, l) => {
                l.hreg = l.pos + PCI_MSI_ADDRESS_HI;
                l.hi = Math.floor(l.address / 0x1_0000_0000) >>> 0;
                return wrNow(l, 'hreg', 4, 'hi');
              }),
              S('pci_write_config_word(dev, pos + PCI_MSI_DATA_64, msg->data);', (_k, l) => {
                l.dreg = l.pos + PCI_MSI_DATA_64;
                l.d = l.data & 0xffff;
                return wrNow(l, 'dreg', 2, 'd');
              }),
            ],
            [
              S('pci_write_config_word(dev, pos + PCI_MSI_DATA_32, msg->data);', (_k, l) => {
                l.dreg = l.pos + PCI_MSI_DATA_32;
                l.d = l.data & 0xffff;
                return wrNow(l, 'dreg', 2, 'd');
              }),
            ],
          ),
          S('pci_read_config_word(dev, pos + PCI_MSI_FLAGS, &msgctl);  /* Ensure that the writes are visible in the device */', (_k, l) =>
            rdNow(l, 'reg', 2, 'msgctl'),
          ),
        ],
      ),
      S('entry->msg = *msg;', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        const list = p.msix_enabled ? [p.irqs[l.index]!] : p.irqs;
        list.forEach((x, i) => {
          x.addr = l.address;
          x.data = l.data + (p.msix_enabled ? 0 : i);
          x.mapped = l.address !== 0;
        });
        return ret();
      }),
    ],
  });

  const requestIrq = fn('request_irq')<{ msix: boolean; first: boolean; msg: ComposeResult }>({
    file: FILE,
    doc: ['/* kernel/irq/manage.c: __setup_irq() -> irq_activate_and_startup(): reactivate (MSI_FLAG_MUST_REACTIVATE), then unmask. */'],
    signature: ['int', 'request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name, void *dev)'],
    params: ['wslot', 'index'],
    body: [
      S('desc = irq_to_desc(irq); action->handler = handler;', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        l.msix = p.msix_enabled;
        l.first = l.msix || l.index === 0;
      }),
      // msi_domain_activate() cannot fail on a failed compose: hv_compose_msi_msg returns void and leaves a zero
      // message (return_null_message), which is written, and activate returns 0 (torvalds/linux kernel/irq/msi.c
      // msi_domain_activate; drivers/pci/controller/pci-hyperv.c hv_compose_msi_msg, v6.12.118). request_irq goes on to
      // the unmask, where hv_arch_irq_unmask finds no chip_data and only warns.
      If('if (!irqd_is_activated(data) || irqd_must_reactivate(data)) {  /* irq_activate() */', (_k, l) => l.first, [
        S('msi_domain_activate(): irq_chip_compose_msi_msg(data, &msg);  /* hv_compose_msi_msg: frees the early mapping first */', (_k, l) =>
          call('hv_compose_msi_msg', { wslot: l.wslot, index: l.index }, 'msg'),
        ),
        S('irq_chip_write_msi_msg(data, &msg);  /* __pci_write_msi_msg: all zeros when the compose failed */', (_k, l) =>
          call('__pci_write_msi_msg', { wslot: l.wslot, index: l.index, address: l.msg.address, data: l.msg.data }),
        ),
      ]),
      S('irq_startup(desc, IRQ_RESEND, IRQ_START_FORCE) -> unmask_irq(desc);  /* hv_irq_unmask */', (_k, l) =>
        call('hv_irq_unmask', { wslot: l.wslot, index: l.index }),
      ),
      S('return 0;', () => ret(0)),
    ],
  });

  const unmaskIrq = fn('pci_msi_unmask_irq')({
    file: FILE,
    signature: ['void', 'pci_msi_unmask_irq(struct irq_data *data)'],
    params: ['wslot', 'index'],
    body: [
      If('if (desc->pci.msi_attrib.is_msix) {', (k, l) => !!pciDev(k, l.wslot)?.msix_enabled, [
        S('desc->pci.msix_ctrl &= ~PCI_MSIX_ENTRY_CTRL_MASKBIT; writel(desc->pci.msix_ctrl, desc_addr + PCI_MSIX_ENTRY_VECTOR_CTRL);', (k, l) => {
          const e = msixEntry(k, l.wslot, l.index);
          if (e !== null) k.mmioWrite(e + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, 0);
        }),
        S('readl(desc->pci.mask_base);  /* flush */', (k, l) => {
          const e = msixEntry(k, l.wslot, 0);
          if (e !== null) k.mmioRead(e, 4);
        }),
      ]),
      T('/* MSI without per-vector masking: nothing to do */'),
      S('return;', () => ret()),
    ],
  });

  const freeIrq = fn('free_irq')({
    file: FILE,
    doc: ['/* irq_shutdown_and_deactivate(): mask the vector, then msi_domain_deactivate() writes a zero message. */'],
    signature: ['const void *', 'free_irq(unsigned int irq, void *dev_id)'],
    params: ['wslot', 'index'],
    body: [
      If('if (desc->pci.msi_attrib.is_msix) {  /* hv_irq_mask -> pci_msi_mask_irq */', (k, l) => !!pciDev(k, l.wslot)?.msix_enabled, [
        S('writel(desc->pci.msix_ctrl | PCI_MSIX_ENTRY_CTRL_MASKBIT, desc_addr + PCI_MSIX_ENTRY_VECTOR_CTRL);', (k, l) => {
          const e = msixEntry(k, l.wslot, l.index);
          if (e !== null) k.mmioWrite(e + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, PCI_MSIX_ENTRY_CTRL_MASKBIT);
        }),
      ]),
      S('return devname;', () => ret()),
    ],
  });

  const freeIrqVectors = fn('pci_free_irq_vectors')<{
    devfn: number;
    msix: boolean;
    msi: boolean;
    n: number;
    reg: number;
    ctrl: number;
    was_msix: boolean;
    i: number;
  }>({
    file: FILE,
    doc: ['/* pci_disable_msix()/pci_disable_msi(), then msi_domain_free_irqs() -> hv_msi_free() per vector (DELETE_INTERRUPT). */'],
    signature: ['void', 'pci_free_irq_vectors(struct pci_dev *dev)'],
    params: ['wslot'],
    body: [
      S('pci_disable_msix(dev) / pci_disable_msi(dev);', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        l.devfn = p.devfn;
        l.msix = p.msix_enabled;
        l.msi = p.msi_enabled;
        l.n = p.irqs.length;
        l.reg = l.msix ? p.msix_cap + PCI_MSIX_FLAGS : p.msi_cap + PCI_MSI_FLAGS;
      }),
      If('if (dev->msix_enabled) {', (_k, l) => l.msix, [
        S('pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl);', rd('reg', 2, 'ctrl')),
        S('pci_msix_clear_and_set_ctrl(dev, PCI_MSIX_FLAGS_ENABLE, 0);', (k, l) => {
          l.ctrl &= ~PCI_MSIX_FLAGS_ENABLE;
          pciDev(k, l.wslot)!.msix_enabled = false;
          l.was_msix = true;
          return wrNow(l, 'reg', 2, 'ctrl');
        }),
      ]),
      If('if (dev->msi_enabled) {', (_k, l) => l.msi, [
        S('pci_msi_set_enable(dev, 0);', (k, l) => {
          pciDev(k, l.wslot)!.msi_enabled = false;
          return call('pci_msi_set_enable', { wslot: l.wslot, enable: 0 });
        }),
      ]),
      For(
        'msi_for_each_desc(desc, dev, MSI_DESC_ALL) {  /* msi_domain_free_irqs() */',
        (_k, l) => {
          l.i = 0;
        },
        (_k, l) => l.i < l.n,
        (_k, l) => {
          l.i++;
        },
        [S('hv_msi_free(domain, info, irq);', (_k, l) => call('hv_msi_free', { wslot: l.wslot, index: l.i }))],
      ),
      S('irq_domain_free_irqs(); /* x86 vectors released */', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        k.releaseIrqs(p.irqs.map((x) => x.irq));
        p.irqs = [];
      }),
      S('return;', () => ret()),
    ],
  });

  const disableDevice = fn('pci_disable_device')<{ devfn: number; cmd: number }>({
    file: FILE,
    signature: ['void', 'pci_disable_device(struct pci_dev *dev)'],
    params: ['wslot'],
    body: [
      S('pci_read_config_word(dev, PCI_COMMAND, &pci_command);', (k, l) => {
        l.devfn = pciDev(k, l.wslot)!.devfn;
        return rdNow(l, PCI_COMMAND, 2, 'cmd');
      }),
      If('if (pci_command & PCI_COMMAND_MASTER) {', (_k, l) => (l.cmd & PCI_COMMAND_MASTER) !== 0, [
        S('pci_command &= ~PCI_COMMAND_MASTER; pci_write_config_word(dev, PCI_COMMAND, pci_command);', (_k, l) => {
          l.cmd &= ~PCI_COMMAND_MASTER;
          return wrNow(l, PCI_COMMAND, 2, 'cmd');
        }),
      ]),
      S('return;', () => ret()),
    ],
  });

  const stopAndRemove = fn('pci_stop_and_remove_bus_device')<{ present: boolean; driver: string | null }>({
    file: FILE,
    doc: ['/* remove.c: unbind the driver (its remove frees the IRQs), then forget the device and its resources. */'],
    signature: ['void', 'pci_stop_and_remove_bus_device(struct pci_dev *dev)'],
    params: ['wslot'],
    body: [
      S('pci_stop_bus_device(dev) -> device_release_driver(&dev->dev);', (k, l) => {
        const p = pciDev(k, l.wslot);
        // device_release_driver() takes the device lock, which the driver core holds while the
        // driver probes (torvalds/linux drivers/base/dd.c): removal waits for a probe in progress
        // (an eject arriving during ixgbevf_probe's MSI-X set-up), as the kernel's does.
        if (p?.probing) return wait(k.key(`device_lock:${l.wslot}`), `device_release_driver: the device lock is held while ${p.driver ?? 'the driver'} probes`);
        l.present = !!p;
        l.driver = p?.attached ? p.driver : null;
      }),
      If('if (!present) return; {', (_k, l) => !l.present, [S('return;', () => ret())]),
      If('if (dev->driver) {', (_k, l) => l.driver !== null, [S('drv->remove(dev);', (_k, l) => callDriver(`${l.driver}_remove`, { wslot: l.wslot }))]),
      S('pci_remove_bus_device(dev) -> pci_destroy_dev(dev);  /* release BAR resources */', (k, l) => {
        const list = devs(k);
        const i = list.findIndex((c) => c.wslot === l.wslot);
        if (i >= 0) {
          for (const r of list[i]!.resources) if (r.start !== null) releaseInWindows(k, r.start);
          list.splice(i, 1);
        }
      }),
      S('return;', () => ret()),
    ],
  });

  const stopRootBus = fn('pci_stop_root_bus')<{ list: number[]; i: number }>({
    file: FILE,
    signature: ['void', 'pci_stop_root_bus(struct pci_bus *bus)'],
    params: [],
    body: [
      For(
        'list_for_each_entry_safe_reverse(child, tmp, &bus->devices, bus_list) {',
        (k, l) => {
          l.list = devs(k)
            .map((p) => p.wslot)
            .reverse();
          l.i = 0;
        },
        (_k, l) => l.i < l.list.length,
        (_k, l) => {
          l.i++;
        },
        [
          S('pci_stop_and_remove_bus_device(child);  /* pci_stop_bus_device + pci_remove_root_bus */', (_k, l) =>
            call('pci_stop_and_remove_bus_device', { wslot: l.list[l.i]! }),
          ),
        ],
      ),
      S('return;', () => ret()),
    ],
  });

  return [
    scanChildBus,
    scanSlot,
    scanSingle,
    scanDevice,
    setupDevice,
    readBases,
    readBase,
    initCaps,
    assignResources,
    assignResource,
    updateResource,
    busAddDevices,
    busAddDevice,
    enableDevice,
    setMaster,
    allocIrqVectors,
    msixInit,
    msiInit,
    msiSetEnable,
    writeMsiMsg,
    requestIrq,
    unmaskIrq,
    freeIrq,
    freeIrqVectors,
    disableDevice,
    stopAndRemove,
    stopRootBus,
  ];
}

export { wslotToDevfn, ENODEV };
