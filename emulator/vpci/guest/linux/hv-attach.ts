// pci-hyperv.c, probe side: hv_pci_probe and its error labels, protocol
// negotiation, the config window, the relations query, survey_child_resources
// and D0 entry with its one retry inside hv_pci_enter_d0 (no new relations
// query) — drivers/pci/controller/pci-hyperv.c at Linux stable v6.12.118 (blob
// e9bdb4aa3b9b; docs/upstream.md). The listing is our own pseudo-C rendering.
import { S, T, If, For, While, Break, Label, decl, goto, ret, wait } from '../../../runtime/program';
import { complView } from '../kernel';
import { MSG } from '../../protocol';
import * as M from '../messages';
import { children, complete, getPcichildWslot, hbus, initCompletion, memConfig, type K } from './state';
import { fn, call, type ProbeLabel } from './protos';
import {
  Case,
  EINVAL,
  HVPCI_DOM_INVALID,
  ENODEV,
  ENOSPC,
  EPROTO,
  FILE,
  LX_RING_BYTES,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_CONFIG_MMIO_LENGTH,
  PCI_PROTOCOL_VERSIONS,
  SEND_ON_RESCIND,
  STATUS_REVISION_MISMATCH,
  flushWorkqueue,
  gotoFail,
  mutexLock,
  mutexUnlock,
  probedBars,
  sendRc,
} from './hv-common';

/** The probe-side functions of pci-hyperv.c. */
export function attachFunctions() {
  const probe = fn('hv_pci_probe')<{ dom_req: number; dom: number; name: string; ret: number }>({
    file: FILE,
    doc: ['/* hv_pci_probe() - New VMBus channel probe, for a root PCI bus */'],
    signature: ['static int', 'hv_pci_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *dev_id)'],
    params: [],
    locals: [
      decl('struct pci_host_bridge *bridge;', (v) =>
        v.sc.hbus ? `pci_host_bridge of ${v.busName} (domain ${v.sc.hbus.domain.toString(16).padStart(4, '0')})` : undefined,
      ),
      decl('struct hv_pcibus_device *hbus;', (v) => v.sc.hbus ?? undefined),
      decl('u16 dom_req, dom;'),
      decl('char *name;'),
      decl('int ret;'),
    ],
    body: [
      T(),
      S('bridge = devm_pci_alloc_host_bridge(&hdev->device, 0);'),
      S('hbus = kzalloc(sizeof(*hbus), GFP_KERNEL);', (k) => {
        k.sc.hbus = {
          state: 'hv_pcibus_init',
          domain: 0,
          protocol_version: 0,
          mem_config: null,
          children: [],
          dr_list: [],
          survey_event: null,
          low_mmio_space: 0,
          high_mmio_space: 0,
          low_mmio_res: null,
          high_mmio_res: null,
          wslot_res_allocated: -1,
          state_lock: null,
          config_lock: null,
          wq: false,
          irq_domain: false,
        };
      }),
      S('hbus->bridge = bridge; mutex_init(&hbus->state_lock); hbus->state = hv_pcibus_init; hbus->wslot_res_allocated = -1;'),
      S('dom_req = hdev->dev_instance.b[5] << 8 | hdev->dev_instance.b[4];', (k, l) => {
        // pci-hyperv.c hv_pci_probe: bytes 5 and 4 of the instance GUID.
        l.dom_req = (k.instanceBytes[5]! << 8) | k.instanceBytes[4]!;
      }),
      // One map of domain numbers for the whole kernel (hvpci_dom_map): a bus whose bytes 4 and 5 another
      // bus already holds — or are zero, HVPCI_DOM_INVALID, set at module init — gets the lowest free number.
      S('dom = hv_get_dom_num(dom_req);', (k, l) => {
        l.dom = k.takeDomain(l.dom_req);
      }),
      If('if (dom == HVPCI_DOM_INVALID) {', (_k, l) => l.dom === HVPCI_DOM_INVALID, [
        S('dev_err(&hdev->device, "Unable to use dom# 0x%x or other numbers", dom_req);', (k, l) =>
          k.log(`hv_pci: Unable to use dom# 0x${l.dom_req.toString(16)} or other numbers`),
        ),
        S('ret = -EINVAL;', (_k, l) => {
          l.ret = -EINVAL;
        }),
        ...gotoFail('free_bus'),
      ]),
      If('if (dom != dom_req)', (_k, l) => l.dom !== l.dom_req, [
        S('dev_info(&hdev->device, "PCI dom# 0x%x has collision, using 0x%x", dom_req, dom);', (k, l) =>
          k.log(`hv_pci: PCI dom# 0x${l.dom_req.toString(16)} has collision, using 0x${l.dom.toString(16)}`),
        ),
      ]),
      S('hbus->bridge->domain_nr = dom; hbus->sysdata.domain = dom; hbus->hdev = hdev;', (k, l) => {
        hbus(k).domain = l.dom;
      }),
      S('INIT_LIST_HEAD(&hbus->children); INIT_LIST_HEAD(&hbus->dr_list); spin_lock_init(&hbus->config_lock); spin_lock_init(&hbus->device_list_lock);'),
      S('hbus->wq = alloc_ordered_workqueue("hv_pci_%x", 0, hbus->bridge->domain_nr);', (k) => {
        hbus(k).wq = true;
      }),
      S('hdev->channel->rqstor_size = HV_PCI_RQSTOR_SIZE;  /* transaction ids 1..64 */'),
      S('ret = vmbus_open(hdev->channel, pci_ring_size, pci_ring_size, NULL, 0, hv_pci_onchannelcallback, hbus);', (k, l) => {
        // pci_ring_size = VMBUS_RING_SIZE(SZ_16K) (pci-hyperv.c, since torvalds/linux b5ff74c1ef50 "PCI: hv:
        // Fix ring buffer size calculation", v6.9): the 4 KiB ring header plus 16 KiB, page-aligned = 20 KiB
        // each way (VMBUS_RING_SIZE, include/linux/hyperv.h), so a 16 KiB data area (docs/protocol.md §10.4).
        l.ret = k.chanOpen(LX_RING_BYTES, LX_RING_BYTES) === 0 ? 0 : -ENODEV;
      }),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('destroy_wq')),
      S('hv_set_drvdata(hdev, hbus);'),
      T(),
      S('ret = hv_pci_protocol_negotiation(hdev, pci_protocol_versions, ARRAY_SIZE(pci_protocol_versions));', () =>
        call('hv_pci_protocol_negotiation', { versions: PCI_PROTOCOL_VERSIONS }, 'ret'),
      ),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('close')),
      T(),
      S('ret = hv_allocate_config_window(hbus);', () => call('hv_allocate_config_window', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('close')),
      S('hbus->cfg_addr = ioremap(hbus->mem_config->start, PCI_CONFIG_MMIO_LENGTH);'),
      S('name = kasprintf(GFP_KERNEL, "%pUL", &hdev->dev_instance);', (k, l) => {
        l.name = k.instanceGuid;
      }),
      S('hbus->fwnode = irq_domain_alloc_named_fwnode(name); kfree(name);'),
      S('ret = hv_pcie_init_irq_domain(hbus);', (k, l) => {
        hbus(k).irq_domain = true;
        l.ret = 0;
      }),
      T(),
      S('ret = hv_pci_query_relations(hdev);', () => call('hv_pci_query_relations', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('free_irq_domain')),
      T(),
      mutexLock('mutex_lock(&hbus->state_lock);'),
      T(),
      S('ret = hv_pci_enter_d0(hdev);', () => call('hv_pci_enter_d0', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('release_state_lock')),
      T(),
      S('ret = hv_pci_allocate_bridge_windows(hbus);', () => call('hv_pci_allocate_bridge_windows', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('exit_d0')),
      T(),
      S('ret = hv_send_resources_allocated(hdev);', () => call('hv_send_resources_allocated', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('free_windows')),
      T(),
      S('prepopulate_bars(hbus);', () => call('prepopulate_bars')),
      T(),
      S('hbus->state = hv_pcibus_probed;', (k) => {
        hbus(k).state = 'hv_pcibus_probed';
      }),
      T(),
      S('ret = create_root_hv_pci_bus(hbus);', () => call('create_root_hv_pci_bus', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('free_windows')),
      T(),
      mutexUnlock('mutex_unlock(&hbus->state_lock);'),
      S('return 0;', () => ret(0)),
    ],
  });

  // The error labels of hv_pci_probe(), as one function so each "goto" is one step.
  const STAGES: ProbeLabel[] = [
    'free_windows',
    'exit_d0',
    'release_state_lock',
    'free_irq_domain',
    'free_fwnode',
    'unmap',
    'free_config',
    'close',
    'destroy_wq',
    'free_dom',
    'free_bus',
  ];
  type FailL = { stage: ProbeLabel; ret: number; ignored: number };
  const from = (stage: ProbeLabel) => (_k: K, l: FailL) => STAGES.indexOf(l.stage) <= STAGES.indexOf(stage);
  const probeFail = fn('hv_pci_probe_fail')<{ ignored: number }>({
    file: FILE,
    doc: [
      '/*',
      ' * Not a function: the error labels of hv_pci_probe(), shown as a frame.',
      ' * Entered at the label the goto names; falls through the ones below it.',
      ' */',
    ],
    signature: ['static int', 'hv_pci_probe_fail(struct hv_device *hdev, int ret, label)'],
    params: ['ret', 'stage'],
    body: [
      Case('free_windows:', from('free_windows'), [S('hv_pci_free_bridge_windows(hbus);', () => call('hv_pci_free_bridge_windows'))]),
      Case('exit_d0:', from('exit_d0'), [S('(void) hv_pci_bus_exit(hdev, true);', () => call('hv_pci_bus_exit', { keep_devs: true }, 'ignored'))]),
      Case('release_state_lock:', from('release_state_lock'), [mutexUnlock<FailL>('mutex_unlock(&hbus->state_lock);')]),
      Case('free_irq_domain:', from('free_irq_domain'), [
        S('irq_domain_remove(hbus->irq_domain);', (k) => {
          hbus(k).irq_domain = false;
        }),
      ]),
      Case('free_fwnode:', from('free_fwnode'), [S('irq_domain_free_fwnode(hbus->fwnode);')]),
      Case('unmap:', from('unmap'), [S('iounmap(hbus->cfg_addr);')]),
      Case('free_config:', from('free_config'), [
        S('hv_free_config_window(hbus);', (k) => {
          const cfg = hbus(k).mem_config;
          if (cfg) k.freeMmio(cfg.start);
          hbus(k).mem_config = null;
        }),
      ]),
      Case('close:', from('close'), [S('vmbus_close(hdev->channel);', (k) => k.chanClose())]),
      Case('destroy_wq:', from('destroy_wq'), [
        S('destroy_workqueue(hbus->wq);', (k) => {
          hbus(k).wq = false;
        }),
      ]),
      Case('free_dom:', from('free_dom'), [S('hv_put_dom_num(hbus->bridge->domain_nr);', (k) => k.releaseDomain(hbus(k).domain))]),
      Case('free_bus:', from('free_bus'), [
        S('kfree(hbus);', (k) => {
          hbus(k).state = 'failed';
          k.busState('failed');
        }),
      ]),
      S('return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  const waitForResponse = fn('wait_for_response')({
    file: FILE,
    signature: ['static int', 'wait_for_response(struct hv_device *hdev, struct completion *comp)'],
    params: ['c'],
    body: [
      While('while (true) {', () => true, [
        If('if (hdev->channel->rescind) {', (k) => k.isRevoked(), [
          S('dev_warn_once(&hdev->device, "The device is gone.\\n");', (k) => k.log('hv_pci: The device is gone.')),
          S('return -ENODEV;', () => ret(-ENODEV)),
        ]),
        If('if (wait_for_completion_timeout(comp, HZ / 10)) {', (k, l) => !!k.sc.comps[l.c]?.done, [Break()]),
        S('/* 100 ms passed: check for rescind again */', (k, l) =>
          k.sc.comps[l.c]?.done || k.isRevoked() ? undefined : wait([k.key(`comp:${l.c}`), k.key('rescind')], `completion ${l.c}`),
        ),
      ]),
      S('return 0;', () => ret(0)),
    ],
  });

  const negotiation = fn('hv_pci_protocol_negotiation')<{ i: number; ret: number; version: number }>({
    file: FILE,
    doc: ['/* hv_pci_protocol_negotiation() - Set up protocol: try each version, newest first */'],
    signature: ['static int', 'hv_pci_protocol_negotiation(struct hv_device *hdev, enum pci_protocol_version_t version[], int num_version)'],
    params: ['versions'],
    locals: [
      decl('struct pci_version_request *version_req;', (_v, l) =>
        l.version === undefined ? undefined : { message_type: { type: MSG.PCI_QUERY_PROTOCOL_VERSION }, protocol_version: l.version },
      ),
      decl('struct hv_pci_compl comp_pkt;', (v) => complView(v.sc.comps.version)),
      decl('int ret;'),
      decl('int i;'),
    ],
    body: [
      T(),
      S('init_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'version')),
      S('pkt->completion_func = hv_pci_generic_compl; pkt->compl_ctxt = &comp_pkt;'),
      S('version_req->message_type.type = PCI_QUERY_PROTOCOL_VERSION;'),
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
            'ret = vmbus_sendpacket(hdev->channel, version_req, sizeof(struct pci_version_request), (unsigned long)pkt, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);',
            (k, l) => {
              l.ret = sendRc(k, M.queryProtocolVersion(l.version), 'hv_pci_generic_compl', 'version').ret;
            },
          ),
          If('if (!ret) {', (_k, l) => !l.ret, [
            S('ret = wait_for_response(hdev, &comp_pkt.host_event);', () => call('wait_for_response', { c: 'version' }, 'ret')),
          ]),
          If('if (ret) {', (_k, l) => l.ret !== 0, [
            S('dev_err(&hdev->device, "PCI Pass-through VSP failed to request version: %d", ret);', (k, l) =>
              k.log(`hv_pci: PCI Pass-through VSP failed to request version: ${l.ret}`),
            ),
            S('goto exit;', (_k, l) => ret(l.ret)),
          ]),
          If('if (comp_pkt.completion_status >= 0) {', (k) => k.sc.comps.version!.status >= 0, [
            S('hbus->protocol_version = version[i];', (k, l) => {
              hbus(k).protocol_version = l.version;
            }),
            S('dev_info(&hdev->device, "PCI VMBus probing: Using version %#x\\n", hbus->protocol_version);', (k) =>
              k.log(`hv_pci: PCI VMBus probing: Using version 0x${hbus(k).protocol_version.toString(16)}`),
            ),
            S('goto exit;', () => ret(0)),
          ]),
          If('if (comp_pkt.completion_status != STATUS_REVISION_MISMATCH) {', (k) => k.sc.comps.version!.status !== STATUS_REVISION_MISMATCH, [
            S('dev_err(&hdev->device, "PCI Pass-through VSP failed version request: %#x", comp_pkt.completion_status);', (k) =>
              k.log(`hv_pci: PCI Pass-through VSP failed version request: 0x${(k.sc.comps.version!.status >>> 0).toString(16)}`),
            ),
            S('ret = -EPROTO; goto exit;', () => ret(-EPROTO)),
          ]),
          S('reinit_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'version')),
        ],
      ),
      T(),
      S('dev_err(&hdev->device, "PCI pass-through VSP failed to find supported version");', (k) =>
        k.log('hv_pci: PCI pass-through VSP failed to find supported version'),
      ),
      S('ret = -EPROTO;  /* exit: */', () => ret(-EPROTO)),
    ],
  });

  const allocConfigWindow = fn('hv_allocate_config_window')<{ ret: number }>({
    file: FILE,
    doc: ['/* Claim MMIO space for accessing configuration space (after negotiation, unlike FreeBSD). */'],
    signature: ['static int', 'hv_allocate_config_window(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      S('ret = vmbus_allocate_mmio(&hbus->mem_config, hbus->hdev, 0, -1, PCI_CONFIG_MMIO_LENGTH, 0x1000, false);', (k, l) => {
        const base = k.allocMmio(PCI_CONFIG_MMIO_LENGTH, 0x1000, 0, Number.MAX_SAFE_INTEGER, `${k.busName} cfg window`);
        hbus(k).mem_config = base === undefined ? null : { start: base, size: PCI_CONFIG_MMIO_LENGTH };
        l.ret = base === undefined ? -ENOSPC : 0;
      }),
      If('if (ret) {', (_k, l) => l.ret !== 0, [S('return ret;', (_k, l) => ret(l.ret))]),
      S('hbus->mem_config->flags |= IORESOURCE_BUSY;  /* children may not overlap it */'),
      S('return 0;', () => ret(0)),
    ],
  });

  const queryRelations = fn('hv_pci_query_relations')<{ ret: number; message: { type: number } }>({
    file: FILE,
    doc: ['/* Ask the host to send along the list of child devices, and wait for survey_child_resources(). */'],
    signature: ['static int', 'hv_pci_query_relations(struct hv_device *hdev)'],
    params: [],
    locals: [
      decl('struct pci_message message;'),
      decl('struct completion comp;', (v) => (v.sc.comps.survey ? { done: v.sc.comps.survey.done ? 1 : 0 } : undefined)),
      decl('int ret;'),
    ],
    body: [
      T(),
      S('init_completion(&comp);', (k) => initCompletion(k, 'survey')),
      If('if (cmpxchg(&hbus->survey_event, NULL, &comp)) {', (k) => hbus(k).survey_event !== null, [S('return -ENOTEMPTY;', () => ret(-39))]),
      S('/* hbus->survey_event = &comp */', (k) => {
        hbus(k).survey_event = 'survey';
      }),
      S('message.type = PCI_QUERY_BUS_RELATIONS;', (_k, l) => {
        l.message = { type: MSG.PCI_QUERY_BUS_RELATIONS };
      }),
      S('ret = vmbus_sendpacket(hdev->channel, &message, sizeof(message), 0, VM_PKT_DATA_INBAND, 0);', (k, l) => {
        const r = k.send(M.queryBusRelations(), false, 0n, SEND_ON_RESCIND);
        l.ret = r === 0 ? 0 : -r;
      }),
      If('if (!ret) {', (_k, l) => !l.ret, [S('ret = wait_for_response(hdev, &comp);', () => call('wait_for_response', { c: 'survey' }, 'ret'))]),
      T('/* The relations work may still be running: flush it before comp goes out of scope. */'),
      flushWorkqueue('flush_workqueue(hbus->wq);'),
      S('return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  const survey = fn('survey_child_resources')<{ event: string | null; list: number[]; ci: number }>({
    file: FILE,
    doc: ["/* Sum the children's BAR sizes: 64-bit BARs to high MMIO, 32-bit BARs to low MMIO. */"],
    signature: ['static void', 'survey_child_resources(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      S('event = xchg(&hbus->survey_event, NULL);', (k, l) => {
        l.event = hbus(k).survey_event;
        hbus(k).survey_event = null;
      }),
      If('if (!event) {', (_k, l) => l.event === null, [S('return;  /* nobody is waiting on the answer */', () => ret())]),
      If('if (hbus->low_mmio_space || hbus->high_mmio_space) {', (k) => hbus(k).low_mmio_space > 0 || hbus(k).high_mmio_space > 0, [
        S('complete(event); return;  /* already computed */', (k, l) => {
          complete(k, l.event!);
          return ret();
        }),
      ]),
      For(
        'list_for_each_entry(hpdev, &hbus->children, list_entry) {',
        (k, l) => {
          l.list = children(k).map((c) => c.desc.wslot);
          l.ci = 0;
        },
        (_k, l) => l.ci < l.list.length,
        (_k, l) => {
          l.ci++;
        },
        [
          S('for (i = 0; i < PCI_STD_NUM_BARS; i++) { bar_size = get_bar_size(probed_bar[i] (| probed_bar[i + 1] << 32)); ... }', (k, l) => {
            const c = getPcichildWslot(k, l.list[l.ci]!);
            if (!c) return;
            // The walk skips the upper half of a 64-bit BAR (probed_bar[++i]), so only visited entries are checked for I/O.
            for (const b of probedBars(c)) {
              if ((c.probed_bar[b.i]! & PCI_BASE_ADDRESS_SPACE_IO) !== 0) k.log("hv_pci: There's an I/O BAR in this list!");
              if (b.high) hbus(k).high_mmio_space += b.size;
              else hbus(k).low_mmio_space += b.size;
            }
          }),
        ],
      ),
      S('complete(event);', (k, l) => complete(k, l.event!)),
      S('return;', () => ret()),
    ],
  });

  // At v6.12.118 the one D0-entry retry (kdump: the host may still hold the resources) lives here, not
  // in hv_pci_probe: release the children's resources and exit D0 (hv_pci_bus_exit, keep_devs), then
  // send D0 entry again — with no new relations query.
  const enterD0 = fn('hv_pci_enter_d0')<{ mmio_base: number; retry?: boolean; ret: number }>({
    file: FILE,
    doc: ['/* hv_pci_enter_d0() - Bring the "bus" into the D0 power state */'],
    signature: ['static int', 'hv_pci_enter_d0(struct hv_device *hdev)'],
    params: [],
    locals: [
      decl('struct pci_bus_d0_entry *d0_entry;', (_v, l) =>
        l.mmio_base === undefined ? undefined : { message_type: { type: MSG.PCI_BUS_D0ENTRY }, mmio_base: l.mmio_base },
      ),
      decl('struct hv_pci_compl comp_pkt;', (v) => complView(v.sc.comps.d0)),
      decl('bool retry = true;'),
      decl('int ret;'),
    ],
    body: [
      T(),
      T('enter_d0_retry:'),
      Label('enter_d0_retry'),
      S('pkt = kzalloc(sizeof(*pkt) + sizeof(*d0_entry), GFP_KERNEL);', (_k, l) => {
        if (l.retry === undefined) l.retry = true;
      }),
      S('init_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'd0')),
      S('pkt->completion_func = hv_pci_generic_compl; pkt->compl_ctxt = &comp_pkt;'),
      S('d0_entry->message_type.type = PCI_BUS_D0ENTRY;'),
      S('d0_entry->mmio_base = hbus->mem_config->start;', (k, l) => {
        l.mmio_base = memConfig(k).start;
      }),
      S(
        'ret = vmbus_sendpacket(hdev->channel, d0_entry, sizeof(*d0_entry), (unsigned long)pkt, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);',
        (k, l) => {
          l.ret = sendRc(k, M.d0Entry(l.mmio_base), 'hv_pci_generic_compl', 'd0').ret;
        },
      ),
      If('if (!ret)', (_k, l) => !l.ret, [S('ret = wait_for_response(hdev, &comp_pkt.host_event);', () => call('wait_for_response', { c: 'd0' }, 'ret'))]),
      If('if (ret)', (_k, l) => l.ret !== 0, [S('goto exit;', (_k, l) => ret(l.ret))]),
      If('if (comp_pkt.completion_status < 0 && retry) {', (k, l) => k.sc.comps.d0!.status < 0 && l.retry === true, [
        S('retry = false;', (_k, l) => {
          l.retry = false;
        }),
        S('dev_err(&hdev->device, "Retrying D0 Entry\\n");', (k) => k.log('hv_pci: Retrying D0 Entry')),
        S('hbus->wslot_res_allocated = 255;', (k) => {
          hbus(k).wslot_res_allocated = 255;
        }),
        S('ret = hv_pci_bus_exit(hdev, true);', () => call('hv_pci_bus_exit', { keep_devs: true }, 'ret')),
        If('if (ret == 0) {', (_k, l) => l.ret === 0, [S('kfree(pkt);'), S('goto enter_d0_retry;', () => goto('enter_d0_retry'))]),
        S('dev_err(&hdev->device, "Retrying D0 failed with ret %d\\n", ret);', (k, l) => k.log(`hv_pci: Retrying D0 failed with ret ${l.ret}`)),
      ]),
      If('if (comp_pkt.completion_status < 0) {', (k) => k.sc.comps.d0!.status < 0, [
        S('dev_err(&hdev->device, "PCI Pass-through VSP failed D0 Entry with status %x\\n", comp_pkt.completion_status);', (k) =>
          k.log(`hv_pci: PCI Pass-through VSP failed D0 Entry with status ${(k.sc.comps.d0!.status >>> 0).toString(16)}`),
        ),
        S('ret = -EPROTO; goto exit;', () => ret(-EPROTO)),
      ]),
      S('ret = 0;', (_k, l) => {
        l.ret = 0;
      }),
      S('exit: kfree(pkt); return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  return { probe, probeFail, waitForResponse, negotiation, allocConfigWindow, queryRelations, survey, enterD0 };
}
