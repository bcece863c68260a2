// Loading a scenario for a CLI command: the file is read, parsed and checked,
// and every diagnostic is printed to stderr as file:line:col with the source
// line — the same for `run`, `check`, `diff` and `dap --scenario`.
import type { CliIo } from './io';
import { loadScenarioFile, formatDiagnostic, type Loaded } from '../load';
import type { ConfigOverrides } from '../../emulator/machine/scenario-config';

/** The loaded scenario (check `.machine` / `.errors`), or undefined when the file cannot be read; `prefix` starts the one-line read error. */
export function loadReported(file: string, io: CliIo, prefix: string, overrides: ConfigOverrides = {}): Loaded | undefined {
  let loaded: Loaded;
  try {
    loaded = loadScenarioFile(file, overrides);
  } catch (e) {
    io.err(`${prefix}${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
  for (const d of loaded.diagnostics) io.err(formatDiagnostic(d, file, loaded.text) + '\n');
  return loaded;
}
