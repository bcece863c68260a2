// Report files that `run` and `diff` write (--json FILE, --junit FILE), and their --max-steps.
// A report that cannot be written is a system error (exit 74, adapter/cli/main.ts), found before
// the run rather than after it.
import { closeSync, constants, openSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FileError } from '../../io/files';
import { errorReason } from '../../io/errors';
import { grouped, shown, visible } from '../../emulator/format';
import type { CliIo } from './io';

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

/** Whether two paths name one file: the same file once both exist (a link, another spelling), else the same absolute path. */
function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a, { throwIfNoEntry: false }), statSync(b, { throwIfNoEntry: false })];
    if (x && y) return x.dev === y.dev && x.ino === y.ino;
  } catch {
    // a path that cannot be looked at is compared as written
  }
  return resolve(a) === resolve(b);
}

/**
 * Why the report files cannot be written where they are asked for, or undefined: a report onto a
 * scenario the command reads would overwrite it at the end of the run (as gcc refuses `-o` onto
 * its input), and two reports onto one file would leave only the last. `reports` are the options
 * and their files (stdout, '-', left out); `inputs` the scenario files as written ('-' left out).
 */
export function reportClash(reports: readonly (readonly [string, string | undefined])[], inputs: readonly string[]): string | undefined {
  const files = reports.filter((r): r is readonly [string, string] => r[1] !== undefined && r[1] !== '' && r[1] !== '-');
  for (const [flag, path] of files)
    for (const input of inputs)
      if (input !== '-' && input !== '' && sameFile(path, input))
        return `${flag} ${shown(path)}: that is the scenario ${shown(input)}, which the report would overwrite`;
  for (const [i, [flag, path]] of files.entries())
    for (const [other, otherPath] of files.slice(i + 1))
      if (sameFile(path, otherPath)) return `${flag} and ${other} both name ${shown(path)}: one report would overwrite the other`;
  return undefined;
}

/**
 * Text made fit for an XML 1.0 document, as an attribute value or as element content. XML 1.0
 * allows only tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and U+10000 up: any
 * other character (a C0 control in a file name, a lone surrogate, U+FFFE, U+FFFF) makes the
 * whole report unreadable to a CI server even written as a character reference. So control
 * characters are spelt as the rest of the CLI spells them (`visible`: \x01), and what is left
 * that XML forbids as \uNNNN; then & < > " ' are escaped, so the text is right in either place.
 */
export function xmlText(s: string): string {
  return visible(s)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Writes a report file; a failure is a one-line FileError. */
export function writeReport(flag: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new FileError(path, 'unreadable', `cannot be written (${flag}): ${errorReason(e)}`);
  }
}

/** What positiveWhole takes, for the error of a value it refuses (with its limit: 99999999999999999999 was refused unsaid why). */
export const WHOLE_RULE = `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`;

/** --max-steps: a positive whole number in decimal digits (not 0x10, 1e3 or " 5", which Number() would take). */
export function positiveWhole(text: string): number | undefined {
  if (!/^[1-9][0-9]*$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A diagnostic as the JSON reports list it. */
export interface ReportDiagnostic {
  severity: string;
  code: string;
  message: string;
  loc: { line: number; col: number };
  /** The place it refers to (the first declaration of a bus declared twice): the text output's `note:` line. */
  related?: { message: string; loc: { line: number; col: number } };
}

export const reportDiagnostics = (ds: readonly ReportDiagnostic[]) =>
  ds.map((d) => ({
    severity: d.severity,
    code: d.code,
    message: d.message,
    line: d.loc.line,
    col: d.loc.col,
    ...(d.related ? { related: { message: d.related.message, line: d.related.loc.line, col: d.related.loc.col } } : {}),
  }));

/**
 * What `run` and `diff` write to their report files when a scenario did not load (it could not be
 * read, or has errors): a report that says so, rather than none — a CI step that reads the file
 * would otherwise find it empty (created when it was checked to be writable) or left from an
 * earlier run, and read a stale pass.
 */
export class LoadFailure {
  /** What the command printed on stderr while loading (the read error, or the diagnostics), at most MAX_LINES lines. */
  readonly printed: string[] = [];
  static readonly MAX_LINES = 200;
  /** The scenario's diagnostics, once it is known not to have loaded (none when it could not be read). */
  diagnostics: readonly ReportDiagnostic[] = [];

  /**
   * `prefix`: what the command starts its one-line messages with (`vpci-lab: run: `); the report's
   * `problem` leaves it out, as the diagnostics' messages leave out the `file:line:col: error:` the
   * text output puts before them.
   */
  constructor(
    readonly file: string,
    readonly prefix = '',
  ) {}

  /** The io to load through: it prints as `io` does and keeps the first lines in `printed`. */
  watching(io: CliIo): CliIo {
    return {
      ...io,
      err: (t: string) => {
        if (this.printed.length < LoadFailure.MAX_LINES) this.printed.push(...t.split('\n').filter((l) => l !== ''));
        io.err(t);
      },
    };
  }

  /** One line: the read error, or how many errors the scenario has. */
  problem(): string {
    const errors = this.diagnostics.filter((d) => d.severity === 'error').length;
    if (errors)
      return `the scenario did not load: ${grouped(errors)} error${errors === 1 ? '' : 's'} (${this.diagnostics.find((d) => d.severity === 'error')!.message})`;
    const first = this.printed[0];
    if (first === undefined) return 'the scenario did not load';
    return this.prefix && first.startsWith(this.prefix) ? first.slice(this.prefix.length) : first;
  }

  /** The JSON report's own fields: the scenario, that it did not load and why, its diagnostics. */
  json(): { scenario: string; loaded: false; problem: string; diagnostics: ReturnType<typeof reportDiagnostics> } {
    return { scenario: this.file, loaded: false, problem: this.problem(), diagnostics: reportDiagnostics(this.diagnostics) };
  }

  junit(): string {
    const name = xmlText(this.file);
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${name}" tests="1" failures="0" errors="1" time="0">\n    <testcase classname="${name}" name="load" time="0"><error message="${xmlText(this.problem())}">${this.printed.map(xmlText).join('\n')}</error></testcase>\n  </testsuite>\n</testsuites>\n`;
  }
}
