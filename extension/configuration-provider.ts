// Debug configurations without a launch.json: F5 on a .vpci file debugs it,
// the Run view's dropdown lists every scenario in the workspace (dynamic
// provider), and "Add Configuration…" writes the initial one (package.json's only). A config that
// names no scenario (or "${file}") debugs the active .vpci editor's (from a driver listing, the
// scenario the last session ran) and, with none, is refused with a message; so is a scenario the
// language server has found errors in, beside the editor.
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import { DEBUG_TYPE } from '../adapter/protocol';
import { GUEST_MODELS, type GuestModelName } from '../emulator/vpci/guest/models';
import { HOST_PROFILES } from '../emulator/vpci/host/profiles';
import { counted } from '../emulator/format';
import { host } from './host';

export interface VpciLaunchConfig extends vscode.DebugConfiguration {
  scenario?: string;
  guest?: GuestModelName;
  host?: string;
  quirks?: Record<string, boolean>;
  stopOnEntry?: boolean;
  trace?: boolean;
  /** Step-back history budget in MiB (from the vpci.history.maxMemory setting when absent). */
  historyMaxMemory?: number;
  noDebug?: boolean;
  /** Folders besides the scenario's that its dump files may come from: the workspace folders, filled in at launch. */
  workspaceFolders?: string[];
}

const GUESTS = new Set<string>(GUEST_MODELS.map((g) => g.name));
const HOSTS = new Set<string>(HOST_PROFILES.map((h) => h.name));

/** The launch config for one scenario file. */
export function configFor(file: vscode.Uri | string, noDebug = false): VpciLaunchConfig {
  const path = typeof file === 'string' ? file : (host().pathOf(file) ?? file.fsPath);
  const base = path.split(/[\\/]/).pop() ?? path;
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `${noDebug ? 'Run' : 'Debug'} ${base}`,
    scenario: path,
    stopOnEntry: !noDebug,
    ...(noDebug ? { noDebug: true } : {}),
  };
}

/** The scenario the last vpci launch ran (its path): F5 from one of its driver listings runs it again. */
let lastScenario: string | undefined;

/**
 * The scenario F5 runs: the active .vpci editor's or, when a driver listing is in front (where the
 * last session left the user), the scenario that session ran.
 */
function activeScenario(): vscode.Uri | undefined {
  const ed = vscode.window.activeTextEditor;
  if (ed && (ed.document.languageId === 'vpci' || ed.document.fileName.endsWith('.vpci'))) return ed.document.uri;
  if (ed?.document.languageId === 'vpci-listing' && lastScenario) return host().uriOf(lastScenario);
  return undefined;
}

/**
 * Resolves launch configurations (F5 without launch.json, defaults, validation). It offers no
 * initial configurations of its own: "create a launch.json file" writes package.json's
 * `initialConfigurations`, and VS Code would append a provider's list to them, writing the
 * same entry twice.
 */
export class InitialConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    // F5 with no launch.json: VS Code passes an empty config.
    if (!config.type && !config.request && !config.name) {
      const uri = activeScenario();
      if (!uri) {
        void vscode.window.showInformationMessage('Open a .vpci scenario (vPCI: Open Example…) and press F5 again.');
        return undefined;
      }
      return configFor(uri);
    }
    const c = config as VpciLaunchConfig;
    // A debug server is a TCP socket, which VS Code for the Web cannot open: say so rather than let the connection fail.
    const noTcp = (c as { debugServer?: unknown }).debugServer !== undefined ? host().nodeOnly('Connecting to a debug server ("debugServer", TCP)') : undefined;
    if (noTcp) {
      void vscode.window.showErrorMessage(`vPCI: ${noTcp}; use a launch configuration, which runs the adapter inline.`);
      return undefined;
    }
    if (c.request === 'attach') return c; // attach brings no scenario: the adapter it connects to holds the machine
    // No scenario named, or "${file}" (a launch.json written before it was left out): the active
    // .vpci editor's. With none open, the same message as F5 without a launch.json, where VS Code
    // would say "Variable ${file} can not be resolved" or hand the adapter a README to parse.
    if (!c.scenario || (typeof c.scenario === 'string' && c.scenario.trim() === '${file}')) {
      const uri = activeScenario();
      if (!uri) {
        void vscode.window.showInformationMessage(`Open a .vpci scenario (vPCI: Open Example…) and press F5 again, or name one in "scenario" of "${c.name}".`);
        return undefined;
      }
      c.scenario = host().pathOf(uri) ?? uri.fsPath;
    }
    if (c.stopOnEntry === undefined) c.stopOnEntry = !c.noDebug;
    if (c.historyMaxMemory === undefined) c.historyMaxMemory = vscode.workspace.getConfiguration('vpci').get<number>('history.maxMemory');
    return c;
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    const c = config as VpciLaunchConfig;
    const problem = validate(c);
    if (problem) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a launch configuration is the user's JSON, whatever its type says
      void vscode.window.showErrorMessage(`vPCI launch configuration "${c.name ?? ''}": ${problem}`);
      return undefined;
    }
    // A relative "scenario" ("examples/quickstart.vpci") is the launch configuration's folder's, as the paths
    // of VS Code's own launch configurations are: the adapter would take it from its working folder, which
    // for an editor's adapter is the extension host's, anywhere.
    if (c.request !== 'attach' && typeof c.scenario === 'string' && !isAbsolute(c.scenario)) {
      const base = folder ?? vscode.workspace.workspaceFolders?.[0];
      const dir = base && host().pathOf(base.uri);
      if (dir !== undefined) c.scenario = join(dir, c.scenario);
    }
    // A scenario the language server has found errors in does not load: say so beside the editor, with
    // the way to Problems, rather than let the launch fail (VS Code shows a failed launch as a modal
    // dialog whose button opens launch.json). A file not analysed yet is the adapter's to refuse.
    if (c.request !== 'attach' && typeof c.scenario === 'string') {
      const errors = scenarioErrors(host().uriOf(c.scenario));
      if (errors.length) {
        const name = c.scenario.split(/[\\/]/).pop() ?? c.scenario;
        const first = errors[0]!;
        void vscode.window
          .showErrorMessage(
            `vPCI: ${name} has ${counted(errors.length, 'error')}, so it cannot run; line ${first.range.start.line + 1}: ${first.message}`,
            'Show Problems',
          )
          .then((pick) => (pick ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
        return undefined;
      }
    }
    if (c.request !== 'attach' && typeof c.scenario === 'string') lastScenario = c.scenario;
    // Dump files may come from the workspace folders as well as the scenario's (the language server's rule too).
    if (c.request !== 'attach' && c.workspaceFolders === undefined) {
      const folders = (vscode.workspace.workspaceFolders ?? []).flatMap((f) => host().pathOf(f.uri) ?? []);
      if (folders.length) c.workspaceFolders = folders;
    }
    return c;
  }
}

/** The errors the language server reports in a scenario (not the verdicts of its expectations), first first. */
function scenarioErrors(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error && d.source === 'vpci' && d.code !== 'expectation-failed')
    .sort((a, b) => a.range.start.compareTo(b.range.start));
}

/** Why a launch config cannot run, or undefined when it can. */
export function validate(c: VpciLaunchConfig): string | undefined {
  if (c.request === 'attach') {
    const port = (c as { debugServer?: unknown }).debugServer;
    if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535)
      return '"attach" needs "debugServer": the port of `vpci-lab dap --port N --scenario FILE`.';
    return undefined;
  }
  if (typeof c.scenario !== 'string' || c.scenario.trim() === '') return '"scenario" must be the path of a .vpci file.';
  if (c.guest !== undefined && !GUESTS.has(c.guest)) return `"guest" must be one of ${[...GUESTS].join(', ')}.`;
  if (c.host !== undefined && !HOSTS.has(c.host)) return `"host" must be one of ${[...HOSTS].join(', ')}.`;
  if (c.historyMaxMemory !== undefined && (typeof c.historyMaxMemory !== 'number' || !(c.historyMaxMemory >= 1)))
    return '"historyMaxMemory" must be a number of MiB, at least 1.';
  if (c.quirks !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- user JSON: null is possible whatever the type says
    if (typeof c.quirks !== 'object' || c.quirks === null) return '"quirks" must be an object of booleans.';
    for (const [k, v] of Object.entries(c.quirks)) if (typeof v !== 'boolean') return `quirk "${k}" must be true or false.`;
  }
  return undefined;
}

export class DynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(): Promise<vscode.DebugConfiguration[]> {
    const files = await vscode.workspace.findFiles('**/*.vpci', '**/node_modules/**', 50);
    return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((f) => configFor(f));
  }
}
