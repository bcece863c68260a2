// *vPCI: Compare Runs…*: runs a scenario twice in the extension host — the
// scenario's guest against another, its host against another, a quirk on and
// off, or against another scenario — aligns the two message sequences with the
// same alignment as `vpci-lab diff` (emulator/machine/diff.ts), and opens the
// message-sequence page in its compare mode: two lanes, divergent rows marked,
// the first divergence selected.
import * as vscode from 'vscode';
import { loadScenarioWith, formatDiagnostic } from '../adapter/load';
import { host } from './host';
import { sideColumn } from './side-column';
import { scenarioText } from './scenario-text';
import { runToVerdict } from '../adapter/headless';
import { diffRuns, type DiffRow, type RunDiff, type SeqMessage } from '../emulator/machine/diff';
import { describePacket } from '../emulator/vpci/describe';
import { messageByName } from '../emulator/vpci/protocol';
import { GUEST_MODELS } from '../emulator/vpci/guest/models';
import { HOST_PROFILES } from '../emulator/vpci/host/profiles';
import { QUIRKS } from '../emulator/vpci/guest/quirks';
import type { ConfigOverrides } from '../emulator/machine/scenario-config';
import type { Machine } from '../emulator/machine/machine';
import { formatTime } from '../emulator/format';
import { fieldLine, nonce, sequenceHtml, type CompareRow, type CompareSide } from './sequence-webview';

export interface CompareSpec {
  left: { uri: vscode.Uri; overrides: ConfigOverrides; label: string };
  right: { uri: vscode.Uri; overrides: ConfigOverrides; label: string };
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

/** Asks what to vary; undefined when the user backs out. */
export async function askComparison(uri: vscode.Uri): Promise<CompareSpec | undefined> {
  let text: string;
  try {
    text = await scenarioText(uri);
  } catch (e) {
    // A *.vpci that is a folder, a FIFO or a device, or over the size limit, is not read at all.
    void vscode.window.showErrorMessage(`vPCI: cannot compare runs of ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const base = await loadScenarioWith(host().files, host().pathOf(uri) ?? uri.fsPath, { text });
  const cfg = base.machine?.config;
  if (!cfg) {
    void vscode.window.showErrorMessage(`vPCI: ${basename(uri)} has errors (see Problems); fix them to compare runs.`);
    return undefined;
  }
  const what = await vscode.window.showQuickPick(
    [
      { label: 'Guest model', description: `this scenario's guest is ${cfg.guest}`, id: 'guest' as const },
      { label: 'Host profile', description: `this scenario's host is ${cfg.host}`, id: 'host' as const },
      { label: 'A quirk', description: 'the same run with a guest quirk on and off', id: 'quirk' as const },
      { label: 'Another scenario', description: 'this scenario against another file', id: 'file' as const },
    ],
    { title: `Compare runs of ${basename(uri)}`, placeHolder: 'What differs between the two runs?' },
  );
  if (!what) return undefined;
  const same = { uri, overrides: {} as ConfigOverrides };
  switch (what.id) {
    case 'guest': {
      const pick = await vscode.window.showQuickPick(
        GUEST_MODELS.filter((g) => g.name !== cfg.guest).map((g) => ({ label: g.name, description: g.title })),
        { title: `Compare ${cfg.guest} with…`, placeHolder: 'The other guest model' },
      );
      if (!pick) return undefined;
      return { left: { ...same, overrides: { guest: cfg.guest }, label: cfg.guest }, right: { ...same, overrides: { guest: pick.label }, label: pick.label } };
    }
    case 'host': {
      const pick = await vscode.window.showQuickPick(
        HOST_PROFILES.filter((h) => h.name !== cfg.host).map((h) => ({ label: h.name, description: h.title })),
        { title: `Compare ${cfg.host} with…`, placeHolder: 'The other host profile' },
      );
      if (!pick) return undefined;
      return { left: { ...same, overrides: { host: cfg.host }, label: cfg.host }, right: { ...same, overrides: { host: pick.label }, label: pick.label } };
    }
    case 'quirk': {
      const mine = QUIRKS.filter((q) => q.models.includes(cfg.guest));
      if (!mine.length) {
        void vscode.window.showInformationMessage(`vPCI: the ${cfg.guest} guest model has no quirks to switch.`);
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        mine.map((q) => ({ label: q.name, description: cfg.quirks[q.name] === false ? 'off in this scenario' : 'on in this scenario', detail: q.summary })),
        { title: 'Compare with a quirk on and off', placeHolder: 'Which quirk?' },
      );
      if (!pick) return undefined;
      return {
        left: { ...same, overrides: { quirks: { [pick.label]: true } }, label: `${pick.label}=on` },
        right: { ...same, overrides: { quirks: { [pick.label]: false } }, label: `${pick.label}=off` },
      };
    }
    case 'file': {
      const files = (await vscode.workspace.findFiles('**/*.vpci', '**/{node_modules,.git}/**', 500)).filter((f) => f.toString() !== uri.toString());
      const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = files
        .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
        .map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f }));
      items.push({ label: 'Browse…' });
      const pick = await vscode.window.showQuickPick(items, { title: `Compare ${basename(uri)} with…`, placeHolder: 'The other scenario' });
      if (!pick) return undefined;
      let other = pick.uri;
      if (!other) other = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'vPCI scenario': ['vpci'] } }))?.[0];
      if (!other) return undefined;
      const [a, b] =
        basename(uri) === basename(other) ? [vscode.workspace.asRelativePath(uri), vscode.workspace.asRelativePath(other)] : [basename(uri), basename(other)];
      return { left: { ...same, label: a }, right: { uri: other, overrides: {}, label: b } };
    }
  }
}

/** Runs both sides headless; a side that does not load is reported and ends the comparison. */
export async function runComparison(spec: CompareSpec, token?: vscode.CancellationToken): Promise<{ diff: RunDiff; machines: [Machine, Machine] } | undefined> {
  const machines: Machine[] = [];
  for (const side of [spec.left, spec.right]) {
    let text: string;
    try {
      text = await scenarioText(side.uri);
    } catch (e) {
      void vscode.window.showErrorMessage(`vPCI: ${side.label}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const loaded = await loadScenarioWith(host().files, host().pathOf(side.uri) ?? side.uri.fsPath, { overrides: side.overrides, text });
    if (!loaded.machine) {
      const first = loaded.errors[0];
      void vscode.window.showErrorMessage(
        `vPCI: ${side.label}: ${first ? formatDiagnostic(first, basename(side.uri)).split('\n')[0] : 'the scenario does not load'}`,
      );
      return undefined;
    }
    const v = await runToVerdict(
      { ...loaded, machine: loaded.machine },
      { between: () => new Promise((r) => setImmediate(r)), cancelled: () => token?.isCancellationRequested === true },
    );
    if (v.cancelled) return undefined;
    machines.push(loaded.machine);
  }
  const [a, b] = machines as [Machine, Machine];
  return { diff: diffRuns(a, b, [spec.left.label, spec.right.label]), machines: [a, b] };
}

function side(x: SeqMessage | undefined): CompareSide | undefined {
  if (!x) return undefined;
  // The whole packet, descriptor included, with offsets: what the live view's detail shows.
  const d = describePacket(x.bytes, x.completion && x.request ? messageByName(x.request) : undefined);
  return {
    n: x.seq + 1,
    timeText: formatTime(x.time),
    dir: x.dir,
    name: x.completion ? `PCI_${x.request} (completion)` : `PCI_${x.name}`,
    ...(x.status !== undefined ? { status: x.status } : {}),
    summary: x.summary,
    bytes: Array.from(x.bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
    fields: d.fields.map((f) => fieldLine(f)).join('\n'),
  };
}

/** The page's rows: a heading per bus, then its aligned rows. */
export function compareRows(d: RunDiff): { rows: CompareRow[]; firstRow: number } {
  const rows: CompareRow[] = [];
  let firstRow = -1;
  const [L, R] = d.labels;
  for (const b of d.buses) {
    rows.push({
      kind: 'header',
      text: `${b.bus}: ${b.counts.same} same, ${b.counts.changed} changed, ${b.counts.left} only ${L}, ${b.counts.right} only ${R}`,
    });
    b.rows.forEach((r: DiffRow, k) => {
      if (d.first && d.first.bus === b.bus && d.first.row === k) firstRow = rows.length;
      const l = side(r.left);
      const rr = side(r.right);
      rows.push({
        kind: r.kind,
        bus: b.bus,
        ...(l ? { left: l } : {}),
        ...(rr ? { right: rr } : {}),
        ...(r.changes ? { changes: r.changes.map((c) => `${c.name}: ${c.left} → ${c.right}`) } : {}),
      });
    });
  }
  return { rows, firstRow };
}

/** The Compare Runs panel: one per comparison, the page in compare mode. */
export function showComparison(spec: CompareSpec, diff: RunDiff): vscode.WebviewPanel {
  const title = `Compare: ${spec.left.label} ↔ ${spec.right.label}`;
  const panel = vscode.window.createWebviewPanel(
    'vpci.compareRuns',
    title,
    { viewColumn: sideColumn(), preserveFocus: false },
    { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] },
  );
  panel.webview.html = sequenceHtml(panel.webview.cspSource, nonce(), 'compare');
  const { rows, firstRow } = compareRows(diff);
  const counts = `${diff.counts.same} same, ${diff.counts.changed} changed, ${diff.counts.left} only ${spec.left.label}, ${diff.counts.right} only ${spec.right.label}`;
  const first = diff.first ? `First divergence: ${diff.first.text}` : 'No divergence: both runs exchange the same messages.';
  panel.webview.onDidReceiveMessage((m: { type?: string }) => {
    if (m.type === 'ready') void panel.webview.postMessage({ type: 'compare', labels: diff.labels, rows, firstRow, counts, first });
  });
  return panel;
}

export async function compareRunsCommand(arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || !uri.path.endsWith('.vpci')) {
    void vscode.window.showInformationMessage('vPCI: open a .vpci scenario (or right-click one in the Explorer) to compare two runs of it.');
    return;
  }
  const spec = await askComparison(uri);
  if (!spec) return;
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `vPCI: running ${spec.left.label} and ${spec.right.label}`, cancellable: true },
    (_p, token) => runComparison(spec, token),
  );
  if (r) showComparison(spec, r.diff);
}
