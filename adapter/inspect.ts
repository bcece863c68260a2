// What the debugger shows and lets you touch: buses, devices (header registers
// decoded into fields, BARs, capabilities, the MSI-X table paged, the PBA),
// the host's interrupt-remapping table, VMBus rings and packets; the
// expression environment; memory references; data-breakpoint targets; and the
// custom requests the extension's views use. Reads go through the device model
// without side effects; writes go through the same masks hardware applies.
import { Ev } from '../emulator/machine/trace';
import type { Machine } from '../emulator/machine/machine';
import type { PciFunction } from '../emulator/pci/function';
import { REGISTERS, findRegister, bitsOf, type RegisterDef } from '../emulator/pci/registers';
import { capabilityViews, type CapabilityView } from '../emulator/pci/capabilities';
import { loadPciIds, type PciIds } from '../emulator/pci/pci-ids';
import { decodeLspci } from '../emulator/pci/lspci-decode';
import { MSG, messageName, statusText, versionText, wslotText } from '../emulator/vpci/protocol';
import { describePayload, summarizePacket } from '../emulator/vpci/describe';
import { barRead, barWrite, msixEntry, functionIds } from '../emulator/machine/device-view';
import { describeEvent } from '../emulator/machine/transcript';
import { evaluate, formatValue, type ExprEnv, type Value } from './expr';
import { dataId, type DataBp, type DataTarget } from './breakpoints';
import { valueNode, fmtNum, parseNumber, type VarNode } from './vars';

type Target = Omit<DataTarget, 'description'>;

const CAP_NAMES: Record<string, string> = {
  pm: 'Power Management',
  msi: 'MSI',
  msix: 'MSI-X',
  pcie: 'PCI Express',
  vpd: 'Vital Product Data',
  aer: 'Advanced Error Reporting',
  dsn: 'Device Serial Number',
  ari: 'Alternative Routing-ID Interpretation',
  sriov: 'Single Root I/O Virtualization',
};

export class Inspector {
  private idsCache?: PciIds | null;

  constructor(
    readonly m: Machine,
    private readonly hexMode: () => boolean,
    /** pci.ids text, read when a name is first needed (parsing it costs more than a launch). */
    private readonly pciIdsText?: string | (() => string | undefined),
  ) {}

  private get ids(): PciIds | undefined {
    if (this.idsCache === undefined) {
      const text = typeof this.pciIdsText === 'function' ? this.pciIdsText() : this.pciIdsText;
      this.idsCache = text ? loadPciIds(text) : null;
    }
    return this.idsCache ?? undefined;
  }

  private get hex(): boolean {
    return this.hexMode();
  }

  private num(n: number, digits = 0): string {
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
    const n = name.trim().toUpperCase().replace(/-/g, '_');
    const tries = [n, `PCI_${n}`, `${n}_MESSAGE`, `PCI_${n}_MESSAGE`];
    for (const t of tries) if (t in MSG) return (MSG as Record<string, number>)[t];
    const v = parseNumber(name);
    if (v !== undefined && messageName(v)) return v;
    return undefined;
  }

  parseValue(text: string): number | undefined {
    const v = parseNumber(text);
    if (v !== undefined) return v;
    const r = evaluate(text, this.env(undefined));
    return r.ok && typeof r.value === 'number' ? r.value : undefined;
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

  private identityNode(bi: number, wslot: number, f: PciFunction): VarNode {
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
  private writeCfg(bi: number, wslot: number, f: PciFunction, off: number, size: number, value: number): void {
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

  private raw(f: PciFunction, off: number, size: number): number {
    const b = f.config.peek();
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (b[off + i] ?? 0);
    return v;
  }

  private registerNode(bi: number, wslot: number, f: PciFunction, r: RegisterDef, prefix: string): VarNode {
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

  private barsNode(bi: number, wslot: number, f: PciFunction): VarNode {
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

  private capsNode(bi: number, wslot: number, f: PciFunction, prefix: string): VarNode {
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

  private msixTableNode(bi: number, wslot: number, f: PciFunction, prefix: string): VarNode {
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

  private pendingBit(f: PciFunction, i: number): boolean {
    const mx = f.msix() as unknown as { pending?: (i: number) => boolean } | undefined;
    return !!mx?.pending?.(i);
  }

  private pbaNode(f: PciFunction): VarNode {
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

  private cfgRows(f: PciFunction, s: number, c: number): VarNode[] {
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
    for (let i = 0; i < t.length; i++) {
      const k = t.kind[i];
      if ((k !== Ev.PacketToHost && k !== Ev.PacketToGuest) || t.bus[i] !== bus) continue;
      const pkt = t.get(i).blob as Uint8Array;
      const txid = new DataView(pkt.buffer, pkt.byteOffset, pkt.length).getBigUint64(8, true).toString(16);
      if (k === Ev.PacketToHost && (pkt[6]! & 1) === 1) open.set(txid, { event: i, type: t.a[i]!, txid: `0x${txid}` });
      else if (k === Ev.PacketToGuest && pkt[0] === 11) open.delete(txid);
    }
    return [...open.values()];
  }

  private packetEvents(bus: number): number[] {
    const t = this.m.trace;
    const out: number[] = [];
    for (let i = 0; i < t.length; i++) if ((t.kind[i] === Ev.PacketToHost || t.kind[i] === Ev.PacketToGuest) && t.bus[i] === bus) out.push(i);
    return out;
  }

  private packetNode(ev: number, name: string): VarNode {
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
  private fnValue(bi: number, wslot: number): Value {
    const f = this.fn(bi, wslot);
    const b = this.m.buses[bi]!;
    if (!f) return undefined;
    const o: Record<string, Value> = {};
    for (const r of REGISTERS) {
      const v = this.raw(f, r.offset, r.size);
      if (r.fields.length > 1) {
        const fields: Record<string, Value> = { value: v };
        for (const fd of r.fields) fields[fd.name] = bitsOf(v, fd.bits[0], fd.bits[1]);
        o[r.name] = fields;
      } else o[r.name] = v;
    }
    o.version = this.m.model.protocolVersion(b.state.sc);
    o.state = this.m.model.busStatus(b.state.sc);
    o.bars = f.bars().map((x) => ({ index: x.index, size: x.size, address: x.address, decoding: x.decoding }));
    const mx = f.msix();
    if (mx) o.msix = Array.from({ length: Math.min(mx.tableSize, 2048) }, (_, i) => {
      const e = msixEntry(f, i)!;
      return { address: e.address, data: e.data, masked: e.masked };
    });
    return o;
  }

  private resolveFn(v: Value, slot?: Value): { bi: number; wslot: number } | undefined {
    const name = typeof v === 'string' ? v : v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, Value>).__bus === 'string' ? ((v as Record<string, Value>).__bus as string) : undefined;
    if (!name) return undefined;
    const [bus, s] = name.split('/');
    const bi = this.busIndex(bus!);
    if (bi < 0) return undefined;
    let wslot = 0;
    if (typeof slot === 'number') wslot = slot;
    else if (s) {
      const m = /^([0-9a-f]{1,2})(?:\.([0-7]))?$/i.exec(s);
      if (!m) return undefined;
      wslot = (parseInt(m[1]!, 16) & 0x1f) | (Number(m[2] ?? 0) << 5);
    }
    return { bi, wslot };
  }

  env(threadId: number | undefined, locals?: Record<string, unknown>): ExprEnv {
    const self = this;
    const cfg = (size: 1 | 2 | 4) => (bus: Value, off: Value, slot?: Value): Value => {
      const r = self.resolveFn(bus, slot);
      if (!r || typeof off !== 'number') throw new Error('cfg: expected (bus, offset[, slot])');
      const f = self.fn(r.bi, r.wslot);
      if (!f) throw new Error('cfg: no function there');
      return self.raw(f, off & 0xfff, size);
    };
    return {
      lookup(name: string): Value {
        if (locals && name in locals) return toValue(locals[name]);
        switch (name) {
          case 'now':
            return self.m.now;
          case 'steps':
            return self.m.steps;
          case 'cfg8':
            return cfg(1) as Value;
          case 'cfg16':
            return cfg(2) as Value;
          case 'cfg32':
            return cfg(4) as Value;
          case 'msix':
            return ((bus: Value, slot?: Value) => {
              const r = self.resolveFn(bus, slot);
              if (!r) throw new Error('msix: unknown bus');
              const v = self.fnValue(r.bi, r.wslot) as Record<string, Value> | undefined;
              return v?.msix ?? [];
            }) as Value;
          case 'msg':
            return self.lastPacketValue();
          case 'thread':
            return threadId ?? 0;
        }
        const bi = self.busIndex(name);
        if (bi >= 0) {
          const v = self.fnValue(bi, 0) as Record<string, Value> | undefined;
          return v ? { ...v, __bus: name } : { __bus: name };
        }
        const sym = (MSG as Record<string, number>)[name];
        if (sym !== undefined) return sym;
        return undefined;
      },
    };
  }

  /** The most recent VMBus packet, decoded, for `msg` in conditions and logpoints. */
  private lastPacketValue(): Value {
    const t = this.m.trace;
    for (let i = t.length - 1; i >= 0; i--) {
      const k = t.kind[i];
      if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
      const pkt = t.get(i).blob as Uint8Array;
      const completionOf = pkt[0] === 11 ? t.a[i] : undefined;
      const off = ((pkt[2]! | (pkt[3]! << 8)) * 8) || 16;
      const d = describePayload(pkt.subarray(Math.min(off, pkt.length)), completionOf !== undefined ? { completionOf } : {});
      const o: Record<string, Value> = { type: t.a[i]!, name: d.name, toHost: k === Ev.PacketToHost, completion: pkt[0] === 11, length: pkt.length };
      for (const f of d.fields) o[camel(f.name)] = typeof f.value === 'bigint' ? Number(f.value) : (f.value as Value);
      return o;
    }
    return null;
  }

  evaluate(expr: string, context: string, threadId: number | undefined, locals: Record<string, unknown> | undefined, hex: boolean): { ok: true; text: string; node?: VarNode; changed?: boolean } | { ok: false; error: string } {
    const src = expr.trim();
    if (!src) return { ok: false, error: 'empty expression' };
    if (context === 'repl') {
      const cmd = this.command(src);
      if (cmd) return cmd;
      const asg = /^([A-Za-z_][\w-]*(?:\/[0-9a-fA-F]{1,2}(?:\.[0-7])?)?)\.([A-Z_0-9]+)\s*=\s*(.+)$/.exec(src);
      if (asg) return this.assign(asg[1]!, asg[2]!, asg[3]!);
    }
    const m = /^([A-Za-z_][\w-]*)\/([0-9a-fA-F]{1,2}(?:\.[0-7])?)(\..*)?$/.exec(src);
    let env = this.env(threadId, locals);
    let text = src;
    if (m) {
      // bus/slot.REG → a synthetic name for the slot's function.
      const r = this.resolveFn(`${m[1]}/${m[2]}`);
      if (r) {
        const v = this.fnValue(r.bi, r.wslot);
        const base = env;
        env = { lookup: (n) => (n === '__fn' ? v : base.lookup(n)) };
        text = `__fn${m[3] ?? ''}`;
      }
    }
    const r = evaluate(text, env);
    if (!r.ok) return { ok: false, error: r.error };
    const v = r.value;
    if (v && typeof v === 'object') {
      const clean = stripInternal(v);
      const node = valueNode(src, clean, hex, src);
      return { ok: true, text: formatValue(clean as Value, hex), node };
    }
    return { ok: true, text: formatValue(v, hex) };
  }

  private assign(target: string, reg: string, valueText: string): { ok: true; text: string; changed: boolean } | { ok: false; error: string } {
    const r = this.resolveFn(target);
    if (!r) return { ok: false, error: `no bus or function '${target}'` };
    const f = this.fn(r.bi, r.wslot);
    const def = findRegister(reg);
    if (!f || !def) return { ok: false, error: `no register ${reg}` };
    const v = this.parseValue(valueText);
    if (v === undefined) return { ok: false, error: `'${valueText}' is not a number` };
    this.writeCfg(r.bi, r.wslot, f, def.offset, def.size, v >>> 0);
    return { ok: true, text: `${target}.${reg} = ${this.num(this.raw(f, def.offset, def.size), def.size * 2)}`, changed: true };
  }

  private command(src: string): { ok: true; text: string; changed?: boolean } | { ok: false; error: string } | undefined {
    const [word, ...rest] = src.split(/\s+/);
    switch (word) {
      case 'help':
        return {
          ok: true,
          text: [
            'vPCI Lab debug console',
            '  <expression>            e.g. nic0.COMMAND.MEMORY, nic0.BAR0 & ~0xf, msix(nic0)[2].data, cfg32(nic0, 0x10)',
            '  nic0.COMMAND = 0x6      write a register (through its RO/RW/RW1C masks)',
            '  lspci [bus[/slot]] [-x] decode a function like lspci -vvv (-x: hex dump)',
            '  cfg <bus[/slot]> [off] [len]   hex dump of config space',
            '  cfg <bus> <off> = <val> [width]   write config space through the register masks',
            '  msix <bus[/slot]>       the MSI-X table',
            '  eject <bus[/slot]>      the host ejects the function (PCI_EJECT)',
            '  offer <bus> <device>    the host offers a new bus with a catalog device (hot add)',
            '  raise <bus[/slot]> <i>  the device raises MSI-X/MSI vector i',
            '  trace [n]               the last n events of the transcript (default 20)',
          ].join('\n'),
        };
      case 'lspci': {
        const sel = rest.find((x) => !x.startsWith('-'));
        const x = rest.includes('-x');
        return { ok: true, text: this.lspci(sel, undefined, !x, x) };
      }
      case 'cfg': {
        const r = rest[0] ? this.resolveFn(rest[0]) : undefined;
        if (!r) return { ok: false, error: 'usage: cfg <bus[/slot]> [offset] [length]  |  cfg <bus[/slot]> <offset> = <value> [width]' };
        const f = this.fn(r.bi, r.wslot);
        if (!f) return { ok: false, error: 'no function there' };
        const off = rest[1] ? (parseNumber(rest[1]) ?? 0) : 0;
        if (rest[2] === '=') {
          const v = rest[3] !== undefined ? parseNumber(rest[3]) : undefined;
          const width = rest[4] !== undefined ? parseNumber(rest[4]) : off % 4 === 0 ? 4 : off % 2 === 0 ? 2 : 1;
          if (v === undefined || (width !== 1 && width !== 2 && width !== 4) || off < 0 || off + width > 4096) return { ok: false, error: 'usage: cfg <bus[/slot]> <offset> = <value> [1|2|4]' };
          const before = this.raw(f, off, width);
          this.writeCfg(r.bi, r.wslot, f, off, width, v >>> 0);
          const after = this.raw(f, off, width);
          return { ok: true, text: `config ${this.num(off, 3)}/${width}: ${this.num(before, width * 2)} → ${this.num(after, width * 2)}${after !== (v >>> 0) ? ' (masks applied: read-only and write-1-to-clear bits)' : ''}`, changed: true };
        }
        const len = rest[2] ? (parseNumber(rest[2]) ?? 64) : 64;
        return { ok: true, text: hexDump(f.config.bytes, off & 0xfff, Math.min(len, 4096 - (off & 0xfff))) };
      }
      case 'msix': {
        const r = rest[0] ? this.resolveFn(rest[0]) : undefined;
        if (!r) return { ok: false, error: 'usage: msix <bus[/slot]>' };
        const f = this.fn(r.bi, r.wslot);
        const mx = f?.msix();
        if (!f || !mx) return { ok: false, error: 'no MSI-X capability' };
        const lines = [`MSI-X: ${mx.tableSize} entries, ${mx.enabled ? 'enabled' : 'disabled'}${mx.functionMask ? ', function masked' : ''}, table BAR${mx.tableBir}+${this.num(mx.tableOffset)}, PBA BAR${mx.pbaBir}+${this.num(mx.pbaOffset)}`];
        for (let i = 0; i < Math.min(mx.tableSize, 64); i++) {
          const e = msixEntry(f, i)!;
          lines.push(`  [${i}] address ${this.num(e.address)} data ${this.num(e.data)}${e.masked ? ' masked' : ''}`);
        }
        if (mx.tableSize > 64) lines.push(`  … ${mx.tableSize - 64} more (see Variables)`);
        return { ok: true, text: lines.join('\n') };
      }
      case 'eject': {
        const r = rest[0] ? this.resolveFn(rest[0]) : undefined;
        if (!r) return { ok: false, error: 'usage: eject <bus[/slot]>' };
        this.m.buses[r.bi]!.eject(r.wslot);
        return { ok: true, text: `host: PCI_EJECT queued for ${rest[0]}; continue to watch the guest handle it`, changed: true };
      }
      case 'offer': {
        // offer <bus-name> <catalog-id>: the host offers a new vPCI channel now (hot add).
        const [name, id] = rest;
        if (!name || !id) return { ok: false, error: 'usage: offer <bus-name> <catalog-device>   (see: vpci-lab devices)' };
        if (this.m.buses.some((b) => b.decl.name === name && !b.state.gone)) return { ok: false, error: `bus ${name} exists already` };
        let rt;
        const n = this.m.buses.length;
        try {
          rt = this.m.addBus({ name, instance: offerGuid(name, n), functions: [{ wslot: 0, source: { kind: 'catalog', id }, serial: n + 1 }], offerAt: this.m.now });
        } catch (e) {
          // The bus runtime is built before it is added: a failure leaves the machine as it was.
          this.m.buses.length = n;
          this.m.state.buses.length = n;
          return { ok: false, error: `${e instanceof Error ? e.message : String(e)} (see: vpci-lab devices)` };
        }
        rt.startGuest();
        return { ok: true, text: `host: offered ${name} (${this.title(rt.index, 0)}), instance ${rt.decl.instance}; continue to watch the guest attach it`, changed: true };
      }
      case 'raise': {
        const r = rest[0] ? this.resolveFn(rest[0]) : undefined;
        const v = rest[1] !== undefined ? parseNumber(rest[1]) : undefined;
        if (!r || v === undefined) return { ok: false, error: 'usage: raise <bus[/slot]> <vector>' };
        const t0 = this.m.trace.length;
        this.m.buses[r.bi]!.raise(r.wslot, v);
        return { ok: true, text: this.transcript(t0, this.m.trace.length - t0).join('\n') || 'raised', changed: true };
      }
      case 'trace': {
        const n = rest[0] ? (parseNumber(rest[0]) ?? 20) : 20;
        return { ok: true, text: this.transcript(Math.max(0, this.m.trace.length - n), n).join('\n') || '(no events yet)' };
      }
    }
    return undefined;
  }

  completions(text: string, column: number, locals?: Record<string, unknown>): { label: string; type?: 'function' | 'variable' | 'property' | 'keyword' | 'module' }[] {
    const upto = text.slice(0, Math.max(0, column));
    const dot = /([A-Za-z_][\w-]*(?:\/[0-9a-fA-F.]+)?)\.([A-Za-z_]*)$/.exec(upto);
    if (dot) {
      const r = this.resolveFn(dot[1]!);
      if (r) return REGISTERS.map((x) => ({ label: x.name, type: 'property' as const })).concat([{ label: 'msix', type: 'property' }, { label: 'bars', type: 'property' }, { label: 'version', type: 'property' }, { label: 'state', type: 'property' }]);
      const reg = /([A-Za-z_][\w-]*)\.([A-Z_0-9]+)\.([A-Za-z_]*)$/.exec(upto);
      if (reg) {
        const def = findRegister(reg[2]!);
        if (def) return def.fields.map((f) => ({ label: f.name, type: 'property' as const }));
      }
      return [];
    }
    const out: { label: string; type?: 'function' | 'variable' | 'property' | 'keyword' | 'module' }[] = [];
    for (const b of this.m.buses) out.push({ label: b.decl.name, type: 'module' });
    for (const k of Object.keys(locals ?? {})) out.push({ label: k, type: 'variable' });
    for (const f of ['cfg8', 'cfg16', 'cfg32', 'msix']) out.push({ label: f, type: 'function' });
    for (const k of ['lspci', 'cfg', 'msix', 'trace', 'eject', 'offer', 'raise', 'help', 'msg', 'now', 'steps']) out.push({ label: k, type: 'keyword' });
    return out;
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
    const t = this.m.trace;
    const lines: string[] = [];
    for (let i = Math.max(0, ev - 5); i <= ev && i < t.length; i++) {
      const d = describeEvent(this.m, t.get(i));
      if (d) lines.push(d);
    }
    return lines.join('\n');
  }

  /**
   * What a host thread last did: the packet it handled (found through the reply's transaction id)
   * and the reply it sent, decoded — the host "frame" the debugger shows after stepping into a send.
   */
  lastHostWork(hostThread: number, lastStepOf: (tid: number) => number, history?: { traceFrom: Int32Array; traceTo: Int32Array }): { title: string; locals: Record<string, unknown> } | undefined {
    const p = lastStepOf(hostThread);
    if (p < 0 || !this.hist) return undefined;
    const h = history ?? this.hist;
    const t = this.m.trace;
    let reply = -1;
    for (let i = h.traceFrom[p]!; i < h.traceTo[p]!; i++) if (t.kind[i] === Ev.PacketToGuest) reply = i;
    if (reply < 0) return undefined;
    const pkt = t.get(reply).blob as Uint8Array;
    const type = t.a[reply]!;
    const completion = pkt[0] === 11;
    let req = -1;
    if (completion) for (let i = reply - 1; i >= 0; i--) if (t.kind[i] === Ev.PacketToHost && t.bus[i] === t.bus[reply] && t.b[i] === t.b[reply]) { req = i; break; }
    const decode = (ev: number) => {
      const b = t.get(ev).blob as Uint8Array;
      const off = ((b[2]! | (b[3]! << 8)) * 8) || 16;
      const c = b[0] === 11 ? t.a[ev] : undefined;
      const d = describePayload(b.subarray(Math.min(off, b.length)), c !== undefined ? { completionOf: c } : {});
      const o: Record<string, unknown> = { message: d.name };
      for (const f of d.fields) o[f.name] = f.text;
      o.bytes = b;
      return o;
    };
    const name = messageName(type) ?? `0x${type.toString(16)}`;
    const locals: Record<string, unknown> = {};
    if (req >= 0) locals.request = decode(req);
    locals.reply = decode(reply);
    const status = completion && pkt.length >= 20 ? statusText((pkt[16]! | (pkt[17]! << 8) | (pkt[18]! << 16) | (pkt[19]! << 24)) >>> 0) : undefined;
    return { title: completion ? `handle ${name} → ${status ?? 'completion'}` : `send ${name}`, locals };
  }

  /** A readable page of what the host did: the request it handled and the reply, field by field, with bytes. */
  hostWorkText(w: { title: string; locals: Record<string, unknown> }, bus: string, profile: string): string {
    const lines = [`Host VSP of ${bus} (${profile}): ${w.title}`, ''];
    for (const [what, v] of Object.entries(w.locals)) {
      const o = v as Record<string, unknown>;
      lines.push(what === 'request' ? 'Request (guest → host):' : 'Reply (host → guest):');
      for (const [k, x] of Object.entries(o)) {
        if (k === 'bytes') continue;
        lines.push(`  ${k.padEnd(24)} ${String(x)}`);
      }
      const b = o.bytes as Uint8Array | undefined;
      if (b) for (let i = 0; i < b.length; i += 16) lines.push(`  ${i.toString(16).padStart(4, '0')}: ${Array.from(b.subarray(i, i + 16), (x) => x.toString(16).padStart(2, '0')).join(' ')}`);
      lines.push('');
    }
    return lines.join('\n');
  }

  /** The session's history (typed step log), set by the session so host frames can be found. */
  hist?: { traceFrom: Int32Array; traceTo: Int32Array };

  // ---- custom requests ------------------------------------------------------------------------

  topology(): unknown {
    return {
      buses: this.m.buses.map((b) => ({
        name: b.decl.name,
        index: b.index,
        instance: b.decl.instance,
        state: this.m.model.busStatus(b.state.sc),
        channel: b.channel.state,
        version: this.m.model.protocolVersion(b.state.sc) ? versionText(this.m.model.protocolVersion(b.state.sc)) : null,
        functions: [...b.functions].map(([wslot, f]) => {
          const id = functionIds(f);
          const mx = f.msix();
          const entries = this.m.remapper.entriesFor(b.index, wslot);
          return {
            wslot,
            slot: wslotText(wslot),
            title: this.title(b.index, wslot),
            vendorId: id.vendorId,
            deviceId: id.deviceId,
            vanished: !!b.host.isVanished?.(wslot),
            memoryReference: this.cfgRef(b.decl.name, wslot),
            bars: f.bars().map((x) => ({ index: x.index, kind: x.kind, size: x.size, address: x.address, decoding: x.decoding, prefetchable: x.prefetchable })),
            interrupts: mx
              ? Array.from({ length: Math.min(mx.tableSize, 64) }, (_, i) => {
                  const e = msixEntry(f, i)!;
                  const hit = entries.find((x) => x.address === e.address && x.data === e.data);
                  return { index: i, address: e.address, data: e.data, masked: e.masked, ...(hit ? { cpu: hit.cpus[0], vector: hit.vector } : {}) };
                }).filter((x) => x.address !== 0 || x.data !== 0)
              : [],
          };
        }),
      })),
    };
  }

  messages(from: number, count: number, stepOf: (ev: number) => number): unknown {
    const t = this.m.trace;
    const all: number[] = [];
    // Config-window traffic between a bus's packets, summarised onto the packet that follows it.
    const cfgBefore = new Map<number, { count: number; reads: number; writes: number; slots: string }>();
    const run = new Map<number, { count: number; reads: number; writes: number; slots: Set<number> }>();
    for (let i = 0; i < t.length; i++) {
      const k = t.kind[i];
      const bus = t.bus[i]!;
      if (k === Ev.CfgRead || k === Ev.CfgWrite) {
        let r = run.get(bus);
        if (!r) run.set(bus, (r = { count: 0, reads: 0, writes: 0, slots: new Set() }));
        r.count++;
        if (k === Ev.CfgRead) r.reads++;
        else r.writes++;
        r.slots.add(t.a[i]!);
      } else if (k === Ev.PacketToHost || k === Ev.PacketToGuest) {
        all.push(i);
        const r = run.get(bus);
        if (r && r.count) {
          cfgBefore.set(i, { count: r.count, reads: r.reads, writes: r.writes, slots: [...r.slots].map((w) => wslotText(w)).join(', ') });
          run.delete(bus);
        }
      }
    }
    const items = all.slice(Math.max(0, from), Math.max(0, from) + Math.max(0, Math.min(count, 5000))).map((i, k) => {
      const pkt = t.get(i).blob as Uint8Array;
      const toHost = t.kind[i] === Ev.PacketToHost;
      const completion = pkt[0] === 11;
      const type = t.a[i]!;
      const status = completion && pkt.length >= 20 ? (pkt[16]! | (pkt[17]! << 8) | (pkt[18]! << 16) | (pkt[19]! << 24)) >>> 0 : undefined;
      return {
        index: i,
        seq: Math.max(0, from) + k,
        time: t.time[i],
        bus: this.m.buses[t.bus[i]!]?.decl.name ?? String(t.bus[i]),
        dir: toHost ? 'toHost' : 'toGuest',
        name: `${messageName(type) ?? `0x${type.toString(16)}`}${completion ? ' (completion)' : ''}`,
        ...(status !== undefined ? { status: statusText(status) } : {}),
        txid: t.b[i],
        length: pkt.length,
        summary: summarizePacket(pkt, toHost ? 'toHost' : 'toGuest', completion ? type : undefined),
        step: stepOf(i),
        ...(cfgBefore.has(i) ? { cfgBefore: cfgBefore.get(i) } : {}),
      };
    });
    return { total: all.length, items };
  }

  messageDetail(index: number): unknown {
    const t = this.m.trace;
    if (!(index >= 0 && index < t.length)) return undefined;
    const k = t.kind[index];
    if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) return undefined;
    const pkt = t.get(index).blob as Uint8Array;
    const completionOf = pkt[0] === 11 ? t.a[index] : undefined;
    const off = ((pkt[2]! | (pkt[3]! << 8)) * 8) || 16;
    const d = describePayload(pkt.subarray(Math.min(off, pkt.length)), completionOf !== undefined ? { completionOf } : {});
    return {
      index,
      time: t.time[index],
      dir: k === Ev.PacketToHost ? 'toHost' : 'toGuest',
      name: d.name,
      bytes: Array.from(pkt, (x) => x.toString(16).padStart(2, '0')).join(''),
      descriptorLength: off,
      fields: d.fields,
      ...(d.error ? { error: d.error } : {}),
      memoryReference: `pkt/${index}`,
    };
  }

  lspci(sel?: string, wslot?: number, verbose = true, hexDumpToo = false): string {
    const out: string[] = [];
    for (const b of this.m.buses) {
      if (sel && b.decl.name !== sel.split('/')[0]) continue;
      const want = sel?.includes('/') ? this.resolveFn(sel)?.wslot : wslot;
      for (const [w, f] of b.functions) {
        if (want !== undefined && w !== want) continue;
        // The PCI domain Hyper-V gives a vPCI bus: bytes 4–5 of the instance GUID (spec §3).
        const domain = b.decl.instance.slice(9, 13);
        const { device, fn } = { device: w & 0x1f, fn: (w >> 5) & 7 };
        const address = `${domain}:00:${device.toString(16).padStart(2, '0')}.${fn}`;
        if (verbose) out.push(decodeLspci(f.config.bytes, { address, ...(this.ids ? { ids: this.ids } : {}), bars: f.bars().map((x) => ({ index: x.index === 6 ? 'rom' : x.index, size: x.size })) } as never));
        else out.push(`${address} ${this.title(b.index, w)}`);
        if (hexDumpToo) out.push(hexDump(f.config.bytes, 0, 256));
      }
    }
    return out.join('\n') || 'no functions';
  }

  transcript(from: number, count: number): string[] {
    const t = this.m.trace;
    const out: string[] = [];
    for (let i = Math.max(0, from); i < Math.min(t.length, from + count); i++) {
      const d = describeEvent(this.m, t.get(i));
      if (d) out.push(d);
    }
    return out;
  }
}

function capName(v: CapabilityView): string {
  return v.kind === 'other' ? v.name : (CAP_NAMES[v.kind] ?? v.kind);
}

function capSummary(v: CapabilityView): string {
  switch (v.kind) {
    case 'msix':
      return `${v.tableSize} vectors, table BAR${v.tableBir}+0x${v.tableOffset.toString(16)}, PBA BAR${v.pbaBir}+0x${v.pbaOffset.toString(16)}${v.enabled ? ', enabled' : ''}${v.functionMask ? ', masked' : ''}`;
    case 'msi':
      return `${v.vectorsCapable} vector(s)${v.is64Bit ? ', 64-bit' : ''}${v.perVectorMasking ? ', per-vector masking' : ''}${v.enabled ? `, enabled (${v.vectorsEnabled})` : ''}`;
    case 'pcie':
      return `v${v.version}, MaxPayload ${v.maxPayload}, link x${v.linkWidth}`;
    case 'pm':
      return `version ${v.version}, D${v.powerState}`;
    case 'dsn':
      return v.serial;
    case 'sriov':
      return `${v.totalVFs} VFs, VF device ${v.vfDeviceId.toString(16)}`;
    case 'vpd':
      return 'present (not readable through vPCI)';
    default:
      return '';
  }
}

function fmtSize(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let u = 0;
  let x = n;
  while (x >= 1024 && x % 1024 === 0 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${x}${units[u]}`;
}

function hexDump(b: Uint8Array, off: number, len: number): string {
  const lines: string[] = [];
  for (let o = off & ~15; o < off + len; o += 16) {
    lines.push(`${o.toString(16).padStart(3, '0')}: ${Array.from(b.subarray(o, o + 16), (x) => x.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return lines.join('\n');
}

/** A stable instance GUID for a bus offered from the console (derived from its name and index). */
function offerGuid(name: string, index: number): string {
  let h = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${index}:${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const x = hex.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-8${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

function t0(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(3)} ms` : `${(ns / 1e3).toFixed(1)} us`;
}

function camel(s: string): string {
  return s.replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
}

function toValue(v: unknown): Value {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(toValue);
  if (v && typeof v === 'object') {
    const o: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toValue(x);
    return o;
  }
  return v as Value;
}

function stripInternal(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== '__bus') o[k] = x;
    return o;
  }
  return v;
}
