// The CLI's output captured for assertions: main() writes through a CliIo, and this one keeps
// what went to stdout and stderr (test helper of the CLI tests).
import type { CliIo } from '../../adapter/cli/main';

export function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
