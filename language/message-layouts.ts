// One-line payload layouts of the vPCI messages, for hover. Offsets and sizes
// from docs/protocol.md §2.5 and §1.3, which follow
// torvalds/linux drivers/pci/controller/pci-hyperv.c (struct pci_* messages),
// freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c and
// microsoft/openvmm vm/devices/pci/vpci (protocol.rs). The text is ours.

export const MESSAGE_LAYOUTS: Readonly<Record<string, string>> = {
  PCI_BUS_RELATIONS:
    'host→guest, no completion: type @0, device_count @4, N × 20-byte function descriptors @8 (vendor, device, revision, prog-if, subclass, class, subsystem, win_slot, serial)',
  PCI_BUS_RELATIONS2:
    'host→guest, no completion: type @0, device_count @4, N × 28-byte descriptors @8 (v1 fields, flags @20 — bit 0 NUMA valid, NUMA node @24)',
  PCI_QUERY_BUS_RELATIONS: '4 bytes: type only; sent without completion request, answered by a BUS_RELATIONS message',
  PCI_POWER_STATE_CHANGE: 'type @0, win_slot @4, power_state @8 (D0 = 1, D3 = 4), reserved @12 → 16 bytes',
  PCI_QUERY_RESOURCE_REQUIREMENTS: 'type @0, win_slot @4 → 8 bytes; completion carries status + the 6 probed BAR masks',
  PCI_QUERY_RESOURCE_RESOURCES: 'type @0, win_slot @4, 3 × u64 reserved → 32 bytes (OpenVMM GET_RESOURCES); reply: the 128-byte resource list',
  PCI_BUS_D0ENTRY: 'type @0, reserved @4, mmio_base u64 @8 (guest-physical base of the 8 KiB config window) → 16 bytes, completion requested',
  PCI_BUS_D0EXIT: '4 bytes: type only',
  PCI_READ_BLOCK: 'type @0, block_id @4, win_slot @8, bytes_requested @12 (1..128) → 16 bytes',
  PCI_WRITE_BLOCK: 'type @0, block_id @4, win_slot @8, byte_count @12, bytes @16',
  PCI_EJECT: 'host→guest: type @0, win_slot @4 → 8 bytes',
  PCI_EJECTION_COMPLETE: 'guest→host, no completion: type @0, win_slot @4, status @8 → 12 bytes (Linux/FreeBSD; 8 in the OpenVMM client)',
  PCI_RESOURCES_ASSIGNED: 'type @0, win_slot @4, 6 × 20-byte BAR ranges @8, msi_resource_count @128, reserved → 148 bytes as Linux/FreeBSD send it',
  PCI_RESOURCES_ASSIGNED2: 'as RESOURCES_ASSIGNED with a 72-byte MSI slot → 202 bytes as Linux/FreeBSD send it',
  PCI_RESOURCES_ASSIGNED3: 'as RESOURCES_ASSIGNED with an 80-byte MSI slot (nobody sends it)',
  PCI_RESOURCES_RELEASED: 'type @0, win_slot @4 → 8 bytes, no completion',
  PCI_INVALIDATE_BLOCK: 'host→guest: type @0, win_slot @4, block_mask u64 @8',
  PCI_QUERY_PROTOCOL_VERSION: 'type @0, protocol_version @4 (major << 16 | minor) → 8 bytes; completion status REVISION_MISMATCH rejects',
  PCI_CREATE_INTERRUPT_MESSAGE:
    'type @0, win_slot @4, hv_msi_desc @8 (vector, delivery mode, vector_count, cpu mask) → 24 bytes; completion returns the 16-byte tran_int_desc',
  PCI_CREATE_INTERRUPT_MESSAGE2:
    'type @0, win_slot @4, hv_msi_desc2 @8 (vector, delivery mode, vector_count, processor_count, processor_array) → 78 bytes (Linux), 80 (OpenVMM)',
  PCI_CREATE_INTERRUPT_MESSAGE3: 'type @0, win_slot @4, hv_msi_desc3 @8 (32-bit vector, …) → 82 bytes (Linux/FreeBSD), 84 (OpenVMM)',
  PCI_DELETE_INTERRUPT_MESSAGE: 'type @0, win_slot @4, tran_int_desc @8 (the 16 bytes CREATE_INTERRUPT returned) → 24 bytes',
  PCI_DELETE_INTERRUPT_MESSAGE2: 'type @0, win_slot @4, tran_int_desc @8 → 24 bytes',
  PCI_RESET_DEVICE: 'OpenVMM: type @0, win_slot @4 → 8 bytes; reply NOT_SUPPORTED',
  PCI_TDISP_COMMAND: 'OpenVMM: type @0, win_slot @4, data_length u64 @8, data @16',
};
