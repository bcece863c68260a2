// The "vPCI Topology" tree in Run and Debug: buses → functions → BARs and
// interrupts, read from the active vPCI session with `vpci/topology` and
// refreshed on every stop and invalidation, and when shown. Function rows carry the actions
// lspci, eject and "open config space in the hex editor".
import * as vscode from 'vscode';
import { DEBUG_TYPE, REQ, type TopologyResponse } from '../adapter/protocol';
import { formatTime, hex } from '../emulator/format';
import { childrenOf, type TopologyNode } from './topology-model';

export { functionTarget, rowReference } from './topology-model';

export class TopologyProvider implements vscode.TreeDataProvider<TopologyNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TopologyNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private topology: TopologyResponse | undefined;
  /** The session the topology was read from. */
  private from: string | undefined;
  /** The refresh in flight, and whether another was asked for meanwhile (runs once after it). */
  private pending: Promise<void> | undefined;
  private again = false;

  /** The tree view showing this provider: its description says when the machine was read. */
  view?: vscode.TreeView<TopologyNode>;

  constructor(private readonly log?: vscode.LogOutputChannel) {}

  /**
   * Re-reads the topology from the active vPCI session (or clears it). Called on every stop,
   * step back, `invalidated` event (a console command changed the machine),
   * session change and whenever the view becomes visible. Calls while one is in flight
   * coalesce into one more read after it, so an older answer never overwrites a newer one
   * and the view always ends on the machine as it stands.
   */
  refresh(): Promise<void> {
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    this.pending = (async () => {
      do {
        this.again = false;
        await this.read();
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- read() may set it again while awaited (TypeScript keeps the narrowing from above across the await)
      } while (this.again);
      this.pending = undefined;
    })();
    return this.pending;
  }

  private async read(): Promise<void> {
    const s = vscode.debug.activeDebugSession;
    if (!s || s.type !== DEBUG_TYPE) {
      this.log?.debug(`topology: no vpci session (active: ${s?.type ?? 'none'})`);
      this.topology = undefined;
    } else {
      try {
        this.topology = (await s.customRequest(REQ.topology)) as TopologyResponse;
        this.from = s.id;
        this.log?.debug(`topology: ${this.topology.buses.length} buses`);
      } catch (e) {
        // a session still launching has no machine yet: its first stop reads again
        this.log?.debug(`topology: ${e instanceof Error ? e.message : String(e)}`);
        if (this.from !== s.id) this.topology = undefined;
      }
    }
    // Virtual time as Variables, Call Stack and the sequence view write it.
    if (this.view) this.view.description = this.topology ? `at ${formatTime(this.topology.time)}` : undefined;
    this.changed.fire(undefined);
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
