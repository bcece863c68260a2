// How the FreeBSD program's C parameters read in the debugger when a function
// binds nothing else: each as what it stands for in this bus (the bridge
// device, the child, the bus's softc, the completion a pointer refers to…).
// Used for every function of the program (vmbus_pcib.c, pci.c, the kernel
// contexts and the driver stand-ins), so a frame never shows a parameter as
// an unexplained blank.
import type { Locals, ParamDefault } from '../../../runtime/program';
import type { V } from './softc';

/** vmbus_pcib_probe's device_set_desc text (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c). */
const BRIDGE_DESC = 'Hyper-V PCI Express Pass Through';

const wslotOf = (l: Locals): number | undefined => (typeof l.wslot === 'number' ? l.wslot : undefined);

/** device_t of the vmbus_pcib bridge (pcib), as the debugger names it. */
export function bridgeDevice(v: V): string {
  return `${v.busName}: ${BRIDGE_DESC} (vmbus_pcib, ${v.instanceGuid})`;
}

/** device_t of the function at the frame's win_slot. */
function childDevice(v: V, l: Locals): string | undefined {
  const w = wslotOf(l);
  if (w === undefined) return undefined;
  return v.device(w) ?? `win_slot 0x${w.toString(16)} (no function)`;
}

/** struct hv_pci_dev * of the frame's win_slot. */
function hpdevOf(v: V, l: Locals): unknown {
  const w = typeof l.hpdev === 'number' ? l.hpdev : wslotOf(l);
  return w === undefined ? undefined : (v.sc.hbus?.children.find((c) => c.desc.wslot === w) ?? null);
}

/** The pci bus vmbus_pcib adds as its child (pci.c's `dev`/`bus` on bus-wide functions). */
const pciBus = (v: V): string => `${v.busName}: pci (the bus vmbus_pcib added)`;

const isPciC = (file: string): boolean => file === 'freebsd/pci.c';

export const FREEBSD_PARAMS: Readonly<Record<string, ParamDefault<V>>> = {
  dev: (v, l, fn) => childDevice(v, l) ?? (isPciC(fn.file) ? pciBus(v) : bridgeDevice(v)),
  pcib: (v) => bridgeDevice(v),
  child: (v, l) => childDevice(v, l),
  bus: (v, l, fn) => (fn.name.endsWith('_config') ? 0 : isPciC(fn.file) ? pciBus(v) : bridgeDevice(v)),
  hbus: (v) => v.sc.hbus ?? undefined,
  hpdev: (v, l) => hpdevOf(v, l),
  chan: (v) => `VMBus channel of ${v.busName} (${v.instanceGuid})${v.revoked ? ', revoked' : ''}`,
  xchan: (v) => `VMBus channel of ${v.busName} (${v.instanceGuid})${v.revoked ? ', revoked' : ''}`,
  c: (v, l) => (typeof l.c === 'string' ? v.sc.comps[l.c] : undefined),
  context: (v, l) => (typeof l.comp === 'string' ? v.sc.comps[l.comp] : undefined),
  pending: () => 1,
  version: (_v, l) => l.versions,
  num_version: (_v, l) => (Array.isArray(l.versions) ? l.versions.length : undefined),
  relations: (_v, l) => l.buf,
  rid: (_v, l) => (typeof l.bar === 'number' ? 0x10 + 4 * l.bar : undefined),
  flags: (_v, l, fn) =>
    fn.name === 'vmbus_pcib_alloc_resource' && typeof l.align === 'number' ? `rman_make_alignment_flags(0x${l.align.toString(16)})` : undefined,
  /** The task's context: the child for eject work, the bus's relations queue for the relations work, the softc for the channel callback. */
  arg: (v, l, fn) =>
    fn.name === 'hv_eject_device_work'
      ? hpdevOf(v, l)
      : fn.name === 'pci_devices_present_work'
        ? { bus: v.busName, dr_list: v.sc.hbus?.dr_list }
        : fn.name === 'vmbus_pcib_on_channel_callback'
          ? v.sc
          : `the ${fn.name === 'taskqueue_thread_loop' ? 'vmbus_pcib_tq' : 'channel management'} task queue of ${v.busName}`,
};
