// Loading a scenario for a CLI command: the file is read, parsed and checked,
// and every diagnostic is printed to stderr as file:line:col with the source
// line — the same for `run`, `check`, `diff` and `dap --scenario`.
import { statSync } from 'node:fs';
import { STDIN_ARG, STDIN_NAME, notUtf8Hint, type CliIo } from './io';
import { loadScenarioSync, type Loaded } from '../load';
import { nodeFiles } from '../../io/node-files';
import { formatDiagnostics } from '../../emulator/scenario/lines';
import { FileError, SCENARIO_LIMIT, decodeText, shownPath } from '../../io/files';
import { errorReason } from '../../io/errors';
import type { ConfigOverrides } from '../../emulator/machine/scenario-config';

/**
 * The loaded scenario (check `.machine` / `.errors`), or undefined when the file cannot be read; `prefix` starts the one-line read error.
 * With `text`, the scenario is that text, named `file` (dump files are found from the current folder).
 * `machine` false: checked only, no `.machine` built (LoadOptions.machine).
 */
export function loadReported(file: string, io: CliIo, prefix: string, overrides: ConfigOverrides = {}, text?: string, machine = true): Loaded | undefined {
  let loaded: Loaded;
  if (file.trim() === '') {
    // '' would resolve to the current folder ("is a folder, not a file").
    io.err(`${prefix}an empty file name: which scenario?\n`);
    return undefined;
  }
  try {
    loaded = loadScenarioSync(nodeFiles, file, { overrides, machine, ...(text !== undefined ? { text } : {}) });
  } catch (e) {
    io.err(
      `${prefix}${shownPath(file)}: ${e instanceof FileError ? e.reason + (e.problem === 'missing' ? notUtf8Hint(file) + withExtension(file) : '') : errorReason(e)}\n`,
    );
    return undefined;
  }
  for (const line of formatDiagnostics(loaded.diagnostics, shownPath(file), loaded.text)) io.err(line + '\n');
  return loaded;
}

/** What is added to "no such file" for a scenario named without its `.vpci` where that file is there (`run examples/quickstart`). */
function withExtension(file: string): string {
  if (/\.vpci$/i.test(file)) return '';
  const named = `${file}.vpci`;
  return statSync(named, { throwIfNoEntry: false })?.isFile() ? ` (did you mean ${shownPath(named)}?)` : '';
}

/** How messages name a scenario argument: `-` (standard input) as <stdin>, a file as written. */
export function scenarioName(arg: string): string {
  return arg === STDIN_ARG ? STDIN_NAME : arg;
}

/** Standard input as read, by the function that read it: `diff - --guest A --guest B` loads it twice, and it can be read once. */
const stdinRead = new WeakMap<NonNullable<CliIo['readStdin']>, Promise<Uint8Array>>();

/**
 * loadReported for a scenario argument as the user wrote it: `-` reads the scenario from standard
 * input (its dump files are found from the current folder), named <stdin> in every message.
 */
export async function loadArgReported(arg: string, io: CliIo, prefix: string, overrides: ConfigOverrides = {}, machine = true): Promise<Loaded | undefined> {
  if (arg !== STDIN_ARG) return loadReported(arg, io, prefix, overrides, undefined, machine);
  if (!io.readStdin) {
    io.err(`${prefix}${STDIN_NAME}: standard input cannot be read here\n`);
    return undefined;
  }
  let bytes: Uint8Array;
  try {
    const read = io.readStdin;
    let p = stdinRead.get(read);
    if (!p) stdinRead.set(read, (p = read(SCENARIO_LIMIT)));
    bytes = await p;
  } catch (e) {
    io.err(`${prefix}${STDIN_NAME}: ${e instanceof FileError ? e.reason : errorReason(e)}\n`);
    return undefined;
  }
  return loadReported(STDIN_NAME, io, prefix, overrides, decodeText(bytes), machine);
}
