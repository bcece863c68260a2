// Loading a scenario for a CLI command: the file is read, parsed and checked,
// and every diagnostic is printed to stderr as file:line:col with the source
// line — the same for `run`, `check`, `diff` and `dap --scenario`.
import type { CliIo } from './io';
import { loadScenarioFile, type Loaded } from '../load';
import { formatDiagnostics } from '../../emulator/scenario/lines';
import { FileError, shownPath } from '../../io/files';
import { errorReason } from '../../io/errors';
import type { ConfigOverrides } from '../../emulator/machine/scenario-config';

/** The loaded scenario (check `.machine` / `.errors`), or undefined when the file cannot be read; `prefix` starts the one-line read error. */
export function loadReported(file: string, io: CliIo, prefix: string, overrides: ConfigOverrides = {}): Loaded | undefined {
  let loaded: Loaded;
  if (file.trim() === '') {
    // '' would resolve to the current folder ("is a folder, not a file").
    io.err(`${prefix}an empty file name: which scenario?\n`);
    return undefined;
  }
  try {
    loaded = loadScenarioFile(file, overrides);
  } catch (e) {
    io.err(`${prefix}${shownPath(file)}: ${e instanceof FileError ? e.reason : errorReason(e)}\n`);
    return undefined;
  }
  for (const line of formatDiagnostics(loaded.diagnostics, shownPath(file), loaded.text)) io.err(line + '\n');
  return loaded;
}
