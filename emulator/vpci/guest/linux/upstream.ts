// Linux guest: where every function of the listings lives in the pinned
// tree — Linux stable v6.12.118 (docs/upstream.md). Facts only (name, line of
// the definition, that line's text): Linux is GPL-2.0 and none of its text is
// kept here. Rows were produced with scripts/upstream-facts.mjs from the
// pinned tree; test/guest/upstream.test.ts checks they cover every model
// function and keep their order within each file.
import type { UpstreamRef, UpstreamTable } from '../upstream';

export const LINUX_TAG = 'v6.12.118';

/** The real probe/remove of each function driver the stand-ins are named after (drivers/*, same tag). */
const DRIVER_ENTRY_POINTS: Readonly<Record<string, { probe: UpstreamRef; remove: UpstreamRef }>> = {
  ixgbevf: {
    probe: {
      path: 'drivers/net/ethernet/intel/ixgbevf/ixgbevf_main.c',
      line: 4560,
      text: 'static int ixgbevf_probe(struct pci_dev *pdev, const struct pci_device_id *ent)',
      name: 'ixgbevf_probe',
    },
    remove: {
      path: 'drivers/net/ethernet/intel/ixgbevf/ixgbevf_main.c',
      line: 4772,
      text: 'static void ixgbevf_remove(struct pci_dev *pdev)',
      name: 'ixgbevf_remove',
    },
  },
  ixgbe: {
    probe: {
      path: 'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c',
      line: 10825,
      text: 'static int ixgbe_probe(struct pci_dev *pdev, const struct pci_device_id *ent)',
      name: 'ixgbe_probe',
    },
    remove: {
      path: 'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c',
      line: 11313,
      text: 'static void ixgbe_remove(struct pci_dev *pdev)',
      name: 'ixgbe_remove',
    },
  },
  igb: {
    probe: {
      path: 'drivers/net/ethernet/intel/igb/igb_main.c',
      line: 3184,
      text: 'static int igb_probe(struct pci_dev *pdev, const struct pci_device_id *ent)',
      name: 'igb_probe',
    },
    remove: { path: 'drivers/net/ethernet/intel/igb/igb_main.c', line: 3851, text: 'static void igb_remove(struct pci_dev *pdev)', name: 'igb_remove' },
  },
  i40e: {
    probe: {
      path: 'drivers/net/ethernet/intel/i40e/i40e_main.c',
      line: 15646,
      text: 'static int i40e_probe(struct pci_dev *pdev, const struct pci_device_id *ent)',
      name: 'i40e_probe',
    },
    remove: { path: 'drivers/net/ethernet/intel/i40e/i40e_main.c', line: 16258, text: 'static void i40e_remove(struct pci_dev *pdev)', name: 'i40e_remove' },
  },
  mlx4_core: {
    probe: {
      path: 'drivers/net/ethernet/mellanox/mlx4/main.c',
      line: 4025,
      text: 'static int mlx4_init_one(struct pci_dev *pdev, const struct pci_device_id *id)',
      name: 'mlx4_init_one',
    },
    remove: {
      path: 'drivers/net/ethernet/mellanox/mlx4/main.c',
      line: 4172,
      text: 'static void mlx4_remove_one(struct pci_dev *pdev)',
      name: 'mlx4_remove_one',
    },
  },
  mlx5_core: {
    probe: {
      path: 'drivers/net/ethernet/mellanox/mlx5/core/main.c',
      line: 1954,
      text: 'static int probe_one(struct pci_dev *pdev, const struct pci_device_id *id)',
      name: 'probe_one',
    },
    remove: { path: 'drivers/net/ethernet/mellanox/mlx5/core/main.c', line: 2014, text: 'static void remove_one(struct pci_dev *pdev)', name: 'remove_one' },
  },
  nvme: {
    probe: {
      path: 'drivers/nvme/host/pci.c',
      line: 3245,
      text: 'static int nvme_probe(struct pci_dev *pdev, const struct pci_device_id *id)',
      name: 'nvme_probe',
    },
    remove: { path: 'drivers/nvme/host/pci.c', line: 3388, text: 'static void nvme_remove(struct pci_dev *pdev)', name: 'nvme_remove' },
  },
};

const LOCAL_PCI_PROBE: UpstreamRef = { path: 'drivers/pci/pci-driver.c', line: 336, text: 'static long local_pci_probe(void *_ddi)', name: 'local_pci_probe' };

/** sha256 of each file the rows cite, read from Debian's linux-source-6.12 6.12.118-1~deb12u1 (docs/upstream.md). */
const LINUX_SHA256: Readonly<Record<string, string>> = {
  'drivers/pci/controller/pci-hyperv.c': '7168be2730ee96afb57d8a33648e5c76883cb83a3e86e054193eb8c892c4fa0b',
  'drivers/pci/probe.c': '3e011fd2f86a4f2e79187b1db15e3a3dd6c01506737643e4b9c7968d828bb693',
  'drivers/pci/setup-res.c': 'f092ee293800892019cbf8aba0df61cfc8b2c4de38283e590bb017e2d1155d3e',
  'drivers/pci/setup-bus.c': '4e8ae7f8803caa61cc62c23a60f165642f348c53bfcf45eb4c61e9f361e6e25d',
  'drivers/pci/bus.c': '61b94c9d90da1369f640ed92e9eae31c6ec09a48d3fe1fb73c088b6c6bc4252b',
  'drivers/pci/remove.c': '855126632a59e30920b0252ed25e0785ca080b87e8396f1dfaba8464ef0a0c9b',
  'drivers/pci/pci.c': '3c9eebd8e3bb4817bd79d5869ecbccc86cf126fd8452bf8d6996cdbf89516805',
  'drivers/pci/pci-driver.c': '93dfaad10d3a40c072293e3e636ffc47d4716a8d36427ab8358fbfcf151cb16f',
  'drivers/pci/msi/msi.c': 'd6b01b235f74ff8bd9165aa5f6e49a5cc667569b9487823195c82969dd96bd7d',
  'drivers/pci/msi/api.c': '2fdbd75c8dc744431f732e35858cff0b06221caff72dce7023c333ac5babc98c',
  'include/linux/interrupt.h': '64f1a31a5737976a9762e17d2a489da72f4418c52375a7ce5abcbb995064492a',
  'kernel/irq/manage.c': '3f2e605e9a88cb75ea90cc2488b5cf9b0b477f278c8fba16f4a8b78051bca446',
  'kernel/workqueue.c': 'ef9fca07578b618f975cbfdac1f1b584980a394e8622a88fd869e4ddb6105a54',
  'drivers/hv/connection.c': '06b3627f2d212ce9f5183b20a71380384904e20bd7fe47e655bd6bc990eb6de9',
  'drivers/hv/vmbus_drv.c': '9ffdf3070b873a29b8276c8b03703dfc4b6250150b827ce0a9e7bf7c55612acd',
  'drivers/net/ethernet/intel/ixgbevf/ixgbevf_main.c': '6c2ece0041fe2311e36b25ae5dfdae11a2290384a98252f71d9ec4b4e2175a52',
  'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c': 'deae7687fa2b4299042b0fe3f354110402d2a5783a29e8e17adaf96ed65a1729',
  'drivers/net/ethernet/intel/igb/igb_main.c': '27f191bbb3b6fc8a27e478eff227954313bd525520e85161d0b2061851f62d98',
  'drivers/net/ethernet/intel/i40e/i40e_main.c': 'a9094ef154cf37837ddc3d673c720c9de26153dee70dbfccb163c375ee15e2ff',
  'drivers/net/ethernet/mellanox/mlx4/main.c': 'b0157dfe3270f03830d80cf78e855bcb824e5ac9e3e0680b5638664902ff8dec',
  'drivers/net/ethernet/mellanox/mlx5/core/main.c': 'f6d44fb98dae2ab39439fed50a73b8216614b115f859b95237f55145fddc0301',
  'drivers/nvme/host/pci.c': '88b13258fa6db6ff8e6211e39c7fef504d7a53aa90a776c647d52112eb2d9512',
};

export const LINUX_UPSTREAM: UpstreamTable = {
  models: ['linux'],
  revision: `linux-stable ${LINUX_TAG}`,
  tree: `linux/${LINUX_TAG}`,
  sha256: LINUX_SHA256,
  url: (path, line) => `https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/${path}?h=${LINUX_TAG}${line ? `#n${line}` : ''}`,
  rows: {
    // drivers/pci/controller/pci-hyperv.c
    hv_pci_probe: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3635, text: 'static int hv_pci_probe(struct hv_device *hdev,' } },
    wait_for_response: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 978, text: 'static int wait_for_response(struct hv_device *hdev,' } },
    hv_pci_protocol_negotiation: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3106, text: 'static int hv_pci_protocol_negotiation(struct hv_device *hdev,' },
    },
    hv_allocate_config_window: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3290, text: 'static int hv_allocate_config_window(struct hv_pcibus_device *hbus)' },
    },
    hv_pci_query_relations: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3419, text: 'static int hv_pci_query_relations(struct hv_device *hdev)' },
    },
    survey_child_resources: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2130, text: 'static void survey_child_resources(struct hv_pcibus_device *hbus)' },
    },
    hv_pci_enter_d0: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3329, text: 'static int hv_pci_enter_d0(struct hv_device *hdev)' } },
    hv_pci_allocate_bridge_windows: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3227, text: 'static int hv_pci_allocate_bridge_windows(struct hv_pcibus_device *hbus)' },
    },
    hv_pci_free_bridge_windows: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3182, text: 'static void hv_pci_free_bridge_windows(struct hv_pcibus_device *hbus)' },
    },
    hv_send_resources_allocated: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3477, text: 'static int hv_send_resources_allocated(struct hv_device *hdev)' },
    },
    hv_send_resources_released: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3554, text: 'static int hv_send_resources_released(struct hv_device *hdev)' },
    },
    prepopulate_bars: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2202, text: 'static void prepopulate_bars(struct hv_pcibus_device *hbus)' } },
    create_root_hv_pci_bus: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2398, text: 'static int create_root_hv_pci_bus(struct hv_pcibus_device *hbus)' },
    },
    _hv_pcifront_read_config: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1108, text: 'static void _hv_pcifront_read_config(struct hv_pci_dev *hpdev, int where,' },
    },
    _hv_pcifront_write_config: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1226, text: 'static void _hv_pcifront_write_config(struct hv_pci_dev *hpdev, int where,' },
    },
    hv_pcifront_read_config: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1288, text: 'static int hv_pcifront_read_config(struct pci_bus *bus, unsigned int devfn,' },
    },
    hv_pcifront_write_config: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1316, text: 'static int hv_pcifront_write_config(struct pci_bus *bus, unsigned int devfn,' },
    },
    hv_pcifront_get_vendor_id: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1181, text: 'static u16 hv_pcifront_get_vendor_id(struct hv_pci_dev *hpdev)' },
    },
    hv_compose_msi_msg: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1813, text: 'static void hv_compose_msi_msg(struct irq_data *data, struct msi_msg *msg)' },
    },
    hv_irq_unmask: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1657, text: 'static void hv_irq_unmask(struct irq_data *data)' } },
    hv_msi_free: {
      ref: {
        path: 'drivers/pci/controller/pci-hyperv.c',
        line: 1623,
        text: 'static void hv_msi_free(struct irq_domain *domain, struct msi_domain_info *info,',
      },
    },
    hv_int_desc_free: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1588, text: 'static void hv_int_desc_free(struct hv_pci_dev *hpdev,' } },
    hv_pci_generic_compl: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 951, text: 'static void hv_pci_generic_compl(void *context, struct pci_response *resp,' },
    },
    q_resource_requirements: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2435, text: 'static void q_resource_requirements(void *context, struct pci_response *resp,' },
    },
    hv_pci_compose_compl: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 1671, text: 'static void hv_pci_compose_compl(void *context, struct pci_response *resp,' },
    },
    new_pcichild_device: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2470, text: 'static struct hv_pci_dev *new_pcichild_device(struct hv_pcibus_device *hbus,' },
    },
    pci_devices_present_work: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2578, text: 'static void pci_devices_present_work(struct work_struct *work)' },
    },
    hv_pci_start_relations_work: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2709, text: 'static int hv_pci_start_relations_work(struct hv_pcibus_device *hbus,' },
    },
    hv_pci_devices_present: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2756, text: 'static void hv_pci_devices_present(struct hv_pcibus_device *hbus,' },
    },
    hv_pci_devices_present2: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2791, text: 'static void hv_pci_devices_present2(struct hv_pcibus_device *hbus,' },
    },
    hv_eject_device_work: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2831, text: 'static void hv_eject_device_work(struct work_struct *work)' },
    },
    hv_pci_eject_device: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2897, text: 'static void hv_pci_eject_device(struct hv_pci_dev *hpdev)' },
    },
    hv_pci_onchannelcallback: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 2919, text: 'static void hv_pci_onchannelcallback(void *context)' } },
    hv_pci_remove: { ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3896, text: 'static void hv_pci_remove(struct hv_device *hdev)' } },
    hv_pci_bus_exit: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3813, text: 'static int hv_pci_bus_exit(struct hv_device *hdev, bool keep_devs)' },
    },
    hv_free_config_window: {
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3316, text: 'static void hv_free_config_window(struct hv_pcibus_device *hbus)' },
    },
    // drivers/hv/vmbus_drv.c: the VMBus core's remove, which calls the bound driver's remove.
    vmbus_remove: {
      ours: "the VMBus core's remove as far as it reaches the bridge: hv_pci_remove() for a bound driver",
      ref: { path: 'drivers/hv/vmbus_drv.c', line: 848, text: 'static void vmbus_remove(struct device *child_device)' },
    },
    hv_pci_probe_fail: {
      ours: "hv_pci_probe()'s error labels (free_windows: … free_bus:) shown as one frame",
      ref: { path: 'drivers/pci/controller/pci-hyperv.c', line: 3635, text: 'static int hv_pci_probe(struct hv_device *hdev,', name: 'hv_pci_probe' },
    },
    // The PCI core, IRQ core and kernel contexts, modelled (ours) after these functions.
    pci_scan_child_bus: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 3093, text: 'unsigned int pci_scan_child_bus(struct pci_bus *bus)' },
    },
    pci_scan_slot: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 2753, text: 'int pci_scan_slot(struct pci_bus *bus, int devfn)' },
    },
    pci_scan_single_device: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 2665, text: 'struct pci_dev *pci_scan_single_device(struct pci_bus *bus, int devfn)' },
    },
    pci_scan_device: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 2500, text: 'static struct pci_dev *pci_scan_device(struct pci_bus *bus, int devfn)' },
    },
    pci_setup_device: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 1934, text: 'int pci_setup_device(struct pci_dev *dev)' },
    },
    pci_read_bases: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 319, text: 'static void pci_read_bases(struct pci_dev *dev, unsigned int howmany, int rom)' },
    },
    __pci_read_base: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 176, text: 'int __pci_read_base(struct pci_dev *dev, enum pci_bar_type type,' },
    },
    pci_init_capabilities: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/probe.c', line: 2544, text: 'static void pci_init_capabilities(struct pci_dev *dev)' },
    },
    pci_bus_assign_resources: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/setup-bus.c', line: 1490, text: 'void pci_bus_assign_resources(const struct pci_bus *bus)' },
    },
    pci_assign_resource: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/setup-res.c', line: 329, text: 'int pci_assign_resource(struct pci_dev *dev, int resno)' },
    },
    pci_std_update_resource: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/setup-res.c', line: 25, text: 'static void pci_std_update_resource(struct pci_dev *dev, int resno)' },
    },
    pci_bus_add_devices: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/bus.c', line: 385, text: 'void pci_bus_add_devices(const struct pci_bus *bus)' },
    },
    pci_bus_add_device: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/bus.c', line: 330, text: 'void pci_bus_add_device(struct pci_dev *dev)' },
    },
    pci_enable_device: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/pci.c', line: 2256, text: 'int pci_enable_device(struct pci_dev *dev)' },
    },
    pci_set_master: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/pci.c', line: 4321, text: 'void pci_set_master(struct pci_dev *dev)' },
    },
    pci_disable_device: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/pci.c', line: 2332, text: 'void pci_disable_device(struct pci_dev *dev)' },
    },
    pci_alloc_irq_vectors: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/msi/api.c', line: 234, text: 'int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs,' },
    },
    pci_free_irq_vectors: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/msi/api.c', line: 376, text: 'void pci_free_irq_vectors(struct pci_dev *dev)' },
    },
    msix_capability_init: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/msi/msi.c', line: 714, text: 'static int msix_capability_init(struct pci_dev *dev, struct msix_entry *entries,' },
    },
    msi_capability_init: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/msi/msi.c', line: 350, text: 'static int msi_capability_init(struct pci_dev *dev, int nvec,' },
    },
    pci_msi_set_enable: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/msi/msi.c', line: 274, text: 'static void pci_msi_set_enable(struct pci_dev *dev, int enable)' },
    },
    __pci_write_msi_msg: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/msi/msi.c', line: 239, text: 'void __pci_write_msi_msg(struct msi_desc *entry, struct msi_msg *msg)' },
    },
    pci_msi_unmask_irq: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/msi/msi.c', line: 146, text: 'void pci_msi_unmask_irq(struct irq_data *data)' },
    },
    request_irq: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'include/linux/interrupt.h', line: 171, text: 'request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,' },
    },
    free_irq: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'kernel/irq/manage.c', line: 2041, text: 'const void *free_irq(unsigned int irq, void *dev_id)' },
    },
    pci_stop_and_remove_bus_device: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/remove.c', line: 135, text: 'void pci_stop_and_remove_bus_device(struct pci_dev *dev)' },
    },
    pci_stop_root_bus: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/pci/remove.c', line: 150, text: 'void pci_stop_root_bus(struct pci_bus *bus)' },
    },
    vmbus_on_event: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'drivers/hv/connection.c', line: 420, text: 'void vmbus_on_event(unsigned long data)' },
    },
    worker_thread: {
      ours: 'the modelled steps of the kernel function that touch PCI and vPCI',
      ref: { path: 'kernel/workqueue.c', line: 3373, text: 'static int worker_thread(void *__worker)' },
    },
    vmbus_device_work: {
      ours: 'the VMBus driver core running probe and remove from its work queue, shown as a worker',
      ref: { path: 'kernel/workqueue.c', line: 3373, text: 'static int worker_thread(void *__worker)', name: 'worker_thread' },
    },
  },
  patterns: [
    {
      // <drv>_attach: the driver core binding a function driver (really_probe -> pci_device_probe -> local_pci_probe).
      re: /^([a-z0-9_]+)_attach$/,
      row: () => ({ ours: 'the driver core binding this function driver', ref: LOCAL_PCI_PROBE }),
    },
    {
      re: /^([a-z0-9_]+)_(probe|remove)$/,
      row: (m) => {
        const real = DRIVER_ENTRY_POINTS[m[1]!];
        const ours = `stand-in for ${m[1]}'s ${m[2]}: only the steps that touch PCI and vPCI`;
        return real ? { ours, ref: m[2] === 'probe' ? real.probe : real.remove } : { ours: `${ours} (no in-tree driver to link)` };
      },
    },
  ],
};
