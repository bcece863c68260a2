// The FreeBSD model's plain-data state, typed: struct vmbus_pcib_softc with
// its struct hv_pcibus (hbus) and children (struct hv_pci_dev), the request
// contexts the driver passes as transaction ids, the completions it waits on,
// and the PCI layer's view of each function (pci(4)'s struct pci_devinfo, as
// far as vPCI matters). Layouts follow freebsd/freebsd-src
// sys/dev/hyperv/pcib/vmbus_pcib.c and sys/dev/pci/pci.c; everything is
// structured-clone-able so the machine can snapshot it.
import type { BaseSoftc, GuestKernel, GuestView } from '../kernel';
import type { Desc } from '../pv-config';

/** struct tran_int_desc: the host's answer to CREATE_INTERRUPT. */
export interface TranIntDesc {
  /** The host's own bytes, kept and echoed back in DELETE_INTERRUPT (the whole struct is copied). */
  reserved: number;
  vector_count: number;
  data: number;
  address: number;
}

/** struct hv_irq_desc: one mapped interrupt of a child. */
export interface HvIrqDesc {
  irq: number;
  desc: TranIntDesc;
}

/** struct hv_pci_dev: one child function of the bus. */
export interface HvPciDev {
  desc: Desc;
  reported_missing: boolean;
  /** What the host reported for each BAR when written with all ones (QUERY_RESOURCE_REQUIREMENTS). */
  probed_bar: number[];
  irq_desc_list: HvIrqDesc[];
}

/** struct hv_pcibus. `failed` and `detached` are ours: the softc after a failed attach or a detach. */
export interface HvPcibus {
  pci_domain: number;
  state: 'hv_pcibus_init' | 'hv_pcibus_installed' | 'failed' | 'detached';
  cfg_res: { start: number; size: number } | null;
  /** hbus->query_comp still points at query_completion (nobody has completed it yet). */
  query_comp: boolean;
  protocol_version: number;
  children: HvPciDev[];
  /** The queued relations records (struct hv_dr_state), oldest first. */
  dr_list: Desc[][];
  detaching: boolean;
  /** hbus->pci_bus was added. */
  pci_bus: boolean;
}

/**
 * A completion a driver thread waits on, with what its completion function
 * stored: struct hv_pci_compl (status), q_res_req_compl (probed_bar),
 * compose_comp_ctxt (the interrupt descriptor).
 */
export interface Completion {
  done: boolean;
  status: number;
  probed_bar?: number[];
  int_reserved?: number;
  vector_count?: number;
  data?: number;
  address?: number;
}

/** The driver's struct pci_packet behind a transaction id: which completion function, for which waiter. */
export interface PendingPacket {
  func: 'hv_pci_generic_compl' | 'q_resource_requirements' | 'hv_pci_compose_compl';
  comp: string;
}

/** One BAR as pci(4) recorded it (struct pci_map plus its resource). */
export interface PciBar {
  reg: number;
  bar: number;
  type: 'mem' | 'io';
  is64: boolean;
  prefetch: boolean;
  size: number;
  start: number | null;
  /** The BAR register as read at enumeration (type bits). */
  map?: number;
  active: boolean;
}

export interface PciMsix {
  location: number;
  msgnum: number;
  /** cfg->msix.msix_ctrl: Message Control as pci_read_cap read it, which pci(4) writes back changed, never re-reading it. */
  ctrl: number;
  table_bar: number;
  table_offset: number;
  pba_bar: number;
  pba_offset: number;
}

export interface PciMsi {
  location: number;
  msgnum: number;
  is64: boolean;
  ctrl?: number;
}

export interface PciIrq {
  irq: number;
  index: number;
  addr: number;
  data: number;
  cpu: number;
  vector: number;
  mapped: boolean;
}

/** pci(4)'s view of one function (struct pci_devinfo / pcicfgregs, as far as vPCI matters). */
export interface PciChild {
  wslot: number;
  slot: number;
  func: number;
  devvendor: number;
  hdrtype: number;
  bars: PciBar[];
  msix: PciMsix | null;
  msi: PciMsi | null;
  irqs: PciIrq[];
  msix_enabled: boolean;
  driver: string | null;
  attached: boolean;
  /**
   * The driver's attach has started and not returned (newbus DS_ATTACHING: freebsd-src
   * sys/kern/subr_bus.c device_attach); device_detach refuses such a device with EBUSY.
   */
  attaching: boolean;
  intr_count: number[];
}

/** struct vmbus_pcib_softc and what the model keeps next to it. */
export interface FreebsdSoftc extends BaseSoftc {
  hbus: HvPcibus | null;
  chan_open: boolean;
  /** Outstanding requests by transaction id (the address of their struct pci_packet). */
  pending: Record<string, PendingPacket>;
  comps: Record<string, Completion>;
  /** How many request contexts have been handed out (their fake kernel addresses). */
  nextCtx: number;
  pci: { children: PciChild[] };
  rx_buf_len?: number;
  /**
   * sc->rx_buf: the PCIB_PACKET_SIZE (0x100) bytes vmbus_pcib_attach allocates zeroed and the channel
   * callback receives every packet into (header and padding included) unless one is larger; what an
   * earlier packet left past a short one's end is what the completion handlers read there
   * (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c at 0010132dbd24 and dd2e215ca93c), and today's v1
   * relations handler too. Kept whole (RX_BUF_KEPT), as hex (pcib-common.ts rxBufKeep); ours, so that a
   * snapshot costs one string per bus.
   */
  rx_buf?: string;
  /** Thread id holding hbus->config_lock. */
  config_lock_owner?: number | null;
  /**
   * The bus topology lock (Giant): held by the newbus path that detaches the
   * bridge, taken by hv_pci_delete_device, dropped while its holder sleeps.
   */
  topo_lock?: { owner: number; depth: number } | null;
}

export type K = GuestKernel<FreebsdSoftc>;
export type V = GuestView<FreebsdSoftc>;

export function newFreebsdSoftc(): FreebsdSoftc {
  return {
    hbus: null,
    chan_open: false,
    taskq: [],
    mgmt: [],
    pending: {},
    comps: {},
    nextCtx: 0,
    pci: { children: [] },
  };
}

/** `hbus` in the driver's code: sc->hbus, which exists from attach on. */
export function hbus(k: { sc: FreebsdSoftc }): HvPcibus {
  const h = k.sc.hbus;
  if (!h) throw new Error('vmbus_pcib: no hbus (the bridge has not attached)');
  return h;
}

/** hbus->cfg_res: the config window, which exists from attach on. */
export function cfgRes(k: { sc: FreebsdSoftc }): { start: number; size: number } {
  const r = hbus(k).cfg_res;
  if (!r) throw new Error('vmbus_pcib: no config window');
  return r;
}

/** A completion the code waits on (created by init_completion). */
export function comp(k: { sc: FreebsdSoftc }, name: string): Completion {
  const c = k.sc.comps[name];
  if (!c) throw new Error(`vmbus_pcib: completion ${name} was never initialised`);
  return c;
}
