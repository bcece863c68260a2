// `vpci-lab check <scenario>...`: parse and check scenarios without running
// them; prints every diagnostic with its position.
import { EXIT, EXIT_CODES, type Command } from './io';
import { parse } from './args';
import { loadArgReported, scenarioName } from './load-reported';
import { counted, visible } from '../../emulator/format';

export const CHECK_USAGE = `usage: vpci-lab check <scenario.vpci>...

Parses and checks each scenario without running it; every diagnostic is printed to stderr as
file:line:col: severity: message, with the source line. A clean file prints "<file>: ok".
A scenario written - is read from standard input (named <stdin>; its dumps from the current
folder).

options:
  -h, --help   print this help

${EXIT_CODES}`;

export const checkCommand: Command = {
  name: 'check',
  summary: 'check scenarios for errors without running them',
  usage: CHECK_USAGE,
  async run(args, io) {
    const r = parse(args, {});
    // `check - -` read standard input once and checked that text twice.
    const twice = r.ok && r.p.positionals.filter((a) => a === '-').length > 1;
    if (!r.ok || !r.p.positionals.length || twice) {
      const why = !r.ok ? r.error : twice ? "'-' given twice: standard input is read once" : 'which scenario? (vpci-lab check <scenario.vpci>...)';
      io.err(`vpci-lab: check: ${why}\n(vpci-lab check --help for usage)\n`);
      return EXIT.badInput;
    }
    let bad = false;
    for (const arg of r.p.positionals) {
      const file = scenarioName(arg);
      const l = await loadArgReported(arg, io, 'vpci-lab: check: ', {}, false);
      if (!l || l.errors.length) {
        bad = true;
        continue;
      }
      io.out(`${visible(file)}: ok${l.diagnostics.length ? ` (${counted(l.diagnostics.length, 'warning')})` : ''}\n`);
    }
    return bad ? EXIT.badInput : EXIT.ok;
  },
};
