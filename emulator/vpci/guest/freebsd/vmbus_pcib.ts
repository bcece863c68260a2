// FreeBSD's vmbus_pcib as a driver program: the functions of
// freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c (current tree,
// 0010132dbd24, and the 2016 original dd2e215ca93c for the `freebsd-2016`
// variant), in their order, with their names, reading and writing the same
// bytes the C structs overlay. The listing is our own pseudo-C rendering of
// that logic, not the FreeBSD source. The functions live in pcib-attach.ts,
// pcib-config.ts and pcib-hotplug.ts; this file puts them in the C file's order.
import { ENXIO } from '../kernel';
import type { Desc } from '../pv-config';
import { descBytes, zeroIntLinePin } from '../pv-config';
import { newFreebsdSoftc } from './softc';
import { type D } from './protos';
import { attachFunctions } from './pcib-attach';
import { configFunctions } from './pcib-config';
import { hotplugFunctions } from './pcib-hotplug';
import { copyDescs, waitForResponse, type FreebsdVariant } from './pcib-common';

export type { Desc, FreebsdVariant };
export { newFreebsdSoftc };

export function vmbusPcibFunctions(v: FreebsdVariant): D[] {
  const old = v === 'freebsd-2016';
  const a = attachFunctions(v);
  const c = configFunctions(v);
  const h = hotplugFunctions(v);

  return [
    a.attach,
    a.attachFail,
    // wait_for_response() came with the rescind checks after 2016.
    ...(old ? [] : [waitForResponse]),
    a.negotiation,
    a.queryRelations,
    a.enterD0,
    a.resourcesAllocated,
    a.resourcesReleased,
    ...(old ? [] : [a.prepopulate]),
    c.readConfigInner,
    c.writeConfigInner,
    c.readConfig,
    c.writeConfig,
    c.allocResource,
    c.allocMsix,
    c.mapMsi,
    c.genericCompl,
    c.qResReq,
    c.composeCompl,
    c.intDescFree,
    h.deleteDevice,
    h.newChild,
    h.presentWork,
    h.devicesPresent('hv_pci_devices_present', false),
    ...(old ? [] : [h.devicesPresent('hv_pci_devices_present2', true)]),
    h.ejectWork,
    h.ejectDevice,
    h.callback,
    h.preDetach,
    h.detach,
  ];
}

export const _internal = { descBytes, zeroIntLinePin, copyDescs, ENXIO };
