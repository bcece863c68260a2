// The real guest drivers' known quirks (docs/protocol.md, marked [QUIRK]). Each
// one behaves as the real driver does by default; a scenario can switch it off to
// model a fixed driver. The guest models consult these by name. This table is the
// one place a quirk is defined: the launch schema's `quirks` properties, the CLI
// help, completion, hover and the docs' quirk table are generated from it
// (scripts/generate.ts).
import type { GuestModelName } from './models';

export type { GuestModelName };

export interface QuirkInfo {
  /** Switch name used in scenarios: `quirk <name> off`. */
  name: string;
  /** Which guest models have it. */
  models: readonly GuestModelName[];
  /** One line for completion lists. */
  summary: string;
  /** What happens, for hover text. */
  description: string;
  /** Where it comes from (repo and path, spec section). */
  source: string;
}

export const QUIRKS: readonly QuirkInfo[] = [
  {
    name: 'all-versions-rejected-continues',
    // The 2016 driver sent a single request and failed with EPROTO on a
    // negative status (freebsd-src @ dd2e215ca93c), so only the current tree has it.
    models: ['freebsd'],
    summary: 'attach continues with protocol version 0 when every version is rejected',
    description:
      'hv_pci_protocol_negotiation falls out of its loop with ret == 0 when the host answers ' +
      'REVISION_MISMATCH to every version, so vmbus_pcib_attach carries on with protocol_version 0 ' +
      '(only a console message is printed). Off: attach fails with EPROTO, as Linux does.',
    // Spec: docs/protocol.md §1.5.
    source: 'freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c (hv_pci_protocol_negotiation)',
  },
  {
    name: 'short-packet-drop',
    models: ['freebsd', 'freebsd-2016', 'linux'],
    summary: 'packets of 20 raw bytes or less are silently dropped',
    description:
      'The channel callback ignores every received packet whose raw length (16-byte descriptor plus ' +
      'padded payload) is <= 20 bytes, so a completion without a payload never wakes the waiter. ' +
      'Off: such a completion is delivered with the synthetic status -1.',
    // Spec: docs/protocol.md §2.4.
    source:
      'freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c (vmbus_pcib_on_channel_callback); ' +
      'torvalds/linux drivers/pci/controller/pci-hyperv.c (hv_pci_onchannelcallback)',
  },
  {
    name: 'int-pin-single-byte-only',
    models: ['freebsd', 'freebsd-2016', 'linux'],
    summary: 'only single-byte reads of Interrupt Line/Pin are answered locally',
    description:
      'The read_config emulation zeroes 0x3C and 0x3D only for 1-byte reads; a 16- or 32-bit read ' +
      'covering them is forwarded to the host and returns the device value. Off: a read covering ' +
      '0x3C..0x3D returns 0 for those bytes.',
    // Spec: docs/protocol.md §4.4.
    source: 'vmbus_pcib.c / pci-hyperv.c (_hv_pcifront_read_config)',
  },
  {
    name: 'drop-empty-relations',
    models: ['freebsd', 'freebsd-2016'],
    summary: 'BUS_RELATIONS with device_count 0 is dropped',
    description:
      'The channel callback drops relations messages that report no functions, so an empty first ' +
      'reply leaves attach waiting forever and "all devices gone" can only be signalled by EJECT or ' +
      'rescind. Off: an empty list is processed and removes every child, as Linux does.',
    // Spec: docs/protocol.md §7.1.
    source: 'vmbus_pcib.c (vmbus_pcib_on_channel_callback)',
  },
  {
    name: 'relations2-falls-into-eject',
    models: ['freebsd'],
    summary: 'BUS_RELATIONS2 handling falls through into the EJECT case',
    description:
      'A missing break after the PCI_BUS_RELATIONS2 case reinterprets the same buffer as an EJECT ' +
      'whose win_slot overlays device_count: with N functions reported, a child at wslot N is ' +
      'ejected spuriously. Off: the case ends after queueing the relations.',
    // Spec: docs/protocol.md §7.1.
    source: 'vmbus_pcib.c (vmbus_pcib_on_channel_callback)',
  },
  {
    name: 'descriptor-stride',
    // Only trees with the packed 26-byte struct hv_pcidev_desc have it: the 2016 driver keeps 20-byte
    // pci_func_desc records and copies sizeof(struct pci_func_desc) * N (freebsd-src @ dd2e215ca93c).
    models: ['freebsd'],
    summary: 'relations descriptors are copied with the wrong stride',
    description:
      'The driver copies the raw 20-byte (v1) or 28-byte (v2) descriptor array into packed 26-byte ' +
      'records, so only entry 0 is decoded correctly: FreeBSD effectively supports one function per ' +
      'bus. The 2016 driver (freebsd-2016) keeps 20-byte records and has no such bug. ' +
      'Off: each descriptor is decoded at its real stride.',
    // Spec: docs/protocol.md §7.1.
    source: 'vmbus_pcib.c (hv_pci_devices_present / hv_pci_devices_present2)',
  },
  {
    name: 'map-msi-no-rescind-check',
    // Not freebsd-2016: its every wait is a wait_for_completion with no rescind check, map_msi's among them.
    models: ['freebsd'],
    summary: 'vmbus_pcib_map_msi waits for CREATE_INTERRUPT without checking for rescind',
    description:
      'Every other wait polls for channel rescind every 100 ms; map_msi sleeps unconditionally, so ' +
      'a host that never answers (or a rescind) hangs the caller. Off: the wait fails with ENODEV on ' +
      'rescind like the others.',
    // Spec: docs/protocol.md §6.4.
    source: 'vmbus_pcib.c (vmbus_pcib_map_msi)',
  },
];

export function quirksFor(model: GuestModelName): QuirkInfo[] {
  return QUIRKS.filter((q) => q.models.includes(model));
}

export function quirkByName(name: string): QuirkInfo | undefined {
  return QUIRKS.find((q) => q.name === name);
}

/** Whether the quirk is in effect for this model under these switches (absent = the real driver's behaviour, on). */
export function quirkInEffect(name: string, model: GuestModelName, switches: Readonly<Record<string, boolean>>): boolean {
  const q = quirkByName(name);
  if (!q || !q.models.includes(model)) return false;
  return switches[name] ?? true;
}
