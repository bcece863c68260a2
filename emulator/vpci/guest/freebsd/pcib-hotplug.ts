// vmbus_pcib.c, hot plug and teardown: child creation and deletion, the
// bus-relations work, eject, the channel callback, and pre-detach / detach
// under Giant (freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c at
// 0010132dbd24; `freebsd-2016`: dd2e215ca93c). The listing is our own
// pseudo-C rendering of that logic.
import { S, T, If, For, Label, When, decl, ret } from '../../../runtime/program';
import { rd16, rd32, ENOBUFS } from '../kernel';
import * as M from '../messages';
import type { Desc } from '../pv-config';
import { hbus, type HvPciDev, type PendingPacket } from './softc';
import { fn, call, enqueue, type D } from './protos';
import {
  FILE,
  PCIB_PACKET_SIZE,
  SEND_ON_RESCIND,
  SIZEOF_PCI_RESPONSE,
  VMBUS_CHANPKT_TYPE_COMP,
  VMBUS_CHANPKT_TYPE_INBAND,
  children,
  complete,
  copyDescs,
  drainAll,
  getPcichildWslot,
  goToLoop,
  initCompletion,
  rxBufKeep,
  rxBufRead,
  stackCtxt,
  topoLock,
  topoUnlock,
  waitForCompletionStmt,
  type FreebsdVariant,
} from './pcib-common';

/** Hot-plug, channel-callback and detach functions of vmbus_pcib.c for one variant. */
export function hotplugFunctions(v: FreebsdVariant) {
  const old = v === 'freebsd-2016';

  const deleteDevice = fn('hv_pci_delete_device')<{ pci_dev: boolean; hpdev: HvPciDev | null; h: number }>({
    file: FILE,
    signature: ['static void', 'hv_pci_delete_device(struct hv_pci_dev *hpdev)'],
    // `missing`: the caller's list walk holds a child it found reported missing (pci_devices_present_work), and the
    // driver deletes that very struct: the model takes the first child at `wslot` still marked missing, as two
    // children share a wslot when the descriptor-stride quirk garbles one (ours: the model has no pointers). Without
    // it, the first child at `wslot`, as get_pcichild_wslot found it for the eject.
    params: ['wslot', 'missing'],
    body: [
      S('devfn = wslot_to_devfn(hpdev->desc.wslot.val);'),
      S(old ? 'mtx_lock(&Giant);' : 'bus_topo_lock();', (k) => topoLock(k)),
      // wslot_to_devfn keeps the slot (bits 0-4) and function (bits 5-7) alone, so a child whose win_slot has reserved
      // bits set (a descriptor garbled by the descriptor-stride quirk) finds the pci(4) device at those low bits.
      S('pci_dev = pci_find_dbsf(hbus->pci_domain, 0, PCI_SLOT(devfn), PCI_FUNC(devfn));', (k, l) => {
        l.pci_dev = (k.sc.pci.children as { wslot: number }[]).some((d) => d.wslot === (l.wslot & 0xff));
      }),
      If('if (pci_dev)', (_k, l) => l.pci_dev, [
        S('device_delete_child(hbus->pci_bus, pci_dev);', (_k, l) => call('pci_delete_child', { wslot: l.wslot & 0xff })),
      ]),
      S(old ? 'mtx_unlock(&Giant);' : 'bus_topo_unlock();', (k) => topoUnlock(k)),
      S('TAILQ_REMOVE(&hbus->children, hpdev, link);', (k, l) => {
        const list = children(k);
        const i = list.findIndex((c) => c.desc.wslot === l.wslot && (!l.missing || c.reported_missing));
        l.hpdev = i >= 0 ? list.splice(i, 1)[0]! : null;
      }),
      For(
        'TAILQ_FOREACH_SAFE(hid, &hpdev->irq_desc_list, link, tmp_hid)',
        (_k, l) => {
          l.h = 0;
        },
        (_k, l) => l.hpdev !== null && l.h < l.hpdev.irq_desc_list.length,
        (_k, l) => {
          l.h++;
        },
        [S('hv_int_desc_free(hpdev, hid);', (_k, l) => call('hv_int_desc_free', { wslot: l.wslot, hid: l.hpdev!.irq_desc_list[l.h]! }))],
      ),
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
      When(
        old,
        [waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', (l) => l.comp)],
        [
          // `if (wait_for_response(...)) goto err;` is one C line: the model calls, then tests the result.
          S('wret = wait_for_response(hbus, &comp_pkt.host_event);', (_k, l) => call('wait_for_response', { c: l.comp }, 'wret')),
          If('if (wret)  /* goto err */', (_k, l) => l.wret !== 0, [S('return (NULL);', () => ret(null))]),
        ],
      ),
      S('hpdev->desc = *desc;'),
      If('if (TAILQ_EMPTY(&hbus->children))', (k) => children(k).length === 0, [
        S('hbus->pci_domain = desc->ser & 0xFFFF;', (k, l) => {
          hbus(k).pci_domain = l.desc.ser & 0xffff;
        }),
      ]),
      S('TAILQ_INSERT_TAIL(&hbus->children, hpdev, link);', (k, l) => {
        const child: HvPciDev = { desc: l.desc, reported_missing: false, probed_bar: k.sc.comps[l.comp]!.probed_bar ?? [0, 0, 0, 0, 0, 0], irq_desc_list: [] };
        children(k).push(child);
      }),
      S('return (hpdev);', (_k, l) => ret(l.desc.wslot)),
    ],
  });

  const presentWork = fn('pci_devices_present_work')<{
    dr: Desc[] | null;
    need_rescan: boolean;
    child_no: number;
    new_desc: Desc;
    found: boolean;
    match: number | null;
    hpdev: number | null;
    missing: number[];
    mi: number;
    query_comp: boolean;
  }>({
    file: FILE,
    signature: ['static void', 'pci_devices_present_work(void *arg, int pending __unused)'],
    params: [],
    locals: [decl('bool need_rescan = false;')],
    body: [
      S('/* Pull this off the queue and process it if it was the last one. */ while (!TAILQ_EMPTY(&hbus->dr_list)) { ... }', (k, l) => {
        // Take only the newest record, dropping older ones.
        const list = hbus(k).dr_list;
        l.dr = list.length ? list[list.length - 1]! : null;
        list.length = 0;
        l.need_rescan = false;
      }),
      If('if (!dr)', (_k, l) => l.dr === null, [S('return;', () => ret())]),
      S('TAILQ_FOREACH(hpdev, &hbus->children, link) hpdev->reported_missing = true;', (k) => {
        for (const c of children(k)) c.reported_missing = true;
      }),
      For(
        'for (child_no = 0; child_no < dr->device_count; child_no++) {',
        (_k, l) => {
          l.child_no = 0;
        },
        (_k, l) => l.child_no < l.dr!.length,
        (_k, l) => {
          l.child_no++;
        },
        [
          S('new_desc = &dr->func[child_no]; found = false;', (k, l) => {
            l.new_desc = l.dr![l.child_no]!;
            l.found = false;
            // The first child whose wslot, v_id, d_id and ser all match, by its place in the list: the one marked
            // must be the one found, not the first at its wslot (two can share one under descriptor-stride).
            const d = l.new_desc;
            const i = children(k).findIndex((x) => x.desc.wslot === d.wslot && x.desc.v_id === d.v_id && x.desc.d_id === d.d_id && x.desc.ser === d.ser);
            l.match = i >= 0 ? i : null;
          }),
          If('TAILQ_FOREACH(hpdev, ...) if (wslot, v_id, d_id and ser all match) {', (_k, l) => l.match !== null, [
            S('hpdev->reported_missing = false; found = true;', (k, l) => {
              const c = children(k)[l.match!];
              if (c) c.reported_missing = false;
              l.found = true;
            }),
          ]),
          If('if (!found) {', (_k, l) => !l.found, [
            S('need_rescan = true;', (_k, l) => {
              l.need_rescan = true;
            }),
            S('hpdev = new_pcichild_device(hbus, new_desc);', (_k, l) => call('new_pcichild_device', { desc: l.new_desc }, 'hpdev')),
            If('if (!hpdev)', (_k, l) => l.hpdev === null, [
              S('printf("vmbus_pcib: failed to add a child\\n");', (k) => k.log('vmbus_pcib: failed to add a child')),
            ]),
          ]),
        ],
      ),
      S('/* Remove missing device(s), if any */', (k, l) => {
        l.missing = children(k)
          .filter((c) => c.reported_missing)
          .map((c) => c.desc.wslot);
        l.mi = 0;
      }),
      For(
        'TAILQ_FOREACH_SAFE(hpdev, &hbus->children, link, tmp_hpdev) {',
        undefined,
        (_k, l) => l.mi < l.missing.length,
        (_k, l) => {
          l.mi++;
        },
        [S('if (hpdev->reported_missing) hv_pci_delete_device(hpdev);', (_k, l) => call('hv_pci_delete_device', { wslot: l.missing[l.mi]!, missing: true }))],
      ),
      If('if (hbus->state == hv_pcibus_installed && need_rescan)', (k, l) => hbus(k).state === 'hv_pcibus_installed' && l.need_rescan, [
        S('pci_rescan(hbus->pci_bus);', () => call('pci_rescan')),
      ]),
      S('query_comp = hbus->query_comp;', (k, l) => {
        l.query_comp = hbus(k).query_comp;
      }),
      If('if (query_comp) {', (_k, l) => l.query_comp, [
        S('hbus->query_comp = NULL;', (k) => {
          hbus(k).query_comp = false;
        }),
        S('complete(query_comp);', (k) => complete(k, 'query')),
      ]),
      S('free(dr, M_DEVBUF);', () => ret()),
    ],
  });

  const devicesPresent = (name: 'hv_pci_devices_present' | 'hv_pci_devices_present2', v2: boolean): D =>
    fn(name)<{ dr?: Desc[] }>({
      file: FILE,
      signature: ['static void', `${name}(struct hv_pcibus *hbus, struct pci_bus_relations${v2 ? '2' : ''} *relations)`],
      params: ['buf', 'count'],
      body: [
        If('if (hbus->detaching && relations->device_count > 0)', (k, l) => hbus(k).detaching && l.count > 0, [S('return;', () => ret())]),
        S(`dr = malloc(offsetof(struct hv_dr_state, func) + sizeof(struct pci_func_desc${v2 ? '2' : ''}) * relations->device_count, ...);`),
        S('dr->device_count = relations->device_count;'),
        If('if (dr->device_count != 0)', (_k, l) => l.count !== 0, [
          // The 2016 driver keeps 20-byte pci_func_desc records; today's copies into packed 26-byte hv_pcidev_desc ones.
          S(
            `memcpy(dr->func, relations->func, sizeof(struct ${v2 ? 'pci_func_desc2' : old ? 'pci_func_desc' : 'hv_pcidev_desc'}) * dr->device_count);`,
            (k, l) => {
              l.dr = copyDescs(k, l.buf, l.count, v2);
            },
          ),
        ]),
        S('TAILQ_INSERT_TAIL(&hbus->dr_list, dr, link);', (k, l) => {
          hbus(k).dr_list.push(l.dr ?? []);
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

  const callback = fn('vmbus_pcib_on_channel_callback')<{
    bufferlen: number;
    ret: number;
    bytes_rxed: number;
    pkt: Uint8Array | null;
    big: Uint8Array | null;
    type: number;
    xactid: string;
    msgtype: number;
    comp_packet: PendingPacket | null;
    ej: number;
    hpdev: number | null;
  }>({
    file: FILE,
    signature: ['static void', 'vmbus_pcib_on_channel_callback(struct vmbus_channel *chan, void *arg)'],
    params: [],
    body: [
      S('buffer = sc->rx_buf; bufferlen = PCIB_PACKET_SIZE;', (_k, l) => {
        l.bufferlen = PCIB_PACKET_SIZE;
        l.big = null;
      }),
      T('do {'),
      Label('recv'),
      S('ret = vmbus_chan_recv_pkt(chan, pkt, &bytes_rxed);', (k, l) => {
        const r = k.recv(l.bufferlen);
        l.ret = r.ret;
        l.bytes_rxed = r.len;
        l.pkt = r.pkt ?? null;
        if (!r.pkt) return;
        const p = r.pkt;
        // The packet lands at the start of the buffer in use (sc->rx_buf, or the one malloc'd for a large
        // packet), over what earlier packets left there.
        if (l.big) {
          if (p.length <= l.big.length) l.big.set(p);
        } else if (p.length <= PCIB_PACKET_SIZE) k.sc.rx_buf = rxBufKeep(p, k.sc.rx_buf);
        l.type = rd16(p, 0);
        l.xactid = (BigInt(rd32(p, 8)) | (BigInt(rd32(p, 12)) << 32n)).toString();
        l.msgtype = rd32(p, 16);
      }),
      If('if (ret == ENOBUFS) {', (_k, l) => l.ret === ENOBUFS, [
        S('buffer = malloc(bytes_rxed, M_DEVBUF, M_WAITOK | M_ZERO); bufferlen = bytes_rxed;  /* Handle large packet */', (_k, l) => {
          l.bufferlen = l.bytes_rxed;
          l.big = new Uint8Array(l.bytes_rxed);
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
        If(
          'if (comp_packet == NULL)  /* vPCI Lab: ours. An id the driver never sent: the real driver would call through it */',
          (_k, l) => l.comp_packet === null,
          [
            S('continue;  /* vPCI Lab: ours */', (k, l) => {
              k.log(
                `[vPCI Lab] completion for transaction id 0x${BigInt(l.xactid).toString(16)}, which vmbus_pcib never sent: the real driver would call through it as a pointer; skipped`,
              );
              return goToLoop(k);
            }),
          ],
        ),
        S('comp_packet->completion_func(comp_packet->compl_ctxt, response, bytes_rxed);', (k, l) =>
          // response points into the buffer: a handler reading past a short packet's end reads what is left there.
          call(l.comp_packet!.func, {
            comp: l.comp_packet!.comp,
            resp: l.big ? l.big.slice() : rxBufRead(k.sc.rx_buf, l.pkt!),
            resp_packet_size: l.bytes_rxed,
          }),
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
          If(
            'if (bytes_rxed < offsetof(struct pci_bus_relations, func) + sizeof(struct pci_func_desc) * device_count)',
            (_k, l) => l.bytes_rxed < 24 + 20 * rd32(l.pkt!, 20),
            [S('break;', (k) => goToLoop(k))],
          ),
          // The handler reads the buffer the packet landed in, past the packet's end too (copyDescs).
          S('hv_pci_devices_present(hbus, bus_rel);', (k, l) =>
            call('hv_pci_devices_present', { buf: l.big ? l.big.slice() : rxBufRead(k.sc.rx_buf, l.pkt!), count: rd32(l.pkt!, 20) }),
          ),
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
            If(
              'if (bytes_rxed < offsetof(struct pci_bus_relations2, func) + sizeof(struct pci_func_desc2) * device_count)',
              (_k, l) => l.bytes_rxed < 24 + 28 * rd32(l.pkt!, 20),
              [S('break;', (k) => goToLoop(k))],
            ),
            S('hv_pci_devices_present2(hbus, bus_rel2);', (k, l) =>
              call('hv_pci_devices_present2', { buf: l.big ? l.big.slice() : rxBufRead(k.sc.rx_buf, l.pkt!), count: rd32(l.pkt!, 20) }),
            ),
            If('/* no break: falls through into case PCI_EJECT */', (k) => !k.quirk('relations2-falls-into-eject'), [S('break;', (k) => goToLoop(k))]),
            S('dev_msg = (struct pci_dev_incoming *)buffer;  /* wslot overlays device_count */', (k, l) => {
              l.ej = rd32(l.pkt!, 20);
              if (getPcichildWslot(k, l.ej))
                k.log(`[vPCI Lab] BUS_RELATIONS2 fell through into the PCI_EJECT case: wslot ${l.ej} (its device_count) is ejected`);
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
      If('if (hbus->state == hv_pcibus_installed)', (k) => hbus(k).state === 'hv_pcibus_installed', [S('bus_generic_detach(dev);', () => call('pci_detach'))]),
      S('memset(&relations, 0, sizeof(relations));  /* Delete any children which might still exist. */'),
      S('hv_pci_devices_present(hbus, &relations);', () => call('hv_pci_devices_present', { buf: new Uint8Array(24), count: 0 })),
      S('ret = hv_send_resources_released(hbus);', () => call('hv_send_resources_released', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, [
        S('device_printf(dev, "failed to send PCI_RESOURCES_RELEASED\\n");', (k) => k.log('failed to send PCI_RESOURCES_RELEASED')),
      ]),
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

  return { deleteDevice, newChild, presentWork, devicesPresent, ejectWork, ejectDevice, callback, preDetach, detach };
}
