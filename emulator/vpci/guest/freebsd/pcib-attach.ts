// vmbus_pcib.c, attach side: vmbus_pcib_attach and its error labels, protocol
// negotiation, the bus relations query, D0 entry, RESOURCES_ASSIGNED /
// RESOURCES_RELEASED and BAR prepopulation (freebsd/freebsd-src
// sys/dev/hyperv/pcib/vmbus_pcib.c at 0010132dbd24; `freebsd-2016`:
// dd2e215ca93c). The listing is our own pseudo-C rendering of that logic.
import { S, T, If, For, Break, Continue, When, decl, ret } from '../../../runtime/program';
import { complView, ENXIO, EPROTO } from '../kernel';
import { MSG } from '../../protocol';
import * as M from '../messages';
import { hbus, cfgRes, type V } from './softc';
import { fn, call, type D } from './protos';
import {
  FILE,
  Label_,
  PCIB_PACKET_SIZE,
  PCI_CONFIG_MMIO_LENGTH,
  PROTO_1_1,
  PROTO_1_4,
  SEND_ON_RESCIND,
  STATUS_REVISION_MISMATCH,
  awaitComp,
  children,
  getPcichildWslot,
  gotoFail,
  heapPkt,
  initCompletion,
  rxBufKeep,
  stackCtxt,
  versionReq,
  waitForCompletionStmt,
  type FreebsdVariant,
} from './pcib-common';

/** The attach-side functions of vmbus_pcib.c for one variant (each still its own C function in the listing). */
export function attachFunctions(v: FreebsdVariant) {
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
      S(
        'hbus->cfg_res = bus_alloc_resource(dev, SYS_RES_MEMORY, &rid, 0, RM_MAX_END, PCI_CONFIG_MMIO_LENGTH, RF_ACTIVE | rman_make_alignment_flags(PAGE_SIZE));',
        (k) => {
          const base = k.allocMmio(PCI_CONFIG_MMIO_LENGTH, 0x1000, 0, Number.MAX_SAFE_INTEGER, `${k.busName} cfg window`);
          hbus(k).cfg_res = base === undefined ? null : { start: base, size: PCI_CONFIG_MMIO_LENGTH };
        },
      ),
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
        k.sc.rx_buf = rxBufKeep(new Uint8Array(0), undefined);
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
      S(`ret = hv_pci_protocol_negotiation(${verText || 'hbus'});`, () => call('hv_pci_protocol_negotiation', { versions }, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()),
      T(),
      S('ret = hv_pci_query_relations(hbus);', () => call('hv_pci_query_relations', {}, 'ret')),
      When(
        old,
        [If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()), waitForCompletionStmt('wait_for_completion(hbus->query_comp);', () => 'query')],
        [
          If('if (!ret)', (_k, l) => !l.ret, [S('ret = wait_for_response(hbus, hbus->query_comp);', () => call('wait_for_response', { c: 'query' }, 'ret'))]),
          If('if (ret)', (_k, l) => l.ret !== 0, gotoFail()),
        ],
      ),
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
      ' * Not a function: the error labels of vmbus_pcib_attach(), shown as a frame.',
      ' * Entered at the label the goto names; falls through the ones below it.',
      ' */',
    ],
    signature: ['static int', 'vmbus_pcib_attach_fail(struct hv_pcibus *hbus, int ret, label)'],
    params: ['ret', 'label'],
    args: { hbus: (v) => v.sc.hbus ?? undefined },
    body: [
      Label_('vmbus_close', [S('vmbus_pcib_pre_detach(hbus);', () => call('vmbus_pcib_pre_detach')), S('vmbus_chan_close(sc->chan);', (k) => k.chanClose())]),
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
          S(
            'ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, version_req, sizeof(*version_req), (uint64_t)&ctxt.pkt);',
            (k, l) => {
              // Only bit 0 of the word at +8 is written: `reservedz:31` keeps what the uncleared stack ctxt held
              // (vmbus_pcib.c at dd2e215ca93c, hv_pci_protocol_negotiation). We send those 31 bits as 0 (ours).
              l.ret = k.send(M.queryProtocolVersion(l.version, { reservedWord: 1 }), true, l.txid, SEND_ON_RESCIND);
            },
          ),
          If('if (ret)', (_k, l) => l.ret !== 0, [S('goto out;', (_k, l) => ret(l.ret))]),
          waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', () => 'version'),
          If(
            'if (comp_pkt.completion_status < 0) {',
            (k) => k.sc.comps.version!.status < 0,
            [
              S('device_printf(hbus->pcib, "vmbus_pcib version negotiation failed: %x\\n", comp_pkt.completion_status);', (k) =>
                k.log(`vmbus_pcib version negotiation failed: ${(k.sc.comps.version!.status >>> 0).toString(16)}`),
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
          For(
            'for (i = 0; i < num_version; i++) {',
            (_k, l) => {
              l.i = 0;
              l.ret = 0;
            },
            (_k, l) => l.i < l.versions.length,
            (_k, l) => {
              l.i++;
            },
            [
              S('version_req->protocol_version = version[i];', (_k, l) => {
                l.version = l.versions[l.i]!;
              }),
              S(
                'ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, version_req, sizeof(*version_req), (uint64_t)&ctxt.pkt);',
                (k, l) => {
                  k.sc.pending[String(l.txid)] = { func: 'hv_pci_generic_compl', comp: 'version' };
                  // The driver never writes the request's `reservedz:31` word: ctxt is on the stack and is not
                  // cleared (vmbus_pcib.c at 0010132dbd24, hv_pci_protocol_negotiation), so its 4 bytes are whatever
                  // the stack held. We send 0 (ours); no host reads them.
                  l.ret = k.send(M.queryProtocolVersion(l.version, { reservedWord: 0 }), true, l.txid, SEND_ON_RESCIND);
                },
              ),
              If('if (!ret)', (_k, l) => !l.ret, [
                S('ret = wait_for_response(hbus, &comp_pkt.host_event);', () => call('wait_for_response', { c: 'version' }, 'ret')),
              ]),
              If('if (ret) {', (_k, l) => l.ret !== 0, [
                S('device_printf(hbus->pcib, "vmbus_pcib failed to request version: %d\\n", ret);', (k, l) =>
                  k.log(`vmbus_pcib failed to request version: ${l.ret}`),
                ),
                S('goto out;', (_k, l) => ret(l.ret)),
              ]),
              If('if (comp_pkt.completion_status >= 0) {', (k) => k.sc.comps.version!.status >= 0, [
                S('hbus->protocol_version = version[i];', (k, l) => {
                  hbus(k).protocol_version = l.version;
                }),
                S('device_printf(hbus->pcib, "PCI VMBus using version 0x%x\\n", hbus->protocol_version);', (k) =>
                  k.log(`PCI VMBus using version 0x${hbus(k).protocol_version.toString(16)}`),
                ),
                S('ret = 0;', (_k, l) => {
                  l.ret = 0;
                }),
                S('goto out;', () => ret(0)),
              ]),
              If('if (comp_pkt.completion_status != STATUS_REVISION_MISMATCH) {', (k) => k.sc.comps.version!.status !== STATUS_REVISION_MISMATCH, [
                S('device_printf(hbus->pcib, "vmbus_pcib version negotiation failed: %x\\n", comp_pkt.completion_status);', (k) =>
                  k.log(`vmbus_pcib version negotiation failed: ${(k.sc.comps.version!.status >>> 0).toString(16)}`),
                ),
                S('ret = EPROTO;', (_k, l) => {
                  l.ret = EPROTO;
                }),
                S('goto out;', () => ret(EPROTO)),
              ]),
              S('reinit_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'version')),
            ],
          ),
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
      decl('struct pci_bus_d0_entry *d0_entry;', (_v, l) =>
        l.mmio_base === undefined ? undefined : { message_type: { type: MSG.PCI_BUS_D0ENTRY }, mmio_base: l.mmio_base },
      ),
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
      S(
        'ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, d0_entry, sizeof(*d0_entry), (uint64_t)&ctxt.pkt);',
        (k, l) => {
          l.ret = k.send(M.d0Entry(l.mmio_base), true, l.txid, SEND_ON_RESCIND);
        },
      ),
      When(
        old,
        [
          If('if (ret)', (_k, l) => l.ret !== 0, [S('goto out;', (_k, l) => ret(l.ret))]),
          waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', () => 'd0'),
        ],
        [...awaitComp(v, () => 'd0'), If('if (ret)', (_k, l) => l.ret !== 0, [S('goto out;', (_k, l) => ret(l.ret))])],
      ),
      If(
        'if (comp_pkt.completion_status < 0) {',
        (k) => k.sc.comps.d0!.status < 0,
        [
          S('device_printf(hbus->pcib, "vmbus_pcib failed to enable D0\\n");', (k) => k.log('vmbus_pcib failed to enable D0')),
          S('ret = EPROTO;', (_k, l) => {
            l.ret = EPROTO;
          }),
        ],
        [
          S('ret = 0;', (_k, l) => {
            l.ret = 0;
          }),
        ],
      ),
      S('return (ret);', (_k, l) => ret(l.ret)),
    ],
  });

  const resourcesAllocated = fn('hv_send_resources_allocated')<{
    ret: number;
    v2: boolean;
    wslot: number;
    hpdev: number | null;
    txid: bigint;
    pkt: bigint;
    size_res: number;
  }>({
    file: FILE,
    doc: ['/* It looks this is only needed by Windows VM, but the message is sent to move the host forward. */'],
    signature: ['static int', 'hv_send_resources_allocated(struct hv_pcibus *hbus)'],
    params: [],
    locals: [
      decl('struct hv_pci_dev *hpdev;', (v, l) =>
        l.hpdev === undefined ? undefined : l.hpdev === null ? null : v.sc.hbus?.children.find((c) => c.desc.wslot === l.hpdev),
      ),
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
      S(
        old
          ? 'pkt = malloc(sizeof(*pkt) + sizeof(*res_assigned), M_DEVBUF, M_WAITOK | M_ZERO);'
          : 'pkt = malloc(sizeof(*pkt) + size_res, M_DEVBUF, M_WAITOK | M_ZERO);',
        (k, l) => {
          l.ret = 0;
          if (old) l.v2 = false;
          l.pkt = heapPkt(k);
        },
      ),
      For(
        'for (wslot = 0; wslot < 256; wslot++) {',
        (_k, l) => {
          l.wslot = 0;
        },
        (_k, l) => l.wslot < 256,
        (_k, l) => {
          l.wslot++;
        },
        [
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
          S(
            `ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, &pkt->message, ${old ? 'sizeof(*res_assigned)' : 'size_res'}, (uint64_t)pkt);`,
            (k, l) => {
              l.ret = k.send(l.v2 ? M.resourcesAssigned2(l.wslot) : M.resourcesAssigned(l.wslot), true, l.txid, SEND_ON_RESCIND);
            },
          ),
          // 2016: the send's error breaks out before the wait; today the wait runs only after a good send.
          When(
            old,
            [
              If('if (ret)', (_k, l) => l.ret !== 0, [Break()]),
              waitForCompletionStmt('wait_for_completion(&comp_pkt.host_event);', (l: { wslot: number }) => `ra${l.wslot}`),
            ],
            [...awaitComp(v, (l: { wslot: number; ret: number }) => `ra${l.wslot}`), If('if (ret)', (_k, l) => l.ret !== 0, [Break()])],
          ),
          If('if (comp_pkt.completion_status < 0) {', (k, l) => k.sc.comps[`ra${l.wslot}`]!.status < 0, [
            S('ret = EPROTO;', (_k, l) => {
              l.ret = EPROTO;
            }),
            S('device_printf(hbus->pcib, "failed to send PCI_RESOURCES_ASSIGNED\\n");', (k) => k.log('failed to send PCI_RESOURCES_ASSIGNED')),
            Break(),
          ]),
        ],
      ),
      S('free(pkt, M_DEVBUF);'),
      S('return (ret);', (_k, l) => ret(l.ret)),
    ],
  });

  const resourcesReleased = fn('hv_send_resources_released')<{ wslot: number; ret: number; hpdev: number | null }>({
    file: FILE,
    signature: ['static int', 'hv_send_resources_released(struct hv_pcibus *hbus)'],
    params: [],
    body: [
      For(
        'for (wslot = 0; wslot < 256; wslot++) {',
        (_k, l) => {
          l.wslot = 0;
          l.ret = 0;
        },
        (_k, l) => l.wslot < 256,
        (_k, l) => {
          l.wslot++;
        },
        [
          S('hpdev = get_pcichild_wslot(hbus, wslot);', (k, l) => {
            l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
          }),
          If('if (!hpdev)', (_k, l) => l.hpdev === null, [Continue()]),
          S('pkt.message_type.type = PCI_RESOURCES_RELEASED;'),
          S('ret = vmbus_chan_send(hbus->sc->chan, VMBUS_CHANPKT_TYPE_INBAND, 0, &pkt, sizeof(pkt), 0);', (k, l) => {
            l.ret = k.send(M.resourcesReleased(l.wslot), false, 0n, SEND_ON_RESCIND);
          }),
          If('if (ret)', (_k, l) => l.ret !== 0, [S('return (ret);', (_k, l) => ret(l.ret))]),
        ],
      ),
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
      For(
        'TAILQ_FOREACH(hpdev, &hbus->children, link) {',
        (k, l) => {
          l.list = children(k).map((c) => c.desc.wslot);
          l.ci = 0;
        },
        (_k, l) => l.ci < l.list.length,
        (_k, l) => {
          l.ci++;
        },
        [
          For(
            'for (i = 0; i < 6; i++) {',
            (_k, l) => {
              l.i = 0;
            },
            (_k, l) => l.i < 6,
            (_k, l) => {
              l.i++;
            },
            [
              If('if (hpdev->probed_bar[i] == 0)', (k, l) => (getPcichildWslot(k, l.list[l.ci]!)?.probed_bar[l.i] ?? 0) === 0, [Continue()]),
              S('uint32_t bar_val = 0;', (_k, l) => {
                l.bar_val = 0;
              }),
              S('_hv_pcifront_read_config(hpdev, PCIR_BAR(i), 4, &bar_val);', (_k, l) =>
                call('_hv_pcifront_read_config', { wslot: l.list[l.ci]!, where: 0x10 + 4 * l.i, size: 4 }, 'bar_val'),
              ),
              If('if (hpdev->probed_bar[i] != bar_val) {', (k, l) => (getPcichildWslot(k, l.list[l.ci]!)?.probed_bar[l.i] ?? 0) !== l.bar_val >>> 0, [
                S('_hv_pcifront_write_config(hpdev, PCIR_BAR(i), 4, 0xffffffff);', (_k, l) =>
                  call('_hv_pcifront_write_config', { wslot: l.list[l.ci]!, where: 0x10 + 4 * l.i, size: 4, val: 0xffffffff }),
                ),
                S('_hv_pcifront_write_config(hpdev, PCIR_BAR(i), 4, bar_val);', (_k, l) =>
                  call('_hv_pcifront_write_config', { wslot: l.list[l.ci]!, where: 0x10 + 4 * l.i, size: 4, val: l.bar_val }),
                ),
              ]),
            ],
          ),
        ],
      ),
      S('return;', () => ret()),
    ],
  });

  return { attach, attachFail, negotiation, queryRelations, enterD0, resourcesAllocated, resourcesReleased, prepopulate };
}
