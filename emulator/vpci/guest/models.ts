// The guest bridge-driver models a scenario can choose: one row each, the one
// place a guest model is named. The launch schema (package.json), the CLI help,
// completion, hover and the docs' tables are generated from this table
// (scripts/generate.ts); how a row runs (its program, threads and softc) is the
// registry's per-OS entry (registry.ts), and which function driver a device gets
// is a column per OS in drivers.ts. Plain data: the language server reads it
// without loading any driver program.

export interface GuestModelRow {
  /** The name a scenario (`vm { guest … }`), a launch config (`"guest"`) and the CLI (`--guest`) use. */
  name: string;
  /** The guest OS: picks the program (registry.ts) and names the function drivers (drivers.ts). */
  os: string;
  /** The bridge driver's own name. */
  driver: string;
  /** Which driver, in a few words. */
  title: string;
  /** One or two sentences for the launch schema, hover and docs (the versions are added from `versions`). */
  description: string;
  /** Versions offered, in the order the driver offers them, as u32 (major << 16 | minor). */
  versions: readonly number[];
  /** Repository, path and pinned revision the model follows. */
  source: string;
  /**
   * true: the bridge driver sums the functions' 32-bit memory BARs into one window it allocates below
   * 4 GiB and the 64-bit ones into one above, and the bus fails when either cannot be had (the
   * checker warns of a vm whose MMIO ranges leave one out).
   */
  splitBarWindows?: boolean;
  /**
   * Set: a function the host adds to a bus the driver has attached (a `plug`) gets no working driver;
   * why, for the checker's warning at the plug. With `quirk`: only while that quirk is on, and only
   * when the bus already has a function (the plugged one is not the relations' first).
   */
  plugFails?: { why: string; quirk?: string };
}

export const GUEST_MODELS = [
  {
    name: 'freebsd',
    os: 'freebsd',
    driver: 'vmbus_pcib',
    title: 'FreeBSD vmbus_pcib, current tree',
    description: 'FreeBSD vmbus_pcib as in the current freebsd-src tree; it has no code for 1.2 or 1.3, so it falls back from 1.4 straight to 1.1.',
    versions: [0x00010004, 0x00010001],
    source: 'freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c (pci_protocol_versions[])',
    // QUIRKS descriptor-stride: relations entries past the first are decoded from the wrong bytes.
    plugFails: { why: 'functions past the first get a wrong slot (InvalidSlot)', quirk: 'descriptor-stride' },
  },
  {
    name: 'freebsd-2016',
    os: 'freebsd',
    driver: 'vmbus_pcib',
    title: 'FreeBSD vmbus_pcib, first commit (2016)',
    description: 'FreeBSD vmbus_pcib as first committed in 2016 (r308725, D8332): a single version request, and attach fails on any rejection.',
    versions: [0x00010001],
    source: 'freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c @ dd2e215ca93c',
  },
  {
    name: 'linux',
    os: 'linux',
    driver: 'pci-hyperv',
    title: 'Linux pci-hyperv',
    description: 'Linux pci-hyperv as in torvalds/linux: tries each version it knows, newest first, until the host accepts one.',
    versions: [0x00010004, 0x00010003, 0x00010002, 0x00010001],
    source: 'torvalds/linux drivers/pci/controller/pci-hyperv.c (pci_protocol_versions[])',
    // pci-hyperv.c v6.12.118 survey_child_resources (64-bit BARs to high_mmio_space, the rest to
    // low_mmio_space) and hv_pci_allocate_bridge_windows (vmbus_allocate_mmio of the low window in
    // [0, 4 GiB), the high one from 4 GiB; either failing is "Need … MMIO space" and the probe fails).
    splitBarWindows: true,
    // pci-hyperv.c v6.12.118 pci_devices_present_work, case hv_pcibus_installed: pci_scan_child_bus()
    // alone, no resource assignment, so pci_enable_resources() finds the new BARs unset (-EINVAL).
    plugFails: { why: 'a rescan assigns no BARs: the driver fails (-22)' },
  },
] as const satisfies readonly GuestModelRow[];

export type GuestModelInfo = (typeof GUEST_MODELS)[number];
export type GuestModelName = GuestModelInfo['name'];
/** The guest OSes the rows name; registry.ts and drivers.ts must cover each. */
export type GuestOs = GuestModelInfo['os'];

/** The model a scenario runs when it names none. */
export const DEFAULT_GUEST_MODEL: GuestModelName = 'freebsd';

export function guestModel(name: string): GuestModelInfo | undefined {
  return GUEST_MODELS.find((m) => m.name === name);
}

export function isGuestModelName(name: string): name is GuestModelName {
  return guestModel(name) !== undefined;
}
