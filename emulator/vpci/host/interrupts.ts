// The VM's interrupt-remapping table: one per VM, shared by every vPCI bus.
// CREATE_INTERRUPT asks it for an (address, data) pair the device must write;
// when the device writes that pair, deliver() finds the guest vector and CPU.
//
// Modelled on OpenVMM's x86 software APIC device and test controller
// (microsoft/openvmm vmm_core/virt/src/x86/apic_software_device.rs and
// vm/devices/pci/vpci/src/test_helpers/mod.rs, protocol.md §6.5): each mapping takes
// one table slot; address = 0xFEE00000 + (slot << 2), data = 0; on delivery the
// slot is (address >> 2) & 0xFFFF and data is added to the base vector
// (multi-message MSI). Limits from openvmm vm/devices/pci/vpci/src/device.rs:
// ≤ 32 vectors per request (PCI_MAX_MSI_VECTOR_COUNT), ≤ 32 target CPUs,
// delivery mode 0 (fixed) or 1 (lowest priority), ≤ 494 messages in total
// (MAX_SUPPORTED_INTERRUPT_MESSAGES; we count vector messages, not slots).
//
// Multi-message MSI: one mapping covers vector_count messages (data 0..count-1).
// A retarget names one message by its (address, data) and moves only that one,
// as Hyper-V keeps a target per message (WHvGetVpciDeviceInterruptTarget takes
// an index and a message number: microsoft/openvmm vm/whp/src/lib.rs). Linux
// relies on it: it maps the block with a dummy vector and retargets each vector
// k with (address, data + k) to its own IDT vector and CPU (torvalds/linux
// drivers/pci/controller/pci-hyperv.c hv_compose_msi_msg, hv_arch_irq_unmask).
// OpenVMM's test controller instead moves the base vector of the whole block
// (vm/devices/pci/vpci/src/test_helpers/mod.rs retarget_interrupt ignores data);
// for a one-message mapping both are the same.
import { type Trace } from '../../runtime/trace';
import { Ev } from '../events';
import { STATUS_BAD_DATA } from './status';

export const MSI_ADDRESS_BASE = 0xfee00000;
export const PCI_MAX_MSI_VECTOR_COUNT = 32;
export const MAX_TARGET_CPUS = 32;
export const MAX_SUPPORTED_INTERRUPT_MESSAGES = 494;
/** Table slots the x86 backend has (OV-T: index 0..499). */
export const TABLE_SLOTS = 500;

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

export interface RemapperSnapshot {
  entries: Entry[];
}

export class InterruptRemapper {
  private readonly trace: Trace;
  private readonly now: () => number;
  private slots = new Array<Entry | undefined>(TABLE_SLOTS).fill(undefined);
  private total = 0;

  constructor(o: { trace: Trace; now: () => number }) {
    this.trace = o.trace;
    this.now = o.now;
  }

  /** Messages currently mapped (sum of vector counts). */
  get mappedMessages(): number {
    return this.total;
  }

  map(req: MapRequest): MapResult {
    const fail = (reason: string): MapResult => {
      this.trace.record(this.now(), Ev.Error, req.bus, req.wslot, req.vector >>> 0, req.vectorCount >>> 0, `interrupt not mapped: ${reason}`);
      return { ok: false, status: STATUS_BAD_DATA, reason };
    };
    if (req.vectorCount === 0) return { ok: true, address: 0, data: 0 }; // OV-D skips empty requests: SUCCESS, zero descriptor
    if (!Number.isInteger(req.vectorCount) || req.vectorCount < 0 || req.vectorCount > PCI_MAX_MSI_VECTOR_COUNT)
      return fail(`InvalidInterrupt: vector_count ${req.vectorCount} > ${PCI_MAX_MSI_VECTOR_COUNT}`);
    if (req.cpus.length > MAX_TARGET_CPUS) return fail(`InvalidInterrupt: ${req.cpus.length} target CPUs > ${MAX_TARGET_CPUS}`);
    if (req.deliveryMode !== 0 && req.deliveryMode !== 1) return fail(`InvalidInterruptType: delivery mode ${req.deliveryMode}`);
    if (req.cpus.length === 0) return fail('RegisterInterrupt: no target CPU');
    if (this.total + req.vectorCount > MAX_SUPPORTED_INTERRUPT_MESSAGES)
      return fail(`TooManyMsis: ${this.total} + ${req.vectorCount} > ${MAX_SUPPORTED_INTERRUPT_MESSAGES}`);
    const slot = this.slots.indexOf(undefined);
    if (slot < 0) return fail('RegisterInterrupt: no free table slot');
    const e: Entry = {
      slot,
      bus: req.bus,
      wslot: req.wslot,
      vector: req.vector >>> 0,
      vectorCount: req.vectorCount,
      deliveryMode: req.deliveryMode,
      cpus: [...req.cpus],
    };
    this.slots[slot] = e;
    this.total += e.vectorCount;
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
    const e = this.lookup(address, data);
    if (!e || e.bus !== bus || e.wslot !== wslot || data !== 0) return false;
    this.slots[e.slot] = undefined;
    this.total -= e.vectorCount;
    this.trace.record(this.now(), Ev.IntUnmap, bus, wslot, data, address);
    return true;
  }

  /** Removes every mapping of one function (RESOURCES_RELEASED, channel close). Returns how many. */
  unmapAll(bus: number, wslot?: number): number {
    let n = 0;
    for (const e of this.slots) {
      if (!e || e.bus !== bus || (wslot !== undefined && e.wslot !== wslot)) continue;
      if (this.unmap(e.bus, e.wslot, addressOf(e.slot), 0)) n++;
    }
    return n;
  }

  deliver(address: number, data: number): { cpu: number; vector: number } | { error: string } {
    if (((address >>> 0) & 0xfff00000) >>> 0 !== MSI_ADDRESS_BASE)
      return { error: `address 0x${(address >>> 0).toString(16)} is not in the interrupt window 0xfee00000` };
    const slot = (address >>> 2) & 0xffff;
    const e = this.slots[slot];
    if (!e) return { error: `no mapping at table slot ${slot}` };
    if (!Number.isInteger(data) || data < 0 || data >= e.vectorCount) return { error: `data ${data} outside the ${e.vectorCount} mapped message(s)` };
    const own = e.msgs?.[data];
    const cpu = own ? own.cpus[0] : e.cpus[0];
    if (cpu === undefined) return { error: 'mapping has no target CPU' };
    return { cpu, vector: own ? own.vector : e.vector + data };
  }

  retarget(address: number, data: number, vector: number, cpus: number[]): boolean {
    const e = this.lookup(address, data);
    if (!e || cpus.length === 0 || cpus.length > MAX_TARGET_CPUS) return false;
    if (e.vectorCount > 1) {
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
    this.trace.record(this.now(), Ev.State, e.bus, e.wslot, vector >>> 0, cpus[0]!, { what: 'interrupt retarget', address, vector, cpus: e.cpus });
    return true;
  }

  entriesFor(bus: number, wslot: number): { address: number; data: number; vector: number; cpus: number[]; deliveryMode: number }[] {
    const out: { address: number; data: number; vector: number; cpus: number[]; deliveryMode: number }[] = [];
    for (const e of this.slots)
      if (e && e.bus === bus && e.wslot === wslot)
        out.push({ address: addressOf(e.slot), data: 0, vector: e.vector, cpus: [...e.cpus], deliveryMode: e.deliveryMode });
    return out;
  }

  snapshot(): RemapperSnapshot {
    return {
      entries: this.slots
        .filter((e): e is Entry => e !== undefined)
        .map((e) => ({ ...e, cpus: [...e.cpus], ...(e.msgs ? { msgs: e.msgs.map((x) => (x ? { vector: x.vector, cpus: [...x.cpus] } : null)) } : {}) })),
    };
  }

  restore(s: unknown): void {
    this.slots = new Array<Entry | undefined>(TABLE_SLOTS).fill(undefined);
    this.total = 0;
    const entries = (s as RemapperSnapshot | undefined)?.entries ?? [];
    for (const e of entries) {
      this.slots[e.slot] = { ...e, cpus: [...e.cpus], ...(e.msgs ? { msgs: e.msgs.map((x) => (x ? { vector: x.vector, cpus: [...x.cpus] } : null)) } : {}) };
      this.total += e.vectorCount;
    }
  }

  private lookup(address: number, _data: number): Entry | undefined {
    if (((address >>> 0) & 0xfff00000) >>> 0 !== MSI_ADDRESS_BASE) return undefined;
    const slot = (address >>> 2) & 0xffff;
    const e = this.slots[slot];
    return e && addressOf(e.slot) === address >>> 0 ? e : undefined;
  }
}

function addressOf(slot: number): number {
  return (MSI_ADDRESS_BASE + (slot << 2)) >>> 0;
}
