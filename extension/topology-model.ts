// The vPCI Topology tree's rows, computed from a `vpci/topology` answer with
// no VS Code API so they can be checked in plain node tests; and the
// function a command was invoked on (a tree row or a Variables entry).
import { hex, sizeText, type TopologyBus, type TopologyFunction, type TopologyResponse } from './protocol';

export type TopologyNode =
  | { kind: 'bus'; bus: TopologyBus }
  | { kind: 'function'; bus: TopologyBus; fn: TopologyFunction }
  | { kind: 'group'; bus: TopologyBus; fn: TopologyFunction; group: 'bars' | 'interrupts' }
  | { kind: 'leaf'; label: string; description: string; tooltip: string; icon: string };

/** Tree rows from a topology answer; pure, so the shapes are easy to check. */
export function childrenOf(t: TopologyResponse | undefined, node?: TopologyNode): TopologyNode[] {
  if (!t) return [];
  if (!node) return t.buses.map((bus) => ({ kind: 'bus', bus }));
  switch (node.kind) {
    case 'bus':
      return node.bus.functions.map((fn) => ({ kind: 'function', bus: node.bus, fn }));
    case 'function':
      return [
        { kind: 'group', bus: node.bus, fn: node.fn, group: 'bars' },
        { kind: 'group', bus: node.bus, fn: node.fn, group: 'interrupts' },
      ];
    case 'group':
      if (node.group === 'bars')
        return node.fn.bars.map((b) => ({
          kind: 'leaf',
          label: `BAR${b.index}`,
          description: `${b.kind} ${sizeText(b.size)} @ ${hex(b.address)}${b.decoding ? '' : ' (not decoding)'}`,
          tooltip: `BAR${b.index}: ${b.kind}, ${b.size} bytes at ${hex(b.address)}, decoding ${b.decoding ? 'on' : 'off'}`,
          icon: b.decoding ? 'symbol-field' : 'circle-slash',
        }));
      return node.fn.interrupts.map((i) => ({
        kind: 'leaf',
        label: `vector ${i.index}`,
        description: `addr ${hex(i.address)} data ${hex(i.data)}${i.masked ? ' masked' : ''}${i.cpu !== undefined ? ` cpu ${i.cpu}` : ''}${i.vector !== undefined ? ` vec ${i.vector}` : ''}`,
        tooltip: `MSI/MSI-X entry ${i.index}: address ${hex(i.address)}, data ${hex(i.data)}, ${i.masked ? 'masked' : 'unmasked'}`,
        icon: i.masked ? 'bell-slash' : 'bell',
      }));
    case 'leaf':
      return [];
  }
}

/** The bus/wslot a command was invoked on: a tree row or a Variables entry. */
export function functionTarget(arg: unknown): { bus: string; wslot: number } | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as Record<string, unknown>;
  if (a.kind === 'function') {
    const n = arg as { bus: TopologyBus; fn: TopologyFunction };
    return { bus: n.bus.name, wslot: n.fn.wslot };
  }
  // Variables context menu: { container, variable: DebugProtocol.Variable }. The adapter
  // names a function variable's evaluateName `<bus>.<wslot>` (e.g. `nic0.0x00000000`) or
  // `bus["nic0"].fn[0]`; accept either.
  const v = a.variable as { evaluateName?: string; name?: string } | undefined;
  const text = v?.evaluateName ?? v?.name ?? '';
  const m = /^([A-Za-z_][\w-]*)\.(0x[0-9a-f]+|\d+)$/i.exec(text) ?? /bus\["([^"]+)"\]\.fn\[(0x[0-9a-f]+|\d+)\]/i.exec(text);
  if (m) return { bus: m[1]!, wslot: Number(m[2]) };
  return undefined;
}
