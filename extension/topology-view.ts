// The "vPCI Topology" tree in Run and Debug: buses → functions → BARs and
// interrupts, read from the active vPCI session with `vpci/topology` and
// refreshed on every stop and trace change. Function rows carry the actions
// lspci, eject and "open config space in the hex editor".
import * as vscode from 'vscode';
import { DEBUG_TYPE, REQ, type TopologyResponse } from '../adapter/protocol';
import { hex } from '../emulator/format';
import { childrenOf, type TopologyNode } from './topology-model';

export { functionTarget } from './topology-model';

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
        // before negotiation there is no version yet (the adapter sends null)
        const version = node.bus.version ?? 'not negotiated';
        it.description = node.bus.version ? `${node.bus.state} · vPCI ${node.bus.version}` : `${node.bus.state} · vPCI version not negotiated yet`;
        it.tooltip = `Bus ${node.bus.name}\ninstance ${node.bus.instance}\nstate ${node.bus.state}\nprotocol ${version}`;
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
