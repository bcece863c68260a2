// `vpci-lab dap [--port N [--scenario FILE ...]]`: the debug adapter over
// stdio, or over TCP on 127.0.0.1 for editors that connect to a debug server.
// With --scenario the process also holds a machine that debug clients attach
// to ("request": "attach" with "debugServer": N) and that outlives them.
import { EXIT, type Command } from './io';
import { parse, last } from './args';
import { OVERRIDE_OPTIONS, OVERRIDE_USAGE, overridesFrom } from './overrides';
import { runStdio, runTcp } from '../server';
import { HeldMachine, type LaunchArgs } from '../session';
import { loadReported } from './load-reported';

export const DAP_USAGE = `usage: vpci-lab dap [--port N [--scenario <file.vpci> [--guest G] [--host H] [--quirk name=on|off]...]]

The vPCI debug adapter (Debug Adapter Protocol).

options:
  (none)             DAP over stdio
  --port N           DAP over TCP on 127.0.0.1:N (0 = any free port); one session per connection
  --scenario <file>  also hold this scenario's machine for "attach" clients, stopped at the
                     driver's attach entry; a detaching client leaves it where it stands.
                     The file is checked now and read again whenever a run starts afresh
                     (the first attach, and after a client terminates the run).
${OVERRIDE_USAGE}  -h, --help         print this help
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
    if (r.p.positionals.length) return bad(`unexpected argument ${r.p.positionals[0]}`);
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
    const n = Number(port);
    if (!/^\d+$/.test(port) || n > 65535) return bad(`--port ${port}: must be 0..65535`);
    let held: HeldMachine | undefined;
    if (scenario !== undefined) {
      // Check the scenario now, so a broken one fails here with its diagnostics instead of at the first attach.
      if (!loadReported(scenario, io, 'vpci-lab: dap: ', ov.o)?.machine) return EXIT.badInput;
      const a: LaunchArgs = { scenario };
      if (ov.o.guest) a.guest = ov.o.guest;
      if (ov.o.host) a.host = ov.o.host;
      if (ov.o.quirks) a.quirks = ov.o.quirks;
      held = new HeldMachine(a);
    }
    await runTcp(n, (bound) => io.err(`vpci-lab: debug adapter listening on 127.0.0.1:${bound}${held ? ` (holding ${scenario} for attach)` : ''}\n`), {}, held);
    // Keep the process alive: the server (or a signal) ends it.
    return new Promise<number>(() => {});
  },
};
