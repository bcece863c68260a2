// The Linux guest model: pci-hyperv, the PCI core above it, the kernel
// contexts it runs in and the function-driver stand-ins, compiled into one
// program with its listings.
import { compileProgram, type Program } from '../../../runtime/program';
import type { K, V } from './state';
import { pciHypervFunctions } from './pci-hyperv';
import { pciCoreFunctions } from './pci';
import { kernFunctions } from './kern';
import { driverFunctions } from './driver';
import { newLinuxSoftc } from './state';
import { LINUX_PARAMS } from './params';
import { LISTING_HEADER as HEADER } from '../listing-header';
import { FUNCTION_DRIVERS, GENERIC_DRIVER } from '../drivers';
import { upstreamHeader } from '../upstream';
import { LINUX_UPSTREAM } from './upstream';

/** Every function of §8.2 the Linux model must define (checked by the tests). */
export const LINUX_SPEC_FUNCTIONS = [
  'hv_pci_probe',
  'hv_pci_protocol_negotiation',
  'hv_allocate_config_window',
  'hv_pci_query_relations',
  'survey_child_resources',
  'hv_pci_enter_d0',
  'hv_pci_allocate_bridge_windows',
  'hv_send_resources_allocated',
  'prepopulate_bars',
  'create_root_hv_pci_bus',
  'hv_compose_msi_msg',
  'hv_irq_unmask',
  'hv_pci_onchannelcallback',
  'hv_pci_devices_present',
  'pci_devices_present_work',
  'hv_pci_eject_device',
  'hv_eject_device_work',
  'hv_pci_remove',
  'hv_pci_bus_exit',
  'hv_pcifront_read_config',
  'hv_pcifront_write_config',
] as const;

export function linuxProgram(): Program<K, V> {
  const drivers = [...new Set([...Object.values(FUNCTION_DRIVERS), GENERIC_DRIVER].map((d) => d.linux))];
  return compileProgram<K, V>(
    [...pciHypervFunctions(), ...pciCoreFunctions(), ...kernFunctions(), ...drivers.flatMap((d) => driverFunctions(d))],
    {
      'linux/pci-hyperv.c': HEADER('pci-hyperv, the Hyper-V vPCI host bridge driver', 'Linux stable drivers/pci/controller/pci-hyperv.c @ v6.12.118'),
      'linux/pci.c': HEADER(
        'the PCI core above the bridge (probe, resources, MSI/MSI-X, remove)',
        'torvalds/linux drivers/pci/{probe,setup-bus,setup-res,bus,pci,remove}.c, drivers/pci/msi/msi.c',
      ),
      'linux/vmbus_drv.c': HEADER("the VMBus driver core's remove (vmbus_remove)", 'torvalds/linux drivers/hv/vmbus_drv.c'),
      'linux/connection.c': HEADER('the VMBus channel callback tasklet', 'torvalds/linux drivers/hv/connection.c'),
      'linux/workqueue.c': HEADER('workqueue worker threads', 'torvalds/linux kernel/workqueue.c'),
    },
    LINUX_PARAMS,
    upstreamHeader(() => LINUX_UPSTREAM),
  );
}

export { newLinuxSoftc };
