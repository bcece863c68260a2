// What the debugger shows and lets you touch: the Variables tree of buses and
// devices (header registers decoded into fields, BARs, capabilities, the MSI-X
// table paged, the PBA), the host's interrupt-remapping table, VMBus rings and
// packets; memory references; data-breakpoint targets. The console and
// expressions live in console.ts, the views' requests in views.ts; this class
// is the one object the session talks to. Reads go through the device model
// without side effects; writes take the guest's path through the host window.
import { Ev } from '../emulator/vpci/events';
import type { Machine } from '../emulator/machine/machine';
import type { PciFunction } from '../emulator/pci/function';
import { REGISTERS, findRegister, bitsOf, type RegisterDef } from '../emulator/pci/registers';
import { capabilityViews } from '../emulator/pci/capabilities';
import { loadPciIds, type PciIds } from '../emulator/pci/pci-ids';
import { messageByName, messageName, versionText, wslotText } from '../emulator/vpci/protocol';
import { describePayload, summarizePacket } from '../emulator/vpci/describe';
import { barRead, barWrite, msixEntry, functionIds } from '../emulator/machine/device-view';
import { evaluate, type ExprEnv, type Value } from './expr';
import { dataId, type DataBp, type DataTarget } from './breakpoints';
import { valueNode, fmtNum, parseNumber, type VarNode } from './vars';
import * as repl from './console';
import * as views from './views';
import type { MessageDetailResponse, MessagesResponse, TopologyResponse } from './protocol';
import { capName, capSummary, fmtSize, t0 } from './fmt';

type Target = Omit<DataTarget, 'description'>;

export class Inspector {
  /** @internal */ idsCache?: PciIds | null;

  constructor(
    readonly m: Machine,
    private readonly hexMode: () => boolean,
    /** pci.ids text, read when a name is first needed (parsing it costs more than a launch). */
    private readonly pciIdsText?: string | (() => string | undefined),
  ) {}

  /** @internal */ get ids(): PciIds | undefined {
    if (this.idsCache === undefined) {
      const text = typeof this.pciIdsText === 'function' ? this.pciIdsText() : this.pciIdsText;
      this.idsCache = text ? loadPciIds(text) : null;
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

  fn(bus: number, wslot: number): PciFunction | undefined {
    return this.m.buses[bus]?.functions.get(wslot);
  }

  slotText(wslot: number): string {
    return wslotText(wslot);
  }

  title(bus: number, wslot: number): string {
    const f = this.fn(bus, wslot);
    if (!f) return 'empty slot';
    const id = functionIds(f);
    const name = this.ids?.deviceName(id.vendorId, id.deviceId);
    const vendor = this.ids?.vendorName(id.vendorId);
    return name ? `${vendor ? vendor.replace(/ Corporation| Technologies.*| Electronics.*/g, '') + ' ' : ''}${name}` : `${id.vendorId.toString(16).padStart(4, '0')}:${id.deviceId.toString(16).padStart(4, '0')}`;
  }

  messageType(name: string): number | undefined {
    const byName = messageByName(name);
    if (byName !== undefined) return byName;
    const v = parseNumber(name);
    if (v !== undefined && messageName(v)) return v;
    return undefined;
  }

  parseValue(text: string): number | undefined {
    const v = parseNumber(text);
    if (v !== undefined) return v;
    const r = evaluate(text, this.env(undefined));
    if (!r.ok) return undefined;
    // Expressions give 64-bit integers (adapter/expr.ts); a register takes its low bits.
    if (typeof r.value === 'bigint') return Number(BigInt.asUintN(53, r.value));
    return typeof r.value === 'number' ? r.value : undefined;
  }

  // ---- scopes ------------------------------------------------------------------------

  busNode(bi: number): VarNode {
    const b = this.m.buses[bi]!;
    const model = this.m.model;
    return {
      name: b.decl.name,
      value: '',
      children: () => {
        const v = model.protocolVersion(b.state.sc);
        const hs = b.host.status;
        const out: VarNode[] = [
          { name: 'instance', value: b.decl.instance, type: 'GUID' },
          { name: 'guest state', value: model.busStatus(b.state.sc) },
          { name: 'protocol version', value: v ? `${versionText(v)} (${this.num(v)})` : 'not negotiated', evaluateName: `${b.decl.name}.version` },
          { name: 'channel', value: b.channel.state },
          { name: 'host state', value: String(hs.state) },
          { name: 'config window', value: hs.windowBase !== undefined ? `${this.num(hs.windowBase)} .. ${this.num(hs.windowBase + 0x1fff)} (slot register at +0, config page at +0x1000)` : 'not mapped (before D0 entry or after D0 exit)' },
          { name: 'functions', value: [...b.functions.keys()].map((w) => wslotText(w)).join(', ') || 'none' },
          valueNode('softc', b.state.sc, this.hex, `${b.decl.name}.sc`),
        ];
        out[out.length - 1]!.lazy = true;
        out.push({
          name: 'VMBus MMIO ranges',
          value: this.m.config.mmio.map((r) => `${r.name} ${this.num(r.base)}+${fmtSize(r.size)}`).join(', '),
          children: () => this.m.config.mmio.map((r) => ({ name: r.name, value: `${this.num(r.base)} .. ${this.num(r.base + r.size - 1)} (${fmtSize(r.size)})` })),
        });
        out.push({
          name: 'MMIO allocations',
          value: `${this.m.state.mmio.used.length}`,
          children: () => this.m.state.mmio.used.map((a) => ({ name: a.owner, value: `${this.num(a.base)} size ${this.num(a.size)}` })),
        });
        return out;
      },
    };
  }

  deviceNode(bi: number, wslot: number): VarNode {
    const b = this.m.buses[bi]!;
    const bus = b.decl.name;
    const prefix = wslot === 0 ? bus : `${bus}/${wslotText(wslot)}`;
    return {
      name: prefix,
      value: this.title(bi, wslot),
      children: () => {
        const f = this.fn(bi, wslot);
        if (!f) return [{ name: 'state', value: 'no function' }];
        const vanished = b.host.isVanished?.(wslot);
        const out: VarNode[] = [];
        if (vanished) out.push({ name: 'state', value: 'vanished (surprise removal): reads return all-ones' });
        out.push(this.identityNode(bi, wslot, f));
        out.push({ name: 'Header', value: 'type 0 configuration header', kind: 'virtual', children: () => REGISTERS.map((r) => this.registerNode(bi, wslot, f, r, prefix)) });
        out.push(this.barsNode(bi, wslot, f));
        out.push(this.capsNode(bi, wslot, f, prefix));
        const mx = f.msix();
        if (mx) out.push(this.msixTableNode(bi, wslot, f, prefix), this.pbaNode(f));
        out.push({ name: 'Config space', value: '4096 bytes (open in the hex editor)', memoryReference: this.cfgRef(bus, wslot), kind: 'data', indexed: 256, page: (s, c) => this.cfgRows(f, s, c) });
        return out;
      },
    };
  }

  /** @internal */ identityNode(bi: number, wslot: number, f: PciFunction): VarNode {
    const id = functionIds(f);
    const vendor = this.ids?.vendorName(id.vendorId);
    const dev = this.ids?.deviceName(id.vendorId, id.deviceId);
    const sub = this.ids?.subsystemName(id.vendorId, id.deviceId, id.subsystemVendorId, id.subsystemId);
    const cls = this.ids?.className(id.classCode >>> 16, (id.classCode >>> 8) & 0xff);
    return {
      name: 'Identity',
      value: this.title(bi, wslot),
      kind: 'virtual',
      children: () => [
        { name: 'vendor', value: `${this.num(id.vendorId, 4)}${vendor ? ` ${vendor}` : ''}` },
        { name: 'device', value: `${this.num(id.deviceId, 4)}${dev ? ` ${dev}` : ''}` },
        { name: 'subsystem', value: `${this.num(id.subsystemVendorId, 4)}:${this.num(id.subsystemId, 4)}${sub ? ` ${sub}` : ''}` },
        { name: 'class', value: `${this.num(id.classCode, 6)}${cls ? ` ${cls}` : ''}` },
        { name: 'revision', value: this.num(id.revision, 2) },
        { name: 'slot', value: `${wslotText(wslot)} (win_slot ${this.num(wslot)})` },
        { name: 'driver', value: this.m.driverNameFor(id.vendorId, id.deviceId) },
      ],
    };
  }

  /**
   * A config write from the debugger takes the guest's real path when it exists: the slot
   * register, then the config page of the host's window (so the host's rules apply — BAR writes
   * ignored while MSE is set, map/unmap on MSE — and the trace records it). Before D0 entry there
   * is no window: the write goes to the function through its register masks. The guest's slot
   * register value is restored, so a paused guest access sequence is not disturbed.
   */
  /** @internal */ writeCfg(bi: number, wslot: number, f: PciFunction, off: number, size: number, value: number): void {
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

  /** @internal */ raw(f: PciFunction, off: number, size: number): number {
    const b = f.config.peek();
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (b[off + i] ?? 0);
    return v;
  }

  /** @internal */ registerNode(bi: number, wslot: number, f: PciFunction, r: RegisterDef, prefix: string): VarNode {
    const bus = this.m.buses[bi]!.decl.name;
    const v = this.raw(f, r.offset, r.size);
    const writable = r.fields.some((x) => x.access !== 'ro');
    const node: VarNode = {
      name: r.name,
      value: this.num(v, r.size * 2),
      type: `u${r.size * 8} @ ${this.num(r.offset, 2)}`,
      evaluateName: `${prefix}.${r.name}`,
      dataId: dataId({ kind: 'cfg', bus, wslot, offset: r.offset, width: r.size }),
      dataDescription: `${prefix} ${r.name} (config ${this.num(r.offset, 2)}, ${r.size} byte${r.size > 1 ? 's' : ''})`,
      readOnly: !writable,
    };
    if (r.fields.length > 1)
      node.children = () =>
        r.fields.map((fd) => {
          const fv = bitsOf(v, fd.bits[0], fd.bits[1]);
          const lo = fd.bits[0];
          const width = fd.bits[1] - lo + 1;
          const child: VarNode = {
            name: fd.name,
            value: width === 1 ? String(fv) : this.num(fv),
            type: `bit${width > 1 ? `s ${fd.bits[1]}:${lo}` : ` ${lo}`}, ${fd.access.toUpperCase()}`,
            evaluateName: `${prefix}.${r.name}.${fd.name}`,
            readOnly: fd.access === 'ro',
            dataId: dataId({ kind: 'cfg', bus, wslot, offset: r.offset + (lo >> 3), width: Math.max(1, ((fd.bits[1] >> 3) - (lo >> 3)) + 1) }),
            dataDescription: `${prefix} ${r.name}.${fd.name}`,
          };
          if (fd.access !== 'ro')
            child.set = (text) => {
              const x = this.parseValue(text);
              if (x === undefined) return { ok: false, error: `'${text}' is not a number` };
              if (x < 0 || x >= 2 ** width) return { ok: false, error: `${fd.name} is ${width} bit(s) wide` };
              const cur = f.cfgRead(r.offset, r.size as 1 | 2 | 4);
              const mask = (2 ** width - 1) * 2 ** lo;
              // RW1C: writing the field's bits clears them; other RW1C bits are written 0 so they stay.
              const w1c = r.fields.filter((o) => o.access === 'rw1c').reduce((a, o) => a + (2 ** (o.bits[1] - o.bits[0] + 1) - 1) * 2 ** o.bits[0], 0);
              const next = ((cur & ~w1c & ~mask) | (x * 2 ** lo)) >>> 0;
              this.writeCfg(bi, wslot, f, r.offset, r.size, next & (2 ** (r.size * 8) - 1));
              const after = bitsOf(this.raw(f, r.offset, r.size), lo, fd.bits[1]);
              return { ok: true, value: width === 1 ? String(after) : this.num(after) };
            };
          return child;
        });
    if (writable)
      node.set = (text) => {
        const x = this.parseValue(text);
        if (x === undefined) return { ok: false, error: `'${text}' is not a number` };
        this.writeCfg(bi, wslot, f, r.offset, r.size, x >>> 0);
        return { ok: true, value: this.num(this.raw(f, r.offset, r.size), r.size * 2) };
      };
    return node;
  }

  /** @internal */ barsNode(bi: number, wslot: number, f: PciFunction): VarNode {
    const bus = this.m.buses[bi]!.decl.name;
    const bars = f.bars();
    return {
      name: 'BARs',
      value: bars.map((x) => `${x.kind === 'rom' ? 'ROM' : `BAR${x.index}`} ${fmtSize(x.size)}`).join(', ') || 'none',
      kind: 'virtual',
      children: () =>
        f.bars().map((x) => {
          const name = x.kind === 'rom' ? 'ROM' : `BAR${x.index}`;
          const kind = x.kind === 'mem64' ? '64-bit memory' : x.kind === 'mem32' ? '32-bit memory' : x.kind === 'io' ? 'I/O (not usable through vPCI)' : 'expansion ROM';
          return {
            name,
            value: `${kind}${x.prefetchable ? ', prefetchable' : ''}, ${fmtSize(x.size)} at ${x.address ? this.num(x.address) : 'unassigned'}${x.decoding ? ', decoding' : ''}`,
            ...(x.kind === 'mem32' || x.kind === 'mem64' ? { memoryReference: `bar/${bus}/${wslot}/${x.index}` } : {}),
            // "Break on Value Change" on a BAR row watches its register (both dwords of a 64-bit BAR).
            dataId: dataId({ kind: 'cfg', bus, wslot, offset: x.kind === 'rom' ? 0x30 : 0x10 + 4 * x.index, width: x.kind === 'mem64' ? 8 : 4 }),
            dataDescription: `${wslot === 0 ? bus : `${bus}/${wslotText(wslot)}`} ${name} register (config 0x${(x.kind === 'rom' ? 0x30 : 0x10 + 4 * x.index).toString(16)})`,
            evaluateName: `${wslot === 0 ? bus : `${bus}/${wslotText(wslot)}`}.${x.kind === 'rom' ? 'EXPANSION_ROM' : name}`,
            children: () => [
              { name: 'type', value: kind },
              { name: '64-bit', value: String(x.kind === 'mem64') },
              { name: 'prefetchable', value: String(x.prefetchable) },
              { name: 'size', value: `${this.num(x.size)} (${fmtSize(x.size)})` },
              { name: 'address', value: this.num(x.address), evaluateName: `${bus}.${name}` },
              { name: 'probed mask', value: this.num(x.probedMask, 8) },
              { name: 'decoding', value: String(x.decoding) },
            ],
          };
        }),
    };
  }

  /** @internal */ capsNode(bi: number, wslot: number, f: PciFunction, prefix: string): VarNode {
    const { views, problems } = capabilityViews(f.config.bytes);
    return {
      name: 'Capabilities',
      value: views.map((v) => capName(v)).join(', ') || 'none',
      kind: 'virtual',
      children: () => {
        const out: VarNode[] = views.map((v) => ({
          name: `[${this.num(v.offset, 2)}] ${capName(v)}`,
          value: capSummary(v),
          children: () =>
            Object.entries(v)
              .filter(([k]) => k !== 'kind' && k !== 'layout')
              .map(([k, x]) => valueNode(k, x, this.hex, `${prefix}.caps.${v.kind}.${k}`)),
        }));
        for (const p of problems) out.push({ name: 'problem', value: p });
        return out;
      },
    };
    void bi;
    void wslot;
  }

  /** @internal */ msixTableNode(bi: number, wslot: number, f: PciFunction, prefix: string): VarNode {
    const bus = this.m.buses[bi]!.decl.name;
    const mx = f.msix()!;
    const size = mx.tableSize;
    return {
      name: 'MSI-X table',
      value: `${size} entries${mx.enabled ? ', enabled' : ', disabled'}${mx.functionMask ? ', function masked' : ''}`,
      kind: 'data',
      indexed: size,
      page: (s, c) => {
        const out: VarNode[] = [];
        for (let i = s; i < s + c; i++) {
          const e = msixEntry(f, i);
          if (!e) break;
          out.push({
            name: `[${i}]`,
            value: `address ${this.num(e.address)} data ${this.num(e.data)}${e.masked ? ' masked' : ''}`,
            evaluateName: `msix(${prefix === bus ? bus : `"${prefix}"`})[${i}]`,
            dataId: dataId({ kind: 'msix', bus, wslot, offset: i, width: 16 }),
            dataDescription: `${prefix} MSI-X entry ${i}`,
            children: () => [
              { name: 'Message Address', value: this.num(e.address % 2 ** 32, 8) },
              { name: 'Message Upper Address', value: this.num(Math.floor(e.address / 2 ** 32), 8) },
              { name: 'Message Data', value: this.num(e.data, 8) },
              { name: 'Vector Control', value: e.masked ? '1 (masked)' : '0' },
              { name: 'pending', value: String(this.pendingBit(f, i)) },
            ],
          });
        }
        return out;
      },
    };
  }

  /** @internal */ pendingBit(f: PciFunction, i: number): boolean {
    const mx = f.msix() as unknown as { pending?: (i: number) => boolean } | undefined;
    return !!mx?.pending?.(i);
  }

  /** @internal */ pbaNode(f: PciFunction): VarNode {
    const mx = f.msix()!;
    const n = mx.tableSize;
    return {
      name: 'MSI-X PBA',
      value: `${n} bit(s)`,
      kind: 'data',
      indexed: Math.ceil(n / 64),
      page: (s, c) => {
        const out: VarNode[] = [];
        for (let q = s; q < s + c; q++) {
          let bits = '';
          for (let i = Math.min(n, (q + 1) * 64) - 1; i >= q * 64; i--) bits += this.pendingBit(f, i) ? '1' : '0';
          out.push({ name: `[${q}]`, value: `0b${bits || '0'}` });
        }
        return out;
      },
    };
  }

  /** @internal */ cfgRows(f: PciFunction, s: number, c: number): VarNode[] {
    const out: VarNode[] = [];
    const b = f.config.peek();
    for (let row = s; row < Math.min(256, s + c); row++) {
      const o = row * 16;
      out.push({ name: this.num(o, 3), value: Array.from(b.subarray(o, o + 16), (x) => x.toString(16).padStart(2, '0')).join(' ') });
    }
    return out;
  }

  interruptsNode(): VarNode {
    return {
      name: 'Interrupts',
      value: '',
      children: () => {
        const out: VarNode[] = [];
        for (const b of this.m.buses) {
          for (const [w] of b.functions) {
            const entries = this.m.remapper.entriesFor(b.index, w);
            out.push({
              name: `${b.decl.name}/${wslotText(w)} host remapping`,
              value: `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`,
              children: () => entries.map((e, i) => ({ name: `[${i}]`, value: `address ${this.num(e.address)} data ${this.num(e.data)} → vector ${this.num(e.vector)} cpu(s) ${e.cpus.join(',')} mode ${e.deliveryMode}` })),
            });
          }
        }
        const irqs = this.m.state.irqs.table;
        out.push({ name: 'guest IRQs', value: `${irqs.length} allocated`, children: () => irqs.map((q) => ({ name: `irq ${q.irq}`, value: `${q.kind} cpu ${q.cpu} vector ${this.num(q.vector)}` })) });
        const d = this.m.delivered();
        out.push({ name: 'delivered', value: `${d.length}`, indexed: d.length, page: (s, c) => d.slice(s, s + c).map((x, i) => ({ name: `[${s + i}]`, value: `${this.m.buses[x.bus]?.decl.name}/${wslotText(x.wslot)} vector ${x.index} → cpu ${x.cpu} IDT ${this.num(x.vector)} at ${x.time} ns` })) });
        return out;
      },
    };
  }

  vmbusNode(): VarNode {
    return {
      name: 'VMBus',
      value: '',
      children: () =>
        this.m.buses.map((b) => ({
          name: b.decl.name,
          value: `channel ${b.channel.state}`,
          children: () => {
            const ring = (name: string, r: { capacity: number; used: number; free: number; pendingPackets: number }) => ({
              name,
              value: `${r.used}/${r.capacity} bytes used, ${r.pendingPackets} packet(s) pending`,
              children: () => [
                { name: 'capacity', value: `${r.capacity}` },
                { name: 'used', value: `${r.used}` },
                { name: 'free', value: `${r.free}` },
                { name: 'pending packets', value: `${r.pendingPackets}` },
              ],
            });
            const recent = this.packetEvents(b.index);
            const pending = this.pendingTransactions(b.index);
            return [
              { name: 'instance', value: b.decl.instance },
              ring('guest → host ring', b.channel.guestToHost),
              ring('host → guest ring', b.channel.hostToGuest),
              {
                name: 'pending transactions',
                value: pending.length ? pending.map((p) => `${messageName(p.type) ?? p.type} (txid ${p.txid})`).join(', ') : 'none',
                children: () => pending.map((p, i) => this.packetNode(p.event, `[${i}] waiting since ${t0(this.m.trace.time[p.event]!)}`)),
              },
              {
                name: 'packets',
                value: `${recent.length} sent so far`,
                indexed: recent.length,
                page: (s: number, c: number) => recent.slice(s, s + c).map((ev, i) => this.packetNode(ev, `[${s + i}]`)),
              },
            ];
          },
        })),
    };
  }

  /** Guest requests that asked for a completion and have not had one yet (by transaction id). */
  pendingTransactions(bus: number): { event: number; type: number; txid: string }[] {
    const t = this.m.trace;
    const open = new Map<string, { event: number; type: number; txid: string }>();
    for (const i of this.packetEvents(bus)) {
      const k = t.kind[i];
      const pkt = t.get(i).blob as Uint8Array;
      const txid = new DataView(pkt.buffer, pkt.byteOffset, pkt.length).getBigUint64(8, true).toString(16);
      if (k === Ev.PacketToHost && (pkt[6]! & 1) === 1) open.set(txid, { event: i, type: t.a[i]!, txid: `0x${txid}` });
      else if (k === Ev.PacketToGuest && pkt[0] === 11) open.delete(txid);
    }
    return [...open.values()];
  }

  /** @internal The trace events of this bus's VMBus packets, from the views' incremental index. */
  packetEvents(bus: number): number[] {
    const t = this.m.trace;
    return views.packetIndex(this).all.filter((i) => t.bus[i] === bus);
  }

  /** @internal */ packetNode(ev: number, name: string): VarNode {
    const t = this.m.trace;
    const pkt = t.get(ev).blob as Uint8Array;
    const dir = t.kind[ev] === Ev.PacketToHost ? 'toHost' : 'toGuest';
    const completionOf = pkt[0] === 11 ? t.a[ev] : undefined;
    const d = describePayload(pkt.subarray(Math.min(pkt.length, ((pkt[2]! | (pkt[3]! << 8)) * 8) || 16)), completionOf !== undefined ? { completionOf } : {});
    const fieldNodes = (fs: typeof d.fields): VarNode[] =>
      fs.map((x) => ({ name: x.name, value: x.text, type: `+${x.offset}, ${x.size} byte(s)`, ...(x.children?.length ? { children: () => fieldNodes(x.children!) } : {}) }));
    return {
      name,
      value: `${t.time[ev]} ns ${dir === 'toHost' ? 'guest → host' : 'host → guest'}: ${summarizePacket(pkt, dir, completionOf)}`,
      memoryReference: `pkt/${ev}`,
      children: () => [...fieldNodes(d.fields), ...(d.error ? [{ name: 'error', value: d.error.message }] : []), valueNode('bytes', pkt, this.hex)],
    };
  }

  scenarioNode(position: number): VarNode {
    const m = this.m;
    return {
      name: 'Scenario',
      value: '',
      children: () => {
        const next = m.config.timeline[m.state.timelineIndex];
        return [
          { name: 'virtual time', value: `${m.now} ns` },
          { name: 'step', value: `${position}` },
          { name: 'trace events', value: `${m.trace.length}` },
          { name: 'host profile', value: m.config.host },
          { name: 'guest model', value: m.config.guest },
          { name: 'next event', value: next ? `at ${next.time} ns: ${next.text} (line ${next.line})` : 'none (timeline done)' },
          valueNode('quirks', m.config.quirks, this.hex),
        ];
      },
    };
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

  evaluate(expr: string, context: string, threadId: number | undefined, locals: Record<string, unknown> | undefined, hex: boolean): { ok: true; text: string; node?: VarNode; changed?: boolean } | { ok: false; error: string } {
    return repl.evaluate(this, expr, context, threadId, locals, hex);
  }

  assign(target: string, reg: string, valueText: string): { ok: true; text: string; changed: boolean } | { ok: false; error: string } {
    return repl.assign(this, target, reg, valueText);
  }

  command(src: string): { ok: true; text: string; changed?: boolean } | { ok: false; error: string } | undefined {
    return repl.command(this, src);
  }

  completions(text: string, column: number, locals?: Record<string, unknown>): { label: string; type?: 'function' | 'variable' | 'property' | 'keyword' | 'module' }[] {
    return repl.completions(this, text, column, locals);
  }

  // ---- memory -----------------------------------------------------------------------------

  cfgRef(bus: string, wslot: number): string {
    return `cfg/${bus}/${wslot}`;
  }

  memoryReferences(): string[] {
    const out: string[] = [];
    for (const b of this.m.buses) for (const [w] of b.functions) out.push(this.cfgRef(b.decl.name, w));
    return out;
  }

  readMemory(ref: string, offset: number, count: number): { ok: true; address: string; bytes: Uint8Array; unreadable?: number } | { ok: false; error: string } {
    const p = ref.split('/');
    if (p[0] === 'cfg' && p.length === 3) {
      const f = this.fn(this.busIndex(p[1]!), Number(p[2]));
      if (!f) return { ok: false, error: `No function for ${ref}` };
      const start = Math.max(0, offset);
      const end = Math.min(4096, offset + count);
      const bytes = start < end ? f.config.bytes.slice(start, end) : new Uint8Array(0);
      return { ok: true, address: `0x${start.toString(16)}`, bytes, unreadable: Math.max(0, count - bytes.length) };
    }
    if (p[0] === 'bar' && p.length === 4) {
      const bi = this.busIndex(p[1]!);
      const f = this.fn(bi, Number(p[2]));
      const bar = f?.bars().find((x) => x.index === Number(p[3]));
      if (!f || !bar) return { ok: false, error: `No BAR for ${ref}` };
      const n = Math.max(0, Math.min(count, bar.size - offset, 1 << 20));
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const v = barRead(f, bar.index, offset + i, 4);
        for (let k = 0; k < 4 && i + k < n; k++) bytes[i + k] = (v >>> (8 * k)) & 0xff;
      }
      return { ok: true, address: `0x${(bar.address + offset).toString(16)}`, bytes, unreadable: Math.max(0, count - n) };
    }
    if (p[0] === 'pkt' && p.length === 2) {
      const ev = Number(p[1]);
      if (!(ev >= 0 && ev < this.m.trace.length)) return { ok: false, error: `No trace event ${p[1]}` };
      const b = this.m.trace.get(ev).blob;
      if (!(b instanceof Uint8Array)) return { ok: false, error: `Trace event ${ev} has no bytes` };
      const bytes = b.slice(Math.max(0, offset), Math.max(0, offset + count));
      return { ok: true, address: `0x${Math.max(0, offset).toString(16)}`, bytes, unreadable: Math.max(0, count - bytes.length) };
    }
    return { ok: false, error: `Unknown memory reference ${ref}` };
  }

  writeMemory(ref: string, offset: number, data: Uint8Array): { ok: true; written: number } | { ok: false; error: string } {
    const p = ref.split('/');
    if (p[0] === 'cfg' && p.length === 3) {
      const f = this.fn(this.busIndex(p[1]!), Number(p[2]));
      if (!f) return { ok: false, error: `No function for ${ref}` };
      let n = 0;
      const bi = this.busIndex(p[1]!);
      for (let i = 0; i < data.length && offset + i < 4096; i++, n++) this.writeCfg(bi, Number(p[2]), f, offset + i, 1, data[i]!);
      return { ok: true, written: n };
    }
    if (p[0] === 'bar' && p.length === 4) {
      const f = this.fn(this.busIndex(p[1]!), Number(p[2]));
      const bar = f?.bars().find((x) => x.index === Number(p[3]));
      if (!f || !bar) return { ok: false, error: `No BAR for ${ref}` };
      let n = 0;
      for (let i = 0; i < data.length && offset + i < bar.size; i++, n++) barWrite(f, bar.index, offset + i, 1, data[i]!);
      return { ok: true, written: n };
    }
    return { ok: false, error: `${ref} is read-only` };
  }

  // ---- data breakpoints ---------------------------------------------------------------------

  dataTargetAtAddress(name: string, bytes: number): { dataId: string; description: string } | undefined {
    // "<bus>[/<slot>]:<offset>" or "<bus>[/<slot>] <offset>" — an offset in the function's config space.
    const m = /^\s*([A-Za-z_][\w-]*(?:\/[0-9a-fA-F]{1,2}(?:\.[0-7])?)?)\s*[: +]\s*(\S+)\s*$/.exec(name);
    if (!m) return undefined;
    const r = this.resolveFn(m[1]!);
    const off = parseNumber(m[2]!);
    if (!r || off === undefined || off < 0 || off >= 4096) return undefined;
    const width = Math.max(1, Math.min(bytes, 4096 - off));
    const t: Target = { kind: 'cfg', bus: this.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: off, width };
    return { dataId: dataId(t), description: this.describeTarget(t) };
  }

  dataTargetForExpression(expr: string): { dataId: string; description: string } | undefined {
    const m = /^\s*([A-Za-z_][\w-]*(?:\/[0-9a-fA-F]{1,2}(?:\.[0-7])?)?)\.([A-Z_0-9]+)(?:\.([A-Z_0-9]+))?\s*$/.exec(expr);
    if (m) {
      const r = this.resolveFn(m[1]!);
      const def = findRegister(m[2]!);
      if (r && def) {
        let off = def.offset;
        let width: number = def.size;
        if (m[3]) {
          const fd = def.fields.find((f) => f.name === m[3]);
          if (!fd) return undefined;
          off = def.offset + (fd.bits[0] >> 3);
          width = (fd.bits[1] >> 3) - (fd.bits[0] >> 3) + 1;
        }
        const t: Target = { kind: 'cfg', bus: this.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: off, width };
        return { dataId: dataId(t), description: this.describeTarget(t) };
      }
    }
    const mx = /^\s*msix\(\s*"?([^")]+?)"?\s*\)\[(\d+)\]\s*$/.exec(expr);
    if (mx) {
      const r = this.resolveFn(mx[1]!);
      if (!r) return undefined;
      const t: Target = { kind: 'msix', bus: this.m.buses[r.bi]!.decl.name, wslot: r.wslot, offset: Number(mx[2]), width: 16 };
      return { dataId: dataId(t), description: this.describeTarget(t) };
    }
    return undefined;
  }

  describeTarget(t: Target): string {
    const where = t.wslot === 0 ? t.bus : `${t.bus}/${wslotText(t.wslot)}`;
    if (t.kind === 'msix') return `${where} MSI-X entry ${t.offset}`;
    const r = REGISTERS.find((x) => x.offset === t.offset && x.size === t.width);
    if (r) return `${where} ${r.name} (config 0x${t.offset.toString(16).padStart(2, '0')})`;
    return `${where} config 0x${t.offset.toString(16).padStart(3, '0')}..0x${(t.offset + t.width - 1).toString(16).padStart(3, '0')}`;
  }

  targetPresent(t: Target): boolean {
    const bi = this.busIndex(t.bus);
    return bi >= 0 && !!this.fn(bi, t.wslot);
  }

  dataValue(bp: DataBp): number | undefined {
    const t = bp.target;
    const bi = this.busIndex(t.bus);
    const f = bi >= 0 ? this.fn(bi, t.wslot) : undefined;
    if (!f) return undefined;
    if (t.kind === 'msix') {
      const e = msixEntry(f, t.offset);
      return e ? e.data : undefined;
    }
    return t.width <= 6 ? this.raw(f, t.offset, t.width) : undefined;
  }

  dataTouches(bp: DataBp, ev: number): 'read' | 'write' | undefined {
    const tr = this.m.trace;
    const k = tr.kind[ev];
    const t = bp.target;
    if (k !== Ev.CfgRead && k !== Ev.CfgWrite && k !== Ev.BarAccess) return undefined;
    const b = this.m.buses[tr.bus[ev]!];
    if (!b || b.decl.name !== t.bus || tr.a[ev] !== t.wslot) return undefined;
    if (t.kind === 'cfg') {
      if (k === Ev.BarAccess) return undefined;
      const off = tr.b[ev]! & 0xfff;
      const size = tr.b[ev]! >>> 16 || 4;
      if (off < t.offset + t.width && t.offset < off + size) return k === Ev.CfgWrite ? 'write' : 'read';
      return undefined;
    }
    if (k !== Ev.BarAccess) return undefined;
    const f = b.functions.get(t.wslot);
    const mx = f?.msix();
    if (!mx || tr.b[ev] !== mx.tableBir) return undefined;
    const d = tr.get(ev).blob as { size: number; write: boolean };
    const off = tr.c[ev]!;
    const lo = mx.tableOffset + 16 * t.offset;
    if (off < lo + 16 && lo < off + d.size) return d.write ? 'write' : 'read';
    return undefined;
  }

  describeDataHit(bp: DataBp, old: number | undefined, now: number | undefined, write: boolean): string {
    const t = bp.target;
    const w = t.kind === 'msix' ? 8 : t.width * 2;
    const f = (v: number | undefined) => (v === undefined ? '?' : `0x${v.toString(16).padStart(w, '0')}`);
    if (t.kind === 'msix') return `${t.description}: ${write ? `written, data ${f(old)} → ${f(now)}` : 'read'}`;
    if (!write) return `${t.description} read (value ${f(now)})`;
    return `${t.description}: ${f(old)} → ${f(now)}${old === now ? ' (written, unchanged)' : ''}`;
  }

  eventContext(ev: number): string {
    return views.eventContext(this, ev);
  }

  /**
   * What a host thread last did: the packet it handled (found through the reply's transaction id)
   * and the reply it sent, decoded — the host "frame" the debugger shows after stepping into a send.
   */
  lastHostWork(hostThread: number, lastStepOf: (tid: number) => number, history?: { traceFrom: Int32Array; traceTo: Int32Array }): { title: string; locals: Record<string, unknown> } | undefined {
    return views.lastHostWork(this, hostThread, lastStepOf);
  }

  /** A readable page of what the host did: the request it handled and the reply, field by field, with bytes. */
  hostWorkText(w: { title: string; locals: Record<string, unknown> }, bus: string, profile: string): string {
    return views.hostWorkText(this, w, bus, profile);
  }

  /** The session's history (typed step log), set by the session so host frames can be found. */
  hist?: { traceFrom: Int32Array; traceTo: Int32Array };

  // ---- custom requests ------------------------------------------------------------------------

  topology(): TopologyResponse {
    return views.topology(this);
  }

  messages(from: number, count: number, stepOf: (ev: number) => number): MessagesResponse {
    return views.messages(this, from, count, stepOf);
  }

  messageDetail(index: number): MessageDetailResponse | undefined {
    return views.messageDetail(this, index);
  }

  lspci(sel?: string, wslot?: number, verbose = true, hexDumpToo = false): string {
    return views.lspci(this, sel, wslot, verbose, hexDumpToo);
  }

  transcript(from: number, count: number): string[] {
    return views.transcript(this, from, count);
  }
}

