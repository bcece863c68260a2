// The Linux model's plain-data state: struct hv_pcibus_device (hbus), its
// children (struct hv_pci_dev), the VMBus requestor that hands out
// transaction ids, and the PCI core's view (struct pci_dev) — all
// structured-clone-able so the machine can snapshot them.
// Layout and semantics follow torvalds/linux drivers/pci/controller/pci-hyperv.c
// and drivers/hv/channel.c (vmbus_next_request_id / __vmbus_request_addr_match).
import type { BaseSoftc, GuestKernel, GuestView } from '../kernel';
import type { Desc } from '../pv-config';
export type { Desc };

/** struct hv_pci_dev. */
export interface HvPciDev {
  desc: Desc;
  reported_missing: boolean;
  probed_bar: number[];
}

/** struct tran_int_desc, kept as irq_data->chip_data. */
export interface IntDesc {
  /** The host's own bytes, kept and echoed back in DELETE_INTERRUPT (the whole struct is copied). */
  reserved: number;
  vector_count: number;
  data: number;
  address: number;
}

/** What hv_compose_msi_msg hands back: the message to program (ok), and the descriptor it saved. */
export interface ComposeResult {
  ok: boolean;
  address: number;
  data: number;
  desc: IntDesc | null;
}

/** The PCI core's resource for one BAR. */
export interface PciResource {
  bar: number;
  mem64: boolean;
  prefetch: boolean;
  size: number;
  start: number | null;
}

/** struct pci_dev (only what matters here). The machine reads wslot, driver, intr_count. */
export interface PciDev {
  wslot: number;
  devfn: number;
  vendor: number;
  device: number;
  hdr_type: number;
  resources: PciResource[];
  msi_cap: number;
  msix_cap: number;
  msix: { msgnum: number; table_bar: number; table_offset: number } | null;
  msi: { msgnum: number; is64: boolean } | null;
  irqs: { irq: number; index: number; cpu: number; vector: number; chip_data: IntDesc | null; addr: number; data: number; mapped: boolean }[];
  msix_enabled: boolean;
  msi_enabled: boolean;
  driver: string | null;
  attached: boolean;
  intr_count: number[];
  /** Interrupt Pin as the PCI core read it (pci_read_irq). */
  pin: number;
  /** pci_dev_is_added(): after pci_bus_add_device. */
  added: boolean;
  /**
   * A driver's probe is running (the driver core holds the device lock from driver_probe_device
   * until the probe returns: torvalds/linux drivers/base/dd.c __device_attach, device_release_driver).
   */
  probing: boolean;
}

/** A bridge window (hbus->low_mmio_res / high_mmio_res) and the BAR ranges assigned inside it. */
export interface MmioWindow {
  start: number;
  size: number;
  used: { start: number; size: number }[];
}

/** struct hv_pcibus_device. `failed`, `closed` and `detached` are ours: after a failed probe, a closed channel, a remove. */
export interface HvPcibusDevice {
  state: 'hv_pcibus_init' | 'hv_pcibus_probed' | 'hv_pcibus_installed' | 'hv_pcibus_removing' | 'failed' | 'closed' | 'detached';
  domain: number;
  protocol_version: number;
  mem_config: { start: number; size: number } | null;
  children: HvPciDev[];
  /** The queued relations records (struct hv_dr_state), oldest first. */
  dr_list: Desc[][];
  /** hbus->survey_event: the name of the completion hv_pci_query_relations waits on, or null. */
  survey_event: string | null;
  low_mmio_space: number;
  high_mmio_space: number;
  low_mmio_res: MmioWindow | null;
  high_mmio_res: MmioWindow | null;
  wslot_res_allocated: number;
  /** Thread id holding hbus->state_lock. */
  state_lock: number | null;
  /** Thread id holding hbus->config_lock (the config window's function select and access, one thread at a time). */
  config_lock: number | null;
  /** hbus->wq exists. */
  wq: boolean;
  irq_domain: boolean;
}

/** A completion a thread waits on, and what its completion function stored. */
export interface Completion {
  done: boolean;
  status: number;
  probed_bar?: number[];
  int_reserved?: number;
  vector_count?: number;
  data?: number;
  address?: number;
}

/** What a requestor id stands for: the completion function and its waiter. */
export interface RequestorEntry {
  func: 'hv_pci_generic_compl' | 'q_resource_requirements' | 'hv_pci_compose_compl';
  comp: string;
}

/** The Linux model's softc: hbus, the channel's tasklet and requestor, and the PCI core's view. */
export interface LinuxSoftc extends BaseSoftc {
  hbus: HvPcibusDevice | null;
  rxPending: boolean;
  taskqBusy: boolean;
  /** tasklet_disable() count and whether the tasklet body is running. */
  tasklet_disabled: number;
  tasklet_running: boolean;
  /** struct vmbus_requestor: req_arr doubles as the free list, as in drivers/hv/channel.c. */
  rqstor: { next_request_id: number; req_arr: number[]; in_use: Record<string, RequestorEntry> };
  comps: Record<string, Completion>;
  pci: { children: PciDev[]; root: boolean };
}

export type K = GuestKernel<LinuxSoftc>;
export type V = GuestView<LinuxSoftc>;

/** HV_PCI_RQSTOR_SIZE (pci-hyperv.c): 64 outstanding requests per channel. */
export const HV_PCI_RQSTOR_SIZE = 64;

export function newLinuxSoftc(): LinuxSoftc {
  const arr: number[] = [];
  for (let i = 0; i < HV_PCI_RQSTOR_SIZE; i++) arr.push(i + 1);
  return {
    hbus: null,
    taskq: [],
    mgmt: [],
    rxPending: false,
    taskqBusy: false,
    tasklet_disabled: 0,
    tasklet_running: false,
    rqstor: { next_request_id: 0, req_arr: arr, in_use: {} },
    comps: {},
    pci: { children: [], root: false },
  };
}

/** `hbus` in the driver's code, which exists from probe on. */
export function hbus(k: { sc: LinuxSoftc }): HvPcibusDevice {
  const h = k.sc.hbus;
  if (!h) throw new Error('pci-hyperv: no hbus (probe has not run)');
  return h;
}

/** hbus->mem_config: the config window, which exists from hv_allocate_config_window on. */
export function memConfig(k: { sc: LinuxSoftc }): { start: number; size: number } {
  const r = hbus(k).mem_config;
  if (!r) throw new Error('pci-hyperv: no config window');
  return r;
}

/** A completion the code waits on (created by init_completion). */
export function comp(k: { sc: LinuxSoftc }, name: string): Completion {
  const c = k.sc.comps[name];
  if (!c) throw new Error(`pci-hyperv: completion ${name} was never initialised`);
  return c;
}

export function children(k: K): HvPciDev[] {
  return k.sc.hbus ? k.sc.hbus.children : [];
}

export function getPcichildWslot(k: K, wslot: number): HvPciDev | undefined {
  // A loop, not find() with a closure: the driver model calls this at many of its steps, as V8's
  // baseline code, where each call allocated the closure.
  const cs = children(k);
  for (let i = 0; i < cs.length; i++) if (cs[i]!.desc.wslot === wslot) return cs[i];
  return undefined;
}

export function pciDev(k: K, wslot: number): PciDev | undefined {
  return k.sc.pci.children.find((c) => c.wslot === wslot);
}

/** devfn_to_wslot(): slot in bits 0..4, function in bits 5..7. */
export function devfnToWslot(devfn: number): number {
  return ((devfn >> 3) & 0x1f) | ((devfn & 7) << 5);
}
export function wslotToDevfn(wslot: number): number {
  return ((wslot & 0x1f) << 3) | ((wslot >> 5) & 7);
}

export function initCompletion(k: K, name: string): void {
  k.sc.comps[name] = { done: false, status: 0 };
}

export function complete(k: K, name: string): void {
  const c = k.sc.comps[name];
  if (c) c.done = true;
  k.wake(`comp:${name}`);
}

/**
 * vmbus_next_request_id(): the head of the LIFO free list (the slot freed last,
 * not the lowest free one), id = index + 1 (0 is reserved for unsolicited host
 * messages). Only packets that
 * request a completion get an id. Returns 0n when the table is full.
 */
export function nextRequestId(k: K, func: RequestorEntry['func'], comp: string): bigint {
  const r = k.sc.rqstor;
  const cur = r.next_request_id;
  if (cur >= HV_PCI_RQSTOR_SIZE) return 0n;
  r.next_request_id = r.req_arr[cur]!;
  r.req_arr[cur] = -1;
  r.in_use[String(cur + 1)] = { func, comp };
  return BigInt(cur + 1);
}

/** __vmbus_request_addr_match(ANY): frees the id and returns what it was for. */
export function requestAddrMatch(k: K, id: bigint): RequestorEntry | null {
  const r = k.sc.rqstor;
  if (id === 0n || id > BigInt(HV_PCI_RQSTOR_SIZE)) return null;
  const key = id.toString();
  const v = r.in_use[key];
  if (!v) return null;
  delete r.in_use[key];
  const i = Number(id) - 1;
  r.req_arr[i] = r.next_request_id;
  r.next_request_id = i;
  return v;
}

/** Releases an id whose request was abandoned (vmbus_request_addr_match on timeout). */
export function dropRequestId(k: K, id: bigint): void {
  requestAddrMatch(k, id);
}
