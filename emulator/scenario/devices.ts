// The catalog devices a scenario can name in `function N <id>`. Until
// emulator/pci/catalog.ts lands this is the built-in list; then it reads
// catalogIds()/catalogEntry().
export interface DeviceName {
  id: string;
  title: string;
  detail: string;
}

const BUILTIN: readonly DeviceName[] = [
  { id: 'intel-82599-vf', title: 'Intel 82599 Virtual Function [8086:10ed]', detail: 'ixgbevf NIC VF: BAR0 16K, BAR3 16K, MSI-X 3' },
  { id: 'mellanox-cx3-vf', title: 'Mellanox ConnectX-3 Virtual Function [15b3:1004]', detail: 'mlx4 VF' },
  { id: 'samsung-pm174x-nvme', title: 'Samsung PM174x NVMe SSD', detail: 'NVMe controller' },
  { id: 'nvidia-tu102-gpu', title: 'NVIDIA TU102 GPU', detail: 'GPU with 16M/256M/32M BARs' },
];

export function CATALOG_DEVICES(): DeviceName[] {
  return BUILTIN.map((d) => ({ ...d }));
}
