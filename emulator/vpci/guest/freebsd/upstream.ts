// FreeBSD guest: where every function of the listings lives in the pinned
// freebsd/freebsd-src tree (docs/upstream.md): 0010132dbd24… for `freebsd`,
// dd2e215ca93c… (r308725, 2016) for `freebsd-2016`. FreeBSD is BSD-2-Clause.
// Lines are not recorded yet (no copy of the pinned file could be brought
// onto this machine this round): a link opens the file at the pinned commit,
// and the row names the function to find there.
import type { UpstreamRef, UpstreamRow, UpstreamTable } from '../upstream';

export const FREEBSD_COMMITS = {
  freebsd: '0010132dbd24b9d23a1f9c4a9961b7593438fa34',
  'freebsd-2016': 'dd2e215ca93c9d612422bf6f4b567b1b054ee188',
} as const;

const PCIB = 'sys/dev/hyperv/pcib/vmbus_pcib.c';
const PCI = 'sys/dev/pci/pci.c';

const at = (path: string, name?: string): UpstreamRef => (name ? { path, name } : { path });
const up = (name: string): UpstreamRow => ({ ref: at(PCIB, name) });
/** A modelled pci(4) / kernel function: ours, standing for the named upstream one. */
const pci = (name: string, path = PCI): UpstreamRow => ({ ours: 'the modelled steps of the pci(4) function that touch PCI and vPCI', ref: at(path, name) });

const ROWS: Record<string, UpstreamRow> = {
  // sys/dev/hyperv/pcib/vmbus_pcib.c
  vmbus_pcib_attach: up('vmbus_pcib_attach'),
  vmbus_pcib_attach_fail: { ours: "vmbus_pcib_attach()'s error labels (vmbus_close: free_res: …) shown as one frame", ref: at(PCIB, 'vmbus_pcib_attach') },
  wait_for_response: up('wait_for_response'),
  hv_pci_protocol_negotiation: up('hv_pci_protocol_negotiation'),
  hv_pci_query_relations: up('hv_pci_query_relations'),
  hv_pci_enter_d0: up('hv_pci_enter_d0'),
  hv_send_resources_allocated: up('hv_send_resources_allocated'),
  hv_send_resources_released: up('hv_send_resources_released'),
  vmbus_pcib_prepopulate_bars: up('vmbus_pcib_prepopulate_bars'),
  _hv_pcifront_read_config: up('_hv_pcifront_read_config'),
  _hv_pcifront_write_config: up('_hv_pcifront_write_config'),
  vmbus_pcib_read_config: up('vmbus_pcib_read_config'),
  vmbus_pcib_write_config: up('vmbus_pcib_write_config'),
  vmbus_pcib_alloc_resource: up('vmbus_pcib_alloc_resource'),
  vmbus_pcib_alloc_msix: up('vmbus_pcib_alloc_msix'),
  vmbus_pcib_map_msi: up('vmbus_pcib_map_msi'),
  hv_pci_generic_compl: up('hv_pci_generic_compl'),
  q_resource_requirements: up('q_resource_requirements'),
  hv_pci_compose_compl: up('hv_pci_compose_compl'),
  hv_int_desc_free: up('hv_int_desc_free'),
  hv_pci_delete_device: up('hv_pci_delete_device'),
  new_pcichild_device: up('new_pcichild_device'),
  pci_devices_present_work: up('pci_devices_present_work'),
  hv_pci_devices_present: up('hv_pci_devices_present'),
  hv_pci_devices_present2: up('hv_pci_devices_present2'),
  hv_eject_device_work: up('hv_eject_device_work'),
  hv_pci_eject_device: up('hv_pci_eject_device'),
  vmbus_pcib_on_channel_callback: up('vmbus_pcib_on_channel_callback'),
  vmbus_pcib_pre_detach: up('vmbus_pcib_pre_detach'),
  vmbus_pcib_detach: up('vmbus_pcib_detach'),
  // vmbus_pcib.c's own static helper, listed with pci(4) in the model.
  pci_rescan: up('pci_rescan'),
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
  pci_delete_child: pci('pci_delete_child'),
  pci_reserve_map: pci('pci_reserve_map'),
  pci_alloc_resource: pci('pci_alloc_resource'),
  pci_enable_busmaster: pci('pci_enable_busmaster_method'),
  pci_alloc_msix: pci('pci_alloc_msix_method'),
  pci_mask_msix: pci('pci_mask_msix'),
  pci_setup_intr: pci('pci_setup_intr'),
  pci_enable_msix: pci('pci_enable_msix'),
  pci_unmask_msix: pci('pci_unmask_msix'),
  pci_alloc_msi: pci('pci_alloc_msi_method'),
  pci_setup_intr_msi: { ours: "the MSI half of pci_setup_intr(), shown as its own frame", ref: at(PCI, 'pci_setup_intr') },
  pci_release_msi: pci('pci_release_msi_method'),
  // Kernel contexts
  vmbus_chan_task: pci('vmbus_chan_task', 'sys/dev/hyperv/vmbus/vmbus_chan.c'),
  taskqueue_thread_loop: pci('taskqueue_thread_loop', 'sys/kern/subr_taskqueue.c'),
  vmbus_mgmt_taskqueue_loop: {
    ours: "the channel's management task queue (vmbus_chan_mgmt_tq) shown as its own thread",
    ref: at('sys/kern/subr_taskqueue.c', 'taskqueue_thread_loop'),
  },
};

export function freebsdUpstream(variant: keyof typeof FREEBSD_COMMITS): UpstreamTable {
  const commit = FREEBSD_COMMITS[variant];
  return {
    models: [variant],
    revision: `freebsd/freebsd-src @ ${commit.slice(0, 12)}`,
    url: (path, line) => `https://github.com/freebsd/freebsd-src/blob/${commit}/${path}${line ? `#L${line}` : ''}`,
    rows: ROWS,
    patterns: [
      {
        // Function-driver stand-ins (ixv_attach, nvme_detach…): device_attach/device_detach of the real driver.
        re: /^([a-z0-9_]+)_(attach|detach)$/,
        row: (m) => ({ ours: `stand-in for ${m[1]}'s ${m[2]}: only the steps that touch PCI and vPCI` }),
      },
    ],
  };
}
