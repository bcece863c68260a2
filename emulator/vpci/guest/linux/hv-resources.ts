// pci-hyperv.c, resources and config space: bridge windows,
// RESOURCES_ASSIGNED(2) / RESOURCES_RELEASED, prepopulate_bars, the root bus,
// and config-space reads and writes through the config window —
// drivers/pci/controller/pci-hyperv.c at Linux stable v6.12.118 (blob
// e9bdb4aa3b9b; docs/upstream.md). The listing is our own pseudo-C rendering.
import { S, T, If, For, Break, Continue, Label, ret } from '../../../runtime/program';
import * as M from '../messages';
import { PV_READ, zeroIntLinePin } from '../pv-config';
import { children, devfnToWslot, getPcichildWslot, hbus, initCompletion, memConfig, type Desc } from './state';
import { fn, call } from './protos';
import {
  CFG_PAGE_OFFSET,
  CFG_PAGE_SIZE,
  Case,
  ENOSPC,
  EPROTO,
  FILE,
  PCI_COMMAND_MEMORY,
  PROTO_1_2,
  SEND_ON_RESCIND,
  pow2Floor,
  probedBars,
  sendRc,
  spinLockConfig,
  spinUnlockConfig,
} from './hv-common';

/** The resource, root-bus and config-space functions of pci-hyperv.c. */
export function resourceFunctions() {
  const allocWindows = fn('hv_pci_allocate_bridge_windows')<{ align: number; ret: number }>({
    file: FILE,
    doc: ['/* Up-front bridge windows sized by survey_child_resources(), aligned to the largest power of two <= size. */'],
    signature: ['static int', 'hv_pci_allocate_bridge_windows(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      If('if (hbus->low_mmio_space) {', (k) => hbus(k).low_mmio_space > 0, [
        S('align = 1ULL << (63 - __builtin_clzll(hbus->low_mmio_space));', (k, l) => {
          l.align = pow2Floor(hbus(k).low_mmio_space);
        }),
        S('ret = vmbus_allocate_mmio(&hbus->low_mmio_res, hbus->hdev, 0, (u64)(u32)-1, hbus->low_mmio_space, align, false);', (k, l) => {
          const base = k.allocMmio(hbus(k).low_mmio_space, l.align, 0, 0xffffffff, `${k.busName} low window`);
          hbus(k).low_mmio_res = base === undefined ? null : { start: base, size: hbus(k).low_mmio_space, used: [] };
          l.ret = base === undefined ? -ENOSPC : 0;
        }),
        If('if (ret) {', (_k, l) => l.ret !== 0, [
          S('dev_err(&hbus->hdev->device, "Need %#llx of low MMIO space. Consider reconfiguring the VM.\\n", hbus->low_mmio_space);', (k) =>
            k.log(`hv_pci: Need 0x${hbus(k).low_mmio_space.toString(16)} of low MMIO space. Consider reconfiguring the VM.`),
          ),
          S('return ret;', (_k, l) => ret(l.ret)),
        ]),
        S('hbus->low_mmio_res->flags |= IORESOURCE_WINDOW; pci_add_resource(&hbus->bridge->windows, hbus->low_mmio_res);'),
      ]),
      If('if (hbus->high_mmio_space) {', (k) => hbus(k).high_mmio_space > 0, [
        S('align = 1ULL << (63 - __builtin_clzll(hbus->high_mmio_space));', (k, l) => {
          l.align = pow2Floor(hbus(k).high_mmio_space);
        }),
        S('ret = vmbus_allocate_mmio(&hbus->high_mmio_res, hbus->hdev, 0x100000000, -1, hbus->high_mmio_space, align, false);', (k, l) => {
          const base = k.allocMmio(hbus(k).high_mmio_space, l.align, 0x1_0000_0000, Number.MAX_SAFE_INTEGER, `${k.busName} high window`);
          hbus(k).high_mmio_res = base === undefined ? null : { start: base, size: hbus(k).high_mmio_space, used: [] };
          l.ret = base === undefined ? -ENOSPC : 0;
        }),
        If('if (ret) {', (_k, l) => l.ret !== 0, [
          S('dev_err(&hbus->hdev->device, "Need %#llx of high MMIO space. Consider reconfiguring the VM.\\n", hbus->high_mmio_space);', (k) =>
            k.log(`hv_pci: Need 0x${hbus(k).high_mmio_space.toString(16)} of high MMIO space. Consider reconfiguring the VM.`),
          ),
          S('goto release_low_mmio;', (k, l) => {
            const low = hbus(k).low_mmio_res;
            if (low) k.freeMmio(low.start);
            hbus(k).low_mmio_res = null;
            return ret(l.ret);
          }),
        ]),
        S('hbus->high_mmio_res->flags |= IORESOURCE_WINDOW; pci_add_resource(&hbus->bridge->windows, hbus->high_mmio_res);'),
      ]),
      S('return 0;', () => ret(0)),
    ],
  });

  const freeWindows = fn('hv_pci_free_bridge_windows')({
    file: FILE,
    signature: ['static void', 'hv_pci_free_bridge_windows(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      If('if (hbus->low_mmio_space && hbus->low_mmio_res) {', (k) => !!hbus(k).low_mmio_res, [
        S('vmbus_free_mmio(hbus->low_mmio_res->start, resource_size(hbus->low_mmio_res));', (k) => {
          k.freeMmio(hbus(k).low_mmio_res!.start);
          hbus(k).low_mmio_res = null;
        }),
      ]),
      If('if (hbus->high_mmio_space && hbus->high_mmio_res) {', (k) => !!hbus(k).high_mmio_res, [
        S('vmbus_free_mmio(hbus->high_mmio_res->start, resource_size(hbus->high_mmio_res));', (k) => {
          k.freeMmio(hbus(k).high_mmio_res!.start);
          hbus(k).high_mmio_res = null;
        }),
      ]),
      S('return;', () => ret()),
    ],
  });

  const resourcesAllocated = fn('hv_send_resources_allocated')<{ v2: boolean; ret: number; wslot: number; hpdev: number | null; pkt: Uint8Array }>({
    file: FILE,
    doc: ["/* Sent only to drive the host's state machine forward: the ranges are all zero. */"],
    signature: ['static int', 'hv_send_resources_allocated(struct hv_device *hdev)'],
    params: [],
    body: [
      S('size_res = (hbus->protocol_version < PCI_PROTOCOL_VERSION_1_2) ? sizeof(*res_assigned) : sizeof(*res_assigned2);', (k, l) => {
        l.v2 = hbus(k).protocol_version >= PROTO_1_2;
        l.ret = 0;
      }),
      For(
        'for (wslot = 0; wslot < 256; wslot++) {',
        (_k, l) => {
          l.wslot = 0;
        },
        (_k, l) => l.wslot < 256,
        (_k, l) => {
          l.wslot++;
        },
        [
          S('hpdev = get_pcichild_wslot(hbus, wslot);', (k, l) => {
            l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
          }),
          If('if (!hpdev) {', (_k, l) => l.hpdev === null, [Continue()]),
          S('init_completion(&comp_pkt.host_event); pkt->completion_func = hv_pci_generic_compl;', (k, l) => initCompletion(k, `ra${l.wslot}`)),
          If(
            'if (hbus->protocol_version < PCI_PROTOCOL_VERSION_1_2) {',
            (_k, l) => !l.v2,
            [
              S('res_assigned->message_type.type = PCI_RESOURCES_ASSIGNED; res_assigned->wslot.slot = hpdev->desc.win_slot.slot;', (_k, l) => {
                l.pkt = M.resourcesAssigned(l.wslot);
              }),
            ],
            [
              S('res_assigned2->message_type.type = PCI_RESOURCES_ASSIGNED2; res_assigned2->wslot.slot = hpdev->desc.win_slot.slot;', (_k, l) => {
                l.pkt = M.resourcesAssigned2(l.wslot);
              }),
            ],
          ),
          S(
            'ret = vmbus_sendpacket(hdev->channel, &pkt->message, size_res, (unsigned long)pkt, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);',
            (k, l) => {
              l.ret = sendRc(k, l.pkt, 'hv_pci_generic_compl', `ra${l.wslot}`).ret;
            },
          ),
          If('if (!ret) {', (_k, l) => !l.ret, [
            S('ret = wait_for_response(hdev, &comp_pkt.host_event);', (_k, l) => call('wait_for_response', { c: `ra${l.wslot}` }, 'ret')),
          ]),
          If('if (ret) {', (_k, l) => l.ret !== 0, [Break()]),
          If('if (comp_pkt.completion_status < 0) {', (k, l) => k.sc.comps[`ra${l.wslot}`]!.status < 0, [
            S('ret = -EPROTO;', (_k, l) => {
              l.ret = -EPROTO;
            }),
            S('dev_err(&hdev->device, "resource allocated returned 0x%x", comp_pkt.completion_status);', (k, l) =>
              k.log(`hv_pci: resource allocated returned 0x${(k.sc.comps[`ra${l.wslot}`]!.status >>> 0).toString(16)}`),
            ),
            Break(),
          ]),
          S('hbus->wslot_res_allocated = wslot;', (k, l) => {
            hbus(k).wslot_res_allocated = l.wslot;
          }),
        ],
      ),
      S('return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  const resourcesReleased = fn('hv_send_resources_released')<{ wslot: number; hpdev: number | null; ret: number }>({
    file: FILE,
    signature: ['static int', 'hv_send_resources_released(struct hv_device *hdev)'],
    params: [],
    body: [
      For(
        'for (wslot = hbus->wslot_res_allocated; wslot >= 0; wslot--) {',
        (k, l) => {
          l.wslot = hbus(k).wslot_res_allocated;
        },
        (_k, l) => l.wslot >= 0,
        (_k, l) => {
          l.wslot--;
        },
        [
          S('hpdev = get_pcichild_wslot(hbus, wslot);', (k, l) => {
            l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
          }),
          If('if (!hpdev) {', (_k, l) => l.hpdev === null, [Continue()]),
          S('pkt.message_type.type = PCI_RESOURCES_RELEASED; pkt.wslot.slot = hpdev->desc.win_slot.slot;'),
          S('ret = vmbus_sendpacket(hdev->channel, &pkt, sizeof(pkt), 0, VM_PKT_DATA_INBAND, 0);', (k, l) => {
            const r = k.send(M.resourcesReleased(l.wslot), false, 0n, SEND_ON_RESCIND);
            l.ret = r === 0 ? 0 : -r;
          }),
          If('if (ret) {', (_k, l) => l.ret !== 0, [S('return ret;', (_k, l) => ret(l.ret))]),
          S('hbus->wslot_res_allocated = wslot - 1;', (k, l) => {
            hbus(k).wslot_res_allocated = l.wslot - 1;
          }),
        ],
      ),
      S('hbus->wslot_res_allocated = -1;', (k) => {
        hbus(k).wslot_res_allocated = -1;
      }),
      S('return 0;', () => ret(0)),
    ],
  });

  const prepopulate = fn('prepopulate_bars')<{
    low_size: number;
    high_size: number;
    low_base: number;
    high_base: number;
    list: number[];
    ci: number;
    command: number;
    stop: boolean;
    writes: [number, number][];
    wi: number;
  }>({
    file: FILE,
    doc: [
      '/*',
      ' * Assign BAR addresses inside the bridge windows before the PCI core scans,',
      ' * largest size class first, with Memory Space Enable left off so the host',
      ' * does not remap the BARs on every probe.',
      ' */',
    ],
    signature: ['static void', 'prepopulate_bars(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      S('low_size/high_size = largest power of two <= space; low_base/high_base = window starts;', (k, l) => {
        const h = hbus(k);
        l.low_size = h.low_mmio_space ? pow2Floor(h.low_mmio_space) : 0;
        l.high_size = h.high_mmio_space ? pow2Floor(h.high_mmio_space) : 0;
        l.low_base = h.low_mmio_res ? h.low_mmio_res.start : 0;
        l.high_base = h.high_mmio_res ? h.high_mmio_res.start : 0;
        l.list = children(k).map((c) => c.desc.wslot);
      }),
      T("/* Clear the memory enable bit, in case it's already set. */"),
      For(
        'list_for_each_entry(hpdev, &hbus->children, list_entry) {',
        (_k, l) => {
          l.ci = 0;
        },
        (_k, l) => l.ci < l.list.length,
        (_k, l) => {
          l.ci++;
        },
        [
          S('_hv_pcifront_read_config(hpdev, PCI_COMMAND, 2, &command);', (_k, l) =>
            call('_hv_pcifront_read_config', { wslot: l.list[l.ci]!, where: 0x04, size: 2 }, 'command'),
          ),
          S('command &= ~PCI_COMMAND_MEMORY; _hv_pcifront_write_config(hpdev, PCI_COMMAND, 2, command);', (_k, l) =>
            call('_hv_pcifront_write_config', { wslot: l.list[l.ci]!, where: 0x04, size: 2, val: l.command & ~PCI_COMMAND_MEMORY }),
          ),
        ],
      ),
      T('/* Pick addresses for the BARs. */'),
      T('do {'),
      Label('size_class'),
      For(
        'list_for_each_entry(hpdev, &hbus->children, list_entry) {',
        (_k, l) => {
          l.ci = 0;
          l.stop = false;
        },
        (_k, l) => l.ci < l.list.length && !l.stop,
        (_k, l) => {
          l.ci++;
        },
        [
          S('for (i = 0; i < PCI_STD_NUM_BARS; i++) { if (bar_size == this class) write the next base; }', (k, l) => {
            const c = getPcichildWslot(k, l.list[l.ci]!);
            l.writes = [];
            if (!c) return;
            for (const b of probedBars(c)) {
              if (b.high) {
                if (l.high_size !== b.size) continue;
                l.writes.push([0x10 + 4 * b.i, ((l.high_base % 0x1_0000_0000) & 0xffffff00) >>> 0]);
                l.writes.push([0x10 + 4 * (b.i + 1), Math.floor(l.high_base / 0x1_0000_0000) >>> 0]);
                l.high_base += b.size;
              } else {
                if (l.low_size !== b.size) continue;
                l.writes.push([0x10 + 4 * b.i, (l.low_base & 0xffffff00) >>> 0]);
                l.low_base += b.size;
              }
            }
            l.wi = 0;
          }),
          For(
            'for (each BAR of this size class) {',
            undefined,
            (_k, l) => l.wi < l.writes.length,
            (_k, l) => {
              l.wi++;
            },
            [
              S('_hv_pcifront_write_config(hpdev, PCI_BASE_ADDRESS_0 + (4 * i), 4, (u32)(base & 0xffffff00) or (u32)(high_base >> 32));', (_k, l) =>
                call('_hv_pcifront_write_config', { wslot: l.list[l.ci]!, where: l.writes[l.wi]![0], size: 4, val: l.writes[l.wi]![1] }),
              ),
            ],
          ),
          If('if (high_size <= 1 && low_size <= 1) {', (_k, l) => l.high_size <= 1 && l.low_size <= 1, [
            S('break;  /* MSE stays off: the PCI core does not need it pre-set */', (_k, l) => {
              l.stop = true;
            }),
          ]),
        ],
      ),
      S('high_size >>= 1; low_size >>= 1;', (_k, l) => {
        l.high_size = Math.floor(l.high_size / 2);
        l.low_size = Math.floor(l.low_size / 2);
      }),
      Case('} while (high_size || low_size);', (_k, l) => (l.high_size > 0 || l.low_size > 0) && !l.stop, [
        S('  /* next size class */', () => ({ kind: 'goto', label: 'size_class' })),
      ]),
      S('return;', () => ret()),
    ],
  });

  const createRoot = fn('create_root_hv_pci_bus')<{ error: number }>({
    file: FILE,
    doc: ['/* Hand the bus to the PCI core: scan, assign resources, add devices (drivers probe). */'],
    signature: ['static int', 'create_root_hv_pci_bus(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      S('hbus->bridge->ops = &hv_pcifront_ops;  /* hv_pcifront_read_config / hv_pcifront_write_config */'),
      S('error = pci_scan_root_bus_bridge(hbus->bridge);', (k) => {
        k.sc.pci.root = true;
        return call('pci_scan_child_bus', {}, 'error');
      }),
      If('if (error) {', (_k, l) => !!l.error, [S('return error;', (_k, l) => ret(l.error))]),
      S('pci_lock_rescan_remove();'),
      S('hv_pci_assign_numa_node(hbus);  /* from relations2 flags; node 0 by default */'),
      S('pci_bus_assign_resources(hbus->bridge->bus);', () => call('pci_bus_assign_resources')),
      S('hv_pci_assign_slots(hbus);  /* slot names = serial numbers */'),
      S('pci_bus_add_devices(hbus->bridge->bus);', () => call('pci_bus_add_devices')),
      S('pci_unlock_rescan_remove();'),
      S('hbus->state = hv_pcibus_installed;', (k) => {
        hbus(k).state = 'hv_pcibus_installed';
        k.busState('attached');
      }),
      S('return 0;', () => ret(0)),
    ],
  });

  const readConfigInner = fn('_hv_pcifront_read_config')<{ offset: number; desc: Desc | null; val?: number; partial: boolean }>({
    file: FILE,
    doc: ['/* Config reads: the IDs, ROM BAR and INTx registers are answered here; the rest through the window. */'],
    signature: ['static void', '_hv_pcifront_read_config(struct hv_pci_dev *hpdev, int where, int size, u32 *val)'],
    params: ['wslot', 'where', 'size'],
    body: [
      S('int offset = where + CFG_PAGE_OFFSET;', (k, l) => {
        l.offset = CFG_PAGE_OFFSET + l.where;
        l.desc = getPcichildWslot(k, l.wslot)?.desc ?? null;
      }),
      If('if (where + size <= PCI_COMMAND) {', (_k, l) => PV_READ.ids(l), [
        S('memcpy(val, ((u8 *)&hpdev->desc.v_id) + where, size);', (_k, l) => ret(PV_READ.idsValue(l))),
      ]),
      If('else if (where >= PCI_CLASS_REVISION && where + size <= PCI_CACHE_LINE_SIZE) {', (_k, l) => PV_READ.classRev(l), [
        S('memcpy(val, ((u8 *)&hpdev->desc.rev) + where - PCI_CLASS_REVISION, size);', (_k, l) => ret(PV_READ.classRevValue(l))),
      ]),
      If('else if (where >= PCI_SUBSYSTEM_VENDOR_ID && where + size <= PCI_ROM_ADDRESS) {', (_k, l) => PV_READ.subsystem(l), [
        S('memcpy(val, (u8 *)&hpdev->desc.subsystem_id + where - PCI_SUBSYSTEM_VENDOR_ID, size);', (_k, l) => ret(PV_READ.subsystemValue(l))),
      ]),
      If('else if (where >= PCI_ROM_ADDRESS && where + size <= PCI_CAPABILITY_LIST) {', (_k, l) => PV_READ.rom(l), [
        S('*val = 0;  /* ROM BARs are unimplemented */', () => ret(0)),
      ]),
      If(
        'else if ((where >= PCI_INTERRUPT_LINE && where + size <= PCI_INTERRUPT_PIN) || (where >= PCI_INTERRUPT_PIN && where + size <= PCI_MIN_GNT)) {',
        (k, l) =>
          k.quirk('int-pin-single-byte-only')
            ? (l.where >= 0x3c && l.where + l.size <= 0x3d) || (l.where >= 0x3d && l.where + l.size <= 0x3e)
            : l.where <= 0x3d && l.where + l.size > 0x3c,
        [
          S('*val = 0;  /* no INTx: Linux handles legacy interrupts itself, the host does not */', (k, l) => {
            if (k.quirk('int-pin-single-byte-only') || l.size === 1) return ret(0);
            // QUIRK int-pin-single-byte-only off: zero only those bytes of a wider read.
            l.partial = true;
            return undefined;
          }),
        ],
      ),
      If('else if (where + size <= CFG_PAGE_SIZE) {', (_k, l) => l.where + l.size <= CFG_PAGE_SIZE, [
        spinLockConfig('spin_lock_irqsave(&hbus->config_lock, flags);'),
        S(
          'writel(hpdev->desc.win_slot.slot, hbus->cfg_addr);  /* choose the function */',
          (k, l) => {
            k.mmioWrite(memConfig(k).start, 4, l.desc ? l.desc.wslot : l.wslot);
          },
          2,
        ),
        S('mb();'),
        S(
          '*val = read{b,w,l}(hbus->cfg_addr + offset);',
          (k, l) => {
            l.val = k.mmioRead(memConfig(k).start + l.offset, l.size);
            if (l.partial) l.val = zeroIntLinePin(l.val, l.where, l.size);
          },
          2,
        ),
        S('mb();'),
        spinUnlockConfig('spin_unlock_irqrestore(&hbus->config_lock, flags);', (_k, l) => ret(l.val)),
      ]),
      S('else dev_err(dev, "Attempt to read beyond a function\'s config space.\\n");', (k, l) => {
        k.log("hv_pci: Attempt to read beyond a function's config space.");
        return ret(l.val ?? 0);
      }),
    ],
  });

  const writeConfigInner = fn('_hv_pcifront_write_config')<{ offset: number; desc: Desc | null }>({
    file: FILE,
    signature: ['static void', '_hv_pcifront_write_config(struct hv_pci_dev *hpdev, int where, int size, u32 val)'],
    params: ['wslot', 'where', 'size', 'val'],
    body: [
      S('int offset = where + CFG_PAGE_OFFSET;', (k, l) => {
        l.offset = CFG_PAGE_OFFSET + l.where;
        l.desc = getPcichildWslot(k, l.wslot)?.desc ?? null;
      }),
      If('if (where >= PCI_SUBSYSTEM_VENDOR_ID && where + size <= PCI_CAPABILITY_LIST) {', (_k, l) => l.where >= 0x2c && l.where + l.size <= 0x34, [
        S('/* SSIDs and ROM BARs are read-only */', () => ret()),
      ]),
      If('else if (where >= PCI_COMMAND && where + size <= CFG_PAGE_SIZE) {', (_k, l) => l.where >= 0x04 && l.where + l.size <= CFG_PAGE_SIZE, [
        spinLockConfig('spin_lock_irqsave(&hbus->config_lock, flags);'),
        S(
          'writel(hpdev->desc.win_slot.slot, hbus->cfg_addr);  /* choose the function */',
          (k, l) => {
            k.mmioWrite(memConfig(k).start, 4, l.desc ? l.desc.wslot : l.wslot);
          },
          2,
        ),
        S('wmb();'),
        S(
          'write{b,w,l}(val, hbus->cfg_addr + offset);',
          (k, l) => {
            k.mmioWrite(memConfig(k).start + l.offset, l.size, l.val >>> 0);
          },
          2,
        ),
        S('mb();'),
        spinUnlockConfig('spin_unlock_irqrestore(&hbus->config_lock, flags);', () => ret()),
      ]),
      S('else dev_err(dev, "Attempt to write beyond a function\'s config space.\\n");', (k) => {
        k.log("hv_pci: Attempt to write beyond a function's config space.");
        return ret();
      }),
    ],
  });

  const readConfig = fn('hv_pcifront_read_config')<{ wslot: number; hpdev: number | null; val: number }>({
    file: FILE,
    doc: ['/* struct pci_ops .read: PCI core config reads land here. */'],
    signature: ['static int', 'hv_pcifront_read_config(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 *val)'],
    params: ['devfn', 'where', 'size'],
    body: [
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.wslot = devfnToWslot(l.devfn);
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev) {', (_k, l) => l.hpdev === null, [
        S('return PCIBIOS_DEVICE_NOT_FOUND;  /* the core reads ~0 */', (_k, l) => ret(l.size === 4 ? 0xffffffff : l.size === 2 ? 0xffff : 0xff)),
      ]),
      S('_hv_pcifront_read_config(hpdev, where, size, val);', (_k, l) =>
        call('_hv_pcifront_read_config', { wslot: l.wslot, where: l.where, size: l.size }, 'val'),
      ),
      S('return PCIBIOS_SUCCESSFUL;', (_k, l) => ret(l.val >>> 0)),
    ],
  });

  const writeConfig = fn('hv_pcifront_write_config')<{ wslot: number; hpdev: number | null }>({
    file: FILE,
    doc: ['/* struct pci_ops .write */'],
    signature: ['static int', 'hv_pcifront_write_config(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 val)'],
    params: ['devfn', 'where', 'size', 'val'],
    body: [
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.wslot = devfnToWslot(l.devfn);
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev) {', (_k, l) => l.hpdev === null, [S('return PCIBIOS_DEVICE_NOT_FOUND;', () => ret(-1))]),
      S('_hv_pcifront_write_config(hpdev, where, size, val);', (_k, l) =>
        call('_hv_pcifront_write_config', { wslot: l.wslot, where: l.where, size: l.size, val: l.val }),
      ),
      S('return PCIBIOS_SUCCESSFUL;', () => ret(0)),
    ],
  });

  const getVendorId = fn('hv_pcifront_get_vendor_id')<{ ret: number }>({
    file: FILE,
    doc: ['/* Reads the vendor ID through the window (not from the descriptor): 0xFFFF means the device is gone. */'],
    signature: ['static u16', 'hv_pcifront_get_vendor_id(struct hv_pci_dev *hpdev)'],
    params: ['wslot'],
    body: [
      // Once the bus is torn down the window is gone: an unmapped MMIO read returns all-ones.
      S('writel(hpdev->desc.win_slot.slot, hpdev->hbus->cfg_addr); mb();', (k, l) => {
        if (hbus(k).mem_config) k.mmioWrite(memConfig(k).start, 4, l.wslot);
      }),
      S('ret = readw(hpdev->hbus->cfg_addr + CFG_PAGE_OFFSET + PCI_VENDOR_ID); mb();', (k, l) => {
        l.ret = hbus(k).mem_config ? k.mmioRead(memConfig(k).start + CFG_PAGE_OFFSET, 2) : 0xffff;
      }),
      S('return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  return {
    allocWindows,
    freeWindows,
    resourcesAllocated,
    resourcesReleased,
    prepopulate,
    createRoot,
    readConfigInner,
    writeConfigInner,
    readConfig,
    writeConfig,
    getVendorId,
  };
}
