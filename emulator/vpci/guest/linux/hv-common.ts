// Shared pieces of the pci-hyperv driver program (drivers/pci/controller/pci-
// hyperv.c at Linux stable v6.12.118 (blob e9bdb4aa3b9b; docs/upstream.md)): the
// driver's constants, the requestor-id send, descriptor parsing, BAR sizing and
// the statement shapes (mutexes, switch cases, probe's error-label gotos,
// workqueue flushes) its functions share.
import { S, If, ret, wait, type Cond, type Node, type ReturnAction } from '../../../runtime/program';
import { rd8, rd16, rd32 } from '../kernel';
import { hbus, nextRequestId, dropRequestId, type Desc, type HvPciDev, type K, type RequestorEntry } from './state';
import { call, type ProbeLabel } from './protos';

/** vmbus_sendpacket on a rescinded channel fails with -ENODEV (hv_ringbuffer_write, drivers/hv/ring_buffer.c @ v6.12.118). */
export const SEND_ON_RESCIND = 'fail';

export const FILE = 'linux/pci-hyperv.c';

// pci-hyperv.c constants (torvalds/linux drivers/pci/controller/pci-hyperv.c).
export const PCI_CONFIG_MMIO_LENGTH = 0x2000;
/**
 * pci_ring_size: VMBUS_RING_SIZE(SZ_16K) = PAGE_ALIGN(sizeof(struct hv_ring_buffer) + 16 KiB) =
 * 4 KiB + 16 KiB, each way (pci-hyperv.c since b5ff74c1ef50, v6.9; include/linux/hyperv.h).
 */
export const LX_RING_BYTES = 4096 + 16 * 1024;
export const CFG_PAGE_OFFSET = 0x1000;
export const CFG_PAGE_SIZE = PCI_CONFIG_MMIO_LENGTH - CFG_PAGE_OFFSET;
export const STATUS_REVISION_MISMATCH = 0xc0000059 | 0;
/** hv_pci_onchannelcallback(): const int packet_size = 0x100. */
export const PACKET_SIZE = 0x100;
/** sizeof(struct pci_response): vmpacket_descriptor (16) + status (4). */
export const SIZEOF_PCI_RESPONSE = 20;
/** sizeof(struct pci_q_res_req_response): response + probed_bar[6]. */
export const SIZEOF_Q_RES_REQ_RESPONSE = 44;
/** sizeof(struct pci_create_int_response): response + reserved + tran_int_desc. */
export const SIZEOF_CREATE_INT_RESPONSE = 40;
export const VM_PKT_DATA_INBAND = 6;
export const VM_PKT_COMP = 11;
export const PCI_BUS_RELATIONS = 0x42490000;
export const PCI_EJECT = 0x4249000b;
export const PCI_INVALIDATE_BLOCK = 0x42490012;
export const PCI_BUS_RELATIONS2 = 0x42490019;
export const PROTO_1_1 = 0x00010001;
export const PROTO_1_2 = 0x00010002;
export const PROTO_1_3 = 0x00010003;
export const PROTO_1_4 = 0x00010004;
/** pci_protocol_versions[]: newest first. */
export const PCI_PROTOCOL_VERSIONS = [PROTO_1_4, PROTO_1_3, PROTO_1_2, PROTO_1_1];
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
export const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
export const PCI_COMMAND_MEMORY = 0x2;
/** HZ-based waits, in virtual ns. */
export const HZ_NS = 1_000_000_000;
export const EPROTO = 71;
export const ENODEV = 19;
export const ETIMEDOUT = 110;
export const ENOMEM = 12;
export const ENOSPC = 28;
export const EAGAIN = 11;
export const ENOBUFS = 55;
export const ENOENT = 2;
export const EINVAL = 22;
/** hv_get_dom_num's "none free": domain 0, which Gen1 VMs' emulated PCI bus uses (pci-hyperv.c). */
export const HVPCI_DOM_INVALID = 0;
/** HV_PARTITION_ID_SELF, the multi-MSI dummy vector and CPU_AFFINITY_ALL (pci-hyperv.c). */
export const CPU_AFFINITY_ALL = 0xffffffffffffffffn;
export const MULTI_MSI_DUMMY_VECTOR = 32;

/** A kernel mutex (hbus->state_lock): taken by probe and by both work items. */
export function mutexLock<L>(text: string): Node<K, L> {
  return S(text, (k: K) => {
    const h = hbus(k);
    if (h.state_lock !== null && h.state_lock !== k.thread.id) return wait(k.key('state_lock'), 'mutex_lock(&hbus->state_lock)');
    h.state_lock = k.thread.id;
    return undefined;
  });
}
export function mutexUnlock<L>(text: string, then?: (k: K, l: L) => ReturnAction | void): Node<K, L> {
  return S(text, (k: K, l: L) => {
    hbus(k).state_lock = null;
    k.wake('state_lock');
    return then ? then(k, l) : undefined;
  });
}

/**
 * hbus->config_lock, taken around the config window's function select and the access through it
 * (pci-hyperv.c _hv_pcifront_read_config / _hv_pcifront_write_config): another thread's select
 * cannot slip between a thread's select and its access. A spin lock there, on which another CPU
 * spins; here a thread that finds it held waits until it is released (ours).
 */
export function spinLockConfig<L>(text: string): Node<K, L> {
  return S(text, (k: K) => {
    const h = hbus(k);
    if (h.config_lock !== null && h.config_lock !== k.thread.id)
      return wait(k.key('config_lock'), 'spin_lock_irqsave(&hbus->config_lock): held by another thread');
    h.config_lock = k.thread.id;
    return undefined;
  });
}
export function spinUnlockConfig<L>(text: string, then: (k: K, l: L) => ReturnAction): Node<K, L> {
  return S(text, (k: K, l: L) => {
    hbus(k).config_lock = null;
    k.wake('config_lock');
    return then(k, l);
  });
}

/** A `case X:` or `label:` block: rendered without a closing brace. */
export function Case<L>(text: string, cond: Cond<K, L>, body: Node<K, L>[], close = ''): Node<K, L> {
  return { ...If(text, cond, body), close } as Node<K, L>;
}

/** "goto <label>;" in hv_pci_probe: run the error path, then return its result. */
export function gotoFail<L extends { ret: number }>(stage: ProbeLabel): Node<K, L>[] {
  return [
    S(`goto ${stage};`, (_k: K, l: L) => call('hv_pci_probe_fail', { ret: l.ret, stage }, 'ret')),
    S('return ret;  /* from the error path */', (_k: K, l: L) => ret(l.ret)),
  ];
}

/** Waits until this bus's workqueue is empty and idle (flush_workqueue / destroy_workqueue). */
export function flushWorkqueue<L>(text: string): Node<K, L> {
  return S(text, (k: K) => (k.sc.taskq.length === 0 && !k.sc.taskqBusy ? undefined : wait(k.key('taskq:idle'), 'flush_workqueue(hbus->wq)')));
}

/** Sends a request with a completion: allocates a requestor id bound to (func, comp). */
export function sendRc(k: K, payload: Uint8Array, func: RequestorEntry['func'], comp: string): { ret: number; id: bigint } {
  const id = nextRequestId(k, func, comp);
  if (id === 0n) return { ret: EAGAIN, id };
  const r = k.send(payload, true, id, SEND_ON_RESCIND);
  if (r !== 0) dropRequestId(k, id);
  return { ret: r === 0 ? 0 : -r, id };
}

/** Decodes one relations descriptor field by field (pci_function_description[2]: 20 / 28 bytes). */
export function descAt(b: Uint8Array, off: number, v2: boolean): Desc {
  return {
    v_id: rd16(b, off),
    d_id: rd16(b, off + 2),
    rev: rd8(b, off + 4),
    prog_intf: rd8(b, off + 5),
    subclass: rd8(b, off + 6),
    base_class: rd8(b, off + 7),
    subsystem_id: rd32(b, off + 8),
    wslot: rd32(b, off + 12),
    ser: rd32(b, off + 16),
    flags: v2 ? rd32(b, off + 20) : 0,
    virtual_numa_node: v2 ? rd16(b, off + 24) : 0,
  };
}

/** get_bar_size(): round_up(1 + ~(bar_val & PCI_BASE_ADDRESS_MEM_MASK), PAGE_SIZE) on a 64-bit probed value. */
export function getBarSize(lo: number, hi: number): number {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt((lo & ~0xf) >>> 0);
  const size = ((~v & 0xffffffffffffffffn) + 1n) & 0xffffffffffffffffn;
  const page = 0x1000n;
  return Number(((size + page - 1n) / page) * page);
}

/** The probed BARs of one child as (index, size, 64-bit) — survey_child_resources and prepopulate_bars walk them alike. */
export function probedBars(c: HvPciDev): { i: number; size: number; high: boolean }[] {
  const out: { i: number; size: number; high: boolean }[] = [];
  for (let i = 0; i < 6; i++) {
    const v = c.probed_bar[i]! >>> 0;
    if (v === 0) continue;
    if (v & PCI_BASE_ADDRESS_MEM_TYPE_64) {
      out.push({ i, size: getBarSize(v, c.probed_bar[i + 1] ?? 0), high: true });
      i++;
    } else {
      out.push({ i, size: getBarSize(v, 0xffffffff), high: false });
    }
  }
  return out;
}

/** 1 << (63 - __builtin_clzll(x)): the largest power of two <= x. */
export function pow2Floor(x: number): number {
  let p = 1;
  while (p * 2 <= x) p *= 2;
  return x > 0 ? p : 0;
}
