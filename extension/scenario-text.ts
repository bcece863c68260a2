// A scenario's text for the Test Explorer and Compare Runs: as the editor has it when it is open,
// else read as every other reader of scenarios reads one (io/files.ts): a regular file of at most
// SCENARIO_LIMIT bytes. A `*.vpci` in the workspace may be anything — a folder, a FIFO, a link to
// /dev/zero, a gigabyte — and these read every scenario of the workspace, unasked.
import * as vscode from 'vscode';
import { SCENARIO_LIMIT, decodeText } from '../io/files';
import { host } from './host';
import { readWorkspaceFile } from './web/workspace-files';

/** The scenario's text; throws a FileError (io/files.ts) naming the file when it cannot be read. */
export async function scenarioText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  const path = host().pathOf(uri);
  // The host's files (Node's fs, or workspace.fs on the web) by the path the loader knows; any other URI through workspace.fs.
  const bytes = path !== undefined ? await host().files.readFile(path, SCENARIO_LIMIT) : await readWorkspaceFile(uri, uri.path, SCENARIO_LIMIT);
  return decodeText(bytes);
}
