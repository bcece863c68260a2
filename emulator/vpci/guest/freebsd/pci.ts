// The FreeBSD PCI layer above the bridge, as a driver program: enumeration
// through vmbus_pcib_read_config, BAR sizing and reservation (pci_add_map,
// which FreeBSD does at enumeration through resource_list_reserve and the
// parent's bus_alloc_resource — vmbus_pcib_alloc_resource here), and the MSI /
// MSI-X set-up a function driver triggers. Modelled on freebsd/freebsd-src
// sys/dev/pci/pci.c (pci_add_children, pci_read_device, pci_read_bar,
// pci_add_map, pci_alloc_msix_method, pci_setup_intr, pci_enable_msix,
// pci_unmask_msix, pci_teardown_intr, pci_release_msi_method, pci_child_deleted);
// the listing is our own rendering.
import { S, T, If, For, Continue, ret, type Exec, type Node } from '../../../runtime/program';
import { num, type NumKey } from '../kernel';
import type { K, PciChild, PciMsi, PciMsix } from './softc';
import { fn, call, callDriver, type D } from './protos';
import type { FreebsdVariant } from './pcib-common';

const FILE = 'freebsd/pci.c';

// Register offsets and bits (freebsd-src sys/dev/pci/pcireg.h).
const PCIR_DEVVENDOR = 0x00;
const PCIR_COMMAND = 0x04;
const PCIR_STATUS = 0x06;
const PCIR_HDRTYPE = 0x0e;
const PCIR_CAP_PTR = 0x34;
const PCIM_CMD_PORTEN = 0x0001;
const PCIM_CMD_MEMEN = 0x0002;
const PCIM_CMD_BUSMASTEREN = 0x0004;
const PCIM_CMD_INTxDIS = 0x0400;
const PCIM_STATUS_CAPPRESENT = 0x0010;
const PCIM_MFDEV = 0x80;
const PCIM_HDRTYPE = 0x7f;
const PCIY_MSI = 0x05;
const PCIY_MSIX = 0x11;
const PCIR_MSIX_CTRL = 0x2;
const PCIR_MSIX_TABLE = 0x4;
const PCIR_MSIX_PBA = 0x8;
const PCIM_MSIXCTRL_MSIX_ENABLE = 0x8000;
const PCIM_MSIXCTRL_TABLE_SIZE = 0x07ff;
const PCIM_MSIX_BIR_MASK = 0x7;
const PCIM_MSIX_VCTRL_MASK = 0x1;
const PCIR_MSI_CTRL = 0x2;
const PCIM_MSICTRL_64BIT = 0x0080;
const PCIM_MSICTRL_MSI_ENABLE = 0x0001;
const PCIM_MSICTRL_MMC_MASK = 0x000e;
const PCIM_MSICTRL_MME_MASK = 0x0070;

export type { PciBar, PciChild } from './softc';

/** What pci_read_bar hands back: the BAR as read, and what it read back after all ones. */
interface BarProbe {
  map: number;
  map_hi: number;
  testval: number;
  testval_hi: number;
  bar64: boolean;
}

/** What vmbus_pcib_map_msi returns: an error, or the message address and data to program. */
export type MapMsiResult = { error: number; addr?: number; data?: number };

function pciChild(k: K, wslot: number): PciChild | undefined {
  return k.sc.pci.children.find((c) => c.wslot === wslot);
}

/** REG(): one config read through the bridge, into a local. */
function rd<L extends { s: number; f: number }>(reg: NumKey<L> | number, width: number, into: keyof L & string): Exec<K, L> {
  return (_k, l) => rdNow(l, reg, width, into);
}
function wr<L extends { s: number; f: number }>(reg: NumKey<L> | number, width: number, val: NumKey<L>): Exec<K, L> {
  return (_k, l) => wrNow(l, reg, width, val);
}
/** The same, from inside a statement that first computes the value. */
function wrNow<L extends { s: number; f: number }>(l: L, reg: NumKey<L> | number, width: number, val: NumKey<L>) {
  return call('vmbus_pcib_write_config', { slot: l.s, func: l.f, reg: typeof reg === 'number' ? reg : num(l, reg), data: num(l, val) >>> 0, bytes: width });
}
function rdNow<L extends { s: number; f: number }>(l: L, reg: NumKey<L> | number, width: number, into: keyof L & string) {
  return call('vmbus_pcib_read_config', { slot: l.s, func: l.f, reg: typeof reg === 'number' ? reg : num(l, reg), bytes: width }, into);
}

export function pciFunctions(v: FreebsdVariant): D[] {
  // pci_mask_msix and pci_unmask_msix write the vector control word back even when the mask bit already has the
  // wanted value ("Some devices (e.g. Samsung PM961) do not support reads of this register, so always write the new
  // value", freebsd-src sys/dev/pci/pci.c at 0010132dbd24); the 2016 tree (dd2e215ca93c) wrote only on a change.
  const alwaysWriteVctrl = v !== 'freebsd-2016';
  /** The end of pci_mask_msix / pci_unmask_msix: the vector control word, changed by `change`, written back as the variant does. */
  const vctrlWrite = <L extends { addr: number | null; val: number }>(assign: string, onChange: string, change: (val: number) => number): Node<K, L>[] =>
    alwaysWriteVctrl
      ? [
          S(assign, (_k, l) => {
            l.val = change(l.val);
          }),
          S('bus_write_4(msix->msix_table_res, offset, val);  /* always: some devices (Samsung PM961) cannot read it */', (k, l) => {
            k.mmioWrite(l.addr!, 4, l.val);
          }),
        ]
      : [
          If(onChange, (_k, l) => change(l.val) !== l.val, [
            S(`${assign} bus_write_4(msix->msix_table_res, offset, val);`, (k, l) => {
              l.val = change(l.val);
              k.mmioWrite(l.addr!, 4, l.val);
            }),
          ]),
        ];

  const attach = fn('pci_attach')({
    file: FILE,
    doc: ['/* bus_generic_attach() on the new pci bus: pci_attach() -> pci_add_children() */'],
    signature: ['static int', 'pci_attach(device_t dev)'],
    params: [],
    body: [S('pci_add_children(dev, domain, busno);', () => call('pci_add_children')), S('return (bus_generic_attach(dev));', () => ret(0))],
  });

  const addChildren = fn('pci_add_children')<{ maxslots: number; s: number; pcifunchigh: number; f: number; hdrtype: number; dinfo: number | null }>({
    file: FILE,
    signature: ['void', 'pci_add_children(device_t dev, int domain, int busno)'],
    params: [],
    body: [
      S('maxslots = PCIB_MAXSLOTS(pcib);', (_k, l) => {
        l.maxslots = 31;
      }),
      For(
        'for (s = 0; s <= maxslots; s++) {',
        (_k, l) => {
          l.s = 0;
        },
        (_k, l) => l.s <= l.maxslots,
        (_k, l) => {
          l.s++;
        },
        [
          S('pcifunchigh = 0; f = 0;', (_k, l) => {
            l.pcifunchigh = 0;
            l.f = 0;
          }),
          S('hdrtype = REG(PCIR_HDRTYPE, 1);', rd(PCIR_HDRTYPE, 1, 'hdrtype')),
          If('if ((hdrtype & PCIM_HDRTYPE) > PCI_MAXHDRTYPE)', (_k, l) => (l.hdrtype & PCIM_HDRTYPE) > 2, [Continue()]),
          If('if (hdrtype & PCIM_MFDEV)', (_k, l) => (l.hdrtype & PCIM_MFDEV) !== 0, [
            S('pcifunchigh = PCIB_MAXFUNCS(pcib);', (_k, l) => {
              l.pcifunchigh = 7;
            }),
          ]),
          For(
            'for (f = 0; f <= pcifunchigh; f++) {',
            (_k, l) => {
              l.f = 0;
            },
            (_k, l) => l.f <= l.pcifunchigh,
            (_k, l) => {
              l.f++;
            },
            [
              S('dinfo = pci_read_device(pcib, dev, domain, busno, s, f);', (_k, l) => call('pci_read_device', { s: l.s, f: l.f }, 'dinfo')),
              If('if (dinfo != NULL)', (_k, l) => l.dinfo !== null, [S('pci_add_child(dev, dinfo);', (_k, l) => call('pci_add_child', { wslot: l.dinfo! }))]),
            ],
          ),
        ],
      ),
      S('return;', () => ret()),
    ],
  });

  const readDevice = fn('pci_read_device')<{ devvendor: number; cmdreg: number; statreg: number; hdrtype: number; wslot: number }>({
    file: FILE,
    signature: ['struct pci_devinfo *', 'pci_read_device(device_t pcib, device_t bus, int d, int b, int s, int f)'],
    params: ['s', 'f'],
    body: [
      S('devvendor = REG(PCIR_DEVVENDOR, 4);', rd(PCIR_DEVVENDOR, 4, 'devvendor')),
      If('if (devvendor == 0xfffffffful)', (_k, l) => l.devvendor >>> 0 === 0xffffffff, [S('return (NULL);', () => ret(null))]),
      S('cfg->cmdreg = REG(PCIR_COMMAND, 2);', rd(PCIR_COMMAND, 2, 'cmdreg')),
      S('cfg->statreg = REG(PCIR_STATUS, 2);', rd(PCIR_STATUS, 2, 'statreg')),
      S('cfg->hdrtype = REG(PCIR_HDRTYPE, 1);', rd(PCIR_HDRTYPE, 1, 'hdrtype')),
      S('dinfo = malloc(sizeof(*dinfo), M_DEVBUF, M_WAITOK | M_ZERO);', (k, l) => {
        const wslot = (l.s & 0x1f) | ((l.f & 7) << 5);
        const list = k.sc.pci.children;
        const idx = list.findIndex((c) => c.wslot === wslot);
        if (idx >= 0) list.splice(idx, 1);
        list.push({
          wslot,
          slot: l.s,
          func: l.f,
          devvendor: l.devvendor >>> 0,
          hdrtype: l.hdrtype,
          bars: [],
          msix: null,
          msi: null,
          irqs: [],
          msix_enabled: false,
          driver: null,
          attached: false,
          attaching: false,
          intr_count: [],
        });
        l.wslot = wslot;
      }),
      If('if (cfg->statreg & PCIM_STATUS_CAPPRESENT)', (_k, l) => (l.statreg & PCIM_STATUS_CAPPRESENT) !== 0, [
        S('pci_read_cap(pcib, cfg);', (_k, l) => call('pci_read_cap', { s: l.s, f: l.f, wslot: l.wslot })),
      ]),
      S('return (dinfo);', (_k, l) => ret(l.wslot)),
    ],
  });

  const readCap = fn('pci_read_cap')<{
    nextptr: number;
    guard: number;
    ptr: number;
    capid: number;
    msi_ctrl: number;
    msix_ctrl: number;
    table: number;
    pba: number;
  }>({
    file: FILE,
    signature: ['static void', 'pci_read_cap(device_t pcib, pcicfgregs *cfg)'],
    params: ['s', 'f', 'wslot'],
    body: [
      S('nextptr = REG(PCIR_CAP_PTR, 1);', rd(PCIR_CAP_PTR, 1, 'nextptr')),
      For(
        'while (nextptr != 0) {',
        (_k, l) => {
          l.guard = 0;
        },
        (_k, l) => (l.nextptr & 0xfc) !== 0 && l.guard < 48,
        (_k, l) => {
          l.guard++;
        },
        [
          S('ptr = nextptr;', (_k, l) => {
            l.ptr = l.nextptr & 0xfc;
          }),
          S('nextptr = REG(ptr + PCICAP_NEXTPTR, 1);', (_k, l) =>
            call('vmbus_pcib_read_config', { slot: l.s, func: l.f, reg: l.ptr + 1, bytes: 1 }, 'nextptr'),
          ),
          S('switch (REG(ptr + PCICAP_ID, 1)) {', (_k, l) => call('vmbus_pcib_read_config', { slot: l.s, func: l.f, reg: l.ptr, bytes: 1 }, 'capid')),
          If('case PCIY_MSI:', (_k, l) => l.capid === PCIY_MSI, [
            S('msi_ctrl = REG(ptr + PCIR_MSI_CTRL, 2);', (_k, l) =>
              call('vmbus_pcib_read_config', { slot: l.s, func: l.f, reg: l.ptr + PCIR_MSI_CTRL, bytes: 2 }, 'msi_ctrl'),
            ),
            S('cfg->msi.msi_location = ptr; cfg->msi.msi_msgnum = 1 << ((msi_ctrl & PCIM_MSICTRL_MMC_MASK) >> 1);', (k, l) => {
              const c = pciChild(k, l.wslot)!;
              c.msi = {
                location: l.ptr,
                msgnum: 1 << ((l.msi_ctrl & PCIM_MSICTRL_MMC_MASK) >> 1),
                is64: (l.msi_ctrl & PCIM_MSICTRL_64BIT) !== 0,
                ctrl: l.msi_ctrl,
              };
            }),
          ]),
          If('case PCIY_MSIX:', (_k, l) => l.capid === PCIY_MSIX, [
            S('msix_ctrl = REG(ptr + PCIR_MSIX_CTRL, 2);', (_k, l) =>
              call('vmbus_pcib_read_config', { slot: l.s, func: l.f, reg: l.ptr + PCIR_MSIX_CTRL, bytes: 2 }, 'msix_ctrl'),
            ),
            S('val = REG(ptr + PCIR_MSIX_TABLE, 4);', (_k, l) =>
              call('vmbus_pcib_read_config', { slot: l.s, func: l.f, reg: l.ptr + PCIR_MSIX_TABLE, bytes: 4 }, 'table'),
            ),
            S('val = REG(ptr + PCIR_MSIX_PBA, 4);', (_k, l) =>
              call('vmbus_pcib_read_config', { slot: l.s, func: l.f, reg: l.ptr + PCIR_MSIX_PBA, bytes: 4 }, 'pba'),
            ),
            S('cfg->msix.msix_location = ptr; msix_msgnum = (msix_ctrl & PCIM_MSIXCTRL_TABLE_SIZE) + 1; ...', (k, l) => {
              const c = pciChild(k, l.wslot)!;
              c.msix = {
                location: l.ptr,
                msgnum: (l.msix_ctrl & PCIM_MSIXCTRL_TABLE_SIZE) + 1,
                ctrl: l.msix_ctrl,
                table_bar: l.table & PCIM_MSIX_BIR_MASK,
                table_offset: (l.table & ~PCIM_MSIX_BIR_MASK) >>> 0,
                pba_bar: l.pba & PCIM_MSIX_BIR_MASK,
                pba_offset: (l.pba & ~PCIM_MSIX_BIR_MASK) >>> 0,
              };
            }),
          ]),
          T('}'),
        ],
      ),
      S('return;', () => ret()),
    ],
  });

  const addChild = fn('pci_add_child')<{ s: number; f: number }>({
    file: FILE,
    signature: ['void', 'pci_add_child(device_t bus, struct pci_devinfo *dinfo)'],
    params: ['wslot'],
    body: [
      S('dinfo->cfg.dev = dev = device_add_child(bus, NULL, -1);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.s = c.slot;
        l.f = c.func;
      }),
      S('pci_add_resources(bus, dev, 0, 0);', (_k, l) => call('pci_add_resources', { s: l.s, f: l.f, wslot: l.wslot })),
      S('pci_child_added(dinfo->cfg.dev);  /* then device_probe_and_attach() */', (_k, l) => call('pci_probe_and_attach_child', { wslot: l.wslot })),
      S('return;', () => ret()),
    ],
  });

  const addResources = fn('pci_add_resources')<{ i: number; barlen: number }>({
    file: FILE,
    signature: ['void', 'pci_add_resources(device_t bus, device_t dev, int force, uint32_t prefetchmask)'],
    params: ['s', 'f', 'wslot'],
    body: [
      For(
        'for (i = 0; i < cfg->nummaps; i += barlen) {',
        (_k, l) => {
          l.i = 0;
        },
        (_k, l) => l.i < 6,
        (_k, l) => {
          l.i += l.barlen;
        },
        [
          S('barlen = pci_add_map(bus, dev, PCIR_BAR(i), rl, force, prefetchmask & (1 << i));', (_k, l) =>
            call('pci_add_map', { s: l.s, f: l.f, wslot: l.wslot, reg: 0x10 + 4 * l.i }, 'barlen'),
          ),
        ],
      ),
      S('return;', () => ret()),
    ],
  });

  const readBar = fn('pci_read_bar')<{
    map: number;
    ln2range: number;
    reg_hi: number;
    cmd: number;
    ones: number;
    testval: number;
    map_hi: number;
    testval_hi: number;
    cmd_off: number;
  }>({
    file: FILE,
    doc: ['/* Size a BAR: disable decoding, write all 1s, read back, restore. */'],
    signature: ['static void', 'pci_read_bar(device_t dev, int reg, pci_addr_t *mapp, pci_addr_t *testvalp, int *bar64)'],
    params: ['s', 'f', 'reg'],
    body: [
      S('map = pci_read_config(dev, reg, 4);', rd('reg', 4, 'map')),
      S('ln2range = pci_maprange(map);', (_k, l) => {
        l.ln2range = (l.map & 1) === 0 && (l.map & 6) === 4 ? 64 : 32;
        l.reg_hi = l.reg + 4;
      }),
      If('if (ln2range == 64)', (_k, l) => l.ln2range === 64, [S('map |= (pci_addr_t)pci_read_config(dev, reg + 4, 4) << 32;', rd('reg_hi', 4, 'map_hi'))]),
      S('cmd = pci_read_config(dev, PCIR_COMMAND, 2);', rd(PCIR_COMMAND, 2, 'cmd')),
      If('if (cmd & (PCI_BAR_IO(map) ? PCIM_CMD_PORTEN : PCIM_CMD_MEMEN))', (_k, l) => (l.cmd & (l.map & 1 ? 1 : PCIM_CMD_MEMEN)) !== 0, [
        S('pci_write_config(dev, PCIR_COMMAND, cmd & ~(...), 2);', (_k, l) => {
          l.cmd_off = l.cmd & ~(l.map & 1 ? 1 : PCIM_CMD_MEMEN);
          return wrNow(l, PCIR_COMMAND, 2, 'cmd_off');
        }),
      ]),
      S('pci_write_config(dev, reg, 0xffffffff, 4);', (_k, l) => {
        l.ones = 0xffffffff;
        return wrNow(l, 'reg', 4, 'ones');
      }),
      S('testval = pci_read_config(dev, reg, 4);', rd('reg', 4, 'testval')),
      If('if (ln2range == 64) {', (_k, l) => l.ln2range === 64, [
        S('pci_write_config(dev, reg + 4, 0xffffffff, 4);', wr('reg_hi', 4, 'ones')),
        S('testval |= (pci_addr_t)pci_read_config(dev, reg + 4, 4) << 32;', rd('reg_hi', 4, 'testval_hi')),
      ]),
      S('pci_write_config(dev, reg, map, 4);  /* restore */', wr('reg', 4, 'map')),
      If('if (ln2range == 64)', (_k, l) => l.ln2range === 64, [S('pci_write_config(dev, reg + 4, map >> 32, 4);', wr('reg_hi', 4, 'map_hi'))]),
      S('pci_write_config(dev, PCIR_COMMAND, cmd, 2);', wr(PCIR_COMMAND, 2, 'cmd')),
      S('*mapp = map; *testvalp = testval; *bar64 = (ln2range == 64);', (_k, l) =>
        ret({
          map: l.map >>> 0,
          map_hi: l.ln2range === 64 ? l.map_hi >>> 0 : 0,
          testval: l.testval >>> 0,
          testval_hi: l.ln2range === 64 ? l.testval_hi >>> 0 : 0,
          bar64: l.ln2range === 64,
        }),
      ),
    ],
  });

  const addMap = fn('pci_add_map')<{
    rb: BarProbe;
    barlen: number;
    type: 'mem' | 'io';
    prefetch: boolean;
    count: number;
    base: number;
    cmd: number;
    start: number;
    end: number;
    res: number | null;
    newlo: number;
    newhi: number;
    reg_hi: number;
  }>({
    file: FILE,
    signature: ['static int', 'pci_add_map(device_t bus, device_t dev, int reg, struct resource_list *rl, int force, int prefetch)'],
    params: ['s', 'f', 'wslot', 'reg'],
    body: [
      S('pci_read_bar(dev, reg, &map, &testval, NULL);', (_k, l) => call('pci_read_bar', { s: l.s, f: l.f, reg: l.reg }, 'rb')),
      S('barlen = pci_maprange(map) == 64 ? 2 : 1;', (_k, l) => {
        l.barlen = l.rb.bar64 ? 2 : 1;
      }),
      If('if (PCI_BAR_MEM(map) && ... || testval == 0)  /* no BAR */', (_k, l) => l.rb.testval === 0 && l.rb.testval_hi === 0, [
        S('return (barlen);', (_k, l) => ret(l.barlen)),
      ]),
      S('mapsize = pci_mapsize(testval); type = PCI_BAR_IO(map) ? SYS_RES_IOPORT : SYS_RES_MEMORY;', (_k, l) => {
        const io = (l.rb.testval & 1) === 1;
        l.type = io ? 'io' : 'mem';
        l.prefetch = !io && (l.rb.map & 8) !== 0;
        // Size from the probed mask: lowest set address bit, 64-bit aware.
        const lo = (l.rb.testval & (io ? ~3 : ~0xf)) >>> 0;
        const hi = l.rb.bar64 ? l.rb.testval_hi >>> 0 : lo === 0 ? 0 : 0xffffffff;
        let size = 0;
        if (lo !== 0) size = (lo & -lo) >>> 0;
        else if (hi !== 0) size = ((hi & -hi) >>> 0) * 0x1_0000_0000;
        if (!io && !l.rb.bar64) size = Math.min(size, 0x1_0000_0000);
        l.count = size;
        l.base = ((l.rb.map & (io ? ~3 : ~0xf)) >>> 0) + (l.rb.bar64 ? l.rb.map_hi * 0x1_0000_0000 : 0);
      }),
      S('pm = pci_add_bar(dev, reg, map, mapsize);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        c.bars.push({
          reg: l.reg,
          bar: (l.reg - 0x10) / 4,
          type: l.type,
          is64: l.rb.bar64,
          prefetch: l.prefetch,
          size: l.count,
          start: null,
          map: l.rb.map,
          active: false,
        });
      }),
      // A zero BAR is left for the driver: pci_alloc_resource -> pci_reserve_map places it
      // lazily (freebsd/freebsd-src sys/dev/pci/pci.c pci_add_map, "If base is 0 ...").
      // Under Hyper-V every BAR reads zero here, so every BAR takes the lazy path.
      If('if (!force && (basezero || map == testval))', (_k, l) => l.base === 0 || l.rb.map >>> 0 === l.rb.testval >>> 0, [
        S('return (barlen);', (_k, l) => ret(l.barlen)),
      ]),
      If('if (pci_enable_io_modes && type == SYS_RES_MEMORY && !pci_memen(dev)) {  /* lazy BIOS */', (_k, l) => l.type === 'mem', [
        S('cmd = pci_read_config(dev, PCIR_COMMAND, 2);', rd(PCIR_COMMAND, 2, 'cmd')),
        If('if (!(cmd & PCIM_CMD_MEMEN))', (_k, l) => (l.cmd & PCIM_CMD_MEMEN) === 0, [
          S('cmd |= PCIM_CMD_MEMEN; pci_write_config(dev, PCIR_COMMAND, cmd, 2);', (_k, l) => {
            l.cmd |= PCIM_CMD_MEMEN;
            return wrNow(l, PCIR_COMMAND, 2, 'cmd');
          }),
        ]),
      ]),
      S('start = base; end = base + count - 1;', (_k, l) => {
        l.start = l.base;
        l.end = l.base + l.count - 1;
      }),
      S('res = resource_list_reserve(rl, bus, dev, type, &reg, start, end, count, flags);', (_k, l) =>
        call(
          'vmbus_pcib_alloc_resource',
          { wslot: l.wslot, type: l.type, bar: (l.reg - 0x10) / 4, start: l.start, end: l.end, count: l.count, align: l.count },
          'res',
        ),
      ),
      If('if (res == NULL) {', (_k, l) => l.res === null, [
        S('device_printf(bus, "pci%d:%d:%d:%d bar %#x failed to allocate\\n", ...);', (k, l) =>
          k.log(`pci0:0:${l.s}:${l.f}: bar 0x${l.reg.toString(16)} failed to allocate`),
        ),
        S('return (barlen);', (_k, l) => ret(l.barlen)),
      ]),
      S('map = rman_get_start(res); pci_write_bar(dev, pm, map);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        const b = c.bars.find((x) => x.reg === l.reg)!;
        b.start = l.res;
        l.newlo = ((l.res! % 0x1_0000_0000) >>> 0) | (l.rb.map & (l.type === 'io' ? 3 : 0xf));
        l.newhi = Math.floor(l.res! / 0x1_0000_0000) >>> 0;
        return wrNow(l, 'reg', 4, 'newlo');
      }),
      If('if (pm->pm_size == 64)', (_k, l) => l.rb.bar64, [
        S('pci_write_config(dev, pm->pm_reg + 4, map >> 32, 4);', (_k, l) => {
          l.reg_hi = l.reg + 4;
          return wrNow(l, 'reg_hi', 4, 'newhi');
        }),
      ]),
      S('return (barlen);', (_k, l) => ret(l.barlen)),
    ],
  });

  const probeAttach = fn('pci_probe_and_attach_child')<{ driver: string | null }>({
    file: FILE,
    doc: ['/* device_probe_and_attach(): a function driver attaches if one is loaded for this device. */'],
    signature: ['static void', 'pci_probe_and_attach_child(device_t child)'],
    params: ['wslot'],
    body: [
      S('driver = device_probe(child);', (k, l) => {
        const req = k.driverRequest(l.wslot);
        l.driver = req ? k.driverName(l.wslot) : null;
      }),
      If('if (driver == NULL)', (_k, l) => l.driver === null, [S('return;  /* no driver loaded yet: the device stays unclaimed */', () => ret())]),
      S("device_attach(child);  /* runs the driver's attach in its own context */", (k, l) => {
        const c = pciChild(k, l.wslot)!;
        c.driver = l.driver;
        k.spawnDriver(l.wslot, `${l.driver}_attach`, { wslot: l.wslot });
      }),
      S('return;', () => ret()),
    ],
  });

  const rescan = fn('pci_rescan')<{ maxslots: number; s: number; f: number; pcifunchigh: number; vid: number; hdrtype: number; dinfo: number | null }>({
    file: FILE,
    signature: ['static int', 'pci_rescan(device_t dev)'],
    params: [],
    doc: ['/* pci_rescan_method(): identify functions the bus does not know yet; existing devices are left alone. */'],
    body: [
      S('maxslots = PCIB_MAXSLOTS(pcib);', (_k, l) => {
        l.maxslots = 31;
      }),
      For(
        'for (s = 0; s <= maxslots; s++) {',
        (_k, l) => {
          l.s = 0;
        },
        (_k, l) => l.s <= l.maxslots,
        (_k, l) => {
          l.s++;
        },
        [
          S('f = 0;', (_k, l) => {
            l.f = 0;
            l.pcifunchigh = 0;
          }),
          S('vid = REG(PCIR_VENDOR, 2);', rd(PCIR_DEVVENDOR, 2, 'vid')),
          If('if (vid == PCIV_INVALID)  /* function 0 absent: next slot */', (_k, l) => (l.vid & 0xffff) === 0xffff, [Continue()]),
          S('hdrtype = REG(PCIR_HDRTYPE, 1);', rd(PCIR_HDRTYPE, 1, 'hdrtype')),
          If('if (hdrtype & PCIM_MFDEV)', (_k, l) => (l.hdrtype & PCIM_MFDEV) !== 0, [
            S('pcifunchigh = PCIB_MAXFUNCS(pcib);', (_k, l) => {
              l.pcifunchigh = 7;
            }),
          ]),
          For(
            'for (f = 0; f <= pcifunchigh; f++) {',
            (_k, l) => {
              l.f = 0;
            },
            (_k, l) => l.f <= l.pcifunchigh,
            (_k, l) => {
              l.f++;
            },
            [
              S('vid = REG(PCIR_VENDOR, 2);', rd(PCIR_DEVVENDOR, 2, 'vid')),
              If('if (vid == PCIV_INVALID)', (_k, l) => (l.vid & 0xffff) === 0xffff, [Continue()]),
              If(
                'if (a device_t for s.f already exists)  /* unchanged: goto next_func */',
                (k, l) => k.sc.pci.children.some((c) => c.slot === l.s && c.func === l.f),
                [Continue()],
              ),
              S('dinfo = pci_read_device(pcib, dev, domain, busno, s, f);  /* pci_identify_function */', (_k, l) =>
                call('pci_read_device', { s: l.s, f: l.f }, 'dinfo'),
              ),
              If('if (dinfo != NULL)', (_k, l) => l.dinfo !== null, [S('pci_add_child(dev, dinfo);', (_k, l) => call('pci_add_child', { wslot: l.dinfo! }))]),
            ],
          ),
        ],
      ),
      S('return (0);', () => ret(0)),
    ],
  });

  const detach = fn('pci_detach')<{ list: number[]; i: number }>({
    file: FILE,
    signature: ['static int', 'pci_detach(device_t dev)'],
    params: [],
    body: [
      For(
        'for each child: device_delete_child(dev, child)',
        (k, l) => {
          l.list = k.sc.pci.children.map((c) => c.wslot);
          l.i = 0;
        },
        (_k, l) => l.i < l.list.length,
        (_k, l) => {
          l.i++;
        },
        [S('pci_delete_child(dev, child);', (_k, l) => call('pci_delete_child', { wslot: l.list[l.i]! }))],
      ),
      S('return (0);', () => ret(0)),
    ],
  });

  const deleteChild = fn('pci_delete_child')<{ present: boolean; attaching: boolean; driver: string | null; s: number; f: number; cmd: number }>({
    file: FILE,
    doc: ['/* device_delete_child() on a pci(4) child: the driver detach, then pci_child_detached() and pci_child_deleted(). */'],
    signature: ['static void', 'pci_delete_child(device_t dev, device_t child)'],
    params: ['wslot'],
    body: [
      S('dinfo = device_get_ivars(child);', (k, l) => {
        const c = pciChild(k, l.wslot);
        l.present = !!c;
        l.attaching = !!c?.attaching;
        l.driver = c?.attached ? c.driver : null;
        l.s = c?.slot ?? 0;
        l.f = c?.func ?? 0;
      }),
      If('if (!present) return;', (_k, l) => !l.present, [S('return;', () => ret())]),
      // device_delete_child() detaches first, and device_detach() refuses a device whose driver is
      // still attaching (freebsd-src sys/kern/subr_bus.c: DS_ATTACHING, "device in attaching state!
      // Deferring detach.", EBUSY): the child stays, and the caller (hv_pci_delete_device) goes on.
      If('if (device_detach(child) == EBUSY) return;  /* DS_ATTACHING */', (_k, l) => l.attaching, [
        S('device_printf(child, "device in attaching state! Deferring detach.\\n"); return;', (k, l) => {
          k.log(`${l.driver ?? pciChild(k, l.wslot)?.driver ?? 'pci'}${l.wslot}: device in attaching state! Deferring detach.`);
          return ret();
        }),
      ]),
      If('if (device_is_attached(child))', (_k, l) => l.driver !== null, [
        S('device_detach(child);', (_k, l) => callDriver(`${l.driver}_detach`, { wslot: l.wslot })),
      ]),
      // BUS_CHILD_DELETED -> pci_child_deleted: with the child present (bus_child_present), one read-modify-write of
      // Command clearing Memory and I/O Space Enable, then pci_disable_busmaster(child), a second one clearing Bus
      // Master Enable (pci_clear_command_bit); every other bit, Interrupt Disable among them, stays (freebsd/freebsd-src
      // sys/dev/pci/pci.c pci_child_deleted at 0010132dbd24; the same in stable/11, 11.4).
      S('cmd = pci_read_config(child, PCIR_COMMAND, 2);  /* pci_child_deleted(): decoding off before the resources go */', rd(PCIR_COMMAND, 2, 'cmd')),
      S('pci_write_config(child, PCIR_COMMAND, cmd & ~(PCIM_CMD_MEMEN | PCIM_CMD_PORTEN), 2);', (_k, l) => {
        l.cmd &= ~(PCIM_CMD_MEMEN | PCIM_CMD_PORTEN);
        return wrNow(l, PCIR_COMMAND, 2, 'cmd');
      }),
      S('command = PCI_READ_CONFIG(dev, child, PCIR_COMMAND, 2);  /* pci_disable_busmaster(child) */', rd(PCIR_COMMAND, 2, 'cmd')),
      S('command &= ~PCIM_CMD_BUSMASTEREN; PCI_WRITE_CONFIG(dev, child, PCIR_COMMAND, command, 2);', (_k, l) => {
        l.cmd &= ~PCIM_CMD_BUSMASTEREN;
        return wrNow(l, PCIR_COMMAND, 2, 'cmd');
      }),
      S('resource_list_free(rl);  /* release the reserved BAR ranges */', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        for (const b of c.bars) if (b.start !== null) k.freeMmio(b.start);
      }),
      S('device_delete_child(dev, child); pci_freecfg(dinfo);', (k, l) => {
        const list = k.sc.pci.children;
        const i = list.findIndex((c) => c.wslot === l.wslot);
        if (i >= 0) list.splice(i, 1);
      }),
      S('return;', () => ret()),
    ],
  });

  const reserveMap = fn('pci_reserve_map')<{
    s: number;
    f: number;
    found: boolean;
    size: number;
    is64: boolean;
    type: 'mem' | 'io';
    map: number;
    reg: number;
    count: number;
    res: number | null;
    cmd: number;
    cmd_off: number;
    newlo: number;
    newhi: number;
    reg_hi: number;
  }>({
    file: FILE,
    doc: ['/* A BAR left unassigned at enumeration: reserve a range now and write it to the BAR with decoding briefly off. */'],
    signature: [
      'static struct resource *',
      'pci_reserve_map(device_t dev, device_t child, int type, int *rid, rman_res_t start, rman_res_t end, rman_res_t count, u_int num, u_int flags)',
    ],
    params: ['wslot', 'bar'],
    body: [
      S('pm = pci_find_bar(child, *rid);  /* recorded by pci_add_map */', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.s = c.slot;
        l.f = c.func;
        const b = c.bars.find((x) => x.bar === l.bar);
        l.found = !!b;
        if (b) {
          l.size = b.size;
          l.is64 = b.is64;
          l.type = b.type;
          l.map = b.map ?? 0;
          l.reg = b.reg;
        }
      }),
      If('if (pm == NULL)', (_k, l) => !l.found, [S('return (NULL);', () => ret(null))]),
      S("count = (pci_addr_t)1 << mapsize;  /* the BAR's size; alignment is the size */", (_k, l) => {
        l.count = l.size;
      }),
      S('res = resource_list_reserve(rl, dev, child, type, rid, 0, ~0, count, flags & ~RF_ACTIVE);', (_k, l) =>
        call(
          'vmbus_pcib_alloc_resource',
          { wslot: l.wslot, type: l.type, bar: l.bar, start: 0, end: Number.MAX_SAFE_INTEGER, count: l.count, align: l.count },
          'res',
        ),
      ),
      If('if (res == NULL) {', (_k, l) => l.res === null, [
        S('device_printf(child, "%#jx bytes of rid %#x res %d failed (%#jx, %#jx).\\n", ...);', (k, l) =>
          k.log(`${l.count.toString(16)} bytes of rid 0x${l.reg.toString(16)} res 3 failed`),
        ),
        S('return (NULL);', () => ret(null)),
      ]),
      // pci_reserve_map clears the decode bit around the BAR update and then
      // restores COMMAND (freebsd/freebsd-src sys/dev/pci/pci.c, pci_reserve_map:
      // "Disable decoding via the CMD register before updating the BAR"), so a
      // lazily placed BAR is written with Memory Space Enable off even when
      // another BAR of the device is already active.
      S('cmd = pci_read_config(child, PCIR_COMMAND, 2);', rd(PCIR_COMMAND, 2, 'cmd')),
      S('pci_write_config(child, PCIR_COMMAND, cmd & ~(PCI_BAR_MEM(map) ? PCIM_CMD_MEMEN : PCIM_CMD_PORTEN), 2);', (k, l) => {
        l.cmd_off = l.cmd & ~(l.type === 'io' ? 1 : PCIM_CMD_MEMEN); // PCIM_CMD_PORTEN is bit 0
        return wrNow(l, PCIR_COMMAND, 2, 'cmd_off');
      }),
      S('map = rman_get_start(res); pci_write_bar(child, pm, map);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        c.bars.find((x) => x.bar === l.bar)!.start = l.res;
        l.newlo = ((l.res! % 0x1_0000_0000) >>> 0) | (l.map & (l.type === 'io' ? 3 : 0xf));
        l.newhi = Math.floor(l.res! / 0x1_0000_0000) >>> 0;
        return wrNow(l, 'reg', 4, 'newlo');
      }),
      If('if (pm->pm_size == 64)  /* pci_write_bar: upper dword */', (_k, l) => l.is64, [
        S('pci_write_config(child, pm->pm_reg + 4, map >> 32, 4);', (_k, l) => {
          l.reg_hi = l.reg + 4;
          return wrNow(l, 'reg_hi', 4, 'newhi');
        }),
      ]),
      S('pci_write_config(child, PCIR_COMMAND, cmd, 2);  /* restore the original value */', wr(PCIR_COMMAND, 2, 'cmd')),
      S('return (res);', (_k, l) => ret(l.res)),
    ],
  });

  const allocResource = fn('pci_alloc_resource')<{ res: number | null; s: number; f: number; cmd: number }>({
    file: FILE,
    doc: ['/* bus_alloc_resource_any(dev, SYS_RES_MEMORY, &rid, RF_ACTIVE): inherit the reserved BAR and activate it. */'],
    signature: [
      'struct resource *',
      'pci_alloc_resource(device_t dev, device_t child, int type, int *rid, rman_res_t start, rman_res_t end, rman_res_t count, u_int flags)',
    ],
    params: ['wslot', 'bar'],
    body: [
      S('rle = resource_list_find(rl, type, *rid);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        const b = c.bars.find((x) => x.bar === l.bar);
        l.res = b && b.start !== null ? b.start : null;
        l.s = c.slot;
        l.f = c.func;
      }),
      If('if (rle == NULL || rle->res == NULL)  /* not reserved at enumeration */', (_k, l) => l.res === null, [
        S('res = pci_reserve_map(dev, child, type, rid, start, end, count, num, flags);', (_k, l) =>
          call('pci_reserve_map', { wslot: l.wslot, bar: l.bar }, 'res'),
        ),
        If('if (res == NULL)', (_k, l) => l.res === null, [S('return (NULL);', () => ret(null))]),
      ]),
      S('pci_activate_resource(child, type, *rid, res);  /* -> pci_enable_io(child, SYS_RES_MEMORY) */', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        const b = c.bars.find((x) => x.bar === l.bar)!;
        b.active = true;
      }),
      S('cmd = pci_read_config(child, PCIR_COMMAND, 2);', rd(PCIR_COMMAND, 2, 'cmd')),
      If('if (!(cmd & PCIM_CMD_MEMEN))', (_k, l) => (l.cmd & PCIM_CMD_MEMEN) === 0, [
        S('pci_write_config(child, PCIR_COMMAND, cmd | PCIM_CMD_MEMEN, 2);', (_k, l) => {
          l.cmd |= PCIM_CMD_MEMEN;
          return wrNow(l, PCIR_COMMAND, 2, 'cmd');
        }),
      ]),
      S('return (res);', (_k, l) => ret(l.res)),
    ],
  });

  const enableBusmaster = fn('pci_enable_busmaster')<{ command: number }>({
    file: FILE,
    signature: ['int', 'pci_enable_busmaster_method(device_t dev, device_t child)'],
    params: ['s', 'f'],
    body: [
      S('command = pci_read_config(child, PCIR_COMMAND, 2);', rd(PCIR_COMMAND, 2, 'command')),
      S('command |= PCIM_CMD_BUSMASTEREN; pci_write_config(child, PCIR_COMMAND, command, 2);', (_k, l) => {
        l.command |= PCIM_CMD_BUSMASTEREN;
        return wrNow(l, PCIR_COMMAND, 2, 'command');
      }),
      S('return (0);', () => ret(0)),
    ],
  });

  const allocMsix = fn('pci_alloc_msix')<{
    msix: PciMsix | null;
    s: number;
    f: number;
    table_active: boolean;
    actual: number;
    irqs: number[];
    i: number;
    ctrl_reg: number;
    ctrl: number;
  }>({
    file: FILE,
    signature: ['int', 'pci_alloc_msix_method(device_t dev, device_t child, int *count)'],
    params: ['wslot', 'count'],
    body: [
      S('msix = &dinfo->cfg.msix;', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.msix = c.msix;
        l.s = c.slot;
        l.f = c.func;
        const tb = l.msix ? c.bars.find((b) => b.bar === l.msix!.table_bar) : undefined;
        l.table_active = !!tb?.active;
      }),
      If('if (msix->msix_location == 0 || cfg->msix.msix_alloc > 0)', (_k, l) => !l.msix, [S('return (ENODEV);', () => ret({ error: 19, irqs: [] }))]),
      If('if (rle == NULL || rle->res == NULL || !(rman_get_flags(rle->res) & RF_ACTIVE))  /* table BAR must be active */', (_k, l) => !l.table_active, [
        S('return (ENXIO);', (k) => {
          k.log('[vPCI Lab] pci_alloc_msix: MSI-X table BAR is not allocated and active');
          return ret({ error: 6, irqs: [] });
        }),
      ]),
      S('actual = min(*count, msix->msix_msgnum);', (_k, l) => {
        l.actual = Math.min(l.count, l.msix!.msgnum);
      }),
      S('error = PCIB_ALLOC_MSIX(device_get_parent(dev), child, &irq);  /* vmbus_pcib_alloc_msix */', (_k, l) =>
        call('vmbus_pcib_alloc_msix', { count: l.actual, kind: 'msix' }, 'irqs'),
      ),
      // Every entry the table has is masked, not only the ones allocated; then the control word pci_read_cap cached
      // goes back with Enable set, without a read of the register (freebsd-src sys/dev/pci/pci.c
      // pci_alloc_msix_method, 0010132dbd24 and dd2e215ca93c alike).
      For(
        '/* Mask all vectors. */ for (i = 0; i < cfg->msix.msix_msgnum; i++)',
        (_k, l) => {
          l.i = 0;
        },
        (_k, l) => l.i < l.msix!.msgnum,
        (_k, l) => {
          l.i++;
        },
        [S('pci_mask_msix(child, i);', (_k, l) => call('pci_mask_msix', { wslot: l.wslot, index: l.i }))],
      ),
      S(
        'cfg->msix.msix_ctrl |= PCIM_MSIXCTRL_MSIX_ENABLE; pci_write_config(child, cfg->msix.msix_location + PCIR_MSIX_CTRL, cfg->msix.msix_ctrl, 2);',
        (k, l) => {
          l.msix!.ctrl |= PCIM_MSIXCTRL_MSIX_ENABLE;
          l.ctrl = l.msix!.ctrl;
          l.ctrl_reg = l.msix!.location + PCIR_MSIX_CTRL;
          pciChild(k, l.wslot)!.msix_enabled = true;
          return wrNow(l, 'ctrl_reg', 2, 'ctrl');
        },
      ),
      S('*count = actual; return (0);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        c.irqs = l.irqs.map((irq, index) => {
          const info = k.irqInfo(irq)!;
          return { irq, index, addr: 0, data: 0, cpu: info.cpu, vector: info.vector, mapped: false };
        });
        c.intr_count = c.irqs.map(() => 0);
        return ret({ error: 0, irqs: l.irqs });
      }),
    ],
  });

  const msixEntryAddr = (k: K, wslot: number, index: number): number | null => {
    const c = pciChild(k, wslot);
    if (!c?.msix) return null;
    const b = c.bars.find((x) => x.bar === c.msix!.table_bar);
    if (!b || b.start === null) return null;
    return b.start + c.msix.table_offset + 16 * index;
  };

  const maskMsix = fn('pci_mask_msix')<{ addr: number | null; val: number }>({
    file: FILE,
    signature: ['void', 'pci_mask_msix(device_t dev, u_int index)'],
    params: ['wslot', 'index'],
    body: [
      S('offset = msix->msix_table_offset + index * 16 + 12;', (k, l) => {
        const e = msixEntryAddr(k, l.wslot, l.index);
        l.addr = e === null ? null : e + 12;
      }),
      If('if (table not mapped)', (_k, l) => l.addr === null, [S('return;', () => ret())]),
      S('val = bus_read_4(msix->msix_table_res, offset);', (k, l) => {
        l.val = k.mmioRead(l.addr!, 4);
      }),
      ...vctrlWrite<{ addr: number | null; val: number }>(
        'val |= PCIM_MSIX_VCTRL_MASK;',
        'if (!(val & PCIM_MSIX_VCTRL_MASK)) {',
        (val) => (val | PCIM_MSIX_VCTRL_MASK) >>> 0,
      ),
      S('return;', () => ret()),
    ],
  });

  // pci_setup_intr ends an MSI or MSI-X set-up with pci_set_command_bit(dev, child, PCIM_CMD_INTxDIS): a read of the
  // Command register and a write of it with Interrupt Disable set; a failed PCIB_MAP_MSI skips it (goto bad)
  // (freebsd-src sys/dev/pci/pci.c pci_setup_intr, 0010132dbd24 and dd2e215ca93c alike; none of our devices has
  // PCI_QUIRK_MSI_INTX_BUG, which clears the bit instead).
  const setIntxDis = <L extends { s: number; f: number; command: number }>(): Node<K, L>[] => [
    S('command = PCI_READ_CONFIG(dev, child, PCIR_COMMAND, 2);  /* pci_set_command_bit(dev, child, PCIM_CMD_INTxDIS) */', rd(PCIR_COMMAND, 2, 'command')),
    S('command |= PCIM_CMD_INTxDIS; PCI_WRITE_CONFIG(dev, child, PCIR_COMMAND, command, 2);', (_k, l) => {
      l.command |= PCIM_CMD_INTxDIS;
      return wrNow(l, PCIR_COMMAND, 2, 'command' as NumKey<L>);
    }),
  ];

  const setupIntr = fn('pci_setup_intr')<{ irq: number; map: MapMsiResult; s: number; f: number; command: number }>({
    file: FILE,
    doc: ['/* bus_setup_intr() on an MSI-X IRQ: map it through the bridge, program the table entry, unmask. */'],
    signature: [
      'int',
      'pci_setup_intr(device_t dev, device_t child, struct resource *irq, int flags, driver_filter_t *filter, driver_intr_t *intr, void *arg, void **cookiep)',
    ],
    params: ['wslot', 'index'],
    body: [
      S('rid = rman_get_rid(irq); irqnum = rman_get_start(irq);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.irq = c.irqs[l.index]!.irq;
        l.s = c.slot;
        l.f = c.func;
      }),
      S('error = PCIB_MAP_MSI(device_get_parent(dev), child, rman_get_start(irq), &addr, &data);', (_k, l) =>
        call('vmbus_pcib_map_msi', { wslot: l.wslot, irq: l.irq }, 'map'),
      ),
      If('if (error)', (_k, l) => l.map.error !== 0, [
        S('return (error);', (k, l) => {
          k.log(`[vPCI Lab] pci_setup_intr: PCIB_MAP_MSI failed for irq ${l.irq}: error ${l.map.error}`);
          return ret(l.map.error);
        }),
      ]),
      S('pci_enable_msix(child, rid - 1, addr, data);', (_k, l) =>
        call('pci_enable_msix', { wslot: l.wslot, index: l.index, addr: l.map.addr!, data: l.map.data! }),
      ),
      S('pci_unmask_msix(child, rid - 1);', (_k, l) => call('pci_unmask_msix', { wslot: l.wslot, index: l.index })),
      ...setIntxDis(),
      S('return (0);', () => ret(0)),
    ],
  });

  const enableMsix = fn('pci_enable_msix')<{ entry: number | null }>({
    file: FILE,
    signature: ['void', 'pci_enable_msix_method(device_t dev, device_t child, u_int index, uint64_t address, uint32_t data)'],
    params: ['wslot', 'index', 'addr', 'data'],
    body: [
      S('offset = msix->msix_table_offset + index * 16;', (k, l) => {
        l.entry = msixEntryAddr(k, l.wslot, l.index);
      }),
      If('if (table not mapped)', (_k, l) => l.entry === null, [S('return;', () => ret())]),
      S('bus_write_4(msix->msix_table_res, offset, address & 0xffffffff);', (k, l) => {
        k.mmioWrite(l.entry!, 4, (l.addr % 0x1_0000_0000) >>> 0);
      }),
      S('bus_write_4(msix->msix_table_res, offset + 4, address >> 32);', (k, l) => {
        k.mmioWrite(l.entry! + 4, 4, Math.floor(l.addr / 0x1_0000_0000) >>> 0);
      }),
      S('bus_write_4(msix->msix_table_res, offset + 8, data);', (k, l) => {
        k.mmioWrite(l.entry! + 8, 4, l.data >>> 0);
      }),
      S('return;', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        const irq = c.irqs[l.index];
        if (irq) {
          irq.addr = l.addr;
          irq.data = l.data;
          irq.mapped = true;
        }
        return ret();
      }),
    ],
  });

  const unmaskMsix = fn('pci_unmask_msix')<{ addr: number | null; val: number }>({
    file: FILE,
    signature: ['void', 'pci_unmask_msix(device_t dev, u_int index)'],
    params: ['wslot', 'index'],
    body: [
      S('offset = msix->msix_table_offset + index * 16 + 12;', (k, l) => {
        const e = msixEntryAddr(k, l.wslot, l.index);
        l.addr = e === null ? null : e + 12;
      }),
      If('if (table not mapped)', (_k, l) => l.addr === null, [S('return;', () => ret())]),
      S('val = bus_read_4(msix->msix_table_res, offset);', (k, l) => {
        l.val = k.mmioRead(l.addr!, 4);
      }),
      ...vctrlWrite<{ addr: number | null; val: number }>(
        'val &= ~PCIM_MSIX_VCTRL_MASK;',
        'if (val & PCIM_MSIX_VCTRL_MASK) {',
        (val) => (val & ~PCIM_MSIX_VCTRL_MASK) >>> 0,
      ),
      S('return;', () => ret()),
    ],
  });

  const allocMsi = fn('pci_alloc_msi')<{ msi: PciMsi | null; s: number; f: number; actual: number; irqs: number[]; ctrl: number; reg: number }>({
    file: FILE,
    signature: ['int', 'pci_alloc_msi_method(device_t dev, device_t child, int *count)'],
    params: ['wslot', 'count'],
    body: [
      S('msi = &dinfo->cfg.msi;', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.msi = c.msi;
        l.s = c.slot;
        l.f = c.func;
      }),
      If('if (cfg->msi.msi_location == 0)', (_k, l) => !l.msi, [S('return (ENODEV);', () => ret({ error: 19, irqs: [] }))]),
      S('actual = min(*count, cfg->msi.msi_msgnum);  /* a power of two */', (_k, l) => {
        let n = Math.min(l.count, l.msi!.msgnum);
        while (n & (n - 1)) n &= n - 1;
        l.actual = Math.max(1, n);
      }),
      S('error = PCIB_ALLOC_MSI(device_get_parent(dev), child, actual, actual, irqs);', (_k, l) =>
        call('vmbus_pcib_alloc_msix', { count: l.actual, kind: 'msi' }, 'irqs'),
      ),
      // Multiple Message Enable is written here, at allocation, before a mapping is made; Enable comes later in
      // pci_enable_msi (freebsd/freebsd-src sys/dev/pci/pci.c pci_alloc_msi_method, "Update control
      // register with actual count").
      S('ctrl = cfg->msi.msi_ctrl; ctrl &= ~PCIM_MSICTRL_MME_MASK; ctrl |= (ffs(actual) - 1) << 4; cfg->msi.msi_ctrl = ctrl;', (_k, l) => {
        l.ctrl = ((l.msi!.ctrl ?? 0) & ~PCIM_MSICTRL_MME_MASK) | ((Math.log2(l.actual) | 0) << 4);
        l.msi!.ctrl = l.ctrl;
        l.reg = l.msi!.location + PCIR_MSI_CTRL;
      }),
      S('pci_write_config(child, cfg->msi.msi_location + PCIR_MSI_CTRL, ctrl, 2);', wr('reg', 2, 'ctrl')),
      S('*count = actual; return (0);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        c.irqs = l.irqs.map((irq, index) => {
          const info = k.irqInfo(irq)!;
          return { irq, index, addr: 0, data: 0, cpu: info.cpu, vector: info.vector, mapped: false };
        });
        c.intr_count = c.irqs.map(() => 0);
        return ret({ error: 0, irqs: l.irqs });
      }),
    ],
  });

  const setupIntrMsi = fn('pci_setup_intr_msi')<{
    irq: number;
    msi: PciMsi | null;
    s: number;
    f: number;
    count: number;
    map: MapMsiResult;
    reg: number;
    lo: number;
    hi: number;
    d: number;
    ctrl: number;
    command: number;
  }>({
    file: FILE,
    doc: ['/* bus_setup_intr() on the first MSI IRQ: map it and program the MSI capability. */'],
    signature: ['static int', 'pci_setup_intr_msi(device_t dev, device_t child, struct resource *irq)'],
    params: ['wslot'],
    body: [
      S('irqnum = rman_get_start(irq);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.irq = c.irqs[0]!.irq;
        l.msi = c.msi;
        l.s = c.slot;
        l.f = c.func;
        l.count = c.irqs.length;
      }),
      S('error = PCIB_MAP_MSI(device_get_parent(dev), child, rman_get_start(irq), &addr, &data);', (_k, l) =>
        call('vmbus_pcib_map_msi', { wslot: l.wslot, irq: l.irq }, 'map'),
      ),
      If('if (error)', (_k, l) => l.map.error !== 0, [S('return (error);', (_k, l) => ret(l.map.error))]),
      S('pci_write_config(child, msi->msi_location + PCIR_MSI_ADDR, address & 0xffffffff, 4);', (_k, l) => {
        l.reg = l.msi!.location + 4;
        l.lo = (l.map.addr! % 0x1_0000_0000) >>> 0;
        return wrNow(l, 'reg', 4, 'lo');
      }),
      If(
        'if (msi->msi_ctrl & PCIM_MSICTRL_64BIT) {',
        (_k, l) => l.msi!.is64,
        [
          S('pci_write_config(child, msi->msi_location + PCIR_MSI_ADDR_HIGH, address >> 32, 4);', (_k, l) => {
            l.reg = l.msi!.location + 8;
            l.hi = Math.floor(l.map.addr! / 0x1_0000_0000) >>> 0;
            return wrNow(l, 'reg', 4, 'hi');
          }),
          S('pci_write_config(child, msi->msi_location + PCIR_MSI_DATA_64BIT, data, 2);', (_k, l) => {
            l.reg = l.msi!.location + 12;
            l.d = l.map.data! & 0xffff;
            return wrNow(l, 'reg', 2, 'd');
          }),
        ],
        [
          S('pci_write_config(child, msi->msi_location + PCIR_MSI_DATA, data, 2);', (_k, l) => {
            l.reg = l.msi!.location + 8;
            l.d = l.map.data! & 0xffff;
            return wrNow(l, 'reg', 2, 'd');
          }),
        ],
      ),
      // Enable goes into the cached control word (Multiple Message Enable is already in it from
      // pci_alloc_msi); no read of the register (freebsd/freebsd-src sys/dev/pci/pci.c pci_enable_msi_method).
      S('msi->msi_ctrl |= PCIM_MSICTRL_MSI_ENABLE; pci_write_config(child, msi->msi_location + PCIR_MSI_CTRL, msi->msi_ctrl, 2);', (k, l) => {
        l.msi!.ctrl = (l.msi!.ctrl ?? 0) | PCIM_MSICTRL_MSI_ENABLE;
        l.ctrl = l.msi!.ctrl;
        l.reg = l.msi!.location + PCIR_MSI_CTRL;
        const c = pciChild(k, l.wslot)!;
        c.irqs.forEach((x, i) => {
          x.addr = l.map.addr!;
          x.data = l.map.data! + i;
          x.mapped = true;
        });
        return wrNow(l, 'reg', 2, 'ctrl');
      }),
      ...setIntxDis(),
      S('return (0);', () => ret(0)),
    ],
  });

  // Teardown (freebsd/freebsd-src sys/dev/pci/pci.c at 0010132dbd24; the same code in stable/11 (11.4), which
  // branched from head before dd2e215ca93c): a driver's detach tears down each handler, pci_teardown_intr masking
  // its MSI-X entry (pci_mask_msix) or, when the last MSI handler goes, writing the cached MSI control word with
  // Enable clear (pci_disable_msi_method). pci_release_msi_method (pci_release_msix for MSI-X) then writes the
  // cached control word once more, MSI-X Enable or MSI Multiple Message Enable cleared; no read of the register.
  const teardownIntr = fn('pci_teardown_intr')<{ s: number; f: number; msi: PciMsi | null; reg: number; ctrl: number }>({
    file: FILE,
    signature: ['int', 'pci_teardown_intr(device_t dev, device_t child, struct resource *irq, void *cookie)'],
    params: ['wslot', 'index'],
    body: [
      S('rid = rman_get_rid(irq); dinfo = device_get_ivars(child);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.s = c.slot;
        l.f = c.func;
        l.msi = c.msix_enabled ? null : c.msi;
      }),
      If(
        'if (dinfo->cfg.msi.msi_alloc > 0) {',
        (_k, l) => l.msi !== null,
        [
          S('dinfo->cfg.msi.msi_handlers--;  /* one handler: it drops to 0 */'),
          S(
            'pci_disable_msi(child);  /* msi->msi_ctrl &= ~PCIM_MSICTRL_MSI_ENABLE; pci_write_config(child, msi->msi_location + PCIR_MSI_CTRL, msi->msi_ctrl, 2); */',
            (_k, l) => {
              l.msi!.ctrl = (l.msi!.ctrl ?? 0) & ~PCIM_MSICTRL_MSI_ENABLE;
              l.ctrl = l.msi!.ctrl;
              l.reg = l.msi!.location + PCIR_MSI_CTRL;
              return wrNow(l, 'reg', 2, 'ctrl');
            },
          ),
        ],
        [
          S('mte = &dinfo->cfg.msix.msix_table[rid - 1]; mte->mte_handlers--;  /* drops to 0 */'),
          S('pci_mask_msix(child, rid - 1);', (_k, l) => call('pci_mask_msix', { wslot: l.wslot, index: l.index })),
        ],
      ),
      S('error = bus_generic_teardown_intr(dev, child, irq, cookie);'),
      S('return (error);', () => ret(0)),
    ],
  });

  const releaseMsi = fn('pci_release_msi')<{ s: number; f: number; msix: PciMsix | null; msi: PciMsi | null; reg: number; ctrl: number }>({
    file: FILE,
    signature: ['int', 'pci_release_msi_method(device_t dev, device_t child)'],
    params: ['wslot'],
    body: [
      S('cfg = &dinfo->cfg;', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        l.s = c.slot;
        l.f = c.func;
        l.msix = c.msix_enabled ? c.msix : null;
        l.msi = !c.msix_enabled && c.msi && c.irqs.length ? c.msi : null;
      }),
      If('if (msix->msix_alloc > 0) {  /* pci_release_msix() */', (_k, l) => l.msix !== null, [
        S('msix->msix_ctrl &= ~PCIM_MSIXCTRL_MSIX_ENABLE; pci_write_config(child, msix->msix_location + PCIR_MSIX_CTRL, msix->msix_ctrl, 2);', (k, l) => {
          l.msix!.ctrl &= ~PCIM_MSIXCTRL_MSIX_ENABLE;
          l.ctrl = l.msix!.ctrl;
          l.reg = l.msix!.location + PCIR_MSIX_CTRL;
          pciChild(k, l.wslot)!.msix_enabled = false;
          return wrNow(l, 'reg', 2, 'ctrl');
        }),
      ]),
      If('if (msi->msi_alloc > 0) {', (_k, l) => l.msi !== null, [
        S('msi->msi_ctrl &= ~PCIM_MSICTRL_MME_MASK; pci_write_config(child, msi->msi_location + PCIR_MSI_CTRL, msi->msi_ctrl, 2);', (_k, l) => {
          l.msi!.ctrl = (l.msi!.ctrl ?? 0) & ~PCIM_MSICTRL_MME_MASK;
          l.ctrl = l.msi!.ctrl;
          l.reg = l.msi!.location + PCIR_MSI_CTRL;
          return wrNow(l, 'reg', 2, 'ctrl');
        }),
      ]),
      S('PCIB_RELEASE_MSIX(device_get_parent(dev), child, irq);  /* PCIB_RELEASE_MSI for MSI */', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        k.releaseIrqs(c.irqs.map((x) => x.irq));
        c.irqs = [];
      }),
      S('return (0);', () => ret(0)),
    ],
  });

  return [
    attach,
    addChildren,
    readDevice,
    readCap,
    addChild,
    addResources,
    readBar,
    addMap,
    probeAttach,
    rescan,
    detach,
    deleteChild,
    reserveMap,
    allocResource,
    enableBusmaster,
    allocMsix,
    maskMsix,
    setupIntr,
    enableMsix,
    unmaskMsix,
    allocMsi,
    setupIntrMsi,
    teardownIntr,
    releaseMsi,
  ];
}

export { PCIM_CMD_MEMEN, PCIM_CMD_BUSMASTEREN, pciChild };
