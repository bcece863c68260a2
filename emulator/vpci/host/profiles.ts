// Host profiles: which protocol versions a host accepts and how strictly it
// validates what the guest sends. This table is the one place a host profile is
// defined: the launch schema (package.json), the CLI help, completion, hover and
// the docs' tables are generated from it (scripts/generate.ts), so adding a
// profile is one row here (plus its tests). Behaviours: docs/protocol.md §1.4, §7.2, §9.2, §9.3.
// - OpenVMM: microsoft/openvmm vm/devices/pci/vpci/src/device.rs (OV-D) accepts
//   RS1, VB, FE, GE, DT (1.2 and up), always answers the version request with VB,
//   serves only win_slot 0, maps every per-packet error to STATUS_BAD_DATA and
//   never sends EJECT.
// - Hyper-V (WS2016/2019/2022): the versions each release shipped, from the release
//   names the guests give them. torvalds/linux drivers/pci/controller/pci-hyperv.c
//   `enum pci_protocol_version_t` labels 1.1 "Win10", 1.2 "RS1", 1.3 "Vibranium" and
//   1.4 "WS2022"; Windows Server 2016 is RS1 (build 14393) and Windows Server 2019 is
//   RS5 (include/linux/hyperv.h: "5.2 (Windows Server 2019, RS5)"), both before
//   Vibranium (20H1). So WS2016 and WS2019 accept 1.1-1.2 and WS2022 1.1-1.4. That
//   WS2016/2019 answer a 1.3 or 1.4 request with REVISION_MISMATCH (rather than some
//   other refusal) is not shown by any public source [UNCONFIRMED]; it is what every
//   guest's fallback loop expects. Their per-packet error mapping is not public
//   either; we use OpenVMM's (BAD_DATA) and mark it so.

/** Known protocol versions (major << 16 | minor); protocol.md §1.2. */
export const V1_1 = 0x00010001;
export const V1_2 = 0x00010002;
export const V1_3 = 0x00010003;
export const V1_4 = 0x00010004;
export const V1_5 = 0x00010005;
export const V1_6 = 0x00010006;

export interface HostProfile {
  /** The name a scenario (`vm { host … }`), a launch config (`"host"`) and the CLI (`--host`) use. */
  name: string;
  /** Which host, in a few words (the accepted versions are added from `versions` where shown). */
  title: string;
  /** One or two sentences for the launch schema, hover and docs: what is modelled and what is ours (the versions are added from `versions`). */
  description: string;
  /** Versions accepted by QUERY_PROTOCOL_VERSION, e.g. [0x10001]. */
  versions: number[];
  /**
   * Version field of the negotiation completion: a fixed value (OpenVMM always puts
   * VB = 0x00010003, OV-D) or 'echo' (the accepted version on success, the highest
   * accepted one on REVISION_MISMATCH — real Hyper-V's value is [UNCONFIRMED]; guests read only status).
   */
  replyVersion: number | 'echo';
  /** BUS_RELATIONS2 (0x42490019) is sent when the negotiated version is at least this (OV-D `send_child_device`: VB). */
  relations2From: number;
  /** Only win_slot 0 is served; any other slot → BAD_DATA InvalidSlot (OV-D). */
  slotZeroOnly: boolean;
  /** Message types newer than the negotiated version are treated as unknown types (OpenVMM does not gate, §9.2). */
  gateByVersion: boolean;
  /** QUERY_BUS_RELATIONS sent with completion-requested gets an empty (0-byte payload) completion (OV-D). */
  emptyRelationsCompletion: boolean;
  /** Writes to BAR registers are dropped while COMMAND.MEMORY is set (protocol.md §5.2). */
  ignoreBarWritesWhileMse: boolean;
  /** Host can send PCI_EJECT and wait for PCI_EJECTION_COMPLETE (Hyper-V); OpenVMM revokes the channel instead (§7.2). */
  supportsEject: boolean;
  /**
   * The set of functions on a live bus can change, and the host then sends a new BUS_RELATIONS(2) (§7.1 (c)):
   * Hyper-V. OpenVMM's vpci channel carries one device, fixed when the channel is offered, and sends the
   * relations only in answer to QUERY_BUS_RELATIONS and at D0 entry (microsoft/openvmm
   * vm/devices/pci/vpci/src/device.rs, `handle_packet`: `send_device` is set for FdoD0Entry and QueryRelations
   * only); a device leaves by its channel being revoked (§7.2, OV-BC). False: `plug` adds nothing and `unplug`
   * revokes the channel.
   */
  relationsUpdates: boolean;
  /** PCI_EJECTION_COMPLETE is understood (Hyper-V); OpenVMM treats it as an unknown type. */
  acceptsEjectionComplete: boolean;
  /** Virtual ns the host waits for EJECTION_COMPLETE before rescinding (§7.2: 60 s). */
  ejectTimeoutNs: number;
  /** Largest guest packet payload accepted (OV-P MAXIMUM_PACKET_SIZE = 136 + 494·80). */
  maxPacket: number;
  /**
   * Before version negotiation, a packet the host cannot parse (vsp.ts `parse`: PacketTooLarge, PacketTooSmall,
   * UnknownType, a bad range or MSI) fails the channel with that error: OV-D `VpciChannelState::run` in Init maps a `parse_packet` error to `WorkerError::Packet` and
   * returns it (microsoft/openvmm vm/devices/pci/vpci/src/device.rs @1488a37b, the Init arm). False: it is
   * answered BAD_DATA and the channel stays in Init, as once Ready — what Hyper-V does here is [UNCONFIRMED].
   */
  initParseErrorsFatal: boolean;
  /**
   * How the host's VMBus reader takes a guest packet. 'openvmm' (emulator/vmbus/packet.ts `openvmmIncoming`):
   * descriptor flags other than completion-requested, and a type other than 6, 7, 9 or 11, are a corrupt
   * ring and fail the channel; 7 (transfer pages) and 9 (GPA direct) are data packets whose payload OV-D
   * `parse_packet` reads through `DataPacket::reader` as it reads an in-band one's, ignoring the ranges
   * (microsoft/openvmm vm/devices/pci/vpci/src/device.rs @1488a37b reads no external ranges).
   * 'inband-only': any type but in-band fails the channel and unknown flags are ignored; what Hyper-V's
   * reader does with either is [UNCONFIRMED].
   */
  vmbusReader: 'openvmm' | 'inband-only';
  /**
   * How RESOURCES_ASSIGNED's ranges are checked against the BARs. 'openvmm': OV-D `set_bars` exactly
   * (bars.ts `openvmmSetBars`: a 32-bit BAR's mask widened with zeros, so never TooLarge but below 4 GiB;
   * an I/O BAR takes a range like a memory one). 'memory-bars': against the memory BARs of bars.ts
   * `barLayout` (a 32-bit mask sign-extended, I/O and absent BARs refused) — Hyper-V's checks are [UNCONFIRMED].
   */
  barCheck: 'openvmm' | 'memory-bars';
  /**
   * Room the host wants in the host-to-guest ring before it takes the next guest packet. 'openvmm': OV-D
   * `wait_for_completion_space` (microsoft/openvmm vm/devices/pci/vpci/src/device.rs @1488a37b), in Init and
   * Ready alike: `PacketSize::completion(MAXIMUM_PACKET_SIZE)` = 16 + 39 656 + 8 bytes, or the ring's
   * `capacity` (its size less 8, vmbus_async queue.rs) when smaller, against OV-R's free count (size less used
   * less 8) — so with rings under about 39 KiB it reads only when the guest has emptied the ring. 'replies': room
   * for a relations message and a 136-byte translate reply — Hyper-V's rule is [UNCONFIRMED].
   */
  dequeueRoom: 'openvmm' | 'replies';
  /**
   * PCI_TDISP_COMMAND (0x4249001D) is understood: OV-D answers BAD_DATA when its data does not deserialise as a
   * TDISP GuestToHostCommand (tdisp.ts) and NOT_SUPPORTED when the device has no TDISP, as every device here
   * (microsoft/openvmm vm/devices/pci/vpci/src/device.rs @1488a37b, `DeviceRequest::TdispCommand`). False: an
   * unknown type (BAD_DATA) — Hyper-V's answer is [UNCONFIRMED].
   */
  tdispCommand: boolean;
  /** vTOM bit (as a value, e.g. 2 ** 46) stripped from the D0 entry MMIO base, openvmm bus.rs; 0 = none. */
  vtomBit: number;
  /**
   * What fills the bytes that pad a packet the host sends to 8. 'ring': nothing is written there, the ring keeps
   * what it held (OV-R `write` writes the descriptor, the payload and the footer only: microsoft/openvmm
   * vm/devices/vmbus/vmbus_ring/src/lib.rs @1488a37b), zeros until the ring wraps, then older packets' bytes.
   * 'zeros': as the guests pad theirs — Hyper-V's is [UNCONFIRMED].
   */
  padding: 'ring' | 'zeros';
  /**
   * The interrupt backend ignores the data of a retarget and of a device's MSI write: a retarget sets the base
   * vector and target of the whole mapping, and every message of a multi-message mapping is injected at that base
   * vector (microsoft/openvmm vmm_core/virt/src/x86/apic_software_device.rs @1488a37b: InterruptTable::
   * retarget_interrupt and DeviceInterrupt::signal take `_data`; msi_params builds the message from base_vector).
   * False: a target per message, as WHP keeps one (WHvGetVpciDeviceInterruptTarget takes a message number) —
   * that Hyper-V does so is [UNCONFIRMED].
   */
  msiBaseVectorOnly: boolean;
}

/** OV-P `MAXIMUM_PACKET_SIZE`: sizeof(DeviceTranslate) 136 + 494 × sizeof(MsiResource3) 80. */
export const MAXIMUM_PACKET_SIZE = 136 + 494 * 80;
const EJECT_TIMEOUT_NS = 60_000_000_000;

const hyperv = (name: string, title: string, versions: number[], description: string): HostProfile => ({
  name,
  title,
  description,
  versions,
  replyVersion: 'echo',
  relations2From: V1_3,
  slotZeroOnly: false,
  gateByVersion: true, // [UNCONFIRMED] (docs/protocol.md §14)
  emptyRelationsCompletion: false,
  ignoreBarWritesWhileMse: true,
  supportsEject: true,
  relationsUpdates: true,
  acceptsEjectionComplete: true,
  ejectTimeoutNs: EJECT_TIMEOUT_NS,
  maxPacket: MAXIMUM_PACKET_SIZE,
  initParseErrorsFatal: false, // [UNCONFIRMED]
  vmbusReader: 'inband-only', // [UNCONFIRMED]
  barCheck: 'memory-bars', // [UNCONFIRMED]
  dequeueRoom: 'replies', // [UNCONFIRMED]
  tdispCommand: false, // [UNCONFIRMED]
  vtomBit: 0,
  padding: 'zeros', // [UNCONFIRMED]
  msiBaseVectorOnly: false,
});

// Shown in hovers and the docs: what no public source confirms is said to be the model's, in words (docs/protocol.md marks it [UNCONFIRMED]).
const HYPERV_NOTE =
  'Modelled, not confirmed by a public source: that it refuses newer versions with REVISION_MISMATCH and messages newer than the negotiated version, its per-packet error statuses, the version its reply names, and what it does with malformed or unusual packets, ring back-pressure, BAR ranges and an eject no guest can answer (docs/protocol.md marks each).';

export const HOST_PROFILES: readonly HostProfile[] = [
  hyperv(
    'hyperv-2016',
    'Hyper-V, Windows Server 2016',
    [V1_1, V1_2],
    `Release RS1 (build 14393): v1 bus relations, and PCI_EJECT with a 60 s wait for the guest. ${HYPERV_NOTE}`,
  ),
  hyperv(
    'hyperv-2019',
    'Hyper-V, Windows Server 2019',
    [V1_1, V1_2],
    `Release RS5, before vPCI 1.3 ("Vibranium", 20H1): the same protocol as Windows Server 2016. ${HYPERV_NOTE}`,
  ),
  hyperv(
    'hyperv-2022',
    'Hyper-V, Windows Server 2022',
    [V1_1, V1_2, V1_3, V1_4],
    `BUS_RELATIONS2 (with NUMA node) from 1.3, CREATE_INTERRUPT3 at 1.4; PCI_EJECT with a 60 s wait. ${HYPERV_NOTE}`,
  ),
  {
    name: 'openvmm',
    title: 'OpenVMM vpci host',
    description:
      'microsoft/openvmm vm/devices/pci/vpci: refuses 1.1, always replies version 1.3, serves only slot 0, answers every per-packet error with STATUS_BAD_DATA, revokes the channel instead of sending PCI_EJECT, and keeps one device per channel (no relations update: a plug adds nothing, an unplug revokes the channel).',
    versions: [V1_2, V1_3, V1_4, V1_5, V1_6],
    replyVersion: V1_3,
    relations2From: V1_3,
    slotZeroOnly: true,
    gateByVersion: false,
    emptyRelationsCompletion: true,
    ignoreBarWritesWhileMse: true,
    supportsEject: false,
    relationsUpdates: false,
    acceptsEjectionComplete: false,
    ejectTimeoutNs: EJECT_TIMEOUT_NS,
    maxPacket: MAXIMUM_PACKET_SIZE,
    initParseErrorsFatal: true,
    vmbusReader: 'openvmm',
    barCheck: 'openvmm',
    dequeueRoom: 'openvmm',
    tdispCommand: true,
    vtomBit: 0,
    padding: 'ring',
    msiBaseVectorOnly: true,
  },
];

/** The profile a scenario runs when it names none. */
export const DEFAULT_HOST_PROFILE = 'hyperv-2016';

export function hostProfile(name: string): HostProfile | undefined {
  return HOST_PROFILES.find((p) => p.name === name);
}
