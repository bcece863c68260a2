// How the extension resolves a launch configuration before VS Code starts the adapter
// (extension/configuration-provider.ts), without VS Code: the paths it hands the adapter.
import { Uri, setNodeHost } from './vscode-stand-in';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { InitialConfigurationProvider } from '../../extension/configuration-provider';

setNodeHost();

const folderAt = (p: string) => ({ uri: Uri.file(p), name: 'w', index: 0 }) as never;
const launch = (scenario: string) => ({ type: 'vpci', request: 'launch', name: 'Debug scenario', scenario });
/** The scenario path of a configuration as the provider resolved it. */
const scenarioOf = (folder: never, scenario: string): unknown =>
  (new InitialConfigurationProvider().resolveDebugConfigurationWithSubstitutedVariables(folder, launch(scenario)) as { scenario?: unknown } | undefined)
    ?.scenario;

test("a relative scenario path is the launch configuration's folder's, not the adapter's working folder", () => {
  const dir = resolve('/projects/nic-lab');
  assert.equal(scenarioOf(folderAt(dir), join('examples', 'quickstart.vpci')), join(dir, 'examples', 'quickstart.vpci'));
  // An absolute path is kept as written; with no folder to take a relative one from, it goes on unchanged.
  const abs = join(resolve('/elsewhere'), 'q.vpci');
  assert.equal(scenarioOf(folderAt(dir), abs), abs);
  assert.equal(scenarioOf(undefined as never, 'q.vpci'), 'q.vpci');
});
