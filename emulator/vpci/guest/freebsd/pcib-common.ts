// Shared pieces of the vmbus_pcib driver program (freebsd/freebsd-src
// sys/dev/hyperv/pcib/vmbus_pcib.c, current tree 0010132dbd24 and the 2016
// original dd2e215ca93c): the driver's constants, the transaction-id
// addresses, the Giant model, completions, descriptor copying and the
// statement shapes (waits, error-label gotos, switch cases) its functions share.
import { S, If, Label, decl, ret, wait, goto, type Cond, type Decl, type Node, type WaitAction } from '../../../runtime/program';
import { rd8, rd16, rd32, ENODEV } from '../kernel';
import { MSG } from '../../protocol';
import type { Desc } from '../pv-config';
import { type HvPciDev, type K, type V } from './softc';
import { fn, call, type AttachLabel } from './protos';

export type FreebsdVariant = 'freebsd' | 'freebsd-2016';

/** vmbus_chan_send has no revoke check: on a rescinded channel it writes the ring, which the host no longer reads (freebsd-src sys/dev/hyperv/vmbus/vmbus_chan.c). */
export const SEND_ON_RESCIND = 'write';

export const FILE = 'freebsd/vmbus_pcib.c';

// vmbus_pcib.c constants (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c).
export const PCI_CONFIG_MMIO_LENGTH = 0x2000;
export const CFG_PAGE_OFFSET = 0x1000;
export const CFG_PAGE_SIZE = PCI_CONFIG_MMIO_LENGTH - CFG_PAGE_OFFSET;
export const STATUS_REVISION_MISMATCH = 0xc0000059 | 0;
export const PCIB_PACKET_SIZE = 0x100;
/** sizeof(struct pci_response): the 16-byte channel packet header plus a 32-bit status. */
export const SIZEOF_PCI_RESPONSE = 20;
export const VMBUS_CHANPKT_TYPE_INBAND = 6;
export const VMBUS_CHANPKT_TYPE_COMP = 11;
export const PCIM_BAR_MEM_64 = 4;
/** sizeof(struct hv_pcidev_desc): the packed internal record the relations are copied into. */
export const SIZEOF_HV_PCIDEV_DESC = 26;
export const PROTO_1_1 = 0x00010001;
export const PROTO_1_4 = 0x00010004;

/**
 * The transaction id of a request whose `struct pci_packet` sits on the
 * calling thread's kernel stack (`(uint64_t)&ctxt.pkt`): the same address for
 * every request made at the same call depth of the same thread, as in the real
 * driver (FreeBSD amd64 kernel stacks live at 0xfffffe…). Deterministic.
 */
export function stackCtxt(k: K): bigint {
  const depth = BigInt(k.thread.frames.length);
  return 0xfffffe0012340000n + BigInt(k.thread.id) * 0x8000n + 0x7000n - depth * 0x180n;
}

/**
 * The transaction id of a request whose `struct pci_packet` was malloc'd
 * (hv_send_resources_allocated: `(uint64_t)pkt`): a heap address (the amd64
 * direct map, 0xfffff8…), a new one per allocation.
 */
export function heapPkt(k: K): bigint {
  const n = k.sc.nextCtx++;
  return 0xfffff80004a00000n + BigInt(n) * 0x100n;
}

/**
 * bus_topo_lock() (Giant in the 2016 tree): recursive; another thread waits
 * until the holder unlocks or sleeps (a sleep drops Giant: drainAll).
 */
export function topoLock(k: K): WaitAction | undefined {
  const t = k.sc.topo_lock;
  if (t && t.owner !== k.thread.id) return wait(k.key('topo'), 'bus_topo_lock (Giant) held by the detaching thread');
  k.sc.topo_lock = t ? { owner: t.owner, depth: t.depth + 1 } : { owner: k.thread.id, depth: 1 };
  return undefined;
}

export function topoUnlock(k: K): void {
  const t = k.sc.topo_lock;
  if (!t || t.owner !== k.thread.id) return;
  if (t.depth > 1) k.sc.topo_lock = { owner: t.owner, depth: t.depth - 1 };
  else {
    k.sc.topo_lock = null;
    k.wake('topo');
  }
}

/**
 * taskqueue_drain_all(): sleeps until the bus's task queue is idle. Sleeping
 * drops Giant (msleep), so a queued task that needs it — hv_pci_delete_device —
 * runs now, and Giant is taken back before the drain returns.
 */
export function drainAll<L extends { giant_held: number }>(text: string): Node<K, L> {
  return S(text, (k: K, l: L) => {
    if (k.sc.taskq.length !== 0 || k.sc.taskqBusy) {
      const t = k.sc.topo_lock;
      if (t && t.owner === k.thread.id) {
        l.giant_held = t.depth;
        k.sc.topo_lock = null;
        k.wake('topo');
      }
      return wait(k.key('taskq:idle'), 'taskqueue_drain_all');
    }
    if (l.giant_held) {
      const t = k.sc.topo_lock;
      if (t && t.owner !== k.thread.id) return wait(k.key('topo'), 'Giant, taken back after taskqueue_drain_all');
      k.sc.topo_lock = { owner: k.thread.id, depth: l.giant_held };
      l.giant_held = 0;
    }
    return undefined;
  });
}

export function initCompletion(k: K, name: string): void {
  k.sc.comps[name] = { done: false, status: 0 };
}

export function complete(k: K, name: string): void {
  const c = k.sc.comps[name];
  if (c) c.done = true;
  k.wake(`comp:${name}`);
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

/** Decodes one descriptor of a relations message at `off` with its wire layout (v1 20 B, v2 28 B). */
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

/**
 * Copies `count` descriptors the way the driver does: with the
 * `descriptor-stride` quirk, the raw array is memcpy'd into packed 26-byte
 * records (so only entry 0 is right); otherwise each entry is decoded at its
 * wire stride. `b` is the receive buffer as the driver has it (the packet from
 * offset 0, then what earlier packets left in sc->rx_buf): the v1 path copies
 * 26 bytes per function from a list of 20-byte records (vmbus_pcib.c at
 * 0010132dbd24, hv_pci_devices_present: `sizeof(struct hv_pcidev_desc) *
 * dr->device_count`), so from the second function on it reads past the list into
 * those bytes (never the ring's: vmbus_chan_recv_pkt copies the packet alone).
 * Past sc->rx_buf's end lies another heap object, read as zeros [UNCONFIRMED].
 * A packet over PCIB_PACKET_SIZE gets malloc(bytes_rxed, M_ZERO), and M_ZERO
 * clears the whole UMA item (sys/vm/uma_core.c uma_zero_item: bzero of
 * uz_size), so its zeros are real up to the malloc zone's size (kern_malloc.c
 * kmemzones: 384, 512, 1024…), unknown past it [UNCONFIRMED].
 */
export function copyDescs(k: K, b: Uint8Array, count: number, v2: boolean): Desc[] {
  const out: Desc[] = [];
  const base = 16 + 8; // channel packet header + type + device_count
  if (k.quirk('descriptor-stride')) {
    const bytes = v2 ? 28 * count : SIZEOF_HV_PCIDEV_DESC * count;
    const copy = new Uint8Array(SIZEOF_HV_PCIDEV_DESC * count + 8);
    copy.set(b.subarray(base, Math.min(b.length, base + bytes)).subarray(0, copy.length));
    for (let i = 0; i < count; i++) {
      const d = descAt(copy, i * SIZEOF_HV_PCIDEV_DESC, true);
      out.push(d);
    }
  } else {
    const stride = v2 ? 28 : 20;
    for (let i = 0; i < count; i++) out.push(descAt(b, base + i * stride, v2));
  }
  return out;
}

/** wait_for_response(): polls for rescind every hz/10 (modelled as waking on either). */
export const waitForResponse = fn('wait_for_response')({
  file: FILE,
  signature: ['static int', 'wait_for_response(struct hv_pcibus *hbus, struct completion *c)'],
  params: ['c'],
  body: [
    S('do {', undefined),
    Label('poll'),
    If('if (vmbus_chan_is_revoked(hbus->sc->chan)) {', (k) => k.isRevoked(), [
      S('device_printf(hbus->pcib, "The device is revoked.\\n");', (k) => k.log('The device is revoked.')),
      S('return (ENODEV);', () => ret(ENODEV)),
    ]),
    S('} while (wait_for_completion_timeout(c, hz / 10) != 0);', (k, l) => {
      if (k.sc.comps[l.c]?.done) return undefined;
      // Woken by the rescind (the hz/10 poll): back to the revoked check at the top of the loop.
      if (k.isRevoked()) return goto('poll');
      return wait([k.key(`comp:${l.c}`), k.key('rescind')], `completion ${l.c}`);
    }),
    S('return (0);', () => ret(0)),
  ],
});

/** `struct pci_version_request *version_req;` as it reads once a version is filled in. */
export function versionReq<L extends { version: number }>(): Decl<V, L> {
  return decl('struct pci_version_request *version_req;', (_v, l) =>
    l.version === undefined ? undefined : { message_type: { type: MSG.PCI_QUERY_PROTOCOL_VERSION }, protocol_version: l.version },
  );
}

/** wait_for_completion(): sleeps with no rescind check (the 2016 driver everywhere; map_msi today). */
export function waitForCompletionStmt<L>(text: string, comp: (l: L) => string): Node<K, L> {
  return S(text, (k: K, l: L) => {
    const c = comp(l);
    return k.sc.comps[c]?.done ? undefined : wait(k.key(`comp:${c}`), `completion ${c}`);
  });
}

/** A completion wait that honours the variant: wait_for_response today, wait_for_completion in 2016. */
export function awaitComp<L extends { ret: number }>(v: FreebsdVariant, comp: (l: L) => string): Node<K, L>[] {
  if (v === 'freebsd-2016') return [waitForCompletionStmt(`wait_for_completion(&comp_pkt.host_event);`, comp)];
  return [
    If('if (!ret)', (_k: K, l: L) => !l.ret, [
      S('ret = wait_for_response(hbus, &comp_pkt.host_event);', (_k: K, l: L) => call('wait_for_response', { c: comp(l) }, 'ret')),
    ]),
  ];
}

/**
 * `goto vmbus_close;` in vmbus_pcib_attach: run the error path, then leave
 * attach with its error (the labels sit at the end of the C function, so
 * nothing after the failed step runs).
 */
export function gotoFail<L extends { ret: number }>(label: AttachLabel = 'vmbus_close'): Node<K, L>[] {
  return [
    S(`goto ${label};`, (_k: K, l: L) => call('vmbus_pcib_attach_fail', { ret: l.ret, label }, 'ret')),
    S('return (ret);  /* end of the error path */', (_k: K, l: L) => ret(l.ret)),
  ];
}

/** A `case X:` of a switch: rendered without a closing brace. */
export function Case<L>(text: string, cond: Cond<K, L>, body: Node<K, L>[]): Node<K, L> {
  return { ...If(text, cond, body), close: '' } as Node<K, L>;
}

/** A `label:` line of an error path: entered when the goto named this label or one above it. */
export function Label_<L extends { label: AttachLabel }>(label: AttachLabel, body: Node<K, L>[]): Node<K, L> {
  const order: AttachLabel[] = ['vmbus_close', 'free_res', 'free_bus'];
  return { ...If(`${label}:`, (_k: K, l: L) => order.indexOf(l.label) <= order.indexOf(label), body), close: '' } as Node<K, L>;
}

/** `continue` of the callback's do { } while (1) loop: back to its first statement. */
export function goToLoop(_k: K) {
  return { kind: 'goto' as const, label: 'recv' };
}

/**
 * How much of sc->rx_buf the model keeps: all of it (PCIB_PACKET_SIZE). The completion handlers read at most
 * 44 bytes (sizeof(struct pci_q_res_req_response)), but today's relations handlers memcpy 26 bytes per function
 * from a 20-byte-per-function list (copyDescs), so a v1 list reads on past its end, up to the buffer's end.
 */
export const RX_BUF_KEPT = PCIB_PACKET_SIZE;

/** Two hex digits per byte value. */
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** The zeroed buffer vmbus_pcib_attach allocates, as kept. */
const RX_BUF_ZEROS = '00'.repeat(RX_BUF_KEPT);

/**
 * sc->rx_buf's kept bytes after packet `p` is received into it over `prev` (undefined: the zeroed
 * buffer): two hex digits a byte. Runs for every packet the channel callback takes, on the step
 * path: only the packet's own bytes are written out, and the rest is the kept text past them, not
 * all 256 bytes parsed and written again.
 */
export function rxBufKeep(p: Uint8Array, prev: string | undefined): string {
  const n = Math.min(p.length, RX_BUF_KEPT);
  let head = '';
  for (let i = 0; i < n; i++) head += HEX2[p[i]!];
  return head + (prev ?? RX_BUF_ZEROS).slice(2 * n);
}

/** One hex digit's value (the kept text holds 0-9 and a-f only). */
function nibble(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

/** The kept bytes as an array. */
function rxBufBytes(kept: string | undefined): Uint8Array {
  const b = new Uint8Array(RX_BUF_KEPT);
  if (kept) for (let i = 0; i < RX_BUF_KEPT; i++) b[i] = (nibble(kept.charCodeAt(2 * i)) << 4) | nibble(kept.charCodeAt(2 * i + 1));
  return b;
}

/** What a handler finds from the start of sc->rx_buf once `pkt` is in it: the packet, then the kept bytes past its end. */
export function rxBufRead(kept: string | undefined, pkt: Uint8Array): Uint8Array {
  const b = rxBufBytes(kept);
  if (pkt.length >= b.length) return pkt.slice();
  b.set(pkt);
  return b;
}
