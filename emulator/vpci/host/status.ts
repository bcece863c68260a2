// NTSTATUS values the host puts in completions (protocol.md §2.2). Kept here so the
// host does not depend on the order other modules land in; they equal
// protocol.ts STATUS.*.

export const STATUS_SUCCESS = 0x00000000;
/** Version rejected by QUERY_PROTOCOL_VERSION (linux pci-hyperv.c STATUS_REVISION_MISMATCH). */
export const STATUS_REVISION_MISMATCH = 0xc0000059;
/** OpenVMM's answer to every per-packet error in Ready (openvmm vm/devices/pci/vpci/src/device.rs). */
export const STATUS_BAD_DATA = 0xc000090b;
/** RESET_DEVICE, TDISP without support (openvmm device.rs). */
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
