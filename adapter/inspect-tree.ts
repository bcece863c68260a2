// The Variables tree: buses (guest and host state, softc), devices (identity, the header's
// registers, BARs, capabilities, the MSI-X table and PBA, the config space by rows), the host's
// interrupt remapping, VMBus rings and packets, the scenario. Rows are built lazily (vars.ts).
import type { PciFunction } from '../emulator/pci/function';
import { CLASS_CODE, DEVICE_ID, REGISTERS, SUBSYSTEM_VENDOR_ID, VENDOR_ID } from '../emulator/pci/registers';
import { Ev } from '../emulator/vpci/events';
import { messageName, versionText, slotName, wslotText } from '../emulator/vpci/protocol';
import { describePayload, summarizePacket } from '../emulator/vpci/describe';
import { functionIds, msixEntry } from '../emulator/machine/device-view';
import { dataId } from './breakpoints';
import { MSIX_DWORDS, describeTarget, msixDword } from './inspect-data';
import { valueNode, type VarNode } from './vars';
import { fmtSize } from './fmt';
import { counted, formatTime } from '../emulator/format';
import { quirkInEffect, quirksFor } from '../emulator/vpci/guest/quirks';
import type { GuestModelName } from '../emulator/vpci/guest/models';
import { fnPrefix, type InspectContext } from './inspect-context';
import { DEVICE_MENU, barsNode, capsNode, registerNode } from './inspect-registers';

/** A bus's functions as its row lists them: those on the bus, then those the host took off it. */
function functionsText(b: InspectContext['m']['buses'][number]): string {
  const slots = [...b.functions.keys()];
  const on = slots.filter((w) => b.onBus(w));
  const gone = slots.filter((w) => !b.onBus(w)).map((w) => `${slotName(w)} gone (unplugged or ejected)`);
  return [on.map((w) => slotName(w)).join(', ') || 'none', ...gone].join('; ');
}

export function busNode(ctx: InspectContext, bi: number): VarNode {
  const b = ctx.m.buses[bi]!;
  const m = ctx.m;
  const model = m.model;
  return {
    name: b.decl.name,
    value: '',
    children: () => {
      const v = model.protocolVersion(b.state.sc);
      const hs = b.host.status;
      const out: VarNode[] = [
        { name: 'instance', value: b.decl.instance, type: 'GUID' },
        { name: 'guest state', value: model.busStatus(b.state.sc) },
        // A watch on nic0.version shows this row (console.ts summaryRow).
        { name: 'protocol version', value: v ? `${versionText(v)} (${ctx.num(v)})` : 'not negotiated', evaluateName: `${b.decl.name}.version` },
        { name: 'channel', value: b.channel.state },
        { name: 'host state', value: hs.state },
        {
          name: 'config window',
          value:
            hs.windowBase !== undefined
              ? `${ctx.num(hs.windowBase)} .. ${ctx.num(hs.windowBase + 0x1fff)} (slot register at +0, config page at +0x1000)`
              : 'not mapped (before D0 entry or after D0 exit)',
        },
        { name: 'functions', value: functionsText(b) },
        valueNode('softc', b.state.sc, ctx.hex, `${b.decl.name}.sc`),
      ];
      out[out.length - 1]!.lazy = true;
      out.push({
        name: 'VMBus MMIO ranges',
        value: m.config.mmio.map((r) => `${r.name} ${ctx.num(r.base)}+${fmtSize(r.size)}`).join(', '),
        children: () => m.config.mmio.map((r) => ({ name: r.name, value: `${ctx.num(r.base)} .. ${ctx.num(r.base + r.size - 1)} (${fmtSize(r.size)})` })),
      });
      out.push({
        name: 'MMIO allocations',
        value: `${m.state.mmio.used.length}`,
        children: () => m.state.mmio.used.map((a) => ({ name: a.owner, value: `${ctx.num(a.base)} size ${ctx.num(a.size)}` })),
      });
      return out;
    },
  };
}

export function deviceNode(ctx: InspectContext, bi: number, wslot: number): VarNode {
  const b = ctx.m.buses[bi]!;
  const bus = b.decl.name;
  const prefix = fnPrefix(bus, wslot);
  return {
    name: prefix,
    value: ctx.title(bi, wslot),
    evaluateName: prefix,
    menu: DEVICE_MENU,
    fn: { bus, wslot },
    children: () => {
      const f = ctx.fn(bi, wslot);
      if (!f) return [{ name: 'state', value: 'no function' }];
      const out: VarNode[] = [];
      if (b.host.isVanished(wslot)) out.push({ name: 'state', value: 'vanished (surprise removal): reads return all-ones', menu: DEVICE_MENU });
      // The group rows (Identity, Header, MSI-X PBA, Config space) have no evaluateName: no
      // expression reads what they show (`nic0` is the whole function). The context menu finds
      // their function by the container (extension/topology-model.ts functionTarget), and their
      // rows' by asking vpci/functionOf (this node's `fn`).
      out.push(identityNode(ctx, bi, wslot, f));
      out.push({
        name: 'Header',
        value: 'type 0 configuration header (pci_regs.h names)',
        menu: DEVICE_MENU,
        children: () => REGISTERS.map((r) => registerNode(ctx, bi, wslot, f, r, `${prefix}.${r.name}`)),
      });
      out.push(barsNode(ctx, bi, wslot, f));
      out.push(capsNode(ctx, bi, wslot, f));
      if (f.msix()) out.push(msixTableNode(ctx, bi, wslot, f), pbaNode(ctx, f));
      out.push({
        name: 'Config space',
        value: '4096 bytes (open in the hex editor)',
        memoryReference: ctx.cfgRef(bus, wslot),
        menu: DEVICE_MENU,
        kind: 'data',
        indexed: 256,
        page: (s, c) => cfgRows(ctx, bus, wslot, f, s, c),
      });
      return out;
    },
  };
}

function identityNode(ctx: InspectContext, bi: number, wslot: number, f: PciFunction): VarNode {
  const id = functionIds(f);
  const ids = ctx.ids;
  const vendor = ids?.vendorName(id.vendorId);
  const dev = ids?.deviceName(id.vendorId, id.deviceId);
  const sub = ids?.subsystemName(id.vendorId, id.deviceId, id.subsystemVendorId, id.subsystemId);
  const cls = ids?.className(id.classCode >>> 16, (id.classCode >>> 8) & 0xff);
  const prefix = fnPrefix(ctx.m.buses[bi]!.decl.name, wslot);
  const bus = ctx.m.buses[bi]!.decl.name;
  const row = (name: string, value: string, reg?: string, at?: [offset: number, width: number]): VarNode => {
    const t = at ? { kind: 'cfg' as const, bus, wslot, offset: at[0], width: at[1] } : undefined;
    return {
      name,
      value,
      menu: DEVICE_MENU,
      ...(reg ? { evaluateName: `${prefix}.${reg}` } : {}),
      // "Break on Value Change" on a row with no evaluateName watches the bytes it shows (as a watch of
      // nic0:0x00 would, one description): it said "'vendor' is not a config-space register".
      ...(t ? { dataId: dataId(t), dataDescription: describeTarget(ctx, t) } : {}),
    };
  };
  return {
    name: 'Identity',
    value: ctx.title(bi, wslot),
    menu: DEVICE_MENU,
    children: () => [
      // No evaluateName: nic0.VENDOR_ID reads 0x8086, not the name after it (the Header's row has it).
      row('vendor', `${ctx.num(id.vendorId, 4)}${vendor ? ` ${vendor}` : ''}`, undefined, [VENDOR_ID, 2]),
      row('device', `${ctx.num(id.deviceId, 4)}${dev ? ` ${dev}` : ''}`, undefined, [DEVICE_ID, 2]),
      // Subsystem vendor and id together (0x2c..0x2f), the class code's three bytes (0x09..0x0b): as functionIds reads them.
      row('subsystem', `${ctx.num(id.subsystemVendorId, 4)}:${ctx.num(id.subsystemId, 4)}${sub ? ` ${sub}` : ''}`, undefined, [SUBSYSTEM_VENDOR_ID, 4]),
      row('class', `${ctx.num(id.classCode, 6)}${cls ? ` ${cls}` : ''}`, undefined, [CLASS_CODE, 3]),
      row('revision', ctx.num(id.revision, 2), 'REVISION_ID'),
      row('slot', `${slotName(wslot)} (${slotName(wslot) === wslotText(wslot) ? '' : `lspci ${wslotText(wslot)}, `}win_slot ${ctx.num(wslot)})`),
      row('driver', ctx.m.driverNameFor(id.vendorId, id.deviceId)),
    ],
  };
}

/** pci_regs.h names of an MSI-X table entry's dwords (PCI_MSIX_ENTRY_*). */
export function msixTableNode(ctx: InspectContext, bi: number, wslot: number, f: PciFunction): VarNode {
  const bus = ctx.m.buses[bi]!.decl.name;
  const prefix = fnPrefix(bus, wslot);
  const mx = f.msix()!;
  const size = mx.tableSize;
  const fn = prefix === bus ? bus : `"${prefix}"`;
  return {
    name: 'MSI-X table',
    value: `${size} entries${mx.enabled ? ', enabled' : ', disabled'}${mx.functionMask ? ', function masked' : ''}`,
    evaluateName: `msix(${fn})`,
    menu: DEVICE_MENU,
    kind: 'data',
    indexed: size,
    page: (s, c) => {
      const out: VarNode[] = [];
      for (let i = s; i < s + c; i++) {
        const e = msixEntry(f, i);
        if (!e) break;
        const pending = mx.pending(i);
        const watch = dataId({ kind: 'msix', bus, wslot, offset: i, width: 16 });
        // A dword's row watches that dword alone (Break on Value Change on DATA stopped at the address's write too).
        const dword = (at: number) => {
          const t = { kind: 'msix', bus, wslot, offset: i, width: 4, at } as const;
          return { dataId: dataId(t), dataDescription: describeTarget(ctx, t) };
        };
        out.push({
          name: `[${i}]`,
          value: `address ${ctx.num(e.address)} data ${ctx.num(e.data)}${e.masked ? ' masked' : ''}${pending ? ' pending' : ''}`,
          evaluateName: `msix(${fn})[${i}]`,
          dataId: watch,
          dataDescription: `${prefix} MSI-X entry ${i}`,
          menu: DEVICE_MENU,
          // Each field with the expression that reads it (Add to Watch, Copy as Expression), from the entry's address, data and mask.
          children: () =>
            [
              ...['address & 0xffffffff', 'address >> 32', 'data', 'masked ? 1 : 0'].map((read, k) => ({
                name: MSIX_DWORDS[k]!,
                value: `${ctx.num(msixDword(e, 4 * k), 8)}${k === 3 && e.masked ? ' (MASKBIT)' : ''}`,
                type: `u32 @ +0x${(4 * k).toString(16)}`,
                evaluateName: `msix(${fn})[${i}].${read}`,
                ...dword(4 * k),
              })),
              { name: 'PENDING', value: pending ? '1' : '0', type: `PBA bit ${i}` },
            ].map((n) => ({ ...n, menu: DEVICE_MENU })),
        });
      }
      return out;
    },
  };
}

function pbaNode(ctx: InspectContext, f: PciFunction): VarNode {
  const mx = f.msix()!;
  const n = mx.tableSize;
  return {
    name: 'MSI-X PBA',
    value: counted(n, 'bit'),
    menu: DEVICE_MENU,
    kind: 'data',
    indexed: Math.ceil(n / 64),
    page: (s, c) => {
      const out: VarNode[] = [];
      for (let q = s; q < s + c; q++) {
        let bits = '';
        for (let i = Math.min(n, (q + 1) * 64) - 1; i >= q * 64; i--) bits += mx.pending(i) ? '1' : '0';
        out.push({ name: `[${q}]`, value: `0b${bits || '0'}`, menu: DEVICE_MENU });
      }
      return out;
    },
  };
}

function cfgRows(ctx: InspectContext, bus: string, wslot: number, f: PciFunction, s: number, c: number): VarNode[] {
  const out: VarNode[] = [];
  const b = f.config.peek();
  for (let row = s; row < Math.min(256, s + c); row++) {
    const o = row * 16;
    // Break on Value Change on a row watches its 16 bytes ('0x010' was "not a config-space register").
    const t = { kind: 'cfg', bus, wslot, offset: o, width: 16 } as const;
    out.push({
      name: ctx.num(o, 3),
      value: Array.from(b.subarray(o, o + 16), (x) => x.toString(16).padStart(2, '0')).join(' '),
      menu: DEVICE_MENU,
      dataId: dataId(t),
      dataDescription: describeTarget(ctx, t),
    });
  }
  return out;
}

export function interruptsNode(ctx: InspectContext): VarNode {
  const m = ctx.m;
  return {
    name: 'Interrupts',
    value: '',
    children: () => {
      const out: VarNode[] = [];
      for (const b of m.buses) {
        for (const [w] of b.functions) {
          const entries = m.remapper.entriesFor(b.index, w);
          out.push({
            name: `${b.decl.name}/${slotName(w)} host remapping`,
            value: `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`,
            children: () =>
              entries.map((e, i) => ({
                name: `[${i}]`,
                value: `address ${ctx.num(e.address)} data ${ctx.num(e.data)} → vector ${ctx.num(e.vector)} ${e.cpus.length === 1 ? 'cpu' : 'cpus'} ${e.cpus.join(',')} mode ${e.deliveryMode}`,
              })),
          });
        }
      }
      const irqs = m.state.irqs.table;
      out.push({
        name: 'guest IRQs',
        value: `${irqs.length} allocated`,
        children: () => irqs.map((q) => ({ name: `irq ${q.irq}`, value: `${q.kind} cpu ${q.cpu} vector ${ctx.num(q.vector)}` })),
      });
      // The views' index of the trace (views.ts packetIndex): read from the trace and brought up to
      // date with it, where listing them from the whole trace at every stop (m.delivered) took a
      // copy of each and a walk that grew with the run.
      const d = ctx.deliveredEvents();
      const t = m.trace;
      out.push({
        name: 'delivered',
        // Since the trace's oldest events were dropped (with the oldest step-back history), those it holds.
        value: t.base ? `${d.length} since ${formatTime(t.timeAt(t.base))} (older ones were dropped with the oldest step-back history)` : `${d.length}`,
        indexed: d.length,
        page: (s, c) =>
          d.slice(s, s + c).map((ev, i) => ({
            name: `[${s + i}]`,
            value: `${m.buses[t.busAt(ev)]?.decl.name}/${slotName(t.aAt(ev))} vector ${(t.blobAt(ev) as { index: number }).index} → cpu ${t.cAt(ev)} IDT ${ctx.num(t.bAt(ev))} at ${formatTime(t.timeAt(ev))}`,
          })),
      });
      return out;
    },
  };
}

export function vmbusNode(ctx: InspectContext): VarNode {
  return {
    name: 'VMBus',
    value: '',
    children: () =>
      ctx.m.buses.map((b) => ({
        name: b.decl.name,
        value: `channel ${b.channel.state}`,
        children: () => {
          const ring = (name: string, r: { capacity: number; used: number; free: number; pendingPackets: number }): VarNode => ({
            name,
            value: `${r.used}/${r.capacity} bytes used, ${counted(r.pendingPackets, 'packet')} pending`,
            children: () => [
              { name: 'capacity', value: `${r.capacity}` },
              { name: 'used', value: `${r.used}` },
              { name: 'free', value: `${r.free}` },
              { name: 'pending packets', value: `${r.pendingPackets}` },
            ],
          });
          const recent = ctx.packetEvents(b.index);
          const pending = ctx.pendingTransactions(b.index);
          return [
            { name: 'instance', value: b.decl.instance },
            ring('guest → host ring', b.channel.guestToHost),
            ring('host → guest ring', b.channel.hostToGuest),
            {
              name: 'pending transactions',
              value: pending.length ? pending.map((p) => `${messageName(p.type) ?? p.type} (txid ${p.txid})`).join(', ') : 'none',
              children: () => pending.map((p, i) => packetNode(ctx, p.event, `[${i}] waiting since ${formatTime(ctx.m.trace.timeAt(p.event))}`)),
            },
            {
              name: 'packets',
              value: `${recent.length} sent so far`,
              indexed: recent.length,
              page: (s: number, c: number) => recent.slice(s, s + c).map((ev, i) => packetNode(ctx, ev, `[${s + i}]`)),
            },
          ];
        },
      })),
  };
}

export function packetNode(ctx: InspectContext, ev: number, name: string): VarNode {
  const t = ctx.m.trace;
  const pkt = t.get(ev).blob as Uint8Array;
  const dir = t.kindAt(ev) === Ev.PacketToHost ? 'toHost' : 'toGuest';
  const completionOf = pkt[0] === 11 ? t.aAt(ev) : undefined;
  const d = describePayload(pkt.subarray(Math.min(pkt.length, (pkt[2]! | (pkt[3]! << 8)) * 8 || 16)), completionOf !== undefined ? { completionOf } : {});
  const fieldNodes = (fs: typeof d.fields): VarNode[] =>
    fs.map((x) => ({
      name: x.name,
      value: x.text,
      type: `+${x.offset}, ${counted(x.size, 'byte')}`,
      ...(x.children?.length ? { children: () => fieldNodes(x.children!) } : {}),
    }));
  return {
    name,
    value: `${formatTime(t.timeAt(ev))} ${dir === 'toHost' ? 'guest → host' : 'host → guest'}: ${summarizePacket(pkt, dir, completionOf)}`,
    memoryReference: `pkt/${ev}`,
    children: () => [...fieldNodes(d.fields), ...(d.error ? [{ name: 'error', value: d.error.message }] : []), valueNode('bytes', pkt, ctx.hex)],
  };
}

/**
 * The guest model's known quirks and whether each is in effect: all are, as in the real driver,
 * unless the scenario (or the launch) switches one off. A bare `{}` said nothing of them.
 */
function quirksNode(model: GuestModelName, switches: Readonly<Record<string, boolean>>): VarNode {
  const qs = quirksFor(model);
  const on = qs.filter((q) => quirkInEffect(q.name, model, switches)).length;
  const switched = qs.filter((q) => switches[q.name] !== undefined).length;
  return {
    name: 'quirks',
    value: !qs.length
      ? `none known in ${model}`
      : `${on} of ${qs.length} on${switched ? `, ${switched} switched by the scenario or launch` : ', as in the real driver'}`,
    children: () =>
      qs.map((q) => ({
        name: q.name,
        value: `${quirkInEffect(q.name, model, switches) ? 'on' : 'off'}${switches[q.name] !== undefined ? ' (switched)' : ''}: ${q.summary}`,
      })),
  };
}

export function scenarioNode(ctx: InspectContext, position: number): VarNode {
  const m = ctx.m;
  return {
    name: 'Scenario',
    value: '',
    children: () => {
      const next = m.config.timeline[m.state.timelineIndex];
      return [
        { name: 'virtual time', value: formatTime(m.now) },
        { name: 'step', value: `${position}` },
        { name: 'trace events', value: `${m.trace.length}` },
        {
          name: 'trace events held',
          value: m.trace.base
            ? `${m.trace.held}: events ${m.trace.base} on, and ${counted(m.trace.retained.length, 'older one')} still read; the rest were dropped with the oldest step-back history`
            : `${m.trace.held}`,
        },
        { name: 'host profile', value: m.config.host },
        { name: 'guest model', value: m.config.guest },
        { name: 'next event', value: next ? `at ${formatTime(next.time)}: ${next.text} (line ${next.loc.line})` : 'none (timeline done)' },
        { name: 'numbers', value: ctx.hex ? 'hexadecimal (Show Decimal in the Variables context menu)' : 'decimal (Show Hex in the Variables context menu)' },
        quirksNode(m.config.guest, m.config.quirks),
      ];
    },
  };
}
