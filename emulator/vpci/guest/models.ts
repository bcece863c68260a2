// The guest bridge-driver models a scenario can choose, with the protocol
// versions each offers (in the order it offers them) and its quirks.
import { quirksFor, type GuestModelName, type QuirkInfo } from './quirks';

export interface GuestModelInfo {
  name: GuestModelName;
  driver: string;
  summary: string;
  /** Versions offered, highest first, as u32 (major << 16 | minor). */
  versions: readonly number[];
  quirks: readonly QuirkInfo[];
  source: string;
}

export const GUEST_MODELS: readonly GuestModelInfo[] = [
  {
    name: 'freebsd',
    driver: 'vmbus_pcib',
    summary: 'FreeBSD vmbus_pcib as in the current tree (protocol 1.4, then 1.1)',
    versions: [0x00010004, 0x00010001],
    quirks: quirksFor('freebsd'),
    source: 'freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c (pci_protocol_versions[])',
  },
  {
    name: 'freebsd-2016',
    driver: 'vmbus_pcib',
    summary: 'FreeBSD vmbus_pcib as first committed in 2016 (r308725, D8332): protocol 1.1 only',
    versions: [0x00010001],
    quirks: quirksFor('freebsd-2016'),
    source: 'freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c @ dd2e215ca93c',
  },
  {
    name: 'linux',
    driver: 'pci-hyperv',
    summary: 'Linux pci-hyperv (protocol 1.4, 1.3, 1.2, then 1.1)',
    versions: [0x00010004, 0x00010003, 0x00010002, 0x00010001],
    quirks: quirksFor('linux'),
    source: 'torvalds/linux drivers/pci/controller/pci-hyperv.c (pci_protocol_versions[])',
  },
];

/** The model a scenario runs when it names none. */
export const DEFAULT_GUEST_MODEL: GuestModelName = 'freebsd';

export function guestModel(name: string): GuestModelInfo | undefined {
  return GUEST_MODELS.find((m) => m.name === name);
}
