// What every CLI command is: a name, a one-line summary for `vpci-lab --help`,
// its full usage (printed by `vpci-lab <command> --help`) and a body that
// returns an exit code. Output goes through injected streams so tests capture it.
import { fstatSync } from 'node:fs';
import { FileError, bytesText } from '../../io/files';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Bytes to stdout as they are (what a C program writes raw); without it, `out` of their text. */
  outBytes?(bytes: Uint8Array): void;
  /**
   * Standard input to its end, at most `limit` bytes (a FileError past that), for a file argument
   * written `-`. Without it (an io that has no standard input), `-` is refused.
   */
  readStdin?: (limit: number) => Promise<Uint8Array>;
}

/** How a file argument names standard input, and how messages name what was read from it (as gcc does). */
export const STDIN_ARG = '-';
export const STDIN_NAME = '<stdin>';

/** Reads the process's standard input to its end; more than `limit` bytes is a one-line FileError. */
async function readProcessStdin(limit: number): Promise<Uint8Array> {
  // Node reads a folder given as standard input (`vpci-lab check - < dir`) as an empty stream,
  // which checked as an empty scenario: it is refused as a folder named as a file argument is.
  if (fstatSync(0).isDirectory()) throw new FileError(STDIN_NAME, 'not-a-file', 'is a folder, not a file');
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) {
      process.stdin.destroy();
      throw new FileError(STDIN_NAME, 'too-large', `is larger than the limit; files read here are limited to ${bytesText(limit)}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  outBytes: (b) => process.stdout.write(b),
  readStdin: readProcessStdin,
};

export interface Command {
  name: string;
  summary: string;
  /** The whole usage text, ending in a newline. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number> | number;
}

/** Exit codes shared by `run`, `check` and `diff`, stated once for their usage texts. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** What `run` and `check` exit with, word for word the same in both usages. */
export const EXIT_CODES = `exit codes (run and check alike):
  0  clean: no scenario errors and (run) every expectation held
  1  (run) an expectation failed
  2  bad input: a scenario error (printed as file:line:col), an unreadable file or a wrong option
  74 (run) a --json or --junit report file cannot be written (found before the run starts)
`;

/**
 * What is added to "no such file" when the name holds U+FFFD: Node reads the command line as
 * UTF-8 and puts U+FFFD in place of bytes that are not (a Latin-1 name, `caf\xe9.vpci`), so a
 * file that `ls` shows is not found under the name the CLI was given.
 */
export function notUtf8Hint(path: string): string {
  return path.includes('\uFFFD')
    ? ' (its name is not UTF-8, and Node reads the command line as UTF-8: rename the file, or give it as - on standard input)'
    : '';
}
