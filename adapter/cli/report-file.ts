// Report files that `run` and `diff` write (--json FILE, --junit FILE), and their --max-steps.
// A report that cannot be written is a system error (exit 74, adapter/cli/main.ts), found before
// the run rather than after it.
import { closeSync, constants, openSync, writeFileSync } from 'node:fs';
import { FileError } from '../../io/files';
import { errorReason } from '../../io/errors';

/**
 * Checks, before a run, that a report file can be written: opened for appending (created if
 * missing, never truncated) without blocking, so a FIFO nobody reads is refused (ENXIO) instead of
 * hanging the run at its end. Throws a one-line FileError.
 */
export function reportWritable(flag: string, path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NONBLOCK));
  } catch (e) {
    throw new FileError(path, 'unreadable', `cannot be written (${flag}): ${errorReason(e)}`);
  }
}

/** Writes a report file; a failure is a one-line FileError. */
export function writeReport(flag: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new FileError(path, 'unreadable', `cannot be written (${flag}): ${errorReason(e)}`);
  }
}

/** --max-steps: a positive whole number in decimal digits (not 0x10, 1e3 or " 5", which Number() would take). */
export function positiveWhole(text: string): number | undefined {
  if (!/^[1-9][0-9]*$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
