// Linux pci-hyperv as a driver program, following one upstream revision:
// drivers/pci/controller/pci-hyperv.c at Linux stable v6.12.118 (blob
// e9bdb4aa3b9b; docs/upstream.md) — probe, negotiation, relations, D0 entry
// (with its one retry inside hv_pci_enter_d0, no new relations query), bridge
// windows, RESOURCES_ASSIGNED(2), prepopulate_bars, the root bus, config
// access, MSI composition and retargeting, eject, remove; every function in
// its order and with its name. The listing is our own pseudo-C rendering of
// that logic, not the Linux source. The functions live in hv-attach.ts,
// hv-resources.ts, hv-msi.ts and hv-hotplug.ts; this file puts them in the C
// file's order.
import { descBytes, zeroIntLinePin } from '../pv-config';
import { type D } from './protos';
import { attachFunctions } from './hv-attach';
import { resourceFunctions } from './hv-resources';
import { msiFunctions } from './hv-msi';
import { hotplugFunctions } from './hv-hotplug';
import { ENOMEM, descAt, pow2Floor, probedBars } from './hv-common';

export { getBarSize } from './hv-common';

export function pciHypervFunctions(): D[] {
  const a = attachFunctions();
  const r = resourceFunctions();
  const m = msiFunctions();
  const h = hotplugFunctions();

  return [
    a.probe,
    a.probeFail,
    a.waitForResponse,
    a.negotiation,
    a.allocConfigWindow,
    a.queryRelations,
    a.survey,
    a.enterD0,
    r.allocWindows,
    r.freeWindows,
    r.resourcesAllocated,
    r.resourcesReleased,
    r.prepopulate,
    r.createRoot,
    r.readConfigInner,
    r.writeConfigInner,
    r.readConfig,
    r.writeConfig,
    r.getVendorId,
    m.compose,
    m.unmask,
    m.msiFree,
    m.intDescFree,
    m.genericCompl,
    m.qResReq,
    m.composeCompl,
    h.newChild,
    h.presentWork,
    h.startRelationsWork,
    h.devicesPresent('hv_pci_devices_present', false),
    h.devicesPresent('hv_pci_devices_present2', true),
    h.ejectWork,
    h.ejectDevice,
    h.callback,
    h.remove,
    h.busExit,
  ];
}

export const _internal = { descBytes, zeroIntLinePin, descAt, probedBars, pow2Floor, ENOMEM };
