// FreeBSD guest: where every function of the listings lives in the pinned
// freebsd/freebsd-src tree (docs/upstream.md): 0010132dbd24… for `freebsd`,
// dd2e215ca93c… (r308725, 2016) for `freebsd-2016`. FreeBSD is BSD-2-Clause.
// For sys/dev/hyperv/pcib/vmbus_pcib.c each row records the line of the
// function's name in its definition (FreeBSD style puts the return type on
// the line above) and that line's text, per commit, read from the file at
// exactly that commit; test/guest/upstream.test.ts holds them to the file's
// layout and, where a pinned copy is on disk, to the copy itself. The pci(4)
// and kernel functions the models stand in for are linked by file only: those
// files could not be read at the pinned commits (docs/upstream.md).
import type { UpstreamRef, UpstreamRow, UpstreamTable } from '../upstream';

export const FREEBSD_COMMITS = {
  freebsd: '0010132dbd24b9d23a1f9c4a9961b7593438fa34',
  'freebsd-2016': 'dd2e215ca93c9d612422bf6f4b567b1b054ee188',
} as const;

type Variant = keyof typeof FREEBSD_COMMITS;

const PCIB = 'sys/dev/hyperv/pcib/vmbus_pcib.c';
const PCI = 'sys/dev/pci/pci.c';

/** sha256 of vmbus_pcib.c at each pinned commit (docs/upstream.md). */
const PCIB_SHA256: Readonly<Record<Variant, string>> = {
  freebsd: '4466d56710493af68000a094f67aeab4c0628f78b1f02847ec5eea50ab5bd76d',
  'freebsd-2016': 'd74a734eb927e078b665e06daa54618143b5364d164640d1ac7c03f61fffd2d5',
};

/** Definition facts in vmbus_pcib.c: [line of the name, that line's text], per commit. */
type Facts = Readonly<Record<string, readonly [number, string]>>;

const PCIB_FACTS: Readonly<Record<Variant, Facts>> = {
  freebsd: {
    wait_for_response: [552, 'wait_for_response(struct hv_pcibus *hbus, struct completion *c)'],
    hv_pci_generic_compl: [566, 'hv_pci_generic_compl(void *context, struct pci_response *resp,'],
    q_resource_requirements: [580, 'q_resource_requirements(void *context, struct pci_response *resp,'],
    hv_pci_compose_compl: [600, 'hv_pci_compose_compl(void *context, struct pci_response *resp,'],
    hv_int_desc_free: [613, 'hv_int_desc_free(struct hv_pci_dev *hpdev, struct hv_irq_desc *hid)'],
    hv_pci_delete_device: [634, 'hv_pci_delete_device(struct hv_pci_dev *hpdev)'],
    new_pcichild_device: [663, 'new_pcichild_device(struct hv_pcibus *hbus, struct hv_pcidev_desc *desc)'],
    pci_rescan: [715, 'pci_rescan(device_t dev)'],
    pci_devices_present_work: [721, 'pci_devices_present_work(void *arg, int pending __unused)'],
    hv_pci_devices_present: [826, 'hv_pci_devices_present(struct hv_pcibus *hbus,'],
    hv_pci_devices_present2: [856, 'hv_pci_devices_present2(struct hv_pcibus *hbus,'],
    hv_eject_device_work: [886, 'hv_eject_device_work(void *arg, int pending __unused)'],
    hv_pci_eject_device: [908, 'hv_pci_eject_device(struct hv_pci_dev *hpdev)'],
    vmbus_pcib_on_channel_callback: [929, 'vmbus_pcib_on_channel_callback(struct vmbus_channel *chan, void *arg)'],
    hv_pci_protocol_negotiation: [1045, 'hv_pci_protocol_negotiation(struct hv_pcibus *hbus,'],
    hv_pci_query_relations: [1109, 'hv_pci_query_relations(struct hv_pcibus *hbus)'],
    hv_pci_enter_d0: [1121, 'hv_pci_enter_d0(struct hv_pcibus *hbus)'],
    hv_send_resources_allocated: [1173, 'hv_send_resources_allocated(struct hv_pcibus *hbus)'],
    hv_send_resources_released: [1239, 'hv_send_resources_released(struct hv_pcibus *hbus)'],
    _hv_pcifront_read_config: [1286, '_hv_pcifront_read_config(struct hv_pci_dev *hpdev, int where, int size,'],
    _hv_pcifront_write_config: [1352, '_hv_pcifront_write_config(struct hv_pci_dev *hpdev, int where, int size,'],
    vmbus_pcib_prepopulate_bars: [1408, 'vmbus_pcib_prepopulate_bars(struct hv_pcibus *hbus)'],
    vmbus_pcib_pre_detach: [1451, 'vmbus_pcib_pre_detach(struct hv_pcibus *hbus)'],
    vmbus_pcib_attach: [1487, 'vmbus_pcib_attach(device_t dev)'],
    vmbus_pcib_detach: [1600, 'vmbus_pcib_detach(device_t dev)'],
    vmbus_pcib_alloc_resource: [1667, 'vmbus_pcib_alloc_resource(device_t dev, device_t child, int type, int *rid,'],
    vmbus_pcib_read_config: [1739, 'vmbus_pcib_read_config(device_t dev, u_int bus, u_int slot, u_int func,'],
    vmbus_pcib_write_config: [1759, 'vmbus_pcib_write_config(device_t dev, u_int bus, u_int slot, u_int func,'],
    vmbus_pcib_alloc_msix: [1808, 'vmbus_pcib_alloc_msix(device_t pcib, device_t dev, int *irq)'],
    vmbus_pcib_map_msi: [1844, 'vmbus_pcib_map_msi(device_t pcib, device_t child, int irq,'],
  },
  'freebsd-2016': {
    hv_pci_generic_compl: [442, 'hv_pci_generic_compl(void *context, struct pci_response *resp,'],
    q_resource_requirements: [456, 'q_resource_requirements(void *context, struct pci_response *resp,'],
    hv_pci_compose_compl: [476, 'hv_pci_compose_compl(void *context, struct pci_response *resp,'],
    hv_int_desc_free: [489, 'hv_int_desc_free(struct hv_pci_dev *hpdev, struct hv_irq_desc *hid)'],
    hv_pci_delete_device: [510, 'hv_pci_delete_device(struct hv_pci_dev *hpdev)'],
    new_pcichild_device: [539, 'new_pcichild_device(struct hv_pcibus *hbus, struct pci_func_desc *desc)'],
    // The file defines pci_rescan() twice: a copy of FreeBSD 11's bus rescan
    // for __FreeBSD_version < 1100000 (line 606), and the BUS_RESCAN() wrapper
    // every tree this driver shipped in compiles (line 706).
    pci_rescan: [706, 'pci_rescan(device_t dev)'],
    pci_devices_present_work: [714, 'pci_devices_present_work(void *arg, int pending __unused)'],
    hv_pci_devices_present: [819, 'hv_pci_devices_present(struct hv_pcibus *hbus,'],
    hv_eject_device_work: [849, 'hv_eject_device_work(void *arg, int pending __unused)'],
    hv_pci_eject_device: [871, 'hv_pci_eject_device(struct hv_pci_dev *hpdev)'],
    vmbus_pcib_on_channel_callback: [892, 'vmbus_pcib_on_channel_callback(struct vmbus_channel *chan, void *arg)'],
    hv_pci_protocol_negotiation: [992, 'hv_pci_protocol_negotiation(struct hv_pcibus *hbus)'],
    hv_pci_query_relations: [1034, 'hv_pci_query_relations(struct hv_pcibus *hbus)'],
    hv_pci_enter_d0: [1046, 'hv_pci_enter_d0(struct hv_pcibus *hbus)'],
    hv_send_resources_allocated: [1097, 'hv_send_resources_allocated(struct hv_pcibus *hbus)'],
    hv_send_resources_released: [1149, 'hv_send_resources_released(struct hv_pcibus *hbus)'],
    _hv_pcifront_read_config: [1196, '_hv_pcifront_read_config(struct hv_pci_dev *hpdev, int where, int size,'],
    _hv_pcifront_write_config: [1262, '_hv_pcifront_write_config(struct hv_pci_dev *hpdev, int where, int size,'],
    vmbus_pcib_pre_detach: [1316, 'vmbus_pcib_pre_detach(struct hv_pcibus *hbus)'],
    vmbus_pcib_attach: [1352, 'vmbus_pcib_attach(device_t dev)'],
    vmbus_pcib_detach: [1460, 'vmbus_pcib_detach(device_t dev)'],
    vmbus_pcib_alloc_resource: [1527, 'vmbus_pcib_alloc_resource(device_t dev, device_t child, int type, int *rid,'],
    vmbus_pcib_read_config: [1598, 'vmbus_pcib_read_config(device_t dev, u_int bus, u_int slot, u_int func,'],
    vmbus_pcib_write_config: [1618, 'vmbus_pcib_write_config(device_t dev, u_int bus, u_int slot, u_int func,'],
    vmbus_pcib_alloc_msix: [1656, 'vmbus_pcib_alloc_msix(device_t pcib, device_t dev, int *irq)'],
    vmbus_pcib_map_msi: [1672, 'vmbus_pcib_map_msi(device_t pcib, device_t child, int irq,'],
  },
};

/** Functions a listing shows that the pinned vmbus_pcib.c does not define, and why the listing has them. */
const NOT_AT_COMMIT: Readonly<Record<Variant, Readonly<Record<string, string>>>> = {
  freebsd: {},
  'freebsd-2016': {
    wait_for_response: 'not in the 2016 vmbus_pcib.c, which waits with wait_for_completion() and has no check for a revoked channel',
  },
};

const at = (path: string, name?: string): UpstreamRef => (name ? { path, name } : { path });
/** A modelled pci(4) / kernel function: ours, standing for the named upstream one. */
const pci = (name: string, path = PCI): UpstreamRow => ({ ours: 'the modelled steps of the pci(4) function that touch PCI and vPCI', ref: at(path, name) });

function rows(variant: Variant): Record<string, UpstreamRow> {
  const facts = PCIB_FACTS[variant];
  const def = (name: string): UpstreamRef => {
    const f = facts[name];
    return f ? { path: PCIB, line: f[0], text: f[1] } : { path: PCIB };
  };
  const out: Record<string, UpstreamRow> = {};
  for (const name of Object.keys(facts)) out[name] = { ref: def(name) };
  for (const [name, why] of Object.entries(NOT_AT_COMMIT[variant])) out[name] = { ours: why };
  return {
    ...out,
    vmbus_pcib_attach_fail: {
      ours: "vmbus_pcib_attach()'s error labels (vmbus_close: free_res: …) shown as one frame",
      ref: { ...def('vmbus_pcib_attach'), name: 'vmbus_pcib_attach' },
    },
    // pci(4), modelled
    pci_attach: pci('pci_attach'),
    pci_add_children: pci('pci_add_children'),
    pci_read_device: pci('pci_read_device'),
    pci_read_cap: pci('pci_read_cap'),
    pci_add_child: pci('pci_add_child'),
    pci_add_resources: pci('pci_add_resources'),
    pci_read_bar: pci('pci_read_bar'),
    pci_add_map: pci('pci_add_map'),
    pci_probe_and_attach_child: { ours: 'the bus probing and attaching a new child', ref: at('sys/kern/subr_bus.c', 'device_probe_and_attach') },
    pci_detach: pci('pci_detach'),
    pci_delete_child: {
      ours: 'device_delete_child() on a pci(4) child, shown as one frame: device_detach (the driver, then pci_child_detached) and pci_child_deleted',
      ref: at(PCI, 'pci_child_deleted'),
    },
    pci_reserve_map: pci('pci_reserve_map'),
    pci_alloc_resource: pci('pci_alloc_resource'),
    pci_enable_busmaster: pci('pci_enable_busmaster_method'),
    pci_alloc_msix: pci('pci_alloc_msix_method'),
    pci_mask_msix: pci('pci_mask_msix'),
    pci_setup_intr: pci('pci_setup_intr'),
    pci_enable_msix: pci('pci_enable_msix'),
    pci_unmask_msix: pci('pci_unmask_msix'),
    pci_alloc_msi: pci('pci_alloc_msi_method'),
    pci_setup_intr_msi: { ours: 'the MSI half of pci_setup_intr(), shown as its own frame', ref: at(PCI, 'pci_setup_intr') },
    pci_teardown_intr: pci('pci_teardown_intr'),
    pci_release_msi: pci('pci_release_msi_method'),
    device_detach: {
      ours: 'newbus device_detach() for the bridge, with Giant held as the vmbus rescind path holds it: the steps that reach vmbus_pcib_detach()',
      ref: at('sys/kern/subr_bus.c', 'device_detach'),
    },
    // Kernel contexts
    vmbus_chan_task: pci('vmbus_chan_task', 'sys/dev/hyperv/vmbus/vmbus_chan.c'),
    taskqueue_thread_loop: pci('taskqueue_thread_loop', 'sys/kern/subr_taskqueue.c'),
    vmbus_mgmt_taskqueue_loop: {
      ours: "the channel's management task queue (vmbus_chan_mgmt_tq) shown as its own thread",
      ref: at('sys/kern/subr_taskqueue.c', 'taskqueue_thread_loop'),
    },
  };
}

const cache = new Map<Variant, UpstreamTable>();

export function freebsdUpstream(variant: Variant): UpstreamTable {
  const hit = cache.get(variant);
  if (hit) return hit;
  const commit = FREEBSD_COMMITS[variant];
  const table: UpstreamTable = {
    models: [variant],
    revision: `freebsd-src ${commit.slice(0, 12)}`,
    tree: `freebsd/${commit}`,
    sha256: { [PCIB]: PCIB_SHA256[variant] },
    url: (path, line) => `https://github.com/freebsd/freebsd-src/blob/${commit}/${path}${line ? `#L${line}` : ''}`,
    rows: rows(variant),
    patterns: [
      {
        // Function-driver stand-ins (ixv_attach, nvme_detach…): device_attach/device_detach of the real driver.
        re: /^([a-z0-9_]+)_(attach|detach)$/,
        row: (m) => ({ ours: `stand-in for ${m[1]}'s ${m[2]}: only the steps that touch PCI and vPCI` }),
      },
    ],
  };
  cache.set(variant, table);
  return table;
}
