// The "vPCI Topology" tree in Run and Debug: buses → functions → BARs and
// interrupts, read from the active vPCI session with `vpci/topology` and
// refreshed on every stop and trace change. Function rows carry the actions
// lspci, eject and "open config space in the hex editor".
import * as vscode from 'vscode';
import { DEBUG_TYPE, REQ, hex, sizeText, type TopologyBus, type TopologyFunction, type TopologyResponse } from './protocol';

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

export class TopologyProvider implements vscode.TreeDataProvider<TopologyNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TopologyNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private topology: TopologyResponse | undefined;
  private pending: Promise<void> | undefined;

  constructor(private readonly log?: vscode.LogOutputChannel) {}

  /** Re-reads the topology from the active vPCI session (or clears it). */
  refresh(): Promise<void> {
    const s = vscode.debug.activeDebugSession;
    if (!s || s.type !== DEBUG_TYPE) {
      this.log?.debug(`topology: no vpci session (active: ${s?.type ?? 'none'})`);
      this.topology = undefined;
      this.changed.fire(undefined);
      return Promise.resolve();
    }
    this.pending = (async () => {
      try {
        this.topology = (await s.customRequest(REQ.topology)) as TopologyResponse;
        this.log?.debug(`topology: ${this.topology.buses.length} buses`);
      } catch (e) {
        this.log?.warn(`topology: ${e instanceof Error ? e.message : String(e)}`);
        this.topology = undefined;
      }
      this.changed.fire(undefined);
    })();
    return this.pending;
  }

  getChildren(node?: TopologyNode): TopologyNode[] {
    return childrenOf(this.topology, node);
  }

  getTreeItem(node: TopologyNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'bus': {
        const it = new vscode.TreeItem(node.bus.name, C.Expanded);
        it.description = `${node.bus.state} · vPCI ${node.bus.version}`;
        it.tooltip = `Bus ${node.bus.name}\ninstance ${node.bus.instance}\nstate ${node.bus.state}\nprotocol ${node.bus.version}`;
        it.iconPath = new vscode.ThemeIcon('circuit-board');
        it.contextValue = 'vpciBus';
        return it;
      }
      case 'function': {
        const f = node.fn;
        const it = new vscode.TreeItem(`${f.slot} ${f.title}`, C.Collapsed);
        it.description = `[${hex(f.vendorId, 4).slice(2)}:${hex(f.deviceId, 4).slice(2)}] wslot ${hex(f.wslot, 8)}`;
        it.tooltip = `${f.title}\nslot ${f.slot}, wslot ${hex(f.wslot, 8)}\n${f.bars.length} BARs, ${f.interrupts.length} interrupts`;
        it.iconPath = new vscode.ThemeIcon('chip');
        it.contextValue = 'vpciFunction';
        it.id = `${node.bus.name}/${f.wslot}`;
        return it;
      }
      case 'group': {
        const n = node.group === 'bars' ? node.fn.bars.length : node.fn.interrupts.length;
        const it = new vscode.TreeItem(node.group === 'bars' ? 'BARs' : 'Interrupts', n ? C.Collapsed : C.None);
        it.description = String(n);
        it.iconPath = new vscode.ThemeIcon(node.group === 'bars' ? 'symbol-array' : 'zap');
        it.id = `${node.bus.name}/${node.fn.wslot}/${node.group}`;
        return it;
      }
      case 'leaf': {
        const it = new vscode.TreeItem(node.label, C.None);
        it.description = node.description;
        it.tooltip = node.tooltip;
        it.iconPath = new vscode.ThemeIcon(node.icon);
        return it;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
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
