// pci-hyperv.c, hot plug and teardown: child creation, the bus-relations work,
// eject, the channel callback, hv_pci_remove and hv_pci_bus_exit —
// drivers/pci/controller/pci-hyperv.c at Linux stable v6.12.118 (blob
// e9bdb4aa3b9b; docs/upstream.md). The listing is our own pseudo-C rendering.
import { S, T, If, For, Label, ret, wait } from '../../../runtime/program';
import { rd16, rd32 } from '../kernel';
import * as M from '../messages';
import { matchReported } from '../pv-config';
import {
  children,
  getPcichildWslot,
  hbus,
  initCompletion,
  memConfig,
  pciDev,
  requestAddrMatch,
  dropRequestId,
  wslotToDevfn,
  type Desc,
  type HvPciDev,
  type RequestorEntry,
} from './state';
import { fn, call, enqueue, type D } from './protos';
import {
  Case,
  EAGAIN,
  ENOBUFS,
  ENOENT,
  ETIMEDOUT,
  FILE,
  HZ_NS,
  PACKET_SIZE,
  PCI_BUS_RELATIONS,
  PCI_BUS_RELATIONS2,
  PCI_EJECT,
  PCI_INVALIDATE_BLOCK,
  SEND_ON_RESCIND,
  SIZEOF_PCI_RESPONSE,
  VM_PKT_COMP,
  VM_PKT_DATA_INBAND,
  descAt,
  flushWorkqueue,
  mutexLock,
  mutexUnlock,
  sendRc,
} from './hv-common';

/** The hot-plug, channel-callback and teardown functions of pci-hyperv.c. */
export function hotplugFunctions() {
  const newChild = fn('new_pcichild_device')<{ comp: string; ret: number; wret: number }>({
    file: FILE,
    doc: ['/* Record a new child: QUERY_RESOURCE_REQUIREMENTS and wait for its probed BARs. */'],
    signature: ['static struct hv_pci_dev *', 'new_pcichild_device(struct hv_pcibus_device *hbus, struct hv_pcidev_description *desc)'],
    params: ['desc'],
    body: [
      S('hpdev = kzalloc(sizeof(*hpdev), GFP_KERNEL); hpdev->hbus = hbus;'),
      S('init_completion(&comp_pkt.host_event); pkt.init_packet.completion_func = q_resource_requirements;', (k, l) => {
        l.comp = `qrr${l.desc.wslot}`;
        initCompletion(k, l.comp);
      }),
      S('res_req->message_type.type = PCI_QUERY_RESOURCE_REQUIREMENTS; res_req->wslot.slot = desc->win_slot.slot;'),
      S(
        'ret = vmbus_sendpacket(hbus->hdev->channel, res_req, sizeof(struct pci_child_message), (unsigned long)&pkt.init_packet, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);',
        (k, l) => {
          l.ret = sendRc(k, M.queryResourceRequirements(l.desc.wslot), 'q_resource_requirements', l.comp).ret;
        },
      ),
      If('if (ret) {', (_k, l) => l.ret !== 0, [S('goto error;', () => ret(null))]),
      S('wret = wait_for_response(hbus->hdev, &comp_pkt.host_event);', (_k, l) => call('wait_for_response', { c: l.comp }, 'wret')),
      If('if (wret) {', (_k, l) => l.wret !== 0, [S('goto error;  /* kfree(hpdev); return NULL; */', () => ret(null))]),
      S('hpdev->desc = *desc; refcount_set(&hpdev->refs, 1); get_pcichild(hpdev);'),
      S('list_add_tail(&hpdev->list_entry, &hbus->children);', (k, l) => {
        const child: HvPciDev = { desc: l.desc, reported_missing: false, probed_bar: k.sc.comps[l.comp]!.probed_bar ?? [0, 0, 0, 0, 0, 0] };
        children(k).push(child);
      }),
      S('return hpdev;', (_k, l) => ret(l.desc.wslot)),
    ],
  });

  const presentWork = fn('pci_devices_present_work')<{
    dr: Desc[] | null;
    child_no: number;
    new_desc: Desc;
    found: boolean;
    match: number | null;
    hpdev: number | null;
    removed: number[];
    ri: number;
  }>({
    file: FILE,
    doc: ['/* Runs on hbus->wq: reconcile the newest relations list with the children. */'],
    signature: ['static void', 'pci_devices_present_work(struct work_struct *work)'],
    params: [],
    body: [
      S('/* Pull this off the queue and process it if it was the last one. */', (k, l) => {
        const list = hbus(k).dr_list;
        l.dr = list.length ? list[list.length - 1]! : null;
        list.length = 0;
      }),
      If('if (!dr) {', (_k, l) => l.dr === null, [S('return;', () => ret())]),
      mutexLock('mutex_lock(&hbus->state_lock);'),
      S('list_for_each_entry(hpdev, &hbus->children, list_entry) hpdev->reported_missing = true;', (k) => {
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
          S('found = false; new_desc = &dr->func[child_no];', (k, l) => {
            l.new_desc = l.dr![l.child_no]!;
            l.found = false;
            l.match = matchReported(children(k), l.new_desc);
          }),
          If('list_for_each_entry(hpdev, ...) if (win_slot, v_id, d_id and ser match) {', (_k, l) => l.match !== null, [
            S('hpdev->reported_missing = false; found = true;', (k, l) => {
              const c = getPcichildWslot(k, l.match!);
              if (c) c.reported_missing = false;
              l.found = true;
            }),
          ]),
          If('if (!found) {', (_k, l) => !l.found, [
            S('hpdev = new_pcichild_device(hbus, new_desc);', (_k, l) => call('new_pcichild_device', { desc: l.new_desc }, 'hpdev')),
            If('if (!hpdev) {', (_k, l) => l.hpdev === null, [
              S('dev_err(&hbus->hdev->device, "couldn\'t record a child device.\\n");', (k) => k.log("hv_pci: couldn't record a child device.")),
            ]),
          ]),
        ],
      ),
      S('/* Move missing children to a list on the stack. */', (k, l) => {
        const list = children(k);
        l.removed = list.filter((c) => c.reported_missing).map((c) => c.desc.wslot);
        hbus(k).children = list.filter((c) => !c.reported_missing);
      }),
      For(
        'while (!list_empty(&removed)) {',
        (_k, l) => {
          l.ri = 0;
        },
        (_k, l) => l.ri < l.removed.length,
        (_k, l) => {
          l.ri++;
        },
        [S('list_del(&hpdev->list_entry); if (hpdev->pci_slot) pci_destroy_slot(hpdev->pci_slot); put_pcichild(hpdev);')],
      ),
      T('switch (hbus->state) {'),
      Case('case hv_pcibus_installed:', (k) => hbus(k).state === 'hv_pcibus_installed', [
        S('pci_lock_rescan_remove();'),
        S('pci_scan_child_bus(hbus->bridge->bus);  /* Tell the core to rescan bus because there may have been changes. */', () => call('pci_scan_child_bus')),
        S('hv_pci_assign_numa_node(hbus); hv_pci_assign_slots(hbus);'),
        S('pci_unlock_rescan_remove();'),
      ]),
      Case('case hv_pcibus_init: case hv_pcibus_probed:', (k) => hbus(k).state === 'hv_pcibus_init' || hbus(k).state === 'hv_pcibus_probed', [
        S('survey_child_resources(hbus);', () => call('survey_child_resources')),
      ]),
      T('}'),
      mutexUnlock('mutex_unlock(&hbus->state_lock);'),
      S('kfree(dr);', () => ret()),
    ],
  });

  const startRelationsWork = fn('hv_pci_start_relations_work')<{ pending_dr: boolean }>({
    file: FILE,
    signature: ['static int', 'hv_pci_start_relations_work(struct hv_pcibus_device *hbus, struct hv_dr_state *dr)'],
    params: ['dr'],
    body: [
      If('if (hbus->state == hv_pcibus_removing) {', (k) => hbus(k).state === 'hv_pcibus_removing', [
        S('dev_info(&hbus->hdev->device, "PCI VMBus BUS_RELATIONS: ignored\\n"); return -ENOENT;', (k) => {
          k.log('hv_pci: PCI VMBus BUS_RELATIONS: ignored');
          return ret(-ENOENT);
        }),
      ]),
      S('dr_wrk = kzalloc(sizeof(*dr_wrk), GFP_NOWAIT); INIT_WORK(&dr_wrk->wrk, pci_devices_present_work); dr_wrk->bus = hbus;'),
      S('pending_dr = !list_empty(&hbus->dr_list); list_add_tail(&dr->list_entry, &hbus->dr_list);', (k, l) => {
        const list = hbus(k).dr_list;
        l.pending_dr = list.length > 0;
        list.push(l.dr);
      }),
      If(
        'if (pending_dr)',
        (_k, l) => l.pending_dr,
        [S('kfree(dr_wrk);  /* the queued work will take the newest list */')],
        [S('queue_work(hbus->wq, &dr_wrk->wrk);', (k) => enqueue(k, 'taskq', 'pci_devices_present_work', {}))],
        'else',
      ),
      S('return 0;', () => ret(0)),
    ],
  });

  const devicesPresent = (name: 'hv_pci_devices_present' | 'hv_pci_devices_present2', v2: boolean): D =>
    fn(name)<{ dr: Desc[]; queued: number }>({
      file: FILE,
      signature: ['static void', `${name}(struct hv_pcibus_device *hbus, struct pci_bus_relations${v2 ? '2' : ''} *relations)`],
      params: ['buf', 'count'],
      body: [
        S('dr = kzalloc(struct_size(dr, func, relations->device_count), GFP_NOWAIT);'),
        S('dr->device_count = relations->device_count;'),
        S(`for (i = 0; i < dr->device_count; i++) { dr->func[i].v_id = relations->func[i].v_id; ... ${v2 ? 'flags, virtual_numa_node' : ''} }`, (_k, l) => {
          const out: Desc[] = [];
          for (let i = 0; i < l.count; i++) out.push(descAt(l.buf, 24 + i * (v2 ? 28 : 20), v2));
          l.dr = out;
        }),
        S('if (hv_pci_start_relations_work(hbus, dr)) kfree(dr);', (_k, l) => call('hv_pci_start_relations_work', { dr: l.dr }, 'queued')),
        S('return;', () => ret()),
      ],
    });

  const ejectWork = fn('hv_eject_device_work')<{ devfn: number; pdev: number | null }>({
    file: FILE,
    doc: ['/* Runs on hbus->wq: remove the PCI device, forget the child, tell the host. */'],
    signature: ['static void', 'hv_eject_device_work(struct work_struct *work)'],
    params: ['wslot'],
    body: [
      mutexLock('mutex_lock(&hbus->state_lock);'),
      S('wslot = wslot_to_devfn(hpdev->desc.win_slot.slot);', (_k, l) => {
        l.devfn = wslotToDevfn(l.wslot);
      }),
      S('pdev = pci_get_domain_bus_and_slot(hbus->bridge->domain_nr, 0, wslot);', (k, l) => {
        l.pdev = pciDev(k, l.wslot) ? l.wslot : null;
      }),
      If('if (pdev) {', (_k, l) => l.pdev !== null, [
        S('pci_lock_rescan_remove();'),
        S('pci_stop_and_remove_bus_device(pdev);', (_k, l) => call('pci_stop_and_remove_bus_device', { wslot: l.wslot })),
        S('pci_dev_put(pdev); pci_unlock_rescan_remove();'),
      ]),
      S('list_del(&hpdev->list_entry);', (k, l) => {
        hbus(k).children = children(k).filter((c) => c.desc.wslot !== l.wslot);
      }),
      S('if (hpdev->pci_slot) pci_destroy_slot(hpdev->pci_slot);'),
      S('ejct_pkt->message_type.type = PCI_EJECTION_COMPLETE; ejct_pkt->wslot.slot = hpdev->desc.win_slot.slot;'),
      S('vmbus_sendpacket(hbus->hdev->channel, ejct_pkt, sizeof(*ejct_pkt), 0, VM_PKT_DATA_INBAND, 0);', (k, l) => {
        k.send(M.ejectionComplete(l.wslot), false, 0n, SEND_ON_RESCIND);
      }),
      S('put_pcichild(hpdev); put_pcichild(hpdev); put_pcichild(hpdev);  /* hpdev has been freed */'),
      mutexUnlock('mutex_unlock(&hbus->state_lock);', () => ret()),
    ],
  });

  const ejectDevice = fn('hv_pci_eject_device')({
    file: FILE,
    signature: ['static void', 'hv_pci_eject_device(struct hv_pci_dev *hpdev)'],
    params: ['wslot'],
    body: [
      If('if (hbus->state == hv_pcibus_removing) {', (k) => hbus(k).state === 'hv_pcibus_removing', [
        S('dev_info(&hdev->device, "PCI VMBus EJECT: ignored\\n"); return;', (k) => {
          k.log('hv_pci: PCI VMBus EJECT: ignored');
          return ret();
        }),
      ]),
      S('get_pcichild(hpdev); INIT_WORK(&hpdev->wrk, hv_eject_device_work);'),
      S('queue_work(hbus->wq, &hpdev->wrk);  /* the same ordered queue as the relations work */', (k, l) =>
        enqueue(k, 'taskq', 'hv_eject_device_work', { wslot: l.wslot }),
      ),
      S('return;', () => ret()),
    ],
  });

  const callback = fn('hv_pci_onchannelcallback')<{
    bufferlen: number;
    ret: number;
    bytes_recvd: number;
    pkt: Uint8Array | null;
    type: number;
    req_id: string;
    msgtype: number;
    comp_packet: RequestorEntry | null;
    ej: number;
    hpdev: number | null;
  }>({
    file: FILE,
    doc: ['/* The channel callback (tasklet): completions by transaction id, relations, eject. */'],
    signature: ['static void', 'hv_pci_onchannelcallback(void *context)'],
    params: [],
    body: [
      S('const int packet_size = 0x100; int bufferlen = packet_size; buffer = kmalloc(bufferlen, GFP_ATOMIC);', (_k, l) => {
        l.bufferlen = PACKET_SIZE;
      }),
      T('while (1) {'),
      Label('recv'),
      S('ret = vmbus_recvpacket_raw(chan, buffer, bufferlen, &bytes_recvd, &req_id);', (k, l) => {
        const r = k.recv(l.bufferlen);
        l.ret = r.ret === 0 ? 0 : r.ret === ENOBUFS ? -ENOBUFS : -EAGAIN;
        l.bytes_recvd = r.ret === 0 ? r.len : r.ret === ENOBUFS ? r.len : 0;
        l.pkt = r.pkt ?? null;
        if (!r.pkt) return;
        const p = r.pkt;
        l.type = rd16(p, 0);
        l.req_id = (BigInt(rd32(p, 8)) | (BigInt(rd32(p, 12)) << 32n)).toString();
        l.msgtype = rd32(p, 16);
      }),
      If('if (ret == -ENOBUFS) {', (_k, l) => l.ret === -ENOBUFS, [
        S('kfree(buffer); bufferlen = bytes_recvd; buffer = kmalloc(bytes_recvd, GFP_ATOMIC); continue;  /* Handle large packet */', (_k, l) => {
          l.bufferlen = l.bytes_recvd;
          return { kind: 'goto', label: 'recv' };
        }),
      ]),
      If('if (ret || !bytes_recvd) {', (_k, l) => l.ret !== 0 || !l.bytes_recvd, [
        S('break;  /* Zero length indicates there are no more packets. */', () => ret()),
      ]),
      If('if (bytes_recvd <= sizeof(struct pci_response)) {', (k, l) => k.quirk('short-packet-drop') && l.bytes_recvd <= SIZEOF_PCI_RESPONSE, [
        S('continue;  /* All incoming packets must be at least as large as a response. */', (k, l) => {
          k.log(`[vPCI Lab] hv_pci dropped a ${l.bytes_recvd}-byte packet (<= sizeof(struct pci_response)), silently as the driver does`);
          return { kind: 'goto', label: 'recv' };
        }),
      ]),
      T('switch (desc->type) {'),
      Case('case VM_PKT_COMP:', (_k, l) => l.type === VM_PKT_COMP, [
        S('comp_packet = (struct pci_packet *)__vmbus_request_addr_match(chan, req_id, VMBUS_RQST_ADDR_ANY);', (k, l) => {
          l.comp_packet = requestAddrMatch(k, BigInt(l.req_id));
        }),
        If('if (comp_packet == VMBUS_RQST_ERROR) {', (_k, l) => l.comp_packet === null, [
          S('dev_err(&hbus->hdev->device, "Invalid transaction ID %llx\\n", req_id); break;', (k, l) => {
            k.log(`hv_pci: Invalid transaction ID ${BigInt(l.req_id).toString(16)}`);
            return { kind: 'goto', label: 'recv' };
          }),
        ]),
        S('comp_packet->completion_func(comp_packet->compl_ctxt, response, bytes_recvd);', (_k, l) =>
          call(l.comp_packet!.func, { comp: l.comp_packet!.comp, resp: l.pkt!, resp_packet_size: l.bytes_recvd }),
        ),
        S('break;', () => ({ kind: 'goto', label: 'recv' })),
      ]),
      Case('case VM_PKT_DATA_INBAND:', (_k, l) => l.type === VM_PKT_DATA_INBAND, [
        T('switch (new_message->message_type.type) {'),
        Case('case PCI_BUS_RELATIONS:', (_k, l) => l.msgtype === PCI_BUS_RELATIONS, [
          If(
            'if (bytes_recvd < sizeof(*bus_rel) || bytes_recvd < struct_size(bus_rel, func, bus_rel->device_count)) {',
            (_k, l) => l.bytes_recvd < 24 || l.bytes_recvd < 24 + 20 * rd32(l.pkt!, 20),
            [
              S('dev_err(&hbus->hdev->device, "bus relations too small\\n"); break;', (k) => {
                k.log('hv_pci: bus relations too small');
                return { kind: 'goto', label: 'recv' };
              }),
            ],
          ),
          S('hv_pci_devices_present(hbus, bus_rel);', (_k, l) => call('hv_pci_devices_present', { buf: l.pkt!, count: rd32(l.pkt!, 20) })),
          S('break;', () => ({ kind: 'goto', label: 'recv' })),
        ]),
        Case('case PCI_BUS_RELATIONS2:', (_k, l) => l.msgtype === PCI_BUS_RELATIONS2, [
          If(
            'if (bytes_recvd < sizeof(*bus_rel2) || bytes_recvd < struct_size(bus_rel2, func, bus_rel2->device_count)) {',
            (_k, l) => l.bytes_recvd < 24 || l.bytes_recvd < 24 + 28 * rd32(l.pkt!, 20),
            [
              S('dev_err(&hbus->hdev->device, "bus relations v2 too small\\n"); break;', (k) => {
                k.log('hv_pci: bus relations v2 too small');
                return { kind: 'goto', label: 'recv' };
              }),
            ],
          ),
          S('hv_pci_devices_present2(hbus, bus_rel2);', (_k, l) => call('hv_pci_devices_present2', { buf: l.pkt!, count: rd32(l.pkt!, 20) })),
          S('break;', () => ({ kind: 'goto', label: 'recv' })),
        ]),
        Case('case PCI_EJECT:', (_k, l) => l.msgtype === PCI_EJECT, [
          If('if (bytes_recvd < sizeof(*dev_message)) {', (_k, l) => l.bytes_recvd < 24, [
            S('dev_err(&hbus->hdev->device, "eject message too small\\n"); break;', (k) => {
              k.log('hv_pci: eject message too small');
              return { kind: 'goto', label: 'recv' };
            }),
          ]),
          S('hpdev = get_pcichild_wslot(hbus, dev_message->wslot.slot);', (k, l) => {
            l.ej = rd32(l.pkt!, 20);
            l.hpdev = getPcichildWslot(k, l.ej) ? l.ej : null;
          }),
          If('if (hpdev) {', (_k, l) => l.hpdev !== null, [
            S('hv_pci_eject_device(hpdev); put_pcichild(hpdev);', (_k, l) => call('hv_pci_eject_device', { wslot: l.ej })),
          ]),
          S('break;', () => ({ kind: 'goto', label: 'recv' })),
        ]),
        Case('case PCI_INVALIDATE_BLOCK:', (_k, l) => l.msgtype === PCI_INVALIDATE_BLOCK, [
          If('if (bytes_recvd < sizeof(*inval)) {', (_k, l) => l.bytes_recvd < 32, [
            S('dev_err(&hbus->hdev->device, "invalidate message too small\\n"); break;', (k) => {
              k.log('hv_pci: invalidate message too small');
              return { kind: 'goto', label: 'recv' };
            }),
          ]),
          S('hpdev = get_pcichild_wslot(hbus, inval->wslot.slot);', (k, l) => {
            l.ej = rd32(l.pkt!, 20);
            l.hpdev = getPcichildWslot(k, l.ej) ? l.ej : null;
          }),
          // No function driver of the model registers a block_invalidate callback (mlx5's VF does on Linux).
          If('if (hpdev) {', (_k, l) => l.hpdev !== null, [
            S('if (hpdev->block_invalidate) hpdev->block_invalidate(hpdev->invalidate_context, inval->block_mask); put_pcichild(hpdev);'),
          ]),
          S('break;', () => ({ kind: 'goto', label: 'recv' })),
        ]),
        S('default: dev_warn(&hbus->hdev->device, "Unimplemented protocol message %x\\n", new_message->message_type.type);', (k, l) => {
          k.log(`hv_pci: Unimplemented protocol message ${(l.msgtype >>> 0).toString(16)}`);
          return { kind: 'goto', label: 'recv' };
        }),
        T('}'),
      ]),
      S('default: dev_err(&hbus->hdev->device, "unhandled packet type %d, tid %llx len %d\\n", desc->type, req_id, bytes_recvd);', (k, l) => {
        k.log(`hv_pci: unhandled packet type ${l.type}, tid ${BigInt(l.req_id).toString(16)} len ${l.bytes_recvd}`);
        return { kind: 'goto', label: 'recv' };
      }),
      T('}'),
      T('}  /* while (1) */'),
    ],
  });

  const remove = fn('hv_pci_remove')<{ ret: number }>({
    file: FILE,
    doc: ['/* hv_pci_remove() - Remove routine for this VMBus channel (rescind or unbind). */'],
    signature: ['static void', 'hv_pci_remove(struct hv_device *hdev)'],
    params: [],
    body: [
      S('hbus = hv_get_drvdata(hdev);'),
      If('if (hbus->state == hv_pcibus_installed) {', (k) => hbus(k).state === 'hv_pcibus_installed', [
        S('tasklet_disable(&hdev->channel->callback_event);', (k) => {
          if (k.sc.tasklet_running) return wait(k.key('tasklet:idle'), 'tasklet_disable: the channel callback is running');
          k.sc.tasklet_disabled++;
          return undefined;
        }),
        S('hbus->state = hv_pcibus_removing;', (k) => {
          hbus(k).state = 'hv_pcibus_removing';
        }),
        S('tasklet_enable(&hdev->channel->callback_event);', (k) => {
          k.sc.tasklet_disabled = Math.max(0, k.sc.tasklet_disabled - 1);
          k.wake('tasklet');
        }),
        flushWorkqueue('destroy_workqueue(hbus->wq); hbus->wq = NULL;  /* drains pending relations / eject work */'),
        T("/* Remove the bus from PCI's point of view. */"),
        S('pci_lock_rescan_remove();'),
        S('pci_stop_root_bus(hbus->bridge->bus);', () => call('pci_stop_root_bus')),
        S('hv_pci_remove_slots(hbus);'),
        S('pci_remove_root_bus(hbus->bridge->bus);', (k) => {
          k.sc.pci.root = false;
        }),
        S('pci_unlock_rescan_remove();'),
      ]),
      S('hv_pci_bus_exit(hdev, false);', () => call('hv_pci_bus_exit', { keep_devs: false }, 'ret')),
      S('vmbus_close(hdev->channel);', (k) => {
        hbus(k).state = 'closed';
        k.chanClose();
      }),
      S('iounmap(hbus->cfg_addr); hv_free_config_window(hbus);', (k) => {
        if (hbus(k).mem_config) k.freeMmio(memConfig(k).start);
        hbus(k).mem_config = null;
      }),
      S('hv_pci_free_bridge_windows(hbus);', () => call('hv_pci_free_bridge_windows')),
      S('irq_domain_remove(hbus->irq_domain); irq_domain_free_fwnode(hbus->fwnode);'),
      S('hv_put_dom_num(hbus->bridge->domain_nr); kfree(hbus);', (k) => {
        k.releaseDomain(hbus(k).domain);
        hbus(k).state = 'detached';
        k.busState('detached');
      }),
      S('return;', () => ret()),
    ],
  });

  const busExit = fn('hv_pci_bus_exit')<{ removed: number[]; ret: number; trans_id: string; deadline: number | undefined; timed_out?: boolean }>({
    file: FILE,
    doc: ['/* Forget the children, release their resources, PCI_BUS_D0EXIT (with a completion, 10 s). */'],
    signature: ['static int', 'hv_pci_bus_exit(struct hv_device *hdev, bool keep_devs)'],
    params: ['keep_devs'],
    body: [
      If('if (hdev->channel->rescind) {  /* the host no longer reads the ring */', (k) => k.isRevoked(), [S('return 0;', () => ret(0))]),
      If('if (!keep_devs) {', (_k, l) => !l.keep_devs, [
        S('list_for_each_entry_safe(hpdev, tmp, &hbus->children, list_entry) list_move_tail(&hpdev->list_entry, &removed);', (k, l) => {
          l.removed = children(k).map((c) => c.desc.wslot);
          hbus(k).children = [];
        }),
        S('list_for_each_entry_safe(hpdev, tmp, &removed, list_entry) { list_del(...); pci_destroy_slot(...); put_pcichild(hpdev) x2; }'),
      ]),
      T('/* With !keep_devs the children are already gone, so no RESOURCES_RELEASED is sent. */'),
      S('ret = hv_send_resources_released(hdev);', () => call('hv_send_resources_released', {}, 'ret')),
      If('if (ret) {', (_k, l) => l.ret !== 0, [
        S('dev_err(&hdev->device, "Couldn\'t send resources released packet(s)\\n"); return ret;', (k, l) => {
          k.log("hv_pci: Couldn't send resources released packet(s)");
          return ret(l.ret);
        }),
      ]),
      S('init_completion(&comp_pkt.host_event); pkt->completion_func = hv_pci_generic_compl; pkt->message[0].type = PCI_BUS_D0EXIT;', (k) =>
        initCompletion(k, 'd0exit'),
      ),
      S(
        'ret = vmbus_sendpacket_getid(chan, pkt->message, sizeof(struct pci_message), (unsigned long)pkt, &trans_id, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);',
        (k, l) => {
          const r = sendRc(k, M.d0Exit(), 'hv_pci_generic_compl', 'd0exit');
          l.ret = r.ret;
          l.trans_id = r.id.toString();
        },
      ),
      If('if (ret) {', (_k, l) => l.ret !== 0, [S('return ret;', (_k, l) => ret(l.ret))]),
      // The wait and its test are one C line; the model sleeps in a step of its own, then tests.
      S('/* wait_for_completion_timeout(&comp_pkt.host_event, 10 * HZ): sleeps until the completion or 10 s */', (k, l) => {
        if (k.sc.comps.d0exit!.done) return undefined;
        if (l.deadline === undefined) l.deadline = k.now() + 10 * HZ_NS;
        if (k.now() >= l.deadline) {
          l.timed_out = true;
          return undefined;
        }
        return wait(k.key('comp:d0exit'), 'PCI_BUS_D0EXIT completion (10 s)', l.deadline);
      }),
      If('if (wait_for_completion_timeout(&comp_pkt.host_event, 10 * HZ) == 0) {', (_k, l) => l.timed_out === true, [
        S('vmbus_request_addr_match(chan, trans_id, (unsigned long)pkt); return -ETIMEDOUT;', (k, l) => {
          dropRequestId(k, BigInt(l.trans_id));
          return ret(-ETIMEDOUT);
        }),
      ]),
      S('return 0;', () => ret(0)),
    ],
  });

  return { newChild, presentWork, startRelationsWork, devicesPresent, ejectWork, ejectDevice, callback, remove, busExit };
}
