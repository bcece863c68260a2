// Scenarios in the Test Explorer: every *.vpci in the workspace is a test item
// and each `expect` line a child with its range (so the gutter shows ▷/✓/✗ on
// the line). The Run profile runs a scenario headless in the extension host —
// the emulator is pure TypeScript, so no debugger and no adapter process —
// and marks each expectation with the detail the CLI prints; failures also go
// to Problems. The Debug profile starts a vPCI debug session; the verdict any
// vPCI session sends when it reaches its end (`vpci/verdict`) updates the same
// items and Problems. A failed expectation offers Debug at Cause.
import * as vscode from 'vscode';
import { parseScenario } from '../emulator/scenario/parser';
import { FileError, shownPath } from '../io/files';
import { scenarioText } from './scenario-text';
import { loadScenarioWith, formatDiagnostic, type Loaded } from '../adapter/load';
import { host } from './host';
import { runToVerdict, verdictLines, verdictSummary } from '../adapter/headless';
import { verdictItems } from '../adapter/verdict';
import { transcript } from '../emulator/machine/transcript';
import { counted, formatTime } from '../emulator/format';
import type { Diagnostic as ScenarioDiagnostic } from '../emulator/scenario/ast';
import type { VerdictBody, VerdictItem } from '../adapter/protocol';
import { configFor } from './configuration-provider';

export const CONTROLLER_ID = 'vpci.scenarios';
/** TestMessage.contextValue of a failure that has a cause to debug at (package.json menus). */
export const CAUSE_MESSAGE = 'vpciCause';
const DIAGNOSTIC_SOURCE = 'vpci';

/** What Debug at Cause needs to know about an expectation item. */
interface ExpectInfo {
  uri: vscode.Uri;
  line: number;
}

function expectId(uri: vscode.Uri, line: number): string {
  return `${uri.toString()}#L${line}`;
}

function isScenario(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.vpci') && (uri.scheme === 'file' || uri.scheme === 'vscode-remote');
}

export class ScenarioTests implements vscode.Disposable {
  readonly ctrl: vscode.TestController;
  readonly runProfile: vscode.TestRunProfile;
  readonly debugProfile: vscode.TestRunProfile;
  private readonly problems = vscode.languages.createDiagnosticCollection('vpci-verdict');
  private readonly expects = new Map<string, ExpectInfo>();
  /** The last verdict per scenario (uri string): Debug at Cause on a file item picks its first failure. */
  private readonly last = new Map<string, VerdictItem[]>();
  /** Debug-profile runs waiting for their session's verdict, by session id. */
  private readonly debugRuns = new Map<string, { run: vscode.TestRun; file: vscode.TestItem; session: vscode.DebugSession }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    this.ctrl = vscode.tests.createTestController(CONTROLLER_ID, 'vPCI Scenarios');
    this.ctrl.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.ctrl.refreshHandler = () => this.discover();
    this.runProfile = this.ctrl.createRunProfile('Run', vscode.TestRunProfileKind.Run, (req, token) => this.run(req, token).then(() => undefined), true);
    this.debugProfile = this.ctrl.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (req, token) => this.debug(req, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.vpci');
    this.disposables.push(
      this.ctrl,
      this.problems,
      watcher,
      watcher.onDidCreate((u) => void this.update(u)),
      watcher.onDidChange((u) => void this.update(u)),
      watcher.onDidDelete((u) => this.remove(u)),
      // Unsaved edits move expect lines: the children follow the editor's text.
      vscode.workspace.onDidChangeTextDocument((e) => isScenario(e.document.uri) && this.later(e.document.uri)),
      vscode.workspace.onDidOpenTextDocument((d) => isScenario(d.uri) && void this.update(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => isScenario(d.uri) && !vscode.workspace.getWorkspaceFolder(d.uri) && this.remove(d.uri)),
      // Problems' "Debug at Cause" quick fix on a failed expectation.
      vscode.languages.registerCodeActionsProvider(
        { scheme: 'file', pattern: '**/*.vpci' },
        { provideCodeActions: (doc, _r, ctx) => this.codeActions(doc, ctx) },
        { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
      ),
    );
    void this.discover();
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  // ---- discovery ----------------------------------------------------------------------

  /** Every scenario in the workspace (and any open one outside it). */
  async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.vpci', '**/{node_modules,.git}/**', 2000);
    for (const d of vscode.workspace.textDocuments) if (isScenario(d.uri) && !files.some((f) => f.toString() === d.uri.toString())) files.push(d.uri);
    await Promise.all(files.map((f) => this.update(f)));
  }

  private later(uri: vscode.Uri): void {
    const k = uri.toString();
    clearTimeout(this.pending.get(k));
    this.pending.set(
      k,
      setTimeout(() => {
        this.pending.delete(k);
        void this.update(uri);
      }, 300),
    );
  }

  /** The scenario's text, or why it cannot be read (scenario-text.ts). */
  private async textOf(uri: vscode.Uri): Promise<{ text: string } | { error: FileError | Error }> {
    try {
      return { text: await scenarioText(uri) };
    } catch (e) {
      return { error: e instanceof Error ? e : new Error(String(e)) };
    }
  }

  /** (Re)reads a scenario (or takes what the caller has just read): its item, and one child per `expect` line. */
  async update(uri: vscode.Uri, read?: { text: string } | { error: FileError | Error }): Promise<vscode.TestItem | undefined> {
    read ??= await this.textOf(uri);
    if ('error' in read && read.error instanceof FileError && read.error.problem === 'missing') {
      this.remove(uri);
      return undefined;
    }
    let file = this.ctrl.items.get(uri.toString());
    if (!file) {
      // A scenario open from outside the workspace is listed by its name while it is open.
      const inside = !!vscode.workspace.getWorkspaceFolder(uri);
      file = this.ctrl.createTestItem(uri.toString(), inside ? vscode.workspace.asRelativePath(uri, false) : (uri.path.split('/').pop() ?? uri.path), uri);
      this.ctrl.items.add(file);
    }
    if ('error' in read) {
      // Listed, with why it cannot be run (a folder, a FIFO or a device named *.vpci, a file over the size limit …).
      file.error = `Cannot read this scenario: ${read.error instanceof FileError ? read.error.reason : read.error.message}`;
      this.replaceChildren(file, []);
      return file;
    }
    file.error = undefined;
    const text = read.text;
    const title = /^\s*#\s*(.+)$/m.exec(text)?.[1];
    if (title) file.description = title;
    file.range = new vscode.Range(0, 0, 0, 0);
    const lines = text.split(/\r\n|\r|\n/);
    const children: vscode.TestItem[] = [];
    for (const e of parseScenario(text).scenario.expectations) {
      const id = expectId(uri, e.loc.line);
      const label = (lines[e.loc.line - 1] ?? '').replace(/\s*#.*$/, '').trim() || `expect (line ${e.loc.line})`;
      const child = file.children.get(id) ?? this.ctrl.createTestItem(id, label, uri);
      child.label = label;
      child.range = new vscode.Range(e.loc.line - 1, 0, e.loc.line - 1, (lines[e.loc.line - 1] ?? '').length);
      children.push(child);
      this.expects.set(id, { uri, line: e.loc.line });
    }
    this.replaceChildren(file, children);
    return file;
  }

  /**
   * A scenario's expectation items are now `children`: those it no longer has (an edit moved an
   * expect line, the file went) are forgotten, as every id ever seen was kept, for every line an
   * expectation stood on in every file, for as long as the window was open.
   */
  private replaceChildren(file: vscode.TestItem, children: vscode.TestItem[]): void {
    const now = new Set(children.map((c) => c.id));
    file.children.forEach((c) => !now.has(c.id) && this.expects.delete(c.id));
    file.children.replace(children);
  }

  private remove(uri: vscode.Uri): void {
    const file = this.ctrl.items.get(uri.toString());
    if (file) this.replaceChildren(file, []);
    this.ctrl.items.delete(uri.toString());
    this.problems.delete(uri);
    this.last.delete(uri.toString());
  }

  /** The file items a request names (an expectation runs its whole scenario). */
  private filesOf(req: vscode.TestRunRequest): vscode.TestItem[] {
    const out = new Map<string, vscode.TestItem>();
    const all: vscode.TestItem[] = [];
    this.ctrl.items.forEach((i) => all.push(i));
    for (const i of req.include ?? all) {
      const f = i.parent ?? i;
      if (!req.exclude?.some((x) => x.id === f.id)) out.set(f.id, f);
    }
    return [...out.values()];
  }

  // ---- Run: headless in the extension host ---------------------------------------------

  async run(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<{ held: number; total: number; failed: VerdictItem[] }[]> {
    const run = this.ctrl.createTestRun(req);
    const out: { held: number; total: number; failed: VerdictItem[] }[] = [];
    try {
      for (const file of this.filesOf(req)) {
        if (token.isCancellationRequested) break;
        const r = await this.runFile(run, file, token);
        if (r) out.push(r);
      }
    } finally {
      run.end();
    }
    return out;
  }

  private async runFile(
    run: vscode.TestRun,
    file: vscode.TestItem,
    token: vscode.CancellationToken,
  ): Promise<{ held: number; total: number; failed: VerdictItem[] } | undefined> {
    const uri = file.uri!;
    // Read once: the item is refreshed from the text the run then loads.
    const read = await this.textOf(uri);
    await this.update(uri, read);
    run.started(file);
    file.children.forEach((c) => run.started(c));
    if ('error' in read) {
      run.errored(
        file,
        new vscode.TestMessage(`Cannot read ${shownPath(uri.fsPath)}: ${read.error instanceof FileError ? read.error.reason : read.error.message}`),
      );
      return undefined;
    }
    let loaded: Loaded;
    try {
      loaded = await loadScenarioWith(host().files, host().pathOf(uri) ?? uri.fsPath, { text: read.text });
    } catch (e) {
      run.errored(file, new vscode.TestMessage(`Cannot read ${shownPath(uri.fsPath)}: ${e instanceof Error ? e.message : String(e)}`));
      return undefined;
    }
    for (const d of loaded.diagnostics)
      run.appendOutput(formatDiagnostic(d, shownPath(uri.fsPath), loaded.text).replace(/\n/g, '\r\n') + '\r\n', undefined, file);
    if (!loaded.machine) {
      // A scenario that does not load fails with its diagnostics, each at its line.
      const msgs = loaded.errors.map((d) => this.diagnosticMessage(uri, d));
      run.failed(file, msgs);
      file.children.forEach((c) => run.skipped(c));
      this.problems.delete(uri);
      return { held: 0, total: 0, failed: [] };
    }
    const m = loaded.machine;
    const v = await runToVerdict(
      { ...loaded, machine: m },
      { between: () => new Promise((r) => setImmediate(r)), cancelled: () => token.isCancellationRequested },
    );
    if (v.cancelled) {
      run.skipped(file);
      file.children.forEach((c) => run.skipped(c));
      return undefined;
    }
    run.appendOutput(`vPCI Lab: ${uri.fsPath} — host ${m.config.host}, guest ${m.config.guest}, ${counted(m.config.cpus, 'CPU')}\r\n`, undefined, file);
    run.appendOutput(transcript(m, { log: v.log }).join('\r\n') + '\r\n', undefined, file);
    run.appendOutput(
      `\r\n${v.steps} steps, ${m.trace.length} events, virtual time ${formatTime(m.now)}${v.hitMaxSteps ? ' (stopped at the step limit)' : ''}\r\n\r\n`,
      undefined,
      file,
    );
    for (const l of verdictLines(uri.fsPath, v.results)) run.appendOutput(l + '\r\n', undefined, file);
    run.appendOutput(verdictSummary(v.results) + '\r\n', undefined, file);
    const items = verdictItems(v.results);
    this.apply(run, file, items, m.now);
    return { held: items.filter((i) => i.ok).length, total: items.length, failed: items.filter((i) => !i.ok) };
  }

  private diagnosticMessage(uri: vscode.Uri, d: ScenarioDiagnostic): vscode.TestMessage {
    const msg = new vscode.TestMessage(`${d.message} [${d.code}]`);
    msg.location = new vscode.Location(uri, new vscode.Range(d.loc.line - 1, d.loc.col - 1, d.loc.endLine - 1, d.loc.endCol - 1));
    return msg;
  }

  /**
   * Marks a scenario's expectations from a verdict, and Problems with its failures. The file's
   * duration is the run's virtual time (what the scenario took on the emulated machine).
   */
  private apply(run: vscode.TestRun, file: vscode.TestItem, results: VerdictItem[], virtualNs: number): void {
    const uri = file.uri!;
    this.last.set(uri.toString(), results);
    const diags: vscode.Diagnostic[] = [];
    const seen = new Set<string>();
    for (const r of results) {
      const id = expectId(uri, r.line);
      seen.add(id);
      const item = file.children.get(id);
      const range = item?.range ?? new vscode.Range(r.line - 1, 0, r.line - 1, 200);
      if (r.ok) {
        if (item) run.passed(item);
        continue;
      }
      const label = r.text ?? r.what;
      const text = `${label}: ${r.detail}`;
      const msg = r.expected !== undefined && r.actual !== undefined ? vscode.TestMessage.diff(text, r.expected, r.actual) : new vscode.TestMessage(text);
      msg.location = new vscode.Location(uri, range);
      if (r.cause) msg.contextValue = CAUSE_MESSAGE;
      if (item) run.failed(item, msg);
      const d = new vscode.Diagnostic(
        range,
        `${label}: ${r.detail}${r.cause ? ` (decided at ${formatTime(r.cause.time)}; Debug at Cause goes there)` : ''}`,
        vscode.DiagnosticSeverity.Error,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = 'expectation-failed';
      diags.push(d);
    }
    // An expect line the verdict does not cover (edited since) is not judged.
    file.children.forEach((c) => !seen.has(c.id) && run.skipped(c));
    const failed = results.filter((r) => !r.ok).length;
    const duration = virtualNs / 1e6;
    if (failed) run.failed(file, new vscode.TestMessage(`${results.length - failed} of ${counted(results.length, 'expectation')} held`), duration);
    else run.passed(file, duration);
    this.problems.set(uri, diags);
  }

  // ---- Debug: a vPCI debug session; its verdict marks the items -------------------------

  private async debug(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const files = this.filesOf(req);
    const run = this.ctrl.createTestRun(req);
    let waiting = 0;
    for (const file of files) {
      const uri = file.uri!;
      run.started(file);
      const started = await this.startSession(uri, {}, (s) => {
        waiting++;
        this.debugRuns.set(s.id, { run, file, session: s });
      });
      if (!started) run.errored(file, new vscode.TestMessage(`The debug session for ${vscode.workspace.asRelativePath(uri)} did not start`));
    }
    if (!waiting) {
      run.end();
      return;
    }
    // The run ends when its sessions do (their verdicts arrive before they terminate).
    const done = vscode.debug.onDidTerminateDebugSession((s) => {
      const d = this.debugRuns.get(s.id);
      if (!d) return;
      this.debugRuns.delete(s.id);
      if (--waiting === 0) {
        done.dispose();
        run.end();
      }
    });
    token.onCancellationRequested(() => {
      for (const d of this.debugRuns.values()) if (d.run === run) void vscode.debug.stopDebugging(d.session);
    });
  }

  /** Starts a vPCI debug session on a scenario; `onSession` sees it before its first event. */
  async startSession(uri: vscode.Uri, extra: Record<string, unknown>, onSession?: (s: vscode.DebugSession) => void): Promise<boolean> {
    const config = { ...configFor(uri), ...extra };
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.configuration.scenario === config.scenario && s.type === config.type) {
        onSession?.(s);
        sub.dispose();
      }
    });
    try {
      return await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), config);
    } finally {
      setTimeout(() => {
        sub.dispose();
      }, 10_000);
    }
  }

  /** A vPCI session's run reached its end: mark its scenario's items (Debug profile or not). */
  async onVerdict(session: vscode.DebugSession, body: VerdictBody): Promise<void> {
    const uri = host().uriOf(body.scenario);
    const tracked = this.debugRuns.get(session.id);
    const file = tracked?.file ?? (await this.update(uri));
    if (!file) return;
    const own = !tracked;
    const run = tracked?.run ?? this.ctrl.createTestRun(new vscode.TestRunRequest([file]), `vPCI debug session: ${session.name}`, true);
    const cut = body.stoppedAtMaxSteps !== undefined ? `; judged where the step limit of ${body.stoppedAtMaxSteps} steps stopped the run, not at its end` : '';
    run.appendOutput(`${verdictSummary(body.results)} (debug session "${session.name}", ${body.steps} steps${cut})\r\n`, undefined, file);
    this.apply(run, file, body.results, body.virtualTimeNs);
    if (own) run.end();
  }

  // ---- Debug at Cause ---------------------------------------------------------------------

  private codeActions(doc: vscode.TextDocument, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    return ctx.diagnostics
      .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code === 'expectation-failed')
      .map((d) => {
        const a = new vscode.CodeAction('Debug at Cause: open the debugger where this expectation was decided', vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { command: 'vpci.debugAtCause', title: 'Debug at Cause', arguments: [{ uri: doc.uri, line: d.range.start.line + 1 }] };
        return a;
      });
  }

  /** The expectation a menu argument names: a test item (or its file: the first failure), a {test, message} pair, or {uri, line}. */
  causeTarget(arg: unknown): ExpectInfo | undefined {
    if (arg && typeof arg === 'object' && 'uri' in arg && 'line' in arg) {
      const a = arg;
      if (a.uri instanceof vscode.Uri && typeof a.line === 'number') return { uri: a.uri, line: a.line };
    }
    const item = (arg && typeof arg === 'object' && 'test' in arg ? (arg as { test?: vscode.TestItem }).test : arg) as vscode.TestItem | undefined;
    const message = arg && typeof arg === 'object' && 'message' in arg ? (arg as { message?: vscode.TestMessage }).message : undefined;
    if (item?.id && this.expects.has(item.id)) return this.expects.get(item.id);
    const loc = message?.location;
    if (loc) return { uri: loc.uri, line: loc.range.start.line + 1 };
    const uri = item?.uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) return undefined;
    // A file (or the editor): the failure under the cursor, else the first one.
    const failed = (this.last.get(uri.toString()) ?? []).filter((r) => !r.ok && r.cause);
    const cursor = vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() ? vscode.window.activeTextEditor.selection.active.line + 1 : -1;
    const pick = failed.find((r) => r.line === cursor) ?? failed[0];
    return pick ? { uri, line: pick.line } : undefined;
  }

  async debugAtCause(arg: unknown): Promise<void> {
    const t = this.causeTarget(arg);
    if (!t) {
      void vscode.window.showInformationMessage(
        'vPCI: run the scenario first (▷ in the gutter or the Test Explorer); Debug at Cause opens the debugger where a failed expectation was decided.',
      );
      return;
    }
    const name = `Debug at cause: ${vscode.workspace.asRelativePath(t.uri, false)}:${t.line}`;
    await this.startSession(t.uri, { name, cause: t.line, stopOnEntry: true });
  }

  /** *vPCI: Run Scenario*: the Run profile on one file, then the verdict in a notification. */
  async runScenario(uri: vscode.Uri): Promise<void> {
    const file = await this.update(uri);
    if (!file) return;
    const cts = new vscode.CancellationTokenSource();
    const [r] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `vPCI: running ${vscode.workspace.asRelativePath(uri)}` },
      () => this.run(new vscode.TestRunRequest([file], undefined, this.runProfile), cts.token),
    );
    cts.dispose();
    if (!r) return;
    const name = vscode.workspace.asRelativePath(uri);
    if (!r.total && !r.failed.length) {
      void vscode.window.showErrorMessage(`vPCI: ${name} has errors (see Problems); it did not run.`);
      return;
    }
    if (!r.failed.length) {
      void vscode.window.showInformationMessage(`vPCI: ${name}: ${r.held} of ${counted(r.total, 'expectation')} held.`);
      return;
    }
    const first = r.failed[0]!;
    const pick = await vscode.window.showWarningMessage(
      `vPCI: ${name}: ${r.held} of ${counted(r.total, 'expectation')} held. ${first.text ?? first.what}: ${first.detail}`,
      ...(first.cause ? ['Debug at Cause'] : []),
      'Show Test Results',
    );
    if (pick === 'Debug at Cause') await this.debugAtCause({ test: file.children.get(expectId(uri, first.line)) });
    else if (pick === 'Show Test Results') await vscode.commands.executeCommand('workbench.view.testing.focus');
  }
}
