// The Linux program's prototypes: every function a statement can call (or a
// work queue can run), with the parameters its frame starts with. Definitions
// (`fn('name')<Locals>({...})`) and calls (`call('name', args, into)`) are
// checked against this one table, so a misspelled function, a missing or
// misspelled argument, or a result stored in a local the caller does not have
// fails to compile.
import { caller, definer, type AnyFnDef, type NoParams } from '../../../runtime/program';
import type { Desc } from '../pv-config';
import type { IntDesc, K, V } from './state';

/** The labels of hv_pci_probe()'s error path, from the last one down. */
export type ProbeLabel =
  | 'free_windows'
  | 'exit_d0'
  | 'release_state_lock'
  | 'free_irq_domain'
  | 'free_fwnode'
  | 'unmap'
  | 'free_config'
  | 'close'
  | 'destroy_wq'
  | 'free_dom'
  | 'free_bus';

export type LinuxProtos = {
  // pci-hyperv.c
  hv_pci_probe: NoParams;
  hv_pci_probe_fail: { ret: number; stage: ProbeLabel };
  wait_for_response: { c: string };
  hv_pci_protocol_negotiation: { versions: number[] };
  hv_allocate_config_window: NoParams;
  hv_pci_query_relations: NoParams;
  survey_child_resources: NoParams;
  hv_pci_enter_d0: NoParams;
  hv_pci_allocate_bridge_windows: NoParams;
  hv_pci_free_bridge_windows: NoParams;
  hv_send_resources_allocated: NoParams;
  hv_send_resources_released: NoParams;
  prepopulate_bars: NoParams;
  create_root_hv_pci_bus: NoParams;
  _hv_pcifront_read_config: { wslot: number; where: number; size: number };
  _hv_pcifront_write_config: { wslot: number; where: number; size: number; val: number };
  hv_pcifront_read_config: { devfn: number; where: number; size: number };
  hv_pcifront_write_config: { devfn: number; where: number; size: number; val: number };
  hv_pcifront_get_vendor_id: { wslot: number };
  hv_compose_msi_msg: { wslot: number; index: number };
  hv_irq_unmask: { wslot: number; index: number };
  hv_msi_free: { wslot: number; index: number };
  hv_int_desc_free: { wslot: number; desc: IntDesc };
  hv_pci_generic_compl: { comp: string; resp: Uint8Array; resp_packet_size: number };
  q_resource_requirements: { comp: string; resp: Uint8Array; resp_packet_size: number };
  hv_pci_compose_compl: { comp: string; resp: Uint8Array; resp_packet_size: number };
  new_pcichild_device: { desc: Desc };
  pci_devices_present_work: NoParams;
  hv_pci_start_relations_work: { dr: Desc[] };
  hv_pci_devices_present: { buf: Uint8Array; count: number };
  hv_pci_devices_present2: { buf: Uint8Array; count: number };
  hv_eject_device_work: { wslot: number };
  hv_pci_eject_device: { wslot: number };
  hv_pci_onchannelcallback: NoParams;
  hv_pci_remove: NoParams;
  hv_pci_bus_exit: { keep_devs: boolean };
  // the PCI core (probe.c, setup-*.c, bus.c, pci.c, msi/*.c, remove.c, kernel/irq/manage.c)
  pci_scan_child_bus: NoParams;
  pci_scan_slot: { devfn: number };
  pci_scan_single_device: { devfn: number };
  pci_scan_device: { devfn: number };
  pci_setup_device: { devfn: number; wslot: number };
  pci_read_bases: { devfn: number; wslot: number };
  __pci_read_base: { devfn: number; wslot: number; bar: number };
  pci_init_capabilities: { devfn: number; wslot: number };
  pci_bus_assign_resources: NoParams;
  pci_assign_resource: { wslot: number; bar: number };
  pci_std_update_resource: { wslot: number; bar: number; devfn: number };
  pci_bus_add_devices: NoParams;
  pci_bus_add_device: { wslot: number };
  pci_enable_device: { wslot: number };
  pci_set_master: { wslot: number };
  pci_alloc_irq_vectors: { wslot: number; max: number; kind: 'msix' | 'msi' };
  msix_capability_init: { wslot: number; nvec: number };
  msi_capability_init: { wslot: number; nvec: number };
  pci_msi_set_enable: { wslot: number; enable: number };
  __pci_write_msi_msg: { wslot: number; index: number; address: number; data: number };
  request_irq: { wslot: number; index: number };
  pci_msi_unmask_irq: { wslot: number; index: number };
  free_irq: { wslot: number; index: number };
  pci_free_irq_vectors: { wslot: number };
  pci_disable_device: { wslot: number };
  pci_stop_and_remove_bus_device: { wslot: number };
  pci_stop_root_bus: NoParams;
  // vmbus_drv.c, connection.c, workqueue.c
  vmbus_remove: NoParams;
  vmbus_on_event: NoParams;
  worker_thread: NoParams;
  vmbus_device_work: NoParams;
};

/** The function-driver stand-ins (`ixgbevf_probe`, `nvme_remove`…), three per driver name. */
export type LinuxDriverProtos = {
  [attach: `${string}_attach`]: { wslot: number };
  [probe: `${string}_probe`]: { wslot: number };
  [remove: `${string}_remove`]: { wslot: number };
};

export const fn = definer<K, V, LinuxProtos>();
export const call = caller<LinuxProtos>();
export const driverFn = definer<K, V, LinuxDriverProtos>();
export const callDriver = caller<LinuxDriverProtos>();

/** Queues work on one of the bus's work queues (checked like a call). */
export function enqueue<N extends keyof LinuxProtos>(k: K, queue: 'taskq' | 'mgmt', fn: N, args: LinuxProtos[N]): void {
  k.enqueue(queue, fn, args);
}

/** Any Linux function definition. */
export type D = AnyFnDef<K, V>;
