// The vPCI Topology tree's rows, computed from a `vpci/topology` answer with
// no VS Code API so they can be checked in plain node tests; and the
// function a command was invoked on (a tree row or a Variables entry).
import { type TopologyBus, type TopologyFunction, type TopologyResponse } from '../adapter/protocol';
import { hex } from '../emulator/format';
import { barText } from '../emulator/pci/bars';
import { parseSlotName } from '../emulator/vpci/protocol';

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
        return node.fn.bars.map((b) => {
          const label = b.index === 6 ? 'ROM' : `BAR${b.index}`;
          return {
            kind: 'leaf',
            label,
            // As lspci names it, and as Variables does: "Memory at fe000000 (64-bit, prefetchable) [size=16K]".
            description: barText(b),
            tooltip: `${label}: ${barText(b)}, ${b.size} bytes`,
            icon: b.decoding ? 'symbol-field' : 'circle-slash',
          };
        });
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
  // Variables context menu: { container, variable: DebugProtocol.Variable }. The adapter's
  // evaluateNames start with the function: `nic0.BAR0` (wslot 0) or `nic0/01.2.BAR0`
  // (device 1, function 2, as emulator/vpci/protocol.ts slotName prints it), or name it as a
  // function's argument: `msix(nic0)[3]`, `msix("nic0/01.2")` (the MSI-X table's rows).
  // A row without an evaluateName (a group such as Identity or MSI-X PBA, a config-space line) is
  // placed by its memory reference (cfg/nic0/0, bar/nic0/0/3), or by its container's: a row, or
  // the scope "Device nic0/00.0: …". Rows under a group (Identity's) are the adapter's to place (rowReference).
  type Row = { evaluateName?: string; memoryReference?: string; name?: string } | undefined;
  for (const v of [a.variable as Row, a.container as Row]) {
    const m = /^(?:[A-Za-z_]\w*\(\s*"?|Device )?([A-Za-z_][\w-]*)(?:\/([0-9a-f]{2})\.([0-7]))?(?:\.|:|$|"?\s*[),\]])/i.exec(v?.evaluateName ?? v?.name ?? '');
    const wslot = m?.[2] ? parseSlotName(`${m[2]}.${m[3]!}`) : 0;
    if (m && wslot !== undefined && (v?.evaluateName || v?.name?.startsWith('Device '))) return { bus: m[1]!, wslot };
    const r = /^(?:cfg|bar)\/([\w-]+)\/(\d+)/.exec(v?.memoryReference ?? '');
    if (r) return { bus: r[1]!, wslot: Number(r[2]) };
  }
  return undefined;
}

/** The reference to ask vpci/functionOf about for a Variables context-menu row: its container's, else its own. */
export function rowReference(arg: unknown): number | undefined {
  const a = (arg ?? {}) as { container?: { variablesReference?: unknown }; variable?: { variablesReference?: unknown } };
  const ref = [a.container?.variablesReference, a.variable?.variablesReference].find((r) => typeof r === 'number' && r > 0);
  return ref as number | undefined;
}
