// What every CLI command is: a name, a one-line summary for `vpci-lab --help`,
// its full usage (printed by `vpci-lab <command> --help`) and a body that
// returns an exit code. Output goes through injected streams so tests capture it.
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Bytes to stdout as they are (what a C program writes raw); without it, `out` of their text. */
  outBytes?(bytes: Uint8Array): void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  outBytes: (b) => process.stdout.write(b),
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
