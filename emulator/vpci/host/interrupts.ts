// The interrupt-remapping tables: one per vPCI device (bus), as OpenVMM's x86 backend keeps one
// InterruptTable per device (microsoft/openvmm vmm_core/virt/src/x86/apic_software_device.rs:
// ApicSoftwareDevices::new_device makes a table per device id, retarget_interrupt looks the
// device's table up by id, and a device's MSI writes are looked up in its own table). So every
// bus's first mapping is 0xFEE00000. CREATE_INTERRUPT asks its bus's table for an (address, data)
// pair the device must write; when the device writes that pair, deliver() finds the guest vector
// and CPU.
//
// Each mapping takes one entry of the table, a slab (the `slab` crate): a new mapping takes the
// entry freed last, or a new one at the end when none is free; address = 0xFEE00000 + (index << 2),
// data = 0; on delivery the index is (address >> 2) & 0xFFFF and data is added to the base
// vector (multi-message MSI, as OpenVMM's test controller does: vm/devices/pci/vpci/src/
// test_helpers/mod.rs; the x86 backend injects the base vector alone). Limits from openvmm
// vm/devices/pci/vpci/src/device.rs: <= 32 vectors per request (PCI_MAX_MSI_VECTOR_COUNT), <= 32
// target CPUs, delivery mode 0 (fixed) or 1 (lowest priority), and <= 494 mappings per device
// (map_interrupts: the device's interrupt list, one per mapping whatever its vector count, plus
// the new ones, against MAX_SUPPORTED_INTERRUPT_MESSAGES).
//
// Multi-message MSI: one mapping covers vector_count messages (data 0..count-1).
// On the Hyper-V profiles a retarget names one message by its (address, data)
// and moves only that one, as WHP keeps a target per message
// (WHvGetVpciDeviceInterruptTarget takes an index and a message number:
// microsoft/openvmm vm/whp/src/lib.rs). Linux relies on it: it maps the block
// with a dummy vector and retargets each vector k with (address, data + k) to
// its own IDT vector and CPU (torvalds/linux drivers/pci/controller/pci-hyperv.c
// hv_compose_msi_msg, hv_arch_irq_unmask). OpenVMM's x86 backend (and its test
// controller, vm/devices/pci/vpci/src/test_helpers/mod.rs) ignores the data: a
// retarget moves the base vector and target of the whole block, and a device's
// write of any message of it is injected at that base vector
// (apic_software_device.rs @1488a37b, InterruptTable::retarget_interrupt,
// DeviceInterrupt::signal; `baseVectorOnly`, the profile's msiBaseVectorOnly).
// For a one-message mapping both are the same.
import { type Trace } from '../../runtime/trace';
import { Ev } from '../events';
import { STATUS_BAD_DATA } from './status';
import { counted } from '../../format';

export const MSI_ADDRESS_BASE = 0xfee00000;
export const PCI_MAX_MSI_VECTOR_COUNT = 32;
export const MAX_TARGET_CPUS = 32;
/** Mappings one device may hold (OV-P MAX_SUPPORTED_INTERRUPT_MESSAGES, checked by OV-D map_interrupts). */
export const MAX_SUPPORTED_INTERRUPT_MESSAGES = 494;

export interface MapRequest {
  bus: number;
  wslot: number;
  vector: number;
  deliveryMode: number;
  cpus: number[];
  vectorCount: number;
}

export type MapResult = { ok: true; address: number; data: number } | { ok: false; status: number; reason: string };

interface Entry {
  /** Its index in its bus's table. */
  slot: number;
  bus: number;
  wslot: number;
  vector: number;
  vectorCount: number;
  deliveryMode: number;
  cpus: number[];
  /** Multi-message mappings: per-message targets set by retarget (index = data); unset = vector + data, cpus. */
  msgs?: ({ vector: number; cpus: number[] } | null)[];
}

/**
 * One device's table, a slab: entries by index, and the indexes freed, the last freed on top. With
 * it, the device's list of mappings (OV-D ReadyDevice::interrupts, by index): a new one is pushed,
 * a deleted one swapped out with the last (Vec::swap_remove), a release deletes them in list order.
 */
interface Table {
  entries: (Entry | undefined)[];
  free: number[];
  list: number[];
}

export interface RemapperSnapshot {
  /** Per bus: its entries (in index order) and its free indexes (the last freed last). */
  tables: { bus: number; entries: Entry[]; free: number[]; list: number[]; length: number }[];
}

const copyEntry = (e: Entry): Entry => ({
  ...e,
  cpus: [...e.cpus],
  ...(e.msgs ? { msgs: e.msgs.map((x) => (x ? { vector: x.vector, cpus: [...x.cpus] } : null)) } : {}),
});

export class InterruptRemapper {
  private readonly trace: Trace;
  private readonly now: () => number;
  /** The VM's virtual processors (VP indexes 0..vps-1); undefined: not checked. */
  private readonly vps: number | undefined;
  /** A retarget and a delivery ignore the message's data (OpenVMM's x86 backend; see the top of this file). */
  private readonly baseVectorOnly: boolean;
  private tables = new Map<number, Table>();

  constructor(o: { trace: Trace; now: () => number; vps?: number; baseVectorOnly?: boolean }) {
    this.trace = o.trace;
    this.now = o.now;
    this.vps = o.vps;
    this.baseVectorOnly = o.baseVectorOnly ?? false;
  }

  private table(bus: number): Table {
    let t = this.tables.get(bus);
    if (!t) this.tables.set(bus, (t = { entries: [], free: [], list: [] }));
    return t;
  }

  /** Messages currently mapped, over every bus (sum of vector counts). */
  get mappedMessages(): number {
    let n = 0;
    for (const t of this.tables.values()) for (const e of t.entries) if (e) n += e.vectorCount;
    return n;
  }

  /** Mappings a bus's device holds now. */
  mappingsOf(bus: number): number {
    return this.tables.get(bus)?.list.length ?? 0;
  }

  /** Why `count` more mappings cannot be made on a bus (OV-D map_interrupts' TooManyMsis), or undefined. */
  tooMany(bus: number, count: number): string | undefined {
    const total = this.mappingsOf(bus) + count;
    return total > MAX_SUPPORTED_INTERRUPT_MESSAGES ? `TooManyMsis: ${total} interrupts mapped on the device > ${MAX_SUPPORTED_INTERRUPT_MESSAGES}` : undefined;
  }

  /**
   * Maps one request, or says why not. A refusal is not recorded here: the host answers it as the request's error
   * (vsp.ts, one Ev.Error with the reason), as OV-D reports a failed `register_interrupt` once, as the request's
   * error (map_interrupts returns it; `run` logs "request failed").
   */
  map(req: MapRequest): MapResult {
    const fail = (reason: string): MapResult => ({ ok: false, status: STATUS_BAD_DATA, reason });
    if (req.vectorCount === 0) return { ok: true, address: 0, data: 0 }; // OV-D skips empty requests: SUCCESS, zero descriptor
    if (!Number.isInteger(req.vectorCount) || req.vectorCount < 0 || req.vectorCount > PCI_MAX_MSI_VECTOR_COUNT)
      return fail(`InvalidInterrupt: vector_count ${req.vectorCount} > ${PCI_MAX_MSI_VECTOR_COUNT}`);
    if (req.cpus.length > MAX_TARGET_CPUS) return fail(`InvalidInterrupt: ${req.cpus.length} target CPUs > ${MAX_TARGET_CPUS}`);
    if (req.deliveryMode !== 0 && req.deliveryMode !== 1) return fail(`InvalidInterruptType: delivery mode ${req.deliveryMode}`);
    const over = this.tooMany(req.bus, 1);
    if (over) return fail(over);
    if (req.cpus.length === 0) return fail('RegisterInterrupt: no target CPU');
    // The x86 backend looks the first target up in the VM's APIC id map and refuses a VP the VM does not have
    // (microsoft/openvmm vmm_core/virt/src/x86/apic_software_device.rs @1488a37b, InterruptTable::register_interrupt:
    // InvalidVirtualProcessor), which OV-D map_interrupts answers with BAD_DATA. The Hyper-V profiles do the same:
    // that Hyper-V refuses a VP the partition lacks, and with this status, is ours [UNCONFIRMED: not public].
    if (this.vps !== undefined && !(req.cpus[0]! < this.vps))
      return fail(`RegisterInterrupt: InvalidVirtualProcessor(${req.cpus[0]}): the VM has ${counted(this.vps, 'virtual processor')}`);
    const t = this.table(req.bus);
    // The slab's next entry: the one freed last, else a new one at the end.
    const slot = t.free.length ? t.free.pop()! : t.entries.length;
    const e: Entry = {
      slot,
      bus: req.bus,
      wslot: req.wslot,
      vector: req.vector >>> 0,
      vectorCount: req.vectorCount,
      deliveryMode: req.deliveryMode,
      cpus: [...req.cpus],
    };
    t.entries[slot] = e;
    t.list.push(slot);
    const address = addressOf(slot);
    this.trace.record(this.now(), Ev.IntMap, req.bus, req.wslot, 0, address, {
      slot,
      address,
      data: 0,
      vector: e.vector,
      vectorCount: e.vectorCount,
      deliveryMode: e.deliveryMode,
      cpus: e.cpus,
    });
    return { ok: true, address, data: 0 };
  }

  unmap(bus: number, wslot: number, address: number, data: number): boolean {
    // OV-D unmap_interrupt matches the whole MsiAddressData, a u64 address and the data (microsoft/openvmm
    // vm/devices/pci/vpci/src/device.rs @1488a37b): an address that agrees with a mapping only in its low
    // 32 bits names none (`lookup` below reads the low 32 bits alone).
    if (!(address >= 0 && address <= 0xffffffff)) return false;
    const e = this.lookup(bus, address);
    if (!e || e.wslot !== wslot || data !== 0) return false;
    const t = this.table(bus);
    this.free(t, e);
    const i = t.list.indexOf(e.slot);
    t.list[i] = t.list[t.list.length - 1]!;
    t.list.pop();
    return true;
  }

  /** Frees a mapping's entry (the slab takes it back, last freed first) and records it; the device's list is the caller's. */
  private free(t: Table, e: Entry): void {
    t.entries[e.slot] = undefined;
    t.free.push(e.slot);
    this.trace.record(this.now(), Ev.IntUnmap, e.bus, e.wslot, 0, addressOf(e.slot));
  }

  /** Removes every mapping of one function (RESOURCES_RELEASED, channel close), in the device's list order (OV-D release_all). Returns how many. */
  unmapAll(bus: number, wslot?: number): number {
    const t = this.tables.get(bus);
    if (!t) return 0;
    const gone = t.list.filter((slot) => wslot === undefined || t.entries[slot]!.wslot === wslot);
    for (const slot of gone) this.free(t, t.entries[slot]!);
    // What stays keeps its order (all of them go when the device is released, as OV-D drains its list).
    t.list = t.list.filter((slot) => t.entries[slot] !== undefined);
    return gone.length;
  }

  /** Where a device's MSI write of (address, data) goes, looked up in its bus's table. */
  deliver(bus: number, address: number, data: number): { cpu: number; vector: number } | { error: string } {
    // The whole 64-bit address must be in the window: a write with any of bits 32..63 set is not an x86 interrupt
    // message (Intel SDM vol. 3, "Message Address Register Format": bits 31..20 are 0FEEH; an MSI-X entry's upper
    // address must be 0 for it). Ours: OpenVMM's software APIC device takes the table slot from bits 2..17 alone.
    if (!(address >= 0 && address <= 0xffffffff) || (address & 0xfff00000) >>> 0 !== MSI_ADDRESS_BASE)
      return { error: `address 0x${address.toString(16)} is not in the interrupt window 0xfee00000` };
    const slot = (address >>> 2) & 0xffff;
    const e = this.tables.get(bus)?.entries[slot];
    if (!e) return { error: `no mapping at table slot ${slot}` };
    if (this.baseVectorOnly) return e.cpus[0] === undefined ? { error: 'mapping has no target CPU' } : { cpu: e.cpus[0], vector: e.vector };
    if (!Number.isInteger(data) || data < 0 || data >= e.vectorCount) return { error: `data ${data} outside the ${e.vectorCount} mapped message(s)` };
    const own = e.msgs?.[data];
    const cpu = own ? own.cpus[0] : e.cpus[0];
    if (cpu === undefined) return { error: 'mapping has no target CPU' };
    return { cpu, vector: own ? own.vector : e.vector + data };
  }

  /** A guest's retarget of one of its bus's mappings (OV retarget_interrupt finds the device's table by its id). */
  retarget(bus: number, address: number, data: number, vector: number, cpus: number[]): boolean {
    const e = this.lookup(bus, address);
    if (!e || cpus.length === 0 || cpus.length > MAX_TARGET_CPUS) return false;
    if (e.vectorCount > 1 && !this.baseVectorOnly) {
      // One message of a multi-message block (see the top of this file).
      if (!Number.isInteger(data) || data < 0 || data >= e.vectorCount) return false;
      const msgs = e.msgs ?? new Array<{ vector: number; cpus: number[] } | null>(e.vectorCount).fill(null);
      msgs[data] = { vector: vector >>> 0, cpus: [...cpus] };
      e.msgs = msgs;
      this.trace.record(this.now(), Ev.State, e.bus, e.wslot, vector >>> 0, cpus[0]!, { what: 'interrupt retarget', address, data, vector, cpus: [...cpus] });
      return true;
    }
    e.vector = vector >>> 0;
    e.cpus = [...cpus];
    // A multi-message block moved whole (baseVectorOnly): the record keeps the data the retarget named.
    const named = e.vectorCount > 1 ? { data } : {};
    this.trace.record(this.now(), Ev.State, e.bus, e.wslot, vector >>> 0, cpus[0]!, { what: 'interrupt retarget', address, ...named, vector, cpus: e.cpus });
    return true;
  }

  entriesFor(bus: number, wslot: number): { address: number; data: number; vector: number; cpus: number[]; deliveryMode: number }[] {
    const out: { address: number; data: number; vector: number; cpus: number[]; deliveryMode: number }[] = [];
    for (const e of this.tables.get(bus)?.entries ?? [])
      if (e && e.wslot === wslot) out.push({ address: addressOf(e.slot), data: 0, vector: e.vector, cpus: [...e.cpus], deliveryMode: e.deliveryMode });
    return out;
  }

  snapshot(): RemapperSnapshot {
    const tables: RemapperSnapshot['tables'] = [];
    for (const [bus, t] of [...this.tables].sort((a, b) => a[0] - b[0]))
      tables.push({
        bus,
        entries: t.entries.filter((e): e is Entry => e !== undefined).map(copyEntry),
        free: [...t.free],
        list: [...t.list],
        length: t.entries.length,
      });
    return { tables };
  }

  restore(s: unknown): void {
    this.tables = new Map();
    for (const x of (s as RemapperSnapshot | undefined)?.tables ?? []) {
      const entries = new Array<Entry | undefined>(x.length).fill(undefined);
      for (const e of x.entries) entries[e.slot] = copyEntry(e);
      this.tables.set(x.bus, { entries, free: [...x.free], list: [...x.list] });
    }
  }

  private lookup(bus: number, address: number): Entry | undefined {
    if (((address >>> 0) & 0xfff00000) >>> 0 !== MSI_ADDRESS_BASE) return undefined;
    const slot = (address >>> 2) & 0xffff;
    const e = this.tables.get(bus)?.entries[slot];
    return e && addressOf(e.slot) === address >>> 0 ? e : undefined;
  }
}

function addressOf(slot: number): number {
  return (MSI_ADDRESS_BASE + (slot << 2)) >>> 0;
}
