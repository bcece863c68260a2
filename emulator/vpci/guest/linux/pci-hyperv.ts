// Linux pci-hyperv as a driver program, following one upstream revision:
// drivers/pci/controller/pci-hyperv.c at Linux stable v6.12.118 (blob
// e9bdb4aa3b9b; docs/upstream.md) — probe, negotiation, relations, D0 entry
// (with its one retry inside hv_pci_enter_d0, no new relations query), bridge
// windows, RESOURCES_ASSIGNED(2), prepopulate_bars, the root bus, config
// access, MSI composition and retargeting, eject, remove; every function in
// its order and with its name. The listing is our own pseudo-C rendering of
// that logic, not the Linux source.
import { S, T, If, For, While, Break, Continue, Label, decl, goto, ret, wait, type Cond, type Node, type ReturnAction } from '../../../runtime/program';
import { rd8, rd16, rd32, rds32, rd64, complView } from '../kernel';
import { MSG } from '../../protocol';
import * as M from '../messages';
import { PV_READ, descBytes, zeroIntLinePin, matchReported } from '../pv-config';
import {
  children, complete, devfnToWslot, getPcichildWslot, hbus, initCompletion, memConfig, nextRequestId, pciDev, requestAddrMatch, dropRequestId, wslotToDevfn,
  type Desc, type HvPciDev, type IntDesc, type K, type RequestorEntry,
} from './state';
import { fn, call, enqueue, type D, type ProbeLabel } from './protos';

/** vmbus_sendpacket on a rescinded channel fails with -ENODEV (hv_ringbuffer_write, drivers/hv/ring_buffer.c @ v6.12.118). */
const SEND_ON_RESCIND = 'fail';

const FILE = 'linux/pci-hyperv.c';

// pci-hyperv.c constants (torvalds/linux drivers/pci/controller/pci-hyperv.c).
export const PCI_CONFIG_MMIO_LENGTH = 0x2000;
export const CFG_PAGE_OFFSET = 0x1000;
export const CFG_PAGE_SIZE = PCI_CONFIG_MMIO_LENGTH - CFG_PAGE_OFFSET;
const STATUS_REVISION_MISMATCH = 0xc0000059 | 0;
/** hv_pci_onchannelcallback(): const int packet_size = 0x100. */
const PACKET_SIZE = 0x100;
/** sizeof(struct pci_response): vmpacket_descriptor (16) + status (4). */
const SIZEOF_PCI_RESPONSE = 20;
/** sizeof(struct pci_q_res_req_response): response + probed_bar[6]. */
const SIZEOF_Q_RES_REQ_RESPONSE = 44;
/** sizeof(struct pci_create_int_response): response + reserved + tran_int_desc. */
const SIZEOF_CREATE_INT_RESPONSE = 40;
const VM_PKT_DATA_INBAND = 6;
const VM_PKT_COMP = 11;
const PCI_BUS_RELATIONS = 0x42490000;
const PCI_EJECT = 0x4249000b;
const PCI_INVALIDATE_BLOCK = 0x42490012;
const PCI_BUS_RELATIONS2 = 0x42490019;
export const PROTO_1_1 = 0x00010001;
export const PROTO_1_2 = 0x00010002;
export const PROTO_1_3 = 0x00010003;
export const PROTO_1_4 = 0x00010004;
/** pci_protocol_versions[]: newest first. */
export const PCI_PROTOCOL_VERSIONS = [PROTO_1_4, PROTO_1_3, PROTO_1_2, PROTO_1_1];
const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
const PCI_COMMAND_MEMORY = 0x2;
/** HZ-based waits, in virtual ns. */
const HZ_NS = 1_000_000_000;
const EPROTO = 71;
const ENODEV = 19;
const ETIMEDOUT = 110;
const ENOMEM = 12;
const ENOSPC = 28;
const EAGAIN = 11;
const ENOBUFS = 55;
const ENOENT = 2;
/** HV_PARTITION_ID_SELF, the multi-MSI dummy vector and CPU_AFFINITY_ALL (pci-hyperv.c). */
const CPU_AFFINITY_ALL = 0xffffffffffffffffn;
const MULTI_MSI_DUMMY_VECTOR = 32;

/** A kernel mutex (hbus->state_lock): taken by probe and by both work items. */
function mutexLock<L>(text: string): Node<K, L> {
  return S(text, (k: K) => {
    const h = hbus(k);
    if (h.state_lock !== null && h.state_lock !== k.thread.id) return wait(k.key('state_lock'), 'mutex_lock(&hbus->state_lock)');
    h.state_lock = k.thread.id;
    return undefined;
  });
}
function mutexUnlock<L>(text: string, then?: (k: K, l: L) => ReturnAction | void): Node<K, L> {
  return S(text, (k: K, l: L) => {
    hbus(k).state_lock = null;
    k.wake('state_lock');
    return then ? then(k, l) : undefined;
  });
}

/** A `case X:` or `label:` block: rendered without a closing brace. */
function Case<L>(text: string, cond: Cond<K, L>, body: Node<K, L>[], close = ''): Node<K, L> {
  return { ...If(text, cond, body), close } as Node<K, L>;
}

/** "goto <label>;" in hv_pci_probe: run the error path, then return its result. */
function gotoFail<L extends { ret: number }>(stage: ProbeLabel): Node<K, L>[] {
  return [
    S(`goto ${stage};`, (_k: K, l: L) => call('hv_pci_probe_fail', { ret: l.ret, stage }, 'ret')),
    S('return ret;  /* from the error path */', (_k: K, l: L) => ret(l.ret)),
  ];
}

/** Waits until this bus's workqueue is empty and idle (flush_workqueue / destroy_workqueue). */
function flushWorkqueue<L>(text: string): Node<K, L> {
  return S(text, (k: K) =>
    k.sc.taskq.length === 0 && !k.sc.taskqBusy ? undefined : wait(k.key('taskq:idle'), 'flush_workqueue(hbus->wq)'),
  );
}

/** Sends a request with a completion: allocates a requestor id bound to (func, comp). */
function sendRc(k: K, payload: Uint8Array, func: RequestorEntry['func'], comp: string): { ret: number; id: bigint } {
  const id = nextRequestId(k, func, comp);
  if (id === 0n) return { ret: EAGAIN, id };
  const r = k.send(payload, true, id, SEND_ON_RESCIND);
  if (r !== 0) dropRequestId(k, id);
  return { ret: r === 0 ? 0 : -r, id };
}

/** Decodes one relations descriptor field by field (pci_function_description[2]: 20 / 28 bytes). */
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

/** get_bar_size(): round_up(1 + ~(bar_val & PCI_BASE_ADDRESS_MEM_MASK), PAGE_SIZE) on a 64-bit probed value. */
export function getBarSize(lo: number, hi: number): number {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt((lo & ~0xf) >>> 0);
  const size = ((~v & 0xffffffffffffffffn) + 1n) & 0xffffffffffffffffn;
  const page = 0x1000n;
  return Number(((size + page - 1n) / page) * page);
}

/** The probed BARs of one child as (index, size, 64-bit) — survey_child_resources and prepopulate_bars walk them alike. */
function probedBars(c: HvPciDev): { i: number; size: number; high: boolean }[] {
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
function pow2Floor(x: number): number {
  let p = 1;
  while (p * 2 <= x) p *= 2;
  return x > 0 ? p : 0;
}

export function pciHypervFunctions(): D[] {
  const probe = fn('hv_pci_probe')<{ dom_req: number; dom: number; name: string; ret: number }>({
    file: FILE,
    doc: ['/* hv_pci_probe() - New VMBus channel probe, for a root PCI bus */'],
    signature: ['static int', 'hv_pci_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *dev_id)'],
    params: [],
    locals: [
      decl('struct pci_host_bridge *bridge;', (v) => (v.sc.hbus ? `pci_host_bridge of ${v.busName} (domain ${v.sc.hbus.domain.toString(16).padStart(4, '0')})` : undefined)),
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
          wq: false,
          irq_domain: false,
        };
      }),
      S('hbus->bridge = bridge; mutex_init(&hbus->state_lock); hbus->state = hv_pcibus_init; hbus->wslot_res_allocated = -1;'),
      S('dom_req = hdev->dev_instance.b[5] << 8 | hdev->dev_instance.b[4];', (k, l) => {
        // pci-hyperv.c hv_pci_probe: bytes 5 and 4 of the instance GUID.
        l.dom_req = (k.instanceBytes[5]! << 8) | k.instanceBytes[4]!;
      }),
      S('dom = hv_get_dom_num(dom_req);', (k, l) => {
        l.dom = l.dom_req === 0 ? 1 : l.dom_req; // domain 0 is HVPCI_DOM_INVALID, taken at module init
        hbus(k).domain = l.dom;
      }),
      S('hbus->bridge->domain_nr = dom; hbus->sysdata.domain = dom; hbus->hdev = hdev;'),
      S('INIT_LIST_HEAD(&hbus->children); INIT_LIST_HEAD(&hbus->dr_list); spin_lock_init(&hbus->config_lock); spin_lock_init(&hbus->device_list_lock);'),
      S('hbus->wq = alloc_ordered_workqueue("hv_pci_%x", 0, hbus->bridge->domain_nr);', (k) => {
        hbus(k).wq = true;
      }),
      S('hdev->channel->rqstor_size = HV_PCI_RQSTOR_SIZE;  /* transaction ids 1..64 */'),
      S('ret = vmbus_open(hdev->channel, pci_ring_size, pci_ring_size, NULL, 0, hv_pci_onchannelcallback, hbus);', (k, l) => {
        // pci_ring_size = VMBUS_RING_SIZE(16 KiB) (pci-hyperv.c).
        l.ret = k.chanOpen(4 * 4096, 4 * 4096) === 0 ? 0 : -ENODEV;
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
      S('hbus->state = hv_pcibus_probed;', (k) => { hbus(k).state = 'hv_pcibus_probed'; }),
      T(),
      S('ret = create_root_hv_pci_bus(hbus);', () => call('create_root_hv_pci_bus', {}, 'ret')),
      If('if (ret)', (_k, l) => l.ret !== 0, gotoFail('free_windows')),
      T(),
      mutexUnlock('mutex_unlock(&hbus->state_lock);'),
      S('return 0;', () => ret(0)),
    ],
  });

  // The error labels of hv_pci_probe(), as one function so each "goto" is one step.
  const STAGES: ProbeLabel[] = ['free_windows', 'exit_d0', 'release_state_lock', 'free_irq_domain', 'free_fwnode', 'unmap', 'free_config', 'close', 'destroy_wq', 'free_dom', 'free_bus'];
  type FailL = { stage: ProbeLabel; ret: number; ignored: number };
  const from = (stage: ProbeLabel) => (_k: K, l: FailL) => STAGES.indexOf(l.stage) <= STAGES.indexOf(stage);
  const probeFail = fn('hv_pci_probe_fail')<{ ignored: number }>({
    file: FILE,
    doc: [
      '/*',
      ' * Not a function of pci-hyperv.c: the error labels at the end of',
      ' * hv_pci_probe(), shown as a frame of their own so that each "goto" is one',
      ' * step. Entered at the label the goto names; falls through the labels below',
      ' * it, as the C does.',
      ' */',
    ],
    signature: ['static int', 'hv_pci_probe_fail(struct hv_device *hdev, int ret, label)'],
    params: ['ret', 'stage'],
    body: [
      Case('free_windows:', from('free_windows'), [S('hv_pci_free_bridge_windows(hbus);', () => call('hv_pci_free_bridge_windows'))]),
      Case('exit_d0:', from('exit_d0'), [S('(void) hv_pci_bus_exit(hdev, true);', () => call('hv_pci_bus_exit', { keep_devs: true }, 'ignored'))]),
      Case('release_state_lock:', from('release_state_lock'), [mutexUnlock<FailL>('mutex_unlock(&hbus->state_lock);')]),
      Case('free_irq_domain:', from('free_irq_domain'), [S('irq_domain_remove(hbus->irq_domain);', (k) => { hbus(k).irq_domain = false; })]),
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
      Case('destroy_wq:', from('destroy_wq'), [S('destroy_workqueue(hbus->wq);', (k) => { hbus(k).wq = false; })]),
      Case('free_dom:', from('free_dom'), [S('hv_put_dom_num(hbus->bridge->domain_nr);')]),
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
      For('for (i = 0; i < num_version; i++) {', (_k, l) => { l.i = 0; l.ret = 0; }, (_k, l) => l.i < l.versions.length, (_k, l) => { l.i++; }, [
        S('version_req->protocol_version = version[i];', (_k, l) => { l.version = l.versions[l.i]; }),
        S('ret = vmbus_sendpacket(hdev->channel, version_req, sizeof(struct pci_version_request), (unsigned long)pkt, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);', (k, l) => {
          l.ret = sendRc(k, M.queryProtocolVersion(l.version), 'hv_pci_generic_compl', 'version').ret;
        }),
        If('if (!ret) {', (_k, l) => !l.ret, [S('ret = wait_for_response(hdev, &comp_pkt.host_event);', () => call('wait_for_response', { c: 'version' }, 'ret'))]),
        If('if (ret) {', (_k, l) => l.ret !== 0, [
          S('dev_err(&hdev->device, "PCI Pass-through VSP failed to request version: %d", ret);', (k, l) =>
            k.log(`hv_pci: PCI Pass-through VSP failed to request version: ${l.ret}`),
          ),
          S('goto exit;', (_k, l) => ret(l.ret)),
        ]),
        If('if (comp_pkt.completion_status >= 0) {', (k) => k.sc.comps.version.status >= 0, [
          S('hbus->protocol_version = version[i];', (k, l) => { hbus(k).protocol_version = l.version; }),
          S('dev_info(&hdev->device, "PCI VMBus probing: Using version %#x\\n", hbus->protocol_version);', (k) =>
            k.log(`hv_pci: PCI VMBus probing: Using version 0x${hbus(k).protocol_version.toString(16)}`),
          ),
          S('goto exit;', () => ret(0)),
        ]),
        If('if (comp_pkt.completion_status != STATUS_REVISION_MISMATCH) {', (k) => k.sc.comps.version.status !== STATUS_REVISION_MISMATCH, [
          S('dev_err(&hdev->device, "PCI Pass-through VSP failed version request: %#x", comp_pkt.completion_status);', (k) =>
            k.log(`hv_pci: PCI Pass-through VSP failed version request: 0x${(k.sc.comps.version.status >>> 0).toString(16)}`),
          ),
          S('ret = -EPROTO; goto exit;', () => ret(-EPROTO)),
        ]),
        S('reinit_completion(&comp_pkt.host_event);', (k) => initCompletion(k, 'version')),
      ]),
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
      S('/* hbus->survey_event = &comp */', (k) => { hbus(k).survey_event = 'survey'; }),
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
    doc: ['/* Sum the children\'s BAR sizes: 64-bit BARs to high MMIO, 32-bit BARs to low MMIO. */'],
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
      For('list_for_each_entry(hpdev, &hbus->children, list_entry) {', (k, l) => {
        l.list = children(k).map((c) => c.desc.wslot);
        l.ci = 0;
      }, (_k, l) => l.ci < l.list.length, (_k, l) => { l.ci++; }, [
        S('for (i = 0; i < PCI_STD_NUM_BARS; i++) { bar_size = get_bar_size(probed_bar[i] (| probed_bar[i + 1] << 32)); ... }', (k, l) => {
          const c = getPcichildWslot(k, l.list[l.ci]);
          if (!c) return;
          // The walk skips the upper half of a 64-bit BAR (probed_bar[++i]), so only visited entries are checked for I/O.
          for (const b of probedBars(c)) {
            if ((c.probed_bar[b.i]! & PCI_BASE_ADDRESS_SPACE_IO) !== 0) k.log("hv_pci: There's an I/O BAR in this list!");
            if (b.high) hbus(k).high_mmio_space += b.size;
            else hbus(k).low_mmio_space += b.size;
          }
        }),
      ]),
      S('complete(event);', (k, l) => complete(k, l.event!)),
      S('return;', () => ret()),
    ],
  });

  // At v6.12.118 the one D0-entry retry (kdump: the host may still hold the resources) lives here, not
  // in hv_pci_probe: release the children's resources and exit D0 (hv_pci_bus_exit, keep_devs), then
  // send D0 entry again — with no new relations query.
  const enterD0 = fn('hv_pci_enter_d0')<{ mmio_base: number; retry: boolean; ret: number }>({
    file: FILE,
    doc: ['/* hv_pci_enter_d0() - Bring the "bus" into the D0 power state */'],
    signature: ['static int', 'hv_pci_enter_d0(struct hv_device *hdev)'],
    params: [],
    locals: [
      decl('struct pci_bus_d0_entry *d0_entry;', (_v, l) => (l.mmio_base === undefined ? undefined : { message_type: { type: MSG.PCI_BUS_D0ENTRY }, mmio_base: l.mmio_base })),
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
      S('d0_entry->mmio_base = hbus->mem_config->start;', (k, l) => { l.mmio_base = memConfig(k).start; }),
      S('ret = vmbus_sendpacket(hdev->channel, d0_entry, sizeof(*d0_entry), (unsigned long)pkt, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);', (k, l) => {
        l.ret = sendRc(k, M.d0Entry(l.mmio_base), 'hv_pci_generic_compl', 'd0').ret;
      }),
      If('if (!ret)', (_k, l) => !l.ret, [S('ret = wait_for_response(hdev, &comp_pkt.host_event);', () => call('wait_for_response', { c: 'd0' }, 'ret'))]),
      If('if (ret)', (_k, l) => l.ret !== 0, [S('goto exit;', (_k, l) => ret(l.ret))]),
      If('if (comp_pkt.completion_status < 0 && retry) {', (k, l) => k.sc.comps.d0.status < 0 && l.retry, [
        S('retry = false;', (_k, l) => { l.retry = false; }),
        S('dev_err(&hdev->device, "Retrying D0 Entry\\n");', (k) => k.log('hv_pci: Retrying D0 Entry')),
        S('hbus->wslot_res_allocated = 255;', (k) => { hbus(k).wslot_res_allocated = 255; }),
        S('ret = hv_pci_bus_exit(hdev, true);', () => call('hv_pci_bus_exit', { keep_devs: true }, 'ret')),
        If('if (ret == 0) {', (_k, l) => l.ret === 0, [
          S('kfree(pkt);'),
          S('goto enter_d0_retry;', () => goto('enter_d0_retry')),
        ]),
        S('dev_err(&hdev->device, "Retrying D0 failed with ret %d\\n", ret);', (k, l) => k.log(`hv_pci: Retrying D0 failed with ret ${l.ret}`)),
      ]),
      If('if (comp_pkt.completion_status < 0) {', (k) => k.sc.comps.d0.status < 0, [
        S('dev_err(&hdev->device, "PCI Pass-through VSP failed D0 Entry with status %x\\n", comp_pkt.completion_status);', (k) =>
          k.log(`hv_pci: PCI Pass-through VSP failed D0 Entry with status ${(k.sc.comps.d0.status >>> 0).toString(16)}`),
        ),
        S('ret = -EPROTO; goto exit;', () => ret(-EPROTO)),
      ]),
      S('ret = 0;', (_k, l) => { l.ret = 0; }),
      S('exit: kfree(pkt); return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  const allocWindows = fn('hv_pci_allocate_bridge_windows')<{ align: number; ret: number }>({
    file: FILE,
    doc: ['/* Up-front bridge windows sized by survey_child_resources(), aligned to the largest power of two <= size. */'],
    signature: ['static int', 'hv_pci_allocate_bridge_windows(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      If('if (hbus->low_mmio_space) {', (k) => hbus(k).low_mmio_space > 0, [
        S('align = 1ULL << (63 - __builtin_clzll(hbus->low_mmio_space));', (k, l) => { l.align = pow2Floor(hbus(k).low_mmio_space); }),
        S('ret = vmbus_allocate_mmio(&hbus->low_mmio_res, hbus->hdev, 0, (u64)(u32)-1, hbus->low_mmio_space, align, false);', (k, l) => {
          const base = k.allocMmio(hbus(k).low_mmio_space, l.align, 0, 0xffffffff, `${k.busName} low window`);
          hbus(k).low_mmio_res = base === undefined ? null : { start: base, size: hbus(k).low_mmio_space, used: [] };
          l.ret = base === undefined ? -ENOSPC : 0;
        }),
        If('if (ret) {', (_k, l) => l.ret !== 0, [
          S('dev_err(&hbus->hdev->device, "Need %#llx of low MMIO space. Consider reconfiguring the VM.\\n", hbus->low_mmio_space);', (k) =>
            k.log(`hv_pci: Need 0x${hbus(k).low_mmio_space.toString(16)} of low MMIO space. Consider reconfiguring the VM.`),
          ),
          S('return ret;', (_k, l) => ret(l.ret)),
        ]),
        S('hbus->low_mmio_res->flags |= IORESOURCE_WINDOW; pci_add_resource(&hbus->bridge->windows, hbus->low_mmio_res);'),
      ]),
      If('if (hbus->high_mmio_space) {', (k) => hbus(k).high_mmio_space > 0, [
        S('align = 1ULL << (63 - __builtin_clzll(hbus->high_mmio_space));', (k, l) => { l.align = pow2Floor(hbus(k).high_mmio_space); }),
        S('ret = vmbus_allocate_mmio(&hbus->high_mmio_res, hbus->hdev, 0x100000000, -1, hbus->high_mmio_space, align, false);', (k, l) => {
          const base = k.allocMmio(hbus(k).high_mmio_space, l.align, 0x1_0000_0000, Number.MAX_SAFE_INTEGER, `${k.busName} high window`);
          hbus(k).high_mmio_res = base === undefined ? null : { start: base, size: hbus(k).high_mmio_space, used: [] };
          l.ret = base === undefined ? -ENOSPC : 0;
        }),
        If('if (ret) {', (_k, l) => l.ret !== 0, [
          S('dev_err(&hbus->hdev->device, "Need %#llx of high MMIO space. Consider reconfiguring the VM.\\n", hbus->high_mmio_space);', (k) =>
            k.log(`hv_pci: Need 0x${hbus(k).high_mmio_space.toString(16)} of high MMIO space. Consider reconfiguring the VM.`),
          ),
          S('goto release_low_mmio;', (k, l) => {
            const low = hbus(k).low_mmio_res;
            if (low) k.freeMmio(low.start);
            hbus(k).low_mmio_res = null;
            return ret(l.ret);
          }),
        ]),
        S('hbus->high_mmio_res->flags |= IORESOURCE_WINDOW; pci_add_resource(&hbus->bridge->windows, hbus->high_mmio_res);'),
      ]),
      S('return 0;', () => ret(0)),
    ],
  });

  const freeWindows = fn('hv_pci_free_bridge_windows')({
    file: FILE,
    signature: ['static void', 'hv_pci_free_bridge_windows(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      If('if (hbus->low_mmio_space && hbus->low_mmio_res) {', (k) => !!hbus(k).low_mmio_res, [
        S('vmbus_free_mmio(hbus->low_mmio_res->start, resource_size(hbus->low_mmio_res));', (k) => {
          k.freeMmio(hbus(k).low_mmio_res!.start);
          hbus(k).low_mmio_res = null;
        }),
      ]),
      If('if (hbus->high_mmio_space && hbus->high_mmio_res) {', (k) => !!hbus(k).high_mmio_res, [
        S('vmbus_free_mmio(hbus->high_mmio_res->start, resource_size(hbus->high_mmio_res));', (k) => {
          k.freeMmio(hbus(k).high_mmio_res!.start);
          hbus(k).high_mmio_res = null;
        }),
      ]),
      S('return;', () => ret()),
    ],
  });

  const resourcesAllocated = fn('hv_send_resources_allocated')<{ v2: boolean; ret: number; wslot: number; hpdev: number | null; pkt: Uint8Array }>({
    file: FILE,
    doc: ['/* Sent only to drive the host\'s state machine forward: the ranges are all zero. */'],
    signature: ['static int', 'hv_send_resources_allocated(struct hv_device *hdev)'],
    params: [],
    body: [
      S('size_res = (hbus->protocol_version < PCI_PROTOCOL_VERSION_1_2) ? sizeof(*res_assigned) : sizeof(*res_assigned2);', (k, l) => {
        l.v2 = hbus(k).protocol_version >= PROTO_1_2;
        l.ret = 0;
      }),
      For('for (wslot = 0; wslot < 256; wslot++) {', (_k, l) => { l.wslot = 0; }, (_k, l) => l.wslot < 256, (_k, l) => { l.wslot++; }, [
        S('hpdev = get_pcichild_wslot(hbus, wslot);', (k, l) => { l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null; }),
        If('if (!hpdev) {', (_k, l) => l.hpdev === null, [Continue()]),
        S('init_completion(&comp_pkt.host_event); pkt->completion_func = hv_pci_generic_compl;', (k, l) => initCompletion(k, `ra${l.wslot}`)),
        If(
          'if (hbus->protocol_version < PCI_PROTOCOL_VERSION_1_2) {',
          (_k, l) => !l.v2,
          [S('res_assigned->message_type.type = PCI_RESOURCES_ASSIGNED; res_assigned->wslot.slot = hpdev->desc.win_slot.slot;', (_k, l) => {
            l.pkt = M.resourcesAssigned(l.wslot);
          })],
          [S('res_assigned2->message_type.type = PCI_RESOURCES_ASSIGNED2; res_assigned2->wslot.slot = hpdev->desc.win_slot.slot;', (_k, l) => {
            l.pkt = M.resourcesAssigned2(l.wslot);
          })],
        ),
        S('ret = vmbus_sendpacket(hdev->channel, &pkt->message, size_res, (unsigned long)pkt, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);', (k, l) => {
          l.ret = sendRc(k, l.pkt, 'hv_pci_generic_compl', `ra${l.wslot}`).ret;
        }),
        If('if (!ret) {', (_k, l) => !l.ret, [
          S('ret = wait_for_response(hdev, &comp_pkt.host_event);', (_k, l) => call('wait_for_response', { c: `ra${l.wslot}` }, 'ret')),
        ]),
        If('if (ret) {', (_k, l) => l.ret !== 0, [Break()]),
        If('if (comp_pkt.completion_status < 0) {', (k, l) => k.sc.comps[`ra${l.wslot}`].status < 0, [
          S('ret = -EPROTO;', (_k, l) => { l.ret = -EPROTO; }),
          S('dev_err(&hdev->device, "resource allocated returned 0x%x", comp_pkt.completion_status);', (k, l) =>
            k.log(`hv_pci: resource allocated returned 0x${(k.sc.comps[`ra${l.wslot}`].status >>> 0).toString(16)}`),
          ),
          Break(),
        ]),
        S('hbus->wslot_res_allocated = wslot;', (k, l) => { hbus(k).wslot_res_allocated = l.wslot; }),
      ]),
      S('return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  const resourcesReleased = fn('hv_send_resources_released')<{ wslot: number; hpdev: number | null; ret: number }>({
    file: FILE,
    signature: ['static int', 'hv_send_resources_released(struct hv_device *hdev)'],
    params: [],
    body: [
      For('for (wslot = hbus->wslot_res_allocated; wslot >= 0; wslot--) {', (k, l) => { l.wslot = hbus(k).wslot_res_allocated; }, (_k, l) => l.wslot >= 0, (_k, l) => { l.wslot--; }, [
        S('hpdev = get_pcichild_wslot(hbus, wslot);', (k, l) => { l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null; }),
        If('if (!hpdev) {', (_k, l) => l.hpdev === null, [Continue()]),
        S('pkt.message_type.type = PCI_RESOURCES_RELEASED; pkt.wslot.slot = hpdev->desc.win_slot.slot;'),
        S('ret = vmbus_sendpacket(hdev->channel, &pkt, sizeof(pkt), 0, VM_PKT_DATA_INBAND, 0);', (k, l) => {
          const r = k.send(M.resourcesReleased(l.wslot), false, 0n, SEND_ON_RESCIND);
          l.ret = r === 0 ? 0 : -r;
        }),
        If('if (ret) {', (_k, l) => l.ret !== 0, [S('return ret;', (_k, l) => ret(l.ret))]),
        S('hbus->wslot_res_allocated = wslot - 1;', (k, l) => { hbus(k).wslot_res_allocated = l.wslot - 1; }),
      ]),
      S('hbus->wslot_res_allocated = -1;', (k) => { hbus(k).wslot_res_allocated = -1; }),
      S('return 0;', () => ret(0)),
    ],
  });

  const prepopulate = fn('prepopulate_bars')<{ low_size: number; high_size: number; low_base: number; high_base: number; list: number[]; ci: number; command: number; stop: boolean; writes: [number, number][]; wi: number }>({
    file: FILE,
    doc: [
      '/*',
      ' * Assign BAR addresses inside the bridge windows before the PCI core scans,',
      ' * largest size class first, with Memory Space Enable left off so the host',
      ' * does not remap the BARs on every probe.',
      ' */',
    ],
    signature: ['static void', 'prepopulate_bars(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      S('low_size/high_size = largest power of two <= space; low_base/high_base = window starts;', (k, l) => {
        const h = hbus(k);
        l.low_size = h.low_mmio_space ? pow2Floor(h.low_mmio_space) : 0;
        l.high_size = h.high_mmio_space ? pow2Floor(h.high_mmio_space) : 0;
        l.low_base = h.low_mmio_res ? h.low_mmio_res.start : 0;
        l.high_base = h.high_mmio_res ? h.high_mmio_res.start : 0;
        l.list = children(k).map((c) => c.desc.wslot);
      }),
      T('/* Clear the memory enable bit, in case it\'s already set. */'),
      For('list_for_each_entry(hpdev, &hbus->children, list_entry) {', (_k, l) => { l.ci = 0; }, (_k, l) => l.ci < l.list.length, (_k, l) => { l.ci++; }, [
        S('_hv_pcifront_read_config(hpdev, PCI_COMMAND, 2, &command);', (_k, l) =>
          call('_hv_pcifront_read_config', { wslot: l.list[l.ci], where: 0x04, size: 2 }, 'command'),
        ),
        S('command &= ~PCI_COMMAND_MEMORY; _hv_pcifront_write_config(hpdev, PCI_COMMAND, 2, command);', (_k, l) =>
          call('_hv_pcifront_write_config', { wslot: l.list[l.ci], where: 0x04, size: 2, val: l.command & ~PCI_COMMAND_MEMORY }),
        ),
      ]),
      T('/* Pick addresses for the BARs. */'),
      T('do {'),
      Label('size_class'),
      For('list_for_each_entry(hpdev, &hbus->children, list_entry) {', (_k, l) => { l.ci = 0; l.stop = false; }, (_k, l) => l.ci < l.list.length && !l.stop, (_k, l) => { l.ci++; }, [
        S('for (i = 0; i < PCI_STD_NUM_BARS; i++) { if (bar_size == this class) write the next base; }', (k, l) => {
          const c = getPcichildWslot(k, l.list[l.ci]);
          l.writes = [];
          if (!c) return;
          for (const b of probedBars(c)) {
            if (b.high) {
              if (l.high_size !== b.size) continue;
              l.writes.push([0x10 + 4 * b.i, (l.high_base % 0x1_0000_0000 & 0xffffff00) >>> 0]);
              l.writes.push([0x10 + 4 * (b.i + 1), Math.floor(l.high_base / 0x1_0000_0000) >>> 0]);
              l.high_base += b.size;
            } else {
              if (l.low_size !== b.size) continue;
              l.writes.push([0x10 + 4 * b.i, (l.low_base & 0xffffff00) >>> 0]);
              l.low_base += b.size;
            }
          }
          l.wi = 0;
        }),
        For('for (each BAR of this size class) {', undefined, (_k, l) => l.wi < l.writes.length, (_k, l) => { l.wi++; }, [
          S('_hv_pcifront_write_config(hpdev, PCI_BASE_ADDRESS_0 + (4 * i), 4, (u32)(base & 0xffffff00) or (u32)(high_base >> 32));', (_k, l) =>
            call('_hv_pcifront_write_config', { wslot: l.list[l.ci], where: l.writes[l.wi][0], size: 4, val: l.writes[l.wi][1] }),
          ),
        ]),
        If('if (high_size <= 1 && low_size <= 1) {', (_k, l) => l.high_size <= 1 && l.low_size <= 1, [
          S('break;  /* MSE stays off: the PCI core does not need it pre-set */', (_k, l) => { l.stop = true; }),
        ]),
      ]),
      S('high_size >>= 1; low_size >>= 1;', (_k, l) => {
        l.high_size = Math.floor(l.high_size / 2);
        l.low_size = Math.floor(l.low_size / 2);
      }),
      Case('} while (high_size || low_size);', (_k, l) => (l.high_size > 0 || l.low_size > 0) && !l.stop, [
        S('  /* next size class */', () => ({ kind: 'goto', label: 'size_class' })),
      ]),
      S('return;', () => ret()),
    ],
  });

  const createRoot = fn('create_root_hv_pci_bus')<{ error: number }>({
    file: FILE,
    doc: ['/* Hand the bus to the PCI core: scan, assign resources, add devices (drivers probe). */'],
    signature: ['static int', 'create_root_hv_pci_bus(struct hv_pcibus_device *hbus)'],
    params: [],
    body: [
      S('hbus->bridge->ops = &hv_pcifront_ops;  /* hv_pcifront_read_config / hv_pcifront_write_config */'),
      S('error = pci_scan_root_bus_bridge(hbus->bridge);', (k) => {
        k.sc.pci.root = true;
        return call('pci_scan_child_bus', {}, 'error');
      }),
      If('if (error) {', (_k, l) => !!l.error, [S('return error;', (_k, l) => ret(l.error))]),
      S('pci_lock_rescan_remove();'),
      S('hv_pci_assign_numa_node(hbus);  /* from relations2 flags; node 0 by default */'),
      S('pci_bus_assign_resources(hbus->bridge->bus);', () => call('pci_bus_assign_resources')),
      S('hv_pci_assign_slots(hbus);  /* slot names = serial numbers */'),
      S('pci_bus_add_devices(hbus->bridge->bus);', () => call('pci_bus_add_devices')),
      S('pci_unlock_rescan_remove();'),
      S('hbus->state = hv_pcibus_installed;', (k) => {
        hbus(k).state = 'hv_pcibus_installed';
        k.busState('attached');
      }),
      S('return 0;', () => ret(0)),
    ],
  });

  const readConfigInner = fn('_hv_pcifront_read_config')<{ offset: number; desc: Desc | null; val: number; partial: boolean }>({
    file: FILE,
    doc: ['/* Config reads: the IDs, ROM BAR and INTx registers are answered here; the rest through the window. */'],
    signature: ['static void', '_hv_pcifront_read_config(struct hv_pci_dev *hpdev, int where, int size, u32 *val)'],
    params: ['wslot', 'where', 'size'],
    body: [
      S('int offset = where + CFG_PAGE_OFFSET;', (k, l) => {
        l.offset = CFG_PAGE_OFFSET + l.where;
        l.desc = getPcichildWslot(k, l.wslot)?.desc ?? null;
      }),
      If('if (where + size <= PCI_COMMAND) {', (_k, l) => PV_READ.ids(l), [
        S('memcpy(val, ((u8 *)&hpdev->desc.v_id) + where, size);', (_k, l) =>
          ret(PV_READ.idsValue(l)),
        ),
      ]),
      If('else if (where >= PCI_CLASS_REVISION && where + size <= PCI_CACHE_LINE_SIZE) {', (_k, l) => PV_READ.classRev(l), [
        S('memcpy(val, ((u8 *)&hpdev->desc.rev) + where - PCI_CLASS_REVISION, size);', (_k, l) =>
          ret(PV_READ.classRevValue(l)),
        ),
      ]),
      If('else if (where >= PCI_SUBSYSTEM_VENDOR_ID && where + size <= PCI_ROM_ADDRESS) {', (_k, l) => PV_READ.subsystem(l), [
        S('memcpy(val, (u8 *)&hpdev->desc.subsystem_id + where - PCI_SUBSYSTEM_VENDOR_ID, size);', (_k, l) =>
          ret(PV_READ.subsystemValue(l)),
        ),
      ]),
      If('else if (where >= PCI_ROM_ADDRESS && where + size <= PCI_CAPABILITY_LIST) {', (_k, l) => PV_READ.rom(l), [
        S('*val = 0;  /* ROM BARs are unimplemented */', () => ret(0)),
      ]),
      If(
        'else if ((where >= PCI_INTERRUPT_LINE && where + size <= PCI_INTERRUPT_PIN) || (where >= PCI_INTERRUPT_PIN && where + size <= PCI_MIN_GNT)) {',
        (k, l) =>
          k.quirk('int-pin-single-byte-only')
            ? (l.where >= 0x3c && l.where + l.size <= 0x3d) || (l.where >= 0x3d && l.where + l.size <= 0x3e)
            : l.where <= 0x3d && l.where + l.size > 0x3c,
        [S('*val = 0;  /* no INTx: Linux handles legacy interrupts itself, the host does not */', (k, l) => {
          if (k.quirk('int-pin-single-byte-only') || l.size === 1) return ret(0);
          // QUIRK int-pin-single-byte-only off: zero only those bytes of a wider read.
          l.partial = true;
          return undefined;
        })],
      ),
      If('else if (where + size <= CFG_PAGE_SIZE) {', (_k, l) => l.where + l.size <= CFG_PAGE_SIZE, [
        S('spin_lock_irqsave(&hbus->config_lock, flags);'),
        S('writel(hpdev->desc.win_slot.slot, hbus->cfg_addr);  /* choose the function */', (k, l) => {
          k.mmioWrite(memConfig(k).start, 4, l.desc ? l.desc.wslot : l.wslot);
        }, 2),
        S('mb();'),
        S('*val = read{b,w,l}(hbus->cfg_addr + offset);', (k, l) => {
          l.val = k.mmioRead(memConfig(k).start + l.offset, l.size);
          if (l.partial) l.val = zeroIntLinePin(l.val, l.where, l.size);
        }, 2),
        S('mb();'),
        S('spin_unlock_irqrestore(&hbus->config_lock, flags);', (_k, l) => ret(l.val)),
      ]),
      S('else dev_err(dev, "Attempt to read beyond a function\'s config space.\\n");', (k, l) => {
        k.log("hv_pci: Attempt to read beyond a function's config space.");
        return ret(l.val ?? 0);
      }),
    ],
  });

  const writeConfigInner = fn('_hv_pcifront_write_config')<{ offset: number; desc: Desc | null }>({
    file: FILE,
    signature: ['static void', '_hv_pcifront_write_config(struct hv_pci_dev *hpdev, int where, int size, u32 val)'],
    params: ['wslot', 'where', 'size', 'val'],
    body: [
      S('int offset = where + CFG_PAGE_OFFSET;', (k, l) => {
        l.offset = CFG_PAGE_OFFSET + l.where;
        l.desc = getPcichildWslot(k, l.wslot)?.desc ?? null;
      }),
      If('if (where >= PCI_SUBSYSTEM_VENDOR_ID && where + size <= PCI_CAPABILITY_LIST) {', (_k, l) => l.where >= 0x2c && l.where + l.size <= 0x34, [
        S('/* SSIDs and ROM BARs are read-only */', () => ret()),
      ]),
      If('else if (where >= PCI_COMMAND && where + size <= CFG_PAGE_SIZE) {', (_k, l) => l.where >= 0x04 && l.where + l.size <= CFG_PAGE_SIZE, [
        S('spin_lock_irqsave(&hbus->config_lock, flags);'),
        S('writel(hpdev->desc.win_slot.slot, hbus->cfg_addr);  /* choose the function */', (k, l) => {
          k.mmioWrite(memConfig(k).start, 4, l.desc ? l.desc.wslot : l.wslot);
        }, 2),
        S('wmb();'),
        S('write{b,w,l}(val, hbus->cfg_addr + offset);', (k, l) => {
          k.mmioWrite(memConfig(k).start + l.offset, l.size, l.val >>> 0);
        }, 2),
        S('mb();'),
        S('spin_unlock_irqrestore(&hbus->config_lock, flags);', () => ret()),
      ]),
      S('else dev_err(dev, "Attempt to write beyond a function\'s config space.\\n");', (k) => {
        k.log("hv_pci: Attempt to write beyond a function's config space.");
        return ret();
      }),
    ],
  });

  const readConfig = fn('hv_pcifront_read_config')<{ wslot: number; hpdev: number | null; val: number }>({
    file: FILE,
    doc: ['/* struct pci_ops .read: PCI core config reads land here. */'],
    signature: ['static int', 'hv_pcifront_read_config(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 *val)'],
    params: ['devfn', 'where', 'size'],
    body: [
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.wslot = devfnToWslot(l.devfn);
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev) {', (_k, l) => l.hpdev === null, [
        S('return PCIBIOS_DEVICE_NOT_FOUND;  /* the core reads ~0 */', (_k, l) => ret(l.size === 4 ? 0xffffffff : l.size === 2 ? 0xffff : 0xff)),
      ]),
      S('_hv_pcifront_read_config(hpdev, where, size, val);', (_k, l) => call('_hv_pcifront_read_config', { wslot: l.wslot, where: l.where, size: l.size }, 'val')),
      S('return PCIBIOS_SUCCESSFUL;', (_k, l) => ret(l.val >>> 0)),
    ],
  });

  const writeConfig = fn('hv_pcifront_write_config')<{ wslot: number; hpdev: number | null }>({
    file: FILE,
    doc: ['/* struct pci_ops .write */'],
    signature: ['static int', 'hv_pcifront_write_config(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 val)'],
    params: ['devfn', 'where', 'size', 'val'],
    body: [
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(devfn));', (k, l) => {
        l.wslot = devfnToWslot(l.devfn);
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev) {', (_k, l) => l.hpdev === null, [S('return PCIBIOS_DEVICE_NOT_FOUND;', () => ret(-1))]),
      S('_hv_pcifront_write_config(hpdev, where, size, val);', (_k, l) =>
        call('_hv_pcifront_write_config', { wslot: l.wslot, where: l.where, size: l.size, val: l.val }),
      ),
      S('return PCIBIOS_SUCCESSFUL;', () => ret(0)),
    ],
  });

  const getVendorId = fn('hv_pcifront_get_vendor_id')<{ ret: number }>({
    file: FILE,
    doc: ['/* Reads the vendor ID through the window (not from the descriptor): 0xFFFF means the device is gone. */'],
    signature: ['static u16', 'hv_pcifront_get_vendor_id(struct hv_pci_dev *hpdev)'],
    params: ['wslot'],
    body: [
      // Once the bus is torn down the window is gone: an unmapped MMIO read returns all-ones.
      S('writel(hpdev->desc.win_slot.slot, hpdev->hbus->cfg_addr); mb();', (k, l) => {
        if (hbus(k).mem_config) k.mmioWrite(memConfig(k).start, 4, l.wslot);
      }),
      S('ret = readw(hpdev->hbus->cfg_addr + CFG_PAGE_OFFSET + PCI_VENDOR_ID); mb();', (k, l) => {
        l.ret = hbus(k).mem_config ? k.mmioRead(memConfig(k).start + CFG_PAGE_OFFSET, 2) : 0xffff;
      }),
      S('return ret;', (_k, l) => ret(l.ret)),
    ],
  });

  const compose = fn('hv_compose_msi_msg')<{ irq: number; multi_msi: boolean; nvec: number; chip_data: IntDesc | null; hpdev: number | null; vector: number; cpu: number; vector_count: number; comp: string; pkt: Uint8Array | null; ret: number; trans_id: string; vid: number; desc: IntDesc; until: number | undefined; gone: boolean }>({
    file: FILE,
    doc: [
      '/*',
      ' * irq_chip .irq_compose_msi_msg: ask the host to map this interrupt',
      ' * (CREATE_INTERRUPT v1/v2/v3 by protocol version) and busy-poll for the',
      ' * answer, since it is called with IRQ locks held.',
      ' */',
    ],
    signature: ['static void', 'hv_compose_msi_msg(struct irq_data *data, struct msi_msg *msg)'],
    params: ['wslot', 'index'],
    body: [
      S('pdev = msi_desc_to_pci_dev(irq_data_get_msi_desc(data)); multi_msi = !msi_desc->pci.msi_attrib.is_msix && nvec_used > 1;', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        const irq = p.irqs[l.index]!;
        l.irq = irq.irq;
        l.multi_msi = !p.msix_enabled && p.irqs.length > 1;
        l.nvec = p.irqs.length;
        l.chip_data = irq.chip_data;
      }),
      // Multi-MSI: a vector that already has its descriptor (the first: the host's block mapping; the
      // others: base data + index) reuses it on every later compose, e.g. the reactivation at
      // request_irq, so the block is mapped exactly once (torvalds/linux
      // drivers/pci/controller/pci-hyperv.c hv_compose_msi_msg, "Reuse the previous allocation").
      If('if (data->chip_data && multi_msi) {  /* Reuse the previous allocation */', (_k, l) => l.multi_msi && !!l.chip_data, [
        S('int_desc = data->chip_data; msg->address_hi = int_desc->address >> 32; msg->address_lo = int_desc->address & 0xffffffff; msg->data = int_desc->data; return;', (_k, l) =>
          ret({ ok: true, address: l.chip_data!.address, data: l.chip_data!.data, desc: null }),
        ),
      ]),
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(pdev->devfn));', (k, l) => { l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null; }),
      If('if (!hpdev) {', (_k, l) => l.hpdev === null, [S('goto return_null_message;', () => ret({ ok: false, address: 0, data: 0, desc: null }))]),
      If('if (data->chip_data && !multi_msi) {  /* Free any previous message */', (_k, l) => !!l.chip_data && !l.multi_msi, [
        S('int_desc = data->chip_data; data->chip_data = NULL;', (k, l) => { pciDev(k, l.wslot)!.irqs[l.index]!.chip_data = null; }),
        S('hv_int_desc_free(hpdev, int_desc);', (_k, l) => call('hv_int_desc_free', { wslot: l.wslot, desc: l.chip_data! })),
      ]),
      If(
        'if (multi_msi) {',
        (_k, l) => l.multi_msi,
        [
          // Not the first vector of the block: no message to the host; its descriptor is the first
          // vector's programmed address with data + (irq - first irq), and vector_count 0, so that
          // hv_int_desc_free sends no DELETE_INTERRUPT for it (pci-hyperv.c hv_compose_msi_msg).
          If('if (msi_desc->irq != data->irq) {  /* not the first MSI of Multi MSI: we already have a mapping */', (_k, l) => l.index > 0, [
            S('data->chip_data = int_desc; int_desc->address = msi_desc->msg.address; int_desc->data = msi_desc->msg.data + (data->irq - msi_desc->irq);', (k, l) => {
              // read the first vector's message now, from the device (locals hold plain data, never machine objects)
              const p = pciDev(k, l.wslot)!;
              const first = p.irqs[0]!;
              const desc: IntDesc = { vector_count: 0, address: first.addr, data: first.data + l.index };
              p.irqs[l.index]!.chip_data = desc;
              l.desc = desc;
            }),
            S('msg->address_hi = msi_desc->msg.address_hi; msg->address_lo = msi_desc->msg.address_lo; msg->data = int_desc->data; return;', (_k, l) =>
              ret({ ok: true, address: l.desc.address, data: l.desc.data, desc: null }),
            ),
          ]),
          S('vector = HV_MSI_DUMMY_VECTOR (32); vector_count = nvec; cpu = hv_compose_multi_msi_req_get_cpu();', (k, l) => {
            l.vector = MULTI_MSI_DUMMY_VECTOR;
            l.vector_count = l.nvec;
            const n = (hbus(k).multi_msi_cpu ?? 0) as number;
            l.cpu = n % Math.max(1, k.cpus);
            hbus(k).multi_msi_cpu = n + 1;
          }),
        ],
        [
          S('vector = hv_msi_get_int_vector(data); vector_count = 1; cpu = hv_compose_msi_req_get_cpu(dest);', (k, l) => {
            const info = k.irqInfo(l.irq);
            l.vector = info?.vector ?? 0;
            l.cpu = info?.cpu ?? 0;
            l.vector_count = 1;
          }),
        ],
      ),
      S('init_completion(&comp.comp_pkt.host_event); ctxt.pci_pkt.completion_func = hv_pci_compose_compl;', (k, l) => {
        l.comp = `msi${l.irq}`;
        initCompletion(k, l.comp);
      }),
      T('switch (hbus->protocol_version) {'),
      Case('case PCI_PROTOCOL_VERSION_1_1:', (k) => hbus(k).protocol_version === PROTO_1_1, [
        S('size = hv_compose_msi_req_v1(&ctxt.int_pkts.v1, hpdev->desc.win_slot.slot, (u8)vector, vector_count);', (_k, l) => {
          // v1 carries a CPU mask: CPU_AFFINITY_ALL (hv_compose_msi_req_v1).
          l.pkt = M.createInterrupt(l.wslot, { vector: l.vector, deliveryMode: 0, vectorCount: l.vector_count, cpuMask: CPU_AFFINITY_ALL });
        }),
        S('break;'),
      ]),
      Case('case PCI_PROTOCOL_VERSION_1_2: case PCI_PROTOCOL_VERSION_1_3:', (k) => hbus(k).protocol_version === PROTO_1_2 || hbus(k).protocol_version === PROTO_1_3, [
        S('size = hv_compose_msi_req_v2(&ctxt.int_pkts.v2, cpu, hpdev->desc.win_slot.slot, (u8)vector, vector_count);', (_k, l) => {
          l.pkt = M.createInterrupt2(l.wslot, { vector: l.vector, deliveryMode: 0, vectorCount: l.vector_count, cpus: [l.cpu] });
        }),
        S('break;'),
      ]),
      Case('case PCI_PROTOCOL_VERSION_1_4:', (k) => hbus(k).protocol_version === PROTO_1_4, [
        S('size = hv_compose_msi_req_v3(&ctxt.int_pkts.v3, cpu, hpdev->desc.win_slot.slot, vector, vector_count);', (_k, l) => {
          l.pkt = M.createInterrupt3(l.wslot, { vector: l.vector, deliveryMode: 0, vectorCount: l.vector_count, cpus: [l.cpu] });
        }),
        S('break;'),
      ]),
      Case('default:', (_k, l) => !l.pkt, [
        S('dev_err(&hbus->hdev->device, "Unexpected vPCI protocol, update driver."); goto free_int_desc;', (k) => {
          k.log('hv_pci: Unexpected vPCI protocol, update driver.');
          return ret({ ok: false, address: 0, data: 0, desc: null });
        }),
      ]),
      T('}'),
      S('ret = vmbus_sendpacket_getid(channel, &ctxt.int_pkts, size, (unsigned long)&ctxt.pci_pkt, &trans_id, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);', (k, l) => {
        const r = sendRc(k, l.pkt!, 'hv_pci_compose_compl', l.comp);
        l.ret = r.ret;
        l.trans_id = r.id.toString();
      }),
      If('if (ret) {', (_k, l) => l.ret !== 0, [
        S('dev_err(&hbus->hdev->device, "Sending request for interrupt failed: 0x%x", ...); goto free_int_desc;', (k, l) => {
          k.log(`hv_pci: Sending request for interrupt failed: ${l.ret}`);
          return ret({ ok: false, address: 0, data: 0, desc: null });
        }),
      ]),
      S('tasklet_disable_in_atomic(&channel->callback_event);', (k, l) => {
        l.gone = false;
        if (k.sc.tasklet_running) return wait(k.key('tasklet:idle'), 'tasklet_disable: the channel callback is running');
        k.sc.tasklet_disabled++;
        return undefined;
      }),
      While('while (!try_wait_for_completion(&comp.comp_pkt.host_event)) {', (k, l) => !k.sc.comps[l.comp].done, [
        S('vid = hv_pcifront_get_vendor_id(hpdev);  /* 0xFFFF means an invalid PCI VENDOR ID */', (_k, l) => call('hv_pcifront_get_vendor_id', { wslot: l.wslot }, 'vid')),
        If('if (vid == 0xFFFF) {', (_k, l) => l.vid === 0xffff, [
          S('dev_err_once(&hbus->hdev->device, "the device has gone\\n"); goto enable_tasklet;', (k, l) => {
            k.log('hv_pci: the device has gone');
            l.gone = true;
          }),
          Break('break;'),
        ]),
        If('if (unlikely(channel->onchannel_callback == NULL)) {', (k) => k.isRevoked() || hbus(k).state === 'closed', [
          S('goto enable_tasklet;', (_k, l) => { l.gone = true; }),
          Break('break;'),
        ]),
        S('hv_pci_onchannelcallback(hbus);  /* run the callback inline */', (k) => {
          k.sc.rxPending = false;
          return call('hv_pci_onchannelcallback');
        }),
        S('udelay(100);', (k, l) => {
          if (k.sc.comps[l.comp].done) return undefined;
          if (l.until === undefined) l.until = k.now() + 100_000;
          if (k.now() >= l.until || k.sc.rxPending) {
            delete l.until;
            return undefined;
          }
          return wait(k.key('rx'), 'udelay(100) while polling for the CREATE_INTERRUPT completion', l.until);
        }),
      ]),
      S('enable_tasklet: tasklet_enable(&channel->callback_event);', (k) => {
        k.sc.tasklet_disabled = Math.max(0, k.sc.tasklet_disabled - 1);
        k.wake('tasklet');
        if (k.sc.rxPending) k.wake('rx');
      }),
      If('if (gone) {  /* vPCI Lab: the loop was left by "goto enable_tasklet" */', (_k, l) => !!l.gone, [
        S('vmbus_request_addr_match(channel, trans_id, ...); goto free_int_desc;', (k, l) => {
          dropRequestId(k, BigInt(l.trans_id));
          return ret({ ok: false, address: 0, data: 0, desc: null });
        }),
      ]),
      If('if (comp.comp_pkt.completion_status < 0) {', (k, l) => k.sc.comps[l.comp].status < 0, [
        S('dev_err(&hbus->hdev->device, "Request for interrupt failed: 0x%x", comp.comp_pkt.completion_status); goto free_int_desc;', (k, l) => {
          k.log(`hv_pci: Request for interrupt failed: 0x${(k.sc.comps[l.comp].status >>> 0).toString(16)}`);
          return ret({ ok: false, address: 0, data: 0, desc: null });
        }),
      ]),
      S('*int_desc = comp.int_desc; data->chip_data = int_desc;', (k, l) => {
        const c = k.sc.comps[l.comp];
        const desc: IntDesc = { vector_count: c.vector_count ?? 0, data: c.data ?? 0, address: c.address ?? 0 };
        pciDev(k, l.wslot)!.irqs[l.index]!.chip_data = desc;
        l.desc = desc;
      }),
      S('msg->address_hi = comp.int_desc.address >> 32; msg->address_lo = comp.int_desc.address & 0xffffffff; msg->data = comp.int_desc.data;', (_k, l) =>
        ret({ ok: true, address: l.desc.address, data: l.desc.data, desc: l.desc }),
      ),
    ],
  });

  const unmask = fn('hv_irq_unmask')<{ irq: number; int_desc: IntDesc | null; devfn: number; device_id: number; vector: number; cpus: number[]; res: number }>({
    file: FILE,
    doc: ['/* irq_chip .irq_unmask: HVCALL_RETARGET_INTERRUPT sets the real vector and CPU set, then unmask in the device. */'],
    signature: ['static void', 'hv_irq_unmask(struct irq_data *data)'],
    params: ['wslot', 'index'],
    body: [
      S('int_desc = data->chip_data;', (k, l) => {
        const p = pciDev(k, l.wslot)!;
        const irq = p.irqs[l.index]!;
        l.irq = irq.irq;
        // Each vector's own descriptor, for MSI too: a multi-MSI vector k retargets (address, base data + k)
        // (pci-hyperv.c hv_arch_irq_unmask: int_desc = data->chip_data).
        l.int_desc = irq.chip_data ?? null;
        l.devfn = wslotToDevfn(l.wslot);
      }),
      If('if (!int_desc) {', (_k, l) => l.int_desc === null, [
        S('dev_warn(&hbus->hdev->device, "%s() can not unmask irq %u\\n", __func__, data->irq); return;', (k, l) => {
          k.log(`hv_pci: hv_irq_unmask() can not unmask irq ${l.irq}`);
          return ret();
        }),
      ]),
      S('params->partition_id = HV_PARTITION_ID_SELF; params->int_entry.source = HV_INTERRUPT_SOURCE_MSI;'),
      S('params->int_entry.msi_entry.address.as_uint32 = int_desc->address & 0xffffffff; params->int_entry.msi_entry.data.as_uint32 = int_desc->data;'),
      S('params->device_id = (b[5] << 24) | (b[4] << 16) | (b[7] << 8) | (b[6] & 0xf8) | PCI_FUNC(pdev->devfn);', (k, l) => {
        const b = k.instanceBytes;
        l.device_id = ((b[5]! << 24) | (b[4]! << 16) | (b[7]! << 8) | (b[6]! & 0xf8) | (l.devfn & 7)) >>> 0;
      }),
      S('params->int_target.vector = hv_msi_get_int_vector(data);', (k, l) => {
        const info = k.irqInfo(l.irq);
        l.vector = info?.vector ?? 0;
        l.cpus = [info?.cpu ?? 0];
      }),
      If(
        'if (hbus->protocol_version >= PCI_PROTOCOL_VERSION_1_2) {',
        (k) => hbus(k).protocol_version >= PROTO_1_2,
        [S('params->int_target.flags |= HV_DEVICE_INTERRUPT_TARGET_PROCESSOR_SET; nr_bank = cpumask_to_vpset(&params->int_target.vp_set, dest);')],
        [S('for_each_cpu_and(cpu, dest, cpu_online_mask) params->int_target.vp_mask |= (1ULL << hv_cpu_number_to_vp_number(cpu));')],
      ),
      S('res = hv_do_hypercall(HVCALL_RETARGET_INTERRUPT | (var_size << 17), params, NULL);', (k, l) => {
        l.res = k.retargetInterrupt(l.int_desc!.address % 0x1_0000_0000, l.int_desc!.data, l.vector, l.cpus);
      }, 2),
      If('if (!hv_result_success(res) && hbus->state != hv_pcibus_removing) {', (k, l) => l.res !== 0 && hbus(k).state !== 'hv_pcibus_removing', [
        S('dev_err(&hbus->hdev->device, "%s() failed: %#llx", __func__, res);', (k, l) => k.log(`hv_pci: hv_irq_unmask() failed: 0x${l.res.toString(16)}`)),
      ]),
      S('pci_msi_unmask_irq(data);', (_k, l) => call('pci_msi_unmask_irq', { wslot: l.wslot, index: l.index })),
      S('return;', () => ret()),
    ],
  });

  const msiFree = fn('hv_msi_free')<{ int_desc: IntDesc | null; hpdev: number | null }>({
    file: FILE,
    doc: ['/* msi_domain_ops .msi_free: DELETE_INTERRUPT for the saved mapping. */'],
    signature: ['static void', 'hv_msi_free(struct irq_domain *domain, struct msi_domain_info *info, unsigned int irq)'],
    params: ['wslot', 'index'],
    body: [
      S('int_desc = irq_data_get_irq_chip_data(irq_data);', (k, l) => {
        const p = pciDev(k, l.wslot);
        l.int_desc = p?.irqs[l.index]?.chip_data ?? null;
      }),
      If('if (!int_desc) {', (_k, l) => l.int_desc === null, [S('return;', () => ret())]),
      S('irq_data->chip_data = NULL;', (k, l) => { pciDev(k, l.wslot)!.irqs[l.index]!.chip_data = null; }),
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(pdev->devfn));', (k, l) => { l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null; }),
      If('if (!hpdev) {', (_k, l) => l.hpdev === null, [S('kfree(int_desc); return;', () => ret())]),
      S('hv_int_desc_free(hpdev, int_desc);', (_k, l) => call('hv_int_desc_free', { wslot: l.wslot, desc: l.int_desc! })),
      S('return;', () => ret()),
    ],
  });

  const intDescFree = fn('hv_int_desc_free')({
    file: FILE,
    signature: ['static void', 'hv_int_desc_free(struct hv_pci_dev *hpdev, struct tran_int_desc *int_desc)'],
    params: ['wslot', 'desc'],
    body: [
      If('if (!int_desc->vector_count) {', (_k, l) => !l.desc.vector_count, [S('kfree(int_desc); return;', () => ret())]),
      S('int_pkt->message_type.type = PCI_DELETE_INTERRUPT_MESSAGE; int_pkt->wslot.slot = hpdev->desc.win_slot.slot; int_pkt->int_desc = *int_desc;'),
      S('vmbus_sendpacket(hpdev->hbus->hdev->channel, int_pkt, sizeof(*int_pkt), 0, VM_PKT_DATA_INBAND, 0);', (k, l) => {
        k.send(M.deleteInterrupt(l.wslot, l.desc), false, 0n, SEND_ON_RESCIND);
      }),
      S('kfree(int_desc);', () => ret()),
    ],
  });

  const genericCompl = fn('hv_pci_generic_compl')({
    file: FILE,
    signature: ['static void', 'hv_pci_generic_compl(void *context, struct pci_response *resp, int resp_packet_size)'],
    params: ['comp', 'resp', 'resp_packet_size'],
    body: [
      S('comp_pkt->completion_status = resp->status;', (k, l) => {
        // A packet without a status reaches here only with the short-packet-drop quirk switched off
        // (the callback drops it otherwise); the C would read past it: we give it -1 (ours).
        k.sc.comps[l.comp].status = l.resp_packet_size >= SIZEOF_PCI_RESPONSE ? rds32(l.resp, 16) : -1;
      }),
      S('complete(&comp_pkt->host_event);', (k, l) => complete(k, l.comp)),
      S('return;', () => ret()),
    ],
  });

  const qResReq = fn('q_resource_requirements')<{ status: number }>({
    file: FILE,
    signature: ['static void', 'q_resource_requirements(void *context, struct pci_response *resp, int resp_packet_size)'],
    params: ['comp', 'resp', 'resp_packet_size'],
    body: [
      S('status = (resp_packet_size < sizeof(*q_res_req)) ? -1 : resp->status;', (_k, l) => {
        l.status = l.resp_packet_size < SIZEOF_Q_RES_REQ_RESPONSE ? -1 : rds32(l.resp, 16);
      }),
      If(
        'if (status < 0) {',
        (_k, l) => l.status < 0,
        [S('dev_err(&completion->hpdev->hbus->hdev->device, "query resource requirements failed: %x\\n", status);', (k, l) =>
          k.log(`hv_pci: query resource requirements failed: ${(l.status >>> 0).toString(16)}`),
        )],
        [S('for (i = 0; i < PCI_STD_NUM_BARS; i++) completion->hpdev->probed_bar[i] = q_res_req->probed_bar[i];', (k, l) => {
          k.sc.comps[l.comp].probed_bar = [0, 1, 2, 3, 4, 5].map((i) => rd32(l.resp, 20 + 4 * i));
        })],
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
      If('if (resp_packet_size < sizeof(*int_resp)) {', (_k, l) => l.resp_packet_size < SIZEOF_CREATE_INT_RESPONSE, [
        S('comp_pkt->comp_pkt.completion_status = -1; goto out;', (k, l) => { k.sc.comps[l.comp].status = -1; }),
      ], [
        S('comp_pkt->comp_pkt.completion_status = resp->status;', (k, l) => { k.sc.comps[l.comp].status = rds32(l.resp, 16); }),
        S('comp_pkt->int_desc = int_resp->int_desc;', (k, l) => {
          // struct pci_create_int_response: response(20) + reserved(4) + tran_int_desc{reserved u16, vector_count u16, data u32, address u64}.
          const c = k.sc.comps[l.comp];
          c.vector_count = rd16(l.resp, 26);
          c.data = rd32(l.resp, 28);
          c.address = rd64(l.resp, 32);
        }),
      ]),
      S('out: complete(&comp_pkt->comp_pkt.host_event);', (k, l) => complete(k, l.comp)),
      S('return;', () => ret()),
    ],
  });

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
      S('ret = vmbus_sendpacket(hbus->hdev->channel, res_req, sizeof(struct pci_child_message), (unsigned long)&pkt.init_packet, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);', (k, l) => {
        l.ret = sendRc(k, M.queryResourceRequirements(l.desc.wslot), 'q_resource_requirements', l.comp).ret;
      }),
      If('if (ret) {', (_k, l) => l.ret !== 0, [S('goto error;', () => ret(null))]),
      S('wret = wait_for_response(hbus->hdev, &comp_pkt.host_event);', (_k, l) => call('wait_for_response', { c: l.comp }, 'wret')),
      If('if (wret) {', (_k, l) => l.wret !== 0, [S('goto error;  /* kfree(hpdev); return NULL; */', () => ret(null))]),
      S('hpdev->desc = *desc; refcount_set(&hpdev->refs, 1); get_pcichild(hpdev);'),
      S('list_add_tail(&hpdev->list_entry, &hbus->children);', (k, l) => {
        const child: HvPciDev = { desc: l.desc, reported_missing: false, probed_bar: k.sc.comps[l.comp].probed_bar ?? [0, 0, 0, 0, 0, 0] };
        children(k).push(child);
      }),
      S('return hpdev;', (_k, l) => ret(l.desc.wslot)),
    ],
  });

  const presentWork = fn('pci_devices_present_work')<{ dr: Desc[] | null; child_no: number; new_desc: Desc; found: boolean; match: number | null; hpdev: number | null; removed: number[]; ri: number }>({
    file: FILE,
    doc: ['/* Runs on hbus->wq: reconcile the newest relations list with the children. */'],
    signature: ['static void', 'pci_devices_present_work(struct work_struct *work)'],
    params: [],
    body: [
      S('/* Pull this off the queue and process it if it was the last one. */', (k, l) => {
        const list = hbus(k).dr_list as Desc[][];
        l.dr = list.length ? list[list.length - 1] : null;
        list.length = 0;
      }),
      If('if (!dr) {', (_k, l) => l.dr === null, [S('return;', () => ret())]),
      mutexLock('mutex_lock(&hbus->state_lock);'),
      S('list_for_each_entry(hpdev, &hbus->children, list_entry) hpdev->reported_missing = true;', (k) => {
        for (const c of children(k)) c.reported_missing = true;
      }),
      For('for (child_no = 0; child_no < dr->device_count; child_no++) {', (_k, l) => { l.child_no = 0; }, (_k, l) => l.child_no < l.dr!.length, (_k, l) => { l.child_no++; }, [
        S('found = false; new_desc = &dr->func[child_no];', (k, l) => {
          l.new_desc = l.dr![l.child_no];
          l.found = false;
          l.match = matchReported(children(k), l.new_desc as Desc);
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
      ]),
      S('/* Move missing children to a list on the stack. */', (k, l) => {
        const list = children(k);
        l.removed = list.filter((c) => c.reported_missing).map((c) => c.desc.wslot);
        hbus(k).children = list.filter((c) => !c.reported_missing);
      }),
      For('while (!list_empty(&removed)) {', (_k, l) => { l.ri = 0; }, (_k, l) => l.ri < l.removed.length, (_k, l) => { l.ri++; }, [
        S('list_del(&hpdev->list_entry); if (hpdev->pci_slot) pci_destroy_slot(hpdev->pci_slot); put_pcichild(hpdev);'),
      ]),
      T('switch (hbus->state) {'),
      Case('case hv_pcibus_installed:', (k) => hbus(k).state === 'hv_pcibus_installed', [
        S('pci_lock_rescan_remove();'),
        S('pci_scan_child_bus(hbus->bridge->bus);  /* Tell the core to rescan bus because there may have been changes. */', () =>
          call('pci_scan_child_bus'),
        ),
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
      S('wslot = wslot_to_devfn(hpdev->desc.win_slot.slot);', (_k, l) => { l.devfn = wslotToDevfn(l.wslot); }),
      S('pdev = pci_get_domain_bus_and_slot(hbus->bridge->domain_nr, 0, wslot);', (k, l) => { l.pdev = pciDev(k, l.wslot) ? l.wslot : null; }),
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

  const callback = fn('hv_pci_onchannelcallback')<{ bufferlen: number; ret: number; bytes_recvd: number; pkt: Uint8Array | null; type: number; req_id: string; msgtype: number; comp_packet: RequestorEntry | null; ej: number; hpdev: number | null }>({
    file: FILE,
    doc: ['/* The channel callback (tasklet): completions by transaction id, relations, eject. */'],
    signature: ['static void', 'hv_pci_onchannelcallback(void *context)'],
    params: [],
    body: [
      S('const int packet_size = 0x100; int bufferlen = packet_size; buffer = kmalloc(bufferlen, GFP_ATOMIC);', (_k, l) => { l.bufferlen = PACKET_SIZE; }),
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
      If('if (ret || !bytes_recvd) {', (_k, l) => l.ret !== 0 || !l.bytes_recvd, [S('break;  /* Zero length indicates there are no more packets. */', () => ret())]),
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
          If('if (bytes_recvd < sizeof(*bus_rel) || bytes_recvd < struct_size(bus_rel, func, bus_rel->device_count)) {', (_k, l) => l.bytes_recvd < 24 || l.bytes_recvd < 24 + 20 * rd32(l.pkt!, 20), [
            S('dev_err(&hbus->hdev->device, "bus relations too small\\n"); break;', (k) => {
              k.log('hv_pci: bus relations too small');
              return { kind: 'goto', label: 'recv' };
            }),
          ]),
          S('hv_pci_devices_present(hbus, bus_rel);', (_k, l) => call('hv_pci_devices_present', { buf: l.pkt!, count: rd32(l.pkt!, 20) })),
          S('break;', () => ({ kind: 'goto', label: 'recv' })),
        ]),
        Case('case PCI_BUS_RELATIONS2:', (_k, l) => l.msgtype === PCI_BUS_RELATIONS2, [
          If('if (bytes_recvd < sizeof(*bus_rel2) || bytes_recvd < struct_size(bus_rel2, func, bus_rel2->device_count)) {', (_k, l) => l.bytes_recvd < 24 || l.bytes_recvd < 24 + 28 * rd32(l.pkt!, 20), [
            S('dev_err(&hbus->hdev->device, "bus relations v2 too small\\n"); break;', (k) => {
              k.log('hv_pci: bus relations v2 too small');
              return { kind: 'goto', label: 'recv' };
            }),
          ]),
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
          If('if (hpdev) {', (_k, l) => l.hpdev !== null, [S('hv_pci_eject_device(hpdev); put_pcichild(hpdev);', (_k, l) => call('hv_pci_eject_device', { wslot: l.ej }))]),
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
          If('if (hpdev) {', (_k, l) => l.hpdev !== null, [S('if (hpdev->block_invalidate) hpdev->block_invalidate(hpdev->invalidate_context, inval->block_mask); put_pcichild(hpdev);')]),
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
        S('hbus->state = hv_pcibus_removing;', (k) => { hbus(k).state = 'hv_pcibus_removing'; }),
        S('tasklet_enable(&hdev->channel->callback_event);', (k) => {
          k.sc.tasklet_disabled = Math.max(0, k.sc.tasklet_disabled - 1);
          k.wake('tasklet');
        }),
        flushWorkqueue('destroy_workqueue(hbus->wq); hbus->wq = NULL;  /* drains pending relations / eject work */'),
        T('/* Remove the bus from PCI\'s point of view. */'),
        S('pci_lock_rescan_remove();'),
        S('pci_stop_root_bus(hbus->bridge->bus);', () => call('pci_stop_root_bus')),
        S('hv_pci_remove_slots(hbus);'),
        S('pci_remove_root_bus(hbus->bridge->bus);', (k) => { k.sc.pci.root = false; }),
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
        hbus(k).state = 'detached';
        k.busState('detached');
      }),
      S('return;', () => ret()),
    ],
  });

  const busExit = fn('hv_pci_bus_exit')<{ removed: number[]; ret: number; trans_id: string; deadline: number | undefined; timed_out: boolean }>({
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
      S('ret = vmbus_sendpacket_getid(chan, pkt->message, sizeof(struct pci_message), (unsigned long)pkt, &trans_id, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);', (k, l) => {
        const r = sendRc(k, M.d0Exit(), 'hv_pci_generic_compl', 'd0exit');
        l.ret = r.ret;
        l.trans_id = r.id.toString();
      }),
      If('if (ret) {', (_k, l) => l.ret !== 0, [S('return ret;', (_k, l) => ret(l.ret))]),
      // The wait and its test are one C line; the model sleeps in a step of its own, then tests.
      S('/* wait_for_completion_timeout(&comp_pkt.host_event, 10 * HZ): sleeps until the completion or 10 s */', (k, l) => {
        if (k.sc.comps.d0exit.done) return undefined;
        if (l.deadline === undefined) l.deadline = k.now() + 10 * HZ_NS;
        if (k.now() >= l.deadline) {
          l.timed_out = true;
          return undefined;
        }
        return wait(k.key('comp:d0exit'), 'PCI_BUS_D0EXIT completion (10 s)', l.deadline);
      }),
      If('if (wait_for_completion_timeout(&comp_pkt.host_event, 10 * HZ) == 0) {', (_k, l) => !!l.timed_out, [
        S('vmbus_request_addr_match(chan, trans_id, (unsigned long)pkt); return -ETIMEDOUT;', (k, l) => {
          dropRequestId(k, BigInt(l.trans_id));
          return ret(-ETIMEDOUT);
        }),
      ]),
      S('return 0;', () => ret(0)),
    ],
  });

  return [
    probe,
    probeFail,
    waitForResponse,
    negotiation,
    allocConfigWindow,
    queryRelations,
    survey,
    enterD0,
    allocWindows,
    freeWindows,
    resourcesAllocated,
    resourcesReleased,
    prepopulate,
    createRoot,
    readConfigInner,
    writeConfigInner,
    readConfig,
    writeConfig,
    getVendorId,
    compose,
    unmask,
    msiFree,
    intDescFree,
    genericCompl,
    qResReq,
    composeCompl,
    newChild,
    presentWork,
    startRelationsWork,
    devicesPresent('hv_pci_devices_present', false),
    devicesPresent('hv_pci_devices_present2', true),
    ejectWork,
    ejectDevice,
    callback,
    remove,
    busExit,
  ];
}


export const _internal = { descBytes, zeroIntLinePin, descAt, probedBars, pow2Floor, ENOMEM };
