// "vPCI: Open Example…": picks a bundled example (quickstart first, each with its title
// in full) and copies it, with the dump files it names, into the workspace folder, so
// editing it never changes the installed extension. A file already there with other
// contents is never overwritten without asking. With no folder open it opens an
// untitled copy and says how to keep it.
import * as vscode from 'vscode';
import { copyPlan, exampleFiles, exampleOrder, exampleTitle, freeName, numberedName, type ExampleItem } from './example-files';

const decoder = new TextDecoder();

async function readIf(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
}

/** examples/*.vpci and one level of folders (examples/quirks/*.vpci), in picker order. */
async function listExamples(dir: vscode.Uri): Promise<string[]> {
  const files: string[] = [];
  const list = async (rel: string) => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(rel ? vscode.Uri.joinPath(dir, rel) : dir);
    } catch {
      return; // no examples folder (a development tree without examples)
    }
    for (const [n, t] of entries) {
      const p = rel ? `${rel}/${n}` : n;
      if (t === vscode.FileType.File && n.endsWith('.vpci')) files.push(p);
      else if (t === vscode.FileType.Directory && !rel) await list(n);
    }
  };
  await list('');
  return files.sort(exampleOrder);
}

export async function openExample(context: vscode.ExtensionContext): Promise<void> {
  const dir = vscode.Uri.joinPath(context.extensionUri, 'examples');
  const files = await listExamples(dir);
  if (!files.length) {
    void vscode.window.showWarningMessage('vPCI Lab: no examples are bundled with this build.');
    return;
  }
  const texts = new Map<string, string>();
  const items: (vscode.QuickPickItem & ExampleItem)[] = [];
  for (const path of files) {
    const text = decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, path)));
    texts.set(path, text);
    const slash = path.lastIndexOf('/');
    const item = { path, label: path.slice(slash + 1).replace(/\.vpci$/, ''), title: exampleTitle(text) };
    items.push({ ...item, detail: item.title, ...(slash > 0 ? { description: path.slice(0, slash) } : {}) });
  }
  const pick =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick(items, {
          placeHolder: 'Open a vPCI example scenario (a copy goes into your workspace)',
          matchOnDetail: true,
          matchOnDescription: true,
        });
  if (!pick) return;
  const text = texts.get(pick.path)!;
  const bring = exampleFiles(pick.path, text);

  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder =
    folders.length <= 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: `Copy the ${pick.label} example into which folder?` });
  if (!folder) {
    if (folders.length > 1) return; // the folder pick was dismissed
    await openUntitled(pick, text, bring.slice(1));
    return;
  }

  const source = new Map<string, Uint8Array>();
  const there = new Map<string, Uint8Array | undefined>();
  for (const f of bring) {
    const bytes = await readIf(vscode.Uri.joinPath(dir, f));
    if (!bytes) continue; // a dump the example names but the build lacks: the checker reports it
    source.set(f, bytes);
    there.set(f, await readIf(vscode.Uri.joinPath(folder.uri, f)));
  }
  const present = [...source.keys()];
  const plan = copyPlan(
    present,
    (p) => source.get(p)!,
    (p) => there.get(p),
  );
  let write = plan.write;
  let scenario = pick.path;
  if (plan.kind === 'conflict') {
    const onlyScenario = plan.differ.length === 1 && plan.differ[0] === pick.path;
    const choices = ['Open Existing', 'Replace', ...(onlyScenario ? ['Keep Both'] : [])];
    const which = await vscode.window.showWarningMessage(
      `${plan.differ.join(', ')} already ${plan.differ.length === 1 ? 'exists' : 'exist'} in ${folder.name} with other contents.`,
      {
        modal: true,
        detail: `Open Existing opens your copy as it is. Replace overwrites ${plan.differ.length === 1 ? 'it' : 'them'} with the ${pick.label} example${onlyScenario ? `. Keep Both saves the example under a new name (${numberedName(pick.path, 2)} or the next free one)` : ''}.`,
      },
      ...choices,
    );
    if (!which) return;
    if (which === 'Replace') write = [...plan.write, ...plan.differ];
    else if (which === 'Keep Both') {
      let n = 2;
      while (n < 1000 && (await readIf(vscode.Uri.joinPath(folder.uri, numberedName(pick.path, n)))) !== undefined) n++;
      const n2 = numberedName(pick.path, n);
      scenario = n2;
      source.set(n2, source.get(pick.path)!);
      write = [...plan.write.filter((f) => f !== pick.path), n2];
    }
  }
  for (const f of write) {
    const target = vscode.Uri.joinPath(folder.uri, f);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    await vscode.workspace.fs.writeFile(target, source.get(f)!);
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, scenario));
  await vscode.window.showTextDocument(doc, { preview: false });
  if (write.length) vscode.window.setStatusBarMessage(`vPCI Lab: copied ${write.join(', ')} into ${folder.name}`, 8000);
}

/** No folder is open: an unsaved copy named after the example, and how to keep it. */
async function openUntitled(pick: ExampleItem, text: string, dumps: string[]): Promise<void> {
  const base = pick.path.slice(pick.path.lastIndexOf('/') + 1);
  const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled').map((d) => d.uri.path));
  const name = open.has(base) ? freeName(base, (p) => open.has(p)) : base;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: name }));
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(0, 0), text);
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(doc, { preview: false });
  const needs = dumps.length
    ? ` It reads ${dumps.join(', ')}: open a folder and run vPCI: Open Example… again to copy ${dumps.length === 1 ? 'that file' : 'those files'} with it.`
    : '';
  const choice = await vscode.window.showInformationMessage(
    `This is an unsaved copy of the ${pick.label} example (no folder is open). Save it into a folder (File > Save As…) to keep your changes and to debug it.${needs}`,
    'Open Folder…',
  );
  if (choice === 'Open Folder…') await vscode.commands.executeCommand('workbench.action.files.openFolder');
}
