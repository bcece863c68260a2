// FreeBSD's vmbus_pcib as a driver program: the functions of
// freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c (current tree,
// 0010132dbd24, and the 2016 original dd2e215ca93c for the `freebsd-2016`
// variant), in their order, with their names, reading and writing the same
// bytes the C structs overlay. The listing is our own pseudo-C rendering of
// that logic, not the FreeBSD source.
import { S, T, If, For, Break, Continue, Label, When, decl, ret, wait, goto, type Cond, type Decl, type Node, type WaitAction } from '../../../runtime/program';
import { rd8, rd16, rd32, rds32, rd64, complView, ENOBUFS, ENODEV, ENXIO, EPROTO, ENOENT } from '../kernel';
import { MSG } from '../../protocol';
import * as M from '../messages';
import type { Desc } from '../pv-config';
import { PV_READ, descBytes, zeroIntLinePin, matchReported } from '../pv-config';
import { hbus, cfgRes, newFreebsdSoftc, type HvIrqDesc, type HvPciDev, type K, type PendingPacket, type V } from './softc';
import { fn, call, enqueue, type AttachLabel, type D } from './protos';
export type { Desc };

export type FreebsdVariant = 'freebsd' | 'freebsd-2016';

/** vmbus_chan_send has no revoke check: on a rescinded channel it writes the ring, which the host no longer reads (freebsd-src sys/dev/hyperv/vmbus/vmbus_chan.c). */
const SEND_ON_RESCIND = 'write';

const FILE = 'freebsd/vmbus_pcib.c';

// vmbus_pcib.c constants (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c).
export const PCI_CONFIG_MMIO_LENGTH = 0x2000;
export const CFG_PAGE_OFFSET = 0x1000;
export const CFG_PAGE_SIZE = PCI_CONFIG_MMIO_LENGTH - CFG_PAGE_OFFSET;
const STATUS_REVISION_MISMATCH = 0xc0000059 | 0;
const PCIB_PACKET_SIZE = 0x100;
/** sizeof(struct pci_response): the 16-byte channel packet header plus a 32-bit status. */
const SIZEOF_PCI_RESPONSE = 20;
const VMBUS_CHANPKT_TYPE_INBAND = 6;
const VMBUS_CHANPKT_TYPE_COMP = 11;
const PCIM_BAR_MEM_64 = 4;
/** sizeof(struct hv_pcidev_desc): the packed internal record the relations are copied into. */
const SIZEOF_HV_PCIDEV_DESC = 26;
const PROTO_1_1 = 0x00010001;
const PROTO_1_4 = 0x00010004;

export { newFreebsdSoftc };

/**
 * The transaction id of a request whose `struct pci_packet` sits on the
 * calling thread's kernel stack (`(uint64_t)&ctxt.pkt`): the same address for
 * every request made at the same call depth of the same thread, as in the real
 * driver (FreeBSD amd64 kernel stacks live at 0xfffffe…). Deterministic.
 */
function stackCtxt(k: K): bigint {
  const depth = BigInt(k.thread.frames.length);
  return 0xfffffe0012340000n + BigInt(k.thread.id) * 0x8000n + 0x7000n - depth * 0x180n;
}

/**
 * The transaction id of a request whose `struct pci_packet` was malloc'd
 * (hv_send_resources_allocated: `(uint64_t)pkt`): a heap address (the amd64
 * direct map, 0xfffff8…), a new one per allocation.
 */
function heapPkt(k: K): bigint {
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
function drainAll<L extends { giant_held: number }>(text: string): Node<K, L> {
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

function initCompletion(k: K, name: string): void {
  k.sc.comps[name] = { done: false, status: 0 };
}

function complete(k: K, name: string): void {
  const c = k.sc.comps[name];
  if (c) c.done = true;
  k.wake(`comp:${name}`);
}

function children(k: K): HvPciDev[] {
  return k.sc.hbus ? k.sc.hbus.children : [];
}

export function getPcichildWslot(k: K, wslot: number): HvPciDev | undefined {
  return children(k).find((c) => c.desc.wslot === wslot);
}

/** Decodes one descriptor of a relations message at `off` with its wire layout (v1 20 B, v2 28 B). */
function descAt(b: Uint8Array, off: number, v2: boolean): Desc {
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
 * wire stride.
 */
function copyDescs(k: K, b: Uint8Array, count: number, v2: boolean): Desc[] {
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
const waitForResponse = fn('wait_for_response')({
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
function versionReq<L extends { version: number }>(): Decl<V, L> {
  return decl('struct pci_version_request *version_req;', (_v, l) =>
    l.version === undefined ? undefined : { message_type: { type: MSG.PCI_QUERY_PROTOCOL_VERSION }, protocol_version: l.version },
  );
}

/** wait_for_completion(): sleeps with no rescind check (the 2016 driver everywhere; map_msi today). */
function waitForCompletionStmt<L>(text: string, comp: (l: L) => string): Node<K, L> {
  return S(text, (k: K, l: L) => {
    const c = comp(l);
    return k.sc.comps[c]?.done ? undefined : wait(k.key(`comp:${c}`), `completion ${c}`);
  });
}

/** A completion wait that honours the variant: wait_for_response today, wait_for_completion in 2016. */
function awaitComp<L extends { ret: number }>(v: FreebsdVariant, comp: (l: L) => string): Node<K, L>[] {
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
function gotoFail<L extends { ret: number }>(label: AttachLabel = 'vmbus_close'): Node<K, L>[] {
  return [
    S(`goto ${label};`, (_k: K, l: L) => call('vmbus_pcib_attach_fail', { ret: l.ret, label }, 'ret')),
    S('return (ret);  /* end of the error path */', (_k: K, l: L) => ret(l.ret)),
  ];
}

/** A `case X:` of a switch: rendered without a closing brace. */
function Case<L>(text: string, cond: Cond<K, L>, body: Node<K, L>[]): Node<K, L> {
  return { ...If(text, cond, body), close: '' } as Node<K, L>;
}

/** A `label:` line of an error path: entered when the goto named this label or one above it. */
function Label_<L extends { label: AttachLabel }>(label: AttachLabel, body: Node<K, L>[]): Node<K, L> {
  const order: AttachLabel[] = ['vmbus_close', 'free_res', 'free_bus'];
  return { ...If(`${label}:`, (_k: K, l: L) => order.indexOf(l.label) <= order.indexOf(label), body), close: '' } as Node<K, L>;
}

export function vmbusPcibFunctions(v: FreebsdVariant): D[] {
  const old = v === 'freebsd-2016';
  const versions = old ? [PROTO_1_1] : [PROTO_1_4, PROTO_1_1];
  const verText = old ? '' : 'hbus, pci_protocol_versions, ARRAY_SIZE(pci_protocol_versions)';

  const attach = fn('vmbus_pcib_attach')<{ ret: number }>({
    file: FILE,
    doc: ['/* Standard attach entry point. */'],
    signature: ['static int', 'vmbus_pcib_attach(device_t dev)'],
    params: [],
    locals: [
      decl('const int pci_ring_size = (4 * PAGE_SIZE);', () => 4 * 4096),
      decl('struct hv_pcibus *hbus;', (v) => v.sc.hbus ?? undefined),
      decl('int rid = 0;'),
      decl('int ret;'),
    ],
    body: [
      T(),
      S('hbus = malloc(sizeof(*hbus), M_DEVBUF, M_WAITOK | M_ZERO);', (k) => {
        k.sc.hbus = {
          pci_domain: 0,
          state: 'hv_pcibus_init',
          cfg_res: null,
          query_comp: false,
          protocol_version: 0,
          children: [],
          dr_list: [],
          detaching: false,
          pci_bus: false,
        };
      }),
      S('inst_guid = vmbus_chan_guid_inst(channel);'),
      S('hbus->pci_domain = inst_guid->hv_guid[9] | (inst_guid->hv_guid[8] << 8);', (k) => {
        // vmbus_pcib.c vmbus_pcib_attach: bytes 8 and 9 of the instance GUID.
        hbus(k).pci_domain = k.instanceBytes[9]! | (k.instanceBytes[8]! << 8);
      }),
      S('TAILQ_INIT(&hbus->children); TAILQ_INIT(&hbus->dr_list);'),
      T(),
      S('hbus->cfg_res = bus_alloc_resource(dev, SYS_RES_MEMORY, &rid, 0, RM_MAX_END, PCI_CONFIG_MMIO_LENGTH, RF_ACTIVE | rman_make_alignment_flags(PAGE_SIZE));', (k) => {
        const base = k.allocMmio(PCI_CONFIG_MMIO_LENGTH, 0x1000, 0, Number.MAX_SAFE_INTEGER, `${k.busName} cfg window`);
        hbus(k).cfg_res = base === undefined ? null : { start: base, size: PCI_CONFIG_MMIO_LENGTH };
      }),
      If('if (!hbus->cfg_res) {', (k) => !hbus(k).cfg_res, [
        S('device_printf(dev, "failed to get resource for cfg window\\n");', (k) => k.log('failed to get resource for cfg window')),
        S('ret = ENXIO;', (_k, l) => {
          l.ret = ENXIO;
        }),
        ...gotoFail('free_bus'),
      ]),
      T(),
      S('sc->rx_buf = malloc(PCIB_PACKET_SIZE, M_DEVBUF, M_WAITOK | M_ZERO);', (k) => {
        k.sc.rx_buf_len = PCIB_PACKET_SIZE;
      }),
      S('sc->taskq = taskqueue_create("vmbus_pcib_tq", M_WAITOK, taskqueue_thread_enqueue, &sc->taskq);'),
      S('taskqueue_start_threads(&sc->taskq, 1, PI_NET, "vmbus_pcib_tq");'),
      T(),
      S('init_completion(&hbus->query_completion);', (k) => initCompletion(k, 'query')),
      S('hbus->query_comp = &hbus->query_completion;', (k) => {
        hbus(k).query_comp = true;
      }),
      T(),
      S('ret = vmbus_chan_open(sc->chan, pci_ring_size, pci_ring_size, NULL, 0, vmbus_pcib_on_channel_callback, sc);', (k, l) => {
        l.ret = k.chanOpen(4 * 4096, 4 * 4096);
      }),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('free_res')),
      T(),
      S(`ret = hv_pci_protocol_negotiation(${verText || 'hbus'});`, (_k, l) =>
        call('hv_pci_protocol_negotiation', { versions }, 'ret'),
      ),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()),
      T(),
      S('ret = hv_pci_query_relations(hbus);', () => call('hv_pci_query_relations', {}, 'ret')),
      When(old, [
            If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()),
            waitForCompletionStmt('wait_for_completion(hbus->query_comp);', () => 'query'),
          ], [
            If('if (!ret)', (_k, l) => !l.ret, [
              S('ret = wait_for_response(hbus, hbus->query_comp);', () => call('wait_for_response', { c: 'query' }, 'ret')),
            ]),
            If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()),
          ]),
      T(),
      S('ret = hv_pci_enter_d0(hbus);', () => call('hv_pci_enter_d0', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()),
      T(),
      S('ret = hv_send_resources_allocated(hbus);', () => call('hv_send_resources_allocated', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()),
      T(),
      When(!old, [S('vmbus_pcib_prepopulate_bars(hbus);', () => call('vmbus_pcib_prepopulate_bars'))]),
      T(),
      S('hbus->pci_bus = device_add_child(dev, "pci", -1);', (k) => {
        hbus(k).pci_bus = true;
      }),
      S('bus_generic_attach(dev);', () => call('pci_attach')),
      T(),
      S('hbus->state = hv_pcibus_installed;', (k) => {
        hbus(k).state = 'hv_pcibus_installed';
        k.busState('attached');
      }),
      S('return (0);', () => ret(0)),
    ],
  });

  // The attach error path, as its own function so each "goto" is one step.
  const attachFail = fn('vmbus_pcib_attach_fail')({
    file: FILE,
    doc: [
      '/*',
      ' * Not a function of vmbus_pcib.c: the error labels at the end of',
      ' * vmbus_pcib_attach() (vmbus_close, free_res, free_bus), shown as a frame',
      ' * of their own so that each "goto" is one step. Entered at the label the',
      ' * goto names; falls through the labels below it, as the C does.',
      ' */',
    ],
    signature: ['static int', 'vmbus_pcib_attach_fail(struct hv_pcibus *hbus, int ret, label)'],
    params: ['ret', 'label'],
    args: { hbus: (v) => v.sc.hbus ?? undefined },
    body: [
      Label_('vmbus_close', [
        S('vmbus_pcib_pre_detach(hbus);', () => call('vmbus_pcib_pre_detach')),
        S('vmbus_chan_close(sc->chan);', (k) => k.chanClose()),
      ]),
      Label_('free_res', [
        S('taskqueue_free(sc->taskq);'),
        S('free_completion(&hbus->query_completion);'),
        S('free(sc->rx_buf, M_DEVBUF);'),
        S('bus_release_resource(dev, SYS_RES_MEMORY, 0, hbus->cfg_res);', (k) => {
          const cfg = k.sc.hbus?.cfg_res;
          if (cfg) k.freeMmio(cfg.start);
        }),
      ]),
      Label_('free_bus', [
        S('mtx_destroy(&hbus->device_list_lock); mtx_destroy(&hbus->config_lock);'),
        S('free(hbus, M_DEVBUF);', (k) => {
          hbus(k).state = 'failed';
          k.busState('failed');
        }),
      ]),
      S('return (ret);', (_k, l) => ret(l.ret)),
    ],
  });

  const negotiation: D = old
    ? fn('hv_pci_protocol_negotiation')<{ txid: bigint; ret: number; version: number }>({
        file: FILE,
        signature: ['static int', 'hv_pci_protocol_negotiation(struct hv_pcibus *hbus)'],
        params: ['versions'],
        locals: [versionReq(), decl('struct hv_pci_compl comp_pkt;', (v) => complView(v.sc.comps.version)), decl('int ret;')],
        body: [
          T(),
          S('init_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'version')),
          S('ctxt.pkt.completion_func = hv_pci_generic_compl;', (k, l) => {
            l.txid = stackCtxt(k);
            k.sc.pending[String(l.txid)] = { func: 'hv_pci_generic_compl', comp: 'version' };
          }),
          S('version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;'),
          S('version_req->protocol_version = PCI_PROTOCOL_VERSION_CURRENT;', (_k, l) => {
            l.version = PROTO_1_1;
          }),
          S('version_req->is_last_attempt = 1;'),
          S('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, version_req, sizeof(*version_req), (uint64_t)&ctxt.pkt);', (k, l) => {
            l.ret = k.send(M.queryProtocolVersion(l.version, { reservedWord: 1 }), true, l.txid, SEND_ON_RESCIND);
          }),
          If('if (ret)', (_k, l) => l.ret !== 0, [S('goto out;', (_k, l) => ret(l.ret))]),
          waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', () => 'version'),
          If(
            'if (comp_pkt.completion_status < 0) {',
            (k) => k.sc.comps.version.status < 0,
            [
              S('device_printf(hbus->pcib, "vmbus_pcib version negotiation failed: %x\\n", comp_pkt.completion_status);', (k) =>
                k.log(`vmbus_pcib version negotiation failed: ${(k.sc.comps.version.status >>> 0).toString(16)}`),
              ),
              S('ret = EPROTO;', (_k, l) => {
                l.ret = EPROTO;
              }),
            ],
            [
              S('ret = 0;', (k, l) => {
                l.ret = 0;
                hbus(k).protocol_version = PROTO_1_1;
              }),
            ],
          ),
          S('return (ret);', (_k, l) => ret(l.ret)),
        ],
      })
    : fn('hv_pci_protocol_negotiation')<{ txid: bigint; i: number; ret: number; version: number }>({
        file: FILE,
        signature: ['static int', 'hv_pci_protocol_negotiation(struct hv_pcibus *hbus, enum pci_protocol_version_t version[], int num_version)'],
        params: ['versions'],
        locals: [versionReq(), decl('struct hv_pci_compl comp_pkt;', (v) => complView(v.sc.comps.version)), decl('int ret;'), decl('int i;')],
        body: [
          T(),
          S('init_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'version')),
          S('ctxt.pkt.completion_func = hv_pci_generic_compl;', (k, l) => {
            l.txid = stackCtxt(k);
            k.sc.pending[String(l.txid)] = { func: 'hv_pci_generic_compl', comp: 'version' };
          }),
          S('version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;'),
          T(),
          For('for (i = 0; i < num_version; i++) {', (_k, l) => { l.i = 0; l.ret = 0; }, (_k, l) => l.i < l.versions.length, (_k, l) => { l.i++; }, [
            S('version_req->protocol_version = version[i];', (_k, l) => {
              l.version = l.versions[l.i];
            }),
            S('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, version_req, sizeof(*version_req), (uint64_t)&ctxt.pkt);', (k, l) => {
              k.sc.pending[String(l.txid)] = { func: 'hv_pci_generic_compl', comp: 'version' };
              l.ret = k.send(M.queryProtocolVersion(l.version, { reservedWord: 0 }), true, l.txid, SEND_ON_RESCIND);
            }),
            If('if (!ret)', (_k, l) => !l.ret, [
              S('ret = wait_for_response(hbus, &comp_pkt.host_event);', () => call('wait_for_response', { c: 'version' }, 'ret')),
            ]),
            If('if (ret) {', (_k, l) => l.ret !== 0, [
              S('device_printf(hbus->pcib, "vmbus_pcib failed to request version: %d\\n", ret);', (k, l) =>
                k.log(`vmbus_pcib failed to request version: ${l.ret}`),
              ),
              S('goto out;', (_k, l) => ret(l.ret)),
            ]),
            If('if (comp_pkt.completion_status >= 0) {', (k) => k.sc.comps.version.status >= 0, [
              S('hbus->protocol_version = version[i];', (k, l) => {
                hbus(k).protocol_version = l.version;
              }),
              S('device_printf(hbus->pcib, "PCI VMBus using version 0x%x\\n", hbus->protocol_version);', (k) =>
                k.log(`PCI VMBus using version 0x${hbus(k).protocol_version.toString(16)}`),
              ),
              S('ret = 0;', (_k, l) => { l.ret = 0; }),
              S('goto out;', () => ret(0)),
            ]),
            If('if (comp_pkt.completion_status != STATUS_REVISION_MISMATCH) {', (k) => k.sc.comps.version.status !== STATUS_REVISION_MISMATCH, [
              S('device_printf(hbus->pcib, "vmbus_pcib version negotiation failed: %x\\n", comp_pkt.completion_status);', (k) =>
                k.log(`vmbus_pcib version negotiation failed: ${(k.sc.comps.version.status >>> 0).toString(16)}`),
              ),
              S('ret = EPROTO;', (_k, l) => { l.ret = EPROTO; }),
              S('goto out;', () => ret(EPROTO)),
            ]),
            S('reinit_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'version')),
          ]),
          T(),
          S('device_printf(hbus->pcib, "PCI pass-trhpugh VSP failed to find supported version\\n");', (k, l) => {
            k.log('PCI pass-trhpugh VSP failed to find supported version');
            // The real loop leaves ret == 0 here (QUIRK all-versions-rejected-continues).
            if (!k.quirk('all-versions-rejected-continues')) l.ret = EPROTO;
          }),
          S('return (ret);', (_k, l) => ret(l.ret)),
        ],
      });

  const queryRelations = fn('hv_pci_query_relations')<{ ret: number; message: { type: number } }>({
    file: FILE,
    doc: ['/* Ask the host to send along the list of child devices */'],
    signature: ['static int', 'hv_pci_query_relations(struct hv_pcibus *hbus)'],
    params: [],
    locals: [decl('struct pci_message message;'), decl('int ret;')],
    body: [
      T(),
      S('message.type = PCI_QUERY_BUS_RELATIONS;', (_k, l) => {
        l.message = { type: MSG.PCI_QUERY_BUS_RELATIONS };
      }),
      S('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, 0, &message, sizeof(message), 0);', (k, l) => {
        l.ret = k.send(M.queryBusRelations(), false, 0n, SEND_ON_RESCIND);
      }),
      S('return (ret);', (_k, l) => ret(l.ret)),
    ],
  });

  const enterD0 = fn('hv_pci_enter_d0')<{ txid: bigint; mmio_base: number; ret: number }>({
    file: FILE,
    signature: ['static int', 'hv_pci_enter_d0(struct hv_pcibus *hbus)'],
    params: [],
    locals: [
      decl('struct pci_bus_d0_entry *d0_entry;', (_v, l) => (l.mmio_base === undefined ? undefined : { message_type: { type: MSG.PCI_BUS_D0ENTRY }, mmio_base: l.mmio_base })),
      decl('struct hv_pci_compl comp_pkt;', (v) => complView(v.sc.comps.d0)),
      decl('int ret;'),
    ],
    body: [
      T(),
      S('init_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'd0')),
      S('ctxt.pkt.completion_func = hv_pci_generic_compl;', (k, l) => {
        l.txid = stackCtxt(k);
        k.sc.pending[String(l.txid)] = { func: 'hv_pci_generic_compl', comp: 'd0' };
      }),
      S('d0_entry->message_type.type = PCI_BUS_D0ENTRY;'),
      S('d0_entry->mmio_base = rman_get_start(hbus->cfg_res);', (k, l) => {
        l.mmio_base = cfgRes(k).start;
      }),
      S('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, d0_entry, sizeof(*d0_entry), (uint64_t)&ctxt.pkt);', (k, l) => {
        l.ret = k.send(M.d0Entry(l.mmio_base), true, l.txid, SEND_ON_RESCIND);
      }),
      When(
        old,
        [If('if (ret)', (_k, l) => l.ret !== 0, [S('goto out;', (_k, l) => ret(l.ret))]), waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', () => 'd0')],
        [...awaitComp(v, () => 'd0'), If('if (ret)', (_k, l) => l.ret !== 0, [S('goto out;', (_k, l) => ret(l.ret))])],
      ),
      If(
        'if (comp_pkt.completion_status < 0) {',
        (k) => k.sc.comps.d0.status < 0,
        [
          S('device_printf(hbus->pcib, "vmbus_pcib failed to enable D0\\n");', (k) => k.log('vmbus_pcib failed to enable D0')),
          S('ret = EPROTO;', (_k, l) => { l.ret = EPROTO; }),
        ],
        [S('ret = 0;', (_k, l) => { l.ret = 0; })],
      ),
      S('return (ret);', (_k, l) => ret(l.ret)),
    ],
  });

  const resourcesAllocated = fn('hv_send_resources_allocated')<{ ret: number; v2: boolean; wslot: number; hpdev: number | null; txid: bigint; pkt: bigint; size_res: number }>({
    file: FILE,
    doc: ['/* It looks this is only needed by Windows VM, but the message is sent to move the host forward. */'],
    signature: ['static int', 'hv_send_resources_allocated(struct hv_pcibus *hbus)'],
    params: [],
    locals: [
      decl('struct hv_pci_dev *hpdev;', (v, l) => (l.hpdev === undefined ? undefined : l.hpdev === null ? null : v.sc.hbus?.children.find((c) => c.desc.wslot === l.hpdev))),
      decl('struct pci_packet *pkt;'),
      decl('uint32_t wslot;'),
      decl('int ret = 0;'),
      ...(old ? [] : [decl<V, { size_res: number }>('size_t size_res;')]),
    ],
    body: [
      T(),
      When(!old, [
        S('size_res = (hbus->protocol_version < PCI_PROTOCOL_VERSION_1_4) ? sizeof(*res_assigned) : sizeof(*res_assigned2);', (k, l) => {
          l.v2 = hbus(k).protocol_version >= PROTO_1_4;
          l.size_res = l.v2 ? 202 : 148;
        }),
      ]),
      // The one request buffer of the loop is on the heap: its address is every RESOURCES_ASSIGNED's transaction id.
      S(old ? 'pkt = malloc(sizeof(*pkt) + sizeof(*res_assigned), M_DEVBUF, M_WAITOK | M_ZERO);' : 'pkt = malloc(sizeof(*pkt) + size_res, M_DEVBUF, M_WAITOK | M_ZERO);', (k, l) => {
        l.ret = 0;
        if (old) l.v2 = false;
        l.pkt = heapPkt(k);
      }),
      For('for (wslot = 0; wslot < 256; wslot++) {', (_k, l) => { l.wslot = 0; }, (_k, l) => l.wslot < 256, (_k, l) => { l.wslot++; }, [
        S('hpdev = get_pcichild_wslot(hbus, wslot);', (k, l) => {
          l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
        }),
        If('if (!hpdev)', (_k, l) => l.hpdev === null, [Continue()]),
        S('init_completion(&comp_pkt.host_event);', (k, l) => initCompletion(k, `ra${l.wslot}`)),
        S('pkt->completion_func = hv_pci_generic_compl;', (k, l) => {
          l.txid = l.pkt;
          k.sc.pending[String(l.txid)] = { func: 'hv_pci_generic_compl', comp: `ra${l.wslot}` };
        }),
        When(
          old,
          [S('res_assigned->message_type.type = PCI_RESOURCES_ASSIGNED;')],
          [
            If(
              'if (hbus->protocol_version < PCI_PROTOCOL_VERSION_1_4) {',
              (_k, l) => !l.v2,
              [S('res_assigned->message_type.type = PCI_RESOURCES_ASSIGNED; res_assigned->wslot.val = hpdev->desc.wslot.val;')],
              [S('res_assigned2->message_type.type = PCI_RESOURCES_ASSIGNED2; res_assigned2->wslot.val = hpdev->desc.wslot.val;')],
            ),
          ],
        ),
        S(`ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, &pkt->message, ${old ? 'sizeof(*res_assigned)' : 'size_res'}, (uint64_t)pkt);`, (k, l) => {
          l.ret = k.send(l.v2 ? M.resourcesAssigned2(l.wslot) : M.resourcesAssigned(l.wslot), true, l.txid, SEND_ON_RESCIND);
        }),
        // 2016: the send's error breaks out before the wait; today the wait runs only after a good send.
        When(
          old,
          [If('if (ret)', (_k, l) => l.ret !== 0, [Break()]), waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', (l: { wslot: number }) => `ra${l.wslot}`)],
          [...awaitComp(v, (l: { wslot: number; ret: number }) => `ra${l.wslot}`), If('if (ret)', (_k, l) => l.ret !== 0, [Break()])],
        ),
        If('if (comp_pkt.completion_status < 0) {', (k, l) => k.sc.comps[`ra${l.wslot}`].status < 0, [
          S('ret = EPROTO;', (_k, l) => { l.ret = EPROTO; }),
          S('device_printf(hbus->pcib, "failed to send PCI_RESOURCES_ASSIGNED\\n");', (k) => k.log('failed to send PCI_RESOURCES_ASSIGNED')),
          Break(),
        ]),
      ]),
      S('free(pkt, M_DEVBUF);'),
      S('return (ret);', (_k, l) => ret(l.ret)),
    ],
  });

  const resourcesReleased = fn('hv_send_resources_released')<{ wslot: number; ret: number; hpdev: number | null }>({
    file: FILE,
    signature: ['static int', 'hv_send_resources_released(struct hv_pcibus *hbus)'],
    params: [],
    body: [
      For('for (wslot = 0; wslot < 256; wslot++) {', (_k, l) => { l.wslot = 0; l.ret = 0; }, (_k, l) => l.wslot < 256, (_k, l) => { l.wslot++; }, [
        S('hpdev = get_pcichild_wslot(hbus, wslot);', (k, l) => {
          l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
        }),
        If('if (!hpdev)', (_k, l) => l.hpdev === null, [Continue()]),
        S('pkt.message_type.type = PCI_RESOURCES_RELEASED;'),
        S('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, 0, &pkt, sizeof(pkt), 0);', (k, l) => {
          l.ret = k.send(M.resourcesReleased(l.wslot), false, 0n, SEND_ON_RESCIND);
        }),
        If('if (ret)', (_k, l) => l.ret !== 0, [S('return (ret);', (_k, l) => ret(l.ret))]),
      ]),
      S('return (0);', () => ret(0)),
    ],
  });

  const prepopulate = fn('vmbus_pcib_prepopulate_bars')<{ list: number[]; ci: number; i: number; bar_val: number }>({
    file: FILE,
    doc: [
      '/*',
      ' * Some Hyper-V releases leave the low 4 bits of BAR registers uninitialised:',
      ' * write all 1s, then the original value, to BARs whose read-back differs',
      ' * from the probed value.',
      ' */',
    ],
    signature: ['static void', 'vmbus_pcib_prepopulate_bars(struct hv_pcibus *hbus)'],
    params: [],
    body: [
      For('TAILQ_FOREACH(hpdev, &hbus->children, link) {', (k, l) => {
        l.list = children(k).map((c) => c.desc.wslot);
        l.ci = 0;
      }, (_k, l) => l.ci < l.list.length, (_k, l) => { l.ci++; }, [
        For('for (i = 0; i < 6; i++) {', (_k, l) => { l.i = 0; }, (_k, l) => l.i < 6, (_k, l) => { l.i++; }, [
          If('if (hpdev->probed_bar[i] == 0)', (k, l) => (getPcichildWslot(k, l.list[l.ci])?.probed_bar[l.i] ?? 0) === 0, [Continue()]),
          S('uint32_t bar_val = 0;', (_k, l) => { l.bar_val = 0; }),
          S('_hv_pcifront_read_config(hpdev, PCIR_BAR(i), 4, &bar_val);', (_k, l) =>
            call('_hv_pcifront_read_config', { wslot: l.list[l.ci], where: 0x10 + 4 * l.i, size: 4 }, 'bar_val'),
          ),
          If('if (hpdev->probed_bar[i] != bar_val) {', (k, l) => (getPcichildWslot(k, l.list[l.ci])?.probed_bar[l.i] ?? 0) !== l.bar_val >>> 0, [
            S('_hv_pcifront_write_config(hpdev, PCIR_BAR(i), 4, 0xffffffff);', (_k, l) =>
              call('_hv_pcifront_write_config', { wslot: l.list[l.ci], where: 0x10 + 4 * l.i, size: 4, val: 0xffffffff }),
            ),
            S('_hv_pcifront_write_config(hpdev, PCIR_BAR(i), 4, bar_val);', (_k, l) =>
              call('_hv_pcifront_write_config', { wslot: l.list[l.ci], where: 0x10 + 4 * l.i, size: 4, val: l.bar_val }),
            ),
          ]),
        ]),
      ]),
      S('return;', () => ret()),
    ],
  });

  const readConfigInner = fn('_hv_pcifront_read_config')<{ addr: number; desc: Desc | null; val: number; partial: boolean }>({
    file: FILE,
    signature: ['static void', '_hv_pcifront_read_config(struct hv_pci_dev *hpdev, int where, int size, uint32_t *val)'],
    params: ['wslot', 'where', 'size'],
    body: [
      S('bus_size_t addr = CFG_PAGE_OFFSET + where;', (k, l) => {
        l.addr = CFG_PAGE_OFFSET + l.where;
        const c = getPcichildWslot(k, l.wslot);
        l.desc = c ? c.desc : null;
      }),
      If('if (where + size <= PCIR_COMMAND) {', (_k, l) => PV_READ.ids(l), [
        S('memcpy(val, ((uint8_t *)&hpdev->desc.v_id) + where, size);', (_k, l) =>
          ret(PV_READ.idsValue(l)),
        ),
      ]),
      If('if (where >= PCIR_REVID && where + size <= PCIR_CACHELNSZ) {', (_k, l) => PV_READ.classRev(l), [
        S('memcpy(val, ((uint8_t *)&hpdev->desc.rev) + where - PCIR_REVID, size);', (_k, l) =>
          ret(PV_READ.classRevValue(l)),
        ),
      ]),
      If('if (where >= PCIR_SUBVEND_0 && where + size <= PCIR_BIOS) {', (_k, l) => PV_READ.subsystem(l), [
        S('memcpy(val, (uint8_t *)&hpdev->desc.subsystem_id + where - PCIR_SUBVEND_0, size);', (_k, l) =>
          ret(PV_READ.subsystemValue(l)),
        ),
      ]),
      If('if (where >= PCIR_BIOS && where + size <= PCIR_CAP_PTR) {', (_k, l) => PV_READ.rom(l), [
        S('*val = 0;  /* ROM BARs are unimplemented */', () => ret(0)),
      ]),
      If(
        'if ((where >= PCIR_INTLINE && where + size <= PCIR_INTPIN) || (where == PCIR_INTPIN && size == 1)) {',
        (k, l) =>
          k.quirk('int-pin-single-byte-only')
            ? (l.where >= 0x3c && l.where + l.size <= 0x3d) || (l.where === 0x3d && l.size === 1)
            : l.where <= 0x3d && l.where + l.size > 0x3c,
        [S('*val = 0;  /* MSI/MSI-X only: no INTx */', (k, l) => {
          if (k.quirk('int-pin-single-byte-only') || l.size === 1) return ret(0);
          // Fixed driver: zero only the Interrupt Line/Pin bytes of a wider read.
          l.partial = true;
          return undefined;
        })],
      ),
      If('if (where + size <= CFG_PAGE_SIZE) {', (_k, l) => l.where + l.size <= CFG_PAGE_SIZE, [
        // The lock is real: another thread's slot select cannot slip between ours and the access.
        S('mtx_lock(&hbus->config_lock);', (k) => {
          const owner = k.sc.config_lock_owner;
          if (owner != null && owner !== k.thread.id) return wait(k.key('config_lock'), 'config_lock held by another thread');
          k.sc.config_lock_owner = k.thread.id;
        }),
        S('hv_cfg_write_4(hbus, 0, hpdev->desc.wslot.val);  /* choose the function */', (k, l) => {
          k.mmioWrite(cfgRes(k).start, 4, l.desc ? l.desc.wslot : l.wslot);
        }, 2),
        S('mb();'),
        S('*val = hv_cfg_read_{1,2,4}(hbus, addr);', (k, l) => {
          l.val = k.mmioRead(cfgRes(k).start + l.addr, l.size);
          if (l.partial) l.val = zeroIntLinePin(l.val, l.where, l.size);
        }, 2),
        S('mb();'),
        S('mtx_unlock(&hbus->config_lock);', (k, l) => {
          k.sc.config_lock_owner = null;
          k.wake('config_lock');
          return ret(l.val);
        }),
      ]),
      S('memset(val, 0, size);  /* invalid config read */', () => ret(0)),
    ],
  });

  const writeConfigInner = fn('_hv_pcifront_write_config')<{ addr: number; desc: Desc | null }>({
    file: FILE,
    signature: ['static void', '_hv_pcifront_write_config(struct hv_pci_dev *hpdev, int where, int size, uint32_t val)'],
    params: ['wslot', 'where', 'size', 'val'],
    body: [
      S('bus_size_t addr = CFG_PAGE_OFFSET + where;', (k, l) => {
        l.addr = CFG_PAGE_OFFSET + l.where;
        const c = getPcichildWslot(k, l.wslot);
        l.desc = c ? c.desc : null;
      }),
      If('if (where >= PCIR_SUBVEND_0 && where + size <= PCIR_CAP_PTR)', (_k, l) => l.where >= 0x2c && l.where + l.size <= 0x34, [
        S('return;  /* SSIDs and ROM BARs are read-only */', () => ret()),
      ]),
      If('if (where >= PCIR_COMMAND && where + size <= CFG_PAGE_SIZE) {', (_k, l) => l.where >= 0x04 && l.where + l.size <= CFG_PAGE_SIZE, [
        // The lock is real: another thread's slot select cannot slip between ours and the access.
        S('mtx_lock(&hbus->config_lock);', (k) => {
          const owner = k.sc.config_lock_owner;
          if (owner != null && owner !== k.thread.id) return wait(k.key('config_lock'), 'config_lock held by another thread');
          k.sc.config_lock_owner = k.thread.id;
        }),
        S('hv_cfg_write_4(hbus, 0, hpdev->desc.wslot.val);  /* choose the function */', (k, l) => {
          k.mmioWrite(cfgRes(k).start, 4, l.desc ? l.desc.wslot : l.wslot);
        }, 2),
        S('wmb();'),
        S('hv_cfg_write_{1,2,4}(hbus, addr, val);', (k, l) => {
          k.mmioWrite(cfgRes(k).start + l.addr, l.size, l.val >>> 0);
        }, 2),
        S('mb();'),
        S('mtx_unlock(&hbus->config_lock);', (k) => {
          k.sc.config_lock_owner = null;
          k.wake('config_lock');
          return ret();
        }),
      ]),
      S('return;  /* invalid config write */', () => ret()),
    ],
  });

  const readConfig = fn('vmbus_pcib_read_config')<{ wslot: number; hpdev: number | null; data: number }>({
    file: FILE,
    signature: ['static uint32_t', 'vmbus_pcib_read_config(device_t dev, u_int bus, u_int slot, u_int func, u_int reg, int bytes)'],
    params: ['slot', 'func', 'reg', 'bytes'],
    body: [
      S('unsigned int devfn = PCI_DEVFN(slot, func);', (_k, l) => {
        l.wslot = (l.slot & 0x1f) | ((l.func & 7) << 5);
      }),
      S('hpdev = get_pcichild_wslot(sc->hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev)', (_k, l) => l.hpdev === null, [S('return (~0);', () => ret(0xffffffff))]),
      S('_hv_pcifront_read_config(hpdev, reg, bytes, &data);', (_k, l) =>
        call('_hv_pcifront_read_config', { wslot: l.wslot, where: l.reg, size: l.bytes }, 'data'),
      ),
      S('return (data);', (_k, l) => ret(l.data)),
    ],
  });

  const writeConfig = fn('vmbus_pcib_write_config')<{ wslot: number; hpdev: number | null }>({
    file: FILE,
    signature: ['static void', 'vmbus_pcib_write_config(device_t dev, u_int bus, u_int slot, u_int func, u_int reg, uint32_t data, int bytes)'],
    params: ['slot', 'func', 'reg', 'data', 'bytes'],
    body: [
      S('unsigned int devfn = PCI_DEVFN(slot, func);', (_k, l) => {
        l.wslot = (l.slot & 0x1f) | ((l.func & 7) << 5);
      }),
      S('hpdev = get_pcichild_wslot(sc->hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev)', (_k, l) => l.hpdev === null, [S('return;', () => ret())]),
      S('_hv_pcifront_write_config(hpdev, reg, bytes, data);', (_k, l) =>
        call('_hv_pcifront_write_config', { wslot: l.wslot, where: l.reg, size: l.bytes, val: l.data }),
      ),
      S('return;', () => ret()),
    ],
  });

  const allocResource = fn('vmbus_pcib_alloc_resource')<{ hpdev: number | null; res: number | null }>({
    file: FILE,
    signature: ['static struct resource *', 'vmbus_pcib_alloc_resource(device_t dev, device_t child, int type, int *rid, rman_res_t start, rman_res_t end, rman_res_t count, u_int flags)'],
    params: ['wslot', 'type', 'bar', 'start', 'end', 'count', 'align'],
    body: [
      If('if (type == SYS_RES_IOPORT)', (_k, l) => l.type === 'io', [S('return (NULL);  /* Devices with port I/O BAR are not supported. */', () => ret(null))]),
      S('hpdev = get_pcichild_wslot(sc->hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev)', (_k, l) => l.hpdev === null, [S('return (NULL);', () => ret(null))]),
      S('bar_no = PCI_RID2BAR(*rid);'),
      If('if (bar_no >= MAX_NUM_BARS)', (_k, l) => l.bar >= 6, [S('return (NULL);', () => ret(null))]),
      If('if (!(hpdev->probed_bar[bar_no] & PCIM_BAR_MEM_64))', (k, l) => l.bar < 6 && !((getPcichildWslot(k, l.wslot)?.probed_bar[l.bar] ?? 0) & PCIM_BAR_MEM_64), [
        S('end = ulmin(end, 0xFFFFFFFF);  /* a 32-bit BAR gets a 32-bit address */', (_k, l) => {
          l.end = Math.min(l.end, 0xffffffff);
        }),
      ]),
      S('res = bus_generic_alloc_resource(dev, child, type, rid, start, end, count, flags);', (k, l) => {
        l.res = k.allocMmio(l.count, l.align, l.start, l.end, `${k.busName} ${l.wslot} BAR${l.bar}`) ?? null;
      }),
      // The current tree announces every allocation; the 2016 one does not.
      When(!old, [
        If('if (res)', (_k, l) => l.res !== null, [
          S('device_printf(dev, "vmbus_pcib_alloc_resource is successful\\n");', (k) => k.log('vmbus_pcib_alloc_resource is successful')),
        ]),
      ]),
      S('return (res);', (_k, l) => ret(l.res)),
    ],
  });

  const allocMsix = fn('vmbus_pcib_alloc_msix')({
    file: FILE,
    signature: ['static int', 'vmbus_pcib_alloc_msix(device_t pcib, device_t dev, int *irq)'],
    params: ['count', 'kind'],
    body: [
      S('return (PCIB_ALLOC_MSIX(device_get_parent(pcib), dev, irq));', (k, l) => ret(k.allocIrqs(l.count, l.kind).map((x) => x.irq))),
    ],
  });

  const mapMsi = fn('vmbus_pcib_map_msi')<{ hpdev: number | null; v_addr: number; v_data: number; old: number; hid: HvIrqDesc; cpu: number; vcpu_id: number; vector: number; comp: string; txid: bigint; pkt: Uint8Array | null; size: number; ret: number; addr: number; data: number }>({
    file: FILE,
    signature: ['static int', 'vmbus_pcib_map_msi(device_t pcib, device_t child, int irq, uint64_t *addr, uint32_t *data)'],
    params: ['wslot', 'irq'],
    body: [
      S('hpdev = get_pcichild_wslot(sc->hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev)', (_k, l) => l.hpdev === null, [S('return (ENOENT);', () => ret({ error: ENOENT }))]),
      S('ret = PCIB_MAP_MSI(device_get_parent(pcib), child, irq, &v_addr, &v_data);', (k, l) => {
        // The x86 nexus composes the native MSI: destination APIC ID in address
        // bits 19:12, the IDT vector in data bits 7:0, fixed delivery.
        const info = k.irqInfo(l.irq);
        l.v_addr = 0xfee00000 + ((info?.cpu ?? 0) << 12);
        l.v_data = info?.vector ?? 0;
        l.ret = 0;
      }),
      If('if (ret)', (_k, l) => l.ret !== 0, [S('return (ret);', (_k, l) => ret({ error: l.ret }))]),
      S('TAILQ_FOREACH_SAFE(hid, &hpdev->irq_desc_list, link, tmp_hid) if (hid->irq == irq) break;', (k, l) => {
        const c = getPcichildWslot(k, l.wslot)!;
        l.old = c.irq_desc_list.findIndex((h) => h.irq === l.irq);
      }),
      If('if (hid != NULL) {  /* an earlier mapping of this irq: free it */', (_k, l) => l.old >= 0, [
        S('TAILQ_REMOVE(&hpdev->irq_desc_list, hid, link);', (k, l) => {
          const c = getPcichildWslot(k, l.wslot)!;
          l.hid = c.irq_desc_list.splice(l.old, 1)[0];
        }),
        S('hv_int_desc_free(hpdev, hid);', (_k, l) => call('hv_int_desc_free', { wslot: l.wslot, hid: l.hid })),
      ]),
      S(old ? 'cpu = (v_addr & MSI_INTEL_ADDR_DEST) >> 12;  /* the APIC ID, used as the CPU id */' :
        'cpu = apic_cpuid((v_addr & MSI_INTEL_ADDR_DEST) >> 12);', (_k, l) => {
        l.cpu = Math.floor(l.v_addr / 4096) & 0xff;
      }),
      S('vcpu_id = VMBUS_GET_VCPU_ID(device_get_parent(pcib), pcib, cpu);', (_k, l) => {
        l.vcpu_id = l.cpu;
      }),
      S('vector = v_data & MSI_INTEL_DATA_INTVEC;', (_k, l) => {
        l.vector = l.v_data & 0xff;
      }),
      When(!old, [
            If('if (hpdev->hbus->protocol_version < PCI_PROTOCOL_VERSION_1_4 && vcpu_id > 63) {', (k, l) => hbus(k).protocol_version < PROTO_1_4 && l.vcpu_id > 63, [
              S('device_printf(pcib, "Error: vcpu_id %u overflowed on PCI VMBus version 0x%x\\n", ...);', (k, l) =>
                k.log(`Error: vcpu_id ${l.vcpu_id} overflowed on PCI VMBus version 0x${hbus(k).protocol_version.toString(16)}`),
              ),
              S('return (ENODEV);', () => ret({ error: ENODEV })),
            ]),
          ]),
      S('init_completion(&comp.comp_pkt.host_event);', (k, l) => {
        l.comp = `msi${l.irq}`;
        initCompletion(k, l.comp);
      }),
      S('ctxt.pkt.completion_func = hv_pci_compose_compl;', (k, l) => {
        l.txid = stackCtxt(k);
        k.sc.pending[String(l.txid)] = { func: 'hv_pci_compose_compl', comp: l.comp };
      }),
      When(
        old,
        [
          S('int_pkt->message_type.type = PCI_CREATE_INTERRUPT_MESSAGE; int_pkt->wslot.val = hpdev->desc.wslot.val;'),
          S('int_pkt->int_desc.vector = vector; int_pkt->int_desc.vector_count = 1; int_pkt->int_desc.delivery_mode = MSI_INTEL_DATA_DELFIXED; int_pkt->int_desc.cpu_mask = 1ULL << vcpu_id;', (_k, l) => {
            l.pkt = M.createInterrupt(l.wslot, { vector: l.vector, deliveryMode: 0, vectorCount: 1, cpuMask: 1n << BigInt(l.vcpu_id) });
            l.size = l.pkt.length;
          }),
        ],
        [
          T('switch (hpdev->hbus->protocol_version) {'),
          Case('case PCI_PROTOCOL_VERSION_1_1:', (k) => hbus(k).protocol_version === PROTO_1_1, [
            S('ctxt.int_pkts.v1.message_type.type = PCI_CREATE_INTERRUPT_MESSAGE; ctxt.int_pkts.v1.wslot.val = hpdev->desc.wslot.val;'),
            S('ctxt.int_pkts.v1.int_desc.vector = vector; .vector_count = 1; .delivery_mode = MSI_INTEL_DATA_DELFIXED; .cpu_mask = 1ULL << vcpu_id;', (_k, l) => {
              l.pkt = M.createInterrupt(l.wslot, { vector: l.vector, deliveryMode: 0, vectorCount: 1, cpuMask: 1n << BigInt(l.vcpu_id) });
            }),
            S('size = sizeof(ctxt.int_pkts.v1);', (_k, l) => {
              l.size = l.pkt!.length;
            }),
            S('break;'),
          ]),
          Case('case PCI_PROTOCOL_VERSION_1_4:', (k) => hbus(k).protocol_version === PROTO_1_4, [
            S('ctxt.int_pkts.v3.message_type.type = PCI_CREATE_INTERRUPT_MESSAGE3; ctxt.int_pkts.v3.wslot.val = hpdev->desc.wslot.val;'),
            S('ctxt.int_pkts.v3.int_desc.vector = vector; .vector_count = 1; .reserved = 0; .delivery_mode = MSI_INTEL_DATA_DELFIXED; .processor_count = 1; .processor_array[0] = vcpu_id;', (_k, l) => {
              l.pkt = M.createInterrupt3(l.wslot, { vector: l.vector, deliveryMode: 0, vectorCount: 1, cpus: [l.vcpu_id] });
            }),
            S('size = sizeof(ctxt.int_pkts.v3);', (_k, l) => {
              l.size = l.pkt!.length;
            }),
            S('break;'),
          ]),
          // Ours, not the driver's: the switch has no default, so with protocol version 0 (left by the
          // all-versions-rejected-continues quirk) the driver sends an uninitialised size (docs/protocol.md §1.5).
          Case('default:  /* vPCI Lab: ours. The driver has no default: it would send an uninitialised size */', (_k, l) => l.size === undefined, [
            S('return (EINVAL);  /* vPCI Lab: ours, the model stops here */', (k) => {
              k.log(`[vPCI Lab] vmbus_pcib_map_msi: protocol version 0x${hbus(k).protocol_version.toString(16)} has no CREATE_INTERRUPT case (the driver would send an uninitialised size)`);
              return ret({ error: 22 });
            }),
          ]),
          T('}'),
        ],
      ),
      S(old ? 'ret = vmbus_chan_send(sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, int_pkt, sizeof(*int_pkt), (uint64_t)&ctxt.pkt);' : 'ret = vmbus_chan_send(sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, &ctxt.int_pkts, size, (uint64_t)&ctxt.pkt);', (k, l) => {
        l.ret = k.send(l.pkt!, true, l.txid, SEND_ON_RESCIND);
      }),
      If('if (ret) {', (_k, l) => l.ret !== 0, [S('return (ret);', (_k, l) => ret({ error: l.ret }))]),
      S('wait_for_completion(&comp.comp_pkt.host_event);', (k, l) => {
        if (k.sc.comps[l.comp]?.done) return undefined;
        const keys = [k.key(`comp:${l.comp}`)];
        // Fixed driver: give up on rescind like every other wait.
        if (!k.quirk('map-msi-no-rescind-check')) {
          if (k.isRevoked()) return ret({ error: ENODEV });
          keys.push(k.key('rescind'));
        }
        return wait(keys, `CREATE_INTERRUPT completion (irq ${l.irq})`);
      }),
      If(old ? 'if (comp.comp_pkt.completion_status < 0)' : 'if (comp.comp_pkt.completion_status < 0) {', (k, l) => !k.sc.comps[l.comp].done || k.sc.comps[l.comp].status < 0, [
        // The 2016 driver returns without a message.
        When(!old, [
          S('device_printf(pcib, "vmbus_pcib_map_msi completion_status %d\\n", comp.comp_pkt.completion_status);', (k, l) =>
            k.log(`vmbus_pcib_map_msi completion_status ${k.sc.comps[l.comp].done ? k.sc.comps[l.comp].status : 'none (rescinded)'}`),
          ),
        ]),
        S('return (EPROTO);', () => ret({ error: EPROTO })),
      ]),
      S('*addr = comp.int_desc.address; *data = comp.int_desc.data;', (k, l) => {
        const c = k.sc.comps[l.comp];
        l.addr = c.address ?? 0;
        l.data = c.data ?? 0;
      }),
      S('hid = malloc(sizeof(struct hv_irq_desc), M_DEVBUF, M_WAITOK | M_ZERO);'),
      S('hid->irq = irq; hid->desc = comp.int_desc;'),
      S('TAILQ_INSERT_TAIL(&hpdev->irq_desc_list, hid, link);', (k, l) => {
        const c = k.sc.comps[l.comp];
        getPcichildWslot(k, l.wslot)!.irq_desc_list.push({ irq: l.irq, desc: { vector_count: c.vector_count ?? 0, data: c.data ?? 0, address: c.address ?? 0 } });
      }),
      S('return (0);', (_k, l) => ret({ error: 0, addr: l.addr, data: l.data })),
    ],
  });

  const genericCompl = fn('hv_pci_generic_compl')({
    file: FILE,
    signature: ['static void', 'hv_pci_generic_compl(void *context, struct pci_response *resp, int resp_packet_size)'],
    params: ['comp', 'resp', 'resp_packet_size'],
    body: [
      If(
        'if (resp_packet_size >= sizeof(struct pci_response))',
        (_k, l) => l.resp_packet_size >= SIZEOF_PCI_RESPONSE,
        [S('comp_pkt->completion_status = resp->status;', (k, l) => { k.sc.comps[l.comp].status = rds32(l.resp, 16); })],
        [S('comp_pkt->completion_status = -1;', (k, l) => { k.sc.comps[l.comp].status = -1; })],
        'else',
      ),
      S('complete(&comp_pkt->host_event);', (k, l) => complete(k, l.comp)),
      S('return;', () => ret()),
    ],
  });

  const qResReq = fn('q_resource_requirements')({
    file: FILE,
    signature: ['static void', 'q_resource_requirements(void *context, struct pci_response *resp, int resp_packet_size)'],
    params: ['comp', 'resp', 'resp_packet_size'],
    body: [
      If(
        'if (resp->status < 0) {',
        (_k, l) => rds32(l.resp, 16) < 0,
        [S('printf("vmbus_pcib: failed to query resource requirements\\n");', (k) => k.log('vmbus_pcib: failed to query resource requirements'))],
        [
          S('for (i = 0; i < MAX_NUM_BARS; i++) completion->hpdev->probed_bar[i] = q_res_req->probed_bar[i];', (k, l) => {
            k.sc.comps[l.comp].probed_bar = [0, 1, 2, 3, 4, 5].map((i) => rd32(l.resp, 20 + 4 * i));
          }),
        ],
      ),
      S('complete(&completion->host_event);', (k, l) => complete(k, l.comp)),
      S('return;', () => ret()),
    ],
  });

  const composeCompl = fn('hv_pci_compose_compl')({
    file: FILE,
    signature: ['static void', 'hv_pci_compose_compl(void *context, struct pci_response *resp, int resp_packet_size)'],
    params: ['comp', 'resp', 'resp_packet_size'],
    body: [
      S('comp_pkt->comp_pkt.completion_status = resp->status;', (k, l) => {
        k.sc.comps[l.comp].status = rds32(l.resp, 16);
      }),
      S('comp_pkt->int_desc = int_resp->int_desc;', (k, l) => {
        // struct pci_create_int_response: response(20) + reserved(4) + tran_int_desc(16)
        const c = k.sc.comps[l.comp];
        c.vector_count = rd16(l.resp, 26);
        c.data = rd32(l.resp, 28);
        c.address = rd64(l.resp, 32);
      }),
      S('complete(&comp_pkt->comp_pkt.host_event);', (k, l) => complete(k, l.comp)),
      S('return;', () => ret()),
    ],
  });

  const intDescFree = fn('hv_int_desc_free')({
    file: FILE,
    signature: ['static void', 'hv_int_desc_free(struct hv_pci_dev *hpdev, struct hv_irq_desc *hid)'],
    params: ['wslot', 'hid'],
    body: [
      S('int_pkt->message_type.type = PCI_DELETE_INTERRUPT_MESSAGE;'),
      S('int_pkt->wslot.val = hpdev->desc.wslot.val; int_pkt->int_desc = hid->desc;'),
      S('vmbus_chan_send(hpdev->hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, 0, int_pkt, sizeof(*int_pkt), 0);', (k, l) => {
        k.send(M.deleteInterrupt(l.wslot, l.hid.desc), false, 0n, SEND_ON_RESCIND);
      }),
      S('free(hid, M_DEVBUF);', () => ret()),
    ],
  });

  const deleteDevice = fn('hv_pci_delete_device')<{ pci_dev: boolean; hpdev: HvPciDev | null; h: number }>({
    file: FILE,
    signature: ['static void', 'hv_pci_delete_device(struct hv_pci_dev *hpdev)'],
    params: ['wslot'],
    body: [
      S('devfn = wslot_to_devfn(hpdev->desc.wslot.val);'),
      S(old ? 'mtx_lock(&Giant);' : 'bus_topo_lock();', (k) => topoLock(k)),
      S('pci_dev = pci_find_dbsf(hbus->pci_domain, 0, PCI_SLOT(devfn), PCI_FUNC(devfn));', (k, l) => {
        l.pci_dev = (k.sc.pci.children as { wslot: number }[]).some((d) => d.wslot === l.wslot);
      }),
      If('if (pci_dev)', (_k, l) => l.pci_dev, [
        S('device_delete_child(hbus->pci_bus, pci_dev);', (_k, l) => call('pci_delete_child', { wslot: l.wslot })),
      ]),
      S(old ? 'mtx_unlock(&Giant);' : 'bus_topo_unlock();', (k) => topoUnlock(k)),
      S('TAILQ_REMOVE(&hbus->children, hpdev, link);', (k, l) => {
        const list = children(k);
        const i = list.findIndex((c) => c.desc.wslot === l.wslot);
        l.hpdev = i >= 0 ? list.splice(i, 1)[0] : null;
      }),
      For('TAILQ_FOREACH_SAFE(hid, &hpdev->irq_desc_list, link, tmp_hid)', (_k, l) => { l.h = 0; }, (_k, l) => l.hpdev !== null && l.h < l.hpdev.irq_desc_list.length, (_k, l) => { l.h++; }, [
        S('hv_int_desc_free(hpdev, hid);', (_k, l) => call('hv_int_desc_free', { wslot: l.wslot, hid: l.hpdev!.irq_desc_list[l.h]! })),
      ]),
      S('free(hpdev, M_DEVBUF);', () => ret()),
    ],
  });

  const newChild = fn('new_pcichild_device')<{ comp: string; txid: bigint; ret: number; wret: number }>({
    file: FILE,
    signature: ['static struct hv_pci_dev *', `new_pcichild_device(struct hv_pcibus *hbus, struct ${old ? 'pci_func_desc' : 'hv_pcidev_desc'} *desc)`],
    params: ['desc'],
    body: [
      S('hpdev = malloc(sizeof(*hpdev), M_DEVBUF, M_WAITOK | M_ZERO);'),
      S('init_completion(&comp_pkt.host_event);', (k, l) => {
        l.comp = `qrr${l.desc.wslot}`;
        initCompletion(k, l.comp);
      }),
      S('ctxt.pkt.completion_func = q_resource_requirements;', (k, l) => {
        l.txid = stackCtxt(k);
        k.sc.pending[String(l.txid)] = { func: 'q_resource_requirements', comp: l.comp };
      }),
      S('res_req->message_type.type = PCI_QUERY_RESOURCE_REQUIREMENTS; res_req->wslot.val = desc->wslot.val;'),
      S('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, res_req, sizeof(*res_req), (uint64_t)&ctxt.pkt);', (k, l) => {
        l.ret = k.send(M.queryResourceRequirements(l.desc.wslot), true, l.txid, SEND_ON_RESCIND);
      }),
      If('if (ret)', (_k, l) => l.ret !== 0, [S('goto err;', () => ret(null))]),
      When(old, [waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', (l) => l.comp)], [
            // `if (wait_for_response(...)) goto err;` is one C line: the model calls, then tests the result.
            S('wret = wait_for_response(hbus, &comp_pkt.host_event);', (_k, l) => call('wait_for_response', { c: l.comp }, 'wret')),
            If('if (wret)  /* goto err */', (_k, l) => l.wret !== 0, [S('return (NULL);', () => ret(null))]),
          ]),
      S('hpdev->desc = *desc;'),
      If('if (TAILQ_EMPTY(&hbus->children))', (k) => children(k).length === 0, [
        S('hbus->pci_domain = desc->ser & 0xFFFF;', (k, l) => {
          hbus(k).pci_domain = l.desc.ser & 0xffff;
        }),
      ]),
      S('TAILQ_INSERT_TAIL(&hbus->children, hpdev, link);', (k, l) => {
        const child: HvPciDev = { desc: l.desc, reported_missing: false, probed_bar: k.sc.comps[l.comp].probed_bar ?? [0, 0, 0, 0, 0, 0], irq_desc_list: [] };
        children(k).push(child);
      }),
      S('return (hpdev);', (_k, l) => ret(l.desc.wslot)),
    ],
  });

  const presentWork = fn('pci_devices_present_work')<{ dr: Desc[] | null; need_rescan: boolean; child_no: number; new_desc: Desc; found: boolean; match: number | null; hpdev: number | null; missing: number[]; mi: number; query_comp: boolean }>({
    file: FILE,
    signature: ['static void', 'pci_devices_present_work(void *arg, int pending __unused)'],
    params: [],
    locals: [decl('bool need_rescan = false;')],
    body: [
      S('/* Pull this off the queue and process it if it was the last one. */ while (!TAILQ_EMPTY(&hbus->dr_list)) { ... }', (k, l) => {
        // Take only the newest record, dropping older ones.
        const list = hbus(k).dr_list as Desc[][];
        l.dr = list.length ? list[list.length - 1] : null;
        list.length = 0;
        l.need_rescan = false;
      }),
      If('if (!dr)', (_k, l) => l.dr === null, [S('return;', () => ret())]),
      S('TAILQ_FOREACH(hpdev, &hbus->children, link) hpdev->reported_missing = true;', (k) => {
        for (const c of children(k)) c.reported_missing = true;
      }),
      For('for (child_no = 0; child_no < dr->device_count; child_no++) {', (_k, l) => { l.child_no = 0; }, (_k, l) => l.child_no < l.dr!.length, (_k, l) => { l.child_no++; }, [
        S('new_desc = &dr->func[child_no]; found = false;', (k, l) => {
          l.new_desc = l.dr![l.child_no]!;
          l.found = false;
          l.match = matchReported(children(k), l.new_desc as Desc);
        }),
        If('TAILQ_FOREACH(hpdev, ...) if (wslot, v_id, d_id and ser all match) {', (_k, l) => l.match !== null, [
          S('hpdev->reported_missing = false; found = true;', (k, l) => {
            const c = getPcichildWslot(k, l.match!);
            if (c) c.reported_missing = false;
            l.found = true;
          }),
        ]),
        If('if (!found) {', (_k, l) => !l.found, [
          S('need_rescan = true;', (_k, l) => { l.need_rescan = true; }),
          S('hpdev = new_pcichild_device(hbus, new_desc);', (_k, l) => call('new_pcichild_device', { desc: l.new_desc }, 'hpdev')),
          If('if (!hpdev)', (_k, l) => l.hpdev === null, [
            S('printf("vmbus_pcib: failed to add a child\\n");', (k) => k.log('vmbus_pcib: failed to add a child')),
          ]),
        ]),
      ]),
      S('/* Remove missing device(s), if any */', (k, l) => {
        l.missing = children(k).filter((c) => c.reported_missing).map((c) => c.desc.wslot);
        l.mi = 0;
      }),
      For('TAILQ_FOREACH_SAFE(hpdev, &hbus->children, link, tmp_hpdev) {', undefined, (_k, l) => l.mi < l.missing.length, (_k, l) => { l.mi++; }, [
        S('if (hpdev->reported_missing) hv_pci_delete_device(hpdev);', (_k, l) => call('hv_pci_delete_device', { wslot: l.missing[l.mi] })),
      ]),
      If('if (hbus->state == hv_pcibus_installed && need_rescan)', (k, l) => hbus(k).state === 'hv_pcibus_installed' && l.need_rescan, [
        S('pci_rescan(hbus->pci_bus);', () => call('pci_rescan')),
      ]),
      S('query_comp = hbus->query_comp;', (k, l) => { l.query_comp = hbus(k).query_comp; }),
      If('if (query_comp) {', (_k, l) => l.query_comp, [
        S('hbus->query_comp = NULL;', (k) => { hbus(k).query_comp = false; }),
        S('complete(query_comp);', (k) => complete(k, 'query')),
      ]),
      S('free(dr, M_DEVBUF);', () => ret()),
    ],
  });

  const devicesPresent = (name: 'hv_pci_devices_present' | 'hv_pci_devices_present2', v2: boolean): D =>
    fn(name)<{ dr: Desc[] }>({
      file: FILE,
      signature: ['static void', `${name}(struct hv_pcibus *hbus, struct pci_bus_relations${v2 ? '2' : ''} *relations)`],
      params: ['buf', 'count'],
      body: [
        If('if (hbus->detaching && relations->device_count > 0)', (k, l) => hbus(k).detaching && l.count > 0, [S('return;', () => ret())]),
        S(`dr = malloc(offsetof(struct hv_dr_state, func) + sizeof(struct pci_func_desc${v2 ? '2' : ''}) * relations->device_count, ...);`),
        S('dr->device_count = relations->device_count;'),
        If('if (dr->device_count != 0)', (_k, l) => l.count !== 0, [
          // The 2016 driver keeps 20-byte pci_func_desc records; today's copies into packed 26-byte hv_pcidev_desc ones.
          S(`memcpy(dr->func, relations->func, sizeof(struct ${v2 ? 'pci_func_desc2' : old ? 'pci_func_desc' : 'hv_pcidev_desc'}) * dr->device_count);`, (k, l) => {
            l.dr = copyDescs(k, l.buf, l.count, v2);
          }),
        ]),
        S('TAILQ_INSERT_TAIL(&hbus->dr_list, dr, link);', (k, l) => {
          (hbus(k).dr_list as Desc[][]).push(l.dr ?? []);
        }),
        S('TASK_INIT(&dr_wrk->task, 0, pci_devices_present_work, dr_wrk);'),
        S('taskqueue_enqueue(hbus->sc->taskq, &dr_wrk->task);', (k) => enqueue(k, 'taskq', 'pci_devices_present_work', {})),
        S('return;', () => ret()),
      ],
    });

  const ejectWork = fn('hv_eject_device_work')({
    file: FILE,
    signature: ['static void', 'hv_eject_device_work(void *arg, int pending __unused)'],
    params: ['wslot'],
    body: [
      S('wslot = hpdev->desc.wslot;'),
      S('hv_pci_delete_device(hpdev);', (_k, l) => call('hv_pci_delete_device', { wslot: l.wslot })),
      S('eject_pkt->message_type.type = PCI_EJECTION_COMPLETE; eject_pkt->wslot.val = wslot.val;'),
      S('vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, 0, eject_pkt, sizeof(*eject_pkt), 0);', (k, l) => {
        k.send(M.ejectionComplete(l.wslot), false, 0n, SEND_ON_RESCIND);
      }),
      S('return;', () => ret()),
    ],
  });

  const ejectDevice = fn('hv_pci_eject_device')({
    file: FILE,
    signature: ['static void', 'hv_pci_eject_device(struct hv_pci_dev *hpdev)'],
    params: ['wslot'],
    body: [
      If('if (hbus->detaching)', (k) => hbus(k).detaching, [S('return;', () => ret())]),
      S('TASK_INIT(&hpdev->eject_task, 0, hv_eject_device_work, hpdev);'),
      S('taskq = vmbus_chan_mgmt_tq(hbus->sc->chan);  /* the queue vmbus_pcib_attach() runs on */'),
      S('taskqueue_enqueue(taskq, &hpdev->eject_task);', (k, l) => enqueue(k, 'mgmt', 'hv_eject_device_work', { wslot: l.wslot })),
      S('return;', () => ret()),
    ],
  });

  const callback = fn('vmbus_pcib_on_channel_callback')<{ bufferlen: number; ret: number; bytes_rxed: number; pkt: Uint8Array | null; type: number; xactid: string; msgtype: number; comp_packet: PendingPacket | null; ej: number; hpdev: number | null }>({
    file: FILE,
    signature: ['static void', 'vmbus_pcib_on_channel_callback(struct vmbus_channel *chan, void *arg)'],
    params: [],
    body: [
      S('buffer = sc->rx_buf; bufferlen = PCIB_PACKET_SIZE;', (_k, l) => { l.bufferlen = PCIB_PACKET_SIZE; }),
      T('do {'),
      Label('recv'),
      S('ret = vmbus_chan_recv_pkt(chan, pkt, &bytes_rxed);', (k, l) => {
        const r = k.recv(l.bufferlen);
        l.ret = r.ret;
        l.bytes_rxed = r.len;
        l.pkt = r.pkt ?? null;
        if (!r.pkt) return;
        const p = r.pkt;
        l.type = rd16(p, 0);
        l.xactid = (BigInt(rd32(p, 8)) | (BigInt(rd32(p, 12)) << 32n)).toString();
        l.msgtype = rd32(p, 16);
      }),
      If('if (ret == ENOBUFS) {', (_k, l) => l.ret === ENOBUFS, [
        S('buffer = malloc(bytes_rxed, M_DEVBUF, M_WAITOK | M_ZERO); bufferlen = bytes_rxed;  /* Handle large packet */', (_k, l) => {
          l.bufferlen = l.bytes_rxed;
        }),
        S('continue;', (k) => goToLoop(k)),
      ]),
      If('if (ret != 0)', (_k, l) => l.ret !== 0, [S('break;  /* ignore EIO or EAGAIN */', () => ret())]),
      If('if (bytes_rxed <= sizeof(struct pci_response))', (k, l) => k.quirk('short-packet-drop') && l.bytes_rxed <= SIZEOF_PCI_RESPONSE, [
        S('continue;', (k, l) => {
          k.log(`[vPCI Lab] vmbus_pcib dropped a ${l.bytes_rxed}-byte packet (<= sizeof(struct pci_response)), silently as the driver does`);
          return goToLoop(k);
        }),
      ]),
      If('switch (pkt->cph_type) { case VMBUS_CHANPKT_TYPE_COMP:', (_k, l) => l.type === VMBUS_CHANPKT_TYPE_COMP, [
        S('comp_packet = (struct pci_packet *)(uintptr_t)pkt->cph_xactid;', (k, l) => {
          l.comp_packet = k.sc.pending[l.xactid] ?? null;
          if (l.comp_packet) delete k.sc.pending[l.xactid];
        }),
        If('if (comp_packet == NULL)  /* vPCI Lab: ours. An id the driver never sent: the real driver would call through it */', (_k, l) => l.comp_packet === null, [
          S('continue;  /* vPCI Lab: ours */', (k, l) => {
            k.log(`[vPCI Lab] completion for transaction id 0x${BigInt(l.xactid).toString(16)}, which vmbus_pcib never sent: the real driver would call through it as a pointer; skipped`);
            return goToLoop(k);
          }),
        ]),
        S('comp_packet->completion_func(comp_packet->compl_ctxt, response, bytes_rxed);', (_k, l) =>
          call(l.comp_packet!.func, { comp: l.comp_packet!.comp, resp: l.pkt!, resp_packet_size: l.bytes_rxed }),
        ),
        S('break;', (k) => goToLoop(k)),
      ]),
      If('case VMBUS_CHANPKT_TYPE_INBAND:', (_k, l) => l.type === VMBUS_CHANPKT_TYPE_INBAND, [
        If('switch (new_msg->message_type.type) { case PCI_BUS_RELATIONS:', (_k, l) => l.msgtype === 0x42490000, [
          If('if (bus_rel->device_count == 0)', (k, l) => rd32(l.pkt!, 20) === 0 && k.quirk('drop-empty-relations'), [
            S('break;', (k) => {
              k.log('[vPCI Lab] vmbus_pcib dropped a BUS_RELATIONS with no devices, silently as the driver does');
              return goToLoop(k);
            }),
          ]),
          If('if (bytes_rxed < offsetof(struct pci_bus_relations, func) + sizeof(struct pci_func_desc) * device_count)', (_k, l) => l.bytes_rxed < 24 + 20 * rd32(l.pkt!, 20), [
            S('break;', (k) => goToLoop(k)),
          ]),
          S('hv_pci_devices_present(hbus, bus_rel);', (_k, l) => call('hv_pci_devices_present', { buf: l.pkt!, count: rd32(l.pkt!, 20) })),
          S('break;', (k) => goToLoop(k)),
        ]),
        When(!old, [
              If('case PCI_BUS_RELATIONS2:', (_k, l) => l.msgtype === 0x42490019, [
                If('if (bus_rel2->device_count == 0)', (k, l) => rd32(l.pkt!, 20) === 0 && k.quirk('drop-empty-relations'), [
                  S('break;', (k) => {
                    k.log('[vPCI Lab] vmbus_pcib dropped a BUS_RELATIONS2 with no devices, silently as the driver does');
                    return goToLoop(k);
                  }),
                ]),
                If('if (bytes_rxed < offsetof(struct pci_bus_relations2, func) + sizeof(struct pci_func_desc2) * device_count)', (_k, l) => l.bytes_rxed < 24 + 28 * rd32(l.pkt!, 20), [
                  S('break;', (k) => goToLoop(k)),
                ]),
                S('hv_pci_devices_present2(hbus, bus_rel2);', (_k, l) => call('hv_pci_devices_present2', { buf: l.pkt!, count: rd32(l.pkt!, 20) })),
                If('/* no break: falls through into case PCI_EJECT */', (k) => !k.quirk('relations2-falls-into-eject'), [S('break;', (k) => goToLoop(k))]),
                S('dev_msg = (struct pci_dev_incoming *)buffer;  /* wslot overlays device_count */', (k, l) => {
                  l.ej = rd32(l.pkt!, 20);
                  if (getPcichildWslot(k, l.ej)) k.log(`[vPCI Lab] BUS_RELATIONS2 fell through into the PCI_EJECT case: wslot ${l.ej} (its device_count) is ejected`);
                }),
                If('if (hpdev = get_pcichild_wslot(hbus, dev_msg->wslot.val))', (k, l) => !!getPcichildWslot(k, l.ej), [
                  S('hv_pci_eject_device(hpdev);', (_k, l) => call('hv_pci_eject_device', { wslot: l.ej })),
                ]),
                S('break;', (k) => goToLoop(k)),
              ]),
            ]),
        If('case PCI_EJECT:', (_k, l) => l.msgtype === 0x4249000b, [
          S('hpdev = get_pcichild_wslot(hbus, dev_msg->wslot.val);', (k, l) => {
            l.ej = rd32(l.pkt!, 20);
            l.hpdev = getPcichildWslot(k, l.ej) ? l.ej : null;
          }),
          If('if (hpdev)', (_k, l) => l.hpdev !== null, [S('hv_pci_eject_device(hpdev);', (_k, l) => call('hv_pci_eject_device', { wslot: l.ej }))]),
          S('break;', (k) => goToLoop(k)),
        ]),
        S('default: printf("vmbus_pcib: Unknown msg type 0x%x\\n", new_msg->message_type.type);', (k, l) => {
          k.log(`vmbus_pcib: Unknown msg type 0x${(l.msgtype >>> 0).toString(16)}`);
          return goToLoop(k);
        }),
        T('}'),
      ]),
      S('default: printf("vmbus_pcib: Unknown VMBus msg type %hd\\n", pkt->cph_type);', (k, l) => {
        k.log(`vmbus_pcib: Unknown VMBus msg type ${l.type}`);
        return goToLoop(k);
      }),
      T('}'),
      T('} while (1);'),
    ],
  });

  const preDetach = fn('vmbus_pcib_pre_detach')<{ giant_held: number }>({
    file: FILE,
    signature: ['static void', 'vmbus_pcib_pre_detach(struct hv_pcibus *hbus)'],
    params: [],
    body: [
      S('vmbus_chan_run_task(hbus->sc->chan, &task);  /* vmbus_pcib_set_detaching */', (k) => {
        if (k.sc.hbus) hbus(k).detaching = true;
      }),
      drainAll('taskqueue_drain_all(hbus->sc->taskq);'),
      S('return;', () => ret()),
    ],
  });

  // Detach runs with the bus topology lock (Giant) held by its caller (device_detach); the zero-device
  // relations it queues deletes the children on vmbus_pcib_tq, whose hv_pci_delete_device needs that lock,
  // so it cannot run before taskqueue_drain_all sleeps: on the wire RESOURCES_RELEASED (each child), then
  // PCI_BUS_D0EXIT, then the DELETE_INTERRUPTs, always (docs/protocol.md §7.3).
  const detach = fn('vmbus_pcib_detach')<{ ret: number; giant_held: number }>({
    file: FILE,
    doc: ['/* Standard detach entry point */'],
    signature: ['static int', 'vmbus_pcib_detach(device_t dev)'],
    params: [],
    body: [
      S('vmbus_pcib_pre_detach(hbus);', () => call('vmbus_pcib_pre_detach')),
      If('if (hbus->state == hv_pcibus_installed)', (k) => hbus(k).state === 'hv_pcibus_installed', [
        S('bus_generic_detach(dev);', () => call('pci_detach')),
      ]),
      S('memset(&relations, 0, sizeof(relations));  /* Delete any children which might still exist. */'),
      S('hv_pci_devices_present(hbus, &relations);', () => call('hv_pci_devices_present', { buf: new Uint8Array(24), count: 0 })),
      S('ret = hv_send_resources_released(hbus);', () => call('hv_send_resources_released', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, [S('device_printf(dev, "failed to send PCI_RESOURCES_RELEASED\\n");', (k) => k.log('failed to send PCI_RESOURCES_RELEASED'))]),
      S('teardown_packet.type = PCI_BUS_D0EXIT;'),
      S('ret = vmbus_chan_send(sc->chan, VMBUS_CHANPKT_TYPE_INBAND, 0, &teardown_packet, sizeof(struct pci_message), 0);', (k, l) => {
        l.ret = k.send(M.d0Exit(), false, 0n, SEND_ON_RESCIND);
      }),
      If('if (ret)', (_k, l) => l.ret !== 0, [S('device_printf(dev, "failed to send PCI_BUS_D0EXIT\\n");', (k) => k.log('failed to send PCI_BUS_D0EXIT'))]),
      drainAll('taskqueue_drain_all(hbus->sc->taskq);'),
      S('vmbus_chan_close(sc->chan);', (k) => k.chanClose()),
      S('taskqueue_free(sc->taskq);'),
      S('bus_release_resource(dev, SYS_RES_MEMORY, 0, hbus->cfg_res);', (k) => {
        const cfg = hbus(k).cfg_res;
        if (cfg) k.freeMmio(cfg.start);
        hbus(k).state = 'detached';
        k.busState('detached');
      }),
      S('free(hbus, M_DEVBUF);'),
      S('return (0);', () => ret(0)),
    ],
  });

  return [
    attach,
    attachFail,
    // wait_for_response() came with the rescind checks after 2016.
    ...(old ? [] : [waitForResponse]),
    negotiation,
    queryRelations,
    enterD0,
    resourcesAllocated,
    resourcesReleased,
    ...(old ? [] : [prepopulate]),
    readConfigInner,
    writeConfigInner,
    readConfig,
    writeConfig,
    allocResource,
    allocMsix,
    mapMsi,
    genericCompl,
    qResReq,
    composeCompl,
    intDescFree,
    deleteDevice,
    newChild,
    presentWork,
    devicesPresent('hv_pci_devices_present', false),
    ...(old ? [] : [devicesPresent('hv_pci_devices_present2', true)]),
    ejectWork,
    ejectDevice,
    callback,
    preDetach,
    detach,
  ];
}

/** `continue` of the callback's do { } while (1) loop: back to its first statement. */
function goToLoop(_k: K) {
  return { kind: 'goto' as const, label: 'recv' };
}


export const _internal = { descBytes, zeroIntLinePin, copyDescs, ENXIO };
