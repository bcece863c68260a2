// The VM: vPCI buses, each a VMBus channel with its host VSP and its guest
// bridge-driver instance, on one deterministic scheduler with virtual time.
// Guest and host talk only in bytes — VMBus packets through the rings, config
// accesses through the 0x2000-byte window — and every event lands in the
// trace. The whole machine snapshots as plain data, so restoring a snapshot and
// running on reproduces the original trace exactly.
import { Trace } from '../runtime/trace';
import { SnapshotContext, type Group, type SnapshotReader } from '../runtime/snapshot-tree';
import { Thawer, plainBytes } from '../runtime/plain-copy';
import { Ev } from '../vpci/events';
import { NS_PER_COST, stepThread, wakeThread, nextLocation, type ThreadState, type FrameState, type StepOutcome } from '../runtime/threads';
import { armTimer, cancelTimer, newSchedulerState, pickNext, takeTimer, ReadyQueue, type SchedulerState, type TimerState } from '../runtime/scheduler';
import { mmioAllocate, mmioFree, newMmioAlloc, type MmioAllocState, type MmioRangeDecl } from './mmio';
import type { Program, Locals } from '../runtime/program';
import { MGMT_TURN_KEY, type GuestKernel } from '../vpci/guest/kernel';
import { guestModel, type GuestModelName } from '../vpci/guest/models';
import { quirkInEffect } from '../vpci/guest/quirks';
import { functionDriverFor } from '../vpci/guest/drivers';
import { loadGuestModel, type GuestModelRuntime } from '../vpci/guest/registry';
import { BusRuntime, type BusState } from './bus';
import { busDeclOf, functionDeclOf, instanceData1, type BusDecl, type FunctionFactory } from './decls';
import type { TimelineEvent } from '../scenario/ast';
import { eventRef } from '../scenario/events';
import { SIGNAL_NS, type BusHost, type DriverRequest, type GuestIrq } from './bus-host';
import { InterruptRemapper } from '../vpci/host/interrupts';
import { hostProfile } from '../vpci/host/profiles';

export { HOST_HANDLER_NS, SIGNAL_NS, type GuestIrq } from './bus-host';

export interface MachineConfig {
  host: string;
  guest: GuestModelName;
  cpus: number;
  mmio: MmioRangeDecl[];
  /** Quirk switches; absent = the real driver's behaviour (on). */
  quirks: Record<string, boolean>;
  buses: BusDecl[];
  /** Timeline, sorted by time; fixed once the machine is built (step() reads a copy of its times). */
  readonly timeline: readonly TimelineItem[];
}

/**
 * One scenario timeline entry as the machine executes it: the parser's own event
 * (emulator/scenario/ast.ts) with the text of its source line after `at <time>` (`eject nic0`), for
 * the trace, Call Stack and Variables, which write the time from `time`.
 */
export type TimelineItem = TimelineEvent & { text: string };

export interface MachineState {
  sched: SchedulerState;
  timelineIndex: number;
  mmio: MmioAllocState;
  buses: BusState[];
  /** Guest OS interrupt allocator (x86 APIC): next IRQ number, per-CPU next IDT vector, round-robin CPU. */
  irqs: { next: number; nextCpu: number; vectorNext: number[]; table: GuestIrq[] };
  /**
   * PCI domain numbers the guest kernel has handed out, ascending: Linux's hvpci_dom_map, the one
   * piece of pci-hyperv's state all its buses share (torvalds/linux drivers/pci/controller/pci-hyperv.c
   * at v6.12.118: hv_get_dom_num / hv_put_dom_num; domain 0, HVPCI_DOM_INVALID, is set at module init).
   */
  domains: number[];
  /**
   * `cpu_next` of hv_compose_multi_msi_req_get_cpu: the CPU the last multi-MSI block's dummy target went to, -1
   * before the first. A function-local `static` in pci-hyperv.c, so one for the whole guest, shared by all its
   * buses like hvpci_dom_map (torvalds/linux drivers/pci/controller/pci-hyperv.c at v6.12.118).
   */
  multiMsiCpu: number;
  /**
   * The guest-wide management queue (registry.ts sharedMgmt): the next ticket to hand out, and the tickets of
   * the tasks queued and not yet returned, in order; the first may run.
   */
  mgmtQueue: { next: number; pending: number[] };
  /** Driver requests from the timeline, by "bus/wslot". */
  driverRequests: Record<string, DriverRequest>;
  remapper: unknown;
  traceLength: number;
  halted: boolean;
}

/** A machine snapshot: a tree whose unchanged pieces are shared with other snapshots (emulator/runtime/snapshot-tree.ts). */
export interface MachineSnapshot {
  readonly root: Group;
  /** Steps the machine had executed. */
  readonly steps: number;
  /** What taking it cost (values visited): the next snapshot will cost about as much. */
  readonly work: number;
}

export interface StepInfo extends StepOutcome {
  kind: 'thread' | 'timeline' | 'timer' | 'idle';
  thread?: ThreadState | undefined;
  timeline?: TimelineItem | undefined;
  /** Trace events recorded by this step: [from, to). */
  traceFrom: number;
  traceTo: number;
}

/**
 * Every StepInfo is made here, all fields in one order whatever its kind: the step loop (history,
 * step log, the runtime's stepping) reads one at every step, and one shape keeps those reads
 * monomorphic (several shapes made V8 deoptimize the loop when a new kind first came by).
 */
function newStepInfo(): StepInfo {
  return {
    kind: 'idle',
    thread: undefined,
    fn: undefined,
    line: undefined,
    depth: undefined,
    action: undefined,
    timeline: undefined,
    traceFrom: 0,
    traceTo: 0,
  };
}

export class Machine implements BusHost {
  readonly trace = new Trace();
  readonly model: GuestModelRuntime;
  readonly program: Program<GuestKernel>;
  readonly remapper: InterruptRemapper;
  state: MachineState;
  /** Bus runtimes, index-aligned with state.buses. */
  buses: BusRuntime[] = [];
  /** Runnable threads by time (derived from the threads; rebuilt on restore). */
  private readonly ready = new ReadyQueue();
  /**
   * The times of the timeline's items (one array of numbers: the items are of many kinds and
   * shapes, and step() reads the next one's time at every step).
   */
  private readonly timelineTimes: number[];
  /** What step() returns, refilled at every step (see step()). */
  private readonly info = newStepInfo();
  /** Threads by bus, so a wake-up looks only at the threads of the bus it names (derived). */
  private byBus = new Map<number, ThreadState[]>();
  /** The last snapshot taken or restored, which the next one is written against. */
  private readonly snaps = new SnapshotContext();

  constructor(
    readonly config: MachineConfig,
    /** Builds a PciFunction from a catalog id or dump bytes (injected: no I/O in the emulator). */
    readonly createFunction: FunctionFactory,
  ) {
    const info = guestModel(config.guest);
    if (!info) throw new Error(`unknown guest model ${config.guest}`);
    this.model = loadGuestModel(config.guest);
    this.program = this.model.program;
    this.timelineTimes = config.timeline.map((e) => e.time);
    const cpus = Math.max(1, config.cpus);
    this.remapper = new InterruptRemapper({
      trace: this.trace,
      now: () => this.now,
      vps: cpus,
      baseVectorOnly: hostProfile(config.host)?.msiBaseVectorOnly,
    });
    this.state = {
      sched: newSchedulerState(),
      timelineIndex: 0,
      mmio: newMmioAlloc(config.mmio),
      buses: [],
      irqs: { next: 256, nextCpu: 0, vectorNext: Array.from({ length: cpus }, () => 0x30), table: [] },
      domains: [0],
      multiMsiCpu: -1,
      mgmtQueue: { next: 0, pending: [] },
      driverRequests: {},
      remapper: undefined,
      traceLength: 0,
      halted: false,
    };
    if (!hostProfile(config.host)) throw new Error(`unknown host profile ${config.host}`);
  }

  get now(): number {
    return this.state.sched.now;
  }
  get steps(): number {
    return this.state.sched.steps;
  }
  get threads(): ThreadState[] {
    return this.state.sched.threads;
  }

  quirk(name: string): boolean {
    return quirkInEffect(name, this.config.guest, this.config.quirks);
  }

  busByName(name: string): BusRuntime | undefined {
    return this.buses.find((b) => b.decl.name === name && !b.state.gone);
  }

  // ---- threads ---------------------------------------------------------------

  spawn(bus: number, role: ThreadState['role'], name: string, fn: string | null, args: Locals = {}, at = this.now): ThreadState {
    const t: ThreadState = {
      id: this.state.sched.nextThreadId++,
      name,
      bus,
      role,
      frames: fn ? [{ fn, pc: 0, locals: { ...args } }] : [],
      status: 'ready',
      readyAt: at,
      steps: 0,
      // Every field present from the start (never deleted): one object shape for all threads.
      waitKeys: undefined,
      waitWhy: undefined,
      timeoutAt: undefined,
      wokenBy: undefined,
    };
    this.state.sched.threads.push(t);
    this.indexThread(t);
    this.ready.push(t);
    return t;
  }

  private indexThread(t: ThreadState): void {
    let list = this.byBus.get(t.bus);
    if (!list) this.byBus.set(t.bus, (list = []));
    list.push(t);
  }

  /** A thread's status or times changed outside the scheduler's own step: requeue it. */
  touch(t: ThreadState): void {
    this.ready.push(t);
  }

  /** Wakes every thread waiting on `key` (already namespaced); with `bus`, only that bus's threads are looked at. */
  wakeKey(key: string, bus?: number): void {
    const list = bus !== undefined ? (this.byBus.get(bus) ?? []) : this.state.sched.threads;
    // Indexed: this runs at every packet and interrupt, mostly as V8's baseline code, where each
    // step of for…of allocates an iterator result (the step loop's garbage).
    for (let i = 0; i < list.length; i++) if (wakeThread(list[i]!, key, this.now)) this.ready.push(list[i]!);
  }

  armTimer(bus: number, name: string, at: number): void {
    armTimer(this.state.sched, bus, name, at);
  }
  cancelTimer(bus: number, name: string): void {
    cancelTimer(this.state.sched, bus, name);
  }

  // ---- MMIO ----------------------------------------------------------------------

  allocMmio(size: number, align: number, lo: number, hi: number, owner: string): number | undefined {
    return mmioAllocate(this.state.mmio, size, align, owner, lo, hi);
  }
  freeMmio(base: number): void {
    mmioFree(this.state.mmio, base);
  }

  /** A guest physical read: config window, a mapped BAR, or nothing (all-ones). */
  mmioRead(fromBus: number, addr: number, size: number): number {
    // A driver mostly touches its own bus's window and BARs: ask that bus first, then the others
    // (keeps many buses linear; the result is the same, address ranges never overlap).
    const own = this.buses[fromBus];
    if (own) {
      const r = own.decodeRead(addr, size);
      if (r !== undefined) return r;
    }
    for (const b of this.buses) {
      if (b === own) continue;
      const r = b.decodeRead(addr, size);
      if (r !== undefined) return r;
    }
    const what = `MMIO read of ${size} bytes at 0x${addr.toString(16)}`;
    if (!this.noteUnassigned(fromBus, addr, size, 0, what, 'reads all-ones'))
      this.trace.record(this.now, Ev.Error, fromBus, addr >>> 0, size, 0, `${what} decodes nowhere: all-ones`);
    return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  }

  mmioWrite(fromBus: number, addr: number, size: number, value: number): void {
    const own = this.buses[fromBus];
    if (own && own.decodeWrite(addr, size, value)) return;
    for (const b of this.buses) if (b !== own && b.decodeWrite(addr, size, value)) return;
    const what = `MMIO write of ${size} bytes at 0x${addr.toString(16)}`;
    if (!this.noteUnassigned(fromBus, addr, size, value, what, 'dropped'))
      this.trace.record(this.now, Ev.Error, fromBus, addr >>> 0, size, value, `${what} decodes nowhere: dropped`);
  }

  /**
   * An access that decodes nowhere because it falls on a BAR of a device the host unassigned when it
   * rescinded the device's bus or took the device off it, or on a config window the host unmapped
   * with the bus's last function (BusRuntime.unassignedAt): a driver tearing down after that does it. Noted in the trace (an Ev.State), not recorded as a protocol error. Ours [UNCONFIRMED]:
   * what Hyper-V or OpenVMM do with such an access is not public; it is dropped (a read gives
   * all-ones), as for any address nothing claims.
   */
  private noteUnassigned(fromBus: number, addr: number, size: number, value: number, what: string, outcome: string): boolean {
    for (const b of this.buses) {
      const hit = b.unassignedAt(addr, size);
      if (!hit) continue;
      this.trace.record(this.now, Ev.State, fromBus, addr >>> 0, size, value, `${what} ${outcome}: ${hit.place} when ${hit.why}`);
      return true;
    }
    return false;
  }

  // ---- guest OS interrupt allocation (x86 local APIC model) -------------------------

  allocIrqs(count: number, kind: 'msi' | 'msix'): GuestIrq[] {
    const s = this.state.irqs;
    const out: GuestIrq[] = [];
    const cpus = s.vectorNext.length;
    for (let i = 0; i < count; i++) {
      const cpu = s.nextCpu % cpus;
      s.nextCpu++;
      const vector = s.vectorNext[cpu]!;
      s.vectorNext[cpu] = vector + 1;
      const irq: GuestIrq = { irq: s.next++, cpu, vector, kind };
      s.table.push(irq);
      out.push(irq);
    }
    return out;
  }
  releaseIrqs(irqs: number[]): void {
    const t = this.state.irqs.table;
    for (const n of irqs) {
      const i = t.findIndex((x) => x.irq === n);
      if (i >= 0) t.splice(i, 1);
    }
  }
  irqInfo(irq: number): GuestIrq | undefined {
    return this.state.irqs.table.find((x) => x.irq === irq);
  }
  irqByVector(cpu: number, vector: number): GuestIrq | undefined {
    return this.state.irqs.table.find((x) => x.cpu === cpu && x.vector === vector);
  }

  // ---- guest OS PCI domain numbers (Linux's hvpci_dom_map) ----------------------------

  /** hv_get_dom_num: `req` if free, else the lowest free number; 0 (HVPCI_DOM_INVALID, always taken) when all 65,536 are. */
  takeDomain(req: number): number {
    const d = this.state.domains;
    let dom = req;
    if (d.includes(dom)) {
      dom = 0;
      for (const used of d) {
        if (used !== dom) break;
        dom++;
      }
      if (dom > 0xffff) return 0;
    }
    const at = d.findIndex((x) => x > dom);
    d.splice(at < 0 ? d.length : at, 0, dom);
    return dom;
  }
  /** hv_put_dom_num. */
  releaseDomain(dom: number): void {
    const i = this.state.domains.indexOf(dom);
    if (i >= 0) this.state.domains.splice(i, 1);
  }

  /** A ticket on the guest-wide management queue (registry.ts sharedMgmt). */
  mgmtTicket(): number {
    const q = this.state.mgmtQueue;
    q.pending.push(q.next);
    return q.next++;
  }
  /** Whether the task holding `ticket` may run now: it is the oldest not yet returned (no ticket: not queued guest-wide). */
  mgmtTurn(ticket: number | undefined): boolean {
    return ticket === undefined || this.state.mgmtQueue.pending[0] === ticket;
  }
  /** The task holding `ticket` has returned: the next one's turn. */
  mgmtDone(ticket: number | undefined): void {
    if (ticket === undefined) return;
    const p = this.state.mgmtQueue.pending;
    const i = p.indexOf(ticket);
    if (i >= 0) p.splice(i, 1);
    this.wakeKey(MGMT_TURN_KEY);
  }

  /**
   * hv_compose_multi_msi_req_get_cpu: `cpu_next = cpumask_next_wrap(cpu_next, cpu_online_mask, nr_cpu_ids, false)`,
   * the next online CPU after the last one, wrapping to the first; every CPU of the machine is online.
   */
  nextMultiMsiCpu(): number {
    const cpus = Math.max(1, this.config.cpus);
    this.state.multiMsiCpu = (this.state.multiMsiCpu + 1) % cpus;
    return this.state.multiMsiCpu;
  }

  // ---- buses --------------------------------------------------------------------------

  /** Creates a bus (its channel is offered; nothing attaches until boot or the offer event). */
  addBus(decl: BusDecl): BusRuntime {
    const index = this.buses.length;
    const rt = new BusRuntime(this, index, decl);
    this.buses.push(rt);
    this.state.buses.push(rt.state);
    return rt;
  }

  /** Starts the guest side of a bus: the channel is offered and vmbus attaches vmbus_pcib. */
  startGuest(rt: BusRuntime): void {
    rt.startGuest();
  }

  // ---- stepping ------------------------------------------------------------------------

  private nextTimelineAt(): number {
    const times = this.timelineTimes;
    const i = this.state.timelineIndex;
    return i < times.length ? times[i]! : Infinity;
  }

  /** What will run next, without running it. */
  peek(): ReturnType<typeof pickNext> {
    return pickNext(this.state.sched, this.nextTimelineAt(), this.ready);
  }

  /**
   * Executes one step: a timeline event, a timer, or one statement / host handler of a thread.
   *
   * Returns the machine's one StepInfo, filled in for this step: it is valid until the next step
   * (every reader — the history, the step log, the runtime's stepping, the transcript — reads it
   * at once). One object, not one per step: this is the innermost loop of every run, and in a
   * process that has just started it runs as V8's baseline code, where each allocation, call and
   * property access is a call into a builtin. For the same reason the pick is made here without
   * building a Pick (the same choice as pickNext: the earliest of the next timeline event, the
   * next due timer and the earliest ready thread, ties in that order).
   */
  step(): StepInfo {
    const info = this.info;
    const from = this.trace.length;
    // Each way through sets every field of `info` once.
    const st = this.state;
    if (st.halted) return this.otherInfo('idle', undefined, from);
    const s = st.sched;
    const times = this.timelineTimes;
    const ti = st.timelineIndex;
    const tlAt = ti < times.length ? times[ti]! : Infinity;
    const ready = this.ready;
    const t = ready.top();
    // ready.topAt(), without the call: top() has just checked that the root's key is runnableAt(t).
    const tAt = t === undefined ? Infinity : t.status === 'ready' ? t.readyAt : Math.max(t.timeoutAt!, t.readyAt);
    const timers = s.timers;
    let timer: TimerState | undefined;
    let timerAt = Infinity;
    for (let i = 0; i < timers.length; i++) {
      const tm = timers[i]!;
      if (timer === undefined || tm.at < timerAt || (tm.at === timerAt && tm.seq < timer.seq)) {
        timer = tm;
        timerAt = tm.at;
      }
    }
    if (tlAt <= timerAt && tlAt <= tAt) {
      if (tlAt === Infinity) return this.otherInfo('idle', undefined, from);
      if (tlAt > s.now) s.now = tlAt;
      const item = this.config.timeline[st.timelineIndex++]!;
      s.steps++;
      this.runTimeline(item);
      return this.otherInfo('timeline', item, from);
    }
    if (timer !== undefined && timerAt <= tAt) {
      if (timerAt > s.now) s.now = timerAt;
      takeTimer(s, timer);
      s.steps++;
      this.buses[timer.bus]?.onTimer(timer.name);
      return this.otherInfo('timer', undefined, from);
    }
    // A thread (t is defined: tAt is finite here).
    const th = t!;
    info.kind = 'thread';
    info.thread = th;
    info.timeline = undefined;
    info.traceFrom = from;
    if (th.status === 'blocked') {
      // It is runnable while blocked only because its timeout has come.
      th.status = 'ready';
      th.wokenBy = 'timeout';
      th.readyAt = Math.max(th.readyAt, th.timeoutAt ?? th.readyAt);
      th.waitKeys = undefined;
      th.timeoutAt = undefined;
    }
    if (th.readyAt > s.now) s.now = th.readyAt;
    s.steps++;
    const b = this.buses[th.bus]!;
    if (th.role === 'host') {
      info.fn = undefined;
      info.line = undefined;
      info.depth = undefined;
      info.action = undefined;
      try {
        b.hostStep(th);
      } catch (e) {
        this.trace.record(s.now, Ev.Error, th.bus, th.id, 0, 0, `host model error: ${e instanceof Error ? e.message : String(e)}`);
        th.status = 'done';
      }
    } else {
      const kernel = b.kernelFor(th);
      let ran = true;
      try {
        stepThread(this.program, kernel, th, s.now, info);
      } catch (e) {
        // A defect in a driver model must not take the run (or the debugger) down: the thread
        // stops, and the trace says where and why.
        const where = th.frames[th.frames.length - 1]?.fn ?? th.name;
        this.trace.record(s.now, Ev.Error, th.bus, th.id, 0, 0, `model error in ${where} (thread ${th.name}): ${e instanceof Error ? e.message : String(e)}`);
        th.status = 'done';
        th.frames.length = 0;
        info.fn = undefined;
        info.line = undefined;
        info.depth = 0;
        info.action = undefined;
        ran = false;
      }
      if (ran && th.status === 'done' && th.role !== 'driver') b.onThreadDone(th);
    }
    if (b.channel.state === 'rescinded') this.endDetachedBus(b, th);
    info.traceTo = this.trace.length;
    ready.push(th);
    return info;
  }

  /**
   * Ends the bridge instance's threads once the guest is done with a rescinded bus: its detach has
   * run (the bridge says 'detached'), the channel is closed (rings given back) and its queues are
   * empty. Nothing can reach them again (a timeline event on a rescinded bus does nothing,
   * runTimeline), so they would wait for ever, each listed by the debugger for the rest of the
   * session. The upstream detach ends them too: FreeBSD's vmbus_pcib_detach closes the channel and
   * taskqueue_free(sc->taskq) stops the bus's task queue thread, Linux's hv_pci_remove
   * destroy_workqueue(hbus->wq) and vmbus_close (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c,
   * linux drivers/pci/controller/pci-hyperv.c, at the revisions docs/upstream.md pins). Ours: the
   * model's per-bus management thread (FreeBSD's is the guest-wide vmbusdev) and host VSP thread end
   * with them; a function driver's thread is left as it is (one still waiting is the guest's hang).
   * Looked at when a thread of the bus (`ran`) has just blocked.
   */
  private endDetachedBus(b: BusRuntime, ran: ThreadState): void {
    const sc = b.state.sc;
    if (ran.status !== 'blocked' || !b.channel.guestToHost.released || sc.mgmt.length || sc.taskq.length || this.model.busStatus(sc) !== 'detached') return;
    for (const t of this.byBus.get(b.index) ?? []) {
      if (t.role === 'driver' || t.status !== 'blocked' || t.timeoutAt !== undefined) continue;
      t.status = 'done';
      t.frames.length = 0;
      t.waitKeys = undefined;
      t.waitWhy = undefined;
    }
  }

  /** Fills step()'s answer for a step that is not a thread's (the trace events it recorded end here). */
  private otherInfo(kind: 'timeline' | 'timer' | 'idle', timeline: TimelineItem | undefined, from: number): StepInfo {
    const info = this.info;
    info.kind = kind;
    info.thread = undefined;
    info.fn = undefined;
    info.line = undefined;
    info.depth = undefined;
    info.action = undefined;
    info.timeline = timeline;
    info.traceFrom = from;
    info.traceTo = this.trace.length;
    return info;
  }

  /** Runs until nothing is left to do or `maxSteps` steps have run. Returns the steps run. */
  run(maxSteps = 5_000_000, until = Infinity): number {
    let n = 0;
    if (until === Infinity) {
      // No time limit: step until idle without looking ahead first.
      while (n < maxSteps && this.step().kind !== 'idle') n++;
      return n;
    }
    while (n < maxSteps) {
      const p = this.peek();
      if (p.kind === 'idle') break;
      const at = p.kind === 'timeline' ? p.at : p.kind === 'timer' ? p.timer.at : Math.max(p.thread.readyAt, p.timedOut ? (p.thread.timeoutAt ?? 0) : 0);
      if (at > until) break;
      this.step();
      n++;
    }
    return n;
  }

  /** Where a guest thread stands: its frames with listing locations, innermost first. */
  frames(t: ThreadState): { frame: FrameState; file: string; line: number; fn: string; index: number }[] {
    const out: { frame: FrameState; file: string; line: number; fn: string; index: number }[] = [];
    for (let i = t.frames.length - 1; i >= 0; i--) {
      const f = t.frames[i]!;
      const loc = nextLocation(this.program, f);
      if (!loc) continue;
      // Callers stand on the line of the call they made (one before their pc).
      let line = loc.line;
      if (i < t.frames.length - 1) {
        const cf = this.program.fns.get(f.fn)!;
        const prev = cf.code[f.pc - 1];
        if (prev) line = prev.line;
      }
      out.push({ frame: f, file: loc.fn.file, line, fn: f.fn, index: i });
    }
    return out;
  }

  // ---- timeline ----------------------------------------------------------------------------

  private runTimeline(item: TimelineItem): void {
    this.trace.record(this.now, Ev.State, 0xffff, 0, 0, 0, { what: 'timeline', text: item.text, line: item.loc.line });
    // The bus (and slot) the event names, when it is there; an event on a bus that is gone does nothing.
    const ref = eventRef(item);
    const bus = ref ? this.busByName(ref.bus.name) : undefined;
    const wslot = ref?.slot?.wslot ?? 0;
    if (bus && bus.channel.state === 'rescinded') {
      // The host took the channel away (a `rescind`, or the rescind every eject ends with, protocol.md §7.2):
      // nothing of the bus is left for the event to act on, and the transcript says so rather than nothing.
      this.trace.record(this.now, Ev.State, bus.index, 0, 0, 0, `the channel was rescinded earlier: '${item.text}' does nothing`);
      return;
    }
    switch (item.kind) {
      case 'boot': {
        const fresh = this.buses.filter((b) => !b.state.started && !b.decl.offerAt);
        // The guest boots once (there is no reboot): a later `boot` finds every bus offered already, and says so.
        if (!fresh.length && this.buses.some((b) => b.state.started && !b.decl.offerAt))
          this.trace.record(this.now, Ev.State, 0xffff, 0, 0, 0, `the guest has booted already: '${item.text}' does nothing`);
        for (const b of fresh) b.startGuest();
        break;
      }
      case 'driver':
        this.state.driverRequests[`${item.target.bus.name}/${wslot}`] = { mode: item.mode, vectors: item.vectors };
        bus?.driverLoaded(wslot, item.text);
        break;
      case 'raise':
        bus?.raise(wslot, item.vector);
        break;
      case 'eject':
        bus?.eject(wslot);
        break;
      case 'offer':
        this.addBus(busDeclOf(item.bus, item.time)).startGuest();
        break;
      case 'rescind':
        bus?.rescind('scenario');
        break;
      case 'detach':
        bus?.detachGuest();
        break;
      case 'vanish':
        bus?.vanish(wslot);
        break;
      case 'plug':
        // Without `serial`, a plugged function gets Data1 + its win_slot, so it differs from the boot set's.
        bus?.plug(functionDeclOf(item.fn, instanceData1(bus.decl.instance) + item.fn.slot.wslot));
        break;
      case 'unplug':
        bus?.unplug(wslot);
        break;
      case 'fault': {
        const f = item.fault;
        bus?.addFault({ message: f.message.value, action: f.action, ...(f.times !== undefined ? { remaining: f.times } : {}) });
        break;
      }
      default: {
        // Every event of emulator/scenario/events.ts is handled above: a new one does not compile until it is.
        const unhandled: never = item;
        throw new Error(`unhandled timeline item ${JSON.stringify(unhandled)}`);
      }
    }
  }

  // ---- snapshots ------------------------------------------------------------------------------

  /**
   * A snapshot of the whole machine, written against the last one taken or restored: pieces
   * that did not change since are shared with it, not copied (emulator/runtime/snapshot-tree.ts).
   * Plain state goes piece by piece — scheduler, each thread, each bus's driver state — and the
   * bytes (config spaces, BAR memory, rings) page by page.
   */
  snapshot(): MachineSnapshot {
    // The trace length and the remapper go into the snapshot only: written into the live state,
    // they would read as of whichever snapshot was taken last, so two runs to the same step could
    // differ in them (restore clears them again for the same reason).
    const traceLength = this.trace.length;
    const remapper = this.remapper.snapshot();
    const st = this.state;
    let w = this.snaps.writer();
    const { threads, ...sched } = st.sched;
    w.plain('sched', sched);
    w.plain('misc', { timelineIndex: st.timelineIndex, traceLength, halted: st.halted, multiMsiCpu: st.multiMsiCpu });
    w.plain('mmio', st.mmio);
    w.plain('irqs', st.irqs);
    w.plain('doms', st.domains);
    w.plain('mgmtq', st.mgmtQueue);
    w.plain('drv', st.driverRequests);
    w.fresh('remap', remapper);
    w.plain(
      'order',
      Int32Array.from(threads, (t) => t.id),
    );
    // Threads by bus, so the threads of a bus that is gone form one group that stays shared.
    const byBus = new Map<number, ThreadState[]>();
    for (const t of threads) {
      let l = byBus.get(t.bus);
      if (!l) byBus.set(t.bus, (l = []));
      l.push(t);
    }
    w.group('threads', (g) => {
      for (const [bus, list] of byBus)
        g.group(`b${bus}`, (bg) => {
          for (const t of list) bg.plain(String(t.id), t);
        });
    });
    w.group('bstate', (g) => {
      for (const b of st.buses) g.plain(`b${b.index}`, b);
    });
    if (w.aliased) {
      // Two pieces share an object; written apart they would not share it after a restore. One
      // structuredClone of the whole state keeps the sharing (costlier, and never shared).
      w = this.snaps.writer();
      const whole = structuredClone(st);
      whole.traceLength = traceLength;
      whole.remapper = remapper;
      w.opaque('!state', whole, plainBytes(whole));
    }
    // The buses' own objects are fresh copies or bytes: only sharing within one piece matters there.
    w.walk.forget();
    w.group('buses', (g) => {
      for (const b of this.buses) g.group(`b${b.index}`, (bg) => b.freeze(bg));
    });
    const work = w.walk.work;
    return { root: w.root(), steps: this.steps, work };
  }

  restore(snap: Pick<MachineSnapshot, 'root'>): void {
    const r = this.snaps.reader(snap.root);
    const st = r.has('!state') ? (r.plain('!state') as MachineState) : this.thawState(r);
    // The trace is not in snapshots: a restore further on takes back the events kept from before.
    if (!this.trace.canResume(st.traceLength))
      throw new Error(`restore: trace events up to ${st.traceLength} are no longer held (the run changed since the snapshot)`);
    const buses = r.group('buses')!;
    const n = st.buses.length;
    // Buses created after the snapshot disappear; buses it knows are re-created if needed.
    this.buses.length = Math.min(this.buses.length, n);
    this.state = st;
    for (let i = 0; i < n; i++) {
      let b = this.buses[i];
      if (!b) {
        b = new BusRuntime(this, i, st.buses[i]!.decl);
        this.buses[i] = b;
      }
      b.thaw(st.buses[i]!, buses.group(`b${i}`)!);
    }
    this.remapper.restore(st.remapper);
    this.trace.resume(st.traceLength);
    // Read from the snapshot; the live state does not keep them (snapshot()).
    st.traceLength = 0;
    st.remapper = undefined;
    this.byBus.clear();
    for (const t of st.sched.threads) this.indexThread(t);
    this.ready.rebuild(st.sched.threads);
  }

  /** The machine state a snapshot holds, as live objects (thawed together, so shared objects stay shared). */
  private thawState(r: SnapshotReader): MachineState {
    const t = new Thawer();
    const sched = t.thaw(r.frozen('sched')) as Omit<SchedulerState, 'threads'>;
    const misc = r.plain('misc') as { timelineIndex: number; traceLength: number; halted: boolean; multiMsiCpu: number };
    const frozenThreads = new Map<number, unknown>();
    const tg = r.group('threads')!;
    for (const bk of tg.keys) {
      const g = tg.group(bk)!;
      for (const id of g.keys) frozenThreads.set(Number(id), g.frozen(id));
    }
    const threads: ThreadState[] = [];
    for (const id of r.plain('order') as Int32Array) threads.push(t.thaw(frozenThreads.get(id)) as ThreadState);
    const bg = r.group('bstate')!;
    const buses: BusState[] = [];
    for (let i = 0; i < bg.keys.length; i++) buses.push(t.thaw(bg.frozen(`b${i}`)) as BusState);
    return {
      sched: { ...sched, threads },
      timelineIndex: misc.timelineIndex,
      mmio: t.thaw(r.frozen('mmio')) as MmioAllocState,
      buses,
      irqs: t.thaw(r.frozen('irqs')) as MachineState['irqs'],
      domains: t.thaw(r.frozen('doms')) as number[],
      multiMsiCpu: misc.multiMsiCpu,
      mgmtQueue: t.thaw(r.frozen('mgmtq')) as MachineState['mgmtQueue'],
      driverRequests: t.thaw(r.frozen('drv')) as Record<string, DriverRequest>,
      remapper: r.plain('remap'),
      traceLength: misc.traceLength,
      halted: misc.halted,
    };
  }

  /**
   * Interrupts delivered to the guest so far: (bus, wslot, table index) → where they arrived.
   * Read from the trace (Ev.IntDeliver), so it costs nothing in snapshots and follows time travel
   * (the events it holds: a debugging session drops the oldest with its step-back history).
   */
  delivered(): { bus: number; wslot: number; index: number; cpu: number; vector: number; time: number }[] {
    const t = this.trace;
    const out: { bus: number; wslot: number; index: number; cpu: number; vector: number; time: number }[] = [];
    for (let i = t.base; i < t.length; i++) {
      if (t.kindAt(i) !== Ev.IntDeliver) continue;
      const d = t.get(i).blob as { index: number };
      out.push({ bus: t.busAt(i), wslot: t.aAt(i), index: d.index, cpu: t.cAt(i), vector: t.bAt(i), time: t.timeAt(i) });
    }
    return out;
  }

  /** The function-driver name for a device on this guest OS. */
  driverNameFor(vendorId: number, deviceId: number): string {
    const n = functionDriverFor(vendorId, deviceId);
    return n[this.model.os];
  }

  signalNs(): number {
    return SIGNAL_NS;
  }
  statementNs(): number {
    return NS_PER_COST;
  }
}
