// The one object the session talks to about what the debugger shows and lets you touch. The
// work is split by concern: the Variables tree (inspect-tree.ts, with registers, BARs and
// capabilities in inspect-registers.ts), memory references (inspect-memory.ts), data-breakpoint
// targets (inspect-data.ts), the console and expressions (console.ts), the views' requests
// (views.ts). Reads go through the device model without side effects; writes take the guest's
// path through the host window.
import { Ev } from '../emulator/vpci/events';
import { clip } from '../emulator/format';
import type { Machine } from '../emulator/machine/machine';
import type { PciFunction } from '../emulator/pci/function';
import { indexPciIds, type PciIds, type PciIdsPieces } from '../emulator/pci/pci-ids';
import { messageByName, messageName, slotName } from '../emulator/vpci/protocol';
import { DEVICE_ID, VENDOR_ID } from '../emulator/pci/registers';
import { evaluate, type ExprEnv, type Value } from './expr';
import type { DataBp } from './breakpoints';
import { fmtNum, parseNumber, type VarNode } from './vars';
import type { InspectContext, StepEvents } from './inspect-context';
import * as repl from './console';
import * as views from './views';
import type { MessageDetailResponse, MessagesResponse, TopologyResponse } from './protocol';
import * as tree from './inspect-tree';
import * as mem from './inspect-memory';
import * as data from './inspect-data';
import { openBeforeBase } from './trace-keep';

export class Inspector implements InspectContext {
  /** @internal */ idsCache?: PciIds | null;

  constructor(
    readonly m: Machine,
    private readonly hexMode: () => boolean,
    /** pci.ids (its text, or the file in pieces), reached when a name is first needed and looked up on demand (parsing all of it costs more than a launch). */
    private readonly pciIdsText?: string | PciIdsPieces | (() => string | PciIdsPieces | undefined),
  ) {}

  /** Why the machine cannot be changed now (the session sets it: a run is going). */
  frozenWhy: (() => string | undefined) | undefined;
  get frozen(): string | undefined {
    return this.frozenWhy?.();
  }

  /** @internal */ get ids(): PciIds | undefined {
    if (this.idsCache === undefined) {
      const text = typeof this.pciIdsText === 'function' ? this.pciIdsText() : this.pciIdsText;
      this.idsCache = text ? indexPciIds(text) : null;
    }
    return this.idsCache ?? undefined;
  }

  /** @internal */ get hex(): boolean {
    return this.hexMode();
  }

  /** @internal */ num(n: number, digits = 0): string {
    return fmtNum(n, this.hex, digits);
  }

  // ---- lookups --------------------------------------------------------------------

  busIndex(name: string): number {
    return this.m.buses.findIndex((b) => b.decl.name === name && !b.state.gone);
  }

  /** The function at `wslot` of bus `bus`, while it is on the bus (not after an unplug or a completed eject: as a gone bus is not found by name). */
  fn(bus: number, wslot: number): PciFunction | undefined {
    const b = this.m.buses[bus];
    return b?.onBus(wslot) ? b.functions.get(wslot) : undefined;
  }

  slotText(wslot: number): string {
    return slotName(wslot);
  }

  title(bus: number, wslot: number): string {
    const f = this.fn(bus, wslot);
    if (!f) return 'empty slot';
    const vendorId = f.cfgRead(VENDOR_ID, 2);
    const deviceId = f.cfgRead(DEVICE_ID, 2);
    // Every stop's Scopes and Locals name every function: the name of an ID pair is looked up once.
    const key = vendorId * 0x10000 + deviceId;
    let t = this.titles.get(key);
    if (t === undefined) {
      const ids = this.ids;
      const name = ids?.deviceName(vendorId, deviceId);
      const vendor = ids?.vendorName(vendorId);
      t = name
        ? `${vendor ? vendor.replace(/ Corporation| Technologies.*| Electronics.*/g, '') + ' ' : ''}${name}`
        : `${vendorId.toString(16).padStart(4, '0')}:${deviceId.toString(16).padStart(4, '0')}`;
      this.titles.set(key, t);
    }
    return t;
  }
  private readonly titles = new Map<number, string>();

  messageType(name: string): number | undefined {
    const byName = messageByName(name);
    if (byName !== undefined) return byName;
    const v = parseNumber(name);
    if (v !== undefined && messageName(v)) return v;
    return undefined;
  }

  parseValue(text: string): number | string {
    // A plain number within 2^53 is what a user types most; anything else (0xffffffffffffffff, an
    // expression) takes the expression language's 64-bit rules, and a value that does not fit is an error.
    const v = parseNumber(text);
    if (v !== undefined && Number.isSafeInteger(v)) return v;
    const r = evaluate(text, this.env(undefined));
    if (!r.ok) return r.error;
    // Expressions give 64-bit integers (adapter/expr.ts); a register takes its low bits.
    if (typeof r.value === 'bigint') return Number(BigInt.asUintN(53, r.value));
    if (typeof r.value === 'number') return r.value;
    return `'${clip(text)}' is not a number`;
  }

  parseRegisterValue(text: string, bits: number, what: string): number | string {
    let big: bigint;
    const v = parseNumber(text);
    if (v !== undefined && Number.isSafeInteger(v)) big = BigInt(v);
    else {
      const r = evaluate(text, this.env(undefined));
      if (!r.ok) return r.error;
      if (typeof r.value === 'bigint') big = r.value;
      else if (typeof r.value === 'number' && Number.isSafeInteger(r.value)) big = BigInt(r.value);
      else return `'${clip(text)}' is not a number`;
    }
    // Up to all ones, or a negative value in two's complement down to the most negative the width
    // holds (-1 is all ones, as the expression language's 64-bit integers have it). Wider was cut to
    // the register's low bits without a word (0x12345 into COMMAND wrote 0x2345).
    const all = 1n << BigInt(bits);
    if (big >= all || big < -(all >> 1n)) return `${what} is ${bits} bits wide: ${clip(text.trim())} does not fit`;
    return Number(BigInt.asUintN(bits, big));
  }

  // ---- scopes (inspect-tree.ts) ------------------------------------------------------

  busNode(bi: number): VarNode {
    return tree.busNode(this, bi);
  }

  deviceNode(bi: number, wslot: number): VarNode {
    return tree.deviceNode(this, bi, wslot);
  }

  interruptsNode(): VarNode {
    return tree.interruptsNode(this);
  }

  vmbusNode(): VarNode {
    return tree.vmbusNode(this);
  }

  scenarioNode(position: number): VarNode {
    return tree.scenarioNode(this, position);
  }

  /**
   * A config write from the debugger takes the guest's real path when it exists: the slot
   * register, then the config page of the host's window (so the host's rules apply — BAR writes
   * ignored while MSE is set, map/unmap on MSE — and the trace records it). Before D0 entry there
   * is no window: the write goes to the function through its register masks. The guest's slot
   * register value is restored, so a paused guest access sequence is not disturbed.
   */
  writeCfg(bi: number, wslot: number, f: PciFunction, off: number, size: number, value: number): void {
    const b = this.m.buses[bi];
    if (b && b.host.status.windowBase !== undefined && off + size <= 0x1000) {
      const saved = b.host.slotRegister;
      b.host.mmioWrite(0, 4, wslot);
      b.host.mmioWrite(0x1000 + off, size, value >>> 0);
      b.host.slotRegister = saved;
      return;
    }
    f.cfgWrite(off, size as 1 | 2 | 4, value >>> 0);
  }

  raw(f: PciFunction, off: number, size: number): number {
    const b = f.config.peek();
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (b[off + i] ?? 0);
    return v;
  }

  /** Guest requests that asked for a completion and have not had one yet (by transaction id). */
  pendingTransactions(bus: number): { event: number; type: number; txid: string }[] {
    const t = this.m.trace;
    const open = new Map<string, { event: number; type: number; txid: string }>();
    // The requests kept from before the start of history (adapter/trace-keep.ts openRequests), then the packets held.
    const kept = openBeforeBase(t).filter((i) => t.busAt(i) === bus);
    for (const i of [...kept, ...this.packetEvents(bus)]) {
      const k = t.kindAt(i);
      const pkt = t.get(i).blob as Uint8Array;
      const txid = new DataView(pkt.buffer, pkt.byteOffset, pkt.length).getBigUint64(8, true).toString(16);
      if (k === Ev.PacketToHost && (pkt[6]! & 1) === 1) open.set(txid, { event: i, type: t.aAt(i), txid: `0x${txid}` });
      else if (k === Ev.PacketToGuest && pkt[0] === 11) open.delete(txid);
    }
    return [...open.values()];
  }

  /** @internal The trace events of this bus's VMBus packets, from the views' incremental index. */
  packetEvents(bus: number): number[] {
    const t = this.m.trace;
    return views.packetIndex(this).all.filter((i) => t.busAt(i) === bus);
  }

  deliveredEvents(): readonly number[] {
    return views.packetIndex(this).delivered;
  }

  // ---- expressions ------------------------------------------------------------------------

  /** A bus (or bus/slot) as an expression value: its registers by PCI name, BARs, MSI-X. */
  fnValue(bi: number, wslot: number): Value {
    return repl.fnValue(this, bi, wslot);
  }

  resolveFn(v: Value, slot?: Value): { bi: number; wslot: number } | undefined {
    return repl.resolveFn(this, v, slot);
  }

  env(threadId: number | undefined, locals?: Record<string, unknown>): ExprEnv {
    return repl.env(this, threadId, locals);
  }

  /** The most recent VMBus packet, decoded, for `msg` in conditions and logpoints. */
  lastPacketValue(): Value {
    return repl.lastPacketValue(this);
  }

  evaluate(expr: string, context: string, threadId: number | undefined, locals: Record<string, unknown> | undefined, hex: boolean): repl.EvalResult {
    return repl.evaluate(this, expr, context, threadId, locals, hex);
  }

  assign(target: string, reg: string, valueText: string): { ok: true; text: string; changed: boolean } | { ok: false; error: string } {
    return repl.assign(this, target, reg, valueText);
  }

  command(src: string): { ok: true; text: string; changed?: boolean } | { ok: false; error: string } | undefined {
    return repl.command(this, src);
  }

  completions(
    text: string,
    column: number,
    locals?: Record<string, unknown>,
  ): { label: string; type?: 'function' | 'variable' | 'property' | 'keyword' | 'module' }[] {
    return repl.completions(this, text, column, locals);
  }

  // ---- memory (inspect-memory.ts) ------------------------------------------------------

  cfgRef(bus: string, wslot: number): string {
    return mem.cfgRef(bus, wslot);
  }

  memoryReferences(bars: Iterable<string>, told?: WeakMap<object, number>): ReturnType<typeof mem.memoryReferences> {
    return mem.memoryReferences(this, bars, told);
  }

  readMemory(ref: string, offset: number, count: number): ReturnType<typeof mem.readMemory> {
    return mem.readMemory(this, ref, offset, count);
  }

  writeMemory(ref: string, offset: number, data: Uint8Array): ReturnType<typeof mem.writeMemory> {
    return mem.writeMemory(this, ref, offset, data);
  }

  // ---- data breakpoints (inspect-data.ts) -----------------------------------------------

  dataTargetAtAddress(name: string, bytes: number | undefined): { dataId: string; description: string } | string | undefined {
    return data.dataTargetAtAddress(this, name, bytes);
  }

  dataTargetForExpression(expr: string): { dataId: string; description: string } | undefined {
    return data.dataTargetForExpression(this, expr);
  }

  describeTarget(t: data.Target): string {
    return data.describeTarget(this, t);
  }

  targetNeverPresent(t: data.Target, shown?: (name: string) => string): string | undefined {
    return data.targetNeverPresent(this, t, shown);
  }

  placedNow(t: Extract<data.Target, { kind: 'gpa' }>): string {
    return data.placedNow(this, t);
  }

  targetPresent(t: Extract<data.Target, { kind: 'cfg' | 'msix' }>): boolean {
    return data.targetPresent(this, t);
  }

  targetGone(t: Extract<data.Target, { kind: 'cfg' | 'msix' }>): boolean {
    return data.targetGone(this, t);
  }

  dataValue(bp: DataBp): number | undefined {
    return data.dataValue(this, bp);
  }

  dataTouches(bp: DataBp, ev: number): 'read' | 'write' | undefined {
    return data.dataTouches(this, bp, ev);
  }

  describeDataHit(bp: DataBp, old: number | undefined, now: number | undefined, write: boolean, ev: number): string {
    return data.describeDataHit(this, bp, old, now, write, ev);
  }

  eventContext(ev: number): string {
    return views.eventContext(this, ev);
  }

  /**
   * What a host thread last did (`lastStep`: the trace events of its latest step): the packet it
   * handled (found through the reply's transaction id) and the reply it sent, decoded — the host
   * "frame" the debugger shows after stepping into a send.
   */
  lastHostWork(lastStep: { from: number; to: number } | undefined): { title: string; locals: Record<string, unknown> } | undefined {
    return views.lastHostWork(this, lastStep);
  }

  /** A readable page of what the host did: the request it handled and the reply, field by field, with bytes. */
  hostWorkText(w: { title: string; locals: Record<string, unknown> }, bus: string, profile: string): string {
    return views.hostWorkText(this, w, bus, profile);
  }

  /** The session's history (typed step log), set by the session so host frames can be found. */
  hist?: StepEvents;

  // ---- custom requests ------------------------------------------------------------------------

  topology(): TopologyResponse {
    return views.topology(this);
  }

  /** Brings the message sequence's index up to the trace's end (before the trace drops its oldest events: so it counts them). */
  indexPackets(): void {
    views.packetIndex(this);
  }

  messages(from: number, count: number, stepOf: (ev: number) => number): MessagesResponse {
    return views.messages(this, from, count, stepOf);
  }

  messageDetail(index: number): MessageDetailResponse | undefined {
    return views.messageDetail(this, index);
  }

  lspci(sel?: string, wslot?: number, form?: views.LspciForm): string {
    return views.lspci(this, sel, wslot, form);
  }

  transcript(from: number, count: number): string[] {
    return views.transcript(this, from, count);
  }
}
