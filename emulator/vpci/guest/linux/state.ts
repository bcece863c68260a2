// The Linux model's plain-data state: struct hv_pcibus_device (hbus), its
// children (struct hv_pci_dev), the VMBus requestor that hands out
// transaction ids, and the PCI core's view (struct pci_dev) — all
// structured-clone-able so the machine can snapshot them.
// Layout and semantics follow torvalds/linux drivers/pci/controller/pci-hyperv.c
// and drivers/hv/channel.c (vmbus_next_request_id / __vmbus_request_addr_match).
import type { GuestKernel } from '../kernel';
import type { Desc } from '../pv-config';
export type { Desc };

type K = GuestKernel;


/** struct hv_pci_dev. */
export interface HvPciDev {
  desc: Desc;
  reported_missing: boolean;
  probed_bar: number[];
}

/** struct tran_int_desc, kept as irq_data->chip_data. */
export interface IntDesc {
  vector_count: number;
  data: number;
  address: number;
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
}

/** HV_PCI_RQSTOR_SIZE (pci-hyperv.c): 64 outstanding requests per channel. */
export const HV_PCI_RQSTOR_SIZE = 64;

export function newLinuxSoftc(): Record<string, unknown> {
  const arr: number[] = [];
  for (let i = 0; i < HV_PCI_RQSTOR_SIZE; i++) arr.push(i + 1);
  return {
    hbus: null,
    taskq: [],
    mgmt: [],
    rxPending: false,
    taskqBusy: false,
    /** tasklet_disable() count and whether the tasklet body is running. */
    tasklet_disabled: 0,
    tasklet_running: false,
    /** struct vmbus_requestor: req_arr doubles as the free list, as in drivers/hv/channel.c. */
    rqstor: { next_request_id: 0, req_arr: arr, in_use: {} as Record<string, { func: string; comp: string }> },
    comps: {},
    pci: { children: [] as PciDev[], root: false },
  };
}

export function hbus(k: K): any {
  return k.sc.hbus;
}

export function children(k: K): HvPciDev[] {
  return k.sc.hbus ? (k.sc.hbus.children as HvPciDev[]) : [];
}

export function getPcichildWslot(k: K, wslot: number): HvPciDev | undefined {
  return children(k).find((c) => c.desc.wslot === wslot);
}

export function pciDev(k: K, wslot: number): PciDev | undefined {
  return (k.sc.pci.children as PciDev[]).find((c) => c.wslot === wslot);
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
 * vmbus_next_request_id(): the lowest free slot of the LIFO free list, id =
 * index + 1 (0 is reserved for unsolicited host messages). Only packets that
 * request a completion get an id. Returns 0n when the table is full.
 */
export function nextRequestId(k: K, func: string, comp: string): bigint {
  const r = k.sc.rqstor;
  const cur = r.next_request_id as number;
  if (cur >= HV_PCI_RQSTOR_SIZE) return 0n;
  r.next_request_id = r.req_arr[cur];
  r.req_arr[cur] = -1;
  r.in_use[String(cur + 1)] = { func, comp };
  return BigInt(cur + 1);
}

/** __vmbus_request_addr_match(ANY): frees the id and returns what it was for. */
export function requestAddrMatch(k: K, id: bigint): { func: string; comp: string } | null {
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
