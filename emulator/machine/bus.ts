// One vPCI bus inside the machine: its VMBus channel (two rings), its host VSP
// with the passed-through functions, and the guest bridge-driver instance —
// the threads the guest model asks for and the kernel services its statements
// call. Everything the guest sends or receives crosses the rings as bytes.
import type { SnapshotReader, SnapshotWriter } from '../runtime/snapshot-tree';
import { Ev, PENDING_MASKED, type BarAccessDetail } from '../vpci/events';
import { HOST_HANDLER_NS, type BusHost, type GuestIrq } from './bus-host';
import type { BusDecl, FunctionDecl } from './decls';
export type { BusDecl, FunctionDecl, FunctionSource, FunctionFactory } from './decls';
import type { ThreadState } from '../runtime/threads';
import type { Locals } from '../runtime/program';
import type { BaseSoftc, GuestKernel } from '../vpci/guest/kernel';
import { EAGAIN, ENOBUFS, ENODEV, ENXIO } from '../vpci/guest/kernel';
import { encodePacket } from '../vmbus/packet';
import { wslotText } from '../vpci/protocol';
import { VmbusChannel } from '../vmbus/channel';
import { guidBytes } from '../vmbus/guid';
import { VpciHost, type HostEnv, type HostFunctionDecl } from '../vpci/host/vsp';
import { hostProfile } from '../vpci/host/profiles';
import type { PciFunction } from '../pci/function';
import { memoryBars, barRead, barWrite, interruptMessage, setPending, functionIds } from './device-view';

export interface BusState {
  index: number;
  decl: BusDecl;
  started: boolean;
  gone: boolean;
  /** Guest bridge-driver softc (plain data). */
  sc: BaseSoftc;
  threads: { mgmt?: number; taskq?: number; callback?: number; host?: number; drivers: Record<string, number> };
  /** Raised-interrupt bookkeeping per function: PBA pending bits while masked. */
  pending: Record<string, number[]>;
}

export class BusRuntime {
  readonly state: BusState;
  channel: VmbusChannel;
  host: VpciHost;
  functions = new Map<number, PciFunction>();
  /** Where each function in `functions` came from (boot set plus plugged ones), so a snapshot can re-create them. */
  private fnDecls = new Map<number, FunctionDecl>();
  private kernel: BusKernel;

  constructor(
    readonly m: BusHost,
    readonly index: number,
    readonly decl: BusDecl,
  ) {
    this.state = {
      index,
      decl,
      started: false,
      gone: false,
      sc: m.model.newSoftc(),
      threads: { drivers: {} },
      pending: {},
    };
    this.channel = new VmbusChannel(decl.instance);
    for (const f of decl.functions) {
      this.functions.set(f.wslot, m.createFunction(f.source));
      this.fnDecls.set(f.wslot, f);
    }
    const profile = hostProfile(m.config.host)!;
    this.host = new VpciHost({
      profile,
      instanceGuid: decl.instance,
      functions: decl.functions.map((f) => this.hostDecl(f)),
      interrupts: m.remapper,
      env: this.hostEnv(),
    });
    this.kernel = new BusKernel(this);
  }

  private hostDecl(f: FunctionDecl): HostFunctionDecl {
    return { wslot: f.wslot, fn: this.functions.get(f.wslot)!, serial: f.serial, ...(f.numaNode !== undefined ? { numaNode: f.numaNode } : {}) };
  }

  key(name: string): string {
    return `b${this.index}:${name}`;
  }

  // ---- host side -------------------------------------------------------------

  private hostEnv(): HostEnv {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the methods of the object returned have a `this` of their own
    const self = this;
    return {
      now: () => self.m.now,
      send(packet: Uint8Array, type: number, keep?: number): boolean {
        if (!self.channel.hostToGuest.tryWrite(packet, keep)) {
          self.m.trace.record(self.m.now, Ev.Error, self.index, type >>> 0, 0, packet.length, `host-to-guest ring full: ${packet.length}-byte packet not sent`);
          return false;
        }
        // Completions carry the type of the request they complete in `a`; the descriptor (byte 0) tells them apart.
        const txid = packet.length >= 16 ? packet[8]! | (packet[9]! << 8) | (packet[10]! << 16) | (packet[11]! << 24) : 0;
        self.m.trace.record(self.m.now, Ev.PacketToGuest, self.index, type >>> 0, txid >>> 0, packet.length, packet);
        self.state.sc.rxPending = true;
        self.m.wakeKey(self.key('rx'), self.index);
        return true;
      },
      outboundFree: () => self.channel.hostToGuest.free,
      outboundCapacity: () => self.channel.hostToGuest.capacity,
      channelOpen: () => self.channel.isOpen,
      setTimer: (name: string, at: number) => self.m.armTimer(self.index, name, at),
      cancelTimer: (name: string) => self.m.cancelTimer(self.index, name),
      trace: self.m.trace,
      bus: self.index,
      rescind: () => self.rescind('host'),
    };
  }

  /** One host step: handle one guest→host packet, if the host may dequeue one. */
  hostStep(t: ThreadState): void {
    if (this.channel.state !== 'open') {
      t.status = 'blocked';
      t.waitKeys = [this.key('tohost')];
      t.waitWhy = 'channel not open';
      return;
    }
    if (!this.host.canDequeue()) {
      t.status = 'blocked';
      t.waitKeys = [this.key('tohost-space')];
      t.waitWhy = 'waiting for room in the host-to-guest ring';
      return;
    }
    const pkt = this.channel.guestToHost.read();
    if (pkt) this.host.handlePacket(pkt);
    t.readyAt = this.m.now + HOST_HANDLER_NS;
    if (this.channel.guestToHost.pendingPackets === 0) {
      t.status = 'blocked';
      t.waitKeys = [this.key('tohost')];
      t.waitWhy = 'guest-to-host ring empty';
    }
  }

  onTimer(name: string): void {
    this.host.onTimer(name);
  }

  // ---- life cycle ------------------------------------------------------------------

  /** The channel is offered to the guest: vmbus probes vmbus_pcib and queues its attach. */
  startGuest(): void {
    if (this.state.started) return;
    this.state.started = true;
    const m = this.m;
    this.m.trace.record(m.now, Ev.Channel, this.index, 0, 0, 0, `offer ${this.decl.name} instance ${this.decl.instance}`);
    const host = m.spawn(this.index, 'host', `${this.decl.name}: host VSP`, null);
    host.status = 'blocked';
    host.waitKeys = [this.key('tohost')];
    host.waitWhy = 'guest-to-host ring empty';
    this.state.threads.host = host.id;
    for (const spec of m.model.threads) {
      const t = m.spawn(this.index, spec.role, `${this.decl.name}: ${spec.name}`, spec.fn);
      this.state.threads[spec.role] = t.id;
    }
    this.enqueue('mgmt', m.model.attachFn, {});
  }

  enqueue(queue: 'taskq' | 'mgmt', fn: string, args: Locals): void {
    // A ticket only once the bus's threads exist: one nobody would run would stop every bus's queue.
    if (queue === 'mgmt' && this.m.model.sharedMgmt && this.state.started) this.state.sc[queue].push({ fn, args, ticket: this.m.mgmtTicket() });
    else this.state.sc[queue].push({ fn, args });
    this.m.wakeKey(this.key(`tq:${queue}`), this.index);
  }

  onThreadDone(_t: ThreadState): void {}

  rescind(by: 'host' | 'scenario'): void {
    if (this.channel.state === 'rescinded') return;
    this.channel.rescind();
    this.m.trace.record(this.m.now, Ev.Channel, this.index, 3, 0, 0, `rescind ${this.decl.name} (by the ${by})`);
    this.m.wakeKey(this.key('rescind'), this.index);
    // vmbus deletes the child device: the bridge driver's detach runs on the management queue.
    if (this.state.started) this.enqueue('mgmt', this.m.model.detachFn, {});
  }

  detachGuest(): void {
    this.enqueue('mgmt', this.m.model.detachFn, {});
  }

  eject(wslot: number): void {
    this.host.eject(wslot);
  }

  /** The eject of `wslot` the host waits on the guest to complete, or undefined (VpciHost.ejectPending). */
  ejectPending(wslot: number): { sent: number; deadline: number } | undefined {
    return this.host.ejectPending(wslot);
  }

  vanish(wslot: number): void {
    this.host.vanish(wslot);
  }

  /** A `plug` timeline event: a new function joins the live bus; the host reports the new set (protocol.md §7.1). */
  plug(f: FunctionDecl): void {
    if (this.host.hasFunction(f.wslot)) {
      this.host.addFunction(this.hostDecl(this.fnDecls.get(f.wslot)!)); // refused: records the error
      return;
    }
    this.functions.set(f.wslot, this.m.createFunction(f.source));
    this.fnDecls.set(f.wslot, f);
    if (!this.host.addFunction(this.hostDecl(f))) {
      // The host took none (it serves a fixed device): the bus keeps what it had.
      this.functions.delete(f.wslot);
      this.fnDecls.delete(f.wslot);
    }
  }

  /**
   * Whether the function at `wslot` is on the bus: the machine has it and the host has not taken it
   * away (an `unplug`, or an eject the guest completed). A function no longer on the bus keeps its
   * model here (its state returns with a step back) but answers nothing.
   */
  onBus(wslot: number): boolean {
    return this.functions.has(wslot) && this.host.hasFunction(wslot);
  }

  /** An `unplug` timeline event: the function leaves the bus (no eject); the host reports the remaining set. */
  unplug(wslot: number): void {
    this.host.removeFunction(wslot);
  }

  addFault(f: unknown): void {
    this.host.addFault(f as never);
  }

  /**
   * A `driver` timeline event (its text, for the trace): load the function driver; attach it now if the
   * device is already enumerated. A driver that has already probed the function does not probe it again, so a second
   * event changes nothing for it (only for a function enumerated later): the trace says so.
   */
  driverLoaded(wslot: number, text: string): void {
    const child = this.state.sc.pci.children.find((c) => c.wslot === wslot);
    if (child && !child.driver) {
      const drv = this.kernel.driverName(wslot);
      child.driver = drv;
      this.spawnDriver(wslot, `${drv}_attach`, { wslot });
    } else if (child?.driver)
      this.m.trace.record(
        this.m.now,
        Ev.State,
        this.index,
        wslot,
        0,
        0,
        `${child.driver} has already probed slot ${wslot.toString(16)}: '${text}' changes nothing for it`,
      );
  }

  spawnDriver(wslot: number, fn: string, args: Locals): void {
    const drv = fn.replace(/_attach$/, '');
    const t = this.m.spawn(this.index, 'driver', `${this.decl.name}: ${drv} driver`, fn, args);
    this.state.threads.drivers[String(wslot)] = t.id;
  }

  // ---- guest MMIO decode --------------------------------------------------------------

  private windowBase(): number | undefined {
    return this.host.status.windowBase;
  }

  decodeRead(addr: number, size: number): number | undefined {
    const base = this.windowBase();
    if (base !== undefined && addr >= base && addr < base + 0x2000) {
      const r = this.host.mmioRead(addr - base, size);
      return r.ok ? r.value : size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    }
    const hit = this.barAt(addr, size);
    if (!hit) return undefined;
    const v = barRead(hit.fn, hit.bar, addr - hit.base, size);
    this.m.trace.record(this.m.now, Ev.BarAccess, this.index, hit.wslot, hit.bar, addr - hit.base, {
      size,
      value: v,
      write: false,
      address: addr,
    } satisfies BarAccessDetail);
    return v;
  }

  decodeWrite(addr: number, size: number, value: number): boolean {
    const base = this.windowBase();
    if (base !== undefined && addr >= base && addr < base + 0x2000) {
      this.host.mmioWrite(addr - base, size, value);
      return true;
    }
    const hit = this.barAt(addr, size);
    if (!hit) return false;
    barWrite(hit.fn, hit.bar, addr - hit.base, size, value);
    this.m.trace.record(this.m.now, Ev.BarAccess, this.index, hit.wslot, hit.bar, addr - hit.base, {
      size,
      value,
      write: true,
      address: addr,
    } satisfies BarAccessDetail);
    return true;
  }

  /** The memory BAR (of a function with Memory Space Enable set) containing [addr, addr+size). */
  private barAt(addr: number, size: number): { fn: PciFunction; wslot: number; bar: number; base: number } | undefined {
    if (this.channel.state === 'rescinded') return undefined;
    return this.decodingBarAt(addr, size);
  }

  /**
   * What `[addr, addr+size)` would have reached had the host not taken it away: a BAR of a device the
   * host unassigned after it rescinded this bus (a function still on the bus), or took the function
   * off it (an `unplug`, a completed eject), Memory Space Enable still set; or this bus's config
   * window, which the host unmapped when it took the bus's last function away (VpciHost.inLeftWindow:
   * OpenVMM's eject revokes the channel at once). Linux tears a bus down after its rescind
   * (pci-hyperv.c hv_pci_remove stops the root bus, so each driver's remove frees its vectors and
   * masks its MSI-X entries), as FreeBSD's detach does; and FreeBSD detaches a function a relations
   * update left out only after the host let it go (vmbus_pcib.c pci_devices_present_work ->
   * hv_pci_delete_device -> device_delete_child, whose driver detach masks each MSI-X entry in
   * pci_teardown_intr and clears COMMAND through the config window in pci_child_deleted): those
   * accesses are the guest's normal course, not a model error (Machine.noteUnassigned). `place`
   * names what was there, `why` how it went.
   */
  unassignedAt(addr: number, size: number): { place: string; why: string } | undefined {
    const bar = (wslot: number, index: number): string => `BAR${index} of slot ${wslotText(wslot)} on ${this.decl.name}, whose device left the VM`;
    const left = this.host.leftBarAt(addr, size);
    if (left) return { place: bar(left.wslot, left.bar), why: 'the host took it off the bus' };
    if (this.host.inLeftWindow(addr, size))
      return { place: `the config window of ${this.decl.name}, which the host unmapped`, why: "the host took the bus's last function away" };
    if (this.channel.state !== 'rescinded') return undefined;
    const hit = this.decodingBarAt(addr, size);
    return hit && { place: bar(hit.wslot, hit.bar), why: 'the host rescinded the bus' };
  }

  private decodingBarAt(addr: number, size: number): { fn: PciFunction; wslot: number; bar: number; base: number } | undefined {
    for (const [wslot, fn] of this.functions) {
      if (this.host.isVanished(wslot) || !this.onBus(wslot)) continue;
      for (const b of memoryBars(fn)) {
        if (!b.decoding) continue;
        if (addr >= b.address && addr + size <= b.address + b.size) return { fn, wslot, bar: b.index, base: b.address };
      }
    }
    return undefined;
  }

  // ---- interrupts -------------------------------------------------------------------------

  /** The device raises MSI-X (or MSI) vector `index`: it writes the programmed address/data. */
  raise(wslot: number, index: number): void {
    const fn = this.onBus(wslot) ? this.functions.get(wslot) : undefined;
    const t = this.m.trace;
    if (!fn) {
      t.record(this.m.now, Ev.IntUndeliverable, this.index, wslot, index, 0, `no function at wslot ${wslot}`);
      return;
    }
    const msg = interruptMessage(fn, index);
    if (!msg.ok) {
      t.record(this.m.now, Ev.IntUndeliverable, this.index, wslot, index, 0, msg.reason);
      return;
    }
    if (msg.masked) {
      setPending(fn, index, true);
      t.record(this.m.now, Ev.State, this.index, wslot, index, 0, { what: PENDING_MASKED, index });
      return;
    }
    const r = this.m.remapper.deliver(this.index, msg.address, msg.data);
    if ('error' in r) {
      t.record(
        this.m.now,
        Ev.IntUndeliverable,
        this.index,
        wslot,
        index,
        0,
        `vector ${index}: address 0x${msg.address.toString(16)} data 0x${msg.data.toString(16)}: ${r.error}`,
      );
      return;
    }
    const irq: GuestIrq | undefined = this.m.irqByVector(r.cpu, r.vector);
    t.record(this.m.now, Ev.IntDeliver, this.index, wslot, r.vector, r.cpu, { index, irq: irq?.irq, address: msg.address, data: msg.data });
    const child = this.state.sc.pci.children.find((c) => c.wslot === wslot);
    if (child && child.intr_count[index] !== undefined) child.intr_count[index]++;
  }

  kernelFor(t: ThreadState): GuestKernel {
    this.kernel.thread = t;
    return this.kernel;
  }

  // ---- snapshots ----------------------------------------------------------------------------

  /**
   * Incremental snapshot (emulator/runtime/snapshot-tree.ts) of everything the bus holds outside
   * the machine's plain state: channel and rings, host, function set and each function's bytes.
   */
  freeze(w: SnapshotWriter): void {
    this.channel.freeze(w, 'ch');
    w.fresh('host', this.host.snapshot());
    w.refs('decls', [...this.fnDecls.values()]);
    for (const [wslot, f] of this.functions) f.freeze(w, `f${wslot}`);
  }

  /** Restores what `freeze` wrote, with `state` (the bus's part of the machine state, already live). */
  thaw(state: BusState, r: SnapshotReader): void {
    (this as { state: BusState }).state = state;
    this.channel.thaw(r, 'ch');
    this.restoreFunctionSet(r.refs('decls') as FunctionDecl[]);
    this.host.restore(r.plain('host'));
    for (const [wslot, f] of this.functions) if (r.has(`f${wslot}`)) f.thaw(r, `f${wslot}`);
  }

  /** Makes `functions` (and the host's set) the snapshot's: plugged ones appear, later ones go. */
  private restoreFunctionSet(decls: FunctionDecl[]): void {
    let changed = decls.length !== this.fnDecls.size;
    for (const d of decls) {
      const cur = this.fnDecls.get(d.wslot);
      // Snapshots keep the declarations by reference: the same object is the same function (no text compared).
      if (cur && (cur === d || JSON.stringify(cur) === JSON.stringify(d))) continue;
      this.functions.set(d.wslot, this.m.createFunction(d.source));
      this.fnDecls.set(d.wslot, d);
      changed = true;
    }
    const keep = new Set(decls.map((d) => d.wslot));
    for (const w of [...this.fnDecls.keys()]) {
      if (keep.has(w)) continue;
      this.fnDecls.delete(w);
      this.functions.delete(w);
    }
    if (changed) this.host.setFunctions([...this.fnDecls.values()].map((f) => this.hostDecl(f)));
  }
}

/** The kernel services one bus's guest statements call (GuestKernel). */
class BusKernel implements GuestKernel {
  thread!: ThreadState;
  readonly instanceBytes: Uint8Array;
  constructor(private readonly b: BusRuntime) {
    this.instanceBytes = guidBytes(b.decl.instance);
  }
  get sc(): BaseSoftc {
    return this.b.state.sc;
  }
  get busIndex(): number {
    return this.b.index;
  }
  get busName(): string {
    return this.b.decl.name;
  }
  get instanceGuid(): string {
    return this.b.decl.instance;
  }
  get cpus(): number {
    return this.b.m.state.irqs.vectorNext.length;
  }
  now(): number {
    return this.b.m.now;
  }
  quirk(name: string): boolean {
    return this.b.m.quirk(name);
  }
  log(text: string): void {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- `thread` is set when a thread first runs; a log before that is thread 0
    this.b.m.trace.record(this.b.m.now, Ev.Log, this.b.index, this.thread?.id ?? 0, 0, 0, text);
  }
  busState(state: 'attached' | 'failed' | 'detached'): void {
    this.b.m.trace.record(this.b.m.now, Ev.State, this.b.index, 0, 0, 0, { what: 'bus', to: state });
  }
  chanOpen(txBytes: number, rxBytes: number): number {
    const ok = this.b.channel.open(txBytes, rxBytes);
    this.b.m.trace.record(this.b.m.now, Ev.Channel, this.b.index, 1, txBytes, rxBytes, `open ${this.b.decl.name}: rings ${txBytes}/${rxBytes} bytes requested`);
    return ok ? 0 : ENXIO;
  }
  chanClose(): void {
    this.b.channel.close();
    this.b.host.onChannelClosed();
    this.b.m.trace.record(this.b.m.now, Ev.Channel, this.b.index, 2, 0, 0, `close ${this.b.decl.name}`);
  }
  isRevoked(): boolean {
    return this.b.channel.state === 'rescinded';
  }
  send(payload: Uint8Array, rc: boolean, txid: bigint, onRescinded: 'write' | 'fail'): number {
    const m = this.b.m;
    const st = this.b.channel.state;
    if (st === 'rescinded' && onRescinded === 'fail') {
      // Linux hv_ringbuffer_write: -ENODEV once the channel is rescinded. Not a protocol error.
      m.trace.record(m.now, Ev.State, this.b.index, 0, 0, 0, { what: 'send refused', text: 'send on a rescinded channel: ENODEV' });
      return ENODEV;
    }
    if (st !== 'open' && (st !== 'rescinded' || this.b.channel.guestToHost.released)) {
      // Ours: a send on a channel the guest has not opened or has closed, rescinded or not (the drivers never do it).
      m.trace.record(m.now, Ev.State, this.b.index, 0, 0, 0, {
        what: 'send refused',
        text: `send on a ${st === 'rescinded' ? 'rescinded channel the guest has closed' : `${st} channel`}: ENXIO`,
      });
      return ENXIO;
    }
    // FreeBSD's vmbus_chan_send on a rescinded channel writes the ring like any other: the host no longer reads it.
    const pkt = encodePacket({ type: 6, flags: rc ? 1 : 0, transactionId: txid, payload });
    if (!this.b.channel.guestToHost.tryWrite(pkt)) {
      m.trace.record(m.now, Ev.Error, this.b.index, 0, 0, 0, `guest-to-host ring full: ${pkt.length}-byte packet refused (EAGAIN)`);
      return EAGAIN;
    }
    const type = payload.length >= 4 ? (payload[0]! | (payload[1]! << 8) | (payload[2]! << 16) | (payload[3]! << 24)) >>> 0 : 0;
    m.trace.record(m.now, Ev.PacketToHost, this.b.index, type, Number(txid & 0xffffffffn), pkt.length, pkt);
    const ht = m.threads.find((t) => t.id === this.b.state.threads.host);
    if (ht && ht.status === 'blocked') {
      ht.status = 'ready';
      ht.readyAt = m.now + m.signalNs();
      ht.waitKeys = undefined;
      m.touch(ht);
    }
    return 0;
  }
  recv(bufferLen: number): { ret: number; pkt?: Uint8Array; len: number } {
    const ring = this.b.channel.hostToGuest;
    const next = ring.peek();
    if (!next) return { ret: EAGAIN, len: 0 };
    if (next.length > bufferLen) return { ret: ENOBUFS, len: next.length };
    const pkt = ring.read()!;
    this.b.m.wakeKey(this.b.key('tohost-space'), this.b.index);
    return { ret: 0, pkt, len: pkt.length };
  }
  mmioRead(addr: number, size: number): number {
    return this.b.m.mmioRead(this.b.index, addr, size);
  }
  mmioWrite(addr: number, size: number, value: number): void {
    this.b.m.mmioWrite(this.b.index, addr, size, value);
  }
  allocMmio(size: number, align: number, lo: number, hi: number, owner: string): number | undefined {
    return this.b.m.allocMmio(size, align, lo, hi, owner);
  }
  freeMmio(base: number): void {
    this.b.m.freeMmio(base);
  }
  key(name: string): string {
    return this.b.key(name);
  }
  wake(name: string): void {
    this.b.m.wakeKey(this.b.key(name), this.b.index);
  }
  enqueue(queue: 'taskq' | 'mgmt', fn: string, args: Locals): void {
    this.b.enqueue(queue, fn, args);
  }
  spawnDriver(wslot: number, fn: string, args: Locals): void {
    this.b.spawnDriver(wslot, fn, args);
  }
  allocIrqs(count: number, kind: 'msi' | 'msix') {
    return this.b.m.allocIrqs(count, kind);
  }
  releaseIrqs(irqs: number[]): void {
    this.b.m.releaseIrqs(irqs);
  }
  takeDomain(req: number): number {
    return this.b.m.takeDomain(req);
  }
  releaseDomain(dom: number): void {
    this.b.m.releaseDomain(dom);
  }
  nextMultiMsiCpu(): number {
    return this.b.m.nextMultiMsiCpu();
  }
  mgmtTurn(ticket: number | undefined): boolean {
    return this.b.m.mgmtTurn(ticket);
  }
  mgmtDone(ticket: number | undefined): void {
    this.b.m.mgmtDone(ticket);
  }
  irqInfo(irq: number) {
    return this.b.m.irqInfo(irq);
  }
  /**
   * HVCALL_RETARGET_INTERRUPT's result: 0, or HV_STATUS_INVALID_PARAMETER (5) when no mapping answers to the address,
   * as OpenVMM's x86 backend fails a retarget (microsoft/openvmm vmm_core/virt/src/x86/apic_software_device.rs
   * @1488a37b `retarget_interrupt` → HvError::InvalidParameter, vm/hv1/hvdef/src/lib.rs = 0x0005); Hyper-V's is [UNCONFIRMED].
   */
  retargetInterrupt(address: number, data: number, vector: number, cpus: number[]): number {
    return this.b.m.remapper.retarget(this.b.index, address, data, vector, cpus) ? 0 : 5;
  }
  driverRequest(wslot: number) {
    return this.b.m.state.driverRequests[`${this.b.decl.name}/${wslot}`];
  }
  driverName(wslot: number): string {
    const fn = this.b.functions.get(wslot);
    if (!fn) return 'pcidev';
    const ids = functionIds(fn);
    return this.b.m.driverNameFor(ids.vendorId, ids.deviceId);
  }
}
