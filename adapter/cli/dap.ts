// `vpci-lab dap [--port N [--scenario FILE ...]]`: the debug adapter over
// stdio, or over TCP on 127.0.0.1 for editors that connect to a debug server.
// With --scenario the process also holds a machine that debug clients attach
// to ("request": "attach" with "debugServer": N) and that outlives them.
import { registerCommand } from './main';
import { parseArgs, one } from './args';
import { parseOverrides } from './run';
import { runStdio, runTcp } from '../server';
import { HeldMachine, type LaunchArgs } from '../session';
import { loadReported } from './load-reported';

export const DAP_USAGE = `usage: vpci-lab dap [--port N [--scenario <file.vpci> [--guest G] [--host H] [--quirk name=on|off]...]]
  (no options)       DAP over stdio
  --port N           DAP over TCP on 127.0.0.1:N (0 = any free port); one session per connection
  --scenario <file>  also hold this scenario's machine for "attach" clients, stopped at the
                     driver's attach entry; a detaching client leaves it where it stands.
                     The file is checked now and read again whenever a run starts afresh
                     (the first attach, and after a client terminates the run).
`;

registerCommand('dap', 'serve the debug adapter (stdio, or --port N on 127.0.0.1; --scenario to hold a machine for attach)', async (args, io) => {
  const p = parseArgs(args, { values: ['port', 'scenario', 'guest', 'host', 'quirk'] });
  if (!p.ok) {
    io.err(`vpci-lab dap: ${p.error}\n${DAP_USAGE}`);
    return 2;
  }
  if (p.args.positional.length) {
    io.err(`vpci-lab dap: unexpected argument ${p.args.positional[0]}\n${DAP_USAGE}`);
    return 2;
  }
  const port = one(p.args, 'port');
  const scenario = one(p.args, 'scenario');
  const ov = parseOverrides(p.args.values);
  if (!ov.ok) {
    io.err(`vpci-lab dap: ${ov.error}\n`);
    return 2;
  }
  if ((scenario !== undefined || p.args.values.has('guest') || p.args.values.has('host') || p.args.values.has('quirk')) && port === undefined) {
    io.err(`vpci-lab dap: --scenario (and its --guest/--host/--quirk) needs --port: attach clients connect over TCP\n`);
    return 2;
  }
  if (port === undefined) {
    runStdio();
    return new Promise<number>(() => {}); // the session ends the process
  }
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    io.err(`vpci-lab dap: --port must be 0..65535\n`);
    return 2;
  }
  let held: HeldMachine | undefined;
  if (scenario !== undefined) {
    // Check the scenario now, so a broken one fails here with its diagnostics instead of at the first attach.
    if (!loadReported(scenario, io, 'vpci-lab dap: ', ov.o)?.machine) return 2;
    const a: LaunchArgs = { scenario };
    if (ov.o.guest) a.guest = ov.o.guest;
    if (ov.o.host) a.host = ov.o.host;
    if (ov.o.quirks) a.quirks = ov.o.quirks;
    held = new HeldMachine(a);
  }
  try {
    await runTcp(n, (bound) => io.err(`vpci-lab: debug adapter listening on 127.0.0.1:${bound}${held ? ` (holding ${scenario} for attach)` : ''}\n`), {}, held);
  } catch (e) {
    io.err(`vpci-lab: dap: ${e instanceof Error ? e.message : String(e)}\n`);
    return 69; // EX_UNAVAILABLE: the port cannot be served
  }
  // Keep the process alive: the server (or a signal) ends it.
  return new Promise<number>(() => {});
});
