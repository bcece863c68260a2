// The FreeBSD program's prototypes: every function a statement can call (or a
// task queue can run), with the parameters its frame starts with. Definitions
// (`fn('name')<Locals>({...})`) and calls (`call('name', args, into)`) are
// checked against this one table, so a misspelled function, a missing or
// misspelled argument, or a result stored in a local the caller does not have
// fails to compile.
import { caller, definer, type AnyFnDef, type NoParams } from '../../../runtime/program';
import type { Desc } from '../pv-config';
import type { HvIrqDesc, K, V } from './softc';

/** The error labels of vmbus_pcib_attach(), from the first one down. */
export type AttachLabel = 'vmbus_close' | 'free_res' | 'free_bus';

export type FreebsdProtos = {
  // vmbus_pcib.c
  vmbus_pcib_attach: NoParams;
  vmbus_pcib_attach_fail: { ret: number; label: AttachLabel };
  wait_for_response: { c: string };
  hv_pci_protocol_negotiation: { versions: number[] };
  hv_pci_query_relations: NoParams;
  hv_pci_enter_d0: NoParams;
  hv_send_resources_allocated: NoParams;
  hv_send_resources_released: NoParams;
  vmbus_pcib_prepopulate_bars: NoParams;
  _hv_pcifront_read_config: { wslot: number; where: number; size: number };
  _hv_pcifront_write_config: { wslot: number; where: number; size: number; val: number };
  vmbus_pcib_read_config: { slot: number; func: number; reg: number; bytes: number };
  vmbus_pcib_write_config: { slot: number; func: number; reg: number; data: number; bytes: number };
  vmbus_pcib_alloc_resource: { wslot: number; type: 'mem' | 'io'; bar: number; start: number; end: number; count: number; align: number };
  vmbus_pcib_alloc_msix: { count: number; kind: 'msi' | 'msix' };
  vmbus_pcib_map_msi: { wslot: number; irq: number };
  hv_pci_generic_compl: { comp: string; resp: Uint8Array; resp_packet_size: number };
  q_resource_requirements: { comp: string; resp: Uint8Array; resp_packet_size: number };
  hv_pci_compose_compl: { comp: string; resp: Uint8Array; resp_packet_size: number };
  hv_int_desc_free: { wslot: number; hid: HvIrqDesc };
  hv_pci_delete_device: { wslot: number; missing?: boolean };
  new_pcichild_device: { desc: Desc };
  pci_devices_present_work: NoParams;
  hv_pci_devices_present: { buf: Uint8Array; count: number };
  hv_pci_devices_present2: { buf: Uint8Array; count: number };
  hv_eject_device_work: { wslot: number };
  hv_pci_eject_device: { wslot: number };
  vmbus_pcib_on_channel_callback: NoParams;
  vmbus_pcib_pre_detach: NoParams;
  vmbus_pcib_detach: NoParams;
  // pci.c
  pci_attach: NoParams;
  pci_add_children: NoParams;
  pci_read_device: { s: number; f: number };
  pci_read_cap: { s: number; f: number; wslot: number };
  pci_add_child: { wslot: number };
  pci_add_resources: { s: number; f: number; wslot: number };
  pci_read_bar: { s: number; f: number; reg: number };
  pci_add_map: { s: number; f: number; wslot: number; reg: number };
  pci_probe_and_attach_child: { wslot: number };
  pci_rescan: NoParams;
  pci_detach: NoParams;
  pci_delete_child: { wslot: number };
  pci_reserve_map: { wslot: number; bar: number };
  pci_alloc_resource: { wslot: number; bar: number };
  pci_enable_busmaster: { s: number; f: number };
  pci_alloc_msix: { wslot: number; count: number };
  pci_mask_msix: { wslot: number; index: number };
  pci_setup_intr: { wslot: number; index: number };
  pci_enable_msix: { wslot: number; index: number; addr: number; data: number };
  pci_unmask_msix: { wslot: number; index: number };
  pci_alloc_msi: { wslot: number; count: number };
  pci_setup_intr_msi: { wslot: number };
  pci_teardown_intr: { wslot: number; index: number };
  pci_release_msi: { wslot: number };
  // vmbus_chan.c, subr_taskqueue.c, subr_bus.c
  device_detach: NoParams;
  vmbus_chan_task: NoParams;
  taskqueue_thread_loop: NoParams;
  vmbus_mgmt_taskqueue_loop: NoParams;
};

/** The function-driver stand-ins (`ixv_attach`, `mlx4_detach`…), one pair per driver name. */
export type FreebsdDriverProtos = {
  [attach: `${string}_attach`]: { wslot: number };
  [detach: `${string}_detach`]: { wslot: number };
};

export const fn = definer<K, V, FreebsdProtos>();
export const call = caller<FreebsdProtos>();
export const driverFn = definer<K, V, FreebsdDriverProtos>();
export const callDriver = caller<FreebsdDriverProtos>();

/** Queues a task on one of the bus's task queues (checked like a call). */
export function enqueue<N extends keyof FreebsdProtos>(k: K, queue: 'taskq' | 'mgmt', fn: N, args: FreebsdProtos[N]): void {
  k.enqueue(queue, fn, args);
}

/** Any FreeBSD function definition. */
export type D = AnyFnDef<K, V>;
