// How the Linux program's C parameters read in the debugger when a function
// binds nothing else: each as what it stands for on this bus (the VMBus
// device, the child, the root bus, the pci_dev, the completion a pointer
// refers to…). Used for every function of the program (pci-hyperv.c, the PCI
// core, the kernel contexts and the driver stand-ins).
import type { Locals, ParamDefault } from '../../../runtime/program';
import type { V } from './state';

/** The vPCI class GUID pci-hyperv's id table matches (HV_PCIE_GUID, include/linux/hyperv.h). */
const HV_PCIE_GUID = '44c4f61d-4444-4400-9d52-802e27ede19f';

const wslotOf = (l: Locals): number | undefined =>
  typeof l.wslot === 'number' ? l.wslot : typeof l.devfn === 'number' ? ((l.devfn >> 3) & 0x1f) | ((l.devfn & 7) << 5) : undefined;

/** struct hv_device *: Linux names a VMBus device by its instance GUID (dev_name). */
export function vmbusDevice(v: V): string {
  return `${v.instanceGuid} (${v.busName}, hv_pci)`;
}

/** struct pci_dev * of the frame's function. */
function pciDevice(v: V, l: Locals): string | undefined {
  const w = wslotOf(l);
  if (w === undefined) return undefined;
  return v.device(w) ?? `win_slot 0x${w.toString(16)} (no function)`;
}

/** struct hv_pci_dev * of the frame's win_slot. */
function hpdevOf(v: V, l: Locals): unknown {
  const w = typeof l.hpdev === 'number' ? l.hpdev : wslotOf(l);
  return w === undefined ? undefined : (v.sc.hbus?.children.find((c) => c.desc.wslot === w) ?? null);
}

/** The root bus pci-hyperv creates: domain:00. */
function rootBus(v: V): string {
  const dom = v.sc.hbus?.domain ?? 0;
  return `pci_bus ${dom.toString(16).padStart(4, '0')}:00 (${v.busName})`;
}

/** struct irq_data * of the frame's vector: its Linux IRQ and saved descriptor. */
function irqData(v: V, l: Locals): unknown {
  const w = wslotOf(l);
  const i = typeof l.index === 'number' ? l.index : undefined;
  if (w === undefined || i === undefined) return undefined;
  const irq = v.sc.pci.children.find((p) => p.wslot === w)?.irqs[i];
  return irq ? { irq: irq.irq, chip_data: irq.chip_data } : undefined;
}

export const LINUX_PARAMS: Readonly<Record<string, ParamDefault<V>>> = {
  hdev: (v) => vmbusDevice(v),
  dev_id: () => `{${HV_PCIE_GUID}} (Hyper-V PCI Express Pass Through)`,
  hbus: (v) => v.sc.hbus ?? undefined,
  hpdev: (v, l) => hpdevOf(v, l),
  bus: (v) => rootBus(v),
  dev: (v, l) => pciDevice(v, l),
  pdev: (v, l) => pciDevice(v, l),
  pci_dev: (v, l) => pciDevice(v, l),
  data: (v, l, fn) => (fn.name === 'vmbus_on_event' ? `VMBus channel of ${v.busName}` : irqData(v, l)),
  irq: (v, l) => {
    const d = irqData(v, l);
    return d && typeof d === 'object' && 'irq' in d ? d.irq : undefined;
  },
  comp: (v, l) => (typeof l.c === 'string' ? v.sc.comps[l.c] : undefined),
  context: (v, l) => (typeof l.comp === 'string' ? v.sc.comps[l.comp] : undefined),
  relations: (_v, l) => l.buf,
  int_desc: (_v, l) => l.desc,
  version: (_v, l) => l.versions,
  num_version: (_v, l) => (Array.isArray(l.versions) ? l.versions.length : undefined),
  label: (_v, l) => l.stage,
  work: (v, l) => (typeof l.wslot === 'number' ? hpdevOf(v, l) : `hv_dr_work of ${v.busName}`),
  __worker: (v) => `worker of hv_pci_${(v.sc.hbus?.domain ?? 0).toString(16)}`,
  nvec: (_v, l) => l.nvec,
  entry: (v, l) => irqData(v, l),
  /** hv_compose_msi_msg's result: the message to program, once the host has answered. */
  msg: (_v, l) => {
    const d = l.desc;
    if (!d || typeof d !== 'object' || !('address' in d) || !('data' in d)) return undefined;
    const { address, data } = d;
    if (typeof address !== 'number' || typeof data !== 'number') return undefined;
    return { address_hi: Math.floor(address / 0x1_0000_0000), address_lo: address % 0x1_0000_0000, data };
  },
  domain: (v) => `the Hyper-V PCI MSI IRQ domain of ${v.busName}`,
  info: () => 'hv_msi_domain_info (hv_msi_ops)',
};
