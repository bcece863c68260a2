// What a guest driver model's statements may call: the kernel services the
// real drivers use (VMBus channel, MMIO, task queues, MSI allocation, logging),
// provided per bus by the machine. Statements touch only this interface and
// their plain-data softc and locals, so the whole guest is snapshot-able.
import type { ThreadState } from '../../runtime/threads';
import type { Locals, Program } from '../../runtime/program';

export const EAGAIN = 35;
export const ENOBUFS = 55;
export const ENODEV = 19;
export const ENOENT = 2;
export const ENXIO = 6;
export const EPROTO = 92;
export const EINVAL = 22;
export const ETIMEDOUT = 60;

/** A message the guest sends: its payload bytes, built by the wire encoder. */
export type Payload = Uint8Array;

/** The wait key of a task waiting its turn on the guest-wide management queue (not namespaced: one for all buses). */
export const MGMT_TURN_KEY = 'guest:mgmt-turn';

/** A task queued on one of a bus's task queues: a program function and its arguments. */
export interface QueuedTask {
  fn: string;
  args: Locals;
  /**
   * Its place on a management queue the whole guest shares (GuestModelRuntime.sharedMgmt): tasks of
   * every bus run one at a time in this order.
   */
  ticket?: number;
}

/**
 * What every guest model's softc holds and the machine touches (the rest is the
 * model's own): the bridge's state and negotiated version, the two task queues,
 * the rx-pending flag the channel sets, and the PCI layer's children (their
 * function driver and interrupt counts).
 */
export interface BaseSoftc {
  hbus: { state: string; protocol_version: number } | null;
  taskq: QueuedTask[];
  mgmt: QueuedTask[];
  /** Set by the channel when the host has written to the ring, cleared by the callback. */
  rxPending?: boolean;
  /** True while the bus's task queue runs a task. */
  taskqBusy?: boolean;
  /** What both drivers keep per child: its slot, driver, interrupt counts and the MSI/MSI-X vectors it set up. */
  pci: {
    children: {
      wslot: number;
      driver: string | null;
      intr_count: number[];
      irqs: { irq: number; index: number; cpu: number; vector: number; addr: number; data: number; mapped: boolean }[];
    }[];
  };
}

export interface GuestKernel<Sc extends BaseSoftc = BaseSoftc> {
  /** The bridge driver's softc for this bus (plain data, part of the snapshot). */
  readonly sc: Sc;
  readonly busIndex: number;
  readonly busName: string;
  /** The bus's VMBus instance GUID, canonical text form. */
  readonly instanceGuid: string;
  /** The bus's instance GUID in its 16-byte wire form. */
  readonly instanceBytes: Uint8Array;
  readonly thread: ThreadState;
  readonly cpus: number;
  now(): number;
  quirk(name: string): boolean;
  /** device_printf / dev_info: recorded in the trace as a log line. */
  log(text: string): void;
  /** The bridge's life-cycle milestones, recorded as state events the scenario can expect. */
  busState(state: 'attached' | 'failed' | 'detached'): void;

  // --- VMBus channel ---
  chanOpen(txBytes: number, rxBytes: number): number;
  chanClose(): void;
  isRevoked(): boolean;
  /**
   * Sends an in-band packet (optional completion request). Returns 0 or an errno. `onRescinded`
   * is what the OS's send does once the host has rescinded the channel: 'write' — FreeBSD's
   * vmbus_chan_send has no revoke check and writes the ring, which the host no longer reads
   * (freebsd-src sys/dev/hyperv/vmbus/vmbus_chan.c); 'fail' — Linux's hv_ringbuffer_write
   * returns -ENODEV (drivers/hv/ring_buffer.c).
   */
  send(payload: Payload, rc: boolean, txid: bigint, onRescinded: 'write' | 'fail'): number;
  /**
   * vmbus_chan_recv_pkt: the next raw packet (descriptor + padded payload).
   * ret is 0, EAGAIN when the ring is empty, or ENOBUFS (packet left in the
   * ring) when it is longer than `bufferLen`; len is the packet's length.
   */
  recv(bufferLen: number): { ret: number; pkt?: Uint8Array; len: number };

  // --- MMIO (guest physical) ---
  mmioRead(addr: number, size: number): number;
  mmioWrite(addr: number, size: number, value: number): void;
  /** bus_alloc_resource / vmbus_allocate_mmio over the VM's VMBus MMIO ranges. */
  allocMmio(size: number, align: number, lo: number, hi: number, owner: string): number | undefined;
  freeMmio(base: number): void;

  // --- synchronisation and work ---
  /** A wait key namespaced to this bus. */
  key(name: string): string;
  wake(name: string): void;
  /** Queues a task (a program function and its arguments) on one of this bus's task queues. */
  enqueue(queue: 'taskq' | 'mgmt', fn: string, args: Locals): void;
  /** Starts the function-driver thread for a child (used by the OS PCI layer's probe). */
  spawnDriver(wslot: number, fn: string, args: Locals): void;

  // --- the OS's interrupt resources (x86 APIC model) ---
  /** Allocates `count` IRQs for MSI/MSI-X, each bound to a CPU and an IDT vector. */
  allocIrqs(count: number, kind: 'msi' | 'msix'): { irq: number; cpu: number; vector: number }[];
  releaseIrqs(irqs: number[]): void;
  irqInfo(irq: number): { irq: number; cpu: number; vector: number } | undefined;
  /** HVCALL_RETARGET_INTERRUPT: the Linux unmask path's hypercall. */
  retargetInterrupt(address: number, data: number, vector: number, cpus: number[]): number;

  // --- PCI domain numbers, shared by all the guest's buses ---
  /** Linux's hv_get_dom_num: `req` if no bus has it, else the lowest free number; 0 (HVPCI_DOM_INVALID) when none is free. */
  takeDomain(req: number): number;
  /** Linux's hv_put_dom_num. */
  releaseDomain(dom: number): void;
  /** Whether the shared management queue's turn is this task's (always true for a task without a ticket). */
  mgmtTurn(ticket: number | undefined): boolean;
  /** The task with this ticket has returned: the shared queue's next task may run. */
  mgmtDone(ticket: number | undefined): void;
  /** Linux's hv_compose_multi_msi_req_get_cpu (its `static int cpu_next` is one for the whole guest). */
  nextMultiMsiCpu(): number;

  // --- what the scenario asked the function driver to do ---
  driverRequest(wslot: number): { mode: 'msix' | 'msi' | 'none'; vectors: number } | undefined;
  /** Name of the function driver stand-in for the child at wslot (ixv, mlx4, nvme…). */
  driverName(wslot: number): string;
}

/**
 * What a frame's names read from outside the machine (the debugger's Locals
 * view, the listing-condition check): the softc and who the bus is.
 */
export interface GuestView<Sc extends BaseSoftc = BaseSoftc> {
  readonly sc: Sc;
  readonly busName: string;
  /** The bus's VMBus instance GUID, canonical text form. */
  readonly instanceGuid: string;
  /** The channel has been rescinded. */
  readonly revoked: boolean;
  /** How the debugger names the function at a win_slot (e.g. "bus0/01.0: Intel 82599 VF"), if there is one. */
  device(wslot: number): string | undefined;
}

/**
 * A model's program as the machine runs it: its statements see the bus's
 * kernel with the model's own softc type. The machine only ever hands a
 * program the softc that model created (`newSoftc`), so forgetting the softc's
 * exact type at this boundary is safe.
 */
export function asMachineProgram<Sc extends BaseSoftc>(p: Program<GuestKernel<Sc>, GuestView<Sc>>): Program<GuestKernel, GuestView> {
  return p as unknown as Program<GuestKernel, GuestView>;
}

/** How a `struct hv_pci_compl comp_pkt` reads in the Locals view: the host_event completion and the status its callback stored. */
export function complView(c: { done: boolean; status: number } | undefined): { host_event: { done: number }; completion_status: number } | undefined {
  return c ? { host_event: { done: c.done ? 1 : 0 }, completion_status: c.status } : undefined;
}

/** The locals of a frame that hold numbers (register offsets and values), for helpers that take a local's name. */
export type NumKey<L> = { [P in keyof L]: L[P] extends number ? P : never }[keyof L] & string;

/** Reads a number-valued local by name. */
export function num<L>(l: L, key: NumKey<L>): number {
  const v = l[key];
  return typeof v === 'number' ? v : Number(v);
}

// Little-endian reads and writes on raw packets, as the drivers' struct casts do.
export function rd8(b: Uint8Array, o: number): number {
  return o < b.length ? b[o]! : 0;
}
export function rd16(b: Uint8Array, o: number): number {
  return rd8(b, o) | (rd8(b, o + 1) << 8);
}
export function rd32(b: Uint8Array, o: number): number {
  return (rd16(b, o) | (rd16(b, o + 2) << 16)) >>> 0;
}
export function rds32(b: Uint8Array, o: number): number {
  return rd32(b, o) | 0;
}
export function rd64(b: Uint8Array, o: number): number {
  return rd32(b, o) + rd32(b, o + 4) * 0x1_0000_0000;
}
export function rd64n(b: Uint8Array, o: number): bigint {
  return BigInt(rd32(b, o)) | (BigInt(rd32(b, o + 4)) << 32n);
}
