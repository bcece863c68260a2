// Which function driver claims which device, per guest OS — so stack frames
// name the driver a real system would run (ixv_attach, mlx4_attach, …).
// Keyed by PCI vendor:device, one column per guest OS of GUEST_MODELS (a new OS
// is a new column; the type says where one is missing); unknown devices get a
// generic stand-in.
import type { GuestOs } from './models';

export type FunctionDriverNames = Readonly<Record<GuestOs, string>>;

export const FUNCTION_DRIVERS: Record<string, FunctionDriverNames> = {
  '8086:10ed': { freebsd: 'ixv', linux: 'ixgbevf' }, // 82599 VF
  '8086:10fb': { freebsd: 'ix', linux: 'ixgbe' }, // 82599ES PF
  '8086:10c9': { freebsd: 'igb', linux: 'igb' }, // 82576 PF
  '8086:1572': { freebsd: 'ixl', linux: 'i40e' }, // X710
  '15b3:1003': { freebsd: 'mlx4', linux: 'mlx4_core' }, // ConnectX-3
  '15b3:1007': { freebsd: 'mlx4', linux: 'mlx4_core' }, // ConnectX-3 Pro
  '15b3:1004': { freebsd: 'mlx4', linux: 'mlx4_core' }, // ConnectX-3 VF
  '15b3:1019': { freebsd: 'mlx5', linux: 'mlx5_core' }, // ConnectX-5 Ex
  '144d:a826': { freebsd: 'nvme', linux: 'nvme' }, // Samsung PM174x
  '10de:1e07': { freebsd: 'nvidia', linux: 'nvidia' }, // TU102
  '10de:1d10': { freebsd: 'nvidia', linux: 'nvidia' }, // GP108M
};

export const GENERIC_DRIVER: FunctionDriverNames = { freebsd: 'pcidev', linux: 'pcidev' };

export function functionDriverFor(vendorId: number, deviceId: number): FunctionDriverNames {
  const key = `${vendorId.toString(16).padStart(4, '0')}:${deviceId.toString(16).padStart(4, '0')}`;
  return FUNCTION_DRIVERS[key] ?? GENERIC_DRIVER;
}
