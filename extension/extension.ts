// VS Code entry point: the vpci debugger (inline adapter by default, stdio by
// setting), configuration providers so F5 works without launch.json, the
// language client, the vPCI Topology view and the message-sequence panel, all
// kept live from the adapter's stopped and `vpci/traceChanged` events.
import * as vscode from 'vscode';
import { VpciAdapterFactory } from './adapter-factory';
import { registerCommands } from './commands';
import { registerUpstreamCommand } from './upstream-command';
import { DynamicConfigurationProvider, InitialConfigurationProvider } from './configuration-provider';
import { host } from './host';
import { DEBUG_TYPE, EVT_TRACE_CHANGED } from '../adapter/protocol';
import { SequencePanel } from './sequence-panel';
import { TopologyProvider } from './topology-view';
import { ScenarioTests } from './testing';
import { registerVerdictCommands } from './testing-commands';

let client: { stop(): Promise<void> } | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const sub = (d: vscode.Disposable) => context.subscriptions.push(d);

  const log = vscode.window.createOutputChannel('vPCI Lab', { log: true });
  sub(log);
  sub(vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new VpciAdapterFactory(context, log)));
  sub(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new InitialConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Initial));
  sub(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic));

  const topology = new TopologyProvider(log);
  sub(topology);
  const topologyView = vscode.window.createTreeView('vpci.topology', { treeDataProvider: topology, showCollapseAll: true });
  sub(topologyView);
  topology.view = topologyView;
  // a hidden tree is not asked for rows; read the topology afresh whenever it is shown
  sub(topologyView.onDidChangeVisibility((e) => e.visible && void topology.refresh()));
  const sequence = new SequencePanel();
  sub(sequence);
  sub(
    vscode.commands.registerCommand('vpci.showMessageSequence', () => {
      sequence.show();
    }),
  );
  registerCommands(context, topology);
  registerUpstreamCommand(context, log);
  // Scenarios as tests: the Test Explorer, Run Scenario, Debug at Cause, Compare Runs.
  const tests = new ScenarioTests();
  sub(tests);
  registerVerdictCommands(context, tests);

  // Live views: refresh on every stop of a vpci session (step back and restart stop too), and
  // the topology also when the machine changed without a stop (a console command: `invalidated`).
  sub(
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { reason?: string } }) => {
          if (m.type !== 'event') return;
          if (m.event === 'stopped') {
            void topology.refresh();
            void sequence.update();
            if (m.body?.reason === 'data breakpoint') void vscode.commands.executeCommand('setContext', 'vpci.dataBreakpointHit', true);
          } else if (m.event === 'invalidated') void topology.refresh();
        },
      }),
    }),
  );
  sub(
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      // `length` counts every trace event; the panel counts VMBus messages, so it re-reads.
      // (The topology is not re-read here: the event follows a stop, which re-read it already, and
      // a second read racing VS Code's focusing of the new top frame left Call Stack unselected.)
      if (e.session.type === DEBUG_TYPE && e.event === EVT_TRACE_CHANGED) void sequence.update();
    }),
  );
  const onActive = (s: vscode.DebugSession | undefined) => {
    void vscode.commands.executeCommand('setContext', 'vpci.sessionActive', s?.type === DEBUG_TYPE);
    void topology.refresh();
    // the sequence keeps showing an ended session's packets until the next vpci session
    if (s?.type === DEBUG_TYPE) void sequence.reset(s);
  };
  sub(vscode.debug.onDidChangeActiveDebugSession(onActive));
  sub(
    vscode.debug.onDidTerminateDebugSession((s) => {
      sequence.ended(s);
      onActive(vscode.debug.activeDebugSession);
    }),
  );

  // Editor title buttons: only for .vpci editors (also files not yet detected as vpci).
  const setScenarioContext = (ed: vscode.TextEditor | undefined) =>
    void vscode.commands.executeCommand('setContext', 'vpci.activeEditorIsScenario', !!ed && ed.document.fileName.endsWith('.vpci'));
  setScenarioContext(vscode.window.activeTextEditor);
  sub(vscode.window.onDidChangeActiveTextEditor(setScenarioContext));

  // The language server starts in the background so activation stays fast.
  host()
    .startLanguageClient(context)
    .then(
      (c) => {
        client = c;
      },
      (err: unknown) => {
        console.error(`vPCI Lab: language server did not start: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
