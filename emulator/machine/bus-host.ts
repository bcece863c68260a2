// What a bus needs from the machine it sits in: virtual time, the trace, the
// guest model, the interrupt remapper, guest-physical MMIO, the guest OS's
// interrupt allocator, threads and timers. The Machine implements it; a bus
// sees only this, so bus.ts and machine.ts do not import each other.
import type { Trace } from '../runtime/trace';
import type { ThreadState } from '../runtime/threads';
import type { Locals } from '../runtime/program';
import type { GuestModelRuntime } from '../vpci/guest/registry';
import type { InterruptRemapper } from '../vpci/host/interrupts';
import type { FunctionFactory } from './decls';

/** Virtual time a host handler takes for one packet. */
export const HOST_HANDLER_NS = 2_000;
/** Latency from a ring write to the other side's notification. */
export const SIGNAL_NS = 500;

/** One interrupt the guest OS allocated (x86 local APIC model). */
export interface GuestIrq {
  irq: number;
  cpu: number;
  vector: number;
  kind: 'msi' | 'msix';
}

/** A function driver's interrupt request from the scenario timeline. */
export interface DriverRequest {
  mode: 'msix' | 'msi' | 'none';
  vectors: number;
}

export interface BusHost {
  readonly now: number;
  readonly trace: Trace;
  readonly model: GuestModelRuntime;
  readonly remapper: InterruptRemapper;
  readonly config: { readonly host: string };
  readonly threads: ThreadState[];
  readonly createFunction: FunctionFactory;
  /** Timeline driver requests by "bus/wslot", and the guest's per-CPU vector allocator. */
  readonly state: { readonly driverRequests: Record<string, DriverRequest>; readonly irqs: { readonly vectorNext: number[] } };
  quirk(name: string): boolean;
  spawn(bus: number, role: ThreadState['role'], name: string, fn: string | null, args?: Locals, at?: number): ThreadState;
  touch(t: ThreadState): void;
  wakeKey(key: string, bus?: number): void;
  armTimer(bus: number, name: string, at: number): void;
  cancelTimer(bus: number, name: string): void;
  allocMmio(size: number, align: number, lo: number, hi: number, owner: string): number | undefined;
  freeMmio(base: number): void;
  mmioRead(fromBus: number, addr: number, size: number): number;
  mmioWrite(fromBus: number, addr: number, size: number, value: number): void;
  allocIrqs(count: number, kind: 'msi' | 'msix'): GuestIrq[];
  releaseIrqs(irqs: number[]): void;
  /** The guest kernel's PCI domain numbers (Linux's hvpci_dom_map): take one, hand one back. */
  takeDomain(req: number): number;
  releaseDomain(dom: number): void;
  /** The guest-wide management queue (registry.ts sharedMgmt): take a ticket, ask for the turn, give it back. */
  mgmtTicket(): number;
  mgmtTurn(ticket: number | undefined): boolean;
  mgmtDone(ticket: number | undefined): void;
  /** Linux's hv_compose_multi_msi_req_get_cpu: the guest-wide round-robin CPU for a multi-MSI block. */
  nextMultiMsiCpu(): number;
  irqInfo(irq: number): GuestIrq | undefined;
  irqByVector(cpu: number, vector: number): GuestIrq | undefined;
  /** The function-driver name for a device on this guest OS. */
  driverNameFor(vendorId: number, deviceId: number): string;
  signalNs(): number;
}
