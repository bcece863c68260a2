// `vpci-lab dap [--port N [--scenario FILE ...]]`: the debug adapter over
// stdio, or over TCP on 127.0.0.1 for editors that connect to a debug server.
// With --scenario the process also holds a machine that debug clients attach
// to ("request": "attach" with "debugServer": N) and that outlives them.
import { shown } from '../../emulator/format';
import { EXIT, STDIN_ARG, type Command } from './io';
import { parse, last } from './args';
import { OVERRIDE_OPTIONS, OVERRIDE_USAGE, overridesFrom, quirksHelp } from './overrides';
import { runStdio, runTcp } from '../server';
import { HeldMachine, STALLED_BACKLOG, type LaunchArgs } from '../session';
import { loadReported } from './load-reported';
import { shownPath } from '../../io/files';

export const DAP_USAGE = `usage: vpci-lab dap [--port N [--scenario <file.vpci> [--guest G] [--host H] [--quirk name=on|off]...]]

The vPCI debug adapter (Debug Adapter Protocol).

options:
  (none)                 DAP over stdio
  --port N               DAP over TCP on 127.0.0.1:N (0 = any free port); one session per connection
  --scenario <file>      also hold this scenario's machine for "attach" clients, stopped at the
                         driver's attach entry; a detaching client leaves it where it stands.
                         The file is checked now and read again whenever a run starts afresh
                         (the first attach, and after a client terminates the run).
${OVERRIDE_USAGE}  -h, --help             print this help

quirks:
${quirksHelp()}
exit codes:
  0   the adapter ended (over stdio: its client closed the connection)
  2   a wrong option, or a --scenario that cannot be read or has errors (printed as file:line:col)
  69  the --port cannot be listened on (in use, not permitted)
  74  over stdio, a client that stopped reading: ${STALLED_BACKLOG / 1048576} MiB of answers unread (stderr says so)
`;

const OPTIONS = { ...OVERRIDE_OPTIONS, port: { type: 'string' }, scenario: { type: 'string' } } as const;

export const dapCommand: Command = {
  name: 'dap',
  summary: 'serve the debug adapter (stdio, or --port N on 127.0.0.1; --scenario to hold a machine for attach)',
  usage: DAP_USAGE,
  async run(args, io) {
    const bad = (why: string) => {
      io.err(`vpci-lab: dap: ${why}\n(vpci-lab dap --help for usage)\n`);
      return EXIT.badInput;
    };
    const r = parse(args, OPTIONS);
    if (!r.ok) return bad(r.error);
    if (r.p.positionals.length) return bad(`unexpected argument ${shown(r.p.positionals[0]!)}`);
    const v = r.p.values;
    const port = last(v.port);
    const scenario = last(v.scenario);
    const ov = overridesFrom(v, 'one machine is held');
    if (!ov.ok) return bad(ov.error);
    if ((scenario !== undefined || v.guest || v.host || v.quirk) && port === undefined)
      return bad('--scenario (and its --guest/--host/--quirk) needs --port: attach clients connect over TCP');
    if (port === undefined) {
      runStdio();
      return new Promise<number>(() => {}); // the session ends the process
    }
    // --guest, --host and --quirk change the held machine; a client that launches names its own.
    if (scenario === undefined && (v.guest || v.host || v.quirk))
      return bad(
        `--${v.guest ? 'guest' : v.host ? 'host' : 'quirk'} needs --scenario: it changes the machine held for attach (a client that launches sets its own)`,
      );
    // The held scenario is read again whenever a run starts afresh: standard input can be read once.
    if (scenario === STDIN_ARG) return bad('--scenario -: the held scenario is read again whenever a run starts afresh, so it must be a file');
    const n = Number(port);
    // Ours: decimal digits alone, as --max-steps takes them; a leading zero (00080) is refused, not read as 80 (or 64, as octal).
    if (!/^(0|[1-9]\d*)$/.test(port) || n > 65535) return bad(`--port ${shown(port, "'")}: must be 0..65535 in decimal digits, no leading zero`);
    let held: HeldMachine | undefined;
    if (scenario !== undefined) {
      // Check the scenario now, so a broken one fails here with its diagnostics instead of at the first attach.
      const checked = loadReported(scenario, io, 'vpci-lab: dap: ', ov.o, undefined, false);
      if (!checked || checked.errors.length) return EXIT.badInput;
      const a: LaunchArgs = { scenario };
      if (ov.o.guest) a.guest = ov.o.guest;
      if (ov.o.host) a.host = ov.o.host;
      if (ov.o.quirks) a.quirks = ov.o.quirks;
      held = new HeldMachine(a);
    }
    await runTcp(
      n,
      (bound) => io.err(`vpci-lab: debug adapter listening on 127.0.0.1:${bound}${held ? ` (holding ${shownPath(scenario ?? '')} for attach)` : ''}\n`),
      {},
      held,
    );
    // Keep the process alive: the server (or a signal) ends it.
    return new Promise<number>(() => {});
  },
};
