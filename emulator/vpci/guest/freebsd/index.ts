// The FreeBSD guest model: vmbus_pcib, the PCI layer above it, the kernel
// contexts it runs in, and the function-driver stand-ins, compiled into one
// program with its listings.
import { compileProgram, type Program } from '../../../runtime/program';
import type { K, V } from './softc';
import { vmbusPcibFunctions, newFreebsdSoftc, type FreebsdVariant } from './vmbus_pcib';
import { pciFunctions } from './pci';
import { kernFunctions } from './kern';
import { driverFunctions } from './driver';
import { FREEBSD_PARAMS } from './params';
import { LISTING_HEADER as HEADER } from '../listing-header';
import { FUNCTION_DRIVERS, GENERIC_DRIVER } from '../drivers';
import { upstreamHeader } from '../upstream';
import { upstreamTable } from '../upstream-tables';

export function freebsdProgram(variant: FreebsdVariant): Program<K, V> {
  const rev = variant === 'freebsd-2016' ? '@ dd2e215ca93c (r308725, 2016)' : '@ 0010132dbd24';
  const drivers = [...new Set([...Object.values(FUNCTION_DRIVERS), GENERIC_DRIVER].map((d) => d.freebsd))];
  return compileProgram<K, V>(
    [...vmbusPcibFunctions(variant), ...pciFunctions(variant), ...kernFunctions(), ...drivers.flatMap((d) => driverFunctions(d))],
    {
      'freebsd/vmbus_pcib.c': HEADER('vmbus_pcib, the Hyper-V vPCI bridge driver', `freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c ${rev}`),
      'freebsd/pci.c': HEADER('the PCI bus layer above the bridge', 'freebsd/freebsd-src sys/dev/pci/pci.c'),
      'freebsd/vmbus_chan.c': HEADER('the VMBus channel callback task', 'freebsd/freebsd-src sys/dev/hyperv/vmbus/vmbus_chan.c'),
      'freebsd/subr_taskqueue.c': HEADER('task-queue threads', 'freebsd/freebsd-src sys/kern/subr_taskqueue.c'),
      'freebsd/subr_bus.c': HEADER('the newbus detach path (device_detach)', 'freebsd/freebsd-src sys/kern/subr_bus.c and sys/dev/hyperv/vmbus/vmbus.c'),
    },
    FREEBSD_PARAMS,
    upstreamHeader(() => upstreamTable(variant)!),
  );
}

export { newFreebsdSoftc };
