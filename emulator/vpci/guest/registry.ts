// Loads a guest model's compiled program and tells the machine how to run it:
// which threads a bus gets, which function attaches and detaches the bridge,
// and the initial softc. Programs are immutable and compiled once per model.
import type { Program } from '../../runtime/program';
import { asMachineProgram, type BaseSoftc, type GuestKernel, type GuestView } from './kernel';
import type { GuestModelName } from './quirks';
import type { FunctionDriverNames } from './drivers';
import { freebsdProgram, newFreebsdSoftc } from './freebsd';
import { linuxProgram, newLinuxSoftc } from './linux';

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
  os: keyof FunctionDriverNames;
  program: Program<GuestKernel, GuestView>;
  threads: GuestThreadSpec[];
  /** Queued on the management thread when the channel is offered. */
  attachFn: string;
  /** Queued on the management thread for a rescind or a scenario `detach`. */
  detachFn: string;
  newSoftc(): BaseSoftc;
  /** Reads the bridge's life-cycle state from the softc. */
  busStatus(sc: BaseSoftc): 'offered' | 'attaching' | 'attached' | 'failed' | 'detached';
  /** The negotiated protocol version from the softc (0 before negotiation). */
  protocolVersion(sc: BaseSoftc): number;
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

export function loadGuestModel(name: GuestModelName): GuestModelRuntime {
  let m = cache.get(name);
  if (m) return m;
  switch (name) {
    case 'freebsd':
    case 'freebsd-2016':
      m = {
        name,
        os: 'freebsd',
        program: asMachineProgram(freebsdProgram(name)),
        threads: [
          { role: 'mgmt', name: 'vmbus mgmt taskqueue', fn: 'vmbus_mgmt_taskqueue_loop' },
          { role: 'taskq', name: 'vmbus_pcib_tq', fn: 'taskqueue_thread_loop' },
          { role: 'callback', name: 'channel callback', fn: 'vmbus_chan_task' },
        ],
        attachFn: 'vmbus_pcib_attach',
        detachFn: 'device_detach',
        newSoftc: newFreebsdSoftc,
        busStatus: bridgeStatus,
        protocolVersion: bridgeVersion,
      };
      break;
    case 'linux':
      m = {
        name,
        os: 'linux',
        program: asMachineProgram(linuxProgram()),
        threads: [
          { role: 'mgmt', name: 'vmbus work queue', fn: 'vmbus_device_work' },
          { role: 'taskq', name: 'hv_pci workqueue', fn: 'worker_thread' },
          { role: 'callback', name: 'channel tasklet', fn: 'vmbus_on_event' },
        ],
        attachFn: 'hv_pci_probe',
        detachFn: 'vmbus_remove',
        newSoftc: newLinuxSoftc,
        busStatus: bridgeStatus,
        protocolVersion: bridgeVersion,
      };
      break;
  }
  cache.set(name, m);
  return m;
}
