// pci-hyperv.c, interrupts: hv_compose_msi_msg (CREATE_INTERRUPT v1/v2/v3 by
// protocol version), hv_irq_unmask (RETARGET), MSI teardown and the completion
// handlers — drivers/pci/controller/pci-hyperv.c at Linux stable v6.12.118 (blob
// e9bdb4aa3b9b; docs/upstream.md). The listing is our own pseudo-C rendering.
import { S, T, If, While, Break, Label, goto, ret, wait } from '../../../runtime/program';
import { rd16, rd32, rds32, rd64 } from '../kernel';
import * as M from '../messages';
import { complete, getPcichildWslot, hbus, initCompletion, pciDev, dropRequestId, wslotToDevfn, type IntDesc } from './state';
import { fn, call } from './protos';
import {
  CPU_AFFINITY_ALL,
  Case,
  FILE,
  MULTI_MSI_DUMMY_VECTOR,
  PROTO_1_1,
  PROTO_1_2,
  PROTO_1_3,
  PROTO_1_4,
  SEND_ON_RESCIND,
  SIZEOF_CREATE_INT_RESPONSE,
  SIZEOF_PCI_RESPONSE,
  SIZEOF_Q_RES_REQ_RESPONSE,
  sendRc,
} from './hv-common';

/** The interrupt functions of pci-hyperv.c. */
export function msiFunctions() {
  const compose = fn('hv_compose_msi_msg')<{
    irq: number;
    multi_msi: boolean;
    nvec: number;
    chip_data: IntDesc | null;
    hpdev: number | null;
    vector: number;
    cpu: number;
    vector_count: number;
    comp: string;
    pkt: Uint8Array | null;
    ret: number;
    trans_id: string;
    vid: number;
    desc: IntDesc;
    until: number | undefined;
    gone?: boolean;
  }>({
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
        S(
          'int_desc = data->chip_data; msg->address_hi = int_desc->address >> 32; msg->address_lo = int_desc->address & 0xffffffff; msg->data = int_desc->data; return;',
          (_k, l) => ret({ ok: true, address: l.chip_data!.address, data: l.chip_data!.data, desc: null }),
        ),
      ]),
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(pdev->devfn));', (k, l) => {
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
      If('if (!hpdev) {', (_k, l) => l.hpdev === null, [S('goto return_null_message;', () => ret({ ok: false, address: 0, data: 0, desc: null }))]),
      If('if (data->chip_data && !multi_msi) {  /* Free any previous message */', (_k, l) => !!l.chip_data && !l.multi_msi, [
        S('int_desc = data->chip_data; data->chip_data = NULL;', (k, l) => {
          pciDev(k, l.wslot)!.irqs[l.index]!.chip_data = null;
        }),
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
            S(
              'data->chip_data = int_desc; int_desc->address = msi_desc->msg.address; int_desc->data = msi_desc->msg.data + (data->irq - msi_desc->irq);',
              (k, l) => {
                // read the first vector's message now, from the device (locals hold plain data, never machine objects)
                const p = pciDev(k, l.wslot)!;
                const first = p.irqs[0]!;
                const desc: IntDesc = { reserved: 0, vector_count: 0, address: first.addr, data: first.data + l.index };
                p.irqs[l.index]!.chip_data = desc;
                l.desc = desc;
              },
            ),
            S('msg->address_hi = msi_desc->msg.address_hi; msg->address_lo = msi_desc->msg.address_lo; msg->data = int_desc->data; return;', (_k, l) =>
              ret({ ok: true, address: l.desc.address, data: l.desc.data, desc: null }),
            ),
          ]),
          S('vector = HV_MSI_DUMMY_VECTOR (32); vector_count = nvec; cpu = hv_compose_multi_msi_req_get_cpu();', (k, l) => {
            l.vector = MULTI_MSI_DUMMY_VECTOR;
            l.vector_count = l.nvec;
            // Round-robin over the whole guest: the function keeps its position in a `static`, not per bus.
            l.cpu = k.nextMultiMsiCpu();
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
      Case(
        'case PCI_PROTOCOL_VERSION_1_2: case PCI_PROTOCOL_VERSION_1_3:',
        (k) => hbus(k).protocol_version === PROTO_1_2 || hbus(k).protocol_version === PROTO_1_3,
        [
          S('size = hv_compose_msi_req_v2(&ctxt.int_pkts.v2, cpu, hpdev->desc.win_slot.slot, (u8)vector, vector_count);', (_k, l) => {
            l.pkt = M.createInterrupt2(l.wslot, { vector: l.vector, deliveryMode: 0, vectorCount: l.vector_count, cpus: [l.cpu] });
          }),
          S('break;'),
        ],
      ),
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
      S(
        'ret = vmbus_sendpacket_getid(channel, &ctxt.int_pkts, size, (unsigned long)&ctxt.pci_pkt, &trans_id, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);',
        (k, l) => {
          const r = sendRc(k, l.pkt!, 'hv_pci_compose_compl', l.comp);
          l.ret = r.ret;
          l.trans_id = r.id.toString();
        },
      ),
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
      While('while (!try_wait_for_completion(&comp.comp_pkt.host_event)) {', (k, l) => !k.sc.comps[l.comp]!.done, [
        S('vid = hv_pcifront_get_vendor_id(hpdev);  /* 0xFFFF means an invalid PCI VENDOR ID */', (_k, l) =>
          call('hv_pcifront_get_vendor_id', { wslot: l.wslot }, 'vid'),
        ),
        If('if (vid == 0xFFFF) {', (_k, l) => l.vid === 0xffff, [
          S('dev_err_once(&hbus->hdev->device, "the device has gone\\n"); goto enable_tasklet;', (k, l) => {
            k.log('hv_pci: the device has gone');
            l.gone = true;
          }),
          Break('break;'),
        ]),
        If('if (unlikely(channel->onchannel_callback == NULL)) {', (k) => k.isRevoked() || hbus(k).state === 'closed', [
          S('goto enable_tasklet;', (_k, l) => {
            l.gone = true;
          }),
          Break('break;'),
        ]),
        S('hv_pci_onchannelcallback(hbus);  /* run the callback inline */', (k) => {
          k.sc.rxPending = false;
          return call('hv_pci_onchannelcallback');
        }),
        S('udelay(100);', (k, l) => {
          if (k.sc.comps[l.comp]!.done) return undefined;
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
      If('if (gone) {  /* vPCI Lab: the loop was left by "goto enable_tasklet" */', (_k, l) => l.gone === true, [
        S('vmbus_request_addr_match(channel, trans_id, ...); goto free_int_desc;', (k, l) => {
          dropRequestId(k, BigInt(l.trans_id));
          return ret({ ok: false, address: 0, data: 0, desc: null });
        }),
      ]),
      If('if (comp.comp_pkt.completion_status < 0) {', (k, l) => k.sc.comps[l.comp]!.status < 0, [
        S('dev_err(&hbus->hdev->device, "Request for interrupt failed: 0x%x", comp.comp_pkt.completion_status); goto free_int_desc;', (k, l) => {
          k.log(`hv_pci: Request for interrupt failed: 0x${(k.sc.comps[l.comp]!.status >>> 0).toString(16)}`);
          return ret({ ok: false, address: 0, data: 0, desc: null });
        }),
      ]),
      S('*int_desc = comp.int_desc; data->chip_data = int_desc;', (k, l) => {
        const c = k.sc.comps[l.comp]!;
        const desc: IntDesc = { reserved: c.int_reserved ?? 0, vector_count: c.vector_count ?? 0, data: c.data ?? 0, address: c.address ?? 0 };
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
    doc: [
      '/*',
      ' * irq_chip .irq_unmask: hv_arch_irq_unmask() (x86), folded in here, retargets with',
      ' * HVCALL_RETARGET_INTERRUPT (the real vector and CPU set); then unmask in the device.',
      ' */',
    ],
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
      // hv_arch_irq_unmask's checks and messages: `__func__` names it, and its early return still leaves
      // hv_irq_unmask to unmask the vector in the device (pci-hyperv.c v6.12.118 hv_irq_unmask: hv_arch_irq_unmask(),
      // irq_chip_unmask_parent(), pci_msi_unmask_irq()).
      If('if (!int_desc) {', (_k, l) => l.int_desc === null, [
        S('dev_warn(&hbus->hdev->device, "%s() can not unmask irq %u\\n", __func__, data->irq);  /* hv_arch_irq_unmask */', (k, l) => {
          k.log(`hv_pci: hv_arch_irq_unmask() can not unmask irq ${l.irq}`);
        }),
        S('goto unmask;  /* hv_arch_irq_unmask() returns */', () => goto('unmask')),
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
        [
          S('for_each_cpu_and(cpu, dest, cpu_online_mask) params->int_target.vp_mask |= (1ULL << hv_cpu_number_to_vp_number(cpu));', (_k, l) => {
            // Below 1.2 the target is a 64-bit VP mask. For VP 64 and above `1ULL << vp` shifts by 64 or more,
            // undefined in C; x86-64's shift takes the count mod 64 (Intel SDM vol. 2B, SAL/SAR/SHL/SHR), so the
            // bit set is VP vp mod 64's (pci-hyperv.c v6.12.118 hv_arch_irq_unmask) [UNCONFIRMED: as compiled].
            l.cpus = l.cpus.map((c) => c & 63);
          }),
        ],
      ),
      S(
        'res = hv_do_hypercall(HVCALL_RETARGET_INTERRUPT | (var_size << 17), params, NULL);',
        (k, l) => {
          l.res = k.retargetInterrupt(l.int_desc!.address % 0x1_0000_0000, l.int_desc!.data, l.vector, l.cpus);
        },
        2,
      ),
      If('if (!hv_result_success(res) && hbus->state != hv_pcibus_removing) {', (k, l) => l.res !== 0 && hbus(k).state !== 'hv_pcibus_removing', [
        S('dev_err(&hbus->hdev->device, "%s() failed: %#llx", __func__, res);  /* hv_arch_irq_unmask */', (k, l) =>
          k.log(`hv_pci: hv_arch_irq_unmask() failed: 0x${l.res.toString(16)}`),
        ),
      ]),
      Label('unmask'),
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
      S('irq_data->chip_data = NULL;', (k, l) => {
        pciDev(k, l.wslot)!.irqs[l.index]!.chip_data = null;
      }),
      S('hpdev = get_pcichild_wslot(hbus, devfn_to_wslot(pdev->devfn));', (k, l) => {
        l.hpdev = getPcichildWslot(k, l.wslot) ? l.wslot : null;
      }),
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
        k.sc.comps[l.comp]!.status = l.resp_packet_size >= SIZEOF_PCI_RESPONSE ? rds32(l.resp, 16) : -1;
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
        [
          S('dev_err(&completion->hpdev->hbus->hdev->device, "query resource requirements failed: %x\\n", status);', (k, l) =>
            k.log(`hv_pci: query resource requirements failed: ${(l.status >>> 0).toString(16)}`),
          ),
        ],
        [
          S('for (i = 0; i < PCI_STD_NUM_BARS; i++) completion->hpdev->probed_bar[i] = q_res_req->probed_bar[i];', (k, l) => {
            k.sc.comps[l.comp]!.probed_bar = [0, 1, 2, 3, 4, 5].map((i) => rd32(l.resp, 20 + 4 * i));
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
      If(
        'if (resp_packet_size < sizeof(*int_resp)) {',
        (_k, l) => l.resp_packet_size < SIZEOF_CREATE_INT_RESPONSE,
        [
          S('comp_pkt->comp_pkt.completion_status = -1; goto out;', (k, l) => {
            k.sc.comps[l.comp]!.status = -1;
          }),
        ],
        [
          S('comp_pkt->comp_pkt.completion_status = resp->status;', (k, l) => {
            k.sc.comps[l.comp]!.status = rds32(l.resp, 16);
          }),
          S('comp_pkt->int_desc = int_resp->int_desc;', (k, l) => {
            // struct pci_create_int_response: response(20) + reserved(4) + tran_int_desc{reserved u16, vector_count u16, data u32, address u64}.
            const c = k.sc.comps[l.comp]!;
            c.int_reserved = rd16(l.resp, 24);
            c.vector_count = rd16(l.resp, 26);
            c.data = rd32(l.resp, 28);
            c.address = rd64(l.resp, 32);
          }),
        ],
      ),
      S('out: complete(&comp_pkt->comp_pkt.host_event);', (k, l) => complete(k, l.comp)),
      S('return;', () => ret()),
    ],
  });

  return { compose, unmask, msiFree, intDescFree, genericCompl, qResReq, composeCompl };
}
