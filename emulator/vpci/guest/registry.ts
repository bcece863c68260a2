// How each guest OS runs: its compiled program, the threads a bus gets, the
// functions that attach and detach the bridge, and the initial softc — one entry
// per OS that GUEST_MODELS (models.ts) names, checked by the type (a new OS in the
// table without an entry here does not compile). Programs are immutable and
// compiled once per model.
import type { Program } from '../../runtime/program';
import { asMachineProgram, type BaseSoftc, type GuestKernel, type GuestView } from './kernel';
import { guestModel, type GuestModelName, type GuestOs } from './models';
import { freebsdProgram, newFreebsdSoftc } from './freebsd';
import type { FreebsdSoftc } from './freebsd/softc';
import { linuxProgram, newLinuxSoftc } from './linux';
import type { LinuxSoftc } from './linux/state';

export interface GuestThreadSpec {
  role: 'mgmt' | 'taskq' | 'callback';
  /** Thread name suffix shown in the debugger (after the bus name). */
  name: string;
  /** The thread's root function (a loop). */
  fn: string;
}

export interface GuestModelRuntime {
  name: GuestModelName;
  /** The guest OS, which names the function drivers (FUNCTION_DRIVERS in drivers.ts). */
  os: GuestOs;
  program: Program<GuestKernel, GuestView>;
  threads: GuestThreadSpec[];
  /** Queued on the management thread when the channel is offered. */
  attachFn: string;
  /** Queued on the management thread for a rescind or a scenario `detach`. */
  detachFn: string;
  /**
   * The management tasks of all buses run one at a time, in the order queued, as on one thread for the whole
   * guest (FreeBSD's vmbus_devtq); false: each bus's run on their own.
   */
  sharedMgmt: boolean;
  newSoftc(): BaseSoftc;
  /** Reads the bridge's life-cycle state from the softc. */
  busStatus(sc: BaseSoftc): 'offered' | 'attaching' | 'attached' | 'failed' | 'detached';
  /** The negotiated protocol version from the softc (0 before negotiation). */
  protocolVersion(sc: BaseSoftc): number;
  /**
   * The PCI domain the guest has given the bus (what its lspci prints before the bus number), or
   * undefined before the driver has chosen one.
   */
  pciDomain(sc: BaseSoftc): number | undefined;
}

const cache = new Map<GuestModelName, GuestModelRuntime>();

/** Both bridge models keep the life cycle in `sc.hbus.state` under the real drivers' state names. */
function bridgeStatus(sc: BaseSoftc): ReturnType<GuestModelRuntime['busStatus']> {
  const st = sc.hbus?.state;
  if (!sc.hbus) return 'offered';
  if (st === 'hv_pcibus_installed') return 'attached';
  if (st === 'failed') return 'failed';
  if (st === 'detached') return 'detached';
  return 'attaching';
}

function bridgeVersion(sc: BaseSoftc): number {
  return sc.hbus?.protocol_version ?? 0;
}

/** What a guest OS brings, whichever of its models runs. */
type GuestOsRuntime = Omit<GuestModelRuntime, 'name' | 'os' | 'program'> & {
  /** Compiles the program for one of this OS's models. */
  program: (model: GuestModelName) => Program<GuestKernel, GuestView>;
};

const GUEST_OS: { readonly [K in GuestOs]: GuestOsRuntime } = {
  freebsd: {
    program: (model) => asMachineProgram(freebsdProgram(model === 'freebsd-2016' ? 'freebsd-2016' : 'freebsd')),
    threads: [
      { role: 'mgmt', name: 'vmbus mgmt taskqueue', fn: 'vmbus_mgmt_taskqueue_loop' },
      { role: 'taskq', name: 'vmbus_pcib_tq', fn: 'taskqueue_thread_loop' },
      { role: 'callback', name: 'channel callback', fn: 'vmbus_chan_task' },
    ],
    attachFn: 'vmbus_pcib_attach',
    // newbus device_detach: Giant, then vmbus_pcib_detach (freebsd/kern.ts)
    detachFn: 'device_detach',
    // vmbus_chan_msgproc_choffer gives every primary channel ch_mgmt_tq = sc->vmbus_devtq, which vmbus_scan
    // creates with one thread, "vmbusdev", to serialize attach and detach (freebsd-src sys/dev/hyperv/vmbus/
    // vmbus_chan.c, vmbus.c); vmbus_pcib queues its eject task there too (vmbus_chan_mgmt_tq).
    sharedMgmt: true,
    newSoftc: newFreebsdSoftc,
    busStatus: bridgeStatus,
    protocolVersion: bridgeVersion,
    // vmbus_pcib_attach sets it from bytes 8 and 9 of the instance GUID; new_pcichild_device replaces
    // it with the first child's serial number (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c).
    pciDomain: (sc) => (sc as FreebsdSoftc).hbus?.pci_domain,
  },
  linux: {
    program: () => asMachineProgram(linuxProgram()),
    threads: [
      { role: 'mgmt', name: 'vmbus work queue', fn: 'vmbus_device_work' },
      { role: 'taskq', name: 'hv_pci workqueue', fn: 'worker_thread' },
      { role: 'callback', name: 'channel tasklet', fn: 'vmbus_on_event' },
    ],
    attachFn: 'hv_pci_probe',
    // the VMBus core's vmbus_remove, which calls hv_pci_remove for a bound driver (linux/kern.ts)
    detachFn: 'vmbus_remove',
    // How the VMBus core orders probes and removes of different channels is not modelled (ours).
    sharedMgmt: false,
    newSoftc: newLinuxSoftc,
    busStatus: bridgeStatus,
    protocolVersion: bridgeVersion,
    // hv_pci_probe: bytes 5 and 4 of the instance GUID, through hv_get_dom_num (pci-hyperv.c).
    pciDomain: (sc) => (sc as LinuxSoftc).hbus?.domain,
  },
};

/** The guest models built (and kept) so far. */
export function guestModelsBuilt(): GuestModelName[] {
  return [...cache.keys()];
}

/** Forgets every built guest model but `keep` (what a run built only to compile its code need not stay in memory). */
export function forgetGuestModels(keep: readonly GuestModelName[]): void {
  for (const name of [...cache.keys()]) if (!keep.includes(name)) cache.delete(name);
}

export function loadGuestModel(name: GuestModelName): GuestModelRuntime {
  let m = cache.get(name);
  if (m) return m;
  const info = guestModel(name);
  if (!info) throw new Error(`unknown guest model ${name}`);
  const { program, ...rest } = GUEST_OS[info.os];
  m = { ...rest, name, os: info.os, program: program(name) };
  cache.set(name, m);
  return m;
}
